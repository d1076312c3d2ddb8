"""Growable struct-of-arrays tables: projects, joint services and their members.

Projects are many (about ten per department over a run) and are advanced all
at once every month, so they live in NumPy columns rather than in Python
objects: one vectorized pass per month instead of one call per project.
"""

from __future__ import annotations

from enum import IntEnum
from typing import ClassVar

import numpy as np


class Status(IntEnum):
    """Where a project stands. Values up to ``BUILDING`` mean still alive."""

    SIGNOFF = 0  # waiting for the approval bodies' sign-offs
    QUEUED = 1  # in the reviewing office's queue
    BUILDING = 2
    DONE = 3
    ABANDONED = 4
    REDIRECTED = 5  # stopped by review: the department uses what exists instead


class Table:
    """Columns of equal length, appended to in batches; subclasses name the columns.

    Attributes:
        size: Number of rows recorded so far.
    """

    COLUMNS: ClassVar[dict[str, type]] = {}

    def __init__(self, capacity: int = 1024) -> None:
        self.size = 0
        self._capacity = capacity
        for name, dtype in self.COLUMNS.items():
            setattr(self, name, np.zeros(capacity, dtype=dtype))

    def _grow(self, needed: int) -> None:
        new_capacity = max(needed, 2 * self._capacity)
        for name in self.COLUMNS:
            old = getattr(self, name)
            new = np.zeros(new_capacity, dtype=old.dtype)
            new[: self.size] = old[: self.size]
            setattr(self, name, new)
        self._capacity = new_capacity

    def add(self, **columns: np.ndarray) -> np.ndarray:
        """Append rows.

        Args:
            **columns: One equal-length array (or a scalar) per column; the
                first column given sets the count; columns not given stay zero.

        Returns:
            The new rows' ids.
        """
        count = len(next(iter(columns.values())))
        if self.size + count > self._capacity:
            self._grow(self.size + count)
        rows = slice(self.size, self.size + count)  # a slice: faster to fill than an index array
        for name, values in columns.items():
            getattr(self, name)[rows] = values
        self.size += count
        return np.arange(rows.start, rows.stop)

    def view(self, name: str) -> np.ndarray:
        """Return the filled part of a column."""
        return getattr(self, name)[: self.size]


class ProjectBook(Table):
    """Every departmental construction project of a run."""

    COLUMNS: ClassVar[dict[str, type]] = {
        "dept": np.int64,
        "jur": np.int64,
        "kind": np.int16,  # common-capability index, or BUSINESS
        "status": np.int8,
        "cost": np.float64,
        "duration": np.float64,
        "progress": np.float64,
        "need_month": np.float64,
        "ready_month": np.float64,  # when the sign-offs are through
        "queued_month": np.float64,
        "stalled": np.int32,  # months with less than half the money needed
        "reviewed": np.bool_,
        "pool_funded": np.bool_,
        "vanity": np.bool_,
        "need_id": np.int64,  # row of the business need, -1 for common needs
        "patience_from": np.float64,  # month the department last chose to keep waiting
        "bypassed": np.bool_,  # built without waiting for its sign-offs or review
        # Its department's head changed while it was unfinished (observed, not
        # acted on: fact 8 compares these projects' fates with the others').
        "head_changed": np.bool_,
    }

    def __init__(self, capacity: int = 1024) -> None:
        super().__init__(capacity)
        self._alive = np.zeros(0, dtype=np.int64)  # ids alive at the last ``alive``
        self._seen = 0  # projects added before the last ``alive``
        self._ended: list[np.ndarray] = []  # ids ended since the last ``alive``

    def end(self, pids: np.ndarray, status: Status) -> None:
        """Projects end with ``status`` (done, abandoned or redirected).

        Every end goes through here (never a plain write of an ending status
        into ``status``): ``alive`` drops exactly the ids ended since its
        last call instead of reading the status of every alive project.
        """
        self.status[pids] = status
        self._ended.append(np.asarray(pids, dtype=np.int64))

    def alive(self) -> np.ndarray:
        """Ids of projects not yet done, abandoned or redirected, in id order.

        A project never comes back to life, so the ids alive at the last call
        lose those ended since (``end``), found by binary search, and gain
        those added since that are alive: a national run has about 100,000
        alive among 700,000, and a few thousand end or are added between
        calls, so this skips reading the status of every alive project (four
        times a month).
        """
        known, seen = self._alive, self._seen
        if self._ended and len(known):
            ended = np.concatenate(self._ended)
            where = np.searchsorted(known, ended).clip(max=len(known) - 1)
            keep = np.ones(len(known), dtype=bool)
            keep[where[known[where] == ended]] = False
            known = known[keep]
        self._ended = []
        if self.size > seen:
            added = np.arange(seen, self.size, dtype=np.int64)
            known = np.concatenate([known, added[self.status[added] <= Status.BUILDING]])
        self._alive, self._seen = known, self.size
        return known


class ServiceBook(Table):
    """Cross-department services and the coordination cases about them."""

    COLUMNS: ClassVar[dict[str, type]] = {
        "jur": np.int64,
        "month": np.int64,
        "first_member": np.int64,  # row in the MemberBook
        "n_members": np.int64,
        "done": np.bool_,
        "case_open": np.bool_,
        "case_since": np.float64,  # month opened or last worked (round robin)
        "done_month": np.float64,  # month it was delivered (read only when done; fact 9)
    }


class MemberBook(Table):
    """Departments a joint service needs, and whether each has joined."""

    COLUMNS: ClassVar[dict[str, type]] = {
        "service": np.int64,
        "dept": np.int64,
        "joined": np.bool_,
    }
