from decimal import Decimal

import pytest
from django.db import transaction

from floor.ledger.keys import undo_key
from floor.ledger.models import Move, Quant
from floor.ledger.services import NotEnoughStock, post, reverse
from floor.warehouse.models import Package
from tests import factories

pytestmark = pytest.mark.django_db


def on_hand(location, product, *, lot=None, package=None):
    quant = Quant.objects.filter(location=location, product=product, lot=lot, package=package).first()
    return quant.quantity if quant else Decimal(0)


def test_it_puts_the_stock_back_where_it_came_from():
    wh = factories.warehouse()
    a, b = factories.storage_bin(wh), factories.storage_bin(wh)
    item = factories.product()
    factories.stock(a, item, 10)
    [moved] = post(
        [Move(product=item, from_location=a, to_location=b, quantity=Decimal(4), reference="MOVE-1")], key="move:k1"
    )
    picker = factories.user(wh=wh)
    [back] = reverse([moved], actor_id=picker.pk, device="HH-" + "x" * 80)
    assert (on_hand(a, item), on_hand(b, item)) == (10, 0)
    assert (back.from_location_id, back.to_location_id, back.quantity) == (b.pk, a.pk, 4)
    assert (back.reverses_id, back.reference, back.actor_id) == (moved.pk, "MOVE-1", picker.pk)
    assert back.key == undo_key("move:k1")
    assert len(back.device) == 64


def test_reversing_twice_posts_once():
    wh = factories.warehouse()
    a, b = factories.storage_bin(wh), factories.storage_bin(wh)
    item = factories.product()
    factories.stock(a, item, 10)
    moved = post([Move(product=item, from_location=a, to_location=b, quantity=Decimal(4))], key="move:k2")
    first = reverse(moved, actor_id=None, device="")
    again = reverse(moved, actor_id=None, device="")
    assert [m.pk for m in again] == [m.pk for m in first]
    assert Move.objects.filter(reverses__in=moved).count() == 1
    assert (on_hand(a, item), on_hand(b, item)) == (10, 0)


def test_it_refuses_to_reverse_a_move_whose_stock_has_left_the_bin():
    wh = factories.warehouse()
    a, b, c = factories.storage_bin(wh), factories.storage_bin(wh), factories.storage_bin(wh)
    item = factories.product()
    factories.stock(a, item, 10)
    moved = post([Move(product=item, from_location=a, to_location=b, quantity=Decimal(4))], key="move:k3")
    post([Move(product=item, from_location=b, to_location=c, quantity=Decimal(3))], key="move:k4")
    moves_before = Move.objects.count()
    with pytest.raises(NotEnoughStock), transaction.atomic():  # a scan's transaction
        reverse(moved, actor_id=None, device="")
    assert Move.objects.count() == moves_before
    assert (on_hand(a, item), on_hand(b, item), on_hand(c, item)) == (6, 1, 3)


def test_the_reverse_carries_the_lot_and_the_package():
    wh = factories.warehouse()
    a, b = factories.storage_bin(wh), factories.storage_bin(wh)
    item = factories.product(tracking="lot")
    batch = factories.lot(item)
    pallet = Package.objects.create(barcode="PLT-REV-1")
    factories.stock(a, item, 10, lot=batch, package=pallet)
    moved = post(
        [Move(product=item, lot=batch, package=pallet, from_location=a, to_location=b, quantity=Decimal(10))],
        key="putaway:k5",
    )
    [back] = reverse(moved, actor_id=None, device="")
    assert (back.lot_id, back.package_id, back.to_package_id) == (batch.pk, pallet.pk, pallet.pk)
    assert on_hand(a, item, lot=batch, package=pallet) == 10
    assert on_hand(b, item, lot=batch, package=pallet) == 0


def test_goods_a_move_packed_come_back_loose():
    wh = factories.warehouse()
    a, b = factories.storage_bin(wh), factories.storage_bin(wh)
    item = factories.product()
    carton = Package.objects.create(barcode="PLT-REV-2")
    factories.stock(a, item, 5)
    moved = post(
        [Move(product=item, to_package=carton, from_location=a, to_location=b, quantity=Decimal(5))], key="pack:k6"
    )
    [back] = reverse(moved, actor_id=None, device="")
    assert (back.package_id, back.to_package_id) == (carton.pk, None)
    assert (on_hand(a, item), on_hand(b, item, package=carton)) == (5, 0)


def test_it_takes_the_moves_of_one_post_only():
    wh = factories.warehouse()
    a, b = factories.storage_bin(wh), factories.storage_bin(wh)
    item = factories.product()
    factories.stock(a, item, 10)
    one = post([Move(product=item, from_location=a, to_location=b, quantity=Decimal(1))], key="move:k7")
    two = post([Move(product=item, from_location=a, to_location=b, quantity=Decimal(1))], key="move:k8")
    with pytest.raises(ValueError):
        reverse(one + two, actor_id=None, device="")
    with pytest.raises(ValueError):
        reverse([], actor_id=None, device="")
