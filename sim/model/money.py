"""Payments, monthly work slots and funding in order: the model's money primitives.

Every mechanism that charges a department, fills a body's monthly capacity
or funds items from a purse in priority order calls these; they only read
and write the model's arrays.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model.arrays import first_of_runs, ragged_ranges, run_lengths, run_starts

if TYPE_CHECKING:
    from sim.model.governance import GovernanceModel


def pay(
    model: GovernanceModel,
    depts: np.ndarray,
    amounts: np.ndarray | float,
    tally: str | tuple[str, ...] | None = None,
) -> np.ndarray:
    """Charge departments from their balances, never below zero.

    A department may appear several times in ``depts``; its charges are met in
    order until its balance is used up, and the rest stays unpaid.

    Args:
        model: The model.
        depts: Department rows to charge.
        amounts: Amount per charge (or one amount for all).
        tally: Running total (or totals) that also records what was paid
            (besides ``spending``), by the departments' governments.

    Returns:
        The amount actually paid per charge.
    """
    amounts = np.asarray(amounts, dtype=float)
    if amounts.shape != depts.shape:  # one amount for all
        amounts = np.broadcast_to(amounts, depts.shape)
    # Charges by department, in their order within a department. Most callers
    # (monthly upkeep, fees) charge each department once in row order: then
    # there is nothing to sort and no runs to mark (a national run charges
    # 100,000 departments at a time).
    once_in_order = len(depts) < 2 or bool((depts[1:] > depts[:-1]).all())
    order, first = None, None
    d, a = depts, amounts
    if not once_in_order:
        if (depts[1:] < depts[:-1]).any():
            order = np.argsort(depts, kind="stable")
            d, a = depts[order], amounts[order]
        first = first_of_runs(d)
    once = first is None or bool(first.all())  # each department charged once
    before = np.cumsum(a) - a  # charged earlier in this batch (all departments)
    balance = model.balance[d]
    if once and (before[1:] >= before[:-1]).all():
        # The running maximum below would equal ``before`` and leave zeros to
        # subtract (x - 0.0 is x), so skip it. Rounding can make ``before``
        # dip where a charge is tiny; then the general path runs.
        paid = np.clip(np.maximum(balance, 0.0), 0.0, a)
    else:
        runs = before if first is None else np.where(first, before, 0.0)
        before -= np.maximum.accumulate(runs)  # same department only
        paid = np.clip(np.maximum(balance, 0.0) - before, 0.0, a)
    if once:
        model.balance[d] = balance - paid
    else:
        np.subtract.at(model.balance, d, paid)
    if order is not None:  # back to the callers' order
        paid_sorted, paid = paid, np.empty_like(paid)
        paid[order] = paid_sorted
    names = "spending" if tally is None else ("spending", *_names(tally))
    model.tallies.add(names, model.dept_jur[depts], paid)
    return paid


def take_slots(
    model: GovernanceModel,
    credit: np.ndarray,
    capacity: float | np.ndarray,
    items_jur: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Each body's work slots this month, from a credit that refills monthly.

    Capacity refills each month with at most one month's worth banked; a body
    being reorganized works nothing and its credit waits.

    Args:
        model: The model.
        credit: Credit per government before this month.
        capacity: Items a body can handle this month (may be fractional; one
            value, or one per government).
        items_jur: Government of each item waiting.

    Returns:
        ``(credit, slots)``: credit left after this month and slots per government.
    """
    working = model.disrupted_until <= model.month
    refilled = np.minimum(credit + capacity, capacity + 1.0)
    credit = np.where(working, refilled, credit)
    waiting = np.bincount(items_jur, minlength=model.n_jur)
    slots = np.minimum(np.floor(credit), waiting).astype(np.int64)
    slots[~working] = 0
    return credit - slots, slots


def rank_within(groups: np.ndarray) -> np.ndarray:
    """Position of each element within its run of equal, already sorted ``groups``."""
    if not len(groups):
        return np.zeros(0, dtype=np.int64)
    starts = run_starts(groups)
    run_start = np.repeat(starts, run_lengths(starts, len(groups)))
    return np.arange(len(groups)) - run_start


def fund_in_order(groups: np.ndarray, costs: np.ndarray, available: np.ndarray) -> np.ndarray:
    """Which items a per-group purse can pay for, in the given order.

    Args:
        groups: Group (government) of each item, sorted so that each group's
            items are contiguous and in priority order.
        costs: Cost of each item.
        available: Money available per group (indexed by group).

    Returns:
        Boolean mask of the items funded: a prefix of each group's items
        whose running total fits the group's purse.
    """
    if not len(groups):
        return np.zeros(0, dtype=bool)
    running = np.cumsum(costs)
    starts = run_starts(groups)
    offset = np.repeat(running[starts] - costs[starts], run_lengths(starts, len(groups)))
    return running - offset <= available[groups] + 1e-12


def _names(tally: str | tuple[str, ...]) -> tuple[str, ...]:
    return (tally,) if isinstance(tally, str) else tuple(tally)


def charge_governments(
    model: GovernanceModel, amounts: np.ndarray, tally: str | tuple[str, ...]
) -> np.ndarray:
    """Charge each government an amount: its pool first, then its departments' balances.

    What the pool cannot pay is taken from the government's departments in
    proportion to their balances (it is the same e-government money).

    Args:
        model: The model.
        amounts: Amount per government (length ``n_jur``).
        tally: Running total (or totals) that records what was paid (besides
            ``spending``).

    Returns:
        The amount paid per government (less than asked where the money ran out).
    """
    amounts = np.asarray(amounts, dtype=float)
    from_pool = np.minimum(np.maximum(model.pool, 0.0), amounts)
    model.pool -= from_pool
    rest = amounts - from_pool
    paid = from_pool
    charged = np.flatnonzero(rest)  # governments whose pool falls short
    if len(charged):
        # Only the departments of those governments are read (a national run
        # has 128,000 rows and usually a few short pools); when most are
        # short, every row at once. A government's rows are contiguous and
        # kept in order, so its sums are the same either way.
        if 2 * len(charged) > model.n_jur:
            charged, rows, group = np.arange(model.n_jur), slice(None), model.dept_jur
        else:
            sizes = model.jur_size[charged]
            rows = ragged_ranges(model.jur_start[charged], sizes)
            group = np.repeat(np.arange(len(charged)), sizes)
        balance = np.maximum(model.balance[rows], 0.0)
        held = np.bincount(group, balance, minlength=len(charged))
        share = np.divide(rest[charged], held, out=np.zeros(len(charged)), where=held > 0)
        share = np.minimum(share, 1.0)
        taken = balance * share[group]
        model.balance[rows] -= taken
        paid = from_pool + 0.0  # what the other governments paid: their pool's part
        paid[charged] += np.bincount(group, taken, minlength=len(charged))
    governments = np.arange(model.n_jur)
    model.tallies.add(("spending", *_names(tally)), governments, paid)
    return paid
