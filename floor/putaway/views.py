from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from floor.accounts.decorators import role_required
from floor.accounts.roles import Role
from floor.putaway import services
from floor.putaway.models import Putaway
from floor.scanning import flow
from floor.warehouse.quantities import qty


def _screen(request, outcome=None, error=None):
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
        **flow.feedback(outcome, error),
    }
    return flow.answer(request, "putaway/_screen.jinja", "putaway/putaway.html", context)


def _plate_contents(putaway: Putaway) -> str:
    """What a licence plate holds, under the prompt."""
    words = ngettext("%(qty)s units of %(sku)s", "%(qty)s units on %(lines)s lines, most %(sku)s", putaway.items)
    return words % {"qty": qty(putaway.quantity), "sku": putaway.product.sku, "lines": putaway.items}


@require_GET
@role_required(Role.RECEIVER)
def putaway(request):
    return _screen(request, error=flow.no_warehouse() if request.warehouse is None else None)


@require_POST
@role_required(Role.RECEIVER)
def scan(request):
    outcome, error = flow.scanned(request, services.handle_scan)
    return _screen(request, outcome, error)


@require_POST
@role_required(Role.RECEIVER)
def quantity(request):
    outcome, error = flow.typed(request, services.set_quantity)
    return _screen(request, outcome, error)


@require_POST
@role_required(Role.RECEIVER)
def reason(request):
    outcome, error = flow.attempt(
        request, services.give_reason, reason=request.POST.get("reason", ""), **flow.keys(request)
    )
    return _screen(request, outcome, error)


@require_POST
@role_required(Role.RECEIVER)
def undo(request):
    outcome, error = flow.attempt(request, services.undo, **flow.keys(request))
    return _screen(request, outcome, error)
