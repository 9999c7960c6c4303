"""Count accuracy, for supervisors: the page (plots and their tables) and its CSV, one row a count."""

from django import forms
from django.shortcuts import render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from floor import plots
from floor.accounts.decorators import role_required
from floor.accounts.roles import Role
from floor.counting import accuracy as selectors
from floor.spreadsheet import csv_answer
from floor.warehouse.models import Location


class FiltersForm(forms.Form):
    weeks = forms.IntegerField(
        label=gettext_lazy("Weeks back"),
        min_value=1,
        max_value=selectors.MOST_WEEKS,
        initial=selectors.WEEKS,
        required=False,
    )
    zone = forms.ModelChoiceField(
        label=gettext_lazy("Zone"),
        queryset=Location.objects.none(),
        required=False,
        empty_label=gettext_lazy("All zones"),
    )

    def __init__(self, *args, warehouse, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = selectors.zones(warehouse)


def _filters(request) -> tuple[FiltersForm, int, Location | None]:
    """The filters asked for; the defaults where none were, or where they make no sense."""
    form = FiltersForm(request.GET or None, warehouse=request.warehouse)
    if form.is_valid():
        return form, form.cleaned_data["weeks"] or selectors.WEEKS, form.cleaned_data["zone"]
    return form, selectors.WEEKS, None


def _plots(found: selectors.Accuracy) -> dict:
    series = [_("Bins right first time"), _("Units right")]
    weeks = [figures.label for _monday, figures in found.by_week]
    return {
        "zones": plots.percent_bars(
            ident="plot-zones",
            title=_("Accuracy by zone"),
            rows=[(z.label, [z.right_percent, z.units_percent]) for z in found.zones],
            series=series,
        ),
        "counters": plots.percent_bars(
            ident="plot-counters",
            title=_("Accuracy by counter"),
            rows=[(c.label, [c.right_percent, c.units_percent]) for c in found.counters],
            series=series,
        ),
        "weeks": plots.percent_lines(
            ident="plot-weeks",
            title=_("Accuracy by week"),
            labels=weeks,
            series=[
                (series[0], [w.right_percent for _monday, w in found.by_week]),
                (series[1], [w.units_percent for _monday, w in found.by_week]),
            ],
        ),
        "value": plots.value_columns(
            ident="plot-value",
            title=_("Value of adjustments by week"),
            labels=weeks,
            values=[w.value for _monday, w in found.by_week],
        ),
    }


@require_GET
@role_required(Role.SUPERVISOR)
def accuracy(request):
    form, weeks, zone = _filters(request)
    found = selectors.accuracy(warehouse=request.warehouse, weeks=weeks, zone=zone)
    return render(
        request,
        "counting/accuracy.html",
        {"form": form, "found": found, "zone": zone, "plots": _plots(found), "query": request.GET.urlencode()},
    )


@require_GET
@role_required(Role.SUPERVISOR)
def accuracy_csv(request):
    _form, weeks, zone = _filters(request)
    since = selectors.first_monday(weeks=weeks)
    columns = {
        "week": _("Week"),
        "date": _("Date"),
        "bin": _("Bin"),
        "zone": _("Zone"),
        "counter": _("Counter"),
        "count": _("First count or recount"),
        "units_expected": _("Units expected"),
        "units_off": _("Units off"),
        "within_tolerance": _("Within tolerance"),
        "adjusted_value": _("Adjustment value"),
        "decision": _("Decision"),
    }
    code = slugify(request.warehouse.code) if request.warehouse else "none"
    return csv_answer(
        filename=f"count-accuracy-{code}-{since.isoformat()}.csv",
        columns=columns,
        rows=selectors.export(warehouse=request.warehouse, since=since, zone=zone),
    )
