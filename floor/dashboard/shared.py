"""One drawing of a warehouse's panels, shared by every dashboard open on it: twenty supervisors'
screens told of the same scan ask for the same figures at the same moment, and drawing them costs
about 100 ms of CPU. The first asks for a drawing; the others wait for it (through Django's cache:
Redis in production, across processes). A drawing serves a request when it was begun after the
change the dashboard heard of (`since`, the server's clock in the websocket message), and never when
older than FRESH_SECONDS."""

import time

from django.core.cache import cache
from django.utils import timezone

FRESH_SECONDS = 5.0
WAIT_SECONDS = 2.0
POLL_SECONDS = 0.02


def panels(*, warehouse_id: int, language: str, since: float, draw) -> str:
    """The panels' HTML drawn after `since` (seconds since the epoch; 0: any fresh one); `draw()`
    draws them when no such drawing is at hand."""
    key = f"dashboard:{warehouse_id}:{language}"
    since = max(since, time.time() - FRESH_SECONDS)
    found = cache.get(key)
    if found is not None and found[0] >= since:
        return found[1]
    if cache.add(f"{key}:drawing", 1, timeout=10):
        try:
            begun = time.time()
            html = draw()
            cache.set(key, (begun, html), timeout=60)
            return html
        finally:
            cache.delete(f"{key}:drawing")
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        found = cache.get(key)
        if found is not None and found[0] >= since:
            return found[1]
    return draw()  # whoever was drawing is stuck: draw our own


def recent(name: str, warehouse_id: int, figures, seconds: float):
    """Figures that need not be to the second (who is on what, plots of hours and weeks), worked
    out at most once every `seconds` for the warehouse's dashboards. The day is in the key: at
    midnight they start a new day at once."""
    return cache.get_or_set(f"dashboard:{name}:{warehouse_id}:{timezone.localdate().isoformat()}", figures, seconds)
