"""The count planning pages on a 360×640 phone: the plans with their forms, each item's class and
why, and the queue, each within the screen; a bin typed in is counted today."""

import os
import uuid
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from floor.accounts.services import enrol
from floor.counting.models import CountTask
from floor.ledger import services as ledger
from floor.ledger.models import Move
from tests import factories
from tests.e2e.test_scanner_shell import BADGE, PIN, live_socket, sign_in  # noqa: F401
from tests.e2e.test_supervisor_pages import fits

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = pytest.mark.e2e


@pytest.fixture
def planned(live_server):
    wh = factories.warehouse()
    enrol(username="sam", roles=["supervisor"], password="floor-demo", badge=BADGE, pin=PIN, warehouse=wh)
    tote = factories.tote(wh).location
    for n, (sku, name, units) in enumerate(
        [("TLS-0039", "Torque wrench 3/8 in, with a long name", 412), ("VAX-0001", "Vaccine", 40), ("NUT-M8", "Nut", 3)]
    ):
        item = factories.product(sku=sku, name=name)
        where = factories.storage_bin(wh, aisle="A", bay=n + 1, zone_name="Cold store by the roller door")
        factories.stock(where, item, 1000)
        ledger.post(
            [Move(product=item, quantity=Decimal(units), from_location=where, to_location=tote)],
            key=f"pick-{uuid.uuid4()}",
        )
    CountTask.objects.create(
        warehouse=wh,
        location=where,
        source=CountTask.Source.SHORT_PICK,
        priority=90,
        reason="Short pick: bin empty (WH/OUT/00040-01, a long document reference)",
    )
    return wh


def test_the_plans_classes_and_queue_fit_the_phone(page, live_server, planned):
    sign_in(page, live_server)
    page.locator("a[href='/count/plans/']").click()  # not "Counts to approve"
    expect(page.get_by_role("button", name="Make today's counts now")).to_be_visible()
    fits(page, "count-plans")

    page.goto(f"{live_server.url}/count/plans/classes")
    expect(page.locator("tbody tr").first).to_contain_text("A — 412 units picked in 90 days")
    fits(page, "count-classes")

    page.goto(f"{live_server.url}/count/plans/")
    page.locator("#id_bins").fill("A-01-01, A-02-01")
    page.get_by_role("button", name="Count today").click()
    expect(page.locator(".feedback-ok")).to_contain_text("2 bins to count today.")
    expect(page.locator("tbody tr").first).to_contain_text("Short pick")  # the riskiest first
    expect(page.locator("tbody")).to_contain_text("Asked for today by")
    fits(page, "count-queue")
