"""Running a calibration: ABC-SMC through pyabc, resumable, with predictive checks.

Approximate Bayesian computation by sequential Monte Carlo (Toni et al. 2009;
pyabc, Schälte et al. 2022): particles are drawn from uniform priors over the
free uncertainties, each particle runs every fitted target's scenario
(``replications`` times, the mean compared), and a particle is kept when its
distance to the observed values, sqrt(sum(((simulated - observed) /
tolerance)^2)), is below the generation's epsilon (the median distance of the
previous generation). pyabc keeps every generation in ``abc.db`` (SQLite) in
the results folder; running the same calibration again continues from the
last finished generation.

Afterwards the prior and the posterior predictive are simulated for every
target, held-out ones included: ``PREDICTIVE_DRAWS`` parameter sets drawn
from the prior and from the weighted posterior, each run once with its own
seed.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.experiments.calibration_files import Calibration, CalibrationError, Target
from sim.experiments.seeds import spawn_seeds
from sim.model.governance import GovernanceModel
from sim.model.parameters import SPECS

#: Parameter sets drawn from the prior and from the posterior for the predictive checks.
PREDICTIVE_DRAWS = 40


def run_target(target: Target, values: Mapping[str, float], seed: int) -> float:
    """Run a target's scenario once with the free values; return its outcome at the end."""
    return float(_run_scenario(target, values, seed)[target.outcome])


def _run_scenario(target: Target, values: Mapping[str, float], seed: int) -> pd.Series:
    """Run a target's scenario once with the free values; return every outcome at the end."""
    overrides = {
        k: (int(round(v)) if SPECS[k].type is int else float(v)) for k, v in values.items()
    }
    scenario = target.scenario.with_overrides(name=target.scenario.name, **overrides)
    model = GovernanceModel(
        parameters=scenario.parameters,
        rng=int(seed),
        policy_changes=tuple(scenario.policy_changes or ()),
    )
    model.run()
    return model.outcomes_frame().iloc[-1]


def simulate(
    calibration: Calibration, values: Mapping[str, float], seed: int, targets=None
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
                runs[key] = _run_scenario(target, values, s)
            values_of[target.name].append(float(runs[key][target.outcome]))
    return {name: float(np.mean(v)) for name, v in values_of.items()}


def distance_function(calibration: Calibration) -> Callable[[dict, dict], float]:
    """Euclidean distance of the misses in units of each target's tolerance."""
    scales = {t.name: t.tolerance for t in calibration.fitted}

    def distance(simulated: dict, observed: dict) -> float:
        return float(
            np.sqrt(sum(((simulated[k] - observed[k]) / s) ** 2 for k, s in scales.items()))
        )

    return distance


class _Model:
    """The model as pyabc calls it: parameters in, fitted targets' values out (picklable)."""

    def __init__(self, calibration: Calibration) -> None:
        self.calibration = calibration

    def __call__(self, parameters: Mapping[str, Any]) -> dict[str, float]:
        # pyabc seeds NumPy's global generator (per worker); the run seed comes from it.
        seed = int(np.random.randint(0, 2**31 - 1))
        values = {k: float(parameters[k]) for k in self.calibration.free}
        return simulate(self.calibration, values, seed)


@dataclass(frozen=True)
class CalibrationRun:
    """What :func:`run_calibration` produced.

    Attributes:
        posterior: The last generation's particles: free values and ``weight``.
        table: Per target: observed, held out, prior and posterior predictive
            mean and 90% interval, whether the observation lies in each interval.
        generations: Per generation: epsilon, accepted particles, simulations.
        generations_run: Generations made now (the rest were resumed).
    """

    posterior: pd.DataFrame
    table: pd.DataFrame
    generations: pd.DataFrame
    generations_run: int


def _quiet_pyabc() -> None:
    for name in ("ABC", "pyabc", "Sampler", "Epsilon", "Acceptor", "History", "Distance"):
        logging.getLogger(name).setLevel(logging.WARNING)


def run_calibration(
    calibration: Calibration,
    out_dir: str | os.PathLike[str],
    *,
    workers: int | None = None,
    progress: bool = True,
) -> CalibrationRun:
    """Run (or continue) the ABC-SMC of a calibration, then its predictive checks.

    Args:
        calibration: A loaded calibration file.
        out_dir: Results folder (``abc.db`` is kept there).
        workers: Processes (1: in this process, reproducible; default all cores).
        progress: A line per generation on stderr.

    Returns:
        The posterior, the target table and the generations.

    Raises:
        CalibrationError: If the folder holds another calibration.
    """
    import pyabc

    _quiet_pyabc()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    identity = out / "calibration.json"
    db_path = out / "abc.db"
    if identity.is_file():
        import json

        stored = json.loads(identity.read_text("utf-8")).get("definition_hash")
        if stored != calibration.definition_hash:
            raise CalibrationError(
                f"{out} holds a different calibration (its priors, targets, fixed values, "
                "population or seed differ); give another --out folder or remove it."
            )
    elif db_path.exists() or any(out.iterdir()):
        raise CalibrationError(f"{out} is not empty and holds no calibration; give a new folder.")
    else:
        import json

        identity.write_text(
            json.dumps({"definition_hash": calibration.definition_hash}) + "\n", "utf-8"
        )

    prior = pyabc.Distribution(
        **{k: pyabc.RV("uniform", lo, hi - lo) for k, (lo, hi) in calibration.free.items()}
    )
    if workers == 1:
        sampler = pyabc.sampler.SingleCoreSampler()
    else:
        sampler = pyabc.sampler.MulticoreEvalParallelSampler(n_procs=workers or os.cpu_count())
    abc = pyabc.ABCSMC(
        _Model(calibration),
        prior,
        distance_function(calibration),
        population_size=calibration.population,
        sampler=sampler,
        eps=pyabc.epsilon.QuantileEpsilon(alpha=0.5),
    )
    db = f"sqlite:///{db_path.resolve()}"
    observed = {t.name: t.observed for t in calibration.fitted}
    np.random.seed(calibration.root_seed % 2**32)  # pyabc draws from NumPy's global generator
    history = abc.load(db, 1) if db_path.exists() else abc.new(db, observed)
    done = history.max_t + 1 if history.max_t is not None else 0
    made = max(0, calibration.generations - done)
    if made:
        # One call for all remaining generations: pyabc adapts epsilon from one
        # generation to the next within a run. Progress: pyabc's own lines per
        # generation ("ABC INFO: t: 1, eps: ...") on stderr.
        logging.getLogger("ABC").setLevel(logging.INFO if progress else logging.WARNING)
        history = abc.run(max_nr_populations=made)
    frame, weights = history.get_distribution(m=0, t=history.max_t)
    posterior = frame[list(calibration.free)].reset_index(drop=True)
    posterior["weight"] = np.asarray(weights, dtype=float)
    populations = history.get_all_populations()
    generations = populations[populations["t"] >= 0][["t", "epsilon", "particles", "samples"]]
    table = predictive_table(calibration, posterior)
    return CalibrationRun(posterior, table, generations.reset_index(drop=True), made)


def predictive_table(calibration: Calibration, posterior: pd.DataFrame) -> pd.DataFrame:
    """Prior and posterior predictive of every target (held-out ones included).

    ``PREDICTIVE_DRAWS`` parameter sets are drawn from the uniform prior and
    from the weighted posterior (a generator seeded with the root seed), and
    each set runs every target once with its own seed.
    """
    rng = np.random.default_rng(calibration.root_seed)
    names = list(calibration.free)
    prior_sets = [
        {k: rng.uniform(*calibration.free[k]) for k in names} for _ in range(PREDICTIVE_DRAWS)
    ]
    weights = posterior["weight"].to_numpy()
    picks = rng.choice(len(posterior), size=PREDICTIVE_DRAWS, p=weights / weights.sum())
    posterior_sets = [{k: float(posterior.iloc[i][k]) for k in names} for i in picks]
    seeds = spawn_seeds(calibration.root_seed + 1, PREDICTIVE_DRAWS)
    runs = {
        "prior": [
            simulate(calibration, v, s, calibration.targets)
            for v, s in zip(prior_sets, seeds, strict=True)
        ],
        "posterior": [
            simulate(calibration, v, s, calibration.targets)
            for v, s in zip(posterior_sets, seeds, strict=True)
        ],
    }
    rows = []
    for target in calibration.targets:
        row: dict[str, Any] = {
            "target": target.name,
            "scenario": target.scenario.name,
            "outcome": target.outcome,
            "observed": target.observed,
            "tolerance": target.tolerance,
            "held_out": target.held_out,
        }
        for kind, sims in runs.items():
            values = np.array([s[target.name] for s in sims])
            low, high = np.quantile(values, [0.05, 0.95])
            row[f"{kind}_mean"] = float(values.mean())
            row[f"{kind}_q05"] = float(low)
            row[f"{kind}_q95"] = float(high)
            row[f"{kind}_covers"] = bool(low <= target.observed <= high)
        row["source"] = target.source
        row["mapping"] = target.mapping
        rows.append(row)
    return pd.DataFrame(rows)


def posterior_summary(calibration: Calibration, posterior: pd.DataFrame) -> pd.DataFrame:
    """Per free parameter: prior range, weighted posterior mean and 90% interval."""
    rows = []
    weights = posterior["weight"].to_numpy()
    weights = weights / weights.sum()
    for name, (low, high) in calibration.free.items():
        values = posterior[name].to_numpy()
        order = np.argsort(values)
        cumulative = np.cumsum(weights[order])
        q05 = float(values[order][np.searchsorted(cumulative, 0.05)])
        q95 = float(values[order][min(np.searchsorted(cumulative, 0.95), len(values) - 1)])
        rows.append(
            {
                "parameter": name,
                "prior_low": low,
                "prior_high": high,
                "posterior_mean": float(np.sum(values * weights)),
                "posterior_q05": q05,
                "posterior_q95": q95,
                "narrowing": (q95 - q05) / (0.9 * (high - low)),
            }
        )
    return pd.DataFrame(rows)
