"""Read back what a rendered label says, from its bars alone, as a scanner would.

The EAN tables are written out here from the standard rather than taken from python-barcode, so a
label that decodes here was drawn right. Code 128 takes its bar patterns from python-barcode, but
the start code, code sets, FNC1 and check symbol are worked out here.
"""

import re

from barcode.charsets.code128 import CODES as CODE128_PATTERNS

_BAR = re.compile(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"')
_LABEL = re.compile(r'<figure class="label" data-code="([^"]*)">\s*(<svg.*?</svg>)', re.S)

FNC1 = "\x1d"  # how an FNC1 inside the data reads (GS), as scanners send it


def modules(svg: str) -> str:
    """The symbol as a string of 1 (bar) and 0 (space) modules, quiet zones left out."""
    bars = [(float(x), float(width)) for x, width in _BAR.findall(svg)]
    unit = min(width for _, width in bars)
    out, at = [], bars[0][0]
    for x, width in bars:
        out.append("0" * round((x - at) / unit) + "1" * round(width / unit))
        at = x + width
    return "".join(out)


def labels_on(html: str) -> dict[str, str]:
    """Each label on a page: its data-code → its <svg>."""
    return dict(_LABEL.findall(html))


# --- Code 128 / GS1-128

_VALUE_OF = {pattern: value for value, pattern in enumerate(CODE128_PATTERNS)}
_START = {103: "A", 104: "B", 105: "C"}
_SWITCH = {"A": {99: "C", 100: "B"}, "B": {99: "C", 101: "A"}, "C": {100: "B", 101: "A"}}


def code128(svg: str) -> str:
    """The data of a Code 128 symbol; a GS1-128 one comes back as ']C1' + its element string."""
    bits = modules(svg)
    assert bits.endswith("1100011101011"), "no stop pattern"
    body = bits[:-13]
    assert len(body) % 11 == 0, f"{len(body)} modules is not a whole number of symbols"
    values = [_VALUE_OF[body[i : i + 11]] for i in range(0, len(body), 11)]
    *data, check = values
    assert check == (data[0] + sum(i * v for i, v in enumerate(data[1:], start=1))) % 103, "bad check symbol"
    charset, out = _START[data[0]], []
    for position, value in enumerate(data[1:]):
        if value == 102:
            out.append("]C1" if position == 0 else FNC1)
        elif value in _SWITCH[charset]:
            charset = _SWITCH[charset][value]
        elif charset == "C" and value < 100:
            out.append(f"{value:02d}")
        elif charset == "B" and value < 96:
            out.append(chr(value + 32))
        elif charset == "A" and value < 96:
            out.append(chr(value + 32) if value < 64 else chr(value - 64))
        else:
            raise AssertionError(f"unexpected symbol {value} in code set {charset}")
    return "".join(out)


# --- EAN-13

_L = ["0001101", "0011001", "0010011", "0111101", "0100011", "0110001", "0101111", "0111011", "0110111", "0001011"]
_R = ["".join("1" if m == "0" else "0" for m in pattern) for pattern in _L]
_G = [pattern[::-1] for pattern in _R]
_FIRST_DIGIT = ["LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG", "LGGLLG", "LGGGLL", "LGLGLG", "LGLGGL", "LGGLGL"]


def ean13(svg: str) -> str:
    bits = modules(svg)
    assert len(bits) == 95 and bits[:3] == bits[-3:] == "101" and bits[45:50] == "01010", "not an EAN-13"
    left = [bits[3 + 7 * i : 10 + 7 * i] for i in range(6)]
    right = [bits[50 + 7 * i : 57 + 7 * i] for i in range(6)]
    parity, digits = "", []
    for pattern in left:
        if pattern in _L:
            parity, digit = parity + "L", _L.index(pattern)
        else:
            parity, digit = parity + "G", _G.index(pattern)
        digits.append(str(digit))
    digits += [str(_R.index(pattern)) for pattern in right]
    return str(_FIRST_DIGIT.index(parity)) + "".join(digits)


def gs1_check_digit_ok(code: str) -> bool:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(reversed(code)))
    return total % 10 == 0


def ean8(svg: str) -> str:
    bits = modules(svg)
    assert len(bits) == 67 and bits[:3] == bits[-3:] == "101" and bits[31:36] == "01010", "not an EAN-8"
    left = [_L.index(bits[3 + 7 * i : 10 + 7 * i]) for i in range(4)]
    right = [_R.index(bits[36 + 7 * i : 43 + 7 * i]) for i in range(4)]
    return "".join(str(d) for d in left + right)


def read(svg: str) -> str:
    """What a scanner sends for the symbol, whichever of Floor's symbologies it is."""
    length = len(modules(svg))
    if length == 95:
        return ean13(svg)
    if length == 67:
        return ean8(svg)
    return code128(svg)
