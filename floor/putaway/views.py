from decimal import Decimal, InvalidOperation

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from floor.accounts.decorators import role_required
from floor.accounts.roles import Role
from floor.putaway import services
from floor.putaway.models import Putaway
from floor.scanning.errors import ScanRejected
from floor.scanning.parser import parse


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
        "undo_preview": services.undo_preview(actor=request.user, putaway=putaway),
        "error": error.message if error else None,
        "sound": error.sound if error else (outcome.sound if outcome else None),
        "ok": outcome.message if outcome and outcome.sound != "warning" else None,
        "warning": outcome.message if outcome and outcome.sound == "warning" else None,
    }
    template = "putaway/_screen.html" if request.htmx else "putaway/putaway.html"
    return render(request, template, context)


def _no_warehouse():
    return ScanRejected(_("Your account has no warehouse — ask a supervisor"))


@require_GET
@role_required(Role.RECEIVER)
def putaway(request):
    if request.warehouse is None:
        return _screen(request, error=_no_warehouse())
    return _screen(request)


@require_POST
@role_required(Role.RECEIVER)
def scan(request):
    if request.warehouse is None:
        return _screen(request, error=_no_warehouse())
    try:
        outcome = services.handle_scan(
            actor=request.user,
            warehouse=request.warehouse,
            scan=parse(request.POST.get("code", "")),
            key=request.POST.get("key", ""),
            device=request.POST.get("device", ""),
        )
    except ScanRejected as rejected:
        return _screen(request, error=rejected)
    return _screen(request, outcome)


@require_POST
@role_required(Role.RECEIVER)
def quantity(request):
    if request.warehouse is None:
        return _screen(request, error=_no_warehouse())
    try:
        value = Decimal(request.POST.get("quantity", "").strip())
    except InvalidOperation:
        return _screen(request, error=ScanRejected(_("Type a number")))
    if not value.is_finite():
        return _screen(request, error=ScanRejected(_("Type a number")))
    try:
        outcome = services.set_quantity(
            actor=request.user, warehouse=request.warehouse, quantity=value, key=request.POST.get("key", "")
        )
    except ScanRejected as rejected:
        return _screen(request, error=rejected)
    return _screen(request, outcome)


@require_POST
@role_required(Role.RECEIVER)
def reason(request):
    if request.warehouse is None:
        return _screen(request, error=_no_warehouse())
    try:
        outcome = services.give_reason(
            actor=request.user,
            warehouse=request.warehouse,
            reason=request.POST.get("reason", ""),
            key=request.POST.get("key", ""),
            device=request.POST.get("device", ""),
        )
    except ScanRejected as rejected:
        return _screen(request, error=rejected)
    return _screen(request, outcome)


@require_POST
@role_required(Role.RECEIVER)
def undo(request):
    if request.warehouse is None:
        return _screen(request, error=_no_warehouse())
    try:
        outcome = services.undo(
            actor=request.user,
            warehouse=request.warehouse,
            key=request.POST.get("key", ""),
            device=request.POST.get("device", ""),
        )
    except ScanRejected as rejected:
        return _screen(request, error=rejected)
    return _screen(request, outcome)
