"""Small NumPy helpers shared by the mechanism modules."""

from __future__ import annotations

import numpy as np


def nonzero_cells(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row and column indices of the True cells of a 2-D mask, in row-major order.

    The same as ``np.nonzero(mask)`` for a C-ordered 2-D array, but several
    times faster on tall arrays (a national run's 128,000 x 8 access table:
    about 0.4 ms instead of 3 ms), because NumPy's 2-D ``nonzero`` is slow.
    """
    rows, cols = np.divmod(np.flatnonzero(mask), mask.shape[1])
    return rows, cols


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
