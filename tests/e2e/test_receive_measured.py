"""A variable weight item received in Chromium at 360×640, scans typed as a keyboard wedge sends
them (keystrokes, the GS1 separator as Ctrl+], Enter): the cheese wheel's label says 1.250 kg and
best before 30 June 2028; the screen shows 1.250 kg received and the lot's best-before date, a
weight label on an item counted in units is refused in words, and the closed receipt leaves
1.25 kg in the ledger.

GS1 General Specifications 3.6.2 (AI 3103: net weight in kg, three implied decimals), 3.4.5 (AI 15:
best before date), 3.4.1 (AI 10: batch or lot, variable length, so a separator follows it).
"""

import datetime
import os
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from floor.ledger.checks import ledger_differences
from floor.ledger.models import Quant
from floor.receiving.models import Receipt, ReceiptLine
from floor.warehouse.models import Location
from floor.warehouse.services import location_of_kind
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

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = pytest.mark.e2e

CHEESE = "90950600013432"  # indicator 9: a variable measure trade item
BOLT = "4006381333931"


def wedge(page, *parts: str) -> None:
    """A GS1-128 read as a wedge types it: each element string's keys, Ctrl+] for the separator
    between them, Enter after the last."""
    for n, part in enumerate(parts):
        if n:
            page.keyboard.press("Control+BracketRight")
        page.keyboard.type(part)
    page.keyboard.press("Enter")


@pytest.fixture
def dock(live_server):
    wh = factories.warehouse()
    cheese = factories.product(gtin=CHEESE, sku="CHEESE", name="Cheese wheel", uom="kg", tracking="lot")
    bolt = factories.product(gtin=BOLT, sku="BOLT", name="Hex bolt M8")
    receipt = Receipt.objects.create(warehouse=wh, reference="WH/IN/00090", vendor="Dairy")
    ReceiptLine.objects.create(receipt=receipt, product=cheese, expected=10)
    ReceiptLine.objects.create(receipt=receipt, product=bolt, expected=5)
    factories.user("receiver", roles=["receiver"], wh=wh, badge="BDG-0002", pin=PIN)
    return wh, cheese


def test_a_cheese_wheels_label_is_received_by_its_weight(page, live_server, dock):
    wh, cheese = dock
    page.add_init_script(RECORD_SOUNDS)
    sign_in(page, live_server)
    page.get_by_role("link", name="Receive").click()
    expect(page.locator("[data-scan-input]")).to_be_focused()
    scan(page, "WH/IN/00090")
    expect(page.locator(".prompt-do")).to_have_text("Scan an item")

    # (01) GTIN, (10) lot + GS, (15) best before, (3103) 1.250 kg, with the AIM identifier ]C1.
    wedge(page, f"]C101{CHEESE}10WHEEL-7", "152806303103001250")

    expect(page.locator("#feedback.feedback-ok")).to_contain_text("1.250 kg of CHEESE — 1.250 kg of 10 kg")
    expect(page.locator(".kept-lot")).to_contain_text("lot WHEEL-7 for the next CHEESE")
    expect(page.locator(".kept-lot")).to_contain_text("best before 06/30/2028")
    expect(page.locator(".touched")).to_contain_text("1.25 / 10")
    page.wait_for_function("window.sounds.includes('ok')")
    for what in (".prompt-do", "#feedback", ".kept-lot"):
        in_view(page, page.locator(what))
    no_horizontal_scroll(page)

    # A weight says how much cheese; it does not say how many bolts.
    wedge(page, f"]C101{BOLT.zfill(14)}3103001250")
    expect(page.locator("#feedback.feedback-error")).to_contain_text(
        "BOLT is counted in Units: a weight label (1.250 kg) does not say how many"
    )
    page.wait_for_function("window.sounds.includes('error')")
    in_view(page, page.locator("#feedback"))

    page.get_by_role("button", name="Done").click()
    page.get_by_role("button", name="Confirm and close").click()
    expect(page.locator("#feedback.feedback-ok")).to_contain_text("WH/IN/00090 closed")

    [quant] = Quant.objects.filter(location=location_of_kind(wh, Location.Kind.INPUT), product=cheese)
    assert quant.quantity == Decimal("1.25") and quant.lot.name == "WHEEL-7"
    assert quant.lot.best_before == datetime.date(2028, 6, 30) and quant.lot.expiry_date is None
    assert ledger_differences() == []
