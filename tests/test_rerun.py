"""Every run of a results folder can be simulated again from what the folder records."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import sim
from sim.cli.main import main
from sim.experiments.rerun import RerunError, rerun
from sim.experiments.seeds import spawn_seeds

SMALL = {"months": 12, "n_departments": 6}


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A compare of 5 replications, 2 to a model: models of 2, 2 and 1 copies."""
    scenarios = [
        sim.load_scenario(n).with_overrides(name=n, **SMALL) for n in ("dispersed", "centralized")
    ]
    result = sim.compare(scenarios, replications=5, root_seed=11, workers=1, progress=False,
                         batch=2)  # fmt: skip
    return sim.save(result, tmp_path_factory.mktemp("rerun") / "res", argv=["test"])


def test_runs_csv_and_manifest_say_where_each_run_ran(folder):
    runs = pd.read_csv(folder / "runs.csv")
    assert list(runs.columns[:6]) == [
        "scenario", "replication", "seed", "replica", "batch_size", "month"
    ]  # fmt: skip
    seeds = spawn_seeds(11, 5)
    for scenario in ("dispersed", "centralized"):
        rows = runs[runs["scenario"] == scenario].sort_values("replication")
        assert rows["replica"].tolist() == [0, 1, 0, 1, 0]
        assert rows["batch_size"].tolist() == [2, 2, 2, 2, 1]
        assert rows["seed"].tolist() == [seeds[0], seeds[0], seeds[2], seeds[2], seeds[4]]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["seeds"]["replicas"] == [0, 1, 0, 1, 0]
    assert manifest["seeds"]["batch_sizes"] == [2, 2, 2, 2, 1]
    assert manifest["seeds"]["batch"] == 2
    assert "replication r uses seeds[r]" not in manifest["seeds"]["method"]
    assert manifest["package"]["version"] == sim.__version__


@pytest.mark.parametrize(("scenario", "replication"), [("centralized", 3), ("dispersed", 4)])
def test_rerun_gives_the_recorded_outcomes_bit_for_bit(folder, scenario, replication):
    again = sim.rerun(folder, scenario, replication)
    assert again.identical, again.table[~again.table["identical"]]
    stored = pd.read_parquet(folder / "timeseries.parquet")
    stored = stored[(stored["scenario"] == scenario) & (stored["replication"] == replication)]
    pd.testing.assert_frame_equal(
        again.frame.reset_index(drop=True), stored.reset_index(drop=True), check_dtype=False
    )
    runs = pd.read_csv(folder / "runs.csv")
    row = runs[(runs["scenario"] == scenario) & (runs["replication"] == replication)].iloc[0]
    assert (again.seed, again.replica, again.batch_size) == (
        row["seed"], row["replica"], row["batch_size"]
    )  # fmt: skip
    recorded = row[again.table["outcome"]].astype(float).to_numpy()
    np.testing.assert_allclose(again.outcomes.to_numpy(), recorded, rtol=1e-9, equal_nan=True)


def test_a_copy_needs_its_whole_model(folder):
    # Replica 1 alone, in a model of one with the same seed, is another run: the
    # copies share the model's random stream.
    from sim.experiments.replications import simulate

    again = sim.rerun(folder, "centralized", 3)
    scenario = sim.load_scenario("centralized").with_overrides(name="centralized", **SMALL)
    alone = simulate(scenario, again.seed, 3)[0].iloc[-1][again.table["outcome"]]
    assert not np.array_equal(
        alone.astype(float).to_numpy(), again.outcomes.to_numpy(), equal_nan=True
    )


def test_a_changed_result_is_reported_as_different(folder, tmp_path, capsys):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    frame = pd.read_parquet(copy / "timeseries.parquet")
    last = (frame["scenario"] == "centralized") & (frame["replication"] == 1)
    frame.loc[last & (frame["month"] == frame["month"].max()), "cum_spending"] += 1.0
    frame.to_parquet(copy / "timeseries.parquet", index=False)
    assert main(["rerun", str(copy), "--scenario", "centralized", "--replication", "1"]) == 1
    out = capsys.readouterr().out
    assert "cum_spending" in out and "1 outcome(s) differ" in out


def test_cli_prints_both_columns_and_exits_0(folder, capsys):
    assert main(["rerun", str(folder), "--scenario", "centralized", "--replication", "3"]) == 0
    out = capsys.readouterr().out
    assert "replica 1 of a model of 2" in out and "runs.csv" in out and "identical" in out


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--scenario", "nope", "--replication", "0"], "is not in"),
        (["--scenario", "centralized", "--replication", "5"], "replications 0 to 4"),
    ],
)
def test_bad_scenario_or_replication_is_an_input_error(folder, capsys, args, words):
    assert main(["rerun", str(folder), *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and words in err and "Traceback" not in err


def test_a_folder_without_manifest_is_refused(tmp_path):
    with pytest.raises(RerunError, match="no manifest.json"):
        rerun(tmp_path, "centralized", 0)


def test_report_says_how_batched_replications_were_seeded(folder):
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert "Models and their seeds" in page
    assert "replications 0–1 (replicas 0–1)" in page and "replication 4 (alone)" in page
    assert "run.py rerun" in page
    assert "replication r uses seeds[r]" not in page


def test_a_batched_run_over_posterior_draws_is_rerun_with_every_copys_draw(tmp_path):
    # Each copy of a model carries its replication's draw (the copies share the
    # random stream, so the rerun must give every copy its own draw again).
    scenarios = [
        sim.load_scenario(n).with_overrides(name=n, **SMALL) for n in ("dispersed", "centralized")
    ]
    draws = [{"review_capacity": 0.5 + r, "n_departments": 6 + 2 * (r % 2)} for r in range(4)]
    result = sim.compare(scenarios, replications=4, root_seed=12, workers=1, progress=False,
                         batch=2, replication_overrides=draws)  # fmt: skip
    assert result.batch == 2
    out = sim.save(result, tmp_path / "res", argv=["test"])
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["seeds"]["batch_sizes"] == [2, 2, 2, 2]
    again = sim.rerun(out, "centralized", 3)
    assert (again.replica, again.batch_size) == (1, 2) and again.identical
