"""What the stock steps share (floor/odoo/stock/__init__.py says what they do): Odoo's fields,
the ledger keys of Odoo's stock, and `Steps`, which finds Floor's records for Odoo's."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction

from floor.odoo import values
from floor.odoo.models import SyncException
from floor.warehouse.models import Location, Lot, Package, Product
from floor.warehouse.services import virtual_location

PAGE = 500
MOVES_CURSOR = "stock.move.line"
QUANT_FIELDS = ["product_id", "location_id", "lot_id", "package_id", "quantity"]
LINE_FIELDS = [
    "product_id",
    "lot_id",
    "package_id",
    "result_package_id",
    "location_id",
    "location_dest_id",
    "location_usage",
    "location_dest_usage",
    "quantity_product_uom",
    "move_id",
    "picking_id",
    "reference",
    "is_inventory",
    "date",
    "write_date",
]
PICKING_FIELDS = ["name", "origin", "state"]
# Odoo's virtual locations, by usage, as Floor's own.
USAGE_KINDS = {
    "supplier": Location.Kind.VENDOR,
    "customer": Location.Kind.CUSTOMER,
    "inventory": Location.Kind.INVENTORY_LOSS,
    "production": Location.Kind.PRODUCTION,
    "transit": Location.Kind.TRANSIT,
}
OPENING_REFERENCE = "Odoo opening balance"

_id, _qty, _text, _digest = values.odoo_id, values.quantity, values.text, values.digest


def opening_key(quant_id: int) -> str:
    return f"odoo-opening:{quant_id}"


def line_key(line_id: int, revision: int) -> str:
    return f"odoo:{line_id}" if revision == 0 else f"odoo:{line_id}:{revision}"


def floor_reference(reference) -> str:
    """An adjustment's reference without the user 19 may add after it ("FLOOR-CNT-7 (Admin)")."""
    return str(reference or "").split(" (", 1)[0]


class Steps:
    """The stock steps of one pull (`pull` is the running `floor.odoo.pull._Pull`)."""

    def __init__(self, pull, *, opening_only: bool = False):
        self.pull = pull
        self.client = pull.client
        self.opening_only = opening_only
        self.overlap = timedelta(seconds=settings.ODOO_PULL_OVERLAP_SECONDS)
        self._virtual: dict[str, Location] = {}
        self._reported: set = set()

    # --- what Floor knows of Odoo's records, fetched when missing

    def _products(self, ids: set) -> dict[int, Product]:
        ids = {i for i in ids if i}
        found = {p.odoo_id: p for p in Product.objects.filter(odoo_id__in=ids)}
        missing = sorted(ids - set(found))
        if missing:  # made in Odoo after the product step read them
            field_name, _value = self.pull.storable
            rows = self.client.read(
                "product.product", missing, [*self.pull.PRODUCT_FIELDS, field_name], context={"active_test": False}
            )
            with transaction.atomic():
                self.pull._apply_products(rows)
            found.update({p.odoo_id: p for p in Product.objects.filter(odoo_id__in=missing, active=True)})
        return {odoo: product for odoo, product in found.items() if product.active}

    def _lots(self, ids: set) -> dict[int, Lot]:
        ids = {i for i in ids if i}
        found = {lot.odoo_id: lot for lot in Lot.objects.filter(odoo_id__in=ids)}
        missing = sorted(ids - set(found))
        if missing:
            rows = self.client.read("stock.lot", missing, self.pull.lot_fields())
            with transaction.atomic():
                self.pull._apply_lots(rows, expiry="expiration_date" in self.pull.lot_fields())
            found.update({lot.odoo_id: lot for lot in Lot.objects.filter(odoo_id__in=missing)})
        return found

    def _packages(self, ids: set) -> dict[int, Package]:
        """Odoo's packages as Floor's licence plates, by id, else adopted by name, else made."""
        ids = {i for i in ids if i}
        found = {p.odoo_id: p for p in Package.objects.filter(odoo_id__in=ids)}
        missing = sorted(ids - set(found))
        if missing:
            model = "stock.package" if self.client.server_version >= (19, 0) else "stock.quant.package"
            rows = self.client.read(model, missing, ["name"])
            names = {_text(row["name"], 64) or f"ODOO-PACK-{row['id']}": row["id"] for row in rows}
            by_name = {p.barcode: p for p in Package.objects.filter(barcode__in=names)}
            for name, package_id in names.items():
                package = by_name.get(name)
                if package is not None and package.odoo_id is None:
                    package.odoo_id = package_id
                    package.save(update_fields=["odoo_id"])
                elif package is not None:  # the name is another package's: Floor's plate says which
                    package = Package.objects.create(barcode=f"ODOO-PACK-{package_id}", odoo_id=package_id)
                else:
                    package = Package.objects.create(barcode=name, odoo_id=package_id)
                found[package_id] = package
        return found

    def _virtual_location(self, kind: str) -> Location:
        if kind not in self._virtual:
            self._virtual[kind] = virtual_location(kind)
        return self._virtual[kind]

    def _report(self, *, odoo_model, odoo_id, reference, message, warehouse_id=None, once=None) -> None:
        if once is not None:
            if once in self._reported:
                return
            self._reported.add(once)
        self.pull._exception(
            kind=SyncException.Kind.STOCK,
            odoo_model=odoo_model,
            odoo_id=odoo_id,
            reference=reference,
            message=message,
            warehouse_id=warehouse_id,
        )
