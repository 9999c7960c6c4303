"""The ORM calls answer the same on every version and transport (17/18 JSON-RPC, 19 JSON-2, 19 forced
to JSON-RPC), and Odoo's refusals arrive as typed errors that keep Odoo's own message."""

import pickle

import pytest

from floor.odoo.client import OdooClient
from floor.odoo.errors import (
    OdooAccessError,
    OdooMissingError,
    OdooRequestError,
    OdooRetryableError,
    OdooValidationError,
)
from tests.odoo_double.fixtures import *  # noqa: F403 - the double's fixtures (odoo_double, ...)


@pytest.fixture(params=["auto", "jsonrpc"])
def client(request, odoo_double):
    d = odoo_double
    with OdooClient(url=d.url, db=d.db, login=d.login, api_key=d.api_key, api=request.param, timeout=5) as client:
        yield client


def last_call(double, model, method):
    return double.calls(model=model, method=method)[-1]


def test_search_read_passes_domain_fields_limit_offset_and_order(client, odoo_double):
    rows = client.search_read(
        "stock.picking.type",
        [("code", "in", ["incoming", "outgoing"])],
        ["name", "code"],
        limit=2,
        offset=0,
        order="id desc",
    )
    expected = odoo_double.records(
        "stock.picking.type", [("code", "in", ["incoming", "outgoing"])], ["name", "code"], order="id desc"
    )[:2]
    assert rows == expected
    assert (
        client.search_read("stock.picking.type", [], ["name"], offset=1, order="id")[0]["id"]
        == sorted(odoo_double.search("stock.picking.type", [("active", "=", True)]))[1]
    )


def test_search_and_search_count(client, odoo_double):
    ids = client.search("stock.location", [("usage", "=", "internal")], order="id")
    assert ids == sorted(odoo_double.search("stock.location", [("usage", "=", "internal"), ("active", "=", True)]))
    assert client.search("stock.location", [("usage", "=", "internal")], limit=1, order="id") == ids[:1]
    assert client.search_count("stock.location", [("usage", "=", "internal")]) == len(ids)


def test_create_read_write_unlink_round_trip(client):
    ids = client.create("res.partner", [{"name": "Dock Supplier"}, {"name": "Other Supplier"}])
    assert len(ids) == 2 and all(isinstance(i, int) for i in ids)
    assert client.write("res.partner", ids[:1], {"name": "Dock Supplier Ltd"}) is True
    names = {row["id"]: row["name"] for row in client.read("res.partner", ids, ["name"])}
    assert names == {ids[0]: "Dock Supplier Ltd", ids[1]: "Other Supplier"}
    assert client.unlink("res.partner", ids) is True
    assert client.read("res.partner", ids, ["name"]) == []


def test_create_of_one_record_still_answers_a_list(client):
    [partner_id] = client.create("res.partner", [{"name": "Single"}])
    assert client.read("res.partner", [partner_id], ["name"]) == [{"id": partner_id, "name": "Single"}]


def test_the_context_reaches_odoo(client, odoo_double):
    product = odoo_double.ids["product"]
    quant = odoo_double.seed_stock(product, 5)
    client.write("stock.quant", [quant], {"inventory_quantity": 7}, context={"inventory_mode": True})
    assert last_call(odoo_double, "stock.quant", "write").context == {"inventory_mode": True}


def test_call_runs_a_button_on_the_records(client, odoo_double):
    picking = odoo_double.seed_receipt(lines=[(odoo_double.ids["product"], 3)])
    result = client.call("stock.picking", "button_validate", [picking], context={"skip_backorder": True})
    assert result is True
    assert odoo_double.get("stock.picking", picking, ["state"])["state"] == "done"


def test_call_passes_other_arguments_by_name(client):
    fields = client.call("stock.picking", "fields_get", attributes=["type"])
    assert fields["state"] == {"type": "selection"}


def test_a_method_returning_none_answers_none(client, odoo_double):
    product = odoo_double.ids["product"]
    quant = odoo_double.seed_stock(product, 5)
    client.write("stock.quant", [quant], {"inventory_quantity": 8}, context={"inventory_mode": True})
    assert client.call("stock.quant", "action_apply_inventory", [quant], context={"inventory_mode": True}) is None
    assert odoo_double.on_hand(product) == 8


def test_a_recordset_answer_is_a_list_of_ids_on_every_version(client, odoo_double):
    odoo_double.seed_stock(odoo_double.ids["product"], 5)
    delivery = odoo_double.seed_delivery(lines=[(odoo_double.ids["product"], 2)])
    packages = client.call("stock.picking", "action_put_in_pack", [delivery])
    assert packages == odoo_double.search(odoo_double.package_model)


def test_fields_get_answers_the_recorded_schema(client, odoo_double):
    fields = client.fields_get("stock.picking.type")
    assert fields["create_backorder"]["type"] == "selection"
    assert fields["default_location_src_id"]["relation"] == "stock.location"
    assert "qty_done" not in client.fields_get("stock.move.line", ["type"])


def test_reading_missing_ids_answers_nothing(client):
    assert client.read("stock.picking", [999999999], ["name"]) == []


def test_an_unknown_field_is_refused_with_odoos_message(client, odoo_double):
    odoo_double.seed_stock(odoo_double.ids["product"], 5)
    delivery = odoo_double.seed_delivery(lines=[(odoo_double.ids["product"], 2)])
    [line] = client.search("stock.move.line", [("picking_id", "=", delivery)])
    with pytest.raises(OdooRequestError) as caught:
        client.write("stock.move.line", [line], {"qty_done": 2})
    assert "Invalid field 'qty_done'" in caught.value.message
    assert (caught.value.model, caught.value.method, caught.value.name) == (
        "stock.move.line",
        "write",
        "builtins.ValueError",
    )
    assert not isinstance(caught.value, OdooRetryableError)


def test_a_user_error_keeps_odoos_message(client, odoo_double):
    picking = odoo_double.seed_receipt(lines=[(odoo_double.ids["product"], 1)])
    odoo_double.validate(picking)
    with pytest.raises(OdooValidationError) as caught:
        client.unlink("stock.picking", [picking])
    assert caught.value.message == (
        "You cannot cancel a stock move that has been set to 'Done'. "
        "Create a return in order to reverse the moves which took place."
    )
    assert caught.value.name == "odoo.exceptions.UserError"


def test_a_validation_error_keeps_odoos_message(client, odoo_double):
    barcode = odoo_double.get("product.product", odoo_double.ids["product"], ["barcode"])["barcode"]
    with pytest.raises(OdooValidationError, match="already assigned") as caught:
        client.create("product.product", [{"name": "Twin", "barcode": barcode}])
    assert caught.value.message.startswith("Barcode(s) already assigned")


def test_writing_a_missing_record_is_a_missing_error(client):
    with pytest.raises(OdooMissingError, match="Record does not exist or has been deleted"):
        client.write("stock.picking", [999999999], {"origin": "x"})


def test_a_private_method_is_an_access_error(client, odoo_double):
    picking = odoo_double.seed_receipt(lines=[(odoo_double.ids["product"], 1)])
    with pytest.raises(OdooAccessError, match="Private methods"):
        client.call("stock.picking", "_action_done", [picking])


def test_an_access_error_is_an_access_error(client, odoo_double):
    odoo_double.fail("odoo.exceptions.AccessError", "You are not allowed to access 'Transfer' (stock.picking) records.")
    with pytest.raises(OdooAccessError) as caught:
        client.search_read("stock.picking", [], ["name"])
    assert caught.value.message == "You are not allowed to access 'Transfer' (stock.picking) records."


def test_an_unknown_model_or_method_is_a_request_error(client):
    with pytest.raises(OdooRequestError):
        client.search("stock.no_such_model", [])
    with pytest.raises(OdooRequestError):
        client.call("stock.picking", "no_such_method", [1])


def test_a_bad_domain_is_a_request_error_not_a_retry(client):
    # JSON-2 answers this with HTTP 500: the name it carries says retrying will not help.
    with pytest.raises(OdooRequestError, match="no_such_field"):
        client.search_read("stock.picking", [("no_such_field", "=", 1)], ["name"])


def test_an_odoo_error_keeps_what_odoo_said_through_pickling(client, odoo_double):
    # Celery pickles what a task raised.
    with pytest.raises(OdooMissingError) as caught:
        client.write("stock.picking", [999999999], {"origin": "x"})
    copy = pickle.loads(pickle.dumps(caught.value))  # noqa: S301 - our own object
    assert type(copy) is OdooMissingError
    assert (copy.message, copy.model, copy.method, str(copy)) == (
        caught.value.message,
        "stock.picking",
        "write",
        str(caught.value),
    )
