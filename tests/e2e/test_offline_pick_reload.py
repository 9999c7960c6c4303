"""A picker's page reloaded where the Wi-Fi does not reach (issue 27): the service worker gives the
pick screen as it was last opened, and the device takes up where the picker was from its own copy
of the task (static/js/pick-offline.js), the scans kept meanwhile still waiting (IndexedDB). The
rest of the task is picked offline; back online every scan goes once, in order, and the same scans
sent again post nothing."""

import os

import pytest
from playwright.sync_api import expect

from floor.ledger.checks import ledger_differences
from floor.ledger.models import Move
from floor.picking.models import PickRecord, PickTask
from floor.scanning.models import ScanLog
from floor.warehouse.models import ProductBarcode
from tests.e2e.test_offline_pick import ORDERS, TOTES, twenty_lines  # noqa: F401
from tests.e2e.test_offline_pick_verdicts import signed_in
from tests.e2e.test_offline_queue import PUT_BACK, kept, until
from tests.e2e.test_offline_screens import KEPT as SCREEN_KEPT
from tests.e2e.test_scanner_shell import eventually, live_socket, scan  # noqa: F401

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = pytest.mark.e2e


def pick_stop(page, stop, code):
    tote = TOTES[ORDERS.index(stop.order)]
    expect(page.locator(".prompt-do")).to_have_text("Scan bin")
    expect(page.locator(".prompt-where")).to_have_text(stop.bin.name)
    scan(page, stop.bin.barcode)
    expect(page.locator(".prompt-do")).to_have_text("Scan the item")
    scan(page, code)
    expect(page.locator(".prompt-do")).to_have_text("Put in tote")
    scan(page, tote)
    return [stop.bin.barcode, code, tote]


def test_a_reload_offline_takes_up_where_the_picker_was_and_every_scan_posts_once(page, live_server, twenty_lines):  # noqa: F811
    built, stops, person = twenty_lines
    codes = {code.product_id: code.code for code in ProductBarcode.objects.all()}
    signed_in(page, live_server, person)
    page.goto(f"{live_server.url}/pick/")
    eventually(page, "() => navigator.serviceWorker.controller !== null")
    page.goto(f"{live_server.url}/pick/")  # under the worker: the screen is kept for this person
    eventually(page, SCREEN_KEPT, "/pick/")
    page.get_by_role("button", name="Get work").click()
    for tote in TOTES:
        expect(page.locator(".prompt-do")).to_have_text("Scan a tote for")
        scan(page, tote)
    expect(page.locator(".prompt-do")).to_have_text("Scan bin")
    eventually(page, "() => Floor.pickOffline.mark() === document.getElementById('screen').getAttribute('data-pick')")
    online = ScanLog.objects.count()

    page.context.set_offline(True)
    made = []
    for stop in stops[:5]:
        made += pick_stop(page, stop, codes[stop.product.pk])
    expect(page.locator("#net")).to_have_text("offline · 15 waiting")

    page.reload()  # still offline: the screen the worker kept, as it was before Get work
    expect(page.locator("[data-saved-copy]")).to_be_visible()
    expect(page.locator(".prompt-do")).to_have_text("Scan bin")
    expect(page.locator(".prompt-where")).to_have_text(stops[5].bin.name)
    expect(page.locator("#bar-title")).to_have_text("Pick · PT-0020 · 5/20")
    expect(page.locator("#net")).to_have_text("offline · 15 waiting")
    scan(page, stops[6].bin.barcode)  # the device still checks: the wrong bin is refused
    expect(page.locator("#feedback.feedback-error")).to_contain_text(f"Wrong bin — expected {stops[5].bin.name}")
    for stop in stops[5:]:
        made += pick_stop(page, stop, codes[stop.product.pk])
    expect(page.locator(".prompt-do")).to_have_text("Get work")
    expect(page.locator("#net")).to_have_text("offline · 60 waiting")
    records = kept(page)
    assert [r["values"]["code"] for r in records] == made and ScanLog.objects.count() == online

    page.context.set_offline(False)
    until(lambda: kept(page) == [], timeout=60)  # the device's own count: the server's database is busy
    assert PickTask.objects.get(pk=built.task.pk).state == PickTask.State.DONE
    sent = list(ScanLog.objects.order_by("pk").values_list("key", flat=True))[online:]
    assert sent == [r["key"] for r in records]  # each once, in the order made
    assert PickRecord.objects.count() == 20 and Move.objects.filter(key__startswith="pick:").count() == 20
    assert ledger_differences() == []

    # A device that lost the answers sends the same scans again: nothing new is posted.
    page.evaluate(PUT_BACK, records)
    page.reload()
    until(lambda: kept(page) == [], timeout=30)
    assert ScanLog.objects.count() == online + 60
    assert PickRecord.objects.count() == 20 and Move.objects.filter(key__startswith="pick:").count() == 20
