"""The real path: commit → Celery on Redis → a worker process → Odoo (the test double)."""

import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from floor.ledger.models import Move
from floor.odoo import outbox
from floor.odoo.models import Operation
from tests.conftest import cannot_run
from tests.odoo.test_push_internal import floor_in_odoo  # noqa: F401 — the same Floor-in-Odoo set-up

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def celery_worker_process(odoo_double):
    if not settings.REDIS_URL or connection.vendor != "postgresql":
        cannot_run("needs REDIS_URL and PostgreSQL: a worker process must share the broker and the database")
    db = connection.settings_dict
    env = {
        **os.environ,
        # The test database, which this test's committed rows live in.
        "DATABASE_URL": f"postgres://{db['USER'] or 'root'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}",
        "ODOO_URL": odoo_double.url,
        "ODOO_DB": odoo_double.db,
        "ODOO_USER": odoo_double.login,
        "ODOO_API_KEY": odoo_double.api_key,
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "floor",
            "worker",
            "-Q",
            "odoo",
            "--pool",
            "solo",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "-n",
            f"test-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield worker
    worker.terminate()
    try:
        worker.wait(10)
    except subprocess.TimeoutExpired:
        worker.kill()


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
