"""Packing at a station: the packer scans the station once, then a tote; each item is verified
(lot or serial against what was picked) into the order's open carton; a closed carton gets its
weight, an SSCC (a package in the ledger) and a label; Done moves the order's stock tote → the
station → output in its cartons and sends Odoo one delivery.

Nothing moves in the ledger until the order is done: what is packed is on record as PackedItem
rows (append-only; Undo writes one that reverses the last). The packer's place is a `Packing`
row, locked first by every request of theirs; then the order (every scan that packs, closes or
approves locks it, so two packers at one order never pack more than was picked); then quants
(in the ledger).

Waiting states (Packing.waiting) and what the next step is:
- TOTE: a tote (or the order's reference) — the station was scanned;
- CARTON: a carton type, scanned or chosen (Floor suggests one);
- ITEM: the order's items, into the open carton; Carton closes it, Done closes the order;
- WEIGHT: the open carton's weight, typed or read from the station's scale;
- APPROVAL: a supervisor's badge, then PIN, for a short shipment.
No station yet: the station.

This module holds what the views call; the doing is beside it, by concern: `place` (the
packer's place, the outcome, the order locked), `station_scan`, `cartons`, `items`, `closing`.
Undo and the supervisor's approval are still here.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import F, Sum
from django.utils.translation import gettext as _

from floor.accounts import approval
from floor.errors import ScanRejected
from floor.packing import scale
from floor.packing.cartons import (
    carton_types,
    cartons_of,
    choose_type,
    close_open_carton,
    lines_of,
    net,
    packed_rows,
    suggest_carton,
    weigh_open_carton,
)
from floor.packing.closing import close_order, ready_to_close, short_of
from floor.packing.items import pack_item
from floor.packing.models import Carton, CartonContent, CartonType, PackedItem, Packing, PrintJob, Station
from floor.packing.place import ZERO, Outcome, Seen, Waiting, begin, clear, lock_order, named, packing_for
from floor.packing.station_scan import take_station, take_tote
from floor.picking.models import Order, OrderLine, TaskTote
from floor.scanning.parser import Command, Document, Kind, Scan
from floor.warehouse.models import Lot, Product
from floor.warehouse.quantities import qty

CARTON_TYPE = "carton_type"  # Document.model of a carton type's barcode (read by `own_code`)


def own_code(*, actor, warehouse, raw: str) -> Scan | None:
    """A code only packing knows, read when `parse` knows nothing of it: a station's barcode (its
    pack location), a carton type's barcode, or a plain lot or serial label of an item the
    person's order holds. None: it is none of these."""
    code = raw.strip()
    if not code or len(code) > 64 or not code.isprintable() or warehouse is None:
        return None
    station = Station.objects.filter(barcode=code).values_list("location_id", flat=True).first()
    if station is not None:
        return Scan(raw=raw, code=code, kind=Kind.LOCATION, location_id=station)
    carton_type = CartonType.objects.filter(barcode=code).values_list("pk", "code").first()
    if carton_type is not None:
        document = Document(model=CARTON_TYPE, id=carton_type[0], reference=carton_type[1], state="")
        return Scan(raw=raw, code=code, kind=Kind.DOCUMENT, document=document)
    tracking = (
        Lot.objects.filter(
            name=code,
            product__in=OrderLine.objects.filter(
                order__in=Packing.objects.filter(actor=actor, order__isnull=False).values("order")
            ).values("product"),
        )
        .values_list("product__tracking", flat=True)
        .first()
    )
    if tracking is None:
        return None
    label = {"serial": code} if tracking == Product.Tracking.SERIAL else {"lot": code}
    return Scan(raw=raw, code=code, kind=Kind.GS1, **label)


# --- Scans


@transaction.atomic
def handle_scan(*, actor, warehouse, scan: Scan, key: str, device: str = "") -> Outcome:
    packing, replayed = begin(actor=actor, warehouse=warehouse, key=key, raw=scan.raw)
    if replayed:
        return replayed
    if scan.kind == Kind.COMMAND:
        return _command(packing, scan, key=key, device=device)
    if packing.waiting == Waiting.APPROVAL:
        return _approver(packing, scan)
    if scan.kind == Kind.LOCATION:
        return take_station(packing, warehouse, scan)
    if packing.station_id is None:
        raise ScanRejected(_("Scan your station first (scanned %(code)s)") % named(scan, warehouse))
    if scan.kind == Kind.TOTE or (scan.kind == Kind.DOCUMENT and scan.document.model == "order"):
        return take_tote(packing, scan)
    if scan.kind == Kind.DOCUMENT and scan.document.model == CARTON_TYPE:
        return choose_type(packing, scan.document.id)
    if packing.order_id is None:
        raise ScanRejected(_("Scan a tote (scanned %(code)s)") % named(scan, warehouse))
    if scan.kind in (Kind.PRODUCT, Kind.GS1):
        if packing.waiting == Waiting.WEIGHT:
            raise ScanRejected(_("Weigh the carton first — or scan CANCEL to go on packing it"))
        return pack_item(packing, scan, device=device)
    raise ScanRejected(
        _("Scan an item of %(order)s (scanned %(code)s)") % {"order": packing.order, **named(scan, warehouse)}
    )


def _command(packing: Packing, scan: Scan, *, key: str, device: str) -> Outcome:
    if scan.command == Command.UNDO:
        return _undo(packing, device=device)
    if scan.command == Command.CANCEL:
        return _cancel(packing)
    if scan.command in (Command.DONE, Command.PROBLEM):
        if packing.waiting == Waiting.APPROVAL:
            raise ScanRejected(_("A supervisor must scan their badge (or scan CANCEL)"), sound="supervisor")
        return _finish(packing, key=key, device=device, problem=scan.command == Command.PROBLEM)
    if scan.command == Command.QTY and packing.waiting == Waiting.WEIGHT:
        return Outcome(packing, _("Type the weight"), "warning")
    if scan.command == Command.QTY and packing.order_id is not None and packing.waiting == Waiting.ITEM:
        return Outcome(packing, _("Type how many, then scan the item"), "warning", asks_quantity=True)
    raise ScanRejected(_("%(command)s does nothing here") % {"command": scan.command})


# --- Cartons


@transaction.atomic
def choose_carton(*, actor, warehouse, carton_type: int, key: str) -> Outcome:
    packing, replayed = begin(actor=actor, warehouse=warehouse, key=key, raw=f"carton {carton_type}")
    if replayed:
        return replayed
    if packing.station_id is None:
        raise ScanRejected(_("Scan your station first"))
    return choose_type(packing, carton_type)


@transaction.atomic
def close_carton(*, actor, warehouse, key: str) -> Outcome:
    """The carton is full or the items are in: its weight is asked for next."""
    packing, replayed = begin(actor=actor, warehouse=warehouse, key=key, raw="close carton")
    if replayed:
        return replayed
    return close_open_carton(packing)


def read_scale(*, actor, warehouse, key: str, device: str = "") -> Outcome:
    """The open carton's weight from the station's scale. The scale is read before the transaction
    starts: nothing is locked while it answers."""
    packing = packing_for(actor=actor, warehouse=warehouse)
    if packing.station_id is None:
        raise ScanRejected(_("Scan your station first"))
    if packing.waiting != Waiting.WEIGHT:
        raise ScanRejected(_("Close the carton first (Carton), then weigh it"))
    weight = scale.read_weight(packing.station)
    return record_weight(actor=actor, warehouse=warehouse, weight=weight, key=key, device=device, on_scale=True)


@transaction.atomic
def record_weight(*, actor, warehouse, weight: Decimal, key: str, device: str = "", on_scale: bool = False) -> Outcome:
    """Close the open carton at this weight: it gets an SSCC, a package in the ledger (what it
    will carry at Done) and a label for the station's printer."""
    packing, replayed = begin(actor=actor, warehouse=warehouse, key=key, raw=f"weight {weight}")
    if replayed:
        return replayed
    return weigh_open_carton(packing, weight, on_scale=on_scale)


# --- Items


@transaction.atomic
def set_next_quantity(*, actor, warehouse, quantity: Decimal, key: str, device: str = "") -> Outcome:
    """How many identical units the next item scan packs: what was picked of its lot still bounds it."""
    packing, replayed = begin(actor=actor, warehouse=warehouse, key=key, raw=f"qty {quantity}")
    if replayed:
        return replayed
    if packing.order_id is None:
        raise ScanRejected(_("Scan a tote first"))
    if packing.waiting == Waiting.WEIGHT:
        raise ScanRejected(_("Weigh the carton first — or scan CANCEL to go on packing it"))
    if packing.waiting == Waiting.APPROVAL:
        raise ScanRejected(_("A supervisor must scan their badge (or scan CANCEL)"), sound="supervisor")
    packing.next_quantity = quantity
    packing.save(update_fields=["next_quantity", "updated_at"])
    return Outcome(packing, _("Next scan packs %(qty)s — scan the item") % {"qty": qty(quantity)})


# --- Undo and cancel


def undoable(packing: Packing) -> PackedItem | None:
    """The person's last item packed into this order that still counts."""
    if packing.order_id is None:
        return None
    return (
        net(PackedItem.objects.filter(carton__order_id=packing.order_id, actor_id=packing.actor_id))
        .select_related("product", "lot", "carton")
        .order_by("-id")
        .first()
    )


def _last_packed(packing: Packing) -> tuple | None:
    """(quantity, item id, SKU, carton number, carton state) of the person's last item that
    still counts in this order."""
    if packing.order_id is None:
        return None
    return (
        net(PackedItem.objects.filter(carton__order_id=packing.order_id, actor_id=packing.actor_id))
        .values_list("quantity", "product_id", "product__sku", "carton__number", "carton__state")
        .order_by("-id")
        .first()
    )


_UNREAD = object()


def undo_preview(packing: Packing, last=_UNREAD) -> str:
    """What Undo would do, said before it does it. `last`: `_last_packed`, when already read."""
    if packing.waiting in (Waiting.WEIGHT, Waiting.APPROVAL):
        return _("Undo: back to packing — nothing is recorded")
    if last is _UNREAD:
        last = _last_packed(packing)
    if last is None or last[4] != Carton.State.OPEN:
        return ""
    quantity, _product, sku, number, _state = last
    return _("Undo: take %(qty)s × %(sku)s out of carton %(n)s") % {"qty": qty(quantity), "sku": sku, "n": number}


@transaction.atomic
def undo(*, actor, warehouse, key: str, device: str = "") -> Outcome:
    packing, replayed = begin(actor=actor, warehouse=warehouse, key=key, raw="undo")
    if replayed:
        return replayed
    return _undo(packing, device=device)


def _undo(packing: Packing, *, device: str) -> Outcome:
    if packing.waiting in (Waiting.WEIGHT, Waiting.APPROVAL):
        return _cancel(packing)
    if packing.order_id is None:
        raise ScanRejected(_("Nothing to undo"))
    order = lock_order(packing)
    if isinstance(order, Outcome):
        return order  # closed by someone else meanwhile
    last = undoable(packing)
    if last is None:
        raise ScanRejected(_("Nothing to undo"))
    if last.carton.state != Carton.State.OPEN:
        raise ScanRejected(
            _("Carton %(n)s is closed — Undo cannot take %(sku)s out of it")
            % {"n": last.carton.number, "sku": last.product.sku}
        )
    PackedItem.objects.create(
        carton=last.carton,
        product=last.product,
        lot=last.lot,
        quantity=last.quantity,
        actor=packing.actor,
        device=device[:64],
        reverses=last,
    )
    CartonContent.objects.filter(carton_id=last.carton_id, product_id=last.product_id, lot_id=last.lot_id).update(
        quantity=F("quantity") - last.quantity
    )
    packing.carton, packing.waiting = last.carton, Waiting.ITEM
    packing.save()
    return Outcome(
        packing,
        _("Undone: %(qty)s × %(sku)s out of carton %(n)s")
        % {"qty": qty(last.quantity), "sku": last.product.sku, "n": last.carton.number},
        "warning",
    )


def _cancel(packing: Packing) -> Outcome:
    if packing.waiting == Waiting.WEIGHT:
        packing.waiting = Waiting.ITEM
        packing.save()
        return Outcome(packing, _("Cancelled — the carton stays open"), "warning")
    if packing.waiting == Waiting.APPROVAL:
        packing.waiting, packing.approver, packing.approval = Waiting.ITEM, None, ""
        packing.save()
        return Outcome(packing, _("Cancelled — the order stays open"), "warning")
    if packing.next_quantity is not None:
        packing.next_quantity = None
        packing.save(update_fields=["next_quantity", "updated_at"])
        return Outcome(packing, _("Cancelled — the next scan packs one"), "warning")
    return Outcome(packing, _("Nothing to cancel"), "warning")


@transaction.atomic
def leave(*, actor, warehouse, key: str = "") -> Outcome:
    """Back to "Scan a tote"; the order waits, with what was packed, for anyone to go on."""
    packing, replayed = begin(actor=actor, warehouse=warehouse, key=key, raw="leave")
    if replayed:
        return replayed
    if packing.order_id is None:
        return Outcome(packing)
    reference = packing.order.reference
    clear(packing)
    packing.save()
    return Outcome(packing, _("Left %(order)s — what you packed stays packed") % {"order": reference}, "warning")


# --- Done: the order closes


@transaction.atomic
def finish(*, actor, warehouse, key: str, device: str = "", problem: bool = False) -> Outcome:
    packing, replayed = begin(actor=actor, warehouse=warehouse, key=key, raw="problem" if problem else "done")
    if replayed:
        return replayed
    if packing.waiting == Waiting.APPROVAL:
        raise ScanRejected(_("A supervisor must scan their badge (or scan CANCEL)"), sound="supervisor")
    return _finish(packing, key=key, device=device, problem=problem)


def _finish(packing: Packing, *, key: str, device: str, problem: bool) -> Outcome:
    """Done: every picked unit packed and every carton closed; with anything short of what was
    ordered, a supervisor approves the short shipment first."""
    if packing.order_id is None:
        raise ScanRejected(_("Scan a tote first"))
    if packing.waiting == Waiting.WEIGHT:
        raise ScanRejected(_("Weigh the carton first — or scan CANCEL to go on packing it"))
    order = lock_order(packing)
    if isinstance(order, Outcome):
        return order  # closed by someone else meanwhile
    short = short_of(ready_to_close(order))
    if not short:
        if problem:
            return Outcome(packing, _("Nothing is missing — tap Done to close %(order)s") % {"order": order}, "warning")
        return close_order(packing, order, key=key, device=device)
    what = ", ".join(
        _("%(sku)s %(packed)s of %(ordered)s")
        % {"sku": row["product"].sku, "packed": qty(row["packed"]), "ordered": qty(row["ordered"])}
        for row in short[:4]
    )
    packing.waiting, packing.approver = Waiting.APPROVAL, None
    packing.approval = (_("Short shipment: %(what)s") % {"what": what})[:200]
    packing.save()
    return Outcome(packing, _("%(why)s — a supervisor must scan their badge") % {"why": packing.approval}, "supervisor")


def _approver(packing: Packing, scan: Scan) -> Outcome:
    warehouse_id = packing.station.warehouse_id if packing.station_id else None
    packing.approver = approval.supervisor_from_badge(scan, warehouse_id=warehouse_id, why=packing.approval)
    packing.save()
    return Outcome(packing, approval.ask_pin(packing.approver), "supervisor")


@transaction.atomic
def approve(*, actor, warehouse, pin: str, key: str, device: str = "") -> Outcome:
    """The supervisor's PIN: the short shipment is approved and the order closes."""
    packing, replayed = begin(actor=actor, warehouse=warehouse, key=key, raw="approve")
    if replayed:
        return replayed
    if packing.waiting != Waiting.APPROVAL or packing.approver_id is None:
        raise ScanRejected(_("Nothing waits for a supervisor"))
    supervisor = approval.pin_approves(packing.approver_id, pin)
    if supervisor is None:
        packing.approver = None
        packing.save()  # kept: the badge must be scanned again
        return Outcome(packing, approval.wrong_pin(), "supervisor")
    order = lock_order(packing)
    if isinstance(order, Outcome):
        return order  # closed by someone else meanwhile
    ready_to_close(order)  # someone else at this order may have packed meanwhile
    return close_order(packing, order, key=key, device=device, approved=approval.record(supervisor, packing.approval))


# --- What the screen shows


def screen(packing: Packing, seen: Seen | None = None) -> dict:
    """The station, the order and its cartons: a few queries, whatever the order's size; none of
    what an item scan already read (`seen`)."""
    context = {"packing": packing, "station": packing.station, "order": None}
    if packing.station_id is None:
        return context
    order = packing.order
    if order is None:
        context["waiting_orders"] = Order.objects.filter(
            warehouse_id=packing.station.warehouse_id, state=Order.State.PICKED
        ).count()
        return context
    if seen is None:
        lines, cartons = lines_of(order), cartons_of(order)
        packed = dict(packed_rows(carton__order=order).values_list("product_id").annotate(q=Sum("quantity")))
        last = _last_packed(packing)
        totes = list(
            TaskTote.objects.filter(order=order, tote__isnull=False, freed_at=None).values_list(
                "tote__barcode", flat=True
            )
        )
    else:
        lines, cartons, packed, last, totes = seen.lines, seen.cartons, seen.packed, seen.last, seen.totes
    if packing.carton_id is not None:  # the packer's carton is one of these: not asked for again
        packing.carton = next((c for c in cartons if c.pk == packing.carton_id), None) or packing.carton
    closed = [c.pk for c in cartons if c.state == Carton.State.CLOSED]
    jobs = {}
    if closed:
        for job in PrintJob.objects.filter(carton__in=closed):
            jobs.setdefault(job.carton_id, job)  # newest first
    for carton in cartons:
        carton.job = jobs.get(carton.pk)
    context.update(
        order=order,
        picked=sum((line.picked for line in lines), ZERO),
        ordered=sum((line.ordered for line in lines), ZERO),
        packed=sum(packed.values(), ZERO),
        cartons=cartons,
        totes=totes,
        undo_preview=undo_preview(packing, last),
        current=_current_line(lines, packed, last),
    )
    if packing.waiting == Waiting.CARTON:
        types = carton_types(order.warehouse_id)
        context.update(carton_types=types, suggested=suggest_carton(order, types))
    return context


def _current_line(lines: list[OrderLine], packed: dict, last: tuple | None) -> dict | None:
    """The line of the item packed last by this person (`_last_packed`): shown under the prompt."""
    if last is None:
        return None
    product = last[1]
    line = next((line for line in lines if line.product_id == product), None)
    if line is None:
        return None
    return {
        "product": line.product,
        "ordered": line.ordered,
        "picked": line.picked,
        "packed": packed.get(product) or ZERO,
    }
