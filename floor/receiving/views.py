from functools import partial

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from floor.accounts.decorators import role_required
from floor.accounts.roles import Role
from floor.errors import ScanRejected
from floor.receiving import services
from floor.receiving.models import Receiving
from floor.scanning import screen_views


def _screen(request, outcome=None, *, error=None, status=200):
    if outcome:
        session = outcome.session
    elif request.warehouse is not None:
        session = services.session_for(actor=request.user, warehouse=request.warehouse)
    else:  # no warehouse: nothing to receive into, only the message
        session = Receiving(actor=request.user)
    receipt = session.receipt
    context = {
        "session": session,
        "receipt": receipt,
        "touched": (outcome.line if outcome and outcome.line else services.last_touched(session)) if receipt else None,
        "progress": (outcome.progress if outcome and outcome.progress else services.progress(receipt))
        if receipt
        else None,
        "summary": services.summary(receipt) if receipt and session.closing else None,
        "receipts": services.open_receipts(request.warehouse) if receipt is None and request.warehouse else (),
        "damage_reasons": services.DAMAGE_REASONS,
        "undo_preview": services.undo_preview(session, outcome.recorded if outcome else None),
        "error": error.message if error else None,
        "sound": error.sound if error else (outcome.sound if outcome else None),
        "ok": outcome.message if outcome and outcome.sound not in ("warning", "supervisor") else None,
        "warning": outcome.message if outcome and outcome.sound in ("warning", "supervisor") else None,
    }
    if outcome and outcome.sound == "supervisor":
        context["sound"] = "supervisor"
    return screen_views.answer(request, "receiving/_screen.jinja", "receiving/receive.html", context, status)


@require_GET
@role_required(Role.RECEIVER)
def receive(request):
    if request.warehouse is None:
        return _screen(request, error=screen_views.no_warehouse())
    return _screen(request)


@require_POST
@role_required(Role.RECEIVER)
def scan(request):
    lot_label = partial(services.as_label, actor=request.user)  # a plain barcode when a lot is awaited
    return screen_views.scan(request, _screen, services.handle_scan, fallback=lot_label)


@require_POST
@role_required(Role.RECEIVER)
def open_receipt(request, receipt_id):
    return screen_views.run(request, _screen, services.open_receipt, receipt_id=receipt_id)


@require_POST
@role_required(Role.RECEIVER)
def leave(request):
    return screen_views.run(request, _screen, services.leave)


@require_POST
@role_required(Role.RECEIVER)
def quantity(request):
    return screen_views.typed(request, _screen, services.set_next_quantity)


@require_POST
@role_required(Role.RECEIVER)
def units(request):
    return screen_views.typed(request, _screen, services.receive_units, device=screen_views.device_name(request))


@require_POST
@role_required(Role.RECEIVER)
def change_lot(request):
    return screen_views.run(request, _screen, services.change_lot, key=request.POST.get("key", ""))


@require_POST
@role_required(Role.RECEIVER)
def expiry(request):
    expiry = None  # "No expiry date": the label has none
    if not request.POST.get("skip"):
        try:
            expiry = services.read_expiry(request.POST.get("expiry", ""))
        except ScanRejected as rejected:
            return _screen(request, error=rejected)
    return screen_views.run(request, _screen, services.set_expiry, expiry=expiry, **screen_views.keys(request))


@require_POST
@role_required(Role.RECEIVER)
def damaged(request):
    return screen_views.run(
        request, _screen, services.mark_damaged, reason=request.POST.get("reason", ""), key=request.POST.get("key", "")
    )


@require_POST
@role_required(Role.RECEIVER)
def approve(request):
    return screen_views.run(
        request,
        _screen,
        services.approve,
        pin=request.POST.get("pin", ""),
        **screen_views.keys(request),
    )


@require_POST
@role_required(Role.RECEIVER)
def undo(request):
    return screen_views.run(request, _screen, services.undo, key=request.POST.get("key", ""))


@require_POST
@role_required(Role.RECEIVER)
def close(request):
    return screen_views.run(request, _screen, services.close, **screen_views.keys(request))


@require_GET
@role_required(Role.RECEIVER)
def lines(request):
    """How far the receipt is (asked for when someone else scanned it), or all its lines (when
    the list is opened). The receipt is the one the person has open."""
    if request.warehouse is None:
        return HttpResponse("")
    session = services.session_for(actor=request.user, warehouse=request.warehouse)
    receipt = session.receipt
    if receipt is None:
        return HttpResponse("")
    if request.GET.get("all"):
        lines = receipt.lines.select_related("product", "lot").order_by("pk")
        return render(request, "receiving/_lines.jinja", {"lines": lines}, using="screens")
    receipt.refresh_from_db()
    progress = services.progress(receipt)
    return render(request, "receiving/_progress.jinja", {"receipt": receipt, "progress": progress}, using="screens")
