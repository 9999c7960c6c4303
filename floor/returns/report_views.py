"""Returns inspected, for supervisors: the page (returns by day, rates and reasons with their
plots) and its CSV, one row an item."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseBadRequest, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from floor import plots
from floor.accounts.decorators import role_required
from floor.accounts.roles import Role
from floor.errors import ScanRejected
from floor.returns import report as selectors
from floor.returns import services
from floor.returns.models import Disposition, Inspection
from floor.spreadsheet import csv_answer
from floor.warehouse.quantities import qty


def _choices(everything, pairs) -> list[tuple[str, str]]:
    return [("", everything), *pairs]


class FiltersForm(forms.Form):
    grade = forms.ChoiceField(label=gettext_lazy("Grade"), required=False)
    disposition = forms.ChoiceField(label=gettext_lazy("Disposition"), required=False)
    sku = forms.CharField(label=gettext_lazy("Item (SKU)"), max_length=64, required=False)
    reason = forms.ChoiceField(label=gettext_lazy("Inspector's reason"), required=False)

    def __init__(self, *args, warehouse=None, **kwargs):
        super().__init__(*args, **kwargs)
        # "from" is a Python word: the two days are added by name.
        day = {"required": False, "input_formats": ["%Y-%m-%d"], "widget": forms.DateInput(attrs={"type": "date"})}
        self.fields = {
            "from": forms.DateField(label=_("From"), **day),
            "to": forms.DateField(label=_("To"), **day),
            **self.fields,
        }
        self.fields["grade"].choices = _choices(_("All grades"), list(selectors.words(warehouse).items()))
        self.fields["disposition"].choices = _choices(_("All dispositions"), Disposition.choices)
        self.fields["reason"].choices = _choices(_("All reasons"), list(settings.RETURN_REASONS.items()))

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        end = cleaned.get("to") or timezone.localdate()
        start = cleaned.get("from") or end
        if start > end:
            raise forms.ValidationError(_("The first day is after the last: swap them"))
        if (end - start).days + 1 > selectors.MOST_DAYS:
            raise forms.ValidationError(
                _("At most %(n)s days at a time: choose a shorter range") % {"n": selectors.MOST_DAYS}
            )
        cleaned["from"], cleaned["to"] = start, end
        return cleaned

    def filters(self) -> selectors.Filters:
        data = self.cleaned_data
        return selectors.Filters(
            start=data["from"],
            end=data["to"],
            grade=data["grade"],
            disposition=data["disposition"],
            sku=data["sku"].strip(),
            reason=data["reason"],
        )

    def messages(self) -> list[str]:
        """What is wrong, in words: the field's name before each of its errors."""
        said = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else ""
            said += [f"{label}: {error}" if label else error for error in errors]
        return said


def _form(request) -> FiltersForm:
    form = FiltersForm(request.GET, warehouse=request.warehouse)
    if form.is_valid():
        # The fields show the days the page answers for, the defaults too.
        form.data = form.data.copy()
        form.data["from"], form.data["to"] = form.cleaned_data["from"].isoformat(), form.cleaned_data["to"].isoformat()
    return form


def _plots(found: selectors.Breakdown) -> dict:
    units = [_("Units")]
    return {
        "rates": plots.percent_bars(
            ident="plot-rates",
            title=_("Return rate by item"),
            rows=[(rate.sku, [rate.percent]) for rate in found.rates],
            series=[_("Returned ÷ shipped")],
        ),
        "reasons": plots.amount_bars(
            ident="plot-reasons",
            title=_("Units by inspector's reason"),
            rows=[(share.label, [share.units]) for share in found.reasons],
            series=units,
        ),
        "grades": plots.amount_bars(
            ident="plot-grades",
            title=_("Units by grade"),
            rows=[(share.label, [share.units]) for share in found.grades],
            series=units,
        ),
    }


@require_GET
@role_required(Role.SUPERVISOR)
def report(request):
    form = _form(request)
    if not form.is_valid():
        return render(request, "returns/report.html", {"form": form, "problems": form.messages()}, status=400)
    filters = form.filters()
    page, returns = selectors.returns_page(warehouse=request.warehouse, filters=filters, page=request.GET.get("page"))
    found = selectors.breakdown(warehouse=request.warehouse, filters=filters)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "returns/report.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "returns": returns,
            "found": found,
            "plots": _plots(found),
            "query": query.urlencode(),
        },
    )


@require_GET
@role_required(Role.SUPERVISOR)
def report_csv(request):
    form = _form(request)
    if not form.is_valid():
        return HttpResponseBadRequest("\n".join(form.messages()), content_type="text/plain; charset=utf-8")
    filters = form.filters()
    columns = {
        "return": _("Return"),
        "order": _("Order"),
        "customer": _("Customer"),
        "customer_reason": _("Customer's reason"),
        "at": _("Inspected at"),
        "sku": _("SKU"),
        "product": _("Item"),
        "lot": _("Lot or serial"),
        "quantity": _("Quantity"),
        "grade": _("Grade"),
        "disposition": _("Disposition"),
        "where": _("Where it went"),
        "inspector": _("Inspector"),
        "reason": _("Inspector's reason"),
        "note": _("Note"),
        "flag": _("Flagged"),
    }
    code = slugify(request.warehouse.code) if request.warehouse else "none"
    days = filters.start.isoformat()
    if filters.end != filters.start:
        days += f"-to-{filters.end.isoformat()}"
    return csv_answer(
        filename=f"returns-{code}-{days}.csv",
        columns=columns,
        rows=selectors.export(warehouse=request.warehouse, filters=filters),
    )


@require_POST
@role_required(Role.SUPERVISOR)
def release(request, item_id: int):
    """Free an item scanned and never graded, so its return can be closed."""
    get_object_or_404(Inspection, pk=item_id, ret__warehouse=request.warehouse)
    try:
        item = services.release(actor=request.user, warehouse=request.warehouse, item_id=item_id)
    except ScanRejected as rejected:
        messages.error(request, str(rejected))
    else:
        messages.success(
            request,
            _("%(qty)s × %(sku)s taken back off return %(ref)s: it can be scanned again")
            % {"qty": qty(item.quantity), "sku": item.product.sku, "ref": item.ret.reference},
        )
    # Back to the same days and filters: only a query string is taken, never another address.
    query = QueryDict(request.POST.get("query", "")).urlencode()
    return redirect(reverse("returns:report") + (f"?{query}" if query else ""))
