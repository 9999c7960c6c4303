"""Receiving at the dock: open a receipt, scan items in (lot and expiry may come on a second
label; a lot once given is kept for the item's next units), scan where they go (the input area or
a pallet's licence plate), close.

Scans are tallied on the receipt's lines under a row lock, so receivers working one receipt
together never overshoot it; the stock moves (vendor → where it was put) and the one receipt
operation for Odoo are posted when the receipt is closed.
"""

import re
from collections import defaultdict
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import biip
from biip.gs1_messages import GS1Message
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from floor import events
from floor import sql as shared_sql
from floor.accounts import approval
from floor.errors import ScanRejected
from floor.ledger import services as ledger
from floor.ledger.models import Move, Quant
from floor.odoo import outbox
from floor.odoo.models import Operation
from floor.receiving import sql
from floor.receiving.models import Receipt, ReceiptLine, ReceiptScan, Receiving
from floor.scanning.parser import Command, Kind, Scan, readable
from floor.scanning.replay import first_time
from floor.scanning.selectors import scanned_name
from floor.warehouse.models import Location, Lot, Package, Product
from floor.warehouse.quantities import plain, qty
from floor.warehouse.services import location_of_kind, virtual_location

Waiting = Receiving.Waiting
OPEN_STATES = (Receipt.State.OPEN, Receipt.State.RECEIVING)
# Where goods may be received into: the dock and the input area.
RECEIVING_KINDS = (Location.Kind.INPUT, Location.Kind.DOCK)
DAMAGE_REASONS = {
    "crushed": _("Crushed or broken"),
    "wet": _("Wet or stained"),
    "opened": _("Opened or tampered"),
    "expired": _("Expired or short-dated"),
    "other": _("Other damage"),
}
MAX_PIN_TRIES = 3
# An expiry typed outside these is a slip of the finger (GS1 labels date within this century).
FIRST_EXPIRY, LAST_EXPIRY = date(2000, 1, 1), date(2099, 12, 31)


@dataclass
class Outcome:
    session: Receiving
    message: str = ""
    sound: str = "ok"  # ok | line | document | warning | supervisor
    line: ReceiptLine | None = None  # the line just touched: shown on top
    recorded: "ReceiptScan | None" = None  # the scan just recorded: what Undo would take back
    progress: dict | None = None  # the receipt's totals after this scan, when it counted them


# --- The person's place in the work


def session_for(*, actor, warehouse, lock: bool = False) -> Receiving:
    # With its receipt, destination and package; the item and line a scan waits with load only
    # when one does. Read on every request of the flow: hand-written SQL (see sql.py).
    session = sql.session(actor.pk, lock=lock)
    if session is None:
        Receiving.objects.bulk_create([Receiving(actor=actor, warehouse=warehouse)], ignore_conflicts=True)
        session = sql.session(actor.pk, lock=lock)
    if session.warehouse_id != warehouse.pk:  # moved to another warehouse: start afresh there
        session.warehouse, session.receipt, session.destination, session.package = warehouse, None, None, None
        session.forget_item()
        session.forget_kept_lot()
        session.save()
    return session


def open_receipts(warehouse, *, limit: int = 30):
    """Today's work: receipts still open, due today or earlier first."""
    today = timezone.localdate()
    return (
        Receipt.objects.filter(warehouse=warehouse, state__in=OPEN_STATES)
        .filter(Q(expected_date__lte=today) | Q(expected_date=None))
        .order_by("expected_date", "reference")[:limit]
    )


def progress(receipt: Receipt) -> dict:
    totals = receipt.lines.aggregate(expected=Sum("expected"), received=Sum("received"))
    return {"expected": totals["expected"] or Decimal(0), "received": totals["received"] or Decimal(0)}


def last_touched(session: Receiving) -> ReceiptLine | None:
    if session.receipt_id is None:
        return None
    scan = (
        ReceiptScan.objects.filter(receipt_id=session.receipt_id, actor_id=session.actor_id)
        .select_related("line__product", "line__lot")
        .order_by("-id")
        .first()
    )
    return scan.line if scan else None


def _lock_receipt(session: Receiving) -> Receipt:
    """The receipt, locked (the pull and a close lock it too, receipt first, then its lines)."""
    if session.receipt_id is not None and getattr(session, "locked_receipt_id", None) == session.receipt_id:
        receipt = session.receipt  # locked with the person's row, and read then, by session_for
    else:
        receipt = sql.lock_receipt(session.receipt_id)
    session.receipt = receipt  # read under the lock: what the screen shows after this scan
    if receipt.state not in OPEN_STATES:
        session.receipt = None
        session.forget_item()
        session.save()
        state = receipt.get_state_display().lower()
        raise ScanRejected(
            _("%(ref)s is %(state)s — scan another receipt") % {"ref": receipt.reference, "state": state}
        )
    return receipt


# --- Scans


@transaction.atomic
def handle_scan(*, actor, warehouse, scan: Scan, key: str, device: str = "") -> Outcome:
    session = session_for(actor=actor, warehouse=warehouse, lock=True)
    if not first_time(key=key, actor=actor, flow="receive", raw=scan.raw):
        return Outcome(session, _("Already counted — that scan was sent twice"), "warning")
    if scan.kind == Kind.COMMAND:
        return _command(session, scan, key=key, device=device)
    if scan.kind == Kind.DOCUMENT:
        return _open(session, scan)
    if session.receipt_id is None:
        raise ScanRejected(
            _("Scan a receipt first (scanned %(code)s)")
            % {"code": scanned_name(scan=scan, warehouse_id=session.warehouse_id)}
        )
    if session.closing:
        session.closing = False
        session.save(update_fields=["closing", "updated_at"])
    if session.waiting == Waiting.APPROVAL:
        return _approver(session, scan)
    if session.waiting in (Waiting.LOT, Waiting.SERIAL):
        return _second_label(session, scan, device=device)
    if session.waiting == Waiting.EXPIRY:
        return _expiry_label(session, scan, device=device)
    if _is_destination(scan):
        return _destination(session, scan, device=device)
    if scan.product_id is not None:
        if session.waiting == Waiting.WHERE:
            raise ScanRejected(
                _("Scan where %(sku)s goes first — the input area or a pallet (scanned %(code)s)")
                % {"sku": session.product.sku, "code": scanned_name(scan=scan, warehouse_id=session.warehouse_id)}
            )
        return _item(session, scan, device=device)
    if scan.kind == Kind.GS1 and scan.lot and not scan.serial and session.kept_product_id and not session.waiting:
        return _change_lot(session, scan, device=device)  # a lot label alone: the kept lot's item, another lot
    if scan.kind == Kind.GS1 and (scan.lot or scan.serial or scan.expiry):
        raise ScanRejected(_("Scan the item first, then its lot label"))
    raise ScanRejected(
        _("Scan an item of %(ref)s (scanned %(code)s)")
        % {"ref": session.receipt, "code": scanned_name(scan=scan, warehouse_id=session.warehouse_id)}
    )


def _command(session: Receiving, scan: Scan, *, key: str, device: str) -> Outcome:
    if scan.command == Command.UNDO:
        return _undo(session)
    if scan.command == Command.CANCEL:
        return _cancel(session)
    if scan.command == Command.SKIP and session.waiting == Waiting.EXPIRY:
        return _given_expiry(session, None, device=device)
    if scan.command == Command.DONE:
        if session.receipt_id is None:
            raise ScanRejected(_("Scan a receipt first"))
        if session.closing:
            return _close(session, device=device)
        session.closing = True
        session.save(update_fields=["closing", "updated_at"])
        return Outcome(session, _("Check the summary, then scan DONE again to close"), "warning")
    raise ScanRejected(_("%(command)s does nothing here") % {"command": scan.command})


def _open(session: Receiving, scan: Scan) -> Outcome:
    document = scan.document
    if document.model != "receipt":
        raise ScanRejected(_("%(ref)s is not a receipt") % {"ref": document.reference})
    receipt = Receipt.objects.filter(pk=document.id).first()
    if receipt is None or receipt.warehouse_id != session.warehouse_id:
        raise ScanRejected(_("%(ref)s is not a receipt of this warehouse") % {"ref": document.reference})
    if receipt.state not in OPEN_STATES:
        state = receipt.get_state_display().lower()
        raise ScanRejected(
            _("%(ref)s is %(state)s — scan another receipt") % {"ref": receipt.reference, "state": state}
        )
    return _start(session, receipt)


def _start(session: Receiving, receipt: Receipt) -> Outcome:
    if session.receipt_id != receipt.pk:
        session.receipt, session.package, session.next_quantity, session.damage = receipt, None, None, ""
        session.destination = location_of_kind(session.warehouse, Location.Kind.INPUT)
        session.forget_kept_lot()  # another receipt's goods come with lots of their own
    session.forget_item()
    session.closing = False
    session.save()
    return Outcome(session, _("Receiving %(ref)s") % {"ref": receipt.reference})


@transaction.atomic
def open_receipt(*, actor, warehouse, receipt_id: int) -> Outcome:
    """From the list on screen, rather than by its barcode."""
    session = session_for(actor=actor, warehouse=warehouse, lock=True)
    receipt = Receipt.objects.filter(pk=receipt_id, warehouse=warehouse, state__in=OPEN_STATES).first()
    if receipt is None:
        raise ScanRejected(_("That receipt is no longer open"))
    return _start(session, receipt)


@transaction.atomic
def leave(*, actor, warehouse) -> Outcome:
    """Back to the list; what was scanned stays on the receipt."""
    session = session_for(actor=actor, warehouse=warehouse, lock=True)
    session.receipt, session.package, session.next_quantity, session.damage, session.closing = (
        None,
        None,
        None,
        "",
        False,
    )
    session.forget_item()
    session.forget_kept_lot()
    session.save()
    return Outcome(session)


# --- Items


def _item(session: Receiving, scan: Scan, *, device: str) -> Outcome:
    receipt = _lock_receipt(session)
    quantity = session.next_quantity or scan.quantity
    if quantity <= 0:
        raise ScanRejected(_("Quantity must be more than zero"))
    # A label with no lot of the item whose lot is kept: the next unit of that lot.
    kept = scan.product_id == session.kept_product_id and not scan.lot and not scan.serial
    lot_name = scan.lot or (session.kept_lot if kept else None)
    expiry = scan.expiry or (session.kept_expiry if kept else None)
    return _take(
        session, receipt, scan.product_id, quantity, lot_name=lot_name, serial=scan.serial, expiry=expiry, device=device
    )


def _take(
    session: Receiving, receipt: Receipt, product_id: int, quantity: Decimal, *, lot_name, serial, expiry, device: str
) -> Outcome:
    """Units of an item on their way in (scanned, or typed for the kept lot): what they still
    lack is asked for, else they are counted."""
    line = _line_for(receipt, product_id, lot_name)
    product = line.product if line is not None else Product.objects.get(pk=product_id)
    if product.pk == session.kept_product_id:
        session.kept_product = product  # the screen names it: not read again
    session.forget_item()
    session.product, session.line, session.quantity, session.expiry = product, line, quantity, expiry
    session.lot_name = (serial if product.tracking == Product.Tracking.SERIAL else lot_name) or ""
    if line is None:
        if not settings.RECEIVING_ALLOW_UNEXPECTED:
            raise ScanRejected(
                _("%(sku)s is not on %(ref)s — set it aside") % {"sku": product.sku, "ref": receipt.reference}
            )
        session.approval = _("%(sku)s is not on %(ref)s") % {"sku": product.sku, "ref": receipt.reference}
    elif product.tracking == Product.Tracking.SERIAL and quantity != 1:
        raise ScanRejected(_("One scan per serial-numbered unit — scan each unit's serial"))
    return _next_step(session, receipt, device=device, line_fresh=True)


def _line_for(receipt: Receipt, product_id: int, lot_name: str | None) -> ReceiptLine | None:
    """The line the item counts against: the one expecting its lot, else one with no lot set,
    else any line of that item. Locked: two receivers tally one line in turn."""
    # With the product's lot of that name and the receipt's totals, read under the receipt's
    # lock, for _record: one statement where three were.
    lines, receipt.lot_named, receipt.totals = sql.lines(receipt.pk, product_id, lot_name or None)
    if not lines:
        return None
    if lot_name:
        for line in lines:
            if line.lot_id and line.lot.name == lot_name:
                return line
    return next((line for line in lines if line.lot_id is None), lines[0])


def _next_step(session: Receiving, receipt: Receipt, *, device: str, line_fresh: bool = False) -> Outcome:
    """Ask for what the waiting scan still lacks, in order; record it when nothing is missing.
    Runs under the receipt's lock, with the line read afresh: another receiver may have
    tallied it while this scan waited for its lot, its place or a supervisor."""
    product = session.product
    if session.line_id is not None and not line_fresh:
        session.line = ReceiptLine.objects.select_for_update().get(pk=session.line_id)
    if product.tracking != Product.Tracking.NONE and not session.lot_name:
        serial = product.tracking == Product.Tracking.SERIAL
        session.waiting = Waiting.SERIAL if serial else Waiting.LOT
        session.save()
        what = _("serial number") if serial else _("lot")
        return Outcome(session, _("Scan the %(what)s label of %(sku)s") % {"what": what, "sku": product.sku}, "warning")
    if session.quantity == 0:  # a lot given with no unit (Change lot): nothing to count
        return _keep_lot(session)
    if product.tracking == Product.Tracking.SERIAL:
        _check_serial(receipt, product, session.lot_name)
    if session.approver_id is None:
        needs = session.approval or _over_tolerance(session.line, session.quantity, product)
        if needs:
            session.waiting, session.approval = Waiting.APPROVAL, needs
            session.save()
            return Outcome(session, _("%(why)s — a supervisor must approve") % {"why": needs}, "supervisor")
    if session.destination_id is None and session.package_id is None and not session.damage:
        session.waiting = Waiting.WHERE
        session.save()
        return Outcome(session, _("Scan where it goes — the input area or a pallet"), "warning")
    return _record(session, receipt, device=device)


def _over_tolerance(line: ReceiptLine | None, quantity: Decimal, product: Product) -> str:
    if line is None:
        return ""
    allowed = line.expected * (1 + Decimal(str(settings.RECEIVING_OVER_TOLERANCE)))
    after = line.received + quantity
    if after <= allowed:
        return ""
    return _("%(after)s of %(expected)s %(sku)s is over the limit") % {
        "after": qty(after),
        "expected": qty(line.expected),
        "sku": product.sku,
    }


def _check_serial(receipt: Receipt, product: Product, serial: str) -> None:
    in_receipt = (
        ReceiptScan.objects.filter(receipt=receipt, product=product, lot__name=serial, reverses=None)
        .exclude(reversal__isnull=False)
        .exists()
    )
    in_stock = Quant.objects.filter(product=product, lot__name=serial, quantity__gt=0).exclude(
        location__kind__in=Location.VIRTUAL_KINDS
    )
    if in_receipt or in_stock.exists():
        raise ScanRejected(
            _("Serial %(serial)s of %(sku)s is already received") % {"serial": serial, "sku": product.sku}
        )


def as_label(*, actor, raw: str) -> Scan | None:
    """A code Floor does not know, read as the lot or serial the person's scan waits for: vendors
    print them as plain barcodes too. None when nothing waits for one."""
    code = raw.strip()
    waiting = Receiving.objects.filter(actor=actor).values_list("waiting", flat=True).first()
    if waiting not in (Waiting.LOT, Waiting.SERIAL, Waiting.EXPIRY) or not code or len(code) > 64:
        return None
    if not code.isprintable():
        return None
    if waiting == Waiting.EXPIRY:  # read by _expiry_label, which says what it wanted if it is none
        return Scan(raw=raw, code=code, kind=Kind.GS1, expiry=_expiry_in(code))
    label = {"serial": code} if waiting == Waiting.SERIAL else {"lot": code}
    return Scan(raw=raw, code=code, kind=Kind.GS1, **label)


def _second_label(session: Receiving, scan: Scan, *, device: str) -> Outcome:
    """The lot (and expiry) or the serial of the item waiting, from a label of its own, or from
    the item's full GS1 label scanned again."""
    product = session.product
    same_item = scan.product_id in (None, product.pk)
    name = scan.serial if session.waiting == Waiting.SERIAL else scan.lot
    if scan.kind != Kind.GS1 or not same_item or not name:
        what = _("serial number") if session.waiting == Waiting.SERIAL else _("lot")
        raise ScanRejected(
            _("Scan the %(what)s label of %(sku)s (scanned %(code)s)")
            % {"what": what, "sku": product.sku, "code": scanned_name(scan=scan, warehouse_id=session.warehouse_id)}
        )
    receipt = _lock_receipt(session)
    asked_lot = session.waiting == Waiting.LOT
    session.lot_name, session.waiting = name, ""
    session.expiry = scan.expiry or session.expiry
    if session.line_id is not None:  # the lot may point at another line of the item
        session.line = _line_for(receipt, product.pk, name)
    if asked_lot and session.expiry is None and not _has_expiry(receipt, product, name):
        # A lot label with no date (a plain barcode, most often): its expiry is asked for once, so
        # that first-expiry-first-out has one to go by; the next units of the lot keep it.
        session.waiting = Waiting.EXPIRY
        session.save()
        return Outcome(session, _("Expiry of lot %(lot)s? Type it or scan its label") % {"lot": name}, "warning")
    return _next_step(session, receipt, device=device)


def _has_expiry(receipt: Receipt, product: Product, name: str) -> bool:
    lot = getattr(receipt, "lot_named", None)  # read with the line, when it was
    if lot is not None and lot.product_id == product.pk and lot.name == name:
        return lot.expiry_date is not None
    return Lot.objects.filter(product=product, name=name, expiry_date__isnull=False).exists()


# --- The kept lot and its expiry


_EXPIRY_LABEL = re.compile(r"(?:\(17\)|17)([0-9]{6})", re.ASCII)
_TYPED_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


def _expiry_in(code: str) -> date | None:
    """The date of an expiry label that came as plain text, (17)YYMMDD or 17YYMMDD: without a
    GS1 symbology identifier, the scanner's text is read as a code of another kind."""
    found = _EXPIRY_LABEL.fullmatch(code)
    if found is None:
        return None
    try:
        return GS1Message.parse("17" + found.group(1)).element_strings[0].date
    except biip.ParseError:
        return None


def read_expiry(typed: str) -> date:
    """An expiry date typed in the screen's date field (which sends YYYY-MM-DD in any language)."""
    text = typed.strip()
    if not text:
        raise ScanRejected(_("Type the date on the label"))
    if _TYPED_DATE.fullmatch(text):
        with suppress(ValueError):
            value = date.fromisoformat(text)
            if FIRST_EXPIRY <= value <= LAST_EXPIRY:
                return value
    raise ScanRejected(_("Type the date on the label (typed %(typed)s)") % {"typed": readable(text, 12)})


def _expiry_label(session: Receiving, scan: Scan, *, device: str) -> Outcome:
    """The expiry asked for, from a GS1 label of the item or lot waiting (or its (17) alone)."""
    expiry = None
    if scan.kind == Kind.GS1 and scan.product_id in (None, session.product_id) and scan.lot in (None, session.lot_name):
        expiry = scan.expiry
    expiry = expiry or _expiry_in(scan.code)
    if expiry is None:
        raise ScanRejected(
            _("Type the expiry of lot %(lot)s, or scan its label (scanned %(code)s)")
            % {"lot": session.lot_name, "code": scanned_name(scan=scan, warehouse_id=session.warehouse_id)}
        )
    return _given_expiry(session, expiry, device=device)


def _given_expiry(session: Receiving, expiry: date | None, *, device: str) -> Outcome:
    """The expiry of the lot waiting, or None: the label has none (SKIP, or "No expiry date")."""
    receipt = _lock_receipt(session)
    session.expiry, session.waiting = expiry, ""
    return _next_step(session, receipt, device=device)


@transaction.atomic
def set_expiry(*, actor, warehouse, expiry: date | None, key: str, device: str = "") -> Outcome:
    session = session_for(actor=actor, warehouse=warehouse, lock=True)
    if not first_time(key=key, actor=actor, flow="receive", raw=f"expiry {expiry or '-'}"):
        return Outcome(session, _("Already counted — that scan was sent twice"), "warning")
    if session.receipt_id is None:
        raise ScanRejected(_("Scan a receipt first"))
    if session.waiting != Waiting.EXPIRY:
        raise ScanRejected(_("No lot waits for an expiry date"))
    return _given_expiry(session, expiry, device=device)


def _keep_lot(session: Receiving) -> Outcome:
    """The lot given after Change lot (or on a lot label alone): kept for the item's next units."""
    product, name = session.product, session.lot_name
    expiry = session.expiry
    if expiry is None:
        expiry = Lot.objects.filter(product=product, name=name).values_list("expiry_date", flat=True).first()
    session.kept_product, session.kept_lot, session.kept_expiry = product, name, expiry
    session.forget_item()
    session.save()
    return Outcome(session, _("Next %(sku)s get lot %(lot)s") % {"sku": product.sku, "lot": name})


def _change_lot(session: Receiving, scan: Scan, *, device: str) -> Outcome:
    """A lot label alone, while a lot is kept: another lot for the kept item, nothing counted."""
    product = session.kept_product
    session.forget_item()
    session.product, session.waiting = product, Waiting.LOT  # quantity 0: a lot, not a unit
    return _second_label(session, scan, device=device)


@transaction.atomic
def change_lot(*, actor, warehouse, key: str) -> Outcome:
    """The receiver has boxes of another lot in hand: the next label scanned is the kept item's lot."""
    session = session_for(actor=actor, warehouse=warehouse, lock=True)
    if not first_time(key=key, actor=actor, flow="receive", raw="change lot"):
        return Outcome(session, _("Already counted — that scan was sent twice"), "warning")
    if session.receipt_id is None:
        raise ScanRejected(_("Scan a receipt first"))
    if session.waiting:
        raise ScanRejected(_("Finish the scan under way first — or scan CANCEL"))
    if session.kept_product_id is None:
        raise ScanRejected(_("No lot is kept — scan an item and its lot"))
    product = session.kept_product
    session.forget_item()
    session.product, session.waiting = product, Waiting.LOT
    session.save()
    return Outcome(session, _("Scan the new lot label of %(sku)s") % {"sku": product.sku}, "warning")


@transaction.atomic
def receive_units(*, actor, warehouse, quantity: Decimal, key: str, device: str = "") -> Outcome:
    """So many more units of the kept lot's item, typed: one action, not a scan each."""
    session = session_for(actor=actor, warehouse=warehouse, lock=True)
    if not first_time(key=key, actor=actor, flow="receive", raw=f"units {quantity}"):
        return Outcome(session, _("Already counted — that scan was sent twice"), "warning")
    if session.receipt_id is None:
        raise ScanRejected(_("Scan a receipt first"))
    if session.waiting:
        raise ScanRejected(_("Finish the scan under way first — or scan CANCEL"))
    if session.kept_product_id is None:
        raise ScanRejected(_("No lot is kept — scan an item and its lot"))
    if quantity <= 0:
        raise ScanRejected(_("Quantity must be more than zero"))
    session.closing = False  # as a scan does: counting goes on
    receipt = _lock_receipt(session)
    lot_name, expiry = session.kept_lot, session.kept_expiry
    product_id = session.kept_product_id
    return _take(session, receipt, product_id, quantity, lot_name=lot_name, serial=None, expiry=expiry, device=device)


# --- Where it goes


def _is_destination(scan: Scan) -> bool:
    return scan.kind in (Kind.LOCATION, Kind.PACKAGE) or (scan.kind == Kind.GS1 and scan.sscc and not scan.gtin)


def _destination(session: Receiving, scan: Scan, *, device: str) -> Outcome:
    if scan.kind == Kind.LOCATION:
        location = Location.objects.filter(pk=scan.location_id).first()
        if location is None or location.warehouse_id != session.warehouse_id or location.kind not in RECEIVING_KINDS:
            raise ScanRejected(_("Receive into the input area or a pallet — not %(code)s") % {"code": scan.code})
        session.destination, session.package = location, None
        message = _("Into %(where)s") % {"where": location.name}
    else:
        package = _package(scan)
        elsewhere = Quant.objects.filter(package=package, quantity__gt=0).exclude(
            location__kind__in=RECEIVING_KINDS, location__warehouse=session.warehouse
        )
        if elsewhere.exists():
            raise ScanRejected(_("Pallet %(lp)s is already in stock — use a new licence plate") % {"lp": package})
        session.package = package
        if session.destination_id is None:
            session.destination = location_of_kind(session.warehouse, Location.Kind.INPUT)
        message = _("Onto pallet %(lp)s") % {"lp": package.barcode}
    if session.waiting == Waiting.WHERE:
        session.waiting = ""
        return _next_step(session, _lock_receipt(session), device=device)
    session.save()
    return Outcome(session, message)


def _package(scan: Scan) -> Package:
    if scan.package_id is not None:
        return Package.objects.get(pk=scan.package_id)
    package, _created = Package.objects.get_or_create(barcode=scan.sscc)
    return package


# --- Recording


def _record(session: Receiving, receipt: Receipt, *, device: str) -> Outcome:
    product, quantity = session.product, session.quantity
    line = session.line
    if line is None:  # not on the receipt, and a supervisor let it in
        line = ReceiptLine.objects.create(receipt=receipt, product=product, expected=Decimal(0))
    lot = None
    if product.tracking != Product.Tracking.NONE:
        lot, created = getattr(receipt, "lot_named", None), False
        if lot is None or lot.product_id != product.pk or lot.name != session.lot_name:
            lot, created = Lot.objects.get_or_create(
                product=product, name=session.lot_name, defaults={"expiry_date": session.expiry}
            )
        if not created and session.expiry and lot.expiry_date is None:
            lot.expiry_date = session.expiry
            lot.save(update_fields=["expiry_date"])
    destination, package = session.destination, session.package
    if session.damage:
        destination, package = _quarantine(session), None
    recorded = ReceiptScan(
        receipt=receipt,
        line=line,
        product=product,
        lot=lot,
        quantity=quantity,
        destination=destination,
        package=package,
        damage=session.damage,
        actor_id=session.actor_id,
        device=device[:64],
        approved_by=session.approver,
        approval=session.approval if session.approver_id else "",
    )
    # The two writes of every counted scan, the record and the line's tally, as one prepared
    # statement (see sql.py).
    shared_sql.insert(recorded, along=sql.tally(line.pk, quantity))
    line.received += quantity
    if receipt.state == Receipt.State.OPEN:
        receipt.state = Receipt.State.RECEIVING
        receipt.save(update_fields=["state"])
    damaged = session.damage
    if product.tracking == Product.Tracking.LOT:  # its next units get this lot, until another is given
        session.kept_product, session.kept_lot, session.kept_expiry = product, lot.name, lot.expiry_date
    session.forget_item()
    session.next_quantity, session.damage = None, ""
    _save(session)
    events.changed("receipt", receipt.pk, by=session.actor_id)
    # The totals read with the line, under the receipt's lock, plus this scan: no sum asked again.
    totals = getattr(receipt, "totals", None)
    if totals is not None:
        totals = {"expected": totals["expected"], "received": totals["received"] + quantity}
    where = destination.name if package is None else package.barcode
    counted = {"qty": qty(quantity), "sku": product.sku, "got": qty(line.received), "of": qty(line.expected)}
    if damaged:
        return Outcome(
            session,
            _("Damaged: %(qty)s × %(sku)s to quarantine") % {"qty": qty(quantity), "sku": product.sku},
            "warning",
            line,
            recorded,
            totals,
        )
    sound = "line" if line.received == line.expected else "ok"
    message = _("%(qty)s × %(sku)s — %(got)s of %(of)s") % counted
    return Outcome(session, f"{message} · {where}", sound, line, recorded, totals)


def _save(session: Receiving) -> None:
    """Write what this scan changed of the person's place, or nothing when it changed nothing
    (a run of plain item scans leaves it as it was)."""
    changed = sql.changed_fields(session)
    if changed is None:
        session.save()
    elif changed:
        session.save(update_fields=[*changed, "updated_at"])


def _quarantine(session: Receiving) -> Location:
    location = location_of_kind(session.warehouse, Location.Kind.QUARANTINE)
    if location is None:
        raise ScanRejected(_("This warehouse has no quarantine area — ask a supervisor"))
    return location


# --- Supervisor approval: their badge scanned on this device, then their PIN


def _approver(session: Receiving, scan: Scan) -> Outcome:
    session.approver = approval.supervisor_from_badge(scan, warehouse_id=session.warehouse_id, why=session.approval)
    session.save()
    return Outcome(session, approval.ask_pin(session.approver), "supervisor")


@transaction.atomic
def approve(*, actor, warehouse, pin: str, key: str, device: str = "") -> Outcome:
    session = session_for(actor=actor, warehouse=warehouse, lock=True)
    if not first_time(key=key, actor=actor, flow="receive", raw="approve"):
        return Outcome(session, _("Already counted — that scan was sent twice"), "warning")
    if session.waiting != Waiting.APPROVAL or session.approver_id is None:
        raise ScanRejected(_("Nothing waits for a supervisor"))
    if approval.pin_approves(session.approver_id, pin) is None:
        session.approver = None
        session.save()  # kept (an outcome, not a rejection): the badge must be scanned again
        return Outcome(session, approval.wrong_pin(), "supervisor")
    session.waiting = ""
    receipt = _lock_receipt(session)
    outcome = _next_step(session, receipt, device=device)
    return outcome


# --- Quantity for a case, damage


@transaction.atomic
def set_next_quantity(*, actor, warehouse, quantity: Decimal, key: str) -> Outcome:
    session = session_for(actor=actor, warehouse=warehouse, lock=True)
    if not first_time(key=key, actor=actor, flow="receive", raw=f"qty {quantity}"):
        return Outcome(session, _("Already counted — that scan was sent twice"), "warning")
    if session.receipt_id is None:
        raise ScanRejected(_("Scan a receipt first"))
    if quantity <= 0:
        raise ScanRejected(_("Quantity must be more than zero"))
    session.next_quantity = quantity
    session.save(update_fields=["next_quantity", "updated_at"])
    return Outcome(session, _("Next scan counts %(qty)s") % {"qty": qty(quantity)})


@transaction.atomic
def mark_damaged(*, actor, warehouse, reason: str, key: str) -> Outcome:
    session = session_for(actor=actor, warehouse=warehouse, lock=True)
    if not first_time(key=key, actor=actor, flow="receive", raw=f"damaged {reason}"):
        return Outcome(session, _("Already counted — that scan was sent twice"), "warning")
    if session.receipt_id is None:
        raise ScanRejected(_("Scan a receipt first"))
    if reason not in DAMAGE_REASONS:
        raise ScanRejected(_("Choose why it is damaged"))
    _quarantine(session)
    session.damage = str(DAMAGE_REASONS[reason])
    session.save(update_fields=["damage", "updated_at"])
    return Outcome(
        session, _("Damaged (%(why)s): scan the item — it goes to quarantine") % {"why": session.damage}, "warning"
    )


# --- Undo and cancel


def _cancel(session: Receiving) -> Outcome:
    if session.waiting or session.damage or session.next_quantity or session.closing:
        session.forget_item()
        session.damage, session.next_quantity, session.closing = "", None, False
        session.save()
        return Outcome(session, _("Cancelled — nothing was recorded"), "warning")
    return Outcome(session, _("Nothing to cancel"), "warning")


def undoable(session: Receiving) -> ReceiptScan | None:
    """The person's last scan on this receipt that still counts."""
    if session.receipt_id is None:
        return None
    return (
        ReceiptScan.objects.filter(receipt_id=session.receipt_id, actor_id=session.actor_id, reverses=None)
        .filter(reversal__isnull=True)
        .select_related("product", "line")
        .order_by("-id")
        .first()
    )


def undo_preview(session: Receiving, last: ReceiptScan | None = None) -> str:
    """What Undo would do, said before it does it. `last`: the scan just recorded, when known."""
    if session.waiting or session.damage or session.next_quantity:
        return _("Undo: drop the scan under way")
    last = last or undoable(session)
    if last is None:
        return ""
    return _("Undo: take back %(qty)s × %(sku)s") % {"qty": qty(last.quantity), "sku": last.product.sku}


@transaction.atomic
def undo(*, actor, warehouse, key: str) -> Outcome:
    session = session_for(actor=actor, warehouse=warehouse, lock=True)
    if not first_time(key=key, actor=actor, flow="receive", raw="undo"):
        return Outcome(session, _("Already counted — that scan was sent twice"), "warning")
    return _undo(session)


def _undo(session: Receiving) -> Outcome:
    if session.waiting or session.damage or session.next_quantity:
        session.forget_item()
        session.damage, session.next_quantity = "", None
        session.save()
        return Outcome(session, _("Undone — scan an item"), "warning")
    if session.receipt_id is None:
        raise ScanRejected(_("Nothing to undo"))
    receipt = _lock_receipt(session)
    last = undoable(session)
    if last is None:
        raise ScanRejected(_("Nothing to undo"))
    line = ReceiptLine.objects.select_for_update().get(pk=last.line_id)
    ReceiptScan.objects.create(
        receipt=receipt,
        line=line,
        product=last.product,
        lot=last.lot,
        quantity=last.quantity,
        destination=last.destination,
        package=last.package,
        damage=last.damage,
        actor_id=session.actor_id,
        reverses=last,
    )
    ReceiptLine.objects.filter(pk=line.pk).update(received=F("received") - last.quantity)
    line.received -= last.quantity
    events.changed("receipt", receipt.pk, by=session.actor_id)
    return Outcome(
        session,
        _("Undone: %(qty)s × %(sku)s taken back") % {"qty": qty(last.quantity), "sku": last.product.sku},
        "warning",
        line,
    )


# --- Close


def summary(receipt: Receipt) -> dict:
    lines = list(receipt.lines.select_related("product", "lot").order_by("pk"))
    damaged = (
        ReceiptScan.objects.filter(receipt=receipt, reverses=None, reversal__isnull=True)
        .exclude(damage="")
        .aggregate(total=Sum("quantity"))["total"]
    )
    return {
        "lines": lines,
        "short": [line for line in lines if line.received < line.expected],
        "over": [line for line in lines if line.received > line.expected],
        "damaged": damaged or Decimal(0),
        "backorder": settings.ODOO_RECEIPT_BACKORDER,
        **progress(receipt),
    }


@transaction.atomic
def close(*, actor, warehouse, key: str, device: str = "") -> Outcome:
    session = session_for(actor=actor, warehouse=warehouse, lock=True)
    if not first_time(key=key, actor=actor, flow="receive", raw="close"):
        return Outcome(session, _("Already counted — that scan was sent twice"), "warning")
    if session.receipt_id is None:
        raise ScanRejected(_("Scan a receipt first"))
    return _close(session, device=device)


def _close(session: Receiving, *, device: str) -> Outcome:
    """Post what was received (vendor → where it was put) and tell Odoo, once."""
    receipt = _lock_receipt(session)
    lines = {line.pk: line for line in ReceiptLine.objects.select_for_update().filter(receipt=receipt).order_by("pk")}
    counted = ReceiptScan.objects.filter(receipt=receipt, reverses=None, reversal__isnull=True)
    grouped: dict[tuple, Decimal] = defaultdict(Decimal)
    for scan in counted.values("line", "product", "lot", "destination", "package", "quantity"):
        grouped[(scan["line"], scan["product"], scan["lot"], scan["destination"], scan["package"])] += scan["quantity"]
    if not grouped:
        session.closing = False
        session.save(update_fields=["closing", "updated_at"])
        raise ScanRejected(_("Nothing received yet — scan items, or leave the receipt"))
    vendor = virtual_location(Location.Kind.VENDOR)
    moves = [
        Move(
            product_id=product,
            lot_id=lot,
            to_package_id=package,
            quantity=quantity,
            from_location=vendor,
            to_location_id=destination,
            actor_id=session.actor_id,
            device=device[:64],
            reference=receipt.reference,
        )
        for (_line, product, lot, destination, package), quantity in grouped.items()
    ]
    moves = ledger.post(moves, key=f"receipt:{receipt.pk}")
    payload = {
        "picking": receipt.odoo_id,
        "lines": [
            {
                "move": lines[line_id].odoo_move_id,
                "product": product,
                "lot": lot,
                "package": package,
                "quantity": plain(quantity),
                "to": destination,
            }
            for (line_id, product, lot, destination, package), quantity in grouped.items()
        ],
    }
    if not receipt.odoo_id:  # Odoo never had it (the demo's, goods that came without one): the push makes it
        payload["partner"] = receipt.vendor
    outbox.enqueue(
        kind=Operation.Kind.RECEIPT,
        warehouse=receipt.warehouse,
        reference=f"FLOOR-RCPT-{receipt.pk}",
        payload=payload,
        document=receipt.reference,
        actor=session.actor,
    )
    receipt.state, receipt.closed_by_id, receipt.closed_at = Receipt.State.DONE, session.actor_id, timezone.now()
    receipt.save(update_fields=["state", "closed_by", "closed_at"])
    Receiving.objects.filter(receipt=receipt).update(receipt=None, closing=False, waiting="", product=None, line=None)
    session.refresh_from_db()
    events.changed("receipt", receipt.pk, by=session.actor_id)
    short = sum((line.expected - line.received for line in lines.values() if line.received < line.expected), Decimal(0))
    message = _("%(ref)s closed: %(n)s received") % {"ref": receipt.reference, "n": qty(sum(m.quantity for m in moves))}
    if short:
        message += " · " + _("%(n)s short") % {"n": qty(short)}
    return Outcome(session, message, "document")
