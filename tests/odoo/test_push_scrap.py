"""Goods the floor threw away leave Odoo's stock as scrap orders, once."""

import pytest
from django.utils import timezone

from floor.odoo import push
from floor.odoo.models import Operation
from floor.warehouse.models import Location
from floor.warehouse.services import virtual_location
from tests import factories
from tests.odoo.pushing import sent

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(odoo, odoo_warehouse):
    wh = odoo_warehouse
    [warehouse] = odoo.records("stock.warehouse", [], ["lot_stock_id"])
    stock_id = warehouse["lot_stock_id"][0]
    shelf = factories.storage_bin(wh)
    Location.objects.filter(pk=shelf.pk).update(odoo_id=stock_id)
    return odoo, wh, shelf, stock_id


def item(odoo, name, stock_id, qty, **kw):
    odoo_id = odoo.seed_product(name, default_code=name.upper(), **kw)
    if qty:
        odoo.seed_stock(odoo_id, qty, location=stock_id)
    return odoo_id, factories.product(odoo_id=odoo_id, odoo_uom_id=1)


def scrap(wh, lines, *, n=1):
    return Operation.objects.create(
        kind=Operation.Kind.SCRAP,
        warehouse=wh,
        reference=f"SCRAP-{n}",
        payload={"lines": lines},
        next_try_at=timezone.now(),
    )


def scraps(odoo, reference="SCRAP-1"):
    return odoo.records("stock.scrap", [["origin", "=", reference]], ["state", "scrap_qty", "scrap_location_id"])


def test_damaged_goods_are_scrapped_from_their_bin(setup):
    odoo, wh, shelf, stock_id = setup
    mug_id, mug = item(odoo, "Mug", stock_id, 10)
    cup_id, cup = item(odoo, "Cup", stock_id, 5)
    op = sent(
        scrap(
            wh,
            [
                {"product": mug.pk, "quantity": "2", "lot": None, "from": shelf.pk},
                {"product": cup.pk, "quantity": "1", "lot": None, "from": shelf.pk},
            ],
        )
    )
    assert odoo.on_hand(mug_id) == 8.0 and odoo.on_hand(cup_id) == 4.0
    done = scraps(odoo)
    assert sorted(s["id"] for s in done) == sorted(op.odoo_ids["scraps"])
    assert {s["state"] for s in done} == {"done"}


def test_stock_odoo_has_not_heard_of_yet_is_scrapped_all_the_same(setup):
    odoo, wh, shelf, stock_id = setup
    # The floor received these; the receipt has not reached Odoo yet.
    odoo_id, mug = item(odoo, "Mug", stock_id, 0)
    sent(scrap(wh, [{"product": mug.pk, "quantity": "2", "lot": None, "from": shelf.pk}]))
    assert odoo.on_hand(odoo_id) == -2.0
    assert [s["state"] for s in scraps(odoo)] == ["done"]


@pytest.mark.parametrize("lost", ["create", "do_scrap"])
def test_a_retry_after_a_lost_answer_scraps_nothing_twice(setup, lost):
    odoo, wh, shelf, stock_id = setup
    odoo_id, mug = item(odoo, "Mug", stock_id, 10)
    op = scrap(wh, [{"product": mug.pk, "quantity": "3", "lot": None, "from": shelf.pk}])
    odoo.commit_then_drop(model="stock.scrap", method=lost)
    push.send(op.pk)
    op.refresh_from_db()
    assert op.state == "pending"
    op.next_try_at = timezone.now()
    op.save()
    sent(op)
    assert odoo.on_hand(odoo_id) == 7.0
    assert len(scraps(odoo)) == 1


def test_floors_scrap_location_is_used_when_it_is_linked_to_odoo(setup):
    odoo, wh, shelf, stock_id = setup
    _odoo_id, mug = item(odoo, "Mug", stock_id, 10)
    bin_id = odoo.seed_location("Damaged goods", usage="inventory")
    scrapped = virtual_location(Location.Kind.SCRAP)
    Location.objects.filter(pk=scrapped.pk).update(odoo_id=bin_id)
    sent(scrap(wh, [{"product": mug.pk, "quantity": "1", "lot": None, "from": shelf.pk, "to": scrapped.pk}]))
    [done] = scraps(odoo)
    assert done["scrap_location_id"][0] == bin_id


def test_odoo_calls_do_not_grow_with_the_lines_scrapped(setup):
    odoo, wh, shelf, stock_id = setup
    calls = []
    for n, size in enumerate((1, 25), start=1):
        items = [item(odoo, f"Item {n}-{i}", stock_id, 5) for i in range(size)]
        odoo.clear_calls()
        sent(scrap(wh, [{"product": p.pk, "quantity": "1", "lot": None, "from": shelf.pk} for _id, p in items], n=n))
        calls.append(len(odoo.calls(service="object")))
    assert calls[0] == calls[1] == 3
