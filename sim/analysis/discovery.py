"""Scenario discovery: where a design does worse than the reference, and why.

From the sweep folders of a discovery (one per design, same points and
seeds) this module computes, per sampled point, the paired difference of
each design from the reference on each judged outcome and whether the design
is *worse* there (the mean paired difference lies on the outcome's bad
side), then describes the points where it is worse with the scenario
discovery tools of EMA Workbench (Kwakkel 2017; Bryant and Lempert 2010):

* PRIM (peeling and pasting; ``ema_workbench.analysis.prim``): boxes of the
  sampled parameters with their coverage (share of all worse points inside),
  density (share of points inside that are worse), mass (share of points
  inside) and the quasi p-value of each restriction (a one-sided binomial
  test of whether the restriction raises density; Bryant and Lempert 2010).
  Along a box's peeling trajectory the box kept is the one of highest
  coverage whose density is at least ``min_density``; where no step reaches
  it, the densest, flagged ``meets_min_density`` False. Restrictions of the
  kept box whose quasi p-value is above ``QP_MAX`` (0.05) are then dropped,
  most doubtful first, so that a box names only the conditions that matter;
  a box none of whose restrictions is clear of chance ends the search.
  Where no box is kept, :func:`prim_search` says why (the design is worse at
  every point or at none; or the worse points have no region: the densest
  box on the first peeling trajectory, its density against ``min_density``,
  and whether any of its restrictions was clear of chance), and
  ``DiscoveryAnalysis.summary`` gives the share of worse points with its 95%
  Wilson interval over the sampled points.
* CART (``ema_workbench.analysis.cart``, scikit-learn's decision tree,
  seeded): the leaves where the design is worse, and the whole tree as text
  (``sklearn.tree.export_text``).
* Feature scores (extra trees, ``feature_scoring.get_ex_feature_scores``):
  which sampled parameters separate worse from not, with a noise floor: the
  scores are the mean of ``NOISE_REPEATS`` fits, each with one added column
  of uniform random numbers (a probe unrelated to any outcome); the floor is
  the largest score the probe got in them, and a parameter scoring below it
  separates worse from not no better than noise (the "random probe" or
  "shadow feature" test; Stoppiglia et al. 2003, Kursa and Rudnicki 2010).
* Regime maps: the share of points where the design is worse over the bins
  of two parameters (the highest-scoring pairs).
* Drivers (``sim.analysis.drivers``): PAWN moment-independent indices of
  every sampled parameter on the paired differences themselves (not only on
  worse or not), with bootstrap intervals and a noise floor from random
  probe columns.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import logging
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)  # the optional ipyparallel evaluator
    from ema_workbench.analysis import cart, feature_scoring, prim
    from ema_workbench.analysis.scenario_discovery_util import RuleInductionType

from sim.analysis.drivers import DRIVER_COLUMNS, driver_indices, paired_worlds
from sim.experiments.discovery.files import WORSE

#: Largest quasi p-value of a restriction kept in a PRIM box.
QP_MAX = 0.05

#: Bins per parameter of a regime map.
REGIME_BINS = 5

#: Seed of the extra-trees feature scoring (scores are reproducible).
SCORING_SEED = 20261205

#: Seed of CART's decision tree: scikit-learn permutes the features at every
#: split and breaks ties between equally good splits by that order, so an
#: unseeded tree can give other leaves from the same runs.
CART_SEED = 20261205

#: Extra-trees fits (each with its own random probe column) behind the feature
#: scores and their noise floor; ten gives a floor near the probe's 90th-95th
#: percentile at a fraction of a second per fit for a few hundred points.
NOISE_REPEATS = 10

#: Name of the random probe column of :func:`feature_scores` (no parameter has it).
PROBE = "(random probe)"

#: Why PRIM kept no box, by code (``DiscoveryAnalysis.summary["prim"]``).
PRIM_RESULTS = (
    "boxes",  # at least one box at or above min_density
    "weak_boxes",  # boxes kept, none reaching min_density (the densest step of each)
    "no_region",  # worse points, but no box whose restrictions are clear of chance
    "worse_nowhere",
    "worse_everywhere",
)


@dataclass(frozen=True)
class DiscoveryAnalysis:
    """Everything a discovery found.

    Attributes:
        points: One row per point, design (other than the reference) and judged
            outcome: the sampled values, ``mean_difference`` (design minus
            reference), its 95% t interval over replications, ``worse``.
        boxes: PRIM boxes, one row per box and restricted parameter (limits,
            quasi p-values) with the box's coverage, density, mass, points.
        trajectories: Every step of every PRIM box's peeling trajectory
            (coverage, density, mass, restricted dimensions, kept).
        cart: CART leaves where the design is worse, one row per leaf and
            restricted parameter.
        scores: Feature scores per design, outcome and parameter, with
            ``noise_floor`` and ``above_floor`` (see :func:`feature_scores`).
        regimes: Share of worse points per bin pair of the top parameters.
        sampled: The sampled parameters.
        ranges: Their sampled ranges.
        reference: The reference design.
        summary: One row per design and outcome: ``points``, ``worse_points``,
            ``share_worse`` with its 95% Wilson interval over the sampled points
            (``share_low``, ``share_high``), ``prim`` (one of
            :data:`PRIM_RESULTS`), ``boxes`` kept, ``best_density`` and
            ``best_mass`` (the densest step of the first peeling trajectory),
            ``min_density``.
        cart_trees: Per ``(design, outcome)``, the CART tree as text.
        drivers: Global sensitivity of the paired differences
            (``sim.analysis.drivers.driver_indices``: PAWN indices of every
            sampled parameter with 95% intervals and the probe noise floor),
            with a ``design`` column; one row per design, outcome and parameter.
    """

    points: pd.DataFrame
    boxes: pd.DataFrame
    trajectories: pd.DataFrame
    cart: pd.DataFrame
    scores: pd.DataFrame
    regimes: pd.DataFrame
    sampled: tuple[str, ...]
    ranges: dict[str, tuple[float, float]]
    reference: str
    summary: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    cart_trees: dict[tuple[str, str], str] = dataclasses.field(default_factory=dict)
    drivers: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)


def paired_points(
    runs: Mapping[str, pd.DataFrame],
    designs: Sequence[str],
    sampled: Sequence[str],
    outcomes: Sequence[str],
) -> pd.DataFrame:
    """Per point, design and outcome: the paired difference from the reference.

    Args:
        runs: Per design, its sweep's final values (``runs.csv``: ``point``,
            ``replication``, the sampled parameters, the outcomes).
        designs: The designs, the reference first.
        sampled: The sampled parameters.
        outcomes: Outcomes judged.

    Returns:
        Tidy frame: ``design``, ``outcome``, ``point``, the sampled values,
        ``replications``, ``mean_difference``, ``ci_low``, ``ci_high``,
        ``reference_mean``, ``design_mean``, ``worse`` (mean difference on the
        bad side) and ``clearly_worse`` (the whole interval on it).
    """
    reference = designs[0]
    keys = ["point", "replication"]
    base = runs[reference].set_index(keys)
    frames = []
    for design in designs[1:]:
        other = runs[design].set_index(keys)
        common = base.index.intersection(other.index)
        values = base.loc[common, list(sampled)].groupby(level="point").first()
        for outcome in outcomes:
            diff = (other.loc[common, outcome] - base.loc[common, outcome]).groupby(level="point")
            n = diff.count()
            mean, sd = diff.mean(), diff.std(ddof=1)
            half = stats.t.ppf(0.975, np.maximum(n - 1, 1)) * sd / np.sqrt(n)
            bad = 1.0 if WORSE[outcome] == "higher" else -1.0
            frame = values.copy()
            frame.insert(0, "outcome", outcome)
            frame.insert(0, "design", design)
            frame["replications"] = n
            frame["reference_mean"] = base.loc[common, outcome].groupby(level="point").mean()
            frame["design_mean"] = other.loc[common, outcome].groupby(level="point").mean()
            frame["mean_difference"] = mean
            frame["ci_low"], frame["ci_high"] = mean - half, mean + half
            frame["worse"] = bad * mean > 0
            frame["clearly_worse"] = np.where(bad > 0, mean - half > 0, mean + half < 0)
            frames.append(frame.reset_index())
    return pd.concat(frames, ignore_index=True)


def _quiet() -> contextlib.AbstractContextManager:
    """Silence EMA Workbench's prints and log lines while it works."""
    stack = contextlib.ExitStack()
    stack.enter_context(contextlib.redirect_stdout(io.StringIO()))
    stack.enter_context(warnings.catch_warnings())
    warnings.simplefilter("ignore")
    logging.getLogger("EMA").setLevel(logging.ERROR)
    return stack


def _kept_step(trajectory: pd.DataFrame, min_density: float) -> int:
    """The step of highest coverage with density >= ``min_density`` (else the densest)."""
    dense = trajectory[trajectory["density"] >= min_density]
    if len(dense):
        return int(dense["coverage"].idxmax())
    return int(trajectory["density"].idxmax())


@dataclass(frozen=True)
class PrimResult:
    """What PRIM found for one design and outcome.

    Attributes:
        boxes: As :func:`prim_search` returns.
        trajectories: As :func:`prim_search` returns.
        result: One of :data:`PRIM_RESULTS`.
        best_density: Density of the densest step of the first peeling
            trajectory (NaN when PRIM did not run: worse everywhere or nowhere).
        best_mass: That step's mass.
    """

    boxes: pd.DataFrame
    trajectories: pd.DataFrame
    result: str
    best_density: float = math.nan
    best_mass: float = math.nan


def prim_search(
    x: pd.DataFrame,
    worse: np.ndarray,
    min_density: float,
    max_boxes: int,
    ranges: Mapping[str, tuple[float, float]] | None = None,
) -> PrimResult:
    """PRIM boxes of the worse points, and why there are none when there are none.

    Args:
        x: Sampled values, one row per point.
        worse: Whether the design is worse at each point.
        min_density: Density required of the box kept on a trajectory.
        max_boxes: Boxes sought (PRIM stops earlier when no box is left, or
            when the next box would restrict nothing).
        ranges: Sampled range of each parameter: a side PRIM did not restrict
            (no quasi p-value) is shown as the range's end, not as the
            smallest or largest sampled value, so that it does not read as a
            restriction.

    Returns:
        The boxes, one row per box and restricted parameter (``box``,
        ``coverage``, ``density``, ``mass``, ``n_points``,
        ``meets_min_density``, ``parameter``, ``low``, ``high``, ``qp_low``,
        ``qp_high``), every trajectory step, the result code and the densest
        step of the first trajectory.
    """
    worse = np.asarray(worse, dtype=bool)
    if not worse.any():
        return PrimResult(pd.DataFrame(), pd.DataFrame(), "worse_nowhere")
    if worse.all():
        return PrimResult(pd.DataFrame(), pd.DataFrame(), "worse_everywhere")
    boxes, trajectories = [], []
    best_density = best_mass = math.nan
    with _quiet():
        finder = prim.Prim(x.reset_index(drop=True), worse)
        for number in range(1, max_boxes + 1):
            box = finder.find_box()
            if box is None or box.peeling_trajectory["coverage"].max() <= 0:
                break  # no worse point left outside the earlier boxes
            if number == 1:
                peeled = box.peeling_trajectory.reset_index(drop=True)
                densest = int(peeled["density"].idxmax())
                best_density = float(peeled.loc[densest, "density"])
                best_mass = float(peeled.loc[densest, "mass"])
            step = _kept_step(box.peeling_trajectory.reset_index(drop=True), min_density)
            box.select(step)
            step = _prune(box, step)
            if step < 0:
                break  # what is left of the worse points has no box clear of chance
            trajectory = box.peeling_trajectory.reset_index(drop=True)
            stats_row, limits = box.inspect(step, style="data")[0]
            if limits.empty:
                break  # a box that restricts nothing says nothing
            trajectories.append(
                trajectory[["coverage", "density", "mass", "res_dim"]].assign(
                    box=number, step=range(len(trajectory)), kept=lambda t, s=step: t.step == s
                )
            )
            head = {
                "box": number,
                "coverage": float(stats_row["coverage"]),
                "density": float(stats_row["density"]),
                "mass": float(stats_row["mass"]),
                "n_points": int(round(float(stats_row["mass"]) * len(x))),
                "meets_min_density": bool(float(stats_row["density"]) >= min_density),
            }
            for parameter, row in limits.iterrows():
                low, high, qp_low, qp_high = (row.iloc[i] for i in range(4))
                if ranges and parameter in ranges:
                    low = ranges[parameter][0] if math.isnan(_float(qp_low)) else low
                    high = ranges[parameter][1] if math.isnan(_float(qp_high)) else high
                boxes.append(
                    {
                        **head,
                        "parameter": parameter,
                        "low": float(low),
                        "high": float(high),
                        "qp_low": _float(qp_low),
                        "qp_high": _float(qp_high),
                    }
                )
            if box.coverage >= 0.999:
                break
    if not trajectories:
        return PrimResult(pd.DataFrame(), pd.DataFrame(), "no_region", best_density, best_mass)
    frame = pd.DataFrame(boxes)
    result = "boxes" if frame["meets_min_density"].any() else "weak_boxes"
    return PrimResult(
        frame, pd.concat(trajectories, ignore_index=True), result, best_density, best_mass
    )


#: Columns of the tables below when they have no rows (no box, no leaf).
BOX_COLUMNS = ("box", "coverage", "density", "mass", "n_points", "meets_min_density",
               "parameter", "low", "high", "qp_low", "qp_high")  # fmt: skip
TRAJECTORY_COLUMNS = ("coverage", "density", "mass", "res_dim", "box", "step", "kept")
CART_COLUMNS = ("leaf", "coverage", "density", "mass", "parameter", "low", "high")


def share_interval(worse: int, points: int) -> tuple[float, float]:
    """95% Wilson interval of a share of sampled points (``scipy.stats.binomtest``).

    The share is of the sampled space: the interval says how well the sampled
    points pin down the share of the plausible space where the design is
    worse, not a probability that the real world is such a point.
    """
    if points <= 0:
        return math.nan, math.nan
    ci = stats.binomtest(int(worse), int(points)).proportion_ci(method="wilson")
    return float(ci.low), float(ci.high)


def _prune(box: Any, step: int) -> int:
    """Drop the restrictions of the chosen box that do not raise its density.

    A restriction whose quasi p-value (on both sides) is above
    ``QP_MAX`` is not distinguishable from chance and makes the box harder to
    read (Bryant and Lempert 2010); each is dropped in turn, most doubtful
    first (``PrimBox.drop_restriction`` appends the wider box to the
    trajectory). Returns the step of the pruned box, or -1 when no
    restriction is clear of chance.
    """
    while True:
        _, limits = box.inspect(step, style="data")[0]
        doubtful = {}
        for parameter, row in limits.iterrows():
            values = [v for v in (_float(row.iloc[2]), _float(row.iloc[3])) if not math.isnan(v)]
            if values and min(values) > QP_MAX:
                doubtful[parameter] = min(values)
        if not doubtful:
            return step
        if len(doubtful) == len(limits):
            return -1  # no restriction is clear of chance: the box says nothing
        box.drop_restriction(max(doubtful, key=doubtful.get), step)
        step = len(box.peeling_trajectory) - 1


def _float(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return math.nan
    return number


def cart_leaves(
    x: pd.DataFrame,
    worse: np.ndarray,
    min_density: float,
    ranges: Mapping[str, tuple[float, float]] | None = None,
) -> pd.DataFrame:
    """CART leaves where the design is worse (density >= ``min_density``).

    An unrestricted side of a leaf is shown as the end of the sampled range
    (``ranges``), not as the extreme sampled value.
    """
    worse = np.asarray(worse, dtype=bool)
    if worse.all() or not worse.any():
        return pd.DataFrame()
    with _quiet():
        # At least one point per leaf (CART turns mass_min into a whole leaf size).
        tree = cart.CART(x.reset_index(drop=True), worse, mass_min=max(0.05, 1.0 / len(x)))
        _build_seeded_tree(tree)
        leaf_stats = tree.stats
        leaf_boxes = tree.boxes
    rows = []
    number = 0
    for leaf_stat, limits in zip(leaf_stats, leaf_boxes, strict=True):
        if leaf_stat["density"] < min_density:
            continue
        number += 1
        head = {
            "leaf": number,
            "coverage": float(leaf_stat["coverage"]),
            "density": float(leaf_stat["density"]),
            "mass": float(leaf_stat["mass"]),
        }
        restricted = [
            c
            for c in limits.columns
            if limits[c].iloc[0] > x[c].min() or limits[c].iloc[1] < x[c].max()
        ]
        for parameter in restricted or ["(none)"]:
            extra = {}
            if parameter != "(none)":
                low, high = float(limits[parameter].iloc[0]), float(limits[parameter].iloc[1])
                if ranges and parameter in ranges:
                    low = ranges[parameter][0] if low <= x[parameter].min() else low
                    high = ranges[parameter][1] if high >= x[parameter].max() else high
                extra = {"low": low, "high": high}
            rows.append({**head, "parameter": parameter, **extra})
    return pd.DataFrame(rows)


def _build_seeded_tree(tree: Any) -> None:
    """``tree.build_tree()`` with a seeded classifier.

    EMA Workbench's ``CART.build_tree`` makes a ``DecisionTreeClassifier``
    without ``random_state``; this makes the same classifier (same minimum
    leaf size, from ``mass_min``) with :data:`CART_SEED`, so ``cart.csv`` is
    the same in every analysis of the same runs.
    """
    from sklearn.tree import DecisionTreeClassifier

    min_samples = int(tree.mass_min * tree.x.shape[0])
    tree.clf = DecisionTreeClassifier(min_samples_leaf=min_samples, random_state=CART_SEED)
    tree.clf.fit(tree._x, tree.y)  # noqa: SLF001 (CART's encoded inputs, as build_tree uses)


def feature_scores(
    x: pd.DataFrame, worse: np.ndarray, repeats: int = NOISE_REPEATS
) -> pd.DataFrame:
    """Extra-trees feature scores for separating worse points, with their noise floor.

    Each of ``repeats`` fits (``feature_scoring.get_ex_feature_scores``,
    seeded ``SCORING_SEED + r``) sees the sampled parameters plus one column
    of uniform random numbers drawn afresh (a probe that by construction
    tells nothing about the outcome). A parameter's score is its mean over
    the fits; the noise floor is the largest score the probe reached in any
    of them. A parameter below the floor does no better than noise at
    separating worse points from the others.

    Returns:
        Indexed by parameter, highest score first: ``score``, ``noise_floor``
        (the same in every row), ``above_floor``. All zero (and nothing above
        the floor) when the design is worse everywhere or nowhere.
    """
    worse = np.asarray(worse, dtype=int)
    if worse.min() == worse.max():
        frame = pd.DataFrame({"score": 0.0, "noise_floor": 0.0, "above_floor": False}, x.columns)
        return frame.rename_axis("parameter")
    rng = np.random.default_rng(SCORING_SEED)
    runs, probes = [], []
    data = x.reset_index(drop=True)
    with _quiet():
        for r in range(repeats):
            probed = data.assign(**{PROBE: rng.uniform(size=len(data))})
            scores, _ = feature_scoring.get_ex_feature_scores(
                probed,
                worse,
                mode=RuleInductionType.CLASSIFICATION,
                random_state=SCORING_SEED + r,
            )
            column = scores.iloc[:, 0]
            probes.append(float(column[PROBE]))
            runs.append(column.drop(PROBE))
    score = pd.concat(runs, axis=1).mean(axis=1).sort_values(ascending=False)
    floor = max(probes)
    frame = pd.DataFrame({"score": score, "noise_floor": floor, "above_floor": score > floor})
    return frame.rename_axis("parameter")


def cart_tree(x: pd.DataFrame, worse: np.ndarray) -> str:
    """The seeded CART tree of :func:`cart_leaves` as text (``sklearn.tree.export_text``).

    Each leaf shows its class (``worse`` or ``not worse``) and its points of
    each class (``weights: [not worse, worse]``). Empty when the design is
    worse everywhere or nowhere.
    """
    from sklearn.tree import export_text

    worse = np.asarray(worse, dtype=bool)
    if worse.all() or not worse.any():
        return ""
    with _quiet():
        tree = cart.CART(x.reset_index(drop=True), worse, mass_min=max(0.05, 1.0 / len(x)))
        _build_seeded_tree(tree)
    names = ["worse" if c else "not worse" for c in tree.clf.classes_]
    return export_text(
        tree.clf,
        feature_names=list(tree.feature_names),
        class_names=names,
        show_weights=True,
        decimals=3,
        max_depth=12,
    )


def regime_grid(
    x: pd.DataFrame,
    worse: np.ndarray,
    first: str,
    second: str,
    ranges: Mapping[str, tuple[float, float]],
    bins: int = REGIME_BINS,
) -> pd.DataFrame:
    """Share of worse points over equal-width bins of two sampled parameters.

    Returns:
        One row per cell: ``x_parameter``, ``y_parameter``, ``x_low``,
        ``x_high``, ``y_low``, ``y_high``, ``points``, ``share_worse`` (NaN for
        an empty cell).
    """
    edges = {}
    for name in (first, second):
        low, high = ranges[name]
        edges[name] = np.linspace(float(low), float(high), bins + 1)
    xi = np.clip(np.digitize(x[first], edges[first][1:-1]), 0, bins - 1)
    yi = np.clip(np.digitize(x[second], edges[second][1:-1]), 0, bins - 1)
    frame = pd.DataFrame({"xi": xi, "yi": yi, "worse": np.asarray(worse, dtype=float)})
    cells = frame.groupby(["xi", "yi"])["worse"].agg(["count", "mean"])
    rows = []
    for i in range(bins):
        for j in range(bins):
            count, share = (
                (int(cells.loc[(i, j), "count"]), float(cells.loc[(i, j), "mean"]))
                if (i, j) in cells.index
                else (0, math.nan)
            )
            rows.append(
                {
                    "x_parameter": first,
                    "y_parameter": second,
                    "x_low": edges[first][i],
                    "x_high": edges[first][i + 1],
                    "y_low": edges[second][j],
                    "y_high": edges[second][j + 1],
                    "points": count,
                    "share_worse": share,
                }
            )
    return pd.DataFrame(rows)


def analyze(
    runs: Mapping[str, pd.DataFrame],
    designs: Sequence[str],
    sampled: Sequence[str],
    ranges: Mapping[str, tuple[float, float]],
    outcomes: Sequence[str],
    min_density: float = 0.8,
    max_boxes: int = 3,
    regime_pairs: int = 3,
) -> DiscoveryAnalysis:
    """Run the whole scenario discovery on the final values of the runs.

    Args:
        runs: Per design, its runs (final values), as in :func:`paired_points`.
        designs: The designs, the reference first.
        sampled: The sampled parameters.
        ranges: Their sampled ranges (for the regime maps' bins).
        outcomes: Outcomes judged.
        min_density: PRIM box choice (see :func:`prim_search`).
        max_boxes: PRIM boxes per design and outcome.
        regime_pairs: Regime maps per design and outcome (pairs of the top
            three parameters by feature score).

    Returns:
        The analysis.
    """
    points = paired_points(runs, designs, sampled, outcomes)
    boxes, trajectories, leaves, scores, regimes, summary = [], [], [], [], [], []
    trees: dict[tuple[str, str], str] = {}
    for (design, outcome), group in points.groupby(["design", "outcome"], sort=False):
        # As floats: EMA Workbench's PRIM pastes fractional limits into integer columns,
        # which pandas refuses (e.g. n_departments 59.5).
        x = group[list(sampled)].reset_index(drop=True).astype(float)
        worse = group["worse"].to_numpy()
        tag = {"design": design, "outcome": outcome}
        found = prim_search(x, worse, min_density, max_boxes, ranges)
        if len(found.boxes):
            boxes.append(found.boxes.assign(**tag))
            trajectories.append(found.trajectories.assign(**tag))
        low, high = share_interval(int(worse.sum()), len(worse))
        summary.append(
            {
                **tag,
                "points": len(worse),
                "worse_points": int(worse.sum()),
                "share_worse": float(worse.mean()),
                "share_low": low,
                "share_high": high,
                "prim": found.result,
                "boxes": int(found.boxes["box"].nunique()) if len(found.boxes) else 0,
                "best_density": found.best_density,
                "best_mass": found.best_mass,
                "min_density": float(min_density),
            }
        )
        leaf = cart_leaves(x, worse, min_density, ranges)
        if len(leaf):
            leaves.append(leaf.assign(**tag))
        trees[(design, outcome)] = cart_tree(x, worse)
        score = feature_scores(x, worse)
        scores.append(score.reset_index().assign(**tag))
        if found.result in ("worse_nowhere", "worse_everywhere"):
            continue  # a map of all 0% or all 100% shows nothing
        top = [p for p in score.index[:3]]
        pairs = [(a, b) for i, a in enumerate(top) for b in top[i + 1 :]][:regime_pairs]
        for first, second in pairs:
            regimes.append(regime_grid(x, worse, first, second, ranges).assign(**tag))

    def stack(frames: list[pd.DataFrame], columns: tuple[str, ...] = ()) -> pd.DataFrame:
        # An empty table keeps its header, so that readers of the CSV files
        # (pandas, the notebooks) get the columns and no rows, not an error.
        if not frames:
            return pd.DataFrame(columns=["design", "outcome", *columns])
        frame = pd.concat(frames, ignore_index=True)
        front = ["design", "outcome"]
        return frame[front + [c for c in frame.columns if c not in front]]

    drivers = [
        driver_indices(
            paired_worlds(runs, designs[0], design, sampled, outcomes), sampled, outcomes
        ).assign(design=design)
        for design in designs[1:]
    ]
    return DiscoveryAnalysis(
        points=points,
        boxes=stack(boxes, BOX_COLUMNS),
        trajectories=stack(trajectories, TRAJECTORY_COLUMNS),
        cart=stack(leaves, CART_COLUMNS),
        scores=stack(scores),
        regimes=stack(regimes),
        sampled=tuple(sampled),
        ranges={k: (float(v[0]), float(v[1])) for k, v in ranges.items()},
        reference=designs[0],
        summary=pd.DataFrame(summary),
        cart_trees=trees,
        drivers=stack(drivers, DRIVER_COLUMNS[1:]),
    )


def read_runs(folders: Mapping[str, Path]) -> dict[str, pd.DataFrame]:
    """Each design's ``runs.csv`` (written by ``summarize_sweep``).

    Each is read only if it is a regular file inside its folder, of a size
    that fits in memory (``sim.experiments.inputs.folder_reads``).
    """
    from sim.experiments.inputs.folder_reads import open_folder_file, table_limit

    runs = {}
    for design, folder in folders.items():
        with open_folder_file(folder / "runs.csv", table_limit(), folder) as handle:
            runs[design] = pd.read_csv(handle)
    return runs


def analyze_folders(discovery: Any, folders: Mapping[str, Path]) -> DiscoveryAnalysis:
    """Analyse the summarized sweep folders of a discovery file's designs.

    Args:
        discovery: The discovery (``sim.experiments.discovery.files.Discovery``).
        folders: Each design's sweep folder, summarized (``runs.csv`` written).

    Returns:
        The analysis of :func:`analyze` over the ranges of the sampled parameters.
    """
    first = discovery.sweeps[discovery.designs[0]]
    ranges = {p.name: (p.low, p.high) for p in first.swept}
    return analyze(
        read_runs(folders),
        discovery.designs,
        discovery.parameter_names,
        ranges,
        discovery.outcomes,
        min_density=discovery.min_density,
        max_boxes=discovery.boxes,
    )
