"""The floor dashboard's plots on a 360×640 phone: drawn under the Content-Security-Policy (the
autouse check in conftest.py), whole within the screen, their tables beside them, nothing pushed
off the right edge."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from floor.accounts.services import enrol
from tests import factories
from tests.counting.test_accuracy import counted
from tests.dashboard.test_throughput import picked
from tests.e2e.test_scanner_shell import BADGE, PIN, live_socket, sign_in  # noqa: F401
from tests.e2e.test_supervisor_pages import fits

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = pytest.mark.e2e


@pytest.fixture
def worked(live_server):
    """Picks today and a week ago, counts this week and two weeks ago."""
    wh = factories.warehouse()
    enrol(username="sam", roles=["supervisor"], password="floor-demo", badge=BADGE, pin=PIN, warehouse=wh)
    hour = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    picked(wh, hour, max(hour - timedelta(hours=1), hour.replace(hour=0)))
    picked(wh, hour - timedelta(weeks=1), hour - timedelta(weeks=1, hours=-1))
    place = factories.storage_bin(wh)
    person = factories.user(roles=["counter"], wh=wh, first_name="María José", last_name="Castellanos")
    counted(place, person, expected=10, found=10, ok=True, days_ago=0)
    counted(place, person, expected=10, found=7, ok=False, days_ago=14)


def test_the_dashboards_plots_fit_the_phone_with_their_tables(page, live_server, worked):
    sign_in(page, live_server)
    page.get_by_role("link", name="Floor dashboard").click()

    for name in ("Lines picked by hour", "Accuracy by week"):
        expect(page.get_by_role("img", name=name)).to_be_attached()
    expect(page.get_by_role("table", name="Lines picked by hour")).to_contain_text("Same day last week")
    expect(page.get_by_role("table", name="Count accuracy by week")).to_contain_text("Units right")
    for plot in page.locator("svg.plot").all():
        box = plot.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    fits(page, "dashboard-plots")
