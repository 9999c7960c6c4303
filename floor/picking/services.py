"""Picking on the handheld: get work (a pick task leased to the picker), bind a tote to each of
its orders, then walk the stops: scan the bin, the item (and its lot), put it in the order's tote.

Each put posts one move bin → tote through the ledger (totes are locations). The picker's place
is a `Picking` row, locked first by every request of theirs; then the task (whose lease every
request checks and renews), then the pick, then the quants (in the ledger). A task is leased to
one picker at a time, so two pickers never pick the same line; a lease that lapses hands the task
to the next "Get work", and what was picked stays picked.

Waiting states (Picking.waiting) and what the next scan must be:
- TOTE: a tote for the first order of the task without one;
- BIN: the stop's bin;
- ITEM: the stop's item; with `quantity` already set, the item was scanned and its lot (or
  serial) label is still wanted;
- PUT: the order's tote, for `quantity` of the item (of `lot`);
- SHORT: the order's tote, for the `quantity` found at a short stop; the rest is then short.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from floor import events
from floor.counting.models import CountTask
from floor.errors import ScanRejected
from floor.ledger import services as ledger
from floor.ledger.keys import scan_key
from floor.ledger.models import Move, Quant
from floor.picking import allocation, delivery, sql
from floor.picking.models import Order, OrderLine, Pick, Picking, PickRecord, PickTask, TaskTote, Wave
from floor.picking.path import walk_order
from floor.scanning.parser import Command, Kind, Scan, readable
from floor.scanning.replay import first_time
from floor.scanning.selectors import scanned_name
from floor.warehouse.models import Lot, Product, Tote
from floor.warehouse.quantities import qty

FLOW = "pick"
Waiting = Picking.Waiting
ShortReason = Pick.ShortReason
ZERO = Decimal(0)


@dataclass
class Outcome:
    picking: Picking
    message: str = ""
    sound: str = "ok"  # ok | line | document | warning | error
    problem: bool = False  # open the short-pick panel


# --- The person's place in the work


def picking_for(*, actor, warehouse, lock: bool = False) -> Picking:
    """The person's place (their row locked with `lock`), with what the screen shows read with it."""
    picking = sql.place(actor_id=actor.pk, lock=lock)
    if picking is None:
        Picking.objects.bulk_create([Picking(actor=actor, warehouse=warehouse)], ignore_conflicts=True)
        picking = sql.place(actor_id=actor.pk, lock=lock)
    if picking.warehouse_id != warehouse.pk:  # moved to another warehouse: start afresh there
        picking.warehouse = warehouse
        _clear(picking)
        picking.save()
    picking.actor = actor
    return picking


def _clear(picking: Picking) -> None:
    picking.task, picking.pick, picking.waiting, picking.lot, picking.quantity = None, None, "", None, None
    picking.last_put = None
    _stale(picking)


def _save(picking: Picking) -> None:
    sql.save_place(picking)


def _stale(picking: Picking) -> None:
    """Stops or puts changed: the screen reads how far the task is and the last put again."""
    picking.__dict__.pop("_stops", None)
    picking.__dict__.pop("_last_put", None)


def _forget_step(picking: Picking) -> None:
    picking.lot, picking.quantity = None, None


def _replayed(picking: Picking) -> Outcome:
    return Outcome(picking, _("Already counted — that scan was sent twice"), "warning")


def _lease_end():
    return timezone.now() + timedelta(seconds=settings.PICK_LEASE_SECONDS)


def _hold(picking: Picking) -> PickTask | Outcome:
    """The person's task, its lease renewed (the UPDATE locks its row until the transaction ends);
    or, when it is no longer theirs (the lease lapsed and someone else took it, a supervisor
    handed it over, it was cancelled), the outcome that says so. Nothing else is recorded then."""
    until = _lease_end()
    if sql.renew_lease(task_id=picking.task_id, picker_id=picking.actor_id, until=until):
        task = picking.task  # read with the person's place; what the UPDATE checked is set here
        task.picker_id, task.state, task.lease_until = picking.actor_id, PickTask.State.ACTIVE, until
        return task
    task = PickTask.objects.select_related("picker").get(pk=picking.task_id)
    message = lost_message(task)
    _clear(picking)
    _save(picking)
    return Outcome(picking, message, "error")


def lost_message(task: PickTask) -> str:
    if task.state == PickTask.State.ACTIVE and task.picker_id:
        who = task.picker.get_full_name() or task.picker.get_username()
        return _("%(task)s was handed to %(name)s — get work again") % {"task": task.reference, "name": who}
    if task.state == PickTask.State.DONE:
        return _("%(task)s is done — get work again") % {"task": task.reference}
    if task.state == PickTask.State.CANCELLED:
        return _("%(task)s was cancelled — get work again") % {"task": task.reference}
    return _("%(task)s was taken off you — get work again") % {"task": task.reference}


def _started(*, actor, warehouse, key: str, raw: str) -> tuple[Picking, PickTask | None, Outcome | None]:
    """What every action on a task starts with: the person's place locked, the key recorded, the
    task held. Returns (picking, task, outcome): an outcome means stop and show it."""
    picking = picking_for(actor=actor, warehouse=warehouse, lock=True)
    if not first_time(key=key, actor=actor, flow=FLOW, raw=raw[:200]):
        return picking, None, _replayed(picking)
    if picking.task_id is None:
        raise ScanRejected(_("Get work first"))
    held = _hold(picking)
    if isinstance(held, Outcome):
        return picking, None, held
    return picking, held, None


# --- Get work, leave


def _available(warehouse, now):
    """Tasks "Get work" may hand out: waiting for a picker, or leased and left idle too long."""
    return PickTask.objects.filter(warehouse=warehouse, wave__state=Wave.State.RELEASED).filter(
        Q(state=PickTask.State.OPEN) | Q(state=PickTask.State.ACTIVE, lease_until__lt=now)
    )


def tasks_waiting(warehouse) -> int:
    return _available(warehouse, timezone.now()).count()


@transaction.atomic
def get_work(*, actor, warehouse) -> Outcome:
    """The person's own task if they hold one; else the most urgent task nobody holds (an idle
    lease counts as nobody). Rows another picker is taking right now are skipped, not waited
    for, so two pickers asking at once get two tasks."""
    picking = picking_for(actor=actor, warehouse=warehouse, lock=True)
    now = timezone.now()
    if picking.task_id is not None:
        held = _hold(picking)
        if isinstance(held, PickTask):
            return _resume(picking, held, message=_("Back to %(task)s") % {"task": held.reference})
    task = (
        PickTask.objects.select_for_update()
        .filter(warehouse=warehouse, state=PickTask.State.ACTIVE, picker=actor)
        .order_by("sequence", "pk")
        .first()
    )
    if task is None:
        task = (
            _available(warehouse, now)
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("sequence", "pk")
            .first()
        )
    if task is None:
        _clear(picking)
        _save(picking)
        return Outcome(picking, _("No work waiting — ask a supervisor"), "warning")
    task.picker, task.state, task.lease_until = actor, PickTask.State.ACTIVE, _lease_end()
    task.started_at = task.started_at or now
    task.save(update_fields=["picker", "state", "lease_until", "started_at"])
    if picking.task_id != task.pk:
        # Someone else's task until now (a lapsed lease, a supervisor's hand-over): the empty
        # totes on their cart stay with them, the new picker binds their own.
        _unbind_empty_totes(task)
    events.changed("wave", task.wave_id, by=actor.pk)
    picking.task = task
    _find_last_put(picking)  # the task may be one they held before: what they put then counts
    return _resume(picking, task, message=task.reference)


def _unbind_empty_totes(task: PickTask) -> None:
    """Totes that hold nothing yet are let go: the next picker of the task binds their own. A tote
    with goods in it stays bound: its order's goods are there."""
    TaskTote.objects.filter(_tote_empty(), task=task, tote__isnull=False, freed_at=None).update(
        tote=None, bound_at=None
    )


def _tote_empty():
    """A binding's tote holds nothing: asked of that tote's quants (an index probe), not by
    listing every location of the warehouse that holds stock."""
    return ~Exists(Quant.objects.filter(location_id=OuterRef("tote__location_id"), quantity__gt=0))


def _resume(picking: Picking, task: PickTask, *, message: str) -> Outcome:
    _forget_step(picking)
    _stale(picking)
    if TaskTote.objects.filter(task=task, tote=None).exists():
        picking.pick, picking.waiting = None, Waiting.TOTE
        _save(picking)
        return Outcome(picking, message)
    pick = _next_pick(task)
    if pick is None:
        return _finish(picking, task, device="")
    picking.pick, picking.waiting = pick, Waiting.BIN
    _save(picking)
    return Outcome(picking, message)


@transaction.atomic
def leave(*, actor, warehouse, key: str = "") -> Outcome:
    """Back to "Get work"; the task goes back to the queue for anyone, with what was picked."""
    picking = picking_for(actor=actor, warehouse=warehouse)
    if picking.task_id is None:  # nothing to leave: the screen is already "Get work"
        return Outcome(picking)
    picking, task, outcome = _started(actor=actor, warehouse=warehouse, key=key, raw="leave")
    if outcome is not None:
        return outcome
    if picking.waiting == Waiting.SHORT:  # the short was not confirmed: the stop stays as it was
        Pick.objects.filter(pk=picking.pick_id).update(short_reason="")
    _release(task)
    _clear(picking)
    _save(picking)
    events.changed("wave", task.wave_id, by=actor.pk)
    return Outcome(picking, _("Left %(task)s — what you picked stays picked") % {"task": task.reference}, "warning")


def _release(task: PickTask) -> None:
    task.state, task.picker, task.lease_until = PickTask.State.OPEN, None, None
    task.save(update_fields=["state", "picker", "lease_until"])
    _unbind_empty_totes(task)


# --- Scans


@transaction.atomic
def handle_scan(*, actor, warehouse, scan: Scan, key: str, device: str = "") -> Outcome:
    picking = picking_for(actor=actor, warehouse=warehouse, lock=True)
    if not first_time(key=key, actor=actor, flow=FLOW, raw=scan.raw):
        return _replayed(picking)
    if picking.task_id is None:
        if scan.kind == Kind.COMMAND and scan.command == Command.DONE:
            return get_work(actor=actor, warehouse=warehouse)
        raise ScanRejected(_("Get work first — tap Get work or scan DONE (scanned %(code)s)") % _said(picking, scan))
    task = _hold(picking)
    if isinstance(task, Outcome):
        return task
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


def _said(picking: Picking, scan: Scan) -> dict:
    """What a rejection says was scanned: the item's SKU, the bin's name… (asked only then)."""
    return {"code": scanned_name(scan=scan, warehouse_id=picking.warehouse_id)}


def _command(picking: Picking, task: PickTask, scan: Scan, *, device: str) -> Outcome:
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


# --- Totes


def _bind(picking: Picking, task: PickTask, scan: Scan) -> Outcome:
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


# --- Stops


def _next_pick(task: PickTask) -> Pick | None:
    return sql.next_stop(task_id=task.pk)


def _bin(picking: Picking, scan: Scan) -> Outcome:
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


def _item(picking: Picking, scan: Scan) -> Outcome:
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
    # What is still to pick, unless the label says how many it holds (a GS1 count, a case code).
    quantity = Decimal(1) if serial else (scan.quantity if scan.quantity != 1 else remaining)
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


def _check_quantity(pick: Pick, quantity: Decimal) -> None:
    remaining = pick.quantity - pick.picked
    if quantity <= 0:
        raise ScanRejected(_("Quantity must be more than zero"))
    if quantity > remaining:
        raise ScanRejected(_("Only %(n)s to pick") % {"n": qty(remaining)})


def _label(picking: Picking, scan: Scan) -> Outcome:
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
        Picking.objects.filter(actor=actor, waiting=Waiting.ITEM, quantity__isnull=False)
        .values_list("pick__product__tracking", flat=True)
        .first()
    )
    if row is None or not code or len(code) > 64 or not code.isprintable():
        return None
    label = {"serial": code} if row == Product.Tracking.SERIAL else {"lot": code}
    return Scan(raw=raw, code=code, kind=Kind.GS1, **label)


def _check_lot(pick: Pick, name: str, quantity: Decimal) -> Lot:
    """The lot picked: the one suggested, or another in that bin with that much not promised to
    another pick."""
    wanted = {"lot": name, "bin": pick.location.name, "suggested": pick.lot.name if pick.lot_id else "—"}
    if pick.lot_id and pick.lot.name == name:
        return pick.lot
    lot = Lot.objects.filter(product_id=pick.product_id, name=name).first()
    free = allocation.free_stock(location=pick.location, product=pick.product, lot=lot) if lot else ZERO
    if free <= 0:
        raise ScanRejected(_("Lot %(lot)s is not free in %(bin)s — pick lot %(suggested)s") % wanted)
    if free < quantity:
        raise ScanRejected(
            _("Only %(n)s of lot %(lot)s free in %(bin)s — pick lot %(suggested)s") % {"n": qty(free), **wanted}
        )
    return lot


def _ready(picking: Picking, quantity: Decimal, lot: Lot | None) -> Outcome:
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
    picking, task, outcome = _started(actor=actor, warehouse=warehouse, key=key, raw=f"qty {quantity}")
    if outcome is not None:
        return outcome
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


# --- Into the tote


def binding_of(task: PickTask, pick: Pick) -> TaskTote:
    """The tote (and order) a pick goes into: read with the stop (sql), or asked for."""
    binding = getattr(pick, "_binding", None)
    if binding is None or binding.task_id != task.pk:
        binding = TaskTote.objects.select_related("tote", "order").get(task=task, order__lines=pick.order_line_id)
        pick._binding = binding
    return binding


def _put(picking: Picking, task: PickTask, scan: Scan, *, key: str, device: str) -> Outcome:
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


def _record(picking: Picking, task: PickTask, binding: TaskTote, *, key: str, device: str) -> Outcome:
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
    events.changed("wave", task.wave_id, by=picking.actor_id)
    put = _("%(qty)s × %(sku)s in %(tote)s") % {
        "qty": qty(quantity),
        "sku": pick.product.sku,
        "tote": binding.tote.barcode,
    }
    # What the screen shows next is known here: no need to read it again.
    stops = picking.__dict__.get("_stops")
    if stops is not None and pick.state == Pick.State.PICKED:
        picking._stops = (stops[0], stops[1] + 1)
    picking._last_put = (quantity, pick.product.sku, binding.tote.barcode, pick.state)
    if picking.waiting == Waiting.SHORT:
        return _short(picking, task, pick, pick.short_reason, said=put, device=device)
    _forget_step(picking)
    if pick.state == Pick.State.OPEN:  # more of it to come from this bin
        picking.pick, picking.waiting = pick, Waiting.ITEM
        _save(picking)
        return Outcome(picking, put)
    return _advance(picking, task, pick, at_bin=True, message=put, sound="line", device=device)


def _advance(
    picking: Picking,
    task: PickTask,
    done: Pick,
    *,
    at_bin: bool,
    message: str,
    sound: str,
    device: str = "",
    following: Pick | None = None,
) -> Outcome:
    """On to the next stop (`following`, when already read); a stop in the bin the picker stands
    at does not ask for the bin again."""
    _forget_step(picking)
    pick = following or _next_pick(task)
    if pick is None:
        return _finish(picking, task, device=device, said=message)
    same_bin = at_bin and pick.location_id == done.location_id
    picking.pick, picking.waiting = pick, Waiting.ITEM if same_bin else Waiting.BIN
    _save(picking)
    return Outcome(picking, message, sound)


# --- Skip, short, undo, cancel


def _skip(picking: Picking, task: PickTask) -> Outcome:
    pick = picking.pick
    if pick is None:
        raise ScanRejected(_("Bind the totes first"))
    # Sent to the end, the first open stop other than this one is the next.
    following = sql.next_stop(task_id=task.pk, other_than=pick.pk)
    if following is None:
        raise ScanRejected(_("This is the last stop — pick it, or report a Problem"), sound="warning")
    sql.send_to_end(pick_id=pick.pk, task_id=task.pk)
    said = _("Skipped %(bin)s — it comes back at the end") % {"bin": pick.location.name}
    return _advance(picking, task, pick, at_bin=False, message=said, sound="warning", following=following)


@transaction.atomic
def skip(*, actor, warehouse, key: str) -> Outcome:
    picking, task, outcome = _started(actor=actor, warehouse=warehouse, key=key, raw="skip")
    return outcome or _skip(picking, task)


@transaction.atomic
def short(*, actor, warehouse, reason: str, found: Decimal, key: str, device: str = "") -> Outcome:
    """Less in the bin than the stop wants: `found` of it still goes in the tote (a scan of the
    tote asks for it), the rest is short."""
    picking, task, outcome = _started(actor=actor, warehouse=warehouse, key=key, raw=f"short {reason} {found}")
    if outcome is not None:
        return outcome
    if picking.pick_id is None:
        raise ScanRejected(_("Bind the totes first"))
    if reason not in ShortReason.values:
        raise ScanRejected(_("Choose what is wrong"))
    pick = (
        Pick.objects.select_for_update(of=("self",))
        .select_related("product", "location", "lot")
        .get(pk=picking.pick_id)
    )
    remaining = pick.quantity - pick.picked
    if found >= remaining:
        raise ScanRejected(_("Only %(n)s to pick — found all of it? Scan the item") % {"n": qty(remaining)})
    if found == 0:
        return _short(picking, task, pick, reason, said="", device=device)
    if pick.product.tracking == Product.Tracking.SERIAL:
        raise ScanRejected(_("Scan each unit found, then report the rest with nothing found"))
    lot = picking.lot or pick.lot
    if lot is not None and lot.pk != pick.lot_id:
        _check_lot(pick, lot.name, found)
    Pick.objects.filter(pk=pick.pk).update(short_reason=reason)
    picking.pick, picking.waiting, picking.quantity, picking.lot = pick, Waiting.SHORT, found, lot
    _save(picking)
    return Outcome(picking, _("Put the %(qty)s found in the tote") % {"qty": qty(found)}, "warning")


def _short(picking: Picking, task: PickTask, pick: Pick, reason: str, *, said: str, device: str = "") -> Outcome:
    """What is missing at this stop: the order line is that much short, the bin is counted, and,
    by setting, the rest is looked for in other bins of the warehouse."""
    missing = pick.quantity - pick.picked
    _stale(picking)
    pick.state, pick.short_reason = Pick.State.SHORT, reason
    pick.save(update_fields=["state", "short_reason"])
    OrderLine.objects.filter(pk=pick.order_line_id).update(short=F("short") + missing)
    label = str(ShortReason(reason).label)
    if not CountTask.objects.filter(location_id=pick.location_id, state=CountTask.State.OPEN).exists():
        try:
            with transaction.atomic():
                CountTask.objects.create(
                    warehouse_id=task.warehouse_id,
                    location_id=pick.location_id,
                    reason=_("Short pick: %(why)s (%(task)s)") % {"why": label.lower(), "task": task.reference},
                    raised_by_id=picking.actor_id,
                )
        except IntegrityError:
            pass  # raised by another short pick there a moment ago: one count covers both
    message = _("%(qty)s × %(sku)s short (%(why)s) — %(bin)s will be counted") % {
        "qty": qty(missing),
        "sku": pick.product.sku,
        "why": label.lower(),
        "bin": pick.location.name,
    }
    if settings.PICK_SHORT == "reallocate":
        found = _reallocate(task, pick, missing)
        if found:
            message = _("%(qty)s × %(sku)s short — %(found)s more added from other bins") % {
                "qty": qty(missing),
                "sku": pick.product.sku,
                "found": qty(found),
            }
    events.changed("wave", task.wave_id, by=picking.actor_id)
    if said:
        message = f"{said} · {message}"
    return _advance(picking, task, pick, at_bin=True, message=message, sound="warning", device=device)


def _reallocate(task: PickTask, pick: Pick, missing: Decimal) -> Decimal:
    """New stops for what is missing, from other bins (FEFO), at the end of the task's path."""
    line = OrderLine.objects.get(pk=pick.order_line_id)
    picks = allocation.allocate(
        warehouse=task.warehouse,
        needs=[(line, missing)],
        zone=task.zone,
        exclude_locations=frozenset({pick.location_id}),
    )
    if not picks:
        return ZERO
    last = Pick.objects.filter(task=task).aggregate(last=Max("sequence"))["last"] or 0
    for n, index in enumerate(walk_order([p.location for p in picks]), 1):
        picks[index].task, picks[index].sequence = task, last + n
    Pick.objects.bulk_create(picks)
    found = sum((p.quantity for p in picks), ZERO)
    OrderLine.objects.filter(pk=line.pk).update(short=F("short") - found)
    return found


def undoable(picking: Picking) -> PickRecord | None:
    """The person's last put in this task that still counts."""
    if picking.last_put_id is None:
        return None
    return PickRecord.objects.select_related("tote__location").get(pk=picking.last_put_id)


def _find_last_put(picking: Picking) -> None:
    """The place's pointer to its last put, looked for among the person's records in the task:
    when the task changes, and after an undo (each put sets it)."""
    picking.last_put_id = (
        PickRecord.objects.filter(
            pick__task_id=picking.task_id, actor_id=picking.actor_id, reverses=None, reversal__isnull=True
        )
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )


def _last_bound(picking: Picking) -> TaskTote | None:
    """The tote bound last, while nothing has been put in any tote of the task: binding totes is
    the step Undo takes back until the first put."""
    if PickRecord.objects.filter(pick__task_id=picking.task_id).exists():
        return None
    return (
        TaskTote.objects.filter(_tote_empty(), task_id=picking.task_id, tote__isnull=False, freed_at=None)
        .select_related("tote")
        .order_by("-bound_at", "-pk")
        .first()
    )


def _mid_step(picking: Picking) -> bool:
    return picking.waiting in (Waiting.PUT, Waiting.SHORT) or (
        picking.waiting == Waiting.ITEM and picking.quantity is not None
    )


_UNREAD = object()


def undo_preview(picking: Picking) -> str:
    """What Undo would do, said before it does it."""
    if picking.task_id is None:
        return ""
    if _mid_step(picking):
        return _("Undo: drop the scan under way")
    last = picking.__dict__.get("_last_put", _UNREAD)  # read with the person's place (sql.place)
    if last is _UNREAD and picking.last_put_id is None:
        last = None
    elif last is _UNREAD:
        last = (
            PickRecord.objects.filter(pk=picking.last_put_id)
            .values_list("quantity", "pick__product__sku", "tote__barcode", "pick__state")
            .first()
        )
    if last is not None:
        quantity, sku, tote, state = last
        if state == Pick.State.SHORT:
            return ""
        return _("Undo: take %(qty)s × %(sku)s out of %(tote)s") % {"qty": qty(quantity), "sku": sku, "tote": tote}
    if picking.waiting in (Waiting.TOTE, Waiting.BIN):
        bound = _last_bound(picking)
        if bound is not None:
            return _("Undo: free tote %(tote)s") % {"tote": bound.tote.barcode}
    return ""


@transaction.atomic
def undo(*, actor, warehouse, key: str, device: str = "") -> Outcome:
    picking, task, outcome = _started(actor=actor, warehouse=warehouse, key=key, raw="undo")
    return outcome or _undo(picking, task, device=device)


def _undo(picking: Picking, task: PickTask, *, device: str) -> Outcome:
    if _mid_step(picking):
        return _cancel(picking)
    _stale(picking)
    last = undoable(picking)
    if last is None:
        bound = _last_bound(picking) if picking.waiting in (Waiting.TOTE, Waiting.BIN) else None
        if bound is None:
            raise ScanRejected(_("Nothing to undo"))
        TaskTote.objects.filter(pk=bound.pk).update(tote=None, bound_at=None)
        return _resume(picking, task, message=_("Undone: tote %(tote)s is free") % {"tote": bound.tote.barcode})
    pick = (
        Pick.objects.select_for_update(of=("self",)).select_related("product", "location", "lot").get(pk=last.pick_id)
    )
    if pick.state == Pick.State.SHORT:
        raise ScanRejected(_("%(sku)s was reported short — Undo cannot take that back") % {"sku": pick.product.sku})
    moves = ledger.reverse(
        list(Move.objects.filter(key=last.key).order_by("line")), actor_id=picking.actor_id, device=device
    )
    pick.picked -= last.quantity
    pick.state = Pick.State.OPEN
    pick.save(update_fields=["picked", "state"])
    OrderLine.objects.filter(pk=pick.order_line_id).update(picked=F("picked") - last.quantity)
    PickRecord.objects.create(
        pick=pick,
        tote_id=last.tote_id,
        lot_id=last.lot_id,
        quantity=last.quantity,
        key=moves[0].key,
        actor_id=picking.actor_id,
        device=device[:64],
        reverses=last,
    )
    _find_last_put(picking)
    events.changed("wave", task.wave_id, by=picking.actor_id)
    # Still at that bin (the undone put was of this stop or of one just before it there)?
    here = picking.pick_id is not None and picking.pick.location_id == pick.location_id
    at_bin = here and picking.waiting in (Waiting.ITEM, Waiting.PUT)
    _forget_step(picking)
    picking.pick, picking.waiting = pick, Waiting.ITEM if at_bin else Waiting.BIN
    _save(picking)
    return Outcome(
        picking,
        _("Undone: put %(qty)s × %(sku)s back in %(bin)s")
        % {"qty": qty(last.quantity), "sku": pick.product.sku, "bin": pick.location.name},
        "warning",
    )


def _cancel(picking: Picking) -> Outcome:
    if not _mid_step(picking):
        return Outcome(picking, _("Nothing to cancel"), "warning")
    if picking.waiting == Waiting.SHORT:
        Pick.objects.filter(pk=picking.pick_id).update(short_reason="")
    _forget_step(picking)
    picking.waiting = Waiting.ITEM
    _save(picking)
    return Outcome(picking, _("Cancelled — nothing was recorded · scan the item"), "warning")


# --- The end of a task


_ENDED = (PickTask.State.DONE, PickTask.State.CANCELLED)


def _finish(picking: Picking, task: PickTask, *, device: str, said: str = "") -> Outcome:
    """No stop left: the task is done; each of its orders whose picks (in every task of the wave)
    are all done is picked, and, with no pack step, shipped at once. Empty totes are freed; the
    others wait at packing."""
    now = timezone.now()
    task.state, task.finished_at, task.lease_until = PickTask.State.DONE, now, None
    task.save(update_fields=["state", "finished_at", "lease_until"])
    if not PickTask.objects.filter(wave_id=task.wave_id).exclude(state__in=_ENDED).exists():
        Wave.objects.filter(pk=task.wave_id, state=Wave.State.RELEASED).update(state=Wave.State.DONE)
    order_ids = set(TaskTote.objects.filter(task=task).values_list("order_id", flat=True))
    still_open = set(
        Pick.objects.filter(order_line__order_id__in=order_ids, state=Pick.State.OPEN).values_list(
            "order_line__order_id", flat=True
        )
    )
    finished = order_ids - still_open
    settled = [Order.State.PICKED, Order.State.PACKED, Order.State.SHIPPED, Order.State.CANCELLED]
    Order.objects.filter(pk__in=finished).exclude(state__in=settled).update(state=Order.State.PICKED)
    TaskTote.objects.filter(_tote_empty(), task=task, tote__isnull=False, freed_at=None).update(freed_at=now)
    totes = list(
        TaskTote.objects.filter(task=task, freed_at=None, tote__isnull=False)
        .order_by("position")
        .values_list("tote__barcode", flat=True)
    )
    events.changed("wave", task.wave_id, by=picking.actor_id)
    _clear(picking)
    _save(picking)
    if not settings.PACKING_STEP:
        shipped = 0
        # An order with nothing picked (all of it short) has nothing to ship: it stays picked.
        for order in Order.objects.filter(pk__in=finished, state=Order.State.PICKED, lines__picked__gt=0).distinct():
            delivery.deliver_order(order=order, actor=picking.actor, device=device)
            shipped += 1
        message = ngettext("%(task)s done — %(n)s order shipped", "%(task)s done — %(n)s orders shipped", shipped) % {
            "task": task.reference,
            "n": shipped,
        }
    elif totes:
        message = _("%(task)s done — take the totes to packing: %(totes)s") % {
            "task": task.reference,
            "totes": ", ".join(totes),
        }
    else:
        message = _("%(task)s done — nothing to take to packing") % {"task": task.reference}
    if said:
        message = f"{said} · {message}"
    return Outcome(picking, message, "document")


# --- What the screen shows


def screen(picking: Picking) -> dict:
    """The task, the stop, its tote, and how far the task is: a few queries, whatever its size."""
    task = picking.task
    context = {"picking": picking, "task": None}
    if task is None or task.picker_id != picking.actor_id or task.state != PickTask.State.ACTIVE:
        if task is not None:  # taken away since the last scan: said at the next one too
            context["lost"] = lost_message(task)
        if picking.warehouse_id:
            context["waiting_tasks"] = tasks_waiting(picking.warehouse_id)
        return context
    stops = picking.__dict__.get("_stops")  # read with the person's place (sql.place)
    if stops is None:
        counts = (
            Pick.objects.filter(task=task)
            .exclude(state=Pick.State.CANCELLED)
            .aggregate(total=Count("pk"), done=Count("pk", filter=~Q(state=Pick.State.OPEN)))
        )
        stops = counts["total"], counts["done"]
    context.update(task=task, total=stops[0], done=stops[1], undo_preview=undo_preview(picking))
    if picking.waiting == Waiting.TOTE:
        context["binding"] = (
            TaskTote.objects.filter(task=task, tote=None).select_related("order").order_by("position", "pk").first()
        )
        context.update(
            TaskTote.objects.filter(task=task).aggregate(
                totes=Count("pk"), bound=Count("pk", filter=Q(tote__isnull=False))
            )
        )
        return context
    pick = picking.pick
    if pick is not None:
        context["binding"] = binding_of(task, pick)
        remaining = pick.quantity - pick.picked
        context.update(pick=pick, remaining=remaining, quantity=picking.quantity or remaining)
    return context


def lines(task: PickTask):
    """The task's stops in walking order, for the list under the prompt."""
    return Pick.objects.filter(task=task).select_related("product", "location", "lot").order_by("sequence", "pk")
