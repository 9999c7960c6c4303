"""What the picker cannot pick as asked: a stop skipped to the end, a short pick (the bin is
counted and, by setting, the rest is looked for in other bins)."""

from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from floor.counting.models import CountTask
from floor.counting.raising import raise_count
from floor.errors import ScanRejected
from floor.picking import allocation, sql
from floor.picking.models import OrderLine, Pick, PickerPlace, PickTask
from floor.picking.path import walk_order
from floor.picking.place import ZERO, Outcome, ShortReason, Waiting, _begin, _check_lot, _save, _stale, _task_held
from floor.picking.task import _advance
from floor.warehouse.models import Product
from floor.warehouse.quantities import qty


def _skip(picking: PickerPlace, task: PickTask) -> Outcome:
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
    picking, replayed = _begin(actor=actor, warehouse=warehouse, key=key, raw="skip")
    if replayed:
        return replayed
    task, lost = _task_held(picking)
    if lost:
        return lost
    return _skip(picking, task)


@transaction.atomic
def short(*, actor, warehouse, reason: str, found: Decimal, key: str, device: str = "") -> Outcome:
    """Less in the bin than the stop wants: `found` of it still goes in the tote (a scan of the
    tote asks for it), the rest is short."""
    picking, replayed = _begin(actor=actor, warehouse=warehouse, key=key, raw=f"short {reason} {found}")
    if replayed:
        return replayed
    task, lost = _task_held(picking)
    if lost:
        return lost
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


def _short(picking: PickerPlace, task: PickTask, pick: Pick, reason: str, *, said: str, device: str = "") -> Outcome:
    """What is missing at this stop: the order line is that much short, the bin is counted, and,
    by setting, the rest is looked for in other bins of the warehouse."""
    missing = pick.quantity - pick.picked
    _stale(picking)
    pick.state, pick.short_reason, pick.short_at = Pick.State.SHORT, reason, timezone.now()
    pick.save(update_fields=["state", "short_reason", "short_at"])
    OrderLine.objects.filter(pk=pick.order_line_id).update(short=F("short") + missing)
    label = str(ShortReason(reason).label)
    raise_count(
        warehouse_id=task.warehouse_id,
        location_id=pick.location_id,
        source=CountTask.Source.SHORT_PICK,
        reason=_("Short pick: %(why)s (%(task)s)") % {"why": label.lower(), "task": task.reference},
        raised_by_id=picking.actor_id,
    )
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
