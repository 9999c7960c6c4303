"""Raw HTTP requests as any Odoo client sends them (stdlib only), for the double's self-tests and for
tests that need to act on Odoo directly. This is not Floor's Odoo client (floor/odoo/client.py)."""

from __future__ import annotations

import http.client
import itertools
import json
import xmlrpc.client
from urllib.parse import urlsplit

_ids = itertools.count(1)


def post(url: str, path: str, body: bytes, headers: dict | None = None, timeout: float = 5.0):
    """POST and return (status, headers, body bytes). Raises OSError/http.client errors when the
    connection is dropped or times out, as a client would see them."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request("POST", path, body=body, headers={"Content-Type": "application/json", **(headers or {})})
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


def request(
    url: str, verb: str, path: str, body: bytes | None = None, headers: dict | None = None, timeout: float = 5.0
):
    """Any request (GET /web/version, ...); returns (status, headers, body bytes)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request(verb, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


def web_version(url: str, timeout: float = 5.0):
    """GET /web/version: (status, parsed JSON or the page's text)."""
    status, headers, body = request(url, "GET", "/web/version", timeout=timeout)
    return status, (json.loads(body) if "json" in headers.get("Content-Type", "") else body.decode())


def version_info(url: str, body=None, timeout: float = 5.0) -> tuple[int, dict]:
    """POST /web/webclient/version_info with a JSON-RPC body (default {"jsonrpc": "2.0", "method": "call",
    "params": {}, "id": <n>}): (status, the whole envelope)."""
    if body is None:
        body = {"jsonrpc": "2.0", "method": "call", "params": {}, "id": next(_ids)}
    status, _headers, data = post(url, "/web/webclient/version_info", json.dumps(body).encode(), timeout=timeout)
    return status, json.loads(data)


def jsonrpc(url: str, service: str, method: str, *args, timeout: float = 5.0) -> dict:
    """The whole JSON-RPC response envelope (so tests can see a missing 'result')."""
    payload = {
        "jsonrpc": "2.0",
        "method": "call",
        "params": {"service": service, "method": method, "args": list(args)},
        "id": next(_ids),
    }
    status, _headers, body = post(url, "/jsonrpc", json.dumps(payload).encode(), timeout=timeout)
    assert status == 200, (status, body[:200])
    return json.loads(body)


def execute_kw(
    double, model: str, method: str, args=(), kwargs=None, *, db=None, uid=None, password=None, timeout: float = 5.0
) -> dict:
    return jsonrpc(
        double.url,
        "object",
        "execute_kw",
        db or double.db,
        uid or double.uid,
        password or double.password,
        model,
        method,
        list(args),
        kwargs or {},
        timeout=timeout,
    )


def call(double, model: str, method: str, args=(), kwargs=None, **auth):
    """execute_kw returning the result, or raising AssertionError with the Odoo error."""
    response = execute_kw(double, model, method, args, kwargs, **auth)
    if "error" in response:
        raise AssertionError(response["error"]["data"]["name"] + ": " + response["error"]["data"]["message"])
    return response.get("result")


def json2(
    double,
    model: str,
    method: str,
    body=None,
    *,
    api_key=None,
    database: str | None | bool = True,
    raw: bytes | None = None,
    authorization: str | None = None,
    timeout: float = 5.0,
):
    """POST /json/2/<model>/<method>; returns (status, parsed JSON body)."""
    headers = {}
    if authorization is not None:
        headers["Authorization"] = authorization
    else:
        headers["Authorization"] = f"bearer {api_key or double.api_key}"
    if database is True:
        headers["X-Odoo-Database"] = double.db
    elif isinstance(database, str):
        headers["X-Odoo-Database"] = database
    data = raw if raw is not None else json.dumps(body or {}).encode()
    status, resp_headers, payload = post(double.url, f"/json/2/{model}/{method}", data, headers, timeout=timeout)
    ctype = resp_headers.get("Content-Type", "")
    return status, (json.loads(payload) if "json" in ctype else payload.decode())


def xmlrpc_call(double, service: str, method: str, *args, timeout: float = 5.0):
    """(result, None) or (None, (faultCode, faultString))."""
    body = xmlrpc.client.dumps(tuple(args), method, allow_none=True).encode()
    status, _h, payload = post(double.url, f"/xmlrpc/2/{service}", body, {"Content-Type": "text/xml"}, timeout)
    assert status == 200, status
    try:
        (result,), _ = xmlrpc.client.loads(payload, use_builtin_types=True)
        return result, None
    except xmlrpc.client.Fault as fault:
        return None, (fault.faultCode, fault.faultString)
