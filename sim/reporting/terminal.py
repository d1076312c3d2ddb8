"""Plain-text tables for the terminal: an experiment's outcomes and paired differences."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from typing import Any

from sim.analysis.comparison import Comparison
from sim.analysis.sweep_summary import SweepSummary
from sim.experiments.replications import BOTTOM_LINE_OUTCOMES
from sim.model.parameters import SPECS
from sim.reporting import i18n
from sim.reporting.charts import format_number

#: Outcomes printed in the terminal report, in this order (skipped if absent):
#: the bottom line last, as one group (cost per service month beside the
#: service delivered and the needs covered, issue 25).
REPORT_OUTCOMES: tuple[str, ...] = (
    "n_redundant_common_systems",
    "duplication_rate",
    "data_sharing_rate",
    "platform_adoption_rate",
    "mean_months_to_service",
    "cum_spending",
    "cum_governance_cost",
    "cum_operation_cost",
    *BOTTOM_LINE_OUTCOMES,
)


_num = format_number


def interval(low: float, high: float) -> str:
    """``[low, high]`` with numbers formatted for reading; empty if not finite."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return ""
    return f"[{_num(low)}, {_num(high)}]"


def _p(p: float) -> str:
    if p is None or not math.isfinite(p):
        return ""
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def format_report(
    result: Comparison, outcomes: Sequence[str] = REPORT_OUTCOMES, *, lang: str = "en"
) -> str:
    """Return the terminal report: final values and paired differences.

    Args:
        result: Output of ``sim.analysis.comparison.compare`` (or ``run_experiment``).
        outcomes: Outcomes to show (absent ones are skipped).
        lang: ``en`` or ``zh`` (labels and sentences; scenario names as they are).

    Returns:
        Plain text, one block per outcome.
    """
    summary = result.summary
    months = sorted({int(s.parameters.months) for s in result.scenarios})
    n = int(result.frame["replication"].nunique())
    names = [s.name for s in result.scenarios]
    baseline = names[0]
    rows: list[tuple[str, str, str, str]] = []

    lines = [
        i18n.t(
            "term_header", lang, months=", ".join(map(str, months)), n=n, s="s" if n != 1 else ""
        ),
    ]
    if result.paired is not None:
        lines.append(i18n.t("term_differences", lang, baseline=baseline))
    if n < 2:
        lines.append(i18n.t("term_one_rep", lang))
    posterior = getattr(result, "posterior", None)
    if posterior:
        lines.append(
            i18n.t(
                "term_posterior",
                lang,
                folder=posterior.get("folder", "?"),
                free=", ".join(posterior.get("free", [])),
            )
        )
    shown = [o for o in outcomes if o in set(summary["outcome"])]
    width = max(len(x) for x in [*names, *(f"{x} − {baseline}" for x in names)]) + 2
    group_start = next((o for o in shown if o in BOTTOM_LINE_OUTCOMES), None)
    for outcome in shown:
        if outcome == group_start:
            lines += ["", i18n.t("bottom_line_group", lang)]
        part = summary[summary["outcome"] == outcome].set_index("scenario")
        label, unit = part["label"].iloc[0], part["unit"].iloc[0]
        if lang != "en":
            label, unit = i18n.outcome_label(outcome, lang), i18n.outcome_unit(outcome, lang)
        rows = []
        for name in names:
            r = part.loc[name]
            rows.append((name, _num(r["mean"]), interval(r["ci_low"], r["ci_high"]), ""))
        if result.paired is not None:
            diff = result.paired[result.paired["outcome"] == outcome].set_index("scenario")
            for name in names[1:]:
                d = diff.loc[name]
                rows.append(
                    (
                        f"{name} − {baseline}",
                        _num(d["mean_difference"]),
                        interval(d["ci_low"], d["ci_high"]),
                        _p(d["p_value"]),
                    )
                )
        w_mean = max(len(r[1]) for r in rows)
        w_ci = max(len(r[2]) for r in rows)
        lines.append("")
        lines.append(i18n.label_with_unit(str(label), str(unit or ""), lang))
        for who, mean, ci, p in rows:
            lines.append(f"  {who:<{width}}{mean:>{w_mean}}  {ci:<{w_ci}}  {p}".rstrip())
    return "\n".join(lines)


def format_sweep_report(summary: SweepSummary, max_points: int = 20) -> str:
    """Return the terminal report of a sweep summary.

    Args:
        summary: Output of ``summarize_sweep``.
        max_points: Design points shown per outcome (all are in the CSV files).

    Returns:
        Plain text: per outcome, the mean and 95% CI of each point and its
        paired difference from the reference point.
    """
    record = summary.record
    names = list(record["parameters"])
    reference = int(record["reference_point"])
    method = record["definition"]["design"]["method"]
    reps = int(record["replications"])
    lines = [
        f"Sweep {record['name']}: {record['points']} design points ({method}) x {reps} "
        f"replication{'s' if reps != 1 else ''}, base scenario "
        f"{record['definition']['scenario']['name']}; {summary.finished} of {summary.total} "
        "runs finished.",
        "Final-month value: mean and 95% CI over replications; diff: point minus the "
        f"reference point {reference} within each replication (same seed), with its 95% CI.",
    ]
    if not summary.complete:
        lines.append(
            "The sweep is not finished: these figures cover the finished runs only. Run the "
            "same 'run.py sweep' command again to resume."
        )
    shown = summary.design["point"].tolist()
    if len(shown) > max_points:
        shown = sorted({reference, *shown[: max_points - 1]})
    paired = summary.paired
    for outcome in [o for o in record["outcomes"] if o in set(summary.summary["outcome"])]:
        part = summary.summary[summary.summary["outcome"] == outcome].set_index("point")
        diff = (
            paired[paired["outcome"] == outcome].set_index("point") if paired is not None else None
        )
        label, unit = part["label"].iloc[0], part["unit"].iloc[0]
        header = ["point", *names, "mean", "95% CI", "diff", "95% CI"]
        table = []
        for point in shown:
            if point not in part.index:
                continue
            r = part.loc[point]
            cells = [str(point) + (" (ref)" if point == reference else "")]
            cells += [str(int(r[n])) if SPECS[n].type is int else _num(r[n]) for n in names]
            cells += [_num(r["mean"]), interval(r["ci_low"], r["ci_high"])]
            if diff is not None and point in diff.index:
                d = diff.loc[point]
                cells += [
                    _num(d["mean_difference"]),
                    interval(d["ci_low"], d["ci_high"]),
                ]
            else:
                cells += ["", ""]
            table.append(cells)
        widths = [max(len(h), *(len(row[i]) for row in table)) for i, h in enumerate(header)]
        lines.append("")
        lines.append(f"{label} ({unit})" if unit else str(label))
        for row in [header, *table]:
            lines.append(
                "  " + "  ".join(f"{c:<{w}}" for c, w in zip(row, widths, strict=True)).rstrip()
            )
    if len(summary.design) > len(shown):
        lines.append("")
        lines.append(
            f"Showing {len(shown)} of {len(summary.design)} design points; all are in "
            "summary.csv and paired_differences.csv."
        )
    if summary.sensitivity is not None and not summary.sensitivity.empty:
        lines.append("")
        key = "ST" if method == "sobol" else "mu_star"
        lines.append(f"Sensitivity ({'total Sobol index ST' if key == 'ST' else 'Morris mu*'}):")
        sens = summary.sensitivity[summary.sensitivity["index"] == key]
        for outcome, group in sens.groupby("outcome", sort=False):
            cells = ", ".join(f"{r.parameter} {_num(r.value)}" for r in group.itertuples())
            lines.append(f"  {outcome}: {cells}")
    return "\n".join(lines)


def condition_zh(name: str, reason: str) -> tuple[str, str]:
    """Chinese name and reason of a ``where-it-loses`` condition.

    A plausible end (``"<parameter> low"`` or ``"<parameter> high"``, read from
    the declarations) is named from the parameter's Chinese label.
    """
    if name in i18n.CONDITIONS_ZH:
        return i18n.CONDITIONS_ZH[name]
    parameter, _, end = name.rpartition(" ")
    if end in ("low", "high") and parameter:
        side = "下端" if end == "low" else "上端"
        return f"{i18n.parameter_label(parameter, 'zh')}取合理范围{side}", f"合理范围{side}"
    return name, reason


def format_world_shares(shares: Any, replications: int, lang: str = "en") -> str:
    """The sampled worlds' shares of ``where-it-loses`` (``world_shares``) as text."""
    worlds = int(shares["worlds"].max()) if len(shares) else 0
    lines = textwrap.wrap(
        i18n.t("where_worlds", lang, worlds=worlds, replications=replications), 79
    )
    for r in shares.itertuples():
        lines.append(
            i18n.t(
                "where_worlds_row",
                lang,
                outcome=f"{i18n.outcome_label(r.outcome, lang):<24}",
                share=f"{r.share_worse:.0%}",
                low=f"{r.ci_low:.0%}",
                high=f"{r.ci_high:.0%}",
                worse=r.worse,
                n=r.worlds,
                clear=f"{r.share_clearly_worse:.0%}",
            )
        )
    return "\n".join(lines)


def format_where_it_loses(table: Any, replications: int, lang: str = "en") -> str:
    """Return the table of ``sim.analysis.where_it_loses.where_it_loses`` as text.

    Args:
        table: Its output (one row per condition and outcome).
        replications: Paired replications per design and condition.
        lang: ``en`` or ``zh``.

    Returns:
        One block per condition: the judged outcomes with both designs' means,
        the paired difference (centralized minus dispersed), its 95% CI and
        the verdict.
    """
    zh = i18n.check_lang(lang) == "zh"

    def condition_text(name: str, reason: str) -> tuple[str, str]:
        return condition_zh(name, reason) if zh else (name, reason)

    def verdict(text: str) -> str:
        return i18n.VERDICTS_ZH.get(text, text) if zh else text

    lines = [i18n.t("where_header", lang, replications=replications)]
    for condition, rows in table.groupby("condition", sort=False):
        first = rows.iloc[0]
        shown = f" ({first['values']})" if first["values"] else ""
        name, reason = condition_text(condition, first["reason"])
        lines.append("")
        lines.append(f"{name}{shown}{'：' if zh else ': '}{reason}")
        for r in rows.itertuples():
            label = i18n.outcome_label(r.outcome, lang) if zh else f"{r.outcome:<24}"
            lines.append(
                i18n.t(
                    "where_row",
                    lang,
                    outcome=label,
                    dispersed=f"{_num(r.dispersed):>8}",
                    centralized=f"{_num(r.centralized):>8}",
                    difference=f"{_num(r.difference):>8}",
                    interval=f"{interval(r.ci_low, r.ci_high):<22}",
                    verdict=verdict(r.verdict),
                )
            )
    worse = table[table["verdict"] == "centralized worse"]
    lines.append("")
    if worse.empty:
        lines.append(i18n.t("where_worse_none", lang))
    else:
        items = [
            f"{condition_text(r.condition, '')[0]} "
            f"({i18n.outcome_label(r.outcome, lang) if zh else r.outcome})"
            for r in worse.itertuples()
        ]
        lines.append(i18n.t("where_worse_under", lang, items=("；" if zh else "; ").join(items)))
    return "\n".join(lines)
