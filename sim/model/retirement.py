"""Systems that retire (issue 25, MODEL.md 3.10).

Every own common system and every platform has a life (``system_lifetime_months``,
each drawn within ``LIFETIME_SPREAD`` of it), and its upkeep grows with age
(``running_costs``). At the end of its life:

* a department's own system that serves its need is renewed: the need opens
  again and the owner chooses as for a new one (build again, adopt a
  platform, wait for one, use a peer's system), while the old system serves
  on until the new route does; a department that leaves for a platform or a
  peer's system decommissions the old one then (``systems.hand_over``), or
  keeps it running (to cover what the platform lacks, or in parallel with
  chance ``parallel_running_share``);
* a complementary system (or an old one kept) is rebuilt for the
  sub-functions its owner's platform or peer still does not provide, at that
  share of an own system's cost, or decommissioned where nothing is missing;
* a platform is rebuilt in place at its cost, charged to its government.

Legacy redundancy can thus fall after a reform: duplicate systems whose
owners move to a platform at renewal are decommissioned (GAO-16-468: legacy
systems are costly to keep; dual running is common).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model import money, platform_plans, running_costs, systems
from sim.model.arrays import nonzero_cells
from sim.model.state import OPEN, OWN, PLATFORM_OPERATING, RELATIVE_COST

if TYPE_CHECKING:
    from sim.model.governance import GovernanceModel


def end_of_life(model: GovernanceModel) -> None:
    """Renew, rebuild or decommission the systems and platforms whose life ends now."""
    t = model.month
    depts, ks = nonzero_cells(model.own_retire <= t)
    if len(depts):
        serving = (model.access[depts, ks] == OWN) & model.own_full[depts, ks]
        serving &= ~model.renewing[depts, ks]
        _renew_own(model, depts[serving], ks[serving])
        _rebuild_or_retire(model, depts[~serving], ks[~serving])
    jurs, pks = nonzero_cells(
        (model.platform_retire <= t) & (model.platform_status == PLATFORM_OPERATING)
    )
    if len(jurs):
        _renew_platforms(model, jurs, pks)


def _renew_own(model: GovernanceModel, depts: np.ndarray, ks: np.ndarray) -> None:
    """Owners whose system reaches its end decide again; the old one serves meanwhile."""
    if not len(depts):
        return
    model.renewing[depts, ks] = True
    model.own_retire[depts, ks] = np.inf  # its end is now set by what replaces it
    model.keep_old[depts, ks] = False
    model.access[depts, ks] = OPEN
    model.need_month[depts, ks] = float(model.month)
    model.tallies.add("renewals", model.dept_jur[depts])


def _rebuild_or_retire(model: GovernanceModel, depts: np.ndarray, ks: np.ndarray) -> None:
    """Complementary and kept systems at their end: rebuilt for what is missing, or gone."""
    if not len(depts):
        return
    need = model.need_mask[depts, ks].astype(np.int64)
    gap = need & ~model.served_by[depts, ks].astype(np.int64)
    # A kept system whose owner has no route any more (its need open again)
    # goes too: the owner's new choice decides what it needs.
    served = np.isfinite(model.served_month[depts, ks]) & ~model.renewing[depts, ks]
    rebuild = (gap != 0) & served
    systems.retire_own(model, depts, ks)
    rd, rk, rgap = depts[rebuild], ks[rebuild], gap[rebuild]
    if not len(rd):
        return
    p = model.params(model.dept_jur[rd])
    share = systems.POPCOUNT[rgap] / np.maximum(systems.POPCOUNT[need[rebuild]], 1)
    cost = p.system_cost * RELATIVE_COST[rk] * share
    paid = money.pay(model, rd, cost, tally="renewal_spending")
    systems.register_own(model, rd, rk, rgap, paid, full=False)


def _renew_platforms(model: GovernanceModel, jurs: np.ndarray, ks: np.ndarray) -> None:
    """Platforms at their end are rebuilt in place; their governments pay."""
    cost = platform_plans.platform_cost(model, jurs, ks)
    money.charge_governments(
        model, np.bincount(jurs, cost, minlength=model.n_jur), "renewal_spending"
    )
    running_costs.renew_platform_upkeep(model, jurs, ks)
    model.platform_retire[jurs, ks] = model.month + systems.draw_lives(model, jurs)
    model.tallies.add("platforms_renewed", jurs)
