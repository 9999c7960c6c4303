"""A thin client for Odoo's external API, over either of its two wire protocols.

- JSON-RPC: ``POST /jsonrpc``, ``execute_kw(db, uid, key, model, method, args, kwargs)``.
  Odoo 17 and 18 speak only this; 19 still serves it (with a deprecation warning).
- JSON-2: ``POST /json/2/<model>/<method>`` with a bearer API key and named arguments; the
  answer is the bare result. Odoo 19 and later.

`api="auto"` asks the server its version once, on first use, and picks JSON-2 from 19 on.
The methods below take the same arguments and return the same shapes on both transports,
so the code above this module never knows which one it is talking.

The API key is a password: it is never logged, never part of an exception, a repr or a
traceback's variables (see `_send`). JSON-RPC puts it inside the request body, so no request
body is ever logged either.
"""

from __future__ import annotations

import itertools
import json
import logging
import re
import time
from collections import deque
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.views.decorators.debug import sensitive_variables

from .errors import (
    OdooAuthError,
    OdooConnectionError,
    OdooError,
    OdooProtocolError,
    OdooRequestError,
    classify,
)

logger = logging.getLogger(__name__)

APIS = ("auto", "jsonrpc", "json2")
JSON2_SINCE = (19, 0)
DEFAULT_TIMEOUT = 15.0
# The attributes the recorded schemas in odoo-contract/ were taken with.
FIELD_ATTRIBUTES = ("string", "type", "relation", "required", "readonly", "selection")

_MODEL = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")
_METHOD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Odoo 17/18 JSON-RPC sends a recordset returned by a record method as its repr, e.g.
# "stock.quant.package(1,)"; 19 (both transports) sends the list of ids.
_RECORDSET = re.compile(r"^[a-z0-9_]+(?:\.[a-z0-9_]+)*\(((?:\s*\d+\s*,)*\s*\d*\s*)\)$")


class OdooClient:
    """One Odoo server, database and user; one HTTP connection pool. Use as a context manager
    or `close()` it.

    `calls` counts the HTTP round trips made to Odoo (connect included) and `call_log` holds
    the latest `(model, method)` pairs (`("common", "version")` for the handshake), so tests and
    benches can pin how many calls an operation costs: reset with `client.calls = 0`.
    """

    def __init__(
        self,
        *,
        url: str,
        db: str,
        login: str,
        api_key: str,
        api: str = "auto",
        timeout: float = DEFAULT_TIMEOUT,
    ):
        if api not in APIS:
            raise ValueError(f"api must be one of {', '.join(APIS)}, not {api!r}")
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"Odoo URL must start with http:// or https://, not {_without_userinfo(url)!r}")
        self.url = url.strip().rstrip("/")
        self.db = db
        self.login = login
        self._api_key = api_key
        self._api = None if api == "auto" else api
        self.timeout = float(timeout)
        # trust_env=False: an HTTP(S)_PROXY meant for the internet must not sit between Floor and
        # its Odoo unless configured here on purpose.
        self._http = httpx.Client(
            base_url=self.url,
            timeout=httpx.Timeout(self.timeout),
            headers={"User-Agent": "floor-odoo-client", "Accept": "application/json"},
            trust_env=False,
        )
        self._version: dict | None = None
        self._uid: int | None = None
        self._ids = itertools.count(1)
        self.calls = 0
        self.call_log: deque[tuple[str, str]] = deque(maxlen=1000)

    @classmethod
    def from_settings(cls) -> OdooClient:
        """The client for `ODOO_URL`, `ODOO_DB`, `ODOO_USER`, `ODOO_API_KEY` (all required),
        `ODOO_API` (auto | jsonrpc | json2) and `ODOO_TIMEOUT` (seconds, default 15)."""
        names = {"url": "ODOO_URL", "db": "ODOO_DB", "login": "ODOO_USER", "api_key": "ODOO_API_KEY"}
        values = {arg: getattr(settings, name, "") for arg, name in names.items()}
        missing = [names[arg] for arg, value in values.items() if not value]
        if missing:
            raise ImproperlyConfigured(f"Odoo is not configured: set {', '.join(missing)}")
        api = getattr(settings, "ODOO_API", "auto") or "auto"
        timeout = getattr(settings, "ODOO_TIMEOUT", DEFAULT_TIMEOUT) or DEFAULT_TIMEOUT
        try:
            return cls(**values, api=api, timeout=float(timeout))
        except ValueError as exc:
            raise ImproperlyConfigured(str(exc)) from None

    def __repr__(self) -> str:
        api = self._api or "auto"
        return f"<OdooClient {_without_userinfo(self.url)} db={self.db!r} login={self.login!r} api={api} api_key=***>"

    def __enter__(self) -> OdooClient:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # -- connection -------------------------------------------------------------------------

    def connect(self) -> OdooClient:
        """Choose the API (asking the server's version if `auto`) and, over JSON-RPC,
        authenticate. Every call does this on first use; calling it early surfaces bad settings
        at start-up instead of at the first push."""
        if self._api is None:
            self._api = "json2" if self.server_version >= JSON2_SINCE else "jsonrpc"
        if self._api == "jsonrpc" and self._uid is None:
            self._uid = self._authenticate()
        return self

    @property
    def api(self) -> str:
        """The transport in use: "jsonrpc" or "json2"."""
        self.connect()
        return self._api

    def version(self) -> dict:
        """The server's version, asked once and without signing in: `POST /web/webclient/version_info`,
        which 17, 18 and 19 all serve (19 logs /jsonrpc as deprecated, its removal planned, so a 19
        is never asked anything over it); `common.version()` over /jsonrpc where that path is not
        served (a proxy that passes only the API)."""
        if self._version is None:
            answer = self._web_version_info()
            if answer is None:
                answer = self._jsonrpc("common", "version", [])
            if not isinstance(answer, dict) or not isinstance(answer.get("server_version_info"), list):
                raise OdooProtocolError(
                    f"{self._where()} answered common.version without a server_version_info: is this Odoo?",
                    model="common",
                    method="version",
                )
            self._version = answer
        return self._version

    def _web_version_info(self) -> dict | None:
        payload = {"jsonrpc": "2.0", "method": "call", "params": {}, "id": next(self._ids)}
        headers = {"Content-Type": "application/json"}
        path = "/web/webclient/version_info"
        response = self._send(path, payload, headers, model="web", method="version_info")
        if response.status_code in (404, 405):
            return None
        body = self._decode(response, "web", "version_info")
        if response.status_code != 200:
            raise self._status_error(response, "web", "version_info", path)
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            data = body["error"].get("data") if isinstance(body["error"].get("data"), dict) else {}
            raise self._odoo_error(data, body["error"].get("message", ""), 200, "web", "version_info")
        if not isinstance(body, dict) or not isinstance(body.get("result"), dict):
            raise OdooProtocolError(
                f"{self._where()} answered {path} without a version: is this Odoo?", model="web", method="version_info"
            )
        return body["result"]

    @property
    def server_version(self) -> tuple[int, int]:
        """(major, minor), e.g. (18, 0); a SaaS "saas~18.2" is (18, 2)."""
        info = self.version()["server_version_info"]
        major = info[0]
        if isinstance(major, str):  # "saas~18"
            major = int(re.sub(r"\D", "", major.split("~")[-1]) or 0)
        return int(major), int(info[1])

    @property
    def uid(self) -> int:
        """The id of the Odoo user the key belongs to."""
        if self._uid is None:
            if self.api == "jsonrpc":
                self.connect()
            else:
                self._uid = self._whoami()
        return self._uid

    @sensitive_variables()
    def _authenticate(self) -> int:
        args = [self.db, self.login, self._api_key, {}]
        uid = self._jsonrpc("common", "authenticate", args)
        if uid is False or uid is None:
            raise OdooAuthError(
                f"wrong login or API key for {self.login!r} on database {self.db!r}",
                model="common",
                method="authenticate",
            )
        if not isinstance(uid, int):
            raise OdooProtocolError(f"authenticate answered {uid!r} instead of a user id")
        return uid

    def _whoami(self) -> int:
        # JSON-2 has no authenticate: the key names the user. res.users.context_get answers the
        # user's context, which carries its uid (17+); failing that, the user of our login.
        try:
            context = self.call("res.users", "context_get")
        except OdooRequestError:
            context = None
        uid = context.get("uid") if isinstance(context, dict) else None
        if isinstance(uid, int):
            return uid
        users = self.search_read("res.users", [("login", "=", self.login)], ["id"], limit=1)
        if not users:
            raise OdooAuthError(f"no Odoo user with login {self.login!r}", model="res.users", method="search_read")
        return users[0]["id"]

    # -- the ORM, the same on both transports ------------------------------------------------

    def search_read(
        self,
        model: str,
        domain: list,
        fields: list[str] | None,
        *,
        limit: int | None = None,
        offset: int = 0,
        order: str | None = None,
        context: dict | None = None,
    ) -> list[dict]:
        return self._execute(
            model,
            "search_read",
            positional={"domain": domain},
            keywords={"fields": fields, "limit": limit, "offset": offset or None, "order": order},
            context=context,
        )

    def search(
        self,
        model: str,
        domain: list,
        *,
        limit: int | None = None,
        offset: int = 0,
        order: str | None = None,
        context: dict | None = None,
    ) -> list[int]:
        # Odoo answers a list of ids; a recordset string is accepted too, as from call().
        return _as_ids(
            self._execute(
                model,
                "search",
                positional={"domain": domain},
                keywords={"limit": limit, "offset": offset or None, "order": order},
                context=context,
            )
        )

    def search_count(self, model: str, domain: list, *, limit: int | None = None, context: dict | None = None) -> int:
        return self._execute(
            model, "search_count", positional={"domain": domain}, keywords={"limit": limit}, context=context
        )

    def read(self, model: str, ids: list[int], fields: list[str] | None, *, context: dict | None = None) -> list[dict]:
        """Missing ids are left out of the answer (Odoo raises nothing for them)."""
        return self._execute(model, "read", ids=ids, keywords={"fields": fields}, context=context)

    def create(self, model: str, vals_list: list[dict], *, context: dict | None = None) -> list[int]:
        """Create one record per dict; the new ids, in order, always as a list."""
        if isinstance(vals_list, dict):
            raise TypeError("create takes a list of dicts (vals_list), one per record")
        result = _as_ids(self._execute(model, "create", positional={"vals_list": list(vals_list)}, context=context))
        if isinstance(result, int) and not isinstance(result, bool):
            return [result]
        if not isinstance(result, list):
            raise OdooProtocolError(f"create answered {type(result).__name__}", model=model, method="create")
        return result

    def write(self, model: str, ids: list[int], vals: dict, *, context: dict | None = None) -> bool:
        return self._execute(model, "write", ids=ids, positional={"vals": vals}, context=context)

    def unlink(self, model: str, ids: list[int], *, context: dict | None = None) -> bool:
        return self._execute(model, "unlink", ids=ids, context=context)

    def fields_get(
        self,
        model: str,
        attributes: list[str] | tuple[str, ...] | None = FIELD_ATTRIBUTES,
        *,
        context: dict | None = None,
    ) -> dict[str, dict]:
        """The model's fields, by name, with these attributes (None: all of them)."""
        attributes = list(attributes) if attributes is not None else None
        return self._execute(model, "fields_get", keywords={"attributes": attributes}, context=context)

    def call(self, model: str, method: str, ids: list[int] | None = None, *, context: dict | None = None, **kwargs):
        """Any other public method: a button (`button_validate`), an action, a wizard's `process`.

        `ids` are the records it runs on (none for an `@api.model` method); other arguments go
        by name. A method that returns None answers None (JSON-RPC then sends no `result` at
        all). A method that returns a recordset answers its list of ids on every version: Odoo
        17/18 JSON-RPC sends it as a string, e.g. `stock.picking.action_put_in_pack` ->
        "stock.quant.package(1,)", which becomes [1] here.
        """
        return _as_ids(self._execute(model, method, ids=ids, keywords=kwargs, context=context))

    # -- transports ---------------------------------------------------------------------------

    def _execute(
        self,
        model: str,
        method: str,
        *,
        ids: list[int] | None = None,
        positional: dict[str, Any] | None = None,
        keywords: dict[str, Any] | None = None,
        context: dict | None = None,
    ):
        """Call `model.method` on either transport.

        JSON-RPC's execute_kw needs some arguments by position (the ids of a record method, the
        vals_list of create, the domain of search); JSON-2 takes everything by name. `positional`
        holds those, in order; `keywords` go by name on both; None values are left out.
        """
        if not _MODEL.match(model) or not _METHOD.match(method):
            raise ValueError(f"not an Odoo model and method: {model!r}, {method!r}")
        if ids is not None:
            ids = [ids] if isinstance(ids, int) else list(ids)
        positional = positional or {}
        named = {name: value for name, value in (keywords or {}).items() if value is not None}
        if context is not None:
            named["context"] = context
        self.connect()
        if self._api == "json2":
            body = {"ids": ids} if ids is not None else {}
            return self._json2(model, method, {**body, **positional, **named})
        args = ([ids] if ids is not None else []) + list(positional.values())
        return self._execute_kw(model, method, args, named)

    @sensitive_variables()
    def _execute_kw(self, model: str, method: str, args: list, kwargs: dict):
        params = [self.db, self._uid, self._api_key, model, method, args, kwargs]
        return self._jsonrpc("object", "execute_kw", params, model=model, method=method)

    def _jsonrpc(self, service: str, service_method: str, args: list, *, model: str = "", method: str = ""):
        model, method = model or service, method or service_method
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"service": service, "method": service_method, "args": args},
            "id": next(self._ids),
        }
        response = self._send("/jsonrpc", payload, {"Content-Type": "application/json"}, model=model, method=method)
        body = self._decode(response, model, method)
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            error = body["error"]
            data = error.get("data") if isinstance(error.get("data"), dict) else {}
            raise self._odoo_error(data, error.get("message", ""), response.status_code, model, method)
        if response.status_code != 200:
            raise self._status_error(response, model, method, "/jsonrpc")
        if not isinstance(body, dict):
            raise OdooProtocolError("the JSON-RPC answer is not an object", model=model, method=method)
        # A method returning None answers with no "result" key at all (17, 18 and 19).
        return body.get("result")

    def _json2(self, model: str, method: str, body: dict):
        headers = {"Content-Type": "application/json"}
        if self.db:  # optional when the server holds one database
            headers["X-Odoo-Database"] = self.db
        path = f"/json/2/{model}/{method}"
        response = self._send(path, body, headers, model=model, method=method, bearer=True)
        answer = self._decode(response, model, method)
        if response.status_code == 200:
            return answer
        if isinstance(answer, dict) and isinstance(answer.get("name"), str):
            raise self._odoo_error(answer, "", response.status_code, model, method)
        raise self._status_error(response, model, method, "/json/2")

    # Django's error reports (the 500 mail, Celery's and Sentry's traces) show each frame's
    # variables; the frames that hold the key are marked so theirs are starred out.
    @sensitive_variables()
    def _send(self, path: str, payload: dict, headers: dict, *, model: str, method: str, bearer: bool = False):
        # The key is added here and never leaves this frame but into httpx. Errors are raised
        # outside the except blocks, so no httpx exception (whose .request holds the body and
        # headers) is chained to what the caller sees.
        if bearer:
            headers = {**headers, "Authorization": f"bearer {self._api_key}"}
        content = json.dumps(payload).encode()
        self.calls += 1
        self.call_log.append((model, method))
        started = time.monotonic()
        failure = None
        try:
            response = self._http.post(path, content=content, headers=headers)
        except httpx.TimeoutException as exc:
            failure = OdooConnectionError(
                f"no answer from {self._where()} within {self.timeout:g} s ({type(exc).__name__})",
                model=model,
                method=method,
            )
        except httpx.TransportError as exc:
            reason = self._scrub(str(exc)) or type(exc).__name__
            failure = OdooConnectionError(
                f"{self._where()} did not answer: {reason} ({type(exc).__name__})", model=model, method=method
            )
        except httpx.HTTPError as exc:
            failure = OdooProtocolError(
                f"{self._where()} answered unreadably ({type(exc).__name__})", model=model, method=method
            )
        elapsed_ms = (time.monotonic() - started) * 1000
        if failure is not None:
            logger.debug("odoo %s.%s failed after %.0f ms: %s", model, method, elapsed_ms, failure)
            raise failure
        logger.debug("odoo %s.%s -> HTTP %s in %.0f ms", model, method, response.status_code, elapsed_ms)
        return response

    def _decode(self, response: httpx.Response, model: str, method: str):
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            if response.status_code == 200:
                raise OdooProtocolError(
                    f"{self._where()} answered something that is not JSON: is this an Odoo server?",
                    model=model,
                    method=method,
                    http_status=200,
                ) from None
            return None  # an error page from Odoo or a proxy: judged by its status

    def _odoo_error(self, data: dict, fallback: str, status: int, model: str, method: str) -> OdooError:
        name = str(data.get("name") or "")
        message = self._scrub(str(data.get("message") or fallback or "Odoo Server Error"))
        cls = classify(name, message, status)
        return cls(
            message,
            name=name,
            model=model,
            method=method,
            http_status=status,
            debug=self._scrub(str(data.get("debug") or "")),
        )

    def _status_error(self, response: httpx.Response, model: str, method: str, endpoint: str) -> OdooError:
        status = response.status_code
        cls = classify("", "", status)
        if 300 <= status < 400:
            message = f"{self._where()} redirects {endpoint} (HTTP {status}): set the Odoo URL to where it points"
        elif status == 404:
            message = f"{self._where()} has no {endpoint} endpoint (HTTP 404)"
            if endpoint == "/json/2":
                message += ": JSON-2 needs Odoo 19 or later"
        else:
            message = f"{self._where()} answered HTTP {status} {response.reason_phrase}".rstrip()
        return cls(message, model=model, method=method, http_status=status)

    def _where(self) -> str:
        return _without_userinfo(self.url)

    def _scrub(self, text: str) -> str:
        # Odoo never echoes the key, but a message from a proxy or an HTTP library might.
        if self._api_key and len(self._api_key) >= 4:
            text = text.replace(self._api_key, "***")
        return text


def _as_ids(result):
    """A recordset sent as its repr ("stock.quant.package(1, 2)") as its list of ids; anything else as is."""
    match = _RECORDSET.match(result) if isinstance(result, str) else None
    if match is None:
        return result
    return [int(part) for part in match.group(1).split(",") if part.strip()]


def _without_userinfo(url: str) -> str:
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))
