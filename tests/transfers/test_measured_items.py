"""Moving variable measure items bin to bin: each piece scanned adds the weight on its label, in
the item's unit, and the bin's stock bounds it.

GS1 General Specifications 3.6.2: a variable measure trade item's label carries its net weight or
measure (AIs 310n–369n), the AI naming the unit and its fourth digit the implied decimals.
"""

from decimal import Decimal

import pytest

from tests import factories
from tests.transfers.test_move_stock import floor, on_hand, scan  # noqa: F401

pytestmark = pytest.mark.django_db

CHEESE = "90950600013432"  # indicator 9: a variable measure trade item (3.6.2)


def test_each_wheel_moves_its_weight(floor):  # noqa: F811
    # 3.6.2: (3103)001250 is 1.250 kg; the bin holds 3 kg.
    cheese = factories.product(gtin=CHEESE, sku="CHEESE", uom="kg")
    factories.stock(floor.a, cheese, 3)
    scan(floor.client, floor.a.barcode)
    scan(floor.client, f"]C101{CHEESE}3103001250")
    refused = scan(floor.client, f"]C101{CHEESE}3103002000")  # 3.25 kg in all: more than is there
    assert b"Only 3 CHEESE in" in refused.content and b"feedback-error" in refused.content

    scan(floor.client, floor.b.barcode)

    assert (on_hand(floor.a, cheese), on_hand(floor.b, cheese)) == (Decimal("1.75"), Decimal("1.25"))
