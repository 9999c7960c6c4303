"""The rows an item scan at a pack station reads and writes, by hand-written SQL.

Each item scan locks the packer's place and the order, reads the order's lines, its cartons, what
they hold and what was picked of the item, then records the item. Built by the ORM, those
statements (joins to six tables, three grouped sums, model instances for every row) cost several
times the CPU the database spends running them, on every scan. Table and column names come from
the models' `_meta` (a renamed column follows); values go through the fields' own conversions. The
SQL runs on PostgreSQL and on SQLite (which has no row locks: it locks the whole database for a
write transaction instead).
"""

from decimal import Context, Decimal
from functools import cache

from django.db import connection
from django.utils import timezone

from floor.packing.models import Carton, CartonType, PackedItem, Packing, Station
from floor.picking.models import Order, OrderLine, Pick, PickRecord, TaskTote
from floor.warehouse.models import Lot, Product, Tote

_FLOATS = Context(prec=15)  # as the ORM reads a SQLite decimal stored as a float


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _table(model) -> str:
    return _q(model._meta.db_table)


def _column(model, name: str) -> str:
    return _q(model._meta.get_field(name).column)


def _decimal(value, places: str = "0.001") -> Decimal:
    """A sum read by hand: PostgreSQL gives a Decimal, SQLite an int or a float."""
    if value is None:
        return Decimal(0)
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        value = _FLOATS.create_decimal_from_float(value)
    return Decimal(value).quantize(Decimal(places))


class _Part:
    """One model's columns in a SELECT, under a table alias, and how to build its instance."""

    def __init__(self, model, alias: str):
        self.model, self.alias = model, alias
        self.fields = model._meta.concrete_fields
        self.width = len(self.fields)
        self.pk_index = self.fields.index(model._meta.pk)
        self.converters = []
        for n, field in enumerate(self.fields):
            col = field.get_col(alias)
            convert = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            if convert:
                self.converters.append((n, col, convert))

    def columns(self) -> str:
        return ", ".join(f"{self.alias}.{_q(f.column)}" for f in self.fields)

    def build(self, row, start: int):
        values = row[start : start + self.width]
        if values[self.pk_index] is None:  # the outer join found nothing
            return None
        if self.converters:
            values = list(values)
            for n, col, convert in self.converters:
                for f in convert:
                    values[n] = f(values[n], col, connection)
        return self.model.from_db(connection.alias, None, values)


def _cache(instance, name: str, value) -> None:
    instance._meta.get_field(name).set_cached_value(instance, value)


def _for_update(alias: str) -> str:
    if not connection.features.has_select_for_update:
        return ""
    return f" FOR UPDATE OF {alias}" if connection.features.has_select_for_update_of else " FOR UPDATE"


# Built once per database vendor (the tests run SQLite and PostgreSQL in one process).


@cache
def _packing_query(vendor: str) -> tuple[str, _Part, _Part]:
    packing, station = _Part(Packing, "pk"), _Part(Station, "s")
    sql = (
        f"SELECT {packing.columns()}, {station.columns()} FROM {_table(Packing)} pk "  # noqa: S608 — names from the models
        f"LEFT JOIN {_table(Station)} s ON s.{_q('id')} = pk.{_column(Packing, 'station')} "
        f"WHERE pk.{_column(Packing, 'actor')} = %s{_for_update('pk')}"
    )
    return sql, packing, station


def packing_locked(actor_id: int) -> Packing | None:
    """The packer's place, locked, with its station."""
    sql, packing_part, station_part = _packing_query(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [actor_id])
        row = cursor.fetchone()
    if row is None:
        return None
    packing = packing_part.build(row, 0)
    _cache(packing, "station", station_part.build(row, packing_part.width))
    return packing


@cache
def _order_query(vendor: str) -> tuple[str, _Part, _Part, _Part]:
    order, line, product = _Part(Order, "o"), _Part(OrderLine, "ol"), _Part(Product, "p")
    sql = (
        f"SELECT {order.columns()}, {line.columns()}, {product.columns()} FROM {_table(Order)} o "  # noqa: S608 — names from the models
        f"LEFT JOIN {_table(OrderLine)} ol ON ol.{_column(OrderLine, 'order')} = o.{_q('id')} "
        f"LEFT JOIN {_table(Product)} p ON p.{_q('id')} = ol.{_column(OrderLine, 'product')} "
        f"WHERE o.{_q('id')} = %s ORDER BY ol.{_q('id')}{_for_update('o')}"
    )
    return sql, order, line, product


def order_locked(order_id: int) -> tuple[Order, list[OrderLine]]:
    """The order, locked (only its row: its lines and their items are read along, not locked),
    and its lines by pk with their items."""
    sql, order_part, line_part, product_part = _order_query(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [order_id])
        rows = cursor.fetchall()
    order = order_part.build(rows[0], 0)
    lines = []
    for row in rows:
        line = line_part.build(row, order_part.width)
        if line is not None:
            _cache(line, "product", product_part.build(row, order_part.width + line_part.width))
            _cache(line, "order", order)
            lines.append(line)
    return order, lines


@cache
def _cartons_query(vendor: str) -> tuple[str, _Part, _Part]:
    carton, carton_type = _Part(Carton, "c"), _Part(CartonType, "t")
    sql = (
        f"SELECT {carton.columns()}, {carton_type.columns()} FROM {_table(Carton)} c "  # noqa: S608 — names from the models
        f"JOIN {_table(CartonType)} t ON t.{_q('id')} = c.{_column(Carton, 'carton_type')} "
        f"WHERE c.{_column(Carton, 'order')} = %s ORDER BY c.{_column(Carton, 'number')}"
    )
    return sql, carton, carton_type


def cartons(order_id: int) -> list[Carton]:
    """The order's cartons by number, with their types."""
    sql, carton_part, type_part = _cartons_query(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [order_id])
        rows = cursor.fetchall()
    found = []
    for row in rows:
        carton = carton_part.build(row, 0)
        _cache(carton, "carton_type", type_part.build(row, carton_part.width))
        found.append(carton)
    return found


@cache
def _amounts_query(vendor: str) -> str:
    item, reversal, carton, product = _table(PackedItem), _table(PackedItem), _table(Carton), _table(Product)
    record, pick, line, lot = _table(PickRecord), _table(Pick), _table(OrderLine), _table(Lot)
    tote_link, tote = _table(TaskTote), _table(Tote)
    id_ = _q("id")
    # One question, three answers told apart by their first column; the NULLs are cast so that
    # PostgreSQL can type each column of the UNION.
    return (
        f"SELECT 'packed', pi.{_column(PackedItem, 'carton')}, pi.{_column(PackedItem, 'product')}, "  # noqa: S608 — names from the models
        f"pi.{_column(PackedItem, 'lot')}, SUM(pi.{_column(PackedItem, 'quantity')}), "
        f"pr.{_column(Product, 'weight')}, pr.{_column(Product, 'volume')}, CAST(NULL AS TEXT) "
        f"FROM {item} pi JOIN {carton} c ON c.{id_} = pi.{_column(PackedItem, 'carton')} "
        f"JOIN {product} pr ON pr.{id_} = pi.{_column(PackedItem, 'product')} "
        f"LEFT JOIN {reversal} r ON r.{_column(PackedItem, 'reverses')} = pi.{id_} "
        f"WHERE c.{_column(Carton, 'order')} = %s AND pi.{_column(PackedItem, 'reverses')} IS NULL "
        f"AND r.{id_} IS NULL "
        f"GROUP BY pi.{_column(PackedItem, 'carton')}, pi.{_column(PackedItem, 'product')}, "
        f"pi.{_column(PackedItem, 'lot')}, pr.{_column(Product, 'weight')}, pr.{_column(Product, 'volume')} "
        f"UNION ALL "
        f"SELECT 'picked', rec.{_column(PickRecord, 'lot')}, CAST(NULL AS INTEGER), CAST(NULL AS INTEGER), "
        f"SUM(rec.{_column(PickRecord, 'quantity')}), CAST(NULL AS NUMERIC), CAST(NULL AS NUMERIC), "
        f"l.{_column(Lot, 'name')} "
        f"FROM {record} rec JOIN {pick} p ON p.{id_} = rec.{_column(PickRecord, 'pick')} "
        f"JOIN {line} ol ON ol.{id_} = p.{_column(Pick, 'order_line')} "
        f"LEFT JOIN {record} rr ON rr.{_column(PickRecord, 'reverses')} = rec.{id_} "
        f"LEFT JOIN {lot} l ON l.{id_} = rec.{_column(PickRecord, 'lot')} "
        f"WHERE ol.{_column(OrderLine, 'order')} = %s AND p.{_column(Pick, 'product')} = %s "
        f"AND rec.{_column(PickRecord, 'reverses')} IS NULL AND rr.{id_} IS NULL "
        f"GROUP BY rec.{_column(PickRecord, 'lot')}, l.{_column(Lot, 'name')} "
        f"UNION ALL "
        f"SELECT 'tote', tt.{_column(TaskTote, 'position')}, CAST(NULL AS INTEGER), CAST(NULL AS INTEGER), "
        f"CAST(NULL AS NUMERIC), CAST(NULL AS NUMERIC), CAST(NULL AS NUMERIC), t.{_column(Tote, 'barcode')} "
        f"FROM {tote_link} tt JOIN {tote} t ON t.{id_} = tt.{_column(TaskTote, 'tote')} "
        f"WHERE tt.{_column(TaskTote, 'order')} = %s AND tt.{_column(TaskTote, 'freed_at')} IS NULL"
    )


def amounts(order_id: int, product_id: int) -> tuple[dict, dict, list[str]]:
    """What an item scan weighs up, in one statement:
    - packed: (carton id, product id, lot id) → (units, weight kg, volume m³) in the order's
      cartons, still counting (neither an undo nor undone), weight and volume by the items' records;
    - picked: lot id → (lot name, units) of the item picked for the order, not reversed, if any;
    - the barcodes of the order's totes not yet freed, in their order."""
    with connection.cursor() as cursor:
        cursor.execute(_amounts_query(connection.vendor), [order_id, order_id, product_id, order_id])
        rows = cursor.fetchall()
    packed, picked, totes = {}, {}, []
    for kind, a, b, c, units, weight, volume, text in rows:
        if kind == "packed":
            units = _decimal(units)
            packed[(a, b, c)] = (units, units * _decimal(weight), units * _decimal(volume, "0.000001"))
        elif kind == "picked":
            units = _decimal(units)
            if units > 0:
                picked[a] = (text, units)
        else:
            totes.append((a, text))
    return packed, picked, [barcode for _position, barcode in sorted(totes)]


@cache
def _insert_query(vendor: str) -> tuple[str, list]:
    fields = [PackedItem._meta.get_field(name) for name in ("carton", "product", "lot", "quantity", "actor", "device")]
    fields.append(PackedItem._meta.get_field("created_at"))
    columns = ", ".join(_q(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    return f"INSERT INTO {_table(PackedItem)} ({columns}) VALUES ({marks})", fields  # noqa: S608 — names from the model


def add_item(*, carton_id: int, product_id: int, lot_id: int | None, quantity: Decimal, actor_id: int, device: str):
    """A PackedItem row: an item verified into a carton (its id is not needed)."""
    sql, fields = _insert_query(connection.vendor)
    values = [carton_id, product_id, lot_id, quantity, actor_id, device, timezone.now()]
    params = [field.get_db_prep_save(value, connection) for field, value in zip(fields, values, strict=True)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
