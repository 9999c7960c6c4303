"""A supervisor on a 360×640 phone unlocks a picker locked out by wrong PINs."""

import os

import pytest
from django.test import Client
from playwright.sync_api import expect

from floor.accounts.models import Unlock
from floor.accounts.services import enrol
from floor.warehouse.services import create_warehouse
from tests.e2e.test_scanner_shell import BADGE, PIN, in_view, live_socket, no_horizontal_scroll, sign_in  # noqa: F401

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = pytest.mark.e2e


@pytest.fixture
def locked_picker(live_server, settings):
    warehouse = create_warehouse(code="WH", name="Main")
    enrol(username="sam", roles=["supervisor"], password="floor-demo", badge=BADGE, pin=PIN, warehouse=warehouse)
    picker = enrol(
        username="pat",
        roles=["picker"],
        password="floor-demo",
        badge="BDG-0042",
        pin="2468",
        warehouse=warehouse,
        first_name="Patricia",
        last_name="Lee-Fernández",
    )
    device = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        device.post("/accounts/login/", {"badge": "BDG-0042", "pin": "0000", "device": "aisle-3"})
    assert device.post("/accounts/login/", {"badge": "BDG-0042", "pin": "2468"}).status_code == 429
    return picker


def test_a_supervisor_unlocks_a_locked_picker_from_the_home_screen(page, live_server, locked_picker):
    sign_in(page, live_server)
    page.get_by_role("link", name="Locked sign-ins").click()
    row = page.locator(".locked li").first
    expect(row).to_contain_text("Patricia Lee-Fernández")
    expect(row).to_contain_text("wrong PINs")
    unlock = row.get_by_role("button", name="Unlock Patricia Lee-Fernández")
    in_view(page, unlock)
    assert unlock.bounding_box()["height"] >= 48  # a thumb's target
    no_horizontal_scroll(page)
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.environ["SCREENSHOTS"] + "/locked.png")

    # Unlocking asks once, in words, above the action bar; the second tap unlocks.
    unlock.click()
    confirm = page.locator(".confirm-yes")
    expect(confirm).to_contain_text("Unlock Patricia Lee-Fernández? Only someone you have seen.")
    in_view(page, confirm)
    page.wait_for_timeout(450)
    assert not Unlock.objects.exists()
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.environ["SCREENSHOTS"] + "/unlock-asks.png")
    confirm.click()

    expect(page.locator(".feedback-ok")).to_contain_text("Patricia Lee-Fernández is unlocked and can sign in")
    in_view(page, page.locator(".feedback-ok"))
    expect(page.locator(".locked")).to_have_count(0)
    expect(page.locator(".unlocks li").first).to_contain_text("Patricia Lee-Fernández by")
    no_horizontal_scroll(page)
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.environ["SCREENSHOTS"] + "/unlocked.png")
    assert Unlock.objects.get().person == locked_picker
    assert Client().post("/accounts/login/", {"badge": "BDG-0042", "pin": "2468"}).status_code == 302
