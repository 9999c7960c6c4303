"""Where a scan's time goes, without a server: each scenario's scanners driven in this process
through Django's test client (every middleware, the view, the template), on the bench's
PostgreSQL database. Prints, per kind of request, the CPU milliseconds and the SQL statements
it took; `--profile` adds the functions that took the most CPU.

    .venv/bin/python bench/inprocess.py [--scenarios scan,pick_scan] [--requests 600] [--profile]

For finding what to make leaner; the figures to report come from `make bench`.
"""

import argparse
import cProfile
import fcntl
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

# Its own database and Redis: `make bench` makes floor_bench afresh when it starts.
os.environ.setdefault("BENCH_DATABASE", "floor_bench_inprocess")
os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")

import run  # noqa: E402
import scenarios  # noqa: E402
from wire import Response

SCANNERS = 4
FORM = "application/x-www-form-urlencoded"


def drive(generator, send):
    """Step a scenario's async scanner without an event loop: its awaits never suspend here."""
    value = None
    while True:
        try:
            step = generator.asend(value)
            step.send(None)
        except StopIteration as done:
            request = done.value
        except StopAsyncIteration:
            return
        else:
            raise RuntimeError("a scanner awaited something that suspends")
        value = yield request


class InProcessScanner:
    def __init__(self, n: int, client):
        self.n, self.client, self.cookies = n, client, {}

    async def send(self, request) -> Response:
        return self.request(request)

    def request(self, request) -> Response:
        for name, value in self.cookies.items():
            self.client.cookies[name] = value
        headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in request.headers.items()}
        if request.method == "GET":
            answer = self.client.get(request.path, **headers)
        else:
            # Form-encoded, as htmx and the load client send it (the test client's default,
            # multipart, costs the server a parser it never runs in production).
            body = urlencode(request.form or {}, doseq=True)
            answer = self.client.post(request.path, body, content_type=FORM, **headers)
        for name, morsel in answer.cookies.items():
            self.cookies[name] = morsel.value
        return Response(answer.status_code, dict(answer.headers), {}, answer.content)


def measure(name: str, fixture: list[dict], requests: int, profile: cProfile.Profile | None, first: int = 0) -> dict:
    from django.db import connection
    from django.test import Client

    scenario = scenarios.get(name)
    cpu, queries, errors = defaultdict(list), defaultdict(list), defaultdict(int)
    statements = {}
    scripts = []
    for n, data in enumerate(fixture[first : first + SCANNERS], first):
        scanner = InProcessScanner(n + 1, Client(HTTP_HOST="127.0.0.1"))
        script = drive(scenario.scanner(scanner, data), scanner.send)
        scripts.append((scanner, script, next(script)))
    # Statements counted by a wrapper, not the debug cursor: that one formats every statement's
    # SQL, which the server never does, and would add to the CPU measured.
    sent = []

    def count(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    connection.execute_wrappers.append(count)
    done = 0
    # Whole rounds of the scenarios' scan cycles (6 scans, or 3 or 4): a run that stops mid-cycle
    # leaves stock out of its bin, and `--reuse` runs would drain it.
    requests = -(-requests // (len(scripts) * 12)) * len(scripts) * 12
    while done < requests:
        for i, (scanner, script, request) in enumerate(scripts):
            sent.clear()
            if profile:
                profile.enable()
            started = time.process_time()
            response = scanner.request(request)
            spent = time.process_time() - started
            if profile:
                profile.disable()
            kind = f"{request.method} {request.path}"
            if done >= len(scripts) * 6:  # warm-up: the first rounds fill caches
                cpu[kind].append(spent * 1000)
                queries[kind].append(len(sent))
                statements[kind] = list(sent)
            problem = request.check(response)
            if problem:
                errors[f"{kind}: {problem}"] += 1
            scripts[i] = (scanner, script, script.send(response))
            done += 1
    connection.execute_wrappers.remove(count)
    every = [ms for values in cpu.values() for ms in values]
    return {
        "kinds": {
            kind: (len(values), statistics.mean(values), statistics.mean(queries[kind])) for kind, values in cpu.items()
        },
        "mean_ms": statistics.mean(every),
        "mean_queries": statistics.mean(q for values in queries.values() for q in values),
        "errors": dict(errors),
        "statements": statements,
    }


def sessions_exist(fixture_path: Path) -> bool:
    import psycopg

    fixture = json.loads(fixture_path.read_text())
    keys = [s["session"] for scanners in fixture.values() for s in scanners[:16] if "session" in s]
    try:
        with psycopg.connect(run.DATABASE_URL.replace("postgres://", "postgresql://")) as conn:
            found = conn.execute("SELECT count(*) FROM django_session WHERE session_key = ANY(%s)", [keys])
            return found.fetchone()[0] == len(keys)
    except psycopg.Error:
        return False


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    # Every scan scenario; a variant with dashboards beside it is its scenario's scans here.
    scans = [name for name in scenarios.NAMES if name != "login" and scenarios.data_of(scenarios.get(name)) == name]
    parser.add_argument("--scenarios", default=",".join(scans))
    parser.add_argument("--requests", type=int, default=600, help="per scenario")
    parser.add_argument("--profile", action="store_true", help="print the functions that took the most CPU")
    parser.add_argument("--sql", action="store_true", help="print the statements of one request of each kind")
    parser.add_argument("--first", type=int, default=0, help="drive scanners first… (two runs at once: apart)")
    parser.add_argument("--reuse", action="store_true", help="keep the database and fixture of the last run")
    args = parser.parse_args(argv)
    names = args.scenarios.split(",")
    env = {
        "DATABASE_URL": run.DATABASE_URL,
        "REDIS_URL": run.REDIS_URL,
        "DEBUG": "0",
        # Fixed: the sessions made at preparation are signed with it, and `--reuse` reads them.
        "SECRET_KEY": "floor-bench-inprocess-local-database-only",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    fixture_path = Path(tempfile.gettempdir()) / f"{run.DATABASE}.json"
    # One preparation at a time; `--reuse` prepares again when `make bench` has since made the
    # database afresh (the fixture's sessions are gone).
    with open(fixture_path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (args.reuse and fixture_path.exists() and sessions_exist(fixture_path)):
            run.prepare({**os.environ, **env}, scenarios.NAMES, fixture_path)
            # As `make bench` does before each scenario: without statistics, PostgreSQL plans
            # putaway's "bin already holding it" as a walk over every storage bin.
            run.vacuum()
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "floor.settings")
    sys.path.insert(0, str(run.ROOT))
    import django

    django.setup()
    fixture = json.loads(fixture_path.read_text())
    for name in names:
        profile = cProfile.Profile(time.process_time) if args.profile else None
        result = measure(name, fixture[scenarios.data_of(scenarios.get(name))], args.requests, profile, args.first)
        print(f"{name}: {result['mean_ms']:.2f} ms CPU and {result['mean_queries']:.1f} statements a request")
        for kind, (count, ms, statements) in sorted(result["kinds"].items()):
            print(f"  {kind:<40} ×{count:<5} {ms:6.2f} ms {statements:5.1f} statements")
        if args.sql:
            for kind, sqls in result["statements"].items():
                print(f"  {kind}, the last one measured:")
                for sql in sqls:
                    print(f"    {sql[:300]}")
        for problem, count in result["errors"].items():
            print(f"  ERROR ×{count}: {problem}")
        if profile:
            if os.environ.get("PROFILE_OUT"):  # for pstats' callers and callees
                profile.dump_stats(f"{os.environ['PROFILE_OUT']}.{name}")
            pstats.Stats(profile).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(45)
    return 0


if __name__ == "__main__":
    sys.exit(main())
