"""Many scanners posting against the same quants at once, on PostgreSQL's row locks."""

import random
import threading
from decimal import Decimal

import pytest
from django.db import connection

from floor.ledger.checks import ledger_differences
from floor.ledger.models import Move, Quant
from floor.ledger.services import NotEnoughStock, post
from floor.warehouse.models import Location
from floor.warehouse.services import virtual_location
from tests import factories

THREADS, POSTS_EACH = 8, 30


@pytest.mark.django_db(transaction=True)
def test_concurrent_posts_end_exact_with_no_negative_stock_and_no_deadlock(postgres):
    wh = factories.warehouse("RACE")
    a, b = factories.storage_bin(wh), factories.storage_bin(wh)
    customer = virtual_location(Location.Kind.CUSTOMER)
    items = [factories.product(), factories.product()]
    for place in (a, b):
        for item in items:
            factories.stock(place, item, 40)

    start = threading.Barrier(THREADS)
    failures, refused = [], []

    def scanner(n):
        rng = random.Random(n)
        try:
            start.wait()
            for i in range(POSTS_EACH):
                # Both directions and both item orders in one post: the lock order must not depend on them.
                src, dst = rng.choice([(a, b), (b, a)])
                pair = rng.sample(items, 2)
                moves = [
                    Move(product=p, from_location=src, to_location=dst, quantity=Decimal(rng.randint(1, 15)))
                    for p in pair
                ]
                if rng.random() < 0.3:
                    moves.append(
                        Move(
                            product=pair[0],
                            from_location=src,
                            to_location=customer,
                            quantity=Decimal(rng.randint(1, 10)),
                        )
                    )
                try:
                    post(moves, key=f"race-{n}-{i}")
                except NotEnoughStock:
                    refused.append(1)
        except Exception as exc:  # noqa: BLE001 — a deadlock or any error in a thread fails the test below
            failures.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=scanner, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert failures == []
    assert not any(t.is_alive() for t in threads)
    assert ledger_differences() == []
    assert not Quant.objects.filter(location__in=[a, b], quantity__lt=0).exists()
    for item in items:
        in_bins = sum(q.quantity for q in Quant.objects.filter(location__in=[a, b], product=item))
        shipped = sum(q.quantity for q in Quant.objects.filter(location=customer, product=item))
        assert in_bins + shipped == 80
    posted = Move.objects.filter(key__startswith="race-").values("key").distinct().count()
    assert posted + len(refused) == THREADS * POSTS_EACH


@pytest.mark.django_db(transaction=True)
def test_the_same_scan_posted_twice_at_once_moves_stock_once(postgres):
    """A scanner that resends a scan while the first send is still being saved (a flaky
    network): both answer with the same move, and the stock moves once."""
    wh = factories.warehouse("TWIN")
    a, b = factories.storage_bin(wh), factories.storage_bin(wh)
    item = factories.product()
    factories.stock(a, item, 10)
    start = threading.Barrier(THREADS)
    answers, failures = [], []

    def send(n):
        try:
            start.wait()
            for i in range(POSTS_EACH):
                [move] = post(
                    [Move(product=item, from_location=a, to_location=b, quantity=Decimal(1))], key=f"twin-{i % 5}"
                )
                answers.append((move.key, move.pk))
        except Exception as exc:  # noqa: BLE001 — any error in a thread fails the test below
            failures.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert failures == []
    assert len(answers) == THREADS * POSTS_EACH
    assert len(set(answers)) == 5  # one move per key, the same one for every sender
    assert Quant.objects.get(location=a, product=item).quantity == 5
    assert Quant.objects.get(location=b, product=item).quantity == 5
    assert ledger_differences() == []
