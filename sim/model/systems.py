"""Systems as bundles of sub-functions, their overlap, their lives (issue 25).

Each common capability has ``N_SUBFUNCTIONS`` sub-functions. A department's
need of a capability is its own bundle of them (``need_mask``; sub-function
*i* needed with chance ``1 - need_heterogeneity * i / (N - 1)``, the first,
the core, by everyone), and every system provides a bundle: a department's
own system its bundle, a center's platform the ``platform_fit`` share most
commonly needed, a co-built platform its lead's bundle, a complementary
system what its owner's platform or peer does not cover. Bundles are
bitmasks in small integers, so that overlaps are table look-ups.

Two systems of one government are duplicative when more than
``duplication_overlap_threshold`` of the sub-functions either provides are
provided by both (how
GAO-12-241 counts "potentially duplicative" investments: similar functions
serving the same agency). Common systems are compared within their
capability, business systems within their mission family. The stock of
systems is kept as counts per government, capability (or family) and
bundle, so that the members of duplicative groups are counted from the
counts, and only for the cells that changed since the last count.

Own common systems (full ones, complementary ones, and old ones kept running
in parallel) have a life: their upkeep grows with age
(``running_costs``) and at its end the owner renews (``retirement``). This
module holds the primitives: drawing bundles, registering and retiring
systems, closing a department's fit gap, and counting duplicative ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model import behaviour, money, running_costs
from sim.model.arrays import add_at, nonzero_cells, ragged_ranges
from sim.model.capabilities import MISSION_FAMILIES, N_COMMON, N_SUBFUNCTIONS
from sim.model.state import (
    KEPT_LIFE_SHARE,
    LIFETIME_SPREAD,
    OPEN,
    PEER_USER,
    RELATIVE_COST,
)

if TYPE_CHECKING:
    from sim.model.governance import GovernanceModel

#: Distinct bundles of sub-functions.
N_MASKS = 1 << N_SUBFUNCTIONS
#: Number of sub-functions in each bundle.
POPCOUNT = np.array([bin(m).count("1") for m in range(N_MASKS)], dtype=np.int64)
#: Cells of the stock per government: the common capabilities, then the
#: business systems of each mission family.
N_CELLS = N_COMMON + MISSION_FAMILIES
#: Bundle holding every sub-function.
FULL_MASK = N_MASKS - 1


def overlap_table(threshold: float) -> np.ndarray:
    """Which pairs of bundles are duplicative: more than ``threshold`` of their union shared.

    The overlap of two systems is the share of the sub-functions either
    provides that both provide (Jaccard's index): symmetric, and a small
    add-on is not a duplicate of a large system merely by being inside it.

    Returns:
        Boolean array (N_MASKS, N_MASKS), symmetric; False where both are empty.
    """
    masks = np.arange(N_MASKS)
    shared = POPCOUNT[masks[:, None] & masks[None, :]]
    union = POPCOUNT[masks[:, None] | masks[None, :]]
    return (union > 0) & (shared > threshold * union)


def bits_to_masks(bits: np.ndarray) -> np.ndarray:
    """Bitmasks from boolean arrays whose last axis is the sub-functions."""
    weights = 1 << np.arange(bits.shape[-1], dtype=np.int64)
    return (bits.astype(np.int64) * weights).sum(axis=-1)


def fit_mask(fit: np.ndarray | float, draws: np.ndarray) -> np.ndarray:
    """Bundle of a platform covering share ``fit`` of the sub-functions, most needed first.

    ``fit * N_SUBFUNCTIONS`` is rarely whole: the next sub-function is covered
    with chance equal to the fraction left, so that coverage is ``fit`` on
    average. The core (the first) is always covered.

    Args:
        fit: Share of the sub-functions covered (one value, or one per platform).
        draws: One uniform draw per platform.
    """
    covered = np.asarray(fit) * N_SUBFUNCTIONS
    whole = np.floor(covered)
    count = np.clip(whole + (draws < covered - whole), 1, N_SUBFUNCTIONS).astype(np.int64)
    return (1 << count) - 1


def init_systems(model: GovernanceModel) -> None:
    """Draw the departments' bundles and set up the stock of systems."""
    rng, n, n_jur = model.rng, model.n_dept, model.n_jur
    p = model.params(model.dept_jur)
    h = p.need_heterogeneity
    h = np.asarray(h)[:, None] if np.ndim(h) else h
    chance = 1.0 - h * (np.arange(N_SUBFUNCTIONS) / (N_SUBFUNCTIONS - 1))
    model.need_mask = np.zeros((n, N_COMMON), dtype=np.int16)
    for k in range(N_COMMON):  # a capability at a time: a national run has 128,000 rows
        needed = rng.random((n, N_SUBFUNCTIONS), dtype=np.float32) < chance
        model.need_mask[:, k] = bits_to_masks(needed)
    # Mission family of each department, and the functions each family's
    # business systems commonly have, per government.
    model.mission_family = rng.integers(0, MISSION_FAMILIES, n)
    model.family_template = rng.integers(1, N_MASKS, (n_jur, MISSION_FAMILIES))
    model.business_mask = np.zeros(len(model.business_dept), dtype=np.int16)
    # The stock: systems per government, cell and bundle; members of
    # duplicative groups per cell, recounted where the stock changed.
    # Counts of at most a government's size: two bytes where that fits.
    small = int(model.jur_size.max()) < np.iinfo(np.uint16).max
    model.mask_count = np.zeros((n_jur, N_CELLS, N_MASKS), np.uint16 if small else np.int32)
    model.dup_members = np.zeros((n_jur, N_CELLS), dtype=np.int64)
    model.cell_dirty = np.zeros((n_jur, N_CELLS), dtype=bool)
    model.system_total = np.zeros(n_jur, dtype=np.int64)
    threshold = np.broadcast_to(model.params().duplication_overlap_threshold, n_jur)
    values, rule = np.unique(threshold, return_inverse=True)
    model.overlap_tables = np.stack([overlap_table(v) for v in values])
    model.overlap_rule = rule.reshape(-1)
    # Own common systems, one cell per department and capability: a full one
    # (its owner's bundle), a complementary one, or an old one kept running.
    shape = (n, N_COMMON)
    model.own_mask = np.zeros(shape, dtype=np.int16)
    model.own_full = np.zeros(shape, dtype=bool)  # counted in own_count / owners
    model.own_built = np.zeros(shape)
    model.own_retire = np.full(shape, np.inf)
    model.own_base_upkeep = np.zeros(shape)
    model.own_cost = np.zeros(shape)
    # What serves each need (its bundle) and, for a peer's system, whose.
    model.served_by = np.zeros(shape, dtype=np.int16)
    model.peer_provider = np.full(shape, -1, dtype=np.int64)
    # An owner renewing at its system's end of life (the old one serves
    # meanwhile), and whether the old one stays when the new route serves.
    model.renewing = np.zeros(shape, dtype=bool)
    model.keep_old = np.zeros(shape, dtype=bool)
    # Platforms: their bundle, and when they are due for renewal.
    model.platform_mask = np.zeros((n_jur, N_COMMON), dtype=np.int16)
    model.platform_retire = np.full((n_jur, N_COMMON), np.inf)


def add(model: GovernanceModel, jurs: np.ndarray, cells: np.ndarray, masks: np.ndarray) -> None:
    """Systems with bundles ``masks`` join their governments' stock."""
    if not len(jurs):
        return
    add_at(model.mask_count, (jurs, cells, masks), 1)
    np.add.at(model.system_total, jurs, 1)
    model.cell_dirty[jurs, cells] = True


def remove(model: GovernanceModel, jurs: np.ndarray, cells: np.ndarray, masks: np.ndarray) -> None:
    """Systems leave their governments' stock."""
    if not len(jurs):
        return
    add_at(model.mask_count, (jurs, cells, masks), 1, subtract=True)
    np.subtract.at(model.system_total, jurs, 1)
    model.cell_dirty[jurs, cells] = True


def overlaps_existing(
    model: GovernanceModel, jurs: np.ndarray, cells: np.ndarray, masks: np.ndarray
) -> np.ndarray:
    """Whether each bundle is duplicative of a system its government already has."""
    if not len(jurs):
        return np.zeros(0, dtype=bool)
    present = model.mask_count[jurs, cells] > 0  # (items, N_MASKS)
    similar = model.overlap_tables[model.overlap_rule[jurs], masks]
    return (present & similar).any(axis=1)


def overlaps_within(
    model: GovernanceModel, jurs: np.ndarray, cells: np.ndarray, masks: np.ndarray
) -> np.ndarray:
    """Whether each item overlaps an earlier item of the same government and cell.

    For systems completed in one month: the second of two overlapping ones is
    the duplicate, as if they had been finished one after the other.
    """
    result = np.zeros(len(jurs), dtype=bool)
    if len(jurs) < 2:
        return result
    key = jurs * N_CELLS + cells
    order = np.argsort(key, kind="stable")
    k, m, j = key[order], masks[order], jurs[order]
    tables, rule = model.overlap_tables, model.overlap_rule
    found = np.zeros(len(k), dtype=bool)
    for offset in range(1, len(k)):
        same = k[offset:] == k[:-offset]
        if not same.any():
            break
        hit = same & tables[rule[j[offset:]], m[offset:], m[:-offset]]
        found[offset:] |= hit
    result[order] = found
    return result


def refresh_duplicative(model: GovernanceModel) -> None:
    """Recount the members of duplicative groups in the cells that changed.

    Only the bundles present are compared, pairwise within their cell (a
    cell holds a few distinct bundles among the ``N_MASKS`` possible): a
    bundle's systems are duplicative when the systems of bundles overlapping
    it, itself included, number two or more.
    """
    # 2-D ``np.nonzero`` is slow on tall arrays: ``nonzero_cells`` gives the
    # same cells in the same (row-major) order.
    jurs, cells = nonzero_cells(model.cell_dirty)
    if not len(jurs):
        return
    model.cell_dirty[jurs, cells] = False
    counts = model.mask_count[jurs, cells]  # (changed cells, N_MASKS)
    cell, masks = nonzero_cells(counts)  # the bundles present, by cell
    present = counts[cell, masks].astype(np.float64)
    sizes = np.bincount(cell, minlength=len(jurs))
    starts = np.cumsum(sizes) - sizes
    reps = sizes[cell]
    left = np.repeat(np.arange(len(cell)), reps)
    right = ragged_ranges(starts[cell], reps)
    rule = model.overlap_rule[jurs[cell[left]]]
    # One flat index into the tables: NumPy's indexing by three arrays is slower.
    pair = (rule * N_MASKS + masks[left]) * N_MASKS + masks[right]
    similar = model.overlap_tables.reshape(-1)[pair] * present[right]
    overlapping = np.bincount(left, weights=similar, minlength=len(cell))
    members = np.bincount(cell, weights=present * (overlapping >= 2), minlength=len(jurs))
    model.dup_members[jurs, cells] = members.astype(np.int64)


def draw_lives(model: GovernanceModel, jurs: np.ndarray) -> np.ndarray:
    """Months each new system or platform of governments ``jurs`` will serve."""
    life = model.params(jurs).system_lifetime_months
    spread = model.rng.uniform(1.0 - LIFETIME_SPREAD, 1.0 + LIFETIME_SPREAD, len(jurs))
    return life * spread


def register_own(
    model: GovernanceModel,
    depts: np.ndarray,
    ks: np.ndarray,
    masks: np.ndarray,
    costs: np.ndarray,
    full: np.ndarray | bool,
) -> None:
    """Departments' new own common systems: in the stock, with a life and upkeep.

    Args:
        model: The model.
        depts: Owners (none of which holds an own system of ``ks`` now).
        ks: Capabilities.
        masks: Bundle each system provides.
        costs: Build cost of each (its upkeep is a share of it).
        full: Whether each is a full own system (counted among the
            capability's instances and reusable by peers) or a complementary one.
    """
    if not len(depts):
        return
    jurs = model.dept_jur[depts]
    t = float(model.month)
    model.own_mask[depts, ks] = masks
    model.own_full[depts, ks] = full
    model.own_built[depts, ks] = t
    model.own_retire[depts, ks] = t + draw_lives(model, jurs)
    model.own_cost[depts, ks] = costs
    model.own_base_upkeep[depts, ks] = running_costs.add_system_upkeep(model, depts, costs)
    add(model, jurs, ks, masks)


def retire_own(
    model: GovernanceModel, depts: np.ndarray, ks: np.ndarray, reopen_peers: bool = True
) -> None:
    """Own common systems are decommissioned: out of the stock, their upkeep stops.

    A full system leaves its capability's instances (and the registry, which
    cannot know of more systems than exist). Departments that used it as a
    peer's system lose their service and need the capability again, unless
    ``reopen_peers`` is False (its owner replaces it with a new own system).
    """
    has = model.own_mask[depts, ks] != 0
    depts, ks = depts[has], ks[has]
    if not len(depts):
        return
    jurs = model.dept_jur[depts]
    remove(model, jurs, ks, model.own_mask[depts, ks].astype(np.int64))
    running_costs.remove_system_upkeep(
        model, depts, model.own_base_upkeep[depts, ks], model.own_built[depts, ks]
    )
    full = model.own_full[depts, ks]
    _drop_owners(model, depts[full], ks[full])
    model.own_mask[depts, ks] = 0
    model.own_full[depts, ks] = False
    model.own_retire[depts, ks] = np.inf
    model.own_base_upkeep[depts, ks] = 0.0
    model.tallies.add("systems_retired", jurs)
    if reopen_peers and full.any():
        _reopen_peer_users(model, depts[full], ks[full])


def _drop_owners(model: GovernanceModel, depts: np.ndarray, ks: np.ndarray) -> None:
    """Remove departments from their capability's owner lists (kept in completion order)."""
    if not len(depts):
        return
    jurs = model.dept_jur[depts]
    # Each owner's slot (several may leave one list at once).
    slot = np.argmax(model.owners[jurs, ks] == depts[:, None], axis=1)
    model.owners[jurs, ks, slot] = -1
    add_at(model.own_count, (jurs, ks), 1, subtract=True)
    np.minimum(model.registered_count, model.own_count, out=model.registered_count)
    # Close the gaps: the remaining owners first, in their order.
    cells = np.unique(jurs * N_COMMON + ks)
    cj, ck = np.divmod(cells, N_COMMON)
    lists = model.owners[cj, ck]
    order = np.argsort(lists < 0, axis=1, kind="stable")
    model.owners[cj, ck] = np.take_along_axis(lists, order, axis=1)


def _reopen_peer_users(model: GovernanceModel, owners: np.ndarray, ks: np.ndarray) -> None:
    """Users of retired peers' systems lose service and need the capability again."""
    for k in np.unique(ks).tolist():
        gone = owners[ks == k]
        column = model.peer_provider[:, k]
        users = np.flatnonzero(np.isin(column, gone) & (model.access[:, k] == PEER_USER))
        if not len(users):
            continue
        model.peer_provider[users, k] = -1
        end_service(model, users, np.full(len(users), k))
        reopen(model, users, np.full(len(users), k))


def end_service(model: GovernanceModel, depts: np.ndarray, ks: np.ndarray) -> None:
    """Served common needs stop being served at the end of this month."""
    if not len(depts):
        return
    jurs = model.dept_jur[depts]
    model.tallies.add("needs_service_ended", jurs)
    model.tallies.add("needs_service_ended_month_sum", jurs, float(model.month + 1))


def reopen(model: GovernanceModel, depts: np.ndarray, ks: np.ndarray) -> None:
    """Departments need capabilities again from this month (a new need, unserved)."""
    if not len(depts):
        return
    t = float(model.month)
    jurs = model.dept_jur[depts]
    model.access[depts, ks] = OPEN
    model.need_month[depts, ks] = t
    model.served_month[depts, ks] = np.nan
    model.tallies.add("needs_arisen", jurs)
    model.tallies.add("needs_arisen_month_sum", jurs, t)
    model.tallies.add("common_needs_arisen", jurs)


def close_gaps(
    model: GovernanceModel, depts: np.ndarray, ks: np.ndarray, provided: np.ndarray
) -> np.ndarray:
    """Departments joining a platform or a peer's system close the gap in their bundle.

    Where the system joined does not provide every sub-function the
    department needs, the department customizes it (``customization_cost_share``
    of an own system per share of its bundle uncovered) or keeps a
    complementary system of its own: its old system if it has one, else a new
    one for the uncovered sub-functions (a share of an own system's cost).
    It chooses by logit on the same utilities as its other choices
    (``behaviour.fit_gap_utilities``). A department that had its own system
    and is fully covered keeps it running in parallel with chance
    ``parallel_running_share``. Either way the work takes time: building the
    uncovered share of a system.

    Args:
        model: The model.
        depts: Departments joining.
        ks: Capabilities.
        provided: Bundle of the system each joins.

    Returns:
        Extra months before each is served (0 where nothing is customized or built).
    """
    if not len(depts):
        return np.zeros(0)
    p = model.params(model.dept_jur[depts])
    need = model.need_mask[depts, ks].astype(np.int64)
    gap = need & ~provided.astype(np.int64)
    share = POPCOUNT[gap] / np.maximum(POPCOUNT[need], 1)
    model.served_by[depts, ks] = provided
    has_old = model.own_mask[depts, ks] != 0
    cost = p.system_cost * RELATIVE_COST[ks]
    weight = behaviour.money_weight(model.allocation[depts], p.annual_budget)
    utilities = behaviour.fit_gap_utilities(
        cost=cost,
        weight=weight,
        gap_share=share,
        has_old_system=has_old,
        autonomy_value=p.autonomy_value,
        customization_cost_share=p.customization_cost_share,
    )
    choice = behaviour.logit_choice(utilities, p.choice_rationality, model.rng)
    open_gap = share > 0
    customize = open_gap & (choice == behaviour.CUSTOMIZE)
    complement = open_gap & (choice == behaviour.COMPLEMENT)
    keep = complement & has_old
    build = complement & ~has_old
    parallel = ~open_gap & has_old & (model.rng.random(len(depts)) < p.parallel_running_share)
    model.keep_old[depts, ks] = keep | build | parallel
    money.pay(model, depts[customize], (cost * share * p.customization_cost_share)[customize])
    model.tallies.add("customizations", model.dept_jur[depts[customize]])
    b = np.flatnonzero(build)
    built_cost = (cost * share)[b]
    paid = money.pay(model, depts[b], built_cost)
    register_own(model, depts[b], ks[b], gap[b], paid, full=False)
    model.tallies.add("complementary_systems", model.dept_jur[depts[b]])
    work = customize | build
    months = p.build_months * share / (0.3 + 0.7 * model.it_capacity[depts])
    return np.where(work, months, 0.0)


def hand_over(model: GovernanceModel, depts: np.ndarray, ks: np.ndarray) -> None:
    """A platform or a peer's system starts serving departments: old own systems go.

    The department's own system of the capability (an old one it renewed, or
    one left from before) is decommissioned, unless ``close_gaps`` decided to
    keep it: then it runs on, for ``KEPT_LIFE_SHARE`` of a lifetime if its
    life had already ended.
    """
    old = model.own_mask[depts, ks] != 0
    keep = old & model.keep_old[depts, ks]
    kd, kk = depts[keep], ks[keep]
    ended = ~np.isfinite(model.own_retire[kd, kk])
    life = draw_lives(model, model.dept_jur[kd[ended]]) * KEPT_LIFE_SHARE
    model.own_retire[kd[ended], kk[ended]] = model.month + life
    go = old & ~keep
    retire_own(model, depts[go], ks[go])
    model.keep_old[depts, ks] = False
    model.renewing[depts, ks] = False


def business_masks(model: GovernanceModel, depts: np.ndarray) -> np.ndarray:
    """Bundles of new business systems: like their mission family's, by ``business_similarity``."""
    jurs = model.dept_jur[depts]
    template = model.family_template[jurs, model.mission_family[depts]]
    similarity = model.params(jurs).business_similarity
    similarity = np.asarray(similarity)[:, None] if np.ndim(similarity) else similarity
    rng = model.rng
    shape = (len(depts), N_SUBFUNCTIONS)
    own_draw = rng.random(shape) < 0.5
    template_bits = (template[:, None] >> np.arange(N_SUBFUNCTIONS)) & 1
    bits = np.where(rng.random(shape) < similarity, template_bits.astype(bool), own_draw)
    masks = bits_to_masks(bits)
    return np.where(masks == 0, 1, masks)
