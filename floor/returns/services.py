"""Inspecting a return: scan the return (or its order), scan each item that came back, tap its
grade. The item scan receives it from the customer into the returns area; the grade sends it where
its disposition says (input for putaway, quarantine, scrap) through the ledger. Undo takes back the
person's last item until the return is closed. Close tells Odoo: the return of the delivery, then
a scrap and an internal transfer for where the items went."""

import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from floor.accounts import approval
from floor.errors import ScanRejected
from floor.ledger import services as ledger
from floor.ledger.keys import scan_key
from floor.ledger.models import Move, Quant
from floor.odoo import outbox
from floor.odoo.models import Operation
from floor.picking.models import Order, PickRecord
from floor.returns import grading, sql
from floor.returns.models import Disposition, Inspection, InspectorPlace, Return, ReturnLine
from floor.scanning import flow
from floor.scanning.measures import units_of
from floor.scanning.parser import Command, Kind, Scan, parse
from floor.scanning.selectors import scanned_name
from floor.warehouse.models import Location, Lot, Product, Tote
from floor.warehouse.quantities import plain, qty
from floor.warehouse.services import virtual_location

FLOW = "inspect"
OPEN = (Return.State.EXPECTED, Return.State.INSPECTING)


@dataclass
class Outcome(flow.Outcome):
    done: Inspection | None = None  # the item just graded: what Undo now takes back

    @property
    def inspector_place(self) -> InspectorPlace:
        return self.place


def open_place(*, actor, warehouse, lock: bool = False) -> InspectorPlace:
    place = _read(actor, lock)
    if place is None:
        try:
            with transaction.atomic():
                InspectorPlace.objects.create(actor=actor, warehouse=warehouse)
        except IntegrityError:
            pass  # the same person's other request made it a moment ago
        place = _read(actor, lock)
    if place.warehouse_id != warehouse.pk or (place.ret_id and place.ret.state not in OPEN):
        # Moved to another warehouse, or someone else closed the return: nothing is held any more.
        place.warehouse, place.ret, place.item = warehouse, None, None
        place.save()
    return place


def _read(actor, lock: bool) -> InspectorPlace | None:
    return sql.place(actor_id=actor.pk, lock=lock)


def _begin(*, actor, warehouse, key: str, raw: str) -> tuple[InspectorPlace, Outcome | None]:
    return flow.begin(open_place, flow=FLOW, actor=actor, warehouse=warehouse, key=key, raw=raw, outcome=Outcome)


@transaction.atomic
def handle_scan(*, actor, warehouse, scan: Scan, key: str, device: str = "") -> Outcome:
    place, replayed = _begin(actor=actor, warehouse=warehouse, key=key, raw=scan.raw)
    if replayed:
        return replayed
    if scan.kind == Kind.COMMAND:
        if scan.command == Command.UNDO:
            return _undo(place, actor=actor, device=device)
        if scan.command == Command.CANCEL:
            return _cancel(place, actor=actor, device=device)
        raise ScanRejected(_("%(command)s does nothing here") % {"command": scan.command})
    if place.step == "return":
        return _open_return(place, scan)
    if place.step == "approval":
        return _approval_scan(place, scan)
    if place.step == "grade":
        raise ScanRejected(_("Choose a grade for %(sku)s first") % {"sku": place.item.product.sku})
    return _receive(place, scan, key=key, device=device)


# --- Find the return


def _open_return(place: InspectorPlace, scan: Scan) -> Outcome:
    if scan.kind == Kind.TOTE:
        ret, made = _return_in_tote(scan, warehouse_id=place.warehouse_id), False
    else:
        ret, made = _return_of(scan, warehouse_id=place.warehouse_id, actor_id=place.actor_id)
    if ret.warehouse_id != place.warehouse_id:
        raise ScanRejected(_("Return %(ref)s belongs to another warehouse") % {"ref": ret.reference})
    if ret.state not in OPEN:
        raise ScanRejected(_("Return %(ref)s is closed already") % {"ref": ret.reference})
    Return.objects.filter(pk=ret.pk, state=Return.State.EXPECTED).update(state=Return.State.INSPECTING)
    place.ret, place.item = ret, None
    place.save(update_fields=["ret", "item", "updated_at"])
    expected = sum((line.expected for line in ret.lines.all()), Decimal(0))
    said = ngettext("Return %(ref)s: %(n)s item expected", "Return %(ref)s: %(n)s items expected", int(expected))
    if made:
        said = ngettext(
            "No return was announced: return %(ref)s made from order %(order)s, %(n)s item shipped",
            "No return was announced: return %(ref)s made from order %(order)s, %(n)s items shipped",
            int(expected),
        )
        said %= {"ref": ret.reference, "order": ret.order.reference, "n": qty(expected)}
        return Outcome(place, said, "document")
    return Outcome(place, said % {"ref": ret.reference, "n": qty(expected)})


def _return_of(scan: Scan, *, warehouse_id: int, actor_id: int) -> tuple[Return, bool]:
    """The return a scan names, and whether it was made now: its own reference; or the order it
    returns (by the order's number, the carrier's tracking number, or a carton's label) when that
    order has one open return, and a new unannounced return of what the order shipped when it has
    none."""
    document = scan.document if scan.kind == Kind.DOCUMENT else None
    if scan.kind == Kind.PACKAGE:
        order = Order.objects.filter(cartons__package=scan.package_id).first()
    elif document is not None and document.model == "order":
        order = Order.objects.get(pk=document.id)
    elif document is not None and document.model == "return":
        return Return.objects.get(pk=document.id), False
    else:
        order = None
    if order is None:
        raise ScanRejected(
            _("Scan the return, its order or its parcel label (scanned %(code)s)")
            % {"code": scanned_name(scan=scan, warehouse_id=warehouse_id)}
        )
    if order.warehouse_id != warehouse_id:
        raise ScanRejected(_("Order %(ref)s belongs to another warehouse") % {"ref": order.reference})
    # Locked: two inspectors opening the same parcel's order at once make one return, not two.
    order = Order.objects.select_for_update(of=("self",)).get(pk=order.pk)
    returns = list(order.returns.filter(state__in=OPEN)[:2])
    if len(returns) > 1:
        raise ScanRejected(_("Order %(ref)s has several returns: scan the return's label") % {"ref": order.reference})
    if returns:
        return returns[0], False
    return _unannounced(order, actor_id=actor_id), True


def _unannounced(order: Order, *, actor_id: int) -> Return:
    """A parcel with no RMA: a return of what the order shipped and has not come back yet. Odoo
    makes its own return of the delivery when the inspector closes it (its return wizard)."""
    if order.state != Order.State.SHIPPED:
        raise ScanRejected(_("Order %(ref)s has not shipped: nothing of it can come back") % {"ref": order.reference})
    back = Counter()
    for product_id, quantity in ReturnLine.objects.filter(ret__order=order, ret__state=Return.State.DONE).values_list(
        "product", "inspected"
    ):
        back[product_id] += quantity
    shipped = Counter()
    for line in order.lines.order_by("pk"):
        # Picked on the floor; or, shipped from Odoo without the floor, what was ordered and not short.
        shipped[line.product_id] += line.picked or (line.ordered - line.short)
    returnable = {product: left for product, quantity in shipped.items() if (left := quantity - back[product]) > 0}
    if not returnable:
        raise ScanRejected(_("Everything order %(ref)s shipped has come back already") % {"ref": order.reference})
    ret = Return.objects.create(
        warehouse_id=order.warehouse_id,
        reference=f"{order.reference}-R{order.returns.count() + 1}"[:64],
        order=order,
        customer=order.customer,
        source=Return.Source.UNANNOUNCED,
        opened_by_id=actor_id,
    )
    ReturnLine.objects.bulk_create(
        ReturnLine(ret=ret, product_id=product, expected=quantity) for product, quantity in returnable.items()
    )
    return ret


def _return_in_tote(scan: Scan, *, warehouse_id: int) -> Return:
    ret = Return.objects.filter(tote=scan.tote_id, state__in=OPEN).first()
    if ret is None:
        raise ScanRejected(
            _("%(tote)s holds no return: scan the return or its order")
            % {"tote": capfirst(scanned_name(scan=scan, warehouse_id=warehouse_id))}
        )
    return ret


@transaction.atomic
def open_unknown(*, actor, warehouse, key: str, device: str = "") -> Outcome:
    """A parcel with no order and no RMA: whatever is in it is taken into quarantine, marked
    "unknown return", for a supervisor to find its customer."""
    place, replayed = _begin(actor=actor, warehouse=warehouse, key=key, raw="unknown return")
    if replayed:
        return replayed
    if place.ret_id is not None:
        raise ScanRejected(_("Inspecting return %(ref)s: close it first") % {"ref": place.ret.reference})
    _returns_area(warehouse.pk)  # refused before a return is made for nothing
    ret = Return.objects.create(
        warehouse=warehouse,
        reference=f"UNKNOWN-{uuid.uuid4().hex[:8].upper()}",
        source=Return.Source.UNKNOWN,
        state=Return.State.INSPECTING,
        opened_by=actor,
    )
    Return.objects.filter(pk=ret.pk).update(reference=f"UNKNOWN-{ret.pk:05d}")
    ret.refresh_from_db()
    place.ret, place.item = ret, None
    place.save(update_fields=["ret", "item", "updated_at"])
    return Outcome(
        place, _("Unknown return %(ref)s: scan each item, all go to quarantine") % {"ref": ret.reference}, "document"
    )


def _put_in_tote(place: InspectorPlace, ret: Return, scan: Scan) -> Outcome:
    """The parcel set aside in a tote: whoever scans the tote later carries on with its return."""
    if ret.tote_id == scan.tote_id:
        return Outcome(place, _("Return %(ref)s is in this tote already") % {"ref": ret.reference}, "warning")
    tote = Tote.objects.select_related("location").get(pk=scan.tote_id)
    if tote.warehouse_id != place.warehouse_id:
        raise ScanRejected(_("Tote %(tote)s belongs to another warehouse") % {"tote": tote.barcode})
    held = Return.objects.filter(tote=tote, state__in=OPEN).exclude(pk=ret.pk).first()
    if held is not None:
        raise ScanRejected(
            _("Tote %(tote)s holds return %(ref)s already") % {"tote": tote.barcode, "ref": held.reference}
        )
    if Quant.objects.filter(location=tote.location, quantity__gt=0).exists():
        raise ScanRejected(_("Tote %(tote)s is not empty: take another") % {"tote": tote.barcode})
    ret.tote = tote
    ret.save(update_fields=["tote"])
    return Outcome(
        place, _("Return %(ref)s set aside in tote %(tote)s") % {"ref": ret.reference, "tote": tote.barcode}, "document"
    )


# --- Scan each item


def _receive(place: InspectorPlace, scan: Scan, *, key: str, device: str, approver=None) -> Outcome:
    ret = _locked(place.ret)
    if scan.kind == Kind.TOTE:
        return _put_in_tote(place, ret, scan)
    if scan.kind == Kind.DOCUMENT:
        raise ScanRejected(_("Inspecting return %(ref)s: close it first") % {"ref": ret.reference})
    if scan.kind not in (Kind.PRODUCT, Kind.GS1) or scan.product_id is None:
        raise ScanRejected(
            _("Scan an item of return %(ref)s (scanned %(code)s)")
            % {"ref": ret.reference, "code": scanned_name(scan=scan, warehouse_id=place.warehouse_id)}
        )
    # Under the return's lock: two inspectors on one return never take in more than it expects.
    lines = list(ReturnLine.objects.select_related("product").filter(ret=ret, product=scan.product_id).order_by("pk"))
    product = lines[0].product if lines else Product.objects.get(pk=scan.product_id)
    quantity = units_of(scan, product)  # one, the label's count, or its weight in the item's unit
    line = next((line for line in lines if line.expected - line.inspected >= quantity), None)
    extra = False
    if not lines or not any(line.expected for line in lines):
        line = _not_on_order(ret, product, lines)
        extra = True
    elif line is None:
        expected = sum((line.expected for line in lines), Decimal(0))
        if approver is None:
            return _ask_supervisor(place, ret, product, scan, quantity, expected)
        line, extra = lines[-1], True
    lot = _lot(ret, product, scan, quantity, on_order=line.expected > 0)
    customers, returns_area = _ends_of_receiving(place.warehouse_id)
    received = Move(
        product=product,
        lot=lot,
        quantity=quantity,
        from_location_id=customers,
        to_location_id=returns_area,
        actor_id=place.actor_id,
        device=device[:64],
        reference=ret.reference[:64],
    )
    [received] = ledger.post([received], key=scan_key(FLOW, key))
    line.inspected += quantity
    line.save(update_fields=["inspected"])
    item = Inspection.objects.create(
        ret=ret,
        line=line,
        product=product,
        lot=lot,
        quantity=quantity,
        received=received,
        extra=extra,
        approved_by=approver,
        actor_id=place.actor_id,
        device=device[:64],
    )
    place.item = item
    place.save(update_fields=["item", "updated_at"])
    said = {"qty": qty(quantity), "sku": product.sku}
    if line.expected == 0 and ret.source == Return.Source.UNKNOWN:
        return Outcome(place, _("%(qty)s × %(sku)s in, for quarantine: its grade?") % said)
    if line.expected == 0:
        return Outcome(
            place,
            _("%(sku)s was not on order %(order)s: taken in for quarantine, its grade?")
            % {**said, "order": ret.order.reference if ret.order_id else ret.reference},
            "warning",
        )
    return Outcome(place, _("%(qty)s × %(sku)s in: its grade?") % said)


def _not_on_order(ret: Return, product: Product, lines: list[ReturnLine]) -> ReturnLine:
    """An item the return does not expect. An unknown return takes anything; otherwise, by
    RETURN_NOT_ON_ORDER, it is taken into quarantine (flagged for a supervisor) or refused."""
    if ret.source != Return.Source.UNKNOWN and settings.RETURN_NOT_ON_ORDER != "quarantine":
        raise ScanRejected(
            _("%(sku)s is not on return %(ref)s: put it aside for a supervisor")
            % {"sku": product.sku, "ref": ret.reference},
            sound="wrong_item",
        )
    return lines[0] if lines else ReturnLine.objects.create(ret=ret, product=product, expected=Decimal(0))


def _ask_supervisor(
    place: InspectorPlace, ret: Return, product: Product, scan: Scan, quantity: Decimal, expected: Decimal
) -> Outcome:
    """More than the order shipped: nothing is taken in until a supervisor approves on this
    device (their badge, then their PIN)."""
    place.held_scan = scan.raw[:200]
    place.approval = (
        _("%(qty)s more × %(sku)s than order %(order)s shipped (%(expected)s)")
        % {
            "qty": qty(quantity),
            "sku": product.sku,
            "order": ret.order.reference if ret.order_id else ret.reference,
            "expected": qty(expected),
        }
    )[:200]
    place.approver = None
    place.save(update_fields=["held_scan", "approval", "approver", "updated_at"])
    return Outcome(place, _("%(what)s — a supervisor must scan their badge") % {"what": place.approval}, "supervisor")


def _approval_scan(place: InspectorPlace, scan: Scan) -> Outcome:
    place.approver = approval.supervisor_from_badge(scan, warehouse_id=place.warehouse_id, why=place.approval)
    place.save(update_fields=["approver", "updated_at"])
    return Outcome(place, approval.ask_pin(place.approver), "supervisor")


@transaction.atomic
def approve(*, actor, warehouse, pin: str, key: str, device: str = "") -> Outcome:
    """The supervisor's PIN: the held scan is taken in, on record as theirs to approve."""
    place, replayed = _begin(actor=actor, warehouse=warehouse, key=key, raw="approve")
    if replayed:
        return replayed
    if place.step != "approval":
        raise ScanRejected(_("Nothing waits for a supervisor"))
    if place.approver_id is None:
        raise ScanRejected(_("A supervisor must scan their badge first"), sound="supervisor")
    supervisor = approval.pin_approves(place.approver_id, pin)
    if supervisor is None:
        place.approver = None
        place.save(update_fields=["approver", "updated_at"])
        return Outcome(place, approval.wrong_pin(), "supervisor")
    held = parse(place.held_scan, warehouse=warehouse)
    place.held_scan, place.approval, place.approver = "", "", None
    place.save(update_fields=["held_scan", "approval", "approver", "updated_at"])
    return _receive(place, held, key=key, device=device, approver=supervisor)


def _lot(ret: Return, product: Product, scan: Scan, quantity: Decimal, *, on_order: bool) -> Lot | None:
    """The lot or serial of a tracked item: on its label, and shipped on the return's order (an
    item not on the order is taken as labelled, for quarantine)."""
    if product.tracking == Product.Tracking.NONE:
        return None
    serial = product.tracking == Product.Tracking.SERIAL
    name = scan.serial if serial else scan.lot
    what = _("serial number") if serial else _("lot")
    if not name:
        raise ScanRejected(_("Scan the %(what)s label of %(sku)s") % {"what": what, "sku": product.sku})
    if serial and quantity != 1:
        raise ScanRejected(_("One serial at a time"))
    lot = Lot.objects.filter(product=product, name=name).first()
    if on_order and ret.order_id is not None and (lot is None or not _shipped(ret.order_id, lot)):
        raise ScanRejected(
            _("%(what)s %(lot)s of %(sku)s did not leave on order %(order)s: put it aside for a supervisor")
            % {"what": what, "lot": name, "sku": product.sku, "order": ret.order.reference},
            sound="wrong_item",
        )
    if lot is None:  # no order to check it against: taken as labelled
        lot = Lot.objects.create(product=product, name=name)
    in_stock = Quant.objects.filter(lot=lot, quantity__gt=0).exclude(location__kind__in=Location.VIRTUAL_KINDS)
    if serial and in_stock.exists():
        raise ScanRejected(_("Serial %(lot)s of %(sku)s is in stock already") % {"lot": name, "sku": product.sku})
    return lot


def _shipped(order_id: int, lot: Lot) -> bool:
    """Whether the lot left on the order: picked for it, and not put back by an undo."""
    return PickRecord.objects.filter(
        pick__order_line__order=order_id, lot=lot, reverses=None, reversal__isnull=True
    ).exists()


def _locked(ret: Return) -> Return:
    """The return, locked: a scan, an Undo and a Close on it go one at a time, whoever sends them,
    and none lands on a return someone closed a moment ago."""
    locked = Return.objects.select_for_update(of=("self",)).select_related("order").get(pk=ret.pk)
    if locked.state not in OPEN:
        raise ScanRejected(_("Return %(ref)s is closed already") % {"ref": locked.reference})
    return locked


def _ends_of_receiving(warehouse_id: int) -> tuple[int, int]:
    """The customers' location and the warehouse's returns area, in one read."""
    found = dict(
        Location.objects.filter(
            Q(kind=Location.Kind.CUSTOMER, warehouse=None)
            | Q(kind=Location.Kind.RETURNS, warehouse=warehouse_id, active=True)
        )
        .order_by("-pk")
        .values_list("kind", "pk")
    )
    if Location.Kind.RETURNS not in found:
        _returns_area(warehouse_id)  # refused, saying why
    if Location.Kind.CUSTOMER not in found:
        found[Location.Kind.CUSTOMER] = virtual_location(Location.Kind.CUSTOMER).pk
    return found[Location.Kind.CUSTOMER], found[Location.Kind.RETURNS]


def _returns_area(warehouse_id: int) -> Location:
    area = Location.objects.filter(warehouse=warehouse_id, kind=Location.Kind.RETURNS, active=True).first()
    if area is None:
        raise ScanRejected(_("This warehouse has no returns area: ask a supervisor"))
    return area


# --- Inspect: one tap on a grade


@transaction.atomic
def grade(
    *,
    actor,
    warehouse,
    grade: str,
    key: str,
    device: str = "",
    disposition: str = "",
    reason: str = "",
    note: str = "",
) -> Outcome:
    """Grade the item just scanned and send it where the grade says, or where the inspector says
    (with a reason)."""
    place, replayed = _begin(actor=actor, warehouse=warehouse, key=key, raw=f"grade {grade[:20]} {disposition[:20]}")
    if replayed:
        return replayed
    item = place.item
    if item is None:
        raise ScanRejected(_("Scan an item first"))
    grades = grading.grades_of(warehouse)
    if grade not in grades:
        raise ScanRejected(_("Choose a grade"))
    default = grades[grade][1]
    if item.not_on_order:
        # Not on the order, or no order at all: quarantined for a supervisor, whatever its grade.
        default = Disposition.QUARANTINE
        if disposition and disposition != default:
            raise ScanRejected(
                _("%(sku)s was not shipped on this order: it goes to quarantine") % {"sku": item.product.sku}
            )
    disposition = disposition or default
    if disposition not in Disposition.values:
        raise ScanRejected(_("Choose where it goes"))
    if reason and reason not in settings.RETURN_REASONS:
        raise ScanRejected(_("Choose a reason from the list"))
    if disposition != default and not reason:
        raise ScanRejected(
            _("Why %(chosen)s and not %(default)s? Choose a reason")
            % {"chosen": Disposition(disposition).label, "default": Disposition(default).label}
        )
    destination = _destination(disposition, warehouse)
    if destination is not None:
        moved = Move(
            product_id=item.product_id,
            lot_id=item.lot_id,
            quantity=item.quantity,
            from_location_id=item.received.to_location_id,
            to_location=destination,
            actor=actor,
            device=device[:64],
            reference=item.received.reference,
        )
        [item.disposed] = ledger.post([moved], key=scan_key(FLOW, key))
    item.grade, item.disposition, item.reason = grade, disposition, reason
    item.note = "".join(char for char in note if char.isprintable())[:200]
    item.save(update_fields=["grade", "disposition", "reason", "note", "disposed"])
    place.item = None
    place.save(update_fields=["item", "updated_at"])
    said = {"sku": item.product.sku, "grade": grade, "where": Disposition(disposition).label}
    if destination is None:
        return Outcome(place, _("%(sku)s %(grade)s: %(where)s, kept in returns") % said, done=item)
    return Outcome(place, _("%(sku)s %(grade)s: %(where)s, to %(bin)s") % {**said, "bin": destination.name}, done=item)


def _destination(disposition: str, warehouse) -> Location | None:
    """Where a disposition sends the item from the returns area; None: it stays there, marked
    (refurbish and return to vendor, and quarantine where the warehouse has no quarantine area)."""
    if disposition == Disposition.SCRAP:
        return virtual_location(Location.Kind.SCRAP)
    kind = {Disposition.RESTOCK: Location.Kind.INPUT, Disposition.QUARANTINE: Location.Kind.QUARANTINE}.get(disposition)
    if kind is None:
        return None
    area = Location.objects.filter(warehouse=warehouse, kind=kind, active=True).order_by("pk").first()
    if area is None and kind == Location.Kind.INPUT:
        raise ScanRejected(_("This warehouse has no input area to restock into: ask a supervisor"))
    return area


# --- Undo, Cancel


@transaction.atomic
def undo(*, actor, warehouse, key: str, device: str = "") -> Outcome:
    place, replayed = _begin(actor=actor, warehouse=warehouse, key=key, raw="undo")
    if replayed:
        return replayed
    return _undo(place, actor=actor, device=device)


def last_item(place: InspectorPlace) -> Inspection | None:
    """What Undo takes back: the item scanned and not graded, else the person's last item of the
    return, not undone."""
    if place.item_id is not None:
        return place.item
    if place.ret_id is None:
        return None
    return (
        Inspection.objects.select_related("product")
        .filter(ret=place.ret_id, actor=place.actor_id, undone=False)
        .order_by("-pk")
        .first()
    )


def _undo(place: InspectorPlace, *, actor, device: str) -> Outcome:
    if place.held_scan:
        return _cancel(place, actor=actor, device=device)
    item = last_item(place)
    if item is None:
        raise ScanRejected(_("Nothing to undo"))
    _locked(place.ret)
    line = ReturnLine.objects.get(pk=item.line_id)
    # Back where it was, then back to the customer: each move reversed once (its key's undo key).
    if item.disposed_id is not None:
        ledger.reverse([item.disposed], actor_id=actor.pk, device=device)
    ledger.reverse([item.received], actor_id=actor.pk, device=device)
    line.inspected -= item.quantity
    line.save(update_fields=["inspected"])
    item.undone = True
    item.save(update_fields=["undone"])
    place.item = None
    place.save(update_fields=["item", "updated_at"])
    return Outcome(
        place,
        _("Undone: %(qty)s × %(sku)s not taken in") % {"qty": qty(item.quantity), "sku": item.product.sku},
        "warning",
    )


@transaction.atomic
def release(*, actor, warehouse, item_id: int) -> Inspection:
    """A supervisor frees an item scanned and never graded (its inspector went home, or dropped
    it): it is taken back as Undo would, so the return can be closed. Returns the item."""
    item = Inspection.objects.select_related("product", "ret").get(pk=item_id, ret__warehouse=warehouse)
    # The inspector's place first, as their own scans lock it: their grade and this wait in turn.
    place = InspectorPlace.objects.select_for_update(of=("self",)).filter(actor=item.actor_id).first()
    _locked(item.ret)
    item.refresh_from_db()
    if item.undone or item.grade:
        raise ScanRejected(_("%(sku)s was graded or taken back meanwhile") % {"sku": item.product.sku})
    ledger.reverse([item.received], actor_id=actor.pk, device="")
    line = ReturnLine.objects.get(pk=item.line_id)
    line.inspected -= item.quantity
    line.save(update_fields=["inspected"])
    item.undone = True
    item.save(update_fields=["undone"])
    if place is not None and place.item_id == item.pk:
        place.item = None
        place.save(update_fields=["item", "updated_at"])
    return item


def _cancel(place: InspectorPlace, *, actor, device: str) -> Outcome:
    """A scan waiting for a supervisor is dropped; the item not graded yet is taken back; without
    one, the person leaves the return (what they inspected stays, for them or someone else to
    close)."""
    if place.held_scan:
        place.held_scan, place.approval, place.approver = "", "", None
        place.save(update_fields=["held_scan", "approval", "approver", "updated_at"])
        return Outcome(place, _("Not taken in: put it aside for a supervisor"), "warning")
    if place.item_id is not None:
        return _undo(place, actor=actor, device=device)
    if place.ret_id is None:
        return Outcome(place, _("Nothing to cancel"), "warning")
    left = place.ret
    place.ret = None
    place.save(update_fields=["ret", "updated_at"])
    return Outcome(place, _("Left return %(ref)s") % {"ref": left.reference}, "warning")


def undo_preview(place: InspectorPlace, done: Inspection | None = None) -> str:
    item = done or last_item(place)
    if item is None:
        return ""
    return _("Undo: take back %(qty)s × %(sku)s") % {"qty": qty(item.quantity), "sku": item.product.sku}


# --- Close


@dataclass
class Summary:
    lines: list[dict]  # per line: product, expected, received, missing
    by_grade: list[tuple[str, Decimal]]  # (grade's words, units)
    by_disposition: list[tuple[str, Decimal]]
    expected: Decimal
    received: Decimal


def summary(ret: Return, *, warehouse=None, by_grade: bool = False) -> Summary:
    """The return's lines: expected, received, missing; `by_grade`, also the units per grade and
    per disposition (the close screen's, read only there: they grow with the return)."""
    lines = list(ret.lines.select_related("product").order_by("pk"))
    graded, disposed = [], []
    if by_grade:
        items = ret.inspections.filter(undone=False).exclude(grade="")
        words = grading.words_of(warehouse or ret.warehouse)
        graded = [
            (words.get(row["grade"], row["grade"]), row["units"])
            for row in items.values("grade").annotate(units=Sum("quantity")).order_by("grade")
        ]
        disposed = [
            (Disposition(row["disposition"]).label, row["units"])
            for row in items.values("disposition").annotate(units=Sum("quantity")).order_by("disposition")
        ]
    return Summary(
        lines=[
            {
                "product": line.product,
                "expected": line.expected,
                "received": line.inspected,
                "missing": max(line.expected - line.inspected, Decimal(0)),
            }
            for line in lines
        ],
        by_grade=graded,
        by_disposition=disposed,
        expected=sum((line.expected for line in lines), Decimal(0)),
        received=sum((line.inspected for line in lines), Decimal(0)),
    )


@transaction.atomic
def close(*, actor, warehouse, key: str, device: str = "") -> Outcome:
    """The return is done: what came back goes to Odoo, what did not is no longer expected."""
    place, replayed = _begin(actor=actor, warehouse=warehouse, key=key, raw="close")
    if replayed:
        return replayed
    if place.ret_id is None:
        raise ScanRejected(_("Scan a return first"))
    if place.item_id is not None:
        raise ScanRejected(_("Choose a grade for %(sku)s first") % {"sku": place.item.product.sku})
    ret = _locked(place.ret)
    # Someone else's item scanned and not graded yet: their tap would land on a closed return.
    waiting = InspectorPlace.objects.filter(ret=ret, item__isnull=False).exclude(pk=place.pk)
    if waiting.exists():
        raise ScanRejected(_("Another inspector is grading an item of this return: wait for them"))
    items = list(ret.inspections.filter(undone=False).select_related("received", "disposed__to_location", "line"))
    _tell_odoo(ret, items, actor=actor)
    ret.state, ret.closed_at, ret.tote = Return.State.DONE, timezone.now(), None
    ret.save(update_fields=["state", "closed_at", "tote"])
    place.ret = None
    place.save(update_fields=["ret", "updated_at"])
    back = sum((item.quantity for item in items), Decimal(0))
    expected = sum((line.expected for line in ret.lines.all()), Decimal(0))
    return Outcome(
        place,
        ngettext(
            "Return %(ref)s closed: %(back)s of %(expected)s item back",
            "Return %(ref)s closed: %(back)s of %(expected)s items back",
            int(expected),
        )
        % {"ref": ret.reference, "back": qty(back), "expected": qty(expected)},
        "document",
    )


def _tell_odoo(ret: Return, items: list[Inspection], *, actor) -> None:
    """Odoo's return of the delivery (or the return Odoo announced) for what came back, into the
    returns location; then one scrap for what was scrapped and one internal transfer for what
    went to input or quarantine. What the order did not ship goes on the same return as lines of
    its own; an unknown return is a receipt from the customers' location. Nothing when Odoo knows
    neither the return nor its order."""
    if not items:
        return
    if ret.odoo_id:
        payload = {"picking": ret.odoo_id}
    elif ret.order_id and ret.order.odoo_id:
        payload = {"delivery": ret.order.odoo_id}
    elif ret.source == Return.Source.UNKNOWN:
        payload = {"customer": True}
    else:
        return
    came_back: dict[tuple, Decimal] = defaultdict(Decimal)
    for item in items:
        move = item.received
        odoo_move = item.line.odoo_move_id if ret.odoo_id and not item.extra else None
        came_back[(move.product_id, move.lot_id, move.to_location_id, odoo_move, item.extra)] += move.quantity
    lines = []
    for (product, lot, to, odoo_move, extra), quantity in came_back.items():
        line = {"product": product, "lot": lot, "quantity": plain(quantity), "to": to}
        if odoo_move:
            line["move"] = odoo_move
        if extra:
            line["extra"] = True
        lines.append(line)
    operations = [(Operation.Kind.RETURN, f"FLOOR-RET-{ret.pk}", {**payload, "lines": lines})]
    disposed = [item.disposed for item in items if item.disposed_id is not None]
    scrapped = [move for move in disposed if move.to_location.kind == Location.Kind.SCRAP]
    moved = [move for move in disposed if move.to_location.kind != Location.Kind.SCRAP]
    if scrapped:
        operations.append((Operation.Kind.SCRAP, f"FLOOR-RET-{ret.pk}-SCRAP", {"lines": outbox.lines_of(scrapped)}))
    if moved:
        operations.append((Operation.Kind.INTERNAL, f"FLOOR-RET-{ret.pk}-MOVE", {"lines": outbox.lines_of(moved)}))
    for kind, reference, operation_payload in operations:
        outbox.enqueue(
            kind=kind,
            warehouse=ret.warehouse,
            reference=reference,
            payload=operation_payload,
            document=ret.reference,
            actor=actor,
        )
