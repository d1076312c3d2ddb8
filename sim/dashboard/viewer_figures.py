"""Figures of the run viewer: one month of one recorded run (``sim.experiments.watch``).

Pure functions of a recorded run, a government, a month and a language;
the Dash callbacks of ``sim.dashboard.viewer`` call them on every tick of
the player, so they return plain Plotly figure dictionaries (what
``go.Figure(...).to_plotly_json()`` gives, without validating every trace on
every tick: a tenth of the time; ``go.Figure(d)`` turns one back into a
figure). The look is ``sim.reporting.style.style_figure``'s. Axes keep the
same ranges over the whole run, so that playing the months shows change,
not rescaling.
"""

from __future__ import annotations

import copy
import functools
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
    # Each node is three squares wide; 3.6 units of circumference leave a gap.
    radius = max(6.0, size * 3.6 / (2 * math.pi))
    angle = math.pi / 2 - 2 * math.pi * np.arange(size) / max(size, 1)
    return radius * np.cos(angle), radius * np.sin(angle), radius


@functools.cache
def _styled_layout(height: int) -> dict[str, Any]:
    return style_figure(go.Figure(), height=height).to_plotly_json()["layout"]


def _merge(base: dict[str, Any], updates: dict[str, Any]) -> dict[str, Any]:
    for key, value in updates.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = value
    return base


def _layout(height: int, **updates: Any) -> dict[str, Any]:
    """The project's figure layout at ``height``, with ``updates`` merged in."""
    return _merge(copy.deepcopy(_styled_layout(height)), updates)


def _list(values: Any) -> list[Any]:
    return np.asarray(values).tolist()


def network_figure(view: RunView, month: int, government: int, lang: str = "en") -> dict:
    """Departments as nodes of six squares coloured by what serves each need; sharing links.

    Args:
        view: The indexed run.
        month: Month to show (0 is the start).
        government: Government to show.
        lang: ``en`` or ``zh``.

    Returns:
        A Plotly figure dictionary: a ``links`` trace (if any link was made),
        one marker trace per route of ``ROUTES`` (named in ``lang``, one
        square per need; a hidden point keeps an empty route in the legend)
        and the departments' numbers.
    """
    first, size = _government(view.run, government)
    cx, cy, radius = department_positions(size)
    rows = view.departments(month, government)
    local = rows["department"].to_numpy() - first
    k = rows["capability"].cat.codes.to_numpy()
    x = np.round(cx[local] + _SQUARE_DX[k], 3)
    y = np.round(cy[local] + _SQUARE_DY[k], 3)
    data: list[dict[str, Any]] = []
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
        data.append(
            {
                "type": "scatter",
                "x": [None if v != v else round(v, 3) for v in ex.tolist()],
                "y": [None if v != v else round(v, 3) for v in ey.tolist()],
                "mode": "lines",
                "line": {"color": "rgba(120,120,120,0.35)", "width": 1},
                "hoverinfo": "skip",
                "showlegend": False,
                "name": "links",
            }
        )
    routes = rows["route"].astype(str).to_numpy()
    served = rows["served"].to_numpy()
    departments = rows["department"].to_numpy()
    caps = [capability_label(name, lang) for name in CAPABILITY_NAMES]
    route_names = {r: t(f"route_{r}", lang) for r in ROUTES}
    registry = f" ({t('v_registry', lang)})"
    open_ = "square-open"  # a route taken whose service has not started (integrating)
    for route in ROUTES:
        mine = routes == route
        taken = route in ("own", "platform", "cobuilt", "peer")
        state = {True: f", {t('v_served', lang)}", False: f", {t('v_not_served', lang)}"}
        hover = [
            t("v_department", lang, department=int(d))
            + (registry if d - first < N_REGISTRIES else "")
            + f"<br>{caps[c]}: {route_names[route]}"
            + (state[bool(s)] if taken else "")
            for d, c, s in zip(departments[mine], k[mine], served[mine], strict=True)
        ]
        # A route no need is on this month keeps its legend entry (one hidden point).
        empty = not mine.any()
        data.append(
            {
                "type": "scatter",
                "x": [None] if empty else _list(x[mine]),
                "y": [None] if empty else _list(y[mine]),
                "mode": "markers",
                "name": route_names[route],
                "marker": {
                    "symbol": "square"
                    if empty
                    else _list(np.where(served[mine] | (not taken), "square", open_)),
                    "size": 10,
                    "color": ROUTE_COLORS[route],
                    "line": {"width": 1.5 if taken else 0, "color": ROUTE_COLORS[route]},
                },
                "hovertext": hover,
                "hoverinfo": "text",
            }
        )
    label_r = radius + 2.6
    angle = np.arctan2(cy, cx)
    data.append(
        {
            "type": "scatter",
            "x": _list(np.round(label_r * np.cos(angle), 3)),
            "y": _list(np.round(label_r * np.sin(angle), 3)),
            "mode": "text",
            "text": [str(first + i) for i in range(size)],
            "textfont": {"size": 9, "color": "#777"},
            "hoverinfo": "skip",
            "showlegend": False,
        }
    )
    extent = label_r + 1.5
    layout = _layout(
        640,
        margin={"l": 5, "r": 5, "t": 40, "b": 5},
        hovermode="closest",
        legend={"orientation": "h", "x": 0.5, "xanchor": "center", "y": 0, "yanchor": "top"},
        title={"text": t("v_month", lang, month=int(month), months=view.months)},
        xaxis={"visible": False, "range": [-extent, extent]},
        yaxis={"visible": False, "range": [-extent, extent], "scaleanchor": "x", "scaleratio": 1},
    )
    return {"data": data, "layout": layout}


def queues_figure(view: RunView, month: int, government: int, lang: str = "en") -> dict:
    """The governance bodies' queues this month, on an axis fixed over the run."""
    bodies = view.run.bodies
    rows = bodies[(bodies["month"] == month) & (bodies["government"] == government)]
    lengths = dict(zip(rows["queue"].astype(str), rows["length"].astype(int), strict=True))
    values = [lengths.get(q, 0) for q in QUEUES]
    top = max(1, view.queue_max.get(government, 0))
    bar = {
        "type": "bar",
        "x": values,
        "y": [t(f"queue_{q}", lang) for q in QUEUES],
        "orientation": "h",
        "marker": {"color": "#4C72B0"},
        "text": values,
        "textposition": "outside",
        "cliponaxis": False,
        "hoverinfo": "skip",
    }
    layout = _layout(
        260,
        margin={"l": 10, "r": 30, "t": 20, "b": 45},
        hovermode=False,
        showlegend=False,
        xaxis={"range": [0, top * 1.15], "title": {"text": t("v_queue_axis", lang)}},
        yaxis={"autorange": "reversed", "automargin": True},
    )
    return {"data": [bar], "layout": layout}


def platforms_figure(view: RunView, month: int, government: int, lang: str = "en") -> dict:
    """Shared platforms this month: progress of each, coloured by state, with builder and users."""
    plats = view.run.platforms
    rows = plats[(plats["month"] == month) & (plats["government"] == government)]
    labels = [capability_label(name, lang) for name in CAPABILITY_NAMES]
    by_cap = {str(r.capability): r for r in rows.itertuples(index=False)}
    data = []
    for state, colour in STATE_COLORS.items():
        xs, ys, texts, where = [], [], [], []
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
            # Inside a long bar, beside a short one (the axis ends at 100%).
            where.append("inside" if xs[-1] >= 0.5 else "outside")
        data.append(
            {
                "type": "bar",
                "x": xs,
                "y": ys,
                "orientation": "h",
                "name": t(f"state_{state}", lang),
                "marker": {"color": colour},
                "text": texts,
                "textposition": where,
                "insidetextanchor": "start",
                "cliponaxis": False,
                "hoverinfo": "skip",
            }
        )
    layout = _layout(
        300,
        margin={"l": 10, "r": 20, "t": 30, "b": 45},
        hovermode=False,
        barmode="overlay",
        legend={"y": 1.02, "yanchor": "bottom", "x": 1, "xanchor": "right"},
        xaxis={
            "range": [0, 1.0],
            "tickformat": ".0%",
            "title": {"text": t("v_progress_axis", lang)},
        },
        yaxis={
            "categoryorder": "array",
            "categoryarray": labels,
            "range": [N_COMMON - 0.5, -0.5],
            "automargin": True,
        },
    )
    if rows.empty:
        layout["annotations"] = [
            {
                "text": t("v_no_platform", lang),
                "x": 0.5,
                "y": 0.5,
                "xref": "paper",
                "yref": "paper",
                "showarrow": False,
                "font": {"color": "#777"},
            }
        ]
    return {"data": data, "layout": layout}


def cursor(month: int) -> dict[str, Any]:
    """The time series' cursor: a vertical line at ``month`` across both panels."""
    return {
        "type": "line",
        "x0": month,
        "x1": month,
        "y0": 0,
        "y1": 1,
        "xref": "x",
        "yref": "paper",
        "line": {"color": "#c0392b", "width": 2},
    }


def timeseries_figure(
    view: RunView, month: int, government: int, outcome: str, lang: str = "en"
) -> dict:
    """Needs by route over the run (stacked) and one outcome, with a cursor at ``month``.

    The cursor is the layout's first shape (``cursor``): moving it alone is
    enough when only the month changes.
    """
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
    fig.add_shape(cursor(month))
    fig.update_xaxes(range=[0, view.months], row=1, col=1)
    fig.update_xaxes(range=[0, view.months], title_text=i18n.t("month", lang), row=2, col=1)
    fig.update_yaxes(title_text=t("v_needs_axis", lang), title_font={"size": 11}, row=1, col=1)
    fig.update_yaxes(
        title_text=i18n.outcome_axis_title(outcome, lang),
        title_font={"size": 11, "family": FONT_FAMILY},
        row=2,
        col=1,
    )
    return fig.to_plotly_json()
