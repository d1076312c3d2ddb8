"""The EMA Workbench adapter: experiments over plausible ranges, paired designs, PRIM."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import stats

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)  # ipyparallel is optional
    from ema_workbench import perform_experiments
    from ema_workbench.analysis import prim

from sim.experiments.discovery import ema
from sim.experiments.seeds import spawn_seeds
from sim.model.parameters import SPECS

FIXED = {"n_departments": 12, "months": 48}
UNCERTAIN = ("annual_budget", "platform_cost_multiple", "top_leader_attention", "stall_months")


@pytest.fixture(scope="module")
def fifty():
    model = ema.ema_model(uncertainties=UNCERTAIN, replications=2, root_seed=7, fixed=FIXED)
    policies = ema.design_policies(["dispersed", "centralized"])
    experiments, outcomes = perform_experiments(
        model,
        scenarios=25,
        policies=policies,
        log_progress=False,
        uncertainty_sampling_kwargs={"rng": 11},  # the same 25 scenarios every time
    )
    return experiments, outcomes


def test_fifty_experiments_pair_every_scenario_over_both_designs(fifty):
    experiments, outcomes = fifty
    assert len(experiments) == 50
    per_scenario = experiments.groupby("scenario")["design"].apply(lambda s: sorted(map(str, s)))
    assert all(d == ["centralized", "dispersed"] for d in per_scenario)
    for name in UNCERTAIN:
        low, high = SPECS[name].plausible_range
        assert experiments[name].between(low, high).all(), name
    assert set(ema.HEADLINE_OUTCOMES) <= set(outcomes)
    # Designs differ (the lever acts) and scenarios differ (the uncertainties act).
    x, difference = ema.paired_difference(
        experiments, outcomes, "duplication_rate", "dispersed", "centralized"
    )
    assert len(x) == 25 and list(x.columns) == list(UNCERTAIN)
    assert difference.abs().max() > 0 and np.ptp(outcomes["cum_spending"]) > 0


def test_an_experiment_is_the_mean_of_runs_with_the_replications_seeds(fifty):
    experiments, outcomes = fifty
    row = experiments.iloc[3]
    values = {name: row[name] for name in UNCERTAIN}
    seeds = spawn_seeds(7, 2)
    runs = [
        ema.run_design(str(row["design"]), seed, FIXED, **values)["cum_spending"] for seed in seeds
    ]
    assert outcomes["cum_spending"][3] == pytest.approx(np.mean(runs))


def test_prim_finds_a_box_inside_the_plausible_ranges(fifty):
    experiments, outcomes = fifty
    x, difference = ema.paired_difference(
        experiments, outcomes, "cost_per_service_month", "dispersed", "centralized"
    )
    worse = (difference > 0).to_numpy()
    assert 0 < worse.sum() < len(worse), "PRIM needs both cases"
    box = prim.Prim(x, worse)
    found = box.find_box()
    stats, limits = found.inspect(style="data")[0]
    assert 0 < stats["coverage"] <= 1 and 0 < stats["density"] <= 1
    for name in limits.index:
        low, high = SPECS[name].plausible_range
        assert low <= limits.loc[name].iloc[0] <= limits.loc[name].iloc[1] <= high, name


def test_bad_names_are_refused():
    with pytest.raises(ValueError, match="not a model parameter"):
        ema.ema_model(uncertainties=["annual_budgt"])
    with pytest.raises(ValueError, match="not a lever"):
        ema.ema_model(levers=["annual_budget"])


# ------------------------------------------------------------ batched evaluator


def _kwargs(scenarios: int) -> dict:
    return {
        "scenarios": scenarios,
        "policies": ema.design_policies(["dispersed", "centralized"]),
        "log_progress": False,
        "uncertainty_sampling_kwargs": {"rng": 11},
    }


def _parameter_columns(experiments):
    return experiments[[*UNCERTAIN, "design"]].astype({"design": str}).reset_index(drop=True)


def test_batched_evaluator_with_one_run_a_model_gives_the_workbench_runs_bit_for_bit():
    from sim.experiments.discovery.ema_evaluator import BatchedEvaluator

    model = ema.ema_model(uncertainties=UNCERTAIN, replications=2, root_seed=7, fixed=FIXED)
    plain_x, plain_y = perform_experiments(model, **_kwargs(4))
    with BatchedEvaluator(model, batch=1, executor="serial") as evaluator:
        x, y = evaluator.perform_experiments(**_kwargs(4))
    assert evaluator.last_batch == 1
    assert _parameter_columns(x).equals(_parameter_columns(plain_x))
    assert set(y) == set(plain_y)
    for name in y:
        np.testing.assert_array_equal(y[name], plain_y[name], err_msg=name)


def test_batched_evaluator_runs_experiments_of_any_size_together(fifty):
    # The same 25 scenarios, with government size varied too, in batched
    # models: each experiment keeps its own values (its outcomes follow the
    # one-model-per-run outcomes), and sizes share models.
    from sim.experiments.discovery.ema_evaluator import BatchedEvaluator, perform_experiments

    model = ema.ema_model(uncertainties=UNCERTAIN, replications=2, root_seed=7, fixed=FIXED)
    plain_x, plain_y = fifty
    with BatchedEvaluator(model, workers=2) as evaluator:
        x, y = evaluator.perform_experiments(**_kwargs(25))
    assert evaluator.last_batch == 100
    assert _parameter_columns(x).equals(_parameter_columns(plain_x))
    # Two replications an experiment: seed noise keeps the ranks from matching
    # (0.78 seen for cost per service month); experiments given each other's
    # values would correlate near 0.
    for name, least in (
        ("cum_spending", 0.8),
        ("platform_adoption_rate", 0.8),
        ("cost_per_service_month", 0.6),
    ):
        rho = stats.spearmanr(y[name], plain_y[name]).statistic
        assert rho > least, (name, rho)
    # government size as an uncertainty: 12 to 60 departments in the same models
    sized = ema.ema_model(
        uncertainties=[*UNCERTAIN, "n_departments"], replications=2, root_seed=7,
        fixed={"months": 36},
    )  # fmt: skip
    x, y = perform_experiments(sized, executor="serial", **_kwargs(20))
    assert x["n_departments"].nunique() > 10
    assert stats.spearmanr(x["n_departments"], y["cum_spending"]).statistic > 0.6
