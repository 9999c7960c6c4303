"""Barcodes drawn as inline SVG, for label sheets and a carton's label preview.

Floor's own codes (bins, totes, plates, badges, documents, commands) are Code 128; a product's
GTIN prints as an EAN-13 (EAN-8 for a GTIN-8); a case GTIN-14, a lot or serial number, and an
SSCC print as GS1-128 with their application identifiers, as a vendor's label would carry them.
"""

import re
from functools import lru_cache

from barcode.charsets import code128
from barcode.codex import Code128, Gs1_128
from barcode.ean import EuropeanArticleNumber8, EuropeanArticleNumber13
from barcode.writer import SVGWriter
from django.utils.safestring import SafeString, mark_safe


class _Code128(Code128):
    """python-barcode 0.16.1 takes a symbol that starts in code set C with the pair "99" for a
    needless "switch to C" and drops it, so "99" printed as an empty symbol. In set C, 99 is data."""

    def _try_to_optimize(self, encoded: list[int]) -> list[int]:
        if encoded[0] == code128.START_CODES["C"] and len(encoded) > 1 and encoded[1] == 99:
            return encoded
        return super()._try_to_optimize(encoded)


# Sizes in mm. X (the narrowest bar) of 0.3 mm for short codes suits handhelds and phone cameras;
# EAN-13 at 0.33 mm is its nominal size. Quiet zones are at least 10 X.
_SYMBOLOGIES = {
    "code128": (_Code128, {"module_width": 0.3, "module_height": 12.0, "quiet_zone": 3.0}),
    "gs1_128": (Gs1_128, {"module_width": 0.25, "module_height": 12.0, "quiet_zone": 2.5}),
    "ean13": (EuropeanArticleNumber13, {"module_width": 0.33, "module_height": 18.0, "quiet_zone": 3.7}),
    "ean8": (EuropeanArticleNumber8, {"module_width": 0.33, "module_height": 18.0, "quiet_zone": 2.4}),
}
_ROOT = re.compile(r'<svg version="1.1" xmlns="http://www.w3.org/2000/svg" width="([\d.]+)" height="([\d.]+)">')


@lru_cache(maxsize=4096)
def barcode_svg(symbology: str, code: str) -> SafeString:
    """The barcode as an inline <svg>, at its true size in mm and free to shrink to fit its box.
    The human-readable text is left to the page (it prints more clearly as HTML)."""
    cls, options = _SYMBOLOGIES[symbology]
    writer = SVGWriter()
    writer.compress, writer.with_doctype = True, False  # no whitespace, no DOCTYPE
    if cls in (EuropeanArticleNumber13, EuropeanArticleNumber8):
        # Draw the digits as given: the label must scan as the stored code, check digit and all.
        symbol = cls(code, writer=writer, no_checksum=True)
    else:
        symbol = cls(code, writer=writer)
    svg = symbol.render({**options, "write_text": False}).decode()
    svg = svg[svg.index("<svg") :]  # drop the XML declaration
    svg = re.sub(r"<!--.*?-->", "", svg).replace(' id="barcode_group"', "")  # ids would repeat on the page
    # Coordinates in plain numbers (mm) under a viewBox, so CSS can scale the drawing as a whole;
    # bars are black by default, which halves the size. The white ground is an attribute, not a
    # style="": the Content-Security-Policy allows no inline style, and the ground would go black.
    svg = svg.replace('mm"', '"').replace(' style="fill:black;"', "").replace(' style="fill:white"', ' fill="white"')
    svg = _ROOT.sub(
        r'<svg xmlns="http://www.w3.org/2000/svg" width="\1mm" height="\2mm" viewBox="0 0 \1 \2" '
        r'class="barcode" aria-hidden="true" focusable="false">',
        svg,
    )
    return mark_safe(svg)  # noqa: S308 — built here from bars only; no text from the database in it
