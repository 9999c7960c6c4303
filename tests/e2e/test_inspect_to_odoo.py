"""Returns from the scanner to Odoo (17, 18 and 19: the test double on the wire), in Chromium at
360×640 with keystrokes ending in Enter: an announced return graded with a photo, one mug
restocked and one scrapped; and a parcel with no RMA, opened from its order number."""

import os

import pytest
from playwright.sync_api import expect

from floor.ledger.checks import ledger_differences
from floor.odoo.models import Operation
from floor.returns.models import InspectionPhoto, Return
from tests import factories
from tests.e2e.test_scanner_shell import PIN, in_view, live_socket, no_horizontal_scroll, scan  # noqa: F401
from tests.odoo.pushing import sent
from tests.returns.factories import jpeg
from tests.returns.test_inspect_to_odoo import MUG, odoo_shipment

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = pytest.mark.e2e


@pytest.fixture
def dock(live_server, odoo_double, settings):
    shipment = odoo_shipment(odoo_double, settings)
    factories.user("inspector", roles=["inspector"], wh=shipment[0].warehouse, badge="BDG-INS", pin=PIN)
    return odoo_double, *shipment


def open_inspect(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    scan(page, "BDG-INS")
    expect(page.locator("#pin")).to_be_focused()
    page.keyboard.type(PIN)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/")
    page.locator("a[href='/inspect/']").click()
    expect(page.locator("[data-scan-input]")).to_be_focused()


def take(page, code, grade, *, photo=False):
    page.wait_for_timeout(400)  # the same code within 300 ms is one trigger read twice
    page.locator("[data-scan-input]").focus()
    scan(page, code)
    expect(page.locator(".prompt-do")).to_have_text("Its grade?")
    if photo:
        page.locator("input[type=file]").set_input_files(
            {"name": "IMG_0002.jpg", "mimeType": "image/jpeg", "buffer": jpeg("blue", (800, 600))}
        )
        expect(page.get_by_alt_text("Photo 1 of MUG")).to_be_visible()
    button = page.get_by_role("button", name=grade)
    in_view(page, button)
    button.click()
    expect(page.locator(".prompt-do")).to_have_text("Scan each item")


def close(page, reference):
    page.get_by_role("button", name="Close").click()
    expect(page.locator(".prompt-do")).to_have_text(f"Close return {reference}?")
    no_horizontal_scroll(page)
    page.get_by_role("button", name="Confirm: close the return").click()
    expect(page.locator("#feedback.feedback-ok")).to_contain_text(f"Return {reference} closed")


def test_an_announced_return_with_a_photo_is_restocked_and_scrapped_in_odoo(page, live_server, dock):
    odoo, ret, delivery, mug_id, stock_id, returns_id = dock
    open_inspect(page, live_server)
    scan(page, ret.reference)
    expect(page.locator("#feedback.feedback-ok")).to_contain_text("3 items expected")
    take(page, MUG, "A · resealable", photo=True)
    take(page, MUG, "D · defective")
    close(page, ret.reference)
    assert InspectionPhoto.objects.get().inspection.grade == "A"
    returned, scrapped, moved = (sent(op) for op in Operation.objects.filter(document=ret.reference).order_by("pk"))
    [picking] = odoo.records("stock.picking", [["return_id", "=", delivery]], ["state"])
    [scrap] = odoo.records("stock.scrap", [["origin", "=", scrapped.reference]], ["state", "scrap_qty"])
    assert (picking["state"], scrap["state"], scrap["scrap_qty"]) == ("done", "done", 1.0)
    assert odoo.on_hand(mug_id, returns_id) == 0.0 and odoo.on_hand(mug_id) == 10 - 3 + 1
    assert ledger_differences() == []


def test_a_parcel_without_an_rma_is_opened_from_its_order_number(page, live_server, dock):
    odoo, ret, delivery, mug_id, stock_id, returns_id = dock
    Return.objects.filter(pk=ret.pk).update(state=Return.State.CANCELLED)  # nothing announced now
    open_inspect(page, live_server)
    scan(page, "SO-1")
    expect(page.locator("#feedback")).to_contain_text(
        "No return was announced: return SO-1-R2 made from order SO-1, 3 items shipped"
    )
    take(page, MUG, "B · opened")
    close(page, "SO-1-R2")  # R1: the return cancelled in Odoo
    made = Return.objects.get(reference="SO-1-R2")
    for operation in Operation.objects.filter(document=made.reference).order_by("pk"):
        sent(operation)
    [picking] = odoo.records("stock.picking", [["return_id", "=", delivery]], ["state", "name"])
    assert picking == {"id": picking["id"], "state": "done", "name": f"FLOOR-RET-{made.pk}"}
    assert odoo.on_hand(mug_id) == 10 - 3 + 1
    assert ledger_differences() == []
