"""The rows every receiving scan reads, by hand-written SQL.

A scan at the dock reads the person's place in the work, locks the receipt, then reads the
line it counts against: three statements on every scan, at ~150 scans a second. Built by the
ORM, their compilation (joins, locks, ordering) cost more CPU than the rest of the scan; here
the SQL is written once per process from the models' `_meta` (so a renamed table or column
follows), run as is, and turned into model instances with the ORM's own converters. Plain
SQL-92 but for the row locks, which are left out where the database has none (SQLite, the
embedded default, locks the whole database for a write transaction instead).
"""

from decimal import Decimal
from functools import cache

from django.db import connection

from floor.receiving.models import Receipt, ReceiptLine, Receiving
from floor.sql import Part, for_update, quote
from floor.warehouse.models import Location, Lot, Package, Product


@cache
def _session_query() -> tuple[dict, tuple[Part, ...]]:
    shapes = (Part(Receiving, "s"), Part(Receipt, "r"), Part(Location, "d"), Part(Package, "p"))
    s, r, d, p = shapes

    def select(receipt_join: str) -> str:
        return (
            f"SELECT {s.columns}, {r.columns}, {d.columns}, {p.columns} FROM {s.table}"  # noqa: S608 — names from the models
            f" {receipt_join} {r.table} ON r.{quote('id')} = s.{quote('receipt_id')}"
            f" LEFT JOIN {d.table} ON d.{quote('id')} = s.{quote('destination_id')}"
            f" LEFT JOIN {p.table} ON p.{quote('id')} = s.{quote('package_id')}"
            f" WHERE s.{quote('actor_id')} = %s"
        )

    queries = {
        "read": select("LEFT JOIN"),
        # A row lock cannot reach the nullable side of an outer join: an inner join where the
        # person has a receipt open (nearly every scan), the outer one where they have none.
        "lock with receipt": select("INNER JOIN") + for_update("s, r"),
        "lock": select("LEFT JOIN") + for_update("s"),
    }
    return queries, shapes


def session(actor_id: int, *, lock: bool) -> Receiving | None:
    """The person's Receiving with its receipt, destination and package. `lock`: their row and
    the receipt they have open are locked, in that order, in one statement (locked_receipt_id
    says which). `loaded` keeps the columns as read, so a scan that changes nothing writes nothing."""
    queries, shapes = _session_query()
    with connection.cursor() as cursor:
        cursor.execute(queries["lock with receipt" if lock else "read"], [actor_id])
        row = cursor.fetchone()
        if row is None and lock:
            cursor.execute(queries["lock"], [actor_id])
            row = cursor.fetchone()
    if row is None:
        return None
    s, *related = shapes
    receiving = s.build(row)
    start = len(s)
    for name, shape in zip(("receipt", "destination", "package"), related, strict=True):
        # Set through the field's cache: assigning would look the id up again.
        Receiving._meta.get_field(name).set_cached_value(receiving, shape.build(row, start))
        start += len(shape)
    receiving.locked_receipt_id = receiving.receipt_id if lock else None
    receiving.loaded = {f.attname: getattr(receiving, f.attname) for f in s.fields}
    return receiving


def changed_fields(receiving: Receiving) -> list[str] | None:
    """The fields changed since `session()` read the row; None when it was not read there."""
    loaded = receiving.loaded
    if loaded is None:
        return None
    return [
        field.name
        for field in Receiving._meta.concrete_fields
        if getattr(receiving, field.attname) != loaded[field.attname]
    ]


@cache
def _receipt_query() -> tuple[str, Part]:
    shape = Part(Receipt, "r")
    return f"SELECT {shape.columns} FROM {shape.table} WHERE r.{quote('id')} = %s" + for_update("r"), shape  # noqa: S608


def lock_receipt(receipt_id: int) -> Receipt:
    """The receipt, locked, read after the lock is granted."""
    sql, shape = _receipt_query()
    with connection.cursor() as cursor:
        cursor.execute(sql, [receipt_id])
        row = cursor.fetchone()
    if row is None:
        raise Receipt.DoesNotExist
    return shape.build(row)


@cache
def _lines_query() -> tuple[str, tuple[Part, ...], list]:
    shapes = (Part(ReceiptLine, "rl"), Part(Product, "p"), Part(Lot, "lot"), Part(Lot, "named"))
    rl, p, lot, named = shapes
    table, receipt_id, product_id = quote(ReceiptLine._meta.db_table), quote("receipt_id"), quote("product_id")
    sql = (
        f"SELECT {rl.columns}, {p.columns}, {lot.columns}, {named.columns},"  # noqa: S608 — names from the models
        f" (SELECT SUM(t.{quote('expected')}) FROM {table} t WHERE t.{receipt_id} = %s),"
        f" (SELECT SUM(t.{quote('received')}) FROM {table} t WHERE t.{receipt_id} = %s)"
        f" FROM {rl.table}"
        f" INNER JOIN {p.table} ON p.{quote('id')} = rl.{product_id}"
        f" LEFT JOIN {lot.table} ON lot.{quote('id')} = rl.{quote('lot_id')}"
        f" LEFT JOIN {named.table} ON named.{product_id} = rl.{product_id} AND named.{quote('name')} = %s"
        f" WHERE rl.{receipt_id} = %s AND rl.{product_id} = %s ORDER BY rl.{quote('id')}" + for_update("rl")
    )
    total = ReceiptLine._meta.get_field("expected")  # the sums are converted as the column is
    column = total.get_col("t")
    converters = [(c, column) for c in connection.ops.get_db_converters(column) + total.get_db_converters(connection)]
    return sql, shapes, converters


def lines(receipt_id: int, product_id: int, lot_name: str | None) -> tuple[list[ReceiptLine], Lot | None, dict | None]:
    """The receipt's lines of a product (oldest first, locked, with their product and lot), the
    product's lot named `lot_name` if there is one, and the receipt's totals: one statement, run
    under the receipt's lock, so the totals are the ones no other scan is changing."""
    sql, (rl, p, lot, named), converters = _lines_query()
    with connection.cursor() as cursor:
        cursor.execute(sql, [receipt_id, receipt_id, lot_name, receipt_id, product_id])
        found = cursor.fetchall()
    if not found:
        return [], None, None
    at_product, at_lot, at_named = len(rl), len(rl) + len(p), len(rl) + len(p) + len(lot)
    at_totals = at_named + len(named)
    lines = []
    for row in found:
        line = rl.build(row)
        ReceiptLine._meta.get_field("product").set_cached_value(line, p.build(row, at_product))
        ReceiptLine._meta.get_field("lot").set_cached_value(line, lot.build(row, at_lot))
        lines.append(line)
    totals = []
    for value in found[0][at_totals:]:
        for converter, column in converters:
            value = converter(value, column, connection)
        totals.append(value or Decimal(0))
    return lines, named.build(found[0], at_named), {"expected": totals[0], "received": totals[1]}


@cache
def _tally_query() -> str:
    table, received = quote(ReceiptLine._meta.db_table), quote("received")
    return f"UPDATE {table} SET {received} = {received} + CAST(%s AS NUMERIC) WHERE {quote('id')} = %s"  # noqa: S608


def tally(line_id: int, quantity: Decimal) -> tuple[str, list]:
    """The statement that adds `quantity` to a line's received (F("received") + quantity), for
    `floor.sql.insert(…, along=…)`: the scan's record and its tally in one round trip."""
    value = ReceiptLine._meta.get_field("received").get_db_prep_save(quantity, connection)
    return _tally_query(), [value, line_id]
