"""`post` is the one way stock changes."""

from collections import defaultdict
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from floor.errors import ScanRejected
from floor.ledger.keys import undo_key
from floor.ledger.models import Move, Quant
from floor.ledger.signals import stock_refused
from floor.sql import decimal
from floor.warehouse.models import Location, Product
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

    A refused post ends the caller's transaction: Django refuses any further statement in it
    and rolls it back whole, so nothing of the refused post can be committed. A caller that
    goes on after a refusal wraps the post in an `atomic()` of its own (a savepoint).
    """
    if not moves:
        raise ValueError("post() needs at least one move")
    # No savepoint of its own: two round trips on every scan that moves stock, and the flows let
    # a refusal roll their whole scan back anyway.
    with transaction.atomic(savepoint=False):
        return _post(moves, key=key)


def _post(moves: list[Move], *, key: str) -> list[Move]:
    delta: dict[tuple, Decimal] = defaultdict(Decimal)
    for line, move in enumerate(moves):
        if move.quantity is None or move.quantity <= 0:
            raise ValueError(f"a move's quantity must be positive, not {move.quantity!r}")
        move.key, move.line = key, line
        if move.to_package_id is None and move.to_package is None and not move.unpacks:
            move.to_package_id = move.package_id
        delta[_stock_key(move.from_location_id, move.product_id, move.lot_id, move.package_id)] -= move.quantity
        delta[_stock_key(move.to_location_id, move.product_id, move.lot_id, move.to_package_id)] += move.quantity
    # The moves first: a key already posted (a replay, or a twin request that committed while
    # this one waited on it) inserts nothing, and the quants are left alone.
    if not _insert_moves(moves):
        return list(Move.objects.filter(key=key).order_by("line"))
    stock_keys = sorted(delta)
    on_hand = _add_to_quants([(*stock_key, delta[stock_key]) for stock_key in stock_keys])
    short = [stock_key for stock_key in stock_keys if on_hand[stock_key] < 0]
    if short:
        real = set(
            Location.objects.filter(pk__in={s[0] for s in short})
            .exclude(kind__in=Location.VIRTUAL_KINDS)
            .values_list("pk", flat=True)
        )
        for location_id, product_id, lot_id, package_id in short:
            if location_id in real:
                stock_key = (location_id, product_id, lot_id, package_id)
                stock_refused.send(sender=Move, location_id=location_id, product_id=product_id)
                raise NotEnoughStock(
                    product=Product.objects.get(pk=product_id),
                    location=Location.objects.get(pk=location_id),
                    on_hand=on_hand[stock_key] - delta[stock_key],
                )
    return moves


def reverse(moves: list[Move], *, actor_id: int | None, device: str, key: str = "") -> list[Move]:
    """Post the reverse of `moves` (one post's moves, saved) and return the reverse moves saved.

    Each goes back where it came from: same product, lot, quantity and document, out of the
    package it landed in and into the one it left. Posted under `undo_key` of the moves' key
    unless `key` is given, so a post is reversed once; a reversal whose stock has since left
    is refused as `post` refuses it (`NotEnoughStock`).
    """
    if len({move.key for move in moves}) != 1:
        raise ValueError("reverse() takes the moves of one post")
    reversals = []
    for move in moves:
        back = Move(
            product_id=move.product_id,
            lot_id=move.lot_id,
            package_id=move.to_package_id,
            to_package_id=move.package_id,
            quantity=move.quantity,
            from_location_id=move.to_location_id,
            to_location_id=move.from_location_id,
            actor_id=actor_id,
            device=device[:64],
            reference=move.reference,
            reverses=move,
        )
        # Goods the move packed come back loose, not into the package they landed in.
        back.unpacks = move.package_id is None and move.to_package_id is not None
        reversals.append(back)
    return post(reversals, key=key or undo_key(moves[0].key))


# The two statements every scan that moves stock runs are written out, not built by the ORM:
# building them costs more CPU than PostgreSQL spends running them. Both work on SQLite too.


def _insert_moves(moves: list[Move]) -> bool:
    """INSERT … ON CONFLICT (key, line) DO NOTHING: waits for a twin post of the same key, then
    inserts nothing (and returns False) — no savepoint, no look-up first."""
    fields = [f for f in Move._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    now = timezone.now()
    values = []
    for move in moves:
        if move.created_at is None:
            move.created_at = now
        values += [f.get_db_prep_save(getattr(move, f.attname), connection) for f in fields]
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(Move._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608 — names from the model
            f"VALUES {', '.join([row] * len(moves))} "
            f"ON CONFLICT ({quote('key')}, {quote('line')}) DO NOTHING RETURNING {quote('line')}, {quote('id')}",
            values,
        )
        ids = dict(cursor.fetchall())
    if not ids:
        return False
    if len(ids) != len(moves):
        raise IntegrityError(f"key {moves[0].key!r} was posted before with other lines")
    for move in moves:
        move.pk = ids[move.line]
        move._state.adding, move._state.db = False, connection.alias
    return True


def _add_to_quants(rows: list[tuple]) -> dict[tuple, Decimal]:
    """Adds each (location, product, lot, package, delta) to its quant, made when missing, in
    one upsert: it takes the rows in the order given (sorted by stock key), so two posts lock
    shared quants in the same order and never deadlock. Returns each quant's new quantity."""
    table = connection.ops.quote_name(Quant._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (location_id, product_id, lot_id, package_id, quantity) "  # noqa: S608 — names from the model
            f"VALUES {', '.join(['(%s, %s, %s, %s, %s)'] * len(rows))} "
            "ON CONFLICT (location_id, product_id, COALESCE(lot_id, 0), COALESCE(package_id, 0)) "
            # ROUND: SQLite keeps decimals as floats; sums must not drift off the thousandths.
            f"DO UPDATE SET quantity = ROUND({table}.quantity + excluded.quantity, 3) "
            "RETURNING location_id, product_id, lot_id, package_id, quantity",
            [v for loc, prod, lot, pkg, change in rows for v in (loc, prod, lot or None, pkg or None, change)],
        )
        return {
            _stock_key(loc, prod, lot, pkg): decimal(quantity) for loc, prod, lot, pkg, quantity in cursor.fetchall()
        }
