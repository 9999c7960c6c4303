"""Receiving at the dock: open a receipt, scan items in (lot and expiry may come on a second
label; a lot once given is kept for the item's next units), scan where they go (the input area or
a pallet's licence plate), close.

Scans are tallied on the receipt's lines under a row lock, so receivers working one receipt
together never overshoot it; the stock moves (vendor → where it was put) and the one receipt
operation for Odoo are posted when the receipt is closed.

Here: a scan dispatched, the receipt opened and left, where goods go, a case's quantity and
damage. The person's place is in place.py, counting units in counting.py, lots and expiry in
lots.py, the supervisor's approval in supervisor.py, Cancel and Undo in undo.py, the close in
closing.py.
"""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from floor.errors import ScanRejected
from floor.ledger.models import Quant
from floor.receiving import lots, place, supervisor
from floor.receiving.closing import close_receipt
from floor.receiving.counting import next_step, take
from floor.receiving.models import Receipt, Receiving
from floor.receiving.place import OPEN_STATES, RECEIVING_KINDS, Outcome, Waiting
from floor.receiving.undo import cancel, undo_last
from floor.scanning.parser import Command, Kind, Scan
from floor.scanning.selectors import scanned_name
from floor.warehouse.models import Location, Package
from floor.warehouse.quantities import qty
from floor.warehouse.services import location_of_kind

DAMAGE_REASONS = {
    "crushed": _("Crushed or broken"),
    "wet": _("Wet or stained"),
    "opened": _("Opened or tampered"),
    "expired": _("Expired or short-dated"),
    "other": _("Other damage"),
}


@transaction.atomic
def handle_scan(*, actor, warehouse, scan: Scan, key: str, device: str = "") -> Outcome:
    session, replayed = place.begin(actor=actor, warehouse=warehouse, key=key, raw=scan.raw)
    if replayed:
        return replayed
    if scan.kind == Kind.COMMAND:
        return _command(session, scan, device=device)
    if scan.kind == Kind.DOCUMENT:
        return _open(session, scan)
    if session.receipt_id is None:
        raise ScanRejected(
            _("Scan a receipt first (scanned %(code)s)")
            % {"code": scanned_name(scan=scan, warehouse_id=session.warehouse_id)}
        )
    if session.closing:
        session.closing = False
        session.save(update_fields=["closing", "updated_at"])
    if session.waiting == Waiting.APPROVAL:
        return supervisor.badge(session, scan)
    if session.waiting in (Waiting.LOT, Waiting.SERIAL):
        return lots.second_label(session, scan, device=device)
    if session.waiting == Waiting.EXPIRY:
        return lots.expiry_label(session, scan, device=device)
    if _is_destination(scan):
        return _destination(session, scan, device=device)
    if scan.product_id is not None:
        if session.waiting == Waiting.WHERE:
            raise ScanRejected(
                _("Scan where %(sku)s goes first — the input area or a pallet (scanned %(code)s)")
                % {"sku": session.product.sku, "code": scanned_name(scan=scan, warehouse_id=session.warehouse_id)}
            )
        return _item(session, scan, device=device)
    if scan.kind == Kind.GS1 and scan.lot and not scan.serial and session.kept_product_id and not session.waiting:
        return lots.lot_label_alone(session, scan, device=device)  # the kept lot's item, another lot
    if scan.kind == Kind.GS1 and (scan.lot or scan.serial or scan.expiry):
        raise ScanRejected(_("Scan the item first, then its lot label"))
    raise ScanRejected(
        _("Scan an item of %(ref)s (scanned %(code)s)")
        % {"ref": session.receipt, "code": scanned_name(scan=scan, warehouse_id=session.warehouse_id)}
    )


def _command(session: Receiving, scan: Scan, *, device: str) -> Outcome:
    if scan.command == Command.UNDO:
        return undo_last(session)
    if scan.command == Command.CANCEL:
        return cancel(session)
    if scan.command == Command.SKIP and session.waiting == Waiting.EXPIRY:
        return lots.given_expiry(session, None, device=device)
    if scan.command == Command.DONE:
        if session.receipt_id is None:
            raise ScanRejected(_("Scan a receipt first"))
        if session.closing:
            return close_receipt(session, device=device)
        session.closing = True
        session.save(update_fields=["closing", "updated_at"])
        return Outcome(session, _("Check the summary, then scan DONE again to close"), "warning")
    raise ScanRejected(_("%(command)s does nothing here") % {"command": scan.command})


# --- The receipt


def _open(session: Receiving, scan: Scan) -> Outcome:
    document = scan.document
    if document.model != "receipt":
        raise ScanRejected(_("%(ref)s is not a receipt") % {"ref": document.reference})
    receipt = Receipt.objects.filter(pk=document.id).first()
    if receipt is None or receipt.warehouse_id != session.warehouse_id:
        raise ScanRejected(_("%(ref)s is not a receipt of this warehouse") % {"ref": document.reference})
    if receipt.state not in OPEN_STATES:
        state = receipt.get_state_display().lower()
        raise ScanRejected(
            _("%(ref)s is %(state)s — scan another receipt") % {"ref": receipt.reference, "state": state}
        )
    return _start(session, receipt)


def _start(session: Receiving, receipt: Receipt) -> Outcome:
    if session.receipt_id != receipt.pk:
        session.receipt, session.package, session.next_quantity, session.damage = receipt, None, None, ""
        session.destination = location_of_kind(session.warehouse, Location.Kind.INPUT)
        session.forget_kept_lot()  # another receipt's goods come with lots of their own
    session.forget_item()
    session.closing = False
    session.save()
    return Outcome(session, _("Receiving %(ref)s") % {"ref": receipt.reference})


@transaction.atomic
def open_receipt(*, actor, warehouse, receipt_id: int) -> Outcome:
    """From the list on screen, rather than by its barcode."""
    session = place.session_for(actor=actor, warehouse=warehouse, lock=True)
    receipt = Receipt.objects.filter(pk=receipt_id, warehouse=warehouse, state__in=OPEN_STATES).first()
    if receipt is None:
        raise ScanRejected(_("That receipt is no longer open"))
    return _start(session, receipt)


@transaction.atomic
def leave(*, actor, warehouse) -> Outcome:
    """Back to the list; what was scanned stays on the receipt."""
    session = place.session_for(actor=actor, warehouse=warehouse, lock=True)
    session.receipt, session.package, session.next_quantity, session.damage, session.closing = (
        None,
        None,
        None,
        "",
        False,
    )
    session.forget_item()
    session.forget_kept_lot()
    session.save()
    return Outcome(session)


# --- Items and where they go


def _item(session: Receiving, scan: Scan, *, device: str) -> Outcome:
    receipt = place.lock_receipt(session)
    quantity = session.next_quantity or scan.quantity
    if quantity <= 0:
        raise ScanRejected(_("Quantity must be more than zero"))
    # A label with no lot of the item whose lot is kept: the next unit of that lot.
    kept = scan.product_id == session.kept_product_id and not scan.lot and not scan.serial
    lot_name = scan.lot or (session.kept_lot if kept else None)
    return take(
        session,
        receipt,
        scan.product_id,
        quantity,
        lot_name=lot_name,
        serial=scan.serial,
        expiry=scan.expiry or (session.kept_expiry if kept else None),
        best_before=scan.best_before or (session.kept_best_before if kept else None),
        produced=scan.produced or (session.kept_produced if kept else None),
        # A quantity typed for the next scan is the receiver's word; else the label says how
        # much (its weight or measure, in the item's unit), once the item is known.
        label=None if session.next_quantity else scan,
        device=device,
    )


def _is_destination(scan: Scan) -> bool:
    return scan.kind in (Kind.LOCATION, Kind.PACKAGE) or (scan.kind == Kind.GS1 and scan.sscc and not scan.gtin)


def _destination(session: Receiving, scan: Scan, *, device: str) -> Outcome:
    if scan.kind == Kind.LOCATION:
        location = Location.objects.filter(pk=scan.location_id).first()
        if location is None or location.warehouse_id != session.warehouse_id or location.kind not in RECEIVING_KINDS:
            raise ScanRejected(_("Receive into the input area or a pallet — not %(code)s") % {"code": scan.code})
        session.destination, session.package = location, None
        message = _("Into %(where)s") % {"where": location.name}
    else:
        package = _package(scan)
        elsewhere = Quant.objects.filter(package=package, quantity__gt=0).exclude(
            location__kind__in=RECEIVING_KINDS, location__warehouse=session.warehouse
        )
        if elsewhere.exists():
            raise ScanRejected(_("Pallet %(lp)s is already in stock — use a new licence plate") % {"lp": package})
        session.package = package
        if session.destination_id is None:
            session.destination = location_of_kind(session.warehouse, Location.Kind.INPUT)
        message = _("Onto pallet %(lp)s") % {"lp": package.barcode}
    if session.waiting == Waiting.WHERE:
        session.waiting = ""
        return next_step(session, place.lock_receipt(session), device=device)
    session.save()
    return Outcome(session, message)


def _package(scan: Scan) -> Package:
    if scan.package_id is not None:
        return Package.objects.get(pk=scan.package_id)
    package, _created = Package.objects.get_or_create(barcode=scan.sscc)
    return package


# --- A case's quantity, damage


@transaction.atomic
def set_next_quantity(*, actor, warehouse, quantity: Decimal, key: str) -> Outcome:
    session, replayed = place.begin(actor=actor, warehouse=warehouse, key=key, raw=f"qty {quantity}")
    if replayed:
        return replayed
    if session.receipt_id is None:
        raise ScanRejected(_("Scan a receipt first"))
    if quantity <= 0:
        raise ScanRejected(_("Quantity must be more than zero"))
    session.next_quantity = quantity
    session.save(update_fields=["next_quantity", "updated_at"])
    return Outcome(session, _("Next scan counts %(qty)s") % {"qty": qty(quantity)})


@transaction.atomic
def mark_damaged(*, actor, warehouse, reason: str, key: str) -> Outcome:
    session, replayed = place.begin(actor=actor, warehouse=warehouse, key=key, raw=f"damaged {reason}")
    if replayed:
        return replayed
    if session.receipt_id is None:
        raise ScanRejected(_("Scan a receipt first"))
    if reason not in DAMAGE_REASONS:
        raise ScanRejected(_("Choose why it is damaged"))
    place.quarantine(session)
    session.damage = str(DAMAGE_REASONS[reason])
    session.save(update_fields=["damage", "updated_at"])
    return Outcome(
        session, _("Damaged (%(why)s): scan the item — it goes to quarantine") % {"why": session.damage}, "warning"
    )
