import uuid

import pytest

from floor.counting.models import CountTask
from floor.ledger.models import Quant
from tests import factories

GTIN = "4006381333931"
LOTTED = "9501101530003"


@pytest.fixture
def floor(client):
    wh = factories.warehouse()
    a, b = factories.storage_bin(wh, aisle="A"), factories.storage_bin(wh, aisle="B")
    item = factories.product(gtin=GTIN)
    factories.stock(a, item, 37)
    task = CountTask.objects.create(warehouse=wh, location=a, reason="Short pick: bin empty")
    person = factories.user(roles=["counter"], wh=wh)
    client.force_login(person)

    class Floor:
        pass

    f = Floor()
    f.wh, f.a, f.b, f.item, f.task, f.client, f.person = wh, a, b, item, task, client, person
    return f


def post(client, path, data=None, key=None):
    data = {"key": key or str(uuid.uuid4()), "device": "test", **(data or {})}
    return client.post(f"/count/{path}", data, HTTP_HX_REQUEST="true")


def scan(client, code, key=None):
    return post(client, "scan", {"code": code}, key=key)


def work(client):
    return client.post("/count/work", HTTP_HX_REQUEST="true")


def on_hand(location, product, lot=None):
    quants = Quant.objects.filter(location=location, product=product)
    if lot is not None:
        quants = quants.filter(lot=lot)
    return sum(q.quantity for q in quants)


def gs1(gtin, *, lot=None, serial=None, count=None):
    code = "]C101" + gtin.zfill(14)
    if count is not None:
        code += f"30{count}\x1d"
    if lot:
        code += f"10{lot}"
    if serial:
        code += f"21{serial}"
    return code
