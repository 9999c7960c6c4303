"""Scans made out of range (issue 27): kept on the device, in IndexedDB, before they are sent;
still there when the page is closed and opened again; sent once each, in order, when the network
is back; a scan the server now refuses shown as a conflict in words, the scans after it on the
same screen waiting until the person has seen it. Chromium at 360×640 with the context offline."""

import os
import re
import time
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from floor.ledger.models import Move, Quant
from floor.ledger.services import post
from floor.receiving.models import Receipt, ReceiptLine
from floor.scanning.models import ScanLog
from tests import factories
from tests.e2e.test_scanner_shell import (  # noqa: F401
    PIN,
    RECORD_SOUNDS,
    flow,
    live_socket,
    no_horizontal_scroll,
    picker,
    scan,
    sign_in,
    without_service_worker,
)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = pytest.mark.e2e

BOLT = "4006381333931"
KEPT_WORDS = "Offline — kept, will be checked when back online"

# What the device keeps, read as the page keeps it (scanner.js: database 'floor', store 'scans').
KEPT = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open('floor', 1);
  open.onupgradeneeded = () => open.result.createObjectStore('scans', { keyPath: 'seq', autoIncrement: true });
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const all = open.result.transaction('scans').objectStore('scans').getAll();
    all.onsuccess = () => { open.result.close(); resolve(all.result); };
  };
})"""
# The same scans put back, as a device that lost its answers would send them again.
PUT_BACK = """records => new Promise((resolve, reject) => {
  const open = indexedDB.open('floor', 1);
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const t = open.result.transaction('scans', 'readwrite');
    for (const r of records) { const copy = { ...r }; delete copy.seq; t.objectStore('scans').add(copy); }
    t.oncomplete = () => { open.result.close(); resolve(); };
  };
})"""


def kept(page) -> list[dict]:
    return page.evaluate(KEPT)


def kept_codes(page) -> list[str]:
    return [record["values"]["code"] for record in kept(page)]


def until(condition, timeout=5):
    """Asked again for a moment: what the page does next, it does on its own time."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "not within the time"
        time.sleep(0.1)


def on_hand(location, product) -> Decimal:
    return sum((q.quantity for q in Quant.objects.filter(location=location, product=product)), Decimal(0))


@pytest.fixture
def stocked(live_server):
    wh = factories.warehouse()
    a, b, c = (factories.storage_bin(wh, aisle=aisle) for aisle in "ABC")
    item = factories.product(gtin=BOLT, sku="BOLT", name="Hex bolt M8")
    factories.stock(a, item, 5)
    receipt = Receipt.objects.create(warehouse=wh, reference="WH/IN/00090", vendor="Acme")
    ReceiptLine.objects.create(receipt=receipt, product=item, expected=6)
    person = factories.user("mover", roles=["picker", "receiver"], wh=wh, badge="BDG-0002", pin=PIN)
    return a, b, c, item, person


@pytest.fixture
def stand_in(request, live_server):
    """The home page with a stand-in flow's scan form (tests/e2e/test_scanner_shell.py): the
    scans its server got."""
    return request.getfixturevalue("flow")


def open_move(page, live_server):
    page.goto(f"{live_server.url}/move/")
    expect(page.locator(".prompt-do")).to_have_text("Scan the bin to take from")


def test_scans_kept_offline_outlive_the_page_and_are_posted_once_in_order(page, live_server, stocked):
    a, b, c, item, person = stocked
    context = page.context
    page.clock.install()
    page.add_init_script(RECORD_SOUNDS)
    sign_in(page, live_server)
    open_move(page, live_server)

    context.set_offline(True)
    scan(page, a.barcode)
    scan(page, BOLT)
    page.wait_for_timeout(350)  # past the double-read window: a second unit
    scan(page, BOLT)
    scan(page, b.barcode)

    net = page.locator("#net")
    expect(net).to_have_text("offline · 4 waiting")
    expect(page.locator("#feedback.feedback-warning")).to_contain_text(KEPT_WORDS)
    assert page.evaluate("sounds") == ["warning"] * 4
    # The prompt does not pretend: the server has not checked anything yet.
    expect(page.locator(".prompt-do")).to_have_text("Scan the bin to take from")
    records = kept(page)
    assert [r["values"]["code"] for r in records] == [a.barcode, BOLT, BOLT, b.barcode]
    assert {r["path"] for r in records} == {"/move/"} and {r["user"] for r in records} == {str(person.pk)}
    assert len({r["key"] for r in records}) == 4 and all(r["values"]["key"] == r["key"] for r in records)
    assert ScanLog.objects.count() == 0 and Move.objects.count() == 1  # the opening stock only

    page.clock.fast_forward("04:10")
    expect(net).to_have_text("offline · 4 waiting · oldest 4 min")
    no_horizontal_scroll(page)
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.environ["SCREENSHOTS"] + "/offline-kept.png")

    # The tab closed while still offline; the network back, the person opens Floor again.
    page.close()
    context.set_offline(False)
    again = context.new_page()
    open_move(again, live_server)

    expect(again.locator("#feedback.feedback-ok")).to_contain_text(f"Moved 2 × BOLT to {b.name}")
    expect(again.locator("#net")).to_have_text("online")
    assert kept(again) == []
    assert list(ScanLog.objects.order_by("pk").values_list("raw", flat=True)) == [a.barcode, BOLT, BOLT, b.barcode]
    assert list(ScanLog.objects.order_by("pk").values_list("key", flat=True)) == [r["key"] for r in records]
    assert (on_hand(a, item), on_hand(b, item)) == (3, 2)

    # A device that lost the answers sends the same scans again: nothing new is posted.
    again.evaluate(PUT_BACK, records)
    again.reload()
    expect(again.locator(".prompt-do")).to_have_text("Scan the bin to take from")
    expect(again.locator("#feedback.feedback-warning")).to_contain_text("Already counted — that scan was sent twice")
    until(lambda: kept(again) == [])
    assert ScanLog.objects.count() == 4
    assert Move.objects.count() == 2
    assert (on_hand(a, item), on_hand(b, item)) == (3, 2)


def test_scans_kept_offline_wait_through_a_sign_in_and_go_from_whatever_screen_opens(page, live_server, stocked):
    a, b, c, item, person = stocked
    context = page.context
    sign_in(page, live_server)
    open_move(page, live_server)
    context.set_offline(True)
    scan(page, a.barcode)
    scan(page, BOLT)
    expect(page.locator("#net")).to_have_text("offline · 2 waiting")

    # The tab closed, the session gone (signed out, or a shift's end): the scans wait for their person.
    page.close()
    context.clear_cookies()
    context.set_offline(False)
    again = context.new_page()
    again.goto(f"{live_server.url}/move/")
    expect(again).to_have_url(re.compile(r"/accounts/login/"))
    expect(again.locator(".kept-note")).to_have_text(
        "Scans kept on this device: 2 — sent when the person who made them signs in"
    )
    assert ScanLog.objects.count() == 0

    sign_in(again, live_server)  # the work list: sent from there, the words of their answers not swapped in
    expect(again.locator("#feedback.feedback-ok")).to_contain_text("Kept scans sent: 2")
    assert list(ScanLog.objects.order_by("pk").values_list("raw", flat=True)) == [a.barcode, BOLT]
    assert kept(again) == []
    again.goto(f"{live_server.url}/move/")
    expect(again.locator(".prompt-do")).to_have_text("Scan the bin it goes to")
    expect(again.locator(".prompt-what")).to_contain_text("1 × BOLT")


# The page's own 'online' listener kept from hearing the network come back: only Background Sync
# (the browser wakes the service worker, which tells its pages) can start the sending.
DEAF_TO_ONLINE = """
addEventListener('online', e => e.stopImmediatePropagation(), true);
window.told = [];
navigator.serviceWorker.addEventListener('message', e => told.push(e.data.type));
"""


def test_background_sync_tells_the_open_page_to_send_its_kept_scans(page, live_server, stocked):
    a, b, c, item, person = stocked
    page.add_init_script(DEAF_TO_ONLINE)
    sign_in(page, live_server)
    open_move(page, live_server)
    page.wait_for_function("navigator.serviceWorker.controller !== null")

    page.context.set_offline(True)
    scan(page, a.barcode)
    expect(page.locator("#net")).to_have_text("offline · 1 waiting")
    until(lambda: "floor-scans" in page.evaluate("navigator.serviceWorker.ready.then(r => r.sync.getTags())"))
    assert ScanLog.objects.count() == 0

    page.context.set_offline(False)
    expect(page.locator("#feedback.feedback-ok")).to_contain_text(f"From {a.name}")
    assert page.evaluate("told") == ["send-scans"]
    assert list(ScanLog.objects.values_list("raw", flat=True)) == [a.barcode]


def test_a_receive_scan_kept_offline_is_checked_on_reconnect_and_its_answer_shown(page, live_server, stocked):
    a, b, c, item, person = stocked
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/receive/")
    scan(page, "WH/IN/00090")
    expect(page.locator(".prompt-do")).to_have_text("Scan an item")

    page.context.set_offline(True)
    scan(page, BOLT)
    expect(page.locator("#feedback.feedback-warning")).to_contain_text(KEPT_WORDS)
    expect(page.locator("#net")).to_have_text("offline · 1 waiting")
    assert ReceiptLine.objects.get(product=item).received == 0

    page.context.set_offline(False)
    expect(page.locator("#feedback.feedback-ok")).to_contain_text("BOLT")
    expect(page.locator(".touched")).to_contain_text("1 / 6")
    expect(page.locator("#net")).to_have_text("online")
    assert ReceiptLine.objects.get(product=item).received == 1
    assert kept(page) == []


def test_a_kept_scan_the_server_now_refuses_is_a_conflict_and_the_scans_after_it_wait(page, live_server, stocked):
    a, b, c, item, person = stocked
    page.add_init_script(RECORD_SOUNDS)
    sign_in(page, live_server)
    open_move(page, live_server)

    page.context.set_offline(True)
    scan(page, a.barcode)
    scan(page, BOLT)
    scan(page, b.barcode)
    expect(page.locator("#net")).to_have_text("offline · 3 waiting")
    # Meanwhile another person takes all of that stock.
    other = factories.user("other", roles=["picker"], wh=a.warehouse)
    post([Move(product=item, quantity=5, from_location=a, to_location=c, actor=other)], key="someone-else")

    page.context.set_offline(False)
    conflict = page.locator(".not-done")
    expect(conflict).to_have_count(1)
    expect(conflict).to_contain_text(f"Not done: {BOLT} · Move")
    expect(conflict).to_contain_text(f"Only 0 BOLT in {a.name}")  # the server's words: what happened instead
    expect(conflict).to_contain_text("Waiting after it: 1")
    expect(conflict.locator(".not-done-what")).to_contain_text(re.compile(r"\d\d:\d\d"))
    page.wait_for_function("window.sounds.includes('error')")
    no_horizontal_scroll(page)
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.environ["SCREENSHOTS"] + "/offline-conflict.png")
    # The bin scanned after it waits: it builds on the refused scan.
    assert list(ScanLog.objects.values_list("raw", flat=True)) == [a.barcode]
    assert kept_codes(page) == [BOLT, b.barcode]
    [refused] = [r for r in kept(page) if r.get("conflict")]
    assert f"Only 0 BOLT in {a.name}" in refused["conflict"]["text"]

    # Kept over a reload, until seen; another screen's scans go on meanwhile.
    page.goto(f"{live_server.url}/receive/")
    expect(page.locator(".not-done")).to_contain_text(f"Only 0 BOLT in {a.name}")
    scan(page, "WH/IN/00090")
    expect(page.locator(".prompt-do")).to_have_text("Scan an item")
    assert list(ScanLog.objects.order_by("pk").values_list("raw", flat=True)) == [a.barcode, "WH/IN/00090"]

    page.get_by_role("button", name="Seen").click()
    expect(page.locator(".not-done")).to_have_count(0)
    expect(page.locator("#feedback.feedback-ok")).to_contain_text("Kept scans sent: 1")
    assert kept(page) == []
    assert list(ScanLog.objects.order_by("pk").values_list("raw", flat=True)) == [a.barcode, "WH/IN/00090", b.barcode]
    assert Move.objects.count() == 2  # the opening stock and the other person's: nothing moved by the refused scans


@without_service_worker
def test_the_device_keeps_at_most_its_cap_and_says_so_before(page, stand_in):
    page.evaluate("document.body.dataset.queueCap = '6'")
    page.context.set_offline(True)
    for n in range(1, 6):
        scan(page, f"BIN-{n}")
        page.wait_for_timeout(50)
    expect(page.locator("#net")).to_have_text(re.compile(r"^offline · 5 waiting"))
    expect(page.locator("#feedback")).to_contain_text(KEPT_WORDS)
    expect(page.locator("#net")).not_to_have_attribute("data-full", "")

    scan(page, "BIN-6")  # from 90 % of the cap, in words before it is reached
    expect(page.locator("#feedback.feedback-warning")).to_contain_text("6 of 6 scans kept: get back in range")
    expect(page.locator(".kept-note")).to_contain_text("6 of 6 scans kept: get back in range")
    expect(page.locator("#net")).to_have_attribute("data-full", "")

    scan(page, "BIN-7")  # at the cap: refused, said, never dropped in silence
    expect(page.locator("#feedback.feedback-error")).to_contain_text(
        "Not kept — this device holds 6 scans already: get back in range"
    )
    page.wait_for_function("window.sounds[window.sounds.length - 1] === 'error'")
    expect(page.locator("#net")).to_have_text(re.compile(r"^offline · 6 waiting"))
    assert kept_codes(page) == [f"BIN-{n}" for n in range(1, 7)]

    page.context.set_offline(False)
    expect(page.locator("#out")).to_have_text("got BIN-6")
    assert [f["code"] for f in stand_in] == [f"BIN-{n}" for n in range(1, 7)]
    expect(page.locator(".kept-note")).to_have_count(0)


@without_service_worker
def test_another_persons_scans_stay_on_the_device_untouched(page, stand_in):
    theirs = {
        "key": "their-key", "device": "their-device", "user": "999999", "verb": "post", "url": "/test-flow/scan",
        "path": "/", "screen": "Floor", "made": 0,
        "values": {"code": "THEIR-BIN", "key": "their-key", "device": "their-device"},
    }  # fmt: skip
    page.evaluate(PUT_BACK, [theirs])
    page.reload()

    expect(page.locator(".kept-note")).to_have_text(
        "Scans of another person wait on this device: 1 — sent when they sign in"
    )
    page.wait_for_timeout(500)
    assert stand_in == []
    assert kept_codes(page) == ["THEIR-BIN"]


@without_service_worker
def test_offline_a_flows_own_check_refuses_or_accepts_a_scan_on_the_device(page, stand_in):
    page.evaluate(
        """window.Floor.offlineCheck = (form, code) => code === 'WRONG-BIN'
             ? { accept: false, kind: 'error', sound: 'wrong_bin',
                 text: 'Wrong bin — expected A-01 (scanned WRONG-BIN)' }
             : code === 'A-01' ? { accept: true, kind: 'ok', text: 'Scan the item', sound: 'ok' } : null"""
    )
    page.context.set_offline(True)
    scan(page, "WRONG-BIN")
    expect(page.locator("#feedback.feedback-error")).to_contain_text("Wrong bin — expected A-01 (scanned WRONG-BIN)")
    page.wait_for_timeout(350)
    scan(page, "A-01")
    expect(page.locator("#feedback.feedback-ok")).to_contain_text("Scan the item")
    page.wait_for_timeout(350)
    scan(page, "ITEM-9")  # no opinion: kept, checked when back online
    expect(page.locator("#feedback.feedback-warning")).to_contain_text(KEPT_WORDS)
    assert page.evaluate("sounds") == ["wrong_bin", "ok", "warning"]
    assert kept_codes(page) == ["A-01", "ITEM-9"]

    page.context.set_offline(False)
    expect(page.locator("#out")).to_have_text("got ITEM-9")
    assert [f["code"] for f in stand_in] == ["A-01", "ITEM-9"]
