"""Which bins to count, and when.

- **Classes.** Each item is A, B or C by what was picked of it over the last COUNT_ABC_WINDOW_DAYS
  (moves out of storage bins into totes, less those undone): sorted by units picked, the items
  making the first COUNT_ABC_A_PERCENT of all units are A, up to COUNT_ABC_B_PERCENT B, the rest
  (and what was not picked at all) C. Where the cost is known (Odoo's standard price), the same cut
  by value picked may class an item higher: a few dear units count as much as many cheap ones.
- **Bins.** A bin takes the highest class of what it holds, and is due when it was last counted
  longer ago than its class's COUNT_DAYS_A/B/C (a bin never counted: since stock first came in).
  Zone or aisle plans and item plans count their bins every N days on top; a bin holding stock
  not counted for COUNT_NOT_COUNTED_DAYS is counted whatever its plan.
- **The day's counts.** `make_due_counts` raises the due counts each morning, riskiest first, until
  COUNT_DAILY_CAPACITY planned counts are waiting. Counts raised by something found wrong (a short
  pick, a refused post, a variance, Floor and Odoo differing, Odoo's own schedule, a supervisor's
  "these bins today") are raised when it happens and take none of that room: they are the counts
  most likely to find an error, and the queue hands them out first anyway.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Min, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from floor.counting.models import CountPlan, CountTask
from floor.counting.raising import BUSY, PRIORITY, raise_count
from floor.errors import ScanRejected
from floor.ledger.models import Move, Quant
from floor.warehouse.models import Location, Product
from floor.warehouse.quantities import qty

CLASSES = ("A", "B", "C")
# A planned count's priority above PRIORITY[plan]: an A bin before a B bin before a C bin.
CLASS_WEIGHT = {"A": 6, "B": 3, "C": 0}
# Counts the morning's run makes, and so the ones its capacity limits.
PLANNED = (CountTask.Source.PLAN, CountTask.Source.NOT_COUNTED)


def class_days() -> dict[str, int]:
    return {"A": settings.COUNT_DAYS_A, "B": settings.COUNT_DAYS_B, "C": settings.COUNT_DAYS_C}


# --- Classes


@dataclass
class ItemClass:
    product_id: int
    sku: str
    name: str
    grade: str
    units: Decimal = Decimal(0)
    share: float = 0.0  # percent of all units picked
    value: Decimal | None = None  # units × cost, where the cost is known
    value_share: float | None = None  # percent of the value picked
    by_value: bool = False  # the class comes from the value, not the units

    @property
    def why(self) -> str:
        days = settings.COUNT_ABC_WINDOW_DAYS
        if not self.units:
            return _("%(grade)s — not picked in %(days)s days") % {"grade": self.grade, "days": days}
        units = _("%(grade)s — %(units)s units picked in %(days)s days, %(share)s %% of all picks") % {
            "grade": self.grade,
            "units": qty(self.units),
            "days": days,
            "share": number_format(self.share, 1),
        }
        if not self.by_value:
            return units
        return _("%(grade)s — %(value)s picked in %(days)s days, %(share)s %% of the value picked (%(units)s)") % {
            "grade": self.grade,
            "value": number_format(self.value, 2, force_grouping=True),
            "days": days,
            "share": number_format(self.value_share, 1),
            "units": _("%(units)s units, %(share)s %% of all picks")
            % {"units": qty(self.units), "share": number_format(self.share, 1)},
        }


def _pareto(amounts: dict[int, Decimal]) -> dict[int, tuple[str, float]]:
    """Each key's class and share (percent) of the total: sorted largest first, those that start
    before the A cut-off are A, before the B cut-off B, the rest C (so the largest is always A)."""
    total = sum(amounts.values())
    cut_a, cut_b = settings.COUNT_ABC_A_PERCENT, settings.COUNT_ABC_B_PERCENT
    graded, before = {}, 0.0
    for key, amount in sorted(amounts.items(), key=lambda item: (-item[1], item[0])):
        share = float(amount / total * 100) if total else 0.0
        graded[key] = ("A" if before < cut_a else "B" if before < cut_b else "C", share)
        before += share
    return graded


def item_classes(*, warehouse, now: datetime | None = None) -> dict[int, ItemClass]:
    """The class of every item picked in the window (an item not in it is C), best first."""
    since = (now or timezone.now()) - timedelta(days=settings.COUNT_ABC_WINDOW_DAYS)
    picked = (
        Move.objects.filter(
            from_location__warehouse=warehouse,
            from_location__kind=Location.Kind.STORAGE,
            to_location__kind=Location.Kind.TOTE,
            created_at__gte=since,
            reversals__isnull=True,  # an undone pick was not picked
        )
        .values("product", "product__sku", "product__name", "product__cost")
        .annotate(units=Sum("quantity"))
    )
    rows = {row["product"]: row for row in picked if row["units"]}
    by_units = _pareto({pk: row["units"] for pk, row in rows.items()})
    values = {pk: row["units"] * row["product__cost"] for pk, row in rows.items() if row["product__cost"]}
    by_value = _pareto(values)
    classes = {}
    for pk, row in rows.items():
        grade, share = by_units[pk]
        item = ItemClass(pk, row["product__sku"], row["product__name"], grade, row["units"], share)
        if pk in values:
            item.value, (value_grade, item.value_share) = values[pk], by_value[pk]
            if value_grade < grade:  # "A" < "B": the value puts it higher
                item.grade, item.by_value = value_grade, True
        classes[pk] = item
    return dict(sorted(classes.items(), key=lambda item: (item[1].grade, -item[1].units, item[1].sku)))


# --- Bins


def _bins(warehouse):
    return Location.objects.filter(warehouse=warehouse, kind=Location.Kind.STORAGE, active=True)


def _held(warehouse) -> dict[int, set[int]]:
    """Items held per storage bin."""
    held: dict[int, set[int]] = {}
    quants = Quant.objects.filter(
        location__warehouse=warehouse, location__kind=Location.Kind.STORAGE, location__active=True, quantity__gt=0
    )
    for location_id, product_id in quants.values_list("location", "product"):
        held.setdefault(location_id, set()).add(product_id)
    return held


def bin_grades(held: dict[int, set[int]], classes: dict[int, ItemClass]) -> dict[int, str]:
    """A bin's class: the highest of what it holds."""
    return {
        location_id: min((classes[pk].grade if pk in classes else "C") for pk in products)
        for location_id, products in held.items()
    }


def last_counted(warehouse) -> dict[int, datetime]:
    """When each bin's last finished count was made (a count finished before Done kept the time:
    when it was raised)."""
    done = CountTask.objects.filter(warehouse=warehouse, state=CountTask.State.DONE)
    rows = done.values("location").annotate(at=Max(Coalesce("counted_at", "created_at")))
    return {row["location"]: row["at"] for row in rows}


def _stocked_since(location_ids) -> dict[int, datetime]:
    rows = Move.objects.filter(to_location__in=location_ids).values("to_location").annotate(at=Min("created_at"))
    return {row["to_location"]: row["at"] for row in rows}


@dataclass
class Due:
    location: Location
    source: str
    priority: int
    overdue: int  # days past due
    reason: str


def _age(today: date, moment: datetime | None) -> int | None:
    return None if moment is None else (today - timezone.localdate(moment)).days


def _every(days: int) -> str:
    return ngettext("every %(n)s day", "every %(n)s days", days) % {"n": days}


def _ago(days: int) -> str:
    return ngettext("last counted %(n)s day ago", "last counted %(n)s days ago", days) % {"n": days}


def _plan_bins(plan: CountPlan, bins: dict[int, Location], held: dict[int, set[int]]) -> list[int]:
    if plan.kind == CountPlan.Kind.PRODUCT:
        wanted = set(plan.products.values_list("pk", flat=True))
        return [pk for pk, products in held.items() if products & wanted and pk in bins]
    if plan.aisle:
        return [pk for pk, location in bins.items() if location.aisle == plan.aisle]
    under, level = set(), {plan.zone_id}
    while level:  # the zone's tree, a level at a time
        children = set(Location.objects.filter(parent__in=level).values_list("pk", flat=True)) - under
        under |= children
        level = children
    return [pk for pk in bins if pk in under]


def due_counts(*, warehouse, today: date | None = None) -> list[Due]:
    """Every bin due a count today by class, plan or neglect, riskiest first, one reason per bin."""
    today = today or timezone.localdate()
    bins = {location.pk: location for location in _bins(warehouse)}
    held = _held(warehouse)
    grades = bin_grades(held, item_classes(warehouse=warehouse))
    counted = last_counted(warehouse)
    stocked = _stocked_since([pk for pk in held if pk not in counted])
    days = class_days()
    found: dict[int, Due] = {}

    def offer(location_id, source, weight, overdue, reason):
        if location_id not in bins:
            return
        due = Due(bins[location_id], source, PRIORITY[source] + weight, overdue, reason)
        known = found.get(location_id)
        if known is None or (due.priority, due.overdue) > (known.priority, known.overdue):
            found[location_id] = due

    for location_id in held:
        grade = grades[location_id]
        age = _age(today, counted.get(location_id))
        if age is None:
            since = _age(today, stocked.get(location_id))
            if since is None:
                continue
            words = ngettext(
                "never counted, stock in for %(n)s day", "never counted, stock in for %(n)s days", since
            ) % {"n": since}
            age = since
        else:
            words = _ago(age)
        if age >= settings.COUNT_NOT_COUNTED_DAYS:
            reason = _("Not counted for a while: %(words)s") % {"words": words}
            offer(location_id, CountTask.Source.NOT_COUNTED, 0, age - settings.COUNT_NOT_COUNTED_DAYS, reason)
        if age >= days[grade]:
            reason = _("Class %(grade)s, counted %(every)s: %(words)s") % {
                "grade": grade,
                "every": _every(days[grade]),
                "words": words,
            }
            offer(location_id, CountTask.Source.PLAN, CLASS_WEIGHT[grade], age - days[grade], reason)
    plans = CountPlan.objects.filter(warehouse=warehouse, active=True, every_days__isnull=False)
    for plan in plans.select_related("zone"):
        for location_id in _plan_bins(plan, bins, held):
            age = _age(today, counted.get(location_id))
            if age is not None and age < plan.every_days:
                continue
            words = _("never counted") if age is None else _ago(age)
            reason = _("%(plan)s, %(every)s: %(words)s") % {
                "plan": plan_name(plan),
                "every": _every(plan.every_days),
                "words": words,
            }
            overdue = plan.every_days if age is None else age - plan.every_days
            offer(location_id, CountTask.Source.PLAN, CLASS_WEIGHT[grades.get(location_id, "C")], overdue, reason)
    return sorted(
        found.values(),
        key=lambda due: (-due.priority, -due.overdue, due.location.aisle, due.location.bay or 0, due.location.name),
    )


def plan_name(plan: CountPlan) -> str:
    if plan.kind == CountPlan.Kind.PRODUCT:
        skus = [product.sku for product in plan.products.all()]
        return _("Items %(skus)s") % {"skus": ", ".join(skus[:3]) + ("…" if len(skus) > 3 else "")}
    if plan.kind == CountPlan.Kind.ONE_OFF:
        return _("Bins asked for %(day)s") % {"day": timezone.localdate(plan.created_at).isoformat()}
    if plan.aisle:
        return _("Aisle %(aisle)s") % {"aisle": plan.aisle}
    return _("Zone %(zone)s") % {"zone": plan.zone.name if plan.zone else "?"}


# --- The day's counts


def make_due_counts(*, warehouse, today: date | None = None) -> list[CountTask]:
    """Raise today's planned counts, riskiest first, until COUNT_DAILY_CAPACITY planned counts
    wait (those still waiting from yesterday take their room). Bins already being counted for
    another reason are left: that count covers them."""
    waiting = CountTask.objects.filter(warehouse=warehouse, state=CountTask.State.OPEN, source__in=PLANNED).count()
    room = settings.COUNT_DAILY_CAPACITY - waiting
    if room <= 0:
        return []
    busy = set(CountTask.objects.filter(warehouse=warehouse, state__in=BUSY).values_list("location", flat=True))
    raised = []
    for due in due_counts(warehouse=warehouse, today=today):
        if len(raised) >= room:
            break
        if due.location.pk in busy:
            continue
        task = raise_count(
            warehouse_id=warehouse.pk,
            location_id=due.location.pk,
            source=due.source,
            reason=due.reason,
            priority=due.priority,
        )
        if task is not None:
            raised.append(task)
    return raised


# --- A supervisor's plans


def _bins_by_code(warehouse, text: str) -> tuple[list[Location], list[str]]:
    """The storage bins named in `text` (codes or names, comma or space separated), and the codes
    that name none."""
    codes = _codes(text)
    found = {}
    for location in _bins(warehouse).filter(barcode__in=codes):
        found[location.barcode] = location
    for location in _bins(warehouse).filter(name__in=[code for code in codes if code not in found]):
        found.setdefault(location.name, location)
    return [found[code] for code in codes if code in found], [code for code in codes if code not in found]


def _codes(text: str) -> list[str]:
    return list(dict.fromkeys(code for code in re.split(r"[\s,;]+", text) if code))


def items_by_code(text: str) -> list[Product]:
    """The items named in `text` (SKUs or barcodes, comma or space separated); refused when one
    names none."""
    items, unknown = [], []
    for code in _codes(text):
        item = (
            Product.objects.filter(sku=code).first()
            or Product.objects.filter(barcodes__code__in=[code, code.zfill(14)]).first()
        )
        if item is None:
            unknown.append(code)
        elif item not in items:
            items.append(item)
    if unknown:
        raise ScanRejected(_("No such item: %(codes)s") % {"codes": ", ".join(unknown)})
    return items


@transaction.atomic
def count_today(*, warehouse, codes: str, actor) -> tuple[CountPlan, list[CountTask]]:
    """A one-off plan: these bins counted today, whatever else is planned."""
    bins, unknown = _bins_by_code(warehouse, codes)
    if unknown:
        raise ScanRejected(_("Not a bin of this warehouse: %(codes)s") % {"codes": ", ".join(unknown)})
    if not bins:
        raise ScanRejected(_("Scan or type the bins to count"))
    plan = CountPlan.objects.create(warehouse=warehouse, kind=CountPlan.Kind.ONE_OFF, created_by=actor, active=False)
    plan.bins.set(bins)
    who = actor.get_full_name() or actor.get_username()
    raised = []
    for location in bins:
        task = raise_count(
            warehouse_id=warehouse.pk,
            location_id=location.pk,
            source=CountTask.Source.ONE_OFF,
            reason=_("Asked for today by %(who)s") % {"who": who},
            raised_by_id=actor.pk,
        )
        if task is not None:
            raised.append(task)
    return plan, raised


def add_plan(*, warehouse, actor, every_days: int, zone=None, aisle: str = "", products=()) -> CountPlan:
    """A zone or aisle plan (`zone` or `aisle`), or an item plan (`products`), every N days."""
    if every_days < 1:
        raise ScanRejected(_("Every how many days? At least 1"))
    if products:
        kind = CountPlan.Kind.PRODUCT
    elif zone is not None or aisle:
        kind = CountPlan.Kind.ZONE
    else:
        raise ScanRejected(_("Choose a zone, an aisle or items to count"))
    if zone is not None and zone.warehouse_id != warehouse.pk:
        raise ScanRejected(_("That zone is not in this warehouse"))
    with transaction.atomic():
        plan = CountPlan.objects.create(
            warehouse=warehouse,
            kind=kind,
            zone=zone if kind == CountPlan.Kind.ZONE else None,
            aisle=aisle if kind == CountPlan.Kind.ZONE and zone is None else "",
            every_days=every_days,
            created_by=actor,
        )
        plan.products.set(products)
    return plan


# --- Triggered by a count


def variance_elsewhere(*, task: CountTask, product_ids) -> list[CountTask]:
    """A count found these items off in `task`'s bin: their other bins of the warehouse are counted
    too (the stock may have gone to the wrong one) — those stocked with them most lately first, where
    a mis-put is likeliest, up to COUNT_VARIANCE_BINS: an item in a hundred bins is not a hundred
    counts."""
    holding = Quant.objects.filter(
        location__warehouse=task.warehouse_id,
        location__kind=Location.Kind.STORAGE,
        product__in=product_ids,
        quantity__gt=0,
    ).exclude(location=task.location_id)
    lately = (
        Move.objects.filter(to_location__in=holding.values("location"), product__in=product_ids)
        .values("to_location", "to_location__name")
        .annotate(last_in=Max("created_at"))
        .order_by("-last_in", "to_location")[: settings.COUNT_VARIANCE_BINS]
    )
    skus = ", ".join(Product.objects.filter(pk__in=product_ids).order_by("sku").values_list("sku", flat=True))
    raised = []
    for row in lately:
        counted = raise_count(
            warehouse_id=task.warehouse_id,
            location_id=row["to_location"],
            source=CountTask.Source.VARIANCE,
            reason=_("Variance on %(sku)s in %(bin)s") % {"sku": skus, "bin": task.location.name},
        )
        if counted is not None:
            raised.append(counted)
    return raised
