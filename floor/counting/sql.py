"""The count screen's hottest statement written out (floor/sql.py says why): the counter's place
with the task they hold and its bin, in one read, locked where the action changes it."""

from functools import cache

from django.db import DEFAULT_DB_ALIAS, connection, connections

from floor.counting.models import CounterPlace, CountTask
from floor.sql import Part, cache_related, column, quote, table
from floor.warehouse.models import Location


@cache
def _place_query(vendor: str, lock: bool) -> tuple[str, list[Part]]:
    parts = [Part(CounterPlace, "cp"), Part(CountTask, "t"), Part(Location, "l")]
    sql = (
        f"SELECT {', '.join(part.columns for part in parts)} FROM {table(CounterPlace)} cp "  # noqa: S608 — names from the models
        f"LEFT JOIN {table(CountTask)} t ON t.{quote('id')} = cp.{column(CounterPlace, 'task')} "
        f"LEFT JOIN {table(Location)} l ON l.{quote('id')} = t.{column(CountTask, 'location')} "
        f"WHERE cp.{column(CounterPlace, 'actor')} = %s"
    )
    if lock and connection.features.has_select_for_update_of:
        sql += " FOR UPDATE OF cp"
    return sql, parts


def place(*, actor_id: int, lock: bool = False) -> CounterPlace | None:
    """The person's CounterPlace (locked with `lock`), its task and the task's bin cached on it."""
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
    counter_place, task, location = built
    if lock and task is None and counter_place.task_id is not None:
        # The lock was waited for while a supervisor handed this person a bin: PostgreSQL gives
        # the place as the supervisor left it, joined to no task. The lock held, read it again.
        return place(actor_id=actor_id)
    if task is not None:
        cache_related(task, "location", location)
    cache_related(counter_place, "task", task)
    return counter_place
