from functools import cache, partial

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import get_script_prefix, reverse
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from floor.accounts.decorators import role_required
from floor.accounts.roles import Role
from floor.errors import ScanRejected
from floor.picking import offline, problems, selectors, stop, task
from floor.picking import undo as undoing
from floor.picking.models import Pick, PickerPlace
from floor.picking.place import picking_for
from floor.scanning import flow


@cache
def _urls(prefix: str) -> dict:
    """Where the screen's buttons post, reversed once (per script prefix), not at every scan."""
    names = ("work", "scan", "quantity", "short", "skip", "undo", "leave", "lines")
    return {name: reverse(f"picking:{name}") for name in names}


def _screen(request, outcome=None, error=None):
    if outcome is not None:
        picking = outcome.picking
    elif request.warehouse is not None:
        picking = picking_for(actor=request.user, warehouse=request.warehouse)
    else:  # no warehouse: nothing to pick, only the message
        picking = PickerPlace(actor=request.user)
    context = selectors.screen(picking)
    context.update(
        reasons=Pick.ShortReason.choices,
        problem=bool(outcome and outcome.problem),
        urls=_urls(get_script_prefix()),
        **flow.feedback(outcome, error),
    )
    if error is None and not (outcome and outcome.message) and context.get("lost"):
        context.update(warning=context["lost"], sound="warning")  # the task was taken away since the last scan
    if "waiting_tasks" in context:
        n = context["waiting_tasks"]
        context["tasks_waiting"] = ngettext("%(n)s task waiting", "%(n)s tasks waiting", n) % {"n": n}
    # Where the picker is, on every answer: the device keeps its copy of the task while it agrees.
    context["offline_mark"] = mark = offline.mark(context)
    if not request.htmx:  # the page: the task as the device keeps it, for scans made offline
        context["offline"] = offline.for_device(context)
    elif request.method == "POST" and request.POST.get("mark", mark) != mark:
        # The device worked out another place (or none): the task again, with this answer.
        context["offline_task"] = offline.for_device(context, page=False)
    return flow.answer(request, "picking/_screen.jinja", "picking/pick.html", context)


@require_GET
@role_required(Role.PICKER)
def pick(request):
    return _screen(request, error=flow.no_warehouse() if request.warehouse is None else None)


@require_POST
@role_required(Role.PICKER)
def work(request):
    outcome, error = flow.attempt(request, task.get_work)
    return _screen(request, outcome, error)


@require_POST
@role_required(Role.PICKER)
def scan(request):
    lot_label = partial(stop.as_label, actor=request.user)  # a plain barcode when a lot is awaited
    outcome, error = flow.scanned(request, stop.handle_scan, fallback=lot_label)
    return _screen(request, outcome, error)


@require_POST
@role_required(Role.PICKER)
def quantity(request):
    outcome, error = flow.typed(request, stop.set_quantity)
    return _screen(request, outcome, error)


@require_POST
@role_required(Role.PICKER)
def short(request):
    try:
        found = flow.typed_quantity(request, zero_allowed=True)  # 0: nothing found
    except ScanRejected as rejected:
        return _screen(request, error=rejected)
    reason = request.POST.get("reason", "")
    outcome, error = flow.attempt(request, problems.short, reason=reason, found=found, **flow.keys(request))
    return _screen(request, outcome, error)


@require_POST
@role_required(Role.PICKER)
def skip(request):
    outcome, error = flow.attempt(request, problems.skip, key=request.POST.get("key", ""))
    return _screen(request, outcome, error)


@require_POST
@role_required(Role.PICKER)
def undo(request):
    outcome, error = flow.attempt(request, undoing.undo, **flow.keys(request))
    return _screen(request, outcome, error)


@require_POST
@role_required(Role.PICKER)
def leave(request):
    outcome, error = flow.attempt(request, task.leave, key=request.POST.get("key", ""))
    return _screen(request, outcome, error)


@require_GET
@role_required(Role.PICKER)
def lines(request):
    """The task's stops, asked for when the list under the prompt is opened."""
    picking = None
    if request.warehouse is not None:
        picking = picking_for(actor=request.user, warehouse=request.warehouse)
    stops = selectors.lines(picking.task) if picking and picking.task_id else ()
    context = {"lines": stops, "current": picking.pick_id if picking else None}
    return render(request, "picking/_lines.jinja", context, using="screens")


@require_GET
@never_cache
@role_required(Role.PICKER)
def offline_task(request):
    """The person's own task as the device keeps it (floor/picking/offline.py), asked for again
    when the device's copy no longer agrees with what the server answered."""
    context = {}
    if request.warehouse is not None:
        context = selectors.screen(picking_for(actor=request.user, warehouse=request.warehouse))
    return JsonResponse(offline.for_device(context))
