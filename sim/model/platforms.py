"""The technical service centers and their shared platforms (mechanisms 3, 4, 10).

A center ([001] 技术服务中心) builds shared platforms for its government:
those its master plan schedules up front (each capability with chance
``master_plan``, foundational ones first) and those the office asks for once
enough departments have proposed the same capability (``bundling_threshold``).
It runs at most ``technical_center_capacity`` platform projects at once; each
costs ``platform_cost_multiple`` departmental systems, takes
``platform_build_months`` and is paid month by month from the unified pool,
stalling when the pool is short (MODEL.md 3.10: fixed costs, time to build).
One early master plan may lock in a poor standard (``poor_standard_risk``).
Through the central-local link a lower government does not plan a platform a
higher one already plans or runs ('全国一盘棋' [001]).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model import money, platform_plans, routes, running_costs, systems
from sim.model.agents import TechnicalServiceCenter, create_in_bulk
from sim.model.arrays import distinct_small, lexsort_whole, nonzero_cells, ragged_ranges
from sim.model.capabilities import N_COMMON
from sim.model.replica_parameters import at
from sim.model.state import (
    OPEN,
    PLAN_ORDER,
    PLATFORM_BUILDING,
    PLATFORM_NONE,
    PLATFORM_OPERATING,
    PLATFORM_PLANNED,
    PLATFORM_USER,
    WAITING,
)

if TYPE_CHECKING:
    from sim.model.governance import GovernanceModel


def _ensure_centers(model: GovernanceModel) -> None:
    has_center = np.broadcast_to(model.params().technical_center_capacity > 0, model.n_jur)
    missing = [j for j in np.flatnonzero(has_center).tolist() if model.centers[j] is None]
    if missing:  # created in bulk: a national run has thousands of centers
        centers = create_in_bulk(TechnicalServiceCenter, model, jurisdiction=missing)
        for j, center in zip(missing, centers, strict=True):
            model.centers[j] = center


def master_plan(model: GovernanceModel, initial: bool) -> None:
    """Schedule platforms by the master plan, government by government, top down.

    Args:
        model: The model.
        initial: True at set-up (the plan that may lock in a poor standard);
            False when a reform adopts a plan mid-run.
    """
    _ensure_centers(model)
    p = model.params()  # one row per government
    has_center = p.technical_center_capacity > 0
    if not np.any(has_center):
        return
    chance = p.master_plan
    if np.ndim(chance):  # replicas with their own parameters
        chance = np.where(has_center, chance, 0.0)[:, None]
    draw = model.rng.random((model.n_jur, len(PLAN_ORDER))) < chance
    levels = model.structure.level
    for level in np.unique(levels):
        jurs, slot = np.nonzero(draw & (levels == level)[:, None])
        ks = PLAN_ORDER[slot]
        keep = model.platform_status[jurs, ks] == PLATFORM_NONE
        jurs, ks = jurs[keep], ks[keep]
        keep = ~platform_plans.skip_for_higher(model, jurs, ks)
        jurs, ks = jurs[keep], ks[keep]
        platform_plans.plan(model, jurs, ks)
        if initial:
            model.platform_planned_at_start[jurs, ks] = True
            model.platform_poor[jurs, ks] = model.poor_plan[jurs]


def technical_centers(model: GovernanceModel) -> None:
    """Drop stalled platforms; start planned ones as capacity frees up; pay and advance the rest."""
    p, t = model.params(), model.month  # one row per government
    status = model.platform_status
    _drop_stalled(model)
    if np.any(p.technical_center_capacity > 0):
        planned_j, planned_k = nonzero_cells(status == PLATFORM_PLANNED)
        if len(planned_j):
            # Co-built platforms are built by their lead, not by the center.
            busy = np.count_nonzero((status == PLATFORM_BUILDING) & (model.platform_lead < 0), 1)
            order = lexsort_whole((model.platform_plan_seq[planned_j, planned_k], planned_j))
            planned_j, planned_k = planned_j[order], planned_k[order]
            free = at(p.technical_center_capacity, planned_j) - busy[planned_j]
            go = money.rank_within(planned_j) < free
            status[planned_j[go], planned_k[go]] = PLATFORM_BUILDING
            build_months = at(p.platform_build_months, planned_j[go])
            model.platform_ready_month[planned_j[go], planned_k[go]] = t + build_months
            model.platform_last_progress[planned_j[go], planned_k[go]] = t
    build_j, build_k = nonzero_cells(status == PLATFORM_BUILDING)
    if not len(build_j):
        return
    order = lexsort_whole((model.platform_plan_seq[build_j, build_k], build_j))
    build_j, build_k = build_j[order], build_k[order]
    # The center works at the pace its top leader's attention allows (a body
    # being reorganized not at all): attention is power ([001][004]); and at
    # the share of its staff bill paid this month (issue 25: unpaid staff do
    # not build). A co-built platform goes at its lead's pace and lives on
    # fees alone.
    lead = model.platform_lead[build_j, build_k]
    cobuilt = lead >= 0
    pace = np.where(
        cobuilt,
        0.3 + 0.7 * model.it_capacity[np.maximum(lead, 0)],
        model.attention_factor()[build_j] * model.staff_paid_share[build_j],
    )
    build_months = at(p.platform_build_months, build_j)
    spend = platform_plans.platform_cost(model, build_j, build_k) / build_months * pace
    paid = np.zeros(len(build_j), dtype=bool)
    center = ~cobuilt
    # The pool keeps back this year's staff and platform upkeep (issue 25).
    available = np.maximum(model.pool - running_costs.kept_back_by_governments(model), 0.0)
    paid[center] = money.fund_in_order(build_j[center], spend[center], available)
    np.subtract.at(model.pool, build_j[paid], spend[paid])
    np.subtract.at(model.platform_reserve, build_j[paid], spend[paid])
    np.maximum(model.platform_reserve, 0.0, out=model.platform_reserve)
    model.tallies.add("spending", build_j[paid], spend[paid])
    funded = paid.astype(float)
    short = np.flatnonzero(~paid)
    waiting = None
    if len(short) or cobuilt.any():
        # Who waits for which government's platform, per capability concerned
        # (read once: paying fees and finishing platforms do not change who
        # waits, so ``_release`` below reuses it).
        waiting = {k: _waiting_for(model, k) for k in distinct_small(build_k, N_COMMON)}
        if len(short):
            funded[short] = _collect_fees(
                model, build_j[short], build_k[short], spend[short], waiting
            )
        _drop_orphans(model, build_j[cobuilt], build_k[cobuilt], waiting)
    # Months the platform falls behind: one for each month of work not funded.
    model.platform_ready_month[build_j, build_k] += 1.0 - pace * funded
    model.platform_progress[build_j, build_k] += pace * funded / build_months
    # A reorganized body's months do not count towards dropping a stalled
    # platform: the body that would drop it is not working either.
    moved = (pace * funded > 0) | (model.disrupted_until[build_j] > t)
    model.platform_last_progress[build_j[moved], build_k[moved]] = t
    done = model.platform_progress[build_j, build_k] >= 1.0 - 1e-9
    if done.any():
        dj, dk = build_j[done], build_k[done]
        status[dj, dk] = PLATFORM_OPERATING
        model.tallies.add("projects_completed", dj)
        model.tallies.add("common_projects_completed", dj)
        running_costs.add_platform_upkeep(
            model, dj, platform_plans.platform_cost(model, dj, dk), dk
        )
        model.platform_retire[dj, dk] = model.month + systems.draw_lives(model, dj)
        systems.add(model, dj, dk, model.platform_mask[dj, dk].astype(np.int64))
        _release(model, dj, dk, adopt=True, waiting_for=waiting)


def _waiting_for(model: GovernanceModel, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Departments waiting for a platform of capability ``k``, and its government."""
    # The column copied first: comparing it in place, strided, is slower.
    rows = np.flatnonzero(model.access[:, k].copy() == WAITING)
    # Read from the column's view: faster than by (row, column) pairs.
    return rows, model.wait_target[:, k][rows]


def _collect_fees(
    model: GovernanceModel,
    jurs: np.ndarray,
    ks: np.ndarray,
    due: np.ndarray,
    waiting_for: dict[int, tuple[np.ndarray, np.ndarray]],
) -> np.ndarray:
    """Where the pool cannot pay a platform's month, the center charges fees.

    The departments waiting for the platform share this month's installment
    equally (a center without a pool of its own, [003]'s centers attached to
    a line department, lives on such fees); what they cannot pay stays
    unfunded.

    Returns:
        The funded share of each installment (0 to 1).
    """
    funded = np.zeros(len(jurs))
    owed = np.zeros(model.platform_status.shape)
    owed[jurs, ks] = due
    for k in distinct_small(ks, N_COMMON):
        waiting, target = waiting_for[k]
        # Selected by position: NumPy indexes slowly with a mask whose True
        # entries are many and scattered (the honest members below).
        owes = np.flatnonzero(owed[:, k][target] > 0)
        waiting, target = waiting[owes], target[owes]
        if not len(waiting):
            continue
        members = np.bincount(target, minlength=model.n_jur)
        # A member may skip its share and still get the platform (free-riding).
        free_riding = model.params(model.dept_jur[waiting]).free_riding
        honest = np.flatnonzero(model.rng.random(len(waiting)) >= free_riding)
        waiting, target = waiting[honest], target[honest]
        paid = money.pay(model, waiting, owed[target, k] / members[target])
        collected = np.bincount(target, paid, minlength=model.n_jur)
        mine = np.flatnonzero(ks == k)
        funded[mine] = np.minimum(collected[jurs[mine]] / np.maximum(due[mine], 1e-12), 1.0)
    return funded


def _drop_orphans(
    model: GovernanceModel,
    jurs: np.ndarray,
    ks: np.ndarray,
    waiting_for: dict[int, tuple[np.ndarray, np.ndarray]],
) -> None:
    """A co-built platform nobody waits for any more is abandoned (its members left)."""
    if not len(jurs):
        return
    members = np.zeros(model.platform_status.shape, dtype=np.int64)
    for k in distinct_small(ks, N_COMMON):
        members[:, k] = np.bincount(waiting_for[k][1], minlength=model.n_jur)
    orphan = members[jurs, ks] == 0
    dj, dk = jurs[orphan], ks[orphan]
    if not len(dj):
        return
    model.platform_status[dj, dk] = PLATFORM_NONE
    model.platform_progress[dj, dk] = 0.0
    model.platform_ready_month[dj, dk] = np.nan
    model.platform_lead[dj, dk] = -1
    model.tallies.add("cobuilds_dropped", dj)


def platform_outages(model: GovernanceModel) -> None:
    """Operating platforms fail this month with chance ``platform_outage_rate``.

    An outage hits every user at once (a single point of failure, MODEL.md
    3.10): the month of service of each department of the platform's
    government that adopted the capability is lost. A platform whose upkeep
    went partly unpaid this month fails more often (issue 25): of the months
    it would run, ``unpaid_upkeep_failure`` times the unpaid share of its
    government's platform upkeep are lost too.
    """
    p = model.params()  # one value, or one per government
    # Chance per government: the outage rate, plus the unpaid upkeep's
    # failure chance on the months that would otherwise run.
    unpaid = p.unpaid_upkeep_failure * model.platform_upkeep_unpaid
    rate = 1.0 - (1.0 - p.platform_outage_rate) * (1.0 - unpaid)
    if np.all(rate <= 0):
        return
    jurs, ks = nonzero_cells(model.platform_status == PLATFORM_OPERATING)
    if not len(jurs):
        return
    down = model.rng.random(len(jurs)) < rate[jurs]
    if not down.any():
        return
    jurs, ks = jurs[down], ks[down]
    model.tallies.add("platform_outages", jurs)
    # Users already served through a platform (adopted before this month),
    # counted among the departments of the governments hit only (a national
    # run has 128,000 rows and a handful of outages a month).
    sizes = model.jur_size[jurs]
    rows = ragged_ranges(model.jur_start[jurs], sizes)
    cols = np.repeat(ks, sizes)
    using = (
        (model.access[rows, cols] == PLATFORM_USER)
        & (model.served_month[rows, cols] <= model.month)
        & ~model.renewing[rows, cols]  # still served by the old own system
    )
    outage = np.repeat(np.arange(len(jurs)), sizes)
    lost = np.bincount(outage, weights=using, minlength=len(jurs))
    model.tallies.add("outage_user_months", jurs, lost)


def _release(
    model: GovernanceModel,
    jurs: np.ndarray,
    ks: np.ndarray,
    adopt: bool,
    waiting_for: dict[int, tuple[np.ndarray, np.ndarray]] | None = None,
) -> None:
    """Departments waiting for these platforms adopt them (or decide again).

    Args:
        model: The model.
        jurs: Government of each platform.
        ks: Capability of each platform.
        adopt: Whether the waiting departments adopt (else they decide again).
        waiting_for: Who waits for what (``_waiting_for``) per capability
            concerned, if already read since ``access`` last changed.
    """
    ready = np.zeros(model.platform_status.shape, dtype=bool)
    ready[jurs, ks] = True
    # Scan only the capabilities concerned (a national run has 128,000 rows),
    # then restore the order of a full scan: by department, then capability.
    cells = []
    for k in distinct_small(ks, N_COMMON):
        rows, targets = _waiting_for(model, k) if waiting_for is None else waiting_for[k]
        rows = rows[ready[targets, k]]
        cells.append(rows * N_COMMON + k)
    depts, dk = np.divmod(np.sort(np.concatenate(cells)), N_COMMON)
    if adopt:
        routes.adopt_platform(model, depts, dk, model.wait_target[depts, dk])
    else:
        model.access[depts, dk] = OPEN


def _drop_stalled(model: GovernanceModel) -> None:
    """A center drops a platform that made no progress for ``platform_stall_limit_months``.

    Issue 25: in ``attached_to_line_department`` (a center without a pool,
    living on fees) a platform nobody waited for stalled for years and held
    the center's only slot. A plan that has not moved for the declared
    horizon is dropped: its slot and reserve are freed, the departments
    waiting for it decide again, and the demand the office had counted for it
    starts again from zero (so that the same plan is not made again at
    once). Co-built platforms are dropped by their members instead
    (``_drop_orphans``). Counted as abandoned (a failure) and in
    ``platforms_dropped_stalled``.
    """
    building = (model.platform_status == PLATFORM_BUILDING) & (model.platform_lead < 0)
    if not building.any():
        return
    build_j, build_k = nonzero_cells(building)
    limit = at(model.params().platform_stall_limit_months, build_j)
    idle = model.month - model.platform_last_progress[build_j, build_k]
    drop = idle >= limit
    dj, dk = build_j[drop], build_k[drop]
    if not len(dj):
        return
    _unplan(model, dj, dk)
    model.demand_seen[dj, dk] = 0
    model.tallies.add("platforms_dropped_stalled", dj)
    _release(model, dj, dk, adopt=False)


def _unplan(model: GovernanceModel, dj: np.ndarray, dk: np.ndarray) -> None:
    """Platforms leave the plan: their remaining reserve is freed, their state reset."""
    left = platform_plans.platform_cost(model, dj, dk) * np.maximum(
        1.0 - model.platform_progress[dj, dk], 0.0
    )
    np.subtract.at(model.platform_reserve, dj, left)
    np.maximum(model.platform_reserve, 0.0, out=model.platform_reserve)
    model.platform_status[dj, dk] = PLATFORM_NONE
    model.platform_progress[dj, dk] = 0.0
    model.platform_ready_month[dj, dk] = np.nan
    model.platform_last_progress[dj, dk] = np.nan
    model.tallies.add("abandoned_projects", dj)


def abandon_platforms_of(model: GovernanceModel, jurs: np.ndarray) -> None:
    """A reorganized body may drop platforms under construction ([003])."""
    if not len(jurs):
        return
    mask = np.zeros(model.n_jur, dtype=bool)
    mask[jurs] = True
    # Only the body's own platforms: a co-built one belongs to its members.
    building = (model.platform_status == PLATFORM_BUILDING) & (model.platform_lead < 0)
    build_j, build_k = nonzero_cells(building & mask[:, None])
    p = model.params(build_j)
    chance = p.abandon_on_turnover * (1.0 - p.body_permanence)
    drop = model.rng.random(len(build_j)) < chance
    dj, dk = build_j[drop], build_k[drop]
    if not len(dj):
        return
    _unplan(model, dj, dk)
    _release(model, dj, dk, adopt=False)
