"""Returns: Odoo's return wizard on the delivery (or the return Odoo already has), then validate."""

from decimal import Decimal

from django.utils.translation import gettext as _

from floor.odoo.client import OdooClient
from floor.odoo.errors import OdooProtocolError, OdooValidationError
from floor.odoo.mapping.common import (
    AlreadyDone,
    NotMapped,
    _incoming,
    _linked,
    _moves_per_item,
    _open_picking,
    _products,
    _validate_filled,
    _warehouse,
)
from floor.odoo.models import Operation

# --- Return: Odoo's return wizard on the delivery (or the return Odoo already has), then validate


def _floor_returns(client: OdooClient, operation: Operation, delivery_id: int) -> int | None:
    """The return picking an earlier try of this operation made, if any: Odoo names it after the
    operation's reference in the very call that creates it (context `default_name`), so a pull that
    reads it meanwhile knows it for Floor's, and a retry finds it. (Returns made before Floor named
    them carry the reference in their origin.)"""
    found = client.search_read(
        "stock.picking", [["return_id", "=", delivery_id]], ["name", "origin", "state"], order="id"
    )
    for picking in found:
        if operation.reference in (picking["name"], picking["origin"]):
            return picking["id"]
    return None


def _create_return(client: OdooClient, operation: Operation, delivery_id: int, lines, products) -> int:
    """Run Odoo's return wizard for what came back: one quantity per item, on the first of the
    delivery's moves of that item, nothing on the others. Returns the new return picking, named
    after the operation's reference."""
    context = {"active_id": delivery_id, "active_ids": [delivery_id], "active_model": "stock.picking"}
    [wizard] = client.create("stock.return.picking", [{"picking_id": delivery_id}], context=context)
    wizard_lines = client.search_read("stock.return.picking.line", [["wizard_id", "=", wizard]], ["product_id"])
    returned: dict[int, Decimal] = {}
    for line in lines:
        if line.get("extra"):
            continue  # not shipped on the delivery: the wizard cannot return it (see push_return)
        odoo_product = products[line["product"]][0]
        returned[odoo_product] = returned.get(odoo_product, Decimal(0)) + Decimal(line["quantity"])
    commands = []
    for wizard_line in sorted(wizard_lines, key=lambda row: row["id"]):
        quantity = returned.pop(wizard_line["product_id"][0], Decimal(0))
        commands.append([1, wizard_line["id"], {"quantity": float(quantity)}])
    if returned:
        raise NotMapped(_("Items that delivery did not ship came back: check the return against the order"))
    client.write("stock.return.picking", [wizard], {"product_return_moves": commands})
    method = "create_returns" if client.server_version < (18, 0) else "action_create_returns"
    try:
        action = client.call(
            "stock.return.picking", method, [wizard], context={**context, "default_name": operation.reference}
        )
    except OdooValidationError:
        # "Reference must be unique": an earlier try's return got there first (Odoo made nothing now).
        made = _floor_returns(client, operation, delivery_id)
        if made is None:
            raise
        return made
    if not isinstance(action, dict) or not action.get("res_id"):
        raise OdooProtocolError(f"{method} answered without the return picking")
    return action["res_id"]


def push_return(client: OdooClient, operation: Operation) -> dict:
    """Payload: `picking` (the return Odoo already has), `delivery` (the Odoo delivery the goods
    came back from) or `customer` (no delivery at all: an unknown return), `backorder` (bool,
    default no), and `lines` with product, quantity, lot, `to` (the Floor location they were
    received into), with `picking` `move`, and `extra` for what the delivery did not ship: a move
    line of its own, for which Odoo adds a move to the return as it does on a receipt."""
    payload, lines = operation.payload, operation.payload["lines"]
    products = _products(lines)
    picking_id, delivery = payload.get("picking"), payload.get("delivery")
    # Floor makes the picking itself, a move for each item, when no delivery shipped any of it.
    on_moves = not picking_id and not (delivery and any(not line.get("extra") for line in lines))
    if on_moves:
        picking_id = _customer_return(client, operation) or _create_customer_return(client, operation, lines, products)
    elif not picking_id:
        picking_id = _floor_returns(client, operation, delivery) or _create_return(
            client, operation, delivery, lines, products
        )
    try:
        picking = _open_picking(client, picking_id, ["location_id", "location_dest_id"], what=_("return"))
    except AlreadyDone as done:
        return done.odoo_ids
    if not on_moves and all(line.get("move") or line.get("extra") for line in lines):
        move_of = lambda line: line.get("move")  # noqa: E731 - one-line lookups, side by side
    else:
        moves = client.search_read("stock.move", [["picking_id", "=", picking_id]], ["product_id"], order="id")
        first_move = {}
        for move in moves:
            first_move.setdefault(move["product_id"][0], move["id"])
        placed = [line for line in lines if on_moves or not line.get("extra")]
        missing = [line["product"] for line in placed if products[line["product"]][0] not in first_move]
        if missing:
            raise NotMapped(_("The return in Odoo has no line for some items that came back"))

        def move_of(line):
            if line.get("extra") and not on_moves:
                return None
            return first_move[products[line["product"]][0]]

    destinations = {line["to"] for line in lines if line.get("to")}
    locations = _linked(destinations)
    wanted = _incoming(picking, lines, products, locations, move_of=move_of)
    # Into the returns location, as Floor received them: the picking says so too, not only its lines.
    landing = {values["location_dest_id"] for values in wanted}
    extra = {"location_dest_id": landing.pop()} if len(landing) == 1 else None
    if extra and extra["location_dest_id"] == picking["location_dest_id"][0]:
        extra = None
    return _validate_filled(client, picking_id, wanted, backorder=payload.get("backorder", False), extra=extra)


# --- A return with no delivery to return against: a receipt from the customers' location


def _customer_return(client: OdooClient, operation: Operation) -> int | None:
    """The picking an earlier try of this operation made, found by its origin."""
    found = client.search_read("stock.picking", [["origin", "=", operation.reference]], ["id"], limit=1)
    return found[0]["id"] if found else None


def _create_customer_return(client: OdooClient, operation: Operation, lines, products) -> int:
    """A receipt of the warehouse from Odoo's customers' location (where its deliveries go) into
    the returns location, with a move per item; Floor's reference is its origin."""
    if not operation.warehouse.odoo_id:
        raise NotMapped(_("Warehouse not in Odoo yet: pull from Odoo, then retry"))
    types = _warehouse(client, operation.warehouse.odoo_id)
    if not types["incoming"] or not types["outgoing"]:
        raise NotMapped(_("Odoo has no receipt or delivery type for this warehouse"))
    [outgoing, incoming] = client.read(
        "stock.picking.type", [types["outgoing"], types["incoming"]], ["default_location_dest_id"]
    )
    customers = (outgoing["default_location_dest_id"] or [None])[0]
    if customers is None:  # 17 leaves it to the partner: the first customers' location, Odoo's own
        found = client.search_read("stock.location", [["usage", "=", "customer"]], ["id"], limit=1, order="id")
        if not found:
            raise NotMapped(_("Odoo has no customers' location"))
        customers = found[0]["id"]
    linked = _linked({line["to"] for line in lines if line.get("to")})
    landing = linked.get(lines[0].get("to")) or (incoming["default_location_dest_id"] or [types["stock"]])[0]
    moves = _moves_per_item(client, operation, lines, products, source=customers, destination=landing)
    [picking_id] = client.create(
        "stock.picking",
        [
            {
                "picking_type_id": types["incoming"],
                "location_id": customers,
                "location_dest_id": landing,
                "origin": operation.reference,
                "move_ids": moves,
            }
        ],
    )
    client.call("stock.picking", "action_confirm", [picking_id])
    return picking_id
