"""Picking goes on where the Wi-Fi does not reach (issue 27). A picker in Chromium at 360×640 gets
a task of 20 lines and binds its totes online; then the network goes. Each bin, item and tote
scanned is checked on the device, and the prompt moves on stop by stop to the end of the task; a
wrong bin is refused there, in the server's words and with its own sound, and is not kept. Back
online the scans kept go to the server in the order they were made: each line is picked once, the
task is done, and the ledger holds exactly the 20 moves bin → tote."""

import os
from urllib.parse import parse_qsl

import pytest
from playwright.sync_api import expect

from floor.ledger.checks import ledger_differences
from floor.ledger.models import Move, Quant
from floor.ledger.services import post
from floor.picking.models import Pick, PickRecord, PickTask
from floor.warehouse.models import ProductBarcode
from tests import factories
from tests.e2e.test_offline_pick_verdicts import signed_in
from tests.e2e.test_scanner_shell import RECORD_SOUNDS, live_socket, scan, without_service_worker  # noqa: F401
from tests.picking.task_factories import Stop, pick_task

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.e2e, without_service_worker]

ORDERS = ["OUT/1", "OUT/2", "OUT/3", "OUT/4"]
TOTES = ["T-0001", "T-0002", "T-0003", "T-0004"]  # bound in the orders' turn


@pytest.fixture
def twenty_lines(live_server):
    wh = factories.warehouse()
    items = [factories.product(sku=f"ITEM-{n}", name=f"Item {n}") for n in range(1, 6)]
    bins = [factories.storage_bin(wh, aisle="C", bay=n) for n in range(1, 21)]
    stops = [Stop(ORDERS[n % 4], bins[n], items[n % 5], 1 + n % 3) for n in range(20)]
    built = pick_task(wh, stops, reference="PT-0020")
    for tote in TOTES:
        factories.tote(wh, tote)
    return built, stops, factories.user(roles=["picker"], wh=wh)


def test_twenty_lines_picked_offline_reach_the_ledger_once_back_online(page, live_server, twenty_lines):
    built, stops, person = twenty_lines
    codes = {code.product_id: code.code for code in ProductBarcode.objects.all()}
    page.add_init_script(RECORD_SOUNDS)
    signed_in(page, live_server, person)
    # The codes posted to the server; the answers that carried the task again (the device's copy
    # did not agree with the server); the times it asked for the task on its own.
    sent, carried, asked = [], [], []

    def heard(request):
        if request.url.endswith("/pick/scan"):
            sent.append(dict(parse_qsl(request.post_data))["code"])
        elif request.url.endswith("/pick/offline.json"):
            asked.append(request.url)

    def answered(response):
        if response.url.endswith("/pick/scan") and 'class="pick-task"' in response.text():
            carried.append(response.request.post_data)

    page.on("request", heard)
    page.on("response", answered)
    page.goto(f"{live_server.url}/pick/")
    page.get_by_role("button", name="Get work").click()
    for tote in TOTES:
        expect(page.locator(".prompt-do")).to_have_text("Scan a tote for")
        scan(page, tote)
    expect(page.locator(".prompt-do")).to_have_text("Scan bin")
    # The device holds the task as the server has it now (asked for again after the totes).
    page.wait_for_function("Floor.pickOffline.mark() === document.getElementById('screen').getAttribute('data-pick')")

    page.context.set_offline(True)
    expect(page.locator("#net")).to_have_attribute("data-state", "offline")
    online_scans, carried_online = len(sent), len(carried)
    assert carried_online == 4  # each tote bound: whether it was free was the server's to say
    made = []
    for n, stop in enumerate(stops):
        tote = TOTES[ORDERS.index(stop.order)]
        expect(page.locator(".prompt-do")).to_have_text("Scan bin")
        expect(page.locator(".prompt-where")).to_have_text(stop.bin.name)
        expect(page.locator("#bar-title")).to_have_text(f"Pick · PT-0020 · {n}/20")
        if n == 4:  # the next stop's bin: refused here, in the server's words, with its own sound
            scan(page, stops[5].bin.barcode)
            expect(page.locator("#feedback.feedback-error")).to_have_text(
                f"✖ Wrong bin — expected {stop.bin.name} (scanned {stops[5].bin.name})"
            )
            page.wait_for_function("window.sounds.includes('wrong_bin')")
            expect(page.locator(".prompt-where")).to_have_text(stop.bin.name)
        scan(page, stop.bin.barcode)
        expect(page.locator(".prompt-do")).to_have_text("Scan the item")
        expect(page.locator(".prompt-where")).to_have_text(stop.product.sku)
        scan(page, codes[stop.product.pk])
        expect(page.locator(".prompt-do")).to_have_text("Put in tote")
        expect(page.locator(".prompt-where")).to_have_text(tote)
        expect(page.locator(".prompt-what")).to_contain_text(f"{stop.quantity} × {stop.product.sku}")
        scan(page, tote)
        made += [stop.bin.barcode, codes[stop.product.pk], tote]

    expect(page.locator(".prompt-do")).to_have_text("Get work")
    expect(page.locator("#feedback.feedback-ok")).to_contain_text(
        "PT-0020 done — take the totes to packing: T-0001, T-0002, T-0003, T-0004"
    )
    expect(page.locator("#net")).to_have_text("offline · 60 waiting")
    sounds = page.evaluate("sounds")
    assert (sounds.count("wrong_bin"), sounds.count("line"), sounds.count("document")) == (1, 19, 1)
    assert len(sent) == online_scans and not PickRecord.objects.exists()

    page.context.set_offline(False)

    expect(page.locator("#net")).to_have_text("online", timeout=60_000)
    expect(page.locator("#feedback")).to_contain_text("PT-0020 done — take the totes to packing")  # the server's
    assert sent[online_scans:] == made  # in order, the wrong bin not among them
    assert PickTask.objects.get(pk=built.task.pk).state == PickTask.State.DONE
    assert set(Pick.objects.filter(task=built.task).values_list("state", flat=True)) == {Pick.State.PICKED}
    moves = Move.objects.filter(key__startswith="pick:")
    assert sorted((m.from_location_id, m.quantity) for m in moves) == sorted(
        (stop.bin.pk, stop.quantity) for stop in stops
    )
    assert all(m.to_location.kind == "tote" for m in moves) and PickRecord.objects.count() == 20
    assert ledger_differences() == []
    # Every answer was the one the device had worked out: none had to bring the task again.
    assert carried[carried_online:] == [] and asked == []


def test_a_put_kept_offline_whose_stock_another_picker_took_is_a_conflict_in_words(page, live_server, twenty_lines):
    built, stops, person = twenty_lines
    codes = {code.product_id: code.code for code in ProductBarcode.objects.all()}
    signed_in(page, live_server, person)
    page.goto(f"{live_server.url}/pick/")
    page.get_by_role("button", name="Get work").click()
    for tote in TOTES:
        expect(page.locator(".prompt-do")).to_have_text("Scan a tote for")
        scan(page, tote)
    expect(page.locator(".prompt-do")).to_have_text("Scan bin")

    page.context.set_offline(True)
    for stop in stops[:3]:  # the device says yes to each: it cannot know what happens meanwhile
        scan(page, stop.bin.barcode)
        scan(page, codes[stop.product.pk])
        scan(page, TOTES[ORDERS.index(stop.order)])
    expect(page.locator("#net")).to_have_text("offline · 9 waiting")
    # Meanwhile another picker empties the second stop's bin.
    taken = stops[1]
    other = factories.user("other", roles=["picker"], wh=taken.bin.warehouse)
    elsewhere = factories.storage_bin(taken.bin.warehouse, aisle="Z", bay=1)
    left = Quant.objects.get(location=taken.bin, product=taken.product).quantity
    post(
        [Move(product=taken.product, quantity=left, from_location=taken.bin, to_location=elsewhere, actor=other)],
        key="other",
    )

    page.context.set_offline(False)
    conflict = page.locator(".not-done")
    expect(conflict).to_have_count(1, timeout=30_000)
    expect(conflict).to_contain_text("Not done: T-0002 · Pick")
    expect(conflict).to_contain_text(f"Not enough {taken.product.sku} in {taken.bin.name} (on hand 0)")  # instead
    expect(conflict).to_contain_text("Waiting after it: 3")
    assert PickRecord.objects.count() == 1  # the first stop's put; the scans after the refused one wait
    page.get_by_role("button", name="Seen").click()
    expect(page.locator(".not-done")).to_have_count(0)
    assert Move.objects.filter(key__startswith="pick:", from_location=taken.bin).count() == 0
    assert ledger_differences() == []
