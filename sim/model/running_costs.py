"""Running costs of governance and of what was built (MODEL.md 3.10).

Every body and every system costs money while it exists, not only when it is
built: the reviewing office and the coordinating body pay staff in proportion
to their capacity (``review_staff_cost``, ``coordination_staff_cost``), a
technical service center in proportion to the platform projects it can run
(``center_staff_cost``), and every finished system and operating platform
costs a yearly share of its build cost to operate and maintain
(``operation_cost_share``). Staff and platforms are paid by the government
(its unified pool first, then its departments' balances: the same
e-government money), departmental systems by their owners. A design with a
large office or many platforms thus has less money left to build with, and
a duplicate system costs money every month it runs. Upkeep grows with age
(``upkeep_age_growth`` of the first year's per year, GAO-16-468): each owner
keeps the sum of its systems' base upkeep and of base upkeep times the month
each was built, from which the aged upkeep of all of them follows at once.

The bills bind (issue 25: no body or system works for free). A government's
bodies work this month in proportion to the share of this month's staff bill
that was paid (``staff_paid_share``: the office reviews, the coordinating
body works cases and the center builds at that share of their capacity). The
share is this month's, not a smoothed one: staff who are not paid this month
do not work this month, and the budget cycle refills the money each January,
so a government short of money works early in the year and stops later (a
smoothed share would let a body work on credit for months, which is the
free work the issue rules out). A platform whose upkeep goes partly unpaid
is down with a chance raised by ``unpaid_upkeep_failure`` times the unpaid
share (``platforms.platform_outages``); a department whose systems' upkeep
goes partly unpaid loses that expected share of its systems' month of
service here. What was billed, paid and worked is tallied so that outcomes
report the share of each bill paid and the capacity worked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model import money
from sim.model.arrays import add_at
from sim.model.state import OWN

if TYPE_CHECKING:
    from sim.model.governance import GovernanceModel


def staff_cost_per_month(model: GovernanceModel) -> float | np.ndarray:
    """Monthly staff cost of one government's bodies and center, from the parameters.

    One value, or one per government where the replicas of a batch differ.
    """
    p = model.params()
    yearly = (
        p.review_capacity * p.review_staff_cost
        + p.coordination_capacity * p.coordination_staff_cost
        + p.technical_center_capacity * p.center_staff_cost
    )
    return yearly / 12.0


def _paid_share(paid: np.ndarray, billed: np.ndarray) -> np.ndarray:
    """Share of each bill paid; 1 where nothing was billed (nothing is unpaid)."""
    return np.divide(paid, billed, out=np.ones(len(billed)), where=billed > 0)


def pay_running_costs(model: GovernanceModel) -> None:
    """Pay this month's staff and the operation of systems and platforms.

    Sets ``model.staff_paid_share`` (per government: the share of its bodies'
    capacity that works this month), ``model.platform_upkeep_unpaid`` (per
    government: the unpaid share of its platforms' upkeep, which raises their
    chance of an outage) and tallies the service its departments' systems
    lose to unpaid upkeep.
    """
    governments = np.arange(model.n_jur)
    staff = np.broadcast_to(staff_cost_per_month(model), (model.n_jur,)).astype(float)
    if np.any(staff > 0):
        paid = money.charge_governments(model, staff, "governance_spending")
        model.staff_paid_share = _paid_share(paid, staff)
        model.tallies.add("staff_billed", governments, staff)
    else:
        model.staff_paid_share = np.ones(model.n_jur)
    _record_capacity(model, staff)
    if model.platform_upkeep.any():
        growth = model.params().upkeep_age_growth
        billed = aged(model.platform_upkeep, model.platform_upkeep_age, model.month, growth)
        paid = money.charge_governments(
            model, billed, ("operation_spending", "platform_upkeep_paid")
        )
        model.tallies.add("platform_upkeep_billed", governments, billed)
        model.platform_upkeep_unpaid = 1.0 - _paid_share(paid, billed)
    # Marked first: NumPy's nonzero of a float array is several times slower.
    owners = np.flatnonzero(model.system_upkeep != 0)
    if len(owners):
        growth = model.params(model.dept_jur[owners]).upkeep_age_growth
        billed = aged(
            model.system_upkeep[owners], model.system_upkeep_age[owners], model.month, growth
        )
        paid = money.pay(model, owners, billed, tally=("operation_spending", "system_upkeep_paid"))
        jurs = model.dept_jur[owners]
        model.tallies.add("system_upkeep_billed", jurs, billed)
        unpaid = 1.0 - _paid_share(paid, billed)
        short = np.flatnonzero(unpaid > 1e-12)
        if len(short):
            # A system whose upkeep went unpaid is down this month with chance
            # ``unpaid_upkeep_failure`` x the unpaid share; the expected
            # months lost are that chance times the needs the department's
            # own systems serve (peers using them are not counted).
            failure = model.params(jurs[short]).unpaid_upkeep_failure
            lost = failure * unpaid[short] * needs_served_by_own_systems(model, owners[short])
            model.tallies.add("upkeep_lost_service_months", jurs[short], lost)


def needs_served_by_own_systems(model: GovernanceModel, depts: np.ndarray) -> np.ndarray:
    """Needs of each department served this month by its own systems.

    Its business systems (each serves one business need; they never retire)
    and the common needs it is served in through its own system (``OWN``,
    served before this month; a renewing owner's old system still serves).
    A complementary system or an old one kept beside a platform or a peer's
    system serves no need of its own: the need is the platform's or peer's
    user's, whose months an outage counts (``platforms.platform_outages``).
    Counted from the arrays rather than from systems finished, so that a
    system decommissioned (issue 25, ``systems.retire_own``) stops counting
    and the service lost can never exceed the service delivered.
    """
    own = (model.access[depts] == OWN) | model.renewing[depts]
    own &= model.served_month[depts] <= model.month
    return model.business_systems_owned[depts] + np.count_nonzero(own, axis=1)


def months_left_in_budget_year(model: GovernanceModel) -> int:
    """Monthly running-cost payments still due this budget year after this month's.

    The budget cycle refills the money each January (months 0, 12, ...).
    """
    return 11 - model.month % 12


def kept_back_by_departments(model: GovernanceModel) -> np.ndarray:
    """Money each department keeps back for its systems' upkeep for the rest of the year.

    Operation and maintenance is its own line of the annual budget: a
    department does not spend on new construction the money its existing
    systems need until next January (issue 25; without it, departments
    spent their whole allocation on building by mid-year and left their
    systems unpaid, and so unserved, for the rest of it).
    """
    left = months_left_in_budget_year(model)
    kept = np.zeros(model.n_dept)
    owners = np.flatnonzero(model.system_upkeep != 0)
    if left and len(owners):
        growth = model.params(model.dept_jur[owners]).upkeep_age_growth
        kept[owners] = upkeep_due(
            model.system_upkeep[owners], model.system_upkeep_age[owners], model, growth, left
        )
    return kept


def kept_back_by_governments(model: GovernanceModel) -> np.ndarray:
    """Pool money each government keeps back for its staff and platforms' upkeep this year.

    As departments keep back their systems' upkeep: the unified pool does not
    fund new projects or platform installments with the money its bodies'
    staff and its platforms' operation need until next January.
    """
    left = months_left_in_budget_year(model)
    staff = np.broadcast_to(staff_cost_per_month(model), (model.n_jur,))
    growth = model.params().upkeep_age_growth
    platforms = upkeep_due(model.platform_upkeep, model.platform_upkeep_age, model, growth, left)
    return staff * left + platforms


def upkeep_due(
    base: np.ndarray,
    built_sum: np.ndarray,
    model: GovernanceModel,
    growth: float | np.ndarray,
    months: int,
) -> np.ndarray:
    """Upkeep the systems summed in ``base`` and ``built_sum`` bill over the next ``months``.

    Upkeep grows with age (``aged``), linearly in the month, so the bills of
    months ``m + 1`` to ``m + months`` add up to ``months`` times the bill of
    their middle month.
    """
    if months <= 0:
        return np.zeros(len(base))
    return months * aged(base, built_sum, model.month + (months + 1) / 2.0, growth)


def _record_capacity(model: GovernanceModel, staff: np.ndarray) -> None:
    """Tally the capacity the bodies work this month (paid and not reorganized).

    The capacity worked is valued at its staff cost, so that the office, the
    coordinating body and the center (capacities in different units) add up;
    the office's review capacity is also kept in proposals a month.
    """
    working = model.staff_paid_share * (model.disrupted_until <= model.month)
    governments = np.arange(model.n_jur)
    model.tallies.add("staff_capacity_worked", governments, staff * working)
    review = np.broadcast_to(model.params().review_capacity, (model.n_jur,))
    model.tallies.add("review_capacity_worked", governments, review * working)


def aged(base: np.ndarray, built_sum: np.ndarray, month: float, growth: float | np.ndarray):
    """Monthly upkeep of systems whose base upkeep sums to ``base``, grown with their age.

    Each system costs ``b * (1 + growth * age_in_years)``; summed over an
    owner's systems that is ``base * (1 + growth * month / 12) - growth *
    built_sum / 12`` with ``built_sum`` the sum of ``b`` times the month built.
    """
    return np.maximum(base * (1.0 + growth * month / 12.0) - growth * built_sum / 12.0, 0.0)


def add_system_upkeep(
    model: GovernanceModel, depts: np.ndarray, build_costs: np.ndarray
) -> np.ndarray:
    """Departments' finished systems start costing their monthly operation.

    Returns:
        The base monthly upkeep of each system.
    """
    share = model.params(model.dept_jur[depts]).operation_cost_share
    base = build_costs * share / 12.0
    np.add.at(model.system_upkeep, depts, base)
    np.add.at(model.system_upkeep_age, depts, base * model.month)
    return base


def remove_system_upkeep(
    model: GovernanceModel, depts: np.ndarray, base: np.ndarray, built: np.ndarray
) -> None:
    """Decommissioned systems stop costing their operation."""
    np.subtract.at(model.system_upkeep, depts, base)
    np.subtract.at(model.system_upkeep_age, depts, base * built)
    # Rounding must not leave a department paying for nothing.
    gone = np.abs(model.system_upkeep[depts]) < 1e-12
    model.system_upkeep[depts[gone]] = 0.0
    model.system_upkeep_age[depts[gone]] = 0.0


def add_platform_upkeep(
    model: GovernanceModel, jurs: np.ndarray, build_costs: np.ndarray, ks: np.ndarray
) -> None:
    """Governments' new platforms (or expansions) start costing their monthly operation."""
    share = model.params(jurs).operation_cost_share
    base = build_costs * share / 12.0
    np.add.at(model.platform_upkeep, jurs, base)
    np.add.at(model.platform_upkeep_age, jurs, base * model.month)
    add_at(model.platform_base_upkeep, (jurs, ks), base)
    add_at(model.platform_upkeep_built, (jurs, ks), base * model.month)


def renew_platform_upkeep(model: GovernanceModel, jurs: np.ndarray, ks: np.ndarray) -> None:
    """Renewed platforms' upkeep starts again from its first year's."""
    now = model.platform_base_upkeep[jurs, ks] * model.month
    np.add.at(model.platform_upkeep_age, jurs, now - model.platform_upkeep_built[jurs, ks])
    model.platform_upkeep_built[jurs, ks] = now
