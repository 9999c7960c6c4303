"""A counted scan reads and writes its rows by hand-written SQL (floor/receiving/sql.py): what
the person sees and what is stored stay what the ORM gave, in few statements."""

import datetime
import uuid

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from floor.receiving import sql
from floor.receiving.models import ReceiptScan, Receiving
from floor.warehouse.models import Lot
from tests.receiving import test_receiving
from tests.receiving.test_receiving import VACCINE, WIDGET, received, scan

pytestmark = pytest.mark.django_db
dock = test_receiving.dock  # the receipt, its lines and a receiver, as there


def test_the_totals_on_screen_are_the_receipts_after_the_scan(dock):
    scan(dock.client, "WH/IN/00042")
    scan(dock.client, WIDGET)
    scan(dock.client, f"01{VACCINE}17271231\x1d10LOT-A")
    page = scan(dock.client, WIDGET)
    totals = dock.receipt.lines.aggregate(expected=Sum("expected"), received=Sum("received"))
    assert (totals["received"], totals["expected"]) == (3, 18)
    assert "3 of 18 received" in page and "Receive · WH/IN/00042 · 3/18" in page
    assert "2 / 10" in page  # the line just counted


def test_a_known_lot_is_counted_again_and_given_its_expiry(dock):
    Lot.objects.create(product=dock.vaccine, name="LOT-A")
    scan(dock.client, "WH/IN/00042")
    scan(dock.client, f"01{VACCINE}10LOT-A")
    scan(dock.client, f"01{VACCINE}17271231\x1d10LOT-A")
    lot = Lot.objects.get(product=dock.vaccine, name="LOT-A")
    assert str(lot.expiry_date) == "2027-12-31" and Lot.objects.filter(product=dock.vaccine).count() == 1
    assert [s.lot_id for s in ReceiptScan.objects.order_by("pk")] == [lot.pk, lot.pk]
    assert received(dock.vaccine_line) == 2


def test_a_scan_is_stored_as_the_orm_would_store_it(dock):
    scan(dock.client, "WH/IN/00042")
    scan(dock.client, f"01{VACCINE}17271231\x1d10LOT-A")
    recorded = ReceiptScan.objects.get()
    assert (recorded.line, recorded.product, recorded.quantity) == (dock.vaccine_line, dock.vaccine, 1)
    assert (recorded.destination, recorded.package, recorded.device, recorded.damage) == (dock.input, None, "test", "")
    assert recorded.created_at is not None and recorded.created_at.tzinfo is not None


def test_the_session_row_is_read_as_the_orm_reads_it(dock):
    scan(dock.client, "WH/IN/00042")
    scan(dock.client, f"01{VACCINE}")  # waits for its lot: the row holds an item, a line, a quantity
    Receiving.objects.filter(actor=dock.person).update(expiry=datetime.date(2027, 1, 2))
    by_hand = sql.session(dock.person.pk, lock=False)
    by_orm = Receiving.objects.select_related("receipt", "destination", "package").get(actor=dock.person)
    for field in Receiving._meta.concrete_fields:
        assert getattr(by_hand, field.attname) == getattr(by_orm, field.attname), field.name
    assert by_hand.receipt.reference == "WH/IN/00042" and by_hand.destination == dock.input
    assert by_hand.package is None and by_hand.quantity == 1 and by_hand.line_id == dock.vaccine_line.pk


def test_a_plain_item_scan_asks_few_statements(dock):
    scan(dock.client, "WH/IN/00042")
    scan(dock.client, WIDGET)  # the first counted scan changes the receipt's state
    with CaptureQueriesContext(connection) as queries:
        page = dock.client.post(
            "/receive/scan", {"code": WIDGET, "key": str(uuid.uuid4()), "device": "test"}, HTTP_HX_REQUEST="true"
        ).content.decode()
    assert "2 of 10" in page and "2 of 18 received" in page
    # parse, session + receipt, scan key, lines + totals, the scan with its tally (two
    # statements on SQLite, which has no data-modifying WITH); and the transaction
    statements = [
        q["sql"] for q in queries if q["sql"].split(" ")[0] not in ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE")
    ]
    assert len(statements) <= (5 if connection.vendor == "postgresql" else 6), statements
