"""The dashboard in real headless Chromium, with every non-local request aborted.

The page renders and runs the default designs; a slider change re-runs and
changes a chart; the language switch changes the labels. Skipped when
/usr/bin/chromium (apt-get install chromium fonts-noto-cjk) or Playwright is
absent. The unit tests below need no browser.
"""

from __future__ import annotations

import json
import threading

import pytest
from conftest import launch_chromium, local_only, needs_chromium

from sim.dashboard import controls
from sim.dashboard.app import _scenarios, create_app
from sim.dashboard.layout import city_scenarios
from sim.experiments.inputs.scenarios import load_scenario
from sim.model.parameters import SPECS


def test_fields_come_from_the_declarations():
    for f in controls.fields():
        spec = SPECS[f.name]
        assert (f.low, f.high) == (spec.low, spec.high) and f.group in ("lever", "uncertainty")
        assert f.step == (1 if spec.type is int else "any")
    assert {controls.field(n).group for n in controls.LEVERS} == {"lever"}


def test_levers_change_the_compared_design_and_the_world_both():
    values = {"review_authority": 0.1, "top_leader_attention": 0.2}
    base, other = _scenarios("dispersed", "centralized", values, 24)
    # edited designs get new names (never the scenario's): the results say what ran
    assert base.name == "dispersed-edited" and other.name == "centralized-edited"
    assert other.parameters.review_authority == 0.1
    assert base.parameters.review_authority == SPECS["review_authority"].default
    assert base.parameters.top_leader_attention == other.parameters.top_leader_attention == 0.2
    assert base.parameters.months == other.parameters.months == 24
    assert "national_dispersed" not in city_scenarios() and "dispersed" in city_scenarios()


@pytest.fixture(scope="module")
def server():
    waitress = pytest.importorskip("waitress")

    # Served as `run.py dashboard` serves it (Waitress), on a free port of its own, so
    # that tests running in parallel (-n 2) share nothing.
    app = create_app(replications=3, months=24)
    httpd = waitress.create_server(app.server, host="127.0.0.1", port=0, threads=6)
    thread = threading.Thread(target=httpd.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.effective_port}/"
    httpd.close()


def wait_until_finished(page, marker: str, timeout: int = 240_000) -> None:
    """Wait for the progress line to report a finished run; say where it stood if not."""
    try:
        page.wait_for_function(
            f"() => document.querySelector('#progress')?.innerText?.includes('{marker}')",
            timeout=timeout,
        )
    except Exception as exc:
        progress = page.evaluate("() => document.querySelector('#progress')?.innerText")
        raise AssertionError(f"no finished run; progress line: {progress!r}") from exc


TIMESERIES_Y = (
    "() => JSON.stringify(document.querySelector('#timeseries .js-plotly-plot').data.map(t => t.y))"
)


def set_field(page, selector: str, value: str) -> None:
    """Type a value into a number field and commit it (the fields are debounced)."""
    field = page.locator(selector)
    field.fill(value)
    field.press("Enter")


@needs_chromium
@pytest.mark.timeout(300)
def test_dashboard_in_headless_chromium_offline(server, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    aborted: list[str] = []
    errors: list[str] = []

    with sync_api.sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.route("**/*", local_only(aborted))
            page.goto(server)
            # the page renders and the first run (3 paired replications) finishes
            wait_until_finished(page, "runs in")
            page.wait_for_function(
                "() => document.querySelector('#forest')?.innerText?.includes('Effect of each')"
            )
            title = page.inner_text("#title")
            before = page.evaluate(TIMESERIES_Y)
            forest = page.inner_text("#forest")
            table = page.inner_text("#paired-table")
            labels = page.inner_text(".side")
            network = page.evaluate(
                "() => document.querySelector('#network .js-plotly-plot').data.length"
            )
            # the forest plot fits the 1280 px window
            forest_right = page.evaluate(
                "() => document.querySelector('#forest svg.main-svg').getBoundingClientRect().right"
            )
            page_width = page.evaluate("() => document.documentElement.scrollWidth")
            labels_right = page.evaluate(
                "() => Math.max(...[...document.querySelectorAll('#forest .annotation-text, "
                "#forest .gtitle')].map(e => e.getBoundingClientRect().right))"
            )
            # a lever of design 2 changes: the run starts again and the chart changes
            set_field(page, 'input[id*=\'"name":"review_authority"\']', "0")
            page.wait_for_function(
                f"before => ({TIMESERIES_Y})() !== before", arg=before, timeout=120_000
            )
            wait_until_finished(page, "runs in")
            after = page.evaluate(TIMESERIES_Y)
            legend = page.inner_text("#timeseries")
            # invalid input: a visible message, and the results on screen marked stale
            set_field(page, "#replications", "500")
            page.wait_for_function(
                "() => document.querySelector('#request-message')?.innerText?.includes('500')"
            )
            refused = page.inner_text("#request-message")
            stale = page.is_visible("#stale-note")
            set_field(page, "#replications", "3")
            wait_until_finished(page, "runs in")
            page.wait_for_function("() => !document.querySelector('#results.stale')")
            fresh = page.is_visible("#stale-note")
            # the search shows only the matching fields
            page.fill("#param-search", "duplicate it has found")
            page.wait_for_function(
                "() => [...document.querySelectorAll('.field')]"
                ".filter(e => e.offsetParent !== null).length === 1"
            )
            found = page.inner_text(".params")
            page.screenshot(path=str(tmp_path / "dashboard_en.png"))
            # the language switch changes the labels (and the charts' texts)
            page.get_by_text("中文").click()
            page.wait_for_function(
                "() => document.querySelector('#title')?.innerText?.includes('电子政务')"
            )
            page.wait_for_function(
                "() => document.querySelector('#timeseries .js-plotly-plot')"
                "?.layout?.yaxis?.title?.text?.includes('（')"
            )
            zh_title = page.inner_text("#title")
            zh_labels = page.inner_text(".side")
            zh_y = page.evaluate(
                "() => document.querySelector('#timeseries .js-plotly-plot')"
                ".layout.yaxis.title.text"
            )
        finally:
            browser.close()
    assert "E-government governance" in title
    assert "Effect of each design compared with dispersed" in forest
    assert "Redundant common systems" in table and "p-value" in table
    assert "Review authority (share)" in labels and "review_authority" not in labels
    assert network >= 2  # links and departments
    assert forest_right <= 1280 and page_width <= 1280 and labels_right <= forest_right
    assert json.loads(after) != json.loads(before)
    assert "centralized-edited" in legend  # an edited design is not called by its file's name
    assert "Paired replications: 500 is out of range" in refused and stale and not fresh
    assert "Review authority" in found and "Review capacity" not in found
    assert "电子政务建设治理模式" in zh_title
    assert "审核叫停的权威" in zh_labels and "方案" in zh_labels
    assert "（" in zh_y  # "quantity (unit)" in Chinese brackets
    assert (tmp_path / "dashboard_en.png").stat().st_size > 10_000
    assert aborted == []  # nothing left the machine
    assert errors == []


@needs_chromium
@pytest.mark.timeout(300)
def test_the_sweep_tab_runs_a_one_parameter_sweep(server):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.goto(server)
            page.get_by_text("One-parameter sweep").click()
            set_field(page, "#sweep-points", "3")
            page.click("#sweep-run")
            page.wait_for_function(
                "() => document.querySelector('#sweep-progress')?.innerText?.includes('runs in')",
                timeout=240_000,
            )
            page.wait_for_function(
                "() => document.querySelector('#sweep-figure .js-plotly-plot')?.data?.length === 2"
            )
            xs = page.evaluate(
                "() => document.querySelector('#sweep-figure .js-plotly-plot').data[1].x"
            )
            title = page.evaluate(
                "() => document.querySelector('#sweep-figure .js-plotly-plot')"
                ".layout.xaxis.title.text"
            )
        finally:
            browser.close()
    assert len(xs) == 3 and title.startswith("Review authority")


def test_a_stale_job_id_leads_to_the_newest_job():
    from sim.dashboard.jobs import Job, JobBoard

    board = JobBoard()
    scenarios = _scenarios("dispersed", "centralized", {}, 6)
    first = board.start(Job(scenarios, 2))
    second = board.start(Job(scenarios, 2), replaces=first.id)
    third = board.start(Job(scenarios, 2), replaces=first.id)  # a late request with the old id
    assert board.get(first.id) is third and board.get(second.id) is third
    assert first.cancelled or first.finished
    import time

    deadline = time.time() + 120
    while not third.finished and time.time() < deadline:
        time.sleep(0.1)
    assert third.result is not None and third.error is None
    assert list(third.result.paired["scenario"].unique()) == ["centralized"]


@needs_chromium
@pytest.mark.timeout(300)
def test_save_a_design_as_a_scenario_file_and_load_it_back(server, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
            page.goto(server)
            wait_until_finished(page, "runs in")
            set_field(page, 'input[id*=\'"name":"review_capacity"\']', "9")
            page.wait_for_timeout(500)
            with page.expect_download() as info:
                page.click("#save-design")
            saved = tmp_path / info.value.suggested_filename
            info.value.save_as(saved)
            # load it as design 3
            page.get_by_label("Design 3").check()
            page.set_input_files("#load-design input[type=file]", str(saved))
            page.wait_for_function(
                "() => document.querySelector('#file-message')?.innerText?.includes('Loaded')"
            )
            message = page.inner_text("#file-message")
            shown = page.input_value('input[id*=\'"name":"review_capacity"\']')
            name = page.input_value('input[id*=\'"slot":2\'][id*="design-name"]')
        finally:
            browser.close()
    text = saved.read_text(encoding="utf-8")
    assert saved.name == "centralized-edited.yaml"
    assert "extends: centralized" in text and "review_capacity: 9" in text
    assert load_scenario(saved).parameters.review_capacity == 9
    assert "as design 3" in message and float(shown) == 9 and name == "centralized-edited"
