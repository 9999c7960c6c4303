from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from floor.accounts.decorators import role_required
from floor.accounts.roles import Role
from floor.errors import ScanRejected
from floor.odoo import outbox, reconcile
from floor.odoo.models import Operation, Reconciliation, StockDifference, SyncException
from floor.odoo.pull import resolve_exception
from floor.odoo.push import configured

# The tab the page opens on: the first of these that has rows.
OPENS_ON = [Operation.State.FAILED, Operation.State.PENDING, Operation.State.SENDING, Operation.State.SENT]


@require_GET
@role_required(Role.SUPERVISOR)
def operations(request):
    """What the floor has told Odoo, and what waits. It opens on the failed pushes, each with a
    retry, if there are any; else on what waits; else on what was sent."""
    mine = Operation.objects.filter(warehouse=request.warehouse)
    counts = dict(mine.values_list("state").annotate(n=Count("pk")))
    state = request.GET.get("state")
    if state not in Operation.State.values:
        state = next((s for s in OPENS_ON if counts.get(s)), Operation.State.FAILED)
    listed = mine.filter(state=state).select_related("waiting_for").order_by("-created_at")[:100]
    connected = configured()
    unsent = counts.get(Operation.State.PENDING, 0)
    return render(
        request,
        "odoo/operations.html",
        {
            "operations": listed,
            "state": state,
            "states": [(s, label, counts.get(s, 0)) for s, label in Operation.State.choices],
            "connected": connected,
            # Without an Odoo nothing is wrong: the operations wait, and go when one is connected.
            "not_connected": ""
            if connected
            else ngettext(
                "No Odoo connected: %(n)s operation will be sent when one is",
                "No Odoo connected: %(n)s operations will be sent when one is",
                unsent,
            )
            % {"n": unsent},
            "differences": StockDifference.objects.filter(
                warehouse=request.warehouse, state=StockDifference.State.OPEN
            ).count(),
            "reconciled": Reconciliation.objects.filter(finished_at__isnull=False).first(),
        },
    )


@require_POST
@role_required(Role.SUPERVISOR)
def retry(request, operation_id):
    operation = get_object_or_404(Operation, pk=operation_id, warehouse=request.warehouse)
    outbox.retry(operation)
    return redirect(f"{reverse('odoo:operations')}?state=failed")


# --- What the pull would not apply on its own (SyncException)


def _visible(request):
    # Master-data exceptions (an item's barcode) belong to no warehouse: every supervisor sees them.
    return SyncException.objects.filter(Q(warehouse=request.warehouse) | Q(warehouse=None))


@require_GET
@role_required(Role.SUPERVISOR)
def exceptions(request):
    """Pickings Odoo changed or cancelled while the floor was on them, newest first; each resolvable."""
    resolved = request.GET.get("show") == "resolved"
    visible = _visible(request)
    counts = dict(visible.values_list("resolved").annotate(n=Count("pk")))
    return render(
        request,
        "odoo/exceptions.html",
        {
            "exceptions": visible.filter(resolved=resolved).select_related("resolved_by")[:100],
            "resolved": resolved,
            "open_count": counts.get(False, 0),
            "resolved_count": counts.get(True, 0),
        },
    )


@require_POST
@role_required(Role.SUPERVISOR)
def resolve(request, exception_id):
    exception = get_object_or_404(_visible(request), pk=exception_id)
    resolve_exception(exception=exception, actor=request.user)
    return redirect(reverse("odoo:exceptions"))


# --- Where Floor's stock and Odoo's differ (the reconciliation)


@require_GET
@role_required(Role.SUPERVISOR)
def differences(request):
    """Each bin, item and lot where Floor and Odoo disagree, oldest first, with its likely cause
    and what a supervisor may do about it."""
    resolved = request.GET.get("show") == "resolved"
    mine = StockDifference.objects.filter(warehouse=request.warehouse)
    counts = dict(mine.values_list("state").annotate(n=Count("pk")))
    listed = (
        mine.exclude(state=StockDifference.State.OPEN) if resolved else mine.filter(state=StockDifference.State.OPEN)
    )
    return render(
        request,
        "odoo/differences.html",
        {
            "differences": listed.select_related("location", "product", "lot", "package", "resolved_by").order_by(
                "-resolved_at" if resolved else "first_seen", "pk"
            )[:200],
            "resolved": resolved,
            "open_count": counts.get(StockDifference.State.OPEN, 0),
            "resolved_count": sum(n for state, n in counts.items() if state != StockDifference.State.OPEN),
            "reconciled": Reconciliation.objects.filter(finished_at__isnull=False).first(),
            "actions": [
                ("odoo", _("Trust Odoo")),
                ("count", _("Count the bin")),
                ("floor", _("Trust the floor")),
                ("dismiss", _("Dismiss")),
            ],
        },
    )


@require_POST
@role_required(Role.SUPERVISOR)
def act_on_difference(request, difference_id, action):
    act = reconcile.ACTIONS.get(action)
    if act is None:
        raise Http404
    difference = get_object_or_404(StockDifference, pk=difference_id, warehouse=request.warehouse)
    try:
        settled = act(difference=difference, actor=request.user, reason=request.POST.get("reason", ""))
    except ScanRejected as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            _("%(location)s, %(item)s: %(outcome)s")
            % {"location": settled.location.name, "item": settled.product.sku, "outcome": settled.get_state_display()},
        )
    return redirect(reverse("odoo:differences"))
