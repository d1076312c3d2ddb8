"""Which standard each department follows, and what crossing standards costs.

A department follows the common standard (``on_standard``), a poor standard
locked in by an early master plan (``on_poor_standard``: the platforms that
plan scheduled carry it), or neither (its own). Two departments exchange data
or systems cheaply only on the same standard; otherwise someone pays for a
bridge, and moving to another standard costs a migration (MODEL.md 3.10:
lock-in of a poor standard; [001][004]).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.model.governance import GovernanceModel


def compatible(model: GovernanceModel, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Whether departments ``a`` and ``b`` follow the same shared standard (pairwise)."""
    common = model.on_standard[a] & model.on_standard[b]
    return common | (model.on_poor_standard[a] & model.on_poor_standard[b])


def join(model: GovernanceModel, depts: np.ndarray, poor: np.ndarray) -> np.ndarray:
    """Departments move onto the common standard (or the poor one where ``poor``).

    Returns:
        Mask of the departments that changed standard (they pay a migration).
    """
    poor = np.asarray(poor, dtype=bool)
    moved = np.where(poor, ~model.on_poor_standard[depts], ~model.on_standard[depts])
    model.on_standard[depts] = ~poor
    model.on_poor_standard[depts] = poor
    return moved
