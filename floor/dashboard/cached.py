"""Dashboard figures that need not be to the second, kept for the warehouse's dashboards."""

from django.core.cache import cache
from django.utils import timezone


def recent(name: str, warehouse_id: int, work_out, seconds: float):
    """`work_out()` at most once every `seconds` for the warehouse's dashboards (who is on what,
    plots of hours and weeks). The day is in the key: at midnight they start a new day at once."""
    return cache.get_or_set(_key(name, warehouse_id), work_out, seconds)


def forget(name: str, warehouse_id: int) -> None:
    """Worked out again at the next drawing: a supervisor changed it and looks for the change."""
    cache.delete(_key(name, warehouse_id))


def _key(name: str, warehouse_id: int) -> str:
    return f"dashboard:{name}:{warehouse_id}:{timezone.localdate().isoformat()}"
