"""The web process tells the push workers of committed operations a batch at a time."""

import base64
import json
import time

import pytest
import redis
from django.conf import settings
from django.db import transaction

from floor.odoo import outbox
from floor.odoo.models import Operation
from tests import factories
from tests.conftest import cannot_run


def _batches_on_the_odoo_queue(broker, ours: set[int]) -> list[list[int]]:
    batches = []
    for raw in broker.lrange("odoo", 0, -1):
        message = json.loads(raw)
        if message["headers"]["task"] != "floor.odoo.tasks.push_operations":
            continue
        args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        if set(args[0]) & ours:
            batches.append(args[0])
    return batches


def _announced(broker, ours: set[int]) -> list[list[int]]:
    """The batches naming any of `ours`, once the announcing thread has sent them (≤ 5 s)."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not _batches_on_the_odoo_queue(broker, ours):
        time.sleep(0.05)
    return _batches_on_the_odoo_queue(broker, ours)


@pytest.fixture
def broker():
    if not settings.REDIS_URL:
        cannot_run("needs REDIS_URL: the announcement goes to a real broker")
    return redis.Redis.from_url(settings.REDIS_URL)


def _enqueue(warehouse, reference: str) -> Operation:
    with transaction.atomic():
        return outbox.enqueue(kind=Operation.Kind.INTERNAL, warehouse=warehouse, reference=reference, payload={})


@pytest.mark.django_db(transaction=True)
def test_operations_committed_one_after_another_reach_the_workers_in_one_message(broker):
    warehouse = factories.warehouse()

    ops = [_enqueue(warehouse, f"FLOOR-BATCH-{n}") for n in range(3)]

    assert _announced(broker, {op.pk for op in ops}) == [[op.pk for op in ops]]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_operation_is_never_announced(broker):
    warehouse = factories.warehouse()

    with pytest.raises(RuntimeError), transaction.atomic():
        gone = outbox.enqueue(kind=Operation.Kind.INTERNAL, warehouse=warehouse, reference="FLOOR-GONE", payload={})
        raise RuntimeError("the scan failed after the operation was written")
    kept = _enqueue(warehouse, "FLOOR-KEPT")

    assert _announced(broker, {gone.pk, kept.pk}) == [[kept.pk]]
    assert not Operation.objects.filter(pk=gone.pk).exists()
