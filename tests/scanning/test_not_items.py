"""Numbers that are not trade items: refused in words, never read as a product's GTIN.

GS1 General Specifications 1.4.2, Figure 1.4.2-1 (GS1 prefixes): 980 refund receipts; 981–984 GS1
coupon identification for common currency areas; 99 GS1 coupon identification; 050–059 GS1 US
(UPC-A number system 5, its coupons; reserved since). Element strings whose only key is not a
trade item's (General Specifications 3.2, the table of AIs; 3.7 for GLNs, 3.9 for 8003, 8004 and
8020): a payment slip (AI 415, GLN of the invoicing party, with AI 8020, payment slip reference
number), a Global Coupon Number (AI 255), a location (AI 414), an asset (AI 8003 GRAI, 8004 GIAI).
"""

import pytest

from floor.errors import ScanRejected
from floor.scanning.parser import Kind, parse
from floor.warehouse.models import ProductBarcode
from tests import factories as f

pytestmark = pytest.mark.django_db

GS = "\x1d"
REFUND = "9801234567892"
COUPONS = ["9811234567891", "9821234567890", "9831234567899", "9841234567898", "9951234567894"]
UPC_COUPON = "512345678900"  # UPC-A number system 5


@pytest.mark.parametrize("code", COUPONS + [UPC_COUPON, f"]E0{COUPONS[0]}", f"]E00{UPC_COUPON}"])
def test_a_coupon_is_refused_as_a_coupon(code):
    # Figure 1.4.2-1: 981–984 and 99 are coupon prefixes; 05 is UPC number system 5 (coupons).
    with pytest.raises(ScanRejected, match="A coupon, not an item") as rejected:
        parse(code)
    assert "scanned" in str(rejected.value)


def test_a_refund_receipt_is_refused_as_one():
    # Figure 1.4.2-1: 980, refund receipts.
    with pytest.raises(ScanRejected, match="A refund receipt, not an item"):
        parse(REFUND)


def test_a_coupon_stored_as_a_barcode_is_still_no_product():
    # Even a product row holding a coupon's number (a bad import) does not make the coupon an item.
    product = f.product()
    ProductBarcode.objects.create(product=product, code=COUPONS[0].zfill(14), is_gtin=True)
    ProductBarcode.objects.create(product=product, code=COUPONS[1], is_gtin=False)
    for code in COUPONS[:2]:
        with pytest.raises(ScanRejected, match="A coupon"):
            parse(code)


def test_a_coupon_in_a_gs1_label_is_refused_too():
    # Figure 1.4.2-1 applies to the GTIN inside AI 01 as well.
    with pytest.raises(ScanRejected, match="A coupon, not an item"):
        parse(f"]C1010{COUPONS[0]}")


def test_floors_own_code_comes_first():
    # Floor's own codes come before any GS1 reading: a bin may carry any digits.
    location = f.storage_bin()
    location.barcode = COUPONS[0]
    location.save()
    assert parse(COUPONS[0]).kind == Kind.LOCATION


# Payment slip: AI 415 (GLN of the invoicing party) + AI 8020 (payment slip reference number),
# in GS1-128 and in a Digital Link (GS1 Digital Link URI Syntax: primary key 415, key qualifier 8020).
@pytest.mark.parametrize(
    "raw",
    [
        f"]C14155412345678908{GS}8020ABC123",
        "]C14155412345678908802012345678",
        "https://id.gs1.org/415/5412345678908/8020/ABC123",
        "https://id.gs1.org/QVTsKPEMPIAgRqvBIw",  # the same, compressed by GS1's reference implementation
    ],
)
def test_a_payment_slip_is_refused_as_one(raw):
    with pytest.raises(ScanRejected, match="A payment slip, not an item"):
        parse(raw)


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("]C12559521000000181234", "A coupon, not an item"),  # AI 255, Global Coupon Number
        ("]C14145412345678908", "A location number \\(GLN\\), not an item"),  # AI 414
        ("https://id.gs1.org/414/5412345678908", "A location number \\(GLN\\), not an item"),
        ("]C1800309521000000018ABC", "An asset number, not an item"),  # AI 8003, GRAI
        ("]C18004952100012345", "An asset number, not an item"),  # AI 8004, GIAI
    ],
)
def test_other_gs1_keys_are_refused_for_what_they_are(raw, words):
    with pytest.raises(ScanRejected, match=words):
        parse(raw)


def test_a_pallet_label_with_a_ship_to_gln_is_still_the_pallet():
    # An SSCC label carries AI 410 (ship to) beside AI 00: the pallet, not a location number.
    scan = parse(f"]C100376130321109103420{GS}4105412345678908")
    assert (scan.kind, scan.sscc) == (Kind.GS1, "376130321109103420")


def test_a_lot_label_is_still_a_lot_label():
    # Attributes without any key (a lot, an expiry) stay what the flows read as a lot label.
    scan = parse("]C110D9T")
    assert (scan.kind, scan.lot) == (Kind.GS1, "D9T")
