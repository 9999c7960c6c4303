"""A packed order is validated in Odoo: picked quantities, bins, lots and cartons, exactly once."""

import pytest
from django.utils import timezone

from floor.odoo import push
from floor.odoo.models import Operation
from floor.warehouse.models import Location, Package
from tests import factories
from tests.odoo.pushing import sent

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(odoo, odoo_warehouse):
    wh = odoo_warehouse
    [warehouse] = odoo.records("stock.warehouse", [], ["lot_stock_id"])
    stock = factories.storage_bin(wh)
    Location.objects.filter(pk=stock.pk).update(odoo_id=warehouse["lot_stock_id"][0])
    return odoo, wh, stock, warehouse["lot_stock_id"][0]


def product(odoo, name, qty, stock_id, **kw):
    odoo_id = odoo.seed_product(name, default_code=name.upper(), **kw)
    odoo.seed_stock(odoo_id, qty, location=stock_id, lot=kw.get("lot_seed"))
    return odoo_id, factories.product(odoo_id=odoo_id, odoo_uom_id=1)


def operation(odoo, wh, picking_id, picked, *, n=1):
    moves = sorted(m["id"] for m in odoo.records("stock.move", [["picking_id", "=", picking_id]], ["id"]))
    lines = [{"move": move, **line} for move, line in zip(moves, picked, strict=True)]
    return Operation.objects.create(
        kind=Operation.Kind.DELIVERY,
        warehouse=wh,
        reference=f"FLOOR-DLV-{n}",
        payload={"picking": picking_id, "backorder": True, "lines": lines},
        next_try_at=timezone.now(),
    )


def test_a_packed_order_ships_in_its_carton(setup):
    odoo, wh, stock, stock_id = setup
    odoo_id, item = product(odoo, "Widget", 10, stock_id)
    carton = Package.objects.create(barcode="00012345600000000017")
    picking = odoo.seed_delivery(lines=[(odoo_id, 4)], origin="SO-1")
    op = sent(
        operation(
            odoo,
            wh,
            picking,
            [
                {"product": item.pk, "quantity": "4", "from": stock.pk, "lot": None, "package": carton.pk},
            ],
        )
    )
    assert odoo.get("stock.picking", picking, ["state"])["state"] == "done"
    assert odoo.on_hand(odoo_id) == 6.0
    [package] = odoo.records(odoo.package_model, [["name", "=", carton.barcode]], ["id"])
    assert op.odoo_ids["packages"] == [package["id"]]
    [line] = odoo.records("stock.move.line", [["picking_id", "=", picking]], ["result_package_id"])
    assert line["result_package_id"][0] == package["id"]


def test_a_short_pick_ships_what_was_found_and_backorders_the_rest(setup):
    odoo, wh, stock, stock_id = setup
    odoo_id, item = product(odoo, "Widget", 10, stock_id)
    picking = odoo.seed_delivery(lines=[(odoo_id, 5)], origin="SO-2")
    op = sent(
        operation(
            odoo,
            wh,
            picking,
            [
                {"product": item.pk, "quantity": "3", "from": stock.pk, "lot": None, "package": None},
            ],
        )
    )
    assert odoo.on_hand(odoo_id) == 7.0 and len(op.odoo_ids["backorders"]) == 1


def test_a_retry_after_a_lost_answer_neither_ships_twice_nor_makes_a_second_carton(setup):
    odoo, wh, stock, stock_id = setup
    odoo_id, item = product(odoo, "Widget", 10, stock_id)
    carton = Package.objects.create(barcode="00012345600000000024")
    picking = odoo.seed_delivery(lines=[(odoo_id, 4)], origin="SO-3")
    op = operation(
        odoo,
        wh,
        picking,
        [
            {"product": item.pk, "quantity": "4", "from": stock.pk, "lot": None, "package": carton.pk},
        ],
    )
    odoo.commit_then_drop(model="stock.picking", method="write", times=1)
    push.send(op.pk)
    op.refresh_from_db()
    op.next_try_at = timezone.now()
    op.save()
    sent(op)
    assert odoo.on_hand(odoo_id) == 6.0
    assert len(odoo.records(odoo.package_model, [["name", "=", carton.barcode]], ["id"])) == 1


def test_the_lot_picked_on_the_floor_is_the_lot_that_leaves_in_odoo(setup):
    odoo, wh, stock, stock_id = setup
    odoo_id = odoo.seed_product("Vaccine", default_code="VAX", tracking="lot")
    odoo.seed_stock(odoo_id, 5, location=stock_id, lot="LOT-OLD")
    odoo.seed_stock(odoo_id, 5, location=stock_id, lot="LOT-NEW")
    item = factories.product(odoo_id=odoo_id, odoo_uom_id=1, tracking="lot")
    picked_lot = factories.lot(item, "LOT-NEW")
    picking = odoo.seed_delivery(lines=[(odoo_id, 2)], origin="SO-4")
    sent(
        operation(
            odoo,
            wh,
            picking,
            [
                {"product": item.pk, "quantity": "2", "from": stock.pk, "lot": picked_lot.pk, "package": None},
            ],
        )
    )
    lots = {lot["name"]: lot["id"] for lot in odoo.records("stock.lot", [["product_id", "=", odoo_id]], ["name"])}
    assert odoo.on_hand(odoo_id, lot_id=lots["LOT-NEW"]) == 3.0
    assert odoo.on_hand(odoo_id, lot_id=lots["LOT-OLD"]) == 5.0
