"""EAN/UPC add-ons: the 2- and 5-digit supplements beside a main symbol.

GS1 General Specifications 2.1.3.5 (Figures 2.1.3.5-1 and -2): an add-on goes with a UPC-A, UPC-E
or EAN-13 symbol, carries supplementary information whose meaning its publisher defines, has the
symbology identifier ]E1 (two digits) or ]E2 (five digits), and is never scanned alone. Scanners
send it after the main symbol with its own identifier (ISO/IEC 15424; Datalogic's Product Reference
Guide gives ']E00060992011187]E112'; Zebra's, "UPC/EAN/JAN Supplemental AIM ID Format", calls it
Separate), as one packet under ]E3 (Zebra's Combined), or as one run of digits when AIM
identifiers are off. Floor reads the main GTIN and keeps the add-on where it means something: a
serial's issue number (ISSN, GS1 prefix 977) or a book's 5-digit price code (Bookland, 978/979).
"""

import pytest

from floor.errors import ScanRejected
from floor.scanning.parser import Kind, parse
from tests import factories as f

pytestmark = pytest.mark.django_db

ISSN = "9771234567003"  # GS1 prefix 977: a serial publication
ISBN = "9780201134476"  # Bookland 978
UPC_A = "060992011187"  # Datalogic PRG's UPC-A example, sent as 13 digits under ]E0


# Datalogic Product Reference Guide, "2-Digit/5-Digit Supplemental": the add-on after its own ]E1/]E2.
@pytest.mark.parametrize(
    ("raw", "gtin", "code"),
    [
        (f"]E00{UPC_A}]E112", "00060992011187", "0060992011187"),
        (f"]E00{UPC_A}]E212345", "00060992011187", "0060992011187"),
        ("]E01101234567891]E112", "01101234567891", "1101234567891"),
        ("]E01101234567891]E212345", "01101234567891", "1101234567891"),
        ("]E400210126]E112", "00000000210126", "00210126"),  # EAN-8, which Datalogic also supplements
    ],
)
def test_it_reads_the_main_gtin_of_a_code_sent_with_its_add_on(raw, gtin, code):
    scan = parse(raw)
    assert (scan.kind, scan.gtin, scan.code, scan.symbology) == (Kind.PRODUCT, gtin, code, raw[:3])
    # These add-ons mean nothing Floor uses (2.1.3.5: the publisher's own numbering): read past.
    assert scan.addon is None


def test_it_finds_the_item_by_its_main_gtin():
    # 2.1.3.5: the add-on is not needed to identify the item; the main GTIN is.
    product = f.product(gtin=UPC_A)
    assert parse(f"]E00{UPC_A}]E112").product_id == product.pk


# 2.1.3.5 with the ISSN rules: a serial's 2-digit add-on is its issue number; kept.
@pytest.mark.parametrize("raw", [f"]E0{ISSN}]E112", f"{ISSN}12", f"]E3{ISSN}12", f"]E0{ISSN} ]E112"])
def test_a_serials_add_on_is_its_issue_number(raw):
    product = f.product(gtin=ISSN)
    scan = parse(raw)
    assert (scan.product_id, scan.gtin, scan.addon, scan.addon_means) == (product.pk, "0" + ISSN, "12", "issue")
    assert scan.code == ISSN


# Bookland (ISBN, 978/979): the 5-digit add-on is the suggested price (5 = US$, 51000 = $10.00).
@pytest.mark.parametrize("raw", [f"]E0{ISBN}]E251000", f"{ISBN}51000", f"]E3{ISBN}51000"])
def test_a_books_five_digit_add_on_is_its_price_code(raw):
    scan = parse(raw)
    assert (scan.gtin, scan.addon, scan.addon_means, scan.code) == ("0" + ISBN, "51000", "price", ISBN)


def test_a_books_two_digit_add_on_means_nothing_to_floor():
    # Bookland's price code is the 5-digit add-on (2.1.3.5, Figure 2.1.3.5-2); a 2-digit one is the publisher's.
    assert parse(f"]E0{ISBN}]E112").addon is None


# Autodiscriminating scanners send main and add-on as one run of digits: 12+2, 12+5, 13+2, 13+5, 8+2.
@pytest.mark.parametrize(
    ("raw", "gtin", "code"),
    [
        ("03600029145212", "00036000291452", "036000291452"),  # UPC-A + 2 (14 digits, no GTIN-14 check digit)
        ("03600029145212345", "00036000291452", "036000291452"),  # UPC-A + 5
        ("110123456789112", "01101234567891", "1101234567891"),  # EAN-13 + 2
        ("110123456789112345", "01101234567891", "1101234567891"),  # EAN-13 + 5
        ("0123456512", "00012345000065", "01234565"),  # UPC-E + 2
        ("]E30123456512345", "00012345000065", "01234565"),  # ]E3: UPC-E + 5 in one packet
    ],
)
def test_it_reads_the_main_gtin_when_the_add_on_comes_as_trailing_digits(raw, gtin, code):
    scan = parse(raw)
    assert (scan.kind, scan.gtin, scan.code) == (Kind.PRODUCT, gtin, code)


def test_a_gtin_14_is_not_taken_for_a_upc_with_an_add_on():
    # 14 digits with a valid GTIN-14 check digit are a GTIN-14 (an ITF-14 or a case label).
    scan = parse("14006381333938")
    assert (scan.gtin, scan.addon, scan.code) == ("14006381333938", None, "14006381333938")


def test_a_bad_check_digit_in_the_main_symbol_is_still_a_bad_check_digit():
    # 7.9.1: the main symbol's GS1 check digit is checked whatever follows it.
    with pytest.raises(ScanRejected, match="Bad barcode check digit"):
        parse("]E04006381333932]E112")


# 2.1.3.5: "It is never scanned alone" — a read of the add-on alone asks for the main barcode.
@pytest.mark.parametrize("raw", ["]E112", "]E212345\r\n"])
def test_an_add_on_read_alone_asks_for_the_main_barcode(raw):
    with pytest.raises(ScanRejected, match="Only the small add-on was read — scan the main barcode"):
        parse(raw)


def test_floors_own_code_still_comes_first():
    # Floor's own codes come before any GS1 reading (floor/scanning/parser.py), add-on shapes too.
    location = f.storage_bin()
    location.barcode = f"{ISSN}12"
    location.save()
    assert parse(f"{ISSN}12").location_id == location.pk
