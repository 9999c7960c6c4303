"""A carton's label in ZPL: the known carton against the golden file, and text from the database
that cannot break the label."""

import re
from pathlib import Path

import pytest
from django.utils import translation

from floor.packing import zpl
from floor.packing.models import Carton
from floor.packing.templatetags.zpl import zpl as zpl_text
from tests import factories
from tests.packing import label_factories as make

GOLDEN = Path(__file__).parent / "golden" / "carton.zpl"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def known_carton(settings):
    """Carton 1 of 2 of OUT/00042, whose id gives GS1's example SSCC 106141412345678908."""
    settings.GS1_COMPANY_PREFIX, settings.SSCC_EXTENSION_DIGIT = "0614141", 1
    wh = factories.warehouse("MAD")
    wh.name = "Madrid DC"
    wh.save()
    station = make.station(wh, name="PACK-1")
    order = make.order(
        wh, reference="OUT/00042", customer="Ferretería López e Hijos, S.L. Almacén Norte", carrier="SEUR"
    )
    carton = make.closed_carton(station, order=order, number=1, weight="12.345", pk=234567890)
    make.closed_carton(station, order=order, number=2, weight="3.500")
    return carton


def commands(label: str) -> list[str]:
    """The label's commands (^FO, ^FD…) in order, field data left out."""
    return re.findall(r"[\^~][A-Z@][A-Z0-9@]?", label)


def test_the_known_carton_prints_as_the_golden_file(known_carton):
    assert known_carton.sscc == "106141412345678908"
    assert zpl.carton_label(known_carton).encode() == GOLDEN.read_bytes()


def test_the_label_is_4_by_6_inches_at_203_dpi_in_utf8(known_carton):
    label = zpl.carton_label(known_carton)
    assert label.startswith("^XA\n^CI28\n^PW812\n^LL1218\n") and label.endswith("^XZ\n")


def test_the_sscc_is_a_gs1_128_with_ai_00_and_reads_as_00_then_the_sscc(known_carton):
    label = zpl.carton_label(known_carton)
    # Code set C (>;), FNC1 (>8) makes it GS1-128; then AI 00 and the 18 digits.
    assert "^BCN,260,N,N,N^FD>;>800106141412345678908^FS" in label
    assert "^FD(00) 106141412345678908^FS" in label


def test_the_count_is_the_total_when_the_caller_knows_it(known_carton):
    assert "^FD1 of 2^FS" in zpl.carton_label(known_carton)
    assert "^FD1 of 3^FS" in zpl.carton_label(known_carton, total=3)


def test_the_label_speaks_the_packers_language(known_carton):
    with translation.override("es"):
        label = zpl.carton_label(known_carton)
    assert "12,345 kg" in label  # the weight in the language's number format


def test_a_customer_with_zpl_characters_prints_as_typed_without_breaking_the_label(known_carton):
    order = known_carton.order
    order.customer, order.carrier = "Plain Customer", "Carrier"
    order.save()
    plain = zpl.carton_label(known_carton)
    order.customer, order.carrier = "A^XZ~JR_B\r\n^FDBad", "Car^rier"
    order.save()

    hostile = zpl.carton_label(known_carton)

    assert commands(hostile) == commands(plain)  # no command ended or added
    assert "^FDA_5EXZ_7EJR_5FB _5EFDBad^FS" in hostile  # ^ ~ _ as ^FH hex escapes; lines joined
    assert "^FDCar_5Erier^FS" in hostile


def test_a_long_customer_name_wraps_to_three_lines_at_most():
    label_lines = zpl._ship_to_lines("Very Long Customer Name " * 10)
    assert len(label_lines) == 3 and all(len(line) <= 28 for _, line in label_lines)
    assert label_lines[-1][1].endswith("...")


def test_a_carton_without_an_sscc_has_no_label_yet():
    with pytest.raises(ValueError, match="no SSCC"):
        zpl.carton_label(Carton(pk=7))


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("Plain", "Plain"),
        ("^XZ", "_5EXZ"),
        ("~JA", "_7EJA"),
        ("snake_case", "snake_5Fcase"),
        ("two\nlines\tand\x00nul", "two lines and nul"),
        ("Müller & Söhne", "Müller & Söhne"),  # UTF-8 goes as is: the label says ^CI28
    ],
)
def test_the_zpl_filter_escapes_what_would_end_a_field(text, safe):
    assert zpl_text(text) == safe


def test_the_test_label_names_the_station():
    wh = factories.warehouse()
    station = make.station(wh, name="PACK~9")
    label = zpl.printer_test_label(station)
    assert label.startswith("^XA") and label.endswith("^XZ\n")
    assert "^FDStation PACK_7E9^FS" in label
