"""Units by quantity where labels carry no GS1, in Chromium at 360×640 with scans typed as
keystrokes ending in Enter: a receiver takes in 5 units of a lot-tracked item with one EAN scan,
its plain lot label, the lot's expiry typed once and a quantity; a packer packs 3 identical units
with QTY, a number and one scan."""

import datetime
import os
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from floor.ledger.checks import ledger_differences
from floor.ledger.models import Quant
from floor.packing.models import PackedItem
from floor.receiving.models import Receipt, ReceiptLine
from floor.warehouse.models import Location
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
from tests.packing.pack_factories import carton_types, picked_order, station
from tests.picking.task_factories import Stop

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = pytest.mark.e2e

VACCINE = "5012345678900"  # an EAN-13: no lot, no expiry on it
BOLT = "4006381333931"


def screenshot(page, name: str) -> None:
    if os.environ.get("SCREENSHOTS"):
        # caret="initial": hiding the caret leaves style="" on the inputs, which htmx copies onto
        # the swapped-in ones at settle, and the policy refuses.
        page.screenshot(path=f"{os.environ['SCREENSHOTS']}/{name}.png", caret="initial")


@pytest.fixture
def dock(live_server):
    wh = factories.warehouse()
    vaccine = factories.product(gtin=VACCINE, sku="VAX", name="Vaccine", tracking="lot")
    receipt = Receipt.objects.create(warehouse=wh, reference="WH/IN/00081", vendor="Acme")
    ReceiptLine.objects.create(receipt=receipt, product=vaccine, expected=5)
    factories.user("receiver", roles=["receiver"], wh=wh, badge="BDG-0002", pin=PIN)
    return wh, vaccine


def test_five_units_of_a_lot_from_one_ean_scan_its_lot_label_and_a_quantity(page, live_server, dock):
    wh, vaccine = dock
    page.add_init_script(RECORD_SOUNDS)
    sign_in(page, live_server)
    page.get_by_role("link", name="Receive").click()
    expect(page.locator("[data-scan-input]")).to_be_focused()
    scan(page, "WH/IN/00081")
    expect(page.locator(".prompt-do")).to_have_text("Scan an item")

    scan(page, VACCINE)
    expect(page.locator(".prompt-do")).to_have_text("Scan the lot label")
    page.wait_for_timeout(350)
    scan(page, "B-2291")  # the vendor's lot, a plain barcode with no date
    expect(page.locator(".prompt-do")).to_have_text("Expiry date")
    expect(page.locator("#feedback.feedback-warning")).to_contain_text("Expiry of lot B-2291?")
    expect(page.locator("[data-scan-input]")).to_be_focused()  # a (17) label may be scanned instead
    in_view(page, page.locator(".prompt-do"))
    in_view(page, page.locator("#expiry"))
    in_view(page, page.locator("text=No expiry date"))
    no_horizontal_scroll(page)
    screenshot(page, "receive-expiry")

    page.locator("#expiry").fill("2028-06-30")
    page.get_by_role("button", name="Set expiry").click()
    expect(page.locator("#feedback.feedback-ok")).to_contain_text("VAX — 1 of 5")
    expect(page.locator(".kept-lot")).to_contain_text("lot B-2291 for the next VAX")
    expect(page.locator(".kept-lot")).to_contain_text("expires 06/30/2028")
    screenshot(page, "receive-kept-lot")
    for what in (".prompt-do", ".kept-lot", "#units"):  # the lot the next units get, and the way to more of it
        in_view(page, page.locator(what))
    in_view(page, page.get_by_role("button", name="Receive", exact=True))

    page.locator("#units").fill("4")
    page.get_by_role("button", name="Receive", exact=True).click()
    expect(page.locator("#feedback.feedback-ok")).to_contain_text("4 × VAX — 5 of 5")
    expect(page.locator(".touched")).to_contain_text("5 / 5")
    page.wait_for_function("window.sounds.includes('line')")
    expect(page.locator("[data-scan-input]")).to_be_focused()  # the next scan lands in the scan box
    no_horizontal_scroll(page)
    screenshot(page, "receive-units")

    page.get_by_role("button", name="Done").click()
    page.get_by_role("button", name="Confirm and close").click()
    expect(page.locator("#feedback.feedback-ok")).to_contain_text("WH/IN/00081 closed")
    [quant] = Quant.objects.filter(location=location_of_kind(wh, Location.Kind.INPUT), product=vaccine)
    assert (quant.quantity, quant.lot.name, quant.lot.expiry_date) == (5, "B-2291", datetime.date(2028, 6, 30))
    assert ledger_differences() == []


@pytest.fixture
def station_with_a_tote(live_server):
    wh = factories.warehouse()
    size = {"weight": Decimal("0.2"), "volume": Decimal("0.0004")}
    bolt = factories.product(gtin=BOLT, sku="BOLT", name="Hex bolt", **size)
    picked_order(
        wh, [Stop("WH/OUT/00031", factories.storage_bin(wh, aisle="A", bay=1), bolt, 3)], factories.tote(wh, "T-0001")
    )
    station(wh, "PACK-1")
    carton_types(wh)
    factories.user("packer", roles=["packer"], wh=wh, badge="BDG-0002", pin=PIN)
    return bolt


def test_three_identical_units_packed_with_qty_a_number_and_one_scan(page, live_server, station_with_a_tote):
    page.add_init_script(RECORD_SOUNDS)
    sign_in(page, live_server)
    page.get_by_role("link", name="Pack").click()
    expect(page.locator(".prompt-do")).to_have_text("Scan station")
    expect(page.locator("[data-scan-input]")).to_be_focused()
    scan(page, "PACK-1")
    expect(page.locator(".prompt-do")).to_have_text("Scan a tote")
    scan(page, "T-0001")
    expect(page.locator(".prompt-do")).to_have_text("Choose a carton")
    page.locator("form.choose .btn-primary").click()
    expect(page.locator(".prompt-do")).to_have_text("Scan an item")

    scan(page, "CMD-QTY")
    expect(page.locator("#feedback.feedback-warning")).to_contain_text("Type how many, then scan the item")
    expect(page.locator("#qty")).to_be_focused()  # asked for: the number goes in it
    in_view(page, page.locator(".prompt-do"))
    in_view(page, page.locator("#qty"))
    in_view(page, page.get_by_role("button", name="Set"))
    screenshot(page, "pack-qty")
    page.locator("#qty").fill("3")
    page.get_by_role("button", name="Set").click()
    expect(page.locator("#feedback.feedback-ok")).to_contain_text("Next scan packs 3")
    expect(page.locator(".prompt-what")).to_have_text("Next scan packs 3")
    expect(page.locator("[data-scan-input]")).to_be_focused()  # the scan goes to the scan box, not the number

    scan(page, BOLT)
    expect(page.locator("#feedback.feedback-ok")).to_contain_text("3 × BOLT — 3 of 3 in carton 1")
    page.wait_for_function("window.sounds.includes('document')")
    expect(page.locator("#bar-title")).to_have_text("Pack · WH/OUT/00031 · 3/3")
    no_horizontal_scroll(page)
    screenshot(page, "pack-three")
    assert [(item.product.sku, item.quantity) for item in PackedItem.objects.all()] == [("BOLT", 3)]
