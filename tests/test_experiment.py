"""Tests of the experiment runner, statistics, charts and provenance."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from sim.analysis import statistics
from sim.experiments import provenance, results
from sim.experiments import replications as experiment
from sim.experiments.inputs.scenarios import load_scenario
from sim.experiments.seeds import spawn_seeds
from sim.reporting import charts, experiment_folder, terminal

SMALL = {"months": 24, "n_departments": 8}


@pytest.fixture(scope="module")
def scenarios():
    return [load_scenario(n).with_overrides(name=n, **SMALL) for n in ("dispersed", "centralized")]


@pytest.fixture(scope="module")
def frame(scenarios):
    # One model per replication: the seeds and pairing checked below are those of that mode.
    return experiment.run_replications(
        scenarios, 3, root_seed=7, workers=1, progress=False, batch=1
    )


def test_library_default_batches_replications_as_the_commands_do(scenarios):
    batched = experiment.run_replications(scenarios, 3, root_seed=7, workers=1, progress=False)
    assert experiment.auto_batch(scenarios, 3) == 3
    # One model per scenario, seeded with the first replication's seed.
    assert set(batched["seed"]) == {spawn_seeds(7, 3)[0]}
    explicit = experiment.run_replications(
        scenarios, 3, root_seed=7, workers=1, progress=False, batch=3
    )
    pd.testing.assert_frame_equal(batched, explicit)


def test_seeds_come_from_seed_sequence():
    children = np.random.SeedSequence(7).spawn(3)
    expected = [int(c.generate_state(1)[0]) for c in children]
    assert spawn_seeds(7, 3) == expected
    assert len(set(expected)) == 3


def test_run_one_columns(scenarios):
    out = experiment.run_one(scenarios[0], seed=11, replication=4)
    assert list(out.columns[:4]) == ["scenario", "replication", "seed", "month"]
    assert out["month"].tolist() == list(range(25))
    assert set(out["scenario"]) == {"dispersed"}
    assert set(out["replication"]) == {4} and set(out["seed"]) == {11}
    assert "duplication_rate" in out.columns


def test_paired_seeds_equal_across_scenarios(frame):
    seeds = frame.groupby(["replication", "scenario"])["seed"].first().unstack()
    assert list(seeds.columns) == sorted(["dispersed", "centralized"])
    assert (seeds["dispersed"] == seeds["centralized"]).all()
    assert seeds["dispersed"].tolist() == spawn_seeds(7, 3)
    assert seeds["dispersed"].nunique() == 3


def test_rows_sorted_in_scenario_order(frame):
    assert list(dict.fromkeys(frame["scenario"])) == ["dispersed", "centralized"]
    assert len(frame) == 2 * 3 * 25


def test_serial_and_parallel_identical(scenarios, frame):
    parallel = experiment.run_replications(
        scenarios, 3, root_seed=7, workers=2, progress=False, chunksize=1, batch=1
    )
    pd.testing.assert_frame_equal(frame, parallel)


def test_same_seed_reproduces(scenarios, frame):
    again = experiment.run_replications(
        scenarios, 3, root_seed=7, workers=1, progress=False, batch=1
    )
    pd.testing.assert_frame_equal(frame, again)


def test_duplicate_names_refused(scenarios):
    with pytest.raises(ValueError, match="distinct"):
        experiment.run_replications([scenarios[0], scenarios[0]], 2, 1, workers=1, progress=False)


def test_mean_ci_hand_computed():
    # x = 1, 2, 3, 4: mean 2.5, sd = sqrt(5/3), t(0.975, 3) = 3.182446305
    result = statistics.mean_ci([1, 2, 3, 4])
    sd = math.sqrt(5 / 3)
    half = 3.182446305284263 * sd / 2
    assert result["n"] == 4
    assert result["mean"] == pytest.approx(2.5)
    assert result["sd"] == pytest.approx(sd)
    assert result["ci_low"] == pytest.approx(2.5 - half)
    assert result["ci_high"] == pytest.approx(2.5 + half)
    assert result["ci_low"] == pytest.approx(0.445739, abs=1e-6)


def test_mean_ci_small_samples():
    one = statistics.mean_ci([3.0, float("nan")])
    assert one["n"] == 1 and one["mean"] == 3.0 and math.isnan(one["ci_low"])
    assert statistics.mean_ci([])["n"] == 0


def test_summarize_matches_mean_ci():
    df = pd.DataFrame({"g": ["a"] * 4 + ["b"] * 2, "y": [1, 2, 3, 4, 10, 10], "z": 1.0})
    out = statistics.summarize(df, "g", ["y", "missing"])
    assert list(out["outcome"]) == ["y", "y"]
    a = out[out["g"] == "a"].iloc[0]
    ref = statistics.mean_ci([1, 2, 3, 4])
    for key in ("mean", "sd", "n", "ci_low", "ci_high"):
        assert a[key] == pytest.approx(ref[key])
    b = out[out["g"] == "b"].iloc[0]
    assert b["sd"] == 0 and b["ci_low"] == b["ci_high"] == 10


def test_paired_differences_hand_computed():
    runs = pd.DataFrame(
        {
            "scenario": ["base"] * 4 + ["new"] * 4,
            "replication": [0, 1, 2, 3] * 2,
            "y": [10, 20, 30, 40, 11, 22, 33, 44],
        }
    )
    out = statistics.paired_differences(runs, ["y"], "base")
    row = out.iloc[0]
    ref = statistics.mean_ci([1, 2, 3, 4])
    assert row["scenario"] == "new" and row["baseline"] == "base"
    assert row["mean_difference"] == pytest.approx(2.5)
    assert row["ci_low"] == pytest.approx(ref["ci_low"])
    assert row["ci_high"] == pytest.approx(ref["ci_high"])
    from scipy import stats

    assert row["p_value"] == pytest.approx(
        stats.ttest_rel([11, 22, 33, 44], [10, 20, 30, 40]).pvalue
    )
    assert 0 <= row["p_value_wilcoxon"] <= 1


def test_final_values_one_row_per_run(frame):
    runs = experiment.final_values(frame)
    assert len(runs) == 6
    assert (runs["month"] == 24).all()


def test_write_results(tmp_path, scenarios, frame):
    out = tmp_path / "res"
    files = experiment_folder.write_results(
        frame, scenarios, out, root_seed=7, argv=["run.py", "x"]
    )
    expected = {
        "timeseries.parquet", "timeseries.csv", "runs.csv", "summary.csv",
        "paired_differences.csv", "manifest.json", "report.html",
    }  # fmt: skip
    assert set(files) == expected
    assert {p.name for p in out.iterdir()} == expected  # no temporary files left
    pd.testing.assert_frame_equal(pd.read_parquet(out / "timeseries.parquet"), frame,
                                  check_dtype=False)  # fmt: skip
    assert len(pd.read_csv(out / "timeseries.csv")) == len(frame)
    runs = pd.read_csv(out / "runs.csv")
    assert len(runs) == 6 and {"scenario", "replication", "seed"} <= set(runs.columns)
    summary = pd.read_csv(out / "summary.csv")
    assert {"mean", "sd", "n", "ci_low", "ci_high"} <= set(summary.columns)
    paired = pd.read_csv(out / "paired_differences.csv")
    assert set(paired["scenario"]) == {"centralized"}
    assert {"mean_difference", "ci_low", "ci_high", "p_value"} <= set(paired.columns)

    manifest = json.loads((out / "manifest.json").read_text())
    for key in ("scenarios", "seeds", "replications", "months", "command", "python",
                "packages", "git", "created"):  # fmt: skip
        assert key in manifest
    assert manifest["seeds"]["root_seed"] == 7
    assert manifest["seeds"]["replication_seeds"] == spawn_seeds(7, 3)
    assert "commit" in manifest["git"] and "dirty" in manifest["git"]
    assert manifest["replications"] == 3 and manifest["months"] == 24
    assert manifest["command"] == ["run.py", "x"]
    first = manifest["scenarios"][0]
    assert first["name"] == "dispersed" and first["parameters"]["n_departments"] == 8
    assert {"path", "description", "source", "overrides", "policy_changes"} <= set(first)
    assert set(manifest["packages"]) >= {"mesa", "numpy", "pandas", "scipy"}

    page = (out / "report.html").read_text()
    assert page.count("plotly.js v") == 1  # plotly.js embedded once


def test_never_overwrites(tmp_path, scenarios, frame):
    out = tmp_path / "res"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(results.OutputExistsError):
        experiment_folder.write_results(frame, scenarios, out, root_seed=7)
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_default_output_dir_unique(tmp_path):
    first = results.default_output_dir("a b/c", root=tmp_path)
    assert first.parent == tmp_path and first.name.endswith("-a-b-c")
    first.mkdir()
    assert results.default_output_dir("a b/c", root=tmp_path) != first


def test_run_experiment_and_report(tmp_path, scenarios):
    result = experiment_folder.run_experiment(
        scenarios, replications=2, root_seed=3, workers=1, progress=False, out_dir=tmp_path / "r"
    )
    assert (result.out_dir / "manifest.json").exists()
    text = terminal.format_report(result)
    assert "Redundant common systems" in text
    assert "centralized − dispersed" in text


def test_charts_from_tidy_frame(frame):
    fig = charts.timeseries_figure(frame, "duplication_rate", label="Duplication", unit="share")
    names = {t.name for t in fig.data}
    assert {"dispersed", "centralized"} <= names
    figs = experiment_folder.chart_figures(frame)
    assert len(figs) >= 5


def test_git_info_unknown_outside_repo(tmp_path):
    info = provenance.git_info(tmp_path)
    assert (info["commit"], info["dirty"]) == ("unknown", "unknown")


def test_an_installed_copy_inside_another_checkout_does_not_take_its_commit(tmp_path):
    import subprocess

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(
        ["git", "-C", str(tmp_path), "-c", "user.name=x", "-c", "user.email=x@y",
         "commit", "-q", "--allow-empty", "-m", "other"], check=True,
    )  # fmt: skip
    inner = tmp_path / "venv" / "site-packages"
    inner.mkdir(parents=True)
    assert provenance.git_info(inner)["commit"] == "unknown"
    assert provenance.git_info(tmp_path)["commit"] != "unknown"


def test_a_copy_installed_from_git_records_its_commit(monkeypatch, tmp_path):
    class Installed:
        def read_text(self, name):
            assert name == "direct_url.json"
            return json.dumps(
                {"url": "https://example.org/x.git",
                 "vcs_info": {"vcs": "git", "commit_id": "abc123", "requested_revision": "v1"}}
            )  # fmt: skip

    monkeypatch.setattr(provenance.metadata, "distribution", lambda name: Installed())
    info = provenance.git_info(tmp_path)
    assert info["commit"] == "abc123" and "direct_url" in info["source"]


def test_manifests_record_the_package_version_and_requested_libraries():
    from sim.experiments.version import VERSION

    record = provenance.code_record(argv=["x"], uses=provenance.CALIBRATION_PACKAGES)
    assert record["package"]["version"] == VERSION
    assert "pyabc" in record["packages"] and "mesa" in record["packages"]
