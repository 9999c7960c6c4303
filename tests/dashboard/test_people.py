"""The dashboard's people: a known hour of work by three people, each figure checked against a
count the database makes itself."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from floor.counting.models import CounterPlace, CountLine, CountTask
from floor.dashboard.people import Task, people
from floor.picking.models import PickRecord, PickTask
from floor.receiving.models import Receipt, ReceiptLine, ReceiptScan, Receiving
from floor.scanning.models import ScanLog
from tests import factories
from tests.picking.task_factories import Stop, pick_task

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime(2026, 3, 4, 14, 0))
DAY_START = timezone.make_aware(datetime(2026, 3, 4, 0, 0))


def ago(minutes: float) -> datetime:
    return NOW - timedelta(minutes=minutes)


def dated(record, field: str, minutes: float):
    type(record).objects.filter(pk=record.pk).update(**{field: ago(minutes)})
    return record


def scanned(person, flow: str, minutes: float) -> None:
    log = ScanLog.objects.create(
        key=f"k-{ScanLog.objects.count()}", actor=person, flow=flow, raw="x", outcome="handled"
    )
    dated(log, "created_at", minutes)


class Floor:
    pass


def picker_at_work(f, wh, person, *, suffix=""):
    """A pick task on lease: three stops put in the last hour (one of them twice, one put undone),
    two earlier today, one yesterday."""
    stops = [Stop(f"OUT/{suffix}{n}", factories.storage_bin(wh), f.item, 5) for n in range(7)]
    built = pick_task(wh, stops)
    PickTask.objects.filter(pk=built.task.pk).update(
        state=PickTask.State.ACTIVE, picker=person, lease_until=NOW + timedelta(minutes=4)
    )
    tote = factories.tote(wh)

    def put(pick, minutes, quantity=1, reverses=None):
        record = PickRecord.objects.create(
            pick=pick,
            tote=tote,
            quantity=quantity,
            key=f"p-{PickRecord.objects.count()}",
            actor=person,
            reverses=reverses,
        )
        return dated(record, "created_at", minutes)

    put(built.picks[0], 50)
    put(built.picks[0], 40)  # the same stop again: still one line
    put(built.picks[1], 30)
    put(built.picks[2], 5)
    undone = put(built.picks[3], 20)
    put(built.picks[3], 19, reverses=undone)  # taken back: neither counts
    put(built.picks[4], 120)
    put(built.picks[5], 300)
    put(built.picks[6], 60 * 20)  # yesterday
    for minutes in (300, 120, 50, 40, 30, 20, 19, 5):
        scanned(person, "pick", minutes)
    scanned(person, "pick", 1)
    return built.task


def receiver_at_work(f, wh, person):
    receipt = Receipt.objects.create(warehouse=wh, reference="IN/0001", state=Receipt.State.RECEIVING)
    line = ReceiptLine.objects.create(receipt=receipt, product=f.item, expected=100)
    Receiving.objects.create(actor=person, warehouse=wh, receipt=receipt)
    dock = factories.storage_bin(wh, aisle="D")

    def scan(quantity, minutes, reverses=None):
        record = ReceiptScan.objects.create(
            receipt=receipt,
            line=line,
            product=f.item,
            quantity=quantity,
            destination=dock,
            actor=person,
            reverses=reverses,
        )
        return dated(record, "created_at", minutes)

    scan(5, 45)
    scan(7, 10)
    undone = scan(3, 8)
    scan(3, 7, reverses=undone)
    scan(4, 200)
    for minutes in (200, 45, 10, 8, 7):
        scanned(person, "receive", minutes)
    scanned(person, "receive", 2)
    return receipt


def counter_gone_quiet(f, wh, person):
    """A count task on lease, three scans earlier in the hour, nothing for ten minutes."""
    bin_ = factories.storage_bin(wh, aisle="C")
    task = CountTask.objects.create(
        warehouse=wh, location=bin_, reason="Plan", counter=person, lease_until=NOW - timedelta(minutes=5)
    )
    CounterPlace.objects.create(warehouse=wh, actor=person, task=task, bin_scanned_at=ago(30))
    for minutes in (30, 20, 10):
        line = CountLine.objects.create(
            task=task, counter=person, location=bin_, product=f.item, quantity=2, expected=2
        )
        dated(line, "counted_at", minutes)
        scanned(person, "count", minutes)
    return task


@pytest.fixture
def floor():
    f = Floor()
    f.wh, f.other = factories.warehouse("WH"), factories.warehouse("OT")
    f.item = factories.product(sku="BOLT")
    f.ann = factories.user("ann", roles=["picker"], wh=f.wh, first_name="Ann", last_name="Ames")
    f.ben = factories.user("ben", roles=["receiver", "packer"], wh=f.wh, first_name="Ben", last_name="Burr")
    f.cat = factories.user("cat", roles=["counter"], wh=f.wh, first_name="Cat", last_name="Cole")
    f.dan = factories.user("dan", roles=["picker"], wh=f.wh, first_name="Dan")  # went home at noon
    f.olga = factories.user("olga", roles=["picker"], wh=f.other, first_name="Olga")  # the other warehouse
    f.task = picker_at_work(f, f.wh, f.ann)
    f.receipt = receiver_at_work(f, f.wh, f.ben)
    f.count = counter_gone_quiet(f, f.wh, f.cat)
    scanned(f.dan, "pick", 120)
    picker_at_work(f, f.other, f.olga, suffix="O")
    return f


def one_value(sql: str, params: list):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def at(minutes_or_start) -> object:
    when = minutes_or_start if isinstance(minutes_or_start, datetime) else ago(minutes_or_start)
    return connection.ops.adapt_datetimefield_value(when)


def lines_picked(person, since) -> int:
    return one_value(
        "SELECT COUNT(DISTINCT r.pick_id) FROM picking_pickrecord r WHERE r.actor_id = %s AND r.created_at >= %s"
        " AND r.reverses_id IS NULL AND NOT EXISTS (SELECT 1 FROM picking_pickrecord u WHERE u.reverses_id = r.id)",
        [person.pk, at(since)],
    )


def units_received(person, since) -> Decimal:
    return Decimal(
        one_value(
            "SELECT COALESCE(SUM(r.quantity), 0) FROM receiving_receiptscan r WHERE r.actor_id = %s"
            " AND r.created_at >= %s AND r.reverses_id IS NULL"
            " AND NOT EXISTS (SELECT 1 FROM receiving_receiptscan u WHERE u.reverses_id = r.id)",
            [person.pk, at(since)],
        )
    )


def count_scans(person, since) -> int:
    return one_value(
        "SELECT COUNT(*) FROM counting_countline WHERE counter_id = %s AND counted_at >= %s", [person.pk, at(since)]
    )


def by_name(found):
    return {person.name: person for person in found}


def test_a_known_hour_of_work_matches_what_the_database_counts(floor):
    found = by_name(people(floor.wh, now=NOW))

    assert set(found) == {"Ann Ames", "Ben Burr", "Cat Cole"}
    [pick] = found["Ann Ames"].rates
    assert (pick.flow, pick.measure) == ("pick", "lines")
    assert (pick.last_hour, pick.today) == (lines_picked(floor.ann, 60), lines_picked(floor.ann, DAY_START)) == (3, 5)
    # Five lines since her first scan of the day, five hours ago.
    assert pick.today_per_hour == Decimal("1.0")
    [receive] = found["Ben Burr"].rates
    assert (receive.flow, receive.measure) == ("receive", "units")
    assert receive.last_hour == units_received(floor.ben, 60) == 12
    assert receive.today == units_received(floor.ben, DAY_START) == 16
    [count] = found["Cat Cole"].rates
    assert (count.flow, count.measure) == ("count", "scans")
    assert count.last_hour == count.today == count_scans(floor.cat, 60) == 3


def test_each_person_shows_the_work_they_hold_and_their_roles(floor):
    found = by_name(people(floor.wh, now=NOW))

    assert found["Ann Ames"].roles == ["picker"]
    assert found["Ann Ames"].tasks == [Task("pick", floor.task.reference, floor.task.pk, NOW + timedelta(minutes=4))]
    assert found["Ben Burr"].roles == ["receiver", "packer"]
    assert found["Ben Burr"].tasks == [Task("receive", "IN/0001")]
    [count] = found["Cat Cole"].tasks
    assert (count.flow, count.reference, count.task_id) == ("count", floor.count.location.name, floor.count.pk)


def test_someone_holding_work_without_a_scan_for_five_minutes_is_idle_and_listed_first(floor):
    found = people(floor.wh, now=NOW)

    assert [(person.name, person.idle) for person in found] == [
        ("Cat Cole", True),
        ("Ann Ames", False),
        ("Ben Burr", False),
    ]
    assert found[0].since_last_scan == timedelta(minutes=10)
    assert found[1].since_last_scan == timedelta(minutes=1) and found[1].last_scan_at == ago(1)


def test_the_idle_threshold_is_a_setting(floor, settings):
    settings.DASHBOARD_IDLE_SECONDS = 15 * 60
    assert not any(person.idle for person in people(floor.wh, now=NOW))


def test_someone_who_holds_work_but_last_scanned_yesterday_is_on_the_floor_and_idle(floor):
    ScanLog.objects.filter(actor=floor.cat).update(created_at=ago(60 * 20))

    cat = by_name(people(floor.wh, now=NOW))["Cat Cole"]

    assert cat.idle and cat.since_last_scan == timedelta(hours=20)


def test_someone_who_left_their_task_and_stopped_scanning_an_hour_ago_is_not_on_the_floor(floor):
    CounterPlace.objects.filter(actor=floor.cat).update(task=None)
    ScanLog.objects.filter(actor=floor.cat).update(created_at=ago(61))

    assert "Cat Cole" not in by_name(people(floor.wh, now=NOW))


def test_another_warehouse_never_appears(floor):
    assert "Olga" not in by_name(people(floor.wh, now=NOW))
    found = people(floor.other, now=NOW)
    assert [person.name for person in found] == ["Olga"]
    assert found[0].rates[0].last_hour == lines_picked(floor.olga, 60)


def test_the_number_of_queries_does_not_grow_with_the_people(floor):
    with CaptureQueriesContext(connection) as few:
        assert len(people(floor.wh, now=NOW)) == 3
    for n in range(3):
        person = factories.user(f"extra{n}", roles=["picker"], wh=floor.wh, first_name=f"Extra{n}")
        picker_at_work(floor, floor.wh, person, suffix=f"X{n}")
        counter_gone_quiet(floor, floor.wh, factories.user(f"counter{n}", roles=["counter"], wh=floor.wh))

    with CaptureQueriesContext(connection) as many:
        assert len(people(floor.wh, now=NOW)) == 9

    assert len(many) == len(few)
