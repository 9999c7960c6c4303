"""Put away from input: scan an item (or a licence plate) waiting at an input location; Floor
suggests a bin and says why; scanning that bin posts the moves input → bin through the ledger and
one internal operation to the outbox. Another storage bin of the warehouse is taken too, once the
person says why."""

from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from floor import sql
from floor.errors import ScanRejected
from floor.ledger import services as ledger
from floor.ledger.keys import scan_key
from floor.ledger.models import Move, Quant
from floor.odoo import outbox
from floor.odoo.models import Operation
from floor.putaway.models import Putaway
from floor.putaway.selectors import ASK, open_putaway_of, product_at_input, suggest_bin
from floor.scanning import flow
from floor.scanning.parser import Kind, Scan, readable
from floor.scanning.selectors import scanned_name
from floor.warehouse.models import Location, Lot, Package, Product
from floor.warehouse.quantities import qty

FLOW = "putaway"
# An item at input is a row per input location and lot: more than a few are refused anyway.
MAX_ROWS = 20


@dataclass
class Outcome(flow.Outcome):
    # The putaway this scan finished, when it finished one: the last one Undo would reverse.
    done: Putaway | None = None

    @property
    def putaway(self) -> Putaway:
        return self.place


# What a step changes: saved alone, not every column (updated_at goes with them: auto_now).
_WORK = ("source", "source_scanned", "product", "lot", "package", "quantity", "items")
_SUGGESTION = ("suggested", "rule", "destination")


def _save(putaway: Putaway, *fields: str) -> None:
    sql.update(putaway, *fields, "updated_at")


def open_putaway(*, actor, warehouse, lock: bool = False) -> Putaway:
    # Few joins: PostgreSQL plans a join of ten tables in ~20 ms, longer than the whole scan
    # takes. A bin it may name other than the suggested one (destination) loads when needed.
    putaway = open_putaway_of(actor_id=actor.pk, lock=lock)
    if putaway is None:
        try:
            with transaction.atomic():
                putaway = Putaway.objects.create(actor=actor, warehouse=warehouse)
        except IntegrityError:
            # The same person's other request opened it a moment ago.
            putaway = open_putaway_of(actor_id=actor.pk, lock=lock)
            if putaway is None:
                raise
    if putaway.warehouse_id != warehouse.pk:
        # The person moved to another warehouse: what they had started there does not come along.
        _clear(putaway)
        putaway.warehouse = warehouse
        putaway.save()
    putaway.warehouse, putaway.actor = warehouse, actor
    return putaway


def last_done(*, actor) -> Putaway | None:
    return (
        Putaway.objects.select_related("source", "product", "package")
        .filter(actor=actor, state=Putaway.State.DONE)
        .order_by("-pk")  # putaways finish in the order they start: one is open at a time
        .first()
    )


def _begin(*, actor, warehouse, key: str, raw: str) -> tuple[Putaway, Outcome | None]:
    return flow.begin(open_putaway, flow=FLOW, actor=actor, warehouse=warehouse, key=key, raw=raw, outcome=Outcome)


@transaction.atomic
def handle_scan(*, actor, warehouse, scan: Scan, key: str, device: str = "") -> Outcome:
    putaway, replayed = _begin(actor=actor, warehouse=warehouse, key=key, raw=scan.raw)
    if replayed:
        return replayed
    if scan.kind == Kind.COMMAND:
        if scan.command == "CANCEL":
            return cancel(putaway=putaway)
        if scan.command == "UNDO":
            return _undo(putaway, actor=actor, device=device)
        raise ScanRejected(_("%(command)s does nothing here") % {"command": scan.command})
    if putaway.step in ("start", "item"):
        return _take(putaway, scan)
    return _put(putaway, scan, key=key, device=device)


# --- What to put away


def _take(putaway: Putaway, scan: Scan) -> Outcome:
    if scan.kind == Kind.LOCATION:
        return _take_input(putaway, scan)
    is_item = scan.kind in (Kind.PRODUCT, Kind.GS1) and scan.product_id is not None
    if scan.package_id is not None and scan.kind in (Kind.PACKAGE, Kind.GS1):
        # A GS1 label with both an SSCC and a GTIN is the plate when the plate is at input.
        outcome = _take_plate(putaway, scan, or_none=is_item)
        if outcome is not None:
            return outcome
    if is_item:
        return _take_item(putaway, scan)
    raise ScanRejected(_("Scan an item or licence plate at input (scanned %(code)s)") % _said(putaway, scan))


def _said(putaway: Putaway, scan: Scan) -> dict:
    """What a rejection says was scanned: the bin's name, the item's SKU… (asked only then)."""
    return {"code": scanned_name(scan=scan, warehouse_id=putaway.warehouse_id)}


def _take_input(putaway: Putaway, scan: Scan) -> Outcome:
    location = Location.objects.filter(pk=scan.location_id).first()
    if location is None or location.warehouse_id != putaway.warehouse_id or location.kind != Location.Kind.INPUT:
        raise ScanRejected(_("Scan an item at input, or the input location (scanned %(code)s)") % _said(putaway, scan))
    putaway.source, putaway.source_scanned = location, True
    _save(putaway, "source", "source_scanned")
    return Outcome(putaway, _("From %(input)s") % {"input": location.name})


def _at_input(putaway: Putaway):
    """Stock at the input scanned, or at any input of the warehouse."""
    quants = Quant.objects.filter(quantity__gt=0)
    if putaway.source_id is not None:
        return quants.filter(location_id=putaway.source_id)
    return quants.filter(location__warehouse_id=putaway.warehouse_id, location__kind=Location.Kind.INPUT)


def _take_item(putaway: Putaway, scan: Scan) -> Outcome:
    at_input = partial(
        product_at_input, product_id=scan.product_id, warehouse_id=putaway.warehouse_id, source_id=putaway.source_id
    )
    product, found, holding = at_input(lot_id=None, limit=MAX_ROWS)
    lot = _scanned_lot(product, scan)
    if lot is not None:
        # All of it came back: the lot's rows are among them. Otherwise ask for that lot's alone.
        found = (
            [q for q in found if q.lot_id == lot.pk]
            if len(found) < MAX_ROWS
            else at_input(lot_id=lot.pk, limit=MAX_ROWS)[1]
        )
    if not found:
        where = putaway.source.name if putaway.source_id else _("input")
        raise ScanRejected(
            _("No %(sku)s waiting at %(input)s (scanned %(code)s)")
            % {"sku": product.sku, "input": where, "code": readable(scan.code)}
        )
    if len({q.location_id for q in found}) > 1:
        raise ScanRejected(_("%(sku)s waits at several inputs — scan the input location first") % {"sku": product.sku})
    if product.tracking != Product.Tracking.NONE and lot is None:
        if len({q.lot_id for q in found}) > 1:
            what = _("serial number") if product.tracking == Product.Tracking.SERIAL else _("lot")
            raise ScanRejected(
                _("Several of %(sku)s at %(input)s — scan the %(what)s label")
                % {"sku": product.sku, "input": found[0].location.name, "what": what}
            )
        lot = found[0].lot
    putaway.source = found[0].location
    putaway.product, putaway.lot, putaway.package, putaway.items = product, lot, None, 1
    putaway.quantity = sum((q.quantity for q in found), Decimal(0))
    _suggest(putaway, volume=putaway.quantity * product.volume, holding=holding)
    _save(putaway, *_WORK, *_SUGGESTION)
    return Outcome(putaway, _suggestion_said(putaway))


def _scanned_lot(product: Product, scan: Scan) -> Lot | None:
    if product.tracking == Product.Tracking.NONE:
        return None
    name = scan.serial if product.tracking == Product.Tracking.SERIAL else scan.lot
    if not name:
        return None
    lot = Lot.objects.filter(product=product, name=name).first()
    if lot is None:
        raise ScanRejected(_("Lot %(lot)s of %(sku)s is not waiting at input") % {"lot": name, "sku": product.sku})
    return lot


def _take_plate(putaway: Putaway, scan: Scan, *, or_none: bool = False) -> Outcome | None:
    quants = list(
        _at_input(putaway)
        .filter(package_id=scan.package_id)
        .select_related("location", "lot", "product")
        .order_by("location_id", "product_id", "lot_id")
    )
    if not quants:
        if or_none:
            return None
        where = putaway.source.name if putaway.source_id else _("input")
        raise ScanRejected(
            _("Licence plate %(plate)s is not at %(input)s") % {"plate": readable(scan.code), "input": where}
        )
    if len({q.location_id for q in quants}) > 1:
        raise ScanRejected(
            _("Licence plate %(plate)s is at several inputs — scan the input location first")
            % {"plate": readable(scan.code)}
        )
    # The plate goes where its largest item would go, with room for the whole plate.
    largest = max(quants, key=lambda q: (q.quantity * q.product.volume, q.quantity, -q.product_id))
    putaway.source, putaway.package = largest.location, Package.objects.get(pk=scan.package_id)
    putaway.product, putaway.lot = largest.product, largest.lot
    putaway.quantity = sum((q.quantity for q in quants), Decimal(0))
    putaway.items = len(quants)
    _suggest(putaway, volume=sum((q.quantity * q.product.volume for q in quants), Decimal(0)))
    _save(putaway, *_WORK, *_SUGGESTION)
    return Outcome(putaway, _suggestion_said(putaway))


def _suggest(putaway: Putaway, *, volume: Decimal, holding=ASK) -> None:
    putaway.suggested, putaway.rule = suggest_bin(
        warehouse=putaway.warehouse, product=putaway.product, lot=putaway.lot, volume=volume, holding=holding
    )
    putaway.destination = None


def _what(putaway: Putaway) -> str:
    if putaway.package_id is not None:
        return _("licence plate %(plate)s") % {"plate": putaway.package.barcode}
    return _("%(qty)s × %(sku)s") % {"qty": qty(putaway.quantity), "sku": putaway.product.sku}


def _suggestion_said(putaway: Putaway) -> str:
    if putaway.suggested is None:
        return _("%(what)s: no bin to suggest — scan any storage bin") % {"what": _what(putaway)}
    return _("%(what)s → %(bin)s — %(why)s") % {
        "what": _what(putaway),
        "bin": putaway.suggested.name,
        "why": putaway.why,
    }


# --- Where it goes


def _put(putaway: Putaway, scan: Scan, *, key: str, device: str) -> Outcome:
    if scan.kind != Kind.LOCATION:
        location = None
    elif scan.location_id is not None and scan.location_id == putaway.suggested_id:
        # The usual scan: the suggested bin, already read with the putaway.
        return _post(putaway, putaway.suggested, reason="", key=key, device=device)
    else:
        location = Location.objects.filter(pk=scan.location_id).first()

    def wrong(message: str) -> ScanRejected:
        expected = putaway.suggested.name if putaway.suggested_id else _("a storage bin")
        return ScanRejected(message % {"expected": expected, **_said(putaway, scan)})

    if location is None:
        raise wrong(_("Scan a bin — expected %(expected)s (scanned %(code)s)"))
    if location.pk == putaway.source_id:
        raise wrong(_("That is where it comes from — expected %(expected)s (scanned %(code)s)"))
    if location.warehouse_id != putaway.warehouse_id:
        raise wrong(_("Bin of another warehouse — expected %(expected)s (scanned %(code)s)"))
    if location.kind != Location.Kind.STORAGE:
        raise wrong(_("Not a storage bin — expected %(expected)s (scanned %(code)s)"))
    if putaway.suggested_id is None:
        return _post(putaway, location, reason="", key=key, device=device)
    putaway.destination = location
    _save(putaway, "destination")
    return Outcome(putaway, _("%(bin)s is not the suggested bin — why?") % {"bin": location.name}, "warning")


@transaction.atomic
def give_reason(*, actor, warehouse, reason: str, key: str, device: str = "") -> Outcome:
    """The person says why they took it to another bin than the suggested one: that posts it."""
    putaway, replayed = _begin(actor=actor, warehouse=warehouse, key=key, raw=f"reason {reason}")
    if replayed:
        return replayed
    if putaway.step != "reason":
        raise ScanRejected(_("Scan the bin first"))
    if reason not in Putaway.Reason.values:
        raise ScanRejected(_("Choose a reason"))
    return _post(putaway, putaway.destination, reason=reason, key=key, device=device)


def _moves(putaway: Putaway, destination: Location, *, device: str) -> list[Move]:
    common = {
        "from_location": putaway.source,
        "to_location": destination,
        "actor_id": putaway.actor_id,
        "device": device[:64],
        "reference": putaway.document,
    }
    if putaway.package_id is None:
        return [Move(product=putaway.product, lot=putaway.lot, quantity=putaway.quantity, **common)]
    # A licence plate moves whole, still a plate: what is on it now, not what was on it at the scan.
    quants = Quant.objects.filter(location=putaway.source, package=putaway.package, quantity__gt=0).order_by(
        "product_id", "lot_id"
    )
    moves = [
        Move(
            product_id=q.product_id,
            lot_id=q.lot_id,
            package=putaway.package,
            to_package=putaway.package,
            quantity=q.quantity,
            **common,
        )
        for q in quants
    ]
    if not moves:
        raise ScanRejected(
            _("Licence plate %(plate)s is no longer at %(input)s — Cancel to start again")
            % {"plate": putaway.package.barcode, "input": putaway.source.name}
        )
    return moves


def _post(putaway: Putaway, destination: Location, *, reason: str, key: str, device: str) -> Outcome:
    moves = ledger.post(_moves(putaway, destination, device=device), key=scan_key(FLOW, key))
    outbox.enqueue(
        kind=Operation.Kind.INTERNAL,
        warehouse=putaway.warehouse,
        reference=f"FLOOR-PUTAWAY-{moves[0].pk}",
        payload={"lines": outbox.lines_of(moves)},
        document=putaway.document,
        actor=putaway.actor,
    )
    putaway.destination, putaway.reason, putaway.move_key = destination, reason, moves[0].key
    putaway.state = Putaway.State.DONE
    _save(putaway, "destination", "reason", "move_key", "state")
    message = _("Put away %(what)s in %(bin)s") % {"what": _what(putaway), "bin": destination.name}
    # The next putaway opens now, while this one's row lock keeps the person's other requests out:
    # opened by the next scan instead, it would need a savepoint in case a twin request won.
    following = Putaway(actor=putaway.actor, warehouse=putaway.warehouse)
    sql.insert(following)
    return Outcome(following, message, "document", done=putaway)


# --- Quantity, cancel, undo


@transaction.atomic
def set_quantity(*, actor, warehouse, quantity: Decimal, key: str) -> Outcome:
    """Put away less than all of it."""
    putaway, replayed = _begin(actor=actor, warehouse=warehouse, key=key, raw=f"qty {quantity}")
    if replayed:
        return replayed
    if putaway.product_id is None:
        raise ScanRejected(_("Scan the item first"))
    if putaway.package_id is not None:
        raise ScanRejected(_("A licence plate moves whole — scan the bin"))
    if quantity <= 0:
        raise ScanRejected(_("Quantity must be more than zero"))
    if putaway.product.tracking == Product.Tracking.SERIAL and quantity != 1:
        raise ScanRejected(_("One serial at a time — scan the bin"))
    quants = Quant.objects.filter(
        location_id=putaway.source_id, product_id=putaway.product_id, lot_id=putaway.lot_id, package=None
    )
    on_hand = sum(quants.values_list("quantity", flat=True), Decimal(0))
    if quantity > on_hand:
        raise ScanRejected(
            _("Only %(qty)s × %(sku)s at %(input)s")
            % {"qty": qty(on_hand), "sku": putaway.product.sku, "input": putaway.source.name}
        )
    putaway.quantity = quantity
    # Less may fit where all of it did not: ask again.
    _suggest(putaway, volume=quantity * putaway.product.volume)
    _save(putaway, "quantity", *_SUGGESTION)
    return Outcome(putaway, _suggestion_said(putaway))


def _clear(putaway: Putaway) -> None:
    putaway.source, putaway.source_scanned = None, False
    putaway.product, putaway.lot, putaway.package = None, None, None
    putaway.quantity, putaway.items = Decimal(0), 0
    putaway.suggested, putaway.rule, putaway.destination, putaway.reason = None, "", None, ""


def cancel(*, putaway: Putaway) -> Outcome:
    if putaway.step == "start":
        return Outcome(putaway, _("Nothing to cancel"), "warning")
    _clear(putaway)
    _save(putaway, *_WORK, *_SUGGESTION, "reason")
    return Outcome(putaway, _("Cancelled — nothing was moved"), "warning")


@transaction.atomic
def undo(*, actor, warehouse, key: str, device: str = "") -> Outcome:
    putaway, replayed = _begin(actor=actor, warehouse=warehouse, key=key, raw="undo")
    if replayed:
        return replayed
    return _undo(putaway, actor=actor, device=device)


def _undo(putaway: Putaway, *, actor, device: str) -> Outcome:
    """Undo the last step: before posting, the step the screen is on; after, the last putaway, by
    reverse moves."""
    step = putaway.step
    if step == "reason":
        putaway.destination = None
        _save(putaway, "destination")
        return Outcome(putaway, _("Undone — scan the bin it goes to"), "warning")
    if step == "destination":
        source, scanned = putaway.source, putaway.source_scanned
        _clear(putaway)
        if scanned:
            putaway.source, putaway.source_scanned = source, True
        _save(putaway, *_WORK, *_SUGGESTION, "reason")
        return Outcome(putaway, _("Undone — scan an item"), "warning")
    if step == "item":
        _clear(putaway)
        _save(putaway, *_WORK, *_SUGGESTION, "reason")
        return Outcome(putaway, _("Undone — scan an item or licence plate at input"), "warning")
    done = last_done(actor=actor)
    if done is None:
        raise ScanRejected(_("Nothing to undo"))
    reverses = ledger.reverse(list(done.moves), actor_id=actor.pk, device=device)
    outbox.enqueue(
        kind=Operation.Kind.INTERNAL,
        warehouse=done.warehouse,
        reference=f"FLOOR-PUTAWAY-{reverses[0].pk}",
        payload={"lines": outbox.lines_of(reverses), "undo": True},
        document=done.document,
        actor=actor,
    )
    done.state = Putaway.State.UNDONE
    _save(done, "state")
    return Outcome(
        putaway,
        _("Undone: %(what)s back to %(input)s") % {"what": _what(done), "input": done.source.name},
        "warning",
    )


def undo_preview(*, actor, putaway: Putaway, done: Putaway | None = None) -> str:
    """What Undo would do, said before it does it; `done`, when the caller knows it, is the
    person's last finished putaway."""
    step = putaway.step
    if step == "reason":
        return _("Undo: choose another bin")
    if step == "destination":
        if putaway.package_id is not None:
            return _("Undo: drop licence plate %(plate)s") % {"plate": putaway.package.barcode}
        return _("Undo: drop %(sku)s") % {"sku": putaway.product.sku}
    if step == "item":
        return _("Undo: choose another input")
    if done is None:
        done = last_done(actor=actor)
    if done is None:
        return ""
    return _("Undo: move %(what)s back to %(input)s") % {"what": _what(done), "input": done.source.name}
