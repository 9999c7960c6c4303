"""Goods a customer sent back reach Odoo through its return wizard, once, into the returns area."""

import pytest
from django.utils import timezone

from floor.odoo import push
from floor.odoo.models import Operation
from floor.warehouse.models import Location
from tests import factories
from tests.odoo.pushing import sent

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(odoo, odoo_warehouse):
    wh = odoo_warehouse
    [warehouse] = odoo.records("stock.warehouse", [], ["lot_stock_id"])
    stock_id = warehouse["lot_stock_id"][0]
    returns_id = odoo.seed_location("Returns", parent=stock_id)
    returns_area = factories.storage_bin(wh, zone_name="Returns")
    Location.objects.filter(pk=returns_area.pk).update(odoo_id=returns_id)
    return odoo, wh, stock_id, returns_area, returns_id


def item(odoo, name, stock_id, qty=10, lot=None, **kw):
    odoo_id = odoo.seed_product(name, default_code=name.upper(), **kw)
    odoo.seed_stock(odoo_id, qty, location=stock_id, lot=lot)
    return odoo_id, factories.product(odoo_id=odoo_id, odoo_uom_id=1, tracking=kw.get("tracking", "none"))


def shipped(odoo, lines, origin="SO-1"):
    delivery = odoo.seed_delivery(lines=lines, origin=origin)
    odoo.validate(delivery)
    return delivery


def returned(wh, delivery, lines, *, n=1, **payload):
    return Operation.objects.create(
        kind=Operation.Kind.RETURN,
        warehouse=wh,
        reference=f"RET-{n}",
        payload={"delivery": delivery, "lines": lines, **payload},
        next_try_at=timezone.now(),
    )


def returns_of(odoo, delivery):
    return odoo.records(
        "stock.picking", [["return_id", "=", delivery]], ["name", "state", "origin", "location_dest_id"]
    )


def test_what_came_back_is_returned_on_the_delivery_into_the_returns_area(setup):
    odoo, wh, stock_id, returns_area, returns_id = setup
    mug_id, mug = item(odoo, "Mug", stock_id)
    cup_id, _cup = item(odoo, "Cup", stock_id)
    delivery = shipped(odoo, [(mug_id, 3), (cup_id, 2)])
    op = sent(returned(wh, delivery, [{"product": mug.pk, "quantity": "2", "lot": None, "to": returns_area.pk}]))
    [ret] = returns_of(odoo, delivery)
    # Named after Floor's reference by the call that made it; Odoo's own origin stays.
    assert (ret["state"], ret["name"], ret["origin"]) == ("done", "RET-1", "Return of WH/OUT/00001")
    assert op.odoo_ids["picking"] == ret["id"] and ret["location_dest_id"][0] == returns_id
    assert odoo.on_hand(mug_id, returns_id) == 2.0
    # Only what came back: the cup stays with the customer.
    assert odoo.on_hand(cup_id) == 8.0
    [move] = odoo.records("stock.move", [["picking_id", "=", ret["id"]]], ["product_id", "quantity"])
    assert move["product_id"][0] == mug_id and move["quantity"] == 2.0


def test_the_lot_that_came_back_is_the_lot_odoo_receives(setup):
    odoo, wh, stock_id, returns_area, returns_id = setup
    odoo_id, vaccine = item(odoo, "Vaccine", stock_id, tracking="lot", lot="LOT-7")
    [lot] = odoo.records("stock.lot", [["name", "=", "LOT-7"]], ["id"])
    floor_lot = factories.lot(vaccine, "LOT-7")
    delivery = shipped(odoo, [(odoo_id, 4)])
    sent(returned(wh, delivery, [{"product": vaccine.pk, "quantity": "1", "lot": floor_lot.pk, "to": returns_area.pk}]))
    assert odoo.on_hand(odoo_id, returns_id, lot_id=lot["id"]) == 1.0


def test_a_retry_after_the_wizard_answer_was_lost_makes_no_second_return(setup):
    odoo, wh, stock_id, returns_area, returns_id = setup
    mug_id, mug = item(odoo, "Mug", stock_id)
    delivery = shipped(odoo, [(mug_id, 3)])
    op = returned(wh, delivery, [{"product": mug.pk, "quantity": "2", "lot": None, "to": returns_area.pk}])
    method = "create_returns" if odoo.version == "17.0" else "action_create_returns"
    odoo.commit_then_drop(model="stock.return.picking", method=method)
    push.send(op.pk)
    op.refresh_from_db()
    assert op.state == "pending"
    op.next_try_at = timezone.now()
    op.save()
    sent(op)
    [ret] = returns_of(odoo, delivery)
    assert ret["state"] == "done" and ret["name"] == "RET-1"
    assert odoo.on_hand(mug_id, returns_id) == 2.0


def test_a_pull_between_a_lost_wizard_answer_and_the_retry_leaves_one_return_and_no_orphan(setup):
    """The pull (every minute) reads Odoo's new open return before the retry: it knows it for
    Floor's, so it makes no Floor Return of it, and the retry validates that one."""
    from floor.returns.models import Return
    from tests.odoo.test_pull_support import pull_now

    odoo, wh, stock_id, returns_area, returns_id = setup
    mug_id, mug = item(odoo, "Mug", stock_id)
    delivery = shipped(odoo, [(mug_id, 3)])
    op = returned(wh, delivery, [{"product": mug.pk, "quantity": "2", "lot": None, "to": returns_area.pk}])
    method = "create_returns" if odoo.version == "17.0" else "action_create_returns"
    odoo.commit_then_drop(model="stock.return.picking", method=method)
    push.send(op.pk)
    op.refresh_from_db()
    assert op.state == "pending"
    [made] = returns_of(odoo, delivery)
    assert (made["name"], made["state"]) == ("RET-1", "assigned")
    pull_now()
    assert not Return.objects.exists()  # not imported as a return the floor should expect
    op.next_try_at = timezone.now()
    op.save()
    sent(op)
    [ret] = returns_of(odoo, delivery)
    assert (ret["id"], ret["state"]) == (made["id"], "done")
    assert odoo.call_count(model="stock.return.picking", method=method) == 1
    assert odoo.on_hand(mug_id, returns_id) == 2.0
    pull_now()
    assert not Return.objects.filter(state="expected").exists()


def test_a_retry_after_the_validation_answer_was_lost_returns_nothing_twice(setup):
    odoo, wh, stock_id, returns_area, returns_id = setup
    mug_id, mug = item(odoo, "Mug", stock_id)
    delivery = shipped(odoo, [(mug_id, 3)])
    op = returned(wh, delivery, [{"product": mug.pk, "quantity": "3", "lot": None, "to": returns_area.pk}])
    odoo.commit_then_drop(model="stock.picking", method="button_validate")
    push.send(op.pk)
    op.refresh_from_db()
    op.next_try_at = timezone.now()
    op.save()
    sent(op)
    assert len(returns_of(odoo, delivery)) == 1
    assert odoo.on_hand(mug_id, returns_id) == 3.0


def test_a_return_odoo_made_by_hand_is_not_taken_for_floors(setup):
    odoo, wh, stock_id, returns_area, returns_id = setup
    mug_id, mug = item(odoo, "Mug", stock_id)
    delivery = shipped(odoo, [(mug_id, 3)])
    # A return someone made in Odoo, which the pull brought to the floor as its own document.
    wizard = odoo.create("stock.return.picking", {"picking_id": delivery}, context={"active_id": delivery})
    [line] = odoo.records("stock.return.picking.line", [["wizard_id", "=", wizard]], ["id"])
    odoo.write("stock.return.picking.line", line["id"], {"quantity": 1})
    method = "create_returns" if odoo.version == "17.0" else "action_create_returns"
    theirs = odoo.call("stock.return.picking", method, [wizard])["res_id"]
    from floor.returns.models import Return

    Return.objects.create(warehouse=wh, reference="WH/IN/THEIRS", odoo_id=theirs)
    sent(returned(wh, delivery, [{"product": mug.pk, "quantity": "2", "lot": None, "to": returns_area.pk}]))
    assert {r["id"]: r["state"] for r in returns_of(odoo, delivery)}[theirs] == "assigned"
    assert odoo.on_hand(mug_id, returns_id) == 2.0


def test_a_return_odoo_already_has_is_filled_and_validated(setup):
    odoo, wh, stock_id, returns_area, returns_id = setup
    mug_id, mug = item(odoo, "Mug", stock_id)
    delivery = shipped(odoo, [(mug_id, 3)])
    wizard = odoo.create("stock.return.picking", {"picking_id": delivery}, context={"active_id": delivery})
    [line] = odoo.records("stock.return.picking.line", [["wizard_id", "=", wizard]], ["id"])
    odoo.write("stock.return.picking.line", line["id"], {"quantity": 3})
    method = "create_returns" if odoo.version == "17.0" else "action_create_returns"
    picking = odoo.call("stock.return.picking", method, [wizard])["res_id"]
    [move] = odoo.records("stock.move", [["picking_id", "=", picking]], ["id"])
    op = sent(
        returned(
            wh,
            None,
            [{"product": mug.pk, "quantity": "2", "lot": None, "to": returns_area.pk, "move": move["id"]}],
            picking=picking,
        )
    )
    assert odoo.get("stock.picking", picking, ["state"])["state"] == "done"
    assert odoo.on_hand(mug_id, returns_id) == 2.0
    assert op.odoo_ids["backorders"] == []  # what did not come back is not expected any more


def test_an_item_the_delivery_never_shipped_stops_the_return_for_a_person(setup):
    odoo, wh, stock_id, returns_area, returns_id = setup
    mug_id, _mug = item(odoo, "Mug", stock_id)
    _plate_id, plate = item(odoo, "Plate", stock_id)
    delivery = shipped(odoo, [(mug_id, 3)])
    op = returned(wh, delivery, [{"product": plate.pk, "quantity": "1", "lot": None, "to": returns_area.pk}])
    push.send(op.pk)
    op.refresh_from_db()
    assert op.state == "failed" and "did not ship" in op.last_error
    assert returns_of(odoo, delivery) == []


def test_odoo_calls_do_not_grow_with_the_items_returned(setup):
    odoo, wh, stock_id, returns_area, returns_id = setup
    calls = []
    for n, size in enumerate((1, 20), start=1):
        items = [item(odoo, f"Item {n}-{i}", stock_id) for i in range(size)]
        delivery = shipped(odoo, [(odoo_id, 2) for odoo_id, _p in items], origin=f"SO-{n}")
        odoo.clear_calls()
        lines = [{"product": p.pk, "quantity": "1", "lot": None, "to": returns_area.pk} for _id, p in items]
        sent(returned(wh, delivery, lines, n=n))
        calls.append(len(odoo.calls(service="object")))
    assert calls[0] == calls[1]
