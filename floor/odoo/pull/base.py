"""What every step of the pull shares (floor/odoo/pull/__init__.py says what the pull does):
its settings, Odoo's fields it reads, the values as Odoo sends them, and the `Reader` every step
builds on."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from floor import events
from floor.odoo import values
from floor.odoo.client import OdooClient
from floor.odoo.models import PullCursor, SyncException
from floor.warehouse.models import Location, Product, Warehouse

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
    "odoo counts",
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
    "standard_price",  # the unit cost: Product.cost (0 in Odoo: not set)
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


# --- values as Odoo sends them (short names: they are on every line below)

_id, _label, _text, _moment = values.odoo_id, values.label, values.text, values.moment
_odoo_datetime, _local_date, _qty, _shown, _digest = (
    values.odoo_datetime,
    values.local_date,
    values.quantity,
    values.shown,
    values.digest,
)


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


class Reader:
    """What every step of a pull shares: the client, the cursors, the counts and the exceptions."""

    PRODUCT_FIELDS = PRODUCT_FIELDS

    def __init__(self, client: OdooClient, *, full: bool, opening: bool = False):
        self.client = client
        self.full = full
        self.opening = opening
        self._lot_fields: list[str] | None = None
        self._picking_fields: list[str] | None = None
        self.result = PullResult()
        self.warehouses: dict[int, _Warehouse] = {}
        self.types: dict[int, tuple[_Warehouse, str]] = {}
        self.new_tracked: list[int] = []  # items created by this pull whose lots may predate the lot cursor

    # --- reading

    def _read(self, model: str, domain: list, fields: list[str], *, context=None, page: int = 0) -> list[dict]:
        """Every record of the domain, a page at a time by id (PAGE records, unless `page` says)."""
        page = page or PAGE
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
        return self._overlapped(moment)

    @staticmethod
    def _overlapped(moment) -> str:
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
            events.floor_changed(warehouse_id)  # it waits on the warehouse's dashboards
        return created

    def _count(self, counter: str, *, created: bool) -> None:
        (self.result.created if created else self.result.updated)[counter] += 1
