from django.views.decorators.http import require_GET, require_POST

from floor.accounts.decorators import role_required
from floor.accounts.roles import Role
from floor.counting import services
from floor.counting.models import CounterPlace
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
        "undo_preview": services.undo_preview(place),
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
