"""Chinese throughout: labels of every parameter and outcome, scenario descriptions,
paper titles for the seed files, and a ``--lang zh`` report with no English left in
descriptions, parameter names or axis titles."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sim.experiments.inputs.scenarios import ScenarioError, list_scenarios, load_scenario
from sim.model.outcomes import OUTCOME_NAMES
from sim.model.parameters import SPECS
from sim.reporting import experiment_folder, i18n, report, sources

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
CJK = re.compile(r"[\u4e00-\u9fff]")
WORD = re.compile(r"[A-Za-z]{3,}")


def test_every_parameter_has_a_chinese_label():
    missing = [name for name in SPECS if not CJK.search(i18n.parameter_label(name, "zh"))]
    assert missing == [], f"add to sim/reporting/parameter_labels.py: {missing}"
    assert i18n.parameter_label("review_capacity", "en") == "review_capacity"


def test_every_outcome_has_a_chinese_label_and_unit():
    for name in OUTCOME_NAMES:
        assert CJK.search(i18n.outcome_label(name, "zh")), name
        assert not WORD.search(i18n.outcome_unit(name, "zh")), name


def test_every_shipped_scenario_has_a_chinese_description():
    for scenario in list_scenarios():
        assert CJK.search(scenario.description_zh), scenario.name
        assert i18n.scenario_description(scenario, "zh") == scenario.description_zh
        assert i18n.scenario_description(scenario, "en") == scenario.description


def test_description_zh_is_inherited_only_with_the_description(tmp_path):
    same = tmp_path / "same.yaml"
    same.write_text("extends: centralized\nsource: mine\nparameters: {review_capacity: 2}\n")
    assert load_scenario(same).description_zh == load_scenario("centralized").description_zh
    own = tmp_path / "own.yaml"
    own.write_text("extends: centralized\ndescription: Mine.\nsource: mine\n")
    assert load_scenario(own).description_zh == ""
    bad = tmp_path / "bad.yaml"
    bad.write_text("description: x\ndescription_zh: ''\nsource: y\n")
    with pytest.raises(ScenarioError, match="description_zh"):
        load_scenario(bad)


def test_sources_show_paper_titles():
    text = "[001] 001_11eac7f4ad8ff51f.txt (unified planning)"
    title = "《我国电子政务组织管理体系的构想》"
    assert i18n.source_text(text, "zh") == f"[001] {title} (unified planning)"
    assert "organization and management system" in i18n.source_text(text, "en")
    if SEEDS.is_dir():
        files = sorted(p.name for p in SEEDS.glob("*.txt"))
        assert files and set(files) <= set(sources.SEED_TITLES)
        first = (SEEDS / "001_11eac7f4ad8ff51f.txt").read_text(encoding="utf-8").splitlines()[0]
        assert first.strip() in sources.seed_title("001_11eac7f4ad8ff51f.txt", "zh")


@pytest.fixture(scope="module")
def zh_folder(tmp_path_factory):
    small = {"n_departments": 6, "months": 12}
    scenarios = [
        load_scenario(n).with_overrides(name=n, **small) for n in ("dispersed", "centralized")
    ]
    out = tmp_path_factory.mktemp("zh") / "res"
    experiment_folder.run_experiment(
        scenarios,
        replications=2,
        root_seed=5,
        workers=1,
        progress=False,
        out_dir=out,
        lang="zh",
        formats=(),
    )
    return out


def _axis_titles(fig) -> list[str]:
    layout = fig.to_plotly_json()["layout"]
    return [
        v["title"]["text"]
        for k, v in layout.items()
        if k.startswith(("xaxis", "yaxis")) and v.get("title", {}).get("text")
    ]


def test_chinese_report_has_no_english_left(zh_folder):
    page = (zh_folder / "report_zh.html").read_text(encoding="utf-8")
    for scenario in (load_scenario("dispersed"), load_scenario("centralized")):
        assert scenario.description_zh in page
        assert scenario.description[:40] not in page  # the English description is gone
    assert not re.search(r"\d{3}_[0-9a-f]{16}\.txt", page)  # titles, not hashed file names
    assert "《我国电子政务组织管理体系的构想》" in page
    # the changed-parameter table names parameters in Chinese, not by code name
    assert "审核叫停的权威" in page and ">review_authority<" not in page
    # every axis title of every chart is Chinese "quantity (unit)" with no English word
    figures = report.report_figures(report.load_results(zh_folder), lang="zh")
    titles = [t for fig in figures.values() for t in _axis_titles(fig)]
    assert titles
    for title in titles:
        assert CJK.search(title) and not WORD.search(title), title
    assert "冗余公共系统（个）" in titles and "数据共享率（比例）" in titles


def test_share_intervals_stay_in_unit_interval(zh_folder):
    import pandas as pd

    summary = pd.read_csv(zh_folder / "summary.csv")
    shares = summary[summary["interval"] == "logit"]
    assert not shares.empty
    assert (shares["ci_low"].dropna() >= 0).all() and (shares["ci_high"].dropna() <= 1).all()
