"""Each mechanism's effect in isolation.

Every comparison runs two settings that differ in one lever or uncertainty
(the rest held at the stated values) over the same seeds in a small world and
asserts the direction of the means. Where a mechanism switches something off
entirely, the test asserts the exact zero too.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import SMALL, final, make_model, run_model

from sim.model.agents import Coordinator, Department, Leader, TechnicalServiceCenter
from sim.model.governance import GovernanceModel
from sim.model.state import NO_NEED

SEEDS = range(6)


def compare(column: str, a: dict, b: dict, design=None, seeds=SEEDS, **common):
    """Return the final ``column`` of settings ``a`` and ``b`` (paired seeds)."""
    base = {**SMALL, **common}
    fa = final(design, seeds, **{**base, **a})[column]
    fb = final(design, seeds, **{**base, **b})[column]
    return fa, fb


def show(fa: pd.Series, fb: pd.Series) -> str:
    return f"A mean {fa.mean():.3f} {fa.tolist()} vs B mean {fb.mean():.3f} {fb.tolist()}"


# ------------------------------------------------------------------- needs arise
def test_short_need_delay_makes_more_common_needs_arise_by_month_24():
    def arisen(delay: float) -> list[int]:
        counts = []
        for seed in SEEDS:
            model = run_model(None, seed, n_departments=15, months=24, need_delay_months=delay)
            counts.append(int((model.access != NO_NEED).sum()))
        return counts

    quick, slow = arisen(3.0), arisen(60.0)
    assert np.mean(quick) > np.mean(slow) * 1.5, (quick, slow)
    assert all(q > s for q, s in zip(quick, slow, strict=True)), (quick, slow)


# ---------------------------------------------------------- build, reuse, share
def test_technical_center_and_master_plan_lead_to_platform_adoption():
    on, off = compare(
        "platform_adoption_rate",
        {"technical_center_capacity": 2},
        {"technical_center_capacity": 0},
        master_plan=1.0,
        unified_budget=1.0,
        months=60,
    )
    assert on.mean() > 0, show(on, off)
    assert (off == 0).all(), show(on, off)
    platforms_off = final(None, SEEDS, **SMALL, technical_center_capacity=0, master_plan=1.0)
    assert (platforms_off["n_platforms_operating"] == 0).all()


# ------------------------------------------------------------------------ review
REVIEW = {
    "review_coverage": 1.0,
    "registry_completeness": 1.0,
    "technical_center_capacity": 2,
    "master_plan": 1.0,
    "unified_budget": 0.6,
}


def test_review_with_authority_redirects_proposals_and_without_it_none():
    on, off = compare(
        "cum_proposals_redirected",
        {"review_authority": 1.0},
        {"review_authority": 0.0},
        **REVIEW,
    )
    assert (on > 0).all(), show(on, off)
    assert (off == 0).all(), show(on, off)


def test_review_authority_reduces_duplicate_projects():
    on, off = compare(
        "cum_duplicate_projects",
        {"review_authority": 1.0},
        {"review_authority": 0.0},
        attention_dependence=0.0,
        **REVIEW,
    )
    assert on.mean() < off.mean(), show(on, off)


def test_zero_review_capacity_makes_the_queue_grow_and_coverage_fall():
    # Departments that never lose patience (issue 25: otherwise they build
    # without approval after approval_patience_months) wait for ever.
    common = {**SMALL, "review_coverage": 1.0, "approval_patience_months": 600.0}
    stuck = [run_model(None, s, review_capacity=0.0, **common).outcomes_frame() for s in SEEDS]
    for frame in stuck:
        queue = frame["review_queue_length"]
        # Nothing leaves the queue but projects dropped on turnover.
        assert queue.iloc[-1] > queue.iloc[24] > queue.iloc[12] > 0, queue.tolist()
    served = final(None, SEEDS, review_capacity=30.0, **common)
    stuck_final = pd.DataFrame([f.iloc[-1] for f in stuck])
    assert stuck_final["capability_coverage"].mean() < served["capability_coverage"].mean()
    assert stuck_final["review_queue_length"].mean() > served["review_queue_length"].mean()


# ------------------------------------------------------------------------ budget
def test_platforms_come_sooner_from_the_unified_pool_than_from_fees():
    # Without a pool a center lives on the fees of the departments waiting
    # for its platforms (tests/test_running_costs_and_routes.py), which come
    # slowly: within 60 months few fee-funded platforms are finished here.
    pooled, departmental = compare(
        "n_platforms_operating",
        {"unified_budget": 1.0},
        {"unified_budget": 0.0},
        technical_center_capacity=2,
        master_plan=1.0,
        months=60,
    )
    assert (pooled > 0).all(), show(pooled, departmental)
    assert (pooled > departmental).all(), show(pooled, departmental)


def test_tiny_annual_budget_leaves_more_unfinished_projects():
    poor, rich = compare(
        "n_unfinished_projects",
        {"annual_budget": 0.05},
        {"annual_budget": 5.0},
        stall_months=6,
    )
    assert poor.mean() > rich.mean(), show(poor, rich)
    assert (poor > 0).all(), show(poor, rich)


# ------------------------------------------------------------------ construction
def test_low_it_capacity_slows_service():
    weak, strong = compare(
        "mean_months_to_service",
        {"it_capacity_mean": 0.05},
        {"it_capacity_mean": 0.9},
        annual_budget=5.0,  # money is not the bottleneck here
    )
    assert weak.mean() > strong.mean(), show(weak, strong)


# --------------------------------------------------------------------- standards
def test_enforced_standards_raise_the_common_standard_share():
    enforced, paper = compare(
        "common_standard_share",
        {"standard_enforcement": 1.0},
        {"standard_enforcement": 0.0},
        review_authority=1.0,
        attention_dependence=0.0,
    )
    assert enforced.mean() > paper.mean() + 0.2, show(enforced, paper)


# ------------------------------------------------------------------ data sharing
def test_willing_holders_share_more_data():
    willing, unwilling = compare(
        "data_sharing_rate",
        {"willingness_to_share_mean": 0.9},
        {"willingness_to_share_mean": 0.1},
    )
    assert willing.mean() > unwilling.mean(), show(willing, unwilling)


def test_sharing_risk_lowers_data_sharing():
    risky, safe = compare("data_sharing_rate", {"sharing_risk": 2.5}, {"sharing_risk": 0.0})
    assert risky.mean() < safe.mean(), show(risky, safe)


def test_refused_data_is_recollected_at_a_cost():
    risky, safe = compare(
        "n_redundant_data_collections", {"sharing_risk": 2.5}, {"sharing_risk": 0.0}
    )
    assert risky.mean() > safe.mean(), show(risky, safe)


# ------------------------------------------------------------------ coordination
def test_proactive_coordination_needs_capacity_to_deliver_joint_services():
    staffed, empty = compare(
        "cum_services_delivered",
        {"coordination_capacity": 10.0},
        {"coordination_capacity": 0.0},
        coordination_proactive=1.0,
        services_per_department_year=0.3,
    )
    assert staffed.mean() > 0, show(staffed, empty)
    assert (empty == 0).all(), show(staffed, empty)


def test_proactive_coordination_delivers_more_than_passive():
    proactive, passive = compare(
        "cum_services_delivered",
        {"coordination_proactive": 1.0},
        {"coordination_proactive": 0.0},
        services_per_department_year=0.3,
        max_service_departments=8,
    )
    assert proactive.mean() > passive.mean(), show(proactive, passive)


# ------------------------------------------------------------------- supervision
def test_audits_and_sanctions_deter_duplicates_when_alternatives_exist():
    # Deterrence only bites where the head knows of something usable (a
    # platform or a peer's system), so it is tested with the centralized
    # design's platforms.
    strict, lax = compare(
        "cum_duplicate_projects",
        {"audit_rate": 1.0, "sanction_strength": 5.0},
        {"audit_rate": 0.0, "sanction_strength": 0.0},
        design="centralized",
        seeds=range(8),
        n_departments=20,
        months=60,
    )
    assert strict.mean() < lax.mean(), show(strict, lax)


# ---------------------------------------------------------------------- turnover
def test_short_tenure_abandons_more_projects():
    short, long = compare(
        "cum_abandoned_projects",
        {"leader_tenure_months": 6.0},
        {"leader_tenure_months": 600.0},
    )
    assert short.mean() > long.mean() + 10, show(short, long)


def test_permanent_body_protects_reviewed_projects():
    permanent, temporary = compare(
        "cum_abandoned_projects",
        {"body_permanence": 1.0},
        {"body_permanence": 0.0},
        leader_tenure_months=6.0,
        review_coverage=1.0,
    )
    assert permanent.mean() < temporary.mean(), show(permanent, temporary)


def test_no_abandonment_without_turnover_risk():
    none, some = compare(
        "cum_abandoned_projects",
        {"abandon_on_turnover": 0.0},
        {"abandon_on_turnover": 0.5},
        leader_tenure_months=6.0,
    )
    assert (none == 0).all() and some.mean() > 0, show(none, some)


# ---------------------------------------------------------------- policy changes
def test_policy_change_takes_effect_in_its_month_and_not_before():
    model = GovernanceModel(
        rng=3,
        n_departments=10,
        months=24,
        policy_changes=((10, {"review_coverage": 0.9, "technical_center_capacity": 2}),),
    )
    for _ in range(10):
        model.step()
    assert model.month == 10
    assert model.p.review_coverage == pytest.approx(0.1)
    assert all(c is None for c in model.centers)
    model.step()
    assert model.p.review_coverage == pytest.approx(0.9)
    assert model.p.technical_center_capacity == 2
    assert all(isinstance(c, TechnicalServiceCenter) for c in model.centers)
    model.run()
    assert model.month == 24
    assert model.p.review_coverage == pytest.approx(0.9)


def test_gradual_reform_scenario_switches_at_its_month():
    model = make_model("gradual_reform", 0, n_departments=10, months=60)
    (switch, change), *_ = model.policy_changes.items()
    for _ in range(switch):
        model.step()
    assert model.p.review_authority != change["review_authority"]
    model.step()
    for name, value in change.items():
        assert getattr(model.p, name) == value, name


# ------------------------------------------------------------------- determinism
def test_same_seed_gives_identical_outcomes_and_different_seeds_differ():
    def frame(seed: int) -> pd.DataFrame:
        return run_model("centralized", seed, **SMALL).outcomes_frame()

    pd.testing.assert_frame_equal(frame(7), frame(7))
    assert not frame(7).equals(frame(8))


def test_outcomes_frame_has_one_row_per_month():
    frame = run_model(None, 0, **SMALL).outcomes_frame()
    assert len(frame) == SMALL["months"] + 1
    assert frame["month"].tolist() == list(range(SMALL["months"] + 1))


# ------------------------------------------------------------------------ agents
@pytest.mark.parametrize(("bodies", "centers"), [(3, 0), (1, 2)])
def test_agents_exist_in_the_right_numbers(bodies, centers):
    model = GovernanceModel(
        rng=0,
        n_jurisdictions=2,
        n_departments=12,
        months=12,
        approval_bodies=bodies,
        technical_center_capacity=centers,
    )
    by_type = model.agents_by_type
    assert len(by_type[Department]) == 24
    leaders = list(by_type[Leader])
    assert len(leaders) == 24 + 2
    assert sum(leader.is_top for leader in leaders) == 2
    assert len(by_type[Coordinator]) == 2 * bodies
    if centers:
        assert len(by_type[TechnicalServiceCenter]) == 2
    else:
        assert TechnicalServiceCenter not in by_type or len(by_type[TechnicalServiceCenter]) == 0
    # Each government has one reviewing office and one coordinating desk.
    assert len(model.offices) == len(model.desks) == 2
    if bodies == 1:
        assert all(o is d for o, d in zip(model.offices, model.desks, strict=True))
    else:
        assert all(o is not d for o, d in zip(model.offices, model.desks, strict=True))
    dept = model.departments[13]
    assert dept.jurisdiction == 1
    assert dept.budget == model.balance[13]
