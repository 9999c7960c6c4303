"""The scanner shell on the production server (`python -m floor.serve`, uvicorn with websockets),
in Chromium under the Content-Security-Policy it sends: the live connection opens and answers, the
service worker takes the page and the web app manifest loads. The other walks run on Django's live
server, which speaks no websocket (they stand one in)."""

import socket

import pytest
from playwright.sync_api import expect

from tests.e2e.served import floor_serve
from tests.e2e.test_scanner_shell import BADGE, PIN, scan

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not hasattr(socket, "SO_REUSEPORT"), reason="floor.serve needs SO_REUSEPORT (Linux)"),
]


@pytest.fixture
def served(tmp_path):
    # DEBUG: static files from the finders, without a collectstatic into the shared staticfiles/.
    with floor_serve(tmp_path / "served.sqlite3", DEBUG="1") as address:
        yield address


PING = """() => new Promise((answered, failed) => {
  const ws = new WebSocket(`ws://${location.host}/ws/floor/`);
  ws.onopen = () => ws.send('{"type": "ping"}');
  ws.onmessage = (e) => { answered(e.data); ws.close(); };
  ws.onerror = () => failed(new Error('the websocket did not open'));
  setTimeout(() => failed(new Error('no answer to ping')), 10000);
})"""


def test_the_live_connection_service_worker_and_manifest_work_within_the_policy(page, served):
    page.goto(f"{served}/accounts/login/")
    assert "connect-src 'self'" in page.request.get(f"{served}/accounts/login/").headers["content-security-policy"]
    expect(page.locator("#badge")).to_be_focused()
    scan(page, BADGE)
    expect(page.locator("#pin")).to_be_focused()
    page.keyboard.type(PIN)
    with page.expect_websocket() as scanner_socket:  # scanner.js's, on the home page
        page.keyboard.press("Enter")
    expect(page).to_have_url(f"{served}/")

    # connect-src 'self' lets a page reach ws: of its own origin: scanner.js's socket and one more.
    assert scanner_socket.value.url == f"ws://{served.removeprefix('http://')}/ws/floor/"
    assert page.evaluate(PING) == '{"type": "pong"}'
    assert not scanner_socket.value.is_closed()
    expect(page.locator("#net")).to_have_attribute("data-state", "online")

    page.wait_for_function("navigator.serviceWorker.controller !== null")
    manifest = page.context.new_cdp_session(page).send("Page.getAppManifest")
    assert manifest["url"] == f"{served}/manifest.webmanifest"
    assert manifest["errors"] == [] and '"name": "Floor"' in manifest["data"]
