"""Receiving a variable measure item: the weight (or length, volume, area) on its label is the
quantity received, in the item's own unit; a measure that cannot say how much is refused in words.

GS1 General Specifications 3.6.2: a variable measure trade item's label carries its net weight or
measure (AIs 310n–316n, 320n–329n, 350n–357n, 360n–361n, 364n–366n), the AI naming the unit and
its fourth digit the implied decimals: (3103)001250 is 1.250 kg. GS1 Digital Link URI Syntax 1.4:
the same AIs ride in the query string. 2.1.11: a store's weight label (a restricted circulation
number) carries its weight in the number, by its region's rule.
"""

from decimal import Decimal

import pytest

from floor.ledger.checks import ledger_differences
from floor.ledger.models import Quant
from floor.receiving.models import ReceiptLine, ReceiptScan
from floor.warehouse.models import Lot
from tests import factories
from tests.receiving import test_receiving
from tests.receiving.test_receiving import WIDGET, post, received, scan

pytestmark = pytest.mark.django_db
dock = test_receiving.dock  # the receipt WH/IN/00042, its lines and a receiver, as there

GS = "\x1d"
CHEESE = "90950600013432"  # indicator 9: a variable measure trade item (3.6.2)
HAM = "90950600013449"


@pytest.fixture
def wheels(dock):
    """Cheese wheels kept in kg (10 kg expected), ham kept in lb, lot-tracked (5 lb expected)."""
    dock.cheese = factories.product(gtin=CHEESE, sku="CHEESE", name="Cheese wheel", uom="kg")
    dock.ham = factories.product(gtin=HAM, sku="HAM", name="Ham", uom="lb", tracking="lot")
    dock.cheese_line = ReceiptLine.objects.create(receipt=dock.receipt, product=dock.cheese, expected=10)
    dock.ham_line = ReceiptLine.objects.create(receipt=dock.receipt, product=dock.ham, expected=5)
    scan(dock.client, "WH/IN/00042")
    return dock


def counted():
    return [(s.product.sku, s.quantity) for s in ReceiptScan.objects.filter(reverses=None).order_by("pk")]


def test_a_weight_label_records_its_weight_as_the_quantity_received(wheels):
    # 3.6.2: (3103)001250 = 1.250 kg net; the item is kept in kg.
    page = scan(wheels.client, f"]C101{CHEESE}3103001250")

    assert "1.250 kg of CHEESE — 1.250 kg of 10 kg" in page and "feedback-ok" in page
    assert received(wheels.cheese_line) == Decimal("1.25") and counted() == [("CHEESE", Decimal("1.25"))]
    scan(wheels.client, f"]C101{CHEESE}3102000275")  # 3102: two decimals, 2.75 kg
    assert received(wheels.cheese_line) == 4


def test_a_weight_in_pounds_is_received_in_kilograms_and_the_other_way_round(wheels):
    # 3.6.2: 320n is a net weight in pounds; 1 lb = 0.45359237 kg.
    scan(wheels.client, f"]C101{CHEESE}3202000250")  # 2.50 lb
    page = scan(wheels.client, f"]C101{HAM}3103001000{GS}10H-1")  # 1.000 kg of ham, kept in lb

    assert received(wheels.cheese_line) == Decimal("1.134")
    assert received(wheels.ham_line) == Decimal("2.205") and "2.205 lb of HAM" in page


def test_a_digital_link_carries_the_weight_in_its_query_string(wheels):
    # GS1 Digital Link URI Syntax 1.4: data attributes such as 3103 as query parameters.
    scan(wheels.client, f"https://id.gs1.org/01/{CHEESE}?3103=000900")
    assert received(wheels.cheese_line) == Decimal("0.9")


def test_a_store_weight_label_is_received_by_its_weight(wheels, settings):
    # 2.1.11: GS1 Sweden's prefix 23, an 8-digit item and its weight in grams; the item's
    # barcode is stored with the weight zeroed.
    settings.GS1_RCN_REGION = "se"
    brie = factories.product(gtin="2302148200006", sku="BRIE", uom="kg")
    line = ReceiptLine.objects.create(receipt=wheels.receipt, product=brie, expected=3)
    scan(wheels.client, "2302148210869")
    assert received(line) == Decimal("1.086")


def test_over_receipt_is_judged_on_the_weight(wheels):
    # 3.6.2: the measure is the quantity: 10 kg expected, 10 % tolerance, 11.5 kg is over.
    scan(wheels.client, f"]C101{CHEESE}3103009000")
    page = scan(wheels.client, f"]C101{CHEESE}3103002500")

    assert "11.5 of 10 CHEESE is over the limit — a supervisor must approve" in page
    assert received(wheels.cheese_line) == 9


def test_an_item_counted_in_units_refuses_a_weight_label_and_counts_nothing(wheels):
    # 3.6.2: a net weight says how much, not how many; the widget is counted in units.
    page = scan(wheels.client, f"]C101{WIDGET.zfill(14)}3103001250")

    assert "is counted in Units: a weight label (1.250 kg) does not say how many" in page
    assert "feedback-error" in page and received(wheels.widget_line) == 0


def test_a_typed_quantity_is_the_receivers_word_over_the_labels(wheels):
    # The receiver typed how many the next scan counts: a weight label on a counted item is then
    # those units, and a weighed item's label those kilograms.
    post(wheels.client, "/receive/quantity", quantity="3")
    scan(wheels.client, f"]C101{WIDGET.zfill(14)}3103001250")
    post(wheels.client, "/receive/quantity", quantity="2")
    scan(wheels.client, f"]C101{CHEESE}3103001250")

    assert received(wheels.widget_line) == 3 and received(wheels.cheese_line) == 2


def test_a_lot_tracked_weighed_item_keeps_its_lot_and_each_label_its_weight(wheels):
    # 3.6.2 with 3.4.1 (AI 10, batch or lot): each wheel of the lot weighs what its label says.
    scan(wheels.client, f"]C101{HAM}10H-7{GS}3202000120")  # 1.20 lb
    page = scan(wheels.client, f"]C101{HAM}3202000135")  # the next wheel: its weight, the kept lot

    assert "1.350 lb of HAM — 2.550 lb of 5 lb" in page
    assert [(s.lot.name, s.quantity) for s in ReceiptScan.objects.order_by("pk")] == [
        ("H-7", Decimal("1.2")),
        ("H-7", Decimal("1.35")),
    ]


def test_closing_posts_the_weights_to_the_ledger_exactly(wheels):
    scan(wheels.client, f"]C101{CHEESE}3103001250")
    scan(wheels.client, f"]C101{CHEESE}3202000250")  # 1.134 kg
    scan(wheels.client, "CMD-DONE")
    scan(wheels.client, "CMD-DONE")

    [quant] = Quant.objects.filter(product=wheels.cheese, quantity__gt=0)
    assert quant.quantity == Decimal("2.384") and quant.location == wheels.input
    assert ledger_differences() == [] and not Lot.objects.filter(product=wheels.cheese).exists()
