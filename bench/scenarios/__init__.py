"""Bench scenarios, one module each. To add one (say `pick_scan`), write `scenarios/pick_scan.py`
like `scan.py` and list its name in NAMES. A scenario module has:

- NAME, NORMAL (scanners and seconds between a scanner's requests), SATURATION (scanners, no pause),
  LEDGER (True when it posts moves: `check_ledger` runs after it);
- setup(base) -> list[dict]: runs inside Django in the bench database (bench/setup_data.py) and
  returns one JSON-able dict per scanner (sessions, bins, barcodes...);
- scanner(s, data): an async generator the load client drives. The code before its first `yield`
  prepares the scanner (not timed); each `yield Request(...)` is the next request, and the
  response comes back as the value of the `yield`.

A variant may drive another scenario's scanners with something beside them: it names that one in
DATA (its data is set up once, and the scanners go on where it left them) and takes its NORMAL,
SATURATION, LEDGER and scanner; DASHBOARDS, when set, is how many supervisors keep the floor
dashboard open meanwhile (bench/dashboards.py).

Scenario modules import nothing from Django at the top: the load client stays lean.
"""

import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Load:
    scanners: int
    # Seconds between one scanner's requests, drawn uniformly; None = closed loop, no pause.
    every: tuple[float, float] | None = None

    @property
    def offered_per_s(self) -> float | None:
        return self.scanners / (sum(self.every) / 2) if self.every else None


NAMES = [
    "login",
    "scan",
    "receive_scan",
    "putaway_scan",
    "pick_scan",
    "pick_scan_dashboards",
    "pack_scan",
    "count_scan",
    "inspect_scan",
]
# The fixture's entry for the supervisors whose dashboards are open beside a scenario.
DASHBOARDS = "dashboards"


def get(name: str):
    return importlib.import_module(f"scenarios.{name}")


def data_of(module) -> str:
    """The scenario whose data (and scanners) this one uses: its own, or DATA's."""
    return getattr(module, "DATA", module.NAME)
