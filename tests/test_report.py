"""Tests of the report (sim.reporting.report), static export (sim.reporting.export), their CLI.

The browser tests open the report in headless Chromium with every non-file
request blocked; they and the static-export tests are skipped when
/usr/bin/chromium is absent (install: apt-get install chromium fonts-noto-cjk).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest

import run
from sim.experiments import replications as experiment
from sim.experiments.inputs.scenarios import load_scenario
from sim.model import network
from sim.reporting import experiment_folder, export, report

CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="needs /usr/bin/chromium (apt-get install chromium fonts-noto-cjk)",
)
SMALL = {"months": 12, "n_departments": 6}
SMALL_ARGS = ["-r", "2", "--months", "12", "--departments", "6", "--quiet", "--workers", "1"]


@pytest.fixture(scope="module")
def scenarios():
    return [load_scenario(n).with_overrides(name=n, **SMALL) for n in ("dispersed", "centralized")]


@pytest.fixture(scope="module")
def result(scenarios, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "res"
    res = experiment_folder.run_experiment(
        scenarios,
        replications=2,
        root_seed=5,
        workers=1,
        progress=False,
        out_dir=out,
        argv=["run.py", "test"],
    )
    report.write_report(out, "zh")
    return res


# ------------------------------------------------------------- the folder


def test_folder_has_report_and_networks(result, scenarios):
    out = result.out_dir
    assert result.report == out / "report.html"
    for name in ("report.html", "report_zh.html", "networks.parquet", "manifest.json"):
        assert (out / name).is_file(), name
    assert not list(out.glob(".*.tmp"))  # atomic writes leave nothing behind
    manifest = json.loads((out / "manifest.json").read_text())
    assert {"report.html", "networks.parquet"} <= set(manifest["files"])

    edges = pd.read_parquet(out / "networks.parquet")
    assert list(edges.columns) == ["scenario", "replication", "holder", "requester"]
    assert set(edges["replication"]) <= {0, 1}
    # the stored network of replication 0 is the one a re-run with its seed ends with
    seed = manifest["seeds"]["replication_seeds"][0]
    _, again, _ = experiment.simulate(scenarios[1], seed, 0)
    stored = edges[(edges["scenario"] == "centralized") & (edges["replication"] == 0)]
    pd.testing.assert_frame_equal(stored.reset_index(drop=True), again, check_dtype=False)

    governments = pd.read_parquet(out / "governments.parquet")
    assert "governments.parquet" in manifest["files"]
    assert list(governments.columns) == list(network.GOVERNMENT_COLUMNS)
    # every run's governments account for all of its departments, in row order
    for _, one_run in governments.groupby(["scenario", "replication"]):
        starts = one_run["first_department"].to_numpy()
        assert starts[0] == 0
        assert (starts[1:] == (starts + one_run["departments"].to_numpy())[:-1]).all()


def test_report_content(result):
    out = result.out_dir
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.count("plotly.js v") == 1  # plotly.js embedded once
    assert "<script src=" not in page  # nothing loaded from elsewhere
    figures = report.report_figures(report.load_results(out))
    assert list(figures)[:2] == ["forest", "distributions"]
    assert {"network_dispersed", "network_centralized"} <= set(figures)
    assert page.count('class="plotly-graph-div"') == len(figures)
    manifest = json.loads((out / "manifest.json").read_text())
    for text in (
        "What was run",
        "The status quo: multi-headed management",  # scenario description
        "review_authority",  # a parameter that differs from its default
        str(manifest["seeds"]["replication_seeds"][1]),
        manifest["git"]["commit"],
        f"pandas {manifest['packages']['pandas']}",
        "centralized − dispersed",
        "Redundant common systems (systems)",
        "Data-sharing networks",
    ):
        assert text in page, text
    summary = pd.read_csv(out / "summary.csv")
    row = summary[(summary["scenario"] == "centralized") & (summary["outcome"] == "cum_spending")]
    from sim.reporting.style import format_number

    assert format_number(float(row["mean"].iloc[0])) in page


def test_report_in_chinese(result):
    page = (result.out_dir / "report_zh.html").read_text(encoding="utf-8")
    assert "<html lang='zh-CN'>" in page
    for text in ("电子政务建设治理模式仿真", "运行内容", "期末结果", "冗余公共系统（个）",
                 "数据共享率", "平台采用率", "服务交付时间（月）", "结果指标", "根随机种子",
                 "数据共享网络", "各方案的效应"):  # fmt: skip
        assert text in page, text
    for english in ("What was run", "Outcomes at the last month", "Redundant common systems"):
        assert english not in page, english
    assert page.count("plotly.js v") == 1


def test_report_command(result, capsys, tmp_path):
    out = result.out_dir
    (out / "report_zh.html").unlink()
    assert run.main(["report", str(out), "--lang", "zh"]) == 0
    assert (out / "report_zh.html").is_file()
    assert "report_zh.html" in capsys.readouterr().out
    assert run.main(["report", str(tmp_path / "nothing")]) == 2
    assert capsys.readouterr().err.startswith("error: ")
    with pytest.raises(SystemExit) as exit_info:
        run.main(["report", str(out), "--formats", "gif"])
    assert exit_info.value.code == 2
    assert "png, svg, pdf" in capsys.readouterr().err


def test_without_browser_main_job_still_succeeds(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(export, "find_browser", lambda: None)
    out = tmp_path / "nob"
    status = run.main(["compare", "dispersed", "centralized", *SMALL_ARGS, "--out", str(out)])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert (out / "report.html").is_file() and (out / "manifest.json").is_file()
    assert not (out / "figures").exists()
    notes = [line for line in captured.err.splitlines() if line.startswith("note:")]
    assert len(notes) == 1  # one clear message
    assert "apt-get install chromium" in notes[0] and "plotly_get_chrome" in notes[0]
    # the report command, asked for images, says the same and fails (HTML still written)
    (out / "report.html").unlink()
    assert run.main(["report", str(out), "--formats", "png"]) == 1
    assert "apt-get install chromium" in capsys.readouterr().err
    assert (out / "report.html").is_file()


def test_parse_formats():
    assert export.parse_formats("PNG, svg,png") == ("png", "svg")
    assert export.parse_formats("none") == () and export.parse_formats("") == ()
    with pytest.raises(ValueError, match="jpg"):
        export.parse_formats("jpg")


# ---------------------------------------------------------------- Chromium


@needs_chromium
def test_main_job_writes_images(capsys, tmp_path):
    out = tmp_path / "img"
    status = run.main(
        ["compare", "dispersed", "centralized", *SMALL_ARGS, "--out", str(out), "--formats", "png"]
    )
    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert "note:" not in captured.err
    pngs = sorted((out / "figures").glob("*.png"))
    stems = set(report.report_figures(report.load_results(out)))
    assert {p.stem for p in pngs} == stems
    assert all(p.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") for p in pngs)
    assert "Figures: " in captured.out and f"{len(stems)} PNG" in captured.out


@needs_chromium
def test_static_export_png_svg_pdf(result, tmp_path):
    data = report.load_results(result.out_dir)
    figs = report.report_figures(data, "zh")
    chosen = {k: figs[k] for k in ("forest", "network_centralized")}
    files = export.export_figures(chosen, tmp_path, ("png", "svg", "pdf"), suffix="_zh")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in files)
    assert len(files) == 6
    for path in files:
        data = path.read_bytes()
        if path.suffix == ".png":
            assert data.startswith(b"\x89PNG\r\n\x1a\n")
        elif path.suffix == ".pdf":
            assert data.startswith(b"%PDF")
        else:
            root = ET.fromstring(data)
            assert root.tag.endswith("svg")
            assert re.search("[\u4e00-\u9fff]", data.decode("utf-8"))  # Chinese kept as text


@needs_chromium
def test_report_draws_offline_in_headless_chromium(result):
    sync_api = pytest.importorskip("playwright.sync_api")
    attempted: list[str] = []
    errors: list[str] = []

    def route(r):
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            attempted.append(r.request.url)
            r.abort()

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_page()
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.route("**/*", route)
            page.goto((result.out_dir / "report_zh.html").as_uri())
            page.wait_for_function(
                "() => [...document.querySelectorAll('.js-plotly-plot')]"
                ".every(d => d.querySelector('svg.main-svg'))",
                timeout=30_000,
            )
            counts = page.eval_on_selector_all(
                ".js-plotly-plot",
                "els => els.map(e => e.querySelectorAll('g.trace, g.hm').length)",
            )
            title = page.title()
            forest = page.inner_text("#fig-forest")
        finally:
            browser.close()
    n_figures = len(report.report_figures(report.load_results(result.out_dir)))
    assert len(counts) == n_figures
    assert all(c > 0 for c in counts), counts  # every chart drew its traces
    assert attempted == []  # no request left the machine
    assert errors == []
    assert "电子政务" in title
    assert "各方案相对于 dispersed 的效应" in forest and "冗余公共系统" in forest
