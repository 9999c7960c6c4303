"""The dashboard's plots: lines picked by hour today against the same weekday last week, checked
hour by hour against a count asked of the database directly in SQL, in a time zone not UTC; count
accuracy by week; each plot saying the same figures as the table beside it; the page asking the
database for them once a minute, not at every redraw."""

import html
import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from floor.counting import accuracy
from floor.dashboard.throughput import by_hour
from floor.picking.models import Pick, PickRecord, PickTask
from tests import factories
from tests.counting.test_accuracy import counted
from tests.dashboard.test_now import put, stops, t
from tests.picking.task_factories import bind, lease, pick_task

pytestmark = pytest.mark.django_db

MADRID = ZoneInfo("Europe/Madrid")  # an hour ahead of UTC in March: midnight is 23:00 UTC
TODAY = datetime(2026, 3, 10).date()  # a Tuesday
LAST_WEEK = TODAY - timedelta(weeks=1)
NOW = datetime.combine(TODAY, time(14, 20), MADRID)


def at(day, hh_mm: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(hh_mm), MADRID)


def picked(wh, *times) -> list[Pick]:
    """A picker's task of one pick for each time, its goods put into the order's tote then."""
    built = pick_task(wh, stops(wh, len(times)))
    bind(built, *(factories.tote(wh) for _ in built.bindings))
    lease(built, factories.user(roles=["picker"], wh=wh))
    picks = [Pick.objects.select_related("task", "order_line").get(pk=pick.pk) for pick in built.picks]
    for pick, when in zip(picks, times, strict=True):
        put(pick, when)
    return picks


def undo(pick: Pick, when) -> None:
    """The picker took the pick's last put back out of the tote."""
    record = PickRecord.objects.filter(pick=pick).latest("pk")
    undone = PickRecord.objects.create(
        pick=pick,
        tote=record.tote,
        quantity=-record.quantity,
        key=f"undo-{record.pk}",
        actor=record.actor,
        reverses=record,
    )
    PickRecord.objects.filter(pk=undone.pk).update(created_at=when)


def day_of_picks(wh):
    picked(wh, at(TODAY, "00:10"), at(TODAY, "08:05"), at(TODAY, "08:50"), at(TODAY, "09:30"))
    twice = picked(wh, at(TODAY, "08:20"))[0]
    put(twice, at(TODAY, "08:25"))  # the stop's goods in two goes: one line
    taken_back = picked(wh, at(TODAY, "10:15"))[0]
    undo(taken_back, at(TODAY, "10:16"))
    picked(wh, at(TODAY, "13:00"), at(TODAY, "13:59"), at(TODAY, "14:10"))
    picked(wh, at(LAST_WEEK, "07:45"), at(LAST_WEEK, "08:10"), at(LAST_WEEK, "15:30"), at(LAST_WEEK, "15:31"))
    # Neither today nor a week before: the evening before, and the day after last week's.
    picked(wh, at(TODAY, "00:00") - timedelta(minutes=1), at(LAST_WEEK + timedelta(1), "08:00"))


@pytest.fixture
def floor():
    wh, other = factories.warehouse("WH"), factories.warehouse("WH2")
    with timezone.override(MADRID):
        day_of_picks(wh)
        picked(other, at(TODAY, "08:00"), at(TODAY, "08:01"), at(TODAY, "11:00"))
        yield wh, other


def lines_in_sql(wh, start: datetime) -> int:
    """Picks of the warehouse with a put in the hour from `start` not taken back, asked directly."""
    query = (
        f"SELECT COUNT(DISTINCT r.pick_id) FROM {t(PickRecord)} r "  # noqa: S608
        f"JOIN {t(Pick)} p ON p.id = r.pick_id JOIN {t(PickTask)} k ON k.id = p.task_id "
        f"WHERE k.warehouse_id = %s AND r.created_at >= %s AND r.created_at < %s AND r.reverses_id IS NULL "
        f"AND NOT EXISTS (SELECT 1 FROM {t(PickRecord)} u WHERE u.reverses_id = r.id)"
    )
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(query, [wh.pk, adapt(start), adapt(start + timedelta(hours=1))])
        return cursor.fetchone()[0]


def test_each_hour_is_what_the_database_holds(floor):
    wh, _other = floor
    found = by_hour(wh, now=NOW)
    assert [hour.hour for hour in found.hours] == list(range(0, 16))  # to last week's last hour of work
    for hour in found.hours:
        today, last_week = (datetime.combine(day, time(hour.hour), MADRID) for day in (TODAY, LAST_WEEK))
        assert hour.last_week == lines_in_sql(wh, last_week), hour
        assert hour.today == (lines_in_sql(wh, today) if hour.hour <= 14 else None), hour
    # Every line of the two days is in some hour shown.
    assert found.today == sum(lines_in_sql(wh, at(TODAY, "00:00") + timedelta(hours=h)) for h in range(24))


def test_the_day_reads_as_a_floor_lead_would_count_it(floor):
    wh, _other = floor
    found = {hour.hour: (hour.today, hour.last_week) for hour in by_hour(wh, now=NOW).hours}
    assert found[0] == (1, 0)  # 00:10 in Madrid, the evening before in UTC
    assert found[8] == (3, 1)  # a stop put in two goes is one line
    assert found[10] == (0, 0)  # the put taken back counts for nothing
    assert found[14] == (1, 0)  # the hour under way, so far
    assert found[15] == (None, 2)  # still to come today
    found = by_hour(wh, now=NOW)
    assert found.hour_now == 14
    assert (found.today, found.last_week) == (8, 2)  # last week up to the same hour


def test_another_warehouses_picks_are_not_counted(floor):
    _wh, other = floor
    found = by_hour(other, now=NOW)
    assert {hour.hour: hour.today for hour in found.hours if hour.today} == {8: 2, 11: 1}
    assert found.last_week == 0


def test_a_day_gone_by_is_shown_whole(floor):
    wh, _other = floor
    found = by_hour(wh, LAST_WEEK, now=NOW)
    assert found.hour_now is None
    assert [(hour.hour, hour.today) for hour in found.hours if hour.today] == [(7, 1), (8, 1), (15, 2)]


def test_one_query_however_many_picks_and_hours(floor):
    wh, _other = floor
    with CaptureQueriesContext(connection) as few:
        by_hour(wh, now=NOW)
    with timezone.override(MADRID):
        picked(wh, *(at(TODAY, f"{h:02d}:30") for h in range(1, 14)))
    with CaptureQueriesContext(connection) as many:
        by_hour(wh, now=NOW)
    assert len(few) == len(many) == 1


def test_accuracy_by_week_is_the_count_accuracy_pages(floor):
    wh, _other = floor
    place = factories.storage_bin(wh)
    person = factories.user(roles=["counter"], wh=wh)
    counted(place, person, expected=10, found=10, ok=True, days_ago=1)
    counted(place, person, expected=10, found=8, ok=False, days_ago=15)
    counted(place, person, expected=10, found=4, ok=False, days_ago=7 * 9)  # before the eight weeks
    weeks = accuracy.by_week(warehouse=wh, weeks=8)
    page = accuracy.accuracy(warehouse=wh, weeks=8)
    assert weeks == page.by_week
    assert sum(figures.counts for _monday, figures in weeks) == 2


# The page, on today's clock: figures put in this hour and the one before, today and a week ago.


def plotted(text: str, ident: str) -> str:
    said = re.search(rf'<desc id="{ident}-desc">(.*?)</desc>', text, re.S).group(1)
    return html.unescape(said).replace("\xa0", " ")


def rows_of(text: str, caption: str) -> list[list[str]]:
    table = re.search(rf"<caption>{caption}</caption>(.*?)</table>", text, re.S).group(1)
    body = re.search(r"<tbody>(.*?)</tbody>", table, re.S).group(1)
    cells = [
        re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]
    return [[html.unescape(re.sub(r"<[^>]+>", "", cell)).replace("\xa0", " ").strip() for cell in row] for row in cells]


@pytest.fixture
def desk():
    wh = factories.warehouse("WH")
    hour = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    picked(wh, hour, hour, max(hour - timedelta(hours=1), hour.replace(hour=0)))  # three lines today
    picked(wh, hour - timedelta(weeks=1), hour - timedelta(weeks=1, hours=1))
    place = factories.storage_bin(wh)
    person = factories.user(roles=["counter"], wh=wh)
    counted(place, person, expected=10, found=10, ok=True, days_ago=0)
    counted(place, person, expected=10, found=7, ok=False, days_ago=14)
    client = Client()
    client.force_login(factories.user("boss", roles=["supervisor"], wh=wh))
    return wh, client


def test_each_plot_says_what_its_table_says(desk):
    _wh, client = desk
    text = client.get("/dashboard/panels").content.decode()

    hours = rows_of(text, "Lines picked by hour")
    said = re.findall(r"(\d\d): Today (\d+|–), Same day last week (\d+)", plotted(text, "plot-throughput"))
    assert [(row[0][:2], row[1], row[2]) for row in hours] == said
    assert sum(int(today) for _hour, today, _last in said) == 3

    weeks = rows_of(text, "Count accuracy by week")
    said = re.findall(
        r"(W\d\d): Bins right first time (\d+ %|–), Units right (\d+ %|–)", plotted(text, "plot-accuracy")
    )
    assert len(said) == len(weeks) == 8
    assert [(row[0][:3], row[2], row[3]) for row in weeks] == said
    assert said[-1][1:] == ("100 %", "100 %") and said[-3][1:] == ("0 %", "70 %")


def test_the_plots_are_asked_of_the_database_once_a_minute(desk):
    wh, client = desk

    def redraw():  # as a dashboard told of a change just now: the panels drawn afresh
        with CaptureQueriesContext(connection) as asked:
            assert client.get(f"/dashboard/panels?since={timezone.now().timestamp()}").status_code == 200
        return [query["sql"] for query in asked.captured_queries]

    def plots_asked(queries) -> list[str]:
        return [sql for sql in queries if "'hour'" in sql.lower() or "'week'" in sql.lower()]

    assert len(plots_asked(redraw())) == 2  # lines by hour, counts by week
    picked(wh, timezone.now())
    again = redraw()
    assert not plots_asked(again)
    # A minute on: the two queries again, and nothing more.
    cache.delete_many([f"dashboard:{name}:{wh.pk}:{timezone.localdate()}" for name in ("throughput", "accuracy")])
    later = redraw()
    assert len(plots_asked(later)) == 2 and len(later) == len(again) + 2
