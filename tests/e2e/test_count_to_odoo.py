"""A count from plan to Odoo, in Chromium at 360×640 with keystrokes ending in Enter: the supervisor
asks for a bin to be counted today, a counter finds less than the ledger holds, someone else
recounts and finds less again, the supervisor sees both and approves, and Odoo (17, 18 and 19, the
test double on the wire) ends with what the shelf holds."""

import os

import pytest
from playwright.sync_api import expect

from floor.accounts.services import enrol
from floor.counting.models import CountTask
from floor.ledger.checks import ledger_differences
from floor.ledger.models import Quant
from floor.odoo import push
from floor.odoo.models import Operation
from floor.warehouse.models import Location, Product
from tests.e2e.test_scanner_shell import PIN, in_view, live_socket, no_horizontal_scroll, scan  # noqa: F401
from tests.odoo.test_pull_support import connect, pull_now

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = pytest.mark.e2e

BADGES = {"boss": "BDG-BOSS", "ann": "BDG-ANN", "bo": "BDG-BO"}


@pytest.fixture
def shelf(live_server, odoo_double, settings):
    odoo = connect(odoo_double, settings)
    bin_id = odoo.seed_location("A-01-01", parent=odoo.ids["shelf_1"], barcode="A-01-01")
    odoo.seed_stock(odoo.ids["product"], 37, location=bin_id)
    pull_now()
    floor_bin = Location.objects.get(odoo_id=bin_id)
    widget = Product.objects.get(odoo_id=odoo.ids["product"])
    roles = {"boss": ["supervisor"], "ann": ["counter"], "bo": ["counter"]}
    for name, badge in BADGES.items():
        enrol(
            username=name, roles=roles[name], password="floor-demo", badge=badge, pin=PIN, warehouse=floor_bin.warehouse
        )
    return odoo, bin_id, floor_bin, widget


def sign_in_as(page, live_server, name):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("#badge")).to_be_focused()
    scan(page, BADGES[name])
    expect(page.locator("#pin")).to_be_focused()
    page.keyboard.type(PIN)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/")


def count(page, floor_bin, widget, quantity: int) -> None:
    page.get_by_role("link", name="Count").click()
    page.get_by_role("button", name="Get work").click()
    expect(page.locator(".prompt-where")).to_have_text(floor_bin.name)
    scan(page, floor_bin.barcode)
    expect(page.locator("#feedback")).to_contain_text("scan each item")
    scan(page, widget.gtin.lstrip("0"))
    expect(page.locator("#feedback")).to_contain_text(f"1 × {widget.sku} counted")
    scan(page, "CMD-QTY")
    expect(page.locator("#feedback")).to_contain_text("Type the quantity")
    expect(page.locator("#qty")).to_be_focused()  # QTY opens the number box: no tap
    page.keyboard.type(str(quantity), delay=80)  # a thumb, not a wedge
    page.keyboard.press("Enter")
    expect(page.locator("#feedback")).to_contain_text(f"{quantity} × {widget.sku} counted")
    no_horizontal_scroll(page)
    scan(page, "CMD-DONE")


def test_a_count_goes_from_plan_to_odoo(page, live_server, shelf):
    odoo, bin_id, floor_bin, widget = shelf

    sign_in_as(page, live_server, "boss")
    page.locator("a[href='/count/plans/']").click()
    page.get_by_label("Bins").fill(floor_bin.barcode)
    page.get_by_role("button", name="Count today").click()
    expect(page.locator(".feedback-ok")).to_contain_text("1 bin to count today")
    expect(page.locator("table")).to_contain_text(floor_bin.name)  # the queue, with why
    no_horizontal_scroll(page)

    sign_in_as(page, live_server, "ann")
    count(page, floor_bin, widget, 30)
    expect(page.locator("#feedback.feedback-warning")).to_contain_text("someone else will recount it")
    expect(page.locator("#screen")).not_to_contain_text("37")

    sign_in_as(page, live_server, "bo")
    count(page, floor_bin, widget, 20)
    expect(page.locator("#feedback.feedback-warning")).to_contain_text("a supervisor will look at it")
    expect(page.locator("#screen")).not_to_contain_text("37")
    assert Quant.objects.get(location=floor_bin, product=widget).quantity == 37

    sign_in_as(page, live_server, "boss")
    page.get_by_role("link", name="Counts to approve").click()
    page.get_by_role("link", name=floor_bin.name).click()
    review = page.locator(".count-review")
    expect(review).to_contain_text("30")
    expect(review).to_contain_text("20")
    expect(review).to_contain_text("37")
    no_horizontal_scroll(page)
    page.get_by_label("Why").fill("A damaged case was thrown away")
    in_view(page, page.get_by_role("button", name="Approve the latest count"))
    page.get_by_role("button", name="Approve the latest count").click()
    expect(page.locator(".feedback-ok")).to_contain_text("the latest count is taken")
    expect(page.locator("table.table-cards")).to_contain_text("A damaged case was thrown away")
    no_horizontal_scroll(page)

    assert Quant.objects.get(location=floor_bin, product=widget).quantity == 20
    assert ledger_differences() == []
    decided = CountTask.objects.get(decision=CountTask.Decision.APPROVED)
    assert decided.decided_by.username == "boss"
    [adjustment] = Operation.objects.filter(kind=Operation.Kind.ADJUSTMENT)
    push.send(adjustment.pk)
    adjustment.refresh_from_db()
    assert adjustment.state == "sent", adjustment.last_error
    assert odoo.on_hand(odoo.ids["product"], bin_id) == 20.0
