"""Figures of the run viewer: one month of one recorded run (``sim.experiments.watch``).

Pure functions of a ``WatchedRun``, a government, a month and a language;
the Dash callbacks of ``sim.dashboard.viewer`` call them on every tick. Axes
keep the same ranges over the whole run, so that playing the months shows
change, not rescaling.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.dashboard.viewer_texts import capability_label, t
from sim.model.capabilities import N_COMMON, N_REGISTRIES
from sim.model.snapshot import CAPABILITY_NAMES, QUEUES, ROUTES
from sim.reporting import i18n
from sim.reporting.style import FONT_FAMILY, style_figure

#: Colour of each route (``sim.model.snapshot.ROUTES``): routes taken in
#: strong colours, needs not yet met in pale ones, needs not arisen in grey.
ROUTE_COLORS: dict[str, str] = {
    "own": "#d95f02",
    "platform": "#1f78b4",
    "cobuilt": "#7570b3",
    "peer": "#1b9e77",
    "proposed": "#fdbf6f",
    "waiting": "#a6cee3",
    "open": "#fb9a99",
    "not_arisen": "#e6e6e6",
}

#: Colour of each platform state.
STATE_COLORS: dict[str, str] = {
    "planned": "#bdbdbd",
    "building": "#6baed6",
    "operating": "#08519c",
}

#: Offsets of a department's six capability squares from its centre (3 x 2).
_SQUARE_DX = np.array([-1.0, 0.0, 1.0, -1.0, 0.0, 1.0])
_SQUARE_DY = np.array([0.5, 0.5, 0.5, -0.5, -0.5, -0.5])


@dataclass
class RunView:
    """A recorded run indexed for drawing any month quickly.

    Attributes:
        run: The ``WatchedRun``.
        counts: Needs per government, month and route (``ROUTES`` columns).
        queue_max: Per government, the longest any queue got (fixes the axis).
    """

    run: Any
    counts: pd.DataFrame = field(init=False)
    queue_max: dict[int, int] = field(init=False)
    _months: dict[tuple[int, int], pd.DataFrame] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        agents = self.run.agents
        counts = (
            agents.groupby(["government", "month", "route"], observed=False).size().unstack("route")
        )
        self.counts = counts.reindex(columns=list(ROUTES), fill_value=0)
        bodies = self.run.bodies
        self.queue_max = bodies.groupby("government")["length"].max().astype(int).to_dict()
        # Rows of each month, found by binary search (months are in order).
        self._starts = np.searchsorted(agents["month"].to_numpy(), np.arange(self.months + 2))

    @property
    def months(self) -> int:
        """Months simulated."""
        return int(self.run.months)

    @property
    def governments(self) -> list[int]:
        """Government indices of the run."""
        return self.run.governments["government"].astype(int).tolist()

    def departments(self, month: int, government: int) -> pd.DataFrame:
        """Rows of ``agents`` for one month and government."""
        month = int(np.clip(month, 0, self.months))
        rows = self.run.agents.iloc[self._starts[month] : self._starts[month + 1]]
        return rows[rows["government"] == government]


def _government(run: Any, government: int) -> tuple[int, int]:
    row = run.governments[run.governments["government"] == government].iloc[0]
    return int(row["first_department"]), int(row["departments"])


def department_positions(size: int) -> tuple[np.ndarray, np.ndarray, float]:
    """Centres of a government's departments on a circle, first at the top, clockwise.

    Returns:
        ``(x, y, radius)``.
    """
    radius = max(6.0, size * 4.2 / (2 * math.pi))
    angle = math.pi / 2 - 2 * math.pi * np.arange(size) / max(size, 1)
    return radius * np.cos(angle), radius * np.sin(angle), radius


def network_figure(view: RunView, month: int, government: int, lang: str = "en") -> go.Figure:
    """Departments as nodes of six squares coloured by what serves each need; sharing links.

    Args:
        view: The indexed run.
        month: Month to show (0 is the start).
        government: Government to show.
        lang: ``en`` or ``zh``.
    """
    first, size = _government(view.run, government)
    cx, cy, radius = department_positions(size)
    rows = view.departments(month, government)
    local = rows["department"].to_numpy() - first
    k = rows["capability"].cat.codes.to_numpy()
    x = cx[local] + _SQUARE_DX[k]
    y = cy[local] + _SQUARE_DY[k]
    fig = go.Figure()
    links = view.run.links
    links = links[
        (links["month"] <= month)
        & (links["holder"] >= first)
        & (links["holder"] < first + size)
        & (links["requester"] >= first)
        & (links["requester"] < first + size)
    ]
    if len(links):
        h = links["holder"].to_numpy() - first
        r = links["requester"].to_numpy() - first
        ex = np.column_stack([cx[h], cx[r], np.full(len(h), np.nan)]).ravel()
        ey = np.column_stack([cy[h], cy[r], np.full(len(h), np.nan)]).ravel()
        fig.add_trace(
            go.Scatter(
                x=ex,
                y=ey,
                mode="lines",
                line={"color": "rgba(120,120,120,0.35)", "width": 1},
                hoverinfo="skip",
                showlegend=False,
                name="links",
            )
        )
    routes = rows["route"].astype(str).to_numpy()
    served = rows["served"].to_numpy()
    caps = [capability_label(name, lang) for name in CAPABILITY_NAMES]
    route_names = {r: t(f"route_{r}", lang) for r in ROUTES}
    for route in ROUTES:
        mine = routes == route
        taken = route in ("own", "platform", "cobuilt", "peer")
        hover = [
            t("v_department", lang, department=int(d))
            + (f" ({t('v_registry', lang)})" if d - first < N_REGISTRIES else "")
            + f"<br>{caps[c]}: {route_names[route]}"
            + (f", {t('v_served' if s else 'v_not_served', lang)}" if taken else "")
            for d, c, s in zip(
                rows["department"].to_numpy()[mine], k[mine], served[mine], strict=True
            )
        ]
        fig.add_trace(
            go.Scatter(
                x=x[mine],
                y=y[mine],
                mode="markers",
                name=route_names[route],
                marker={
                    "symbol": np.where(served[mine] | ~taken, "square", "square-open").tolist(),
                    "size": 9,
                    "color": ROUTE_COLORS[route],
                    "line": {"width": 1.5 if taken else 0, "color": ROUTE_COLORS[route]},
                },
                hovertext=hover,
                hoverinfo="text",
            )
        )
    label_r = radius + 3.2
    angle = np.arctan2(cy, cx)
    fig.add_trace(
        go.Scatter(
            x=label_r * np.cos(angle),
            y=label_r * np.sin(angle),
            mode="text",
            text=[str(first + i) for i in range(size)],
            textfont={"size": 9, "color": "#777"},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    style_figure(fig, height=560)
    extent = label_r + 2
    fig.update_layout(
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        hovermode="closest",
        legend={"orientation": "v", "x": 1.0, "xanchor": "left", "y": 1.0, "yanchor": "top"},
        title={"text": t("v_month", lang, month=int(month), months=view.months)},
    )
    fig.update_xaxes(visible=False, range=[-extent, extent])
    fig.update_yaxes(visible=False, range=[-extent, extent], scaleanchor="x", scaleratio=1)
    return fig


def queues_figure(view: RunView, month: int, government: int, lang: str = "en") -> go.Figure:
    """The governance bodies' queues this month, on an axis fixed over the run."""
    bodies = view.run.bodies
    rows = bodies[(bodies["month"] == month) & (bodies["government"] == government)]
    lengths = dict(zip(rows["queue"].astype(str), rows["length"].astype(int), strict=True))
    labels = [t(f"queue_{q}", lang) for q in QUEUES]
    values = [lengths.get(q, 0) for q in QUEUES]
    fig = go.Figure(
        go.Bar(
            x=values,
            y=labels,
            orientation="h",
            marker_color="#4C72B0",
            text=values,
            textposition="outside",
            cliponaxis=False,
            hoverinfo="skip",
        )
    )
    style_figure(fig, height=260)
    top = max(1, view.queue_max.get(government, 0))
    fig.update_layout(
        margin={"l": 10, "r": 30, "t": 20, "b": 45}, hovermode=False, showlegend=False
    )
    fig.update_xaxes(range=[0, top * 1.15], title_text=t("v_queue_axis", lang))
    fig.update_yaxes(autorange="reversed", automargin=True)
    return fig


def platforms_figure(view: RunView, month: int, government: int, lang: str = "en") -> go.Figure:
    """Shared platforms this month: progress of each, coloured by state, with builder and users."""
    plats = view.run.platforms
    rows = plats[(plats["month"] == month) & (plats["government"] == government)]
    labels = [capability_label(name, lang) for name in CAPABILITY_NAMES]
    by_cap = {str(r.capability): r for r in rows.itertuples(index=False)}
    fig = go.Figure()
    for state, colour in STATE_COLORS.items():
        xs, ys, texts = [], [], []
        for name, label in zip(CAPABILITY_NAMES, labels, strict=True):
            r = by_cap.get(name)
            if r is None or str(r.state) != state:
                continue
            builder = (
                t("v_lead", lang, lead=int(r.lead))
                if str(r.builder) == "cobuilt"
                else t("v_center", lang)
            )
            xs.append(max(float(r.progress), 0.02))
            ys.append(label)
            texts.append(f"{builder} · {t('v_users', lang, users=int(r.users))}")
        fig.add_trace(
            go.Bar(
                x=xs,
                y=ys,
                orientation="h",
                name=t(f"state_{state}", lang),
                marker_color=colour,
                text=texts,
                textposition="auto",
                insidetextanchor="start",
                hoverinfo="skip",
            )
        )
    style_figure(fig, height=300)
    fig.update_layout(
        margin={"l": 10, "r": 20, "t": 30, "b": 45},
        hovermode=False,
        barmode="overlay",
        legend={"y": 1.02, "yanchor": "bottom", "x": 1, "xanchor": "right"},
    )
    fig.update_xaxes(range=[0, 1.0], tickformat=".0%", title_text=t("v_progress_axis", lang))
    fig.update_yaxes(
        categoryorder="array",
        categoryarray=labels,
        range=[N_COMMON - 0.5, -0.5],
        automargin=True,
    )
    if rows.empty:
        fig.add_annotation(
            text=t("v_no_platform", lang),
            x=0.5,
            y=0.5,
            xref="paper",
            yref="paper",
            showarrow=False,
            font={"color": "#777"},
        )
    return fig


def timeseries_figure(
    view: RunView, month: int, government: int, outcome: str, lang: str = "en"
) -> go.Figure:
    """Needs by route over the run (stacked) and one outcome, with a cursor at ``month``."""
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.1)
    counts = view.counts.loc[government]
    months = counts.index.to_numpy()
    for route in ROUTES:
        fig.add_trace(
            go.Scatter(
                x=months,
                y=counts[route].to_numpy(),
                name=t(f"route_{route}", lang),
                stackgroup="routes",
                mode="lines",
                line={"width": 0.5, "color": ROUTE_COLORS[route]},
                fillcolor=ROUTE_COLORS[route],
                showlegend=False,
            ),
            row=1,
            col=1,
        )
    outcomes = view.run.outcomes
    fig.add_trace(
        go.Scatter(
            x=outcomes["month"],
            y=outcomes[outcome],
            name=i18n.outcome_label(outcome, lang),
            mode="lines",
            line={"color": "#222", "width": 2},
            showlegend=False,
        ),
        row=2,
        col=1,
    )
    style_figure(fig, height=420)
    fig.update_layout(margin={"l": 70, "r": 20, "t": 20, "b": 45}, hovermode="x unified")
    fig.add_shape(
        type="line",
        x0=month,
        x1=month,
        y0=0,
        y1=1,
        xref="x",
        yref="paper",
        line={"color": "#c0392b", "width": 2},
    )
    fig.update_xaxes(range=[0, view.months], row=1, col=1)
    fig.update_xaxes(range=[0, view.months], title_text=i18n.t("month", lang), row=2, col=1)
    fig.update_yaxes(title_text=t("v_needs_axis", lang), title_font={"size": 11}, row=1, col=1)
    fig.update_yaxes(
        title_text=i18n.outcome_axis_title(outcome, lang),
        title_font={"size": 11, "family": FONT_FAMILY},
        row=2,
        col=1,
    )
    return fig
