"""A count reaches Odoo as the counted quantity on the quant, applied once, in the floor's order."""

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
    shelf_id = odoo.seed_location("Shelf C", parent=stock_id)
    shelf = factories.storage_bin(wh)
    Location.objects.filter(pk=shelf.pk).update(odoo_id=shelf_id)
    return odoo, wh, shelf, shelf_id


def item(odoo, name, **kw):
    odoo_id = odoo.seed_product(name, default_code=name.upper(), **kw)
    return odoo_id, factories.product(odoo_id=odoo_id, odoo_uom_id=1, tracking=kw.get("tracking", "none"))


def count(wh, lines, *, n=1):
    return Operation.objects.create(
        kind=Operation.Kind.ADJUSTMENT,
        warehouse=wh,
        reference=f"COUNT-{n}",
        payload={"lines": lines},
        next_try_at=timezone.now(),
    )


def retry_now(op):
    op.refresh_from_db()
    op.next_try_at = timezone.now()
    op.save()
    return op


def test_a_count_sets_odoo_to_what_the_counter_found(setup):
    odoo, wh, shelf, shelf_id = setup
    short_id, short = item(odoo, "Widget")
    new_id, found = item(odoo, "Gadget")
    odoo.seed_stock(short_id, 10, location=shelf_id)
    sent(
        count(
            wh,
            [
                {"product": short.pk, "lot": None, "location": shelf.pk, "counted": "7"},
                # Stock Odoo never had in that bin: a quant is made for it.
                {"product": found.pk, "lot": None, "location": shelf.pk, "counted": "3"},
            ],
        )
    )
    assert odoo.on_hand(short_id, shelf_id) == 7.0
    assert odoo.on_hand(new_id, shelf_id) == 3.0
    # Named after Floor's reference; 17/18 add the counter's name when the quant was counted by one.
    moves = odoo.records("stock.move", [["is_inventory", "=", True], ["reference", "=like", "COUNT-1%"]], ["state"])
    assert len(moves) == 2 and {m["state"] for m in moves} == {"done"}


def test_a_count_of_a_lot_odoo_never_saw_makes_the_lot(setup):
    odoo, wh, shelf, shelf_id = setup
    odoo_id, vaccine = item(odoo, "Vaccine", tracking="lot")
    odoo.seed_stock(odoo_id, 4, location=shelf_id, lot="LOT-A")
    known, unknown = factories.lot(vaccine, "LOT-A"), factories.lot(vaccine, "LOT-Z")
    sent(
        count(
            wh,
            [
                {"product": vaccine.pk, "lot": known.pk, "location": shelf.pk, "counted": "2"},
                {"product": vaccine.pk, "lot": unknown.pk, "location": shelf.pk, "counted": "5"},
            ],
        )
    )
    [lot_z] = odoo.records("stock.lot", [["name", "=", "LOT-Z"]], ["id"])
    [lot_a] = odoo.records("stock.lot", [["name", "=", "LOT-A"]], ["id"])
    assert odoo.on_hand(odoo_id, shelf_id, lot_id=lot_a["id"]) == 2.0
    assert odoo.on_hand(odoo_id, shelf_id, lot_id=lot_z["id"]) == 5.0


def test_a_retry_after_a_lost_answer_does_not_apply_the_count_again(setup):
    odoo, wh, shelf, shelf_id = setup
    odoo_id, widget = item(odoo, "Widget")
    odoo.seed_stock(odoo_id, 10, location=shelf_id)
    op = count(wh, [{"product": widget.pk, "lot": None, "location": shelf.pk, "counted": "7"}])
    odoo.commit_then_drop(model="stock.quant", method="action_apply_inventory", times=1)
    push.send(op.pk)
    op.refresh_from_db()
    assert op.state == "pending"
    # Meanwhile Odoo ships 2 from that bin: a second apply would put them back.
    picking = odoo.seed_delivery(lines=[(odoo_id, 2)], src=shelf_id, origin="SO-9")
    odoo.validate(picking)
    sent(retry_now(op))
    assert odoo.on_hand(odoo_id, shelf_id) == 5.0
    assert len(odoo.records("stock.move", [["reference", "=like", "COUNT-1%"]], ["id"])) == 1
    assert op.odoo_ids["moves"]


def test_a_count_settles_a_conflict_with_what_the_floor_counted(setup):
    odoo, wh, shelf, shelf_id = setup
    odoo_id, widget = item(odoo, "Widget")
    quant = odoo.seed_stock(odoo_id, 10, location=shelf_id)
    # Stock moves in Odoo between Floor writing the count and applying it: Odoo calls the quant outdated.
    odoo.meanwhile(
        lambda double: double.write("stock.quant", quant, {"quantity": 8}),
        model="stock.quant",
        method="action_apply_inventory",
    )
    op = sent(count(wh, [{"product": widget.pk, "lot": None, "location": shelf.pk, "counted": "6"}]))
    assert odoo.on_hand(odoo_id, shelf_id) == 6.0
    assert odoo.call_count(model="stock.inventory.conflict", method="action_keep_counted_quantity") == 1
    assert op.state == "sent"


def test_odoo_calls_do_not_grow_with_the_lines_counted(setup):
    odoo, wh, shelf, shelf_id = setup
    products = [item(odoo, f"Item {n}") for n in range(30)]
    odoo.clear_calls()
    sent(count(wh, [{"product": p.pk, "lot": None, "location": shelf.pk, "counted": "1"} for _id, p in products[:1]]))
    one = len(odoo.calls(service="object"))
    odoo.clear_calls()
    sent(
        count(
            wh,
            [{"product": p.pk, "lot": None, "location": shelf.pk, "counted": "2"} for _id, p in products],
            n=2,
        )
    )
    assert len(odoo.calls(service="object")) == one == 3


def test_a_count_waits_for_an_earlier_move_of_that_item_in_that_bin(setup):
    odoo, wh, shelf, shelf_id = setup
    odoo_id, widget = item(odoo, "Widget")
    odoo.seed_stock(odoo_id, 10, location=shelf_id)
    other = factories.storage_bin(wh)
    Location.objects.filter(pk=other.pk).update(odoo_id=odoo.seed_location("Shelf D"))
    # On the floor: 4 moved out of the bin, then the bin counted at 6. Odoo must end at 6.
    earlier = Operation.objects.create(
        kind=Operation.Kind.INTERNAL,
        warehouse=wh,
        reference="MOVE-1",
        payload={"lines": [{"product": widget.pk, "lot": None, "quantity": "4", "from": shelf.pk, "to": other.pk}]},
        next_try_at=timezone.now(),
    )
    op = count(wh, [{"product": widget.pk, "lot": None, "location": shelf.pk, "counted": "6"}])
    push.send(op.pk)  # the count is sent first: it waits
    op.refresh_from_db()
    assert op.state == "pending" and op.waiting_for_id == earlier.pk and op.attempts == 0
    assert odoo.on_hand(odoo_id, shelf_id) == 10.0
    sent(earlier)
    op.refresh_from_db()
    # Its success made the count due again at once (and sent it, where Celery runs in-process).
    assert op.state == "sent" or op.next_try_at <= timezone.now()
    op = sent(op)
    assert op.waiting_for_id is None
    assert odoo.on_hand(odoo_id, shelf_id) == 6.0


def test_a_later_move_waits_for_the_count_before_it(setup):
    odoo, wh, shelf, shelf_id = setup
    odoo_id, widget = item(odoo, "Widget")
    odoo.seed_stock(odoo_id, 10, location=shelf_id)
    op = count(wh, [{"product": widget.pk, "lot": None, "location": shelf.pk, "counted": "6"}])
    other = factories.storage_bin(wh)
    Location.objects.filter(pk=other.pk).update(odoo_id=odoo.seed_location("Shelf D"))
    later = Operation.objects.create(
        kind=Operation.Kind.INTERNAL,
        warehouse=wh,
        reference="MOVE-2",
        payload={"lines": [{"product": widget.pk, "lot": None, "quantity": "4", "from": shelf.pk, "to": other.pk}]},
        next_try_at=timezone.now(),
    )
    unrelated_id, unrelated = item(odoo, "Gadget")
    odoo.seed_stock(unrelated_id, 5, location=shelf_id)
    free = Operation.objects.create(
        kind=Operation.Kind.INTERNAL,
        warehouse=wh,
        reference="MOVE-3",
        payload={"lines": [{"product": unrelated.pk, "lot": None, "quantity": "1", "from": shelf.pk, "to": other.pk}]},
        next_try_at=timezone.now(),
    )
    push.send(later.pk)
    later.refresh_from_db()
    assert later.state == "pending" and later.waiting_for_id == op.pk
    sent(free)  # another item in the same bin does not wait
    sent(op)
    later.refresh_from_db()
    assert later.state == "sent" or later.next_try_at <= timezone.now()
    sent(later)
    assert odoo.on_hand(odoo_id, shelf_id) == 2.0


def test_the_sync_page_says_what_an_operation_waits_for(setup, client):
    odoo, wh, shelf, shelf_id = setup
    _odoo_id, widget = item(odoo, "Widget")
    earlier = count(wh, [{"product": widget.pk, "lot": None, "location": shelf.pk, "counted": "1"}])
    Operation.objects.filter(pk=earlier.pk).update(state=Operation.State.FAILED, document="Cycle count C-7")
    op = count(wh, [{"product": widget.pk, "lot": None, "location": shelf.pk, "counted": "2"}], n=2)
    push.send(op.pk)
    client.force_login(factories.user(roles=("supervisor",), wh=wh))
    page = client.get("/odoo/operations/?state=pending").content.decode()
    assert "Waits for Cycle count C-7 to reach Odoo first" in page
