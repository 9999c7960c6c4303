"""Live updates: what changed, sent to the scanners watching it once the transaction commits.

A scanner watches a document over its websocket (`{"type": "watch", "document": "receipt:12"}`);
a flow calls `changed("receipt", 12, by=user_id)` inside its transaction. A channel layer that is
down costs the live update, never the scan.
"""

import logging
import threading
import time

import redis
from asgiref.sync import async_to_sync
from celery import current_app
from channels.layers import get_channel_layer
from channels_redis.pubsub import RedisPubSubChannelLayer
from channels_redis.utils import decode_hosts
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.dispatch import Signal

log = logging.getLogger(__name__)
# A live update is a hint: better lost than holding up a scan's answer while Redis is slow.
PUBLISH_TIMEOUT_SECONDS = 0.5


class ChannelLayer(RedisPubSubChannelLayer):
    """channels_redis's pub/sub layer, where a group is a Redis channel and sending to it is one
    PUBLISH, with `group_send_now` for sync code. A scan's update was an `async_to_sync` hop (or a
    hand-off to a loop thread) and two Redis round trips, with nobody watching: 0.5–1 ms of CPU
    a scan in the bench. Here it is one PUBLISH from the request's own thread."""

    def __init__(self, hosts=None, prefix="asgi", **kwargs):
        super().__init__(hosts=hosts, prefix=prefix, **kwargs)
        decoded = decode_hosts(hosts)
        if len(decoded) != 1:  # sharding would need channels_redis's own hashing of names
            raise ImproperlyConfigured("Floor's channel layer takes one Redis host")
        self._host, self._prefix, self._client = decoded[0], prefix, None

    def _redis(self) -> redis.Redis:
        if self._client is None:  # made on first use: redis-py's pool is thread-safe and fork-aware
            options = {"socket_timeout": PUBLISH_TIMEOUT_SECONDS, "socket_connect_timeout": PUBLISH_TIMEOUT_SECONDS}
            host = dict(self._host)
            address = host.pop("address", None)
            self._client = redis.Redis.from_url(address, **options) if address else redis.Redis(**host, **options)
        return self._client

    def group_send_now(self, group: str, message: dict) -> None:
        # The name the layer's consumers subscribe to for a group (channels_redis.pubsub);
        # tests/core/test_live_updates.py holds both ends to it.
        self._redis().publish(f"{self._prefix}__group__{group}", self.serialize(message))

    def claim(self, name: str, seconds: float) -> float:
        """Take `name` for `seconds` among every process on this Redis: 0 when taken, else the
        seconds until whoever holds it lets it go."""
        taken, left_ms = (
            self._redis()
            .pipeline()
            .set(f"{self._prefix}__claim__{name}", 1, nx=True, px=int(seconds * 1000))
            .pttl(f"{self._prefix}__claim__{name}")
            .execute()
        )
        return 0.0 if taken else max(left_ms, 1) / 1000


def group(model: str, pk: int) -> str:
    return f"doc.{model}.{pk}"


def floor_changed(warehouse_id: int | None) -> None:
    """Something happened on this warehouse's floor (a scan, a push): its dashboards redraw. A
    burst is coalesced: the first change of a quiet spell is said after FLOOR_COALESCE_SECONDS,
    then at most one message per warehouse every FLOOR_EVERY_SECONDS from all the processes
    together, the burst's last change included, so 150 scans a second cost the scanners next to
    nothing (each message has the dashboards' panels drawn first, once, by the `live` Celery worker
    where there is Redis) and a dashboard hears within a second."""
    if warehouse_id is not None:
        transaction.on_commit(lambda: _coalesced(warehouse_id))


FLOOR_COALESCE_SECONDS = 0.2
FLOOR_EVERY_SECONDS = 0.8
_said_at: dict[int, float] = {}  # when each warehouse's floor was last said, by this process (monotonic)
# Sent (warehouse_id=, own_thread=) just before a warehouse's dashboards hear that its floor
# changed; a receiver may return a dict to go in the message (floor/dashboard/drawing.py: the
# panels, drawn once for all of them). `own_thread`: in the coalescing timer's thread rather than
# a request's.
floor_changing = Signal()
_waiting: set[int] = set()
_waiting_lock = threading.Lock()


def _coalesced(warehouse_id: int) -> None:
    if not isinstance(get_channel_layer(), ChannelLayer):
        # One process (the embedded run, tests): its in-memory layer wakes a listener only from
        # the server's own loop, which a timer's thread is not; and one process has few scanners.
        _floor_send(warehouse_id, own_thread=False)
        return
    with _waiting_lock:
        if warehouse_id in _waiting:
            return  # the message on its way will say it
        _waiting.add(warehouse_id)
    wait = max(
        FLOOR_COALESCE_SECONDS,
        _said_at.get(warehouse_id, -FLOOR_EVERY_SECONDS) + FLOOR_EVERY_SECONDS - time.monotonic(),
    )
    timer = threading.Timer(wait, _floor_send, [warehouse_id], {"own_thread": True})
    timer.daemon = True
    timer.start()


def _claim(warehouse_id: int) -> float:
    """0 when this process may say the warehouse's floor now, else the seconds until it may:
    another process (a web worker, a Celery worker) said it a moment ago, and may have drawn the
    panels before this process's change; it says its own after."""
    try:
        return get_channel_layer().claim(f"floor.{warehouse_id}", FLOOR_EVERY_SECONDS)
    except Exception:  # noqa: BLE001 - Redis away: the message goes (or fails) as it would have
        log.warning("the floor of warehouse %s said without asking the other processes", warehouse_id, exc_info=True)
        return 0.0


def _floor_send(warehouse_id: int, *, own_thread: bool) -> None:
    if own_thread:
        wait = _claim(warehouse_id)
        if wait:  # still waiting (in `_waiting`): no other timer of this process starts meanwhile
            timer = threading.Timer(wait, _floor_send, [warehouse_id], {"own_thread": True})
            timer.daemon = True
            timer.start()
            return
    with _waiting_lock:
        _waiting.discard(warehouse_id)
        _said_at[warehouse_id] = time.monotonic()
    if own_thread and settings.FLOOR_SAID_BY_WORKER and _hand_over(warehouse_id):
        return
    say_floor(warehouse_id, own_thread=own_thread)


# Drawing the panels is ~30 ms of Python: in a web process it holds the interpreter while that
# process's scans wait (the bench's p95 went up by half). The `live` worker draws them instead; a
# drawing it could not start within a few seconds is stale, and the next change brings another.
LIVE_TASK, LIVE_QUEUE, LIVE_EXPIRES_SECONDS = "floor.dashboard.tasks.say_floor", "live", 5


def _hand_over(warehouse_id: int) -> bool:
    try:
        current_app.send_task(LIVE_TASK, args=[warehouse_id], queue=LIVE_QUEUE, expires=LIVE_EXPIRES_SECONDS)
    except Exception:  # noqa: BLE001 - the broker away: said from here, as without a worker
        log.warning("the floor of warehouse %s said by this process: no broker", warehouse_id, exc_info=True)
        return False
    return True


def say_floor(warehouse_id: int, *, own_thread: bool = False) -> None:
    """Tell the warehouse's dashboards that its floor changed, with their panels drawn. `own_thread`:
    in the coalescing timer's thread, which has no request to close its database connection."""
    # `at`: the server's clock when it was said; a dashboard asks for its panels as of then.
    data = {"type": "changed", "document": f"floor:{warehouse_id}", "by": None, "at": round(time.time(), 3)}
    try:
        for _receiver, said in floor_changing.send(sender=None, warehouse_id=warehouse_id, own_thread=own_thread):
            data.update(said or {})
    except Exception:  # noqa: BLE001 - the dashboards still hear of it, and ask for their panels
        log.warning("the dashboards' panels for warehouse %s not drawn ahead", warehouse_id, exc_info=True)
    _send(group("floor", warehouse_id), data)


def changed(model: str, pk: int, *, by: int | None) -> None:
    """`by`: the id of the person who changed it (their own screen needs no telling)."""
    data = {"type": "changed", "document": f"{model}:{pk}", "by": by}
    transaction.on_commit(lambda: _send(group(model, pk), data))


def _send(name: str, data: dict) -> None:
    layer = get_channel_layer()
    message = {"type": "floor.event", "data": data}
    try:
        if isinstance(layer, ChannelLayer):
            layer.group_send_now(name, message)
        else:  # one process (the embedded run, tests): the in-memory layer, on a loop of its own
            async_to_sync(layer.group_send)(name, message)
    except Exception:  # noqa: BLE001 - the scan is saved; only the live update is lost
        log.warning("live update to %s not sent", name, exc_info=True)
