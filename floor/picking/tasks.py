"""Celery tasks: thin wrappers around the wave services."""

from celery import shared_task

from floor.picking import waves


# Its own queue (DESIGN: a queue per concern): a long release never holds up other work.
@shared_task(queue="waves", ignore_result=True)
def build_scheduled_waves() -> list[str]:
    """Beat, every minute: each wave rule that is due builds (and may release) a wave."""
    return [wave.reference for wave in waves.run_rules()]
