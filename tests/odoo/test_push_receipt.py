"""A receipt received on the floor is validated in Odoo with what was received, exactly once."""

import pytest
from django.utils import timezone

from floor.odoo import push
from floor.odoo.models import Operation
from tests import factories
from tests.odoo.pushing import sent

pytestmark = pytest.mark.django_db


@pytest.fixture
def wh(odoo_warehouse):
    return odoo_warehouse


def floor_product(odoo, name, **kw):
    odoo_id = odoo.seed_product(name, default_code=name.upper(), **kw)
    return odoo_id, factories.product(odoo_id=odoo_id, odoo_uom_id=1, tracking=kw.get("tracking", "none"))


def receipt_operation(odoo, wh, picking_id, received, *, backorder=None, n=1):
    """`received`: (floor product, quantity, extra line fields) per line, in the picking's move order."""
    moves = odoo.records("stock.move", [["picking_id", "=", picking_id]], ["id"])
    lines = [
        {"move": move["id"], "product": product.pk, "quantity": str(qty), "lot": None, **extra}
        for move, (product, qty, extra) in zip(sorted(moves, key=lambda m: m["id"]), received, strict=False)
    ]
    return Operation.objects.create(
        kind=Operation.Kind.RECEIPT,
        warehouse=wh,
        reference=f"FLOOR-RCPT-{n}",
        payload={"picking": picking_id, "lines": lines, **({} if backorder is None else {"backorder": backorder})},
        next_try_at=timezone.now(),
    )


def test_a_full_receipt_is_validated_with_the_received_quantities(odoo, wh):
    odoo_id, product = floor_product(odoo, "Widget")
    picking = odoo.seed_receipt(lines=[(odoo_id, 10)], origin="PO-1")
    op = sent(receipt_operation(odoo, wh, picking, [(product, 10, {})]))
    assert odoo.get("stock.picking", picking, ["state"])["state"] == "done"
    assert odoo.on_hand(odoo_id) == 10.0
    assert op.odoo_ids == {"picking": picking, "backorders": []}


def test_a_short_receipt_makes_a_backorder_for_the_rest(odoo, wh):
    odoo_id, product = floor_product(odoo, "Widget")
    picking = odoo.seed_receipt(lines=[(odoo_id, 10)], origin="PO-2")
    op = sent(receipt_operation(odoo, wh, picking, [(product, 6, {})]))
    [backorder] = op.odoo_ids["backorders"]
    assert odoo.on_hand(odoo_id) == 6.0
    assert (
        odoo.get("stock.move", odoo.get("stock.picking", backorder, ["move_ids"])["move_ids"][0], ["product_uom_qty"])[
            "product_uom_qty"
        ]
        == 4.0
    )


def test_a_short_receipt_closes_short_when_the_setting_says_no_backorder(odoo, wh, settings):
    settings.ODOO_RECEIPT_BACKORDER = False
    odoo_id, product = floor_product(odoo, "Widget")
    picking = odoo.seed_receipt(lines=[(odoo_id, 10)], origin="PO-3")
    op = sent(receipt_operation(odoo, wh, picking, [(product, 6, {})]))
    assert op.odoo_ids["backorders"] == [] and odoo.on_hand(odoo_id) == 6.0
    assert odoo.records("stock.picking", [["backorder_id", "=", picking]], ["id"]) == []


def test_the_floor_can_close_one_receipt_short_whatever_the_setting(odoo, wh, settings):
    settings.ODOO_RECEIPT_BACKORDER = True
    odoo_id, product = floor_product(odoo, "Widget")
    picking = odoo.seed_receipt(lines=[(odoo_id, 10)], origin="PO-3B")
    op = sent(receipt_operation(odoo, wh, picking, [(product, 6, {})], backorder=False))
    assert op.odoo_ids["backorders"] == []


def test_a_lot_received_on_the_floor_becomes_a_lot_in_odoo(odoo, wh):
    odoo_id, product = floor_product(odoo, "Vaccine", tracking="lot")
    picking = odoo.seed_receipt(lines=[(odoo_id, 5)], origin="PO-4")
    sent(receipt_operation(odoo, wh, picking, [(product, 5, {"lot_name": "LOT-A-001"})]))
    [lot] = odoo.records("stock.lot", [["product_id", "=", odoo_id]], ["name"])
    assert lot["name"] == "LOT-A-001" and odoo.on_hand(odoo_id, lot_id=lot["id"]) == 5.0


def test_a_retry_after_the_answer_was_lost_validates_once(odoo, wh):
    odoo_id, product = floor_product(odoo, "Widget")
    picking = odoo.seed_receipt(lines=[(odoo_id, 10)], origin="PO-5")
    op = receipt_operation(odoo, wh, picking, [(product, 6, {})])
    odoo.commit_then_drop(model="stock.picking", method="button_validate", times=1)
    push.send(op.pk)
    op.refresh_from_db()
    assert op.state == "pending"
    op.next_try_at = timezone.now()
    op.save()
    sent(op)
    assert odoo.on_hand(odoo_id) == 6.0  # not 12: received once
    assert len(odoo.records("stock.picking", [["backorder_id", "=", picking]], ["id"])) == 1


def test_odoo_calls_per_receipt_are_the_same_for_1_and_100_lines(odoo, wh):
    counts = {}
    for n, size in ((0, 1), (1, 1), (2, 100)):  # the first warms the shared client
        products = [floor_product(odoo, f"Item {n}-{i}") for i in range(size)]
        picking = odoo.seed_receipt(lines=[(oid, 3) for oid, _p in products], origin=f"PO-SIZE-{n}")
        op = receipt_operation(odoo, wh, picking, [(p, 3, {}) for _oid, p in products], n=100 + n)
        before = odoo.call_count()
        sent(op)
        counts[size if n else 0] = odoo.call_count() - before
    # Read the picking, read its lines, one write, validate, read the outcome.
    assert counts[1] == counts[100] == 5, counts


def test_a_pallet_and_an_item_the_receipt_did_not_expect_reach_odoo(odoo, wh):
    from floor.warehouse.models import Package

    expected_id, expected = floor_product(odoo, "Widget")
    surprise_id, surprise = floor_product(odoo, "Gadget")
    picking = odoo.seed_receipt(lines=[(expected_id, 10)], origin="PO-LP")
    pallet = Package.objects.create(barcode="123456789012345675")
    [move] = odoo.records("stock.move", [["picking_id", "=", picking]], ["id"])
    op = sent(
        Operation.objects.create(
            kind=Operation.Kind.RECEIPT,
            warehouse=wh,
            reference="FLOOR-RCPT-LP",
            payload={
                "picking": picking,
                "lines": [
                    {"move": move["id"], "product": expected.pk, "quantity": "10", "lot": None, "package": pallet.pk},
                    {"move": None, "product": surprise.pk, "quantity": "2", "lot": None, "package": pallet.pk},
                ],
            },
            next_try_at=timezone.now(),
        )
    )
    assert odoo.on_hand(expected_id) == 10.0 and odoo.on_hand(surprise_id) == 2.0
    [package] = odoo.records(odoo.package_model, [["name", "=", pallet.barcode]], ["id"])
    lines = odoo.records("stock.move.line", [["picking_id", "=", picking]], ["result_package_id"])
    assert {line["result_package_id"][0] for line in lines} == {package["id"]}
    assert op.odoo_ids["picking"] == picking
