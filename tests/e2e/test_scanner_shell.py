"""The scanner shell as a person with a keyboard-wedge scanner meets it: on a 360×640 Chromium,
scans typed as keystrokes that end in Enter."""

import os
import re
import time
from urllib.parse import parse_qsl

import pytest
from playwright.sync_api import expect

from floor.accounts.services import enrol
from floor.warehouse.services import create_warehouse

# pytest-django's live_server runs in a thread beside sync Playwright's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.e2e

BADGE, PIN = "BDG-0002", "1234"
# Sounds cannot be heard in a test: scanner.js announces each one as a `floor:sound` event.
RECORD_SOUNDS = "window.sounds = []; document.addEventListener('floor:sound', e => window.sounds.push(e.detail));"


@pytest.fixture(autouse=True)
def live_socket(page):
    """The live server speaks no websocket: a stand-in answers /ws/floor/ as the consumer does."""
    sockets = []

    def connect(ws):
        sockets.append(ws)
        ws.on_message(lambda message: ws.send('{"type": "pong"}') if '"ping"' in str(message) else None)

    page.route_web_socket(re.compile(r"/ws/floor/$"), connect)
    return sockets


@pytest.fixture
def picker(live_server):
    warehouse = create_warehouse(code="WH", name="Main")
    return enrol(username="picker", roles=["picker"], password="floor-demo", badge=BADGE, pin=PIN, warehouse=warehouse)


def scan(page, code: str):
    """What a keyboard wedge does: the code's keystrokes, then Enter."""
    page.keyboard.type(code)
    page.keyboard.press("Enter")


def sign_in(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("#badge")).to_be_focused()
    scan(page, BADGE)
    expect(page.locator("#pin")).to_be_focused()
    page.keyboard.type(PIN)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/")


def eventually(page, script: str, arg=None, timeout=10_000):
    """Until `script` (a function of `arg`) is truthy in the page, awaited: wait_for_function takes
    a promise for a truthy value at once, so it cannot wait on caches or the service worker."""
    deadline = time.monotonic() + timeout / 1000
    while not page.evaluate(script, arg):
        assert time.monotonic() < deadline, f"still not so after {timeout} ms: {script}"
        page.wait_for_timeout(100)


def no_horizontal_scroll(page):
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360


IN_VIEW = """el => {
  const box = el.getBoundingClientRect();
  const head = document.querySelector('header.bar'), bar = document.querySelector('.actions');
  const fixed = (it, how) => it && getComputedStyle(it).position === how;
  const top = head && !fixed(head, 'static') ? Math.max(0, head.getBoundingClientRect().bottom) : 0;
  // Above the action bar, unless it is in the bar (its buttons, and a question it asks over it).
  const bottom = bar && !bar.contains(el) && fixed(bar, 'fixed') ? bar.getBoundingClientRect().top : innerHeight;
  const inside = box.height > 0 && box.top >= top - 0.5 && box.bottom <= bottom + 0.5
    && box.left >= -0.5 && box.right <= innerWidth + 0.5;
  const at = [box.left, box.top, box.right, box.bottom].map(Math.round);
  return {inside, at, top: Math.round(top), bottom: Math.round(bottom)};
}"""


def in_view(page, locator, timeout=2_000):
    """What the person must see now is on the screen as it stands, without scrolling: inside the
    viewport, below the header and above the action bar (shared/UX.md: a prompt, and whatever a
    tap opened). Asked again for a moment, as a swap's scroll settles."""
    deadline = time.monotonic() + timeout / 1000
    while True:
        seen = locator.evaluate(IN_VIEW)
        if seen["inside"] or time.monotonic() > deadline:
            break
        page.wait_for_timeout(50)
    assert seen["inside"], f"{locator} out of sight: at {seen['at']}, the screen shows {seen['top']}–{seen['bottom']}"


def test_a_badge_and_pin_typed_like_a_scanner_sign_in_to_a_focused_scan_box(page, live_server, picker):
    sign_in(page, live_server)

    expect(page.locator("[data-scan-input]")).to_be_focused()
    in_view(page, page.locator("[data-scan-input]"))
    expect(page.locator(".bar-user")).to_have_text(picker.profile.initials)
    expect(page.locator("#net")).to_have_attribute("data-state", "online")


def test_an_unknown_badge_is_an_error_in_words_and_sound_and_the_box_stays_ready(page, live_server, picker):
    page.add_init_script(RECORD_SOUNDS)
    page.goto(f"{live_server.url}/accounts/login/")
    scan(page, "BDG-9999")

    expect(page.locator("#feedback.feedback-error")).to_contain_text("Unknown badge")
    expect(page.locator("#feedback .icon")).to_have_text("✖")
    page.wait_for_function("window.sounds.includes('error')")
    expect(page.locator("#badge")).to_be_focused()


def test_the_self_test_shows_the_enter_suffix(page, live_server, picker):
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/scan/selftest/")

    scan(page, "A-03-02")

    expect(page.locator("#st-raw")).to_have_text("A-03-02⏎")
    expect(page.locator("#st-suffix").locator("xpath=..")).to_contain_text(re.compile(r"Suffix:\s*yes"))
    expect(page.locator("#st-length")).to_contain_text("7")
    expect(page.locator("#st-aim")).to_have_text("none")
    expect(page.locator("[data-scan-input]")).to_have_value("")


def test_the_self_test_makes_the_gs1_separator_visible(page, live_server, picker):
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/scan/selftest/")

    # As a character (some wedges insert it) ...
    scan(page, "]C10109501101020917\x1d10ABC")
    expect(page.locator("#st-raw")).to_contain_text("␝")
    expect(page.locator("#st-raw")).to_contain_text("10ABC⏎")
    expect(page.locator("#st-aim")).to_contain_text("]C1 — GS1-128")

    # ... and as Ctrl+] (how others send it): scanner.js turns it into the same character.
    page.wait_for_timeout(350)  # past the double-read window
    page.keyboard.type("0109501101020917")
    page.keyboard.press("Control+BracketRight")
    page.keyboard.type("10XYZ")
    page.keyboard.press("Enter")
    expect(page.locator("#st-raw")).to_have_text(re.compile(r"^0109501101020917␝(GS)?10XYZ⏎$"))
    expect(page.locator("#st-keys")).to_contain_text("Ctrl+]")


def test_the_self_test_names_the_framing_the_aim_symbology_and_the_add_on(page, live_server, picker):
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/scan/selftest/")
    expect(page.locator("#st-framing")).to_have_text("—")

    # A Honeywell set to frame each read in STX … ETX, AIM identifiers on, an ISSN with its issue.
    scan(page, "\x02]E09771234567003]E112\x03")
    expect(page.locator("#st-raw")).to_have_text(re.compile(r"^␂(STX)?\]E09771234567003\]E112␃(ETX)?⏎$"))
    expect(page.locator("#st-framing")).to_have_text("STX … ETX")
    expect(page.locator("#st-aim")).to_have_text("]E0 — EAN / UPC")
    expect(page.locator("#st-addon")).to_have_text("12 (2 digits, ]E1)")

    # An autodiscriminating scanner: main and 5-digit add-on as one run of digits, no framing.
    page.wait_for_timeout(350)
    scan(page, "978020113447651000")
    expect(page.locator("#st-framing")).to_have_text("none")
    expect(page.locator("#st-aim")).to_have_text("none")
    expect(page.locator("#st-addon")).to_have_text("51000 (5 digits, after 9780201134476)")

    # A GTIN-14 is no UPC with an add-on; an add-on alone asks for the main barcode.
    page.wait_for_timeout(350)
    scan(page, "14006381333938")
    expect(page.locator("#st-addon")).to_have_text("none")
    page.wait_for_timeout(350)
    scan(page, "]E212345")
    expect(page.locator("#st-addon")).to_have_text("12345 — the add-on alone: scan the main barcode")


def test_the_self_test_can_submit_after_a_pause_for_scanners_without_a_suffix(page, live_server, picker):
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/scan/selftest/")
    expect(page.locator("#st-pause-ms")).to_have_value("60")
    # Longer than the 60 ms default, so that a busy test machine cannot split the scan.
    page.locator("#st-pause-ms").fill("300")
    page.locator("#st-pause").check()
    page.locator("[data-scan-input]").focus()

    page.keyboard.type("NOSUFFIX1")

    expect(page.locator("#st-raw")).to_have_text("NOSUFFIX1")
    expect(page.locator("#st-suffix")).to_contain_text("no")
    assert page.evaluate("localStorage.getItem('floor.pauseMs')") == "300"


def test_the_scan_box_takes_the_focus_back(page, live_server, picker):
    sign_in(page, live_server)
    box = page.locator("[data-scan-input]")

    box.evaluate("el => el.blur()")
    page.locator(".roles").click()
    expect(box).to_be_focused()

    # A scan that starts while something else has the focus still lands in the box.
    page.locator(".card").first.focus()
    page.keyboard.type("A-03")
    expect(box).to_be_focused()
    expect(box).to_have_value("A-03")


def test_the_keyboard_button_lets_a_person_type(page, live_server, picker):
    sign_in(page, live_server)
    box = page.locator("[data-scan-input]")
    expect(box).to_have_attribute("inputmode", "none")

    page.locator("[data-keyboard]").click()

    expect(box).to_have_attribute("inputmode", "text")
    expect(box).to_be_focused()
    expect(page.locator("[data-keyboard]")).to_have_attribute("aria-pressed", "true")


@pytest.mark.parametrize("path", ["/accounts/login/", "/", "/scan/selftest/", "/scan/lookup/?code=NOTHING"])
def test_nothing_is_wider_than_the_screen(page, live_server, picker, path):
    if path != "/accounts/login/":
        sign_in(page, live_server)
    page.goto(f"{live_server.url}{path}")
    no_horizontal_scroll(page)


def test_the_header_follows_the_live_connection(page, live_server, picker, live_socket):
    page.add_init_script("window.events = []; document.addEventListener('floor:event', e => events.push(e.detail));")
    sign_in(page, live_server)
    net = page.locator("#net")
    expect(net).to_have_attribute("data-state", "online")

    live_socket[-1].send('{"type": "task.released", "task": 7}')
    page.wait_for_function("events.length === 1 && events[0].task === 7")

    opened = len(live_socket)
    live_socket[-1].close()
    expect(net).to_have_attribute("data-state", "offline")
    expect(net).to_have_text("offline")

    expect(net).to_have_attribute("data-state", "online", timeout=10_000)  # it reconnects on its own
    assert len(live_socket) == opened + 1


CAMERA_STUB = """
window.BarcodeDetector = class {
  static async getSupportedFormats() { return ['code_128', 'ean_13', 'qr_code']; }
  async detect() { return [{ rawValue: 'CAM-0042', format: 'code_128' }]; }
};
navigator.mediaDevices.getUserMedia = async () => {
  const canvas = Object.assign(document.createElement('canvas'), { width: 64, height: 48 });
  canvas.getContext('2d').fillRect(0, 0, 64, 48);
  return canvas.captureStream(5);
};
"""


def test_the_camera_reads_a_code_like_a_scanner_where_the_browser_can(page, live_server, picker):
    # Desktop Chromium has no BarcodeDetector: a stand-in plays the part of Android's.
    page.add_init_script(CAMERA_STUB)
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/scan/selftest/")

    page.locator("[data-camera]").click()

    expect(page.locator("#st-raw")).to_have_text("CAM-0042")
    expect(page.locator("#st-suffix")).to_contain_text("camera")
    expect(page.locator(".camera")).to_have_count(0)
    expect(page.locator("[data-scan-input]")).to_be_focused()


def test_the_camera_button_stays_hidden_where_the_browser_cannot_read_barcodes(page, live_server, picker):
    page.add_init_script("delete window.BarcodeDetector;")  # a browser without the Shape Detection API
    sign_in(page, live_server)
    assert page.evaluate("!('BarcodeDetector' in window)")
    expect(page.locator("[data-camera]")).to_be_hidden()


def test_without_a_network_a_page_says_scans_wait(page, live_server, picker):
    sign_in(page, live_server)
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    # The worker's cache is named after what it serves (floor/views.py service_worker).
    eventually(
        page,
        "() => caches.keys().then(names => names.filter(n => /^floor-shell-[0-9a-f]{12}$/.test(n)))"
        ".then(names => names.length === 1 && caches.open(names[0]).then(c => Promise.all(["
        "c.match('/__floor-offline'), c.match('/static/css/floor.css'), c.match('/static/django_htmx/htmx-2.min.js')"
        "])).then(hits => hits.every(Boolean)))",
    )

    page.context.set_offline(True)
    page.goto(f"{live_server.url}/scan/lookup/")

    expect(page.locator("main")).to_contain_text("Offline — scans wait until the network is back")
    expect(page.locator(".bar")).to_have_css("background-color", "rgb(11, 61, 145)")  # the cached stylesheet


# An htmx scan form, as the flows have it, answered by a stand-in server so that the shell's
# rules are proven on their own: one scan in flight at a time, in order, a key per scan,
# double reads dropped, and scans kept while offline and sent again with the same key.
FLOW_FORM = """
document.querySelector('[data-scan-form]').remove();  // the home page's own (plain GET) scan form
const form = document.createElement('form');
form.className = 'scan-form'; form.dataset.scanForm = '';
form.setAttribute('hx-post', '/test-flow/scan');
form.setAttribute('hx-target', '#out');
form.setAttribute('hx-swap', 'innerHTML');
form.innerHTML = '<input name="code" class="scan-input" inputmode="none" data-scan-input>'
  + '<input type="hidden" name="task" value="7">';
const out = document.createElement('div'); out.id = 'out';
const undo = document.createElement('button');
undo.type = 'button'; undo.id = 'undo'; undo.textContent = 'Undo';
undo.setAttribute('hx-post', '/test-flow/undo'); undo.setAttribute('hx-target', '#out');
document.querySelector('#main').append(form, out, undo);
htmx.process(undo);
htmx.process(form);
window.inFlight = 0; window.maxInFlight = 0;
document.addEventListener('htmx:beforeRequest', () => { inFlight++; maxInFlight = Math.max(maxInFlight, inFlight); });
document.addEventListener('htmx:afterRequest', () => { inFlight--; });
form.querySelector('input').focus();
"""


TWO_READS = """code => {
  const box = document.querySelector('[data-scan-input]');
  for (const _ of [1, 2]) {
    box.value = code;
    box.dispatchEvent(new InputEvent('input', { bubbles: true, data: code }));
    box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', code: 'Enter', bubbles: true, cancelable: true }));
  }
}"""

# Requests from a page that the service worker controls bypass Playwright's routes.
without_service_worker = pytest.mark.browser_context_args(service_workers="block")


@pytest.fixture
def flow(page, live_server, picker):
    """The home page with a flow's scan form added; returns the list of scans the server got."""
    received = []

    def answer(route):
        if route.request.method != "POST":
            return route.continue_()
        fields = dict(parse_qsl(route.request.post_data))
        received.append(fields)
        time.sleep(0.15)  # a slow network: the next scans must wait their turn
        body = f'<div id="feedback" class="feedback feedback-ok" data-sound="ok">got {fields.get("code", "undo")}</div>'
        route.fulfill(status=200, content_type="text/html", body=body)

    page.add_init_script(RECORD_SOUNDS)
    sign_in(page, live_server)
    page.route("**/test-flow/scan", answer)
    page.route("**/test-flow/undo", answer)
    page.evaluate(FLOW_FORM)
    return received


@without_service_worker
def test_scans_go_one_at_a_time_in_order_each_with_its_own_key(page, flow):
    for code in ("BIN-1", "ITEM-2", "ITEM-3"):
        scan(page, code)

    expect(page.locator("#out")).to_have_text("got ITEM-3")
    assert [f["code"] for f in flow] == ["BIN-1", "ITEM-2", "ITEM-3"]
    assert page.evaluate("maxInFlight") == 1
    assert len({f["key"] for f in flow}) == 3
    assert len({f["device"] for f in flow}) == 1
    assert all(f["task"] == "7" for f in flow)
    assert page.evaluate("sounds") == ["ok", "ok", "ok"]
    expect(page.locator("[data-scan-input]")).to_have_value("")
    expect(page.locator("[data-scan-input]")).to_be_focused()


@without_service_worker
def test_a_double_read_counts_once_and_the_same_code_later_counts_again(page, flow):
    # One trigger read twice: both within a millisecond, whatever the test machine's load.
    page.evaluate(TWO_READS, "ITEM-2")
    expect(page.locator("#out")).to_have_text("got ITEM-2")
    page.wait_for_timeout(400)
    scan(page, "ITEM-2")
    page.wait_for_timeout(400)

    assert [f["code"] for f in flow] == ["ITEM-2", "ITEM-2"]


@without_service_worker
def test_scans_made_offline_wait_and_go_in_order_when_the_network_is_back(page, flow):
    page.context.set_offline(True)
    scan(page, "BIN-1")
    scan(page, "ITEM-2")

    expect(page.locator("#net")).to_have_text("offline · 2 waiting")
    expect(page.locator("#feedback")).to_have_class(re.compile("feedback-warning"))
    assert page.evaluate("sounds") == ["warning", "warning"]
    assert flow == []

    page.context.set_offline(False)

    expect(page.locator("#out")).to_have_text("got ITEM-2")
    expect(page.locator("#net")).to_have_text("online")
    assert [f["code"] for f in flow] == ["BIN-1", "ITEM-2"]


@without_service_worker
def test_a_scan_lost_on_the_way_is_sent_again_with_the_same_key(page, flow):
    dropped = []

    def drop_first(route):
        if not dropped:
            dropped.append(dict(parse_qsl(route.request.post_data)))
            return route.abort("connectionreset")
        return route.fallback()

    page.route("**/test-flow/scan", drop_first)
    scan(page, "BIN-1")

    expect(page.locator("#net")).to_have_attribute("data-state", "offline")
    expect(page.locator("#out")).to_have_text("got BIN-1", timeout=5000)
    assert [f["key"] for f in flow] == [dropped[0]["key"]]
    expect(page.locator("#net")).to_have_text("online")


@without_service_worker
def test_a_double_tap_on_a_button_is_one_tap_and_carries_a_key(page, flow):
    page.locator("#undo").dblclick()
    expect(page.locator("#out")).to_have_text("got undo")
    page.wait_for_timeout(400)
    assert len(flow) == 1

    page.locator("#undo").click()
    page.wait_for_timeout(400)
    assert len(flow) == 2
    assert flow[0]["key"] != flow[1]["key"]
    assert flow[0]["device"] == flow[1]["device"]


# A flow's quantity box beside its scan box, as Move, Pick and Put away have one.
QUANTITY_FORM = """
const form = document.createElement('form');
form.className = 'qty';
form.setAttribute('hx-post', '/test-flow/quantity');
form.setAttribute('hx-target', '#out');
form.innerHTML = '<label for="qty">Quantity</label>'
  + '<input id="qty" name="quantity" type="number" min="1" step="1" value="3">';
document.querySelector('#main').prepend(form);
htmx.process(form);
document.querySelector('[data-scan-input]').focus();
"""


@without_service_worker
def test_a_scan_after_a_typed_quantity_goes_to_the_scan_box(page, flow):
    """Issue 22: after a quantity and Enter the focus stayed in the number box, and the next scan
    typed into it ("Please enter a number"): it was lost."""
    quantities = []

    def take(route):
        quantities.append(dict(parse_qsl(route.request.post_data))["quantity"])
        body = f'<div id="feedback" class="feedback feedback-ok" data-sound="ok">quantity {quantities[-1]}</div>'
        route.fulfill(status=200, content_type="text/html", body=body)

    page.route("**/test-flow/quantity", take)
    page.evaluate(QUANTITY_FORM)
    box, qty = page.locator("[data-scan-input]"), page.locator("#qty")

    # A person types a quantity (a thumb's pace) and Enter: it is taken, and the focus goes back.
    qty.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("12", delay=150)
    page.keyboard.press("Enter")
    expect(page.locator("#out")).to_have_text("quantity 12")
    expect(box).to_be_focused()
    scan(page, "BIN-1")
    expect(page.locator("#out")).to_have_text("got BIN-1")

    # The number box has the focus (tapped) when a scan comes: the scan goes to the scan box, and
    # the box keeps its quantity. A tote's code, then an item's digits (a number of sorts).
    for code in ("T-0001", "4006381333931"):
        page.wait_for_timeout(350)  # past the double-read window
        qty.click()
        scan(page, code)
        expect(page.locator("#out")).to_have_text(f"got {code}")
        expect(qty).to_have_value("12")
        expect(box).to_be_focused()
    assert [f["code"] for f in flow] == ["BIN-1", "T-0001", "4006381333931"]
    assert quantities == ["12"]


LEAVE_BUTTON = """
const leave = document.createElement('button');
leave.type = 'button'; leave.id = 'leave'; leave.className = 'btn'; leave.textContent = 'Leave';
leave.dataset.confirm = 'Leave W-0042-01? What you picked stays picked.';
leave.setAttribute('hx-post', '/test-flow/undo'); leave.setAttribute('hx-target', '#out');
document.querySelector('.actions').append(leave);
htmx.process(leave);
"""


@without_service_worker
def test_a_destructive_button_asks_once_above_the_action_bar(page, flow):
    page.evaluate(LEAVE_BUTTON)
    leave, bar = page.locator("#leave"), page.locator(".confirm-yes")

    leave.click()  # asks: says what it will do, above the action bar; nothing is sent
    expect(bar).to_contain_text("Leave W-0042-01? What you picked stays picked.")
    expect(bar).to_contain_text("Tap here to confirm")
    expect(leave).to_have_class(re.compile("btn-armed"))
    in_view(page, bar)
    box, actions = bar.bounding_box(), page.locator(".actions").bounding_box()
    assert box["height"] >= 48 and box["y"] + box["height"] <= actions["y"] + 1  # a thumb's target, over the bar
    expect(page.locator("[data-scan-input]")).to_be_focused()  # a scan still goes where scans go
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.environ["SCREENSHOTS"] + "/shell-asks-once.png")
    scan(page, "BIN-1")  # the next scan: the question lapses
    expect(page.locator("#out")).to_have_text("got BIN-1")
    expect(bar).to_have_count(0)

    leave.dblclick()  # a gloved double tap is one tap: it asks, it does not answer itself
    expect(bar).to_be_visible()
    page.wait_for_timeout(500)
    assert [f.get("code", "undo") for f in flow] == ["BIN-1"]

    bar.click()  # the second tap
    expect(page.locator("#out")).to_have_text("got undo")
    expect(bar).to_have_count(0)
    leave.click()
    page.wait_for_timeout(500)
    leave.click()  # or on the button itself
    page.wait_for_timeout(500)
    assert [f.get("code", "undo") for f in flow] == ["BIN-1", "undo", "undo"]


def test_a_page_for_another_role_says_why_in_the_apps_layout_and_leads_home(page, live_server, picker):
    sign_in(page, live_server)

    answer = page.goto(f"{live_server.url}/waves/")
    assert answer.status == 403
    expect(page.locator("header.bar")).to_be_visible()
    expect(page.locator(".prompt-do")).to_have_text("Not allowed")
    band = page.locator(".feedback-error")
    expect(band).to_contain_text("This page is for: Supervisor.")
    in_view(page, band)
    home = page.get_by_role("link", name="Work list")
    in_view(page, home)
    no_horizontal_scroll(page)
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.environ["SCREENSHOTS"] + "/shell-403.png")
    home.click()
    expect(page).to_have_url(f"{live_server.url}/")

    answer = page.goto(f"{live_server.url}/no-such-page/")
    assert answer.status == 404
    expect(page.locator(".prompt-do")).to_have_text("Not found")
    in_view(page, page.locator(".feedback-warning"))
    page.get_by_role("link", name="Work list").click()
    expect(page).to_have_url(f"{live_server.url}/")
