"""Fact F3: the centralized advantage under a small office or an inattentive top leader.

The relative advantage of the centralized design, ``(dispersed - centralized)
/ dispersed``, is compared by default and under a stress condition applied to
both designs; the outcome is the one through which the condition acts (the
review queue delays service; low attention weakens authority over duplicates).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.analysis.validation.core import (
    CheckResult,
    Design,
    Fact,
    Runs,
    Settings,
    design,
    fmt,
    paired_check,
    world,
)

F3_STATEMENT = (
    "The centralized advantage shrinks or reverses when the promotion office's capacity "
    "is small against the flow of proposals, or when the top leader's attention is low."
)

#: Stress conditions of F3, applied to both designs (the same world), with the
#: outcome through which the condition acts.
F3_CONDITIONS: tuple[tuple[str, str, Any, str], ...] = (
    ("F3.1 small review capacity", "review_capacity", 0.5, "mean_months_to_service"),
    ("F3.2 low top-leader attention", "top_leader_attention", 0.1, "n_redundant_common_systems"),
)


def _f3_designs(s: Settings) -> list[Design]:
    out = [design(n, **world(s)) for n in ("dispersed", "centralized")]
    for _, name, value, _ in F3_CONDITIONS:
        out += [design(n, **world(s, **{name: value})) for n in ("dispersed", "centralized")]
    return out


def _relative_advantage(runs: Runs, s: Settings, outcome: str, **cond: Any) -> np.ndarray:
    d = runs.final(design("dispersed", **world(s, **cond)), outcome)
    c = runs.final(design("centralized", **world(s, **cond)), outcome)
    return (d - c) / np.where(d == 0, np.nan, d)


def _f3_checks(runs: Runs, s: Settings) -> list[CheckResult]:
    results = []
    other = {
        "mean_months_to_service": "n_redundant_common_systems",
        "n_redundant_common_systems": "mean_months_to_service",
    }
    for check, name, value, outcome in F3_CONDITIONS:
        base = _relative_advantage(runs, s, outcome)
        stressed = _relative_advantage(runs, s, outcome, **{name: value})
        o_base = _relative_advantage(runs, s, other[outcome])
        o_stressed = _relative_advantage(runs, s, other[outcome], **{name: value})
        queue = runs.final(
            design("centralized", **world(s, **{name: value})), "review_queue_length"
        )
        effect = (
            f"relative centralized advantage in {outcome} ((dispersed - centralized) / "
            f"dispersed): {fmt(base.mean())} by default, {fmt(stressed.mean())} with "
            f"{name} = {value}"
            + (" (reversed)" if stressed.mean() < 0 else "")
            + f"; in {other[outcome]}: {fmt(o_base.mean())} -> {fmt(o_stressed.mean())}; "
            f"centralized review queue at the end: {fmt(queue.mean())} proposals"
        )
        results.append(
            paired_check(
                "F3",
                check,
                F3_STATEMENT,
                stressed - base,
                "less",
                f"relative centralized advantage in final {outcome} with {name} = {value} "
                "(both designs) minus the same advantage by default",
                effect,
            )
        )
    return results


F3 = Fact("F3", F3_STATEMENT, "dispersed vs centralized, default vs review_capacity 0.5 and "
          "vs top_leader_attention 0.1", "mean_months_to_service, n_redundant_common_systems",
          _f3_designs, _f3_checks)  # fmt: skip
