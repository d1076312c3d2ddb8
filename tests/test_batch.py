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
from sim.model.agents import Coordinator
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
    # The levels of a national run are moved in a multi-level batch (below).
    national = {
        "n_provinces", "n_prefectures", "n_counties", "n_ministries", "n_townships",
        "township_offices",
    }  # fmt: skip
    moved = {s.name: _moved(s) for s in PARAMETERS if s.name not in SHARED_IN_A_BATCH | national}
    assert {"n_departments", "n_jurisdictions", "approval_bodies"} <= set(moved)
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


def test_replicas_of_different_horizons_end_at_their_own_month():
    # Issue 27: a design sampling the horizon batches; the model runs to the
    # longest and each replica is measured at its own last month.
    scenario = load_scenario("centralized").with_overrides(n_departments=10)
    model = GovernanceModel(
        scenario.parameters,
        rng=1,
        replicas=3,
        replica_parameters=[{"months": 24}, {"months": 36}, {"months": 24}],
        record_every_month=False,
    )
    model.run()
    assert model.month == model.horizon == 36
    frame = model.outcomes_frame()
    last = frame.groupby("replica")["month"].max()
    assert last.tolist() == [24, 36, 24]
    assert set(frame["month"]) == {0, 24, 36}
    # Needs of a replica arise within its own horizon.
    short = model.replica_of[model.dept_jur[model.business_dept]] != 1
    assert (model.business_need_month[short] < 24).all()


def test_a_short_replica_beside_long_ones_follows_its_own_distribution():
    scenario = load_scenario("dispersed").with_overrides(n_departments=10, months=24)

    def finals(partner_months: int, seed: int) -> np.ndarray:
        model = GovernanceModel(
            scenario.parameters,
            rng=seed,
            replicas=20,
            replica_parameters=[
                {"months": 24 if r % 2 == 0 else partner_months} for r in range(20)
            ],
            record_every_month=False,
        )
        model.run()
        frame = model.outcomes_frame()
        short = frame[(frame["replica"] % 2 == 0) & (frame["month"] == 24)]
        return short["cum_spending"].to_numpy()

    alone = np.concatenate([finals(24, s) for s in (1, 2, 3)])
    beside = np.concatenate([finals(60, s) for s in (4, 5, 6)])
    assert len(alone) == len(beside) == 30
    pooled = np.sqrt((alone.var(ddof=1) + beside.var(ddof=1)) / 2)
    assert abs(alone.mean() - beside.mean()) < 0.55 * pooled
    assert stats.ks_2samp(alone, beside).pvalue > 0.01


def test_replica_parameters_need_one_mapping_per_replica():
    scenario = load_scenario("centralized")
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


# ------------------------------------------------- layouts per replica

#: Replicas of different layouts in one batch: a small and a large city, a
#: city of three governments with spread sizes, a small province.
LAYOUTS = (
    {"n_departments": 10},
    {"n_departments": 40, "approval_bodies": 3},
    {"n_departments": 20, "n_jurisdictions": 3, "department_spread": 4},
    {"n_provinces": 1, "n_prefectures": 2, "n_counties": 5, "n_ministries": 8, "n_departments": 9},
)


def test_replicas_of_different_layouts_keep_their_own_governments():
    base = load_scenario("centralized").with_overrides(months=36)
    model = GovernanceModel(base.parameters, rng=5, replicas=4, replica_parameters=LAYOUTS)
    s = model.structure
    governments = np.bincount(model.replica_of)
    assert governments.tolist() == [1, 1, 3, 1 + 1 + 2 + 5]
    departments = np.bincount(model.replica_of[model.dept_jur])
    assert departments[:2].tolist() == [10, 40]
    assert 3 * 16 <= departments[2] <= 3 * 24 and departments[3] == 8 + 8 * 9
    third = s.size[model.replica_of == 2]
    assert ((third >= 16) & (third <= 24)).all()
    # governments of a replica are one block; their parents stay inside it
    assert (np.diff(model.replica_of) >= 0).all()
    linked = s.ancestors >= 0
    rows = np.nonzero(linked)[0]
    assert (model.replica_of[s.ancestors[linked]] == model.replica_of[rows]).all()
    assert s.level[model.replica_of == 3].tolist()[:2] == [0, 1]  # centre, province
    # bodies per government: one (centralized) or three
    bodies = np.bincount([b.jurisdiction for b in model.agents_by_type[Coordinator]])
    assert bodies.tolist() == [1, 3, 1, 1, 1] + [1] * 9
    assert model.desks[1] is not model.offices[1] and model.desks[0] is model.offices[0]
    model.run()
    # nothing crosses replicas: sharing links, platform waits and uses, projects
    replica_of_dept = model.replica_of[model.dept_jur]
    links = np.array(sorted(model.sharing_links), dtype=np.int64).reshape(-1, 2)
    assert len(links) and (replica_of_dept[links[:, 0]] == replica_of_dept[links[:, 1]]).all()
    depts, ks = np.nonzero(model.wait_target >= 0)
    assert (model.replica_of[model.wait_target[depts, ks]] == replica_of_dept[depts]).all()
    book = model.projects
    assert (book.view("jur") == model.dept_jur[book.view("dept")]).all()
    # the replicas' stocks and totals add up to the whole model's
    from sim.model.outcomes import measure

    whole = measure(model)
    for name in ("n_common_systems", "cum_spending", "n_sharing_links", "cum_proposals_redirected"):
        assert model.current[name].sum() == pytest.approx(whole[name]), name


def test_departments_of_a_replica_follow_single_runs_of_that_size():
    # Replicas of 10 and of 40 departments alternate in batches of 20; each
    # size's replicas follow single runs of that size, and the sizes differ.
    base = load_scenario("dispersed").with_overrides(months=60)
    sizes = (10, 40)
    runs, batch = 50, 20
    batched: dict[int, list[dict[str, float]]] = {n: [] for n in sizes}
    for seed in range(runs * len(sizes) // batch):
        per_replica = [{"n_departments": sizes[r % 2]} for r in range(batch)]
        model = GovernanceModel(
            base.parameters, rng=700 + seed, replicas=batch, replica_parameters=per_replica
        )
        model.run()
        for r in range(batch):
            batched[sizes[r % 2]].append({k: float(v[r]) for k, v in model.current.items()})
    for n in sizes:
        single = []
        for seed in range(runs):
            model = GovernanceModel(base.parameters, rng=7000 + seed, n_departments=n)
            model.run()
            single.append(model.current)
        single, mine = pd.DataFrame(single), pd.DataFrame(batched[n])
        for outcome in (*COMPARED, "cost_per_service_month", "capability_coverage"):
            x, y = single[outcome].to_numpy(), mine[outcome].to_numpy()
            pooled = math.sqrt((x.var(ddof=1) + y.var(ddof=1)) / 2)
            # 50 a side: a gap over 0.55 SD between equal distributions has chance about 0.6%
            assert abs(x.mean() - y.mean()) <= 0.55 * pooled, (n, outcome, x.mean(), y.mean())
            if pooled > 0:
                assert stats.ks_2samp(x, y).pvalue > 0.001, (n, outcome)
    small, large = pd.DataFrame(batched[10]), pd.DataFrame(batched[40])
    assert large["cum_spending"].mean() > 2 * small["cum_spending"].mean()  # the test has power


def test_a_replica_passes_its_own_number_of_signoffs():
    # Sign-offs take one exponential delay per body: three bodies take about
    # three times as long as one, replica by replica, in one batch.
    from sim.model import routes
    from sim.model.capabilities import N_COMMON

    base = load_scenario("dispersed").with_overrides(signoff_delay_months=2.0, n_departments=40)
    bodies = [1, 3] * 10
    model = GovernanceModel(
        base.parameters,
        rng=9,
        replicas=len(bodies),
        replica_parameters=[{"approval_bodies": b} for b in bodies],
    )
    book = model.projects
    before = book.size
    depts = np.arange(model.n_dept)
    routes.propose(model, depts, np.full(len(depts), N_COMMON), np.zeros(len(depts)))
    filed = np.arange(before, book.size)
    waits = book.view("ready_month")[filed] - model.month
    three = np.array(bodies)[model.replica_of[book.view("jur")[filed]]] == 3
    assert waits[~three].mean() == pytest.approx(2.0, rel=0.15)
    assert waits[three].mean() == pytest.approx(6.0, rel=0.15)
    assert waits[~three].var() == pytest.approx(4.0, rel=0.35)  # one exponential: var = mean**2


def test_replication_overrides_ride_along_in_batched_models():
    # compare --posterior: each copy carries its replication's values, layout included.
    from sim.experiments import replications as experiment

    small = [
        load_scenario("centralized").with_overrides(
            months=36, n_departments=10, approval_patience_months=600.0
        )
    ]
    overrides = [
        {"review_capacity": 0.0 if r % 2 == 0 else 5.0, "n_departments": 8 + 4 * (r % 3)}
        for r in range(6)
    ]
    frame, _, governments = experiment.run_replications_with_networks(
        small, 6, root_seed=3, workers=1, progress=False, replication_overrides=overrides
    )
    assert frame.attrs["batch"] == 6  # one model (chosen from the layout, draws counted)
    final = experiment.final_values(frame).set_index("replication")
    redirected = final["cum_proposals_redirected"]
    assert (redirected[0::2] == 0).all() and (redirected[1::2] > 0).all()
    sizes = governments.set_index("replication")["departments"]
    assert sizes.tolist() == [8 + 4 * (r % 3) for r in range(6)]


def test_tallies_by_group_sum_each_groups_governments():
    # Groups in any order, some empty: the sums per group of every tally.
    from sim.model.tallies import TALLIES, Tallies

    rng = np.random.default_rng(1)
    tallies = Tallies(300)
    tallies.matrix[:] = rng.random(tallies.matrix.shape)
    group = rng.integers(0, 200, 300)
    group[group == 7] = 8  # group 7 has no government
    sums = tallies.by_group(group, 201)  # nor has group 200
    names = list(TALLIES)
    for name in names[:5]:
        row = tallies.matrix[tallies.row[name]]
        expected = np.bincount(group, weights=row, minlength=201)
        np.testing.assert_allclose(sums[name], expected, rtol=1e-12)
    assert sums[names[0]][7] == 0 and sums[names[0]][200] == 0


def test_a_five_level_copy_shares_a_batch_with_flat_and_four_level_copies():
    base = load_scenario("centralized").with_overrides(months=24)
    province = {"n_provinces": 1, "n_prefectures": 2, "n_counties": 4, "n_ministries": 6}
    layouts = [
        {"n_departments": 10},
        {**province, "n_townships": 12, "township_offices": 4, "n_departments": 9},
        {**province, "n_townships": 0, "n_departments": 9},
        {**province, "n_townships": 8, "township_offices": 7, "n_departments": 9},
    ]
    model = GovernanceModel(base.parameters, rng=2, replicas=4, replica_parameters=layouts)
    s = model.structure
    assert np.bincount(model.replica_of).tolist() == [1, 1 + 1 + 2 + 4 + 12, 1 + 1 + 2 + 4, 16]
    assert s.ancestors.shape[1] == 4  # as deep as the deepest copy
    townships = s.level == 4
    offices = s.size[townships]
    of = model.replica_of[townships]
    assert ((offices >= 2) & (offices <= 6))[of == 1].all() and (offices[of == 3] >= 5).all()
    linked = s.ancestors >= 0
    rows = np.nonzero(linked)[0]
    assert (model.replica_of[s.ancestors[linked]] == model.replica_of[rows]).all()
    assert (model.replica_of[s.root] == model.replica_of).all()
    model.run()
    assert np.isfinite(model.current["cum_spending"]).all()
    assert model.current["n_redundant_across_levels"][0] == 0  # the flat copy has no levels
