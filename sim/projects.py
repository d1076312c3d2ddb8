"""A growable struct-of-arrays holding every construction project of a run.

Projects are many (about ten per department over a run) and are advanced all
at once every month, so they live in NumPy columns rather than in Python
objects: one vectorized pass per month instead of one call per project.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np


class Status(IntEnum):
    """Where a project stands."""

    SIGNOFF = 0  # waiting for the approval bodies' sign-offs
    QUEUED = 1  # in the reviewing office's queue
    BUILDING = 2
    DONE = 3
    ABANDONED = 4
    REDIRECTED = 5  # stopped by review: the department uses what exists instead


#: Column name -> dtype. ``kind`` is a common-capability index, or one of the
#: constants below.
_COLUMNS: dict[str, type] = {
    "dept": np.int64,
    "jur": np.int64,
    "kind": np.int16,
    "status": np.int8,
    "cost": np.float64,
    "duration": np.float64,
    "progress": np.float64,
    "need_month": np.float64,
    "ready_month": np.float64,
    "queued_month": np.float64,
    "stalled": np.int32,
    "reviewed": np.bool_,
    "pool_funded": np.bool_,
    "vanity": np.bool_,
    "need_id": np.int64,
}


class ProjectBook:
    """Columns of project attributes, appended to in batches.

    Attributes:
        size: Number of projects recorded so far.
    """

    def __init__(self, capacity: int = 1024) -> None:
        self.size = 0
        self._capacity = capacity
        for name, dtype in _COLUMNS.items():
            setattr(self, name, np.zeros(capacity, dtype=dtype))

    def _grow(self, needed: int) -> None:
        new_capacity = max(needed, 2 * self._capacity)
        for name in _COLUMNS:
            old = getattr(self, name)
            new = np.zeros(new_capacity, dtype=old.dtype)
            new[: self.size] = old[: self.size]
            setattr(self, name, new)
        self._capacity = new_capacity

    def add(self, **columns: np.ndarray) -> np.ndarray:
        """Append a batch of projects.

        Args:
            **columns: One equal-length array (or scalar) per column; columns
                not given stay zero.

        Returns:
            The new projects' ids.
        """
        count = len(columns["dept"])
        if self.size + count > self._capacity:
            self._grow(self.size + count)
        ids = np.arange(self.size, self.size + count)
        for name, values in columns.items():
            getattr(self, name)[ids] = values
        self.size += count
        return ids

    def ids_with(self, *statuses: Status) -> np.ndarray:
        """Return the ids of projects in any of ``statuses``."""
        status = self.status[: self.size]
        return np.flatnonzero(np.isin(status, [int(s) for s in statuses]))
