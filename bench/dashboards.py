"""Open floor dashboards beside a scenario's scanners, as supervisors keep them on a desk or a
wall: each one signed in, its page loaded once, a websocket on /ws/floor/ watching the warehouse's
floor, and on every "changed" message the panels redrawn, at most once a second with the burst's
last change included, as static/js/dashboard.js does: from the drawing the message brings, or
asked for when it brings none (and every QUIET_S). That is the whole cost of an open dashboard:
its websocket, the messages, and the panels it asks for.

The websocket is the `websockets` package uvicorn[standard] already installs; the panels come over
the bench's own HTTP client (wire.py).
"""

import asyncio
import json
import math
from collections import Counter

from websockets.asyncio.client import connect
from wire import Request, Response, Scanner

EVERY_S = 1.0  # dashboard.js: at most one redraw a second
QUIET_S = 30.0  # dashboard.js: and one every 30 s on a quiet floor
TIMEOUT_S = 30.0


def _panels_drawn(response: Response) -> str | None:
    return None if response.status == 200 else f"HTTP {response.status}"


class Dashboard:
    def __init__(self, n: int, host: str, port: int, data: dict, log: "Dashboards"):
        self.http = Scanner(n, host, port)
        self.http.cookies["sessionid"] = data["session"]
        self.watch = f"floor:{data['warehouse']}"
        self.url = f"ws://{host}:{port}/ws/floor/"
        self.origin = f"http://{host}:{port}"
        self.log = log
        self.last, self.timer, self.busy, self.again = -math.inf, None, False, False
        self.asked = -math.inf  # when the panels were last asked for
        self.since = 0.0  # the newest change heard of (the server's clock): the panels as of then
        self.drawn_at = -1.0  # as of when the newest drawing a message brought is
        self.redraws: set[asyncio.Task] = set()
        self.watching = asyncio.Event()
        self.gone = False

    async def run(self):
        """Load the page, then listen until cancelled."""
        loop = asyncio.get_running_loop()
        page = await self.http.send(Request("GET", "/dashboard/"))
        if page.status != 200 or b"data-dashboard" not in page.body:
            raise RuntimeError(f"/dashboard/: HTTP {page.status}, not the dashboard")
        headers = {"Cookie": f"sessionid={self.http.cookies['sessionid']}"}
        async with connect(self.url, origin=self.origin, additional_headers=headers, open_timeout=TIMEOUT_S) as ws:
            await ws.send(json.dumps({"type": "watch", "document": self.watch}))
            self.watching.set()
            async for raw in ws:
                message = json.loads(raw)
                if message.get("type") == "changed" and message.get("document") == self.watch:
                    self.since = max(self.since, message.get("at") or 0)
                    if isinstance(message.get("panels"), str):
                        self.drawn_at = max(self.drawn_at, message.get("at") or 0)
                    self.log.messages.append(loop.time())
                    self.soon()
            self.log.error("closed", f"dashboard {self.http.n}: the server closed the websocket ({ws.close_code})")

    def soon(self):
        if self.timer is None:
            loop = asyncio.get_running_loop()
            self.timer = loop.call_later(max(0.0, self.last + EVERY_S - loop.time()), self._redraw_now)

    def _redraw_now(self):
        task = asyncio.ensure_future(self.redraw())
        self.redraws.add(task)
        task.add_done_callback(self.redraws.discard)

    async def redraw(self):
        self.timer = None
        if self.busy:
            self.again = True
            return
        loop = asyncio.get_running_loop()
        self.last = loop.time()
        if self.drawn_at >= self.since and loop.time() - self.asked < QUIET_S:
            self.log.drawn.append(loop.time())  # swapped in from the message: nothing asked of the server
            return
        self.busy, self.asked = True, loop.time()
        try:
            path = f"/dashboard/panels?since={self.since}" if self.since else "/dashboard/panels"
            request = Request("GET", path, headers={"HX-Request": "true"}, check=_panels_drawn)
            response = await asyncio.wait_for(self.http.send(request), TIMEOUT_S)
            problem = request.check(response)
            if problem:
                self.log.error("bad_status", f"dashboard {self.http.n} GET /dashboard/panels: {problem}")
            else:
                self.log.panels.append((loop.time(), loop.time() - self.last))
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
            self.http.close()
            self.log.error("failed", f"dashboard {self.http.n} GET /dashboard/panels: {type(exc).__name__} {exc}")
        finally:
            self.busy = False
        if self.again:
            self.again = False
            self.soon()

    def stop(self):
        if self.timer is not None:
            self.timer.cancel()
        for task in self.redraws:
            task.cancel()
        self.http.close()


class Dashboards:
    """Every open dashboard, and what they did: when messages came, when panels came and how long
    each took, what went wrong."""

    def __init__(self, fixture: list[dict], count: int, host: str, port: int):
        self.boards = [Dashboard(n, host, port, data, self) for n, data in enumerate(fixture[:count], 1)]
        self.messages: list[float] = []
        self.panels: list[tuple[float, float]] = []
        self.drawn: list[float] = []  # redraws from the drawing a message brought
        self.errors: Counter = Counter()
        self.examples: list[str] = []
        self.tasks: list[asyncio.Task] = []

    def error(self, kind: str, detail: str):
        self.errors[kind] += 1
        if len(self.examples) < 8:
            self.examples.append(f"{kind}: {detail}")

    async def open(self):
        """Every dashboard on screen and watching, before the scanners' measured load starts."""
        self.tasks = [asyncio.create_task(self._keep(board)) for board in self.boards]
        waits = [asyncio.create_task(board.watching.wait()) for board in self.boards]
        await asyncio.wait(waits, timeout=TIMEOUT_S)
        for wait in waits:
            wait.cancel()

    async def _keep(self, board: Dashboard):
        try:
            await board.run()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - a dashboard that fails is counted, the bench goes on
            self.error("failed", f"dashboard {board.http.n}: {type(exc).__name__} {exc}")
        finally:
            board.gone = True

    async def close(self):
        for board in self.boards:
            board.stop()
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)

    def open_now(self) -> int:
        return sum(1 for board in self.boards if board.watching.is_set() and not board.gone)

    def summary(self, measure_from: float, measure_to: float) -> dict:
        """What the dashboards did in one measured window, all of them together (their errors are
        counted over the run)."""
        seconds = measure_to - measure_from
        latencies = sorted(took for done, took in self.panels if measure_from <= done <= measure_to)
        messages = sum(1 for t in self.messages if measure_from <= t <= measure_to)
        drawn = sum(1 for t in self.drawn if measure_from <= t <= measure_to)

        def ms(p):
            if not latencies:
                return None
            return round(latencies[max(0, math.ceil(p / 100 * len(latencies)) - 1)] * 1000, 1)

        return {
            "open": self.open_now(),
            "messages_per_s": round(messages / seconds, 1),
            "panels_per_s": round(len(latencies) / seconds, 1),
            "drawn_from_messages_per_s": round(drawn / seconds, 1),
            "panels_p50_ms": ms(50),
            "panels_p95_ms": ms(95),
            "panels_max_ms": ms(100),
        }
