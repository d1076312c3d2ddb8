"""Global sensitivity of the paired differences: what drives "where centralization loses".

Issue 27 (item 3) asks which uncertainties drive the difference between two
designs over the whole sampled space, with seed noise kept apart. This
module answers with PAWN, a moment-independent index (``SALib.analyze.pawn``;
Pianosi and Wagener 2015, 2018): for each input, the output sample is cut
into ``slides`` equal-count slices of that input, and the index is the
median over slices of the Kolmogorov-Smirnov distance between the outcome's
distribution in the slice and its distribution overall (0: fixing the input
anywhere leaves the distribution as it is; 1: it separates it completely).
PAWN works on any sample, such as the Latin hypercube of ``run.py
discover``, so no Saltelli design is needed (Sobol indices would need one,
N (D + 2) runs per design), and it sees any change of the difference's
distribution, not only of its variance: the differences are skewed and
heavy-tailed where a design delivers little. Borgonovo's delta (also in
SALib) was tried on the quick discovery (80 worlds): its kernel-density
estimator gave probe columns indices of 0.4-0.7, as large as the inputs',
at 40 s of processor time per outcome; PAWN separates them at 0.1 s.

Seed noise. The input is one row per sampled world and replication (paired
seeds: both designs ran replication ``r`` of a world with the same seed).
Per outcome:

* the index is computed on each world's mean paired difference over its
  replications, so seed noise is averaged down before anything is
  attributed to an input;
* ``seed_share`` says how much of the variance of one paired difference is
  seed noise (the mean within-world variance over the total): the part no
  input can explain;
* ``noise_floor`` is the largest index reached by ``PROBES`` probe columns,
  uniform random numbers drawn independently of everything (inputs that by
  construction drive nothing; Pianosi and Wagener 2018 use such a dummy
  input as the screening threshold, since a KS distance on finite slices is
  above 0 even for an input that does nothing). An input is a driver
  (``above_floor``) when the lower end of its 95% bootstrap interval (over
  worlds) is above the floor.

Typical use::

    table = driver_indices(worlds, inputs=["annual_budget", ...],
                           outcomes=["cost_per_service_month", ...])
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

#: Probe columns behind the noise floor.
PROBES = 5

#: Bootstrap resamples of each index's interval.
RESAMPLES = 100

#: Seed of the probes and of SALib's bootstrap (the table is reproducible).
DRIVERS_SEED = 20261208

#: Fewest worlds for an index (PAWN needs a few worlds in each slice).
MIN_WORLDS = 20

#: Bounds of PAWN's number of conditioning slices (:func:`slides_for`).
MIN_SLIDES, MAX_SLIDES = 5, 15

#: Columns of :func:`driver_indices`' table, in order.
DRIVER_COLUMNS = (
    "outcome",
    "parameter",
    "index",
    "ci_low",
    "ci_high",
    "noise_floor",
    "above_floor",
    "seed_share",
    "worlds",
    "replications",
    "slides",
)

#: Name of the probe columns (no parameter has it).
PROBE = "(random probe {k})"


def seed_share(frame: pd.DataFrame, world: str, outcome: str) -> float:
    """Share of the variance of one paired difference that is seed noise.

    The mean over worlds of the within-world variance (over replications),
    divided by the variance of all rows; NaN with one replication per world.
    """
    values = frame[[world, outcome]].dropna()
    within = values.groupby(world)[outcome].var(ddof=1).dropna()
    total = float(values[outcome].var(ddof=1))
    if within.empty or not total > 0:
        return math.nan
    return float(min(within.mean() / total, 1.0))


def _salib_can_slice(slides: int) -> bool:
    """Whether SALib's PAWN builds ``slides`` slices without a quantile above 1.

    ``SALib.analyze.pawn`` takes its slice edges from ``np.arange(0, 1 + 1/S,
    1/S)``; for some S (6, 9, ...) rounding adds an edge past 1 and
    ``np.nanquantile`` raises. Such S are skipped.
    """
    edges = np.arange(0, 1 + 1 / slides, 1 / slides)
    return len(edges) == slides + 1 and edges[-1] <= 1


def slides_for(worlds: int) -> int:
    """PAWN's conditioning slices for this many worlds: about 15 worlds a slice, 5 to 15.

    The nearest count at or below that which SALib can slice (see
    :func:`_salib_can_slice`).
    """
    wanted = int(min(MAX_SLIDES, max(MIN_SLIDES, worlds // 15)))
    return next(s for s in range(wanted, 1, -1) if _salib_can_slice(s))


def _pawn(x: np.ndarray, y: np.ndarray, slides: int) -> np.ndarray:
    """PAWN median KS index of every column of ``x`` (``SALib.analyze.pawn``)."""
    from SALib.analyze import pawn

    problem = {
        "num_vars": x.shape[1],
        "names": [f"x{i}" for i in range(x.shape[1])],
        "bounds": [[0.0, 1.0]] * x.shape[1],  # not read by PAWN
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an empty slice of a resample
        return np.asarray(pawn.analyze(problem, x, y, S=slides)["median"], dtype=float)


def driver_indices(
    worlds: pd.DataFrame,
    inputs: Sequence[str],
    outcomes: Sequence[str],
    *,
    world: str = "point",
    probes: int = PROBES,
    resamples: int = RESAMPLES,
    seed: int = DRIVERS_SEED,
) -> pd.DataFrame:
    """PAWN indices of the inputs on paired differences, with intervals and a noise floor.

    Args:
        worlds: One row per sampled world and replication: ``world`` (the
            world's id), the ``inputs`` (the sampled values, equal in every
            replication of a world) and one column per outcome holding the
            paired difference (one design minus the other, same seed).
        inputs: The sampled input columns.
        outcomes: The paired-difference columns.
        world: The world id column.
        probes: Probe columns behind the noise floor.
        resamples: Bootstrap resamples (of worlds) behind the intervals.
        seed: Seed of the probes and of the bootstrap.

    Returns:
        Tidy table (:data:`DRIVER_COLUMNS`), one row per outcome and input,
        largest index first within an outcome: ``outcome``, ``parameter``,
        ``index`` (PAWN's median KS distance, 0-1), ``ci_low``, ``ci_high``
        (95% basic bootstrap interval over worlds, clipped to 0-1),
        ``noise_floor`` (the largest index of a probe), ``above_floor``
        (``ci_low`` above the floor),
        ``seed_share`` (see :func:`seed_share`), ``worlds``,
        ``replications`` (per world, the most) and ``slides``. An outcome
        with fewer than ``MIN_WORLDS`` worlds of finite difference, or whose
        difference never varies, gets NaN indices.

    Raises:
        ValueError: If a named column is missing.
    """
    missing = [c for c in (world, *inputs, *outcomes) if c not in worlds.columns]
    if missing:
        raise ValueError(f"driver_indices: missing columns {missing}")
    inputs = list(inputs)
    rows: list[dict] = []
    for outcome in outcomes:
        frame = worlds[[world, *inputs, outcome]].replace([np.inf, -np.inf], np.nan)
        share = seed_share(frame, world, outcome)
        finite = frame.dropna(subset=[outcome])
        means = finite.groupby(world).agg({**{c: "first" for c in inputs}, outcome: "mean"})
        reps = int(finite.groupby(world).size().max()) if len(finite) else 0
        y = means[outcome].to_numpy(float)
        base = {"outcome": outcome, "seed_share": share, "worlds": len(y), "replications": reps}
        if len(y) < MIN_WORLDS or np.ptp(y) == 0:
            rows += [
                {**base, "parameter": p, "index": math.nan, "ci_low": math.nan,
                 "ci_high": math.nan, "noise_floor": math.nan, "above_floor": False,
                 "slides": 0}
                for p in inputs
            ]  # fmt: skip
            continue
        rng = np.random.default_rng(seed)
        x = np.column_stack([means[inputs].to_numpy(float), rng.uniform(size=(len(y), probes))])
        slides = slides_for(len(y))
        index = _pawn(x, y, slides)
        boot = np.array(
            [_pawn(x[i], y[i], slides) for i in rng.integers(0, len(y), (resamples, len(y)))]
        )
        # Resampling worlds with replacement inflates a KS distance (repeated
        # worlds fill the slices less), so the interval is the basic bootstrap
        # one (the estimate minus the resamples' deviations from it), which
        # corrects that shift and compares with the probes' indices on the
        # worlds as sampled.
        q_low, q_high = np.nanquantile(boot, 0.025, axis=0), np.nanquantile(boot, 0.975, axis=0)
        low = np.clip(2 * index - q_high, 0.0, 1.0)
        high = np.clip(2 * index - q_low, 0.0, 1.0)
        floor = float(np.nanmax(index[len(inputs) :])) if probes else 0.0
        for i, name in enumerate(inputs):
            rows.append(
                {
                    **base,
                    "parameter": name,
                    "index": float(index[i]),
                    "ci_low": float(low[i]),
                    "ci_high": float(high[i]),
                    "noise_floor": floor,
                    "above_floor": bool(low[i] > floor),
                    "slides": slides,
                }
            )
    table = pd.DataFrame(rows, columns=list(DRIVER_COLUMNS))
    order = {o: i for i, o in enumerate(outcomes)}
    table = table.assign(_o=table["outcome"].map(order)).sort_values(
        ["_o", "index"], ascending=[True, False], na_position="last"
    )
    return table.drop(columns="_o").reset_index(drop=True)


def paired_worlds(
    runs: Mapping[str, pd.DataFrame],
    reference: str,
    design: str,
    sampled: Sequence[str],
    outcomes: Sequence[str],
) -> pd.DataFrame:
    """The tidy frame :func:`driver_indices` reads, from two designs' runs.

    Args:
        runs: Per design, its runs' final values (``point``, ``replication``,
            the sampled parameters, the outcomes), as in
            ``sim.analysis.discovery.read_runs``.
        reference: The design subtracted.
        design: The design compared with it.
        sampled: The sampled parameters.
        outcomes: The outcomes.

    Returns:
        One row per point and replication both designs ran: ``point``,
        ``replication``, the sampled values, and per outcome ``design -
        reference`` (same seed).
    """
    keys = ["point", "replication"]
    base = runs[reference].set_index(keys)
    other = runs[design].set_index(keys)
    common = base.index.intersection(other.index)
    frame = base.loc[common, list(sampled)].copy()
    for outcome in outcomes:
        frame[outcome] = other.loc[common, outcome] - base.loc[common, outcome]
    return frame.reset_index()


def top_drivers(table: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """The ``n`` largest indices per outcome among the drivers above the floor."""
    above = table[table["above_floor"].astype(bool)]
    return above.groupby("outcome", sort=False).head(n).reset_index(drop=True)
