"""A small in-memory ORM: records kept as dicts of raw values, checked against the recorded schemas.

Raw values: many2one -> int or False; many2many -> list of ids; one2many -> derived from the inverse
many2one (see `Model.o2m`); scalars as Python values. `read` formats them the way Odoo answers.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections import defaultdict
from collections.abc import Callable

from . import schema as schema_mod
from .domain import Evaluator
from .errors import (
    AccessError,
    MissingError,
    PyAttributeError,
    PyTypeError,
    PyValueError,
    UserError,
    ValidationError,
)

API_MODEL = {
    "create",
    "search",
    "search_read",
    "search_count",
    "fields_get",
    "name_search",
    "default_get",
    "read_group",
}
NUMERIC = {"integer", "float", "monetary"}
RELATIONAL = {"many2one", "one2many", "many2many"}


class Recordset:
    """A method's recordset result: JSON-RPC on 17/18 answers its repr, 19 and JSON-2 a list of ids."""

    def __init__(self, model: str, ids):
        self.model, self.ids = model, list(ids)

    def __repr__(self):
        inner = ", ".join(str(i) for i in self.ids) + ("," if len(self.ids) == 1 else "")
        return f"{self.model}({inner})"


def rpc(*, api_model: bool = False, versions: tuple[str, ...] | None = None, name: str | None = None):
    """Marks a Model method as callable over RPC (`versions`: only on these Odoo versions)."""

    def deco(fn):
        fn._rpc = {"api_model": api_model, "versions": versions, "name": name or fn.__name__.removeprefix("rpc_")}
        return fn

    return deco


class Model:
    order = "id"
    parent_field: str | None = None
    o2m: dict[str, tuple[str, str]] = {}
    rec_name = "name"

    def __init__(self, env: Env, name: str, schema: schema_mod.ModelSchema):
        self.env, self.name, self.schema = env, name, schema
        self.table: dict[int, dict] = {}
        self.next_id = 1
        self.rpc_methods: dict[str, Callable] = {}
        for klass in reversed(type(self).__mro__):
            for attr, fn in vars(klass).items():
                spec = getattr(fn, "_rpc", None)
                if spec and (spec["versions"] is None or env.version in spec["versions"]):
                    self.rpc_methods[spec["name"]] = getattr(self, attr)
                elif spec and spec["name"] in self.rpc_methods:
                    del self.rpc_methods[spec["name"]]

    # ---------------------------------------------------------------- raw access
    def exists(self, rid) -> bool:
        return isinstance(rid, int) and not isinstance(rid, bool) and rid in self.table

    def rec(self, rid: int) -> dict:
        return self.table[rid]

    def browse_checked(self, ids) -> list[int]:
        ids = _ids(ids)
        missing = [i for i in ids if not self.exists(i)]
        if missing:
            raise MissingError.for_record(self.name, missing, self.env.uid)
        return ids

    def value(self, rec: dict, fname: str):
        compute = getattr(self, f"compute_{fname}", None)
        if compute is not None:
            return compute(rec)
        if fname in self.o2m:
            comodel, inverse = self.o2m[fname]
            co = self.env.models[comodel]
            return co.sort_ids([rid for rid, r in co.table.items() if r.get(inverse) == rec["id"]])
        if fname in rec:
            return rec[fname]
        return self.default_raw(fname)

    def default_raw(self, fname: str):
        ftype = self.schema.ftype(fname)
        if ftype in ("one2many", "many2many"):
            return []
        if ftype == "integer":
            return 0
        if ftype in ("float", "monetary"):
            return 0.0
        if ftype == "properties":
            return []
        return False

    def display_name_of(self, rid) -> str | bool:
        if not self.exists(rid):
            return False
        return self.display(self.table[rid])

    def display(self, rec: dict) -> str:
        name = rec.get(self.rec_name)
        return name if name else f"{self.name},{rec['id']}"

    def compute_display_name(self, rec):
        return self.display(rec)

    def format_value(self, rec: dict, fname: str):
        if fname == "id":
            return rec["id"]
        ftype = self.schema.ftype(fname)
        raw = self.value(rec, fname)
        if ftype == "many2one":
            comodel = self.env.models.get(self.schema.relation(fname) or "")
            if not raw or comodel is None or not comodel.exists(raw):
                return False
            return [raw, comodel.display_name_of(raw)]
        if ftype in ("one2many", "many2many"):
            comodel = self.env.models.get(self.schema.relation(fname) or "")
            ids = [i for i in (raw or []) if comodel is None or comodel.exists(i)]
            return comodel.sort_ids(ids) if comodel is not None else ids
        if ftype == "integer":
            return int(raw or 0)
        if ftype in ("float", "monetary"):
            return float(raw or 0.0)
        if ftype == "boolean":
            return bool(raw)
        if ftype == "properties":
            return raw or []
        return raw if raw not in (None, "") or ftype in ("char", "text") and raw == "" else False

    # ---------------------------------------------------------------- ordering
    def order_spec(self, order: str | None):
        spec = []
        for part in (order or self.order).split(","):
            bits = part.strip().split()
            if not bits:
                continue
            fname = bits[0]
            if fname != "id" and not self.schema.has(fname):
                raise PyValueError(
                    f'Invalid "order" specified ({order}). A valid "order" specification is a '
                    "comma-separated list of valid field names (optionally followed by asc/desc "
                    "for the direction)"
                )
            desc = len(bits) > 1 and bits[1].lower() == "desc"
            spec.append((fname, desc))
        return spec

    def sort_ids(self, ids, order: str | None = None) -> list[int]:
        ids = list(dict.fromkeys(ids))
        for fname, desc in reversed(self.order_spec(order)):

            def key(rid, fname=fname, desc=desc):
                rec = self.table.get(rid)
                if rec is None:
                    return (1, 0)
                value = rid if fname == "id" else self.value(rec, fname)
                if self.schema.ftype(fname) == "many2one" and fname != "id":
                    comodel = self.env.models.get(self.schema.relation(fname) or "")
                    value = comodel.display_name_of(value) if comodel is not None and value else ""
                if value is False or value is None:
                    return (1, 0) if not desc else (-1, 0)
                if isinstance(value, str):
                    return (0, value.lower())
                return (0, value)

            ids.sort(key=key, reverse=desc)
        return ids

    # ---------------------------------------------------------------- validation helpers
    def invalid_field(self, fname: str, op: str) -> PyValueError:
        if self.env.version >= "19.0":
            prep = "in" if op in ("write", "create") else "on"
            return PyValueError(f"Invalid field '{fname}' {prep} '{self.name}'")
        return PyValueError(f"Invalid field '{fname}' on model '{self.name}'")

    def convert(self, fname: str, value, op: str):
        """Coerce one incoming value as Odoo's field.convert_to_cache would (raising the same errors)."""
        if not self.schema.has(fname):
            raise self.invalid_field(fname, op)
        if self.schema.permissive and fname not in self.schema.fields:
            return value
        ftype = self.schema.ftype(fname)
        if ftype in ("float", "monetary"):
            if value is False or value is None:
                return 0.0
            try:
                return float(value)
            except (TypeError, ValueError) as exc:
                raise PyValueError(str(exc)) from None
        if ftype == "integer":
            if value is False or value is None:
                return 0
            try:
                return int(value)
            except (TypeError, ValueError) as exc:
                raise PyValueError(str(exc)) from None
        if ftype == "boolean":
            return bool(value)
        if ftype == "many2one":
            if isinstance(value, list | tuple) and value:
                value = value[0]
            if value in (False, None, 0):
                return False
            if not isinstance(value, int) or isinstance(value, bool):
                raise PyValueError(f"Wrong value for {self.name}.{fname}: {value!r}")
            comodel = self.env.models.get(self.schema.relation(fname) or "")
            if comodel is not None and not comodel.exists(value):
                raise MissingError.for_record(comodel.name, [value], self.env.uid)
            return value
        if ftype == "selection":
            if value in (False, None):
                return False
            allowed = [k for k, _ in (self.schema.fields.get(fname, {}).get("selection") or [])]
            if allowed and value not in allowed:
                raise PyValueError(f"Wrong value for {self.name}.{fname}: {value!r}")
            return value
        if ftype in ("char", "text", "html"):
            return False if value in (False, None) else str(value)
        if ftype in ("date", "datetime"):
            if value in (False, None, ""):
                return False
            text = str(value).replace("T", " ")
            try:
                parsed = dt.datetime.fromisoformat(text)
            except ValueError:
                raise PyValueError(f"time data {value!r} does not match format '%Y-%m-%d %H:%M:%S'") from None
            return parsed.strftime("%Y-%m-%d") if ftype == "date" else parsed.strftime("%Y-%m-%d %H:%M:%S")
        return value

    def required_message(self, fname: str) -> str:
        label = self.schema.fields.get(fname, {}).get("string", fname)
        desc = self.schema.description
        if self.env.version >= "19.0":
            return (
                f"The operation cannot be completed: Missing required value for the field '{label}' ({fname}).\n"
                f"Model: '{desc}' ({self.name})\n- create/update: a mandatory field is not set\n"
                "- delete: another model requires the record being deleted, you can archive it instead\n"
            )
        return (
            "The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n"
            "- Delete: another model requires the record being deleted. If possible, archive it instead.\n\n"
            f"Model: {desc} ({self.name})\nField: {label} ({fname})\n"
        )

    def check_required(self, rec: dict):
        for fname, attrs in self.schema.fields.items():
            if not attrs.get("required") or attrs.get("type") in {"one2many", "many2many", "boolean"} | NUMERIC:
                continue
            if getattr(self, f"compute_{fname}", None) is not None or fname in self.o2m:
                continue
            if rec.get(fname) in (False, None, ""):
                raise ValidationError(self.required_message(fname))

    # ---------------------------------------------------------------- low-level writes
    def _stamp(self, rec: dict, created: bool = False):
        now = self.env.now_str()
        if created:
            rec.setdefault("create_date", now)
            rec.setdefault("create_uid", self.env.uid)
        rec["write_date"] = now
        rec["write_uid"] = self.env.uid

    def new(self, vals: dict, rid: int | None = None) -> int:
        """Insert a record as is (seeds and business logic); x2many commands in vals are applied."""
        if rid is None:
            rid = self.next_id
        self.next_id = max(self.next_id, rid + 1)
        x2m = {k: v for k, v in vals.items() if self.schema.ftype(k) in ("one2many", "many2many")}
        rec = {k: v for k, v in vals.items() if k not in x2m}
        rec["id"] = rid
        self._stamp(rec, created=True)
        self.table[rid] = rec
        for fname, commands in x2m.items():
            self.apply_x2many(rec, fname, commands, {})
        return rid

    def update(self, rid: int, vals: dict):
        rec = self.table[rid]
        for k, v in vals.items():
            if self.schema.ftype(k) in ("one2many", "many2many") and k in self.schema.fields:
                self.apply_x2many(rec, k, v, {})
            else:
                rec[k] = v
        self._stamp(rec)

    def touch(self, rid: int):
        if rid in self.table:
            self._stamp(self.table[rid])

    def delete(self, rid: int):
        self.table.pop(rid, None)

    def apply_x2many(self, rec: dict, fname: str, commands, ctx):
        comodel = self.env.models.get(self.schema.relation(fname) or "")
        if comodel is None:
            return
        if commands in (False, None):
            commands = [(5,)] if fname not in self.o2m else [(6, 0, [])]
        if commands and all(isinstance(c, int) and not isinstance(c, bool) for c in commands):
            commands = [(6, 0, list(commands))]
        inverse = self.o2m.get(fname, (None, None))[1]
        current = list(self.value(rec, fname))
        for cmd in commands:
            if not isinstance(cmd, list | tuple) or not cmd:
                raise PyValueError(f"Invalid x2many command {cmd!r} for {self.name}.{fname}")
            code = cmd[0]
            if code == 0:
                sub_vals = dict(cmd[2] or {})
                if inverse:
                    sub_vals[inverse] = rec["id"]
                new_id = comodel.create_records([sub_vals], ctx, parent=(self, rec, fname))[0]
                if not inverse:
                    current.append(new_id)
            elif code == 1:
                comodel.write_records([cmd[1]], dict(cmd[2] or {}), ctx)
            elif code == 2:
                comodel.unlink_records([cmd[1]], ctx)
                current = [i for i in current if i != cmd[1]]
            elif code == 3:
                if inverse:
                    comodel.write_records([cmd[1]], {inverse: False}, ctx)
                current = [i for i in current if i != cmd[1]]
            elif code == 4:
                comodel.browse_checked([cmd[1]])
                if inverse:
                    comodel.update(cmd[1], {inverse: rec["id"]})
                elif cmd[1] not in current:
                    current.append(cmd[1])
            elif code == 5:
                if inverse:
                    for rid in current:
                        comodel.update(rid, {inverse: False})
                current = []
            elif code == 6:
                new_ids = comodel.browse_checked(cmd[2] or [])
                if inverse:
                    for rid in current:
                        if rid not in new_ids:
                            comodel.update(rid, {inverse: False})
                    for rid in new_ids:
                        comodel.update(rid, {inverse: rec["id"]})
                current = list(new_ids)
            else:
                raise PyValueError(f"Invalid x2many command {cmd!r} for {self.name}.{fname}")
        if not inverse:
            rec[fname] = list(dict.fromkeys(current))

    # ---------------------------------------------------------------- hooks for subclasses
    def prepare_create(self, vals: dict, ctx: dict, parent=None) -> dict:
        return vals

    def after_create(self, rid: int, vals: dict, ctx: dict):
        pass

    def before_write(self, ids: list[int], vals: dict, ctx: dict) -> dict:
        return vals

    def after_write(self, ids: list[int], vals: dict, old: dict[int, dict], ctx: dict):
        pass

    def before_unlink(self, ids: list[int], ctx: dict):
        pass

    # ---------------------------------------------------------------- ORM operations
    def create_records(self, vals_list, ctx: dict, parent=None, apply_context_defaults: bool = False) -> list[int]:
        ids = []
        for vals in vals_list:
            if not isinstance(vals, dict):
                raise PyTypeError(f"create() expects a dict of values, got {vals!r}")
            vals = dict(vals)
            if apply_context_defaults:
                for key, value in ctx.items():
                    if key.startswith("default_") and self.schema.has(key[8:]) and key[8:] not in vals:
                        vals[key[8:]] = value
            scalars, x2m = {}, {}
            for fname, value in vals.items():
                if not self.schema.has(fname):
                    raise self.invalid_field(fname, "create")
                if self.schema.ftype(fname) in ("one2many", "many2many") and fname in self.schema.fields:
                    x2m[fname] = value
                else:
                    scalars[fname] = self.convert(fname, value, "create")
            scalars = self.prepare_create(scalars, ctx, parent)
            x2m = {**x2m, **scalars.pop("__x2m__", {})}
            rid = self.next_id
            self.next_id += 1
            rec = {"id": rid, **scalars}
            self._stamp(rec, created=True)
            self.check_required(rec)
            self.table[rid] = rec
            for fname, commands in x2m.items():
                self.apply_x2many(rec, fname, commands, ctx)
            self.after_create(rid, vals, ctx)
            ids.append(rid)
        return ids

    def write_records(self, ids, vals: dict, ctx: dict):
        if not isinstance(vals, dict):
            raise PyTypeError(f"write() expects a dict of values, got {vals!r}")
        for fname in vals:  # Odoo checks the field names before the records
            if not self.schema.has(fname):
                raise self.invalid_field(fname, "write")
        ids = self.browse_checked(ids)
        scalars, x2m = {}, {}
        for fname, value in vals.items():
            if not self.schema.has(fname):
                raise self.invalid_field(fname, "write")
            if self.schema.ftype(fname) in ("one2many", "many2many") and fname in self.schema.fields:
                x2m[fname] = value
            else:
                scalars[fname] = self.convert(fname, value, "write")
        scalars = self.before_write(ids, {**scalars, **x2m}, ctx)
        old = {rid: dict(self.table[rid]) for rid in ids}
        for rid in ids:
            rec = self.table[rid]
            for fname, value in scalars.items():
                if fname in x2m or (
                    self.schema.ftype(fname) in ("one2many", "many2many") and fname in self.schema.fields
                ):
                    continue
                rec[fname] = value
            for fname, commands in x2m.items():
                self.apply_x2many(rec, fname, commands, ctx)
            self._stamp(rec)
            self.check_required(rec)
        self.after_write(ids, scalars, old, ctx)
        return True

    def unlink_records(self, ids, ctx: dict):
        ids = self.browse_checked(ids)
        self.before_unlink(ids, ctx)
        for rid in ids:
            self.delete(rid)
        return True

    def search_ids(self, domain, order=None, limit=None, offset=0, active_test=True, ctx=None) -> list[int]:
        ctx = ctx or {}
        evaluator = Evaluator(self, domain or [])
        active_test = active_test and ctx.get("active_test", True)
        mentions_active = any(isinstance(t, list | tuple) and len(t) == 3 and t[0] == "active" for t in (domain or []))
        filter_active = active_test and "active" in self.schema.fields and not mentions_active
        ids = [
            rid
            for rid, rec in self.table.items()
            if (not filter_active or self.value(rec, "active") is not False) and evaluator(rec)
        ]
        ids = self.sort_ids(ids, order)
        offset = int(offset or 0)
        ids = ids[offset:]
        if limit not in (None, False):
            ids = ids[: int(limit)]
        return ids

    def read_records(self, ids, fields=None) -> list[dict]:
        if fields in (None, False, []):
            fields = list(self.schema.fields)
        if isinstance(fields, str):
            fields = [fields]
        for fname in fields:
            if fname != "id" and not self.schema.has(fname):
                raise self.invalid_field(fname, "read")
        result = []
        for rid in dict.fromkeys(_ids(ids)):
            rec = self.table.get(rid)
            if rec is None:
                continue
            row = {"id": rid}
            for fname in fields:
                if fname != "id":
                    row[fname] = self.format_value(rec, fname)
            result.append(row)
        return result

    # ---------------------------------------------------------------- RPC surface
    @rpc(api_model=True)
    def rpc_create(self, ctx, vals_list):
        single = isinstance(vals_list, dict)
        ids = self.create_records([vals_list] if single else list(vals_list), ctx, apply_context_defaults=True)
        return ids[0] if single else ids

    @rpc()
    def rpc_write(self, ids, ctx, vals):
        return self.write_records(ids, vals, ctx)

    @rpc()
    def rpc_unlink(self, ids, ctx):
        return self.unlink_records(ids, ctx)

    @rpc()
    def rpc_read(self, ids, ctx, fields=None, load="_classic_read"):
        return self.read_records(ids, fields)

    @rpc(api_model=True)
    def rpc_search(self, ctx, domain, offset=0, limit=None, order=None):
        return self.search_ids(domain, order, limit, offset, ctx=ctx)

    @rpc(api_model=True)
    def rpc_search_read(self, ctx, domain=None, fields=None, offset=0, limit=None, order=None, load="_classic_read"):
        ids = self.search_ids(domain or [], order, limit, offset, ctx=ctx)
        return self.read_records(ids, fields)

    @rpc(api_model=True)
    def rpc_search_count(self, ctx, domain, limit=None):
        return len(self.search_ids(domain, None, limit, 0, ctx=ctx))

    @rpc(api_model=True)
    def rpc_fields_get(self, ctx, allfields=None, attributes=None):
        result = {}
        for fname, attrs in self.schema.fields.items():
            if allfields and fname not in allfields:
                continue
            result[fname] = {k: v for k, v in attrs.items() if attributes is None or k in attributes}
        return result

    @rpc(api_model=True)
    def rpc_name_search(self, ctx, name="", domain=None, operator="ilike", limit=100, args=None):
        domain = list(domain or args or [])
        if name:
            domain = (
                ["&", *(domain or [(1, "=", 1)]), ("display_name", operator, name)]
                if domain
                else [("display_name", operator, name)]
            )
        ids = self.search_ids(domain, None, limit, ctx=ctx)
        return [[rid, self.display_name_of(rid)] for rid in ids]

    @rpc(api_model=True)
    def rpc_default_get(self, ctx, fields_list=None, fields=None):
        wanted = fields_list or fields or []
        return {k[8:]: v for k, v in ctx.items() if k.startswith("default_") and k[8:] in wanted}

    # ---------------------------------------------------------------- dispatch
    def method(self, method: str):
        if method.startswith("_"):
            if self.env.version >= "18.0":
                raise AccessError(f"Private methods (such as '{self.name}.{method}') cannot be called remotely.")
            raise AccessError(f"Private methods (such as {method}) cannot be called remotely.")
        fn = self.rpc_methods.get(method)
        if fn is None:
            if self.env.version >= "18.0":
                raise PyAttributeError(f"The method '{self.name}.{method}' does not exist")
            raise PyAttributeError(f"The method '{method}' does not exist on the model '{self.name}'")
        return fn

    def is_api_model(self, method: str) -> bool:
        fn = self.rpc_methods.get(method)
        return bool(fn and fn._rpc["api_model"])

    def bind(self, method: str, ids, args, kwargs, ctx):
        """Call `method` the way odoo.api.call_kw does; signature errors raise TypeError."""
        fn = self.method(method)
        sig = inspect.signature(fn)
        bound = sig.bind(ctx, *args, **kwargs) if fn._rpc["api_model"] else sig.bind(ids, ctx, *args, **kwargs)
        return fn(*bound.args, **bound.kwargs)


def _ids(ids) -> list[int]:
    if ids is None or ids is False:
        return []
    if isinstance(ids, int) and not isinstance(ids, bool):
        return [ids]
    if isinstance(ids, list | tuple):
        out = []
        for i in ids:
            if isinstance(i, bool) or not isinstance(i, int):
                raise PyTypeError(f"Invalid record id {i!r}")
            out.append(i)
        return out
    raise PyTypeError(f"Invalid record ids {ids!r}")


class Env:
    """All records of one Odoo database, plus the clock and the sequences."""

    def __init__(self, version: str, clock: Callable[[], dt.datetime], model_classes: dict[str, type]):
        self.version = version
        self.vs = schema_mod.load(version)
        self.clock = clock
        self.uid = 2
        self.sequences: dict[str, int] = defaultdict(int)
        self.double_ids: dict[str, int] = {}
        self.models: dict[str, Model] = {}
        for name, ms in self.vs.models.items():
            cls = model_classes.get(name, Model)
            self.models[name] = cls(self, name, ms)

    def __getitem__(self, name: str) -> Model:
        return self.models[name]

    def model(self, name: str) -> Model:
        model = self.models.get(name)
        if model is None:
            raise UserError(f"Object {name} doesn't exist")
        return model

    @property
    def package_model(self) -> str:
        return "stock.package" if self.version >= "19.0" else "stock.quant.package"

    def now(self) -> dt.datetime:
        return self.clock()

    def now_str(self) -> str:
        return self.clock().strftime("%Y-%m-%d %H:%M:%S")

    def next_seq(self, key: str) -> int:
        self.sequences[key] += 1
        return self.sequences[key]

    def snapshot(self):
        return {
            name: (
                {
                    rid: {k: (list(v) if isinstance(v, list) else v) for k, v in rec.items()}
                    for rid, rec in m.table.items()
                }
            )
            for name, m in self.models.items()
        }

    def restore(self, snap):
        for name, table in snap.items():
            self.models[name].table = table
