"""Packers at one order at the same moment, on PostgreSQL: never more packed than was picked, one
open carton, and one close (one delivery) however many press Done."""

import threading
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client

from floor.ledger.checks import ledger_differences
from floor.odoo.models import Operation
from floor.packing.models import Carton, PackedItem
from floor.picking.models import Order
from tests import factories
from tests.packing.pack_factories import carton_types, picked_order, station
from tests.pages import page_text
from tests.picking.task_factories import Stop

HX = {"HTTP_HX_REQUEST": "true"}
BOLT = "4006381333931"


def _post(client, url, **data):
    data.setdefault("key", str(uuid.uuid4()))
    return page_text(client.post(url, {"device": "race", **data}, **HX))


def _at_once(calls) -> list[str]:
    """Each call runs at the same instant, in a thread (and a database connection) of its own."""
    start, answers = threading.Barrier(len(calls)), [None] * len(calls)

    def run(n, call):
        try:
            start.wait()
            answers[n] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n, call)) for n, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert None not in answers
    return answers


@pytest.fixture
def order_at_two_stations(postgres):
    """Two packers, each at a station of their own, both with the same order's tote scanned."""
    wh = factories.warehouse()
    types = carton_types(wh)
    item = factories.product(gtin=BOLT, weight=Decimal("0.1"), volume=Decimal("0.0001"))
    built = picked_order(wh, [Stop("OUT/1", factories.storage_bin(wh), item, 3)], odoo_ids={"OUT/1": 77})
    tote = built.bindings["OUT/1"].tote.barcode
    clients = []
    for n in (1, 2):
        station(wh, f"PACK-{n}")
        client = Client()
        client.force_login(factories.user(roles=["packer"], wh=wh))
        _post(client, "/pack/scan", code=f"PACK-{n}")
        assert "Packing OUT/1" in _post(client, "/pack/scan", code=tote)
        clients.append(client)
    return clients, types, item


@pytest.mark.django_db(transaction=True)
def test_two_packers_choosing_a_carton_at_once_share_one(order_at_two_stations):
    clients, types, _item = order_at_two_stations

    _at_once([lambda c=c: _post(c, "/pack/carton", carton_type=types["S"].pk) for c in clients])

    assert Carton.objects.filter(state="open").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_packers_scanning_one_order_never_pack_more_than_was_picked(order_at_two_stations):
    clients, types, item = order_at_two_stations
    _post(clients[0], "/pack/carton", carton_type=types["S"].pk)

    answers = _at_once([lambda c=c: _post(c, "/pack/scan", code=BOLT) for c in clients for _ in range(3)])

    rows = PackedItem.objects.filter(reverses=None, reversal__isnull=True)
    assert sum(row.quantity for row in rows) == 3
    assert sum("set it aside" in answer for answer in answers) == 3


@pytest.mark.django_db(transaction=True)
def test_two_packers_pressing_done_at_once_close_the_order_once(order_at_two_stations):
    clients, types, _item = order_at_two_stations
    _post(clients[0], "/pack/carton", carton_type=types["S"].pk)
    for _ in range(3):
        _post(clients[0], "/pack/scan", code=BOLT)
    _post(clients[0], "/pack/close-carton")
    _post(clients[0], "/pack/weight", quantity="0.6")

    answers = _at_once([lambda c=c: _post(c, "/pack/done") for c in clients])

    assert sum("OUT/1 packed" in answer for answer in answers) == 1
    assert sum("closed by someone else" in answer for answer in answers) == 1
    assert Order.objects.get().state == "packed"
    assert Operation.objects.filter(kind="delivery").count() == 1
    assert ledger_differences() == []
