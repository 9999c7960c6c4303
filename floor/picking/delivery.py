"""An order leaves the building: what is in its totes goes to the customer through the ledger,
and Odoo learns it as one delivery. Called at the end of picking where a warehouse has no pack
step (settings.PACKING_STEP False), and by packing once an order is packed."""

from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from floor.ledger import services as ledger
from floor.ledger.models import Move, Quant
from floor.odoo import outbox
from floor.odoo.models import Operation
from floor.picking.models import Order, PickRecord, TaskTote
from floor.warehouse.models import Location
from floor.warehouse.quantities import plain
from floor.warehouse.services import virtual_location


def _picked(order: Order) -> list[tuple[tuple, Decimal]]:
    """What was picked for the order, net of undos: ((line, Odoo move, item, lot, bin), quantity),
    by order line."""
    records = PickRecord.objects.filter(pick__order_line__order=order, reverses=None, reversal__isnull=True)
    grouped: dict[tuple, Decimal] = defaultdict(Decimal)
    for line_id, move_id, product, lot, source, quantity in records.values_list(
        "pick__order_line_id",
        "pick__order_line__odoo_move_id",
        "pick__product_id",
        "lot_id",
        "pick__location_id",
        "quantity",
    ):
        grouped[(line_id, move_id, product, lot, source)] += quantity
    return [(key, quantity) for key, quantity in sorted(grouped.items(), key=lambda item: item[0][:1]) if quantity > 0]


def picked_not_shipped(warehouse) -> dict[tuple, Decimal]:
    """What the warehouse's pickers have put in totes for orders not shipped yet, net of undos, by
    (item, lot, the bin it came from): Odoo still holds it in that bin until the delivery."""
    records = PickRecord.objects.filter(
        pick__order_line__order__warehouse=warehouse, reverses=None, reversal__isnull=True
    ).exclude(pick__order_line__order__state__in=[Order.State.SHIPPED, Order.State.CANCELLED])
    picked: dict[tuple, Decimal] = defaultdict(Decimal)
    for product, lot, source, quantity in records.values_list(
        "pick__product_id", "lot_id", "pick__location_id", "quantity"
    ):
        picked[(product, lot, source)] += quantity
    return {key: quantity for key, quantity in picked.items() if quantity > 0}


def delivery_lines(order: Order) -> list[dict]:
    """What was picked for the order, net of undos, per Odoo move, item, lot and the bin it came
    from: the lines of push_delivery's payload (Floor ids, mapped to Odoo's at push time)."""
    return [
        {"move": move_id, "product": product, "quantity": plain(quantity), "from": source, "lot": lot, "package": None}
        for (_line, move_id, product, lot, source), quantity in _picked(order)
    ]


def packed_lines(order: Order, packed: list[tuple[int, int, int | None, Decimal]]) -> list[tuple[int, dict]]:
    """The delivery's lines where the order was packed: `packed` holds (package, item, lot,
    quantity) per carton; each is told against the order lines, Odoo moves and bins it was picked
    from (first picked, first packed), as (order line id, payload line). Packing never packs more
    than was picked, so more is a bug."""
    sources = [[key, quantity] for key, quantity in _picked(order)]
    lines = []
    for package, product, lot, quantity in packed:
        left = quantity
        for source in sources:
            (line_id, move_id, item, source_lot, location), available = source
            if left <= 0:
                break
            if item != product or source_lot != lot or available <= 0:
                continue
            take = min(left, available)
            source[1] -= take
            left -= take
            lines.append(
                (
                    line_id,
                    {
                        "move": move_id,
                        "product": product,
                        "quantity": plain(take),
                        "from": location,
                        "lot": lot,
                        "package": package,
                    },
                )
            )
        if left > 0:
            raise ValueError(f"{order.reference}: {left} more of item {product} (lot {lot}) packed than picked")
    return lines


def in_totes(order: Order) -> tuple[list[TaskTote], list[Quant]]:
    """The order's totes not freed yet, and what they hold, in a stable order."""
    totes = list(TaskTote.objects.filter(order=order, tote__isnull=False, freed_at=None).select_related("tote"))
    held = Quant.objects.filter(location_id__in=[b.tote.location_id for b in totes], quantity__gt=0).order_by(
        "location_id", "product_id", "lot_id", "package_id"
    )
    return totes, list(held)


def ship(
    *,
    order: Order,
    actor,
    moves: list[Move],
    key: str,
    totes: list[TaskTote],
    lines: list[dict],
    backorder: bool,
    state: str,
    approval: dict | None = None,
) -> None:
    """The one way an order leaves: its moves posted under one key, one DELIVERY for Odoo
    (FLOOR-OUT-<order>), its totes freed, its new state, the live update. The caller has the
    order locked and has checked it was not shipped yet; where the goods go is its own."""
    if moves:
        ledger.post(moves, key=key)
    # Anything not sent stays expected in Odoo, as a backorder.
    payload = {"picking": order.odoo_id, "backorder": backorder, "lines": lines}
    if not order.odoo_id:  # Odoo never had it: the push makes its delivery
        payload["partner"] = order.customer
    if approval:
        payload["short_approved_by"] = approval
    outbox.enqueue(
        kind=Operation.Kind.DELIVERY,
        warehouse=order.warehouse,
        reference=f"FLOOR-OUT-{order.pk}",
        payload=payload,
        document=order.reference,
        actor=actor,
    )
    TaskTote.objects.filter(pk__in=[b.pk for b in totes]).update(freed_at=timezone.now())
    order.state = state
    fields = ["state"]
    if approval:  # kept with the order, Odoo or not
        order.short_approved_by_id, order.short_approval = approval["by"], approval["what"][:200]
        fields += ["short_approved_by", "short_approval"]
    order.save(update_fields=fields)


@transaction.atomic
def deliver_order(*, order: Order, actor, device: str = "") -> Order:
    """Ship the order without a pack step: every unit in its totes moves tote → customer. For an
    order that came from Odoo (`odoo_id` set) the delivery has a backorder when less was picked
    than ordered; for one Odoo never had, its push makes the delivery in Odoo. Shipping twice
    ships once."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.state == Order.State.SHIPPED:
        return order
    totes, held = in_totes(order)
    customer = virtual_location(Location.Kind.CUSTOMER)
    moves = [
        Move(
            product_id=quant.product_id,
            lot_id=quant.lot_id,
            package_id=quant.package_id,
            quantity=quant.quantity,
            from_location_id=quant.location_id,
            to_location=customer,
            actor=actor,
            device=device[:64],
            reference=order.reference[:64],
        )
        for quant in held
    ]
    ship(
        order=order,
        actor=actor,
        moves=moves,
        key=f"deliver:{order.pk}",
        totes=totes,
        lines=delivery_lines(order),
        backorder=any(line.picked < line.ordered for line in order.lines.all()),
        state=Order.State.SHIPPED,
    )
    return order
