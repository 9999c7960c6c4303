"""Bench of the push path: floor operations → Odoo, against the Odoo test double (HTTP, no latency).

Prints and merges into bench/results/latest.json, for every kind of operation (receipt,
delivery, internal transfer, inventory adjustment, return, scrap): odoo_push_<kind> with pushes
per second (one worker; `max_per_s`: two concurrent workers, the default ODOO_PUSH_CONCURRENCY),
latency per push, and Odoo calls per operation for 1 line and for 100 lines.

    .venv/bin/python bench/odoo_push.py [--operations 200]
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
    parser.add_argument("--operations", type=int, default=200)
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
    from floor.warehouse.models import Product
    from tests import factories

    call_command("migrate", verbosity=0)
    [odoo_wh] = double.records("stock.warehouse", [], ["id"])
    wh = factories.warehouse()
    type(wh).objects.filter(pk=wh.pk).update(odoo_id=odoo_wh["id"])
    wh.refresh_from_db()

    stock_bin, shelf = factories.storage_bin(wh), factories.storage_bin(wh)
    stock_id = None

    def fresh():
        """Each kind starts on an empty Odoo: the double scans its tables, so a growing one
        would be measured instead of Floor's push."""
        nonlocal stock_id
        double.reset()
        Operation.objects.all().delete()
        Product.objects.all().delete()
        [stock] = double.records("stock.warehouse", [], ["lot_stock_id"])
        stock_id = stock["lot_stock_id"][0]
        type(stock_bin).objects.filter(pk=stock_bin.pk).update(odoo_id=stock_id)
        type(shelf).objects.filter(pk=shelf.pk).update(odoo_id=double.seed_location("Bench shelf", parent=stock_id))

    def items(n, lines, *, stocked=0):
        made = []
        for i in range(lines):
            odoo_id = double.seed_product(f"Bench {n}-{i}", default_code=f"B-{n}-{i}")
            if stocked:
                double.seed_stock(odoo_id, stocked, location=stock_id)
            made.append((odoo_id, factories.product(odoo_id=odoo_id, odoo_uom_id=1)))
        return made

    def moves_of(picking):
        return sorted(m["id"] for m in double.records("stock.move", [["picking_id", "=", picking]], ["id"]))

    def receipt(n, lines):
        products = items(n, lines)
        picking = double.seed_receipt(lines=[(oid, 5) for oid, _p in products], origin=f"PO-B-{n}")
        return {
            "picking": picking,
            "backorder": True,
            "lines": [
                {"move": move, "product": product.pk, "quantity": "5", "lot": None}
                for move, (_oid, product) in zip(moves_of(picking), products, strict=True)
            ],
        }

    def delivery(n, lines):
        products = items(n, lines, stocked=5)
        picking = double.seed_delivery(lines=[(oid, 2) for oid, _p in products], origin=f"SO-B-{n}")
        return {
            "picking": picking,
            "backorder": True,
            "lines": [
                {"move": move, "product": product.pk, "quantity": "2", "lot": None, "from": stock_bin.pk}
                for move, (_oid, product) in zip(moves_of(picking), products, strict=True)
            ],
        }

    def internal(n, lines):
        products = items(n, lines, stocked=5)
        return {
            "lines": [
                {"product": p.pk, "quantity": "2", "lot": None, "from": stock_bin.pk, "to": shelf.pk}
                for _oid, p in products
            ]
        }

    def adjustment(n, lines):
        products = items(n, lines, stocked=5)
        return {
            "lines": [{"product": p.pk, "lot": None, "location": stock_bin.pk, "counted": "4"} for _o, p in products]
        }

    def returned(n, lines):
        products = items(n, lines, stocked=5)
        shipped = double.seed_delivery(lines=[(oid, 2) for oid, _p in products], origin=f"SO-R-{n}")
        double.validate(shipped)
        return {
            "delivery": shipped,
            "lines": [{"product": p.pk, "quantity": "1", "lot": None, "to": shelf.pk} for _o, p in products],
        }

    def scrap(n, lines):
        products = items(n, lines, stocked=5)
        return {"lines": [{"product": p.pk, "quantity": "1", "lot": None, "from": stock_bin.pk} for _o, p in products]}

    kinds = {
        Operation.Kind.RECEIPT: receipt,
        Operation.Kind.DELIVERY: delivery,
        Operation.Kind.INTERNAL: internal,
        Operation.Kind.ADJUSTMENT: adjustment,
        Operation.Kind.RETURN: returned,
        Operation.Kind.SCRAP: scrap,
    }

    def operation(kind, n, lines):
        return Operation.objects.create(
            kind=kind,
            warehouse=wh,
            reference=f"FLOOR-{kind}-{n}",
            payload=kinds[kind](n, lines),
            next_try_at=timezone.now(),
        )

    # Time spent waiting on Odoo (the double, in this process): the rest of a push is Floor's own.
    from floor.odoo.client import OdooClient

    waited = [0.0]
    send = OdooClient._send

    def timed_send(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return send(self, *args, **kwargs)
        finally:
            waited[0] += time.perf_counter() - started

    OdooClient._send = timed_send

    def timed_push(op, samples, own):
        started, before = time.perf_counter(), waited[0]
        push.send(op.pk)
        elapsed = time.perf_counter() - started
        samples.append(elapsed * 1000)
        own.append((elapsed - (waited[0] - before)) * 1000)

    def two_workers(ops):
        """Two pushers at once, as the `odoo` Celery queue runs by default."""
        started = time.perf_counter()

        def worker(chunk):
            from django.db import connection

            try:
                for op in chunk:
                    push.send(op.pk)
            finally:
                connection.close()

        threads = [threading.Thread(target=worker, args=(ops[i::2],)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return len(ops) / (time.perf_counter() - started)

    results, failed = {}, {}
    for kind in kinds:
        fresh()
        push.send(operation(kind, "warm", 1).pk)  # signed in, caches filled, as in a running worker
        calls = {}
        for lines in (1, 100):
            op = operation(kind, f"calls-{lines}", lines)
            before = double.call_count()
            push.send(op.pk)
            calls[lines] = double.call_count() - before
        print(f"{kind}: setting up {args.operations} one-line operations in the double and in Floor…")
        ops = [operation(kind, n, 1) for n in range(args.operations)]
        half = len(ops) // 2
        samples: list[float] = []
        own: list[float] = []
        started = time.perf_counter()
        for op in ops[:half]:
            timed_push(op, samples, own)
        one_worker = half / (time.perf_counter() - started)
        results[kind] = {
            "p50_ms": round(statistics.median(samples), 1),
            "p95_ms": round(percentile(samples, 95), 1),
            "p99_ms": round(percentile(samples, 99), 1),
            "per_s": round(one_worker, 1),
            "offered_per_s": None,
            "max_per_s": round(two_workers(ops[half:]), 1),
            "odoo_calls_1_line": calls[1],
            "odoo_calls_100_lines": calls[100],
            "floor_ms_p50": round(statistics.median(own), 1),
        }
        states = dict(Operation.objects.values_list("state").annotate(n=Count("pk")))
        failed.update({f"{kind} {s}": n for s, n in states.items() if s != "sent"})
    double.stop()

    print("Push path (Odoo 18 test double over JSON-RPC, no latency; one worker, then two):")
    for kind, r in results.items():
        print(
            f"  {kind:<10} {r['per_s']:>6} /s one worker (p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms, "
            f"Floor's own {r['floor_ms_p50']} ms), "
            f"{r['max_per_s']:>6} /s two workers; Odoo calls: {r['odoo_calls_1_line']} for 1 line, "
            f"{r['odoo_calls_100_lines']} for 100"
        )
    if failed:
        print(f"!! operations not sent: {failed}")
    existing = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    existing.pop("odoo_push_receipt", None)
    for kind, result in results.items():
        existing[f"odoo_push_{kind}"] = result
    RESULTS.write_text(json.dumps(existing, indent=2, sort_keys=True) + "\n")
    subprocess.run(["dropdb", "-h", "127.0.0.1", "--if-exists", "--force", DB], check=False)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
