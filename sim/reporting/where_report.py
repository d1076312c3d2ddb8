"""The report of ``where-it-loses``: a chart of the paired differences and the table.

One panel per judged outcome: for each condition, the mean paired difference
centralized − dispersed with its 95% CI, coloured by the verdict (worse,
better, no clear difference), and a dotted line at 0. The page also holds the
printed table and the provenance of the run.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.reporting import i18n
from sim.reporting.pages import figure_divs, provenance_section, write_page
from sim.reporting.style import figure_title, style_figure

#: Marker colour of each verdict.
VERDICT_COLORS = {
    "centralized worse": "#C44E52",
    "centralized better": "#55A868",
    "no clear difference": "#8C8C8C",
}


def where_figure(table: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Paired differences centralized − dispersed per condition, one panel per outcome."""
    outcomes = list(dict.fromkeys(table["outcome"]))
    fig = make_subplots(
        rows=1,
        cols=len(outcomes),
        shared_yaxes=True,
        subplot_titles=[html.escape(i18n.outcome_label(o, lang)) for o in outcomes],
        horizontal_spacing=0.04,
    )
    shown: set[str] = set()
    for k, outcome in enumerate(outcomes, start=1):
        part = table[table["outcome"] == outcome]
        for verdict, colour in VERDICT_COLORS.items():
            rows = part[part["verdict"] == verdict]
            if rows.empty:
                continue
            diff = rows["difference"].to_numpy(float)
            fig.add_trace(
                go.Scatter(
                    x=diff,
                    y=rows["condition"],
                    mode="markers",
                    marker={"color": colour, "size": 9, "symbol": "square"},
                    error_x={
                        "type": "data",
                        "symmetric": False,
                        "array": rows["ci_high"].to_numpy(float) - diff,
                        "arrayminus": diff - rows["ci_low"].to_numpy(float),
                        "color": colour,
                        "thickness": 1.5,
                        "width": 4,
                    },
                    name=verdict,
                    legendgroup=verdict,
                    showlegend=verdict not in shown,
                    hovertemplate="%{y}: %{x:.4g}<extra>" + html.escape(verdict) + "</extra>",
                ),
                row=1,
                col=k,
            )
            shown.add(verdict)
        fig.add_vline(x=0, line={"color": "#666", "dash": "dot", "width": 1.2}, row=1, col=k)
        fig.update_xaxes(title_text=i18n.outcome_unit(outcome, lang), row=1, col=k)
    n = table["condition"].nunique()
    fig.update_layout(
        title=figure_title(
            "Where the centralized design loses" if lang == "en" else "集中模式在何处不占优",
            "centralized − dispersed, paired by replication: mean and 95% CI per condition"
            if lang == "en"
            else "集中 − 分散，按重复配对：各条件下的均值与 95% 置信区间",
        )
    )
    style_figure(fig, height=max(360, 28 * n + 200))
    fig.update_yaxes(autorange="reversed", automargin=True, showgrid=True, ticks="")
    # The legend goes above the panels' titles, not over them.
    fig.update_layout(
        hovermode="closest",
        legend={"y": 1.06, "yanchor": "bottom"},
        margin={"t": fig.layout.margin.t + 30},
    )
    return fig


def write_where_report(
    folder: Path,
    table: pd.DataFrame,
    text: str,
    *,
    provenance: Mapping[str, Any],
    lang: str = "en",
) -> Path:
    """Write ``where_it_loses.html`` (``where_it_loses_zh.html``) into the folder."""
    title = "Where the centralized design loses" if lang == "en" else "集中模式在何处不占优"
    body = [f"<h1>{html.escape(title)}</h1>"]
    if len(table):  # no plausible ends run (--no-ends): the sampled worlds' shares only
        body.append(f"<div class='fig'>{figure_divs([where_figure(table, lang)])[0]}</div>")
    body += [
        f"<pre style='font-size:12px;overflow-x:auto'>{html.escape(text)}</pre>",
        provenance_section(provenance, lang),
    ]
    name = "where_it_loses_zh.html" if lang == "zh" else "where_it_loses.html"
    return write_page(folder / name, title, "\n".join(body) + "\n", lang=lang)
