from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from floor.accounts.decorators import role_required
from floor.accounts.roles import Role
from floor.odoo import outbox
from floor.odoo.models import Operation
from floor.odoo.push import configured


@require_GET
@role_required(Role.SUPERVISOR)
def operations(request):
    """What the floor has told Odoo, and what waits: failed pushes first, each with a retry."""
    state = request.GET.get("state", Operation.State.FAILED)
    listed = Operation.objects.filter(warehouse=request.warehouse, state=state).order_by("-created_at")[:100]
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
