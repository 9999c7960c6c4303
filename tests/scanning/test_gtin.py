"""Retail item codes: EAN-8, UPC-E, UPC-A, EAN-13 and GTIN-14, check digit verified; a GTIN is
looked up as stored, zero-padded to GTIN-14."""

import pytest

from floor.errors import ScanRejected
from floor.scanning.parser import Kind, parse
from floor.warehouse.models import ProductBarcode
from tests import factories as f

pytestmark = pytest.mark.django_db

GOOD = {
    "EAN-8": ("96385074", "00000096385074"),
    "UPC-E": ("04252614", "00042100005264"),
    "UPC-A": ("036000291452", "00036000291452"),
    "EAN-13": ("4006381333931", "04006381333931"),
    "GTIN-14": ("10614141000415", "10614141000415"),
}
BAD = {
    "EAN-8": "96385075",
    "UPC-E": "04252615",
    "UPC-A": "036000291453",
    "EAN-13": "4006381333932",
    "GTIN-14": "10614141000416",
}


@pytest.mark.parametrize("symbology", sorted(GOOD))
def test_it_finds_the_item_stored_as_gtin_14(symbology):
    scanned, gtin14 = GOOD[symbology]
    product = f.product(gtin=gtin14)
    scan = parse(scanned)
    assert (scan.kind, scan.product_id, scan.gtin) == (Kind.PRODUCT, product.pk, gtin14)


@pytest.mark.parametrize("symbology", sorted(GOOD))
def test_a_valid_gtin_floor_does_not_know_is_an_unknown_item(symbology):
    scanned, gtin14 = GOOD[symbology]
    scan = parse(scanned)
    assert (scan.kind, scan.product_id, scan.gtin) == (Kind.PRODUCT, None, gtin14)


@pytest.mark.parametrize("symbology", sorted(BAD))
def test_it_rejects_a_bad_check_digit(symbology):
    with pytest.raises(ScanRejected, match="Bad barcode check digit — rescan"):
        parse(BAD[symbology])


def test_it_reads_an_ean_13_behind_its_symbology_identifier():
    product = f.product(gtin="4006381333931")
    scan = parse("]E04006381333931\r\n")
    assert (scan.product_id, scan.symbology) == (product.pk, "]E0")


def test_it_rejects_a_bad_check_digit_behind_an_ean_symbology_identifier():
    with pytest.raises(ScanRejected, match="check digit"):
        parse("]E04006381333932")


def test_digits_in_plain_code_128_are_not_blamed_on_a_check_digit():
    with pytest.raises(ScanRejected, match="Not a code Floor knows: 4006381333932"):
        parse("]C04006381333932")


def test_eight_digits_starting_0_read_as_upc_e_first():
    # 01234565 is a valid UPC-E (012345000065) and a valid EAN-8: UPC-E wins...
    upc_e = f.product(gtin="00012345000065")
    assert parse("01234565").product_id == upc_e.pk


def test_eight_digits_starting_0_fall_back_to_ean_8_when_only_that_is_known():
    ean_8 = f.product(gtin="00000001234565")
    assert parse("01234565").product_id == ean_8.pk


def test_it_finds_a_gtin_imported_unpadded():
    product = f.product()
    ProductBarcode.objects.create(product=product, code="036000291452", is_gtin=True)
    scan = parse("]C10100036000291452")
    assert (scan.product_id, scan.gtin) == (product.pk, "00036000291452")
