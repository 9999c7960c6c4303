"""Bench of stock truth: Odoo's on-hand brought in as an opening balance, Odoo's own moves followed,
and the reconciliation, against the Odoo test double (Odoo 18 over JSON-RPC, no latency), on
PostgreSQL.

For 10 and for 1,000 quants (then 1,000 moves made in Odoo): Odoo calls and seconds for the
opening, for the pull that posts the moves, and for the reconciliation. The calls must grow with
pages (500 records each), not with records. Prints and merges `odoo_stock_truth` into
bench/results/latest.json.

    .venv/bin/python bench/odoo_pull.py
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DB = "floor_bench_pull"
RESULTS = ROOT / "bench" / "results" / "latest.json"


def main():
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

    from floor.ledger.checks import ledger_differences
    from floor.odoo.client import OdooClient
    from floor.odoo.pull import pull
    from floor.odoo.reconcile import reconcile

    def timed(run):
        with OdooClient.from_settings() as client:
            client.connect()
            client.calls = 0
            started = time.perf_counter()
            result = run(client)
            return result, client.calls, round(time.perf_counter() - started, 2)

    call_command("migrate", verbosity=0)
    results, problems = {}, []
    for quants in (10, 1000):
        call_command("flush", interactive=False, verbosity=0)
        double.reset()
        shelf = double.ids["shelf_1"]
        items = [double.seed_product(f"Bench {n}", default_code=f"BP-{n:05d}") for n in range(quants)]
        for n, item in enumerate(items):
            double.seed_stock(item, n % 50 + 1, location=shelf)
        opened, opening_calls, opening_s = timed(lambda client: pull(client=client))
        double.advance(120)
        for n, item in enumerate(items):  # someone counts every bin again in Odoo
            double.adjust(item, shelf, n % 50 + 2)
        followed, moves_calls, moves_s = timed(lambda client: pull(client=client))
        run, reconcile_calls, reconcile_s = timed(lambda client: reconcile(client=client))
        if opened.created["opening stock"] != quants or followed.created["odoo moves"] != quants:
            problems.append(
                f"{quants}: {opened.created['opening stock']} opened, {followed.created['odoo moves']} posted"
            )
        if run.differences or ledger_differences():
            problems.append(f"{quants}: {run.differences} differences after the reconciliation")
        results[quants] = {
            "opening_calls": opening_calls,
            "opening_s": opening_s,
            "odoo_moves_calls": moves_calls,
            "odoo_moves_s": moves_s,
            "reconcile_calls": reconcile_calls,
            "reconcile_s": reconcile_s,
        }
    double.stop()

    print("Stock truth (Odoo 18 test double over JSON-RPC, no latency; the first pull reads everything):")
    for quants, r in results.items():
        print(
            f"  {quants:>5} quants: opening {r['opening_calls']} calls / {r['opening_s']} s; "
            f"{quants} Odoo moves: {r['odoo_moves_calls']} calls / {r['odoo_moves_s']} s; "
            f"reconciliation {r['reconcile_calls']} calls / {r['reconcile_s']} s"
        )
    if problems:
        print(f"!! {problems}")
    existing = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    existing["odoo_stock_truth"] = {str(quants): r for quants, r in results.items()}
    RESULTS.write_text(json.dumps(existing, indent=2, sort_keys=True) + "\n")
    subprocess.run(["dropdb", "-h", "127.0.0.1", "--if-exists", "--force", DB], check=False)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
