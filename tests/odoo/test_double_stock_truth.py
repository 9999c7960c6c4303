"""What transcript_stock_truth (facts.json stock_truth) and the stock module's source say, as the double
answers it: the version routes that work without /jsonrpc, returns tagged atomically with default_name,
the locations and xmlids each version really has, and someone else (Marc Demo) working in Odoo's own
screens while an app reads what changed."""

import pytest

from tests.odoo_double import wire
from tests.odoo_double.fixtures import *  # noqa: F403 - the double's fixtures

INFO = {
    "17.0": ("17.0-20240709", [17, 0, 0, "final", 0, ""]),
    "18.0": ("18.0-20250702", [18, 0, 0, "final", 0, ""]),
    "19.0": ("19.0", [19, 0, 0, "final", 0, ""]),
}
UNIQUE = "The operation cannot be completed: Reference must be unique per company!"
RETURN_METHOD = {"17.0": "create_returns", "18.0": "action_create_returns", "19.0": "action_create_returns"}


def rpc(d, model, method, ids=None, **kwargs):
    """One call over the version's API (JSON-RPC on 17/18, JSON-2 on 19): (ok, result or error data)."""
    if d.api == "json2":
        body = dict(kwargs)
        if ids is not None:
            body["ids"] = ids
        status, out = wire.json2(d, model, method, body)
        return (status == 200, out if status == 200 else dict(out, http_status=status))
    ctx = kwargs.pop("context", None)
    args = [ids] if ids is not None else []
    if method in ("create",):
        args = [kwargs.pop("vals_list")]
    if method in ("search_read", "search_count"):
        args = [kwargs.pop("domain")]
    if method == "write":
        args.append(kwargs.pop("vals"))
    if ctx is not None:
        kwargs["context"] = ctx
    response = wire.execute_kw(d, model, method, args, kwargs)
    return ("error" not in response, response.get("result") if "error" not in response else response["error"]["data"])


def ok(d, model, method, ids=None, **kwargs):
    good, out = rpc(d, model, method, ids, **kwargs)
    assert good, out
    return out


# ================================================================================== version without /jsonrpc
def test_web_version_is_json_on_19_and_a_404_page_before(odoo_double):
    d = odoo_double
    status, body = wire.web_version(d.url)
    if d.version >= "19.0":
        assert (status, body) == (200, {"version_info": [19, 0, 0, "final", 0, ""], "version": "19.0"})
        assert d.calls(service="web")[-1].outcome == "ok"
    else:
        assert status == 404
        assert body.startswith("<!doctype html>")
        assert d.calls(service="web")[-1].outcome == "error"


def test_webclient_version_info_is_a_jsonrpc_envelope_on_every_version(odoo_double):
    d = odoo_double
    server_version, info = INFO[d.version]
    result = {
        "server_version": server_version,
        "server_version_info": info,
        "server_serie": d.version,
        "protocol_version": 1,
    }
    assert wire.version_info(d.url, {"jsonrpc": "2.0", "method": "call", "params": {}, "id": 7}) == (
        200,
        {"jsonrpc": "2.0", "id": 7, "result": result},
    )
    # A bare {} body works too, with no id; no session or credentials are needed.
    assert wire.version_info(d.url, {}) == (200, {"jsonrpc": "2.0", "id": None, "result": result})


def test_the_web_routes_are_in_the_call_log(odoo_double):
    d = odoo_double
    wire.web_version(d.url)
    wire.version_info(d.url)
    wire.jsonrpc(d.url, "common", "version")
    [get, post] = d.calls(transport="http")
    assert (get.transport, get.service, get.method, get.model) == ("http", "web", "version", None)
    assert (post.transport, post.service, post.method, post.model) == ("http", "web", "version_info", None)
    assert post.outcome == "ok"
    assert d.call_count(service="web") == 2
    assert d.call_count(service="web", method="version_info") == 1
    assert d.call_count(service="common", method="version") == 1
    assert [c.seq for c in d.calls()] == [1, 2, 3]


def test_faults_reach_the_web_routes(odoo_double):
    d = odoo_double
    d.http_error(503, service="web", method="version_info")
    status, _headers, body = wire.post(d.url, "/web/webclient/version_info", b"{}")
    assert (status, body[:15]) == (503, b"<!doctype html>")
    assert d.calls(service="web")[-1].outcome == "http_error"
    assert wire.version_info(d.url)[0] == 200


def test_json2_answers_get_with_a_404_on_19(odoo19):
    status, headers, body = wire.request(odoo19.url, "GET", "/json/2/stock.picking/search_read")
    assert status == 404 and "json" in headers["Content-Type"]
    assert wire.json.loads(body)["message"] == "Did you mean POST /json/2/<model>/<method>?"


# ================================================================================== returns tagged atomically
def done_delivery(d, lines):
    d.write("res.company", 1, {"has_received_warning_stock_sms": True})
    for product, qty in lines:
        d.seed_stock(product, qty)
    picking = d.seed_delivery(lines=lines, origin="SO-7")
    d.validate(picking)
    return picking


def open_return_wizard(d, delivery, qty=1):
    ctx = {"active_id": delivery, "active_ids": [delivery], "active_model": "stock.picking"}
    wizard = ok(d, "stock.return.picking", "create", vals_list=[{"picking_id": delivery}], context=ctx)
    wizard = wizard[0] if isinstance(wizard, list) else wizard
    lines = ok(d, "stock.return.picking.line", "search_read", domain=[["wizard_id", "=", wizard]], fields=["id"])
    for i, line in enumerate(lines):
        ok(d, "stock.return.picking.line", "write", [line["id"]], vals={"quantity": qty if i == 0 else 0})
    return wizard, ctx


def test_default_name_names_the_return_and_its_moves_and_default_origin_is_ignored(odoo_double):
    d = odoo_double
    delivery = done_delivery(d, [(d.ids["product"], 3), (d.ids["product_consumable"], 2)])
    name = d.get("stock.picking", delivery, ["name"])["name"]
    wizard, ctx = open_return_wizard(d, delivery)
    tagged = {**ctx, "default_name": "FLOOR-RET-9", "default_origin": "FLOOR-ORIGIN-9"}
    action = ok(d, "stock.return.picking", RETURN_METHOD[d.version], [wizard], context=tagged)
    assert action["context"]["default_name"] == "FLOOR-RET-9"
    ret = d.get("stock.picking", action["res_id"], ["name", "origin", "return_id", "state"])
    assert (ret["name"], ret["origin"], ret["return_id"][0], ret["state"]) == (
        "FLOOR-RET-9",
        f"Return of {name}",
        delivery,
        "assigned",
    )
    moves = d.records("stock.move", [("picking_id", "=", action["res_id"])], ["reference", "origin"])
    assert [(m["reference"], m["origin"]) for m in moves] == [("FLOOR-RET-9", False)]
    if d.version == "18.0":  # 18 names the return moves after the return picking
        assert d.records("stock.move", [("picking_id", "=", action["res_id"])], ["name"])[0]["name"] == "FLOOR-RET-9"
    # Without default_name the return takes the receipts' sequence; default_origin alone changes nothing.
    wizard, ctx = open_return_wizard(d, delivery)
    action = ok(d, "stock.return.picking", RETURN_METHOD[d.version], [wizard], context={**ctx, "default_origin": "X"})
    plain = d.get("stock.picking", action["res_id"], ["name", "origin"])
    assert plain["name"].startswith("WH/IN/") and plain["origin"] == f"Return of {name}"


def test_the_same_default_name_again_fails_and_creates_nothing(odoo_double):
    d = odoo_double
    delivery = done_delivery(d, [(d.ids["product"], 3)])
    wizard, ctx = open_return_wizard(d, delivery)
    ctx = {**ctx, "default_name": "FLOOR-RET-1"}
    ok(d, "stock.return.picking", RETURN_METHOD[d.version], [wizard], context=ctx)
    pickings, moves, lines = (len(d.search(m)) for m in ("stock.picking", "stock.move", "stock.move.line"))
    wizard, _ctx = open_return_wizard(d, delivery)
    good, error = rpc(d, "stock.return.picking", RETURN_METHOD[d.version], [wizard], context=ctx)
    assert not good
    assert (error["name"], error["message"], error["arguments"]) == (
        "odoo.exceptions.ValidationError",
        UNIQUE,
        [UNIQUE],
    )
    assert error["debug"] == f"odoo.exceptions.ValidationError: {UNIQUE}"
    if d.version >= "19.0":
        assert error["http_status"] == 422
    assert (len(d.search("stock.picking")), len(d.search("stock.move")), len(d.search("stock.move.line"))) == (
        pickings,
        moves,
        lines,
    )
    # The earlier return, whose reservation the failed call had taken away first, keeps it: nothing is kept.
    [first] = d.records("stock.picking", [("name", "=", "FLOOR-RET-1")], ["state", "move_ids"])
    assert first["state"] == "assigned"
    assert d.records("stock.move", [("picking_id", "=", first["id"])], ["quantity"])[0]["quantity"] == 1.0


def test_picking_names_are_unique_per_company(odoo_double):
    d = odoo_double
    first = d.seed_receipt(lines=[(d.ids["product"], 1)])
    name = d.get("stock.picking", first, ["name"])["name"]
    good, error = rpc(d, "stock.picking", "create", vals_list=[{"picking_type_id": d.ids["in_type"], "name": name}])
    assert not good and error["message"] == UNIQUE
    second = d.seed_receipt(lines=[(d.ids["product"], 1)])
    good, error = rpc(d, "stock.picking", "write", [second], vals={"name": name})
    assert not good and error["message"] == UNIQUE
    # Another company may use the name.
    assert ok(d, "stock.picking", "write", [second], vals={"name": name, "company_id": 2}) is True


def test_17_shows_what_is_left_to_return_and_a_new_return_unreserves_the_open_ones(odoo17):
    """17's wizard line defaults to the move's quantity less its returns' quantities, and _create_returns
    first unreserves the open returns of the same moves (as recorded: 3, then 2, then 2 again)."""
    d = odoo17
    delivery = done_delivery(d, [(d.ids["product"], 3)])
    ctx = {"active_id": delivery, "active_ids": [delivery], "active_model": "stock.picking"}
    left = []
    for _ in range(3):
        wizard = wire.call(d, "stock.return.picking", "create", [{"picking_id": delivery}], {"context": ctx})
        [line] = wire.call(
            d, "stock.return.picking.line", "search_read", [[["wizard_id", "=", wizard]]], {"fields": ["quantity"]}
        )
        left.append(line["quantity"])
        wire.call(d, "stock.return.picking.line", "write", [[line["id"]], {"quantity": 1}])
        wire.call(d, "stock.return.picking", "create_returns", [[wizard]], {"context": ctx})
    assert left == [3.0, 2.0, 2.0]
    returns = d.records("stock.picking", [("return_id", "=", delivery)], ["state"], order="id")
    assert [r["state"] for r in returns] == ["assigned"] * 3  # from Customers: ready whatever the moves say
    assert [
        m["state"] for m in d.records("stock.move", [("picking_id.return_id", "=", delivery)], ["state"], order="id")
    ] == [
        "confirmed",
        "confirmed",
        "assigned",
    ]


# ================================================================================== locations as Odoo has them
LOCATION_XMLIDS = {
    "17.0": {
        "stock_location_locations",
        "stock_location_locations_partner",
        "stock_location_locations_virtual",
        "stock_location_suppliers",
        "stock_location_customers",
        "stock_location_inter_wh",
        "stock_location_stock",
        "stock_location_company",
        "stock_location_output",
        "location_pack_zone",
    },
    "18.0": {
        "stock_location_locations",
        "stock_location_locations_partner",
        "stock_location_locations_virtual",
        "stock_location_suppliers",
        "stock_location_customers",
        "stock_location_inter_company",
        "stock_location_stock",
        "stock_location_company",
        "stock_location_output",
        "location_pack_zone",
    },
    "19.0": {
        "stock_location_suppliers",
        "stock_location_customers",
        "stock_location_inter_company",
        "stock_location_stock",
        "stock_location_company",
        "stock_location_output",
        "location_pack_zone",
    },
}


def test_the_location_xmlids_are_those_of_each_versions_data_file(odoo_double):
    d = odoo_double
    rows = ok(
        d,
        "ir.model.data",
        "search_read",
        domain=[["module", "=", "stock"], ["model", "=", "stock.location"]],
        fields=["name", "res_id"],
    )
    assert {r["name"] for r in rows} == LOCATION_XMLIDS[d.version]
    by_name = {r["name"]: r["res_id"] for r in rows}
    assert by_name["stock_location_stock"] == d.ids["stock"]
    for gone in ("location_inventory", "location_production", "stock_location_scrapped"):
        assert ok(d, "ir.model.data", "search_count", domain=[["module", "=", "stock"], ["name", "=", gone]]) == 0


def test_scrap_and_return_location_flags(odoo_double):
    d = odoo_double
    if d.version >= "19.0":
        good, error = rpc(d, "stock.location", "search_read", domain=[["scrap_location", "=", True]], fields=["id"])
        assert not good and "scrap_location" in error["message"]
        return
    scrap = ok(d, "stock.location", "search_read", domain=[["scrap_location", "=", True]], fields=["company_id"])
    assert [(r["id"], r["company_id"][0]) for r in scrap] == [(d.ids["scrap"], 1), (d.ids["scrap_c2"], 2)]
    assert not d.get("stock.location", d.ids["inventory_loss"], ["scrap_location"])["scrap_location"]
    if d.version == "17.0":
        returns = ok(d, "stock.location", "search_read", domain=[["return_location", "=", True]], fields=["id"])
        assert [r["id"] for r in returns] == [d.ids["supplier"]]
    else:
        good, _error = rpc(d, "stock.location", "search_read", domain=[["return_location", "=", True]], fields=["id"])
        assert not good


def test_the_inter_company_transit_location(odoo_double):
    d = odoo_double
    transit = d.get("stock.location", d.ids["transit"], ["complete_name", "usage", "active"])
    expected = "Inter-company transit" if d.version >= "19.0" else "Virtual Locations/Inter-company transit"
    # Archived in stock_data.xml; 18/19 unarchive it when a company is created (the demo's second one).
    assert (transit["complete_name"], transit["usage"], transit["active"]) == (expected, "transit", d.version >= "18.0")


def test_a_scrap_goes_to_the_versions_default_scrap_location(odoo_double):
    d = odoo_double
    d.seed_stock(d.ids["product"], 5)
    # A later location flagged/used the same way does not change the default (the lowest id wins).
    extra = {"scrap_location": True} if d.version < "19.0" else {}
    d.create("stock.location", {"name": "More scrap", "usage": "inventory", "location_id": False, **extra})
    scrap = ok(d, "stock.scrap", "create", vals_list=[{"product_id": d.ids["product"], "scrap_qty": 1}])
    scrap = scrap[0] if isinstance(scrap, list) else scrap
    # 17/18: the company's lowest location with scrap_location set; 19: its lowest 'inventory' location,
    # the inventory adjustment one (as recorded in transcript_scrap).
    assert d.get("stock.scrap", scrap, ["scrap_location_id"])["scrap_location_id"][0] == (
        d.ids["scrap"] if d.version < "19.0" else d.ids["inventory_loss"]
    )
    other = ok(d, "stock.scrap", "create", vals_list=[{"product_id": d.ids["product"], "company_id": 2}])
    other = other[0] if isinstance(other, list) else other
    assert d.get("stock.scrap", other, ["scrap_location_id"])["scrap_location_id"][0] == (
        d.ids["scrap_c2"] if d.version < "19.0" else d.ids["inventory_loss_c2"]
    )


# ================================================================================== someone else in Odoo
def test_marc_demo_is_there_as_in_the_recordings(odoo_double):
    d = odoo_double
    users = ok(
        d, "res.users", "search_read", domain=[["login", "in", ["demo", "admin"]]], fields=["login", "name"], order="id"
    )
    demo_uid = 5 if d.version >= "19.0" else 6
    assert users == [
        {"id": 2, "login": "admin", "name": "Mitchell Admin"},
        {"id": demo_uid, "login": "demo", "name": "Marc Demo"},
    ]
    assert d.ids["demo_uid"] == d.user_id("demo") == demo_uid


def test_an_adjustment_in_odoo_has_odoos_reference_and_its_user(odoo_double):
    d = odoo_double
    product, shelf = d.ids["product"], d.ids["shelf_1"]
    d.seed_stock(product, 10, shelf)
    d.advance(60)
    since = d.now().strftime("%Y-%m-%d %H:%M:%S")
    quant = d.adjust(product, shelf, 7)
    assert d.on_hand(product, shelf) == 7.0
    assert d.get("stock.quant", quant, ["quantity", "inventory_quantity_set", "user_id"]) == {
        "id": quant,
        "quantity": 7.0,
        "inventory_quantity_set": False,
        "user_id": False,
    }
    demo = [d.ids["demo_uid"], "Marc Demo"]
    [move] = ok(
        d,
        "stock.move",
        "search_read",
        domain=[["state", "=", "done"], ["write_date", ">=", since]],
        fields=[
            "reference",
            "is_inventory",
            "picking_id",
            "quantity",
            "create_uid",
            "write_uid",
            "location_dest_usage",
        ],
    )
    reference = "Product Quantity Updated" if d.version < "19.0" else "Product Quantity Updated (Marc Demo)"
    assert (move["reference"], move["is_inventory"], move["picking_id"], move["quantity"]) == (
        reference,
        True,
        False,
        3.0,
    )
    assert (move["create_uid"], move["write_uid"], move["location_dest_usage"]) == (demo, demo, "inventory")
    [line] = d.records(
        "stock.move.line", [("move_id", "=", move["id"])], ["reference", "create_uid", "write_uid", "write_date"]
    )
    assert (line["reference"], line["create_uid"], line["write_uid"]) == (reference, demo, demo)
    assert line["write_date"] >= since
    if d.version == "19.0":
        assert d.get("stock.move", move["id"], ["inventory_name"])["inventory_name"] is False


def test_an_adjustment_on_a_new_line_names_the_counter_on_17_and_18(odoo_double):
    """A bin without a quant is a new line in Odoo's list: stock.quant.create in inventory mode sets the
    quant's user_id, and 17/18's _get_inventory_move_values add it to the name (19 names the creator)."""
    d = odoo_double
    d.adjust(d.ids["product"], d.ids["shelf_2"], 4)
    [move] = d.records("stock.move", [("is_inventory", "=", True)], ["reference"])
    assert move["reference"] == "Product Quantity Updated (Marc Demo)"


def test_an_apps_own_count_keeps_its_inventory_name(odoo_double):
    d = odoo_double
    quant = d.seed_stock(d.ids["product"], 10, d.ids["shelf_1"])
    ctx = {"inventory_mode": True}
    ok(d, "stock.quant", "write", [quant], vals={"inventory_quantity": 8}, context=ctx)
    ok(d, "stock.quant", "action_apply_inventory", [quant], context={**ctx, "inventory_name": "FLOOR-CNT-1"})
    # A count made with create (a bin without a quant) sets the quant's user: on 17/18 the name gets it.
    created = ok(
        d,
        "stock.quant",
        "create",
        vals_list=[{"product_id": d.ids["product"], "location_id": d.ids["shelf_2"], "inventory_quantity": 2}],
        context=ctx,
    )
    created = created[0] if isinstance(created, list) else created
    ok(d, "stock.quant", "action_apply_inventory", [created], context={**ctx, "inventory_name": "FLOOR-CNT-2"})
    refs = [m["reference"] for m in d.records("stock.move", [("is_inventory", "=", True)], ["reference"], order="id")]
    second = "FLOOR-CNT-2 (Mitchell Admin)" if d.version < "19.0" else "FLOOR-CNT-2"
    assert refs[-2:] == ["FLOOR-CNT-1", second]
    if d.version == "19.0":
        assert d.records("stock.move", [("reference", "=", "FLOOR-CNT-1")], ["inventory_name"])[0][
            "inventory_name"
        ] == ("FLOOR-CNT-1")


def test_a_receipt_received_in_odoo_with_a_backorder(odoo_double):
    d = odoo_double
    product, other = d.ids["product"], d.ids["product_consumable"]
    picking = d.seed_receipt(lines=[(product, 10), (other, 2)], origin="PO-9")
    d.advance(60)
    since = d.now().strftime("%Y-%m-%d %H:%M:%S")
    backorder = d.receive(picking, {product: 4})
    demo = [d.ids["demo_uid"], "Marc Demo"]
    assert d.get("stock.picking", picking, ["state"])["state"] == "done"
    bo = d.get("stock.picking", backorder, ["state", "backorder_id", "origin", "create_uid"])
    assert (bo["state"], bo["backorder_id"][0], bo["origin"], bo["create_uid"]) == ("assigned", picking, "PO-9", demo)
    rest = d.records("stock.move", [("picking_id", "=", backorder)], ["product_id", "product_uom_qty"])
    assert sorted((m["product_id"][0], m["product_uom_qty"]) for m in rest) == sorted([(product, 6.0), (other, 2.0)])
    done = ok(
        d,
        "stock.move.line",
        "search_read",
        domain=[["state", "=", "done"], ["write_date", ">=", since]],
        fields=["quantity", "reference", "picking_code", "location_usage", "write_uid", "origin"],
        order="id",
    )
    assert [
        (ln["quantity"], ln["picking_code"], ln["location_usage"], ln["write_uid"], ln["origin"]) for ln in done
    ] == [(4.0, "incoming", "supplier", demo, False)]
    assert d.on_hand(product) == 4.0


def test_receive_everything_or_without_a_backorder(odoo_double):
    d = odoo_double
    product = d.ids["product"]
    full = d.seed_receipt(lines=[(product, 5)])
    assert d.receive(full) is None
    assert d.get("stock.picking", full, ["state"])["state"] == "done"
    short = d.seed_receipt(lines=[(product, 5)])
    assert d.receive(short, {product: 2}, backorder=False) is None
    assert d.records("stock.picking", [("backorder_id", "=", short)]) == []
    assert [m["state"] for m in d.records("stock.move", [("picking_id", "=", short)], ["state"])] == ["done"]
    assert d.on_hand(product) == 7.0
    # As admin, and an error leaves nothing behind.
    third = d.seed_receipt(lines=[(product, 1)])
    with pytest.raises(ValueError):
        d.receive(third, {d.ids["product_lot"]: 1}, user="admin")
    assert d.get("stock.picking", third, ["state"])["state"] == "assigned"


def test_done_lines_since_t_page_by_id_under_a_location(odoo_double):
    d = odoo_double
    product, stock, shelf = d.ids["product"], d.ids["stock"], d.ids["shelf_1"]
    d.seed_stock(product, 20, shelf)
    d.advance(60)
    since = d.now().strftime("%Y-%m-%d %H:%M:%S")
    for qty in (1, 2, 3):  # three receipts into WH/Stock
        d.receive(d.seed_receipt(lines=[(product, qty)]))
    d.adjust(product, shelf, 15)  # one adjustment out of Shelf 1
    scrap = d.create("stock.scrap", {"product_id": product, "scrap_qty": 1, "location_id": shelf})
    d.call("stock.scrap", "action_validate", [scrap])
    d.create("stock.location", {"name": "Elsewhere", "usage": "internal", "location_id": False})
    domain = [
        ["state", "=", "done"],
        ["write_date", ">=", since],
        "|",
        ["location_id", "child_of", stock],
        ["location_dest_id", "child_of", stock],
    ]
    seen, last = [], 0
    while True:
        page = ok(
            d,
            "stock.move.line",
            "search_read",
            domain=[*domain, ["id", ">", last]],
            fields=["quantity", "reference", "write_date"],
            limit=2,
            order="id",
        )
        seen += page
        if len(page) < 2:
            break
        last = page[-1]["id"]
    assert [ln["quantity"] for ln in seen] == [1.0, 2.0, 3.0, 5.0, 1.0]
    assert all(ln["write_date"] >= since for ln in seen)
    assert [ln["id"] for ln in seen] == sorted(ln["id"] for ln in seen)
    # The scrap's line and move are found from the scrap's moves.
    move = d.records("stock.move", [("scrap_id", "=", scrap)], ["id"])[0]["id"]
    assert ok(d, "stock.scrap", "search_read", domain=[["move_ids", "in", [move]]], fields=["origin", "name"]) == [
        {"id": scrap, "origin": False, "name": d.get("stock.scrap", scrap, ["name"])["name"]}
    ]


def test_quants_page_under_a_location_with_count_limit_and_offset(odoo_double):
    d = odoo_double
    stock = d.ids["stock"]
    quants = [d.seed_stock(d.ids["product"], 1, d.seed_location(f"Bin {i}")) for i in range(5)]
    d.seed_stock(d.ids["product"], 1, d.ids["customer"])  # not internal
    view = d.seed_location("A view", usage="view")
    d.seed_stock(d.ids["product"], 1, view)  # under Stock, but not internal
    domain = [["location_id", "child_of", stock], ["location_id.usage", "=", "internal"]]
    assert ok(d, "stock.quant", "search_count", domain=domain) == 5
    pages = [
        ok(d, "stock.quant", "search_read", domain=domain, fields=["quantity"], limit=2, offset=offset, order="id")
        for offset in (0, 2, 4)
    ]
    assert [[q["id"] for q in page] for page in pages] == [quants[0:2], quants[2:4], quants[4:]]
