"""A double-submitted scan arriving twice at once, on PostgreSQL."""

import threading
import uuid

import pytest
from django.db import connection
from django.test import Client

from floor.ledger.models import Move
from tests import factories
from tests.pages import page_text


@pytest.mark.django_db(transaction=True)
def test_the_same_scan_sent_twice_at_once_moves_stock_once(postgres):
    wh = factories.warehouse()
    a, b = factories.storage_bin(wh, aisle="A"), factories.storage_bin(wh, aisle="B")
    item = factories.product(gtin="4006381333931")
    factories.stock(a, item, 5)
    person = factories.user(roles=["picker"], wh=wh)
    client = Client()
    client.force_login(person)
    headers = {"HTTP_HX_REQUEST": "true"}
    client.post("/move/scan", {"code": a.barcode, "key": str(uuid.uuid4())}, **headers)
    client.post("/move/scan", {"code": "4006381333931", "key": str(uuid.uuid4())}, **headers)

    key, start, answers = str(uuid.uuid4()), threading.Barrier(2), []

    def send():
        try:
            start.wait()
            answers.append(client.post("/move/scan", {"code": b.barcode, "key": key}, **headers))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert sorted(r.status_code for r in answers) == [200, 200]
    bodies = sorted(page_text(r) for r in answers)
    assert sum("Moved 1" in body for body in bodies) == 1
    assert sum("sent twice" in body for body in bodies) == 1
    assert Move.objects.filter(to_location=b).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_undo_button_works_outside_a_test_transaction(postgres):
    # Row locks need a transaction of the view's own: a test transaction would hide a missing one.
    wh = factories.warehouse()
    a, b = factories.storage_bin(wh, aisle="A"), factories.storage_bin(wh, aisle="B")
    item = factories.product(gtin="4006381333931")
    factories.stock(a, item, 5)
    client = Client()
    client.force_login(factories.user(roles=["picker"], wh=wh))
    for code in (a.barcode, "4006381333931", b.barcode):
        client.post("/move/scan", {"code": code, "key": str(uuid.uuid4())}, HTTP_HX_REQUEST="true")
    undone = client.post("/move/undo", {"key": str(uuid.uuid4())}, HTTP_HX_REQUEST="true")
    assert undone.status_code == 200 and b"back to" in undone.content
    assert Move.objects.filter(reverses__isnull=False).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_item_scans_at_once_both_count(postgres):
    # Each reads the transfer's quantity and adds one: without the row lock, one would be lost.
    wh = factories.warehouse()
    a, b = factories.storage_bin(wh, aisle="A"), factories.storage_bin(wh, aisle="B")
    item = factories.product(gtin="4006381333931")
    factories.stock(a, item, 5)
    client = Client()
    client.force_login(factories.user(roles=["picker"], wh=wh))
    headers = {"HTTP_HX_REQUEST": "true"}
    client.post("/move/scan", {"code": a.barcode, "key": str(uuid.uuid4())}, **headers)

    start, answers = threading.Barrier(2), []

    def send():
        try:
            start.wait()
            answers.append(client.post("/move/scan", {"code": "4006381333931", "key": str(uuid.uuid4())}, **headers))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert sorted(b"feedback-ok" in r.content for r in answers) == [True, True]
    assert b"Moved 2" in client.post("/move/scan", {"code": b.barcode, "key": str(uuid.uuid4())}, **headers).content
