"""Stylized facts of MODEL.md section 7, over paired seeds.

Every design runs on the same seeds, so run ``s`` of one design is paired
with run ``s`` of the other (same draws of the world where the designs do not
change them). Tests are one-sided sign tests on the paired differences, or a
95% t-interval of the mean paired difference; the mean difference is in
every assertion message so that a failure reports the size of the effect.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import pytest
from conftest import final
from scipy import stats

# 40 seeds: once the dispersed design pays for its staff and the upkeep of its
# duplicates (issue 11), the understaffed office's delay shrank from about 12 to
# about 7 months and 24 seeds no longer reached the sign test's alpha (p = 0.011).
SEEDS = tuple(range(40))
WORLD = {"n_departments": 40, "months": 120}
ALPHA = 0.01

#: Every test here reads the same cached 40-seed, 120-month runs (``runs``):
#: marking one test slow would only move their cost to the next, so the whole
#: module is slow (excluded from the fast suite, run by CI).
pytestmark = pytest.mark.slow

#: The promotion office stripped of its capacity (staff to review, keep the
#: registry, coordinate and build platforms) and of its authority (to stop a
#: duplicate, enforce standards, evaluate heads and sanction: [001] makes the
#: office the subject of supervision and evaluation). With no capacity it
#: reviews nothing, so proposals pass unreviewed (coverage 0) instead of
#: waiting forever. What remains of the leading group: one sign-off body,
#: the unified budget, proactive mode, permanence.
NO_OFFICE_POWER = (
    ("review_capacity", 0.0),
    ("review_coverage", 0.0),
    ("registry_completeness", 0.0),
    ("coordination_capacity", 0.0),
    ("technical_center_capacity", 0),
    ("review_authority", 0.0),
    ("standard_enforcement", 0.0),
    ("evaluation_link", 0.0),
    ("audit_rate", 0.0),
    ("sanction_strength", 0.0),
)
#: Share of the default advantage that may remain once the office has no power.
RESIDUAL_SHARE = 0.15
#: An office that exists and reviews almost everything but has almost no staff.
UNDERSTAFFED = (("review_capacity", 0.2),)


@cache
def runs(design: str, overrides: tuple = ()) -> pd.DataFrame:
    """Final rows of one design on ``SEEDS`` (cached across tests)."""
    return final(design, SEEDS, **WORLD, **dict(overrides))


def paired(column: str, a: pd.DataFrame, b: pd.DataFrame) -> np.ndarray:
    assert list(a.index) == list(b.index) == list(SEEDS)
    return (a[column] - b[column]).to_numpy()


def sign_test(diff: np.ndarray, alternative: str) -> float:
    """One-sided sign test p-value on the non-zero paired differences."""
    nonzero = diff[diff != 0]
    k = int((nonzero > 0).sum())
    return stats.binomtest(k, len(nonzero), 0.5, alternative=alternative).pvalue


def ci95(diff: np.ndarray) -> tuple[float, float]:
    low, high = stats.t.interval(0.95, len(diff) - 1, loc=diff.mean(), scale=stats.sem(diff))
    return float(low), float(high)


def describe(diff: np.ndarray, p: float | None = None) -> str:
    low, high = ci95(diff)
    text = (
        f"mean paired difference {diff.mean():.2f} (95% CI {low:.2f} to {high:.2f}), "
        f"{(diff < 0).sum()} negative / {(diff > 0).sum()} positive of {len(diff)}"
    )
    return text if p is None else f"{text}, one-sided sign test p = {p:.2g}"


def test_centralized_has_fewer_redundant_common_systems_than_dispersed():
    diff = paired("n_redundant_common_systems", runs("centralized"), runs("dispersed"))
    p = sign_test(diff, "less")
    assert p < ALPHA and diff.mean() < 0, "centralized - dispersed: " + describe(diff, p)


def test_advantage_gone_when_the_office_has_no_power():
    # The advantage must come from the office's capacity and authority: with
    # both at zero, at most RESIDUAL_SHARE of it may remain (the rest of the
    # leading group, e.g. the unified budget, may still matter a little).
    default = paired("n_redundant_common_systems", runs("centralized"), runs("dispersed"))
    powerless = runs("centralized", NO_OFFICE_POWER)
    diff = paired("n_redundant_common_systems", powerless, runs("dispersed"))
    low, high = ci95(diff)
    assert low > RESIDUAL_SHARE * default.mean(), (
        "powerless centralized - dispersed: "
        + describe(diff)
        + f"; default advantage {default.mean():.2f}"
    )


@pytest.mark.xfail(
    strict=True,
    reason="finding of issue 25 (not tuned away): departments now build without approval "
    "after approval_patience_months, so an office of 0.2 proposals a month is routed around "
    "(about 75% of proposals bypass it) and the understaffed centralized design serves needs "
    "about 8-10 months sooner than dispersed, whose departments now keep back their systems' "
    "upkeep before building; with approval_patience_months=600 (no bypass) it is about 8 "
    "months slower, as before",
)
def test_understaffed_office_delivers_more_slowly_than_dispersed():
    slow = runs("centralized", UNDERSTAFFED)
    diff = paired("mean_months_to_service", slow, runs("dispersed"))
    p = sign_test(diff, "greater")
    assert p < ALPHA and diff.mean() > 0, "understaffed - dispersed: " + describe(diff, p)
    # The bottleneck is visible where it sits: the review queue.
    queue = paired("review_queue_length", slow, runs("dispersed"))
    assert queue.mean() > 0, describe(queue)


def test_well_staffed_centralized_design_is_not_slower():
    # The delay above comes from the staffing, not from centralization as such.
    diff = paired("mean_months_to_service", runs("centralized"), runs("dispersed"))
    p = sign_test(diff, "less")
    assert p < ALPHA, "centralized - dispersed: " + describe(diff, p)
