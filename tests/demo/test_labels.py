from datetime import date

import biip
import pytest
from django.urls import reverse

from floor.demo.catalogue import case_gtin14
from floor.picking.models import Order
from floor.receiving.models import Receipt
from floor.returns.models import Return
from floor.scanning.parser import Kind, parse
from floor.warehouse.models import Package, Product, ProductBarcode
from tests import factories
from tests.warehouse import scan_svg

URL = reverse("demo:labels")


@pytest.fixture
def wh(db):
    return factories.warehouse()


@pytest.fixture
def picker(client, wh):
    user = factories.user("pia", roles=["picker"], wh=wh, badge="BDG-0002", first_name="Pia", last_name="Lind")
    client.force_login(user)
    return user


@pytest.fixture
def supervisor(client, wh):
    user = factories.user("sam", roles=["supervisor"], wh=wh, badge="BDG-0006", first_name="Sam", last_name="Taylor")
    client.force_login(user)
    return user


def sheet(client, name, **params):
    response = client.get(URL, {"sheet": name, **params})
    assert response.status_code == 200
    return response.content.decode()


def test_the_labels_page_asks_for_a_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_the_bin_sheet_draws_an_svg_barcode_that_scans_as_each_bin(client, wh, picker):
    bins = [factories.storage_bin(wh, aisle="A", bay=bay, level=1) for bay in (1, 2, 3)]
    labels = scan_svg.labels_on(sheet(client, "bins"))
    for location in bins:
        assert scan_svg.code128(labels[location.barcode]) == location.barcode
    assert "WH-INPUT" in labels  # the fixed places too, for putaway and receiving


def test_bins_is_the_sheet_shown_first(client, wh, picker):
    location = factories.storage_bin(wh, aisle="C", bay=4, level=2)
    assert location.barcode in scan_svg.labels_on(client.get(URL).content.decode())


def test_the_badge_sheet_is_forbidden_to_a_picker(client, picker):
    assert client.get(URL, {"sheet": "badges"}).status_code == 403
    assert "sheet=badges" not in sheet(client, "bins")


def test_a_supervisor_prints_badges_that_scan_as_the_badge(client, wh, supervisor):
    factories.user("pia", roles=["picker"], wh=wh, badge="BDG-0002")
    page = sheet(client, "badges")
    labels = scan_svg.labels_on(page)
    assert {code: scan_svg.code128(svg) for code, svg in labels.items()} == {
        "BDG-0002": "BDG-0002",
        "BDG-0006": "BDG-0006",
    }
    assert "Sam Taylor" in page


def test_the_command_sheet_has_every_command_code(client, picker):
    labels = scan_svg.labels_on(sheet(client, "commands"))
    scanned = {scan_svg.code128(svg) for svg in labels.values()}
    assert scanned == {"CMD-DONE", "CMD-UNDO", "CMD-SKIP", "CMD-PROBLEM", "CMD-QTY", "CMD-CANCEL", "CMD-EMPTY"}


def test_a_product_prints_its_gtin_as_ean13_and_its_case_as_gs1_128(client, picker):
    product = factories.product(sku="FOO-0001", name="Olive oil 1 L", gtin="8499901000011")
    case = case_gtin14("8499901000011")
    ProductBarcode.objects.create(product=product, code=case, is_gtin=True, quantity=12)
    page = sheet(client, "products")
    labels = scan_svg.labels_on(page)
    assert scan_svg.ean13(labels["8499901000011"]) == "8499901000011"
    assert scan_svg.code128(labels[f"01{case}"]) == f"]C101{case}"
    assert "Olive oil 1 L" in page and "case of 12" in page


def test_a_lot_label_scans_as_gtin_expiry_and_lot(client, picker):
    product = factories.product(tracking=Product.Tracking.LOT, gtin="8499901000028")
    lot = factories.lot(product, name="L55979", expiry_date=date(2027, 1, 24))
    labels = scan_svg.labels_on(sheet(client, "lots"))
    [svg] = labels.values()
    fields = biip.parse(scan_svg.code128(svg)).gs1_message.element_strings
    assert fields.get(ai="01").value == "08499901000028"
    assert fields.get(ai="17").date == lot.expiry_date
    assert fields.get(ai="10").value == "L55979"


def test_a_serial_label_scans_as_gtin_and_serial(client, picker):
    product = factories.product(tracking=Product.Tracking.SERIAL, gtin="8499901000035")
    factories.lot(product, name="SN12345678")
    [svg] = scan_svg.labels_on(sheet(client, "lots")).values()
    fields = biip.parse(scan_svg.code128(svg)).gs1_message.element_strings
    assert fields.get(ai="01").value == "08499901000035"
    assert fields.get(ai="21").value == "SN12345678"


def test_the_document_sheet_has_open_receipts_orders_and_returns(client, wh, picker):
    Receipt.objects.create(
        warehouse=wh, reference="WH/IN/00001", vendor="Nordic Fasteners AB", vendor_reference="PO-24037"
    )
    Receipt.objects.create(warehouse=wh, reference="WH/IN/00002", state=Receipt.State.DONE)
    order = Order.objects.create(warehouse=wh, reference="WH/OUT/00001", customer="Hartley Builders")
    Return.objects.create(warehouse=wh, reference="WH/RET/00001", order=order)
    Order.objects.create(
        warehouse=wh, reference="WH/OUT/00002", state=Order.State.SHIPPED, carrier="UPS", tracking="1Z999AA10123456784"
    )
    labels = scan_svg.labels_on(sheet(client, "documents"))
    assert {code: scan_svg.code128(svg) for code, svg in labels.items()} == {
        code: code
        for code in ["WH/IN/00001", "PO-24037", "WH/OUT/00001", "WH/RET/00001", "WH/OUT/00002", "1Z999AA10123456784"]
    }


def test_totes_and_licence_plates_have_their_sheets(client, wh, picker):
    factories.tote(wh, "T-0001")
    assert scan_svg.code128(scan_svg.labels_on(sheet(client, "totes"))["T-0001"]) == "T-0001"
    Package.objects.create(barcode="PLT-000001")
    assert "PLT-000001" in scan_svg.labels_on(sheet(client, "plates"))


def test_a_large_sheet_is_split_into_pages_of_60(client, picker):
    for n in range(61):
        factories.product(sku=f"SKU-{n:03d}")
    assert len(scan_svg.labels_on(sheet(client, "products"))) == 60
    assert len(scan_svg.labels_on(sheet(client, "products", page=2))) == 1


def test_a_page_of_products_costs_the_same_few_queries_however_many(client, picker, django_assert_max_num_queries):
    for n in range(60):
        factories.product(sku=f"SKU-{n:03d}")
    with django_assert_max_num_queries(8):
        sheet(client, "products")


def test_an_unknown_sheet_is_not_found(client, picker):
    assert client.get(URL, {"sheet": "secrets"}).status_code == 404


def test_every_kind_of_label_scans_as_what_it_stands_for(client, wh, supervisor):
    location = factories.storage_bin(wh, aisle="B", bay=1, level=1)
    tote = factories.tote(wh, "T-0001")
    plate = Package.objects.create(barcode="PLT-000001")
    product = factories.product(tracking=Product.Tracking.LOT, gtin="8499901000011")
    lot = factories.lot(product, name="L12345", expiry_date=date(2027, 1, 24))
    receipt = Receipt.objects.create(warehouse=wh, reference="WH/IN/00001", vendor_reference="PO-24037")
    order = Order.objects.create(warehouse=wh, reference="WH/OUT/00001")
    ret = Return.objects.create(warehouse=wh, reference="WH/RET/00001", order=order)
    parcel = Order.objects.create(
        warehouse=wh, reference="WH/OUT/00002", state=Order.State.SHIPPED, tracking="1Z999AA10123456784"
    )
    documents = {
        "WH/IN/00001": receipt,
        "PO-24037": receipt,
        "WH/OUT/00001": order,
        "WH/RET/00001": ret,
        "WH/OUT/00002": parcel,
        "1Z999AA10123456784": parcel,
    }

    seen = set()
    for name in ["bins", "products", "lots", "totes", "plates", "documents", "commands", "badges"]:
        for code, svg in scan_svg.labels_on(sheet(client, name)).items():
            scan = parse(scan_svg.read(svg))
            seen.add(scan.kind)
            if name == "bins" and code == location.barcode:
                assert (scan.kind, scan.location_id) == (Kind.LOCATION, location.pk)
            elif name == "bins":
                assert scan.kind == Kind.LOCATION, code
            elif name == "products":
                assert (scan.kind, scan.product_id) == (Kind.PRODUCT, product.pk)
            elif name == "lots":
                assert (scan.kind, scan.product_id, scan.lot, scan.expiry) == (
                    Kind.GS1,
                    product.pk,
                    lot.name,
                    lot.expiry_date,
                )
            elif name == "totes":
                assert (scan.kind, scan.tote_id) == (Kind.TOTE, tote.pk)
            elif name == "plates":
                assert (scan.kind, scan.package_id) == (Kind.PACKAGE, plate.pk)
            elif name == "documents":
                assert (scan.kind, scan.document.id) == (Kind.DOCUMENT, documents[code].pk)
            elif name == "commands":
                assert (scan.kind, f"CMD-{scan.command}") == (Kind.COMMAND, code)
            else:
                assert (scan.kind, scan.badge) == (Kind.BADGE, code)
    assert seen == set(Kind)
