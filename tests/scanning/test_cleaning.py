"""What parse takes off a scan before reading it, and what it refuses to read at all."""

import pytest

from floor.errors import ScanRejected
from floor.scanning.parser import Kind, parse
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("suffix", ["\r", "\n", "\r\n", "\t", "  "])
def test_it_strips_the_keyboard_wedge_suffix(suffix):
    location = f.storage_bin()
    scan = parse(location.barcode + suffix)
    assert scan.kind == Kind.LOCATION
    assert scan.location_id == location.pk
    assert scan.code == location.barcode
    assert scan.raw == location.barcode + suffix


def test_it_strips_surrounding_whitespace():
    location = f.storage_bin()
    assert parse(f"  {location.barcode} \r\n").location_id == location.pk


@pytest.mark.parametrize("prefix", ["]C0", "]C1", "]A0", "]Q1", "]d1", "]E0"])
def test_it_strips_an_aim_symbology_identifier_and_remembers_it(prefix):
    location = f.storage_bin()
    scan = parse(f"{prefix}{location.barcode}\r\n")
    assert scan.kind == Kind.LOCATION
    assert scan.code == location.barcode
    assert scan.symbology == prefix


@pytest.mark.parametrize("raw", ["", "   ", "\r\n", "\t", "]C1", "]E0\r\n"])
def test_it_rejects_an_empty_scan(raw):
    with pytest.raises(ScanRejected, match="Nothing was scanned"):
        parse(raw)


@pytest.mark.parametrize("raw", ["A-01\x00-01", "\x07A", "A\x1bB", "AB\x7fC", "A\x1eB", "A\udc80B", "A\x85B"])
def test_it_rejects_control_characters_as_an_unreadable_scan(raw):
    with pytest.raises(ScanRejected, match="Unreadable scan"):
        parse(raw)


def test_it_asks_the_database_nothing_for_a_rejected_scan(django_assert_num_queries):
    with django_assert_num_queries(0), pytest.raises(ScanRejected):
        parse("\x00")
