"""Stock flows behave as the recordings and facts.json describe, including where the versions differ."""

import pytest

from tests.odoo_double import wire
from tests.odoo_double.fixtures import *  # noqa: F403 - the double's fixtures


def lines_of(d, picking, fields=("quantity", "picked", "state", "lot_id", "location_id")):
    return wire.call(d, "stock.move.line", "search_read", [[["picking_id", "=", picking]]], {"fields": list(fields)})


def moves_of(d, picking):
    return wire.call(
        d,
        "stock.move",
        "search_read",
        [[["picking_id", "=", picking]]],
        {"fields": ["product_uom_qty", "quantity", "picked", "state"]},
    )


def state(d, picking):
    return d.get("stock.picking", picking, ["state"])["state"]


def quiet_sms(d):
    d.write("res.company", 1, {"has_received_warning_stock_sms": True})


def test_a_short_receipt_asks_for_a_backorder_and_process_creates_it(odoo_double):
    d = odoo_double
    picking = d.seed_receipt(lines=[(d.ids["product"], 10)], origin="PO-42")
    [line] = lines_of(d, picking)
    assert (line["quantity"], line["picked"], line["state"]) == (10.0, False, "assigned")
    wire.call(d, "stock.move.line", "write", [[line["id"]], {"quantity": 7, "picked": True}])
    action = wire.call(d, "stock.picking", "button_validate", [[picking]])
    assert action["res_model"] == "stock.backorder.confirmation"
    assert action["context"] == {
        "button_validate_picking_ids": [picking],
        "default_show_transfers": False,
        "default_pick_ids": [[4, picking]],
    }
    wizard = wire.call(d, "stock.backorder.confirmation", "create", [{}], {"context": action["context"]})
    assert wire.call(d, "stock.backorder.confirmation", "process", [[wizard]], {"context": action["context"]}) is True
    assert state(d, picking) == "done"
    [backorder] = wire.call(
        d, "stock.picking", "search_read", [[["backorder_id", "=", picking]]], {"fields": ["state", "origin"]}
    )
    assert (backorder["state"], backorder["origin"]) == ("assigned", "PO-42")
    assert [(m["product_uom_qty"], m["quantity"]) for m in moves_of(d, backorder["id"])] == [(3.0, 3.0)]
    assert d.on_hand(d.ids["product"]) == 7.0


def test_the_wizard_does_nothing_without_the_actions_context(odoo_double):
    d = odoo_double
    picking = d.seed_receipt(lines=[(d.ids["product"], 10)])
    [line] = lines_of(d, picking)
    wire.call(d, "stock.move.line", "write", [[line["id"]], {"quantity": 4, "picked": True}])
    action = wire.call(d, "stock.picking", "button_validate", [[picking]])
    wizard = wire.call(d, "stock.backorder.confirmation", "create", [{}], {"context": action["context"]})
    assert wire.call(d, "stock.backorder.confirmation", "process_cancel_backorder", [[wizard]]) is True
    assert state(d, picking) == "assigned"  # as in Odoo: button_validate_picking_ids comes from the context
    wire.call(d, "stock.backorder.confirmation", "process_cancel_backorder", [[wizard]], {"context": action["context"]})
    assert state(d, picking) == "done"
    assert d.search("stock.picking", [("backorder_id", "=", picking)]) == []
    assert [(m["product_uom_qty"], m["quantity"]) for m in moves_of(d, picking)] == [(10.0, 4.0)]


@pytest.mark.parametrize(
    ("context", "backorders"),
    [
        ({"skip_backorder": True}, 1),
        ({"skip_backorder": True, "picking_ids_not_to_backorder": "self"}, 0),
    ],
)
def test_context_shortcuts_validate_without_a_wizard(odoo_double, context, backorders):
    d = odoo_double
    picking = d.seed_receipt(lines=[(d.ids["product"], 10)])
    [line] = lines_of(d, picking)
    wire.call(d, "stock.move.line", "write", [[line["id"]], {"quantity": 5, "picked": True}])
    if context.get("picking_ids_not_to_backorder") == "self":
        context = {**context, "picking_ids_not_to_backorder": [picking]}
    assert wire.call(d, "stock.picking", "button_validate", [[picking]], {"context": context}) is True
    assert len(d.search("stock.picking", [("backorder_id", "=", picking)])) == backorders


def test_validating_without_picking_receives_everything(odoo_double):
    d = odoo_double
    picking = d.seed_receipt(lines=[(d.ids["product"], 5)])
    assert wire.call(d, "stock.picking", "button_validate", [[picking]]) is True
    assert [(m["quantity"], m["picked"], m["state"]) for m in moves_of(d, picking)] == [(5.0, True, "done")]


def test_validating_twice_is_silent_on_18_and_19_and_an_error_on_17(odoo_double):
    d = odoo_double
    picking = d.seed_receipt(lines=[(d.ids["product"], 2)])
    assert wire.call(d, "stock.picking", "button_validate", [[picking]]) is True
    again = wire.execute_kw(d, "stock.picking", "button_validate", [[picking]])
    if d.version == "17.0":
        assert again["error"]["data"]["name"] == "odoo.exceptions.UserError"
        assert again["error"]["data"]["message"].startswith("You cannot validate a transfer if no quantities")
    else:
        assert again["result"] is True
    assert d.on_hand(d.ids["product"]) == 2.0  # and the stock is not received twice


def test_a_done_picking_cannot_be_cancelled_or_deleted_but_its_lines_can_be_edited(odoo_double):
    d = odoo_double
    picking = d.seed_receipt(lines=[(d.ids["product"], 2)])
    wire.call(d, "stock.picking", "button_validate", [[picking]])
    for method in ("action_cancel", "unlink"):
        data = wire.execute_kw(d, "stock.picking", method, [[picking]])["error"]["data"]
        assert data["message"].startswith("You cannot cancel a stock move that has been set to 'Done'.")
    [line] = lines_of(d, picking)
    assert wire.call(d, "stock.move.line", "write", [[line["id"]], {"quantity": 1}]) is True
    assert d.on_hand(d.ids["product"]) == 1.0  # not idempotent: the edit moved stock


def test_the_first_delivery_to_a_partner_with_a_phone_asks_about_sms(odoo_double):
    d = odoo_double
    d.seed_stock(d.ids["product"], 10)
    picking = d.seed_delivery(lines=[(d.ids["product"], 3)])
    action = wire.call(d, "stock.picking", "button_validate", [[picking]])
    assert action["res_model"] == "confirm.stock.sms"
    assert action["context"] == {"button_validate_picking_ids": [picking]}
    assert (
        wire.call(d, "confirm.stock.sms", "dont_send_sms", [[action["res_id"]]], {"context": action["context"]}) is True
    )
    assert state(d, picking) == "done"
    flag = "stock_text_confirmation" if d.version >= "19.0" else "stock_move_sms_validation"
    assert d.get("res.company", 1, [flag, "has_received_warning_stock_sms"]) == {
        "id": 1,
        flag: False,
        "has_received_warning_stock_sms": True,
    }
    second = d.seed_delivery(lines=[(d.ids["product"], 1)])
    assert wire.call(d, "stock.picking", "button_validate", [[second]]) is True


def test_skip_sms_and_partners_without_phone_get_no_sms_wizard(odoo_double):
    d = odoo_double
    d.seed_stock(d.ids["product"], 10)
    with_phone = d.seed_delivery(lines=[(d.ids["product"], 1)])
    assert wire.call(d, "stock.picking", "button_validate", [[with_phone]], {"context": {"skip_sms": True}}) is True
    no_phone = d.seed_delivery(d.ids["partner_no_phone"], lines=[(d.ids["product"], 1)])
    assert wire.call(d, "stock.picking", "button_validate", [[no_phone]]) is True


def test_reservation_takes_free_stock_under_the_source_first_in_first_out(odoo_double):
    d = odoo_double
    shelf = d.seed_location("Shelf A", barcode="WH-SHELF-A")
    d.seed_stock(d.ids["product"], 4)
    d.seed_stock(d.ids["product"], 3, location=shelf)
    picking = d.seed_delivery(lines=[(d.ids["product"], 10)])
    assert state(d, picking) == "assigned"
    assert [m["state"] for m in moves_of(d, picking)] == ["partially_available"]
    reserved = sorted((ln["location_id"][0], ln["quantity"]) for ln in lines_of(d, picking))
    assert reserved == sorted([(d.ids["stock"], 4.0), (shelf, 3.0)])
    quants = wire.call(
        d,
        "stock.quant",
        "search_read",
        [[["product_id", "=", d.ids["product"]], ["location_id", "child_of", d.ids["stock"]]]],
        {"fields": ["quantity", "reserved_quantity"]},
    )
    assert sorted((q["quantity"], q["reserved_quantity"]) for q in quants) == [(3.0, 3.0), (4.0, 4.0)]
    other = d.seed_delivery(lines=[(d.ids["product"], 1)])
    assert state(d, other) == "confirmed"  # nothing left to reserve
    assert set(wire.execute_kw(d, "stock.picking", "do_unreserve", [[picking]])) == {"jsonrpc", "id"}
    assert [m["state"] for m in moves_of(d, picking)] == ["confirmed"]
    assert wire.call(d, "stock.picking", "action_assign", [[other]]) is True
    assert state(d, other) == "assigned"
    assert wire.call(d, "stock.picking", "action_cancel", [[picking]]) is True
    assert state(d, picking) == "cancel"


def test_a_short_pick_backorder_is_reserved_again(odoo_double):
    d = odoo_double
    quiet_sms(d)
    d.seed_stock(d.ids["product"], 20)
    picking = d.seed_delivery(lines=[(d.ids["product"], 10)])
    [line] = lines_of(d, picking)
    wire.call(d, "stock.move.line", "write", [[line["id"]], {"quantity": 6, "picked": True}])
    assert [m["state"] for m in moves_of(d, picking)] == ["partially_available"]
    assert wire.call(d, "stock.picking", "button_validate", [[picking]], {"context": {"skip_backorder": True}})
    [backorder] = d.search("stock.picking", [("backorder_id", "=", picking)])
    assert [(ln["quantity"], ln["state"]) for ln in lines_of(d, backorder)] == [(4.0, "assigned")]
    assert d.on_hand(d.ids["product"]) == 14.0


def test_lots_and_serials(odoo_double):
    d = odoo_double
    quiet_sms(d)
    lot_product, serial_product = d.ids["product_lot"], d.ids["product_serial"]
    picking = d.seed_receipt(lines=[(lot_product, 5), (serial_product, 2)])
    lines = lines_of(d, picking, ["product_id", "quantity"])
    assert sorted((ln["product_id"][0], ln["quantity"]) for ln in lines) == sorted(
        [(lot_product, 5.0), (serial_product, 1.0), (serial_product, 1.0)]
    )
    for ln in lines:
        wire.call(d, "stock.move.line", "write", [[ln["id"]], {"picked": True}])
    missing = wire.execute_kw(d, "stock.picking", "button_validate", [[picking]])["error"]["data"]
    assert missing["message"] == (
        "You need to supply a Lot/Serial number for products [FL-200] Floor Lot Item, [FS-300] Floor Serial Item."
    )
    names = iter(["LOT-A", "SN-1", "SN-2"])
    for ln in sorted(lines, key=lambda ln: (ln["product_id"][0], ln["id"])):
        wire.call(d, "stock.move.line", "write", [[ln["id"]], {"lot_name": next(names)}])
    assert wire.call(d, "stock.picking", "button_validate", [[picking]]) is True
    lots = wire.call(
        d,
        "stock.lot",
        "search_read",
        [[["product_id", "in", [lot_product, serial_product]]]],
        {"fields": ["name", "product_qty"]},
    )
    assert sorted((lot["name"], lot["product_qty"]) for lot in lots) == [("LOT-A", 5.0), ("SN-1", 1.0), ("SN-2", 1.0)]
    again = d.seed_receipt(lines=[(serial_product, 1)])
    [line] = lines_of(d, again)
    wire.call(d, "stock.move.line", "write", [[line["id"]], {"lot_name": "SN-1", "picked": True}])
    dup = wire.execute_kw(d, "stock.picking", "button_validate", [[again]])["error"]["data"]
    assert dup["name"] == "odoo.exceptions.ValidationError"
    assert dup["message"].startswith("The serial number has already been assigned")
    out = d.seed_delivery(lines=[(lot_product, 3)])
    assert [ln["lot_id"][1] for ln in lines_of(d, out)] == ["LOT-A"]


def test_return_wizard_defaults_and_method_names_differ_between_17_and_18(odoo_double):
    d = odoo_double
    quiet_sms(d)
    d.seed_stock(d.ids["product"], 5)
    delivery = d.seed_delivery(lines=[(d.ids["product"], 3)])
    not_done = wire.execute_kw(
        d,
        "stock.return.picking",
        "create",
        [{"picking_id": delivery}],
        {"context": {"active_id": delivery, "active_ids": [delivery], "active_model": "stock.picking"}},
    )
    assert not_done["error"]["data"]["message"] == "You may only return Done pickings."
    wire.call(d, "stock.picking", "button_validate", [[delivery]])
    ctx = {"active_id": delivery, "active_ids": [delivery], "active_model": "stock.picking"}
    wizard = wire.call(d, "stock.return.picking", "create", [{"picking_id": delivery}], {"context": ctx})
    [line] = wire.call(
        d, "stock.return.picking.line", "search_read", [[["wizard_id", "=", wizard]]], {"fields": ["quantity"]}
    )
    method, other = (
        ("create_returns", "action_create_returns")
        if d.version == "17.0"
        else ("action_create_returns", "create_returns")
    )
    assert line["quantity"] == (3.0 if d.version == "17.0" else 0.0)
    assert (
        wire.execute_kw(d, "stock.return.picking", other, [[wizard]], {"context": ctx})["error"]["data"]["name"]
        == "builtins.AttributeError"
    )
    wire.call(d, "stock.return.picking.line", "write", [[line["id"]], {"quantity": 2}])
    action = wire.call(d, "stock.return.picking", method, [[wizard]], {"context": ctx})
    back = d.get("stock.picking", action["res_id"], ["state", "picking_type_id", "return_id", "origin"])
    assert back["state"] == "assigned"
    assert back["picking_type_id"][0] == d.ids["in_type"]
    assert back["return_id"][0] == delivery
    assert back["origin"].startswith("Return of WH/OUT/")
    assert wire.call(d, "stock.picking", "button_validate", [[action["res_id"]]]) is True
    assert d.on_hand(d.ids["product"]) == 4.0
    if d.version != "17.0":
        rest = wire.call(d, "stock.return.picking", "create", [{"picking_id": delivery}], {"context": ctx})
        action = wire.call(d, "stock.return.picking", "action_create_returns_all", [[rest]], {"context": ctx})
        assert [m["product_uom_qty"] for m in moves_of(d, action["res_id"])] == [1.0]


def test_a_count_is_applied_and_a_stale_count_raises_a_conflict(odoo_double):
    d = odoo_double
    quant = d.seed_stock(d.ids["product"], 9)
    ctx = {"context": {"inventory_mode": True}}
    wire.call(d, "stock.quant", "write", [[quant], {"inventory_quantity": 11}], ctx)
    d.seed_stock(d.ids["product"], -1)  # stock moved after the count
    row = d.get("stock.quant", quant, ["quantity", "inventory_diff_quantity", "is_outdated"])
    assert (row["quantity"], row["inventory_diff_quantity"], row["is_outdated"]) == (8.0, 2.0, True)
    action = wire.call(d, "stock.quant", "action_apply_inventory", [[quant]], ctx)
    assert action["res_model"] == "stock.inventory.conflict"
    assert action["context"] == {
        "inventory_mode": True,
        "default_quant_ids": [quant],
        "default_quant_to_fix_ids": [quant],
    }
    wizard = wire.call(d, "stock.inventory.conflict", "create", [{}], {"context": action["context"]})
    response = wire.execute_kw(
        d, "stock.inventory.conflict", "action_keep_difference", [[wizard]], {"context": action["context"]}
    )
    assert "result" not in response
    assert d.get("stock.quant", quant, ["quantity", "inventory_quantity_set"])["quantity"] == 10.0
    new_bin = d.seed_location("Shelf B")
    counted = wire.call(
        d,
        "stock.quant",
        "create",
        [{"product_id": d.ids["product"], "location_id": new_bin, "inventory_quantity": 4}],
        ctx,
    )
    wire.call(d, "stock.quant", "action_apply_inventory", [[counted]], ctx)
    assert d.on_hand(d.ids["product"], new_bin) == 4.0
    assert d.records("stock.move", [("is_inventory", "=", True), ("location_dest_id", "=", new_bin)], ["state"])


def test_scrap_and_the_insufficient_quantity_warning(odoo_double):
    d = odoo_double
    d.seed_stock(d.ids["product"], 2)
    scrap = wire.call(
        d,
        "stock.scrap",
        "create",
        [{"product_id": d.ids["product"], "scrap_qty": 1, "location_id": d.ids["stock"], "product_uom_id": 1}],
    )
    assert wire.call(d, "stock.scrap", "action_validate", [[scrap]]) is True
    assert d.get("stock.scrap", scrap, ["state", "name"]) == {"id": scrap, "state": "done", "name": "SP/00001"}
    too_much = wire.call(
        d,
        "stock.scrap",
        "create",
        [{"product_id": d.ids["product"], "scrap_qty": 5, "location_id": d.ids["stock"], "product_uom_id": 1}],
    )
    action = wire.call(d, "stock.scrap", "action_validate", [[too_much]])
    assert action["res_model"] == "stock.warn.insufficient.qty.scrap"
    warn = wire.call(d, "stock.warn.insufficient.qty.scrap", "create", [{}], {"context": action["context"]})
    assert (
        wire.call(d, "stock.warn.insufficient.qty.scrap", "action_done", [[warn]], {"context": action["context"]})
        is True
    )
    assert d.on_hand(d.ids["product"]) == -4.0


def test_packages_put_in_pack_and_a_destination_package(odoo_double):
    d = odoo_double
    quiet_sms(d)
    d.seed_stock(d.ids["product"], 5)
    picking = d.seed_delivery(lines=[(d.ids["product"], 2)])
    [line] = lines_of(d, picking)
    wire.call(d, "stock.move.line", "write", [[line["id"]], {"quantity": 2, "picked": True}])
    wire.call(d, "stock.picking", "action_put_in_pack", [[picking]])
    [line] = lines_of(d, picking, ["result_package_id"])
    assert line["result_package_id"][1] == "PACK0000001"
    package = wire.call(d, d.package_model, "create", [{"name": "FLOOR-PKG-1"}])
    internal = d.seed_internal([(d.ids["product"], 3)])
    [line] = lines_of(d, internal)
    wire.call(d, "stock.move.line", "write", [[line["id"]], {"picked": True, "result_package_id": package}])
    wire.call(d, "stock.picking", "button_validate", [[internal]])
    row = wire.call(d, d.package_model, "read", [[package]], {"fields": ["location_id", "quant_ids"]})[0]
    assert row["location_id"][0] == d.ids["stock"]
    assert len(row["quant_ids"]) == 1


def test_x2many_commands(odoo_double):
    d = odoo_double
    d.seed_stock(d.ids["product"], 10)
    name = {} if d.version >= "19.0" else {"name": "Widget"}
    move = {"product_id": d.ids["product"], "product_uom_qty": 1, "product_uom": 1, **name}
    picking = wire.call(
        d,
        "stock.picking",
        "create",
        [{"picking_type_id": d.ids["out_type"], "partner_id": d.ids["customer_partner"], "move_ids": [[0, 0, move]]}],
    )
    [move_id] = d.get("stock.picking", picking, ["move_ids"])["move_ids"]
    wire.call(d, "stock.picking", "write", [[picking], {"move_ids": [[1, move_id, {"product_uom_qty": 4}]]}])
    wire.call(d, "stock.picking", "action_confirm", [[picking]])
    assert [(m["product_uom_qty"], m["state"]) for m in moves_of(d, picking)] == [(4.0, "assigned")]
    # A move added to a confirmed picking is confirmed and reserved, as Odoo's _autoconfirm_picking does.
    wire.call(d, "stock.picking", "write", [[picking], {"move_ids": [[0, 0, {**move, "product_uom_qty": 2}]]}])
    assert sorted((m["product_uom_qty"], m["state"]) for m in moves_of(d, picking)) == [
        (2.0, "assigned"),
        (4.0, "assigned"),
    ]
    other = d.seed_delivery(lines=[(d.ids["product"], 1)], assign=False)
    batch = wire.call(
        d, "stock.picking.batch", "create", [{"picking_ids": [[6, 0, [picking]]], "picking_type_id": d.ids["out_type"]}]
    )
    wire.call(d, "stock.picking.batch", "write", [[batch], {"picking_ids": [[4, other]]}])
    assert sorted(d.get("stock.picking.batch", batch, ["picking_ids"])["picking_ids"]) == sorted([picking, other])
    wire.call(d, "stock.picking.batch", "write", [[batch], {"picking_ids": [[3, other]]}])
    assert d.get("stock.picking.batch", batch, ["picking_ids"])["picking_ids"] == [picking]


def test_seed_helpers_leave_pickings_as_odoo_does_after_confirm(odoo_double):
    d = odoo_double
    receipt = d.seed_receipt(lines=[(d.ids["product"], 3)], origin="PO-1")
    assert state(d, receipt) == "assigned"
    draft = d.seed_receipt(lines=[(d.ids["product"], 3)], confirm=False)
    assert state(d, draft) == "draft"
    assert lines_of(d, draft) == []
    delivery = d.seed_delivery(lines=[(d.ids["product"], 3)])
    assert state(d, delivery) == "confirmed"  # nothing on hand
    d.seed_stock(d.ids["product"], 3)
    wire.call(d, "stock.picking", "action_assign", [[delivery]])
    assert state(d, delivery) == "assigned"
    d.validate(receipt)
    assert d.on_hand(d.ids["product"]) == 6.0
    assert d.records("stock.picking", [("origin", "=", "PO-1")], ["state"])[0]["state"] == "done"
