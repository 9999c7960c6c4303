"""The pull: what Odoo knows that the floor needs, brought over a little at a time.

In this order, each step needing the one before:

- **warehouses** `stock.warehouse` → Warehouse, by Odoo id, else by code. A new one gets Floor's
  standard locations (`create_warehouse`).
- **locations** `stock.location` → Location. Internal and view locations under a warehouse's view
  become storage bins and zones. The warehouse's own input, output and pack locations, while Odoo
  uses them (multi-step routes; archived otherwise), become Floor's input, output and pack. The
  vendor, customer, inventory-loss and scrap locations become Floor's virtual ones (Odoo 19 has no
  scrap location of its own, so there Floor's stays unlinked).
- **products** storable `product.product` → Product, with its barcode as a ProductBarcode: a GTIN
  (8, 12, 13 or 14 digits with a valid check digit) zero-padded to GTIN-14, anything else as is.
- **lots** `stock.lot` of known items → Lot, with the expiry when module product_expiry is there.
- **pickings** open (`confirmed`, `waiting`, `assigned`) receipts → Receipt, deliveries → Order,
  returns (incoming with `return_id`) → Return, internal transfers → InternalPicking, and their
  moves → lines.

Incremental: per Odoo model a PullCursor holds the highest `write_date` read, and the next pull
asks `write_date >= cursor - ODOO_PULL_OVERLAP_SECONDS` (30 by default; with archived records, so
archiving reaches the floor). Records of that same second are read again, and so are the last
seconds before it: Odoo stamps `write_date` with the start of its transaction, so a long one
commits records older than the newest already read. Everything is matched by Odoo id, so reading
a record twice changes nothing. A picking also counts as changed when one of its moves is. Pages
go by id, so records leaving the domain mid-pull cannot make the pull skip others. The calls do
not grow with the records: one `search_read` per model and page, all moves of a page of pickings
in one more.

Scanned work is never overwritten. A receipt, order or return the floor has started on (its state,
or any line received / picked / inspected) keeps its lines and state when Odoo changes or cancels
it: the pull records a SyncException in words and flags the document `odoo_changed`. The same
difference is raised once, even after a person resolved it. A document with no work yet simply
follows Odoo.

Location barcodes: Odoo's when it has one. A location without one gets Floor's own, made from its
complete name (`WH/Stock/Shelf 1` → `WH-STOCK-SHELF-1`: letters, digits and dashes only, which
every scanner and keyboard layout sends unchanged), or `LOC-<odoo id>` when that is taken. Once a
location has a code it keeps it, even if renamed in Odoo, so printed labels stay good; a barcode
set later in Odoo replaces it.
"""

from __future__ import annotations

import logging
import re
import unicodedata
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from floor.odoo import values
from floor.odoo.client import OdooClient
from floor.odoo.models import InternalPicking, InternalPickingLine, Operation, PullCursor, SyncException
from floor.odoo.stock import StockTruth
from floor.picking.models import Order, OrderLine
from floor.receiving.models import Receipt, ReceiptLine
from floor.returns.models import Return, ReturnLine
from floor.warehouse.gtin import valid as valid_check_digit
from floor.warehouse.models import Location, Lot, Product, ProductBarcode, Warehouse
from floor.warehouse.services import create_warehouse, location_of_kind, virtual_location

log = logging.getLogger(__name__)

PAGE = 500
PICKING_PAGE = 200  # a page of pickings and all their moves are applied in one transaction
OPEN = ("confirmed", "waiting", "assigned")
LOCK_KEY = "floor:odoo-pull"
LOCK_SECONDS = 30 * 60
DEFAULT_OVERLAP_SECONDS = 30
KINDS = (
    "warehouses",
    "locations",
    "products",
    "lots",
    "receipts",
    "orders",
    "returns",
    "internal transfers",
    "opening stock",
    "odoo moves",
)

Kind = Location.Kind
# Odoo's virtual locations Floor's own stand for, found as Odoo finds them (no xmlid names them on
# 17, 18 or 19): by usage, the company's lowest id (res.company._create_*_location makes them; the
# scrap order's default scrap location is the lowest id with scrap_location set, on 17 and 18).
# Odoo 19 has no scrap location of its own: it scraps into inventory loss, and Floor's stays unlinked.
VIRTUAL_USAGES = {
    Kind.VENDOR: "supplier",
    Kind.CUSTOMER: "customer",
    Kind.INVENTORY_LOSS: "inventory",
    Kind.SCRAP: "inventory",
    Kind.PRODUCTION: "production",
    Kind.TRANSIT: "transit",
}
# The warehouse's own locations that stand for Floor's standard ones, while Odoo uses them.
SPECIAL_LOCATIONS = {
    "wh_input_stock_loc_id": Kind.INPUT,
    "wh_output_stock_loc_id": Kind.OUTPUT,
    "wh_pack_stock_loc_id": Kind.PACK,
}
WAREHOUSE_FIELDS = ["code", "name", "view_location_id", "lot_stock_id", "out_type_id", "company_id", *SPECIAL_LOCATIONS]
TYPE_FIELDS = ["code", "warehouse_id", "return_picking_type_id", "default_location_dest_id"]
LOCATION_FIELDS = ["name", "complete_name", "barcode", "usage", "location_id", "warehouse_id", "active", "write_date"]
PRODUCT_FIELDS = [
    "display_name",
    "default_code",
    "barcode",
    "tracking",
    "uom_id",
    "weight",
    "volume",
    "active",
    "product_tmpl_id",
    "write_date",
]
PICKING_FIELDS = [
    "name",
    "state",
    "picking_type_id",
    "partner_id",
    "origin",
    "scheduled_date",
    "return_id",
    "location_id",
    "location_dest_id",
    "priority",
    "write_date",
]
# product_qty is the demand in the product's own unit (product_uom_qty is in the move's unit).
MOVE_FIELDS = ["picking_id", "product_id", "product_qty", "state", "location_id", "location_dest_id", "write_date"]


@dataclass
class PullResult:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    exceptions: int = 0
    calls: int = 0
    skipped: bool = False  # another pull was running

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) or sum(self.updated.values()) or self.exceptions)

    def as_dict(self) -> dict:
        return {
            "created": dict(self.created),
            "updated": dict(self.updated),
            "exceptions": self.exceptions,
            "calls": self.calls,
            "skipped": self.skipped,
        }


def pull(*, client: OdooClient, full: bool = False, opening: bool = False) -> PullResult:
    """Bring Odoo's changes over (`full`: everything, whatever the cursors say; `opening`: take
    the opening balance of a warehouse where Floor already holds stock). One pull at a time: a pull
    started while another runs returns at once, `skipped`."""
    token = uuid.uuid4().hex
    if not cache.add(LOCK_KEY, token, LOCK_SECONDS):
        return PullResult(skipped=True)
    try:
        return _Pull(client, full=full, opening=opening).run()
    finally:
        if cache.get(LOCK_KEY) == token:
            cache.delete(LOCK_KEY)


# --- values as Odoo sends them (short names: they are on every line below)

_id, _label, _text, _moment = values.odoo_id, values.label, values.text, values.moment
_odoo_datetime, _local_date, _qty, _shown, _digest = (
    values.odoo_datetime,
    values.local_date,
    values.quantity,
    values.shown,
    values.digest,
)


def product_code(barcode) -> tuple[str, bool] | None:
    """(code as Floor stores it, is it a GTIN) for an Odoo product barcode; None for none."""
    code = str(barcode or "").strip()
    if not code:
        return None
    if re.fullmatch(r"[0-9]{8}|[0-9]{12,14}", code) and valid_check_digit(code):
        return code.zfill(14), True
    return code[:64], False


def own_location_code(complete_name: str) -> str | None:
    """Floor's barcode for an Odoo location that has none, from its complete name."""
    plain = unicodedata.normalize("NFKD", complete_name or "").encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Z0-9]+", "-", plain.upper()).strip("-")[:64] or None


def _assign(obj, **values) -> bool:
    """Set the values that differ; whether any did."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


@dataclass
class _Warehouse:
    floor: Warehouse
    view_id: int | None
    special: dict[int, str]  # Odoo location id → Floor kind
    stock_id: int | None = None
    out_type_id: int | None = None
    company_id: int | None = None


@dataclass(frozen=True)
class _Line:
    move_id: int
    product: Product
    quantity: Decimal


@dataclass(frozen=True)
class _Document:
    """How one kind of Floor document follows its Odoo picking."""

    kind: str
    counter: str
    model: type[Model]
    line_model: type[Model]
    parent: str  # the line's foreign key to its document
    quantity: str  # the line's expected quantity
    work: str  # the line's quantity done on the floor
    open: str
    done: str
    cancelled: str
    busy: frozenset  # document states that mean the floor has started
    activity: str  # what the floor does with it, in words
    header: Callable[[dict, _Warehouse, dict], dict]


def _receipt_header(row, wh, _context) -> dict:
    return {
        "warehouse_id": wh.floor.pk,
        "reference": _text(row["name"], 64),
        "vendor": _text(_label(row["partner_id"]), 200),
        "vendor_reference": _text(row["origin"], 64),
        "expected_date": _local_date(row["scheduled_date"]),
    }


def _order_header(row, wh, _context) -> dict:
    priority = str(row.get("priority") or "0")
    return {
        "warehouse_id": wh.floor.pk,
        "reference": _text(row["name"], 64),
        "customer": _text(_label(row["partner_id"]), 200),
        "priority": int(priority) if priority.isdigit() else 0,
    }


def _return_header(row, wh, context) -> dict:
    header = {
        "warehouse_id": wh.floor.pk,
        "reference": _text(row["name"], 64),
        "customer": _text(_label(row["partner_id"]), 200),
    }
    order = context["orders"].get(_id(row["return_id"]))
    if order is not None:  # the delivery it returns, when Floor has it
        header["order_id"] = order.pk
    return header


RECEIPTS = _Document(
    kind=SyncException.Kind.RECEIPT,
    counter="receipts",
    model=Receipt,
    line_model=ReceiptLine,
    parent="receipt",
    quantity="expected",
    work="received",
    open=Receipt.State.OPEN,
    done=Receipt.State.DONE,
    cancelled=Receipt.State.CANCELLED,
    busy=frozenset({Receipt.State.RECEIVING, Receipt.State.DONE}),
    activity=gettext_lazy("receiving"),
    header=_receipt_header,
)
ORDERS = _Document(
    kind=SyncException.Kind.ORDER,
    counter="orders",
    model=Order,
    line_model=OrderLine,
    parent="order",
    quantity="ordered",
    work="picked",
    open=Order.State.OPEN,
    done=Order.State.SHIPPED,
    cancelled=Order.State.CANCELLED,
    busy=frozenset({Order.State.IN_WAVE, Order.State.PICKED, Order.State.PACKED, Order.State.SHIPPED}),
    activity=gettext_lazy("picking"),
    header=_order_header,
)
RETURNS = _Document(
    kind=SyncException.Kind.RETURN,
    counter="returns",
    model=Return,
    line_model=ReturnLine,
    parent="ret",
    quantity="expected",
    work="inspected",
    open=Return.State.EXPECTED,
    done=Return.State.DONE,
    cancelled=Return.State.CANCELLED,
    busy=frozenset({Return.State.INSPECTING, Return.State.DONE}),
    activity=gettext_lazy("inspection"),
    header=_return_header,
)


class _Pull:
    PRODUCT_FIELDS = PRODUCT_FIELDS

    def __init__(self, client: OdooClient, *, full: bool, opening: bool = False):
        self.client = client
        self.full = full
        self.opening = opening
        self._lot_fields: list[str] | None = None
        self.result = PullResult()
        self.warehouses: dict[int, _Warehouse] = {}
        self.types: dict[int, tuple[_Warehouse, str]] = {}
        self.new_tracked: list[int] = []  # items created by this pull whose lots may predate the lot cursor

    def run(self) -> PullResult:
        before = self.client.calls
        # Odoo 19 has no scrap location of its own (facts.json): it scraps into inventory loss.
        self._has_scrap = self.client.server_version < (19, 0)
        self._new_warehouse = False
        self.storable = ("detailed_type", "product") if self.client.server_version < (18, 0) else ("is_storable", True)
        self.pull_warehouses()
        self.pull_locations()
        self.pull_products()
        self.pull_pickings()  # may bring items the product step missed: lots come after
        self.pull_lots()
        StockTruth(self).run()  # on-hand stock, once all it refers to is here
        self.result.calls = self.client.calls - before
        return self.result

    # --- reading

    def _read(self, model: str, domain: list, fields: list[str], *, context=None, page: int = PAGE) -> list[dict]:
        """Every record of the domain, a page at a time by id."""
        rows: list[dict] = []
        last = 0
        while True:
            batch = self.client.search_read(
                model, [*domain, ("id", ">", last)], fields, limit=page, order="id", context=context
            )
            rows.extend(batch)
            if len(batch) < page:
                return rows
            last = batch[-1]["id"]

    def _since(self, model: str) -> str | None:
        if self.full:
            return None
        moment = PullCursor.objects.filter(model=model).values_list("last_write_date", flat=True).first()
        if moment is None:
            return None
        # Odoo stamps write_date with its transaction's start: a long transaction commits records
        # older than the newest already read. Reading a little before the cursor catches them.
        overlap = getattr(settings, "ODOO_PULL_OVERLAP_SECONDS", DEFAULT_OVERLAP_SECONDS)
        return _odoo_datetime(moment - timedelta(seconds=overlap))

    @staticmethod
    def _context(since) -> dict | None:
        # Changes include archiving: an incremental pull sees archived records too.
        return {"active_test": False} if since else None

    def _advance(self, model: str, write_dates: Iterable) -> None:
        newest = max((moment for moment in map(_moment, write_dates) if moment), default=None)
        cursor, _created = PullCursor.objects.get_or_create(model=model)
        # A --full pull reads only what is open or storable: it must not move an existing cursor
        # past changes it did not read.
        if newest and (cursor.last_write_date is None or (not self.full and newest > cursor.last_write_date)):
            cursor.last_write_date = newest
        cursor.pulled_at = timezone.now()
        cursor.save()

    def _exception(self, *, kind, odoo_model, odoo_id, reference, message, warehouse_id=None, fingerprint=None) -> bool:
        """Record what a person must look at, once; whether it is new."""
        _exception, created = SyncException.objects.get_or_create(
            odoo_model=odoo_model,
            odoo_id=odoo_id,
            fingerprint=fingerprint or _digest(message),
            defaults={
                "kind": kind,
                "reference": _text(reference, 200),
                "message": message,
                "warehouse_id": warehouse_id,
            },
        )
        if created:
            self.result.exceptions += 1
            log.warning("odoo pull: %s %s: %s", kind, reference, message)
        return created

    def _count(self, counter: str, *, created: bool) -> None:
        (self.result.created if created else self.result.updated)[counter] += 1

    # --- warehouses

    def pull_warehouses(self) -> None:
        rows = self.client.search_read("stock.warehouse", [], WAREHOUSE_FIELDS, order="id")
        by_odoo = {wh.odoo_id: wh for wh in Warehouse.objects.filter(odoo_id__in=[row["id"] for row in rows])}
        by_code = {wh.code: wh for wh in Warehouse.objects.filter(code__in=[_text(r["code"], 10) for r in rows])}
        for row in rows:
            code, name = _text(row["code"], 10), _text(row["name"], 100) or _text(row["code"], 100)
            warehouse = by_odoo.get(row["id"]) or by_code.get(code)
            if warehouse is not None and warehouse.odoo_id not in (None, row["id"]):
                self._exception(
                    kind=SyncException.Kind.WAREHOUSE,
                    odoo_model="stock.warehouse",
                    odoo_id=row["id"],
                    reference=code,
                    message=_(
                        "Floor warehouse %(code)s already stands for another Odoo warehouse: %(name)s is not pulled."
                    )
                    % {"code": code, "name": name},
                )
                continue
            created = warehouse is None
            self._new_warehouse |= created or warehouse.odoo_id is None
            if created:
                warehouse = create_warehouse(code=code, name=name)  # with Floor's standard locations
            if _assign(warehouse, odoo_id=row["id"], name=name, odoo_stock_id=_id(row["lot_stock_id"])) or created:
                warehouse.save()
                self._count("warehouses", created=created)
            special = {_id(row[key]): kind for key, kind in SPECIAL_LOCATIONS.items() if _id(row[key])}
            self.warehouses[row["id"]] = _Warehouse(
                floor=warehouse,
                view_id=_id(row["view_location_id"]),
                special=special,
                stock_id=_id(row["lot_stock_id"]),
                out_type_id=_id(row["out_type_id"]),
                company_id=_id(row["company_id"]),
            )
        self._picking_types()

    def _picking_types(self) -> None:
        """The warehouses' receipt, delivery and internal types, read once: the pickings step works
        from them, and the returns location is found through them."""
        self.type_rows = {}
        if not self.warehouses:
            return
        fields = TYPE_FIELDS + (["default_location_return_id"] if self.client.server_version < (18, 0) else [])
        rows = self.client.search_read(
            "stock.picking.type",
            [("warehouse_id", "in", sorted(self.warehouses)), ("code", "in", ["incoming", "outgoing", "internal"])],
            fields,
            context={"active_test": False},  # Odoo archives the internal types while multi-step routes are off
        )
        self.type_rows = {row["id"]: row for row in rows}

    # --- locations

    def pull_locations(self) -> None:
        if not self.warehouses:
            return
        since = self._since("stock.location")
        domain = [("usage", "in", ["internal", "view"])]
        if since:
            domain.append(("write_date", ">=", since))
        rows = self._read("stock.location", domain, LOCATION_FIELDS, context=self._context(since))
        if not since or self._new_warehouse:
            self._virtual_locations()
        self._returns_locations()
        with transaction.atomic():
            # Parents before children: a complete name starts with its parent's.
            self._real_locations(sorted(rows, key=lambda row: (row["complete_name"] or "", row["id"])))
            self._advance("stock.location", [row["write_date"] for row in rows])

    def _virtual_locations(self) -> None:
        """Floor's virtual locations take the ids of Odoo's own, on the first pull (and a full one,
        or when a warehouse is new): one read of Odoo's virtual locations, while one is unlinked."""
        kinds = [kind for kind in VIRTUAL_USAGES if kind != Kind.SCRAP or self._has_scrap]
        unlinked = {kind: location for kind in kinds if (location := virtual_location(kind)).odoo_id is None}
        if not unlinked:
            return
        fields = ["usage", "company_id"] + (["scrap_location"] if self._has_scrap else [])
        rows = self.client.search_read(
            "stock.location", [("usage", "in", sorted({VIRTUAL_USAGES[k] for k in unlinked}))], fields, order="id"
        )
        companies = [wh.company_id for wh in sorted(self.warehouses.values(), key=lambda wh: wh.floor.pk)]
        company = companies[0] if companies else None
        taken = set(Location.objects.filter(odoo_id__in=[row["id"] for row in rows]).values_list("odoo_id", flat=True))
        for kind, location in unlinked.items():
            candidates = [
                row
                for row in rows
                if row["usage"] == VIRTUAL_USAGES[kind]
                and _id(row["company_id"]) in (None, company)
                and row["id"] not in taken
                and (
                    kind not in (Kind.SCRAP, Kind.INVENTORY_LOSS)
                    or bool(row.get("scrap_location")) == (kind == Kind.SCRAP)
                )
            ]
            # The company's own before one shared by all companies (Odoo's partner locations have none).
            candidates.sort(key=lambda row: (_id(row["company_id"]) is None, row["id"]))
            if candidates:
                location.odoo_id = candidates[0]["id"]
                location.save(update_fields=["odoo_id"])
                taken.add(location.odoo_id)
                self._count("locations", created=False)

    def _returns_locations(self) -> None:
        """Each warehouse's returns location stands for the one Odoo's returns go to: the delivery
        type's own (17's default_location_return_id) or its return type's destination, when that is
        not the warehouse's main stock. An Odoo without one gets one (internal, under the
        warehouse, with Floor's barcode; on 17 flagged as a return location), so returned goods
        wait for inspection where deliveries do not reserve them."""
        for wh in self.warehouses.values():
            returns = location_of_kind(wh.floor, Kind.RETURNS)
            if returns is None or returns.odoo_id is not None or not wh.view_id:
                continue
            out_type = self.type_rows.get(wh.out_type_id) or {}
            destination = _id(out_type.get("default_location_return_id"))
            if not destination:
                return_type = self.type_rows.get(_id(out_type.get("return_picking_type_id"))) or {}
                destination = _id(return_type.get("default_location_dest_id"))
            if destination and destination != wh.stock_id:
                holder = Location.objects.filter(odoo_id=destination).first()
                if holder is not None:
                    self._exception(
                        kind=SyncException.Kind.LOCATION,
                        odoo_model="stock.location",
                        odoo_id=destination,
                        reference=holder.name,
                        warehouse_id=wh.floor.pk,
                        message=_(
                            "Odoo sends %(warehouse)s's returns to %(location)s, which Floor already holds as "
                            "another location: Floor's returns location stays unlinked, and returns land there."
                        )
                        % {"warehouse": wh.floor.code, "location": holder.name},
                    )
                    continue
            else:
                destination = self._make_returns_location(wh, returns)
            returns.odoo_id = destination
            returns.save(update_fields=["odoo_id"])
            self._count("locations", created=False)

    def _make_returns_location(self, wh: _Warehouse, returns: Location) -> int:
        found = self.client.search_read(
            "stock.location", [("barcode", "=", returns.barcode), ("usage", "=", "internal")], ["id"], limit=1
        )
        if found:
            return found[0]["id"]
        values = {"name": "Returns", "usage": "internal", "location_id": wh.view_id, "barcode": returns.barcode}
        if self.client.server_version < (18, 0):
            values["return_location"] = True
        if wh.company_id:
            values["company_id"] = wh.company_id
        [created] = self.client.create("stock.location", [values])
        log.info("odoo pull: made returns location %s in Odoo for %s", created, wh.floor.code)
        return created

    def _real_locations(self, rows: list[dict]) -> None:
        ids = {row["id"] for row in rows}
        parents = {_id(row["location_id"]) for row in rows} - {None}
        by_odoo = {loc.odoo_id: loc for loc in Location.objects.filter(odoo_id__in=ids | parents)}
        odoo_codes = {_text(row["barcode"], 64) for row in rows} - {""}
        own_codes = {own_location_code(row["complete_name"]) for row in rows} - {None}
        holders = dict(Location.objects.filter(barcode__in=odoo_codes | own_codes).values_list("barcode", "pk"))
        unlinked = {loc.barcode: loc for loc in Location.objects.filter(barcode__in=odoo_codes, odoo_id=None)}
        for row in rows:
            wh = self.warehouses.get(_id(row["warehouse_id"]))
            if wh is None or row["id"] == wh.view_id:
                continue
            location = by_odoo.get(row["id"])
            special = wh.special.get(row["id"])
            values = {"odoo_id": row["id"], "name": _text(row["complete_name"] or row["name"], 100)}
            if special:
                if not row["active"]:
                    # Odoo stopped using it (back to one step): Floor's own goes on, unlinked.
                    if location is not None:
                        location.odoo_id = None
                        location.save(update_fields=["odoo_id"])
                        self._count("locations", created=False)
                    continue
                if location is None:
                    location = Location.objects.filter(warehouse=wh.floor, kind=special, odoo_id=None).order_by(
                        "pk"
                    ).first() or Location(warehouse=wh.floor, kind=special)
                values["active"] = True
            else:
                if location is None:
                    if not row["active"]:
                        continue
                    adopted = unlinked.get(_text(row["barcode"], 64))
                    if adopted is not None and adopted.warehouse_id == wh.floor.pk and not adopted.is_virtual:
                        location = adopted  # a Floor location with Odoo's barcode: the same place
                    else:
                        location = Location(warehouse=wh.floor)
                parent = by_odoo.get(_id(row["location_id"]))
                values.update(
                    warehouse_id=wh.floor.pk,
                    active=bool(row["active"]),
                    parent_id=parent.pk if parent is not None and parent.pk != location.pk else None,
                )
                if location.kind in ("", Kind.VIEW, Kind.STORAGE):
                    values["kind"] = Kind.VIEW if row["usage"] == "view" else Kind.STORAGE
            values["barcode"] = self._location_barcode(row, location, holders, wh)
            created = location.pk is None
            if _assign(location, **values) or created:
                location.save()
                self._count("locations", created=created)
            if location.barcode:
                holders[location.barcode] = location.pk
            by_odoo[row["id"]] = location

    def _location_barcode(self, row: dict, location: Location, holders: dict, wh: _Warehouse) -> str | None:
        def free(code):
            return bool(code) and holders.get(code) in (None, location.pk)

        odoo_code = _text(row["barcode"], 64)
        if odoo_code:
            if free(odoo_code):
                return odoo_code
            self._exception(
                kind=SyncException.Kind.LOCATION,
                odoo_model="stock.location",
                odoo_id=row["id"],
                reference=row["complete_name"] or row["name"],
                warehouse_id=wh.floor.pk,
                message=_(
                    "Odoo's barcode %(code)s for this location is already on another Floor location: Floor "
                    "uses its own code for it."
                )
                % {"code": odoo_code},
            )
        if location.barcode:
            return location.barcode  # labels are printed: a rename in Odoo does not change the code
        derived = own_location_code(row["complete_name"] or row["name"])
        if free(derived):
            return derived
        fallback = f"LOC-{row['id']}"
        return fallback if free(fallback) else None

    # --- products

    def pull_products(self) -> None:
        since = self._since("product.product")
        field_name, value = self.storable
        fields = [*PRODUCT_FIELDS, field_name]
        if since:
            # Tracking, unit and storability live on the template: its writes count too.
            domain = ["|", ("write_date", ">=", since), ("product_tmpl_id.write_date", ">=", since)]
        else:
            domain = [(field_name, "=", value)]
        rows = self._read("product.product", domain, fields, context=self._context(since))
        dates = [row["write_date"] for row in rows]
        older = sorted(
            {_id(row["product_tmpl_id"]) for row in rows if since and _moment(row["write_date"]) < _moment(since)}
        )
        if older:  # read only after a template edit: the cursor must pass its write_date too
            dates += [t["write_date"] for t in self.client.read("product.template", older, ["write_date"])]
        with transaction.atomic():
            self._apply_products(rows)
            self._advance("product.product", dates)

    def _apply_products(self, rows: list[dict]) -> None:
        field_name, value = self.storable
        ids = {row["id"] for row in rows}
        by_odoo = {p.odoo_id: p for p in Product.objects.filter(odoo_id__in=ids)}
        skus = {_text(row["default_code"], 64) for row in rows} | {f"ODOO-{i}" for i in ids}
        by_sku = {p.sku: p for p in Product.objects.filter(sku__in=skus)}
        codes = {parsed[0] for row in rows if (parsed := product_code(row["barcode"]))}
        by_code, own = {}, defaultdict(list)
        for barcode in ProductBarcode.objects.filter(Q(code__in=codes) | Q(odoo_id__in=ids)).order_by("pk"):
            by_code[barcode.code] = barcode
            if barcode.odoo_id in ids:
                own[barcode.odoo_id].append(barcode)
        for row in rows:
            product = by_odoo.get(row["id"])
            if not (row.get(field_name) == value and row["active"]):
                if product is not None and product.active:
                    product.active = False  # archived or no longer storable in Odoo
                    product.save(update_fields=["active"])
                    self._count("products", created=False)
                continue
            code = _text(row["default_code"], 64)
            if product is None and code and by_sku.get(code) is not None and by_sku[code].odoo_id is None:
                product = by_sku[code]  # made in Floor before Odoo was connected: the same item
            created = product is None
            product = product or Product()
            sku = self._sku(row, product, by_sku)
            name = row["display_name"] or ""
            if code and name.startswith(f"[{code}] "):
                name = name[len(code) + 3 :]
            tracking = row["tracking"] if row["tracking"] in Product.Tracking.values else Product.Tracking.NONE
            changed = _assign(
                product,
                sku=sku,
                name=_text(name, 200),
                tracking=tracking,
                uom=_text(_label(row["uom_id"]), 20),
                odoo_uom_id=_id(row["uom_id"]),
                weight=Decimal(str(row["weight"] or 0)).quantize(Decimal("0.001")),
                volume=Decimal(str(row["volume"] or 0)).quantize(Decimal("0.000001")),
                odoo_id=row["id"],
                active=True,
            )
            if changed or created:
                product.save()
            by_sku[product.sku] = product
            changed |= self._product_barcode(product, row, by_code, own[row["id"]])
            if changed or created:
                self._count("products", created=created)
            if created and tracking != Product.Tracking.NONE:
                self.new_tracked.append(row["id"])

    def _sku(self, row: dict, product: Product, by_sku: dict) -> str:
        code = _text(row["default_code"], 64) or f"ODOO-{row['id']}"
        holder = by_sku.get(code)
        if holder is None or holder.pk == product.pk:
            return code
        self._exception(
            kind=SyncException.Kind.PRODUCT,
            odoo_model="product.product",
            odoo_id=row["id"],
            reference=code,
            message=_(
                "Internal reference %(code)s is already another Floor item's SKU: Floor calls this item ODOO-%(id)s."
            )
            % {"code": code, "id": row["id"]},
        )
        return f"ODOO-{row['id']}"

    def _product_barcode(self, product: Product, row: dict, by_code: dict, own: list) -> bool:
        """The item's Odoo barcode as its one ProductBarcode from Odoo (barcodes added in Floor stay)."""
        parsed = product_code(row["barcode"])
        keep = None
        if parsed is not None:
            code, is_gtin = parsed
            holder = by_code.get(code)
            if holder is not None and holder.product_id != product.pk:
                self._exception(
                    kind=SyncException.Kind.PRODUCT,
                    odoo_model="product.product",
                    odoo_id=row["id"],
                    reference=product.sku,
                    message=_("Barcode %(code)s is already another Floor item's: it was not added to %(item)s.")
                    % {"code": code, "item": product},
                )
                return False
            keep = holder or (own[0] if own else ProductBarcode(product=product))
        changed = False
        for barcode in own:
            if barcode is not keep:
                by_code.pop(barcode.code, None)
                barcode.delete()
                changed = True
        if keep is not None and (_assign(keep, code=code, is_gtin=is_gtin, odoo_id=row["id"]) or keep.pk is None):
            keep.save()
            by_code[code] = keep
            changed = True
        return changed

    # --- lots

    def lot_fields(self) -> list[str]:
        if self._lot_fields is None:
            expiry = "expiration_date" in self.client.fields_get("stock.lot", ["type"])  # module product_expiry
            self._lot_fields = ["name", "product_id", "write_date"] + (["expiration_date"] if expiry else [])
        return self._lot_fields

    def pull_lots(self) -> None:
        since = self._since("stock.lot")
        fields = self.lot_fields()
        expiry = "expiration_date" in fields
        domain = []
        if since:
            domain = [("write_date", ">=", since)]
            if self.new_tracked:
                domain = ["|", ("product_id", "in", self.new_tracked), *domain]
        rows = self._read("stock.lot", domain, fields, context=self._context(since))
        with transaction.atomic():
            self._apply_lots(rows, expiry=expiry)
            self._advance("stock.lot", [row["write_date"] for row in rows])

    def _apply_lots(self, rows: list[dict], *, expiry: bool) -> None:
        products = {p.odoo_id: p for p in Product.objects.filter(odoo_id__in={_id(r["product_id"]) for r in rows})}
        by_odoo = {lot.odoo_id: lot for lot in Lot.objects.filter(odoo_id__in=[row["id"] for row in rows])}
        names = {_text(row["name"], 64) for row in rows}
        by_key = {
            (lot.product_id, lot.name): lot for lot in Lot.objects.filter(product__in=products.values(), name__in=names)
        }
        for row in rows:
            product = products.get(_id(row["product_id"]))
            name = _text(row["name"], 64)
            if product is None or not name:
                continue  # an item Floor does not keep
            lot = by_odoo.get(row["id"])
            same = by_key.get((product.pk, name))
            if lot is None and same is not None and same.odoo_id is None:
                lot = same  # received on the floor before Odoo knew it
            if same is not None and same.pk != getattr(lot, "pk", None):
                log.warning(
                    "odoo pull: lot %s of %s is twice in Odoo (ids %s, %s)", name, product, same.odoo_id, row["id"]
                )
                continue
            created = lot is None
            lot = lot or Lot()
            values = {"product_id": product.pk, "name": name, "odoo_id": row["id"]}
            if expiry:
                values["expiry_date"] = _local_date(row.get("expiration_date"))
            if _assign(lot, **values) or created:
                lot.save()
                by_key[(product.pk, name)] = lot
                self._count("lots", created=created)

    # --- pickings

    def pull_pickings(self) -> None:
        if not self.warehouses:
            return
        types = self.type_rows.values()
        self.types = {t["id"]: (self.warehouses[_id(t["warehouse_id"])], t["code"]) for t in types}
        if not self.types:
            return
        since = self._since("stock.picking")
        domain = [("picking_type_id", "in", sorted(self.types))]
        if since:
            # All states: a cancel or a validation in Odoo is a change the floor must see.
            domain += ["|", ("write_date", ">=", since), ("move_ids.write_date", ">=", since)]
        else:
            domain += [("state", "in", list(OPEN))]
        dates, seen, last = [], set(), 0
        while True:
            page = self.client.search_read(
                "stock.picking", [*domain, ("id", ">", last)], PICKING_FIELDS, limit=PICKING_PAGE, order="id"
            )
            dates += self._pickings_page(page)
            seen.update(row["id"] for row in page)
            if len(page) < PICKING_PAGE:
                break
            last = page[-1]["id"]
        if self.full:
            self._recheck_open_documents(seen)
        with transaction.atomic():
            self._advance("stock.picking", dates)

    def _pickings_page(self, rows: list[dict]) -> list:
        """Apply one page of pickings with their moves; the write dates read."""
        if not rows:
            return []
        field_name, value = self.storable
        # Only storable goods become lines: Floor keeps no stock of consumables.
        moves = self._read(
            "stock.move",
            [("picking_id", "in", [row["id"] for row in rows]), (f"product_id.{field_name}", "=", value)],
            MOVE_FIELDS,
        )
        known = set(
            Product.objects.filter(odoo_id__in={_id(m["product_id"]) for m in moves}).values_list("odoo_id", flat=True)
        )
        missing = sorted({_id(m["product_id"]) for m in moves} - known - {None})
        if missing:  # storable items made in Odoo after this pull read its products
            found = self.client.read(
                "product.product", missing, [*PRODUCT_FIELDS, field_name], context={"active_test": False}
            )
            with transaction.atomic():
                self._apply_products(found)
        with transaction.atomic():
            self._apply_pickings(rows, moves)
        return [row["write_date"] for row in rows] + [move["write_date"] for move in moves]

    def _apply_pickings(self, rows: list[dict], moves: list[dict]) -> None:
        by_picking = defaultdict(list)
        for move in moves:
            by_picking[_id(move["picking_id"])].append(move)
        products = {p.odoo_id: p for p in Product.objects.filter(odoo_id__in={_id(m["product_id"]) for m in moves})}
        # Pickings Floor made itself: its push names a return after its reference (in the call that
        # creates it), and writes its reference into an internal transfer's origin.
        names = {row[field] for row in rows for field in ("origin", "name") if row[field]}
        floor_made = set(Operation.objects.filter(reference__in=names).values_list("reference", flat=True))
        groups: dict[str, list] = defaultdict(list)
        for row in rows:
            if row["origin"] in floor_made or row["name"] in floor_made:
                continue
            wh, code = self.types[_id(row["picking_type_id"])]
            wanted = [
                _Line(move["id"], products[_id(move["product_id"])], _qty(move["product_qty"]))
                for move in by_picking[row["id"]]
                if move["state"] != "cancel" and _id(move["product_id"]) in products
            ]
            kind = {"incoming": "return" if row["return_id"] else "receipt", "outgoing": "order"}.get(code, "internal")
            groups[kind].append((row, wh, wanted, by_picking[row["id"]]))
        if groups["receipt"]:
            self._apply_documents(RECEIPTS, groups["receipt"], {})
        if groups["order"]:
            self._apply_documents(ORDERS, groups["order"], {})
        if groups["return"]:
            originals = {_id(row["return_id"]) for row, *_rest in groups["return"]}
            orders = {order.odoo_id: order for order in Order.objects.filter(odoo_id__in=originals)}
            self._apply_documents(RETURNS, groups["return"], {"orders": orders})
        if groups["internal"]:
            self._apply_internal(groups["internal"])

    def _apply_documents(self, doc: _Document, items: list, context: dict) -> None:
        ids = [row["id"] for row, *_rest in items]
        # Locked: a scan on one of these waits for the pull, and the pull sees the scan's work.
        existing = {d.odoo_id: d for d in doc.model.objects.select_for_update().filter(odoo_id__in=ids).order_by("pk")}
        references = [_text(row["name"], 64) for row, *_rest in items if row["id"] not in existing]
        by_reference = {d.reference: d for d in doc.model.objects.select_for_update().filter(reference__in=references)}
        lines = defaultdict(list)
        documents = [*existing.values(), *by_reference.values()]
        for line in (
            doc.line_model.objects.select_for_update()
            .filter(**{f"{doc.parent}__in": documents})
            .select_related("product")
            .order_by("pk")
        ):
            lines[getattr(line, f"{doc.parent}_id")].append(line)
        done_elsewhere = self._pushed_by_floor([row["id"] for row, *_rest in items if row["state"] == "done"])
        for row, wh, wanted, _moves in items:
            header = doc.header(row, wh, context)
            document = existing.get(row["id"])
            if document is None and header["reference"] in by_reference:
                other = by_reference[header["reference"]]
                if other.odoo_id is not None:
                    self._exception(
                        kind=doc.kind,
                        odoo_model="stock.picking",
                        odoo_id=row["id"],
                        reference=header["reference"],
                        warehouse_id=wh.floor.pk,
                        message=_(
                            "Another Floor document already has this reference: the Odoo picking was not pulled."
                        ),
                    )
                    continue
                document = other  # made in Floor before Odoo was connected
                document.odoo_id = row["id"]
                document.save(update_fields=["odoo_id"])
            if document is None:
                if row["state"] not in OPEN:
                    continue
                document = doc.model.objects.create(**header, odoo_id=row["id"])
                doc.line_model.objects.bulk_create(
                    doc.line_model(
                        **{
                            doc.parent: document,
                            "product": line.product,
                            doc.quantity: line.quantity,
                            "odoo_move_id": line.move_id,
                        }
                    )
                    for line in wanted
                )
                self._count(doc.counter, created=True)
                continue
            if self._follow(doc, document, lines[document.pk], row, header, wanted, row["id"] in done_elsewhere):
                document.save()
                self._count(doc.counter, created=False)

    def _follow(
        self, doc: _Document, document, lines: list, row: dict, header: dict, wanted: list[_Line], pushed: bool
    ) -> bool:
        """Bring one existing document in step with its picking; whether it changed. Work under way
        on the floor is never overwritten: the difference becomes a SyncException."""
        changed = _assign(document, **header)  # reference, partner, dates: no scanned work in them
        work = document.state in doc.busy or any(getattr(line, doc.work) > 0 for line in lines)
        state = row["state"]
        # Reservation moves an open picking between confirmed, waiting and assigned: not a change.
        fingerprint = _digest(
            "open" if state in OPEN else state,
            sorted((line.move_id, line.product.odoo_id, str(line.quantity)) for line in wanted),
        )

        def flag(message):
            created = self._exception(
                kind=doc.kind,
                odoo_model="stock.picking",
                odoo_id=row["id"],
                reference=document.reference,
                warehouse_id=document.warehouse_id,
                message=message,
                fingerprint=fingerprint,
            )
            if created and not document.odoo_changed:
                document.odoo_changed = True
                return True
            return False

        words = {"activity": doc.activity}
        if state == "cancel":
            if document.state != doc.cancelled:
                if work:
                    changed |= flag(
                        _(
                            "Cancelled in Odoo while %(activity)s was under way on the floor. Floor kept "
                            "its lines and its work."
                        )
                        % words
                    )
                else:
                    document.state = doc.cancelled
                    changed = True
        elif state == "done":
            # Validated in Odoo: by Floor's own push (nothing to do), or by someone in Odoo.
            if document.state not in (doc.done, doc.cancelled) and not pushed:
                if work:
                    changed |= flag(
                        _(
                            "Validated in Odoo while %(activity)s was under way on the floor. Floor kept "
                            "its lines and its work."
                        )
                        % words
                    )
                else:
                    document.state = doc.done
                    changed = True
        elif state in OPEN:
            differences = _differences(doc, lines, wanted)
            if differences and work:
                changed |= flag(
                    _(
                        "Changed in Odoo while %(activity)s was under way on the floor: %(changes)s. Floor "
                        "kept its lines."
                    )
                    % {**words, "changes": "; ".join(differences)}
                )
            elif differences:
                _replace_lines(doc, document, lines, wanted)
                changed = True
            if document.state == doc.cancelled and not work:
                document.state = doc.open  # open again in Odoo
                changed = True
        return changed

    def _pushed_by_floor(self, picking_ids: list[int]) -> set[int]:
        """Which of these pickings Floor's own push validated (an outbox operation names them)."""
        if not picking_ids:
            return set()
        pushed = set()
        rows = Operation.objects.filter(Q(payload__picking__in=picking_ids) | Q(odoo_ids__picking__in=picking_ids))
        for payload, odoo_ids in rows.values_list("payload", "odoo_ids"):
            pushed.update(value for value in (payload.get("picking"), (odoo_ids or {}).get("picking")) if value)
        return pushed

    def _recheck_open_documents(self, seen: set[int]) -> None:
        """A --full pull also reads the documents Floor holds open that Odoo no longer lists as
        open: cancelled, validated or deleted while no incremental pull saw it."""
        ids = set()
        for doc in (RECEIPTS, ORDERS, RETURNS):
            ids.update(
                doc.model.objects.exclude(state__in=[doc.done, doc.cancelled])
                .exclude(odoo_id=None)
                .values_list("odoo_id", flat=True)
            )
        ids.update(InternalPicking.objects.filter(state=InternalPicking.State.OPEN).values_list("odoo_id", flat=True))
        ids -= seen
        if not ids:
            return
        rows = self.client.read("stock.picking", sorted(ids), PICKING_FIELDS)
        rows = [row for row in rows if _id(row["picking_type_id"]) in self.types]
        for start in range(0, len(rows), PICKING_PAGE):
            self._pickings_page(rows[start : start + PICKING_PAGE])
        gone = ids - {row["id"] for row in rows}
        if gone:
            self._deleted_in_odoo(gone)

    def _deleted_in_odoo(self, gone: set[int]) -> None:
        with transaction.atomic():
            for doc in (RECEIPTS, ORDERS, RETURNS):
                for document in doc.model.objects.select_for_update().filter(odoo_id__in=gone):
                    lines = list(doc.line_model.objects.filter(**{doc.parent: document}))
                    work = document.state in doc.busy or any(getattr(line, doc.work) > 0 for line in lines)
                    if work:
                        created = self._exception(
                            kind=doc.kind,
                            odoo_model="stock.picking",
                            odoo_id=document.odoo_id,
                            reference=document.reference,
                            warehouse_id=document.warehouse_id,
                            fingerprint=_digest("deleted"),
                            message=_(
                                "Deleted in Odoo while %(activity)s was under way on the floor. Floor kept its "
                                "lines and its work."
                            )
                            % {"activity": doc.activity},
                        )
                        if created and not document.odoo_changed:
                            document.odoo_changed = True
                            document.save(update_fields=["odoo_changed"])
                    else:
                        document.state = doc.cancelled
                        document.save(update_fields=["state"])
                        self._count(doc.counter, created=False)
            closed = InternalPicking.objects.filter(odoo_id__in=gone).update(state=InternalPicking.State.CANCELLED)
            self.result.updated["internal transfers"] += closed

    def _apply_internal(self, items: list) -> None:
        """Internal transfers: no floor work is done on them yet, so they simply follow Odoo."""
        ids = [row["id"] for row, *_rest in items]
        existing = {p.odoo_id: p for p in InternalPicking.objects.filter(odoo_id__in=ids)}
        lines = defaultdict(list)
        for line in InternalPickingLine.objects.filter(picking__in=existing.values()).order_by("pk"):
            lines[line.picking_id].append(line)
        location_ids = set()
        for row, _wh, _wanted, moves in items:
            location_ids.update({_id(row["location_id"]), _id(row["location_dest_id"])})
            location_ids.update(_id(move[end]) for move in moves for end in ("location_id", "location_dest_id"))
        locations = {loc.odoo_id: loc for loc in Location.objects.filter(odoo_id__in=location_ids - {None})}
        states = {"done": InternalPicking.State.DONE, "cancel": InternalPicking.State.CANCELLED}
        for row, wh, lines_wanted, moves in items:
            state = InternalPicking.State.OPEN if row["state"] in OPEN else states.get(row["state"])
            picking = existing.get(row["id"])
            if state is None or (picking is None and state != InternalPicking.State.OPEN):
                continue
            created = picking is None
            picking = picking or InternalPicking(odoo_id=row["id"])
            changed = _assign(
                picking,
                warehouse_id=wh.floor.pk,
                reference=_text(row["name"], 64),
                state=state,
                source_id=getattr(locations.get(_id(row["location_id"])), "pk", None),
                destination_id=getattr(locations.get(_id(row["location_dest_id"])), "pk", None),
                scheduled_date=_local_date(row["scheduled_date"]),
            )
            if changed or created:
                picking.save()
            moves_by_id = {move["id"]: move for move in moves}
            wanted = (
                [
                    (
                        line.move_id,
                        line.product.pk,
                        line.quantity,
                        *(
                            getattr(locations.get(_id(moves_by_id[line.move_id][end])), "pk", None)
                            for end in ("location_id", "location_dest_id")
                        ),
                    )
                    for line in lines_wanted
                ]
                if state == InternalPicking.State.OPEN
                else None
            )
            current = [
                (line.odoo_move_id, line.product_id, line.quantity, line.source_id, line.destination_id)
                for line in lines[picking.pk]
            ]
            if wanted is not None and sorted(wanted) != sorted(current):
                InternalPickingLine.objects.filter(picking=picking).delete()
                InternalPickingLine.objects.bulk_create(
                    InternalPickingLine(
                        picking=picking,
                        odoo_move_id=move_id,
                        product_id=product_id,
                        quantity=quantity,
                        source_id=source,
                        destination_id=destination,
                    )
                    for move_id, product_id, quantity, source, destination in wanted
                )
                changed = True
            if changed or created:
                self._count("internal transfers", created=created)


def _differences(doc: _Document, lines: list, wanted: list[_Line]) -> list[str]:
    """What Odoo's moves say that Floor's lines do not, in words."""
    by_move = {line.odoo_move_id: line for line in lines if line.odoo_move_id}
    wanted_moves = {line.move_id for line in wanted}
    words = []
    for line in wanted:
        mine = by_move.get(line.move_id)
        if mine is None:
            words.append(_("%(item)s added (%(qty)s)") % {"item": line.product, "qty": _shown(line.quantity)})
        elif mine.product_id != line.product.pk:
            words.append(
                _("%(old)s replaced by %(new)s (%(qty)s)")
                % {"old": mine.product, "new": line.product, "qty": _shown(line.quantity)}
            )
        elif getattr(mine, doc.quantity) != line.quantity:
            words.append(
                _("%(item)s %(old)s → %(new)s")
                % {"item": line.product, "old": _shown(getattr(mine, doc.quantity)), "new": _shown(line.quantity)}
            )
    for line in lines:
        if line.odoo_move_id not in wanted_moves:
            words.append(
                _("%(item)s removed (was %(qty)s)") % {"item": line.product, "qty": _shown(getattr(line, doc.quantity))}
            )
    return words


def _replace_lines(doc: _Document, document, lines: list, wanted: list[_Line]) -> None:
    """Make a document with no work yet say what Odoo says: lines kept by move, changed, added, removed."""
    by_move = {line.odoo_move_id: line for line in lines if line.odoo_move_id}
    keep = set()
    for line in wanted:
        mine = by_move.get(line.move_id)
        if mine is None:
            doc.line_model.objects.create(
                **{
                    doc.parent: document,
                    "product": line.product,
                    doc.quantity: line.quantity,
                    "odoo_move_id": line.move_id,
                }
            )
            continue
        keep.add(mine.pk)
        if _assign(mine, product=line.product, **{doc.quantity: line.quantity}):
            mine.save()
    doc.line_model.objects.filter(pk__in=[line.pk for line in lines if line.pk not in keep]).delete()


DOCUMENTS = {doc.kind: doc for doc in (RECEIPTS, ORDERS, RETURNS)}


@transaction.atomic
def resolve_exception(*, exception: SyncException, actor) -> None:
    """A person has dealt with it. The document's warning goes once none of its exceptions is
    open; the same difference is not raised again, a new change in Odoo is."""
    exception = SyncException.objects.select_for_update().get(pk=exception.pk)
    if exception.resolved:
        return
    exception.resolved, exception.resolved_at, exception.resolved_by = True, timezone.now(), actor
    exception.save(update_fields=["resolved", "resolved_at", "resolved_by"])
    doc = DOCUMENTS.get(exception.kind)
    if doc is None or exception.odoo_id is None:
        return
    still_open = SyncException.objects.filter(
        odoo_model=exception.odoo_model, odoo_id=exception.odoo_id, resolved=False
    ).exists()
    if not still_open:
        doc.model.objects.filter(odoo_id=exception.odoo_id).update(odoo_changed=False)
