"""The floor dashboard live, on the production server (`python -m floor.serve`: uvicorn with
websockets), in Chromium: a pick on a picker's phone (360×640) shows on the supervisor's dashboard
(1280×800) within a second, without a reload, in one process and on Redis with the `live` worker
drawing; an exception dealt with on one dashboard leaves every open dashboard; cut off, a
dashboard says it is stale, and back, it catches up."""

import os
import socket
import subprocess
import sys
import time

import pytest
from playwright.sync_api import expect

from tests import celery_workers
from tests.conftest import cannot_run
from tests.e2e.served import ROOT, floor_serve
from tests.e2e.test_scanner_shell import BADGE, PIN, scan

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not hasattr(socket, "SO_REUSEPORT"), reason="floor.serve needs SO_REUSEPORT (Linux)"),
]

BOLT = "4006381333931"
# Two supervisors of the picker's warehouse, a two-line pick in a released wave, and a push that failed.
SETUP = f"""
from floor.accounts.services import enrol
from floor.odoo.models import Operation
from floor.picking.models import Wave
from floor.warehouse.models import Warehouse
from tests import factories
from tests.picking.task_factories import Stop, pick_task
wh = Warehouse.objects.get(code="WH")
for name, badge in (("boss", "BDG-BOSS"), ("deputy", "BDG-DEPUTY")):
    enrol(username=name, roles=["supervisor"], password="floor-demo", badge=badge, pin="{PIN}", warehouse=wh)
shelf = factories.storage_bin(wh, aisle="A", bay=1)
bolt, nut = factories.product(gtin="{BOLT}", sku="BOLT"), factories.product(sku="NUT")
later = factories.storage_bin(wh, aisle="B", bay=1)
stops = [Stop("WH/OUT/00012", shelf, bolt, 1), Stop("WH/OUT/00012", later, nut, 1)]
built = pick_task(wh, stops, reference="W-LIVE-01")
Wave.objects.filter(pk=built.wave.pk).update(reference="W-LIVE", state=Wave.State.RELEASED)
factories.tote(wh, "T-0001")
Operation.objects.create(kind="delivery", warehouse=wh, reference="FLOOR-OUT-9", document="WH/OUT/00009",
                         state="failed", last_error="Odoo said no")
print(shelf.barcode)
"""


def set_up(database) -> str:
    """The SETUP's floor in `database`; the bin of the pick's first stop."""
    env = {"DATABASE_URL": f"sqlite:///{database}", "ALLOWED_HOSTS": "127.0.0.1"}
    made = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SETUP],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
        capture_output=True,
        text=True,
    )
    return made.stdout.strip().splitlines()[-1]


@pytest.fixture
def served(tmp_path):
    database = tmp_path / "served.sqlite3"
    with floor_serve(database, DEBUG="1") as address:
        yield address, set_up(database)


@pytest.fixture
def served_on_redis(tmp_path, settings):
    """As production runs it on Redis: the web server says the floor's changes, and the Procfile's
    `live` Celery worker draws the dashboards' panels."""
    if not settings.REDIS_URL:
        cannot_run("needs REDIS_URL: the `live` worker takes the drawing through Redis")
    database = tmp_path / "served.sqlite3"
    # The test's own Redis database, named as it is; no parallel test process's offset again.
    redis = {"REDIS_URL": settings.REDIS_URL, "PYTEST_XDIST_WORKER": ""}
    with floor_serve(database, DEBUG="1", FLOOR_SAID_BY_WORKER="1", **redis) as address:
        bin_code = set_up(database)
        with celery_workers.running("live", DATABASE_URL=f"sqlite:///{database}", **redis):
            yield address, bin_code


def sign_in(page, address, badge):
    page.goto(f"{address}/accounts/login/")
    expect(page.locator("#badge")).to_be_focused()
    scan(page, badge)
    expect(page.locator("#pin")).to_be_focused()
    page.keyboard.type(PIN)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{address}/")


def dashboard(browser, address, badge):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    sign_in(page, address, badge)
    page.locator("a[href='/dashboard/']").click()
    expect(page.locator("#net")).to_have_attribute("data-state", "online")
    page.wait_for_function("document.querySelector('[data-dashboard]') !== null")
    return page


def test_a_pick_shows_on_the_dashboard_within_a_second_without_a_reload(page, browser, served):
    boss = picks_and_watches(page, browser, served)
    if os.environ.get("SCREENSHOTS"):
        boss.screenshot(path=os.environ["SCREENSHOTS"] + "/dashboard-desk.png", full_page=True)


def test_on_redis_the_live_worker_draws_what_the_dashboard_shows_within_a_second(page, browser, served_on_redis):
    picks_and_watches(page, browser, served_on_redis)


def picks_and_watches(page, browser, served):
    """A picker puts a line in a tote; the supervisor's dashboard shows it within a second, from
    the panels its websocket message brought, without a reload."""
    address, bin_code = served
    boss = dashboard(browser, address, "BDG-BOSS")
    wave = boss.locator(".waves-against-cutoff tr", has_text="W-LIVE")
    expect(wave).to_contain_text("0 / 2")
    boss.evaluate("window.notReloaded = true")
    asked = []  # the panels come drawn in the websocket's message: the dashboard asks for none
    boss.on("request", lambda request: "/dashboard/panels" in request.url and asked.append(request.url))

    sign_in(page, address, BADGE)
    page.get_by_role("link", name="Pick").click()
    page.get_by_role("button", name="Get work").click()
    expect(page.locator(".prompt-do")).to_have_text("Scan a tote for")
    scan(page, "T-0001")
    expect(page.locator(".prompt-do")).to_have_text("Scan bin")
    scan(page, bin_code)
    scan(page, BOLT)
    expect(page.locator(".prompt-do")).to_have_text("Put in tote")
    page.wait_for_timeout(1100)  # the dashboard's last redraw a second behind: the next one is at once
    scan(page, "T-0001")
    expect(page.locator("#feedback.feedback-ok")).to_contain_text("1 × BOLT in T-0001")
    shown = time.monotonic()
    expect(wave).to_contain_text("1 / 2", timeout=1000)
    assert time.monotonic() - shown < 1.0
    assert boss.evaluate("window.notReloaded") is True
    assert asked == []
    return boss


def test_the_panels_wait_while_a_supervisor_writes_why_they_dismiss(page, browser, served):
    address, _bin = served
    boss = dashboard(browser, address, "BDG-BOSS")
    boss.evaluate("window.heard = 0; document.addEventListener('floor:event', () => window.heard++)")
    failed = boss.locator("[data-exception^='push_failed:']")
    failed.locator("summary", has_text="Dismiss").click()
    failed.get_by_label("Why").fill("Odoo team on it")
    drawn_at = boss.locator(".dashboard-updated").inner_text()

    sign_in(page, address, BADGE)  # the floor moves meanwhile
    page.get_by_role("link", name="Pick").click()
    page.get_by_role("button", name="Get work").click()
    expect(page.locator(".prompt-do")).to_have_text("Scan a tote for")
    scan(page, "T-0001")
    expect(page.locator(".prompt-do")).to_have_text("Scan bin")
    boss.wait_for_function("window.heard > 0")
    boss.wait_for_timeout(1500)  # past the next redraw a message would bring
    expect(failed.get_by_label("Why")).to_have_value("Odoo team on it")
    assert boss.locator(".dashboard-updated").inner_text() == drawn_at

    failed.get_by_label("Why").press("Enter")
    expect(boss.locator("#dashboard-said .feedback-ok")).to_be_visible()
    expect(boss.locator("[data-exception^='push_failed:']")).to_have_count(0)


def test_an_exception_dealt_with_on_one_dashboard_leaves_every_dashboard(browser, served):
    address, _bin = served
    boss, deputy = dashboard(browser, address, "BDG-BOSS"), dashboard(browser, address, "BDG-DEPUTY")
    for page in (boss, deputy):
        expect(page.locator("[data-exception^='push_failed:']")).to_contain_text("WH/OUT/00009")
    boss.locator("[data-exception^='push_failed:']").get_by_role("button", name="Retry").click()
    expect(boss.locator("#dashboard-said .feedback-ok")).to_contain_text("FLOOR-OUT-9 goes to Odoo again")
    expect(boss.locator("[data-exception^='push_failed:']")).to_have_count(0)
    expect(deputy.locator("[data-exception^='push_failed:']")).to_have_count(0, timeout=1500)


def test_a_dashboard_cut_off_says_it_is_stale_and_catches_up_when_back(browser, served):
    address, _bin = served
    boss = dashboard(browser, address, "BDG-BOSS")
    stale = boss.locator("[data-stale]")
    expect(stale).to_be_hidden()
    boss.context.set_offline(True)
    boss.evaluate("window.dispatchEvent(new Event('offline'))")
    expect(stale).to_be_visible()
    expect(stale).to_contain_text("Stale: not connected since")
    boss.context.set_offline(False)
    boss.evaluate("window.dispatchEvent(new Event('online'))")
    expect(stale).to_be_hidden(timeout=15000)
