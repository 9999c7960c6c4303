"""A receiver in Chromium at 360×640, scans typed as keystrokes ending in Enter: a receipt from
Odoo with a lot-tracked item whose lot comes on a second GS1 label, received, closed, put away
in the bin Floor suggests, and both operations pushed to the Odoo test double."""

import os

import pytest
from playwright.sync_api import expect

from floor.ledger.models import Quant
from floor.odoo import push
from floor.odoo.models import Operation
from floor.receiving.models import Receipt, ReceiptLine
from floor.warehouse.models import Location, Warehouse
from floor.warehouse.services import location_of_kind
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

VACCINE = "05012345678900"


@pytest.fixture
def odoo_receipt(live_server, odoo18, settings):
    odoo = odoo18
    settings.ODOO_URL, settings.ODOO_DB = odoo.url, odoo.db
    settings.ODOO_USER, settings.ODOO_API_KEY = odoo.login, odoo.api_key
    [odoo_wh] = odoo.records("stock.warehouse", [], ["id"])
    wh = factories.warehouse()
    Warehouse.objects.filter(pk=wh.pk).update(odoo_id=odoo_wh["id"])
    odoo_id = odoo.seed_product("Vaccine", default_code="VAX", tracking="lot")
    vaccine = factories.product(gtin=VACCINE[1:], tracking="lot", name="Vaccine", odoo_id=odoo_id, odoo_uom_id=1)
    picking = odoo.seed_receipt(lines=[(odoo_id, 4)], origin="PO-E2E")
    shelf_id = odoo.seed_location("Shelf A-07")
    shelf = factories.storage_bin(wh, aisle="A", bay=7)
    Location.objects.filter(pk=shelf.pk).update(odoo_id=shelf_id)
    type(vaccine).objects.filter(pk=vaccine.pk).update(fixed_bin=shelf)
    [move] = odoo.records("stock.move", [["picking_id", "=", picking]], ["id"])
    receipt = Receipt.objects.create(warehouse=wh, reference="WH/IN/00077", vendor="Acme", odoo_id=picking)
    ReceiptLine.objects.create(receipt=receipt, product=vaccine, expected=4, odoo_move_id=move["id"])
    factories.user("receiver", roles=["receiver"], wh=wh, badge="BDG-0002", pin=PIN)
    return odoo, wh, vaccine, receipt, picking, shelf, shelf_id


def test_a_receiver_receives_a_lot_from_two_labels_puts_it_away_and_odoo_gets_both(page, live_server, odoo_receipt):
    odoo, wh, vaccine, receipt, picking, shelf, shelf_id = odoo_receipt
    page.add_init_script(RECORD_SOUNDS)
    sign_in(page, live_server)
    page.get_by_role("link", name="Receive").click()
    expect(page.locator(".prompt-do")).to_have_text("Scan a receipt")
    in_view(page, page.locator(".prompt-do"))

    scan(page, "WH/IN/00077")
    expect(page.locator("#feedback.feedback-ok")).to_contain_text("Receiving WH/IN/00077")
    expect(page.locator(".prompt-do")).to_have_text("Scan an item")
    scan(page, "NOT-A-CODE")  # a wrong scan: words, the error sound, nothing counted
    expect(page.locator("#feedback.feedback-error")).to_contain_text("Not a code Floor knows")
    page.wait_for_function("window.sounds.includes('error')")
    # Forms that came in with a scan's answer carry no token of their own: htmx sends the page's.
    page.get_by_role("button", name="Other receipt").click()
    expect(page.locator(".prompt-do")).to_have_text("Scan a receipt")
    in_view(page, page.locator(".prompt-do"))
    page.get_by_role("button", name="WH/IN/00077").click()
    expect(page.locator(".prompt-do")).to_have_text("Scan an item")
    in_view(page, page.locator(".prompt-do"))

    scan(page, f"]C101{VACCINE}17271231")  # the item's label: GTIN and expiry, no lot
    expect(page.locator(".prompt-do")).to_have_text("Scan the lot label")
    expect(page.locator("#feedback.feedback-warning")).to_contain_text("Scan the lot label")  # amber: not counted
    in_view(page, page.locator("#feedback"))
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.environ["SCREENSHOTS"] + "/receive-lot.png")
    scan(page, "]C110LOT-E2E")  # the second label: the lot
    expect(page.locator("#feedback.feedback-ok")).to_contain_text(f"{vaccine.sku} — 1 of 4")

    page.wait_for_timeout(350)  # past the double-read window
    scan(page, f"]C101{VACCINE}17271231\x1d10LOT-E2E")
    scan(page, f"]C101{VACCINE}17271231\x1d10LOT-E2E")  # the same read twice within 300 ms: one scan
    expect(page.locator("#feedback.feedback-ok")).to_contain_text(f"{vaccine.sku} — 2 of 4")
    page.wait_for_timeout(400)
    expect(page.locator(".touched")).to_contain_text("2 / 4")

    page.get_by_text("Case quantity · damaged").click()
    in_view(page, page.get_by_role("button", name="Set"))
    page.locator("#qty").fill("2")
    page.get_by_role("button", name="Set").click()
    expect(page.locator("#feedback")).to_contain_text("Next scan counts 2")
    scan(page, f"]C101{VACCINE}17271231\x1d10LOT-E2E")
    expect(page.locator(".touched")).to_contain_text("4 / 4")
    page.wait_for_function("window.sounds.includes('line')")
    no_horizontal_scroll(page)

    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.environ["SCREENSHOTS"] + "/receive-counted.png")
    page.get_by_role("button", name="Done").click()
    expect(page.locator(".prompt-do")).to_have_text("Close the receipt?")
    in_view(page, page.locator(".prompt-do"))
    in_view(page, page.get_by_role("button", name="Confirm and close"))
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.environ["SCREENSHOTS"] + "/receive-close.png")
    page.get_by_role("button", name="Confirm and close").click()
    expect(page.locator("#feedback.feedback-ok")).to_contain_text("WH/IN/00077 closed")
    in_view(page, page.locator(".prompt-do"))
    no_horizontal_scroll(page)

    input_area = location_of_kind(wh, Location.Kind.INPUT)
    [quant] = Quant.objects.filter(location=input_area, product=vaccine)
    assert quant.quantity == 4 and quant.lot.name == "LOT-E2E" and str(quant.lot.expiry_date) == "2027-12-31"
    [op] = Operation.objects.filter(kind="receipt")
    push.send(op.pk)  # what the Celery worker does (at once when Celery runs in-process)
    op.refresh_from_db()
    assert op.state == "sent", op.last_error
    assert odoo.get("stock.picking", picking, ["state"])["state"] == "done"
    [lot] = odoo.records("stock.lot", [["name", "=", "LOT-E2E"]], ["id"])
    assert odoo.on_hand(vaccine.odoo_id, lot_id=lot["id"]) == 4.0

    # Put away: the item's GS1 label at input, then the bin Floor suggests (its fixed bin).
    page.get_by_role("link", name="Work list").click()
    page.get_by_role("link", name="Put away").click()
    expect(page.locator(".prompt-do")).to_have_text("Scan an item or licence plate")
    in_view(page, page.locator(".prompt-do"))
    scan(page, f"]C101{VACCINE}10LOT-E2E")
    expect(page.locator(".prompt-where")).to_have_text(shelf.name)
    in_view(page, page.locator(".prompt-where"))
    expect(page.locator(".prompt-what")).to_contain_text(f"4 × {vaccine.sku}")
    scan(page, shelf.barcode)
    expect(page.locator("#feedback.feedback-ok")).to_contain_text(f"Put away 4 × {vaccine.sku} in {shelf.name}")
    no_horizontal_scroll(page)
    assert Quant.objects.get(location=shelf, product=vaccine).quantity == 4
    [putaway] = Operation.objects.filter(kind="internal")
    push.send(putaway.pk)
    putaway.refresh_from_db()
    assert putaway.state == "sent", putaway.last_error
    assert odoo.on_hand(vaccine.odoo_id, shelf_id, lot_id=lot["id"]) == 4.0


BOLT = "4006381333931"


@pytest.fixture
def receipt(live_server):
    wh = factories.warehouse()
    bolt = factories.product(gtin=BOLT, sku="BOLT", name="Hex bolt")
    receipt = Receipt.objects.create(warehouse=wh, reference="WH/IN/00078", vendor="Acme")
    ReceiptLine.objects.create(receipt=receipt, product=bolt, expected=6)
    for _ in range(5):  # a receipt of some length: its close summary runs below the fold
        ReceiptLine.objects.create(receipt=receipt, product=factories.product(), expected=4)
    factories.user("receiver", roles=["receiver"], wh=wh, badge="BDG-0002", pin=PIN)
    return wh, bolt, receipt


def test_what_a_tap_opens_on_the_receive_screen_is_in_sight(page, live_server, receipt):
    """Each tap's answer and each screen's prompt in sight above the action bar: the receipt list,
    Case quantity · damaged (it opened wholly below the fold), the Damaged band, the close summary,
    and the list again after Other receipt (it opened scrolled to where the button was)."""
    wh, bolt, receipt = receipt
    sign_in(page, live_server)
    page.get_by_role("link", name="Receive").click()
    expect(page.locator(".prompt-do")).to_have_text("Scan a receipt")
    in_view(page, page.locator(".prompt-do"))
    scan(page, "WH/IN/00078")
    expect(page.locator(".prompt-do")).to_have_text("Scan an item")

    page.get_by_text("Case quantity · damaged").click()
    in_view(page, page.get_by_label("Next scan counts"))
    in_view(page, page.get_by_role("button", name="Set"))
    reasons = ("Crushed or broken", "Wet or stained", "Opened or tampered", "Expired or short-dated", "Other damage")
    for reason in reasons:
        in_view(page, page.get_by_role("button", name=reason))
    no_horizontal_scroll(page)
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.environ["SCREENSHOTS"] + "/receive-case-damaged.png")

    # A case of 2 typed as a person types, then Enter: taken, and the item's scan goes to the scan box.
    page.get_by_label("Next scan counts").click()
    page.keyboard.press("Control+A")
    page.keyboard.type("2", delay=150)
    page.keyboard.press("Enter")
    expect(page.locator("#feedback.feedback-ok")).to_contain_text("Next scan counts 2")
    expect(page.locator("[data-scan-input]")).to_be_focused()
    scan(page, BOLT)
    expect(page.locator(".touched")).to_contain_text("2 / 6")

    page.get_by_text("Case quantity · damaged").click()
    page.get_by_role("button", name="Crushed or broken").click()
    band = page.locator("#feedback.feedback-warning")
    expect(band).to_contain_text("Damaged (Crushed or broken): scan the item")
    in_view(page, band)
    in_view(page, page.locator(".prompt-do"))
    expect(page.locator(".prompt-where")).to_have_text("Quarantine")
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.environ["SCREENSHOTS"] + "/receive-damaged.png")
    page.wait_for_timeout(350)  # past the double-read window: the same item again
    scan(page, BOLT)
    expect(page.locator("#feedback")).to_contain_text("Damaged: 1 × BOLT to quarantine")

    page.get_by_role("button", name="Done").click()
    expect(page.locator(".prompt-do")).to_have_text("Close the receipt?")
    in_view(page, page.locator(".prompt-do"))
    in_view(page, page.get_by_role("button", name="Confirm and close"))
    in_view(page, page.get_by_role("button", name="Keep receiving"))
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.environ["SCREENSHOTS"] + "/receive-close-summary.png")
    page.get_by_role("button", name="Keep receiving").click()
    expect(page.locator(".prompt-do")).to_have_text("Scan an item")

    page.get_by_role("button", name="Other receipt").click()
    expect(page.locator(".prompt-do")).to_have_text("Scan a receipt")
    in_view(page, page.locator(".prompt-do"))
