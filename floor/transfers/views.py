from django.views.decorators.http import require_GET, require_POST

from floor.accounts.decorators import role_required
from floor.accounts.roles import Role
from floor.scanning import flow
from floor.transfers import services
from floor.transfers.models import Transfer

MOVERS = (Role.RECEIVER, Role.PICKER, Role.PACKER, Role.COUNTER)


def _screen(request, outcome=None, error=None, status=200):
    if outcome:
        transfer = outcome.transfer
    elif request.warehouse is not None:
        transfer = services.open_transfer(actor=request.user, warehouse=request.warehouse)
    else:
        transfer = Transfer(actor=request.user)  # nothing to move without a warehouse
    context = {
        "transfer": transfer,
        "undo_preview": services.undo_preview(
            actor=request.user, transfer=transfer, done=outcome.done if outcome else None
        ),
        **flow.feedback(outcome, error),
    }
    return flow.answer(request, "transfers/_screen.jinja", "transfers/move.html", context, status)


@require_GET
@role_required(*MOVERS)
def move(request):
    return _screen(request, error=flow.no_warehouse() if request.warehouse is None else None)


@require_POST
@role_required(*MOVERS)
def scan(request):
    outcome, error = flow.scanned(request, services.handle_scan)
    return _screen(request, outcome, error)


@require_POST
@role_required(*MOVERS)
def quantity(request):
    outcome, error = flow.typed(request, services.set_quantity)
    return _screen(request, outcome, error)


@require_POST
@role_required(*MOVERS)
def undo(request):
    outcome, error = flow.attempt(request, services.undo, **flow.keys(request))
    return _screen(request, outcome, error)
