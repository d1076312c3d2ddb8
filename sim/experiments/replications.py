"""Replicated, paired simulation runs, in memory.

An experiment runs every scenario ``replications`` times. Replication ``r``
uses the same random seed in every scenario (common random numbers), so
scenarios are compared pair by pair and the comparison is not drowned in
run-to-run noise. Seeds come from ``numpy.random.SeedSequence(root_seed)``;
the same root seed gives the same numbers whatever the number of workers.

Typical use::

    scenarios = [load_scenario("dispersed"), load_scenario("centralized")]
    frame = run_replications(scenarios, replications=20, root_seed=20261122)

Summaries are computed by ``sim.analysis``; the results folder is written by
``sim.reporting.experiment_folder``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from sim.experiments import executors
from sim.experiments.seeds import spawn_seeds
from sim.model import network
from sim.model.governance import GovernanceModel

#: The bottom line, read together (issue 25): cost per service month next to
#: the service delivered and the needs covered, so that a design cannot look
#: cheap by delivering less. Tables show them as one group of rows.
BOTTOM_LINE_OUTCOMES: tuple[str, ...] = (
    "cost_per_service_month",
    "cum_service_months",
    "capability_coverage",
)

#: Outcomes reported in summaries and charts, in this order (skipped if absent).
HEADLINE_OUTCOMES: tuple[str, ...] = (
    "n_redundant_common_systems",
    "duplication_rate",
    "data_sharing_rate",
    "platform_adoption_rate",
    "mean_months_to_service",
    "cum_spending",
    *BOTTOM_LINE_OUTCOMES,
)


#: Identifier columns at the front of every results frame.
ID_COLUMNS: tuple[str, ...] = ("scenario", "replication", "seed", "month")

#: Columns of the runs table (``final_values(frame, batch)``) saying where a run
#: ran: ``seed`` is the seed of its model, ``replica`` its copy in that model
#: and ``batch_size`` the number of copies the model simulated side by side.
#: The three reproduce the run (``sim.experiments.rerun``).
LAYOUT_COLUMNS: tuple[str, ...] = ("replica", "batch_size")


# ---------------------------------------------------------------------- running


def run_one(scenario: Any, seed: int, replication: int = 0) -> pd.DataFrame:
    """Run one scenario once and return its monthly outcomes.

    Args:
        scenario: A ``sim.experiments.inputs.scenarios.Scenario``.
        seed: Integer seed of the model's random number generator.
        replication: Replication number recorded in the frame.

    Returns:
        One row per month with columns ``scenario``, ``replication``, ``seed``,
        ``month`` and then one column per outcome.
    """
    return simulate(scenario, seed, replication)[0]


def simulate(
    scenario: Any, seed: int, replication: int = 0
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Run one scenario once; return its monthly outcomes and its sharing network.

    Args:
        scenario: A ``sim.experiments.inputs.scenarios.Scenario``.
        seed: Integer seed of the model's random number generator.
        replication: Replication number recorded in both frames.

    Returns:
        ``(frame, edges, governments)``: ``frame`` as ``run_one``; ``edges``
        the data-sharing links at the end of the run
        (``sim.model.network.edges_frame``); ``governments`` the run's governments
        and their departments (``sim.model.network.governments_frame``).
    """
    model = GovernanceModel(
        parameters=scenario.parameters,
        rng=int(seed),
        policy_changes=tuple(getattr(scenario, "policy_changes", ()) or ()),
    )
    model.run()
    frame = _tidy(model.outcomes_frame(), scenario.name, replication, seed)
    edges = network.edges_frame(model.sharing_links, scenario.name, replication)
    governments = network.governments_frame(model.structure, scenario.name, replication)
    return frame, edges, governments


def simulate_batch(
    scenario: Any,
    seed: int,
    replications: Sequence[int],
    *,
    after_month: Callable[[int], None] | None = None,
    replica_parameters: Sequence[Mapping[str, Any]] | None = None,
) -> list[tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]]:
    """Run several replications of a scenario side by side in one batched model.

    The model (``GovernanceModel(replicas=len(replications))``) simulates
    independent copies of the scenario's governments; copy ``i`` becomes
    replication ``replications[i]``. All copies share the model's random
    stream, so each one follows the scenario's distribution but is not the
    run ``simulate`` would give with the same seed. With
    ``replica_parameters`` copy ``i`` runs with its own values over the
    scenario's (e.g. posterior draw ``replications[i]``; they may change the
    layout too), as ``simulate`` of ``scenario.with_overrides(**values)``.

    Args:
        scenario: A ``sim.experiments.inputs.scenarios.Scenario``.
        seed: Seed of the batched model (recorded as every replication's seed).
        replications: Replication numbers of the copies, in order.
        after_month: Called with the months simulated so far after every
            month (the model itself does no I/O). A caller watching the run
            (the dashboard) reports progress here, and stops the run between
            months by raising from it.
        replica_parameters: Parameter values of each copy, or None (all run
            the scenario's).

    Returns:
        One ``simulate``-like ``(frame, edges, governments)`` per replication,
        with departments and governments numbered within the replication.
    """
    count = len(replications)
    model = GovernanceModel(
        parameters=scenario.parameters,
        rng=int(seed),
        policy_changes=tuple(getattr(scenario, "policy_changes", ()) or ()),
        replicas=count,
        replica_parameters=None if replica_parameters is None else list(replica_parameters),
    )
    if after_month is None:
        model.run()
    else:
        for _ in range(model.horizon - model.month):
            model.step()
            after_month(model.month)
    out = model.outcomes_frame()
    if "replica" not in out:  # a batch of one is an ordinary model
        out.insert(0, "replica", 0)
    # Copies are consecutive blocks of governments (of one length unless the
    # copies differ in layout).
    first_government = np.searchsorted(model.replica_of, np.arange(count + 1))
    first_department = model.jur_start[first_government[:-1]]
    links = np.array(sorted(model.sharing_links), dtype=np.int64).reshape(-1, 2)
    link_copy = model.replica_of[model.dept_jur[links[:, 0]]]
    governments = network.governments_frame(model.structure, scenario.name)
    results = []
    for copy, replication in enumerate(replications):
        rows = out[out["replica"] == copy].drop(columns="replica")
        frame = _tidy(rows, scenario.name, replication, seed)
        mine = links[link_copy == copy] - first_department[copy]
        edges = network.edges_frame(map(tuple, mine), scenario.name, replication)
        low, high = first_government[copy], first_government[copy + 1]
        own = governments.iloc[low:high].reset_index(drop=True)
        own = own.assign(
            replication=np.int64(replication),
            government=own["government"] - low,
            parent=np.where(own["parent"] >= 0, own["parent"] - low, -1),
            first_department=own["first_department"] - first_department[copy],
        )
        results.append((frame, edges, own))
    return results


def simulate_points(
    base: Mapping[str, Any],
    points: Sequence[Mapping[str, Any]],
    policy_changes: Sequence[tuple[int, Mapping[str, Any]]],
    seed: int,
    replication: int,
) -> list[pd.DataFrame]:
    """Run one replication of several parameter sets side by side in one batched model.

    Copy ``i`` of the model (``GovernanceModel(replicas=len(points),
    replica_parameters=points)``) runs with ``base`` updated by
    ``points[i]``; the points may differ in layout and horizon (each copy's
    frame ends at its own ``months``). Every copy is recorded with ``seed``,
    the model's seed, and ``replication``.

    Args:
        base: Parameter values shared by the points.
        points: Each point's own values.
        policy_changes: ``(month, values)`` changes applied to every copy.
        seed: Seed of the batched model.
        replication: Replication number recorded for every copy.

    Returns:
        One ``run_one``-like frame per point, in order (scenario name empty).
    """
    out = simulate_points_outcomes(base, points, policy_changes, seed)
    copies = out["replica"].to_numpy()
    return [
        _tidy(out[copies == i].drop(columns="replica"), "", replication, seed)
        for i in range(len(points))
    ]


def simulate_points_outcomes(
    base: Mapping[str, Any],
    points: Sequence[Mapping[str, Any]],
    policy_changes: Sequence[tuple[int, Mapping[str, Any]]],
    seed: int,
) -> pd.DataFrame:
    """The batched model of ``simulate_points``, its outcomes in one frame.

    Returns:
        ``replica``, ``month`` and every outcome: one row per copy and month,
        sorted by copy then month (copy ``i`` ran ``points[i]``).
    """
    model = GovernanceModel(
        parameters=dict(base),
        rng=int(seed),
        policy_changes=tuple(policy_changes),
        replicas=len(points),
        replica_parameters=[dict(p) for p in points],
    )
    model.run()
    out = model.outcomes_frame()
    if "replica" not in out:  # a batch of one is an ordinary model
        out.insert(0, "replica", 0)
    return out


def _tidy(out: pd.DataFrame, name: str, replication: int, seed: int) -> pd.DataFrame:
    """A model's outcomes frame with the id columns in front."""
    out = out.reset_index(drop=True)
    outcome_cols = [c for c in out.columns if c not in ID_COLUMNS]
    frame = pd.DataFrame(
        {
            "scenario": name,
            "replication": np.full(len(out), int(replication), dtype=np.int64),
            "seed": np.full(len(out), int(seed), dtype=np.int64),
            "month": out["month"].to_numpy().astype(np.int64),
        }
    )
    return pd.concat([frame, out[outcome_cols].astype(float)], axis=1)


def _run_task(
    task: tuple[int, int, int],
    scenarios: Sequence[Any],
    replication_overrides: Sequence[Mapping[str, Any]] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Run one ``(scenario index, replication, seed)`` task; return ``simulate``'s result.

    With ``replication_overrides``, replication ``rep`` runs with its values
    over the scenario (the same values in every scenario: e.g. a posterior draw).
    """
    i, rep, seed = task
    scenario = scenarios[i]
    if replication_overrides is not None:
        scenario = scenario.with_overrides(name=scenario.name, **replication_overrides[rep])
    return simulate(scenario, seed, rep)


def _run_batch_task(
    task: tuple[int, tuple[int, ...], int],
    scenarios: Sequence[Any],
    replication_overrides: Sequence[Mapping[str, Any]] | None = None,
) -> list[tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]]:
    """Run one ``(scenario index, replications, seed)`` batch (``simulate_batch``).

    With ``replication_overrides``, the copy of replication ``rep`` runs with
    its values over the scenario (e.g. posterior draw ``rep``).
    """
    i, reps, seed = task
    own = None if replication_overrides is None else [replication_overrides[r] for r in reps]
    return simulate_batch(scenarios[i], seed, reps, replica_parameters=own)


def batch_blocks(replications: int, batch: int) -> list[tuple[int, ...]]:
    """Replications run together: ``(0..batch-1), (batch..2 batch-1), ...``."""
    return [tuple(range(b, min(b + batch, replications))) for b in range(0, replications, batch)]


def batch_note(batch: int, unit: str = "replication", how: str = "") -> dict[str, Any]:
    """Manifest entry saying how runs were grouped into models.

    Args:
        batch: Runs per model.
        unit: What one run is called in the entry's key and note
            (``replication`` for ``compare``, ``run`` for sweeps).
        how: How a batch was formed when ``batch`` > 1 (default: the
            replications of one design side by side).

    Returns:
        ``{"<unit>s_per_model": batch, "note": ...}``.
    """
    if batch == 1:
        how = f"one model per {unit}"
    elif not how:
        how = (
            f"replications b*{batch} .. b*{batch}+{batch - 1} ran side by side as the replicas "
            "of one batched model (GovernanceModel(replicas=...)) seeded with the seed of "
            "the first of them; replication r is replica r mod "
            f"{batch} of that model (sim.experiments.replications.simulate_batch); the "
            "last model holds the replications left over. runs.csv gives each run's model "
            "seed, replica and batch_size; run.py rerun re-runs one"
        )
    return {f"{unit}s_per_model": batch, "note": how}


#: Departments per batched model when the batch size is chosen automatically:
#: about 80 MB of state; a city run (40 departments) batches 100 replications
#: (``MAX_AUTO_BATCH``), a design whose governments reach 80 departments 100
#: points. Issue 27 measured larger models faster still (a discovery design
#: of 15-80 departments: 43 runs per CPU second at 50 runs a model, 64-70 at
#: 100, 79 at 200); 4,000 had been the fastest only while the outcomes of
#: 128 replicas or more went through an OpenBLAS product that stalls on a
#: loaded machine (``Tallies.by_group``).
DEPARTMENTS_PER_MODEL = 8_000

#: Most replications per automatically sized batch.
MAX_AUTO_BATCH = 100


def departments_per_run(values: Any) -> int:
    """Departments of one run (an upper bound with a department spread).

    Args:
        values: Parameters, or a mapping of the structure parameters' values.
    """
    get = values.get if isinstance(values, Mapping) else lambda name: getattr(values, name)
    per_government = int(get("n_departments")) + int(get("department_spread"))
    if int(get("n_provinces")) == 0:
        return int(get("n_jurisdictions")) * per_government
    below = int(get("n_provinces")) + int(get("n_prefectures")) + int(get("n_counties"))
    # Townships have a few offices each (up to 2 more than township_offices).
    township = int(get("n_townships") or 0) * (int(get("township_offices") or 0) + 2)
    return int(get("n_ministries")) + below * per_government + township


def auto_batch(
    scenarios: Sequence[Any],
    replications: int,
    replication_overrides: Sequence[Mapping[str, Any]] | None = None,
) -> int:
    """Replications per batched model chosen from the layout (the default of the commands).

    Up to ``DEPARTMENTS_PER_MODEL`` departments per model (at most
    ``MAX_AUTO_BATCH`` replications, and never more than asked for): a city
    batches 100 replications, a province or the whole country one. The
    choice depends only on the scenarios, ``replications`` and the
    overrides (e.g. posterior draws, which may change the layout), not on
    the machine, so the same command gives the same runs everywhere.
    """
    bases = [s.parameters.model_dump() for s in scenarios]
    largest = max(
        departments_per_run({**base, **dict(values)})
        for base in bases
        for values in (replication_overrides or [{}])
    )
    return max(1, min(replications, MAX_AUTO_BATCH, DEPARTMENTS_PER_MODEL // max(largest, 1)))


def run_replications(
    scenarios: Sequence[Any],
    replications: int,
    root_seed: int,
    workers: int | None = None,
    progress: bool = True,
    *,
    chunksize: int | None = None,
    batch: int | None = None,
    replication_overrides: Sequence[Mapping[str, Any]] | None = None,
) -> pd.DataFrame:
    """Run every scenario ``replications`` times with paired seeds.

    The same as ``run_replications_with_networks`` without the networks.
    """
    return run_replications_with_networks(
        scenarios,
        replications,
        root_seed,
        workers,
        progress,
        chunksize=chunksize,
        batch=batch,
        replication_overrides=replication_overrides,
    )[0]


def run_replications_with_networks(
    scenarios: Sequence[Any],
    replications: int,
    root_seed: int,
    workers: int | None = None,
    progress: bool = True,
    *,
    chunksize: int | None = None,
    batch: int | None = None,
    replication_overrides: Sequence[Mapping[str, Any]] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Run every scenario ``replications`` times with paired seeds.

    Args:
        scenarios: Scenarios to run; the first is the baseline of comparisons.
            Names must be distinct.
        replications: Runs per scenario (at least 1).
        root_seed: Root of the seed sequence; replication ``r`` uses the same
            seed in every scenario.
        workers: Processes to use; ``None`` means ``os.cpu_count()``; ``1`` runs
            serially in this process.
        progress: Show a progress bar (on stderr).
        chunksize: Runs per task sent to a worker; ``None`` picks one.
        replication_overrides: Parameter values per replication, applied over
            every scenario (replication ``r`` of every scenario gets entry
            ``r``: e.g. one posterior draw per replication). Batched, each
            copy of a model carries its replication's values
            (``GovernanceModel(replica_parameters=...)``).
        batch: Replications simulated side by side in one batched model
            (``simulate_batch``). Replications
            ``b*batch .. (b+1)*batch - 1`` form batch ``b``, whose model uses
            the seed of its first replication; that seed is recorded for each
            of them. ``None`` (the default) chooses it from the layout
            (``auto_batch``: 100 city replications a model, one national
            run, the largest layout any override gives counted); 1 runs
            one model per replication.

    Returns:
        ``(frame, edges, governments)``. ``frame``: tidy, with ``scenario``,
        ``replication``, ``seed``, ``month`` and one column per outcome,
        sorted by scenario (in the order given), replication and month.
        ``edges``: the data-sharing links at the end of every run
        (``scenario``, ``replication``, ``holder``, ``requester``; see
        ``sim.model.network``). ``governments``: every run's governments and their
        departments (``sim.model.network.GOVERNMENT_COLUMNS``). Identical whatever
        ``workers`` is.

    Raises:
        ValueError: For no scenarios, duplicate names, fewer than 1
            replication or worker.
    """
    scenarios = list(scenarios)
    if not scenarios:
        raise ValueError("no scenarios to run")
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise ValueError(f"scenario names must be distinct, got {names}")
    if replications < 1:
        raise ValueError(f"replications must be at least 1, got {replications}")
    workers = (os.cpu_count() or 1) if workers is None else int(workers)
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")

    if batch is None:
        batch = auto_batch(scenarios, replications, replication_overrides)
    if batch < 1:
        raise ValueError(f"batch must be at least 1, got {batch}")
    if replication_overrides is not None and len(replication_overrides) != replications:
        raise ValueError(
            f"replication_overrides has {len(replication_overrides)} entries for "
            f"{replications} replications"
        )
    seeds = spawn_seeds(root_seed, replications)
    if batch == 1:
        tasks = [(i, r, seeds[r]) for r in range(replications) for i in range(len(scenarios))]
        pairs: list[tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]] = executors.map_chunked(
            _run_task,
            tasks,
            (scenarios, replication_overrides),
            workers=workers,
            chunksize=chunksize,
            progress=progress,
            desc="simulating",
        )
    else:
        blocks = batch_blocks(replications, batch)
        batch_tasks = [
            (i, block, seeds[block[0]]) for block in blocks for i in range(len(scenarios))
        ]
        batches = executors.map_chunked(
            _run_batch_task,
            batch_tasks,
            (scenarios, replication_overrides),
            workers=workers,
            chunksize=chunksize or 1,
            progress=progress,
            desc=f"simulating ({batch} runs per model)",
            unit="model",
        )
        pairs = [result for results in batches for result in results]

    def ordered(part: int, keys: list[str]) -> pd.DataFrame:
        return ordered_results(pairs, names, part, keys)

    frame = ordered(0, ["month"])
    frame.attrs["root_seed"] = int(root_seed)
    frame.attrs["batch"] = int(batch)
    edges = ordered(1, ["holder", "requester"])
    governments = ordered(2, ["government"])
    return frame, edges, governments


# ----------------------------------------------------------------- tidy results


def outcome_columns(frame: pd.DataFrame) -> list[str]:
    """Return the outcome columns of a results frame (all but the id columns)."""
    return [c for c in frame.columns if c not in ID_COLUMNS]


def ordered_outcomes(frame: pd.DataFrame) -> list[str]:
    """Return outcome columns with the headline outcomes first."""
    cols = outcome_columns(frame)
    head = [o for o in HEADLINE_OUTCOMES if o in cols]
    return head + [c for c in cols if c not in head]


def batch_layout(replications: int, batch: int) -> list[tuple[int, int, int]]:
    """Where each replication ran under ``batch`` replications per model.

    Args:
        replications: Replications of each scenario.
        batch: Replications per batched model (``batch_blocks``).

    Returns:
        Per replication ``r``: ``(first, replica, batch_size)``: the first
        replication of its model (whose seed the model used), its copy in
        that model and the number of copies the model simulated.
    """
    return [
        (block[0], copy, len(block))
        for block in batch_blocks(replications, batch)
        for copy in range(len(block))
    ]


def ordered_results(
    results: Sequence[Sequence[pd.DataFrame]], names: Sequence[str], part: int, keys: list[str]
) -> pd.DataFrame:
    """One kind of result of every run, stacked: scenarios in the order given, then ``keys``.

    Args:
        results: Per run (or batch), its result frames (outcomes, networks, governments).
        names: Scenario names in the order wanted.
        part: Which frame of each result (0 outcomes, 1 networks, 2 governments).
        keys: Columns that order the rows within a replication (``month``, ...).
    """
    order = {name: i for i, name in enumerate(names)}
    table = pd.concat([result[part] for result in results], ignore_index=True)
    return (
        table.assign(_order=table["scenario"].map(order))
        .sort_values(["_order", "replication", *keys], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )


def final_values(frame: pd.DataFrame, batch: int | None = None) -> pd.DataFrame:
    """Return one row per run with the value of every outcome at its last month.

    Args:
        frame: Output of ``run_replications``.
        batch: Replications per batched model the frame was run with (its
            ``attrs["batch"]``); given, the rows also say where each run
            ran (``LAYOUT_COLUMNS`` after ``seed``).

    Returns:
        Columns ``scenario``, ``replication``, ``seed`` (the seed of the
        run's model), with ``batch`` ``replica`` and ``batch_size``, then
        ``month`` (the last month) and the outcomes; runs in the frame's order.
    """
    idx = frame.groupby(["scenario", "replication"], sort=False)["month"].idxmax()
    runs = frame.loc[idx.to_numpy()].reset_index(drop=True)
    if batch is None or runs.empty:
        return runs
    layout = batch_layout(int(runs["replication"].max()) + 1, int(batch))
    where = np.array([layout[int(r)][1:] for r in runs["replication"]], dtype=np.int64)
    at = runs.columns.get_loc("seed") + 1
    runs.insert(at, "replica", where[:, 0])
    runs.insert(at + 1, "batch_size", where[:, 1])
    return runs
