"""Bench of wave building on PostgreSQL: preview, build and release of one wave of 2,000 open
orders / 6,000 lines over a few hundred bins (issue 5's target: building takes ≤ 2 s).

Makes a fresh database (floor_bench_waves), migrates, loads the orders and stock in bulk, then runs
each step several times from the same starting point (all orders open, nothing reserved) and keeps
the median. Prints a table and merges the figures into bench/results/latest.json under
"wave_build".

    .venv/bin/python bench/wave_build.py [--orders 2000] [--lines 6000] [--runs 5]
"""

import argparse
import json
import os
import random
import secrets
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

import psycopg
from run import manage

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "latest.json"
DATABASE = "floor_bench_waves"
DATABASE_URL = f"postgres://root@127.0.0.1/{DATABASE}"
TARGET_BUILD_S = 2.0
AISLES, BAYS, LEVELS = "ABCDEFGHIJ", 20, 2  # 400 bins
ZONES = 4  # zone n holds aisles n, n+4, n+8… (so zone picking has work in each)
PRODUCTS = 1500
LOT_TRACKED = 0.2  # of the products, with two lots of different expiry each


def say(message: str = ""):
    print(message, flush=True)


def fresh_database():
    # Its own database: the scanner bench's floor_bench may be left for inspection.
    with psycopg.connect("postgresql://root@127.0.0.1/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DATABASE}")


def setup_django(env: dict):
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def load(orders: int, lines: int, seed: int = 5) -> dict:
    """Stock in every bin, and `orders` open orders of `lines` lines in all (1 to 5 each)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from floor.ledger.models import Move
    from floor.ledger.services import post
    from floor.picking.models import Order, OrderLine
    from floor.warehouse.models import Location, Lot, Product
    from floor.warehouse.services import add_zone, create_warehouse, virtual_location

    rnd = random.Random(seed)
    with transaction.atomic():
        wh = create_warehouse(code="WH", name="Bench warehouse")
        zones = [add_zone(wh, name=f"Zone {n + 1}") for n in range(ZONES)]
        Location.objects.bulk_create(
            Location(
                warehouse=wh,
                parent=zones[a % ZONES],
                kind=Location.Kind.STORAGE,
                name=f"{aisle}-{bay:02d}-{level:02d}",
                barcode=f"{aisle}-{bay:02d}-{level:02d}",
                aisle=aisle,
                bay=bay,
                level=level,
            )
            for a, aisle in enumerate(AISLES)
            for bay in range(1, BAYS + 1)
            for level in range(1, LEVELS + 1)
        )
        bins = list(Location.objects.filter(warehouse=wh, kind=Location.Kind.STORAGE).order_by("pk"))
        tracked = int(PRODUCTS * LOT_TRACKED)
        Product.objects.bulk_create(
            Product(sku=f"WB-{n:05d}", name=f"Wave bench item {n}", tracking="lot" if n < tracked else "none")
            for n in range(PRODUCTS)
        )
        products = list(Product.objects.filter(sku__startswith="WB-").order_by("sku"))
        today = timezone.localdate()
        Lot.objects.bulk_create(
            Lot(product=p, name=f"L{p.pk}-{k}", expiry_date=today + timezone.timedelta(days=30 * (k + 1)))
            for p in products[:tracked]
            for k in range(2)
        )
        lots = {}
        for lot in Lot.objects.filter(product__in=products[:tracked]).order_by("expiry_date"):
            lots.setdefault(lot.product_id, []).append(lot)
        vendor = virtual_location(Location.Kind.VENDOR)
        moves = []
        for n, product in enumerate(products):  # each item in two bins, far apart
            for k, where in enumerate((bins[n % len(bins)], bins[(n * 7 + 131) % len(bins)])):
                lot = lots[product.pk][k] if product.pk in lots else None
                moves.append(
                    Move(product=product, lot=lot, quantity=Decimal(120), from_location=vendor, to_location=where)
                )
        post(moves, key="wave-bench-stock")

        counts = [1] * orders
        for _ in range(lines - orders):  # spread the rest, at most 5 lines an order
            while True:
                n = rnd.randrange(orders)
                if counts[n] < 5:
                    counts[n] += 1
                    break
        now = timezone.now()
        Order.objects.bulk_create(
            Order(
                warehouse=wh,
                reference=f"WB/OUT/{n:05d}",
                customer=f"Customer {n % 300}",
                carrier=rnd.choice(["DHL", "UPS", "GLS"]),
                cutoff=now + timezone.timedelta(minutes=rnd.randrange(30, 600)),
                priority=1 if rnd.random() < 0.1 else 0,
            )
            for n in range(orders)
        )
        made = list(Order.objects.filter(warehouse=wh).order_by("reference"))
        OrderLine.objects.bulk_create(
            OrderLine(order=o, product=p, ordered=Decimal(rnd.randint(1, 3)))
            for o, count in zip(made, counts, strict=True)
            for p in rnd.sample(products, count)
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"warehouse": wh, "bins": len(bins), "products": len(products), "zones": ZONES}


def reset(wh):
    """Back to the start: every order open, no wave, nothing reserved."""
    from django.db import transaction

    from floor.picking.models import Order, Pick, PickTask, TaskTote, Wave

    with transaction.atomic():
        Pick.objects.filter(task__wave__warehouse=wh).delete()
        TaskTote.objects.filter(task__wave__warehouse=wh).delete()
        PickTask.objects.filter(wave__warehouse=wh).delete()
        Order.objects.filter(warehouse=wh).update(wave=None, state=Order.State.OPEN)
        Wave.objects.filter(warehouse=wh).delete()


def timed(step):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = step()
        elapsed = time.perf_counter() - started
    return result, elapsed, len(queries.captured_queries)


def measure(wh, runs: int, mode: str) -> dict:
    from floor.picking import waves
    from floor.picking.models import Pick

    filters = waves.Filters(totes_per_picker=6, mode=mode)
    samples = {"preview_s": [], "build_s": [], "release_s": []}
    last = {}
    for _ in range(runs):
        reset(wh)
        plan, preview_s, preview_q = timed(lambda: waves.preview(warehouse=wh, filters=filters))
        wave, build_s, build_q = timed(lambda: waves.build_wave(warehouse=wh, filters=filters))
        wave, release_s, release_q = timed(lambda w=wave: waves.release_wave(wave=w, actor=None))
        samples["preview_s"].append(preview_s)
        samples["build_s"].append(build_s)
        samples["release_s"].append(release_s)
        last = {
            "wave_orders": len(plan.orders),
            "wave_lines": plan.lines,
            "tasks": wave.tasks.count(),
            "picks": Pick.objects.filter(task__wave=wave).count(),
            "queries_preview": preview_q,
            "queries_build": build_q,
            "queries_release": release_q,
        }
    reset(wh)
    return {**{k: round(statistics.median(v), 3) for k, v in samples.items()}, **last}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--lines", type=int, default=6000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    env = {
        "DJANGO_SETTINGS_MODULE": "floor.settings",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": "",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
    }
    say(f"Wave bench: {args.orders} orders / {args.lines} lines, PostgreSQL ({DATABASE}), median of {args.runs}")
    fresh_database()
    manage({**os.environ, **env}, "migrate", "--noinput", "-v", "0")
    setup_django(env)
    started = time.monotonic()
    data = load(args.orders, args.lines)
    loaded = time.monotonic() - started
    say(f"  data: {data['bins']} bins in {data['zones']} zones, {data['products']} items: {loaded:.1f} s")

    cluster = measure(data["warehouse"], args.runs, "cluster")
    zone = measure(data["warehouse"], args.runs, "zone")
    say()
    head = ("mode", "orders", "lines", "preview s", "build s", "release s", "tasks", "picks")
    say("{:<8} {:>6} {:>6} {:>9} {:>8} {:>9} {:>6} {:>6}".format(*head))
    say(f"{'':<8} {'':>6} {'':>6} {'(queries)':>9} {'':>8} {'':>9}")
    for mode, r in (("cluster", cluster), ("zone", zone)):
        say(
            f"{mode:<8} {r['wave_orders']:>6} {r['wave_lines']:>6} {r['preview_s']:>9.3f} {r['build_s']:>8.3f} "
            f"{r['release_s']:>9.3f} {r['tasks']:>6} {r['picks']:>6}"
        )
        say(f"{'':<8} {'':>6} {'':>6} {r['queries_preview']:>9} {r['queries_build']:>8} {r['queries_release']:>9}")
    say("build = the Create button: preview again, then take the orders into a draft (no reservation).")
    say("release = reserve stock (FEFO, locked quants), split into tasks, order each task's stops.")
    ok = cluster["build_s"] <= TARGET_BUILD_S and zone["build_s"] <= TARGET_BUILD_S
    say(f"Target: building ≤ {TARGET_BUILD_S} s — {'met' if ok else 'NOT MET'}.")

    figures = {
        "orders": args.orders,
        "lines": args.lines,
        "bins": data["bins"],
        "runs": args.runs,
        "preview_s": cluster["preview_s"],
        "build_s": cluster["build_s"],
        "release_s": cluster["release_s"],
        "release_zone_s": zone["release_s"],
        "tasks": cluster["tasks"],
        "tasks_zone": zone["tasks"],
        "picks": cluster["picks"],
        "queries": {
            "preview": cluster["queries_preview"],
            "build": cluster["queries_build"],
            "release": cluster["queries_release"],
        },
        "target_build_s": TARGET_BUILD_S,
    }
    try:
        merged = json.loads(RESULTS.read_text())
    except (OSError, ValueError):
        merged = {}
    merged["wave_build"] = figures
    RESULTS.write_text(json.dumps(merged, indent=2, sort_keys=True) + "\n")
    say(f"Wrote wave_build to {RESULTS.relative_to(ROOT)}.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
