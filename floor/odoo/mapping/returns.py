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
    _open_picking,
    _products,
    _validate_filled,
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
    """Payload: `picking` (the return Odoo already has) or `delivery` (the Odoo delivery the
    goods came back from), `backorder` (bool, default no), and `lines` with product, quantity,
    lot, `to` (the Floor location they were received into) and, with `picking`, `move`."""
    payload, lines = operation.payload, operation.payload["lines"]
    products = _products(lines)
    picking_id = payload.get("picking")
    if not picking_id:
        picking_id = _floor_returns(client, operation, payload["delivery"])
        if picking_id is None:
            picking_id = _create_return(client, operation, payload["delivery"], lines, products)
    try:
        picking = _open_picking(client, picking_id, ["location_id", "location_dest_id"], what=_("return"))
    except AlreadyDone as done:
        return done.odoo_ids
    if all(line.get("move") for line in lines):
        move_of = lambda line: line["move"]  # noqa: E731 - one-line lookups, side by side
    else:
        moves = client.search_read("stock.move", [["picking_id", "=", picking_id]], ["product_id"], order="id")
        first_move = {}
        for move in moves:
            first_move.setdefault(move["product_id"][0], move["id"])
        missing = [line["product"] for line in lines if products[line["product"]][0] not in first_move]
        if missing:
            raise NotMapped(_("The return in Odoo has no line for some items that came back"))
        move_of = lambda line: first_move[products[line["product"]][0]]  # noqa: E731
    destinations = {line["to"] for line in lines if line.get("to")}
    locations = _linked(destinations)
    wanted = _incoming(picking, lines, products, locations, move_of=move_of)
    # Into the returns location, as Floor received them: the picking says so too, not only its lines.
    landing = {values["location_dest_id"] for values in wanted}
    extra = {"location_dest_id": landing.pop()} if len(landing) == 1 else None
    if extra and extra["location_dest_id"] == picking["location_dest_id"][0]:
        extra = None
    return _validate_filled(client, picking_id, wanted, backorder=payload.get("backorder", False), extra=extra)
