"""Speed and memory benchmark of the governance model (not a test: it prints figures).

Run with ``uv run python run.py bench`` (or ``uv run python bench/benchmark.py``;
``--quick`` for a smaller version). From one process it measures:

* the reference: the project's own minimal Mesa model (Boltzmann wealth
  exchange, ``bench/reference_model.py``), cost per agent-step;
* the national scenario (``national_centralized``, 120 months) in five
  levels (down to its 38,741 townships, about 400,000 departments) and in
  four (``n_townships: 0``, about 128,000 departments): cost per
  department-month over the months (like the reference, which is timed over
  steps) and over the whole run with the set-up of its Mesa agents (two per
  department), and its peak memory (in a fresh child process, so that the
  figure is its own; fastest of two runs);
* the standard city scenario (``centralized``, 40 departments, 120 months,
  outcomes every month): runs per second on one core, both one run per model
  and batched (``CITY_BATCH`` independent replicas side by side in one model,
  ``GovernanceModel(replicas=...)``, as ``--batch`` does in experiments and
  sweeps);
* how run time grows with the number of departments (1k to 100k, flat
  layout of 40-department governments): the log-log slope;
* data-collection overhead: the city scenario with outcomes measured every
  month against only at the end (one run per model, and batched);
* a discovery-sized design (issue 12): a Latin hypercube of distinct
  parameter values of the city scenario (levers and uncertainties, the
  number of approval bodies among them, so several layouts), one run per
  point, through the sweep runner with its collection and Parquet writing:
  runs per second per core batched by default and with one model per run
  (the speedup), the time 20,000 such runs would take on 2 cores
  (extrapolated from a smaller design: cost is linear in the runs), and the
  parallel efficiency of 2 pool workers against one.

Each cost is also printed as a ratio to the reference, with the target.
Then ``bench/discovery_bench.py`` prints a discovery design that varies
``n_departments`` (runs per second per core, target 60), the shipped
discovery's wall time and the EMA adapter's speed (issue 27).
"""

from __future__ import annotations

import argparse
import math
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from reference_model import BoltzmannWealth  # noqa: E402

from sim.experiments.inputs.scenarios import load_scenario  # noqa: E402
from sim.model.governance import GovernanceModel  # noqa: E402

#: Targets of the project (issue "National multi-level scenario and benchmark";
#: issue 28 for five levels).
TARGET_NATIONAL_RATIO = 0.2  # national cost per department-month / reference cost per agent-step
TARGET_MEMORY_MB = 1024  # four levels
TARGET_MEMORY_MB_FIVE_LEVELS = 2048
#: The national scenario's layouts measured: five levels, and four without townships.
NATIONAL_LAYOUTS: tuple[tuple[str, int | None], ...] = (("five levels", None), ("four levels", 0))
TARGET_SLOPE = 1.05
TARGET_CITY_RUNS_PER_S = 50
TARGET_COLLECTION_OVERHEAD = 0.15
TARGET_DISCOVERY_RUNS_PER_S_PER_CORE = 85  # 20,000 runs in under 2 minutes on 2 cores
#: Runs of the discovery-sized design (full size would be 20,000).
DISCOVERY_RUNS = 1_000
DISCOVERY_RUNS_QUICK = 200
#: Runs of the same design with one model per run (for the speedup).
DISCOVERY_SINGLE_RUNS = 40

DISCOVERY_SWEEP = """\
description: Discovery-sized design for the benchmark (distinct parameters per run).
scenario: centralized
levers:
  approval_bodies: {{low: 1, high: 3}}
  review_capacity: {{low: 0.5, high: 10}}
  review_authority: {{low: 0.1, high: 0.95}}
  unified_budget: {{low: 0.0, high: 0.8}}
  coordination_proactive: {{low: 0.0, high: 1.0}}
uncertainties:
  top_leader_attention: {{low: 0.2, high: 0.9}}
  leader_tenure_months: {{low: 24, high: 72}}
  system_cost: {{low: 0.5, high: 2.0}}
design: {{method: lhs, samples: {samples}}}
replications: 1
root_seed: 12
batch: {batch}
"""
#: Replicas per model in the batched city measurement.
CITY_BATCH = 100
#: Timed passes of each city measurement; the fastest counts.
REPEATS = 5
#: National runs timed (in one child process); the fastest counts.
NATIONAL_REPEATS = 2


def reference_cost(n_agents: int = 10_000, steps: int = 30, repeats: int = REPEATS) -> float:
    """Seconds per agent-step of the Boltzmann reference model (fastest of ``repeats`` passes)."""
    model = BoltzmannWealth(n_agents, rng=1)
    model.step()  # warm-up
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(steps):
            model.step()
        best = min(best, time.perf_counter() - start)
    return best / (n_agents * steps)


def timed_run(scenario, seed: int = 1, **kwargs) -> tuple[float, GovernanceModel]:
    """Build and run one model; return wall seconds (set-up included) and the model."""
    start = time.perf_counter()
    model = GovernanceModel(
        scenario.parameters, rng=seed, policy_changes=scenario.policy_changes, **kwargs
    )
    model.run()
    return time.perf_counter() - start, model


def _national_child(name: str, months: int, townships: str = "-") -> None:
    overrides = {} if townships == "-" else {"n_townships": int(townships)}
    scenario = load_scenario(name).with_overrides(months=months, **overrides)
    best_setup = best_months = math.inf
    for _ in range(NATIONAL_REPEATS):
        start = time.perf_counter()
        model = GovernanceModel(scenario.parameters, rng=1, policy_changes=scenario.policy_changes)
        built = time.perf_counter()
        model.run()
        best_setup = min(best_setup, built - start)
        best_months = min(best_months, time.perf_counter() - built)
        n_dept = model.n_dept
        del model
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(best_setup, best_months, n_dept, peak_mb)


def national(
    name: str, months: int, townships: int | None = None
) -> tuple[float, float, int, float]:
    """Set-up and run time (fastest of ``NATIONAL_REPEATS``) and peak memory, in a fresh process.

    ``townships`` overrides ``n_townships`` (0: four levels); None keeps the scenario's.
    """
    arg = "-" if townships is None else str(townships)
    out = subprocess.run(
        [sys.executable, __file__, "--child", name, str(months), arg],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return float(out[0]), float(out[1]), int(out[2]), float(out[3])


def city_runs_per_second(runs: int, batch: int = 1, repeats: int = REPEATS) -> tuple[float, float]:
    """Runs per second of the standard city scenario on this core, with and without data.

    Passes with outcomes measured every month and passes measuring them only
    at the end alternate, ``repeats`` times each, and the fastest pass of
    each kind counts (as ``timeit`` does): slower passes measure other load
    on the machine, not the model.

    Args:
        runs: Runs per pass (rounded up to whole batches).
        batch: Replicas per model (1 = one run per model).
        repeats: Timed passes of each kind.

    Returns:
        ``(with monthly outcomes, with outcomes only at the end)`` in runs per second.
    """
    scenario = load_scenario("centralized")
    models = max(1, -(-runs // batch))
    best = {True: math.inf, False: math.inf}
    for _ in range(repeats):
        for record in (True, False):
            start = time.perf_counter()
            for seed in range(models):
                timed_run(scenario, seed, record_every_month=record, replicas=batch)
            best[record] = min(best[record], time.perf_counter() - start)
    return models * batch / best[True], models * batch / best[False]


def discovery_rate(runs: int, batch: str, workers: int = 1) -> float:
    """Runs per second of a discovery-sized design through the sweep runner.

    Includes everything a sweep does per run: building the batched models,
    measuring the outcomes every month, and writing the Parquet parts.

    Args:
        runs: Design points (one run each).
        batch: ``auto`` (the default batching) or a number of runs per model.
        workers: Pool workers (1: serial in this process).
    """
    import tempfile

    from sim.experiments.sweeps.files import load_sweep
    from sim.experiments.sweeps.runner import run_sweep

    text = DISCOVERY_SWEEP.format(samples=runs, batch=batch)
    if batch == "auto":
        text = text.replace("batch: auto\n", "")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "discovery.yaml"
        path.write_text(text, encoding="utf-8")
        sweep = load_sweep(path)
        executor = "serial" if workers == 1 else "pool"
        start = time.perf_counter()
        result = run_sweep(
            sweep, Path(tmp) / "out", executor=executor, workers=workers, progress=False
        )
        elapsed = time.perf_counter() - start
    return result.ran / elapsed


def scaling_slope(sizes: list[int], months: int) -> tuple[float, list[float]]:
    """Log-log slope of run time against departments (flat 40-department governments)."""
    base = load_scenario("centralized")
    times = []
    for n in sizes:
        scenario = base.with_overrides(n_jurisdictions=max(n // 40, 1), months=months)
        times.append(timed_run(scenario)[0])
    slope = float(np.polyfit(np.log(sizes), np.log(times), 1)[0])
    return slope, times


def verdict(ok: bool) -> str:
    """Word for a target met or missed."""
    return "meets target" if ok else "MISSES target"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (about 1 minute)")
    parser.add_argument(
        "--national-only", action="store_true", help="only the reference and the national lines"
    )
    parser.add_argument(
        "--child", nargs=3, metavar=("SCENARIO", "MONTHS", "TOWNSHIPS"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.child:
        _national_child(args.child[0], int(args.child[1]), args.child[2])
        return 0
    national_name = "province_centralized" if args.quick else "national_centralized"
    sizes = [1_000, 3_000, 10_000] if args.quick else [1_000, 3_000, 10_000, 30_000, 100_000]
    city_runs = 10 if args.quick else 20
    city_batch_runs = CITY_BATCH if args.quick else 4 * CITY_BATCH

    ref = reference_cost()
    print(f"Reference (Boltzmann wealth, 10,000 agents): {ref * 1e6:.2f} us per agent-step")

    for layout, townships in NATIONAL_LAYOUTS:
        setup, months, n_dept, peak_mb = national(national_name, 120, townships)
        # On a shared machine the load drifts during a national run: the
        # reference is measured again right after it, and its ratio is taken
        # to the mean of the two measurements beside it.
        ref_after = reference_cost()
        local_ref, ref = (ref + ref_after) / 2, ref_after
        print(
            f"Reference again after the national run: {ref_after * 1e6:.2f} us per agent-step; "
            f"the national ratios below use the mean of the two beside it, "
            f"{local_ref * 1e6:.2f} us"
        )
        per_month = months / (n_dept * 120)
        per_run = (setup + months) / (n_dept * 120)
        memory_target = TARGET_MEMORY_MB if townships == 0 else TARGET_MEMORY_MB_FIVE_LEVELS
        print(
            f"{national_name}, {layout}: {n_dept:,} departments x 120 months: set-up "
            f"{setup:.1f} s (Mesa agents) + months {months:.1f} s = {setup + months:.1f} s"
        )
        print(
            f"  months only (like the reference, timed over steps): {per_month * 1e6:.3f} us per "
            f"department-month = {per_month / local_ref:.2f} x reference (target <= "
            f"{TARGET_NATIONAL_RATIO}: {verdict(per_month / local_ref <= TARGET_NATIONAL_RATIO)})"
        )
        print(
            f"  whole run with set-up: {per_run * 1e6:.3f} us per department-month = "
            f"{per_run / local_ref:.2f} x reference (target <= {TARGET_NATIONAL_RATIO}: "
            f"{verdict(per_run / local_ref <= TARGET_NATIONAL_RATIO)})"
        )
        print(
            f"  peak memory {peak_mb:.0f} MB "
            f"(target <= {memory_target} MB: {verdict(peak_mb <= memory_target)})"
        )
    if args.national_only:
        return 0

    label = "city (centralized, 40 departments x 120 months, outcomes every month)"
    rate, quiet_rate = city_runs_per_second(city_runs)
    city_per = 1 / (rate * 40 * 120)
    print(
        f"{label}, one run per model: {rate:.1f} runs/s on one core = "
        f"{city_per * 1e6:.2f} us per department-month = {city_per / ref:.2f} x reference"
    )
    batched, quiet_batched = city_runs_per_second(city_batch_runs, batch=CITY_BATCH)
    batched_per = 1 / (batched * 40 * 120)
    print(
        f"{label}, batched ({CITY_BATCH} replicas per model): {batched:.1f} runs/s on one "
        f"core = {batched_per * 1e6:.2f} us per department-month = "
        f"{batched_per / ref:.2f} x reference (target >= {TARGET_CITY_RUNS_PER_S} runs/s: "
        f"{verdict(batched >= TARGET_CITY_RUNS_PER_S)}; one run per model: "
        f"{verdict(rate >= TARGET_CITY_RUNS_PER_S)})"
    )

    overhead = quiet_rate / rate - 1
    batched_overhead = quiet_batched / batched - 1
    worst = max(overhead, batched_overhead)
    print(
        f"data collection overhead: one run per model {overhead:.1%} ({rate:.1f} vs "
        f"{quiet_rate:.1f} runs/s without monthly outcomes), batched {batched_overhead:.1%} "
        f"({batched:.1f} vs {quiet_batched:.1f}); target <= "
        f"{TARGET_COLLECTION_OVERHEAD:.0%}: {verdict(worst <= TARGET_COLLECTION_OVERHEAD)}"
    )

    design_runs = DISCOVERY_RUNS_QUICK if args.quick else DISCOVERY_RUNS
    one = discovery_rate(design_runs, "auto")
    single = discovery_rate(DISCOVERY_SINGLE_RUNS, "1")
    two = discovery_rate(design_runs, "auto", workers=2)
    efficiency = two / (2 * one)
    minutes = 20_000 / two / 60
    print(
        f"discovery-sized design (centralized city, {design_runs:,} runs with distinct "
        f"parameters, lhs over 8 levers and uncertainties incl. approval_bodies, collection "
        f"and Parquet writing included): batched by default {one:.1f} runs/s per core "
        f"(target >= {TARGET_DISCOVERY_RUNS_PER_S_PER_CORE}: "
        f"{verdict(one >= TARGET_DISCOVERY_RUNS_PER_S_PER_CORE)}); one model per run "
        f"{single:.1f} runs/s ({DISCOVERY_SINGLE_RUNS} runs): speedup {one / single:.1f}x"
    )
    print(
        f"  2 pool workers: {two:.1f} runs/s, parallel efficiency {efficiency:.0%}; "
        f"20,000 such runs on 2 cores: about {minutes:.1f} minutes (extrapolated from "
        f"{design_runs:,} runs; target < 2: {verdict(minutes < 2)})"
    )

    slope, times = scaling_slope(sizes, 120)
    pairs = ", ".join(f"{n:,}: {t:.2f} s" for n, t in zip(sizes, times, strict=True))
    print(
        f"scaling, 120 months ({pairs}): log-log slope {slope:.3f} "
        f"(target <= {TARGET_SLOPE}: {verdict(slope <= TARGET_SLOPE)})"
    )
    # Designs whose points differ in structure, the shipped discovery and the
    # EMA adapter (issue 27): bench/discovery_bench.py.
    import discovery_bench

    discovery_bench.main(["--quick"] if args.quick else [])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
