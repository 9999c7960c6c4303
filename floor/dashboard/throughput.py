"""The dashboard's plots: lines picked by hour today against the same weekday last week, and count
accuracy by week. Each is one grouped query; the panels redraw as often as once a second, so the
dashboard asks for them at most once a minute per warehouse (recent_*), from the shared cache."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncHour
from django.utils import timezone

from floor.counting import accuracy
from floor.dashboard import cached
from floor.picking.models import PickRecord
from floor.warehouse.models import Warehouse

WEEK = timedelta(weeks=1)
ACCURACY_WEEKS = 8
# A plot of hours and weeks need not be right to the second: worked out once a minute, not at
# every redraw.
FRESH_SECONDS = 60


@dataclass(frozen=True, slots=True)
class Hour:
    hour: int  # 0–23, local time
    today: int | None  # lines picked in that hour of the day; None: the hour is still to come
    last_week: int  # lines picked in the same hour of the same weekday a week before


@dataclass(frozen=True, slots=True)
class Throughput:
    day: date
    hours: list[Hour]  # from the first hour with work (either day) to the last, the hour under way included
    hour_now: int | None  # the hour under way when the day is today: its figure is not final

    @property
    def today(self) -> int:
        return sum(hour.today or 0 for hour in self.hours)

    @property
    def last_week(self) -> int:
        """Up to the same hour a week before, to set beside today's so far: the whole day, for a
        day gone by."""
        return sum(hour.last_week for hour in self.hours if self.hour_now is None or hour.hour <= self.hour_now)


def _day(day: date) -> Q:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return Q(created_at__gte=start, created_at__lt=timezone.make_aware(datetime.combine(day + timedelta(1), time.min)))


def by_hour(warehouse: Warehouse, day: date | None = None, *, now: datetime | None = None) -> Throughput:
    """Lines picked in the warehouse in each hour of `day` (today) and of the day a week before, in
    one query. A line is a pick (a stop) whose goods went into a tote, counted once in an hour
    however many puts it took; a put taken back, and the record taking it back, count for nothing
    (as on the People and Now panels)."""
    now = timezone.localtime(now)
    day = day or now.date()
    before = day - WEEK
    rows = (
        PickRecord.objects.filter(
            _day(day) | _day(before), pick__task__warehouse=warehouse, reverses=None, reversal=None
        )
        .annotate(hour=TruncHour("created_at"))  # in the current time zone
        .values("hour")
        .annotate(lines=Count("pick", distinct=True))
        .order_by()
    )
    found: dict[tuple[date, int], int] = {}
    for row in rows:
        at = timezone.localtime(row["hour"])
        key = (at.date(), at.hour)
        found[key] = found.get(key, 0) + row["lines"]  # the hour that comes twice when the clocks go back
    hour_now = now.hour if day == now.date() else None
    worked = {hour for _date, hour in found} | ({hour_now} if hour_now is not None else set())
    hours = range(min(worked), max(worked) + 1) if worked else range(0)

    def to_come(hour: int) -> bool:  # last week's later hours are shown, today's line stops at now
        return hour_now is not None and hour > hour_now

    return Throughput(
        day=day,
        hours=[
            Hour(hour, None if to_come(hour) else found.get((day, hour), 0), found.get((before, hour), 0))
            for hour in hours
        ],
        hour_now=hour_now,
    )


def _recent(name: str, warehouse: Warehouse, figures):
    return cached.recent(name, warehouse.pk, figures, FRESH_SECONDS)


def recent_throughput(warehouse: Warehouse) -> Throughput:
    return _recent("throughput", warehouse, lambda: by_hour(warehouse))


def recent_accuracy(warehouse: Warehouse) -> list[tuple[date, accuracy.Figures]]:
    """The last eight ISO weeks' count accuracy, this one last."""
    return _recent("accuracy", warehouse, lambda: accuracy.by_week(warehouse=warehouse, weeks=ACCURACY_WEEKS))
