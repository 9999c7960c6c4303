"""Each warehouse's return grades: the buttons an inspector taps and where each sends the item.
A warehouse starts from settings.RETURN_GRADES; its supervisor edits the table from there."""

from django.conf import settings
from django.db import transaction
from django.utils import translation

from floor.returns.models import Inspection, ReturnGrade


def table_of(warehouse) -> list[ReturnGrade]:
    """All the warehouse's grades, out of use ones too, in button order."""
    rows = list(ReturnGrade.objects.filter(warehouse=warehouse))
    if rows:
        return rows
    # Its first read: the settings' table, in the site's language, becomes the warehouse's own.
    # Two first reads at once each insert it; the second one's rows are skipped, not an error.
    with translation.override(settings.LANGUAGE_CODE):
        starting = [
            ReturnGrade(warehouse=warehouse, code=code, words=str(words), disposition=disposition, position=position)
            for position, (code, (words, disposition)) in enumerate(settings.RETURN_GRADES.items(), start=1)
        ]
    ReturnGrade.objects.bulk_create(starting, ignore_conflicts=True)
    return list(ReturnGrade.objects.filter(warehouse=warehouse))


def _said(rows: list[ReturnGrade]) -> dict[str, str]:
    """Each grade's words in the language of the person reading: a starting grade no supervisor
    has renamed is said in theirs (it was stored in the site's), a renamed one as written."""
    with translation.override(settings.LANGUAGE_CODE):
        stored = {code: str(words) for code, (words, _where) in settings.RETURN_GRADES.items()}
    return {
        row.code: str(settings.RETURN_GRADES[row.code][0]) if stored.get(row.code) == row.words else row.words
        for row in rows
    }


def grades_of(warehouse) -> dict[str, tuple[str, str]]:
    """The grades an inspector may tap, in button order: code → (words, disposition)."""
    rows = table_of(warehouse)
    said = _said(rows)
    return {row.code: (said[row.code], row.disposition) for row in rows if row.active}


def words_of(warehouse) -> dict[str, str]:
    """Every grade's words, out of use ones too: items graded before keep theirs."""
    return _said(table_of(warehouse))


def used_codes(warehouse) -> set[str]:
    """Grades some item of the warehouse was given (undone ones too): these are never deleted."""
    graded = Inspection.objects.filter(ret__warehouse=warehouse).exclude(grade="")
    return set(graded.values_list("grade", flat=True).distinct())


@transaction.atomic
def save_table(*, warehouse, formset) -> bool:
    """Check and save a supervisor's edit of the table; False, with the formset's errors, when
    refused. One supervisor's save at a time, so two cannot each take out the last grade."""
    list(ReturnGrade.objects.select_for_update().filter(warehouse=warehouse).values_list("pk"))
    if not formset.is_valid():
        return False
    for row in formset.save(commit=False):
        row.warehouse = warehouse
        row.save()
    for row in formset.deleted_objects:
        row.delete()
    return True
