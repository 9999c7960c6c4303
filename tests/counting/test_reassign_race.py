"""A supervisor hands a count over while its counters scan, or while another supervisor hands it
elsewhere, on PostgreSQL: one person holds the bin, and nothing the old counter scans counts."""

import threading
import time
import uuid

import pytest
from django.db import connection, transaction
from django.db.models import F
from django.test import Client

from floor.counting import services
from floor.counting.models import CounterPlace, CountLine, CountTask
from tests import factories
from tests.counting.conftest import GTIN
from tests.counting.test_count_race import _at_once
from tests.pages import page_text

HTMX = {"HTTP_HX_REQUEST": "true"}


def _while_handing_over(task, to, request):
    """`request` sent while the hand-over is written but not yet committed: it waits for the
    person's place, then runs on what the hand-over left."""
    started = threading.Event()

    def hand_over():
        try:
            with transaction.atomic():
                services.reassign_count(task=task, counter=to, actor=None)
                started.set()
                time.sleep(0.5)  # the request is sent meanwhile, and waits for the place's lock
        finally:
            connection.close()

    def send():
        try:
            started.wait(10)
            return request()
        finally:
            connection.close()

    answers = _at_once(hand_over, send)
    return next(answer for answer in answers if answer is not None)


def _counter(wh, name):
    person = factories.user(name.lower(), roles=["counter"], wh=wh, first_name=name)
    client = Client()
    client.force_login(person)
    return person, client


def _send(client, path, **data):
    return page_text(client.post(f"/count/{path}", {"key": str(uuid.uuid4()), **data}, **HTMX))


def _holders(task):
    """Who the dashboard shows on the bin: places that point at it, of the person it is leased to."""
    return list(CounterPlace.objects.filter(task=task, actor=F("task__counter")).values_list("actor", flat=True))


@pytest.fixture
def bin_counted(postgres):
    wh = factories.warehouse()
    a = factories.storage_bin(wh, aisle="A")
    factories.stock(a, factories.product(gtin=GTIN), 37)
    task = CountTask.objects.create(warehouse=wh, location=a, reason="Short pick")
    ana, ana_client = _counter(wh, "Ana")
    _send(ana_client, "work")
    _send(ana_client, "scan", code=a.barcode)
    return wh, a, task, ana, ana_client


@pytest.mark.django_db(transaction=True)
def test_the_old_counters_scan_waiting_for_the_hand_over_counts_nothing(bin_counted):
    wh, a, task, ana, ana_client = bin_counted
    ben, _client = _counter(wh, "Ben")
    answer = _while_handing_over(task, ben, lambda: _send(ana_client, "scan", code=GTIN))
    assert "feedback-error" in answer
    assert not CountLine.objects.filter(task=task).exists()
    assert _holders(task) == [ben.pk]
    assert "was handed to Ben" in _send(ana_client, "scan", code=GTIN)
    assert not CountLine.objects.filter(task=task).exists()


@pytest.mark.django_db(transaction=True)
def test_the_new_counter_asking_for_work_during_the_hand_over_gets_the_bin(bin_counted):
    wh, a, task, ana, ana_client = bin_counted
    ben, ben_client = _counter(wh, "Ben")
    CountTask.objects.create(warehouse=wh, location=factories.storage_bin(wh, aisle="B"), reason="plan")
    ben_client.get("/count/")  # his place is there already: the hand-over changes it
    answer = _while_handing_over(task, ben, lambda: _send(ben_client, "work"))
    assert f"Back to {a.name}" in answer
    assert _holders(task) == [ben.pk]


@pytest.mark.django_db(transaction=True)
def test_the_counter_scanning_while_it_is_handed_over_loses_no_more_than_their_scan(bin_counted):
    wh, a, task, ana, ana_client = bin_counted
    ben, _client = _counter(wh, "Ben")
    boss = Client()
    boss.force_login(factories.user("boss", roles=["supervisor"], wh=wh))
    answers = _at_once(
        lambda: _send(ana_client, "scan", code=GTIN),
        lambda: boss.post(f"/count/tasks/{task.pk}/reassign", {"counter": ben.pk}).status_code,
    )
    assert 302 in answers  # handed over, whichever came first
    assert not CountLine.objects.filter(task=task).exists()
    assert _holders(task) == [ben.pk]


@pytest.mark.django_db(transaction=True)
def test_two_supervisors_handing_the_same_count_at_once_leave_one_holder(bin_counted):
    wh, a, task, ana, ana_client = bin_counted
    people = [_counter(wh, name)[0] for name in ("Ben", "Cleo")]
    supervisors = []
    for name in ("boss", "deputy"):
        client = Client()
        client.force_login(factories.user(name, roles=["supervisor"], wh=wh))
        supervisors.append(client)
    answers = _at_once(
        *(
            lambda client=client, person=person: page_text(
                client.post(f"/count/tasks/{task.pk}/reassign", {"counter": person.pk}, follow=True)
            )
            for client, person in zip(supervisors, people, strict=True)
        )
    )
    said = [answer for answer in answers if f"{a.name} handed to" in answer]
    assert said and all("changed hands a moment ago" in answer for answer in answers if answer not in said)
    task.refresh_from_db()
    assert _holders(task) == [task.counter_id] and task.counter_id in {person.pk for person in people}
