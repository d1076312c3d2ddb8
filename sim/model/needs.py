"""Needs arising over time (mechanism 1).

Every department needs each common capability once, some time after the
capability's stage opens (office automation and networks first, portals and
the shared resource database later [002][004]); it needs department-specific
business systems at a steady rate; it needs data that other departments hold
(mostly the four base registries); and cross-department services arise that
need several departments at once ([004]: the 12-ministry electronic port).

Arrival months are drawn at set-up for all departments at once and sorted,
so each month only the needs that arise are touched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model import routes, standards
from sim.model.arrays import lexsort_whole
from sim.model.capabilities import N_COMMON, N_REGISTRIES
from sim.model.state import (
    BUSINESS,
    DATA_FOREGONE,
    DATA_OPEN,
    DATA_PENDING,
    NO_NEED,
    OPEN,
    STAGE_MONTH,
)

if TYPE_CHECKING:
    from sim.model.governance import GovernanceModel


def init_needs(model: GovernanceModel) -> None:
    """Draw when every need arises and set up the need arrays."""
    p, rng = model.params(model.dept_jur), model.rng  # one row per department
    n = model.n_dept
    # Each department's horizon (replicas of a batch may differ): needs arise
    # within its own run, exactly as in a run of that horizon alone.
    months = np.broadcast_to(np.asarray(p.months, dtype=float), (n,))
    # Common capabilities.
    scale = p.need_delay_months
    delay = rng.exponential(scale[:, None] if np.ndim(scale) else scale, (n, N_COMMON))
    model.need_month = np.floor(STAGE_MONTH[None, :] + delay)
    model.access = np.zeros((n, N_COMMON), dtype=np.int8)
    model.served_month = np.full((n, N_COMMON), np.nan)
    # Government whose platform a department waits for or, once it joined, uses.
    model.wait_target = np.full((n, N_COMMON), -1, dtype=np.int64)
    model.wait_since = np.zeros((n, N_COMMON))
    model.common_order = lexsort_whole((model.need_month.ravel(),))
    model.common_months = model.need_month.ravel()[model.common_order]
    shape = (model.n_jur, N_COMMON)
    model.own_count = np.zeros(shape, dtype=np.int64)
    model.registered_count = np.zeros(shape, dtype=np.int64)
    model.adopters = np.zeros(shape, dtype=np.int64)
    # Owners of each government's own systems of each capability, in the
    # order they were completed (own_count[j, k] of them; a department owns at
    # most one system of a capability, so a government has at most its size).
    model.owners = np.full((model.n_jur, N_COMMON, int(model.jur_size.max())), -1, dtype=np.int64)
    # Business systems: Poisson arrivals per department, sorted by month.
    counts = rng.poisson(p.business_needs_per_year * months / 12.0, n)
    depts = np.repeat(np.arange(n), counts)
    arrival = np.floor(rng.uniform(0, months[depts], len(depts)))
    order = lexsort_whole((arrival,))
    model.business_dept = depts[order]
    model.business_need_month = arrival[order]
    model.business_served_month = np.full(len(depts), np.nan)
    # Data needs: A needs data that B holds; most target a base registry,
    # held by the first departments of each government.
    counts = rng.poisson(p.data_needs_per_department, n)
    requester = np.repeat(np.arange(n), counts)
    jur = model.dept_jur[requester]
    q = model.params(jur)  # one row per data need
    size = model.jur_size[jur]
    local = np.floor(rng.random(len(requester)) * size).astype(np.int64)
    registries = np.minimum(N_REGISTRIES, size)
    to_registry = rng.random(len(requester)) < q.base_registry_share
    registry = np.floor(rng.random(len(requester)) * registries).astype(np.int64)
    local = np.where(to_registry, registry, local)
    holder = model.jur_start[jur] + local
    clash = holder == requester
    holder[clash] = model.jur_start[jur[clash]] + (local[clash] + 1) % size[clash]
    if model.structure.multi_level:
        # Some needs cross levels: a county needs a provincial registry [004].
        parent = model.ancestors[jur, 0]
        up = (parent >= 0) & (rng.random(len(requester)) < q.cross_level_data_share)
        above = parent[up]
        slot = np.floor(rng.random(len(above)) * np.minimum(N_REGISTRIES, model.jur_size[above]))
        holder[up] = model.jur_start[above] + slot.astype(np.int64)
    # What each dataset is worth to its requester, in system costs (log-normal
    # with sigma 1 and mean ``data_need_value_mean``).
    value = rng.lognormal(np.log(q.data_need_value_mean) - 0.5, 1.0, len(requester))
    # Data needs come with integration, after the first stage (months 12+).
    start = np.minimum(12, months - 1)
    arrival = np.floor(rng.uniform(start[requester], months[requester], len(requester)))
    order = lexsort_whole((arrival,))
    model.data_requester = requester[order]
    model.data_holder = holder[order]
    model.data_need_month = arrival[order]
    model.data_value = value[order]
    model.data_useful = np.zeros(len(requester), dtype=bool)
    model.data_status = np.full(len(requester), DATA_PENDING, dtype=np.int8)
    model.data_next_try = model.data_need_month.copy()
    model.data_push = np.zeros(len(requester), dtype=bool)
    model.data_case_open = np.zeros(len(requester), dtype=bool)
    model.data_case_since = np.zeros(len(requester))
    # Sharing links as integer keys holder * n_dept + user (set operations in
    # C; ``GovernanceModel.sharing_links`` gives them as pairs).
    model.link_keys = set()


def _count_arisen(model: GovernanceModel, depts: np.ndarray, t: int) -> None:
    jurs = model.dept_jur[depts]
    model.tallies.add("needs_arisen", jurs)
    model.tallies.add("needs_arisen_month_sum", jurs, float(t))


def _due(months: np.ndarray, t: int) -> slice:
    """Slice of a sorted month array holding the entries equal to ``t``."""
    return slice(np.searchsorted(months, t, "left"), np.searchsorted(months, t, "right"))


def arise_needs(model: GovernanceModel) -> None:
    """Open the needs whose month has come."""
    t = model.month
    cells = model.common_order[_due(model.common_months, t)]
    if len(cells):
        depts, ks = np.divmod(cells, N_COMMON)
        fresh = model.access[depts, ks] == NO_NEED
        model.access[depts[fresh], ks[fresh]] = OPEN
        _count_arisen(model, depts[fresh], t)
        model.tallies.add("common_needs_arisen", model.dept_jur[depts[fresh]])
    due = _due(model.business_need_month, t)
    if due.stop > due.start:
        rows = np.arange(due.start, due.stop)
        _count_arisen(model, model.business_dept[rows], t)
        routes.propose(
            model,
            model.business_dept[rows],
            np.full(len(rows), BUSINESS),
            np.full(len(rows), float(t)),
            need_ids=rows,
        )
    due = _due(model.data_need_month, t)
    if due.stop > due.start:
        rows = np.arange(due.start, due.stop)
        rows = rows[model.data_status[rows] == DATA_PENDING]
        _open_data_needs(model, rows)


def _open_data_needs(model: GovernanceModel, rows: np.ndarray) -> None:
    """Data needs arise; a requester asks only if the data is worth its own cost.

    Sharing pays for both sides when the dataset's value covers the
    requester's cost (interface, and a bridge across standards) and the
    holder's cost together: those needs are the sharing that would be useful
    (F7's yardstick), whatever happens to them later.
    """
    requester, holder = model.data_requester[rows], model.data_holder[rows]
    jurs = model.dept_jur[requester]
    p = model.params(jurs)
    own_cost = p.interface_cost_share + p.bridging_cost_share * ~standards.compatible(
        model, requester, holder
    )
    value = model.data_value[rows]
    useful = value > own_cost + p.holder_cost_share
    model.data_useful[rows] = useful
    asks = value > own_cost
    model.data_status[rows] = np.where(asks, DATA_OPEN, DATA_FOREGONE)
    model.tallies.add("data_needs_arisen", jurs)
    model.tallies.add("useful_data_needs", jurs[useful])
    model.tallies.add("data_needs_foregone", jurs[~asks])
