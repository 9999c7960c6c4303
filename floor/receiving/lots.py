"""Lots at the dock: the lot or serial (and the expiry) an item waits for, from a label of its own;
the lot kept for the item's next units, changed on a lot label alone or by Change lot, and units of
it typed rather than scanned."""

import re
from contextlib import suppress
from datetime import date
from decimal import Decimal

import biip
from biip.gs1_messages import GS1Message
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from floor.errors import ScanRejected
from floor.receiving import place
from floor.receiving.counting import LineRead, line_for, next_step, take
from floor.receiving.models import Receiving
from floor.receiving.place import Outcome, Waiting
from floor.scanning.parser import Kind, Scan, readable
from floor.scanning.selectors import scanned_name
from floor.warehouse.models import Lot, Product

# An expiry typed outside these is a slip of the finger (GS1 labels date within this century).
FIRST_EXPIRY, LAST_EXPIRY = date(2000, 1, 1), date(2099, 12, 31)
_EXPIRY_LABEL = re.compile(r"(?:\(17\)|17)([0-9]{6})", re.ASCII)
_TYPED_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


def as_label(*, actor, raw: str) -> Scan | None:
    """A code Floor does not know, read as the lot or serial the person's scan waits for: vendors
    print them as plain barcodes too. None when nothing waits for one."""
    code = raw.strip()
    waiting = Receiving.objects.filter(actor=actor).values_list("waiting", flat=True).first()
    if waiting not in (Waiting.LOT, Waiting.SERIAL, Waiting.EXPIRY) or not code or len(code) > 64:
        return None
    if not code.isprintable():
        return None
    if waiting == Waiting.EXPIRY:  # read by expiry_label, which says what it wanted if it is none
        return Scan(raw=raw, code=code, kind=Kind.GS1, expiry=_expiry_in(code))
    label = {"serial": code} if waiting == Waiting.SERIAL else {"lot": code}
    return Scan(raw=raw, code=code, kind=Kind.GS1, **label)


def second_label(session: Receiving, scan: Scan, *, device: str) -> Outcome:
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
    receipt = place.lock_receipt(session)
    asked_lot = session.waiting == Waiting.LOT
    session.lot_name, session.waiting = name, ""
    session.expiry = scan.expiry or session.expiry
    session.best_before = scan.best_before or session.best_before
    session.produced = scan.produced or session.produced
    read = LineRead()
    if session.line_id is not None:  # the lot may point at another line of the item
        session.line, read = line_for(receipt, product.pk, name)
    dated = session.expiry is not None or session.best_before is not None
    if asked_lot and not dated and not _has_date(read, product, name):
        # A lot label with no date (a plain barcode, most often): its expiry is asked for once, so
        # that first-expiry-first-out has one to go by (a best-before date will do: FEFO falls
        # back to it); the next units of the lot keep it.
        session.waiting = Waiting.EXPIRY
        session.save()
        return Outcome(session, _("Expiry of lot %(lot)s? Type it or scan its label") % {"lot": name}, "warning")
    return next_step(session, receipt, device=device, read=read)


def _has_date(read: LineRead, product: Product, name: str) -> bool:
    """Floor knows the lot's expiry, or its best-before date."""
    lot = read.lot  # read with the line, when it was
    if lot is not None and lot.product_id == product.pk and lot.name == name:
        return lot.expiry_date is not None or lot.best_before is not None
    dated = Q(expiry_date__isnull=False) | Q(best_before__isnull=False)
    return Lot.objects.filter(dated, product=product, name=name).exists()


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


def expiry_label(session: Receiving, scan: Scan, *, device: str) -> Outcome:
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
    return given_expiry(session, expiry, device=device)


def given_expiry(session: Receiving, expiry: date | None, *, device: str) -> Outcome:
    """The expiry of the lot waiting, or None: the label has none (SKIP, or "No expiry date")."""
    receipt = place.lock_receipt(session)
    session.expiry, session.waiting = expiry, ""
    return next_step(session, receipt, device=device)


@transaction.atomic
def set_expiry(*, actor, warehouse, expiry: date | None, key: str, device: str = "") -> Outcome:
    session, replayed = place.begin(actor=actor, warehouse=warehouse, key=key, raw=f"expiry {expiry or '-'}")
    if replayed:
        return replayed
    if session.receipt_id is None:
        raise ScanRejected(_("Scan a receipt first"))
    if session.waiting != Waiting.EXPIRY:
        raise ScanRejected(_("No lot waits for an expiry date"))
    return given_expiry(session, expiry, device=device)


def lot_label_alone(session: Receiving, scan: Scan, *, device: str) -> Outcome:
    """A lot label alone, while a lot is kept: another lot for the kept item, nothing counted."""
    product = session.kept_product
    session.forget_item()
    session.product, session.waiting = product, Waiting.LOT  # quantity 0: a lot, not a unit
    return second_label(session, scan, device=device)


@transaction.atomic
def change_lot(*, actor, warehouse, key: str) -> Outcome:
    """The receiver has boxes of another lot in hand: the next label scanned is the kept item's lot."""
    session, replayed = place.begin(actor=actor, warehouse=warehouse, key=key, raw="change lot")
    if replayed:
        return replayed
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
    session, replayed = place.begin(actor=actor, warehouse=warehouse, key=key, raw=f"units {quantity}")
    if replayed:
        return replayed
    if session.receipt_id is None:
        raise ScanRejected(_("Scan a receipt first"))
    if session.waiting:
        raise ScanRejected(_("Finish the scan under way first — or scan CANCEL"))
    if session.kept_product_id is None:
        raise ScanRejected(_("No lot is kept — scan an item and its lot"))
    if quantity <= 0:
        raise ScanRejected(_("Quantity must be more than zero"))
    session.closing = False  # as a scan does: counting goes on
    receipt = place.lock_receipt(session)
    return take(
        session,
        receipt,
        session.kept_product_id,
        quantity,
        lot_name=session.kept_lot,
        serial=None,
        expiry=session.kept_expiry,
        best_before=session.kept_best_before,
        produced=session.kept_produced,
        device=device,
    )
