from decimal import Decimal, InvalidOperation

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from floor.accounts.decorators import role_required
from floor.accounts.roles import Role
from floor.scanning.errors import ScanRejected
from floor.scanning.parser import parse
from floor.transfers import services

MOVERS = (Role.RECEIVER, Role.PICKER, Role.PACKER, Role.COUNTER)


def _screen(request, outcome=None, *, error=None, status=200):
    transfer = outcome.transfer if outcome else services.open_transfer(actor=request.user, warehouse=request.warehouse)
    context = {
        "transfer": transfer,
        "undo_preview": services.undo_preview(actor=request.user, transfer=transfer),
        "error": error.message if error else None,
        "sound": error.sound if error else (outcome.sound if outcome else None),
        "ok": outcome.message if outcome and outcome.sound != "warning" else None,
        "warning": outcome.message if outcome and outcome.sound == "warning" else None,
    }
    template = "transfers/_screen.html" if request.htmx else "transfers/move.html"
    return render(request, template, context, status=status)


def _no_warehouse(request):
    return ScanRejected(_("Your account has no warehouse — ask a supervisor"))


@require_GET
@role_required(*MOVERS)
def move(request):
    if request.warehouse is None:
        return _screen(request, error=_no_warehouse(request))
    return _screen(request)


@require_POST
@role_required(*MOVERS)
def scan(request):
    if request.warehouse is None:
        return _screen(request, error=_no_warehouse(request))
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
@role_required(*MOVERS)
def quantity(request):
    try:
        value = Decimal(request.POST.get("quantity", ""))
    except InvalidOperation:
        return _screen(request, error=ScanRejected(_("Type a number")))
    try:
        outcome = services.set_quantity(
            actor=request.user, warehouse=request.warehouse, quantity=value, key=request.POST.get("key", "")
        )
    except ScanRejected as rejected:
        return _screen(request, error=rejected)
    return _screen(request, outcome)


@require_POST
@role_required(*MOVERS)
def undo(request):
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
