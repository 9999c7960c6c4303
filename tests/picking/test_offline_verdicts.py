"""The server's side of offline picking: the table of tests/picking/offline_cases.py run through
the pick views gives the table's verdicts (the device gives the same in Chromium:
tests/e2e/test_offline_pick_verdicts.py), and the task the device keeps (/pick/offline.json and
the pick page) is the person's own, in their language, agreeing with the screen."""

import gzip
import html
import json
import re
import uuid

import pytest
from django.core.cache import cache

from floor.accounts.models import Profile
from tests import factories
from tests.core.test_page_weight import wire
from tests.picking.offline_cases import CASES, STEPS, TASK, build
from tests.picking.task_factories import Stop, lease, pick_task

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
FEEDBACK = re.compile(
    r'<div id="feedback" class="feedback(?: feedback-(\w+))?"[^>]*data-sound="(\w*)">(.*?)</div>', re.S
)
MARK = re.compile(r'<div id="screen" data-pick="([^"]*)">')
EMBEDDED = re.compile(r'<script id="pick-offline" type="application/json">(.*?)</script>', re.S)


def verdict(response) -> dict:
    """What the screen says of the scan: accepted (no error band), the band, the words, the sound."""
    kind, sound, inner = FEEDBACK.search(response.content.decode()).groups()
    words = re.sub(r"<[^>]+>", "", re.sub(r'<span class="icon"[^>]*>.*?</span>', "", inner))
    return {"accept": kind != "error", "kind": kind, "text": html.unescape(words).strip(), "sound": sound}


def step_after(response) -> str:
    mark = html.unescape(MARK.search(response.content.decode()).group(1))
    return mark.split("|")[1] if mark else ""


def send(client, code):
    return client.post("/pick/scan", {"code": code, "key": str(uuid.uuid4()), "device": "test"}, **HX)


def at_step(client, codes, step):
    client.post("/pick/work", {"key": str(uuid.uuid4())}, **HX)
    for code in STEPS[step]:
        assert verdict(send(client, code.format(**codes)))["accept"], (step, code)


@pytest.fixture
def picker(client):
    wh = factories.warehouse()
    codes = build(wh)
    person = factories.user(roles=["picker"], wh=wh)
    client.force_login(person)
    return client, codes, person


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_the_server_gives_the_tables_verdict(picker, case):
    client, codes, _person = picker
    at_step(client, codes, case["step"])

    response = send(client, case["scan"].format(**codes))

    expected = {key: case[key] for key in ("accept", "kind", "text", "sound")}
    assert verdict(response) == expected
    assert step_after(response) == case["then"]


def test_the_page_carries_the_task_the_device_keeps_and_the_json_gives_it_again(picker):
    client, codes, _person = picker
    at_step(client, codes, "milk item")

    page = client.get("/pick/").content.decode()
    kept = json.loads(html.unescape(EMBEDDED.search(page).group(1)))
    asked = client.get("/pick/offline.json")

    assert asked["Cache-Control"].startswith("max-age=0") and "no-store" in asked["Cache-Control"]
    assert asked.json() == kept
    # Where the picker is: the screen's own mark; the stops still open, in walking order.
    assert kept["mark"] == html.unescape(MARK.search(page).group(1)) == f"{TASK}|item|{kept['stop']}|||1|3|3"
    assert [(stop["bin"], kept["items"][stop["item"]]["sku"], stop["left"], stop["lot"]) for stop in kept["stops"]] == [
        ("A-01-01", "MILK", "3", "L-SOON"),
        ("B-01-01", "NUT", "4", None),
    ]
    assert kept["stops"][0]["code"] == codes["A1"] and kept["more"] is False
    nut = next(item for item in kept["items"].values() if item["sku"] == "NUT")
    assert nut["codes"] == {codes["NUT"].zfill(14): "1", "CASE-NUT-2.5": "2.5", "CASE-NUT-6": "6"}
    assert sorted((order["ref"], order["tote"]) for order in kept["orders"].values()) == [
        ("OUT/1", "T-0001"),
        ("OUT/2", "T-0002"),
    ]
    assert kept["finish"] == f"{TASK} done — take the totes to packing: T-0001, T-0002"
    assert kept["words"]["wrong_bin"] == "Wrong bin — expected %(bin)s (scanned %(code)s)"


def test_with_no_pack_step_the_device_knows_how_many_orders_the_end_ships(picker, settings):
    settings.PACKING_STEP = False
    client, codes, _person = picker
    at_step(client, codes, "bin")
    assert client.get("/pick/offline.json").json()["finish"] == f"{TASK} done — 2 orders shipped"


def test_the_device_keeps_no_one_elses_task(client):
    wh = factories.warehouse()
    other = factories.user(roles=["picker"], wh=wh)
    lease(pick_task(wh, [Stop("OUT/1", factories.storage_bin(wh), factories.product(), 1)]), other)
    client.force_login(factories.user(roles=["picker"], wh=wh))

    kept = client.get("/pick/offline.json").json()

    assert kept["task"] is None and kept["mark"] == "" and "stops" not in kept


def test_a_long_task_is_kept_forty_stops_ahead(client):
    wh = factories.warehouse()
    item = factories.product()
    bins = [factories.storage_bin(wh, aisle="C", bay=n) for n in range(1, 46)]
    pick_task(wh, [Stop("OUT/1", b, item, 1) for b in bins])
    client.force_login(factories.user(roles=["picker"], wh=wh))
    client.post("/pick/work", {"key": str(uuid.uuid4())}, **HX)

    kept = client.get("/pick/offline.json").json()

    assert len(kept["stops"]) == 40 and kept["more"] is True and kept["total"] == 45


def test_the_words_are_the_servers_in_the_persons_language(picker):
    client, codes, person = picker
    Profile.objects.filter(user=person).update(language="es")
    cache.clear()  # people are cached
    at_step(client, codes, "bin")
    words = client.get("/pick/offline.json").json()["words"]

    refused = verdict(send(client, codes["B1"]))["text"]

    assert refused == words["wrong_bin"] % {"bin": "A-01-01", "code": "B-01-01"}
    assert refused == "Ubicación incorrecta — se esperaba A-01-01 (escaneado B-01-01)"
    assert words["scan_bin"] == "Escanee la ubicación"


def test_each_answer_says_where_the_picker_is(picker):
    client, codes, _person = picker
    at_step(client, codes, "item")
    response = send(client, codes["BOLT"])
    mark = html.unescape(MARK.search(response.content.decode()).group(1)).split("|")
    assert mark[0] == TASK and mark[1:2] == ["put"] and mark[3:] == ["2", "", "0", "3", "2"]


def test_an_answer_carries_the_task_again_only_where_the_device_expected_another_place(picker):
    client, codes, _person = picker
    at_step(client, codes, "item")
    expected = f"{TASK}|put|{json.loads(client.get('/pick/offline.json').content)['stop']}|2||0|3|2"

    agreed = client.post(
        "/pick/scan",
        {"code": codes["BOLT"], "key": str(uuid.uuid4()), "mark": expected},
        HTTP_ACCEPT_ENCODING="gzip",
        **HX,
    )
    assert html.unescape(MARK.search(agreed.content.decode()).group(1)) == expected
    assert b"pick-task" not in agreed.content
    assert "Content-Encoding" not in agreed  # a scan's answer as it is: it fits in a round trip

    undone = client.post("/pick/undo", {"key": str(uuid.uuid4()), "mark": "?"}, **HX)  # a button: no idea
    carried = re.search(r'<script type="application/json" class="pick-task">(.*?)</script>', undone.content.decode())
    task = json.loads(html.unescape(carried.group(1)))
    assert task["waiting"] == "item" and task["quantity"] is None and len(task["stops"]) == 3
    assert "words" not in task  # the page gave them
    assert b"pick-task" not in send(client, codes["BOLT"]).content  # a client that sends no mark: never


def test_an_answer_that_carries_a_long_task_stays_light(client):
    wh = factories.warehouse()
    items = [factories.product(name=f"Widget, stainless, boxed {n}") for n in range(10)]
    bins = [factories.storage_bin(wh, aisle="D", bay=n) for n in range(1, 41)]
    pick_task(wh, [Stop(f"WH/OUT/{n % 6:05d}", b, items[n % 10], 2) for n, b in enumerate(bins)])
    client.force_login(factories.user(roles=["picker"], wh=wh))
    client.post("/pick/work", {"key": str(uuid.uuid4())}, **HX)

    answer = client.post(
        "/pick/scan", {"code": "T-0001", "key": str(uuid.uuid4()), "mark": "?"}, HTTP_ACCEPT_ENCODING="gzip", **HX
    )

    # Gzipped: more than a scan's answer weighs, its 40 stops alike, and rare.
    assert b"pick-task" in gzip.decompress(answer.content)
    assert wire(answer) <= 6 * 1024, wire(answer)
