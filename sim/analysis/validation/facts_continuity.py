"""Fact F4: leader turnover and the permanence of the governance body.

Short leader tenure raises unfinished and abandoned projects; the fact is that
it raises them far more (``F4_MULTIPLE`` times) under a temporary or personal
body than under an institutionalized one: a difference-in-differences over
paired replications, for two scenario files (F4.1) and for body permanence
alone (F4.2).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from sim.analysis.validation.core import (
    CheckResult,
    Design,
    Fact,
    Runs,
    Settings,
    ci_text,
    design,
    fmt,
    paired_check,
    world,
)
from sim.analysis.validation.inference import ci

F4_STATEMENT = (
    "High leader turnover raises unfinished and abandoned projects far more where the "
    "governance body is temporary or personal than where it is institutionalized."
)

F4_TENURE = (12.0, 42.0)
#: "Far more": the increase where the body is temporary must exceed this
#: multiple of the increase where it is institutionalized.
F4_MULTIPLE = 2.0
#: (check, temporary design, institutionalized design)
F4_PAIRS: tuple[tuple[str, tuple[str, dict], tuple[str, dict]], ...] = (
    (
        "F4.1 scenarios",
        ("leading_group_temporary_office", {}),
        ("specialized_committee", {}),
    ),
    (
        "F4.2 permanence only",
        ("centralized", {"body_permanence": 0.1}),
        ("centralized", {"body_permanence": 1.0}),
    ),
)


def _f4_designs(s: Settings) -> list[Design]:
    out = []
    for _, temp, inst in F4_PAIRS:
        for name, ov in (temp, inst):
            for tenure in F4_TENURE:
                out.append(design(name, **world(s, leader_tenure_months=tenure, **ov)))
    return out


def _named(name: str, overrides: dict[str, Any]) -> str:
    if not overrides:
        return name
    return f"{name} ({', '.join(f'{k} {v}' for k, v in overrides.items())})"


def _failures(runs: Runs, d: Design) -> np.ndarray:
    return runs.final(d, "n_unfinished_projects") + runs.final(d, "cum_abandoned_projects")


def _f4_checks(runs: Runs, s: Settings) -> list[CheckResult]:
    results = []
    high, low = F4_TENURE
    for check, (tn, tov), (iname, iov) in F4_PAIRS:

        def y(name: str, ov: dict, tenure: float) -> np.ndarray:
            return _failures(runs, design(name, **world(s, leader_tenure_months=tenure, **ov)))

        temp_rise = y(tn, tov, high) - y(tn, tov, low)
        inst_rise = y(iname, iov, high) - y(iname, iov, low)
        diff = temp_rise - F4_MULTIPLE * inst_rise
        ratio = temp_rise.mean() / inst_rise.mean() if inst_rise.mean() > 0 else math.inf
        effect = (
            f"unfinished + abandoned projects, tenure {low:g} -> {high:g} months: "
            f"{_named(tn, tov)} {fmt(y(tn, tov, low).mean())} -> {fmt(y(tn, tov, high).mean())} "
            f"(+{fmt(temp_rise.mean())}); {_named(iname, iov)} {fmt(y(iname, iov, low).mean())} "
            f"-> {fmt(y(iname, iov, high).mean())} (+{fmt(inst_rise.mean())}); "
            f"difference-in-differences {ci_text(*ci(temp_rise - inst_rise))}; ratio of "
            f"increases {fmt(ratio)}"
        )
        results.append(
            paired_check(
                "F4",
                check,
                F4_STATEMENT,
                diff,
                "greater",
                f"final n_unfinished_projects + cum_abandoned_projects: increase from tenure "
                f"{low:g} to {high:g} months under the temporary body minus {F4_MULTIPLE:g} x "
                "the increase under the institutionalized body",
                effect,
            )
        )
    return results


F4 = Fact("F4", F4_STATEMENT, "leader_tenure_months 12 vs 42 under leading_group_temporary_office "
          "vs specialized_committee, and under centralized with body_permanence 0.1 vs 1.0",
          "n_unfinished_projects + cum_abandoned_projects", _f4_designs, _f4_checks)  # fmt: skip
