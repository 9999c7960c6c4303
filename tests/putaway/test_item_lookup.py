"""The item scan reads the item, its stock at input and the bin already holding it in one
hand-written statement: the cases that statement must get right beyond the usual one."""

from decimal import Decimal

import pytest

from floor.ledger.models import Quant
from floor.putaway.services import MAX_ROWS
from tests import factories
from tests.putaway.test_putaway import GTIN, floor, scan, text  # noqa: F401 — floor: the fixture

pytestmark = pytest.mark.django_db


def test_a_lot_label_finds_its_lot_among_more_lots_than_one_read_returns(floor):  # noqa: F811
    tracked = factories.product(tracking="lot", gtin="9501101530003", zone=floor.zone)
    for n in range(MAX_ROWS + 2):
        factories.stock(floor.input, tracked, n + 1, lot=factories.lot(tracked, f"L{n:02d}"))
    last = f"L{MAX_ROWS + 1:02d}"
    answer = text(scan(floor.client, "]C10109501101530003" + "10" + last))
    assert f"lot {last}" in answer and f"<strong>{MAX_ROWS + 2}</strong>" in answer
    scan(floor.client, floor.a1.barcode)
    assert Quant.objects.get(location=floor.a1, product=tracked).quantity == Decimal(MAX_ROWS + 2)


def test_an_inactive_bin_holding_the_item_is_passed_over(floor):  # noqa: F811
    factories.stock(floor.a1, floor.item, 1)
    factories.stock(floor.b1, floor.item, 1)
    floor.a1.active = False
    floor.a1.save()
    answer = text(scan(floor.client, GTIN))
    assert f'<p class="prompt-where">{floor.b1.name}</p>' in answer
    assert f"already holds {floor.item.sku}" in answer


def test_a_fixed_bin_wins_over_a_bin_holding_the_item(floor):  # noqa: F811
    floor.item.fixed_bin = floor.b1
    floor.item.save()
    factories.stock(floor.a1, floor.item, 1)
    answer = text(scan(floor.client, GTIN))
    assert f'<p class="prompt-where">{floor.b1.name}</p>' in answer and "fixed bin" in answer
