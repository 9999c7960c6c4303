"""A supervisor on a 360×640 phone finds where Floor's stock and Odoo's differ and settles it."""

import os
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from floor.accounts.services import enrol
from floor.ledger import services as ledger
from floor.ledger.models import Move, Quant
from floor.odoo.models import StockDifference
from floor.warehouse.models import Location, Product
from floor.warehouse.services import virtual_location
from tests.e2e.test_scanner_shell import BADGE, PIN, in_view, live_socket, no_horizontal_scroll, sign_in  # noqa: F401
from tests.odoo.test_pull_support import connect, pull_now
from tests.odoo.test_reconcile import reconcile_now

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = pytest.mark.e2e


@pytest.fixture
def differing(live_server, odoo18, settings):
    odoo = connect(odoo18, settings)
    bin_a = odoo.seed_location("A-01-01", parent=odoo.ids["shelf_1"], barcode="A-01-01")
    odoo.seed_stock(odoo.ids["product"], 60, location=bin_a)
    pull_now()
    floor_bin = Location.objects.get(odoo_id=bin_a)
    widget = Product.objects.get(odoo_id=odoo.ids["product"])
    ledger.post(
        [Move(product=widget, quantity=Decimal(3), from_location=floor_bin, to_location=virtual_location("scrap"))],
        key="lost",
    )
    reconcile_now()
    enrol(
        username="supervisor",
        roles=["supervisor"],
        password="floor-demo",
        badge=BADGE,
        pin=PIN,
        warehouse=floor_bin.warehouse,
    )
    return floor_bin, widget


def test_a_supervisor_trusts_odoo_for_a_bin_that_differs(page, live_server, differing):
    floor_bin, widget = differing
    sign_in(page, live_server)
    page.get_by_role("link", name="Stock vs Odoo").click()
    card = page.locator(".differences li").first
    expect(card).to_contain_text(floor_bin.name)
    expect(card.locator(".difference-figures")).to_contain_text("Floor 57 · Odoo 60")
    no_horizontal_scroll(page)

    card.get_by_text("Act on it").click()
    trust = card.get_by_role("button", name="Trust Odoo")
    expect(trust).to_be_visible()
    # What the tap opened is in sight, above the action bar, without scrolling to it.
    in_view(page, card.get_by_label("Why"))
    for button in card.locator(".difference-actions button").all():
        in_view(page, button)
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.environ["SCREENSHOTS"] + "/differences-open.png")

    trust.click()  # no reason yet: the browser asks for one, nothing changes
    assert StockDifference.objects.get().state == "open"
    card.get_by_label("Why").fill("Odoo was counted yesterday")
    card.get_by_role("button", name="Trust Odoo").click()
    expect(page.locator(".feedback-ok")).to_contain_text(f"{floor_bin.name}, {widget.sku}: Odoo trusted")
    in_view(page, page.locator(".feedback-ok"))
    no_horizontal_scroll(page)
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.environ["SCREENSHOTS"] + "/differences-settled.png")
    assert Quant.objects.get(location=floor_bin, product=widget).quantity == 60
    page.get_by_role("link", name="Dealt with · 1").click()
    expect(page.locator(".differences li").first).to_contain_text("Odoo was counted yesterday")
