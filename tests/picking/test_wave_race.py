"""Releases and builds at the same moment, on PostgreSQL: they never promise the same units or
take the same order."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F, Sum

from floor.picking import allocation, waves
from floor.picking.models import Order, Pick, Wave
from floor.picking.waves import Filters, NothingToWave
from tests import factories
from tests.picking.factories import order


def at_once(*jobs):
    """Run each job in its own thread (and database connection), started together."""
    start, errors, results = threading.Barrier(len(jobs)), [], [None] * len(jobs)

    def run(n, job):
        try:
            start.wait()
            results[n] = job()
        except Exception as error:  # noqa: BLE001 - handed back to the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n, job)) for n, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results, errors


@pytest.fixture
def slow_reservations(monkeypatch):
    """Widen the window between reading the bins and reading what is reserved there: without the
    quant locks, both releases would read "nothing reserved" and promise the same units."""
    read = allocation.reserved

    def slowly(**kwargs):
        time.sleep(0.3)
        return read(**kwargs)

    monkeypatch.setattr(allocation, "reserved", slowly)


@pytest.mark.django_db(transaction=True)
def test_three_releases_competing_for_one_bin_never_promise_more_than_it_holds(postgres, slow_reservations):
    wh = factories.warehouse()
    item = factories.product()
    shelf = factories.storage_bin(wh)
    factories.stock(shelf, item, 10)
    drafts = []
    for n in range(3):
        wave = Wave.objects.create(warehouse=wh, reference=f"W-RACE-{n}")
        order(wh, (item, 5), state=Order.State.IN_WAVE, wave=wave)
        order(wh, (item, 3), state=Order.State.IN_WAVE, wave=wave)
        drafts.append(wave)

    _released, errors = at_once(*[lambda w=w: waves.release_wave(wave=w, actor=None) for w in drafts])

    # Whoever came last found nothing left: refused, and nothing of theirs was changed.
    assert all(isinstance(e, waves.WaveRefused) for e in errors), errors
    promised = Pick.objects.filter(state="open").aggregate(n=Sum(F("quantity") - F("picked")))["n"]
    assert promised == Decimal(10)
    assert allocation_free(shelf, item) == 0
    assert Wave.objects.filter(state="released").count() == 3 - len(errors)


def allocation_free(shelf, item):
    from django.db import transaction

    with transaction.atomic():
        return allocation.free_stock(location=shelf, product=item)


@pytest.mark.django_db(transaction=True)
def test_two_builds_at_once_never_share_an_order(postgres):
    wh = factories.warehouse()
    item = factories.product()
    factories.stock(factories.storage_bin(wh), item, 100)
    orders = [order(wh, (item, 1)) for _ in range(20)]

    built, errors = at_once(*[lambda: waves.build_wave(warehouse=wh, filters=Filters())] * 2)

    assert all(isinstance(e, NothingToWave) for e in errors), errors
    made = [w for w in built if w is not None]
    taken = [o.pk for w in made for o in Order.objects.filter(wave=w)]
    assert sorted(taken) == sorted(o.pk for o in orders)  # each order once, in one wave
    assert Wave.objects.count() == len(made)  # the loser left no empty wave behind
