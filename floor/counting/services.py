"""Counting a bin blind: get work (a count task leased to the counter), scan the bin, scan each
item in it (1 per scan, or a typed quantity), Done. The ledger's quantity is read beside each item
the first time it is counted and never shown; Done compares the count with it. Within tolerance
the stock is adjusted at once (bin ↔ inventory loss) and Odoo hears of the count; beyond it, the
bin is recounted by someone else. A supervisor may hand a count to another counter, or back to
Get work (`reassign_count`): it starts again for whoever has it next."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from floor import events
from floor.accounts.roles import Role, has_role
from floor.counting import results, sql
from floor.counting.models import CounterPlace, CountLine, CountTask
from floor.dashboard import cached
from floor.errors import ScanRejected
from floor.scanning import flow
from floor.scanning.measures import units_of
from floor.scanning.parser import Command, Kind, Scan
from floor.scanning.selectors import scanned_name
from floor.warehouse.models import Location, Lot, Product
from floor.warehouse.quantities import qty

FLOW = "count"


@dataclass
class Outcome(flow.Outcome):
    ask_quantity: bool = False  # QTY was scanned: the number box takes the next keys
    counted: CountLine | None = None  # the line just counted or typed: what Undo would take back

    @property
    def counter_place(self) -> CounterPlace:
        return self.place


def open_place(*, actor, warehouse, lock: bool = False) -> CounterPlace:
    place = sql.place(actor_id=actor.pk, lock=lock)
    if place is None:
        try:
            with transaction.atomic():
                CounterPlace.objects.create(actor=actor, warehouse=warehouse)
        except IntegrityError:
            pass  # the same person's other request made it a moment ago
        place = sql.place(actor_id=actor.pk, lock=lock)
    if place.warehouse_id != warehouse.pk:
        # Moved to another warehouse: what they held in the old one is let go.
        place.warehouse, place.task, place.bin_scanned_at = warehouse, None, None
        place.save()
    return place


def _begin(*, actor, warehouse, key: str, raw: str) -> tuple[CounterPlace, Outcome | None]:
    return flow.begin(open_place, flow=FLOW, actor=actor, warehouse=warehouse, key=key, raw=raw, outcome=Outcome)


def _begin_held(*, actor, warehouse, key: str, raw: str) -> tuple[CounterPlace, Outcome | None]:
    """As `_begin`, for an action on the task the person holds: refused when they hold none; when
    it is no longer theirs, the answer says what became of it."""
    place, answer = _begin(actor=actor, warehouse=warehouse, key=key, raw=raw)
    if answer is None:
        if place.task_id is None:
            raise ScanRejected(_("Get work first"))
        answer = _lost(place)
    return place, answer


def _lease_end():
    return timezone.now() + timedelta(seconds=settings.COUNT_LEASE_SECONDS)


def _available(warehouse, actor, now):
    """Count tasks "Get work" may hand this person: open, held by nobody (a lapsed lease counts as
    nobody), and not the recount of their own count."""
    return (
        CountTask.objects.filter(warehouse=warehouse, state=CountTask.State.OPEN)
        .filter(Q(counter=None) | Q(lease_until__lt=now) | Q(counter=actor))
        .exclude(not_for=actor)
        .exclude(recount_of__counter=actor)
    )


def tasks_waiting(*, warehouse, actor) -> int:
    return _available(warehouse, actor, timezone.now()).count()


def _held(place: CounterPlace) -> CountTask | None:
    """The person's task, its lease renewed; None (and the place cleared) when it is no longer
    theirs: the lease lapsed and someone else took it, or it was counted."""
    if place.task_id is None:
        return None
    task = place.task
    if (
        task.counter_id == place.actor_id
        and task.state == CountTask.State.OPEN
        and task.lease_until is not None
        and task.lease_until - timezone.now() > timedelta(seconds=settings.COUNT_LEASE_SECONDS / 2)
    ):
        return task  # theirs for a good while yet: no write on every scan
    renewed = CountTask.objects.filter(pk=place.task_id, counter=place.actor_id, state=CountTask.State.OPEN).update(
        lease_until=_lease_end()
    )
    if renewed:
        return place.task
    place.task, place.bin_scanned_at = None, None
    place.save(update_fields=["task", "bin_scanned_at", "updated_at"])
    return None


def _lost(place: CounterPlace) -> Outcome | None:
    """None while the person holds their task; else the answer that tells them what became of it.
    An answer, not a rejection: the place `_held` cleared is saved, and the screen offers Get work."""
    task_id = place.task_id
    if _held(place) is not None:
        return None
    task = CountTask.objects.select_related("location", "counter").get(pk=task_id)
    return Outcome(place, lost_message(task), "error")


def lost_message(task: CountTask) -> str:
    """What the person who held `task` is told: where it went."""
    if task.state == CountTask.State.OPEN and task.counter_id:
        return _("%(bin)s was handed to %(name)s — get work again") % {
            "bin": task.location.name,
            "name": _name(task.counter),
        }
    if task.state == CountTask.State.CANCELLED:
        return _("The count of %(bin)s was cancelled — get work again") % {"bin": task.location.name}
    if task.state != CountTask.State.OPEN:
        return _("%(bin)s is counted — get work again") % {"bin": task.location.name}
    return _("%(bin)s was taken off you — get work again") % {"bin": task.location.name}


@transaction.atomic
def get_work(*, actor, warehouse) -> Outcome:
    """The person's own task if they still hold it, else the oldest one nobody holds. Rows another
    counter is taking right now are skipped, not waited for: two counters get two bins."""
    place = open_place(actor=actor, warehouse=warehouse, lock=True)
    held = _held(place)
    if held is not None:
        return Outcome(place, _("Back to %(bin)s") % {"bin": held.location.name})
    task = (
        _available(warehouse, actor, timezone.now())
        .select_related("location")
        .select_for_update(skip_locked=True, of=("self",))
        .order_by("-priority", "created_at", "pk")
        .first()
    )
    if task is None:
        return Outcome(place, _("No bins to count — ask a supervisor"), "warning")
    if task.counter_id not in (None, actor.pk):
        # Someone else's lapsed lease: the count starts again for its new counter, as when a
        # supervisor hands it on (reassign_count says why).
        CountLine.objects.filter(task=task).delete()
    task.counter, task.lease_until = actor, _lease_end()
    task.save(update_fields=["counter", "lease_until"])
    place.task, place.bin_scanned_at = task, None
    place.save(update_fields=["task", "bin_scanned_at", "updated_at"])
    return Outcome(place, _("Count %(bin)s") % {"bin": task.location.name})


# --- A supervisor hands a count to someone else


def counters(*, warehouse):
    """People who may be handed a count here: the warehouse's counters."""
    return (
        get_user_model()
        .objects.filter(is_active=True, profile__warehouse=warehouse, groups__name=Role.COUNTER)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


@transaction.atomic
def reassign_count(*, task: CountTask, counter, actor) -> CountTask:
    """Hand an open count to `counter` (leased from now; their next scan is its bin), or to nobody
    (back to "Get work"). Refused for a count that is not open, someone who does not count in this
    warehouse or counted the count this one recounts, and a counter who holds another bin."""
    if counter is not None:
        profile = getattr(counter, "profile", None)
        if not has_role(counter, Role.COUNTER) or profile is None or profile.warehouse_id != task.warehouse_id:
            raise ScanRejected(_("%(name)s does not count in this warehouse.") % {"name": _name(counter)})
        CounterPlace.objects.get_or_create(actor=counter, defaults={"warehouse_id": task.warehouse_id})
    # The places before the task, as every counting action takes them, so neither waits on the other.
    holder_id = CountTask.objects.values_list("counter", flat=True).get(pk=task.pk)
    people = sorted({holder_id, counter.pk if counter else None} - {None})
    locked = CounterPlace.objects.select_for_update().filter(actor__in=people).order_by("actor")
    places = {place.actor_id: place for place in locked}
    task = CountTask.objects.select_for_update(of=("self",)).select_related("location").get(pk=task.pk)
    if task.state != CountTask.State.OPEN:
        raise ScanRejected(
            _("%(bin)s: %(state)s — there is nothing left to hand over.")
            % {"bin": task.location.name, "state": task.get_state_display()}
        )
    if task.counter_id != holder_id:  # Get work or another supervisor, a moment ago
        raise ScanRejected(_("%(bin)s changed hands a moment ago — look again.") % {"bin": task.location.name})
    if counter is not None:
        earlier = CountTask.objects.filter(pk=task.recount_of_id, counter=counter)
        if counter.pk == task.not_for_id or (task.recount_of_id is not None and earlier.exists()):
            raise ScanRejected(
                _("%(name)s counted this bin before: a recount is someone else's.") % {"name": _name(counter)}
            )
        place = places[counter.pk]
        other = (
            CountTask.objects.select_related("location")
            .filter(pk=place.task_id, counter=counter, state=CountTask.State.OPEN, warehouse=task.warehouse_id)
            .first()
            if place.task_id not in (None, task.pk)
            else None
        )
        if other is not None:
            raise ScanRejected(
                _("%(name)s is already counting %(bin)s: hand that one over first.")
                % {"name": _name(counter), "bin": other.location.name}
            )
    if counter is None or counter.pk != holder_id:
        # The count starts again for whoever has it next. A count is one person's: each item's
        # count is set against the ledger when that person first counted it (results.tally reads
        # their lines only), and the new counter cannot see what was scanned before them (the
        # count is blind), so they count the whole bin. What the other person counted goes, as
        # Undo would take it back: were the bin ever handed back to them, it would count twice.
        CountLine.objects.filter(task=task).delete()
        held = places.get(holder_id)
        if held is not None and held.task_id == task.pk:
            # Their place keeps the task, so that their next scan is told where it went (`_lost`);
            # the bin to scan again means a scan of theirs already waiting for this row counts
            # nothing (PostgreSQL hands it this row as written here, the task as it was).
            held.bin_scanned_at = None
            held.save(update_fields=["bin_scanned_at", "updated_at"])
    if counter is not None:
        place = places[counter.pk]
        if place.task_id != task.pk or place.warehouse_id != task.warehouse_id:
            place.warehouse_id, place.task, place.bin_scanned_at = task.warehouse_id, task, None
            place.save(update_fields=["warehouse", "task", "bin_scanned_at", "updated_at"])
    task.counter, task.lease_until = counter, _lease_end() if counter is not None else None
    task.save(update_fields=["counter", "lease_until"])
    # The dashboards redraw, their People panel worked out afresh (it is kept a few seconds).
    transaction.on_commit(lambda: cached.forget("people", task.warehouse_id))
    events.floor_changed(task.warehouse_id)
    return task


@transaction.atomic
def handle_scan(*, actor, warehouse, scan: Scan, key: str, device: str = "") -> Outcome:
    place, answer = _begin_held(actor=actor, warehouse=warehouse, key=key, raw=scan.raw)
    if answer:
        return answer
    task = place.task
    if scan.kind == Kind.COMMAND:
        if scan.command == Command.UNDO:
            return _undo(place)
        if scan.command == Command.DONE:
            return _done(place, key=key, device=device)
        if scan.command == Command.EMPTY:
            return _empty(place, key=key, device=device)
        if scan.command == Command.QTY:
            if place.step != "items" or _last(place) is None:
                raise ScanRejected(_("Scan the item first"))
            return Outcome(place, _("Type the quantity"), "warning", ask_quantity=True)
        raise ScanRejected(_("%(command)s does nothing here") % {"command": scan.command})
    if place.step == "bin":
        return _scan_bin(place, scan)
    if scan.kind == Kind.LOCATION and scan.location_id == task.location_id:
        return Outcome(place, _("Counting %(bin)s") % {"bin": task.location.name})
    return _count_item(place, scan)


def _said(place: CounterPlace, scan: Scan) -> dict:
    return {"code": scanned_name(scan=scan, warehouse_id=place.warehouse_id)}


def _scan_bin(place: CounterPlace, scan: Scan) -> Outcome:
    task = place.task
    if scan.kind != Kind.LOCATION or scan.tote_id is not None:
        raise ScanRejected(
            _("Scan the bin — expected %(bin)s (scanned %(code)s)") % {"bin": task.location.name, **_said(place, scan)}
        )
    if scan.location_id != task.location_id:
        here = Location.objects.filter(pk=scan.location_id).values_list("warehouse", flat=True).first()
        if here != place.warehouse_id:
            raise ScanRejected(_("%(code)s is not a bin of this warehouse") % {"code": scan.code}, sound="wrong_bin")
        raise ScanRejected(
            _("Wrong bin — expected %(bin)s (scanned %(code)s)") % {"bin": task.location.name, **_said(place, scan)},
            sound="wrong_bin",
        )
    place.bin_scanned_at = timezone.now()
    place.save(update_fields=["bin_scanned_at", "updated_at"])
    return Outcome(place, _("Counting %(bin)s — scan each item") % {"bin": task.location.name})


def _count_item(place: CounterPlace, scan: Scan) -> Outcome:
    task = place.task
    if scan.kind not in (Kind.PRODUCT, Kind.GS1) or scan.product_id is None:
        raise ScanRejected(
            _("Scan an item in %(bin)s (scanned %(code)s)") % {"bin": task.location.name, **_said(place, scan)},
            sound="wrong_item",
        )
    product = Product.objects.get(pk=scan.product_id)
    # What the label says: one, its count, or its weight or measure in the item's unit.
    lot, quantity = _lot(place, product, scan), units_of(scan, product)
    if product.tracking == Product.Tracking.SERIAL:
        quantity = Decimal(1)  # serials one per unit
    # Each line of an item carries the ledger's quantity from when the item was first counted here.
    before = CountLine.objects.filter(task=task, counter=place.actor_id, product=product, lot=lot).aggregate(
        total=Sum("quantity"), expected=Max("expected")
    )
    expected = before["expected"]
    if expected is None:
        expected = results.on_hand(task.location_id, product.pk, lot.pk if lot else None)
    line = CountLine.objects.create(
        task=task,
        counter_id=place.actor_id,
        location=task.location,
        product=product,
        lot=lot,
        quantity=quantity,
        expected=expected,
    )
    return Outcome(place, _counted_words(line, product, (before["total"] or 0) + quantity), counted=line)


def _counted_words(line: CountLine, product: Product, total: Decimal | None = None) -> str:
    if total is None:
        total = CountLine.objects.filter(
            task=line.task_id, counter=line.counter_id, product=product, lot=line.lot_id
        ).aggregate(total=Sum("quantity"))["total"]
    words = _("%(qty)s × %(sku)s counted") % {"qty": qty(total), "sku": product.sku}
    if line.lot_id:
        words += " · " + _("lot %(lot)s") % {"lot": line.lot.name}
    return words


def _lot(place: CounterPlace, product: Product, scan: Scan) -> Lot | None:
    if product.tracking == Product.Tracking.NONE:
        return None
    serial = product.tracking == Product.Tracking.SERIAL
    name = scan.serial if serial else scan.lot
    if not name:
        what = _("serial number") if serial else _("lot")
        raise ScanRejected(_("Scan the %(what)s label of %(sku)s") % {"what": what, "sku": product.sku})
    # A lot Floor never saw is counted too: it is in the bin.
    lot, _created = Lot.objects.get_or_create(product=product, name=name)
    if serial and CountLine.objects.filter(task=place.task_id, counter=place.actor_id, lot=lot).exists():
        raise ScanRejected(_("Serial %(serial)s is already counted") % {"serial": name})
    return lot


def _last(place: CounterPlace) -> CountLine | None:
    return (
        CountLine.objects.select_related("product", "lot")
        .filter(task=place.task_id, counter=place.actor_id)
        .order_by("-pk")
        .first()
    )


@transaction.atomic
def set_quantity(*, actor, warehouse, quantity: Decimal, key: str) -> Outcome:
    """A typed quantity for the last item counted: a case of 12 scanned once, typed 12."""
    place, answer = _begin_held(actor=actor, warehouse=warehouse, key=key, raw=f"qty {quantity}")
    if answer:
        return answer
    line = _last(place)
    if line is None:
        raise ScanRejected(_("Scan the item first"))
    if quantity <= 0:
        raise ScanRejected(_("Quantity must be more than zero"))
    if line.product.tracking == Product.Tracking.SERIAL and quantity != 1:
        raise ScanRejected(_("Serials one per unit — scan each one"))
    line.quantity = quantity
    line.save(update_fields=["quantity"])
    return Outcome(place, _counted_words(line, line.product), counted=line)


@transaction.atomic
def undo(*, actor, warehouse, key: str, device: str = "") -> Outcome:
    place, replayed = _begin(actor=actor, warehouse=warehouse, key=key, raw="undo")
    if replayed:
        return replayed
    if place.task_id is None:
        raise ScanRejected(_("Nothing to undo"))
    return _lost(place) or _undo(place)


def _undo(place: CounterPlace) -> Outcome:
    line = _last(place)
    if line is None:
        raise ScanRejected(_("Nothing to undo"))
    line.delete()
    return Outcome(
        place,
        _("Undone: %(qty)s × %(sku)s not counted") % {"qty": qty(line.quantity), "sku": line.product.sku},
        "warning",
    )


def undo_preview(place: CounterPlace, counted: CountLine | None = None) -> str:
    """What Undo would take back: the line just counted where the answer has it, else the last."""
    if place.step != "items":
        return ""
    line = counted or _last(place)
    if line is None:
        return ""
    return _("Undo: take back %(qty)s × %(sku)s") % {"qty": qty(line.quantity), "sku": line.product.sku}


@transaction.atomic
def done(*, actor, warehouse, key: str, device: str = "") -> Outcome:
    place, answer = _begin_held(actor=actor, warehouse=warehouse, key=key, raw="done")
    if answer:
        return answer
    return _done(place, key=key, device=device)


@transaction.atomic
def empty(*, actor, warehouse, key: str, device: str = "") -> Outcome:
    place, answer = _begin_held(actor=actor, warehouse=warehouse, key=key, raw="empty")
    if answer:
        return answer
    return _empty(place, key=key, device=device)


def _empty(place: CounterPlace, *, key: str, device: str) -> Outcome:
    if place.step != "items":
        raise ScanRejected(_("Scan the bin first — expected %(bin)s") % {"bin": place.task.location.name})
    if _last(place) is not None:
        raise ScanRejected(_("Items were counted here — Undo them, or Done"))
    return _done(place, key=key, device=device)


def _done(place: CounterPlace, *, key: str, device: str) -> Outcome:
    task = place.task
    if place.step != "items":
        raise ScanRejected(_("Scan the bin first — expected %(bin)s") % {"bin": task.location.name})
    found = results.tally(task, place.actor_id, place.bin_scanned_at)
    verdict = results.finish(task, found, actor_id=place.actor_id, key=key, device=device)
    place.task, place.bin_scanned_at = None, None
    place.save(update_fields=["task", "bin_scanned_at", "updated_at"])
    # The words say nothing of the ledger's quantity: the count stays blind.
    if verdict == results.Verdict.RECOUNT:
        return Outcome(
            place, _("%(bin)s counted — someone else will recount it") % {"bin": task.location.name}, "warning"
        )
    if verdict == results.Verdict.APPROVAL:
        return Outcome(
            place, _("%(bin)s counted — a supervisor will look at it") % {"bin": task.location.name}, "warning"
        )
    return Outcome(place, _("%(bin)s counted — thank you") % {"bin": task.location.name}, "document")
