"""The device name a scanner sends with each scan is kept beside what the scan recorded (the move,
the receipt scan, the pick): what a person can read of it, 64 characters at most. A NUL in it —
which PostgreSQL refuses in text — or another invisible character is dropped, never a 500."""

import uuid

import pytest

from floor.ledger.checks import ledger_differences
from floor.ledger.models import Move
from floor.picking.models import PickRecord
from floor.receiving.models import Receipt, ReceiptLine, ReceiptScan
from tests import factories
from tests.picking.task_factories import Stop, pick_task

pytestmark = pytest.mark.django_db

GTIN = "4006381333931"
NAMES = [
    ("Zebra\x00 TC52", "Zebra TC52"),
    ("\x00", ""),
    ("TC52\x1d#3\x1e\x04\r\n", "TC52#3"),
    ("\ufeffTC52\u200b", "TC52"),
    ("é" * 10_000, "é" * 64),
]


def post(client, url, **data):
    data.setdefault("key", str(uuid.uuid4()))
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(("sent", "kept"), NAMES)
def test_move_stock_keeps_the_readable_part_of_the_device_name(client, sent, kept):
    wh = factories.warehouse()
    a, b = factories.storage_bin(wh, aisle="A"), factories.storage_bin(wh, aisle="B")
    factories.stock(a, factories.product(gtin=GTIN), 5)
    client.force_login(factories.user(roles=["picker"], wh=wh))

    for code in (a.barcode, GTIN, b.barcode):
        post(client, "/move/scan", code=code, device=sent)
    post(client, "/move/undo", device=sent)

    moves = Move.objects.filter(reference__startswith="MOVE-")
    assert moves.count() == 2 and {move.device for move in moves} == {kept}
    assert ledger_differences() == []


@pytest.mark.parametrize(("sent", "kept"), NAMES[:2])
def test_receiving_keeps_it_on_the_scan_and_on_the_moves_its_close_posts(client, sent, kept):
    wh = factories.warehouse()
    receipt = Receipt.objects.create(warehouse=wh, reference="WH/IN/00042", vendor="Acme", odoo_id=42)
    ReceiptLine.objects.create(receipt=receipt, product=factories.product(gtin=GTIN), expected=1)
    client.force_login(factories.user(roles=["receiver"], wh=wh))

    post(client, "/receive/scan", code="WH/IN/00042", device=sent)
    post(client, "/receive/scan", code=GTIN, device=sent)
    post(client, "/receive/close", device=sent)

    assert ReceiptScan.objects.get().device == kept
    assert list(Move.objects.filter(reference="WH/IN/00042").values_list("device", flat=True)) == [kept]


@pytest.mark.parametrize(("sent", "kept"), NAMES[:2])
def test_picking_keeps_it_on_the_pick_and_its_move(client, sent, kept):
    wh = factories.warehouse()
    a1 = factories.storage_bin(wh, aisle="A", bay=1)
    tote = factories.tote(wh, "T-0001")
    pick_task(wh, [Stop("OUT/1", a1, factories.product(gtin=GTIN), 2)])
    client.force_login(factories.user(roles=["picker"], wh=wh))

    post(client, "/pick/work")
    for code in (tote.barcode, a1.barcode, GTIN, tote.barcode):
        post(client, "/pick/scan", code=code, device=sent)

    record = PickRecord.objects.get()
    assert record.device == kept and Move.objects.get(key=record.key).device == kept
