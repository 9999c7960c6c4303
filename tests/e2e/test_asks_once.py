"""Destructive actions ask once, on a 360×640 phone: the first tap says what the button will do,
above the action bar; the second does it. A released wave was cancelled by one tap."""

import os

import pytest
from playwright.sync_api import expect

from floor.picking.models import Order, Wave
from tests import factories
from tests.e2e.test_scanner_shell import BADGE, PIN, in_view, live_socket, scan, sign_in  # noqa: F401
from tests.packing.pack_factories import carton_types, picked_order, station
from tests.picking.task_factories import Stop, pick_task

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = pytest.mark.e2e


@pytest.fixture
def released(live_server):
    wh = factories.warehouse()
    shelf = factories.storage_bin(wh, aisle="A", bay=1)
    built = pick_task(wh, [Stop("WH/OUT/00031", shelf, factories.product(sku="BOLT"), 2)])
    factories.user("supervisor", roles=["supervisor"], wh=wh, badge=BADGE, pin=PIN)
    return built.wave


def test_cancelling_a_released_wave_asks_once(page, live_server, released):
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/waves/{released.pk}/")
    cancel = page.get_by_role("button", name="Cancel wave: free the stock, orders back to open")

    cancel.click()
    confirm = page.locator(".confirm-yes")
    expect(confirm).to_contain_text("Cancel wave: free the stock, orders back to open")
    expect(confirm).to_contain_text("Tap here to confirm")
    in_view(page, confirm)
    assert confirm.bounding_box()["height"] >= 48
    page.wait_for_timeout(500)
    assert Wave.objects.get(pk=released.pk).state == Wave.State.RELEASED  # one tap changed nothing
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.environ["SCREENSHOTS"] + "/wave-cancel-asks.png")

    confirm.click()
    expect(page.locator(".feedback-ok")).to_contain_text(f"{released.reference} cancelled: its orders are open again.")
    in_view(page, page.locator(".feedback-ok"))
    assert Wave.objects.get(pk=released.pk).state == Wave.State.CANCELLED
    assert Order.objects.get(reference="WH/OUT/00031").state == Order.State.OPEN


@pytest.fixture
def packing(live_server):
    wh = factories.warehouse()
    shelf = factories.storage_bin(wh, aisle="A", bay=1)
    bolt = factories.product(gtin="4006381333931", sku="BOLT", name="Hex bolt")
    picked_order(wh, [Stop("WH/OUT/00032", shelf, bolt, 2)], factories.tote(wh, "T-0001"))
    station(wh, "PACK-1")
    carton_types(wh)
    factories.user("packer", roles=["packer"], wh=wh, badge=BADGE, pin=PIN)


def test_leaving_an_order_at_the_pack_station_asks_once(page, live_server, packing):
    sign_in(page, live_server)
    page.get_by_role("link", name="Pack").click()
    expect(page.locator(".prompt-do")).to_have_text("Scan station")
    scan(page, "PACK-1")
    expect(page.locator(".prompt-do")).to_have_text("Scan a tote")
    scan(page, "T-0001")
    expect(page.locator("#feedback.feedback-ok")).to_contain_text("Packing WH/OUT/00032")

    page.get_by_role("button", name="Leave this order").click()
    confirm = page.locator(".confirm-yes")
    expect(confirm).to_contain_text("Leave WH/OUT/00032? What you packed stays packed.")
    in_view(page, confirm)
    expect(page.locator("#bar-title")).to_contain_text("WH/OUT/00032")  # still packing it
    page.wait_for_timeout(450)
    confirm.click()
    expect(page.locator("#feedback.feedback-warning")).to_contain_text("Left WH/OUT/00032")
    expect(page.locator(".prompt-do")).to_have_text("Scan a tote")
    in_view(page, page.locator(".prompt-do"))
