"""Internal transfers (putaway, replenishment, Move stock): create one (or find the one an earlier
try created), fill, validate."""

from django.utils.translation import gettext as _

from floor.odoo.client import OdooClient
from floor.odoo.errors import OdooProtocolError
from floor.odoo.mapping.common import (
    NotMapped,
    _ends,
    _existing_lots,
    _fill_lines,
    _number,
    _packages,
    _products,
    _validate,
    _warehouse,
)
from floor.odoo.models import Operation


def push_internal(client: OdooClient, operation: Operation) -> dict:
    """Payload: `lines` with product, quantity, lot, `from` and `to` (Floor locations) and
    `package` (a licence plate moving whole). Bins must be linked to Odoo's; a Floor area Odoo
    does not model (a one-step warehouse's input) is the warehouse's stock location there, and a
    line that starts and ends in the same Odoo location changes nothing in Odoo, so it is left out."""
    if not operation.warehouse.odoo_id:
        raise NotMapped(_("Warehouse not in Odoo yet: pull from Odoo, then retry"))
    found = client.search_read(
        "stock.picking", [["origin", "=", operation.reference]], ["id", "state", "move_ids"], limit=1
    )
    if found and found[0]["state"] == "done":
        return {"picking": found[0]["id"]}  # an earlier try got through; its answer was lost
    warehouse = _warehouse(client, operation.warehouse.odoo_id)
    if not warehouse["internal"]:
        raise NotMapped(_("Odoo has no internal transfer type for this warehouse"))
    ends = _ends({end for line in operation.payload["lines"] for end in (line["from"], line["to"])}, warehouse["stock"])
    lines = [line for line in operation.payload["lines"] if ends[line["from"]] != ends[line["to"]]]
    if not lines:
        return {"picking": None}
    products = _products(lines)
    lots = _existing_lots(client, lines, products)
    packages = _packages(client, lines)
    first = lines[0]
    if found:
        picking_id, move_ids = found[0]["id"], found[0]["move_ids"]
    else:
        moves = []
        for line in lines:
            move = {
                "product_id": products[line["product"]][0],
                "product_uom": products[line["product"]][1],
                "product_uom_qty": _number(line["quantity"]),
                "location_id": ends[line["from"]],
                "location_dest_id": ends[line["to"]],
            }
            if client.server_version < (19, 0):
                move["name"] = operation.reference  # required up to 18, gone in 19
            moves.append([0, 0, move])
        [picking_id] = client.create(
            "stock.picking",
            [
                {
                    "picking_type_id": warehouse["internal"],
                    "location_id": ends[first["from"]],
                    "location_dest_id": ends[first["to"]],
                    "origin": operation.reference,
                    "move_ids": moves,
                }
            ],
        )
        client.call("stock.picking", "action_confirm", [picking_id])
        move_ids = client.read("stock.picking", [picking_id], ["move_ids"])[0]["move_ids"]
    if len(move_ids) != len(lines):
        raise OdooProtocolError(f"picking {picking_id} has {len(move_ids)} moves for {len(lines)} lines")
    wanted = []
    for move_id, line in zip(sorted(move_ids), lines, strict=True):
        values = {
            "move_id": move_id,
            "product_id": products[line["product"]][0],
            "quantity": _number(line["quantity"]),
            "location_id": ends[line["from"]],
            "location_dest_id": ends[line["to"]],
        }
        if line.get("lot"):
            values["lot_id"] = lots[line["lot"]]
        if line.get("package"):  # the plate moves whole: it leaves as itself and arrives as itself
            values["package_id"] = values["result_package_id"] = packages[line["package"]]
        wanted.append(values)
    _fill_lines(client, picking_id, wanted)
    _validate(client, picking_id, backorder=False)
    return {"picking": picking_id}
