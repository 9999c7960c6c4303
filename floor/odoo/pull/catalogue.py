"""The pull's items and lots: storable products with their barcodes, and the lots of known items."""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from floor.odoo.models import SyncException
from floor.odoo.pull.base import (
    PRODUCT_FIELDS,
    Reader,
    _assign,
    _id,
    _label,
    _local_date,
    _moment,
    _text,
)
from floor.warehouse.gtin import valid as valid_check_digit
from floor.warehouse.models import Lot, Product, ProductBarcode

log = logging.getLogger(__name__)


def product_code(barcode) -> tuple[str, bool] | None:
    """(code as Floor stores it, is it a GTIN) for an Odoo product barcode; None for none."""
    code = str(barcode or "").strip()
    if not code:
        return None
    if re.fullmatch(r"[0-9]{8}|[0-9]{12,14}", code) and valid_check_digit(code):
        return code.zfill(14), True
    return code[:64], False


def _cost(standard_price) -> Decimal | None:
    """Odoo's standard price as Floor's unit cost; 0, Odoo's default, is a cost nobody set."""
    cost = Decimal(str(standard_price or 0)).quantize(Decimal("0.0001"))
    return cost if cost > 0 else None


class Catalogue(Reader):
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
                cost=_cost(row["standard_price"]),
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
