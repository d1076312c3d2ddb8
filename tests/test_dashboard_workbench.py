"""The dashboard as a workbench: the command line's numbers, files the CLI runs, every parameter.

No browser here (see tests/test_dashboard.py for the page itself).
"""

from __future__ import annotations

import base64

import pandas as pd
import pytest

from sim.analysis.comparison import compare
from sim.dashboard import controls, design_files, requests
from sim.dashboard.app import results_zip, sweep_figure
from sim.dashboard.jobs import Job
from sim.dashboard.layout import field_names
from sim.experiments.inputs.scenarios import load_scenario
from sim.model.parameters import SPECS


def run_plan(plan: requests.Plan, bases=()) -> Job:
    job = Job(plan.scenarios, plan.replications, batch=plan.batch, bases=tuple(bases))
    job.run()
    assert job.error is None and job.result is not None
    return job


def test_the_dashboard_gives_the_numbers_of_compare_for_the_same_settings(tmp_path):
    designs = [
        {"base": "dispersed"},
        {"base": "centralized", "values": {"review_authority": 0.3, "unified_budget": 0.2}},
    ]
    world = {"top_leader_attention": 0.6}
    plan = requests.check_run(designs, world, 6, 36)
    assert plan.batch == 6  # batched as run.py compare batches a city
    job = run_plan(plan, ["dispersed", "centralized"])
    # the designs saved as scenario files, run as `run.py compare FILE FILE -r 6` runs them
    paths = []
    for scenario, base in zip(plan.scenarios, ["dispersed", "centralized"], strict=True):
        path = tmp_path / design_files.file_name(scenario)
        path.write_text(design_files.scenario_text(scenario, base), encoding="utf-8")
        paths.append(path)
    cli = compare(paths, replications=6, workers=1, progress=False)
    assert [s.name for s in cli.scenarios] == ["dispersed-edited", "centralized-edited"]
    assert cli.batch == job.result.batch == 6
    pd.testing.assert_frame_equal(job.result.frame, cli.frame)
    pd.testing.assert_frame_equal(job.result.paired, cli.paired)
    pd.testing.assert_frame_equal(job.result.summary, cli.summary)


def test_unchanged_designs_keep_their_names_and_give_compare_s_numbers():
    plan = requests.check_run([{"base": "dispersed"}, {"base": "centralized"}], {}, 4, 24)
    job = run_plan(plan)
    cli = compare(
        [load_scenario(n).with_overrides(name=n, months=24) for n in ("dispersed", "centralized")],
        replications=4,
        workers=1,
        progress=False,
    )
    assert [s.name for s in plan.scenarios] == ["dispersed", "centralized"]
    pd.testing.assert_frame_equal(job.result.paired, cli.paired)


def test_a_saved_design_loads_back_as_the_same_design():
    plan = requests.check_run(
        [
            {"base": "dispersed"},
            {"base": "centralized", "values": {"review_capacity": 9.0}, "name": "My design!"},
        ],
        {},
        2,
        48,
    )
    scenario = plan.scenarios[1]
    assert scenario.name == "my_design"
    text = design_files.scenario_text(scenario, "centralized")
    assert "extends: centralized" in text and "review_capacity: 9.0" in text
    contents = "data:application/x-yaml;base64," + base64.b64encode(text.encode()).decode()
    base, values, name, notes = design_files.load_design(contents, "my_design.yaml")
    assert (base, name, notes) == ("centralized", "my_design", [])
    assert values == {"review_capacity": 9.0}


def test_a_scenario_file_of_the_project_loads_as_its_design():
    text = load_scenario("low_attention_leader").path.read_text(encoding="utf-8")
    contents = "data:;base64," + base64.b64encode(text.encode()).decode()
    base, values, name, _ = design_files.load_design(contents, "low_attention_leader.yaml")
    expected = load_scenario("low_attention_leader").parameters
    for key, value in values.items():
        assert getattr(expected, key) == value
    assert name == "low_attention_leader" and values


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("extends: ../../../x/y.yaml\ndescription: x\n", "never a path"),
        ("extends: /etc/passwd\n", "never a path"),
        ("extends: national_dispersed\n", "not one of the dashboard's designs"),
        ("description: x\nsource: y\nparameters:\n  review_authority: 5\n", "out of range"),
        ("extends: centralized\nparameters: [1, 2\n", "Scenario file"),
    ],
)
def test_a_bad_uploaded_file_is_refused_with_a_message(text, expected):
    contents = "data:;base64," + base64.b64encode(text.encode()).decode()
    with pytest.raises(requests.REQUEST_ERRORS, match=None) as info:
        design_files.load_design(contents, "../../evil.yaml")
    assert expected in requests.message_of(info.value)


def test_every_lever_and_uncertainty_has_a_field_with_an_english_label():
    declared = {n for n, s in SPECS.items() if s.group in ("lever", "uncertainty")}
    assert set(field_names()) == declared and len(field_names()) == len(declared)
    for name in declared:
        label = controls.label(name)
        assert "_" not in label and label != name and label[0].isupper()
        assert controls.hint(name).startswith(SPECS[name].description)
        assert controls.label(name, "zh") != name
    assert {controls.field(n).theme for n in declared} >= {"review", "costs", "sharing"}


def test_the_search_finds_parameters_by_words_of_their_description():
    hits = [n for n in field_names() if controls.matches(n, "stop a duplicate")]
    assert hits == ["review_authority"]
    assert controls.matches("leader_tenure_months", "tenure") and controls.matches(
        "top_leader_attention", "领导"
    )
    assert all(controls.matches(n, "") for n in field_names())


def test_edited_designs_get_new_names_never_a_known_one():
    names = requests.design_names(
        ["centralized", "centralized", "dispersed", "dispersed"],
        [True, True, False, True],
        [None, None, None, "Dispersed"],
    )
    assert names == ["centralized-edited", "centralized-edited-2", "dispersed", "dispersed-edited"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("review_authority", 0.8, 0.2, 5), "'from' must be below 'to'"),
        (("review_authority", 0.0, 2.0, 5), "2 is out of range"),
        (("review_authority", 0.0, 1.0, 500), "Sweep points: 500 is out of range"),
        (("n_departments", 10, 20, 3), "sets the layout"),
        (("../x", 0, 1, 3), "is not a model parameter"),
        (("review_authority", None, 1.0, 3), "enter a number"),
    ],
)
def test_a_bad_sweep_is_refused(args, expected):
    with pytest.raises(requests.REQUEST_ERRORS) as info:
        requests.check_sweep({"base": "centralized"}, {}, *args, 3, 24)
    assert expected in requests.message_of(info.value)


def test_a_one_parameter_sweep_runs_and_draws_its_points():
    plan, x = requests.check_sweep(
        {"base": "centralized"}, {}, "technical_center_capacity", 0, 4, 3, 3, 24
    )
    assert x == [0.0, 2.0, 4.0]
    assert [s.parameters.technical_center_capacity for s in plan.scenarios] == [0, 2, 4]
    job = run_plan(plan)
    job.x, job.parameter, job.design = tuple(x), "technical_center_capacity", "centralized"
    fig = sweep_figure(job, "platform_adoption_rate", "en")
    assert list(fig.data[1].x) == x and len(fig.data[1].y) == 3
    assert fig.layout.xaxis.title.text.startswith("Technical center capacity")


def test_the_download_holds_figures_and_the_scenario_files_under_new_names(tmp_path):
    import io
    import zipfile

    plan = requests.check_run(
        [{"base": "dispersed"}, {"base": "centralized", "values": {"review_authority": 0.4}}],
        {},
        2,
        12,
    )
    job = run_plan(plan, ["dispersed", "centralized"])
    data = results_zip(job.result, "dashboard-x", bases=job.bases)
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    assert "dashboard-x/scenarios/centralized-edited.yaml" in names
    assert "dashboard-x/scenarios/dispersed.yaml" in names
    assert any(n.startswith("dashboard-x/figures/") and n.endswith(".png") for n in names) or (
        "dashboard-x/figures-not-written.txt" in names
    )
    archive.extractall(tmp_path)
    again = [load_scenario(tmp_path / n) for n in names if "/scenarios/" in n]
    by_name = {s.name: s for s in again}
    assert by_name["centralized-edited"].parameters == plan.scenarios[1].parameters
    assert by_name["dispersed"].parameters == plan.scenarios[0].parameters
