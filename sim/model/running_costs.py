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
a duplicate system costs money every month it runs.
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
        money.charge_governments(model, model.platform_upkeep, "operation_spending")
    # Marked first: NumPy's nonzero of a float array is several times slower.
    owners = np.flatnonzero(model.system_upkeep != 0)
    if len(owners):
        money.pay(model, owners, model.system_upkeep[owners], tally="operation_spending")


def add_system_upkeep(model: GovernanceModel, depts: np.ndarray, build_costs: np.ndarray) -> None:
    """Departments' finished systems start costing their monthly operation."""
    share = model.params(model.dept_jur[depts]).operation_cost_share
    np.add.at(model.system_upkeep, depts, build_costs * share / 12.0)


def add_platform_upkeep(model: GovernanceModel, jurs: np.ndarray, build_costs: np.ndarray) -> None:
    """Governments' new platforms start costing their monthly operation."""
    share = model.params(jurs).operation_cost_share
    np.add.at(model.platform_upkeep, jurs, build_costs * share / 12.0)
