"""The receiver's place in the work (their Receiving row), what every action of the flow starts
from, and what its screen reads of the receipt they have open."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from floor.errors import ScanRejected
from floor.receiving import sql
from floor.receiving.models import Receipt, ReceiptLine, ReceiptScan, Receiving
from floor.scanning import flow
from floor.warehouse.models import Location
from floor.warehouse.services import location_of_kind

FLOW = "receive"
Waiting = Receiving.Waiting
OPEN_STATES = (Receipt.State.OPEN, Receipt.State.RECEIVING)
# Where goods may be received into: the dock and the input area.
RECEIVING_KINDS = (Location.Kind.INPUT, Location.Kind.DOCK)


@dataclass
class Outcome(flow.Outcome):
    line: ReceiptLine | None = None  # the line just touched: shown on top
    recorded: ReceiptScan | None = None  # the scan just recorded: what Undo would take back
    progress: dict | None = None  # the receipt's totals after this scan, when it counted them

    @property
    def session(self) -> Receiving:
        return self.place


def session_for(*, actor, warehouse, lock: bool = False) -> Receiving:
    # With its receipt, destination and package; the item and line a scan waits with load only
    # when one does. Read on every request of the flow: hand-written SQL (see sql.py).
    session = sql.session(actor.pk, lock=lock)
    if session is None:
        Receiving.objects.bulk_create([Receiving(actor=actor, warehouse=warehouse)], ignore_conflicts=True)
        session = sql.session(actor.pk, lock=lock)
    if session.warehouse_id != warehouse.pk:  # moved to another warehouse: start afresh there
        session.warehouse, session.receipt, session.destination, session.package = warehouse, None, None, None
        session.forget_item()
        session.forget_kept_lot()
        session.save()
    return session


def begin(*, actor, warehouse, key: str, raw: str) -> tuple[Receiving, Outcome | None]:
    return flow.begin(session_for, flow=FLOW, actor=actor, warehouse=warehouse, key=key, raw=raw, outcome=Outcome)


def open_receipts(warehouse, *, limit: int = 30):
    """Today's work: receipts still open, due today or earlier first."""
    today = timezone.localdate()
    return (
        Receipt.objects.filter(warehouse=warehouse, state__in=OPEN_STATES)
        .filter(Q(expected_date__lte=today) | Q(expected_date=None))
        .order_by("expected_date", "reference")[:limit]
    )


def progress(receipt: Receipt) -> dict:
    totals = receipt.lines.aggregate(expected=Sum("expected"), received=Sum("received"))
    return {"expected": totals["expected"] or Decimal(0), "received": totals["received"] or Decimal(0)}


def last_touched(session: Receiving) -> ReceiptLine | None:
    if session.receipt_id is None:
        return None
    scan = (
        ReceiptScan.objects.filter(receipt_id=session.receipt_id, actor_id=session.actor_id)
        .select_related("line__product", "line__lot")
        .order_by("-id")
        .first()
    )
    return scan.line if scan else None


def lock_receipt(session: Receiving) -> Receipt:
    """The receipt, locked (the pull and a close lock it too, receipt first, then its lines)."""
    if session.receipt_id is not None and session.locked_receipt_id == session.receipt_id:
        receipt = session.receipt  # locked with the person's row, and read then, by session_for
    else:
        receipt = sql.lock_receipt(session.receipt_id)
    session.receipt = receipt  # read under the lock: what the screen shows after this scan
    if receipt.state not in OPEN_STATES:
        session.receipt = None
        session.forget_item()
        session.save()
        state = receipt.get_state_display().lower()
        raise ScanRejected(
            _("%(ref)s is %(state)s — scan another receipt") % {"ref": receipt.reference, "state": state}
        )
    return receipt


def save(session: Receiving) -> None:
    """Write what this scan changed of the person's place, or nothing when it changed nothing
    (a run of plain item scans leaves it as it was)."""
    changed = sql.changed_fields(session)
    if changed is None:
        session.save()
    elif changed:
        session.save(update_fields=[*changed, "updated_at"])


def quarantine(session: Receiving) -> Location:
    location = location_of_kind(session.warehouse, Location.Kind.QUARANTINE)
    if location is None:
        raise ScanRejected(_("This warehouse has no quarantine area — ask a supervisor"))
    return location
