"""The returns page on a 360×640 phone: each return's items as cards, its plots drawn under the
Content-Security-Policy (the autouse check in conftest.py), whole within the screen, with their
tables beside them."""

import os

import pytest
from django.test import Client
from playwright.sync_api import expect

from floor.accounts.services import enrol
from floor.warehouse.models import Location
from tests import factories
from tests.e2e.test_scanner_shell import BADGE, PIN, live_socket, sign_in  # noqa: F401
from tests.e2e.test_supervisor_pages import fits
from tests.returns.conftest import grade, scan
from tests.returns.factories import announced_return, shipped_order

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = pytest.mark.e2e

MUG = "4006381333931"


@pytest.fixture
def returned(live_server):
    """A return of long names and notes, inspected today: one item each way."""
    wh = factories.warehouse()
    enrol(username="sam", roles=["supervisor"], password="floor-demo", badge=BADGE, pin=PIN, warehouse=wh)
    Location.objects.filter(warehouse=wh, kind=Location.Kind.INPUT).update(name="WH/Input dock, doors 1–12")
    mug = factories.product(gtin=MUG, sku="MUG-STONEWARE-0450-BLUE", name="Stoneware mug, 450 ml, blue glaze")
    order = shipped_order(wh, (mug, 4), reference="SO-2026-000123")
    announced_return(
        wh, order, (mug, 4), reference="WH/RET/2026/000045", reason="Arrived broken, box crushed on one side"
    )
    inspector = Client()
    inspector.force_login(factories.user(roles=["inspector"], wh=wh, first_name="María José", last_name="Castellanos"))
    scan(inspector, "WH/RET/2026/000045")
    for chosen in ("A", "C", "D"):
        scan(inspector, MUG)
        grade(inspector, chosen)
    scan(inspector, MUG)
    grade(inspector, "A", disposition="vendor", reason="vendor_warranty", note="Handle cracked at the base, warranty")


def test_the_returns_page_fits_the_phone_with_its_plots_and_tables(page, live_server, returned):
    sign_in(page, live_server)
    page.get_by_role("link", name="Returns inspected").click()

    expect(page.get_by_role("table", name="Items of WH/RET/2026/000045")).to_contain_text("Return to vendor")
    expect(page.get_by_role("img", name="Return rate by item")).to_be_attached()
    for name in ("Units by inspector's reason", "Units by grade"):
        expect(page.get_by_role("img", name=name)).to_be_attached()
    for plot in page.locator("svg.plot").all():
        box = plot.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    fits(page, "returns-report")
