"""Benchmark of designs whose points differ in structure (issue 27; not a test).

Run from the project folder (``run.py bench`` runs it after the model's benchmark)::

    uv run python bench/discovery_bench.py            # about 5 minutes on 2 free cores
    uv run python bench/discovery_bench.py --quick    # smaller sizes
    uv run python bench/discovery_bench.py --only rate     # or shipped, ema

It prints

1. ``rate``: a discovery-sized design that varies ``n_departments``: the
   shipped discovery's uncertainties over their plausible ranges (government
   size 15-80 departments among them) for its second design, 120 months, one
   run per Latin hypercube point, through the sweep runner serially (one
   core), collection and Parquet writing included: runs per second per core
   batched by default (target >= 60) and with one model per run (the speedup);
2. ``shipped``: the wall time of ``run.py discover`` on the shipped discovery
   (``sweeps/discovery/centralized_vs_dispersed.yaml``, 2,400 runs; with
   ``--quick`` its ``--quick`` version, 320 runs) on 2 pool workers, runs and
   analysis included, in a fresh process;
3. ``ema``: the EMA Workbench adapter (``sim.experiments.discovery.ema.ema_model`` with
   every declared uncertainty over its plausible range, the two designs, 2
   replications, 120 months, government size among the uncertainties): runs
   per second per core with the workbench's ``SequentialEvaluator`` (one
   model per run) and with ``sim.experiments.discovery.ema_evaluator.BatchedEvaluator``
   (serial, batched through the sweep runner).

Other load on the machine lowers every figure: the load averages are printed
first.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

#: The shipped discovery file.
SHIPPED = ROOT / "sweeps" / "discovery" / "centralized_vs_dispersed.yaml"
#: Target of issue 27 for a design that varies n_departments (runs/s per core).
TARGET_RUNS_PER_S_PER_CORE = 60


def verdict(ok: bool) -> str:
    """Word for a target met or missed."""
    return "meets target" if ok else "MISSES target"


def discovery_sweep(samples: int, batch: int | None = None):
    """The shipped discovery's sweep of its second design, ``samples`` points, 1 replication."""
    from sim.experiments.discovery.files import load_discovery

    discovery = load_discovery(SHIPPED)
    design = discovery.designs[-1]
    sweep = discovery.sweeps[design]
    spec = dataclasses.replace(sweep.design, samples=samples)
    return design, dataclasses.replace(sweep, design=spec, replications=1, batch=batch)


def design_rate(samples: int, batch: int | None = None) -> tuple[float, float, int, str]:
    """Runs per second of the structure-varying design, serial (one core).

    Returns:
        ``(runs per wall second, runs per CPU second of this process, runs per
        model, design)``. On a loaded machine the process gets a share of a
        core: the CPU figure is its speed on a core of its own.
    """
    from sim.experiments.sweeps.designs import build_design
    from sim.experiments.sweeps.runner import run_sweep

    design, sweep = discovery_sweep(samples, batch)
    build_design(sweep)  # imports the samplers (SciPy, SALib) before the clock starts
    with tempfile.TemporaryDirectory() as tmp:
        start, cpu = time.perf_counter(), time.process_time()
        result = run_sweep(sweep, Path(tmp) / "out", executor="serial", progress=False)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    return result.ran / elapsed, result.ran / cpu, sweep.batch_size, design


def shipped_wall_time(quick: bool, workers: int = 2) -> tuple[float, str]:
    """Wall seconds of ``run.py discover`` on the shipped file (fresh process)."""
    with tempfile.TemporaryDirectory() as tmp:
        command = [
            sys.executable, str(ROOT / "run.py"), "discover", str(SHIPPED),
            "--out", str(Path(tmp) / "out"), "--workers", str(workers), "--quiet",
            *(["--quick"] if quick else []),
        ]  # fmt: skip
        start = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
    if done.returncode != 0:
        return elapsed, f"failed (exit {done.returncode}): {done.stderr.strip()[-300:]}"
    first = next((line for line in done.stdout.splitlines() if line.strip()), "")
    return elapsed, first


def ema_rates(scenarios_plain: int, scenarios_batched: int) -> tuple[dict, dict, int]:
    """Runs per second of the EMA adapter: workbench's sequential evaluator, then batched.

    Returns:
        ``(sequential, batched, runs per batched model)``: each ``{"wall": runs
        per wall second, "cpu": runs per CPU second of this process}``.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        import ema_workbench as wb

    from sim.experiments.discovery import ema
    from sim.experiments.discovery.ema_evaluator import BatchedEvaluator
    from sim.model.parameters import SPECS

    uncertain = [n for n, s in SPECS.items() if s.group == "uncertainty"] + ["n_departments"]
    model = ema.ema_model(uncertainties=uncertain, replications=2, root_seed=3)
    policies = ema.design_policies(["dispersed", "centralized"])
    runs = {}
    for label, n in (("plain", scenarios_plain), ("batched", scenarios_batched)):
        kwargs = {"scenarios": n, "policies": policies, "log_progress": False}
        start, cpu = time.perf_counter(), time.process_time()
        if label == "plain":
            wb.perform_experiments(model, **kwargs)
        else:
            with BatchedEvaluator(model, executor="serial") as evaluator:
                evaluator.perform_experiments(**kwargs)
                batch = evaluator.last_batch
        made = n * 2 * 2
        runs[label] = {
            "wall": made / (time.perf_counter() - start),
            "cpu": made / (time.process_time() - cpu),
        }
    return runs["plain"], runs["batched"], batch


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    parser.add_argument(
        "--only", choices=("rate", "shipped", "ema"), action="append", help="one part (repeatable)"
    )
    args = parser.parse_args(argv)
    parts = set(args.only or ("rate", "shipped", "ema"))
    print(f"load averages (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if "rate" in parts:
        samples, single = (200, 20) if args.quick else (600, 40)
        wall, rate, batch, design = design_rate(samples)
        one_wall, one, _, _ = design_rate(single, batch=1)
        print(
            f"discovery design varying n_departments (shipped discovery's {design} sweep: its "
            f"whole space incl. n_departments and the horizon months, {samples} points x 1 "
            f"run, serial, collection and Parquet included; blocks ordered by horizon): "
            f"batched (up to {batch} runs per model) {rate:.1f} runs per CPU second ({wall:.1f} "
            f"per wall second; target >= {TARGET_RUNS_PER_S_PER_CORE} runs/s per core: "
            f"{verdict(rate >= TARGET_RUNS_PER_S_PER_CORE)}); one model per run {one:.1f} "
            f"per CPU second ({one_wall:.1f} wall; {single} runs): speedup {rate / one:.1f}x"
        )
    if "shipped" in parts:
        seconds, first = shipped_wall_time(args.quick)
        size = "--quick" if args.quick else "its samples x replications x designs"
        print(
            f"shipped discovery (run.py discover {SHIPPED.relative_to(ROOT)} "
            f"{'--quick ' if args.quick else ''}--workers 2, {size}, runs and analysis): "
            f"wall time {seconds:.0f} s ({seconds / 60:.1f} min); {first}"
        )
    if "ema" in parts:
        plain_n, batched_n = (4, 25) if args.quick else (10, 100)
        plain, batched, batch = ema_rates(plain_n, batched_n)
        print(
            f"EMA adapter (ema_model, every uncertainty + n_departments over plausible ranges, "
            f"2 designs x 2 replications, 120 months, one core): workbench SequentialEvaluator "
            f"{plain['cpu']:.1f} runs per CPU second ({plain['wall']:.1f} wall; {plain_n * 4} "
            f"runs); BatchedEvaluator {batched['cpu']:.1f} per CPU second "
            f"({batched['wall']:.1f} wall; {batched_n * 4} runs, up to {batch} runs per model): "
            f"speedup {batched['cpu'] / plain['cpu']:.1f}x"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
