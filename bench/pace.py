"""The machine's pace: CPU milliseconds of a fixed piece of pure Python, the best of five.

    python bench/pace.py            # one core
    python bench/pace.py --cores 2  # on every core at once, the slowest core's figure

This VM's speed moves by up to 2× from one hour to the next (its host's other guests), and every
bench figure with it: two runs' figures compare only at a like pace (lower is faster). Run on
every core at once, as the bench's server and PostgreSQL are, so that contention between the
cores counts too.
"""

import argparse
import os
import subprocess
import sys
import time


def fixed_work():
    counts = {}
    for n in range(200_000):
        counts[n % 1000] = counts.get(n % 1000, 0) + len(str(n))


def best_of_five_ms() -> float:
    best = float("inf")
    for _ in range(5):
        started = time.process_time()
        fixed_work()
        best = min(best, time.process_time() - started)
    return best * 1000


def pace_ms(cores: int = os.cpu_count() or 1) -> float:
    runs = [subprocess.Popen([sys.executable, __file__], stdout=subprocess.PIPE, text=True) for _ in range(cores)]
    return round(max(float(run.communicate(timeout=60)[0]) for run in runs), 1)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cores", type=int, default=0, help="run on this many cores at once")
    args = parser.parse_args()
    print(pace_ms(args.cores) if args.cores else f"{best_of_five_ms():.3f}")
