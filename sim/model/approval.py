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

from sim.model import money, platform_plans, routes, running_costs
from sim.model.arrays import add_at, lexsort_whole
from sim.model.capabilities import N_COMMON
from sim.model.projects import Status
from sim.model.state import PLATFORM_BUILDING, PLATFORM_NONE, PLATFORM_OPERATING, PLATFORM_PLANNED

if TYPE_CHECKING:
    from sim.model.governance import GovernanceModel


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

    rng, book, t = model.rng, model.projects, model.month
    per_jur = model.params()
    jurs = book.jur[queued]
    # Each office's slots this month: capacity refills monthly, with at most
    # one month's worth banked; a body being reorganized reviews nothing, and
    # one whose staff bill went partly unpaid works that share (issue 25).
    capacity = per_jur.review_capacity * model.staff_paid_share
    model.review_credit, slots = money.take_slots(model, model.review_credit, capacity, jurs)
    # Queue order: oldest first, or common (foundational) needs first in the
    # months the office sorts by importance.
    by_importance = rng.random(model.n_jur) < per_jur.priority_review
    business_last = by_importance[jurs] & (book.kind[queued] >= N_COMMON)
    order = lexsort_whole((queued, book.queued_month[queued], business_last, jurs))
    queued, jurs = queued[order], jurs[order]
    chosen = money.rank_within(jurs) < slots[jurs]
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
    add_at(model.demand_seen, (jurs, ks), 1)
    platform_plans.bundle(model, jurs, ks)
    multi = model.structure.multi_level
    reach = rng.random(len(pids)) < model.params(jurs).central_local_link if multi else None
    op_target = platform_plans.nearest(model, jurs, ks, (PLATFORM_OPERATING,), reach)
    pend_target = platform_plans.nearest(
        model, jurs, ks, (PLATFORM_PLANNED, PLATFORM_BUILDING), reach
    )
    local_known = model.platform_status[jurs, ks] != PLATFORM_NONE
    known = local_known | (op_target >= 0) | (pend_target >= 0)
    known |= model.registered_count[jurs, ks] > 0
    stop = known & (rng.random(len(pids)) < model.authority()[jurs])
    # Stopped: use what exists; a peer may still refuse, then it is approved.
    to_adopt = stop & (op_target >= 0)
    to_wait = stop & ~to_adopt & (pend_target >= 0)
    to_peer = np.flatnonzero(stop & ~to_adopt & ~to_wait)
    routes.adopt_platform(model, depts[to_adopt], ks[to_adopt], op_target[to_adopt])
    routes.wait_for_platform(model, depts[to_wait], ks[to_wait], pend_target[to_wait])
    peer_ok = routes.reuse_peer(model, depts[to_peer], ks[to_peer])
    redirected = np.concatenate([pids[to_adopt | to_wait], pids[to_peer[peer_ok]]])
    book.end(redirected, Status.REDIRECTED)
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
    kept_back = model.platform_reserve + running_costs.kept_back_by_governments(model)
    available = np.maximum(model.pool - kept_back, 0.0)
    funded = pids[money.fund_in_order(jurs, book.cost[pids], available)]
    book.pool_funded[funded] = True
    np.subtract.at(model.pool, book.jur[funded], book.cost[funded])
