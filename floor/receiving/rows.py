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
from floor.warehouse.models import Location, Lot, Package, Product


def _name(name: str) -> str:
    return connection.ops.quote_name(name)


class _Shape:
    """How one model's columns are selected under an alias, and turned back into an instance."""

    def __init__(self, model, alias: str):
        self.model, self.fields = model, model._meta.concrete_fields
        self.names = [field.attname for field in self.fields]
        self.columns = ", ".join(f"{alias}.{_name(field.column)}" for field in self.fields)
        self.table = f"{_name(model._meta.db_table)} {alias}"
        self.converters = [
            [
                (converter, column)
                for converter in connection.ops.get_db_converters(column) + field.get_db_converters(connection)
            ]
            for field, column in ((field, field.get_col(alias)) for field in self.fields)
        ]

    def build(self, row, start: int = 0):
        """The instance from `row[start:]`; None when its primary key is NULL (an outer join missed)."""
        values = list(row[start : start + len(self.fields)])
        if values[0] is None:
            return None
        for i, converters in enumerate(self.converters):
            for converter, column in converters:
                values[i] = converter(values[i], column, connection)
        return self.model.from_db(connection.alias, self.names, values)

    def __len__(self):
        return len(self.fields)


def _lock(of: str) -> str:
    if not connection.features.has_select_for_update:
        return ""
    return f" FOR UPDATE OF {of}" if connection.features.has_select_for_update_of else " FOR UPDATE"


@cache
def _session_query() -> tuple[dict, tuple[_Shape, ...]]:
    shapes = (_Shape(Receiving, "s"), _Shape(Receipt, "r"), _Shape(Location, "d"), _Shape(Package, "p"))
    s, r, d, p = shapes

    def select(receipt_join: str) -> str:
        return (
            f"SELECT {s.columns}, {r.columns}, {d.columns}, {p.columns} FROM {s.table}"  # noqa: S608 — names from the models
            f" {receipt_join} {r.table} ON r.{_name('id')} = s.{_name('receipt_id')}"
            f" LEFT JOIN {d.table} ON d.{_name('id')} = s.{_name('destination_id')}"
            f" LEFT JOIN {p.table} ON p.{_name('id')} = s.{_name('package_id')}"
            f" WHERE s.{_name('actor_id')} = %s"
        )

    queries = {
        "read": select("LEFT JOIN"),
        # A row lock cannot reach the nullable side of an outer join: an inner join where the
        # person has a receipt open (nearly every scan), the outer one where they have none.
        "lock with receipt": select("INNER JOIN") + _lock("s, r"),
        "lock": select("LEFT JOIN") + _lock("s"),
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
    receiving.loaded = {name: getattr(receiving, name) for name in s.names}
    return receiving


def changed_fields(receiving: Receiving) -> list[str] | None:
    """The fields changed since `session()` read the row; None when it was not read there."""
    loaded = getattr(receiving, "loaded", None)
    if loaded is None:
        return None
    return [
        field.name
        for field in Receiving._meta.concrete_fields
        if getattr(receiving, field.attname) != loaded[field.attname]
    ]


@cache
def _receipt_query() -> tuple[str, _Shape]:
    shape = _Shape(Receipt, "r")
    return f"SELECT {shape.columns} FROM {shape.table} WHERE r.{_name('id')} = %s" + _lock("r"), shape  # noqa: S608


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
def _lines_query() -> tuple[str, tuple[_Shape, ...], list]:
    shapes = (_Shape(ReceiptLine, "rl"), _Shape(Product, "p"), _Shape(Lot, "lot"), _Shape(Lot, "named"))
    rl, p, lot, named = shapes
    table, receipt_id, product_id = _name(ReceiptLine._meta.db_table), _name("receipt_id"), _name("product_id")
    sql = (
        f"SELECT {rl.columns}, {p.columns}, {lot.columns}, {named.columns},"  # noqa: S608 — names from the models
        f" (SELECT SUM(t.{_name('expected')}) FROM {table} t WHERE t.{receipt_id} = %s),"
        f" (SELECT SUM(t.{_name('received')}) FROM {table} t WHERE t.{receipt_id} = %s)"
        f" FROM {rl.table}"
        f" INNER JOIN {p.table} ON p.{_name('id')} = rl.{product_id}"
        f" LEFT JOIN {lot.table} ON lot.{_name('id')} = rl.{_name('lot_id')}"
        f" LEFT JOIN {named.table} ON named.{product_id} = rl.{product_id} AND named.{_name('name')} = %s"
        f" WHERE rl.{receipt_id} = %s AND rl.{product_id} = %s ORDER BY rl.{_name('id')}" + _lock("rl")
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
def _insert_query(model) -> tuple[str, list]:
    fields = [field for field in model._meta.concrete_fields if field is not model._meta.auto_field]
    columns = ", ".join(_name(field.column) for field in fields)
    values = ", ".join(["%s"] * len(fields))
    pk = _name(model._meta.pk.column)
    return f"INSERT INTO {_name(model._meta.db_table)} ({columns}) VALUES ({values}) RETURNING {pk}", fields  # noqa: S608


def insert(instance) -> None:
    """`instance.save()` for a new row of a model with an automatic key, without building the
    statement each time: each field prepares its value as save() would (auto_now_add included).
    RETURNING: PostgreSQL, and SQLite since 3.35."""
    sql, fields = _insert_query(type(instance))
    values = [field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        instance.pk = cursor.fetchone()[0]
    instance._state.adding, instance._state.db = False, connection.alias


@cache
def _tally_query() -> str:
    table, received = _name(ReceiptLine._meta.db_table), _name("received")
    return f"UPDATE {table} SET {received} = {received} + CAST(%s AS NUMERIC) WHERE {_name('id')} = %s"  # noqa: S608


def tally(line_id: int, quantity: Decimal) -> None:
    """Add `quantity` to a line's received, in the database (F("received") + quantity)."""
    value = ReceiptLine._meta.get_field("received").get_db_prep_save(quantity, connection)
    with connection.cursor() as cursor:
        cursor.execute(_tally_query(), [value, line_id])
