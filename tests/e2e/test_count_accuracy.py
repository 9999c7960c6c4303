"""The count accuracy page on a 360×640 phone: its plots drawn under the Content-Security-Policy
(the autouse check in conftest.py), whole within the screen, with their tables beside them."""

import os
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from floor.accounts.services import enrol
from tests import factories
from tests.counting.test_accuracy import counted
from tests.e2e.test_scanner_shell import BADGE, PIN, live_socket, sign_in  # noqa: F401
from tests.e2e.test_supervisor_pages import fits

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = pytest.mark.e2e


@pytest.fixture
def counts(live_server):
    wh = factories.warehouse()
    enrol(username="sam", roles=["supervisor"], password="floor-demo", badge=BADGE, pin=PIN, warehouse=wh)
    people = [
        factories.user(roles=["counter"], wh=wh, first_name=first, last_name=last)
        for first, last in (("María José", "Rodríguez-Castellanos"), ("Li", "Wei"))
    ]
    for n in range(12):
        place = factories.storage_bin(
            wh, aisle="ABC"[n % 3], zone_name=["Cold store, racks 1–40", "Bulk", "Mezzanine"][n % 3]
        )
        counted(
            place, people[n % 2], expected=10, found=10 - n % 4, ok=n % 4 < 2, value=Decimal(-3 * n), days_ago=n * 6
        )


def test_the_accuracy_page_fits_the_phone_with_its_plots_and_tables(page, live_server, counts):
    sign_in(page, live_server)
    page.get_by_role("link", name="Count accuracy").click()

    expect(page.get_by_role("img", name="Accuracy by zone")).to_be_visible()
    for name in ("Accuracy by counter", "Accuracy by week", "Value of adjustments by week"):
        expect(page.get_by_role("img", name=name)).to_be_attached()
    expect(page.get_by_role("table", name="Accuracy by counter")).to_contain_text("María José Rodríguez-Castellanos")
    for plot in page.locator("svg.plot").all():
        box = plot.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    fits(page, "count-accuracy")
