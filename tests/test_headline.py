"""Issue 27: one uncertainty set for every tool, and the headline of the main report."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.analysis import headline
from sim.experiments import space
from sim.experiments.discovery.files import DiscoveryError, load_discovery
from sim.model.parameters import SPECS

ROOT = Path(__file__).resolve().parent.parent

#: Every declared uncertainty and structure parameter, read here independently of space.py.
DECLARED = {n for n, s in SPECS.items() if s.group in ("uncertainty", "structure")}

BASE = """\
designs: [dispersed, centralized]
samples: 12
replications: 2
root_seed: 5
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "disc.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------ one uncertainty set


def test_a_discovery_file_without_uncertainties_samples_every_declared_parameter(tmp_path):
    discovery = load_discovery(write(tmp_path, BASE))
    assert discovery.whole_space
    assert set(discovery.parameter_names) == DECLARED
    for sweep in discovery.sweeps.values():
        for p in sweep.swept:
            assert (p.low, p.high) == SPECS[p.name].plausible_range, p.name
    assert discovery.held == ()


def test_fixed_parameters_leave_the_sample_and_are_held_with_their_reasons(tmp_path):
    text = BASE + (
        "fixed:\n"
        "  n_departments: {value: 12, reason: a small county on purpose}\n"
        "  platform_cost_multiple: {value: 3.0, reason: known from the tender documents}\n"
    )
    discovery = load_discovery(write(tmp_path, text))
    assert set(discovery.parameter_names) == DECLARED - {"n_departments", "platform_cost_multiple"}
    held = {name: (value, reason) for name, value, reason in discovery.held}
    assert held == {
        "n_departments": (12, "a small county on purpose"),
        "platform_cost_multiple": (3.0, "known from the tender documents"),
    }
    sweep = discovery.sweeps["centralized"]
    assert sweep.fixed["n_departments"] == 12 and sweep.fixed["platform_cost_multiple"] == 3.0


def test_the_shipped_discovery_explores_the_whole_space_less_the_city_layout():
    discovery = load_discovery("centralized_vs_dispersed")
    assert discovery.whole_space
    assert set(discovery.parameter_names) == DECLARED - set(space.CITY_FIXED)
    # The file's fixed section is the one the EMA adapter and where-it-loses use.
    assert {n: (v, r) for n, v, r in discovery.held} == {
        n: (f.value, f.reason) for n, f in space.CITY_FIXED.items()
    }


@pytest.mark.parametrize(
    ("fixed", "expected"),
    [
        ("  n_departments: {value: 12}\n", "lacks 'reason'"),
        ("  n_departments: {value: 12, reason: small}\n", "must say in words"),
        ("  n_departments: {value: 12, reason: a small county, why: x}\n", "'why'"),
        (
            "  n_departmets: {value: 12, reason: a small county here}\n",
            "Did you mean 'n_departments'",
        ),
        ("  review_capacity: {value: 2, reason: a small office here}\n", "is a lever"),
        ("  n_departments: {value: 1, reason: a tiny county here}\n", "'n_departments: value'"),
        ("  n_departments: 12\n", "must be a mapping with exactly 'value' and 'reason'"),
    ],
)
def test_a_bad_fixed_section_names_the_file_line_and_key(tmp_path, fixed, expected):
    path = write(tmp_path, BASE + "fixed:\n" + fixed)
    with pytest.raises(DiscoveryError) as caught:
        load_discovery(path)
    message = str(caught.value)
    assert str(path.name) in message and "line 6" in message, message
    assert expected in message, message


def test_a_parameter_both_fixed_and_sampled_is_refused(tmp_path):
    text = BASE + (
        "uncertainties: {annual_budget: plausible}\n"
        "fixed:\n  annual_budget: {value: 1.0, reason: known from the budget law}\n"
    )
    with pytest.raises(DiscoveryError, match="under 'fixed' and also under 'uncertainties'"):
        load_discovery(write(tmp_path, text))


def test_a_file_listing_some_uncertainties_reports_the_others_as_not_sampled(tmp_path):
    text = BASE + "parameters: {n_departments: 10}\nuncertainties: {annual_budget: plausible}\n"
    discovery = load_discovery(write(tmp_path, text))
    assert not discovery.whole_space and discovery.parameter_names == ("annual_budget",)
    held = {name: reason for name, _, reason in discovery.held}
    assert set(held) == DECLARED - {"annual_budget"}
    assert "without a reason" in held["n_departments"]
    assert "not listed under 'uncertainties'" in held["platform_cost_multiple"]


def test_the_discovery_report_lists_what_was_not_explored_and_why():
    from sim.reporting.discovery_report import held_table

    page = held_table([("n_jurisdictions", 1, "copies only narrow intervals")], 63)
    assert "n_jurisdictions" in page and "copies only narrow intervals" in page
    assert "1 of the 64" in page


def test_the_ema_adapter_explores_the_same_space_by_default():
    pytest.importorskip("ema_workbench")
    from sim.experiments.discovery import ema

    model = ema.ema_model(replications=2)
    names = {u.name for u in model.uncertainties}
    assert names == DECLARED - set(space.CITY_FIXED)
    for u in model.uncertainties:
        assert (u.lower_bound, u.upper_bound) == SPECS[u.name].plausible_range, u.name
    assert {n for n, _, _ in ema.not_explored(model)} == set(space.CITY_FIXED)


def test_where_it_loses_draws_its_conditions_from_the_declared_ranges():
    from sim.analysis.where_it_loses import CONDITIONS

    stressed: dict[str, set] = {}
    for condition in CONDITIONS[1:]:
        ((name, value),) = condition.values.items()
        stressed.setdefault(name, set()).add(value)
        assert value in SPECS[name].plausible_range, condition
        assert value != SPECS[name].default
    explored = DECLARED - set(space.CITY_FIXED)
    assert set(stressed) == {
        n for n in explored if set(SPECS[n].plausible_range) != {SPECS[n].default}
    }
    # and its sampled worlds come from the same space
    worlds = space.sample_worlds(20, seed=3)
    for name in explored:
        values = np.array([w[name] for w in worlds])
        low, high = SPECS[name].plausible_range
        assert values.min() >= low and values.max() <= high, name
        assert len(set(values)) > 1, name
    for name, fixed in space.CITY_FIXED.items():
        assert {w[name] for w in worlds} == {fixed.value}


# ------------------------------------------------------------ the headline


def _points(rng: np.random.Generator, n: int = 90) -> pd.DataFrame:
    """Synthetic paired points: centralized better on cost in small governments only."""
    low, high = SPECS["n_departments"].plausible_range
    size = rng.integers(low, high + 1, n)
    rows = []
    for outcome, sign in headline.WORSE.items():
        if outcome not in headline.HEADLINE:
            continue
        bad = 1.0 if sign == "higher" else -1.0
        small = headline.size_bands()[0][2]
        diff = np.where(size <= small, -bad, bad) * (1 + rng.random(n))
        rows.append(
            pd.DataFrame(
                {
                    "design": "centralized",
                    "outcome": outcome,
                    "point": np.arange(n),
                    "n_departments": size,
                    "mean_difference": diff,
                    "worse": bad * diff > 0,
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def test_shares_by_size_band_follow_the_points_with_wilson_intervals():
    bands = headline.size_bands()
    low, high = SPECS["n_departments"].plausible_range
    assert [b for b, _, _ in bands] == ["small", "middle", "large"]
    assert bands[0][1] == low and bands[-1][2] == high  # the thirds of the declared range
    assert all(bands[i][2] + 1 == bands[i + 1][1] for i in range(2))
    assert max(b[2] - b[1] for b in bands) - min(b[2] - b[1] for b in bands) <= 1
    points = _points(np.random.default_rng(1))
    shares = headline.space_shares(points, "centralized").set_index(["band", "outcome"])
    small = int(
        (points.drop_duplicates("point")["n_departments"] <= headline.size_bands()[0][2]).sum()
    )
    row = shares.loc[("all", "cost_per_service_month")]
    assert row["worlds"] == 90 and row["better"] == small
    assert row["better_low"] < row["share_better"] < row["better_high"]
    assert shares.loc[("small", "capability_coverage"), "share_better"] == 1.0
    assert shares.loc[("large", "mean_months_to_service"), "share_better"] == 0.0
    assert shares.loc[("middle", "capability_coverage"), "share_worse"] == 1.0


def _fake_discovery(folder: Path) -> Path:
    folder.mkdir()
    points = _points(np.random.default_rng(2))
    points.to_csv(folder / "points.csv", index=False)
    pd.DataFrame(
        {"design": "centralized", "outcome": "cost_per_service_month", "parameter":
         ["n_departments", "annual_budget"], "score": [0.4, 0.01], "noise_floor": 0.05,
         "above_floor": [True, False]}
    ).to_csv(folder / "feature_scores.csv", index=False)  # fmt: skip
    pd.DataFrame(
        {"design": "centralized", "outcome": "cost_per_service_month", "box": 1,
         "coverage": 0.9, "density": 0.95, "mass": 0.6, "parameter": ["n_departments"],
         "low": [37.0], "high": [80.0]}
    ).to_csv(folder / "boxes.csv", index=False)  # fmt: skip
    pd.DataFrame(
        {"design": "centralized", "outcome": list(headline.HEADLINE), "prim": "boxes"}
    ).to_csv(folder / "summary.csv", index=False)
    manifest = {"samples": 90, "replications": 2, "root_seed": 5, "sampled": ["n_departments"],
                "discovery_file": "fake.yaml",
                "not_explored": [{"parameter": "n_jurisdictions", "value": 1,
                                  "reason": "copies only narrow intervals"}]}  # fmt: skip
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def test_the_main_report_has_the_headline_with_shares_intervals_drivers_and_boxes(tmp_path):
    space_dir = _fake_discovery(tmp_path / "disc")
    out = tmp_path / "main"
    result = subprocess.run(
        [sys.executable, "run.py", "compare", "dispersed", "centralized", "-r", "2",
         "--months", "12", "--departments", "10", "--formats", "none", "--quiet",
         "--space-from", str(space_dir), "--out", str(out)],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "centralized better on cost per service month in" in result.stdout
    assert "not a probability" in result.stdout
    shares = pd.read_csv(out / "headline.csv")
    assert set(shares["band"]) == {"all", "small", "middle", "large"}
    page = (out / "report.html").read_text(encoding="utf-8")
    section = page[page.index("id='headline'") : page.index("id='run'")]
    all_cost = shares[(shares["band"] == "all") & (shares["outcome"] == "cost_per_service_month")]
    first = all_cost.iloc[0]
    assert (
        f"{first['share_better']:.0%} [{first['better_low']:.0%}–{first['better_high']:.0%}]"
        in section
    )
    (_, s_low, s_high), _, (_, l_low, l_high) = headline.size_bands()
    for text in (f"small ({s_low}–{s_high})", f"large ({l_low}–{l_high})", "not a probability",
                 "n_departments 0.40",
                 "density 0.95", "copies only narrow intervals", str(space_dir)):  # fmt: skip
        assert text in section, text
    assert "annual_budget" not in section  # below the noise floor: not a driver
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["headline"]["kind"] == "read from a discovery folder"
    assert "headline.json" in manifest["files"]


def test_a_comparison_without_the_space_says_how_to_get_the_headline(tmp_path):
    from sim.reporting.headline_section import headline_section

    text = headline_section(None, ["dispersed", "centralized"])
    assert "--space N" in text and "--space-from DIR" in text


def test_the_main_job_explores_the_space_by_default():
    from sim.cli.main import MAIN_JOB_SPACE, _with_default_command

    assert _with_default_command([]) == [
        "compare", "dispersed", "centralized", "--space", str(MAIN_JOB_SPACE)
    ]  # fmt: skip
    assert "--space" not in _with_default_command(["compare", "dispersed", "centralized"])
    assert _with_default_command(["--space", "0"]).count("--space") == 1


def test_worlds_sampled_from_the_city_space_are_valid_governments():
    """A structure parameter declared later must be fixed or explorable (issue 28's townships)."""
    from sim.experiments.inputs.scenarios import load_scenario

    for world in space.sample_worlds(30, seed=11):
        for design in ("dispersed", "centralized"):
            load_scenario(design).with_overrides(name=design, **world)  # raises if invalid


def test_headline_drivers_are_the_sensitivity_above_its_floor_with_intervals():
    sensitivity = pd.DataFrame(
        {
            "design": ["centralized"] * 3,
            "outcome": ["cost_per_service_month"] * 3,
            "parameter": ["annual_budget", "system_cost", "months"],
            "index": [0.40, 0.30, 0.10],
            "ci_low": [0.32, 0.18, 0.05],
            "ci_high": [0.48, 0.36, 0.15],
            "noise_floor": [0.20, 0.20, 0.20],
            "above_floor": [True, False, False],
        }
    )
    scores = pd.DataFrame(
        {
            "design": ["centralized"],
            "outcome": ["cost_per_service_month"],
            "parameter": ["n_departments"],
            "score": [0.9],
            "noise_floor": [0.1],
            "above_floor": [True],
        }
    )
    found = headline.drivers(scores, "centralized", sensitivity=sensitivity)
    assert list(found["parameter"]) == ["annual_budget"]
    assert found.loc[0, "ci_low"] == 0.32 and "PAWN" in found.loc[0, "method"]
    fallback = headline.drivers(scores, "centralized")
    assert list(fallback["parameter"]) == ["n_departments"]
    assert "feature score" in fallback.loc[0, "method"]


def test_when_no_driver_clears_the_floor_the_largest_are_shown_as_below_it(tmp_path):
    sensitivity = pd.DataFrame(
        {
            "design": ["centralized"] * 2,
            "outcome": ["capability_coverage"] * 2,
            "parameter": ["system_cost", "months"],
            "index": [0.18, 0.30],
            "ci_low": [0.10, 0.15],
            "ci_high": [0.22, 0.35],
            "noise_floor": [0.20, 0.20],
            "above_floor": [False, False],
        }
    )
    found = headline.drivers(None, "centralized", sensitivity=sensitivity)
    assert list(found["parameter"]) == ["months", "system_cost"]
    assert not found["above_floor"].any()
    from sim.reporting.headline_section import _drivers

    html = _drivers({"drivers": headline.json_records(found)}, "en")
    assert "none above the noise floor (the largest: months 0.300 [0.150, 0.350]" in html
