"""Small NumPy helpers shared by the mechanism modules."""

from __future__ import annotations

import numpy as np


def nonzero_cells(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row and column indices of the True cells of a 2-D mask, in row-major order.

    The same as ``np.nonzero(mask)`` for a C-ordered 2-D array, but several
    times faster on tall arrays (a national run's 128,000 x 8 access table:
    about 0.4 ms instead of 3 ms), because NumPy's 2-D ``nonzero`` is slow.
    """
    flat = np.flatnonzero(mask)
    # One integer division and a multiply-subtract: NumPy's divmod of
    # integers is about twice as slow.
    rows = flat // mask.shape[1]
    return rows, flat - rows * mask.shape[1]


def distinct_cells(
    rows: np.ndarray, cols: np.ndarray, shape: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """The distinct ``(row, col)`` cells among the pairs, in row-major order.

    The same as ``np.unique`` of ``rows * shape[1] + cols`` split back into
    rows and columns, but marked on a boolean grid of ``shape`` (a national
    run's governments x capabilities is small) instead of sorted.
    """
    grid = np.zeros(shape, dtype=bool)
    grid[rows, cols] = True
    return nonzero_cells(grid)


def distinct_small(values: np.ndarray, bound: int) -> list[int]:
    """The distinct values among integers from 0 to ``bound - 1``, ascending.

    The same as ``np.unique(values).tolist()``, but counted instead of sorted:
    about ten times faster for a national run's thousands of platform cells
    of a handful of capabilities.
    """
    return np.flatnonzero(np.bincount(values, minlength=bound)).tolist()


def ragged_ranges(firsts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenate ``arange(first, first + count)`` over the pairs, without a Python loop.

    Args:
        firsts: Start of each range.
        counts: Length of each range (non-negative).

    Returns:
        The ranges one after the other (int64), e.g. ``[5, 6, 7, 2, 3]`` for
        firsts ``[5, 2]`` and counts ``[3, 2]``.
    """
    counts = np.asarray(counts, dtype=np.int64)
    offsets = np.asarray(firsts, dtype=np.int64) - (np.cumsum(counts) - counts)
    return np.repeat(offsets, counts) + np.arange(int(counts.sum()), dtype=np.int64)


def run_starts(values: np.ndarray) -> np.ndarray:
    """Index where each run of equal consecutive ``values`` begins (``values`` not empty).

    E.g. ``[0, 2, 3]`` for ``[4, 4, 7, 9, 9]``. Cheaper than building the same
    with ``np.r_``, whose per-call overhead counts in a batched city run.
    """
    return np.concatenate(([0], np.flatnonzero(values[1:] != values[:-1]) + 1))


def run_lengths(starts: np.ndarray, total: int) -> np.ndarray:
    """Length of each run, from the runs' starts and the number of values."""
    return np.diff(np.append(starts, total))


def first_of_runs(values: np.ndarray) -> np.ndarray:
    """Boolean mask of the elements that differ from the one before (the first is True)."""
    first = np.empty(len(values), dtype=bool)
    first[:1] = True
    np.not_equal(values[1:], values[:-1], out=first[1:])
    return first


#: Entries from which ``lexsort_whole`` folds the keys (measured: about equal
#: at 1,000, twice as fast at 3,000 and more).
LEXSORT_WHOLE_FROM = 2_000


def lexsort_whole(keys: tuple[np.ndarray, ...]) -> np.ndarray:
    """``np.lexsort(keys)`` (last key primary) for keys of whole numbers from 0, faster.

    The keys are folded into one integer, the primary key most significant,
    and sorted stably: the same order as ``np.lexsort``, ties included (by
    position). NumPy's lexsort sorts once per key and its float merge sort
    is slow, whereas one stable sort of integers is several times faster, and
    of integers below 2**15 (months, say) a radix sort. Keys that are not all
    whole numbers from 0 (NaN, negative, fractional), or whose fold would
    not fit in 62 bits, are sorted by ``np.lexsort`` itself, and so are
    fewer than ``LEXSORT_WHOLE_FROM`` entries (a city run's queues), for which
    checking and folding the keys costs more than it saves.

    Args:
        keys: Equal-length arrays (bool, integer or float), the last one primary.

    Returns:
        The indices that sort the keys.
    """
    if len(keys[0]) < LEXSORT_WHOLE_FROM:
        return np.lexsort(keys)
    folded, span = np.zeros(len(keys[0]), dtype=np.int64), 1
    for key in reversed(keys):
        with np.errstate(invalid="ignore"):  # NaN and huge values: checked below
            whole = key.astype(np.int64)
        low, high = int(whole.min()), int(whole.max())
        if low < 0 or (key.dtype.kind == "f" and not np.array_equal(whole, key)):
            return np.lexsort(keys)
        span *= high + 1
        if span >= 2**62:
            return np.lexsort(keys)
        folded = folded * (high + 1) + whole
    if span <= 2**15:
        folded = folded.astype(np.int16)
    return np.argsort(folded, kind="stable")


def add_at(target: np.ndarray, index, values=1, subtract: bool = False) -> None:
    """``np.add.at(target, index, values)`` (or ``np.subtract.at``), through NumPy's fast path.

    NumPy's unbuffered ``ufunc.at`` is fast only for one index array into a
    contiguous 1-D array whose dtype the values already have; with a tuple
    of index arrays into a 2-D or 3-D array it takes a generic path that is
    thousands of times slower (a national run's systems stock: seconds a
    month). Here the tuple is folded into flat indices of the raveled
    (C-contiguous) target and the values cast to its dtype first: the same
    additions in the same order, so the same result.

    Args:
        target: C-contiguous array, changed in place.
        index: An index array, or a tuple of one per axis.
        values: One value per index, or one for all.
        subtract: Subtract instead of add.
    """
    if isinstance(index, tuple):
        index = np.ravel_multi_index(index, target.shape)
    flat = target.reshape(-1)
    values = np.asarray(values, dtype=target.dtype)
    (np.subtract if subtract else np.add).at(flat, index, values)
