"""Cartons: what they hold, the one Floor suggests, choosing one, closing it and weighing it
(an SSCC, a package in the ledger, a label)."""

from decimal import Decimal

from django.db.models import F, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from floor.errors import ScanRejected
from floor.packing import printing, sscc
from floor.packing.models import Carton, CartonContent, CartonType, Packing
from floor.packing.place import ZERO, Outcome, Waiting, lock_order
from floor.picking.models import Order, OrderLine, PickRecord
from floor.warehouse.models import Package, Product
from floor.warehouse.quantities import qty

# Items never fill a carton to the last cm³ (their shapes, the padding): a carton is suggested for
# what fills at most 85 % of it. Putting an item in is refused only past 100 %: the packer sees
# the box, Floor only the items' recorded volumes.
FILL_FACTOR = Decimal("0.85")
MAX_WEIGHT_KG = Decimal(100_000)
GRAM = Decimal("0.001")


def open_carton(order: Order, *, lock: bool = False) -> Carton | None:
    cartons = Carton.objects.select_related("carton_type", "station")
    if lock:
        cartons = cartons.select_for_update(of=("self",))
    return cartons.filter(order=order, state=Carton.State.OPEN).first()


def net(rows):
    """PackedItem rows that still count: neither an undo nor undone."""
    return rows.filter(reverses=None, reversal__isnull=True)


def packed_rows(**filters):
    """What the cartons hold (CartonContent rows), by `filters`."""
    return CartonContent.objects.filter(quantity__gt=0, **filters)


def contents_of(carton: Carton) -> dict:
    """What is in the carton: units, and their weight (kg) and volume (m³) by the items' records."""
    totals = packed_rows(carton=carton).aggregate(
        units=Sum("quantity"),
        weight=Sum(F("quantity") * F("product__weight")),
        volume=Sum(F("quantity") * F("product__volume")),
    )
    return {name: Decimal(value or 0) for name, value in totals.items()}


def remaining(order: Order) -> tuple[Decimal, Decimal, Decimal]:
    """Units picked and not packed yet, and their weight and volume."""
    picked = PickRecord.objects.filter(pick__order_line__order=order, reverses=None, reversal__isnull=True).aggregate(
        units=Sum("quantity"),
        weight=Sum(F("quantity") * F("pick__product__weight")),
        volume=Sum(F("quantity") * F("pick__product__volume")),
    )
    packed = packed_rows(carton__order=order).aggregate(
        units=Sum("quantity"),
        weight=Sum(F("quantity") * F("product__weight")),
        volume=Sum(F("quantity") * F("product__volume")),
    )
    return tuple(Decimal(picked[k] or 0) - Decimal(packed[k] or 0) for k in ("units", "weight", "volume"))


def carton_types(warehouse_id: int) -> list[CartonType]:
    return sorted(
        CartonType.objects.filter(warehouse_id=warehouse_id, active=True), key=lambda t: (t.volume_m3, t.max_weight_kg)
    )


def suggest_carton(order: Order, types: list[CartonType] | None = None) -> CartonType | None:
    """The smallest active carton type whose volume (filled to FILL_FACTOR) holds the items still
    to pack and whose maximum weight holds them with the carton itself; if none holds all, the
    largest: the rest goes in more cartons."""
    types = carton_types(order.warehouse_id) if types is None else types
    if not types:
        return None
    _units, weight, volume = remaining(order)
    for carton_type in types:
        if volume <= carton_type.volume_m3 * FILL_FACTOR and weight + carton_type.tare_kg <= carton_type.max_weight_kg:
            return carton_type
    return types[-1]


def choose_type(packing: Packing, carton_type_id: int) -> Outcome:
    if packing.order_id is None:
        raise ScanRejected(_("Scan a tote first, then the carton"))
    if packing.waiting == Waiting.WEIGHT:
        raise ScanRejected(_("Weigh the carton first — or scan CANCEL to go on packing it"))
    carton_type = CartonType.objects.filter(
        pk=carton_type_id, warehouse_id=packing.station.warehouse_id, active=True
    ).first()
    if carton_type is None:
        raise ScanRejected(_("That carton is not used in this warehouse — choose another"))
    order = lock_order(packing)
    if isinstance(order, Outcome):
        return order  # closed by someone else meanwhile
    carton = open_carton(order, lock=True)
    if carton is not None:
        if contents_of(carton)["units"] > 0:
            raise ScanRejected(
                _("Carton %(n)s is open with items in it — close it first (Carton)") % {"n": carton.number}
            )
        carton.carton_type, carton.station = carton_type, packing.station
        carton.save(update_fields=["carton_type", "station"])
    else:
        number = (order.cartons.aggregate(last=Max("number"))["last"] or 0) + 1
        carton = Carton.objects.create(
            order=order, station=packing.station, carton_type=carton_type, number=number, opened_by=packing.actor
        )
    packing.carton, packing.waiting = carton, Waiting.ITEM
    packing.save()
    return Outcome(
        packing,
        _("Carton %(n)s: %(type)s — scan the items into it") % {"n": carton.number, "type": carton_type.name},
    )


def close_open_carton(packing: Packing) -> Outcome:
    if packing.order_id is None:
        raise ScanRejected(_("Scan a tote first"))
    if packing.waiting == Waiting.APPROVAL:
        raise ScanRejected(_("A supervisor must scan their badge (or scan CANCEL)"), sound="supervisor")
    order = lock_order(packing)
    if isinstance(order, Outcome):
        return order  # closed by someone else meanwhile
    carton = open_carton(order)
    if carton is None:
        raise ScanRejected(_("No carton is open — choose one"))
    if contents_of(carton)["units"] <= 0:
        raise ScanRejected(_("Carton %(n)s is empty — scan items into it first") % {"n": carton.number})
    packing.carton, packing.waiting = carton, Waiting.WEIGHT
    packing.save()
    if packing.station.scale_host:
        return Outcome(packing, _("Put carton %(n)s on the scale and read it") % {"n": carton.number})
    return Outcome(packing, _("Weigh carton %(n)s and type its weight") % {"n": carton.number})


def weigh_open_carton(packing: Packing, weight: Decimal, *, on_scale: bool) -> Outcome:
    if packing.waiting != Waiting.WEIGHT:
        raise ScanRejected(_("Close the carton first (Carton), then weigh it"))
    if weight <= 0 or weight >= MAX_WEIGHT_KG or weight != weight.quantize(GRAM):
        raise ScanRejected(_("Type the weight in kg, to the gram at most"))
    order = lock_order(packing)
    if isinstance(order, Outcome):
        return order  # closed by someone else meanwhile
    carton = open_carton(order, lock=True)
    if carton is None:  # closed by someone else at this order meanwhile
        packing.carton, packing.waiting = None, Waiting.CARTON
        packing.save()
        return Outcome(packing, _("That carton was closed meanwhile — choose the next"), "warning")
    carton_type = carton.carton_type
    if weight > carton_type.max_weight_kg:
        raise ScanRejected(
            _("%(kg)s kg is over %(type)s's maximum of %(max)s kg — take items out (Undo) into another carton")
            % {"kg": qty(weight), "type": carton_type.name, "max": qty(carton_type.max_weight_kg)}
        )
    carton.station = packing.station  # weighed here: its label prints here
    carton.sscc = sscc.for_carton(carton)
    carton.package = Package.objects.create(barcode=carton.sscc)
    carton.weight_kg, carton.weighed_on_scale = weight, on_scale
    carton.state, carton.closed_at = Carton.State.CLOSED, timezone.now()
    carton.save()
    job = printing.print_carton_label(carton=carton)
    units, _weight, _volume = remaining(order)
    packing.carton = None
    packing.waiting = Waiting.CARTON if units > 0 else Waiting.ITEM
    packing.save()
    said = {"n": carton.number, "kg": qty(weight), "sscc": carton.sscc}
    message = _("Carton %(n)s closed · %(kg)s kg · SSCC %(sscc)s") % said
    if job is None:
        message += " · " + _("print its label from the preview")
    if units > 0:
        return Outcome(packing, message + " · " + _("choose the next carton"), "line")
    return Outcome(packing, message + " · " + _("all packed — Done"), "line")


def cartons_of(order: Order) -> list[Carton]:
    return list(Carton.objects.filter(order_id=order.pk).select_related("carton_type").order_by("number"))


def lines_of(order: Order) -> list[OrderLine]:
    return list(OrderLine.objects.filter(order_id=order.pk).select_related("product").order_by("pk"))


def contents_from(in_cartons: dict, carton: Carton) -> dict:
    """`contents_of`, from what `sql.amounts` found packed."""
    totals = [ZERO, ZERO, ZERO]
    for (carton_id, _item, _lot), values in in_cartons.items():
        if carton_id == carton.pk:
            totals = [a + b for a, b in zip(totals, values, strict=True)]
    return dict(zip(("units", "weight", "volume"), totals, strict=True))


def check_room(carton: Carton, product: Product, quantity: Decimal, contents: dict | None = None) -> None:
    carton_type = carton.carton_type
    contents = contents_of(carton) if contents is None else contents
    weight = carton_type.tare_kg + contents["weight"] + product.weight * quantity
    if weight > carton_type.max_weight_kg:
        raise ScanRejected(
            _("Carton %(n)s would weigh %(kg)s kg, over its %(max)s kg — close it (Carton) and take another")
            % {"n": carton.number, "kg": qty(weight.quantize(GRAM)), "max": qty(carton_type.max_weight_kg)}
        )
    if contents["volume"] + product.volume * quantity > carton_type.volume_m3:
        raise ScanRejected(
            _("Carton %(n)s is full — close it (Carton) and take another") % {"n": carton.number},
            sound="warning",
        )
