"""Pickers in the middle of a task when Floor is upgraded keep what Undo would take back."""

import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from floor.picking.models import PickerPlace
from tests import factories
from tests.pages import page_text
from tests.picking.task_factories import Stop, pick_task

BOLT = "4006381333931"
BEFORE = [("picking", "0005_short_shipment_approval")]
AFTER = [("picking", "0006_last_put")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_the_upgrade_points_each_picker_at_their_last_put_that_still_counts():
    wh = factories.warehouse()
    a1, a2 = factories.storage_bin(wh, aisle="A", bay=1), factories.storage_bin(wh, aisle="A", bay=2)
    bolt = factories.product(gtin=BOLT, sku="BOLT", name="Hex bolt M8")
    nut = factories.product(gtin=factories.gtin13("400000000017"), sku="NUT", name="Hex nut M8")
    factories.tote(wh, "T-0001")
    stops = [Stop("OUT/1", a1, bolt, 2), Stop("OUT/1", a2, nut, 1), Stop("OUT/1", a2, bolt, 1)]
    pick_task(wh, stops)
    person = factories.user(roles=["picker"], wh=wh)
    client = Client()
    client.force_login(person)
    client.post("/pick/work", {"key": str(uuid.uuid4())})
    for code in ("T-0001", a1.barcode, BOLT, "T-0001", a2.barcode, factories.gtin13("400000000017"), "T-0001"):
        client.post("/pick/scan", {"code": code, "key": str(uuid.uuid4())})
    client.post("/pick/undo", {"key": str(uuid.uuid4())})  # the NUT put: the BOLT put counts now
    idle = factories.user(roles=["picker"], wh=wh)
    PickerPlace.objects.create(actor=idle, warehouse=wh)

    try:
        _migrate(BEFORE)
        _migrate(AFTER)
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    last = PickerPlace.objects.select_related("last_put__pick__product").get(actor=person).last_put
    assert (last.pick.product.sku, last.quantity, last.reverses) == ("BOLT", 2, None)
    assert PickerPlace.objects.get(actor=idle).last_put is None
    page = page_text(client.get("/pick/"))
    assert "Undo: take 2 × BOLT out of T-0001" in page
