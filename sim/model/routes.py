"""The routes a department takes to meet a need, as state changes.

Filing a build proposal (``propose``), building it without waiting for
approval (``build_without_approval``), joining a shared platform
(``adopt_platform``), waiting for one (``wait_for_platform``), using a peer's
or the line ministry's system (``use_system_of``), or asking a peer for it
(``reuse_peer``). The monthly phases decide who takes which route (the
departments' choices, the offices' review, the technical service centers,
turnover); these functions carry the route out. Callers use them as
``routes.propose(...)`` so that the validation's mutants can replace them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model import (
    behaviour,
    delivery,
    money,
    platform_plans,
    running_costs,
    standards,
    systems,
)
from sim.model.arrays import add_at, distinct_cells
from sim.model.capabilities import N_COMMON
from sim.model.projects import Status
from sim.model.replica_parameters import at
from sim.model.state import PEER_USER, PLATFORM_USER, PROPOSED, RELATIVE_COST, WAITING

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
    if not len(depts):
        return
    rng = model.rng
    p = model.params(model.dept_jur[depts])
    common = kinds < N_COMMON
    model.access[depts[common], kinds[common]] = PROPOSED
    relative = np.where(common, RELATIVE_COST[np.minimum(kinds, N_COMMON - 1)], 1.0)
    business_size = rng.uniform(0.5, 1.5, len(depts))
    size = np.where(common, relative, business_size)
    # Time to build grows with size and falls with IT capacity ([001]:
    # 'three-nos' departments build slowly).
    duration = p.build_months * size / (0.3 + 0.7 * model.it_capacity[depts])
    signoff, bodies = p.signoff_delay_months, p.approval_bodies
    if np.ndim(bodies):  # replicas with their own number of bodies: a proposal passes its own
        scale = np.broadcast_to(np.maximum(signoff, 1e-9), len(depts))[:, None]
        delay = rng.exponential(scale, (len(depts), int(bodies.max())))
        delay *= np.arange(delay.shape[1]) < bodies[:, None]
        ready = model.month + np.where(signoff > 0, delay.sum(axis=1), 0.0)
    elif np.ndim(signoff):  # one value per proposal (replicas with their own parameters)
        delay = rng.exponential(np.maximum(signoff, 1e-9)[:, None], (len(depts), bodies))
        ready = model.month + np.where(signoff > 0, delay.sum(axis=1), 0.0)
    else:
        delay = rng.exponential(max(signoff, 1e-9), (len(depts), p.approval_bodies))
        ready = model.month + (delay.sum(axis=1) if signoff > 0 else 0.0)
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
        patience_from=np.full(len(depts), float(model.month)),
    )
    model.tallies.add("proposals_filed", model.dept_jur[depts])


def build_without_approval(model: GovernanceModel, pids: np.ndarray) -> None:
    """Departments withdraw proposals from sign-off or review and build them anyway.

    The project starts at once, paid by its department (an unapproved project
    gets no money from the unified pool), and is flagged: an audit can find
    it like a duplicate (``construction._complete``) and its head is then
    sanctioned. The office never sees it, so it counts no demand for a
    platform and cannot redirect it.
    """
    if not len(pids):
        return
    book = model.projects
    book.status[pids] = Status.BUILDING
    book.bypassed[pids] = True
    model.tallies.add("approval_bypassed", book.jur[pids])


def adopt_platform(
    model: GovernanceModel, depts: np.ndarray, ks: np.ndarray, targets: np.ndarray
) -> None:
    """Departments join the platforms of governments ``targets``.

    Each pays a fee (plus a migration where the platform's standard is not
    its own: the common one, or the poor one an early plan locked in) and is
    served once its integration is done, which takes
    ``platform_integration_months`` at full IT capacity and longer for weak
    departments ([001]). A platform that outgrows ``platform_capacity_users``
    is expanded at its government's cost (MODEL.md 3.10).
    """
    if not len(depts):
        return
    p = model.params(model.dept_jur[depts])
    cost = p.system_cost * RELATIVE_COST[ks]
    poor = model.platform_poor[targets, ks]
    moved = standards.join(model, depts, poor)
    money.pay(model, depts, cost * (p.adoption_cost_share + p.migration_cost_share * moved))
    model.access[depts, ks] = PLATFORM_USER
    model.peer_provider[depts, ks] = -1
    # Whose platform it joined (read only by ``sim.model.snapshot``: a user of
    # a co-built platform is told apart from a center's platform's).
    model.wait_target[depts, ks] = targets
    # A platform that lacks some of the department's sub-functions is
    # customized, or a complementary system kept or built (issue 25).
    extra = systems.close_gaps(model, depts, ks, model.platform_mask[targets, ks])
    months = p.platform_integration_months / (0.3 + 0.7 * model.it_capacity[depts]) + extra
    delivery.start_integration(model, depts, ks, model.month + months)
    before = model.platform_users[targets, ks].copy()
    add_at(model.platform_users, (targets, ks), 1)
    add_at(model.adopters, (model.dept_jur[depts], ks), 1)
    _expand(model, targets, ks, before)


def _expand(
    model: GovernanceModel, targets: np.ndarray, ks: np.ndarray, before: np.ndarray
) -> None:
    """Expand platforms whose users outgrew their capacity; their government pays."""
    jurs, kinds = distinct_cells(targets, ks, model.platform_status.shape)
    first = np.zeros(model.platform_status.shape, dtype=np.int64)
    first[targets, ks] = before  # users before this batch
    q = model.params(jurs)  # one row per platform
    capacity = q.platform_capacity_users
    blocks_before = np.maximum(np.ceil(first[jurs, kinds] / capacity), 1)
    blocks_after = np.maximum(np.ceil(model.platform_users[jurs, kinds] / capacity), 1)
    grown = blocks_after > blocks_before
    if not grown.any():
        return
    jurs, kinds = jurs[grown], kinds[grown]
    added = (blocks_after - blocks_before)[grown]
    share = at(q.platform_expansion_cost_share, grown)
    cost = added * share * platform_plans.platform_cost(model, jurs, kinds)
    model.tallies.add("platform_expansions", jurs, added)
    money.charge_governments(
        model, np.bincount(jurs, cost, minlength=model.n_jur), "operation_spending"
    )
    running_costs.add_platform_upkeep(model, jurs, cost, kinds)


def wait_for_platform(
    model: GovernanceModel, depts: np.ndarray, ks: np.ndarray, targets: np.ndarray
) -> None:
    """Departments wait for the platform of government ``targets``."""
    model.access[depts, ks] = WAITING
    model.wait_target[depts, ks] = targets
    model.wait_since[depts, ks] = model.month


def use_system_of(
    model: GovernanceModel, depts: np.ndarray, ks: np.ndarray, owners: np.ndarray
) -> None:
    """Departments use the systems of ``owners`` (a peer or their line ministry)."""
    if not len(depts):
        return
    p = model.params(model.dept_jur[depts])
    compatible = standards.compatible(model, depts, owners)
    cost = p.system_cost * RELATIVE_COST[ks]
    money.pay(model, depts, cost * (p.adoption_cost_share + p.migration_cost_share * ~compatible))
    model.access[depts, ks] = PEER_USER
    model.peer_provider[depts, ks] = owners
    # The owner's system provides the owner's bundle; the rest is
    # customized or complemented, which takes time (issue 25).
    extra = systems.close_gaps(model, depts, ks, model.own_mask[owners, ks])
    delivery.start_integration(model, depts, ks, model.month + 1 + extra)
    delivery.add_sharing_links(model, owners, depts)


def reuse_peer(model: GovernanceModel, depts: np.ndarray, ks: np.ndarray) -> np.ndarray:
    """Ask a peer that owns a system to let the department use it (Lee 2010).

    Returns:
        Mask of the departments whose peer agreed (they are now served).
    """
    if not len(depts):
        return np.zeros(0, dtype=bool)
    # Pick one owner at random (an index draw: owner lists can be long).
    jurs = model.dept_jur[depts]
    p = model.params(jurs)
    count = model.own_count[jurs, ks]
    picks = model.rng.integers(0, count)
    owners = model.owners[jurs, ks, picks]
    # An owner renewing its own system asks another owner, if there is one.
    self_pick = owners == depts
    picks = np.where(self_pick, (picks + 1) % count, picks)
    owners = model.owners[jurs, ks, picks]
    alone = owners == depts
    chance = behaviour.agreement_probability(
        willingness=model.willingness[owners],
        compatible=standards.compatible(model, depts, owners),
        push=0.0,
        evaluation_link=p.evaluation_link,
        sharing_risk=p.sharing_risk,
        rationality=p.choice_rationality,
    )
    ok = (model.rng.random(len(depts)) < chance) & ~alone
    use_system_of(model, depts[ok], ks[ok], owners[ok])
    return ok
