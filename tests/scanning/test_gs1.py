"""GS1 element strings (GS1-128, GS1 DataMatrix, QR, DataBar) and GS1 Digital Link URIs."""

from datetime import date
from decimal import Decimal

import pytest

from floor.errors import ScanRejected
from floor.scanning.parser import Kind, parse
from floor.warehouse.models import Package, ProductBarcode
from tests import factories as f

pytestmark = pytest.mark.django_db

GTIN = "04006381333931"
SSCC = "376130321109103420"
GS = "\x1d"


def test_it_reads_a_lot_from_a_gs1_128_label_with_group_separator():
    product = f.product(gtin=GTIN)
    scan = parse(f"]C101{GTIN}10LOT-42{GS}21SN9\r\n")
    assert scan.kind == Kind.GS1
    assert (scan.product_id, scan.gtin, scan.lot, scan.serial) == (product.pk, GTIN, "LOT-42", "SN9")
    assert scan.symbology == "]C1"


def test_it_reads_a_gs1_label_without_symbology_identifier():
    product = f.product(gtin=GTIN)
    scan = parse(f"01{GTIN}10ABC{GS}17271130")
    assert (scan.product_id, scan.lot, scan.expiry) == (product.pk, "ABC", date(2027, 11, 30))


@pytest.mark.parametrize("prefix", ["]C1", "]d2", "]Q3", "]e0", ""])
def test_it_reads_gs1_behind_each_gs1_symbology(prefix):
    product = f.product(gtin=GTIN)
    assert parse(f"{prefix}01{GTIN}10L1").product_id == product.pk


@pytest.mark.parametrize("separator", ["<GS>", "[GS]", "{GS}", "<FNC1>", "^]", "\u241d", "<gs>"])
def test_it_reads_the_textual_stand_ins_scanners_send_for_the_group_separator(separator):
    scan = parse(f"01{GTIN}10LOT1{separator}21SER2")
    assert (scan.lot, scan.serial) == ("LOT1", "SER2")


def test_it_skips_a_leading_fnc1():
    assert parse(f"]C1{GS}01{GTIN}10LOT1").lot == "LOT1"


def test_it_keeps_the_expiry_date():
    assert parse(f"]C101{GTIN}17260315").expiry == date(2026, 3, 15)


def test_an_expiry_day_of_00_means_the_last_day_of_the_month():
    assert parse(f"]C101{GTIN}17260200").expiry == date(2026, 2, 28)


def test_it_takes_the_count_of_items_from_ai_30():
    scan = parse(f"]C101{GTIN}3024{GS}10L7")
    assert (scan.quantity, scan.lot) == (24, "L7")


def test_it_takes_the_count_of_contained_items_from_ai_37_with_ai_02():
    product = f.product(gtin=GTIN)
    scan = parse(f"]C100{SSCC}02{GTIN}3740{GS}10L8")
    assert (scan.kind, scan.product_id, scan.quantity, scan.sscc) == (Kind.GS1, product.pk, 40, SSCC)


def test_a_count_of_cases_is_a_count_of_units():
    product = f.product()
    ProductBarcode.objects.create(product=product, code="14006381333938", is_gtin=True, quantity=Decimal(12))
    scan = parse(f"]C10114006381333938{GS}305")
    assert scan.quantity == 60


@pytest.mark.parametrize(
    ("code", "counts"),
    [
        (f"]C10114006381333938{GS}3799999999", "1199999988"),  # 99,999,999 cases of 12
        (f"]C101{GTIN}{GS}371000000", "1000000"),
        (f"]C10100000000000017{GS}3099999999", "99999999"),  # an item Floor does not know
    ],
)
def test_a_count_of_more_than_one_scan_stands_for_is_refused(code, counts):
    # More than a person may type for one scan (quantities.MOST_TYPED): a count of 99,999,999 cases
    # of 12 overflowed the receiving session's quantity column on PostgreSQL.
    product = f.product(gtin=GTIN)
    ProductBarcode.objects.create(product=product, code="14006381333938", is_gtin=True, quantity=Decimal(12))
    with pytest.raises(ScanRejected) as rejected:
        parse(code)
    assert rejected.value.message.startswith(f"The label counts {counts} — too many for one scan")


def test_a_count_just_under_the_limit_is_read():
    f.product(gtin=GTIN)
    assert parse(f"]C101{GTIN}{GS}37999999").quantity == 999999


def test_a_gtin_without_a_count_is_one_scan_of_its_barcode():
    f.product(gtin=GTIN)
    assert parse(f"]C101{GTIN}10L1").quantity == 1


def test_it_reads_a_gs1_digital_link():
    product = f.product(gtin=GTIN)
    scan = parse(f"https://id.gs1.org/01/{GTIN}/10/ABC%2F1/21/77?17=280131")
    assert scan.kind == Kind.GS1
    assert (scan.product_id, scan.lot, scan.serial, scan.expiry) == (product.pk, "ABC/1", "77", date(2028, 1, 31))


def test_it_reads_a_digital_link_in_a_plain_qr_code_on_any_domain():
    product = f.product(gtin=GTIN)
    assert parse(f"]Q1https://example.com/shop/01/{GTIN}/10/X1").product_id == product.pk


def test_it_reads_a_typed_human_readable_label():
    product = f.product(gtin=GTIN)
    scan = parse(f"(01){GTIN}(10)ABC(17)270101")
    assert (scan.product_id, scan.lot, scan.expiry) == (product.pk, "ABC", date(2027, 1, 1))


def test_a_gtin_floor_does_not_know_is_still_read():
    scan = parse(f"]C101{GTIN}10L1")
    assert (scan.kind, scan.product_id, scan.gtin, scan.lot) == (Kind.GS1, None, GTIN, "L1")


def test_a_pallet_label_with_only_an_sscc_is_the_package():
    package = Package.objects.create(barcode=SSCC)
    scan = parse(f"]C100{SSCC}")
    assert (scan.kind, scan.package_id, scan.sscc) == (Kind.PACKAGE, package.pk, SSCC)


def test_a_package_stored_with_its_ai_is_found_too():
    package = Package.objects.create(barcode="00" + SSCC)
    scan = parse(f"]C100{SSCC}")
    assert (scan.kind, scan.package_id, scan.sscc) == (Kind.PACKAGE, package.pk, SSCC)


def test_an_sscc_floor_does_not_know_is_a_gs1_scan():
    scan = parse(f"00{SSCC}")
    assert (scan.kind, scan.package_id, scan.sscc) == (Kind.GS1, None, SSCC)


def test_it_rejects_a_gs1_gtin_with_a_bad_check_digit():
    with pytest.raises(ScanRejected, match="Bad barcode check digit"):
        parse("]C10104006381333932")


def test_it_rejects_an_sscc_with_a_bad_check_digit():
    with pytest.raises(ScanRejected, match="Bad barcode check digit"):
        parse("00376130321109103421")


def test_it_rejects_a_gs1_label_it_cannot_read():
    with pytest.raises(ScanRejected, match="Unreadable GS1 label"):
        parse("]C101123")


def test_it_rejects_an_impossible_expiry_date():
    with pytest.raises(ScanRejected, match="Unreadable GS1 label"):
        parse(f"]C101{GTIN}17261340")


def test_bare_text_that_only_reads_as_a_lot_is_not_taken_for_one():
    # Without a GS1 symbology identifier or separator, "10D9T" is far more likely a code Floor
    # does not know than a lone lot label.
    with pytest.raises(ScanRejected, match="Not a code Floor knows: 10D9T"):
        parse("10D9T")


def test_a_lot_label_is_read_when_the_scanner_says_it_is_gs1():
    scan = parse("]C110D9T")
    assert (scan.kind, scan.lot, scan.gtin) == (Kind.GS1, "D9T", None)
