"""Put away in Chromium at 360×640, scans typed as keystrokes ending in Enter."""

import os
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from floor.ledger.checks import ledger_differences
from floor.ledger.models import Quant
from floor.odoo.models import Operation
from floor.putaway.models import Putaway
from floor.warehouse.models import Location
from floor.warehouse.services import add_zone, location_of_kind
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

GTIN = "4006381333931"


@pytest.fixture
def waiting(live_server):
    wh = factories.warehouse()
    inbound = location_of_kind(wh, Location.Kind.INPUT)
    zone = add_zone(wh, name="Zone A")
    a, b = factories.storage_bin(wh, aisle="A"), factories.storage_bin(wh, aisle="B")
    item = factories.product(gtin=GTIN, name="Hex bolt M8", zone=zone, volume=Decimal("0.001"))
    factories.stock(inbound, item, 12)
    factories.user("receiver", roles=["receiver"], wh=wh, badge="BDG-0002", pin=PIN)
    return inbound, a, b, item


def on_hand(location, product):
    return sum(q.quantity for q in Quant.objects.filter(location=location, product=product))


def test_a_receiver_puts_away_to_another_bin_with_a_reason_after_a_wrong_scan(page, live_server, waiting):
    inbound, a, b, item = waiting
    page.add_init_script(RECORD_SOUNDS)
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/putaway/")
    expect(page.locator(".prompt-do")).to_have_text("Scan an item or licence plate")
    expect(page.locator("[data-scan-input]")).to_be_focused()
    in_view(page, page.locator(".prompt-do"))

    scan(page, GTIN)
    expect(page.locator(".prompt-do")).to_have_text("Scan bin")
    expect(page.locator(".prompt-where")).to_have_text(a.name)
    expect(page.locator(".prompt-why")).to_contain_text("empty, in Zone A, room for it")
    expect(page.locator(".prompt-what")).to_contain_text(f"12 × {item.sku}")
    in_view(page, page.locator(".prompt-where"))
    # One less than all of it, typed as a person types, then Enter: taken, and the next scan goes
    # to the scan box, not into the number box.
    page.locator("#qty").click()
    page.keyboard.press("Control+A")
    page.keyboard.type("11", delay=150)
    page.keyboard.press("Enter")
    expect(page.locator(".prompt-what")).to_contain_text(f"11 × {item.sku}")
    expect(page.locator("[data-scan-input]")).to_be_focused()

    page.wait_for_timeout(350)  # past the double-read window, as a person would be
    scan(page, "WH-PACK")  # a wrong scan: words, the error sound, nothing changes
    expect(page.locator("#feedback.feedback-error")).to_contain_text(f"expected {a.name} (scanned WH/Pack)")
    page.wait_for_function("window.sounds.includes('error')")
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.environ["SCREENSHOTS"] + "/putaway-error.png")

    scan(page, b.barcode)  # not the suggested bin: Floor asks why
    expect(page.locator(".prompt-do")).to_have_text("Why this bin?")
    expect(page.locator(".prompt-where")).to_have_text(b.name)
    # The band and all four reasons in sight above the action bar (the fourth was under it).
    in_view(page, page.locator("#feedback.feedback-warning"))
    for reason in ("Suggested bin full", "Suggested bin blocked or damaged", "Closer bin", "Other"):
        in_view(page, page.get_by_role("button", name=reason, exact=True))
    no_horizontal_scroll(page)
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.environ["SCREENSHOTS"] + "/putaway-reason.png")
    assert on_hand(b, item) == 0
    page.get_by_role("button", name="Closer bin").click()
    expect(page.locator("#feedback.feedback-ok")).to_contain_text(f"Put away 11 × {item.sku} in {b.name}")
    page.wait_for_function("window.sounds.includes('document')")
    expect(page.locator(".prompt-do")).to_have_text("Scan an item or licence plate")
    in_view(page, page.locator(".prompt-do"))
    expect(page.locator(".undo-preview")).to_contain_text(f"move 11 × {item.sku} back to {inbound.name}")
    in_view(page, page.locator(".undo-preview"))
    assert (on_hand(inbound, item), on_hand(b, item)) == (1, 11)
    assert Putaway.objects.get(state="done").reason == "closer"

    scan(page, GTIN)  # the last one follows the rest: b holds it now
    expect(page.locator(".prompt-where")).to_have_text(b.name)
    expect(page.locator(".prompt-why")).to_contain_text(f"already holds {item.sku}")
    scan(page, b.barcode)
    expect(page.locator("#feedback.feedback-ok")).to_contain_text(f"Put away 1 × {item.sku} in {b.name}")
    no_horizontal_scroll(page)
    assert (on_hand(inbound, item), on_hand(b, item)) == (0, 12)
    assert Operation.objects.filter(kind="internal").count() == 2
    assert ledger_differences() == []
