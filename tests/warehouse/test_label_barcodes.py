from datetime import date

import biip
from hypothesis import given
from hypothesis import strategies as st

from floor.demo.catalogue import case_gtin14, gtin13
from floor.demo.labels import gtin_label
from floor.warehouse.barcodes import barcode_svg
from floor.warehouse.gtin import check_digit as gs1_check_digit
from tests.warehouse import scan_svg

# What Floor puts in its own codes: printable ASCII.
floor_codes = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=24)


@given(floor_codes)
def test_a_code128_label_scans_as_its_code(code):
    assert scan_svg.code128(barcode_svg("code128", code)) == code


@given(st.integers(min_value=0, max_value=99999))
def test_a_demo_gtin_has_a_valid_check_digit_and_prints_as_that_ean13(item_reference):
    gtin = gtin13(item_reference)
    assert biip.parse(gtin).gtin is not None  # biip checks the check digit on its own
    assert scan_svg.ean13(barcode_svg("ean13", gtin)) == gtin


def test_the_check_digit_is_the_gs1_one():
    # Published examples: an EAN-13, and the GTIN-14 of GS1's own example company.
    assert gs1_check_digit("400638133393") == "1"
    assert gs1_check_digit("1061414100041") == "5"
    assert scan_svg.gs1_check_digit_ok(case_gtin14(gtin13(42)))


def test_a_gtin_8_prints_as_an_ean8_and_a_upc_as_an_ean13():
    assert scan_svg.ean8(gtin_label("00000096385074").svg) == "96385074"
    assert scan_svg.ean13(gtin_label("00614141000418").svg) == "0614141000418"


def test_a_case_gtin_prints_as_gs1_128_with_ai_01():
    case = case_gtin14(gtin13(7))
    label = gtin_label(case)
    scanned = biip.parse(scan_svg.code128(label.svg))
    assert scanned.gs1_message.element_strings.get(ai="01").gtin.value == case
    assert label.human == f"(01){case}"


def test_a_gs1_label_scans_as_gtin_expiry_and_lot():
    element_string = f"01{gtin13(3).zfill(14)}17270124" + "10L55979"
    scanned = biip.parse(scan_svg.code128(barcode_svg("gs1_128", element_string)))
    assert scanned.symbology_identifier.value == "]C1"
    fields = scanned.gs1_message.element_strings
    assert fields.get(ai="01").value == gtin13(3).zfill(14)
    assert fields.get(ai="17").date == date(2027, 1, 24)
    assert fields.get(ai="10").value == "L55979"


def test_the_svg_is_ready_to_inline():
    svg = barcode_svg("code128", "A-01-01")
    assert svg.startswith("<svg ") and svg.endswith("</svg>")
    assert "<?xml" not in svg and "<!--" not in svg and " id=" not in svg
    assert 'viewBox="0 0 ' in svg  # so CSS can shrink it to its box


def test_a_code_is_drawn_once_and_then_served_from_the_cache():
    barcode_svg.cache_clear()
    first = barcode_svg("code128", "T-0001")
    assert barcode_svg("code128", "T-0001") is first
    assert barcode_svg.cache_info().hits == 1


def test_a_code_of_nines_prints_its_nines():
    # python-barcode 0.16.1 alone prints "99" as an empty symbol and "9999" as "99".
    for code in ["99", "9999", "990012"]:
        assert scan_svg.code128(barcode_svg("code128", code)) == code
