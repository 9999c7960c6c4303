"""Pack stations, carton types and print jobs for supervisors; a carton's label preview and a
label's print status for packers. Thin: each view parses, calls the service, renders."""

import re
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from floor.accounts.decorators import role_required
from floor.accounts.roles import Role
from floor.packing import printing
from floor.packing import stations as services
from floor.packing.labels import carton_label_content
from floor.packing.models import Carton, CartonType, PrintJob, Station
from floor.packing.scale import ScaleUnavailable, read_weight
from floor.warehouse.barcodes import barcode_svg

_HOST = re.compile(r"^[A-Za-z0-9.:\[\]-]{1,255}$")  # a host name, IPv4 or IPv6 address
JOB_ROWS = 100


def _no_warehouse(request):
    return render(request, "packing/stations/no_warehouse.html")


def _host(value: str) -> str:
    value = value.strip()
    if value and not _HOST.match(value):
        raise forms.ValidationError(_("A host name or an IP address, such as 10.0.4.21."))
    return value


class StationForm(forms.ModelForm):
    class Meta:
        model = Station
        fields = ["name", "barcode", "location", "printer_host", "printer_port", "scale_host", "scale_port", "active"]
        help_texts = {
            "printer_host": gettext_lazy("A thermal printer taking ZPL; blank: labels print from the preview page."),
            "scale_host": gettext_lazy("A scale speaking MT-SICS; blank: the packer types the weight."),
        }

    def __init__(self, *args, warehouse, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.location if self.instance.pk else None
        location = self.fields["location"]
        location.queryset = services.free_pack_locations(warehouse, keep=current)
        location.required = False
        location.label = _("Pack location")
        location.empty_label = _("A free pack location, or a new one")
        for name in ("printer_port", "scale_port"):
            self.fields[name].validators += [MinValueValidator(1), MaxValueValidator(65535)]
            self.fields[name].widget.attrs.update(min=1, max=65535)

    def clean_barcode(self):
        code = self.cleaned_data["barcode"].strip()
        if services.barcode_in_use(code, station=self.instance):
            raise forms.ValidationError(
                _("%(code)s is already in use: give the station a code of its own.") % {"code": code}
            )
        return code

    def clean_printer_host(self):
        return _host(self.cleaned_data["printer_host"])

    def clean_scale_host(self):
        return _host(self.cleaned_data["scale_host"])

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and not cleaned.get("location"):
            cleaned["location"] = self.instance.location  # an edit keeps its place unless moved
        return cleaned

    def _get_validation_exclusions(self):
        # The location is chosen (or made) on save when left blank.
        return {*super()._get_validation_exclusions(), "location"}


class CartonTypeForm(forms.ModelForm):
    class Meta:
        model = CartonType
        fields = ["code", "name", "barcode", "length_cm", "width_cm", "height_cm", "max_weight_kg", "tare_kg", "active"]

    def __init__(self, *args, warehouse, **kwargs):
        super().__init__(*args, **kwargs)
        self.warehouse = warehouse
        # A carton has a size and carries something; empty, it weighs nothing or more.
        for name, least in [
            ("length_cm", "0.1"),
            ("width_cm", "0.1"),
            ("height_cm", "0.1"),
            ("max_weight_kg", "0.001"),
            ("tare_kg", "0"),
        ]:
            self.fields[name].validators.append(MinValueValidator(Decimal(least)))
            self.fields[name].widget.attrs["min"] = least

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        taken = CartonType.objects.filter(warehouse=self.warehouse, code=code).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("This warehouse already has a carton type %(code)s.") % {"code": code})
        return code

    def clean_barcode(self):
        code = (self.cleaned_data["barcode"] or "").strip() or None
        if code and services.barcode_in_use(code, carton_type=self.instance):
            raise forms.ValidationError(
                _("%(code)s is already in use: give the carton type a code of its own.") % {"code": code}
            )
        return code


# --- Stations


@require_GET
@role_required(Role.SUPERVISOR)
def stations(request):
    if request.warehouse is None:
        return _no_warehouse(request)
    listed = Station.objects.filter(warehouse=request.warehouse).select_related("location").order_by("name", "pk")
    return render(request, "packing/stations/list.html", {"stations": listed})


@require_http_methods(["GET", "POST"])
@role_required(Role.SUPERVISOR)
def station_form(request, station_id=None):
    if request.warehouse is None:
        return _no_warehouse(request)
    station = get_object_or_404(Station, pk=station_id, warehouse=request.warehouse) if station_id else None
    form = StationForm(request.POST or None, instance=station, warehouse=request.warehouse)
    if request.method == "POST" and form.is_valid():
        if station is None:
            station = services.add_station(warehouse=request.warehouse, **form.cleaned_data)
        else:
            station = form.save()
        messages.success(request, _("Station %(name)s saved.") % {"name": station.name})
        return redirect("stations:station_edit", station.pk)
    return render(request, "packing/stations/form.html", {"form": form, "station": station})


@require_POST
@role_required(Role.SUPERVISOR)
def test_printer(request, station_id):
    """Send a small label now, and say whether the printer took it."""
    station = get_object_or_404(Station, pk=station_id, warehouse=request.warehouse)
    if not station.printer_host:
        return _device(
            request,
            ok=False,
            said=_("No printer set for %(station)s: labels print from the preview page.") % {"station": station.name},
        )
    job = printing.print_test_label(station=station)
    if job.state == PrintJob.State.SENT:
        return _device(request, ok=True, said=_("Test label sent to %(station)s.") % {"station": station.name})
    return _device(request, ok=False, said=_("Label failed: %(error)s") % {"error": job.last_error})


@require_POST
@role_required(Role.SUPERVISOR)
def read_scale(request, station_id):
    station = get_object_or_404(Station, pk=station_id, warehouse=request.warehouse)
    try:
        weight = read_weight(station)
    except ScaleUnavailable as unavailable:
        return _device(request, ok=False, said=unavailable.message)
    return _device(request, ok=True, said=_("The scale reads %(weight)s kg.") % {"weight": weight})


def _device(request, *, ok: bool, said: str):
    if request.htmx:
        return render(request, "packing/stations/_device.html", {"ok": ok, "said": said})
    (messages.success if ok else messages.error)(request, said)
    return redirect("stations:station_edit", request.resolver_match.kwargs["station_id"])


# --- Carton types


@require_GET
@role_required(Role.SUPERVISOR)
def carton_types(request):
    if request.warehouse is None:
        return _no_warehouse(request)
    listed = CartonType.objects.filter(warehouse=request.warehouse).order_by("-active", "length_cm", "width_cm", "code")
    return render(request, "packing/stations/carton_types.html", {"carton_types": listed})


@require_http_methods(["GET", "POST"])
@role_required(Role.SUPERVISOR)
def carton_type_form(request, carton_type_id=None):
    if request.warehouse is None:
        return _no_warehouse(request)
    carton_type = (
        get_object_or_404(CartonType, pk=carton_type_id, warehouse=request.warehouse) if carton_type_id else None
    )
    form = CartonTypeForm(request.POST or None, instance=carton_type, warehouse=request.warehouse)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.warehouse = request.warehouse
        saved.save()
        messages.success(request, _("Carton type %(code)s saved.") % {"code": saved.code})
        return redirect("stations:carton_types")
    return render(request, "packing/stations/carton_type_form.html", {"form": form, "carton_type": carton_type})


@require_POST
@role_required(Role.SUPERVISOR)
def carton_type_toggle(request, carton_type_id):
    """Take a carton type out of use (packers are no longer offered it), or back into use."""
    carton_type = get_object_or_404(CartonType, pk=carton_type_id, warehouse=request.warehouse)
    carton_type.active = not carton_type.active
    carton_type.save(update_fields=["active"])
    if carton_type.active:
        messages.success(request, _("Carton type %(code)s is in use again.") % {"code": carton_type.code})
    else:
        messages.success(request, _("Carton type %(code)s is no longer offered.") % {"code": carton_type.code})
    return redirect("stations:carton_types")


# --- Print jobs and labels


@require_GET
@role_required(Role.SUPERVISOR)
def jobs(request):
    """Labels sent to the warehouse's printers, failed ones first, each with a retry."""
    if request.warehouse is None:
        return _no_warehouse(request)
    state = request.GET.get("state", PrintJob.State.FAILED)
    mine = PrintJob.objects.filter(station__warehouse=request.warehouse)
    counts = dict(mine.values_list("state").annotate(n=Count("pk")).order_by())
    listed = mine.filter(state=state).select_related("station", "carton__order").order_by("-created_at")[:JOB_ROWS]
    return render(
        request,
        "packing/stations/jobs.html",
        {
            "jobs": listed,
            "state": state,
            "states": [(value, label, counts.get(value, 0)) for value, label in PrintJob.State.choices],
        },
    )


def _job(request, job_id) -> PrintJob:
    return get_object_or_404(
        PrintJob.objects.select_related("station", "carton"), pk=job_id, station__warehouse=request.warehouse
    )


@require_GET
@role_required(Role.PACKER)
def job(request, job_id):
    """A label's print status, asked again while it is on its way."""
    shown = _job(request, job_id)
    return render(request, "packing/_print_status.jinja", {"job": shown, "carton": shown.carton}, using="screens")


@require_POST
@role_required(Role.PACKER)
def retry(request, job_id):
    sent_again = printing.retry(_job(request, job_id))
    context = {"job": sent_again, "carton": sent_again.carton}
    return render(request, "packing/_print_status.jinja", context, using="screens")


@require_GET
@role_required(Role.PACKER)
def label(request, carton_id):
    """A carton's label as a 4 × 6 in page, for a station without a thermal printer."""
    carton = get_object_or_404(
        Carton.objects.select_related("order__warehouse", "station"), pk=carton_id, order__warehouse=request.warehouse
    )
    content = carton_label_content(carton)
    svg = barcode_svg("gs1_128", content.element_string) if content.sscc else None
    return render(request, "packing/preview.html", {"carton": carton, "label": content, "svg": svg})
