"""The reconciliation finds where Floor's stock and Odoo's really differ, says why it most likely
does, and lets a supervisor settle each difference, recorded with who and why."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from floor.counting.models import CountTask
from floor.errors import ScanRejected
from floor.ledger import services as ledger
from floor.ledger.models import Move, Quant
from floor.odoo import outbox, reconcile
from floor.odoo.client import OdooClient
from floor.odoo.models import Operation, StockDifference
from floor.picking.models import Order, OrderLine, Pick, PickRecord, PickTask, TaskTote, Wave
from floor.warehouse.models import Location, Product
from floor.warehouse.services import location_of_kind, virtual_location
from tests import factories
from tests.odoo.pushing import sent
from tests.odoo.test_pull_support import connect, pull_now

pytestmark = pytest.mark.django_db


@pytest.fixture
def odoo(odoo_double, settings):
    return connect(odoo_double, settings)


def reconcile_now():
    with OdooClient.from_settings() as client:
        return reconcile.reconcile(client=client)


@pytest.fixture
def floor(odoo):
    """Odoo holding 60 widgets in bin A-01-01 and 12 of a lot in B-02-03, taken in by Floor."""
    ids = odoo.ids
    bin_a = odoo.seed_location("A-01-01", parent=ids["shelf_1"], barcode="A-01-01")
    bin_b = odoo.seed_location("B-02-03", parent=ids["shelf_2"], barcode="B-02-03")
    odoo.seed_stock(ids["product"], 60, location=bin_a)
    odoo.seed_stock(ids["product_lot"], 12, location=bin_b, lot="L-100")
    pull_now()
    widget = Product.objects.get(odoo_id=ids["product"])
    return {
        "bin_a": Location.objects.get(odoo_id=bin_a),
        "bin_b": Location.objects.get(odoo_id=bin_b),
        "widget": widget,
        "odoo_bin_a": bin_a,
        "supervisor": factories.user(roles=["supervisor"], wh=Location.objects.get(odoo_id=bin_a).warehouse),
    }


def scrap_on_floor(floor, quantity, key="lost-on-floor"):
    """Stock leaves the bin on the floor and Odoo never hears of it: a real difference."""
    ledger.post(
        [
            Move(
                product=floor["widget"],
                quantity=Decimal(quantity),
                from_location=floor["bin_a"],
                to_location=virtual_location("scrap"),
                reference="LOST-1",
            )
        ],
        key=key,
    )


def test_when_both_agree_nothing_is_listed(floor):
    run = reconcile_now()
    assert run.compared >= 2 and run.differences == 0 and run.finished_at
    assert not StockDifference.objects.exists()


def test_a_real_difference_is_listed_with_both_figures_and_its_likely_cause(floor):
    scrap_on_floor(floor, 3)
    run = reconcile_now()
    [difference] = StockDifference.objects.all()
    assert run.differences == 1
    assert (difference.location, difference.product) == (floor["bin_a"], floor["widget"])
    assert (difference.floor_quantity, difference.odoo_quantity) == (Decimal(57), Decimal(60))
    assert "less" in difference.cause and "LOST-1" in difference.cause
    # Run again: the same difference, not a second one.
    reconcile_now()
    assert StockDifference.objects.get().pk == difference.pk


def test_an_odoo_move_floor_refused_is_the_cause_it_names(odoo, floor):
    scrap_on_floor(floor, 58)
    internal = odoo.seed_internal([(odoo.ids["product"], 10)], src=floor["odoo_bin_a"], dst=odoo.ids["shelf_2"])
    odoo.validate(internal)
    reconcile_now()
    difference = StockDifference.objects.get(location=floor["bin_a"])
    assert (difference.floor_quantity, difference.odoo_quantity) == (Decimal(2), Decimal(50))
    assert "WH/INT/" in difference.cause and "Floor holds 2" in difference.cause


def test_what_is_on_its_way_to_odoo_is_not_a_difference(floor):
    scrap_on_floor(floor, 3)
    outbox.enqueue(
        kind=Operation.Kind.SCRAP,
        warehouse=floor["bin_a"].warehouse,
        reference="FLOOR-SCRAP-1",
        payload={
            "lines": [
                {
                    "product": floor["widget"].pk,
                    "quantity": "3",
                    "lot": None,
                    "from": floor["bin_a"].pk,
                    "to": virtual_location("scrap").pk,
                }
            ]
        },
    )
    run = reconcile_now()
    assert run.differences == 0 and run.uncertain == 1
    assert not StockDifference.objects.exists()


def test_picked_goods_in_a_tote_are_still_in_their_bin_for_odoo(floor):
    wh = floor["bin_a"].warehouse
    order = Order.objects.create(warehouse=wh, reference="SO-1", state=Order.State.IN_WAVE)
    line = OrderLine.objects.create(order=order, product=floor["widget"], ordered=5)
    wave = Wave.objects.create(warehouse=wh, reference="W-1", state=Wave.State.RELEASED)
    task = PickTask.objects.create(wave=wave, warehouse=wh, reference="W-1-1")
    pick = Pick.objects.create(task=task, order_line=line, product=floor["widget"], location=floor["bin_a"], quantity=5)
    tote = factories.tote(wh)
    TaskTote.objects.create(task=task, order=order, tote=tote)
    picker = factories.user(roles=["picker"], wh=wh)
    ledger.post(
        [Move(product=floor["widget"], quantity=Decimal(5), from_location=floor["bin_a"], to_location=tote.location)],
        key="pick-1",
    )
    PickRecord.objects.create(pick=pick, tote=tote, quantity=5, key="pick-1", actor=picker)
    run = reconcile_now()
    assert run.differences == 0, list(
        StockDifference.objects.values("location__name", "floor_quantity", "odoo_quantity")
    )


def test_received_goods_waiting_at_the_input_are_in_odoos_stock_location(odoo, floor):
    receipt = odoo.seed_receipt(lines=[(odoo.ids["product"], 8)], origin="PO-8")
    pull_now()
    wh = floor["bin_a"].warehouse
    moves = ledger.post(
        [
            Move(
                product=floor["widget"],
                quantity=Decimal(8),
                from_location=virtual_location("vendor"),
                to_location=location_of_kind(wh, "input"),
            )
        ],
        key="receive-1",
    )
    [move_id] = odoo.search("stock.move", [("picking_id", "=", receipt)])
    operation = outbox.enqueue(
        kind=Operation.Kind.RECEIPT,
        warehouse=wh,
        reference="FLOOR-IN-1",
        payload={
            "picking": receipt,
            "lines": [{"move": move_id, "product": floor["widget"].pk, "quantity": "8", "to": moves[0].to_location_id}],
        },
    )
    sent(operation)
    run = reconcile_now()
    assert run.differences == 0


# --- what a supervisor does about it


def test_trusting_odoo_makes_floors_stock_odoos(floor):
    scrap_on_floor(floor, 3)
    reconcile_now()
    difference = StockDifference.objects.get()
    reconcile.trust_odoo(difference=difference, actor=floor["supervisor"], reason="Odoo was counted yesterday")
    assert Quant.objects.get(location=floor["bin_a"], product=floor["widget"]).quantity == 60
    difference.refresh_from_db()
    assert (difference.state, difference.resolved_by, difference.reason) == (
        "odoo",
        floor["supervisor"],
        "Odoo was counted yesterday",
    )
    assert not Operation.objects.exists()  # Odoo needs to learn nothing
    call_command("check_ledger")
    reconcile_now()
    assert not StockDifference.objects.filter(state="open").exists()


def test_trusting_the_floor_sends_floors_figure_to_odoo(odoo, floor):
    scrap_on_floor(floor, 3)
    reconcile_now()
    difference = StockDifference.objects.get()
    reconcile.trust_floor(difference=difference, actor=floor["supervisor"], reason="counted it myself")
    difference.refresh_from_db()
    assert difference.state == "floor" and difference.operation.kind == "adjustment"
    sent(difference.operation)
    assert odoo.on_hand(odoo.ids["product"], floor["odoo_bin_a"]) == 57.0
    reconcile_now()
    assert not StockDifference.objects.filter(state="open").exists()


def test_counting_the_bin_raises_a_count_task(floor):
    scrap_on_floor(floor, 3)
    reconcile_now()
    difference = StockDifference.objects.get()
    reconcile.count_bin(difference=difference, actor=floor["supervisor"], reason="not sure who is right")
    task = CountTask.objects.get(location=floor["bin_a"], state="open")
    difference.refresh_from_db()
    assert difference.state == "count" and difference.count_task == task
    assert "not sure who is right" in task.reason
    # Until the bin is counted, the next comparison does not raise it again.
    reconcile_now()
    assert StockDifference.objects.get().state == "count"


def test_a_dismissed_difference_needs_a_reason_and_comes_back_only_when_it_changes(floor):
    scrap_on_floor(floor, 3)
    reconcile_now()
    difference = StockDifference.objects.get()
    with pytest.raises(ScanRejected, match="Say why"):
        reconcile.dismiss(difference=difference, actor=floor["supervisor"], reason="  ")
    reconcile.dismiss(difference=difference, actor=floor["supervisor"], reason="display stock, not for sale")
    reconcile_now()
    assert not StockDifference.objects.filter(state="open").exists()
    scrap_on_floor(floor, 1, key="lost-again")
    reconcile_now()
    [again] = StockDifference.objects.filter(state="open")
    assert again.floor_quantity == 56


def test_a_difference_dealt_with_once_cannot_be_dealt_with_twice(floor):
    scrap_on_floor(floor, 3)
    reconcile_now()
    difference = StockDifference.objects.get()
    reconcile.trust_odoo(difference=difference, actor=floor["supervisor"], reason="Odoo is right")
    with pytest.raises(ScanRejected, match="already dealt with"):
        reconcile.trust_odoo(difference=difference, actor=floor["supervisor"], reason="again")
    assert Quant.objects.get(location=floor["bin_a"], product=floor["widget"]).quantity == 60


def test_a_difference_that_goes_away_closes_by_itself(odoo, floor):
    scrap_on_floor(floor, 3)
    reconcile_now()
    [quant] = odoo.records(
        "stock.quant", [("location_id", "=", floor["odoo_bin_a"]), ("product_id", "=", odoo.ids["product"])], ["id"]
    )
    odoo.write("stock.quant", [quant["id"]], {"inventory_quantity": 57})
    odoo.call("stock.quant", "action_apply_inventory", [quant["id"]], context={"inventory_mode": True})
    reconcile_now()  # the pull posts Odoo's adjustment (60 → 57) on the floor too: 54 against 57
    difference = StockDifference.objects.get()
    assert (difference.floor_quantity, difference.odoo_quantity) == (Decimal(54), Decimal(57))


# --- the pages and the command


def test_the_supervisor_sees_and_settles_differences_on_their_phone(client, floor):
    scrap_on_floor(floor, 3)
    reconcile_now()
    client.force_login(floor["supervisor"])
    page = client.get("/odoo/differences/")
    assert page.status_code == 200
    text = page.content.decode()
    assert floor["bin_a"].name in text and "Trust Odoo" in text and "57" in text
    difference = StockDifference.objects.get()
    answer = client.post(f"/odoo/differences/{difference.pk}/odoo", {"reason": "Odoo is right"})
    assert answer.status_code == 302
    assert Quant.objects.get(location=floor["bin_a"], product=floor["widget"]).quantity == 60
    refused = client.post(f"/odoo/differences/{difference.pk}/dismiss", {"reason": "again"}, follow=True)
    assert "already dealt with" in refused.content.decode()
    sync = client.get("/odoo/operations/").content.decode()
    assert "Stock vs Odoo" in sync


def test_only_supervisors_of_that_warehouse_reach_differences(client, floor):
    scrap_on_floor(floor, 3)
    reconcile_now()
    difference = StockDifference.objects.get()
    client.force_login(factories.user(roles=["picker"], wh=floor["bin_a"].warehouse))
    assert client.get("/odoo/differences/").status_code == 403
    assert client.post(f"/odoo/differences/{difference.pk}/odoo", {"reason": "x"}).status_code == 403
    other = factories.user(roles=["supervisor"], wh=factories.warehouse(code="OTHER"))
    client.force_login(other)
    assert floor["bin_a"].name not in client.get("/odoo/differences/").content.decode()
    assert client.post(f"/odoo/differences/{difference.pk}/odoo", {"reason": "x"}).status_code == 404
    assert Quant.objects.get(location=floor["bin_a"], product=floor["widget"]).quantity == 57


def test_healthz_and_the_command_say_how_many_differences_are_open(client, floor, capsys):
    scrap_on_floor(floor, 3)
    call_command("odoo_reconcile")
    out = capsys.readouterr().out
    assert "1 new differences" in out and "Floor 57, Odoo 60" in out
    detail = client.get("/healthz").json()["stock_vs_odoo"]
    assert detail["open_differences"] == 1 and detail["last_reconciled"]


def test_a_receipt_odoo_validated_under_the_floors_hands_is_named_as_the_cause(odoo, floor):
    from floor.receiving.models import Receipt

    receipt = odoo.seed_receipt(lines=[(odoo.ids["product"], 10)], origin="PO-4")
    pull_now()
    Receipt.objects.filter(odoo_id=receipt).update(state=Receipt.State.RECEIVING)
    odoo.receive(receipt)  # validated in Odoo while a receiver counts it on the floor
    reconcile_now()
    difference = StockDifference.objects.get()
    assert difference.location.odoo_id == odoo.ids["stock"]
    assert (difference.floor_quantity, difference.odoo_quantity) == (Decimal(0), Decimal(10))
    reference = Receipt.objects.get(odoo_id=receipt).reference
    assert f"Odoo's {reference} was not posted" in difference.cause and "worked on the floor" in difference.cause


def test_the_nightly_run_waits_for_a_running_pull_instead_of_skipping_the_night(floor, monkeypatch):
    from types import SimpleNamespace

    from django.core.cache import cache

    from floor.odoo import tasks
    from floor.odoo.pull import LOCK_KEY

    # As in production: tasks go to a worker, not run in the process that sends them.
    monkeypatch.setattr(tasks, "current_app", SimpleNamespace(conf=SimpleNamespace(task_always_eager=False)))
    later = []
    monkeypatch.setattr(tasks.reconcile_with_odoo, "apply_async", lambda **options: later.append(options))
    scrap_on_floor(floor, 3)
    cache.add(LOCK_KEY, "a pull", 60)
    assert tasks.reconcile_with_odoo() is None
    assert later == [{"countdown": tasks.BUSY_RETRY_SECONDS}]
    cache.delete(LOCK_KEY)
    assert tasks.reconcile_with_odoo() == {"compared": 2, "differences": 1, "uncertain": 0}
