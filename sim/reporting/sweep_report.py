"""The report of a parameter sweep: ``report.html`` in the sweep folder.

Written by ``run.py sweep`` and rewritten by ``run.py report SWEEP_DIR``.
From the folder's summary (``sim.analysis.sweep_summary.SweepSummary``):

* each outcome against each swept parameter (up to ``MAX_LINE_PARAMETERS``,
  the most influential first when there are sensitivity indices): the mean
  with its confidence band over the runs at each grid value, or over bins of
  the sampled values for lhs, sobol and morris designs (the other parameters
  vary within a bin);
* a heatmap over the first two parameters (categorical axes: one cell per
  grid value or bin);
* Sobol (S1, ST) or Morris (mu*) bars with their 95% confidence intervals,
  with a warning when the sample is too small for them (an S1 below 0 or an
  ST above 1 beyond its interval, or first-order indices summing above 1).
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sim.experiments.inputs.limits import shorten
from sim.reporting import i18n
from sim.reporting.pages import figure_divs, provenance_section, write_page
from sim.reporting.style import color, figure_title, format_number, style_figure
from sim.reporting.sweep_charts import (
    sweep_difference_figure,
    sweep_heatmap_figure,
    sweep_line_figure,
)

#: Parameters given line charts (the rest are in the tables).
MAX_LINE_PARAMETERS = 6

#: Bins of a sampled parameter in line charts and heatmaps.
SAMPLED_BINS = 8


def _is_grid(record: dict[str, Any]) -> bool:
    design = (record.get("definition") or {}).get("design") or {}
    return design.get("method", "grid" if not record.get("salib_problem") else "") == "grid"


#: An integer parameter with at most this many sampled values is not binned:
#: each value is its own category.
MAX_INTEGER_VALUES = 12


def _binned(
    runs: pd.DataFrame, name: str, low: float, high: float, bins: int
) -> tuple[pd.Series, dict[float, str]]:
    """Each run's bin of a sampled parameter, as the bin's midpoint, and each bin's label.

    A bin is labelled with its range ("0.25–0.38"); for an integer parameter
    with the whole numbers sampled in it ("3–5", or "4" alone), since its
    values are rounded and the bin edges fall between them.
    """
    edges = np.linspace(low, high, bins + 1)
    index = np.clip(np.digitize(runs[name], edges[1:-1]), 0, bins - 1)
    middle = pd.Series((edges[index] + edges[index + 1]) / 2, index=runs.index)
    integer = _is_integer(name)
    labels = {}
    for k in np.unique(index):
        values = runs.loc[index == k, name]
        if integer:
            a, b = int(values.min()), int(values.max())
            text = f"{a}" if a == b else f"{a}–{b}"
        else:
            text = f"{format_number(edges[k])}–{format_number(edges[k + 1])}"
        labels[float((edges[k] + edges[k + 1]) / 2)] = text
    return middle, labels


def _is_integer(name: str) -> bool:
    from sim.model.parameters import SPECS

    spec = SPECS.get(name)
    return spec is not None and spec.type is int


def _ranges(record: dict[str, Any]) -> dict[str, tuple[float, float]]:
    problem = record.get("salib_problem") or {}
    names, bounds = problem.get("names", []), problem.get("bounds", [])
    return {n: tuple(b) for n, b in zip(names, bounds, strict=True)}


def sensitivity_warnings(sensitivity: pd.DataFrame | None, lang: str = "en") -> list[str]:
    """Why the sensitivity indices cannot be trusted, if they cannot."""
    if sensitivity is None or sensitivity.empty:
        return []
    out = []
    table = sensitivity.pivot_table(
        index=["outcome", "parameter"], columns="index", values=["value", "conf"]
    )
    if ("value", "S1") in table.columns:
        s1, s1c = table[("value", "S1")], table.get(("conf", "S1"), 0).fillna(0)
        negative = s1[(s1 + s1c) < 0]
        if len(negative):
            out.append(i18n.t("sweep_warn_s1_negative", lang, n=len(negative)))
        sums = s1.groupby(level="outcome").sum()
        if (sums > 1.05).any():
            out.append(i18n.t("sweep_warn_s1_sum", lang, n=int((sums > 1.05).sum())))
    if ("value", "ST") in table.columns:
        st, stc = table[("value", "ST")], table.get(("conf", "ST"), 0).fillna(0)
        above = st[(st - stc) > 1]
        if len(above):
            out.append(i18n.t("sweep_warn_st_above", lang, n=len(above)))
    return out


def sensitivity_figure(
    sensitivity: pd.DataFrame, outcome: str, lang: str = "en"
) -> go.Figure | None:
    """Sobol S1 and ST, or Morris mu*, per parameter with 95% confidence intervals."""
    frame = sensitivity[sensitivity["outcome"] == outcome]
    if frame.empty:
        return None
    kinds = [k for k in ("S1", "ST", "mu_star") if k in set(frame["index"])]
    fig = go.Figure()
    for i, kind in enumerate(kinds):
        part = frame[frame["index"] == kind].sort_values("parameter")
        fig.add_trace(
            go.Bar(
                x=part["value"],
                y=[i18n.parameter_label(p, lang) for p in part["parameter"]],
                orientation="h",
                name=kind.replace("mu_star", "μ*"),
                marker={"color": color(i)},
                error_x={"type": "data", "array": part["conf"].fillna(0), "visible": True},
                hovertemplate="%{y}: %{x:.3g} ± %{error_x.array:.3g}<extra>"
                + kind.replace("mu_star", "μ*")
                + "</extra>",
            )
        )
    style_figure(fig, height=max(320, 30 * frame["parameter"].nunique() * len(kinds) + 140))
    method = "Morris" if "mu_star" in kinds else "Sobol"
    fig.update_layout(
        title=figure_title(
            i18n.t(
                "sweep_sens_title", lang, method=method, label=i18n.outcome_label(outcome, lang)
            ),
            i18n.t("ci", lang, level="95%"),
        ),
        barmode="group",
        hovermode="closest",
    )
    fig.update_yaxes(type="category")
    return fig


def _order(summary: Any, parameters: list[str]) -> list[str]:
    """Parameters, the most influential first when there are sensitivity indices."""
    sens = summary.sensitivity
    if sens is None or sens.empty:
        return parameters
    kind = "ST" if "ST" in set(sens["index"]) else "mu_star"
    part = sens[sens["index"] == kind]
    if part.empty:
        return parameters
    spread = part.groupby("outcome")["value"].transform(lambda v: v / (v.abs().max() or 1))
    rank = part.assign(norm=spread).groupby("parameter")["norm"].max()
    return sorted(parameters, key=lambda p: -float(rank.get(p, 0.0)))


def sweep_figures(summary: Any, lang: str = "en") -> dict[str, go.Figure]:
    """Every chart of a sweep report, keyed by a file stem."""
    record = summary.record
    parameters = list(record["parameters"])
    outcomes = [o for o in record["outcomes"] if o in summary.runs.columns]
    runs = summary.runs.copy()
    grid = _is_grid(record)
    ranges = _ranges(record)
    shown = _order(summary, parameters)[:MAX_LINE_PARAMETERS]
    bin_labels: dict[str, dict[float, str]] = {}
    if not grid:
        for name in parameters:
            if _is_integer(name) and runs[name].nunique() <= MAX_INTEGER_VALUES:
                continue  # few whole numbers: each is a category of its own
            low, high = ranges.get(name, (runs[name].min(), runs[name].max()))
            runs[name], bin_labels[name] = _binned(
                runs, name, float(low), float(high), SAMPLED_BINS
            )
    figures: dict[str, go.Figure] = {}
    group = parameters[1] if grid and len(parameters) == 2 else None
    for outcome in outcomes:
        for name in shown:
            line_group = group if group and group != name else None
            if grid and len(parameters) == 2 and name == parameters[1]:
                line_group = parameters[0]
            figures[f"sweep_{outcome}_by_{name}"] = sweep_line_figure(
                runs, name, outcome, group=line_group, lang=lang
            )
        if len(shown) >= 2:
            figures[f"heatmap_{outcome}"] = sweep_heatmap_figure(
                runs, shown[0], shown[1], outcome, lang=lang, value_labels=bin_labels
            )
        if summary.paired is not None and not summary.paired.empty and shown:
            fig = sweep_difference_figure(summary.paired, shown[0], outcome, lang=lang)
            if fig is not None:
                figures[f"difference_{outcome}_by_{shown[0]}"] = fig
        if summary.sensitivity is not None and not summary.sensitivity.empty:
            fig = sensitivity_figure(summary.sensitivity, outcome, lang)
            if fig is not None:
                figures[f"sensitivity_{outcome}"] = fig
    return figures


def _manifest(folder: Path) -> dict[str, Any]:
    """The sweep folder's ``manifest.json`` (written before the report), or {}."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return manifest if isinstance(manifest, dict) else {}


def write_sweep_report(summary: Any, lang: str = "en") -> Path:
    """Write ``report.html`` (``report_zh.html`` in Chinese) into the sweep folder."""
    record = summary.record
    grid = _is_grid(record)
    figures = sweep_figures(summary, lang)
    divs = figure_divs(list(figures.values()))
    name = shorten(str(record.get("name", summary.out_dir.name)), 200)
    title = i18n.t("sweep_report_title", lang, name=name)
    description = shorten(str(record.get("description", "")), 10_000)  # bounded: sweep.json
    lines = [
        f"<h1>{html.escape(title)}</h1>",
        f"<p>{html.escape(description)}</p>",
        "<p>"
        + html.escape(
            i18n.t(
                "sweep_report_intro",
                lang,
                points=record.get("points", "?"),
                replications=record.get("replications", "?"),
                finished=summary.finished,
                total=summary.total,
                parameters=", ".join(i18n.parameter_label(p, lang) for p in record["parameters"]),
            )
        )
        + "</p>",
    ]
    if not grid:
        lines.append(
            f"<p class='note'>{html.escape(i18n.t('sweep_binned', lang, bins=SAMPLED_BINS))}</p>"
        )
    warnings = sensitivity_warnings(summary.sensitivity, lang)
    if warnings:
        lines.append(
            "<p class='note' style='color:#a40'><b>"
            + html.escape(i18n.t("sweep_sens_warning", lang, problems="; ".join(warnings)))
            + "</b></p>"
        )
    if len(record["parameters"]) > MAX_LINE_PARAMETERS:
        note = i18n.t("sweep_top_only", lang, n=MAX_LINE_PARAMETERS)
        lines.append(f"<p class='note'>{html.escape(note)}</p>")
    lines += [f"<div class='fig'>{d}</div>" for d in divs]
    lines.append(f"<p class='note'>{html.escape(i18n.t('sweep_report_files', lang))}</p>")
    lines.append(provenance_section(_manifest(summary.out_dir), lang))
    name = "report_zh.html" if lang == "zh" else "report.html"
    return write_page(summary.out_dir / name, title, "\n".join(lines) + "\n", lang=lang)
