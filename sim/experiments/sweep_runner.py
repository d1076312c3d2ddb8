"""Running a sweep into its folder, resuming it, and summarizing it.

Typical use::

    sweep = load_sweep("sweeps/review_capacity_grid.yaml")
    result = run_sweep(sweep, "results/sweeps/review_capacity_grid", executor="pool")
    print(format_sweep_report(result.summary))

``run_sweep`` streams every finished batch of runs to ``DIR/parts/`` and keeps
nothing else in memory; it skips runs already in the folder (resume) and ends
with ``summarize_sweep``, which reads only the final-month rows back and writes
the summary tables and ``manifest.json``. See ``sim/store.py`` for the layout.
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from tqdm import tqdm

from sim.analysis import statistics
from sim.experiments import provenance
from sim.experiments import replications as experiment
from sim.experiments.executors import make_executor
from sim.experiments.store import SweepStore, write_csv, write_text
from sim.experiments.sweep_designs import build_design, check_design
from sim.experiments.sweep_files import Sweep, SweepError
from sim.model.parameters import SPECS, make_parameters

#: Parent folder of sweep folders when no --out is given.
SWEEPS_RESULTS_DIR = provenance.PROJECT_ROOT / "results" / "sweeps"

#: Most runs per batch (one part file per batch).
MAX_BATCH = 16

#: Files ``summarize_sweep`` writes, with what each holds.
SWEEP_FILES: dict[str, str] = {
    "sweep.json": "the sweep's definition, its hash, the seeds (identifies the folder)",
    "sweep.yaml": "copy of the sweep file",
    "design.csv": "one row per design point: point, reference flag, parameter values",
    "parts/": "Parquet parts: every month of every run, with point, replication, seed, "
    "parameters and a 'final' flag on the last month",
    "runs.csv": "one row per run: point, replication, seed, parameters, final outcomes",
    "summary.csv": "per design point and outcome: mean, sd, n and 95% CI over replications",
    "paired_differences.csv": "per design point vs the reference point and outcome: mean "
    "paired difference (same seeds), 95% CI and p-values",
    "sensitivity.csv": "sobol and morris designs: sensitivity indices of the mean final "
    "outcome (SALib)",
    "manifest.json": "provenance: sweep file and hash, design, seeds, command, versions, git",
}

_CI_NOTE = (
    "95% t-based interval of the mean across replications: mean ± t(0.975, n-1)·sd/√n; "
    "paired differences are point minus reference point within each replication (same "
    "seed); p_value is the two-sided paired t-test, p_value_wilcoxon the Wilcoxon "
    "signed-rank test"
)


def default_sweep_dir(sweep: Sweep) -> Path:
    """``results/sweeps/<file stem>``: rerunning a sweep file resumes it there."""
    return SWEEPS_RESULTS_DIR / sweep.name


# ------------------------------------------------------------------ one batch


def run_batch(context: dict[str, Any], batch: Sequence[tuple[int, int, int, tuple]]) -> pa.Table:
    """Run a batch of ``(point, replication, seed, values)``; return their rows.

    Runs in a worker (fork pool or Dask); everything it needs is in its
    arguments. Uses ``sim.experiments.replications.run_one`` for each run, or
    ``sim.experiments.replications.simulate_batch`` when ``replication`` is a tuple of
    replications (a batched sweep).

    Args:
        context: ``base`` (parameter values of the base scenario),
            ``policy_changes`` and ``names`` (swept parameters, in order).
        batch: The runs.

    Returns:
        One row per run and month: ``point``, ``replication``, ``seed``, the
        swept parameters, ``month``, ``final`` and every outcome.
    """
    base, names = context["base"], context["names"]
    changes = tuple(context["policy_changes"])
    runs = []
    for point, replication, seed, values in batch:
        params = make_parameters(**{**base, **dict(zip(names, values, strict=True))})
        run = SimpleNamespace(name="", parameters=params, policy_changes=changes)
        if isinstance(replication, tuple):  # a block of replications in one batched model
            outs = [f for f, _, _ in experiment.simulate_batch(run, seed, replication)]
        else:
            outs = [experiment.run_one(run, seed, replication)]
        runs.extend((point, values, out.drop(columns="scenario")) for out in outs)
    frames = []
    for point, values, out in runs:
        head = {"point": np.full(len(out), point, dtype=np.int64)}
        frame = pd.concat(
            [
                pd.DataFrame(head),
                out[["replication", "seed"]],
                pd.DataFrame(
                    {
                        n: np.full(len(out), v, dtype=np.int64 if SPECS[n].type is int else float)
                        for n, v in zip(names, values, strict=True)
                    }
                ),
                out[["month"]],
                pd.DataFrame({"final": out["month"].to_numpy() == out["month"].max()}),
                out.drop(columns=["replication", "seed", "month"]),
            ],
            axis=1,
        )
        frames.append(frame)
    return pa.Table.from_pandas(pd.concat(frames, ignore_index=True), preserve_index=False)


def _batches(tasks: list[tuple], slots: int, size: int | None = None) -> list[list[tuple]]:
    """Cut tasks into batches (one part file each).

    With ``size`` every batch has that many runs. Otherwise batches are large
    (up to ``MAX_BATCH``) at first and shrink towards the end (guided
    self-scheduling: a quarter of the remaining runs per worker), so that the
    workers finish together and few runs are in flight at any time.
    """
    out, i = [], 0
    while i < len(tasks):
        n = size or max(1, min(MAX_BATCH, (len(tasks) - i) // (4 * slots)))
        out.append(tasks[i : i + n])
        i += n
    return out


# ------------------------------------------------------------------- the sweep


@dataclass(frozen=True)
class SweepResult:
    """What ``run_sweep`` did.

    Attributes:
        out_dir: The sweep folder.
        total: Runs in the sweep (points times replications).
        skipped: Runs already finished in the folder (resumed).
        ran: Runs made now.
        elapsed: Wall-clock seconds of the runs made now.
        summary: The summary (``None`` with ``summarize=False``).
    """

    out_dir: Path
    total: int
    skipped: int
    ran: int
    elapsed: float
    summary: SweepSummary | None


def run_sweep(
    sweep: Sweep,
    out_dir: str | os.PathLike[str] | None = None,
    *,
    executor: str = "pool",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool = True,
    argv: Sequence[str] | None = None,
    summarize: bool = True,
    batch_size: int | None = None,
) -> SweepResult:
    """Run (or resume) a sweep, streaming each finished batch to disk.

    Args:
        sweep: A loaded sweep.
        out_dir: Sweep folder (default ``results/sweeps/<file stem>``). A folder
            of the same sweep is resumed; finished runs are skipped.
        executor: ``serial``, ``pool`` (default) or ``dask``.
        workers: Processes (pool: default all cores; dask local cluster: 2).
        scheduler: Dask scheduler address; ``None`` starts a local cluster.
        progress: Show a progress bar with ETA on stderr.
        argv: Command line for the manifest (default ``sys.argv``).
        summarize: Write the summary tables and manifest at the end.
        batch_size: Runs per part (default: up to 16, fewer towards the end).

    Returns:
        What was run, and the summary.

    Raises:
        SweepError: If the folder holds something else or a different sweep.
        KeyboardInterrupt: On Ctrl-C; every finished batch is kept on disk.
    """
    design = build_design(sweep)
    check_design(sweep, design)
    out = Path(out_dir) if out_dir is not None else default_sweep_dir(sweep)
    store = SweepStore.open(out, sweep, design)
    done = store.finished()
    seeds = sweep.seeds
    names = list(sweep.parameter_names)
    rows = design.points[names].itertuples(index=False, name=None)
    values = [tuple(v.item() if hasattr(v, "item") else v for v in row) for row in rows]
    total = design.n_points * sweep.replications
    # Replication-major order: an interrupted sweep holds whole replications.
    if sweep.batch == 1:
        tasks: list[tuple] = [
            (point, rep, seeds[rep], values[point])
            for rep in range(sweep.replications)
            for point in range(design.n_points)
            if (point, rep) not in done
        ]
    else:
        # A block of replications is one model and lands in one part: all or none.
        tasks = [
            (point, block, seeds[block[0]], values[point])
            for block in experiment.batch_blocks(sweep.replications, sweep.batch)
            for point in range(design.n_points)
            if (point, block[0]) not in done
        ]
    to_run = sum(len(t[1]) if isinstance(t[1], tuple) else 1 for t in tasks)
    context = {
        "base": sweep.scenario.parameters.model_dump(),
        "policy_changes": [(m, dict(c)) for m, c in sweep.scenario.policy_changes],
        "names": names,
    }
    start = time.perf_counter()
    ran = 0
    described: dict[str, Any] = {"executor": executor}
    if tasks:
        with make_executor(executor, workers, scheduler) as ex:
            described = ex.describe()
            bar = tqdm(
                total=total,
                initial=total - to_run,
                disable=not progress,
                file=sys.stderr,
                unit="run",
                desc="sweep",
                dynamic_ncols=True,
            )
            with bar:
                fn = partial(run_batch, context)
                for table in ex.imap_unordered(fn, _batches(tasks, ex.slots, batch_size)):
                    store.write_part(table)
                    n = int(pc.sum(table.column("final")).as_py())
                    ran += n
                    bar.update(n)
    elapsed = time.perf_counter() - start
    summary = None
    if summarize:
        summary = summarize_sweep(
            out,
            argv=argv,
            extra={
                "run": {
                    **described,
                    "elapsed_seconds": round(elapsed, 3),
                    "runs_made": ran,
                    "runs_resumed": total - to_run,
                }
            },
        )
    return SweepResult(out, total, total - to_run, ran, elapsed, summary)


# ---------------------------------------------------------------- summarizing


@dataclass(frozen=True)
class SweepSummary:
    """Summary tables of a sweep folder.

    Attributes:
        out_dir: The folder.
        record: Content of ``sweep.json``.
        design: ``design.csv``.
        runs: Final values, one row per finished run.
        summary: Per point and outcome statistics.
        paired: Paired differences from the reference point (``None`` if the
            reference point has no runs yet).
        sensitivity: Sensitivity indices (sobol and morris designs, once
            complete), else ``None``.
        finished: Runs finished.
        total: Runs in the sweep.
        files: File name to path of every file written.
    """

    out_dir: Path
    record: dict[str, Any]
    design: pd.DataFrame
    runs: pd.DataFrame
    summary: pd.DataFrame
    paired: pd.DataFrame | None
    sensitivity: pd.DataFrame | None
    finished: int
    total: int
    files: dict[str, Path]

    @property
    def complete(self) -> bool:
        """Whether every run of the sweep is finished."""
        return self.finished == self.total


def _with_parameters(table: pd.DataFrame, design: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    merged = table.merge(design[["point", *names]], on="point", how="left", validate="m:1")
    return merged[["point", *names, *[c for c in table.columns if c != "point"]]]


def summarize_sweep(
    out_dir: str | os.PathLike[str],
    *,
    argv: Sequence[str] | None = None,
    extra: dict[str, Any] | None = None,
) -> SweepSummary:
    """Summarize the finished runs of a sweep folder and write the tables.

    Reads only the final-month rows of the parts. Works on an unfinished sweep
    too (the summary then covers the runs finished so far).

    Args:
        out_dir: The sweep folder.
        argv: Command line for the manifest.
        extra: More manifest entries.

    Returns:
        The tables, also written as ``runs.csv``, ``summary.csv``,
        ``paired_differences.csv`` and (sobol and morris) ``sensitivity.csv``,
        then ``manifest.json``.

    Raises:
        SweepError: If the folder is not a sweep folder or holds no finished run.
    """
    out = Path(out_dir)
    store = SweepStore(out)
    if not (out / "sweep.json").is_file():
        raise SweepError(
            f"{out} is not a sweep folder (it has no sweep.json); give the folder a "
            "'run.py sweep' wrote (by default results/sweeps/<sweep file name>)."
        )
    record = store.read_definition()
    names = list(record["parameters"])
    outcomes = list(record["outcomes"])
    design = pd.read_csv(out / "design.csv")
    runs = store.read_final()
    if runs.empty:
        raise SweepError(f"The sweep folder {out} holds no finished run yet; nothing to summarize.")
    runs = runs.drop(columns=["final"])
    total = int(record["points"]) * int(record["replications"])
    files: dict[str, Path] = {}

    def target(name: str) -> Path:
        files[name] = out / name
        return out / name

    write_csv(runs, target("runs.csv"))
    summary = experiment.add_labels(statistics.summarize(runs, "point", outcomes))
    summary = _with_parameters(summary, design, names)
    write_csv(summary, target("summary.csv"))

    reference = int(record["reference_point"])
    paired = None
    if reference in set(runs["point"]) and runs["point"].nunique() > 1:
        table = statistics.paired_differences(runs, outcomes, reference, scenario_col="point")
        table = table.rename(columns={"scenario": "point", "baseline": "reference_point"})
        paired = _with_parameters(experiment.add_labels(table), design, names)
        write_csv(paired, target("paired_differences.csv"))
    else:
        (out / "paired_differences.csv").unlink(missing_ok=True)

    sensitivity = None
    if len(runs) == total:
        sensitivity = sensitivity_table(record, design, runs, out)
    if sensitivity is not None:
        write_csv(sensitivity, target("sensitivity.csv"))

    finished = len(runs)
    manifest = _manifest(record, out, finished, total, argv, files, extra)
    text = json.dumps(manifest, indent=2, ensure_ascii=False, allow_nan=False, default=str)
    write_text(target("manifest.json"), text + "\n")
    return SweepSummary(
        out, record, design, runs, summary, paired, sensitivity, finished, total, files
    )


def sensitivity_table(
    record: dict[str, Any], design: pd.DataFrame, runs: pd.DataFrame, out: Path
) -> pd.DataFrame | None:
    """SALib sensitivity indices of the mean final outcome per design point.

    Sobol: first-order (S1) and total (ST) indices with 95% confidence;
    Morris: mu, mu_star (with 95% confidence) and sigma. Outcomes undefined
    (NaN) at some point are left out. Grid and LHS designs return ``None``.

    Args:
        record: Content of ``sweep.json``.
        design: ``design.csv``.
        runs: Final values of every run (the sweep must be complete).
        out: The sweep folder (for ``design_samples.parquet``).

    Returns:
        Long table: ``outcome``, ``parameter``, ``index``, ``value``, ``conf``.
    """
    method = record["definition"]["design"]["method"]
    problem = record.get("salib_problem")
    if method not in ("sobol", "morris") or not problem:
        return None
    import warnings

    from SALib.analyze import morris as morris_analyze
    from SALib.analyze import sobol as sobol_analyze

    n_design = int(record["design_points"])
    means = runs[runs["point"] < n_design].groupby("point").mean(numeric_only=True)
    rows = []
    seed = int(record["root_seed"])
    options = record["definition"]["design"]
    for outcome in record["outcomes"]:
        y = means[outcome].reindex(range(n_design)).to_numpy(dtype=float)
        if not np.all(np.isfinite(y)) or np.ptp(y) == 0:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if method == "sobol":
                res = sobol_analyze.analyze(
                    problem, y, calc_second_order=options["second_order"], seed=seed
                )
                pairs = (("S1", "S1_conf"), ("ST", "ST_conf"))
            else:
                x = pd.read_parquet(out / "design_samples.parquet")[problem["names"]].to_numpy()
                res = morris_analyze.analyze(problem, x, y, num_levels=options["levels"], seed=seed)
                pairs = (("mu", None), ("mu_star", "mu_star_conf"), ("sigma", None))
        for i, name in enumerate(problem["names"]):
            for index, conf in pairs:
                rows.append(
                    {
                        "outcome": outcome,
                        "parameter": name,
                        "index": index,
                        "value": float(res[index][i]),
                        "conf": float(res[conf][i]) if conf else math.nan,
                    }
                )
    columns = ["outcome", "parameter", "index", "value", "conf"]
    return pd.DataFrame(rows, columns=columns)


def _manifest(
    record: dict[str, Any],
    out: Path,
    finished: int,
    total: int,
    argv: Sequence[str] | None,
    files: dict[str, Path],
    extra: dict[str, Any] | None,
) -> dict[str, Any]:
    """The provenance record of a sweep folder, built by ``sim.experiments.provenance``."""
    definition = record["definition"]
    scenario_def = definition["scenario"]
    info = record.get("scenario", {})
    # The base scenario as run (its file may have changed since), for sim.experiments.provenance.
    scenario = SimpleNamespace(
        name=scenario_def["name"],
        path=info.get("path"),
        description=info.get("description", ""),
        source=info.get("source", ""),
        overrides=record.get("fixed", {}),
        parameters=make_parameters(**scenario_def["parameters"]),
        policy_changes=[(m, c) for m, c in scenario_def["policy_changes"]],
    )
    listed = {name: SWEEP_FILES[name] for name in ("sweep.json", "sweep.yaml", "design.csv")}
    listed["parts/"] = SWEEP_FILES["parts/"]
    listed.update({name: SWEEP_FILES[name] for name in files if name in SWEEP_FILES})
    listed["manifest.json"] = SWEEP_FILES["manifest.json"]
    seeds = [int(s) for s in record["seeds"]]
    manifest = provenance.build_manifest(
        [scenario],
        root_seed=int(record["root_seed"]),
        seeds=seeds,
        replications=int(record["replications"]),
        argv=argv,
        extra={
            "kind": "sweep",
            "sweep": {
                "name": record["name"],
                "file": record["file"],
                "file_sha256": record["file_sha256"],
                "definition_hash": record["definition_hash"],
                "description": record.get("description", ""),
                "text": (out / "sweep.yaml").read_text(encoding="utf-8")
                if (out / "sweep.yaml").is_file()
                else None,
            },
            "design": {
                **definition["design"],
                "levers": definition["levers"],
                "uncertainties": definition["uncertainties"],
                "points": int(record["points"]),
                "design_points": int(record["design_points"]),
                "reference_point": int(record["reference_point"]),
                "integer_rounding": "integer parameters are sampled on [low-0.5, high+0.5] "
                "and rounded to the nearest whole number",
            },
            "base_scenario": scenario_def,
            "outcomes": record["outcomes"],
            "seeds": {
                "root_seed": int(record["root_seed"]),
                "method": "numpy.random.SeedSequence(root_seed).spawn(replications); seed = "
                "child.generate_state(1)[0]; replication r uses seeds[r] at every design "
                "point (common random numbers); the seed of each run is also in runs.csv",
                "replication_seeds": seeds,
                "design_seed": definition["design"].get("seed"),
            },
            "runs": {"total": total, "finished": finished, "complete": finished == total},
            "sweep_packages": provenance.package_versions(("salib", "dask", "distributed")),
            "files": listed,
            "confidence_interval": _CI_NOTE,
            **(extra or {}),
        },
    )
    return manifest


# -------------------------------------------------------------------- report


def _num(x: Any) -> str:
    return experiment._num(float(x)) if x is not None else "n/a"


def format_sweep_report(summary: SweepSummary, max_points: int = 20) -> str:
    """Return the terminal report of a sweep summary.

    Args:
        summary: Output of ``summarize_sweep``.
        max_points: Design points shown per outcome (all are in the CSV files).

    Returns:
        Plain text: per outcome, the mean and 95% CI of each point and its
        paired difference from the reference point.
    """
    record = summary.record
    names = list(record["parameters"])
    reference = int(record["reference_point"])
    method = record["definition"]["design"]["method"]
    reps = int(record["replications"])
    lines = [
        f"Sweep {record['name']}: {record['points']} design points ({method}) x {reps} "
        f"replication{'s' if reps != 1 else ''}, base scenario "
        f"{record['definition']['scenario']['name']}; {summary.finished} of {summary.total} "
        "runs finished.",
        "Final-month value: mean and 95% CI over replications; diff: point minus the "
        f"reference point {reference} within each replication (same seed), with its 95% CI.",
    ]
    if not summary.complete:
        lines.append(
            "The sweep is not finished: these figures cover the finished runs only. Run the "
            "same 'run.py sweep' command again to resume."
        )
    shown = summary.design["point"].tolist()
    if len(shown) > max_points:
        shown = sorted({reference, *shown[: max_points - 1]})
    paired = summary.paired
    for outcome in [o for o in record["outcomes"] if o in set(summary.summary["outcome"])]:
        part = summary.summary[summary.summary["outcome"] == outcome].set_index("point")
        diff = (
            paired[paired["outcome"] == outcome].set_index("point") if paired is not None else None
        )
        label, unit = part["label"].iloc[0], part["unit"].iloc[0]
        header = ["point", *names, "mean", "95% CI", "diff", "95% CI"]
        table = []
        for point in shown:
            if point not in part.index:
                continue
            r = part.loc[point]
            cells = [str(point) + (" (ref)" if point == reference else "")]
            cells += [str(int(r[n])) if SPECS[n].type is int else _num(r[n]) for n in names]
            cells += [_num(r["mean"]), experiment._interval(r["ci_low"], r["ci_high"])]
            if diff is not None and point in diff.index:
                d = diff.loc[point]
                cells += [
                    _num(d["mean_difference"]),
                    experiment._interval(d["ci_low"], d["ci_high"]),
                ]
            else:
                cells += ["", ""]
            table.append(cells)
        widths = [max(len(h), *(len(row[i]) for row in table)) for i, h in enumerate(header)]
        lines.append("")
        lines.append(f"{label} ({unit})" if unit else str(label))
        for row in [header, *table]:
            lines.append(
                "  " + "  ".join(f"{c:<{w}}" for c, w in zip(row, widths, strict=True)).rstrip()
            )
    if len(summary.design) > len(shown):
        lines.append("")
        lines.append(
            f"Showing {len(shown)} of {len(summary.design)} design points; all are in "
            "summary.csv and paired_differences.csv."
        )
    if summary.sensitivity is not None and not summary.sensitivity.empty:
        lines.append("")
        key = "ST" if method == "sobol" else "mu_star"
        lines.append(f"Sensitivity ({'total Sobol index ST' if key == 'ST' else 'Morris mu*'}):")
        sens = summary.sensitivity[summary.sensitivity["index"] == key]
        for outcome, group in sens.groupby("outcome", sort=False):
            cells = ", ".join(f"{r.parameter} {_num(r.value)}" for r in group.itertuples())
            lines.append(f"  {outcome}: {cells}")
    return "\n".join(lines)
