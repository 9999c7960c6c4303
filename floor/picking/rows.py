"""The rows every pick scan reads and writes, by hand-written SQL.

Each scan reads the picker's place (their Picking row, locked) with the task, the stop, its item,
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

from floor.picking.models import Order, OrderLine, Pick, Picking, PickRecord, PickTask, TaskTote
from floor.warehouse.models import Location, Lot, Product, Tote


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _table(model) -> str:
    return _q(model._meta.db_table)


def _column(model, name: str) -> str:
    return _q(model._meta.get_field(name).column)


class _Part:
    """One model's columns in a SELECT, under a table alias, and how to build its instance."""

    def __init__(self, model, alias: str):
        self.model, self.alias = model, alias
        self.fields = model._meta.concrete_fields
        self.width = len(self.fields)
        self.pk_index = self.fields.index(model._meta.pk)

    def columns(self) -> list[str]:
        return [f"{self.alias}.{_q(f.column)}" for f in self.fields]

    def converters(self) -> list[tuple]:
        """What the ORM would apply to each column read (SQLite keeps dates and decimals as text
        and floats); nothing for most columns on PostgreSQL."""
        found = []
        for n, field in enumerate(self.fields):
            col = field.get_col(self.alias)
            convert = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            if convert:
                found.append((n, col, convert))
        return found


def _build(db, part: _Part, converters, row, start: int):
    """`db`: the connection itself (the `connection` proxy costs a thread-local look-up a use)."""
    values = row[start : start + part.width]
    if values[part.pk_index] is None:  # the outer join found nothing
        return None
    if converters:
        values = list(values)
        for n, col, convert in converters:
            for f in convert:
                values[n] = f(values[n], col, db)
    return part.model.from_db(db.alias, None, values)


def _cache(instance, name: str, value) -> None:
    instance._meta.get_field(name).set_cached_value(instance, value)


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
        f"LEFT JOIN {_table(Product)} pp ON pp.{_q('id')} = p.{_column(Pick, 'product')} "
        f"LEFT JOIN {_table(Location)} pl ON pl.{_q('id')} = p.{_column(Pick, 'location')} "
        f"LEFT JOIN {_table(Lot)} pt ON pt.{_q('id')} = p.{_column(Pick, 'lot')} "
        f"LEFT JOIN {_table(OrderLine)} ol ON ol.{_q('id')} = p.{_column(Pick, 'order_line')} "
        f"LEFT JOIN {_table(TaskTote)} tt ON tt.{_column(TaskTote, 'task')} = {task_column} "
        f"AND tt.{_column(TaskTote, 'order')} = ol.{_column(OrderLine, 'order')} "
        f"LEFT JOIN {_table(Tote)} tb ON tb.{_q('id')} = tt.{_column(TaskTote, 'tote')} "
        f"LEFT JOIN {_table(Order)} o ON o.{_q('id')} = tt.{_column(TaskTote, 'order')} "
    )


def _stop(db, parts: dict, row, start: int) -> tuple[Pick | None, int]:
    """The stop read from `row` at `start`, its item, bin and lot cached on it and its binding in
    `pick._binding`; and where the next columns start."""
    built = {}
    for name, part, converters in parts:
        built[name] = _build(db, part, converters, row, start)
        start += part.width
    pick = built["pick"]
    if pick is None:
        return None, start
    _cache(pick, "product", built["product"])
    _cache(pick, "location", built["location"])
    _cache(pick, "lot", built["lot"])
    binding = built["binding"]
    if binding is not None:
        _cache(binding, "tote", built["tote"])
        _cache(binding, "order", built["order"])
    pick._binding = binding
    return pick, start


@cache
def _stop_parts(vendor: str) -> list:
    return [(name, part, part.converters()) for name, model, alias in _STOP_PARTS for part in [_Part(model, alias)]]


# --- The picker's place


@cache
def _place_query(vendor: str, lock: bool) -> tuple:
    picking, task, lot = _Part(Picking, "pg"), _Part(PickTask, "t"), _Part(Lot, "gl")
    head = [(picking, picking.converters()), (task, task.converters()), (lot, lot.converters())]
    stop = _stop_parts(vendor)
    columns = [c for part, _ in head for c in part.columns()] + [c for _, part, _ in stop for c in part.columns()]
    pick, record = _table(Pick), _table(PickRecord)
    p_task, p_state = _column(Pick, "task"), _column(Pick, "state")
    r_pick, r_actor, r_reverses = (_column(PickRecord, n) for n in ("pick", "actor", "reverses"))
    pg_task, pg_actor = f"pg.{_column(Picking, 'task')}", f"pg.{_column(Picking, 'actor')}"
    # How far the task is (stops not cancelled, and of them those not open), and the last put of
    # this person in the task that still counts: what Undo would take back.
    columns += [
        f"(SELECT COUNT(*) FROM {pick} s WHERE s.{p_task} = {pg_task} AND s.{p_state} <> %s)",  # noqa: S608
        f"(SELECT COUNT(*) FROM {pick} s WHERE s.{p_task} = {pg_task} AND s.{p_state} NOT IN (%s, %s))",  # noqa: S608
        f"lr.{_column(PickRecord, 'quantity')}",
        f"lpp.{_column(Product, 'sku')}",
        f"lt.{_column(Tote, 'barcode')}",
        f"lp.{p_state}",
    ]
    params = [Pick.State.CANCELLED, Pick.State.CANCELLED, Pick.State.OPEN]
    sql = (
        f"SELECT {', '.join(columns)} FROM {_table(Picking)} pg "  # noqa: S608 — names from the models
        f"LEFT JOIN {_table(PickTask)} t ON t.{_q('id')} = {pg_task} "
        f"LEFT JOIN {_table(Lot)} gl ON gl.{_q('id')} = pg.{_column(Picking, 'lot')} "
        f"LEFT JOIN {pick} p ON p.{_q('id')} = pg.{_column(Picking, 'pick')} "
        + _stop_joins(pg_task)
        + f"LEFT JOIN {record} lr ON lr.{_q('id')} = ("  # noqa: S608 — names from the models
        f"SELECT r.{_q('id')} FROM {record} r JOIN {pick} rp ON rp.{_q('id')} = r.{r_pick} "
        f"WHERE rp.{p_task} = {pg_task} AND r.{r_actor} = {pg_actor} AND r.{r_reverses} IS NULL "
        f"AND NOT EXISTS (SELECT 1 FROM {record} x WHERE x.{r_reverses} = r.{_q('id')}) "
        f"ORDER BY r.{_q('id')} DESC LIMIT 1) "
        f"LEFT JOIN {pick} lp ON lp.{_q('id')} = lr.{r_pick} "
        f"LEFT JOIN {_table(Product)} lpp ON lpp.{_q('id')} = lp.{_column(Pick, 'product')} "
        f"LEFT JOIN {_table(Tote)} lt ON lt.{_q('id')} = lr.{_column(PickRecord, 'tote')} "
        f"WHERE {pg_actor} = %s"
    )
    if lock and connection.features.has_select_for_update_of:
        sql += " FOR UPDATE OF pg"
    quantity = PickRecord._meta.get_field("quantity").get_col("lr")
    quantity_converters = connection.ops.get_db_converters(quantity) + quantity.get_db_converters(connection)
    return sql, params, head, (quantity, quantity_converters)


def place(*, actor_id: int, lock: bool = False) -> Picking | None:
    """The person's Picking row (locked with `lock`) with its task, lot and stop (item, bin, lot,
    binding) cached on it, and in `_stops` and `_last_put` what the screen shows of the task:
    (stops, stops done) and (quantity, sku, tote, state of its stop) of the last put, or None."""
    db = connections[DEFAULT_DB_ALIAS]
    sql, params, head, (quantity_col, quantity_converters) = _place_query(db.vendor, lock)
    with db.cursor() as cursor:
        cursor.execute(sql, [*params, actor_id])
        row = cursor.fetchone()
    if row is None:
        return None
    start, built = 0, []
    for part, converters in head:
        built.append(_build(db, part, converters, row, start))
        start += part.width
    picking, task, lot = built
    pick, start = _stop(db, _stop_parts(db.vendor), row, start)
    _cache(picking, "task", task)
    _cache(picking, "lot", lot)
    _cache(picking, "pick", pick)
    total, done, quantity, sku, tote, state = row[start:]
    picking._stops = (total, done)
    if quantity is None:
        picking._last_put = None
    else:
        for convert in quantity_converters:
            quantity = convert(quantity, quantity_col, db)
        picking._last_put = (quantity, sku, tote, state)
    return picking


# --- The next stop


@cache
def _next_query(vendor: str, other: bool) -> str:
    stop = _stop_parts(vendor)
    columns = [c for _, part, _ in stop for c in part.columns()]
    # The stop is chosen in a sub-select of its own: with ORDER BY … LIMIT over the whole join,
    # PostgreSQL spent ten times as long planning the statement as with the joins done after.
    first = (
        f"SELECT * FROM {_table(Pick)} p WHERE p.{_column(Pick, 'task')} = %s AND p.{_column(Pick, 'state')} = %s "  # noqa: S608 — names from the model
        + (f"AND p.{_q('id')} <> %s " if other else "")
        + f"ORDER BY p.{_column(Pick, 'sequence')}, p.{_q('id')} LIMIT 1"
    )
    return f"SELECT {', '.join(columns)} FROM ({first}) p " + _stop_joins(f"p.{_column(Pick, 'task')}")  # noqa: S608


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
    return _stop(db, _stop_parts(db.vendor), row, 0)[0]


def send_to_end(*, pick_id: int, task_id: int) -> None:
    """A skipped stop goes to the end of the task's path; the short it was being reported as is
    dropped. One statement: the last sequence is read by the UPDATE itself."""
    pick, sequence = _table(Pick), _column(Pick, "sequence")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {pick} SET {sequence} = (SELECT COALESCE(MAX(s.{sequence}), 0) + 1 FROM {pick} s "  # noqa: S608 — names from the models
            f"WHERE s.{_column(Pick, 'task')} = %s), {_column(Pick, 'short_reason')} = %s WHERE {_q('id')} = %s",
            [task_id, "", pick_id],
        )


# --- Writes


def _prep(model, name: str, value):
    return model._meta.get_field(name).get_db_prep_save(value, connection)


def _execute(sql: str, params: list) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


_STEP = ("task", "pick", "waiting", "lot", "quantity", "updated_at")


@cache
def _save_place_sql(vendor: str) -> str:
    columns = ", ".join(f"{_column(Picking, name)} = %s" for name in _STEP)
    return f"UPDATE {_table(Picking)} SET {columns} WHERE {_q('id')} = %s"  # noqa: S608 — names from the model


def save_place(picking: Picking) -> None:
    """The step's columns of a place (its person and warehouse do not change on a scan)."""
    picking.updated_at = timezone.now()
    values = [_prep(Picking, name, getattr(picking, Picking._meta.get_field(name).attname)) for name in _STEP]
    _execute(_save_place_sql(connection.vendor), [*values, picking.pk])


def renew_lease(*, task_id: int, picker_id: int, until) -> bool:
    """The task's lease renewed if it is still the picker's and active (the UPDATE locks its row
    until the transaction ends); False when it is not."""
    sql = (
        f"UPDATE {_table(PickTask)} SET {_column(PickTask, 'lease_until')} = %s "  # noqa: S608 — names from the model
        f"WHERE {_q('id')} = %s AND {_column(PickTask, 'picker')} = %s AND {_column(PickTask, 'state')} = %s"
    )
    return _execute(sql, [_prep(PickTask, "lease_until", until), task_id, picker_id, PickTask.State.ACTIVE]) > 0


def lock_stop(pick: Pick) -> None:
    """The stop's row locked, and what can change on it (how much is picked, its state and short
    reason) read again into `pick`; its item, bin and lot never change."""
    columns = ", ".join(_column(Pick, name) for name in ("quantity", "picked", "state", "short_reason"))
    sql = f"SELECT {columns} FROM {_table(Pick)} WHERE {_q('id')} = %s"  # noqa: S608 — names from the model
    if connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    with connection.cursor() as cursor:
        cursor.execute(sql, [pick.pk])
        row = cursor.fetchone()
    if row is None:
        raise Pick.DoesNotExist
    quantity, picked, pick.state, pick.short_reason = row
    pick.quantity, pick.picked = _decimal(quantity), _decimal(picked)


def _decimal(value) -> Decimal:
    """A quantity as read from the database (SQLite gives ints and floats), to the thousandth."""
    return value if isinstance(value, Decimal) else Decimal(str(value)).quantize(Decimal("0.001"))


def put_in_tote(*, pick: Pick, quantity: Decimal) -> None:
    """What a put changes on its stop (`pick`, already counted up) and on its order line."""
    _execute(
        f"UPDATE {_table(Pick)} SET {_column(Pick, 'picked')} = %s, {_column(Pick, 'state')} = %s "  # noqa: S608 — names from the model
        f"WHERE {_q('id')} = %s",
        [_prep(Pick, "picked", pick.picked), pick.state, pick.pk],
    )
    picked = _column(OrderLine, "picked")
    _execute(
        # ROUND: SQLite keeps decimals as floats; sums must not drift off the thousandths.
        f"UPDATE {_table(OrderLine)} SET {picked} = ROUND({picked} + %s, 3) WHERE {_q('id')} = %s",  # noqa: S608 — names from the model
        [_prep(OrderLine, "picked", quantity), pick.order_line_id],
    )


@cache
def _record_sql(vendor: str) -> tuple:
    fields = [f for f in PickRecord._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(_q(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    return fields, f"INSERT INTO {_table(PickRecord)} ({columns}) VALUES ({marks})"  # noqa: S608 — names from the model


def add_record(record: PickRecord) -> None:
    """What a picker put in a tote, appended (nothing reads the new row back in this request)."""
    fields, sql = _record_sql(connection.vendor)
    record.created_at = timezone.now()
    _execute(sql, [f.get_db_prep_save(getattr(record, f.attname), connection) for f in fields])
