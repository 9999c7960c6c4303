"""A picking changed or cancelled in Odoo: followed while the floor has not started, an exception
(never an overwrite of scanned work) once it has."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, transaction

from floor.odoo.models import InternalPicking, Operation, PullCursor, SyncException
from floor.odoo.pull import resolve_exception
from floor.picking.models import Order
from floor.receiving.models import Receipt
from floor.returns.models import Return
from floor.warehouse.models import Warehouse
from tests import factories
from tests.odoo.test_pull_support import connect, later, pull_now
from tests.odoo_double.seed import move_vals

pytestmark = pytest.mark.django_db


@pytest.fixture
def odoo(odoo_double, settings):
    return connect(odoo_double, settings)


def lines_of(document, quantity="expected"):
    return sorted((line.product.sku, getattr(line, quantity)) for line in document.lines.all())


def moves_of(double, picking):
    return double.search("stock.move", [("picking_id", "=", picking)])


def add_move(double, picking, product, qty):
    vals = move_vals(double.env, product, qty, double.ids["supplier"], double.ids["stock"])
    double.write("stock.picking", picking, {"move_ids": [(0, 0, vals)]})


@pytest.fixture
def receipt(odoo):
    """An open receipt of 10 widgets and 4 lot items, pulled; Odoo's clock then moves on."""
    picking = odoo.seed_receipt(lines=[(odoo.ids["product"], 10), (odoo.ids["product_lot"], 4)], origin="PO-1")
    pull_now()
    later(odoo)
    return picking


@pytest.fixture
def widget_receipt(odoo):
    """An open receipt of 10 widgets (no lots: Odoo validates it as it is), pulled."""
    picking = odoo.seed_receipt(lines=[(odoo.ids["product"], 10)], origin="PO-2")
    pull_now()
    later(odoo)
    return picking


def receive(picking, sku="FW-100", qty=3):
    receipt = Receipt.objects.get(odoo_id=picking)
    receipt.lines.filter(product__sku=sku).update(received=qty)
    Receipt.objects.filter(pk=receipt.pk).update(state=Receipt.State.RECEIVING)


def test_a_receipt_changed_in_odoo_before_any_scan_follows_odoo(odoo, receipt):
    widget_move, lot_move = moves_of(odoo, receipt)
    odoo.write("stock.move", widget_move, {"product_uom_qty": 12})
    odoo.write("stock.move", lot_move, {"state": "cancel"})  # the line taken off the receipt
    add_move(odoo, receipt, odoo.ids["product_serial"], 2)
    odoo.write("stock.picking", receipt, {"origin": "PO-1-B"})
    result = pull_now()
    document = Receipt.objects.get(odoo_id=receipt)
    assert lines_of(document) == [("FS-300", Decimal(2)), ("FW-100", Decimal(12))]
    assert document.lines.get(product__sku="FW-100").odoo_move_id == widget_move  # the same line, changed
    assert (document.vendor_reference, document.state, document.odoo_changed) == ("PO-1-B", "open", False)
    assert result.updated["receipts"] == 1 and result.exceptions == 0
    assert not SyncException.objects.exists()


def test_a_receipt_changed_in_odoo_after_a_line_was_received_keeps_floors_lines_and_raises_an_exception(odoo, receipt):
    receive(receipt)
    widget_move, _lot_move = moves_of(odoo, receipt)
    odoo.write("stock.move", widget_move, {"product_uom_qty": 12})
    add_move(odoo, receipt, odoo.ids["product_serial"], 2)
    result = pull_now()

    document = Receipt.objects.get(odoo_id=receipt)
    assert lines_of(document) == [("FL-200", Decimal(4)), ("FW-100", Decimal(10))]
    assert document.lines.get(product__sku="FW-100").received == Decimal(3)
    assert (document.state, document.odoo_changed) == ("receiving", True)
    assert result.exceptions == 1
    exception = SyncException.objects.get()
    assert (exception.kind, exception.reference, exception.odoo_id, exception.resolved) == (
        "receipt",
        document.reference,
        receipt,
        False,
    )
    assert exception.warehouse == document.warehouse
    assert "while receiving was under way" in exception.message
    assert "FW-100 Floor Widget 10 → 12" in exception.message
    assert "FS-300 Floor Serial Item added (2)" in exception.message

    again = pull_now()  # the same difference is not raised twice
    assert again.exceptions == 0 and SyncException.objects.count() == 1


def test_a_receipt_cancelled_in_odoo_while_under_way_is_an_exception_not_a_cancel(odoo, receipt):
    receive(receipt)
    odoo.call("stock.picking", "action_cancel", [receipt])
    pull_now()
    document = Receipt.objects.get(odoo_id=receipt)
    assert (document.state, document.odoo_changed) == ("receiving", True)
    assert lines_of(document) == [("FL-200", Decimal(4)), ("FW-100", Decimal(10))]
    assert "Cancelled in Odoo while receiving was under way" in SyncException.objects.get().message


def test_a_receipt_cancelled_in_odoo_with_no_work_is_cancelled(odoo, receipt):
    odoo.call("stock.picking", "action_cancel", [receipt])
    result = pull_now()
    document = Receipt.objects.get(odoo_id=receipt)
    assert (document.state, document.odoo_changed) == ("cancelled", False)
    assert result.updated["receipts"] == 1 and not SyncException.objects.exists()


def test_a_receipt_the_floor_is_receiving_counts_as_under_way_even_before_a_quantity(odoo, receipt):
    Receipt.objects.filter(odoo_id=receipt).update(state=Receipt.State.RECEIVING)
    odoo.call("stock.picking", "action_cancel", [receipt])
    pull_now()
    assert Receipt.objects.get(odoo_id=receipt).state == "receiving"
    assert SyncException.objects.count() == 1


def test_a_receipt_validated_by_floors_own_push_raises_nothing(odoo, widget_receipt):
    receive(widget_receipt, qty=10)
    document = Receipt.objects.get(odoo_id=widget_receipt)
    Operation.objects.create(
        kind="receipt",
        warehouse=document.warehouse,
        reference="FLOOR-RCV-1",
        payload={"picking": widget_receipt, "lines": []},
        odoo_ids={"picking": widget_receipt},
    )
    odoo.validate(widget_receipt)
    pull_now()
    document.refresh_from_db()
    assert (document.state, document.odoo_changed) == ("receiving", False)  # receiving closes it, not the pull
    assert not SyncException.objects.exists()


def test_a_receipt_validated_in_odoo_while_the_floor_receives_it_is_an_exception(odoo, widget_receipt):
    receive(widget_receipt)
    odoo.validate(widget_receipt)
    pull_now()
    document = Receipt.objects.get(odoo_id=widget_receipt)
    assert (document.state, document.odoo_changed) == ("receiving", True)
    assert "Validated in Odoo while receiving was under way" in SyncException.objects.get().message


def test_a_receipt_validated_in_odoo_before_the_floor_started_is_closed(odoo, widget_receipt):
    odoo.validate(widget_receipt)
    pull_now()
    assert Receipt.objects.get(odoo_id=widget_receipt).state == "done"
    assert not SyncException.objects.exists()


def test_a_resolved_exception_is_not_raised_again_but_a_new_change_is(odoo, receipt):
    receive(receipt)
    widget_move, _lot_move = moves_of(odoo, receipt)
    odoo.write("stock.move", widget_move, {"product_uom_qty": 12})
    pull_now()
    supervisor = factories.user(roles=["supervisor"])
    resolve_exception(exception=SyncException.objects.get(), actor=supervisor)
    document = Receipt.objects.get(odoo_id=receipt)
    assert document.odoo_changed is False
    exception = SyncException.objects.get()
    assert (exception.resolved, exception.resolved_by) == (True, supervisor)

    pull_now()
    assert SyncException.objects.count() == 1 and not Receipt.objects.get(odoo_id=receipt).odoo_changed
    later(odoo)
    odoo.write("stock.move", widget_move, {"product_uom_qty": 15})
    pull_now()
    assert SyncException.objects.filter(resolved=False).count() == 1
    assert Receipt.objects.get(odoo_id=receipt).odoo_changed


def test_a_delivery_changed_while_picking_keeps_its_lines(odoo):
    odoo.seed_stock(odoo.ids["product"], 20)
    delivery = odoo.seed_delivery(lines=[(odoo.ids["product"], 5)])
    pull_now()
    later(odoo)
    order = Order.objects.get(odoo_id=delivery)
    order.lines.update(picked=2)
    [move] = moves_of(odoo, delivery)
    odoo.write("stock.move", move, {"product_uom_qty": 3})
    pull_now()
    order.refresh_from_db()
    assert lines_of(order, "ordered") == [("FW-100", Decimal(5))]
    assert order.odoo_changed
    assert "while picking was under way" in SyncException.objects.get(kind="order").message


def test_an_order_in_a_wave_cancelled_in_odoo_is_an_exception(odoo):
    odoo.seed_stock(odoo.ids["product"], 20)
    delivery = odoo.seed_delivery(lines=[(odoo.ids["product"], 5)])
    pull_now()
    later(odoo)
    Order.objects.filter(odoo_id=delivery).update(state=Order.State.IN_WAVE)
    odoo.call("stock.picking", "action_cancel", [delivery])
    pull_now()
    assert Order.objects.get(odoo_id=delivery).state == "in_wave"
    assert SyncException.objects.get().kind == "order"


def test_an_order_cancelled_in_odoo_with_no_work_is_cancelled(odoo):
    odoo.seed_stock(odoo.ids["product"], 20)
    delivery = odoo.seed_delivery(lines=[(odoo.ids["product"], 5)])
    pull_now()
    later(odoo)
    odoo.call("stock.picking", "action_cancel", [delivery])
    pull_now()
    assert Order.objects.get(odoo_id=delivery).state == "cancelled"


def return_of(double, picking, qty):
    """What a person does in Odoo to take goods back: the return wizard."""
    context = {"active_id": picking, "active_ids": [picking], "active_model": "stock.picking"}
    wizard = double.create("stock.return.picking", {"picking_id": picking}, context=context)
    double.write(
        "stock.return.picking.line",
        double.search("stock.return.picking.line", [("wizard_id", "=", wizard)]),
        {"quantity": qty},
    )
    method = "create_returns" if double.version == "17.0" else "action_create_returns"
    return double.call("stock.return.picking", method, [wizard], context=context)["res_id"]


def test_a_return_comes_with_its_order_and_follows_odoo(odoo):
    odoo.seed_stock(odoo.ids["product"], 20)
    delivery = odoo.seed_delivery(lines=[(odoo.ids["product"], 5)])
    pull_now()
    later(odoo)
    odoo.validate(delivery)
    returned = return_of(odoo, delivery, 2)
    pull_now()
    order = Order.objects.get(odoo_id=delivery)
    assert order.state == "shipped"  # validated in Odoo, nothing picked on the floor
    ret = Return.objects.get(odoo_id=returned)
    assert (ret.order, ret.customer, ret.state) == (order, "Lumber Inc", "expected")
    assert lines_of(ret) == [("FW-100", Decimal(2))]
    assert ret.lines.get().odoo_move_id == moves_of(odoo, returned)[0]
    assert not Receipt.objects.filter(odoo_id=returned).exists()  # a return, not a receipt

    later(odoo)
    ret.lines.update(inspected=1)
    odoo.call("stock.picking", "action_cancel", [returned])
    pull_now()
    ret.refresh_from_db()
    assert (ret.state, ret.odoo_changed) == ("expected", True)
    assert "while inspection was under way" in SyncException.objects.get(kind="return").message


def test_an_internal_transfer_follows_odoo_and_floors_own_pickings_are_left_out(odoo):
    ids = odoo.ids
    odoo.seed_stock(ids["product"], 5)
    transfer = odoo.seed_internal(lines=[(ids["product"], 2)], src=ids["stock"], dst=ids["shelf_1"])
    Operation.objects.create(
        kind="internal", warehouse=factories.warehouse("WH"), reference="FLOOR-MOVE-9", payload={"lines": []}
    )
    odoo.seed_internal(lines=[(ids["product"], 1)], src=ids["stock"], dst=ids["shelf_2"], origin="FLOOR-MOVE-9")
    pull_now()
    assert list(InternalPicking.objects.values_list("odoo_id", flat=True)) == [transfer]
    assert Warehouse.objects.count() == 1
    later(odoo)
    [move] = moves_of(odoo, transfer)
    odoo.write("stock.move", move, {"product_uom_qty": 4})
    pull_now()
    assert InternalPicking.objects.get().lines.get().quantity == Decimal(4)
    odoo.call("stock.picking", "action_cancel", [transfer])
    pull_now()
    assert InternalPicking.objects.get().state == "cancelled"


def test_a_full_pull_finds_what_an_incremental_pull_did_not_see(odoo, receipt):
    odoo.call("stock.picking", "action_cancel", [receipt])
    Receipt.objects.filter(odoo_id=receipt).update(expected_date=None)
    # As if the cancel had been missed: the cursor is already past it.
    PullCursor.objects.filter(model="stock.picking").update(last_write_date="2100-01-01T00:00:00Z")
    pull_now()
    assert Receipt.objects.get(odoo_id=receipt).state == "open"
    pull_now(full=True)
    assert Receipt.objects.get(odoo_id=receipt).state == "cancelled"


def test_a_picking_deleted_in_odoo_is_cancelled_or_with_work_an_exception(odoo):
    quiet = odoo.seed_receipt(lines=[(odoo.ids["product"], 1)], origin="PO-Q")
    busy = odoo.seed_receipt(lines=[(odoo.ids["product"], 2)], origin="PO-B")
    pull_now()
    receive(busy, qty=1)
    for picking in (quiet, busy):
        odoo.call("stock.picking", "action_cancel", [picking])
        odoo.call("stock.picking", "unlink", [picking])
    PullCursor.objects.filter(model="stock.picking").update(last_write_date="2100-01-01T00:00:00Z")
    pull_now(full=True)
    assert Receipt.objects.get(odoo_id=quiet).state == "cancelled"
    busy_receipt = Receipt.objects.get(odoo_id=busy)
    assert (busy_receipt.state, busy_receipt.odoo_changed) == ("receiving", True)
    assert "Deleted in Odoo while receiving was under way" in SyncException.objects.get().message


def pull_waits_on_a_lock(seconds=10) -> bool:
    """Whether another session comes to wait on a row lock (the pull, on the scan's rows)."""
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.02)
    return False


@pytest.mark.django_db(transaction=True)
def test_a_scan_in_progress_is_waited_for_and_never_overwritten(postgres, odoo18, settings):
    """A receiver scans (document, then line locked) while the pull applies Odoo's change: the
    pull waits for the scan's commit, sees the work and raises an exception."""
    odoo = connect(odoo18, settings)
    picking = odoo.seed_receipt(lines=[(odoo.ids["product"], 10)])
    pull_now()
    later(odoo)
    [move] = moves_of(odoo, picking)
    odoo.write("stock.move", move, {"product_uom_qty": 12})
    held, waited = threading.Event(), []

    def scan():
        try:
            with transaction.atomic():
                receipt = Receipt.objects.select_for_update().get(odoo_id=picking)
                line = receipt.lines.select_for_update().get()
                held.set()
                waited.append(pull_waits_on_a_lock())
                line.received = Decimal(3)
                line.save()
                receipt.state = Receipt.State.RECEIVING
                receipt.save()
        finally:
            connection.close()

    scanner = threading.Thread(target=scan)
    scanner.start()
    held.wait(10)
    puller = threading.Thread(target=lambda: (pull_now(), connection.close()))
    puller.start()
    scanner.join(20)
    puller.join(30)
    assert waited == [True]
    line = Receipt.objects.get(odoo_id=picking).lines.get()
    assert (line.expected, line.received) == (Decimal(10), Decimal(3))
    assert SyncException.objects.get().odoo_id == picking
