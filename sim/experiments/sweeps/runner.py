"""Running a sweep into its folder, and resuming it.

Typical use::

    sweep = load_sweep("sweeps/review_capacity_grid.yaml")
    result = run_sweep(sweep, "results/sweeps/review_capacity_grid", executor="pool")

``run_sweep`` streams every finished batch of runs to ``DIR/parts/`` and keeps
nothing else in memory; it skips runs already in the folder (resume). The
summary tables are written afterwards by
``sim.analysis.sweep_summary.summarize_sweep``. See
``sim/experiments/store.py`` for the layout.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from tqdm import tqdm

from sim.experiments import replications as experiment
from sim.experiments.data_files import results_root
from sim.experiments.executors import DaskExecutor, make_executor
from sim.experiments.store import SweepStore
from sim.experiments.sweeps.definition import Sweep
from sim.experiments.sweeps.designs import build_design, check_design
from sim.model.parameters import SPECS, make_parameters
from sim.model.replica_parameters import layout_key

#: Parent folder of sweep folders when no --out is given.
SWEEPS_RESULTS_DIR = results_root() / "sweeps"


#: Most runs per batch (one part file per batch).
MAX_BATCH = 16


def default_sweep_dir(sweep: Sweep) -> Path:
    """``results/sweeps/<file stem>``: rerunning a sweep file resumes it there."""
    return SWEEPS_RESULTS_DIR / sweep.name


# ------------------------------------------------------------------ one batch


def run_batch(context: dict[str, Any], batch: Sequence[tuple[Any, int, int, tuple]]) -> pa.Table:
    """Run a batch of ``(point, replication, seed, values)``; return their rows.

    Runs in a worker (fork pool or Dask); everything it needs is in its
    arguments. Uses ``sim.experiments.replications.run_one`` for each run, or
    ``sim.experiments.replications.simulate_points_outcomes`` when ``point``
    is a tuple of points (and ``values`` a tuple of their values): one
    replication of those points side by side in one batched model, its rows
    built at once (``_block_rows``).

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
    frames = []
    for point, replication, seed, values in batch:
        if isinstance(point, tuple):  # points side by side in one batched model
            own = [dict(zip(names, v, strict=True)) for v in values]
            out = experiment.simulate_points_outcomes(base, own, changes, seed)
            frames.append(_block_rows(out, point, replication, seed, names, values))
            continue
        params = make_parameters(**{**base, **dict(zip(names, values, strict=True))})
        run = SimpleNamespace(name="", parameters=params, policy_changes=changes)
        out = experiment.run_one(run, seed, replication).drop(columns="scenario")
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


def _block_rows(
    out: pd.DataFrame,
    points: tuple[int, ...],
    replication: int,
    seed: int,
    names: Sequence[str],
    values: Sequence[tuple],
) -> pd.DataFrame:
    """The rows of one batched model's runs, built at once (as ``run_batch`` builds a run's).

    Args:
        out: The model's outcomes (``simulate_points_outcomes``: copy, month, outcomes).
        points: Design point of each copy.
        replication: The replication (every copy's).
        seed: The model's seed.
        names: Swept parameters.
        values: Each copy's values of them.
    """
    copies = out["replica"].to_numpy()
    months = out["month"].to_numpy().astype(np.int64)
    n = len(out)
    columns: dict[str, Any] = {
        "point": np.asarray(points, dtype=np.int64)[copies],
        "replication": np.full(n, int(replication), dtype=np.int64),
        "seed": np.full(n, int(seed), dtype=np.int64),
    }
    for k, name in enumerate(names):
        dtype = np.int64 if SPECS[name].type is int else float
        columns[name] = np.array([v[k] for v in values], dtype=dtype)[copies]
    columns["month"] = months
    # Each copy's last month (copies of a batch may differ in horizon).
    last = pd.Series(months).groupby(copies).transform("max").to_numpy()
    columns["final"] = months == last
    outcomes = [c for c in out.columns if c not in ("replica", *experiment.ID_COLUMNS)]
    frame = pd.DataFrame(columns)
    return pd.concat([frame, out[outcomes].astype(float).reset_index(drop=True)], axis=1)


def point_blocks(sweep: Sweep, values: Sequence[tuple], size: int) -> list[tuple[int, ...]]:
    """Design points run together in one batched model, ``size`` at most.

    Points are grouped by the values of the parameters every replica of a
    batch must share (``sim.model.replica_parameters.SHARED_IN_A_BATCH``, none
    since issue 27: points of different sizes, numbers of governments,
    approval bodies and horizons share a model), groups in the order of their
    first point. Within a group points are ordered by their horizon
    (``months``; stable, so design order otherwise) before being cut into
    blocks of ``size``: a model runs to its longest horizon, so blocks of
    near horizons waste few months and measure at few months. Depends only on
    the sweep, so a resumed sweep makes the same blocks.
    """
    base = sweep.scenario.parameters.model_dump()
    names = list(sweep.parameter_names)
    groups: dict[tuple, list[int]] = {}
    horizon: dict[int, int] = {}
    for point, row in enumerate(values):
        values_of_point = {**base, **dict(zip(names, row, strict=True))}
        groups.setdefault(layout_key(values_of_point), []).append(point)
        horizon[point] = int(values_of_point["months"])
    blocks = []
    for group in groups.values():
        ordered = sorted(group, key=horizon.__getitem__)
        blocks += [tuple(ordered[i : i + size]) for i in range(0, len(ordered), size)]
    return blocks


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


def _batch_note(size: int) -> dict[str, Any]:
    """Manifest entry saying how runs were grouped into models."""
    return experiment.batch_note(
        size,
        unit="run",
        how=(
            f"replication r of up to {size} design points (ordered by months) ran side "
            "by side as the replicas of one batched model seeded with replication r's seed, "
            "each replica with its point's parameter values and layout (GovernanceModel("
            "replica_parameters=...); sim.experiments.sweeps.runner.point_blocks)"
        ),
    )


@dataclass(frozen=True)
class SweepResult:
    """What ``run_sweep`` did.

    Attributes:
        out_dir: The sweep folder.
        total: Runs in the sweep (points times replications).
        skipped: Runs already finished in the folder (resumed).
        ran: Runs made now.
        elapsed: Wall-clock seconds of the runs made now.
        run_info: How the runs were made (executor, workers, elapsed seconds,
            runs made and resumed), for the manifest.
    """

    out_dir: Path
    total: int
    skipped: int
    ran: int
    elapsed: float
    run_info: dict[str, Any] = field(default_factory=dict)


def run_sweep(
    sweep: Sweep,
    out_dir: str | os.PathLike[str] | None = None,
    *,
    executor: str = "pool",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool = True,
    argv: Sequence[str] | None = None,
    batch_size: int | None = None,
    dashboard: bool = False,
    memory_limit: int | str | None = None,
    scheduler_file: str | os.PathLike[str] | None = None,
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
        batch_size: Runs per part (default: up to 16, fewer towards the end).
        dashboard: Start the dashboard of a local Dask cluster (on 127.0.0.1).
        memory_limit: Memory limit per worker of a local Dask cluster (bytes
            or e.g. ``"2GiB"``; default ``executors.DASK_WORKER_MEMORY``).
        scheduler_file: Dask scheduler file of an existing scheduler.

    Returns:
        What was run (summarize the folder with
        ``sim.analysis.sweep_summary.summarize_sweep``).

    Raises:
        SweepError: If the folder holds something else or a different sweep.
        KeyboardInterrupt: On Ctrl-C; every finished batch is kept on disk.
    """
    design = build_design(sweep)
    check_design(sweep, design)
    out = Path(out_dir) if out_dir is not None else default_sweep_dir(sweep)
    store = SweepStore.open(out, sweep, design)  # locked until the runs are written
    try:
        dask_options = {"memory_limit": memory_limit, "scheduler_file": scheduler_file}
        return _run_open_sweep(
            sweep,
            design,
            store,
            executor,
            workers,
            scheduler,
            progress,
            batch_size,
            dashboard,
            dask_options,
        )
    finally:
        store.close()


def _run_open_sweep(
    sweep: Sweep,
    design: Any,
    store: SweepStore,
    executor: str,
    workers: int | None,
    scheduler: str | None,
    progress: bool,
    batch_size: int | None,
    dashboard: bool,
    dask_options: dict[str, Any] | None = None,
) -> SweepResult:
    """The runs of :func:`run_sweep` not finished in the (locked) folder."""
    out = store.root
    done = store.finished()
    seeds = sweep.seeds
    names = list(sweep.parameter_names)
    rows = design.points[names].itertuples(index=False, name=None)
    values = [tuple(v.item() if hasattr(v, "item") else v for v in row) for row in rows]
    total = design.n_points * sweep.replications
    # Replication-major order: an interrupted sweep holds whole replications.
    if sweep.batch_size == 1:
        tasks: list[tuple] = [
            (point, rep, seeds[rep], values[point])
            for rep in range(sweep.replications)
            for point in range(design.n_points)
            if (point, rep) not in done
        ]
    else:
        # One replication of a block of points is one model (seeded with the
        # replication's seed) and lands in one part: all or none.
        blocks = point_blocks(sweep, values, sweep.batch_size)
        tasks = [
            (block, rep, seeds[rep], tuple(values[p] for p in block))
            for rep in range(sweep.replications)
            for block in blocks
            if (block[0], rep) not in done
        ]
    to_run = sum(len(t[0]) if isinstance(t[0], tuple) else 1 for t in tasks)
    context = {
        "base": sweep.scenario.parameters.model_dump(),
        "policy_changes": [(m, dict(c)) for m, c in sweep.scenario.policy_changes],
        "names": names,
    }
    start = time.perf_counter()
    ran = 0
    described: dict[str, Any] = {"executor": executor}
    if tasks:
        options = {k: v for k, v in (dask_options or {}).items() if v is not None}
        with make_executor(executor, workers, scheduler, dashboard=dashboard, **options) as ex:
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
            if isinstance(ex, DaskExecutor):  # each worker's peak memory, for the manifest
                ex.measure_peak_memory()
                described = ex.describe()
    elapsed = time.perf_counter() - start
    run_info = {
        **described,
        "elapsed_seconds": round(elapsed, 3),
        "runs_made": ran,
        "runs_resumed": total - to_run,
        "batch": _batch_note(sweep.batch_size),
    }
    return SweepResult(out, total, total - to_run, ran, elapsed, run_info)
