"""Batched runs: independent replicas of a layout side by side in one model.

A batched model (``GovernanceModel(replicas=B)``) must give each replica the
same distribution of outcomes as separate runs. The replicas share one random
stream, so no replica equals a given single run; the check is statistical:
final outcomes of many batched replicas against many single runs.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.experiments.inputs.scenarios import load_scenario
from sim.experiments.seeds import spawn_seeds
from sim.model.governance import GovernanceModel
from sim.model.outcomes import OUTCOME_NAMES

#: Outcomes compared (one per mechanism family).
COMPARED = (
    "n_redundant_common_systems",
    "data_sharing_rate",
    "platform_adoption_rate",
    "mean_months_to_service",
    "cum_spending",
    "cum_coordination_cases_resolved",
)
RUNS = 60


def _single_finals(name: str, runs: int) -> pd.DataFrame:
    scenario = load_scenario(name)
    rows = []
    for seed in range(runs):
        model = GovernanceModel(
            scenario.parameters, rng=1000 + seed, policy_changes=scenario.policy_changes
        )
        model.run()
        rows.append(model.current)
    return pd.DataFrame(rows)


def _batched_finals(name: str, runs: int, batch: int) -> pd.DataFrame:
    scenario = load_scenario(name)
    frames = []
    for seed in range(math.ceil(runs / batch)):
        model = GovernanceModel(
            scenario.parameters,
            rng=seed,
            policy_changes=scenario.policy_changes,
            replicas=batch,
        )
        model.run()
        frame = model.outcomes_frame()
        frames.append(frame[frame["month"] == frame["month"].max()])
    return pd.concat(frames, ignore_index=True).head(runs)


def test_batched_frame_has_one_series_per_replica():
    scenario = load_scenario("centralized").with_overrides(months=24, n_departments=12)
    model = GovernanceModel(scenario.parameters, rng=1, replicas=5)
    model.run()
    frame = model.outcomes_frame()
    assert list(frame.columns[:2]) == ["replica", "month"]
    assert list(frame.columns[2:]) == list(OUTCOME_NAMES)
    assert len(frame) == 5 * 25
    assert (frame.groupby("replica")["month"].apply(list) == [list(range(25))] * 5).all()
    assert model.n_jur == 5 and model.n_dept == 60
    finals = frame[frame["month"] == 24]
    assert finals["n_common_systems"].nunique() > 1  # replicas differ
    for name in OUTCOME_NAMES:
        np.testing.assert_allclose(finals[name].to_numpy(), model.current[name])


def test_replica_outcomes_add_up_to_the_whole_run():
    # Stocks and running totals of the replicas sum to those of all governments together.
    scenario = load_scenario("dispersed").with_overrides(months=36, n_departments=15)
    model = GovernanceModel(scenario.parameters, rng=2, replicas=4)
    model.run()
    from sim.model.outcomes import measure

    whole = measure(model)
    for name in ("n_common_systems", "cum_spending", "n_sharing_links", "cum_duplicate_projects"):
        assert model.current[name].sum() == pytest.approx(whole[name]), name


def test_each_replica_of_a_multi_jurisdiction_scenario_keeps_its_governments():
    scenario = load_scenario("fiscal_disparity").with_overrides(months=12)
    per_run = scenario.parameters.n_jurisdictions
    model = GovernanceModel(scenario.parameters, rng=3, replicas=3)
    assert model.n_jur == 3 * per_run
    assert (np.bincount(model.replica_of) == per_run).all()


SMALL_PROVINCE = {
    "n_prefectures": 3,
    "n_counties": 12,
    "n_townships": 24,
    "n_departments": 12,
    "months": 48,
}


def test_multi_level_layouts_batch_as_copies_of_the_whole_hierarchy():
    scenario = load_scenario("province_centralized").with_overrides(**SMALL_PROVINCE)
    model = GovernanceModel(scenario.parameters, rng=1, replicas=3)
    per_copy = 1 + 1 + 3 + 12 + 24
    assert model.n_jur == 3 * per_copy
    s = model.structure
    # every copy has its own centre, its own drawn hierarchy, and no link to another copy
    assert (s.parent[::per_copy] == -1).all() and (s.level[::per_copy] == 0).all()
    linked = s.ancestors >= 0
    assert (model.replica_of[s.ancestors[linked]] == np.nonzero(linked)[0] // per_copy).all()
    assert (s.root == np.repeat(np.arange(3) * per_copy, per_copy)).all()
    model.run()
    assert (model.current["n_redundant_across_levels"] >= 0).all()
    assert len(set(model.current["cum_spending"])) == 3
    with pytest.raises(ValueError, match="at least 1"):
        GovernanceModel(load_scenario("dispersed").parameters, rng=1, replicas=0)


@pytest.mark.parametrize("name", ["dispersed", "centralized"])
def test_batched_replicas_follow_the_distribution_of_single_runs(name):
    single = _single_finals(name, RUNS)
    batched = _batched_finals(name, RUNS, batch=30)
    for outcome in COMPARED:
        x, y = single[outcome].to_numpy(), batched[outcome].to_numpy()
        pooled = math.sqrt((x.var(ddof=1) + y.var(ddof=1)) / 2)
        # Means within half a pooled SD (the docking margin of docs/VALIDATION.md;
        # with 60 runs a side the chance of a larger gap between equal
        # distributions is about 0.6%) and no difference in shape (KS).
        assert abs(x.mean() - y.mean()) <= 0.5 * pooled, (outcome, x.mean(), y.mean(), pooled)
        if pooled > 0:
            assert stats.ks_2samp(x, y).pvalue > 0.001, outcome


# ----------------------------------------------------------- experiment layer


def test_batched_experiment_is_identical_whatever_the_workers():
    from sim.experiments import replications as experiment

    small = [
        load_scenario(n).with_overrides(months=24, n_departments=10)
        for n in ("dispersed", "centralized")
    ]
    kwargs = {"root_seed": 5, "progress": False, "batch": 3}
    serial = experiment.run_replications_with_networks(small, 7, workers=1, **kwargs)
    parallel = experiment.run_replications_with_networks(small, 7, workers=2, **kwargs)
    for a, b in zip(serial, parallel, strict=True):
        pd.testing.assert_frame_equal(a, b)
    frame, edges, governments = serial
    assert sorted(set(frame["replication"])) == list(range(7))
    seeds = spawn_seeds(5, 7)
    per_replication = frame.drop_duplicates("replication").set_index("replication")["seed"]
    # batches 0-2, 3-5, 6 use the seed of their first replication
    assert per_replication.tolist() == [seeds[0]] * 3 + [seeds[3]] * 3 + [seeds[6]]
    # networks and governments are numbered within each replication
    assert (governments["first_department"] == 0).all()
    assert (governments["government"] == 0).all()
    size = governments.set_index(["scenario", "replication"])["departments"]
    top = edges.groupby(["scenario", "replication"])[["holder", "requester"]].max().max(axis=1)
    assert (top < size.loc[top.index]).all()
    # one batched model's stocks add up over its replications
    assert frame.groupby("replication")["n_common_systems"].last().nunique() > 1


def test_batched_multi_level_replicas_follow_single_runs():
    scenario = load_scenario("province_centralized").with_overrides(**SMALL_PROVINCE)
    runs = 40
    single = []
    for seed in range(runs):
        model = GovernanceModel(scenario.parameters, rng=3000 + seed)
        model.run()
        single.append(model.current)
    single = pd.DataFrame(single)
    batched = []
    for seed in range(runs // 10):
        model = GovernanceModel(scenario.parameters, rng=4000 + seed, replicas=10)
        model.run()
        batched.extend({k: float(v[r]) for k, v in model.current.items()} for r in range(10))
    batched = pd.DataFrame(batched)
    for outcome in (*COMPARED, "n_redundant_across_levels"):
        x, y = single[outcome].to_numpy(), batched[outcome].to_numpy()
        pooled = math.sqrt((x.var(ddof=1) + y.var(ddof=1)) / 2)
        # 40 a side: a gap over 0.6 SD between equal distributions has chance about 0.8%
        assert abs(x.mean() - y.mean()) <= 0.6 * pooled, (outcome, x.mean(), y.mean(), pooled)
        if pooled > 0:
            assert stats.ks_2samp(x, y).pvalue > 0.001, outcome


@pytest.mark.parametrize("name", ["dispersed", "centralized", "province_centralized"])
def test_single_run_outcomes_equal_the_grouped_computation(name):
    # measure() works on plain floats; the grouped path on arrays: same formulas.
    from sim.model.outcomes import _outcomes, measure

    scenario = load_scenario(name).with_overrides(months=30)
    model = GovernanceModel(scenario.parameters, rng=6)
    for _ in range(3):
        for _ in range(10):
            model.step()
        fast = measure(model)
        grouped = _outcomes(model, np.zeros(model.n_jur, dtype=np.int64), 1)
        assert list(fast) == list(OUTCOME_NAMES)
        for outcome in OUTCOME_NAMES:
            assert fast[outcome] == pytest.approx(float(grouped[outcome][0]), rel=1e-12), outcome


# ------------------------------------------------- parameters per replica


def _mixed_batch_finals(
    designs: dict[str, object], runs: int, batch: int
) -> dict[str, pd.DataFrame]:
    """Final outcomes of replicas of batches whose replicas alternate between ``designs``."""
    names = list(designs)
    per_replica = [designs[names[r % len(names)]].parameters.model_dump() for r in range(batch)]
    rows: dict[str, list[dict[str, float]]] = {name: [] for name in names}
    base = designs[names[0]].parameters
    for seed in range(math.ceil(runs * len(names) / batch)):
        model = GovernanceModel(
            base, rng=500 + seed, replicas=batch, replica_parameters=per_replica
        )
        model.run()
        for r in range(batch):
            rows[names[r % len(names)]].append({k: float(v[r]) for k, v in model.current.items()})
    return {name: pd.DataFrame(rows[name]).head(runs) for name in names}


def _two_designs(months: int = 60) -> dict[str, object]:
    # Every lever of the dispersed design differs from the centralized one's
    # except the number of bodies, which sets the layout.
    return {
        "centralized": load_scenario("centralized").with_overrides(months=months),
        "dispersed_one_body": load_scenario("dispersed").with_overrides(
            months=months, approval_bodies=1
        ),
    }


def test_replicas_with_their_own_parameters_follow_single_runs_with_those_parameters():
    designs = _two_designs()
    batched = _mixed_batch_finals(designs, RUNS, batch=30)
    for name, scenario in designs.items():
        single = []
        for seed in range(RUNS):
            model = GovernanceModel(scenario.parameters, rng=2000 + seed)
            model.run()
            single.append(model.current)
        single = pd.DataFrame(single)
        for outcome in COMPARED:
            x, y = single[outcome].to_numpy(), batched[name][outcome].to_numpy()
            pooled = math.sqrt((x.var(ddof=1) + y.var(ddof=1)) / 2)
            assert abs(x.mean() - y.mean()) <= 0.5 * pooled, (name, outcome, x.mean(), y.mean())
            if pooled > 0:
                assert stats.ks_2samp(x, y).pvalue > 0.001, (name, outcome)
    # The two designs really differ inside one batch (the test has power).
    a, b = batched["centralized"], batched["dispersed_one_body"]
    assert a["platform_adoption_rate"].mean() > b["platform_adoption_rate"].mean() + 0.1
    assert a["n_redundant_common_systems"].mean() < b["n_redundant_common_systems"].mean()


def test_a_replica_responds_to_its_own_review_capacity():
    # Review capacity 0: the office reviews nothing, so nothing is redirected
    # and the queue only grows (departments that never lose patience: issue 25
    # lets them build without approval otherwise); 5: proposals are reviewed
    # and redirected.
    base = load_scenario("centralized").with_overrides(months=48, approval_patience_months=600.0)
    capacities = [0.0, 5.0] * 4
    model = GovernanceModel(
        base.parameters,
        rng=7,
        replicas=len(capacities),
        replica_parameters=[{"review_capacity": c} for c in capacities],
    )
    model.run()
    redirected = model.current["cum_proposals_redirected"]
    queue = model.current["review_queue_length"]
    none, some = np.array(capacities) == 0, np.array(capacities) > 0
    assert (redirected[none] == 0).all() and (redirected[some] > 0).all()
    assert queue[none].min() > queue[some].max()
    # As in single runs with those values.
    single = {}
    for capacity in (0.0, 5.0):
        single[capacity] = GovernanceModel(base.parameters, rng=8, review_capacity=capacity)
        single[capacity].run()
    assert single[0.0].current["cum_proposals_redirected"] == 0
    assert single[5.0].current["cum_proposals_redirected"] > 0
    assert single[0.0].current["review_queue_length"] > single[5.0].current["review_queue_length"]


def _moved(spec) -> float | int:
    """A valid value of a parameter other than its default."""
    value = spec.high if spec.default != spec.high else spec.low
    if spec.type is int:
        return int(min(value, spec.default + 3)) if value > spec.default else int(value)
    return float((spec.default + value) / 2)


@pytest.mark.parametrize("name", ["dispersed", "centralized", "gradual_reform"])
def test_every_parameter_that_may_vary_is_read_per_replica(name):
    # Replica 1 moves every parameter that may differ within a batch: a
    # mechanism reading one of them as a scalar would raise (ReplicaParameters).
    from sim.model.parameters import PARAMETERS
    from sim.model.replica_parameters import SHARED_IN_A_BATCH

    scenario = load_scenario(name).with_overrides(months=60, n_departments=12)
    moved = {s.name: _moved(s) for s in PARAMETERS if s.name not in SHARED_IN_A_BATCH}
    model = GovernanceModel(
        scenario.parameters,
        rng=3,
        replicas=3,
        policy_changes=scenario.policy_changes,
        replica_parameters=[{}, moved, {}],
    )
    base = scenario.parameters
    assert set(model.p.varying) == {n for n, v in moved.items() if v != getattr(base, n)}
    assert len(model.p.varying) > 60
    model.run()
    assert np.isfinite(model.current["cum_spending"]).all()
    still_varying = next(iter(model.p.varying))  # policy changes apply to every replica
    with pytest.raises(AttributeError, match="differs between the replicas"):
        getattr(model.p, still_varying)


def test_replicas_must_share_the_layout():
    scenario = load_scenario("centralized")
    with pytest.raises(ValueError, match="n_departments sets the layout"):
        GovernanceModel(
            scenario.parameters, rng=1, replicas=2, replica_parameters=[{}, {"n_departments": 9}]
        )
    with pytest.raises(ValueError, match="approval_bodies sets the layout"):
        GovernanceModel(
            scenario.parameters, rng=1, replicas=2, replica_parameters=[{}, {"approval_bodies": 3}]
        )
    with pytest.raises(ValueError, match="2 entries for 3 replicas"):
        GovernanceModel(scenario.parameters, rng=1, replicas=3, replica_parameters=[{}, {}])


def test_equal_replica_parameters_are_the_plain_batched_model():
    # Values that do not differ stay scalars: the run is bit-identical to a
    # batch without replica_parameters.
    scenario = load_scenario("centralized").with_overrides(months=24, n_departments=10)
    plain = GovernanceModel(scenario.parameters, rng=4, replicas=3)
    same = GovernanceModel(
        scenario.parameters, rng=4, replicas=3, replica_parameters=[{"review_capacity": 5.0}] * 3
    )
    assert not hasattr(same.p, "varying")
    plain.run()
    same.run()
    pd.testing.assert_frame_equal(plain.outcomes_frame(), same.outcomes_frame())
