"""Packing a variable measure item: the weight on the label of the piece scanned is what goes into
the carton, checked against what was picked of the item, in the item's unit.

GS1 General Specifications 3.6.2: a variable measure trade item's label carries its net weight or
measure (AIs 310n–369n), the AI naming the unit and its fourth digit the implied decimals:
(3103)001250 is 1.250 kg, (3202)000250 is 2.50 lb.
"""

from decimal import Decimal

import pytest

from floor.packing.models import PackedItem
from tests import factories
from tests.packing import test_pack_flow
from tests.packing.test_pack_flow import BOLT, at_tote, packed, post, scan
from tests.picking.task_factories import Stop

pytestmark = pytest.mark.django_db
floor = test_pack_flow.floor  # a station, carton types, totes and a packer, as there

GS = "\x1d"
CHEESE = "90950600013432"  # indicator 9: a variable measure trade item (3.6.2)


@pytest.fixture
def cheese(floor):
    return factories.product(gtin=CHEESE, sku="CHEESE", name="Cheese wheel", uom="kg", weight=Decimal(1))


def test_each_wheel_packs_what_its_label_weighs(floor, cheese):
    # 3.6.2: two wheels picked, 1.250 kg and 1.400 kg: 2.65 kg of the order's line.
    at_tote(floor, [Stop("OUT/1", floor.a1, cheese, Decimal("2.65"))])

    first = scan(floor.client, f"]C101{CHEESE}3103001250")
    second = scan(floor.client, f"]C101{CHEESE}3103001400")

    assert "1.25 × CHEESE — 1.25 of 2.65 in carton 1" in first
    assert "1.4 × CHEESE — 2.65 of 2.65 in carton 1" in second and "all packed" in second
    assert [item.quantity for item in PackedItem.objects.order_by("pk")] == [Decimal("1.25"), Decimal("1.4")]


def test_a_weight_in_pounds_packs_in_kilograms(floor, cheese):
    # 3.6.2: 320n in pounds; 2.50 lb = 1.134 kg to the gram.
    at_tote(floor, [Stop("OUT/1", floor.a1, cheese, Decimal("1.134"))])
    assert "all packed" in scan(floor.client, f"]C101{CHEESE}3202000250")
    assert packed(product=cheese) == Decimal("1.134")


def test_a_piece_heavier_than_what_is_left_to_pack_is_refused_in_words(floor, cheese):
    # 3.6.2: the label's weight is the quantity; more than was picked is not the piece picked.
    at_tote(floor, [Stop("OUT/1", floor.a1, cheese, Decimal("1.25"))])

    page = scan(floor.client, f"]C101{CHEESE}3103001500")

    assert "Only 1.250 kg more of CHEESE to pack — the label says 1.500 kg" in page and "feedback-error" in page
    assert not PackedItem.objects.exists()


def test_a_counted_item_refuses_a_weight_label(floor):
    # 3.6.2: a net weight does not say how many bolts.
    at_tote(floor, [Stop("OUT/1", floor.a1, floor.bolt, 2)])

    page = scan(floor.client, f"]C101{BOLT.zfill(14)}3103001250")

    assert "BOLT is counted in Units: a weight label (1.250 kg) does not say how many" in page
    assert not PackedItem.objects.exists()


def test_a_typed_quantity_is_the_packers_word_over_the_labels(floor, cheese):
    # The packer typed what the next scan packs: the label's weight does not override it.
    at_tote(floor, [Stop("OUT/1", floor.a1, cheese, Decimal("3"))])
    post(floor.client, "/pack/quantity", quantity="2")
    scan(floor.client, f"]C101{CHEESE}3103001250")
    assert packed(product=cheese) == 2
