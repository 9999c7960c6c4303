"""Replays recorded calls (contract/<version>/transcript_<flow>.json) against the double over
the same transport, and compares each answer with the recorded one.

Ids differ between the recorded database and the double, so the replayer learns a per-model map from
recorded ids to the double's ids out of every answer (create results, `id` keys, many2one pairs, x2many
lists, action `res_id`s) and translates the ids in later requests. Strings are compared with their digits
masked (sequence numbers and dates differ); numbers and booleans must be equal.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from . import wire
from .schema import contract_dir

RECORDED_DB = {"17.0": "floor_odoo17", "18.0": "floor_odoo", "19.0": "floor_odoo19"}
CONTEXT_ID_KEYS = {
    "button_validate_picking_ids": "stock.picking",
    "picking_ids_not_to_backorder": "stock.picking",
    "default_pick_ids": "stock.picking",
    "default_quant_ids": "stock.quant",
    "default_quant_to_fix_ids": "stock.quant",
    "default_product_id": "product.product",
    "default_location_id": "stock.location",
    "default_scrap_id": "stock.scrap",
    "default_partner_id": "res.partner",
    "search_default_picking_type_id": "stock.picking.type",
}
DIGITS = re.compile(r"\d+")


def load_calls(version: str, flow: str) -> list[dict]:
    data = json.loads((contract_dir() / version / f"transcript_{flow}.json").read_text())
    return data if isinstance(data, list) else data["calls"]


@dataclass
class Mismatch:
    flow: str
    seq: int
    what: str

    def __str__(self):
        return f"{self.flow}#{self.seq}: {self.what}"


@dataclass
class Replayer:
    double: object
    idmap: dict[str, dict[int, int]] = field(default_factory=dict)
    mismatches: list[Mismatch] = field(default_factory=list)
    _flow: str = ""
    _seq: int = 0

    @property
    def version(self) -> str:
        return self.double.version

    def schema(self, model):
        return self.double.env.vs.get(model) if model else None

    # ------------------------------------------------------------------ id translation (request side)
    def fwd(self, model: str | None, value):
        if model is None or isinstance(value, bool) or not isinstance(value, int):
            return value
        return self.idmap.get(model, {}).get(value, value)

    def fwd_ids(self, model, value):
        if isinstance(value, list):
            return [self.fwd(model, v) for v in value]
        return self.fwd(model, value)

    def path_model(self, model: str, path: str) -> str | None:
        """Model of the ids a domain leaf on `path` compares with."""
        current = model
        for part in path.split("."):
            if part == "id":
                return current
            sch = self.schema(current)
            if sch is None or part not in sch.fields:
                return None
            rel = sch.relation(part)
            if not rel:
                return None
            current = rel
        return current

    def fwd_domain(self, model, domain):
        if not isinstance(domain, list):
            return domain
        out = []
        for term in domain:
            if isinstance(term, list) and len(term) == 3 and isinstance(term[0], str):
                target = self.path_model(model, term[0])
                out.append([term[0], term[1], self.fwd_ids(target, term[2]) if target else term[2]])
            else:
                out.append(term)
        return out

    def fwd_vals(self, model, vals):
        if not isinstance(vals, dict):
            return vals
        sch = self.schema(model)
        out = {}
        for key, value in vals.items():
            ftype = sch.ftype(key) if sch and key in sch.fields else None
            rel = sch.relation(key) if sch and key in sch.fields else None
            if ftype == "many2one":
                out[key] = self.fwd(rel, value)
            elif ftype in ("one2many", "many2many") and isinstance(value, list):
                cmds = []
                for cmd in value:
                    if isinstance(cmd, list) and cmd and cmd[0] == 0:
                        cmds.append([0, 0, self.fwd_vals(rel, cmd[2])])
                    elif isinstance(cmd, list) and cmd and cmd[0] == 6:
                        cmds.append([6, 0, self.fwd_ids(rel, cmd[2])])
                    elif isinstance(cmd, list) and len(cmd) >= 2:
                        cmds.append([cmd[0], self.fwd(rel, cmd[1]), *cmd[2:]])
                    else:
                        cmds.append(self.fwd(rel, cmd))
                out[key] = cmds
            else:
                out[key] = value
        return out

    def fwd_context(self, ctx):
        if not isinstance(ctx, dict):
            return ctx
        out = dict(ctx)
        active_model = ctx.get("active_model")
        for key in ("active_id", "active_ids"):
            if key in out and active_model:
                out[key] = self.fwd_ids(active_model, out[key])
        for key, model in CONTEXT_ID_KEYS.items():
            if key in out:
                value = out[key]
                if key.startswith("default_") and key.endswith("_ids") and value and isinstance(value[0], list):
                    out[key] = [[c[0], self.fwd(model, c[1])] for c in value]
                else:
                    out[key] = self.fwd_ids(model, value)
        return out

    def fwd_call(self, model, method, args, kwargs):
        args = list(args or [])
        kwargs = dict(kwargs or {})
        m = self.double.env.models.get(model)
        api_model = m is not None and m.is_api_model(method)
        if args and not api_model:
            args[0] = self.fwd_ids(model, args[0])
            if method == "write" and len(args) > 1:
                args[1] = self.fwd_vals(model, args[1])
        if method in ("search", "search_read", "search_count") and args:
            args[0] = self.fwd_domain(model, args[0])
        if method == "create" and args:
            args[0] = (
                [self.fwd_vals(model, v) for v in args[0]]
                if isinstance(args[0], list)
                else self.fwd_vals(model, args[0])
            )
        if "domain" in kwargs:
            kwargs["domain"] = self.fwd_domain(model, kwargs["domain"])
        if "vals" in kwargs:
            kwargs["vals"] = self.fwd_vals(model, kwargs["vals"])
        if "vals_list" in kwargs:
            kwargs["vals_list"] = [self.fwd_vals(model, v) for v in kwargs["vals_list"]]
        if "ids" in kwargs:
            kwargs["ids"] = self.fwd_ids(model, kwargs["ids"])
        if "context" in kwargs:
            kwargs["context"] = self.fwd_context(kwargs["context"])
        return args, kwargs

    # ------------------------------------------------------------------ unification (answer side)
    def learn(self, model, recorded, actual, where):
        if model is None or isinstance(recorded, bool) or not isinstance(recorded, int):
            return
        if not isinstance(actual, int) or isinstance(actual, bool):
            self.mismatch(where, f"expected an id, got {actual!r}")
            return
        table = self.idmap.setdefault(model, {})
        if recorded in table and table[recorded] != actual:
            self.mismatch(where, f"{model} id {recorded} maps to {table[recorded]}, got {actual}")
        table.setdefault(recorded, actual)

    def learn_list(self, model, recorded, actual, where):
        if not isinstance(actual, list) or len(recorded) != len(actual):
            self.mismatch(where, f"{model} ids {recorded} vs {actual}")
            return
        for r, a in zip(recorded, actual, strict=True):
            self.learn(model, r, a, where)

    def mismatch(self, where, what):
        self.mismatches.append(Mismatch(self._flow, self._seq, f"{where}: {what}"))

    def same_text(self, recorded, actual) -> bool:
        return DIGITS.sub("#", str(recorded)) == DIGITS.sub("#", str(actual))

    def unify(self, model, recorded, actual, where="result"):
        if isinstance(recorded, dict) and isinstance(actual, dict):
            if "res_model" in recorded or recorded.get("type", "").startswith("ir.actions"):
                return self.unify_action(recorded, actual, where)
            if "id" in recorded and model:
                return self.unify_record(model, recorded, actual, where)
            if set(recorded) != set(actual):
                self.mismatch(where, f"keys {sorted(recorded)} vs {sorted(actual)}")
            for key in recorded:
                if key in actual:
                    self.unify(None, recorded[key], actual[key], f"{where}.{key}")
            return
        if isinstance(recorded, list) and isinstance(actual, list):
            if len(recorded) != len(actual):
                self.mismatch(where, f"{len(recorded)} items vs {len(actual)}: {recorded!r:.200} vs {actual!r:.200}")
                return
            for i, (r, a) in enumerate(zip(recorded, actual, strict=True)):
                self.unify(model, r, a, f"{where}[{i}]")
            return
        self.compare_scalar(recorded, actual, where)

    def compare_scalar(self, recorded, actual, where):
        if isinstance(recorded, bool) or isinstance(actual, bool) or recorded is None or actual is None:
            if recorded is not actual and recorded != actual:
                self.mismatch(where, f"{recorded!r} vs {actual!r}")
        elif isinstance(recorded, int | float) and isinstance(actual, int | float):
            if abs(recorded - actual) > 1e-6:
                self.mismatch(where, f"{recorded!r} vs {actual!r}")
        elif isinstance(recorded, str) and isinstance(actual, str):
            if not self.same_text(recorded, actual):
                self.mismatch(where, f"{recorded!r} vs {actual!r}")
        elif recorded != actual:
            self.mismatch(where, f"{recorded!r} vs {actual!r}")

    def unify_record(self, model, recorded, actual, where):
        if set(recorded) != set(actual):
            self.mismatch(where, f"fields {sorted(set(recorded) ^ set(actual))} differ")
        sch = self.schema(model)
        self.learn(model, recorded.get("id"), actual.get("id"), f"{where}.id")
        for key, rvalue in recorded.items():
            if key == "id" or key not in actual:
                continue
            avalue = actual[key]
            ftype = sch.ftype(key) if sch and key in sch.fields else None
            rel = sch.relation(key) if sch and key in sch.fields else None
            w = f"{where}.{key}"
            if ftype == "many2one":
                if isinstance(rvalue, list) and isinstance(avalue, list):
                    self.learn(rel, rvalue[0], avalue[0], w)
                    self.compare_scalar(rvalue[1], avalue[1], w)
                elif rvalue != avalue:
                    self.mismatch(w, f"{rvalue!r} vs {avalue!r}")
            elif ftype in ("one2many", "many2many"):
                if isinstance(rvalue, list):
                    self.learn_list(rel, rvalue, avalue, w)
            else:
                self.unify(None, rvalue, avalue, w)

    def unify_action(self, recorded, actual, where):
        if set(recorded) != set(actual):
            self.mismatch(where, f"action keys {sorted(recorded)} vs {sorted(actual)}")
        for key, rvalue in recorded.items():
            avalue = actual.get(key)
            if key == "res_id":
                self.learn(recorded.get("res_model"), rvalue, avalue, f"{where}.res_id")
            elif key == "context" and isinstance(rvalue, dict):
                self.unify_context(rvalue, avalue or {}, f"{where}.context", recorded.get("res_model"))
            elif key in ("views", "view_id"):
                if json.dumps(rvalue) != json.dumps(avalue):
                    self.mismatch(f"{where}.{key}", f"{rvalue!r} vs {avalue!r}")
            else:
                self.unify(None, rvalue, avalue, f"{where}.{key}")

    def unify_context(self, recorded, actual, where, res_model):
        if set(recorded) != set(actual):
            self.mismatch(where, f"context keys {sorted(recorded)} vs {sorted(actual)}")
        active_model = recorded.get("active_model")
        for key, rvalue in recorded.items():
            avalue = actual.get(key)
            model = CONTEXT_ID_KEYS.get(key) or (active_model if key in ("active_id", "active_ids") else None)
            if model is None:
                self.unify(None, rvalue, avalue, f"{where}.{key}")
            elif isinstance(rvalue, list) and rvalue and isinstance(rvalue[0], list):
                for r, a in zip(rvalue, avalue or [], strict=False):
                    self.learn(model, r[1], a[1], f"{where}.{key}")
            elif isinstance(rvalue, list):
                self.learn_list(model, rvalue, avalue, f"{where}.{key}")
            else:
                self.learn(model, rvalue, avalue, f"{where}.{key}")

    def unify_error(self, recorded_data: dict, actual_data: dict, where="error"):
        for key in ("name", "message"):
            if not self.same_text(recorded_data.get(key), actual_data.get(key)):
                self.mismatch(f"{where}.{key}", f"{recorded_data.get(key)!r} vs {actual_data.get(key)!r}")

    # ------------------------------------------------------------------ running
    def run(self, flow: str, *, only=None, skip=(), loose=()) -> list[Mismatch]:
        """Replay `flow` (seqs in `only` if given, none in `skip`); answers of seqs in `loose` are sent but
        not compared (the recorded database had demo data the double does not copy)."""
        self._flow = flow
        before = len(self.mismatches)
        for call in load_calls(self.version, flow):
            seq = call["seq"]
            if (only is not None and seq not in only) or seq in skip:
                continue
            self._seq = seq
            compare = seq not in loose
            transport = call["transport"]
            if transport == "jsonrpc":
                self.replay_jsonrpc(call, compare)
            elif transport == "json2":
                self.replay_json2(call, compare)
            elif transport == "xmlrpc":
                self.replay_xmlrpc(call, compare)
            elif transport == "http":
                self.replay_http(call, compare)
        return self.mismatches[before:]

    def _auth(self, auth: dict | None):
        d = self.double
        auth = auth or {}
        db = auth.get("db", RECORDED_DB[self.version])
        password = auth.get("password", "admin")
        return (
            d.db if db == RECORDED_DB[self.version] else db,
            auth.get("uid", 2),
            d.password if password == "admin" else password,
        )

    def replay_jsonrpc(self, call, compare):
        d = self.double
        if call["service"] == "common":
            args = list(call["args"])
            if args and args[0] == RECORDED_DB[self.version]:
                args[0] = d.db
            if len(args) > 2 and args[2] == "admin":
                args[2] = d.password
            response = wire.jsonrpc(d.url, "common", call["method"], *args)
            model = None
        else:
            model = call["model"]
            args, kwargs = self.fwd_call(model, call["method"], call["args"], call["kwargs"])
            db, uid, password = self._auth(call.get("auth"))
            response = wire.jsonrpc(
                d.url, "object", "execute_kw", db, uid, password, model, call["method"], args, kwargs
            )
        self.compare(call, model, response.get("result"), response.get("error"), "result" in response, compare)

    def replay_json2(self, call, compare):
        d = self.double
        model, method = call.get("model"), call.get("method")
        if model is None:  # recorded without a target (no Authorization header)
            _prefix, model, method = call["http"].split()[1].rsplit("/", 2)
        headers = call.get("headers") or {}
        authorization = headers.get("Authorization")
        if authorization == "bearer <API key>":
            authorization = f"bearer {d.api_key}"
        body = call.get("body")
        raw = body.encode() if isinstance(body, str) else None
        if not isinstance(body, str):
            _args, body = self.fwd_call(model, method, [], body or {})
        status, payload = wire.json2(
            d, model, method, body, raw=raw, authorization=authorization or "", database="X-Odoo-Database" in headers
        )
        if compare and status != call.get("http_status"):
            self.mismatch("http_status", f"{call.get('http_status')} vs {status}")
        if status == 200:
            self.compare(call, model, payload, None, True, compare)
        else:
            self.compare(call, model, None, {"data": payload}, False, compare)

    def replay_http(self, call, compare):
        """A plain HTTP request (web routes, JSON-2 without a token or with GET): status, content type and
        body are compared; an HTML page is compared by its status and content type only (the double's
        pages are werkzeug's, Odoo's are its own website pages)."""
        d = self.double
        verb, path = call["http"].split(" ", 1)
        headers = dict(call.get("headers") or {})
        if headers.get("Authorization") == "bearer <API key>":
            headers["Authorization"] = f"bearer {d.api_key}"
        if "X-Odoo-Database" in headers:
            headers["X-Odoo-Database"] = d.db
        body = call.get("body")
        data = None if body is None else json.dumps(body).encode()
        status, resp_headers, payload = wire.request(d.url, verb, path, data, headers)
        if not compare:
            return
        if status != call.get("http_status"):
            self.mismatch("http_status", f"{call.get('http_status')} vs {status}")
        ctype = resp_headers.get("Content-Type", "")
        recorded_type = (call.get("content_type") or "").split(";")[0]
        if recorded_type and recorded_type != ctype.split(";")[0]:
            self.mismatch("content_type", f"{call.get('content_type')!r} vs {ctype!r}")
        recorded = call.get("result")
        if isinstance(recorded, dict) and "_non_json_body_first_200_chars" in recorded:
            return
        try:
            actual = json.loads(payload)
        except ValueError:
            self.mismatch("body", f"not JSON: {payload[:100]!r}")
            return
        self.unify(None, recorded, actual, "body")

    def replay_xmlrpc(self, call, compare):
        d = self.double
        params = list(call["args"])
        if call["service"] == "common":
            if params and params[0] == RECORDED_DB[self.version]:
                params[0] = d.db
            if len(params) > 2 and params[2] == "admin":
                params[2] = d.password
            result, fault = wire.xmlrpc_call(d, "common", call["method"], *params)
            model = None
        else:
            db, uid, password = params[0], params[1], params[2]
            db = d.db if db == RECORDED_DB[self.version] else db
            password = d.password if password == "admin" else password
            model, method = params[3], params[4]
            args, kwargs = self.fwd_call(
                model, method, params[5] if len(params) > 5 else [], params[6] if len(params) > 6 else {}
            )
            result, fault = wire.xmlrpc_call(d, "object", "execute_kw", db, uid, password, model, method, args, kwargs)
        if not compare:
            return
        recorded_fault = call.get("fault")
        if recorded_fault is not None:
            if isinstance(recorded_fault, str):  # a trimmed traceback: only the code is kept
                code = re.search(r'"faultCode": (\d+)', recorded_fault)
                recorded_fault = {"faultCode": int(code.group(1)) if code else 1, "faultString": None}
            if fault is None:
                self.mismatch("fault", f"expected fault {recorded_fault['faultCode']}, got {result!r:.100}")
            elif fault[0] != recorded_fault["faultCode"]:
                self.mismatch("fault", f"code {recorded_fault['faultCode']} vs {fault[0]} ({fault[1]:.100})")
            else:
                recorded_string = recorded_fault.get("faultString") or ""
                # Code 1 carries a traceback (trimmed in the recordings) unless it is a marshalling TypeError.
                comparable = recorded_fault["faultCode"] != 1 or recorded_string.startswith("TypeError")
                if comparable and not self.same_text(recorded_string, fault[1]):
                    self.mismatch("fault", f"{recorded_string!r} vs {fault[1]!r}")
        elif fault is not None:
            self.mismatch("fault", f"unexpected fault {fault}")
        else:
            self.unify(model, call.get("result"), result)

    def compare(self, call, model, result, error, has_result, compare):
        method = call.get("method")
        recorded_error = call.get("error")
        if not compare:
            if error is None and result is not None:
                self.learn_silently(call, model, result)
            return
        if recorded_error is not None:
            if error is None:
                self.mismatch(
                    "error",
                    f"expected {recorded_error.get('data', recorded_error).get('name')}, got result {result!r:.200}",
                )
                return
            self.unify_error(recorded_error.get("data", recorded_error), error.get("data", error))
            if call["transport"] == "jsonrpc" and recorded_error.get("code") != error.get("code"):
                self.mismatch("error.code", f"{recorded_error.get('code')} vs {error.get('code')}")
            return
        if error is not None:
            data = error.get("data", error)
            self.mismatch("error", f"unexpected {data.get('name')}: {data.get('message')!r:.300}")
            return
        recorded = call.get("result")
        if call["transport"] == "jsonrpc" and recorded is None and has_result:
            self.mismatch("result", "None must be answered without a 'result' key")
        if method == "create" and isinstance(recorded, int):
            self.learn(model, recorded, result, "create")
        elif method == "create" and isinstance(recorded, list):
            self.learn_list(model, recorded, result, "create")
        elif method == "search" and isinstance(recorded, list):
            self.learn_list(model, recorded, result, "search")
        elif method == "fields_get":
            if recorded != result:
                diff = set(recorded or {}) ^ set(result or {})
                self.mismatch("fields_get", f"differs on {sorted(diff)[:10]}")
        else:
            self.unify(model, recorded, result)

    def learn_silently(self, call, model, result):
        saved = len(self.mismatches)
        self.compare(dict(call, error=None), model, result, None, True, True)
        del self.mismatches[saved:]
