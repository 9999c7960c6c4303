"""Two people putting the same stock away at the same moment, on PostgreSQL."""

import threading
import uuid

import pytest
from django.db import connection
from django.test import Client

from floor.ledger.checks import ledger_differences
from floor.ledger.models import Move, Quant
from floor.odoo.models import Operation
from floor.warehouse.models import Location, Package
from floor.warehouse.services import location_of_kind
from tests import factories
from tests.pages import page_text

HX = {"HTTP_HX_REQUEST": "true"}


def _scan(client, code):
    return client.post("/putaway/scan", {"code": code, "key": str(uuid.uuid4()), "device": "race"}, **HX)


def _at_once(clients, code) -> list:
    """Each client sends `code` at the same instant, from a thread (and a connection) of its own."""
    start, answers = threading.Barrier(len(clients)), []

    def send(client):
        try:
            start.wait()
            answers.append(_scan(client, code))
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(client,)) for client in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return answers


def _two_receivers(wh):
    clients = []
    for _ in range(2):
        client = Client()
        client.force_login(factories.user(roles=["receiver"], wh=wh))
        clients.append(client)
    return clients


@pytest.mark.django_db(transaction=True)
def test_two_people_putting_away_the_same_loose_stock_only_what_exists_moves(postgres):
    wh = factories.warehouse()
    inbound = location_of_kind(wh, Location.Kind.INPUT)
    a = factories.storage_bin(wh, aisle="A")
    item = factories.product(gtin="4006381333931")
    item.fixed_bin = a
    item.save()
    factories.stock(inbound, item, 12)
    clients = _two_receivers(wh)
    for client in clients:
        assert b"12</strong>" in _scan(client, "4006381333931").content  # both see all 12 waiting

    answers = _at_once(clients, a.barcode)

    bodies = [page_text(r) for r in answers]
    assert sorted(r.status_code for r in answers) == [200, 200]
    assert sum(f"Put away 12 × {item.sku} in {a.name}" in body for body in bodies) == 1
    [late] = [body for body in bodies if "Put away" not in body]
    assert "feedback-error" in late and f"Not enough {item.sku} in {inbound.name}" in late
    assert Quant.objects.get(location=a, product=item).quantity == 12
    assert Quant.objects.get(location=inbound, product=item).quantity == 0
    assert Move.objects.filter(to_location=a).count() == 1 and Operation.objects.count() == 1
    assert ledger_differences() == []


@pytest.mark.django_db(transaction=True)
def test_two_people_putting_away_the_same_plate_only_one_moves_it(postgres):
    wh = factories.warehouse()
    inbound = location_of_kind(wh, Location.Kind.INPUT)
    a = factories.storage_bin(wh, aisle="A")
    pallet = Package.objects.create(barcode="PLT-RACE-1")
    first, second = factories.product(zone=a.parent), factories.product()
    factories.stock(inbound, first, 30, package=pallet)
    factories.stock(inbound, second, 5, package=pallet)
    clients = _two_receivers(wh)
    for client in clients:
        assert a.name in page_text(_scan(client, "PLT-RACE-1"))

    answers = _at_once(clients, a.barcode)

    bodies = [page_text(r) for r in answers]
    assert sum("Put away licence plate PLT-RACE-1" in body for body in bodies) == 1
    [late] = [body for body in bodies if "Put away" not in body]
    assert "feedback-error" in late
    assert {q.product_id: q.quantity for q in Quant.objects.filter(location=a, package=pallet)} == {
        first.pk: 30,
        second.pk: 5,
    }
    assert not Quant.objects.filter(location=inbound, quantity__gt=0).exists()
    assert ledger_differences() == []


@pytest.mark.django_db(transaction=True)
def test_the_same_destination_scan_sent_twice_at_once_posts_once(postgres):
    wh = factories.warehouse()
    inbound = location_of_kind(wh, Location.Kind.INPUT)
    a = factories.storage_bin(wh, aisle="A")
    factories.stock(inbound, factories.product(gtin="4006381333931"), 3)
    client = Client()
    client.force_login(factories.user(roles=["receiver"], wh=wh))
    _scan(client, "4006381333931")
    key, start, answers = str(uuid.uuid4()), threading.Barrier(2), []

    def send():
        try:
            start.wait()
            answers.append(client.post("/putaway/scan", {"code": a.barcode, "key": key}, **HX))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    bodies = [page_text(r) for r in answers]
    assert sum("Put away 3 ×" in body for body in bodies) == 1
    assert sum("sent twice" in body for body in bodies) == 1
    assert Move.objects.filter(to_location=a).count() == 1 and Operation.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_undo_button_reverses_outside_a_test_transaction(postgres):
    # Row locks need a transaction of the view's own: a test transaction would hide a missing one.
    wh = factories.warehouse()
    inbound = location_of_kind(wh, Location.Kind.INPUT)
    a = factories.storage_bin(wh, aisle="A")
    item = factories.product(gtin="4006381333931")
    factories.stock(inbound, item, 3)
    client = Client()
    client.force_login(factories.user(roles=["receiver"], wh=wh))
    _scan(client, "4006381333931")
    _scan(client, a.barcode)
    undone = client.post("/putaway/undo", {"key": str(uuid.uuid4())}, **HX)
    assert undone.status_code == 200 and b"back to" in undone.content
    assert Quant.objects.get(location=inbound, product=item).quantity == 3
    assert ledger_differences() == []
