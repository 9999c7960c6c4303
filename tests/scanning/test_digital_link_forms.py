"""GS1 Digital Link in every form a label carries it: any letter case, and compressed.

- Case: RFC 3986 3.1 and 3.2.2 — scheme and host are case-insensitive; GS1 Digital Link URI Syntax
  (1.2, "URI syntax") builds on RFC 3986, and QR Codes in alphanumeric mode (ISO/IEC 18004) carry
  upper case only, so HTTPS://ID.GS1.ORG/01/… is the same link.
- Compression: GS1 Digital Link Standard 1.1, "Compression of GS1 Digital Link URIs" (kept in 1.2):
  binary AIs and values (Table P, Table F, Table Opt), in the URI-safe base64 alphabet, the primary
  key optionally left uncompressed, non-GS1 key=value pairs after the hex flag F. The compressed
  examples below were made with GS1's reference implementation (GS1DigitalLinkCompressionPrototype)
  from the uncompressed link in each comment.
"""

from datetime import date
from decimal import Decimal

import pytest

from floor.errors import ScanRejected
from floor.scanning.parser import Kind, parse
from tests import factories as f

pytestmark = pytest.mark.django_db

GTIN = "09506000134352"  # GS1's example GTIN


@pytest.mark.parametrize(
    "raw",
    [
        f"HTTPS://id.gs1.org/01/{GTIN}/10/ABC1",
        f"https://ID.GS1.ORG/01/{GTIN}/10/ABC1",
        f"HTTPS://ID.GS1.ORG/01/{GTIN}/10/ABC1",  # a QR Code in alphanumeric mode
        f"Http://Example.COM/shop/01/{GTIN}/10/ABC1",
        f"]Q1HTTPS://ID.GS1.ORG/01/{GTIN}/10/ABC1\r\n",
    ],
)
def test_scheme_and_host_are_read_in_any_case(raw):
    product = f.product(gtin=GTIN)
    scan = parse(raw)
    assert (scan.kind, scan.product_id, scan.gtin, scan.lot) == (Kind.GS1, product.pk, GTIN, "ABC1")


@pytest.mark.parametrize(
    ("raw", "lot", "expiry", "serial"),
    [
        # https://id.gs1.org/01/09506000134352/10/ABC123?17=271231, with Table Opt's 0B (01, 10)
        ("https://id.gs1.org/CxFKk4XBoI1XgkYuhG_g", "ABC123", date(2027, 12, 31), None),
        # the same without optimisations, on another domain
        ("https://example.com/ARFKk4XBoCCNV4JGLoRv4", "ABC123", date(2027, 12, 31), None),
        # …/10/ABC1/21/12345?17=280131 with Table Opt's 1A (01, 10, 21, 17)
        ("https://id.gs1.org/GhFKk4XBoIlXggowOURkM", "ABC1", date(2028, 1, 31), "12345"),
        # the primary key left uncompressed, the rest compressed
        (f"https://example.com/01/{GTIN}/EEarwSMXQjfw", "ABC123", date(2027, 12, 31), None),
        # ?linkType=gs1:pip compressed as a non-GS1 key=value pair after the flag F: read past
        ("https://id.gs1.org/CxFKk4XBoI1XgkYuhG_-IlinkTypegfPzYuuGng", "ABC123", date(2027, 12, 31), None),
        # …/10/1f3a: text in the lower-case hexadecimal encoding
        ("https://id.gs1.org/CxFKk4XBoEg-dA", "1f3a", None, None),
        # …/21/Ab%2F1: text in the 7-bit ASCII encoding
        ("https://id.gs1.org/DBFKk4XBoQkHEvYg", None, None, "Ab/1"),
    ],
)
def test_it_reads_a_compressed_digital_link(raw, lot, expiry, serial):
    product = f.product(gtin=GTIN)
    scan = parse(raw)
    assert (scan.kind, scan.product_id, scan.gtin) == (Kind.GS1, product.pk, GTIN)
    assert (scan.lot, scan.expiry, scan.serial) == (lot, expiry, serial)


def test_a_compressed_link_keeps_its_measure_and_best_before():
    # https://id.gs1.org/01/09506000134352?3103=001250&15=270300, Table Opt's 2D (01, 3103)
    scan = parse("https://id.gs1.org/LRFKk4XBoACcQqg_uA")
    assert (scan.measure, scan.measure_unit, scan.best_before) == (Decimal("1.250"), "kg", date(2027, 3, 31))


def test_a_compressed_link_reads_text_in_the_base64_encoding():
    # https://id.gs1.org/01/09506000134352/10/abc-12_x?3922=0599, Table Opt's A2 (01, 3922)
    assert parse("https://id.gs1.org/ohFKk4XBoIEriDQ0259rt_i").lot == "abc-12_x"


def test_a_compressed_pallet_label_is_read():
    # https://id.gs1.org/00/376130321109103420?02=04006381333931&37=12
    product = f.product(gtin="4006381333931")
    scan = parse("https://id.gs1.org/AFOEiIwvYzPAIHSZ3fW1ZuQw")
    assert (scan.sscc, scan.product_id, scan.quantity) == ("376130321109103420", product.pk, 12)


def test_a_compressed_link_in_upper_case_scheme_and_host():
    # https://id.gs1.org/01/04006381333931 compressed; only its path is case-sensitive.
    assert parse("HTTPS://ID.GS1.ORG/AQdJnd9bVg").gtin == "04006381333931"


def test_query_string_ais_beside_a_compressed_path_are_read():
    # Digital Link 1.1, compression: query string AIs may stay uncompressed beside the path.
    assert parse("https://id.gs1.org/AQdJnd9bVg?17=280131").expiry == date(2028, 1, 31)


def test_leading_zeros_of_a_numeric_lot_are_kept():
    # …/10/007: digits encoded as a number of three digits (Table F: X..20, encoding 000).
    assert parse("https://id.gs1.org/CxFKk4XBoAYDg").lot == "007"


@pytest.mark.parametrize(
    "raw",
    [
        "https://example.com/about",  # base64-shaped, but no AI starts 69
        "https://example.com/AQdJnd9bVh",  # one bit off: bits left over
        "https://example.com/AQdJnd9b",  # cut short inside the GTIN
        "https://example.com/CxFKk4XBoAYD",  # cut short inside a value
    ],
)
def test_a_web_address_that_is_no_compressed_link_is_unknown(raw):
    with pytest.raises(ScanRejected, match="Not a code Floor knows"):
        parse(raw)


def test_a_compressed_gtin_with_a_bad_check_digit_is_a_bad_check_digit():
    # https://id.gs1.org/01/04006381333932 (the GTIN's last digit off by one) compressed by hand:
    # 0x01, then 14 digits in 47 bits.
    bits = "00000001" + format(4006381333932, "047b")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    bits += "0" * (-len(bits) % 6)
    segment = "".join(alphabet[int(bits[i : i + 6], 2)] for i in range(0, len(bits), 6))
    with pytest.raises(ScanRejected, match="Bad barcode check digit"):
        parse(f"https://id.gs1.org/{segment}")


# GS1 Digital Link 1.1 named AIs by short names in the path (gtin, lot, ser, cpv, sscc, itip…) and
# the query (exp = 17, expdt = 7003); URI Syntax 1.2 deprecates them, labels still carry them.
@pytest.mark.parametrize(
    "raw",
    [
        f"https://id.gs1.org/gtin/{GTIN}/lot/ABC1?exp=271231",
        f"https://example.com/products/gtin/{GTIN}/lot/ABC1?exp=271231",
        f"HTTPS://ID.GS1.ORG/GTIN/{GTIN}/LOT/ABC1?EXP=271231",
        f"https://id.gs1.org/01/{GTIN}/lot/ABC1?17=271231",
        f"https://id.gs1.org/01/{GTIN}/10/ABC1/?17=271231",  # a trailing slash
    ],
)
def test_it_reads_the_older_form_with_short_names(raw):
    product = f.product(gtin=GTIN)
    scan = parse(raw)
    assert (scan.product_id, scan.lot, scan.expiry) == (product.pk, "ABC1", date(2027, 12, 31))


def test_a_value_that_spells_a_short_name_stays_a_value():
    # Only key positions are renamed: a lot called "lot" is the lot "lot".
    assert parse(f"https://id.gs1.org/gtin/{GTIN}/lot/lot").lot == "lot"
