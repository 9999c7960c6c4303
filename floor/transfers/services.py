"""Move stock bin to bin: scan the bin it is in, the item (once per unit, or set a quantity),
then the bin it goes to. The last scan posts one move through the ledger."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from floor.ledger import services as ledger
from floor.ledger.models import Move, Quant
from floor.odoo import outbox
from floor.odoo.models import Operation
from floor.scanning.errors import ScanRejected
from floor.scanning.parser import Kind, Scan
from floor.scanning.replay import first_time
from floor.transfers.models import Transfer
from floor.warehouse.models import Location, Lot, Product
from floor.warehouse.quantities import qty

# Where a person may take stock from or put it on; not zones, totes or virtual locations.
PHYSICAL = [
    Location.Kind.STORAGE,
    Location.Kind.INPUT,
    Location.Kind.DOCK,
    Location.Kind.OUTPUT,
    Location.Kind.PACK,
    Location.Kind.RETURNS,
    Location.Kind.QUARANTINE,
]


@dataclass
class Outcome:
    transfer: Transfer
    message: str = ""
    sound: str = "ok"  # ok | document | warning


def open_transfer(*, actor, warehouse, lock: bool = False) -> Transfer:
    transfers = Transfer.objects.select_related("source", "product", "lot", "warehouse", "actor")
    if lock:
        transfers = transfers.select_for_update(of=("self",))
    # At most one is open (a unique constraint): no ORDER BY, which would walk the history.
    transfer = next(iter(transfers.filter(actor=actor, state=Transfer.State.OPEN)[:1]), None)
    if transfer is None:
        try:
            with transaction.atomic():
                transfer = Transfer.objects.create(actor=actor, warehouse=warehouse)
        except IntegrityError:
            # The same person's other request opened it a moment ago.
            transfer = transfers.get(actor=actor, state=Transfer.State.OPEN)
    return transfer


def last_done(*, actor) -> Transfer | None:
    return (
        Transfer.objects.select_related("source", "destination", "product", "lot", "move")
        .filter(actor=actor, state=Transfer.State.DONE)
        .order_by("-pk")  # transfers finish in the order they start: one is open at a time
        .first()
    )


@transaction.atomic
def handle_scan(*, actor, warehouse, scan: Scan, key: str, device: str = "") -> Outcome:
    transfer = open_transfer(actor=actor, warehouse=warehouse, lock=True)
    if not first_time(key=key, actor=actor, flow="move", raw=scan.raw):
        return Outcome(transfer, _("Already counted — that scan was sent twice"), "warning")
    if scan.kind == Kind.COMMAND:
        if scan.command == "CANCEL":
            return cancel(transfer=transfer)
        if scan.command == "UNDO":
            return undo(actor=actor, warehouse=warehouse, key=key, device=device)
        raise ScanRejected(_("%(command)s does nothing here") % {"command": scan.command})
    if transfer.step == "source":
        return _take_source(transfer, scan)
    if scan.kind == Kind.LOCATION:
        if transfer.product_id is None:
            return _take_source(transfer, scan)
        return _put(transfer, scan, key=key, device=device)
    return _take_item(transfer, scan)


def _location(scan: Scan, transfer: Transfer, *, expected: str) -> Location:
    if scan.kind != Kind.LOCATION:
        raise ScanRejected(
            _("Scan a bin — %(expected)s (scanned %(code)s)") % {"expected": expected, "code": scan.code}
        )
    location = Location.objects.filter(pk=scan.location_id).first()
    if location is None or location.warehouse_id != transfer.warehouse_id or location.kind not in PHYSICAL:
        raise ScanRejected(_("%(code)s is not a bin of this warehouse") % {"code": scan.code})
    return location


def _take_source(transfer: Transfer, scan: Scan) -> Outcome:
    location = _location(scan, transfer, expected=_("the bin to take from"))
    transfer.source, transfer.product, transfer.lot, transfer.quantity = location, None, None, Decimal(0)
    transfer.save()
    return Outcome(transfer, _("From %(bin)s") % {"bin": location.name})


def _on_hand(transfer: Transfer, product: Product, lot: Lot | None) -> Decimal:
    quants = Quant.objects.filter(location=transfer.source, product=product, package=None)
    if lot is not None:
        quants = quants.filter(lot=lot)
    return quants.aggregate(total=Sum("quantity"))["total"] or Decimal(0)


def _take_item(transfer: Transfer, scan: Scan) -> Outcome:
    if scan.kind not in (Kind.PRODUCT, Kind.GS1) or scan.product_id is None:
        raise ScanRejected(
            _("Scan an item in %(bin)s (scanned %(code)s)") % {"bin": transfer.source.name, "code": scan.code}
        )
    product = Product.objects.get(pk=scan.product_id)
    if transfer.product_id not in (None, product.pk):
        raise ScanRejected(
            _("Moving %(sku)s — scan the bin it goes to (scanned %(other)s)")
            % {"sku": transfer.product.sku, "other": product.sku}
        )
    lot = _lot(transfer, product, scan)
    if transfer.product_id and lot != transfer.lot:
        raise ScanRejected(_("Moving lot %(lot)s — scan the bin it goes to") % {"lot": transfer.lot})
    if product.tracking == Product.Tracking.SERIAL and transfer.quantity:
        raise ScanRejected(_("One serial at a time — scan the bin it goes to"))
    quantity = transfer.quantity + (scan.quantity or Decimal(1))
    on_hand = _on_hand(transfer, product, lot)
    if quantity > on_hand:
        raise ScanRejected(
            _("Only %(qty)s %(sku)s in %(bin)s")
            % {"qty": qty(on_hand), "sku": product.sku, "bin": transfer.source.name}
        )
    transfer.product, transfer.lot, transfer.quantity = product, lot, quantity
    transfer.save()
    return Outcome(transfer, _("%(qty)s × %(sku)s") % {"qty": qty(quantity), "sku": product.sku})


def _lot(transfer: Transfer, product: Product, scan: Scan) -> Lot | None:
    if product.tracking == Product.Tracking.NONE:
        return None
    name = scan.serial if product.tracking == Product.Tracking.SERIAL else scan.lot
    if name:
        lot = Lot.objects.filter(product=product, name=name).first()
        if lot is None:
            raise ScanRejected(_("Lot %(lot)s of %(sku)s is not in stock here") % {"lot": name, "sku": product.sku})
        return lot
    if transfer.lot_id:
        return transfer.lot
    # No lot on the label: fine when the bin holds a single lot of it.
    lots = list(
        Quant.objects.filter(location=transfer.source, product=product, quantity__gt=0, package=None)
        .values_list("lot", flat=True)
        .distinct()[:2]
    )
    if len(lots) == 1 and lots[0] is not None:
        return Lot.objects.get(pk=lots[0])
    what = _("serial number") if product.tracking == Product.Tracking.SERIAL else _("lot")
    raise ScanRejected(_("Scan the %(what)s label of %(sku)s") % {"what": what, "sku": product.sku})


def _put(transfer: Transfer, scan: Scan, *, key: str, device: str) -> Outcome:
    destination = _location(scan, transfer, expected=_("the bin it goes to"))
    if destination.pk == transfer.source_id:
        raise ScanRejected(_("That is the bin it comes from — scan another bin"))
    move = Move(
        product=transfer.product,
        lot=transfer.lot,
        quantity=transfer.quantity,
        from_location=transfer.source,
        to_location=destination,
        actor_id=transfer.actor_id,
        device=device[:64],
        reference=f"MOVE-{transfer.pk}",
    )
    [move] = ledger.post([move], key=f"move:{key}")
    outbox.enqueue(
        kind=Operation.Kind.INTERNAL,
        warehouse=transfer.warehouse,
        reference=f"FLOOR-MOVE-{move.pk}",
        payload={"lines": outbox.lines_of([move])},
        document=move.reference,
        actor=transfer.actor,
    )
    transfer.destination, transfer.move, transfer.state = destination, move, Transfer.State.DONE
    transfer.save()
    message = _("Moved %(qty)s × %(sku)s to %(bin)s") % {
        "qty": qty(transfer.quantity),
        "sku": transfer.product.sku,
        "bin": destination.name,
    }
    # The next scan starts a new transfer; it is saved when that scan comes.
    return Outcome(Transfer(actor_id=transfer.actor_id, warehouse_id=transfer.warehouse_id), message, "document")


@transaction.atomic
def set_quantity(*, actor, warehouse, quantity: Decimal, key: str) -> Outcome:
    transfer = open_transfer(actor=actor, warehouse=warehouse, lock=True)
    if not first_time(key=key, actor=actor, flow="move", raw=f"qty {quantity}"):
        return Outcome(transfer, _("Already counted — that scan was sent twice"), "warning")
    if transfer.product_id is None:
        raise ScanRejected(_("Scan the item first"))
    if quantity <= 0:
        raise ScanRejected(_("Quantity must be more than zero"))
    if transfer.product.tracking == Product.Tracking.SERIAL and quantity != 1:
        raise ScanRejected(_("One serial at a time — scan the bin it goes to"))
    on_hand = _on_hand(transfer, transfer.product, transfer.lot)
    if quantity > on_hand:
        raise ScanRejected(
            _("Only %(qty)s %(sku)s in %(bin)s")
            % {"qty": qty(on_hand), "sku": transfer.product.sku, "bin": transfer.source.name}
        )
    transfer.quantity = quantity
    transfer.save()
    return Outcome(transfer, _("%(qty)s × %(sku)s") % {"qty": qty(quantity), "sku": transfer.product.sku})


def cancel(*, transfer: Transfer) -> Outcome:
    if transfer.step == "source":
        return Outcome(transfer, _("Nothing to cancel"), "warning")
    transfer.source, transfer.product, transfer.lot, transfer.quantity = None, None, None, Decimal(0)
    transfer.save()
    return Outcome(transfer, _("Cancelled — nothing was moved"), "warning")


@transaction.atomic
def undo(*, actor, warehouse, key: str, device: str) -> Outcome:
    """Undo the last step: an item scan not yet moved, else the last move, by a reverse move."""
    transfer = open_transfer(actor=actor, warehouse=warehouse, lock=True)
    if transfer.product_id is not None:
        transfer.product, transfer.lot, transfer.quantity = None, None, Decimal(0)
        transfer.save()
        return Outcome(transfer, _("Undone — scan an item"), "warning")
    if transfer.source_id is not None:
        transfer.source = None
        transfer.save()
        return Outcome(transfer, _("Undone — scan the bin to take from"), "warning")
    done = last_done(actor=actor)
    if done is None:
        raise ScanRejected(_("Nothing to undo"))
    original = done.move
    reverse = Move(
        product=done.product,
        lot=done.lot,
        quantity=original.quantity,
        from_location=done.destination,
        to_location=done.source,
        actor=actor,
        device=device[:64],
        reference=original.reference,
        reverses=original,
    )
    [reverse] = ledger.post([reverse], key=f"undo:{original.key}")
    outbox.enqueue(
        kind=Operation.Kind.INTERNAL,
        warehouse=done.warehouse,
        reference=f"FLOOR-MOVE-{reverse.pk}",
        payload={"lines": outbox.lines_of([reverse])},
        document=reverse.reference,
        actor=actor,
    )
    done.state = Transfer.State.UNDONE
    done.save()
    return Outcome(
        transfer,
        _("Undone: %(qty)s × %(sku)s back to %(bin)s")
        % {"qty": qty(original.quantity), "sku": done.product.sku, "bin": done.source.name},
        "warning",
    )


def undo_preview(*, actor, transfer: Transfer) -> str:
    """What Undo would do, said before it does it."""
    if transfer.product_id is not None:
        return _("Undo: drop %(sku)s") % {"sku": transfer.product.sku}
    if transfer.source_id is not None:
        return _("Undo: choose another bin")
    done = last_done(actor=actor)
    if done is None:
        return ""
    return _("Undo: move %(qty)s × %(sku)s back to %(bin)s") % {
        "qty": qty(done.quantity),
        "sku": done.product.sku,
        "bin": done.source.name,
    }
