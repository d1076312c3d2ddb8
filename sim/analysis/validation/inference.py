"""Statistics of the validation checks: sign test, t intervals, bootstrap, slopes, TOST.

Pure functions of arrays of per-replication values; nothing here runs the
model. The conventions of every check (see ``sim.analysis.validation``):

* paired differences: 95% t interval of the mean difference (``ci``, i.e.
  ``scipy.stats.ttest_1samp(diff, 0).confidence_interval()``, the interval of
  ``ttest_rel``) and a one-sided sign test on the non-zero differences
  (``sign_test``, ``scipy.stats.binomtest``);
* ratios of means and fitted quantities: 95% percentile interval of a paired
  bootstrap over replications (``bootstrap``, ``scipy.stats.bootstrap``,
  ``BOOTSTRAP`` resamples, fixed seed);
* equivalence (the docking check F6): two one-sided paired t-tests (``tost``,
  statsmodels' TOST).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence

import numpy as np
from scipy import stats
from statsmodels.stats.weightstats import DescrStatsW

from sim.analysis import statistics

#: Significance level of the one-sided sign tests.
ALPHA = 0.01
#: Level of the two one-sided tests of the docking check (F6).
TOST_ALPHA = 0.05
#: Bootstrap resamples for intervals of ratios and fitted quantities.
BOOTSTRAP = 2000
#: Confidence level of the bootstrap intervals.
BOOTSTRAP_LEVEL = 0.95


def sign_test(diff: np.ndarray, alternative: str) -> float:
    """Sign test on the non-zero paired differences (1.0 if all are zero).

    ``alternative`` is ``"greater"`` or ``"less"`` (one-sided) or
    ``"two-sided"`` (facts 8-10).
    """
    diff = np.asarray(diff, dtype=float)
    nonzero = diff[diff != 0]
    if not len(nonzero):
        return 1.0
    k = int((nonzero > 0).sum())
    return float(stats.binomtest(k, len(nonzero), 0.5, alternative=alternative).pvalue)


def ci(values: np.ndarray) -> tuple[float, float, float]:
    """Mean and 95% t interval of the mean (``sim.analysis.statistics.mean_ci``)."""
    m = statistics.mean_ci(np.asarray(values, dtype=float))
    return m["mean"], m["ci_low"], m["ci_high"]


def bootstrap(
    stat: Callable[..., float | np.ndarray],
    *arrays: np.ndarray,
    n: int = BOOTSTRAP,
    seed: int = 0,
) -> tuple[float | np.ndarray, float | np.ndarray]:
    """95% percentile interval of ``stat(*arrays)``, resampling replications in pairs.

    ``scipy.stats.bootstrap`` with ``paired=True`` (replication ``r`` of every
    array is drawn together), the percentile method, ``n`` resamples and a
    generator seeded with ``seed``. ``stat`` is called with one resample of
    each array, or with all resamples at once if it takes an ``axis``
    argument; it may return several values (then ``low`` and ``high`` are
    arrays). Resamples on which ``stat`` is undefined (NaN, e.g. a failed
    curve fit) are left out of the percentiles.

    Returns:
        ``(low, high)``: the 2.5% and 97.5% percentiles of the bootstrap
        distribution.
    """
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        # scipy warns when a NaN resample makes its interval NaN; handled below.
        warnings.simplefilter("ignore", stats.DegenerateDataWarning)
        res = stats.bootstrap(
            tuple(np.asarray(a) for a in arrays),
            stat,
            n_resamples=n,
            paired=True,
            method="percentile",
            confidence_level=BOOTSTRAP_LEVEL,
            rng=np.random.default_rng(seed),
        )
    draws = np.asarray(res.bootstrap_distribution, dtype=float)
    if not np.isnan(draws).any():
        low, high = res.confidence_interval
    else:
        # scipy's percentiles propagate NaN: take them over the defined resamples only.
        tail = 50 * (1 - BOOTSTRAP_LEVEL)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all resamples undefined
            low, high = np.nanpercentile(draws, [tail, 100 - tail], axis=-1)
    if np.ndim(low) == 0:
        return float(low), float(high)
    return np.asarray(low, dtype=float), np.asarray(high, dtype=float)


def slopes(sizes: Sequence[int], y: np.ndarray) -> np.ndarray:
    """OLS slope of ``y`` (replications x sizes) on ``sizes``, one per replication."""
    # np.polyfit fits every column of its y at once: one line per replication.
    return np.polyfit(np.asarray(sizes, dtype=float), np.asarray(y, dtype=float).T, 1)[0]


def tost(diff: np.ndarray, margin: float, alpha: float = TOST_ALPHA) -> dict[str, float]:
    """Two one-sided paired t-tests of ``|mean diff| < margin``.

    The test is statsmodels' TOST on the paired differences
    (``DescrStatsW(diff).ttost_mean(-margin, margin)``, which is what
    ``statsmodels.stats.weightstats.ttost_paired(x, y, -margin, margin)``
    computes for ``diff = x - y``); the interval is
    ``scipy.stats.ttest_1samp(diff, 0).confidence_interval(1 - 2 alpha)``.

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
    if not sd or not math.isfinite(sd):
        # Kept by hand: with no spread the t statistics are infinite or 0/0; the mean decides.
        inside = abs(mean) <= margin
        return {"mean": mean, "low": mean, "high": mean, "p": 0.0 if inside else 1.0,
                "power": 1.0 if inside else 0.0, "margin80": 0.0}  # fmt: skip
    p, _, _ = DescrStatsW(diff).ttost_mean(-margin, margin)
    low, high = stats.ttest_1samp(diff, 0.0).confidence_interval(1 - 2 * alpha)
    # Kept by hand: statsmodels has no power function for the paired t TOST; this is the
    # usual approximation with the central t distribution (true difference 0).
    se = sd / math.sqrt(n)
    t_crit = float(stats.t.ppf(1 - alpha, n - 1))
    power = max(0.0, 2 * float(stats.t.cdf(margin / se - t_crit, n - 1)) - 1)
    margin80 = (t_crit + float(stats.t.ppf(0.9, n - 1))) * se
    return {"mean": mean, "low": float(low), "high": float(high), "p": float(p),
            "power": power, "margin80": margin80}  # fmt: skip
