"""Mechanism tests of running costs, shared routes without a centre and delivery outcomes.

MODEL.md 3.10 and 3.11 (issue 11): every body and system costs money while it
exists, departments share where it pays even without a centre, and outcomes
count what was delivered. Each test compares paired seeds with one setting
changed and asserts a difference that the mechanism must produce (and that
would fail if the mechanism were switched off).
"""

from __future__ import annotations

import numpy as np
from conftest import final, run_model, show
from conftest import paired as conftest_paired

from sim.model.running_costs import staff_cost_per_month
from sim.model.state import PLATFORM_NONE

SEEDS = range(6)
SMALL = {"n_departments": 20, "months": 72}


def paired(column: str, a: dict, b: dict, design=None, seeds=SEEDS, **common):
    """This file's world (``SMALL``) and seeds; see ``conftest.paired``."""
    return conftest_paired(column, a, b, design, seeds, small=SMALL, **common)


# ---------------------------------------------------------------- running costs
def test_staff_are_paid_every_month_in_proportion_to_capacity():
    model = run_model("centralized", 1, **SMALL)
    expected = staff_cost_per_month(model) * SMALL["months"]
    paid = model.current["cum_governance_cost"]
    assert paid > 0
    # Paid in full while the government has money (it always has some here).
    assert abs(paid - expected) < 1e-6 * expected, (paid, expected)


def test_a_larger_office_costs_more_and_leaves_less_to_build_with():
    big, small = paired(
        "cum_governance_cost", {"review_capacity": 30.0}, {"review_capacity": 3.0}, "centralized"
    )
    assert (big > small).all(), show(big, small)
    # The staff come out of the same money: under a tight budget, less is
    # left for systems and platforms.
    tight = {"review_staff_cost": 1.0, "annual_budget": 0.6}
    rich, poor = (
        final("centralized", SEEDS, **SMALL, **tight, review_capacity=c) for c in (3.0, 30.0)
    )
    left_rich = rich["cum_spending"] - rich["cum_governance_cost"]
    left_poor = poor["cum_spending"] - poor["cum_governance_cost"]
    assert left_poor.mean() < left_rich.mean(), show(left_poor, left_rich)


def test_operation_and_maintenance_is_paid_for_what_was_built():
    none, some = paired(
        "cum_operation_cost", {"operation_cost_share": 0.0}, {"operation_cost_share": 0.3}
    )
    assert (none == 0).all() and (some > 0).all(), show(none, some)


def test_duplicates_keep_costing_their_upkeep():
    # Dispersed builds many redundant systems; their upkeep grows with them.
    runs = final(None, SEEDS, **SMALL, operation_cost_share=0.2)
    corr = np.corrcoef(runs["n_common_systems"], runs["cum_operation_cost"])[0, 1]
    assert (runs["cum_operation_cost"] > 0).all()
    assert corr > 0, corr


# ------------------------------------------------------------ attention is power
def test_without_attention_the_pool_stays_empty_and_platforms_do_not_advance():
    common = {"technical_center_capacity": 2, "master_plan": 1.0, "unified_budget": 1.0}
    dull = run_model(None, 2, **SMALL, **common, top_leader_attention=0.0, attention_dependence=1.0)
    keen = run_model(None, 2, **SMALL, **common, top_leader_attention=1.0, attention_dependence=1.0)
    assert keen.current["n_platforms_operating"] > 0
    assert dull.current["n_platforms_operating"] == 0
    assert dull.pool.max() <= 1e-9


# ------------------------------------------------ shared routes without a centre
def test_departments_co_build_platforms_without_a_centre():
    none, some = paired(
        "n_platforms_operating",
        {"cobuild_propensity": 0.0},
        {"cobuild_propensity": 1.0, "willingness_to_share_mean": 0.9, "free_riding": 0.0},
        months=120,
        annual_budget=4.0,
    )
    assert (none == 0).all(), show(none, some)
    assert some.mean() > 0, show(none, some)


def test_free_riders_starve_a_co_built_platform():
    honest, riders = paired(
        "n_platforms_operating",
        {"free_riding": 0.0},
        {"free_riding": 1.0},
        months=120,
        cobuild_propensity=1.0,
        willingness_to_share_mean=0.9,
        annual_budget=4.0,
    )
    assert (riders == 0).all(), show(honest, riders)
    assert honest.mean() > 0, show(honest, riders)


def test_without_a_centre_every_platform_has_a_lead_department():
    model = run_model(None, 3, **SMALL, cobuild_propensity=1.0, willingness_to_share_mean=0.9)
    exists = model.platform_status != PLATFORM_NONE
    assert (model.platform_lead[exists] >= 0).all()
    assert model.tallies.total("cobuilds_started") > 0


def test_a_centre_without_a_pool_lives_on_fees():
    # attached_to_line_department had platforms stuck at zero progress for ever.
    # Fees need enough departments waiting: with 20 departments most propose
    # their own systems and fee-funded platforms rarely finish in 10 years.
    fees, pooled = paired(
        "n_platforms_operating",
        {"unified_budget": 0.0},
        {"unified_budget": 1.0},
        months=120,
        n_departments=40,
        technical_center_capacity=2,
        master_plan=1.0,
        free_riding=0.0,
    )
    assert fees.mean() > 0, show(fees, pooled)
    assert pooled.mean() >= fees.mean(), show(fees, pooled)


def test_impatient_departments_stop_waiting():
    model = run_model("centralized", 4, **SMALL, platform_patience_months=1.0)
    patient = run_model("centralized", 4, **SMALL, platform_patience_months=600.0)
    assert model.tallies.total("waits_given_up") > 0
    assert patient.tallies.total("waits_given_up") == 0


# ---------------------------------------------------- outcomes that count delivery
def test_outages_cost_service_months():
    steady, shaky = paired(
        "cum_service_months", {"platform_outage_rate": 0.0}, {"platform_outage_rate": 0.5},
        "centralized",
    )  # fmt: skip
    assert (shaky < steady).all(), show(steady, shaky)


def test_cost_per_service_month_is_spending_over_service_months():
    runs = final("centralized", SEEDS, **SMALL)
    expected = runs["cum_spending"] / runs["cum_service_months"].clip(lower=1.0)
    assert np.allclose(runs["cost_per_service_month"], expected)


def test_the_bottom_line_catches_an_office_that_blocks_delivery():
    # An office that can review almost nothing blocks construction. Fewer own
    # systems then get built (and fewer duplicates), so a cost outcome that
    # ignored delivery would improve; coverage and cost per service month
    # must show the failure instead.
    # Departments now build without approval after their patience (issue 25),
    # so a blocked office no longer lowers coverage in every seed (seed 5 of
    # this small world is an exception); on average it does.
    blocked = final("centralized", SEEDS, **SMALL, review_capacity=0.05)
    staffed = final("centralized", SEEDS, **SMALL, review_capacity=5.0)
    coverage_blocked, coverage_staffed = (
        blocked["capability_coverage"],
        staffed["capability_coverage"],
    )
    assert coverage_blocked.mean() < coverage_staffed.mean(), show(
        coverage_blocked, coverage_staffed
    )
    cost_blocked, cost_staffed = (
        blocked["cost_per_service_month"],
        staffed["cost_per_service_month"],
    )
    assert cost_blocked.mean() > cost_staffed.mean(), show(cost_blocked, cost_staffed)


def test_duplication_rate_is_per_common_need_served():
    model = run_model(None, 5, **SMALL)
    served = model.tallies.total("common_needs_served")
    assert model.current["duplication_rate"] == model.current["n_redundant_common_systems"] / served
