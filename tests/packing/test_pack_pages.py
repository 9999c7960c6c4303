"""The packer's pages: who may open them, what the screen holds, and what it weighs on the wire."""

import re
import uuid
from decimal import Decimal

import pytest

from floor.packing.models import Packing, PrintJob
from floor.warehouse.models import Product
from tests import factories
from tests.packing.pack_factories import carton_types, picked_order, station
from tests.picking.task_factories import Stop

pytestmark = pytest.mark.django_db

BOLT = "4006381333931"
NUT = factories.gtin13("400000000017")
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def wh():
    return factories.warehouse()


@pytest.fixture
def packer(client, wh):
    client.force_login(factories.user(roles=["packer"], wh=wh))
    return client


def _post(client, url, **data):
    return client.post(url, {"key": str(uuid.uuid4()), "device": "t", **data}, **HX)


def _scan(client, code):
    return _post(client, "/pack/scan", code=code).content.decode()


def test_signing_in_comes_first(client):
    response = client.get("/pack/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_only_packers_and_supervisors_may_pack(client, wh):
    client.force_login(factories.user(roles=["picker"], wh=wh))
    assert client.get("/pack/").status_code == 403
    for url in ("/pack/scan", "/pack/carton", "/pack/weight", "/pack/done", "/pack/undo", "/pack/leave"):
        assert client.post(url).status_code == 403, url
    client.force_login(factories.user(roles=["supervisor"], wh=wh))
    assert client.get("/pack/").status_code == 200


def test_posts_only_where_something_changes(packer):
    assert packer.get("/pack/scan").status_code == 405
    assert packer.get("/pack/close-carton").status_code == 405
    assert packer.post("/pack/lines").status_code == 405


def test_a_packer_with_no_warehouse_is_told_so(client):
    client.force_login(factories.user(roles=["packer"], wh=None))
    assert "Your account has no warehouse" in client.get("/pack/").content.decode()
    assert "Your account has no warehouse" in _post(client, "/pack/scan", code="PACK-1").content.decode()
    assert "Your account has no warehouse" in _post(client, "/pack/done").content.decode()
    assert not Packing.objects.exists()


def test_the_home_screen_has_a_pack_card_and_the_orders_waiting(packer, wh):
    picked_order(wh, [Stop("OUT/1", factories.storage_bin(wh), factories.product(), 1)])
    page = packer.get("/").content.decode()
    assert 'href="/pack/"' in page
    assert '<span class="count">1</span> Orders to pack' in page


def test_first_the_station_then_a_tote(packer, wh):
    station(wh, "PACK-1")
    page = packer.get("/pack/").content.decode()
    assert '<p class="prompt-do">Scan station</p>' in page
    assert 'hx-post="/pack/scan"' in page and 'inputmode="none"' in page
    assert 'id="bar-title">Pack<' in page and "Work list" in page

    page = _scan(packer, "PACK-1")
    assert '<p class="prompt-do">Scan a tote</p>' in page and "0 orders to pack" in page


def test_the_screen_of_an_order_under_way(packer, wh):
    station(wh, "PACK-1")
    types = carton_types(wh)
    item = factories.product(gtin=BOLT, sku="BOLT")
    built = picked_order(wh, [Stop("WH/OUT/00012", factories.storage_bin(wh), item, 3)])
    _scan(packer, "PACK-1")
    _scan(packer, built.bindings["WH/OUT/00012"].tote.barcode)

    choose = packer.get("/pack/").content.decode()
    assert '<p class="prompt-do">Choose a carton</p>' in choose
    assert choose.count('name="carton_type"') == 3 and 'class="btn btn-block btn-primary"' in choose
    _post(packer, "/pack/carton", carton_type=types["S"].pk)
    _scan(packer, BOLT)

    page = packer.get("/pack/").content.decode()
    assert re.search(r'id="bar-title">Pack · WH/OUT/00012 · 1/3<', page)
    assert '<p class="prompt-do">Scan an item</p>' in page and '<li class="current"><span>BOLT' in page
    assert '<ul class="lines cartons">' in page and "Carton 1 · S" in page
    actions = page[page.index('<nav class="actions"') : page.index("</nav>", page.index('<nav class="actions"'))]
    assert actions.count("<button") == 4
    assert all(word in actions for word in ("Undo", "Carton", "Short", "Done"))
    assert "Undo: take 1 × BOLT out of carton 1" in page


def test_a_scans_answer_is_a_partial_under_6_kb(packer, wh):
    """The heaviest screen: long names, a dozen items set aside, cartons with failed labels."""
    st = station(wh, "PACK-1", printer_host="127.0.0.1", printer_port=9)
    types = carton_types(wh)
    item = factories.product(gtin=BOLT, name="A very long product name " * 6)
    Product.objects.filter(pk=item.pk).update(sku="SKU-" + "X" * 60, weight=Decimal("0.1"))
    built = picked_order(wh, [Stop(f"WH/OUT/{n:05d}", factories.storage_bin(wh), item, 40) for n in range(1)])
    _scan(packer, "PACK-1")
    _scan(packer, built.bindings["WH/OUT/00000"].tote.barcode)
    for _ in range(4):
        _post(packer, "/pack/carton", carton_type=types["L"].pk)
        _scan(packer, BOLT)
        _post(packer, "/pack/close-carton")
        _post(packer, "/pack/weight", quantity="1.5")
    PrintJob.objects.update(state="failed", last_error="Connection refused (printer-pack-1.example.com:9100)")
    _post(packer, "/pack/carton", carton_type=types["L"].pk)
    for n in range(14):
        _scan(packer, factories.gtin13(f"499{n:09d}"))  # unknown: nothing set aside
        factories.product(gtin=factories.gtin13(f"498{n:09d}"), sku=f"OTHER-{'Y' * 50}-{n}")
        _scan(packer, factories.gtin13(f"498{n:09d}"))  # not in the order: set aside
    assert len(Packing.objects.get().set_aside) == 12 and st.print_jobs.count() == 4
    sizes = []
    for code in (BOLT, "CMD-PROBLEM", "NOT-A-CODE", factories.gtin13("498000000000")):
        response = _post(packer, "/pack/scan", code=code)
        assert b"<html" not in response.content and b'id="screen"' in response.content
        sizes.append(len(response.content))
    assert max(sizes) <= 6 * 1024, sizes


def test_the_lines_list_marks_packed_and_short_lines(packer, wh):
    station(wh, "PACK-1")
    types = carton_types(wh)
    bolt, nut = factories.product(gtin=BOLT, sku="BOLT"), factories.product(gtin=NUT, sku="NUT")
    bin_ = factories.storage_bin(wh)
    built = picked_order(wh, [Stop("OUT/1", bin_, bolt, 1), Stop("OUT/1", bin_, nut, 2)], found={1: 1})
    _scan(packer, "PACK-1")
    _scan(packer, built.bindings["OUT/1"].tote.barcode)
    _post(packer, "/pack/carton", carton_type=types["S"].pk)
    _scan(packer, BOLT)

    page = packer.get("/pack/lines", **HX).content.decode()

    assert re.findall(r'<li class="(\w*)"><span>(\w+) ', page) == [("done", "BOLT"), ("", "NUT")]
    _scan(packer, NUT)
    page = packer.get("/pack/lines", **HX).content.decode()
    assert re.findall(r'<li class="(\w*)"><span>(\w+) ', page) == [("done", "BOLT"), ("short", "NUT")]
