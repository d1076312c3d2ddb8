"""Calibration: the file loader, and ABC-SMC recovering parameters the model was run with."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sim.experiments.calibration import runner as runner
from sim.experiments.calibration.files import CalibrationError, load_calibration

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "sweeps" / "calibration" / "synthetic_recovery.yaml"
TRUTH = {"annual_budget": 2.0, "review_staff_cost": 0.2}


def write(tmp_path: Path, text: str, name: str = "cal.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("  annual_budget: plausible", "  review_authority: plausible"), "only uncertainties"),
        (("  annual_budget: plausible", "  annual_budgt: plausible"), "annual_budget"),
        (("outcome: cum_spending", "outcome: cum_spendng"), "cum_spending"),
        (("    mapping: the same outcome\n", "\n"), "lacks 'mapping'"),
        (("population: 30", "population: 2"), "'population'"),
        (("    tolerance: 3.0", "    tolerance: 0"), "above 0"),
        (("    held_out: true", "    held_out: yes please"), "held_out"),
        (("population: 30", "population: 30\nepsilon: 0.1"), "unknown top-level key 'epsilon'"),
    ],
)
def test_bad_calibration_files_name_the_file_line_and_key(tmp_path, change, expected):
    text = SHIPPED.read_text("utf-8").replace(*change, 1)
    with pytest.raises(CalibrationError) as info:
        load_calibration(write(tmp_path, text))
    message = str(info.value)
    assert message.startswith("Calibration file") and "\n" not in message
    assert expected in message, message


def test_a_bad_file_exits_2_without_a_traceback(tmp_path):
    path = write(tmp_path, SHIPPED.read_text("utf-8").replace("population: 30", "population: x"))
    done = subprocess.run(
        [sys.executable, "run.py", "calibrate", str(path), "--out", str(tmp_path / "o")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "population" in done.stderr and not (tmp_path / "o").exists()


def test_abc_smc_recovers_the_parameters_the_targets_were_made_with(tmp_path):
    calibration = load_calibration(SHIPPED)
    # The shipped observations are the model's own at TRUTH (mean over seeds 0-4): made again.
    made = [runner.simulate(calibration, TRUTH, seed, calibration.targets) for seed in range(5)]
    for target in calibration.targets:
        mean = np.mean([m[target.name] for m in made])
        assert mean == pytest.approx(target.observed, abs=0.01), target.name
    out = tmp_path / "cal"
    run = runner.run_calibration(calibration, out, workers=1, progress=False)
    summary = runner.posterior_summary(calibration, run.posterior).set_index("parameter")
    for name, value in TRUTH.items():
        assert summary.loc[name, "posterior_q05"] <= value <= summary.loc[name, "posterior_q95"]
    # The governance cost identifies the staff cost: the posterior is far narrower than the prior.
    assert summary.loc["review_staff_cost", "narrowing"] < 0.5
    assert run.generations["epsilon"].is_monotonic_decreasing
    table = run.table.set_index("target")
    assert table.loc["coverage", "held_out"] and table.loc["coverage", "posterior_covers"]
    width = table["posterior_q95"] - table["posterior_q05"]
    assert width["governance_cost"] < 0.5 * (
        table.loc["governance_cost", "prior_q95"] - table.loc["governance_cost", "prior_q05"]
    )
    # Running again continues the same database: nothing left to do, same posterior.
    again = runner.run_calibration(calibration, out, workers=1, progress=False)
    assert again.generations_run == 0
    assert np.allclose(again.posterior["weight"], run.posterior["weight"])
    other = load_calibration(
        write(tmp_path, SHIPPED.read_text("utf-8").replace("root_seed: 3", "root_seed: 4"))
    )
    with pytest.raises(CalibrationError, match="different calibration"):
        runner.run_calibration(other, out, workers=1, progress=False)


def test_round_sampler_gives_the_particles_of_pyabcs_single_core_sampler(tmp_path):
    # The propose-simulate-replay rounds must not change which particles pyabc
    # draws and accepts: a toy model, sampled both ways from the same generator state.
    import pyabc

    from sim.experiments.calibration.sampler import RoundModel, RoundSampler

    def draw(parameters):
        return {"mu": float(parameters["mu"])}, int(np.random.randint(0, 2**31 - 1))

    def simulate(values, seed):
        return {"y": values["mu"] + np.random.default_rng(seed).normal(0.0, 0.3)}

    def distance(a, b):
        return abs(a["y"] - b["y"])

    def posterior(sampler, model, db):
        np.random.seed(5)
        abc = pyabc.ABCSMC(
            model,
            pyabc.Distribution(mu=pyabc.RV("uniform", -2, 4)),
            distance,
            population_size=25,
            sampler=sampler,
        )
        abc.new(f"sqlite:///{db}", {"y": 0.7})
        history = abc.run(max_nr_populations=3)
        frame, weights = history.get_distribution(m=0, t=history.max_t)
        return frame["mu"].to_numpy(), np.asarray(weights), history.get_all_populations()

    def one_by_one(parameters):
        return simulate(*draw(parameters))

    model = RoundModel(draw, simulate)
    rounds = RoundSampler(model, lambda requests: [simulate(*r) for r in requests], min_round=4)
    mu_a, w_a, pops_a = posterior(pyabc.sampler.SingleCoreSampler(), one_by_one, tmp_path / "a.db")
    mu_b, w_b, pops_b = posterior(rounds, model, tmp_path / "b.db")
    np.testing.assert_array_equal(np.sort(mu_a), np.sort(mu_b))
    np.testing.assert_allclose(np.sort(w_a), np.sort(w_b))
    assert list(pops_a["samples"]) == list(pops_b["samples"])
    assert rounds.simulated_ >= pops_b["samples"].sum()  # rounds may simulate a few extra


def test_simulate_many_runs_each_parameter_set_with_its_own_values():
    calibration = load_calibration(SHIPPED)
    requests = [({"annual_budget": 2.0, "review_staff_cost": c}, 10 + i) for i, c in
                enumerate([0.0, 0.5, 0.0, 0.5, 0.25])]  # fmt: skip
    one_each = [runner.simulate(calibration, v, s, calibration.targets) for v, s in requests]
    assert runner.simulate_many(calibration, requests, calibration.targets, batch=1) == one_each
    batched = runner.simulate_many(calibration, requests, calibration.targets, batch=100)
    cost = [b["governance_cost"] for b in batched]
    # The review staff cost moves the governance cost, replica by replica.
    assert cost[0] < cost[4] < cost[1] and cost[2] < cost[4] < cost[3]
    assert (
        runner.simulate_many(calibration, requests, calibration.targets, batch=100, workers=2)
        == batched
    )


def test_a_batched_calibration_is_the_same_on_one_process_or_two(tmp_path):
    import dataclasses

    calibration = dataclasses.replace(load_calibration(SHIPPED), population=12, generations=2)
    one = runner.run_calibration(calibration, tmp_path / "a", workers=1, progress=False)
    two = runner.run_calibration(calibration, tmp_path / "b", workers=2, progress=False)
    assert one.batch == two.batch == 100
    assert one.posterior.equals(two.posterior)
    assert one.table.equals(two.table)
    with pytest.raises(CalibrationError, match="--batch 100"):
        runner.run_calibration(calibration, tmp_path / "a", workers=1, progress=False, batch=1)


# ------------------------------------------------------------ designs over a posterior


def test_posterior_draws_follow_the_weights_and_the_seed():
    import pandas as pd

    from sim.experiments.calibration.posterior_draws import draw_parameter_sets

    posterior = pd.DataFrame(
        {"annual_budget": [1.0, 2.0, 3.0], "stall_months": [10.0, 20.0, 30.0], "weight": [0, 3, 1]}
    )
    draws = draw_parameter_sets(posterior, 400, root_seed=5)
    assert draws == draw_parameter_sets(posterior, 400, root_seed=5)
    budgets = [d["annual_budget"] for d in draws]
    assert 1.0 not in budgets  # weight 0: never drawn
    assert 0.65 < budgets.count(2.0) / 400 < 0.85  # weight 3 of 4
    assert all(isinstance(d["stall_months"], int) for d in draws)  # typed as declared


@pytest.mark.slow
def test_compare_over_a_posterior_records_one_draw_per_replication(tmp_path):
    import json

    small = write(
        tmp_path,
        SHIPPED.read_text("utf-8")
        .replace("population: 30", "population: 8")
        .replace("generations: 3", "generations: 1"),
    )
    calibration = load_calibration(small)
    made = subprocess.run(
        [sys.executable, "run.py", "calibrate", str(small), "--workers", "1", "--quiet",
         "--out", str(tmp_path / "cal")],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "Posterior" in made.stdout and (tmp_path / "cal" / "calibration.csv").is_file()
    page = (tmp_path / "cal" / "report.html").read_text("utf-8")
    assert page.count("plotly.js v") == 1 and "Predictive checks" in page and "coverage" in page
    common = ["compare", "dispersed", "centralized", "-r", "4", "--months", "24",
              "--departments", "10", "--formats", "none", "--quiet"]  # fmt: skip
    done = subprocess.run(
        [sys.executable, "run.py", *common, "--posterior", str(tmp_path / "cal"),
         "--out", str(tmp_path / "post")],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "calibrated posterior" in done.stdout
    manifest = json.loads((tmp_path / "post" / "manifest.json").read_text("utf-8"))
    draws = manifest["posterior"]["draws"]
    # batched as without draws (issue 27): the 4 replications in one model, each its own draw
    assert len(draws) == 4 and manifest["batch"]["replications_per_model"] == 4
    for draw in draws:
        for name, (low, high) in calibration.free.items():
            assert low <= draw[name] <= high
    plain = subprocess.run(
        [sys.executable, "run.py", *common, "--out", str(tmp_path / "plain")],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert plain.returncode == 0, plain.stderr
    import pandas as pd

    with_draws = pd.read_csv(tmp_path / "post" / "runs.csv")["cum_spending"]
    without = pd.read_csv(tmp_path / "plain" / "runs.csv")["cum_spending"]
    assert not np.allclose(with_draws, without)  # the draws changed the runs
    refused = subprocess.run(
        [sys.executable, "run.py", *common, "--posterior", str(tmp_path / "plain"),
         "--out", str(tmp_path / "x")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert refused.returncode == 2 and "not a calibration folder" in refused.stderr


def test_every_shipped_calibration_file_loads_with_sources_and_a_held_out_target():
    files = sorted((ROOT / "sweeps" / "calibration").glob("*.yaml"))
    assert {f.name for f in files} >= {"synthetic_recovery.yaml", "observed_patterns.yaml"}
    for path in files:
        calibration = load_calibration(path)
        held_out = [t for t in calibration.targets if t.held_out]
        assert held_out, f"{path.name}: no held-out target"
        assert calibration.fitted, f"{path.name}: nothing fitted"
        for target in calibration.targets:
            assert len(target.source) > 20 and len(target.mapping) > 10, target.name


def test_targets_of_one_scenario_read_the_same_runs():
    # simulate() runs a scenario once per replication for all its targets;
    # each value must equal a run of that target alone with the same seed.
    from sim.experiments.seeds import spawn_seeds

    calibration = load_calibration(SHIPPED)
    values = {"annual_budget": 1.5, "review_staff_cost": 0.1}
    together = runner.simulate(calibration, values, seed=11, targets=calibration.targets)
    seeds = spawn_seeds(11, calibration.replications)
    for target in calibration.targets:
        alone = np.mean([runner.run_target(target, values, s) for s in seeds])
        assert together[target.name] == pytest.approx(alone), target.name


# --- Regimes as parameters and outcomes measured like the observers (issue 26) ---

REGIME_FILE = """\
description: regimes
free:
  annual_budget: plausible
parameters: {n_departments: 10}
months: 24
targets:
  - name: a
    scenario: dispersed
    regime:
      name: reviewed
      description: a review office that checks half the proposals
      parameters: {review_coverage: 0.5, review_authority: 0.4}
    outcome: project_failure_share
    observed: 0.2
    tolerance: 0.1
    source: a source long enough to pass the check
    mapping: the same outcome
  - name: b
    scenario: dispersed
    regime:
      name: reviewed
      description: a review office that checks half the proposals
      parameters: {review_coverage: 0.5, review_authority: 0.4}
    outcome: project_partial_failure_share
    observed: 0.3
    tolerance: 0.1
    held_out: true
    source: a source long enough to pass the check
    mapping: the same outcome
  - name: c
    scenario: dispersed
    outcome: cum_spending
    observed: 10.0
    tolerance: 3.0
    source: a source long enough to pass the check
    mapping: the same outcome
population: 10
generations: 1
root_seed: 1
"""


def test_a_targets_regime_sets_its_scenarios_parameters(tmp_path):
    calibration = load_calibration(write(tmp_path, REGIME_FILE))
    a, b, c = calibration.targets
    assert a.scenario.name == b.scenario.name == "reviewed" and c.scenario.name == "dispersed"
    values = a.scenario.parameters
    assert values.review_coverage == 0.5 and values.review_authority == 0.4
    assert values.n_departments == 10  # the file's fixed values still apply
    assert c.scenario.parameters.review_coverage == 0.1  # the dispersed file's own value
    assert a.regime["parameters"] == {"review_coverage": 0.5, "review_authority": 0.4}
    assert "review_coverage=0.5" in a.regime_text
    # The regime is part of what identifies the calibration's runs.
    changed = REGIME_FILE.replace("review_authority: 0.4}", "review_authority: 0.5}")
    other = load_calibration(write(tmp_path, changed, "other.yaml"))
    assert other.definition_hash != calibration.definition_hash


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("    regime:\n      name: reviewed", "    regime: strict\n    x:\n      name: reviewed"),
         "unknown key 'x'"),
        (("      description: a review office that checks half the proposals\n", ""),
         "lacks 'description'"),
        (("      name: reviewed\n", "      name: reviewed\n      budget: 3\n"),
         "unknown key 'budget'"),
        (("{review_coverage: 0.5, review_authority: 0.4}", "{annual_budget: 2.0}"),
         "'annual_budget', which is free"),
        (("{review_coverage: 0.5, review_authority: 0.4}", "{review_coverag: 0.5}"),
         "review_coverage"),
        (("{review_coverage: 0.5, review_authority: 0.4}", "{review_coverage: 7}"),
         "review_coverage"),
        (("{review_coverage: 0.5, review_authority: 0.4}", "{}"), "'parameters'"),
    ],
)  # fmt: skip
def test_bad_regimes_are_refused_naming_the_file_and_key(tmp_path, change, expected):
    text = REGIME_FILE.replace(*change, 1)
    assert text != REGIME_FILE
    with pytest.raises(CalibrationError) as info:
        load_calibration(write(tmp_path, text))
    message = str(info.value)
    assert message.startswith("Calibration file") and "\n" not in message
    assert expected in message, message


def test_one_regime_name_with_two_definitions_is_refused(tmp_path):
    # The second target's regime keeps the name but changes a value: both
    # would read the runs of whichever came first.
    head, tail = REGIME_FILE.split("  - name: b", 1)
    tail = tail.replace("review_authority: 0.4}", "review_authority: 0.9}", 1)
    with pytest.raises(CalibrationError, match="names the regime 'reviewed'"):
        load_calibration(write(tmp_path, head + "  - name: b" + tail))
    # A regime named like another target's plain scenario is refused too.
    clash = REGIME_FILE.replace("      name: reviewed", "      name: dispersed")
    with pytest.raises(CalibrationError, match="names the regime 'dispersed'"):
        load_calibration(write(tmp_path, clash))


def test_the_observed_patterns_file_has_five_sourced_targets_under_regimes():
    calibration = load_calibration(ROOT / "sweeps" / "calibration" / "observed_patterns.yaml")
    assert len(calibration.targets) >= 5
    assert all(t.regime for t in calibration.targets)
    # Three independent publishers: Heeks/IDPM, Chinese government bodies, GAO.
    sources = " ".join(t.source for t in calibration.targets)
    assert "Heeks" in sources and "GAO-12-241" in sources and "gov.cn" in sources
    held = {t.name for t in calibration.targets if t.held_out}
    assert "gao_duplicative_share_us_departments" in held
    # Regimes, not design labels: every target names its own regime.
    assert not {t.scenario.name for t in calibration.targets} & {"dispersed", "centralized"}


def _ended_run(**values):
    from sim.experiments.inputs.scenarios import load_scenario
    from sim.model.governance import GovernanceModel

    scenario = load_scenario("dispersed")
    scenario = scenario.with_overrides(name="x", n_departments=20, months=96, **values)
    model = GovernanceModel(parameters=scenario.parameters, rng=5)
    model.run()
    return model, model.outcomes_frame().iloc[-1]


def test_duplicative_common_share_recounts_every_member_within_each_government():
    # Recount from scratch, pair by pair over the systems in use: a common
    # system is a member when another system of its government and capability
    # shares more than the threshold of the sub-functions either provides.
    from sim.model.capabilities import N_COMMON
    from sim.model.systems import POPCOUNT

    model, final = _ended_run(n_jurisdictions=2)
    threshold = model.params().duplication_overlap_threshold
    members = total = 0
    for j in range(model.n_jur):
        for k in range(N_COMMON):
            systems = [m for m in range(len(POPCOUNT)) for _ in range(model.mask_count[j, k, m])]
            total += len(systems)
            for i, a in enumerate(systems):
                others = systems[:i] + systems[i + 1 :]
                if any(POPCOUNT[a & b] > threshold * POPCOUNT[a | b] for b in others):
                    members += 1
    assert total > 0 and 0 < members < total
    assert final["duplicative_common_share"] == pytest.approx(members / total)


def test_partial_failure_counts_the_projects_delivered_after_stalling():
    from sim.model.projects import Status

    model, final = _ended_run(annual_budget=0.5)
    book = model.projects
    status, stalled = book.view("status"), book.view("stalled")
    late = np.count_nonzero((status == Status.DONE) & (stalled >= model.params().stall_months))
    assert late > 0  # scarce money: some projects were 'beard' projects and finished anyway
    # Same denominator as the total failure share: projects with a fate.
    failure = final["project_failure_share"]
    failed = final["cum_abandoned_projects"] + final["n_unfinished_projects"]
    assert failure > 0
    partial = final["project_partial_failure_share"]
    assert partial == pytest.approx(late * failure / failed)
    assert 0 < partial < 1 and failure + partial <= 1


def test_posterior_correlations_find_a_combination_and_respect_the_weights(tmp_path):
    import pandas as pd

    calibration = load_calibration(write(tmp_path, REGIME_FILE.replace(
        "  annual_budget: plausible", "  annual_budget: plausible\n  build_months: plausible"
    )))  # fmt: skip
    rng = np.random.default_rng(0)
    budget = rng.uniform(0.3, 5, 200)
    months = 3 + 4 * budget + rng.normal(0, 0.1, 200)  # a ridge: only the combination is known
    posterior = pd.DataFrame({"annual_budget": budget, "build_months": months, "weight": 1.0})
    table = runner.posterior_correlations(calibration, posterior)
    assert table.iloc[0]["correlation"] > 0.99
    # Weight only on two points off the ridge in opposite directions: the correlation flips.
    posterior["weight"] = 1e-12
    posterior.loc[0, ["annual_budget", "build_months", "weight"]] = [1.0, 20.0, 1.0]
    posterior.loc[1, ["annual_budget", "build_months", "weight"]] = [4.0, 5.0, 1.0]
    assert runner.posterior_correlations(calibration, posterior).iloc[0]["correlation"] < -0.9
