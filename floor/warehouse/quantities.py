from decimal import Decimal

from django.utils.formats import number_format


def plain(value: Decimal) -> str:
    """10.000 → "10", 2.500 → "2.5": never "1E+1", as Decimal.normalize() alone would give."""
    return format(Decimal(value).normalize(), "f")


def qty(value: Decimal) -> str:
    """A quantity for a person: no trailing zeros, in their locale's number format."""
    return number_format(plain(value), use_l10n=True)
