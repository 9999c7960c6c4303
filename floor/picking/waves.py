"""Waves, the supervisor's side of picking: choose open orders (preview), build a draft wave,
release it (reserve stock and split it into pick tasks), cancel it, hand a task to someone else,
and the rules that build waves on a schedule (what the supervisor's pages show of them:
wave_progress.py).

Which orders go in, most urgent first (priority, then carrier cutoff, then reference):
- the filters: carrier, order type, priority at least, cutoff within N minutes (or before a time;
  an order without a cutoff is then left out), zone;
- an order changed in Odoo and not yet resolved waits for the supervisor;
- an order goes in only if free stock covers all of it (in the zone, with a zone filter), counting
  what the orders before it in the same wave take: a wave is built to be picked complete;
- the limits (orders, lines, units) are filled greedily: the wave stops at the first order that
  would pass one, so no less urgent order jumps the queue. An order that alone passes a limit would
  block every wave; it is left out and counted ("too big for the limits").

A draft reserves nothing: stock is allocated at release (`allocation.allocate`). A line that could
not be fully allocated then keeps what was found and shows "not enough stock"; an order that got
nothing at all goes back to the open orders for a later wave.
"""

import logging
import math
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from floor import events
from floor.accounts.roles import Role, has_role
from floor.dashboard import cached
from floor.errors import ScanRejected
from floor.ledger.models import Quant
from floor.picking import allocation, path
from floor.picking.models import Order, OrderLine, Pick, PickTask, TaskTote, Wave, WaveRule
from floor.warehouse.models import Location, Warehouse

log = logging.getLogger(__name__)
ZERO = Decimal(0)
URGENCY = (F("priority").desc(), F("cutoff").asc(nulls_last=True), "reference")


class WaveRefused(ScanRejected):
    """The supervisor must act: shown on the page, nothing changed."""


class NothingToWave(WaveRefused):
    """No open order fits the filters and limits (a scheduled rule then simply makes no wave)."""


# --- Filters and preview


@dataclass(frozen=True)
class Filters:
    cutoff_within: int | None = None  # minutes from now
    cutoff_before: datetime | None = None
    carrier: str = ""
    min_priority: int | None = None
    zone: Location | None = None
    order_type: str = ""
    max_orders: int | None = None
    max_lines: int | None = None
    max_units: Decimal | None = None
    totes_per_picker: int = 6
    mode: str = Wave.Mode.CLUSTER

    @classmethod
    def from_form(cls, data: dict) -> "Filters":
        """From a form's cleaned_data (keys as the fields; missing ones take the defaults)."""
        names = cls.__dataclass_fields__
        values = {k: v for k, v in data.items() if k in names and v not in (None, "")}
        return cls(**values)

    @classmethod
    def from_rule(cls, rule: WaveRule) -> "Filters":
        return cls(
            cutoff_within=rule.cutoff_within,
            carrier=rule.carrier,
            min_priority=rule.min_priority,
            zone=rule.zone,
            order_type=rule.order_type,
            max_orders=rule.max_orders,
            max_lines=rule.max_lines,
            max_units=Decimal(rule.max_units) if rule.max_units is not None else None,
            totes_per_picker=rule.totes_per_picker,
            mode=rule.mode,
        )

    def cutoff_limit(self, now: datetime) -> datetime | None:
        limits = [self.cutoff_before] if self.cutoff_before else []
        if self.cutoff_within is not None:
            limits.append(now + timedelta(minutes=self.cutoff_within))
        return min(limits) if limits else None


@dataclass
class PreviewOrder:
    pk: int
    reference: str
    customer: str
    carrier: str
    cutoff: datetime | None
    priority: int
    order_type: str
    lines: int
    units: Decimal


@dataclass
class Preview:
    filters: Filters
    orders: list[PreviewOrder] = field(default_factory=list)
    lines: int = 0
    units: Decimal = ZERO
    totes: int = 0
    tasks: int = 0  # pick tasks, so pickers at once: at most one each
    matching: int = 0  # open orders through the filters, before stock and limits
    waiting_for_stock: int = 0
    changed_in_odoo: int = 0
    too_big: int = 0
    nothing_to_pick: int = 0
    stopped_by: str = ""  # the limit that stopped the wave, in words

    @property
    def left_for_later(self) -> int:
        """Orders that fit but stayed out because a limit was reached."""
        return (
            self.matching
            - len(self.orders)
            - self.waiting_for_stock
            - self.changed_in_odoo
            - self.too_big
            - self.nothing_to_pick
        )


def open_orders(*, warehouse: Warehouse, filters: Filters, now: datetime | None = None):
    """Open orders of the warehouse, not in a wave, through the filters (not the limits)."""
    orders = Order.objects.filter(warehouse=warehouse, state=Order.State.OPEN, wave=None)
    limit = filters.cutoff_limit(now or timezone.now())
    if limit is not None:
        orders = orders.filter(cutoff__lte=limit)
    if filters.carrier:
        orders = orders.filter(carrier__iexact=filters.carrier.strip())
    if filters.order_type:
        orders = orders.filter(order_type__iexact=filters.order_type.strip())
    if filters.min_priority is not None:
        orders = orders.filter(priority__gte=filters.min_priority)
    return orders


def _zone_id(parent_id, parent_kind, grandparent_id):
    # Bins sit under their zone (`add_bin`), sometimes one level further down.
    return parent_id if parent_kind == Location.Kind.VIEW else grandparent_id


def free_by_product_zone(*, warehouse: Warehouse, products, zone: Location | None = None) -> dict:
    """Free loose stock per (product, zone id) in the warehouse's storage bins, after open picks.
    Two queries; `products` may be a queryset of product ids."""
    quants = Quant.objects.filter(allocation.pickable(), location__warehouse=warehouse, product_id__in=products)
    if zone is not None:
        quants = quants.filter(allocation.in_zone(zone))
    rows = list(
        quants.values_list(
            "location_id",
            "product_id",
            "lot_id",
            "quantity",
            "location__parent_id",
            "location__parent__kind",
            "location__parent__parent_id",
        )
    )
    held = (
        Pick.objects.filter(state=Pick.State.OPEN, location__warehouse=warehouse, product_id__in=products)
        .values_list("location_id", "product_id", "lot_id")
        .annotate(held=Sum(F("quantity") - F("picked")))
        .order_by()
    )
    held = {(loc, prod, lot): h for loc, prod, lot, h in held}
    free: dict[tuple[int, int | None], Decimal] = defaultdict(Decimal)
    for loc, prod, lot, quantity, parent, parent_kind, grandparent in rows:
        left = quantity - held.get((loc, prod, lot), ZERO)
        if left > 0:
            free[(prod, _zone_id(parent, parent_kind, grandparent))] += left
    return free


def preview(*, warehouse: Warehouse, filters: Filters, now: datetime | None = None) -> Preview:
    """The orders a wave would take now, and what it would need. Four queries, whatever the size."""
    candidates = open_orders(warehouse=warehouse, filters=filters, now=now)
    orders = list(
        candidates.order_by(*URGENCY).values_list(
            "pk", "reference", "customer", "carrier", "cutoff", "priority", "order_type", "odoo_changed"
        )
    )
    result = Preview(filters=filters, matching=len(orders))
    if not orders:
        return result
    needs: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    line_count: dict[int, int] = defaultdict(int)
    lines = OrderLine.objects.filter(order__in=candidates.values("pk")).values_list(
        "order_id", "product_id", "ordered", "picked", "short"
    )
    for order_id, product_id, ordered, picked, short in lines:
        need = ordered - picked - short
        if need > 0:
            needs[order_id][product_id] += need
            line_count[order_id] += 1
    by_zone = free_by_product_zone(
        warehouse=warehouse,
        products=OrderLine.objects.filter(order__in=candidates.values("pk")).values("product_id"),
        zone=filters.zone,
    )
    free: dict[int, Decimal] = defaultdict(Decimal)
    zones_of: dict[int, list[tuple[Decimal, int | None]]] = defaultdict(list)
    for (product_id, zone_id), quantity in by_zone.items():
        free[product_id] += quantity
        zones_of[product_id].append((quantity, zone_id))

    max_units = Decimal(filters.max_units) if filters.max_units is not None else None
    orders_in_zone: dict[int | None, int] = defaultdict(int)
    for pk, reference, customer, carrier, cutoff, priority, order_type, changed in orders:
        if changed:
            result.changed_in_odoo += 1
            continue
        need = needs.get(pk)
        if not need:
            result.nothing_to_pick += 1
            continue
        if any(free[product_id] < quantity for product_id, quantity in need.items()):
            result.waiting_for_stock += 1
            continue
        n_lines, units = line_count[pk], sum(need.values(), ZERO)
        if (filters.max_lines is not None and n_lines > filters.max_lines) or (
            max_units is not None and units > max_units
        ):
            result.too_big += 1
            continue
        if filters.max_orders is not None and len(result.orders) + 1 > filters.max_orders:
            result.stopped_by = _("orders at most %(n)s") % {"n": filters.max_orders}
        elif filters.max_lines is not None and result.lines + n_lines > filters.max_lines:
            result.stopped_by = _("lines at most %(n)s") % {"n": filters.max_lines}
        elif max_units is not None and result.units + units > max_units:
            result.stopped_by = _("units at most %(n)s") % {"n": filters.max_units}
        if result.stopped_by:
            break
        for product_id, quantity in need.items():
            free[product_id] -= quantity
        result.orders.append(
            PreviewOrder(pk, reference, customer, carrier, cutoff, priority, order_type, n_lines, units)
        )
        result.lines += n_lines
        result.units += units
        # Zone picking: the order needs a tote in each zone holding most of one of its items.
        for zone_id in {max(zones_of[product_id], key=lambda z: z[0])[1] for product_id in need}:
            orders_in_zone[zone_id] += 1

    tpp = max(filters.totes_per_picker, 1)
    if filters.mode == Wave.Mode.ZONE:
        result.totes = sum(orders_in_zone.values())
        result.tasks = sum(math.ceil(n / tpp) for n in orders_in_zone.values())
    else:
        result.totes = len(result.orders)
        result.tasks = math.ceil(len(result.orders) / tpp)
    return result


# --- Build, release, cancel


@transaction.atomic
def build_wave(
    *,
    warehouse: Warehouse,
    filters: Filters,
    actor=None,
    rule: WaveRule | None = None,
    now: datetime | None = None,
) -> Wave:
    """A draft wave of the orders `preview` chooses. Taking an order is one UPDATE that re-checks
    it is still open and in no wave, so two builds at once never share an order."""
    plan = preview(warehouse=warehouse, filters=filters, now=now)
    if not plan.orders:
        raise NothingToWave(_("No open order fits these filters and limits."))
    wave = Wave.objects.create(
        warehouse=warehouse,
        reference=f"new-{uuid.uuid4().hex[:24]}",
        mode=filters.mode,
        totes_per_picker=max(filters.totes_per_picker, 1),
        zone=filters.zone,
        rule=rule,
        created_by=actor,
    )
    wave.reference = f"W-{wave.pk:05d}"
    wave.save(update_fields=["reference"])
    taken = Order.objects.filter(pk__in=[o.pk for o in plan.orders], state=Order.State.OPEN, wave=None).update(
        wave=wave, state=Order.State.IN_WAVE
    )
    if not taken:  # another build took them all meanwhile; the atomic block drops this wave
        raise NothingToWave(_("These orders were just taken by another wave."))
    return wave


def _lock(wave: Wave) -> Wave:
    return Wave.objects.select_for_update(of=("self",)).select_related("warehouse", "zone").get(pk=wave.pk)


def _refuse(wave: Wave, doing: str) -> None:
    """Refuse to `doing` ("release" or "cancel") a wave in a state that does not allow it."""
    messages = {
        ("release", Wave.State.RELEASED): _("%(wave)s is already released."),
        ("release", Wave.State.DONE): _("%(wave)s is done: there is nothing left to release."),
        ("release", Wave.State.CANCELLED): _("%(wave)s was cancelled: build a new wave for its orders."),
        ("cancel", Wave.State.DONE): _("%(wave)s is done: it can no longer be cancelled."),
        ("cancel", Wave.State.CANCELLED): _("%(wave)s is already cancelled."),
    }
    message = messages.get((doing, wave.state))
    if message is not None:
        raise WaveRefused(message % {"wave": wave.reference})


def _urgency_key(order: Order) -> tuple:
    cutoff = order.cutoff or datetime.max.replace(tzinfo=UTC)
    return (-order.priority, cutoff, order.reference)


# Task.sequence: "Get work" hands out the lowest first. Priority (capped at 9; Odoo uses 0 and 1)
# above, then the cutoff in minutes since EPOCH (2**27 minutes: until the 2270s): the most urgent
# order of a task sets its place among all open tasks of the warehouse, whatever the wave.
EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
MINUTES = 2**27


def task_sequence(*, priority: int, cutoff: datetime | None) -> int:
    minutes = MINUTES - 1 if cutoff is None else int((cutoff - EPOCH).total_seconds() // 60)
    return (9 - min(max(priority, 0), 9)) * MINUTES + min(max(minutes, 0), MINUTES - 1)


def _bin_key(location: Location) -> tuple:
    return (location.aisle, location.bay or 0, location.level or 0)


def _zone_of(location: Location) -> Location | None:
    parent = location.parent  # loaded with the pick's bin
    if parent is not None and parent.kind == Location.Kind.VIEW:
        return parent
    return location.zone


def _split(wave: Wave, picks: list[Pick], orders: dict[int, Order]) -> list[tuple[Location | None, list[Order]]]:
    """Groups of orders for one picker each: (zone or None, orders in tote order)."""
    tpp = max(wave.totes_per_picker, 1)
    groups: dict[Location | None, dict[int, tuple]] = defaultdict(dict)
    for pick in picks:
        zone = _zone_of(pick.location) if wave.mode == Wave.Mode.ZONE else None
        order_id = pick.order_line.order_id
        first = groups[zone].get(order_id)
        key = _bin_key(pick.location)
        groups[zone][order_id] = key if first is None else min(first, key)
    split = []
    for zone in sorted(groups, key=lambda z: (z is None, z.name if z else "")):
        # Urgency first; among orders as urgent as each other, those starting near each other
        # share a picker.
        ordered = sorted(
            groups[zone],
            key=lambda pk: (_urgency_key(orders[pk])[:2], groups[zone][pk], orders[pk].reference),
        )
        for start in range(0, len(ordered), tpp):
            split.append((zone, [orders[pk] for pk in ordered[start : start + tpp]]))
    return split


@transaction.atomic
def release_wave(*, wave: Wave, actor) -> Wave:
    """Reserve stock for every open line of the wave and split it into pick tasks.

    The returned wave carries `returned_orders`: how many orders got no stock at all and went
    back to the open orders."""
    wave = _lock(wave)
    _refuse(wave, "release")
    orders = {o.pk: o for o in Order.objects.filter(wave=wave, state=Order.State.IN_WAVE)}
    lines = list(OrderLine.objects.filter(order__wave=wave, order__state=Order.State.IN_WAVE))
    if not lines:
        raise WaveRefused(_("%(wave)s has no orders to release.") % {"wave": wave.reference})
    lines.sort(key=lambda line: (_urgency_key(orders[line.order_id]), line.pk))
    held = dict(
        Pick.objects.filter(order_line__order__wave=wave, state=Pick.State.OPEN)
        .values_list("order_line_id")
        .annotate(held=Sum(F("quantity") - F("picked")))
        .order_by()
    )
    needs = [(line, line.ordered - line.picked - line.short - held.get(line.pk, ZERO)) for line in lines]
    # A wave built for a zone is picked from that zone only.
    source = wave.zone
    picks = allocation.allocate(warehouse=wave.warehouse, needs=needs, zone=source)
    if not picks:
        raise WaveRefused(_("No stock for any line of %(wave)s: nothing was released.") % {"wave": wave.reference})

    split = _split(wave, picks, orders)
    now = timezone.now()
    tasks = [
        PickTask(
            wave=wave,
            warehouse=wave.warehouse,
            reference=f"{wave.reference}-{n:02d}",
            zone=zone or source,
            sequence=min(task_sequence(priority=o.priority, cutoff=o.cutoff) for o in group),
        )
        for n, (zone, group) in enumerate(split, start=1)
    ]
    PickTask.objects.bulk_create(tasks)
    task_of = {(zone, order.pk): task for task, (zone, group) in zip(tasks, split, strict=True) for order in group}
    totes = [
        TaskTote(task=task, order=order, position=position)
        for task, (_zone, group) in zip(tasks, split, strict=True)
        for position, order in enumerate(group, start=1)
    ]
    stops: dict[int, list[Pick]] = defaultdict(list)
    for pick in picks:
        pick_zone = _zone_of(pick.location) if wave.mode == Wave.Mode.ZONE else None
        pick.task = task_of[(pick_zone, pick.order_line.order_id)]
        stops[pick.task.pk].append(pick)
    for task_picks in stops.values():
        for rank, index in enumerate(path.walk_order([p.location for p in task_picks]), start=1):
            task_picks[index].sequence = rank
    Pick.objects.bulk_create(picks)
    TaskTote.objects.bulk_create(totes)

    # Orders that got nothing wait for stock in the open orders, where the next wave finds them.
    served = {order.pk for _zone, group in split for order in group}
    returned = sorted({line.order_id for line, need in needs if need > 0} - served)
    if returned:
        Order.objects.filter(pk__in=returned, wave=wave).update(wave=None, state=Order.State.OPEN)
    wave.state, wave.released_by, wave.released_at = Wave.State.RELEASED, actor, now
    wave.save(update_fields=["state", "released_by", "released_at"])
    wave.returned_orders = len(returned)
    return wave


@transaction.atomic
def cancel_wave(*, wave: Wave, actor) -> Wave:
    """A draft, or a released wave nobody has started: its orders go back to the open orders and
    its picks are cancelled, which frees what they reserved."""
    wave = _lock(wave)
    _refuse(wave, "cancel")
    if wave.state == Wave.State.RELEASED:
        tasks = PickTask.objects.select_for_update(of=("self",)).filter(wave=wave).select_related("picker")
        tasks = list(tasks.order_by("pk"))
        started = next((t for t in tasks if t.state != PickTask.State.OPEN or t.picker_id), None)
        if started is None:
            done = Pick.objects.filter(task__wave=wave).filter(
                Q(state__in=[Pick.State.PICKED, Pick.State.SHORT]) | Q(picked__gt=0)
            )
            bound = TaskTote.objects.filter(task__wave=wave, tote__isnull=False)
            first = done.select_related("task").first() or bound.select_related("task").first()
            started = first.task if first else None
        if started is not None:
            who = (started.picker.get_full_name() or started.picker.get_username()) if started.picker_id else ""
            raise WaveRefused(
                _("Picking has started on %(task)s%(who)s: only a wave nobody has started can be cancelled.")
                % {"task": started.reference, "who": f" ({who})" if who else ""}
            )
        Pick.objects.filter(task__wave=wave, state=Pick.State.OPEN).update(state=Pick.State.CANCELLED)
        PickTask.objects.filter(wave=wave).update(state=PickTask.State.CANCELLED, lease_until=None)
    Order.objects.filter(wave=wave, state=Order.State.IN_WAVE).update(wave=None, state=Order.State.OPEN)
    wave.state = Wave.State.CANCELLED
    wave.save(update_fields=["state"])
    return wave


@transaction.atomic
def reassign_task(*, task: PickTask, picker, actor) -> PickTask:
    """Hand a task to `picker` (leased from now), or to nobody (back to "Get work"). What was
    already picked stays picked."""
    task = PickTask.objects.select_for_update(of=("self",)).select_related("wave").get(pk=task.pk)
    if task.state in (PickTask.State.DONE, PickTask.State.CANCELLED):
        raise WaveRefused(
            _("%(task)s is %(state)s: there is nothing left to hand over.")
            % {"task": task.reference, "state": task.get_state_display().lower()}
        )
    if picker is None:
        task.picker, task.state, task.lease_until = None, PickTask.State.OPEN, None
    else:
        profile = getattr(picker, "profile", None)
        if not has_role(picker, Role.PICKER) or profile is None or profile.warehouse_id != task.warehouse_id:
            raise WaveRefused(_("%(name)s does not pick in this warehouse.") % {"name": picker.get_username()})
        other = (
            PickTask.objects.filter(picker=picker, state=PickTask.State.ACTIVE).exclude(pk=task.pk).first()
            if picker.pk != task.picker_id
            else None
        )
        if other is not None:
            raise WaveRefused(
                _("%(name)s is already picking %(task)s: hand that one over first.")
                % {"name": picker.get_full_name() or picker.get_username(), "task": other.reference}
            )
        task.picker, task.state = picker, PickTask.State.ACTIVE
        task.lease_until = timezone.now() + timedelta(seconds=settings.PICK_LEASE_SECONDS)
    task.save(update_fields=["picker", "state", "lease_until"])
    # The dashboards redraw, their People panel worked out afresh (it is kept a few seconds).
    transaction.on_commit(lambda: cached.forget("people", task.warehouse_id))
    events.floor_changed(task.warehouse_id)
    return task


# --- Rules on a schedule


def is_due(rule: WaveRule, now: datetime) -> bool:
    return rule.last_run_at is None or now - rule.last_run_at >= timedelta(minutes=rule.every_minutes)


def run_rules(*, now: datetime | None = None) -> list[Wave]:
    """Build (and release, where the rule says so) a wave for every active rule that is due. A rule
    that finds no order makes no wave; either way it runs again `every_minutes` later."""
    now = now or timezone.now()
    made = []
    for rule_id in WaveRule.objects.filter(active=True).order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            # skip_locked: a second beat running at the same moment leaves this rule to the first.
            rule = (
                WaveRule.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("warehouse", "zone")
                .filter(pk=rule_id, active=True)
                .first()
            )
            if rule is None or not is_due(rule, now):
                continue
            rule.last_run_at = now
            rule.save(update_fields=["last_run_at"])
            try:
                with transaction.atomic():
                    wave = build_wave(warehouse=rule.warehouse, filters=Filters.from_rule(rule), rule=rule, now=now)
                    if rule.release:
                        wave = release_wave(wave=wave, actor=None)
            except NothingToWave:
                continue
            except WaveRefused as refused:
                log.warning("wave rule %s (%s) made no wave: %s", rule.pk, rule.name, refused)
                continue
            made.append(wave)
    return made
