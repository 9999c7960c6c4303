"""Pickers at the same moment, on PostgreSQL: "Get work" never hands one task to two of them, and
no line or bin is ever picked beyond what it holds."""

import threading
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.utils import timezone

from floor.ledger.checks import ledger_differences
from floor.ledger.models import Quant
from floor.picking.models import Pick, PickRecord, PickTask
from tests import factories
from tests.pages import page_text
from tests.picking.task_factories import Stop, lease, pick_task

HX = {"HTTP_HX_REQUEST": "true"}
BOLT = "4006381333931"


def _post(client, url, **data):
    data.setdefault("key", str(uuid.uuid4()))
    return page_text(client.post(url, {"device": "race", **data}, **HX))


def _at_once(calls) -> list[str]:
    """Each call runs at the same instant, in a thread (and a database connection) of its own; the
    answers come back in the order of the calls."""
    start, answers = threading.Barrier(len(calls)), [None] * len(calls)

    def run(n, call):
        try:
            start.wait()
            answers[n] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n, call)) for n, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert None not in answers
    return answers


def _pickers(wh, n):
    clients = []
    for _ in range(n):
        client = Client()
        client.force_login(factories.user(roles=["picker"], wh=wh))
        clients.append(client)
    return clients


def _user(client):
    return get_user_model().objects.get(pk=client.session["_auth_user_id"])


def _on_hand(location, product):
    return sum((q.quantity for q in Quant.objects.filter(location=location, product=product)), Decimal(0))


@pytest.mark.django_db(transaction=True)
def test_pickers_asking_for_work_at_once_never_get_the_same_task(postgres):
    wh = factories.warehouse()
    item = factories.product(gtin=BOLT)
    tasks = [pick_task(wh, [Stop(f"OUT/{n}", factories.storage_bin(wh), item, 1)], sequence=n).task for n in range(4)]
    clients = _pickers(wh, 6)

    answers = _at_once([lambda c=c: _post(c, "/pick/work") for c in clients])

    taken = list(PickTask.objects.filter(pk__in=[t.pk for t in tasks]).values_list("picker_id", flat=True))
    assert None not in taken and len(set(taken)) == 4  # four tasks, four different pickers
    assert sum("No work waiting" in answer for answer in answers) == 2


@pytest.mark.django_db(transaction=True)
def test_a_put_racing_the_lease_being_taken_over_is_recorded_once_or_refused(postgres):
    wh = factories.warehouse()
    item = factories.product(gtin=BOLT)
    for round_ in range(4):
        source = factories.storage_bin(wh)
        built = pick_task(wh, [Stop(f"OUT/R{round_}", source, item, 2)])
        tote = factories.tote(wh)
        first, second = _pickers(wh, 2)
        lease(built, _user(first))
        _post(first, "/pick/work")
        _post(first, "/pick/scan", code=tote.barcode)
        _post(first, "/pick/scan", code=source.barcode)
        _post(first, "/pick/scan", code=BOLT)
        PickTask.objects.filter(pk=built.task.pk).update(lease_until=timezone.now() - timedelta(seconds=1))

        put, work = _at_once(
            [
                lambda first=first, tote=tote: _post(first, "/pick/scan", code=tote.barcode),
                lambda second=second: _post(second, "/pick/work"),
            ]
        )

        task, pick = PickTask.objects.get(pk=built.task.pk), Pick.objects.get(task=built.task)
        records = list(PickRecord.objects.filter(pick=pick))
        if "was handed to" in put:  # the second picker took it first: nothing was put
            assert task.picker == _user(second) and records == [] and pick.picked == 0
        else:  # the put came first and renewed the lease: the task stays the first picker's
            assert "2 × " in put and task.picker == _user(first) and "No work waiting" in work
            assert [r.quantity for r in records] == [2] and pick.picked == 2
        assert _on_hand(tote.location, item) == pick.picked and _on_hand(source, item) == 2 - pick.picked
    assert ledger_differences() == []


@pytest.mark.django_db(transaction=True)
def test_two_pickers_taking_the_last_units_of_a_bin_at_once_never_take_more_than_it_holds(postgres):
    wh = factories.warehouse()
    item = factories.product(gtin=BOLT)
    shelf = factories.storage_bin(wh)
    factories.stock(shelf, item, 3)  # two picks of 3 were made; a count has since found only 3
    clients = _pickers(wh, 2)
    totes = []
    for n, client in enumerate(clients):
        built = pick_task(wh, [Stop(f"OUT/{n}", shelf, item, 3)], stock=False)
        tote = factories.tote(wh)
        lease(built, _user(client))
        _post(client, "/pick/work")
        _post(client, "/pick/scan", code=tote.barcode)
        _post(client, "/pick/scan", code=shelf.barcode)
        _post(client, "/pick/scan", code=BOLT)
        totes.append(tote)

    puts = [lambda c=c, t=t: _post(c, "/pick/scan", code=t.barcode) for c, t in zip(clients, totes, strict=True)]
    answers = _at_once(puts)

    assert sum("3 × " in answer and "feedback-ok" in answer for answer in answers) == 1
    assert sum(f"Not enough {item.sku}" in answer for answer in answers) == 1
    assert _on_hand(shelf, item) == 0 and sum(_on_hand(t.location, item) for t in totes) == 3
    assert PickRecord.objects.count() == 1 and sum(p.picked for p in Pick.objects.all()) == 3
    assert ledger_differences() == []


@pytest.mark.django_db(transaction=True)
def test_one_scan_sent_twice_at_once_is_put_once(postgres):
    wh = factories.warehouse()
    item = factories.product(gtin=BOLT)
    shelf = factories.storage_bin(wh)
    pick_task(wh, [Stop("OUT/1", shelf, item, 2), Stop("OUT/1", factories.storage_bin(wh), item, 2)])
    tote = factories.tote(wh)
    [client] = _pickers(wh, 1)
    _post(client, "/pick/work")
    _post(client, "/pick/scan", code=tote.barcode)
    _post(client, "/pick/scan", code=shelf.barcode)
    _post(client, "/pick/scan", code=BOLT)
    key = str(uuid.uuid4())

    _at_once([lambda: _post(client, "/pick/scan", code=tote.barcode, key=key)] * 2)

    assert PickRecord.objects.count() == 1 and Pick.objects.get(location=shelf).picked == 2
    assert _on_hand(tote.location, item) == 2
    assert ledger_differences() == []
