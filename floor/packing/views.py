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
from floor.scanning import screen_views


def _screen(request, outcome=None, *, error=None):
    if outcome is not None:
        packing = outcome.packing
    elif request.warehouse is not None:
        packing = services.packing_for(actor=request.user, warehouse=request.warehouse)
    else:  # no warehouse: nothing to pack, only the message
        packing = Packing(actor=request.user)
    context = services.screen(packing, outcome.seen if outcome is not None else None)
    if error is not None:
        context.update(error=error.message, sound=error.sound)
    elif outcome is not None and outcome.message:
        context.update({outcome.band: outcome.message, "sound": outcome.sound})
    context["asks_quantity"] = outcome is not None and outcome.asks_quantity
    context["urls"] = _urls(get_script_prefix())
    if "waiting_orders" in context:
        n = context["waiting_orders"]
        context["orders_waiting"] = ngettext("%(n)s order to pack", "%(n)s orders to pack", n) % {"n": n}
    return screen_views.answer(request, "packing/_screen.jinja", "packing/pack.html", context)


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
    if request.warehouse is None:
        return _screen(request, error=screen_views.no_warehouse())
    return _screen(request)


@require_POST
@role_required(Role.PACKER)
def scan(request):
    # A station's or a carton type's own barcode is not one `parse` knows.
    station_or_carton = partial(services.own_code, actor=request.user, warehouse=request.warehouse)
    return screen_views.scan(request, _screen, services.handle_scan, fallback=station_or_carton)


@require_POST
@role_required(Role.PACKER)
def carton(request):
    try:
        carton_type = int(request.POST.get("carton_type", ""))
    except ValueError:
        return _screen(request, error=ScanRejected(_("Choose a carton")))
    return screen_views.run(
        request, _screen, services.choose_carton, carton_type=carton_type, key=request.POST.get("key", "")
    )


@require_POST
@role_required(Role.PACKER)
def close_carton(request):
    return screen_views.run(request, _screen, services.close_carton, key=request.POST.get("key", ""))


@require_POST
@role_required(Role.PACKER)
def weight(request):
    return screen_views.typed(
        request,
        _screen,
        services.record_weight,
        as_name="weight",
        below=cartons.MAX_WEIGHT_KG,
        **screen_views.keys(request),
    )


@require_POST
@role_required(Role.PACKER)
def quantity(request):
    return screen_views.typed(request, _screen, services.set_next_quantity, device=screen_views.device_name(request))


@require_POST
@role_required(Role.PACKER)
def read_scale(request):
    return screen_views.run(request, _screen, services.read_scale, **screen_views.keys(request))


@require_POST
@role_required(Role.PACKER)
def approve(request):
    return screen_views.run(
        request, _screen, services.approve, pin=request.POST.get("pin", ""), **screen_views.keys(request)
    )


@require_POST
@role_required(Role.PACKER)
def undo(request):
    return screen_views.run(request, _screen, services.undo, **screen_views.keys(request))


@require_POST
@role_required(Role.PACKER)
def done(request):
    return screen_views.run(request, _screen, services.finish, **screen_views.keys(request))


@require_POST
@role_required(Role.PACKER)
def leave(request):
    return screen_views.run(request, _screen, services.leave, key=request.POST.get("key", ""))


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
