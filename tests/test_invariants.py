"""Invariants that must hold in every scenario, every seed and every month.

Each shipped scenario file runs in a small world (10 departments per
government, 60 months so that gradual_reform's switch at month 48 happens),
stepped by hand so that the model's state can be checked after each month.
The duplication count is recomputed here from the raw state
(``model.access == OWN`` per government plus operating platforms), not read
from ``sim/model/outcomes.py``.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import make_model

from sim.experiments.inputs.scenarios import load_scenario, scenario_names
from sim.model.outcomes import OUTCOME_NAMES
from sim.model.state import (
    DATA_FOREGONE,
    DATA_PENDING,
    DATA_SHARED,
    OWN,
    PLATFORM_NONE,
    PLATFORM_OPERATING,
)

SEEDS = (0, 1, 2)
MONTHS = 60
N_DEPARTMENTS = 10

SHARES = (
    "duplication_rate",
    "data_sharing_rate",
    "sharing_gap",
    "platform_adoption_rate",
    "common_standard_share",
    "capability_coverage",
    "joint_service_rate",
    "duplicate_project_share",
    "project_failure_share",
    "project_partial_failure_share",
    "duplicative_common_share",
    "staff_bill_paid_share",
    "platform_upkeep_paid_share",
    "system_upkeep_paid_share",
    "staff_capacity_worked_share",
    "approval_bypass_share",
)
COUNTS = tuple(n for n in OUTCOME_NAMES if n.startswith(("n_", "cum_"))) + (
    "review_queue_length",
    "mean_review_wait_months",
    "mean_months_to_service",
    "spending_per_capability",
)
CUMULATIVE = tuple(n for n in OUTCOME_NAMES if n.startswith("cum_"))


def test_every_scenario_file_is_covered():
    # A guard: the parametrization below must see the shipped files.
    assert len(scenario_names()) >= 12


def _independent_redundancy(model) -> tuple[float, float]:
    """Recompute (redundant, total) common-system instances from raw state."""
    own = np.zeros(model.platform_status.shape, dtype=np.int64)
    for j in range(model.n_jur):
        rows = model.dept_jur == j
        own[j] = (model.access[rows] == OWN).sum(axis=0)
    operating = (model.platform_status == PLATFORM_OPERATING).astype(np.int64)
    instances = own + operating
    redundant = sum(max(0, int(v) - 1) for v in instances.ravel())
    return float(redundant), float(instances.sum())


def small_world(name: str) -> dict:
    """Overrides that shrink a scenario's world; multi-level ones keep every level."""
    params = load_scenario(name).parameters
    world = {"n_departments": N_DEPARTMENTS, "months": MONTHS, "department_spread": 0}
    if params.n_provinces:
        world.update(n_provinces=2, n_prefectures=min(params.n_prefectures, 3))
        world.update(n_counties=min(params.n_counties, 6))
        world.update(n_townships=min(params.n_townships, 12))
    return world


@pytest.mark.parametrize("name", scenario_names())
@pytest.mark.parametrize("seed", SEEDS)
def test_scenario_invariants_hold_every_month(name, seed):
    model = make_model(name, seed, **small_world(name))
    previous = dict(model.current)
    for _ in range(MONTHS):
        model.step()
        now = model.current
        month = model.month
        where = f"{name}, seed {seed}, month {month}"

        assert set(now) == set(OUTCOME_NAMES)
        assert all(np.isfinite(v) for v in now.values()), where

        # Money: no department ever spends more than it has.
        assert model.balance.min() >= -1e-9, f"{where}: balance {model.balance.min()}"
        assert np.all(model.pool >= -1e-9), f"{where}: pool {model.pool.min()}"

        for col in COUNTS:
            assert now[col] >= 0, f"{where}: {col} = {now[col]}"
        for col in SHARES:
            assert -1e-12 <= now[col] <= 1 + 1e-12, f"{where}: {col} = {now[col]}"
        for col in CUMULATIVE:
            assert now[col] >= previous[col] - 1e-9, (
                f"{where}: {col} fell from {previous[col]} to {now[col]}"
            )

        # Duplication agrees with the systems that exist.
        redundant, instances = _independent_redundancy(model)
        assert now["n_redundant_common_systems"] == redundant, where
        assert now["n_common_systems"] == instances, where
        assert now["n_platforms_operating"] == float(
            (model.platform_status == PLATFORM_OPERATING).sum()
        ), where
        if model.p.technical_center_capacity == 0 and all(c is None for c in model.centers):
            # Without a center, every platform is co-built by a lead department.
            exists = model.platform_status != PLATFORM_NONE
            assert (model.platform_lead[exists] >= 0).all(), where

        # The sharing gap is measured on the useful data needs, recounted here
        # from the needs themselves (not from the running totals).
        arisen = model.data_status != DATA_PENDING
        useful = arisen & model.data_useful
        if useful.any():
            unshared = useful & (model.data_status != DATA_SHARED)
            assert now["sharing_gap"] == pytest.approx(unshared.sum() / useful.sum()), where
        # A foregone need was not worth its requester's own cost of sharing,
        # and a need worth both sides' costs was never foregone.
        foregone = model.data_status == DATA_FOREGONE
        most = model.p.interface_cost_share + model.p.bridging_cost_share
        assert (model.data_value[foregone] <= most).all(), where
        assert not (foregone & model.data_useful).any(), where

        # Redirections cannot outnumber reviews; resolved cases cannot
        # outnumber opened ones.
        assert now["cum_proposals_redirected"] <= model.tallies.total("reviews_done"), where
        assert now["cum_coordination_cases_resolved"] <= now["cum_coordination_cases_opened"], where
        previous = dict(now)

    frame = model.outcomes_frame()
    assert len(frame) == MONTHS + 1
    assert list(frame["month"]) == list(range(MONTHS + 1))


@pytest.mark.parametrize("name", ["dispersed", "centralized", "gradual_reform"])
def test_delivery_running_totals_agree_with_a_full_scan(name):
    # The outcomes keep running totals of needs arisen and served; recount
    # them from the raw need arrays every month.
    from sim.model.state import NO_NEED, PLATFORM_USER

    model = make_model(name, 3, **small_world(name))
    for _ in range(MONTHS):
        model.step()
        t, now = model.month, model.current
        arisen = model.access != NO_NEED
        served = model.served_month <= t
        b_arisen = model.business_need_month < t
        b_served = model.business_served_month <= t
        n_needs = arisen.sum() + b_arisen.sum()
        n_served = served.sum() + b_served.sum()
        age = (np.where(served, model.served_month, t) - model.need_month)[arisen].sum()
        age += (np.where(b_served, model.business_served_month, t) - model.business_need_month)[
            b_arisen
        ].sum()
        assert now["capability_coverage"] == pytest.approx(n_served / n_needs)
        assert now["mean_months_to_service"] == pytest.approx(age / n_needs)
        months = (t - model.served_month[served]).sum() + (
            t - model.business_served_month[b_served]
        ).sum()
        lost = model.tallies.total("outage_user_months")
        lost += model.tallies.total("upkeep_lost_service_months")
        assert now["cum_service_months"] == pytest.approx(months - lost)
        users = (model.access == PLATFORM_USER).sum()
        assert now["platform_adoption_rate"] == pytest.approx(users / max(arisen.sum(), 1))


@pytest.mark.parametrize("name", ["dispersed", "centralized", "attached_to_line_department"])
def test_project_fate_shares_agree_with_the_project_book(name):
    # The two shares calibrated against observed numbers (GAO-12-241, Heeks
    # 2003) come from running totals; recount them from the project book and
    # the platform arrays every month.
    from sim.model.projects import Status
    from sim.model.state import BUSINESS

    model = make_model(name, 4, **small_world(name))
    for _ in range(MONTHS):
        model.step()
        now, book = model.current, model.projects
        status, kind = book.view("status"), book.view("kind")
        stalled = (status == Status.BUILDING) & (
            book.view("stalled") >= model.params(book.view("jur")).stall_months
        )
        platforms = float((model.platform_status == PLATFORM_OPERATING).sum())
        # Platforms dropped by a reorganization are the abandonments not in the book.
        platforms_dropped = model.tallies.total("abandoned_projects") - float(
            (status == Status.ABANDONED).sum()
        )
        assert platforms_dropped >= 0
        failed = (status == Status.ABANDONED).sum() + stalled.sum() + platforms_dropped
        done = (status == Status.DONE).sum() + platforms
        expected = failed / (failed + done) if failed + done else 0.0
        assert now["project_failure_share"] == pytest.approx(expected)
        # Duplicates (overlap-based) per common need served (issue 25), the
        # needs recounted from the need arrays: those served now plus those
        # whose service ended when their system retired (served again, they
        # count again); a duplicate is an own system, so it is at most the
        # own systems completed.
        served = float((model.served_month <= model.month).sum())
        served += model.tallies.total("needs_service_ended")
        expected = now["cum_duplicate_projects"] / served if served else 0.0
        assert now["duplicate_project_share"] == pytest.approx(expected)
        own_done = ((status == Status.DONE) & (kind != BUSINESS)).sum()
        assert now["cum_duplicate_projects"] <= own_done
