"""The Dash app of the dashboard: callbacks that run designs and draw the results.

``create_app()`` returns the app; ``serve(host, port)`` runs it with
Waitress. Dash serves its JavaScript and plotly.js from the installed
packages (``serve_locally``), and the style sheet from ``assets/``, so the
page works offline. Every request is checked on the server: the Host and
Origin (``security``), and every run request's sizes, values and design
names (``requests``); a refused request gets its message on the page, and
the results on screen are marked stale.
"""

from __future__ import annotations

import io
import shutil
import tempfile
import time
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import dash
import plotly.graph_objects as go
from dash import ALL, Input, Output, State, ctx, dcc, html

from sim.dashboard import controls, design_files, requests, security, viewer
from sim.dashboard.jobs import BusyError, Job, JobBoard
from sim.dashboard.layout import (
    TEXT_IDS,
    design_options,
    field_names,
    outcome_options,
    page,
    parameter_options,
    theme_ids,
)
from sim.dashboard.texts import t
from sim.experiments.replications import HEADLINE_OUTCOMES
from sim.model import network
from sim.model.parameters import SPECS
from sim.reporting import charts, i18n
from sim.reporting.style import format_number

ASSETS = Path(__file__).resolve().parent / "assets"

#: Largest request body accepted (an uploaded scenario file is at most 1 MB, base64).
MAX_REQUEST_BYTES = 4 * 1024 * 1024


def _lang(lang: Any) -> str:
    return "zh" if lang == "zh" else "en"


def design_request(
    designs: Sequence[Any], names: Sequence[Any], edits: Any
) -> list[dict[str, Any]]:
    """The designs of the page as a run request: chosen slots, their edits and names."""
    edits = edits if isinstance(edits, Mapping) else {}
    out = []
    for k, base in enumerate(designs or []):
        if base is None and k > 0:
            continue
        values = edits.get(str(k))
        out.append({"base": base, "values": values or {}, "name": _at(names, k)})
    return out


def _at(items: Any, k: int) -> Any:
    return (
        items[k]
        if isinstance(items, Sequence) and not isinstance(items, str) and k < len(items)
        else None
    )


def _state_key(job: Job | None, lang: str) -> str:
    """What a poll would show: the job, its progress and state, and the language."""
    if job is None:
        return f"none|{lang}"
    if job.error:
        state = "error"
    elif job.result is not None:
        state = "done"
    else:
        state = "cancelled" if job.cancelled else "running"
    return f"{job.id}|{job.months_done}|{state}|{lang}"


def _progress(job: Job | None, lang: str, waiting: str | None = None) -> tuple:
    """Progress text, bar value and end, results' class and the finished job's id."""
    keep = dash.no_update
    if job is None:
        return t("waiting", lang) if waiting is None else waiting, "0", "1", keep, keep
    bar = (str(job.months_done), str(max(job.months_total, 1)))
    if job.error:
        return t("failed", lang, error=job.error), *bar, keep, keep
    if job.result is None:
        text = (
            t("cancelled", lang)
            if job.cancelled
            else t("progress", lang, done=job.done, total=job.total)
        )
        return text, *bar, keep, keep
    text = t(
        "finished",
        lang,
        total=job.total,
        seconds=job.result.elapsed,
        seed=job.root_seed,
        batch=job.batch,
    )
    return text, *bar, keep, job.id


def _scenarios(baseline: str, compared: str, values: dict[str, Any], months: int) -> tuple:
    """Two designs: ``values`` of levers on the compared one, of uncertainties on both."""
    levers = controls.overrides(values, controls.LEVERS)
    world = controls.overrides(values, controls.UNCERTAINTIES)
    designs = [{"base": baseline, "values": {}}, {"base": compared, "values": levers}]
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
                    html.Td(r["scenario"]),
                    html.Td(i18n.outcome_label(r["outcome"], lang)),
                    html.Td(diff, className="num"),
                    html.Td("" if p != p else f"{p:.3g}", className="num"),
                ]
            )
        )
    head = html.Tr(
        [
            html.Th(t("h_design", lang)),
            html.Th(t("h_outcome", lang)),
            html.Th(t("h_difference", lang)),
            html.Th(t("h_p", lang)),
        ]
    )
    return html.Table([html.Thead(head), html.Tbody(rows)], className="paired")


def network_of(result: Any, lang: str) -> go.Figure:
    """The sharing network of replication 0 of the last design."""
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
    outcome = outcome if outcome in HEADLINE_OUTCOMES else HEADLINE_OUTCOMES[0]
    head = [o for o in result.paired["outcome"] if o in controls_outcomes()]
    paired = result.paired[result.paired["outcome"].isin(head)]
    return (
        charts.timeseries_figure(result.frame, outcome, lang=lang),
        paired_table(result, lang),
        fit_forest(charts.forest_figure(paired, result.summary, lang=lang)),
        network_of(result, lang),
    )


#: Pixels per character of the forest plot's 12 px labels (measured, rounded up; CJK wider).
LABEL_PX_PER_CHAR = 6.3


def fit_forest(fig: go.Figure) -> go.Figure:
    """Give the forest plot's right-hand labels the room they need; wrap its title's note.

    The figure keeps a fixed right margin for the labels beside the points;
    the dashboard's column is narrower than a report's page, so the margin
    grows to the longest label (wide characters counted twice) and the note
    of the title goes onto its own line, so that nothing is cut at 1280 px.
    """
    texts = [a.text or "" for a in fig.layout.annotations]
    longest = max((sum(2 if ord(c) > 0x2E80 else 1 for c in x) for x in texts), default=0)
    right = int(min(max(260, LABEL_PX_PER_CHAR * longest + 16), 520))
    title = fig.layout.title.text or ""
    top = fig.layout.margin.t or 90
    if " <span" in title:
        fig.update_layout(title_text=title.replace(" <span", "<br><span", 1))
        top += 40  # the note on its own line, above the legend
    # the legend under the plot, clear of the title's note
    legend = {"orientation": "h", "yref": "container", "y": 0.0, "yanchor": "bottom", "x": 0.0}
    fig.update_layout(margin={"r": right, "t": top, "b": 100}, legend=legend)
    return fig


def controls_outcomes() -> tuple[str, ...]:
    """Outcomes shown in the forest plot (the headline ones)."""
    from sim.experiments.replications import HEADLINE_OUTCOMES

    return HEADLINE_OUTCOMES


def sweep_figure(job: Job, outcome: str, lang: str) -> go.Figure:
    """An outcome's mean and 95% CI at the last month against the swept parameter."""
    outcome = outcome if outcome in HEADLINE_OUTCOMES else HEADLINE_OUTCOMES[0]
    summary = job.result.summary
    rows = summary[summary["outcome"] == outcome].set_index("scenario")
    names = [s.name for s in job.scenarios]
    mean = [float(rows.loc[n, "mean"]) for n in names]
    low = [float(rows.loc[n, "ci_low"]) for n in names]
    high = [float(rows.loc[n, "ci_high"]) for n in names]
    x = list(job.x)
    fig = go.Figure(
        [
            go.Scatter(
                x=x + x[::-1],
                y=high + low[::-1],
                mode="lines",
                fill="toself",
                fillcolor="rgba(31,119,180,0.18)",
                line={"width": 0},
                hoverinfo="skip",
                name="95% CI",
            ),
            go.Scatter(x=x, y=mean, mode="lines+markers", name=t("mean", lang)),
        ]
    )
    fig.update_layout(
        template="plotly_white",
        height=420,
        margin={"l": 70, "r": 20, "t": 40, "b": 60},
        title=t("sweep_title", lang, design=job.design, n=job.replications),
        xaxis_title=controls.label_with_unit(job.parameter, lang),
        yaxis_title=i18n.outcome_axis_title(outcome, lang),
        showlegend=False,
    )
    return fig


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
    app.server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    app.layout = page(lang, replications, months)
    app.board = board if board is not None else JobBoard()  # read by tests
    _register(app, app.board)
    viewer.register(app, lang)  # the run viewer at /watch ("Watch one run")
    return app


def _register(app: dash.Dash, board: JobBoard) -> None:
    names = field_names()
    themes = theme_ids()
    slots = range(requests.MAX_DESIGNS)

    def known(base: Any) -> Any:
        try:
            return requests.known_design(base)
        except requests.RequestError:
            return None

    def shown_values(designs, edits, world, slot) -> list[Any]:
        """What the fields show: the edited design's levers, the world's uncertainties."""
        base = known(_at(designs, slot))
        own = (edits or {}).get(str(slot)) or {}
        out = []
        for n in names:
            if SPECS[n].group == "uncertainty" and n in (world or {}):
                out.append(world[n])
            elif n in own:
                out.append(own[n])
            else:
                out.append(getattr(base.parameters, n) if base is not None else None)
        return out

    @app.callback(
        Output("edits", "data"),
        Output("world", "data"),
        Output({"type": "param", "name": ALL}, "value"),
        Output({"type": "design", "slot": ALL}, "value"),
        Output({"type": "design-name", "slot": ALL}, "value"),
        Output("file-message", "children"),
        Input({"type": "param", "name": ALL}, "value"),
        Input("editing", "value"),
        Input({"type": "design", "slot": ALL}, "value"),
        Input("reset", "n_clicks"),
        Input("load-design", "contents"),
        State("load-design", "filename"),
        State({"type": "design-name", "slot": ALL}, "value"),
        State("edits", "data"),
        State("world", "data"),
        State("lang", "value"),
    )
    def edit(values, slot, designs, _reset, contents, filename, given, edits, world, lang):
        """Keep the edits of every design and the world; show the edited design's values."""
        lang = _lang(lang)
        slot = slot if slot in slots else 1
        edits = {k: dict(v) for k, v in (edits or {}).items() if isinstance(v, Mapping)}
        world = dict(world or {})
        designs = list(designs or [None] * len(slots))
        given = list(given or [None] * len(slots))
        keep = dash.no_update
        keep_fields, keep_slots = [keep] * len(names), [keep] * len(slots)
        trigger = ctx.triggered_id
        if isinstance(trigger, Mapping) and trigger.get("type") == "param":
            base = known(_at(designs, slot))
            own = edits.setdefault(str(slot), {})
            for prop in ctx.triggered_prop_ids.values():
                name = prop.get("name") if isinstance(prop, Mapping) else None
                if name not in names:
                    continue
                value = values[names.index(name)]
                if SPECS[name].group == "uncertainty":
                    default = own.get(name, getattr(base.parameters, name) if base else None)
                    if value == default:
                        world.pop(name, None)
                    else:
                        world[name] = value
                elif base is None:
                    message = t("choose_first", lang, n=slot + 1)
                    return keep, keep, keep_fields, keep_slots, keep_slots, message
                elif value == getattr(base.parameters, name):
                    own.pop(name, None)
                else:
                    own[name] = value
            return edits, world, keep_fields, keep_slots, keep_slots, ""
        message = ""
        if trigger == "reset":
            edits.pop(str(slot), None)
            world = {}
        elif trigger == "load-design" and contents:
            try:
                base, loaded, stem, notes = design_files.load_design(contents, filename)
            except requests.REQUEST_ERRORS as exc:
                message = t("refused_file", lang, error=requests.message_of(exc))
            else:
                designs[slot], given[slot] = base, stem
                edits[str(slot)] = loaded
                message = t("loaded", lang, name=stem, n=slot + 1, base=base)
                if notes:
                    message += " " + "; ".join(notes) + "."
        shown = shown_values(designs, edits, world, slot)
        return edits, world, shown, designs, given, message

    @app.callback(
        Output("job", "data"),
        Output("poll", "disabled"),
        Output("request-message", "children"),
        Output("results", "className"),
        Input("run", "n_clicks"),
        Input("edits", "data"),
        Input("world", "data"),
        Input({"type": "design", "slot": ALL}, "value"),
        Input({"type": "design-name", "slot": ALL}, "value"),
        Input("replications", "value"),
        Input("months", "value"),
        State("job", "data"),
        State("lang", "value"),
        State("ready", "data"),
    )
    def start(_, edits, world, designs, given, replications, months, job_id, lang, ready):
        """Check the request on the server; start a run (replacing the previous) or say why not.

        Results on screen (``ready``) are marked stale until the new run is drawn.
        """
        lang = _lang(lang)
        stale = "main stale" if ready else "main"
        try:
            asked = design_request(designs, given, edits)
            plan = requests.check_run(asked, world, replications, months)
            bases = tuple(d["base"] for d in asked)
            job = board.start(
                Job(plan.scenarios, plan.replications, batch=plan.batch, bases=bases),
                replaces=job_id,
            )
        except (*requests.REQUEST_ERRORS, BusyError) as exc:
            message = t("refused", lang, error=requests.message_of(exc))
            return dash.no_update, dash.no_update, message, stale
        return job.id, False, "", stale

    @app.callback(
        Output("poll", "disabled", allow_duplicate=True),
        Input("cancel", "n_clicks"),
        State("job", "data"),
        State("sweep-job", "data"),
        prevent_initial_call=True,
    )
    def cancel(_, job_id, sweep_id):
        """Stop the page's runs within a month."""
        board.cancel(job_id)
        board.cancel(sweep_id)
        return False

    @app.callback(
        Output("progress", "children"),
        Output("progress-bar", "value"),
        Output("progress-bar", "max"),
        Output("results", "className", allow_duplicate=True),
        Output("ready", "data"),
        Output("shown", "data"),
        Input("poll", "n_intervals"),
        Input("lang", "value"),
        State("job", "data"),
        State("shown", "data"),
        prevent_initial_call=True,
    )
    def show(_, lang, job_id, shown):
        """Progress of the page's run; its id in ``ready`` once finished.

        The poll keeps running and its answers are small (the charts are drawn
        once, by ``draw``): Dash drops an answer when a newer request of the
        same callback is on its way, so a slow answer to a poll could be
        dropped again and again. A poll that would show what is on screen
        changes nothing.
        """
        lang = _lang(lang)
        job = board.get(job_id)
        key = _state_key(job, lang)
        if key == shown:
            raise dash.exceptions.PreventUpdate
        return (*_progress(job, lang), key)

    @app.callback(
        Output("timeseries", "figure"),
        Output("paired-table", "children"),
        Output("forest", "figure"),
        Output("network", "figure"),
        Output("results", "className", allow_duplicate=True),
        Input("ready", "data"),
        Input("lang", "value"),
        Input("outcome", "value"),
        prevent_initial_call=True,
    )
    def draw(job_id, lang, outcome):
        """Every chart of a finished run."""
        job = board.get(job_id)
        if job is None or job.result is None:
            raise dash.exceptions.PreventUpdate
        return (*figures(job.result, outcome, _lang(lang)), "main")

    @app.callback(
        Output("sweep-from", "value"),
        Output("sweep-to", "value"),
        Input("sweep-parameter", "value"),
    )
    def sweep_range(parameter):
        """A new swept parameter starts with its declared plausible range."""
        if parameter not in SPECS:
            return dash.no_update, dash.no_update
        low, high = SPECS[parameter].plausible_range
        return low, high

    @app.callback(
        Output("sweep-job", "data"),
        Output("sweep-poll", "disabled"),
        Output("sweep-message", "children"),
        Output("sweep-results", "className"),
        Input("sweep-run", "n_clicks"),
        State("sweep-parameter", "value"),
        State("sweep-design", "value"),
        State("sweep-from", "value"),
        State("sweep-to", "value"),
        State("sweep-points", "value"),
        State({"type": "design", "slot": ALL}, "value"),
        State({"type": "design-name", "slot": ALL}, "value"),
        State("edits", "data"),
        State("world", "data"),
        State("replications", "value"),
        State("months", "value"),
        State("sweep-job", "data"),
        State("lang", "value"),
        State("sweep-ready", "data"),
        prevent_initial_call=True,
    )
    def start_sweep(
        _,
        parameter,
        slot,
        low,
        high,
        points,
        designs,
        given,
        edits,
        world,
        reps,
        months,
        old,
        *more,
    ):
        """Check a one-parameter sweep of one design on the server, then start it."""
        lang, ready = _lang(more[0]), more[1]
        stale = "main stale" if ready else "main"
        try:
            slot = slot if slot in slots else 1
            base = _at(designs, slot)
            if base is None:
                raise requests.RequestError(t("choose_first", lang, n=slot + 1))
            edits = edits if isinstance(edits, Mapping) else {}
            design = {"base": base, "values": edits.get(str(slot)) or {}, "name": _at(given, slot)}
            plan, x = requests.check_sweep(
                design, world, parameter, low, high, points, reps, months
            )
            job = Job(plan.scenarios, plan.replications, batch=plan.batch)
            job.x, job.parameter = tuple(x), parameter
            job.design = requests.check_design(design, world, months).name
            board.start(job, replaces=old)
        except (*requests.REQUEST_ERRORS, BusyError) as exc:
            message = t("refused", lang, error=requests.message_of(exc))
            return dash.no_update, dash.no_update, message, stale
        return job.id, False, "", stale

    @app.callback(
        Output("sweep-progress", "children"),
        Output("sweep-bar", "value"),
        Output("sweep-bar", "max"),
        Output("sweep-results", "className", allow_duplicate=True),
        Output("sweep-ready", "data"),
        Output("sweep-shown", "data"),
        Input("sweep-poll", "n_intervals"),
        Input("lang", "value"),
        State("sweep-job", "data"),
        State("sweep-shown", "data"),
        prevent_initial_call=True,
    )
    def show_sweep(_, lang, job_id, shown):
        """Progress of the sweep; its id in ``sweep-ready`` once finished (as ``show``)."""
        lang = _lang(lang)
        job = board.get(job_id)
        key = _state_key(job, lang)
        if key == shown:
            raise dash.exceptions.PreventUpdate
        return (*_progress(job, lang, waiting=""), key)

    @app.callback(
        Output("sweep-figure", "figure"),
        Output("sweep-results", "className", allow_duplicate=True),
        Input("sweep-ready", "data"),
        Input("sweep-outcome", "value"),
        Input("lang", "value"),
        prevent_initial_call=True,
    )
    def draw_sweep(job_id, outcome, lang):
        """The sweep's chart once finished."""
        job = board.get(job_id)
        if job is None or job.result is None:
            raise dash.exceptions.PreventUpdate
        return sweep_figure(job, outcome, _lang(lang)), "main"

    @app.callback(
        [Output(k, "children") for k in TEXT_IDS],
        Output({"type": "param-label", "name": ALL}, "children"),
        Output({"type": "theme-label", "name": ALL}, "children"),
        Output("outcome", "options"),
        Output("sweep-outcome", "options"),
        Output("sweep-parameter", "options"),
        Output("editing", "options"),
        Output("sweep-design", "options"),
        Output("tab-compare", "label"),
        Output("tab-sweep", "label"),
        Input("lang", "value"),
    )
    def texts(lang):
        """Every label in the chosen language."""
        lang = _lang(lang)
        labels = [controls.label_with_unit(n, lang) for n in names]
        counts = {
            (g, key): sum(1 for f in controls.fields() if f.group == g and f.theme == key)
            for g, key in themes
        }
        theme_labels = [f"{controls.theme_label(k, lang)} ({counts[(g, k)]})" for g, k in themes]
        return (
            [t(key, lang) for key in TEXT_IDS.values()]
            + [labels, theme_labels, outcome_options(lang), outcome_options(lang)]
            + [parameter_options(lang), design_options(lang), design_options(lang)]
            + [t("tab_compare", lang), t("tab_sweep", lang)]
        )

    @app.callback(
        Output({"type": "field", "name": ALL}, "style"),
        Output({"type": "theme", "name": ALL}, "open"),
        Input("param-search", "value"),
        State({"type": "theme", "name": ALL}, "open"),
    )
    def search(query, opened):
        """Show only the fields matching the search; open the themes holding them."""
        if not str(query or "").strip():
            return [{} for _ in names], opened or [False] * len(themes)
        hits = {n for n in names if controls.matches(n, query)}
        styles = [{} if n in hits else {"display": "none"} for n in names]
        fields = controls.fields()
        opens = [
            any(f.name in hits for f in fields if f.group == g and f.theme == key)
            for g, key in themes
        ]
        return styles, opens

    @app.callback(
        Output("download-design", "data"),
        Output("file-message", "children", allow_duplicate=True),
        Input("save-design", "n_clicks"),
        State("editing", "value"),
        State({"type": "design", "slot": ALL}, "value"),
        State({"type": "design-name", "slot": ALL}, "value"),
        State("edits", "data"),
        State("world", "data"),
        State("months", "value"),
        State("lang", "value"),
        prevent_initial_call=True,
    )
    def save_design(_, slot, designs, given, edits, world, months, lang):
        """The edited design as a scenario file the command line runs."""
        lang = _lang(lang)
        slot = slot if slot in slots else 1
        try:
            design = {
                "base": _at(designs, slot),
                "values": (edits or {}).get(str(slot)) or {},
                "name": _at(given, slot),
            }
            if design["base"] is None:
                raise requests.RequestError(t("choose_first", lang, n=slot + 1))
            scenario = requests.check_design(design, world, months)
            text = design_files.scenario_text(scenario, design["base"])
        except requests.REQUEST_ERRORS as exc:
            return dash.no_update, t("refused_file", lang, error=requests.message_of(exc))
        name = design_files.file_name(scenario)
        return dcc.send_string(text, name), t("saved", lang, name=name)

    @app.callback(
        Output("download", "data"),
        Input("download-button", "n_clicks"),
        State("job", "data"),
        State({"type": "design", "slot": ALL}, "value"),
        State("lang", "value"),
        prevent_initial_call=True,
    )
    def download(_, job_id, designs, lang):
        """The finished run's results folder, figures and design files, as a zip."""
        job = board.get(job_id)
        if job is None or job.result is None:
            return dash.no_update
        name = f"dashboard-{time.strftime('%Y%m%d-%H%M%S')}"
        return dcc.send_bytes(results_zip(job.result, name, _lang(lang), job.bases), f"{name}.zip")


def results_zip(
    result: Any, name: str, lang: str = "en", bases: Sequence[str] = (), figures: bool = True
) -> bytes:
    """The results folder of a comparison as zip bytes; nothing is left on disk.

    The folder is named ``name`` (made by the app, never from a request) and
    holds what ``run.py compare`` writes, the charts as PNG images in
    ``figures/`` (when a browser can draw them) and, in ``scenarios/``, a
    scenario file per design (``design_files.scenario_text``) under the
    design's name, so ``python run.py compare scenarios/*.yaml`` runs it
    again. It is written into a fresh temporary folder, zipped in memory, and
    the temporary folder is removed whatever happens.

    Args:
        result: The comparison.
        name: Name of the folder in the zip.
        lang: Language of the report and images.
        bases: The known design each design was made from, in order.
        figures: Also export the charts as PNG images.
    """
    from sim.reporting import export
    from sim.reporting.experiment_folder import save_comparison

    tmp = Path(tempfile.mkdtemp(prefix="egov-dashboard-"))
    try:
        folder = tmp / name
        try:
            save_comparison(
                result, folder, lang=lang, argv=["dashboard"], formats=("png",) if figures else ()
            )
        except export.ExportUnavailableError as exc:  # the results stand without images
            (folder / "figures-not-written.txt").write_text(str(exc) + "\n", encoding="utf-8")
        if bases:
            (folder / "scenarios").mkdir()
            for scenario, base in zip(result.scenarios, bases, strict=True):
                text = design_files.scenario_text(scenario, base)
                (folder / "scenarios" / design_files.file_name(scenario)).write_text(
                    text, encoding="utf-8"
                )
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
