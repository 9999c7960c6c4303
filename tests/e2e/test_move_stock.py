"""Move stock in Chromium at 360×640, scans typed as keystrokes ending in Enter."""

import os

import pytest
from playwright.sync_api import expect

from floor.ledger.models import Move, Quant
from floor.odoo.models import Operation
from tests import factories
from tests.e2e.test_scanner_shell import PIN, RECORD_SOUNDS, live_socket, no_horizontal_scroll, scan, sign_in  # noqa: F401

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = pytest.mark.e2e


@pytest.fixture
def stocked(live_server):
    wh = factories.warehouse()
    a, b = factories.storage_bin(wh, aisle="A"), factories.storage_bin(wh, aisle="B")
    item = factories.product(gtin="4006381333931", name="Hex bolt M8")
    factories.stock(a, item, 5)
    factories.user("picker", roles=["picker"], wh=wh, badge="BDG-0002", pin=PIN)
    return a, b, item


def on_hand(location, product):
    return sum(q.quantity for q in Quant.objects.filter(location=location, product=product))


def test_a_picker_moves_two_units_bin_to_bin_a_double_read_counting_once(page, live_server, stocked):
    a, b, item = stocked
    page.add_init_script(RECORD_SOUNDS)
    sign_in(page, live_server)
    page.get_by_role("link", name="Move stock").click()
    expect(page.locator(".prompt-do")).to_have_text("Scan the bin to take from")
    expect(page.locator("[data-scan-input]")).to_be_focused()

    scan(page, a.barcode)
    expect(page.locator(".prompt-where")).to_have_text(a.name)
    scan(page, "4006381333931")
    scan(page, "4006381333931")  # the same read twice within 300 ms: one trigger
    expect(page.locator(".prompt-what")).to_contain_text("1 × " + item.sku)
    page.wait_for_timeout(400)
    scan(page, "4006381333931")  # scanned again later: counts again
    expect(page.locator(".prompt-what")).to_contain_text("2 × " + item.sku)

    scan(page, "NOT-A-CODE")  # a wrong scan: words, the error sound, nothing changes
    expect(page.locator("#feedback.feedback-error")).to_contain_text("Not a code Floor knows")
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.environ["SCREENSHOTS"] + "/move-error.png")
    page.wait_for_function("window.sounds.includes('error')")
    expect(page.locator(".prompt-what")).to_contain_text("2 × " + item.sku)

    scan(page, b.barcode)
    expect(page.locator("#feedback.feedback-ok")).to_contain_text(f"Moved 2 × {item.sku} to {b.name}")
    expect(page.locator(".prompt-do")).to_have_text("Scan the bin to take from")
    expect(page.locator(".undo-preview")).to_contain_text(f"move 2 × {item.sku} back to {a.name}")
    no_horizontal_scroll(page)
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.environ["SCREENSHOTS"] + "/move-done.png")
    assert (on_hand(a, item), on_hand(b, item)) == (3, 2)
    assert Operation.objects.filter(kind="internal").count() == 1

    page.get_by_role("button", name="Undo").click()
    expect(page.locator("#feedback")).to_contain_text(f"back to {a.name}")
    assert (on_hand(a, item), on_hand(b, item)) == (5, 0)
    assert Move.objects.filter(reverses__isnull=False).count() == 1
