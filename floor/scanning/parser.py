"""What a scan is: `parse(raw, warehouse=…) -> Scan`, called by every flow on every scan.

The order: clean (the scanner's framing, its suffix, the AIM symbology identifier) → command →
Floor's own codes → EAN/UPC (with an add-on) → GS1 element string / Digital Link (compressed too).
What is not a trade item — a coupon, a refund receipt, a payment slip, a store's price or weight
label without the warehouse's region rule — is refused in words, never read as a GTIN.
Floor's own codes win over any GS1 reading, so a tote coded `10D9T` is that tote and never
lot "D9T". The database is asked one question per scan: a UNION ALL of indexed equality
lookups that carries Floor's own codes and also the GTIN and SSCC a GS1 reading needs (the
reading itself is pure CPU, done before the query). Commands and rejected input ask nothing.
"""

import re
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import cache

import biip
from biip.gs1_digital_link_uris import GS1DigitalLinkURI
from biip.gs1_element_strings import GS1ElementString, GS1ElementStrings
from biip.gs1_messages import GS1Message
from biip.gtin import Gtin
from biip.rcn import Rcn, RcnRegion, RcnUsage
from biip.upc import Upc
from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from floor.accounts.models import Profile
from floor.errors import ScanRejected
from floor.scanning import documents
from floor.scanning.digital_link import NotCompressed, decompress, plain
from floor.warehouse.gtin import valid as valid_check_digit
from floor.warehouse.models import Location, Package, ProductBarcode, Tote
from floor.warehouse.quantities import MOST_TYPED, qty


class Kind(StrEnum):
    LOCATION = "location"
    PRODUCT = "product"
    GS1 = "gs1"
    PACKAGE = "package"
    TOTE = "tote"
    DOCUMENT = "document"
    BADGE = "badge"
    COMMAND = "command"


class Command(StrEnum):
    DONE = "DONE"
    UNDO = "UNDO"
    SKIP = "SKIP"
    PROBLEM = "PROBLEM"
    QTY = "QTY"
    CANCEL = "CANCEL"
    EMPTY = "EMPTY"  # counting: the bin holds nothing


# What the command sheet prints: command → barcode. Read case-insensitively.
COMMANDS: dict[Command, str] = {command: f"CMD-{command}" for command in Command}
_COMMAND_BY_CODE = {barcode: command for command, barcode in COMMANDS.items()}


@dataclass(frozen=True, slots=True)
class Document:
    """A document opened by its barcode: model is the kind its flow registered ("receipt", "order",
    "return"; floor/scanning/documents.py)."""

    model: str
    id: int
    reference: str
    state: str


@dataclass(frozen=True, slots=True)
class Scan:
    raw: str  # as received
    # Without the scanner's framing, whitespace, keyboard-wedge suffix and symbology identifier;
    # for an EAN/UPC with an add-on, the main symbol's digits.
    code: str
    kind: Kind
    symbology: str = ""  # the AIM identifier it came with, e.g. "]C1"; "" when the scanner sends none
    location_id: int | None = None  # for a tote too: totes are locations in the ledger
    product_id: int | None = None
    package_id: int | None = None
    tote_id: int | None = None
    document: Document | None = None
    badge: str | None = None
    command: Command | None = None
    gtin: str | None = None  # always GTIN-14
    lot: str | None = None
    expiry: date | None = None
    serial: str | None = None
    quantity: Decimal = Decimal(1)  # units this scan stands for
    sscc: str | None = None
    # An EAN/UPC add-on, kept where it means something: a serial's issue number (ISSN, 977) or a
    # book's price code (ISBN, 978/979, five digits). Any other add-on is read past and dropped.
    addon: str | None = None
    # A store's price or weight label (a restricted circulation number, GS1 prefix 02, 20–29): the
    # number as scanned; `gtin` is then its item, the number with the variable part zeroed.
    rcn: str | None = None
    # A variable measure: net weight, length, area or volume (AIs 310n–369n, implied decimals
    # applied, or a store's weight label) and its unit: kg, lb, ozt, oz, m, in, ft, yd, m2, in2,
    # ft2, yd2, l, m3, qt, gal, in3, ft3, yd3.
    measure: Decimal | None = None
    measure_unit: str | None = None
    price: Decimal | None = None  # a store's price label: the price printed in it
    currency: str | None = None  # ISO 4217, where the region's rule says
    best_before: date | None = None  # AI 15
    produced: date | None = None  # AI 11
    # One piece of a multi-piece item (AI 8006): this is piece `piece` of `pieces`.
    piece: int | None = None
    pieces: int | None = None

    @property
    def addon_means(self) -> str:
        """What the add-on is: "issue" (a serial's issue number), "price" (a book's), or ""."""
        if self.addon is None or self.gtin is None:
            return ""
        return "issue" if self.gtin[1:4] == "977" else "price"


GS = "\x1d"  # ASCII group separator: what scanners send for FNC1 inside a GS1 code
# Textual stand-ins for GS that scanners are set up to send where a control character would be
# lost on the way through a keyboard wedge. None of them can occur inside GS1 data.
_GS_STAND_INS = re.compile(r"<GS>|\[GS\]|\{GS\}|<FNC1>|\^\]|\u241d", re.IGNORECASE)
# AIM symbology identifier (ISO/IEC 15424): "]", the symbology, one modifier — ]C1, ]d2, ]E0.
_AIM = re.compile(r"\][A-Za-z][0-9A-Za-z]")
_GS1_MESSAGE_SYMBOLOGIES = frozenset({"]C1", "]e0", "]e1", "]e2", "]d2", "]Q3", "]J1"})
_GTIN_SYMBOLOGIES = frozenset({"]E0", "]E3", "]E4", "]I1"})
# EAN/UPC: ]E0 the main symbol alone, ]E1 and ]E2 a 2- or 5-digit add-on, ]E3 both in one packet.
_ADDON_SYMBOLOGIES = frozenset({"]E1", "]E2"})
_WITH_ADDON = re.compile(r"([0-9]{8}|[0-9]{12,13})\s*\](E1[0-9]{2}|E2[0-9]{5})")
# Main symbol and add-on sent as one run of digits: (main, add-on) lengths by the total.
_ADDON_SPLITS = {10: (8, 2), 14: (12, 2), 15: (13, 2), 17: (12, 5), 18: (13, 5)}
# The framing a scanner can be set to send around each read (the prefix and suffix options of
# Honeywell, Zebra, Datalogic scanners): SOH or STX before, ETX, EOT or ETB after, CR/LF besides.
_FRAME_START = "\x01\x02"
_FRAME_END = "\x03\x04\x17"
# ISO/IEC 15434 message envelope, format 05 (GS1 application identifiers): [)> RS 05 GS … RS EOT.
_ENVELOPE_05 = "[)>\x1e05\x1d"
# Control characters (but GS) and lone surrogates: a garbled read, and nothing a database takes.
_UNREADABLE = re.compile("[\x00-\x1c\x1e\x1f\x7f-\x9f\ud800-\udfff]")
_DIGITS = re.compile(r"[0-9]+")
_URL = re.compile(r"https?://", re.IGNORECASE)
_MAX_CODE = 64  # the longest barcode any Floor table holds
_MAX_SCAN = 512  # longer than any label Floor reads; not worth parsing
_BIIP = biip.ParseConfig(separator_chars=(GS,))
RCN_REGIONS = {region.value: region for region in RcnRegion}  # the region rules biip knows


def parse(raw: str, *, warehouse=None) -> Scan:
    """What the scanned text is, read by `warehouse`'s rules (its region's rule for a store's price
    and weight labels). Raises ScanRejected, in the person's words, when it is nothing Floor can use."""
    code, symbology, enveloped = _clean(raw)
    command = _COMMAND_BY_CODE.get(code.upper())
    if command is not None:
        return Scan(raw=raw, code=code, kind=Kind.COMMAND, symbology=symbology, command=command)
    if len(code) > _MAX_SCAN:
        raise _unknown(code)

    region = rcn_region(warehouse)
    own = code if len(code) <= _MAX_CODE and GS not in code else None
    items = None if enveloped else _ean_upc(code, symbology, region)
    gs1, claims_gs1 = (None, False) if items is not None else _read_gs1(code, symbology, region, enveloped)

    own_products = {}  # barcode to look up → the item it stands for (None: a code of its own)
    if items and items[0].rcn:
        # A restricted circulation number stored as an item's barcode is that item: a company's own
        # numbering (Odoo's internal references are 20…), Floor's own code before any region's
        # rule. Only one stored nowhere is read as a store's price or weight label.
        for form in [own, *_stored_forms("0" + items[0].rcn)] if own is not None else []:
            own_products.setdefault(form, None)
    elif own is not None and not (items and items[0].refused):
        # A coupon is never looked up as a product, whatever was stored.
        own_products[own] = items[0] if items else None
    for item in items or ():
        if item.refused is None:
            for form in _stored_forms(item.gtin):
                own_products.setdefault(form, item)
    gs1_item = gs1.item if gs1 is not None else None
    gs1_products = {}
    if gs1_item is not None and gs1_item.refused is None:
        gs1_products = dict.fromkeys(_stored_forms(gs1_item.gtin), gs1_item)
    packages = [own] + ([gs1.sscc, "00" + gs1.sscc] if gs1 and gs1.sscc and gs1.sscc_ok else [])
    found = _Found(_lookup(own, packages, [*own_products, *gs1_products]))

    base = {"raw": raw, "code": code, "symbology": symbology}
    if own is not None:
        scan = found.own_code(own, own_products, base, gs1)
        if scan is not None:
            return scan
    if items is not None:
        if items:
            best = items[0]
            if best.refused is not None:
                raise best.refused
            return Scan(**(base | best.fields()), kind=Kind.PRODUCT, quantity=_counted(best.count or Decimal(1), code))
        if not symbology or symbology in _GTIN_SYMBOLOGIES:
            raise _bad_check_digit(code)
    if gs1 is not None:
        return found.gs1(gs1, gs1_products, base)
    if claims_gs1:
        raise ScanRejected(_("Unreadable GS1 label — rescan (scanned %(code)s)") % {"code": readable(code)})
    if symbology in _ADDON_SYMBOLOGIES:
        raise ScanRejected(
            _("Only the small add-on was read — scan the main barcode (scanned %(code)s)") % {"code": readable(code)}
        )
    raise _unknown(code)


def rcn_region(warehouse) -> str | None:
    """The region whose rule reads a store's price and weight labels: the warehouse's own, else
    the GS1_RCN_REGION setting; None when neither names one biip has a rule for."""
    region = (getattr(warehouse, "rcn_region", "") or settings.GS1_RCN_REGION or "").lower()
    return region if region in RCN_REGIONS else None


def one_piece(scan: Scan) -> ScanRejected | None:
    """Why a flow that counts whole items cannot take this scan: it is one piece of several (AI
    8006). None when it is a whole item."""
    if scan.pieces is None or scan.pieces <= 1:
        return None
    return ScanRejected(
        _("Piece %(piece)s of %(pieces)s of an item — scan the item's own barcode")
        % {"piece": scan.piece, "pieces": scan.pieces}
    )


def readable(code: str, limit: int = 24) -> str:
    """The scanned text as a person can read it in a message: short, invisible characters shown."""
    shown = "".join(
        "<GS>" if char == GS else char if char.isprintable() else f"<U+{ord(char):04X}>" for char in code[:limit]
    )
    return shown + "…" if len(code) > limit else shown


def _unknown(code: str) -> ScanRejected:
    return ScanRejected(_("Not a code Floor knows: %(code)s") % {"code": readable(code)})


def _bad_check_digit(code: str) -> ScanRejected:
    return ScanRejected(_("Bad barcode check digit — rescan (scanned %(code)s)") % {"code": readable(code)})


def _clean(raw: str) -> tuple[str, str, bool]:
    """The code without the scanner's framing, wedge suffix and AIM symbology identifier; the
    identifier; and whether an ISO/IEC 15434 format 05 envelope said it is GS1 data."""
    code = _unframed(raw)
    symbology = ""
    if _AIM.match(code):
        symbology, code = code[:3], _unframed(code[3:])
    enveloped = code.startswith(_ENVELOPE_05)
    if enveloped:
        code = _unframed(code[len(_ENVELOPE_05) :]).strip(GS)
    if not code:
        raise ScanRejected(_("Nothing was scanned"))
    if _UNREADABLE.search(code):
        raise ScanRejected(_("Unreadable scan — try again"))
    return code, symbology, enveloped


def _unframed(text: str) -> str:
    # str.strip() also takes the keyboard wedge's CR/LF/Tab, a leading GS (FNC1 sent first) and
    # the RS before a 15434 envelope's EOT.
    while True:
        stripped = text.strip().lstrip(_FRAME_START).rstrip(_FRAME_END)
        if stripped == text:
            return text
        text = stripped


# --- EAN/UPC and GTIN: EAN-8, UPC-E, UPC-A, EAN-13, GTIN-14, with or without an add-on


@dataclass(frozen=True, slots=True)
class _Item:
    """What a GTIN on a label stands for: the item to look up, with what came with it."""

    gtin: str  # GTIN-14, the item's number (a store label's with its variable part zeroed)
    code: str | None = None  # the main symbol's digits, where an add-on came after them
    addon: str | None = None
    rcn: str | None = None
    measure: Decimal | None = None
    measure_unit: str | None = None
    price: Decimal | None = None
    currency: str | None = None
    count: Decimal | None = None  # units, from a store's count label
    refused: ScanRejected | None = None  # why this number is no item Floor can use

    def fields(self) -> dict:
        fields = {"gtin": self.gtin, "addon": self.addon, "rcn": self.rcn}
        if self.price is not None:
            fields.update(price=self.price, currency=self.currency)
        if self.measure is not None:
            fields.update(measure=self.measure, measure_unit=self.measure_unit)
        if self.code is not None:
            fields["code"] = self.code
        return fields


def _ean_upc(code: str, symbology: str, region: str | None) -> list[_Item] | None:
    """The items an all-digit code of a GTIN's length (or a main symbol with its add-on) can stand
    for, best first: [] when no check digit fits, None when the code is not GTIN-shaped or the
    symbology says GS1."""
    if symbology in _GS1_MESSAGE_SYMBOLOGIES:
        return None
    readings = []  # (GTIN-14, the main symbol's digits where an add-on was taken off, the add-on)
    if addon_sent := _WITH_ADDON.fullmatch(code):
        # GS1 General Specifications 5.1.2 / ISO/IEC 15420: the add-on follows with its own ]E1 or ]E2.
        main, addon = addon_sent.group(1), addon_sent.group(2)[2:]
        readings = [(gtin, main, addon) for gtin in _gtins(main, symbology, for_addon=True)]
        return [_item(gtin, region, code, code=main, addon=addon) for gtin, main, addon in readings]
    if not _DIGITS.fullmatch(code):
        return None
    shaped = len(code) in (8, 12, 13, 14)
    split = _ADDON_SPLITS.get(len(code))
    if symbology == "]E3" and len(code) == 13:
        split = (8, 5)  # the combined packet of a UPC-E with a 5-digit add-on
    if split and (not symbology or symbology in ("]E0", "]E3")):
        main, addon = code[: split[0]], code[split[0] :]
        split_readings = [(gtin, main, addon) for gtin in _gtins(main, symbology, for_addon=True)]
        readings = split_readings + [(gtin, None, None) for gtin in (_gtins(code, symbology) if shaped else ())]
        if symbology != "]E3":
            readings = readings[len(split_readings) :] + split_readings  # a GTIN of that length first
    elif shaped:
        readings = [(gtin, None, None) for gtin in _gtins(code, symbology)]
    if not readings and not shaped and symbology != "]E3":
        return None
    return [_item(gtin, region, code, code=main, addon=addon) for gtin, main, addon in readings]


def _gtins(code: str, symbology: str = "", *, for_addon: bool = False) -> list[str]:
    """The GTIN-14s an all-digit code of a GTIN's length can stand for, best first."""
    if len(code) not in (8, 12, 13, 14) or (for_addon and len(code) == 14):
        return []  # add-ons go with EAN-13, UPC-A, UPC-E (and, some scanners say, EAN-8)
    candidates = []
    if len(code) == 8 and code[0] in "01" and symbology != "]E4":
        # 8 digits starting 0/1 is UPC-E first (]E4 says EAN-8); an EAN-8 with a valid check digit is
        # kept as a second reading.
        with suppress(biip.ParseError):
            candidates.append(Upc.parse(code).as_upc_a().zfill(14))
    if valid_check_digit(code):
        candidates.append(code.zfill(14))
    return candidates


def _item(gtin: str, region: str | None, scanned: str, *, addon: str | None = None, **fields) -> _Item:
    """What a GTIN-14 stands for, by its GS1 prefix (GS1 General Specifications 1.4.2, Figure
    1.4.2-1): an item, or a number that is none (a coupon, a refund receipt, a store's label)."""
    if addon is not None and not (gtin[1:4] == "977" or (gtin[1:4] in ("978", "979") and len(addon) == 5)):
        addon = None  # an add-on that means nothing to Floor: read past
    if gtin.startswith("000000"):
        return _Item(gtin, addon=addon, **fields)  # a GTIN-8: prefixes of its own; RCN-8s are a company's own
    prefix = gtin[1:4]
    shown = {"code": readable(scanned)}
    if prefix == "980":
        refused = ScanRejected(_("A refund receipt, not an item (scanned %(code)s)") % shown)
    elif prefix in ("981", "982", "983", "984") or prefix[:2] in ("99", "05"):
        # 981–984: coupons in a common currency; 99: coupons; 05: UPC coupons (number system 5)
        refused = _coupon(scanned)
    elif prefix[:2] == "02" or prefix[0] == "2":
        return _store_label(gtin, region, scanned, **fields)
    else:
        return _Item(gtin, addon=addon, **fields)
    return _Item(gtin, refused=refused, **fields)


def _store_label(gtin: str, region: str | None, scanned: str, **fields) -> _Item:
    """A restricted circulation number (GS1 prefix 02, 20–29; UPC number system 2) carries a
    price, weight or count in the place of part of its item number, by its region's rule (GS1
    General Specifications 2.1.11). Its item is its number with that part zeroed."""
    rcn = gtin[1:]
    shown = {"code": readable(scanned)}
    if region is None:
        refused = ScanRejected(_("A store's price or weight label — no region rule is set (scanned %(code)s)") % shown)
        return _Item(gtin, rcn=rcn, refused=refused, **fields)
    config = biip.ParseConfig(rcn_region=RCN_REGIONS[region], rcn_verify_variable_measure=True)
    try:
        read = Gtin.parse(rcn, config=config) if gtin[0] == "0" else None
    except biip.ParseError:
        return _Item(gtin, rcn=rcn, refused=_bad_check_digit(scanned), **fields)
    if not isinstance(read, Rcn) or read.usage != RcnUsage.GEOGRAPHICAL or read.region is None:
        read = None
    if read is None or (read.weight is None and read.price is None and read.count is None):
        refused = ScanRejected(
            _("No %(region)s rule for store labels starting %(prefix)s (scanned %(code)s)")
            % {"region": region.upper(), "prefix": rcn[:2], **shown}
        )
        return _Item(gtin, rcn=rcn, refused=refused, **fields)
    item = read.without_variable_measure().as_gtin_14()
    measure = {"measure": read.weight, "measure_unit": "kg"} if read.weight is not None else {}
    price = {"price": read.price, "currency": read.region.get_currency_code()} if read.price is not None else {}
    count = {"count": Decimal(read.count)} if read.count is not None else {}
    return _Item(item, rcn=rcn, **measure, **price, **count, **fields)


def _coupon(code: str) -> ScanRejected:
    return ScanRejected(_("A coupon, not an item (scanned %(code)s)") % {"code": readable(code)})


def _stored_forms(gtin14: str) -> list[str]:
    """GTINs are stored as GTIN-14; the short forms also find a barcode an import left as printed."""
    forms = [gtin14]
    for length in (13, 12, 8):
        if gtin14[: 14 - length] == "0" * (14 - length):
            forms.append(gtin14[14 - length :])
    return forms


# --- GS1: element strings (GS1-128, DataMatrix, QR, DataBar) and Digital Link URIs


@dataclass(frozen=True, slots=True)
class _GS1:
    item: _Item | None = None  # from AI 01 or 02, or the item an AI 8006 piece belongs to
    lot: str | None = None
    expiry: date | None = None
    best_before: date | None = None
    produced: date | None = None
    serial: str | None = None
    count: Decimal | None = None
    measure: Decimal | None = None
    measure_unit: str | None = None
    piece: int | None = None
    pieces: int | None = None
    sscc: str | None = None
    sscc_ok: bool = True
    not_item: str | None = None  # the AI of a GS1 key that names no item (a coupon, a location…)


def _read_gs1(code: str, symbology: str, region: str | None, enveloped: bool) -> tuple["_GS1 | None", bool]:
    """The code's GS1 data, if it reads as GS1, and whether it claims to be GS1 (a GS1
    symbology, a group separator, HRI parentheses, a 15434 envelope): a claim that fails to read
    is a bad label, not an unknown code."""
    claims = enveloped
    try:
        if _URL.match(code):
            # Digital Links come in plain QR codes as often as in GS1 QR codes: any symbology.
            element_strings = _digital_link(code)
        elif symbology and symbology not in _GS1_MESSAGE_SYMBOLOGIES and not enveloped:
            return None, False  # e.g. ]C0: plain Code 128, whatever its digits look like
        elif code.startswith("(") and code.isascii():
            claims = True
            element_strings = GS1Message.parse_hri(code, config=_BIIP).element_strings
        else:
            text = _GS_STAND_INS.sub(GS, code).strip(GS)
            if len(text) < 2 or not _DIGITS.fullmatch(text[:2]) or not text.isascii():
                return None, bool(symbology) or enveloped  # element strings start with a numeric AI; GS1 data is ASCII
            claims = claims or bool(symbology) or GS in text
            element_strings = GS1Message.parse(text, config=_BIIP).element_strings
        fields = _fields(element_strings, region, code)
    except (biip.ParseError, ValueError):
        return None, claims
    if not claims and fields.item is None and fields.sscc is None and fields.not_item is None:
        # Bare text that happens to read as, say, AI 10 is more likely a code Floor does not know.
        return None, claims
    return fields, claims


def _digital_link(uri: str) -> GS1ElementStrings:
    """A GS1 Digital Link's element strings: its plain form (scheme and host in any case, as URIs
    are), its older form with short names (/gtin/…), else its compressed form (digital_link.py)."""
    try:
        return GS1DigitalLinkURI.parse(uri, config=_BIIP).element_strings
    except biip.ParseError:
        rewritten = plain(uri)
        if rewritten is not None:
            with suppress(biip.ParseError):
                return GS1DigitalLinkURI.parse(rewritten, config=_BIIP).element_strings
        try:
            pairs = decompress(uri)
        except NotCompressed as error:
            raise biip.ParseError(str(error)) from error
    return GS1ElementStrings(GS1ElementString.parse(ai + value, config=_BIIP) for ai, value in pairs)


# Trade measures of a variable measure trade item (GS1 General Specifications 3.6.2), by the
# AI's first three digits: its unit, and its rank when a label has several (weight first).
# Logistic measures (3.6.3: 330n–336n, 340n–349n, 353n–355n, 362n–363n, 367n–369n) describe the
# pallet or case, not the item's quantity, and 337n is a ratio: none is read as the measure.
_TRADE_MEASURES = {
    "310": ("kg", 0), "320": ("lb", 0), "356": ("ozt", 0), "357": ("oz", 0),
    "315": ("l", 1), "316": ("m3", 1), "360": ("qt", 1), "361": ("gal", 1),
    "364": ("in3", 1), "365": ("ft3", 1), "366": ("yd3", 1),
    "314": ("m2", 2), "350": ("in2", 2), "351": ("ft2", 2), "352": ("yd2", 2),
    "311": ("m", 3), "321": ("in", 3), "322": ("ft", 3), "323": ("yd", 3),
    "312": ("m", 4), "324": ("in", 4), "325": ("ft", 4), "326": ("yd", 4),
    "313": ("m", 5), "327": ("in", 5), "328": ("ft", 5), "329": ("yd", 5),
}  # fmt: skip
# GS1 keys that identify something other than a trade item or a logistic unit, in the order a
# label's words are chosen when it carries several (GS1 General Specifications 3.2, 3.7, 3.9).
_NOT_ITEMS = ("8020", "255", "8110", "8112", "253", "401", "402", "8003", "8004", "8017", "8018", "8010", "8013",
              "414", "410", "411", "412", "413", "415", "416", "417")  # fmt: skip


def _fields(element_strings, region: str | None, code: str) -> _GS1:
    by_ai = {}
    for element in element_strings:
        by_ai.setdefault(element.ai.ai, element)
    values = {}
    trade_item = by_ai.get("01") or by_ai.get("02")
    if trade_item is not None:
        gtin_ok = trade_item.gtin is not None
        values["item"] = _item(trade_item.value, region, code) if gtin_ok else _bad_item(trade_item.value, code)
    elif "8006" in by_ai:
        values.update(_piece(by_ai["8006"].value, region, code))
    if "00" in by_ai:
        values.update(sscc=by_ai["00"].value, sscc_ok=by_ai["00"].sscc is not None)
    if "10" in by_ai:
        values["lot"] = by_ai["10"].value or None
    for ai, name in (("17", "expiry"), ("15", "best_before"), ("11", "produced")):
        if ai in by_ai:
            values[name] = by_ai[ai].date
    if "21" in by_ai:
        values["serial"] = by_ai["21"].value or None
    count = by_ai.get("30") or by_ai.get("37")
    if count is not None:
        if not count.value or int(count.value) == 0:
            raise biip.ParseError(f"GS1 count {count.value!r} is no count")
        values["count"] = Decimal(int(count.value))
    measures = sorted(
        (_TRADE_MEASURES[ai[:3]][1], index, element)
        for index, (ai, element) in enumerate(by_ai.items())
        if ai[:3] in _TRADE_MEASURES and len(ai) == 4
    )
    if measures:
        element = measures[0][2]
        values.update(measure=element.decimal, measure_unit=_TRADE_MEASURES[element.ai.ai[:3]][0])
    if "item" not in values and "sscc" not in values:
        values["not_item"] = next((ai for ai in _NOT_ITEMS if ai in by_ai), None)
    return _GS1(**values)


def _bad_item(gtin: str, code: str) -> _Item:
    return _Item(gtin, refused=_bad_check_digit(code))


def _piece(value: str, region: str | None, code: str) -> dict:
    """AI 8006, ITIP (GS1 General Specifications 3.9.6): the GTIN of the item, this piece's number
    and the item's number of pieces, two digits each."""
    gtin, piece, pieces = value[:14], int(value[14:16]), int(value[16:18])
    if not 1 <= piece <= pieces:
        raise biip.ParseError(f"piece {piece} of {pieces}")
    item = _item(gtin, region, code) if valid_check_digit(gtin) else _bad_item(gtin, code)
    return {"item": item, "piece": piece, "pieces": pieces}


def _not_an_item(ai: str, code: str) -> ScanRejected:
    """Words for a GS1 key that names no item: what it is instead."""
    shown = {"code": readable(code)}
    if ai == "8020":
        return ScanRejected(_("A payment slip, not an item (scanned %(code)s)") % shown)
    if ai in ("255", "8110", "8112"):
        return _coupon(code)
    if ai == "253":
        return ScanRejected(_("A document number, not an item (scanned %(code)s)") % shown)
    if ai in ("401", "402"):
        return ScanRejected(_("A consignment or shipment number, not an item (scanned %(code)s)") % shown)
    if ai in ("8003", "8004"):
        return ScanRejected(_("An asset number, not an item (scanned %(code)s)") % shown)
    if ai in ("8017", "8018"):
        return ScanRejected(_("A service relation number, not an item (scanned %(code)s)") % shown)
    if ai in ("8010", "8013"):
        return ScanRejected(_("A component or model number, not an item (scanned %(code)s)") % shown)
    return ScanRejected(_("A location number (GLN), not an item (scanned %(code)s)") % shown)


# --- The one query


_PACKAGE_SLOTS = 3
_PRODUCT_SLOTS = 10


def _shared(kind: documents.DocumentKind) -> str:
    return f"{kind.name}_shared"  # the rows found by a kind's shared reference


@cache
def _lookup_sql(vendor: str, kinds: tuple[documents.DocumentKind, ...]) -> str:
    """One UNION ALL of equality lookups on unique or indexed columns. Rows:
    (kind, id, other id, text, state, quantity). NULLs are typed so PostgreSQL can match the
    branches' column types. A document kind's branches take one parameter each (`_lookup`)."""
    quote = connection.ops.quote_name

    def table(model):
        return quote(model._meta.db_table)

    def col(model, name):
        return quote(model._meta.get_field(name).column)

    no_id, no_text, no_qty = "CAST(NULL AS INTEGER)", "CAST(NULL AS TEXT)", "CAST(NULL AS NUMERIC)"
    one, packages = "= %s", "IN ({})".format(", ".join(["%s"] * _PACKAGE_SLOTS))
    products = "IN ({})".format(", ".join(["%s"] * _PRODUCT_SLOTS))
    active = f"CASE WHEN {col(Location, 'active')} THEN 'active' ELSE 'inactive' END"
    branches = [
        ("tote", Tote, col(Tote, "id"), col(Tote, "location"), no_text, no_text, no_qty, "barcode", one),
        ("location", Location, col(Location, "id"), no_id, col(Location, "name"), active, no_qty, "barcode", one),
        ("package", Package, col(Package, "id"), no_id, col(Package, "barcode"), no_text, no_qty, "barcode", packages),
        ("badge", Profile, col(Profile, "user"), no_id, col(Profile, "badge"), no_text, no_qty, "badge", one),
        *(
            (key, model, col(model, "id"), no_id, col(model, "reference"), col(model, "state"), no_qty, field, one)
            for key, model, field in _document_branches(kinds)
        ),
        (
            "product",
            ProductBarcode,
            col(ProductBarcode, "product"),
            col(ProductBarcode, "id"),
            col(ProductBarcode, "code"),
            no_text,
            col(ProductBarcode, "quantity"),
            "code",
            products,
        ),
    ]
    # Identifiers come from the models' meta; every value is a parameter.
    return " UNION ALL ".join(
        f"SELECT '{kind}', {id_}, {other}, {text}, {state}, {qty} FROM {table(model)} WHERE {col(model, field)} {match}"  # noqa: S608
        for kind, model, id_, other, text, state, qty, field, match in branches
    )


def _document_branches(kinds) -> list[tuple[str, type, str]]:
    """(row kind, model, field) of each document lookup: every kind's own reference, then the
    shared ones."""
    own = [(kind.name, kind.model, "reference") for kind in kinds]
    shared = [(_shared(kind), kind.model, kind.shared_reference) for kind in kinds if kind.shared_reference]
    return own + shared


def _lookup(own: str | None, packages: list, products: list) -> list[tuple]:
    packages = (packages + [None] * _PACKAGE_SLOTS)[:_PACKAGE_SLOTS]
    products = (products + [None] * _PRODUCT_SLOTS)[:_PRODUCT_SLOTS]
    kinds = documents.kinds()
    lookups = len(kinds) + sum(1 for kind in kinds if kind.shared_reference)
    params = [own, own, *packages, own, *[own] * lookups, *products]
    if all(p is None for p in params):
        return []
    with connection.cursor() as cursor:
        cursor.execute(_lookup_sql(connection.vendor, kinds), params)
        return cursor.fetchall()


class _Found:
    """The query's rows, read in Floor's order of precedence."""

    def __init__(self, rows):
        self.rows = {}
        for kind, *row in rows:
            self.rows.setdefault(kind, []).append(row)

    def first(self, kind, text=None):
        for row in self.rows.get(kind, ()):
            if text is None or row[2] == text:
                return row
        return None

    def own_code(self, code, product_keys, base, gs1) -> Scan | None:
        if row := self.first("tote"):
            return Scan(**base, kind=Kind.TOTE, tote_id=row[0], location_id=row[1])
        if row := self.first("location"):
            if row[3] == "inactive":
                raise ScanRejected(_("Location %(name)s is not in use") % {"name": row[2]})
            return Scan(**base, kind=Kind.LOCATION, location_id=row[0])
        if row := self.first("package", code):
            sscc = gs1.sscc if gs1 and gs1.sscc_ok else None
            return Scan(**base, kind=Kind.PACKAGE, package_id=row[0], sscc=sscc)
        if self.first("badge"):
            return Scan(**base, kind=Kind.BADGE, badge=code)
        kinds = documents.kinds()
        for kind in kinds:
            if row := self.first(kind.name):
                return _document(base, kind.name, row)
        for kind in kinds:
            if shared := self.rows.get(_shared(kind)):
                # A PO or ASN may have several receipts (backorders): the oldest still open, else the latest.
                open_ones = sorted((r for r in shared if r[3] in kind.open_states), key=lambda r: r[0])
                return _document(base, kind.name, open_ones[0] if open_ones else max(shared, key=lambda r: r[0]))
        return self.product(product_keys, base)

    def product(self, keys, base, kind=Kind.PRODUCT, count=None, **fields) -> Scan | None:
        """The first key a product's barcode has: keys map each to the _Item it stands for (None:
        a code of its own, no GTIN)."""
        rows = {row[2]: row for row in self.rows.get("product", ())}
        for key, item in keys.items():
            if key in rows:
                product_id, _id, _code, _state, per_scan = rows[key]
                per_scan = per_scan if isinstance(per_scan, Decimal) else Decimal(str(per_scan))
                if count is None and item is not None:
                    count = item.count
                quantity = _counted(count * per_scan if count is not None else per_scan, base["code"])
                read = item.fields() if item is not None else {"gtin": None}
                return Scan(**(base | read | fields), kind=kind, product_id=product_id, quantity=quantity)
        return None

    def gs1(self, gs1: _GS1, keys, base) -> Scan:
        item = gs1.item
        if item is not None and item.refused is not None:
            raise item.refused
        if not gs1.sscc_ok:
            raise _bad_check_digit(base["code"])
        if gs1.not_item is not None:
            raise _not_an_item(gs1.not_item, base["code"])
        package = None
        if gs1.sscc:
            package = self.first("package", gs1.sscc) or self.first("package", "00" + gs1.sscc)
        fields = {
            "lot": gs1.lot,
            "expiry": gs1.expiry,
            "best_before": gs1.best_before,
            "produced": gs1.produced,
            "serial": gs1.serial,
            "sscc": gs1.sscc,
            "package_id": package[0] if package else None,
            "piece": gs1.piece,
            "pieces": gs1.pieces,
        }
        if gs1.measure is not None:  # the label's own measure over a store label's weight
            fields.update(measure=gs1.measure, measure_unit=gs1.measure_unit)
        if item is None and package is not None:
            return Scan(**base, kind=Kind.PACKAGE, **fields)  # a pallet or carton label: its SSCC is the package
        scan = self.product(keys, base, kind=Kind.GS1, count=gs1.count, **fields)
        if scan is not None:
            return scan
        count = gs1.count or (item.count if item is not None else None)
        read = item.fields() if item is not None else {}
        return Scan(**(base | read | fields), kind=Kind.GS1, quantity=_counted(count or Decimal(1), base["code"]))


def _counted(quantity: Decimal, code: str) -> Decimal:
    """What one scan stands for, held to what a person may type: a GS1 count of 99,999,999 on a
    case of 12 is more than a quantity column holds, and no one scan's worth."""
    if quantity >= MOST_TYPED:
        raise ScanRejected(
            _("The label counts %(qty)s — too many for one scan (scanned %(code)s)")
            % {"qty": qty(quantity), "code": readable(code)}
        )
    return quantity


def _document(base, model, row) -> Scan:
    document_id, _other, reference, state, _qty = row
    document = Document(model=model, id=document_id, reference=reference, state=state)
    return Scan(**base, kind=Kind.DOCUMENT, document=document)
