"""Count plans, for supervisors: the classes and the plans that make the day's counts, the queue
of counts waiting, and "these bins today". Thin: each view parses, calls one function of
`floor.counting.planning`, and renders."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from floor.accounts.decorators import role_required
from floor.accounts.roles import Role
from floor.counting import planning
from floor.counting.models import CountPlan, CountTask
from floor.counting.raising import BUSY
from floor.errors import ScanRejected
from floor.warehouse.models import Location

CLASSES_PER_PAGE = 50
QUEUE_ROWS = 200


def _zones(warehouse):
    return Location.objects.filter(warehouse=warehouse, kind=Location.Kind.VIEW, active=True).order_by("name")


class ZonePlanForm(forms.Form):
    zone = forms.ModelChoiceField(
        label=gettext_lazy("Zone"), queryset=Location.objects.none(), required=False, empty_label="—"
    )
    aisle = forms.CharField(label=gettext_lazy("or aisle"), max_length=10, required=False)
    every_days = forms.IntegerField(label=gettext_lazy("Every (days)"), min_value=1, max_value=3650, initial=30)

    def __init__(self, *args, warehouse, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = _zones(warehouse)


class ItemPlanForm(forms.Form):
    items = forms.CharField(
        label=gettext_lazy("Items"),
        max_length=2000,
        help_text=gettext_lazy("SKUs or barcodes, typed or scanned, separated by commas or spaces"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    every_days = forms.IntegerField(label=gettext_lazy("Every (days)"), min_value=1, max_value=3650, initial=30)


class TodayForm(forms.Form):
    bins = forms.CharField(
        label=gettext_lazy("Bins"),
        max_length=4000,
        help_text=gettext_lazy("Bin codes, typed or scanned, separated by commas or spaces"),
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
    )


def _no_warehouse(request):
    return render(request, "counting/plans/no_warehouse.html")


def _page(request, zone_form=None, item_form=None, today_form=None, status=200):
    warehouse = request.warehouse
    days = planning.class_days()
    return render(
        request,
        "counting/plans/plans.html",
        {
            "plans": [
                (plan, planning.plan_name(plan))
                for plan in CountPlan.objects.filter(warehouse=warehouse)
                .select_related("zone", "created_by")
                .prefetch_related("products", "bins")[:100]
            ],
            "classes": [(grade, days[grade]) for grade in planning.CLASSES],
            "settings": {
                "window": settings.COUNT_ABC_WINDOW_DAYS,
                "cut_a": settings.COUNT_ABC_A_PERCENT,
                "cut_b": settings.COUNT_ABC_B_PERCENT,
                "not_counted": settings.COUNT_NOT_COUNTED_DAYS,
                "capacity": settings.COUNT_DAILY_CAPACITY,
            },
            "waiting": CountTask.objects.filter(warehouse=warehouse, state__in=BUSY).count(),
            "zone_form": zone_form or ZonePlanForm(warehouse=warehouse),
            "item_form": item_form or ItemPlanForm(),
            "today_form": today_form or TodayForm(),
        },
        status=status,
    )


@require_GET
@role_required(Role.SUPERVISOR)
def plans(request):
    if request.warehouse is None:
        return _no_warehouse(request)
    return _page(request)


@require_POST
@role_required(Role.SUPERVISOR)
def add_zone_plan(request):
    if request.warehouse is None:
        return _no_warehouse(request)
    form = ZonePlanForm(request.POST, warehouse=request.warehouse)
    if not form.is_valid():
        return _page(request, zone_form=form, status=400)
    try:
        planning.add_plan(
            warehouse=request.warehouse,
            actor=request.user,
            every_days=form.cleaned_data["every_days"],
            zone=form.cleaned_data["zone"],
            aisle=form.cleaned_data["aisle"].strip(),
        )
    except ScanRejected as rejected:
        form.add_error(None, rejected.message)
        return _page(request, zone_form=form, status=400)
    messages.success(request, gettext_lazy("Plan added: its bins are counted from tomorrow morning's run."))
    return redirect("counting:plans")


@require_POST
@role_required(Role.SUPERVISOR)
def add_item_plan(request):
    if request.warehouse is None:
        return _no_warehouse(request)
    form = ItemPlanForm(request.POST)
    try:
        if not form.is_valid():
            return _page(request, item_form=form, status=400)
        planning.add_plan(
            warehouse=request.warehouse,
            actor=request.user,
            every_days=form.cleaned_data["every_days"],
            products=planning.items_by_code(form.cleaned_data["items"]),
        )
    except ScanRejected as rejected:
        form.add_error("items", rejected.message)
        return _page(request, item_form=form, status=400)
    messages.success(request, gettext_lazy("Plan added: its bins are counted from tomorrow morning's run."))
    return redirect("counting:plans")


@require_POST
@role_required(Role.SUPERVISOR)
def count_today(request):
    if request.warehouse is None:
        return _no_warehouse(request)
    form = TodayForm(request.POST)
    try:
        if not form.is_valid():
            return _page(request, today_form=form, status=400)
        _plan, raised = planning.count_today(
            warehouse=request.warehouse, codes=form.cleaned_data["bins"], actor=request.user
        )
    except ScanRejected as rejected:
        form.add_error("bins", rejected.message)
        return _page(request, today_form=form, status=400)
    messages.success(
        request,
        ngettext("%(n)s bin to count today.", "%(n)s bins to count today.", len(raised)) % {"n": len(raised)},
    )
    return redirect("counting:queue")


@require_POST
@role_required(Role.SUPERVISOR)
def stop_plan(request, plan_id):
    plan = get_object_or_404(CountPlan, pk=plan_id, warehouse=request.warehouse)
    plan.active = False
    plan.save(update_fields=["active"])
    messages.success(request, gettext_lazy("Plan stopped: counts it raised stay in the queue."))
    return redirect("counting:plans")


@require_POST
@role_required(Role.SUPERVISOR)
def make_counts_now(request):
    if request.warehouse is None:
        return _no_warehouse(request)
    raised = planning.make_due_counts(warehouse=request.warehouse)
    messages.success(
        request,
        ngettext("%(n)s count made for today.", "%(n)s counts made for today.", len(raised)) % {"n": len(raised)}
        if raised
        else gettext_lazy("Nothing more is due today, or today's capacity is taken."),
    )
    return redirect("counting:queue")


@require_GET
@role_required(Role.SUPERVISOR)
def classes(request):
    if request.warehouse is None:
        return _no_warehouse(request)
    graded = list(planning.item_classes(warehouse=request.warehouse).values())
    page = Paginator(graded, CLASSES_PER_PAGE).get_page(request.GET.get("page"))
    totals = {grade: sum(1 for item in graded if item.grade == grade) for grade in planning.CLASSES}
    return render(
        request,
        "counting/plans/classes.html",
        {"page": page, "totals": totals, "window": settings.COUNT_ABC_WINDOW_DAYS},
    )


@require_GET
@role_required(Role.SUPERVISOR)
def queue(request):
    if request.warehouse is None:
        return _no_warehouse(request)
    tasks = (
        CountTask.objects.filter(warehouse=request.warehouse, state__in=BUSY)
        .select_related("location", "counter")
        .order_by("-priority", "created_at", "pk")
    )
    return render(
        request,
        "counting/plans/queue.html",
        {"tasks": tasks[:QUEUE_ROWS], "total": tasks.count(), "shown": QUEUE_ROWS},
    )
