"""The Morris screen against its seed-noise floor (sim.analysis.validation.screen), and spot checks.

The spot checks run the model directly at both ends of a parameter's
plausible range over paired seeded replications (``screen.ends_check``) and
test the difference on every headline outcome: two parameters the full
screen calls active must move some outcome beyond seed noise, two it calls
inert must move none (docs/VALIDATION.md, "Morris screen").
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.analysis.validation import screen
from sim.model.parameters import SPECS

#: Named by the full screen of docs/VALIDATION.md.
SCREEN_ACTIVE = (("annual_budget", "dispersed"), ("sanction_strength", "centralized"))
SCREEN_INERT = ("parallel_running_share", "platform_stall_limit_months")


def test_every_lever_and_uncertainty_is_screened_over_its_declared_plausible_range(monkeypatch):
    names = screen.screen_parameters()
    assert set(names) == {n for n, s in SPECS.items() if s.group in ("lever", "uncertainty")}
    problem = screen.salib_problem(names, screen.SCREEN_FULL)
    for name, (low, high) in zip(names, problem["bounds"], strict=False):
        p_low, p_high = SPECS[name].plausible_range
        pad = 0.5 if SPECS[name].type is int else 0.0
        assert (low, high) == (p_low - pad, p_high + pad), name
    assert problem["names"][len(names) :] == list(screen.dummy_names(screen.SCREEN_FULL))
    # Ranges are read from the declaration at run time, not copied.
    spec = SPECS["sanction_strength"]
    monkeypatch.setitem(
        SPECS, "sanction_strength", type(spec)(**{**spec.__dict__, "plausible": (0.5, 1.5, "x")})
    )
    assert screen.screen_range("sanction_strength") == (0.5, 1.5)


def test_seeds_change_at_a_dummy_step_and_at_no_other():
    settings = screen.ScreenSettings(trajectories=3, replications=2, n_departments=10, dummies=3)
    names = ("annual_budget", "approval_bodies", "system_cost")
    design = screen.build_design(names, settings, root_seed=7)
    d = len(names) + settings.dummies
    x = design.samples.reshape(settings.trajectories, d + 1, d)
    seeds = design.seeds.reshape(settings.trajectories, d + 1, settings.replications)
    changed = np.abs(np.diff(x, axis=1)).argmax(axis=2)
    for t in range(settings.trajectories):
        for k in range(d):
            same = (seeds[t, k] == seeds[t, k + 1]).all()
            assert same == (changed[t, k] < len(names)), (t, k)
        assert len(set(seeds[t, 0])) == settings.replications  # replications differ
    # Integers are whole and inside the plausible range.
    assert design.values["approval_bodies"].between(*SPECS["approval_bodies"].plausible_range).all()


def test_a_small_screen_calls_the_budget_active_and_an_unread_lever_never_read(tmp_path):
    # central_local_link acts only between levels of a multi-level run: in one
    # government it is never read, so paired runs are identical (mu* = 0).
    settings = screen.ScreenSettings(trajectories=4, replications=2, n_departments=20, months=60)
    names = ("central_local_link", "annual_budget")
    result = screen.run_screen(tmp_path, settings, parameters=names, workers=1, progress=False)
    table = result.table.set_index("parameter")
    assert list(table.index[:2]) == list(names)
    assert table.loc["central_local_link", "verdict"] == "never read"
    assert table.loc["central_local_link", "largest"] == 0.0
    # Above its floor on most outcomes (at 4 trajectories the seed dummies reach
    # high ratios too, so the verdict may be "weak" rather than "active").
    assert table.loc["annual_budget", "verdict"] in ("active", "weak")
    assert table.loc["annual_budget", "outcomes_above"] >= 3
    assert (table["group"] == "dummy").sum() == settings.dummies
    assert set(result.floors["outcome"]) == set(screen.SCREEN_OUTCOMES)
    assert (result.floors["noise_floor"] >= result.floors["noise_mean"]).all()
    assert (tmp_path / "screen_runs.csv").is_file() and (tmp_path / "screen_design.csv").is_file()
    text = screen.format_screen(result)
    assert all(name in text for name in names)
    assert "central_local_link" in text.splitlines()[-1].split("never read")[1]
    assert "annual_budget" not in text.splitlines()[-1].split("inert or never read")[1]


@pytest.mark.parametrize(("name", "scenario"), SCREEN_ACTIVE)
def test_a_parameter_the_screen_calls_active_moves_an_outcome_beyond_seed_noise(name, scenario):
    check = screen.ends_check(name, scenario, replications=16, n_departments=20)
    assert check.distinguishable, check.table.to_string()


@pytest.mark.parametrize("name", SCREEN_INERT)
@pytest.mark.parametrize("scenario", ["dispersed", "centralized"])
def test_a_parameter_the_screen_calls_inert_moves_no_outcome_beyond_seed_noise(name, scenario):
    check = screen.ends_check(name, scenario, replications=16, n_departments=20)
    assert not check.distinguishable, check.table.to_string()


def test_screen_only_command_writes_the_table_floors_runs_and_manifest(
    tmp_path, monkeypatch, capsys
):
    import json

    from sim.cli.main import main

    tiny = screen.ScreenSettings(
        trajectories=2, replications=2, n_departments=10, months=24, dummies=3, quick=True
    )
    monkeypatch.setattr(screen, "SCREEN_QUICK", tiny)
    monkeypatch.setattr(
        screen, "screen_parameters", lambda: ("annual_budget", "central_local_link")
    )
    out = tmp_path / "s"
    argv = ["validate-model", "--screen-only", "--quick", "--workers", "1", "--quiet"]
    assert main([*argv, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Noise floor" in printed and "central_local_link" in printed
    for name in ("screen.csv", "screen_indices.csv", "screen_floors.csv", "screen_design.csv",
                 "screen_runs.csv", "validation.txt", "manifest.json"):  # fmt: skip
        assert (out / name).is_file(), name
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert "central_local_link" in manifest["screen"]["inert"]
    assert manifest["screen"]["settings"]["dummies"] == 3
