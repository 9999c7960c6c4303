"""The table of tests/picking/offline_cases.py through the device's checks (static/js/pick-offline.js)
in Chromium, against the server: the real pick screen at the case's step, with the task it
carries; the network goes, and the case's scan is checked by Floor.offlineCheck as scanner.js
calls it; back online, the server has the same scan (sent from the queue, or, refused on the
device and so not kept, sent again). Where the table gives the device an opinion, it is the
table's and the server's — accepted or refused, the words, the band, the sound — and the device's
screen was where the server's is after it; where it has none, it says null and the scan waits.
After the server's answer the device's copy agrees with the server's."""

import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from floor.accounts.models import Profile
from tests import factories
from tests.e2e.test_scanner_shell import live_socket, without_service_worker  # noqa: F401
from tests.picking.offline_cases import CASES, build
from tests.picking.test_offline_verdicts import at_step

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.e2e, without_service_worker]

# A scan as the wedge sends it (GS1 strings carry a GS the keyboard cannot type): the box's
# value, then Enter. The screen is marked, to know when an answer has replaced it.
SEND = """code => {
  document.getElementById('screen').setAttribute('data-old', '');
  const box = document.querySelector('[data-scan-input]');
  box.value = code;
  box.dispatchEvent(new InputEvent('input', { bubbles: true, data: code }));
  box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', code: 'Enter', bubbles: true, cancelable: true }));
}"""
# What Floor.offlineCheck answers scanner.js, kept for the test.
RECORD_VERDICTS = """() => {
  window.verdicts = [];
  const check = Floor.offlineCheck;
  Floor.offlineCheck = (form, code) => { const verdict = check(form, code); verdicts.push(verdict); return verdict; };
}"""
# The band (drawn by the server, or by scanner.js for the device) and where the screen says the picker is.
SHOWN = """() => {
  const band = document.getElementById('feedback'), kind = /feedback-(\\w+)/.exec(band.className);
  const words = [...band.childNodes].filter(n => !(n.classList && n.classList.contains('icon')));
  return {
    verdict: { accept: !kind || kind[1] !== 'error', kind: kind && kind[1],
               text: words.map(n => n.textContent).join('').trim(), sound: band.getAttribute('data-sound') },
    mark: document.getElementById('screen').getAttribute('data-pick'),
  };
}"""
VERDICT = ("accept", "kind", "text", "sound")


def signed_in(page, live_server, person) -> Client:
    """`person` signed in on the page (their session's cookie) and on a test client of the same
    session, without the badge and PIN walk that tests/e2e/test_scanner_shell.py proves."""
    client = Client()
    client.force_login(person)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    return client


@pytest.fixture
def on_the_floor(page, live_server):
    """The table's situation, and a picker signed in."""
    wh = factories.warehouse()
    codes = build(wh)
    person = factories.user(roles=["picker"], wh=wh)
    return signed_in(page, live_server, person), codes, person


def device_and_server(page, live_server, code) -> tuple[dict | None, dict, dict]:
    """At the screen as loaded: the device's verdict on `code` made offline, what its screen
    showed then, and the server's screen after the same scan."""
    page.goto(f"{live_server.url}/pick/")
    page.wait_for_function("window.Floor && Floor.pickOffline && Floor.pickOffline.mark() !== null")
    page.evaluate(RECORD_VERDICTS)
    page.context.set_offline(True)
    page.wait_for_function("!navigator.onLine")
    page.evaluate(SEND, code)
    page.wait_for_function("verdicts.length === 1")
    verdict, device = page.evaluate("verdicts[0]"), page.evaluate(SHOWN)
    page.context.set_offline(False)
    if verdict is not None and not verdict["accept"]:  # refused on the device, not kept: sent now
        page.wait_for_function("navigator.onLine")
        page.wait_for_timeout(350)  # not one trigger read twice
        page.evaluate(SEND, code)
    page.wait_for_selector("#screen:not([data-old])", state="attached")
    server = page.evaluate(SHOWN)
    # The device's copy follows the server again: what it worked out, or the task the answer brought.
    page.wait_for_function("mark => Floor.pickOffline.mark() === mark", arg=server["mark"])
    return verdict, device, server


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_the_device_gives_the_servers_verdict(page, live_server, on_the_floor, case):
    client, codes, _person = on_the_floor
    at_step(client, codes, case["step"])

    verdict, device, server = device_and_server(page, live_server, case["scan"].format(**codes))

    table = {key: case[key] for key in VERDICT}
    assert server["verdict"] == table
    assert (server["mark"].split("|")[1] if server["mark"] else "") == case["then"]
    if case["device"] == "same":
        assert verdict == table
        assert device == server  # the band as the server draws it, the prompt where the server's is
    else:
        assert verdict is None
        assert device["verdict"]["text"] == "Offline — kept, will be checked when back online"


SPANISH = [
    "wrong bin",
    "a tote at the bin step",
    "right item",
    "wrong item",
    "fewer than is left, by a case code",
    "more than is left, by a case code",
    "an item by lot, its lot still to scan",
    "right tote",
    "wrong tote",
    "the item again at the tote step",
    "a put that leaves some at the stop",
    "the last put of the task",
    "skip",
    "undo the step under way",
    "a bin for a tote",
    "qty at the bin step",
]


@pytest.mark.parametrize("name", SPANISH)
def test_in_spanish_the_device_says_the_servers_words(page, live_server, on_the_floor, name):
    client, codes, person = on_the_floor
    Profile.objects.filter(user=person).update(language="es")
    cache.clear()  # people are cached
    case = next(case for case in CASES if case["name"] == name)
    at_step(client, codes, case["step"])

    verdict, device, server = device_and_server(page, live_server, case["scan"].format(**codes))

    assert page.evaluate("document.documentElement.lang") == "es"
    assert verdict == server["verdict"] and device == server
