"""`post` is the one way stock changes."""

from collections import defaultdict
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from floor.ledger.models import Move, Quant
from floor.scanning.errors import ScanRejected
from floor.warehouse.models import Location
from floor.warehouse.quantities import qty


class NotEnoughStock(ScanRejected):
    def __init__(self, *, product, location, on_hand):
        super().__init__(
            _("Not enough %(sku)s in %(location)s (on hand %(qty)s)")
            % {"sku": product.sku, "location": location.name, "qty": qty(on_hand)}
        )
        self.product, self.location, self.on_hand = product, location, on_hand


def _stock_key(location_id, product_id, lot_id, package_id):
    return (location_id, product_id, lot_id or 0, package_id or 0)


def post(moves: list[Move], *, key: str) -> list[Move]:
    """Post `moves` (unsaved) in one transaction and return them saved.

    A key already posted posts nothing and returns the moves of its first post, so a scan
    replayed after a reconnect changes nothing. Quants are locked in one stable order, so two
    posts touching the same quants queue and never deadlock. Stock on a real location never
    goes below zero: the whole post is refused with `NotEnoughStock`.
    """
    if not moves:
        raise ValueError("post() needs at least one move")
    done = list(Move.objects.filter(key=key).order_by("line"))
    if done:
        return done
    try:
        with transaction.atomic():
            return _post(moves, key=key)
    except IntegrityError:
        # Another request posted the same key while this one waited: answer with its moves.
        done = list(Move.objects.filter(key=key).order_by("line"))
        if done:
            return done
        raise


def _virtual_locations(moves: list[Move]) -> set[int]:
    """Ids of the virtual locations among the moves' ends; asks the database only for the
    locations the caller did not hand over loaded."""
    virtual, unknown = set(), set()
    for move in moves:
        for end in ("from_location", "to_location"):
            if Move._meta.get_field(end).is_cached(move):
                location = getattr(move, end)
                if location.is_virtual:
                    virtual.add(location.pk)
            else:
                unknown.add(getattr(move, f"{end}_id"))
    if unknown:
        virtual.update(
            Location.objects.filter(pk__in=unknown, kind__in=Location.VIRTUAL_KINDS).values_list("pk", flat=True)
        )
    return virtual


def _post(moves: list[Move], *, key: str) -> list[Move]:
    delta: dict[tuple, Decimal] = defaultdict(Decimal)
    for line, move in enumerate(moves):
        if move.quantity is None or move.quantity <= 0:
            raise ValueError(f"a move's quantity must be positive, not {move.quantity!r}")
        move.key, move.line = key, line
        if move.to_package_id is None and move.to_package is None:
            move.to_package_id = move.package_id
        delta[_stock_key(move.from_location_id, move.product_id, move.lot_id, move.package_id)] -= move.quantity
        delta[_stock_key(move.to_location_id, move.product_id, move.lot_id, move.to_package_id)] += move.quantity

    stock_keys = sorted(delta)
    # Make sure every quant exists, then lock them all in key order.
    Quant.objects.bulk_create(
        [
            Quant(location_id=loc, product_id=prod, lot_id=lot or None, package_id=pkg or None, quantity=0)
            for loc, prod, lot, pkg in stock_keys
        ],
        ignore_conflicts=True,
    )
    match = Q()
    for loc, prod, lot, pkg in stock_keys:
        match |= Q(location_id=loc, product_id=prod, lot_id=lot or None, package_id=pkg or None)
    quants = {
        _stock_key(q.location_id, q.product_id, q.lot_id, q.package_id): q
        for q in Quant.objects.select_for_update()
        .filter(match)
        .order_by("location_id", "product_id", "lot_id", "package_id")
    }

    virtual = _virtual_locations(moves)
    for stock_key in stock_keys:
        quant = quants[stock_key]
        quant.quantity += delta[stock_key]
        if quant.quantity < 0 and stock_key[0] not in virtual:
            raise NotEnoughStock(
                product=quant.product, location=quant.location, on_hand=quant.quantity - delta[stock_key]
            )
    Quant.objects.bulk_update(list(quants.values()), ["quantity"])
    return Move.objects.bulk_create(moves)
