"""The page of the dashboard: controls on the left, results on the right.

Every text that changes with the language has an id, so that one callback
(``sim.dashboard.app``) can set it; ids are listed in ``TEXT_IDS``.
"""

from __future__ import annotations

from dash import dcc, html

from sim.dashboard import controls
from sim.dashboard.requests import (
    MAX_MONTHS,
    MAX_REPLICATIONS,
    MIN_MONTHS,
    MIN_REPLICATIONS,
    known_designs,
)
from sim.dashboard.texts import t
from sim.experiments.replications import HEADLINE_OUTCOMES
from sim.reporting import i18n

#: Element id -> key of its text.
TEXT_IDS: dict[str, str] = {
    "title": "title",
    "intro": "intro",
    "label-baseline": "baseline",
    "label-compared": "compared",
    "label-levers": "levers",
    "label-uncertainties": "uncertainties",
    "label-replications": "replications",
    "label-months": "months",
    "run": "run",
    "download-button": "download",
    "cancel": "cancel",
    "sec-time": "sec_time",
    "sec-paired": "sec_paired",
    "sec-forest": "sec_forest",
    "sec-network": "sec_network",
    "stale-note": "stale",
}


def city_scenarios() -> list[str]:
    """Names of the flat scenarios small enough for interactive runs."""
    return known_designs()


def _slider_block(s: controls.Slider) -> html.Div:
    return html.Div(
        [
            html.Label(
                i18n.parameter_axis_title(s.name, s.unit),
                id={"type": "slider-label", "name": s.name},
                className="slider-label",
            ),
            dcc.Slider(
                id={"type": "slider", "name": s.name},
                min=s.low,
                max=s.high,
                step=s.step,
                marks=s.marks(),
                tooltip={"placement": "bottom", "always_visible": False},
            ),
        ],
        className="slider",
    )


def outcome_options(lang: str) -> list[dict[str, str]]:
    """Dropdown options of the headline outcomes, labelled in ``lang``."""
    return [{"label": i18n.outcome_label(o, lang), "value": o} for o in HEADLINE_OUTCOMES]


def page(lang: str = "en", replications: int = 5, months: int = 60) -> html.Div:
    """Return the whole page.

    Args:
        lang: Language of the texts.
        replications: Paired replications when the page opens.
        months: Months per run when the page opens.
    """
    names = city_scenarios()
    levers = [_slider_block(controls.slider(n)) for n in controls.LEVERS]
    uncertainties = [_slider_block(controls.slider(n)) for n in controls.UNCERTAINTIES]
    side = html.Div(
        [
            dcc.RadioItems(
                id="lang",
                options=[{"label": "English", "value": "en"}, {"label": "中文", "value": "zh"}],
                value=lang,
                inline=True,
            ),
            html.Label(t("baseline", lang), id="label-baseline"),
            dcc.Dropdown(id="baseline", options=names, value="dispersed", clearable=False),
            html.Label(t("compared", lang), id="label-compared"),
            dcc.Dropdown(id="compared", options=names, value="centralized", clearable=False),
            html.H4(t("levers", lang), id="label-levers"),
            *levers,
            html.H4(t("uncertainties", lang), id="label-uncertainties"),
            *uncertainties,
            html.Label(t("replications", lang), id="label-replications"),
            dcc.Input(
                id="replications",
                type="number",
                min=MIN_REPLICATIONS,
                max=MAX_REPLICATIONS,
                step=1,
                value=replications,
            ),
            html.Label(t("months", lang), id="label-months"),
            dcc.Input(
                id="months", type="number", min=MIN_MONTHS, max=MAX_MONTHS, step=1, value=months
            ),
            html.Div(
                [
                    html.Button(t("run", lang), id="run", n_clicks=0),
                    html.Button(t("cancel", lang), id="cancel", n_clicks=0),
                    html.Button(t("download", lang), id="download-button", n_clicks=0),
                ],
                className="buttons",
            ),
            html.Progress(id="progress-bar", value="0", max="1"),
            html.Div(t("waiting", lang), id="progress"),
            html.Div(id="request-message", className="request-message", role="alert"),
        ],
        className="side",
    )
    main = html.Div(
        [
            html.Div(t("stale", lang), id="stale-note", className="stale-note"),
            html.H3(t("sec_time", lang), id="sec-time"),
            dcc.Dropdown(
                id="outcome",
                options=outcome_options(lang),
                value=HEADLINE_OUTCOMES[0],
                clearable=False,
            ),
            dcc.Graph(id="timeseries"),
            html.H3(t("sec_paired", lang), id="sec-paired"),
            html.Div(id="paired-table"),
            html.H3(t("sec_forest", lang), id="sec-forest"),
            dcc.Graph(id="forest"),
            html.H3(t("sec_network", lang), id="sec-network"),
            dcc.Graph(id="network"),
        ],
        id="results",
        className="main",
    )
    return html.Div(
        [
            html.H1(t("title", lang), id="title"),
            html.P(t("intro", lang), id="intro"),
            html.Div([side, main], className="columns"),
            dcc.Store(id="job"),
            dcc.Interval(id="poll", interval=400, disabled=True),
            dcc.Download(id="download"),
        ],
        className="page",
    )
