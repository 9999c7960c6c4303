"""Counted blind over the websocket too: a counter signed in on the scanner's live updates can
watch nothing of a count, and hears nothing of the ledger's quantity while bins are counted."""

import json
import re
import uuid
from decimal import Decimal

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from floor import events
from floor.asgi import application
from floor.counting import services
from floor.counting.models import CountTask
from floor.counting.raising import raise_count
from floor.receiving.models import Receipt
from floor.scanning.parser import parse
from tests import factories
from tests.counting.conftest import GTIN, on_hand

pytestmark = pytest.mark.django_db(transaction=True)

# Digits no id, code or count in this test holds: the ledger's figure, however it is written.
EXPECTED = 7391
THE_FIGURE = re.compile(r"(?<![0-9])7[,.\u00a0\u202f ]?391(?![0-9])")
# Names a screen or a curious person might try for a count, its bin, its item or its stock.
COUNT_THINGS = (
    "count",
    "counttask",
    "count_task",
    "counting.counttask",
    "countline",
    "count_line",
    "counterplace",
    "recount",
    "location",
    "bin",
    "quant",
    "stock",
    "move",
    "product",
    "ledger",
)


def session_cookie(person) -> bytes:
    """The scanner's cookie after a badge login: the websocket signs in with it."""
    client = Client()
    client.force_login(person)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()


async def connected(cookie: bytes) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://127.0.0.1"), (b"cookie", cookie)]
    ws = WebsocketCommunicator(application, "/ws/floor/", headers=headers)
    accepted, _code = await ws.connect(timeout=5)
    assert accepted
    return ws


async def heard(ws, messages: list):
    """Everything the socket has received so far, after a ping has gone through (the consumer
    handles one message at a time: what was sent before the ping has been handled)."""
    await ws.send_json_to({"type": "ping"})
    while True:
        message = await ws.receive_json_from(timeout=2)
        messages.append(message)
        if message == {"type": "pong"}:
            return


def known_by(task: CountTask) -> tuple[set[int], list[str]]:
    """The ids a count, its bin, its zone and its warehouse go by, and the bin's and item's codes."""
    task = CountTask.objects.select_related("location").get(pk=task.pk)
    ids = {task.pk, task.location_id, task.location.parent_id, task.warehouse_id}
    return ids, [f"location:{task.location.barcode}", f"bin:{task.location.name}", f"count:{GTIN}"]


async def try_to_watch_the_count(ws, messages: list, task: CountTask):
    """Every way of asking for a count's updates; then the figure sent to each group a watch
    could have joined: a socket that had joined one would hear it."""
    ids, codes = await database_sync_to_async(known_by)(task)
    documents = [f"{model}:{pk}" for model in COUNT_THINGS for pk in ids] + codes
    for document in documents:
        await ws.send_json_to({"type": "watch", "document": document})
        await ws.send_json_to({"type": "subscribe", "document": document})
    await heard(ws, messages)
    layer = get_channel_layer()
    for model in COUNT_THINGS:
        for pk in ids:
            await layer.group_send(
                events.group(model, pk), {"type": "floor.event", "data": {"document": model, "expected": EXPECTED}}
            )
    await heard(ws, messages)


def test_a_counter_can_watch_nothing_of_a_count_and_hears_nothing_of_the_ledgers_quantity():
    wh = factories.warehouse()
    shelf = factories.storage_bin(wh, aisle="C")
    item = factories.product(gtin=GTIN)
    factories.stock(shelf, item, EXPECTED)
    task = raise_count(
        warehouse_id=wh.pk, location_id=shelf.pk, source=CountTask.Source.ONE_OFF, reason="Asked for today"
    )
    counter, recounter = factories.user(roles=["counter"], wh=wh), factories.user(roles=["counter"], wh=wh)
    # What a counter may watch: a receipt of their own warehouse. It shows the socket is live.
    receipt = Receipt.objects.create(warehouse=wh, reference="WH/IN/WATCHED")

    def count(person, *, typed: int):
        """Get work, the bin, the item three times, the quantity typed, Done: through the services."""
        said = [services.get_work(actor=person, warehouse=wh)]
        for code in (shelf.barcode, GTIN, GTIN, GTIN):
            said.append(services.handle_scan(actor=person, warehouse=wh, scan=parse(code), key=str(uuid.uuid4())))
        said.append(services.set_quantity(actor=person, warehouse=wh, quantity=Decimal(typed), key=str(uuid.uuid4())))
        said.append(services.done(actor=person, warehouse=wh, key=str(uuid.uuid4())))
        return [outcome.message for outcome in said]

    cookies = [session_cookie(person) for person in (counter, recounter)]

    async def run():
        messages = []
        sockets = [await connected(cookie) for cookie in cookies]
        for ws in sockets:
            await try_to_watch_the_count(ws, messages, task)
        # 2 scanned and 6,998 typed, 7,000 against 7,391: beyond tolerance, someone else recounts.
        said = await database_sync_to_async(count)(counter, typed=6998)
        recount = await database_sync_to_async(CountTask.objects.get)(recount_of=task)
        for ws in sockets:
            await try_to_watch_the_count(ws, messages, recount)
        # 7,390: within tolerance, so the stock is adjusted by one and Odoo is told.
        said += await database_sync_to_async(count)(recounter, typed=7388)
        for ws in sockets:
            await ws.send_json_to({"type": "watch", "document": f"receipt:{receipt.pk}"})
            await heard(ws, messages)
        await database_sync_to_async(events.changed)("receipt", receipt.pk, by=None)
        for ws in sockets:
            messages.append(await ws.receive_json_from(timeout=2))
            await heard(ws, messages)
            await ws.disconnect()
        return said, messages

    said, messages = async_to_sync(run)()
    assert "someone else will recount it" in said[6] and "thank you" in said[-1], said
    assert list(CountTask.objects.values_list("state", flat=True).order_by("pk")) == ["done", "done"]
    assert on_hand(shelf, item) == EXPECTED - 1
    # Pongs and the receipt's update, and nothing else: no watch of a count was taken.
    changed = {"type": "changed", "document": f"receipt:{receipt.pk}", "by": None}
    assert [m for m in messages if m != {"type": "pong"}] == [changed, changed]
    assert not [m for m in messages if THE_FIGURE.search(json.dumps(m))]
    assert not [m for m in said if THE_FIGURE.search(m)]
