from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from floor.accounts.decorators import role_required
from floor.accounts.roles import Role
from floor.putaway import services
from floor.putaway.models import Putaway
from floor.scanning import screen_views
from floor.warehouse.quantities import qty


def _screen(request, outcome=None, *, error=None):
    if outcome is not None:
        putaway = outcome.putaway
    elif request.warehouse is not None:
        putaway = services.open_putaway(actor=request.user, warehouse=request.warehouse)
    else:
        putaway = Putaway(actor=request.user)  # nothing to put away without a warehouse
    context = {
        "putaway": putaway,
        "reasons": Putaway.Reason.choices,
        "plate_contents": _plate_contents(putaway) if putaway.package_id else None,
        "undo_preview": services.undo_preview(
            actor=request.user, putaway=putaway, done=outcome.done if outcome is not None else None
        ),
        "error": error.message if error else None,
        "sound": error.sound if error else (outcome.sound if outcome else None),
        "ok": outcome.message if outcome and outcome.sound != "warning" else None,
        "warning": outcome.message if outcome and outcome.sound == "warning" else None,
    }
    return screen_views.answer(request, "putaway/_screen.jinja", "putaway/putaway.html", context)


def _plate_contents(putaway: Putaway) -> str:
    """What a licence plate holds, under the prompt."""
    words = ngettext("%(qty)s units of %(sku)s", "%(qty)s units on %(lines)s lines, most %(sku)s", putaway.items)
    return words % {"qty": qty(putaway.quantity), "sku": putaway.product.sku, "lines": putaway.items}


@require_GET
@role_required(Role.RECEIVER)
def putaway(request):
    if request.warehouse is None:
        return _screen(request, error=screen_views.no_warehouse())
    return _screen(request)


@require_POST
@role_required(Role.RECEIVER)
def scan(request):
    return screen_views.scan(request, _screen, services.handle_scan)


@require_POST
@role_required(Role.RECEIVER)
def quantity(request):
    return screen_views.typed(request, _screen, services.set_quantity)


@require_POST
@role_required(Role.RECEIVER)
def reason(request):
    return screen_views.run(
        request, _screen, services.give_reason, reason=request.POST.get("reason", ""), **screen_views.keys(request)
    )


@require_POST
@role_required(Role.RECEIVER)
def undo(request):
    return screen_views.run(request, _screen, services.undo, **screen_views.keys(request))
