"""Celery tasks: thin wrappers around the outbox, the push, the pull and the reconciliation."""

import logging

from celery import current_app, shared_task

from floor.odoo import outbox, push
from floor.odoo.errors import OdooAuthError, OdooRetryableError
from floor.odoo.pull import pull
from floor.odoo.reconcile import ReconcileBusy, reconcile

log = logging.getLogger(__name__)


@shared_task(queue="odoo", ignore_result=True)
def push_operation(operation_id: int) -> None:
    push.send(operation_id)


@shared_task(queue="odoo", ignore_result=True)
def push_operations(operation_ids: list[int]) -> None:
    """A web process's batch of newly committed operations (outbox.announce)."""
    for operation_id in operation_ids:
        push.send(operation_id)


@shared_task(queue="odoo", ignore_result=True)
def sweep_outbox() -> int:
    """Re-send what is due: retries after backoff, and operations a crashed worker left."""
    due = outbox.due_operations()
    for operation_id in due:
        push_operation.delay(operation_id)
    return len(due)


@shared_task(queue="odoo", ignore_result=True)
def pull_from_odoo(full: bool = False) -> dict | None:
    """Bring Odoo's changes over (beat, every minute). Odoo being away is no error here: the
    next beat tries again."""
    if not push.configured():
        return None
    try:
        return pull(client=push.client(), full=full).as_dict()
    except (OdooRetryableError, OdooAuthError) as error:
        if isinstance(error, OdooAuthError):
            push.forget_client()  # sign in afresh next time: the key may have been rotated
        log.warning("pull from Odoo failed, the next beat tries again: %s", error)
        return None


BUSY_RETRY_SECONDS = 120


@shared_task(queue="odoo", ignore_result=True)
def reconcile_with_odoo() -> dict | None:
    """Compare Floor's stock with Odoo's (beat, nightly). The minute's pull holding the lock puts
    it off by two minutes, not to the next night; Odoo away is no error here: the next run compares."""
    if not push.configured():
        return None
    try:
        run = reconcile(client=push.client())
    except ReconcileBusy:
        if not current_app.conf.task_always_eager:
            reconcile_with_odoo.apply_async(countdown=BUSY_RETRY_SECONDS)
        return None
    except (OdooRetryableError, OdooAuthError) as error:
        log.warning("reconciliation with Odoo failed, the next run tries again: %s", error)
        return None
    return {"compared": run.compared, "differences": run.differences, "uncertain": run.uncertain}
