"""The pull's first steps: Odoo's warehouses and their picking types, then its locations (bins,
zones, the warehouse's own areas, the virtual locations, the returns location)."""

from __future__ import annotations

import logging
import re
import unicodedata

from django.db import transaction
from django.utils.translation import gettext as _

from floor.odoo.models import SyncException
from floor.odoo.pull.base import (
    LOCATION_FIELDS,
    SPECIAL_LOCATIONS,
    TYPE_FIELDS,
    VIRTUAL_USAGES,
    WAREHOUSE_FIELDS,
    Kind,
    Reader,
    _assign,
    _id,
    _text,
    _Warehouse,
)
from floor.warehouse.models import Location, Warehouse
from floor.warehouse.services import create_warehouse, location_of_kind, virtual_location

log = logging.getLogger(__name__)


def own_location_code(complete_name: str) -> str | None:
    """Floor's barcode for an Odoo location that has none, from its complete name."""
    plain = unicodedata.normalize("NFKD", complete_name or "").encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Z0-9]+", "-", plain.upper()).strip("-")[:64] or None


class Places(Reader):
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
