"""One way a count task is raised: by a short pick, a reconciliation, a plan or a trigger. A bin
holds one count at a time, so a second reason to count it adds nothing but may make it sooner."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest

from floor.counting.models import CountTask

# Riskiest first: a bin known to be wrong before one that is merely due. Plans add their
# class's weight on top of PLAN (floor/counting/planning.py).
PRIORITY = {
    CountTask.Source.RECOUNT: 100,
    CountTask.Source.SHORT_PICK: 90,
    CountTask.Source.NEGATIVE: 90,
    CountTask.Source.DIFFERENCE: 80,
    CountTask.Source.VARIANCE: 70,
    CountTask.Source.ONE_OFF: 60,
    CountTask.Source.ODOO: 50,
    CountTask.Source.NOT_COUNTED: 30,
    CountTask.Source.PLAN: 10,
}

# Bins a count is already under way for: open, or two counts waiting for a supervisor.
BUSY = (CountTask.State.OPEN, CountTask.State.APPROVAL)


def raise_count(
    *, warehouse_id: int, location_id: int, source: str, reason: str, raised_by_id=None, priority: int | None = None
) -> CountTask | None:
    """The bin's count task: a new one, or the one already open (its priority raised to this
    one's). None when the bin's counts wait for a supervisor: their decision comes first."""
    if priority is None:
        priority = PRIORITY[source]
    busy = CountTask.objects.filter(location_id=location_id, state__in=BUSY).first()
    if busy is None:
        try:
            with transaction.atomic():
                return CountTask.objects.create(
                    warehouse_id=warehouse_id,
                    location_id=location_id,
                    source=source,
                    reason=reason[:200],
                    raised_by_id=raised_by_id,
                    priority=priority,
                )
        except IntegrityError:
            # Raised by someone else a moment ago: one count covers both.
            busy = CountTask.objects.filter(location_id=location_id, state=CountTask.State.OPEN).first()
    if busy is None or busy.state != CountTask.State.OPEN:
        return None
    if priority > busy.priority:
        CountTask.objects.filter(pk=busy.pk).update(priority=Greatest(F("priority"), priority))
        busy.priority = priority
    return busy
