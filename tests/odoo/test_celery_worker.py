"""The real path: commit → Celery on Redis → a worker process → Odoo (the test double)."""

import time
from decimal import Decimal

import pytest
from django.db import transaction

from floor.ledger.models import Move
from floor.odoo import outbox
from floor.odoo.models import Operation
from tests import celery_workers
from tests.odoo.test_push_internal import floor_in_odoo  # noqa: F401 — the same Floor-in-Odoo set-up


@pytest.fixture
def celery_worker_process(odoo_double):
    odoo = {
        "ODOO_URL": odoo_double.url,
        "ODOO_DB": odoo_double.db,
        "ODOO_USER": odoo_double.login,
        "ODOO_API_KEY": odoo_double.api_key,
    }
    with celery_workers.running("odoo", **odoo) as worker:
        yield worker


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("odoo_double", ["18.0"], indirect=True, ids=["odoo18"])
def test_a_committed_move_reaches_odoo_through_a_real_worker(floor_in_odoo, celery_worker_process):  # noqa: F811
    double, wh, a, b, product, (shelf_a, shelf_b, item) = floor_in_odoo
    with transaction.atomic():
        move = Move(product=product, quantity=Decimal(2), from_location=a, to_location=b, pk=1)
        op = outbox.enqueue(
            kind=Operation.Kind.INTERNAL,
            warehouse=wh,
            reference="FLOOR-MOVE-CELERY",
            payload={"lines": outbox.lines_of([move])},
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        op.refresh_from_db()
        if op.state in ("sent", "failed"):
            break
        time.sleep(0.2)
    assert op.state == "sent", (op.state, op.last_error)
    assert double.on_hand(item, shelf_b) == 2.0
