"""The scans of a stop: bind a tote to each order of the task, then the bin, the item (and its lot
or serial label), the quantity, the tote; each put posts one move bin → tote through the ledger."""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from floor.errors import ScanRejected
from floor.ledger import services as ledger
from floor.ledger.keys import scan_key
from floor.ledger.models import Move, Quant
from floor.picking import sql
from floor.picking.models import Pick, PickerPlace, PickRecord, PickTask, TaskTote
from floor.picking.place import (
    Outcome,
    Waiting,
    _begin,
    _check_lot,
    _check_quantity,
    _forget_step,
    _hold,
    _said,
    _save,
    _task_held,
    binding_of,
)
from floor.picking.problems import _short, _skip
from floor.picking.task import _advance, _resume, get_work
from floor.picking.undo import _cancel, _undo
from floor.scanning.measures import units_of
from floor.scanning.parser import Command, Kind, Scan, readable
from floor.warehouse.models import Lot, Product, Tote
from floor.warehouse.quantities import qty


@transaction.atomic
def handle_scan(*, actor, warehouse, scan: Scan, key: str, device: str = "") -> Outcome:
    picking, replayed = _begin(actor=actor, warehouse=warehouse, key=key, raw=scan.raw)
    if replayed:
        return replayed
    if picking.task_id is None:
        if scan.kind == Kind.COMMAND and scan.command == Command.DONE:
            return get_work(actor=actor, warehouse=warehouse)
        raise ScanRejected(_("Get work first — tap Get work or scan DONE (scanned %(code)s)") % _said(picking, scan))
    task, lost = _hold(picking)
    if lost:
        return lost
    if scan.kind == Kind.COMMAND:
        return _command(picking, task, scan, device=device)
    if picking.waiting == Waiting.TOTE:
        return _bind(picking, task, scan)
    if picking.waiting == Waiting.BIN:
        return _bin(picking, scan)
    if picking.waiting == Waiting.ITEM:
        if picking.quantity is not None:
            return _label(picking, scan)
        return _item(picking, scan)
    if picking.waiting in (Waiting.PUT, Waiting.SHORT):
        return _put(picking, task, scan, key=key, device=device)
    return _resume(picking, task, message=task.reference)


def _command(picking: PickerPlace, task: PickTask, scan: Scan, *, device: str) -> Outcome:
    if scan.command == Command.UNDO:
        return _undo(picking, task, device=device)
    if scan.command == Command.SKIP:
        return _skip(picking, task)
    if scan.command == Command.CANCEL:
        return _cancel(picking)
    if scan.command == Command.PROBLEM:
        if picking.pick_id is None:
            raise ScanRejected(_("Bind the totes first"))
        return Outcome(picking, _("What is wrong at %(bin)s?") % {"bin": picking.pick.location.name}, "warning", True)
    if scan.command == Command.QTY and picking.waiting == Waiting.PUT:
        return Outcome(picking, _("Type the quantity, then scan the tote"), "warning")
    if scan.command == Command.DONE:
        left = Pick.objects.filter(task=task, state=Pick.State.OPEN).count()
        raise ScanRejected(
            ngettext(
                "%(n)s stop left — pick it, Skip or report a Problem",
                "%(n)s stops left — pick them, Skip or report a Problem",
                left,
            )
            % {"n": left}
        )
    raise ScanRejected(_("%(command)s does nothing here") % {"command": scan.command})


def _bind(picking: PickerPlace, task: PickTask, scan: Scan) -> Outcome:
    binding = TaskTote.objects.select_related("order").filter(task=task, tote=None).order_by("position", "pk").first()
    if binding is None:  # bound meanwhile (another request of the same person)
        return _resume(picking, task, message="")
    order = binding.order.reference
    if scan.kind != Kind.TOTE:
        raise ScanRejected(_("Scan a tote for %(order)s (scanned %(code)s)") % {"order": order, **_said(picking, scan)})
    tote = scan.code
    if not Tote.objects.filter(pk=scan.tote_id, warehouse=task.warehouse_id).exists():
        raise ScanRejected(_("Tote %(tote)s is of another warehouse — take another") % {"tote": tote})
    other = TaskTote.objects.filter(tote_id=scan.tote_id, freed_at=None).select_related("order").first()
    if other is not None:
        raise ScanRejected(
            _("Tote %(tote)s already carries %(order)s — take another") % {"tote": tote, "order": other.order.reference}
        )
    if Quant.objects.filter(location_id=scan.location_id, quantity__gt=0).exists():
        raise ScanRejected(_("Tote %(tote)s is not empty — take another") % {"tote": tote})
    binding.tote_id, binding.bound_at = scan.tote_id, timezone.now()
    try:
        with transaction.atomic():
            binding.save(update_fields=["tote", "bound_at"])
    except IntegrityError:  # another picker bound it a moment ago
        raise ScanRejected(_("Tote %(tote)s was just taken — take another") % {"tote": tote}) from None
    return _resume(picking, task, message=_("Tote %(tote)s for %(order)s") % {"tote": tote, "order": order})


def _bin(picking: PickerPlace, scan: Scan) -> Outcome:
    pick = picking.pick
    if scan.kind == Kind.LOCATION and scan.location_id == pick.location_id:
        picking.waiting = Waiting.ITEM
        _save(picking)
        return Outcome(picking, _("Bin %(bin)s") % {"bin": pick.location.name})
    if scan.kind == Kind.LOCATION:
        raise ScanRejected(
            _("Wrong bin — expected %(bin)s (scanned %(code)s)") % {"bin": pick.location.name, **_said(picking, scan)},
            sound="wrong_bin",
        )
    raise ScanRejected(
        _("Scan the bin first — expected %(bin)s (scanned %(code)s)")
        % {"bin": pick.location.name, **_said(picking, scan)}
    )


def _item(picking: PickerPlace, scan: Scan) -> Outcome:
    pick = picking.pick
    product = pick.product
    if scan.kind == Kind.LOCATION:
        if scan.location_id == pick.location_id:
            return Outcome(picking, _("Bin %(bin)s") % {"bin": pick.location.name})
        raise ScanRejected(
            _("Wrong bin — expected %(bin)s (scanned %(code)s)") % {"bin": pick.location.name, **_said(picking, scan)},
            sound="wrong_bin",
        )
    if scan.kind not in (Kind.PRODUCT, Kind.GS1):
        raise ScanRejected(
            _("Scan the item — expected %(sku)s (scanned %(code)s)") % {"sku": product.sku, **_said(picking, scan)}
        )
    if scan.product_id != pick.product_id:
        raise ScanRejected(
            _("Wrong item — expected %(sku)s (scanned %(code)s)") % {"sku": product.sku, **_said(picking, scan)},
            sound="wrong_item",
        )
    remaining = pick.quantity - pick.picked
    serial = product.tracking == Product.Tracking.SERIAL
    if serial and scan.quantity != 1:
        raise ScanRejected(_("One scan per serial-numbered unit — scan each unit's serial"))
    if serial:
        quantity = Decimal(1)
    elif scan.measure is not None:  # a weight or measure label: what it weighs, in the item's unit
        quantity = units_of(scan, product)
    else:  # what is still to pick, unless the label says how many it holds (a GS1 count, a case code)
        quantity = scan.quantity if scan.quantity != 1 else remaining
    _check_quantity(pick, quantity)
    if product.tracking == Product.Tracking.NONE:
        return _ready(picking, quantity, None)
    name = scan.serial if serial else scan.lot
    if not name:
        picking.quantity = quantity
        _save(picking)
        what = _("serial number") if serial else _("lot")
        return Outcome(picking, _("Scan the %(what)s label of %(sku)s") % {"what": what, "sku": product.sku}, "warning")
    return _ready(picking, quantity, _check_lot(pick, name, quantity))


def _label(picking: PickerPlace, scan: Scan) -> Outcome:
    """The lot or serial of the item scanned, from a label of its own (or its full GS1 label)."""
    pick = picking.pick
    serial = pick.product.tracking == Product.Tracking.SERIAL
    name = scan.serial if serial else scan.lot
    if scan.kind != Kind.GS1 or scan.product_id not in (None, pick.product_id) or not name:
        what = _("serial number") if serial else _("lot")
        raise ScanRejected(
            _("Scan the %(what)s label of %(sku)s (scanned %(code)s)")
            % {"what": what, "sku": pick.product.sku, **_said(picking, scan)}
        )
    return _ready(picking, picking.quantity, _check_lot(pick, name, picking.quantity))


def as_label(*, actor, raw: str) -> Scan | None:
    """A code Floor does not know, read as the lot or serial the person's scan waits for: lots
    are printed as plain barcodes too. None when nothing waits for one."""
    code = raw.strip()
    row = (
        PickerPlace.objects.filter(actor=actor, waiting=Waiting.ITEM, quantity__isnull=False)
        .values_list("pick__product__tracking", flat=True)
        .first()
    )
    if row is None or not code or len(code) > 64 or not code.isprintable():
        return None
    label = {"serial": code} if row == Product.Tracking.SERIAL else {"lot": code}
    return Scan(raw=raw, code=code, kind=Kind.GS1, **label)


def _ready(picking: PickerPlace, quantity: Decimal, lot: Lot | None) -> Outcome:
    picking.waiting, picking.quantity, picking.lot = Waiting.PUT, quantity, lot
    _save(picking)
    pick = picking.pick
    what = {"qty": qty(quantity), "sku": pick.product.sku}
    if lot is not None and lot.pk != pick.lot_id:
        return Outcome(
            picking, _("%(qty)s × %(sku)s of lot %(lot)s — not the one suggested") % {**what, "lot": lot.name}
        )
    return Outcome(picking, _("%(qty)s × %(sku)s") % what)


@transaction.atomic
def set_quantity(*, actor, warehouse, quantity: Decimal, key: str) -> Outcome:
    """Put fewer (or, from a case label, other) than the quantity offered."""
    picking, replayed = _begin(actor=actor, warehouse=warehouse, key=key, raw=f"qty {quantity}")
    if replayed:
        return replayed
    task, lost = _task_held(picking)
    if lost:
        return lost
    if picking.waiting != Waiting.PUT:
        raise ScanRejected(_("Scan the item first"))
    if picking.pick.product.tracking == Product.Tracking.SERIAL and quantity != 1:
        raise ScanRejected(_("One serial at a time — scan the tote"))
    _check_quantity(picking.pick, quantity)
    if picking.lot_id and picking.lot_id != picking.pick.lot_id:
        _check_lot(picking.pick, picking.lot.name, quantity)
    picking.quantity = quantity
    _save(picking)
    return Outcome(picking, _("%(qty)s × %(sku)s") % {"qty": qty(quantity), "sku": picking.pick.product.sku})


def _put(picking: PickerPlace, task: PickTask, scan: Scan, *, key: str, device: str) -> Outcome:
    binding = binding_of(task, picking.pick)
    said = {"tote": binding.tote.barcode, "order": binding.order.reference}
    if scan.kind != Kind.TOTE:
        raise ScanRejected(_("Scan tote %(tote)s for %(order)s (scanned %(code)s)") % {**said, **_said(picking, scan)})
    if scan.tote_id != binding.tote_id:  # a tote's code is its name
        raise ScanRejected(
            _("Wrong tote — expected %(tote)s for %(order)s (scanned %(code)s)")
            % {**said, "code": readable(scan.code)},
            sound="wrong_tote",
        )
    return _record(picking, task, binding, key=key, device=device)


def _record(picking: PickerPlace, task: PickTask, binding: TaskTote, *, key: str, device: str) -> Outcome:
    # The stop's row locked and its counts read again; its item, bin and lot never change.
    pick = picking.pick
    sql.lock_stop(pick)
    quantity, lot = picking.quantity, picking.lot
    _check_quantity(pick, quantity)
    if lot is not None and lot.pk != pick.lot_id:  # still free now, not only when it was scanned
        _check_lot(pick, lot.name, quantity)
    moves = ledger.post(
        [
            Move(
                product_id=pick.product_id,
                lot=lot,
                quantity=quantity,
                from_location_id=pick.location_id,
                to_location_id=binding.tote.location_id,
                actor_id=picking.actor_id,
                device=device[:64],
                reference=binding.order.reference[:64],
            )
        ],
        key=scan_key("pick", key),
    )
    pick.picked += quantity
    if pick.picked == pick.quantity:
        pick.state = Pick.State.PICKED
    sql.put_in_tote(pick=pick, quantity=quantity)
    record = PickRecord(
        pick=pick,
        tote_id=binding.tote_id,
        lot=lot,
        quantity=quantity,
        key=moves[0].key,
        actor_id=picking.actor_id,
        device=device[:64],
    )
    sql.add_record(record)
    picking.last_put_id = record.pk
    put = _("%(qty)s × %(sku)s in %(tote)s") % {
        "qty": qty(quantity),
        "sku": pick.product.sku,
        "tote": binding.tote.barcode,
    }
    # What the screen shows next is known here: no need to read it again.
    stops = picking.task_progress
    if stops is not PickerPlace.NOT_READ and pick.state == Pick.State.PICKED:
        picking.task_progress = (stops[0], stops[1] + 1)
    picking.last_put_seen = (quantity, pick.product.sku, binding.tote.barcode, pick.state)
    if picking.waiting == Waiting.SHORT:
        return _short(picking, task, pick, pick.short_reason, said=put, device=device)
    _forget_step(picking)
    if pick.state == Pick.State.OPEN:  # more of it to come from this bin
        picking.pick, picking.waiting = pick, Waiting.ITEM
        _save(picking)
        return Outcome(picking, put)
    return _advance(picking, task, pick, at_bin=True, message=put, sound="line", device=device)
