"""A station's network scale, read over TCP in MT-SICS (Mettler Toledo's standard set).

"SI" asks for the weight at once; the answer is "S S <weight> <unit>" when it is steady and
"S D …" while it still moves. A moving scale is asked again a few times, then the packer is told
to wait. Errors are ScanRejected, so the packer sees them and can type the weight instead.
"""

import re
import socket
import time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.utils.translation import gettext as _

from floor.errors import ScanRejected

READS = 3  # a moving scale is asked this many times in all
PAUSE_SECONDS = 0.3  # between two reads of a moving scale
_MAX_ANSWER = 256

_ANSWER = re.compile(r"^S\s+(?P<status>[SD])\s+(?P<weight>[-+]?\d+(?:\.\d+)?)\s+(?P<unit>\S+)$")
_TO_KG = {
    "kg": Decimal(1),
    "g": Decimal("0.001"),
    "lb": Decimal("0.45359237"),
    "oz": Decimal("0.028349523125"),
}
_GRAM = Decimal("0.001")


class ScaleUnavailable(ScanRejected):
    """The scale gave no usable weight: the packer reads again or types it."""

    sound = "warning"


def read_weight(station) -> Decimal:
    """The steady weight on the station's scale, in kg to the gram."""
    if not station.scale_host:
        raise ScaleUnavailable(_("%(station)s has no scale — type the weight") % {"station": station.name})
    try:
        with socket.create_connection(
            (station.scale_host, station.scale_port), timeout=settings.STATION_TIMEOUT_SECONDS
        ) as connection:
            for read in range(READS):
                if read:
                    time.sleep(PAUSE_SECONDS)
                status, weight = _parse(_ask(connection), station)
                if status == "S":
                    return weight
    except OSError as error:
        raise ScaleUnavailable(
            _("Scale at %(station)s does not answer — type the weight") % {"station": station.name}
        ) from error
    raise ScaleUnavailable(_("Scale not steady — wait and read again"))


def _ask(connection: socket.socket) -> str:
    connection.sendall(b"SI\r\n")
    answer = b""
    while not answer.endswith(b"\n") and len(answer) < _MAX_ANSWER:
        chunk = connection.recv(_MAX_ANSWER)
        if not chunk:
            break
        answer += chunk
    return answer.decode("ascii", errors="replace").strip()


def _parse(answer: str, station) -> tuple[str, Decimal]:
    """("S" steady or "D" moving, the weight in kg), or what the scale said in a person's words."""
    names = {"station": station.name}
    words = answer.split()
    if words[:2] == ["S", "+"]:
        raise ScaleUnavailable(_("Too heavy for the scale at %(station)s — type the weight") % names)
    if words[:2] == ["S", "-"]:
        raise ScaleUnavailable(_("Scale at %(station)s reads below zero — clear it and read again") % names)
    if words[:2] == ["S", "I"]:
        raise ScaleUnavailable(_("Scale at %(station)s is busy — read again") % names)
    found = _ANSWER.match(answer)
    unit = found["unit"].lower() if found else None
    if unit not in _TO_KG:
        raise ScaleUnavailable(_("Scale at %(station)s answered something Floor cannot read — type the weight") % names)
    try:
        weight = (Decimal(found["weight"]) * _TO_KG[unit]).quantize(_GRAM, rounding=ROUND_HALF_UP)
    except InvalidOperation:  # more digits than a weight has
        raise ScaleUnavailable(
            _("Scale at %(station)s answered something Floor cannot read — type the weight") % names
        ) from None
    if found["status"] == "S" and weight <= 0:
        raise ScaleUnavailable(_("Scale at %(station)s shows no weight — put the carton on it") % names)
    return found["status"], weight
