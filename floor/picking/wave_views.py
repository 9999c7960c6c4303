"""Waves, for supervisors: build one from open orders (preview first), release or cancel it, hand a
task to another picker, and the rules that build waves on a schedule. Thin: each view parses,
calls one function of `floor.picking.waves`, and renders."""

from django import forms
from django.contrib import messages
from django.core.validators import MinValueValidator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from floor.accounts.decorators import role_required
from floor.accounts.roles import Role
from floor.picking import wave_progress
from floor.picking import waves as services
from floor.picking.models import Order, PickTask, Wave, WaveRule
from floor.warehouse.models import Location

PREVIEW_ROWS = 100  # the preview table shows the most urgent orders; the totals count them all


def _zones(warehouse):
    return Location.objects.filter(warehouse=warehouse, kind=Location.Kind.VIEW, active=True).order_by("name")


class FiltersForm(forms.Form):
    cutoff_within = forms.IntegerField(
        label=gettext_lazy("Carrier cutoff within (minutes)"), min_value=0, required=False
    )
    cutoff_before = forms.DateTimeField(
        label=gettext_lazy("or carrier cutoff before"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    carrier = forms.CharField(
        label=gettext_lazy("Carrier"), max_length=64, required=False, widget=forms.TextInput(attrs={"list": "carriers"})
    )
    min_priority = forms.IntegerField(label=gettext_lazy("Priority at least"), min_value=0, required=False)
    zone = forms.ModelChoiceField(
        label=gettext_lazy("Zone"),
        queryset=Location.objects.none(),
        required=False,
        empty_label=gettext_lazy("Any zone"),
        help_text=gettext_lazy("Only orders the zone's stock covers entirely."),
    )
    order_type = forms.CharField(
        label=gettext_lazy("Order type"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"list": "order-types"}),
    )
    max_orders = forms.IntegerField(label=gettext_lazy("Orders at most"), min_value=1, required=False)
    max_lines = forms.IntegerField(label=gettext_lazy("Lines at most"), min_value=1, required=False)
    max_units = forms.DecimalField(label=gettext_lazy("Units at most"), min_value=1, decimal_places=3, required=False)
    totes_per_picker = forms.IntegerField(label=gettext_lazy("Totes per picker"), min_value=1, max_value=50, initial=6)
    mode = forms.ChoiceField(
        label=gettext_lazy("Mode"), choices=Wave.Mode.choices, initial=Wave.Mode.CLUSTER, widget=forms.RadioSelect
    )

    def __init__(self, *args, warehouse, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = _zones(warehouse)


class WaveRuleForm(forms.ModelForm):
    class Meta:
        model = WaveRule
        fields = [
            "name",
            "active",
            "cutoff_within",
            "carrier",
            "min_priority",
            "zone",
            "order_type",
            "max_orders",
            "max_lines",
            "max_units",
            "totes_per_picker",
            "mode",
            "every_minutes",
            "release",
        ]
        widgets = {
            "mode": forms.RadioSelect,
            "carrier": forms.TextInput(attrs={"list": "carriers"}),
            "order_type": forms.TextInput(attrs={"list": "order-types"}),
        }

    def __init__(self, *args, warehouse, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = _zones(warehouse)
        self.fields["zone"].empty_label = _("Any zone")
        for name in ("totes_per_picker", "every_minutes"):  # zero totes or minutes make no sense
            self.fields[name].validators.append(MinValueValidator(1))
            self.fields[name].widget.attrs["min"] = 1


def _no_warehouse(request):
    return render(request, "picking/waves/no_warehouse.html")


def _suggestions(warehouse) -> dict:
    """Carriers and order types of open orders, offered as the person types."""
    open_orders = Order.objects.filter(warehouse=warehouse, state=Order.State.OPEN)
    return {
        "carriers": open_orders.exclude(carrier="").values_list("carrier", flat=True).distinct().order_by("carrier"),
        "order_types": open_orders.exclude(order_type="")
        .values_list("order_type", flat=True)
        .distinct()
        .order_by("order_type"),
    }


@require_GET
@role_required(Role.SUPERVISOR)
def waves(request):
    if request.warehouse is None:
        return _no_warehouse(request)
    return render(request, "picking/waves/list.html", {"waves": wave_progress.wave_list(warehouse=request.warehouse)})


@require_http_methods(["GET", "POST"])
@role_required(Role.SUPERVISOR)
def new_wave(request):
    """The filters and limits; "Preview" shows what the wave would take, "Create wave" builds it."""
    if request.warehouse is None:
        return _no_warehouse(request)
    form = FiltersForm(request.POST or None, warehouse=request.warehouse)
    plan = None
    if request.method == "POST" and form.is_valid():
        filters = services.Filters.from_form(form.cleaned_data)
        if "create" in request.POST:
            try:
                wave = services.build_wave(warehouse=request.warehouse, filters=filters, actor=request.user)
            except services.WaveRefused as refused:
                messages.error(request, refused.message)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(wave)s created with %(n)s order: release it to start picking.",
                        "%(wave)s created with %(n)s orders: release it to start picking.",
                        wave.orders.count(),
                    )
                    % {"wave": wave.reference, "n": wave.orders.count()},
                )
                return redirect("waves:wave", wave.pk)
        plan = services.preview(warehouse=request.warehouse, filters=filters)
    return render(
        request,
        "picking/waves/new.html",
        {
            "form": form,
            "plan": plan,
            "rows": plan.orders[:PREVIEW_ROWS] if plan else [],
            **_suggestions(request.warehouse),
        },
    )


def _wave_of(request, wave_id) -> Wave:
    return get_object_or_404(Wave, pk=wave_id, warehouse=request.warehouse)


@require_GET
@role_required(Role.SUPERVISOR)
def wave(request, wave_id):
    if request.warehouse is None:
        return _no_warehouse(request)
    return render(
        request, "picking/waves/detail.html", {"detail": wave_progress.wave_detail(wave=_wave_of(request, wave_id))}
    )


@require_POST
@role_required(Role.SUPERVISOR)
def release(request, wave_id):
    try:
        released = services.release_wave(wave=_wave_of(request, wave_id), actor=request.user)
    except services.WaveRefused as refused:
        messages.error(request, refused.message)
    else:
        tasks = released.tasks.count()
        messages.success(
            request,
            ngettext("%(wave)s released: %(n)s pick task.", "%(wave)s released: %(n)s pick tasks.", tasks)
            % {"wave": released.reference, "n": tasks},
        )
        if released.returned_orders:
            messages.warning(
                request,
                ngettext(
                    "%(n)s order had no free stock and went back to the open orders.",
                    "%(n)s orders had no free stock and went back to the open orders.",
                    released.returned_orders,
                )
                % {"n": released.returned_orders},
            )
    return redirect("waves:wave", wave_id)


@require_POST
@role_required(Role.SUPERVISOR)
def cancel(request, wave_id):
    try:
        cancelled = services.cancel_wave(wave=_wave_of(request, wave_id), actor=request.user)
    except services.WaveRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("%(wave)s cancelled: its orders are open again.") % {"wave": cancelled.reference})
    return redirect("waves:wave", wave_id)


@require_http_methods(["GET", "POST"])
@role_required(Role.SUPERVISOR)
def reassign(request, task_id):
    """Hand a task to another picker, or to nobody (back to "Get work")."""
    if request.warehouse is None:
        return _no_warehouse(request)
    task = get_object_or_404(PickTask.objects.select_related("wave", "picker"), pk=task_id, warehouse=request.warehouse)
    people = wave_progress.pickers(warehouse=request.warehouse)
    if request.method == "POST":
        chosen = request.POST.get("picker", "")
        picker = get_object_or_404(people, pk=chosen) if chosen else None
        try:
            services.reassign_task(task=task, picker=picker, actor=request.user)
        except services.WaveRefused as refused:
            messages.error(request, refused.message)
        else:
            if picker is None:
                messages.success(request, _("%(task)s is back in Get work.") % {"task": task.reference})
            else:
                name = picker.get_full_name() or picker.get_username()
                messages.success(request, _("%(task)s handed to %(name)s.") % {"task": task.reference, "name": name})
            return redirect("waves:wave", task.wave_id)
    return render(request, "picking/waves/reassign.html", {"task": task, "people": people})


# --- Rules


@require_GET
@role_required(Role.SUPERVISOR)
def rules(request):
    if request.warehouse is None:
        return _no_warehouse(request)
    listed = WaveRule.objects.filter(warehouse=request.warehouse).select_related("zone").order_by("name", "pk")
    return render(request, "picking/waves/rules.html", {"rules": listed})


@require_http_methods(["GET", "POST"])
@role_required(Role.SUPERVISOR)
def rule_form(request, rule_id=None):
    if request.warehouse is None:
        return _no_warehouse(request)
    rule = get_object_or_404(WaveRule, pk=rule_id, warehouse=request.warehouse) if rule_id else None
    form = WaveRuleForm(request.POST or None, instance=rule, warehouse=request.warehouse)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.warehouse = request.warehouse
        saved.save()
        messages.success(request, _("Rule “%(name)s” saved.") % {"name": saved.name})
        return redirect("waves:rules")
    return render(
        request, "picking/waves/rule_form.html", {"form": form, "rule": rule, **_suggestions(request.warehouse)}
    )


@require_POST
@role_required(Role.SUPERVISOR)
def rule_toggle(request, rule_id):
    rule = get_object_or_404(WaveRule, pk=rule_id, warehouse=request.warehouse)
    rule.active = not rule.active
    rule.save(update_fields=["active"])
    if rule.active:
        messages.success(request, _("Rule “%(name)s” is on.") % {"name": rule.name})
    else:
        messages.success(request, _("Rule “%(name)s” is off.") % {"name": rule.name})
    return redirect(reverse("waves:rules"))
