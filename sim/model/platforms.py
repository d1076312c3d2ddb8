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

from sim.model import money, platform_plans, routes
from sim.model.agents import TechnicalServiceCenter
from sim.model.arrays import nonzero_cells
from sim.model.capabilities import N_COMMON
from sim.model.state import (
    OPEN,
    PLAN_ORDER,
    PLATFORM_BUILDING,
    PLATFORM_NONE,
    PLATFORM_OPERATING,
    PLATFORM_PLANNED,
    WAITING,
)

if TYPE_CHECKING:
    from sim.model.governance import GovernanceModel


def _ensure_centers(model: GovernanceModel) -> None:
    if model.p.technical_center_capacity > 0:
        for j, center in enumerate(model.centers):
            if center is None:
                model.centers[j] = TechnicalServiceCenter(model, j)


def master_plan(model: GovernanceModel, initial: bool) -> None:
    """Schedule platforms by the master plan, government by government, top down.

    Args:
        model: The model.
        initial: True at set-up (the plan that may lock in a poor standard);
            False when a reform adopts a plan mid-run.
    """
    _ensure_centers(model)
    if model.p.technical_center_capacity == 0:
        return
    draw = model.rng.random((model.n_jur, len(PLAN_ORDER))) < model.p.master_plan
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
    """Start planned platforms as capacity frees up; pay and advance the rest."""
    p, t = model.p, model.month
    status = model.platform_status
    if p.technical_center_capacity > 0:
        planned_j, planned_k = nonzero_cells(status == PLATFORM_PLANNED)
        if len(planned_j):
            busy = np.count_nonzero(status == PLATFORM_BUILDING, axis=1)
            order = np.lexsort((model.platform_plan_seq[planned_j, planned_k], planned_j))
            planned_j, planned_k = planned_j[order], planned_k[order]
            free = p.technical_center_capacity - busy[planned_j]
            go = money.rank_within(planned_j) < free
            status[planned_j[go], planned_k[go]] = PLATFORM_BUILDING
            model.platform_ready_month[planned_j[go], planned_k[go]] = t + p.platform_build_months
    build_j, build_k = nonzero_cells(status == PLATFORM_BUILDING)
    if not len(build_j):
        return
    order = np.lexsort((model.platform_plan_seq[build_j, build_k], build_j))
    build_j, build_k = build_j[order], build_k[order]
    spend = platform_plans.platform_cost(model, build_k) / p.platform_build_months
    # A body being reorganized pays nothing: its platforms stall.
    purse = np.where(model.disrupted_until <= t, model.pool, 0.0)
    paid = money.fund_in_order(build_j, spend, purse)
    np.subtract.at(model.pool, build_j[paid], spend[paid])
    np.subtract.at(model.platform_reserve, build_j[paid], spend[paid])
    np.maximum(model.platform_reserve, 0.0, out=model.platform_reserve)
    model.tallies.add("spending", build_j[paid], spend[paid])
    model.platform_ready_month[build_j[~paid], build_k[~paid]] += 1
    model.platform_progress[build_j[paid], build_k[paid]] += 1.0 / p.platform_build_months
    done = paid & (model.platform_progress[build_j, build_k] >= 1.0 - 1e-9)
    if done.any():
        dj, dk = build_j[done], build_k[done]
        status[dj, dk] = PLATFORM_OPERATING
        model.tallies.add("projects_completed", dj)
        _release(model, dj, dk, adopt=True)


def _release(model: GovernanceModel, jurs: np.ndarray, ks: np.ndarray, adopt: bool) -> None:
    """Departments waiting for these platforms adopt them (or decide again)."""
    ready = np.zeros(model.platform_status.shape, dtype=bool)
    ready[jurs, ks] = True
    # Scan only the capabilities concerned (a national run has 128,000 rows),
    # then restore the order of a full scan: by department, then capability.
    cells = []
    for k in np.unique(ks).tolist():
        rows = np.flatnonzero(model.access[:, k] == WAITING)
        rows = rows[ready[model.wait_target[rows, k], k]]
        cells.append(rows * N_COMMON + k)
    depts, dk = np.divmod(np.sort(np.concatenate(cells)), N_COMMON)
    if adopt:
        routes.adopt_platform(model, depts, dk)
    else:
        model.access[depts, dk] = OPEN


def abandon_platforms_of(model: GovernanceModel, jurs: np.ndarray) -> None:
    """A reorganized body may drop platforms under construction ([003])."""
    if not len(jurs):
        return
    mask = np.zeros(model.n_jur, dtype=bool)
    mask[jurs] = True
    build_j, build_k = nonzero_cells((model.platform_status == PLATFORM_BUILDING) & mask[:, None])
    chance = model.p.abandon_on_turnover * (1.0 - model.p.body_permanence)
    drop = model.rng.random(len(build_j)) < chance
    dj, dk = build_j[drop], build_k[drop]
    if not len(dj):
        return
    left = platform_plans.platform_cost(model, dk) * np.maximum(
        1.0 - model.platform_progress[dj, dk], 0.0
    )
    np.subtract.at(model.platform_reserve, dj, left)
    np.maximum(model.platform_reserve, 0.0, out=model.platform_reserve)
    model.platform_status[dj, dk] = PLATFORM_NONE
    model.platform_progress[dj, dk] = 0.0
    model.platform_ready_month[dj, dk] = np.nan
    model.tallies.add("abandoned_projects", dj)
    _release(model, dj, dk, adopt=False)
