"""Picking on the handheld: get work (a pick task leased to the picker), bind a tote to each of
its orders, then walk the stops: scan the bin, the item (and its lot), put it in the order's tote.

Each put posts one move bin → tote through the ledger (totes are locations). The picker's place
is a `PickerPlace` row, locked first by every request of theirs; then the task (whose lease every
request checks and renews), then the pick, then the quants (in the ledger). A task is leased to
one picker at a time, so two pickers never pick the same line; a lease that lapses hands the task
to the next "Get work", and what was picked stays picked.

Waiting states (PickerPlace.waiting) and what the next scan must be:
- TOTE: a tote for the first order of the task without one;
- BIN: the stop's bin;
- ITEM: the stop's item; with `quantity` already set, the item was scanned and its lot (or
  serial) label is still wanted;
- PUT: the order's tote, for `quantity` of the item (of `lot`);
- SHORT: the order's tote, for the `quantity` found at a short stop; the rest is then short.

This module is the place and what every action starts with; the actions are in task.py (get
work, leave, on to the next stop, the end of a task), stop.py (the scans), problems.py (skip,
short), undo.py (undo, cancel); selectors.py is what the screen shows, offline.py what the device
keeps of the task to check scans made offline.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from floor.errors import ScanRejected
from floor.ledger.models import Quant
from floor.picking import allocation, sql
from floor.picking.models import Pick, PickerPlace, PickRecord, PickTask, TaskTote
from floor.scanning import flow
from floor.scanning.parser import Scan
from floor.scanning.selectors import scanned_name
from floor.warehouse.models import Lot
from floor.warehouse.quantities import qty

FLOW = "pick"
Waiting = PickerPlace.Waiting
ShortReason = Pick.ShortReason
ZERO = Decimal(0)


@dataclass
class Outcome(flow.Outcome):
    problem: bool = False  # open the short-pick panel

    @property
    def picking(self) -> PickerPlace:
        return self.place


# `task_progress` and `last_put_seen` on a PickerPlace, and `tote_binding` on its stop (a Pick), are
# read by sql.place and sql.next_stop in the same statement as the place, for this request: a scan
# that changes them updates them (`_record`) or marks them unread (`_stale`), and the screen then
# asks the database (`selectors.screen`, `undo_preview`, `binding_of`).


def picking_for(*, actor, warehouse, lock: bool = False) -> PickerPlace:
    """The person's place (their row locked with `lock`), with what the screen shows read with it."""
    picking = sql.place(actor_id=actor.pk, lock=lock)
    if picking is None:
        PickerPlace.objects.bulk_create([PickerPlace(actor=actor, warehouse=warehouse)], ignore_conflicts=True)
        picking = sql.place(actor_id=actor.pk, lock=lock)
    if picking.warehouse_id != warehouse.pk:  # moved to another warehouse: start afresh there
        picking.warehouse = warehouse
        _clear(picking)
        picking.save()
    picking.actor = actor
    return picking


def _begin(*, actor, warehouse, key: str, raw: str) -> tuple[PickerPlace, Outcome | None]:
    return flow.begin(picking_for, flow=FLOW, actor=actor, warehouse=warehouse, key=key, raw=raw, outcome=Outcome)


def _task_held(picking: PickerPlace) -> tuple[PickTask | None, Outcome | None]:
    """What every action on a task does after `_begin`: the person's task, held (`_hold`)."""
    if picking.task_id is None:
        raise ScanRejected(_("Get work first"))
    return _hold(picking)


def _clear(picking: PickerPlace) -> None:
    picking.task, picking.pick, picking.waiting, picking.lot, picking.quantity = None, None, "", None, None
    picking.last_put = None
    _stale(picking)


def _save(picking: PickerPlace) -> None:
    sql.save_place(picking)


def _stale(picking: PickerPlace) -> None:
    """Stops or puts changed: the screen reads how far the task is and the last put again."""
    picking.task_progress = picking.last_put_seen = PickerPlace.NOT_READ


def _forget_step(picking: PickerPlace) -> None:
    picking.lot, picking.quantity = None, None


def _lease_end():
    return timezone.now() + timedelta(seconds=settings.PICK_LEASE_SECONDS)


def _hold(picking: PickerPlace) -> tuple[PickTask | None, Outcome | None]:
    """(The person's task, None), its lease renewed (the UPDATE locks its row until the transaction
    ends); or, when it is no longer theirs (the lease lapsed and someone else took it, a supervisor
    handed it over, it was cancelled), (None, the outcome that says so). Nothing else is recorded
    then."""
    until = _lease_end()
    if sql.renew_lease(task_id=picking.task_id, picker_id=picking.actor_id, until=until):
        task = picking.task  # read with the person's place; what the UPDATE checked is set here
        task.picker_id, task.state, task.lease_until = picking.actor_id, PickTask.State.ACTIVE, until
        return task, None
    task = PickTask.objects.select_related("picker").get(pk=picking.task_id)
    message = lost_message(task)
    _clear(picking)
    _save(picking)
    return None, Outcome(picking, message, "error")


def lost_message(task: PickTask) -> str:
    if task.state == PickTask.State.ACTIVE and task.picker_id:
        who = task.picker.get_full_name() or task.picker.get_username()
        return _("%(task)s was handed to %(name)s — get work again") % {"task": task.reference, "name": who}
    if task.state == PickTask.State.DONE:
        return _("%(task)s is done — get work again") % {"task": task.reference}
    if task.state == PickTask.State.CANCELLED:
        return _("%(task)s was cancelled — get work again") % {"task": task.reference}
    return _("%(task)s was taken off you — get work again") % {"task": task.reference}


def _said(picking: PickerPlace, scan: Scan) -> dict:
    """What a rejection says was scanned: the item's SKU, the bin's name… (asked only then)."""
    return {"code": scanned_name(scan=scan, warehouse_id=picking.warehouse_id)}


def _tote_empty():
    """A binding's tote holds nothing: asked of that tote's quants (an index probe), not by
    listing every location of the warehouse that holds stock."""
    return ~Exists(Quant.objects.filter(location_id=OuterRef("tote__location_id"), quantity__gt=0))


def _next_pick(task: PickTask) -> Pick | None:
    return sql.next_stop(task_id=task.pk)


def _check_quantity(pick: Pick, quantity: Decimal) -> None:
    remaining = pick.quantity - pick.picked
    if quantity <= 0:
        raise ScanRejected(_("Quantity must be more than zero"))
    if quantity > remaining:
        raise ScanRejected(_("Only %(n)s to pick") % {"n": qty(remaining)})


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


def binding_of(task: PickTask, pick: Pick) -> TaskTote:
    """The tote (and order) a pick goes into: read with the stop (sql), or asked for."""
    binding = pick.tote_binding
    if binding is None or binding.task_id != task.pk:
        binding = TaskTote.objects.select_related("tote", "order").get(task=task, order__lines=pick.order_line_id)
        pick.tote_binding = binding
    return binding


def _find_last_put(picking: PickerPlace) -> None:
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


def _mid_step(picking: PickerPlace) -> bool:
    return picking.waiting in (Waiting.PUT, Waiting.SHORT) or (
        picking.waiting == Waiting.ITEM and picking.quantity is not None
    )
