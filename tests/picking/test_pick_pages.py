"""The picker's pages: who may open them, and what they weigh on the wire."""

import re
import uuid

import pytest

from floor.warehouse.models import Product
from tests import factories
from tests.picking.task_factories import Stop, pick_task

pytestmark = pytest.mark.django_db

BOLT = "4006381333931"
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def wh():
    return factories.warehouse()


@pytest.fixture
def picker(client, wh):
    client.force_login(factories.user(roles=["picker"], wh=wh))
    return client


def _post(client, url, **data):
    return client.post(url, {"key": str(uuid.uuid4()), "device": "t", **data}, **HX)


def test_signing_in_comes_first(client):
    response = client.get("/pick/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_only_pickers_and_supervisors_may_pick(client, wh):
    client.force_login(factories.user(roles=["receiver"], wh=wh))
    assert client.get("/pick/").status_code == 403
    assert client.post("/pick/work").status_code == 403
    client.force_login(factories.user(roles=["supervisor"], wh=wh))
    assert client.get("/pick/").status_code == 200


def test_a_picker_with_no_warehouse_is_told_so(client):
    client.force_login(factories.user(roles=["picker"], wh=None))
    assert "Your account has no warehouse" in client.get("/pick/").content.decode()
    assert "Your account has no warehouse" in _post(client, "/pick/work").content.decode()
    assert "Your account has no warehouse" in _post(client, "/pick/scan", code="CMD-DONE").content.decode()


def test_with_no_task_the_screen_offers_get_work_and_the_way_back(picker, wh):
    pick_task(wh, [Stop("OUT/1", factories.storage_bin(wh), factories.product(), 1)])
    page = picker.get("/pick/").content.decode()
    assert "1 task waiting" in page and 'hx-post="/pick/work"' in page
    assert 'href="/"' in page and "Work list" in page


def test_posts_only_where_something_changes(picker):
    assert picker.get("/pick/scan").status_code == 405
    assert picker.get("/pick/undo").status_code == 405
    assert picker.post("/pick/lines").status_code == 405


def test_the_task_screen_has_the_scan_box_the_title_and_four_actions(picker, wh):
    pick_task(
        wh, [Stop("OUT/1", factories.storage_bin(wh, aisle="A", bay=3, level=2), factories.product(gtin=BOLT), 4)]
    )
    _post(picker, "/pick/work")
    _post(picker, "/pick/scan", code=factories.tote(wh, "T-0007").barcode)

    page = picker.get("/pick/").content.decode()

    assert re.search(r'id="bar-title">Pick · W-\d+-\d+ · 0/1<', page)
    assert '<p class="prompt-where">A-03-02</p>' in page
    assert 'hx-post="/pick/scan"' in page and 'inputmode="none"' in page
    actions = page[page.index('<nav class="actions"') : page.index("</nav>", page.index('<nav class="actions"'))]
    assert actions.count("<button") == 4
    assert all(word in actions for word in ("Undo", "Skip", "Problem", "Leave"))


def test_a_scans_answer_is_a_partial_under_6_kb(picker, wh):
    item = factories.product(gtin=BOLT, name="A very long product name " * 6)
    Product.objects.filter(pk=item.pk).update(sku="SKU-" + "X" * 60)
    bin_ = factories.storage_bin(wh)
    pick_task(wh, [Stop(f"WH/OUT/{n:05d}", bin_, item, 1) for n in range(6)])
    _post(picker, "/pick/work")
    for n in range(6):
        _post(picker, "/pick/scan", code=factories.tote(wh, f"T-{n:04d}").barcode)
    _post(picker, "/pick/scan", code=bin_.barcode)
    sizes = []
    for code in (BOLT, "T-0000", "CMD-PROBLEM", "NOT-A-CODE"):
        response = _post(picker, "/pick/scan", code=code)
        assert b"<html" not in response.content and b'id="screen"' in response.content
        sizes.append(len(response.content))
    assert max(sizes) <= 6 * 1024, sizes


def test_the_stops_list_marks_the_current_done_and_short_stops(picker, wh):
    item = factories.product(gtin=BOLT)
    a, b, c = (factories.storage_bin(wh, aisle=x, bay=1) for x in "ABC")
    pick_task(wh, [Stop("OUT/1", a, item, 1), Stop("OUT/1", b, item, 1), Stop("OUT/1", c, item, 1)])
    _post(picker, "/pick/work")
    _post(picker, "/pick/scan", code=factories.tote(wh, "T-0001").barcode)
    for code in (a.barcode, BOLT, "T-0001"):
        _post(picker, "/pick/scan", code=code)
    _post(picker, "/pick/short", reason="empty", quantity="0")

    page = picker.get("/pick/lines", **HX).content.decode()

    classes = re.findall(r'<li class="(\w*)"><span>([A-C])-', page)
    assert classes == [("done", "A"), ("short", "B"), ("current", "C")]
