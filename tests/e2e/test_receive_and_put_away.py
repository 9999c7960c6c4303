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
from tests.e2e.test_scanner_shell import PIN, RECORD_SOUNDS, live_socket, no_horizontal_scroll, scan, sign_in  # noqa: F401

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

    scan(page, "WH/IN/00077")
    expect(page.locator("#feedback.feedback-ok")).to_contain_text("Receiving WH/IN/00077")
    expect(page.locator(".prompt-do")).to_have_text("Scan an item")
    scan(page, "NOT-A-CODE")  # a wrong scan: words, the error sound, nothing counted
    expect(page.locator("#feedback.feedback-error")).to_contain_text("Not a code Floor knows")
    page.wait_for_function("window.sounds.includes('error')")
    # Forms that came in with a scan's answer carry no token of their own: htmx sends the page's.
    page.get_by_role("button", name="Other receipt").click()
    expect(page.locator(".prompt-do")).to_have_text("Scan a receipt")
    page.get_by_role("button", name="WH/IN/00077").click()
    expect(page.locator(".prompt-do")).to_have_text("Scan an item")

    scan(page, f"]C101{VACCINE}17271231")  # the item's label: GTIN and expiry, no lot
    expect(page.locator(".prompt-do")).to_have_text("Scan the lot label")
    expect(page.locator("#feedback.feedback-warning")).to_contain_text("Scan the lot label")  # amber: not counted
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
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.environ["SCREENSHOTS"] + "/receive-close.png")
    page.get_by_role("button", name="Confirm and close").click()
    expect(page.locator("#feedback.feedback-ok")).to_contain_text("WH/IN/00077 closed")
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
    scan(page, f"]C101{VACCINE}10LOT-E2E")
    expect(page.locator(".prompt-where")).to_have_text(shelf.name)
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
