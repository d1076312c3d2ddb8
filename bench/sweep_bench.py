"""Benchmark of the sweep engine: parallel efficiency and memory (not a test).

Run from the project folder::

    uv run python bench/sweep_bench.py             # about 5 minutes on 2 cores
    uv run python bench/sweep_bench.py --quick     # 200 and 1,000 runs
    uv run python bench/sweep_bench.py --only efficiency    # or --only memory

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
wall-clock efficiency (compare with the load averages printed); the CPU
efficiency (CPU seconds serial / CPU seconds of the pool's parent and workers)
measures the pool's own overhead and does not depend on it.
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


def _cpu_seconds(who: tuple[int, ...] = (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) -> float:
    """User + system CPU seconds of this process and (by default) its finished children."""
    total = 0.0
    for w in who:
        usage = resource.getrusage(w)
        total += usage.ru_utime + usage.ru_stime
    return total


def child(file: str, out: str, executor: str, workers: int) -> None:
    """Run one sweep in this process and print its timings and memory as JSON."""
    sys.path.insert(0, str(ROOT))
    from sim.experiments.sweeps.files import load_sweep
    from sim.experiments.sweeps.runner import run_sweep

    sweep = load_sweep(file)
    cpu_before = _cpu_seconds()
    parent_before = _cpu_seconds((resource.RUSAGE_SELF,))
    start = time.perf_counter()
    result = run_sweep(sweep, out, executor=executor, workers=workers, progress=False)
    run_seconds = time.perf_counter() - start
    cpu_seconds = _cpu_seconds() - cpu_before
    parent_cpu_seconds = _cpu_seconds((resource.RUSAGE_SELF,)) - parent_before
    # Read now: the summary's manifest runs git, whose maxrss would be the parent's
    # (a forked child inherits its parent's high-water mark).
    parent_run = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    from sim.analysis.sweep_summary import summarize_sweep

    start = time.perf_counter()
    summarize_sweep(out)
    summary_seconds = time.perf_counter() - start
    parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "runs": result.ran,
                "run_seconds": run_seconds,
                "cpu_seconds": cpu_seconds,
                "parent_cpu_seconds": parent_cpu_seconds,
                "summary_seconds": summary_seconds,
                "parent_maxrss_run_mib": parent_run,
                "parent_maxrss_mib": parent,
                "largest_worker_maxrss_mib": workers_peak,
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
    parser.add_argument("--only", choices=("efficiency", "memory"), help="one part only")
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
        pool = measure(folder, small, "pool", w, d, m)
        if args.only != "memory":
            efficiency_report(measure(folder, small, "serial", 1, d, m), pool, small, w)
        if args.only == "efficiency":
            return
        big = measure(folder, large, "pool", w, d, m)
        memory_report(pool, big, small, large, w)


def efficiency_report(serial: dict, pool: dict, small: int, w: int) -> None:
    """Print wall-clock and CPU-time parallel efficiency."""
    efficiency = serial["run_seconds"] / (w * pool["run_seconds"])
    print(f"\n1. Parallel efficiency, {small:,} runs")
    print(
        f"   serial:          {serial['run_seconds']:7.1f} s  "
        f"({1000 * serial['run_seconds'] / small:.1f} ms per run)"
    )
    print(f"   pool, {w} workers: {pool['run_seconds']:7.1f} s")
    print(f"   speed-up {serial['run_seconds'] / pool['run_seconds']:.2f}, "
          f"parallel efficiency {efficiency:.2f} (target >= 0.90)")  # fmt: skip
    cpu = serial["cpu_seconds"] / pool["cpu_seconds"]
    print(
        f"   CPU seconds: serial {serial['cpu_seconds']:.1f}, pool {pool['cpu_seconds']:.1f} "
        f"(parent {pool['parent_cpu_seconds']:.1f} + workers); CPU efficiency {cpu:.2f} "
        "(insensitive to other load)"
    )
    print(f"   load average after: {os.getloadavg()[0]:.2f}")


def memory_report(pool: dict, big: dict, small: int, large: int, w: int) -> None:
    """Print peak memory of a small and a large sweep."""
    print(f"\n2. Peak memory (max RSS, MiB), pool of {w} workers")
    print("   runs     parent: runs  + summary   largest worker   run s   summary s")
    for label, r in ((small, pool), (large, big)):
        print(
            f"   {label:>6,}   {r['parent_maxrss_run_mib']:12.0f}  "
            f"{r['parent_maxrss_mib']:10.0f}   {r['largest_worker_maxrss_mib']:14.0f}   "
            f"{r['run_seconds']:5.0f}   {r['summary_seconds']:9.1f}"
        )
    for key, what in (
        ("parent_maxrss_run_mib", "while running"),
        ("parent_maxrss_mib", "with the summary"),
    ):
        ratio = big[key] / pool[key]
        print(f"   parent memory {what}, {large:,} / {small:,} runs: {ratio:.2f}")


if __name__ == "__main__":
    main()
