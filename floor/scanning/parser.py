"""What a scan is: `parse(raw) -> Scan`, called by every flow on every scan.

The order: clean → command → Floor's own codes → GTIN → GS1 element string / Digital Link.
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
from biip.gs1_messages import GS1Message
from biip.upc import Upc
from django.db import connection
from django.utils.translation import gettext as _

from floor.accounts.models import Profile
from floor.errors import ScanRejected
from floor.scanning import documents
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
    code: str  # without whitespace, keyboard-wedge suffix and symbology identifier
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


GS = "\x1d"  # ASCII group separator: what scanners send for FNC1 inside a GS1 code
# Textual stand-ins for GS that scanners are set up to send where a control character would be
# lost on the way through a keyboard wedge. None of them can occur inside GS1 data.
_GS_STAND_INS = re.compile(r"<GS>|\[GS\]|\{GS\}|<FNC1>|\^\]|\u241d", re.IGNORECASE)
# AIM symbology identifier (ISO/IEC 15424): "]", the symbology, one modifier — ]C1, ]d2, ]E0.
_AIM = re.compile(r"\][A-Za-z][0-9A-Za-z]")
_GS1_MESSAGE_SYMBOLOGIES = frozenset({"]C1", "]e0", "]e1", "]e2", "]d2", "]Q3", "]J1"})
_GTIN_SYMBOLOGIES = frozenset({"]E0", "]E3", "]E4", "]I1"})
# Control characters (but GS) and lone surrogates: a garbled read, and nothing a database takes.
_UNREADABLE = re.compile("[\x00-\x1c\x1e\x1f\x7f-\x9f\ud800-\udfff]")
_DIGITS = re.compile(r"[0-9]+")
_URL = re.compile(r"https?://", re.IGNORECASE)
_MAX_CODE = 64  # the longest barcode any Floor table holds
_MAX_SCAN = 512  # longer than any label Floor reads; not worth parsing
_BIIP = biip.ParseConfig(separator_chars=(GS,))


def parse(raw: str) -> Scan:
    """What the scanned text is. Raises ScanRejected, in the person's words, when it is nothing
    Floor can use."""
    code, symbology = _clean(raw)
    command = _COMMAND_BY_CODE.get(code.upper())
    if command is not None:
        return Scan(raw=raw, code=code, kind=Kind.COMMAND, symbology=symbology, command=command)
    if len(code) > _MAX_SCAN:
        raise _unknown(code)

    own = code if len(code) <= _MAX_CODE and GS not in code else None
    gtins = _gtin_candidates(code, symbology)
    gs1, claims_gs1 = (None, False) if gtins is not None else _read_gs1(code, symbology)

    own_products = {}  # barcode to look up → the GTIN-14 it stands for (None: not a GTIN)
    if own is not None:
        own_products[own] = gtins[0] if gtins else None
    for gtin in gtins or ():
        for form in _stored_forms(gtin):
            own_products.setdefault(form, gtin)
    gs1_products = dict.fromkeys(_stored_forms(gs1.gtin), gs1.gtin) if gs1 and gs1.gtin and gs1.gtin_ok else {}
    packages = [own] + ([gs1.sscc, "00" + gs1.sscc] if gs1 and gs1.sscc and gs1.sscc_ok else [])
    found = _Found(_lookup(own, packages, [*own_products, *gs1_products]))

    base = {"raw": raw, "code": code, "symbology": symbology}
    if own is not None:
        scan = found.own_code(own, own_products, base, gs1)
        if scan is not None:
            return scan
    if gtins is not None:
        if gtins:
            return Scan(**base, kind=Kind.PRODUCT, gtin=gtins[0])
        if not symbology or symbology in _GTIN_SYMBOLOGIES:
            raise _bad_check_digit(code)
    if gs1 is not None:
        return found.gs1(gs1, gs1_products, base)
    if claims_gs1:
        raise ScanRejected(_("Unreadable GS1 label — rescan (scanned %(code)s)") % {"code": readable(code)})
    raise _unknown(code)


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


def _clean(raw: str) -> tuple[str, str]:
    # str.strip() also takes the keyboard wedge's CR/LF/Tab and a leading GS (FNC1 sent first).
    code = raw.strip()
    symbology = ""
    if _AIM.match(code):
        symbology, code = code[:3], code[3:].strip()
    if not code:
        raise ScanRejected(_("Nothing was scanned"))
    if _UNREADABLE.search(code):
        raise ScanRejected(_("Unreadable scan — try again"))
    return code, symbology


# --- GTIN: EAN-8, UPC-E, UPC-A, EAN-13, GTIN-14


def _gtin_candidates(code: str, symbology: str) -> list[str] | None:
    """The GTIN-14s an all-digit code of a GTIN's length can stand for, best first: [] when the
    check digit fits none, None when the code is not GTIN-shaped (or the symbology says GS1)."""
    if symbology in _GS1_MESSAGE_SYMBOLOGIES or len(code) not in (8, 12, 13, 14) or not _DIGITS.fullmatch(code):
        return None
    candidates = []
    if len(code) == 8 and code[0] in "01":
        # 8 digits starting 0/1 is UPC-E first; an EAN-8 with a valid check digit is kept as a second reading.
        with suppress(biip.ParseError):
            candidates.append(Upc.parse(code).as_upc_a().zfill(14))
    if valid_check_digit(code):
        candidates.append(code.zfill(14))
    return candidates


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
    gtin: str | None = None
    gtin_ok: bool = True
    lot: str | None = None
    expiry: date | None = None
    serial: str | None = None
    count: Decimal | None = None
    sscc: str | None = None
    sscc_ok: bool = True


def _read_gs1(code: str, symbology: str) -> tuple["_GS1 | None", bool]:
    """The code's GS1 data, if it reads as GS1, and whether it claims to be GS1 (a GS1
    symbology, a group separator, HRI parentheses): a claim that fails to read is a bad label,
    not an unknown code."""
    claims = False
    try:
        if _URL.match(code):
            # Digital Links come in plain QR codes as often as in GS1 QR codes: any symbology.
            read = biip.parse(code, config=_BIIP).gs1_digital_link_uri
        elif symbology and symbology not in _GS1_MESSAGE_SYMBOLOGIES:
            return None, False  # e.g. ]C0: plain Code 128, whatever its digits look like
        elif code.startswith("(") and code.isascii():
            claims = True
            read = GS1Message.parse_hri(code, config=_BIIP)
        else:
            text = _GS_STAND_INS.sub(GS, code).strip(GS)
            if len(text) < 2 or not _DIGITS.fullmatch(text[:2]) or not text.isascii():
                return None, bool(symbology)  # element strings start with a numeric AI; GS1 data is ASCII
            claims = bool(symbology) or GS in text
            read = biip.parse("]C1" + text, config=_BIIP).gs1_message
        fields = _fields(read.element_strings) if read is not None else None
    except (biip.ParseError, ValueError):
        return None, claims
    if fields is None or (not claims and fields.gtin is None and fields.sscc is None):
        # Bare text that happens to read as, say, AI 10 is more likely a code Floor does not know.
        return None, claims
    return fields, claims


def _fields(element_strings) -> _GS1:
    by_ai = {}
    for element in element_strings:
        by_ai.setdefault(element.ai.ai, element)
    values = {}
    trade_item = by_ai.get("01") or by_ai.get("02")
    if trade_item is not None:
        values.update(gtin=trade_item.value, gtin_ok=trade_item.gtin is not None)
    if "00" in by_ai:
        values.update(sscc=by_ai["00"].value, sscc_ok=by_ai["00"].sscc is not None)
    if "10" in by_ai:
        values["lot"] = by_ai["10"].value or None
    if "17" in by_ai:
        values["expiry"] = by_ai["17"].date
    if "21" in by_ai:
        values["serial"] = by_ai["21"].value or None
    count = by_ai.get("30") or by_ai.get("37")
    if count is not None:
        if not count.value or int(count.value) == 0:
            raise biip.ParseError(f"GS1 count {count.value!r} is no count")
        values["count"] = Decimal(int(count.value))
    return _GS1(**values)


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
        rows = {row[2]: row for row in self.rows.get("product", ())}
        for key, gtin in keys.items():
            if key in rows:
                product_id, _id, _code, _state, per_scan = rows[key]
                per_scan = per_scan if isinstance(per_scan, Decimal) else Decimal(str(per_scan))
                quantity = _counted(count * per_scan if count is not None else per_scan, base["code"])
                return Scan(**base, kind=kind, product_id=product_id, gtin=gtin, quantity=quantity, **fields)
        return None

    def gs1(self, gs1: _GS1, keys, base) -> Scan:
        if not (gs1.gtin_ok and gs1.sscc_ok):
            raise _bad_check_digit(base["code"])
        package = None
        if gs1.sscc:
            package = self.first("package", gs1.sscc) or self.first("package", "00" + gs1.sscc)
        fields = {
            "lot": gs1.lot,
            "expiry": gs1.expiry,
            "serial": gs1.serial,
            "sscc": gs1.sscc,
            "package_id": package[0] if package else None,
        }
        if gs1.gtin is None and package is not None:
            return Scan(**base, kind=Kind.PACKAGE, **fields)  # a pallet or carton label: its SSCC is the package
        scan = self.product(keys, base, kind=Kind.GS1, count=gs1.count, **fields)
        if scan is not None:
            return scan
        quantity = _counted(gs1.count or Decimal(1), base["code"])
        return Scan(**base, kind=Kind.GS1, gtin=gs1.gtin, quantity=quantity, **fields)


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
