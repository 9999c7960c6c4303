"""Variable measures: the net weight, length, area or volume a label gives, read by the parser.

GS1 General Specifications 3.6.2 (trade measures, AIs 310n–316n, 320n–329n, 350n–357n, 360n–361n,
364n–366n): the fourth digit n is the number of implied decimals (3103 001250 = 1.250 kg); the AI
says the unit. 3.6.3: logistic measures (330n–336n, 340n–349n, 353n–355n, 362n–363n, 367n–369n)
describe a logistic unit, not the trade item's quantity. A GTIN-14 with indicator digit 9 is a
variable measure trade item. GS1 Digital Link URI Syntax: the same AIs as query string parameters.
"""

from datetime import date
from decimal import Decimal

import pytest

from floor.scanning.parser import Kind, parse
from tests import factories as f

pytestmark = pytest.mark.django_db

GS = "\x1d"
VARIABLE = "90950600013432"  # indicator 9: a variable measure trade item


@pytest.mark.parametrize(
    ("ai", "value", "measure", "unit"),
    [
        ("3103", "001250", "1.250", "kg"),
        ("3102", "001250", "12.50", "kg"),
        ("3100", "001250", "1250", "kg"),
        ("3202", "000520", "5.20", "lb"),
        ("3561", "000105", "10.5", "ozt"),
        ("3570", "000016", "16", "oz"),
        ("3111", "001500", "150.0", "m"),
        ("3221", "000125", "12.5", "ft"),
        ("3142", "000350", "3.50", "m2"),
        ("3511", "000220", "22.0", "ft2"),
        ("3151", "000015", "1.5", "l"),
        ("3163", "000250", "0.250", "m3"),
        ("3610", "000003", "3", "gal"),
        ("3600", "000002", "2", "qt"),
        ("3640", "000020", "20", "in3"),
    ],
)
def test_it_reads_a_trade_measure_with_its_implied_decimals_and_unit(ai, value, measure, unit):
    scan = parse(f"]C101{VARIABLE}{ai}{value}")
    assert (scan.kind, scan.gtin, scan.measure, scan.measure_unit) == (Kind.GS1, VARIABLE, Decimal(measure), unit)
    assert str(scan.measure) == measure  # the implied decimals, as printed


def test_the_item_is_found_and_counts_one_scan():
    # The flows decide what a measure counts for; the parser's quantity stays the scan's own.
    product = f.product(gtin=VARIABLE)
    scan = parse(f"]C101{VARIABLE}3103001250{GS}10LOT1")
    assert (scan.product_id, scan.quantity, scan.measure, scan.lot) == (product.pk, 1, Decimal("1.250"), "LOT1")


def test_a_net_weight_comes_before_another_measure_on_the_same_label():
    # 3.6.2: several trade measures may be given; a weight is what a variable weight item is sold by.
    scan = parse(f"]C101{VARIABLE}3111001500{GS}3103001250")
    assert (scan.measure, scan.measure_unit) == (Decimal("1.250"), "kg")


def test_a_count_and_a_measure_are_both_kept():
    # 3.6.2 and AI 30 (3.6.1): a count of items beside a net weight.
    scan = parse(f"]C101{VARIABLE}3012{GS}3103001250")
    assert (scan.quantity, scan.measure) == (12, Decimal("1.250"))


@pytest.mark.parametrize("ai", ["3301", "3401", "3371", "3621"])
def test_a_logistic_measure_is_not_the_items_measure(ai):
    # 3.6.3: a gross weight or volume describes the case or pallet; 337n is kilograms per m².
    scan = parse(f"]C101{VARIABLE}{ai}001250")
    assert (scan.measure, scan.measure_unit) == (None, None)


def test_it_reads_the_measure_from_a_digital_link_query_string():
    # GS1 Digital Link URI Syntax: data attributes such as 3103 go in the query string.
    scan = parse(f"https://id.gs1.org/01/{VARIABLE}/10/L1?3103=001250&3922=0599")
    assert (scan.gtin, scan.lot, scan.measure, scan.measure_unit) == (VARIABLE, "L1", Decimal("1.250"), "kg")


def test_it_reads_the_measure_from_an_upper_case_digital_link():
    # RFC 3986 3.1, 3.2.2: scheme and host in any case; AI 3202 is pounds with 2 decimals.
    scan = parse(f"HTTPS://ID.GS1.ORG/01/{VARIABLE}?3202=000520")
    assert (scan.measure, scan.measure_unit) == (Decimal("5.20"), "lb")


def test_it_reads_the_measure_from_a_compressed_digital_link():
    # https://id.gs1.org/01/09506000134352?3202=000520&11=250101, compressed by GS1's reference
    # implementation (Table Opt's 3C: 01 then 3202).
    scan = parse("https://id.gs1.org/PBFKk4XBoABBAieh6g")
    assert (scan.measure, scan.measure_unit, scan.produced) == (Decimal("5.20"), "lb", date(2025, 1, 1))


def test_a_label_without_a_measure_has_none():
    # 3.6.2: a label with no trade measure gives none.
    scan = parse(f"]C101{VARIABLE}10L1")
    assert (scan.measure, scan.measure_unit) == (None, None)
