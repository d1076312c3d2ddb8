"""Plain-text tables of a validation run, as ``python run.py validate-model`` prints them."""

from __future__ import annotations

import math
import textwrap

import pandas as pd

from sim.analysis.validation.core import ci_text, fmt_p
from sim.analysis.validation.docking import DOCKING_OUTCOMES
from sim.analysis.validation.suite import FACT_IDS, FACTS, ValidationResult, fact_status


def _wrap(text: str, indent: str, width: int = 100) -> list[str]:
    return textwrap.wrap(
        text, width=width, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False
    )


def format_validation(result: ValidationResult) -> str:
    """Return the validation table as printed by ``run.py validate-model``."""
    s, table = result.settings, result.table
    lines = [
        f"Stylized facts (MODEL.md section 7): {s.replications} paired replications, "
        f"{s.n_departments} departments (F1: {', '.join(map(str, s.sizes))}), {s.months} months"
        f"{' (fast mode)' if s.fast else ''}.",
        "",
    ]
    status = fact_status(table)
    for fact in FACTS:
        part = table[table["fact"] == fact.id]
        if part.empty:
            continue
        verdict = "PASS" if status[fact.id] else "FAIL"
        lines.append(f"{fact.id}  {verdict}  {fact.statement}")
        for _, r in part.iterrows():
            est = ci_text(r["estimate"], r["ci_low"], r["ci_high"])
            lines.append(
                f"  {r['check']:<32}{'pass' if r['passed'] else 'FAIL':<6}{est}  "
                f"{fmt_p(r['p_value'])}".rstrip()
            )
            lines += _wrap("criterion: " + r["criterion"], "      ")
            lines += _wrap("effect: " + r["effect"], "      ")
        lines.append("")
    n_pass = sum(status.values())
    lines.append(f"{n_pass} of {len(status)} facts pass; {int(table['passed'].sum())} of "
                 f"{len(table)} checks pass ({result.elapsed:.0f} s).")  # fmt: skip
    return "\n".join(lines)


def format_docking(docking: pd.DataFrame) -> str:
    """Return the docking variants as a table of residual shares of the design effect."""
    pivot = docking.pivot_table(
        index="variant", columns="outcome", values="residual_share", sort=False
    )
    short = {
        "n_redundant_common_systems": "redund",
        "duplication_rate": "dup_rate",
        "data_sharing_rate": "sharing",
        "platform_adoption_rate": "platform",
        "capability_coverage": "coverage",
        "mean_months_to_service": "months",
        "cum_spending": "spending",
        "n_unfinished_projects": "unfinish",
        "cum_abandoned_projects": "abandon",
    }
    failing = (
        docking[~docking["equivalent"].astype(bool)]
        .groupby("variant", sort=False)["outcome"]
        .agg(lambda o: ", ".join(short.get(x, x) for x in o))
    )
    cols = [c for c in DOCKING_OUTCOMES if c in pivot.columns]
    width = max(len(v) for v in pivot.index) + 2
    head = f"{'variant':<{width}}" + "".join(f"{short.get(c, c)[:9]:>10}" for c in cols)
    lines = [
        "Docking variants: residual share of the centralized design effect "
        "(variant - dispersed arm) / (centralized - dispersed); 0 = none of the effect "
        "left, 1 = all of it. Last column: outcomes on which the TOST equivalence test "
        "(margin 0.5 SD) fails.",
        head + "  not equivalent on",
    ]
    for variant, row in pivot.iterrows():
        cells = "".join(f"{row[c]:>10.2f}" if math.isfinite(row[c]) else f"{'-':>10}" for c in cols)
        lines.append(f"{variant:<{width}}{cells}  {failing.get(variant, '-')}")
    return "\n".join(lines)


def format_mutants(table: pd.DataFrame) -> str:
    """Return the mutant x fact table (pass = the fact still holds, FAIL = caught)."""
    facts = [f for f in FACT_IDS if f in table.columns]
    width = max(len(m) for m in table["mutant"]) + 2
    lines = [
        "Mutation check: each row is the model with one mechanism switched off; FAIL means the "
        "suite catches the mutant (the fact no longer holds).",
        f"{'mutant':<{width}}" + "".join(f"{f:<6}" for f in facts) + "failed checks",
    ]
    for _, r in table.iterrows():
        cells = "".join(f"{'pass' if r[f] else 'FAIL':<6}" for f in facts)
        lines.append(f"{r['mutant']:<{width}}{cells}{r['failed_checks']}".rstrip())
    mutants = table[table["mutant"] != "none"]
    caught = {f: int((~mutants[f].astype(bool)).sum()) for f in facts}
    lines.append(f"{'mutants caught':<{width}}" + "".join(f"{caught[f]:<6}" for f in facts))
    return "\n".join(lines)
