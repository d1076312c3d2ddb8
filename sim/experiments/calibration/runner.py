"""Running a calibration: ABC-SMC through pyabc, resumable, with predictive checks.

Approximate Bayesian computation by sequential Monte Carlo (Toni et al. 2009;
pyabc, Schälte et al. 2022): particles are drawn from uniform priors over the
free uncertainties, each particle runs every fitted target's scenario
(``replications`` times, the mean compared), and a particle is kept when its
distance to the observed values, sqrt(sum(((simulated - observed) /
tolerance)^2)), is below the generation's epsilon (the median distance of the
previous generation). pyabc keeps every generation in ``abc.db`` (SQLite) in
the results folder; running the same calibration again continues from the
last finished generation. Every generation is seeded from the root seed and
its number (``sim.experiments.calibration.sampler.generation_seed``), so a
calibration stopped after any generation and continued gives the same
posterior as one run without a stop. A database holding no finished
generation (a calibration stopped while pyabc wrote its first records) is
started over, with a message. While a calibration runs, its folder is
locked (``sim.experiments.folder_lock``): a second one in the same folder
is refused.

Afterwards the prior and the posterior predictive are simulated for every
target, held-out ones included: ``PREDICTIVE_DRAWS`` parameter sets drawn
from the prior and from the weighted posterior, each run once with its own
seed.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import re
import sqlite3
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.experiments.calibration.files import Calibration, CalibrationError
from sim.experiments.calibration.simulation import (  # noqa: F401 (run_target: public here too)
    auto_runs_per_model,
    run_target,
    simulate,
    simulate_many,
)
from sim.experiments.files import atomic_write
from sim.experiments.folder_lock import LOCK_FILE, FolderLock
from sim.experiments.inputs.folder_reads import check_folder_file, read_folder_json, table_limit
from sim.experiments.inputs.limits import shorten
from sim.experiments.seeds import spawn_seeds

#: Parameter sets drawn from the prior and from the posterior for the predictive checks.
PREDICTIVE_DRAWS = 40


def distance_function(calibration: Calibration) -> Callable[[dict, dict], float]:
    """Euclidean distance of the misses in units of each target's tolerance."""
    scales = {t.name: t.tolerance for t in calibration.fitted}

    def distance(simulated: dict, observed: dict) -> float:
        return float(
            np.sqrt(sum(((simulated[k] - observed[k]) / s) ** 2 for k, s in scales.items()))
        )

    return distance


class _Draw:
    """pyabc's parameters -> (free values, run seed drawn from NumPy's global generator)."""

    def __init__(self, calibration: Calibration) -> None:
        self.names = list(calibration.free)

    def __call__(self, parameters: Mapping[str, Any]) -> tuple[dict[str, float], int]:
        # pyabc seeds NumPy's global generator; the run seed comes from it.
        seed = int(np.random.randint(0, 2**31 - 1))
        return {k: float(parameters[k]) for k in self.names}, seed


@dataclass(frozen=True)
class CalibrationRun:
    """What :func:`run_calibration` produced.

    Attributes:
        posterior: The last generation's particles: free values and ``weight``.
        table: Per target: observed, held out, prior and posterior predictive
            mean and 90% interval, whether the observation lies in each interval.
        generations: Per generation: epsilon, accepted particles, simulations.
        generations_run: Generations made now (the rest were resumed).
        batch: Runs per model at most (1: one model per run).
    """

    posterior: pd.DataFrame
    table: pd.DataFrame
    generations: pd.DataFrame
    generations_run: int
    batch: int = 1


def _quiet_pyabc() -> None:
    for name in ("ABC", "pyabc", "Sampler", "Epsilon", "Acceptor", "History", "Distance"):
        logging.getLogger(name).setLevel(logging.WARNING)


def run_calibration(
    calibration: Calibration,
    out_dir: str | os.PathLike[str],
    *,
    workers: int | None = None,
    progress: bool = True,
    batch: int | None = None,
) -> CalibrationRun:
    """Run (or continue) the ABC-SMC of a calibration, then its predictive checks.

    Particles are simulated in rounds (``sim.experiments.calibration.sampler``): the
    runs of a round's particles go side by side into batched models
    (``sim.experiments.calibration.simulation.simulate_many``) on
    ``workers`` processes. The numbers depend on ``batch``, not on
    ``workers``.

    Args:
        calibration: A loaded calibration file.
        out_dir: Results folder (``abc.db`` is kept there).
        workers: Processes (1: in this process; default all cores).
        progress: A line per generation on stderr.
        batch: Runs per model at most (``None``: from the layout, 100 city
            runs; 1: one model per run, the particles of pyabc's
            ``SingleCoreSampler``). A calibration continues only with the
            batch it was started with.

    Returns:
        The posterior, the target table and the generations.

    Raises:
        CalibrationError: If the folder holds another calibration, or this one
            made with another batch, or its database cannot be used.
        FolderLockedError: If another process is calibrating in the folder.
        OSError: If the disk is full (``ENOSPC``, naming ``abc.db``).
    """
    import sqlalchemy.exc  # pyabc's database layer

    _quiet_pyabc()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with FolderLock(out, "calibration folder"):
        try:
            return _run_locked(calibration, out, workers, progress, batch)
        except (sqlalchemy.exc.OperationalError, sqlite3.OperationalError) as exc:
            raise _database_problem(exc, out / "abc.db") from None


def _database_problem(exc: Exception, db_path: Path) -> Exception:
    """An OSError (full disk) or a CalibrationError for an SQLite failure of ``abc.db``."""
    text = str(exc).lower()
    if "disk is full" in text or "disk i/o error" in text:
        return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(db_path))
    return CalibrationError(
        f"{shorten(str(db_path), 200)}: pyabc's database cannot be used "
        f"({shorten(' '.join(str(exc).split()), 200)}); remove it (or choose another --out) to "
        "start the calibration over."
    )


def _run_locked(
    calibration: Calibration,
    out: Path,
    workers: int | None,
    progress: bool,
    batch: int | None,
) -> CalibrationRun:
    """:func:`run_calibration` in its locked folder."""
    import pyabc

    from sim.experiments.calibration.sampler import RoundModel, RoundSampler  # imports pyabc

    identity = out / "calibration.json"
    db_path = out / "abc.db"
    batch = auto_runs_per_model(calibration) if batch is None else max(1, int(batch))
    workers = max(1, int(workers or os.cpu_count() or 1))
    if identity.exists():
        try:
            stored = read_folder_json(identity, folder=out)
        except (OSError, ValueError) as exc:
            raise CalibrationError(
                f"{shorten(str(identity), 200)} cannot be read ({shorten(str(exc), 200)}); "
                "it is not a calibration folder this program wrote. Give another --out folder."
            ) from None
        if not isinstance(stored, dict):
            stored = {}
        if stored.get("definition_hash") != calibration.definition_hash:
            raise CalibrationError(
                f"{out} holds a different calibration (its priors, targets, fixed values, "
                "population or seed differ); give another --out folder or remove it."
            )
        if stored.get("runs_per_model", 1) != batch:
            raise CalibrationError(
                f"{out} holds this calibration made with --batch "
                f"{stored.get('runs_per_model', 1)} (runs per model); continue it with that "
                f"batch (not {batch}), or give another --out folder."
            )
    elif db_path.exists() or any(not _litter(child.name) for child in out.iterdir()):
        raise CalibrationError(f"{out} is not empty and holds no calibration; give a new folder.")
    else:
        text = json.dumps({"definition_hash": calibration.definition_hash, "runs_per_model": batch})
        atomic_write(identity, lambda p: p.write_text(text + "\n", "utf-8"))
    if os.path.lexists(db_path):
        try:  # SQLite would wait for ever on a FIFO, or follow a link out of the folder
            check_folder_file(db_path, table_limit(), out)
        except (OSError, ValueError) as exc:
            raise CalibrationError(
                f"{shorten(str(exc), 300)}; abc.db is pyabc's database of this calibration. "
                "Remove it (or choose another --out) to start the calibration over."
            ) from None
    if db_path.exists() and not _has_generation(db_path):
        print(
            f"{shorten(str(db_path), 200)} holds no finished generation (the calibration "
            "stopped while its first records were written); it is started over, with the "
            "same seeds.",
            file=sys.stderr,
        )
        for leftover in (db_path, db_path.with_name(db_path.name + "-journal")):
            leftover.unlink(missing_ok=True)

    prior = pyabc.Distribution(
        **{k: pyabc.RV("uniform", lo, hi - lo) for k, (lo, hi) in calibration.free.items()}
    )

    def simulate_round(requests):
        return simulate_many(
            calibration, requests, calibration.fitted, batch=batch, workers=workers
        )

    model = RoundModel(_Draw(calibration), partial(simulate, calibration))
    # Each generation seeded from the root seed and its number: a resumed
    # calibration draws what an uninterrupted one would.
    sampler = RoundSampler(model, simulate_round, min_round=workers, seed=calibration.root_seed)
    abc = pyabc.ABCSMC(
        model,
        prior,
        distance_function(calibration),
        population_size=calibration.population,
        sampler=sampler,
        eps=pyabc.epsilon.QuantileEpsilon(alpha=0.5),
    )
    db = f"sqlite:///{db_path.resolve()}"
    observed = {t.name: t.observed for t in calibration.fitted}
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
    table = predictive_table(calibration, posterior, batch=batch, workers=workers)
    return CalibrationRun(posterior, table, generations.reset_index(drop=True), made, batch)


def _litter(name: str) -> bool:
    """Files that do not make a folder "not empty": its lock, write-test probes."""
    return name == LOCK_FILE or re.fullmatch(r"\.write-test-\d+|\..+\.\d+\.tmp", name) is not None


def _has_generation(db_path: Path) -> bool:
    """Whether pyabc's database holds a finished generation (a population with t >= 0)."""
    try:
        with contextlib.closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as db:
            row = db.execute("SELECT MAX(t) FROM populations WHERE abc_smc_id = 1").fetchone()
    except sqlite3.Error:
        return False
    return row is not None and row[0] is not None and row[0] >= 0


def predictive_table(
    calibration: Calibration, posterior: pd.DataFrame, *, batch: int = 1, workers: int = 1
) -> pd.DataFrame:
    """Prior and posterior predictive of every target (held-out ones included).

    ``PREDICTIVE_DRAWS`` parameter sets are drawn from the uniform prior and
    from the weighted posterior (a generator seeded with the root seed), and
    each set runs every target once with its own seed (``batch`` runs per
    model at most, on ``workers`` processes).
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
    requests = list(zip(prior_sets + posterior_sets, seeds + seeds, strict=True))
    sims = simulate_many(calibration, requests, calibration.targets, batch=batch, workers=workers)
    runs = {"prior": sims[:PREDICTIVE_DRAWS], "posterior": sims[PREDICTIVE_DRAWS:]}
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
        row["regime"] = target.regime.get("name", target.scenario.name)
        row["regime_description"] = target.regime_text
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


def posterior_correlations(calibration: Calibration, posterior: pd.DataFrame) -> pd.DataFrame:
    """Weighted correlation of every pair of free parameters in the posterior.

    The prior is independent uniform, so a clear correlation is learned from
    the targets: the data constrain a combination (one parameter trading off
    against the other) rather than each parameter alone.

    Returns:
        One row per pair (``first``, ``second``, ``correlation``), strongest first.
    """
    names = list(calibration.free)
    weights = posterior["weight"].to_numpy(dtype=float)
    weights = weights / weights.sum()
    values = posterior[names].to_numpy(dtype=float)
    centred = values - weights @ values
    cov = (centred * weights[:, None]).T @ centred
    scale = np.sqrt(np.clip(np.diag(cov), 1e-300, None))
    corr = cov / np.outer(scale, scale)
    rows = [
        {"first": a, "second": b, "correlation": float(corr[i, j])}
        for i, a in enumerate(names)
        for j, b in enumerate(names)
        if j > i
    ]
    frame = pd.DataFrame(rows, columns=["first", "second", "correlation"])
    return frame.reindex(frame["correlation"].abs().sort_values(ascending=False).index)
