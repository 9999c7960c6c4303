"""The skeleton every scanner flow is written on (floor/README.md walks through one).

A flow keeps each person's **place** in their work: one row per person (Move stock's Transfer,
Receive's Receiving, Pick's PickerPlace…) that says what their scanner shows and what the next scan
means. Every action of the flow is a plain function of its services.py that

1. takes the place, locked until the transaction ends, and stops at once on a replay (`begin`):
   a scan sent twice, or a queue replayed after reconnecting, changes nothing;
2. does its work (through `ledger.post` for stock) or raises `ScanRejected` with words and a sound;
3. returns an `Outcome`: the place after it, the words for the feedback band and the sound.

Its views read straight down: read the request, call the action (`attempt`, `scanned`, `typed`
give back the outcome or the rejection), render the screen with `feedback` for the band.
"""

from dataclasses import dataclass
from decimal import Decimal
from itertools import islice
from typing import Any

from django.shortcuts import render
from django.utils.translation import gettext as _

from floor import events
from floor.errors import ScanRejected
from floor.scanning.parser import one_piece, parse
from floor.scanning.replay import first_time
from floor.warehouse.quantities import MOST_TYPED, read_quantity

DEVICE_NAME = 64  # Move.device and the other records' device columns

# The feedback band a sound goes with (static/js/scanner.js plays the sound).
BANDS = {
    "ok": "ok",
    "line": "ok",  # a line complete
    "document": "ok",  # a whole document done
    "warning": "warning",
    "supervisor": "warning",  # a supervisor must act
    "error": "error",
    "wrong_item": "error",
    "wrong_bin": "error",
    "wrong_tote": "error",
}


@dataclass
class Outcome:
    """What an action did: the person's place after it, the words and the sound. A flow's own
    outcome adds what its screen shows besides (the line just touched, what Undo would take back)."""

    place: Any
    message: str = ""
    sound: str = "ok"

    @property
    def band(self) -> str:
        return BANDS.get(self.sound, "ok")


# --- The services' side


def begin(open_place, *, flow: str, actor, warehouse, key: str, raw: str, outcome=Outcome):
    """The person's place, locked (`open_place(actor=, warehouse=, lock=True)`), and the answer to
    a replay when this device key was handled before (else None): the caller returns it and
    changes nothing. `outcome`: the flow's own Outcome class."""
    place = open_place(actor=actor, warehouse=warehouse, lock=True)
    return place, replay(place, flow=flow, actor=actor, key=key, raw=raw, outcome=outcome, warehouse=warehouse)


def replay(place, *, flow: str, actor, key: str, raw: str, outcome=Outcome, warehouse=None):
    """With the place already locked: the answer to a replay of this device key, else None (the
    key is recorded, with what was sent, in the scan log, and `warehouse`'s dashboards are told)."""
    if first_time(key=key, actor=actor, flow=flow, raw=raw[:200]):
        if warehouse is not None:
            events.floor_changed(warehouse.pk)  # its dashboards hear of it once it commits, not if refused
        return None
    return outcome(place, _("Already counted — that scan was sent twice"), "warning")


# --- The views' side


def no_warehouse() -> ScanRejected:
    return ScanRejected(_("Your account has no warehouse — ask a supervisor"))


def attempt(request, action, **kwargs):
    """(outcome, None) from `action(actor=, warehouse=, **kwargs)`, or (None, the rejection)."""
    if request.warehouse is None:
        return None, no_warehouse()
    try:
        return action(actor=request.user, warehouse=request.warehouse, **kwargs), None
    except ScanRejected as rejected:
        return None, rejected


def scanned(request, action, *, fallback=None):
    """A scan POST: the code parsed — or, where `parse` does not know it, what the flow makes of it
    (`fallback(raw=…)`: a lot label, a station…) — handed to the flow's `action` with the keys."""
    if request.warehouse is None:
        return None, no_warehouse()
    raw = request.POST.get("code", "")
    try:
        scan = parse(raw, warehouse=request.warehouse)
    except ScanRejected as rejected:
        scan = fallback(raw=raw) if fallback is not None else None
        if scan is None:
            return None, rejected
    if piece := one_piece(scan):
        return None, piece  # no flow counts one piece of a multi-piece item (yet)
    return attempt(request, action, scan=scan, **keys(request))


def typed(request, action, *, as_name: str = "quantity", below: Decimal = MOST_TYPED, **kwargs):
    """A number typed on the screen (a quantity, a weight under `below`), handed to `action` as
    `as_name` with the device's key; a number that is not one is the rejection."""
    try:
        value = typed_quantity(request, below=below)
    except ScanRejected as rejected:
        return None, rejected
    kwargs.setdefault("key", request.POST.get("key", ""))
    return attempt(request, action, **{as_name: value}, **kwargs)


def typed_quantity(request, *, zero_allowed: bool = False, below: Decimal = MOST_TYPED) -> Decimal:
    """The number typed in a quantity form (floor.warehouse.quantities.read_quantity); ScanRejected
    when it is not one."""
    return read_quantity(request.POST.get("quantity", ""), zero_allowed=zero_allowed, below=below)


def keys(request) -> dict:
    """The device-made key and the device name every scanner POST carries."""
    return {"key": request.POST.get("key", ""), "device": device_name(request)}


def device_name(request) -> str:
    """The scanner's name as Floor keeps it beside what the scan recorded (64 characters): what a
    person can read of what the device sent. A NUL, which PostgreSQL refuses in text, or another
    invisible character is no part of a name."""
    sent = request.POST.get("device", "")
    return "".join(islice((char for char in sent if char.isprintable()), DEVICE_NAME))


def feedback(outcome=None, error: ScanRejected | None = None) -> dict:
    """The feedback band's part of a screen's context (templates/_feedback.jinja): `error`,
    `warning` or `ok` with the words, and the `sound`."""
    if error is not None:
        return {"error": error.message, "sound": error.sound}
    if outcome is None:
        return {}
    if not outcome.message:
        return {"sound": outcome.sound}
    return {outcome.band: outcome.message, "sound": outcome.sound}


def answer(request, screen: str, page: str, context: dict, status: int = 200):
    """The flow's answer: its screen alone to htmx (a Jinja template, floor/scanning/screens.py),
    else the whole page around it."""
    if request.htmx:
        return render(request, screen, context, status=status, using="screens")
    return render(request, page, context, status=status)
