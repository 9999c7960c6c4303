"""Packing at a station: the packer scans the station once, then a tote; each item is verified
(lot or serial against what was picked) into the order's open carton; a closed carton gets its
weight, an SSCC (a package in the ledger) and a label; Done moves the order's stock tote → the
station → output in its cartons and sends Odoo one delivery.

Nothing moves in the ledger until the order is done: what is packed is on record as PackedItem
rows (append-only; Undo writes one that reverses the last). The packer's place is a `Packing`
row, locked first by every request of theirs; then the order (every scan that packs, closes or
approves locks it, so two packers at one order never pack more than was picked); then quants
(in the ledger).

Waiting states (Packing.waiting) and what the next step is:
- TOTE: a tote (or the order's reference) — the station was scanned;
- CARTON: a carton type, scanned or chosen (Floor suggests one);
- ITEM: the order's items, into the open carton; Carton closes it, Done closes the order;
- WEIGHT: the open carton's weight, typed or read from the station's scale;
- APPROVAL: a supervisor's badge, then PIN, for a short shipment.
No station yet: the station.
"""

import functools
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from floor import events
from floor.accounts import approval
from floor.errors import ScanRejected
from floor.ledger import services as ledger
from floor.ledger.keys import scan_key
from floor.ledger.models import Move, Quant
from floor.odoo import outbox
from floor.odoo.models import Operation
from floor.packing import printing, scale, sql, sscc
from floor.packing.models import Carton, CartonContent, CartonType, PackedItem, Packing, PrintJob, Station
from floor.picking import delivery
from floor.picking.models import Order, OrderLine, Pick, PickRecord, TaskTote
from floor.scanning.parser import Command, Document, Kind, Scan, readable
from floor.scanning.replay import first_time
from floor.scanning.selectors import scanned_name
from floor.warehouse.models import Location, Lot, Package, Product, Tote
from floor.warehouse.quantities import qty
from floor.warehouse.services import location_of_kind

FLOW = "pack"
Waiting = Packing.Waiting
ZERO = Decimal(0)
# Items never fill a carton to the last cm³ (their shapes, the padding): a carton is suggested for
# what fills at most 85 % of it. Putting an item in is refused only past 100 %: the packer sees
# the box, Floor only the items' recorded volumes.
FILL_FACTOR = Decimal("0.85")
SET_ASIDE_SHOWN = 12  # the latest ones; the list empties when the order closes
MAX_WEIGHT_KG = Decimal(100_000)
GRAM = Decimal("0.001")
CARTON_TYPE = "carton_type"  # Document.model of a carton type's barcode (read by `own_code`)


@dataclass
class Seen:
    """What an item scan already read (and wrote) of its order, handed on to the screen so that it
    asks the database for none of it again."""

    lines: list[OrderLine]  # with their products, by pk
    cartons: list[Carton]  # with their types, by number
    packed: dict[int, Decimal]  # product id → units packed (net), this scan's included
    last: tuple  # as `_last_packed`: this scan's item
    totes: list[str]  # the barcodes of the order's totes not freed yet


@dataclass
class Outcome:
    packing: Packing
    message: str = ""
    # ok | line | document | warning | supervisor | error | wrong_item
    sound: str = "ok"
    seen: Seen | None = None
    asks_quantity: bool = False  # the quantity field opens: QTY was scanned

    @property
    def band(self) -> str:
        """Where the message shows: the feedback band's colour."""
        if self.sound in ("error", "wrong_item"):
            return "error"
        if self.sound in ("warning", "supervisor"):
            return "warning"
        return "ok"


class _Stop(Exception):  # noqa: N818 — not an error: an outcome that ends the request early
    def __init__(self, outcome: Outcome):
        self.outcome = outcome


def _stops(action):
    """An action that may end early with an outcome (`_Stop`) that must be kept, not rolled back."""

    @functools.wraps(action)
    def wrapped(*args, **kwargs):
        try:
            return action(*args, **kwargs)
        except _Stop as stop:
            return stop.outcome

    return wrapped


# --- The person's place in the work


def packing_for(*, actor, warehouse, lock: bool = False) -> Packing:
    if lock:
        # Every action starts here; it reads the order (locked) and its cartons itself.
        packing = sql.packing_locked(actor.pk)
        if packing is None:
            Packing.objects.bulk_create([Packing(actor=actor)], ignore_conflicts=True)
            packing = sql.packing_locked(actor.pk)
    else:
        found = Packing.objects.select_related("station", "order", "carton")
        try:
            packing = found.get(actor=actor)
        except Packing.DoesNotExist:
            Packing.objects.bulk_create([Packing(actor=actor)], ignore_conflicts=True)
            packing = found.get(actor=actor)
    packing.actor = actor
    if packing.station_id and packing.station.warehouse_id != warehouse.pk:  # moved to another warehouse
        packing.station = None
        _clear(packing)
        packing.waiting = ""
        packing.save()
    return packing


def _clear(packing: Packing) -> None:
    """Back to "Scan a tote": the order is let go, what was packed stays packed."""
    packing.order, packing.carton, packing.set_aside = None, None, []
    packing.approver, packing.approval, packing.next_quantity = None, "", None
    packing.waiting = Waiting.TOTE if packing.station_id else ""


def _begin(*, actor, warehouse, key: str, raw: str) -> tuple[Packing, Outcome | None]:
    """What every action starts with: the person's place locked, the key recorded. An outcome
    means the key was seen before: show it, change nothing."""
    packing = packing_for(actor=actor, warehouse=warehouse, lock=True)
    if not first_time(key=key, actor=actor, flow=FLOW, raw=raw[:200]):
        return packing, Outcome(packing, _("Already counted — that scan was sent twice"), "warning")
    return packing, None


def _said(scan: Scan) -> dict:
    return {"code": readable(scan.code)}


def _named(scan: Scan, warehouse) -> dict:
    """What a rejection says was scanned: the item's SKU, a tote, a document… (asked only then)."""
    return {"code": scanned_name(scan=scan, warehouse_id=warehouse.pk)}


def own_code(*, actor, warehouse, raw: str) -> Scan | None:
    """A code only packing knows, read when `parse` knows nothing of it: a station's barcode (its
    pack location), a carton type's barcode, or a plain lot or serial label of an item the
    person's order holds. None: it is none of these."""
    code = raw.strip()
    if not code or len(code) > 64 or not code.isprintable() or warehouse is None:
        return None
    station = Station.objects.filter(barcode=code).values_list("location_id", flat=True).first()
    if station is not None:
        return Scan(raw=raw, code=code, kind=Kind.LOCATION, location_id=station)
    carton_type = CartonType.objects.filter(barcode=code).values_list("pk", "code").first()
    if carton_type is not None:
        document = Document(model=CARTON_TYPE, id=carton_type[0], reference=carton_type[1], state="")
        return Scan(raw=raw, code=code, kind=Kind.DOCUMENT, document=document)
    tracking = (
        Lot.objects.filter(
            name=code,
            product__in=OrderLine.objects.filter(
                order__in=Packing.objects.filter(actor=actor, order__isnull=False).values("order")
            ).values("product"),
        )
        .values_list("product__tracking", flat=True)
        .first()
    )
    if tracking is None:
        return None
    label = {"serial": code} if tracking == Product.Tracking.SERIAL else {"lot": code}
    return Scan(raw=raw, code=code, kind=Kind.GS1, **label)


# --- Scans


@transaction.atomic
@_stops
def handle_scan(*, actor, warehouse, scan: Scan, key: str, device: str = "") -> Outcome:
    packing, replayed = _begin(actor=actor, warehouse=warehouse, key=key, raw=scan.raw)
    if replayed:
        return replayed
    if scan.kind == Kind.COMMAND:
        return _command(packing, scan, key=key, device=device)
    if packing.waiting == Waiting.APPROVAL:
        return _approver(packing, scan)
    if scan.kind == Kind.LOCATION:
        return _station(packing, warehouse, scan)
    if packing.station_id is None:
        raise ScanRejected(_("Scan your station first (scanned %(code)s)") % _named(scan, warehouse))
    if scan.kind == Kind.TOTE or (scan.kind == Kind.DOCUMENT and scan.document.model == "order"):
        return _tote(packing, scan)
    if scan.kind == Kind.DOCUMENT and scan.document.model == CARTON_TYPE:
        return _choose(packing, scan.document.id)
    if packing.order_id is None:
        raise ScanRejected(_("Scan a tote (scanned %(code)s)") % _named(scan, warehouse))
    if scan.kind in (Kind.PRODUCT, Kind.GS1):
        if packing.waiting == Waiting.WEIGHT:
            raise ScanRejected(_("Weigh the carton first — or scan CANCEL to go on packing it"))
        return _item(packing, scan, device=device)
    raise ScanRejected(
        _("Scan an item of %(order)s (scanned %(code)s)") % {"order": packing.order, **_named(scan, warehouse)}
    )


def _command(packing: Packing, scan: Scan, *, key: str, device: str) -> Outcome:
    if scan.command == Command.UNDO:
        return _undo(packing, device=device)
    if scan.command == Command.CANCEL:
        return _cancel(packing)
    if scan.command in (Command.DONE, Command.PROBLEM):
        if packing.waiting == Waiting.APPROVAL:
            raise ScanRejected(_("A supervisor must scan their badge (or scan CANCEL)"), sound="supervisor")
        return _finish(packing, key=key, device=device, problem=scan.command == Command.PROBLEM)
    if scan.command == Command.QTY and packing.waiting == Waiting.WEIGHT:
        return Outcome(packing, _("Type the weight"), "warning")
    if scan.command == Command.QTY and packing.order_id is not None and packing.waiting == Waiting.ITEM:
        return Outcome(packing, _("Type how many, then scan the item"), "warning", asks_quantity=True)
    raise ScanRejected(_("%(command)s does nothing here") % {"command": scan.command})


# --- Station and tote


def _station(packing: Packing, warehouse, scan: Scan) -> Outcome:
    station = Station.objects.select_related("location").filter(location_id=scan.location_id).first()
    if station is None:
        name = Location.objects.filter(pk=scan.location_id).values_list("name", flat=True).first()
        raise ScanRejected(_("%(name)s is no pack station — scan your station's barcode") % {"name": name})
    if station.warehouse_id != warehouse.pk:
        raise ScanRejected(_("Station %(station)s is of another warehouse") % {"station": station.name})
    if not station.active:
        raise ScanRejected(_("Station %(station)s is not in use — use another") % {"station": station.name})
    packing.station = station
    if packing.order_id is None:
        packing.waiting = Waiting.TOTE
    packing.save()
    if packing.order_id is None:
        return Outcome(packing, _("Station %(station)s — scan a tote") % {"station": station.name})
    return Outcome(packing, _("Station %(station)s") % {"station": station.name})


def _tote(packing: Packing, scan: Scan) -> Outcome:
    warehouse_id = packing.station.warehouse_id
    if scan.kind == Kind.TOTE:
        binding = TaskTote.objects.select_related("order").filter(tote_id=scan.tote_id, freed_at=None).first()
        if binding is None:
            if not Tote.objects.filter(pk=scan.tote_id, warehouse_id=warehouse_id).exists():
                raise ScanRejected(_("Tote %(code)s is of another warehouse") % _said(scan))
            raise ScanRejected(_("Tote %(code)s carries no order — scan a tote from picking") % _said(scan))
        order = binding.order
    else:
        order = Order.objects.get(pk=scan.document.id)
        if not TaskTote.objects.filter(order=order, tote__isnull=False, freed_at=None).exists():
            raise ScanRejected(_("%(order)s has no tote waiting at packing") % {"order": order.reference})
    said = {"order": order.reference, **_said(scan)}
    if order.warehouse_id != warehouse_id:
        raise ScanRejected(_("%(order)s is of another warehouse") % said)
    if packing.order_id is not None and packing.order.state != Order.State.PICKED:
        _clear(packing)  # closed by someone else meanwhile: nothing of it to finish here
    if packing.order_id == order.pk:
        return Outcome(packing, _("%(code)s is %(order)s's too") % said)
    if packing.order_id is not None:
        raise ScanRejected(
            _("Finish %(current)s first — Done, or Leave it (scanned %(code)s of %(order)s)")
            % {"current": packing.order.reference, **said}
        )
    if order.state in (Order.State.OPEN, Order.State.IN_WAVE):
        left = Pick.objects.filter(order_line__order=order, state=Pick.State.OPEN).count()
        raise ScanRejected(
            ngettext(
                "%(order)s is still being picked — %(n)s stop left",
                "%(order)s is still being picked — %(n)s stops left",
                left,
            )
            % {**said, "n": left}
        )
    if order.state != Order.State.PICKED:
        raise ScanRejected(
            _("%(order)s is %(state)s — ask a supervisor") % {**said, "state": order.get_state_display().lower()}
        )
    packing.order = order
    packing.set_aside, packing.approver, packing.approval = [], None, ""
    packing.carton = order.cartons.filter(state=Carton.State.OPEN).select_related("carton_type").first()
    packing.waiting = Waiting.ITEM if packing.carton else Waiting.CARTON
    packing.save()
    others = list(
        TaskTote.objects.filter(order=order, tote__isnull=False, freed_at=None)
        .exclude(tote_id=scan.tote_id)
        .values_list("tote__barcode", flat=True)
    )
    message = _("Packing %(order)s") % said
    if others:
        message += " · " + _("its other totes: %(totes)s") % {"totes": ", ".join(others)}
    if order.odoo_changed:
        return Outcome(packing, message + " · " + _("changed in Odoo — ask a supervisor"), "warning")
    return Outcome(packing, message)


def _order(packing: Packing) -> Order:
    """The person's order, locked; when someone else finished it meanwhile, they are told so and
    are back at "Scan a tote"."""
    return _still_picked(packing, Order.objects.select_for_update().get(pk=packing.order_id))


def _order_and_lines(packing: Packing) -> tuple[Order, list[OrderLine]]:
    """`_order`, with the order's lines and their items read in the same statement."""
    order, lines = sql.order_locked(packing.order_id)
    return _still_picked(packing, order), lines


def _still_picked(packing: Packing, order: Order) -> Order:
    if order.state != Order.State.PICKED:
        reference = order.reference
        _clear(packing)
        packing.save()
        raise _Stop(Outcome(packing, _("%(order)s was closed by someone else — scan a tote") % {"order": reference}))
    packing.order = order
    return order


# --- Cartons


def _open_carton(order: Order, *, lock: bool = False) -> Carton | None:
    cartons = Carton.objects.select_related("carton_type", "station")
    if lock:
        cartons = cartons.select_for_update(of=("self",))
    return cartons.filter(order=order, state=Carton.State.OPEN).first()


def _net(rows):
    """PackedItem rows that still count: neither an undo nor undone."""
    return rows.filter(reverses=None, reversal__isnull=True)


def _packed(**filters):
    """What the cartons hold (CartonContent rows), by `filters`."""
    return CartonContent.objects.filter(quantity__gt=0, **filters)


def _contents(carton: Carton) -> dict:
    """What is in the carton: units, and their weight (kg) and volume (m³) by the items' records."""
    totals = _packed(carton=carton).aggregate(
        units=Sum("quantity"),
        weight=Sum(F("quantity") * F("product__weight")),
        volume=Sum(F("quantity") * F("product__volume")),
    )
    return {name: Decimal(value or 0) for name, value in totals.items()}


def _remaining(order: Order) -> tuple[Decimal, Decimal, Decimal]:
    """Units picked and not packed yet, and their weight and volume."""
    picked = PickRecord.objects.filter(pick__order_line__order=order, reverses=None, reversal__isnull=True).aggregate(
        units=Sum("quantity"),
        weight=Sum(F("quantity") * F("pick__product__weight")),
        volume=Sum(F("quantity") * F("pick__product__volume")),
    )
    packed = _packed(carton__order=order).aggregate(
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
    _units, weight, volume = _remaining(order)
    for carton_type in types:
        if volume <= carton_type.volume_m3 * FILL_FACTOR and weight + carton_type.tare_kg <= carton_type.max_weight_kg:
            return carton_type
    return types[-1]


def _choose(packing: Packing, carton_type_id: int) -> Outcome:
    if packing.order_id is None:
        raise ScanRejected(_("Scan a tote first, then the carton"))
    if packing.waiting == Waiting.WEIGHT:
        raise ScanRejected(_("Weigh the carton first — or scan CANCEL to go on packing it"))
    carton_type = CartonType.objects.filter(
        pk=carton_type_id, warehouse_id=packing.station.warehouse_id, active=True
    ).first()
    if carton_type is None:
        raise ScanRejected(_("That carton is not used in this warehouse — choose another"))
    order = _order(packing)
    carton = _open_carton(order, lock=True)
    if carton is not None:
        if _contents(carton)["units"] > 0:
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
    events.changed("order", order.pk, by=packing.actor_id)
    return Outcome(
        packing,
        _("Carton %(n)s: %(type)s — scan the items into it") % {"n": carton.number, "type": carton_type.name},
    )


@transaction.atomic
@_stops
def choose_carton(*, actor, warehouse, carton_type: int, key: str) -> Outcome:
    packing, replayed = _begin(actor=actor, warehouse=warehouse, key=key, raw=f"carton {carton_type}")
    if replayed:
        return replayed
    if packing.station_id is None:
        raise ScanRejected(_("Scan your station first"))
    return _choose(packing, carton_type)


@transaction.atomic
@_stops
def close_carton(*, actor, warehouse, key: str) -> Outcome:
    """The carton is full or the items are in: its weight is asked for next."""
    packing, replayed = _begin(actor=actor, warehouse=warehouse, key=key, raw="close carton")
    if replayed:
        return replayed
    if packing.order_id is None:
        raise ScanRejected(_("Scan a tote first"))
    if packing.waiting == Waiting.APPROVAL:
        raise ScanRejected(_("A supervisor must scan their badge (or scan CANCEL)"), sound="supervisor")
    order = _order(packing)
    carton = _open_carton(order)
    if carton is None:
        raise ScanRejected(_("No carton is open — choose one"))
    if _contents(carton)["units"] <= 0:
        raise ScanRejected(_("Carton %(n)s is empty — scan items into it first") % {"n": carton.number})
    packing.carton, packing.waiting = carton, Waiting.WEIGHT
    packing.save()
    if packing.station.scale_host:
        return Outcome(packing, _("Put carton %(n)s on the scale and read it") % {"n": carton.number})
    return Outcome(packing, _("Weigh carton %(n)s and type its weight") % {"n": carton.number})


def read_scale(*, actor, warehouse, key: str, device: str = "") -> Outcome:
    """The open carton's weight from the station's scale. The scale is read before the transaction
    starts: nothing is locked while it answers."""
    packing = packing_for(actor=actor, warehouse=warehouse)
    if packing.station_id is None:
        raise ScanRejected(_("Scan your station first"))
    if packing.waiting != Waiting.WEIGHT:
        raise ScanRejected(_("Close the carton first (Carton), then weigh it"))
    weight = scale.read_weight(packing.station)
    return record_weight(actor=actor, warehouse=warehouse, weight=weight, key=key, device=device, on_scale=True)


@transaction.atomic
@_stops
def record_weight(*, actor, warehouse, weight: Decimal, key: str, device: str = "", on_scale: bool = False) -> Outcome:
    """Close the open carton at this weight: it gets an SSCC, a package in the ledger (what it
    will carry at Done) and a label for the station's printer."""
    packing, replayed = _begin(actor=actor, warehouse=warehouse, key=key, raw=f"weight {weight}")
    if replayed:
        return replayed
    if packing.waiting != Waiting.WEIGHT:
        raise ScanRejected(_("Close the carton first (Carton), then weigh it"))
    if weight <= 0 or weight >= MAX_WEIGHT_KG or weight != weight.quantize(GRAM):
        raise ScanRejected(_("Type the weight in kg, to the gram at most"))
    order = _order(packing)
    carton = _open_carton(order, lock=True)
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
    units, _weight, _volume = _remaining(order)
    packing.carton = None
    packing.waiting = Waiting.CARTON if units > 0 else Waiting.ITEM
    packing.save()
    events.changed("order", order.pk, by=packing.actor_id)
    said = {"n": carton.number, "kg": qty(weight), "sscc": carton.sscc}
    message = _("Carton %(n)s closed · %(kg)s kg · SSCC %(sscc)s") % said
    if job is None:
        message += " · " + _("print its label from the preview")
    if units > 0:
        return Outcome(packing, message + " · " + _("choose the next carton"), "line")
    return Outcome(packing, message + " · " + _("all packed — Done"), "line")


# --- Items


def _set_aside(packing: Packing, scan: Scan, product: Product | None, why: str) -> Outcome:
    """A wrong or extra item: nothing is recorded but the note on screen, until the order closes."""
    entry = {"code": readable(scan.code), "sku": product.sku if product else "", "why": why}
    name = scan.serial or scan.lot
    if name:
        entry["lot"] = name
    packing.set_aside = [*packing.set_aside, entry][-SET_ASIDE_SHOWN:]
    packing.save(update_fields=["set_aside", "updated_at"])
    return Outcome(packing, _("%(why)s — set it aside") % {"why": why}, "wrong_item")


def _product_of_label(packing: Packing, order: Order, scan: Scan) -> Product | Outcome:
    """A lot or serial label alone: the item of the order picked with that lot."""
    name = scan.lot or scan.serial
    products = list(
        PickRecord.objects.filter(pick__order_line__order=order, lot__name=name, reverses=None, reversal__isnull=True)
        .values_list("pick__product_id", flat=True)
        .distinct()[:2]
    )
    if not products:  # a lot of one of the order's items, not the one picked: a wrong lot
        products = list(
            Lot.objects.filter(name=name, product__in=order.lines.values("product"))
            .values_list("product_id", flat=True)
            .distinct()[:2]
        )
    if not products:
        return _set_aside(
            packing, scan, None, _("%(lot)s was not picked for %(order)s") % {"lot": name, "order": order.reference}
        )
    if len(products) > 1:
        raise ScanRejected(_("%(lot)s is on more than one item — scan the item's GS1 label") % {"lot": name})
    return Product.objects.get(pk=products[0])


def _item(packing: Packing, scan: Scan, *, device: str) -> Outcome:
    order, lines = _order_and_lines(packing)
    # Read after the order's lock, never with it: what another packer at the order changed while
    # this scan waited for the lock is seen.
    cartons = sql.cartons(order.pk)
    carton = next((c for c in cartons if c.state == Carton.State.OPEN), None)
    if carton is None or packing.waiting == Waiting.CARTON:
        packing.carton, packing.waiting = carton, Waiting.ITEM if carton else Waiting.CARTON
        packing.save()
        if carton is None:
            suggested = suggest_carton(order)
            message = _("Choose a carton first (or scan its barcode)")
            if suggested is not None:
                message += " · " + _("Floor suggests %(type)s") % {"type": suggested.name}
            raise _Stop(Outcome(packing, message, "warning"))
    if scan.product_id is None:
        if not (scan.lot or scan.serial):
            raise ScanRejected(_("Scan an item of %(order)s (scanned %(code)s)") % {"order": order, **_said(scan)})
        found = _product_of_label(packing, order, scan)
        if isinstance(found, Outcome):
            return found
        product = found
    else:
        product = next((line.product for line in lines if line.product_id == scan.product_id), None)
        if product is None:  # not an item of the order's lines: read for its SKU, set aside below
            product = Product.objects.get(pk=scan.product_id)
    said = {"sku": product.sku, "order": order.reference}
    # What the order's cartons hold, what was picked of the item, the totes: one question for the
    # checks below, the open carton's room and the screen.
    in_cartons, picked, totes = sql.amounts(order.pk, product.pk)
    if not picked:
        return _set_aside(packing, scan, product, _("%(sku)s was not picked for %(order)s") % said)
    packed = defaultdict(Decimal)
    for (_carton, item, lot), (units, _weight, _volume) in in_cartons.items():
        if item == product.pk:
            packed[lot] += units
    serial = product.tracking == Product.Tracking.SERIAL
    quantity = packing.next_quantity or scan.quantity  # several identical units, typed once
    if product.tracking == Product.Tracking.NONE:
        lot_id = None
    else:
        name = scan.serial if serial else scan.lot
        if not name:
            what = _("serial number") if serial else _("lot")
            return Outcome(packing, _("Scan the %(what)s label of %(sku)s") % {"what": what, **said}, "warning")
        if serial and quantity != 1:
            raise ScanRejected(_("One scan per serial-numbered unit — scan each unit's serial"))
        lot_id = next((lot for lot, (lot_name, _q) in picked.items() if lot_name == name), None)
        if lot_id is None:
            wanted = ", ".join(sorted(lot_name for lot_name, _q in picked.values() if lot_name)[:3])
            if serial:
                why = _("Serial %(lot)s was not picked — picked %(wanted)s") % {"lot": name, "wanted": wanted}
            else:
                why = _("Wrong lot %(lot)s — picked %(wanted)s") % {"lot": name, "wanted": wanted}
            return _set_aside(packing, scan, product, why)
        if serial and packed.get(lot_id, ZERO) >= 1:
            raise ScanRejected(_("Serial %(lot)s is packed already") % {"lot": name})
    left = picked.get(lot_id, (None, ZERO))[1] - packed.get(lot_id, ZERO)
    if left <= 0:
        return _set_aside(packing, scan, product, _("One %(sku)s more than was picked") % said)
    if quantity > left and packing.next_quantity:
        raise ScanRejected(
            _("Only %(n)s more × %(sku)s to pack (typed %(typed)s)") % {"n": qty(left), "typed": qty(quantity), **said}
        )
    if quantity > left:
        raise ScanRejected(_("Only %(n)s more × %(sku)s to pack — scan them one by one") % {"n": qty(left), **said})
    _check_room(carton, product, quantity, _contents_of(in_cartons, carton))
    sql.add_item(
        carton_id=carton.pk,
        product_id=product.pk,
        lot_id=lot_id,
        quantity=quantity,
        actor_id=packing.actor_id,
        device=device[:64],
    )
    moved = packing.carton_id != carton.pk or packing.waiting != Waiting.ITEM or packing.next_quantity is not None
    packing.carton, packing.waiting, packing.next_quantity = carton, Waiting.ITEM, None
    if moved:  # most scans leave the place as it was: nothing to write
        packing.save(update_fields=["carton", "waiting", "next_quantity", "updated_at"])
    events.changed("order", order.pk, by=packing.actor_id)
    line_packed = sum(packed.values(), ZERO) + quantity
    line_picked = sum((q for _name, q in picked.values()), ZERO)
    by_product = defaultdict(Decimal)
    for (_carton, item, _lot), (units, _weight, _volume) in in_cartons.items():
        by_product[item] += units
    by_product[product.pk] += quantity
    seen = Seen(
        lines=lines,
        cartons=cartons,
        packed=by_product,
        last=(quantity, product.pk, product.sku, carton.number, carton.state),
        totes=totes,
    )
    message = _("%(qty)s × %(sku)s — %(done)s of %(of)s in carton %(n)s") % {
        "qty": qty(quantity),
        "done": qty(line_packed),
        "of": qty(line_picked),
        "n": carton.number,
        **said,
    }
    if line_packed < line_picked:
        return Outcome(packing, message, seen=seen)
    units, _weight, _volume = _remaining(order)
    if units <= 0:
        return Outcome(packing, message + " · " + _("all packed: close the carton, then Done"), "document", seen)
    return Outcome(packing, message, "line", seen)


def _cartons_of(order: Order) -> list[Carton]:
    return list(Carton.objects.filter(order_id=order.pk).select_related("carton_type").order_by("number"))


def _lines_of(order: Order) -> list[OrderLine]:
    return list(OrderLine.objects.filter(order_id=order.pk).select_related("product").order_by("pk"))


def _contents_of(in_cartons: dict, carton: Carton) -> dict:
    """`_contents`, from what `sql.amounts` found packed."""
    totals = [ZERO, ZERO, ZERO]
    for (carton_id, _item, _lot), values in in_cartons.items():
        if carton_id == carton.pk:
            totals = [a + b for a, b in zip(totals, values, strict=True)]
    return dict(zip(("units", "weight", "volume"), totals, strict=True))


def _check_room(carton: Carton, product: Product, quantity: Decimal, contents: dict | None = None) -> None:
    carton_type = carton.carton_type
    contents = _contents(carton) if contents is None else contents
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


@transaction.atomic
@_stops
def set_next_quantity(*, actor, warehouse, quantity: Decimal, key: str, device: str = "") -> Outcome:
    """How many identical units the next item scan packs: what was picked of its lot still bounds it."""
    packing, replayed = _begin(actor=actor, warehouse=warehouse, key=key, raw=f"qty {quantity}")
    if replayed:
        return replayed
    if packing.order_id is None:
        raise ScanRejected(_("Scan a tote first"))
    if packing.waiting == Waiting.WEIGHT:
        raise ScanRejected(_("Weigh the carton first — or scan CANCEL to go on packing it"))
    if packing.waiting == Waiting.APPROVAL:
        raise ScanRejected(_("A supervisor must scan their badge (or scan CANCEL)"), sound="supervisor")
    packing.next_quantity = quantity
    packing.save(update_fields=["next_quantity", "updated_at"])
    return Outcome(packing, _("Next scan packs %(qty)s — scan the item") % {"qty": qty(quantity)})


# --- Undo and cancel


def undoable(packing: Packing) -> PackedItem | None:
    """The person's last item packed into this order that still counts."""
    if packing.order_id is None:
        return None
    return (
        _net(PackedItem.objects.filter(carton__order_id=packing.order_id, actor_id=packing.actor_id))
        .select_related("product", "lot", "carton")
        .order_by("-id")
        .first()
    )


def _last_packed(packing: Packing) -> tuple | None:
    """(quantity, item id, SKU, carton number, carton state) of the person's last item that
    still counts in this order."""
    if packing.order_id is None:
        return None
    return (
        _net(PackedItem.objects.filter(carton__order_id=packing.order_id, actor_id=packing.actor_id))
        .values_list("quantity", "product_id", "product__sku", "carton__number", "carton__state")
        .order_by("-id")
        .first()
    )


_UNREAD = object()


def undo_preview(packing: Packing, last=_UNREAD) -> str:
    """What Undo would do, said before it does it. `last`: `_last_packed`, when already read."""
    if packing.waiting in (Waiting.WEIGHT, Waiting.APPROVAL):
        return _("Undo: back to packing — nothing is recorded")
    if last is _UNREAD:
        last = _last_packed(packing)
    if last is None or last[4] != Carton.State.OPEN:
        return ""
    quantity, _product, sku, number, _state = last
    return _("Undo: take %(qty)s × %(sku)s out of carton %(n)s") % {"qty": qty(quantity), "sku": sku, "n": number}


@transaction.atomic
@_stops
def undo(*, actor, warehouse, key: str, device: str = "") -> Outcome:
    packing, replayed = _begin(actor=actor, warehouse=warehouse, key=key, raw="undo")
    return replayed or _undo(packing, device=device)


def _undo(packing: Packing, *, device: str) -> Outcome:
    if packing.waiting in (Waiting.WEIGHT, Waiting.APPROVAL):
        return _cancel(packing)
    if packing.order_id is None:
        raise ScanRejected(_("Nothing to undo"))
    order = _order(packing)
    last = undoable(packing)
    if last is None:
        raise ScanRejected(_("Nothing to undo"))
    if last.carton.state != Carton.State.OPEN:
        raise ScanRejected(
            _("Carton %(n)s is closed — Undo cannot take %(sku)s out of it")
            % {"n": last.carton.number, "sku": last.product.sku}
        )
    PackedItem.objects.create(
        carton=last.carton,
        product=last.product,
        lot=last.lot,
        quantity=last.quantity,
        actor=packing.actor,
        device=device[:64],
        reverses=last,
    )
    CartonContent.objects.filter(carton_id=last.carton_id, product_id=last.product_id, lot_id=last.lot_id).update(
        quantity=F("quantity") - last.quantity
    )
    packing.carton, packing.waiting = last.carton, Waiting.ITEM
    packing.save()
    events.changed("order", order.pk, by=packing.actor_id)
    return Outcome(
        packing,
        _("Undone: %(qty)s × %(sku)s out of carton %(n)s")
        % {"qty": qty(last.quantity), "sku": last.product.sku, "n": last.carton.number},
        "warning",
    )


def _cancel(packing: Packing) -> Outcome:
    if packing.waiting == Waiting.WEIGHT:
        packing.waiting = Waiting.ITEM
        packing.save()
        return Outcome(packing, _("Cancelled — the carton stays open"), "warning")
    if packing.waiting == Waiting.APPROVAL:
        packing.waiting, packing.approver, packing.approval = Waiting.ITEM, None, ""
        packing.save()
        return Outcome(packing, _("Cancelled — the order stays open"), "warning")
    if packing.next_quantity is not None:
        packing.next_quantity = None
        packing.save(update_fields=["next_quantity", "updated_at"])
        return Outcome(packing, _("Cancelled — the next scan packs one"), "warning")
    return Outcome(packing, _("Nothing to cancel"), "warning")


@transaction.atomic
def leave(*, actor, warehouse, key: str = "") -> Outcome:
    """Back to "Scan a tote"; the order waits, with what was packed, for anyone to go on."""
    packing, replayed = _begin(actor=actor, warehouse=warehouse, key=key, raw="leave")
    if replayed:
        return replayed
    if packing.order_id is None:
        return Outcome(packing)
    reference = packing.order.reference
    _clear(packing)
    packing.save()
    return Outcome(packing, _("Left %(order)s — what you packed stays packed") % {"order": reference}, "warning")


# --- The order's progress


def progress(order: Order) -> list[dict]:
    """Each order line with what was picked and packed for it; an item on two lines fills them in
    order. Two queries, whatever the order's size."""
    packed = dict(_packed(carton__order=order).values_list("product_id").annotate(q=Sum("quantity")))
    rows = []
    for line in order.lines.select_related("product").order_by("pk"):
        share = min(packed.get(line.product_id, ZERO), line.picked)
        packed[line.product_id] = packed.get(line.product_id, ZERO) - share
        rows.append(
            {"line": line, "product": line.product, "ordered": line.ordered, "picked": line.picked, "packed": share}
        )
    return rows


def _short_of(rows: list[dict]) -> list[dict]:
    return [row for row in rows if row["packed"] < row["ordered"]]


# --- Done: the order closes


@transaction.atomic
@_stops
def finish(*, actor, warehouse, key: str, device: str = "", problem: bool = False) -> Outcome:
    packing, replayed = _begin(actor=actor, warehouse=warehouse, key=key, raw="problem" if problem else "done")
    if replayed:
        return replayed
    if packing.waiting == Waiting.APPROVAL:
        raise ScanRejected(_("A supervisor must scan their badge (or scan CANCEL)"), sound="supervisor")
    return _finish(packing, key=key, device=device, problem=problem)


def _finish(packing: Packing, *, key: str, device: str, problem: bool) -> Outcome:
    """Done: every picked unit packed and every carton closed; with anything short of what was
    ordered, a supervisor approves the short shipment first."""
    if packing.order_id is None:
        raise ScanRejected(_("Scan a tote first"))
    if packing.waiting == Waiting.WEIGHT:
        raise ScanRejected(_("Weigh the carton first — or scan CANCEL to go on packing it"))
    order = _order(packing)
    short = _short_of(_ready_to_close(order))
    if not short:
        if problem:
            return Outcome(packing, _("Nothing is missing — tap Done to close %(order)s") % {"order": order}, "warning")
        return _close_order(packing, order, key=key, device=device)
    what = ", ".join(
        _("%(sku)s %(packed)s of %(ordered)s")
        % {"sku": row["product"].sku, "packed": qty(row["packed"]), "ordered": qty(row["ordered"])}
        for row in short[:4]
    )
    packing.waiting, packing.approver = Waiting.APPROVAL, None
    packing.approval = (_("Short shipment: %(what)s") % {"what": what})[:200]
    packing.save()
    return Outcome(packing, _("%(why)s — a supervisor must scan their badge") % {"why": packing.approval}, "supervisor")


def _ready_to_close(order: Order) -> list[dict]:
    """The order's progress, when it may close: something packed, no carton open with items."""
    carton = _open_carton(order)
    if carton is not None and _contents(carton)["units"] > 0:
        raise ScanRejected(_("Close carton %(n)s first (Carton), then Done") % {"n": carton.number})
    rows = progress(order)
    if not any(row["packed"] > 0 for row in rows):
        raise ScanRejected(_("Nothing is packed yet — scan the items"))
    return rows


def _approver(packing: Packing, scan: Scan) -> Outcome:
    warehouse_id = packing.station.warehouse_id if packing.station_id else None
    packing.approver = approval.supervisor_from_badge(scan, warehouse_id=warehouse_id, why=packing.approval)
    packing.save()
    return Outcome(packing, approval.ask_pin(packing.approver), "supervisor")


@transaction.atomic
@_stops
def approve(*, actor, warehouse, pin: str, key: str, device: str = "") -> Outcome:
    """The supervisor's PIN: the short shipment is approved and the order closes."""
    packing, replayed = _begin(actor=actor, warehouse=warehouse, key=key, raw="approve")
    if replayed:
        return replayed
    if packing.waiting != Waiting.APPROVAL or packing.approver_id is None:
        raise ScanRejected(_("Nothing waits for a supervisor"))
    supervisor = approval.pin_approves(packing.approver_id, pin)
    if supervisor is None:
        packing.approver = None
        packing.save()  # kept: the badge must be scanned again
        return Outcome(packing, approval.wrong_pin(), "supervisor")
    order = _order(packing)
    _ready_to_close(order)  # someone else at this order may have packed meanwhile
    return _close_order(packing, order, key=key, device=device, approved=approval.record(supervisor, packing.approval))


def _close_order(packing: Packing, order: Order, *, key: str, device: str, approved: dict | None = None) -> Outcome:
    """Stock goes tote → the carton's station (into the carton's package) → output, in one post;
    what was picked and not packed stays at this station, loose; the totes are freed; Odoo gets
    one delivery with the cartons as packages."""
    actor = packing.actor
    empty = _open_carton(order, lock=True)
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
        for carton_id, product, lot, quantity in _packed(carton__order=order)
        .values_list("carton_id", "product_id", "lot_id", "quantity")
        .order_by("carton__number", "product_id", "lot_id")
    ]
    bindings = list(TaskTote.objects.filter(order=order, tote__isnull=False, freed_at=None).select_related("tote"))
    in_totes = [
        [quant.location_id, quant.product_id, quant.lot_id, quant.package_id, quant.quantity]
        for quant in Quant.objects.filter(
            location_id__in=[b.tote.location_id for b in bindings], quantity__gt=0
        ).order_by("location_id", "product_id", "lot_id", "package_id")
    ]
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
    if moves:
        ledger.post(moves, key=scan_key("pack", key))
    told = delivery.packed_lines(order, [(c.package_id, product, lot, q) for c, product, lot, q in packed])
    sent: dict[int, Decimal] = defaultdict(Decimal)
    for line_id, line in told:
        sent[line_id] += Decimal(line["quantity"])
    payload = {
        "picking": order.odoo_id,
        # Anything not packed stays expected in Odoo, as a backorder.
        "backorder": any(sent[line.pk] < line.ordered for line in order.lines.all()),
        "lines": [line for _line_id, line in told],
    }
    if not order.odoo_id:  # Odoo never had it: the push makes its delivery
        payload["partner"] = order.customer
    if approved:
        payload["short_approved_by"] = approved
    outbox.enqueue(
        kind=Operation.Kind.DELIVERY,
        warehouse=order.warehouse,
        reference=f"FLOOR-OUT-{order.pk}",
        payload=payload,
        document=order.reference,
        actor=actor,
    )
    TaskTote.objects.filter(pk__in=[b.pk for b in bindings]).update(freed_at=timezone.now())
    order.state = Order.State.PACKED
    if approved:  # kept with the order, Odoo or not
        order.short_approved_by_id, order.short_approval = approved["by"], approved["what"][:200]
    order.save(update_fields=["state", "short_approved_by", "short_approval"])
    events.changed("order", order.pk, by=actor.pk)
    _clear(packing)
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


# --- What the screen shows


def screen(packing: Packing, seen: Seen | None = None) -> dict:
    """The station, the order and its cartons: a few queries, whatever the order's size; none of
    what an item scan already read (`seen`)."""
    context = {"packing": packing, "station": packing.station, "order": None}
    if packing.station_id is None:
        return context
    order = packing.order
    if order is None:
        context["waiting_orders"] = Order.objects.filter(
            warehouse_id=packing.station.warehouse_id, state=Order.State.PICKED
        ).count()
        return context
    if seen is None:
        lines, cartons = _lines_of(order), _cartons_of(order)
        packed = dict(_packed(carton__order=order).values_list("product_id").annotate(q=Sum("quantity")))
        last = _last_packed(packing)
        totes = list(
            TaskTote.objects.filter(order=order, tote__isnull=False, freed_at=None).values_list(
                "tote__barcode", flat=True
            )
        )
    else:
        lines, cartons, packed, last, totes = seen.lines, seen.cartons, seen.packed, seen.last, seen.totes
    if packing.carton_id is not None:  # the packer's carton is one of these: not asked for again
        packing.carton = next((c for c in cartons if c.pk == packing.carton_id), None) or packing.carton
    closed = [c.pk for c in cartons if c.state == Carton.State.CLOSED]
    jobs = {}
    if closed:
        for job in PrintJob.objects.filter(carton__in=closed):
            jobs.setdefault(job.carton_id, job)  # newest first
    for carton in cartons:
        carton.job = jobs.get(carton.pk)
    context.update(
        order=order,
        picked=sum((line.picked for line in lines), ZERO),
        ordered=sum((line.ordered for line in lines), ZERO),
        packed=sum(packed.values(), ZERO),
        cartons=cartons,
        totes=totes,
        undo_preview=undo_preview(packing, last),
        current=_current_line(lines, packed, last),
    )
    if packing.waiting == Waiting.CARTON:
        types = carton_types(order.warehouse_id)
        context.update(carton_types=types, suggested=suggest_carton(order, types))
    return context


def _current_line(lines: list[OrderLine], packed: dict, last: tuple | None) -> dict | None:
    """The line of the item packed last by this person (`_last_packed`): shown under the prompt."""
    if last is None:
        return None
    product = last[1]
    line = next((line for line in lines if line.product_id == product), None)
    if line is None:
        return None
    return {
        "product": line.product,
        "ordered": line.ordered,
        "picked": line.picked,
        "packed": packed.get(product) or ZERO,
    }
