from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from floor.accounts.roles import Role, has_role
from floor.demo.labels import SHEETS


@login_required
def labels(request):
    """Printable label sheets for the person's warehouse, so every flow can be tried with a scanner."""
    sheet = SHEETS.get(request.GET.get("sheet", "bins"))
    if sheet is None:
        raise Http404
    is_supervisor = has_role(request.user, Role.SUPERVISOR)
    if sheet.supervisor_only and not is_supervisor:
        raise PermissionDenied
    warehouse = request.warehouse
    if warehouse is None:  # every sheet is some warehouse's: someone with none of their own gets none
        return render(request, "demo/no_warehouse.html")
    page = Paginator(sheet.items(warehouse), sheet.per_page).get_page(request.GET.get("page"))
    return render(
        request,
        "demo/labels.html",
        {
            "sheet": sheet,
            "sheets": [s for s in SHEETS.values() if is_supervisor or not s.supervisor_only],
            "page": page,
            "labels": sheet.labels(page.object_list),
            "warehouse": warehouse,
        },
    )
