"""What a scan stands for in the item's own unit: `units_of(scan, product)`, for every flow's item scan.

A variable measure label (GS1 General Specifications 3.6.2: a net weight, length, area or volume,
AIs 310n–369n, or a store's weight label) says how much of an item measured in kg, lb, l, m… it
holds: that measure, converted to the item's unit. It does not say how many of an item counted in
units, nor how much of an item measured in another dimension: those are refused in words. A scan
with no measure stands for what the parser counted (1, a case's quantity, a GS1 count).

The factors are exact, from the definitions: the international yard and pound (1959: 1 yd =
0.9144 m, 1 lb = 0.45359237 kg), the US gallon (231 in³) and the troy ounce (480 grains). The
result is rounded, half up, to the ledger's precision, the thousandth of the item's unit (Floor
does not pull Odoo's per-unit rounding; its default, 0.01, is coarser than the ledger's).
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from floor.errors import ScanRejected
from floor.scanning.parser import Scan
from floor.warehouse.models import Product
from floor.warehouse.quantities import MOST_TYPED, THOUSANDTH, qty

WEIGHT, VOLUME, LENGTH, AREA = "weight", "volume", "length", "area"
_INCH = Decimal("0.0254")  # m
_CUBIC_INCH = _INCH**3 * 1000  # l
# Each unit: what it measures, and how many of that dimension's base unit (kg, l, m, m²) one is.
UNITS: dict[str, tuple[str, Decimal]] = {
    "kg": (WEIGHT, Decimal(1)),
    "g": (WEIGHT, Decimal("0.001")),
    "mg": (WEIGHT, Decimal("0.000001")),
    "t": (WEIGHT, Decimal(1000)),
    "lb": (WEIGHT, Decimal("0.45359237")),
    "oz": (WEIGHT, Decimal("0.45359237") / 16),  # avoirdupois: 0.028349523125 kg
    "ozt": (WEIGHT, Decimal("0.0311034768")),  # troy: 480 grains of 64.79891 mg
    "l": (VOLUME, Decimal(1)),
    "ml": (VOLUME, Decimal("0.001")),
    "cl": (VOLUME, Decimal("0.01")),
    "m3": (VOLUME, Decimal(1000)),
    "in3": (VOLUME, _CUBIC_INCH),  # 0.016387064 l
    "ft3": (VOLUME, _CUBIC_INCH * 1728),
    "yd3": (VOLUME, _CUBIC_INCH * 46656),
    "gal": (VOLUME, _CUBIC_INCH * 231),  # US gallon: 3.785411784 l
    "qt": (VOLUME, _CUBIC_INCH * 231 / 4),  # US liquid quart
    "floz": (VOLUME, _CUBIC_INCH * 231 / 128),  # US fluid ounce
    "m": (LENGTH, Decimal(1)),
    "cm": (LENGTH, Decimal("0.01")),
    "mm": (LENGTH, Decimal("0.001")),
    "km": (LENGTH, Decimal(1000)),
    "in": (LENGTH, _INCH),
    "ft": (LENGTH, _INCH * 12),
    "yd": (LENGTH, _INCH * 36),
    "mi": (LENGTH, _INCH * 63360),
    "m2": (AREA, Decimal(1)),
    "cm2": (AREA, Decimal("0.0001")),
    "in2": (AREA, _INCH**2),
    "ft2": (AREA, (_INCH * 12) ** 2),
    "yd2": (AREA, (_INCH * 36) ** 2),
}
# The names an item's unit goes by, written as _spelled() leaves them: Odoo's own (the pull
# brings uom_id's name: "kg", "L", "fl oz (US)", "m²"…) and the usual words.
_NAMES = {
    **{unit: unit for unit in UNITS},
    **dict.fromkeys(("kgs", "kilo", "kilos", "kilogram", "kilograms", "kilogramme", "kilogrammes"), "kg"),
    **dict.fromkeys(("gr", "gram", "grams", "gramme", "grammes"), "g"),
    **dict.fromkeys(("tonne", "tonnes", "metricton"), "t"),
    **dict.fromkeys(("lbs", "pound", "pounds"), "lb"),
    **dict.fromkeys(("ounce", "ounces"), "oz"),
    **dict.fromkeys(("liter", "liters", "litre", "litres", "ltr"), "l"),
    **dict.fromkeys(("milliliter", "milliliters", "millilitre", "millilitres"), "ml"),
    **dict.fromkeys(("gallon", "gallons"), "gal"),
    **dict.fromkeys(("quart", "quarts"), "qt"),
    **dict.fromkeys(("fluidounce", "fluidounces"), "floz"),
    **dict.fromkeys(("meter", "meters", "metre", "metres"), "m"),
    **dict.fromkeys(("inch", "inches"), "in"),
    **dict.fromkeys(("foot", "feet"), "ft"),
    **dict.fromkeys(("yard", "yards"), "yd"),
    **dict.fromkeys(("mile", "miles"), "mi"),
    **dict.fromkeys(("sqm", "squaremeter", "squaremeters", "squaremetre", "squaremetres"), "m2"),
    **dict.fromkeys(("sqft", "squarefoot", "squarefeet"), "ft2"),
}
# How a unit is written for a person, where Floor's own spelling is not it.
_SHOWN = {"m2": "m²", "cm2": "cm²", "in2": "in²", "ft2": "ft²", "yd2": "yd²", "m3": "m³", "in3": "in³",
          "ft3": "ft³", "yd3": "yd³", "floz": "fl oz", "ozt": "oz t"}  # fmt: skip


def _spelled(name: str) -> str:
    """A unit's name without case, spaces, points, "(US)" or superscripts: "fl oz (US)" → "floz"."""
    text = name.lower().replace("²", "2").replace("³", "3").replace("(us)", "")
    return "".join(char for char in text if char not in " ._-")


def unit_of(product: Product) -> str | None:
    """The unit an item is measured in (one of UNITS), or None: it is counted (Units, Dozens, a box…)."""
    return _NAMES.get(_spelled(product.uom or ""))


def measured(quantity: Decimal, unit: str) -> str:
    """A measured quantity for a person, as a scale shows it: "1.250 kg", "2 kg", in their locale."""
    value = Decimal(quantity).quantize(THOUSANDTH, rounding=ROUND_HALF_UP)
    # qty() drops trailing zeros: 1.25 would read "1.25", where a scale shows "1.250".
    shown = qty(value) if value == value.to_integral_value() else number_format(format(value, "f"), use_l10n=True)
    return f"{shown} {_SHOWN.get(unit, unit)}"


def amount(quantity: Decimal, product: Product) -> str:
    """So much of an item, for a person: with its unit where it is measured ("1.250 kg"), else
    the number alone (units are what the screens count by)."""
    unit = unit_of(product)
    return measured(quantity, unit) if unit is not None else qty(quantity)


def units_of(scan: Scan, product: Product) -> Decimal:
    """What `scan` stands for in `product`'s unit. A label's weight or measure, where it has one:
    converted to the unit the item is measured in, to the thousandth. Refused, in words, where it
    cannot say how much: an item counted in units (unless the label counts them too: a GS1 count,
    a case code's quantity), or measured in another dimension. A serial number is one unit,
    whatever it weighs. No measure: the scan's own quantity."""
    if scan.measure is None or product.tracking == Product.Tracking.SERIAL:
        return scan.quantity
    dimension, factor = UNITS[scan.measure_unit]
    said = {
        "sku": product.sku,
        "unit": product.uom,
        "what": _label_of(dimension),
        "measure": measured(scan.measure, scan.measure_unit),
    }
    kept = unit_of(product)
    if kept is None:
        if scan.quantity != 1:  # the label counts the units too, or its code stands for a case
            return scan.quantity
        raise ScanRejected(_("%(sku)s is counted in %(unit)s: %(what)s (%(measure)s) does not say how many") % said)
    kept_dimension, kept_factor = UNITS[kept]
    if kept_dimension != dimension:
        raise ScanRejected(_("%(sku)s is measured in %(unit)s: %(what)s (%(measure)s) does not say how much") % said)
    value = (scan.measure * factor / kept_factor).quantize(THOUSANDTH, rounding=ROUND_HALF_UP)
    if value <= 0:
        raise ScanRejected(_("The label says %(measure)s — nothing of %(sku)s to count") % said)
    if value >= MOST_TYPED:
        raise ScanRejected(_("The label says %(measure)s — too much for one scan of %(sku)s") % said)
    return value


def _label_of(dimension: str) -> str:
    """A label by what it measures, as a message names it: "a weight label"."""
    return {
        WEIGHT: pgettext("what a label measures", "a weight label"),
        VOLUME: pgettext("what a label measures", "a volume label"),
        LENGTH: pgettext("what a label measures", "a length label"),
        AREA: pgettext("what a label measures", "an area label"),
    }[dimension]
