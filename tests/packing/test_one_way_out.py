"""An order leaves one way (`delivery.ship`) whether it is packed or goes straight from its totes:
Odoo gets the same delivery, only packed lines name their carton."""

import uuid
from decimal import Decimal

import pytest
from django.db import transaction

from floor.odoo.models import Operation
from floor.packing.models import Carton
from floor.picking import delivery
from floor.picking.models import Order
from tests import factories
from tests.packing.pack_factories import carton_types, picked_order, station
from tests.pages import page_text
from tests.picking.task_factories import Stop

pytestmark = pytest.mark.django_db

BOLT = "4006381333931"
NUT = factories.gtin13("400000000017")


def post(client, url, **data):
    data = {"key": str(uuid.uuid4()), "device": "test", **data}
    return page_text(client.post(url, data, HTTP_HX_REQUEST="true"))


def scan(client, code):
    return post(client, "/pack/scan", code=code)


def shipped_payload(order) -> dict:
    """The delivery of `order` shipped straight from its totes, then taken back."""
    with transaction.atomic():
        delivery.deliver_order(order=order, actor=None, device="test")
        [op] = Operation.objects.filter(kind="delivery")
        transaction.set_rollback(True)  # the order is still to pack
    return op


@pytest.mark.parametrize("odoo_id", [501, None])
def test_packed_and_unpacked_orders_send_odoo_the_same_delivery(client, odoo_id):
    wh = factories.warehouse()
    a1, a2 = factories.storage_bin(wh, aisle="A", bay=1), factories.storage_bin(wh, aisle="A", bay=2)
    kg = {"weight": Decimal("0.100"), "volume": Decimal("0.000500")}
    bolt = factories.product(gtin=BOLT, sku="BOLT", **kg)
    nut = factories.product(gtin=NUT, sku="NUT", **kg)
    station(wh, "PACK-1")
    cartons = carton_types(wh)
    tote = factories.tote(wh, "T-0001")
    built = picked_order(
        wh,
        [Stop("OUT/1", a1, bolt, 2), Stop("OUT/1", a2, nut, 1)],
        tote,
        odoo_ids={"OUT/1": odoo_id} if odoo_id else None,
    )
    order = built.orders["OUT/1"]
    Order.objects.filter(pk=order.pk).update(customer="Hartley Builders")

    unpacked = shipped_payload(order)

    client.force_login(factories.user(roles=["packer"], wh=wh))
    scan(client, "PACK-1")
    scan(client, "T-0001")
    post(client, "/pack/carton", carton_type=cartons["S"].pk)
    for code in (BOLT, BOLT, NUT):
        scan(client, code)
    post(client, "/pack/close-carton")
    post(client, "/pack/weight", quantity="0.5")
    assert "OUT/1 packed" in post(client, "/pack/done")
    [packed] = Operation.objects.filter(kind="delivery")
    [carton] = Carton.objects.all()

    assert (
        (packed.reference, packed.document)
        == (unpacked.reference, unpacked.document)
        == (f"FLOOR-OUT-{order.pk}", "OUT/1")
    )
    assert packed.payload.keys() == unpacked.payload.keys()
    assert {line["package"] for line in packed.payload["lines"]} == {carton.package_id}
    assert {line["package"] for line in unpacked.payload["lines"]} == {None}

    def unboxed(payload):
        return {**payload, "lines": sorted(({**line, "package": None} for line in payload["lines"]), key=str)}

    assert unboxed(packed.payload) == unboxed(unpacked.payload)
