"""Behaviour of the models a warehouse client uses: pickings, moves, move lines, quants, lots, packages,
and the wizards Odoo answers with (backorder, SMS, return, scrap warning, inventory conflict).

What each method does is taken from the recordings (tests/odoo_double/contract) and, where they are silent,
from Odoo's stock module as of 17.0-19.0. Stock is moved between quants exactly as Odoo does: every
location (vendors and customers too) has quants; on-hand counts internal locations only.
"""

from __future__ import annotations

import datetime as dt

from .errors import PyValueError, UserError, ValidationError
from .orm import Model, Recordset, rpc

EPS = 1e-6
SUPERUSER_ID = 1  # odoo.SUPERUSER_ID (OdooBot); admin is uid 2
ACTIVE_MOVE_STATES = ("waiting", "confirmed", "partially_available", "assigned")
BYPASS_USAGES = ("supplier", "customer", "inventory", "production", "view")

# View ids in the recorded action dicts, per version.
VIEW_IDS = {
    "17.0": {"backorder": 597, "sms": 745, "scrap_warn": 605},
    "18.0": {"backorder": 626, "sms": 778, "scrap_warn": 634},
    "19.0": {"backorder": 659, "sms": 814, "scrap_warn": 667},
}


def _q(value) -> float:
    return round(float(value or 0.0), 6)


# ====================================================================================== base data
class ResPartner(Model):
    order = "complete_name, id desc"
    parent_field = "parent_id"
    o2m = {"child_ids": ("res.partner", "parent_id")}

    def display(self, rec):
        parent = rec.get("parent_id")
        if parent and parent in self.table and rec.get("name"):
            return f"{self.display(self.table[parent])}, {rec['name']}"
        return rec.get("name") or ""

    def compute_complete_name(self, rec):
        return self.display(rec)

    def compute_commercial_partner_id(self, rec):
        seen = rec
        while seen.get("parent_id") and not seen.get("is_company") and seen["parent_id"] in self.table:
            seen = self.table[seen["parent_id"]]
        return seen["id"]

    def compute_company_type(self, rec):
        return "company" if rec.get("is_company") else "person"

    def prepare_create(self, vals, ctx, parent=None):
        vals.setdefault("active", True)
        vals.setdefault("type", "contact")
        return vals


class ResUsers(Model):
    order = "name, login"

    def prepare_create(self, vals, ctx, parent=None):
        vals.setdefault("active", True)
        vals.setdefault("company_id", 1)
        if not vals.get("partner_id"):
            vals["partner_id"] = self.env["res.partner"].new(
                {"name": vals.get("name") or vals.get("login"), "active": True}
            )
        return vals


class ResCompany(Model):
    order = "sequence, name"


class ResConfigSettings(Model):
    @rpc()
    def rpc_execute(self, ids, ctx):
        self.browse_checked(ids)
        return {"type": "ir.actions.client", "tag": "reload"}


class IrModelData(Model):
    """External ids of the records a client may look up (module.name -> model, res_id)."""

    order = "module, name, id"

    def compute_complete_name(self, rec):
        return f"{rec.get('module')}.{rec.get('name')}"

    def display(self, rec):
        return self.compute_complete_name(rec)


class UomUom(Model):
    order = "name"


# ====================================================================================== products
PRODUCT_ONLY = {
    "id",
    "display_name",
    "create_date",
    "create_uid",
    "write_date",
    "write_uid",
    "product_tmpl_id",
    "product_variant_ids",
    "product_variant_id",
    "product_variant_count",
    "qty_available",
    "virtual_available",
    "incoming_qty",
    "outgoing_qty",
    "free_qty",
}


class ProductProduct(Model):
    order = "default_code, name, id"

    def display(self, rec):
        code = rec.get("default_code")
        return f"[{code}] {rec.get('name')}" if code else (rec.get("name") or "")

    def is_storable(self, pid) -> bool:
        rec = self.table.get(pid) or {}
        if self.env.version >= "18.0":
            return bool(rec.get("is_storable"))
        return rec.get("type") == "product"

    def _on_hand(self, rec, usage=("internal",)):
        env = self.env
        locs = env["stock.location"]
        return _q(
            sum(
                q.get("quantity", 0.0)
                for q in env["stock.quant"].table.values()
                if q.get("product_id") == rec["id"] and locs.usage(q.get("location_id")) in usage
            )
        )

    def _forecast(self, rec, direction):
        env = self.env
        locs = env["stock.location"]
        total = 0.0
        for m in env["stock.move"].table.values():
            if m.get("product_id") != rec["id"] or m.get("state") not in ACTIVE_MOVE_STATES:
                continue
            src_int = locs.usage(m.get("location_id")) == "internal"
            dst_int = locs.usage(m.get("location_dest_id")) == "internal"
            if direction == "in" and dst_int and not src_int:
                total += m.get("product_uom_qty", 0.0)
            if direction == "out" and src_int and not dst_int:
                total += m.get("product_uom_qty", 0.0)
        return _q(total)

    def compute_qty_available(self, rec):
        return self._on_hand(rec)

    def compute_incoming_qty(self, rec):
        return self._forecast(rec, "in")

    def compute_outgoing_qty(self, rec):
        return self._forecast(rec, "out")

    def compute_virtual_available(self, rec):
        return _q(self._on_hand(rec) + self._forecast(rec, "in") - self._forecast(rec, "out"))

    def compute_free_qty(self, rec):
        reserved = sum(
            self.env["stock.quant"].compute_reserved_quantity(q)
            for q in self.env["stock.quant"].table.values()
            if q.get("product_id") == rec["id"] and self.env["stock.location"].usage(q.get("location_id")) == "internal"
        )
        return _q(self._on_hand(rec) - reserved)

    def compute_product_variant_ids(self, rec):  # on product.product it is the template's variants
        return [rec["id"]]

    def _barcode_check(self, barcode, own_id=None, new_name=None):
        if not barcode:
            return
        clash = [
            pid
            for pid, r in self.table.items()
            if r.get("barcode") == barcode and pid != own_id and r.get("active", True)
        ]
        if clash:
            names = [self.display(self.table[pid]) for pid in clash] + ([new_name] if new_name else [])
            joined = (
                ", ".join(names)
                if self.env.version < "18.0"
                else " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
            )
            raise ValidationError(
                f'Barcode(s) already assigned:\n\n- Barcode "{barcode}" already assigned to product(s): {joined}\n\n'
                "Note: products that you don't have access to will not be shown above."
            )

    def prepare_create(self, vals, ctx, parent=None):
        env = self.env
        if env.version < "18.0":
            if vals.get("detailed_type") and "type" not in vals:
                vals["type"] = vals["detailed_type"]
            vals.setdefault("type", vals.get("detailed_type") or "consu")
            vals.setdefault("detailed_type", vals["type"])
        else:
            vals.setdefault("type", "consu")
            vals.setdefault("is_storable", False)
            if vals["type"] != "consu":
                vals["is_storable"] = False
        vals.setdefault("tracking", "none")
        if vals.get("tracking") in ("lot", "serial") and env.version >= "18.0":
            vals["is_storable"] = True
        vals.setdefault("uom_id", 1)
        if "uom_po_id" in self.schema.fields:
            vals.setdefault("uom_po_id", vals["uom_id"])
        if "categ_id" in self.schema.fields:
            vals.setdefault("categ_id", 1)
        if "service_tracking" in self.schema.fields:
            vals.setdefault("service_tracking", "no")
        vals.setdefault("active", True)
        for flag in ("sale_ok", "purchase_ok"):
            if flag in self.schema.fields:
                vals.setdefault(flag, True)
        display = f"[{vals['default_code']}] {vals.get('name')}" if vals.get("default_code") else vals.get("name")
        self._barcode_check(vals.get("barcode"), new_name=display)
        if not vals.get("product_tmpl_id"):
            tmpl = env["product.template"]
            tvals = {k: v for k, v in vals.items() if k not in PRODUCT_ONLY and tmpl.schema.has(k)}
            vals["product_tmpl_id"] = tmpl.new(tvals)
        return vals

    def before_write(self, ids, vals, ctx):
        if "barcode" in vals:
            for pid in ids:
                self._barcode_check(vals["barcode"], own_id=pid, new_name=self.display(self.table[pid]))
        if self.env.version < "18.0" and "detailed_type" in vals:
            vals["type"] = vals["detailed_type"]
        return vals

    def after_write(self, ids, vals, old, ctx):
        tmpl = self.env["product.template"]
        shared = {k: v for k, v in vals.items() if k not in PRODUCT_ONLY and tmpl.schema.has(k)}
        if shared:
            for pid in ids:
                tid = self.table[pid].get("product_tmpl_id")
                if tid in tmpl.table:
                    tmpl.update(tid, shared)


class ProductTemplate(Model):
    order = "name, id"
    o2m = {"product_variant_ids": ("product.product", "product_tmpl_id")}

    def display(self, rec):
        code = rec.get("default_code")
        return f"[{code}] {rec.get('name')}" if code else (rec.get("name") or "")

    def compute_product_variant_id(self, rec):
        ids = self.value(rec, "product_variant_ids")
        return ids[0] if ids else False

    def compute_qty_available(self, rec):
        prods = self.env["product.product"]
        return _q(sum(prods.compute_qty_available(prods.table[p]) for p in self.value(rec, "product_variant_ids")))

    def compute_virtual_available(self, rec):
        prods = self.env["product.product"]
        return _q(sum(prods.compute_virtual_available(prods.table[p]) for p in self.value(rec, "product_variant_ids")))

    def after_create(self, rid, vals, ctx):
        prods = self.env["product.product"]
        rec = self.table[rid]
        pvals = {k: v for k, v in rec.items() if k not in PRODUCT_ONLY and prods.schema.has(k)}
        pvals["product_tmpl_id"] = rid
        prods.create_records([pvals], ctx)

    def prepare_create(self, vals, ctx, parent=None):
        return _template_defaults(self, vals)

    def after_write(self, ids, vals, old, ctx):
        prods = self.env["product.product"]
        shared = {k: v for k, v in vals.items() if k not in PRODUCT_ONLY and prods.schema.has(k)}
        if shared:
            for tid in ids:
                for pid in self.value(self.table[tid], "product_variant_ids"):
                    prods.update(pid, shared)


def _template_defaults(model: Model, vals: dict) -> dict:
    if model.env.version < "18.0":
        vals.setdefault("type", vals.get("detailed_type") or "consu")
        vals.setdefault("detailed_type", vals["type"])
    else:
        vals.setdefault("type", "consu")
        vals.setdefault("is_storable", False)
    vals.setdefault("tracking", "none")
    vals.setdefault("uom_id", 1)
    for fname, default in (("uom_po_id", vals["uom_id"]), ("categ_id", 1), ("service_tracking", "no")):
        if fname in model.schema.fields:
            vals.setdefault(fname, default)
    vals.setdefault("active", True)
    return vals


# ====================================================================================== locations
class StockLocation(Model):
    order = "complete_name, id"
    parent_field = "location_id"
    o2m = {"child_ids": ("stock.location", "location_id"), "quant_ids": ("stock.quant", "location_id")}

    def compute_complete_name(self, rec):
        parent = rec.get("location_id")
        if parent and parent in self.table and rec.get("usage") != "view":
            return f"{self.compute_complete_name(self.table[parent])}/{rec.get('name')}"
        if parent and parent in self.table and self.table[parent].get("location_id"):
            return f"{self.compute_complete_name(self.table[parent])}/{rec.get('name')}"
        return rec.get("name") or ""

    def display(self, rec):
        return self.compute_complete_name(rec)

    def usage(self, lid) -> str | None:
        rec = self.table.get(lid)
        return rec.get("usage") if rec else None

    def short_name(self, lid) -> str:
        rec = self.table.get(lid)
        return rec.get("name", "") if rec else ""

    def compute_warehouse_id(self, rec):
        whs = self.env["stock.warehouse"]
        lid = rec["id"]
        chain = set()
        while lid and lid in self.table and lid not in chain:
            chain.add(lid)
            lid = self.table[lid].get("location_id")
        for wid, wh in whs.table.items():
            if wh.get("view_location_id") in chain:
                return wid
        return False

    def child_ids_of(self, lid) -> set[int]:
        result = {lid}
        changed = True
        while changed:
            changed = False
            for rid, rec in self.table.items():
                if rid not in result and rec.get("location_id") in result:
                    result.add(rid)
                    changed = True
        return result

    def prepare_create(self, vals, ctx, parent=None):
        vals.setdefault("usage", "internal")
        vals.setdefault("active", True)
        vals.setdefault("company_id", 1)
        self._check_barcode(vals.get("barcode"), None, vals.get("company_id"))
        return vals

    # --- the count schedule: a location counted every N days (cyclic_inventory_frequency)
    SCHEDULE_INPUTS = frozenset({"cyclic_inventory_frequency", "last_inventory_date", "usage", "company_id"})

    def after_create(self, rid, vals, ctx):
        self.schedule(rid)

    def after_write(self, ids, vals, old, ctx):
        if self.SCHEDULE_INPUTS & set(vals):
            for lid in ids:
                self.schedule(lid)

    def schedule(self, lid):
        """_compute_next_inventory_date (17-19): stored, so it moves only when its inputs do; a
        location already overdue when they change is due tomorrow."""
        rec = self.table[lid]
        today = self.env.now().date()
        every = rec.get("cyclic_inventory_frequency") or 0
        if not (rec.get("company_id") and rec.get("usage") in ("internal", "transit") and every > 0):
            rec["next_inventory_date"] = False
            return
        last = rec.get("last_inventory_date")
        if not last:
            due = today + dt.timedelta(days=every)
        elif every - (today - dt.date.fromisoformat(last)).days <= 0:
            due = today + dt.timedelta(days=1)
        else:
            due = dt.date.fromisoformat(last) + dt.timedelta(days=every)
        rec["next_inventory_date"] = due.isoformat()

    def next_count_date(self, lid) -> str | bool:
        """_get_next_inventory_date: the date a quant here is next due a count. The location's
        cyclic date, else the company's annual count (31 December, Odoo's default); 19 takes the
        earlier of the two."""
        rec = self.table.get(lid)
        if not rec or rec.get("usage") not in ("internal", "transit"):
            return False
        today = self.env.now().date()
        annual = dt.date(today.year, 12, 31)
        if annual <= today:
            annual = dt.date(today.year + 1, 12, 31)
        cyclic = rec.get("next_inventory_date")
        if not cyclic:
            return annual.isoformat()
        if self.env.version >= "19.0":
            return min(cyclic, annual.isoformat())
        return cyclic

    def before_write(self, ids, vals, ctx):
        if vals.get("barcode"):
            for lid in ids:
                self._check_barcode(vals["barcode"], lid, self.table[lid].get("company_id"))
        return vals

    def _check_barcode(self, barcode, own, company):
        if barcode and any(
            r.get("barcode") == barcode and rid != own and r.get("company_id") == company
            for rid, r in self.table.items()
        ):
            raise ValidationError("The barcode for a location must be unique per company!")


class StockWarehouse(Model):
    order = "sequence, id"


class StockPickingType(Model):
    order = "sequence, id"

    def display(self, rec):
        wh = self.env["stock.warehouse"].table.get(rec.get("warehouse_id"))
        return f"{wh['name']}: {rec.get('name')}" if wh else (rec.get("name") or "")


# ====================================================================================== lots, packages
class StockLot(Model):
    order = "name, id"
    o2m = {"quant_ids": ("stock.quant", "lot_id")}

    def compute_product_qty(self, rec):
        locs = self.env["stock.location"]
        return _q(
            sum(
                q.get("quantity", 0.0)
                for q in self.env["stock.quant"].table.values()
                if q.get("lot_id") == rec["id"] and locs.usage(q.get("location_id")) == "internal"
            )
        )

    def prepare_create(self, vals, ctx, parent=None):
        vals.setdefault("company_id", 1)
        self._check_unique(vals.get("name"), vals.get("product_id"), None)
        return vals

    def before_write(self, ids, vals, ctx):
        for lid in ids:
            rec = self.table[lid]
            self._check_unique(vals.get("name", rec.get("name")), vals.get("product_id", rec.get("product_id")), lid)
        return vals

    def _check_unique(self, name, product_id, own):
        if any(
            r.get("name") == name and r.get("product_id") == product_id and rid != own for rid, r in self.table.items()
        ):
            prod = self.env["product.product"].display_name_of(product_id)
            raise ValidationError(
                "The combination of serial number and product must be unique across a company.\n"
                f"Following combination contains duplicates:\n - Product: {prod}, "
                f"Serial Number: {name}"
            )

    def find_or_create(self, name, product_id) -> int:
        for rid, rec in self.table.items():
            if rec.get("name") == name and rec.get("product_id") == product_id:
                return rid
        return self.new({"name": name, "product_id": product_id, "company_id": 1})


class StockPackage(Model):
    """stock.quant.package (17/18) or stock.package (19)."""

    order = "name, id"
    o2m = {"quant_ids": ("stock.quant", "package_id")}

    def compute_location_id(self, rec):
        for q in self.env["stock.quant"].table.values():
            if q.get("package_id") == rec["id"] and abs(q.get("quantity", 0.0)) > EPS:
                return q.get("location_id")
        return rec.get("location_id", False)

    def prepare_create(self, vals, ctx, parent=None):
        if not vals.get("name"):
            vals["name"] = f"PACK{self.env.next_seq('package'):07d}"
        else:
            self.env.next_seq("package")
        if "package_use" in self.schema.fields:
            vals.setdefault("package_use", "disposable")
        vals.setdefault("company_id", 1)
        return vals


# ====================================================================================== quants
class StockQuant(Model):
    order = "id"

    def compute_reserved_quantity(self, rec):
        total = 0.0
        moves = self.env["stock.move"]
        for line in self.env["stock.move.line"].table.values():
            move = moves.table.get(line.get("move_id"))
            if not move or move.get("state") in ("done", "cancel", "draft"):
                continue
            if (
                line.get("product_id"),
                line.get("location_id"),
                line.get("lot_id") or False,
                line.get("package_id") or False,
            ) == (
                rec.get("product_id"),
                rec.get("location_id"),
                rec.get("lot_id") or False,
                rec.get("package_id") or False,
            ):
                total += line.get("quantity", 0.0)
        return _q(total)

    def compute_available_quantity(self, rec):
        return _q(rec.get("quantity", 0.0) - self.compute_reserved_quantity(rec))

    def compute_inventory_date(self, rec):
        # Stored when the quant is made (`schedule_count`) and writable ("Request a Count" writes
        # it); a later change of the location's cycle leaves it alone (facts.json).
        if "inventory_date" in rec:
            return rec["inventory_date"]
        return self.env["stock.location"].next_count_date(rec.get("location_id"))

    def schedule_count(self, rid):
        """_compute_inventory_date on a new quant: the location's next count date."""
        rec = self.table[rid]
        rec.setdefault("inventory_date", self.env["stock.location"].next_count_date(rec.get("location_id")))

    def compute_is_outdated(self, rec):
        if not rec.get("inventory_quantity_set"):
            return False
        counted_on = rec.get("inventory_quantity", 0.0) - rec.get("inventory_diff_quantity", 0.0)
        return abs(counted_on - rec.get("quantity", 0.0)) > EPS

    def compute_inventory_quantity_auto_apply(self, rec):
        return _q(rec.get("quantity", 0.0))

    def compute_product_tmpl_id(self, rec):
        prod = self.env["product.product"].table.get(rec.get("product_id"))
        return prod.get("product_tmpl_id", False) if prod else False

    def compute_product_uom_id(self, rec):
        prod = self.env["product.product"].table.get(rec.get("product_id"))
        return prod.get("uom_id", False) if prod else False

    def compute_tracking(self, rec):
        prod = self.env["product.product"].table.get(rec.get("product_id"))
        return prod.get("tracking", "none") if prod else "none"

    def compute_warehouse_id(self, rec):
        locs = self.env["stock.location"]
        loc = locs.table.get(rec.get("location_id"))
        return locs.compute_warehouse_id(loc) if loc else False

    def compute_on_hand(self, rec):
        return self.env["stock.location"].usage(rec.get("location_id")) == "internal"

    def display(self, rec):
        locs, prods = self.env["stock.location"], self.env["product.product"]
        return f"{locs.display_name_of(rec.get('location_id'))} - {prods.display_name_of(rec.get('product_id'))}"

    def find(self, product_id, location_id, lot_id=False, package_id=False) -> int | None:
        for rid, rec in self.table.items():
            if (
                rec.get("product_id"),
                rec.get("location_id"),
                rec.get("lot_id") or False,
                rec.get("package_id") or False,
            ) == (product_id, location_id, lot_id or False, package_id or False):
                return rid
        return None

    def add(self, product_id, location_id, qty, lot_id=False, package_id=False) -> int:
        """Odoo's _update_available_quantity: on-hand moves, reservations follow the move lines."""
        rid = self.find(product_id, location_id, lot_id, package_id)
        if rid is None:
            rid = self.new(
                {
                    "product_id": product_id,
                    "location_id": location_id,
                    "lot_id": lot_id or False,
                    "package_id": package_id or False,
                    "quantity": 0.0,
                    "inventory_quantity": 0.0,
                    "inventory_diff_quantity": 0.0,
                    "inventory_quantity_set": False,
                    "in_date": self.env.now_str(),
                    "company_id": 1,
                    "user_id": False,
                }
            )
            self.schedule_count(rid)
            if self.env.version < "19.0":
                # 17/18 store inventory_diff_quantity when the quant is created and leave it stale as stock
                # moves (it depends on inventory_quantity only): the recordings show -6.0 on an uncounted quant.
                self.table[rid]["inventory_diff_quantity"] = _q(-qty)
        rec = self.table[rid]
        self.update(rid, {"quantity": _q(rec.get("quantity", 0.0) + qty)})
        return rid

    def available(self, product_id, location_id, lot_id=None, package_id=None, children=True) -> list[tuple]:
        """[(quant_id, free qty)] in FIFO order (in_date, id)."""
        locs = self.env["stock.location"].child_ids_of(location_id) if children else {location_id}
        out = []
        for rid, rec in sorted(self.table.items(), key=lambda kv: (kv[1].get("in_date") or "", kv[0])):
            if rec.get("product_id") != product_id or rec.get("location_id") not in locs:
                continue
            if lot_id is not None and (rec.get("lot_id") or False) != (lot_id or False):
                continue
            if package_id is not None and (rec.get("package_id") or False) != (package_id or False):
                continue
            free = rec.get("quantity", 0.0) - self.compute_reserved_quantity(rec)
            if free > EPS:
                out.append((rid, free))
        return out

    def _inventory_mode(self, ctx) -> bool:
        return bool(ctx.get("inventory_mode"))

    @rpc(api_model=True)
    def rpc_create(self, ctx, vals_list):
        single = isinstance(vals_list, dict)
        ids = []
        for vals in [vals_list] if single else list(vals_list):
            vals = dict(vals)
            if self._inventory_mode(ctx) and ("inventory_quantity" in vals or "inventory_quantity_auto_apply" in vals):
                for fname in vals:
                    if not self.schema.has(fname):
                        raise self.invalid_field(fname, "create")
                product = self.convert("product_id", vals.get("product_id"), "create")
                location = self.convert("location_id", vals.get("location_id"), "create")
                lot = self.convert("lot_id", vals.get("lot_id", False), "create")
                package = self.convert("package_id", vals.get("package_id", False), "create")
                rid = self.find(product, location, lot, package)
                if rid is None:
                    rid = self.create_records(
                        [{"product_id": product, "location_id": location, "lot_id": lot, "package_id": package}], ctx
                    )[0]
                rest = {k: v for k, v in vals.items() if k not in ("product_id", "location_id", "lot_id", "package_id")}
                if rest:
                    self.write_records([rid], rest, ctx)
                if "inventory_quantity" in vals:
                    # stock.quant.create in inventory mode: the counting user is the quant's user_id (17-19).
                    self.table[rid]["user_id"] = self.convert("user_id", vals.get("user_id", self.env.uid), "create")
                ids.append(rid)
            else:
                ids.extend(self.create_records([vals], ctx, apply_context_defaults=True))
        return ids[0] if single else ids

    def prepare_create(self, vals, ctx, parent=None):
        vals.setdefault("quantity", 0.0)
        vals.setdefault("inventory_quantity", 0.0)
        vals.setdefault("inventory_diff_quantity", 0.0)
        vals.setdefault("inventory_quantity_set", False)
        vals.setdefault("in_date", self.env.now_str())
        vals.setdefault("company_id", 1)
        vals.pop("reserved_quantity", None)
        return vals

    def after_create(self, rid, vals, ctx):
        self.schedule_count(rid)

    def before_write(self, ids, vals, ctx):
        vals = dict(vals)
        vals.pop("reserved_quantity", None)
        auto = vals.pop("inventory_quantity_auto_apply", None)
        if auto is not None:
            for rid in ids:
                self._apply(rid, float(auto))
        return vals

    def after_write(self, ids, vals, old, ctx):
        if "inventory_quantity" in vals:
            for rid in ids:
                rec = self.table[rid]
                rec["inventory_quantity_set"] = True
                rec["inventory_diff_quantity"] = _q(rec.get("inventory_quantity", 0.0) - rec.get("quantity", 0.0))
        if vals.get("inventory_quantity_set") is False:
            for rid in ids:
                self.table[rid].update(inventory_quantity=0.0, inventory_diff_quantity=0.0)

    def _apply(self, rid, counted: float, keep_count: bool = False, ctx=None):
        """Make the quant hold `counted` through a done inventory move, as action_apply_inventory does
        (`keep_count`: leave a pending count on the quant alone, for seeding stock). Odoo names the
        move after the context's `inventory_name` when there is one (stock.quant
        _get_inventory_move_values); 19 keeps it in the move's own `inventory_name` field too."""
        env = self.env
        rec = self.table[rid]
        diff = _q(counted - rec.get("quantity", 0.0))
        inv_loc = env.double_ids["inventory_loss"]
        src, dst = (inv_loc, rec["location_id"]) if diff > 0 else (rec["location_id"], inv_loc)
        moves = env["stock.move"]
        users = env["res.users"]
        given = (ctx or {}).get("inventory_name")
        name = given or ("Product Quantity Updated" if abs(diff) > EPS else "Product Quantity Confirmed")
        counter = rec.get("user_id")
        if env.version < "19.0" and counter and counter != SUPERUSER_ID:
            # 17/18 _get_inventory_move_values: the quant's user (the one who counted, when Odoo set it)
            # is appended to the name, the inventory_name too.
            name = f"{name} ({users.display_name_of(counter)})"
        vals = {
            "product_id": rec["product_id"],
            "product_uom_qty": abs(diff),
            "location_id": src,
            "location_dest_id": dst,
            "state": "done",
            "is_inventory": True,
            "picked": True,
            "company_id": 1,
            "date": env.now_str(),
            "procure_method": "make_to_stock",
            "product_uom": env["product.product"].table[rec["product_id"]].get("uom_id", 1),
        }
        if "name" in moves.schema.fields:
            vals["name"] = name
        if "inventory_name" in moves.schema.fields and given:  # 19: only the context's inventory_name
            vals["inventory_name"] = name
        mid = moves.new(vals)
        if env.version >= "19.0" and not given and env.uid != SUPERUSER_ID:
            # 19 stock.move._compute_reference: the move's creator is appended (Odoo's user doing it).
            name = f"{name} ({users.display_name_of(moves.table[mid]['create_uid'])})"
        moves.table[mid]["reference"] = name
        env["stock.move.line"].new(
            {
                "move_id": mid,
                "product_id": rec["product_id"],
                "quantity": abs(diff),
                "picked": True,
                "location_id": src,
                "location_dest_id": dst,
                "lot_id": rec.get("lot_id") or False,
                "package_id": rec.get("package_id") or False if diff < 0 else False,
                "result_package_id": rec.get("package_id") or False if diff > 0 else False,
                "product_uom_id": vals["product_uom"],
                "company_id": 1,
                "date": env.now_str(),
                "is_inventory": True,
                "reference": name,
            }
        )
        self.add(rec["product_id"], inv_loc, -diff, rec.get("lot_id"), False)
        if keep_count:
            self.update(rid, {"quantity": _q(counted)})
            return
        done = {
            "quantity": _q(counted),
            "inventory_quantity": 0.0,
            "inventory_diff_quantity": 0.0,
            "inventory_quantity_set": False,
            "user_id": False,  # _apply_inventory clears the count's user (17-19)
        }
        if "last_count_date" in self.schema.fields:
            done["last_count_date"] = env.now().strftime("%Y-%m-%d")
        # _apply_inventory: the location was counted today, and the quant is next due by its schedule.
        locations = env["stock.location"]
        locations.update(rec["location_id"], {"last_inventory_date": env.now().strftime("%Y-%m-%d")})
        locations.schedule(rec["location_id"])
        done["inventory_date"] = locations.next_count_date(rec["location_id"])
        self.update(rid, done)

    @rpc()
    def rpc_action_apply_inventory(self, ids, ctx):
        ids = self.browse_checked(ids)
        outdated = [rid for rid in ids if self.compute_is_outdated(self.table[rid])]
        if outdated:
            return {
                "name": "Conflict in Inventory Adjustment",
                "type": "ir.actions.act_window",
                "view_mode": "form",
                "views": [[False, "form"]],
                "res_model": "stock.inventory.conflict",
                "target": "new",
                "context": {**ctx, "default_quant_ids": ids, "default_quant_to_fix_ids": outdated},
            }
        for rid in ids:
            rec = self.table[rid]
            if rec.get("inventory_quantity_set"):
                self._apply(rid, rec.get("inventory_quantity", 0.0), ctx=ctx)
        return None

    @rpc()
    def rpc_action_clear_inventory_quantity(self, ids, ctx):
        for rid in self.browse_checked(ids):
            self.update(
                rid,
                {
                    "inventory_quantity": 0.0,
                    "inventory_diff_quantity": 0.0,
                    "inventory_quantity_set": False,
                    "user_id": False,
                },
            )
        return None

    @rpc()
    def rpc_action_set_inventory_quantity(self, ids, ctx):
        for rid in self.browse_checked(ids):
            rec = self.table[rid]
            self.write_records([rid], {"inventory_quantity": rec.get("quantity", 0.0)}, ctx)
            rec["user_id"] = self.env.uid  # the user who pressed Set counts it (17-19 source)
        return None


class StockInventoryConflict(Model):
    @rpc()
    def rpc_action_keep_counted_quantity(self, ids, ctx):
        quants = self.env["stock.quant"]
        for wid in self.browse_checked(ids):
            for qid in self.value(self.table[wid], "quant_ids"):
                rec = quants.table[qid]
                if rec.get("inventory_quantity_set"):
                    quants._apply(qid, rec.get("inventory_quantity", 0.0), ctx=ctx)
        return None

    @rpc()
    def rpc_action_keep_difference(self, ids, ctx):
        quants = self.env["stock.quant"]
        for wid in self.browse_checked(ids):
            to_fix = set(self.value(self.table[wid], "quant_to_fix_ids"))
            for qid in self.value(self.table[wid], "quant_ids"):
                rec = quants.table[qid]
                if not rec.get("inventory_quantity_set"):
                    continue
                counted = rec.get("inventory_quantity", 0.0)
                if qid in to_fix:
                    counted = rec.get("quantity", 0.0) + rec.get("inventory_diff_quantity", 0.0)
                quants._apply(qid, counted, ctx=ctx)
        return None


# ====================================================================================== moves
class StockMove(Model):
    order = "sequence, id"
    o2m = {
        "move_line_ids": ("stock.move.line", "move_id"),
        "returned_move_ids": ("stock.move", "origin_returned_move_id"),
    }

    def display(self, rec):
        env = self.env
        picking = env["stock.picking"].table.get(rec.get("picking_id"))
        origin = picking.get("origin") if picking else False
        prod = env["product.product"].table.get(rec.get("product_id")) or {}
        code = prod.get("default_code")
        locs = env["stock.location"]
        return (
            f"{origin + '/' if origin else ''}{code + ': ' if code else ''}"
            f"{locs.short_name(rec.get('location_id'))}>{locs.short_name(rec.get('location_dest_id'))}"
        )

    def lines(self, mid) -> list[int]:
        return self.env["stock.move.line"].sort_ids(
            [lid for lid, ln in self.env["stock.move.line"].table.items() if ln.get("move_id") == mid], "id"
        )

    def compute_quantity(self, rec):
        lines = self.env["stock.move.line"].table
        return _q(sum(lines[lid].get("quantity", 0.0) for lid in self.lines(rec["id"])))

    def compute_product_qty(self, rec):
        return _q(rec.get("product_uom_qty", 0.0))

    def compute_picked(self, rec):
        lines = self.lines(rec["id"])
        if lines:
            return any(self.env["stock.move.line"].table[lid].get("picked") for lid in lines)
        return bool(rec.get("picked"))

    def compute_reference(self, rec):
        picking = self.env["stock.picking"].table.get(rec.get("picking_id"))
        if picking:
            return picking.get("name")
        return rec.get("reference") or rec.get("name") or False

    def compute_picking_code(self, rec):
        ptype = self.env["stock.picking.type"].table.get(rec.get("picking_type_id"))
        return ptype.get("code") if ptype else False

    def compute_location_usage(self, rec):  # related location_id.usage
        return self.env["stock.location"].usage(rec.get("location_id")) or False

    def compute_location_dest_usage(self, rec):  # related location_dest_id.usage
        return self.env["stock.location"].usage(rec.get("location_dest_id")) or False

    def compute_is_storable(self, rec):
        return self.env["product.product"].is_storable(rec.get("product_id"))

    def compute_has_tracking(self, rec):
        prod = self.env["product.product"].table.get(rec.get("product_id")) or {}
        return prod.get("tracking", "none")

    def compute_product_tmpl_id(self, rec):
        prod = self.env["product.product"].table.get(rec.get("product_id")) or {}
        return prod.get("product_tmpl_id", False)

    def bypasses_reservation(self, rec) -> bool:
        usage = self.env["stock.location"].usage(rec.get("location_id"))
        return usage in BYPASS_USAGES or not self.env["product.product"].is_storable(rec.get("product_id"))

    def prepare_create(self, vals, ctx, parent=None):
        env = self.env
        picking = env["stock.picking"].table.get(vals.get("picking_id"))
        if picking:
            vals.setdefault("location_id", picking.get("location_id"))
            vals.setdefault("location_dest_id", picking.get("location_dest_id"))
            vals.setdefault("picking_type_id", picking.get("picking_type_id"))
            vals.setdefault("partner_id", picking.get("partner_id") or False)
            # stock.move.origin is not taken from the picking: it stayed False on every recorded move, also
            # when the picking had an origin (facts.json stock_truth.move_origin).
        prod = env["product.product"].table.get(vals.get("product_id")) or {}
        if prod:
            vals.setdefault("product_uom", prod.get("uom_id", 1))
        vals.setdefault("state", "draft")
        vals.setdefault("company_id", 1)
        vals.setdefault("date", env.now_str())
        vals.setdefault("procure_method", "make_to_stock")
        vals.setdefault("product_uom_qty", 0.0)
        vals.setdefault("sequence", 10)
        vals.pop("quantity", None) if "quantity" in vals and not vals.get("quantity") else None
        self._pending_quantity = vals.pop("quantity", None)
        self._pending_picked = vals.get("picked")
        return vals

    def after_create(self, rid, vals, ctx):
        rec = self.table[rid]
        pending = getattr(self, "_pending_quantity", None)
        if pending:
            self.set_quantity(rid, float(pending))
            if self._pending_picked:
                self.set_picked(rid, True)
        picking = self.env["stock.picking"].table.get(rec.get("picking_id"))
        if picking and rec.get("state") == "draft":
            pstate = self.env["stock.picking"].compute_state(picking, ignore=rid)
            if pstate not in ("draft", "done", "cancel"):
                self.confirm([rid])
                self.assign([rid])

    def before_write(self, ids, vals, ctx):
        vals = dict(vals)
        self._write_quantity = vals.pop("quantity", None)
        self._write_picked = vals.pop("picked", None)
        return vals

    def after_write(self, ids, vals, old, ctx):
        lines = self.env["stock.move.line"]
        for mid in ids:
            rec = self.table[mid]
            if self._write_quantity is not None:
                self.set_quantity(mid, float(self._write_quantity))
            if self._write_picked is not None:
                self.set_picked(mid, bool(self._write_picked))
            for key in ("location_id", "location_dest_id"):
                if key in vals and rec.get("state") not in ("done", "cancel"):
                    for lid in self.lines(mid):
                        lines.update(lid, {key: vals[key]})
            self.recompute_state(mid)

    def before_unlink(self, ids, ctx):
        for mid in ids:
            if self.table[mid].get("state") not in ("draft", "cancel"):
                raise UserError("You can only delete draft or cancelled moves.")
        for mid in ids:
            for lid in self.lines(mid):
                self.env["stock.move.line"].delete(lid)

    # ---- quantity plumbing
    def set_picked(self, mid, picked: bool):
        rec = self.table[mid]
        rec["picked"] = picked
        for lid in self.lines(mid):
            self.env["stock.move.line"].update(lid, {"picked": picked})
        self.touch(mid)

    def set_quantity(self, mid, qty: float):
        lines = self.env["stock.move.line"]
        rec = self.table[mid]
        if rec.get("state") == "done":
            # Editing a done move edits its lines, which moves the stock at once (as in Odoo).
            done_lines = self.lines(mid)
            if done_lines:
                last = done_lines[-1]
                delta = qty - self.compute_quantity(rec)
                lines.write_records([last], {"quantity": _q(lines.table[last].get("quantity", 0.0) + delta)}, {})
            return
        current = self.lines(mid)
        total = self.compute_quantity(rec)
        if not current:
            if qty > EPS:
                self.new_line(mid, qty)
        elif qty >= total:
            last = current[-1]
            lines.update(last, {"quantity": _q(lines.table[last].get("quantity", 0.0) + qty - total)})
        else:
            to_remove = total - qty
            for lid in reversed(current):
                have = lines.table[lid].get("quantity", 0.0)
                if to_remove <= EPS:
                    break
                take = min(have, to_remove)
                to_remove -= take
                if have - take <= EPS and len(self.lines(mid)) > 1:
                    lines.delete(lid)
                else:
                    lines.update(lid, {"quantity": _q(have - take)})
        self.touch(mid)
        self.recompute_state(mid)

    def new_line(self, mid, qty, location_id=None, lot_id=False, package_id=False) -> int:
        rec = self.table[mid]
        return self.env["stock.move.line"].new(
            {
                "move_id": mid,
                "picking_id": rec.get("picking_id") or False,
                "product_id": rec.get("product_id"),
                "product_uom_id": rec.get("product_uom"),
                "quantity": _q(qty),
                "picked": bool(rec.get("picked")),
                "location_id": location_id or rec.get("location_id"),
                "location_dest_id": rec.get("location_dest_id"),
                "lot_id": lot_id or False,
                "lot_name": False,
                "package_id": package_id or False,
                "result_package_id": False,
                "company_id": rec.get("company_id", 1),
                "date": self.env.now_str(),
            }
        )

    def recompute_state(self, mid):
        rec = self.table[mid]
        if rec.get("state") in ("draft", "cancel", "done"):
            return
        qty = self.compute_quantity(rec)
        demand = rec.get("product_uom_qty", 0.0)
        if qty >= demand - EPS and (qty > EPS or demand <= EPS):
            state = "assigned"
        elif qty > EPS:
            state = "partially_available"
        else:
            state = "confirmed"
        if state != rec.get("state"):
            self.update(mid, {"state": state})
            self.env["stock.picking"].touch(rec.get("picking_id"))

    def confirm(self, ids):
        for mid in ids:
            if self.table[mid].get("state") == "draft":
                self.update(mid, {"state": "confirmed"})

    def assign(self, ids):
        """Reserve: moves from non-internal locations get their full demand as a line (one per unit for
        serial-tracked goods); moves from internal locations take free quants under the source, FIFO."""
        env = self.env
        quants, prods = env["stock.quant"], env["product.product"]
        for mid in ids:
            rec = self.table[mid]
            if rec.get("state") not in ("confirmed", "partially_available", "waiting", "assigned"):
                continue
            need = rec.get("product_uom_qty", 0.0) - self.compute_quantity(rec)
            if need <= EPS:
                self.recompute_state(mid)
                continue
            serial = (prods.table.get(rec.get("product_id")) or {}).get("tracking") == "serial"
            if self.bypasses_reservation(rec):
                if serial and abs(need - round(need)) < EPS:
                    for _ in range(round(need)):
                        self.new_line(mid, 1.0)
                elif self.lines(mid) and len(self.lines(mid)) == 1:
                    lid = self.lines(mid)[0]
                    lines = env["stock.move.line"]
                    lines.update(lid, {"quantity": _q(lines.table[lid].get("quantity", 0.0) + need)})
                else:
                    self.new_line(mid, need)
            else:
                for qid, free in quants.available(rec.get("product_id"), rec.get("location_id")):
                    if need <= EPS:
                        break
                    take = min(free, need)
                    q = quants.table[qid]
                    existing = [
                        lid
                        for lid in self.lines(mid)
                        if (
                            env["stock.move.line"].table[lid].get("location_id"),
                            env["stock.move.line"].table[lid].get("lot_id") or False,
                            env["stock.move.line"].table[lid].get("package_id") or False,
                        )
                        == (q.get("location_id"), q.get("lot_id") or False, q.get("package_id") or False)
                    ]
                    if existing:
                        ml = env["stock.move.line"]
                        ml.update(existing[0], {"quantity": _q(ml.table[existing[0]].get("quantity", 0.0) + take)})
                    else:
                        self.new_line(mid, take, q.get("location_id"), q.get("lot_id"), q.get("package_id"))
                    need -= take
            self.recompute_state(mid)

    def unreserve(self, ids):
        lines = self.env["stock.move.line"]
        for mid in ids:
            rec = self.table[mid]
            if rec.get("state") in ("cancel", "done", "draft"):
                continue
            for lid in self.lines(mid):
                if not lines.table[lid].get("picked"):
                    lines.delete(lid)
            self.touch(mid)
            self.recompute_state(mid)


class StockMoveLine(Model):
    order = "result_package_id desc, id"

    def display(self, rec):
        move = self.env["stock.move"].table.get(rec.get("move_id"))
        if move:
            return self.env["stock.move"].display(move)
        return rec.get("reference") or f"{self.name},{rec['id']}"

    def compute_state(self, rec):
        move = self.env["stock.move"].table.get(rec.get("move_id"))
        return move.get("state") if move else rec.get("state", "draft")

    def compute_reference(self, rec):
        picking = self.env["stock.picking"].table.get(rec.get("picking_id"))
        return picking.get("name") if picking else rec.get("reference", False)

    def compute_tracking(self, rec):
        prod = self.env["product.product"].table.get(rec.get("product_id")) or {}
        return prod.get("tracking", "none")

    def compute_picking_code(self, rec):
        picking = self.env["stock.picking"].table.get(rec.get("picking_id"))
        if not picking:
            return False
        ptype = self.env["stock.picking.type"].table.get(picking.get("picking_type_id"))
        return ptype.get("code") if ptype else False

    def compute_picking_type_id(self, rec):
        picking = self.env["stock.picking"].table.get(rec.get("picking_id"))
        return picking.get("picking_type_id") if picking else False

    def compute_quantity_product_uom(self, rec):
        return _q(rec.get("quantity", 0.0))

    def compute_is_inventory(self, rec):
        move = self.env["stock.move"].table.get(rec.get("move_id"))
        return bool(move and move.get("is_inventory"))

    def compute_origin(self, rec):  # related move_id.origin
        move = self.env["stock.move"].table.get(rec.get("move_id"))
        return (move.get("origin") or False) if move else False

    def compute_location_usage(self, rec):
        return self.env["stock.location"].usage(rec.get("location_id")) or False

    def compute_location_dest_usage(self, rec):
        return self.env["stock.location"].usage(rec.get("location_dest_id")) or False

    def prepare_create(self, vals, ctx, parent=None):
        env = self.env
        moves = env["stock.move"]
        move = moves.table.get(vals.get("move_id"))
        picking = env["stock.picking"].table.get(vals.get("picking_id") or (move or {}).get("picking_id"))
        if not move and picking and vals.get("product_id"):
            same = [
                mid
                for mid, m in moves.table.items()
                if m.get("picking_id") == picking["id"]
                and m.get("product_id") == vals["product_id"]
                and m.get("state") not in ("done", "cancel")
            ]
            if same:
                move = moves.table[same[0]]
            else:
                mvals = {"picking_id": picking["id"], "product_id": vals["product_id"], "product_uom_qty": 0.0}
                if "name" in moves.schema.fields:
                    mvals["name"] = env["product.product"].table[vals["product_id"]].get("name")
                mid = moves.create_records([mvals], {})[0]
                move = moves.table[mid]
            vals["move_id"] = move["id"]
        if move:
            vals.setdefault("product_id", move.get("product_id"))
            vals.setdefault("location_id", move.get("location_id"))
            vals.setdefault("location_dest_id", move.get("location_dest_id"))
            vals.setdefault("product_uom_id", move.get("product_uom"))
            vals.setdefault("picking_id", move.get("picking_id") or False)
        if picking:
            vals.setdefault("location_id", picking.get("location_id"))
            vals.setdefault("location_dest_id", picking.get("location_dest_id"))
        prod = env["product.product"].table.get(vals.get("product_id")) or {}
        vals.setdefault("product_uom_id", prod.get("uom_id", 1))
        vals.setdefault("company_id", 1)
        vals.setdefault("date", env.now_str())
        vals.setdefault("quantity", 0.0)
        vals.setdefault("picked", False)
        return vals

    def after_create(self, rid, vals, ctx):
        move_id = self.table[rid].get("move_id")
        moves = self.env["stock.move"]
        if move_id in moves.table:
            moves.touch(move_id)
            if moves.table[move_id].get("state") == "done":
                self._apply_done(self.table[rid], +1)
            moves.recompute_state(move_id)

    def before_write(self, ids, vals, ctx):
        self._done_before = {lid: dict(self.table[lid]) for lid in ids if self.compute_state(self.table[lid]) == "done"}
        return vals

    def after_write(self, ids, vals, old, ctx):
        moves = self.env["stock.move"]
        for lid in ids:
            rec = self.table[lid]
            if lid in self._done_before:
                # Odoo lets a done line be edited and moves the stock at once (facts.json done_line_edit).
                self._apply_done(self._done_before[lid], -1)
                self._apply_done(rec, +1)
            mid = rec.get("move_id")
            if mid in moves.table:
                if "picked" in vals:
                    moves.table[mid]["picked"] = moves.compute_picked(moves.table[mid])
                moves.touch(mid)
                moves.recompute_state(mid)
                if rec.get("picking_id") in self.env["stock.picking"].table:
                    self.env["stock.picking"].touch(rec["picking_id"])

    def before_unlink(self, ids, ctx):
        for lid in ids:
            if self.compute_state(self.table[lid]) == "done":
                raise UserError(
                    "You can not delete product moves if the picking is done. You can only correct the done quantities."
                )
        self._unlinked_moves = {self.table[lid].get("move_id") for lid in ids}

    def unlink_records(self, ids, ctx):
        super().unlink_records(ids, ctx)
        moves = self.env["stock.move"]
        for mid in self._unlinked_moves:
            if mid in moves.table:
                moves.recompute_state(mid)
        return True

    def _apply_done(self, line: dict, sign: int):
        env = self.env
        if not env["product.product"].is_storable(line.get("product_id")):
            return
        qty = sign * line.get("quantity", 0.0)
        quants = env["stock.quant"]
        quants.add(line["product_id"], line["location_id"], -qty, line.get("lot_id"), line.get("package_id"))
        quants.add(line["product_id"], line["location_dest_id"], qty, line.get("lot_id"), line.get("result_package_id"))


# ====================================================================================== pickings
class StockPicking(Model):
    order = "priority desc, scheduled_date, id desc"
    o2m = {
        "move_ids": ("stock.move", "picking_id"),
        "move_ids_without_package": ("stock.move", "picking_id"),
        "move_line_ids": ("stock.move.line", "picking_id"),
        "move_line_ids_without_package": ("stock.move.line", "picking_id"),
        "backorder_ids": ("stock.picking", "backorder_id"),
        "return_ids": ("stock.picking", "return_id"),
    }

    # ---- computed
    def moves(self, pid) -> list[int]:
        return self.env["stock.move"].sort_ids(
            [mid for mid, m in self.env["stock.move"].table.items() if m.get("picking_id") == pid]
        )

    def compute_state(self, rec, ignore=None):
        moves = self.env["stock.move"].table
        states = [moves[mid].get("state") for mid in self.moves(rec["id"]) if mid != ignore]
        if not states:
            return rec.get("state") or "draft"
        if "draft" in states:
            return "draft"
        if all(s == "cancel" for s in states):
            return "cancel"
        if all(s in ("cancel", "done") for s in states):
            return "done"
        # stock.picking._compute_state (17-19): from a location that bypasses reservation, with every move
        # make_to_stock, the picking is ready whatever its moves' states.
        locations = self.env["stock.location"]
        src = locations.table.get(rec.get("location_id")) or {}
        bypass = src.get("usage") in ("supplier", "customer", "inventory", "production") or bool(
            src.get("scrap_location") or (src.get("usage") == "transit" and not src.get("company_id"))
        )
        if bypass and all(
            moves[mid].get("procure_method", "make_to_stock") == "make_to_stock" for mid in self.moves(rec["id"])
        ):
            return "assigned"
        todo = [s for s in states if s not in ("cancel", "done")]
        if rec.get("move_type") == "one":
            if all(s == "assigned" for s in todo):
                return "assigned"
            return "waiting" if "waiting" in todo else "confirmed"
        if any(s in ("assigned", "partially_available") for s in todo):
            return "assigned"
        return "waiting" if "waiting" in todo else "confirmed"

    def compute_picking_type_code(self, rec):
        ptype = self.env["stock.picking.type"].table.get(rec.get("picking_type_id"))
        return ptype.get("code") if ptype else False

    def compute_products_availability_state(self, rec):
        state = self.compute_state(rec)
        return "available" if state == "assigned" else ("late" if state == "confirmed" else False)

    def compute_show_validate(self, rec):
        return self.compute_state(rec) not in ("draft", "done", "cancel")

    def compute_has_packages(self, rec):
        return any(
            ln.get("result_package_id")
            for ln in self.env["stock.move.line"].table.values()
            if ln.get("picking_id") == rec["id"]
        )

    def compute_product_id(self, rec):
        moves = self.moves(rec["id"])
        return self.env["stock.move"].table[moves[0]].get("product_id") if moves else False

    # ---- create / write / unlink
    def prepare_create(self, vals, ctx, parent=None):
        env = self.env
        types = env["stock.picking.type"]
        if not vals.get("picking_type_id") and ctx.get("default_picking_type_id"):
            vals["picking_type_id"] = ctx["default_picking_type_id"]
        ptype = types.table.get(vals.get("picking_type_id"))
        if ptype:
            code = ptype.get("code")
            ids = env.double_ids
            src_default = ptype.get("default_location_src_id") or (ids["supplier"] if code == "incoming" else False)
            dst_default = ptype.get("default_location_dest_id") or (ids["customer"] if code == "outgoing" else False)
            vals.setdefault("location_id", src_default)
            vals.setdefault("location_dest_id", dst_default)
            if not vals.get("name") or vals.get("name") == "/":
                vals["name"] = self.next_name(ptype)
        vals.setdefault("move_type", "direct")
        vals.setdefault("company_id", 1)
        vals.setdefault("priority", "0")
        vals.setdefault("scheduled_date", env.now_str())
        vals.setdefault("date", env.now_str())
        vals.setdefault("state", "draft")
        vals.setdefault("user_id", env.uid)
        self.check_name_unique(vals.get("name"), vals.get("company_id"))
        return vals

    def check_name_unique(self, name, company_id, own=()):
        """The SQL constraint name_uniq, unique(name, company_id), of stock.picking on 17, 18 and 19 (as
        Odoo reports it: transcript_stock_truth flow 4 c_retry). NULLs never collide, as in SQL."""
        if not name or not company_id:
            return
        for rid, rec in self.table.items():
            if rid not in own and rec.get("name") == name and rec.get("company_id") == company_id:
                raise ValidationError(UNIQUE_NAME_MSG)

    def next_name(self, ptype: dict) -> str:
        wh = self.env["stock.warehouse"].table.get(ptype.get("warehouse_id")) or {}
        prefix = f"{wh.get('code')}/" if wh.get("code") else ""
        seq = self.env.next_seq(f"picking.{ptype['id']}")
        return f"{prefix}{ptype.get('sequence_code')}/{seq:05d}"

    def before_write(self, ids, vals, ctx):
        if "name" in vals or "company_id" in vals:
            seen = set()
            for pid in ids:
                rec = self.table[pid]
                key = (vals.get("name", rec.get("name")), vals.get("company_id", rec.get("company_id")))
                if key[0] and key[1] and key in seen:
                    raise ValidationError(UNIQUE_NAME_MSG)
                seen.add(key)
                self.check_name_unique(*key, own=set(ids))
        return vals

    def after_write(self, ids, vals, old, ctx):
        moves = self.env["stock.move"]
        for pid in ids:
            for key in ("location_id", "location_dest_id", "partner_id"):
                if key in vals:
                    for mid in self.moves(pid):
                        if moves.table[mid].get("state") not in ("done", "cancel"):
                            moves.write_records([mid], {key: vals[key]}, {})

    def before_unlink(self, ids, ctx):
        moves = self.env["stock.move"]
        for pid in ids:
            if any(moves.table[m].get("state") == "done" for m in self.moves(pid)):
                raise UserError(DONE_CANCEL_MSG)
        for pid in ids:
            for mid in self.moves(pid):
                for lid in moves.lines(mid):
                    self.env["stock.move.line"].delete(lid)
                moves.delete(mid)

    # ---- actions
    def confirm_pickings(self, ids):
        moves = self.env["stock.move"]
        for pid in ids:
            mids = self.moves(pid)
            draft = [m for m in mids if moves.table[m].get("state") == "draft"]
            moves.confirm(draft)
            ptype = self.env["stock.picking.type"].table.get(self.table[pid].get("picking_type_id")) or {}
            auto = [
                m
                for m in draft
                if moves.bypasses_reservation(moves.table[m])
                or ptype.get("reservation_method", "at_confirm") == "at_confirm"
            ]
            moves.assign(auto)
            self.touch(pid)

    @rpc()
    def rpc_action_confirm(self, ids, ctx):
        self.confirm_pickings(self.browse_checked(ids))
        return True

    @rpc()
    def rpc_action_assign(self, ids, ctx):
        ids = self.browse_checked(ids)
        moves = self.env["stock.move"]
        for pid in ids:
            if self.compute_state(self.table[pid]) == "draft":
                self.confirm_pickings([pid])
            moves.assign(self.moves(pid))
            self.touch(pid)
        return True

    @rpc()
    def rpc_do_unreserve(self, ids, ctx):
        ids = self.browse_checked(ids)
        for pid in ids:
            self.env["stock.move"].unreserve(self.moves(pid))
            self.touch(pid)
        return None

    @rpc()
    def rpc_action_cancel(self, ids, ctx):
        ids = self.browse_checked(ids)
        moves, lines = self.env["stock.move"], self.env["stock.move.line"]
        for pid in ids:
            if any(moves.table[m].get("state") == "done" for m in self.moves(pid)):
                raise UserError(DONE_CANCEL_MSG)
        for pid in ids:
            for mid in self.moves(pid):
                for lid in moves.lines(mid):
                    lines.delete(lid)
                moves.update(mid, {"state": "cancel"})
            if not self.moves(pid):
                self.update(pid, {"state": "cancel"})
            self.touch(pid)
        return True

    @rpc()
    def rpc_action_put_in_pack(self, ids, ctx):
        ids = self.browse_checked(ids)
        env = self.env
        lines = env["stock.move.line"]
        todo = [
            lid
            for lid, ln in lines.table.items()
            if ln.get("picking_id") in ids
            and not ln.get("result_package_id")
            and ln.get("quantity", 0.0) > EPS
            and lines.compute_state(ln) not in ("done", "cancel")
        ]
        picked = [lid for lid in todo if lines.table[lid].get("picked")]
        todo = picked or todo
        if not todo:
            raise UserError(
                "There is nothing eligible to put in a pack. Either there are no quantities to put in "
                "a pack or all products are already in a pack."
            )
        package = env[env.package_model].create_records([{}], ctx)[0]
        for lid in todo:
            lines.update(lid, {"result_package_id": package, "picked": True})
            mid = lines.table[lid].get("move_id")
            if mid in env["stock.move"].table:
                env["stock.move"].table[mid]["picked"] = True
        return Recordset(env.package_model, [package])

    @rpc()
    def rpc_button_validate(self, ids, ctx):
        env = self.env
        ids = self.browse_checked(ids)
        moves, lines = env["stock.move"], env["stock.move.line"]
        todo = []
        for pid in ids:
            state = self.compute_state(self.table[pid])
            if state in ("done", "cancel"):
                if env.version < "18.0":
                    raise UserError(NOTHING_RESERVED_MSG[env.version])
                continue
            todo.append(pid)
        if not todo:
            return True
        for pid in todo:
            if self.compute_state(self.table[pid]) == "draft":
                self.confirm_pickings([pid])
        for pid in todo:
            active = [m for m in self.moves(pid) if moves.table[m].get("state") not in ("done", "cancel")]
            if not any(moves.compute_quantity(moves.table[m]) > EPS for m in active):
                raise UserError(NOTHING_RESERVED_MSG[env.version])
            if not any(moves.compute_picked(moves.table[m]) for m in active):
                for m in active:
                    if moves.compute_quantity(moves.table[m]) > EPS:
                        moves.set_picked(m, True)
        self._check_lots(todo)
        if not ctx.get("skip_backorder"):
            need = [pid for pid in todo if self._create_backorder_policy(pid) == "ask" and self._is_short(pid)]
            if need:
                return {
                    "name": "Create Backorder?",
                    "type": "ir.actions.act_window",
                    "view_mode": "form",
                    "res_model": "stock.backorder.confirmation",
                    "views": [[VIEW_IDS[env.version]["backorder"], "form"]],
                    "view_id": VIEW_IDS[env.version]["backorder"],
                    "target": "new",
                    "context": {
                        **ctx,
                        "button_validate_picking_ids": todo,
                        "default_show_transfers": False,
                        "default_pick_ids": [[4, pid] for pid in need],
                    },
                }
        if not ctx.get("skip_sms"):
            sms = [pid for pid in todo if self._needs_sms(pid)]
            if sms:
                wid = env["confirm.stock.sms"].new({"pick_ids": sms, "company_id": 1})
                return {
                    "name": "SMS",
                    "type": "ir.actions.act_window",
                    "view_mode": "form",
                    "res_model": "confirm.stock.sms",
                    "views": [[VIEW_IDS[env.version]["sms"], "form"]],
                    "view_id": VIEW_IDS[env.version]["sms"],
                    "target": "new",
                    "res_id": wid,
                    "context": {**ctx, "button_validate_picking_ids": todo},
                }
        not_to_backorder = set(ctx.get("picking_ids_not_to_backorder") or [])
        for pid in todo:
            policy = self._create_backorder_policy(pid)
            self._action_done(pid, backorder=pid not in not_to_backorder and policy != "never")
        del lines
        return True

    def _create_backorder_policy(self, pid) -> str:
        ptype = self.env["stock.picking.type"].table.get(self.table[pid].get("picking_type_id")) or {}
        return ptype.get("create_backorder") or "ask"

    def _is_short(self, pid) -> bool:
        moves, lines = self.env["stock.move"], self.env["stock.move.line"]
        for mid in self.moves(pid):
            m = moves.table[mid]
            if m.get("state") in ("done", "cancel"):
                continue
            done = sum(
                lines.table[lid].get("quantity", 0.0) for lid in moves.lines(mid) if lines.table[lid].get("picked")
            )
            if done < m.get("product_uom_qty", 0.0) - EPS:
                return True
        return False

    def _needs_sms(self, pid) -> bool:
        env = self.env
        rec = self.table[pid]
        if self.compute_picking_type_code(rec) != "outgoing":
            return False
        company = env["res.company"].table.get(rec.get("company_id") or 1) or {}
        if company.get("has_received_warning_stock_sms"):
            return False
        if env.version >= "19.0":
            enabled = company.get("stock_text_confirmation") and company.get("stock_confirmation_type") == "sms"
        else:
            enabled = company.get("stock_move_sms_validation")
        if not enabled:
            return False
        partner = env["res.partner"].table.get(rec.get("partner_id")) or {}
        return bool(partner.get("phone") or partner.get("mobile"))

    def _check_lots(self, pids):
        env = self.env
        moves, lines, prods = env["stock.move"], env["stock.move.line"], env["product.product"]
        types = env["stock.picking.type"]
        missing = []
        for pid in pids:
            ptype = types.table.get(self.table[pid].get("picking_type_id")) or {}
            if not (ptype.get("use_create_lots") or ptype.get("use_existing_lots")):
                continue
            for mid in self.moves(pid):
                if moves.table[mid].get("state") in ("done", "cancel"):
                    continue
                for lid in moves.lines(mid):
                    ln = lines.table[lid]
                    prod = prods.table.get(ln.get("product_id")) or {}
                    if (
                        ln.get("picked")
                        and ln.get("quantity", 0.0) > EPS
                        and prod.get("tracking", "none") != "none"
                        and not ln.get("lot_id")
                        and not ln.get("lot_name")
                    ):
                        name = prods.display(prod)
                        if name not in missing:
                            missing.append(name)
        if missing:
            raise UserError(f"You need to supply a Lot/Serial number for products {', '.join(missing)}.")

    def _action_done(self, pid, backorder: bool):
        env = self.env
        moves, lines, prods, lots = env["stock.move"], env["stock.move.line"], env["product.product"], env["stock.lot"]
        picking = self.table[pid]
        done_moves, whole_rest, split_rest = [], [], []
        for mid in self.moves(pid):
            m = moves.table[mid]
            if m.get("state") in ("done", "cancel"):
                continue
            picked = [
                lid
                for lid in moves.lines(mid)
                if lines.table[lid].get("picked") and lines.table[lid].get("quantity", 0.0) > EPS
            ]
            for lid in moves.lines(mid):
                if lid not in picked:
                    lines.delete(lid)
            done_qty = sum(lines.table[lid].get("quantity", 0.0) for lid in picked)
            if done_qty <= EPS:
                whole_rest.append(mid)
                continue
            rest = m.get("product_uom_qty", 0.0) - done_qty
            if rest > EPS:
                split_rest.append((mid, rest))
            done_moves.append((mid, done_qty))
        # Lots: create from lot_name, refuse serials already in stock.
        for mid, _qty in done_moves:
            for lid in moves.lines(mid):
                ln = lines.table[lid]
                prod = prods.table.get(ln.get("product_id")) or {}
                if prod.get("tracking", "none") == "none" or ln.get("lot_id") or not ln.get("lot_name"):
                    continue
                existing = [
                    r
                    for r, lot in lots.table.items()
                    if lot.get("name") == ln["lot_name"] and lot.get("product_id") == ln["product_id"]
                ]
                in_stock = existing and lots.compute_product_qty(lots.table[existing[0]]) > EPS
                if in_stock and prod.get("tracking") == "serial":
                    raise ValidationError(
                        f"The serial number has already been assigned: \n Product: "
                        f"{prods.display(prod)}, Serial Number: {ln['lot_name']}"
                    )
                lot_id = (
                    existing[0]
                    if existing
                    else lots.new({"name": ln["lot_name"], "product_id": ln["product_id"], "company_id": 1})
                )
                lines.update(lid, {"lot_id": lot_id})
        for mid, _qty in done_moves:
            for lid in moves.lines(mid):
                lines._apply_done(lines.table[lid], +1)
                lines.update(lid, {"picked": True})
        now = env.now_str()
        for mid, qty in done_moves:
            vals = {"state": "done", "picked": True, "date": now}
            if backorder and any(mid == s for s, _ in split_rest):
                vals["product_uom_qty"] = _q(qty)
            moves.update(mid, vals)
        if backorder and (whole_rest or split_rest):
            new_pid = self.new(
                {
                    "name": self.next_name(env["stock.picking.type"].table[picking["picking_type_id"]]),
                    "picking_type_id": picking.get("picking_type_id"),
                    "location_id": picking.get("location_id"),
                    "location_dest_id": picking.get("location_dest_id"),
                    "partner_id": picking.get("partner_id") or False,
                    "origin": picking.get("origin") or False,
                    "backorder_id": pid,
                    "company_id": picking.get("company_id", 1),
                    "move_type": picking.get("move_type", "direct"),
                    "scheduled_date": picking.get("scheduled_date"),
                    "priority": picking.get("priority", "0"),
                    "user_id": picking.get("user_id", False),
                    "state": "draft",
                }
            )
            for mid in whole_rest:
                moves.update(mid, {"picking_id": new_pid})
            for mid, rest in split_rest:
                src = moves.table[mid]
                copy = {
                    k: v
                    for k, v in src.items()
                    if k not in ("id", "create_date", "write_date", "create_uid", "write_uid", "picked")
                }
                copy.update(picking_id=new_pid, product_uom_qty=_q(rest), state="confirmed", picked=False)
                moves.new(copy)
            to_assign = self.moves(new_pid)
            moves.assign(to_assign)
            self.touch(new_pid)
        else:
            for mid in whole_rest:
                moves.update(mid, {"state": "cancel"})
        self.update(pid, {"date_done": now})


UNIQUE_NAME_MSG = "The operation cannot be completed: Reference must be unique per company!"
DONE_CANCEL_MSG = (
    "You cannot cancel a stock move that has been set to 'Done'. Create a return in order to reverse "
    "the moves which took place."
)
NOTHING_RESERVED_MSG = {
    "17.0": "You cannot validate a transfer if no quantities are reserved. To force the transfer, encode quantities.",
    "18.0": "You cannot validate a transfer if no quantities are reserved. To force the transfer, encode quantities.",
    "19.0": "Transfer trouble alert! Validating a zero quantity transfer? You're not moving invisible goods around "
    "are you?\nSet some quantities and let's get moving!",
}


# ====================================================================================== wizards
class BackorderConfirmation(Model):
    o2m = {"backorder_confirmation_line_ids": ("stock.backorder.confirmation.line", "backorder_confirmation_id")}

    def after_create(self, rid, vals, ctx):
        line_model = self.env["stock.backorder.confirmation.line"]
        for pid in self.value(self.table[rid], "pick_ids"):
            line_model.new({"backorder_confirmation_id": rid, "picking_id": pid, "to_backorder": True})

    def _run(self, ids, ctx, cancel_backorder: bool):
        ids = self.browse_checked(ids)
        pickings = self.env["stock.picking"]
        not_to_do = set()
        for wid in ids:
            for lid in self.value(self.table[wid], "backorder_confirmation_line_ids"):
                line = self.env["stock.backorder.confirmation.line"].table[lid]
                if cancel_backorder or not line.get("to_backorder"):
                    not_to_do.add(line.get("picking_id"))
            if cancel_backorder:
                not_to_do.update(self.value(self.table[wid], "pick_ids"))
        to_validate = ctx.get("button_validate_picking_ids")
        if not to_validate:
            return True
        sub = {**ctx, "skip_backorder": True}
        if not_to_do:
            sub["picking_ids_not_to_backorder"] = sorted(not_to_do)
        return pickings.rpc_button_validate(to_validate, sub)

    @rpc()
    def rpc_process(self, ids, ctx):
        return self._run(ids, ctx, cancel_backorder=False)

    @rpc()
    def rpc_process_cancel_backorder(self, ids, ctx):
        return self._run(ids, ctx, cancel_backorder=True)


class ConfirmStockSms(Model):
    def _answer(self, ids, ctx, send: bool):
        ids = self.browse_checked(ids)
        env = self.env
        companies = env["res.company"]
        for wid in ids:
            cid = self.table[wid].get("company_id") or 1
            company = companies.table.get(cid)
            if company is not None and not company.get("has_received_warning_stock_sms"):
                vals = {"has_received_warning_stock_sms": True}
                if not send:
                    vals["stock_text_confirmation" if env.version >= "19.0" else "stock_move_sms_validation"] = False
                companies.update(cid, vals)
        to_validate = ctx.get("button_validate_picking_ids")
        if not to_validate:
            return True
        return env["stock.picking"].rpc_button_validate(to_validate, ctx)

    @rpc()
    def rpc_send_sms(self, ids, ctx):
        return self._answer(ids, ctx, send=True)

    @rpc()
    def rpc_dont_send_sms(self, ids, ctx):
        return self._answer(ids, ctx, send=False)


class ReturnPicking(Model):
    o2m = {"product_return_moves": ("stock.return.picking.line", "wizard_id")}

    def prepare_create(self, vals, ctx, parent=None):
        env = self.env
        pickings = env["stock.picking"]
        pid = vals.get("picking_id") or ctx.get("active_id")
        if pid and "picking_id" not in vals:
            vals["picking_id"] = pid
        picking = pickings.table.get(pid)
        if picking is None or pickings.compute_state(picking) != "done":
            raise UserError("You may only return Done pickings.")
        vals.setdefault("company_id", picking.get("company_id", 1))
        if env.version < "18.0":
            wh = env["stock.warehouse"].table.get(1) or {}
            vals.setdefault("original_location_id", picking.get("location_id"))
            vals.setdefault("parent_location_id", wh.get("view_location_id", False))
            vals.setdefault("location_id", picking.get("location_id"))
            vals.setdefault("move_dest_exists", False)
        return vals

    def after_create(self, rid, vals, ctx):
        env = self.env
        moves = env["stock.move"]
        wiz = self.table[rid]
        if self.value(wiz, "product_return_moves"):
            return
        line_model = env["stock.return.picking.line"]
        for mid in env["stock.picking"].moves(wiz["picking_id"]):
            m = moves.table[mid]
            if m.get("state") != "done" or m.get("scrapped"):
                continue
            returnable = self.returnable(mid)
            lvals = {
                "wizard_id": rid,
                "product_id": m["product_id"],
                "move_id": mid,
                "uom_id": m.get("product_uom", 1),
                "quantity": returnable if env.version < "18.0" else 0.0,
            }
            if "move_quantity" in line_model.schema.fields:
                lvals["move_quantity"] = _q(moves.compute_quantity(m))
            line_model.new(lvals)

    def returnable(self, mid) -> float:
        """17's default line quantity and 18/19's action_create_returns_all: the move's quantity less the
        quantity (reserved or done) of the moves returning it; an open return whose reservation a later
        return took away counts for nothing."""
        moves = self.env["stock.move"]
        m = moves.table[mid]
        returned = sum(moves.compute_quantity(moves.table[r]) for r in moves.value(m, "returned_move_ids"))
        return _q(moves.compute_quantity(m) - returned)

    def compute_picking_type_code(self, rec):
        picking = self.env["stock.picking"].table.get(rec.get("picking_id")) or {}
        return self.env["stock.picking"].compute_picking_type_code(picking) if picking else False

    def _create_return(self, wid, ctx):
        """stock.return.picking._create_returns (17) / _create_return (18/19): the original picking is
        copied, so the context's `default_name` names the return (no sequence number is taken) and the
        name_uniq constraint applies; `default_origin` is not used (origin is 'Return of <name>'); the
        return moves are copies of the returned moves (their origin too, False as recorded); 18/19 clear
        the return's responsible user and 18 names the moves after the return picking."""
        env = self.env
        pickings, moves, lines = env["stock.picking"], env["stock.move"], env["stock.return.picking.line"]
        wiz = self.table[wid]
        original = pickings.table[wiz["picking_id"]]
        # Open returns of the same moves lose their reservation first (_do_unreserve on move_dest_ids).
        earlier = [
            r
            for lid in self.value(wiz, "product_return_moves")
            for r in moves.value(moves.table[lines.table[lid]["move_id"]], "returned_move_ids")
            if lines.table[lid].get("move_id") in moves.table
            and moves.table[r].get("state") not in ("done", "cancel")
            and not moves.table[r].get("picked")
        ]
        moves.unreserve(earlier)
        todo = [
            lines.table[lid]
            for lid in self.value(wiz, "product_return_moves")
            if lines.table[lid].get("quantity", 0.0) > EPS
        ]
        ptype = env["stock.picking.type"].table[original["picking_type_id"]]
        rtype_id = ptype.get("return_picking_type_id") or ptype["id"]
        rtype = env["stock.picking.type"].table[rtype_id]
        dest = wiz.get("location_id") if env.version < "18.0" and wiz.get("location_id") else original["location_id"]
        company = original.get("company_id", 1)
        name = ctx.get("default_name")
        if name:
            pickings.check_name_unique(name, company)
        else:
            name = pickings.next_name(rtype)
        new_pid = pickings.new(
            {
                "name": name,
                "picking_type_id": rtype_id,
                "location_id": original["location_dest_id"],
                "location_dest_id": dest,
                "partner_id": original.get("partner_id") or False,
                "origin": f"Return of {original['name']}",
                "return_id": original["id"],
                "company_id": company,
                "move_type": "direct",
                "scheduled_date": env.now_str(),
                "priority": "0",
                "user_id": env.uid if env.version < "18.0" else False,
                "state": "draft",
            }
        )
        if not todo:
            raise UserError("Please specify at least one non-zero quantity.")
        for line in todo:
            orig_move = moves.table[line["move_id"]]
            mvals = {
                "picking_id": new_pid,
                "product_id": line["product_id"],
                "product_uom_qty": _q(line["quantity"]),
                "product_uom": orig_move.get("product_uom", 1),
                "location_id": original["location_dest_id"],
                "location_dest_id": dest,
                "origin_returned_move_id": orig_move["id"],
                "state": "draft",
                "picking_type_id": rtype_id,
                "partner_id": orig_move.get("partner_id") or original.get("partner_id") or False,
                "company_id": 1,
                "date": env.now_str(),
                "procure_method": "make_to_stock",
                "sequence": 10,
                "origin": orig_move.get("origin") or False,
            }
            if "name" in moves.schema.fields:
                mvals["name"] = (
                    name
                    if env.version >= "18.0"
                    else orig_move.get("name") or env["product.product"].table[line["product_id"]]["name"]
                )
            moves.new(mvals)
        pickings.confirm_pickings([new_pid])
        moves.assign(pickings.moves(new_pid))
        pickings.touch(original["id"])
        return new_pid

    def _action(self, new_pid, ctx):
        if self.env.version < "18.0":
            rec = self.env["stock.picking"].table[new_pid]
            return {
                "name": "Returned Picking",
                "view_mode": "form,tree,calendar",
                "res_model": "stock.picking",
                "res_id": new_pid,
                "type": "ir.actions.act_window",
                "context": {
                    **ctx,
                    "default_partner_id": rec.get("partner_id") or False,
                    "search_default_picking_type_id": rec.get("picking_type_id"),
                    "search_default_draft": False,
                    "search_default_assigned": False,
                    "search_default_confirmed": False,
                    "search_default_ready": False,
                    "search_default_planning_issues": False,
                    "search_default_available": False,
                },
            }
        return {
            "name": "Returned Picking",
            "view_mode": "form",
            "res_model": "stock.picking",
            "res_id": new_pid,
            "type": "ir.actions.act_window",
            "context": dict(ctx),
        }

    @rpc(versions=("17.0",))
    def rpc_create_returns(self, ids, ctx):
        wid = self.browse_checked(ids)[0]
        return self._action(self._create_return(wid, ctx), ctx)

    @rpc(versions=("18.0", "19.0"))
    def rpc_action_create_returns(self, ids, ctx):
        wid = self.browse_checked(ids)[0]
        return self._action(self._create_return(wid, ctx), ctx)

    @rpc(versions=("18.0", "19.0"))
    def rpc_action_create_returns_all(self, ids, ctx):
        wid = self.browse_checked(ids)[0]
        lines = self.env["stock.return.picking.line"]
        for lid in self.value(self.table[wid], "product_return_moves"):
            lines.update(lid, {"quantity": self.returnable(lines.table[lid]["move_id"])})
        return self._action(self._create_return(wid, ctx), ctx)


class ReturnPickingLine(Model):
    def display(self, rec):
        return self.env["product.product"].display_name_of(rec.get("product_id")) or f"{self.name},{rec['id']}"


class StockScrap(Model):
    order = "id desc"
    o2m = {"move_ids": ("stock.move", "scrap_id")}

    def prepare_create(self, vals, ctx, parent=None):
        env = self.env
        vals.setdefault("name", "New")
        vals.setdefault("state", "draft")
        vals.setdefault("company_id", 1)
        vals.setdefault("scrap_qty", 1.0)
        vals.setdefault("location_id", env.double_ids["stock"])
        if not vals.get("scrap_location_id"):
            vals["scrap_location_id"] = self.default_scrap_location(vals["company_id"])
        prod = env["product.product"].table.get(vals.get("product_id")) or {}
        vals.setdefault("product_uom_id", prod.get("uom_id", 1))
        return vals

    def compute_tracking(self, rec):
        return (self.env["product.product"].table.get(rec.get("product_id")) or {}).get("tracking", "none")

    def default_scrap_location(self, company_id) -> int | bool:
        """stock.scrap._compute_scrap_location_id: the company's lowest location id with scrap_location set
        (17/18), or with usage 'inventory' (19, which has no scrap_location field); archived ones excluded."""
        locations = self.env["stock.location"]
        if "scrap_location" in locations.schema.fields:
            domain = [("company_id", "=", company_id), ("scrap_location", "=", True)]
        else:
            domain = [("company_id", "=", company_id), ("usage", "=", "inventory")]
        found = locations.search_ids(domain, order="id")
        return found[0] if found else False

    def do_scrap(self, sid):
        env = self.env
        rec = self.table[sid]
        moves, lines = env["stock.move"], env["stock.move.line"]
        name = f"SP/{env.next_seq('scrap'):05d}"
        mvals = {
            "product_id": rec["product_id"],
            "product_uom_qty": rec.get("scrap_qty", 0.0),
            "product_uom": rec.get("product_uom_id", 1),
            "location_id": rec["location_id"],
            "location_dest_id": rec["scrap_location_id"],
            "state": "done",
            "picked": True,
            "scrap_id": sid,
            "company_id": 1,
            "date": env.now_str(),
            "procure_method": "make_to_stock",
            "origin": rec.get("origin") or name,
            "picking_id": rec.get("picking_id") or False,
        }
        if "name" in moves.schema.fields:
            mvals["name"] = name
        if "scrapped" in moves.schema.fields:
            mvals["scrapped"] = True
        mid = moves.new(mvals)
        lid = lines.new(
            {
                "move_id": mid,
                "product_id": rec["product_id"],
                "quantity": rec.get("scrap_qty", 0.0),
                "picked": True,
                "location_id": rec["location_id"],
                "location_dest_id": rec["scrap_location_id"],
                "lot_id": rec.get("lot_id") or False,
                "package_id": rec.get("package_id") or False,
                "result_package_id": False,
                "product_uom_id": rec.get("product_uom_id", 1),
                "company_id": 1,
                "date": env.now_str(),
                "reference": name,
            }
        )
        lines._apply_done(lines.table[lid], +1)
        self.update(sid, {"name": name, "state": "done", "date_done": env.now_str()})
        return True

    @rpc()
    def rpc_action_validate(self, ids, ctx):
        env = self.env
        for sid in self.browse_checked(ids):
            rec = self.table[sid]
            if rec.get("state") == "done":
                continue
            prods = env["product.product"]
            if prods.is_storable(rec["product_id"]):
                quants = env["stock.quant"]
                have = sum(
                    q.get("quantity", 0.0)
                    for q in quants.table.values()
                    if q.get("product_id") == rec["product_id"]
                    and q.get("location_id") == rec["location_id"]
                    and (not rec.get("lot_id") or q.get("lot_id") == rec.get("lot_id"))
                    and (not rec.get("package_id") or q.get("package_id") == rec.get("package_id"))
                )
                if have < rec.get("scrap_qty", 0.0) - EPS:
                    uom = env["uom.uom"].display_name_of(rec.get("product_uom_id")) or "Units"
                    return {
                        "name": f"{prods.display_name_of(rec['product_id'])}: Insufficient Quantity To Scrap",
                        "view_mode": "form",
                        "res_model": "stock.warn.insufficient.qty.scrap",
                        "view_id": VIEW_IDS[env.version]["scrap_warn"],
                        "type": "ir.actions.act_window",
                        "context": {
                            "default_product_id": rec["product_id"],
                            "default_location_id": rec["location_id"],
                            "default_scrap_id": sid,
                            "default_quantity": float(rec.get("scrap_qty", 0.0)),
                            "default_product_uom_name": uom,
                        },
                        "target": "new",
                    }
            self.do_scrap(sid)
        return True

    @rpc()
    def rpc_do_scrap(self, ids, ctx):
        # As Odoo's do_scrap: no state check, so calling it on a done scrap scraps again.
        for sid in self.browse_checked(ids):
            self.do_scrap(sid)
        return True


class WarnInsufficientScrap(Model):
    @rpc()
    def rpc_action_done(self, ids, ctx):
        scraps = self.env["stock.scrap"]
        for wid in self.browse_checked(ids):
            sid = self.table[wid].get("scrap_id")
            if sid in scraps.table and scraps.table[sid].get("state") != "done":
                scraps.do_scrap(sid)
        return True


class PickingBatch(Model):
    order = "name desc, id desc"
    o2m = {"picking_ids": ("stock.picking", "batch_id")}

    def prepare_create(self, vals, ctx, parent=None):
        env = self.env
        n = env.next_seq("batch")
        if env.version >= "19.0":
            ptype = env["stock.picking.type"].table.get(vals.get("picking_type_id")) or {}
            code = ptype.get("sequence_code")
            vals.setdefault("name", f"BATCH/{code}/{n:05d}" if code else f"BATCH/{n:05d}")
        else:
            vals.setdefault("name", f"BATCH/{n:05d}")
        vals.setdefault("state", "draft")
        vals.setdefault("company_id", 1)
        return vals

    def compute_move_ids(self, rec):
        pickings = self.env["stock.picking"]
        return [m for p in self.value(rec, "picking_ids") for m in pickings.moves(p)]

    def compute_move_line_ids(self, rec):
        pids = set(self.value(rec, "picking_ids"))
        return [lid for lid, ln in self.env["stock.move.line"].table.items() if ln.get("picking_id") in pids]

    def compute_picking_type_code(self, rec):
        ptype = self.env["stock.picking.type"].table.get(rec.get("picking_type_id")) or {}
        return ptype.get("code", False)

    @rpc()
    def rpc_action_confirm(self, ids, ctx):
        pickings = self.env["stock.picking"]
        for bid in self.browse_checked(ids):
            pids = self.value(self.table[bid], "picking_ids")
            pickings.confirm_pickings([p for p in pids if pickings.compute_state(pickings.table[p]) == "draft"])
            self.update(bid, {"state": "in_progress"})
        return True

    @rpc()
    def rpc_action_assign(self, ids, ctx):
        pickings = self.env["stock.picking"]
        for bid in self.browse_checked(ids):
            pickings.rpc_action_assign(self.value(self.table[bid], "picking_ids"), ctx)
        return None

    @rpc()
    def rpc_action_done(self, ids, ctx):
        pickings = self.env["stock.picking"]
        for bid in self.browse_checked(ids):
            pids = [
                p
                for p in self.value(self.table[bid], "picking_ids")
                if pickings.compute_state(pickings.table[p]) not in ("done", "cancel")
            ]
            if pids:
                result = pickings.rpc_button_validate(pids, ctx)
                if result is not True:
                    return result
            self.update(bid, {"state": "done"})
        return True

    @rpc()
    def rpc_action_cancel(self, ids, ctx):
        for bid in self.browse_checked(ids):
            self.update(bid, {"state": "cancel"})
        return True


def model_classes(version: str) -> dict[str, type]:
    classes = {
        "res.partner": ResPartner,
        "res.users": ResUsers,
        "res.company": ResCompany,
        "res.config.settings": ResConfigSettings,
        "uom.uom": UomUom,
        "ir.model.data": IrModelData,
        "product.product": ProductProduct,
        "product.template": ProductTemplate,
        "stock.location": StockLocation,
        "stock.warehouse": StockWarehouse,
        "stock.picking.type": StockPickingType,
        "stock.lot": StockLot,
        "stock.quant": StockQuant,
        "stock.inventory.conflict": StockInventoryConflict,
        "stock.move": StockMove,
        "stock.move.line": StockMoveLine,
        "stock.picking": StockPicking,
        "stock.backorder.confirmation": BackorderConfirmation,
        "confirm.stock.sms": ConfirmStockSms,
        "stock.return.picking": ReturnPicking,
        "stock.return.picking.line": ReturnPickingLine,
        "stock.scrap": StockScrap,
        "stock.warn.insufficient.qty.scrap": WarnInsufficientScrap,
        "stock.picking.batch": PickingBatch,
        "stock.package" if version >= "19.0" else "stock.quant.package": StockPackage,
    }
    return classes


__all__ = ["model_classes", "PyValueError"]
