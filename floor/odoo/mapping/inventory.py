"""Counts and scraps: the counted quantity on each quant, then apply; one scrap order per line."""

from django.utils.translation import gettext as _

from floor.odoo.client import OdooClient
from floor.odoo.errors import OdooProtocolError
from floor.odoo.mapping.common import _existing_lots, _lot_names, _number, _odoo_ids, _products
from floor.odoo.models import Operation
from floor.warehouse.models import Location

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
