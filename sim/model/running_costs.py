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
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model import money

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


def pay_running_costs(model: GovernanceModel) -> None:
    """Pay this month's staff and the operation of systems and platforms."""
    staff = staff_cost_per_month(model)
    if np.any(staff > 0):
        money.charge_governments(model, np.full(model.n_jur, staff), "governance_spending")
    if model.platform_upkeep.any():
        growth = model.params().upkeep_age_growth
        due = aged(model.platform_upkeep, model.platform_upkeep_age, model.month, growth)
        money.charge_governments(model, due, "operation_spending")
    # Marked first: NumPy's nonzero of a float array is several times slower.
    owners = np.flatnonzero(model.system_upkeep != 0)
    if len(owners):
        growth = model.params(model.dept_jur[owners]).upkeep_age_growth
        due = aged(
            model.system_upkeep[owners], model.system_upkeep_age[owners], model.month, growth
        )
        money.pay(model, owners, due, tally="operation_spending")


def aged(base: np.ndarray, built_sum: np.ndarray, month: int, growth: float | np.ndarray):
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
    np.add.at(model.platform_base_upkeep, (jurs, ks), base)
    np.add.at(model.platform_upkeep_built, (jurs, ks), base * model.month)


def renew_platform_upkeep(model: GovernanceModel, jurs: np.ndarray, ks: np.ndarray) -> None:
    """Renewed platforms' upkeep starts again from its first year's."""
    now = model.platform_base_upkeep[jurs, ks] * model.month
    np.add.at(model.platform_upkeep_age, jurs, now - model.platform_upkeep_built[jurs, ks])
    model.platform_upkeep_built[jurs, ks] = now
