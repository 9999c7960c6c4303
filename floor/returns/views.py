from django.conf import settings
from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from floor.accounts.decorators import role_required
from floor.accounts.roles import Role
from floor.returns import grading, photos, services
from floor.returns.forms import GradeFormSet
from floor.returns.models import Disposition, InspectionPhoto, InspectorPlace
from floor.scanning import flow


def _screen(request, outcome=None, error=None, status=200, review=False):
    if outcome:
        place = outcome.inspector_place
    elif request.warehouse is not None:
        place = services.open_place(actor=request.user, warehouse=request.warehouse)
    else:
        place = InspectorPlace(actor=request.user)  # nothing to inspect without a warehouse
    review = review and place.step == "item"
    context = {
        "place": place,
        "ret": place.ret if place.ret_id else None,
        # The lines show at the item scan and on the close screen; not while a grade is awaited.
        "summary": (
            services.summary(place.ret, warehouse=request.warehouse, by_grade=review) if place.step == "item" else None
        ),
        "review": review,
        "grades": grading.grades_of(request.warehouse) if place.step == "grade" else {},
        "dispositions": Disposition.choices,
        "reasons": settings.RETURN_REASONS,
        "photos": photos.photos_of(place),
        "most_photos": settings.RETURN_PHOTO_MAX_PER_ITEM,
        "undo_preview": services.undo_preview(place, outcome.done if outcome else None),
        **flow.feedback(outcome, error),
    }
    return flow.answer(request, "returns/_screen.jinja", "returns/inspect.html", context, status)


@require_GET
@role_required(Role.INSPECTOR)
def inspect(request):
    return _screen(request, error=flow.no_warehouse() if request.warehouse is None else None)


@require_GET
@role_required(Role.INSPECTOR)
def review(request):
    """The summary before closing: expected, received and missing, by grade and disposition."""
    return _screen(request, error=flow.no_warehouse() if request.warehouse is None else None, review=True)


@require_POST
@role_required(Role.INSPECTOR)
def scan(request):
    outcome, error = flow.scanned(request, services.handle_scan)
    return _screen(request, outcome, error)


@require_POST
@role_required(Role.INSPECTOR)
def grade(request):
    outcome, error = flow.attempt(
        request,
        services.grade,
        grade=request.POST.get("grade", ""),
        disposition=request.POST.get("disposition", ""),
        reason=request.POST.get("reason", ""),
        note=request.POST.get("note", ""),
        **flow.keys(request),
    )
    return _screen(request, outcome, error)


@require_POST
@role_required(Role.INSPECTOR)
def photo_add(request):
    outcome, error = flow.attempt(request, photos.photograph, upload=request.FILES.get("photo"))
    return _screen(request, outcome, error)


@require_GET
@role_required(Role.INSPECTOR)
def photo(request, photo_id):
    """A photo of a returned item, to the people of its warehouse only: there is no public URL."""
    photo = get_object_or_404(InspectionPhoto, pk=photo_id, inspection__ret__warehouse=request.warehouse)
    answer = FileResponse(photo.image.open("rb"), content_type=photo.content_type)
    answer["Cache-Control"] = "private, max-age=86400"  # a photo never changes
    return answer


@require_POST
@role_required(Role.INSPECTOR)
def undo(request):
    outcome, error = flow.attempt(request, services.undo, **flow.keys(request))
    return _screen(request, outcome, error)


@require_POST
@role_required(Role.INSPECTOR)
def close(request):
    outcome, error = flow.attempt(request, services.close, **flow.keys(request))
    return _screen(request, outcome, error)


@require_POST
@role_required(Role.INSPECTOR)
def approve(request):
    outcome, error = flow.attempt(request, services.approve, pin=request.POST.get("pin", ""), **flow.keys(request))
    return _screen(request, outcome, error)


@require_POST
@role_required(Role.INSPECTOR)
def unknown(request):
    """A parcel with no order and no RMA."""
    outcome, error = flow.attempt(request, services.open_unknown, **flow.keys(request))
    return _screen(request, outcome, error)


@require_http_methods(["GET", "POST"])
@role_required(Role.SUPERVISOR)
def grades(request):
    """The warehouse's grades: their words, where one tap sends the item, their order, in use."""
    if request.warehouse is None:
        return render(request, "returns/grades.html", {"formset": None})
    grading.table_of(request.warehouse)  # a warehouse never edited shows its starting table
    formset = GradeFormSet(request.POST or None, warehouse=request.warehouse)
    if request.method == "POST":
        if grading.save_table(warehouse=request.warehouse, formset=formset):
            messages.success(request, _("Return grades saved: the next tap follows them."))
            return redirect("returns:grades")
        messages.error(request, _("Nothing saved: see what needs changing below."))
    return render(request, "returns/grades.html", {"formset": formset, "used": grading.used_codes(request.warehouse)})
