"""The dashboard in real headless Chromium, with every non-local request aborted.

The page renders and runs the default designs; a slider change re-runs and
changes a chart; the language switch changes the labels. Skipped when
/usr/bin/chromium (apt-get install chromium fonts-noto-cjk) or Playwright is
absent. The unit tests below need no browser.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

from sim.dashboard import controls
from sim.dashboard.app import _scenarios, create_app
from sim.dashboard.layout import city_scenarios
from sim.model.parameters import SPECS

CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="needs /usr/bin/chromium (apt-get install chromium fonts-noto-cjk)",
)


def test_slider_ranges_come_from_the_declarations():
    for s in controls.sliders():
        spec = SPECS[s.name]
        assert s.low == spec.low and s.high <= spec.high and s.group in ("lever", "uncertainty")
    assert {controls.slider(n).group for n in controls.LEVERS} == {"lever"}


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
    from werkzeug.serving import make_server

    app = create_app(replications=3, months=24)
    httpd = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}/"
    httpd.shutdown()


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


@needs_chromium
@pytest.mark.timeout(300)
def test_dashboard_in_headless_chromium_offline(server, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    aborted: list[str] = []
    errors: list[str] = []

    def route(r):
        if urlparse(r.request.url).hostname in ("127.0.0.1", "localhost"):
            r.continue_()
        else:
            aborted.append(r.request.url)
            r.abort()

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1800})
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.route("**/*", route)
            page.goto(server)
            # the page renders and the first run (3 paired replications) finishes
            wait_until_finished(page, "runs in")
            page.wait_for_function(
                "() => document.querySelector('#forest .js-plotly-plot svg.main-svg')"
            )
            title = page.inner_text("#title")
            before = page.evaluate(TIMESERIES_Y)
            forest = page.inner_text("#forest")
            table = page.inner_text("#paired-table")
            network = page.evaluate(
                "() => document.querySelector('#network .js-plotly-plot').data.length"
            )
            # a slider change re-runs and changes the chart
            k = [s.name for s in controls.sliders()].index("review_authority")
            handle = page.locator("[role='slider']").nth(k)
            handle.focus()
            handle.press("Home")  # review authority of the compared design: 0.85 -> 0
            page.wait_for_function(
                f"before => ({TIMESERIES_Y})() !== before", arg=before, timeout=120_000
            )
            wait_until_finished(page, "runs in")
            after = page.evaluate(TIMESERIES_Y)
            # the language switch changes the labels (and the charts' texts)
            page.get_by_text("中文").click()
            page.wait_for_function(
                "() => document.querySelector('#title')?.innerText?.includes('电子政务')"
            )
            wait_until_finished(page, "秒")
            zh_title = page.inner_text("#title")
            zh_labels = page.inner_text(".side")
            zh_y = page.evaluate(
                "() => document.querySelector('#timeseries .js-plotly-plot')"
                ".layout.yaxis.title.text"
            )
            page.screenshot(path=str(tmp_path / "dashboard_zh.png"), full_page=True)
        finally:
            browser.close()
    assert "E-government governance" in title
    assert "Effect of each design compared with dispersed" in forest
    assert "Redundant common systems" in table and "p-value" in table
    assert network >= 2  # links and departments
    assert json.loads(after) != json.loads(before)
    assert "电子政务建设治理模式" in zh_title
    assert "审核叫停的权威" in zh_labels and "主要领导的重视程度" in zh_labels
    assert "比较方案" in zh_labels and "review_authority" not in zh_labels
    assert "（" in zh_y  # "quantity (unit)" in Chinese brackets
    assert (tmp_path / "dashboard_zh.png").stat().st_size > 10_000
    assert aborted == []  # nothing left the machine
    assert errors == []


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
