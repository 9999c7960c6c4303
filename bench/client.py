"""The load client: simulated scanners driving one scenario over HTTP, in its own process.

    python bench/client.py --port 8001 --fixture fixture.json --scenario scan --server-pid 1234

Normal load is an open loop: each scanner sends on its own clock (every NORMAL.every seconds,
drawn uniformly, first sends spread over one interval), whatever the server's pace, and latency
is counted from the time the request was *due*, so time spent waiting behind a slow answer
counts too (no coordinated omission). Saturation is a closed loop: SATURATION.scanners scanners
send again as soon as the answer arrives. Errors are counted; after a server error (5xx) the
scanner sends the same request again, after any other wrong answer or a timeout it stops (its
flow state is no longer known). A scenario with DASHBOARDS has that many supervisors' floor
dashboards open beside its scanners through both phases (bench/dashboards.py). Prints one JSON
line with the figures.
"""

import argparse
import asyncio
import json
import math
import random
import re
import sys
import time
from collections import Counter

import procstat
import scenarios
from wire import Scanner

TIMEOUT_S = 30.0
PREPARE_CONCURRENCY = 16


class Scripted:
    """A scanner and the scenario's generator that tells it what to send next."""

    def __init__(self, scanner: Scanner, generator):
        self.scanner, self.generator = scanner, generator
        self.next = None
        self.alive = True


class Phase:
    def __init__(self, name: str, measure_from: float, measure_to: float):
        self.name, self.measure_from, self.measure_to = name, measure_from, measure_to
        self.latencies: list[float] = []
        self.scheduled_in_window = 0
        self.ok_in_window = 0
        self.errors: Counter = Counter()
        self.examples: list[str] = []
        self.cpu: dict[str, float] = {}

    def error(self, kind: str, detail: str):
        self.errors[kind] += 1
        if len(self.examples) < 8:
            self.examples.append(f"{kind}: {detail}")


FEEDBACK = re.compile(rb'class="feedback feedback-(?:error|warning)"[^>]*>(.*?)</div>', re.S)


def _excerpt(body: bytes) -> str:
    match = FEEDBACK.search(body)
    text = match.group(1) if match else body[:300]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text.decode("utf-8", "replace"))).strip()[:200]


async def _one(script: Scripted, phase: Phase, due: float):
    """Send the scanner's next request, time it from `due`, and fetch the one after."""
    loop = asyncio.get_running_loop()
    request = script.next
    measured = phase.measure_from <= due < phase.measure_to
    if measured:
        phase.scheduled_in_window += 1
    form = {k: v for k, v in (request.form or {}).items() if "csrf" not in k}
    where = f"scanner {script.scanner.n} {request.method} {request.path} {form or ''}"
    try:
        response = await asyncio.wait_for(script.scanner.send(request), TIMEOUT_S)
    except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as exc:  # ValueError: ProtocolError
        # A timeout still took that long from the scanner's point of view: it counts.
        if measured:
            phase.latencies.append(loop.time() - due)
        script.alive = False
        script.scanner.close()
        phase.error("failed", f"{where}: {type(exc).__name__} {exc}")
        return
    done = loop.time()
    if measured:
        phase.latencies.append(done - due)
    problem = request.check(response)
    if problem:
        kind = "bad_status" if not 200 <= response.status < 400 else "wrong_answer"
        phase.error(kind, f"{where}: {problem}: {_excerpt(response.body)}")
        # A server error rolled the scan back: the person scans the same code again next time
        # (same key, as the scanner's queue would). Any other wrong answer leaves the flow in a
        # state the script no longer knows: that scanner stops.
        if response.status < 500:
            script.alive = False
        return
    if phase.measure_from <= done <= phase.measure_to:
        phase.ok_in_window += 1
    try:
        script.next = await script.generator.asend(response)
    except StopAsyncIteration:
        script.alive = False


async def _sample_cpu(phase: Phase, server_pid: int):
    loop = asyncio.get_running_loop()

    def sample():
        return {
            "server": procstat.cpu_seconds(tree_of=server_pid),
            "postgres": procstat.cpu_seconds(named="postgres"),
            "redis": procstat.cpu_seconds(named="redis-server"),
            "client": time.process_time(),
            "machine": procstat.machine_busy_seconds(),
        }

    await asyncio.sleep(max(0.0, phase.measure_from - loop.time()))
    before = await loop.run_in_executor(None, sample)
    await asyncio.sleep(max(0.0, phase.measure_to - loop.time()))
    after = await loop.run_in_executor(None, sample)
    seconds = phase.measure_to - phase.measure_from
    # Cores busy on average over the window: 1.0 = one core fully used.
    phase.cpu = {k: round((after[k] - before[k]) / seconds, 2) for k in before}
    # Anything else running on the machine (other builds, tests) skews the figures: say how much.
    phase.cpu["other"] = round(max(0.0, phase.cpu.pop("machine") - sum(phase.cpu.values())), 2)


async def open_loop(scripts, every, *, warmup: float, duration: float, server_pid: int, rng) -> Phase:
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.2
    phase = Phase("normal", start + warmup, start + warmup + duration)
    mean = sum(every) / 2

    async def run(script: Scripted):
        due = start + rng.uniform(0, mean)
        while script.alive and due < phase.measure_to:
            await asyncio.sleep(max(0.0, due - loop.time()))
            await _one(script, phase, due)
            due += rng.uniform(*every)

    sampler = asyncio.create_task(_sample_cpu(phase, server_pid))
    await asyncio.gather(*(run(s) for s in scripts))
    await sampler
    return phase


async def closed_loop(scripts, *, warmup: float, duration: float, server_pid: int) -> Phase:
    loop = asyncio.get_running_loop()
    start = loop.time()
    phase = Phase("saturation", start + warmup, start + warmup + duration)

    async def run(script: Scripted):
        while script.alive and (due := loop.time()) < phase.measure_to:
            await _one(script, phase, due)

    sampler = asyncio.create_task(_sample_cpu(phase, server_pid))
    await asyncio.gather(*(run(s) for s in scripts))
    await sampler
    return phase


def percentile(sorted_values: list[float], p: float) -> float | None:
    if not sorted_values:
        return None
    return sorted_values[max(0, math.ceil(p / 100 * len(sorted_values)) - 1)]


def summary(phase: Phase, scanners: int, offered: float | None) -> dict:
    latencies = sorted(phase.latencies)
    seconds = phase.measure_to - phase.measure_from

    def ms(p):
        value = percentile(latencies, p)
        return round(value * 1000, 1) if value is not None else None

    return {
        "scanners": scanners,
        "seconds": round(seconds, 1),
        "offered_per_s": round(offered, 1) if offered else None,
        "scheduled_per_s": round(phase.scheduled_in_window / seconds, 1),
        "per_s": round(phase.ok_in_window / seconds, 1),
        "samples": len(latencies),
        "p50_ms": ms(50),
        "p95_ms": ms(95),
        "p99_ms": ms(99),
        "max_ms": ms(100),
        "errors": dict(phase.errors),
        "error_examples": phase.examples,
        "cores_busy": phase.cpu,
    }


async def prepare(scenario, scripts: list[Scripted], errors: Counter, examples: list[str]):
    gate = asyncio.Semaphore(PREPARE_CONCURRENCY)

    async def one(script: Scripted):
        async with gate:
            try:
                script.next = await asyncio.wait_for(script.generator.__anext__(), TIMEOUT_S)
            except (TimeoutError, OSError, asyncio.IncompleteReadError, RuntimeError, KeyError, ValueError) as exc:
                script.alive = False
                errors["prepare"] += 1
                if len(examples) < 8:
                    examples.append(f"prepare: scanner {script.scanner.n}: {type(exc).__name__} {exc}")

    await asyncio.gather(*(one(s) for s in scripts))


async def main(args) -> dict:
    scenario = scenarios.get(args.scenario)
    with open(args.fixture) as f:
        fixture = json.load(f)
    data = fixture[scenarios.data_of(scenario)]
    rng = random.Random(args.seed)
    count = min(len(data), max(scenario.NORMAL.scanners, scenario.SATURATION.scanners))
    scripts = []
    for n in range(1, count + 1):
        scanner = Scanner(n, args.host, args.port)
        scripts.append(Scripted(scanner, scenario.scanner(scanner, data[n - 1])))
    errors, examples = Counter(), []
    started = time.monotonic()
    await prepare(scenario, scripts, errors, examples)
    result = {
        "scenario": scenario.NAME,
        "prepare_s": round(time.monotonic() - started, 1),
        "prepare_errors": dict(errors),
        "prepare_examples": examples,
    }
    dashboards = None
    if getattr(scenario, "DASHBOARDS", 0):
        from dashboards import Dashboards  # the websocket client, only when needed

        dashboards = Dashboards(fixture[scenarios.DASHBOARDS], scenario.DASHBOARDS, args.host, args.port)
        await dashboards.open()
        say(f"  dashboards: {dashboards.open_now()} of {scenario.DASHBOARDS} open beside the scanners")

    if not args.saturation_only:
        normal = scenario.NORMAL
        if args.scanners:
            normal = scenarios.Load(scanners=min(args.scanners, count), every=normal.every)
        say(
            f"  normal load: {normal.scanners} scanners, one request every {normal.every[0]}–{normal.every[1]} s "
            f"(≈{normal.offered_per_s:.0f}/s offered), {args.warmup:.0f} s warm-up + {args.duration:.0f} s"
        )
        live = [s for s in scripts[: normal.scanners] if s.alive]
        phase = await open_loop(
            live, normal.every, warmup=args.warmup, duration=args.duration, server_pid=args.server_pid, rng=rng
        )
        result["normal"] = summary(phase, len(live), len(live) / (sum(normal.every) / 2))
        if dashboards:
            result["normal"]["dashboards"] = dashboards.summary(phase.measure_from, phase.measure_to)
    if not args.normal_only:
        saturation = scenario.SATURATION
        say(
            f"  saturation: {saturation.scanners} scanners, no pause, "
            f"{args.warmup:.0f} s warm-up + {args.saturation_duration:.0f} s"
        )
        live = [s for s in scripts if s.alive][: saturation.scanners]
        phase = await closed_loop(
            live, warmup=args.warmup, duration=args.saturation_duration, server_pid=args.server_pid
        )
        result["saturation"] = summary(phase, len(live), None)
        if dashboards:
            result["saturation"]["dashboards"] = dashboards.summary(phase.measure_from, phase.measure_to)
    if dashboards:
        await dashboards.close()
        result["dashboard_errors"], result["dashboard_examples"] = dict(dashboards.errors), dashboards.examples
    for script in scripts:
        script.scanner.close()
    result["reconnects"] = sum(s.scanner.reconnects for s in scripts) - len(scripts)
    return result


def say(message: str):
    print(message, file=sys.stderr, flush=True)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--fixture", required=True, help="JSON written by bench/setup_data.py")
    parser.add_argument("--scenario", required=True, choices=scenarios.NAMES)
    parser.add_argument("--server-pid", type=int, required=True, help="for the server's CPU use")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--duration", type=float, default=25.0, help="normal load, seconds measured")
    parser.add_argument("--saturation-duration", type=float, default=15.0)
    parser.add_argument("--normal-only", action="store_true")
    parser.add_argument("--saturation-only", action="store_true")
    parser.add_argument("--scanners", type=int, help="normal load with fewer scanners than the scenario's")
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args(argv)


def run(coroutine):
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


if __name__ == "__main__":
    print(json.dumps(run(main(parse_args()))), flush=True)
