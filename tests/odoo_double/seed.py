"""Seed data shaped like the recorded databases (ids from discovered_ids.json and the setup transcripts),
and the helpers that put a scenario in place quickly (pickings as Odoo leaves them after action_confirm)."""

from __future__ import annotations

from .orm import Env

_COMMON_17_18 = {
    "physical": 1,
    "partners": 2,
    "virtual": 3,
    "supplier": 4,
    "customer": 5,
    "transit": 6,
    "wh_view": 7,
    "stock": 8,
    "input": 9,
    "quality": 10,
    "output": 11,
    "packing": 12,
    "inventory_loss": 14,
    "production": 15,
    "scrap": 16,
    "shelf_2": 17,
    "shelf_1": 18,
    "order_processing": 19,
    "dispatch_zone": 20,
    "gate_a": 21,
    "gate_b": 22,
    "inventory_loss_c2": 24,
    "scrap_c2": 26,
    "small_refrigerator": 33,
    "in_type": 1,
    "out_type": 2,
    "pick_type": 3,
    "pack_type": 4,
}
LAYOUT = {
    "17.0": _COMMON_17_18 | {"int_type": 5, "customer_partner": 15, "vendor": 41, "partner_no_phone": 11},
    "18.0": _COMMON_17_18 | {"int_type": 7, "customer_partner": 16, "vendor": 42, "partner_no_phone": 12},
    "19.0": {
        "supplier": 1,
        "customer": 2,
        "transit": 3,
        "wh_view": 4,
        "stock": 5,
        "input": 6,
        "quality": 7,
        "output": 8,
        "packing": 9,
        "inventory_loss": 11,
        "production": 12,
        "shelf_2": 13,
        "shelf_1": 14,
        "order_processing": 15,
        "dispatch_zone": 16,
        "gate_a": 17,
        "gate_b": 18,
        "inventory_loss_c2": 20,
        "scrap_c2": 22,
        "small_refrigerator": 29,
        "scrap": 11,
        "in_type": 1,
        "out_type": 2,
        "pick_type": 3,
        "pack_type": 4,
        "int_type": 7,
        "customer_partner": 16,
        "vendor": 42,
        "partner_no_phone": 12,
    },
}


def ean13(base12: str) -> str:
    digits = [int(c) for c in base12]
    check = (10 - (sum(digits[0::2]) + 3 * sum(digits[1::2])) % 10) % 10
    return base12 + str(check)


SEED_PRODUCTS = {
    # key: (name, default_code, barcode, tracking, storable, weight)
    "product": ("Floor Widget", "FW-100", ean13("200000000100"), "none", True, 0.5),
    "product_lot": ("Floor Lot Item", "FL-200", ean13("200000000200"), "lot", True, 1.0),
    "product_serial": ("Floor Serial Item", "FS-300", ean13("200000000300"), "serial", True, 2.5),
    "product_consumable": ("Floor Tape", "FT-400", ean13("200000000400"), "none", False, 0.1),
}


def _product_vals(env: Env, name, code, barcode, tracking, storable, weight) -> dict:
    vals = {"name": name, "default_code": code, "barcode": barcode, "tracking": tracking, "weight": weight}
    if env.version >= "18.0":
        vals.update(type="consu", is_storable=storable)
    else:
        vals.update(type="product" if storable else "consu", detailed_type="product" if storable else "consu")
    return vals


def seed(env: Env) -> dict:
    """Fill a fresh Env; returns the ids tests can refer to (also as `double.ids`)."""
    v = env.version
    ids = dict(LAYOUT[v])
    env.double_ids = ids
    partners, companies, users = env["res.partner"], env["res.company"], env["res.users"]

    partners.new(
        {
            "name": "My Company (San Francisco)",
            "is_company": True,
            "active": True,
            "type": "contact",
            "phone": "+1 555-555-5556",
            "email": "info@yourcompany.com",
            "company_id": 1,
        },
        rid=1,
    )
    partners.new(
        {
            "name": "Mitchell Admin",
            "is_company": False,
            "active": True,
            "type": "contact",
            "email": "admin@yourcompany.example.com",
        },
        rid=3,
    )
    partners.new(
        {
            "name": "Azure Interior",
            "is_company": True,
            "active": True,
            "type": "contact",
            "email": "azure.Interior24@example.com",
            "city": "Fremont",
            "customer_rank": 1,
        },
        rid=ids["partner_no_phone"],
    )
    partners.new(
        {
            "name": "Lumber Inc",
            "is_company": True,
            "active": True,
            "type": "contact",
            "phone": "(828)-316-0593",
            "email": "lumber-inv92@example.com",
            "city": "Stockton",
            "customer_rank": 1,
        },
        rid=ids["customer_partner"],
    )
    partners.new(
        {
            "name": "My Company (Chicago)",
            "is_company": True,
            "active": True,
            "type": "contact",
            "phone": "+1 312 349 3030",
            "email": "chicago@yourcompany.com",
            "supplier_rank": 1,
        },
        rid=ids["vendor"],
    )
    company_flags = (
        {"stock_text_confirmation": True, "stock_confirmation_type": "sms"}
        if v >= "19.0"
        else {"stock_move_sms_validation": True}
    )
    companies.new(
        {
            "name": "My Company (San Francisco)",
            "partner_id": 1,
            "sequence": 10,
            "active": True,
            "has_received_warning_stock_sms": False,
            **company_flags,
        },
        rid=1,
    )
    companies.new(
        {
            "name": "My Company (Chicago)",
            "partner_id": ids["vendor"],
            "sequence": 10,
            "active": True,
            "has_received_warning_stock_sms": False,
            **company_flags,
        },
        rid=2,
    )
    groups = "group_ids" if v >= "19.0" else "groups_id"
    users.new(
        {
            "name": "Mitchell Admin",
            "login": "admin",
            "partner_id": 3,
            "company_id": 1,
            "company_ids": [1, 2],
            "lang": "en_US",
            "tz": "Europe/Brussels",
            "active": True,
            "share": False,
            groups: [],
        },
        rid=2,
    )
    _seed_demo_user(env, ids)

    uom = env["uom.uom"]
    uom_extra = {"relative_factor": 1.0} if v >= "19.0" else {"factor": 1.0, "factor_inv": 1.0, "uom_type": "reference"}
    uom.new({"name": "Units", "rounding": 0.01, "active": True, **uom_extra}, rid=1)
    uom.new(
        {
            "name": "Dozens",
            "rounding": 0.01,
            "active": True,
            **(
                {"relative_factor": 12.0}
                if v >= "19.0"
                else {"factor": 1 / 12, "factor_inv": 12.0, "uom_type": "bigger"}
            ),
        },
        rid=2,
    )
    uom.new(
        {
            "name": "kg",
            "rounding": 0.01,
            "active": True,
            **(
                {"relative_factor": 1.0} if v >= "19.0" else {"factor": 1.0, "factor_inv": 1.0, "uom_type": "reference"}
            ),
        },
        rid=12,
    )

    _seed_locations(env, ids)
    _seed_warehouse(env, ids)
    _seed_products(env, ids)
    _seed_xmlids(env, ids)
    return ids


# Marc Demo (base/data/res_users_demo.xml: base.user_demo, login demo), as in the recorded databases
# (res.users search_read in transcript_stock_truth: uid 6 on 17/18, 5 on 19). Its partner's id was not
# recorded: the double gives it the next free id.
DEMO_UID = {"17.0": 6, "18.0": 6, "19.0": 5}


def _seed_demo_user(env: Env, ids: dict):
    v = env.version
    partner = env["res.partner"].new(
        {
            "name": "Marc Demo",
            "is_company": False,
            "active": True,
            "type": "contact",
            "email": "mark.brown23@example.com",
            "phone": "(441)-695-2334",
            "company_id": 1,
        }
    )
    env["res.users"].new(
        {
            "name": "Marc Demo",
            "login": "demo",
            "partner_id": partner,
            "company_id": 1,
            "company_ids": [1],
            "lang": "en_US",
            "tz": "Europe/Brussels",
            "active": True,
            "share": False,
            "group_ids" if v >= "19.0" else "groups_id": [],
        },
        rid=DEMO_UID[v],
    )
    ids["demo_uid"] = DEMO_UID[v]
    ids["demo_partner"] = partner


def _seed_xmlids(env: Env, ids: dict):
    """The external ids each version's data files give (stock/data/stock_data.xml and its _update_xmlids
    call; base and uom data). res.company._create_*_location makes the per-company inventory loss,
    production and scrap locations without an xmlid, so none of those has one on 17, 18 or 19."""
    v = env.version
    imd = env["ir.model.data"]
    entries = [
        ("base", "main_company", "res.company", 1),
        ("base", "main_partner", "res.partner", 1),
        ("base", "user_admin", "res.users", 2),
        ("base", "partner_admin", "res.partner", 3),
        ("base", "user_demo", "res.users", ids["demo_uid"]),
        ("base", "partner_demo", "res.partner", ids["demo_partner"]),
        ("base", "group_user", "res.groups", 1),
        # group_stock_user's res_id as recorded (transcript_errors): 22 on 17/18, 21 on 19.
        ("stock", "group_stock_user", "res.groups", 21 if v >= "19.0" else 22),
        ("stock", "group_stock_manager", "res.groups", 23),  # not recorded
        ("uom", "product_uom_unit", "uom.uom", 1),
        ("uom", "product_uom_dozen", "uom.uom", 2),
        ("uom", "product_uom_kgm", "uom.uom", 12),
        ("stock", "warehouse0", "stock.warehouse", 1),
        ("stock", "stock_location_suppliers", "stock.location", ids["supplier"]),
        ("stock", "stock_location_customers", "stock.location", ids["customer"]),
        # 17 names the inter-company transit location stock_location_inter_wh; 18 renamed it.
        (
            "stock",
            "stock_location_inter_wh" if v < "18.0" else "stock_location_inter_company",
            "stock.location",
            ids["transit"],
        ),
        # _update_xmlids in stock_data.xml: the warehouse's own locations and picking types.
        ("stock", "stock_location_stock", "stock.location", ids["stock"]),
        ("stock", "stock_location_company", "stock.location", ids["input"]),
        ("stock", "stock_location_output", "stock.location", ids["output"]),
        ("stock", "location_pack_zone", "stock.location", ids["packing"]),
        ("stock", "picking_type_in", "stock.picking.type", ids["in_type"]),
        ("stock", "picking_type_out", "stock.picking.type", ids["out_type"]),
        ("stock", "picking_type_internal", "stock.picking.type", ids["int_type"]),
    ]
    if v < "19.0":  # 19 dropped the view locations Physical/Partners/Virtual Locations
        entries += [
            ("stock", "stock_location_locations", "stock.location", ids["physical"]),
            ("stock", "stock_location_locations_partner", "stock.location", ids["partners"]),
            ("stock", "stock_location_locations_virtual", "stock.location", ids["virtual"]),
        ]
    for module, name, model, res_id in entries:
        imd.new({"module": module, "name": name, "model": model, "res_id": res_id, "noupdate": True})


def _loc(env, rid, name, usage, parent=False, active=True, company=1, barcode=False, **flags):
    locations = env["stock.location"]
    vals = {
        "name": name,
        "usage": usage,
        "location_id": parent,
        "active": active,
        "company_id": company,
        "barcode": barcode,
    }
    # 17/18 have scrap_location and 17 return_location (both default False); 19 has neither.
    for flag in ("scrap_location", "return_location"):
        if flag in locations.schema.fields:
            vals[flag] = bool(flags.get(flag, False))
    locations.new(vals, rid=rid)


def _seed_locations(env: Env, ids: dict):
    v = env.version
    if v < "19.0":
        _loc(env, ids["physical"], "Physical Locations", "view", company=False)
        _loc(env, ids["partners"], "Partners", "view", company=False)
        _loc(env, ids["virtual"], "Virtual Locations", "view", company=False)
        top_partners, top_virtual, top_physical = ids["partners"], ids["virtual"], ids["physical"]
    else:
        top_partners = top_virtual = top_physical = False
    # stock_data.xml: 17's Vendors is a return location; the inter-company transit location sits under
    # Virtual Locations and is archived, and 18/19 unarchive it when a company is created, as the demo
    # data's second company (My Company (Chicago), stock_demo.xml) was; 17 has no such code.
    _loc(env, ids["supplier"], "Vendors", "supplier", top_partners, company=False, return_location=True)
    _loc(env, ids["customer"], "Customers", "customer", top_partners, company=False)
    _loc(env, ids["transit"], "Inter-company transit", "transit", top_virtual, active=v >= "18.0", company=False)
    _loc(env, ids["wh_view"], "WH", "view", top_physical)
    _loc(env, ids["stock"], "Stock", "internal", ids["wh_view"], barcode="WH-STOCK")
    _loc(env, ids["input"], "Input", "internal", ids["wh_view"], active=False, barcode="WH-INPUT")
    _loc(env, ids["quality"], "Quality Control", "internal", ids["wh_view"], active=False, barcode="WH-QUALITY")
    _loc(env, ids["output"], "Output", "internal", ids["wh_view"], active=False, barcode="WH-OUTPUT")
    _loc(env, ids["packing"], "Packing Zone", "internal", ids["wh_view"], active=False, barcode="WH-PACKING")
    _loc(env, ids["inventory_loss"], "Inventory adjustment", "inventory", top_virtual)
    _loc(env, ids["production"], "Production", "production", top_virtual)
    if v < "19.0":  # res.company._create_scrap_location: scrap_location=True on 17/18
        _loc(env, ids["scrap"], "Scrap", "inventory", top_virtual, scrap_location=True)
    _loc(env, ids["shelf_2"], "Shelf 2", "internal", ids["stock"])
    _loc(env, ids["shelf_1"], "Shelf 1", "internal", ids["stock"])
    _loc(env, ids["order_processing"], "Order Processing", "internal", ids["input"])
    _loc(env, ids["dispatch_zone"], "Dispatch Zone", "internal", ids["order_processing"])
    _loc(env, ids["gate_a"], "Gate A", "internal", ids["dispatch_zone"])
    _loc(env, ids["gate_b"], "Gate B", "internal", ids["dispatch_zone"])
    _loc(env, ids["inventory_loss_c2"], "Inventory adjustment", "inventory", top_virtual, company=2)
    _loc(env, ids["scrap_c2"], "Scrap", "inventory", top_virtual, company=2, scrap_location=True)
    _loc(env, ids["small_refrigerator"], "Small Refrigerator", "internal", ids["shelf_2"])


def _seed_warehouse(env: Env, ids: dict):
    v = env.version
    types = env["stock.picking.type"]
    common = {
        "warehouse_id": 1,
        "company_id": 1,
        "create_backorder": "ask",
        "reservation_method": "at_confirm",
        "show_operations": False,
        "active": True,
        "show_entire_packs": False,
    }
    if "move_type" in types.schema.fields:
        common["move_type"] = "direct"
    receipt_src = False if v < "18.0" else ids["supplier"]
    delivery_dst = False if v < "18.0" else ids["customer"]
    types.new(
        {
            **common,
            "name": "Receipts",
            "code": "incoming",
            "sequence_code": "IN",
            "sequence": 1,
            "default_location_src_id": receipt_src,
            "default_location_dest_id": ids["stock"],
            "use_create_lots": True,
            "use_existing_lots": False,
            "return_picking_type_id": ids["out_type"],
        },
        rid=ids["in_type"],
    )
    types.new(
        {
            **common,
            "name": "Delivery Orders",
            "code": "outgoing",
            "sequence_code": "OUT",
            "sequence": 5,
            "default_location_src_id": ids["stock"],
            "default_location_dest_id": delivery_dst,
            "use_create_lots": v >= "19.0",
            "use_existing_lots": True,
            "return_picking_type_id": ids["in_type"],
        },
        rid=ids["out_type"],
    )
    types.new(
        {
            **common,
            "name": "Pick",
            "code": "internal",
            "sequence_code": "PICK",
            "sequence": 3,
            "active": False,
            "default_location_src_id": ids["stock"],
            "default_location_dest_id": ids["output"],
            "use_create_lots": False,
            "use_existing_lots": True,
        },
        rid=ids["pick_type"],
    )
    types.new(
        {
            **common,
            "name": "Pack",
            "code": "internal",
            "sequence_code": "PACK",
            "sequence": 4,
            "active": False,
            "default_location_src_id": ids["packing"],
            "default_location_dest_id": ids["output"],
            "use_create_lots": False,
            "use_existing_lots": True,
        },
        rid=ids["pack_type"],
    )
    # Archived, as in the recorded databases (multi-locations off); still usable through warehouse.int_type_id.
    types.new(
        {
            **common,
            "name": "Internal Transfers",
            "code": "internal",
            "sequence_code": "INT",
            "sequence": 2,
            "active": False,
            "default_location_src_id": ids["stock"],
            "default_location_dest_id": ids["stock"],
            "use_create_lots": False,
            "use_existing_lots": True,
        },
        rid=ids["int_type"],
    )
    wh = env["stock.warehouse"]
    vals = {
        "name": "YourCompany",
        "code": "WH",
        "company_id": 1,
        "lot_stock_id": ids["stock"],
        "view_location_id": ids["wh_view"],
        "in_type_id": ids["in_type"],
        "out_type_id": ids["out_type"],
        "int_type_id": ids["int_type"],
        "pick_type_id": ids["pick_type"],
        "pack_type_id": ids["pack_type"],
        "reception_steps": "one_step",
        "delivery_steps": "ship_only",
        "sequence": 10,
        "active": True,
        "partner_id": 1,
    }
    for key, loc in (
        ("wh_input_stock_loc_id", "input"),
        ("wh_output_stock_loc_id", "output"),
        ("wh_pack_stock_loc_id", "packing"),
        ("wh_qc_stock_loc_id", "quality"),
    ):
        if key in wh.schema.fields:
            vals[key] = ids[loc]
    wh.new({k: val for k, val in vals.items() if wh.schema.has(k)}, rid=1)
    ids["warehouse"] = 1
    ids["company"] = 1
    ids["uom_unit"] = 1
    ids["admin_uid"] = 2


def _seed_products(env: Env, ids: dict):
    prods, tmpls = env["product.product"], env["product.template"]
    for demo in env.vs.discovered.get("demo_products_with_barcode", []):
        vals = _product_vals(
            env,
            demo["display_name"].split("] ", 1)[-1],
            demo["default_code"],
            demo["barcode"],
            demo["tracking"],
            True,
            0.0,
        )
        tid = demo["product_tmpl_id"][0]
        tmpls.new({**_clean(tmpls, vals), "uom_id": 1, "active": True}, rid=tid)
        prods.new({**_clean(prods, vals), "uom_id": 1, "active": True, "product_tmpl_id": tid}, rid=demo["id"])
    start = max([demo["id"] for demo in env.vs.discovered.get("demo_products_with_barcode", [])] + [30]) + 1
    tstart = (
        max([demo["product_tmpl_id"][0] for demo in env.vs.discovered.get("demo_products_with_barcode", [])] + [25]) + 1
    )
    prods.next_id = max(prods.next_id, start)
    tmpls.next_id = max(tmpls.next_id, tstart)
    for key, spec in SEED_PRODUCTS.items():
        ids[key] = prods.create_records([_product_vals(env, *spec)], {})[0]


def _clean(model, vals: dict) -> dict:
    return {k: val for k, val in vals.items() if model.schema.has(k)}


# ------------------------------------------------------------------------------------------- scenarios
def move_vals(env: Env, product_id: int, qty: float, src: int, dst: int) -> dict:
    vals = {
        "product_id": product_id,
        "product_uom_qty": qty,
        "location_id": src,
        "location_dest_id": dst,
        "product_uom": env["product.product"].table[product_id].get("uom_id", 1),
    }
    if "name" in env["stock.move"].schema.fields:
        vals["name"] = env["product.product"].table[product_id].get("name")
    return vals


def picking(
    env: Env,
    type_key: str,
    lines,
    *,
    partner=None,
    origin=None,
    src=None,
    dst=None,
    confirm=True,
    assign=True,
    scheduled_date=None,
) -> int:
    ids = env.double_ids
    types = env["stock.picking.type"]
    ptype = types.table[ids[type_key]]
    if src is None:
        src = ptype.get("default_location_src_id") or (ids["supplier"] if ptype["code"] == "incoming" else None)
    if dst is None:
        dst = ptype.get("default_location_dest_id") or (ids["customer"] if ptype["code"] == "outgoing" else None)
    vals = {
        "picking_type_id": ptype["id"],
        "location_id": src,
        "location_dest_id": dst,
        "move_ids": [(0, 0, move_vals(env, pid, qty, src, dst)) for pid, qty in lines],
    }
    if partner:
        vals["partner_id"] = partner
    if origin:
        vals["origin"] = origin
    if scheduled_date:
        vals["scheduled_date"] = scheduled_date
    pickings = env["stock.picking"]
    pid = pickings.create_records([vals], {})[0]
    if confirm:
        pickings.confirm_pickings([pid])
        if assign:
            env["stock.move"].assign(pickings.moves(pid))
    return pid


def stock(env: Env, product_id: int, qty: float, location=None, lot=None, package=None) -> int:
    """Put `qty` on hand through a done inventory adjustment (as a count applied in Odoo would)."""
    quants, lots = env["stock.quant"], env["stock.lot"]
    location = location or env.double_ids["stock"]
    if isinstance(lot, str):
        lot = lots.find_or_create(lot, product_id)
    if isinstance(package, str):
        pkg_model = env[env.package_model]
        found = [rid for rid, r in pkg_model.table.items() if r.get("name") == package]
        package = found[0] if found else pkg_model.create_records([{"name": package}], {})[0]
    rid = quants.find(product_id, location, lot or False, package or False)
    if rid is None:
        rid = quants.new(
            {
                "product_id": product_id,
                "location_id": location,
                "lot_id": lot or False,
                "package_id": package or False,
                "quantity": 0.0,
                "inventory_quantity": 0.0,
                "inventory_diff_quantity": 0.0,
                "inventory_quantity_set": False,
                "in_date": env.now_str(),
                "company_id": 1,
                "user_id": False,
            }
        )
        quants.schedule_count(rid)
    current = quants.table[rid].get("quantity", 0.0)
    quants._apply(rid, current + qty, keep_count=True)
    return rid
