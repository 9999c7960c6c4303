"""An item scan reads its order by hand-written SQL (`floor.packing.sql`) and hands what it read on
to the screen: the same screen the database shows afterwards, with lots, undone items, a closed
carton and its label."""

import uuid
from decimal import Decimal

import pytest

from floor.packing import services, sql
from floor.picking.models import Order
from floor.scanning.parser import parse
from tests.packing.test_pack_flow import BOLT, MILK, at_tote, close_carton, floor, gs1, post, scan  # noqa: F401
from tests.picking.task_factories import Stop

pytestmark = pytest.mark.django_db


def _facts(context: dict) -> dict:
    current = context["current"]
    return {
        "picked": context["picked"],
        "ordered": context["ordered"],
        "packed": context["packed"],
        "totes": context["totes"],
        "undo_preview": context["undo_preview"],
        "cartons": [
            (c.pk, c.number, c.state, c.carton_type.code, c.sscc, c.job.pk if c.job else None)
            for c in context["cartons"]
        ],
        "current": current and {**current, "product": current["product"].pk},
        "carton": context["packing"].carton.number if context["packing"].carton_id else None,
    }


def test_an_item_scans_screen_is_the_screen_the_database_shows(floor):  # noqa: F811
    stops = [Stop("OUT/1", floor.a1, floor.bolt, 5), Stop("OUT/1", floor.a2, floor.milk, 3, lot=floor.l1)]
    at_tote(floor, stops)
    scan(floor.client, BOLT)
    scan(floor.client, BOLT)
    close_carton(floor, weight="0.6")
    post(floor.client, "/pack/carton", carton_type=floor.cartons["M"].pk)
    scan(floor.client, gs1(MILK, lot="L1"))
    scan(floor.client, BOLT)
    post(floor.client, "/pack/undo")

    outcome = services.handle_scan(
        actor=floor.person, warehouse=floor.wh, scan=parse(BOLT), key=str(uuid.uuid4()), device="test"
    )

    assert outcome.seen is not None and outcome.message == "1 × BOLT — 3 of 5 in carton 2"
    told = _facts(services.screen(outcome.packing, outcome.seen))
    asked = _facts(services.screen(services.packing_for(actor=floor.person, warehouse=floor.wh)))
    assert told == asked
    assert told["packed"] == 4 and told["picked"] == 8 and len(told["cartons"]) == 2
    assert told["current"]["packed"] == 3 and told["carton"] == 2


def test_what_the_cartons_hold_counts_neither_an_undo_nor_what_it_undid(floor):  # noqa: F811
    at_tote(floor, [Stop("OUT/1", floor.a1, floor.milk, 3, lot=floor.l1)])
    scan(floor.client, gs1(MILK, lot="L1"))
    scan(floor.client, gs1(MILK, lot="L1"))
    post(floor.client, "/pack/undo")
    order = Order.objects.get()

    packed, picked, totes = sql.amounts(order.pk, floor.milk.pk)

    [(carton, product, lot)] = packed
    assert (product, lot) == (floor.milk.pk, floor.l1.pk)
    assert packed[(carton, product, lot)] == (Decimal(1), Decimal(1), Decimal(0))  # 1 kg, no volume on record
    assert picked == {floor.l1.pk: ("L1", Decimal(3))}
    assert totes == [floor.t1.barcode]


def test_the_order_comes_with_its_lines_in_order(floor):  # noqa: F811
    at_tote(floor, [Stop("OUT/1", floor.a1, floor.bolt, 2), Stop("OUT/1", floor.a2, floor.nut, 1)])
    order = Order.objects.get()

    found, lines = sql.order_locked(order.pk)

    assert found == order and found.reference == "OUT/1"
    assert [(line.product.sku, line.ordered) for line in lines] == [("BOLT", 2), ("NUT", 1)]
    assert sql.packing_locked(floor.boss.pk) is None  # no place yet: `packing_for` makes one
    assert sql.packing_locked(floor.person.pk).station == floor.station
