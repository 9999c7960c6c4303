"""A Move-stock transfer reaches Odoo as one validated internal picking, exactly once."""

from decimal import Decimal

import pytest

from floor.ledger.models import Move
from floor.odoo import outbox, push
from floor.odoo.models import Operation
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def floor_in_odoo(odoo, odoo_warehouse):
    """Floor master data carrying the ids Odoo gave it (as a pull would leave them)."""
    double, wh = odoo, odoo_warehouse
    shelf_a = double.seed_location("Shelf A", barcode="A-01-01")
    shelf_b = double.seed_location("Shelf B", barcode="B-01-01")
    item = double.seed_product("Floor Widget", default_code="FW-1", barcode="4006381333931")
    double.seed_stock(item, 10, location=shelf_a)
    a, b = factories.storage_bin(wh, aisle="A"), factories.storage_bin(wh, aisle="B")
    type(a).objects.filter(pk=a.pk).update(odoo_id=shelf_a)
    type(b).objects.filter(pk=b.pk).update(odoo_id=shelf_b)
    product = factories.product(gtin="4006381333931", odoo_id=item, odoo_uom_id=1)
    return double, wh, a, b, product, (shelf_a, shelf_b, item)


def internal_operation(wh, a, b, product, qty=3, n=1):
    move = Move(product=product, quantity=Decimal(qty), from_location=a, to_location=b, pk=n)
    return Operation.objects.create(
        kind=Operation.Kind.INTERNAL,
        warehouse=wh,
        reference=f"FLOOR-MOVE-{n}",
        payload={"lines": outbox.lines_of([move])},
        next_try_at=outbox.timezone.now(),
    )


def pickings(double, reference):
    return double.records("stock.picking", [["origin", "=", reference]], ["state", "picking_type_id"])


def test_a_transfer_becomes_one_validated_internal_picking(floor_in_odoo):
    double, wh, a, b, product, (shelf_a, shelf_b, item) = floor_in_odoo
    op = internal_operation(wh, a, b, product)
    push.send(op.pk)
    op.refresh_from_db()
    assert op.state == "sent", op.last_error
    [picking] = pickings(double, op.reference)
    assert picking["state"] == "done" and op.odoo_ids == {"picking": picking["id"]}
    assert (double.on_hand(item, shelf_a), double.on_hand(item, shelf_b)) == (7.0, 3.0)


def test_an_answer_lost_after_odoo_validated_is_not_validated_twice(floor_in_odoo):
    double, wh, a, b, product, (shelf_a, shelf_b, item) = floor_in_odoo
    op = internal_operation(wh, a, b, product)
    double.commit_then_drop(model="stock.picking", method="button_validate", times=1)
    push.send(op.pk)
    op.refresh_from_db()
    assert op.state == "pending" and op.attempts == 1  # looked like a network failure: retry later
    op.next_try_at = outbox.timezone.now()
    op.save()
    push.send(op.pk)
    op.refresh_from_db()
    assert op.state == "sent"
    assert len(pickings(double, op.reference)) == 1
    assert len(double.calls(model="stock.picking", method="button_validate")) == 1
    assert (double.on_hand(item, shelf_a), double.on_hand(item, shelf_b)) == (7.0, 3.0)


def test_a_picking_created_before_a_timeout_is_reused_not_created_again(floor_in_odoo):
    double, wh, a, b, product, _ids = floor_in_odoo
    op = internal_operation(wh, a, b, product)
    double.commit_then_drop(model="stock.picking", method="action_confirm", times=1)
    push.send(op.pk)
    op.refresh_from_db()
    op.next_try_at = outbox.timezone.now()
    op.save()
    push.send(op.pk)
    op.refresh_from_db()
    assert op.state == "sent", op.last_error
    assert len(pickings(double, op.reference)) == 1


def test_odoo_down_leaves_the_operation_waiting_with_backoff(floor_in_odoo):
    double, wh, a, b, product, _ids = floor_in_odoo
    op = internal_operation(wh, a, b, product)
    double.http_error(503, times=None)
    push.send(op.pk)
    op.refresh_from_db()
    assert op.state == "pending" and op.next_try_at > outbox.timezone.now() and "503" in op.last_error
    double.clear_faults()


def test_a_bin_odoo_does_not_know_waits_for_a_person_with_a_clear_reason(floor_in_odoo):
    double, wh, a, b, product, _ids = floor_in_odoo
    unknown = factories.storage_bin(wh, aisle="Z")
    op = internal_operation(wh, a, unknown, product)
    push.send(op.pk)
    op.refresh_from_db()
    assert op.state == "failed" and "pull from Odoo" in op.last_error


def test_calls_per_transfer_do_not_grow_with_its_lines(floor_in_odoo):
    double, wh, a, b, product, (shelf_a, shelf_b, item) = floor_in_odoo
    counts = {}
    for n, lines in ((0, 1), (1, 1), (2, 20)):  # the first warms the client (sign-in, warehouse)
        moves = [Move(product=product, quantity=Decimal(1), from_location=a, to_location=b) for _ in range(lines)]
        op = Operation.objects.create(
            kind=Operation.Kind.INTERNAL,
            warehouse=wh,
            reference=f"FLOOR-MANY-{n}",
            payload={"lines": outbox.lines_of(moves)},
            next_try_at=outbox.timezone.now(),
        )
        before = double.call_count()
        push.send(op.pk)
        op.refresh_from_db()
        assert op.state == "sent", op.last_error
        counts[lines] = double.call_count() - before
    # Find it, create, confirm, read its moves, read its lines, one write, validate.
    assert counts[1] == counts[20] == 7, counts


def test_a_pallet_put_away_from_an_input_odoo_does_not_model_moves_whole_from_its_stock(floor_in_odoo):
    from floor.warehouse.models import Location, Package
    from floor.warehouse.services import location_of_kind

    double, wh, a, b, product, (shelf_a, shelf_b, item) = floor_in_odoo
    [odoo_wh] = double.records("stock.warehouse", [], ["lot_stock_id"])
    stock_id = odoo_wh["lot_stock_id"][0]
    input_area = location_of_kind(wh, Location.Kind.INPUT)  # not linked: a one-step warehouse's input
    pallet = Package.objects.create(barcode="123456789012345675")
    package_id = double.seed_package(pallet.barcode)
    double.seed_stock(item, 6, location=stock_id, package=package_id)
    move = Move(product=product, quantity=Decimal(6), from_location=input_area, to_location=b, package=pallet, pk=7)
    op = Operation.objects.create(
        kind=Operation.Kind.INTERNAL,
        warehouse=wh,
        reference="FLOOR-PUTAWAY-7",
        payload={"lines": outbox.lines_of([move])},
        next_try_at=outbox.timezone.now(),
    )
    push.send(op.pk)
    op.refresh_from_db()
    assert op.state == "sent", op.last_error
    assert double.on_hand(item, shelf_b) == 6.0
    [quant] = double.records("stock.quant", [["location_id", "=", shelf_b], ["product_id", "=", item]], ["package_id"])
    assert quant["package_id"][0] == package_id


def test_a_move_between_two_areas_odoo_does_not_model_sends_nothing(floor_in_odoo):
    from floor.warehouse.models import Location
    from floor.warehouse.services import location_of_kind

    double, wh, a, b, product, (shelf_a, shelf_b, item) = floor_in_odoo
    dock, input_area = location_of_kind(wh, Location.Kind.DOCK), location_of_kind(wh, Location.Kind.INPUT)
    op = internal_operation(wh, dock, input_area, product, n=8)
    push.send(op.pk)
    op.refresh_from_db()
    assert op.state == "sent" and op.odoo_ids == {"picking": None}
    assert pickings(double, op.reference) == []
