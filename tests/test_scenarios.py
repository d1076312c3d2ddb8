"""Scenario loading: every shipped file loads; every bad input fails loudly and clearly."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from sim.experiments.inputs.scenarios import (
    SCENARIO_DIR,
    Scenario,
    ScenarioError,
    list_scenarios,
    load_scenario,
    scenario_names,
)
from sim.model.parameters import SPECS, make_parameters

EXPECTED = {
    "dispersed",
    "centralized",
    "leading_group_temporary_office",
    "dedicated_agency",
    "attached_to_line_department",
    "general_office",
    "gradual_reform",
    "specialized_committee",
    "understaffed_office",
    "high_leader_turnover",
    "fiscal_disparity",
    "low_attention_leader",
}

HEADER = 'description: "A test scenario."\nsource: "[001]"\n'


def write(folder: Path, name: str, body: str, header: bool = True) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text((HEADER if header else "") + textwrap.dedent(body), encoding="utf-8")
    return path


def error_of(path: Path | str) -> str:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    message = str(info.value)
    assert "\n" not in message.strip(), "the message must be one paragraph"
    return message


# ------------------------------------------------------------- shipped files


def test_all_expected_scenarios_exist():
    assert set(scenario_names()) >= EXPECTED


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_scenario_file_loads(name):
    scenario = load_scenario(name)
    assert isinstance(scenario, Scenario)
    assert scenario.name == name
    assert scenario.path == SCENARIO_DIR / f"{name}.yaml"
    assert scenario.description and scenario.source
    assert "[00" in scenario.source, "a scenario cites the seed it comes from"
    for key, value in scenario.overrides.items():
        assert getattr(scenario.parameters, key) == value


def test_list_scenarios_is_sorted_and_complete():
    scenarios = list_scenarios()
    names = [s.name for s in scenarios]
    assert names == sorted(names)
    assert set(names) >= EXPECTED


def test_dispersed_equals_the_defaults():
    assert load_scenario("dispersed").parameters == make_parameters()


def test_centralized_levers():
    p = load_scenario("centralized").parameters
    assert p.approval_bodies == 1
    assert p.review_coverage == 0.95
    assert p.technical_center_capacity == 3
    assert p.body_permanence == 0.8


def test_gradual_reform_switches_to_the_centralized_levers():
    reform = load_scenario("gradual_reform")
    centralized = load_scenario("centralized")
    assert reform.parameters == load_scenario("dispersed").parameters
    assert [month for month, _ in reform.policy_changes] == [48]
    _, change = reform.policy_changes[0]
    levers = {k: v for k, v in centralized.overrides.items() if SPECS[k].group == "lever"}
    assert change == levers, "gradual_reform.yaml drifted from centralized.yaml"
    assert reform.parameters_at(47) == reform.parameters
    assert reform.parameters_at(48) == centralized.parameters


def test_bare_name_and_path_give_the_same_scenario():
    assert load_scenario("centralized") == load_scenario(SCENARIO_DIR / "centralized.yaml")
    assert load_scenario("centralized") == load_scenario(str(SCENARIO_DIR / "centralized.yaml"))


def test_manifest_is_plain_data():
    import json

    manifest = load_scenario("gradual_reform").manifest()
    assert json.loads(json.dumps(manifest)) == manifest
    assert manifest["policy_changes"][0]["month"] == 48


# ------------------------------------------------------------------- extends


def test_extends_child_overrides_parent_and_keeps_the_rest(tmp_path):
    write(tmp_path, "parent", "parameters:\n  review_coverage: 0.5\n  audit_rate: 0.2\n")
    child = write(
        tmp_path,
        "child",
        "extends: parent\nparameters:\n  review_coverage: 0.9\n",
        header=False,
    )
    scenario = load_scenario(child)
    assert scenario.parameters.review_coverage == 0.9  # child wins
    assert scenario.parameters.audit_rate == 0.2  # parent kept
    assert scenario.description == "A test scenario."  # inherited
    assert scenario.overrides == {"review_coverage": 0.9, "audit_rate": 0.2}


def test_extends_falls_back_to_the_shipped_scenarios(tmp_path):
    child = write(tmp_path, "child", "extends: centralized\nparameters:\n  audit_rate: 0.5\n")
    scenario = load_scenario(child)
    assert scenario.parameters.approval_bodies == 1
    assert scenario.parameters.audit_rate == 0.5


def test_child_policy_changes_replace_the_parents(tmp_path):
    write(tmp_path, "parent", "policy_changes:\n  - month: 10\n    parameters: {audit_rate: 0.5}\n")
    write(tmp_path, "keeps", "extends: parent\n", header=False)
    write(
        tmp_path,
        "replaces",
        "extends: parent\npolicy_changes:\n  - month: 20\n    parameters: {audit_rate: 0.7}\n",
        header=False,
    )
    assert load_scenario(tmp_path / "keeps.yaml").policy_changes == ((10, {"audit_rate": 0.5}),)
    assert load_scenario(tmp_path / "replaces.yaml").policy_changes == ((20, {"audit_rate": 0.7}),)


def test_extends_cycle(tmp_path):
    write(tmp_path, "a", "extends: b\n")
    write(tmp_path, "b", "extends: a\n")
    message = error_of(tmp_path / "a.yaml")
    assert "cycle" in message
    assert "a.yaml" in message and "b.yaml" in message


def test_extends_itself(tmp_path):
    message = error_of(write(tmp_path, "selfish", "extends: selfish\n"))
    assert "cycle" in message and "selfish.yaml" in message


def test_extends_unknown_scenario(tmp_path):
    message = error_of(write(tmp_path, "orphan", "extends: centralised\n"))
    assert "orphan.yaml" in message and "extends" in message
    assert "centralized" in message  # did you mean / available list


def test_missing_description_without_parent(tmp_path):
    path = tmp_path / "bare.yaml"
    path.write_text("source: '[001]'\n", encoding="utf-8")
    message = error_of(path)
    assert "bare.yaml" in message and "description" in message


# ------------------------------------------------------------------ bad input


def test_unknown_top_level_key(tmp_path):
    message = error_of(write(tmp_path, "bad", "paramters:\n  review_coverage: 0.5\n"))
    assert "bad.yaml" in message and "paramters" in message
    assert "'parameters'" in message  # did you mean
    assert "line 3" in message


def test_unknown_parameter_suggests_the_close_name(tmp_path):
    message = error_of(write(tmp_path, "typo", "parameters:\n  review_coverag: 0.5\n"))
    assert "typo.yaml" in message and "review_coverag" in message
    assert "Did you mean 'review_coverage'" in message
    assert "run.py list --parameters" in message


@pytest.mark.parametrize(
    ("key", "value", "hint"),
    [
        ("review_coverage", '"0.3"', "Remove the quotes"),
        ("n_departments", "4.5", "whole number"),
        ("n_departments", "40.0", "without a decimal point"),
        ("review_coverage", "true", "yes/no"),
        ("n_departments", "yes", "yes/no"),
        ("review_coverage", "[0.1]", "a list"),
    ],
)
def test_wrong_type(tmp_path, key, value, hint):
    message = error_of(write(tmp_path, "wrongtype", f"parameters:\n  {key}: {value}\n"))
    assert "wrongtype.yaml" in message and key in message
    assert hint in message
    assert "line 4" in message


@pytest.mark.parametrize(
    ("key", "value", "allowed"),
    [
        ("review_coverage", "1.5", "from 0.0 to 1.0"),
        ("review_coverage", "-0.1", "from 0.0 to 1.0"),
        ("approval_bodies", "0", "from 1 to 6"),
        ("review_capacity", ".inf", "from 0.0 to 1000.0"),
        ("review_coverage", ".nan", "from 0.0 to 1.0"),
    ],
)
def test_out_of_range(tmp_path, key, value, allowed):
    message = error_of(write(tmp_path, "range", f"parameters:\n  {key}: {value}\n"))
    assert "range.yaml" in message and key in message
    assert allowed in message
    assert SPECS[key].unit in message


def test_duplicate_top_level_key(tmp_path):
    message = error_of(write(tmp_path, "dup", "parameters: {}\nparameters: {}\n"))
    assert "dup.yaml" in message and "'parameters'" in message
    assert "twice" in message and "line 4" in message and "line 3" in message


def test_duplicate_parameter_key(tmp_path):
    body = "parameters:\n  review_coverage: 0.5\n  review_coverage: 0.7\n"
    message = error_of(write(tmp_path, "dup", body))
    assert "dup.yaml" in message and "review_coverage" in message and "twice" in message


def test_duplicate_key_inside_a_policy_change(tmp_path):
    body = """\
        policy_changes:
          - month: 3
            parameters:
              audit_rate: 0.5
              audit_rate: 0.6
        """
    message = error_of(write(tmp_path, "dup", body))
    assert "dup.yaml" in message and "audit_rate" in message and "twice" in message


def test_malformed_yaml_reports_line_and_column(tmp_path):
    body = "parameters:\n  review_coverage: 0.5\n   audit_rate: [0.2\n"
    message = error_of(write(tmp_path, "broken", body))
    assert "broken.yaml" in message and "not valid YAML" in message
    assert "line" in message and "column" in message


def test_missing_file_lists_available_names():
    message = error_of("no_such_scenario")
    assert "no_such_scenario" in message
    assert "centralized" in message and "dispersed" in message


def test_missing_path_lists_available_names(tmp_path):
    message = error_of(tmp_path / "nowhere.yaml")
    assert "nowhere.yaml" in message and "centralized" in message


def test_misspelled_name_suggests_the_close_one():
    assert "Did you mean 'centralized'" in error_of("centralised")


def test_wrong_suffix(tmp_path):
    path = tmp_path / "scenario.json"
    path.write_text("{}", encoding="utf-8")
    assert ".yaml" in error_of(path)


@pytest.mark.parametrize("body", ["- a\n- b\n", "just text\n", "42\n"])
def test_top_level_must_be_a_mapping(tmp_path, body):
    message = error_of(write(tmp_path, "notmap", body, header=False))
    assert "notmap.yaml" in message and "mapping" in message


def test_empty_file(tmp_path):
    message = error_of(write(tmp_path, "empty", "", header=False))
    assert "empty.yaml" in message and "empty" in message


def test_description_must_be_text(tmp_path):
    path = tmp_path / "desc.yaml"
    path.write_text("description: 3\nsource: '[001]'\n", encoding="utf-8")
    message = error_of(path)
    assert "desc.yaml" in message and "description" in message


def test_parameters_must_be_a_mapping(tmp_path):
    message = error_of(write(tmp_path, "plist", "parameters:\n  - review_coverage\n"))
    assert "plist.yaml" in message and "parameters" in message and "mapping" in message


def test_empty_parameters_is_allowed(tmp_path):
    scenario = load_scenario(write(tmp_path, "blank", "parameters:\n"))
    assert scenario.parameters == make_parameters()


# ------------------------------------------------------------ policy changes


def test_policy_change_with_unknown_entry_key(tmp_path):
    body = "policy_changes:\n  - month: 12\n    parameter: {audit_rate: 0.5}\n"
    message = error_of(write(tmp_path, "pc", body))
    assert "pc.yaml" in message and "'parameter'" in message
    assert "Did you mean 'parameters'" in message


def test_policy_change_with_unknown_parameter(tmp_path):
    body = "policy_changes:\n  - month: 12\n    parameters: {audit_rat: 0.5}\n"
    message = error_of(write(tmp_path, "pc", body))
    assert "pc.yaml" in message and "audit_rat" in message and "month 12" in message
    assert "Did you mean 'audit_rate'" in message


def test_policy_change_out_of_range(tmp_path):
    body = "policy_changes:\n  - month: 12\n    parameters: {audit_rate: 2.0}\n"
    message = error_of(write(tmp_path, "pc", body))
    assert "pc.yaml" in message and "audit_rate" in message
    assert "from 0.0 to 1.0" in message


@pytest.mark.parametrize("month", ["-1", "1.5", '"12"', "true"])
def test_policy_change_month_must_be_a_whole_number(tmp_path, month):
    body = f"policy_changes:\n  - month: {month}\n    parameters: {{audit_rate: 0.5}}\n"
    message = error_of(write(tmp_path, "pc", body))
    assert "pc.yaml" in message and "month" in message and ">= 0" in message


def test_policy_change_missing_month(tmp_path):
    body = "policy_changes:\n  - parameters: {audit_rate: 0.5}\n"
    message = error_of(write(tmp_path, "pc", body))
    assert "pc.yaml" in message and "'month'" in message


def test_policy_change_beyond_the_horizon(tmp_path):
    body = "parameters: {months: 24}\npolicy_changes:\n  - month: 48\n    parameters: {}\n"
    message = error_of(write(tmp_path, "pc", body))
    assert "pc.yaml" in message and "month 48" in message and "months" in message


def test_policy_change_cannot_change_structure(tmp_path):
    body = "policy_changes:\n  - month: 12\n    parameters: {n_departments: 80}\n"
    message = error_of(write(tmp_path, "pc", body))
    assert "pc.yaml" in message and "n_departments" in message and "structure" in message


def test_policy_change_repeated_month(tmp_path):
    body = """\
        policy_changes:
          - month: 12
            parameters: {audit_rate: 0.5}
          - month: 12
            parameters: {evaluation_link: 0.5}
        """
    message = error_of(write(tmp_path, "pc", body))
    assert "pc.yaml" in message and "month 12" in message


def test_policy_changes_are_sorted_and_cumulative(tmp_path):
    body = """\
        policy_changes:
          - month: 24
            parameters: {evaluation_link: 0.5}
          - month: 12
            parameters: {audit_rate: 0.5}
        """
    scenario = load_scenario(write(tmp_path, "pc", body))
    assert [m for m, _ in scenario.policy_changes] == [12, 24]
    late = scenario.parameters_at(30)
    assert late.audit_rate == 0.5 and late.evaluation_link == 0.5
    assert scenario.parameters_at(12).evaluation_link == make_parameters().evaluation_link


# ------------------------------------------------------------ with_overrides


def test_with_overrides_revalidates():
    base = load_scenario("centralized")
    changed = base.with_overrides(n_departments=80)
    assert changed.parameters.n_departments == 80
    assert changed.overrides["n_departments"] == 80
    assert changed.parameters.approval_bodies == 1
    assert base.parameters.n_departments == 40  # the original is untouched
    with pytest.raises(ScenarioError, match="n_departments.*from 2 to 200000"):
        base.with_overrides(n_departments=1)
    with pytest.raises(ScenarioError, match="Did you mean 'n_departments'"):
        base.with_overrides(n_department=80)
    with pytest.raises(ScenarioError, match="centralized.yaml"):
        base.with_overrides(review_coverage="0.5")


def test_with_overrides_checks_policy_changes_again():
    reform = load_scenario("gradual_reform")
    assert reform.with_overrides(months=60).policy_changes == reform.policy_changes
    with pytest.raises(ScenarioError, match="month 48"):
        reform.with_overrides(months=36)


def test_list_scenarios_names_a_broken_file(tmp_path, monkeypatch):
    import sim.experiments.inputs.scenarios as scenarios

    write(tmp_path, "good", "parameters: {}\n")
    write(tmp_path, "rotten", "parameters:\n  nonsense: 1\n")
    monkeypatch.setattr(scenarios, "SCENARIO_DIR", tmp_path)
    with pytest.raises(ScenarioError, match="rotten.yaml"):
        scenarios.list_scenarios()


@pytest.mark.parametrize(
    ("written", "value"),
    [("1e-3", 0.001), ("017", 17), ("0o17", 15), ("0x1F", 31)],
)
def test_numbers_are_read_as_yaml_1_2(tmp_path, written, value):
    key = "review_coverage" if "e" in written else "review_capacity"
    path = write(tmp_path, "numbers", f"parameters:\n  {key}: {written}\n")
    if key == "review_coverage":
        assert load_scenario(path).parameters.review_coverage == value
    else:
        assert load_scenario(path).parameters.review_capacity == value


def test_yaml_1_1_sexagesimal_is_text(tmp_path):
    message = error_of(write(tmp_path, "sexa", "parameters:\n  review_capacity: 1:30\n"))
    assert '"1:30" (text)' in message and "YAML 1.2" in message


def test_every_uncertainty_and_structure_parameter_declares_a_plausible_range():
    for name, spec in SPECS.items():
        low, high = spec.plausible_range
        assert spec.low <= low < high <= spec.high, name
        assert type(low) is spec.type and type(high) is spec.type, name
        if spec.group != "lever":
            assert spec.plausible is not None and spec.plausible_reason.strip(), name
        # The default is a plausible value.
        assert low <= spec.default <= high, (name, spec.default, low, high)
