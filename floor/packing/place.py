"""The packer's place in the work (a `Packing` row, locked first by every request of theirs),
what every action answers (`Outcome`), and the packer's order, locked."""

import functools
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from floor.packing import sql
from floor.packing.models import Carton, Packing
from floor.picking.models import Order, OrderLine
from floor.scanning.parser import Scan, readable
from floor.scanning.replay import first_time
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
