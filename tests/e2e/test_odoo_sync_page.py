"""The Odoo sync page on a 360×640 phone, as the demo shows it: no Odoo connected, floor work
waiting for one. It says so in plain words (no failure look), opens on the waiting operations,
names each once (a move and its undo apart) and fits the screen."""

import os

import pytest
from playwright.sync_api import expect

from floor.accounts.services import enrol
from floor.odoo.models import Operation
from tests import factories
from tests.e2e.test_scanner_shell import BADGE, PIN, live_socket, no_horizontal_scroll, sign_in  # noqa: F401

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = pytest.mark.e2e


@pytest.fixture
def waiting(live_server, settings):
    settings.ODOO_URL = settings.ODOO_DB = settings.ODOO_USER = settings.ODOO_API_KEY = ""
    wh = factories.warehouse()
    enrol(username="sam", roles=["supervisor"], password="floor-demo", badge=BADGE, pin=PIN, warehouse=wh)
    made = [
        ("receipt", "FLOOR-RCPT-1", "WH/IN/00001-NORDIC-FASTENERS-AB-BACKORDER", {}),
        ("delivery", "FLOOR-OUT-2", "WH/OUT/00002", {}),
        ("internal", "FLOOR-MOVE-3", "MOVE-1", {}),
        ("internal", "FLOOR-MOVE-4", "MOVE-1", {"undo": True}),
    ]
    for kind, reference, document, extra in made:
        Operation.objects.create(
            kind=kind, warehouse=wh, reference=reference, document=document, payload={"lines": [], **extra}
        )
    Operation.objects.create(
        kind="internal", warehouse=wh, reference="FLOOR-MOVE-0", document="MOVE-0", state=Operation.State.SENT
    )


def test_with_no_odoo_the_page_says_the_work_waits_for_one_and_fits(page, live_server, waiting):
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/odoo/operations/")

    said = page.locator("main").get_by_role("status")
    expect(said).to_have_text("No Odoo connected: 4 operations will be sent when one is")
    box = said.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360 and box["y"] + box["height"] <= 640
    expect(page.locator(".feedback-warning, .feedback-error")).to_have_count(0)
    expect(page.locator("nav.tabs [aria-current=page]")).to_have_text("Waiting · 4")
    rows = page.locator("ul.operations li")
    expect(rows).to_have_count(4)
    expect(rows.filter(has_text="Undo of MOVE-1")).to_have_count(1)
    expect(rows.filter(has_text="MOVE-1").filter(has_not_text="Undo")).to_have_count(1)
    expect(page.locator("main")).not_to_contain_text("Next try")
    no_horizontal_scroll(page)
    for row in rows.all():
        box = row.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, row.text_content()
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=f"{os.environ['SCREENSHOTS']}/odoo-sync-no-odoo.png", full_page=True)
