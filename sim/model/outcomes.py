"""Outcomes measured every month (MODEL.md section 5).

Names follow Covasim's convention: ``n_`` for stocks, ``cum_`` for running
totals, plain names for rates and means. ``measure`` reads the model's state
and returns one value per outcome; it changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.model.capabilities import N_COMMON
from sim.model.projects import Status
from sim.model.state import PLATFORM_OPERATING

if TYPE_CHECKING:
    from sim.model.governance import GovernanceModel


@dataclass(frozen=True)
class OutcomeSpec:
    """Declaration of one outcome.

    Attributes:
        name: Column name in result tables.
        label: Short human label for charts and tables.
        unit: Unit of the value.
        group: Duplication, sharing, delivery, cost or governance load.
        description: What exactly is counted.
    """

    name: str
    label: str
    unit: str
    group: str
    description: str


_O = OutcomeSpec

OUTCOMES: tuple[OutcomeSpec, ...] = (
    _O(
        "n_redundant_common_systems",
        "Redundant common systems",
        "systems",
        "duplication",
        "Instances of common capabilities beyond one per government (own systems plus "
        "operating platforms, minus one per government and capability).",
    ),
    _O(
        "n_redundant_across_levels",
        "Redundant across levels",
        "systems",
        "duplication",
        "Instances (own systems and platforms) of a capability in governments where a "
        "higher government in their chain also has one; always 0 in a one-level run.",
    ),
    _O(
        "n_common_systems",
        "Common-capability instances",
        "systems",
        "duplication",
        "Own systems and operating shared platforms of common capabilities.",
    ),
    _O(
        "duplication_rate",
        "Duplication rate",
        "share",
        "duplication",
        "Redundant instances per common need served (department and capability): "
        "duplication per capability delivered, so needs left queued or waiting do not "
        "lower it.",
    ),
    _O(
        "cum_duplicate_projects",
        "Duplicate projects built",
        "projects",
        "duplication",
        "Own common systems completed where an instance already existed.",
    ),
    _O(
        "duplicate_project_share",
        "Duplicative share of projects",
        "share",
        "duplication",
        "Duplicate own common systems completed per common need served (issue 25). A "
        "completed own system is a duplicate when more than duplication_overlap_threshold "
        "of its sub-functions are provided by a system its government already has (or one "
        "finished earlier the same month): GAO-12-241's 'potentially duplicative'. The "
        "denominator is the common needs served so far by whatever route (own system, "
        "platform, peer's system; a need served again after its system retired counts "
        "again), so building less (a starved office) does not lower it unless fewer of the "
        "needs served were met by duplicates. The stock measured like GAO is "
        "duplicative_investment_share.",
    ),
    _O(
        "duplicative_investment_share",
        "Potentially duplicative investments",
        "share",
        "duplication",
        "Share of the systems in use this month (own common systems, complementary ones and "
        "old ones kept running, operating platforms, business systems) that belong to a "
        "duplicative group: more than duplication_overlap_threshold of the sub-functions "
        "they and another system of their government provide are provided by both (same "
        "capability, or business systems of one mission family). Measured like GAO-12-241 "
        "(37 of 810 investments, 4.6%): a stock, every member of a group counted.",
    ),
    _O(
        "duplicative_common_share",
        "Potentially duplicative common systems",
        "share",
        "duplication",
        "duplicative_investment_share restricted to the common capabilities, GAO-12-241's "
        "own scope (issue 26): GAO counted, within each department, the investments of three "
        "support functions (human resource, IT and supply chain management) that were "
        "potentially duplicative, all investments of those functions in the denominator. "
        "Here: of the common-capability systems in use this month in a government (own "
        "full, complementary and kept-old systems, operating platforms), the share that "
        "belong to a duplicative group of that government (more than "
        "duplication_overlap_threshold of the sub-functions either provides provided by "
        "both); every member of a group counted; business systems left out. One GAO "
        "department is one model government: GAO looked for duplicates within departments.",
    ),
    _O(
        "common_instances_per_need",
        "Common instances per need",
        "systems per need",
        "duplication",
        "Instances of common capabilities in use (own full systems and operating platforms) "
        "per common need arisen so far (issue 26): near 1 when nearly every department owns "
        "each common system it needed (Shandong before 2017: a private network, machine room "
        "and e-mail system per provincial department), near 0 when a few platforms serve "
        "everyone.",
    ),
    _O(
        "systems_per_department",
        "Systems per department",
        "systems per department",
        "duplication",
        "Systems in use this month (own common systems, complementary and kept-old ones, "
        "operating platforms, business systems) per department (issue 26): what an "
        "inventory of a government's information systems counts (Wuhan's 2020 audit: 637 "
        "systems built by 90 municipal budget units).",
    ),
    _O(
        "cum_systems_retired",
        "Systems retired",
        "systems",
        "duplication",
        "Own common systems decommissioned so far: at the end of their life, or replaced "
        "by a platform, a peer's system or a new own system.",
    ),
    _O(
        "n_redundant_data_collections",
        "Redundant data collections",
        "collections",
        "duplication",
        "Data needs met by collecting data another department holds.",
    ),
    _O(
        "cum_redundant_spending",
        "Redundant spending",
        "budget units",
        "duplication",
        "Money spent on duplicate projects and on collecting data again.",
    ),
    _O(
        "data_sharing_rate",
        "Data sharing rate",
        "share",
        "sharing",
        "Share of data needs that have arisen and were met by sharing.",
    ),
    _O(
        "sharing_gap",
        "Sharing gap",
        "share",
        "sharing",
        "Share of the useful data needs (those whose value covers the requester's and the "
        "holder's costs of sharing together) that are not shared.",
    ),
    _O(
        "n_sharing_links",
        "Sharing links",
        "department pairs",
        "sharing",
        "Pairs of departments linked by shared data or a shared system.",
    ),
    _O(
        "platform_adoption_rate",
        "Platform adoption",
        "share",
        "sharing",
        "Share of arisen common needs served by a shared platform.",
    ),
    _O(
        "common_standard_share",
        "On common standard",
        "share",
        "sharing",
        "Share of departments whose systems follow the common standard.",
    ),
    _O(
        "n_platforms_operating",
        "Platforms operating",
        "platforms",
        "sharing",
        "Shared platforms of the technical service centers in operation.",
    ),
    _O(
        "capability_coverage",
        "Needs covered",
        "share",
        "delivery",
        "Share of arisen common and business needs that are served.",
    ),
    _O(
        "mean_months_to_service",
        "Months to service",
        "months",
        "delivery",
        "Mean months from need to service over arisen needs; needs not yet served "
        "count with their age so far (censored), so stuck needs raise it.",
    ),
    _O(
        "n_unfinished_projects",
        "Unfinished ('beard') projects",
        "projects",
        "delivery",
        "Departmental projects under construction that have stalled for at least "
        "stall_months (shared platforms are not counted).",
    ),
    _O(
        "cum_abandoned_projects",
        "Abandoned projects",
        "projects",
        "delivery",
        "Projects dropped after leader turnover or reorganization, and center platforms "
        "dropped after making no progress for platform_stall_limit_months.",
    ),
    _O(
        "project_failure_share",
        "Project failure share",
        "share",
        "delivery",
        "Share of projects with a fate so far that failed: abandoned, or stalled unfinished "
        "for at least stall_months, among those completed, abandoned or so stalled (projects "
        "still on track are not yet counted). Heeks's (2003) 'total failure' (\"never "
        'implemented"; his "implemented but immediately abandoned" is not measured).',
    ),
    _O(
        "project_partial_failure_share",
        "Project partial failure share",
        "share",
        "delivery",
        "Share of projects with a fate so far (the denominator of project_failure_share) "
        "that were delivered but significantly late: departmental projects completed after "
        "at least stall_months months with under half the money they needed (a 'beard' "
        "project finished in the end). Heeks's (2003) 'partial failure' (\"major goals ... "
        'not attained and/or ... significant undesirable outcomes") in the one form the '
        "model measures: delivery far behind plan. Not measured: systems delivered with "
        "fewer functions or unused; shared platforms are never counted late. It is a lower "
        "bound of Heeks's share.",
    ),
    _O(
        "cum_vanity_projects",
        "Vanity projects",
        "projects",
        "delivery",
        "Completed own systems chosen only because of the head's taste for visibility.",
    ),
    _O(
        "cum_services_delivered",
        "Joint services delivered",
        "services",
        "delivery",
        "Cross-department services with every department joined.",
    ),
    _O(
        "joint_service_rate",
        "Joint services delivered (share)",
        "share",
        "delivery",
        "Share of arisen cross-department services that are delivered.",
    ),
    _O(
        "cum_spending",
        "Total spending",
        "budget units",
        "cost",
        "All money spent: projects, platforms, adoption, data collection and interfaces, "
        "the staff of offices, coordinating bodies and centers, and the operation of "
        "systems and platforms.",
    ),
    _O(
        "cum_governance_cost",
        "Governance cost",
        "budget units",
        "cost",
        "Staff of the reviewing offices, coordinating bodies and technical service centers, "
        "paid so far (part of total spending).",
    ),
    _O(
        "cum_operation_cost",
        "Operation and maintenance",
        "budget units",
        "cost",
        "Operation and maintenance of finished systems and operating platforms, paid so far "
        "(part of total spending).",
    ),
    _O(
        "cum_service_months",
        "Service delivered",
        "need-months",
        "delivery",
        "Months of service delivered so far, summed over needs (common and business), less "
        "the months platform users lost to outages and the (expected) months departmental "
        "systems lost to unpaid upkeep.",
    ),
    _O(
        "cost_per_service_month",
        "Cost per service month",
        "budget units per need-month",
        "cost",
        "Total spending divided by the months of service delivered (at least one): the "
        "bottom line. A run that delivers nothing costs all it spent.",
    ),
    _O(
        "spending_per_capability",
        "Spending per need served",
        "budget units",
        "cost",
        "Total spending divided by needs served.",
    ),
    _O(
        "staff_bill_paid_share",
        "Staff bill paid",
        "share",
        "cost",
        "Share of the staff bill of the offices, coordinating bodies and centers paid so far "
        "(1 if nothing was billed); the bodies work only the paid share of their capacity.",
    ),
    _O(
        "platform_upkeep_paid_share",
        "Platform upkeep paid",
        "share",
        "cost",
        "Share of the operation and maintenance billed for operating platforms paid so far "
        "(1 if nothing was billed); an unpaid platform fails more often.",
    ),
    _O(
        "system_upkeep_paid_share",
        "System upkeep paid",
        "share",
        "cost",
        "Share of the operation and maintenance billed for departmental systems paid so far "
        "(1 if nothing was billed); an unpaid system loses service.",
    ),
    _O(
        "staff_capacity_worked_share",
        "Staff capacity worked",
        "share",
        "governance",
        "Share of the nominal capacity of the offices, coordinating bodies and centers "
        "(valued at its staff cost) actually worked so far: paid, and not lost to a "
        "reorganization (1 if nothing was billed).",
    ),
    _O(
        "mean_review_capacity_worked",
        "Review capacity worked",
        "proposals per month",
        "governance",
        "Mean review capacity per government and month actually worked (review_capacity "
        "times the share of the staff bill paid, 0 while reorganized).",
    ),
    _O(
        "approval_bypass_share",
        "Proposals built without approval",
        "share",
        "governance",
        "Share of the build proposals filed that their departments withdrew from sign-off "
        "or review after approval_patience_months and built without approval.",
    ),
    _O(
        "cum_platforms_dropped_stalled",
        "Stalled platforms dropped",
        "platforms",
        "governance",
        "Center platforms dropped after making no progress for platform_stall_limit_months "
        "(also counted as abandoned).",
    ),
    _O(
        "review_queue_length",
        "Review queue",
        "proposals",
        "governance",
        "Proposals waiting in the reviewing offices' queues.",
    ),
    _O(
        "mean_review_wait_months",
        "Review wait",
        "months",
        "governance",
        "Mean months a reviewed proposal waited in the queue.",
    ),
    _O(
        "cum_proposals_redirected",
        "Proposals redirected",
        "proposals",
        "governance",
        "Proposals stopped by review and served by what exists instead.",
    ),
    _O(
        "cum_coordination_cases_opened",
        "Coordination cases opened",
        "cases",
        "governance",
        "Cases (data mediation, joint services) opened by the coordinating bodies.",
    ),
    _O(
        "cum_coordination_cases_resolved",
        "Coordination cases resolved",
        "cases",
        "governance",
        "Cases that ended with agreement.",
    ),
)

OUTCOME_NAMES: tuple[str, ...] = tuple(o.name for o in OUTCOMES)
SPECS: dict[str, OutcomeSpec] = {o.name: o for o in OUTCOMES}


def measure(model: GovernanceModel) -> dict[str, float]:
    """Return every outcome for the model's current state (all governments together)."""
    return {name: float(value) for name, value in _outcomes(model, None, 1).items()}


def measure_groups(
    model: GovernanceModel, group: np.ndarray, n_groups: int
) -> dict[str, np.ndarray]:
    """Return every outcome for each group of governments.

    Args:
        model: The model (read only).
        group: Group of each government (0 .. n_groups - 1); one group of all
            governments gives the run's outcomes, one group per replica those
            of each replica of a batched run.
        n_groups: Number of groups.

    Returns:
        Outcome name to an array of one value per group, in ``OUTCOMES`` order.
    """
    if n_groups == 1:
        return {name: np.array([value]) for name, value in measure(model).items()}
    return _outcomes(model, group, n_groups)


def _outcomes(model: GovernanceModel, group: np.ndarray | None, n_groups: int) -> dict[str, Any]:
    """The outcomes per group: arrays, or plain floats for one group (``group`` None).

    The single-group case (every ordinary run, every month) works on Python
    floats: the same formulas, without a NumPy call per scalar.
    """
    t = model.month
    single = group is None
    totals = model.tallies.totals() if single else model.tallies.by_group(group, n_groups)

    def tally(name: str) -> Any:
        return totals[name]

    def per_group(per_government: np.ndarray) -> Any:
        if single:
            return float(per_government.sum())
        return np.bincount(group, weights=per_government, minlength=n_groups)

    def count(governments: np.ndarray) -> Any:
        if single:
            return float(len(governments))
        return np.bincount(group[governments], minlength=n_groups).astype(float)

    def ratio(numerator: Any, denominator: Any) -> Any:
        if single:
            return numerator / denominator if denominator else 0.0
        out = np.zeros(n_groups)
        return np.divide(numerator, denominator, out=out, where=denominator != 0)

    def paid_share(paid: Any, billed: Any) -> Any:
        """Share of a bill paid; 1 where nothing was billed."""
        if single:
            return paid / billed if billed > 0 else 1.0
        return np.divide(paid, billed, out=np.ones(n_groups), where=billed > 0)

    def where_any(base: Any, value: Any) -> Any:
        """``value`` where ``base`` is not 0, else 0."""
        if single:
            return value if base else 0.0
        return np.where(base != 0, value, 0.0)

    operating = model.platform_status == PLATFORM_OPERATING
    instances = model.own_count + operating
    redundant = per_group(np.maximum(instances - 1, 0).sum(axis=1))
    n_instances = per_group(instances.sum(axis=1))

    n_data, n_shared = tally("data_needs_arisen"), tally("data_needs_shared")
    sharing_rate = ratio(n_shared, n_data)
    useful = tally("useful_data_needs")

    # Delivery from running totals: a need not yet served counts with its age.
    n_needs, n_served = tally("needs_arisen"), tally("needs_served")
    unserved_months = tally("needs_arisen_month_sum") - tally("needs_served_month_sum")
    unserved_age = t * (n_needs - n_served) - unserved_months
    total_age = tally("needs_served_age_sum") + unserved_age
    arisen = tally("common_needs_arisen")
    n_common = max(arisen, 1.0) if single else np.maximum(arisen, 1.0)

    # Queued and stalled projects are alive: look only at those.
    book = model.projects
    alive = book.alive()
    status = book.status[alive]
    stall_months = model.params().stall_months  # one value, or one per government
    if np.ndim(stall_months):  # replicas with their own values: each project's government's
        stall_months = stall_months[book.jur[alive]]
    stalled = alive[(status == Status.BUILDING) & (book.stalled[alive] >= stall_months)]
    queued = alive[status == Status.QUEUED]
    across_levels = 0.0 if single else np.zeros(n_groups)
    if model.structure.multi_level:  # a flat layout has no government above another
        present = instances > 0
        above = np.zeros_like(present)
        for up in model.ancestors.T:  # parents, grandparents, ... (-1: none)
            above |= present[np.maximum(up, 0)] & (up >= 0)[:, None]
        across_levels = per_group((instances * above).sum(axis=1))
    if single:
        on_standard, departments = float(np.count_nonzero(model.on_standard)), float(model.n_dept)
    else:
        dept_group = group[model.dept_jur]
        on_standard = np.bincount(dept_group, weights=model.on_standard, minlength=n_groups)
        departments = np.bincount(dept_group, minlength=n_groups).astype(float)
    delivered = tally("services_delivered")
    # Months of service so far: every served need from the month it was served.
    # Needs whose system retired without a replacement stopped accruing then;
    # outages and systems down for unpaid upkeep (issue 25) lose their months.
    ended = tally("needs_service_ended")
    lost = tally("outage_user_months") + tally("upkeep_lost_service_months")
    service_months = (
        (n_served - ended) * t
        - tally("needs_served_start_sum")
        + tally("needs_service_ended_month_sum")
        - lost
    )
    common_served = tally("common_needs_served")
    spending = tally("spending")
    reviews = tally("reviews_done")
    failed = tally("abandoned_projects") + count(book.jur[stalled])

    return {
        "n_redundant_common_systems": redundant,
        "n_redundant_across_levels": across_levels,
        "n_common_systems": n_instances,
        "duplication_rate": ratio(redundant, common_served),
        "cum_duplicate_projects": tally("duplicate_projects"),
        "duplicate_project_share": ratio(tally("duplicate_projects"), common_served),
        "duplicative_investment_share": ratio(
            per_group(model.dup_members.sum(axis=1)), per_group(model.system_total)
        ),
        "duplicative_common_share": ratio(
            per_group(model.dup_members[:, :N_COMMON].sum(axis=1)),
            per_group(model.mask_count[:, :N_COMMON].sum(axis=(1, 2), dtype=np.int64)),
        ),
        "common_instances_per_need": n_instances / n_common,
        "systems_per_department": ratio(per_group(model.system_total), departments),
        "cum_systems_retired": tally("systems_retired"),
        "n_redundant_data_collections": tally("redundant_data_collections"),
        "cum_redundant_spending": tally("redundant_spending"),
        "data_sharing_rate": sharing_rate,
        "sharing_gap": where_any(useful, 1.0 - ratio(tally("useful_data_needs_shared"), useful)),
        "n_sharing_links": tally("sharing_links"),
        "platform_adoption_rate": per_group(model.adopters.sum(axis=1)) / n_common,
        "common_standard_share": ratio(on_standard, departments),
        "n_platforms_operating": per_group(operating.sum(axis=1)),
        "capability_coverage": ratio(n_served, n_needs),
        "mean_months_to_service": ratio(total_age, n_needs),
        "n_unfinished_projects": count(book.jur[stalled]),
        "cum_abandoned_projects": tally("abandoned_projects"),
        "project_failure_share": ratio(failed, failed + tally("projects_completed")),
        "project_partial_failure_share": ratio(
            tally("late_projects_completed"), failed + tally("projects_completed")
        ),
        "cum_vanity_projects": tally("vanity_projects"),
        "cum_services_delivered": delivered,
        "joint_service_rate": ratio(delivered, tally("services_arisen")),
        "cum_spending": spending,
        "cum_governance_cost": tally("governance_spending"),
        "cum_operation_cost": tally("operation_spending"),
        "cum_service_months": service_months,
        "cost_per_service_month": spending
        / (max(service_months, 1.0) if single else np.maximum(service_months, 1.0)),
        "spending_per_capability": ratio(spending, n_served),
        "staff_bill_paid_share": paid_share(tally("governance_spending"), tally("staff_billed")),
        "platform_upkeep_paid_share": paid_share(
            tally("platform_upkeep_paid"), tally("platform_upkeep_billed")
        ),
        "system_upkeep_paid_share": paid_share(
            tally("system_upkeep_paid"), tally("system_upkeep_billed")
        ),
        "staff_capacity_worked_share": paid_share(
            tally("staff_capacity_worked"), tally("staff_billed")
        ),
        "mean_review_capacity_worked": ratio(
            tally("review_capacity_worked"), t * count(np.arange(model.n_jur))
        ),
        "approval_bypass_share": ratio(tally("approval_bypassed"), tally("proposals_filed")),
        "cum_platforms_dropped_stalled": tally("platforms_dropped_stalled"),
        "review_queue_length": count(book.jur[queued]),
        "mean_review_wait_months": ratio(tally("review_wait_total"), reviews),
        "cum_proposals_redirected": tally("redirected"),
        "cum_coordination_cases_opened": tally("cases_opened"),
        "cum_coordination_cases_resolved": tally("cases_resolved"),
    }
