"""What the supervisor's wave pages show: each wave's progress, a wave's orders and tasks, and
the pickers a task may go to."""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from floor.accounts.roles import Role
from floor.picking.models import Order, OrderLine, Pick, PickTask, TaskTote, Wave
from floor.picking.waves import URGENCY, ZERO
from floor.warehouse.models import Warehouse


@dataclass
class Progress:
    orders: int = 0
    lines: int = 0
    ordered: Decimal = ZERO
    picked: Decimal = ZERO
    short: Decimal = ZERO
    not_enough: Decimal = ZERO  # released, but no free stock was found for it

    @property
    def percent(self) -> int:
        return int(self.picked * 100 / self.ordered) if self.ordered else 0


def wave_list(*, warehouse: Warehouse, limit: int = 50) -> list[tuple[Wave, Progress]]:
    """The newest waves with their progress: two queries."""
    listed = Wave.objects.filter(warehouse=warehouse).select_related("rule").order_by("-created_at", "-pk")
    listed = list(listed[:limit])
    totals = (
        OrderLine.objects.filter(order__wave__in=[w.pk for w in listed])
        .values_list("order__wave")
        .annotate(
            orders=Count("order", distinct=True),
            lines=Count("pk"),
            ordered=Sum("ordered"),
            picked=Sum("picked"),
            short=Sum("short"),
        )
        .order_by()
    )
    progress = {wave_id: Progress(*rest) for wave_id, *rest in totals}
    return [(wave, progress.get(wave.pk, Progress())) for wave in listed]


@dataclass
class OrderRow:
    order: Order
    progress: Progress


@dataclass
class TaskRow:
    task: PickTask
    orders: int
    stops: int
    stops_done: int
    shorts: int
    units: Decimal
    units_picked: Decimal

    @property
    def lease_lapsed(self) -> bool:
        return bool(self.task.lease_until and self.task.lease_until < timezone.now())


@dataclass
class WaveDetail:
    wave: Wave
    total: Progress
    orders: list[OrderRow]
    tasks: list[TaskRow]


def unallocated(*, ordered: Decimal, picked: Decimal, short: Decimal, held: Decimal) -> Decimal:
    """What of a line no pick covers: not picked, not given up as short, not reserved."""
    return max(ordered - picked - short - held, ZERO)


def wave_detail(*, wave: Wave) -> WaveDetail:
    """A wave's orders (with what is short of stock) and tasks: five queries."""
    orders = {o.pk: OrderRow(o, Progress(orders=1)) for o in Order.objects.filter(wave=wave).order_by(*URGENCY)}
    held = dict(
        Pick.objects.filter(order_line__order__wave=wave, state=Pick.State.OPEN)
        .values_list("order_line_id")
        .annotate(held=Sum(F("quantity") - F("picked")))
        .order_by()
    )
    released = wave.state != Wave.State.DRAFT
    total = Progress(orders=len(orders))
    lines = OrderLine.objects.filter(order__wave=wave).values_list("pk", "order_id", "ordered", "picked", "short")
    for pk, order_id, ordered, picked, short in lines:
        missing = unallocated(ordered=ordered, picked=picked, short=short, held=held.get(pk, ZERO)) if released else 0
        for progress in (orders[order_id].progress, total):
            progress.lines += 1
            progress.ordered += ordered
            progress.picked += picked
            progress.short += short
            progress.not_enough += missing
    totes = dict(TaskTote.objects.filter(task__wave=wave).values_list("task").annotate(n=Count("pk")).order_by())
    live = ~Q(picks__state=Pick.State.CANCELLED)
    tasks = (
        PickTask.objects.filter(wave=wave)
        .select_related("picker", "zone")
        .annotate(
            stops=Count("picks", filter=live),
            stops_done=Count("picks", filter=Q(picks__state__in=[Pick.State.PICKED, Pick.State.SHORT])),
            shorts=Count("picks", filter=Q(picks__state=Pick.State.SHORT)),
            units=Sum("picks__quantity", filter=live),
            units_picked=Sum("picks__picked"),
        )
        .order_by("pk")
    )
    rows = [
        TaskRow(t, totes.get(t.pk, 0), t.stops, t.stops_done, t.shorts, t.units or ZERO, t.units_picked or ZERO)
        for t in tasks
    ]
    return WaveDetail(wave=wave, total=total, orders=list(orders.values()), tasks=rows)


def pickers(*, warehouse: Warehouse):
    """People who may be handed a task here: the warehouse's pickers."""
    return (
        get_user_model()
        .objects.filter(is_active=True, profile__warehouse=warehouse, groups__name=Role.PICKER)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
