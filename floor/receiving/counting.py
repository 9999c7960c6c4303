"""Counting units in: the line they count against, what the waiting scan still lacks (its lot or
serial, a supervisor, where it goes), asked for in order, and the scan recorded when nothing is
missing. All of it runs under the receipt's lock."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from floor import events
from floor import sql as shared_sql
from floor.errors import ScanRejected
from floor.ledger.models import Quant
from floor.receiving import place, sql
from floor.receiving.models import Receipt, ReceiptLine, ReceiptScan, Receiving
from floor.receiving.place import Outcome, Waiting
from floor.scanning.measures import amount, unit_of, units_of
from floor.scanning.parser import Scan
from floor.warehouse.models import Location, Lot, Product
from floor.warehouse.quantities import qty


@dataclass
class LineRead:
    """What the read of an item's lines brought besides, under the receipt's lock, for `record`:
    one statement where three were. None of either when the lines were not read by this scan."""

    lot: Lot | None = None  # the item's lot of the name scanned, if there is one
    totals: dict | None = None  # the receipt's expected and received before this scan


def line_for(receipt: Receipt, product_id: int, lot_name: str | None) -> tuple[ReceiptLine | None, LineRead]:
    """The line the item counts against: the one expecting its lot, else one with no lot set,
    else any line of that item. Locked: two receivers tally one line in turn."""
    lines, lot, totals = sql.lines(receipt.pk, product_id, lot_name or None)
    read = LineRead(lot, totals)
    if not lines:
        return None, read
    if lot_name:
        for line in lines:
            if line.lot_id and line.lot.name == lot_name:
                return line, read
    return next((line for line in lines if line.lot_id is None), lines[0]), read


def take(
    session: Receiving,
    receipt: Receipt,
    product_id: int,
    quantity: Decimal,
    *,
    lot_name,
    serial,
    expiry,
    best_before=None,
    produced=None,
    label: Scan | None = None,
    device: str,
) -> Outcome:
    """Units of an item on their way in (scanned, or typed for the kept lot): what they still
    lack is asked for, else they are counted. `label`: the scan whose weight or measure, if it
    has one, is the quantity in the item's unit (scanning.measures)."""
    line, read = line_for(receipt, product_id, lot_name)
    product = line.product if line is not None else Product.objects.get(pk=product_id)
    if label is not None:
        quantity = units_of(label, product)
    if product.pk == session.kept_product_id:
        session.kept_product = product  # the screen names it: not read again
    session.forget_item()
    session.product, session.line, session.quantity, session.expiry = product, line, quantity, expiry
    session.best_before, session.produced = best_before, produced
    session.lot_name = (serial if product.tracking == Product.Tracking.SERIAL else lot_name) or ""
    if line is None:
        if not settings.RECEIVING_ALLOW_UNEXPECTED:
            raise ScanRejected(
                _("%(sku)s is not on %(ref)s — set it aside") % {"sku": product.sku, "ref": receipt.reference}
            )
        session.approval = _("%(sku)s is not on %(ref)s") % {"sku": product.sku, "ref": receipt.reference}
    elif product.tracking == Product.Tracking.SERIAL and quantity != 1:
        raise ScanRejected(_("One scan per serial-numbered unit — scan each unit's serial"))
    return next_step(session, receipt, device=device, read=read, line_fresh=True)


def next_step(
    session: Receiving, receipt: Receipt, *, device: str, read: LineRead | None = None, line_fresh: bool = False
) -> Outcome:
    """Ask for what the waiting scan still lacks, in order; record it when nothing is missing.
    Runs under the receipt's lock, with the line read afresh: another receiver may have
    tallied it while this scan waited for its lot, its place or a supervisor. `read`: what this
    scan's read of the lines brought, when it read them; `line_fresh`: the line is that read's."""
    product = session.product
    if session.line_id is not None and not line_fresh:
        session.line = ReceiptLine.objects.select_for_update().get(pk=session.line_id)
    if product.tracking != Product.Tracking.NONE and not session.lot_name:
        serial = product.tracking == Product.Tracking.SERIAL
        session.waiting = Waiting.SERIAL if serial else Waiting.LOT
        session.save()
        what = _("serial number") if serial else _("lot")
        return Outcome(session, _("Scan the %(what)s label of %(sku)s") % {"what": what, "sku": product.sku}, "warning")
    if session.quantity == 0:  # a lot given with no unit (Change lot): nothing to count
        return keep_lot(session)
    if product.tracking == Product.Tracking.SERIAL:
        _check_serial(receipt, product, session.lot_name)
    if session.approver_id is None:
        needs = session.approval or _over_tolerance(session.line, session.quantity, product)
        if needs:
            session.waiting, session.approval = Waiting.APPROVAL, needs
            session.save()
            return Outcome(session, _("%(why)s — a supervisor must approve") % {"why": needs}, "supervisor")
    if session.destination_id is None and session.package_id is None and not session.damage:
        session.waiting = Waiting.WHERE
        session.save()
        return Outcome(session, _("Scan where it goes — the input area or a pallet"), "warning")
    return _record(session, receipt, device=device, read=read or LineRead())


def keep_lot(session: Receiving) -> Outcome:
    """The lot given after Change lot (or on a lot label alone): kept for the item's next units."""
    product, name = session.product, session.lot_name
    dates = (session.expiry, session.best_before, session.produced)
    known = Lot.objects.filter(product=product, name=name).values_list("expiry_date", "best_before", "produced")
    known = known.first() or (None, None, None)
    # What the label said, else what Floor knows of the lot.
    expiry, best_before, produced = (said or had for said, had in zip(dates, known, strict=True))
    session.kept_product, session.kept_lot, session.kept_expiry = product, name, expiry
    session.kept_best_before, session.kept_produced = best_before, produced
    session.forget_item()
    session.save()
    return Outcome(session, _("Next %(sku)s get lot %(lot)s") % {"sku": product.sku, "lot": name})


def _over_tolerance(line: ReceiptLine | None, quantity: Decimal, product: Product) -> str:
    if line is None:
        return ""
    allowed = line.expected * (1 + Decimal(str(settings.RECEIVING_OVER_TOLERANCE)))
    after = line.received + quantity
    if after <= allowed:
        return ""
    return _("%(after)s of %(expected)s %(sku)s is over the limit") % {
        "after": qty(after),
        "expected": qty(line.expected),
        "sku": product.sku,
    }


def _check_serial(receipt: Receipt, product: Product, serial: str) -> None:
    in_receipt = (
        ReceiptScan.objects.filter(receipt=receipt, product=product, lot__name=serial, reverses=None)
        .exclude(reversal__isnull=False)
        .exists()
    )
    in_stock = Quant.objects.filter(product=product, lot__name=serial, quantity__gt=0).exclude(
        location__kind__in=Location.VIRTUAL_KINDS
    )
    if in_receipt or in_stock.exists():
        raise ScanRejected(
            _("Serial %(serial)s of %(sku)s is already received") % {"serial": serial, "sku": product.sku}
        )


def _record(session: Receiving, receipt: Receipt, *, device: str, read: LineRead) -> Outcome:
    product, quantity = session.product, session.quantity
    line = session.line
    if line is None:  # not on the receipt, and a supervisor let it in
        line = ReceiptLine.objects.create(receipt=receipt, product=product, expected=Decimal(0))
    lot = None
    if product.tracking != Product.Tracking.NONE:
        lot, created = read.lot, False
        dates = {"expiry_date": session.expiry, "best_before": session.best_before, "produced": session.produced}
        if lot is None or lot.product_id != product.pk or lot.name != session.lot_name:
            lot, created = Lot.objects.get_or_create(product=product, name=session.lot_name, defaults=dates)
        # A date the lot has not yet, from this label: filled in; one it has stays as it was.
        filled = [name for name, value in dates.items() if value and getattr(lot, name) is None]
        if not created and filled:
            for name in filled:
                setattr(lot, name, dates[name])
            lot.save(update_fields=filled)
    destination, package = session.destination, session.package
    if session.damage:
        destination, package = place.quarantine(session), None
    recorded = ReceiptScan(
        receipt=receipt,
        line=line,
        product=product,
        lot=lot,
        quantity=quantity,
        destination=destination,
        package=package,
        damage=session.damage,
        actor_id=session.actor_id,
        device=device[:64],
        approved_by=session.approver,
        approval=session.approval if session.approver_id else "",
    )
    # The two writes of every counted scan, the record and the line's tally, as one prepared
    # statement (see sql.py).
    shared_sql.insert(recorded, along=sql.tally(line.pk, quantity))
    line.received += quantity
    if receipt.state == Receipt.State.OPEN:
        receipt.state = Receipt.State.RECEIVING
        receipt.save(update_fields=["state"])
    damaged = session.damage
    if product.tracking == Product.Tracking.LOT:  # its next units get this lot, until another is given
        session.kept_product, session.kept_lot, session.kept_expiry = product, lot.name, lot.expiry_date
        session.kept_best_before, session.kept_produced = lot.best_before, lot.produced
    session.forget_item()
    session.next_quantity, session.damage = None, ""
    place.save(session)
    events.changed("receipt", receipt.pk, by=session.actor_id)
    # The totals read with the line, under the receipt's lock, plus this scan: no sum asked again.
    totals = read.totals
    if totals is not None:
        totals = {"expected": totals["expected"], "received": totals["received"] + quantity}
    where = destination.name if package is None else package.barcode
    # A weighed or measured item's amounts come with its unit, as its label says them ("1.250 kg").
    counted = {"qty": amount(quantity, product), "sku": product.sku}
    counted.update(got=amount(line.received, product), of=amount(line.expected, product))
    if damaged:
        return Outcome(
            session, _("Damaged: %(qty)s × %(sku)s to quarantine") % counted, "warning", line, recorded, totals
        )
    sound = "line" if line.received == line.expected else "ok"
    if unit_of(product) is not None:
        message = _("%(qty)s of %(sku)s — %(got)s of %(of)s") % counted
    else:
        message = _("%(qty)s × %(sku)s — %(got)s of %(of)s") % counted
    return Outcome(session, f"{message} · {where}", sound, line, recorded, totals)
