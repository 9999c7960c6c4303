"""The floor on one screen for a supervisor: a desk or wall screen, or their phone. The page
watches its warehouse's floor over the websocket and redraws its panels when told (static/js/
dashboard.js), never by reloading."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_POST

from floor.accounts.decorators import role_required
from floor.accounts.roles import Role
from floor.dashboard import actions, drawing
from floor.errors import ScanRejected


@require_GET
@role_required(Role.SUPERVISOR)
def dashboard(request):
    if request.warehouse is None:
        return render(request, "dashboard/dashboard.html", {"warehouse": None})
    drawing.wanted(request.warehouse.pk, get_language())
    return render(request, "dashboard/dashboard.html", drawing.figures(request.warehouse))


@require_GET
@role_required(Role.SUPERVISOR)
def panels(request):
    """The panels as of the change the dashboard heard of (`since`): the drawing made for all the
    warehouse's dashboards when the floor changed (floor/dashboard/drawing.py), or a new one."""
    if request.warehouse is None:
        raise Http404
    try:
        since = float(request.GET.get("since", "") or 0)
    except ValueError:
        since = 0.0
    return HttpResponse(drawing.panels(request.warehouse, get_language(), since=since))


@require_POST
@role_required(Role.SUPERVISOR)
def act(request):
    """An exception's action, or its dismissal with a reason; the panels come back redrawn."""
    if request.warehouse is None:
        raise Http404
    try:
        said = actions.act(
            warehouse=request.warehouse,
            actor=request.user,
            kind=request.POST.get("kind", ""),
            object_id=int(request.POST.get("object_id", "") or 0),
            action=request.POST.get("action", ""),
            reason=request.POST.get("reason", ""),
        )
        feedback = {"said": said, "band": "ok"}
    except (ScanRejected, ValueError) as refused:
        feedback = {"said": str(refused) if isinstance(refused, ScanRejected) else "?", "band": "error"}
    return render(request, "dashboard/_panels.html", {**drawing.figures(request.warehouse), **feedback})
