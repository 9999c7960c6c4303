"""Done: the order's progress, the checks before it closes, and the close itself: stock tote →
station → output in its cartons, and the one delivery (`delivery.ship`)."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from floor.errors import ScanRejected
from floor.ledger.keys import scan_key
from floor.ledger.models import Move
from floor.packing.cartons import contents_of, open_carton, packed_rows
from floor.packing.models import Carton, PackedItem, Packing
from floor.packing.place import ZERO, Outcome, clear
from floor.picking import delivery
from floor.picking.models import Order
from floor.warehouse.models import Location
from floor.warehouse.quantities import qty
from floor.warehouse.services import location_of_kind


def progress(order: Order) -> list[dict]:
    """Each order line with what was picked and packed for it; an item on two lines fills them in
    order. Two queries, whatever the order's size."""
    packed = dict(packed_rows(carton__order=order).values_list("product_id").annotate(q=Sum("quantity")))
    rows = []
    for line in order.lines.select_related("product").order_by("pk"):
        share = min(packed.get(line.product_id, ZERO), line.picked)
        packed[line.product_id] = packed.get(line.product_id, ZERO) - share
        rows.append(
            {"line": line, "product": line.product, "ordered": line.ordered, "picked": line.picked, "packed": share}
        )
    return rows


def short_of(rows: list[dict]) -> list[dict]:
    return [row for row in rows if row["packed"] < row["ordered"]]


def ready_to_close(order: Order) -> list[dict]:
    """The order's progress, when it may close: something packed, no carton open with items."""
    carton = open_carton(order)
    if carton is not None and contents_of(carton)["units"] > 0:
        raise ScanRejected(_("Close carton %(n)s first (Carton), then Done") % {"n": carton.number})
    rows = progress(order)
    if not any(row["packed"] > 0 for row in rows):
        raise ScanRejected(_("Nothing is packed yet — scan the items"))
    return rows


def close_order(packing: Packing, order: Order, *, key: str, device: str, approved: dict | None = None) -> Outcome:
    """Stock goes tote → the carton's station (into the carton's package) → output, in one post;
    what was picked and not packed stays at this station, loose; the totes are freed; Odoo gets
    one delivery with the cartons as packages."""
    actor = packing.actor
    empty = open_carton(order, lock=True)
    if empty is not None:  # chosen, nothing left in it: not a carton at all
        if PackedItem.objects.filter(carton=empty).exists():
            Carton.objects.filter(pk=empty.pk).update(state=Carton.State.CLOSED, closed_at=timezone.now())
        else:
            empty.delete()
    cartons = {
        c.pk: c for c in Carton.objects.filter(order=order, package__isnull=False).select_related("station__location")
    }
    packed = [
        (cartons[carton_id], product, lot, quantity)
        for carton_id, product, lot, quantity in packed_rows(carton__order=order)
        .values_list("carton_id", "product_id", "lot_id", "quantity")
        .order_by("carton__number", "product_id", "lot_id")
    ]
    totes, held = delivery.in_totes(order)
    in_totes = [[quant.location_id, quant.product_id, quant.lot_id, quant.package_id, quant.quantity] for quant in held]
    output = location_of_kind(order.warehouse, Location.Kind.OUTPUT)
    if output is None:
        raise ScanRejected(_("This warehouse has no output area — ask a supervisor"))
    common = {"actor": actor, "device": device[:64], "reference": order.reference[:64]}
    moves = []
    for carton, product, lot, quantity in packed:
        station = carton.station.location
        left = quantity
        for source in in_totes:
            location, item, source_lot, package, available = source
            if left <= 0:
                break
            if item != product or source_lot != lot or available <= 0:
                continue
            take = min(left, available)
            source[4] -= take
            left -= take
            moves.append(
                Move(
                    product_id=product,
                    lot_id=lot,
                    package_id=package,
                    to_package_id=carton.package_id,
                    quantity=take,
                    from_location_id=location,
                    to_location=station,
                    **common,
                )
            )
        if left > 0:
            raise ScanRejected(_("The totes hold less than was packed — ask a supervisor to count them"))
        moves.append(
            Move(
                product_id=product,
                lot_id=lot,
                package_id=carton.package_id,
                quantity=quantity,
                from_location=station,
                to_location=output,
                **common,
            )
        )
    left_here = ZERO
    for location, product, lot, package, available in in_totes:
        if available > 0:  # picked, not packed: left at the station for someone to put back
            left_here += available
            moves.append(
                Move(
                    product_id=product,
                    lot_id=lot,
                    package_id=package,
                    quantity=available,
                    from_location_id=location,
                    to_location=packing.station.location,
                    **common,
                )
            )
    told = delivery.packed_lines(order, [(c.package_id, product, lot, q) for c, product, lot, q in packed])
    sent: dict[int, Decimal] = defaultdict(Decimal)
    for line_id, line in told:
        sent[line_id] += Decimal(line["quantity"])
    delivery.ship(
        order=order,
        actor=actor,
        moves=moves,
        key=scan_key("pack", key),
        totes=totes,
        lines=[line for _line_id, line in told],
        backorder=any(sent[line.pk] < line.ordered for line in order.lines.all()),
        state=Order.State.PACKED,
        approval=approved,
    )
    clear(packing)
    packing.save()
    message = ngettext(
        "%(order)s packed — %(n)s carton to output", "%(order)s packed — %(n)s cartons to output", len(cartons)
    ) % {"order": order.reference, "n": len(cartons)}
    if approved:
        message += " · " + _("short shipment approved by %(name)s") % {"name": approved["name"]}
    if left_here:
        message += " · " + _("%(n)s not packed: leave them at %(station)s") % {
            "n": qty(left_here),
            "station": packing.station.name,
        }
    return Outcome(packing, message, "document")
