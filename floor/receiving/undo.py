"""Cancel and Undo: drop the scan under way, else take back the person's last counted scan by a
reversal, so what was scanned and what was taken back both stay on record."""

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from floor import events
from floor.errors import ScanRejected
from floor.receiving import place
from floor.receiving.models import ReceiptLine, ReceiptScan, Receiving
from floor.receiving.place import Outcome
from floor.warehouse.quantities import qty


def cancel(session: Receiving) -> Outcome:
    if session.waiting or session.damage or session.next_quantity or session.closing:
        session.forget_item()
        session.damage, session.next_quantity, session.closing = "", None, False
        session.save()
        return Outcome(session, _("Cancelled — nothing was recorded"), "warning")
    return Outcome(session, _("Nothing to cancel"), "warning")


def undoable(session: Receiving) -> ReceiptScan | None:
    """The person's last scan on this receipt that still counts."""
    if session.receipt_id is None:
        return None
    return (
        ReceiptScan.objects.filter(receipt_id=session.receipt_id, actor_id=session.actor_id, reverses=None)
        .filter(reversal__isnull=True)
        .select_related("product", "line")
        .order_by("-id")
        .first()
    )


def undo_preview(session: Receiving, last: ReceiptScan | None = None) -> str:
    """What Undo would do, said before it does it. `last`: the scan just recorded, when known."""
    if session.waiting or session.damage or session.next_quantity:
        return _("Undo: drop the scan under way")
    last = last or undoable(session)
    if last is None:
        return ""
    return _("Undo: take back %(qty)s × %(sku)s") % {"qty": qty(last.quantity), "sku": last.product.sku}


@transaction.atomic
def undo(*, actor, warehouse, key: str) -> Outcome:
    session, replayed = place.begin(actor=actor, warehouse=warehouse, key=key, raw="undo")
    if replayed:
        return replayed
    return undo_last(session)


def undo_last(session: Receiving) -> Outcome:
    """Undo the last step: the scan under way, else the last counted scan. `session`: locked."""
    if session.waiting or session.damage or session.next_quantity:
        session.forget_item()
        session.damage, session.next_quantity = "", None
        session.save()
        return Outcome(session, _("Undone — scan an item"), "warning")
    if session.receipt_id is None:
        raise ScanRejected(_("Nothing to undo"))
    receipt = place.lock_receipt(session)
    last = undoable(session)
    if last is None:
        raise ScanRejected(_("Nothing to undo"))
    line = ReceiptLine.objects.select_for_update().get(pk=last.line_id)
    ReceiptScan.objects.create(
        receipt=receipt,
        line=line,
        product=last.product,
        lot=last.lot,
        quantity=last.quantity,
        destination=last.destination,
        package=last.package,
        damage=last.damage,
        actor_id=session.actor_id,
        reverses=last,
    )
    ReceiptLine.objects.filter(pk=line.pk).update(received=F("received") - last.quantity)
    line.received -= last.quantity
    events.changed("receipt", receipt.pk, by=session.actor_id)
    return Outcome(
        session,
        _("Undone: %(qty)s × %(sku)s taken back") % {"qty": qty(last.quantity), "sku": last.product.sku},
        "warning",
        line,
    )
