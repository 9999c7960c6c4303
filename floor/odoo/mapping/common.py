"""What every push shares: Floor ids as Odoo ids, validation with the wizards Odoo may open, the
warehouse's types and stock location, and the pickings Odoo already has."""

from decimal import Decimal

from django.utils.translation import gettext as _

from floor.odoo.client import OdooClient
from floor.odoo.errors import OdooProtocolError, OdooValidationError
from floor.warehouse.models import Location, Lot, Package, Product

LINE_FIELDS = ["product_id", "move_id", "lot_id", "lot_name", "quantity", "picked", "location_id", "location_dest_id"]


class NotMapped(OdooValidationError):
    """Floor holds something Odoo does not know yet (no odoo_id): a pull, then a retry, mends it."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


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


def _fill_lines(client: OdooClient, picking_id: int, wanted: list[dict], extra: dict | None = None) -> None:
    """Make the picking's move lines say exactly what the floor did, in one write.

    `wanted`: dicts with move_id, product_id, quantity, location_id, location_dest_id and
    lot_id or lot_name. Existing lines of the same move are reused; extra ones are emptied.
    `extra`: more picking values for the same write (Floor's reference in `origin`).
    """
    existing = client.search_read("stock.move.line", [["picking_id", "=", picking_id]], LINE_FIELDS)
    free: dict[int, list[int]] = {}
    for line in existing:
        move_id = line["move_id"][0] if line["move_id"] else None
        free.setdefault(move_id, []).append(line["id"])
    commands = []
    for values in wanted:
        values = {**values, "picked": True}
        reusable = free.get(values.get("move_id"))
        if reusable:
            commands.append([1, reusable.pop(0), values])
        else:
            commands.append([0, 0, values])
    for leftover in (line_id for ids in free.values() for line_id in ids):
        commands.append([1, leftover, {"quantity": 0, "picked": True}])
    client.write("stock.picking", [picking_id], {**(extra or {}), "move_line_ids": commands})


def _moves_per_item(client: OdooClient, operation, lines, products, *, source: int, destination: int) -> list:
    """Create-commands for a picking's moves: one per item, for all its lines (lots, bins, cartons
    are the move lines), from `source` to `destination`."""
    demand: dict[int, Decimal] = {}
    for line in lines:
        demand[line["product"]] = demand.get(line["product"], Decimal(0)) + Decimal(line["quantity"])
    moves = []
    for product, quantity in demand.items():
        move = {
            "product_id": products[product][0],
            "product_uom": products[product][1],
            "product_uom_qty": float(quantity),
            "location_id": source,
            "location_dest_id": destination,
        }
        if client.server_version < (19, 0):
            move["name"] = operation.reference  # required up to 18, gone in 19
        moves.append([0, 0, move])
    return moves


def _number(value) -> float:
    return float(Decimal(value))


# --- The warehouse in Odoo


_warehouses: dict[tuple[str, int], dict] = {}


def _warehouse(client: OdooClient, warehouse_odoo_id: int) -> dict:
    """The warehouse's operation types (receipts, deliveries, internal transfers) and stock
    location, read once per process (from the warehouse: Odoo archives the internal type while
    multi-step routes are off, and a search would not see it)."""
    cache_key = (client.url, warehouse_odoo_id)
    if cache_key not in _warehouses:
        fields = ["in_type_id", "out_type_id", "int_type_id", "lot_stock_id"]
        [warehouse] = client.read("stock.warehouse", [warehouse_odoo_id], fields) or [None]
        if not warehouse:
            raise NotMapped(_("Warehouse not in Odoo yet: pull from Odoo, then retry"))
        ids = {field: (warehouse[field] or [None])[0] for field in fields}
        _warehouses[cache_key] = {
            "incoming": ids["in_type_id"],
            "outgoing": ids["out_type_id"],
            "internal": ids["int_type_id"],
            "stock": ids["lot_stock_id"],
        }
    return _warehouses[cache_key]


def _ends(locations, stock: int) -> dict[int, int]:
    """Floor locations → Odoo's. A bin must be Odoo's own (its stock is counted there); a Floor
    area Odoo does not model (a one-step warehouse's input) is the warehouse's stock location."""
    locations = set(locations)
    bins = set(Location.objects.filter(pk__in=locations, kind=Location.Kind.STORAGE).values_list("pk", flat=True))
    linked = {**_linked(locations - bins), **(_odoo_ids(Location, bins, _("Locations")) if bins else {})}
    return {pk: linked.get(pk, stock) for pk in locations}


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


def _validate_filled(
    client: OdooClient, picking_id: int, wanted: list[dict], *, backorder: bool, extra: dict | None = None
) -> dict:
    _fill_lines(client, picking_id, wanted, extra)
    _validate(client, picking_id, backorder=backorder)
    [after] = client.read("stock.picking", [picking_id], ["state", "backorder_ids"])
    if after["state"] != "done":
        raise OdooProtocolError(f"picking {picking_id} is {after['state']} after validation")
    return {"picking": picking_id, "backorders": after["backorder_ids"]}


def _linked(locations) -> dict[int, int]:
    """Floor locations → Odoo's, for those linked to one. Goods coming in to a Floor area Odoo
    does not model (a one-step warehouse's input) land in the picking's own destination."""
    return dict(Location.objects.filter(pk__in=set(locations), odoo_id__isnull=False).values_list("pk", "odoo_id"))


def _incoming(picking: dict, lines, products, locations, *, move_of) -> list[dict]:
    """Move-line values for goods coming in (a receipt, a return): from the picking's source into
    the bin the floor put them in, or the picking's destination. A lot Odoo knows goes by id; a
    new one by name, and Odoo makes it on validation."""
    known_lots = dict(
        Lot.objects.filter(pk__in={line["lot"] for line in lines if line.get("lot")}).values_list("pk", "odoo_id")
    )
    lot_names = _lot_names(lines)
    wanted = []
    for line in lines:
        values = {
            "product_id": products[line["product"]][0],
            "quantity": _number(line["quantity"]),
            "location_id": picking["location_id"][0],
            "location_dest_id": locations.get(line.get("to")) or picking["location_dest_id"][0],
        }
        if move_of(line):  # none for an item the receipt did not expect: Odoo adds a move for it
            values["move_id"] = move_of(line)
        if line.get("lot") and known_lots.get(line["lot"]):
            values["lot_id"] = known_lots[line["lot"]]
        elif line.get("lot") or line.get("lot_name"):
            values["lot_name"] = line.get("lot_name") or lot_names[line["lot"]]
        wanted.append(values)
    return wanted


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
