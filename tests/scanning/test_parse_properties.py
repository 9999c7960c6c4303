"""Whatever a scanner sends, parse answers with a Scan or a ScanRejected — never a crash."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from floor.errors import ScanRejected
from floor.scanning.parser import COMMANDS, Kind, Scan, parse
from floor.warehouse.models import Location, Package
from tests import factories as f

pytestmark = pytest.mark.django_db

PROPERTY = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=300)

AIS = ["00", "01", "02", "10", "11", "15", "17", "21", "30", "37", "240", "400", "3103", "3922", "8200", "99"]
SEPARATORS = ["\x1d", "<GS>", "^]", "\u241d", "", "|"]
SYMBOLOGIES = ["", "]C1", "]d2", "]Q3", "]e0", "]C0", "]E0", "]E4", "]Q1", "]Z9", "]"]
SUFFIXES = ["", "\r", "\n", "\r\n", "\t", " "]


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
                st.tuples(st.sampled_from(["01", "10", "21", "00", "17", "414", "x"]), st.text(max_size=16)), max_size=4
            )
        )
    )
    query = draw(st.text(alphabet="0123456789=&%?abc", max_size=20))
    return (
        draw(st.sampled_from(["https://id.gs1.org/", "http://example.com/a/", "HTTPS://x/", "https://["]))
        + path
        + ("?" + query if query else "")
    )


def _parse_or_reject(raw):
    try:
        scan = parse(raw)
    except ScanRejected as rejected:
        assert rejected.message
        return None
    assert isinstance(scan, Scan)
    assert scan.raw == raw
    assert scan.code and scan.code == scan.code.strip()
    assert scan.kind in Kind
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
