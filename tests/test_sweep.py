"""Tests of parameter sweeps: sweep files, designs, executors, streaming, resume, statistics."""

from __future__ import annotations

import dataclasses
import json
import math
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.analysis.sweep_summary import summarize_sweep
from sim.experiments.store import SweepStore
from sim.experiments.sweeps.definition import SweptParameter
from sim.experiments.sweeps.designs import build_design, count_points
from sim.experiments.sweeps.files import SweepError, load_sweep
from sim.experiments.sweeps.runner import point_blocks, run_sweep
from sim.model.outcomes import OUTCOME_NAMES
from sim.model.parameters import SPECS

ROOT = Path(__file__).resolve().parent.parent

GRID = """\
description: A small grid for the tests.
scenario: centralized
parameters: {{n_departments: 10}}
months: {months}
levers:
  review_capacity: {{values: [2, 30]}}
  approval_bodies: {{values: [1, 3]}}
uncertainties:
  top_leader_attention: {{values: [0.3, 0.9]}}
design: grid
replications: {replications}
root_seed: 5
outcomes: [duplication_rate, data_sharing_rate, cum_spending]
"""

SAMPLED = """\
scenario: centralized
parameters: {{n_departments: 10}}
months: 12
levers:
  review_authority: {{low: 0.1, high: 0.9}}
  technical_center_capacity: {{low: 0, high: 4}}
uncertainties:
  top_leader_attention: {{low: 0.2, high: 1.0}}
design: {design}
replications: 2
root_seed: 3
"""


def write(tmp_path: Path, text: str, name: str = "my_sweep.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def grid_file(
    tmp_path: Path, months: int = 12, replications: int = 3, name="grid.yaml", batch: str = ""
) -> Path:
    text = GRID.format(months=months, replications=replications)
    return write(tmp_path, text + (f"batch: {batch}\n" if batch else ""), name)


def cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "run.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


# ------------------------------------------------------------ sweep files


BASE = {
    "scenario": "centralized",
    "levers": "  review_capacity: {values: [5, 30]}",
    "uncertainties": "  top_leader_attention: {values: [0.3, 0.9]}",
    "design": "grid",
    "replications": "2",
    "root_seed": "1",
}


def sweep_text(**changes: str | None) -> str:
    entries = {**BASE, **changes}
    lines = []
    for key, value in entries.items():
        if value is None:
            continue
        if value.startswith("  "):
            lines.append(f"{key}:\n{value}")
        else:
            lines.append(f"{key}: {value}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"replicatons": "3"}, ["unknown top-level key 'replicatons'", "replications"]),
        ({"levers": "  review_capcity: {values: [5]}"}, ["'review_capcity'", "review_capacity"]),
        (
            {"levers": "  top_leader_attention: {values: [0.5]}", "uncertainties": None},
            ["'top_leader_attention' is listed under 'levers'", "uncertainty", "uncertainties"],
        ),
        (
            {"uncertainties": "  review_authority: {values: [0.5]}"},
            ["'review_authority' is listed under 'uncertainties'", "lever"],
        ),
        ({"levers": "  review_capacity: {values: [5, 5000]}"}, ["5000", "out of range", "1000"]),
        ({"levers": "  review_capacity: {values: []}"}, ["non-empty list"]),
        ({"levers": "  approval_bodies: {values: [1.5]}"}, ["approval_bodies", "whole number"]),
        ({"levers": "  review_capacity: {values: [5], lo: 1}"}, ["unknown key 'lo'", "'low'"]),
        (
            {"levers": "  review_capacity: {low: 5, high: 30}"},
            ["grid design needs values", "review_capacity"],
        ),
        (
            {
                "design": "{method: lhs, samples: 4}",
                "levers": "  review_capacity: {low: 30, high: 5}",
                "uncertainties": None,
            },
            ["'low' (30.0) must be smaller than 'high' (5.0)"],
        ),
        ({"design": "{method: sobol, samples: 6}"}, ["power of 2", "4 or 8"]),
        ({"design": "latin"}, ["design method", "'latin'", "lhs"]),
        ({"design": "lhs"}, ["needs 'samples'"]),
        ({"design": "{method: grid, samples: 4}"}, ["grid design takes no 'samples'"]),
        ({"replications": "0"}, ["'replications'", ">= 1"]),
        ({"root_seed": None}, ["required key 'root_seed' is missing"]),
        ({"levers": None, "uncertainties": None}, ["nothing is swept"]),
        ({"outcomes": "[duplication_rte]"}, ["duplication_rte", "duplication_rate"]),
        ({"scenario": "centralised"}, ["'scenario: centralised'", "centralized"]),
        ({"reference": "{review_authority: 0.5}"}, ["'reference' sets 'review_authority'"]),
        ({"reference": "9"}, ["'reference' is point 9", "4 points"]),
        ({"months": "24", "parameters": "  months: 36"}, ["'months' is given both"]),
        ({"parameters": "  review_capacity: 10"}, ["'review_capacity' is both swept"]),
        ({"months": "'24'"}, ["'months'", "Remove the quotes"]),
    ],
)
def test_invalid_sweep_files(tmp_path, changes, expected):
    path = write(tmp_path, sweep_text(**changes))
    with pytest.raises(SweepError) as info:
        load_sweep(path)
    message = str(info.value)
    assert message.startswith(f"Sweep file {path}"), message
    assert "\n" not in message
    for part in expected:
        assert part in message, (part, message)


def test_duplicate_key_and_line_number(tmp_path):
    path = write(tmp_path, sweep_text() + "replications: 3\n")
    with pytest.raises(SweepError, match=r"line 9: key 'replications' is written twice"):
        load_sweep(path)


def test_cli_reports_invalid_file_with_exit_2(tmp_path):
    path = write(tmp_path, sweep_text(levers="  review_capcity: {values: [5]}"))
    out = tmp_path / "out"
    result = cli("sweep", str(path), "--out", str(out), "--quiet")
    assert result.returncode == 2
    assert result.stderr.startswith("error: Sweep file ")
    assert "my_sweep.yaml" in result.stderr and "review_capacity" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_example_sweep_files_are_valid():
    files = sorted((ROOT / "sweeps").glob("*.yaml"))
    assert {f.name for f in files} >= {"review_capacity_grid.yaml", "sobol_levers.yaml"}
    for f in files:
        sweep = load_sweep(f)
        assert sweep.swept and sweep.outcomes


# ---------------------------------------------------------------- designs


def test_grid_design_is_the_full_product(tmp_path):
    sweep = load_sweep(grid_file(tmp_path))
    design = build_design(sweep)
    assert sweep.levers == ("review_capacity", "approval_bodies")
    assert sweep.uncertainties == ("top_leader_attention",)
    assert design.n_points == count_points(sweep) == 8
    names = list(sweep.parameter_names)
    rows = set(design.points[names].itertuples(index=False, name=None))
    assert rows == {(c, b, a) for c in (2.0, 30.0) for b in (1, 3) for a in (0.3, 0.9)}
    assert design.points["approval_bodies"].dtype == np.int64
    assert design.reference == 0 and design.points["reference"].sum() == 1


@pytest.mark.parametrize(
    ("design", "expected"),
    [
        ("{method: lhs, samples: 10}", 10),
        ("{method: sobol, samples: 8}", 8 * (3 + 2)),
        ("{method: sobol, samples: 4, second_order: true}", 4 * (2 * 3 + 2)),
        ("{method: morris, samples: 5}", 5 * (3 + 1)),
        ("{method: morris, samples: 3, levels: 6}", 3 * (3 + 1)),
    ],
)
def test_sampled_designs_counts_and_bounds(tmp_path, design, expected):
    sweep = load_sweep(write(tmp_path, SAMPLED.format(design=design)))
    points = build_design(sweep).points
    assert len(points) == count_points(sweep) == expected
    for p in sweep.swept:
        column = points[p.name]
        assert column.between(p.low, p.high).all(), p.name
    whole = points["technical_center_capacity"]
    assert whole.dtype == np.int64 and set(whole) <= set(range(5))
    # The same file gives the same points (the sampler is seeded).
    again = build_design(load_sweep(write(tmp_path, SAMPLED.format(design=design), "b.yaml")))
    pd.testing.assert_frame_equal(points, again.points)


def test_plausible_takes_the_declared_plausible_range(tmp_path):
    from sim.model.parameters import SPECS

    text = sweep_text(
        design="{method: lhs, samples: 4}",
        levers="  review_capacity: plausible",
        uncertainties="  top_leader_attention: {}\n  system_cost: {low: 0.5, high: 2.0}\n"
        "  annual_budget:",
    )
    sweep = load_sweep(write(tmp_path, text))
    ranges = {p.name: (p.low, p.high) for p in sweep.swept}
    assert ranges["review_capacity"] == SPECS["review_capacity"].plausible_range == (0.5, 20.0)
    assert ranges["top_leader_attention"] == SPECS["top_leader_attention"].plausible_range
    assert ranges["system_cost"] == (0.5, 2.0)
    assert ranges["annual_budget"] == SPECS["annual_budget"].plausible_range  # by default
    # Half a range is an error that names the plausible one.
    with pytest.raises(SweepError, match=r"lacks 'high'.*plausible range \(0.5 to 20.0\)"):
        load_sweep(write(tmp_path, sweep_text(levers="  review_capacity: {low: 1}"), "b.yaml"))


def test_lhs_covers_each_stratum(tmp_path):
    sweep = load_sweep(write(tmp_path, SAMPLED.format(design="{method: lhs, samples: 20}")))
    design = build_design(sweep)
    raw = design.samples[:, 0]  # review_authority in [0.1, 0.9]
    strata = np.floor((raw - 0.1) / 0.8 * 20).astype(int)
    assert sorted(strata) == list(range(20))


def test_reference_by_values(tmp_path):
    text = GRID.format(months=12, replications=2)
    text += "reference: {review_capacity: 30, approval_bodies: 3}\n"
    sweep = load_sweep(write(tmp_path, text))
    design = build_design(sweep)
    # top_leader_attention is not named: it keeps the base scenario's value (0.7),
    # which is not on the grid, so the reference is added as a ninth point.
    assert design.n_design == 8 and design.n_points == 9 and design.reference == 8
    assert design.values(8) == {
        "review_capacity": 30.0,
        "approval_bodies": 3,
        "top_leader_attention": 0.7,
    }
    text2 = text.replace("approval_bodies: 3}", "approval_bodies: 3, top_leader_attention: 0.9}")
    design2 = build_design(load_sweep(write(tmp_path, text2, "b.yaml")))
    assert design2.n_points == 8 and design2.values(design2.reference) == {
        "review_capacity": 30.0,
        "approval_bodies": 3,
        "top_leader_attention": 0.9,
    }


def test_definition_hash_ignores_summary_settings(tmp_path):
    a = load_sweep(grid_file(tmp_path))
    text = GRID.format(months=12, replications=3).replace("A small grid", "Another text")
    text = text.replace("cum_spending]", "cum_spending, platform_adoption_rate]")
    b = load_sweep(write(tmp_path, text, "b.yaml"))
    c = load_sweep(grid_file(tmp_path, replications=4, name="c.yaml"))
    assert a.definition_hash == b.definition_hash != c.definition_hash


# ------------------------------------------------------ running and storing


def test_runs_are_paired_streamed_and_summarized(tmp_path):
    sweep = load_sweep(grid_file(tmp_path, replications=3, batch="1"))  # one model per run
    out = tmp_path / "out"
    result = run_sweep(sweep, out, executor="serial", progress=False, batch_size=5)
    summarize_sweep(out)
    assert (result.total, result.ran, result.skipped) == (24, 24, 0)
    for name in ("sweep.json", "sweep.yaml", "design.csv", "runs.csv", "summary.csv",
                 "paired_differences.csv", "manifest.json"):  # fmt: skip
        assert (out / name).is_file(), name
    parts = SweepStore(out).part_files()
    assert len(parts) == 5  # 24 runs in batches of 5
    series = SweepStore(out).read_timeseries()
    assert len(series) == 24 * 13 and set(series["month"]) == set(range(13))
    assert series.groupby(["point", "replication"])["final"].sum().eq(1).all()
    assert set(OUTCOME_NAMES) <= set(series.columns)

    runs = pd.read_csv(out / "runs.csv")
    assert len(runs) == 24
    # Common random numbers: replication r has one seed at every design point.
    seeds = runs.groupby("replication")["seed"].nunique()
    assert seeds.eq(1).all() and runs.groupby("point")["seed"].nunique().eq(3).all()
    assert list(runs.drop_duplicates("replication")["seed"]) == sweep.seeds

    manifest = __import__("json").loads((out / "manifest.json").read_text())
    assert manifest["sweep"]["definition_hash"] == sweep.definition_hash
    assert manifest["sweep"]["file_sha256"] == sweep.file_hash
    assert manifest["seeds"]["replication_seeds"] == sweep.seeds
    assert manifest["design"]["method"] == "grid" and manifest["design"]["points"] == 8
    assert manifest["runs"] == {"total": 24, "finished": 24, "complete": True}
    assert manifest["scenarios"][0]["parameters"]["n_departments"] == 10


def test_summary_statistics_match_a_hand_computation(tmp_path):
    sweep = load_sweep(grid_file(tmp_path, replications=4))
    out = tmp_path / "out"
    run_sweep(sweep, out, executor="serial", progress=False)
    runs = SweepStore(out).read_final()  # full precision (the CSV files keep 10 digits)
    summarized = summarize_sweep(out)
    summary, paired = summarized.summary, summarized.paired
    on_disk = pd.read_csv(out / "summary.csv")
    assert np.allclose(on_disk["mean"], summary["mean"], rtol=1e-9, atol=1e-12, equal_nan=True)
    t = stats.t.ppf(0.975, 3)
    for outcome in sweep.outcomes:
        for point in (0, 5):
            x = runs.loc[runs["point"] == point].sort_values("replication")[outcome].to_numpy()
            row = summary[(summary["point"] == point) & (summary["outcome"] == outcome)].iloc[0]
            mean, sd = x.mean(), x.std(ddof=1)
            assert row["n"] == 4
            assert math.isclose(row["mean"], mean, rel_tol=1e-9, abs_tol=1e-12)
            assert math.isclose(row["sd"], sd, rel_tol=1e-9, abs_tol=1e-12)
            low = mean - t * sd / 2
            if row["interval"] == "logit":  # a share: the t interval on the logit scale
                assert 0 <= row["ci_low"] <= row["ci_high"] <= 1
                if 0 < mean < 1 and sd > 0:
                    spread = t * sd / 2 / (mean * (1 - mean))
                    low = 1 / (1 + math.exp(-(math.log(mean / (1 - mean)) - spread)))
                else:
                    low = mean
            assert math.isclose(row["ci_low"], low, rel_tol=1e-9, abs_tol=1e-12)
        base = runs.loc[runs["point"] == 0].sort_values("replication")[outcome].to_numpy()
        other = runs.loc[runs["point"] == 5].sort_values("replication")[outcome].to_numpy()
        d = other - base
        row = paired[(paired["point"] == 5) & (paired["outcome"] == outcome)].iloc[0]
        assert row["reference_point"] == 0 and row["n"] == 4
        assert math.isclose(row["mean_difference"], d.mean(), rel_tol=1e-9, abs_tol=1e-12)
        half = t * d.std(ddof=1) / 2
        assert math.isclose(row["ci_high"], d.mean() + half, rel_tol=1e-9, abs_tol=1e-12)
    assert set(paired["point"]) == set(range(1, 8))  # every point but the reference
    assert {"review_capacity", "approval_bodies", "top_leader_attention"} <= set(summary.columns)


def test_sobol_sweep_writes_sensitivity(tmp_path):
    sweep = load_sweep(write(tmp_path, SAMPLED.format(design="{method: sobol, samples: 4}")))
    out = tmp_path / "out"
    run_sweep(sweep, out, executor="serial", progress=False)
    sens = summarize_sweep(out).sensitivity
    assert sens is not None and (out / "sensitivity.csv").is_file()
    assert set(sens["index"]) <= {"S1", "ST"} and set(sens["parameter"]) <= set(
        sweep.parameter_names
    )


def read_all(out: Path) -> pd.DataFrame:
    return SweepStore(out).read_timeseries()


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_serial_pool_and_dask_give_identical_results(tmp_path):
    sweep = load_sweep(write(tmp_path, SAMPLED.format(design="{method: lhs, samples: 6}")))
    results = {}
    for executor in ("serial", "pool", "dask"):
        out = tmp_path / executor
        run_sweep(sweep, out, executor=executor, workers=2, progress=False)
        results[executor] = read_all(out)
    assert len(results["serial"]) == 6 * 2 * 13
    pd.testing.assert_frame_equal(results["serial"], results["pool"], check_exact=True)
    pd.testing.assert_frame_equal(results["serial"], results["dask"], check_exact=True)


def test_resume_skips_finished_runs_and_ignores_temporary_files(tmp_path):
    sweep = load_sweep(grid_file(tmp_path, replications=2, batch="1"))  # a part: 3 runs
    out = tmp_path / "out"
    run_sweep(sweep, out, executor="serial", progress=False, batch_size=3)
    store = SweepStore(out)
    parts = store.part_files()
    removed = parts[:2]
    for p in removed:
        p.unlink()
    # A half-written part of a killed writer, and a stray temporary file.
    (store.parts_dir / ".part-r00000-p0000000.parquet.123.tmp").write_bytes(b"PAR1 half")
    assert len(store.finished()) == 16 - 6
    again = run_sweep(sweep, out, executor="serial", progress=False, batch_size=3)
    assert (again.skipped, again.ran) == (10, 6)
    assert not list(store.parts_dir.glob(".*"))
    complete = tmp_path / "complete"
    run_sweep(sweep, complete, executor="serial", progress=False)
    pd.testing.assert_frame_equal(read_all(out), read_all(complete), check_exact=True)
    # Nothing left to do: a third run makes no run and summarizes again.
    third = run_sweep(sweep, out, executor="pool", workers=2, progress=False)
    assert (third.skipped, third.ran) == (16, 0)


def test_batched_sweep_runs_consecutive_points_together_and_resumes(tmp_path):
    text = GRID.format(months=12, replications=3) + "batch: 3\n"
    sweep = load_sweep(write(tmp_path, text, "batched.yaml"))
    assert sweep.batch == 3 and sweep.batch_size == 3
    plain = load_sweep(write(tmp_path, GRID.format(months=12, replications=3) + "batch: 1\n"))
    assert "batch" not in plain.definition()
    assert sweep.definition_hash != plain.definition_hash
    # The default batches too, by layout: 10 departments a run.
    auto = load_sweep(grid_file(tmp_path, replications=3))
    assert auto.batch is None and auto.batch_size == 100
    # approval_bodies sets the layout, which replicas of a batch may differ in
    # (issue 27): the 8 points, in design order, are cut into 3 + 3 + 2.
    assert sweep.definition()["batch_plan"] == "points, any layout"
    design = build_design(sweep)
    values = [tuple(r) for r in design.points[list(sweep.parameter_names)].itertuples(index=False)]
    blocks = point_blocks(sweep, values, 3)
    assert blocks == [(0, 1, 2), (3, 4, 5), (6, 7)]
    bodies = sweep.parameter_names.index("approval_bodies")
    assert any(len({values[p][bodies] for p in block}) == 2 for block in blocks)
    # horizons share a model too (issue 27); points are ordered by months before the
    # cut, so that a model, which runs to its longest horizon, wastes few months
    with_months = [(*v, 24 if p < 5 else 12) for p, v in enumerate(values)]
    months_sweep = dataclasses.replace(
        sweep, swept=(*sweep.swept, SweptParameter("months", "uncertainties", values=(12, 24)))
    )
    assert months_sweep.definition()["batch_plan"] == "points, any layout and horizon"
    assert point_blocks(months_sweep, with_months, 3) == [(5, 6, 7), (0, 1, 2), (3, 4)]
    out = tmp_path / "out"
    run_sweep(sweep, out, executor="serial", progress=False, batch_size=2)
    runs = SweepStore(out).read_final()
    assert len(runs) == 8 * 3
    # every run keeps its replication's seed (the batched model's), as unbatched
    assert list(runs.drop_duplicates("replication")["seed"]) == sweep.seeds
    assert runs.groupby("replication")["seed"].nunique().eq(1).all()
    # each replica ran with its own point's values: a larger office costs more staff
    by_capacity = runs.groupby(["replication", "review_capacity"])["cum_spending"].mean()
    assert (by_capacity.xs(30, level=1) > by_capacity.xs(2, level=1)).all()
    # a removed part (whole blocks) is redone; the result equals an uninterrupted pool run
    store = SweepStore(out)
    store.part_files()[0].unlink()
    again = run_sweep(sweep, out, executor="serial", progress=False, batch_size=2)
    assert again.ran > 0 and again.skipped + again.ran == 24
    pooled = tmp_path / "pooled"
    run_sweep(sweep, pooled, executor="pool", workers=2, progress=False)
    pd.testing.assert_frame_equal(read_all(out), read_all(pooled), check_exact=True)


def test_multi_level_sweeps_batch_only_when_asked(tmp_path):
    # A province has about 4,500 departments: the default is one model per run.
    auto = load_sweep(write(tmp_path, sweep_text(scenario="province_centralized"), "a.yaml"))
    assert auto.batch_size == 1 and "batch" not in auto.definition()
    # Copies of the whole hierarchy when asked for.
    asked = load_sweep(write(tmp_path, sweep_text(scenario="province_centralized", batch="4")))
    assert asked.batch_size == 4 and asked.definition()["batch_plan"] == "points"


def test_damaged_part_is_reported(tmp_path):
    sweep = load_sweep(grid_file(tmp_path, replications=1))
    out = tmp_path / "out"
    run_sweep(sweep, out, executor="serial", progress=False)
    bad = SweepStore(out).part_files()[0]
    bad.write_bytes(b"not parquet")
    with pytest.raises(SweepError, match=r"cannot be read.*Delete it"):
        summarize_sweep(out)


@pytest.mark.slow
def test_folder_of_a_different_sweep_is_refused(tmp_path):
    out = tmp_path / "out"
    run_sweep(load_sweep(grid_file(tmp_path)), out, executor="serial", progress=False)
    other = grid_file(tmp_path, months=13, name="other.yaml")
    with pytest.raises(SweepError, match="holds a different sweep"):
        run_sweep(load_sweep(other), out, executor="serial", progress=False)
    result = cli("sweep", str(other), "--out", str(out), "--quiet")
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("error: ") and "different sweep" in result.stderr
    assert "'scenario'" in result.stderr  # months is part of the base parameters
    assert "Traceback" not in result.stderr
    stranger = tmp_path / "stranger"
    stranger.mkdir()
    (stranger / "notes.txt").write_text("mine")
    with pytest.raises(SweepError, match="not a sweep folder"):
        run_sweep(load_sweep(other), stranger, executor="serial", progress=False)


def _start(args: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "run.py", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _wait_for_parts(out: Path, proc: subprocess.Popen[str], count: int, timeout=120) -> None:
    parts = out / "parts"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if parts.is_dir() and len(list(parts.glob("part-*.parquet"))) >= count:
            return
        if proc.poll() is not None:
            raise AssertionError(f"the sweep ended early: {proc.communicate()}")
        time.sleep(0.01)
    raise AssertionError("no parts appeared")


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_resume_after_sigkill_equals_an_uninterrupted_run(tmp_path):
    path = grid_file(tmp_path, months=24, replications=12)  # 96 runs in about 30 parts
    out = tmp_path / "killed"
    proc = _start(["sweep", str(path), "--out", str(out), "--workers", "2", "--quiet"])
    try:
        _wait_for_parts(out, proc, 2)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the parent and its pool workers
        proc.communicate()
    store = SweepStore(out)
    finished = store.finished()
    assert 0 < len(finished) < 96, "the sweep was not interrupted"
    assert not (out / "manifest.json").exists()

    result = cli("sweep", str(path), "--out", str(out), "--quiet", "--workers", "2")
    assert result.returncode == 0, result.stderr
    assert f"({len(finished)} already finished, skipped)" in result.stdout
    reference = tmp_path / "reference"
    run_sweep(load_sweep(path), reference, executor="serial", progress=False)
    summarize_sweep(reference)
    pd.testing.assert_frame_equal(read_all(out), read_all(reference), check_exact=True)
    for name in ("runs.csv", "summary.csv", "paired_differences.csv"):
        assert (out / name).read_text() == (reference / name).read_text(), name


@pytest.mark.timeout(300)
def test_ctrl_c_keeps_finished_runs_and_exits_130(tmp_path):
    path = grid_file(tmp_path, months=24, replications=12)
    out = tmp_path / "out"
    proc = _start(["sweep", str(path), "--out", str(out), "--workers", "2"])
    try:
        _wait_for_parts(out, proc, 2)
        os.killpg(proc.pid, signal.SIGINT)  # as a terminal does on Ctrl-C
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert "interrupted (Ctrl-C)" in stderr and "resume" in stderr
    kept = len(SweepStore(out).finished())
    assert 0 < kept < 96
    again = run_sweep(load_sweep(path), out, executor="pool", workers=2, progress=False)
    assert again.skipped == kept and again.ran == 96 - kept


@pytest.mark.slow
def test_summarize_command(tmp_path):
    sweep = load_sweep(grid_file(tmp_path, replications=2))
    out = tmp_path / "out"
    run_sweep(sweep, out, executor="serial", progress=False)
    assert not (out / "summary.csv").exists()
    result = cli("summarize", str(out))
    assert result.returncode == 0, result.stderr
    assert "Duplication rate" in result.stdout and "0 (ref)" in result.stdout
    assert (out / "summary.csv").is_file() and (out / "manifest.json").is_file()
    with pytest.raises(SweepError, match="not a sweep folder"):
        summarize_sweep(tmp_path / "nowhere")


# ---------------------------------------------------------- mesa.batch_run


def test_model_runs_under_mesa_batch_run():
    import mesa

    from sim.model.governance import GovernanceModel

    method = multiprocessing.get_start_method(allow_none=True)
    try:
        with pytest.warns(DeprecationWarning):  # ``iterations`` is deprecated in Mesa 3
            rows = mesa.batch_run(
                GovernanceModel,
                parameters={"n_departments": [10], "months": [12], "review_coverage": [0.1, 0.9]},
                iterations=2,
                max_steps=12,
                number_processes=1,
                data_collection_period=-1,
                display_progress=False,
            )
    finally:  # batch_run forces the "spawn" start method on the whole process
        multiprocessing.set_start_method(method, force=True)
    assert len(rows) == 4
    for row in rows:
        assert row["Step"] == 12
        assert set(OUTCOME_NAMES) <= set(row)
        assert row["n_departments"] == 10 and row["review_coverage"] in (0.1, 0.9)
    assert SPECS["months"].default != 12  # the override reached the model


# ------------------------------------------------------------ sweep reports


@pytest.mark.slow
def test_sweep_writes_a_report_and_report_rewrites_it_in_chinese(tmp_path):
    out = tmp_path / "grid"
    result = cli("sweep", str(grid_file(tmp_path, replications=2)), "--out", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    page = (out / "report.html").read_text("utf-8")
    assert page.count("plotly.js v") == 1  # embedded once: opens offline
    assert "Duplication rate against review_capacity" in page
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert "report.html" in manifest["files"] and "run" in manifest
    again = cli("report", str(out), "--lang", "zh")
    assert again.returncode == 0, again.stderr
    assert (out / "report_zh.html").is_file()
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert "report_zh.html" in manifest["files"] and "run" in manifest  # run info kept


def test_sweep_figures_use_categories_for_grids_and_bins_for_samplers(tmp_path):
    from sim.analysis.sweep_summary import summarize_sweep
    from sim.reporting.sweep_report import SAMPLED_BINS, sweep_figures

    grid = load_sweep(grid_file(tmp_path, replications=2))
    run_sweep(grid, tmp_path / "g", executor="serial", progress=False)
    figures = sweep_figures(summarize_sweep(tmp_path / "g"))
    heatmap = figures["heatmap_duplication_rate"]
    assert heatmap.layout.xaxis.type == "category"
    assert set(heatmap.data[0].x) <= {"2", "30", "1", "3", "0.3", "0.9"}
    lines = figures["sweep_duplication_rate_by_review_capacity"]
    assert sorted(set(lines.data[-1].x)) == [2, 30]
    assert all(t.mode == "lines" for t in lines.data if t.fill == "toself")
    sampled = load_sweep(write(tmp_path, SAMPLED.format(design="{method: lhs, samples: 24}")))
    run_sweep(sampled, tmp_path / "s", executor="serial", progress=False)
    figures = sweep_figures(summarize_sweep(tmp_path / "s"))
    xs = {x for t in figures["sweep_duplication_rate_by_review_authority"].data for x in t.x}
    assert len(xs) <= SAMPLED_BINS and min(xs) > 0.1 and max(xs) < 0.9  # bin midpoints
    # technical_center_capacity takes whole numbers 0..4: each its own category,
    # on a whole-number axis that does not reach below its smallest value.
    counts = figures["sweep_duplication_rate_by_technical_center_capacity"]
    xs = {x for t in counts.data for x in t.x}
    assert xs <= {0, 1, 2, 3, 4}
    assert counts.layout.xaxis.tickformat == "d" and counts.layout.xaxis.range[0] >= -0.5
    # Heatmap cells of sampled values are labelled with their bin's range, not midpoints.
    heat = figures["heatmap_duplication_rate"]
    labels = [*heat.data[0].x, *heat.data[0].y]
    ranged = [x for x in labels if "–" in x]
    assert ranged, labels
    for label in ranged:
        low, high = (float(v) for v in label.split("–"))
        assert low < high and len(label) <= 11, label
    # Paired differences from the reference point, with their intervals.
    diffs = [k for k in figures if k.startswith("difference_duplication_rate_by_")]
    assert diffs
    trace = figures[diffs[0]].data[0]
    assert len(trace.x) > 0 and trace.error_y.arrayminus is not None


def test_too_small_sobol_samples_are_flagged():
    from sim.reporting.sweep_report import sensitivity_warnings

    rows = [
        ("y", "a", "S1", -0.4, 0.1),
        ("y", "a", "ST", 1.5, 0.2),
        ("y", "b", "S1", 0.9, 0.1),
        ("y", "b", "ST", 0.9, 0.1),
        ("z", "a", "S1", 0.2, 0.3),
        ("z", "a", "ST", 0.3, 0.1),
    ]
    table = pd.DataFrame(rows, columns=["outcome", "parameter", "index", "value", "conf"])
    warnings = sensitivity_warnings(table)
    assert len(warnings) == 2 and "below 0" in warnings[0] and "ST above 1" in warnings[1]
    assert sensitivity_warnings(table[table["outcome"] == "z"]) == []


def test_a_sweep_over_the_horizon_batches_and_measures_each_point_at_its_own_months(tmp_path):
    text = """\
description: Horizons side by side (issue 27).
scenario: dispersed
parameters: {n_departments: 10}
uncertainties:
  months: {values: [12, 18, 30]}
  annual_budget: {values: [1.0, 2.0]}
design: grid
replications: 2
root_seed: 5
outcomes: [cum_spending, capability_coverage]
batch: 6
"""
    sweep = load_sweep(write(tmp_path, text, "horizons.yaml"))
    out = tmp_path / "out"
    result = run_sweep(sweep, out, executor="serial", progress=False)
    assert result.ran == 6 * 2
    runs = SweepStore(out).read_final()
    assert len(runs) == 12
    assert (runs["month"] == runs["months"]).all()
    # a longer horizon spends more, point by point within a replication
    spend = runs.groupby(["replication", "annual_budget", "months"])["cum_spending"].mean()
    assert (spend.xs(30, level=2) > spend.xs(12, level=2)).all()
