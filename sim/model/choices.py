"""Departments choosing how to meet a common need (mechanisms 2 and 6).

A department with an open common need builds its own system, adopts a shared
platform (its own government's or, through the central-local link, a higher
government's), waits for a platform that is planned or under construction,
or reuses a peer's system (a department of its government, or its line
ministry's vertical system, the '条' of [004]). Options it does not know of
are not available. The choice is a logit choice on the utilities of
``sim.model.behaviour``. Adopting a platform puts the department on the common
standard [001][004].
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model import behaviour, money, platform_plans, routes, systems
from sim.model.arrays import lexsort_whole, nonzero_cells, ragged_ranges
from sim.model.capabilities import N_COMMON
from sim.model.projects import Status
from sim.model.state import (
    OPEN,
    OWN,
    PEER_USER,
    PLATFORM_BUILDING,
    PLATFORM_NONE,
    PLATFORM_OPERATING,
    PLATFORM_PLANNED,
    PLATFORM_USER,
    PROPOSED,
    RELATIVE_COST,
    VISIBILITY,
    WAITING,
)

if TYPE_CHECKING:
    from sim.model.governance import GovernanceModel

#: What a deciding department could have adopted, whether or not it knew of
#: it: an operating platform in reach; else only a planned or building one;
#: else only a peer's or its line ministry's system; else nothing.
AVAILABLE_OPERATING, AVAILABLE_PENDING, AVAILABLE_PEER, AVAILABLE_NOTHING = range(4)
N_AVAILABLE = 4
#: Sums kept per government and availability in the record of choices that
#: fact 10 reads (``adoption_record``): choices n, the peer share x summed,
#: x squared, shared-route choices y, and x y (a linear fit of y on x).
ADOPTION_SUMS = ("n", "x", "xx", "y", "xy")


def init_adoption_record(model: GovernanceModel) -> None:
    """Empty record of common-need choices against the peer share (observed only, fact 10).

    One cell per replica, availability, capability and year of the run:
    fact 10 compares choices made in the same conditions.
    """
    years = int(model.horizon) // 12 + 1
    shape = (model.replicas, N_AVAILABLE, N_COMMON, years, len(ADOPTION_SUMS))
    model.adoption_record = np.zeros(shape)


def _record_adoption_choices(
    model: GovernanceModel,
    jurs: np.ndarray,
    ks: np.ndarray,
    share: np.ndarray,
    available: np.ndarray,
    shared: np.ndarray,
) -> None:
    """Add this month's choices to the record, by replica, availability, capability, year.

    ``share`` is the share of the government's departments already using a
    shared route for the capability (what word of mouth reads), ``shared``
    whether the department chose one (adopt a platform, wait for one, reuse
    a peer's system). Nothing reads the record but the validation
    (MODEL.md fact 10).
    """
    record = model.adoption_record
    shape = record.shape[:-1]
    year = min(model.month // 12, shape[-1] - 1)
    cells = np.ravel_multi_index(
        (model.replica_of[jurs], available, ks, np.full(len(ks), year)), shape
    )
    y = shared.astype(float)
    size = int(np.prod(shape))
    for i, w in enumerate((None, share, share * share, y, share * y)):
        sums = np.bincount(cells, weights=w, minlength=size)
        record[..., i] += sums.reshape(shape)


#: A build counts as a vanity project only if the head's taste for visibility
#: times the capability's visibility reaches this (assumption).
VANITY_THRESHOLD = 0.15
#: Access states that are a shared route (indexed by state): a platform's
#: user, a peer's or line ministry's system's user, one waiting for a platform.
SHARED_ROUTE = np.zeros(8, dtype=np.int8)
SHARED_ROUTE[[PLATFORM_USER, PEER_USER, WAITING]] = 1


def give_up_waiting(model: GovernanceModel) -> None:
    """Departments that waited ``platform_patience_months`` for a platform decide again.

    A promised platform that does not come (stalled for money, dropped by a
    reorganized body, slow to build) does not hold departments for ever: they
    return to the open choice, where building their own is one option
    (MODEL.md 3.11: the routes actors would really take).
    """
    # Only a wait that began at least the least patience of any government
    # ago (a month to spare for rounding) can end: marking those first on
    # the whole table is faster than listing every waiting cell (a national
    # run has up to 100,000) to check each against its own patience below.
    least = np.min(model.params().platform_patience_months)
    long_ago = model.wait_since <= model.month - least + 1
    cells = np.flatnonzero(long_ago & (model.access == WAITING))
    if not len(cells):
        return
    depts = cells // N_COMMON
    patience = model.params(model.dept_jur[depts]).platform_patience_months
    # Read by flat cell index: several times faster than by (row, column).
    done = model.month - model.wait_since.reshape(-1)[cells] >= patience
    depts = depts[done]
    model.access[depts, cells[done] - depts * N_COMMON] = OPEN
    model.tallies.add("waits_given_up", model.dept_jur[depts])


def give_up_on_approval(model: GovernanceModel) -> None:
    """Departments whose proposals waited ``approval_patience_months`` may build anyway.

    Issue 25: a department does not wait for ever in front of an overloaded
    office or a slow chain of sign-offs. Once its proposal has waited its
    patience since filing (or since it last chose to wait), it chooses, by
    the logit rule of its other choices (``behaviour.bypass_utilities``),
    between keeping it in approval and withdrawing it to build without
    approval ('未批先建'), paid by itself and at the risk of an audit. A
    department that keeps waiting decides again after as many months.

    The wait it expects: for a proposal in a review queue, its place in the
    queue (oldest first) divided by the proposals the office reviews this
    month (its capacity at the share of its staff that is paid); still in
    sign-off, one body's mean delay (sign-off delays are memoryless and it
    does not know how many bodies remain), plus the review queue ahead of it
    if the proposal is to be reviewed.
    """
    book, t = model.projects, model.month
    alive = book.alive()
    status = book.status[alive]
    pending = alive[status <= Status.QUEUED]  # in sign-off or queued for review
    if not len(pending):
        return
    # Only a wait that began at least the least patience of any government ago
    # can end (a month to spare for rounding), as in ``give_up_waiting``.
    least = np.min(model.params().approval_patience_months)
    pending = pending[book.patience_from[pending] <= t - least + 1]
    if not len(pending):
        return
    patience = model.params(book.jur[pending]).approval_patience_months
    due = pending[t - book.patience_from[pending] >= patience]
    if not len(due):
        return
    per_jur = model.params()
    capacity = np.maximum(per_jur.review_capacity * model.staff_paid_share, 1e-9)
    # Place of every queued proposal in its government's queue, oldest first
    # (``queued`` is in id order, as ``alive`` is).
    queued = alive[status == Status.QUEUED]
    order = lexsort_whole((queued, book.queued_month[queued], book.jur[queued]))
    place = np.empty(len(queued), dtype=np.int64)
    place[order] = money.rank_within(book.jur[queued[order]]) + 1
    queue_length = np.bincount(book.jur[queued], minlength=model.n_jur)
    jurs, depts = book.jur[due], book.dept[due]
    p = model.params(jurs)
    in_queue = book.status[due] == Status.QUEUED
    ahead = (queue_length[jurs] + 1) * book.reviewed[due]
    expected = p.signoff_delay_months + ahead / capacity[jurs]  # still in sign-off
    if in_queue.any():
        where = np.searchsorted(queued, due[in_queue])
        expected[in_queue] = place[where] / capacity[jurs[in_queue]]
    deterrence = (
        p.audit_rate * p.sanction_strength + model.sanction_memory[depts] + model.deterrence[jurs]
    )
    utilities = behaviour.bypass_utilities(
        expected_wait_months=expected,
        deterrence=deterrence,
        weight=behaviour.money_weight(model.allocation[depts], p.annual_budget),
        cost=book.cost[due],
        pool_share=p.unified_budget,
    )
    choice = behaviour.logit_choice(utilities, p.choice_rationality, model.rng)
    anyway = choice == behaviour.BUILD_ANYWAY
    routes.build_without_approval(model, due[anyway])
    book.patience_from[due[~anyway]] = t


def decide_common_needs(model: GovernanceModel) -> None:
    """Every department with an open common need chooses this month."""
    depts, ks = nonzero_cells(model.access == OPEN)
    if not len(depts):
        return
    rng, t = model.rng, model.month
    n = len(depts)
    jurs = model.dept_jur[depts]
    p = model.params(jurs)
    multi = model.structure.multi_level
    reach = rng.random(n) < p.central_local_link if multi else None
    # Awareness: the office publicizes what its registry holds; peers using a
    # shared route (a platform, a co-built one, a peer's system) spread word
    # of mouth, in either design (the source of the S-curve; MODEL.md fact 10).
    share = _shared_use(model, jurs, ks)
    contagion = np.minimum(1.0, p.adoption_contagion * share)
    base_aware = p.peer_awareness + (1 - p.peer_awareness) * p.registry_completeness
    aware = rng.random(n) < 1 - (1 - base_aware) * (1 - contagion)
    op_target = platform_plans.nearest(model, jurs, ks, (PLATFORM_OPERATING,), reach)
    pend_target = platform_plans.nearest(
        model, jurs, ks, (PLATFORM_PLANNED, PLATFORM_BUILDING), reach
    )
    operating = aware & (op_target >= 0)
    pending = aware & (pend_target >= 0)
    cell_j = np.maximum(pend_target, 0)
    building = model.platform_status[cell_j, ks] == PLATFORM_BUILDING
    expected_wait = np.where(
        building,
        np.nan_to_num(model.platform_ready_month[cell_j, ks] - t, nan=p.platform_build_months),
        p.platform_build_months * 1.5,
    )
    registered = model.registered_count[jurs, ks] > 0
    peer_chance = p.peer_awareness + (1 - p.peer_awareness) * p.registry_completeness * registered
    peer_chance = 1 - (1 - peer_chance) * (1 - contagion)
    # Another department's system (a renewing owner does not reuse its own).
    others = model.own_count[jurs, ks] - model.own_full[depts, ks]
    peers = (others > 0) & (rng.random(n) < peer_chance)
    line_owner = np.full(n, -1, dtype=np.int64)
    if multi:
        # The line ministry of a local department is department r of its
        # central government (each copy of a batched hierarchy has its own).
        centre = model.structure.root[jurs]
        local = (jurs != centre) & (model.local_index[depts] < model.jur_size[centre])
        ministry = np.where(local, model.jur_start[centre] + model.local_index[depts], 0)
        has_line = local & (model.access[ministry, ks] == OWN)
        has_line &= rng.random(n) < p.line_ministry_reach
        line_owner = np.where(has_line, ministry, -1)
    cost = p.system_cost * RELATIVE_COST[ks]
    weight = behaviour.money_weight(model.allocation[depts], p.annual_budget)
    deterrence = (
        p.audit_rate * p.sanction_strength + model.sanction_memory[depts] + model.deterrence[jurs]
    )
    poor = model.platform_poor[np.maximum(op_target, 0), ks] & (op_target >= 0)
    # The known platform (operating, else pending) may lack sub-functions of
    # the department's bundle: it expects to pay for customizing them.
    known = np.where(op_target >= 0, op_target, np.maximum(pend_target, 0))
    need = model.need_mask[depts, ks].astype(np.int64)
    gap = need & ~model.platform_mask[known, ks].astype(np.int64)
    gap_share = systems.POPCOUNT[gap] / np.maximum(systems.POPCOUNT[need], 1)
    utilities, vanity_part = behaviour.common_need_utilities(
        cost=cost,
        weight=weight,
        visibility=VISIBILITY[ks],
        vanity=model.head_vanity[depts],
        deterrence=deterrence,
        on_standard=model.on_standard[depts],
        platform_operating=operating,
        platform_pending=pending,
        platform_poor=poor,
        expected_wait_months=expected_wait,
        peer_available=peers | (line_owner >= 0),
        autonomy_value=p.autonomy_value,
        adoption_cost_share=p.adoption_cost_share,
        migration_cost_share=p.migration_cost_share,
        poor_standard_penalty=p.poor_standard_penalty,
        evaluation_link=p.evaluation_link,
        gap_cost=weight * cost * p.customization_cost_share * gap_share,
    )
    choice = behaviour.logit_choice(utilities, p.choice_rationality, rng)
    model.tallies.add("common_need_choices", jurs)
    model.tallies.add("shared_route_choices", jurs[choice != behaviour.BUILD])
    available = np.select(
        [op_target >= 0, pend_target >= 0, (others > 0) | (line_owner >= 0)],
        [AVAILABLE_OPERATING, AVAILABLE_PENDING, AVAILABLE_PEER],
        AVAILABLE_NOTHING,
    )
    _record_adoption_choices(model, jurs, ks, share, available, choice != behaviour.BUILD)
    adopt = choice == behaviour.ADOPT_PLATFORM
    routes.adopt_platform(model, depts[adopt], ks[adopt], op_target[adopt])
    wait = choice == behaviour.WAIT_FOR_PLATFORM
    routes.wait_for_platform(model, depts[wait], ks[wait], pend_target[wait])
    reuse = choice == behaviour.REUSE_PEER
    by_line = np.flatnonzero(reuse & (line_owner >= 0))
    routes.use_system_of(model, depts[by_line], ks[by_line], line_owner[by_line])
    asking = np.flatnonzero(reuse & (line_owner < 0))
    failed = asking[~routes.reuse_peer(model, depts[asking], ks[asking])]
    build = np.sort(np.concatenate([np.flatnonzero(choice == behaviour.BUILD), failed]))
    # A build is a vanity project when, without the vanity term, the head
    # would have preferred another option or found building not worth its
    # cost [001] ('不顾成本的借电子政务之名，树个人政绩之实的"政绩工程"').
    best_other = np.max(utilities[build][:, 1:], axis=1)
    plain_build = utilities[build, behaviour.BUILD] - vanity_part[build]
    vanity = (vanity_part[build] >= VANITY_THRESHOLD) & (plain_build < np.maximum(best_other, 0.0))
    lead = _leads_of_cobuilds(model, depts[build], ks[build], vanity)
    own = build[~lead]
    routes.propose(model, depts[own], ks[own], model.need_month[depts[own], ks[own]], vanity[~lead])
    leads, lead_ks = depts[build[lead]], ks[build[lead]]
    platform_plans.start_cobuilt(model, leads, lead_ks)
    routes.wait_for_platform(model, leads, lead_ks, model.dept_jur[leads])


def _shared_use(model: GovernanceModel, jurs: np.ndarray, ks: np.ndarray) -> np.ndarray:
    """Share of each government's departments using a shared route for capability ``ks``.

    Users of a platform (a center's or a co-built one), departments waiting
    for one (a co-built platform's members), and users of a peer's or the
    line ministry's system. A government's departments are consecutive rows,
    so the counts per government and capability are one ``reduceat`` over a
    table look-up of the access states (one pass over the table, instead of
    listing and grouping a national run's hundreds of thousands of users).
    """
    using = SHARED_ROUTE[model.access]
    counts = np.add.reduceat(using, model.jur_start, axis=0, dtype=np.int64)
    return counts[jurs, ks] / model.jur_size[jurs]


def _leads_of_cobuilds(
    model: GovernanceModel, depts: np.ndarray, ks: np.ndarray, vanity: np.ndarray
) -> np.ndarray:
    """Which departments about to build a common system build it as a shared one.

    Lee (2010): without a center, a lead department may invest for others and
    let them join (MODEL.md 3.11). A head does so with chance
    ``cobuild_propensity`` times its willingness to share, when its government
    has no platform of the capability in any state and another department
    still needs it; a vanity build is never shared (its point is the head's
    own system). At most one lead per government and capability a month.

    Returns:
        Mask over the builders: True for the leads.
    """
    lead = np.zeros(len(depts), dtype=bool)
    jurs = model.dept_jur[depts]
    propensity = model.params(jurs).cobuild_propensity
    if not len(depts) or np.all(propensity <= 0):
        return lead
    chance = propensity * model.willingness[depts]
    candidate = (model.rng.random(len(depts)) < chance) & ~vanity
    candidate &= model.platform_status[jurs, ks] == PLATFORM_NONE
    if not candidate.any():
        return lead
    # Others of the government whose need of the capability is still unmet,
    # counted in the candidates' governments only (their rows are contiguous).
    govs = np.unique(jurs[candidate])
    rows = ragged_ranges(model.jur_start[govs], model.jur_size[govs])
    access = model.access[rows]
    unmet = (access == OPEN) | (access == WAITING) | (access == PROPOSED)
    running = np.zeros((len(rows) + 1, N_COMMON), dtype=np.int64)
    np.cumsum(unmet, axis=0, out=running[1:])
    ends = np.cumsum(model.jur_size[govs])
    need_count = running[ends] - running[ends - model.jur_size[govs]]  # per government in govs
    idx = np.flatnonzero(candidate)
    enough = need_count[np.searchsorted(govs, jurs[idx]), ks[idx]] >= 2  # lead and another
    candidate[idx[~enough]] = False
    idx = np.flatnonzero(candidate)
    _, first = np.unique(jurs[idx] * N_COMMON + ks[idx], return_index=True)
    lead[idx[first]] = True
    return lead
