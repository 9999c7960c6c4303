"""A picker in Chromium at 360×640, scans typed as keystrokes ending in Enter: get work, bind a
tote to each order, a wrong bin, two lines from one bin (one of them lot-tracked), a last stop in
another bin; with no pack step the order ships and its delivery is pushed to the Odoo test double."""

import os

import pytest
from playwright.sync_api import expect

from floor.ledger.checks import ledger_differences
from floor.ledger.models import Quant
from floor.odoo import push
from floor.odoo.models import Operation
from floor.picking.models import Order, OrderLine
from floor.warehouse.models import Location, Warehouse
from floor.warehouse.services import virtual_location
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
from tests.picking.task_factories import Stop, pick_task

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = pytest.mark.e2e

BOLT = "4006381333931"
VACCINE = "05012345678900"


@pytest.fixture
def odoo_order(live_server, odoo18, settings):
    odoo = odoo18
    settings.ODOO_URL, settings.ODOO_DB = odoo.url, odoo.db
    settings.ODOO_USER, settings.ODOO_API_KEY = odoo.login, odoo.api_key
    settings.PACKING_STEP = False
    [odoo_wh] = odoo.records("stock.warehouse", [], ["id", "lot_stock_id"])
    stock_id = odoo_wh["lot_stock_id"][0]
    wh = factories.warehouse()
    Warehouse.objects.filter(pk=wh.pk).update(odoo_id=odoo_wh["id"])
    shelf, other = factories.storage_bin(wh, aisle="A", bay=1), factories.storage_bin(wh, aisle="A", bay=2)
    Location.objects.filter(pk=shelf.pk).update(odoo_id=stock_id)

    bolt_id = odoo.seed_product("Hex bolt", default_code="BOLT")
    vax_id = odoo.seed_product("Vaccine", default_code="VAX", tracking="lot")
    odoo.seed_stock(bolt_id, 10, location=stock_id)
    odoo.seed_stock(vax_id, 5, location=stock_id, lot=odoo.seed_lot(vax_id, "LOT-E2E"))
    bolt = factories.product(gtin=BOLT, sku="BOLT", name="Hex bolt", odoo_id=bolt_id, odoo_uom_id=1)
    vax = factories.product(gtin=VACCINE[1:], sku="VAX", name="Vaccine", tracking="lot", odoo_id=vax_id, odoo_uom_id=1)
    lot = factories.lot(vax, "LOT-E2E")
    picking = odoo.seed_delivery(lines=[(bolt_id, 3), (vax_id, 2)], origin="SO-E2E")
    moves = {m["product_id"][0]: m["id"] for m in odoo.records("stock.move", [["picking_id", "=", picking]])}

    built = pick_task(
        wh,
        [
            Stop("WH/OUT/00012", shelf, bolt, 3),
            Stop("WH/OUT/00012", shelf, vax, 2, lot=lot),  # the same bin: no bin scan
            Stop("WH/OUT/00013", other, bolt, 1),  # an order made on the floor: no Odoo picking
        ],
        odoo_ids={"WH/OUT/00012": picking},
    )
    OrderLine.objects.filter(pk=built.lines[("WH/OUT/00012", bolt.pk)].pk).update(odoo_move_id=moves[bolt_id])
    OrderLine.objects.filter(pk=built.lines[("WH/OUT/00012", vax.pk)].pk).update(odoo_move_id=moves[vax_id])
    factories.tote(wh, "T-0001"), factories.tote(wh, "T-0002")
    factories.user("picker", roles=["picker"], wh=wh, badge="BDG-0002", pin=PIN)
    return odoo, built, shelf, other, bolt, vax, picking


def test_a_picker_picks_a_task_and_odoo_gets_the_delivery(page, live_server, odoo_order):
    odoo, built, shelf, other, bolt, vax, picking = odoo_order
    page.add_init_script(RECORD_SOUNDS)
    sign_in(page, live_server)
    page.get_by_role("link", name="Pick").click()
    expect(page.locator(".prompt-do")).to_have_text("Get work")
    page.get_by_role("button", name="Get work").click()
    expect(page.locator("#bar-title")).to_have_text(f"Pick · {built.task.reference} · 0/3")

    # A tote for each order, in turn.
    expect(page.locator(".prompt-do")).to_have_text("Scan a tote for")
    expect(page.locator(".prompt-where")).to_have_text("WH/OUT/00012")
    expect(page.locator("[data-scan-input]")).to_be_focused()
    scan(page, "T-0001")
    expect(page.locator(".prompt-where")).to_have_text("WH/OUT/00013")
    scan(page, "T-0002")
    expect(page.locator(".prompt-do")).to_have_text("Scan bin")
    expect(page.locator(".prompt-where")).to_have_text(shelf.name)
    expect(page.locator(".prompt-what")).to_contain_text("3 × BOLT")
    in_view(page, page.locator(".prompt-what"))
    no_horizontal_scroll(page)

    # All stops, fetched as they open (by scanner.js's floor:opened: no htmx filter under the CSP).
    page.get_by_text("All stops").click()
    expect(page.locator("#lines .lines li")).to_have_count(3)
    in_view(page, page.locator("#lines .lines"))  # what the tap opened (and loaded), in sight
    expect(page.locator("#lines .lines li.current")).to_contain_text(f"{shelf.name} · BOLT")
    page.get_by_text("All stops").click()
    expect(page.locator("[data-scan-input]")).to_be_focused()

    scan(page, other.barcode)  # the wrong bin: words, the error sound, nothing changes
    expect(page.locator("#feedback.feedback-error")).to_contain_text(
        f"Wrong bin — expected {shelf.name} (scanned {other.barcode})"
    )
    page.wait_for_function("window.sounds.includes('wrong_bin')")  # its own sound: falling
    in_view(page, page.locator("#feedback"))
    in_view(page, page.locator(".prompt-do"))
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.environ["SCREENSHOTS"] + "/pick-wrong-bin.png")

    scan(page, shelf.barcode)
    expect(page.locator(".prompt-do")).to_have_text("Scan the item")
    scan(page, BOLT)
    expect(page.locator(".prompt-do")).to_have_text("Put in tote")
    expect(page.locator(".prompt-where")).to_have_text("T-0001")
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.environ["SCREENSHOTS"] + "/pick-put.png")
    scan(page, "T-0001")
    scan(page, "T-0001")  # the same read twice within 300 ms: one put, not a tote scan out of turn
    page.wait_for_timeout(400)
    expect(page.locator("#feedback.feedback-ok")).to_contain_text("3 × BOLT in T-0001")
    page.wait_for_function("window.sounds.includes('line')")
    # The next line is in the same bin: straight to the item.
    expect(page.locator(".prompt-do")).to_have_text("Scan the item")
    expect(page.locator(".prompt-where")).to_have_text("VAX")
    expect(page.locator(".prompt-what")).to_contain_text("lot LOT-E2E")
    expect(page.locator(".undo-preview")).to_contain_text("Undo: take 3 × BOLT out of T-0001")
    in_view(page, page.locator(".undo-preview"))
    expect(page.locator("#bar-title")).to_have_text(f"Pick · {built.task.reference} · 1/3")

    scan(page, f"]C101{VACCINE}10LOT-E2E")
    expect(page.locator(".prompt-where")).to_have_text("T-0001")
    scan(page, "T-0001")
    expect(page.locator(".prompt-do")).to_have_text("Scan bin")
    expect(page.locator(".prompt-where")).to_have_text(other.name)
    scan(page, other.barcode)
    scan(page, BOLT)
    expect(page.locator(".prompt-where")).to_have_text("T-0002")
    scan(page, "T-0002")
    expect(page.locator("#feedback.feedback-ok")).to_contain_text(f"{built.task.reference} done — 2 orders shipped")
    page.wait_for_function("window.sounds.includes('document')")
    expect(page.locator(".prompt-do")).to_have_text("Get work")
    in_view(page, page.locator("#feedback"))
    no_horizontal_scroll(page)
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.environ["SCREENSHOTS"] + "/pick-done.png")

    assert set(Order.objects.values_list("state", flat=True)) == {"shipped"}
    customers = virtual_location(Location.Kind.CUSTOMER)
    assert Quant.objects.get(location=customers, product=vax).quantity == 2
    assert Quant.objects.get(location=shelf, product=bolt).quantity == 0
    assert ledger_differences() == []
    sent = {op.document: op for op in Operation.objects.filter(kind="delivery")}
    # The order made on the floor goes to Odoo too, its push making the delivery there; from a bin
    # Odoo does not know, it waits for a person, saying so.
    floor_made = sent["WH/OUT/00013"]
    push.send(floor_made.pk)
    floor_made.refresh_from_db()
    assert floor_made.payload["picking"] is None and floor_made.state == "failed"
    assert "Locations not in Odoo yet" in floor_made.last_error
    op = sent["WH/OUT/00012"]
    push.send(op.pk)  # what the Celery worker does (at once when Celery runs in-process)
    op.refresh_from_db()
    assert op.state == "sent", op.last_error
    assert odoo.get("stock.picking", picking, ["state"])["state"] == "done"
    assert odoo.on_hand(bolt.odoo_id) == 7.0 and odoo.on_hand(vax.odoo_id) == 3.0
    [lot_line] = odoo.records("stock.move.line", [["picking_id", "=", picking], ["lot_id", "!=", False]], ["lot_id"])
    assert lot_line["lot_id"][1] == "LOT-E2E"


# A document title longer than the phone is wide: the header stays one line.
LONG_REFERENCE = "W-2026-11-28-NORTH-MEZZANINE-07"


@pytest.fixture
def two_stops(live_server):
    wh = factories.warehouse()
    shelf, other = factories.storage_bin(wh, aisle="A", bay=1), factories.storage_bin(wh, aisle="B", bay=2)
    bolt = factories.product(gtin=BOLT, sku="BOLT", name="Hex bolt")
    nut = factories.product(gtin="4006381333948", sku="NUT", name="Hex nut")
    built = pick_task(
        wh, [Stop("WH/OUT/00021", shelf, bolt, 3), Stop("WH/OUT/00021", other, nut, 2)], reference=LONG_REFERENCE
    )
    factories.tote(wh, "T-0001")
    factories.user("picker", roles=["picker"], wh=wh, badge="BDG-0002", pin=PIN)
    return built, shelf, other


def test_a_picker_types_a_quantity_reports_a_problem_and_leaves_all_in_sight(page, live_server, two_stops):
    built, shelf, other = two_stops
    sign_in(page, live_server)
    page.get_by_role("link", name="Pick").click()
    page.get_by_role("button", name="Get work").click()
    # The long title ends in "…": the initials and the connection stay on the header's one line.
    title = page.locator("#bar-title")
    expect(title).to_contain_text(LONG_REFERENCE)
    assert page.locator("header.bar").bounding_box()["height"] <= 52
    assert title.evaluate("el => el.scrollWidth > el.clientWidth")
    boxes = [page.locator(part).bounding_box() for part in ("#bar-title", ".bar-user", "#net")]
    rows = {round(box["y"] + box["height"] / 2) for box in boxes}
    assert max(rows) - min(rows) <= 2, rows  # title, initials and connection on one row
    in_view(page, page.locator(".prompt-do"))

    scan(page, "T-0001")
    scan(page, shelf.barcode)
    scan(page, BOLT)
    expect(page.locator(".prompt-do")).to_have_text("Put in tote")
    expect(page.locator(".prompt-what")).to_contain_text("3 × BOLT")

    # Two found, typed as a person types (the box tapped, then the digit), then Enter: taken, and
    # the tote's scan goes to the scan box, not into the number box.
    page.locator("#qty").click()
    page.keyboard.press("Control+A")
    page.keyboard.type("2", delay=150)
    page.keyboard.press("Enter")
    expect(page.locator(".prompt-what")).to_contain_text("2 × BOLT")
    expect(page.locator("[data-scan-input]")).to_be_focused()
    scan(page, "T-0001")
    expect(page.locator("#feedback.feedback-ok")).to_contain_text("2 × BOLT in T-0001")
    expect(page.locator(".prompt-do")).to_have_text("Scan the item")  # the third, from the same bin
    in_view(page, page.locator(".prompt-do"))

    # Problem: the question and every reason in sight above the action bar.
    page.get_by_role("button", name="Problem", exact=True).click()
    expect(page.locator("#feedback.feedback-warning")).to_contain_text(f"What is wrong at {shelf.name}?")
    in_view(page, page.locator("#feedback"))
    in_view(page, page.get_by_label("How many did you find?"))
    for reason in ("Bin empty", "Damaged", "Not found"):
        in_view(page, page.get_by_role("button", name=reason, exact=True))
    no_horizontal_scroll(page)
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.environ["SCREENSHOTS"] + "/pick-problem.png")

    # A scan into the count box (tapped) still goes to the scan box: a tote's, which asks for the
    # item first; the count keeps its 0.
    page.get_by_label("How many did you find?").click()
    scan(page, "T-0002")  # not T-0001 again: within 300 ms of its last read, that is one trigger's double read
    expect(page.locator("#feedback.feedback-error")).to_be_visible()
    expect(page.get_by_label("How many did you find?")).to_have_value("0")

    page.get_by_role("button", name="Problem", exact=True).click()
    page.get_by_role("button", name="Bin empty", exact=True).click()
    # The short's outcome opens at the top: the next stop's prompt and the band in sight.
    expect(page.locator("#feedback.feedback-warning")).to_contain_text(f"{shelf.name} will be counted")
    expect(page.locator(".prompt-where")).to_have_text(other.name)
    in_view(page, page.locator(".prompt-do"))
    in_view(page, page.locator("#feedback"))
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.environ["SCREENSHOTS"] + "/pick-short-done.png")

    # Leave asks once: what it does, above the action bar; the second tap leaves.
    page.get_by_role("button", name="Leave", exact=True).click()
    confirm = page.locator(".confirm-yes")
    expect(confirm).to_contain_text(f"Leave {LONG_REFERENCE}? What you picked stays picked.")
    in_view(page, confirm)
    expect(page.locator(".prompt-where")).to_have_text(other.name)  # nothing left yet
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.environ["SCREENSHOTS"] + "/pick-leave-asks.png")
    page.wait_for_timeout(450)
    confirm.click()
    expect(page.locator("#feedback.feedback-warning")).to_contain_text(f"Left {LONG_REFERENCE}")
    expect(page.locator(".prompt-do")).to_have_text("Get work")
    in_view(page, page.locator(".prompt-do"))
    built.refresh()
    assert built.task.state == "open" and built.task.picker is None
