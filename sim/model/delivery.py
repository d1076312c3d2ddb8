"""Records of delivered service and of sharing links.

When a need is served (by an own system, a platform, a peer's system or a
business system) or a department starts sharing with another, the mechanism
records it here: the month service starts and the running totals per
government that the outcomes read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model import systems

if TYPE_CHECKING:
    from sim.model.governance import GovernanceModel


def add_sharing_links(model: GovernanceModel, holders: np.ndarray, users: np.ndarray) -> None:
    """Record that ``holders`` share data or a system with ``users`` (pairwise).

    Links are distinct pairs; new ones are counted for the holder's government.
    """
    keys = np.asarray(holders, dtype=np.int64) * model.n_dept + np.asarray(users, dtype=np.int64)
    new = set(keys.tolist()) - model.link_keys
    if not new:
        return
    model.link_keys |= new
    new_holders = np.fromiter(new, dtype=np.int64, count=len(new)) // model.n_dept
    model.tallies.add("sharing_links", model.dept_jur[new_holders])


def _count_served(model: GovernanceModel, depts: np.ndarray, need_months: np.ndarray) -> None:
    served = model.month + 1  # service starts at the end of this month
    jurs = model.dept_jur[depts]
    model.tallies.add("needs_served", jurs)
    model.tallies.add("needs_served_month_sum", jurs, need_months)
    model.tallies.add("needs_served_age_sum", jurs, served - need_months)
    model.tallies.add("needs_served_start_sum", jurs, float(served))


def serve_common(
    model: GovernanceModel, depts: np.ndarray, ks: np.ndarray, replaces: bool = True
) -> None:
    """Record that departments' common needs ``ks`` are served from next month.

    An owner renewing its system was served by the old one all along: its
    service goes on and is not counted again. Unless ``replaces`` is False
    (an own system just built, which replaced the old one itself), the route
    now serving takes over from any own system of the department
    (``systems.hand_over``: decommissioned, or kept running).
    """
    renewing = model.renewing[depts, ks]
    model.served_month[depts, ks] = model.month + 1
    fresh_d, fresh_k = depts[~renewing], ks[~renewing]
    _count_served(model, fresh_d, model.need_month[fresh_d, fresh_k])
    model.tallies.add("common_needs_served", model.dept_jur[fresh_d])
    if replaces:
        systems.hand_over(model, depts, ks)


def serve_business(model: GovernanceModel, need_ids: np.ndarray) -> None:
    """Record that business needs ``need_ids`` are served from next month."""
    model.business_served_month[need_ids] = model.month + 1
    _count_served(model, model.business_dept[need_ids], model.business_need_month[need_ids])


def start_integration(
    model: GovernanceModel, depts: np.ndarray, ks: np.ndarray, done_month: np.ndarray
) -> None:
    """Departments start integrating with a platform; served once ``done_month`` comes.

    An integration done within this month serves the need from next month,
    as an own system finished this month would.
    """
    now = done_month <= model.month + 1
    serve_common(model, depts[now], ks[now])
    if (~now).any():
        model.integrating = (
            np.concatenate((model.integrating[0], depts[~now])),
            np.concatenate((model.integrating[1], ks[~now])),
            np.concatenate((model.integrating[2], done_month[~now])),
        )


def finish_integrations(model: GovernanceModel) -> None:
    """Serve the departments whose platform integration is done this month."""
    depts, ks, done_month = model.integrating
    if not len(depts):
        return
    now = done_month <= model.month + 1
    if now.any():
        model.integrating = (depts[~now], ks[~now], done_month[~now])
        serve_common(model, depts[now], ks[now])
