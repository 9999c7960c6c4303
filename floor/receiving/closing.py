"""Closing a receipt: the summary shown before (short, over, damaged), then what was received
posted (vendor → where it was put) and Odoo told, once."""

from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from floor import events
from floor.errors import ScanRejected
from floor.ledger import services as ledger
from floor.ledger.models import Move
from floor.odoo import outbox
from floor.odoo.models import Operation
from floor.receiving import place
from floor.receiving.models import Receipt, ReceiptLine, ReceiptScan, Receiving
from floor.receiving.place import Outcome
from floor.warehouse.models import Location
from floor.warehouse.quantities import plain, qty
from floor.warehouse.services import virtual_location


def summary(receipt: Receipt) -> dict:
    lines = list(receipt.lines.select_related("product", "lot").order_by("pk"))
    damaged = (
        ReceiptScan.objects.filter(receipt=receipt, reverses=None, reversal__isnull=True)
        .exclude(damage="")
        .aggregate(total=Sum("quantity"))["total"]
    )
    return {
        "lines": lines,
        "short": [line for line in lines if line.received < line.expected],
        "over": [line for line in lines if line.received > line.expected],
        "damaged": damaged or Decimal(0),
        "backorder": settings.ODOO_RECEIPT_BACKORDER,
        **place.progress(receipt),
    }


@transaction.atomic
def close(*, actor, warehouse, key: str, device: str = "") -> Outcome:
    session, replayed = place.begin(actor=actor, warehouse=warehouse, key=key, raw="close")
    if replayed:
        return replayed
    if session.receipt_id is None:
        raise ScanRejected(_("Scan a receipt first"))
    return close_receipt(session, device=device)


def close_receipt(session: Receiving, *, device: str) -> Outcome:
    """Post what was received (vendor → where it was put) and tell Odoo, once."""
    receipt = place.lock_receipt(session)
    lines = {line.pk: line for line in ReceiptLine.objects.select_for_update().filter(receipt=receipt).order_by("pk")}
    counted = ReceiptScan.objects.filter(receipt=receipt, reverses=None, reversal__isnull=True)
    grouped: dict[tuple, Decimal] = defaultdict(Decimal)
    for scan in counted.values("line", "product", "lot", "destination", "package", "quantity"):
        grouped[(scan["line"], scan["product"], scan["lot"], scan["destination"], scan["package"])] += scan["quantity"]
    if not grouped:
        session.closing = False
        session.save(update_fields=["closing", "updated_at"])
        raise ScanRejected(_("Nothing received yet — scan items, or leave the receipt"))
    vendor = virtual_location(Location.Kind.VENDOR)
    moves = [
        Move(
            product_id=product,
            lot_id=lot,
            to_package_id=package,
            quantity=quantity,
            from_location=vendor,
            to_location_id=destination,
            actor_id=session.actor_id,
            device=device[:64],
            reference=receipt.reference,
        )
        for (_line, product, lot, destination, package), quantity in grouped.items()
    ]
    moves = ledger.post(moves, key=f"receipt:{receipt.pk}")
    payload = {
        "picking": receipt.odoo_id,
        "lines": [
            {
                "move": lines[line_id].odoo_move_id,
                "product": product,
                "lot": lot,
                "package": package,
                "quantity": plain(quantity),
                "to": destination,
            }
            for (line_id, product, lot, destination, package), quantity in grouped.items()
        ],
    }
    if not receipt.odoo_id:  # Odoo never had it (the demo's, goods that came without one): the push makes it
        payload["partner"] = receipt.vendor
    outbox.enqueue(
        kind=Operation.Kind.RECEIPT,
        warehouse=receipt.warehouse,
        reference=f"FLOOR-RCPT-{receipt.pk}",
        payload=payload,
        document=receipt.reference,
        actor=session.actor,
    )
    receipt.state, receipt.closed_by_id, receipt.closed_at = Receipt.State.DONE, session.actor_id, timezone.now()
    receipt.save(update_fields=["state", "closed_by", "closed_at"])
    Receiving.objects.filter(receipt=receipt).update(receipt=None, closing=False, waiting="", product=None, line=None)
    session.refresh_from_db()
    events.changed("receipt", receipt.pk, by=session.actor_id)
    short = sum((line.expected - line.received for line in lines.values() if line.received < line.expected), Decimal(0))
    message = _("%(ref)s closed: %(n)s received") % {"ref": receipt.reference, "n": qty(sum(m.quantity for m in moves))}
    if short:
        message += " · " + _("%(n)s short") % {"n": qty(short)}
    return Outcome(session, message, "document")
