"""Tests of the chart builders (sim.reporting.charts), the network frames and the translations.

Most figures are built from small synthetic tidy frames, so these tests do not
depend on the model's numbers; one test reads the network of a real run.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from sim.analysis import statistics
from sim.model import network
from sim.model.outcomes import OUTCOME_NAMES
from sim.reporting import charts, i18n, outcome_charts

SCENARIOS = ("dispersed", "centralized")
MONTHS = 6
REPS = 3


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    """Tidy time series: 2 scenarios x 3 replications x months 0..6."""
    rng = np.random.default_rng(0)
    rows = []
    for s, name in enumerate(SCENARIOS):
        for r in range(REPS):
            for m in range(MONTHS + 1):
                rows.append(
                    {
                        "scenario": name,
                        "replication": r,
                        "seed": 100 + r,
                        "month": m,
                        "n_redundant_common_systems": (3 - 2 * s) * m + rng.normal(),
                        "data_sharing_rate": min(1.0, 0.1 * m * (1 + s) + 0.01 * r),
                        "mean_months_to_service": 2.0 + m + s,
                    }
                )
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def runs(frame) -> pd.DataFrame:
    return frame[frame["month"] == MONTHS].reset_index(drop=True)


@pytest.fixture(scope="module")
def paired(runs) -> pd.DataFrame:
    outcomes = ["n_redundant_common_systems", "data_sharing_rate", "mean_months_to_service"]
    return statistics.paired_differences(runs, outcomes, "dispersed")


@pytest.fixture(scope="module")
def summary(runs) -> pd.DataFrame:
    outcomes = ["n_redundant_common_systems", "data_sharing_rate", "mean_months_to_service"]
    return statistics.summarize(runs, "scenario", outcomes)


def layout_text(fig) -> str:
    """Every text of a figure's layout (titles, axes, annotations), as JSON."""
    return json.dumps(fig.to_plotly_json()["layout"], ensure_ascii=False)


# ---------------------------------------------------------------- time series


def test_timeseries_has_band_and_line_per_scenario(frame):
    fig = charts.timeseries_figure(frame, "n_redundant_common_systems")
    assert len(fig.data) == 4
    bands = [t for t in fig.data if t.fill == "toself"]
    lines = [t for t in fig.data if t.fill != "toself"]
    assert [t.name for t in lines] == list(SCENARIOS)
    assert [t.name for t in bands] == [f"{s} 95% CI" for s in SCENARIOS]
    assert all(len(t.x) == 2 * (MONTHS + 1) for t in bands)  # up the high, down the low
    assert not any(t.showlegend for t in bands)
    # the line is the mean over replications, the band its t interval
    part = frame[(frame["scenario"] == "dispersed") & (frame["month"] == 4)]
    expected = statistics.mean_ci(part["n_redundant_common_systems"])
    assert lines[0].y[4] == pytest.approx(expected["mean"])
    assert bands[0].y[4] == pytest.approx(expected["ci_high"])
    assert "Redundant common systems" in fig.layout.title.text
    assert fig.layout.xaxis.title.text == "month"


def test_timeseries_single_replication_has_no_band(frame):
    fig = charts.timeseries_figure(frame[frame["replication"] == 0], "data_sharing_rate")
    assert [t.name for t in fig.data] == list(SCENARIOS)


def test_timeseries_in_chinese(frame):
    fig = charts.timeseries_figure(frame, "n_redundant_common_systems", lang="zh")
    text = layout_text(fig)
    assert "冗余公共系统" in text and "置信区间" in text
    assert fig.layout.xaxis.title.text == "月份"
    assert fig.layout.yaxis.title.text == "冗余公共系统（个）"
    assert [t.name for t in fig.data if t.fill == "toself"] == [
        f"{s} 95%置信区间" for s in SCENARIOS
    ]


def test_style_figure_font_includes_cjk(frame):
    fig = charts.timeseries_figure(frame, "data_sharing_rate")
    assert "Noto Sans CJK SC" in fig.layout.font.family
    assert fig.layout.template.layout.paper_bgcolor is not None  # plotly_white applied


# -------------------------------------------------------------- distributions


def test_distribution_one_box_per_outcome_and_scenario(runs):
    outcomes = ["n_redundant_common_systems", "data_sharing_rate", "mean_months_to_service"]
    fig = charts.distribution_figure(runs, outcomes)
    assert len(fig.data) == len(outcomes) * len(SCENARIOS)
    assert {t.type for t in fig.data} == {"box"}
    assert [t.name for t in fig.data[:2]] == list(SCENARIOS)
    assert all(t.boxpoints == "all" for t in fig.data)
    assert all(len(t.y) == REPS for t in fig.data)  # every run is a point
    titles = [a.text for a in fig.layout.annotations]
    assert titles == ["Redundant common systems", "Data sharing rate", "Months to service"]


def test_distribution_violin_and_chinese(runs):
    fig = charts.distribution_figure(
        runs, ["data_sharing_rate", "mean_months_to_service"], kind="violin", lang="zh"
    )
    assert {t.type for t in fig.data} == {"violin"}
    assert len(fig.data) == 4
    text = layout_text(fig)
    assert "数据共享率" in text and "服务交付时间" in text and "期末值" in text
    with pytest.raises(ValueError, match="box"):
        charts.distribution_figure(runs, "data_sharing_rate", kind="bar")


# ---------------------------------------------------------------- forest plot


def test_forest_plot_rows_and_standardized_effects(paired, summary):
    fig = charts.forest_figure(paired, summary)
    assert len(fig.data) == 1  # one compared scenario
    trace = fig.data[0]
    assert trace.name == "centralized − dispersed"
    assert list(trace.y) == ["Redundant common systems", "Data sharing rate", "Months to service"]
    row = paired[paired["outcome"] == "n_redundant_common_systems"].iloc[0]
    sds = summary[summary["outcome"] == "n_redundant_common_systems"].set_index("scenario")["sd"]
    pooled = math.sqrt((sds["dispersed"] ** 2 + sds["centralized"] ** 2) / 2)
    cap = outcome_charts.FOREST_CAP_SD

    def clip(v):
        return min(max(v, -cap), cap)

    x = clip(row["mean_difference"] / pooled)
    assert trace.x[0] == pytest.approx(x)
    assert trace.error_x.array[0] == pytest.approx(clip(row["ci_high"] / pooled) - x)
    assert trace.error_x.arrayminus[0] == pytest.approx(x - clip(row["ci_low"] / pooled))
    if abs(row["mean_difference"] / pooled) > cap:  # drawn at the edge, pointing out, noted
        assert trace.marker.symbol[0] in ("triangle-left", "triangle-right")
        assert "capped" in fig.layout.title.text
    # the difference in its own units is written at the right of each row
    assert len(fig.layout.annotations) == 3
    assert "[" in fig.layout.annotations[0].text and "systems" in fig.layout.annotations[0].text
    assert any(s.x0 == 0 and s.x1 == 0 for s in fig.layout.shapes)  # the line of no effect
    assert fig.layout.yaxis.autorange == "reversed"  # first outcome on top


def test_forest_plot_constant_outcome_and_chinese(paired, summary):
    # mean_months_to_service differs by exactly 1 in every run: no variation
    fig = charts.forest_figure(paired, summary, lang="zh")
    text = layout_text(fig)
    assert "效应" in text and "标准差" in text and "无变异" in text
    assert list(fig.data[0].y) == ["冗余公共系统", "数据共享率", "服务交付时间"]
    assert math.isnan(fig.data[0].x[2])  # cannot be standardized, so not drawn


def test_forest_plot_several_scenarios(runs):
    third = runs[runs["scenario"] == "centralized"].assign(scenario="third")
    third["data_sharing_rate"] += 0.2
    allruns = pd.concat([runs, third], ignore_index=True)
    paired = statistics.paired_differences(allruns, ["data_sharing_rate"], "dispersed")
    fig = charts.forest_figure(paired)  # one outcome, no summary: own units
    assert [t.name for t in fig.data] == ["centralized − dispersed", "third − dispersed"]
    assert fig.data[0].x[0] == pytest.approx(paired.iloc[0]["mean_difference"])
    assert "share" in fig.layout.xaxis.title.text


def test_differences_figure_is_the_forest_plot(paired, summary):
    fig = charts.differences_figure(paired, summary=summary)
    assert len(fig.data) == 1 and len(fig.layout.annotations) == 3


# --------------------------------------------------------------------- sweeps


@pytest.fixture(scope="module")
def sweep() -> pd.DataFrame:
    """One row per run of a 3 x 2 grid, 4 runs per point."""
    rng = np.random.default_rng(1)
    rows = [
        {
            "review_capacity": x,
            "review_authority": y,
            "replication": r,
            "duplication_rate": 0.5 - 0.01 * x * y + rng.normal(0, 0.01),
        }
        for x in (5, 10, 30)
        for y in (0.2, 0.8)
        for r in range(4)
    ]
    return pd.DataFrame(rows)


def test_sweep_line_mean_and_band(sweep):
    fig = charts.sweep_line_figure(sweep, "review_capacity", "duplication_rate")
    assert len(fig.data) == 2
    band, line = fig.data
    assert band.fill == "toself" and line.mode == "lines+markers"
    assert list(line.x) == [5, 10, 30]
    expected = sweep[sweep["review_capacity"] == 10]["duplication_rate"].mean()
    assert line.y[1] == pytest.approx(expected)
    assert fig.layout.xaxis.title.text == "review_capacity (proposals per month per government)"
    assert fig.layout.yaxis.title.text == "Duplication rate (share)"
    assert "Duplication rate" in fig.layout.title.text


def test_sweep_line_grouped_in_chinese(sweep):
    fig = charts.sweep_line_figure(
        sweep, "review_capacity", "duplication_rate", group="review_authority", lang="zh"
    )
    assert len(fig.data) == 4  # a band and a line per group
    names = [t.name for t in fig.data if t.fill != "toself"]
    label = i18n.parameter_label("review_authority", "zh")
    assert names == [f"{label} = 0.2", f"{label} = 0.8"]  # a named legend
    assert all(t.mode == "lines" for t in fig.data if t.fill == "toself")  # no corner markers
    assert "重复建设率" in layout_text(fig)


def test_sweep_heatmap_means(sweep):
    fig = charts.sweep_heatmap_figure(
        sweep, "review_capacity", "review_authority", "duplication_rate", lang="zh"
    )
    assert len(fig.data) == 1 and fig.data[0].type == "heatmap"
    z = np.asarray(fig.data[0].z)
    assert z.shape == (2, 3)
    assert list(fig.data[0].x) == ["5", "10", "30"] and list(fig.data[0].y) == ["0.2", "0.8"]
    assert fig.layout.xaxis.type == "category" and fig.layout.yaxis.type == "category"
    cell = sweep[(sweep["review_capacity"] == 30) & (sweep["review_authority"] == 0.8)]
    assert z[1, 2] == pytest.approx(cell["duplication_rate"].mean())
    assert np.asarray(fig.data[0].customdata)[1, 2] == 4
    assert "重复建设率" in layout_text(fig)


# -------------------------------------------------------------------- network


def test_network_figure_from_tidy_frames():
    nodes = network.structure_nodes(1, 8)
    edges = network.edges_frame([(0, 3), (0, 4), (1, 5), (6, 7)], "centralized", 0)
    fig = charts.network_figure(nodes, edges, scenario="centralized")
    names = [t.name for t in fig.data]
    assert names == ["sharing link", "holds a base registry", "other department"]
    link = fig.data[0]
    assert list(link.x).count(None) == len(edges)  # one segment per link
    assert sum(len(t.x) for t in fig.data[1:]) == len(nodes)  # every department drawn
    assert "centralized" in fig.layout.title.text and "4 links" in fig.layout.title.text
    zh = charts.network_figure(nodes, edges, scenario="centralized", lang="zh")
    assert [t.name for t in zh.data] == ["共享关系", "掌握基础数据库的部门", "其他部门"]
    assert "数据共享网络" in layout_text(zh)


def test_network_of_a_multi_level_run_draws_one_government():
    """A national-style run: nodes come from its governments (of unequal sizes)."""
    from sim.experiments.inputs.scenarios import load_scenario
    from sim.model.governance import GovernanceModel

    scenario = load_scenario("three_provinces_centralized").with_overrides(months=24)
    model = GovernanceModel(parameters=scenario.parameters, rng=4)
    model.run()
    governments = network.governments_frame(model.structure, "x", 0)
    assert governments["departments"].nunique() > 1  # sizes vary
    nodes = network.government_nodes(governments)
    assert (nodes["jurisdiction"] == model.dept_jur).all()
    assert len(nodes) > charts.MAX_NETWORK_NODES
    edges = network.edges_frame(model.sharing_links, "x", 0)
    fig = charts.network_figure(nodes, edges, scenario="x")
    drawn = sum(len(t.x) for t in fig.data[1:])
    assert 0 < drawn <= charts.MAX_NETWORK_NODES
    assert f"of {model.n_jur:,}" in fig.layout.title.text


def test_network_figure_leaves_out_links_to_departments_not_drawn():
    nodes = network.structure_nodes(1, 4)
    edges = network.edges_frame([(0, 1), (2, 90_000)], "x", 0)
    fig = charts.network_figure(nodes, edges, scenario="x")
    assert list(fig.data[0].x).count(None) == 1
    assert sum(len(t.x) for t in fig.data[1:]) == 4


def test_network_frames_from_a_finished_model():
    from sim.experiments.inputs.scenarios import load_scenario
    from sim.model.governance import GovernanceModel

    scenario = load_scenario("centralized").with_overrides(months=24, n_departments=8)
    model = GovernanceModel(parameters=scenario.parameters, rng=3)
    model.run()
    nodes, edges = network.network_frames(model)
    assert len(nodes) == model.n_dept
    assert (nodes["department"] == np.arange(model.n_dept)).all()
    assert (nodes["jurisdiction"] == model.dept_jur).all()
    assert set(zip(edges["holder"], edges["requester"], strict=True)) == model.sharing_links
    assert list(edges.columns) == list(network.EDGE_COLUMNS)
    fig = charts.network_figure(nodes, edges)
    assert list(fig.data[0].x).count(None) == len(model.sharing_links)


# ---------------------------------------------------------------- translations


def test_every_outcome_has_chinese_texts():
    assert set(i18n.OUTCOMES_ZH) == set(OUTCOME_NAMES)
    for name in OUTCOME_NAMES:
        label, unit, description = i18n.OUTCOMES_ZH[name]
        assert label and unit and description
    assert i18n.outcome_label("data_sharing_rate", "zh") == "数据共享率"
    assert i18n.outcome_label("platform_adoption_rate", "zh") == "平台采用率"
    assert i18n.outcome_label("n_redundant_common_systems", "zh") == "冗余公共系统"
    assert i18n.label_with_unit("服务交付时间", "月", "zh") == "服务交付时间（月）"


def test_every_text_has_both_languages():
    for key, (en, zh) in i18n.TEXT.items():
        assert en and zh, key
        # Chinese uses no field English lacks (English may have more, e.g. a plural 's')
        assert set(_fields(zh)) <= set(_fields(en)), key
    with pytest.raises(ValueError, match="en, zh"):
        i18n.t("month", "fr")


def _fields(text: str) -> list[str]:
    import string

    return [f for _, f, _, _ in string.Formatter().parse(text) if f]


def test_network_figure_of_a_large_run_draws_only_its_busiest_government():
    from sim.reporting.network_chart import MAX_NETWORK_NODES, network_figure

    nodes = pd.DataFrame(
        {"department": range(2000), "jurisdiction": [d // 40 for d in range(2000)]}
    )
    edges = pd.DataFrame({"holder": [40, 41, 42, 0], "requester": [43, 44, 45, 1]})
    fig = network_figure(nodes, edges, scenario="big")
    drawn = sum(len(t.x) for t in fig.data if t.mode == "markers")
    assert drawn <= MAX_NETWORK_NODES
    assert "government 1" in fig.layout.title.text


def test_forest_plot_caps_a_huge_effect_and_keeps_the_others_readable(paired, summary):
    # one design without variation: the pooled SD is tiny, the effect huge
    summary = summary.copy()
    paired = paired.copy()
    mask = paired["outcome"] == "data_sharing_rate"
    paired.loc[mask, ["mean_difference", "ci_low", "ci_high"]] = [100.0, 90.0, 110.0]
    fig = charts.forest_figure(paired, summary)
    trace = fig.data[0]
    k = list(trace.y).index("Data sharing rate")
    assert trace.x[k] == outcome_charts.FOREST_CAP_SD
    assert trace.marker.symbol[k] == "triangle-right"
    assert max(abs(v) for v in trace.x) <= outcome_charts.FOREST_CAP_SD
    assert list(fig.layout.xaxis.range) == pytest.approx([-5.4, 5.4])
    assert "capped" in fig.layout.title.text and "100" in fig.layout.annotations[k].text


# --------------------------------------------------------------- readability


def test_box_plot_axes_give_the_unit_only_so_their_titles_fit(runs):
    outcomes = ["n_redundant_common_systems", "data_sharing_rate", "mean_months_to_service"]
    fig = charts.distribution_figure(runs, outcomes)
    titles = [fig.layout[f"yaxis{k if k > 1 else ''}"].title.text for k in (1, 2, 3)]
    assert titles == ["systems", "share", "months"]


def test_forest_plot_right_margin_holds_the_longest_written_difference(paired, summary):
    fig = charts.forest_figure(paired, summary)
    longest = max(len(a.text) for a in fig.layout.annotations)
    assert fig.layout.margin.r >= 7 * longest


def test_a_long_title_note_goes_under_the_title_and_gets_room():
    import plotly.graph_objects as go

    from sim.reporting.style import figure_title, style_figure

    short = figure_title("Title", "short note")
    assert "<br>" not in short["text"]
    long = figure_title("Title", "word " * 60)
    assert long["text"].count("<br>") >= 2
    fig = style_figure(go.Figure(layout={"title": long}))
    assert fig.layout.margin.t >= 70 + 17 * long["text"].count("<br>")


def test_count_means_get_no_negative_lower_bound():
    frame = pd.DataFrame(
        {"scenario": ["a"] * 4, "n_redundant_common_systems": [0.0, 0.0, 0.0, 3.0],
         "sharing_gap": [0.0, 0.1, 0.0, 0.2]}
    )  # fmt: skip
    out = statistics.summarize(frame, "scenario", ["n_redundant_common_systems"])
    row = out.iloc[0]
    assert row["ci_low"] == 0.0 and row["ci_high"] > row["mean"] > 0
    # a plain t interval would have gone below 0 here
    assert row["mean"] - (row["ci_high"] - row["mean"]) < 0


def test_heatmap_cells_take_the_labels_given_for_bins(sweep):
    x, y = "review_capacity", "review_authority"
    values = sorted(sweep[x].unique())
    labels = {x: {float(v): f"bin {i}" for i, v in enumerate(values)}}
    fig = charts.sweep_heatmap_figure(sweep, x, y, "duplication_rate", value_labels=labels)
    assert list(fig.data[0].x) == [f"bin {i}" for i in range(len(values))]
