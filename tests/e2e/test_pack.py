"""A packer in Chromium at 360×640, scans typed as keystrokes ending in Enter: the station, an
order's tote, a wrong item set aside, the items (one lot-tracked) into the carton Floor suggests,
the carton weighed and closed with its SSCC and its label sent to the station's printer, the order
done; its delivery, with the carton as a package, is pushed to the Odoo test double."""

import os
from decimal import Decimal

import pytest
from biip.sscc import Sscc
from playwright.sync_api import expect

from floor.ledger.checks import ledger_differences
from floor.ledger.models import Quant
from floor.odoo import push
from floor.odoo.models import Operation
from floor.packing import printing
from floor.packing.models import Carton, PrintJob
from floor.picking.models import Order, OrderLine, TaskTote
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
from tests.packing.devices import FakePrinter
from tests.packing.pack_factories import carton_types, picked_order, station
from tests.picking.task_factories import Stop

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = pytest.mark.e2e

BOLT = "4006381333931"
NUT = "4006381333948"
VACCINE = "05012345678900"


@pytest.fixture
def printer():
    with FakePrinter() as fake:
        yield fake


@pytest.fixture
def picked(live_server, odoo18, settings, printer):
    odoo = odoo18
    settings.ODOO_URL, settings.ODOO_DB = odoo.url, odoo.db
    settings.ODOO_USER, settings.ODOO_API_KEY = odoo.login, odoo.api_key
    settings.PACKING_STEP = True
    [odoo_wh] = odoo.records("stock.warehouse", [], ["id", "lot_stock_id"])
    stock_id = odoo_wh["lot_stock_id"][0]
    wh = factories.warehouse()
    Warehouse.objects.filter(pk=wh.pk).update(odoo_id=odoo_wh["id"])
    shelf = factories.storage_bin(wh, aisle="A", bay=1)
    Location.objects.filter(pk=shelf.pk).update(odoo_id=stock_id)

    bolt_id = odoo.seed_product("Hex bolt", default_code="BOLT")
    vax_id = odoo.seed_product("Vaccine", default_code="VAX", tracking="lot")
    odoo.seed_stock(bolt_id, 10, location=stock_id)
    odoo.seed_stock(vax_id, 5, location=stock_id, lot=odoo.seed_lot(vax_id, "LOT-E2E"))
    size = {"weight": Decimal("0.2"), "volume": Decimal("0.0004")}
    bolt = factories.product(gtin=BOLT, sku="BOLT", name="Hex bolt", odoo_id=bolt_id, odoo_uom_id=1, **size)
    vax = factories.product(
        gtin=VACCINE[1:], sku="VAX", name="Vaccine", tracking="lot", odoo_id=vax_id, odoo_uom_id=1, **size
    )
    factories.product(gtin=NUT, sku="NUT", name="Hex nut")  # in no order: set aside
    lot = factories.lot(vax, "LOT-E2E")
    picking = odoo.seed_delivery(lines=[(bolt_id, 3), (vax_id, 2)], origin="SO-E2E")
    moves = {m["product_id"][0]: m["id"] for m in odoo.records("stock.move", [["picking_id", "=", picking]])}

    built = picked_order(
        wh,
        [Stop("WH/OUT/00012", shelf, bolt, 3), Stop("WH/OUT/00012", shelf, vax, 2, lot=lot)],
        factories.tote(wh, "T-0001"),
        odoo_ids={"WH/OUT/00012": picking},
    )
    OrderLine.objects.filter(order__reference="WH/OUT/00012", product=bolt).update(odoo_move_id=moves[bolt_id])
    OrderLine.objects.filter(order__reference="WH/OUT/00012", product=vax).update(odoo_move_id=moves[vax_id])
    station(wh, "PACK-1", printer_host=printer.host, printer_port=printer.port)
    carton_types(wh)
    factories.user("packer", roles=["packer"], wh=wh, badge="BDG-0002", pin=PIN)
    return odoo, built, wh, bolt, vax, picking


def test_a_packer_packs_an_order_and_odoo_gets_the_delivery_with_its_carton(page, live_server, picked, printer):
    odoo, built, wh, bolt, vax, picking = picked
    page.add_init_script(RECORD_SOUNDS)
    sign_in(page, live_server)
    page.get_by_role("link", name="Pack").click()
    expect(page.locator(".prompt-do")).to_have_text("Scan station")
    expect(page.locator("[data-scan-input]")).to_be_focused()
    in_view(page, page.locator(".prompt-do"))

    scan(page, "PACK-1")
    expect(page.locator(".prompt-do")).to_have_text("Scan a tote")
    expect(page.locator(".prompt-where")).to_have_text("PACK-1")
    scan(page, "T-0001")
    expect(page.locator("#feedback.feedback-ok")).to_contain_text("Packing WH/OUT/00012")
    expect(page.locator("#bar-title")).to_have_text("Pack · WH/OUT/00012 · 0/5")
    # Five items of 0.4 L and 0.2 kg: the small box, suggested and chosen.
    expect(page.locator(".prompt-do")).to_have_text("Choose a carton")
    expect(page.locator(".prompt-where")).to_have_text("Small box")
    in_view(page, page.locator("form.choose .btn-primary"))
    no_horizontal_scroll(page)
    page.locator("form.choose .btn-primary").click()
    expect(page.locator("#feedback.feedback-ok")).to_contain_text("Carton 1: Small box")
    expect(page.locator(".prompt-do")).to_have_text("Scan an item")

    scan(page, NUT)  # not in this order: set aside, nothing recorded
    expect(page.locator("#feedback.feedback-error")).to_contain_text("NUT was not picked for WH/OUT/00012")
    page.wait_for_function("window.sounds.includes('wrong_item')")
    expect(page.locator(".set-aside")).to_contain_text("Set aside: NUT")
    in_view(page, page.locator("#feedback"))
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.environ["SCREENSHOTS"] + "/pack-set-aside.png")

    page.wait_for_timeout(350)
    scan(page, BOLT)
    scan(page, BOLT)  # the same read twice within 300 ms: one unit
    page.wait_for_timeout(400)
    expect(page.locator("#feedback.feedback-ok")).to_contain_text("1 × BOLT — 1 of 3 in carton 1")
    for n in range(2, 4):
        page.wait_for_timeout(350)  # past the double-read window: each scan is one more unit
        scan(page, BOLT)
        expect(page.locator("#feedback.feedback-ok")).to_contain_text(f"1 × BOLT — {n} of 3 in carton 1")
    page.wait_for_function("window.sounds.includes('line')")
    for n in range(1, 3):
        page.wait_for_timeout(350)
        scan(page, f"]C101{VACCINE}10LOT-E2E")
        expect(page.locator("#feedback")).to_contain_text(f"1 × VAX — {n} of 2 in carton 1")
    expect(page.locator("#feedback.feedback-ok")).to_contain_text("all packed: close the carton, then Done")
    page.wait_for_function("window.sounds.includes('document')")
    expect(page.locator("#bar-title")).to_have_text("Pack · WH/OUT/00012 · 5/5")
    expect(page.locator(".undo-preview")).to_contain_text("Undo: take 1 × VAX out of carton 1")

    page.get_by_role("button", name="Carton", exact=True).click()
    expect(page.locator(".prompt-do")).to_have_text("Weigh the carton")
    # The kg field takes the focus (the weight is typed at once), and Close carton's words are
    # whole: not cut by the box they are in.
    weight, close = page.locator("#weight"), page.get_by_role("button", name="Close carton")
    expect(weight).to_be_focused()
    in_view(page, weight)
    in_view(page, close)
    assert close.evaluate("el => el.scrollWidth <= el.clientWidth && el.scrollHeight <= el.clientHeight")
    lines = "el => { const w = document.createRange(); w.selectNodeContents(el); return w.getClientRects().length; }"
    assert close.evaluate(lines) == 1  # on one line, whole
    no_horizontal_scroll(page)
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.environ["SCREENSHOTS"] + "/pack-weigh.png")
    page.keyboard.type("1.25", delay=120)  # as a person types it
    page.keyboard.press("Enter")
    expect(page.locator("#feedback.feedback-ok")).to_contain_text("Carton 1 closed · 1.25 kg · SSCC")
    carton = Carton.objects.get()
    expect(page.locator(".cartons")).to_contain_text(carton.sscc)
    job = PrintJob.objects.get()
    printing.send_job(job.pk)  # sent already where Celery runs in-process; else what the worker does
    expect(page.locator(".print-status")).to_contain_text("Label sent", timeout=10_000)
    assert carton.sscc.encode() in printer.received[0]
    expect(page.locator(".prompt-do")).to_have_text("All packed")
    expect(page.locator("[data-scan-input]")).to_be_focused()  # the weight taken, scans go to the scan box
    in_view(page, page.locator(".prompt-do"))
    no_horizontal_scroll(page)
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.environ["SCREENSHOTS"] + "/pack-carton-closed.png")

    page.get_by_role("button", name="Done").click()
    expect(page.locator("#feedback.feedback-ok")).to_contain_text("WH/OUT/00012 packed — 1 carton to output")
    page.wait_for_function("window.sounds.filter(s => s === 'document').length >= 2")
    expect(page.locator(".prompt-do")).to_have_text("Scan a tote")
    expect(page.locator("#bar-title")).to_have_text("Pack")

    order = Order.objects.get(reference="WH/OUT/00012")
    assert order.state == "packed"
    assert Sscc.parse(carton.sscc).value == carton.sscc
    output = location_of_kind(wh, Location.Kind.OUTPUT)
    assert Quant.objects.get(location=output, product=bolt, package=carton.package).quantity == 3
    assert Quant.objects.get(location=output, product=vax, package=carton.package).quantity == 2
    tote = built.bindings["WH/OUT/00012"]
    assert not Quant.objects.filter(location=tote.tote.location, quantity__gt=0).exists()
    assert TaskTote.objects.get(pk=tote.pk).freed_at is not None
    assert ledger_differences() == []

    [op] = Operation.objects.filter(kind="delivery")
    assert {line["package"] for line in op.payload["lines"]} == {carton.package_id}
    push.send(op.pk)  # what the Celery worker does (at once when Celery runs in-process)
    op.refresh_from_db()
    assert op.state == "sent", op.last_error
    assert odoo.get("stock.picking", picking, ["state"])["state"] == "done"
    assert odoo.on_hand(bolt.odoo_id) == 7.0 and odoo.on_hand(vax.odoo_id) == 3.0
    lines = odoo.records("stock.move.line", [["picking_id", "=", picking]], ["result_package_id", "lot_id"])
    assert {line["result_package_id"][1] for line in lines} == {carton.sscc}
    assert [line["lot_id"][1] for line in lines if line["lot_id"]] == ["LOT-E2E"]
