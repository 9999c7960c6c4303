from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from floor.accounts.decorators import role_required
from floor.accounts.roles import Role
from floor.odoo import outbox
from floor.odoo.models import Operation, SyncException
from floor.odoo.pull import resolve_exception
from floor.odoo.push import configured


@require_GET
@role_required(Role.SUPERVISOR)
def operations(request):
    """What the floor has told Odoo, and what waits: failed pushes first, each with a retry."""
    state = request.GET.get("state", Operation.State.FAILED)
    listed = Operation.objects.filter(warehouse=request.warehouse, state=state).select_related("waiting_for")
    listed = listed.order_by("-created_at")[:100]
    counts = dict(Operation.objects.filter(warehouse=request.warehouse).values_list("state").annotate(n=Count("pk")))
    return render(
        request,
        "odoo/operations.html",
        {
            "operations": listed,
            "state": state,
            "states": [(s, label, counts.get(s, 0)) for s, label in Operation.State.choices],
            "connected": configured(),
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
