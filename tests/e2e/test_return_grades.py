"""A supervisor on a 360×640 phone sends damaged returns to scrap from now on."""

import os

import pytest
from playwright.sync_api import expect

from floor.accounts.services import enrol
from floor.returns import grading
from floor.warehouse.services import create_warehouse
from tests.e2e.test_scanner_shell import BADGE, PIN, in_view, live_socket, no_horizontal_scroll, sign_in  # noqa: F401

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = pytest.mark.e2e


def test_a_supervisor_sends_grade_c_to_scrap_from_the_home_screen(page, live_server):
    warehouse = create_warehouse(code="WH", name="Main")
    enrol(username="sam", roles=["supervisor"], password="floor-demo", badge=BADGE, pin=PIN, warehouse=warehouse)
    sign_in(page, live_server)
    page.get_by_role("link", name="Return grades").click()
    grade_c = page.get_by_role("group", name="Grade C")
    grade_c.get_by_label("Goes to").select_option("scrap")
    grade_c.get_by_label("Words").fill("C · broken")
    no_horizontal_scroll(page)
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.environ["SCREENSHOTS"] + "/return-grades.png", full_page=True)
    save = page.get_by_role("button", name="Save grades")
    assert save.bounding_box()["height"] >= 48  # a thumb's target
    save.click()

    expect(page.locator(".feedback-ok")).to_contain_text("Return grades saved")
    in_view(page, page.locator(".feedback-ok"))
    no_horizontal_scroll(page)
    assert grading.grades_of(warehouse)["C"] == ("C · broken", "scrap")
