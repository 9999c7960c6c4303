"""The shell offline as production serves it: hashed static names from collectstatic's manifest,
brotli on the wire, and the service worker caching those names, so that a page opened without a
network is the offline page in the app's own styles, and a screen opened before is its saved copy
(a gzipped page, kept as the browser read it) with the hashed script and styles it links."""

import socket
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.served import floor_serve
from tests.e2e.test_scanner_shell import BADGE, PIN, eventually, scan

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not hasattr(socket, "SO_REUSEPORT"), reason="floor.serve needs SO_REUSEPORT (Linux)"),
]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def deployed(tmp_path, collected_static):
    """`python -m floor.serve` without DEBUG, on collectstatic's files, as the Procfile runs it."""
    with floor_serve(
        tmp_path / "deployed.sqlite3", DEBUG="0", SECRET_KEY="floor-e2e-deployed", STATIC_ROOT=str(collected_static)
    ) as address:
        yield address


def test_offline_a_page_is_the_styled_offline_page_from_the_hashed_shell(page, deployed):
    page.goto(f"{deployed}/accounts/login/")
    expect(page.locator("#badge")).to_be_focused()
    scan(page, BADGE)
    expect(page.locator("#pin")).to_be_focused()
    page.keyboard.type(PIN)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{deployed}/")

    stylesheet = page.locator("link[rel=stylesheet]").first.get_attribute("href")
    script = page.locator("script[src*='scanner']").get_attribute("src")
    assert stylesheet.startswith("/static/css/floor.") and stylesheet != "/static/css/floor.css"
    served = page.request.get(f"{deployed}{script}", headers={"Accept-Encoding": "br, gzip"})
    assert served.headers["content-encoding"] == "br"
    assert "immutable" in served.headers["cache-control"]

    page.wait_for_function("navigator.serviceWorker.controller !== null")
    eventually(
        page,
        """([stylesheet, script]) => caches.keys()
          .then(names => names.filter(n => /^floor-shell-[0-9a-f]{12}$/.test(n)))
          .then(names => names.length === 1 && caches.open(names[0])
            .then(c => Promise.all([c.match('/__floor-offline'), c.match(stylesheet), c.match(script)]))
            .then(hits => hits.every(Boolean)))""",
        arg=[stylesheet, script],
    )
    page.goto(f"{deployed}/")  # the work list, now through the worker, which keeps its copy
    eventually(
        page,
        """() => caches.keys().then(names => names.find(n => n.endsWith('-screens')))
          .then(name => name && caches.open(name).then(c => c.match('/', {ignoreVary: true})).then(Boolean))""",
    )

    page.context.set_offline(True)
    page.goto(f"{deployed}/scan/lookup/")

    expect(page.locator("main")).to_contain_text("Offline — scans wait until the network is back")
    expect(page.locator(".bar")).to_have_css("background-color", "rgb(11, 61, 145)")  # the cached, hashed stylesheet

    page.goto(f"{deployed}/")
    expect(page.locator("[data-saved-copy]")).to_contain_text("Saved copy of this screen")
    expect(page.locator("[data-scan-input]")).to_be_focused()  # its hashed scanner script runs, from the cache
    expect(page.locator(".bar")).to_have_css("background-color", "rgb(11, 61, 145)")
