"""Counting a bin blind, scan by scan, through the view as a scanner sends it."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from floor.counting.models import CountLine, CountTask
from floor.ledger.checks import ledger_differences
from floor.ledger.models import Move
from floor.odoo.models import Operation
from floor.warehouse.models import Location
from tests import factories
from tests.counting.conftest import GTIN, LOTTED, gs1, on_hand, post, scan, work
from tests.pages import page_text

pytestmark = pytest.mark.django_db


def start(floor):
    work(floor.client)
    return scan(floor.client, floor.a.barcode)


def test_get_work_hands_out_the_oldest_open_count_of_the_warehouse(floor):
    newer = CountTask.objects.create(warehouse=floor.wh, location=floor.b, reason="later")
    answer = page_text(work(floor.client))
    assert f"Count {floor.a.name}" in answer and "Scan bin" in answer
    floor.task.refresh_from_db()
    assert floor.task.counter == floor.person and floor.task.lease_until is not None
    newer.refresh_from_db()
    assert newer.counter is None


def test_no_work_says_so(floor):
    CountTask.objects.all().delete()
    assert "No bins to count" in page_text(work(floor.client))


def test_a_task_leased_to_someone_else_waits_until_the_lease_lapses(floor, client, settings):
    other = type(client)()
    other.force_login(factories.user(roles=["counter"], wh=floor.wh))
    work(floor.client)
    assert "No bins to count" in page_text(work(other))
    CountTask.objects.filter(pk=floor.task.pk).update(lease_until="2000-01-01T00:00:00Z")
    assert f"Count {floor.a.name}" in page_text(work(other))
    # The first counter's next scan finds the bin gone to someone else, and is offered Get work.
    answer = page_text(scan(floor.client, floor.a.barcode))
    assert f"{floor.a.name} was handed to" in answer and "get work again" in answer
    assert "Bins to count" in answer


def counted(task) -> Decimal:
    return sum((line.quantity for line in CountLine.objects.filter(task=task)), Decimal(0))


def test_a_bin_that_lapsed_to_someone_else_and_came_back_is_counted_once(floor):
    other = type(floor.client)()
    other.force_login(factories.user(roles=["counter"], wh=floor.wh))
    start(floor)
    scan(floor.client, GTIN)
    scan(floor.client, GTIN)
    assert counted(floor.task) == 2
    CountTask.objects.filter(pk=floor.task.pk).update(lease_until="2000-01-01T00:00:00Z")
    assert f"Count {floor.a.name}" in page_text(work(other))
    assert not CountLine.objects.filter(task=floor.task).exists()  # theirs is a count of their own
    CountTask.objects.filter(pk=floor.task.pk).update(lease_until="2000-01-01T00:00:00Z")
    assert f"Count {floor.a.name}" in page_text(work(floor.client))
    scan(floor.client, floor.a.barcode)
    scan(floor.client, GTIN)
    assert counted(floor.task) == 1  # what they scanned before the bin went is not counted again


def test_the_bin_must_be_the_tasks_bin(floor):
    work(floor.client)
    refused = page_text(scan(floor.client, floor.b.barcode))
    assert f"Wrong bin — expected {floor.a.name} (scanned {floor.b.name})" in refused
    assert "feedback-error" in refused


@pytest.mark.parametrize("what", ["another warehouse's bin", "a tote", "a document", "an unknown code", "an item"])
def test_anything_but_the_bin_is_refused_and_changes_nothing(floor, what):
    from floor.receiving.models import Receipt

    codes = {
        "another warehouse's bin": factories.storage_bin(factories.warehouse("WH2"), aisle="Z").barcode,
        "a tote": factories.tote(floor.wh, barcode="TOTE-1").barcode,
        "a document": Receipt.objects.create(warehouse=floor.wh, reference="IN-7").reference,
        "an unknown code": "NOT-A-CODE",
        "an item": GTIN,
    }
    work(floor.client)
    refused = scan(floor.client, codes[what])
    assert refused.status_code == 200 and b"feedback-error" in refused.content
    assert "Scan bin" in page_text(refused)
    assert not CountLine.objects.exists()


def test_another_warehouses_bin_is_named_as_such(floor):
    work(floor.client)
    elsewhere = factories.storage_bin(factories.warehouse("WH2"), aisle="Z")
    assert "not a bin of this warehouse" in page_text(scan(floor.client, elsewhere.barcode))


def test_each_scan_counts_one_and_a_double_read_counts_once(floor):
    start(floor)
    assert f"1 × {floor.item.sku} counted" in page_text(scan(floor.client, GTIN))
    twice = "same-key-1"
    assert f"2 × {floor.item.sku} counted" in page_text(scan(floor.client, GTIN + "\r", key=twice))
    replay = page_text(scan(floor.client, GTIN, key=twice))
    assert "sent twice" in replay
    assert sum(line.quantity for line in CountLine.objects.all()) == 2


def test_a_typed_quantity_counts_many(floor):
    start(floor)
    scan(floor.client, GTIN)
    assert "Type the quantity" in page_text(scan(floor.client, "CMD-QTY"))
    answer = page_text(post(floor.client, "quantity", {"quantity": "36"}))
    assert f"36 × {floor.item.sku} counted" in answer
    assert "feedback-error" in page_text(post(floor.client, "quantity", {"quantity": "0"}))
    assert sum(line.quantity for line in CountLine.objects.all()) == 36


def test_a_gs1_label_gives_its_count_and_lot(floor):
    tracked = factories.product(tracking="lot", gtin=LOTTED)
    start(floor)
    asked = page_text(scan(floor.client, LOTTED))
    assert f"Scan the lot label of {tracked.sku}" in asked and "feedback-error" in asked
    answer = page_text(scan(floor.client, gs1(LOTTED, count=6, lot="LOT-NEW")))
    assert f"6 × {tracked.sku} counted" in answer and "LOT-NEW" in answer
    line = CountLine.objects.get(product=tracked)
    assert line.lot.name == "LOT-NEW" and line.quantity == 6


def test_serials_are_counted_one_per_unit(floor):
    serial = factories.product(tracking="serial", gtin="5012345678900")
    start(floor)
    scan(floor.client, gs1("5012345678900", serial="SN1"))
    assert "already counted" in page_text(scan(floor.client, gs1("5012345678900", serial="SN1")))
    scan(floor.client, gs1("5012345678900", serial="SN2"))
    assert CountLine.objects.filter(product=serial).count() == 2


def test_undo_takes_back_the_last_counted_item(floor):
    start(floor)
    scan(floor.client, GTIN)
    counted = page_text(scan(floor.client, GTIN))
    assert f"Undo: take back 1 × {floor.item.sku}" in counted
    undone = page_text(post(floor.client, "undo"))
    assert "Undone" in undone and "feedback-warning" in undone
    assert CountLine.objects.count() == 1
    scan(floor.client, "CMD-UNDO")
    assert "Nothing to undo" in page_text(post(floor.client, "undo"))


def _count(floor, quantity):
    start(floor)
    scan(floor.client, GTIN)
    post(floor.client, "quantity", {"quantity": str(quantity)})
    return page_text(scan(floor.client, "CMD-DONE"))


def test_done_within_tolerance_adjusts_the_stock_and_tells_odoo(floor):
    answer = _count(floor, 36)
    assert "counted — thank you" in answer and "feedback-ok" in answer
    assert on_hand(floor.a, floor.item) == 36
    loss = Location.objects.get(kind=Location.Kind.INVENTORY_LOSS)
    [move] = Move.objects.filter(to_location=loss)
    assert move.quantity == 1 and move.from_location == floor.a and move.reference == f"COUNT-{floor.task.pk}"
    assert ledger_differences() == []
    [operation] = Operation.objects.filter(kind=Operation.Kind.ADJUSTMENT)
    assert operation.payload["lines"] == [
        {"product": floor.item.pk, "lot": None, "location": floor.a.pk, "counted": "36"}
    ]
    floor.task.refresh_from_db()
    assert floor.task.state == CountTask.State.DONE
    assert "Get work" in answer


def test_done_replayed_adjusts_once(floor):
    start(floor)
    scan(floor.client, GTIN)
    post(floor.client, "quantity", {"quantity": "38"})
    post(floor.client, "done", key="done-1")
    assert "sent twice" in page_text(post(floor.client, "done", key="done-1"))
    assert on_hand(floor.a, floor.item) == 38
    assert Operation.objects.filter(kind=Operation.Kind.ADJUSTMENT).count() == 1


def test_an_item_that_should_not_be_there_is_counted_too(floor):
    stray = factories.product(gtin="5012345678900")
    start(floor)
    scan(floor.client, GTIN)
    post(floor.client, "quantity", {"quantity": "37"})
    scan(floor.client, "5012345678900")
    scan(floor.client, "CMD-DONE")
    assert on_hand(floor.a, stray) == 1 and on_hand(floor.a, floor.item) == 37
    assert ledger_differences() == []


def test_over_tolerance_nothing_is_adjusted_and_someone_else_recounts(floor, client):
    answer = _count(floor, 30)
    # Blind: the ledger's 37 is nowhere (the bin's name may hold a 37 of its own: A-372-01).
    assert "someone else will recount" in answer and "37" not in answer.replace(floor.a.name, "")
    assert on_hand(floor.a, floor.item) == 37
    assert not Operation.objects.filter(kind=Operation.Kind.ADJUSTMENT).exists()
    recount = CountTask.objects.get(state=CountTask.State.OPEN)
    assert recount.location == floor.a and recount.recount_of == floor.task and recount.not_for == floor.person
    assert "No bins to count" in page_text(work(floor.client))
    other = type(client)()
    other.force_login(factories.user(roles=["counter"], wh=floor.wh))
    assert f"Count {floor.a.name}" in page_text(work(other))


def test_bin_empty_is_one_scan(floor, settings):
    settings.COUNT_TOLERANCE_UNITS = 40
    empty = factories.storage_bin(floor.wh, aisle="C")
    CountTask.objects.filter(pk=floor.task.pk).update(location=empty)
    work(floor.client)
    scan(floor.client, empty.barcode)
    assert "thank you" in page_text(scan(floor.client, "CMD-EMPTY"))
    assert not Move.objects.filter(reference__startswith="COUNT-").exists()


def test_bin_empty_with_stock_in_the_ledger_takes_it_out(floor, settings):
    settings.COUNT_TOLERANCE_UNITS = 40
    start(floor)
    assert "thank you" in page_text(post(floor.client, "empty"))
    assert on_hand(floor.a, floor.item) == 0
    assert ledger_differences() == []


def test_bin_empty_after_counting_items_is_refused(floor):
    start(floor)
    scan(floor.client, GTIN)
    assert "Undo them, or Done" in page_text(scan(floor.client, "CMD-EMPTY"))


def test_a_pick_during_the_count_gives_the_right_variance(floor):
    # The counter counts 36 (one unit is missing); then a picker takes 5 from the bin.
    start(floor)
    scan(floor.client, GTIN)
    post(floor.client, "quantity", {"quantity": "36"})
    from floor.ledger.services import post as ledger_post

    output = Location.objects.get(warehouse=floor.wh, kind=Location.Kind.OUTPUT)
    ledger_post(
        [Move(product=floor.item, quantity=Decimal(5), from_location=floor.a, to_location=output)], key="pick-1"
    )
    scan(floor.client, "CMD-DONE")
    assert on_hand(floor.a, floor.item) == 31  # 36 counted, 5 picked since
    assert ledger_differences() == []


def test_a_pick_before_an_item_is_first_counted_is_in_the_ledgers_figure(floor):
    start(floor)
    from floor.ledger.services import post as ledger_post

    output = Location.objects.get(warehouse=floor.wh, kind=Location.Kind.OUTPUT)
    ledger_post(
        [Move(product=floor.item, quantity=Decimal(5), from_location=floor.a, to_location=output)], key="pick-1"
    )
    scan(floor.client, GTIN)
    post(floor.client, "quantity", {"quantity": "32"})
    assert "thank you" in page_text(scan(floor.client, "CMD-DONE"))
    assert on_hand(floor.a, floor.item) == 32
    assert not Move.objects.filter(reference__startswith="COUNT-").exists()


def test_leaving_mid_bin_keeps_what_was_counted(floor):
    start(floor)
    scan(floor.client, GTIN)
    floor.client.get("/")
    answer = page_text(floor.client.get("/count/"))
    assert "Scan each item" in answer
    assert "Back to" in page_text(work(floor.client))
    assert CountLine.objects.count() == 1


def test_a_person_with_no_warehouse_is_told_so(client):
    client.force_login(factories.user(roles=["counter"]))
    assert "no warehouse" in page_text(client.get("/count/"))
    assert "no warehouse" in page_text(scan(client, "A-01-01"))


def test_the_home_screen_has_a_count_card_for_counters(floor):
    assert "/count/" in floor.client.get("/").content.decode()


def test_the_count_card_is_for_counters_only(client):
    client.force_login(factories.user(roles=["picker"], wh=factories.warehouse()))
    assert "/count/" not in client.get("/").content.decode()


def test_queries_per_item_scan_stay_the_same_whatever_the_bin_holds(floor, django_assert_max_num_queries):
    start(floor)
    scan(floor.client, GTIN)
    for _ in range(30):
        factories.stock(floor.a, factories.product(), 1)
    # Parse 1, the place locked 1, replay check 1, the item 1, what was counted of it before 1, the
    # line written 1, the savepoints 2 (the lease is renewed only when half of it has gone).
    with django_assert_max_num_queries(8):
        scan(floor.client, GTIN)


def test_a_scan_renews_a_lease_half_gone(floor, settings):
    start(floor)
    CountTask.objects.filter(pk=floor.task.pk).update(lease_until=timezone.now() + timedelta(seconds=10))
    scan(floor.client, GTIN)
    floor.task.refresh_from_db()
    assert floor.task.lease_until > timezone.now() + timedelta(seconds=settings.COUNT_LEASE_SECONDS - 5)
