"""How right the counts were, for a supervisor: per zone, per counter and per ISO week, over the
last weeks, in one warehouse. Each breakdown is one grouped query over the counts; the rows are
then named (zones, people) with a few more, never one query per count."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Greatest, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from floor.counting.models import CountTask
from floor.warehouse.models import Location, Warehouse

WEEKS = 12  # the page opens on the last twelve weeks, this one included
MOST_WEEKS = 104

FIRST = Q(recount_of__isnull=True)
# An adjustment was posted when a count with units off closed its bin: within tolerance at once,
# or after a supervisor approved it. Its value is known only where the items' cost is.
# An adjustment: the stock followed a count that found a difference.
ADJUSTED = Q(adjusted=True, units_off__gt=0)

_UNITS = DecimalField(max_digits=14, decimal_places=3)
_ZERO = Value(Decimal(0), output_field=_UNITS)


def _figures() -> dict:
    """The sums every breakdown asks for; all add up, so groups can be merged (bins into zones)."""
    return {
        "counts": Count("pk", filter=FIRST),
        "right": Count("pk", filter=FIRST & Q(within_tolerance=True)),
        "off": Sum("units_off", filter=FIRST, default=_ZERO),
        # Units off against the larger of what the ledger held and what was counted: a bin found
        # full that the ledger thought empty is 0 % right, not minus infinity.
        "base": Sum(
            Greatest(Coalesce("units_expected", _ZERO), Coalesce("units_counted", _ZERO)),
            filter=FIRST,
            default=_ZERO,
        ),
        "recounts": Count("pk", filter=~FIRST),
        "value": Sum("adjusted_value", default=Value(Decimal(0), output_field=DecimalField())),
        "adjustments": Count("pk", filter=ADJUSTED),
        "uncosted": Count("pk", filter=ADJUSTED & Q(adjusted_value__isnull=True)),
    }


@dataclass
class Figures:
    """One row of a breakdown. Accuracy is over first counts only: a recount is the cost of a
    first count that was wrong, not a second chance."""

    label: str
    counts: int = 0  # first counts
    right: int = 0  # first counts within tolerance: no recount needed
    off: Decimal = Decimal(0)  # units off, over first counts
    base: Decimal = Decimal(0)  # what they are off against
    recounts: int = 0
    value: Decimal = Decimal(0)  # the adjustments' value, where cost is known
    adjustments: int = 0
    uncosted: int = 0  # adjustments whose items have no cost

    SUMS = ("counts", "right", "off", "base", "recounts", "value", "adjustments", "uncosted")

    @classmethod
    def of(cls, label: str, row: dict) -> "Figures":
        return cls(label, **{name: row[name] for name in cls.SUMS})

    def add(self, other: "Figures") -> None:
        for name in self.SUMS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def right_percent(self) -> float | None:
        return 100 * self.right / self.counts if self.counts else None

    @property
    def units_percent(self) -> float | None:
        if not self.counts:
            return None
        if not self.base:
            return 100.0  # an empty bin found empty
        return float(100 * (1 - self.off / self.base))


@dataclass
class Accuracy:
    since: date
    weeks: int
    total: Figures
    zones: list[Figures] = field(default_factory=list)
    counters: list[Figures] = field(default_factory=list)
    by_week: list[tuple[date, Figures]] = field(default_factory=list)


def first_monday(*, weeks: int, today: date | None = None) -> date:
    """The Monday `weeks` ISO weeks back, this week being the last of them."""
    today = today or timezone.localdate()
    return today - timedelta(days=today.weekday(), weeks=weeks - 1)


def zones(warehouse: Warehouse | None) -> QuerySet[Location]:
    return Location.objects.filter(warehouse=warehouse, kind=Location.Kind.VIEW, active=True).order_by("name")


def _zone_of(location_ids) -> dict[int, Location | None]:
    """Each location's zone: itself if it is a view, else its nearest enclosing view. One query
    per level of the tree, whatever the number of bins."""
    found: dict[int, Location | None] = {}
    pending = {pk: pk for pk in location_ids if pk is not None}  # asked for → the node reached
    while pending:
        nodes = Location.objects.in_bulk(set(pending.values()))
        climbing = {}
        for asked, reached in pending.items():
            node = nodes[reached]
            if node.kind == Location.Kind.VIEW:
                found[asked] = node
            elif node.parent_id is None:
                found[asked] = None
            else:
                climbing[asked] = node.parent_id
        pending = climbing
    return found


def _under(zone: Location) -> list[int]:
    """The zone and every place in it, not itself a zone, that holds places: a count belongs to
    the zone exactly when its bin's parent is among them (bins hold nothing, so the list is short)."""
    found, level = [zone.pk], [zone.pk]
    while level:
        level = list(
            Location.objects.filter(parent_id__in=level, children__isnull=False)
            .exclude(kind=Location.Kind.VIEW)
            .order_by()
            .values_list("pk", flat=True)
            .distinct()
        )
        found += level
    return found


def counts(*, warehouse: Warehouse | None, since: date, zone: Location | None = None) -> QuerySet[CountTask]:
    """The warehouse's counts finished since that day (first counts and recounts)."""
    start = timezone.make_aware(datetime.combine(since, time.min))
    done = CountTask.objects.filter(warehouse=warehouse, state=CountTask.State.DONE, counted_at__gte=start)
    if zone is not None:
        done = done.filter(location__parent_id__in=_under(zone))
    return done


def _name(person) -> str:
    return person.get_full_name() or person.get_username()


def accuracy(
    *, warehouse: Warehouse | None, weeks: int = WEEKS, zone: Location | None = None, today: date | None = None
) -> Accuracy:
    since = first_monday(weeks=weeks, today=today)
    done = counts(warehouse=warehouse, since=since, zone=zone)
    total = Figures.of(_("All counts"), done.aggregate(**_figures()))

    # Per zone: grouped by the bins' parents (few), which are then walked up to their zones.
    by_parent = list(done.order_by().values("location__parent").annotate(**_figures()))
    zone_of = _zone_of(row["location__parent"] for row in by_parent)
    per_zone: dict[int | None, Figures] = {}
    for row in by_parent:
        place = zone_of.get(row["location__parent"])
        key = place.pk if place else None
        figures = Figures.of(place.name if place else _("No zone"), row)
        if key in per_zone:
            per_zone[key].add(figures)
        else:
            per_zone[key] = figures

    by_counter = list(done.order_by().values("counter").annotate(**_figures()))
    people = get_user_model().objects.in_bulk([row["counter"] for row in by_counter if row["counter"]])
    counters = [
        Figures.of(_name(people[row["counter"]]) if row["counter"] else _("Nobody recorded"), row) for row in by_counter
    ]

    return Accuracy(
        since=since,
        weeks=weeks,
        total=total,
        zones=sorted(per_zone.values(), key=lambda figures: figures.label),
        counters=sorted(counters, key=lambda figures: figures.label.casefold()),
        by_week=_by_week(done, since=since, weeks=weeks),
    )


def by_week(
    *, warehouse: Warehouse | None, weeks: int = WEEKS, today: date | None = None
) -> list[tuple[date, Figures]]:
    """Each of the last `weeks` ISO weeks, this one last, by its Monday: one query."""
    since = first_monday(weeks=weeks, today=today)
    return _by_week(counts(warehouse=warehouse, since=since), since=since, weeks=weeks)


def _by_week(done: QuerySet[CountTask], *, since: date, weeks: int) -> list[tuple[date, Figures]]:
    weekly = done.order_by().annotate(week=TruncWeek("counted_at")).values("week").annotate(**_figures())
    found = {timezone.localtime(row["week"]).date(): row for row in weekly}
    rows = []
    for n in range(weeks):
        monday = since + timedelta(weeks=n)
        label = f"W{monday.isocalendar().week:02d}"
        rows.append((monday, Figures.of(label, found[monday]) if monday in found else Figures(label)))
    return rows


def export(*, warehouse: Warehouse | None, since: date, zone: Location | None = None):
    """One row per count, oldest first, in the words of the page."""
    done = counts(warehouse=warehouse, since=since, zone=zone).select_related("location", "counter")
    zone_of = _zone_of(done.order_by().values_list("location__parent", flat=True).distinct())
    for task in done.order_by("counted_at", "pk").iterator(chunk_size=1000):
        counted = timezone.localtime(task.counted_at).date()
        place = zone_of.get(task.location.parent_id)
        year, week, _day = counted.isocalendar()
        yield {
            "week": f"{year}-W{week:02d}",
            "date": counted.isoformat(),
            "bin": task.location.name,
            "zone": place.name if place else "",
            "counter": _name(task.counter) if task.counter else "",
            "count": _("Recount") if task.recount_of_id else _("First count"),
            "units_expected": task.units_expected,
            "units_off": task.units_off,
            "within_tolerance": task.within_tolerance,
            "adjusted_value": task.adjusted_value,
            "decision": task.get_decision_display() if task.decision else "",
        }
