"""Packing on the station's scanner: thin views that call the flow's services and render what
changed (the whole page, or only the screen for htmx)."""

from functools import cache, partial

from django.shortcuts import render
from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from floor.accounts.decorators import role_required
from floor.accounts.roles import Role
from floor.errors import ScanRejected
from floor.packing import cartons, closing, services
from floor.packing.models import Packing
from floor.scanning import flow


def _screen(request, outcome=None, error=None):
    if outcome is not None:
        packing = outcome.packing
    elif request.warehouse is not None:
        packing = services.packing_for(actor=request.user, warehouse=request.warehouse)
    else:  # no warehouse: nothing to pack, only the message
        packing = Packing(actor=request.user)
    context = {
        **services.screen(packing, outcome.seen if outcome is not None else None),
        **flow.feedback(outcome, error),
        "asks_quantity": outcome is not None and outcome.asks_quantity,
        "urls": _urls(get_script_prefix()),
    }
    if "waiting_orders" in context:
        n = context["waiting_orders"]
        context["orders_waiting"] = ngettext("%(n)s order to pack", "%(n)s orders to pack", n) % {"n": n}
    return flow.answer(request, "packing/_screen.jinja", "packing/pack.html", context)


@cache
def _urls(prefix: str) -> dict:
    """The screen's buttons' URLs, reversed once (per script prefix), not on every scan."""
    names = (
        "scan",
        "carton",
        "close_carton",
        "weight",
        "scale",
        "approve",
        "undo",
        "done",
        "leave",
        "lines",
        "quantity",
    )
    return {name: reverse(f"packing:{name}") for name in names}


@require_GET
@role_required(Role.PACKER)
def pack(request):
    return _screen(request, error=flow.no_warehouse() if request.warehouse is None else None)


@require_POST
@role_required(Role.PACKER)
def scan(request):
    # A station's or a carton type's own barcode is not one `parse` knows.
    station_or_carton = partial(services.own_code, actor=request.user, warehouse=request.warehouse)
    outcome, error = flow.scanned(request, services.handle_scan, fallback=station_or_carton)
    return _screen(request, outcome, error)


@require_POST
@role_required(Role.PACKER)
def carton(request):
    try:
        carton_type = int(request.POST.get("carton_type", ""))
    except ValueError:
        return _screen(request, error=ScanRejected(_("Choose a carton")))
    outcome, error = flow.attempt(
        request, services.choose_carton, carton_type=carton_type, key=request.POST.get("key", "")
    )
    return _screen(request, outcome, error)


@require_POST
@role_required(Role.PACKER)
def close_carton(request):
    outcome, error = flow.attempt(request, services.close_carton, key=request.POST.get("key", ""))
    return _screen(request, outcome, error)


@require_POST
@role_required(Role.PACKER)
def weight(request):
    outcome, error = flow.typed(
        request, services.record_weight, as_name="weight", below=cartons.MAX_WEIGHT_KG, **flow.keys(request)
    )
    return _screen(request, outcome, error)


@require_POST
@role_required(Role.PACKER)
def quantity(request):
    outcome, error = flow.typed(request, services.set_next_quantity, device=flow.device_name(request))
    return _screen(request, outcome, error)


@require_POST
@role_required(Role.PACKER)
def read_scale(request):
    outcome, error = flow.attempt(request, services.read_scale, **flow.keys(request))
    return _screen(request, outcome, error)


@require_POST
@role_required(Role.PACKER)
def approve(request):
    outcome, error = flow.attempt(request, services.approve, pin=request.POST.get("pin", ""), **flow.keys(request))
    return _screen(request, outcome, error)


@require_POST
@role_required(Role.PACKER)
def undo(request):
    outcome, error = flow.attempt(request, services.undo, **flow.keys(request))
    return _screen(request, outcome, error)


@require_POST
@role_required(Role.PACKER)
def done(request):
    outcome, error = flow.attempt(request, services.finish, **flow.keys(request))
    return _screen(request, outcome, error)


@require_POST
@role_required(Role.PACKER)
def leave(request):
    outcome, error = flow.attempt(request, services.leave, key=request.POST.get("key", ""))
    return _screen(request, outcome, error)


@require_GET
@role_required(Role.PACKER)
def lines(request):
    """The order's lines, asked for when the list under the prompt is opened."""
    rows = ()
    if request.warehouse is not None:
        packing = services.packing_for(actor=request.user, warehouse=request.warehouse)
        if packing.order_id is not None:
            rows = closing.progress(packing.order)
    return render(request, "packing/_lines.jinja", {"rows": rows}, using="screens")
