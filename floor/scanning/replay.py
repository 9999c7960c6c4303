from django.db import connection
from django.utils import timezone

from floor.ledger.keys import device_key
from floor.scanning.models import ScanLog


def first_time(*, key: str, actor, flow: str, raw: str, outcome: str = "handled") -> bool:
    """Record a scan's device key; False when that key was handled before (a double submit,
    or a queue replayed after reconnecting), so the caller changes nothing."""
    key = device_key(key)  # a long key as its digest: two keys alike in their first 100 differ
    if not key:
        return True
    # One statement, no savepoint: a key already there inserts nothing and returns no row.
    # A concurrent insert of the same key waits for the other transaction, then inserts nothing.
    table, key_column = (connection.ops.quote_name(name) for name in (ScanLog._meta.db_table, "key"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key_column}, actor_id, flow, raw, outcome, created_at) "  # noqa: S608 — names from the model
            f"VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT ({key_column}) DO NOTHING RETURNING id",
            [key, actor.pk, flow, _loggable(raw), outcome, timezone.now()],
        )
        return cursor.fetchone() is not None


def _loggable(raw: str) -> str:
    """What was sent, as the log can keep it: 200 characters, and a NUL — which PostgreSQL refuses
    in text, and a client may put in any field (a reason, a quantity) — as the replacement mark."""
    return raw[:200].replace("\x00", "\ufffd")
