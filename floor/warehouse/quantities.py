from decimal import Decimal
from functools import lru_cache

from django.utils.formats import number_format
from django.utils.translation import get_language


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
