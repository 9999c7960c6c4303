"""Two counters asking for work at once, on PostgreSQL: a bin is held by one of them."""

import threading
import uuid

import pytest
from django.db import connection
from django.test import Client

from floor.counting.models import CountTask
from floor.ledger.checks import ledger_differences
from floor.ledger.models import Move
from floor.ledger.services import post
from floor.warehouse.models import Location
from tests import factories
from tests.counting.conftest import GTIN, on_hand
from tests.pages import page_text

HTMX = {"HTTP_HX_REQUEST": "true"}


def _at_once(*calls):
    start, answers = threading.Barrier(len(calls)), []

    def run(call):
        try:
            start.wait()
            answers.append(call())
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return answers


def _counters(wh, n=2):
    clients = []
    for _ in range(n):
        client = Client()
        client.force_login(factories.user(roles=["counter"], wh=wh))
        clients.append(client)
    return clients


@pytest.mark.django_db(transaction=True)
def test_two_counters_cannot_hold_the_same_bin(postgres):
    wh = factories.warehouse()
    a = factories.storage_bin(wh, aisle="A")
    task = CountTask.objects.create(warehouse=wh, location=a, reason="Short pick")
    first, second = _counters(wh)
    answers = _at_once(*(lambda c=c: page_text(c.post("/count/work", **HTMX)) for c in (first, second)))
    assert sorted("No bins to count" in answer for answer in answers) == [False, True]
    task.refresh_from_db()
    assert task.counter is not None


@pytest.mark.django_db(transaction=True)
def test_two_counters_asking_at_once_get_two_bins(postgres):
    wh = factories.warehouse()
    bins = [factories.storage_bin(wh, aisle=aisle) for aisle in "AB"]
    for b in bins:
        CountTask.objects.create(warehouse=wh, location=b, reason="Short pick")
    counters = _counters(wh)
    _at_once(*(lambda c=c: c.post("/count/work", **HTMX) for c in counters))
    assert CountTask.objects.exclude(counter=None).values("counter").distinct().count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_count_while_two_pickers_take_from_the_bin_ends_right(postgres):
    wh = factories.warehouse()
    a = factories.storage_bin(wh, aisle="A")
    item = factories.product(gtin=GTIN)
    factories.stock(a, item, 40)
    CountTask.objects.create(warehouse=wh, location=a, reason="Short pick")
    [counter] = _counters(wh, 1)
    counter.post("/count/work", **HTMX)
    for code in (a.barcode, GTIN):
        counter.post("/count/scan", {"code": code, "key": str(uuid.uuid4())}, **HTMX)
    counter.post("/count/quantity", {"quantity": "39", "key": str(uuid.uuid4())}, **HTMX)  # one missing
    output = Location.objects.get(warehouse=wh, kind=Location.Kind.OUTPUT)

    def pick(n):
        return lambda: post([Move(product=item, quantity=3, from_location=a, to_location=output)], key=f"pick-{n}")

    def done():
        return page_text(counter.post("/count/done", {"key": str(uuid.uuid4())}, **HTMX))

    answers = _at_once(pick(1), pick(2), done)
    assert any("thank you" in str(answer) for answer in answers)
    assert on_hand(a, item) == 39 - 6
    assert ledger_differences() == []


@pytest.mark.django_db(transaction=True)
def test_two_supervisors_deciding_at_once_decide_once(postgres):
    wh = factories.warehouse()
    a = factories.storage_bin(wh, aisle="A")
    item = factories.product(gtin=GTIN)
    factories.stock(a, item, 40)
    first = CountTask.objects.create(warehouse=wh, location=a, reason="Short pick")
    for client, quantity in zip(_counters(wh), ("30", "20"), strict=True):
        client.post("/count/work", **HTMX)
        for code in (a.barcode, GTIN):
            client.post("/count/scan", {"code": code, "key": str(uuid.uuid4())}, **HTMX)
        client.post("/count/quantity", {"quantity": quantity, "key": str(uuid.uuid4())}, **HTMX)
        client.post("/count/done", {"key": str(uuid.uuid4())}, **HTMX)
    waiting = CountTask.objects.get(recount_of=first, state=CountTask.State.APPROVAL)
    supervisors = []
    for name in ("ana", "ben"):
        client = Client()
        client.force_login(factories.user(name, roles=["supervisor"], wh=wh))
        supervisors.append(client)

    def decide(client):
        return lambda: client.post(f"/count/approvals/{waiting.pk}/", {"decision": "approved", "reason": "seen"})

    answers = _at_once(*(decide(client) for client in supervisors))
    assert sorted(answer.status_code for answer in answers) == [302, 302]  # the second one is told, no 500
    assert on_hand(a, item) == 20
    assert Move.objects.filter(reference=f"COUNT-{waiting.pk}").count() == 1
    assert ledger_differences() == []
