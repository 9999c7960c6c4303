from django.views.decorators.http import require_GET, require_POST

from floor.accounts.decorators import role_required
from floor.accounts.roles import Role
from floor.scanning import screen_views
from floor.transfers import services
from floor.transfers.models import Transfer

MOVERS = (Role.RECEIVER, Role.PICKER, Role.PACKER, Role.COUNTER)


def _screen(request, outcome=None, *, error=None, status=200):
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
        "error": error.message if error else None,
        "sound": error.sound if error else (outcome.sound if outcome else None),
        "ok": outcome.message if outcome and outcome.sound != "warning" else None,
        "warning": outcome.message if outcome and outcome.sound == "warning" else None,
    }
    return screen_views.answer(request, "transfers/_screen.jinja", "transfers/move.html", context, status)


@require_GET
@role_required(*MOVERS)
def move(request):
    if request.warehouse is None:
        return _screen(request, error=screen_views.no_warehouse())
    return _screen(request)


@require_POST
@role_required(*MOVERS)
def scan(request):
    return screen_views.scan(request, _screen, services.handle_scan)


@require_POST
@role_required(*MOVERS)
def quantity(request):
    return screen_views.typed(request, _screen, services.set_quantity)


@require_POST
@role_required(*MOVERS)
def undo(request):
    return screen_views.run(request, _screen, services.undo, **screen_views.keys(request))
