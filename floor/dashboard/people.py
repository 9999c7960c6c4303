"""Who is on the floor of a warehouse, for the supervisor's dashboard: what each person holds, how
fast they work, when they last scanned, and who holds work but has stopped scanning (idle).

Someone is on the floor when they scanned in the last hour (their profile's warehouse), or hold
work there. Each flow's rate is counted from the flow's own records, in one measure named for it:

| flow      | measure | counted from                                                  |
| --------- | ------- | ------------------------------------------------------------- |
| pick      | lines   | stops the person put goods of into a tote (PickRecord, net)    |
| receive   | units   | units scanned in at the dock (ReceiptScan, net of undos)       |
| putaway   | lines   | putaways done (Putaway)                                        |
| move      | lines   | moves done (Transfer)                                          |
| pack      | units   | units packed into cartons (PackedItem, net of undos)           |
| count     | scans   | count scans (CountLine)                                        |
| inspect   | units   | returned units taken in (Inspection, not undone)               |

The number of queries is the same however many people work: one per flow, grouped by person.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, F, Max, Min, Q, Sum
from django.utils import timezone

from floor.accounts.models import Profile
from floor.accounts.roles import Role
from floor.counting.models import CounterPlace, CountLine
from floor.packing.models import PackedItem, Packing
from floor.picking.models import PickRecord, PickTask
from floor.putaway.models import Putaway
from floor.receiving.models import Receipt, ReceiptScan, Receiving
from floor.returns.models import Inspection, InspectorPlace
from floor.scanning.models import ScanLog
from floor.transfers.models import Transfer
from floor.warehouse.models import Warehouse

HOUR = timedelta(hours=1)
ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Rate:
    """One flow's work by one person: `last_hour` is also the rate per hour over the last hour;
    `today_per_hour` is today's work over the hours since their first scan today (one at least)."""

    flow: str  # "pick", "receive", "putaway", "move", "pack", "count", "inspect"
    measure: str  # "lines", "units" or "scans"
    last_hour: Decimal
    today: Decimal
    today_per_hour: Decimal


@dataclass(frozen=True, slots=True)
class Task:
    """What a person holds: a pick or count task on lease, or the document open on their scanner."""

    flow: str
    reference: str  # the pick task, the bin counted, the receipt, "station · order", the return…
    task_id: int | None = None  # the PickTask or CountTask, which a supervisor may hand to someone else
    lease_until: datetime | None = None  # pick and count tasks: lapsed means "Get work" may hand it on


@dataclass(slots=True)
class Person:
    person_id: int
    name: str
    roles: list[str]  # Role values, in Role's order
    tasks: list[Task] = field(default_factory=list)
    rates: list[Rate] = field(default_factory=list)  # the flows they worked in today, busiest first
    last_scan_at: datetime | None = None
    since_last_scan: timedelta | None = None
    idle: bool = False  # holds work, and no scan for more than settings.DASHBOARD_IDLE_SECONDS


def people(warehouse: Warehouse, now: datetime | None = None) -> list[Person]:
    """Everyone on the warehouse's floor now: idle people first, then by name."""
    now = now or timezone.now()
    day_start = timezone.make_aware(datetime.combine(timezone.localtime(now).date(), time.min))
    since = min(day_start, now - HOUR)

    scans = {
        row["actor"]: row
        for row in ScanLog.objects.filter(
            actor_id__in=Profile.objects.filter(warehouse=warehouse).values("user_id"), created_at__gte=since
        )
        .values("actor")
        .annotate(last=Max("created_at"), first_today=Min("created_at", filter=Q(created_at__gte=day_start)))
    }
    held = _held(warehouse)
    ids = {actor for actor, row in scans.items() if row["last"] >= now - HOUR} | set(held)
    if not ids:
        return []
    # Holders who last scanned before the window: when that was.
    last_scans = {actor: row["last"] for actor, row in scans.items()}
    older = ids - set(last_scans)
    if older:
        last_scans |= dict(
            ScanLog.objects.filter(actor_id__in=older)
            .values("actor")
            .annotate(last=Max("created_at"))
            .values_list("actor", "last")
        )
    rates = _rates(warehouse, ids=ids, now=now, day_start=day_start, since=since, scans=scans)
    users = get_user_model().objects.filter(pk__in=ids).prefetch_related("groups")
    idle_after = timedelta(seconds=settings.DASHBOARD_IDLE_SECONDS)
    found = []
    for user in users:
        last = last_scans.get(user.pk)
        tasks = held.get(user.pk, [])
        names = {group.name for group in user.groups.all()}
        found.append(
            Person(
                person_id=user.pk,
                name=user.get_full_name() or user.get_username(),
                roles=[role.value for role in Role if role.value in names],
                tasks=tasks,
                rates=rates.get(user.pk, []),
                last_scan_at=last,
                since_last_scan=now - last if last else None,
                idle=bool(tasks) and (last is None or now - last > idle_after),
            )
        )
    return sorted(found, key=lambda person: (not person.idle, person.name.lower(), person.person_id))


def _held(warehouse: Warehouse) -> dict[int, list[Task]]:
    """Each person's work in the warehouse: one query per flow."""
    held: dict[int, list[Task]] = defaultdict(list)
    for task_id, reference, picker, until in PickTask.objects.filter(
        warehouse=warehouse, state=PickTask.State.ACTIVE, picker__isnull=False
    ).values_list("pk", "reference", "picker_id", "lease_until"):
        held[picker].append(Task("pick", reference, task_id, until))
    for task_id, bin_name, counter, until in CounterPlace.objects.filter(
        warehouse=warehouse, task__state="open", task__counter=F("actor")
    ).values_list("task_id", "task__location__name", "actor_id", "task__lease_until"):
        held[counter].append(Task("count", bin_name, task_id, until))
    for reference, actor in Receiving.objects.filter(
        warehouse=warehouse, receipt__state__in=[Receipt.State.OPEN, Receipt.State.RECEIVING]
    ).values_list("receipt__reference", "actor_id"):
        held[actor].append(Task("receive", reference))
    for station, order, actor in Packing.objects.filter(station__warehouse=warehouse, order__isnull=False).values_list(
        "station__name", "order__reference", "actor_id"
    ):
        held[actor].append(Task("pack", f"{station} · {order}"))
    for reference, actor in InspectorPlace.objects.filter(warehouse=warehouse, ret__isnull=False).values_list(
        "ret__reference", "actor_id"
    ):
        held[actor].append(Task("inspect", reference))
    # Putaway and Move stock: an open one that has its item (one that only began holds nothing).
    for model, flow in ((Putaway, "putaway"), (Transfer, "move")):
        for source, sku, actor in (
            model.objects.filter(warehouse=warehouse, state="open", product__isnull=False)
            .values_list("source__name", "product__sku", "actor_id")
            .order_by("pk")
        ):
            held[actor].append(Task(flow, f"{sku} · {source}" if source else sku))
    return held


def _rates(warehouse, *, ids, now, day_start, since, scans) -> dict[int, list[Rate]]:
    """Per person, each flow they worked in today, from its records: one grouped query a flow."""
    hour_ago = now - HOUR
    net = {"reverses": None, "reversal__isnull": True}  # an undone record and its undo count for nothing
    # flow, measure, the warehouse's records, whose, when, and what is counted (distinct) or summed.
    sources = [
        (
            "pick",
            "lines",
            PickRecord.objects.filter(pick__task__warehouse=warehouse, **net),
            "actor",
            "created_at",
            "pick",
        ),
        (
            "receive",
            "units",
            ReceiptScan.objects.filter(receipt__warehouse=warehouse, **net),
            "actor",
            "created_at",
            "quantity",
        ),
        ("putaway", "lines", Putaway.objects.filter(warehouse=warehouse, state="done"), "actor", "updated_at", "pk"),
        ("move", "lines", Transfer.objects.filter(warehouse=warehouse, state="done"), "actor", "updated_at", "pk"),
        (
            "pack",
            "units",
            PackedItem.objects.filter(carton__station__warehouse=warehouse, **net),
            "actor",
            "created_at",
            "quantity",
        ),
        ("count", "scans", CountLine.objects.filter(task__warehouse=warehouse), "counter", "counted_at", "pk"),
        (
            "inspect",
            "units",
            Inspection.objects.filter(ret__warehouse=warehouse, undone=False),
            "actor",
            "created_at",
            "quantity",
        ),
    ]
    rates: dict[int, list[Rate]] = defaultdict(list)
    for flow, measure, records, who, at, what in sources:
        if what == "quantity":
            hour, today = (Sum("quantity", filter=Q(**{f"{at}__gte": start})) for start in (hour_ago, day_start))
        else:  # a stop put into a tote twice is one line
            hour, today = (
                Count(what, distinct=True, filter=Q(**{f"{at}__gte": start})) for start in (hour_ago, day_start)
            )
        rows = (
            records.filter(**{f"{who}_id__in": ids, f"{at}__gte": since})
            .values(who)
            .annotate(hour=hour, today=today)
            .values_list(who, "hour", "today")
        )
        for person, in_hour, in_day in rows:
            in_hour, in_day = Decimal(in_hour or 0), Decimal(in_day or 0)
            if not in_hour and not in_day:
                continue
            first = (scans.get(person) or {}).get("first_today") or day_start
            hours = max(Decimal((now - first).total_seconds()) / 3600, Decimal(1))
            rates[person].append(Rate(flow, measure, in_hour, in_day, (in_day / hours).quantize(Decimal("0.1"))))
    for person_rates in rates.values():
        person_rates.sort(key=lambda rate: (-rate.last_hour, -rate.today))
    return rates
