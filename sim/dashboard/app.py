"""The Dash app of the dashboard: callbacks that run designs and draw the results.

``create_app()`` returns the app; ``serve(host, port)`` runs it. Dash serves
its JavaScript and plotly.js from the installed packages (``serve_locally``),
and the style sheet from ``assets/``, so the page works offline.
"""

from __future__ import annotations

import io
import shutil
import tempfile
import time
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import dash
import plotly.graph_objects as go
from dash import ALL, Input, Output, State, dcc, html

from sim.dashboard import controls, requests, security
from sim.dashboard.jobs import BusyError, Job, JobBoard
from sim.dashboard.layout import TEXT_IDS, outcome_options, page
from sim.dashboard.texts import t
from sim.model import network
from sim.reporting import charts, i18n
from sim.reporting.style import format_number

ASSETS = Path(__file__).resolve().parent / "assets"


def _designs(baseline: Any, compared: Any, values: dict[str, Any]) -> tuple[list, dict]:
    """The request's designs and world: levers on the compared design, the world on both."""
    levers = controls.overrides(values, controls.LEVERS)
    world = controls.overrides(values, controls.UNCERTAINTIES)
    return [{"base": baseline, "values": {}}, {"base": compared, "values": levers}], world


def _scenarios(baseline: str, compared: str, values: dict[str, Any], months: int) -> tuple:
    """The two designs with the slider values, checked as a dashboard request is."""
    designs, world = _designs(baseline, compared, values)
    return requests.check_run(designs, world, requests.MIN_REPLICATIONS, months).scenarios


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


def create_app(
    lang: str = "en",
    replications: int = 5,
    months: int = 60,
    *,
    host: str = "127.0.0.1",
    port: int | None = None,
    allow_hosts: Iterable[str] = (),
    board: JobBoard | None = None,
) -> dash.Dash:
    """Return the dashboard app.

    Args:
        lang: Language of the page when it opens.
        replications: Paired replications of the first run.
        months: Months per run of the first run.
        host: Address the server is bound to (its name is accepted in ``Host``).
        port: Port served (checked in ``Origin``); None accepts any.
        allow_hosts: Further host names accepted (``--allow-host``).
        board: The jobs (a new board by default).

    Returns:
        A Dash app serving its assets locally; requests naming a foreign host
        are refused with 403 (``sim.dashboard.security``).
    """
    app = dash.Dash(
        __name__,
        title="egov-sim dashboard",
        assets_folder=str(ASSETS),
        serve_locally=True,
        update_title=None,
    )
    security.guard(app.server, host, allow_hosts, port)
    app.layout = page(lang, replications, months)
    app.board = board if board is not None else JobBoard()  # read by tests
    _register(app, app.board)
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
        try:
            base, other = requests.known_design(baseline), requests.known_design(compared)
        except requests.RequestError:
            return [dash.no_update] * len(names)
        return [getattr((other if n in controls.LEVERS else base).parameters, n) for n in names]

    @app.callback(
        Output("job", "data"),
        Output("poll", "disabled"),
        Output("request-message", "children"),
        Output("results", "className"),
        Input("run", "n_clicks"),
        Input({"type": "slider", "name": ALL}, "value"),
        Input("replications", "value"),
        Input("months", "value"),
        State("baseline", "value"),
        State("compared", "value"),
        State("job", "data"),
        State("lang", "value"),
    )
    def start(_, values, replications, months, baseline, compared, job_id, lang):
        """Check the request on the server; start a run (replacing the previous) or say why not."""
        try:
            if not isinstance(values, list) or len(values) != len(names):
                raise requests.RequestError("The request does not hold every slider's value.")
            designs, world = _designs(baseline, compared, dict(zip(names, values, strict=True)))
            plan = requests.check_run(designs, world, replications, months)
            job = board.start(
                Job(plan.scenarios, plan.replications, batch=plan.batch), replaces=job_id
            )
        except (*requests.REQUEST_ERRORS, BusyError) as exc:
            message = t("refused", lang, error=requests.message_of(exc))
            return dash.no_update, dash.no_update, message, "main stale"
        return job.id, False, "", "main stale"

    @app.callback(
        Output("poll", "disabled", allow_duplicate=True),
        Input("cancel", "n_clicks"),
        State("job", "data"),
        prevent_initial_call=True,
    )
    def cancel(_, job_id):
        """Stop the page's run within a month."""
        board.cancel(job_id)
        return False

    @app.callback(
        Output("progress", "children"),
        Output("progress-bar", "value"),
        Output("progress-bar", "max"),
        Output("timeseries", "figure"),
        Output("paired-table", "children"),
        Output("forest", "figure"),
        Output("network", "figure"),
        Output("poll", "disabled", allow_duplicate=True),
        Output("results", "className", allow_duplicate=True),
        Input("poll", "n_intervals"),
        Input("lang", "value"),
        Input("outcome", "value"),
        State("job", "data"),
        prevent_initial_call=True,
    )
    def show(_, lang, outcome, job_id):
        """Progress while running; every chart once the run is finished."""
        job = board.get(job_id)
        keep = (dash.no_update,) * 4
        if job is None:
            return t("waiting", lang), "0", "1", *keep, dash.no_update, dash.no_update
        progress = (str(job.months_done), str(max(job.months_total, 1)))
        if job.error:
            return t("failed", lang, error=job.error), *progress, *keep, True, "main stale"
        if job.cancelled and job.result is None:
            return t("cancelled", lang), *progress, *keep, True, "main stale"
        if job.result is None:
            text = t("progress", lang, done=job.done, total=job.total)
            return text, *progress, *keep, False, "main stale"
        text = t(
            "finished",
            lang,
            total=job.total,
            seconds=job.result.elapsed,
            seed=job.root_seed,
            batch=job.batch,
        )
        return text, *progress, *figures(job.result, outcome, lang), True, "main"

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
        name = f"dashboard-{time.strftime('%Y%m%d-%H%M%S')}"
        return dcc.send_bytes(results_zip(job.result, name, lang), f"{name}.zip")


def results_zip(result: Any, name: str, lang: str = "en") -> bytes:
    """The results folder of a comparison as zip bytes; nothing is left on disk.

    The folder is named ``name`` (made by the app, never from a request); it is
    written into a fresh temporary folder, zipped in memory, and the temporary
    folder is removed whatever happens.
    """
    from sim.reporting.experiment_folder import save_comparison

    tmp = Path(tempfile.mkdtemp(prefix="egov-dashboard-"))
    try:
        folder = save_comparison(result, tmp / name, lang=lang, argv=["dashboard"])
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    archive.write(path, f"{name}/{path.relative_to(folder).as_posix()}")
        return buffer.getvalue()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def serve(
    host: str = "127.0.0.1",
    port: int = 8050,
    lang: str = "en",
    allow_hosts: Iterable[str] = (),
    threads: int = 8,
) -> None:
    """Run the dashboard with Waitress (a production WSGI server) until interrupted.

    Dash's documentation serves apps in production with a WSGI server
    rather than Flask's development server; Waitress is pure Python and runs
    on every platform.

    Args:
        host: Address to bind (local only unless another is asked for).
        port: TCP port.
        lang: Language of the page when it opens.
        allow_hosts: Further host names accepted in ``Host`` (e.g. this
            machine's name when bound to 0.0.0.0).
        threads: Requests served at once (runs go to the job threads).
    """
    import waitress

    app = create_app(lang, host=host, port=port, allow_hosts=allow_hosts)
    waitress.serve(app.server, host=host, port=port, threads=threads, ident="egov-sim")
