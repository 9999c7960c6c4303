"""A carton's shipping label in ZPL II, rendered by a Django template for a Zebra-type printer.

Text from the database (warehouse, customer, carrier, order reference) is printed through ^FH with
^ ~ _ as hex escapes (the `zpl` template filter), so a customer called "A^B~C" prints as typed
instead of ending the field or starting a command. The label is in the language active when it is
rendered (the packer's), with the weight written in that language's number format.
"""

import textwrap

from django.template.loader import render_to_string

from floor.packing.labels import carton_label_content

TEMPLATE = "packing/labels/carton.zpl"
TEST_TEMPLATE = "packing/labels/test.zpl"

# Ship-to: up to 3 lines of 28 characters (about 22 dots each in ^A0N,48,40), 56 dots apart.
_SHIP_TO_WIDTH, _SHIP_TO_LINES, _SHIP_TO_TOP, _SHIP_TO_STEP = 28, 3, 182, 56


def _ship_to_lines(customer: str) -> list[tuple[int, str]]:
    lines = textwrap.wrap(" ".join(customer.split()), _SHIP_TO_WIDTH, max_lines=_SHIP_TO_LINES, placeholder=" ...")
    return [(_SHIP_TO_TOP + i * _SHIP_TO_STEP, line) for i, line in enumerate(lines)]


def carton_label(carton, *, total: int | None = None) -> str:
    """The ZPL of a closed carton's label (it needs the carton's SSCC). `total`: the order's number
    of cartons when known; otherwise the cartons it has so far (see `carton_label_content`)."""
    if not carton.sscc:
        raise ValueError(f"Carton {carton.pk} has no SSCC yet: its label is printed when it is closed")
    label = carton_label_content(carton, total=total)
    return _render(TEMPLATE, {"label": label, "ship_to_lines": _ship_to_lines(label.ship_to)})


def printer_test_label(station) -> str:
    """A small label that says which station's printer it came out of."""
    return _render(TEST_TEMPLATE, {"station": station})


def _render(template: str, context: dict) -> str:
    # One line per command, one newline at the end: what the golden file holds.
    return render_to_string(template, context).strip() + "\n"
