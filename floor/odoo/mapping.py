"""What a careful person would do in Odoo for each kind of floor operation.

Every push first reads what it would change (the picking Floor made or fills, found by id or
by Floor's reference in `origin`) and stops if the work is already there, so a retry after an
answer lost in transit never creates a second picking or validates twice. The number of calls
does not grow with the number of lines: all line values go in one `write` of one2many commands.
"""

from decimal import Decimal

from django.utils.translation import gettext as _

from floor.odoo.client import OdooClient
from floor.odoo.errors import OdooProtocolError, OdooValidationError
from floor.odoo.models import Operation
from floor.warehouse.models import Location, Lot, Package, Product

LINE_FIELDS = ["product_id", "move_id", "lot_id", "lot_name", "quantity", "picked", "location_id", "location_dest_id"]


class NotMapped(OdooValidationError):
    """Floor holds something Odoo does not know yet (no odoo_id): a pull, then a retry, mends it."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def push(client: OdooClient, operation: Operation) -> dict:
    pusher = PUSHERS.get(operation.kind)
    if pusher is None:
        raise NotMapped(_("Floor cannot send a %(kind)s to Odoo yet") % {"kind": operation.get_kind_display()})
    return pusher(client, operation)


# --- Floor ids → Odoo ids


def _odoo_ids(model, ids, what) -> dict[int, int]:
    found = dict(model.objects.filter(pk__in=set(ids)).values_list("pk", "odoo_id"))
    missing = [str(pk) for pk in set(ids) if not found.get(pk)]
    if missing:
        raise NotMapped(
            _("%(what)s not in Odoo yet (Floor ids %(ids)s): pull from Odoo, then retry")
            % {"what": what, "ids": ", ".join(sorted(missing))}
        )
    return found


def _products(lines) -> dict[int, tuple[int, int]]:
    rows = Product.objects.filter(pk__in={line["product"] for line in lines}).values_list(
        "pk", "odoo_id", "odoo_uom_id"
    )
    products = {pk: (odoo_id, uom) for pk, odoo_id, uom in rows}
    missing = [str(pk) for pk, (odoo_id, uom) in products.items() if not (odoo_id and uom)]
    if missing or len(products) != len({line["product"] for line in lines}):
        raise NotMapped(
            _("Items not in Odoo yet (Floor ids %(ids)s): pull from Odoo, then retry") % {"ids": ", ".join(missing)}
        )
    return products


def _lot_names(lines) -> dict[int, str]:
    return dict(Lot.objects.filter(pk__in={line["lot"] for line in lines if line.get("lot")}).values_list("pk", "name"))


def _existing_lots(client: OdooClient, lines, products) -> dict[int, int]:
    """Floor lot id → Odoo lot id, for stock that already exists (one search for all lines)."""
    names = _lot_names(lines)
    if not names:
        return {}
    found = client.search_read(
        "stock.lot",
        [
            ["name", "in", sorted(set(names.values()))],
            ["product_id", "in", sorted({p for p, _uom in products.values()})],
        ],
        ["name", "product_id"],
    )
    by_key = {(lot["product_id"][0], lot["name"]): lot["id"] for lot in found}
    lots = {}
    for line in lines:
        if line.get("lot"):
            key = (products[line["product"]][0], names[line["lot"]])
            if key not in by_key:
                raise NotMapped(_("Lot %(lot)s is not in Odoo") % {"lot": key[1]})
            lots[line["lot"]] = by_key[key]
    return lots


# --- Validation, answering the wizards Odoo may open


def _validate(client: OdooClient, picking_id: int, *, backorder: bool) -> None:
    context = {"skip_sms": True, "skip_backorder": True}
    if not backorder:
        context["picking_ids_not_to_backorder"] = [picking_id]
    result = client.call("stock.picking", "button_validate", [picking_id], context=context)
    for _attempt in range(3):
        if result is True or result is None:
            return
        if not isinstance(result, dict):
            raise OdooProtocolError(f"button_validate answered {type(result).__name__}")
        wizard, wizard_context = result.get("res_model"), result.get("context") or {}
        if wizard == "stock.backorder.confirmation":
            [wizard_id] = client.create(wizard, [{}], context=wizard_context)
            method = "process" if backorder else "process_cancel_backorder"
            result = client.call(wizard, method, [wizard_id], context=wizard_context)
        elif wizard == "confirm.stock.sms":
            result = client.call(wizard, "dont_send_sms", [result["res_id"]], context=wizard_context)
        else:
            raise OdooProtocolError(f"button_validate opened an unexpected wizard: {wizard}")
    raise OdooProtocolError("button_validate kept opening wizards")


def _fill_lines(client: OdooClient, picking_id: int, wanted: list[dict]) -> None:
    """Make the picking's move lines say exactly what the floor did, in one write.

    `wanted`: dicts with move_id, product_id, quantity, location_id, location_dest_id and
    lot_id or lot_name. Existing lines of the same move are reused; extra ones are emptied.
    """
    existing = client.search_read("stock.move.line", [["picking_id", "=", picking_id]], LINE_FIELDS)
    free: dict[int, list[int]] = {}
    for line in existing:
        move_id = line["move_id"][0] if line["move_id"] else None
        free.setdefault(move_id, []).append(line["id"])
    commands = []
    for values in wanted:
        values = {**values, "picked": True}
        reusable = free.get(values["move_id"])
        if reusable:
            commands.append([1, reusable.pop(0), values])
        else:
            commands.append([0, 0, values])
    for leftover in (line_id for ids in free.values() for line_id in ids):
        commands.append([1, leftover, {"quantity": 0, "picked": True}])
    client.write("stock.picking", [picking_id], {"move_line_ids": commands})


def _number(value) -> float:
    return float(Decimal(value))


# --- Internal transfer: create it (or find the one an earlier try created), fill, validate


_internal_types: dict[tuple[str, int], int] = {}


def _internal_type(client: OdooClient, warehouse_odoo_id: int) -> int:
    """The warehouse's own internal transfer type (read from the warehouse: Odoo archives the
    type while multi-step routes are off, and a search would not see it)."""
    cache_key = (client.url, warehouse_odoo_id)
    if cache_key not in _internal_types:
        [warehouse] = client.read("stock.warehouse", [warehouse_odoo_id], ["int_type_id"]) or [None]
        if not warehouse or not warehouse["int_type_id"]:
            raise NotMapped(_("Odoo has no internal transfer type for this warehouse"))
        _internal_types[cache_key] = warehouse["int_type_id"][0]
    return _internal_types[cache_key]


def push_internal(client: OdooClient, operation: Operation) -> dict:
    lines = operation.payload["lines"]
    found = client.search_read(
        "stock.picking", [["origin", "=", operation.reference]], ["id", "state", "move_ids"], limit=1
    )
    if found and found[0]["state"] == "done":
        return {"picking": found[0]["id"]}  # an earlier try got through; its answer was lost
    locations = _odoo_ids(Location, [end for line in lines for end in (line["from"], line["to"])], _("Locations"))
    products = _products(lines)
    lots = _existing_lots(client, lines, products)
    if not operation.warehouse.odoo_id:
        raise NotMapped(_("Warehouse not in Odoo yet: pull from Odoo, then retry"))
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
                "location_id": locations[line["from"]],
                "location_dest_id": locations[line["to"]],
            }
            if client.server_version < (19, 0):
                move["name"] = operation.reference  # required up to 18, gone in 19
            moves.append([0, 0, move])
        [picking_id] = client.create(
            "stock.picking",
            [
                {
                    "picking_type_id": _internal_type(client, operation.warehouse.odoo_id),
                    "location_id": locations[first["from"]],
                    "location_dest_id": locations[first["to"]],
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
            "location_id": locations[line["from"]],
            "location_dest_id": locations[line["to"]],
        }
        if line.get("lot"):
            values["lot_id"] = lots[line["lot"]]
        wanted.append(values)
    _fill_lines(client, picking_id, wanted)
    _validate(client, picking_id, backorder=False)
    return {"picking": picking_id}


# --- Pickings Odoo already has (receipts, deliveries): read first, fill, validate, check


class AlreadyDone(Exception):
    def __init__(self, odoo_ids):
        self.odoo_ids = odoo_ids


def _open_picking(client: OdooClient, picking_id: int, fields: list[str], *, what: str) -> dict:
    """The picking to fill, or AlreadyDone when an earlier try validated it (its answer lost)."""
    [picking] = client.read("stock.picking", [picking_id], ["state", "backorder_ids", *fields]) or [None]
    if picking is None:
        raise NotMapped(_("The %(what)s is no longer in Odoo") % {"what": what})
    if picking["state"] == "done":
        raise AlreadyDone({"picking": picking_id, "backorders": picking["backorder_ids"]})
    if picking["state"] == "cancel":
        raise NotMapped(_("The %(what)s was cancelled in Odoo") % {"what": what})
    return picking


def _validate_filled(client: OdooClient, picking_id: int, wanted: list[dict], *, backorder: bool) -> dict:
    _fill_lines(client, picking_id, wanted)
    _validate(client, picking_id, backorder=backorder)
    [after] = client.read("stock.picking", [picking_id], ["state", "backorder_ids"])
    if after["state"] != "done":
        raise OdooProtocolError(f"picking {picking_id} is {after['state']} after validation")
    return {"picking": picking_id, "backorders": after["backorder_ids"]}


# --- Receipt: fill the receipt Odoo already has with what was received, then validate


def push_receipt(client: OdooClient, operation: Operation) -> dict:
    """Payload: `picking` (Odoo id), `backorder` (bool), `lines` with `move` (Odoo move id),
    product, quantity, `to` (Floor location) and a lot (Floor id) or `lot_name` (a new lot)."""
    picking_id, lines = operation.payload["picking"], operation.payload["lines"]
    try:
        picking = _open_picking(client, picking_id, ["location_id", "location_dest_id"], what=_("receipt"))
    except AlreadyDone as done:
        return done.odoo_ids
    products = _products(lines)
    destinations = {line["to"] for line in lines if line.get("to")}
    locations = _odoo_ids(Location, destinations, _("Locations")) if destinations else {}
    known_lots = dict(
        Lot.objects.filter(pk__in={line["lot"] for line in lines if line.get("lot")}).values_list("pk", "odoo_id")
    )
    lot_names = _lot_names(lines)
    wanted = []
    for line in lines:
        values = {
            "move_id": line["move"],
            "product_id": products[line["product"]][0],
            "quantity": _number(line["quantity"]),
            "location_id": picking["location_id"][0],
            "location_dest_id": locations.get(line.get("to")) or picking["location_dest_id"][0],
        }
        if line.get("lot") and known_lots.get(line["lot"]):
            values["lot_id"] = known_lots[line["lot"]]
        elif line.get("lot") or line.get("lot_name"):
            values["lot_name"] = line.get("lot_name") or lot_names[line["lot"]]
        wanted.append(values)
    return _validate_filled(client, picking_id, wanted, backorder=operation.payload.get("backorder", True))


# --- Delivery: what was picked, from which bins, in which lots and cartons; then validate


def _package_model(client: OdooClient) -> str:
    return "stock.package" if client.server_version >= (19, 0) else "stock.quant.package"


def _packages(client: OdooClient, lines) -> dict[int, int]:
    """Floor carton id → Odoo package id: found by name (an earlier try may have made them),
    the missing ones created in one call."""
    names = dict(
        Package.objects.filter(pk__in={line["package"] for line in lines if line.get("package")}).values_list(
            "pk", "barcode"
        )
    )
    if not names:
        return {}
    model = _package_model(client)
    found = {p["name"]: p["id"] for p in client.search_read(model, [["name", "in", sorted(names.values())]], ["name"])}
    missing = sorted(set(names.values()) - set(found))
    if missing:
        found.update(zip(missing, client.create(model, [{"name": name} for name in missing]), strict=True))
    return {pk: found[name] for pk, name in names.items()}


def push_delivery(client: OdooClient, operation: Operation) -> dict:
    """Payload: `picking` (Odoo id), `backorder` (bool), `lines` with `move` (Odoo move id),
    product, quantity, `from` (the Floor bin it was picked from), lot and `package` (the carton)."""
    picking_id, lines = operation.payload["picking"], operation.payload["lines"]
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


PUSHERS = {
    Operation.Kind.INTERNAL: push_internal,
    Operation.Kind.RECEIPT: push_receipt,
    Operation.Kind.DELIVERY: push_delivery,
}
