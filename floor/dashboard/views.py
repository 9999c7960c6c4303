"""The floor on one screen for a supervisor: a desk or wall screen, or their phone. The page
watches its warehouse's floor over the websocket and redraws its panels when told (static/js/
dashboard.js), never by reloading."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from floor import plots
from floor.accounts.decorators import role_required
from floor.accounts.roles import Role
from floor.dashboard import actions, exceptions, now, people, shared, sync, throughput
from floor.errors import ScanRejected


def _plots(hours: throughput.Throughput, weeks: list) -> dict:
    """The plots of the figures the tables beside them show."""
    today, last_week = _("Today"), _("Same day last week")
    right, units = _("Bins right first time"), _("Units right")
    return {
        "throughput": plots.count_lines(
            ident="plot-throughput",
            title=_("Lines picked by hour"),
            labels=[f"{hour.hour:02d}" for hour in hours.hours],
            series=[
                (today, [hour.today for hour in hours.hours]),
                (last_week, [hour.last_week for hour in hours.hours]),
            ],
        ),
        "accuracy": plots.percent_lines(
            ident="plot-accuracy",
            title=_("Accuracy by week"),
            labels=[figures.label for _monday, figures in weeks],
            series=[
                (right, [figures.right_percent for _monday, figures in weeks]),
                (units, [figures.units_percent for _monday, figures in weeks]),
            ],
        ),
    }


PEOPLE_SECONDS = 10


def _panels(request) -> dict:
    warehouse = request.warehouse
    dismissed = actions.dismissed(warehouse)
    hours, weeks = throughput.recent_throughput(warehouse), throughput.recent_accuracy(warehouse)
    return {
        "warehouse": warehouse,
        "work": now.open_work(warehouse),
        "waves": now.waves(warehouse),
        # Who is on what: worked out every PEOPLE_SECONDS (300 people cost ~60 ms of CPU), not for
        # each drawing of the panels, which the scans ask for every second.
        "people": shared.recent("people", warehouse.pk, lambda: people.people(warehouse), PEOPLE_SECONDS),
        "stream": [e for e in exceptions.stream(warehouse) if (e.kind, e.object_id) not in dismissed],
        "sync": sync.health(warehouse),
        "throughput": hours,
        "accuracy_weeks": weeks,
        "plots": _plots(hours, weeks),
        "updated": timezone.localtime(),
    }


@require_GET
@role_required(Role.SUPERVISOR)
def dashboard(request):
    if request.warehouse is None:
        return render(request, "dashboard/dashboard.html", {"warehouse": None})
    return render(request, "dashboard/dashboard.html", _panels(request))


@require_GET
@role_required(Role.SUPERVISOR)
def panels(request):
    """The panels as of the change the dashboard heard of (`since`), drawn once for all of the
    warehouse's dashboards (floor/dashboard/shared.py)."""
    if request.warehouse is None:
        raise Http404
    try:
        since = float(request.GET.get("since", "") or 0)
    except ValueError:
        since = 0.0
    html = shared.panels(
        warehouse_id=request.warehouse.pk,
        language=get_language(),
        since=since,
        draw=lambda: render_to_string("dashboard/_panels.html", _panels(request), request=request),
    )
    return HttpResponse(html)


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
    return render(request, "dashboard/_panels.html", {**_panels(request), **feedback})
