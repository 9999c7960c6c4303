from functools import cache, partial

from django.shortcuts import render
from django.urls import get_script_prefix, reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from floor.accounts.decorators import role_required
from floor.accounts.roles import Role
from floor.errors import ScanRejected
from floor.picking import services
from floor.picking.models import Pick, Picking
from floor.scanning import screen_views


@cache
def _urls(prefix: str) -> dict:
    """Where the screen's buttons post, reversed once (per script prefix), not at every scan."""
    names = ("work", "scan", "quantity", "short", "skip", "undo", "leave", "lines")
    return {name: reverse(f"picking:{name}") for name in names}


def _screen(request, outcome=None, *, error=None):
    if outcome is not None:
        picking = outcome.picking
    elif request.warehouse is not None:
        picking = services.picking_for(actor=request.user, warehouse=request.warehouse)
    else:  # no warehouse: nothing to pick, only the message
        picking = Picking(actor=request.user)
    context = services.screen(picking)
    context.update(
        reasons=Pick.ShortReason.choices, problem=bool(outcome and outcome.problem), urls=_urls(get_script_prefix())
    )
    if error is not None:
        context.update(error=error.message, sound=error.sound)
    elif outcome is not None and outcome.message:
        band = {"error": "error", "warning": "warning"}.get(outcome.sound, "ok")
        context.update({band: outcome.message, "sound": outcome.sound})
    elif context.get("lost"):  # the task was taken away since the last scan
        context.update(warning=context["lost"], sound="warning")
    if "waiting_tasks" in context:
        n = context["waiting_tasks"]
        context["tasks_waiting"] = ngettext("%(n)s task waiting", "%(n)s tasks waiting", n) % {"n": n}
    return screen_views.answer(request, "picking/_screen.jinja", "picking/pick.html", context)


@require_GET
@role_required(Role.PICKER)
def pick(request):
    if request.warehouse is None:
        return _screen(request, error=screen_views.no_warehouse())
    return _screen(request)


@require_POST
@role_required(Role.PICKER)
def work(request):
    return screen_views.run(request, _screen, services.get_work)


@require_POST
@role_required(Role.PICKER)
def scan(request):
    lot_label = partial(services.as_label, actor=request.user)  # a plain barcode when a lot is awaited
    return screen_views.scan(request, _screen, services.handle_scan, fallback=lot_label)


@require_POST
@role_required(Role.PICKER)
def quantity(request):
    return screen_views.typed(request, _screen, services.set_quantity)


@require_POST
@role_required(Role.PICKER)
def short(request):
    try:
        found = screen_views.typed_quantity(request, zero_allowed=True)  # 0: nothing found
    except ScanRejected as rejected:
        return _screen(request, error=rejected)
    return screen_views.run(
        request,
        _screen,
        services.short,
        reason=request.POST.get("reason", ""),
        found=found,
        **screen_views.keys(request),
    )


@require_POST
@role_required(Role.PICKER)
def skip(request):
    return screen_views.run(request, _screen, services.skip, key=request.POST.get("key", ""))


@require_POST
@role_required(Role.PICKER)
def undo(request):
    return screen_views.run(request, _screen, services.undo, **screen_views.keys(request))


@require_POST
@role_required(Role.PICKER)
def leave(request):
    return screen_views.run(request, _screen, services.leave, key=request.POST.get("key", ""))


@require_GET
@role_required(Role.PICKER)
def lines(request):
    """The task's stops, asked for when the list under the prompt is opened."""
    picking = None
    if request.warehouse is not None:
        picking = services.picking_for(actor=request.user, warehouse=request.warehouse)
    stops = services.lines(picking.task) if picking and picking.task_id else ()
    context = {"lines": stops, "current": picking.pick_id if picking else None}
    return render(request, "picking/_lines.jinja", context, using="screens")
