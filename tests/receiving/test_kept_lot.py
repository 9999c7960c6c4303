"""A lot-tracked item whose label has no GS1 lot: its lot is given once (and its expiry, when the
lot label has none), then kept for the item's next units until another lot is given; so many
more units of that lot are one action, not a scan each."""

import datetime
import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from floor.ledger.checks import ledger_differences
from floor.ledger.models import Quant
from floor.receiving.models import ReceiptScan, Receiving
from floor.warehouse.models import Lot
from tests import factories
from tests.receiving import test_receiving
from tests.receiving.test_receiving import PHONE, VACCINE, received
from tests.receiving.test_receiving import post as post_html
from tests.receiving.test_receiving import scan as scan_html

pytestmark = pytest.mark.django_db
dock = test_receiving.dock  # the receipt (6 vaccines expected), its lines and a receiver, as there

EAN = VACCINE[1:]  # the vaccine's plain EAN-13: no lot, no expiry


def text(html: str) -> str:
    """What the screen says, its markup left out (a code in a message comes in a span of its own)."""
    return re.sub(r"<[^>]*>", "", html)


def scan(client, code, key=None):
    return text(scan_html(client, code, key))


def post(client, url, **data):
    return text(post_html(client, url, **data))


def lots_counted():
    return [(s.lot.name, s.quantity) for s in ReceiptScan.objects.filter(reverses=None).order_by("pk")]


def kept(dock):
    session = Receiving.objects.get(actor=dock.person)
    return session.kept_lot, session.kept_expiry


def test_the_next_unit_of_the_item_gets_the_lot_without_asking_again(dock):
    scan(dock.client, "WH/IN/00042")
    assert "Scan the lot label" in scan(dock.client, EAN)
    scan(dock.client, "17280630\x1d10LOT-B")

    page = scan(dock.client, EAN)

    assert "2 of 6" in page and "Scan the lot label" not in page
    assert f"lot LOT-B for the next {dock.vaccine.sku} · expires 06/30/2028" in page
    assert lots_counted() == [("LOT-B", 1), ("LOT-B", 1)]


def test_a_plain_lot_label_asks_once_for_the_expiry_which_the_lot_keeps(dock):
    scan(dock.client, "WH/IN/00042")
    scan(dock.client, EAN)

    page = scan(dock.client, "B-2291")  # a plain barcode: no date on it

    assert "Expiry of lot B-2291? Type it or scan its label" in page and "Set expiry" in page
    assert received(dock.vaccine_line) == 0
    page = post(dock.client, "/receive/expiry", expiry="2028-06-30")
    assert "1 of 6" in page
    assert Lot.objects.get(product=dock.vaccine, name="B-2291").expiry_date == datetime.date(2028, 6, 30)
    assert "2 of 6" in scan(dock.client, EAN)  # neither the lot nor its expiry asked again
    assert lots_counted() == [("B-2291", 1), ("B-2291", 1)]


@pytest.mark.parametrize("label", ["]C117280630", "(17)280630", "17280630"])
def test_the_expiry_may_be_scanned_from_its_own_label(dock, label):
    scan(dock.client, "WH/IN/00042")
    scan(dock.client, EAN)
    scan(dock.client, "B-2291")

    assert "1 of 6" in scan(dock.client, label)
    assert Lot.objects.get(name="B-2291").expiry_date == datetime.date(2028, 6, 30)


def test_a_lot_with_no_expiry_is_skipped_once_and_not_asked_again(dock):
    scan(dock.client, "WH/IN/00042")
    scan(dock.client, EAN)
    scan(dock.client, "B-1")

    assert "1 of 6" in scan(dock.client, "CMD-SKIP")
    assert "2 of 6" in scan(dock.client, EAN)
    assert Lot.objects.get(name="B-1").expiry_date is None and kept(dock) == ("B-1", None)


def test_a_typed_expiry_that_is_no_date_is_refused_and_changes_nothing(dock):
    scan(dock.client, "WH/IN/00042")
    scan(dock.client, EAN)
    scan(dock.client, "B-1")

    for typed in ("2028-02-30", "30/06/2028", "1999-12-31", ""):
        page = post(dock.client, "/receive/expiry", expiry=typed)
        assert "✖ Type the date on the label" in page, typed
    assert Receiving.objects.get(actor=dock.person).waiting == "expiry" and received(dock.vaccine_line) == 0
    assert "1 of 6" in post(dock.client, "/receive/expiry", skip="1")


def test_a_lot_already_known_with_its_expiry_is_not_asked_for_it(dock):
    factories.lot(dock.vaccine, "B-9", expiry_date=datetime.date(2029, 1, 31))
    scan(dock.client, "WH/IN/00042")
    scan(dock.client, EAN)

    assert "1 of 6" in scan(dock.client, "B-9")
    assert kept(dock) == ("B-9", datetime.date(2029, 1, 31))


def test_another_lot_on_the_items_gs1_label_is_kept_from_then_on(dock):
    scan(dock.client, "WH/IN/00042")
    scan(dock.client, f"01{VACCINE}17280630\x1d10LOT-B")

    scan(dock.client, f"01{VACCINE}17290101\x1d10LOT-C")
    scan(dock.client, EAN)

    assert lots_counted() == [("LOT-B", 1), ("LOT-C", 1), ("LOT-C", 1)]
    assert kept(dock) == ("LOT-C", datetime.date(2029, 1, 1))


def test_change_lot_takes_the_next_label_as_the_items_lot_and_counts_nothing(dock):
    scan(dock.client, "WH/IN/00042")
    scan(dock.client, f"01{VACCINE}17280630\x1d10LOT-B")

    page = post(dock.client, "/receive/change-lot")
    assert "Scan the new lot label of" in page and f"The new lot of {dock.vaccine.sku}" in page
    assert "Expiry of lot B-7?" in scan(dock.client, "B-7")
    page = post(dock.client, "/receive/expiry", expiry="2030-01-31")

    assert f"Next {dock.vaccine.sku} get lot B-7" in page and received(dock.vaccine_line) == 1
    assert "2 of 6" in scan(dock.client, EAN)
    assert lots_counted() == [("LOT-B", 1), ("B-7", 1)]
    assert Lot.objects.get(name="B-7").expiry_date == datetime.date(2030, 1, 31)


def test_a_gs1_lot_label_alone_changes_the_kept_lot(dock):
    scan(dock.client, "WH/IN/00042")
    scan(dock.client, f"01{VACCINE}17280630\x1d10LOT-B")

    page = scan(dock.client, "]C11730010110LOT-D")

    assert f"Next {dock.vaccine.sku} get lot LOT-D" in page and received(dock.vaccine_line) == 1
    assert kept(dock) == ("LOT-D", datetime.date(2030, 1, 1))
    scan(dock.client, EAN)
    assert lots_counted() == [("LOT-B", 1), ("LOT-D", 1)]


def test_so_many_more_units_of_the_kept_lot_are_one_action_counted_once(dock):
    scan(dock.client, "WH/IN/00042")
    scan(dock.client, EAN)
    scan(dock.client, "17280630\x1d10LOT-B")
    key = str(uuid.uuid4())

    page = post(dock.client, "/receive/units", quantity="4", key=key)
    post(dock.client, "/receive/units", quantity="4", key=key)  # sent twice: counted once

    assert "4 × " in page and "5 of 6" in page
    assert lots_counted() == [("LOT-B", 1), ("LOT-B", 4)]
    post(dock.client, "/receive/close")
    [quant] = Quant.objects.filter(location=dock.input, product=dock.vaccine)
    assert (quant.quantity, quant.lot.name) == (5, "LOT-B")
    assert ledger_differences() == []


def test_units_without_a_kept_lot_or_not_a_number_are_refused(dock):
    scan(dock.client, "WH/IN/00042")
    assert "No lot is kept — scan an item and its lot" in post(dock.client, "/receive/units", quantity="3")
    scan(dock.client, f"01{VACCINE}17280630\x1d10LOT-B")
    for typed in ("-2", "1,5", "abc", "0"):
        assert "✖" in post(dock.client, "/receive/units", quantity=typed), typed
    assert received(dock.vaccine_line) == 1


def test_units_over_the_tolerance_wait_for_a_supervisor(dock, settings):
    settings.RECEIVING_OVER_TOLERANCE = 0
    scan(dock.client, "WH/IN/00042")
    scan(dock.client, f"01{VACCINE}17280630\x1d10LOT-B")

    page = post(dock.client, "/receive/units", quantity="6")

    assert "7 of 6" in page and "a supervisor must approve" in page and received(dock.vaccine_line) == 1


def test_serial_numbered_items_keep_one_scan_per_unit(dock):
    scan(dock.client, "WH/IN/00042")
    scan(dock.client, f"01{PHONE}21SN-1")

    assert "Scan the serial number" in scan(dock.client, PHONE[1:])
    assert kept(dock) == ("", None)


def test_another_receipt_starts_with_no_lot_kept(dock):
    scan(dock.client, "WH/IN/00042")
    scan(dock.client, f"01{VACCINE}17280630\x1d10LOT-B")
    post(dock.client, "/receive/leave")
    scan(dock.client, "WH/IN/00042")

    assert "Scan the lot label" in scan(dock.client, EAN)


def test_a_scan_of_the_kept_lot_asks_no_more_statements_than_a_plain_item(dock):
    scan(dock.client, "WH/IN/00042")
    scan(dock.client, f"01{VACCINE}17280630\x1d10LOT-B")
    scan(dock.client, EAN)
    with CaptureQueriesContext(connection) as queries:
        page = scan_html(dock.client, EAN)
    assert "3 of 6" in page and "for the next" in page
    statements = [
        q["sql"] for q in queries if q["sql"].split(" ")[0] not in ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE")
    ]
    assert len(statements) <= (5 if connection.vendor == "postgresql" else 6), statements
