"""Counts raised by something found wrong: a post refused because the ledger holds less than the
shelf, and a variance on the same item in another bin."""

import uuid
from decimal import Decimal

import pytest
from django.db import transaction

from floor.counting import planning, triggers
from floor.counting.models import CountTask
from floor.ledger import services as ledger
from floor.ledger.models import Move
from tests import factories

pytestmark = pytest.mark.django_db

GTIN = "4006381333931"


def move_scan(client, code):
    return client.post("/move/scan", {"code": code, "key": str(uuid.uuid4()), "device": "t"}, HTTP_HX_REQUEST="true")


def take(location, item, quantity, to):
    return ledger.post(
        [Move(product=item, quantity=Decimal(quantity), from_location=location, to_location=to)],
        key=f"take-{uuid.uuid4()}",
    )


@pytest.fixture
def floor(client):
    wh = factories.warehouse()
    a, b = factories.storage_bin(wh, aisle="A"), factories.storage_bin(wh, aisle="B")
    item = factories.product(gtin=GTIN)
    factories.stock(a, item, 5)
    client.force_login(factories.user(roles=["picker"], wh=wh))
    return type("Floor", (), {"wh": wh, "a": a, "b": b, "item": item, "client": client})


def refused_move(floor):
    """A picker moves 5 out of A, but the ledger's 5 left A before they scan where it goes."""
    move_scan(floor.client, floor.a.barcode)
    for _ in range(5):
        move_scan(floor.client, GTIN)
    take(floor.a, floor.item, 5, factories.storage_bin(floor.wh, aisle="C"))
    return move_scan(floor.client, floor.b.barcode)


def test_a_refused_move_raises_a_count_on_its_bin_though_the_scan_rolled_back(floor):
    answer = refused_move(floor)
    assert b"Not enough" in answer.content and b"feedback-error" in answer.content
    task = CountTask.objects.get(location=floor.a)
    assert task.state == CountTask.State.OPEN and task.source == CountTask.Source.NEGATIVE
    assert floor.item.sku in task.reason and floor.a.name in task.reason
    assert task.priority == 90
    # Nothing of the refused scan stayed: only the count.
    assert not Move.objects.filter(to_location=floor.b).exists()


@pytest.mark.django_db(transaction=True)
def test_the_count_outlives_a_real_rollback(floor):
    refused_move(floor)
    assert CountTask.objects.filter(location=floor.a, source=CountTask.Source.NEGATIVE).count() == 1
    assert not Move.objects.filter(to_location=floor.b).exists()


def test_a_second_refusal_on_the_same_bin_adds_no_second_count(floor):
    refused_move(floor)
    factories.stock(floor.a, floor.item, 5)
    refused_move(floor)
    assert CountTask.objects.filter(location=floor.a).count() == 1


def test_a_refusal_caught_by_its_caller_raises_the_count_when_asked(floor):
    """A caller that goes on after a refusal (the Odoo pull) commits; the count comes after it."""
    triggers.forget_refusals()
    with pytest.raises(ledger.NotEnoughStock), transaction.atomic():
        take(floor.a, floor.item, 9, floor.b)
    assert not CountTask.objects.exists()
    [task] = triggers.raise_refused_counts()
    assert task.location == floor.a and task.source == CountTask.Source.NEGATIVE
    assert triggers.raise_refused_counts() == []  # raised once


def test_only_storage_bins_are_counted_for_a_refusal(floor):
    triggers.forget_refusals()
    tote = factories.tote(floor.wh).location
    with pytest.raises(ledger.NotEnoughStock), transaction.atomic():
        take(tote, floor.item, 1, floor.b)
    assert triggers.raise_refused_counts() == []


def test_a_variance_counts_the_item_in_its_other_bins(floor):
    other_item = factories.product()
    factories.stock(floor.b, floor.item, 3)
    c = factories.storage_bin(floor.wh, aisle="C")
    factories.stock(c, other_item, 2)  # holds something else: not counted
    counted = CountTask.objects.create(warehouse=floor.wh, location=floor.a, reason="x", state="done")
    raised = planning.variance_elsewhere(task=counted, product_ids=[floor.item.pk])
    assert [task.location for task in raised] == [floor.b]
    task = raised[0]
    assert task.source == CountTask.Source.VARIANCE and task.priority == 70
    assert task.reason == f"Variance on {floor.item.sku} in {floor.a.name}"


def test_a_variance_raises_the_priority_of_a_count_already_waiting(floor):
    factories.stock(floor.b, floor.item, 3)
    waiting = CountTask.objects.create(
        warehouse=floor.wh, location=floor.b, reason="plan", source=CountTask.Source.PLAN, priority=10
    )
    counted = CountTask.objects.create(warehouse=floor.wh, location=floor.a, reason="x", state="done")
    planning.variance_elsewhere(task=counted, product_ids=[floor.item.pk])
    waiting.refresh_from_db()
    assert waiting.priority == 70 and CountTask.objects.filter(location=floor.b).count() == 1


def test_a_variance_counts_the_bins_stocked_with_the_item_most_lately_up_to_a_few(floor, settings):
    settings.COUNT_VARIANCE_BINS = 3
    bins = [factories.storage_bin(floor.wh, aisle="V") for _ in range(6)]
    for where in bins:
        factories.stock(where, floor.item, 2)
    counted = CountTask.objects.create(warehouse=floor.wh, location=floor.a, reason="x", state="done")
    raised = planning.variance_elsewhere(task=counted, product_ids=[floor.item.pk])
    assert [task.location for task in raised] == bins[::-1][:3]
