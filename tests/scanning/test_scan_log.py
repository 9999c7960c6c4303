"""Every request a flow handles is logged by its device key before the flow reads the rest
(floor.scanning.replay.first_time), so the log takes whatever a client sent in a field: a reason
that is no reason, a NUL — which PostgreSQL refuses in text. The request is refused in words, the
log keeps what it can, never a 500. (A refused request's log row goes with its transaction: the
flows' tests below fail on PostgreSQL without the fix, the first on any database.)"""

import uuid

import pytest

from floor.putaway.models import Putaway
from floor.receiving.models import Receipt, ReceiptLine
from floor.scanning.models import ScanLog
from floor.scanning.replay import first_time
from floor.warehouse.models import Location
from floor.warehouse.services import add_zone, location_of_kind
from tests import factories
from tests.picking.task_factories import Stop, pick_task

pytestmark = pytest.mark.django_db

GTIN = "4006381333931"


def post(client, url, **data):
    data.setdefault("key", str(uuid.uuid4()))
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def logged() -> str:
    return ScanLog.objects.order_by("-pk").values_list("raw", flat=True).first()


def test_a_nul_is_logged_as_the_replacement_mark_and_the_log_keeps_200_characters():
    person = factories.user()
    assert first_time(key="k1", actor=person, flow="move", raw="A\x00B" + "x" * 300)
    assert logged() == "A\ufffdB" + "x" * 197


def test_putaway_refuses_a_reason_with_a_nul_in_it(client):
    wh = factories.warehouse()
    zone = add_zone(wh, name="Zone A")
    factories.storage_bin(wh, aisle="A", bay=1)
    other = factories.storage_bin(wh, aisle="B", bay=1)
    factories.stock(location_of_kind(wh, Location.Kind.INPUT), factories.product(gtin=GTIN, zone=zone), 3)
    client.force_login(factories.user(roles=["receiver"], wh=wh))
    post(client, "/putaway/scan", code=GTIN)
    assert "why?" in post(client, "/putaway/scan", code=other.barcode)

    assert "Choose a reason" in post(client, "/putaway/reason", reason="full\x00")
    assert Putaway.objects.get(state=Putaway.State.OPEN).destination == other  # still waiting for a reason


def test_receiving_refuses_a_damage_reason_with_a_nul_in_it(client):
    wh = factories.warehouse()
    receipt = Receipt.objects.create(warehouse=wh, reference="WH/IN/00042", vendor="Acme")
    ReceiptLine.objects.create(receipt=receipt, product=factories.product(gtin=GTIN), expected=1)
    client.force_login(factories.user(roles=["receiver"], wh=wh))
    post(client, "/receive/scan", code="WH/IN/00042")

    assert "Choose why it is damaged" in post(client, "/receive/damaged", reason="\x00")


def test_picking_refuses_a_short_reason_with_a_nul_in_it(client):
    wh = factories.warehouse()
    a1 = factories.storage_bin(wh, aisle="A", bay=1)
    tote = factories.tote(wh, "T-0001")
    pick_task(wh, [Stop("OUT/1", a1, factories.product(gtin=GTIN), 2)])
    client.force_login(factories.user(roles=["picker"], wh=wh))
    post(client, "/pick/work")
    post(client, "/pick/scan", code=tote.barcode)

    assert "Choose what is wrong" in post(client, "/pick/short", reason="empty\x00", quantity="1")
