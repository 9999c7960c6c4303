"""The packer's place in the work (a `Packing` row, locked first by every request of theirs),
what every action answers (`Outcome`), and the packer's order, locked."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from floor.packing import sql
from floor.packing.models import Carton, Packing
from floor.picking.models import Order, OrderLine
from floor.scanning import flow
from floor.scanning.parser import Scan, readable
from floor.scanning.selectors import scanned_name

FLOW = "pack"
Waiting = Packing.Waiting
ZERO = Decimal(0)


@dataclass
class Seen:
    """What an item scan already read (and wrote) of its order, handed on to the screen so that it
    asks the database for none of it again."""

    lines: list[OrderLine]  # with their products, by pk
    cartons: list[Carton]  # with their types, by number
    packed: dict[int, Decimal]  # product id → units packed (net), this scan's included
    last: tuple  # as services' `_last_packed`: this scan's item
    totes: list[str]  # the barcodes of the order's totes not freed yet


@dataclass
class Outcome(flow.Outcome):
    seen: Seen | None = None
    asks_quantity: bool = False  # the quantity field opens: QTY was scanned

    @property
    def packing(self) -> Packing:
        return self.place


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
        clear(packing)
        packing.waiting = ""
        packing.save()
    return packing


def clear(packing: Packing) -> None:
    """Back to "Scan a tote": the order is let go, what was packed stays packed."""
    packing.order, packing.carton, packing.set_aside = None, None, []
    packing.approver, packing.approval, packing.next_quantity = None, "", None
    packing.waiting = Waiting.TOTE if packing.station_id else ""


def begin(*, actor, warehouse, key: str, raw: str) -> tuple[Packing, Outcome | None]:
    """What every action starts with (`flow.begin`): the packer's place, locked, and the outcome
    to return at once when the key was handled before."""
    return flow.begin(packing_for, flow=FLOW, actor=actor, warehouse=warehouse, key=key, raw=raw, outcome=Outcome)


def said_code(scan: Scan) -> dict:
    """What a rejection says was scanned: the code itself, as a person can read it."""
    return {"code": readable(scan.code)}


def named(scan: Scan, warehouse) -> dict:
    """What a rejection says was scanned: the item's SKU, a tote, a document… (asked only then)."""
    return {"code": scanned_name(scan=scan, warehouse_id=warehouse.pk)}


def lock_order(packing: Packing) -> Order | Outcome:
    """The person's order, locked; or, when someone else finished it meanwhile, the outcome that
    tells them so, back at "Scan a tote" (the caller returns it: what it wrote is kept)."""
    return _still_picked(packing, Order.objects.select_for_update().get(pk=packing.order_id))


def lock_order_and_lines(packing: Packing) -> tuple[Order | Outcome, list[OrderLine]]:
    """`lock_order`, with the order's lines and their items read in the same statement."""
    order, lines = sql.order_locked(packing.order_id)
    return _still_picked(packing, order), lines


def _still_picked(packing: Packing, order: Order) -> Order | Outcome:
    if order.state != Order.State.PICKED:
        reference = order.reference
        clear(packing)
        packing.save()
        return Outcome(packing, _("%(order)s was closed by someone else — scan a tote") % {"order": reference})
    packing.order = order
    return order
