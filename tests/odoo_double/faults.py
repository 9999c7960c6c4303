"""Faults a test can inject into the double: slow or lost answers, HTTP errors, refused credentials,
serialization failures, any Odoo exception. Each targets the next N calls, or calls matching a model/method."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

KINDS = {
    "latency",  # sleep `seconds`, then answer normally
    "timeout",  # sleep `seconds` (longer than the client waits); then commit (default) or not, and answer
    "http_error",  # answer HTTP `status` (500 by default) with werkzeug's HTML page, nothing applied
    "commit_then_drop",  # apply the call, then close the connection without answering
    "drop",  # close the connection without applying or answering
    "access_denied",  # refuse the credentials (AccessDenied / JSON-2 401), nothing applied
    "serialization_failure",  # psycopg2.errors.SerializationFailure after Odoo's own retries, nothing applied
    "error",  # raise an Odoo exception `name` with `message`, nothing applied
    "meanwhile",  # run `action(double)` first (someone else working in Odoo), then answer normally
}


@dataclass
class Fault:
    kind: str
    times: int | None = 1  # None: every matching call until cleared
    model: str | None = None
    method: str | None = None
    transport: str | None = None  # "jsonrpc" | "json2" | "xmlrpc"
    service: str | None = None  # "object" (ORM calls) | "common"; None: any
    seconds: float = 0.0
    status: int = 500
    commit: bool = True
    name: str = "odoo.exceptions.UserError"
    message: str = "Injected error"
    action: object = None
    hits: int = 0
    calls: list = field(default_factory=list)

    def matches(self, transport: str, service: str, model: str | None, method: str | None) -> bool:
        if self.transport and self.transport != transport:
            return False
        if self.service and self.service != service:
            return False
        if self.model and self.model != model:
            return False
        return not (self.method and self.method != method)

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.hits >= self.times


class Faults:
    def __init__(self):
        self._lock = threading.Lock()
        self.active: list[Fault] = []
        self.latency_per_call = 0.0

    def add(self, kind: str, **params) -> Fault:
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; one of {sorted(KINDS)}")
        fault = Fault(kind=kind, **params)
        with self._lock:
            self.active.append(fault)
        return fault

    def take(self, transport: str, service: str, model: str | None, method: str | None, seq: int) -> list[Fault]:
        """Faults that fire on this call (a latency may combine with one other fault)."""
        fired: list[Fault] = []
        with self._lock:
            for fault in list(self.active):
                if fault.exhausted or not fault.matches(transport, service, model, method):
                    continue
                if fault.kind not in ("latency", "meanwhile") and any(
                    f.kind not in ("latency", "meanwhile") for f in fired
                ):
                    continue
                fault.hits += 1
                fault.calls.append(seq)
                fired.append(fault)
            self.active = [f for f in self.active if not f.exhausted]
        return fired

    def clear(self):
        with self._lock:
            self.active.clear()
            self.latency_per_call = 0.0
