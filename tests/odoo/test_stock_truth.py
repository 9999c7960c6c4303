"""Floor's on-hand follows Odoo's: the stock Odoo held before Floor comes in once, as an opening
balance, and every move Odoo makes itself is posted once, on 17, 18 and 19."""

from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import call_command

from floor.ledger import services as ledger
from floor.ledger.models import Move, Quant
from floor.odoo import outbox
from floor.odoo.models import OdooMoveLine, OpeningBalance, Operation, SyncException
from floor.odoo.stock import PAGE
from floor.receiving.models import Receipt
from floor.warehouse.models import Location, Lot, Package, Product, Warehouse
from floor.warehouse.services import add_bin, add_zone, create_warehouse, virtual_location
from tests import factories
from tests.odoo.pushing import sent
from tests.odoo.test_pull_support import connect, later, pull_now

pytestmark = pytest.mark.django_db


@pytest.fixture
def odoo(odoo_double, settings):
    return connect(odoo_double, settings)


def odoo_stock(double) -> dict:
    """Odoo's on-hand in internal locations: {(location, item, lot, package): quantity}, Odoo ids."""
    held = defaultdict(Decimal)
    for quant in double.records("stock.quant", [], ["location_id", "product_id", "lot_id", "package_id", "quantity"]):
        location = quant["location_id"][0]
        if double.get("stock.location", location, ["usage"])["usage"] != "internal" or not quant["quantity"]:
            continue
        key = (
            location,
            quant["product_id"][0],
            quant["lot_id"] and quant["lot_id"][0],
            quant["package_id"] and quant["package_id"][0],
        )
        held[key] += Decimal(str(quant["quantity"])).quantize(Decimal("0.001"))
    return {key: qty for key, qty in held.items() if qty}


def floor_stock() -> dict:
    """Floor's on-hand in real locations, in Odoo's ids."""
    held = defaultdict(Decimal)
    quants = Quant.objects.exclude(quantity=0).exclude(location__kind__in=Location.VIRTUAL_KINDS)
    for quant in quants.select_related("location", "product", "lot", "package"):
        key = (
            quant.location.odoo_id,
            quant.product.odoo_id,
            quant.lot.odoo_id if quant.lot else False,
            quant.package.odoo_id if quant.package else False,
        )
        held[key] += quant.quantity
    return {key: qty for key, qty in held.items() if qty}


def stocked(odoo):
    """Odoo holding stock before Floor: loose, in lots, in a package, in bins and in WH/Stock."""
    ids = odoo.ids
    bin_a = odoo.seed_location("A-01-01", parent=ids["shelf_1"], barcode="A-01-01")
    bin_b = odoo.seed_location("B-02-03", parent=ids["shelf_2"], barcode="B-02-03")
    odoo.seed_stock(ids["product"], 60, location=bin_a)
    odoo.seed_stock(ids["product"], 4, location=ids["stock"])
    odoo.seed_stock(ids["product_lot"], 12, location=bin_b, lot="L-100")
    odoo.seed_stock(ids["product_lot"], 3, location=bin_b, lot="L-200")
    odoo.seed_stock(ids["product"], 24, location=bin_b, package="PACK-0001")
    return bin_a, bin_b


def test_floor_starts_with_the_stock_odoo_already_holds(odoo):
    bin_a, _bin_b = stocked(odoo)
    before = odoo_stock(odoo)
    result = pull_now()
    assert floor_stock() == before
    assert result.created["opening stock"] == 5
    # Every unit's origin is visible: it came from Odoo's opening balance, into its bin.
    opening = Location.objects.get(kind="opening")
    widget = Product.objects.get(odoo_id=odoo.ids["product"])
    [move] = Move.objects.filter(product=widget, to_location__odoo_id=bin_a)
    assert (move.from_location, move.quantity, move.reference) == (opening, Decimal("60.000"), "Odoo opening balance")
    assert Lot.objects.filter(name__in=["L-100", "L-200"]).count() == 2
    assert Package.objects.get(barcode="PACK-0001").quants.get().quantity == 24
    call_command("check_ledger")  # the ledger's invariant holds: quants are the sum of the moves
    balance = OpeningBalance.objects.get(warehouse__odoo_id=odoo.ids["warehouse"])
    assert balance.finished_at and balance.quants == 5 and balance.taken


def test_a_second_pull_posts_nothing_more(odoo):
    stocked(odoo)
    pull_now()
    moves = Move.objects.count()
    again = pull_now()
    assert Move.objects.count() == moves
    assert again.created["opening stock"] == 0 and again.created["odoo moves"] == 0
    assert floor_stock() == odoo_stock(odoo)


def test_the_opening_reads_quants_a_page_at_a_time(odoo):
    """The calls grow with pages of quants, not with quants: 10 against 1,000."""
    shelf = odoo.ids["shelf_1"]
    items = [odoo.seed_product(f"Item {n}", default_code=f"IT-{n:04d}") for n in range(1000)]
    for n, item in enumerate(items[:10]):
        odoo.seed_stock(item, n + 1, location=shelf)
    pull_now()
    few = len(odoo.calls(model="stock.quant", method="search_read"))
    Warehouse.objects.all().update(odoo_id=None)
    OpeningBalance.objects.all().delete()
    for n, item in enumerate(items[10:]):
        odoo.seed_stock(item, n + 1, location=shelf)
    odoo.clear_calls()
    pull_now(opening=True)
    many = len(odoo.calls(model="stock.quant", method="search_read"))
    # 10 quants: one page; 1,000: two full pages and a last, empty one; each pull also reads the
    # quants whose count is due or requested (floor/odoo/pull/schedule.py), one page here.
    assert (few, many) == (1 + 1, 1000 // PAGE + 1 + 1)
    assert floor_stock() == odoo_stock(odoo)


def test_stock_at_a_location_floor_does_not_hold_is_reported_not_guessed(odoo):
    elsewhere = odoo.seed_location("Overflow", parent=odoo.ids["wh_view"])
    odoo.write("stock.location", [elsewhere], {"active": False})  # archived: the pull does not take it in
    odoo.seed_stock(odoo.ids["product"], 7, location=elsewhere)
    pull_now()
    assert not Move.objects.filter(to_location__kind="storage").exists()
    [exception] = SyncException.objects.filter(kind="stock")
    assert "Overflow" in exception.message and "not brought in" in exception.message
    assert OpeningBalance.objects.get().left_out == 1


def test_a_warehouse_floor_already_holds_stock_in_gets_no_opening_balance_on_its_own(odoo):
    stocked(odoo)
    wh = create_warehouse(code="WH", name="Main")  # Floor ran before Odoo was connected
    own = add_bin(add_zone(wh, name="Floor zone"), aisle="Z", bay=1, level=1)
    factories.stock(own, factories.product(sku="OWN-1"), 5)
    pull_now()
    assert not Move.objects.filter(from_location__kind="opening").exists()
    assert OpeningBalance.objects.get().taken is False
    assert "took no opening balance" in SyncException.objects.get(kind="stock").message
    # Asked for, it is taken once.
    pull_now(opening=True)
    assert Move.objects.filter(from_location__kind="opening").count() == 5
    pull_now(opening=True)
    assert Move.objects.filter(from_location__kind="opening").count() == 5


# --- Odoo's own moves


def test_a_receipt_validated_in_odoo_reaches_floor_once(odoo):
    stocked(odoo)
    pull_now()
    receipt = odoo.seed_receipt(lines=[(odoo.ids["product"], 10)], origin="PO-77")
    pull_now()  # the floor sees the receipt as work to do
    odoo.validate(receipt)  # ... but someone validates it in Odoo's own screens
    pull_now()
    assert floor_stock() == odoo_stock(odoo)
    [line] = OdooMoveLine.objects.filter(state="posted")
    move = Move.objects.get(key=line.key)
    assert (move.from_location.kind, move.quantity, move.reference) == ("vendor", Decimal("10.000"), line.reference)
    assert Receipt.objects.get(odoo_id=receipt).state == "done"
    moves = Move.objects.count()
    pull_now()
    assert Move.objects.count() == moves


def test_an_adjustment_in_odoo_reaches_floor_once(odoo):
    bin_a, _bin_b = stocked(odoo)
    pull_now()
    [quant] = odoo.records(
        "stock.quant", [("location_id", "=", bin_a), ("product_id", "=", odoo.ids["product"])], ["id"]
    )
    odoo.write("stock.quant", [quant["id"]], {"inventory_quantity": 55})
    odoo.call("stock.quant", "action_apply_inventory", [quant["id"]], context={"inventory_mode": True})
    pull_now()
    assert floor_stock() == odoo_stock(odoo)
    widget = Product.objects.get(odoo_id=odoo.ids["product"])
    assert Quant.objects.get(location__odoo_id=bin_a, product=widget).quantity == 55
    [move] = Move.objects.filter(key__startswith="odoo:")
    assert (move.to_location.kind, move.quantity) == ("inventory_loss", Decimal("5.000"))
    pull_now()
    assert Move.objects.filter(key__startswith="odoo:").count() == 1


def test_floors_own_pushes_are_not_posted_again(odoo):
    bin_a, bin_b = stocked(odoo)
    pull_now()
    floor_bin_a, floor_bin_b = Location.objects.get(odoo_id=bin_a), Location.objects.get(odoo_id=bin_b)
    widget = Product.objects.get(odoo_id=odoo.ids["product"])
    # What Move stock does: the moves and, in the same transaction, the operation for Odoo.
    moves = ledger.post(
        [Move(product=widget, quantity=Decimal(6), from_location=floor_bin_a, to_location=floor_bin_b)], key="move-1"
    )
    operation = outbox.enqueue(
        kind=Operation.Kind.INTERNAL,
        warehouse=floor_bin_a.warehouse,
        reference="FLOOR-MOVE-1",
        payload={"lines": outbox.lines_of(moves)},
    )
    sent(operation)
    pull_now()
    assert not OdooMoveLine.objects.filter(state="posted").exists()
    assert floor_stock() == odoo_stock(odoo)


def test_an_odoo_move_that_takes_more_than_floor_holds_is_refused_and_reported(odoo):
    bin_a, _bin_b = stocked(odoo)
    pull_now()
    widget = Product.objects.get(odoo_id=odoo.ids["product"])
    floor_bin = Location.objects.get(odoo_id=bin_a)
    # The floor scrapped 58 that Odoo has not heard of: Floor holds 2 there.
    ledger.post(
        [Move(product=widget, quantity=Decimal(58), from_location=floor_bin, to_location=virtual_location("scrap"))],
        key="scrapped-on-floor",
    )
    internal = odoo.seed_internal([(odoo.ids["product"], 10)], src=bin_a, dst=odoo.ids["shelf_2"])
    odoo.validate(internal)
    pull_now()
    [line] = OdooMoveLine.objects.exclude(state="covered")
    assert line.state == "refused" and "Floor holds 2" in line.note
    assert Quant.objects.get(location=floor_bin, product=widget).quantity == 2
    assert SyncException.objects.filter(kind="stock", odoo_model="stock.move.line").exists()


def test_a_receipt_odoo_validates_while_the_floor_receives_it_is_held_not_posted_twice(odoo):
    stocked(odoo)
    receipt = odoo.seed_receipt(lines=[(odoo.ids["product"], 10)], origin="PO-9")
    pull_now()
    document = Receipt.objects.get(odoo_id=receipt)
    document.state = Receipt.State.RECEIVING  # a receiver is counting it at the dock
    document.save(update_fields=["state"])
    odoo.validate(receipt)
    pull_now()
    [line] = OdooMoveLine.objects.filter(state="held")
    assert document.reference in line.note
    assert not Move.objects.filter(key__startswith="odoo:").exists()
    assert SyncException.objects.filter(kind="receipt", message__contains="Validated in Odoo").exists()
    # The receiver finishes: Floor's own receipt is the one truth, Odoo's validation is not added to it.
    widget = Product.objects.get(odoo_id=odoo.ids["product"])
    moves = ledger.post(
        [
            Move(
                product=widget,
                quantity=Decimal(10),
                from_location=virtual_location("vendor"),
                to_location=Location.objects.get(odoo_id=odoo.ids["stock"]),
            )
        ],
        key="received",
    )
    [move_id] = odoo.search("stock.move", [("picking_id", "=", receipt)])
    operation = outbox.enqueue(
        kind=Operation.Kind.RECEIPT,
        warehouse=document.warehouse,
        reference="FLOOR-IN-9",
        payload={
            "picking": receipt,
            "lines": [{"move": move_id, "product": widget.pk, "quantity": "10", "to": moves[0].to_location_id}],
        },
    )
    sent(operation)
    pull_now()
    assert not OdooMoveLine.objects.filter(state="held").exists()
    assert floor_stock() == odoo_stock(odoo)


def test_a_done_line_edited_in_odoo_is_taken_back_and_posted_anew(odoo):
    stocked(odoo)
    pull_now()
    receipt = odoo.seed_receipt(lines=[(odoo.ids["product"], 10)], origin="PO-10")
    odoo.validate(receipt)
    pull_now()
    later(odoo)
    [line_id] = odoo.search("stock.move.line", [("picking_id", "=", receipt)])
    odoo.write("stock.move.line", [line_id], {"quantity": 8})  # corrected in Odoo after validation
    pull_now()
    assert floor_stock() == odoo_stock(odoo)
    line = OdooMoveLine.objects.get(odoo_id=line_id)
    assert (line.state, line.key, line.quantity) == ("posted", f"odoo:{line_id}:1", Decimal(8))
    undone = Move.objects.get(key=f"odoo:{line_id}:undo:1")
    assert undone.reverses.key == f"odoo:{line_id}" and undone.quantity == 10
    call_command("check_ledger")
    moves = Move.objects.count()
    pull_now()
    assert Move.objects.count() == moves


def test_what_someone_does_in_odoos_own_screens_reaches_floor_once(odoo):
    """Marc Demo receives part of a receipt (a backorder for the rest) and counts a bin, in Odoo."""
    bin_a, _bin_b = stocked(odoo)
    receipt = odoo.seed_receipt(lines=[(odoo.ids["product"], 10), (odoo.ids["product_lot"], 5)], origin="PO-12")
    pull_now()
    backorder = odoo.receive(receipt, {odoo.ids["product"]: 6})
    odoo.adjust(odoo.ids["product"], bin_a, 58)
    pull_now()
    assert floor_stock() == odoo_stock(odoo)
    posted = OdooMoveLine.objects.filter(state="posted")
    assert sorted(line.quantity for line in posted) == [Decimal(2), Decimal(6)]
    # The backorder is still expected on the floor; the receipt itself is done.
    assert Receipt.objects.get(odoo_id=receipt).state == "done"
    assert Receipt.objects.get(odoo_id=backorder).state == "open"
    pull_now()
    assert OdooMoveLine.objects.filter(state="posted").count() == 2


def test_a_validation_in_odoo_while_the_pull_reads_is_caught_by_the_next_pull(odoo):
    stocked(odoo)
    pull_now()
    receipt = odoo.seed_receipt(lines=[(odoo.ids["product"], 4)], origin="PO-13")
    odoo.meanwhile(lambda double: double.receive(receipt), model="stock.move.line", method="search_read")
    pull_now()
    pull_now()
    assert floor_stock() == odoo_stock(odoo)
    assert OdooMoveLine.objects.filter(state="posted").count() == 1


def test_odoo_moves_come_in_pages(odoo, monkeypatch):
    from floor.odoo import stock as stock_module

    stocked(odoo)
    pull_now()
    monkeypatch.setattr(stock_module.moves, "PAGE", 2)
    for n in range(5):
        odoo.adjust(odoo.ids["product"], odoo.ids["shelf_1"], n + 1)
    odoo.clear_calls()
    pull_now()
    # The 5 lines of the opening (read again: within the overlap) and the 5 new ones, 2 a page.
    assert len(odoo.calls(model="stock.move.line", method="search_read")) == 6
    assert floor_stock() == odoo_stock(odoo)
    assert OdooMoveLine.objects.filter(state="posted").count() == 5


# --- Odoo's locations, as Odoo itself finds them


def test_virtual_locations_are_found_by_usage_and_company_not_by_xmlid(odoo):
    pull_now()
    linked = dict(Location.objects.filter(warehouse=None).exclude(odoo_id=None).values_list("kind", "odoo_id"))
    assert linked["vendor"] == odoo.ids["supplier"]
    assert linked["customer"] == odoo.ids["customer"]
    assert linked["inventory_loss"] == odoo.ids["inventory_loss"]
    assert linked["production"] == odoo.ids["production"]
    if odoo.version < "19.0":
        assert linked["scrap"] == odoo.ids["scrap"]  # the one flagged scrap_location
    else:
        assert "scrap" not in linked  # 19 scraps into inventory loss
    assert odoo.call_count(model="ir.model.data") == 0
    odoo.clear_calls()
    pull_now()
    assert odoo.call_count(model="stock.location", method="search_read") == 1  # not looked up again


def test_an_odoo_without_a_returns_location_gets_floors(odoo):
    pull_now()
    returns = Location.objects.get(kind="returns")
    made = odoo.get("stock.location", returns.odoo_id, ["name", "usage", "location_id", "barcode"])
    assert (made["name"], made["usage"], made["barcode"]) == ("Returns", "internal", returns.barcode)
    assert made["location_id"][0] == odoo.ids["wh_view"]  # beside the stock, where deliveries do not reserve
    pull_now()
    assert odoo.search("stock.location", [("barcode", "=", returns.barcode)]) == [returns.odoo_id]
    assert Location.objects.get(kind="returns").odoo_id == returns.odoo_id


def test_odoos_own_returns_location_is_the_one_floor_links(odoo):
    dedicated = odoo.seed_location("Returns bay", parent=odoo.ids["wh_view"], barcode="RET-BAY")
    if odoo.version < "18.0":
        odoo.write("stock.picking.type", [odoo.ids["out_type"]], {"default_location_return_id": dedicated})
    else:
        odoo.write("stock.picking.type", [odoo.ids["in_type"]], {"default_location_dest_id": dedicated})
    pull_now()
    assert Location.objects.get(kind="returns").odoo_id == dedicated
    assert not Location.objects.filter(kind="storage", odoo_id=dedicated).exists()
    assert odoo.call_count(model="stock.location", method="create") == 0


def test_odoo_19_is_spoken_to_only_over_json2(odoo19, settings):
    odoo = connect(odoo19, settings)
    stocked(odoo)
    pull_now()
    odoo.receive(odoo.seed_receipt(lines=[(odoo.ids["product"], 3)], origin="PO-19"))
    pull_now()
    assert floor_stock() == odoo_stock(odoo)
    transports = {call.transport for call in odoo.calls()}
    assert transports == {"http", "json2"}
    assert [call.method for call in odoo.calls(transport="http")] == ["version_info", "version_info"]


@pytest.mark.django_db(transaction=True)
def test_an_odoo_move_and_a_floor_scan_racing_for_one_bin_leave_the_ledger_exact(odoo18, settings, postgres):
    """Odoo ships 6 out of a bin while a floor scan takes 6 from it, and the bin holds 8: one of
    them gets the stock, the other is refused (and reported), and nothing goes below zero."""
    import threading

    from django.db import connection

    from floor.ledger.checks import ledger_differences

    odoo = connect(odoo18, settings)
    bin_a = odoo.seed_location("A-01-01", parent=odoo.ids["shelf_1"], barcode="A-01-01")
    odoo.seed_stock(odoo.ids["product"], 8, location=bin_a)
    pull_now()
    floor_bin = Location.objects.get(odoo_id=bin_a)
    widget = Product.objects.get(odoo_id=odoo.ids["product"])
    other = Location.objects.get(odoo_id=odoo.ids["shelf_2"])
    odoo.validate(odoo.seed_internal([(odoo.ids["product"], 6)], src=bin_a, dst=odoo.ids["shelf_2"]))
    start, failures, scanned = threading.Barrier(2), [], []

    def pulling():
        try:
            start.wait()
            pull_now()
        except Exception as error:  # noqa: BLE001 — any error in the thread fails the test below
            failures.append(repr(error))
        finally:
            connection.close()

    def scanning():
        try:
            start.wait()
            ledger.post(
                [Move(product=widget, quantity=Decimal(6), from_location=floor_bin, to_location=other)], key="scan"
            )
            scanned.append(True)
        except ledger.NotEnoughStock:
            scanned.append(False)
        except Exception as error:  # noqa: BLE001
            failures.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=pulling), threading.Thread(target=scanning)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    line = OdooMoveLine.objects.exclude(state="covered").get()
    assert [line.state == "posted", *scanned].count(True) == 1  # one of the two got the 6
    assert Quant.objects.get(location=floor_bin, product=widget).quantity == 2
    assert ledger_differences() == []


def test_odoo_moving_stock_out_of_a_bin_with_a_pick_to_do_there_is_reported(odoo):
    from floor.picking.models import Order, OrderLine, Pick, PickTask, Wave

    bin_a, _bin_b = stocked(odoo)
    pull_now()
    floor_bin, widget = Location.objects.get(odoo_id=bin_a), Product.objects.get(odoo_id=odoo.ids["product"])
    wh = floor_bin.warehouse
    order = Order.objects.create(warehouse=wh, reference="SO-5", state=Order.State.IN_WAVE)
    line = OrderLine.objects.create(order=order, product=widget, ordered=5)
    task = PickTask.objects.create(
        wave=Wave.objects.create(warehouse=wh, reference="W-5", state=Wave.State.RELEASED),
        warehouse=wh,
        reference="W-5-1",
    )
    Pick.objects.create(task=task, order_line=line, product=widget, location=floor_bin, quantity=5)
    odoo.validate(odoo.seed_internal([(odoo.ids["product"], 8)], src=bin_a, dst=odoo.ids["shelf_2"]))
    pull_now()
    assert Quant.objects.get(location=floor_bin, product=widget).quantity == 52  # Floor follows Odoo
    [warning] = SyncException.objects.filter(kind="stock", message__contains="while the floor has work there")
    assert "out of" in warning.message and "W-5-1" in warning.message and floor_bin.name in warning.message
