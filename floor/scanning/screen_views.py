"""What every scanner flow's views share: call the flow's service for the person's warehouse,
and show a rejection on the screen instead of raising it."""

from decimal import Decimal
from itertools import islice

from django.shortcuts import render
from django.utils.translation import gettext as _

from floor.errors import ScanRejected
from floor.scanning.parser import parse
from floor.warehouse.quantities import MOST_TYPED, read_quantity

DEVICE_NAME = 64  # Move.device and the other records' device columns


def no_warehouse() -> ScanRejected:
    return ScanRejected(_("Your account has no warehouse — ask a supervisor"))


def answer(request, screen: str, page: str, context: dict, status: int = 200):
    """The flow's answer: its screen alone to htmx (a Jinja template, floor/scanning/screens.py),
    else the whole page around it."""
    if request.htmx:
        return render(request, screen, context, status=status, using="screens")
    return render(request, page, context, status=status)


def run(request, screen, action, **kwargs):
    """`screen(request, outcome=None, *, error=None)` renders the flow's screen; `action` is a
    service taking `actor` and `warehouse`. A rejection (raised by the service, or by reading
    the request in `kwargs`' callers) comes back on the screen, with its sound."""
    if request.warehouse is None:
        return screen(request, error=no_warehouse())
    try:
        outcome = action(actor=request.user, warehouse=request.warehouse, **kwargs)
    except ScanRejected as rejected:
        return screen(request, error=rejected)
    return screen(request, outcome)


def scan(request, screen, handle_scan, *, fallback=None):
    """A scan POST: the code parsed — or, where `parse` does not know it, what the flow makes of
    it (`fallback(raw=…)`: a lot label, a station…) — then handed to the flow's `handle_scan`."""
    if request.warehouse is None:
        return screen(request, error=no_warehouse())
    raw = request.POST.get("code", "")
    try:
        parsed = parse(raw)
    except ScanRejected as rejected:
        parsed = fallback(raw=raw) if fallback is not None else None
        if parsed is None:
            return screen(request, error=rejected)
    return run(request, screen, handle_scan, scan=parsed, **keys(request))


def typed(request, screen, action, *, as_name: str = "quantity", below: Decimal = MOST_TYPED, **kwargs):
    """A number typed on the screen (a quantity, a weight under `below`), handed to the flow's
    `action` as `as_name` with the device's key; a number that is not one comes back on the screen."""
    try:
        value = typed_quantity(request, below=below)
    except ScanRejected as rejected:
        return screen(request, error=rejected)
    kwargs.setdefault("key", request.POST.get("key", ""))
    return run(request, screen, action, **{as_name: value}, **kwargs)


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
