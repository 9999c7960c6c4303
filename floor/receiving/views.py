from functools import partial

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from floor.accounts.decorators import role_required
from floor.accounts.roles import Role
from floor.errors import ScanRejected
from floor.receiving import closing, lots, place, services, supervisor
from floor.receiving import undo as undoing
from floor.receiving.models import Receiving
from floor.scanning import flow


def _screen(request, outcome=None, error=None, status=200):
    if outcome:
        session = outcome.session
    elif request.warehouse is not None:
        session = place.session_for(actor=request.user, warehouse=request.warehouse)
    else:  # no warehouse: nothing to receive into, only the message
        session = Receiving(actor=request.user)
    receipt = session.receipt
    context = {
        "session": session,
        "receipt": receipt,
        "touched": (outcome.line if outcome and outcome.line else place.last_touched(session)) if receipt else None,
        "progress": (outcome.progress if outcome and outcome.progress else place.progress(receipt))
        if receipt
        else None,
        "summary": closing.summary(receipt) if receipt and session.closing else None,
        "receipts": place.open_receipts(request.warehouse) if receipt is None and request.warehouse else (),
        "damage_reasons": services.DAMAGE_REASONS,
        "undo_preview": undoing.undo_preview(session, outcome.recorded if outcome else None),
        **flow.feedback(outcome, error),
    }
    return flow.answer(request, "receiving/_screen.jinja", "receiving/receive.html", context, status)


@require_GET
@role_required(Role.RECEIVER)
def receive(request):
    return _screen(request, error=flow.no_warehouse() if request.warehouse is None else None)


@require_POST
@role_required(Role.RECEIVER)
def scan(request):
    lot_label = partial(lots.as_label, actor=request.user)  # a plain barcode when a lot is awaited
    outcome, error = flow.scanned(request, services.handle_scan, fallback=lot_label)
    return _screen(request, outcome, error)


@require_POST
@role_required(Role.RECEIVER)
def open_receipt(request, receipt_id):
    outcome, error = flow.attempt(request, services.open_receipt, receipt_id=receipt_id)
    return _screen(request, outcome, error)


@require_POST
@role_required(Role.RECEIVER)
def leave(request):
    outcome, error = flow.attempt(request, services.leave)
    return _screen(request, outcome, error)


@require_POST
@role_required(Role.RECEIVER)
def quantity(request):
    outcome, error = flow.typed(request, services.set_next_quantity)
    return _screen(request, outcome, error)


@require_POST
@role_required(Role.RECEIVER)
def units(request):
    outcome, error = flow.typed(request, lots.receive_units, device=flow.device_name(request))
    return _screen(request, outcome, error)


@require_POST
@role_required(Role.RECEIVER)
def change_lot(request):
    outcome, error = flow.attempt(request, lots.change_lot, key=request.POST.get("key", ""))
    return _screen(request, outcome, error)


@require_POST
@role_required(Role.RECEIVER)
def expiry(request):
    expiry = None  # "No expiry date": the label has none
    if not request.POST.get("skip"):
        try:
            expiry = lots.read_expiry(request.POST.get("expiry", ""))
        except ScanRejected as rejected:
            return _screen(request, error=rejected)
    outcome, error = flow.attempt(request, lots.set_expiry, expiry=expiry, **flow.keys(request))
    return _screen(request, outcome, error)


@require_POST
@role_required(Role.RECEIVER)
def damaged(request):
    reason = request.POST.get("reason", "")
    outcome, error = flow.attempt(request, services.mark_damaged, reason=reason, key=request.POST.get("key", ""))
    return _screen(request, outcome, error)


@require_POST
@role_required(Role.RECEIVER)
def approve(request):
    outcome, error = flow.attempt(request, supervisor.approve, pin=request.POST.get("pin", ""), **flow.keys(request))
    return _screen(request, outcome, error)


@require_POST
@role_required(Role.RECEIVER)
def undo(request):
    outcome, error = flow.attempt(request, undoing.undo, key=request.POST.get("key", ""))
    return _screen(request, outcome, error)


@require_POST
@role_required(Role.RECEIVER)
def close(request):
    outcome, error = flow.attempt(request, closing.close, **flow.keys(request))
    return _screen(request, outcome, error)


@require_GET
@role_required(Role.RECEIVER)
def lines(request):
    """How far the receipt is (asked for when someone else scanned it), or all its lines (when
    the list is opened). The receipt is the one the person has open."""
    if request.warehouse is None:
        return HttpResponse("")
    session = place.session_for(actor=request.user, warehouse=request.warehouse)
    receipt = session.receipt
    if receipt is None:
        return HttpResponse("")
    if request.GET.get("all"):
        lines = receipt.lines.select_related("product", "lot").order_by("pk")
        return render(request, "receiving/_lines.jinja", {"lines": lines}, using="screens")
    receipt.refresh_from_db()
    progress = place.progress(receipt)
    return render(request, "receiving/_progress.jinja", {"receipt": receipt, "progress": progress}, using="screens")
