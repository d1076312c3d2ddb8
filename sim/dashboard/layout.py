"""The page of the dashboard: designs and parameters on the left, views on the right.

Number fields carry no ``min``/``max``: a browser silently drops a value
outside them, while the server says what is allowed (``requests``).

The left column holds up to four designs (the first is the baseline), the
parameter fields of the design being edited (every lever and uncertainty,
grouped by theme, with a search), saving and loading a design as a scenario
file, the run settings and progress. The right column holds tabs: the
comparison of the designs and a one-parameter sweep (further views, such as
watching one run, are further tabs of ``views``).

Every text that changes with the language has an id, so that one callback
(``sim.dashboard.app``) can set it; ids are listed in ``TEXT_IDS``.
"""

from __future__ import annotations

from dash import dcc, html

from sim.dashboard import controls
from sim.dashboard.requests import MAX_DESIGNS, known_designs
from sim.dashboard.texts import t
from sim.experiments.replications import HEADLINE_OUTCOMES
from sim.reporting import i18n

#: Element id -> key of its text.
TEXT_IDS: dict[str, str] = {
    "title": "title",
    "intro": "intro",
    "label-designs": "designs",
    "label-editing": "editing",
    "label-levers": "levers",
    "label-uncertainties": "uncertainties",
    "label-search": "search",
    "reset": "reset",
    "save-design": "save_design",
    "load-label": "load_design",
    "label-replications": "replications",
    "label-months": "months",
    "run": "run",
    "cancel": "cancel",
    "download-button": "download",
    "sec-time": "sec_time",
    "sec-paired": "sec_paired",
    "sec-forest": "sec_forest",
    "sec-network": "sec_network",
    "stale-note": "stale",
    "label-sweep-parameter": "sweep_parameter",
    "label-sweep-design": "sweep_design",
    "label-sweep-from": "sweep_from",
    "label-sweep-to": "sweep_to",
    "label-sweep-points": "sweep_points",
    "sweep-run": "sweep_run",
    "sweep-intro": "sweep_intro",
    "sweep-stale-note": "stale",
}

#: Designs shown when the page opens (the first is the baseline).
START_DESIGNS: tuple[str | None, ...] = ("dispersed", "centralized", None, None)


def city_scenarios() -> list[str]:
    """Names of the flat scenarios small enough for interactive runs."""
    return known_designs()


def _field_block(f: controls.Field, lang: str) -> html.Div:
    return html.Div(
        [
            html.Label(
                controls.label_with_unit(f.name, lang),
                id={"type": "param-label", "name": f.name},
                className="param-label",
                title=controls.hint(f.name),
            ),
            dcc.Input(
                id={"type": "param", "name": f.name},
                type="number",
                step=f.step,
                debounce=True,
                className="param-input",
            ),
            html.Div(controls.hint(f.name), className="param-hint"),
        ],
        id={"type": "field", "name": f.name},
        className="field",
    )


def themed(group: str) -> list[tuple[str, list[controls.Field]]]:
    """The fields of ``group`` (lever or uncertainty) by theme, in the page's order."""
    out = []
    for key, _, _, _ in controls.THEMES:
        members = [f for f in controls.fields() if f.group == group and f.theme == key]
        if members:
            out.append((key, members))
    return out


def field_names() -> list[str]:
    """Parameter names in the order of their fields on the page (the order of ``ALL``)."""
    return [f.name for g in ("lever", "uncertainty") for _, fs in themed(g) for f in fs]


def theme_ids() -> list[tuple[str, str]]:
    """``(group, theme)`` of the foldable themes, in the page's order."""
    return [(g, key) for g in ("lever", "uncertainty") for key, _ in themed(g)]


def _groups(group: str, lang: str) -> list[html.Details]:
    """The fields of ``group`` (lever or uncertainty) by theme, each theme foldable."""
    out = []
    for key, members in themed(group):
        out.append(
            html.Details(
                [
                    html.Summary(
                        f"{controls.theme_label(key, lang)} ({len(members)})",
                        id={"type": "theme-label", "name": f"{group}-{key}"},
                    ),
                    *[_field_block(f, lang) for f in members],
                ],
                id={"type": "theme", "name": f"{group}-{key}"},
                open=key == "review",
                className="theme",
            )
        )
    return out


def outcome_options(lang: str) -> list[dict[str, str]]:
    """Dropdown options of the headline outcomes, labelled in ``lang``."""
    return [{"label": i18n.outcome_label(o, lang), "value": o} for o in HEADLINE_OUTCOMES]


def parameter_options(lang: str) -> list[dict[str, str]]:
    """Dropdown options of every lever and uncertainty, labelled in ``lang``."""
    return [{"label": controls.label(f.name, lang), "value": f.name} for f in controls.fields()]


def design_options(lang: str) -> list[dict[str, str]]:
    """Options of the design being edited: Design 1 (baseline) .. Design 4."""
    return [{"label": t("design_n", lang, n=k + 1), "value": k} for k in range(MAX_DESIGNS)]


def _design_row(k: int, names: list[str], lang: str) -> html.Div:
    return html.Div(
        [
            html.Span(f"{k + 1}", className="design-number"),
            dcc.Dropdown(
                id={"type": "design", "slot": k},
                options=names,
                value=START_DESIGNS[k],
                clearable=k > 0,
                placeholder=t("no_design", lang),
                className="design-choice",
            ),
            dcc.Input(
                id={"type": "design-name", "slot": k},
                type="text",
                maxLength=40,
                debounce=True,
                placeholder=t("name_placeholder", lang),
                className="design-name",
            ),
        ],
        className="design-row",
    )


def side_panel(lang: str, replications: int, months: int) -> html.Div:
    """The left column: designs, parameters, files, run settings and progress."""
    names = city_scenarios()
    return html.Div(
        [
            html.H4(t("designs", lang), id="label-designs"),
            *[_design_row(k, names, lang) for k in range(MAX_DESIGNS)],
            html.Div(
                [
                    html.Label(t("replications", lang), id="label-replications"),
                    dcc.Input(
                        id="replications",
                        type="number",
                        step=1,
                        value=replications,
                        debounce=True,
                    ),
                    html.Label(t("months", lang), id="label-months"),
                    dcc.Input(
                        id="months",
                        type="number",
                        step=1,
                        value=months,
                        debounce=True,
                    ),
                ],
                className="sizes",
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
            html.Label(t("editing", lang), id="label-editing"),
            dcc.RadioItems(id="editing", options=design_options(lang), value=1, inline=True),
            html.Div(
                [
                    html.Button(t("reset", lang), id="reset", n_clicks=0),
                    html.Button(t("save_design", lang), id="save-design", n_clicks=0),
                    dcc.Upload(
                        html.Button(t("load_design", lang), id="load-label"),
                        id="load-design",
                        accept=".yaml,.yml",
                        max_size=1_000_000,
                        multiple=False,
                    ),
                ],
                className="buttons",
            ),
            html.Div(id="file-message", className="request-message", role="alert"),
            html.Label(t("search", lang), id="label-search", htmlFor="param-search"),
            dcc.Input(
                id="param-search",
                type="search",
                placeholder=t("search_placeholder", lang),
                debounce=False,
                className="search",
            ),
            html.Div(
                [
                    html.H4(t("levers", lang), id="label-levers"),
                    *_groups("lever", lang),
                    html.H4(t("uncertainties", lang), id="label-uncertainties"),
                    *_groups("uncertainty", lang),
                ],
                className="params",
            ),
        ],
        className="side",
    )


def compare_view(lang: str) -> html.Div:
    """The comparison of the designs: time series, paired table, forest plot, network."""
    return html.Div(
        [
            html.Div(t("stale", lang), id="stale-note", className="stale-note"),
            html.H3(t("sec_time", lang), id="sec-time"),
            dcc.Dropdown(
                id="outcome",
                options=outcome_options(lang),
                value=HEADLINE_OUTCOMES[0],
                clearable=False,
            ),
            dcc.Graph(id="timeseries", config={"responsive": True}),
            html.H3(t("sec_paired", lang), id="sec-paired"),
            html.Div(id="paired-table", className="table-scroll"),
            html.H3(t("sec_forest", lang), id="sec-forest"),
            dcc.Graph(id="forest", config={"responsive": True}),
            html.H3(t("sec_network", lang), id="sec-network"),
            dcc.Graph(id="network", config={"responsive": True}),
        ],
        id="results",
        className="main",
    )


def sweep_view(lang: str) -> html.Div:
    """A one-parameter sweep of one design: an outcome against the parameter's value."""
    return html.Div(
        [
            html.P(t("sweep_intro", lang), id="sweep-intro"),
            html.Div(
                [
                    html.Label(t("sweep_parameter", lang), id="label-sweep-parameter"),
                    dcc.Dropdown(
                        id="sweep-parameter",
                        options=parameter_options(lang),
                        value="review_authority",
                        clearable=False,
                    ),
                    html.Label(t("sweep_design", lang), id="label-sweep-design"),
                    dcc.RadioItems(
                        id="sweep-design", options=design_options(lang), value=1, inline=True
                    ),
                    html.Label(t("sweep_from", lang), id="label-sweep-from"),
                    dcc.Input(id="sweep-from", type="number", value=0, debounce=True),
                    html.Label(t("sweep_to", lang), id="label-sweep-to"),
                    dcc.Input(id="sweep-to", type="number", value=1, debounce=True),
                    html.Label(t("sweep_points", lang), id="label-sweep-points"),
                    dcc.Input(
                        id="sweep-points",
                        type="number",
                        step=1,
                        value=5,
                        debounce=True,
                    ),
                    html.Button(t("sweep_run", lang), id="sweep-run", n_clicks=0),
                ],
                className="sweep-controls",
            ),
            html.Div(id="sweep-message", className="request-message", role="alert"),
            html.Progress(id="sweep-bar", value="0", max="1"),
            html.Div(id="sweep-progress"),
            html.Div(
                [
                    html.Div(t("stale", lang), id="sweep-stale-note", className="stale-note"),
                    dcc.Dropdown(
                        id="sweep-outcome",
                        options=outcome_options(lang),
                        value=HEADLINE_OUTCOMES[0],
                        clearable=False,
                    ),
                    dcc.Graph(id="sweep-figure", config={"responsive": True}),
                ],
                id="sweep-results",
                className="main",
            ),
        ],
        className="sweep",
    )


def views(lang: str) -> dcc.Tabs:
    """The tabs of the right column."""
    return dcc.Tabs(
        id="tabs",
        value="compare",
        children=[
            dcc.Tab(
                compare_view(lang), label=t("tab_compare", lang), value="compare", id="tab-compare"
            ),
            dcc.Tab(sweep_view(lang), label=t("tab_sweep", lang), value="sweep", id="tab-sweep"),
        ],
    )


def page(lang: str = "en", replications: int = 5, months: int = 60) -> html.Div:
    """Return the whole page.

    Args:
        lang: Language of the texts.
        replications: Paired replications when the page opens.
        months: Months per run when the page opens.
    """
    return html.Div(
        [
            html.Div(
                [
                    html.H1(t("title", lang), id="title"),
                    dcc.RadioItems(
                        id="lang",
                        options=[
                            {"label": "English", "value": "en"},
                            {"label": "中文", "value": "zh"},
                        ],
                        value=lang,
                        inline=True,
                    ),
                ],
                className="header",
            ),
            html.P(t("intro", lang), id="intro"),
            html.Div(
                [side_panel(lang, replications, months), html.Div(views(lang), className="view")],
                className="columns",
            ),
            dcc.Store(id="job"),
            dcc.Store(id="shown"),
            dcc.Store(id="sweep-shown"),
            dcc.Store(id="ready"),
            dcc.Store(id="sweep-ready"),
            dcc.Store(id="sweep-job"),
            dcc.Store(id="edits", data={}),
            dcc.Store(id="world", data={}),
            dcc.Interval(id="poll", interval=400, disabled=True),
            dcc.Interval(id="sweep-poll", interval=500, disabled=True),
            dcc.Download(id="download"),
            dcc.Download(id="download-design"),
        ],
        className="page",
    )
