"""GS1 Digital Link URIs in the forms biip does not read: compressed, and the older ones.

`plain(uri)`: a link of GS1 Digital Link 1.0/1.1, whose path and query may name AIs by their short
names (/gtin/…/lot/…?exp=…, deprecated in URI Syntax 1.2 but printed on labels since 2018), or
end with a slash, rewritten with numeric AIs.

`decompress(uri)`: the compressed form, read back into GS1 element strings.

GS1 Digital Link Standard 1.1 (ratified Feb 2020), the chapter "Compression of GS1 Digital Link
URIs", kept in version 1.2: the path after the domain (and any path prefix) is one segment in the
URI-safe base64 alphabet (A–Z a–z 0–9 - _, 6 bits a character). Its bits hold, one after another:

- an AI as 4-bit digits: the first two say (Table P) whether the AI has 2, 3 or 4 digits;
- or two hex digits outside 00–99 naming a common sequence of AIs (Table Opt, e.g. 0B = 01 then 10);
- or F and a 7-bit length: a non-GS1 key=value pair (key in the base64 alphabet);
- then each value by the AI's format (Table F): a fixed-length number in the fewest bits that
  hold its digits, a variable-length number or text after its length in the fewest bits that hold
  the longest, text after a 3-bit encoding (000 digits, 001/010 lower/upper-case hex, 011 base64,
  100 7-bit ASCII).

A partly compressed form keeps the primary key in plain text: /01/09506000134352/<compressed>.
Query string AIs stay as they are. GS1's own implementation (GS1DigitalLinkCompressionPrototype)
is the reference the tests' examples were made with.
"""

import math
import re
from functools import cache
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

# biip's table of the General Specifications' AIs (a private name: biip is pinned in requirements.txt)
from biip.gs1_application_identifiers import _GS1_APPLICATION_IDENTIFIERS as AIS

_BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_SEGMENT = re.compile(r"[A-Za-z0-9_-]+")
_HEX = "0123456789ABCDEF"

# Table Opt: a code that stands for a sequence of AIs, each then followed by its value.
_OPTIMISATIONS = {
    "0A": ("01", "22"),
    "0B": ("01", "10"),
    "0C": ("01", "21"),
    "0D": ("01", "17"),
    "0E": ("01", "7003"),
    "0F": ("01", "30"),
    "1A": ("01", "10", "21", "17"),
    "1B": ("01", "15"),
    "1C": ("01", "11"),
    "1D": ("01", "16"),
    "1E": ("01", "91"),
    "1F": ("01", "10", "15"),
    **{f"2{x}": ("01", f"310{n}") for n, x in enumerate("ABCDEF")},
    **{f"3{x}": ("01", f"320{n}") for n, x in enumerate("ABCDEF")},
    "9A": ("8010", "8011"),
    "9B": ("8017", "8019"),
    "9C": ("8018", "8019"),
    "9D": ("414", "254"),
    **{f"A{n}": ("01", f"392{n}") for n in range(10)},
    **{f"C{n}": ("255", f"390{n}") for n in range(10)},
    **{f"C{x}": ("255", f"394{n}") for n, x in enumerate("ABCD")},
}

# Table F where it differs from the formats of today's General Specifications (which biip holds):
# the compressed form is read with the table it was written with.
_FORMAT_OF_THE_STANDARD = {
    "235": (("N", 3, False), ("X", 28, True)),
    "7040": (("N", 1, False), ("X", 3, False)),
    **{f"723{n}": (("X", 30, True),) for n in range(10)},
    "8007": (("X", 24, True),),
    "8013": (("X", 30, True),),
    **{f"395{n}": (("N", 6, False),) for n in range(6, 10)},
}

# The primary identification keys of a Digital Link: a compressed one names at least one.
PRIMARY_KEYS = frozenset(
    {"00", "01", "253", "255", "401", "402", "414", "415", "417"}
    | {"8003", "8004", "8006", "8010", "8013", "8017", "8018"}
)


# GS1 Digital Link 1.1's alphabetic short names for primary keys and key qualifiers (and exp,
# expdt in the query string), as GS1's toolkit of that standard lists them.
_SHORT_NAMES = {
    "gtin": "01", "itip": "8006", "cpid": "8010", "gln": "414", "payto": "415",
    "sscc": "00", "gsrnp": "8017", "gsrn": "8018", "gcn": "255", "gdti": "253", "ginc": "401",
    "gsin": "402", "grai": "8003", "giai": "8004", "cpv": "22", "lot": "10", "ser": "21",
    "cpsn": "8011", "glnx": "254", "srin": "8019",
}  # fmt: skip
_SHORT_QUERY_NAMES = {"exp": "17", "expdt": "7003"}


class NotCompressed(ValueError):
    """The text is not a compressed GS1 Digital Link."""


def plain(uri: str) -> str | None:
    """The link with numeric AIs for GS1 Digital Link 1.1's short names and without a trailing
    slash; None when there was nothing to rewrite."""
    parts = urlsplit(uri)
    segments = parts.path.split("/")
    while len(segments) > 1 and segments[-1] == "":
        segments.pop()  # "…/01/09506000134352/": a trailing slash is no empty value
    # Key positions run in pairs from the first primary key on; the path prefix before it stays.
    first = next(
        (i for i, segment in enumerate(segments) if segment.lower() in _SHORT_NAMES or segment in PRIMARY_KEYS), None
    )
    if first is not None:
        for i in range(first, len(segments), 2):
            segments[i] = _SHORT_NAMES.get(segments[i].lower(), segments[i])
    query = parse_qsl(parts.query, keep_blank_values=True)
    query = [(_SHORT_QUERY_NAMES.get(key.lower(), key), value) for key, value in query]
    rewritten = urlunsplit(parts._replace(path="/".join(segments), query=urlencode(query) if query else ""))
    return rewritten if rewritten != urlunsplit(parts) else None


def decompress(uri: str) -> list[tuple[str, str]]:
    """The (AI, value) pairs of a compressed or partly compressed GS1 Digital Link URI, in the
    order they were written; NotCompressed when it is not one."""
    parts = urlsplit(uri)
    if parts.scheme.lower() not in ("http", "https"):
        raise NotCompressed("not a web address")
    segments = [segment for segment in parts.path.split("/") if segment]
    if not segments or not _SEGMENT.fullmatch(segments[-1]):
        raise NotCompressed("no compressed segment")
    pairs = []
    if len(segments) >= 3 and segments[-3] in PRIMARY_KEYS:
        pairs.append((segments[-3], unquote(segments[-2])))  # the primary key left uncompressed
    pairs += _read_bits(_bits(segments[-1]))
    pairs += [(key, value) for key, value in parse_qsl(parts.query) if key in AIS]
    if not any(ai in PRIMARY_KEYS for ai, _value in pairs):
        raise NotCompressed("no primary identification key")
    return pairs


def _bits(segment: str) -> str:
    return "".join(format(_BASE64.index(char), "06b") for char in segment)


def _value_bits(digits: int) -> int:
    """Bits that hold any number of so many digits (the standard's +0.01 keeps 0 digits at 1 bit)."""
    return math.ceil(digits * math.log(10) / math.log(2) + 0.01)


def _length_bits(longest: int) -> int:
    return math.ceil(math.log(longest) / math.log(2) + 0.01)


class _Reader:
    def __init__(self, bits: str):
        self.bits, self.at = bits, 0

    def take(self, count: int) -> str:
        if self.at + count > len(self.bits):
            raise NotCompressed("the bits end inside a value")
        taken = self.bits[self.at : self.at + count]
        self.at += count
        return taken

    def number(self, count: int) -> int:
        return int(self.take(count), 2) if count else 0

    def hex_digit(self) -> str:
        return _HEX[self.number(4)]

    def digits(self, length: int) -> str:
        """A number of `length` digits, leading zeros kept."""
        value = self.number(_value_bits(length))
        if not length:
            return ""
        text = str(value)
        if len(text) > length:
            raise NotCompressed("a number longer than its field")
        return text.zfill(length)

    def text(self, length: int, encoding: int) -> str:
        """Text of `length` characters in the 3-bit `encoding` read before it."""
        if encoding == 0:
            return self.digits(length)
        if encoding in (1, 2):
            hex_text = "".join(self.hex_digit() for _ in range(length))
            return hex_text.lower() if encoding == 1 else hex_text
        if encoding == 3:
            return "".join(_BASE64[self.number(6)] for _ in range(length))
        if encoding == 4:
            text = "".join(chr(self.number(7)) for _ in range(length))
            if not text.isprintable():
                raise NotCompressed("a control character in a value")
            return text
        raise NotCompressed(f"no value encoding {encoding}")


def _read_bits(bits: str) -> list[tuple[str, str]]:
    reader = _Reader(bits)
    pairs = []
    while len(bits) - reader.at > 8:
        first, second = reader.hex_digit(), reader.hex_digit()
        if first.isdigit() and second.isdigit():
            ai = first + second
            length = _ai_length(ai)
            if length is None:
                raise NotCompressed(f"no AI starts {ai}")
            while len(ai) < length:
                digit = reader.hex_digit()
                if not digit.isdigit():
                    raise NotCompressed("an AI that is not all digits")
                ai += digit
            pairs.append((ai, _value(reader, ai)))
        elif first + second in _OPTIMISATIONS:
            pairs += [(ai, _value(reader, ai)) for ai in _OPTIMISATIONS[first + second]]
        elif first == "F":
            _skip_other_pair(reader)
        else:
            raise NotCompressed(f"no optimisation {first}{second}")
    # What is left is the padding to a whole base64 character: fewer than 6 zero bits.
    rest = bits[reader.at :]
    if len(rest) >= 6 or "1" in rest:
        raise NotCompressed("bits left over")
    return pairs


def _value(reader: _Reader, ai: str) -> str:
    value = ""
    for kind, size, variable in _format(ai):
        encoding = reader.number(3) if kind == "X" else None  # text says its encoding before its length
        length = reader.number(_length_bits(size)) if variable else size
        if length > size:
            raise NotCompressed("a value longer than its field")
        value += reader.digits(length) if encoding is None else reader.text(length, encoding)
    return value


def _skip_other_pair(reader: _Reader) -> None:
    """A non-GS1 key=value pair (after F: 7 bits of key length, the key, then its value)."""
    reader.at -= 4
    reader.take(6 * reader.number(7))
    encoding = reader.number(3)
    length = reader.number(7)
    bits = {0: _value_bits(length), 1: 4 * length, 2: 4 * length, 3: 6 * length, 4: 7 * length}.get(encoding)
    if bits is None:
        raise NotCompressed(f"no value encoding {encoding}")
    reader.take(bits)


@cache
def _ai_length(prefix: str) -> int | None:
    """Table P: how many digits the AIs that start with these two have."""
    lengths = {len(ai) for ai in AIS if ai.startswith(prefix)}
    return lengths.pop() if len(lengths) == 1 else None


@cache
def _format(ai: str) -> tuple[tuple[str, int, bool], ...]:
    """Table F: the AI's value as (N or X, length, variable?) parts, fixed-length numbers in a
    row taken as one, an optional part as a variable one."""
    if ai in _FORMAT_OF_THE_STANDARD:
        return _FORMAT_OF_THE_STANDARD[ai]
    if ai not in AIS:
        raise NotCompressed(f"no AI {ai}")
    parts: list[tuple[str, int, bool]] = []
    # e.g. "N4+N14[+X..16]": the first part is the AI itself; what is in brackets may be left out.
    for optional, kind, dots, size in re.findall(r"(\[?)\+([NXYZ])(\.\.)?(\d+)", AIS[ai].format):
        kind, size, variable = ("N" if kind == "N" else "X"), int(size), bool(dots or optional)
        if parts and kind == "N" == parts[-1][0] and not variable and not parts[-1][2]:
            parts[-1] = ("N", parts[-1][1] + size, False)
        else:
            parts.append((kind, size, variable))
    return tuple(parts)
