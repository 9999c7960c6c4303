"""Whatever a scanner sends, parse answers with a Scan or a ScanRejected — never a crash."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from floor.errors import ScanRejected
from floor.scanning.parser import COMMANDS, RCN_REGIONS, Kind, Scan, parse
from floor.warehouse.gtin import check_digit
from floor.warehouse.models import Location, Package, Warehouse
from tests import factories as f

pytestmark = pytest.mark.django_db

PROPERTY = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=300)

AIS = ["00", "01", "02", "10", "11", "15", "17", "21", "30", "37", "240", "400", "3103", "3922", "8200", "99"]
AIS += ["8006", "415", "8020", "255", "414", "8003", "3202", "3111", "3301", "3571", "3610", "7003"]
SEPARATORS = ["\x1d", "<GS>", "^]", "\u241d", "", "|"]
SYMBOLOGIES = ["", "]C1", "]d2", "]Q3", "]e0", "]C0", "]E0", "]E3", "]E4", "]E1", "]E2", "]Q1", "]Z9", "]"]
SUFFIXES = ["", "\r", "\n", "\r\n", "\t", " "]
# A scanner's framing (Honeywell, Zebra, Datalogic prefix/suffix options; ISO/IEC 15434's envelope).
FRAME_STARTS = ["", "\x02", "\x01\x02", "\x02 ", "[)>\x1e05\x1d", "\x02[)>\x1e05\x1d", "\x03"]
FRAME_ENDS = ["", "\x03", "\x04", "\x17", "\x03\r\n", "\r\x03", "\x1e\x04", "\x02"]
# GS1 prefixes that are no item (coupons, refunds) or a store's label (GS1 General Specifications 1.4.2).
NOT_ITEM_PREFIXES = ["02", "05", "20", "23", "25", "28", "29", "980", "981", "984", "99", "977", "978", "04"]


@st.composite
def gs1ish(draw):
    """Element strings built from real AIs, with data that may or may not fit them."""
    data = st.text(alphabet="0123456789ABCxyz-./%", max_size=22) | st.from_regex(r"[0-9]{6,18}", fullmatch=True)
    elements = draw(st.lists(st.tuples(st.sampled_from(AIS), data), min_size=1, max_size=6))
    separator = draw(st.sampled_from(SEPARATORS))
    body = separator.join(ai + value for ai, value in elements)
    return draw(st.sampled_from(SYMBOLOGIES)) + body + draw(st.sampled_from(SUFFIXES))


@st.composite
def digital_links(draw):
    path = "/".join(
        f"{ai}/{value}"
        for ai, value in draw(
            st.lists(
                st.tuples(
                    # numeric AIs, and GS1 Digital Link 1.1's short names in any case
                    st.sampled_from(["01", "10", "21", "00", "17", "414", "x", "gtin", "lot", "SER", "sscc", "itip"]),
                    st.text(max_size=16),
                ),
                max_size=4,
            )
        )
    )
    query = draw(st.text(alphabet="0123456789=&%?abcexp", max_size=20))
    path += draw(st.sampled_from(["", "/", "//"]))
    return (
        draw(st.sampled_from(["https://id.gs1.org/", "http://example.com/a/", "HTTPS://x/", "https://["]))
        + path
        + ("?" + query if query else "")
    )


def _parse_or_reject(raw, warehouse=None):
    try:
        scan = parse(raw, warehouse=warehouse)
    except ScanRejected as rejected:
        assert rejected.message
        return None
    assert isinstance(scan, Scan)
    assert scan.raw == raw
    assert scan.code and scan.code == scan.code.strip()
    assert scan.kind in Kind
    if scan.gtin is not None and not scan.gtin.startswith("000000"):
        # Never a coupon or refund receipt, never a store's label read as a global GTIN.
        assert scan.gtin[1:4] not in ("980", "981", "982", "983", "984") and scan.gtin[1:3] not in ("99", "05")
        if scan.gtin[1:3] == "02" or scan.gtin[1] == "2":
            assert scan.rcn is not None
    if scan.measure is not None:
        assert scan.measure_unit
    if scan.piece is not None:
        assert 1 <= scan.piece <= scan.pieces
    return scan


@pytest.fixture
def stocked():
    """Some of Floor's own codes in the database, so lookups can hit."""
    wh = f.warehouse()
    f.storage_bin(wh)
    f.tote(wh, barcode="10D9T")
    f.product(gtin="4006381333931")
    Package.objects.create(barcode="376130321109103420")
    f.user(badge="0104006381333931")


@PROPERTY
@given(raw=st.text())
def test_any_text_is_a_scan_or_a_rejection(stocked, raw):
    _parse_or_reject(raw)


@PROPERTY
@given(
    raw=st.binary().map(lambda b: b.decode("utf-8", errors="surrogateescape"))
    | st.binary().map(lambda b: b.decode("latin-1"))
)
def test_any_bytes_are_a_scan_or_a_rejection(stocked, raw):
    _parse_or_reject(raw)


@PROPERTY
@given(raw=st.from_regex(r"\A\s*(\][A-Za-z][0-9])?[0-9]{1,20}\s*\Z"))
def test_any_digits_are_a_scan_or_a_rejection(stocked, raw):
    _parse_or_reject(raw)


@PROPERTY
@given(raw=gs1ish())
def test_any_gs1ish_string_is_a_scan_or_a_rejection(stocked, raw):
    scan = _parse_or_reject(raw)
    if scan is not None and scan.gtin is not None:
        assert len(scan.gtin) == 14 and scan.gtin.isdigit()


@PROPERTY
@given(raw=digital_links())
def test_any_link_is_a_scan_or_a_rejection(stocked, raw):
    _parse_or_reject(raw)


BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


@st.composite
def compressed_links(draw):
    """Compressed Digital Links: a path segment of base64 characters, often starting with a real
    AI or an optimisation code (GS1 Digital Link 1.1, compression), partly compressed or not."""
    start = draw(st.sampled_from(["", "A", "AQ", "C", "G", "L", "AF", "g", "Q", "E", "o", "P", "_"]))
    segment = start + draw(st.text(alphabet=BASE64, max_size=40))
    if not segment:
        segment = "A"
    stem = draw(st.sampled_from(["https://id.gs1.org/", "HTTPS://ID.GS1.ORG/", "http://x.example/a/b/"]))
    partial = draw(st.sampled_from(["", "01/09506000134352/", "00/376130321109103420/", "8006/095060001343520102/"]))
    query = draw(st.sampled_from(["", "?17=280131", "?3103=001250", "?linkType=all", "?10="]))
    return stem + partial + segment + query


@PROPERTY
@given(raw=compressed_links())
def test_any_compressed_link_is_a_scan_or_a_rejection(stocked, raw):
    _parse_or_reject(raw)


@st.composite
def framed(draw):
    """Any of the other strategies' scans inside a scanner's framing."""
    inner = draw(gs1ish() | digital_links() | compressed_links() | st.from_regex(r"\A(\]E[0-4])?[0-9]{8,18}\Z"))
    return draw(st.sampled_from(FRAME_STARTS)) + inner + draw(st.sampled_from(FRAME_ENDS))


@PROPERTY
@given(raw=framed())
def test_any_framed_scan_is_a_scan_or_a_rejection(stocked, raw):
    _parse_or_reject(raw)


@st.composite
def ean_upc_with_addons(draw):
    """EAN/UPC numbers of any GS1 prefix, valid check digit or not, with or without an add-on sent
    the ways scanners send it (GS1 General Specifications 2.1.3.5)."""
    prefix = draw(st.sampled_from(NOT_ITEM_PREFIXES + ["", "0", "40", "95"]))
    length = draw(st.sampled_from([8, 12, 13]))
    body = (prefix + draw(st.from_regex(r"\A[0-9]{13}\Z")))[: length - 1]
    main = body + (check_digit(body) if draw(st.booleans()) else draw(st.sampled_from("0123456789")))
    addon = draw(st.sampled_from(["", "12", "51000", "90000", "1", "123"]))
    form = draw(
        st.sampled_from(["]E0{m}]E1{a}", "]E0{m}]E2{a}", "{m}{a}", "]E3{m}{a}", "]E4{m}]E1{a}", "]E0{m} ]E1{a}"])
    )
    return form.format(m=main, a=addon)


@pytest.fixture
def regions(stocked):
    """A warehouse in each region biip has a rule for, and one in none."""
    return [Warehouse.objects.create(code=f"R{region}", name=region, rcn_region=region) for region in RCN_REGIONS]


@PROPERTY
@given(raw=ean_upc_with_addons(), which=st.integers(min_value=-1, max_value=len(RCN_REGIONS) - 1))
def test_any_ean_upc_with_any_prefix_and_add_on_in_any_region_is_a_scan_or_a_rejection(regions, raw, which):
    _parse_or_reject(raw, warehouse=regions[which] if which >= 0 else None)


@PROPERTY
@given(
    gtin=st.from_regex(r"\A[0-9]{14}\Z"),
    piece=st.from_regex(r"\A[0-9]{4}\Z"),
    tail=st.sampled_from(["", "10L1", "\x1d10L1", "3103001250"]),
    symbology=st.sampled_from(["]C1", "]d2", "https://id.gs1.org/8006/"]),
)
def test_any_piece_of_an_item_is_a_scan_or_a_rejection(stocked, gtin, piece, tail, symbology):
    if symbology.startswith("http"):
        _parse_or_reject(symbology + gtin + piece)
    else:
        _parse_or_reject(f"{symbology}8006{gtin}{piece}{tail}")


printable_codes = st.text(
    alphabet=st.characters(codec="ascii", categories=["L", "N", "P", "S"]), min_size=1, max_size=20
).filter(lambda c: not c.startswith("]") and c.upper() not in COMMANDS.values())


@PROPERTY
@given(code=printable_codes)
def test_a_bins_own_barcode_always_reads_as_that_bin(code):
    # Whatever the barcode looks like — a GTIN, a GS1 lot, a URL — Floor's own code comes first.
    location = Location.objects.filter(barcode=code).first() or f.storage_bin()
    Location.objects.filter(pk=location.pk).update(barcode=code)
    scan = parse(code + "\r\n")
    assert (scan.kind, scan.location_id) == (Kind.LOCATION, location.pk)
