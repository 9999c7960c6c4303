"""What a scan stands for in the item's own unit (floor/scanning/measures.py, `units_of`): a
variable measure label's weight, length, area or volume converted to the unit the item is kept in,
to the ledger's thousandth; refused in words where it cannot say how much.

GS1 General Specifications 3.6.2 (trade measures of a variable measure trade item, AIs 310n–316n,
320n–329n, 350n–357n, 360n–361n, 364n–366n): the AI names the unit, its fourth digit the implied
decimals. The factors are the definitions': 1 lb = 0.45359237 kg, 1 in = 0.0254 m (international
yard and pound, 1959), 1 US gal = 231 in³.
"""

from decimal import Decimal

import pytest
from django.utils import translation

from floor.errors import ScanRejected
from floor.scanning.measures import amount, measured, unit_of, units_of
from floor.scanning.parser import Scan, parse
from floor.warehouse.models import Product
from tests import factories

pytestmark = pytest.mark.django_db

GS = "\x1d"
VARIABLE = "90950600013432"  # indicator 9: a variable measure trade item (GS1 General Specifications 3.6.2)


def label(ai: str, value: str) -> Scan:
    """A variable measure item's GS1-128 label, as a scanner with AIM identifiers sends it."""
    return parse(f"]C101{VARIABLE}{ai}{value}")


def item(uom: str, **fields) -> Product:
    return Product(sku="CHEESE", name="Cheese wheel", uom=uom, **fields)


# --- Conversions (3.6.2: the AI's unit, its implied decimals)


@pytest.mark.parametrize(
    ("ai", "value", "uom", "units"),
    [
        ("3103", "001250", "kg", "1.250"),  # 1.250 kg on a kg item: as it is
        ("3103", "001250", "g", "1250"),  # the same label on an item kept in grams
        ("3102", "001250", "kg", "12.5"),  # two implied decimals
        ("3100", "000002", "t", "0.002"),
        ("3202", "000250", "kg", "1.134"),  # 2.50 lb = 1.1339809 kg, to the gram (half up)
        ("3200", "000001", "kg", "0.454"),  # 1 lb = 0.45359237 kg, exactly
        ("3103", "001000", "lb", "2.205"),  # 1 kg = 2.2046226 lb
        ("3570", "000016", "lb", "1"),  # 16 oz (357n) = 1 lb
        ("3570", "000016", "kg", "0.454"),
        ("3151", "000015", "L", "1.5"),  # Odoo's name for the litre
        ("3151", "000015", "ml", "1500"),
        ("3610", "000001", "L", "3.785"),  # 1 US gallon = 3.785411784 l
        ("3600", "000004", "gal (US)", "1"),  # 4 quarts = 1 gallon, by Odoo's name for it
        ("3163", "000250", "L", "250"),  # 0.250 m³
        ("3111", "001500", "m", "150"),
        ("3111", "001500", "cm", "15000"),
        ("3210", "000001", "m", "0.025"),  # 1 in = 0.0254 m: 0.025 to the ledger's thousandth
        ("3230", "000001", "ft", "3"),  # a yard is 3 feet
        ("3221", "000125", "m", "3.81"),  # 12.5 ft = 3.81 m, exactly
        ("3142", "000350", "m²", "3.5"),  # area: Odoo writes m²
        ("3510", "000010", "m2", "0.929"),  # 10 ft² = 0.9290304 m²
    ],
)
def test_a_measure_label_counts_its_measure_in_the_items_unit(ai, value, uom, units):
    # 3.6.2: the AI says the unit and the implied decimals; the item's unit says what to convert to.
    assert units_of(label(ai, value), item(uom)) == Decimal(units)


def test_it_keeps_the_ledgers_thousandth_rounding_half_up():
    # 3.6.2 allows up to five implied decimals (3105): more than the ledger's three.
    assert units_of(label("3105", "123455"), item("kg")) == Decimal("1.235")
    assert units_of(label("3105", "123454"), item("kg")) == Decimal("1.235")
    assert units_of(label("3105", "123449"), item("kg")) == Decimal("1.234")


def test_the_units_name_is_read_as_odoo_and_people_write_it():
    names = {"kg": "kg", "KG": "kg", "Kilograms": "kg", "lbs": "lb", "fl oz (US)": "floz", "m³": "m3",
             "Litre": "l", "Units": None, "Dozens": None, "Box of 6": None, "": None}  # fmt: skip
    assert {name: unit_of(item(name)) for name in names} == names


# --- What a measure cannot say


def test_an_item_counted_in_units_refuses_a_weight_label_in_words():
    # 3.6.2: a net weight is a variable measure item's quantity; it says nothing of how many units.
    bolt = Product(sku="BOLT", name="Hex bolt")  # uom "Units", the default
    with pytest.raises(ScanRejected) as refused:
        units_of(label("3103", "001250"), bolt)
    assert refused.value.message == "BOLT is counted in Units: a weight label (1.250 kg) does not say how many"


def test_an_item_counted_in_units_takes_the_count_the_label_gives_beside_its_weight():
    # GS1 General Specifications 3.6.2 with 3.2.2 (AI 30, variable count): the count says how many.
    scan = parse(f"]C101{VARIABLE}3103012500{GS}3012")
    assert (scan.quantity, scan.measure) == (12, Decimal("12.500"))
    assert units_of(scan, Product(sku="BOLT")) == 12


@pytest.mark.parametrize(
    ("ai", "value", "uom", "message"),
    [
        ("3103", "001250", "m", "CHEESE is measured in m: a weight label (1.250 kg) does not say how much"),
        ("3111", "001500", "kg", "CHEESE is measured in kg: a length label (150 m) does not say how much"),
        ("3151", "000015", "kg", "CHEESE is measured in kg: a volume label (1.500 l) does not say how much"),
        ("3142", "000350", "m", "CHEESE is measured in m: an area label (3.500 m²) does not say how much"),
    ],
)
def test_a_measure_of_another_kind_than_the_items_unit_is_refused_in_words(ai, value, uom, message):
    # 3.6.2: a weight, a length, an area and a volume are different AIs and cannot stand for each other.
    with pytest.raises(ScanRejected) as refused:
        units_of(label(ai, value), item(uom))
    assert refused.value.message == message


def test_a_label_that_weighs_nothing_or_too_much_for_one_scan_is_refused():
    # 3.6.2: the value is six digits; 000000 is a label printed with no weight.
    with pytest.raises(ScanRejected, match="The label says 0 kg — nothing of CHEESE to count"):
        units_of(label("3103", "000000"), item("kg"))
    with pytest.raises(ScanRejected, match="too much for one scan of CHEESE"):
        units_of(label("3100", "999999"), item("g"))  # 999,999 kg in grams


def test_a_serial_number_is_one_unit_whatever_it_weighs():
    # 3.5.2 (AI 21): a serial identifies one unit; Odoo counts one per serial number.
    scan = parse(f"]C101{VARIABLE}3103001250{GS}21SN-1")
    assert units_of(scan, item("kg", tracking="serial")) == 1


def test_a_scan_without_a_measure_counts_what_the_parser_counted():
    assert units_of(parse(f"]C101{VARIABLE}3012"), item("kg")) == 12
    assert units_of(parse(f"]C101{VARIABLE}10LOT-1"), Product(sku="BOLT")) == 1


def test_a_store_weight_label_counts_its_weight(settings):
    # GS1 General Specifications 2.1.11 (restricted circulation numbers): GS1 Sweden's prefix 23
    # carries an 8-digit item and its weight in grams; the item is stored with the weight zeroed.
    settings.GS1_RCN_REGION = "se"
    cheese = factories.product(sku="CHEESE", gtin="2302148200006", uom="kg")
    scan = parse("2302148210869")
    assert (scan.product_id, scan.measure, scan.measure_unit) == (cheese.pk, Decimal("1.086"), "kg")
    assert units_of(scan, cheese) == Decimal("1.086")
    assert units_of(scan, Product(sku="CHEESE", uom="lb")) == Decimal("2.394")  # 1.086 kg


# --- How it is shown


def test_a_measured_amount_is_shown_as_a_scale_shows_it_in_the_persons_locale():
    cheese = item("kg")
    assert (measured(Decimal("1.25"), "kg"), measured(Decimal(2), "kg"), measured(Decimal("3.5"), "m2")) == (
        "1.250 kg",
        "2 kg",
        "3.500 m²",
    )
    assert (amount(Decimal("1.25"), cheese), amount(Decimal("1.25"), Product(sku="BOLT"))) == ("1.250 kg", "1.25")
    with translation.override("es"):
        assert measured(Decimal("1.25"), "kg") == "1,250 kg"
