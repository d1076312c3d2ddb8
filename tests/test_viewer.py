"""Watching one run: agent-level records (model and experiments layers) and the run viewer.

The records are collected only when asked and change nothing in the run;
every common need has exactly one route; the counts agree with the model's
own tallies and outcomes; a watch folder reads back as written. The viewer
page is driven in headless Chromium (Playwright, /usr/bin/chromium) with
every non-local request aborted: play advances the month, pause stops it,
step advances by one. The server listens on a port the system chooses, so
the test runs in parallel with others (``pytest -n 2``).
"""

from __future__ import annotations

import threading
import time

import numpy as np
import pandas as pd
import pytest
from conftest import launch_chromium, local_only, needs_chromium

from sim.experiments.inputs.limits import TooLargeError
from sim.experiments.inputs.scenarios import load_scenario
from sim.experiments.replications import simulate
from sim.experiments.watch import FILES, check_size, read_run, record_run, write_run
from sim.model import snapshot
from sim.model.capabilities import N_COMMON
from sim.model.governance import GovernanceModel
from sim.model.outcomes import OUTCOME_NAMES

MONTHS = 48


@pytest.fixture(scope="module", params=["dispersed", "centralized"])
def watched(request):
    scenario = load_scenario(request.param).with_overrides(name=request.param, months=MONTHS)
    return scenario, record_run(scenario, seed=11)


def test_recording_changes_nothing_in_the_run(watched):
    scenario, run = watched
    plain, _, _ = simulate(scenario, 11)
    assert list(plain["month"]) == list(run.outcomes["month"]) == list(range(MONTHS + 1))
    np.testing.assert_array_equal(
        plain[list(OUTCOME_NAMES)].to_numpy(float),
        run.outcomes[list(OUTCOME_NAMES)].to_numpy(float),
    )


def test_a_normal_run_collects_no_agent_records():
    model = GovernanceModel(parameters=load_scenario("centralized").parameters, rng=3, months=6)
    model.run()
    # Only the outcomes are kept (Mesa's collector has no agent reporters).
    assert model.datacollector.agent_reporters == {}
    assert len(model.datacollector.get_model_vars_dataframe()) == 7
    assert not any(isinstance(v, snapshot.AgentRecords) for v in vars(model).values())


def test_every_need_has_one_route_every_month(watched):
    _, run = watched
    agents = run.agents
    departments = int(run.governments["departments"].sum())
    per_month = agents.groupby("month").size()
    assert (per_month == departments * N_COMMON).all() and len(per_month) == MONTHS + 1
    assert not agents.duplicated(["month", "department", "capability"]).any()
    assert set(agents["route"].cat.categories) == set(snapshot.ROUTES)
    assert agents["route"].notna().all()
    # Month 0: no need of a later stage has arisen; nothing is served yet.
    start = agents[agents["month"] == 0]
    assert not start["served"].any()
    assert (start["route"] == "not_arisen").mean() > 0.5


def test_route_counts_sum_to_the_needs(watched):
    scenario, run = watched
    model = GovernanceModel(parameters=scenario.parameters, rng=11)
    model.run()
    last = snapshot.department_records(model)
    final = run.agents[run.agents["month"] == MONTHS]
    # The same run, recorded or not, ends in the same state.
    assert (last["route"].to_numpy() == final["route"].to_numpy()).all()
    counts = final["route"].value_counts()
    # Needs arisen so far, by the model's own tally, each on exactly one route.
    assert counts.drop("not_arisen").sum() == model.tallies.total("common_needs_arisen")
    assert counts.sum() == model.n_dept * N_COMMON
    assert counts["own"] == (model.access == snapshot.OWN).sum()
    assert counts["platform"] + counts["cobuilt"] == (model.access == snapshot.PLATFORM_USER).sum()
    # Served needs are the model's tally of them, and only a route taken serves.
    assert final["served"].sum() == model.tallies.total("common_needs_served") > 0
    taken = final["route"].isin(["own", "platform", "cobuilt", "peer"])
    assert not final.loc[~taken, "served"].any()
    # Month by month, the needs on a route never exceed those arisen.
    arisen = run.agents[run.agents["route"] != "not_arisen"].groupby("month").size()
    assert arisen.is_monotonic_increasing


def test_routes_follow_the_design(watched):
    scenario, run = watched
    final = run.agents[run.agents["month"] == MONTHS]["route"].value_counts()
    if scenario.parameters.technical_center_capacity > 0:  # a center builds platforms
        assert final["platform"] > final["own"]
        assert (run.platforms["builder"] == "center").any()
    else:  # no center: no center-built platform, only own, peer or co-built
        assert final["platform"] == 0
        assert final["own"] > 0
        assert not (run.platforms["builder"] == "center").any()


def test_bodies_and_platforms_frames(watched):
    _, run = watched
    bodies = run.bodies
    assert set(bodies["queue"].astype(str)) == set(snapshot.QUEUES)
    assert (bodies["length"] >= 0).all()
    assert len(bodies) == (MONTHS + 1) * len(snapshot.QUEUES) * len(run.governments)
    plats = run.platforms
    assert plats["progress"].between(0, 1).all()
    assert (plats.loc[plats["state"] == "operating", "progress"] >= 1 - 1e-9).all()
    cobuilt = plats["builder"] == "cobuilt"
    assert (plats.loc[cobuilt, "lead"] >= 0).all() and (plats.loc[~cobuilt, "lead"] == -1).all()
    # Links appear once, in the month they were made, and never before month 1.
    links = run.links
    assert not links.duplicated(["holder", "requester"]).any()
    assert (links["month"] >= 1).all()


def test_a_cobuilt_platform_user_is_told_apart():
    # Co-building needs no center; leads that share readily, patient members who all pay
    # and quick builds make co-built platforms that finish within the run.
    scenario = load_scenario("dispersed").with_overrides(
        name="cobuild",
        cobuild_propensity=1.0,
        willingness_to_share_mean=0.9,
        platform_patience_months=60,
        platform_build_months=6,
        free_riding=0.0,
    )
    run = record_run(scenario, seed=1)
    final = run.agents[run.agents["month"] == run.months]["route"]
    plats = run.platforms[run.platforms["month"] == run.months]
    operating = plats[plats["state"] == "operating"]
    assert len(operating) and (operating["builder"] == "cobuilt").all()
    # Every user of a co-built platform is on the co-built route, none on a center's.
    assert (final == "cobuilt").sum() == operating["users"].sum() > 0
    assert not (final == "platform").any()


def test_watch_folder_round_trip(tmp_path):
    scenario = load_scenario("centralized").with_overrides(name="centralized", months=12)
    run = record_run(scenario, seed=2)
    paths = write_run(run, scenario, tmp_path / "w", argv=["test"])
    assert [p.name for p in paths] == [*FILES.values(), "manifest.json"]
    back = read_run(tmp_path / "w")
    assert back.scenario == "centralized" and back.seed == 2 and back.months == 12
    for key in FILES:
        pd.testing.assert_frame_equal(
            getattr(back, key), getattr(run, key), check_categorical=False, check_dtype=False
        )
    assert isinstance(back.agents["route"].dtype, pd.CategoricalDtype)


def test_a_national_run_is_too_large_to_watch():
    with pytest.raises(TooLargeError, match="at most"):
        check_size(load_scenario("national_centralized"))


def test_watch_command(tmp_path, capsys):
    from sim.cli.main import main

    out = tmp_path / "w"
    assert main(["watch", "centralized", "--seed", "4", "--months", "6", "--out", str(out)]) == 0
    assert (out / "agents.parquet").is_file()
    agents = pd.read_parquet(out / "agents.parquet")
    assert agents["month"].max() == 6
    assert main(["watch", "centralized", "--out", str(out)]) == 2  # never written over
    assert "not empty" in capsys.readouterr().err


# ----------------------------------------------------------------- viewer, no browser


def test_viewer_figures_draw_one_square_per_need(watched):
    import plotly.graph_objects as go

    from sim.dashboard import viewer_figures as figures

    scenario, run = watched
    view = figures.RunView(run)
    for month in (0, MONTHS // 2, MONTHS):
        fig = figures.network_figure(view, month, 0, "en")
        go.Figure(fig)  # a valid figure
        markers = [d for d in fig["data"] if d["mode"] == "markers"]
        assert [d["name"] for d in markers] == [
            figures.t(f"route_{r}", "en") for r in snapshot.ROUTES
        ]
        squares = sum(len(d["hovertext"]) for d in markers)
        assert squares == scenario.parameters.n_departments * N_COMMON
    # Queues keep one axis over the run; the cursor is at the month shown.
    q0 = figures.queues_figure(view, 0, 0, "zh")
    q1 = figures.queues_figure(view, MONTHS, 0, "zh")
    assert q0["layout"]["xaxis"]["range"] == q1["layout"]["xaxis"]["range"]
    assert "等待审核" in q0["data"][0]["y"]
    series = figures.timeseries_figure(view, 7, 0, "platform_adoption_rate", "en")
    assert series["layout"]["shapes"][0]["x0"] == 7
    go.Figure(figures.platforms_figure(view, MONTHS, 0, "en"))


def test_viewer_input_paths_and_cache():
    from sim.dashboard import viewer

    assert viewer.valid_input("centralized", 7, 120)
    assert not viewer.valid_input("centralized", -1, 120)
    assert not viewer.valid_input("centralized", 7.5, 120)
    assert not viewer.valid_input("centralized", 7, 0)
    assert not viewer.valid_input("centralized", None, 120)
    assert not viewer.valid_input("national_centralized", 7, 120)  # too large to play
    assert viewer.is_watch_path("/watch") and viewer.is_watch_path("/prefix/watch/")
    assert not viewer.is_watch_path("/") and not viewer.is_watch_path(None)
    from sim.dashboard.app import create_app

    # The viewer follows the dashboard page's language switch.
    assert any(k.startswith("viewer-lang.value") for k in create_app().callback_map)
    cache = viewer.RunCache(size=2)
    for key in "abc":
        cache.put(key, None, key)
    assert cache.get("a") is None and cache.get("c") == (None, "c")


# --------------------------------------------------------------------- browser


@pytest.fixture(scope="module")
def server():
    from werkzeug.serving import make_server

    from sim.dashboard.app import create_app

    # The comparison page also starts a (small) run when the page opens.
    app = create_app(replications=2, months=6)
    httpd = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}/"
    httpd.shutdown()


MONTH_JS = (
    "() => { const t = document.querySelector('#viewer-month-label')?.innerText || '';"
    " const m = t.match(/\\d+/); return m ? parseInt(m[0]) : -1; }"
)
IDLE_JS = "() => document.querySelectorAll('[data-dash-is-loading=\"true\"]').length === 0"


def wait_for_month(page, predicate: str, timeout: int = 90_000) -> None:
    """Wait until the month shown satisfies ``predicate`` (JavaScript, of ``m``)."""
    page.wait_for_function(
        f"() => {{ const m = ({MONTH_JS})(); return {predicate}; }}", timeout=timeout
    )


def settled_month(page, timeout: float = 60.0) -> int:
    """The month shown once no callback is in flight and it stayed the same for a second."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        page.wait_for_function(IDLE_JS, timeout=30_000)
        month = page.evaluate(MONTH_JS)
        if month == last and month >= 0:
            return month
        last = month
        time.sleep(1.0)
    raise AssertionError(f"the month shown did not settle (last {last})")


CURSOR = "() => document.querySelector('#viewer-timeseries .js-plotly-plot').layout.shapes[0].x0"


@needs_chromium
@pytest.mark.timeout(300)
def test_viewer_play_pause_step_in_headless_chromium(server, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    aborted: list[str] = []
    errors: list[str] = []

    with sync_api.sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1500})
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.route("**/*", local_only(aborted))
            page.goto(server + "watch")
            page.wait_for_function(
                "() => document.querySelector('#viewer-status')?.innerText?.includes('records')",
                timeout=120_000,
            )
            page.wait_for_function(
                "() => (document.querySelector('#viewer-network .js-plotly-plot')?.data || [])"
                ".length >= 8"
            )
            start = settled_month(page)
            start_routes = page.evaluate(
                "() => document.querySelector('#viewer-network .js-plotly-plot').data"
                ".filter(d => d.mode === 'markers').map(d => (d.hovertext || []).length)"
            )
            # Play: the months advance by themselves.
            page.click("#viewer-play")
            wait_for_month(page, "m >= 3")
            # Pause: they stop (a tick already on its way may land first). The clock
            # ticks every 0.6 s, so 3 s without a change means it is stopped.
            page.click("#viewer-pause")
            paused = settled_month(page)
            time.sleep(3.0)
            still = settled_month(page)
            # Step: exactly one month further, and no playing on.
            page.click("#viewer-step")
            wait_for_month(page, f"m === {still + 1}")
            time.sleep(3.0)
            stepped = settled_month(page)
            page.wait_for_function(f"() => ({CURSOR})() === {stepped}")
            cursor = page.evaluate(CURSOR)
            later_routes = page.evaluate(
                "() => document.querySelector('#viewer-network .js-plotly-plot').data"
                ".filter(d => d.mode === 'markers').map(d => (d.hovertext || []).length)"
            )
            queues = page.inner_text("#viewer-sec-queues")
            # The language switch changes the labels.
            page.click("#viewer-lang")
            page.get_by_role("option", name="中文").click()
            page.wait_for_function(
                "() => document.querySelector('#viewer-month-label')?.innerText?.includes('月')"
            )
            zh_title = page.inner_text("#viewer-title")
            page.screenshot(path=str(tmp_path / "viewer.png"), full_page=True)
        finally:
            browser.close()
    assert start == 0
    assert paused >= 3 and still == paused
    assert stepped == still + 1 and cursor == stepped
    assert sum(start_routes) == sum(later_routes) == 40 * N_COMMON  # one square per need
    assert later_routes != start_routes
    assert "Queues" in queues
    assert "逐月观察" in zh_title
    assert (tmp_path / "viewer.png").stat().st_size > 10_000
    assert aborted == []  # nothing left the machine
    assert errors == []
