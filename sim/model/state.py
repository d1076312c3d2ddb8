"""State codes and capability tables shared by the mechanisms.

The mechanism modules and the model read these; keeping them here (not in
``sim.model.governance``) lets the mechanisms import them without importing
the model that imports the mechanisms.
"""

from __future__ import annotations

import numpy as np

from sim.model.capabilities import COMMON_CAPABILITIES, N_COMMON

BUSINESS = N_COMMON  # project kind: department-specific business system

# Common-need states (``access`` array).
NO_NEED, OPEN, WAITING, PROPOSED, OWN, PLATFORM_USER, PEER_USER = range(7)

# Data-need states (a need is foregone when its value does not cover what
# sharing would cost its requester).
DATA_PENDING, DATA_OPEN, DATA_SHARED, DATA_RECOLLECTED, DATA_FOREGONE = range(5)

# Platform states per government and capability.
PLATFORM_NONE, PLATFORM_PLANNED, PLATFORM_BUILDING, PLATFORM_OPERATING = range(4)

STAGE_MONTH = np.array([c.stage_month for c in COMMON_CAPABILITIES], dtype=float)
RELATIVE_COST = np.array([c.relative_cost for c in COMMON_CAPABILITIES])
VISIBILITY = np.array([c.visibility for c in COMMON_CAPABILITIES])
FOUNDATIONAL = np.array([c.foundational for c in COMMON_CAPABILITIES], dtype=float)
#: Capabilities in master-plan order: foundational ones first [001].
PLAN_ORDER = np.argsort(-FOUNDATIONAL, kind="stable")

#: Each system's or platform's life is drawn uniformly within this share of
#: ``system_lifetime_months`` either side (assumption: lives differ).
LIFETIME_SPREAD = 0.25
#: A system kept running in parallel after its owner moved to a platform or a
#: peer runs for this share of a lifetime more (assumption: dual running ends
#: when the new system has proved itself, GAO-16-468).
KEPT_LIFE_SHARE = 0.5

#: Monthly factor by which heads' memories of audits fade (about 3 years).
SANCTION_MEMORY_DECAY = 0.98


def beta_draws(
    rng: np.random.Generator, mean: float | np.ndarray, size: int, concentration: float = 4.0
):
    """Draw Beta values with a given mean (the mean clipped to [0.01, 0.99]).

    ``mean`` may be one value or one per draw (replicas with their own parameters).
    """
    mean = np.clip(mean, 0.01, 0.99) if np.ndim(mean) else float(np.clip(mean, 0.01, 0.99))
    return rng.beta(mean * concentration, (1.0 - mean) * concentration, size=size)
