"""The count accuracy page: its figures per zone, counter and week, its plots and tables, its CSV,
one warehouse only, supervisors only."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from floor.counting import accuracy
from floor.counting.models import CountLine, CountTask
from floor.warehouse.models import Location
from tests import factories

pytestmark = pytest.mark.django_db


def counted(bin, person, *, expected, found, ok, value=None, recount_of=None, decision="", days_ago=1):
    """A finished count as the counting services leave it, with the lines it was counted from."""
    item = factories.product()
    task = CountTask.objects.create(
        warehouse=bin.warehouse,
        location=bin,
        reason="test",
        state=CountTask.State.DONE,
        counter=person,
        counted_at=timezone.now() - timedelta(days=days_ago),
        units_expected=Decimal(expected),
        units_counted=Decimal(found),
        units_off=abs(Decimal(found) - Decimal(expected)),
        adjusted=ok or decision == "approved",
        within_tolerance=ok,
        adjusted_value=value,
        recount_of=recount_of,
        decision=decision,
        source=CountTask.Source.RECOUNT if recount_of else CountTask.Source.PLAN,
    )
    if found:
        CountLine.objects.create(
            task=task, counter=person, location=bin, product=item, quantity=Decimal(found), expected=Decimal(expected)
        )
    return task


@pytest.fixture
def counts():
    """Zone A: one bin right, one wrong then recounted and approved; zone B: one bin off by one,
    within tolerance, adjusted with no cost known."""
    wh = factories.warehouse()
    a1 = factories.storage_bin(wh, aisle="A", zone_name="Zone A")
    a2 = factories.storage_bin(wh, aisle="A", zone_name="Zone A")
    b1 = factories.storage_bin(wh, aisle="B", zone_name="Zone B")
    alice = factories.user(roles=["counter"], wh=wh, first_name="Alice", last_name="Ames")
    bob = factories.user(roles=["counter"], wh=wh, first_name="Bob", last_name="Bell")
    counted(a1, alice, expected=10, found=10, ok=True, days_ago=8)
    wrong = counted(a2, alice, expected=10, found=4, ok=False)
    counted(a2, bob, expected=10, found=5, ok=False, value=Decimal("-25.00"), recount_of=wrong, decision="approved")
    counted(b1, bob, expected=20, found=21, ok=True)
    # Not counted in these weeks, or not finished: no part of the figures.
    counted(b1, bob, expected=5, found=0, ok=False, days_ago=7 * 13)
    CountTask.objects.create(warehouse=wh, location=a1, reason="open", counter=alice)

    class Counts:
        pass

    c = Counts()
    c.wh, c.a1, c.a2, c.b1, c.alice, c.bob, c.wrong = wh, a1, a2, b1, alice, bob, wrong
    return c


def by_label(rows):
    return {row.label: row for row in rows}


def test_it_counts_bins_and_units_right_first_time_over_first_counts(counts):
    found = accuracy.accuracy(warehouse=counts.wh)

    total = found.total
    assert (total.counts, total.right, total.recounts) == (3, 2, 1)
    assert total.right_percent == pytest.approx(200 / 3)
    # Units off 0 + 6 + 1 against the larger of expected and counted: 10 + 10 + 21.
    assert total.units_percent == pytest.approx(100 * (1 - 7 / 41))
    assert total.value == Decimal("-25.00")
    assert (total.adjustments, total.uncosted) == (2, 1)


def test_it_breaks_the_figures_down_by_zone(counts):
    zones = by_label(accuracy.accuracy(warehouse=counts.wh).zones)

    assert sorted(zones) == ["WH/Zone A", "WH/Zone B"]
    a, b = zones["WH/Zone A"], zones["WH/Zone B"]
    assert (a.counts, a.right_percent, a.units_percent) == (2, 50, pytest.approx(70))
    assert (a.recounts, a.value, a.uncosted) == (1, Decimal("-25.00"), 0)
    assert (b.counts, b.right_percent, b.units_percent) == (1, 100, pytest.approx(100 * 20 / 21))
    assert (b.adjustments, b.uncosted) == (1, 1)


def test_a_bin_deeper_in_a_zone_belongs_to_the_zone(counts):
    shelf = Location.objects.create(warehouse=counts.wh, parent=counts.b1.parent, name="B shelf", kind="storage")
    deep = Location.objects.create(warehouse=counts.wh, parent=shelf, name="B-shelf-1", kind="storage")
    counted(deep, counts.alice, expected=3, found=3, ok=True)

    zones = by_label(accuracy.accuracy(warehouse=counts.wh).zones)

    assert zones["WH/Zone B"].counts == 2
    only_b = accuracy.accuracy(warehouse=counts.wh, zone=counts.b1.parent)
    assert [z.label for z in only_b.zones] == ["WH/Zone B"] and only_b.total.counts == 2


def test_it_breaks_the_figures_down_by_counter(counts):
    counters = by_label(accuracy.accuracy(warehouse=counts.wh).counters)

    assert sorted(counters) == ["Alice Ames", "Bob Bell"]
    alice, bob = counters["Alice Ames"], counters["Bob Bell"]
    assert (alice.counts, alice.right, alice.recounts, alice.value) == (2, 1, 0, 0)
    assert (bob.counts, bob.right, bob.recounts, bob.value) == (1, 1, 1, Decimal("-25.00"))


def week_of(found, day):
    return next(figures for monday, figures in found.by_week if monday == day - timedelta(days=day.weekday()))


def test_it_breaks_the_figures_down_by_iso_week_with_empty_weeks_shown(counts):
    found = accuracy.accuracy(warehouse=counts.wh, weeks=4)

    assert len(found.by_week) == 4 and {monday.weekday() for monday, _figures in found.by_week} == {0}
    today = timezone.localdate()
    assert found.by_week[-1][1].label == f"W{today.isocalendar().week:02d}"
    yesterday, week_before = week_of(found, today - timedelta(days=1)), week_of(found, today - timedelta(days=8))
    assert (yesterday.counts, yesterday.right, yesterday.recounts) == (2, 1, 1)
    assert (week_before.counts, week_before.right_percent) == (1, 100)
    assert found.by_week[0][1].counts == 0 and found.by_week[0][1].right_percent is None


def test_it_asks_the_database_a_few_questions_whatever_the_number_of_counts(counts, django_assert_max_num_queries):
    for n in range(20):
        counted(factories.storage_bin(counts.wh, zone_name=f"Zone {n % 4}"), counts.alice, expected=4, found=4, ok=True)
    with django_assert_max_num_queries(8):
        accuracy.accuracy(warehouse=counts.wh)


def test_another_warehouse_s_counts_are_no_part_of_it(counts):
    other = factories.warehouse("B")
    counted(factories.storage_bin(other, zone_name="Far zone"), factories.user(wh=other), expected=1, found=9, ok=False)

    found = accuracy.accuracy(warehouse=counts.wh)

    assert found.total.counts == 3 and "B/Far zone" not in by_label(found.zones)


@pytest.fixture
def supervisor(client, counts):
    client.force_login(factories.user(roles=["supervisor"], wh=counts.wh))
    return client


def test_the_page_draws_each_breakdown_with_a_table_of_its_figures(supervisor, counts):
    page = supervisor.get("/count/accuracy/")

    assert page.status_code == 200
    text = page.content.decode()
    assert text.count("<svg") == 4
    for title in ("Accuracy by zone", "Accuracy by counter", "Accuracy by week", "Value of adjustments by week"):
        assert f"{title}</title>" in text
    for name in ("WH/Zone A", "WH/Zone B", "Alice Ames", "Bob Bell"):
        assert f">{name}</text>" in text  # in the plot
        assert f'<th scope="row">{name}</th>' in text  # and in its table
    assert "no recount needed" in text  # the definitions, one line each
    assert "style=" not in text  # the Content-Security-Policy refuses inline style


def test_the_plots_escape_names(supervisor, counts):
    counts.a1.parent.name = "<b>Zone & co</b>"
    counts.a1.parent.save()

    text = supervisor.get("/count/accuracy/").content.decode()

    assert "<b>Zone" not in text and "&lt;b&gt;Zone &amp; co&lt;/b&gt;</text>" in text


def test_the_page_filters_by_zone_and_weeks(supervisor, counts):
    page = supervisor.get("/count/accuracy/", {"zone": counts.b1.parent.pk, "weeks": 2})

    found = page.context["found"]
    assert [z.label for z in found.zones] == ["WH/Zone B"] and found.total.counts == 1
    assert len(found.by_week) == 2


def test_a_zone_of_another_warehouse_filters_nothing(supervisor, counts):
    elsewhere = factories.zone(factories.warehouse("B"), "Zone B")

    found = supervisor.get("/count/accuracy/", {"zone": elsewhere.pk}).context["found"]

    assert found.total.counts == 3


def read_csv(answer):
    assert answer["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))


def test_the_csv_has_a_row_per_count(supervisor, counts):
    rows = read_csv(supervisor.get("/count/accuracy.csv"))

    assert rows[0] == [
        "Week",
        "Date",
        "Bin",
        "Zone",
        "Counter",
        "First count or recount",
        "Units expected",
        "Units off",
        "Within tolerance",
        "Adjustment value",
        "Decision",
    ]
    assert len(rows) == 1 + 4
    recount = next(row for row in rows if row[5] == "Recount")
    assert recount[2:6] == [counts.a2.name, "WH/Zone A", "Bob Bell", "Recount"]
    assert recount[6:] == ["10.000", "5.000", "no", "-25.00", "Approved"]  # a loss is a number, not a formula
    assert recount[0].startswith(f"{timezone.localdate().year}-W") or recount[0].startswith(
        f"{timezone.localdate().year - 1}-W"
    )


def test_the_csv_keeps_to_the_zone_asked_for(supervisor, counts):
    rows = read_csv(supervisor.get("/count/accuracy.csv", {"zone": counts.b1.parent.pk}))

    assert [row[2] for row in rows[1:]] == [counts.b1.name]


def test_the_csv_writes_what_looks_like_a_formula_as_text(supervisor, counts):
    trap = Location.objects.create(
        warehouse=counts.wh, parent=counts.a1.parent, name='=HYPERLINK("http://x")', kind="storage"
    )
    mallory = factories.user(roles=["counter"], wh=counts.wh, first_name="@SUM(A1)", last_name="+1")
    counted(trap, mallory, expected=1, found=1, ok=True)

    rows = read_csv(supervisor.get("/count/accuracy.csv"))

    row = next(row for row in rows if "HYPERLINK" in row[2])
    assert row[2] == '\'=HYPERLINK("http://x")' and row[4] == "'@SUM(A1) +1"


def test_the_csv_holds_nothing_of_another_warehouse(supervisor, counts):
    other = factories.warehouse("B")
    counted(factories.storage_bin(other, aisle="Q"), factories.user(wh=other), expected=1, found=9, ok=False)

    rows = read_csv(supervisor.get("/count/accuracy.csv"))

    assert len(rows) == 1 + 4 and not [row for row in rows if row[2].startswith("Q-")]


@pytest.mark.parametrize("url", ["/count/accuracy/", "/count/accuracy.csv"])
def test_a_counter_may_not_see_it(client, counts, url):
    client.force_login(counts.alice)

    assert client.get(url).status_code == 403


def test_supervisors_find_it_on_the_home_screen(supervisor, counts, client):
    assert "Count accuracy" in supervisor.get("/").content.decode()
    client.force_login(counts.alice)
    assert "Count accuracy" not in client.get("/").content.decode()


@pytest.mark.parametrize("weeks", ["0", "abc", "1000"])
def test_weeks_that_make_no_sense_show_the_last_twelve(supervisor, counts, weeks):
    page = supervisor.get("/count/accuracy/", {"weeks": weeks})

    assert page.status_code == 200 and len(page.context["found"].by_week) == accuracy.WEEKS
