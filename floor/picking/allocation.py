"""Reservation of bin stock for picks.

Nothing is written to the quants: what is reserved on a bin's stock is derived, the sum of
`quantity - picked` over the OPEN picks of that (bin, product, lot). Only loose stock counts (the
quant with no package): a pallet or carton on a licence plate moves whole, so a picker does not
break it open for an order line; its contents become pickable once the ledger unpacks them.

Two releases must never promise the same units. Both lock the quant rows they consider before
they read the reservations, in the ledger's own lock order (location, product, lot, package), so a
release and a `ledger.post` queue behind each other instead of deadlocking; the second one then
reads the first one's committed picks.

Lots that expired before today are never allocated: they stay in the bin for a count or a scrap.
A lot past its best-before date still is (best before is a date of quality, not of safety: GS1
General Specifications 3.4.5), earliest date first like any other.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from floor.ledger.models import Quant
from floor.picking.models import OrderLine, Pick
from floor.warehouse.models import Location, Lot, Product, Warehouse

ZERO = Decimal(0)
# The ledger locks quants in this order; so do we (see the module's docstring).
LOCK_ORDER = ("location_id", "product_id", "lot_id", "package_id")


def in_zone(zone: Location, prefix: str = "location__") -> Q:
    """Bins whose nearest enclosing zone is `zone`: directly under it, or up to two levels down
    through locations that are not zones themselves."""
    parent, grandparent = f"{prefix}parent", f"{prefix}parent__parent"
    return (
        Q(**{parent: zone})
        | (Q(**{grandparent: zone}) & ~Q(**{f"{parent}__kind": Location.Kind.VIEW}))
        | (
            Q(**{f"{grandparent}__parent": zone})
            & ~Q(**{f"{parent}__kind": Location.Kind.VIEW})
            & ~Q(**{f"{grandparent}__kind": Location.Kind.VIEW})
        )
    )


def pickable(prefix: str = "location__") -> Q:
    """Loose stock in an active storage bin, not of an expired lot."""
    today = timezone.localdate()
    return Q(**{f"{prefix}kind": Location.Kind.STORAGE, f"{prefix}active": True}, package=None, quantity__gt=0) & (
        Q(lot=None) | Q(lot__expiry_date=None) | Q(lot__expiry_date__gte=today)
    )


def reserved(*, location_ids: Iterable[int], product_ids: Iterable[int]) -> dict[tuple[int, int, int | None], Decimal]:
    """Open reservations per (location, product, lot) among these bins and products: one query."""
    rows = (
        Pick.objects.filter(state=Pick.State.OPEN, location_id__in=location_ids, product_id__in=product_ids)
        .values_list("location_id", "product_id", "lot_id")
        .annotate(held=Sum(F("quantity") - F("picked")))
        .order_by()
    )
    return {(loc, prod, lot): held for loc, prod, lot, held in rows}


def free_stock(*, location: Location, product: Product, lot: Lot | None = None, lock: bool = True) -> Decimal:
    """What of a bin's loose stock of an item (and lot) is not promised to an open pick.

    With `lock`, the quant row stays locked until the transaction ends (call it inside one), so
    what it answers still holds when the caller reserves it."""
    quants = Quant.objects.filter(location=location, product=product, lot=lot, package=None)
    if lock:
        quants = quants.select_for_update()
    on_hand = sum((q for q in quants.values_list("quantity", flat=True)), ZERO)
    held = (
        Pick.objects.filter(state=Pick.State.OPEN, location=location, product=product, lot=lot)
        .aggregate(held=Sum(F("quantity") - F("picked")))
        .get("held")
    )
    return max(on_hand - (held or ZERO), ZERO)


def _path(location: Location) -> tuple:
    return (location.aisle, location.bay or 0, location.level or 0, location.pk)


def _fefo(quant: Quant) -> tuple:
    # Earliest expiry first, a lot's best-before date standing in where it has no expiry; stock
    # with neither (or without a lot) last.
    expiry = (quant.lot.expiry_date or quant.lot.best_before) if quant.lot_id else None
    return (expiry is None, expiry or date.max)


def allocate(
    *,
    warehouse: Warehouse,
    needs: list[tuple[OrderLine, Decimal]],
    zone: Location | None = None,
    exclude_locations: frozenset[int] | set[int] = frozenset(),
) -> list[Pick]:
    """Unsaved picks (no task, sequence 0) covering as much of each need as free stock allows.

    Needs are served in the order given, so pass the most urgent first. For each need: the
    earliest-expiring stock first (FEFO); among stock of the same expiry, a bin that covers what is
    still needed, else the bins in walking order (aisle, bay, level). Two queries whatever the
    number of needs. Must run inside `transaction.atomic`: the quant rows stay locked until the
    caller has saved the picks.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("allocate() must run inside transaction.atomic: the quant locks would not hold")
    needs = [(line, Decimal(quantity)) for line, quantity in needs if quantity and quantity > 0]
    if not needs:
        return []
    product_ids = sorted({line.product_id for line, _q in needs})
    quants = Quant.objects.filter(pickable(), product_id__in=product_ids, location__warehouse=warehouse).select_related(
        "location", "location__parent", "lot"
    )
    if zone is not None:
        quants = quants.filter(in_zone(zone))
    if exclude_locations:
        quants = quants.exclude(location_id__in=exclude_locations)
    # of=("self",): lock the quants only, not the bins and lots joined for reading.
    quants = list(quants.select_for_update(of=("self",)).order_by(*LOCK_ORDER))
    if not quants:
        return []
    held = reserved(location_ids={q.location_id for q in quants}, product_ids=product_ids)

    free: dict[int, Decimal] = {}
    by_product: dict[int, list[Quant]] = defaultdict(list)
    for quant in quants:
        free[quant.pk] = quant.quantity - held.get((quant.location_id, quant.product_id, quant.lot_id), ZERO)
        by_product[quant.product_id].append(quant)
    for candidates in by_product.values():
        candidates.sort(key=lambda q: (_fefo(q), _path(q.location)))

    picks = []
    for line, quantity in needs:
        remaining = quantity
        candidates = by_product.get(line.product_id, ())
        start = 0
        while remaining > 0 and start < len(candidates):
            # One expiry at a time: [start, end) share the earliest expiry still with stock.
            group = _fefo(candidates[start])
            end = start
            while end < len(candidates) and _fefo(candidates[end]) == group:
                end += 1
            while remaining > 0:
                stocked = [q for q in candidates[start:end] if free[q.pk] > 0]
                if not stocked:
                    break
                covering = [q for q in stocked if free[q.pk] >= remaining]
                quant = covering[0] if covering else stocked[0]  # both already in walking order
                take = min(free[quant.pk], remaining)
                free[quant.pk] -= take
                remaining -= take
                picks.append(
                    Pick(
                        order_line=line,
                        product_id=line.product_id,
                        location=quant.location,
                        lot=quant.lot,
                        quantity=take,
                        sequence=0,
                    )
                )
            start = end
    return picks
