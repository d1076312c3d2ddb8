"""The where-it-loses table: verdicts follow the paired CIs, and a crippled office loses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd

from sim.analysis.where_it_loses import JUDGED, Condition, where_it_loses

ROOT = Path(__file__).resolve().parent.parent


def test_verdicts_follow_the_confidence_intervals_and_a_blocked_office_loses():
    conditions = (
        Condition("defaults", {}, "as declared"),
        Condition(
            "blocked office",
            {"review_capacity": 0.0, "technical_center_capacity": 0, "master_plan": 0.0},
            "an office that reviews nothing (proposals it must see wait) and no center",
            levers=True,
        ),
    )
    # Departments that never lose patience in either design: with the default
    # approval_patience_months they build without approval (issue 25) and a
    # blocked office is routed around (no clear difference in coverage here).
    table = where_it_loses(
        conditions,
        replications=4,
        workers=1,
        progress=False,
        months=60,
        n_departments=15,
        approval_patience_months=600.0,
    )
    assert len(table) == len(conditions) * len(JUDGED)
    for r in table.itertuples():
        bad = r.ci_low > 0 if JUDGED[r.outcome] == "higher" else r.ci_high < 0
        good = r.ci_high < 0 if JUDGED[r.outcome] == "higher" else r.ci_low > 0
        expected = "centralized worse" if bad else "centralized better" if good else "no clear"
        assert r.verdict.startswith(expected), r
    blocked = table[table["condition"] == "blocked office"].set_index("outcome")
    assert blocked.loc["capability_coverage", "verdict"] == "centralized worse", blocked
    # the dispersed arm is the same under both conditions (the lever is the centralized one's)
    default = table[table["condition"] == "defaults"].set_index("outcome")
    assert (blocked["dispersed"] == default["dispersed"]).all()


def test_command_refuses_an_output_folder_with_files(tmp_path):
    (tmp_path / "x.txt").write_text("keep me")
    result = subprocess.run(
        [sys.executable, "run.py", "where-it-loses", "--out", str(tmp_path), "--quiet"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr
    assert (tmp_path / "x.txt").read_text() == "keep me"


def test_every_condition_has_a_chinese_name_and_the_table_prints_in_chinese():
    from sim.analysis.where_it_loses import CONDITIONS
    from sim.reporting.terminal import condition_zh, format_where_it_loses

    for c in CONDITIONS:  # the plausible ends are named from the parameters' Chinese labels
        name, reason = condition_zh(c.name, c.reason)
        assert name != c.name and reason != c.reason, c.name
        assert not any("a" <= ch <= "z" for ch in name), name
    table = where_it_loses(
        CONDITIONS[:1], replications=2, workers=1, progress=False, months=24, n_departments=8
    )
    text = format_where_it_loses(table, 2, "zh")
    assert "默认参数" in text and "每服务月成本" in text and "差值" in text
    assert "centralized" not in text and "dispersed" not in text


def test_the_report_draws_each_condition_and_outcome_with_its_interval(tmp_path):
    from sim.reporting.where_report import where_figure, write_where_report

    table = pd.DataFrame(
        [
            {"condition": c, "outcome": o, "difference": d, "ci_low": d - 1, "ci_high": d + 1,
             "verdict": v}
            for c, d, v in (("a", 2.0, "centralized worse"), ("b", 0.0, "no clear difference"))
            for o in ("cost_per_service_month", "mean_months_to_service")
        ]
    )  # fmt: skip
    fig = where_figure(table)
    points = sum(len(t.x) for t in fig.data)
    assert points == 4
    worse = next(t for t in fig.data if t.name == "centralized worse")
    assert list(worse.error_x.arrayminus) == [1.0] and list(worse.error_x.array) == [1.0]
    page = write_where_report(tmp_path, table, "TABLE", provenance={"git": {"commit": "abc"}})
    text = page.read_text(encoding="utf-8")
    assert page.name == "where_it_loses.html" and "TABLE" in text and "abc" in text
