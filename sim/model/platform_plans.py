"""Where shared platforms stand, and how they get onto a center's plan.

``nearest`` finds the government whose platform of a capability is in a
given state (the department's own, or a higher one's through the
central-local link); ``bundle`` and ``plan`` put platforms on a technical
service center's plan and reserve the pool's money for them. Used by the
offices' review, the departments' choices and the centers themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model import systems
from sim.model.arrays import distinct_cells
from sim.model.capabilities import N_SUBFUNCTIONS
from sim.model.state import PLATFORM_BUILDING, PLATFORM_NONE, PLATFORM_PLANNED, RELATIVE_COST

if TYPE_CHECKING:
    from sim.model.governance import GovernanceModel


def _among(states: np.ndarray, wanted: tuple[int, ...]) -> np.ndarray:
    result = states == wanted[0]
    for state in wanted[1:]:
        result |= states == state
    return result


def nearest(
    model: GovernanceModel,
    jurs: np.ndarray,
    ks: np.ndarray,
    wanted: tuple[int, ...],
    reach: np.ndarray | None,
) -> np.ndarray:
    """Government whose platform of capability ``ks`` is in a ``wanted`` state.

    Looks at each department's own government first, then, where ``reach``
    is True (the central-local link held for it), up the chain of higher
    governments.

    Returns:
        Government index per entry, or -1 where there is none.
    """
    # Read by flat cell index: several times faster than by (row, column).
    status, width = model.platform_status.ravel(), model.platform_status.shape[1]
    target = np.where(_among(status[jurs * width + ks], wanted), jurs, -1)
    if reach is None:
        return target
    for depth in range(model.ancestors.shape[1]):
        above = model.ancestors[jurs, depth]
        look = np.flatnonzero((target < 0) & reach & (above >= 0))
        found = look[_among(status[above[look] * width + ks[look]], wanted)]
        target[found] = above[found]
    return target


def platform_cost(model: GovernanceModel, jurs: np.ndarray, ks: np.ndarray) -> np.ndarray:
    """Cost of the shared platforms of governments ``jurs``, capabilities ``ks``.

    ``platform_cost_multiple`` prices a platform providing every sub-function;
    one providing share f of them costs ``1 - s + s * f`` of that, with s the
    ``platform_fit_cost_share`` (a standard platform is cheaper, issue 25).
    """
    p = model.params(jurs)
    fit = systems.POPCOUNT[model.platform_mask[jurs, ks]] / N_SUBFUNCTIONS
    factor = 1.0 - p.platform_fit_cost_share + p.platform_fit_cost_share * fit
    return p.system_cost * RELATIVE_COST[ks] * p.platform_cost_multiple * factor


def plan(model: GovernanceModel, jurs: np.ndarray, ks: np.ndarray) -> None:
    """Put platforms on their centers' plans, in the order given, and reserve money."""
    if not len(jurs):
        return
    model.platform_status[jurs, ks] = PLATFORM_PLANNED
    # A center's platform provides the platform_fit share of sub-functions
    # most commonly needed (issue 25).
    fit = model.params(jurs).platform_fit
    model.platform_mask[jurs, ks] = systems.fit_mask(fit, model.rng.random(len(jurs)))
    model.platform_plan_seq[jurs, ks] = model.plan_counter + np.arange(len(jurs))
    model.plan_counter += len(jurs)
    np.add.at(model.platform_reserve, jurs, platform_cost(model, jurs, ks))


def skip_for_higher(model: GovernanceModel, jurs: np.ndarray, ks: np.ndarray) -> np.ndarray:
    """Whether a higher government's platform makes planning one here needless."""
    if not model.structure.multi_level or not len(jurs):
        return np.zeros(len(jurs), dtype=bool)
    above = np.zeros(len(jurs), dtype=bool)
    for depth in range(model.ancestors.shape[1]):
        up = model.ancestors[jurs, depth]
        has = np.zeros(len(jurs), dtype=bool)
        has[up >= 0] = model.platform_status[up[up >= 0], ks[up >= 0]] != PLATFORM_NONE
        above |= has
    return above & (model.rng.random(len(jurs)) < model.params(jurs).central_local_link)


def bundle(model: GovernanceModel, jurs: np.ndarray, ks: np.ndarray) -> None:
    """Capabilities the office has seen proposed often enough become platforms [001]."""
    if not len(jurs):
        return
    jurs, ks = distinct_cells(jurs, ks, model.platform_status.shape)
    p = model.params(jurs)
    # Only a government with a center plans platforms.
    due = (model.platform_status[jurs, ks] == PLATFORM_NONE) & (p.technical_center_capacity > 0)
    due &= model.demand_seen[jurs, ks] >= p.bundling_threshold
    jurs, ks = jurs[due], ks[due]
    keep = ~skip_for_higher(model, jurs, ks)
    plan(model, jurs[keep], ks[keep])


def start_cobuilt(model: GovernanceModel, leads: np.ndarray, ks: np.ndarray) -> None:
    """Lead departments start shared platforms of their governments (MODEL.md 3.11).

    A co-built platform is built at once (no center, no plan, no pool): it is
    paid month by month by the departments waiting for it, the lead first
    among them, at a pace set by the lead's IT capacity.
    """
    jurs = model.dept_jur[leads]
    model.platform_status[jurs, ks] = PLATFORM_BUILDING
    # The lead builds what it needs; the others join for what it provides.
    model.platform_mask[jurs, ks] = model.need_mask[leads, ks]
    model.platform_lead[jurs, ks] = leads
    model.platform_progress[jurs, ks] = 0.0
    pace = 0.3 + 0.7 * model.it_capacity[leads]
    build_months = model.params(jurs).platform_build_months
    model.platform_ready_month[jurs, ks] = model.month + build_months / pace
    model.platform_plan_seq[jurs, ks] = model.plan_counter + np.arange(len(jurs))
    model.plan_counter += len(jurs)
    model.tallies.add("cobuilds_started", jurs)
