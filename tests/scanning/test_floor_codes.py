"""Floor's own codes — bins, totes, packages, badges, documents, item barcodes — are read from the
database first, before anything could read them as GS1."""

from decimal import Decimal

import pytest

from floor.errors import ScanRejected
from floor.picking.models import Order
from floor.receiving.models import Receipt
from floor.returns.models import Return
from floor.scanning.parser import Document, Kind, parse
from floor.warehouse.models import Location, Package, ProductBarcode
from floor.warehouse.services import location_of_kind
from tests import factories as f

pytestmark = pytest.mark.django_db


def _bin_coded(code):
    location = f.storage_bin()
    Location.objects.filter(pk=location.pk).update(barcode=code)
    return location


def test_it_reads_a_storage_bin():
    location = f.storage_bin()
    scan = parse(location.barcode)
    assert (scan.kind, scan.location_id) == (Kind.LOCATION, location.pk)


def test_it_reads_any_kind_of_location_with_a_barcode():
    wh = f.warehouse()
    dock = location_of_kind(wh, Location.Kind.DOCK)
    assert parse(dock.barcode).location_id == dock.pk


def test_it_rejects_a_location_no_longer_in_use():
    location = f.storage_bin()
    Location.objects.filter(pk=location.pk).update(active=False)
    with pytest.raises(ScanRejected, match=f"Location {location.name} is not in use"):
        parse(location.barcode)


def test_it_reads_a_tote_and_the_location_it_is_in_the_ledger():
    tote = f.tote(f.warehouse())
    scan = parse(tote.barcode)
    assert (scan.kind, scan.tote_id, scan.location_id) == (Kind.TOTE, tote.pk, tote.location_id)


def test_it_reads_a_licence_plate():
    package = Package.objects.create(barcode="LP-000123")
    scan = parse("LP-000123")
    assert (scan.kind, scan.package_id) == (Kind.PACKAGE, package.pk)


def test_it_reads_a_badge():
    f.user(badge="B-4711")
    scan = parse("B-4711")
    assert (scan.kind, scan.badge) == (Kind.BADGE, "B-4711")


def test_it_reads_a_receipt_by_its_reference():
    receipt = Receipt.objects.create(warehouse=f.warehouse(), reference="WH/IN/00042")
    scan = parse("WH/IN/00042")
    assert scan.kind == Kind.DOCUMENT
    assert scan.document == Document(model="receipt", id=receipt.pk, reference="WH/IN/00042", state="open")


def test_it_reads_a_receipt_by_the_vendors_po_and_prefers_the_oldest_open_one():
    wh = f.warehouse()
    Receipt.objects.create(warehouse=wh, reference="WH/IN/1", vendor_reference="PO-77", state="done")
    second = Receipt.objects.create(warehouse=wh, reference="WH/IN/2", vendor_reference="PO-77")
    Receipt.objects.create(warehouse=wh, reference="WH/IN/3", vendor_reference="PO-77")
    scan = parse("PO-77")
    assert (scan.document.model, scan.document.id) == ("receipt", second.pk)


def test_it_reads_an_order():
    order = Order.objects.create(warehouse=f.warehouse(), reference="WH/OUT/00007")
    assert parse("WH/OUT/00007").document == Document("order", order.pk, "WH/OUT/00007", "open")


def test_it_reads_a_return():
    ret = Return.objects.create(warehouse=f.warehouse(), reference="RET-0003")
    assert parse("RET-0003").document == Document("return", ret.pk, "RET-0003", "expected")


def test_it_reads_an_item_by_a_barcode_that_is_not_a_gtin():
    product = f.product()
    ProductBarcode.objects.create(product=product, code="SKU-RED-M")
    scan = parse("SKU-RED-M")
    assert (scan.kind, scan.product_id, scan.gtin, scan.quantity) == (Kind.PRODUCT, product.pk, None, 1)


def test_a_case_barcode_stands_for_the_units_in_the_case():
    product = f.product()
    ProductBarcode.objects.create(product=product, code="14006381333938", is_gtin=True, quantity=Decimal(12))
    scan = parse("14006381333938")
    assert (scan.product_id, scan.quantity) == (product.pk, 12)


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (lambda code: f.tote(f.warehouse(), barcode=code), Kind.TOTE),
        (_bin_coded, Kind.LOCATION),
        (lambda code: f.user(badge=code), Kind.BADGE),
    ],
    ids=["tote", "bin", "badge"],
)
@pytest.mark.parametrize("prefix", ["", "]C0"])
def test_a_code_that_reads_like_a_gs1_lot_is_itself_not_a_lot(make, kind, prefix):
    make("10D9T")
    scan = parse(prefix + "10D9T")
    assert scan.kind == kind
    assert scan.lot is None


def test_a_bin_coded_like_a_gtin_is_the_bin():
    location = _bin_coded("4006381333931")
    f.product(gtin="4006381333931")
    assert parse("4006381333931").location_id == location.pk


def test_a_floor_code_costs_one_query(django_assert_max_num_queries):
    location = f.storage_bin()
    with django_assert_max_num_queries(1):
        parse(location.barcode)


def test_a_gtin_costs_one_query(django_assert_max_num_queries):
    product = f.product(gtin="4006381333931")
    with django_assert_max_num_queries(1):
        assert parse("4006381333931").product_id == product.pk


def test_a_gs1_label_costs_one_query(django_assert_max_num_queries):
    product = f.product(gtin="4006381333931")
    Package.objects.create(barcode="376130321109103420")
    with django_assert_max_num_queries(1):
        scan = parse("]C100376130321109103420\x1d0104006381333931\x1d10LOT7")
    assert (scan.product_id, scan.lot) == (product.pk, "LOT7")
    assert scan.package_id is not None


def test_an_unknown_code_costs_one_query(django_assert_max_num_queries):
    with django_assert_max_num_queries(1), pytest.raises(ScanRejected):
        parse("NOPE-123")
