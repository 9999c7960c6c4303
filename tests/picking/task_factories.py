"""Pick tasks made directly with the models (no wave release), with stock in their bins, for the
picker flow's tests."""

import itertools
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from floor.picking.models import Order, OrderLine, Pick, PickTask, TaskTote, Wave
from floor.warehouse.models import Location, Lot, Product, Tote
from tests import factories

_seq = itertools.count(1)


@dataclass
class Stop:
    """A pick of `quantity` of `product` (of `lot`) from `bin` for order `order` (a reference)."""

    order: str
    bin: Location
    product: Product
    quantity: Decimal | int
    lot: Lot | None = None


@dataclass
class Built:
    wave: Wave
    task: PickTask
    orders: dict[str, Order] = field(default_factory=dict)
    lines: dict[tuple[str, int], OrderLine] = field(default_factory=dict)
    picks: list[Pick] = field(default_factory=list)
    bindings: dict[str, TaskTote] = field(default_factory=dict)

    def refresh(self) -> "Built":
        for obj in [self.task, *self.orders.values(), *self.lines.values(), *self.picks, *self.bindings.values()]:
            obj.refresh_from_db()
        return self


def wave(wh, *, state=Wave.State.RELEASED) -> Wave:
    return Wave.objects.create(warehouse=wh, reference=f"W-{next(_seq):05d}", state=state)


def pick_task(
    wh,
    stops: list[Stop],
    *,
    in_wave: Wave | None = None,
    reference: str | None = None,
    sequence: int = 0,
    stock: bool = True,
    odoo_ids: dict[str, int] | None = None,
) -> Built:
    """A task whose picks are `stops` in walking order, one order line per (order, item), a tote
    binding (not yet bound) per order. With `stock`, each stop's quantity is put in its bin."""
    made_wave = in_wave or wave(wh)
    task = PickTask.objects.create(
        wave=made_wave,
        warehouse=wh,
        reference=reference or f"{made_wave.reference}-{next(_seq):02d}",
        sequence=sequence,
    )
    built = Built(made_wave, task)
    for stop in stops:
        if stop.order not in built.orders:
            built.orders[stop.order] = Order.objects.filter(reference=stop.order).first() or Order.objects.create(
                warehouse=wh,
                reference=stop.order,
                state=Order.State.IN_WAVE,
                wave=made_wave,
                odoo_id=(odoo_ids or {}).get(stop.order),
            )
            built.bindings[stop.order] = TaskTote.objects.create(
                task=task, order=built.orders[stop.order], position=len(built.bindings)
            )
        key = (stop.order, stop.product.pk)
        line = built.lines.get(key)
        if line is None:
            line = built.lines[key] = OrderLine.objects.create(
                order=built.orders[stop.order], product=stop.product, ordered=0
            )
        OrderLine.objects.filter(pk=line.pk).update(ordered=line.ordered + Decimal(stop.quantity))
        line.ordered += Decimal(stop.quantity)
        if stock:
            factories.stock(stop.bin, stop.product, stop.quantity, lot=stop.lot)
        built.picks.append(
            Pick.objects.create(
                task=task,
                order_line=line,
                product=stop.product,
                location=stop.bin,
                lot=stop.lot,
                quantity=Decimal(stop.quantity),
                sequence=len(built.picks) + 1,
            )
        )
    return built


def bind(built: Built, *totes: Tote) -> None:
    """Bind `totes` to the task's orders, in position order, as the picker's scans would."""
    for binding, tote in zip(sorted(built.bindings.values(), key=lambda b: b.position), totes, strict=True):
        binding.tote, binding.bound_at = tote, timezone.now()
        binding.save()


def lease(built: Built, picker, *, until=None) -> None:
    """The task as "Get work" leaves it: active, leased to `picker`."""
    PickTask.objects.filter(pk=built.task.pk).update(
        state=PickTask.State.ACTIVE,
        picker=picker,
        started_at=timezone.now(),
        lease_until=until or timezone.now() + timezone.timedelta(minutes=5),
    )
    built.task.refresh_from_db()
