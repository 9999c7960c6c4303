"""Waves: which orders a wave takes, how a release splits it into pick tasks, cancelling,
handing a task over, and the rules that build waves on a schedule."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from floor.picking import tasks as celery_tasks
from floor.picking import wave_progress, waves
from floor.picking.allocation import free_stock
from floor.picking.models import Order, Pick, PickTask, TaskTote, Wave, WaveRule
from floor.picking.waves import Filters, NothingToWave, WaveRefused
from floor.warehouse.services import add_zone
from tests import factories
from tests.picking.factories import order

NOW = timezone.now()


@pytest.fixture
def wh(db):
    return factories.warehouse()


@pytest.fixture
def item(wh):
    """An item with plenty of stock in one bin."""
    made = factories.product()
    factories.stock(factories.storage_bin(wh, aisle="A", bay=1), made, 1000)
    return made


def refs(plan):
    return [o.reference for o in plan.orders]


# --- Preview


def test_preview_puts_the_most_urgent_orders_first(wh, item):
    order(wh, (item, 1), reference="LATE", cutoff=NOW + datetime.timedelta(hours=5))
    order(wh, (item, 1), reference="SOON", cutoff=NOW + datetime.timedelta(hours=1))
    order(wh, (item, 1), reference="NO-CUTOFF")
    order(wh, (item, 1), reference="URGENT", priority=1, cutoff=NOW + datetime.timedelta(hours=9))

    assert refs(waves.preview(warehouse=wh, filters=Filters())) == ["URGENT", "SOON", "LATE", "NO-CUTOFF"]


def test_filters_choose_by_carrier_type_priority_and_cutoff(wh, item):
    order(wh, (item, 1), reference="DHL-SOON", carrier="DHL", cutoff=NOW + datetime.timedelta(minutes=20))
    order(wh, (item, 1), reference="DHL-LATER", carrier="DHL", cutoff=NOW + datetime.timedelta(hours=3))
    order(wh, (item, 1), reference="UPS-SOON", carrier="UPS", cutoff=NOW + datetime.timedelta(minutes=20))
    order(wh, (item, 1), reference="DHL-NONE", carrier="DHL")
    order(wh, (item, 1), reference="B2B", carrier="DHL", order_type="b2b", priority=1)

    def chosen(**filters):
        return refs(waves.preview(warehouse=wh, filters=Filters(**filters), now=NOW))

    assert chosen(carrier="dhl", cutoff_within=30) == ["DHL-SOON"]  # no cutoff: not due
    assert chosen(cutoff_before=NOW + datetime.timedelta(hours=4), carrier="DHL") == ["DHL-SOON", "DHL-LATER"]
    assert chosen(order_type="B2B") == ["B2B"]
    assert chosen(min_priority=1) == ["B2B"]


def test_orders_in_a_wave_closed_or_of_another_warehouse_are_not_offered(wh, item):
    order(wh, (item, 1), reference="FREE")
    order(wh, (item, 1), reference="SHIPPED", state=Order.State.SHIPPED)
    order(
        wh,
        (item, 1),
        reference="TAKEN",
        state=Order.State.IN_WAVE,
        wave=Wave.objects.create(warehouse=wh, reference="W-X"),
    )
    order(factories.warehouse("OTHER"), (item, 1), reference="ELSEWHERE")

    assert refs(waves.preview(warehouse=wh, filters=Filters())) == ["FREE"]


def test_limits_stop_the_wave_at_the_first_order_that_would_pass_one(wh, item):
    for n, lines in enumerate([2, 2, 3, 1]):
        order(wh, *[(item, 1)] * lines, reference=f"O{n}", priority=9 - n)

    plan = waves.preview(warehouse=wh, filters=Filters(max_lines=5))

    assert refs(plan) == ["O0", "O1"]  # O2 (3 lines) would make 7; O3 must not jump the queue
    assert (plan.lines, plan.left_for_later) == (4, 2)
    assert "5" in plan.stopped_by
    assert refs(waves.preview(warehouse=wh, filters=Filters(max_orders=3))) == ["O0", "O1", "O2"]
    assert refs(waves.preview(warehouse=wh, filters=Filters(max_units=Decimal(4)))) == ["O0", "O1"]


def test_an_order_bigger_than_a_limit_alone_does_not_block_every_wave(wh, item):
    order(wh, (item, 50), reference="HUGE", priority=5)
    order(wh, (item, 2), reference="SMALL")

    plan = waves.preview(warehouse=wh, filters=Filters(max_units=Decimal(10)))

    assert refs(plan) == ["SMALL"]
    assert plan.too_big == 1


def test_orders_the_free_stock_cannot_cover_wait_for_stock(wh):
    scarce = factories.product()
    factories.stock(factories.storage_bin(wh), scarce, 5)
    order(wh, (scarce, 3), reference="FIRST", priority=2)
    order(wh, (scarce, 3), reference="SECOND", priority=1)  # 3 + 3 > 5
    order(wh, (scarce, 2), reference="THIRD")

    plan = waves.preview(warehouse=wh, filters=Filters())

    assert refs(plan) == ["FIRST", "THIRD"]
    assert plan.waiting_for_stock == 1


def test_a_zone_filter_takes_orders_the_zones_stock_covers(wh):
    cold, dry = factories.product(), factories.product()
    factories.stock(factories.storage_bin(wh, zone_name="Cold"), cold, 10)
    factories.stock(factories.storage_bin(wh, zone_name="Dry"), dry, 10)
    order(wh, (cold, 1), reference="COLD")
    order(wh, (cold, 1), (dry, 1), reference="MIXED")
    order(wh, (dry, 1), reference="DRY")

    plan = waves.preview(warehouse=wh, filters=Filters(zone=add_zone(wh, name="Cold")))

    assert refs(plan) == ["COLD"]
    assert plan.waiting_for_stock == 2


def test_orders_changed_in_odoo_wait_for_the_supervisor(wh, item):
    order(wh, (item, 1), reference="CHANGED", odoo_changed=True)

    plan = waves.preview(warehouse=wh, filters=Filters())

    assert (refs(plan), plan.changed_in_odoo) == ([], 1)


def test_preview_counts_totes_and_pickers(wh, item):
    for _ in range(7):
        order(wh, (item, 1))

    plan = waves.preview(warehouse=wh, filters=Filters(totes_per_picker=3))

    assert (plan.totes, plan.tasks, plan.units) == (7, 3, 7)


def test_preview_asks_the_database_the_same_few_questions_for_many_orders(wh, django_assert_max_num_queries):
    items = [factories.product() for _ in range(5)]
    for n, it in enumerate(items):
        factories.stock(factories.storage_bin(wh, bay=n + 1), it, 500)
    for n in range(60):
        order(wh, (items[n % 5], 1), (items[(n + 1) % 5], 2), priority=n % 3)

    with django_assert_max_num_queries(4):
        plan = waves.preview(warehouse=wh, filters=Filters())
    assert len(plan.orders) == 60


# --- Build


def test_build_takes_the_orders_into_a_draft_wave(wh, item):
    boss = factories.user(roles=["supervisor"], wh=wh)
    a, b = order(wh, (item, 1)), order(wh, (item, 1))

    wave = waves.build_wave(warehouse=wh, filters=Filters(mode="zone", totes_per_picker=4), actor=boss)

    assert wave.reference == f"W-{wave.pk:05d}"
    assert (wave.state, wave.mode, wave.totes_per_picker, wave.created_by) == ("draft", "zone", 4, boss)
    assert set(wave.orders.values_list("pk", "state")) == {(a.pk, "in_wave"), (b.pk, "in_wave")}
    assert not Pick.objects.exists()  # a draft reserves nothing


def test_a_second_build_does_not_take_the_first_ones_orders(wh, item):
    order(wh, (item, 1))
    first = waves.build_wave(warehouse=wh, filters=Filters())
    later = order(wh, (item, 1))

    second = waves.build_wave(warehouse=wh, filters=Filters())

    assert list(second.orders.all()) == [later]
    assert first.orders.count() == 1


def test_building_with_no_order_to_take_makes_no_wave(wh, item):
    order(wh, (item, 1), carrier="UPS")

    with pytest.raises(NothingToWave, match="No open order"):
        waves.build_wave(warehouse=wh, filters=Filters(carrier="DHL"))
    assert not Wave.objects.exists()


# --- Release


def _spread(wh, n_items=4):
    """Items each in its own bin, along aisles A and B, plenty of stock."""
    items = []
    for n in range(n_items):
        it = factories.product()
        factories.stock(factories.storage_bin(wh, aisle="AB"[n % 2], bay=n + 1), it, 100)
        items.append(it)
    return items


def test_release_splits_a_cluster_wave_into_tasks_of_a_tote_per_order(wh):
    boss = factories.user(roles=["supervisor"], wh=wh)
    items = _spread(wh)
    urgent = order(wh, (items[0], 1), reference="URGENT", priority=1)
    rest = [order(wh, (items[n % 4], 2), (items[(n + 2) % 4], 1), reference=f"O{n}") for n in range(4)]
    wave = waves.build_wave(warehouse=wh, filters=Filters(totes_per_picker=2))

    released = waves.release_wave(wave=wave, actor=boss)

    assert (released.state, released.released_by) == ("released", boss)
    assert released.released_at is not None
    tasks = list(PickTask.objects.filter(wave=wave).order_by("reference"))
    assert [t.reference for t in tasks] == [f"{wave.reference}-01", f"{wave.reference}-02", f"{wave.reference}-03"]
    assert all(t.state == "open" and t.warehouse == wh for t in tasks)
    assert list(tasks[0].totes.values_list("order__reference", "position"))[0] == ("URGENT", 1)
    assert TaskTote.objects.filter(task__wave=wave).count() == 5
    assert sorted(len(t.totes.all()) for t in tasks) == [1, 2, 2]
    assert tasks[0].sequence < min(t.sequence for t in tasks[1:])  # Get work hands out the urgent one first
    for task in tasks:  # every order's picks are in that order's task
        assert set(task.picks.values_list("order_line__order", flat=True)) == set(
            task.totes.values_list("order", flat=True)
        )
    assert urgent.lines.get().picks.get().quantity == 1
    assert sum(p.quantity for p in Pick.objects.filter(order_line__order__in=rest)) == 12


def test_each_task_walks_its_bins_in_path_order(wh):
    items = _spread(wh, 6)
    order(wh, *[(it, 1) for it in reversed(items)])
    wave = waves.build_wave(warehouse=wh, filters=Filters())

    waves.release_wave(wave=wave, actor=None)

    stops = [p.location for p in Pick.objects.filter(task__wave=wave).select_related("location").order_by("sequence")]
    assert [p.sequence for p in Pick.objects.filter(task__wave=wave).order_by("sequence")] == [1, 2, 3, 4, 5, 6]
    assert [b.aisle for b in stops] == ["A", "A", "A", "B", "B", "B"]  # one aisle, then the next


def test_release_in_zone_mode_makes_a_task_per_zone(wh):
    cold, dry = factories.product(), factories.product()
    factories.stock(factories.storage_bin(wh, zone_name="Cold"), cold, 10)
    factories.stock(factories.storage_bin(wh, zone_name="Dry"), dry, 10)
    both = order(wh, (cold, 1), (dry, 1))
    dry_only = order(wh, (dry, 2))
    wave = waves.build_wave(warehouse=wh, filters=Filters(mode="zone"))

    waves.release_wave(wave=wave, actor=None)

    tasks = {t.zone.name: t for t in PickTask.objects.filter(wave=wave).select_related("zone")}
    assert set(tasks) == {"WH/Cold", "WH/Dry"}
    assert list(tasks["WH/Cold"].totes.values_list("order", flat=True)) == [both.pk]
    assert set(tasks["WH/Dry"].totes.values_list("order", flat=True)) == {both.pk, dry_only.pk}
    assert set(tasks["WH/Cold"].picks.values_list("product", flat=True)) == {cold.pk}


def test_release_reserves_stock_so_a_second_wave_gets_the_rest(wh):
    scarce = factories.product()
    shelf = factories.storage_bin(wh)
    factories.stock(shelf, scarce, 5)
    first = order(wh, (scarce, 4))
    wave = waves.build_wave(warehouse=wh, filters=Filters())
    second = order(wh, (scarce, 4))
    other = waves.build_wave(warehouse=wh, filters=Filters(), now=NOW)  # preview still saw 5 free
    waves.release_wave(wave=wave, actor=None)

    other = waves.release_wave(wave=other, actor=None)

    assert first.lines.get().picks.get().quantity == 4
    assert second.lines.get().picks.get().quantity == 1
    assert free_stock(location=shelf, product=scarce) == 0
    detail = wave_progress.wave_detail(wave=other)
    assert detail.total.not_enough == 3
    assert detail.orders[0].progress.not_enough == 3
    assert second.lines.get().short == 0  # the picker flow decides what is short


def draft(wh, *orders_lines):
    """A draft wave holding orders as given, stock or not (a build would leave out the uncovered)."""
    wave = Wave.objects.create(warehouse=wh, reference=f"W-T{Wave.objects.count()}")
    for lines in orders_lines:
        order(wh, *lines, state=Order.State.IN_WAVE, wave=wave)
    return wave


def test_orders_with_no_stock_at_all_go_back_to_the_open_orders(wh, item):
    scarce = factories.product()
    factories.stock(factories.storage_bin(wh), scarce, 2)
    wave = draft(wh, [(scarce, 2)], [(scarce, 2)], [(item, 1)])
    first, second, third = wave.orders.order_by("pk")

    released = waves.release_wave(wave=wave, actor=None)

    second.refresh_from_db()
    assert (second.state, second.wave) == ("open", None)
    assert released.returned_orders == 1
    assert set(wave.orders.all()) == {first, third}
    assert not TaskTote.objects.filter(order=second).exists()


def test_release_asks_the_database_the_same_number_of_times_for_any_size(wh):
    items = _spread(wh, 6)

    def queries_to_release(n_orders):
        wave = draft(wh, *[[(items[n % 6], 1), (items[(n + 3) % 6], 2)] for n in range(n_orders)])
        with CaptureQueriesContext(connection) as counted:
            waves.release_wave(wave=wave, actor=None)
        return len(counted.captured_queries)

    assert queries_to_release(3) == queries_to_release(30) <= 12  # savepoint and release included


@pytest.mark.parametrize(
    ("state", "message"),
    [("released", "already released"), ("cancelled", "was cancelled"), ("done", "is done")],
)
def test_release_refuses_a_wave_not_in_draft(wh, item, state, message):
    order(wh, (item, 1))
    wave = waves.build_wave(warehouse=wh, filters=Filters())
    Wave.objects.filter(pk=wave.pk).update(state=state)

    with pytest.raises(WaveRefused, match=message):
        waves.release_wave(wave=wave, actor=None)
    assert not PickTask.objects.exists()


def test_releasing_twice_changes_nothing_the_second_time(wh, item):
    order(wh, (item, 3))
    wave = waves.build_wave(warehouse=wh, filters=Filters())
    waves.release_wave(wave=wave, actor=None)

    with pytest.raises(WaveRefused, match="already released"):
        waves.release_wave(wave=wave, actor=None)
    assert Pick.objects.count() == 1


def test_a_wave_without_orders_is_not_released(wh):
    empty = Wave.objects.create(warehouse=wh, reference="W-EMPTY")

    with pytest.raises(WaveRefused, match="no orders"):
        waves.release_wave(wave=empty, actor=None)
    empty.refresh_from_db()
    assert empty.state == "draft"


def test_a_wave_with_no_stock_for_any_line_is_not_released(wh):
    starved = draft(wh, [(factories.product(), 1)])

    with pytest.raises(WaveRefused, match="No stock for any line"):
        waves.release_wave(wave=starved, actor=None)
    starved.refresh_from_db()
    assert starved.state == "draft"
    assert starved.orders.get().state == "in_wave"
    assert not PickTask.objects.exists()


# --- Cancel


def test_cancelling_a_draft_puts_its_orders_back(wh, item):
    taken = order(wh, (item, 1))
    wave = waves.build_wave(warehouse=wh, filters=Filters())

    waves.cancel_wave(wave=wave, actor=None)

    taken.refresh_from_db()
    assert (taken.state, taken.wave) == ("open", None)
    assert Wave.objects.get(pk=wave.pk).state == "cancelled"


def test_cancelling_a_released_wave_nobody_started_frees_its_stock(wh):
    scarce = factories.product()
    shelf = factories.storage_bin(wh)
    factories.stock(shelf, scarce, 3)
    taken = order(wh, (scarce, 3))
    wave = waves.release_wave(wave=waves.build_wave(warehouse=wh, filters=Filters()), actor=None)
    assert free_stock(location=shelf, product=scarce) == 0

    waves.cancel_wave(wave=wave, actor=None)

    assert free_stock(location=shelf, product=scarce) == 3
    assert set(Pick.objects.values_list("state", flat=True)) == {"cancelled"}
    assert set(PickTask.objects.values_list("state", flat=True)) == {"cancelled"}
    assert Order.objects.get(pk=taken.pk).state == "open"
    assert waves.preview(warehouse=wh, filters=Filters()).orders[0].pk == taken.pk  # a new wave may take it


@pytest.mark.parametrize("started", ["leased", "picked", "tote bound"])
def test_a_wave_someone_started_picking_cannot_be_cancelled(wh, item, started):
    picker = factories.user(first_name="Ana", wh=wh)
    order(wh, (item, 2))
    wave = waves.release_wave(wave=waves.build_wave(warehouse=wh, filters=Filters()), actor=None)
    task = PickTask.objects.get(wave=wave)
    if started == "leased":
        waves.reassign_task(task=task, picker=picker, actor=None)
    elif started == "picked":
        Pick.objects.filter(task=task).update(picked=1)
    else:
        TaskTote.objects.filter(task=task).update(tote=factories.tote(wh))

    with pytest.raises(WaveRefused, match=f"Picking has started on {task.reference}"):
        waves.cancel_wave(wave=wave, actor=None)
    assert Wave.objects.get(pk=wave.pk).state == "released"
    assert Pick.objects.get(task=task).state == "open"


@pytest.mark.parametrize("state", ["cancelled", "done"])
def test_a_finished_wave_cannot_be_cancelled(wh, item, state):
    order(wh, (item, 1))
    wave = waves.build_wave(warehouse=wh, filters=Filters())
    Wave.objects.filter(pk=wave.pk).update(state=state)

    with pytest.raises(WaveRefused, match="no longer be cancelled|already cancelled"):
        waves.cancel_wave(wave=wave, actor=None)


# --- Reassign


@pytest.fixture
def task(wh, item):
    order(wh, (item, 2))
    wave = waves.release_wave(wave=waves.build_wave(warehouse=wh, filters=Filters()), actor=None)
    return PickTask.objects.get(wave=wave)


def test_a_task_handed_to_a_picker_is_leased_to_them(wh, task, settings):
    settings.PICK_LEASE_SECONDS = 120
    picker = factories.user(wh=wh)

    waves.reassign_task(task=task, picker=picker, actor=None)

    task.refresh_from_db()
    assert (task.picker, task.state) == (picker, "active")
    assert timezone.now() + datetime.timedelta(seconds=100) < task.lease_until
    assert task.lease_until <= timezone.now() + datetime.timedelta(seconds=120)


def test_a_task_handed_to_nobody_goes_back_to_get_work_with_what_was_picked(wh, task):
    waves.reassign_task(task=task, picker=factories.user(wh=wh), actor=None)
    Pick.objects.filter(task=task).update(picked=1)

    waves.reassign_task(task=task, picker=None, actor=None)

    task.refresh_from_db()
    assert (task.picker, task.state, task.lease_until) == (None, "open", None)
    assert Pick.objects.get(task=task).picked == 1


def test_a_task_is_not_handed_to_someone_who_cannot_pick_here(wh, task):
    with pytest.raises(WaveRefused, match="does not pick in this warehouse"):
        waves.reassign_task(task=task, picker=factories.user(wh=factories.warehouse("FAR")), actor=None)
    with pytest.raises(WaveRefused, match="does not pick in this warehouse"):
        waves.reassign_task(task=task, picker=factories.user(roles=["receiver"], wh=wh), actor=None)
    assert PickTask.objects.get(pk=task.pk).picker is None


def test_a_picker_busy_with_another_task_is_not_given_a_second(wh, item, task):
    busy = factories.user(first_name="Bo", wh=wh)
    order(wh, (item, 1))
    other = PickTask.objects.get(
        wave=waves.release_wave(wave=waves.build_wave(warehouse=wh, filters=Filters()), actor=None)
    )
    waves.reassign_task(task=other, picker=busy, actor=None)

    with pytest.raises(WaveRefused, match=f"already picking {other.reference}"):
        waves.reassign_task(task=task, picker=busy, actor=None)


def test_a_done_task_is_not_handed_over(wh, task):
    PickTask.objects.filter(pk=task.pk).update(state="done")

    with pytest.raises(WaveRefused, match="nothing left to hand over"):
        waves.reassign_task(task=task, picker=None, actor=None)


# --- Rules on a schedule


def test_a_due_rule_builds_and_releases_a_wave(wh, item):
    order(wh, (item, 1), carrier="DHL")
    order(wh, (item, 1), carrier="UPS")
    rule = WaveRule.objects.create(
        warehouse=wh, name="DHL", carrier="DHL", release=True, mode="zone", totes_per_picker=3, every_minutes=30
    )

    [wave] = waves.run_rules(now=NOW)

    assert (wave.rule, wave.state, wave.mode, wave.totes_per_picker) == (rule, "released", "zone", 3)
    assert [o.carrier for o in wave.orders.all()] == ["DHL"]
    assert PickTask.objects.filter(wave=wave).count() == 1
    rule.refresh_from_db()
    assert rule.last_run_at == NOW


def test_a_rule_runs_again_only_every_so_many_minutes(wh, item):
    rule = WaveRule.objects.create(warehouse=wh, name="All", every_minutes=30, last_run_at=NOW)
    order(wh, (item, 1))

    assert waves.run_rules(now=NOW + datetime.timedelta(minutes=29)) == []
    [wave] = waves.run_rules(now=NOW + datetime.timedelta(minutes=30))
    assert wave.state == "draft"  # this rule leaves the release to a person
    rule.refresh_from_db()
    assert rule.last_run_at == NOW + datetime.timedelta(minutes=30)


def test_a_rule_with_nothing_to_take_makes_no_wave_and_an_inactive_one_does_not_run(wh, item):
    idle = WaveRule.objects.create(warehouse=wh, name="Nothing", carrier="NOBODY")
    off = WaveRule.objects.create(warehouse=wh, name="Off", active=False)
    order(wh, (item, 1))

    assert waves.run_rules(now=NOW) == []
    assert not Wave.objects.exists()
    idle.refresh_from_db()
    off.refresh_from_db()
    assert (idle.last_run_at, off.last_run_at) == (NOW, None)


def test_a_release_refused_on_schedule_leaves_no_half_built_wave(wh):
    order(wh, (factories.product(), 1))  # no stock: the build leaves it out, nothing to wave
    WaveRule.objects.create(warehouse=wh, name="Release", release=True)

    assert waves.run_rules(now=NOW) == []
    assert not Wave.objects.exists()


def test_a_zone_rule_releases_from_its_zone_only(wh):
    it = factories.product()
    factories.stock(factories.storage_bin(wh, zone_name="Cold"), it, 5)
    factories.stock(factories.storage_bin(wh, aisle="A", bay=1, zone_name="Dry"), it, 5)
    cold = add_zone(wh, name="Cold")
    order(wh, (it, 4))
    WaveRule.objects.create(warehouse=wh, name="Cold", zone=cold, release=True)

    [wave] = waves.run_rules(now=NOW)

    assert {p.location.parent for p in Pick.objects.filter(task__wave=wave)} == {cold}
    assert PickTask.objects.get(wave=wave).zone == cold


def test_beat_builds_scheduled_waves_through_celery(wh, item):
    order(wh, (item, 1))
    WaveRule.objects.create(warehouse=wh, name="All")

    result = celery_tasks.build_scheduled_waves.apply()

    assert result.get() == [Wave.objects.get().reference]


def test_a_wave_built_for_a_zone_is_picked_from_that_zone_only(wh):
    it = factories.product()
    factories.stock(factories.storage_bin(wh, zone_name="Cold"), it, 5)
    factories.stock(factories.storage_bin(wh, aisle="A", bay=1, zone_name="Dry"), it, 5)
    cold = add_zone(wh, name="Cold")
    order(wh, (it, 4))

    wave = waves.build_wave(warehouse=wh, filters=Filters(zone=cold))
    waves.release_wave(wave=wave, actor=None)

    assert wave.zone == cold
    assert {p.location.parent for p in Pick.objects.filter(task__wave=wave)} == {cold}
