"""pick_scan exactly as it is, with 20 supervisors' floor dashboards open beside it: each keeps a
websocket on /ws/floor/ watching the bench warehouse and fetches the panels on every "changed"
message, at most once a second (bench/dashboards.py). Set against pick_scan, what open dashboards
cost the scanners."""

from scenarios.pick_scan import LEDGER, NORMAL, SATURATION, scanner  # noqa: F401 - the same scanners

NAME = "pick_scan_dashboards"
DATA = "pick_scan"
DASHBOARDS = 20
