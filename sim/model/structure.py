"""The governments of a run: how many, at which level, under whom, how large.

Two layouts share one representation:

* flat (``n_provinces == 0``): ``n_jurisdictions`` independent governments of
  one level, e.g. one city (the standard scenario) or several cities that
  differ in fiscal capacity;
* national (``n_provinces > 0``): one central government whose departments
  are the line ministries, provinces under it, prefectures spread at random
  over the provinces, counties over the prefectures and, when
  ``n_townships > 0``, townships over the counties ([004]: five levels, 29
  ministries; end-2022 counts of 34 / 333 / 2,844 / 38,741 units). A
  township government has a few offices (``township_offices``), not the
  30-50 departments of the levels above.

Departments are numbered government by government, so a government's
departments are the rows ``start[j] : start[j] + size[j]``; a department's
``local_index`` is its line (local index r belongs to the vertical system of
central ministry r, the '条' of [004]).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

LEVEL_NAMES: tuple[str, ...] = ("central", "provincial", "prefectural", "county", "township")
CENTRAL, PROVINCIAL, PREFECTURAL, COUNTY, TOWNSHIP = range(5)
#: Deepest chain of parents (township -> county -> prefecture -> province -> centre).
MAX_DEPTH = 4
#: A township has between ``township_offices - 2`` and ``township_offices + 2``
#: offices (assumption: townships differ by a few offices).
TOWNSHIP_OFFICE_SPREAD = 2


@dataclass(frozen=True)
class Structure:
    """Arrays describing the governments and their departments.

    Attributes:
        level: Level code of each government (see ``LEVEL_NAMES``).
        parent: Parent government, -1 for a top government.
        ancestors: (governments, depth) parent, grandparent, ...; -1 past the top
            (depth: the deepest chain of the layout, at most ``MAX_DEPTH``).
        size: Number of departments of each government.
        start: Row of each government's first department.
        dept_jur: Government of each department.
        local_index: Position of each department within its government.
        replica: Copy (replica of a batched run) each government belongs to;
            copies may differ in layout, so their blocks may differ in length.
    """

    level: np.ndarray
    parent: np.ndarray
    ancestors: np.ndarray
    size: np.ndarray
    start: np.ndarray
    dept_jur: np.ndarray
    local_index: np.ndarray
    replica: np.ndarray | None = None

    @property
    def n_governments(self) -> int:
        """Number of governments."""
        return len(self.level)

    @property
    def n_departments(self) -> int:
        """Number of departments over all governments."""
        return len(self.dept_jur)

    @cached_property
    def root(self) -> np.ndarray:
        """Top government of each government's hierarchy (itself in a flat layout).

        In a batched multi-level run each copy of the hierarchy has its own
        central government.
        """
        top = np.arange(len(self.level))
        for above in self.ancestors.T:
            top = np.where(above >= 0, above, top)
        return top

    @cached_property
    def multi_level(self) -> bool:
        """Whether governments are nested (a national run)."""
        return bool((self.parent >= 0).any())


def build_structure(parameters, rng: np.random.Generator, replicas: int = 1) -> Structure:
    """Lay out the governments described by the structure parameters.

    Args:
        parameters: Validated parameters (reads the ``structure`` group), or
            one validated ``Parameters`` per replica: copies may then differ
            in their layout (size, number and levels of governments), as the
            points of a design that varies ``n_departments`` do.
        rng: The model's generator (used for sizes and for spreading lower
            governments over their parents).
        replicas: Copies of the layout side by side (a batched run; the
            governments of copy r are the r-th block of governments). Copies
            are never linked (a multi-level copy has its own centre, drawn
            hierarchy and sizes), so each is an independent replication.

    Returns:
        The structure.
    """
    per_copy = _per_copy(parameters, replicas)
    parents, levels, offset = [], [], 0
    for p in per_copy:
        parent, level = _copy_tree(p, rng)
        parents.append(np.where(parent >= 0, parent + offset, -1))
        levels.append(level)
        offset += len(level)
    parent, level = np.concatenate(parents), np.concatenate(levels)
    replica = np.repeat(np.arange(len(per_copy)), [len(v) for v in levels])
    n_gov = len(level)

    def per_government(name: str) -> np.ndarray:
        return np.array([getattr(p, name) for p in per_copy], dtype=np.int64)[replica]

    base = per_government("n_departments")
    spreads = {p.department_spread for p in per_copy}
    if len(spreads) == 1:  # one draw for all (as a single run draws it)
        spread = spreads.pop()
        size = base + rng.integers(-spread, spread + 1, n_gov)
    else:  # copies with their own spread: each government drawn within its own
        spread = per_government("department_spread")
        size = base + rng.integers(-spread, spread + 1)
    size = np.where(level == CENTRAL, per_government("n_ministries"), size)
    townships = np.flatnonzero(level == TOWNSHIP)
    if len(townships):
        offices = per_government("township_offices")[townships] + rng.integers(
            -TOWNSHIP_OFFICE_SPREAD, TOWNSHIP_OFFICE_SPREAD + 1, len(townships)
        )
        size[townships] = np.maximum(offices, 2)
    # As many columns as the deepest chain (4 with townships, 3 without, 1 if flat).
    depth_used = max(
        MAX_DEPTH if p.n_townships else (MAX_DEPTH - 1 if p.n_provinces else 1) for p in per_copy
    )
    ancestors = np.full((n_gov, depth_used), -1, dtype=np.int64)
    ancestors[:, 0] = parent
    for depth in range(1, depth_used):
        above = ancestors[:, depth - 1]
        ancestors[:, depth] = np.where(above >= 0, parent[np.maximum(above, 0)], -1)
    start = np.concatenate([[0], np.cumsum(size)[:-1]]).astype(np.int64)
    dept_jur = np.repeat(np.arange(n_gov), size)
    local_index = np.arange(len(dept_jur)) - start[dept_jur]
    return Structure(
        level, parent, ancestors, size.astype(np.int64), start, dept_jur, local_index, replica
    )


def _per_copy(parameters, replicas: int) -> list:
    """The parameters of each copy: one set repeated, or one set per copy."""
    if isinstance(parameters, list | tuple):
        if len(parameters) != replicas:
            raise ValueError(f"{len(parameters)} parameter sets for {replicas} replicas")
        return list(parameters)
    return [parameters] * replicas


def _copy_tree(p, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Parent (within the copy, -1 for a top government) and level of one copy's governments.

    A flat copy has ``n_jurisdictions`` top governments and draws nothing; a
    national copy has a centre, provinces under it, prefectures spread at
    random over the provinces, counties over the prefectures and townships
    over the counties.
    """
    if p.n_provinces == 0:
        return (
            np.full(p.n_jurisdictions, -1, dtype=np.int64),
            np.full(p.n_jurisdictions, PREFECTURAL, dtype=np.int8),
        )
    provinces = np.zeros(p.n_provinces, dtype=np.int64)  # all under the centre
    first_prefecture = 1 + p.n_provinces
    prefectures = rng.integers(1, first_prefecture, p.n_prefectures)
    first_county = first_prefecture + p.n_prefectures
    counties = rng.integers(first_prefecture, first_county, p.n_counties)
    parts = [provinces, prefectures, counties]
    if p.n_townships:  # drawn only for five levels: a four-level run is unchanged
        first_township = first_county + p.n_counties
        parts.append(rng.integers(first_county, first_township, p.n_townships))
    tree = np.concatenate(parts).astype(np.int64)
    parent = np.concatenate([[-1], tree]).astype(np.int64)
    level = np.concatenate(
        [
            [CENTRAL],
            np.full(p.n_provinces, PROVINCIAL),
            np.full(p.n_prefectures, PREFECTURAL),
            np.full(p.n_counties, COUNTY),
            np.full(p.n_townships, TOWNSHIP),
        ]
    ).astype(np.int8)
    return parent, level
