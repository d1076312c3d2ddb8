"""The page of the run viewer ("Watch one run"), at ``/watch`` of the dashboard.

Every text that changes with the language has an id listed in ``TEXT_IDS``;
every id starts with ``viewer-`` so that it cannot clash with the ids of the
dashboard's other page.
"""

from __future__ import annotations

from dash import dcc, html

from sim.dashboard.viewer_texts import t
from sim.experiments.inputs.scenarios import list_scenarios
from sim.experiments.replications import HEADLINE_OUTCOMES
from sim.experiments.seeds import DEFAULT_SEED, spawn_seeds
from sim.reporting import i18n

#: Element id -> key of its text.
TEXT_IDS: dict[str, str] = {
    "viewer-title": "v_title",
    "viewer-intro": "v_intro",
    "viewer-label-scenario": "v_scenario",
    "viewer-label-seed": "v_seed",
    "viewer-label-months": "v_months",
    "viewer-label-government": "v_government",
    "viewer-load": "v_load",
    "viewer-play": "v_play",
    "viewer-pause": "v_pause",
    "viewer-step": "v_step",
    "viewer-download-button": "v_download",
    "viewer-sec-network": "v_sec_network",
    "viewer-sec-queues": "v_sec_queues",
    "viewer-sec-platforms": "v_sec_platforms",
    "viewer-sec-time": "v_sec_time",
    "viewer-label-outcome": "v_outcome",
}

#: Largest run the viewer records (departments over all governments).
MAX_DEPARTMENTS = 400
#: Months a viewer run may have.
MIN_MONTHS, MAX_MONTHS = 1, 240
#: Months per second while playing (the interval between ticks).
PLAY_INTERVAL_MS = 600

#: The seed the page opens with: replication 0 of the main job run with --batch 1.
DEFAULT_VIEWER_SEED = spawn_seeds(DEFAULT_SEED, 1)[0]


def watchable_scenarios() -> list[str]:
    """Names of the flat scenarios small enough to record and play in the browser."""
    names = []
    for s in list_scenarios():
        p = s.parameters
        size = p.n_jurisdictions * (p.n_departments + p.department_spread)
        if p.n_provinces == 0 and size <= MAX_DEPARTMENTS:
            names.append(s.name)
    return names


def outcome_options(lang: str) -> list[dict[str, str]]:
    """Dropdown options of the headline outcomes, labelled in ``lang``."""
    return [{"label": i18n.outcome_label(o, lang), "value": o} for o in HEADLINE_OUTCOMES]


def _field(label_id: str, key: str, control, lang: str) -> html.Div:
    return html.Div([html.Label(t(key, lang), id=label_id), control], className="viewer-field")


def viewer_page(lang: str = "en", scenario: str = "centralized", months: int = 120) -> html.Div:
    """Return the viewer's page.

    Args:
        lang: Language of the texts.
        scenario: Design recorded when the page opens.
        months: Months of that run.
    """
    names = watchable_scenarios()
    controls = html.Div(
        [
            # A drop-down (not radio buttons): only the chosen language's name is on
            # the page, so the other page's "English | 中文" switch stays the only one.
            dcc.Dropdown(
                id="viewer-lang",
                options=[{"label": "English", "value": "en"}, {"label": "中文", "value": "zh"}],
                value=lang,
                clearable=False,
                searchable=False,
                className="viewer-lang",
            ),
            _field(
                "viewer-label-scenario",
                "v_scenario",
                dcc.Dropdown(
                    id="viewer-scenario",
                    options=names,
                    value=scenario if scenario in names else names[0],
                    clearable=False,
                ),
                lang,
            ),
            _field(
                "viewer-label-seed",
                "v_seed",
                dcc.Input(
                    id="viewer-seed", type="number", min=0, step=1, value=DEFAULT_VIEWER_SEED
                ),
                lang,
            ),
            _field(
                "viewer-label-months",
                "v_months",
                dcc.Input(
                    id="viewer-months",
                    type="number",
                    min=MIN_MONTHS,
                    max=MAX_MONTHS,
                    step=1,
                    value=months,
                ),
                lang,
            ),
            html.Button(t("v_load", lang), id="viewer-load", n_clicks=0),
            _field(
                "viewer-label-government",
                "v_government",
                dcc.Dropdown(id="viewer-government", options=[0], value=0, clearable=False),
                lang,
            ),
        ],
        className="viewer-controls",
    )
    player = html.Div(
        [
            html.Button(t("v_play", lang), id="viewer-play", n_clicks=0),
            html.Button(t("v_pause", lang), id="viewer-pause", n_clicks=0),
            html.Button(t("v_step", lang), id="viewer-step", n_clicks=0),
            html.Span(t("v_month", lang, month=0, months=months), id="viewer-month-label"),
            html.Div(
                dcc.Slider(id="viewer-month", min=0, max=months, step=1, value=0, marks=None),
                className="viewer-slider",
            ),
        ],
        className="viewer-player",
    )
    return html.Div(
        [
            html.H1(t("v_title", lang), id="viewer-title"),
            html.P(t("v_intro", lang), id="viewer-intro"),
            controls,
            html.Div("", id="viewer-status"),
            player,
            html.Div(
                [
                    html.Div(
                        [
                            html.H3(t("v_sec_network", lang), id="viewer-sec-network"),
                            dcc.Graph(id="viewer-network", config={"displayModeBar": False}),
                        ],
                        className="viewer-left",
                    ),
                    html.Div(
                        [
                            html.H3(t("v_sec_queues", lang), id="viewer-sec-queues"),
                            dcc.Graph(id="viewer-queues", config={"displayModeBar": False}),
                            html.H3(t("v_sec_platforms", lang), id="viewer-sec-platforms"),
                            dcc.Graph(id="viewer-platforms", config={"displayModeBar": False}),
                        ],
                        className="viewer-right",
                    ),
                ],
                className="viewer-grid",
            ),
            html.H3(t("v_sec_time", lang), id="viewer-sec-time"),
            html.Div(
                [
                    html.Label(t("v_outcome", lang), id="viewer-label-outcome"),
                    dcc.Dropdown(
                        id="viewer-outcome",
                        options=outcome_options(lang),
                        value="platform_adoption_rate",
                        clearable=False,
                    ),
                ],
                className="viewer-field viewer-outcome",
            ),
            dcc.Graph(id="viewer-timeseries", config={"displayModeBar": False}),
            html.Button(t("v_download", lang), id="viewer-download-button", n_clicks=0),
            dcc.Download(id="viewer-download"),
            dcc.Store(id="viewer-run"),
            dcc.Store(id="viewer-problem"),
            dcc.Store(id="viewer-drawn"),
            dcc.Interval(id="viewer-clock", interval=PLAY_INTERVAL_MS, disabled=True),
        ],
        className="page viewer",
        id="viewer-page",
    )
