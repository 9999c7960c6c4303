"""What the picker's screen shows: the task, the stop, its tote and how far the task is."""

from django.db.models import Count, Q

from floor.picking.models import Pick, PickerPlace, PickTask, TaskTote
from floor.picking.place import Waiting, binding_of, lost_message
from floor.picking.task import tasks_waiting
from floor.picking.undo import undo_preview


def screen(picking: PickerPlace) -> dict:
    """The task, the stop, its tote, and how far the task is: a few queries, whatever its size."""
    task = picking.task
    context = {"picking": picking, "task": None}
    if task is None or task.picker_id != picking.actor_id or task.state != PickTask.State.ACTIVE:
        if task is not None:  # taken away since the last scan: said at the next one too
            context["lost"] = lost_message(task)
        if picking.warehouse_id:
            context["waiting_tasks"] = tasks_waiting(picking.warehouse_id)
        return context
    stops = picking.task_progress  # read with the person's place (sql.place)
    if stops is PickerPlace.NOT_READ:
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
