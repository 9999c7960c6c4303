"""Orders waiting at packing, as the picker's flow leaves them: picked bin → tote through the
ledger with their pick records, the totes still bound; a station and carton types."""

import itertools
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from floor.ledger.models import Move
from floor.ledger.services import post
from floor.packing.models import CartonType, Station
from floor.picking.models import Order, OrderLine, Pick, PickRecord, PickTask
from floor.warehouse.models import Location, Tote
from tests import factories
from tests.picking.task_factories import Built, Stop, bind, pick_task

_seq = itertools.count(1)

# (code, name, length, width, height cm, max kg, tare kg): 9 L, 36 L, 96 L.
CARTONS = [
    ("S", "Small box", "30", "20", "15", "5", "0.2"),
    ("M", "Medium box", "40", "30", "30", "15", "0.4"),
    ("L", "Large box", "60", "40", "40", "25", "0.8"),
]


def station(wh, name="PACK-1", *, barcode=None, **fields) -> Station:
    location = Location.objects.create(
        warehouse=wh, kind=Location.Kind.PACK, name=f"{wh.code}/{name}", barcode=f"LOC-{wh.code}-{name}"
    )
    return Station.objects.create(warehouse=wh, name=name, barcode=barcode or name, location=location, **fields)


def carton_types(wh) -> dict[str, CartonType]:
    return {
        code: CartonType.objects.create(
            warehouse=wh,
            code=code,
            name=name,
            barcode=f"CTN-{wh.code}-{code}",
            length_cm=Decimal(length),
            width_cm=Decimal(width),
            height_cm=Decimal(height),
            max_weight_kg=Decimal(max_kg),
            tare_kg=Decimal(tare),
        )
        for code, name, length, width, height, max_kg, tare in CARTONS
    }


def picked_order(
    wh,
    stops: list[Stop],
    *totes: Tote,
    picker=None,
    found: dict[int, Decimal | int] | None = None,
    done: bool = True,
    **kw,
) -> Built:
    """A task of `stops` for one or more orders, its totes bound (one per order, in order), each
    stop picked in full into its order's tote — or `found[n]` of stop n, the rest short. With
    `done` False the last stop stays open: its order is still being picked."""
    built = pick_task(wh, stops, **kw)
    totes = totes or tuple(factories.tote(wh) for _ in built.bindings)
    bind(built, *totes)
    picker = picker or factories.user(roles=["picker"], wh=wh)
    by_order = {b.order_id: b for b in built.bindings.values()}
    picks = built.picks if done else built.picks[:-1]
    for n, pick in enumerate(picks):
        quantity = Decimal((found or {}).get(n, pick.quantity))
        binding = by_order[pick.order_line.order_id]
        if quantity > 0:
            key = f"test-pick-{next(_seq)}"
            post(
                [
                    Move(
                        product=pick.product,
                        lot=pick.lot,
                        quantity=quantity,
                        from_location=pick.location,
                        to_location=binding.tote.location,
                        actor=picker,
                        reference=binding.order.reference,
                    )
                ],
                key=key,
            )
            PickRecord.objects.create(
                pick=pick, tote=binding.tote, lot=pick.lot, quantity=quantity, key=key, actor=picker
            )
        short = pick.quantity - quantity
        Pick.objects.filter(pk=pick.pk).update(
            picked=quantity, state=Pick.State.PICKED if not short else Pick.State.SHORT
        )
        OrderLine.objects.filter(pk=pick.order_line_id).update(picked=F("picked") + quantity, short=F("short") + short)
    if done:
        PickTask.objects.filter(pk=built.task.pk).update(state=PickTask.State.DONE, finished_at=timezone.now())
        Order.objects.filter(pk__in=[o.pk for o in built.orders.values()]).update(state=Order.State.PICKED)
    return built.refresh()
