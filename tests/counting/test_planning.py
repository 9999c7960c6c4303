"""Count planning as a supervisor sees it: each item's class and why, the bins due by class, plan
or neglect, the morning's run up to the day's capacity, and "these bins today"."""

import html
import io
import re
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from floor.counting import planning, tasks
from floor.counting.models import CountPlan, CountTask
from floor.ledger import services as ledger
from floor.ledger.models import Move
from tests import factories
from tests.pages import page_text as page_html

pytestmark = pytest.mark.django_db


def page_text(response) -> str:
    """The words of the page, as read: no tags, one space between words."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page_html(response))))


def days_ago(days):
    return timezone.now() - timedelta(days=days)


def pick(location, item, units, *, tote, when=None):
    move = Move(product=item, quantity=Decimal(units), from_location=location, to_location=tote, created_at=when)
    return ledger.post([move], key=f"pick-{uuid.uuid4()}")


def counted(location, days):
    return CountTask.objects.create(
        warehouse=location.warehouse, location=location, reason="done", state="done", counted_at=days_ago(days)
    )


@pytest.fixture
def wh():
    return factories.warehouse()


@pytest.fixture
def tote(wh):
    return factories.tote(wh).location


@pytest.fixture
def stocked(wh, tote):
    """Three items picked 80, 15 and 5 units, and one never picked, each in a bin of its own."""
    items, bins = {}, {}
    for name, units, aisle in (("fast", 80, "A"), ("middling", 15, "B"), ("slow", 5, "C"), ("idle", 0, "D")):
        items[name] = factories.product(sku=name.upper())
        bins[name] = factories.storage_bin(wh, aisle=aisle)
        factories.stock(bins[name], items[name], 100)
        if units:
            pick(bins[name], items[name], units, tote=tote)
    return items, bins


def test_items_are_classed_by_units_picked_and_say_why(wh, stocked):
    items, _bins = stocked
    classes = planning.item_classes(warehouse=wh)
    assert [(c.sku, c.grade) for c in classes.values()] == [("FAST", "A"), ("MIDDLING", "B"), ("SLOW", "C")]
    assert classes[items["fast"].pk].why == "A — 80 units picked in 90 days, 80.0 % of all picks"
    assert classes[items["slow"].pk].why == "C — 5 units picked in 90 days, 5.0 % of all picks"
    assert items["idle"].pk not in classes  # not picked: C


def test_value_lifts_a_dear_item_where_its_cost_is_known(wh, stocked):
    items, _bins = stocked
    items["slow"].cost = Decimal("100")  # 5 × 100 = 500 against 80 × 1
    items["slow"].save()
    items["fast"].cost = Decimal("1")
    items["fast"].save()
    classes = planning.item_classes(warehouse=wh)
    slow = classes[items["slow"].pk]
    assert slow.grade == "A" and slow.by_value
    assert slow.why.startswith("A — 500.00 picked in 90 days, 86.2 % of the value picked (5 units")
    assert classes[items["fast"].pk].grade == "A" and not classes[items["fast"].pk].by_value


def test_picks_before_the_window_and_undone_picks_do_not_count(wh, tote):
    item, old, undone = factories.product(), factories.product(), factories.product()
    where = factories.storage_bin(wh)
    for one in (item, old, undone):
        factories.stock(where, one, 50)
    pick(where, item, 1, tote=tote)
    pick(where, old, 40, tote=tote, when=days_ago(91))
    ledger.reverse(pick(where, undone, 40, tote=tote), actor_id=None, device="t")
    assert list(planning.item_classes(warehouse=wh)) == [item.pk]


def test_a_bin_takes_the_highest_class_of_what_it_holds_and_is_due_after_its_days(wh, stocked):
    items, bins = stocked
    factories.stock(bins["slow"], items["fast"], 1)  # the slow bin holds a fast item too: A
    for name in ("fast", "middling", "slow", "idle"):
        counted(bins[name], 31)
    due = {d.location: d for d in planning.due_counts(warehouse=wh)}
    assert set(due) == {bins["fast"], bins["slow"]}
    assert due[bins["fast"]].reason == "Class A, counted every 30 days: last counted 31 days ago"
    assert due[bins["fast"]].source == CountTask.Source.PLAN and due[bins["fast"]].priority == 16


def test_a_bin_never_counted_is_due_from_when_its_stock_came_in(wh, tote):
    item = factories.product()
    fresh, old = factories.storage_bin(wh, aisle="A"), factories.storage_bin(wh, aisle="B")
    factories.stock(fresh, item, 5)
    ledger.post(
        [Move(product=item, quantity=Decimal(5), from_location=fresh, to_location=old, created_at=days_ago(400))],
        key="old-stock",
    )
    [due] = planning.due_counts(warehouse=wh)
    assert due.location == old
    # 400 days: past C's 365 and the 180 of "not counted", which is the riskier of the two.
    assert due.source == CountTask.Source.NOT_COUNTED and due.priority == 30
    assert due.reason == "Not counted for a while: never counted, stock in for 400 days"


def test_the_morning_run_stops_at_the_days_capacity_riskiest_first(wh, stocked, settings):
    settings.COUNT_DAILY_CAPACITY = 2
    _items, bins = stocked
    for name in ("fast", "middling", "slow"):
        counted(bins[name], 400)
    counted(bins["idle"], 100)  # C: not due
    raised = planning.make_due_counts(warehouse=wh)
    assert [task.location for task in raised] == [bins["fast"], bins["middling"]]
    assert [task.source for task in raised] == [CountTask.Source.NOT_COUNTED] * 2
    # Tomorrow, with both still waiting, there is no room; once counted, the next one comes.
    assert planning.make_due_counts(warehouse=wh) == []
    CountTask.objects.filter(pk=raised[0].pk).update(state="done", counted_at=timezone.now())
    assert [task.location for task in planning.make_due_counts(warehouse=wh)] == [bins["slow"]]


def test_a_count_raised_by_a_trigger_takes_no_room_and_covers_its_bin(wh, stocked, settings):
    settings.COUNT_DAILY_CAPACITY = 1
    _items, bins = stocked
    counted(bins["fast"], 31)
    counted(bins["middling"], 91)
    CountTask.objects.create(warehouse=wh, location=bins["fast"], reason="short", source="short_pick", priority=90)
    assert [task.location for task in planning.make_due_counts(warehouse=wh)] == [bins["middling"]]


def test_a_zone_plan_counts_every_bin_under_it_every_n_days(wh):
    supervisor = factories.user(roles=["supervisor"], wh=wh)
    inside = [factories.storage_bin(wh, aisle="Z", zone_name="Cold") for _ in range(2)]
    outside = factories.storage_bin(wh, aisle="Z", zone_name="Dry")
    recent = counted(inside[1], 3)
    zone = inside[0].parent
    planning.add_plan(warehouse=wh, actor=supervisor, every_days=7, zone=zone)
    [due] = planning.due_counts(warehouse=wh)  # empty bins too: the zone is swept
    assert due.location == inside[0] and due.reason == f"Zone {zone.name}, every 7 days: never counted"
    CountTask.objects.filter(pk=recent.pk).update(counted_at=days_ago(8))
    assert {d.location for d in planning.due_counts(warehouse=wh)} == {inside[0], inside[1]}
    assert outside not in {d.location for d in planning.due_counts(warehouse=wh)}


def test_an_aisle_plan_and_an_item_plan(wh):
    supervisor = factories.user(roles=["supervisor"], wh=wh)
    item = factories.product(sku="GLUE")
    in_aisle, holding, other = (factories.storage_bin(wh, aisle=a) for a in ("K", "L", "M"))
    factories.stock(holding, item, 1)
    factories.stock(other, factories.product(), 1)
    for location in (in_aisle, holding, other):
        counted(location, 2)
    planning.add_plan(warehouse=wh, actor=supervisor, every_days=1, aisle="K")
    planning.add_plan(warehouse=wh, actor=supervisor, every_days=1, products=planning.items_by_code("GLUE"))
    due = {d.location: d.reason for d in planning.due_counts(warehouse=wh)}
    assert due == {
        in_aisle: "Aisle K, every 1 day: last counted 2 days ago",
        holding: "Items GLUE, every 1 day: last counted 2 days ago",
    }


def test_a_stopped_plan_plans_nothing(wh, client):
    supervisor = factories.user(roles=["supervisor"], wh=wh)
    factories.storage_bin(wh, aisle="K")
    plan = planning.add_plan(warehouse=wh, actor=supervisor, every_days=1, aisle="K")
    client.force_login(supervisor)
    client.post(f"/count/plans/{plan.pk}/stop")
    plan.refresh_from_db()
    assert not plan.active and planning.due_counts(warehouse=wh) == []


def test_the_beat_task_and_the_command_make_the_days_counts(wh, stocked):
    _items, bins = stocked
    counted(bins["fast"], 31)
    assert tasks.make_due_counts() == {wh.code: 1}
    counted(bins["middling"], 91)
    call_command("plan_counts", "--warehouse", wh.code, stdout=(out := io.StringIO()))
    assert "WH: 1 counts raised" in out.getvalue() and bins["middling"].name in out.getvalue()


# --- The supervisor's pages


@pytest.fixture
def supervisor(wh, client):
    person = factories.user(roles=["supervisor"], wh=wh, first_name="Sam", last_name="Lead")
    client.force_login(person)
    return person


def test_the_plans_page_shows_the_classes_settings_and_the_button(client, supervisor):
    text = page_text(client.get("/count/plans/"))
    assert "Make today's counts now" in text
    assert "counted every 30 days" in text and "counted every 90 days" in text and "counted every 365 days" in text
    assert "up to 40 planned counts waiting, riskiest first" in text


def test_bins_typed_or_scanned_are_counted_today(wh, client, supervisor):
    a, b = factories.storage_bin(wh, aisle="A"), factories.storage_bin(wh, aisle="B")
    answer = client.post("/count/plans/today", {"bins": f"{a.barcode}, {b.barcode}\n{a.barcode}"}, follow=True)
    assert "2 bins to count today." in page_text(answer)
    tasks_today = CountTask.objects.filter(source=CountTask.Source.ONE_OFF).order_by("location__aisle")
    assert [t.location for t in tasks_today] == [a, b]
    assert tasks_today[0].reason == "Asked for today by Sam Lead" and tasks_today[0].raised_by == supervisor
    assert CountPlan.objects.get(kind=CountPlan.Kind.ONE_OFF).bins.count() == 2


def test_a_code_that_is_no_bin_of_the_warehouse_is_refused_by_name(wh, client, supervisor):
    theirs = factories.storage_bin(factories.warehouse("B2"), aisle="Q")
    ours = factories.storage_bin(wh, aisle="A")
    answer = client.post("/count/plans/today", {"bins": f"{ours.barcode} {theirs.barcode} NOPE"})
    assert answer.status_code == 400
    assert f"Not a bin of this warehouse: {theirs.barcode}, NOPE" in page_text(answer)
    assert not CountTask.objects.exists()


def test_plans_are_added_from_the_page(wh, client, supervisor):
    item = factories.product(sku="TAPE")
    zone = factories.zone(wh, "Cold")
    client.post("/count/plans/zone", {"zone": zone.pk, "every_days": "14"})
    client.post("/count/plans/items", {"items": "TAPE", "every_days": "7"})
    refused = client.post("/count/plans/items", {"items": "TAPE NOTHING", "every_days": "7"})
    assert refused.status_code == 400 and "No such item: NOTHING" in page_text(refused)
    plans = {plan.kind: plan for plan in CountPlan.objects.all()}
    assert plans["zone"].zone == zone and plans["zone"].every_days == 14
    assert list(plans["product"].products.all()) == [item]
    text = page_text(client.get("/count/plans/"))
    assert "Zone WH/Cold · every 14 days" in text and "Items TAPE · every 7 days" in text


def test_a_zone_of_another_warehouse_is_refused(client, supervisor):
    theirs = factories.zone(factories.warehouse("B2"), "Cold")
    assert client.post("/count/plans/zone", {"zone": theirs.pk, "every_days": "14"}).status_code == 400
    assert not CountPlan.objects.exists()


def test_the_classes_page_says_why(client, supervisor, stocked):
    text = page_text(client.get("/count/plans/classes"))
    assert "1 A, 1 B, 1 C" in text
    assert "A — 80 units picked in 90 days, 80.0 % of all picks" in text


def test_make_counts_now_fills_the_queue_shown_with_source_why_and_priority(wh, client, supervisor, stocked):
    _items, bins = stocked
    counted(bins["fast"], 31)
    CountTask.objects.create(
        warehouse=wh, location=bins["slow"], reason="Short pick: bin empty", source="short_pick", priority=90
    )
    text = page_text(client.post("/count/plans/run", follow=True))
    assert "1 count made for today." in text
    assert text.index(bins["slow"].name) < text.index(bins["fast"].name)  # the riskier first
    assert "Short pick Short pick: bin empty 90" in text
    assert "Class A, counted every 30 days: last counted 31 days ago" in text and "Count plan" in text


def test_supervisors_find_counts_on_the_home_screen(client, supervisor):
    text = page_text(client.get("/"))
    assert "Counts" in text and "0 waiting · plans, classes, today's bins" in text


def test_the_bins_asked_for_today_stay_listed_as_done_once(wh, client, supervisor):
    a = factories.storage_bin(wh, aisle="A")
    client.post("/count/plans/today", {"bins": a.barcode})
    text = page_text(client.get("/count/plans/"))
    assert "1 bin, once" in text and "Stop" not in text


def test_the_cut_offs_read_as_a_person_writes_them(client, supervisor):
    assert "the first 80 % are A, up to 95 % B" in page_text(client.get("/count/plans/"))
