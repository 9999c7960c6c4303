"""What an inspection writes at close reaches Odoo (the test double, 17, 18 and 19): the return of
the delivery into the returns location, then a scrap and an internal transfer out of it."""

import pytest

from floor.odoo import push
from floor.odoo.models import Operation
from floor.picking.models import Order
from floor.returns.models import Return
from floor.warehouse.models import Location, Warehouse
from tests import factories
from tests.odoo.pushing import sent
from tests.picking.factories import order as an_order
from tests.returns.conftest import MUG, grade, post, scan
from tests.returns.factories import announced_return

pytestmark = pytest.mark.django_db

KETTLE = factories.gtin13("400000000777")


def odoo_shipment(odoo, settings):
    """Floor linked to the Odoo double: its warehouse and returns location, a mug Odoo stocks 10 of,
    and order SO-1 whose delivery of 3 mugs Odoo has validated, with its return announced."""
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
    return ret, delivery, mug_id, stock_id, returns_id


@pytest.fixture
def shipped(odoo_double, settings, client):
    ret, delivery, mug_id, stock_id, returns_id = odoo_shipment(odoo_double, settings)
    client.force_login(factories.user(roles=["inspector"], wh=ret.warehouse))
    return odoo_double, client, ret, delivery, mug_id, stock_id, returns_id


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


def linked_quarantine(odoo, wh, stock_id) -> int:
    quarantine_id = odoo.seed_location("Quarantine", parent=stock_id)
    Location.objects.filter(warehouse=wh, kind=Location.Kind.QUARANTINE).update(odoo_id=quarantine_id)
    return quarantine_id


def test_an_unannounced_return_with_an_item_not_shipped_reaches_odoo(shipped):
    odoo, client, ret, delivery, mug_id, stock_id, returns_id = shipped
    Return.objects.filter(pk=ret.pk).update(state=Return.State.CANCELLED)  # no RMA for this parcel
    quarantine_id = linked_quarantine(odoo, ret.warehouse, stock_id)
    kettle_id = odoo.seed_product("Kettle", default_code="KETTLE")
    factories.product(gtin=KETTLE, sku="KETTLE", odoo_id=kettle_id, odoo_uom_id=1)
    scan(client, "SO-1")
    scan(client, MUG)
    grade(client, "A")
    scan(client, KETTLE)  # not on the order: quarantined
    grade(client, "A")
    post(client, "close")
    made = Return.objects.get(source=Return.Source.UNANNOUNCED)
    returned, moved = (sent(op) for op in Operation.objects.filter(document=made.reference).order_by("pk"))
    [picking] = odoo.records("stock.picking", [["return_id", "=", delivery]], ["state", "name", "move_ids"])
    assert (picking["state"], picking["name"]) == ("done", returned.reference)
    back = {
        move["product_id"][0]: move["quantity"]
        for move in odoo.records("stock.move", [["id", "in", picking["move_ids"]]], ["product_id", "quantity"])
    }
    assert back == {mug_id: 1.0, kettle_id: 1.0}
    assert odoo.on_hand(kettle_id, quarantine_id) == 1.0 and odoo.on_hand(kettle_id, returns_id) == 0.0
    assert odoo.on_hand(mug_id) == 10 - 3 + 1


def test_an_unknown_return_reaches_odoo_as_a_receipt_from_the_customers(shipped):
    odoo, client, ret, delivery, mug_id, stock_id, returns_id = shipped
    quarantine_id = linked_quarantine(odoo, ret.warehouse, stock_id)
    post(client, "unknown")
    scan(client, MUG)
    grade(client, "B")
    post(client, "close")
    unknown = Return.objects.get(source=Return.Source.UNKNOWN)
    returned, moved = (sent(op) for op in Operation.objects.filter(document=unknown.reference).order_by("pk"))
    [picking] = odoo.records(
        "stock.picking", [["origin", "=", returned.reference]], ["state", "location_id", "return_id"]
    )
    [customers] = odoo.records("stock.location", [["usage", "=", "customer"]], ["id"])
    assert (picking["state"], picking["location_id"][0], picking["return_id"]) == ("done", customers["id"], False)
    assert odoo.on_hand(mug_id, quarantine_id) == 1.0 and odoo.on_hand(mug_id, returns_id) == 0.0


def test_the_scrap_of_a_returned_item_waits_for_its_return_to_reach_odoo(shipped):
    odoo, client, ret, delivery, mug_id, stock_id, returns_id = shipped
    scan(client, ret.reference)
    scan(client, MUG)
    grade(client, "D")
    post(client, "close")
    returned, scrapped = Operation.objects.filter(document=ret.reference).order_by("pk")
    push.send(scrapped.pk)
    scrapped.refresh_from_db()
    assert (scrapped.state, scrapped.waiting_for_id) == (Operation.State.PENDING, returned.pk)
    assert odoo.records("stock.scrap", [["origin", "=", scrapped.reference]], ["id"]) == []
    sent(returned)
    sent(scrapped)
    assert odoo.on_hand(mug_id, returns_id) == 0.0


def test_refurbish_and_return_to_vendor_stay_in_odoos_returns_location(shipped):
    odoo, client, ret, delivery, mug_id, stock_id, returns_id = shipped
    scan(client, ret.reference)
    scan(client, MUG)
    grade(client, "B", disposition="refurbish", reason="repairable")
    scan(client, MUG)
    grade(client, "B", disposition="vendor", reason="vendor_warranty")
    post(client, "close")
    [returned] = Operation.objects.filter(document=ret.reference)  # no scrap, no transfer
    sent(returned)
    assert odoo.on_hand(mug_id, returns_id) == 2.0
    assert odoo.on_hand(mug_id) == 10 - 3 + 2
