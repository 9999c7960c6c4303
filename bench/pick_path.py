"""Bench of a pick task's walking order (floor/picking/path.py), on the module's own distance model.

Random tasks (seeded) over a layout of 20 aisles (A…T) × 40 bays × 4 levels, stops drawn uniformly.
Small tasks (3–9 stops): walk_order, the plain serpentine and the local search alone (serpentine +
2-opt/or-opt, without walk_order's exact solve) against the brute-force optimum (every order of the
task's distinct spots). Large tasks (20–60 stops, no optimum): the naive line order (the order the
lines came in, here random) and the serpentine against walk_order. Also the time walk_order takes
per task. Prints a table and merges the figures into bench/results/latest.json under "pick_path".

    .venv/bin/python bench/pick_path.py [--per-size 60] [--large 300] [--seed 1]
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from floor.picking import path  # noqa: E402  (no Django needed: pure functions)

RESULTS = ROOT / "bench" / "results" / "latest.json"
AISLES = [chr(ord("A") + n) for n in range(20)]
BAYS = 40
LEVELS = 4
SMALL = range(3, 10)
LARGE = (20, 60)


def percentile(samples, p):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def task(rng: random.Random, stops: int) -> list[SimpleNamespace]:
    return [
        SimpleNamespace(
            aisle=rng.choice(AISLES), bay=rng.randint(1, BAYS), level=rng.randint(1, LEVELS), pk=rng.randrange(10**6)
        )
        for _ in range(stops)
    ]


def brute_force_optimum(bins) -> float:
    """Shortest depot → spots → depot walk over every order of the task's distinct spots.

    Exhaustive depth-first enumeration of all permutations (prefix lengths shared, no pruning)."""
    model = path._Model(bins)
    d = model.dist
    m = len(model.spots)
    best = float("inf")

    def extend(last, left, length):
        nonlocal best
        if not left:
            best = min(best, length + d[last][0])
            return
        row = d[last]
        for k in left:
            extend(k, left - {k}, length + row[k])

    extend(0, frozenset(range(1, m + 1)), 0.0)
    return best


def timed_walk(bins) -> tuple[list[int], float]:
    start = time.perf_counter()
    order = path.walk_order(bins)
    return order, (time.perf_counter() - start) * 1000


def r3(x):
    return round(x, 3)


def small_tasks(rng, per_size):
    rows, ratios, times = {}, {"walk": [], "serpentine": [], "local_search": []}, []
    for stops in SMALL:
        r = {"walk": [], "serpentine": [], "local_search": []}
        for _ in range(per_size):
            bins = task(rng, stops)
            optimum = brute_force_optimum(bins)
            order, ms = timed_walk(bins)
            times.append(ms)
            r["walk"].append(path.path_length(bins, order) / optimum)
            r["serpentine"].append(path.path_length(bins, path.serpentine_order(bins)) / optimum)
            r["local_search"].append(path.path_length(bins, path.local_search_order(bins)) / optimum)
        rows[stops] = {k: (statistics.mean(v), max(v)) for k, v in r.items()}
        for k, v in r.items():
            ratios[k] += v
    return rows, ratios, times


def large_tasks(rng, count):
    naive, serpentine, times, by_size = [], [], [], {}
    for _ in range(count):
        stops = rng.randint(*LARGE)
        bins = task(rng, stops)
        order, ms = timed_walk(bins)
        length = path.path_length(bins, order)
        naive.append(path.path_length(bins, range(len(bins))) / length)
        serpentine.append(path.path_length(bins, path.serpentine_order(bins)) / length)
        times.append(ms)
        bucket = min(stops // 10 * 10, 50)
        by_size.setdefault(bucket, []).append((naive[-1], serpentine[-1], ms))
    return naive, serpentine, times, by_size


def sixty_stops(rng, count) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds per 60-stop task (CPU time leaves out other processes' turns)."""
    wall, cpu = [], []
    for _ in range(count):
        bins = task(rng, 60)
        start, start_cpu = time.perf_counter(), time.process_time()
        path.walk_order(bins)
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    return wall, cpu


def write_results(figures: dict):
    try:
        merged = json.loads(RESULTS.read_text())
    except (OSError, ValueError):
        merged = {}
    merged["pick_path"] = {**merged.get("pick_path", {}), **figures}
    RESULTS.write_text(json.dumps(merged, indent=2, sort_keys=True) + "\n")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-size", type=int, default=60, help="small tasks per stop count (3…9)")
    parser.add_argument("--large", type=int, default=300, help="tasks of 20–60 stops")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    for _ in range(20):  # warm up
        path.walk_order(task(rng, 40))

    rows, ratios, small_ms = small_tasks(rng, args.per_size)
    naive, serpentine, large_ms, by_size = large_tasks(rng, args.large)
    sixty_ms, sixty_cpu_ms = sixty_stops(rng, 200)

    print(f"Pick path: {len(AISLES)} aisles × {BAYS} bays × {LEVELS} levels, seed {args.seed}")
    print(f"Small tasks, {args.per_size} per size: length ÷ brute-force optimum, mean / worst")
    print("  stops   walk_order        serpentine        local search only")
    for stops, r in rows.items():
        cells = "".join(f"{r[k][0]:>8.3f} /{r[k][1]:>6.3f}  " for k in ("walk", "serpentine", "local_search"))
        print(f"  {stops:>5}  {cells}".rstrip())
    cells = "".join(
        f"{statistics.mean(ratios[k]):>8.3f} /{max(ratios[k]):>6.3f}  " for k in ("walk", "serpentine", "local_search")
    )
    print(f"  {'all':>5}  {cells}".rstrip())
    print(f"Large tasks (20–60 stops, {args.large}): length ÷ walk_order's, mean; walk_order time")
    print("  stops    naive line order   serpentine   ms p50   ms p95")
    for bucket in sorted(by_size):
        rs = by_size[bucket]
        label = f"{bucket}–{bucket + 9 if bucket < 50 else 60}"
        print(
            f"  {label:>6}  {statistics.mean(r[0] for r in rs):>16.3f}  {statistics.mean(r[1] for r in rs):>11.3f}"
            f"  {percentile([r[2] for r in rs], 50):>7.2f}  {percentile([r[2] for r in rs], 95):>7.2f}"
        )
    print(f"  {'all':>6}  {statistics.mean(naive):>16.3f}  {statistics.mean(serpentine):>11.3f}")
    print(
        f"walk_order time per task, ms: 3–9 stops p50 {percentile(small_ms, 50):.2f} "
        f"p95 {percentile(small_ms, 95):.2f}; "
        f"20–60 stops p50 {percentile(large_ms, 50):.2f} p95 {percentile(large_ms, 95):.2f}; "
        f"60 stops p50 {percentile(sixty_ms, 50):.2f} p95 {percentile(sixty_ms, 95):.2f} max {max(sixty_ms):.2f} "
        f"(CPU time p50 {percentile(sixty_cpu_ms, 50):.2f} p95 {percentile(sixty_cpu_ms, 95):.2f})"
    )
    print(f"load average during the run: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")

    write_results(
        {
            "layout": f"{len(AISLES)} aisles x {BAYS} bays x {LEVELS} levels, uniform stops",
            "seed": args.seed,
            "small_tasks": len(ratios["walk"]),
            "small_stops": f"{SMALL.start}-{SMALL.stop - 1}",
            "walk_vs_optimal_mean": r3(statistics.mean(ratios["walk"])),
            "walk_vs_optimal_worst": r3(max(ratios["walk"])),
            "serpentine_vs_optimal_mean": r3(statistics.mean(ratios["serpentine"])),
            "serpentine_vs_optimal_worst": r3(max(ratios["serpentine"])),
            "local_search_vs_optimal_mean": r3(statistics.mean(ratios["local_search"])),
            "local_search_vs_optimal_worst": r3(max(ratios["local_search"])),
            "large_tasks": len(naive),
            "large_stops": f"{LARGE[0]}-{LARGE[1]}",
            "naive_vs_walk_mean": r3(statistics.mean(naive)),
            "serpentine_vs_walk_mean": r3(statistics.mean(serpentine)),
            "ms_small_p50": r3(percentile(small_ms, 50)),
            "ms_small_p95": r3(percentile(small_ms, 95)),
            "ms_large_p50": r3(percentile(large_ms, 50)),
            "ms_large_p95": r3(percentile(large_ms, 95)),
            "ms_60_stops_p50": r3(percentile(sixty_ms, 50)),
            "ms_60_stops_p95": r3(percentile(sixty_ms, 95)),
            "ms_60_stops_max": r3(max(sixty_ms)),
            "cpu_ms_60_stops_p50": r3(percentile(sixty_cpu_ms, 50)),
            "cpu_ms_60_stops_p95": r3(percentile(sixty_cpu_ms, 95)),
            "load_average": round(os.getloadavg()[0], 2),
        }
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
