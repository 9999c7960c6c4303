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


def test_a_receiver_sees_another_receivers_scan_on_the_receipt_they_both_have_open():
    import uuid

    from channels.db import database_sync_to_async
    from django.test import Client

    from floor.receiving.models import Receipt, ReceiptLine

    wh = factories.warehouse()
    item = factories.product(gtin="4006381333931")
    receipt = Receipt.objects.create(warehouse=wh, reference="WH/IN/LIVE")
    ReceiptLine.objects.create(receipt=receipt, product=item, expected=5)
    watcher, other = factories.user(roles=["receiver"], wh=wh), factories.user(roles=["receiver"], wh=wh)
    stranger = factories.user(roles=["receiver"], wh=factories.warehouse("W2"))

    def other_scans():
        client = Client()
        client.force_login(other)
        for code in ("WH/IN/LIVE", "4006381333931"):
            client.post("/receive/scan", {"code": code, "key": str(uuid.uuid4())}, HTTP_HX_REQUEST="true")

    async def run():
        ws, outsider = communicator(watcher), communicator(stranger)
        await ws.connect()
        await outsider.connect()
        for socket in (ws, outsider):
            await socket.send_json_to({"type": "watch", "document": f"receipt:{receipt.pk}"})
            await socket.send_json_to({"type": "ping"})  # answered after the watch is handled
            await socket.receive_json_from(timeout=2)
        await database_sync_to_async(other_scans)()
        event = await ws.receive_json_from(timeout=2)
        nothing = await outsider.receive_nothing(timeout=0.3)
        await ws.disconnect()
        await outsider.disconnect()
        return event, nothing

    event, nothing = async_to_sync(run)()
    assert event == {"type": "changed", "document": f"receipt:{receipt.pk}", "by": other.pk}
    assert nothing  # a receipt of another warehouse is not theirs to watch


def test_a_scan_is_recorded_and_answered_when_the_live_updates_cannot_be_sent(settings, caplog):
    import uuid

    from django.test import Client

    from floor.receiving.models import Receipt, ReceiptLine

    # The Redis of live updates is gone (nothing listens on port 1); the scan must not notice.
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "floor.events.ChannelLayer", "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]}}
    }
    wh = factories.warehouse()
    receipt = Receipt.objects.create(warehouse=wh, reference="WH/IN/DOWN")
    line = ReceiptLine.objects.create(receipt=receipt, product=factories.product(gtin="4006381333931"), expected=5)
    client = Client()
    client.force_login(factories.user(roles=["receiver"], wh=wh))
    for code in ("WH/IN/DOWN", "4006381333931"):
        answer = client.post("/receive/scan", {"code": code, "key": str(uuid.uuid4())}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200 and b"feedback-ok" in answer.content
    line.refresh_from_db()
    assert line.received == 1
    assert "live update to doc.receipt." in caplog.text
