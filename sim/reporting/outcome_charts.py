"""Charts of the outcomes of compared scenarios: over time, final values, paired effects.

Built from tidy frames only (as produced by ``sim.experiments.replications``
and ``sim.analysis.statistics``) and styled by
``sim.reporting.style.style_figure``; texts come from ``sim.reporting.i18n``
(pass ``lang="zh"`` for Chinese):

- ``timeseries_figure``: an outcome over months, mean and 95% CI band per scenario;
- ``distribution_figure``: final values of each run per scenario (box or violin
  with every run as a point), one panel per outcome;
- ``forest_figure`` (former name ``differences_figure``): paired differences
  between designs with their CIs.

``add_mean_lines`` draws the mean lines with CI bands for these and for
``sim.reporting.sweep_charts``.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.analysis.statistics import CONFIDENCE, summarize
from sim.reporting import i18n
from sim.reporting.style import (
    color,
    confidence_label,
    figure_title,
    format_number,
    rgba,
    style_figure,
    text_width,
)

# -------------------------------------------------------------- time series


def _band(x: pd.Series, low: pd.Series, high: pd.Series, c: str, name: str, group: str):
    """A filled polygon from ``low`` to ``high`` (a CI band)."""
    return go.Scatter(
        x=pd.concat([x, x[::-1]]),
        y=pd.concat([high, low[::-1]]),
        mode="lines",  # without it plotly adds markers at the band's corners
        fill="toself",
        fillcolor=rgba(c, 0.18),
        line={"width": 0},
        hoverinfo="skip",
        showlegend=False,
        legendgroup=group,
        name=name,
    )


def add_mean_lines(
    fig: go.Figure,
    summary: pd.DataFrame,
    x: str,
    group: str | None,
    confidence: float,
    lang: str,
    mode: str = "lines",
) -> None:
    """Add a CI band and a mean line per group of a ``summarize`` output."""
    level = confidence_label(confidence)
    groups = list(summary.groupby(group, sort=False) if group else [("", summary)])
    # Every band first, then every line: a later band must not tint an earlier line.
    for i, (name, part) in enumerate(groups):
        name = str(name)
        band = part.sort_values(x).dropna(subset=["ci_low", "ci_high"])
        if not band.empty:
            label = i18n.t("ci_band", lang, name=name, level=level).strip()
            fig.add_trace(_band(band[x], band["ci_low"], band["ci_high"], color(i), label, name))
    for i, (name, part) in enumerate(groups):
        name = str(name)
        part = part.sort_values(x)
        c = color(i)
        fig.add_trace(
            go.Scatter(
                x=part[x],
                y=part["mean"],
                mode=mode,
                line={"color": c, "width": 2.5},
                marker={"color": c, "size": 7},
                name=name or i18n.t("mean", lang),
                legendgroup=name,
                showlegend=bool(name),
                customdata=part[["ci_low", "ci_high", "n"]].to_numpy(),
                hovertemplate=i18n.t("hover_mean", lang, name=html.escape(name), level=level)
                + "<extra></extra>",
            )
        )


def timeseries_figure(
    frame: pd.DataFrame,
    outcome: str,
    *,
    label: str | None = None,
    unit: str | None = None,
    confidence: float = CONFIDENCE,
    lang: str = "en",
) -> go.Figure:
    """Mean of an outcome over months, with its confidence band, per scenario.

    Args:
        frame: Tidy time series with columns ``scenario``, ``replication``,
            ``month`` and ``outcome``.
        outcome: Outcome column to plot.
        label: Title of the outcome (default: its label in ``lang``).
        unit: Unit shown on the y axis (default: its unit in ``lang``).
        confidence: Confidence level of the band (t-based, across replications).
        lang: ``en`` or ``zh``.

    Returns:
        A styled figure: per scenario a band trace (its CI, named
        ``"<scenario> 95% CI"``, not in the legend; absent with one
        replication) and a line trace (its mean, named after the scenario).
    """
    label = label or i18n.outcome_label(outcome, lang)
    unit = i18n.outcome_unit(outcome, lang) if unit is None else unit
    summary = summarize(frame, ["scenario", "month"], [outcome], confidence)
    fig = go.Figure()
    add_mean_lines(fig, summary, "month", "scenario", confidence, lang)
    fig.update_layout(
        title=figure_title(label, i18n.t("mean_ci", lang, level=confidence_label(confidence)))
    )
    fig.update_xaxes(title_text=i18n.t("month", lang))
    fig.update_yaxes(title_text=i18n.label_with_unit(label, unit or "", lang))
    return style_figure(fig)


# ------------------------------------------------------------ distributions


def distribution_figure(
    runs: pd.DataFrame,
    outcomes: str | Sequence[str],
    *,
    labels: Mapping[str, str] | None = None,
    units: Mapping[str, str] | None = None,
    kind: str = "box",
    columns: int = 2,
    lang: str = "en",
) -> go.Figure:
    """Final value of every run, per scenario: a box (or violin) with every run as a point.

    Args:
        runs: One row per run with ``scenario`` and outcome columns (e.g.
            ``sim.experiments.replications.final_values``).
        outcomes: One outcome or several; several give one panel each.
        labels: Panel titles by outcome (default: labels in ``lang``).
        units: Y-axis titles by outcome (default: units in ``lang``).
        kind: ``"box"`` (box with mean line) or ``"violin"``.
        columns: Panels per row when there are several outcomes.
        lang: ``en`` or ``zh``.

    Returns:
        A styled figure with one trace per outcome and scenario (named after
        the scenario; legend entries once).
    """
    if kind not in ("box", "violin"):
        raise ValueError(f"kind must be 'box' or 'violin', got {kind!r}")
    outcomes = [outcomes] if isinstance(outcomes, str) else list(outcomes)
    outcomes = [o for o in outcomes if o in runs.columns]
    labels = {o: (labels or {}).get(o) or i18n.outcome_label(o, lang) for o in outcomes}
    units = {o: (units or {}).get(o, i18n.outcome_unit(o, lang)) for o in outcomes}
    names = [str(n) for n in dict.fromkeys(runs["scenario"])]
    cols = 1 if len(outcomes) <= 1 else max(1, min(columns, len(outcomes)))
    rows = max(1, math.ceil(len(outcomes) / cols))
    fig = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=[html.escape(labels[o]) for o in outcomes] if len(outcomes) > 1 else None,
        vertical_spacing=min(0.12, 0.45 / rows) if rows > 1 else 0.1,
        horizontal_spacing=0.12,
    )
    for k, outcome in enumerate(outcomes):
        row, col = k // cols + 1, k % cols + 1
        for i, name in enumerate(names):
            values = runs.loc[runs["scenario"].astype(str) == name, outcome]
            common = {
                "x": [name] * len(values),
                "y": values.to_numpy(float),
                "name": name,
                "legendgroup": name,
                "showlegend": False,  # the x axis names the scenarios
                "marker": {"color": color(i), "size": 5, "opacity": 0.75},
                "line": {"color": color(i)},
                "hovertemplate": f"{html.escape(name)}: %{{y:.4g}}<extra></extra>",
            }
            if kind == "box":
                trace = go.Box(
                    **common,
                    boxpoints="all",
                    jitter=0.4,
                    pointpos=0,
                    boxmean=True,
                    fillcolor=rgba(color(i), 0.15),
                )
            else:
                trace = go.Violin(
                    **common,
                    points="all",
                    jitter=0.4,
                    pointpos=0,
                    box_visible=True,
                    meanline_visible=True,
                    fillcolor=rgba(color(i), 0.15),
                )
            fig.add_trace(trace, row=row, col=col)
        # With several panels the panel's title names the outcome: the axis says
        # only its unit, which fits beside the panel.
        axis_title = (
            units[outcome] or ""
            if len(outcomes) > 1
            else i18n.label_with_unit(labels[outcome], units[outcome] or "", lang)
        )
        fig.update_yaxes(title_text=axis_title, automargin=True, row=row, col=col)
    title = i18n.t("distribution_title", lang) if len(outcomes) != 1 else labels[outcomes[0]]
    fig.update_layout(title=figure_title(title, i18n.t("distribution_note", lang)))
    style_figure(fig, height=max(380, 300 * rows + 100))
    fig.update_layout(hovermode="closest", boxmode="overlay", violinmode="overlay")
    return fig


# -------------------------------------------------------------- forest plot

#: Largest standardized effect drawn to scale; larger ones are drawn at the edge.
FOREST_CAP_SD = 5.0


def _pooled_sd(summary: pd.DataFrame | None, outcome: str, a: str, b: str) -> float:
    """Root mean square of the two scenarios' SDs of ``outcome`` (NaN if unknown)."""
    if summary is None or summary.empty:
        return math.nan
    part = summary[summary["outcome"] == outcome].set_index("scenario")["sd"]
    if a not in part.index or b not in part.index:
        return math.nan
    return float(math.sqrt((float(part[a]) ** 2 + float(part[b]) ** 2) / 2))


def forest_figure(
    paired: pd.DataFrame,
    summary: pd.DataFrame | None = None,
    *,
    labels: Mapping[str, str] | None = None,
    units: Mapping[str, str] | None = None,
    confidence: float = CONFIDENCE,
    lang: str = "en",
) -> go.Figure:
    """Forest plot of paired differences between designs, one row per outcome.

    Outcomes have different units, so every row is put on one axis in
    standard deviations: the mean paired difference and its CI divided by the
    pooled SD of the two scenarios' final values (from ``summary``). The
    difference in the outcome's own units, with its CI, is written at the
    right of each row. A design with (nearly) no variation makes the pooled SD
    tiny and the standardized effect huge, which would squeeze every other
    row, so the axis is capped at ``FOREST_CAP_SD``: a larger effect (or CI
    end) is drawn at the edge with a triangle pointing out of the plot, and
    the subtitle says so; its value stays written beside the row. Without
    ``summary`` (or with one outcome) the axis is the outcome's own units
    instead.

    Args:
        paired: Output of ``sim.analysis.statistics.paired_differences``.
        summary: Output of ``sim.analysis.statistics.summarize`` by scenario (``sd``
            per scenario and outcome) for the standardized axis.
        labels: Row labels by outcome (default: labels in ``lang``).
        units: Units by outcome (default: units in ``lang``).
        confidence: Confidence level the intervals in ``paired`` have.
        lang: ``en`` or ``zh``.

    Returns:
        A styled figure: one marker trace with horizontal error bars per
        compared scenario (named ``"<scenario> − <baseline>"``), a dotted
        line at 0 and one annotation per row.
    """
    outcomes = list(dict.fromkeys(paired["outcome"]))
    names = [str(n) for n in dict.fromkeys(paired["scenario"])]
    labels = {o: (labels or {}).get(o) or i18n.outcome_label(o, lang) for o in outcomes}
    units = {o: (units or {}).get(o, i18n.outcome_unit(o, lang)) for o in outcomes}
    standardized = summary is not None and len(outcomes) > 1
    level = confidence_label(confidence)
    baseline = str(paired["baseline"].iloc[0]) if len(paired) else ""

    def row_name(outcome: str, name: str) -> str:
        return labels[outcome] if len(names) == 1 else f"{labels[outcome]} · {name}"

    fig = go.Figure()
    annotations = []
    capped: list[bool] = []
    for i, name in enumerate(names):
        part = paired[paired["scenario"].astype(str) == name].set_index("outcome")
        xs, lows, highs, ys, hovers, symbols = [], [], [], [], [], []
        for outcome in outcomes:
            if outcome not in part.index:
                continue
            r = part.loc[outcome]
            diff, low, high = (float(r[k]) for k in ("mean_difference", "ci_low", "ci_high"))
            scale = 1.0
            note = ""
            if standardized:
                scale = _pooled_sd(summary, outcome, str(r["baseline"]), name)
                if not (scale > 0):
                    scale = math.nan
                    if diff == 0:
                        scale = 1.0  # no variation and no difference: exactly 0
                    note = f" ({i18n.t('no_variation', lang)})"
            x = diff / scale
            lo = (low / scale) if math.isfinite(low) else x
            hi = (high / scale) if math.isfinite(high) else x
            y = row_name(outcome, name)
            symbol = "square"
            if standardized and math.isfinite(x) and abs(x) > FOREST_CAP_SD:
                symbol = "triangle-right" if x > 0 else "triangle-left"
                note += f" ({i18n.t('forest_beyond', lang, sd=x)})"
            if standardized:
                ends = [abs(v) for v in (x, lo, hi) if math.isfinite(v)]
                capped.append(bool(ends) and max(ends) > FOREST_CAP_SD)
                x, lo, hi = (min(max(v, -FOREST_CAP_SD), FOREST_CAP_SD) for v in (x, lo, hi))
            symbols.append(symbol)
            xs.append(x)
            lows.append(x - lo)
            highs.append(hi - x)
            ys.append(y)
            text = (
                f"{format_number(diff)} [{format_number(low)}, {format_number(high)}] "
                f"{units[outcome]}{note}"
            ).strip()
            hovers.append(
                html.escape(
                    i18n.t(
                        "forest_hover",
                        lang,
                        name=name,
                        baseline=r["baseline"],
                        diff=format_number(diff),
                        unit=units[outcome],
                        level=level,
                        low=format_number(low),
                        high=format_number(high),
                    )
                )
            )
            annotations.append(
                {
                    "x": 1.01,
                    "xref": "paper",
                    "y": y,
                    "yref": "y",
                    "text": html.escape(text),
                    "showarrow": False,
                    "xanchor": "left",
                    "font": {"size": 12, "color": color(i + 1)},
                }
            )
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="markers",
                marker={"color": color(i + 1), "size": 11, "symbol": symbols},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": highs,
                    "arrayminus": lows,
                    "color": color(i + 1),
                    "thickness": 2,
                    "width": 6,
                },
                name=f"{name} − {baseline}",
                text=hovers,
                hovertemplate="%{text}<extra></extra>",
            )
        )
    fig.add_vline(x=0, line={"color": "#666", "dash": "dot", "width": 1.5})
    n_rows = len(outcomes) * len(names)
    axis = i18n.t("forest_axis", lang)
    if not standardized:
        only_unit = units[outcomes[0]] if len(outcomes) == 1 else ""
        axis = i18n.label_with_unit(i18n.t("forest_axis_native", lang), only_unit, lang)
    note = (
        i18n.t("forest_note", lang, level=level)
        if standardized
        else i18n.t("mean_ci", lang, level=level)
    )
    if any(capped):
        note += i18n.t("forest_capped", lang, cap=f"{FOREST_CAP_SD:g}")
        fig.update_xaxes(range=[-FOREST_CAP_SD * 1.08, FOREST_CAP_SD * 1.08])
    fig.update_layout(
        title=figure_title(i18n.t("forest_title", lang, baseline=baseline), note),
        annotations=annotations,
    )
    fig.update_xaxes(title_text=axis, zeroline=False)
    fig.update_yaxes(autorange="reversed", showgrid=True, ticks="")
    style_figure(fig, height=max(300, 34 * n_rows + 170))
    # The right margin holds the written differences: as wide as the longest one
    # (about 7 px a character at 12 px), so none is cut at the figure's edge.
    widest = max((text_width(str(a["text"])) for a in annotations), default=20)
    breaks = str(fig.layout.title.text or "").count("<br>")
    fig.update_layout(
        hovermode="closest",
        margin={"l": 20, "r": min(520, 7 * widest + 30), "t": 90 + 17 * breaks, "b": 60},
    )
    fig.update_yaxes(automargin=True)
    return fig


def differences_figure(
    paired: pd.DataFrame,
    labels: Mapping[str, str] | None = None,
    summary: pd.DataFrame | None = None,
    *,
    lang: str = "en",
) -> go.Figure:
    """Former name of ``forest_figure`` (same figure)."""
    return forest_figure(paired, summary, labels=labels, lang=lang)
