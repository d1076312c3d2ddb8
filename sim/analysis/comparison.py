"""Paired comparison of governance designs, in memory.

``compare`` runs every scenario with the same seeds (replication ``r`` runs
in the same model seed and copy in every design; see
``sim.experiments.replications.run_replications_with_networks``) and returns the tidy frames a
results folder holds: the monthly time series, the final value of each run,
the summary per design and the paired differences from the first design.
Nothing is written; ``sim.reporting.experiment_folder`` writes the folder.

Typical use (in a notebook)::

    import sim
    result = sim.compare(["dispersed", "centralized"], replications=10)
    result.paired[["outcome", "mean_difference", "ci_low", "ci_high"]]
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sim.analysis.summaries import difference_table, summary_table
from sim.experiments.inputs.scenarios import Scenario, load_scenario
from sim.experiments.replications import (
    auto_batch,
    final_values,
    ordered_outcomes,
    run_replications_with_networks,
)
from sim.experiments.seeds import DEFAULT_SEED


@dataclass(frozen=True)
class Comparison:
    """Paired replications of designs and their summaries.

    Attributes:
        scenarios: The scenarios run, baseline first.
        frame: Tidy time series: ``scenario``, ``replication``, ``seed``,
            ``month`` and one column per outcome.
        runs: Final value of every outcome per run, with where it ran: the
            seed of its model, its ``replica`` in that model and the model's
            ``batch_size`` (``sim.rerun`` re-runs a run from them).
        summary: Mean, SD, n and 95% CI per scenario and outcome.
        paired: Paired differences from the baseline (``None`` with one
            scenario or ``paired=False``).
        networks: Data-sharing links at the end of every run.
        governments: Every run's governments and their departments.
        root_seed: Root of the paired seeds.
        batch: Replications simulated side by side per model.
        workers: Processes used.
        elapsed: Wall-clock seconds of the simulations.
        parameter_draws: Parameter values of each replication, applied over
            every scenario (e.g. posterior draws), or None.
        posterior: Where the draws came from (``posterior_draws.load_posterior``'s
            info), or None.
    """

    scenarios: tuple[Any, ...]
    frame: pd.DataFrame
    runs: pd.DataFrame
    summary: pd.DataFrame
    paired: pd.DataFrame | None
    networks: pd.DataFrame
    governments: pd.DataFrame
    root_seed: int
    batch: int
    workers: int
    elapsed: float
    parameter_draws: tuple[dict[str, Any], ...] | None = None
    posterior: dict[str, Any] | None = None


def as_scenarios(scenarios: Sequence[Any] | str | Scenario) -> tuple[Scenario, ...]:
    """Scenario objects from names, paths or scenarios (one or a sequence)."""
    if isinstance(scenarios, str | os.PathLike | Scenario):
        scenarios = [scenarios]
    return tuple(s if isinstance(s, Scenario) else load_scenario(s) for s in scenarios)


def compare(
    scenarios: Sequence[Any] | str | Scenario,
    *,
    replications: int = 20,
    root_seed: int = DEFAULT_SEED,
    workers: int | None = None,
    progress: bool = True,
    batch: int | None = None,
    paired: bool = True,
    replication_overrides: Sequence[Mapping[str, Any]] | None = None,
    posterior: Mapping[str, Any] | None = None,
) -> Comparison:
    """Run paired replications of the scenarios and summarize them.

    Args:
        scenarios: Scenarios, names in ``scenarios/`` or paths to scenario
            files; the first is the baseline.
        replications: Runs per scenario.
        root_seed: Root of the paired seeds.
        workers: Processes (``None`` = all cores, 1 = in this process).
        progress: Show a progress bar on stderr.
        batch: Replications per batched model (``None``: chosen from the
            layout, as ``run.py compare`` does, counting the layouts
            ``replication_overrides`` give; 1: one model per replication).
        paired: Compute paired differences from the first scenario.
        replication_overrides: Parameter values per replication, the same in
            every scenario (one posterior draw per replication); batched, each
            copy of a model carries its replication's draw.
        posterior: Where those values came from, recorded in the result.

    Returns:
        The frames and summaries.

    Raises:
        ValueError: For invalid arguments (see
            ``sim.experiments.replications.run_replications_with_networks``).
        sim.experiments.inputs.scenarios.ScenarioError: For a bad scenario file.
    """
    scenarios = as_scenarios(scenarios)
    if batch is None:
        batch = auto_batch(scenarios, replications, replication_overrides)
    start = time.perf_counter()
    frame, networks, governments = run_replications_with_networks(
        scenarios,
        replications,
        root_seed,
        workers,
        progress,
        batch=batch,
        replication_overrides=replication_overrides,
    )
    elapsed = time.perf_counter() - start
    runs = final_values(frame, batch)
    outcomes = ordered_outcomes(frame)
    with_pairs = paired and len(scenarios) > 1
    return Comparison(
        scenarios=scenarios,
        frame=frame,
        runs=runs,
        summary=summary_table(runs, outcomes),
        paired=difference_table(runs, outcomes, scenarios[0].name) if with_pairs else None,
        networks=networks,
        governments=governments,
        root_seed=int(root_seed),
        batch=int(batch),
        workers=int(workers or os.cpu_count() or 1),
        elapsed=elapsed,
        parameter_draws=(
            tuple(dict(d) for d in replication_overrides) if replication_overrides else None
        ),
        posterior=dict(posterior) if posterior else None,
    )
