"""Move stock in Chromium at 360×640, scans typed as keystrokes ending in Enter."""

import os

import pytest
from playwright.sync_api import expect

from floor.ledger.models import Move, Quant
from floor.odoo.models import Operation
from tests import factories
from tests.e2e.test_scanner_shell import (  # noqa: F401
    PIN,
    RECORD_SOUNDS,
    in_view,
    live_socket,
    no_horizontal_scroll,
    scan,
    sign_in,
)

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
    in_view(page, page.locator(".prompt-do"))

    scan(page, a.barcode)
    expect(page.locator(".prompt-where")).to_have_text(a.name)
    scan(page, "4006381333931")
    scan(page, "4006381333931")  # the same read twice within 300 ms: one trigger
    expect(page.locator(".prompt-what")).to_contain_text("1 × " + item.sku)
    page.wait_for_timeout(400)
    scan(page, "4006381333931")  # scanned again later: counts again
    expect(page.locator(".prompt-what")).to_contain_text("2 × " + item.sku)
    in_view(page, page.locator(".prompt-do"))

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
    in_view(page, page.locator(".undo-preview"))  # Undo says what it will undo, in sight
    # The bin's code whole on one line: a line breaks after a hyphen, never inside a code.
    for code in (item.sku, b.name):
        held = page.locator("#feedback .code", has_text=code)
        expect(held).to_have_css("white-space", "nowrap")
        assert held.evaluate("el => el.getClientRects().length") == 1
    no_horizontal_scroll(page)
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.environ["SCREENSHOTS"] + "/move-done.png")
    assert (on_hand(a, item), on_hand(b, item)) == (3, 2)
    assert Operation.objects.filter(kind="internal").count() == 1

    page.get_by_role("button", name="Undo").click()
    expect(page.locator("#feedback")).to_contain_text(f"back to {a.name}")
    assert (on_hand(a, item), on_hand(b, item)) == (5, 0)
    assert Move.objects.filter(reverses__isnull=False).count() == 1


def test_a_scan_after_a_typed_quantity_is_posted(page, live_server, stocked):
    """Issue 22: after a quantity and Enter the focus stayed in the number box; the next scan
    typed into it ("-00114"), the browser said "Please enter a number", and nothing was sent."""
    a, b, item = stocked
    sign_in(page, live_server)
    page.get_by_role("link", name="Move stock").click()
    expect(page.locator(".prompt-do")).to_have_text("Scan the bin to take from")
    scan(page, a.barcode)
    scan(page, "4006381333931")
    expect(page.locator(".prompt-what")).to_contain_text("1 × " + item.sku)

    page.locator("#qty").click()  # as a person types it: the box tapped, then the digit
    page.keyboard.press("Control+A")
    page.keyboard.type("3", delay=150)
    page.keyboard.press("Enter")
    expect(page.locator(".prompt-what")).to_contain_text("3 × " + item.sku)
    expect(page.locator("[data-scan-input]")).to_be_focused()
    scan(page, b.barcode)
    expect(page.locator("#feedback.feedback-ok")).to_contain_text(f"Moved 3 × {item.sku} to {b.name}")
    assert (on_hand(a, item), on_hand(b, item)) == (2, 3)

    # The number box has the focus (tapped, then nothing typed) when the bin is scanned: the
    # scan still goes to the scan box and is posted; the quantity stays what it was.
    scan(page, a.barcode)
    scan(page, "4006381333931")
    expect(page.locator(".prompt-what")).to_contain_text("1 × " + item.sku)
    page.locator("#qty").click()
    scan(page, b.barcode)
    expect(page.locator("#feedback.feedback-ok")).to_contain_text(f"Moved 1 × {item.sku} to {b.name}")
    in_view(page, page.locator("#feedback"))
    assert (on_hand(a, item), on_hand(b, item)) == (1, 4)
