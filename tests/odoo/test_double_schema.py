"""Each version's recorded fields_get decides which fields exist: a client using a field of another
version is refused with the exception Odoo raises."""

import pytest

from tests.odoo_double import wire
from tests.odoo_double.fixtures import *  # noqa: F403 - the double's fixtures


def error(response) -> tuple[str, str]:
    data = response["error"]["data"]
    return data["name"], data["message"]


def a_receipt_line(d) -> int:
    picking = d.seed_receipt(lines=[(d.ids["product"], 4)])
    return d.search("stock.move.line", [("picking_id", "=", picking)])[0]


def test_qty_done_is_refused_everywhere_a_client_could_send_it(odoo_double):
    d = odoo_double
    line = a_receipt_line(d)
    # The recorded wording: 17/18 "on model 'm'" everywhere; 19 "in 'm'" for writes, "on 'm'" for reads.
    on, into = (
        ("on 'stock.move.line'", "in 'stock.move.line'")
        if d.version >= "19.0"
        else ("on model 'stock.move.line'", "on model 'stock.move.line'")
    )
    write = wire.execute_kw(d, "stock.move.line", "write", [[line], {"qty_done": 4}])
    assert error(write) == ("builtins.ValueError", f"Invalid field 'qty_done' {into}")
    read = wire.execute_kw(d, "stock.move.line", "search_read", [[]], {"fields": ["qty_done"]})
    assert error(read) == ("builtins.ValueError", f"Invalid field 'qty_done' {on}")
    leaf = "condition" if d.version >= "19.0" else "leaf"
    domain = wire.execute_kw(d, "stock.move.line", "search", [[["qty_done", ">", 0]]])
    assert error(domain) == (
        "builtins.ValueError",
        f"Invalid field stock.move.line.qty_done in {leaf} ('qty_done', '>', 0)",
    )
    create = wire.execute_kw(d, "stock.move.line", "create", [{"move_id": 1, "qty_done": 1}])
    assert error(create)[0] == "builtins.ValueError"
    # The supported way: quantity + picked.
    assert wire.call(d, "stock.move.line", "write", [[line], {"quantity": 4, "picked": True}]) is True


def test_the_package_model_is_renamed_in_19(odoo_double):
    d = odoo_double
    new, old = ("stock.package", "stock.quant.package")
    present, absent = (new, old) if d.version >= "19.0" else (old, new)
    assert isinstance(wire.call(d, present, "create", [{"name": "PKG-1"}]), int)
    assert error(wire.execute_kw(d, absent, "create", [{"name": "PKG-1"}])) == (
        "odoo.exceptions.UserError",
        f"Object {absent} doesn't exist",
    )


def test_move_name_is_required_on_17_and_18_and_gone_on_19(odoo_double):
    d = odoo_double
    move = {
        "product_id": d.ids["product"],
        "product_uom_qty": 1,
        "product_uom": 1,
        "location_id": d.ids["supplier"],
        "location_dest_id": d.ids["stock"],
    }
    vals = {"picking_type_id": d.ids["in_type"], "move_ids": [[0, 0, move]]}
    if d.version >= "19.0":
        assert isinstance(wire.call(d, "stock.picking", "create", [vals]), int)
        named = wire.execute_kw(d, "stock.picking", "create", [{**vals, "move_ids": [[0, 0, {**move, "name": "x"}]]}])
        assert error(named) == ("builtins.ValueError", "Invalid field 'name' in 'stock.move'")
    else:
        name, message = error(wire.execute_kw(d, "stock.picking", "create", [vals]))
        assert name == "odoo.exceptions.ValidationError"
        assert "Field: Description (name)" in message
        # Nothing of the failed call is kept.
        assert d.search("stock.picking", [("picking_type_id", "=", d.ids["in_type"])]) == []


def test_a_missing_required_field_is_a_validation_error_in_each_versions_words(odoo_double):
    d = odoo_double
    name, message = error(
        wire.execute_kw(
            d, "stock.picking", "create", [{"location_id": d.ids["stock"], "location_dest_id": d.ids["customer"]}]
        )
    )
    assert name == "odoo.exceptions.ValidationError"
    if d.version >= "19.0":
        assert message.startswith(
            "The operation cannot be completed: Missing required value for the field "
            "'Operation Type' (picking_type_id)."
        )
    else:
        assert message.endswith("Model: Transfer (stock.picking)\nField: Operation Type (picking_type_id)\n")


def test_storable_products_are_declared_per_version(odoo_double):
    d = odoo_double
    if d.version == "17.0":
        vals = {"name": "Storable", "detailed_type": "product"}
        assert (
            error(wire.execute_kw(d, "product.product", "create", [{"name": "X", "is_storable": True}]))[0]
            == "builtins.ValueError"
        )
    else:
        vals = {"name": "Storable", "type": "consu", "is_storable": True}
        assert (
            error(wire.execute_kw(d, "product.product", "create", [{"name": "X", "detailed_type": "product"}]))[0]
            == "builtins.ValueError"
        )
    product = wire.call(d, "product.product", "create", [vals])
    picking = d.seed_receipt(lines=[(product, 3)])
    wire.call(d, "stock.picking", "button_validate", [[picking]])
    assert (
        wire.call(d, "product.product", "read", [[product]], {"fields": ["qty_available"]})[0]["qty_available"] == 3.0
    )


@pytest.mark.parametrize(
    ("model", "field", "exists_in"),
    [
        ("stock.picking", "move_ids_without_package", ("17.0", "18.0")),
        ("stock.picking", "group_id", ("17.0", "18.0")),
        ("stock.move", "name", ("17.0", "18.0")),
        ("res.users", "groups_id", ("17.0", "18.0")),
        ("res.users", "group_ids", ("19.0",)),
        ("product.product", "detailed_type", ("17.0",)),
        ("product.product", "is_storable", ("18.0", "19.0")),
        ("stock.return.picking.line", "move_quantity", ("18.0", "19.0")),
    ],
)
def test_fields_follow_the_recorded_schema(odoo_double, model, field, exists_in):
    fields = wire.call(odoo_double, model, "fields_get", [], {"attributes": ["type"]})
    assert (field in fields) == (odoo_double.version in exists_in)


def test_fields_get_is_the_recorded_one(odoo_double):
    d = odoo_double
    fields = wire.call(
        d, "stock.move.line", "fields_get", [], {"attributes": ["string", "type", "relation", "required", "readonly"]}
    )
    assert fields["quantity"] == {"readonly": False, "required": False, "string": "Quantity", "type": "float"}
    assert fields["move_id"]["relation"] == "stock.move"


def test_reads_give_many2one_pairs_x2many_lists_and_false_for_empty(odoo_double):
    d = odoo_double
    picking = d.seed_receipt(lines=[(d.ids["product"], 2)], origin="PO-1")
    row = wire.call(
        d,
        "stock.picking",
        "read",
        [[picking]],
        {"fields": ["partner_id", "move_ids", "backorder_id", "date_done", "origin", "state"]},
    )[0]
    assert row["partner_id"] == [d.ids["vendor"], "My Company (Chicago)"]
    assert len(row["move_ids"]) == 1
    assert (row["backorder_id"], row["date_done"], row["origin"], row["state"]) == (False, False, "PO-1", "assigned")
    everything = wire.call(d, "stock.picking", "read", [[picking]])[0]
    assert set(everything) == set(d.env["stock.picking"].schema.fields)


def test_domains_support_the_usual_operators_and_dotted_paths(odoo_double):
    d = odoo_double
    receipt = d.seed_receipt(lines=[(d.ids["product"], 2)], origin="PO-7")
    delivery = d.seed_delivery(lines=[(d.ids["product"], 1)], origin="SO-7", assign=False)

    def search(domain):
        return set(wire.call(d, "stock.picking", "search", [domain]))

    assert search([["picking_type_id.code", "=", "incoming"]]) == {receipt}
    assert search([["picking_type_id.code", "!=", "incoming"]]) == {delivery}
    assert search(["|", ["origin", "=like", "PO-%"], ["origin", "ilike", "so-"]]) == {receipt, delivery}
    assert search(["!", ["origin", "like", "PO"]]) == {delivery}
    assert search([["state", "in", ["assigned", "confirmed"]], ["id", "not in", [receipt]]]) == {delivery}
    assert search([["partner_id.name", "ilike", "lumber"]]) == {delivery}
    assert search([["id", ">=", min(receipt, delivery)], ["id", "<", max(receipt, delivery)]]) == {
        min(receipt, delivery)
    }
    assert search([["backorder_id", "=", False], ["move_ids.product_id", "=", d.ids["product"]]]) == {receipt, delivery}
    locations = set(wire.call(d, "stock.location", "search", [[["id", "child_of", d.ids["stock"]]]]))
    assert {d.ids["stock"], d.ids["shelf_1"], d.ids["small_refrigerator"]} <= locations
    assert d.ids["customer"] not in locations
    bad = wire.execute_kw(d, "stock.picking", "search", [[["state", "bogus-op", "done"]]])
    assert error(bad)[0] == "builtins.ValueError"


def test_write_date_moves_on_every_change_for_incremental_pulls(odoo_double):
    d = odoo_double
    picking = d.seed_receipt(lines=[(d.ids["product"], 2)])
    before = d.get("stock.picking", picking, ["write_date"])["write_date"]
    d.advance(60)
    wire.call(d, "stock.picking", "button_validate", [[picking]])
    after = d.get("stock.picking", picking, ["write_date"])["write_date"]
    assert after > before
    changed = wire.call(d, "stock.picking", "search_read", [[["write_date", ">", before]]], {"fields": ["state"]})
    assert [row["id"] for row in changed] == [picking]
