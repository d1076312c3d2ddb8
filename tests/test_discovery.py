"""Scenario discovery: the discovery file, paired sweeps, PRIM on planted regions, the command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.analysis import discovery as analysis
from sim.experiments.discovery.files import DiscoveryError, load_discovery
from sim.experiments.discovery.runner import run_discovery
from sim.model.parameters import SPECS

ROOT = Path(__file__).resolve().parent.parent

SMALL = """\
description: a small discovery
designs: [dispersed, centralized]
parameters: {n_departments: 10}
months: 36
uncertainties:
  annual_budget: plausible
  platform_cost_multiple: {low: 1.0, high: 20.0}
samples: 12
replications: 2
root_seed: 5
"""


def write(tmp_path: Path, text: str, name: str = "disc.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------ the file


def test_the_shipped_discovery_file_is_valid_and_samples_plausible_ranges():
    discovery = load_discovery("centralized_vs_dispersed")
    assert discovery.designs == ("dispersed", "centralized")
    assert discovery.outcomes[0] == "cost_per_service_month"
    for sweep in discovery.sweeps.values():
        for p in sweep.swept:
            assert (p.low, p.high) == SPECS[p.name].plausible_range, p.name


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("designs: [dispersed, centralized]", "designs: [dispersed]"), "lists 1 design,"),
        (
            ("designs: [dispersed, centralized]", "designs: [dispersed, centralised]"),
            "the design 'centralised' cannot be used",
        ),
        (("samples: 12", "samples: 1"), "'samples'"),
        (("annual_budget: plausible", "annual_budgt: plausible"), "annual_budget"),
        (("annual_budget: plausible", "annual_budget: {values: [1]}"), "needs low/high"),
        (("annual_budget: plausible", "annual_budget: {low: 9, high: 1}"), "smaller than"),
        (("root_seed: 5", "root_seed: 5\noutcomes: [duplication_rte]"), "duplication_rate"),
        (("root_seed: 5", "root_seed: 5\nmin_density: 1.5"), "min_density"),
        (("root_seed: 5", "root_seed: 5\nscenario: centralized"), "lists 'designs' instead"),
        (("samples: 12\n", ""), "required key 'samples'"),
    ],
)
def test_bad_discovery_files_name_the_file_line_and_key(tmp_path, change, expected):
    path = write(tmp_path, SMALL.replace(*change))
    with pytest.raises(DiscoveryError) as info:
        load_discovery(path)
    message = str(info.value)
    assert message.startswith(f"Discovery file {path}") or message.startswith("Discovery file")
    assert expected in message and "\n" not in message, message


def test_a_missing_file_lists_the_examples(tmp_path):
    with pytest.raises(DiscoveryError, match="centralized_vs_dispersed.yaml"):
        load_discovery(tmp_path / "nothing.yaml")


# ------------------------------------------------------------ PRIM finds what was planted


def test_prim_recovers_a_planted_region_and_scores_its_parameter_first():
    rng = np.random.default_rng(3)
    x = pd.DataFrame(rng.uniform(0, 1, size=(400, 4)), columns=["a", "b", "c", "d"])
    x["e"] = rng.integers(15, 81, size=400)  # an integer parameter, like n_departments
    worse = ((x["a"] > 0.6) & (x["b"] < 0.5)).to_numpy()
    ranges = {name: (0.0, 1.0) for name in "abcd"} | {"e": (15, 80)}
    found = analysis.prim_search(x.astype(float), worse, 0.9, 2, ranges)
    boxes, trajectories = found.boxes, found.trajectories
    first = boxes[boxes["box"] == 1].set_index("parameter")
    assert set(first.index) == {"a", "b"}
    assert first.loc["a", "low"] == pytest.approx(0.6, abs=0.08)
    assert first.loc["b", "high"] == pytest.approx(0.5, abs=0.08)
    # Unrestricted sides show the sampled range's end, not the extreme sample.
    assert first.loc["a", "high"] == 1.0 and first.loc["b", "low"] == 0.0
    assert first["meets_min_density"].all()
    assert first["density"].iloc[0] >= 0.9 and first["coverage"].iloc[0] >= 0.8
    assert trajectories["kept"].sum() == boxes["box"].nunique()
    scores = analysis.feature_scores(x, worse)
    assert set(scores.index[:2]) == {"a", "b"}
    leaves = analysis.cart_leaves(x, worse, 0.9)
    assert set(leaves["parameter"]) >= {"a", "b"}
    grid = analysis.regime_grid(x, worse, "a", "b", {"a": (0, 1), "b": (0, 1)})
    corner = grid[(grid["x_low"] >= 0.8) & (grid["y_high"] <= 0.2 + 1e-9)]
    assert corner["share_worse"].iloc[0] == 1.0
    assert grid[(grid["x_high"] <= 0.4 + 1e-9)]["share_worse"].max() == 0.0


def test_analyze_handles_integer_parameters_such_as_government_size():
    rng = np.random.default_rng(5)
    points = pd.DataFrame({"point": range(200), "a": rng.uniform(0, 1, 200)})
    points["n_departments"] = rng.integers(15, 81, size=200)
    runs = {}
    for design, shift in (("dispersed", 0.0), ("centralized", 1.0)):
        frame = points.loc[points.index.repeat(2)].assign(replication=[0, 1] * 200)
        worse_here = (frame["n_departments"] < 40) & (frame["a"] > 0.5)
        frame["cost_per_service_month"] = 1.0 + shift * np.where(worse_here, 0.5, -0.5)
        runs[design] = frame.reset_index(drop=True)
    found = analysis.analyze(
        runs,
        ("dispersed", "centralized"),
        ("a", "n_departments"),
        {"a": (0.0, 1.0), "n_departments": (15, 80)},
        ("cost_per_service_month",),
    )
    box = found.boxes[found.boxes["box"] == 1].set_index("parameter")
    assert 39 <= box.loc["n_departments", "high"] <= 48  # density >= 0.8 allows some slack
    assert 0.4 <= box.loc["a", "low"] <= 0.6


def test_no_box_when_the_design_is_worse_everywhere_or_nowhere():
    x = pd.DataFrame({"a": np.linspace(0, 1, 50)})
    for worse in (np.zeros(50, bool), np.ones(50, bool)):
        boxes = analysis.prim_search(x, worse, 0.8, 3).boxes
        assert boxes.empty


# ------------------------------------------------------------ pairing and the folder


def test_designs_run_the_same_points_with_the_same_seeds_and_resume(tmp_path):
    discovery = load_discovery(write(tmp_path, SMALL))
    out = tmp_path / "out"
    run = run_discovery(discovery, out, executor="serial", progress=False)
    assert run.ran == 2 * 12 * 2
    from sim.analysis.sweep_summary import summarize_sweep

    for folder in run.folders.values():
        summarize_sweep(folder)
    runs = analysis.read_runs(run.folders)
    a, b = runs["dispersed"], runs["centralized"]
    keys = ["point", "replication", "seed", "annual_budget", "platform_cost_multiple"]
    pd.testing.assert_frame_equal(
        a[keys].sort_values(keys[:2]).reset_index(drop=True),
        b[keys].sort_values(keys[:2]).reset_index(drop=True),
    )
    points = analysis.paired_points(
        runs, discovery.designs, discovery.parameter_names, ["cum_spending"]
    )
    merged = a.merge(b, on=["point", "replication"], suffixes=("_a", "_b"))
    by_hand = (merged["cum_spending_b"] - merged["cum_spending_a"]).groupby(merged["point"]).mean()
    assert np.allclose(points.set_index("point")["mean_difference"].sort_index(), by_hand)
    again = run_discovery(discovery, out, executor="serial", progress=False)
    assert again.ran == 0 and again.skipped == 48
    # Changing only what the analysis reads keeps the finished runs.
    edited = SMALL.replace("root_seed: 5", "root_seed: 5\nmin_density: 0.6\nboxes: 1")
    kept = run_discovery(
        load_discovery(write(tmp_path, "# a comment\n" + edited, "edited.yaml")),
        out,
        executor="serial",
        progress=False,
    )
    assert kept.ran == 0
    other = write(tmp_path, SMALL.replace("samples: 12", "samples: 13"), "other.yaml")
    with pytest.raises(DiscoveryError, match="different discovery"):
        run_discovery(load_discovery(other), out, executor="serial", progress=False)


@pytest.mark.slow
def test_discover_command_writes_the_tables_report_and_manifest(tmp_path):
    path = write(tmp_path, SMALL)
    out = tmp_path / "found"
    done = subprocess.run(
        [sys.executable, "run.py", "discover", str(path), "--out", str(out), "--workers", "1",
         "--quiet", "--lang", "zh"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "集中" not in done.stderr
    assert "劣于" in done.stdout and "Results:" in done.stdout
    for name in ("points.csv", "boxes.csv", "feature_scores.csv", "regimes.csv", "report_zh.html"):
        assert (out / name).is_file(), name
    page = (out / "report_zh.html").read_text("utf-8")
    assert page.count("plotly.js") >= 1 and "PRIM" in page and "lang='zh-CN'" in page
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["designs"] == ["dispersed", "centralized"]
    assert manifest["seeds"] and manifest["git"]
    points = pd.read_csv(out / "points.csv")
    assert set(points["outcome"]) == {
        "cost_per_service_month",
        "capability_coverage",
        "mean_months_to_service",
    }
    assert len(points) == 12 * 3
    summary = pd.read_csv(out / "summary.csv")
    assert len(summary) == 3 and "95% 置信区间" in done.stdout
    assert (summary["share_low"] <= summary["share_worse"]).all()
    assert (summary["share_worse"] <= summary["share_high"]).all()
    assert set(summary["prim"]) <= set(analysis.PRIM_RESULTS)
    trees = (out / "cart_trees.txt").read_text("utf-8")
    assert trees.count("# centralized against dispersed on ") == 3
    assert "CART" in page and "<pre" in page
    scores = pd.read_csv(out / "feature_scores.csv")
    assert {"noise_floor", "above_floor"} <= set(scores.columns)
    found_drivers = pd.read_csv(out / "drivers.csv")
    assert {"design", "outcome", "parameter", "index", "ci_low", "ci_high", "noise_floor",
            "above_floor", "seed_share"} <= set(found_drivers.columns)  # fmt: skip
    assert len(found_drivers) == 3 * found_drivers["parameter"].nunique()
    assert "驱动因素" in page
    assert "Drivers of the paired difference" in done.stdout
    helped = subprocess.run(
        [sys.executable, "run.py", "discover", "--help"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert "--quick" in helped.stdout and "80 points" in " ".join(helped.stdout.split())


def test_discover_command_refuses_a_bad_file_with_status_2(tmp_path):
    path = write(tmp_path, SMALL.replace("samples: 12", "samples: twelve"))
    done = subprocess.run(
        [sys.executable, "run.py", "discover", str(path), "--out", str(tmp_path / "o")],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "samples" in done.stderr
    assert not (tmp_path / "o").exists()


# ------------------------------------------------------------ quick, weak boxes, CART, noise floor


def test_quick_keeps_the_parameters_and_shrinks_points_and_replications():
    from sim.experiments.discovery.files import QUICK_REPLICATIONS, QUICK_SAMPLES
    from sim.experiments.discovery.runner import default_discovery_dir

    full = load_discovery("centralized_vs_dispersed")
    quick = load_discovery("centralized_vs_dispersed", quick=True)
    assert quick.quick and not full.quick
    assert quick.samples == min(full.samples, QUICK_SAMPLES) < full.samples
    # The shipped file runs 2 replications already (issue 27: the whole space, more worlds).
    assert quick.replications == min(full.replications, QUICK_REPLICATIONS) <= full.replications
    assert quick.samples * quick.replications < full.samples * full.replications
    assert quick.designs == full.designs and quick.outcomes == full.outcomes
    assert quick.root_seed == full.root_seed and quick.min_density == full.min_density
    for design in full.designs:
        a, b = full.sweeps[design], quick.sweeps[design]
        assert [(p.name, p.low, p.high) for p in a.swept] == [
            (p.name, p.low, p.high) for p in b.swept
        ]
        assert dict(a.fixed) == dict(b.fixed)
        assert b.replications == quick.replications
    assert quick.definition_hash != full.definition_hash  # never resumes the full runs
    assert default_discovery_dir(quick).name == default_discovery_dir(full).name + "-quick"
    assert f"samples: {quick.samples}" in quick.sweep_text(quick.designs[1])


def test_unstructured_worse_points_get_a_true_message_and_no_empty_chart():
    from sim.reporting import discovery_report

    rng = np.random.default_rng(11)
    points = pd.DataFrame({"point": range(300)})
    for name in ("a", "b", "c"):
        points[name] = rng.uniform(0, 1, 300)
    worse_here = rng.uniform(size=300) < 0.3  # worse at random: no region to find
    runs = {}
    for design, sign in (("dispersed", 0.0), ("centralized", 1.0)):
        frame = points.loc[points.index.repeat(2)].assign(replication=[0, 1] * 300)
        frame["cost_per_service_month"] = 1.0 + sign * np.where(
            worse_here[frame["point"]], 0.5, -0.5
        )
        frame["capability_coverage"] = 0.5  # the same in both: worse nowhere
        runs[design] = frame.reset_index(drop=True)
    found = analysis.analyze(
        runs,
        ("dispersed", "centralized"),
        ("a", "b", "c"),
        {name: (0.0, 1.0) for name in "abc"},
        ("cost_per_service_month", "capability_coverage"),
    )
    summary = found.summary.set_index("outcome")
    cost = summary.loc["cost_per_service_month"]
    assert cost["worse_points"] == worse_here.sum()
    assert cost["share_low"] < worse_here.mean() < cost["share_high"]
    assert cost["share_high"] - cost["share_low"] < 0.12
    assert cost["prim"] in ("no_region", "weak_boxes"), cost["prim"]
    assert cost["best_density"] < cost["min_density"]
    assert summary.loc["capability_coverage", "prim"] == "worse_nowhere"
    for lang in ("en", "zh"):
        note = discovery_report.prim_note(cost, lang)
        assert f"{cost['best_density']:.2f}" in note and "0.80" in note
        if cost["prim"] == "no_region":
            assert f"{cost['share_worse']:.0%}" in note
        assert "every point or at none" not in note
    assert "none of the points" in discovery_report.prim_note(
        summary.loc["capability_coverage"], "en"
    )
    figures = discovery_report.discovery_figures(found)
    # No trade-off chart without a kept box, no scores or maps where all is zero.
    if cost["prim"] == "no_region":
        assert "tradeoff_centralized_cost_per_service_month" not in figures
    assert not any(k.endswith("capability_coverage") for k in figures), list(figures)
    for figure in figures.values():
        assert any(_drawn(trace) for trace in figure.data)


def _drawn(trace) -> bool:
    """Whether a trace has data (x of a bar or line, z of a heatmap)."""
    values = getattr(trace, "z", None)
    if values is None:
        values = getattr(trace, "x", None)
    return values is not None and len(values) > 0


def test_cart_tree_text_is_seeded_and_names_the_planted_split():
    rng = np.random.default_rng(3)
    x = pd.DataFrame(rng.uniform(0, 1, size=(300, 4)), columns=["a", "b", "c", "d"])
    worse = ((x["a"] > 0.6) & (x["b"] < 0.5)).to_numpy()
    text = analysis.cart_tree(x, worse)
    assert text == analysis.cart_tree(x, worse)
    assert "a <= 0.6" in text or "a >  0.5" in text or "a >  0.6" in text, text
    assert "b <= 0.5" in text or "b <= 0.4" in text, text
    assert "class: worse" in text and "class: not worse" in text
    assert analysis.cart_tree(x, np.zeros(300, bool)) == ""


def test_feature_scores_mark_noise_parameters_below_the_floor():
    rng = np.random.default_rng(7)
    x = pd.DataFrame(rng.uniform(0, 1, size=(300, 6)), columns=list("abcdef"))
    worse = ((x["a"] > 0.6) & (x["b"] < 0.5)).to_numpy()
    scores = analysis.feature_scores(x, worse)
    assert list(scores.index[:2]) in (["a", "b"], ["b", "a"])
    assert scores.loc[["a", "b"], "above_floor"].all()
    assert not scores.loc[["c", "d", "e", "f"], "above_floor"].any()
    floor = scores["noise_floor"].iloc[0]
    assert 0 < floor < scores.loc["b", "score"]
    assert (scores["noise_floor"] == floor).all()
    pd.testing.assert_frame_equal(scores, analysis.feature_scores(x, worse))
    # With no signal at all, the parameters fall about the floor, not far above it.
    noise = analysis.feature_scores(x, rng.uniform(size=300) < 0.3)
    assert noise["above_floor"].sum() <= 2, noise
