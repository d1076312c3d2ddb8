"""The run viewer ("Watch one run"): a second page of the dashboard, at ``/watch``.

It records one run of one design with one seed (``sim.experiments.watch``:
agent-level records collected only here, never in a normal run), then steps
or plays through its months: departments as nodes coloured by what serves
each need, the governance bodies' queues, the shared platforms being built,
and a time series with a cursor at the month shown. "Download" sends the
run's folder (``agents.parquet`` and the rest, as ``run.py watch`` writes it)
as a zip.

``register(app)`` adds the page to an existing dashboard app: it puts the
app's layout and the viewer's page side by side under a small navigation bar
(a ``dcc.Location`` shows one of them) and registers the viewer's callbacks.
Recorded runs are kept in memory on the server (the last few), not sent to
the browser; the page holds only a key.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

import dash
from dash import Input, Output, Patch, State, ctx, dcc, html

from sim.dashboard import viewer_figures as figures
from sim.dashboard.viewer_layout import (
    MAX_MONTHS,
    MIN_MONTHS,
    TEXT_IDS,
    outcome_options,
    viewer_page,
    watchable_scenarios,
)
from sim.dashboard.viewer_texts import t

#: Path of the viewer's page (relative to the app's prefix).
WATCH_PATH = "watch"
#: Largest seed the page accepts (numpy seeds are unbounded; this keeps input sane).
MAX_SEED = 2**63 - 1
#: Recorded runs kept in memory (a city run's records take about 2 MB).
KEEP_RUNS = 4


class RunCache:
    """The last few recorded runs, by key; safe to use from several request threads."""

    def __init__(self, size: int = KEEP_RUNS) -> None:
        self._runs: OrderedDict[str, tuple[Any, figures.RunView]] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, key: str | None) -> tuple[Any, figures.RunView] | None:
        """The scenario and indexed run of ``key``, or None if not (or no longer) here."""
        if not key:
            return None
        with self._lock:
            entry = self._runs.get(key)
            if entry is not None:
                self._runs.move_to_end(key)
            return entry

    def put(self, key: str, scenario: Any, view: figures.RunView) -> None:
        """Keep a run, dropping the least recently used beyond ``size``."""
        with self._lock:
            self._runs[key] = (scenario, view)
            self._runs.move_to_end(key)
            while len(self._runs) > self._size:
                self._runs.popitem(last=False)


def record(scenario_name: str, seed: int, months: int) -> tuple[Any, figures.RunView]:
    """Record one run (``sim.experiments.watch.record_run``) and index it for drawing."""
    from sim.experiments.inputs.scenarios import load_scenario
    from sim.experiments.watch import record_run

    scenario = load_scenario(scenario_name).with_overrides(name=scenario_name, months=int(months))
    return scenario, figures.RunView(record_run(scenario, int(seed)))


def valid_input(scenario: Any, seed: Any, months: Any) -> bool:
    """Whether the page's fields describe a run the viewer records."""
    whole = all(isinstance(v, int | float) and float(v).is_integer() for v in (seed, months))
    return (
        whole
        and scenario in watchable_scenarios()
        and 0 <= int(seed) <= MAX_SEED
        and MIN_MONTHS <= int(months) <= MAX_MONTHS
    )


def is_watch_path(pathname: str | None) -> bool:
    """Whether the browser's path is the viewer's page."""
    return bool(pathname) and pathname.rstrip("/").endswith("/" + WATCH_PATH)


def with_navigation(main: Any, lang: str = "en") -> html.Div:
    """The dashboard's page and the viewer's page under one navigation bar."""
    return html.Div(
        [
            dcc.Location(id="viewer-url"),
            html.Nav(
                [
                    dcc.Link(t("nav_compare", lang), href="/", id="viewer-nav-compare"),
                    dcc.Link(t("nav_watch", lang), href="/" + WATCH_PATH, id="viewer-nav-watch"),
                ],
                className="viewer-nav",
            ),
            html.Div(main, id="viewer-compare-page"),
            html.Div(viewer_page(lang), id="viewer-watch-page", style={"display": "none"}),
        ]
    )


def register(app: dash.Dash, lang: str = "en") -> RunCache:
    """Add the viewer's page and callbacks to a dashboard app.

    Args:
        app: The app; its ``layout`` (a component or a function returning
            one) becomes the page at ``/``, the viewer's the page at ``/watch``.
        lang: Language of the viewer when the page opens.

    Returns:
        The cache of recorded runs (for tests).
    """
    main = app.layout
    if callable(main):
        app.layout = lambda: with_navigation(main(), lang)
    else:
        app.layout = with_navigation(main, lang)
    cache = RunCache()
    _register(app, cache)
    if not callable(main) and _has_id(main, "lang"):
        # The viewer follows the language chosen on the dashboard's page.
        app.callback(
            Output("viewer-lang", "value"), Input("lang", "value"), prevent_initial_call=True
        )(lambda lang: lang)
    return cache


def _has_id(component: Any, wanted: str) -> bool:
    """Whether a component or one of its descendants has the id ``wanted``."""
    if getattr(component, "id", None) == wanted:
        return True
    children = getattr(component, "children", None)
    if children is None or isinstance(children, str | int | float):
        return False
    if not isinstance(children, list | tuple):
        children = [children]
    return any(_has_id(child, wanted) for child in children)


#: Play, pause, step (JavaScript, run in the browser). Play starts again from
#: month 0 at the end; step pauses; a tick of the clock while playing moves
#: one month on once the month shown is drawn (``viewer-drawn``), and stops
#: at the last month; a new run starts at month 0, paused.
PLAYER_JS = """
function(play, pause, step, tick, key, month, last, paused, drawn) {
    const nu = window.dash_clientside.no_update;
    const triggered = window.dash_clientside.callback_context.triggered || [];
    const by = triggered.length ? triggered[0].prop_id.split(".")[0] : "";
    month = month || 0;
    if (!key) { return [nu, true]; }
    if (by === "viewer-run") { return [0, true]; }
    if (by === "viewer-play") { return [month >= last ? 0 : month, false]; }
    if (by === "viewer-pause") { return [nu, true]; }
    if (by === "viewer-step") { return [Math.min(month + 1, last), true]; }
    if (by === "viewer-clock") {
        if (paused) { return [nu, true]; }
        if (!drawn || drawn.month !== month) { return [nu, nu]; }
        const next = Math.min(month + 1, last);
        return [next, next >= last];
    }
    return [nu, nu];
}
"""


def _register(app: dash.Dash, cache: RunCache) -> None:
    @app.callback(
        Output("viewer-compare-page", "style"),
        Output("viewer-watch-page", "style"),
        Input("viewer-url", "pathname"),
    )
    def show_page(pathname):
        """Show the viewer at /watch, the dashboard's page elsewhere."""
        hidden = {"display": "none"}
        return (hidden, None) if is_watch_path(pathname) else (None, hidden)

    @app.callback(
        Output("viewer-run", "data"),
        Output("viewer-problem", "data"),
        Input("viewer-load", "n_clicks"),
        Input("viewer-url", "pathname"),
        State("viewer-scenario", "value"),
        State("viewer-seed", "value"),
        State("viewer-months", "value"),
        State("viewer-run", "data"),
    )
    def load(_, pathname, scenario, seed, months, current):
        """Record a run when asked, or when the page is first opened."""
        if ctx.triggered_id != "viewer-load" and (current or not is_watch_path(pathname)):
            return dash.no_update, dash.no_update
        if not valid_input(scenario, seed, months):
            return dash.no_update, {"key": "v_bad_input"}
        key = f"{scenario}|{int(seed)}|{int(months)}"
        if cache.get(key) is None:
            try:
                cache.put(key, *record(scenario, int(seed), int(months)))
            except Exception as exc:  # noqa: BLE001 - shown on the page, not a crash
                return dash.no_update, {"key": "v_failed", "error": str(exc)[:300]}
        return key, None

    @app.callback(
        Output("viewer-status", "children"),
        Output("viewer-status", "className"),
        Input("viewer-run", "data"),
        Input("viewer-problem", "data"),
        Input("viewer-lang", "value"),
    )
    def status(key, problem, lang):
        """What is shown, or why nothing new was run."""
        if problem:
            text = t(
                problem["key"],
                lang,
                max_seed=MAX_SEED,
                low=MIN_MONTHS,
                high=MAX_MONTHS,
                error=problem.get("error", ""),
            )
            return text, "viewer-status problem"
        entry = cache.get(key)
        if entry is None:
            return "", "viewer-status"
        run = entry[1].run
        text = t(
            "v_loaded",
            lang,
            scenario=run.scenario,
            seed=run.seed,
            months=run.months,
            rows=len(run.agents),
            seconds=run.elapsed,
        )
        return text, "viewer-status"

    @app.callback(
        Output("viewer-government", "options"),
        Output("viewer-government", "value"),
        Output("viewer-month", "max"),
        Input("viewer-run", "data"),
        State("viewer-government", "value"),
    )
    def run_loaded(key, government):
        """The governments of the run to choose from; the slider's end."""
        entry = cache.get(key)
        if entry is None:
            return dash.no_update, dash.no_update, dash.no_update
        view = entry[1]
        governments = view.governments
        return governments, government if government in governments else 0, view.months

    # The player runs in the browser: a tick advances the month only once the
    # month shown has been drawn, so a slow server (or machine) slows the play
    # down instead of piling up requests, which Dash would drop but the last.
    app.clientside_callback(
        PLAYER_JS,
        Output("viewer-month", "value"),
        Output("viewer-clock", "disabled"),
        Input("viewer-play", "n_clicks"),
        Input("viewer-pause", "n_clicks"),
        Input("viewer-step", "n_clicks"),
        Input("viewer-clock", "n_intervals"),
        Input("viewer-run", "data"),
        State("viewer-month", "value"),
        State("viewer-month", "max"),
        State("viewer-clock", "disabled"),
        State("viewer-drawn", "data"),
    )

    @app.callback(
        Output("viewer-network", "figure"),
        Output("viewer-queues", "figure"),
        Output("viewer-platforms", "figure"),
        Output("viewer-timeseries", "figure"),
        Output("viewer-month-label", "children"),
        Output("viewer-drawn", "data"),
        Input("viewer-month", "value"),
        Input("viewer-run", "data"),
        Input("viewer-government", "value"),
        Input("viewer-lang", "value"),
        Input("viewer-outcome", "value"),
        State("viewer-drawn", "data"),
    )
    def draw(month, key, government, lang, outcome, drawn):
        """Every panel at the month shown.

        The time series changes only with the run, government, language or
        outcome; when it is already drawn for those (``viewer-drawn``), only
        its cursor moves.
        """
        entry = cache.get(key)
        if entry is None:
            return (dash.no_update,) * 6
        view = entry[1]
        month = int(min(max(int(month or 0), 0), view.months))
        government = government if government in view.governments else 0
        signature = [key, government, lang, outcome]
        if drawn and drawn.get("signature") == signature:
            series = Patch()
            series["layout"]["shapes"][0] = figures.cursor(month)
        else:
            series = figures.timeseries_figure(view, month, government, outcome, lang)
        return (
            figures.network_figure(view, month, government, lang),
            figures.queues_figure(view, month, government, lang),
            figures.platforms_figure(view, month, government, lang),
            series,
            t("v_month", lang, month=month, months=view.months),
            {"signature": signature, "month": month},
        )

    @app.callback(
        [Output(k, "children") for k in TEXT_IDS],
        Output("viewer-nav-compare", "children"),
        Output("viewer-nav-watch", "children"),
        Output("viewer-outcome", "options"),
        Input("viewer-lang", "value"),
    )
    def texts(lang):
        """Every label of the viewer in the chosen language."""
        return [
            *(t(key, lang) for key in TEXT_IDS.values()),
            t("nav_compare", lang),
            t("nav_watch", lang),
            outcome_options(lang),
        ]

    @app.callback(
        Output("viewer-download", "data"),
        Input("viewer-download-button", "n_clicks"),
        State("viewer-run", "data"),
        prevent_initial_call=True,
    )
    def download(_, key):
        """The recorded run's folder (agents.parquet and the rest) as a zip."""
        entry = cache.get(key)
        if entry is None:
            return dash.no_update
        from sim.experiments.watch import write_run

        scenario, view = entry
        tmp = Path(tempfile.mkdtemp(prefix="egov-watch-"))
        stem = f"watch-{view.run.scenario}-seed{view.run.seed}"
        write_run(view.run, scenario, tmp / stem, argv=["dashboard", "watch"])
        archive = shutil.make_archive(str(tmp / stem), "zip", tmp, stem)
        return dcc.send_file(archive)
