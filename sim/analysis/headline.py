"""The headline: in how many plausible worlds is the centralized design better?

The main report states, beside the comparison at the defaults, the share of
sampled worlds (points of the whole declared space, ``sim.experiments.space``)
where the centralized design is better on each bottom-line outcome, with its
95% Wilson interval over the worlds, overall and by government size (a small,
a middle and a large band of ``n_departments``, the thirds of its declared
plausible range). A world counts as *better* when the mean paired difference
over its replications lies on the outcome's good side (lower cost per service
month or months to service, higher coverage), as ``run.py discover`` counts
*worse* on the bad side.

Such a share is a share of the sampled space, not a probability of the world:
it says how much of the space spanned by the plausible ranges (each sampled
uniformly) favours the design, and it moves when the ranges move.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from sim.experiments.discovery.files import WORSE
from sim.model.parameters import SPECS

#: The outcomes of the headline, in the order of its sentence.
HEADLINE: tuple[str, ...] = (
    "cost_per_service_month",
    "capability_coverage",
    "mean_months_to_service",
)

#: The parameter whose plausible range is cut into the size bands.
SIZE = "n_departments"

#: Names of the bands, smallest first.
BAND_NAMES: tuple[str, ...] = ("small", "middle", "large")

#: Drivers listed per outcome.
TOP_DRIVERS = 5

#: What a share means; the report prints it under the headline.
MEANING = (
    "A share here is a share of sampled worlds: of the points drawn uniformly from the "
    "declared plausible ranges, the fraction where the mean paired difference favours the "
    "centralized design. It is not a probability that the real world favours it: it depends "
    "on the ranges (widen one and the share moves), and the interval says only how well the "
    "sampled worlds pin the share of that space down."
)


def share_interval(count: int, total: int) -> tuple[float, float]:
    """95% Wilson interval of a share of sampled worlds (``scipy.stats.binomtest``).

    The same interval as ``sim.analysis.discovery.share_interval``, here
    without importing EMA Workbench (the main job runs in a core install).
    """
    from scipy import stats

    if total <= 0:
        return float("nan"), float("nan")
    ci = stats.binomtest(int(count), int(total)).proportion_ci(method="wilson")
    return float(ci.low), float(ci.high)


def size_bands(name: str = SIZE) -> list[tuple[str, int, int]]:
    """Three bands of whole numbers over the declared plausible range of ``name``.

    Returns:
        ``[(band, low, high), ...]``, each inclusive, splitting the range
        into thirds (the last band takes the remainder).
    """
    low, high = (int(v) for v in SPECS[name].plausible_range)
    width = (high - low + 1) / 3
    cuts = [low + round(width * i) for i in range(4)]
    cuts[-1] = high + 1
    return [(BAND_NAMES[i], cuts[i], cuts[i + 1] - 1) for i in range(3)]


def _better(group: pd.DataFrame, outcome: str) -> np.ndarray:
    good = -1.0 if WORSE[outcome] == "higher" else 1.0
    return (good * group["mean_difference"].to_numpy(dtype=float)) > 0


def space_shares(
    points: pd.DataFrame, design: str, outcomes: Sequence[str] = HEADLINE
) -> pd.DataFrame:
    """Share of sampled worlds where ``design`` is better (and worse), overall and by size band.

    Args:
        points: ``sim.analysis.discovery.paired_points`` (``design``,
            ``outcome``, ``point``, the sampled values, ``mean_difference``, ``worse``).
        design: The design compared with the reference.
        outcomes: Outcomes of the headline.

    Returns:
        One row per band (``all`` first) and outcome: ``band``, ``band_low``,
        ``band_high`` (of ``n_departments``; NaN for ``all``), ``outcome``,
        ``worlds``, ``better``, ``share_better`` with ``better_low`` and
        ``better_high`` (95% Wilson), and the same for ``worse``. Bands are
        left out when ``n_departments`` was not sampled.
    """
    rows = []
    mine = points[points["design"] == design]
    bands: list[tuple[str, float, float]] = [("all", np.nan, np.nan)]
    if SIZE in mine.columns:
        bands += [(b, float(lo), float(hi)) for b, lo, hi in size_bands()]
    for band, lo, hi in bands:
        for outcome in outcomes:
            group = mine[mine["outcome"] == outcome]
            if band != "all":
                size = group[SIZE].round()
                group = group[(size >= lo) & (size <= hi)]
            n = len(group)
            better = int(_better(group, outcome).sum()) if n else 0
            worse = int(group["worse"].astype(bool).sum()) if n else 0
            b_low, b_high = share_interval(better, n)
            w_low, w_high = share_interval(worse, n)
            rows.append(
                {
                    "band": band,
                    "band_low": lo,
                    "band_high": hi,
                    "outcome": outcome,
                    "worlds": n,
                    "better": better,
                    "share_better": better / n if n else np.nan,
                    "better_low": b_low,
                    "better_high": b_high,
                    "worse": worse,
                    "share_worse": worse / n if n else np.nan,
                    "worse_low": w_low,
                    "worse_high": w_high,
                }
            )
    return pd.DataFrame(rows)


def defaults_verdicts(
    paired: pd.DataFrame, design: str, outcomes: Sequence[str] = HEADLINE
) -> pd.DataFrame:
    """At the defaults: the paired difference of ``design`` with its CI, and a verdict.

    Args:
        paired: ``paired_differences.csv`` of the comparison (``scenario``,
            ``outcome``, ``mean_difference``, ``ci_low``, ``ci_high``).
        design: The design compared with the baseline.
        outcomes: Outcomes of the headline.

    Returns:
        One row per outcome: ``outcome``, ``mean_difference``, ``ci_low``,
        ``ci_high``, ``verdict`` (``better``, ``worse`` or ``unclear``: the
        whole 95% CI on one side, or not).
    """
    rows = []
    mine = paired[paired["scenario"] == design].set_index("outcome")
    for outcome in outcomes:
        if outcome not in mine.index:
            continue
        d = mine.loc[outcome]
        low, high = float(d["ci_low"]), float(d["ci_high"])
        bad_high = WORSE[outcome] == "higher"
        worse = low > 0 if bad_high else high < 0
        better = high < 0 if bad_high else low > 0
        rows.append(
            {
                "outcome": outcome,
                "mean_difference": float(d["mean_difference"]),
                "ci_low": low,
                "ci_high": high,
                "verdict": "better" if better else "worse" if worse else "unclear",
            }
        )
    return pd.DataFrame(rows)


def drivers(
    scores: pd.DataFrame | None,
    design: str,
    outcomes: Sequence[str] = HEADLINE,
    top: int = TOP_DRIVERS,
    sensitivity: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The parameters that most drive the paired difference of ``design``, per outcome.

    The drivers are the global sensitivity of the paired differences
    (``drivers.csv`` of a discovery, :func:`sim.analysis.drivers.driver_indices`:
    PAWN indices with bootstrap intervals over worlds) whose whole interval
    lies above the noise floor of random probe columns. A discovery folder
    made before that analysis existed has none; then the drivers are the
    extra-trees feature scores above their noise floor
    (``sim.analysis.discovery.feature_scores``), and ``method`` says so.

    Args:
        scores: ``feature_scores.csv`` of a discovery (the fallback).
        design: The design compared with the reference.
        outcomes: Outcomes of the headline.
        top: Drivers kept per outcome.
        sensitivity: ``drivers.csv`` of a discovery, or None.

    Returns:
        ``outcome``, ``parameter``, ``score``, ``ci_low``, ``ci_high``,
        ``noise_floor``, ``above_floor``, ``method`` (intervals empty for
        feature scores): per outcome the parameters above the floor, largest
        first, or, when none is, the ``top`` largest (``above_floor`` False),
        so that a reader sees how far below the floor the leaders are.
    """
    columns = [
        "outcome", "parameter", "score", "ci_low", "ci_high", "noise_floor", "above_floor",
        "method",
    ]  # fmt: skip

    def above(frame: pd.DataFrame) -> pd.DataFrame:
        flags = frame["above_floor"].astype(str).str.lower().isin(("true", "1"))
        frame = frame.assign(above_floor=flags)
        # per outcome: those above the floor, or all of them when none is
        some = frame.groupby("outcome")["above_floor"].transform("any")
        return frame[frame["above_floor"] | ~some]

    if sensitivity is not None and len(sensitivity) and "index" in sensitivity:
        mine = sensitivity[sensitivity["outcome"].isin(outcomes)]
        if "design" in mine:
            mine = mine[mine["design"] == design]
        kept = above(mine.dropna(subset=["index"])).rename(columns={"index": "score"})
        kept = kept.sort_values(["outcome", "score"], ascending=[True, False])
        kept = kept.groupby("outcome", sort=False).head(top)
        kept = kept.assign(
            method="PAWN index of the paired difference [95% bootstrap CI over worlds], whole "
            "interval above the floor of random probe columns"
        )
        return kept[columns].reset_index(drop=True)
    if scores is None or not len(scores):
        return pd.DataFrame(columns=columns)
    mine = scores[(scores["design"] == design) & scores["outcome"].isin(outcomes)]
    kept = above(mine).sort_values(["outcome", "score"], ascending=[True, False])
    kept = kept.groupby("outcome", sort=False).head(top)
    kept = kept.assign(
        method="extra-trees feature score above its noise floor", ci_low=None, ci_high=None
    )
    return kept[columns].reset_index(drop=True)


def headline_text(
    shares: pd.DataFrame, band: str = "all", lang: str = "en", design: str = "centralized"
) -> str:
    """The headline sentence of one band, e.g. "centralized better on cost ... in 41% [...]"."""
    rows = shares[shares["band"] == band].set_index("outcome")
    parts = []
    for outcome, label in zip(HEADLINE, _LABELS[lang], strict=True):
        if outcome not in rows.index or not rows.loc[outcome, "worlds"]:
            continue
        r = rows.loc[outcome]
        parts.append(
            f"{label} {r['share_better']:.0%} [{r['better_low']:.0%}–{r['better_high']:.0%}]"
            if lang == "en"
            else f"{label}{r['share_better']:.0%}［{r['better_low']:.0%}–{r['better_high']:.0%}］"
        )
    if not parts:
        return ""
    worlds = int(rows["worlds"].max())
    if lang == "zh":
        return f"在 {worlds} 个抽样世界中，{design} 更优的比例（95% 置信区间）：" + "，".join(parts)
    return (
        f"{design} better on "
        + ", ".join(parts[:-1])
        + (", and " if len(parts) > 1 else "")
        + parts[-1]
        + f" of {worlds} sampled worlds [95% CI over worlds]"
    )


_LABELS: Mapping[str, tuple[str, ...]] = {
    "en": ("cost per service month in", "coverage in", "months to service in"),
    "zh": ("每服务月成本", "需求覆盖", "服务所需月数"),
}


def headline_record(
    shares: pd.DataFrame,
    defaults: pd.DataFrame,
    found: pd.DataFrame,
    boxes: pd.DataFrame,
    source: Mapping[str, Any],
) -> dict[str, Any]:
    """Everything the report's headline section shows, as JSON-ready data."""

    def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
        return json_records(frame)

    return {
        "shares": records(shares),
        "defaults": records(defaults),
        "drivers": records(found),
        "boxes": records(boxes),
        "meaning": MEANING,
        "bands": [{"band": b, "low": lo, "high": hi} for b, lo, hi in size_bands()],
        "source": dict(source),
    }


def json_records(frame: pd.DataFrame | None) -> list[dict[str, Any]]:
    """Rows as dicts with NaN as None (JSON has no NaN)."""
    if frame is None or not len(frame):
        return []
    clean = frame.astype(object).where(pd.notna(frame), None)
    return [{k: _plain(v) for k, v in row.items()} for row in clean.to_dict("records")]


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return value
