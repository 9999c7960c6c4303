"""Inspecting a return in Chromium at 360×640, scans typed as keystrokes ending in Enter: a mug
graded A goes to input, one graded D to scrap, and Close tells Odoo."""

import os

import pytest
from playwright.sync_api import expect

from floor.ledger.checks import ledger_differences
from floor.ledger.models import Quant
from floor.odoo.models import Operation
from floor.returns.models import InspectionPhoto, Return
from floor.warehouse.models import Location
from tests import factories
from tests.e2e.test_scanner_shell import (  # noqa: F401
    PIN,
    RECORD_SOUNDS,
    in_view,
    live_socket,
    no_horizontal_scroll,
    scan,
    sign_in,
)
from tests.returns.factories import announced_return, jpeg, shipped_order

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = pytest.mark.e2e

MUG = "4006381333931"


@pytest.fixture
def to_inspect(live_server):
    wh = factories.warehouse()
    mug = factories.product(gtin=MUG, sku="MUG", name="Stoneware mug")
    order = shipped_order(wh, (mug, 3), reference="SO-100", odoo_id=500)
    ret = announced_return(wh, order, (mug, 2), reference="WH/RET/00001")
    factories.user("inspector", roles=["inspector"], wh=wh, badge="BDG-0002", pin=PIN)
    return wh, mug, ret


def on_hand(wh, kind, product):
    return sum(q.quantity for q in Quant.objects.filter(location__warehouse=wh, location__kind=kind, product=product))


def test_an_inspector_grades_a_return_and_closes_it(page, live_server, to_inspect):
    wh, mug, ret = to_inspect
    page.add_init_script(RECORD_SOUNDS)
    sign_in(page, live_server)
    page.get_by_role("link", name="Inspect").click()
    expect(page.locator(".prompt-do")).to_have_text("Scan the return or its order")
    expect(page.locator("[data-scan-input]")).to_be_focused()

    scan(page, "SO-999")  # unknown: words, the error sound, nothing changes
    expect(page.locator("#feedback.feedback-error")).to_contain_text("Not a code Floor knows")
    page.wait_for_function("window.sounds.includes('error')")

    scan(page, "SO-100")  # the order opens its one return
    expect(page.locator("#feedback.feedback-ok")).to_contain_text("Return WH/RET/00001: 2 items expected")
    expect(page.locator(".prompt-do")).to_have_text("Scan each item")
    in_view(page, page.locator(".prompt-do"))

    scan(page, MUG)
    expect(page.locator(".prompt-do")).to_have_text("Its grade?")
    grade_a = page.get_by_role("button", name="A · resealable")
    in_view(page, grade_a)
    no_horizontal_scroll(page)
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.environ["SCREENSHOTS"] + "/inspect-grade.png")
    grade_a.click()  # the second tap of the happy path
    expect(page.locator("#feedback.feedback-ok")).to_contain_text("MUG A: Restock")
    expect(page.locator(".prompt-do")).to_have_text("Scan each item")

    page.wait_for_timeout(400)  # the same code within 300 ms is one trigger read twice
    page.locator("[data-scan-input]").focus()
    scan(page, MUG)
    expect(page.locator("#feedback")).to_contain_text("1 × MUG in")
    page.get_by_role("button", name="D · defective").click()
    expect(page.locator("#feedback.feedback-ok")).to_contain_text("MUG D: Scrap")

    page.get_by_role("button", name="Close").click()
    expect(page.locator(".prompt-do")).to_have_text("Close return WH/RET/00001?")
    no_horizontal_scroll(page)
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.environ["SCREENSHOTS"] + "/inspect-close.png")
    confirm = page.get_by_role("button", name="Confirm: close the return")
    in_view(page, confirm)
    confirm.click()
    expect(page.locator("#feedback.feedback-ok")).to_contain_text("Return WH/RET/00001 closed: 2 of 2 items back")
    expect(page.locator(".prompt-do")).to_have_text("Scan the return or its order")
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.environ["SCREENSHOTS"] + "/inspect-done.png")

    assert Return.objects.get(pk=ret.pk).state == Return.State.DONE
    assert on_hand(wh, Location.Kind.INPUT, mug) == 1
    assert on_hand(wh, Location.Kind.RETURNS, mug) == 0
    assert [op.kind for op in Operation.objects.filter(document=ret.reference).order_by("pk")] == [
        "return",
        "scrap",
        "internal",
    ]
    assert ledger_differences() == []


def test_an_inspector_photographs_an_item_then_grades_it(page, live_server, to_inspect):
    sign_in(page, live_server)
    page.get_by_role("link", name="Inspect").click()
    expect(page.locator("[data-scan-input]")).to_be_focused()  # the scanner script is running
    scan(page, "SO-100")
    expect(page.locator(".prompt-do")).to_have_text("Scan each item")
    scan(page, MUG)
    expect(page.locator(".prompt-do")).to_have_text("Its grade?")
    in_view(page, page.locator("label", has_text="Photo"))
    # What the camera hands back: the form goes up as soon as the photo is chosen.
    with page.expect_response(lambda answer: "/inspect/photo/" in answer.url) as shown:
        page.locator("input[type=file]").set_input_files(
            {"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": jpeg("red", (640, 480))}
        )
    assert shown.value.ok and shown.value.headers["content-type"] == "image/jpeg"
    expect(page.locator("#feedback.feedback-ok")).to_contain_text("1 photo of MUG: its grade?")
    thumbnail = page.get_by_alt_text("Photo 1 of MUG")
    expect(thumbnail).to_be_visible()
    assert thumbnail.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
    no_horizontal_scroll(page)
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.environ["SCREENSHOTS"] + "/inspect-photo.png")
    page.get_by_role("button", name="A · resealable").click()
    expect(page.locator("#feedback.feedback-ok")).to_contain_text("MUG A: Restock")
    assert InspectionPhoto.objects.get().inspection.grade == "A"
