"""Celery tasks: the dashboards' drawing, away from the web processes (floor/events.py)."""

from celery import shared_task

from floor import events


# Its own queue and worker (the Procfile's `live`): a long print or count plan on `default` never
# holds up a dashboard's second.
@shared_task(queue=events.LIVE_QUEUE, ignore_result=True, acks_late=False)
def say_floor(warehouse_id: int) -> None:
    """The warehouse's floor changed: draw its dashboards' panels and tell them."""
    events.say_floor(warehouse_id)
