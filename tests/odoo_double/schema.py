"""The recorded `fields_get` of each Odoo version, plus the few models the recordings did not dump.

Recorded schemas come from `contract/<version>/fields_<model>.json` (see `contract_dir()`). res.partner, res.users,
res.config.settings and two small wizards were not dumped: their schemas here are written by hand
(marked `handwritten`) and hold only the fields a warehouse client plausibly touches. res.company's field
names and types come from the `fields_get(attributes=['type'])` call recorded in the delivery flow.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

VERSIONS = ("17.0", "18.0", "19.0")


def contract_dir() -> Path:
    """The recordings: the project's copy (contract/ beside this file, README.md says whence), or
    another folder of them named by ODOO_CONTRACT_DIR."""
    env = os.environ.get("ODOO_CONTRACT_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent / "contract"


@dataclass
class ModelSchema:
    name: str
    fields: dict[str, dict]
    description: str
    handwritten: bool = False
    permissive: bool = False  # accept any field name (res.config.settings)
    extra: dict = field(default_factory=dict)

    def has(self, fname: str) -> bool:
        return self.permissive or fname in self.fields

    def ftype(self, fname: str) -> str:
        return self.fields.get(fname, {}).get("type", "char")

    def relation(self, fname: str) -> str | None:
        return self.fields.get(fname, {}).get("relation")


DESCRIPTIONS = {
    "stock.picking": "Transfer",
    "stock.move": "Stock Move",
    "stock.move.line": "Product Moves (Stock Move Line)",
    "stock.location": "Inventory Locations",
    "stock.quant": "Quants",
    "stock.lot": "Lot/Serial",
    "stock.picking.type": "Picking Type",
    "stock.warehouse": "Warehouse",
    "stock.scrap": "Scrap",
    "stock.quant.package": "Packages",
    "stock.package": "Package",
    "stock.picking.batch": "Batch Transfer",
    "stock.return.picking": "Return Picking",
    "stock.return.picking.line": "Return Picking Line",
    "stock.backorder.confirmation": "Backorder Confirmation",
    "stock.backorder.confirmation.line": "Backorder Confirmation Line",
    "stock.inventory.conflict": "Conflict in Inventory",
    "product.product": "Product Variant",
    "product.template": "Product",
    "product.packaging": "Product Packaging",
    "uom.uom": "Product Unit of Measure",
    "res.partner": "Contact",
    "res.users": "User",
    "res.company": "Companies",
    "res.config.settings": "Config Settings",
    "confirm.stock.sms": "Confirm Stock SMS",
    "ir.model.data": "Model Data",
    "stock.warn.insufficient.qty.scrap": "Warn Insufficient Scrap Quantity",
    "stock.route": "Inventory Routes",
    "stock.rule": "Stock Rule",
    "stock.package.type": "Stock package type",
}


def _f(string, ftype, relation=None, required=False, readonly=False, selection=None):
    d = {"readonly": readonly, "required": required, "string": string, "type": ftype}
    if relation:
        d["relation"] = relation
    if selection is not None:
        d["selection"] = selection
    return d


def _base_fields() -> dict:
    return {
        "id": _f("ID", "integer", readonly=True),
        "display_name": _f("Display Name", "char", readonly=True),
        "create_date": _f("Created on", "datetime", readonly=True),
        "create_uid": _f("Created by", "many2one", "res.users", readonly=True),
        "write_date": _f("Last Updated on", "datetime", readonly=True),
        "write_uid": _f("Last Updated by", "many2one", "res.users", readonly=True),
    }


def _partner_fields() -> dict:
    return _base_fields() | {
        "name": _f("Name", "char"),
        "complete_name": _f("Complete Name", "char", readonly=True),
        "is_company": _f("Is a Company", "boolean"),
        "company_type": _f("Company Type", "selection", selection=[["person", "Individual"], ["company", "Company"]]),
        "type": _f(
            "Address Type",
            "selection",
            selection=[
                ["contact", "Contact"],
                ["invoice", "Invoice Address"],
                ["delivery", "Delivery Address"],
                ["other", "Other Address"],
            ],
        ),
        "parent_id": _f("Related Company", "many2one", "res.partner"),
        "child_ids": _f("Contact", "one2many", "res.partner"),
        "commercial_partner_id": _f("Commercial Entity", "many2one", "res.partner", readonly=True),
        "company_id": _f("Company", "many2one", "res.company"),
        "ref": _f("Reference", "char"),
        "barcode": _f("Barcode", "char"),
        "vat": _f("Tax ID", "char"),
        "email": _f("Email", "char"),
        "phone": _f("Phone", "char"),
        "mobile": _f("Mobile", "char"),
        "street": _f("Street", "char"),
        "street2": _f("Street2", "char"),
        "city": _f("City", "char"),
        "zip": _f("Zip", "char"),
        "lang": _f("Language", "selection", selection=[["en_US", "English (US)"]]),
        "tz": _f("Timezone", "selection", selection=[["Europe/Brussels", "Europe/Brussels"], ["UTC", "UTC"]]),
        "active": _f("Active", "boolean"),
        "customer_rank": _f("Customer Rank", "integer"),
        "supplier_rank": _f("Supplier Rank", "integer"),
    }


def _users_fields(version: str) -> dict:
    groups = "group_ids" if version >= "19.0" else "groups_id"
    return _base_fields() | {
        "name": _f("Name", "char", required=True),
        "login": _f("Login", "char", required=True),
        "password": _f("Password", "char"),
        "partner_id": _f("Related Partner", "many2one", "res.partner", required=True),
        "company_id": _f("Company", "many2one", "res.company", required=True),
        "company_ids": _f("Companies", "many2many", "res.company"),
        groups: _f("Groups", "many2many", "res.groups"),
        "lang": _f("Language", "selection", selection=[["en_US", "English (US)"]]),
        "tz": _f("Timezone", "selection", selection=[["Europe/Brussels", "Europe/Brussels"], ["UTC", "UTC"]]),
        "email": _f("Email", "char"),
        "active": _f("Active", "boolean"),
        "share": _f("Share User", "boolean", readonly=True),
    }


_COMPANY_RELATIONS = {
    "partner_id": "res.partner",
    "parent_id": "res.company",
    "root_id": "res.company",
    "child_ids": "res.company",
    "all_child_ids": "res.company",
    "user_ids": "res.users",
    "internal_transit_location_id": "stock.location",
}


def _company_fields(version: str) -> dict:
    recorded = None
    path = contract_dir() / version / "transcript_delivery.json"
    if path.exists():
        for call in json.loads(path.read_text())["calls"]:
            if call.get("model") == "res.company" and call.get("method") == "fields_get":
                recorded = call.get("result")
                break
    fields = _base_fields()
    for name, attrs in (recorded or {}).items():
        ftype = attrs.get("type", "char")
        fields[name] = _f(name.replace("_", " ").title(), ftype, _COMPANY_RELATIONS.get(name))
    return fields


def _imd_fields() -> dict:
    return _base_fields() | {
        "module": _f("Module", "char", required=True),
        "name": _f("External Identifier", "char", required=True),
        "complete_name": _f("Complete ID", "char", readonly=True),
        "model": _f("Model Name", "char", required=True),
        "res_id": _f("Record ID", "many2one_reference"),
        "noupdate": _f("Non Updatable", "boolean"),
    }


def _sms_fields() -> dict:
    return _base_fields() | {
        "pick_ids": _f("Pick", "many2many", "stock.picking"),
        "company_id": _f("Company", "many2one", "res.company"),
    }


def _scrap_warn_fields() -> dict:
    return _base_fields() | {
        "product_id": _f("Product", "many2one", "product.product", required=True),
        "location_id": _f("Location", "many2one", "stock.location"),
        "scrap_id": _f("Scrap", "many2one", "stock.scrap"),
        "quantity": _f("Quantity", "float", required=True),
        "product_uom_name": _f("Unit of Measure", "char", readonly=True),
        "lot_id": _f("Lot", "many2one", "stock.lot"),
    }


@dataclass
class VersionSchema:
    version: str
    models: dict[str, ModelSchema]
    version_info: dict
    discovered: dict

    def get(self, model: str) -> ModelSchema | None:
        return self.models.get(model)


@cache
def load(version: str) -> VersionSchema:
    root = contract_dir() / version
    if not root.is_dir():
        raise FileNotFoundError(f"Odoo contract recordings for {version} not found at {root} (set ODOO_CONTRACT_DIR)")
    models: dict[str, ModelSchema] = {}
    for path in sorted(root.glob("fields_*.json")):
        name = path.name[len("fields_") : -len(".json")]
        if name == "index":
            continue
        fields = json.loads(path.read_text())
        models[name] = ModelSchema(name, fields, DESCRIPTIONS.get(name, name))
    handwritten = {
        "res.partner": _partner_fields(),
        "res.users": _users_fields(version),
        "res.company": _company_fields(version),
        "confirm.stock.sms": _sms_fields(),
        "ir.model.data": _imd_fields(),
        "stock.warn.insufficient.qty.scrap": _scrap_warn_fields(),
    }
    for name, fields in handwritten.items():
        models[name] = ModelSchema(name, fields, DESCRIPTIONS.get(name, name), handwritten=True)
    models["res.config.settings"] = ModelSchema(
        "res.config.settings", _base_fields(), DESCRIPTIONS["res.config.settings"], handwritten=True, permissive=True
    )
    return VersionSchema(
        version=version,
        models=models,
        version_info=json.loads((root / "version.json").read_text()),
        discovered=json.loads((root / "discovered_ids.json").read_text()),
    )
