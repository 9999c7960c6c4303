"""Bench of the push path: floor operations → Odoo, against the Odoo test double (HTTP, no latency).

Prints and merges into bench/results/latest.json:
  odoo_push_receipt: pushes per second (one worker; `max_per_s`: two concurrent workers, the
  default ODOO_PUSH_CONCURRENCY), latency per push, and Odoo calls per operation for a 1-line and
  a 100-line receipt.

    .venv/bin/python bench/odoo_push.py [--operations 300]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DB = "floor_bench_push"
RESULTS = ROOT / "bench" / "results" / "latest.json"


def percentile(samples, p):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--operations", type=int, default=300)
    args = parser.parse_args()

    subprocess.run(["dropdb", "-h", "127.0.0.1", "--if-exists", "--force", DB], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", DB], check=True)
    from tests.odoo_double.server import OdooDouble

    double = OdooDouble("18.0").start()
    os.environ.update(
        DJANGO_SETTINGS_MODULE="floor.settings",
        DATABASE_URL=f"postgres://root@127.0.0.1/{DB}",
        DEBUG="0",
        SECRET_KEY="bench-only-secret",
        REDIS_URL="",
        ODOO_URL=double.url,
        ODOO_DB=double.db,
        ODOO_USER=double.login,
        ODOO_API_KEY=double.api_key,
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Count
    from django.utils import timezone

    from floor.odoo import push
    from floor.odoo.models import Operation
    from tests import factories

    call_command("migrate", verbosity=0)
    [odoo_wh] = double.records("stock.warehouse", [], ["id"])
    wh = factories.warehouse()
    type(wh).objects.filter(pk=wh.pk).update(odoo_id=odoo_wh["id"])
    wh.refresh_from_db()

    def receipt(n, lines):
        products = []
        for i in range(lines):
            odoo_id = double.seed_product(f"Bench {n}-{i}", default_code=f"B-{n}-{i}")
            products.append((odoo_id, factories.product(odoo_id=odoo_id, odoo_uom_id=1)))
        picking = double.seed_receipt(lines=[(oid, 5) for oid, _p in products], origin=f"PO-B-{n}")
        moves = sorted(m["id"] for m in double.records("stock.move", [["picking_id", "=", picking]], ["id"]))
        payload_lines = [
            {"move": move, "product": product.pk, "quantity": "5", "lot": None}
            for move, (_oid, product) in zip(moves, products, strict=True)
        ]
        return Operation.objects.create(
            kind=Operation.Kind.RECEIPT,
            warehouse=wh,
            reference=f"FLOOR-B-{n}",
            payload={"picking": picking, "backorder": True, "lines": payload_lines},
            next_try_at=timezone.now(),
        )

    def timed_push(op, samples):
        started = time.perf_counter()
        push.send(op.pk)
        samples.append((time.perf_counter() - started) * 1000)

    # Calls per operation, with the client already signed in.
    push.send(receipt("warm", 1).pk)
    calls = {}
    for lines in (1, 100):
        op = receipt(f"calls-{lines}", lines)
        before = double.call_count()
        push.send(op.pk)
        calls[lines] = double.call_count() - before

    print(f"Setting up {args.operations} one-line receipts in the double and in Floor…")
    ops = [receipt(n, 1) for n in range(args.operations)]
    half = len(ops) // 2

    samples: list[float] = []
    started = time.perf_counter()
    for op in ops[:half]:
        timed_push(op, samples)
    one_worker = half / (time.perf_counter() - started)

    # Two pushers at once, as the `odoo` Celery queue runs by default.
    two_samples: list[float] = []
    rest = ops[half:]
    started = time.perf_counter()

    def worker(chunk):
        from django.db import connection

        try:
            for op in chunk:
                timed_push(op, two_samples)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(rest[i::2],)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    two_workers = len(rest) / (time.perf_counter() - started)
    double.stop()

    states = dict(Operation.objects.values_list("state").annotate(n=Count("pk")))
    failed = {s: n for s, n in states.items() if s != "sent"}
    result = {
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(percentile(samples, 95), 1),
        "p99_ms": round(percentile(samples, 99), 1),
        "per_s": round(one_worker, 1),
        "offered_per_s": None,
        "max_per_s": round(two_workers, 1),
        "odoo_calls_1_line": calls[1],
        "odoo_calls_100_lines": calls[100],
    }
    print("odoo_push_receipt (Odoo 18 test double over JSON-RPC, no latency):")
    print(
        f"  one worker: {result['per_s']} pushes/s, p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, "
        f"p99 {result['p99_ms']} ms; two workers: {result['max_per_s']} pushes/s"
    )
    print(f"  Odoo calls per receipt: {calls[1]} for 1 line, {calls[100]} for 100 lines")
    if failed:
        print(f"!! operations not sent: {failed}")
    existing = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    existing["odoo_push_receipt"] = result
    RESULTS.write_text(json.dumps(existing, indent=2, sort_keys=True) + "\n")
    subprocess.run(["dropdb", "-h", "127.0.0.1", "--if-exists", "--force", DB], check=False)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
