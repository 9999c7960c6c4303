"""Two receivers on one receipt at once, on PostgreSQL: together they cannot overshoot it."""

import threading
import uuid

import pytest
from django.db import connection
from django.test import Client

from floor.receiving.models import Receipt, ReceiptLine, ReceiptScan
from tests import factories
from tests.pages import page_text

WIDGET = "4006381333931"


@pytest.mark.django_db(transaction=True)
def test_two_receivers_scanning_the_last_units_at_once_stop_at_the_limit(postgres, settings):
    settings.RECEIVING_OVER_TOLERANCE = 0
    wh = factories.warehouse()
    item = factories.product(gtin=WIDGET)
    receipt = Receipt.objects.create(warehouse=wh, reference="WH/IN/RACE")
    line = ReceiptLine.objects.create(receipt=receipt, product=item, expected=10)
    headers = {"HTTP_HX_REQUEST": "true"}
    receivers = []
    for _ in range(2):
        client = Client()
        client.force_login(factories.user(roles=["receiver"], wh=wh))
        client.post("/receive/scan", {"code": "WH/IN/RACE", "key": str(uuid.uuid4())}, **headers)
        receivers.append(client)

    start, answers = threading.Barrier(2), []

    def receive(client):
        try:
            start.wait()
            for _ in range(8):  # 16 units offered for 10 expected
                answers.append(client.post("/receive/scan", {"code": WIDGET, "key": str(uuid.uuid4())}, **headers))
        finally:
            connection.close()

    threads = [threading.Thread(target=receive, args=(client,)) for client in receivers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    line.refresh_from_db()
    assert line.received == 10
    assert sum(s.quantity for s in ReceiptScan.objects.filter(line=line)) == 10
    asked = sum("a supervisor must approve" in page_text(r) for r in answers)
    assert asked >= 2  # each receiver was stopped at the limit and asked for a supervisor
