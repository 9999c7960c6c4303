import uuid

import pytest

from floor.ledger.models import Quant
from floor.warehouse.models import Location
from tests import factories
from tests.returns.factories import announced_return, shipped_order

MUG = "4006381333931"
PHONE = "9501101530003"  # serial-tracked
TEA = "5012345678900"  # lot-tracked


@pytest.fixture
def floor(client):
    """An order shipped with 3 mugs, a phone (serial SN-1) and 2 tea (lot T-7), and its return
    announced in Odoo: 2 mugs, the phone and 1 tea expected back."""
    wh = factories.warehouse()
    mug = factories.product(gtin=MUG, sku="MUG")
    phone = factories.product(gtin=PHONE, sku="PHONE", tracking="serial")
    tea = factories.product(gtin=TEA, sku="TEA", tracking="lot")
    sn1, t7 = factories.lot(phone, "SN-1"), factories.lot(tea, "T-7")
    factories.lot(phone, "SN-2")  # in stock elsewhere, never shipped on this order
    order = shipped_order(wh, (mug, 3), (phone, 1, sn1), (tea, 2, t7), reference="SO-100", odoo_id=500)
    ret = announced_return(wh, order, (mug, 2), (phone, 1), (tea, 1), reference="WH/RET/00001")
    person = factories.user(roles=["inspector"], wh=wh)
    client.force_login(person)

    class Floor:
        pass

    f = Floor()
    f.wh, f.mug, f.phone, f.tea, f.sn1, f.t7 = wh, mug, phone, tea, sn1, t7
    f.order, f.ret, f.client, f.person = order, ret, client, person
    f.returns = Location.objects.get(warehouse=wh, kind=Location.Kind.RETURNS)
    f.input = Location.objects.get(warehouse=wh, kind=Location.Kind.INPUT)
    f.quarantine = Location.objects.get(warehouse=wh, kind=Location.Kind.QUARANTINE)
    return f


def post(client, path, data=None, key=None):
    data = {"key": key or str(uuid.uuid4()), "device": "test", **(data or {})}
    return client.post(f"/inspect/{path}", data, HTTP_HX_REQUEST="true")


def scan(client, code, key=None):
    return post(client, "scan", {"code": code}, key=key)


def grade(client, grade, key=None, **fields):
    return post(client, "grade", {"grade": grade, **fields}, key=key)


def on_hand(location, product, lot=None):
    quants = Quant.objects.filter(location=location, product=product)
    if lot is not None:
        quants = quants.filter(lot=lot)
    return sum(q.quantity for q in quants)


def gs1(gtin, *, lot=None, serial=None):
    code = "]C101" + gtin.zfill(14)
    if lot:
        code += f"10{lot}"
    if serial:
        code += f"21{serial}"
    return code
