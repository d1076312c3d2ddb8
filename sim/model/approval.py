"""Project proposal, sign-off and review (mechanism 3).

Every build proposal passes the sign-offs of ``approval_bodies`` bodies, each
adding an exponential delay ([001]: plans by the informatization office,
projects by the planning commission, coordination by the general office).
With chance ``review_coverage`` it then waits in the reviewing office's queue,
which is worked oldest first (or, with chance ``priority_review`` per month,
common needs first [001]) up to ``review_capacity`` proposals a month. The
office checks a common-capability proposal against its registry and plan: if
it knows of a platform (its own, or a higher government's through the
central-local link) or of a registered departmental system, it stops the
proposal with chance equal to its effective authority, and the department
adopts, waits or asks the peer instead. Proposals it sees add to the demand
for a shared platform, which the technical service center builds once the
demand reaches ``bundling_threshold``. Approved projects are paid from the
unified pool where it has money beyond what platforms need, else by the
department.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model import budget, choices, platforms
from sim.model.capabilities import N_COMMON
from sim.model.projects import Status

if TYPE_CHECKING:
    from sim.model.governance import GovernanceModel


def propose(
    model: GovernanceModel,
    depts: np.ndarray,
    kinds: np.ndarray,
    need_months: np.ndarray,
    vanity: np.ndarray | None = None,
    need_ids: np.ndarray | None = None,
) -> None:
    """File build proposals.

    Args:
        model: The model.
        depts: Proposing departments.
        kinds: Common-capability index or ``BUSINESS`` for each proposal.
        need_months: Month each underlying need arose.
        vanity: Whether each proposal is a vanity project.
        need_ids: For business proposals, the row of the business need.
    """
    from sim.model.state import PROPOSED, RELATIVE_COST

    if not len(depts):
        return
    p, rng = model.p, model.rng
    common = kinds < N_COMMON
    model.access[depts[common], kinds[common]] = PROPOSED
    relative = np.where(common, RELATIVE_COST[np.minimum(kinds, N_COMMON - 1)], 1.0)
    business_size = rng.uniform(0.5, 1.5, len(depts))
    size = np.where(common, relative, business_size)
    # Time to build grows with size and falls with IT capacity ([001]:
    # 'three-nos' departments build slowly).
    duration = p.build_months * size / (0.3 + 0.7 * model.it_capacity[depts])
    delay = rng.exponential(max(p.signoff_delay_months, 1e-9), (len(depts), p.approval_bodies))
    ready = model.month + (delay.sum(axis=1) if p.signoff_delay_months > 0 else 0.0)
    model.projects.add(
        dept=depts,
        jur=model.dept_jur[depts],
        kind=kinds,
        status=np.full(len(depts), Status.SIGNOFF),
        cost=p.system_cost * size,
        duration=duration,
        need_month=need_months,
        ready_month=ready,
        reviewed=rng.random(len(depts)) < p.review_coverage,
        vanity=np.zeros(len(depts), dtype=bool) if vanity is None else vanity,
        need_id=np.full(len(depts), -1) if need_ids is None else need_ids,
    )


def approval(model: GovernanceModel) -> None:
    """Pass sign-offs that are through; the offices review what they can."""
    book, t = model.projects, model.month
    alive = book.alive()
    status = book.status[alive]
    signoff = alive[status == Status.SIGNOFF]
    passed = signoff[book.ready_month[signoff] <= t]
    reviewed = book.reviewed[passed]
    start(model, passed[~reviewed])
    to_queue = passed[reviewed]
    book.status[to_queue] = Status.QUEUED
    book.queued_month[to_queue] = t
    queued = np.concatenate([alive[status == Status.QUEUED], to_queue])
    if len(queued):
        _review(model, queued)


def _review(model: GovernanceModel, queued: np.ndarray) -> None:
    from sim.model.state import (
        PLATFORM_BUILDING,
        PLATFORM_NONE,
        PLATFORM_OPERATING,
        PLATFORM_PLANNED,
    )

    p, rng, book, t = model.p, model.rng, model.projects, model.month
    jurs = book.jur[queued]
    # Each office's slots this month: capacity refills monthly, with at most
    # one month's worth banked; a body being reorganized reviews nothing.
    model.review_credit, slots = budget.take_slots(
        model, model.review_credit, p.review_capacity, jurs
    )
    # Queue order: oldest first, or common (foundational) needs first in the
    # months the office sorts by importance.
    by_importance = rng.random(model.n_jur) < p.priority_review
    business_last = by_importance[jurs] & (book.kind[queued] >= N_COMMON)
    order = np.lexsort((queued, book.queued_month[queued], business_last, jurs))
    queued, jurs = queued[order], jurs[order]
    chosen = budget.rank_within(jurs) < slots[jurs]
    pids, jurs = queued[chosen], jurs[chosen]
    if not len(pids):
        return
    model.tallies.add("reviews_done", jurs)
    model.tallies.add("review_wait_total", jurs, t - book.queued_month[pids])
    common = book.kind[pids] < N_COMMON
    approved = pids[~common]
    pids, jurs = pids[common], jurs[common]
    ks = book.kind[pids].astype(np.int64)
    depts = book.dept[pids]
    np.add.at(model.demand_seen, (jurs, ks), 1)
    platforms.bundle(model, jurs, ks)
    multi = model.structure.multi_level
    reach = rng.random(len(pids)) < p.central_local_link if multi else None
    op_target = platforms.nearest(model, jurs, ks, (PLATFORM_OPERATING,), reach)
    pend_target = platforms.nearest(model, jurs, ks, (PLATFORM_PLANNED, PLATFORM_BUILDING), reach)
    local_known = model.platform_status[jurs, ks] != PLATFORM_NONE
    known = local_known | (op_target >= 0) | (pend_target >= 0)
    known |= model.registered_count[jurs, ks] > 0
    stop = known & (rng.random(len(pids)) < model.authority()[jurs])
    # Stopped: use what exists; a peer may still refuse, then it is approved.
    to_adopt = stop & (op_target >= 0)
    to_wait = stop & ~to_adopt & (pend_target >= 0)
    to_peer = np.flatnonzero(stop & ~to_adopt & ~to_wait)
    choices.adopt_platform(model, depts[to_adopt], ks[to_adopt])
    choices.wait_for_platform(model, depts[to_wait], ks[to_wait], pend_target[to_wait])
    peer_ok = choices.reuse_peer(model, depts[to_peer], ks[to_peer])
    redirected = np.concatenate([pids[to_adopt | to_wait], pids[to_peer[peer_ok]]])
    book.status[redirected] = Status.REDIRECTED
    model.tallies.add("redirected", book.jur[redirected])
    go = np.ones(len(pids), dtype=bool)
    go[to_adopt | to_wait] = False
    go[to_peer[peer_ok]] = False
    start(model, np.concatenate([approved, pids[go]]))


def start(model: GovernanceModel, pids: np.ndarray) -> None:
    """Approved projects start building, paid from the pool where it can [001]."""
    if not len(pids):
        return
    book = model.projects
    book.status[pids] = Status.BUILDING
    pids = np.sort(pids)
    jurs = book.jur[pids]
    order = np.argsort(jurs, kind="stable")
    pids, jurs = pids[order], jurs[order]
    available = np.maximum(model.pool - model.platform_reserve, 0.0)
    funded = pids[budget.fund_in_order(jurs, book.cost[pids], available)]
    book.pool_funded[funded] = True
    np.subtract.at(model.pool, book.jur[funded], book.cost[funded])
