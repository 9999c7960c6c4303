"""The pull brings Odoo's master data and open pickings over, then only what changed, in few calls."""

from datetime import timedelta
from decimal import Decimal

import pytest

from floor.odoo import pull as pull_module
from floor.odoo.models import InternalPicking, PullCursor
from floor.odoo.pull import own_location_code, product_code
from floor.picking.models import Order
from floor.receiving.models import Receipt
from floor.warehouse import gtin
from floor.warehouse.models import Location, Lot, Product, ProductBarcode, Warehouse
from floor.warehouse.services import create_warehouse
from tests.odoo.test_pull_support import connect, domain_of, later, pull_now
from tests.odoo_double.seed import ean13

pytestmark = pytest.mark.django_db

# One search_read each for warehouses, picking types, locations, products, pickings, their moves,
# lots, the done move lines Odoo made since the last pull, the quants whose count Odoo scheduled or
# someone requested since, the lot schema (is product_expiry installed?) and the picking's (is
# delivery installed, with the carrier's tracking number?): whatever the number of records.
CALLS_PER_PULL = 11
# The first pull also finds Odoo's virtual locations (one read), gives the returns location its
# place in Odoo (a look-up by barcode, then its creation), takes the opening balance (where Odoo's
# moves stand, the lines just before it, and the quants: one page here), and reads the day's due
# cyclic counts of locations (the day's first pull).
CALLS_FIRST_PULL = CALLS_PER_PULL + 7


@pytest.fixture
def odoo(odoo_double, settings):
    return connect(odoo_double, settings)


def test_the_first_pull_brings_products_with_gtin_tracking_and_unit(odoo):
    odoo.seed_product("Plain Label Box", default_code="PLB-1", barcode="BOX-0001", weight=1.25)
    odoo.seed_product("Misprint", default_code="MIS-1", barcode="2000000009998")  # bad check digit
    pull_now()
    widget = Product.objects.get(odoo_id=odoo.ids["product"])
    assert (widget.sku, widget.name, widget.tracking, widget.uom, widget.odoo_uom_id) == (
        "FW-100",
        "Floor Widget",
        "none",
        "Units",
        1,
    )
    assert widget.weight == Decimal("0.500")
    assert [(b.code, b.is_gtin, b.odoo_id) for b in widget.barcodes.all()] == [
        (ean13("200000000100").zfill(14), True, odoo.ids["product"])
    ]
    assert Product.objects.get(odoo_id=odoo.ids["product_lot"]).tracking == "lot"
    assert Product.objects.get(odoo_id=odoo.ids["product_serial"]).tracking == "serial"
    assert not Product.objects.filter(odoo_id=odoo.ids["product_consumable"]).exists()  # not storable
    assert [(b.code, b.is_gtin) for b in Product.objects.get(sku="PLB-1").barcodes.all()] == [("BOX-0001", False)]
    assert Product.objects.get(sku="PLB-1").weight == Decimal("1.250")
    assert [(b.code, b.is_gtin) for b in Product.objects.get(sku="MIS-1").barcodes.all()] == [("2000000009998", False)]


def test_an_item_without_internal_reference_gets_an_odoo_sku(odoo):
    item = odoo.seed_product("No Code", barcode=ean13("400000000017"))
    pull_now()
    assert Product.objects.get(odoo_id=item).sku == f"ODOO-{item}"


def test_the_first_pull_brings_the_warehouse_its_locations_and_the_virtual_ones(odoo):
    bin_with_code = odoo.seed_location("Bin A", parent=odoo.ids["shelf_1"], barcode="A-01-01")
    pull_now()
    warehouse = Warehouse.objects.get(odoo_id=odoo.ids["warehouse"])
    assert warehouse.code == "WH"
    stock = Location.objects.get(odoo_id=odoo.ids["stock"])
    shelf = Location.objects.get(odoo_id=odoo.ids["shelf_1"])
    assert (stock.kind, stock.barcode, stock.warehouse, stock.name) == ("storage", "WH-STOCK", warehouse, "WH/Stock")
    # No barcode in Odoo: Floor's own, from the complete name.
    assert (shelf.kind, shelf.barcode, shelf.parent) == ("storage", "WH-STOCK-SHELF-1", stock)
    assert Location.objects.get(odoo_id=bin_with_code).barcode == "A-01-01"
    assert Location.objects.get(odoo_id=bin_with_code).parent == shelf
    # One-step routes: Odoo's input and output are archived, Floor's own stay unlinked.
    assert Location.objects.get(warehouse=warehouse, kind="input").odoo_id is None
    virtual = dict(Location.objects.filter(warehouse=None).values_list("kind", "odoo_id"))
    assert virtual["vendor"] == odoo.ids["supplier"]
    assert virtual["customer"] == odoo.ids["customer"]
    assert virtual["inventory_loss"] == odoo.ids["inventory_loss"]
    # Up to 18 Odoo has a scrap location; 19 scraps into inventory loss.
    assert virtual["scrap"] == (odoo.ids["scrap"] if odoo.version < "19.0" else None)


def test_a_floor_warehouse_of_the_same_code_is_linked_not_duplicated(odoo):
    existing = create_warehouse(code="WH", name="Our warehouse")
    pull_now()
    assert list(Warehouse.objects.values_list("pk", "odoo_id")) == [(existing.pk, odoo.ids["warehouse"])]
    assert Location.objects.filter(warehouse=existing, kind="input").count() == 1


def test_the_first_pull_brings_lots_of_known_items(odoo):
    lot = odoo.seed_lot(odoo.ids["product_lot"], "LOT-2026-01")
    pull_now()
    floor_lot = Lot.objects.get(odoo_id=lot)
    assert (floor_lot.name, floor_lot.product.odoo_id, floor_lot.expiry_date) == (
        "LOT-2026-01",
        odoo.ids["product_lot"],
        None,  # no product_expiry in these databases
    )


def test_the_first_pull_brings_open_receipts_deliveries_returns_and_internal_transfers(odoo):
    ids = odoo.ids
    receipt = odoo.seed_receipt(
        lines=[(ids["product"], 10), (ids["product_lot"], 4), (ids["product_consumable"], 3)],
        origin="PO-777",
        scheduled_date="2030-03-04 09:00:00",
    )
    odoo.seed_stock(ids["product"], 20)
    delivery = odoo.seed_delivery(lines=[(ids["product"], 2)])
    internal = odoo.seed_internal(lines=[(ids["product"], 1)], src=ids["stock"], dst=ids["shelf_1"])
    odoo.seed_receipt(lines=[(ids["product"], 1)], confirm=False)  # draft: not open yet
    pull_now()

    r = Receipt.objects.get(odoo_id=receipt)
    assert (r.reference, r.vendor, r.vendor_reference, str(r.expected_date), r.state) == (
        "WH/IN/00001",
        "My Company (Chicago)",
        "PO-777",
        "2030-03-04",
        "open",
    )
    lines = sorted((line.product.sku, line.expected) for line in r.lines.all())
    assert lines == [("FL-200", Decimal(4)), ("FW-100", Decimal(10))]  # the consumable is not Floor's
    assert all(line.odoo_move_id for line in r.lines.all())
    order = Order.objects.get(odoo_id=delivery)
    assert (order.customer, order.state) == ("Lumber Inc", "open")
    assert [(line.product.sku, line.ordered) for line in order.lines.all()] == [("FW-100", Decimal(2))]
    transfer = InternalPicking.objects.get(odoo_id=internal)
    assert (transfer.source.odoo_id, transfer.destination.odoo_id) == (ids["stock"], ids["shelf_1"])
    assert [(line.product.sku, line.quantity) for line in transfer.lines.all()] == [("FW-100", Decimal(1))]
    assert Receipt.objects.count() == 1


def test_a_second_pull_with_nothing_changed_changes_nothing_in_a_few_calls(odoo):
    odoo.seed_receipt(lines=[(odoo.ids["product"], 10)])
    first = pull_now()
    assert first.calls == CALLS_FIRST_PULL
    second = pull_now()
    assert not second.changed, second.as_dict()
    assert second.calls == CALLS_PER_PULL


@pytest.mark.parametrize("receipts", [1, 30])
def test_the_calls_do_not_grow_with_the_pickings(odoo, receipts):
    for n in range(receipts):
        odoo.seed_receipt(lines=[(odoo.ids["product"], n + 1), (odoo.ids["product_lot"], 2)], origin=f"PO-{n}")
    result = pull_now()
    assert result.created["receipts"] == receipts
    assert result.calls == CALLS_FIRST_PULL
    assert odoo.call_count(model="stock.move", method="search_read") == 1


@pytest.mark.parametrize("receipts", [1, 30])
def test_floors_queries_for_a_pull_with_nothing_new_do_not_grow_with_the_pickings(
    odoo, receipts, django_assert_max_num_queries
):
    for n in range(receipts):
        odoo.seed_receipt(lines=[(odoo.ids["product"], n + 1), (odoo.ids["product_lot"], 2)])
    pull_now()
    with django_assert_max_num_queries(40):
        pull_now()


def test_records_come_in_pages_by_id_and_none_is_missed(odoo, monkeypatch):
    monkeypatch.setattr(pull_module.base, "PAGE", 2)
    monkeypatch.setattr(pull_module.documents, "PICKING_PAGE", 2)
    for n in range(5):
        odoo.seed_receipt(lines=[(odoo.ids["product"], n + 1)])
    pull_now()
    assert Receipt.objects.count() == 5
    assert Product.objects.count() == len(
        odoo.search("product.product", [("is_storable", "=", True)])
        if odoo.version >= "18.0"
        else odoo.search("product.product", [("detailed_type", "=", "product")])
    )
    picking_pages = odoo.calls(model="stock.picking", method="search_read")
    assert len(picking_pages) == 3  # 2 + 2 + 1
    assert len(odoo.calls(model="product.product", method="search_read")) > 1  # products two a page too


def test_after_an_edit_in_odoo_only_what_changed_is_read_and_updated(odoo):
    receipt = odoo.seed_receipt(lines=[(odoo.ids["product"], 10)])
    pull_now()
    cursor = PullCursor.objects.get(model="product.product").last_write_date
    later(odoo)
    odoo.write("product.product", odoo.ids["product"], {"weight": 0.75})
    [move] = odoo.search("stock.move", [("picking_id", "=", receipt)])
    odoo.write("stock.move", move, {"product_uom_qty": 12})
    odoo.clear_calls()

    result = pull_now()
    assert result.as_dict()["updated"] == {"products": 1, "receipts": 1}
    assert not result.created
    # Asked from the last write_date seen (>=), less the overlap for Odoo's long transactions.
    since = (cursor - timedelta(seconds=pull_module.DEFAULT_OVERLAP_SECONDS)).strftime("%Y-%m-%d %H:%M:%S")
    [products_call] = odoo.calls(model="product.product", method="search_read")
    assert ["write_date", ">=", since] in domain_of(products_call)
    assert Product.objects.get(odoo_id=odoo.ids["product"]).weight == Decimal("0.750")
    assert Receipt.objects.get(odoo_id=receipt).lines.get().expected == Decimal(12)

    # The cursors moved to the edits: from now on only the changed records are read.
    odoo.clear_calls()
    again = pull_now()
    assert not again.changed
    [products_call] = odoo.calls(model="product.product", method="search_read")
    [pickings_call] = odoo.calls(model="stock.picking", method="search_read")
    assert odoo.search("product.product", domain_of(products_call)) == [odoo.ids["product"]]
    assert odoo.search("stock.picking", domain_of(pickings_call)) == [receipt]


def test_a_change_odoo_commits_late_with_an_older_write_date_is_still_seen(odoo):
    pull_now()
    later(odoo)
    odoo.write("product.product", odoo.ids["product"], {"weight": 0.75})
    odoo.advance(-10)  # a transaction that began 10 s earlier commits after the next pull read
    pull_now()
    odoo.write("product.product", odoo.ids["product_lot"], {"weight": 3.0})
    pull_now()
    assert Product.objects.get(odoo_id=odoo.ids["product_lot"]).weight == Decimal(3)


def test_a_barcode_changed_in_odoo_replaces_floors_copy_and_keeps_floors_own(odoo):
    pull_now()
    widget = Product.objects.get(odoo_id=odoo.ids["product"])
    ProductBarcode.objects.create(product=widget, code="CASE-12", quantity=12)  # added on the floor
    later(odoo, 5)
    odoo.write("product.product", odoo.ids["product"], {"barcode": ean13("590123412345")})
    pull_now()
    codes = sorted(widget.barcodes.values_list("code", "is_gtin"))
    assert codes == [("05901234123457", True), ("CASE-12", False)]


def test_an_item_archived_or_no_longer_storable_in_odoo_is_put_out_of_use(odoo):
    pull_now()
    later(odoo, 5)
    odoo.write("product.product", odoo.ids["product"], {"active": False})
    odoo.write("product.product", odoo.ids["product_lot"], {"name": "Renamed Lot Item"})
    pull_now()
    assert Product.objects.get(odoo_id=odoo.ids["product"]).active is False
    assert Product.objects.get(odoo_id=odoo.ids["product_lot"]).name == "Renamed Lot Item"


def test_a_location_keeps_its_code_when_renamed_and_takes_a_barcode_set_in_odoo(odoo):
    pull_now()
    shelf = Location.objects.get(odoo_id=odoo.ids["shelf_1"])
    later(odoo, 5)
    odoo.write("stock.location", odoo.ids["shelf_1"], {"name": "Shelf One"})
    pull_now()
    shelf.refresh_from_db()
    assert (shelf.name, shelf.barcode) == ("WH/Stock/Shelf One", "WH-STOCK-SHELF-1")  # printed labels still scan
    later(odoo, 5)
    odoo.write("stock.location", odoo.ids["shelf_1"], {"barcode": "S-01"})
    pull_now()
    shelf.refresh_from_db()
    assert shelf.barcode == "S-01"


def test_a_new_location_and_a_new_lot_come_with_the_next_pull(odoo):
    pull_now()
    later(odoo, 5)
    new_bin = odoo.seed_location("Bin Z", parent=odoo.ids["shelf_2"])
    lot = odoo.seed_lot(odoo.ids["product_lot"], "LOT-NEW")
    result = pull_now()
    assert (result.created["locations"], result.created["lots"]) == (1, 1)
    assert Location.objects.get(odoo_id=new_bin).parent.odoo_id == odoo.ids["shelf_2"]
    assert Lot.objects.get(odoo_id=lot).name == "LOT-NEW"


def test_a_full_pull_reads_everything_again_and_changes_nothing(odoo):
    odoo.seed_receipt(lines=[(odoo.ids["product"], 10)])
    pull_now()
    cursors = dict(PullCursor.objects.values_list("model", "last_write_date"))
    result = pull_now(full=True)
    assert not result.changed
    assert dict(PullCursor.objects.values_list("model", "last_write_date")) == cursors


def test_codes_floor_makes_of_odoo_values():
    assert product_code(" 4006381333931 ") == ("04006381333931", True)
    assert product_code("96385074") == ("00000096385074", True)  # EAN-8
    assert product_code("036000291452") == ("00036000291452", True)  # UPC-A
    assert product_code("4006381333932") == ("4006381333932", False)
    assert product_code("") is None and product_code(False) is None
    assert gtin.valid("10614141000415")
    assert own_location_code("WH/Stock/Étagère 3") == "WH-STOCK-ETAGERE-3"
    assert own_location_code("///") is None
