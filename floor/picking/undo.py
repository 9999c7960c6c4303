"""Undo and Cancel: the scan under way dropped, the last put taken back out of its tote by a
reverse move, or, before the first put, the last tote bound let go."""

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from floor.errors import ScanRejected
from floor.ledger import services as ledger
from floor.ledger.models import Move
from floor.picking.models import OrderLine, Pick, PickerPlace, PickRecord, PickTask, TaskTote
from floor.picking.place import (
    Outcome,
    Waiting,
    _begin,
    _find_last_put,
    _forget_step,
    _mid_step,
    _save,
    _stale,
    _task_held,
    _tote_empty,
)
from floor.picking.task import _resume
from floor.warehouse.quantities import qty


def undoable(picking: PickerPlace) -> PickRecord | None:
    """The person's last put in this task that still counts."""
    if picking.last_put_id is None:
        return None
    return PickRecord.objects.select_related("tote__location").get(pk=picking.last_put_id)


def _last_bound(picking: PickerPlace) -> TaskTote | None:
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


def undo_preview(picking: PickerPlace) -> str:
    """What Undo would do, said before it does it."""
    if picking.task_id is None:
        return ""
    if _mid_step(picking):
        return _("Undo: drop the scan under way")
    last = picking.last_put_seen  # read with the person's place (sql.place)
    if last is PickerPlace.NOT_READ and picking.last_put_id is None:
        last = None
    elif last is PickerPlace.NOT_READ:
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
    picking, replayed = _begin(actor=actor, warehouse=warehouse, key=key, raw="undo")
    if replayed:
        return replayed
    task, lost = _task_held(picking)
    if lost:
        return lost
    return _undo(picking, task, device=device)


def _undo(picking: PickerPlace, task: PickTask, *, device: str) -> Outcome:
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


def _cancel(picking: PickerPlace) -> Outcome:
    if not _mid_step(picking):
        return Outcome(picking, _("Nothing to cancel"), "warning")
    if picking.waiting == Waiting.SHORT:
        Pick.objects.filter(pk=picking.pick_id).update(short_reason="")
    _forget_step(picking)
    picking.waiting = Waiting.ITEM
    _save(picking)
    return Outcome(picking, _("Cancelled — nothing was recorded · scan the item"), "warning")
