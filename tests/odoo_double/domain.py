"""Odoo search domains: validation (with each version's error text) and evaluation on in-memory records."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .errors import PyValueError

if TYPE_CHECKING:
    from .orm import Model

OPERATORS = {
    "=",
    "!=",
    "<>",
    "<",
    "<=",
    ">",
    ">=",
    "=?",
    "=like",
    "=ilike",
    "like",
    "not like",
    "ilike",
    "not ilike",
    "in",
    "not in",
    "child_of",
    "parent_of",
    "any",
    "not any",
}
LOGIC = {"&", "|", "!"}
TRUE_LEAF, FALSE_LEAF = (1, "=", 1), (0, "=", 1)


def _is_leaf(term) -> bool:
    return isinstance(term, list | tuple) and len(term) == 3


def _leaf_repr(leaf) -> str:
    return repr(tuple(leaf))


def normalize(domain) -> list:
    """Prefix form with explicit '&' operators, as Odoo's expression.normalize_domain."""
    if not domain:
        return []
    if not isinstance(domain, list | tuple):
        raise PyValueError(f"Invalid domain: {domain!r}")
    result: list = []
    expected = 1
    arity = {"!": 1, "&": 2, "|": 2}
    for token in domain:
        if expected == 0:
            result[0:0] = ["&"]
            expected = 1
        if isinstance(token, list | tuple):
            expected -= 1
            token = tuple(token)
        elif token in arity:
            expected += arity[token] - 1
        else:
            raise PyValueError(f"Invalid domain term {token!r}")
        result.append(token)
    if expected != 0:
        raise PyValueError(f"Invalid domain: {domain!r}")
    return result


def _like_regex(pattern: str, wrap: bool, ignore_case: bool):
    out = []
    for ch in str(pattern):
        if ch == "%":
            out.append(".*")
        elif ch == "_":
            out.append(".")
        else:
            out.append(re.escape(ch))
    body = "".join(out)
    if wrap:
        body = ".*" + body + ".*"
    return re.compile("^" + body + "$", re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)


class Evaluator:
    """Evaluates a validated, normalized domain against records of one model."""

    def __init__(self, model: Model, domain):
        self.model = model
        self.env = model.env
        self.terms = normalize(domain)
        for term in self.terms:
            if isinstance(term, tuple):
                self._validate(term)
        self._subsearch_cache: dict = {}

    # -- validation -----------------------------------------------------------------------------
    def _err_field(self, model_name: str, fname: str, leaf) -> PyValueError:
        word = "condition" if self.env.version >= "19.0" else "leaf"
        return PyValueError(f"Invalid field {model_name}.{fname} in {word} {_leaf_repr(leaf)}")

    def _validate(self, leaf):
        if not _is_leaf(leaf):
            raise PyValueError(f"Invalid leaf {_leaf_repr(leaf)}")
        left, op, _right = leaf
        if (left, op, _right) in (TRUE_LEAF, FALSE_LEAF):
            return
        if not isinstance(left, str) or not isinstance(op, str) or op.lower() not in OPERATORS:
            if self.env.version >= "19.0":
                raise PyValueError(f"Invalid operator in condition {_leaf_repr(leaf)}")
            raise PyValueError(f"Invalid leaf {_leaf_repr(leaf)}")
        model = self.model
        parts = left.split(".")
        for i, part in enumerate(parts):
            if part == "id" and i == len(parts) - 1:
                break
            if not model.schema.has(part):
                raise self._err_field(model.name, part, leaf)
            if i < len(parts) - 1:
                comodel = model.schema.relation(part)
                if not comodel or comodel not in self.env.models:
                    if comodel:  # a relation to a model the double does not keep: nothing matches
                        break
                    raise self._err_field(model.name, part, leaf)
                model = self.env.models[comodel]

    # -- evaluation -----------------------------------------------------------------------------
    def __call__(self, rec: dict) -> bool:
        if not self.terms:
            return True
        value, _ = self._eval(rec, 0)
        return value

    def _eval(self, rec, pos):
        term = self.terms[pos]
        if term == "!":
            value, nxt = self._eval(rec, pos + 1)
            return (not value), nxt
        if term in ("&", "|"):
            a, nxt = self._eval(rec, pos + 1)
            b, nxt = self._eval(rec, nxt)
            return ((a and b) if term == "&" else (a or b)), nxt
        return self._leaf(rec, term), pos + 1

    def _leaf(self, rec, leaf) -> bool:
        left, op, right = leaf
        if (left, op, right) == TRUE_LEAF:
            return True
        if (left, op, right) == FALSE_LEAF:
            return False
        op = op.lower()
        if op == "<>":
            op = "!="
        parts = left.split(".")
        if len(parts) > 1:
            fname = parts[0]
            comodel = self.model.schema.relation(fname)
            if comodel not in self.env.models:
                return False
            key = (left, op, repr(right))
            if key not in self._subsearch_cache:
                sub = self.env.models[comodel]
                self._subsearch_cache[key] = set(sub.search_ids([(".".join(parts[1:]), op, right)], active_test=False))
            matched = self._subsearch_cache[key]
            related = self.model.value(rec, fname)
            related = related if isinstance(related, list) else ([related] if related else [])
            return any(r in matched for r in related)
        return self._compare(rec, left, op, right)

    def _child_ids(self, model: Model, ids, parents: bool = False) -> set:
        ids = set(_as_list(ids))
        pfield = model.parent_field
        if not pfield:
            return ids
        result = set(ids)
        if parents:
            frontier = list(ids)
            while frontier:
                rid = frontier.pop()
                rec = model.table.get(rid)
                parent = rec and rec.get(pfield)
                if parent and parent not in result:
                    result.add(parent)
                    frontier.append(parent)
            return result
        changed = True
        while changed:
            changed = False
            for rid, rec in model.table.items():
                if rid not in result and rec.get(pfield) in result:
                    result.add(rid)
                    changed = True
        return result

    def _compare(self, rec, fname, op, right) -> bool:
        model = self.model
        ftype = "integer" if fname == "id" else model.schema.ftype(fname)
        value = rec["id"] if fname == "id" else model.value(rec, fname)
        if op == "=?":
            if right is None or right is False:
                return True
            op = "="
        if op in ("child_of", "parent_of"):
            target = model if fname == "id" else self.env.models.get(model.schema.relation(fname) or "")
            if target is None:
                return False
            ids = self._child_ids(
                target,
                right
                if not isinstance(right, str)
                else target.search_ids([("display_name", "ilike", right)], active_test=False),
                parents=op == "parent_of",
            )
            values = value if isinstance(value, list) else [value]
            return any(v in ids for v in values if v)
        if op in ("any", "not any"):
            comodel = self.env.models.get(model.schema.relation(fname) or "")
            if comodel is None:
                return op == "not any"
            matched = set(comodel.search_ids(right or [], active_test=False))
            values = value if isinstance(value, list) else ([value] if value else [])
            hit = any(v in matched for v in values)
            return hit if op == "any" else not hit
        if ftype in ("many2one", "one2many", "many2many") and fname != "id":
            comodel = self.env.models.get(model.schema.relation(fname) or "")
            values = value if isinstance(value, list) else ([value] if value else [])
            if isinstance(right, str) and comodel is not None and op not in ("in", "not in"):
                names = {v: comodel.display_name_of(v) for v in values}
                if op in ("=", "!="):
                    hit = any(n == right for n in names.values())
                    return hit if op == "=" else not hit
                pos_op = op.replace("not ", "")
                rx = _like_regex(right, pos_op in ("like", "ilike"), "ilike" in pos_op)
                hit = any(rx.match(n or "") for n in names.values())
                return (not hit) if op.startswith("not ") else hit
            if op in ("=", "!="):
                hit = not values if right is False or right is None or right == [] else right in values
                return hit if op == "=" else not hit
            if op in ("in", "not in"):
                rights = _as_list(right)
                want_empty = False in rights or None in rights
                hit = any(v in rights for v in values) or (want_empty and not values)
                return hit if op == "in" else not hit
            # ordering comparisons on ids
            return any(_ordered(v, op, right) for v in values)
        # scalar fields
        if ftype == "datetime" and isinstance(right, str):
            right = right.replace("T", " ")
        if ftype == "boolean":
            value = bool(value)
            if right is None:
                right = False
        empty = value is False or value is None or (value == "" and ftype in ("char", "text", "html", "selection"))
        if op == "=":
            if right is False or right is None:
                return empty if ftype != "boolean" else value is False
            return not empty and _eq(value, right, ftype) if ftype != "boolean" else value == bool(right)
        if op == "!=":
            if right is False or right is None:
                return not empty if ftype != "boolean" else value is True
            return empty or not _eq(value, right, ftype) if ftype != "boolean" else value != bool(right)
        if op in ("in", "not in"):
            rights = _as_list(right)
            want_empty = False in rights or None in rights
            hit = (not empty and any(_eq(value, r, ftype) for r in rights if r is not False and r is not None)) or (
                want_empty and empty
            )
            if ftype == "boolean":
                hit = value in [bool(r) for r in rights]
            return hit if op == "in" else not hit
        if op in ("<", "<=", ">", ">="):
            if empty or right is False or right is None:
                return False
            return _ordered(value, op, right)
        if op in ("like", "ilike", "=like", "=ilike", "not like", "not ilike"):
            pos_op = op.replace("not ", "")
            rx = _like_regex(right, pos_op in ("like", "ilike"), "ilike" in pos_op)
            hit = not empty and bool(rx.match(str(value)))
            return (not hit) if op.startswith("not ") else hit
        return False


def _as_list(value) -> list:
    if isinstance(value, list | tuple | set):
        return list(value)
    return [value]


def _eq(value, right, ftype) -> bool:
    if ftype in ("float", "monetary", "integer"):
        try:
            return float(value) == float(right)
        except (TypeError, ValueError):
            return False
    return value == right


def _ordered(value, op, right) -> bool:
    try:
        if isinstance(value, int | float) and not isinstance(right, int | float):
            right = float(right)
        if op == "<":
            return value < right
        if op == "<=":
            return value <= right
        if op == ">":
            return value > right
        return value >= right
    except TypeError:
        return False
