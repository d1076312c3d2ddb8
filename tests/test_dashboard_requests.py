"""The dashboard trusts no request: crafted callbacks, foreign hosts, bounded and cancellable jobs.

Requests are sent as a hostile local process would, with Flask's test client
(``app.server.test_client()``), bypassing the page and its limits.
"""

from __future__ import annotations

import tempfile
import threading
import time

import pytest

from sim.dashboard import requests
from sim.dashboard.app import create_app, results_zip
from sim.dashboard.jobs import BusyError, Job, JobBoard
from sim.experiments import seeds

START = "..job.data...poll.disabled...request-message.children...results.className.."


def start_request(
    replications=3, months=24, baseline="dispersed", compared="centralized", values=None
):
    """The body of the page's 'start a run' callback, with any values."""
    designs = [baseline, compared, None, None]
    return {
        "output": START,
        "outputs": [
            {"id": "job", "property": "data"},
            {"id": "poll", "property": "disabled"},
            {"id": "request-message", "property": "children"},
            {"id": "results", "property": "className"},
        ],
        "inputs": [
            {"id": "run", "property": "n_clicks", "value": 1},
            {"id": "edits", "property": "data", "value": {"1": values or {}}},
            {"id": "world", "property": "data", "value": {}},
            [
                {"id": {"slot": k, "type": "design"}, "property": "value", "value": d}
                for k, d in enumerate(designs)
            ],
            [
                {"id": {"slot": k, "type": "design-name"}, "property": "value", "value": None}
                for k in range(4)
            ],
            {"id": "replications", "property": "value", "value": replications},
            {"id": "months", "property": "value", "value": months},
        ],
        "state": [
            {"id": "job", "property": "data", "value": None},
            {"id": "lang", "property": "value", "value": "en"},
            {"id": "ready", "property": "data", "value": None},
        ],
        "changedPropIds": ["run.n_clicks"],
    }


@pytest.fixture
def app():
    app = create_app(replications=3, months=24)
    yield app
    for job_id in list(app.board._jobs):
        app.board.cancel(job_id)


def post(app, body, **headers):
    return app.server.test_client().post("/_dash-update-component", json=body, headers=headers)


def message(response) -> str:
    return response.get_json()["response"]["request-message"]["children"]


def test_replications_of_a_billion_are_refused_before_any_seed(app, monkeypatch):
    def no_seeds(*args, **kwargs):
        raise AssertionError("seeds were built for a refused request")

    monkeypatch.setattr(seeds, "spawn_seeds", no_seeds)
    monkeypatch.setattr("sim.dashboard.jobs.spawn_seeds", no_seeds)
    response = post(app, start_request(replications=10**9))
    assert response.status_code == 200
    text = message(response)
    assert "Paired replications: 1,000,000,000 is out of range" in text
    assert "from 2 to 100" in text
    assert len(app.board) == 0 and app.board.running() == 0


@pytest.mark.parametrize(
    ("replications", "months", "expected"),
    [
        (500, 24, "500 is out of range"),
        (None, 24, "the field is empty"),
        ("", 24, "the field is empty"),
        (2.5, 24, "not a whole number"),
        ("5; rm -rf", 24, "is not a number"),
        (3, 10**6, "Months per run: 1,000,000 is out of range"),
        (3, None, "Months per run: the field is empty"),
    ],
)
def test_sizes_out_of_the_dashboard_limits_get_a_message(app, replications, months, expected):
    text = message(post(app, start_request(replications=replications, months=months)))
    assert text.startswith("Not run: ") and expected in text
    assert len(app.board) == 0


def test_a_parameter_out_of_its_declared_range_gets_the_cli_message(app):
    text = message(post(app, start_request(values={"review_authority": 7.0})))
    assert "'review_authority' is 7.0, which is out of range" in text
    assert len(app.board) == 0


@pytest.mark.parametrize(
    "name", ["../../../x/y.yaml", "/etc/passwd", "scenarios/centralized.yaml", "national_dispersed"]
)
def test_design_names_are_looked_up_never_used_as_paths(app, name):
    text = message(post(app, start_request(baseline=name)))
    assert "is not one of the dashboard's designs" in text and "never by a path" in text
    assert len(app.board) == 0


def test_the_download_names_its_folder_itself_and_leaves_nothing_on_disk(monkeypatch, tmp_path):
    import zipfile
    from io import BytesIO

    plan = requests.check_run(
        [{"base": "dispersed"}, {"base": "centralized", "values": {"review_authority": 0.2}}],
        {},
        2,
        12,
    )
    job = Job(plan.scenarios, plan.replications, batch=plan.batch)
    job.run()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    data = results_zip(job.result, "dashboard-20260101-000000")
    assert list(tmp_path.iterdir()) == []  # the folder written for the zip is gone
    names = zipfile.ZipFile(BytesIO(data)).namelist()
    assert names and all(n.startswith("dashboard-20260101-000000/") for n in names)
    assert any(n.endswith("manifest.json") for n in names)
    assert [s.name for s in plan.scenarios] == ["dispersed", "centralized-edited"]


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"Host": "evil.example"}, 403),
        ({"Host": "evil.example:8050"}, 403),
        ({"Host": "127.0.0.1.evil.example"}, 403),
        ({"Host": "localhost:8050", "Origin": "http://evil.example"}, 403),
        ({"Host": "127.0.0.1:8050", "Origin": "http://localhost:9999"}, 403),
        ({"Host": "127.0.0.1:8050"}, 200),
        ({"Host": "localhost:8050", "Origin": "http://localhost:8050"}, 200),
        ({"Host": "[::1]:8050"}, 200),
    ],
)
def test_only_the_loopback_names_served_are_answered(headers, status):
    app = create_app(port=8050)
    response = app.server.test_client().get("/", headers=headers)
    assert response.status_code == status
    if status == 403:
        assert b"403 Forbidden" in response.data
    crafted = post(app, start_request(replications=10**9), **headers)
    assert crafted.status_code == status


def test_allowed_extra_host_names_are_answered():
    app = create_app(host="0.0.0.0", allow_hosts=["lab-machine"])
    client = app.server.test_client()
    assert client.get("/", headers={"Host": "lab-machine:8050"}).status_code == 200
    assert client.get("/", headers={"Host": "0.0.0.0:8050"}).status_code == 403


def _wait(predicate, seconds=60.0):
    deadline = time.monotonic() + seconds
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.01)
    return predicate()


def test_a_job_is_cancelled_between_months_not_only_between_runs():
    plan = requests.check_run([{"base": "dispersed"}, {"base": "centralized"}], {}, 100, 240)
    assert plan.batch == 100  # one batched model per design: a cancel between runs comes late
    board = JobBoard()
    job = board.start(Job(plan.scenarios, plan.replications, batch=plan.batch))
    assert _wait(lambda: job.months_done >= 2)
    board.cancel(job.id)
    assert _wait(lambda: job.ended, 10)
    assert job.months_done < 240 and job.runs_done == 0 and job.result is None


def test_jobs_are_bounded_and_finished_ones_evicted():
    plan = requests.check_run([{"base": "dispersed"}, {"base": "centralized"}], {}, 100, 240)
    board = JobBoard(max_running=1, max_finished=1)
    first = board.start(Job(plan.scenarios, 100, batch=100))
    with pytest.raises(BusyError, match="at most 1 at once"):
        board.start(Job(plan.scenarios, 100, batch=100))
    board.cancel(first.id)
    assert _wait(lambda: first.ended, 10)
    small = requests.check_run([{"base": "dispersed"}, {"base": "centralized"}], {}, 2, 6)
    done = []
    for _ in range(3):
        job = board.start(Job(small.scenarios, 2))
        assert _wait(lambda job=job: job.ended, 60)
        done.append(job)
    board._evict()
    assert len(board) == 1 and board.get(done[-1].id) is done[-1]
    assert board.get(done[0].id) is None and board.get(first.id) is None


def test_no_thread_is_left_by_a_refused_request(app):
    before = threading.active_count()
    post(app, start_request(replications=10**9))
    assert threading.active_count() == before


def test_served_by_waitress_with_the_host_check():
    waitress = pytest.importorskip("waitress")
    import http.client

    app = create_app()
    server = waitress.create_server(app.server, host="127.0.0.1", port=0, threads=2)
    port = server.effective_port
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        statuses = {}
        for host in ("evil.example", f"127.0.0.1:{port}"):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/", headers={"Host": host})
            response = conn.getresponse()
            statuses[host] = (response.status, response.getheader("Server"))
            response.read()
            conn.close()
    finally:
        server.close()
    assert statuses["evil.example"][0] == 403
    assert statuses[f"127.0.0.1:{port}"] == (200, "waitress")
