"""Reconciliation: Floor's on-hand compared with Odoo's for every linked bin, item, lot and
package, and each real difference put in front of a supervisor with its actions.

It runs as a pull first (so Odoo's moves up to now are posted), then reads Odoo's quants a page
at a time and sets them against Floor's, seen as Odoo sees them:

- Floor's areas Odoo does not model (a one-step warehouse's input, dock, quarantine) are the
  warehouse's stock location there, as the push makes them; totes, pack stations and output hold
  picked goods that Odoo still keeps in the bins they came from until the delivery, so those go
  back to their bins.
- A bin and item an operation still on its way to Odoo touches is left out this time (uncertain),
  and so is one an Odoo move written while the quants were read touches.

A difference that is no longer there closes by itself; one a supervisor dismissed is not raised
again until its quantities change.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from decimal import Decimal

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from floor.counting.models import CountTask
from floor.counting.raising import raise_count
from floor.errors import ScanRejected
from floor.ledger import services as ledger
from floor.ledger.models import Move, Quant
from floor.odoo import outbox, values
from floor.odoo.client import OdooClient
from floor.odoo.models import (
    OdooMoveLine,
    OpeningBalance,
    Operation,
    PullCursor,
    Reconciliation,
    StockDifference,
)
from floor.odoo.pull import LOCK_KEY, LOCK_SECONDS, _Pull
from floor.odoo.stock import MOVES_CURSOR, PAGE, QUANT_FIELDS, StockTruth
from floor.picking.delivery import picked_not_shipped
from floor.warehouse.models import Location
from floor.warehouse.services import virtual_location

log = logging.getLogger(__name__)
_id, _qty = values.odoo_id, values.quantity
Kind = Location.Kind
# Picked goods on their way out: Odoo still holds them in the bins they came from.
IN_FLIGHT = frozenset({Kind.TOTE, Kind.PACK, Kind.OUTPUT})
NOTHING = Decimal("0.0005")
OPEN_STATES = (StockDifference.State.OPEN,)


class ReconcileBusy(Exception):
    """A pull is running: the reconciliation waits for the next time."""


def reconcile(*, client: OdooClient) -> Reconciliation:
    """Pull, then compare Floor's stock with Odoo's in every pulled warehouse."""
    token = uuid.uuid4().hex
    if not cache.add(LOCK_KEY, token, LOCK_SECONDS):
        raise ReconcileBusy
    run = Reconciliation.objects.create()
    try:
        pull = _Pull(client, full=False)
        pull.run()
        _Reconciler(pull, run).run()
    except Exception as error:
        run.error = f"{type(error).__name__}: {error}"[:2000]
        run.finished_at = timezone.now()
        run.save(update_fields=["error", "finished_at"])
        raise
    finally:
        if cache.get(LOCK_KEY) == token:
            cache.delete(LOCK_KEY)
    run.finished_at = timezone.now()
    run.save()
    return run


class _Reconciler:
    def __init__(self, pull: _Pull, run: Reconciliation):
        self.pull, self.run_record, self.client = pull, run, pull.client
        self.stock = StockTruth(pull)

    def run(self) -> None:
        for wh in self.pull.warehouses.values():
            balance = OpeningBalance.objects.filter(warehouse=wh.floor, finished_at__isnull=False).first()
            if wh.view_id and wh.stock_id and balance is not None:
                self.compare(wh)

    # --- both sides, in one key space: (Odoo location id, Floor item, Floor lot, Floor package)

    def _place(self, location: Location, wh) -> int | None:
        if location.odoo_id:
            return location.odoo_id
        if location.is_virtual or location.kind in IN_FLIGHT or location.warehouse_id != wh.floor.pk:
            return None
        return wh.stock_id  # an area Odoo does not model: the push sends it to the warehouse's stock

    def floor_side(self, wh) -> dict[tuple, Decimal]:
        side: dict[tuple, Decimal] = defaultdict(Decimal)
        places: dict[int, int | None] = {}
        quants = Quant.objects.filter(location__warehouse=wh.floor).exclude(quantity=0).select_related("location")
        for quant in quants:
            place = places.setdefault(quant.location_id, self._place(quant.location, wh))
            if place is not None:
                side[(place, quant.product_id, quant.lot_id, quant.package_id)] += quant.quantity
        in_totes = picked_not_shipped(wh.floor)
        sources = {loc.pk: loc for loc in Location.objects.filter(pk__in={source for _p, _l, source in in_totes})}
        for (product, lot, source), quantity in in_totes.items():
            place = self._place(sources[source], wh)
            if place is not None:
                side[(place, product, lot, None)] += quantity
        return side

    def odoo_side(self, wh) -> tuple[dict[tuple, Decimal], set[int]]:
        side: dict[tuple, Decimal] = defaultdict(Decimal)
        unlinked: set[int] = set()
        domain = [("location_id", "child_of", wh.view_id), ("location_id.usage", "=", "internal")]
        linked = set(
            Location.objects.filter(warehouse=wh.floor).exclude(odoo_id=None).values_list("odoo_id", flat=True)
        )
        last = 0
        while True:
            page = self.client.search_read(
                "stock.quant", [*domain, ("id", ">", last)], QUANT_FIELDS, limit=PAGE, order="id"
            )
            products = self.stock._products({_id(row["product_id"]) for row in page})
            lots = self.stock._lots({_id(row["lot_id"]) for row in page})
            packages = self.stock._packages({_id(row["package_id"]) for row in page})
            for row in page:
                location, product = _id(row["location_id"]), products.get(_id(row["product_id"]))
                if product is None:
                    continue
                if location not in linked:
                    unlinked.add(location)
                    continue
                lot, package = lots.get(_id(row["lot_id"])), packages.get(_id(row["package_id"]))
                key = (location, product.pk, lot.pk if lot else None, package.pk if package else None)
                side[key] += _qty(row["quantity"])
            if len(page) < PAGE:
                return side, unlinked
            last = page[-1]["id"]

    def uncertain(self, wh) -> set[tuple[int, int]]:
        """(Odoo location, item) pairs this run cannot judge: an operation not yet in Odoo (or
        perhaps in it: tried, or being sent) touches them, or an Odoo move the pull has not posted."""
        pairs = set()
        locations: dict[int, Location] = {}
        unsent = Operation.objects.filter(warehouse=wh.floor).exclude(state=Operation.State.SENT)
        for operation in unsent.only("payload"):
            for line in operation.payload.get("lines", []):
                for end in ("from", "to", "location"):
                    if line.get(end):
                        locations.setdefault(line[end], None)
                        pairs.add((line[end], line["product"]))
        for location in Location.objects.filter(pk__in=locations):
            locations[location.pk] = location
        uncertain = set()
        for location_id, product in pairs:
            location = locations.get(location_id)
            place = self._place(location, wh) if location is not None else None
            if place is not None:
                uncertain.add((place, product))
        cursor = self.pull_cursor()
        if cursor:
            rows = self.stock._read_lines(cursor, [wh.view_id])
            judged = dict(
                OdooMoveLine.objects.filter(odoo_id__in=[row["id"] for row in rows]).values_list(
                    "odoo_id", "fingerprint"
                )
            )
            floor_made = self.stock._floor_made(rows) if rows else set()
            products = self.stock._products({_id(row["product_id"]) for row in rows})
            for row in rows:
                if row["id"] in floor_made or judged.get(row["id"]) == self.stock._fingerprint(row):
                    continue
                if _id(row["product_id"]) not in products:
                    continue
                product = products[_id(row["product_id"])].pk
                uncertain.update((_id(row[end]), product) for end in ("location_id", "location_dest_id"))
        return uncertain

    @staticmethod
    def pull_cursor() -> str | None:
        moment = PullCursor.objects.filter(model=MOVES_CURSOR).values_list("last_write_date", flat=True).first()
        return values.odoo_datetime(moment) if moment else None

    # --- the comparison

    def compare(self, wh) -> None:
        odoo, unlinked = self.odoo_side(wh)
        floor = self.floor_side(wh)
        uncertain = self.uncertain(wh)
        locations = {loc.odoo_id: loc for loc in Location.objects.filter(warehouse=wh.floor).exclude(odoo_id=None)}
        seen = set()
        for key in sorted(set(odoo) | set(floor), key=lambda k: tuple(x or 0 for x in k)):
            place, product, lot, package = key
            if place not in locations:
                continue
            if (place, product) in uncertain:
                self.run_record.uncertain += 1
                continue
            self.run_record.compared += 1
            ours, theirs = floor.get(key, Decimal(0)), odoo.get(key, Decimal(0))
            if abs(ours - theirs) < NOTHING:
                continue
            seen.add((locations[place].pk, product, lot, package))
            self._raise(wh, locations[place], product, lot, package, ours, theirs)
        # What agrees again (or is no longer there) closes by itself, unless this run could not tell.
        for difference in StockDifference.objects.filter(warehouse=wh.floor, state__in=OPEN_STATES):
            key = (difference.location_id, difference.product_id, difference.lot_id, difference.package_id)
            if key in seen or (difference.location.odoo_id, difference.product_id) in uncertain:
                continue
            difference.state, difference.resolved_at = StockDifference.State.GONE, timezone.now()
            difference.save(update_fields=["state", "resolved_at"])
        if unlinked:
            log.info("reconcile %s: Odoo holds stock in %d locations Floor does not", wh.floor.code, len(unlinked))

    def _raise(self, wh, location, product, lot, package, ours: Decimal, theirs: Decimal) -> None:
        match = {"location": location, "product_id": product, "lot_id": lot, "package_id": package}
        current = StockDifference.objects.filter(warehouse=wh.floor, **match).order_by("-pk").first()
        cause = likely_cause(location, product, ours, theirs)
        counting = current is not None and current.state == StockDifference.State.COUNT
        if counting and current.count_task and current.count_task.state == "open":
            current.floor_quantity, current.odoo_quantity, current.last_seen = ours, theirs, timezone.now()
            current.save(update_fields=["floor_quantity", "odoo_quantity", "last_seen"])
            return  # the count will settle it
        if current is not None and current.state == StockDifference.State.OPEN:
            current.floor_quantity, current.odoo_quantity, current.cause = ours, theirs, cause
            current.last_seen = timezone.now()
            current.save(update_fields=["floor_quantity", "odoo_quantity", "cause", "last_seen"])
            return
        dismissed = current is not None and current.state == StockDifference.State.DISMISSED
        if dismissed and (current.floor_quantity, current.odoo_quantity) == (ours, theirs):
            return  # a supervisor has said why; the same figures are not raised again
        StockDifference.objects.create(
            warehouse=wh.floor, floor_quantity=ours, odoo_quantity=theirs, cause=cause, **match
        )
        self.run_record.differences += 1


def likely_cause(location: Location, product_id: int, ours: Decimal, theirs: Decimal) -> str:
    """In words, what most likely made Floor and Odoo differ at this bin and item."""
    odoo_lines = OdooMoveLine.objects.filter(product_id=product_id).filter(
        Q(from_location=location) | Q(to_location=location)
    )
    # Odoo's moves Floor did not post here: held (the floor was on the document), refused, outside.
    unposted = odoo_lines.exclude(state__in=[OdooMoveLine.State.POSTED, OdooMoveLine.State.COVERED])
    line = unposted.order_by("-done_at", "-pk").first()
    if line is not None:
        return (
            _("Odoo's %(document)s was not posted on the floor: %(why)s")
            % {"document": line.reference or _("move"), "why": line.note or line.get_state_display()}
        )[:300]
    balance = OpeningBalance.objects.filter(warehouse_id=location.warehouse_id).first()
    if balance is not None and not balance.taken:
        return _("Floor held stock of its own when Odoo was connected, and took no opening balance.")
    last = (
        Move.objects.filter(product_id=product_id)
        .filter(Q(from_location=location) | Q(to_location=location))
        .order_by("-created_at", "-pk")
        .select_related("actor")
        .first()
    )
    if last is None:
        return _("Odoo holds it and Floor never saw it come in: count the bin.")
    if last.actor:
        who = last.actor.get_full_name() or last.actor.get_username()
    else:
        who = _("Odoo") if last.device == "odoo" else _("the floor")
    words = {
        "document": last.reference or _("a move"),
        "who": who,
        "when": timezone.localtime(last.created_at).strftime("%Y-%m-%d %H:%M"),
    }
    if ours > theirs:
        said = _(
            "Floor holds more than Odoo; nothing Floor saw explains it. Last moved here: %(document)s by "
            "%(who)s, %(when)s."
        )
    else:
        said = _(
            "Floor holds less than Odoo; nothing Floor saw explains it. Last moved here: %(document)s by "
            "%(who)s, %(when)s."
        )
    return (said % words)[:300]


# --- what a supervisor does about a difference (each recorded with who and why)


def _resolve(difference: StockDifference, *, state: str, actor, reason: str, **extra) -> StockDifference:
    difference.state, difference.resolved_by, difference.resolved_at = state, actor, timezone.now()
    difference.reason = reason[:300]
    for name, value in extra.items():
        setattr(difference, name, value)
    difference.save()
    return difference


def _open(difference: StockDifference, reason: str) -> StockDifference:
    if not reason.strip():
        raise ScanRejected(_("Say why: it is recorded with the decision."))
    difference = StockDifference.objects.select_for_update().get(pk=difference.pk)
    if difference.state != StockDifference.State.OPEN:
        raise ScanRejected(_("Someone has already dealt with this difference."))
    return difference


@transaction.atomic
def trust_odoo(*, difference: StockDifference, actor, reason: str) -> StockDifference:
    """Odoo is right: Floor's stock there becomes Odoo's, through an adjustment move (Odoo needs
    to learn nothing). A surplus on Floor's side is taken from the bin first, then from the
    warehouse's areas folded into it."""
    difference = _open(difference, reason)
    loss = virtual_location(Kind.INVENTORY_LOSS)
    common = {
        "product_id": difference.product_id,
        "lot_id": difference.lot_id,
        "actor": actor,
        "reference": f"RECONCILE-{difference.pk}",
    }
    change = difference.odoo_quantity - difference.floor_quantity
    moves = []
    if change > 0:
        moves.append(
            Move(
                package_id=None,
                to_package_id=difference.package_id,
                quantity=change,
                from_location=loss,
                to_location=difference.location,
                **common,
            )
        )
    else:
        left = -change
        for quant in _holding(difference):
            take = min(left, quant.quantity)
            if take <= 0:
                continue
            move = Move(
                package_id=quant.package_id,
                quantity=take,
                from_location_id=quant.location_id,
                to_location=loss,
                **common,
            )
            move.unpacks = quant.package_id is not None
            moves.append(move)
            left -= take
            if left <= 0:
                break
        if left > 0:
            raise ScanRejected(_("Floor's stock there has moved since the comparison: run the reconciliation again."))
    ledger.post(moves, key=f"reconcile:{difference.pk}")
    return _resolve(difference, state=StockDifference.State.TRUSTED_ODOO, actor=actor, reason=reason)


def _holding(difference: StockDifference) -> list[Quant]:
    """Floor's quants that make up its side of a difference: the bin's own, then (for the
    warehouse's stock location) the areas folded into it."""
    location = difference.location
    places = [location.pk]
    if location.odoo_id and location.odoo_id == difference.warehouse.odoo_stock_id:
        folded = Location.objects.filter(warehouse_id=location.warehouse_id, odoo_id__isnull=True)
        places += list(folded.exclude(kind__in=[*IN_FLIGHT, *Location.VIRTUAL_KINDS]).values_list("pk", flat=True))
    quants = Quant.objects.select_for_update().filter(
        location_id__in=places,
        product_id=difference.product_id,
        lot_id=difference.lot_id,
        package_id=difference.package_id,
        quantity__gt=0,
    )
    return sorted(quants, key=lambda quant: places.index(quant.location_id))


@transaction.atomic
def count_bin(*, difference: StockDifference, actor, reason: str) -> StockDifference:
    """Neither side is trusted yet: a counter counts the bin (blind)."""
    difference = _open(difference, reason)
    task = raise_count(
        warehouse_id=difference.warehouse_id,
        location_id=difference.location_id,
        source=CountTask.Source.DIFFERENCE,
        reason=_("Floor and Odoo differ: %(why)s") % {"why": reason},
        raised_by_id=actor.pk,
    )
    return _resolve(difference, state=StockDifference.State.COUNT, actor=actor, reason=reason, count_task=task)


@transaction.atomic
def trust_floor(*, difference: StockDifference, actor, reason: str) -> StockDifference:
    """The floor is right: Odoo's quant there is set to Floor's figure by an inventory adjustment."""
    difference = _open(difference, reason)
    if difference.package_id:
        raise ScanRejected(_("Stock in a package: count the bin instead."))
    operation = outbox.enqueue(
        kind=Operation.Kind.ADJUSTMENT,
        warehouse=difference.warehouse,
        reference=f"FLOOR-REC-{difference.pk}",
        payload={
            "lines": [
                {
                    "product": difference.product_id,
                    "lot": difference.lot_id,
                    "location": difference.location_id,
                    "counted": values.shown(difference.floor_quantity),
                }
            ]
        },
        document=f"RECONCILE-{difference.pk}",
        actor=actor,
    )
    return _resolve(
        difference, state=StockDifference.State.TRUSTED_FLOOR, actor=actor, reason=reason, operation=operation
    )


@transaction.atomic
def dismiss(*, difference: StockDifference, actor, reason: str) -> StockDifference:
    difference = _open(difference, reason)
    return _resolve(difference, state=StockDifference.State.DISMISSED, actor=actor, reason=reason)


ACTIONS = {"odoo": trust_odoo, "count": count_bin, "floor": trust_floor, "dismiss": dismiss}
