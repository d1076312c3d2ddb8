"""Interactive charts of experiment results (plotly).

Figures are built from tidy frames only (as produced by
``sim.experiment.run_replications`` and ``sim.statistics``); the single
function that touches the disk is ``save_html``, which writes one
self-contained page that opens offline.
"""

from __future__ import annotations

import html
import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.statistics import CONFIDENCE, summarize

#: Colors given to scenarios in order (the baseline gets the first).
PALETTE = (
    "#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3",
    "#937860", "#DA8BC3", "#8C8C8C", "#CCB974", "#64B5CD",
)  # fmt: skip

_FONT = "Helvetica, Arial, sans-serif"


def color(index: int) -> str:
    """Return the color of the ``index``-th scenario."""
    return PALETTE[index % len(PALETTE)]


def _rgba(hex_color: str, alpha: float) -> str:
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def style_figure(fig: go.Figure, *, height: int = 420) -> go.Figure:
    """Apply the project's common look to a figure (in place).

    Args:
        fig: Figure to style.
        height: Height in pixels.

    Returns:
        The same figure, for chaining.
    """
    fig.update_layout(
        template="plotly_white",
        font={"family": _FONT, "size": 13, "color": "#222"},
        title={"x": 0.01, "xanchor": "left", "font": {"size": 16}},
        height=height,
        margin={"l": 70, "r": 30, "t": 60, "b": 55},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 1, "xanchor": "right"},
        hovermode="x unified",
    )
    fig.update_xaxes(showline=True, linecolor="#888", ticks="outside", gridcolor="#eee")
    fig.update_yaxes(showline=True, linecolor="#888", ticks="outside", gridcolor="#eee")
    return fig


def timeseries_figure(
    frame: pd.DataFrame,
    outcome: str,
    *,
    label: str | None = None,
    unit: str | None = None,
    confidence: float = CONFIDENCE,
) -> go.Figure:
    """Mean of an outcome over months, with its confidence band, per scenario.

    Args:
        frame: Tidy time series with columns ``scenario``, ``replication``,
            ``month`` and ``outcome``.
        outcome: Outcome column to plot.
        label: Human title of the outcome (defaults to ``outcome``).
        unit: Unit shown on the y axis.
        confidence: Confidence level of the band (t-based, across replications).

    Returns:
        A styled figure: one line per scenario and a shaded band for its interval.
    """
    summary = summarize(frame, ["scenario", "month"], [outcome], confidence)
    fig = go.Figure()
    level = f"{confidence:.0%}"
    for i, (name, part) in enumerate(summary.groupby("scenario", sort=False)):
        part = part.sort_values("month")
        c = color(i)
        band = part.dropna(subset=["ci_low", "ci_high"])
        if not band.empty:
            fig.add_trace(
                go.Scatter(
                    x=pd.concat([band["month"], band["month"][::-1]]),
                    y=pd.concat([band["ci_high"], band["ci_low"][::-1]]),
                    fill="toself",
                    fillcolor=_rgba(c, 0.18),
                    line={"width": 0},
                    hoverinfo="skip",
                    showlegend=False,
                    legendgroup=str(name),
                    name=f"{name} {level} CI",
                )
            )
        fig.add_trace(
            go.Scatter(
                x=part["month"],
                y=part["mean"],
                mode="lines",
                line={"color": c, "width": 2.5},
                name=str(name),
                legendgroup=str(name),
                customdata=part[["ci_low", "ci_high", "n"]].to_numpy(),
                hovertemplate=(
                    f"{name}: %{{y:.3g}} ({level} CI %{{customdata[0]:.3g}} to "
                    "%{customdata[1]:.3g}, n=%{customdata[2]})<extra></extra>"
                ),
            )
        )
    title = label or outcome
    fig.update_layout(
        title={
            "text": f"{title} <span style='font-size:12px;color:#666'>(mean and {level} CI)</span>"
        }
    )
    fig.update_xaxes(title_text="month")
    fig.update_yaxes(title_text=unit or "")
    return style_figure(fig)


def differences_figure(paired: pd.DataFrame, labels: dict[str, str] | None = None) -> go.Figure:
    """Paired differences from the baseline, one small panel per outcome.

    Args:
        paired: Output of ``sim.statistics.paired_differences``.
        labels: Human labels by outcome name.

    Returns:
        A styled figure: for each outcome (each in its own units, on its own
        axis), the mean difference of each compared scenario with its
        confidence interval, and a dotted line at zero (no difference).
    """
    labels = labels or {}
    outcomes = list(dict.fromkeys(paired["outcome"]))
    names = list(dict.fromkeys(paired["scenario"]))
    fig = make_subplots(
        rows=len(outcomes),
        cols=1,
        subplot_titles=[labels.get(o, o) for o in outcomes],
        vertical_spacing=min(0.12, 0.5 / max(1, len(outcomes))),
    )
    for row, outcome in enumerate(outcomes, start=1):
        part = paired[paired["outcome"] == outcome].set_index("scenario").reindex(names)
        for i, name in enumerate(names):
            r = part.loc[name]
            baseline = r["baseline"]
            fig.add_trace(
                go.Scatter(
                    x=[r["mean_difference"]],
                    y=[f"{name} − {baseline}"],
                    mode="markers",
                    marker={"color": color(i + 1), "size": 11},
                    error_x={
                        "type": "data",
                        "symmetric": False,
                        "array": [r["ci_high"] - r["mean_difference"]],
                        "arrayminus": [r["mean_difference"] - r["ci_low"]],
                        "color": color(i + 1),
                        "thickness": 2,
                    },
                    name=f"{name} − {baseline}",
                    legendgroup=str(name),
                    showlegend=row == 1,
                    hovertemplate=f"%{{x:.3g}} (95% CI {r['ci_low']:.3g} to "
                    f"{r['ci_high']:.3g})<extra>{html.escape(str(name))}</extra>",
                ),
                row=row,
                col=1,
            )
        fig.add_vline(x=0, line={"color": "#888", "dash": "dot"}, row=row, col=1)
        fig.update_yaxes(showticklabels=len(names) > 1, row=row, col=1)
    fig.update_layout(
        title={
            "text": "Paired difference from the baseline at the last month "
            "<span style='font-size:12px;color:#666'>(mean and 95% CI; 0 = no difference)"
            "</span>"
        }
    )
    style_figure(fig, height=max(320, (90 + 30 * len(names)) * len(outcomes) + 120))
    fig.update_layout(hovermode="closest")
    return fig


def save_html(
    figures: go.Figure | Sequence[go.Figure],
    path: str | os.PathLike[str],
    *,
    title: str = "Simulation results",
    intro: str = "",
) -> Path:
    """Write figures to one HTML page that works offline, atomically.

    plotly.js is embedded once, with the first figure; the others reuse it.

    Args:
        figures: A figure or a sequence of figures, shown top to bottom.
        path: Output file; written to a temporary name first, then renamed.
        title: Page title and heading.
        intro: Paragraph shown under the heading (plain text, escaped).

    Returns:
        The path written.
    """
    figs = [figures] if isinstance(figures, go.Figure) else list(figures)
    parts = [
        fig.to_html(full_html=False, include_plotlyjs=(i == 0), config={"displaylogo": False})
        for i, fig in enumerate(figs)
    ]
    page = (
        "<!DOCTYPE html>\n<html lang='en'>\n<head>\n<meta charset='utf-8'>\n"
        f"<title>{html.escape(title)}</title>\n"
        f"<style>body{{font-family:{_FONT};max-width:1100px;margin:20px auto;padding:0 16px;"
        f"color:#222}} p{{line-height:1.45}} .fig{{margin-bottom:28px}}</style>\n"
        "</head>\n<body>\n"
        f"<h1>{html.escape(title)}</h1>\n"
        + (f"<p>{html.escape(intro)}</p>\n" if intro else "")
        + "".join(f"<div class='fig'>{p}</div>\n" for p in parts)
        + "</body>\n</html>\n"
    )
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(page, encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
