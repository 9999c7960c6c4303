"""A variable measure item coming back: the weight on the piece's label is what is taken in, in
the item's unit, and more than the order shipped waits for a supervisor as a unit would.

GS1 General Specifications 3.6.2: a variable measure trade item's label carries its net weight or
measure (AIs 310n–369n), the AI naming the unit and its fourth digit the implied decimals.
"""

from decimal import Decimal

import pytest

from floor.returns.models import Inspection
from tests import factories
from tests.pages import page_text
from tests.returns.conftest import MUG, on_hand, scan
from tests.returns.factories import announced_return, shipped_order

pytestmark = pytest.mark.django_db

CHEESE = "90950600013432"  # indicator 9: a variable measure trade item (3.6.2)


@pytest.fixture
def cheese_back(floor):
    """2.5 kg of cheese shipped on SO-300, all of it announced back."""
    cheese = factories.product(gtin=CHEESE, sku="CHEESE", uom="kg")
    order = shipped_order(floor.wh, (cheese, Decimal("2.5")), reference="SO-300")
    announced_return(floor.wh, order, (cheese, Decimal("2.5")), reference="WH/RET/00300")
    scan(floor.client, "WH/RET/00300")
    return cheese


def test_a_wheel_comes_back_by_its_weight(floor, cheese_back):
    # 3.6.2: (3103)001250 is 1.250 kg.
    scan(floor.client, f"]C101{CHEESE}3103001250")

    assert on_hand(floor.returns, cheese_back) == Decimal("1.25")
    assert Inspection.objects.get().quantity == Decimal("1.25")


def test_more_weight_than_shipped_waits_for_a_supervisor(floor, cheese_back):
    # 3.6.2: the label's weight is the quantity: 2.6 kg is more than the 2.5 kg shipped.
    answer = page_text(scan(floor.client, f"]C101{CHEESE}3103002600"))

    assert "2.6 more × CHEESE than order SO-300 shipped (2.5)" in answer
    assert not Inspection.objects.exists()


def test_a_weight_label_on_an_item_counted_in_units_is_refused(floor):
    # 3.6.2: a net weight does not say how many mugs.
    scan(floor.client, "WH/RET/00001")
    answer = page_text(scan(floor.client, f"]C101{MUG.zfill(14)}3103001250"))
    assert "MUG is counted in Units: a weight label (1.250 kg) does not say how many" in answer
    assert not Inspection.objects.exists()
