"""What a careful person would do in Odoo for each kind of floor operation.

Every push first reads what it would change (the picking Floor made or fills, found by id or
by Floor's reference in `origin`) and stops if the work is already there, so a retry after an
answer lost in transit never creates a second picking or validates twice. The number of calls
does not grow with the number of lines: all line values go in one `write` of one2many commands.
"""

from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from floor.odoo.client import OdooClient
from floor.odoo.errors import OdooProtocolError, OdooValidationError
from floor.odoo.models import Operation
from floor.warehouse.models import Location, Lot, Package, Product
from floor.warehouse.services import virtual_location

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


def _number(value) -> float:
    return float(Decimal(value))


# --- Internal transfer: create it (or find the one an earlier try created), fill, validate


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
        demand: dict[int, Decimal] = {}
        for line in operation.payload["lines"]:
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


# --- Inventory adjustment: the counted quantity on each quant, then apply


def _lots_for_count(client: OdooClient, lines, products) -> dict[int, int]:
    """Floor lot id → Odoo lot id; a lot found on the floor that Odoo has never seen is made,
    all of them in one call (a count is how such stock comes to light)."""
    names = _lot_names(lines)
    if not names:
        return {}
    wanted = {(products[line["product"]][0], names[line["lot"]]) for line in lines if line.get("lot")}
    found = client.search_read(
        "stock.lot",
        [["name", "in", sorted({name for _p, name in wanted})], ["product_id", "in", sorted({p for p, _n in wanted})]],
        ["name", "product_id"],
    )
    by_key = {(lot["product_id"][0], lot["name"]): lot["id"] for lot in found}
    missing = sorted(wanted - set(by_key))
    if missing:
        made = client.create("stock.lot", [{"product_id": product, "name": name} for product, name in missing])
        by_key.update(zip(missing, made, strict=True))
    return {
        line["lot"]: by_key[(products[line["product"]][0], names[line["lot"]])] for line in lines if line.get("lot")
    }


def _counts_applied(client: OdooClient, reference: str, products) -> list[int]:
    """The inventory moves an earlier try made. Floor names them after its reference (context
    `inventory_name`, which Odoo puts in the move's reference; 19 may add the user after it)."""
    found = client.search_read(
        "stock.move",
        [
            ["is_inventory", "=", True],
            ["product_id", "in", sorted({odoo_id for odoo_id, _uom in products.values()})],
            ["reference", "like", reference],
        ],
        ["reference"],
    )
    return sorted(
        move["id"] for move in found if move["reference"] == reference or move["reference"].startswith(f"{reference} (")
    )


def push_adjustment(client: OdooClient, operation: Operation) -> dict:
    """Payload: `lines` with product, lot, `location` (the counted bin) and `counted`.

    The count is written on the quants in one create (Odoo merges it into the quant that exists)
    and applied in one call. A conflict (the quant moved in Odoo after a count was set there) is
    settled with the floor's count: it is what the counter saw in the bin.
    """
    lines = operation.payload["lines"]
    products = _products(lines)
    applied = _counts_applied(client, operation.reference, products)
    if applied:
        return {"moves": applied}  # an earlier try got through; its answer was lost
    locations = _odoo_ids(Location, {line["location"] for line in lines}, _("Locations"))
    lots = _lots_for_count(client, lines, products)
    context = {"inventory_mode": True, "inventory_name": operation.reference}
    counts = []
    for line in lines:
        values = {
            "product_id": products[line["product"]][0],
            "location_id": locations[line["location"]],
            "inventory_quantity": _number(line["counted"]),
        }
        if line.get("lot"):
            values["lot_id"] = lots[line["lot"]]
        counts.append(values)
    quants = client.create("stock.quant", counts, context=context)
    result = client.call("stock.quant", "action_apply_inventory", quants, context=context)
    if isinstance(result, dict) and result.get("res_model") == "stock.inventory.conflict":
        wizard_context = {**(result.get("context") or {}), **context}
        [wizard] = client.create("stock.inventory.conflict", [{}], context=wizard_context)
        client.call("stock.inventory.conflict", "action_keep_counted_quantity", [wizard], context=wizard_context)
    elif result is not None:
        raise OdooProtocolError(f"action_apply_inventory answered {type(result).__name__}")
    return {"quants": sorted(set(quants))}


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


# --- Scrap: one scrap order per line, made in one call and done in one call


def push_scrap(client: OdooClient, operation: Operation) -> dict:
    """Payload: `lines` with product, quantity, lot, `from` (the bin) and `to` (Floor's scrap
    location, used when it is linked to Odoo; else Odoo's default: on 19 that is inventory loss).

    The floor has already taken the goods out of the bin, so Odoo scraps them even when its own
    quant is short (it may not have heard of an earlier move yet): do_scrap is what Odoo runs
    when a person confirms its "insufficient quantity" warning, and it takes many scraps at once.
    """
    lines = operation.payload["lines"]
    found = client.search_read("stock.scrap", [["origin", "=", operation.reference]], ["state"], order="id")
    # The scraps were created in one call, and done in one: all of them exist, or none; all are done, or none.
    if found and all(scrap["state"] == "done" for scrap in found):
        return {"scraps": [scrap["id"] for scrap in found]}
    if found:
        scraps = [scrap["id"] for scrap in found]
    else:
        products = _products(lines)
        bins = _odoo_ids(Location, {line["from"] for line in lines}, _("Locations"))
        # Floor's scrap location goes to Odoo only when it is linked to one there.
        scrap_ends = {line["to"] for line in lines if line.get("to")}
        scrap_locations = dict(Location.objects.filter(pk__in=scrap_ends).values_list("pk", "odoo_id"))
        lots = _existing_lots(client, lines, products)
        orders = []
        for line in lines:
            values = {
                "product_id": products[line["product"]][0],
                "product_uom_id": products[line["product"]][1],
                "scrap_qty": _number(line["quantity"]),
                "location_id": bins[line["from"]],
                "origin": operation.reference,
            }
            if line.get("lot"):
                values["lot_id"] = lots[line["lot"]]
            if scrap_locations.get(line.get("to")):
                values["scrap_location_id"] = scrap_locations[line["to"]]
            orders.append(values)
        scraps = client.create("stock.scrap", orders)
    client.call("stock.scrap", "do_scrap", scraps)
    return {"scraps": scraps}


PUSHERS = {
    Operation.Kind.INTERNAL: push_internal,
    Operation.Kind.RECEIPT: push_receipt,
    Operation.Kind.DELIVERY: push_delivery,
    Operation.Kind.ADJUSTMENT: push_adjustment,
    Operation.Kind.RETURN: push_return,
    Operation.Kind.SCRAP: push_scrap,
}
