"""The `zpl` filter: text made safe to print inside a ZPL field."""

import unicodedata

from django import template

register = template.Library()

# Inside ^FH^FD…^FS the printer reads "_" + two hex digits as one byte, so ^ (a command), ~ (a
# control command) and the escape character itself can be printed without ending the field.
_HEX = {"^": "_5E", "~": "_7E", "_": "_5F"}


@register.filter
def zpl(value) -> str:
    """For a field opened with ^FH: ^ ~ _ as hex escapes; line breaks, tabs and other control
    characters as single spaces (a label line is one line)."""
    text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in str(value))
    return "".join(_HEX.get(ch, ch) for ch in " ".join(text.split()))
