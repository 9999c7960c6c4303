"""Celery tasks: thin wrappers around the outbox and the push."""

from celery import shared_task

from floor.odoo import outbox, push


@shared_task(queue="odoo", ignore_result=True)
def push_operation(operation_id: int) -> None:
    push.send(operation_id)


@shared_task(queue="odoo", ignore_result=True)
def sweep_outbox() -> int:
    """Re-send what is due: retries after backoff, and operations a crashed worker left."""
    due = outbox.due_operations()
    for operation_id in due:
        push_operation.delay(operation_id)
    return len(due)
