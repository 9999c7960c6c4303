import contextlib
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.transaction import TransactionManagementError

from floor.ledger.models import Move, Quant
from floor.ledger.services import NotEnoughStock, post
from floor.warehouse.models import Location
from floor.warehouse.services import virtual_location
from tests import factories

pytestmark = pytest.mark.django_db


def on_hand(location, product, lot=None):
    quant = Quant.objects.filter(location=location, product=product, lot=lot, package=None).first()
    return quant.quantity if quant else Decimal(0)


def move(product, src, dst, qty, **kw):
    return Move(product=product, from_location=src, to_location=dst, quantity=Decimal(qty), **kw)


def test_it_moves_stock_between_bins_and_keeps_the_total():
    wh = factories.warehouse()
    a, b = factories.storage_bin(wh), factories.storage_bin(wh)
    item = factories.product()
    factories.stock(a, item, 10)
    post([move(item, a, b, 4)], key="k1")
    assert (on_hand(a, item), on_hand(b, item)) == (6, 4)


def test_a_key_posted_twice_posts_once_and_returns_the_first_moves():
    wh = factories.warehouse()
    a, b = factories.storage_bin(wh), factories.storage_bin(wh)
    item = factories.product()
    factories.stock(a, item, 10)
    first = post([move(item, a, b, 4)], key="same-scan")
    again = post([move(item, a, b, 7)], key="same-scan")
    assert [m.pk for m in again] == [m.pk for m in first]
    assert again[0].quantity == 4
    assert on_hand(b, item) == 4


def test_it_refuses_to_take_more_than_a_bin_holds_and_changes_nothing():
    wh = factories.warehouse()
    a, b = factories.storage_bin(wh), factories.storage_bin(wh)
    item, other = factories.product(), factories.product()
    factories.stock(a, item, 3)
    factories.stock(a, other, 5)
    moves_before = Move.objects.count()
    with pytest.raises(NotEnoughStock) as refused, transaction.atomic():  # a scan's transaction
        post([move(other, a, b, 1), move(item, a, b, 4)], key="too-much")
    assert item.sku in str(refused.value)
    assert (on_hand(a, item), on_hand(a, other), on_hand(b, other)) == (3, 5, 0)
    assert Move.objects.count() == moves_before


def test_a_refused_post_takes_back_its_whole_scan_and_nothing_of_it_can_be_committed():
    wh = factories.warehouse()
    a, b = factories.storage_bin(wh), factories.storage_bin(wh)
    item = factories.product()
    factories.stock(a, item, 3)
    with pytest.raises(NotEnoughStock), transaction.atomic():
        post([move(item, a, b, 2)], key="fits")
        post([move(item, a, b, 2)], key="too-much")
    assert (on_hand(a, item), on_hand(b, item)) == (3, 0)
    # A caller that swallows the refusal without a savepoint of its own cannot go on to commit.
    with pytest.raises(TransactionManagementError), transaction.atomic():
        with contextlib.suppress(NotEnoughStock):
            post([move(item, a, b, 4)], key="swallowed")
        post([move(item, a, b, 1)], key="after")
    assert (on_hand(a, item), on_hand(b, item)) == (3, 0)


def test_virtual_locations_may_go_negative():
    wh = factories.warehouse()
    a = factories.storage_bin(wh)
    item = factories.product()
    factories.stock(a, item, 2)
    assert on_hand(virtual_location(Location.Kind.VENDOR), item) == -2


def test_lots_and_packages_are_kept_apart():
    wh = factories.warehouse()
    a, b = factories.storage_bin(wh), factories.storage_bin(wh)
    item = factories.product(tracking="lot")
    lot1, lot2 = factories.lot(item), factories.lot(item)
    factories.stock(a, item, 5, lot=lot1)
    factories.stock(a, item, 3, lot=lot2)
    with pytest.raises(NotEnoughStock), transaction.atomic():  # a savepoint: the caller goes on
        post([move(item, a, b, 4, lot=lot2)], key="wrong-lot")
    post([move(item, a, b, 4, lot=lot1)], key="right-lot")
    assert (on_hand(a, item, lot1), on_hand(a, item, lot2), on_hand(b, item, lot1)) == (1, 3, 4)


def test_quantities_must_be_positive():
    wh = factories.warehouse()
    a, b = factories.storage_bin(wh), factories.storage_bin(wh)
    item = factories.product()
    with pytest.raises(ValueError):
        post([move(item, a, b, 0)], key="zero")


def test_check_ledger_finds_a_quant_edited_behind_the_ledgers_back(capsys):
    wh = factories.warehouse()
    a = factories.storage_bin(wh)
    item = factories.product()
    factories.stock(a, item, 5)
    call_command("check_ledger")
    assert "Ledger exact" in capsys.readouterr().out
    Quant.objects.filter(location=a, product=item).update(quantity=6)
    with pytest.raises(CommandError, match="1 quant"):
        call_command("check_ledger")
