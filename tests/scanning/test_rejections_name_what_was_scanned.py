"""A refused scan says what was scanned as the person knows it — an item's SKU, a bin's name, a
tote, a document — not a barcode's digits they cannot check against anything; the code as read
when Floor knows it as none of these, or knows it only in another warehouse."""

import html
import re
import uuid

import pytest
from django.test import Client

from floor.receiving.models import Receipt, ReceiptLine
from floor.warehouse.models import Location
from floor.warehouse.services import location_of_kind
from tests import factories
from tests.packing.pack_factories import station
from tests.picking.task_factories import Stop, pick_task

pytestmark = pytest.mark.django_db

BOLT, NUT = "4006381333931", factories.gtin13("400000000017")


@pytest.fixture
def wh():
    return factories.warehouse()


@pytest.fixture
def things(wh):
    return {
        "bin": factories.storage_bin(wh, aisle="A", bay=1),
        "bolt": factories.product(gtin=BOLT, sku="BOLT-M8", name="Hex bolt M8"),
        "nut": factories.product(gtin=NUT, sku="NUT-M8", name="Hex nut M8"),
        "tote": factories.tote(wh, "T-0001"),
    }


def signed_in(wh, role: str) -> Client:
    client = Client()
    client.force_login(factories.user(roles=[role], wh=wh))
    return client


def scan(client, flow: str, code: str) -> str:
    """The screen's words, as read: without the markup around codes."""
    answer = client.post(f"/{flow}/scan", {"code": code, "key": str(uuid.uuid4())}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    return html.unescape(re.sub(r"<[^>]+>", "", answer.content.decode()))


def test_picking_names_the_wrong_item_by_its_sku_and_what_else_was_scanned(wh, things):
    pick_task(wh, [Stop("OUT/1", things["bin"], things["bolt"], 2)])
    picker = signed_in(wh, "picker")
    picker.post("/pick/work", {"key": str(uuid.uuid4())}, HTTP_HX_REQUEST="true")

    assert "Scan a tote for OUT/1 (scanned NUT-M8)" in scan(picker, "pick", NUT)
    scan(picker, "pick", "T-0001")
    assert "Scan the bin first — expected A-01-01 (scanned BOLT-M8)" in scan(picker, "pick", BOLT)
    scan(picker, "pick", things["bin"].barcode)
    assert "Wrong item — expected BOLT-M8 (scanned NUT-M8)" in scan(picker, "pick", NUT)
    assert "Scan the item — expected BOLT-M8 (scanned tote T-0001)" in scan(picker, "pick", "T-0001")
    scan(picker, "pick", BOLT)
    # A wrong tote's code is its name: said once, not "tote T-0002".
    factories.tote(wh, "T-0002")
    assert "Wrong tote — expected T-0001 for OUT/1 (scanned T-0002)" in scan(picker, "pick", "T-0002")
    assert "Scan tote T-0001 for OUT/1 (scanned A-01-01)" in scan(picker, "pick", things["bin"].barcode)


def test_receiving_names_the_item_and_the_tote(wh, things):
    receipt = Receipt.objects.create(warehouse=wh, reference="WH/IN/00042", vendor="Acme")
    ReceiptLine.objects.create(receipt=receipt, product=things["bolt"], expected=5)
    receiver = signed_in(wh, "receiver")

    assert "Scan a receipt first (scanned BOLT-M8)" in scan(receiver, "receive", BOLT)
    scan(receiver, "receive", "WH/IN/00042")
    assert "Scan an item of WH/IN/00042 (scanned tote T-0001)" in scan(receiver, "receive", "T-0001")


def test_putaway_names_the_place_scanned_by_its_name_not_its_barcode(wh, things):
    putter = signed_in(wh, "receiver")
    pack = location_of_kind(wh, Location.Kind.PACK)
    assert pack.barcode != pack.name

    assert f"Scan an item at input, or the input location (scanned {pack.name})" in scan(
        putter, "putaway", pack.barcode
    )
    assert "Scan an item or licence plate at input (scanned tote T-0001)" in scan(putter, "putaway", "T-0001")


def test_packing_names_the_item_scanned_for_a_tote(wh, things):
    station(wh, "PACK-1")
    packer = signed_in(wh, "packer")

    assert "Scan your station first (scanned BOLT-M8)" in scan(packer, "pack", BOLT)
    scan(packer, "pack", "PACK-1")
    assert "Scan a tote (scanned BOLT-M8)" in scan(packer, "pack", BOLT)


def test_move_stock_names_the_item_scanned_for_a_bin(wh, things):
    mover = signed_in(wh, "picker")

    assert "Scan a bin — the bin to take from (scanned BOLT-M8)" in scan(mover, "move", BOLT)


def test_a_badge_is_never_said_back(wh, things):
    factories.user(roles=["supervisor"], wh=wh, badge="BDG-SECRET-9")
    mover = signed_in(wh, "picker")

    page = scan(mover, "move", "BDG-SECRET-9")

    assert "(scanned a badge)" in page and "BDG-SECRET-9" not in page


def test_a_place_of_another_warehouse_is_said_by_its_code_only(wh, things):
    elsewhere = location_of_kind(factories.warehouse("B"), Location.Kind.INPUT)
    putter = signed_in(wh, "receiver")

    page = scan(putter, "putaway", elsewhere.barcode)

    assert f"(scanned {elsewhere.barcode})" in page and elsewhere.name not in page


def test_an_item_floor_does_not_know_is_said_by_its_code(wh, things):
    pick_task(wh, [Stop("OUT/1", things["bin"], things["bolt"], 2)])
    picker = signed_in(wh, "picker")
    picker.post("/pick/work", {"key": str(uuid.uuid4())}, HTTP_HX_REQUEST="true")
    scan(picker, "pick", "T-0001")
    scan(picker, "pick", things["bin"].barcode)
    unknown = factories.gtin13("499999999999")

    assert f"Wrong item — expected BOLT-M8 (scanned {unknown})" in scan(picker, "pick", unknown)
