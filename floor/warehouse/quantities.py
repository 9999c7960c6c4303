import re
from decimal import Decimal
from functools import lru_cache

from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from floor.errors import ScanRejected

# The ledger keeps quantities to the thousandth (Move.quantity: 12 digits, 3 decimals), and
# weights are kept to the gram: a finer number typed is refused, never rounded.
THOUSANDTH = Decimal("0.001")
# Far more than one scan stands for, far less than the columns hold: a line's tally of many such
# quantities still fits.
MOST_TYPED = Decimal(1_000_000)
# ASCII digits with at most one point: no sign, exponent, NaN, Infinity, "1_000" or "١٢", which
# Decimal() would all take.
_NUMBER = re.compile(r"(?=\.?[0-9])[0-9]*\.?[0-9]*", re.ASCII)
_COMMA = re.compile(r"[0-9.,]*,[0-9.,]*", re.ASCII)


def plain(value: Decimal) -> str:
    """10.000 → "10", 2.500 → "2.5": never "1E+1", as Decimal.normalize() alone would give."""
    return format(Decimal(value).normalize(), "f")


def qty(value: Decimal) -> str:
    """A quantity for a person: no trailing zeros, in their locale's number format."""
    return _localized(plain(value), get_language())


@lru_cache(maxsize=4096)
def _localized(number: str, language: str | None) -> str:
    # A screen shows a dozen quantities, mostly the same few: Django's formatting looks the
    # locale's separators up anew for each one.
    return number_format(number, use_l10n=True)


def read_quantity(typed: str, *, zero_allowed: bool = False, below: Decimal = MOST_TYPED) -> Decimal:
    """The number a person typed for a quantity or a weight: digits with a point and at most three
    decimals, more than zero (or zero, with `zero_allowed`) and less than `below`. Anything else is
    refused in their words: never rounded, so the screen never shows one number and posts another.

    A decimal comma is refused too: the scan screens' number fields send a point whatever the
    person's language, and "1,500" reads as 1.5 to one person and 1500 to another."""
    text = typed.strip()
    said = {"typed": _typed(text), "limit": qty(below)}
    if not text:
        raise ScanRejected(_("Type a number"))
    if text.startswith("-") and _NUMBER.fullmatch(text[1:]):
        if zero_allowed:
            raise ScanRejected(_("Type zero or more (typed %(typed)s)") % said)
        raise ScanRejected(_("Type more than zero (typed %(typed)s)") % said)
    if _COMMA.fullmatch(text):
        raise ScanRejected(_("Use a point for decimals, not a comma (typed %(typed)s)") % said)
    if not _NUMBER.fullmatch(text):
        raise ScanRejected(_("Type a number, in digits (typed %(typed)s)") % said)
    value = Decimal(text)
    if value == 0 and not zero_allowed:
        raise ScanRejected(_("Type more than zero (typed %(typed)s)") % said)
    if value >= below:
        raise ScanRejected(_("Too much — type less than %(limit)s (typed %(typed)s)") % said)
    if value != value.quantize(THOUSANDTH):
        raise ScanRejected(_("Too many decimals — 3 at most (typed %(typed)s)") % said)
    return value.quantize(THOUSANDTH)


def _typed(text: str, limit: int = 12) -> str:
    """What was typed, as a message can show it: short, nothing invisible."""
    shown = "".join(char if char.isprintable() else "?" for char in text[:limit])
    return shown + "…" if len(text) > limit else shown
