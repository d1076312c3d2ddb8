"""Benchmark of the sweep engine: parallel efficiency and memory (not a test).

Run from the project folder::

    uv run python bench/sweep_bench.py             # about 5 minutes on 2 cores
    uv run python bench/sweep_bench.py --quick     # 200 and 1,000 runs

It prints

1. wall time of a 1,000-run sweep run serially and on a 2-worker process pool,
   and the parallel efficiency ``T_serial / (workers * T_pool)`` (target 0.9);
2. peak memory (``getrusage`` maximum resident set size) of the parent process
   and of its largest worker for a 1,000-run and a 10,000-run sweep: streaming
   results to Parquet parts keeps the parent flat in the number of runs.

Every sweep runs in a fresh Python process (``--child``), so imports and
earlier sweeps do not count. Runs are small (10 departments, 24 months) and
drawn by a Latin hypercube over two uncertainties with 10 replications per
point. Timings cover the runs only (not the imports nor the summary); the
summary's time is printed apart. Other load on the machine lowers the
efficiency: compare with the load average printed at the start.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SWEEP = """\
description: Benchmark sweep ({runs} runs).
scenario: centralized
parameters: {{n_departments: {departments}}}
months: {months}
uncertainties:
  top_leader_attention: {{low: 0.2, high: 1.0}}
  willingness_to_share_mean: {{low: 0.1, high: 0.7}}
design: {{method: lhs, samples: {points}}}
replications: {replications}
root_seed: 1
outcomes: [duplication_rate, data_sharing_rate, platform_adoption_rate]
"""


def child(file: str, out: str, executor: str, workers: int) -> None:
    """Run one sweep in this process and print its timings and memory as JSON."""
    sys.path.insert(0, str(ROOT))
    from sim.sweep import load_sweep
    from sim.sweep_run import run_sweep

    sweep = load_sweep(file)
    start = time.perf_counter()
    result = run_sweep(
        sweep, out, executor=executor, workers=workers, progress=False, summarize=False
    )
    run_seconds = time.perf_counter() - start
    from sim.sweep_run import summarize_sweep

    start = time.perf_counter()
    summarize_sweep(out)
    summary_seconds = time.perf_counter() - start
    parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "runs": result.ran,
                "run_seconds": run_seconds,
                "summary_seconds": summary_seconds,
                "parent_maxrss_mib": parent,
                "largest_child_maxrss_mib": children,
            }
        )
    )


def measure(
    folder: Path, runs: int, executor: str, workers: int, departments: int, months: int
) -> dict:
    """Write a sweep file of ``runs`` runs, run it in a fresh process, return its figures."""
    replications = 10
    points = runs // replications
    name = f"bench_{runs}_{executor}_{workers}"
    file = folder / f"{name}.yaml"
    file.write_text(
        SWEEP.format(
            runs=runs,
            departments=departments,
            months=months,
            points=points,
            replications=replications,
        )
    )
    out = folder / name
    proc = subprocess.run(
        [sys.executable, __file__, "--child", str(file), str(out), executor, str(workers)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"benchmark sweep failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=4, metavar=("FILE", "OUT", "EXECUTOR", "WORKERS"))
    parser.add_argument("--quick", action="store_true", help="200 and 1,000 runs instead")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--departments", type=int, default=10)
    parser.add_argument("--months", type=int, default=24)
    args = parser.parse_args()
    if args.child:
        file, out, executor, workers = args.child
        child(file, out, executor, int(workers))
        return

    small, large = (200, 1000) if args.quick else (1000, 10_000)
    w, d, m = args.workers, args.departments, args.months
    print(
        f"cores {os.cpu_count()}, load average {os.getloadavg()[0]:.2f}; runs of {d} "
        f"departments x {m} months; LHS over 2 uncertainties x 10 replications"
    )
    with tempfile.TemporaryDirectory(prefix="sweep-bench-") as tmp:
        folder = Path(tmp)
        serial = measure(folder, small, "serial", 1, d, m)
        pool = measure(folder, small, "pool", w, d, m)
        efficiency = serial["run_seconds"] / (w * pool["run_seconds"])
        print(f"\n1. Parallel efficiency, {small:,} runs")
        print(
            f"   serial:          {serial['run_seconds']:7.1f} s  "
            f"({1000 * serial['run_seconds'] / small:.1f} ms per run)"
        )
        print(f"   pool, {w} workers: {pool['run_seconds']:7.1f} s")
        print(f"   speed-up {serial['run_seconds'] / pool['run_seconds']:.2f}, "
              f"parallel efficiency {efficiency:.2f} (target >= 0.90)")  # fmt: skip

        big = measure(folder, large, "pool", w, d, m)
        print(f"\n2. Peak memory (max RSS), pool of {w} workers")
        print("   runs     parent MiB   largest worker MiB   run s   summary s")
        for label, r in ((small, pool), (large, big)):
            print(
                f"   {label:>6,}   {r['parent_maxrss_mib']:10.0f}   "
                f"{r['largest_child_maxrss_mib']:18.0f}   {r['run_seconds']:5.1f}   "
                f"{r['summary_seconds']:9.1f}"
            )
        ratio = big["parent_maxrss_mib"] / pool["parent_maxrss_mib"]
        print(f"   parent memory ratio {large:,} / {small:,} runs: {ratio:.2f}")


if __name__ == "__main__":
    main()
