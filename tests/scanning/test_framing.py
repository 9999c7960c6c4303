"""Scanner framing: the control characters a scanner can be set to send before and after each read.

Vendors' manuals describe the same message: prefix, [symbology identifier], data, suffix.
- Honeywell (Xenon, Granit, Voyager user guides), "Data Editing — Prefix/Suffix Overview": a
  message string is <prefix> <Code ID> <AIM ID> <data> <suffix>; prefixes and suffixes are any
  ASCII characters, STX (02) and ETX (03) being the usual serial framing, CR (0D) the usual suffix.
- Zebra (DS2208, DS3608 Product Reference Guides), "Scan Data Transmission Format":
  <PREFIX> <DATA> <SUFFIX 1> <SUFFIX 2>, prefix and suffixes any ASCII value.
- Datalogic (Product Reference Guides), "Global Prefix/Suffix": up to 20 characters each, STX/ETX
  and EOT among the documented examples.
The AIM identifier (ISO/IEC 15424) follows the prefix. ISO/IEC 15434 wraps a message in an
envelope of its own: "[)>" RS, the format ("05": GS1 application identifiers), GS, the data, RS EOT.
"""

from datetime import date

import pytest

from floor.errors import ScanRejected
from floor.scanning.parser import Kind, parse
from tests import factories as f

pytestmark = pytest.mark.django_db

GTIN = "4006381333931"
STX, ETX, EOT, SOH, ETB, GS = "\x02", "\x03", "\x04", "\x01", "\x17", "\x1d"


# Honeywell / Datalogic serial framing STX … ETX, alone or with the wedge's CR/LF after it.
@pytest.mark.parametrize(
    "raw",
    [
        f"{STX}{GTIN}{ETX}",
        f"{STX}{GTIN}{ETX}\r\n",
        f"{STX}{GTIN}{ETX}\r",
        f"{STX}{GTIN}\r\n{ETX}",  # the suffix set before the framing
        f"{SOH}{STX}{GTIN}{ETX}{EOT}",  # Datalogic: SOH/STX header, ETX/EOT trailer
        f"{GTIN}{ETB}",  # a lone end-of-block suffix
        f"{STX} {GTIN} {ETX}",
    ],
)
def test_it_reads_a_plain_code_inside_the_scanners_framing(raw):
    product = f.product(gtin=GTIN)
    scan = parse(raw)
    assert (scan.kind, scan.product_id, scan.code, scan.raw) == (Kind.PRODUCT, product.pk, GTIN, raw)


# Honeywell: <prefix> <AIM ID> <data> <suffix>: the identifier comes after the framing.
@pytest.mark.parametrize("raw", [f"{STX}]E0{GTIN}{ETX}", f"{STX}]E0{GTIN}{ETX}\r\n", f"{STX}]E0{GTIN}\r{ETX}"])
def test_it_reads_an_aim_identified_code_inside_the_framing(raw):
    product = f.product(gtin=GTIN)
    scan = parse(raw)
    assert (scan.product_id, scan.symbology, scan.code) == (product.pk, "]E0", GTIN)


def test_a_gs1_label_inside_the_framing_keeps_its_separators():
    # GS1 General Specifications 7.8.4: FNC1 separators reach us as GS, here inside STX … ETX.
    scan = parse(f"{STX}]C101{GTIN.zfill(14)}10LOT7{GS}17270131{ETX}\r\n")
    assert (scan.kind, scan.gtin, scan.lot, scan.expiry) == (Kind.GS1, GTIN.zfill(14), "LOT7", date(2027, 1, 31))


def test_a_bin_keeps_its_own_barcode_inside_the_framing():
    # Honeywell "Prefix/Suffix Overview": the framing is no part of the data, so Floor's own codes still match.
    location = f.storage_bin()
    scan = parse(f"{STX}{location.barcode}{ETX}\r\n")
    assert (scan.kind, scan.location_id, scan.code) == (Kind.LOCATION, location.pk, location.barcode)


def test_a_command_reads_inside_the_framing():
    # The same message string around a command barcode (Code 128, ISO/IEC 15417).
    assert parse(f"{STX}CMD-DONE{ETX}").command == "DONE"


# ISO/IEC 15434, format 05: GS1 application identifiers inside "[)>" RS "05" GS … RS EOT.
def test_it_reads_gs1_data_in_an_iso_15434_envelope():
    product = f.product(gtin=GTIN)
    scan = parse(f"]d1[)>\x1e05{GS}01{GTIN.zfill(14)}10ABC{GS}21S1\x1e{EOT}\r")
    assert (scan.kind, scan.product_id, scan.lot, scan.serial) == (Kind.GS1, product.pk, "ABC", "S1")


def test_an_envelope_that_holds_no_gs1_data_is_a_bad_label():
    # ISO/IEC 15434 format 05 promises GS1 AIs: data that holds none is a bad label, not an unknown code.
    with pytest.raises(ScanRejected, match="Unreadable GS1 label"):
        parse(f"[)>\x1e05{GS}XYZ\x1e{EOT}")


@pytest.mark.parametrize("raw", [f"{STX}{ETX}", f"{STX}{ETX}\r\n", f"{SOH}{STX}\r\n{ETX}{EOT}", f"{STX}]E0{ETX}"])
def test_framing_around_nothing_is_nothing_scanned(raw):
    # Zebra "Scan Data Transmission Format": prefix and suffix with no data between them.
    with pytest.raises(ScanRejected, match="Nothing was scanned"):
        parse(raw)


# Framing belongs at the ends: a control character inside the data is still a garbled read.
@pytest.mark.parametrize("raw", [f"{STX}40063{ETX}81333931{ETX}", f"4006{STX}381333931", f"{ETX}{GTIN}{STX}"])
def test_a_control_character_inside_the_data_is_still_unreadable(raw):
    with pytest.raises(ScanRejected, match="Unreadable scan"):
        parse(raw)
