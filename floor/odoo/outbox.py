"""Write operations in the flow's transaction; push them after commit; retry with backoff."""

import atexit
import logging
import os
import random
import threading
import time
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import OperationalError

from floor import events
from floor.odoo.models import Operation

State = Operation.State
log = logging.getLogger(__name__)


def _task(name: str):
    """A push task of floor/odoo/tasks.py, which calls this module: found by the name Celery
    registered it under (OdooConfig.ready() imports the tasks in every process)."""
    return current_app.tasks[f"floor.odoo.tasks.{name}"]


def _setting(name: str, default):
    return getattr(settings, name, default)


def enqueue(*, kind: str, warehouse, reference: str, payload: dict, document: str = "", actor=None) -> Operation:
    """Called inside the flow's transaction, next to `ledger.post`: the operation exists exactly
    when the moves do. The push workers hear of it once the transaction commits."""
    operation = Operation.objects.create(
        kind=kind,
        warehouse=warehouse,
        reference=reference,
        payload=payload,
        document=document,
        created_by=actor,
        next_try_at=timezone.now(),
    )
    transaction.on_commit(lambda: announce(operation.pk))
    return operation


def announce(operation_id: int) -> None:
    """Tell the push workers of a committed operation: at once where tasks run in this process
    (the embedded run), else in the next batch."""
    if current_app.conf.task_always_eager:
        _task("push_operation").delay(operation_id)
    else:
        _announcer.add(operation_id)


# A Celery message costs the web process about 1 ms of CPU, as much as the rest of a Move scan,
# and a message naming a batch of operations costs what one naming a single one does. So a
# thread of each web process sends what committed in the last BATCH_SECONDS as one message. An
# announcement lost with its process, or to a broker that is down, costs nothing but time: the
# row is committed and due, and the sweep sends it.
BATCH_SECONDS = 0.2


class _Announcer:
    def __init__(self):
        self._ids: list[int] = []
        self._lock = threading.Lock()
        self._pending = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = 0

    def add(self, operation_id: int) -> None:
        with self._lock:
            self._ids.append(operation_id)
            # One thread per process: a forked worker starts its own.
            if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._run, name="floor-outbox", daemon=True)
                self._thread.start()
        self._pending.set()

    def _run(self) -> None:
        while True:
            self._pending.wait()
            time.sleep(BATCH_SECONDS)
            self.flush()

    def flush(self) -> None:
        with self._lock:
            ids, self._ids = self._ids, []
            self._pending.clear()
        if not ids:
            return
        try:
            _task("push_operations").delay(ids)
        except OperationalError as error:  # the broker is away; the rows are committed and due
            log.warning("could not tell the push workers of %d operations, the sweep will: %s", len(ids), error)


_announcer = _Announcer()
# A server stopping on purpose sends what it holds.
atexit.register(_announcer.flush)


def lines_of(moves) -> list[dict]:
    """An operation's payload lines, in Floor's ids (mapped to Odoo's at push time, so a
    product pulled from Odoo after the move still goes through)."""
    return [
        {
            "product": move.product_id,
            "lot": move.lot_id,
            "package": move.package_id,
            "quantity": str(move.quantity),
            "from": move.from_location_id,
            "to": move.to_location_id,
        }
        for move in moves
    ]


def claim(operation_id: int) -> Operation | None:
    """Take an operation for one push attempt, or None when it is not due, already sent, or
    another worker holds it. The lease outlives a crashed worker only until it expires."""
    now = timezone.now()
    lease = timedelta(seconds=_setting("ODOO_PUSH_LEASE_SECONDS", 120))
    with transaction.atomic():
        operation = (
            Operation.objects.select_for_update(skip_locked=True).filter(pk=operation_id).filter(_due(now)).first()
        )
        if operation is None:
            return None
        operation.state, operation.lease_until = State.SENDING, now + lease
        operation.attempts += 1
        operation.save(update_fields=["state", "lease_until", "attempts"])
    return operation


def _due(now) -> Q:
    return Q(state=State.PENDING, next_try_at__lte=now) | Q(state=State.SENDING, lease_until__lt=now)


def succeeded(operation: Operation, *, odoo_ids: dict) -> None:
    operation.state, operation.sent_at, operation.last_error = State.SENT, timezone.now(), ""
    operation.odoo_ids, operation.lease_until, operation.next_try_at = odoo_ids, None, None
    operation.waiting_for = None
    operation.save(
        update_fields=["state", "sent_at", "last_error", "odoo_ids", "lease_until", "next_try_at", "waiting_for"]
    )
    # What waited for this one may go now, not at the next sweep.
    waiting = list(operation.waiting.filter(state=State.PENDING).values_list("pk", flat=True))
    if waiting:
        Operation.objects.filter(pk__in=waiting).update(next_try_at=timezone.now())
        for operation_id in waiting:
            _task("push_operation").delay(operation_id)


def _touches(operation: Operation) -> set[tuple[int, int]]:
    """The (location, item) pairs an operation changes in Odoo, from its payload (Floor ids)."""
    pairs = set()
    for line in operation.payload.get("lines", []):
        for end in ("from", "to", "location"):
            if line.get(end):
                pairs.add((line[end], line["product"]))
    return pairs


def earlier_unsent(operation: Operation) -> Operation | None:
    """An operation that must reach Odoo before this one, or None.

    A count is absolute ("bin B holds 7"), so it must not overtake an earlier move of the same
    item at the same bin, nor be overtaken by a later one: either would leave Odoo off by that
    move. Every other kind adds or takes stock, and those commute, so they wait for counts only;
    and for returns: a return made in Odoo at push time (its wizard) puts in the returns location
    what a scrap or a transfer of a returned item then takes out: first, Odoo would refuse the
    scrap, or let the transfer leave that location below zero.
    """
    earlier = Operation.objects.filter(
        warehouse_id=operation.warehouse_id,
        pk__lt=operation.pk,
        state__in=[State.PENDING, State.SENDING, State.FAILED],
    ).order_by("pk")
    if operation.kind in (Operation.Kind.SCRAP, Operation.Kind.INTERNAL):
        earlier = earlier.filter(kind__in=[Operation.Kind.ADJUSTMENT, Operation.Kind.RETURN])
    elif operation.kind != Operation.Kind.ADJUSTMENT:
        earlier = earlier.filter(kind=Operation.Kind.ADJUSTMENT)
    mine = _touches(operation)
    return next((other for other in earlier.only("pk", "reference", "payload") if _touches(other) & mine), None)


def wait(operation: Operation, *, behind: Operation) -> None:
    """Put a claimed operation back without spending an attempt. `succeeded` wakes it; the sweep
    looks again after a minute too, in case that wake-up was missed."""
    operation.state, operation.lease_until, operation.waiting_for = State.PENDING, None, behind
    operation.attempts = max(operation.attempts - 1, 0)
    operation.next_try_at = timezone.now() + timedelta(seconds=60)
    operation.last_error = ""
    operation.save(update_fields=["state", "lease_until", "waiting_for", "attempts", "next_try_at", "last_error"])


def failed(operation: Operation, *, error: str, retry: bool) -> None:
    """A retryable failure waits and tries again, backing off with jitter; after the last
    attempt, or for an error a retry cannot mend, the operation waits for a person."""
    max_attempts = _setting("ODOO_PUSH_MAX_ATTEMPTS", 8)
    operation.last_error, operation.lease_until, operation.failed_at = error[:2000], None, timezone.now()
    if retry and operation.attempts < max_attempts:
        operation.state = State.PENDING
        operation.next_try_at = timezone.now() + backoff(operation.attempts)
    else:
        operation.state, operation.next_try_at = State.FAILED, None
    operation.save(update_fields=["state", "last_error", "lease_until", "failed_at", "next_try_at"])
    events.floor_changed(operation.warehouse_id)  # the dashboards' sync health; a failure waits on them


def backoff(attempts: int) -> timedelta:
    base = _setting("ODOO_PUSH_BACKOFF_SECONDS", 10)
    cap = _setting("ODOO_PUSH_BACKOFF_CAP_SECONDS", 3600)
    # Full exponential step, then ±50 % jitter, so a backlog after an outage does not retry in lockstep.
    seconds = min(cap, base * 2 ** max(attempts - 1, 0))
    return timedelta(seconds=seconds * random.uniform(0.5, 1.5))


def due_operations(*, limit: int = 200) -> list[int]:
    """Ids of the operations to send now. SKIP LOCKED: two sweeps never take the same rows."""
    with transaction.atomic():
        return list(
            Operation.objects.select_for_update(skip_locked=True)
            .filter(_due(timezone.now()))
            .order_by("next_try_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )


@transaction.atomic
def retry(operation: Operation) -> Operation:
    """A person asks to try again: a fresh round of attempts, from now."""
    operation = Operation.objects.select_for_update().get(pk=operation.pk)
    if operation.state != State.FAILED:
        return operation
    operation.state, operation.attempts, operation.next_try_at = State.PENDING, 0, timezone.now()
    operation.save(update_fields=["state", "attempts", "next_try_at"])
    transaction.on_commit(lambda: announce(operation.pk))
    return operation
