"""Fact F6, the docking check: the centralized design with nothing of its own.

The centralized file differs from the dispersed one in many levers, so
"authority, review and coordination set to nothing" needs a definition
(``DOCKING_GROUPS``): review = coverage, registry, capacity and priority;
authority = review authority, standard enforcement, audits, sanctions and the
evaluation link; coordination = proactive mode, capacity and strength of the
coordinating body, the technical service center and the master plan
(coordination of common needs through shared platforms, [001]) and the
central-local link. They are zeroed in *both* designs, which then differ only
in sign-off bodies and delay, unified budget, permanence and bundling
threshold; the check asks for equivalence (TOST) of the two on every outcome
of ``DOCKING_OUTCOMES``. Zeroing them in the centralized design only and
comparing with dispersed as it is fails on data sharing (the dispersed
general office still coordinates on request); ``docking_table`` reports that
and every subset of the three (``docking_variants``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from sim.analysis import statistics
from sim.analysis.validation.core import (
    CheckResult,
    Design,
    Fact,
    Runs,
    Settings,
    design,
    fmt,
    world,
)
from sim.analysis.validation.inference import TOST_ALPHA, tost
from sim.experiments.inputs.scenarios import load_scenario
from sim.experiments.replications import HEADLINE_OUTCOMES
from sim.model.parameters import SPECS

F6_STATEMENT = (
    "With authority, review and coordination set to nothing, the centralized design "
    "behaves like the dispersed one (docking check)."
)

#: The levers of the three functions the docking check sets to nothing.
#:
#: * review: whether a proposal is checked at all (coverage), against what
#:   (registry), by how many staff (capacity) and in which order (priority);
#: * authority: the power to stop a duplicate, to enforce the standard, to
#:   audit and sanction and to count results in heads' evaluations ([001]
#:   makes supervision and evaluation the office's job);
#: * coordination: of data and joint-service cases (proactive mode, capacity,
#:   strength) and of common needs through shared platforms (the technical
#:   service center and the master plan: [001] puts the center under the
#:   promotion office to build what departments would otherwise build each on
#:   its own), and across levels (``central_local_link``, if the model has it).
DOCKING_GROUPS: dict[str, dict[str, Any]] = {
    "review": {
        "review_coverage": 0.0,
        "registry_completeness": 0.0,
        "review_capacity": 0.0,
        "priority_review": 0.0,
    },
    "authority": {
        "review_authority": 0.0,
        "standard_enforcement": 0.0,
        "audit_rate": 0.0,
        "sanction_strength": 0.0,
        "evaluation_link": 0.0,
    },
    "coordination": {
        "coordination_proactive": 0.0,
        "coordination_capacity": 0.0,
        "coordination_strength": 0.0,
        "technical_center_capacity": 0,
        "master_plan": 0.0,
        **({"central_local_link": 0.0} if "central_local_link" in SPECS else {}),
    },
}
NOTHING: dict[str, Any] = {k: v for group in DOCKING_GROUPS.values() for k, v in group.items()}
#: Outcomes compared by the docking check: the headline outcomes of
#: ``sim.experiments.replications`` plus the two delivery failures the seeds stress.
#: ``cost_per_service_month`` (a headline outcome since issue 11) and
#: ``cum_service_months`` (since issue 25) are left out until the docking
#: check has been re-run with them.
DOCKING_OUTCOMES: tuple[str, ...] = (
    *(o for o in HEADLINE_OUTCOMES if o not in ("cost_per_service_month", "cum_service_months")),
    "n_unfinished_projects",
    "cum_abandoned_projects",
)

#: Equivalence margin in pooled standard deviations of the compared arms.
DOCKING_MARGIN_SD = 0.5

#: Smallest equivalence margin, as a share of the design effect (centralized minus
#: dispersed as they are). An SD-based margin degenerates where an outcome hardly
#: varies in the stripped arms: since co-built platforms exist, platform adoption
#: in both stripped designs is a few thousandths with an SD of about 0.002, so 0.5
#: SD would ask for equivalence within 0.1% of the design effect.
DOCKING_MARGIN_EFFECT = 0.05


def _f6_designs(s: Settings) -> list[Design]:
    return [
        design("dispersed", **world(s, **NOTHING)),
        design("centralized", **world(s, **NOTHING)),
    ]


def _f6_references(s: Settings) -> list[Design]:
    """The unstripped designs, for the size of the design effect."""
    return [design("dispersed", **world(s)), design("centralized", **world(s))]


def equivalence(
    runs: Runs,
    a: Design,
    b: Design,
    outcomes: Sequence[str] = DOCKING_OUTCOMES,
    effects: dict[str, float] | None = None,
) -> pd.DataFrame:
    """Per outcome: TOST of design ``a`` minus ``b``.

    The margin is ``DOCKING_MARGIN_SD`` pooled SD, and at least
    ``DOCKING_MARGIN_EFFECT`` times the design effect of the outcome where
    ``effects`` gives it.
    """
    rows = []
    for o in outcomes:
        x, y = runs.final(a, o), runs.final(b, o)
        pooled = math.sqrt((x.var(ddof=1) + y.var(ddof=1)) / 2)
        margin = DOCKING_MARGIN_SD * pooled
        if effects is not None and math.isfinite(effects.get(o, math.nan)):
            margin = max(margin, DOCKING_MARGIN_EFFECT * abs(effects[o]))
        t = tost(x - y, margin)
        rows.append({"outcome": o, "margin": margin, "sd": pooled, **t,
                     "equivalent": bool(t["p"] < TOST_ALPHA),
                     "t_p": statistics.paired_t_p(x - y)})  # fmt: skip
    return pd.DataFrame(rows)


def _f6_checks(runs: Runs, s: Settings) -> list[CheckResult]:
    dn, cn = _f6_designs(s)
    d, c = _f6_references(s)
    effect_size = {o: runs.final(c, o).mean() - runs.final(d, o).mean() for o in DOCKING_OUTCOMES}
    table = equivalence(runs, cn, dn, effects=effect_size)
    table["std_diff"] = table["mean"] / table["sd"].where(table["sd"] > 0)
    worst = (
        table.assign(
            ratio=(
                table[["low", "high"]].abs().max(axis=1)
                / table["margin"].where(table["margin"] > 0)
            ).fillna(0)  # fmt: skip
        )
        .sort_values("ratio")
        .iloc[-1]
    )
    parts = []
    for _, r in table.iterrows():
        share = r["mean"] / effect_size[r["outcome"]] if effect_size[r["outcome"]] else math.nan
        parts.append(
            f"{r['outcome']} {fmt(r['mean'])} (90% CI {fmt(r['low'])} to {fmt(r['high'])}; "
            f"margin {fmt(r['margin'])}; "
            f"{fmt(100 * share, 1) if math.isfinite(share) else 'n/a'}% "
            f"of the design effect {fmt(effect_size[r['outcome']])}; paired t p "
            f"{fmt(r['t_p'])})"
        )
    sd_worst = worst["sd"] if worst["sd"] > 0 else math.nan
    lever_text = "; ".join(f"{g}: {', '.join(v)}" for g, v in DOCKING_GROUPS.items())
    criterion = (
        f"both designs with the levers of review, authority and coordination set to nothing "
        f"({lever_text}); for every outcome of {', '.join(DOCKING_OUTCOMES)}: two one-sided "
        f"paired t-tests (TOST, alpha {TOST_ALPHA} each, i.e. the 90% CI of the mean paired "
        f"difference inside +-margin) with margin {DOCKING_MARGIN_SD} pooled SD of the two "
        f"arms, and at least {DOCKING_MARGIN_EFFECT:.0%} of the design effect (centralized "
        "minus dispersed as they are). Estimate: the outcome closest to its margin, "
        "difference in SD units"
    )
    effect = (
        "stripped centralized minus stripped dispersed: "
        + "; ".join(parts)
        + f". TOST power at true difference 0: min {fmt(table['power'].min())}; smallest "
        "margin with 80% power, in SD: "
        + ", ".join(
            f"{o} {fmt(m / sd if sd > 0 else 0)}"
            for o, m, sd in zip(table["outcome"], table["margin80"], table["sd"], strict=True)
        )
    )
    return [
        CheckResult(
            "F6",
            "F6 docking",
            F6_STATEMENT,
            criterion,
            effect,
            float(worst["mean"] / sd_worst) if math.isfinite(sd_worst) else 0.0,
            float(worst["low"] / sd_worst) if math.isfinite(sd_worst) else 0.0,
            float(worst["high"] / sd_worst) if math.isfinite(sd_worst) else 0.0,
            float(table["p"].max()),
            bool(table["equivalent"].all()),
        )
    ]


#: Variants of the docking comparison reported (not a criterion): which part
#: of the centralized design must be zeroed for it to behave like dispersed.
#: Each is ``(name, centralized overrides, dispersed overrides)``.
def docking_variants() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """Return the docking variants: (name, centralized overrides, dispersed overrides)."""
    groups = DOCKING_GROUPS
    dispersed = load_scenario("dispersed").parameters
    as_dispersed = {k: getattr(dispersed, k) for k in NOTHING}
    out = [
        ("all three zeroed in both (the F6 check)", NOTHING, NOTHING),
        ("all three zeroed, vs dispersed as is", NOTHING, {}),
        ("all three set to the dispersed values, vs dispersed", as_dispersed, {}),
    ]
    names = list(groups)
    for i, a in enumerate(names):
        out.append((f"only {a} zeroed, vs dispersed", groups[a], {}))
        for b in names[i + 1 :]:
            out.append((f"{a} + {b} zeroed, vs dispersed", {**groups[a], **groups[b]}, {}))
    rest = {k: v for k, v in NOTHING.items() if k != "technical_center_capacity"}
    out.append(("all but the technical service center zeroed, vs dispersed", rest, {}))
    return out


def variant_designs(s: Settings) -> list[Design]:
    """The designs of every docking variant (both arms)."""
    out = []
    for _, cov, dov in docking_variants():
        out += [design("centralized", **world(s, **cov)), design("dispersed", **world(s, **dov))]
    return out


def docking_table(runs: Runs, s: Settings) -> pd.DataFrame:
    """Residual share of the design effect and equivalence, per docking variant and outcome."""
    c0, d0 = design("centralized", **world(s)), design("dispersed", **world(s))
    rows = []
    for name, cov, dov in docking_variants():
        c, d = design("centralized", **world(s, **cov)), design("dispersed", **world(s, **dov))
        effects = {
            o: float(runs.final(c0, o).mean() - runs.final(d0, o).mean()) for o in DOCKING_OUTCOMES
        }
        eq = equivalence(runs, c, d, effects=effects)
        for _, r in eq.iterrows():
            effect = float(
                runs.final(c0, r["outcome"]).mean() - runs.final(d0, r["outcome"]).mean()
            )
            rows.append(
                {
                    "variant": name,
                    "outcome": r["outcome"],
                    "difference": r["mean"],
                    "ci90_low": r["low"],
                    "ci90_high": r["high"],
                    "margin": r["margin"],
                    "design_effect": effect,
                    "residual_share": r["mean"] / effect if effect else math.nan,
                    "paired_t_p": r["t_p"],
                    "equivalent": r["equivalent"],
                }
            )
    return pd.DataFrame(rows)


F6 = Fact("F6", F6_STATEMENT, "centralized vs dispersed, both with review, authority and "
          "coordination set to nothing", ", ".join(DOCKING_OUTCOMES), _f6_designs, _f6_checks,
          lambda s: s.docking_replications, _f6_references)  # fmt: skip
