"""Statistics of the validation checks: sign test, t intervals, bootstrap, slopes, TOST.

Pure functions of arrays of per-replication values; nothing here runs the
model. The conventions of every check (see ``sim.analysis.validation``):

* paired differences: 95% t interval of the mean difference and a one-sided
  sign test on the non-zero differences (``sign_test``);
* ratios of means and fitted quantities: 95% percentile interval of a paired
  bootstrap over replications (``bootstrap``, ``BOOTSTRAP`` resamples, fixed
  seed);
* equivalence (the docking check F6): two one-sided paired t-tests (``tost``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from scipy import stats

from sim.analysis import statistics

#: Significance level of the one-sided sign tests.
ALPHA = 0.01
#: Level of the two one-sided tests of the docking check (F6).
TOST_ALPHA = 0.05
#: Bootstrap resamples for intervals of ratios and fitted quantities.
BOOTSTRAP = 2000


def sign_test(diff: np.ndarray, alternative: str) -> float:
    """One-sided sign test on the non-zero paired differences (1.0 if all are zero)."""
    diff = np.asarray(diff, dtype=float)
    nonzero = diff[diff != 0]
    if not len(nonzero):
        return 1.0
    k = int((nonzero > 0).sum())
    return float(stats.binomtest(k, len(nonzero), 0.5, alternative=alternative).pvalue)


def ci(values: np.ndarray) -> tuple[float, float, float]:
    """Mean and 95% t interval (``sim.analysis.statistics.mean_ci``)."""
    m = statistics.mean_ci(np.asarray(values, dtype=float))
    return m["mean"], m["ci_low"], m["ci_high"]


def bootstrap(
    stat: Callable[..., float], *arrays: np.ndarray, n: int = BOOTSTRAP, seed: int = 0
) -> tuple[float, float]:
    """95% percentile interval of ``stat(*arrays)`` resampling replications in pairs."""
    arrays = tuple(np.asarray(a) for a in arrays)
    size = len(arrays[0])
    rng = np.random.default_rng(seed)
    draws = []
    for _ in range(n):
        idx = rng.integers(0, size, size)
        with np.errstate(divide="ignore", invalid="ignore"):
            draws.append(stat(*(a[idx] for a in arrays)))
    draws = np.asarray(draws, dtype=float)
    draws = draws[np.isfinite(draws)]
    if not len(draws):
        return math.nan, math.nan
    return float(np.percentile(draws, 2.5)), float(np.percentile(draws, 97.5))


def slopes(sizes: Sequence[int], y: np.ndarray) -> np.ndarray:
    """OLS slope of ``y`` (replications x sizes) on ``sizes``, one per replication."""
    x = np.asarray(sizes, dtype=float)
    xc = x - x.mean()
    return (y - y.mean(axis=1, keepdims=True)) @ xc / (xc @ xc)


def tost(diff: np.ndarray, margin: float, alpha: float = TOST_ALPHA) -> dict[str, float]:
    """Two one-sided paired t-tests of ``|mean diff| < margin``.

    Returns:
        ``mean``, ``low``/``high`` (the 1 - 2 alpha t interval), ``p`` (the
        larger one-sided p-value; equivalence when ``p < alpha``, i.e. the
        interval lies inside +-margin), ``power`` (chance of declaring
        equivalence at the observed spread when the true difference is 0) and
        ``margin80`` (the smallest margin with 80% power at this n and spread).
    """
    diff = np.asarray(diff, dtype=float)
    n = len(diff)
    mean = float(diff.mean())
    sd = float(diff.std(ddof=1)) if n > 1 else math.nan
    t_crit = float(stats.t.ppf(1 - alpha, n - 1))
    if not sd or not math.isfinite(sd):
        inside = abs(mean) <= margin
        return {"mean": mean, "low": mean, "high": mean, "p": 0.0 if inside else 1.0,
                "power": 1.0 if inside else 0.0, "margin80": 0.0}  # fmt: skip
    se = sd / math.sqrt(n)
    p_low = float(stats.t.sf((mean + margin) / se, n - 1))
    p_high = float(stats.t.cdf((mean - margin) / se, n - 1))
    power = max(0.0, 2 * float(stats.t.cdf(margin / se - t_crit, n - 1)) - 1)
    margin80 = (t_crit + float(stats.t.ppf(0.9, n - 1))) * se
    return {"mean": mean, "low": mean - t_crit * se, "high": mean + t_crit * se,
            "p": max(p_low, p_high), "power": power, "margin80": margin80}  # fmt: skip
