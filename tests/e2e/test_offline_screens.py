"""The scan screens without a network, on a handheld that people share: a flow opened before is its
saved copy, marked as such, one never opened is the offline page, the next person to sign in never
sees the last one's screens, and a new release takes the old one's copies with it
(static/js/sw.js)."""

import os
import re
import shutil

import pytest
from playwright.sync_api import expect

import floor.views
from floor.accounts.services import enrol
from floor.picking import views as picking_views
from floor.warehouse.services import create_warehouse
from tests.e2e.test_scanner_shell import eventually, live_socket, scan  # noqa: F401

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = pytest.mark.e2e

ANA = {"badge": "BDG-0101", "pin": "1111", "first_name": "Ana", "last_name": "Ruiz"}
BEN = {"badge": "BDG-0202", "pin": "2222", "first_name": "Ben", "last_name": "Ode", "language": "es"}
OFFLINE_WORDS = "Offline — scans wait until the network is back"
OFFLINE_WORDS_ES = "Sin conexión — los escaneos esperan a que vuelva la red"

# The worker's caches by their names: the release's shell, and the screens kept beside it.
CACHES = "caches.keys().then(names => names.filter(n => n.startsWith('floor-')).sort())"
# Whether the release's screens cache holds a copy of `path` (any person's).
KEPT = """path => caches.keys()
  .then(names => names.find(n => /^floor-shell-[0-9a-f]{12}-screens$/.test(n)))
  .then(name => name ? caches.open(name).then(c => c.match(path, {ignoreVary: true})).then(Boolean) : false)"""


@pytest.fixture
def people(live_server):
    warehouse = create_warehouse(code="WH", name="Main")
    return {
        name: enrol(username=name, roles=["picker"], password="floor-demo", warehouse=warehouse, **who)
        for name, who in (("ana", ANA), ("ben", BEN))
    }


def sign_in(page, live_server, who):
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("#badge")).to_be_focused()
    scan(page, who["badge"])
    expect(page.locator("#pin")).to_be_focused()
    page.keyboard.type(who["pin"])
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/")
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def open_online(page, live_server, path):
    """A screen opened with the network, once the worker has kept its copy."""
    page.goto(f"{live_server.url}{path}")
    eventually(page, KEPT, path)


def shows_the_offline_page(page, words=OFFLINE_WORDS):
    expect(page.locator("main")).to_contain_text(words)
    expect(page.locator(".bar-user")).to_have_count(0)
    expect(page.locator("[data-saved-copy]")).to_have_count(0)


def test_offline_a_flow_opened_before_is_its_saved_copy_and_one_never_opened_the_offline_page(
    page, live_server, people
):
    sign_in(page, live_server, ANA)
    open_online(page, live_server, "/pick/")

    page.context.set_offline(True)
    page.goto(f"{live_server.url}/pick/")

    expect(page.locator(".prompt-do")).to_have_text("Get work")
    expect(page.locator("[data-saved-copy]")).to_have_text("⚠ Saved copy of this screen — no network")
    expect(page.locator("#net")).to_have_attribute("data-state", "offline")
    expect(page.locator(".bar-user")).to_have_text("AR")
    expect(page.locator(".bar")).to_have_css("background-color", "rgb(11, 61, 145)")  # the cached stylesheet

    page.goto(f"{live_server.url}/receive/")
    shows_the_offline_page(page)

    # Back with the network: the offline page tries again by itself, and the screen is the
    # server's again, without the mark.
    with page.expect_navigation():
        page.context.set_offline(False)
    page.goto(f"{live_server.url}/pick/")
    expect(page.locator(".prompt-do")).to_have_text("Get work")
    expect(page.locator("[data-saved-copy]")).to_have_count(0)


def test_the_next_person_to_sign_in_never_sees_the_last_ones_screens(page, live_server, people):
    sign_in(page, live_server, ANA)
    open_online(page, live_server, "/pick/")
    open_online(page, live_server, "/")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    # Signed out: nothing of Ana's is kept, even before anyone else signs in.
    eventually(page, f"() => ({KEPT})('/pick/').then(kept => !kept)")
    page.context.set_offline(True)
    page.goto(f"{live_server.url}/pick/")
    shows_the_offline_page(page)
    with page.expect_navigation():  # the offline page tries again when the network is back
        page.context.set_offline(False)

    sign_in(page, live_server, BEN)
    eventually(page, KEPT, "/")  # Ben's work list, as he signed in
    page.context.set_offline(True)

    page.goto(f"{live_server.url}/pick/")  # Ana's screen, never Ben's
    shows_the_offline_page(page, OFFLINE_WORDS_ES)
    page.goto(f"{live_server.url}/")  # Ben's own copy, in his words
    expect(page.locator("[data-saved-copy]")).to_have_text("⚠ Copia guardada de esta pantalla — sin red")
    expect(page.locator(".bar-user")).to_have_text("BO")


def test_a_screen_the_server_says_not_to_store_is_not_kept_and_its_old_copy_goes(
    page, live_server, people, monkeypatch
):
    sign_in(page, live_server, ANA)
    open_online(page, live_server, "/pick/")

    def not_to_store(request, *args, **kwargs):
        answer = screen(request, *args, **kwargs)
        answer["Cache-Control"] = "no-store"
        return answer

    screen = picking_views._screen
    monkeypatch.setattr(picking_views, "_screen", not_to_store)
    page.goto(f"{live_server.url}/pick/")
    eventually(page, f"() => ({KEPT})('/pick/').then(kept => !kept)")

    page.context.set_offline(True)
    page.goto(f"{live_server.url}/pick/")
    shows_the_offline_page(page)


def test_what_a_page_lists_for_offline_is_kept_and_answered_without_a_network(page, live_server, people, monkeypatch):
    def listing(request, *args, **kwargs):
        answer = screen(request, *args, **kwargs)
        answer.content = answer.content.replace(b'<main id="main">', b'<main id="main" data-offline-cache="lines">')
        return answer

    screen = picking_views._screen
    monkeypatch.setattr(picking_views, "_screen", listing)
    sign_in(page, live_server, ANA)
    page.goto(f"{live_server.url}/pick/")
    eventually(page, KEPT, "/pick/lines")  # fetched by the worker as the page loaded
    online = page.evaluate("fetch('/pick/lines').then(r => r.text())")

    page.context.set_offline(True)

    assert page.evaluate("fetch('/pick/lines').then(r => r.text())") == online
    not_listed = "fetch('/scan/lookup/').then(r => 'answered ' + r.status, () => 'no network')"
    assert page.evaluate(not_listed) == "no network"


def test_a_new_release_drops_the_old_releases_shell_and_screens(page, live_server, people, monkeypatch, tmp_path):
    sign_in(page, live_server, ANA)
    open_online(page, live_server, "/pick/")
    before = page.evaluate(CACHES)
    assert len(before) == 2 and before[1] == f"{before[0]}-screens"

    # The next release's worker: its source changed, so its version (floor/views.py) is new.
    released = tmp_path / "sw.js"
    shutil.copy(floor.views.finders.find("js/sw.js"), released)
    released.write_text(released.read_text() + "\n// the next release\n")
    find = floor.views.finders.find

    def finds_the_release(path, *args, **kwargs):
        return released if path == "js/sw.js" else find(path, *args, **kwargs)

    monkeypatch.setattr(floor.views.finders, "find", finds_the_release)
    page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")

    eventually(page, f"() => {CACHES}.then(names => !names.includes({before[0]!r}))")
    after = page.evaluate(CACHES)
    assert before[0] not in after and before[1] not in after
    assert all(name.startswith("floor-shell-") for name in after)

    # Ana's copy went with the old release: offline, /pick/ is the offline page until opened again.
    page.context.set_offline(True)
    page.goto(f"{live_server.url}/pick/")
    shows_the_offline_page(page)
