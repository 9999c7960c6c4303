"""The service worker (/sw.js, floor/views.py) as production serves it: it caches the hashed names
the pages link, a deploy that renames a file is a new worker with a cache of its own, and the scan
screens it keeps a copy of are the flows' own, each page saying whom it was made for.
(How it behaves in a browser: tests/e2e/test_offline_screens.py.)"""

import json
import re
import shutil

import pytest
from django.urls import resolve

from tests import factories
from tests.core.test_page_weight import HASHED, fetch, linked, shell_in, text

pytestmark = pytest.mark.django_db

VERSION = re.compile(r"const VERSION = '(floor-shell-[0-9a-f]{12})';")
SCREENS = re.compile(r"const SCREENS = (\[.*?\]);")
# Each flow's screen and the work list: the pages a person opens to work, and offline finds again.
FLOW_SCREENS = {
    "home",
    "picking:pick",
    "receiving:receive",
    "putaway:putaway",
    "transfers:move",
    "packing:pack",
    "counting:count",
    "returns:inspect",
}


def test_the_worker_caches_the_names_the_pages_link(client, production_static):
    static, other = linked(text(fetch(client, "/accounts/login/")))
    assert "/sw.js" in other
    shell = shell_in(text(fetch(client, "/sw.js")))

    # The offline page takes the first (the stylesheet): it must be the one the pages link.
    assert shell[0].endswith(".css") and shell[0] in static
    for url in static:
        if url.endswith((".js", ".css")):
            assert url in shell, f"{url} is not in the worker's shell: the offline page would miss it"
    for url in shell:
        assert HASHED.search(url), url
        assert fetch(client, url).status_code == 200, url


def test_a_deploy_that_renames_a_file_is_a_new_worker_with_a_cache_of_its_own(
    client, production_static, settings, tmp_path
):
    before = text(fetch(client, "/sw.js"))

    # The next deploy's collectstatic, with floor.css changed: a new hash in its name.
    deployed = tmp_path / "staticfiles"
    shutil.copytree(production_static, deployed)
    manifest = json.loads((deployed / "staticfiles.json").read_text())
    old = manifest["paths"]["css/floor.css"]
    new = manifest["paths"]["css/floor.css"] = "css/floor.0123456789ab.css"
    (deployed / "staticfiles.json").write_text(json.dumps(manifest))
    settings.STATIC_ROOT = deployed
    after = text(fetch(client, "/sw.js"))

    assert f"/static/{old}" in shell_in(before) and f"/static/{new}" in shell_in(after)
    assert f"/static/{old}" not in after
    assert VERSION.search(before).group(1) != VERSION.search(after).group(1)


def test_an_unchanged_worker_is_answered_not_modified(client, production_static):
    first = fetch(client, "/sw.js")
    again = client.get("/sw.js", HTTP_ACCEPT_ENCODING="br, gzip", HTTP_IF_NONE_MATCH=first["ETag"])
    assert first.status_code == 200 and first["Content-Encoding"] == "gzip"
    assert again.status_code == 304 and again.content == b""
    assert again["Service-Worker-Allowed"] == "/"


def test_the_screens_the_worker_keeps_are_each_flows_screen_and_the_work_list(client):
    supervisor = factories.user(roles=["supervisor"], wh=factories.warehouse())  # may open every flow
    client.force_login(supervisor)
    screens = json.loads(SCREENS.search(text(client.get("/sw.js"))).group(1).replace("'", '"'))

    assert {resolve(path).view_name for path in screens} == FLOW_SCREENS
    for path in screens:
        page = client.get(path)
        # What the worker keeps: a 200 for the person, that the server does not forbid it to store.
        assert page.status_code == 200, path
        assert page["Floor-Person"] == str(supervisor.pk), path
        assert "no-store" not in page.get("Cache-Control", ""), path


def test_a_page_says_whom_it_was_made_for_and_a_scan_answer_says_nothing_more(client):
    assert client.get("/accounts/login/")["Floor-Person"] == "none"  # signed out: no one's copies stay

    person = factories.user(roles=["receiver"], wh=factories.warehouse())
    client.force_login(person)
    assert client.get("/move/")["Floor-Person"] == str(person.pk)
    scanned = client.post("/move/scan", {"code": "NOTHING", "key": "k-1"}, headers={"HX-Request": "true"})
    assert "Floor-Person" not in scanned
