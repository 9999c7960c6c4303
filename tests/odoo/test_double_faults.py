"""Faults injected from a test: what the client sees, and what the double did (or did not) commit."""

import http.client
import json
import socket
import threading
import time

import pytest

from tests.odoo_double import wire
from tests.odoo_double.fixtures import *  # noqa: F403 - the double's fixtures


def validate(d, picking, **kw):
    if d.api == "json2":
        return wire.json2(d, "stock.picking", "button_validate", {"ids": [picking]}, **kw)
    return wire.execute_kw(d, "stock.picking", "button_validate", [[picking]], **kw)


def state(d, picking):
    return d.get("stock.picking", picking, ["state"])["state"]


def test_commit_then_drop_applies_the_call_but_the_answer_is_lost(odoo_double):
    d = odoo_double
    picking = d.seed_receipt(lines=[(d.ids["product"], 4)])
    d.commit_then_drop(model="stock.picking", method="button_validate")
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        validate(d, picking)
    assert state(d, picking) == "done"
    assert d.on_hand(d.ids["product"]) == 4.0
    [call] = d.calls(model="stock.picking", method="button_validate")
    assert call.outcome == "commit_then_drop"
    # The retry finds it done: True on 18/19, UserError on 17 (facts.json second_button_validate_on_done).
    retry = validate(d, picking)
    if d.version == "17.0":
        assert retry["error"]["data"]["name"] == "odoo.exceptions.UserError"
    elif d.api == "json2":
        assert retry == (200, True)
    else:
        assert retry["result"] is True


def test_drop_loses_the_call_and_applies_nothing(odoo18):
    picking = odoo18.seed_receipt(lines=[(odoo18.ids["product"], 4)])
    odoo18.drop(method="button_validate")
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        validate(odoo18, picking)
    assert state(odoo18, picking) == "assigned"


def test_latency_slows_only_the_targeted_calls(odoo18):
    odoo18.latency(0.2, model="stock.picking")
    started = time.monotonic()
    wire.call(odoo18, "res.partner", "search", [[]])
    fast = time.monotonic() - started
    started = time.monotonic()
    wire.call(odoo18, "stock.picking", "search", [[]])
    slow = time.monotonic() - started
    assert fast < 0.15 <= 0.2 <= slow


def test_a_timeout_outlives_the_client_and_then_commits_unless_told_not_to(odoo18):
    d = odoo18
    first = d.seed_receipt(lines=[(d.ids["product"], 1)])
    second = d.seed_receipt(lines=[(d.ids["product"], 2)])
    d.timeout(0.4, method="button_validate")
    with pytest.raises(socket.timeout):
        validate(d, first, timeout=0.1)
    assert state(d, first) == "assigned"  # Odoo is still working on it
    deadline = time.monotonic() + 3
    while state(d, first) != "done" and time.monotonic() < deadline:
        time.sleep(0.02)
    assert state(d, first) == "done"
    d.timeout(0.3, method="button_validate", commit=False)
    with pytest.raises(socket.timeout):
        validate(d, second, timeout=0.1)
    time.sleep(0.4)
    assert state(d, second) == "assigned"


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_http_errors_answer_an_html_page_and_apply_nothing(odoo18, status):
    picking = odoo18.seed_receipt(lines=[(odoo18.ids["product"], 1)])
    odoo18.http_error(status, method="button_validate")
    body = {
        "jsonrpc": "2.0",
        "method": "call",
        "id": 1,
        "params": {
            "service": "object",
            "method": "execute_kw",
            "args": [odoo18.db, 2, odoo18.password, "stock.picking", "button_validate", [[picking]], {}],
        },
    }
    got_status, headers, payload = wire.post(odoo18.url, "/jsonrpc", json.dumps(body).encode())
    assert got_status == status
    assert headers["Content-Type"].startswith("text/html")
    assert b"<title>" in payload
    assert state(odoo18, picking) == "assigned"
    assert validate(odoo18, picking)["result"] is True  # only the next call was hit


def test_a_serialization_failure_looks_like_odoos_and_rolls_back(odoo_double):
    d = odoo_double
    picking = d.seed_receipt(lines=[(d.ids["product"], 1)])
    d.serialization_failure(model="stock.picking", method="button_validate")
    answer = validate(d, picking)
    if d.api == "json2":
        status, body = answer
        assert status == 500
    else:
        body = answer["error"]["data"]
        assert answer["error"]["code"] == (0 if d.version >= "19.0" else 200)
    assert body["name"] == "psycopg2.errors.SerializationFailure"
    assert body["message"] == "could not serialize access due to concurrent update\n"
    assert state(d, picking) == "assigned"


def test_an_injected_odoo_error(odoo18):
    odoo18.fail("odoo.exceptions.ValidationError", "Nope", model="res.partner", times=2)
    for _ in range(2):
        data = wire.execute_kw(odoo18, "res.partner", "search", [[]])["error"]["data"]
        assert (data["name"], data["message"]) == ("odoo.exceptions.ValidationError", "Nope")
    assert isinstance(wire.call(odoo18, "res.partner", "search", [[]]), list)


def test_rotated_credentials_are_refused_like_a_wrong_password(odoo_double):
    d = odoo_double
    old_password, old_key = d.password, d.api_key
    new_password, new_key = d.rotate_credentials()
    assert (
        wire.execute_kw(d, "res.partner", "search", [[]], password=old_password)["error"]["data"]["name"]
        == "odoo.exceptions.AccessDenied"
    )
    assert wire.jsonrpc(d.url, "common", "authenticate", d.db, "admin", old_password, {})["result"] is False
    assert isinstance(wire.call(d, "res.partner", "search", [[]], password=new_password), list)
    if d.api == "json2":
        assert wire.json2(d, "res.partner", "search", {"domain": []}, api_key=old_key)[0] == 401
        assert wire.json2(d, "res.partner", "search", {"domain": []}, api_key=new_key)[0] == 200


def test_access_denied_fault_on_json2_is_a_401(odoo19):
    odoo19.access_denied(times=1)
    assert wire.json2(odoo19, "res.partner", "search", {"domain": []})[0] == 401
    assert wire.json2(odoo19, "res.partner", "search", {"domain": []})[0] == 200


def test_the_call_log_counts_odoo_calls_per_operation(odoo_double):
    d = odoo_double
    picking = d.seed_receipt(lines=[(d.ids["product"], 3)])
    d.clear_calls()
    line = d.search("stock.move.line", [("picking_id", "=", picking)])
    if d.api == "json2":
        wire.json2(d, "stock.move.line", "write", {"ids": line, "vals": {"quantity": 3, "picked": True}})
        wire.json2(d, "stock.picking", "button_validate", {"ids": [picking], "context": {"skip_sms": True}})
    else:
        wire.call(d, "stock.move.line", "write", [line, {"quantity": 3, "picked": True}])
        wire.call(d, "stock.picking", "button_validate", [[picking]], {"context": {"skip_sms": True}})
    calls = d.calls()
    assert [(c.model, c.method, c.outcome) for c in calls] == [
        ("stock.move.line", "write", "ok"),
        ("stock.picking", "button_validate", "ok"),
    ]
    assert calls[1].context == {"skip_sms": True}
    assert d.call_count(model="stock.picking") == 1
    assert calls[0].transport == d.api


def test_reset_abandons_a_call_still_sleeping_in_a_fault(odoo18):
    d = odoo18
    picking = d.seed_receipt(lines=[(d.ids["product"], 1)])
    d.timeout(30, method="button_validate")
    seen = []

    def client_call():
        try:
            seen.append(validate(d, picking, timeout=5))
        except (OSError, http.client.HTTPException) as exc:
            seen.append(exc)

    client = threading.Thread(target=client_call)
    client.start()
    time.sleep(0.1)
    started = time.monotonic()
    d.reset()
    client.join(5)
    assert time.monotonic() - started < 2
    assert isinstance(seen[0], http.client.RemoteDisconnected | ConnectionError)  # dropped, no answer
    assert d.calls() == []  # fresh log
    assert d.records("stock.picking", [("id", "=", picking)]) == []  # fresh database, nothing applied late
