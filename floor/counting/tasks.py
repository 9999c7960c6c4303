"""Celery tasks: thin wrappers around count planning."""

from celery import shared_task

from floor.counting import planning
from floor.warehouse.models import Warehouse


@shared_task(ignore_result=True)
def make_due_counts() -> dict[str, int]:
    """Beat, each morning at COUNT_PLAN_HOUR: every warehouse's planned counts for the day."""
    return {warehouse.code: len(planning.make_due_counts(warehouse=warehouse)) for warehouse in Warehouse.objects.all()}
