"""Summary statistics for replicated simulation runs.

Pure functions on pandas objects: nothing here reads or writes files.

Every confidence interval is the t-based interval for a mean,
``mean ± t(1 - alpha/2, n - 1) · sd / sqrt(n)``, with ``sd`` the sample
standard deviation (``ddof = 1``): the interval of
``scipy.stats.ttest_1samp(values, 0).confidence_interval(confidence)``;
except in ``summarize`` for outcomes whose unit is a share or a probability
(values in [0, 1]): their interval is the logit interval, the same t interval
taken on the logit scale of the mean (delta method: standard error ``sd /
(sqrt(n) · mean · (1 - mean))``) and mapped back, so it stays inside [0, 1]
(``interval`` column: ``t`` or ``logit``). Every other declared outcome is a
count, an amount of money or a number of months, never below 0: its t
interval is cut at 0 (the mean cannot be negative, so the cut interval covers
it at least as often). Missing values (NaN, e.g. an
outcome that is undefined in one run) are left out, and ``n`` counts only the
values used.

Paired differences compare each scenario with a baseline replication by
replication: replication ``r`` of every scenario uses the same random seed, so
the difference ``scenario - baseline`` removes most of the run-to-run noise.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from scipy import stats

#: Confidence level used throughout.
CONFIDENCE = 0.95

#: Units whose values lie in [0, 1]: their means get logit intervals in ``summarize``.
BOUNDED_UNITS: tuple[str, ...] = ("share", "probability")

#: Name of the paired test whose p-value is in ``p_value``.
PAIRED_TEST = "paired t-test, two-sided (as scipy.stats.ttest_rel)"


def mean_ci(values: Iterable[float], confidence: float = CONFIDENCE) -> dict[str, float]:
    """Return mean, standard deviation, count and t-based confidence interval.

    Args:
        values: Numbers; NaN values are ignored.
        confidence: Confidence level of the interval, e.g. ``0.95``.

    Returns:
        A dict with ``mean``, ``sd``, ``n``, ``ci_low`` and ``ci_high``. With one
        value, ``sd`` and the interval are NaN; with none, everything but ``n`` is.
    """
    x = np.asarray(list(values), dtype=float)
    x = x[~np.isnan(x)]
    n = int(x.size)
    mean = float(x.mean()) if n else math.nan
    if n < 2:
        return {"mean": mean, "sd": math.nan, "n": n, "ci_low": math.nan, "ci_high": math.nan}
    with warnings.catch_warnings():
        # Identical values: scipy warns of precision loss, and its interval is the mean.
        warnings.simplefilter("ignore", RuntimeWarning)
        low, high = stats.ttest_1samp(x, 0.0).confidence_interval(confidence)
    return {
        "mean": mean,
        "sd": float(x.std(ddof=1)),
        "n": n,
        "ci_low": float(low),
        "ci_high": float(high),
    }


def _half_width(sd: np.ndarray, n: np.ndarray, confidence: float) -> np.ndarray:
    """Half-width of the t interval, NaN where ``n < 2``.

    Kept by hand because it is vectorized over all groups of ``summarize`` at
    once (``ttest_1samp`` takes one sample at a time); the same interval.
    """
    sd = np.asarray(sd, dtype=float)
    n = np.asarray(n, dtype=float)
    out = np.full(sd.shape, math.nan)
    ok = n >= 2
    if ok.any():
        t = stats.t.ppf(0.5 + confidence / 2.0, n[ok] - 1.0)
        out[ok] = t * sd[ok] / np.sqrt(n[ok])
    return out


def logit_interval(
    mean: np.ndarray, sd: np.ndarray, n: np.ndarray, confidence: float = CONFIDENCE
) -> tuple[np.ndarray, np.ndarray]:
    """Confidence interval of a mean of values in [0, 1] that stays in [0, 1].

    The t interval is taken on the logit scale of the mean, with the standard
    error carried over by the delta method (``se / (mean · (1 - mean))``), and
    mapped back with the logistic function. Close to the t interval when the
    mean is far from 0 and 1; asymmetric, and never beyond the bounds, near
    them. A mean of exactly 0 or 1 (every value equal) gets ``[mean, mean]``.

    Args:
        mean: Means.
        sd: Sample standard deviations.
        n: Counts.
        confidence: Confidence level.

    Returns:
        ``(low, high)`` arrays; NaN where ``n < 2``.
    """
    mean = np.asarray(mean, dtype=float)
    half = _half_width(sd, n, confidence)  # t · se on the original scale
    inside = (mean > 0) & (mean < 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        centre = np.log(mean / (1 - mean))
        spread = half / (mean * (1 - mean))
        low = np.where(inside, 1 / (1 + np.exp(-(centre - spread))), mean)
        high = np.where(inside, 1 / (1 + np.exp(-(centre + spread))), mean)
    flat = np.asarray(sd, dtype=float) == 0
    low, high = np.where(flat, mean, low), np.where(flat, mean, high)
    missing = np.isnan(half)
    return np.where(missing, np.nan, low), np.where(missing, np.nan, high)


def bounded_outcomes(outcomes: Iterable[str]) -> set[str]:
    """Return the outcomes whose declared unit is a share or a probability."""
    from sim.model.outcomes import SPECS

    return {o for o in outcomes if o in SPECS and SPECS[o].unit in BOUNDED_UNITS}


def nonnegative_outcomes(outcomes: Iterable[str]) -> set[str]:
    """Return the declared outcomes that are counts, money or months (never below 0).

    Every declared outcome whose unit is not a share or a probability is one
    (``sim.model.outcomes.OUTCOMES``: systems, projects, budget units, months...).
    """
    from sim.model.outcomes import SPECS

    return {o for o in outcomes if o in SPECS and SPECS[o].unit not in BOUNDED_UNITS}


def summarize(
    frame: pd.DataFrame,
    by: str | Sequence[str],
    outcomes: Sequence[str],
    confidence: float = CONFIDENCE,
    bounded: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Summarize outcomes per group: mean, sd, n and confidence interval.

    Args:
        frame: Tidy frame with the ``by`` columns and one column per outcome.
        by: Grouping column(s), e.g. ``"scenario"`` or ``["scenario", "month"]``.
        outcomes: Outcome columns to summarize; names absent from ``frame`` are
            skipped.
        confidence: Confidence level of the interval.
        bounded: Outcomes with values in [0, 1], given logit intervals
            (``logit_interval``); default: those whose declared unit is a
            share or a probability (``bounded_outcomes``). Others get the t
            interval, cut at 0 for the counts, money and months
            (``nonnegative_outcomes``).

    Returns:
        Long frame with the ``by`` columns, ``outcome``, ``mean``, ``sd``, ``n``,
        ``ci_low``, ``ci_high`` and ``interval`` (``"t"`` or ``"logit"``);
        groups keep their order of first appearance and outcomes the order given.
    """
    by = [by] if isinstance(by, str) else list(by)
    present = [o for o in outcomes if o in frame.columns]
    bounded = bounded_outcomes(present) if bounded is None else set(bounded)
    nonnegative = nonnegative_outcomes(present) - bounded
    columns = [*by, "outcome", "mean", "sd", "n", "ci_low", "ci_high", "interval"]
    if not present or frame.empty:
        return pd.DataFrame(columns=columns)
    grouped = frame.groupby(by, sort=False)
    means, sds, counts = (
        grouped[present].mean(),
        grouped[present].std(ddof=1),
        grouped[present].count(),
    )
    parts = []
    for outcome in present:
        part = pd.DataFrame(
            {"mean": means[outcome], "sd": sds[outcome], "n": counts[outcome].astype(int)}
        ).reset_index()
        mean, sd, n = (part[c].to_numpy(float) for c in ("mean", "sd", "n"))
        if outcome in bounded:
            part["ci_low"], part["ci_high"] = logit_interval(mean, sd, n, confidence)
            part["interval"] = "logit"
        else:
            half = _half_width(sd, n, confidence)
            low = mean - half
            if outcome in nonnegative:
                low = np.where(np.isnan(low), low, np.maximum(low, 0.0))
            part["ci_low"], part["ci_high"] = low, mean + half
            part["interval"] = "t"
        part.insert(len(by), "outcome", outcome)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)[columns]


def paired_differences(
    runs: pd.DataFrame,
    outcomes: Sequence[str],
    baseline: str,
    *,
    scenario_col: str = "scenario",
    pair_col: str = "replication",
    confidence: float = CONFIDENCE,
) -> pd.DataFrame:
    """Compare every scenario with the baseline, pair by pair.

    Args:
        runs: One row per run, with ``scenario_col``, ``pair_col`` and outcome
            columns (e.g. the final value of each outcome).
        outcomes: Outcome columns to compare; names absent from ``runs`` are skipped.
        baseline: Name of the baseline scenario.
        scenario_col: Column naming the scenario.
        pair_col: Column that pairs runs across scenarios (the replication).
        confidence: Confidence level of the interval.

    Returns:
        One row per (scenario, outcome) with ``scenario``, ``baseline``,
        ``outcome``, ``mean_baseline``, ``mean_scenario``, ``mean_difference``
        (scenario minus baseline), ``sd_difference``, ``n`` (complete pairs),
        ``ci_low``, ``ci_high``, ``p_value`` (paired t-test, see
        ``PAIRED_TEST``), ``p_value_wilcoxon`` (Wilcoxon signed-rank test, a
        check that does not assume normality) and ``test``.

    Raises:
        KeyError: If ``baseline`` is not among the scenarios.
    """
    columns = [
        "scenario", "baseline", "outcome", "mean_baseline", "mean_scenario",
        "mean_difference", "sd_difference", "n", "ci_low", "ci_high",
        "p_value", "p_value_wilcoxon", "test",
    ]  # fmt: skip
    names = list(dict.fromkeys(runs[scenario_col]))
    if baseline not in names:
        raise KeyError(f"baseline scenario {baseline!r} not in {names}")
    present = [o for o in outcomes if o in runs.columns]
    rows = []
    for outcome in present:
        wide = runs.pivot_table(
            index=pair_col, columns=scenario_col, values=outcome, aggfunc="first", dropna=False
        )
        for name in names:
            if name == baseline:
                continue
            pair = wide[[baseline, name]].dropna()
            base, other = pair[baseline].to_numpy(float), pair[name].to_numpy(float)
            diff = other - base
            summary = mean_ci(diff, confidence)
            rows.append(
                {
                    "scenario": name,
                    "baseline": baseline,
                    "outcome": outcome,
                    "mean_baseline": float(base.mean()) if base.size else math.nan,
                    "mean_scenario": float(other.mean()) if other.size else math.nan,
                    "mean_difference": summary["mean"],
                    "sd_difference": summary["sd"],
                    "n": summary["n"],
                    "ci_low": summary["ci_low"],
                    "ci_high": summary["ci_high"],
                    "p_value": paired_t_p(diff),
                    "p_value_wilcoxon": wilcoxon_p(diff),
                    "test": PAIRED_TEST,
                }
            )
    return pd.DataFrame(rows, columns=columns)


def paired_t_p(diff: np.ndarray) -> float:
    """Two-sided p-value of the paired t-test on differences.

    Args:
        diff: Paired differences (scenario minus baseline).

    Returns:
        The p-value; 1.0 when every difference is zero, 0.0 when every
        difference is the same non-zero number, NaN with fewer than two pairs.
    """
    diff = np.asarray(diff, dtype=float)
    if diff.size < 2:
        return math.nan
    if np.ptp(diff) <= 1e-12 * max(1.0, float(np.abs(diff).max())):
        # Constant differences: no spread, so the test is decided by the sign alone.
        return 1.0 if np.all(diff == 0) else 0.0
    # ttest_rel(a, b) is the one-sample t-test of a - b against zero.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(stats.ttest_1samp(diff, 0.0).pvalue)


def wilcoxon_p(diff: np.ndarray) -> float:
    """Two-sided p-value of the Wilcoxon signed-rank test on differences.

    Args:
        diff: Paired differences (scenario minus baseline).

    Returns:
        The p-value; 1.0 when every difference is zero, NaN with fewer than two
        pairs or when scipy cannot compute it.
    """
    diff = np.asarray(diff, dtype=float)
    if diff.size < 2:
        return math.nan
    if np.all(diff == 0):
        return 1.0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return float(stats.wilcoxon(diff).pvalue)
    except ValueError:
        return math.nan
