"""sim.analysis.statistics against the scipy calls it stands for."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.analysis import statistics


def test_mean_ci_is_the_interval_of_scipys_one_sample_t_test():
    rng = np.random.default_rng(1)
    for n in (2, 5, 30):
        x = rng.normal(3.0, 2.0, n)
        for level in (0.9, 0.95):
            got = statistics.mean_ci(x, level)
            want = stats.ttest_1samp(x, 0.0).confidence_interval(level)
            assert (got["ci_low"], got["ci_high"]) == pytest.approx((want.low, want.high))


def test_mean_ci_of_identical_values_is_the_value_without_warnings():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = statistics.mean_ci([0.1] * 5)
    assert out["sd"] == 0 and out["ci_low"] == out["ci_high"] == pytest.approx(0.1)


def test_summarize_vectorized_interval_matches_scipy_per_group():
    rng = np.random.default_rng(2)
    frame = pd.DataFrame(
        {"g": np.repeat(["a", "b", "c"], [3, 10, 25]), "y": rng.normal(0.0, 1.0, 38)}
    )
    out = statistics.summarize(frame, "g", ["y"], confidence=0.9)
    for _, row in out.iterrows():
        y = frame.loc[frame["g"] == row["g"], "y"]
        want = stats.ttest_1samp(y, 0.0).confidence_interval(0.9)
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((want.low, want.high))


def test_paired_differences_interval_and_p_are_scipys_paired_t_test():
    rng = np.random.default_rng(3)
    base = rng.normal(10.0, 2.0, 20)
    other = base + rng.normal(0.5, 1.0, 20)
    runs = pd.DataFrame(
        {
            "scenario": ["base"] * 20 + ["new"] * 20,
            "replication": list(range(20)) * 2,
            "y": np.concatenate([base, other]),
        }
    )
    row = statistics.paired_differences(runs, ["y"], "base").iloc[0]
    want = stats.ttest_rel(other, base)
    assert row["p_value"] == pytest.approx(want.pvalue)
    ci = want.confidence_interval()
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((ci.low, ci.high))
    assert row["p_value_wilcoxon"] == pytest.approx(stats.wilcoxon(other - base).pvalue)
    assert math.isnan(statistics.paired_t_p(np.array([1.0])))
