"""Mechanism tests of issue 25 items 1, 2 and 6: costs that bind, routes around delay,
and a bottom line that cannot be gamed by delivering less.

Each mechanism test compares paired seeds with one setting changed and asserts a
difference the mechanism must produce (and that fails if it is switched off).
The starved-office test runs 30 paired replications, batched, and judges every
headline outcome by the 95% CI of its paired difference.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import final, make_model, run_model, show
from conftest import paired as conftest_paired

from sim.analysis.comparison import compare
from sim.experiments.inputs.scenarios import load_scenario
from sim.experiments.replications import HEADLINE_OUTCOMES
from sim.model import behaviour, running_costs
from sim.model.state import PLATFORM_BUILDING

SEEDS = range(6)
SMALL = {"n_departments": 20, "months": 72}
LONG = {"n_departments": 20, "months": 120}
#: Staff and money such that much of the staff bill cannot be paid.
COSTLY_STAFF = {
    "review_staff_cost": 2.0,
    "coordination_staff_cost": 2.0,
    "center_staff_cost": 8.0,
    "annual_budget": 0.4,
}


def paired(column: str, a: dict, b: dict, design=None, seeds=SEEDS, **common):
    """This file's world (``SMALL``) and seeds; see ``conftest.paired``."""
    return conftest_paired(column, a, b, design, seeds, small=SMALL, **common)


# ------------------------------------------------------------- costs that bind
def test_unpaid_staff_work_only_the_paid_share_of_their_capacity():
    # Without reorganizations (permanent body) the review capacity worked is
    # exactly the nominal capacity times the share of the staff bill paid.
    runs = final("centralized", SEEDS, **SMALL, **COSTLY_STAFF, body_permanence=1.0)
    paid = runs["staff_bill_paid_share"]
    assert (paid < 0.95).all(), paid.tolist()
    expected = 5.0 * paid
    assert np.allclose(runs["mean_review_capacity_worked"], expected), (
        runs["mean_review_capacity_worked"].tolist(),
        expected.tolist(),
    )
    assert np.allclose(runs["staff_capacity_worked_share"], paid)


def test_a_fully_paid_office_works_at_full_capacity():
    runs = final("centralized", SEEDS, **SMALL, body_permanence=1.0)
    assert (runs["staff_bill_paid_share"] == 1.0).all()
    assert np.allclose(runs["mean_review_capacity_worked"], 5.0)


def test_an_unpaid_office_reviews_less_and_proposals_wait_longer():
    cheap, costly = paired(
        "mean_review_wait_months",
        {"review_staff_cost": 0.0, "coordination_staff_cost": 0.0, "center_staff_cost": 0.0},
        COSTLY_STAFF,
        "centralized",
        annual_budget=0.4,
        review_capacity=2.0,
    )
    assert costly.mean() > cheap.mean(), show(cheap, costly)


def test_staff_share_is_this_months_bill_paid():
    # Unit check: empty purses this month mean no staff work this month.
    model = make_model("centralized", 0, **SMALL)
    for _ in range(3):
        model.step()
    assert (model.staff_paid_share == 1.0).all()
    model.pool[:] = 0.0
    model.balance[:] = 0.0
    running_costs.pay_running_costs(model)
    assert (model.staff_paid_share == 0.0).all()


def test_unpaid_platform_upkeep_makes_platforms_fail():
    # Staff ten times the default cost: platforms get built, but their
    # upkeep competes with the staff for the money (much of both unpaid).
    common = {
        "review_staff_cost": 0.8,
        "coordination_staff_cost": 0.8,
        "center_staff_cost": 10.0,
        "operation_cost_share": 0.3,
        "platform_outage_rate": 0.0,
    }
    never, fails = paired(
        "platform_upkeep_paid_share",
        {"unpaid_upkeep_failure": 0.0},
        {"unpaid_upkeep_failure": 1.0},
        "centralized",
        months=120,
        **common,
    )
    assert fails.mean() < 0.9, show(never, fails)
    outages = [
        run_model("centralized", s, **LONG, **common, unpaid_upkeep_failure=f).tallies.total(
            "platform_outages"
        )
        for f in (0.0, 1.0)
        for s in SEEDS
    ]
    without, with_ = np.array(outages[: len(SEEDS)]), np.array(outages[len(SEEDS) :])
    assert (without == 0).all(), without
    assert with_.sum() > 0, with_


def test_unpaid_system_upkeep_costs_service():
    common = {"operation_cost_share": 0.5, "annual_budget": 0.3}
    kept, lost = paired(
        "cum_service_months",
        {"unpaid_upkeep_failure": 0.0},
        {"unpaid_upkeep_failure": 1.0},
        **common,
    )
    assert (lost <= kept).all() and lost.mean() < kept.mean(), show(kept, lost)
    runs = final(None, SEEDS, **SMALL, **common)
    assert (runs["system_upkeep_paid_share"] < 1.0).all()


def test_departments_keep_back_the_years_upkeep():
    model = make_model(None, 1, **SMALL, operation_cost_share=0.2)
    for _ in range(30):
        model.step()
    kept = running_costs.kept_back_by_departments(model)
    months_left = 11 - model.month % 12
    # The bills still due this year, each grown with the systems' age
    # (issue 25, upkeep_age_growth), summed month by month.
    growth = model.params(model.dept_jur).upkeep_age_growth
    due = sum(
        running_costs.aged(model.system_upkeep, model.system_upkeep_age, model.month + m, growth)
        for m in range(1, months_left + 1)
    )
    assert np.allclose(kept, due)
    assert (kept >= model.system_upkeep * months_left - 1e-9).all()
    assert kept.sum() > 0


# ------------------------------------------------------- routes around delay
def test_bypass_utilities_favour_building_when_the_wait_is_long():
    short, long = (
        behaviour.bypass_utilities(
            expected_wait_months=np.array([months]),
            deterrence=np.array([0.3]),
            weight=np.array([1.0]),
            cost=np.array([1.0]),
            pool_share=0.6,
        )[0]
        for months in (1.0, 120.0)
    )
    assert short[behaviour.KEEP_WAITING] > short[behaviour.BUILD_ANYWAY]
    assert long[behaviour.KEEP_WAITING] < long[behaviour.BUILD_ANYWAY]


def test_departments_build_without_approval_before_an_overloaded_office():
    patient, impatient = paired(
        "approval_bypass_share",
        {"approval_patience_months": 600.0},
        {"approval_patience_months": 12.0},
        "centralized",
        review_capacity=0.5,
    )
    assert (patient == 0).all(), show(patient, impatient)
    assert (impatient > 0.2).all(), show(patient, impatient)
    queue_patient, queue_impatient = paired(
        "review_queue_length",
        {"approval_patience_months": 600.0},
        {"approval_patience_months": 12.0},
        "centralized",
        review_capacity=0.5,
    )
    assert (queue_impatient < queue_patient).all(), show(queue_patient, queue_impatient)


def test_a_well_staffed_office_is_rarely_bypassed():
    runs = final("centralized", SEEDS, **SMALL)
    assert runs["approval_bypass_share"].mean() < 0.02, runs["approval_bypass_share"].tolist()


def test_slow_sign_offs_are_bypassed_too():
    patient, impatient = paired(
        "approval_bypass_share",
        {"approval_patience_months": 600.0},
        {"approval_patience_months": 6.0},
        signoff_delay_months=12.0,
    )
    assert (patient == 0).all() and (impatient > 0).all(), show(patient, impatient)


def test_audits_of_unapproved_projects_deter_bypassing():
    lenient, strict = paired(
        "approval_bypass_share",
        {"audit_rate": 0.0, "sanction_strength": 0.0},
        {"audit_rate": 1.0, "sanction_strength": 2.0},
        "centralized",
        review_capacity=0.5,
    )
    assert strict.mean() < lenient.mean(), show(lenient, strict)
    strict_findings, lenient_findings = (
        run_model(
            "centralized", 2, **SMALL, review_capacity=0.5, audit_rate=a, sanction_strength=s
        ).tallies.total("audit_findings")
        for a, s in ((1.0, 2.0), (0.0, 0.0))
    )
    assert strict_findings > 0 and lenient_findings == 0


@pytest.mark.parametrize("seed", range(4))
def test_stalled_centre_platforms_are_dropped_and_free_their_slot(seed):
    model = make_model("attached_to_line_department", seed, **LONG)
    limit = model.p.platform_stall_limit_months
    for _ in range(LONG["months"]):
        model.step()
        centre = (model.platform_status == PLATFORM_BUILDING) & (model.platform_lead < 0)
        idle = model.month - 1 - model.platform_last_progress[centre]
        assert (idle < limit).all(), (model.month, idle)
    never = make_model(
        "attached_to_line_department", seed, **LONG, platform_stall_limit_months=600.0
    )
    never.run()
    assert never.tallies.total("platforms_dropped_stalled") == 0


def test_some_stalled_platforms_are_dropped_in_attached_to_line_department():
    runs = final("attached_to_line_department", range(8), **LONG)
    assert runs["cum_platforms_dropped_stalled"].sum() > 0


# ------------------------------------------------------------ the bottom line
#: Direction in which each judged outcome is worse.
WORSE = {
    "n_redundant_common_systems": "higher",
    "duplication_rate": "higher",
    "data_sharing_rate": "lower",
    "platform_adoption_rate": "lower",
    "mean_months_to_service": "higher",
    "cost_per_service_month": "higher",
    "cum_service_months": "lower",
    "capability_coverage": "lower",
    "duplicate_project_share": "higher",
}
#: Headline outcomes not judged: total spending is an input, lower when less is
#: built; it is judged through cost per service month (see the report of issue 25).
NOT_JUDGED = {"cum_spending"}


def test_a_starved_office_improves_no_headline_outcome():
    # Issue 25 item 6: review capacity 0.5 instead of 5 (centralized), 30
    # paired replications. No judged outcome may be better at 0.5 with a 95%
    # CI that excludes zero.
    assert set(HEADLINE_OUTCOMES) - NOT_JUDGED <= set(WORSE), "judge every headline outcome"
    base = load_scenario("centralized")
    designs = [
        base.with_overrides(name="staffed", review_capacity=5.0),
        base.with_overrides(name="starved", review_capacity=0.5),
    ]
    result = compare(designs, replications=30, workers=1, progress=False, batch=30)
    paired_diff = result.paired.set_index("outcome")
    better = []
    for outcome, worse in WORSE.items():
        d = paired_diff.loc[outcome]
        low, high = float(d["ci_low"]), float(d["ci_high"])
        if (high < 0) if worse == "higher" else (low > 0):
            better.append(f"{outcome}: {d['mean_difference']:.4g} [{low:.4g}, {high:.4g}]")
    assert not better, "a starved office improves " + "; ".join(better)
    bypass = paired_diff.loc["approval_bypass_share"]
    assert bypass["ci_low"] > 0, bypass


def test_the_bottom_line_is_one_group_of_rows_in_the_table_and_the_report(tmp_path):
    from sim.reporting import experiment_folder, report, terminal

    small = {"months": 24, "n_departments": 10}
    result = experiment_folder.run_experiment(
        [load_scenario(n).with_overrides(**small) for n in ("dispersed", "centralized")],
        replications=2,
        root_seed=3,
        workers=1,
        progress=False,
        out_dir=tmp_path / "r",
    )
    lines = terminal.format_report(result).splitlines()
    group = lines.index(
        next(line for line in lines if line.startswith("Bottom line, read together"))
    )
    labels = [line for line in lines[group + 1 :] if line and not line.startswith(" ")]
    assert labels[:3] == [
        "Cost per service month (budget units per need-month)",
        "Service delivered (need-months)",
        "Needs covered (share)",
    ], labels
    html = (result.out_dir / "report.html").read_text(encoding="utf-8")
    head = html.index("<tr class='group'>")
    rows = [html.index(f">{text} (") for text in ("Total spending", "Cost per service month")]
    assert rows[0] < head < rows[1]
    assert html.count("<tr class='group'>") == 1
    assert report.HEADLINE_OUTCOMES[-3:] == (
        "cost_per_service_month",
        "cum_service_months",
        "capability_coverage",
    )
