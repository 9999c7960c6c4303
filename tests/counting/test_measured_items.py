"""Counting a bin of variable measure items: each piece's label counts its weight, in the item's
unit, so the count and its variance are in kilograms as the ledger is.

GS1 General Specifications 3.6.2: a variable measure trade item's label carries its net weight or
measure (AIs 310n–369n), the AI naming the unit and its fourth digit the implied decimals.
"""

from decimal import Decimal

import pytest

from floor.counting.models import CountLine, CountTask
from tests import factories
from tests.counting.conftest import GTIN, scan, work
from tests.pages import page_text

pytestmark = pytest.mark.django_db

CHEESE = "90950600013432"  # indicator 9: a variable measure trade item (3.6.2)


def test_each_wheel_counts_its_weight(floor):
    # 3.6.2: (3103)001250 is 1.250 kg; (3202)000250 is 2.50 lb = 1.134 kg.
    cheese = factories.product(gtin=CHEESE, sku="CHEESE", uom="kg")
    CountTask.objects.filter(pk=floor.task.pk).update(location=floor.b)
    work(floor.client)
    scan(floor.client, floor.b.barcode)

    scan(floor.client, f"]C101{CHEESE}3103001250")
    answer = page_text(scan(floor.client, f"]C101{CHEESE}3202000250"))

    assert "2.384 × CHEESE counted" in answer
    assert [line.quantity for line in CountLine.objects.filter(product=cheese)] == [Decimal("1.25"), Decimal("1.134")]


def test_a_weight_label_on_an_item_counted_in_units_is_refused(floor):
    # 3.6.2: a net weight does not say how many.
    work(floor.client)
    scan(floor.client, floor.a.barcode)

    answer = page_text(scan(floor.client, f"]C101{GTIN.zfill(14)}3103001250"))

    assert "is counted in Units: a weight label (1.250 kg) does not say how many" in answer
    assert not CountLine.objects.exists()
