"""The public API: ``import sim`` for notebooks, and the model under ``mesa.batch_run``."""

from __future__ import annotations

import multiprocessing
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim.experiments.inputs.scenarios import ScenarioError, load_scenario
from sim.model.governance import GovernanceModel

ROOT = Path(__file__).resolve().parent.parent
SMALL = {"n_departments": 8, "months": 24}


def test_import_sim_is_light_and_lists_the_public_names():
    code = "import sys, sim; print(sorted(m for m in sys.modules if m.startswith('sim.')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr  # nothing loaded before use
    for name in ("compare", "load_scenario", "GovernanceModel", "charts", "load_results", "save"):
        assert name in dir(sim) and name in sim.__all__
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        _ = sim.nothing_here


def test_compare_in_memory_returns_the_frames_of_a_results_folder(tmp_path):
    designs = [
        load_scenario(n).with_overrides(name=n, **SMALL) for n in ("dispersed", "centralized")
    ]
    result = sim.compare(designs, replications=3, workers=1, progress=False)
    assert list(result.frame["scenario"].unique()) == ["dispersed", "centralized"]
    assert len(result.runs) == 6 and set(result.paired["scenario"]) == {"centralized"}
    assert {"mean", "ci_low", "ci_high", "label", "unit"} <= set(result.summary.columns)
    folder = sim.save(result, tmp_path / "out")
    data = sim.load_results(folder)
    on_disk = pd.read_csv(folder / "runs.csv")
    assert len(on_disk) == 6 and data.manifest["replications"] == 3
    np.testing.assert_allclose(
        on_disk["duplication_rate"].to_numpy(), result.runs["duplication_rate"].to_numpy()
    )


def test_with_overrides_names_the_variant():
    base = load_scenario("centralized")
    derived = base.with_overrides(review_capacity=1)
    assert derived.name == "centralized(review_capacity=1.0)"
    assert base.with_overrides(name="weak office", review_capacity=1).name == "weak office"
    assert base.with_overrides(name=base.name, months=60).name == "centralized"
    # a variant can now be compared with its base
    small = base.with_overrides(name="centralized", **SMALL)
    result = sim.compare([small, small.with_overrides(review_capacity=1)], replications=2,
                         workers=1, progress=False)  # fmt: skip
    assert result.paired["scenario"].iloc[0] == "centralized(review_capacity=1.0)"


def test_numpy_scalars_are_accepted_as_parameter_values():
    params = sim.make_parameters(n_departments=np.int64(12), review_capacity=np.float32(2.5))
    assert params.n_departments == 12 and type(params.n_departments) is int
    model = GovernanceModel(n_departments=np.int32(6), months=np.int64(3), rng=1)
    model.run()
    assert model.month == 3
    with pytest.raises(ScenarioError, match="whole number"):
        load_scenario("dispersed").with_overrides(n_departments=np.float64(12.5))


def test_a_parameters_object_split_by_batch_run_gets_a_clear_error():
    with pytest.raises(TypeError, match="batch_run_parameters"):
        GovernanceModel(parameters=("months", 12))


def test_mesa_batch_run_with_a_scenario_numpy_ranges_and_replicas():
    import mesa

    scenario = load_scenario("centralized").with_overrides(name="centralized", months=12)
    parameters = scenario.batch_run_parameters(
        n_departments=np.arange(6, 9, 2),  # numpy integers: 6 and 8
        review_capacity=[2.0, 8.0],
        replicas=[1, 3],
    )
    method = multiprocessing.get_start_method(allow_none=True)
    try:
        rows = mesa.batch_run(
            GovernanceModel,
            parameters=parameters,
            rng=[1, 2],
            max_steps=scenario.parameters.months,
            number_processes=1,
            data_collection_period=-1,
            display_progress=False,
        )
    finally:  # batch_run may force the "spawn" start method on the whole process
        multiprocessing.set_start_method(method, force=True)
    frame = pd.DataFrame(rows)
    assert len(frame) == 2 * 2 * 2 * 2  # departments x capacity x replicas x seeds
    assert set(frame["n_departments"]) == {6, 8} and set(frame["replicas"]) == {1, 3}
    assert (frame["Step"] == 12).all() and frame["capability_coverage"].notna().all()
    # a batched model reports the mean over its replicas
    model = GovernanceModel(parameters=scenario.parameters, n_departments=6, rng=3, replicas=3)
    model.run()
    per_replica = model.outcomes_frame().query("month == 12")["cum_spending"]
    collected = model.datacollector.get_model_vars_dataframe()["cum_spending"].iloc[-1]
    assert collected == pytest.approx(per_replica.mean())


def test_batch_run_parameters_refuses_unknown_names():
    with pytest.raises(ScenarioError, match="review_capacty"):
        load_scenario("dispersed").batch_run_parameters(review_capacty=[1, 2])


def test_the_readme_notebook_snippet_runs(tmp_path, monkeypatch):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- notebook-snippet -->\s*```python\n(.*?)```", text, re.S)
    assert match, "README has no notebook snippet"
    code = match.group(1)
    assert re.findall(r"^(?:import|from) (\S+)", code, re.M) == ["sim"]  # only ``import sim``
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {})  # noqa: S102 - our own documentation
    assert any(tmp_path.rglob("manifest.json"))
