"""The dashboard's Sync health panel: how the warehouse's operations are getting to Odoo, and how
fresh the pull from Odoo is. Reads only, five queries."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, F, Max
from django.utils import timezone

from floor.odoo.models import Operation, PullCursor
from floor.odoo.push import configured
from floor.warehouse.models import Warehouse

State = Operation.State
PUSH_WINDOW = timedelta(minutes=10)
# Not in Odoo yet: waiting, or being sent (a send that hangs past its lease counts as waiting).
UNSENT = (State.PENDING, State.SENDING)


@dataclass(frozen=True)
class Waiting:
    """The operation that has waited longest to reach Odoo."""

    operation_id: int
    label: str  # its document, as the sync page names it
    since: datetime
    age: timedelta


@dataclass(frozen=True)
class LastError:
    """The newest error among the operations still carrying one (waiting to retry, or failed)."""

    operation_id: int
    label: str
    reference: str  # Floor's reference, as written into Odoo
    text: str
    at: datetime | None  # None: it failed before Floor kept the moment


@dataclass(frozen=True)
class SyncHealth:
    by_state: dict[str, int]  # every Operation.State value, 0 where none
    oldest_pending: Waiting | None
    last_error: LastError | None
    pushes_per_minute: float  # operations sent over the last ten minutes, a minute on average
    last_pull: datetime | None  # the pull's last run; None: never
    pull_lag: timedelta | None  # how long ago that was
    connected: bool  # an Odoo is configured
    red: bool  # the oldest pending has waited longer than DASHBOARD_SYNC_RED_SECONDS


def health(warehouse: Warehouse, now: datetime | None = None) -> SyncHealth:
    now = now or timezone.now()
    mine = Operation.objects.filter(warehouse=warehouse)
    counts = dict(mine.values_list("state").annotate(n=Count("pk")).order_by())
    oldest = mine.filter(state__in=UNSENT).order_by("created_at", "pk").first()
    erred = mine.exclude(last_error="").order_by(F("failed_at").desc(nulls_last=True), "-pk").first()
    sent = mine.filter(state=State.SENT, sent_at__gt=now - PUSH_WINDOW, sent_at__lte=now).count()
    # The pull reads all warehouses at once, one cursor per Odoo model: its last run is the newest.
    last_pull = PullCursor.objects.aggregate(at=Max("pulled_at"))["at"]

    waiting = None
    if oldest is not None:
        waiting = Waiting(oldest.pk, oldest.label, oldest.created_at, now - oldest.created_at)
    connected = configured()
    # Without an Odoo nothing is wrong: operations wait, and go when one is connected.
    red = bool(connected and waiting and waiting.age > timedelta(seconds=settings.DASHBOARD_SYNC_RED_SECONDS))
    return SyncHealth(
        by_state={state: counts.get(state, 0) for state in State.values},
        oldest_pending=waiting,
        last_error=erred and LastError(erred.pk, erred.label, erred.reference, erred.last_error, erred.failed_at),
        pushes_per_minute=sent / (PUSH_WINDOW.total_seconds() / 60),
        last_pull=last_pull,
        pull_lag=now - last_pull if last_pull else None,
        connected=connected,
        red=red,
    )
