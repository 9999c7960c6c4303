"""The dashboard on a busy floor within a screen's budget (shared/UX.md: a first load at most 80 KB on
the wire), and the panels a message brings a small part of it as the websocket sends them
(permessage-deflate, which browsers and uvicorn agree on). The figures are printed."""

import json
import zlib

import pytest

from floor.dashboard import drawing
from floor.odoo.models import Operation
from floor.scanning.models import ScanLog
from tests import factories
from tests.core.test_page_weight import KB, fetch, linked, shell_in, text, wire

pytestmark = pytest.mark.django_db

FIRST_LOAD_MAX = 80 * KB
MESSAGE_MAX = 10 * KB


def deflated(message: str) -> int:
    """A websocket message's payload as permessage-deflate sends it (RFC 7692: raw deflate, the
    final empty block's four bytes dropped)."""
    packer = zlib.compressobj(wbits=-15)
    return len(packer.compress(message.encode()) + packer.flush(zlib.Z_SYNC_FLUSH)) - 4


def test_a_busy_floors_dashboard_loads_within_a_screens_budget(client, production_static, capsys):
    wh = factories.warehouse()
    boss = factories.user("boss", roles=["supervisor"], wh=wh)
    for n in range(60):  # more people at work than the panel lists
        person = factories.user(f"picker{n:02d}", roles=["picker"], wh=wh, first_name=f"Picker {n:02d}")
        ScanLog.objects.create(key=f"k-{n}", actor=person, flow="pick", raw="x", outcome="handled")
    for n in range(120):  # more exceptions than the stream shows
        Operation.objects.create(
            kind=Operation.Kind.DELIVERY,
            warehouse=wh,
            reference=f"FLOOR-OUT-{n}",
            document=f"WH/OUT/{n:05d}",
            state=Operation.State.FAILED,
            last_error="Odoo refused the move: the location WH/Stock/A-01-01 is archived " * 3,
        )
    client.force_login(boss)

    page = fetch(client, "/dashboard/")
    html = text(page)
    assert html.count("data-exception=") == 100 and "Picker 39" in html
    sizes = {"/dashboard/": wire(page)}
    static, other = linked(html)
    for url in static + other:
        response = fetch(client, url)
        assert response.status_code == 200, url
        sizes[url] = wire(response)
    for url in shell_in(text(fetch(client, "/sw.js"))):
        sizes.setdefault(url, wire(fetch(client, url)))
    first_load = sum(sizes.values())

    panels = drawing.panels(wh, "en", since=0)
    message = json.dumps({"type": "changed", "document": f"floor:{wh.pk}", "by": None, "at": 0, "panels": panels})
    with capsys.disabled():
        print(
            f"\npage weight, dashboard (60 people, 120 exceptions): first load {first_load / KB:.1f} KB"
            f" (page {sizes['/dashboard/'] / KB:.1f}, {len(sizes)} files); a message with the panels"
            f" {len(message) / KB:.1f} KB, {deflated(message) / KB:.1f} KB deflated"
        )
    assert first_load <= FIRST_LOAD_MAX, sizes
    assert deflated(message) <= MESSAGE_MAX
