"""Where the centralized design loses: paired comparisons under plausible conditions.

Each condition changes one or a few uncertainties to a value at the edge of
what is plausible, applied to both designs alike (or, marked ``levers``, a
lever of the centralized design only, such as its office's staff). Under
each condition the two designs run on paired seeds, and the paired
difference (centralized minus dispersed) of the bottom-line outcomes says
whether the centralized design is worse, better or not distinguishable
there: worse when the 95% CI of the difference lies entirely on the bad side
(higher cost per service month or months to service, lower coverage).

The values are judgements, each with its reason; they are not a design of
experiments (see ``run.py sweep`` and scenario discovery for that).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sim.analysis.comparison import compare
from sim.experiments.inputs.scenarios import load_scenario
from sim.experiments.replications import auto_batch
from sim.experiments.seeds import DEFAULT_SEED


@dataclass(frozen=True)
class Condition:
    """One plausible condition: parameter values and why they are plausible."""

    name: str
    values: dict[str, Any]
    reason: str
    #: True when the values are levers of the centralized design (applied to it
    #: only); otherwise they describe the world and apply to both designs.
    levers: bool = False


#: The conditions, the defaults first.
CONDITIONS: tuple[Condition, ...] = (
    Condition("defaults", {}, "the parameters as declared"),
    Condition(
        "understaffed office",
        {"review_capacity": 1.0},
        "an office staffed for half the ~2 proposals a month it must review (lever of the "
        "centralized design set low; the dispersed desk unchanged at its default)",
        levers=True,
    ),
    Condition(
        "low top-leader attention",
        {"top_leader_attention": 0.15, "attention_dependence": 0.9},
        "a top leader who rarely attends to e-government, and an office whose power "
        "depends on it ([001][004])",
    ),
    Condition(
        "costly platforms",
        {"platform_cost_multiple": 15.0},
        "a shared platform costing 15 departmental systems (large integration projects)",
    ),
    Condition(
        "slow platforms",
        {"platform_build_months": 48.0},
        "four years to build a platform (large projects overrun)",
    ),
    Condition(
        "expensive staff",
        {"review_staff_cost": 0.5, "coordination_staff_cost": 0.5, "center_staff_cost": 4.0},
        "staff several times costlier than assumed (scarce IT professionals, [002])",
    ),
    Condition(
        "heavy upkeep",
        {"operation_cost_share": 0.3},
        "operation and maintenance at 30% of build cost a year",
    ),
    Condition(
        "small governments",
        {"n_departments": 10},
        "a county with 10 departments: little to duplicate, fixed costs spread thin",
    ),
    Condition(
        "tight budgets",
        {"annual_budget": 0.5},
        "less than half the default e-government money per department ([002] poor regions)",
    ),
    Condition(
        "fast turnover",
        {"leader_tenure_months": 18.0},
        "leaders serving a year and a half on average",
    ),
    Condition(
        "poor standards locked in",
        {"poor_standard_risk": 0.8, "poor_standard_penalty": 2.0},
        "an early master plan that usually locks in a poor standard (MODEL.md 3.10)",
    ),
    Condition(
        "small poor county, costly platforms",
        {
            "n_departments": 10,
            "annual_budget": 0.5,
            "platform_cost_multiple": 15.0,
            "center_staff_cost": 4.0,
        },
        "the combination where fixed costs should dominate: few departments to share a "
        "platform, little money, expensive platforms and center",
    ),
    Condition(
        "small county, slow and costly platforms",
        {"n_departments": 10, "platform_cost_multiple": 15.0, "platform_build_months": 48.0},
        "few departments to share a platform that is expensive and slow to build",
    ),
    Condition(
        "unreliable platforms",
        {"platform_outage_rate": 0.1},
        "a platform down one month in ten, for all its users at once",
    ),
    Condition(
        "slow integration, weak departments",
        {"platform_integration_months": 12.0, "it_capacity_mean": 0.25},
        "a year to integrate with a platform at full IT capacity, and mostly 'three-nos' "
        "departments ([001]) that take up to three times as long",
    ),
    Condition(
        "cramped platforms",
        {"platform_capacity_users": 5, "platform_expansion_cost_share": 0.5},
        "platforms sized for five departments, each expansion half a new platform",
    ),
    Condition(
        "costly sharing",
        {"holder_cost_share": 0.3, "bridging_cost_share": 0.6, "interface_cost_share": 0.2},
        "data sharing that costs the holder and the requester a sizeable share of a system",
    ),
)

#: Outcomes judged, with the direction that is worse.
JUDGED: dict[str, str] = {
    "cost_per_service_month": "higher",
    "capability_coverage": "lower",
    "mean_months_to_service": "higher",
}


def _applies(scenario: Any, values: dict[str, Any]) -> Any:
    """The scenario with the condition's values (keeping its name)."""
    if not values:
        return scenario
    return scenario.with_overrides(name=scenario.name, **values)


def where_it_loses(
    conditions: Sequence[Condition] = CONDITIONS,
    *,
    replications: int = 20,
    root_seed: int = DEFAULT_SEED,
    workers: int | None = None,
    progress: bool = True,
    **world: Any,
) -> pd.DataFrame:
    """Compare centralized with dispersed under every condition.

    Args:
        conditions: The conditions to run.
        replications: Paired runs per design and condition.
        root_seed: Root of the paired seeds.
        workers: Processes (``None`` = all cores).
        progress: Show progress bars on stderr.
        **world: Values applied to every run (e.g. ``months=60``).

    Returns:
        One row per condition and judged outcome: the mean of each design,
        the paired difference with its 95% CI and p-value, and ``verdict``
        (``centralized worse``, ``centralized better`` or ``no clear
        difference``).
    """
    rows = []
    for condition in conditions:
        dispersed_values = world if condition.levers else {**world, **condition.values}
        designs = [
            _applies(load_scenario("dispersed"), dispersed_values),
            _applies(load_scenario("centralized"), {**world, **condition.values}),
        ]
        result = compare(
            designs, replications=replications, root_seed=root_seed, workers=workers,
            progress=progress, batch=auto_batch(designs, replications),
        )  # fmt: skip
        summary = result.summary.set_index(["scenario", "outcome"])
        paired = result.paired.set_index("outcome")
        for outcome, worse in JUDGED.items():
            d = paired.loc[outcome]
            low, high = float(d["ci_low"]), float(d["ci_high"])
            bad = low > 0 if worse == "higher" else high < 0
            good = high < 0 if worse == "higher" else low > 0
            rows.append(
                {
                    "condition": condition.name,
                    "values": ", ".join(f"{k}={v}" for k, v in condition.values.items()),
                    "outcome": outcome,
                    "dispersed": float(summary.loc[("dispersed", outcome), "mean"]),
                    "centralized": float(summary.loc[("centralized", outcome), "mean"]),
                    "difference": float(d["mean_difference"]),
                    "ci_low": low,
                    "ci_high": high,
                    "p_value": float(d["p_value"]),
                    "verdict": "centralized worse"
                    if bad
                    else ("centralized better" if good else "no clear difference"),
                    "reason": condition.reason,
                }
            )
    return pd.DataFrame(rows)
