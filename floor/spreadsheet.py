"""CSV for supervisors to open in a spreadsheet: the answer, its header row, and cells that a
spreadsheet cannot run."""

import csv
from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import gettext as _

# A spreadsheet runs a cell that starts like a formula: such text is written with a ' before it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal):
        return f"{value:f}"  # a number of ours: a minus here is a loss, not a formula
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_answer(*, filename: str, columns: dict[str, str], rows) -> HttpResponse:
    """A CSV download: `columns` maps each row's keys to their headings, in order."""
    # Written whole rather than streamed: under ASGI a streamed answer is gathered in memory anyway.
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so a spreadsheet reads the names as UTF-8
    writer = csv.writer(response)
    writer.writerow(columns.values())
    for row in rows:
        writer.writerow(cell(row[name]) for name in columns)
    return response
