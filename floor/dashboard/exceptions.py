"""What waits for a supervisor in a warehouse, as one stream, newest first, for the dashboard. This
module only reads; each kind names the action it offers and the existing service that does it:

| kind              | action   | service that does it                                              | object_id      |
| ----------------- | -------- | ----------------------------------------------------------------- | -------------- |
| short_pick        | count    | floor.counting.raising.raise_count(warehouse_id=, location_id=,   | Pick           |
|                   |          | source=CountTask.Source.SHORT_PICK, reason=, raised_by_id=)       |                |
| receipt_approval  | approve  | floor.receiving.supervisor.approve(actor=, warehouse=, pin=,      | the receiver   |
|                   |          | key=): on the receiver's scanner, with a supervisor's badge + PIN | (User)         |
| count_variance    | decide   | floor.counting.approvals.decide(task_id=, warehouse=, actor=,     | CountTask      |
|                   |          | decision=, reason=): approve, reject or count again               |                |
| return_quarantine | move     | none on a page: moved out with Move stock on a scanner            | Inspection     |
|                   |          | (floor.transfers.services)                                        |                |
| sync              | resolve  | floor.odoo.pull.documents.resolve_exception(exception=, actor=)   | SyncException  |
| push_failed       | retry    | floor.odoo.outbox.retry(operation)                                | Operation      |
| print_failed      | retry    | floor.packing.printing.retry(job)                                 | PrintJob       |
| locked_out        | unlock   | floor.accounts.services.unlock(person=, by=)                      | User           |

Short picks are today's (they wait for nothing; the stream tells the supervisor what the floor did
about them); every other kind is listed while it is still open. One query a kind, whatever the
number of rows.
"""

from dataclasses import dataclass
from datetime import datetime, time

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from floor.accounts.selectors import locked_people
from floor.counting.models import CountTask
from floor.counting.raising import BUSY
from floor.ledger.models import Quant
from floor.odoo.models import Operation, SyncException
from floor.packing.models import PrintJob
from floor.picking.models import Pick
from floor.receiving.models import Receiving
from floor.returns.models import Disposition, Inspection, Return
from floor.warehouse.models import Warehouse
from floor.warehouse.quantities import qty


@dataclass(frozen=True, slots=True)
class FloorException:
    kind: str  # see the table above
    when: datetime
    what: str  # in the reader's words
    reference: str  # the document: a pick task, receipt, bin, return, Odoo reference, carton…
    who: str  # the person it happened to or who did it; "" when nobody
    action: str  # the action offered (table above)
    object_id: int  # what the action is given (table above)


def stream(warehouse: Warehouse, limit: int = 100) -> list[FloorException]:
    """The warehouse's exceptions, newest first, at most `limit`."""
    found = [
        *_short_picks(warehouse, limit),
        *_receipt_approvals(warehouse, limit),
        *_count_variances(warehouse, limit),
        *_returns_in_quarantine(warehouse, limit),
        *_sync_exceptions(warehouse, limit),
        *_failed_pushes(warehouse, limit),
        *_failed_prints(warehouse, limit),
        *_locked_out(warehouse),
    ]
    found.sort(key=lambda exception: exception.when, reverse=True)
    return found[:limit]


def _name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _short_picks(warehouse, limit):
    today = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    # A count of the bin raised by the short (or one already under way, which covers it; not one
    # cancelled since), and the order's delivery sent to Odoo with a backorder for what was not found.
    counted = (
        CountTask.objects.filter(location=OuterRef("location"))
        .filter(Q(created_at__gte=OuterRef("short_at")) | Q(counted_at__gte=OuterRef("short_at")) | Q(state__in=BUSY))
        .exclude(state=CountTask.State.CANCELLED)
    )
    backorder = Operation.objects.filter(
        kind=Operation.Kind.DELIVERY, document=OuterRef("order_line__order__reference"), payload__backorder=True
    )
    picks = (
        Pick.objects.filter(task__warehouse=warehouse, state=Pick.State.SHORT, short_at__gte=today)
        .annotate(counted=Exists(counted), backorder=Exists(backorder))
        .select_related("task__picker", "product", "location", "order_line__order")
        .order_by("-short_at", "-pk")[:limit]
    )
    for pick in picks:
        said = [
            _("%(qty)s × %(sku)s short in %(bin)s (%(why)s) for %(order)s")
            % {
                "qty": qty(pick.quantity - pick.picked),
                "sku": pick.product.sku,
                "bin": pick.location.name,
                "why": pick.get_short_reason_display().lower(),
                "order": pick.order_line.order.reference,
            },
            _("count raised") if pick.counted else _("no count raised"),
        ]
        if pick.backorder:
            said.append(_("backorder made"))
        yield FloorException(
            "short_pick",
            pick.short_at,
            " · ".join(said),
            pick.task.reference,
            _name(pick.task.picker),
            "count",
            pick.pk,
        )


def _receipt_approvals(warehouse, limit):
    waiting = (
        Receiving.objects.filter(warehouse=warehouse, waiting=Receiving.Waiting.APPROVAL)
        .select_related("actor", "receipt")
        .order_by("-updated_at")[:limit]
    )
    for session in waiting:
        reference = session.receipt.reference if session.receipt else ""
        yield FloorException(
            "receipt_approval",
            session.updated_at,
            session.approval,
            reference,
            _name(session.actor),
            "approve",
            session.actor_id,
        )


def _count_variances(warehouse, limit):
    tasks = (
        CountTask.objects.filter(warehouse=warehouse, state=CountTask.State.APPROVAL)
        .select_related("location", "counter")
        .order_by("-counted_at", "-pk")[:limit]
    )
    for task in tasks:
        what = _("Counts of %(bin)s disagree: counted %(counted)s, expected %(expected)s") % {
            "bin": task.location.name,
            "counted": qty(task.units_counted or 0),
            "expected": qty(task.units_expected or 0),
        }
        when = task.counted_at or task.created_at
        yield FloorException("count_variance", when, what, task.location.name, _name(task.counter), "decide", task.pk)


def _returns_in_quarantine(warehouse, limit):
    # Still there: its item is still held where it was put (a supervisor moves it out with Move stock).
    held = Quant.objects.filter(location=OuterRef("disposed__to_location"), product=OuterRef("product"), quantity__gt=0)
    items = (
        Inspection.objects.filter(ret__warehouse=warehouse, disposition=Disposition.QUARANTINE, undone=False)
        .filter(Q(ret__source=Return.Source.UNKNOWN) | Q(extra=True))
        .filter(Exists(held))
        .select_related("ret", "product", "actor")
        .order_by("-created_at", "-pk")[:limit]
    )
    for item in items:
        why = _("unknown return") if item.ret.source == Return.Source.UNKNOWN else _("not shipped on the order")
        what = _("%(qty)s × %(sku)s in quarantine (%(why)s)") % {
            "qty": qty(item.quantity),
            "sku": item.product.sku,
            "why": why,
        }
        yield FloorException(
            "return_quarantine", item.created_at, what, item.ret.reference, _name(item.actor), "move", item.pk
        )


def _sync_exceptions(warehouse, limit):
    # Master data (an item's barcode) belongs to no warehouse: every supervisor sees it, as on the sync page.
    open_ones = SyncException.objects.filter(Q(warehouse=warehouse) | Q(warehouse=None), resolved=False).order_by(
        "-created_at", "-pk"
    )[:limit]
    for exception in open_ones:
        yield FloorException(
            "sync", exception.created_at, exception.message, exception.reference, "", "resolve", exception.pk
        )


def _failed_pushes(warehouse, limit):
    failed = (
        Operation.objects.filter(warehouse=warehouse, state=Operation.State.FAILED)
        .select_related("created_by")
        .order_by(Coalesce("failed_at", "created_at").desc(), "-pk")[:limit]
    )
    for operation in failed:
        what = _("%(kind)s not sent to Odoo: %(error)s") % {
            "kind": operation.get_kind_display(),
            "error": operation.last_error.strip().splitlines()[-1][:200] if operation.last_error.strip() else "—",
        }
        yield FloorException(
            "push_failed",
            operation.failed_at or operation.created_at,  # failed again after a retry: new again
            what,
            operation.label,
            _name(operation.created_by),
            "retry",
            operation.pk,
        )


def _failed_prints(warehouse, limit):
    failed = (
        PrintJob.objects.filter(station__warehouse=warehouse, state=PrintJob.State.FAILED)
        .select_related("station", "carton__order")
        .order_by(Coalesce("failed_at", "created_at").desc(), "-pk")[:limit]
    )
    for job in failed:
        what = _("Label not printed at %(station)s: %(error)s") % {
            "station": job.station.name,
            "error": job.last_error or "—",
        }
        carton = job.carton
        reference = (carton.sscc or carton.order.reference) if carton else job.station.name
        yield FloorException("print_failed", job.failed_at or job.created_at, what, reference, "", "retry", job.pk)


def _locked_out(warehouse):
    for locked in locked_people(warehouse=warehouse):
        what = _("Locked out after %(n)s wrong PINs") % {"n": locked.failures}
        yield FloorException(
            "locked_out",
            locked.last_try,
            what,
            locked.person.get_username(),
            _name(locked.person),
            "unlock",
            locked.person.pk,
        )
