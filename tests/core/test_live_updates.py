import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from floor.consumers import FloorConsumer
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def communicator(user):
    ws = WebsocketCommunicator(FloorConsumer.as_asgi(), "/ws/floor/")
    ws.scope["user"] = user
    return ws


def test_a_signed_out_device_gets_no_live_updates():
    async def run():
        connected, code = await communicator(AnonymousUser()).connect()
        return connected, code

    assert async_to_sync(run)() == (False, 4401)


def test_a_signed_in_scanner_hears_pong_and_its_own_events():
    person = factories.user(roles=["picker"])

    async def run():
        ws = communicator(person)
        connected, _ = await ws.connect()
        await ws.send_json_to({"type": "ping"})
        pong = await ws.receive_json_from(timeout=2)
        await get_channel_layer().group_send(f"floor.{person.pk}", {"type": "floor.event", "data": {"say": "hi"}})
        event = await ws.receive_json_from(timeout=2)
        await ws.disconnect()
        return connected, pong, event

    assert async_to_sync(run)() == (True, {"type": "pong"}, {"say": "hi"})
