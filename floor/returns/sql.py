"""The inspect screen's hottest statement written out (floor/sql.py says why): the inspector's
place with the return they hold and the item waiting for its grade, with its item, in one read,
locked where the action changes it."""

from functools import cache

from django.db import DEFAULT_DB_ALIAS, connection, connections

from floor.returns.models import Inspection, InspectorPlace, Return
from floor.sql import Part, cache_related, column, quote, table
from floor.warehouse.models import Product


@cache
def _place_query(vendor: str, lock: bool) -> tuple[str, list[Part]]:
    parts = [Part(InspectorPlace, "ip"), Part(Return, "r"), Part(Inspection, "i"), Part(Product, "p")]
    sql = (
        f"SELECT {', '.join(part.columns for part in parts)} FROM {table(InspectorPlace)} ip "  # noqa: S608 — names from the models
        f"LEFT JOIN {table(Return)} r ON r.{quote('id')} = ip.{column(InspectorPlace, 'ret')} "
        f"LEFT JOIN {table(Inspection)} i ON i.{quote('id')} = ip.{column(InspectorPlace, 'item')} "
        f"LEFT JOIN {table(Product)} p ON p.{quote('id')} = i.{column(Inspection, 'product')} "
        f"WHERE ip.{column(InspectorPlace, 'actor')} = %s"
    )
    if lock and connection.features.has_select_for_update_of:
        sql += " FOR UPDATE OF ip"
    return sql, parts


def place(*, actor_id: int, lock: bool = False) -> InspectorPlace | None:
    """The person's InspectorPlace (locked with `lock`), its return and its item (with the item's
    product) cached on it."""
    db = connections[DEFAULT_DB_ALIAS]
    sql, parts = _place_query(db.vendor, lock)
    with db.cursor() as cursor:
        cursor.execute(sql, [actor_id])
        row = cursor.fetchone()
    if row is None:
        return None
    start, built = 0, []
    for part in parts:
        built.append(part.build(row, start))
        start += len(part)
    inspector_place, ret, item, product = built
    if item is not None:
        cache_related(item, "product", product)
    cache_related(inspector_place, "ret", ret)
    cache_related(inspector_place, "item", item)
    return inspector_place
