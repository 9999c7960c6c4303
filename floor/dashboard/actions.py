"""A supervisor deals with an exception from the dashboard: its action, done by the service that
owns it, then recorded with who and why (`Handled`). Dismissing needs a reason and puts the
exception out of every dashboard's stream; the others leave it once what they mend is mended."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from floor import events
from floor.accounts import services as accounts
from floor.counting.models import CountTask
from floor.counting.raising import raise_count
from floor.dashboard.models import Handled
from floor.errors import ScanRejected
from floor.odoo import outbox
from floor.odoo.models import Operation, SyncException
from floor.odoo.pull.documents import resolve_exception
from floor.packing import printing
from floor.packing.models import PrintJob
from floor.picking.models import Pick

KINDS = {
    "short_pick",
    "receipt_approval",
    "count_variance",
    "return_quarantine",
    "sync",
    "push_failed",
    "print_failed",
    "locked_out",
}


@transaction.atomic
def act(*, warehouse, actor, kind: str, object_id: int, action: str, reason: str = "") -> str:
    """Do `action` on the exception; what to say. Refused (ScanRejected) for an action the kind
    does not offer, an object of another warehouse, or a dismissal without a reason."""
    reason = "".join(char for char in reason if char.isprintable()).strip()[:200]
    if kind not in KINDS:
        raise ScanRejected(_("Not an exception the dashboard knows"))
    if action == "dismiss":
        if not reason:
            raise ScanRejected(_("Say why it is dismissed"))
        said = _("Dismissed: %(why)s") % {"why": reason}
    else:
        said = _do(warehouse, actor, kind, object_id, action, reason)
    Handled.objects.create(warehouse=warehouse, kind=kind, object_id=object_id, action=action, reason=reason, by=actor)
    events.floor_changed(warehouse.pk)  # every open dashboard redraws without it
    return said


def _do(warehouse, actor, kind: str, object_id: int, action: str, reason: str) -> str:
    if (kind, action) == ("push_failed", "retry"):
        operation = _own(Operation.objects.filter(warehouse=warehouse), object_id)
        outbox.retry(operation)
        return _("%(ref)s goes to Odoo again") % {"ref": operation.reference}
    if (kind, action) == ("print_failed", "retry"):
        job = _own(PrintJob.objects.filter(station__warehouse=warehouse), object_id)
        printing.retry(job)
        return _("Label sent to the printer again")
    if (kind, action) == ("sync", "resolve"):
        # Master-data exceptions (an item's barcode) belong to no warehouse: every supervisor's.
        exception = _own(SyncException.objects.filter(Q(warehouse=warehouse) | Q(warehouse=None)), object_id)
        resolve_exception(exception=exception, actor=actor)
        return _("%(ref)s: marked as dealt with") % {"ref": exception.reference}
    if (kind, action) == ("locked_out", "unlock"):
        person = _own(get_user_model().objects.filter(profile__warehouse=warehouse), object_id)
        accounts.unlock(person=person, by=actor)
        return _("%(name)s can sign in again") % {"name": person.get_full_name() or person.get_username()}
    if (kind, action) == ("short_pick", "count"):
        pick = _own(Pick.objects.filter(task__warehouse=warehouse), object_id)
        raise_count(
            warehouse_id=warehouse.pk,
            location_id=pick.location_id,
            source=CountTask.Source.SHORT_PICK,
            reason=reason or _("short pick"),
            raised_by_id=actor.pk,
        )
        return _("A count of %(bin)s is asked for") % {"bin": pick.location.name}
    raise ScanRejected(_("That is not done from the dashboard"))


def _own(objects, object_id: int):
    found = objects.filter(pk=object_id).first()
    if found is None:
        raise ScanRejected(_("That is not in this warehouse"))
    return found


def undismissed(warehouse, stream: list) -> list:
    """The stream without the exceptions a supervisor dismissed. A dismissal is of what had happened
    by then: the same kind happening again to the same object later (a person locked out again, a
    receiver waiting for an approval again) is back in the stream."""
    dismissed = {
        (row["kind"], row["object_id"]): row["at"]
        for row in Handled.objects.filter(warehouse=warehouse, action="dismiss")
        .values("kind", "object_id")
        .annotate(at=Max("at"))
        .order_by()
    }
    return [e for e in stream if (e.kind, e.object_id) not in dismissed or e.when > dismissed[e.kind, e.object_id]]
