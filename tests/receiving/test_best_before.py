"""A lot's best-before and production dates, from its GS1 label, kept with the lot at the dock.

GS1 General Specifications 3.4.5: AI 15, best before date (YYMMDD), the date after which the
item's quality may no longer be optimal; 3.4.7: AI 17, expiration date, the limit for its use or
consumption; 3.4.2: AI 11, production date. A label may carry any of them. Floor keeps all three on
the lot; first-expiry-first-out goes by the best-before date of a lot with no expiry.
"""

import datetime
import re

import pytest

from floor.receiving.models import Receiving
from floor.warehouse.models import Lot
from tests import factories
from tests.receiving import test_receiving
from tests.receiving.test_receiving import VACCINE, received
from tests.receiving.test_receiving import scan as scan_html

pytestmark = pytest.mark.django_db
dock = test_receiving.dock  # the receipt (6 vaccines expected, lot-tracked) and a receiver, as there

GS = "\x1d"
EAN = VACCINE[1:]  # the vaccine's plain EAN-13: no lot, no dates


def scan(client, code):
    return re.sub(r"<[^>]*>", "", scan_html(client, code))


def dates(name):
    lot = Lot.objects.get(name=name)
    return lot.expiry_date, lot.best_before, lot.produced


def test_a_best_before_date_is_kept_with_the_lot_and_shown_where_the_expiry_would_be(dock):
    # 3.4.5: (15)280630 best before 30 June 2028; no (17) on the label.
    scan(dock.client, "WH/IN/00042")
    page = scan(dock.client, f"]C101{VACCINE}15280630{GS}10LOT-B")

    assert "1 of 6" in page and "Expiry of lot" not in page  # counted: FEFO has a date to go by
    assert f"lot LOT-B for the next {dock.vaccine.sku} · best before 06/30/2028" in page
    assert dates("LOT-B") == (None, datetime.date(2028, 6, 30), None)


def test_an_expiry_and_a_best_before_date_are_both_kept_and_the_expiry_shown(dock):
    # 3.4.5 and 3.4.7: a label may carry both; the expiry is the limit, so the screen shows it.
    scan(dock.client, "WH/IN/00042")
    page = scan(dock.client, f"]C101{VACCINE}1528033117280630{GS}10LOT-E")

    assert "Expiry of lot" not in page
    assert "· expires 06/30/2028" in page and "best before" not in page
    assert dates("LOT-E") == (datetime.date(2028, 6, 30), datetime.date(2028, 3, 31), None)


def test_the_production_date_is_kept_with_the_lot(dock):
    # 3.4.2: (11)260102 produced 2 January 2026.
    scan(dock.client, "WH/IN/00042")
    scan(dock.client, f"]C101{VACCINE}11260102{GS}17280630{GS}10LOT-P")
    assert dates("LOT-P") == (datetime.date(2028, 6, 30), None, datetime.date(2026, 1, 2))


def test_a_lot_label_of_its_own_with_a_best_before_date_asks_for_no_expiry(dock):
    # 3.4.5 on the second label: the item's barcode, then its lot label (15)(10).
    scan(dock.client, "WH/IN/00042")
    scan(dock.client, EAN)
    page = scan(dock.client, f"15280630{GS}10LOT-S")

    assert "1 of 6" in page and received(dock.vaccine_line) == 1
    assert dates("LOT-S") == (None, datetime.date(2028, 6, 30), None)
    assert "2 of 6" in scan(dock.client, EAN)  # the next unit gets the kept lot, asked nothing


def test_a_plain_lot_barcode_of_a_lot_known_by_its_best_before_date_asks_for_no_expiry(dock):
    # 3.4.5: Floor knows the lot's best-before date already (an earlier label): nothing to ask.
    factories.lot(dock.vaccine, "B-9")
    Lot.objects.filter(name="B-9").update(best_before=datetime.date(2029, 1, 31))
    scan(dock.client, "WH/IN/00042")
    scan(dock.client, EAN)

    page = scan(dock.client, "B-9")

    assert "1 of 6" in page and "best before 01/31/2029" in page
    kept = Receiving.objects.get(actor=dock.person)
    assert (kept.kept_lot, kept.kept_expiry, kept.kept_best_before) == ("B-9", None, datetime.date(2029, 1, 31))


def test_a_date_the_lot_has_not_yet_is_filled_in_and_one_it_has_stays(dock):
    # 3.4.5, 3.4.2: the first label to give a date gives it; a later label does not rewrite it.
    factories.lot(dock.vaccine, "LOT-F", expiry_date=datetime.date(2028, 6, 30))
    scan(dock.client, "WH/IN/00042")
    scan(dock.client, f"]C101{VACCINE}11260102{GS}15280331{GS}17290101{GS}10LOT-F")

    assert dates("LOT-F") == (datetime.date(2028, 6, 30), datetime.date(2028, 3, 31), datetime.date(2026, 1, 2))
