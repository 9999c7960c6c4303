"""The rows every pick scan reads and writes, by hand-written SQL.

Each scan reads the picker's place (their PickerPlace row, locked) with the task, the stop, its item,
bin and lot, the tote and order it goes into, how far the task is and the last put Undo would take
back; a stop that ends asks for the next one with its tote. Built by the ORM, those statements
(a dozen joined tables, two counts, a correlated look-up) cost several times the CPU PostgreSQL spends
running them, on every scan; so do the ORM's save and update for the few rows a scan writes. Table
and column names come from the models' `_meta` (a renamed column follows); values go through the
fields' own conversions. The SQL runs on PostgreSQL and on SQLite (which has no row locks: it
locks the whole database for a write transaction instead).
"""

from decimal import Decimal
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone

from floor.picking.models import Order, OrderLine, Pick, PickerPlace, PickRecord, PickTask, TaskTote
from floor.sql import Part, cache_related, column, decimal, quote, table
from floor.warehouse.models import Location, Lot, Product, Tote

# --- A stop with its item, bin, lot and binding (the tote and order its goods go into)

_STOP_PARTS = (
    ("pick", Pick, "p"),
    ("product", Product, "pp"),
    ("location", Location, "pl"),
    ("lot", Lot, "pt"),
    ("binding", TaskTote, "tt"),
    ("tote", Tote, "tb"),
    ("order", Order, "o"),
)


def _stop_joins(task_column: str) -> str:
    """Outer joins from the stop `p` (which may be missing) to what it shows; its binding is the
    TaskTote of the task in `task_column` for the order of the stop's line."""
    return (
        f"LEFT JOIN {table(Product)} pp ON pp.{quote('id')} = p.{column(Pick, 'product')} "
        f"LEFT JOIN {table(Location)} pl ON pl.{quote('id')} = p.{column(Pick, 'location')} "
        f"LEFT JOIN {table(Lot)} pt ON pt.{quote('id')} = p.{column(Pick, 'lot')} "
        f"LEFT JOIN {table(OrderLine)} ol ON ol.{quote('id')} = p.{column(Pick, 'order_line')} "
        f"LEFT JOIN {table(TaskTote)} tt ON tt.{column(TaskTote, 'task')} = {task_column} "
        f"AND tt.{column(TaskTote, 'order')} = ol.{column(OrderLine, 'order')} "
        f"LEFT JOIN {table(Tote)} tb ON tb.{quote('id')} = tt.{column(TaskTote, 'tote')} "
        f"LEFT JOIN {table(Order)} o ON o.{quote('id')} = tt.{column(TaskTote, 'order')} "
    )


def _stop(parts: dict, row, start: int) -> tuple[Pick | None, int]:
    """The stop read from `row` at `start`, its item, bin and lot cached on it and its binding in
    `pick.tote_binding`; and where the next columns start."""
    built = {}
    for name, part in parts:
        built[name] = part.build(row, start)
        start += len(part)
    pick = built["pick"]
    if pick is None:
        return None, start
    cache_related(pick, "product", built["product"])
    cache_related(pick, "location", built["location"])
    cache_related(pick, "lot", built["lot"])
    binding = built["binding"]
    if binding is not None:
        cache_related(binding, "tote", built["tote"])
        cache_related(binding, "order", built["order"])
    pick.tote_binding = binding
    return pick, start


@cache
def _stop_parts(vendor: str) -> list:
    return [(name, Part(model, alias)) for name, model, alias in _STOP_PARTS]


# --- The picker's place


@cache
def _place_query(vendor: str, lock: bool) -> tuple:
    head = [Part(PickerPlace, "pg"), Part(PickTask, "t"), Part(Lot, "gl")]
    stop = _stop_parts(vendor)
    columns = [part.columns for part in head] + [part.columns for _, part in stop]
    pick = table(Pick)
    p_task, p_state = column(Pick, "task"), column(Pick, "state")
    pg_task, pg_actor = f"pg.{column(PickerPlace, 'task')}", f"pg.{column(PickerPlace, 'actor')}"
    # How far the task is (stops not cancelled, and of them those not open), and the last put of
    # this person in the task that still counts: what Undo would take back.
    columns += [
        f"(SELECT COUNT(*) FROM {pick} s WHERE s.{p_task} = {pg_task} AND s.{p_state} <> %s)",  # noqa: S608
        f"(SELECT COUNT(*) FROM {pick} s WHERE s.{p_task} = {pg_task} AND s.{p_state} NOT IN (%s, %s))",  # noqa: S608
        f"lr.{column(PickRecord, 'quantity')}",
        f"lpp.{column(Product, 'sku')}",
        f"lt.{column(Tote, 'barcode')}",
        f"lp.{p_state}",
    ]
    params = [Pick.State.CANCELLED, Pick.State.CANCELLED, Pick.State.OPEN]
    sql = (
        f"SELECT {', '.join(columns)} FROM {table(PickerPlace)} pg "  # noqa: S608 — names from the models
        f"LEFT JOIN {table(PickTask)} t ON t.{quote('id')} = {pg_task} "
        f"LEFT JOIN {table(Lot)} gl ON gl.{quote('id')} = pg.{column(PickerPlace, 'lot')} "
        f"LEFT JOIN {pick} p ON p.{quote('id')} = pg.{column(PickerPlace, 'pick')} "
        + _stop_joins(pg_task)
        + f"LEFT JOIN {table(PickRecord)} lr ON lr.{quote('id')} = pg.{column(PickerPlace, 'last_put')} "
        f"LEFT JOIN {pick} lp ON lp.{quote('id')} = lr.{column(PickRecord, 'pick')} "
        f"LEFT JOIN {table(Product)} lpp ON lpp.{quote('id')} = lp.{column(Pick, 'product')} "
        f"LEFT JOIN {table(Tote)} lt ON lt.{quote('id')} = lr.{column(PickRecord, 'tote')} "
        f"WHERE {pg_actor} = %s"
    )
    if lock and connection.features.has_select_for_update_of:
        sql += " FOR UPDATE OF pg"
    quantity = PickRecord._meta.get_field("quantity").get_col("lr")
    quantity_converters = connection.ops.get_db_converters(quantity) + quantity.get_db_converters(connection)
    return sql, params, head, (quantity, quantity_converters)


def place(*, actor_id: int, lock: bool = False) -> PickerPlace | None:
    """The person's PickerPlace row (locked with `lock`) with its task, lot and stop (item, bin, lot,
    binding) cached on it, and in `task_progress` and `last_put_seen` what the screen shows of the
    task (PickerPlace says what they hold; floor/picking/place.py how they are kept up)."""
    db = connections[DEFAULT_DB_ALIAS]
    sql, params, head, (quantity_col, quantity_converters) = _place_query(db.vendor, lock)
    with db.cursor() as cursor:
        cursor.execute(sql, [*params, actor_id])
        row = cursor.fetchone()
    if row is None:
        return None
    start, built = 0, []
    for part in head:
        built.append(part.build(row, start))
        start += len(part)
    picking, task, lot = built
    pick, start = _stop(_stop_parts(db.vendor), row, start)
    cache_related(picking, "task", task)
    cache_related(picking, "lot", lot)
    cache_related(picking, "pick", pick)
    total, done, quantity, sku, tote, state = row[start:]
    picking.task_progress = (total, done)
    if quantity is None:
        picking.last_put_seen = None
    else:
        for convert in quantity_converters:
            quantity = convert(quantity, quantity_col, db)
        picking.last_put_seen = (quantity, sku, tote, state)
    return picking


# --- The next stop


@cache
def _next_query(vendor: str, other: bool) -> str:
    stop = _stop_parts(vendor)
    columns = [part.columns for _, part in stop]
    # The stop is chosen in a sub-select of its own: with ORDER BY … LIMIT over the whole join,
    # PostgreSQL spent ten times as long planning the statement as with the joins done after.
    first = (
        f"SELECT * FROM {table(Pick)} p WHERE p.{column(Pick, 'task')} = %s AND p.{column(Pick, 'state')} = %s "  # noqa: S608 — names from the model
        + (f"AND p.{quote('id')} <> %s " if other else "")
        + f"ORDER BY p.{column(Pick, 'sequence')}, p.{quote('id')} LIMIT 1"
    )
    return f"SELECT {', '.join(columns)} FROM ({first}) p " + _stop_joins(f"p.{column(Pick, 'task')}")  # noqa: S608


def next_stop(*, task_id: int, other_than: int | None = None) -> Pick | None:
    """The task's first open stop in walking order (other than the stop `other_than`), with its
    item, bin, lot and binding."""
    db = connections[DEFAULT_DB_ALIAS]
    params = [task_id, Pick.State.OPEN] + ([other_than] if other_than is not None else [])
    with db.cursor() as cursor:
        cursor.execute(_next_query(db.vendor, other_than is not None), params)
        row = cursor.fetchone()
    if row is None:
        return None
    return _stop(_stop_parts(db.vendor), row, 0)[0]


def send_to_end(*, pick_id: int, task_id: int) -> None:
    """A skipped stop goes to the end of the task's path; the short it was being reported as is
    dropped. One statement: the last sequence is read by the UPDATE itself."""
    pick, sequence = table(Pick), column(Pick, "sequence")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {pick} SET {sequence} = (SELECT COALESCE(MAX(s.{sequence}), 0) + 1 FROM {pick} s "  # noqa: S608 — names from the models
            f"WHERE s.{column(Pick, 'task')} = %s), {column(Pick, 'short_reason')} = %s WHERE {quote('id')} = %s",
            [task_id, "", pick_id],
        )


# --- Writes


def _prep(model, name: str, value):
    return model._meta.get_field(name).get_db_prep_save(value, connection)


def _execute(sql: str, params: list) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


_STEP = ("task", "pick", "waiting", "lot", "quantity", "last_put", "updated_at")


@cache
def _save_place_sql(vendor: str) -> str:
    columns = ", ".join(f"{column(PickerPlace, name)} = %s" for name in _STEP)
    return f"UPDATE {table(PickerPlace)} SET {columns} WHERE {quote('id')} = %s"  # noqa: S608 — names from the model


def save_place(picking: PickerPlace) -> None:
    """The step's columns of a place (its person and warehouse do not change on a scan)."""
    picking.updated_at = timezone.now()
    values = [_prep(PickerPlace, name, getattr(picking, PickerPlace._meta.get_field(name).attname)) for name in _STEP]
    _execute(_save_place_sql(connection.vendor), [*values, picking.pk])


def renew_lease(*, task_id: int, picker_id: int, until) -> bool:
    """The task's lease renewed if it is still the picker's and active (the UPDATE locks its row
    until the transaction ends); False when it is not."""
    sql = (
        f"UPDATE {table(PickTask)} SET {column(PickTask, 'lease_until')} = %s "  # noqa: S608 — names from the model
        f"WHERE {quote('id')} = %s AND {column(PickTask, 'picker')} = %s AND {column(PickTask, 'state')} = %s"
    )
    return _execute(sql, [_prep(PickTask, "lease_until", until), task_id, picker_id, PickTask.State.ACTIVE]) > 0


def lock_stop(pick: Pick) -> None:
    """The stop's row locked, and what can change on it (how much is picked, its state and short
    reason) read again into `pick`; its item, bin and lot never change."""
    columns = ", ".join(column(Pick, name) for name in ("quantity", "picked", "state", "short_reason"))
    sql = f"SELECT {columns} FROM {table(Pick)} WHERE {quote('id')} = %s"  # noqa: S608 — names from the model
    if connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    with connection.cursor() as cursor:
        cursor.execute(sql, [pick.pk])
        row = cursor.fetchone()
    if row is None:
        raise Pick.DoesNotExist
    quantity, picked, pick.state, pick.short_reason = row
    pick.quantity, pick.picked = decimal(quantity), decimal(picked)


def put_in_tote(*, pick: Pick, quantity: Decimal) -> None:
    """What a put changes on its stop (`pick`, already counted up) and on its order line."""
    _execute(
        f"UPDATE {table(Pick)} SET {column(Pick, 'picked')} = %s, {column(Pick, 'state')} = %s "  # noqa: S608 — names from the model
        f"WHERE {quote('id')} = %s",
        [_prep(Pick, "picked", pick.picked), pick.state, pick.pk],
    )
    picked = column(OrderLine, "picked")
    _execute(
        # ROUND: SQLite keeps decimals as floats; sums must not drift off the thousandths.
        f"UPDATE {table(OrderLine)} SET {picked} = ROUND({picked} + %s, 3) WHERE {quote('id')} = %s",  # noqa: S608 — names from the model
        [_prep(OrderLine, "picked", quantity), pick.order_line_id],
    )


@cache
def _record_sql(vendor: str) -> tuple:
    fields = [f for f in PickRecord._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    # PostgreSQL and SQLite (3.35 and later) both give the new row's id back with RETURNING.
    return fields, f"INSERT INTO {table(PickRecord)} ({columns}) VALUES ({marks}) RETURNING {quote('id')}"  # noqa: S608 — names from the model


def add_record(record: PickRecord) -> None:
    """What a picker put in a tote, appended; its id set on `record`."""
    fields, sql = _record_sql(connection.vendor)
    record.created_at = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(sql, [f.get_db_prep_save(getattr(record, f.attname), connection) for f in fields])
        record.pk = cursor.fetchone()[0]
