"""Write operations in the flow's transaction; push them after commit; retry with backoff."""

import random
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from floor.odoo.models import Operation

State = Operation.State


def _setting(name: str, default):
    return getattr(settings, name, default)


def enqueue(*, kind: str, warehouse, reference: str, payload: dict, document: str = "", actor=None) -> Operation:
    """Called inside the flow's transaction, next to `ledger.post`: the operation exists exactly
    when the moves do. The push is sent once the transaction commits."""
    from floor.odoo.tasks import push_operation

    operation = Operation.objects.create(
        kind=kind,
        warehouse=warehouse,
        reference=reference,
        payload=payload,
        document=document,
        created_by=actor,
        next_try_at=timezone.now(),
    )
    push_operation.delay_on_commit(operation.pk)
    return operation


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
    from floor.odoo.tasks import push_operation

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
            push_operation.delay(operation_id)


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
    move. Every other kind adds or takes stock, and those commute, so they wait for counts only.
    """
    earlier = Operation.objects.filter(
        warehouse_id=operation.warehouse_id,
        pk__lt=operation.pk,
        state__in=[State.PENDING, State.SENDING, State.FAILED],
    ).order_by("pk")
    if operation.kind != Operation.Kind.ADJUSTMENT:
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
    operation.last_error, operation.lease_until = error[:2000], None
    if retry and operation.attempts < max_attempts:
        operation.state = State.PENDING
        operation.next_try_at = timezone.now() + backoff(operation.attempts)
    else:
        operation.state, operation.next_try_at = State.FAILED, None
    operation.save(update_fields=["state", "last_error", "lease_until", "next_try_at"])


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
    from floor.odoo.tasks import push_operation

    operation = Operation.objects.select_for_update().get(pk=operation.pk)
    if operation.state != State.FAILED:
        return operation
    operation.state, operation.attempts, operation.next_try_at = State.PENDING, 0, timezone.now()
    operation.save(update_fields=["state", "attempts", "next_try_at"])
    push_operation.delay_on_commit(operation.pk)
    return operation
