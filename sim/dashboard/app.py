"""The Dash app of the dashboard: callbacks that run designs and draw the results.

``create_app()`` returns the app; ``serve(host, port)`` runs it. Dash serves
its JavaScript and plotly.js from the installed packages (``serve_locally``),
and the style sheet from ``assets/``, so the page works offline.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import dash
import plotly.graph_objects as go
from dash import ALL, Input, Output, State, dcc, html

from sim.dashboard import controls, viewer
from sim.dashboard.jobs import Job, JobBoard
from sim.dashboard.layout import TEXT_IDS, outcome_options, page
from sim.dashboard.texts import t
from sim.experiments.scenarios import load_scenario
from sim.model import network
from sim.reporting import charts, i18n
from sim.reporting.style import format_number

ASSETS = Path(__file__).resolve().parent / "assets"


def _scenarios(baseline: str, compared: str, values: dict[str, Any], months: int) -> tuple:
    """The two designs with the slider values: levers on the compared one, the world on both."""
    world = {**controls.overrides(values, controls.UNCERTAINTIES), "months": int(months)}
    levers = controls.overrides(values, controls.LEVERS)
    base = load_scenario(baseline)
    other = load_scenario(compared)
    name = compared if compared != baseline else f"{compared}′"
    return (
        base.with_overrides(name=base.name, **world),
        other.with_overrides(name=name, **levers, **world),
    )


def _empty() -> go.Figure:
    fig = go.Figure()
    fig.update_layout(template="plotly_white", height=200)
    return fig


def paired_table(result: Any, lang: str) -> html.Table:
    """The paired differences at the last month as an HTML table."""
    rows = []
    for _, r in result.paired.iterrows():
        unit = i18n.outcome_unit(r["outcome"], lang)
        diff = (
            f"{format_number(r['mean_difference'])} [{format_number(r['ci_low'])}, "
            f"{format_number(r['ci_high'])}] {unit}"
        )
        p = r.get("p_value")
        rows.append(
            html.Tr(
                [
                    html.Td(i18n.outcome_label(r["outcome"], lang)),
                    html.Td(diff, className="num"),
                    html.Td("" if p != p else f"{p:.3g}", className="num"),
                ]
            )
        )
    head = html.Tr(
        [html.Th(t("h_outcome", lang)), html.Th(t("h_difference", lang)), html.Th(t("h_p", lang))]
    )
    return html.Table([html.Thead(head), html.Tbody(rows)], className="paired")


def network_of(result: Any, lang: str) -> go.Figure:
    """The sharing network of replication 0 of the compared design."""
    name = result.scenarios[-1].name
    govs = result.governments
    rows = govs[(govs["scenario"] == name) & (govs["replication"] == 0)]
    edges = result.networks[
        (result.networks["scenario"] == name) & (result.networks["replication"] == 0)
    ]
    return charts.network_figure(
        network.government_nodes(rows), edges, scenario=name, replication=0, lang=lang
    )


def figures(result: Any, outcome: str, lang: str) -> tuple:
    """Time series, paired table, forest plot and network of a finished run."""
    head = [o for o in result.paired["outcome"] if o in controls_outcomes()]
    paired = result.paired[result.paired["outcome"].isin(head)]
    return (
        charts.timeseries_figure(result.frame, outcome, lang=lang),
        paired_table(result, lang),
        charts.forest_figure(paired, result.summary, lang=lang),
        network_of(result, lang),
    )


def controls_outcomes() -> tuple[str, ...]:
    """Outcomes shown in the forest plot (the headline ones)."""
    from sim.experiments.replications import HEADLINE_OUTCOMES

    return HEADLINE_OUTCOMES


def create_app(lang: str = "en", replications: int = 5, months: int = 60) -> dash.Dash:
    """Return the dashboard app.

    Args:
        lang: Language of the page when it opens.
        replications: Paired replications of the first run.
        months: Months per run of the first run.

    Returns:
        A Dash app serving its assets locally.
    """
    app = dash.Dash(
        __name__,
        title="egov-sim dashboard",
        assets_folder=str(ASSETS),
        serve_locally=True,
        update_title=None,
    )
    app.layout = page(lang, replications, months)
    board = JobBoard()
    _register(app, board)
    viewer.register(app, lang)  # the run viewer at /watch ("Watch one run")
    return app


def _register(app: dash.Dash, board: JobBoard) -> None:
    names = [s.name for s in controls.sliders()]

    @app.callback(
        Output({"type": "slider", "name": ALL}, "value"),
        Input("baseline", "value"),
        Input("compared", "value"),
    )
    def design_values(baseline: str, compared: str) -> list[Any]:
        """Sliders show the designs' values: levers of the compared, world of the baseline."""
        base, other = load_scenario(baseline), load_scenario(compared)
        return [getattr((other if n in controls.LEVERS else base).parameters, n) for n in names]

    @app.callback(
        Output("job", "data"),
        Output("poll", "disabled"),
        Input("run", "n_clicks"),
        Input({"type": "slider", "name": ALL}, "value"),
        Input("replications", "value"),
        Input("months", "value"),
        State("baseline", "value"),
        State("compared", "value"),
        State("job", "data"),
    )
    def start(_, values, replications, months, baseline, compared, job_id):
        """Start a run of both designs with the slider values (cancels the previous one)."""
        if not replications or not months or any(v is None for v in values):
            return dash.no_update, dash.no_update
        scenarios = _scenarios(baseline, compared, dict(zip(names, values, strict=True)), months)
        job = board.start(Job(scenarios, max(2, int(replications))), replaces=job_id)
        return job.id, False

    @app.callback(
        Output("progress", "children"),
        Output("progress-bar", "value"),
        Output("progress-bar", "max"),
        Output("timeseries", "figure"),
        Output("paired-table", "children"),
        Output("forest", "figure"),
        Output("network", "figure"),
        Output("poll", "disabled", allow_duplicate=True),
        Input("poll", "n_intervals"),
        Input("lang", "value"),
        Input("outcome", "value"),
        State("job", "data"),
        prevent_initial_call=True,
    )
    def show(_, lang, outcome, job_id):
        """Progress while running; every chart once the run is finished."""
        job = board.get(job_id)
        if job is None:
            keep = (dash.no_update,) * 4
            return t("waiting", lang), "0", "1", *keep, dash.no_update
        progress = (str(job.done), str(job.total))
        if job.error:
            keep = (dash.no_update,) * 4
            return t("failed", lang, error=job.error), *progress, *keep, True
        if job.result is None:
            text = t("progress", lang, done=job.done, total=job.total)
            return text, *progress, *(dash.no_update,) * 4, False
        text = t("finished", lang, total=job.total, seconds=job.result.elapsed, seed=job.root_seed)
        return text, *progress, *figures(job.result, outcome, lang), True

    @app.callback(
        [Output(k, "children") for k in TEXT_IDS],
        Output({"type": "slider-label", "name": ALL}, "children"),
        Output("outcome", "options"),
        Input("lang", "value"),
    )
    def texts(lang):
        """Every label in the chosen language."""
        specs = {s.name: s for s in controls.sliders()}
        labels = [i18n.parameter_axis_title(n, specs[n].unit, lang) for n in names]
        return [t(key, lang) for key in TEXT_IDS.values()] + [labels, outcome_options(lang)]

    @app.callback(
        Output("download", "data"),
        Input("download-button", "n_clicks"),
        State("job", "data"),
        State("lang", "value"),
        prevent_initial_call=True,
    )
    def download(_, job_id, lang):
        """The finished run's results folder (files, report, manifest) as a zip."""
        job = board.get(job_id)
        if job is None or job.result is None:
            return dash.no_update
        from sim.reporting.experiment_folder import save_comparison

        tmp = Path(tempfile.mkdtemp(prefix="egov-dashboard-"))
        stem = "-vs-".join(s.name for s in job.result.scenarios).replace("′", "-variant")
        folder = save_comparison(job.result, tmp / stem, lang=lang, argv=["dashboard"])
        archive = shutil.make_archive(str(tmp / stem), "zip", folder.parent, folder.name)
        return dcc.send_file(archive)


def serve(host: str = "127.0.0.1", port: int = 8050, lang: str = "en") -> None:
    """Run the dashboard until interrupted.

    Args:
        host: Address to bind (local only unless another is asked for).
        port: TCP port.
        lang: Language of the page when it opens.
    """
    create_app(lang).run(host=host, port=port, debug=False)
