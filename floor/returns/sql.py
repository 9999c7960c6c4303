"""The inspect screen's hottest statement written out (floor/sql.py says why): the inspector's
place with the return they hold and the item waiting for its grade, with its item, in one read,
locked where the action changes it."""

from functools import cache

from django.db import connection

from floor.returns.models import Inspection, InspectorPlace, Return
from floor.sql import Columns, cache_related, column, fetch, quote, table
from floor.warehouse.models import Product


@cache
def _place_query(vendor: str, lock: bool) -> tuple[str, Columns]:
    columns = Columns.of((InspectorPlace, "ip"), (Return, "r"), (Inspection, "i"), (Product, "p"))
    sql = (
        f"SELECT {columns.sql} FROM {table(InspectorPlace)} ip "  # noqa: S608 — names from the models
        f"LEFT JOIN {table(Return)} r ON r.{quote('id')} = ip.{column(InspectorPlace, 'ret')} "
        f"LEFT JOIN {table(Inspection)} i ON i.{quote('id')} = ip.{column(InspectorPlace, 'item')} "
        f"LEFT JOIN {table(Product)} p ON p.{quote('id')} = i.{column(Inspection, 'product')} "
        f"WHERE ip.{column(InspectorPlace, 'actor')} = %s"
    )
    if lock and connection.features.has_select_for_update_of:
        sql += " FOR UPDATE OF ip"
    return sql, columns


def place(*, actor_id: int, lock: bool = False) -> InspectorPlace | None:
    """The person's InspectorPlace (locked with `lock`), its return and its item (with the item's
    product) cached on it."""
    sql, columns = _place_query(connection.vendor, lock)
    rows = fetch(sql, [actor_id])
    if not rows:
        return None
    inspector_place, ret, item, product = columns.instances(rows[0])
    if item is not None:
        cache_related(item, "product", product)
    cache_related(inspector_place, "ret", ret)
    cache_related(inspector_place, "item", item)
    return inspector_place
