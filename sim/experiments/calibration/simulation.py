"""Simulating a calibration's targets: one parameter set, or many side by side.

``simulate`` runs every target's scenario ``replications`` times for one
parameter set, each run its own model. ``simulate_many`` is its batched form
for many parameter sets (an ABC-SMC round, a predictive check): for
every scenario the targets are measured in, the parameter sets (each with
its ``replications``) run as the replicas of a few batched models
(``GovernanceModel(replica_parameters=...)``, as sweeps batch their design
points), and those models run on a pool of processes. With ``batch`` 1
every run is its own model, exactly as ``simulate`` runs it.

The batch plan (which sets share a model, and each model's seed) depends
only on the requests and ``batch``, never on the number of processes, so
the same calibration gives the same numbers on one core or many.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from sim.experiments import executors
from sim.experiments.replications import MAX_AUTO_BATCH, auto_batch, simulate_points
from sim.experiments.seeds import spawn_seeds
from sim.model.governance import GovernanceModel
from sim.model.parameters import SPECS
from sim.model.replica_parameters import layout_key

#: One parameter set to simulate: the free values and the seed of its runs.
Request = tuple[Mapping[str, float], int]


def run_target(target: Any, values: Mapping[str, float], seed: int) -> float:
    """Run a target's scenario once with the free values; return its outcome at the end."""
    return float(run_scenario(target, values, seed)[target.outcome])


def run_scenario(target: Any, values: Mapping[str, float], seed: int) -> pd.Series:
    """Run a target's scenario once with the free values; return every outcome at the end."""
    scenario = target.scenario.with_overrides(name=target.scenario.name, **own_values(values))
    model = GovernanceModel(
        parameters=scenario.parameters,
        rng=int(seed),
        policy_changes=tuple(scenario.policy_changes or ()),
    )
    model.run()
    return model.outcomes_frame().iloc[-1]


def simulate(
    calibration: Any, values: Mapping[str, float], seed: int, targets: Any = None
) -> dict[str, float]:
    """Every (fitted) target's outcome for one parameter set: the mean over replications.

    Targets measured in the same scenario read the same runs (a scenario runs
    once per replication, however many of its outcomes are targets).
    """
    chosen = calibration.fitted if targets is None else targets
    seeds = spawn_seeds(int(seed), calibration.replications)
    runs: dict[tuple[str, int], pd.Series] = {}
    values_of: dict[str, list[float]] = {t.name: [] for t in chosen}
    for target in chosen:
        for s in seeds:
            key = (target.scenario.name, int(s))
            if key not in runs:
                runs[key] = run_scenario(target, values, s)
            values_of[target.name].append(float(runs[key][target.outcome]))
    return {name: float(np.mean(v)) for name, v in values_of.items()}


def auto_runs_per_model(calibration: Any) -> int:
    """Runs per batched model chosen from the layout of the calibration's scenarios.

    The rule ``compare`` batches replications by (``auto_batch``): 100 city
    runs a model, one province.
    """
    return auto_batch([t.scenario for t in calibration.targets], MAX_AUTO_BATCH)


def own_values(values: Mapping[str, float]) -> dict[str, Any]:
    """Free values as parameters take them (whole numbers rounded)."""
    return {k: (int(round(v)) if SPECS[k].type is int else float(v)) for k, v in values.items()}


def model_seed(seeds: Sequence[int]) -> int:
    """Seed of a batched model, derived from the seeds of the parameter sets in it."""
    state = np.random.SeedSequence([int(s) for s in seeds]).generate_state(1, dtype=np.uint32)
    return int(state[0] >> 1)


def _plan(
    calibration: Any, requests: Sequence[Request], targets: Sequence[Any], batch: int
) -> list[tuple[str, tuple[int, ...]]]:
    """Models to run: ``(scenario name, request indices)`` in a fixed order.

    Requests of equal ``months`` (``layout_key``; they may differ in layout,
    e.g. a free ``n_departments``) are cut, in order, into groups of ``batch // replications``
    (at least one) parameter sets; each group is one model per scenario.
    """
    scenarios = {t.scenario.name: t.scenario for t in targets}
    per_model = max(1, batch // calibration.replications)
    own = [own_values(values) for values, _ in requests]
    plan = []
    for name, scenario in scenarios.items():
        base = scenario.parameters.model_dump()
        groups: dict[tuple, list[int]] = {}
        for i, values in enumerate(own):
            groups.setdefault(layout_key({**base, **values}), []).append(i)
        for members in groups.values():
            plan += [
                (name, tuple(members[k : k + per_model])) for k in range(0, len(members), per_model)
            ]
    return plan


def _run_model(
    task: tuple[str, tuple[int, ...]], calibration: Any, requests: Sequence[Request]
) -> tuple[str, tuple[int, ...], list[pd.Series]]:
    """Run one planned model; return the final outcomes of every run in it, in order.

    The model holds ``replications`` runs of each of its parameter sets
    (set-major), seeded with ``model_seed`` of the sets' seeds.
    """
    name, members = task
    scenario = next(t.scenario for t in calibration.targets if t.scenario.name == name)
    reps = calibration.replications
    points = [own_values(requests[i][0]) for i in members for _ in range(reps)]
    frames = simulate_points(
        scenario.parameters.model_dump(),
        points,
        tuple(scenario.policy_changes or ()),
        model_seed([requests[i][1] for i in members]),
        0,
    )
    return name, members, [f.iloc[-1] for f in frames]


def _run_one(
    index: int, calibration: Any, requests: Sequence[Request], targets: Any
) -> tuple[int, dict[str, float]]:
    """One parameter set, each run its own model (``simulate``); keep its index."""
    values, seed = requests[index]
    return index, simulate(calibration, values, seed, targets)


def simulate_many(
    calibration: Any,
    requests: Sequence[Request],
    targets: Sequence[Any],
    *,
    batch: int,
    workers: int = 1,
) -> list[dict[str, float]]:
    """Every target's outcome (mean over replications) for each parameter set.

    Args:
        calibration: The calibration (its targets' scenarios, replications).
        requests: ``(free values, seed)`` per parameter set.
        targets: The targets to measure.
        batch: Runs per model at most (1: every run its own model, as
            ``simulate``).
        workers: Processes (1: in this process); the numbers do not depend
            on it.

    Returns:
        Per request, in order: target name -> simulated value.
    """
    if not requests:
        return []
    if batch <= 1:
        done = executors.map_chunked(
            _run_one,
            list(range(len(requests))),
            (calibration, requests, targets),
            workers=workers,
            progress=False,
        )
        return [result for _, result in sorted(done, key=lambda pair: pair[0])]
    finals: dict[tuple[str, int], list[pd.Series]] = {}
    reps = calibration.replications
    for name, members, runs in executors.map_chunked(
        _run_model,
        _plan(calibration, requests, targets, batch),
        (calibration, requests),
        workers=workers,
        chunksize=1,
        progress=False,
    ):
        for k, i in enumerate(members):
            finals[(name, i)] = runs[k * reps : (k + 1) * reps]
    return [
        {
            t.name: float(np.mean([float(r[t.outcome]) for r in finals[(t.scenario.name, i)]]))
            for t in targets
        }
        for i in range(len(requests))
    ]
