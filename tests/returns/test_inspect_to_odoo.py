"""What an inspection writes at close reaches Odoo (the test double, 17, 18 and 19): the return of
the delivery into the returns location, then a scrap and an internal transfer out of it."""

import pytest

from floor.odoo.models import Operation
from floor.picking.models import Order
from floor.warehouse.models import Location, Warehouse
from tests import factories
from tests.odoo.pushing import sent
from tests.picking.factories import order as an_order
from tests.returns.conftest import MUG, grade, post, scan
from tests.returns.factories import announced_return

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped(odoo_double, settings, client):
    odoo = odoo_double
    settings.ODOO_URL, settings.ODOO_DB = odoo.url, odoo.db
    settings.ODOO_USER, settings.ODOO_API_KEY = odoo.login, odoo.api_key
    [warehouse] = odoo.records("stock.warehouse", [], ["id", "lot_stock_id"])
    wh = factories.warehouse()
    Warehouse.objects.filter(pk=wh.pk).update(odoo_id=warehouse["id"])
    wh.refresh_from_db()
    stock_id = warehouse["lot_stock_id"][0]
    returns_id = odoo.seed_location("Returns", parent=stock_id)
    Location.objects.filter(warehouse=wh, kind=Location.Kind.RETURNS).update(odoo_id=returns_id)
    mug_id = odoo.seed_product("Mug", default_code="MUG")
    odoo.seed_stock(mug_id, 10, location=stock_id)
    delivery = odoo.seed_delivery(lines=[(mug_id, 3)], origin="SO-1")
    odoo.validate(delivery)
    mug = factories.product(gtin=MUG, sku="MUG", odoo_id=mug_id, odoo_uom_id=1)
    order = an_order(wh, (mug, 3), reference="SO-1", odoo_id=delivery, state=Order.State.SHIPPED)
    ret = announced_return(wh, order, (mug, 3), reference="WH/RET/00001")
    client.force_login(factories.user(roles=["inspector"], wh=wh))
    return odoo, client, ret, delivery, mug_id, stock_id, returns_id


def test_a_restocked_and_a_scrapped_mug_reach_odoo(shipped):
    odoo, client, ret, delivery, mug_id, stock_id, returns_id = shipped
    scan(client, ret.reference)
    scan(client, MUG)
    grade(client, "A")
    scan(client, MUG)
    grade(client, "D")
    post(client, "close")
    returned, scrapped, moved = (sent(op) for op in Operation.objects.filter(document=ret.reference).order_by("pk"))
    [picking] = odoo.records("stock.picking", [["return_id", "=", delivery]], ["state", "name"])
    assert (picking["state"], picking["name"]) == ("done", returned.reference)
    [scrap] = odoo.records("stock.scrap", [["origin", "=", scrapped.reference]], ["state", "scrap_qty"])
    assert (scrap["state"], scrap["scrap_qty"]) == ("done", 1.0)
    assert moved.odoo_ids["picking"]
    # Two came back into returns; one was scrapped from there, one went on to stock.
    assert odoo.on_hand(mug_id, returns_id) == 0.0
    assert odoo.on_hand(mug_id) == 10 - 3 + 1
