"""Receipts and deliveries: fill the picking Odoo already has and validate it, or make the picking
for a document Odoo never had."""

from django.conf import settings
from django.utils.translation import gettext as _

from floor.odoo.client import OdooClient
from floor.odoo.errors import OdooProtocolError
from floor.odoo.mapping.common import (
    AlreadyDone,
    NotMapped,
    _ends,
    _existing_lots,
    _incoming,
    _linked,
    _moves_per_item,
    _number,
    _odoo_ids,
    _open_picking,
    _packages,
    _products,
    _validate_filled,
    _warehouse,
)
from floor.odoo.models import Operation
from floor.warehouse.models import Location
from floor.warehouse.services import virtual_location

# --- Receipt: fill the receipt Odoo already has with what was received, then validate


def push_receipt(client: OdooClient, operation: Operation) -> dict:
    """Payload: `picking` (Odoo id), `backorder` (bool; absent: the ODOO_RECEIPT_BACKORDER setting),
    `lines` with `move` (Odoo move id; none for an item the receipt did not expect), product,
    quantity, `to` (Floor location), a lot (Floor id) or `lot_name` (a new lot), and `package`
    (the pallet's licence plate, Floor id). `picking` None: Odoo never had this receipt, so the
    push makes one (see `receive_without_picking`)."""
    picking_id, lines = operation.payload["picking"], operation.payload["lines"]
    if not picking_id:
        return receive_without_picking(client, operation)
    try:
        picking = _open_picking(client, picking_id, ["location_id", "location_dest_id"], what=_("receipt"))
    except AlreadyDone as done:
        return done.odoo_ids
    products = _products(lines)
    destinations = {line["to"] for line in lines if line.get("to")}
    locations = _linked(destinations)
    wanted = _incoming(picking, lines, products, locations, move_of=lambda line: line.get("move"))
    packages = _packages(client, lines)
    for values, line in zip(wanted, lines, strict=True):
        if line.get("package"):
            values["result_package_id"] = packages[line["package"]]
    backorder = operation.payload.get("backorder")
    if backorder is None:
        backorder = settings.ODOO_RECEIPT_BACKORDER
    return _validate_filled(client, picking_id, wanted, backorder=backorder)


# --- Delivery: what was picked, from which bins, in which lots and cartons; then validate


def push_delivery(client: OdooClient, operation: Operation) -> dict:
    """Payload: `picking` (Odoo id), `backorder` (bool), `lines` with `move` (Odoo move id),
    product, quantity, `from` (the Floor bin it was picked from), lot and `package` (the carton).
    `picking` None: Odoo never had this order, so the push makes its delivery (see
    `deliver_without_picking`)."""
    picking_id, lines = operation.payload["picking"], operation.payload["lines"]
    if not picking_id:
        return deliver_without_picking(client, operation)
    try:
        picking = _open_picking(client, picking_id, ["location_dest_id"], what=_("delivery"))
    except AlreadyDone as done:
        return done.odoo_ids
    products = _products(lines)
    sources = _odoo_ids(Location, {line["from"] for line in lines}, _("Locations"))
    lots = _existing_lots(client, lines, products)
    packages = _packages(client, lines)
    wanted = []
    for line in lines:
        values = {
            "move_id": line["move"],
            "product_id": products[line["product"]][0],
            "quantity": _number(line["quantity"]),
            "location_id": sources[line["from"]],
            "location_dest_id": picking["location_dest_id"][0],
        }
        if line.get("lot"):
            values["lot_id"] = lots[line["lot"]]
        if line.get("package"):
            values["result_package_id"] = packages[line["package"]]
        wanted.append(values)
    odoo_ids = _validate_filled(client, picking_id, wanted, backorder=operation.payload.get("backorder", True))
    return {**odoo_ids, "packages": sorted(packages.values())}


# --- Receipts and deliveries Odoo never had (the demo's, goods that came without a document):
# the push makes the picking, found again by Floor's reference in `origin`, fills it and validates


def _floor_picking(client: OdooClient, operation: Operation) -> dict | None:
    """The picking an earlier try of this operation made, if any. A pull reads it for Floor's own
    (its origin is an operation's reference), so it never comes back as work for the floor."""
    found = client.search_read(
        "stock.picking", [["origin", "=", operation.reference]], ["state", "backorder_ids"], limit=1
    )
    return found[0] if found else None


def _floor_type(client: OdooClient, operation: Operation, code: str) -> dict:
    """The warehouse in Odoo, with the type of picking to make (`incoming` or `outgoing`)."""
    if not operation.warehouse.odoo_id:
        raise NotMapped(_("Warehouse not in Odoo yet: pull from Odoo, then retry"))
    warehouse = _warehouse(client, operation.warehouse.odoo_id)
    if not warehouse[code]:
        if code == "incoming":
            raise NotMapped(_("Odoo has no receipt type for this warehouse"))
        raise NotMapped(_("Odoo has no delivery type for this warehouse"))
    return {**warehouse, "type": warehouse[code]}


def _virtual(kind: str) -> int:
    """Odoo's location that Floor's virtual one (vendors, customers) stands for, linked by a pull."""
    location = virtual_location(kind).pk
    return _odoo_ids(Location, [location], _("Locations"))[location]


def _partner(client: OdooClient, name: str) -> int | None:
    """The Odoo contact a document names (its vendor or customer), when Odoo has exactly one."""
    if not name:
        return None
    found = client.search_read("res.partner", [["name", "=", name]], ["id"], limit=2)
    return found[0]["id"] if len(found) == 1 else None


def _made_picking(
    client: OdooClient, operation: Operation, found: dict | None, *, kind: dict, source: int, destination: int, products
) -> tuple[int, dict[int, int]]:
    """The picking to fill (the one an earlier try made, or a new one of `kind`'s type from
    `source` to `destination`, confirmed) and its move of each Odoo item. One move per item, for
    all the floor did with it: each line of the floor's (a bin, a lot, a carton) is a move line."""
    if found is None:
        moves = _moves_per_item(
            client, operation, operation.payload["lines"], products, source=source, destination=destination
        )
        values = {
            "picking_type_id": kind["type"],
            "location_id": source,
            "location_dest_id": destination,
            "origin": operation.reference,
            "move_ids": moves,
        }
        partner = _partner(client, operation.payload.get("partner", ""))
        if partner:
            values["partner_id"] = partner
        [picking_id] = client.create("stock.picking", [values])
        client.call("stock.picking", "action_confirm", [picking_id])
    else:
        picking_id = found["id"]
        if found["state"] == "cancel":
            raise NotMapped(_("The picking Floor made for this was cancelled in Odoo"))
        if found["state"] == "draft":  # made, and the answer lost before it was confirmed
            client.call("stock.picking", "action_confirm", [picking_id])
    moves = client.search_read("stock.move", [["picking_id", "=", picking_id]], ["product_id"], order="id")
    move_of = {}
    for move in moves:
        move_of.setdefault(move["product_id"][0], move["id"])
    missing = {odoo_product for odoo_product, _uom in products.values()} - set(move_of)
    if missing:
        raise OdooProtocolError(f"picking {picking_id} has no move for products {sorted(missing)}")
    return picking_id, move_of


def receive_without_picking(client: OdooClient, operation: Operation) -> dict:
    """A receipt Odoo never had: a receipt of the warehouse's type, from Odoo's vendors location
    into its stock, with the received quantities, lots and pallets in the bins the floor put them
    in; then validated, with nothing left to expect. Payload as push_receipt's, `partner` the
    vendor's name."""
    lines = operation.payload["lines"]
    if not lines:
        return {"picking": None}  # nothing moved: nothing for Odoo to learn
    found = _floor_picking(client, operation)
    if found and found["state"] == "done":
        return {"picking": found["id"], "backorders": found["backorder_ids"]}  # an earlier try got through
    kind = _floor_type(client, operation, "incoming")
    products = _products(lines)
    vendors = _virtual(Location.Kind.VENDOR)
    locations = _ends({line["to"] for line in lines}, kind["stock"])
    packages = _packages(client, lines)
    picking_id, move_of = _made_picking(
        client, operation, found, kind=kind, source=vendors, destination=kind["stock"], products=products
    )
    picking = {"location_id": [vendors], "location_dest_id": [kind["stock"]]}
    wanted = _incoming(picking, lines, products, locations, move_of=lambda line: move_of[products[line["product"]][0]])
    for values, line in zip(wanted, lines, strict=True):
        if line.get("package"):
            values["result_package_id"] = packages[line["package"]]
    return _validate_filled(client, picking_id, wanted, backorder=False)


def deliver_without_picking(client: OdooClient, operation: Operation) -> dict:
    """An order Odoo never had: a delivery of the warehouse's type, from its stock to Odoo's
    customers location, with what was picked from which bins, in which lots and cartons; then
    validated. Payload as push_delivery's, `partner` the customer's name."""
    lines = operation.payload["lines"]
    if not lines:
        return {"picking": None}  # nothing moved: nothing for Odoo to learn
    found = _floor_picking(client, operation)
    if found and found["state"] == "done":
        return {"picking": found["id"], "backorders": found["backorder_ids"]}  # an earlier try got through
    kind = _floor_type(client, operation, "outgoing")
    products = _products(lines)
    customers = _virtual(Location.Kind.CUSTOMER)
    sources = _ends({line["from"] for line in lines}, kind["stock"])
    lots = _existing_lots(client, lines, products)
    packages = _packages(client, lines)
    picking_id, move_of = _made_picking(
        client, operation, found, kind=kind, source=kind["stock"], destination=customers, products=products
    )
    wanted = []
    for line in lines:
        values = {
            "move_id": move_of[products[line["product"]][0]],
            "product_id": products[line["product"]][0],
            "quantity": _number(line["quantity"]),
            "location_id": sources[line["from"]],
            "location_dest_id": customers,
        }
        if line.get("lot"):
            values["lot_id"] = lots[line["lot"]]
        if line.get("package"):
            values["result_package_id"] = packages[line["package"]]
        wanted.append(values)
    odoo_ids = _validate_filled(client, picking_id, wanted, backorder=False)
    return {**odoo_ids, "packages": sorted(packages.values())}
