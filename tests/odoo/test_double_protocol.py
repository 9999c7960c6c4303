"""The double speaks Odoo's wire protocols as the recordings show: JSON-RPC envelopes and error shapes,
JSON-2 on 19.0 (and not before), XML-RPC faults, authentication."""

import json

import pytest

from tests.odoo_double import wire
from tests.odoo_double.fixtures import *  # noqa: F403 - the double's fixtures


def test_version_and_authenticate_answer_like_the_recorded_servers(odoo_double):
    version = wire.jsonrpc(odoo_double.url, "common", "version")["result"]
    assert version["server_serie"] == odoo_double.version
    assert version["protocol_version"] == 1
    assert (
        wire.jsonrpc(odoo_double.url, "common", "authenticate", odoo_double.db, "admin", odoo_double.password, {})[
            "result"
        ]
        == 2
    )
    # The API key is accepted as the password over JSON-RPC too.
    assert (
        wire.jsonrpc(odoo_double.url, "common", "authenticate", odoo_double.db, "admin", odoo_double.api_key, {})[
            "result"
        ]
        == 2
    )
    assert (
        wire.jsonrpc(odoo_double.url, "common", "authenticate", odoo_double.db, "admin", "wrong", {})["result"] is False
    )
    assert wire.jsonrpc(odoo_double.url, "common", "login", odoo_double.db, "admin", "wrong")["result"] is False


def test_execute_kw_refuses_a_wrong_password_unknown_uid_and_unknown_db(odoo_double):
    code = 0 if odoo_double.version >= "19.0" else 200
    denied = wire.execute_kw(odoo_double, "res.partner", "search", [[]], {"limit": 1}, password="wrong")
    assert denied["error"]["code"] == code
    assert denied["error"]["message"] == "Odoo Server Error"
    assert denied["error"]["data"] == {
        "name": "odoo.exceptions.AccessDenied",
        "debug": "odoo.exceptions.AccessDenied: Access Denied",
        "message": "Access Denied",
        "arguments": ["Access Denied"],
        "context": {},
    }
    assert "result" not in denied
    uid = wire.execute_kw(odoo_double, "res.partner", "search", [[]], uid=999999)["error"]["data"]
    assert uid["name"] == "odoo.exceptions.MissingError"
    assert "res.users(999999,)" in uid["message"]
    db = wire.execute_kw(odoo_double, "res.partner", "search", [[]], db="no_such_db")["error"]["data"]
    assert db["name"] == "psycopg2.OperationalError"
    assert 'database "no_such_db" does not exist' in db["message"]


def test_a_method_returning_none_answers_without_a_result_key(odoo_double):
    quant = odoo_double.seed_stock(odoo_double.ids["product"], 5)
    wire.call(
        odoo_double, "stock.quant", "write", [[quant], {"inventory_quantity": 4}], {"context": {"inventory_mode": True}}
    )
    response = wire.execute_kw(
        odoo_double, "stock.quant", "action_apply_inventory", [[quant]], {"context": {"inventory_mode": True}}
    )
    assert set(response) == {"jsonrpc", "id"}
    assert odoo_double.get("stock.quant", quant, ["quantity"])["quantity"] == 4.0
    picking = odoo_double.seed_delivery(lines=[(odoo_double.ids["product"], 2)])
    assert set(wire.execute_kw(odoo_double, "stock.picking", "do_unreserve", [[picking]])) == {"jsonrpc", "id"}


def test_recordsets_are_a_repr_on_17_and_18_and_ids_on_19(odoo_double):
    picking = odoo_double.seed_delivery(lines=[(odoo_double.ids["product"], 1)])
    odoo_double.seed_stock(odoo_double.ids["product"], 1)
    wire.call(odoo_double, "stock.picking", "action_assign", [[picking]])
    result = wire.call(odoo_double, "stock.picking", "action_put_in_pack", [[picking]])
    package = odoo_double.search(odoo_double.package_model)[-1]
    if odoo_double.version >= "19.0":
        assert result == [package]
    else:
        assert result == f"stock.quant.package({package},)"
    # search and create always give ids.
    assert wire.call(odoo_double, "stock.picking", "search", [[["id", "=", picking]]]) == [picking]


def test_errors_carry_the_exception_class_message_and_last_traceback_line(odoo_double):
    unknown_model = wire.execute_kw(odoo_double, "stock.no_such_model", "search", [[]])["error"]["data"]
    assert unknown_model["name"] == "odoo.exceptions.UserError"
    assert unknown_model["message"] == "Object stock.no_such_model doesn't exist"
    private = wire.execute_kw(odoo_double, "stock.picking", "_action_done", [[1]])["error"]["data"]
    assert private["name"] == "odoo.exceptions.AccessError"
    method = wire.execute_kw(odoo_double, "stock.picking", "no_such_method", [[1]])["error"]["data"]
    assert method["name"] == "builtins.AttributeError"
    if odoo_double.version == "17.0":
        assert private["message"] == "Private methods (such as _action_done) cannot be called remotely."
        assert method["message"] == "The method 'no_such_method' does not exist on the model 'stock.picking'"
    else:
        assert private["message"] == (
            "Private methods (such as 'stock.picking._action_done') cannot be called remotely."
        )
        assert method["message"] == "The method 'stock.picking.no_such_method' does not exist"
    missing = wire.execute_kw(odoo_double, "stock.picking", "write", [[999999999], {"origin": "x"}])["error"]["data"]
    assert missing["name"] == "odoo.exceptions.MissingError"
    assert missing["debug"] == "(Record: stock.picking(999999999,), User: 2)"
    assert wire.call(odoo_double, "stock.picking", "read", [[999999999]], {"fields": ["name"]}) == []


def test_json2_works_with_the_bearer_api_key_on_19(odoo19):
    d = odoo19
    status, ids = d and wire.json2(
        d,
        "stock.picking",
        "create",
        {
            "vals_list": [
                {
                    "picking_type_id": d.ids["in_type"],
                    "partner_id": d.ids["vendor"],
                    "move_ids": [
                        [
                            0,
                            0,
                            {
                                "product_id": d.ids["product"],
                                "product_uom_qty": 3,
                                "product_uom": 1,
                                "location_id": d.ids["supplier"],
                                "location_dest_id": d.ids["stock"],
                            },
                        ]
                    ],
                }
            ]
        },
    )
    assert (status, len(ids)) == (200, 1)
    assert wire.json2(d, "stock.picking", "action_confirm", {"ids": ids}) == (200, True)
    status, rows = wire.json2(d, "stock.picking", "read", {"ids": ids, "fields": ["state", "move_ids"]})
    assert rows[0]["state"] == "assigned"
    # No X-Odoo-Database header is fine when one database is served.
    assert wire.json2(d, "stock.picking", "search", {"domain": [["id", "in", ids]]}, database=None) == (200, ids)
    # None is answered as null.
    quant = d.seed_stock(d.ids["product"], 2)
    d.write("stock.quant", quant, {"inventory_quantity": 1})
    assert wire.json2(
        d, "stock.quant", "action_apply_inventory", {"ids": [quant], "context": {"inventory_mode": True}}
    ) == (200, None)


def test_json2_refuses_a_bad_or_missing_key_with_401(odoo19):
    status, body = wire.json2(odoo19, "stock.picking", "search", {"domain": []}, api_key="not-a-valid-key")
    assert status == 401
    assert body == {
        "name": "werkzeug.exceptions.Unauthorized",
        "message": "Invalid apikey",
        "arguments": ["Invalid apikey", 401],
        "context": {},
        "debug": "werkzeug.exceptions.Unauthorized: 401 Unauthorized: Invalid apikey",
    }
    status, body = wire.json2(odoo19, "stock.picking", "search", {"domain": []}, authorization="")
    assert status == 401
    assert body["message"] == "User not authenticated, use an API Key with a Bearer Authorization header."
    # The password is not an API key.
    assert wire.json2(odoo19, "stock.picking", "search", {"domain": []}, api_key=odoo19.password)[0] == 401


@pytest.mark.parametrize(
    ("model", "method", "body", "status", "name"),
    [
        ("stock.no_such_model", "search", {"domain": []}, 404, "werkzeug.exceptions.NotFound"),
        ("stock.picking", "no_such_method", {"ids": [1]}, 404, "werkzeug.exceptions.NotFound"),
        ("stock.picking", "_action_done", {"ids": [1]}, 403, "odoo.exceptions.AccessError"),
        ("stock.picking", "search", {}, 422, "werkzeug.exceptions.UnprocessableEntity"),
        ("stock.picking", "search", {"domain": [], "bogus_kw": 1}, 422, "werkzeug.exceptions.UnprocessableEntity"),
        ("stock.picking", "create", {"ids": [1], "vals_list": [{}]}, 422, "werkzeug.exceptions.UnprocessableEntity"),
        ("stock.picking", "write", {"ids": [999999999], "vals": {"origin": "x"}}, 404, "odoo.exceptions.MissingError"),
        ("stock.picking", "search_read", {"domain": [["no_such_field", "=", 1]]}, 500, "builtins.ValueError"),
        ("stock.move.line", "write", {"ids": [1], "vals": {"qty_done": 1}}, 500, "builtins.ValueError"),
    ],
)
def test_json2_errors_use_the_recorded_http_status(odoo19, model, method, body, status, name):
    got_status, got = wire.json2(odoo19, model, method, body)
    assert (got_status, got["name"]) == (status, name)
    assert set(got) == {"name", "message", "arguments", "context", "debug"}


def test_json2_bad_json_is_a_400(odoo19):
    status, body = wire.json2(odoo19, "stock.picking", "search", raw=b"not json")
    assert status == 400
    assert body["message"] == "could not parse the body as json: Expecting value: line 1 column 1 (char 0)"


def test_json2_does_not_exist_before_19(odoo_jsonrpc_double):
    status, body = wire.json2(odoo_jsonrpc_double, "stock.picking", "search", {"domain": []})
    assert status == 404
    assert "404 Not Found" in body


def test_xmlrpc_faults_and_the_none_that_cannot_be_marshalled_but_is_committed(odoo17):
    d = odoo17
    result, fault = wire.xmlrpc_call(d, "common", "authenticate", d.db, "admin", d.password, {})
    assert (result, fault) == (2, None)
    _, fault = wire.xmlrpc_call(d, "object", "execute_kw", d.db, 2, "wrong", "res.partner", "search", [[]])
    assert fault == (3, "Access Denied")
    quant = d.seed_stock(d.ids["product"], 5)
    d.write("stock.quant", quant, {"inventory_quantity": 2})
    _, fault = wire.xmlrpc_call(
        d,
        "object",
        "execute_kw",
        d.db,
        2,
        d.password,
        "stock.quant",
        "action_apply_inventory",
        [[quant]],
        {"context": {"inventory_mode": True}},
    )
    assert fault == (1, "TypeError: cannot marshal None unless allow_none is enabled")
    assert d.get("stock.quant", quant, ["quantity"])["quantity"] == 2.0
    _, fault = wire.xmlrpc_call(
        d, "object", "execute_kw", d.db, 2, d.password, "stock.picking", "unlink", [[999999999]]
    )
    assert fault[0] == 2


def test_each_double_is_its_own_database(odoo_double_factory):
    a = odoo_double_factory("18.0")
    b = odoo_double_factory("18.0", db="other", password="secret")
    wire.call(a, "res.partner", "create", [{"name": "Only in A"}])
    assert wire.call(b, "res.partner", "search", [[["name", "=", "Only in A"]]]) == []
    assert wire.jsonrpc(b.url, "common", "authenticate", "other", "admin", "secret", {})["result"] == 2
    body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": {}, "id": 1}).encode()
    status, _, _ = wire.post(a.url, "/web/nothing-here", body)
    assert status == 404
