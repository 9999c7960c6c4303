"""Live updates: what changed, sent to the scanners watching it once the transaction commits.

A scanner watches a document over its websocket (`{"type": "watch", "document": "receipt:12"}`);
a flow calls `changed("receipt", 12, by=user_id)` inside its transaction. A channel layer that is
down costs the live update, never the scan.
"""

import asyncio
import logging
import threading

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import transaction

log = logging.getLogger(__name__)
_loop: asyncio.AbstractEventLoop | None = None
_loop_lock = threading.Lock()


def group(model: str, pk: int) -> str:
    return f"doc.{model}.{pk}"


def changed(model: str, pk: int, *, by: int | None) -> None:
    """`by`: the id of the person who changed it (their own screen needs no telling)."""
    data = {"type": "changed", "document": f"{model}:{pk}", "by": by}
    transaction.on_commit(lambda: _send(group(model, pk), data))


def _send(name: str, data: dict) -> None:
    layer = get_channel_layer()
    message = {"type": "floor.event", "data": data}
    if isinstance(layer, InMemoryChannelLayer):  # one process (the embedded run, tests): its own loop
        try:
            async_to_sync(layer.group_send)(name, message)
        except Exception:  # noqa: BLE001 - the scan is saved; only the live update is lost
            log.warning("live update to %s not sent", name, exc_info=True)
        return
    # Redis: handed to a loop of its own and not waited for, so a scan's answer never waits on the
    # broker (async_to_sync would start an event loop per call).
    future = asyncio.run_coroutine_threadsafe(layer.group_send(name, message), _background_loop())
    future.add_done_callback(_log_failure)


def _background_loop() -> asyncio.AbstractEventLoop:
    global _loop
    with _loop_lock:
        if _loop is None:
            _loop = asyncio.new_event_loop()
            threading.Thread(target=_loop.run_forever, name="floor-events", daemon=True).start()
        return _loop


def _log_failure(future) -> None:
    if not future.cancelled() and future.exception() is not None:
        log.warning("live update not sent: %s", future.exception())
