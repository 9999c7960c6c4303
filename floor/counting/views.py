from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from floor.accounts.decorators import role_required
from floor.accounts.roles import Role
from floor.counting import approvals as approvals_of
from floor.counting import services
from floor.counting.models import CounterPlace, CountTask
from floor.errors import ScanRejected
from floor.scanning import flow


def _screen(request, outcome=None, error=None, status=200):
    if outcome:
        place = outcome.counter_place
    elif request.warehouse is not None:
        place = services.open_place(actor=request.user, warehouse=request.warehouse)
    else:
        place = CounterPlace(actor=request.user)  # nothing to count without a warehouse
    context = {
        "place": place,
        "task": place.task if place.task_id else None,
        "tasks_waiting": services.tasks_waiting(warehouse=request.warehouse, actor=request.user)
        if request.warehouse is not None and place.task_id is None
        else 0,
        "undo_preview": services.undo_preview(place, outcome.counted if outcome else None),
        "ask_quantity": bool(outcome and outcome.ask_quantity),
        **flow.feedback(outcome, error),
    }
    return flow.answer(request, "counting/_screen.jinja", "counting/count.html", context, status)


@require_GET
@role_required(Role.COUNTER)
def count(request):
    return _screen(request, error=flow.no_warehouse() if request.warehouse is None else None)


@require_POST
@role_required(Role.COUNTER)
def work(request):
    outcome, error = flow.attempt(request, services.get_work)
    return _screen(request, outcome, error)


@require_POST
@role_required(Role.COUNTER)
def scan(request):
    outcome, error = flow.scanned(request, services.handle_scan)
    return _screen(request, outcome, error)


@require_POST
@role_required(Role.COUNTER)
def quantity(request):
    outcome, error = flow.typed(request, services.set_quantity)
    return _screen(request, outcome, error)


@require_POST
@role_required(Role.COUNTER)
def undo(request):
    outcome, error = flow.attempt(request, services.undo, **flow.keys(request))
    return _screen(request, outcome, error)


@require_POST
@role_required(Role.COUNTER)
def empty(request):
    outcome, error = flow.attempt(request, services.empty, **flow.keys(request))
    return _screen(request, outcome, error)


@require_POST
@role_required(Role.COUNTER)
def done(request):
    outcome, error = flow.attempt(request, services.done, **flow.keys(request))
    return _screen(request, outcome, error)


# --- A supervisor decides on counts that disagree


@require_GET
@role_required(Role.SUPERVISOR)
def approvals(request):
    decided = (
        CountTask.objects.filter(warehouse=request.warehouse)
        .exclude(decision="")
        .select_related("location", "decided_by")
        .order_by("-decided_at", "-pk")[:20]
    )
    return render(
        request,
        "counting/approvals.html",
        {"waiting": approvals_of.waiting(request.warehouse), "decided": decided},
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.SUPERVISOR)
def approval(request, count_id):
    task = get_object_or_404(CountTask, pk=count_id, warehouse=request.warehouse, state__in=["approval", "done"])
    if request.method == "POST":
        try:
            said = approvals_of.decide(
                task_id=task.pk,
                warehouse=request.warehouse,
                actor=request.user,
                decision=request.POST.get("decision", ""),
                reason=request.POST.get("reason", ""),
                device=flow.device_name(request),
            )
        except ScanRejected as refused:
            messages.error(request, str(refused))
            return redirect(reverse("counting:approval", args=[task.pk]))
        messages.success(request, said)
        return redirect(reverse("counting:approvals"))
    return render(request, "counting/approval.html", {"review": approvals_of.review(task)})


@require_http_methods(["GET", "POST"])
@role_required(Role.SUPERVISOR)
def reassign(request, count_id):
    """Hand a count to another counter, or to nobody (back to "Get work")."""
    task = get_object_or_404(
        CountTask.objects.select_related("location", "counter"), pk=count_id, warehouse=request.warehouse
    )
    people = services.counters(warehouse=request.warehouse)
    if request.method == "POST":
        chosen = request.POST.get("counter", "")
        counter = get_object_or_404(people, pk=chosen if chosen.isdigit() else 0) if chosen else None
        try:
            services.reassign_count(task=task, counter=counter, actor=request.user)
        except ScanRejected as refused:
            messages.error(request, str(refused))
        else:
            if counter is None:
                said = _("%(bin)s is back in Get work.") % {"bin": task.location.name}
            else:
                name = counter.get_full_name() or counter.get_username()
                said = _("%(bin)s handed to %(name)s.") % {"bin": task.location.name, "name": name}
            messages.success(request, said)
            return redirect(reverse("dashboard:dashboard"))
        task.refresh_from_db()
    return render(request, "counting/reassign.html", {"task": task, "people": people})
