"""Charts of experiment results (plotly), in English or Chinese.

Every figure is built from tidy frames only (as produced by
``sim.experiments.replications``, ``sim.analysis.statistics`` and
``sim.model.network``) and styled by ``style_figure``. Texts come from
``sim.reporting.i18n``; pass ``lang="zh"`` for Chinese. The builders:

- ``timeseries_figure``: an outcome over months, mean and 95% CI band per scenario;
- ``distribution_figure``: final values of each run per scenario (box or violin
  with every run as a point), one panel per outcome;
- ``forest_figure``: paired differences between designs with their CIs;
- ``sweep_line_figure`` and ``sweep_heatmap_figure``: an outcome against one
  parameter (with CI) or over two parameters (means), from one row per run;
- ``network_figure``: the data-sharing network of one run.

The one function here that touches the disk is ``save_html``; static images
are written by ``sim.reporting.export``.
"""

from __future__ import annotations

import html
import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.analysis.statistics import CONFIDENCE, summarize
from sim.experiments.files import atomic_write
from sim.reporting import i18n

#: Colors given to scenarios in order (the baseline gets the first).
PALETTE = (
    "#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3",
    "#937860", "#DA8BC3", "#8C8C8C", "#CCB974", "#64B5CD",
)  # fmt: skip

#: Font stack of every figure and page: Latin fonts first, then CJK fonts so
#: Chinese shows in browsers on any system and in static exports (Debian:
#: fonts-noto-cjk provides "Noto Sans CJK SC").
FONT_FAMILY = (
    "Helvetica Neue, Helvetica, Arial, Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, "
    "PingFang SC, Microsoft YaHei, sans-serif"
)

_FONT = FONT_FAMILY  # kept for older imports
_NOTE_STYLE = "font-size:12px;color:#666"


def color(index: int) -> str:
    """Return the color of the ``index``-th scenario."""
    return PALETTE[index % len(PALETTE)]


def _rgba(hex_color: str, alpha: float) -> str:
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def format_number(x: float | None) -> str:
    """Format a number with precision suited to its size ('n/a' if not finite)."""
    if x is None or not math.isfinite(x):
        return "n/a"
    a = abs(x)
    if a >= 1000:
        text = f"{x:,.0f}"
    elif a >= 100:
        text = f"{x:.1f}"
    elif a >= 1:
        text = f"{x:.2f}"
    else:
        text = f"{x:.3f}"
    return text.replace("-", "−")


def _level(confidence: float) -> str:
    return f"{confidence:.0%}"


def _title(text: str, note: str = "") -> dict[str, str]:
    note_html = f" <span style='{_NOTE_STYLE}'>({html.escape(note)})</span>" if note else ""
    return {"text": html.escape(text) + note_html}


def style_figure(fig: go.Figure, *, height: int = 420) -> go.Figure:
    """Apply the project's common look to a figure (in place).

    The font family includes CJK fonts, so Chinese labels render in browsers
    and static exports alike.

    Args:
        fig: Figure to style.
        height: Height in pixels.

    Returns:
        The same figure, for chaining.
    """
    fig.update_layout(
        template="plotly_white",
        font={"family": FONT_FAMILY, "size": 13, "color": "#222"},
        title={"x": 0.01, "xanchor": "left", "font": {"size": 16}},
        height=height,
        margin={"l": 70, "r": 30, "t": 70, "b": 55},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 1, "xanchor": "right"},
        hovermode="x unified",
        hoverlabel={"font": {"family": FONT_FAMILY}},
    )
    fig.update_xaxes(showline=True, linecolor="#888", ticks="outside", gridcolor="#eee")
    fig.update_yaxes(showline=True, linecolor="#888", ticks="outside", gridcolor="#eee")
    return fig


# -------------------------------------------------------------- time series


def _band(x: pd.Series, low: pd.Series, high: pd.Series, c: str, name: str, group: str):
    """A filled polygon from ``low`` to ``high`` (a CI band)."""
    return go.Scatter(
        x=pd.concat([x, x[::-1]]),
        y=pd.concat([high, low[::-1]]),
        fill="toself",
        fillcolor=_rgba(c, 0.18),
        line={"width": 0},
        hoverinfo="skip",
        showlegend=False,
        legendgroup=group,
        name=name,
    )


def _mean_lines(
    fig: go.Figure,
    summary: pd.DataFrame,
    x: str,
    group: str | None,
    confidence: float,
    lang: str,
    mode: str = "lines",
) -> None:
    """Add a CI band and a mean line per group of a ``summarize`` output."""
    level = _level(confidence)
    groups = summary.groupby(group, sort=False) if group else [("", summary)]
    for i, (name, part) in enumerate(groups):
        name = str(name)
        part = part.sort_values(x)
        c = color(i)
        band = part.dropna(subset=["ci_low", "ci_high"])
        if not band.empty:
            label = i18n.t("ci_band", lang, name=name, level=level).strip()
            fig.add_trace(_band(band[x], band["ci_low"], band["ci_high"], c, label, name))
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
    _mean_lines(fig, summary, "month", "scenario", confidence, lang)
    fig.update_layout(title=_title(label, i18n.t("mean_ci", lang, level=_level(confidence))))
    fig.update_xaxes(title_text=i18n.t("month", lang))
    fig.update_yaxes(title_text=unit or "")
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
                    fillcolor=_rgba(color(i), 0.15),
                )
            else:
                trace = go.Violin(
                    **common,
                    points="all",
                    jitter=0.4,
                    pointpos=0,
                    box_visible=True,
                    meanline_visible=True,
                    fillcolor=_rgba(color(i), 0.15),
                )
            fig.add_trace(trace, row=row, col=col)
        fig.update_yaxes(title_text=units[outcome] or "", row=row, col=col)
    title = i18n.t("distribution_title", lang) if len(outcomes) != 1 else labels[outcomes[0]]
    fig.update_layout(title=_title(title, i18n.t("distribution_note", lang)))
    style_figure(fig, height=max(380, 300 * rows + 100))
    fig.update_layout(hovermode="closest", boxmode="overlay", violinmode="overlay")
    return fig


# -------------------------------------------------------------- forest plot


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
    right of each row. Without ``summary`` (or with one outcome) the axis is
    the outcome's own units instead.

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
    level = _level(confidence)
    baseline = str(paired["baseline"].iloc[0]) if len(paired) else ""

    def row_name(outcome: str, name: str) -> str:
        return labels[outcome] if len(names) == 1 else f"{labels[outcome]} · {name}"

    fig = go.Figure()
    annotations = []
    for i, name in enumerate(names):
        part = paired[paired["scenario"].astype(str) == name].set_index("outcome")
        xs, lows, highs, ys, hovers = [], [], [], [], []
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
                marker={"color": color(i + 1), "size": 11, "symbol": "square"},
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
    fig.update_layout(
        title=_title(
            i18n.t("forest_title", lang, baseline=baseline),
            i18n.t("forest_note", lang, level=level)
            if standardized
            else i18n.t("mean_ci", lang, level=level),
        ),
        annotations=annotations,
    )
    fig.update_xaxes(title_text=axis, zeroline=False)
    fig.update_yaxes(autorange="reversed", showgrid=True, ticks="")
    style_figure(fig, height=max(300, 34 * n_rows + 170))
    fig.update_layout(hovermode="closest", margin={"l": 20, "r": 260, "t": 90, "b": 60})
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


# ------------------------------------------------------------------- sweeps


def sweep_line_figure(
    frame: pd.DataFrame,
    param_x: str,
    outcome: str,
    *,
    group: str | None = None,
    label: str | None = None,
    unit: str | None = None,
    param_label: str | None = None,
    confidence: float = CONFIDENCE,
    lang: str = "en",
) -> go.Figure:
    """An outcome against one parameter: mean and CI over runs at each value.

    Args:
        frame: Tidy, one row per run, with columns ``param_x`` and ``outcome``
            (and ``group`` if given); several rows per value are averaged.
        param_x: Parameter column on the x axis.
        outcome: Outcome column on the y axis.
        group: Column giving one line per value (e.g. ``"scenario"``).
        label: Outcome title (default: its label in ``lang``).
        unit: Y-axis title (default: the outcome's unit in ``lang``).
        param_label: X-axis title (default: ``param_x``).
        confidence: Confidence level of the band.
        lang: ``en`` or ``zh``.

    Returns:
        A styled figure: per line a CI band trace (when some value has two
        runs or more) and a line-and-marker trace of the means.
    """
    label = label or i18n.outcome_label(outcome, lang)
    unit = i18n.outcome_unit(outcome, lang) if unit is None else unit
    by = [group, param_x] if group else [param_x]
    summary = summarize(frame, by, [outcome], confidence)
    fig = go.Figure()
    _mean_lines(fig, summary, param_x, group, confidence, lang, mode="lines+markers")
    param_label = param_label or param_x
    fig.update_layout(
        title=_title(
            i18n.t("sweep_title", lang, label=label, param=param_label),
            i18n.t("mean_ci", lang, level=_level(confidence)),
        ),
        hovermode="closest",
    )
    style_figure(fig)
    fig.update_layout(hovermode="closest")
    fig.update_xaxes(title_text=param_label)
    fig.update_yaxes(title_text=unit or "")
    return fig


def sweep_heatmap_figure(
    frame: pd.DataFrame,
    param_x: str,
    param_y: str,
    outcome: str,
    *,
    label: str | None = None,
    unit: str | None = None,
    param_labels: Mapping[str, str] | None = None,
    colorscale: str = "Viridis",
    lang: str = "en",
) -> go.Figure:
    """Mean of an outcome over a grid of two parameters.

    Args:
        frame: Tidy, one row per run, with ``param_x``, ``param_y`` and
            ``outcome`` columns; runs at the same grid point are averaged.
        param_x: Parameter on the x axis.
        param_y: Parameter on the y axis.
        outcome: Outcome column.
        label: Outcome title (default: its label in ``lang``).
        unit: Color-bar title (default: the outcome's unit in ``lang``).
        param_labels: Axis titles by parameter (default: the names).
        colorscale: Plotly color scale.
        lang: ``en`` or ``zh``.

    Returns:
        A styled figure with one heatmap trace (x and y sorted, z the means;
        the hover shows the number of runs).
    """
    label = label or i18n.outcome_label(outcome, lang)
    unit = i18n.outcome_unit(outcome, lang) if unit is None else unit
    names = {param_x: param_x, param_y: param_y, **(param_labels or {})}
    grouped = frame.groupby([param_y, param_x])[outcome].agg(["mean", "count"])
    means = grouped["mean"].unstack(param_x).sort_index().sort_index(axis=1)
    counts = grouped["count"].unstack(param_x).reindex_like(means).fillna(0).astype(int)
    fig = go.Figure(
        go.Heatmap(
            x=means.columns.to_numpy(),
            y=means.index.to_numpy(),
            z=means.to_numpy(float),
            customdata=counts.to_numpy(),
            colorscale=colorscale,
            colorbar={"title": {"text": html.escape(unit or "")}},
            name=label,
            hovertemplate=(
                f"{html.escape(names[param_x])} = %{{x}}<br>{html.escape(names[param_y])} = "
                f"%{{y}}<br>{html.escape(i18n.t('mean', lang))}: %{{z:.4g}} "
                f"(%{{customdata}} {html.escape(i18n.t('runs', lang))})<extra></extra>"
            ),
        )
    )
    fig.update_layout(
        title=_title(
            i18n.t(
                "heatmap_title", lang, label=label, param_x=names[param_x], param_y=names[param_y]
            ),
            i18n.t("mean", lang),
        )
    )
    style_figure(fig, height=460)
    fig.update_layout(hovermode="closest")
    fig.update_xaxes(title_text=names[param_x], showgrid=False)
    fig.update_yaxes(title_text=names[param_y], showgrid=False)
    return fig


# ------------------------------------------------------------------ network


#: Largest network drawn whole; bigger runs show their busiest government.
MAX_NETWORK_NODES = 600


def network_layout(nodes: pd.DataFrame, edges: pd.DataFrame, seed: int = 0) -> dict[int, tuple]:
    """Return ``department -> (x, y)`` positions of a network's departments.

    Linked departments are placed by a spring layout (fixed seed); departments
    without links are spread evenly on a ring around them.
    """
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(int(d) for d in nodes["department"])
    graph.add_edges_from(
        zip(edges["holder"].astype(int), edges["requester"].astype(int), strict=True)
    )
    components = sorted(
        (sorted(c) for c in nx.connected_components(graph)), key=lambda c: (-len(c), c[0])
    )
    pos: dict[int, tuple] = {}
    rest = components
    if len(components[0]) > 1:  # the largest linked group fills the middle
        main, rest = components[0], components[1:]
        k = 1.6 / math.sqrt(len(main))
        found = nx.spring_layout(graph.subgraph(main), seed=seed, k=k, iterations=100)
        pos.update({int(n): (float(p[0]), float(p[1])) for n, p in found.items()})
    # smaller groups and departments without links go on a ring around it
    radius = 1.3 if pos else 1.0
    for i, comp in enumerate(rest):
        angle = 2 * math.pi * i / len(rest)
        cx, cy = radius * math.cos(angle), radius * math.sin(angle)
        if len(comp) == 1:
            pos[int(comp[0])] = (cx, cy)
            continue
        found = nx.spring_layout(
            graph.subgraph(comp), seed=seed, scale=0.06 * math.sqrt(len(comp)), center=(cx, cy)
        )
        pos.update({int(n): (float(p[0]), float(p[1])) for n, p in found.items()})
    return pos


def network_figure(
    nodes: pd.DataFrame,
    edges: pd.DataFrame,
    *,
    scenario: str = "",
    replication: int = 0,
    title: str | None = None,
    seed: int = 0,
    lang: str = "en",
) -> go.Figure:
    """The data-sharing network of one run.

    Args:
        nodes: One row per department with ``department`` (and optionally
            ``jurisdiction``, ``registry_holder``); see ``sim.model.network``.
        edges: ``holder``, ``requester`` pairs of that run (other columns ignored).
        scenario: Scenario name for the default title.
        replication: Replication number for the default title.
        title: Title (default: scenario, replication and link count in ``lang``).
        seed: Seed of the layout.
        lang: ``en`` or ``zh``.

    Returns:
        A styled figure: one line trace of all links (named "sharing link"),
        then one marker trace per kind of department (base-registry holders,
        other departments; only kinds present). Marker size grows with links.
    """
    nodes = nodes.sort_values("department").reset_index(drop=True)
    if "registry_holder" not in nodes:
        nodes = nodes.assign(registry_holder=False)
    if "jurisdiction" not in nodes:
        nodes = nodes.assign(jurisdiction=0)
    if len(nodes) > MAX_NETWORK_NODES:
        # A national run has ~128,000 departments: a spring layout of all of
        # them takes hours and shows nothing; draw the government with the
        # most sharing links instead.
        government = nodes.set_index("department")["jurisdiction"]
        holders = edges["holder"].map(government)
        busiest = holders.value_counts().idxmax() if len(edges) else nodes["jurisdiction"].iloc[0]
        n_governments = nodes["jurisdiction"].nunique()
        nodes = nodes[nodes["jurisdiction"] == busiest].head(MAX_NETWORK_NODES)
        if title is None:
            within = edges["holder"].isin(nodes["department"])
            within &= edges["requester"].isin(nodes["department"])
            title = i18n.t(
                "network_title_government",
                lang,
                scenario=scenario,
                replication=replication,
                government=int(busiest),
                governments=f"{n_governments:,}",
                links=int(within.sum()),
            )
    # Only links between the departments drawn: a link to a department not in
    # ``nodes`` would add it to the layout (and a national run has 128,000).
    kept = nodes["department"]
    edges = edges[edges["holder"].isin(kept) & edges["requester"].isin(kept)]
    pos = network_layout(nodes, edges, seed)
    out_deg = edges.groupby("holder").size()
    in_deg = edges.groupby("requester").size()
    ex, ey = [], []
    for h, r in zip(edges["holder"].astype(int), edges["requester"].astype(int), strict=True):
        if h in pos and r in pos:
            ex += [pos[h][0], pos[r][0], None]
            ey += [pos[h][1], pos[r][1], None]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=ex,
            y=ey,
            mode="lines",
            line={"color": "rgba(90,90,90,0.45)", "width": 1},
            hoverinfo="skip",
            name=i18n.t("sharing_link", lang),
        )
    )
    kinds = [
        (True, i18n.t("registry_holder", lang), PALETTE[3]),
        (False, i18n.t("other_department", lang), PALETTE[0]),
    ]
    for flag, name, c in kinds:
        part = nodes[nodes["registry_holder"].astype(bool) == flag]
        if part.empty:
            continue
        depts = part["department"].astype(int).to_numpy()
        outs = np.array([int(out_deg.get(d, 0)) for d in depts])
        ins = np.array([int(in_deg.get(d, 0)) for d in depts])
        hover = [
            html.escape(
                i18n.t("node_hover", lang, dept=d, jur=int(j), out=o, inn=n),
            )
            for d, j, o, n in zip(depts, part["jurisdiction"], outs, ins, strict=True)
        ]
        fig.add_trace(
            go.Scatter(
                x=[pos[d][0] for d in depts],
                y=[pos[d][1] for d in depts],
                mode="markers",
                marker={
                    "color": c,
                    "opacity": 1.0,
                    "size": 7 + 3.0 * np.sqrt(outs + ins),
                    "line": {"color": "white", "width": 1},
                },
                name=name,
                text=hover,
                hovertemplate="%{text}<extra></extra>",
            )
        )
    title = title or i18n.t(
        "network_title", lang, scenario=scenario, replication=replication, links=len(edges)
    )
    fig.update_layout(title=_title(title, i18n.t("network_note", lang)))
    style_figure(fig, height=520)
    fig.update_layout(hovermode="closest", margin={"l": 20, "r": 20, "t": 90, "b": 20})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1)
    return fig


# --------------------------------------------------------------------- html


def save_html(
    figures: go.Figure | Sequence[go.Figure],
    path: str | os.PathLike[str],
    *,
    title: str = "Simulation results",
    intro: str = "",
    lang: str = "en",
) -> Path:
    """Write figures to one HTML page that works offline, atomically.

    plotly.js is embedded once, with the first figure; the others reuse it.

    Args:
        figures: A figure or a sequence of figures, shown top to bottom.
        path: Output file; written to a temporary name first, then renamed.
        title: Page title and heading.
        intro: Paragraph shown under the heading (plain text, escaped).
        lang: Language of the page (its ``lang`` attribute).

    Returns:
        The path written.
    """
    figs = [figures] if isinstance(figures, go.Figure) else list(figures)
    body = (
        f"<h1>{html.escape(title)}</h1>\n"
        + (f"<p>{html.escape(intro)}</p>\n" if intro else "")
        + "".join(f"<div class='fig'>{p}</div>\n" for p in figure_divs(figs))
    )
    return write_page(path, title, body, lang=lang)


def figure_divs(figures: Sequence[go.Figure]) -> list[str]:
    """Return each figure as an HTML fragment; plotly.js is embedded in the first only."""
    return [
        fig.to_html(
            full_html=False,
            include_plotlyjs=(i == 0),
            config={"displaylogo": False, "responsive": True},
        )
        for i, fig in enumerate(figures)
    ]


PAGE_CSS = (
    (
        f"body{{font-family:{FONT_FAMILY};max-width:1100px;margin:20px auto;padding:0 16px;"
        "color:#222;line-height:1.5}} .fig{{margin-bottom:28px}} h1{{font-size:1.6em}} "
        "h2{{border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:1.8em}} "
        "table{{border-collapse:collapse;margin:8px 0 16px;font-size:14px}} "
        "th,td{{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}} "
        "th{{background:#f5f5f5}} td.num{{text-align:right;white-space:nowrap;"
        "font-variant-numeric:tabular-nums}} .ci{{color:#666;font-size:12px}} "
        ".note{{color:#555;font-size:13px}} code{{font-size:13px}} "
        "details{{margin:8px 0 16px}} summary{{cursor:pointer;color:#235}}"
    )
    .replace("{{", "{")
    .replace("}}", "}")
)


def write_page(path: str | os.PathLike[str], title: str, body: str, *, lang: str = "en") -> Path:
    """Write an HTML page (``body`` is trusted HTML) atomically; return its path."""
    page = (
        f"<!DOCTYPE html>\n<html lang='{i18n.HTML_LANG.get(lang, lang)}'>\n<head>\n"
        "<meta charset='utf-8'>\n"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>\n"
        f"<title>{html.escape(title)}</title>\n<style>{PAGE_CSS}</style>\n</head>\n<body>\n"
        + body
        + "</body>\n</html>\n"
    )
    return atomic_write(Path(path), lambda p: p.write_text(page, encoding="utf-8"))
