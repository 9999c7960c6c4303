"""The dashboard's Now panel: the work open on the floor, by kind, and each released wave against
its carrier cutoff. Reads only, one warehouse, a fixed number of queries however busy the floor."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, F, Min, Q, Sum, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from floor.counting.models import CountTask
from floor.ledger.models import Quant
from floor.picking.models import Pick, PickRecord, PickTask, TaskTote, Wave
from floor.receiving.models import Receipt
from floor.returns.models import Return
from floor.warehouse.models import Location, Warehouse

ZERO = Decimal(0)
UNITS = DecimalField(max_digits=14, decimal_places=3)
# The rate is the lines done over the last half hour (or since the wave's first pick, if later)...
RATE_WINDOW = timedelta(minutes=30)
# ...but never over less than a minute: one pick a second ago is not 3,600 lines an hour.
SHORTEST_SPAN = timedelta(minutes=1)
DONE = (Pick.State.PICKED, Pick.State.SHORT)


@dataclass(frozen=True)
class Work:
    """One line of the Now panel: how much of one kind of work, in one state, is open."""

    kind: str  # receipts, putaway, waves, pick_tasks, packing, counts, returns, quarantine
    state: str  # the documents' state ("open", "receiving"…), or "" where there is none
    label: str  # as the page says it
    count: int
    units: Decimal | None = None  # units still to do, where counting them means something


@dataclass(frozen=True)
class WaveProgress:
    wave: Wave
    lines: int  # its picks (stops on the pickers' paths), cancelled ones left out
    lines_done: int  # picked, or given up as short
    rate: float | None  # lines an hour lately (0: none in the last half hour); None: nothing picked yet
    projected_finish: datetime | None  # None: no rate to project with
    cutoff: datetime | None  # the earliest carrier cutoff of its orders
    late: bool  # the projected finish (or now, with lines left) is past the cutoff

    @property
    def lines_left(self) -> int:
        return self.lines - self.lines_done

    @property
    def percent(self) -> int:
        return self.lines_done * 100 // self.lines if self.lines else 0


def _left(to_do: str, done: str):
    """Units still to do on a line: never below zero, whatever came in over."""
    return Sum(Greatest(F(to_do) - F(done), Value(ZERO), output_field=UNITS), output_field=UNITS)


def open_work(warehouse: Warehouse) -> list[Work]:
    """Every kind of open work, in the order the goods go through the building, each with its count
    even when nothing is open: eight queries."""
    receipts = _by_state(
        Receipt.objects.filter(warehouse=warehouse, state__in=[Receipt.State.OPEN, Receipt.State.RECEIVING]),
        units=_left("lines__expected", "lines__received"),
    )
    at_input = _stock_at(warehouse, Location.Kind.INPUT)
    waves = Wave.objects.filter(warehouse=warehouse, state=Wave.State.RELEASED).count()
    tasks = _by_state(
        PickTask.objects.filter(warehouse=warehouse, state__in=[PickTask.State.OPEN, PickTask.State.ACTIVE]),
        units=Sum(
            F("picks__quantity") - F("picks__picked"), filter=Q(picks__state=Pick.State.OPEN), output_field=UNITS
        ),
    )
    # A finished task's totes that still hold goods wait at packing until their order is packed.
    totes = TaskTote.objects.filter(
        task__warehouse=warehouse, task__state=PickTask.State.DONE, tote__isnull=False, freed_at=None
    ).count()
    counts = _by_state(
        CountTask.objects.filter(warehouse=warehouse, state__in=[CountTask.State.OPEN, CountTask.State.APPROVAL])
    )
    returns = _by_state(
        Return.objects.filter(warehouse=warehouse, state__in=[Return.State.EXPECTED, Return.State.INSPECTING]),
        units=_left("lines__expected", "lines__inspected"),
    )
    quarantine = _stock_at(warehouse, Location.Kind.QUARANTINE)

    def of(rows, state, kind, label, units=True):
        count, left = rows.get(state, (0, ZERO))
        return Work(kind, state, label, count, (left or ZERO) if units else None)

    return [
        of(receipts, Receipt.State.OPEN, "receipts", _("Receipts to receive")),
        of(receipts, Receipt.State.RECEIVING, "receipts", _("Receipts being received")),
        Work("putaway", "", _("Waiting at input to put away"), at_input["lines"], at_input["units"]),
        Work("waves", Wave.State.RELEASED, _("Waves released"), waves),
        of(tasks, PickTask.State.OPEN, "pick_tasks", _("Pick tasks waiting for a picker")),
        of(tasks, PickTask.State.ACTIVE, "pick_tasks", _("Pick tasks being picked")),
        Work("packing", "", _("Totes waiting at packing"), totes),
        of(counts, CountTask.State.OPEN, "counts", _("Counts to do"), units=False),
        of(counts, CountTask.State.APPROVAL, "counts", _("Counts to approve"), units=False),
        of(returns, Return.State.EXPECTED, "returns", _("Returns expected")),
        of(returns, Return.State.INSPECTING, "returns", _("Returns being inspected")),
        Work("quarantine", "", _("Items in quarantine"), quarantine["lines"], quarantine["units"]),
    ]


def _by_state(documents, units=None) -> dict[str, tuple[int, Decimal | None]]:
    """{state: (documents, units)} in one query; a join to the lines must not count a document twice."""
    extra = {"units": units} if units is not None else {}
    rows = documents.values("state").annotate(n=Count("pk", distinct=True), **extra).order_by()
    return {row["state"]: (row["n"], row.get("units")) for row in rows}


def _stock_at(warehouse: Warehouse, kind: str) -> dict:
    """What lies in the warehouse's areas of `kind`: a line per loose item (and lot), one per
    licence plate however many items it holds, as a putaway would take them; and the units."""
    found = Quant.objects.filter(location__warehouse=warehouse, location__kind=kind, quantity__gt=0).aggregate(
        loose=Count("pk", filter=Q(package=None)), plates=Count("package", distinct=True), units=Sum("quantity")
    )
    return {"lines": found["loose"] + found["plates"], "units": found["units"] or ZERO}


def waves(warehouse: Warehouse, now: datetime | None = None) -> list[WaveProgress]:
    """Each released wave, the most urgent cutoff first: how far it is, how fast it goes, when it
    will be done at that pace, and whether that misses the carrier. Three queries, however many
    waves, picks and puts."""
    now = now or timezone.now()
    released = Wave.objects.filter(warehouse=warehouse, state=Wave.State.RELEASED)
    listed = list(
        released.annotate(cutoff=Min("orders__cutoff")).order_by(F("cutoff").asc(nulls_last=True), "reference")
    )
    lines = dict(
        (wave_id, (n, done))
        for wave_id, n, done in Pick.objects.filter(task__wave__in=released)
        .exclude(state=Pick.State.CANCELLED)
        .values_list("task__wave")
        .annotate(n=Count("pk"), done=Count("pk", filter=Q(state__in=DONE)))
        .order_by()
    )
    # A put taken back (and the record taking it back) is no work done.
    since = now - RATE_WINDOW
    puts = {
        wave_id: (first, recent)
        for wave_id, first, recent in PickRecord.objects.filter(
            pick__task__wave__in=released, reverses=None, reversal=None
        )
        .values_list("pick__task__wave")
        .annotate(
            first=Min("created_at"),
            recent=Count("pick", distinct=True, filter=Q(created_at__gte=since, pick__state__in=DONE)),
        )
        .order_by()
    }
    progress = []
    for wave in listed:
        total, done = lines.get(wave.pk, (0, 0))
        first, recent = puts.get(wave.pk, (None, 0))
        rate = None
        if first is not None:
            span = max(now - max(first, since), SHORTEST_SPAN)
            rate = recent * 3600 / span.total_seconds()
        left = total - done
        projected = now + timedelta(hours=left / rate) if rate else None
        late = bool(left and wave.cutoff is not None and (projected or now) > wave.cutoff)
        progress.append(WaveProgress(wave, total, done, rate, projected, wave.cutoff, late))
    return progress
