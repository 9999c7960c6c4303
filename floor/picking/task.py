"""Get work, leave, and on to the next stop until the task is done: the orders picked (and, with no
pack step, shipped), the totes freed or sent to packing."""

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from floor.picking import delivery
from floor.picking.models import Order, Pick, PickerPlace, PickTask, TaskTote, Wave
from floor.picking.place import (
    Outcome,
    Waiting,
    _begin,
    _clear,
    _find_last_put,
    _forget_step,
    _hold,
    _lease_end,
    _next_pick,
    _save,
    _stale,
    _task_held,
    _tote_empty,
    picking_for,
)


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
        held, _lost = _hold(picking)  # lost: they get another task
        if held is not None:
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
    picking.task = task
    _find_last_put(picking)  # the task may be one they held before: what they put then counts
    return _resume(picking, task, message=task.reference)


def _unbind_empty_totes(task: PickTask) -> None:
    """Totes that hold nothing yet are let go: the next picker of the task binds their own. A tote
    with goods in it stays bound: its order's goods are there."""
    TaskTote.objects.filter(_tote_empty(), task=task, tote__isnull=False, freed_at=None).update(
        tote=None, bound_at=None
    )


def _resume(picking: PickerPlace, task: PickTask, *, message: str) -> Outcome:
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
    picking, replayed = _begin(actor=actor, warehouse=warehouse, key=key, raw="leave")
    if replayed:
        return replayed
    task, lost = _task_held(picking)
    if lost:
        return lost
    if picking.waiting == Waiting.SHORT:  # the short was not confirmed: the stop stays as it was
        Pick.objects.filter(pk=picking.pick_id).update(short_reason="")
    _release(task)
    _clear(picking)
    _save(picking)
    return Outcome(picking, _("Left %(task)s — what you picked stays picked") % {"task": task.reference}, "warning")


def _release(task: PickTask) -> None:
    task.state, task.picker, task.lease_until = PickTask.State.OPEN, None, None
    task.save(update_fields=["state", "picker", "lease_until"])
    _unbind_empty_totes(task)


def _advance(
    picking: PickerPlace,
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


_ENDED = (PickTask.State.DONE, PickTask.State.CANCELLED)


def _finish(picking: PickerPlace, task: PickTask, *, device: str, said: str = "") -> Outcome:
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
    _clear(picking)
    _save(picking)
    shipped = 0
    if not settings.PACKING_STEP:
        # An order with nothing picked (all of it short) has nothing to ship: it stays picked.
        for order in Order.objects.filter(pk__in=finished, state=Order.State.PICKED, lines__picked__gt=0).distinct():
            delivery.deliver_order(order=order, actor=picking.actor, device=device)
            shipped += 1
    message = finished_words(task, shipped=shipped, totes=totes)
    if said:
        message = f"{said} · {message}"
    return Outcome(picking, message, "document")


def finished_words(task: PickTask, *, shipped: int, totes: list[str]) -> str:
    """What the end of a task says: the orders shipped (with no pack step), else the totes to take
    to packing. The device says it too when it ends a task offline (offline.py)."""
    if not settings.PACKING_STEP:
        return ngettext("%(task)s done — %(n)s order shipped", "%(task)s done — %(n)s orders shipped", shipped) % {
            "task": task.reference,
            "n": shipped,
        }
    if totes:
        return _("%(task)s done — take the totes to packing: %(totes)s") % {
            "task": task.reference,
            "totes": ", ".join(totes),
        }
    return _("%(task)s done — nothing to take to packing") % {"task": task.reference}
