"""Construction, completion and audit (mechanisms 5, 6 and 9).

A building project needs ``cost / duration`` money a month. Pool-funded
projects always get it; departmental ones share their department's balance
pro rata, and a month with less than half the money needed counts towards
``stall_months`` ('beard' projects of [002]). A finished common system is a
duplicate when it shares more than ``duplication_overlap_threshold`` of its
sub-functions with a system its government already has (GAO-12-241, issue 25);
it is recorded in the office's registry with chance ``registry_completeness``
and follows the common standard with a chance raised by enforcement backed
by the top leader ([001][004]). Audits find duplicates and vanity projects
with chance ``audit_rate``; a finding teaches the head (and, a fifth as much,
the government's other heads) to fear ``sanction_strength`` [001].
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model import delivery, money, running_costs, standards, systems
from sim.model.arrays import add_at, run_lengths, run_starts
from sim.model.capabilities import N_COMMON
from sim.model.projects import Status
from sim.model.replica_parameters import at
from sim.model.state import BUSINESS, OWN

if TYPE_CHECKING:
    from sim.model.governance import GovernanceModel

#: Share of a sanction that the other heads of the government learn from it.
SANCTION_SPILLOVER = 0.2


def construction(model: GovernanceModel) -> None:
    """Advance every building project by the money it gets this month."""
    book = model.projects
    alive = book.alive()
    building = alive[book.status[alive] == Status.BUILDING]
    if not len(building):
        return
    duration = book.duration[building]
    spend = book.cost[building] / duration
    # Positions of the projects paid by their department (about half, at
    # random: indexing with their positions is faster than with the mask).
    own = np.flatnonzero(~book.pool_funded[building])
    own_depts = book.dept[building[own]]
    # Departmental money is shared pro rata among a department's projects,
    # after keeping back its systems' upkeep for the rest of the year.
    demand = np.bincount(own_depts, spend[own], minlength=model.n_dept)
    free = np.maximum(model.balance - running_costs.kept_back_by_departments(model), 0.0)
    share = np.minimum(1.0, free / np.maximum(demand, 1e-12))
    funded = np.ones(len(building))
    funded[own] = share[own_depts]
    paid = spend * funded
    np.subtract.at(model.balance, own_depts, paid[own])
    model.tallies.add("spending", book.jur[building], paid)
    progress = book.progress[building] + funded / duration
    book.progress[building] = progress
    book.stalled[building[np.flatnonzero(funded < 0.5)]] += 1  # by position, as above
    done = building[progress >= 1.0 - 1e-9]
    if len(done):
        _complete(model, done)


def _complete(model: GovernanceModel, pids: np.ndarray) -> None:
    book, rng = model.projects, model.rng
    book.end(pids, Status.DONE)
    model.tallies.add("projects_completed", book.jur[pids])
    # Delivered, but significantly late (Heeks's partial failure, issue 26):
    # the project was a 'beard' project at some point, at least stall_months
    # months with under half the money it needed, and was finished anyway.
    stall_months = model.params(book.jur[pids]).stall_months
    late = book.stalled[pids] >= stall_months
    model.tallies.add("late_projects_completed", book.jur[pids[late]])
    business = book.kind[pids] == BUSINESS
    _complete_business(model, pids[business])
    # A business system built without approval runs the audit's risk too
    # (common systems are audited below, with duplicates and vanity projects).
    unapproved = pids[business & book.bypassed[pids]]
    if len(unapproved):
        depts = book.dept[unapproved]
        jurs = model.dept_jur[depts]
        found = rng.random(len(unapproved)) < model.params(jurs).audit_rate
        _sanction(model, depts[found], jurs[found])
    pids = pids[~business]
    if not len(pids):
        return
    depts, ks = book.dept[pids], book.kind[pids].astype(np.int64)
    jurs = model.dept_jur[depts]
    model.tallies.add("common_projects_completed", jurs)
    p = model.params(jurs)
    # The new system replaces any own system of the department: the old one
    # an owner renewed (its peers move to the new one) or a complementary one.
    renewing = model.renewing[depts, ks]
    systems.retire_own(model, depts, ks, reopen_peers=False)
    # Systems finished in the same month count in order: the second one of a
    # government and capability is already an instance.
    cells = jurs * 64 + ks
    order = np.argsort(cells, kind="stable")
    earlier = np.zeros(len(pids), dtype=np.int64)
    sorted_cells = cells[order]
    starts = run_starts(sorted_cells)
    runs = run_lengths(starts, len(sorted_cells))
    earlier[order] = np.arange(len(pids)) - np.repeat(starts, runs)
    # A duplicate provides more than duplication_overlap_threshold of the
    # sub-functions of a system its government has (or of one finished
    # earlier this month): GAO-12-241's 'potentially duplicative' (issue 25).
    masks = model.need_mask[depts, ks].astype(np.int64)
    duplicate = systems.overlaps_existing(model, jurs, ks, masks)
    duplicate |= systems.overlaps_within(model, jurs, ks, masks)
    systems.register_own(model, depts, ks, masks, book.cost[pids], full=True)
    model.served_by[depts, ks] = masks
    model.peer_provider[depts, ks] = -1
    # Owners in completion order: after the cell's earlier owners.
    model.owners[jurs, ks, model.own_count[jurs, ks] + earlier] = depts
    add_at(model.own_count, (jurs, ks), 1)
    model.tallies.add("duplicate_projects", jurs[duplicate])
    model.tallies.add("redundant_spending", jurs[duplicate], book.cost[pids[duplicate]])
    vanity = book.vanity[pids]
    model.tallies.add("vanity_projects", jurs[vanity])
    # Audits look at duplicates, vanity projects and projects built without
    # approval ('未批先建', issue 25).
    flagged = duplicate | vanity | book.bypassed[pids]
    found = flagged & (rng.random(len(pids)) < p.audit_rate)
    _sanction(model, depts[found], jurs[found])
    registered = rng.random(len(pids)) < p.registry_completeness
    add_at(model.registered_count, (jurs[registered], ks[registered]), 1)
    # A department moves onto the common standard with a new system only
    # where enforcement has the top leader behind it ([001]: standards hard
    # to enforce without authority); one already on the standard stays. A
    # department leaving a poor locked-in standard pays its migration.
    follow = rng.random(len(pids)) < p.standard_enforcement * model.attention_factor()[jurs]
    leaving = follow & model.on_poor_standard[depts]
    money.pay(model, depts[leaving], book.cost[pids[leaving]] * at(p.migration_cost_share, leaving))
    standards.join(model, depts[follow], np.zeros(np.count_nonzero(follow), dtype=bool))
    model.access[depts, ks] = OWN
    # A renewal's old system served until now: the service goes on.
    model.served_month[depts[renewing], ks[renewing]] = model.month + 1
    model.renewing[depts[renewing], ks[renewing]] = False
    model.keep_old[depts, ks] = False
    delivery.serve_common(model, depts[~renewing], ks[~renewing], replaces=False)


def _complete_business(model: GovernanceModel, pids: np.ndarray) -> None:
    """Finished business systems serve their needs and join the stock of systems."""
    if not len(pids):
        return
    book = model.projects
    depts = book.dept[pids]
    running_costs.add_system_upkeep(model, depts, book.cost[pids])
    np.add.at(model.business_systems_owned, depts, 1)
    need_ids = book.need_id[pids]
    masks = systems.business_masks(model, depts)
    model.business_mask[need_ids] = masks
    cells = N_COMMON + model.mission_family[depts]
    systems.add(model, model.dept_jur[depts], cells, masks)
    delivery.serve_business(model, need_ids)


def _sanction(model: GovernanceModel, depts: np.ndarray, jurs: np.ndarray) -> None:
    """Audit findings: the heads learn to fear the sanction, the others a fifth as much."""
    model.tallies.add("audit_findings", jurs)
    strength = model.params(jurs).sanction_strength
    np.add.at(model.sanction_memory, depts, strength)
    np.add.at(model.deterrence, jurs, SANCTION_SPILLOVER * strength)
