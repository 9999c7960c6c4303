"""`make bench`: Floor on PostgreSQL as production runs it, driven by simulated scanners.

Makes a fresh database (floor_bench), migrates, collects static files, loads the demo warehouse
and the bench's own scanner data, starts the Procfile's `web` server (uvicorn, N workers) and
its `live` worker (which draws the dashboards' panels), then runs each scenario from a separate
load-client process: normal load (open loop) and saturation (closed loop). Prints a table and
merges the figures into bench/results/latest.json. A scenario run beside open dashboards
(pick_scan_dashboards) is set against the same one without them.

    .venv/bin/python bench/run.py [--scenarios scan] [--workers 2] [--duration 25]
"""

import argparse
import contextlib
import http.client
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import scenarios
from pace import pace_ms

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results" / "latest.json"
SERVER_LOG = BENCH / "results" / "server.log"
# Overridable, so that a second bench (bench/inprocess.py) can run beside this one.
DATABASE = ROLE = os.environ.get("BENCH_DATABASE", "floor_bench")
DATABASE_URL = f"postgres://{ROLE}@127.0.0.1/{DATABASE}"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
# Tried 2, 3 and 4 on this 2-core machine: 2 kept up best at normal load. Each worker already
# runs every request in a thread of its own, so more processes only add contention.
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
CONNECTION_LIMIT = 64
# Turns the dashboards pair takes: one run of each moved by ±15 % on this machine from one run
# to the next, more than the 10 % the pair is judged by; the medians of three hold still.
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
ADMIN_URL = "postgresql://root@127.0.0.1/postgres"  # the machine's PostgreSQL, trust auth for root
LOAD_TOOL = "bench/client.py, a lean asyncio HTTP/1.1 client (not wrk)"


def say(message: str = ""):
    print(message, flush=True)


def fresh_database():
    import psycopg
    import redis

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        # Its own role, not a superuser: each in-flight request holds a connection, and an
        # overloaded server must not take every slot of a PostgreSQL the machine shares.
        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [ROLE]).fetchone():
            conn.execute(f"ALTER ROLE {ROLE} LOGIN NOSUPERUSER CONNECTION LIMIT {CONNECTION_LIMIT}")
        else:
            conn.execute(f"CREATE ROLE {ROLE} LOGIN NOSUPERUSER CONNECTION LIMIT {CONNECTION_LIMIT}")
        conn.execute(f"CREATE DATABASE {DATABASE} OWNER {ROLE}")
    # Sessions (cached_db), the channel layer and Celery's queue of earlier runs.
    redis.Redis.from_url(REDIS_URL).flushdb()


def manage(env, *args, check=True) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    if check and done.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done


def procfile_command(name: str, runs: str) -> str:
    """The command of the Procfile's `name` line from its `exec`, so the bench runs what
    production runs; `runs`: what the line must run."""
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith(f"{name}:") and "exec " in line:
            command = "exec " + line.split("exec ", 1)[1]
            if runs in command:
                return command
    raise SystemExit(f"Procfile has no `{name}:` line that ends in `exec …{runs}…`")


def server_command() -> str:
    """The web server, with the `live` worker beside it as its child: its CPU counts as the
    server's, and stopping the server's process group stops it too."""
    return f"{procfile_command('live', '-Q live')} & {procfile_command('web', 'floor.serve')}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthz(port: int) -> int | None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", "/healthz")
        return conn.getresponse().status
    except OSError:
        return None
    finally:
        conn.close()


def start_server(env, port: int, workers: int, log) -> subprocess.Popen:
    server_env = {**env, "HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": str(workers)}
    # Its own process group, so that stopping it stops every worker.
    return subprocess.Popen(
        ["bash", "-c", server_command()],
        cwd=ROOT,
        env=server_env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_healthy(server: subprocess.Popen, port: int, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode}:\n{log_tail()}")
        status = healthz(port)
        if status == 200:
            return
        time.sleep(0.3)
    raise SystemExit(f"/healthz did not answer 200 in {timeout:.0f} s (last: {status}):\n{log_tail()}")


def stop_server(server: subprocess.Popen):
    if server.poll() is None:
        try:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=5)
        except ProcessLookupError:
            pass
    # Workers left behind by a supervisor that died first.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)


def log_tail(lines: int = 40) -> str:
    try:
        return "\n".join(SERVER_LOG.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def run_client(args, fixture: Path, port: int, server_pid: int, name: str) -> dict:
    command = [
        sys.executable,
        str(BENCH / "client.py"),
        "--port",
        str(port),
        "--fixture",
        str(fixture),
        "--scenario",
        name,
        "--server-pid",
        str(server_pid),
        "--warmup",
        str(args.warmup),
        "--duration",
        str(args.duration),
        "--saturation-duration",
        str(args.saturation_duration),
    ]
    if args.scanners:
        command += ["--scanners", str(args.scanners)]
    budget = 120 + 2 * (args.warmup + 30) + args.duration + args.saturation_duration
    done = subprocess.run(command, cwd=ROOT, stdout=subprocess.PIPE, text=True, timeout=budget)
    if done.returncode != 0 or not done.stdout.strip():
        raise SystemExit(f"the load client failed ({done.returncode}) on {name}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def fmt(value, digits=1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


CPU_COLUMNS = ("server", "postgres", "redis", "client", "other")


def table(results: dict) -> list[str]:
    rows = [
        f"{'scenario':<23} {'load':<16} {'offered/s':>9} {'done/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'max ms':>7} {'errors':>6} {'pace':>5}   cores busy: " + " ".join(f"{c:>6}" for c in CPU_COLUMNS)
    ]
    for name, result in results.items():
        for phase in ("normal", "saturation"):
            r = result.get(phase)
            if r is None:
                continue
            offered = r["offered_per_s"] if phase == "normal" else None
            load = f"{phase} ×{r['scanners']}"
            rows.append(
                f"{name:<23} {load:<16} {fmt(offered):>9} {fmt(r['per_s']):>7} "
                f"{fmt(r['p50_ms']):>7} {fmt(r['p95_ms']):>7} {fmt(r['p99_ms']):>7} {fmt(r['max_ms']):>7} "
                f"{sum(r['errors'].values()):>6} {fmt(result.get('pace_ms')):>5}   {'':>11} "
                + " ".join(f"{fmt(r['cores_busy'].get(c), 2):>6}" for c in CPU_COLUMNS)
            )
        for phase in ("normal", "saturation"):
            boards = (result.get(phase) or {}).get("dashboards")
            if boards:
                rows.append(
                    f"{'':<23} {'  dashboards ×' + str(boards['open']):<16} {'':>9} {fmt(boards['panels_per_s']):>7} "
                    f"{fmt(boards['panels_p50_ms']):>7} {fmt(boards['panels_p95_ms']):>7} {'':>7} "
                    f"{fmt(boards['panels_max_ms']):>7}   "
                    f"panels fetched ({fmt(boards['messages_per_s'])} changes/s heard, "
                    f"{fmt(boards['drawn_from_messages_per_s'])}/s redrawn from them, all of them together)"
                )
    return rows


def rounds_of(results: dict, name: str) -> list[dict]:
    return [result for label, result in results.items() if scenario_of(label) == name]


def against_none(results: dict) -> dict[str, dict]:
    """Each scenario run beside open dashboards, set against the same scenario without them in this
    run: p95 at normal load and the rate at saturation, each with and without (the median of the
    rounds), the change in per cent of the figure without, and each round's pair."""
    pairs = {}
    for name in dict.fromkeys(map(scenario_of, results)):
        module = scenarios.get(name)
        withs, withouts = rounds_of(results, name), rounds_of(results, scenarios.data_of(module))
        if not getattr(module, "DASHBOARDS", 0) or not withouts or scenarios.data_of(module) == name:
            continue
        pair = {"without": scenarios.data_of(module), "dashboards": module.DASHBOARDS, "rounds": len(withs)}
        for figure, phase, key in (("p95_ms", "normal", "p95_ms"), ("max_per_s", "saturation", "per_s")):
            befores = [(r.get(phase) or {}).get(key) for r in withouts]
            afters = [(r.get(phase) or {}).get(key) for r in withs]
            before, after = _median(befores), _median(afters)
            pair[f"{figure}_without"], pair[f"{figure}_with"] = before, after
            pair[f"{figure}_change_pct"] = round((after - before) * 100 / before, 1) if before and after else None
            pair[f"{figure}_each_round"] = [[b, a] for b, a in zip(befores, afters, strict=False)]
        pairs[name] = pair
    return pairs


def _median(values: list) -> float | None:
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 1) if values else None


def figures(result: dict) -> dict:
    """The shape of latest.json: normal-load latency and rate, and the saturation rate."""
    out = {"pace_ms": result["pace_ms"]} if "pace_ms" in result else {}
    normal, saturation = result.get("normal"), result.get("saturation")
    if normal:
        out.update(
            p50_ms=normal["p50_ms"],
            p95_ms=normal["p95_ms"],
            p99_ms=normal["p99_ms"],
            per_s=normal["per_s"],
            offered_per_s=normal["offered_per_s"],
        )
    if saturation:
        out["max_per_s"] = saturation["per_s"]
        # CPU per request at saturation: what a faster machine, or a leaner request, would change.
        if saturation["per_s"]:
            for part in ("server", "postgres"):
                busy = saturation["cores_busy"].get(part)
                if busy is not None:
                    out[f"{part}_cpu_ms_per_request"] = round(busy * 1000 / saturation["per_s"], 1)
    # The dashboards' own figures, beside the scanners': redraws from what a message brought, and
    # panels fetched, a second, and the fetches' p95.
    for phase, suffix in ((normal, ""), (saturation, "_at_saturation")):
        boards = (phase or {}).get("dashboards")
        if boards:
            out["dashboards"] = boards["open"]
            out[f"dashboard_changes_per_s{suffix}"] = boards["messages_per_s"]
            out[f"dashboard_redraws_from_messages_per_s{suffix}"] = boards["drawn_from_messages_per_s"]
            out[f"dashboard_panels_per_s{suffix}"] = boards["panels_per_s"]
            out[f"dashboard_panels_p95_ms{suffix}"] = boards["panels_p95_ms"]
    return out


def write_results(results: dict):
    try:
        merged = json.loads(RESULTS.read_text())
    except (OSError, ValueError):
        merged = {}
    pairs = against_none(results)
    for name in dict.fromkeys(map(scenario_of, results)):
        # A scenario run in rounds: the median of each figure.
        each = [figures(result) for result in rounds_of(results, name)]
        merged[name] = {**merged.get(name, {}), **{key: _median([f.get(key) for f in each]) for key in each[0]}}
        if name in pairs:
            merged[name]["against_none"] = pairs[name]
    RESULTS.write_text(json.dumps(merged, indent=2, sort_keys=True) + "\n")


def problems_of(name: str, result: dict) -> list[str]:
    found = []
    if result.get("prepare_errors"):
        found.append(f"{name}: {result['prepare_errors']} while preparing scanners")
        found += [f"    {e}" for e in result["prepare_examples"]]
    for phase in ("normal", "saturation"):
        r = result.get(phase)
        if r and r["errors"]:
            found.append(f"{name} {phase}: {r['errors']}")
            found += [f"    {e}" for e in r["error_examples"]]
    if result.get("dashboard_errors"):
        found.append(f"{name} dashboards: {result['dashboard_errors']}")
        found += [f"    {e}" for e in result["dashboard_examples"]]
    for phase in ("normal", "saturation"):
        boards = (result.get(phase) or {}).get("dashboards")
        if boards and not boards["panels_per_s"] + boards["drawn_from_messages_per_s"]:
            found.append(f"{name} {phase}: the open dashboards redrew nothing (heard no change?)")
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenarios", default=",".join(scenarios.NAMES), help="comma-separated")
    parser.add_argument("--workers", type=int, default=WORKERS, help="uvicorn workers (env BENCH_WORKERS)")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--duration", type=float, default=25.0, help="normal load, seconds measured")
    parser.add_argument("--saturation-duration", type=float, default=15.0)
    parser.add_argument("--scanners", type=int, help="normal load with fewer scanners (to find the knee)")
    parser.add_argument(
        "--rounds", type=int, default=ROUNDS, help="turns a dashboards pair takes, each (env BENCH_ROUNDS)"
    )
    args = parser.parse_args(argv)
    names = args.scenarios.split(",")
    for name in names:
        if name not in scenarios.NAMES:
            parser.error(f"unknown scenario {name!r} (known: {', '.join(scenarios.NAMES)})")

    # A SIGTERM (a CI timeout) must still stop the server: turn it into an exception.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.monotonic()
    env = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    tool = f"{LOAD_TOOL} on {event_loop()}"
    say(
        f"Floor bench: uvicorn × {args.workers} workers (the Procfile's web line) on PostgreSQL "
        "with a connection pool per worker"
    )
    say(f"Load from a separate process: {tool}")
    with tempfile.TemporaryDirectory(prefix="floor-bench-") as workdir:
        fixture = Path(workdir) / "fixture.json"
        prepare(env, names, fixture)
        results, problems = run_scenarios(args, env, names, fixture)

    say()
    say(f"Floor bench: uvicorn × {args.workers} workers, PostgreSQL with a connection pool; load: {tool}")
    for row in table(results):
        say(row)
    say("Latency counts from when a request was due (open loop), so queueing counts. Cores busy: CPU")
    say("seconds per second in the measured window; `other` is everything else running on the machine.")
    say("Pace: CPU ms of a fixed piece of Python on all cores at once, before and after (the slower); lower is faster.")
    for name, pair in against_none(results).items():
        medians = " (medians of each)" if pair["rounds"] > 1 else ""
        say(
            f"{name} against {pair['without']} (no dashboards), {pair['rounds']} rounds{medians}: p95 "
            f"{fmt(pair['p95_ms_without'])} → {fmt(pair['p95_ms_with'])} ms ({fmt(pair['p95_ms_change_pct'])} %), "
            f"saturation {fmt(pair['max_per_s_without'])} → {fmt(pair['max_per_s_with'])}/s "
            f"({fmt(pair['max_per_s_change_pct'])} %)"
        )
    busy = max(
        (r[p]["cores_busy"].get("other", 0) for r in results.values() for p in ("normal", "saturation") if p in r),
        default=0,
    )
    if busy > 0.2:
        say(f"NOTE: other work used up to {busy:.2f} cores during the bench: the figures are pessimistic.")
    if args.scanners:
        say(f"Not written to {RESULTS.relative_to(ROOT)}: --scanners changes the normal load.")
    else:
        write_results(results)
        say(f"Wrote {RESULTS.relative_to(ROOT)}.")
    say(f"The bench took {time.monotonic() - started:.0f} s.")
    if problems:
        say()
        say("!" * 78)
        say("!! ERRORS DURING THE BENCH: the figures above are not to be trusted.")
        for problem in problems:
            say(f"!! {problem}")
        errors = server_errors()
        if errors:
            say(f"!! server errors ({SERVER_LOG.relative_to(ROOT)}):")
            for line in errors:
                say(f"!!   {line}")
        say("!" * 78)
        return 1
    return 0


def event_loop() -> str:
    try:
        import uvloop  # noqa: F401
    except ImportError:
        return "asyncio"
    return "uvloop"


def prepare(env, names: list[str], fixture: Path):
    say(f"Setting up {DATABASE}: migrate, collectstatic, demo, bench data…")
    fresh_database()
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    command = [sys.executable, str(BENCH / "setup_data.py"), "--out", str(fixture), "--scenarios", ",".join(names)]
    if subprocess.run(command, cwd=ROOT, env=env, timeout=600).returncode != 0:
        raise SystemExit("bench/setup_data.py failed")


def schedule(names: list[str], rounds: int) -> list[tuple[str, str]]:
    """(scenario, label) in the order run: a scenario run beside dashboards, and the same one
    without them, take turns `rounds` times, so that a machine that slows down for a minute or a
    database that grows weighs on both alike. A later round's label is `name #k`."""
    order = []
    for name in names:
        order.append((name, name))
        without = scenarios.data_of(scenarios.get(name))
        if getattr(scenarios.get(name), "DASHBOARDS", 0) and without != name and without in names:
            for k in range(2, rounds + 1):
                order += [(without, f"{without} #{k}"), (name, f"{name} #{k}")]
    return order


def scenario_of(label: str) -> str:
    return label.split(" #")[0]


def run_scenarios(args, env, names: list[str], fixture: Path) -> tuple[dict, list[str]]:
    port = free_port()
    results, problems = {}, []
    with open(SERVER_LOG, "w") as log:
        say(f"Starting the server on 127.0.0.1:{port}: {server_command()}")
        server = start_server(env, port, args.workers, log)
        try:
            wait_healthy(server, port)
            for name, label in schedule(names, args.rounds):
                vacuum()
                before = pace_ms()
                say(f"Scenario {label} (machine pace {before:.1f} ms)")
                result = run_client(args, fixture, port, server.pid, name)
                # The slower of before and after: the machine can slow down for minutes at a time.
                results[label] = {**result, "pace_ms": max(before, pace_ms())}
                problems += problems_of(label, results[label])
                if scenarios.get(name).LEDGER:
                    # Checks ran at migrate; skipping them here keeps this about the ledger.
                    done = manage(env, "check_ledger", "--skip-checks", check=False)
                    say(f"  check_ledger: {done.stdout.strip()}")
                    if done.returncode != 0:
                        say(done.stderr)
                        problems.append(f"{label}: check_ledger failed")
        finally:
            stop_server(server)
    return results, problems


def vacuum():
    """What autovacuum does on a production server, where it runs every minute: the dead rows of
    the scenario before cleared and statistics brought up to date (the setup's bulk load first:
    without them putaway's "bin already holding it" walked every storage bin, 3.8 ms a scan
    against 0.2 ms). The machine's own PostgreSQL runs with autovacuum off (CI's setting), so the
    bench does it before each scenario. Then what it and the setup wrote goes to disk (a
    checkpoint, and the kernel's sync) before the scenario, not during it: the first scenario
    after the setup ran with p95 15 times the same scenario run second."""
    import psycopg

    with psycopg.connect(DATABASE_URL.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute("CHECKPOINT")  # a superuser's
    os.sync()


def server_errors(limit: int = 12) -> list[str]:
    """The distinct exceptions in the server's log, most frequent first."""
    try:
        lines = SERVER_LOG.read_text(errors="replace").splitlines()
    except OSError:
        return []
    found = Counter(
        line
        for line in lines
        if line
        and not line[0].isspace()
        and ("Error" in line or "Exception" in line)
        and not line.startswith(("Traceback", "INFO"))
    )
    return [f"{count:>5} × {line[:200]}" for line, count in found.most_common(limit)]


if __name__ == "__main__":
    sys.exit(main())
