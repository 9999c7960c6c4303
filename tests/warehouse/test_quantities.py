"""Quantities as a person reads them on a screen."""

from decimal import Decimal

from django.utils import translation

from floor.warehouse.quantities import qty


def test_a_quantity_has_no_trailing_zeros_and_the_readers_decimal_separator():
    with translation.override("en"):
        assert [qty(Decimal(v)) for v in ("10.000", "2.500", "0.125")] == ["10", "2.5", "0.125"]
    with translation.override("es"):
        assert qty(Decimal("2.500")) == "2,5"
    with translation.override("en"):  # the Spanish reading is not kept for the next English one
        assert qty(Decimal("2.500")) == "2.5"
