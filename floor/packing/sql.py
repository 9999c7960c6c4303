"""The rows an item scan at a pack station reads and writes, by hand-written SQL.

Each item scan locks the packer's place and the order, reads the order's lines, its cartons, what
they hold and what was picked of the item, then records the item. Built by the ORM, those
statements (joins to six tables, three grouped sums, model instances for every row) cost several
times the CPU the database spends running them, on every scan. Table and column names come from
the models' `_meta` (a renamed column follows); values go through the fields' own conversions. The
SQL runs on PostgreSQL and on SQLite (which has no row locks: it locks the whole database for a
write transaction instead).
"""

from decimal import Decimal
from functools import cache

from django.db import connection
from django.utils import timezone

from floor.packing.models import Carton, CartonContent, CartonType, PackedItem, Packing, Station
from floor.picking.models import Order, OrderLine, Pick, PickRecord, TaskTote
from floor.sql import Part, cache_related, column, decimal, for_update, quote, table
from floor.warehouse.models import Lot, Product, Tote

# Built once per database vendor (the tests run SQLite and PostgreSQL in one process).


@cache
def _packing_query(vendor: str) -> tuple[str, Part, Part]:
    packing, station = Part(Packing, "pk"), Part(Station, "s")
    sql = (
        f"SELECT {packing.columns}, {station.columns} FROM {table(Packing)} pk "  # noqa: S608 — names from the models
        f"LEFT JOIN {table(Station)} s ON s.{quote('id')} = pk.{column(Packing, 'station')} "
        f"WHERE pk.{column(Packing, 'actor')} = %s{for_update('pk')}"
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
    cache_related(packing, "station", station_part.build(row, len(packing_part)))
    return packing


@cache
def _order_query(vendor: str) -> tuple[str, Part, Part, Part]:
    order, line, product = Part(Order, "o"), Part(OrderLine, "ol"), Part(Product, "p")
    sql = (
        f"SELECT {order.columns}, {line.columns}, {product.columns} FROM {table(Order)} o "  # noqa: S608 — names from the models
        f"LEFT JOIN {table(OrderLine)} ol ON ol.{column(OrderLine, 'order')} = o.{quote('id')} "
        f"LEFT JOIN {table(Product)} p ON p.{quote('id')} = ol.{column(OrderLine, 'product')} "
        f"WHERE o.{quote('id')} = %s ORDER BY ol.{quote('id')}{for_update('o')}"
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
        line = line_part.build(row, len(order_part))
        if line is not None:
            cache_related(line, "product", product_part.build(row, len(order_part) + len(line_part)))
            cache_related(line, "order", order)
            lines.append(line)
    return order, lines


@cache
def _cartons_query(vendor: str) -> tuple[str, Part, Part]:
    carton, carton_type = Part(Carton, "c"), Part(CartonType, "t")
    sql = (
        f"SELECT {carton.columns}, {carton_type.columns} FROM {table(Carton)} c "  # noqa: S608 — names from the models
        f"JOIN {table(CartonType)} t ON t.{quote('id')} = c.{column(Carton, 'carton_type')} "
        f"WHERE c.{column(Carton, 'order')} = %s ORDER BY c.{column(Carton, 'number')}"
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
        cache_related(carton, "carton_type", type_part.build(row, len(carton_part)))
        found.append(carton)
    return found


@cache
def _amounts_query(vendor: str) -> str:
    content, carton, product = table(CartonContent), table(Carton), table(Product)
    record, pick, line, lot = table(PickRecord), table(Pick), table(OrderLine), table(Lot)
    tote_link, tote = table(TaskTote), table(Tote)
    id_ = quote("id")
    # One question, three answers told apart by their first column; the NULLs are cast so that
    # PostgreSQL can type each column of the UNION.
    return (
        f"SELECT 'packed', cc.{column(CartonContent, 'carton')}, cc.{column(CartonContent, 'product')}, "  # noqa: S608 — names from the models
        f"cc.{column(CartonContent, 'lot')}, cc.{column(CartonContent, 'quantity')}, "
        f"pr.{column(Product, 'weight')}, pr.{column(Product, 'volume')}, CAST(NULL AS TEXT) "
        f"FROM {content} cc JOIN {carton} c ON c.{id_} = cc.{column(CartonContent, 'carton')} "
        f"JOIN {product} pr ON pr.{id_} = cc.{column(CartonContent, 'product')} "
        f"WHERE c.{column(Carton, 'order')} = %s AND cc.{column(CartonContent, 'quantity')} > 0 "
        f"UNION ALL "
        f"SELECT 'picked', rec.{column(PickRecord, 'lot')}, CAST(NULL AS INTEGER), CAST(NULL AS INTEGER), "
        f"SUM(rec.{column(PickRecord, 'quantity')}), CAST(NULL AS NUMERIC), CAST(NULL AS NUMERIC), "
        f"l.{column(Lot, 'name')} "
        f"FROM {record} rec JOIN {pick} p ON p.{id_} = rec.{column(PickRecord, 'pick')} "
        f"JOIN {line} ol ON ol.{id_} = p.{column(Pick, 'order_line')} "
        f"LEFT JOIN {record} rr ON rr.{column(PickRecord, 'reverses')} = rec.{id_} "
        f"LEFT JOIN {lot} l ON l.{id_} = rec.{column(PickRecord, 'lot')} "
        f"WHERE ol.{column(OrderLine, 'order')} = %s AND p.{column(Pick, 'product')} = %s "
        f"AND rec.{column(PickRecord, 'reverses')} IS NULL AND rr.{id_} IS NULL "
        f"GROUP BY rec.{column(PickRecord, 'lot')}, l.{column(Lot, 'name')} "
        f"UNION ALL "
        f"SELECT 'tote', tt.{column(TaskTote, 'position')}, CAST(NULL AS INTEGER), CAST(NULL AS INTEGER), "
        f"CAST(NULL AS NUMERIC), CAST(NULL AS NUMERIC), CAST(NULL AS NUMERIC), t.{column(Tote, 'barcode')} "
        f"FROM {tote_link} tt JOIN {tote} t ON t.{id_} = tt.{column(TaskTote, 'tote')} "
        f"WHERE tt.{column(TaskTote, 'order')} = %s AND tt.{column(TaskTote, 'freed_at')} IS NULL"
    )


def amounts(order_id: int, product_id: int) -> tuple[dict, dict, list[str]]:
    """What an item scan weighs up, in one statement:
    - packed: (carton id, product id, lot id) → (units, weight kg, volume m³) in the order's
      cartons (their contents), weight and volume by the items' records;
    - picked: lot id → (lot name, units) of the item picked for the order, not reversed, if any;
    - the barcodes of the order's totes not yet freed, in their order."""
    with connection.cursor() as cursor:
        cursor.execute(_amounts_query(connection.vendor), [order_id, order_id, product_id, order_id])
        rows = cursor.fetchall()
    packed, picked, totes = {}, {}, []
    for kind, a, b, c, units, weight, volume, text in rows:
        if kind == "packed":
            units = decimal(units)
            packed[(a, b, c)] = (units, units * decimal(weight), units * decimal(volume, "0.000001"))
        elif kind == "picked":
            units = decimal(units)
            if units > 0:
                picked[a] = (text, units)
        else:
            totes.append((a, text))
    return packed, picked, [barcode for _position, barcode in sorted(totes)]


@cache
def _add_item_queries(vendor: str, lot: bool) -> tuple[list[str], list]:
    fields = [PackedItem._meta.get_field(name) for name in ("carton", "product", "lot", "quantity", "actor", "device")]
    fields.append(PackedItem._meta.get_field("created_at"))
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    record = f"INSERT INTO {table(PackedItem)} ({columns}) VALUES ({marks})"  # noqa: S608 — names from the model
    quantity = column(CartonContent, "quantity")
    carton, product, lot_column = (column(CartonContent, name) for name in ("carton", "product", "lot"))
    # The conflict target names the partial unique index the row falls under (the model's two
    # constraints), so that PostgreSQL and SQLite find it.
    target = f"({carton}, {product}"
    target += f", {lot_column}) WHERE {lot_column} IS NOT NULL" if lot else f") WHERE {lot_column} IS NULL"
    count = (
        f"INSERT INTO {table(CartonContent)} ({carton}, {product}, {lot_column}, {quantity}) "  # noqa: S608 — names from the model
        f"VALUES (%s, %s, %s, %s) ON CONFLICT {target} "
        f"DO UPDATE SET {quantity} = {table(CartonContent)}.{quantity} + excluded.{quantity}"
    )
    if vendor == "postgresql":  # one round trip: the record as a data-modifying WITH
        return [f"WITH item AS ({record}) {count}"], fields
    return [record, count], fields


def add_item(*, carton_id: int, product_id: int, lot_id: int | None, quantity: Decimal, actor_id: int, device: str):
    """A PackedItem row: an item verified into a carton (its id is not needed); and the carton's
    contents counted up by as much. The caller holds the order's lock: no one else counts into its
    cartons meanwhile."""
    statements, fields = _add_item_queries(connection.vendor, lot_id is not None)
    values = [carton_id, product_id, lot_id, quantity, actor_id, device, timezone.now()]
    record = [field.get_db_prep_save(value, connection) for field, value in zip(fields, values, strict=True)]
    count = [carton_id, product_id, lot_id, record[3]]
    with connection.cursor() as cursor:
        if len(statements) == 1:
            cursor.execute(statements[0], record + count)
        else:
            cursor.execute(statements[0], record)
            cursor.execute(statements[1], count)
