"""The floor's live channel for its dashboards: a supervisor of the warehouse watches it; a burst
of scans there reaches them as one message, the burst's last scan included; another warehouse's
supervisor, and anyone who is not a supervisor, hears nothing."""

import time
import uuid
from types import SimpleNamespace

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.test import Client

from floor import events
from floor.dashboard import drawing
from floor.odoo import outbox
from floor.odoo.models import Operation, SyncException
from floor.odoo.pull.base import Reader
from tests import celery_workers, factories
from tests.conftest import cannot_run
from tests.core.test_live_updates import communicator

pytestmark = pytest.mark.django_db(transaction=True)

MUG = "4006381333931"


def moves_stock(wh, scans: int) -> None:
    """A picker moves a mug bin to bin `scans` times, each a scan of its own."""
    mug = factories.product(gtin=MUG, sku="MUG")
    here, there = factories.storage_bin(wh, aisle="L"), factories.storage_bin(wh, aisle="M")
    factories.stock(here, mug, scans)
    client = Client()
    client.force_login(factories.user(roles=["picker"], wh=wh))
    for code in [here.barcode, *[MUG] * scans, there.barcode]:
        client.post("/move/scan", {"code": code, "key": str(uuid.uuid4())}, HTTP_HX_REQUEST="true")


def test_a_burst_of_scans_reaches_the_warehouses_supervisors_as_one_message():
    wh, elsewhere = factories.warehouse(), factories.warehouse("W2")
    boss = factories.user(roles=["supervisor"], wh=wh)
    picker = factories.user(roles=["picker"], wh=wh)
    other_boss = factories.user(roles=["supervisor"], wh=elsewhere)

    async def run():
        sockets = [communicator(person) for person in (boss, picker, other_boss)]
        for socket, warehouse in zip(sockets, (wh, wh, wh), strict=True):
            await socket.connect()
            await socket.send_json_to({"type": "watch", "document": f"floor:{warehouse.pk}"})
            await socket.send_json_to({"type": "ping"})  # answered after the watch is handled
            await socket.receive_json_from(timeout=2)
        started = time.monotonic()
        await database_sync_to_async(moves_stock)(wh, 5)
        first = await sockets[0].receive_json_from(timeout=2)
        took = time.monotonic() - started
        more = []
        while not await sockets[0].receive_nothing(timeout=events.FLOOR_COALESCE_SECONDS * 3):
            more.append(await sockets[0].receive_json_from())
        silent = [await socket.receive_nothing(timeout=0.3) for socket in sockets[1:]]
        for socket in sockets:
            await socket.disconnect()
        return first, took, more, silent

    first, took, more, silent = async_to_sync(run)()
    said_at = first.pop("at")
    assert first == {"type": "changed", "document": f"floor:{wh.pk}", "by": None}
    assert abs(said_at - time.time()) < 5  # the server's clock: the dashboard asks for its panels as of then
    assert took < 3  # the scans themselves take most of it
    assert all(message["document"] == f"floor:{wh.pk}" and message["at"] >= said_at for message in more)
    assert silent == [True, True]  # a picker may not watch the floor; nor another warehouse's boss


def test_on_redis_a_burst_is_a_message_a_little_under_a_second_the_last_change_included(monkeypatch):
    sent = []
    monkeypatch.setattr(events, "ChannelLayer", object)  # as the Redis layer: coalesced by a timer
    monkeypatch.setattr(events, "_send", lambda group, data: sent.append((group, time.monotonic())))
    monkeypatch.setattr(events, "_said_at", {})
    monkeypatch.setattr(events, "_claim", lambda warehouse_id: 0.0)  # this process alone
    started = time.monotonic()
    while time.monotonic() - started < 1.5:  # the bench's 150 scans a second, for a second and a half
        events._coalesced(7)
        events._coalesced(8)
        time.sleep(1 / 150)
    last_change = time.monotonic()
    time.sleep(events.FLOOR_EVERY_SECONDS + 0.4)
    for warehouse in ("doc.floor.7", "doc.floor.8"):
        times = [at for group, at in sent if group == warehouse]
        assert 2 <= len(times) <= 1.5 / events.FLOOR_EVERY_SECONDS + 2
        assert times[0] - started < events.FLOOR_COALESCE_SECONDS + 0.15  # a quiet floor's first change: at once
        assert all(b - a >= events.FLOOR_EVERY_SECONDS - 0.05 for a, b in zip(times, times[1:], strict=False))
        assert times[-1] >= last_change  # the burst's last change is said too


def test_a_refused_scan_tells_no_dashboard(monkeypatch):
    wh = factories.warehouse()
    sent = []
    monkeypatch.setattr(events, "_coalesced", sent.append)
    client = Client()
    client.force_login(factories.user(roles=["picker"], wh=wh))
    client.post("/move/scan", {"code": "NOT-A-CODE", "key": str(uuid.uuid4())}, HTTP_HX_REQUEST="true")
    assert sent == []
    client.post("/move/scan", {"code": "CMD-CANCEL", "key": str(uuid.uuid4())}, HTTP_HX_REQUEST="true")
    assert sent == [wh.pk]


def test_the_message_brings_each_dashboard_its_panels_drawn_in_its_own_language():
    """Twenty dashboards told of a scan would each ask for their panels at once, in the web
    process's one request thread where the scans run: the panels come drawn in the message."""
    wh = factories.warehouse()
    bosses = [factories.user(f"boss{n}", roles=["supervisor"], wh=wh) for n in range(3)]
    bosses[0].profile.language = "es"
    bosses[0].profile.save()
    for boss in bosses[:2]:  # two dashboards open, in Spanish and in English
        client = Client()
        client.force_login(boss)
        assert client.get("/dashboard/").status_code == 200

    async def run():
        sockets = [communicator(boss) for boss in bosses]
        for socket in sockets:
            await socket.connect()
            await socket.send_json_to({"type": "watch", "document": f"floor:{wh.pk}"})
            await socket.send_json_to({"type": "ping"})
            await socket.receive_json_from(timeout=2)
        await database_sync_to_async(moves_stock)(wh, 2)
        said = [await socket.receive_json_from(timeout=3) for socket in sockets]
        for socket in sockets:
            await socket.disconnect()
        return said

    spanish, english, third = async_to_sync(run)()
    assert "Trabajo abierto" in spanish["panels"] and "Open work" not in spanish["panels"]
    assert "Open work" in english["panels"]
    assert "Nada espera a un supervisor." in spanish["panels"]  # the warehouse's own figures
    assert third["panels"] == english["panels"]  # one drawing a language, for all its dashboards
    assert spanish["at"] == english["at"] == third["at"]


def test_a_push_that_fails_and_a_change_made_in_odoo_tell_the_warehouses_dashboards(monkeypatch):
    wh = factories.warehouse()
    told = []
    monkeypatch.setattr(events, "_coalesced", told.append)
    operation = Operation.objects.create(
        kind=Operation.Kind.DELIVERY, warehouse=wh, reference="FLOOR-OUT-1", state=Operation.State.SENDING
    )
    outbox.failed(operation, error="Odoo said no", retry=False)
    assert told == [wh.pk]

    pull = Reader(client=None, full=False)
    said = {"kind": SyncException.Kind.RECEIPT, "odoo_model": "stock.picking", "odoo_id": 7, "reference": "WH/IN/7"}
    assert pull._exception(**said, message="Odoo cancelled it", warehouse_id=wh.pk)
    assert not pull._exception(**said, message="Odoo cancelled it", warehouse_id=wh.pk)  # known: told once
    assert told == [wh.pk, wh.pk]


@pytest.fixture
def redis_layer(settings):
    if not settings.REDIS_URL:
        cannot_run("needs REDIS_URL: the processes agree through a real Redis")
    return events.ChannelLayer(hosts=[settings.REDIS_URL], prefix=f"test-{uuid.uuid4().hex[:8]}")


def test_a_claim_is_one_processs_at_a_time_until_it_lapses(redis_layer):
    assert redis_layer.claim("floor.1", 0.4) == 0.0
    waited = redis_layer.claim("floor.1", 0.4)
    assert 0 < waited <= 0.4  # another process: told how long until it may
    assert redis_layer.claim("floor.2", 0.4) == 0.0  # another warehouse's is its own
    time.sleep(waited + 0.05)
    assert redis_layer.claim("floor.1", 0.4) == 0.0


def test_the_floor_said_by_one_process_is_said_by_another_only_after_the_pause(redis_layer, monkeypatch):
    """Two web processes, each with scans on the floor: the panels are drawn and said once a
    pause between them all, not once a process, and the second process's change is still said."""
    sent = []
    monkeypatch.setattr(events, "get_channel_layer", lambda: redis_layer)
    monkeypatch.setattr(events, "_send", lambda group, data: sent.append(time.monotonic()))
    warehouse_id = int(uuid.uuid4().int % 10**6)
    started = time.monotonic()
    events._floor_send(warehouse_id, own_thread=True)  # one process says it
    events._waiting.add(warehouse_id)
    events._floor_send(warehouse_id, own_thread=True)  # the other, at once: it waits its turn
    assert len(sent) == 1 and warehouse_id in events._waiting
    time.sleep(events.FLOOR_EVERY_SECONDS + 0.3)
    assert len(sent) == 2 and warehouse_id not in events._waiting
    assert events.FLOOR_EVERY_SECONDS - 0.05 <= sent[1] - started <= events.FLOOR_EVERY_SECONDS + 0.25


def test_on_redis_the_live_worker_draws_the_panels_and_no_web_process_does(settings, monkeypatch):
    """Drawing the panels in a web process held its interpreter while its scans waited: with Redis,
    the `live` Celery worker draws them and says the floor."""
    settings.FLOOR_SAID_BY_WORKER = True
    wh = factories.warehouse()
    boss = factories.user(roles=["supervisor"], wh=wh)
    client = Client()
    client.force_login(boss)
    assert client.get("/dashboard/").status_code == 200  # open: its panels are wanted
    drawn_here = []
    monkeypatch.setattr(drawing, "_draw", lambda *args: drawn_here.append(args))

    async def run():
        socket = communicator(boss)
        await socket.connect()
        await socket.send_json_to({"type": "watch", "document": f"floor:{wh.pk}"})
        await socket.send_json_to({"type": "ping"})
        await socket.receive_json_from(timeout=2)
        await database_sync_to_async(moves_stock)(wh, 3)
        started = time.monotonic()
        said = await socket.receive_json_from(timeout=5)
        took = time.monotonic() - started
        await socket.disconnect()
        return said, took

    with celery_workers.running(events.LIVE_QUEUE):
        said, took = async_to_sync(run)()
    assert "Open work" in said["panels"] and "Nothing waits for a supervisor." in said["panels"]
    assert took < 1.5  # within the second, the worker's hop included
    assert drawn_here == []  # this process, the web's, drew nothing


def test_with_the_broker_away_the_web_process_says_the_floor_itself(settings, monkeypatch):
    settings.FLOOR_SAID_BY_WORKER = True
    sent = []
    monkeypatch.setattr(events, "_claim", lambda warehouse_id: 0.0)
    monkeypatch.setattr(events, "_send", lambda group, data: sent.append(group))

    def broker_away(*args, **kwargs):
        raise ConnectionError("no broker")

    monkeypatch.setattr(events, "current_app", SimpleNamespace(send_task=broker_away))
    events._floor_send(7, own_thread=True)
    assert sent == ["doc.floor.7"]
