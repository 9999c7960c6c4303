"""Where putaway suggests taking goods, asked of the database in at most three indexed queries."""

from decimal import Decimal
from functools import cache

from django.db import connection
from django.db.models import Exists, OuterRef, Q

from floor.ledger.models import Quant
from floor.putaway.models import Putaway
from floor.sql import Columns, column, fetch, quote, table
from floor.warehouse.models import Location, Lot, Product, Warehouse

Rule = Putaway.Rule
PICK_SEQUENCE = ("aisle", "bay", "level", "name")


ASK = object()  # suggest_bin's `holding` when the caller has not read it


def suggest_bin(
    *, warehouse: Warehouse, product: Product, lot: Lot | None, volume: Decimal, holding=ASK
) -> tuple[Location | None, str]:
    """The bin to put `product` (`volume` m³ of it) in, and the rule that chose it: its fixed bin;
    else the first bin, in pick sequence, already holding it (the same lot, when tracked); else
    the first empty bin of its zone with room for it; else none. `holding`: that first bin (or
    None), when the caller read it already (product_at_input does, for an untracked product)."""
    fixed = product.fixed_bin
    if fixed is not None and _usable(fixed, warehouse):
        return fixed, Rule.FIXED

    if holding is ASK:
        # From the product's quants (indexed by product), not from every bin of the warehouse.
        holding = _first_bin_holding(product=product, lot=lot, warehouse=warehouse)
    if holding is not None:
        return holding, Rule.HOLDS

    if product.zone_id is not None:
        empty = (
            Location.objects.select_related("parent")
            .filter(parent_id=product.zone_id, warehouse=warehouse, kind=Location.Kind.STORAGE, active=True)
            .filter(Q(capacity_volume__isnull=True) | Q(capacity_volume__gte=volume))
            .exclude(Exists(Quant.objects.filter(location=OuterRef("pk"), quantity__gt=0)))
            .order_by(*PICK_SEQUENCE)
            .first()
        )
        if empty is not None:
            return empty, Rule.EMPTY
    return None, Rule.NONE


def _usable(location: Location, warehouse: Warehouse) -> bool:
    return location.warehouse_id == warehouse.pk and location.kind == Location.Kind.STORAGE and location.active


# The statements every scan runs are written out rather than built by the ORM: compiling a
# select with joins, FOR UPDATE OF and ORDER BY costs more CPU than PostgreSQL spends running it.
# Names come from the models' _meta (see floor/sql.py); both work on SQLite too.


_JOINED = ("source", "product", "lot", "package", "suggested")


def open_putaway_of(*, actor_id: int, lock: bool = False) -> Putaway | None:
    """The person's open putaway (at most one: a unique constraint, so no ORDER BY to walk the
    history), with its source, product, lot, plate and suggested bin; locked when `lock`."""
    sql, columns, fks = _open_sql(connection.alias, lock)
    found = fetch(sql, [actor_id, Putaway.State.OPEN.value])
    if not found:
        return None
    putaway, *related = columns.instances(found[0])
    for fk, instance in zip(fks, related, strict=True):
        fk.set_cached_value(putaway, instance)
    return putaway


@cache
def _open_sql(alias: str, lock: bool) -> tuple[str, Columns, list]:
    fks = [Putaway._meta.get_field(name) for name in _JOINED]
    columns = Columns.of((Putaway, "p"), *((fk.related_model, f"j{n}") for n, fk in enumerate(fks)))
    joins = " ".join(
        f"LEFT JOIN {quote(fk.related_model._meta.db_table)} j{n} "
        f"ON j{n}.{quote(fk.related_model._meta.pk.column)} = p.{quote(fk.column)}"
        for n, fk in enumerate(fks)
    )
    sql = (
        f"SELECT {columns.sql} FROM {table(Putaway)} p {joins} "  # noqa: S608 — names from the models
        f"WHERE p.{column(Putaway, 'actor')} = %s AND p.{column(Putaway, 'state')} = %s"
    )
    if lock and connection.features.has_select_for_update_of:
        sql += " FOR UPDATE OF p"
    elif lock and connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    return sql, columns, fks


def product_at_input(
    *, product_id: int, warehouse_id: int, source_id: int | None, lot_id: int | None, limit: int
) -> tuple[Product, list[Quant], object]:
    """The product (with its fixed bin) and its loose stock at the input `source_id`, or at any input
    of the warehouse, of lot `lot_id` when given: at most `limit` quants, by input and lot, each
    with its location and lot; and, for an untracked product, the first bin holding it (else ASK:
    a tracked one's depends on the lot). One statement: the product comes back even with nothing
    waiting."""
    sql, columns = _at_input_sql(connection.alias, source_id is not None, lot_id is not None, int(limit))
    params = [source_id] if source_id is not None else [warehouse_id, Location.Kind.INPUT.value]
    if lot_id is not None:
        params.append(lot_id)
    untracked = Product.Tracking.NONE.value
    found = fetch(sql, [*params, untracked, *_holding_params(warehouse_id), product_id])
    if not found:
        raise Product.DoesNotExist(f"Product {product_id} does not exist")
    quants = []
    for row in found:
        product, fixed_bin, quant, location, lot, holding = columns.instances(row)
        if quant is not None:
            Quant.location.field.set_cached_value(quant, location)
            Quant.lot.field.set_cached_value(quant, lot)
            quants.append(quant)
    Product.fixed_bin.field.set_cached_value(product, fixed_bin)
    for quant in quants:
        Quant.product.field.set_cached_value(quant, product)
    return product, quants, (holding if product.tracking == untracked else ASK)


@cache
def _at_input_sql(alias: str, at_source: bool, of_lot: bool, limit: int) -> tuple[str, Columns]:
    columns = Columns.of(
        (Product, "pr"), (Location, "fb"), (Quant, "q"), (Location, "l"), (Lot, "lt"), (Location, "hb")
    )
    if at_source:
        where = [f"l.{column(Location, 'id')} = %s"]
    else:
        where = [f"l.{column(Location, 'warehouse')} = %s", f"l.{column(Location, 'kind')} = %s"]
    if of_lot:
        where.append(f"q.{column(Quant, 'lot')} = %s")
    product_column = f"pr.{column(Product, 'id')}"
    sql = (
        f"SELECT {columns.sql} FROM {table(Product)} pr "  # noqa: S608 — names from the models
        f"LEFT JOIN {table(Location)} fb ON fb.{column(Location, 'id')} = pr.{column(Product, 'fixed_bin')} "
        f"LEFT JOIN ({table(Quant)} q INNER JOIN {table(Location)} l "
        f"ON l.{column(Location, 'id')} = q.{column(Quant, 'location')} AND {' AND '.join(where)}) "
        f"ON q.{column(Quant, 'product')} = pr.{column(Product, 'id')} AND q.{column(Quant, 'quantity')} > 0 "
        f"AND q.{column(Quant, 'package')} IS NULL "
        f"LEFT JOIN {table(Lot)} lt ON lt.{column(Lot, 'id')} = q.{column(Quant, 'lot')} "
        f"LEFT JOIN {table(Location)} hb ON pr.{column(Product, 'tracking')} = %s "
        f"AND hb.{column(Location, 'id')} = ({_holding_sql(product_column)}) "
        f"WHERE pr.{column(Product, 'id')} = %s "
        f"ORDER BY q.{column(Quant, 'location')}, q.{column(Quant, 'lot')} LIMIT {limit}"
    )
    return sql, columns


@cache
def _holding_sql(product: str, lot_filter: str = "") -> str:
    """The id of the first storage bin, in pick sequence, holding the product whose id is the SQL
    expression `product` (a column of the outer query, or a parameter)."""
    sequence = ", ".join(f"l2.{column(Location, field)}" for field in PICK_SEQUENCE)
    return (
        f"SELECT l2.{column(Location, 'id')} FROM {table(Quant)} q2 "  # noqa: S608 — names from the models
        f"INNER JOIN {table(Location)} l2 ON l2.{column(Location, 'id')} = q2.{column(Quant, 'location')} "
        f"WHERE q2.{column(Quant, 'product')} = {product} AND q2.{column(Quant, 'quantity')} > 0 "
        f"AND l2.{column(Location, 'warehouse')} = %s AND l2.{column(Location, 'kind')} = %s "
        f"AND l2.{column(Location, 'active')} = %s {lot_filter}"
        f"ORDER BY {sequence} LIMIT 1"
    )


def _holding_params(warehouse_id: int) -> list:
    return [warehouse_id, Location.Kind.STORAGE.value, True]


def _first_bin_holding(*, product: Product, lot: Lot | None, warehouse: Warehouse) -> Location | None:
    """The first storage bin, in pick sequence, holding `product` (of `lot`, when tracked)."""
    columns = Columns.of((Location, "l"))
    params = [product.pk, *_holding_params(warehouse.pk)]
    lot_filter = ""
    if product.tracking != Product.Tracking.NONE:
        if lot is None:
            lot_filter = f"AND q2.{column(Quant, 'lot')} IS NULL "
        else:
            lot_filter = f"AND q2.{column(Quant, 'lot')} = %s "
            params.append(lot.pk)
    sql = (
        f"SELECT {columns.sql} FROM {table(Location)} l "  # noqa: S608 — names from the models
        f"WHERE l.{column(Location, 'id')} = ({_holding_sql('%s', lot_filter)})"
    )
    found = fetch(sql, params)
    return columns.instances(found[0])[0] if found else None
