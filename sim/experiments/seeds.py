"""Paired seeds: one integer seed per replication, derived from a root seed.

Replication ``r`` uses the same seed in every scenario (and at every point of
a sweep): common random numbers, so designs are compared pair by pair.
"""

from __future__ import annotations

import numpy as np

#: Root seed of the main job and the default of every command.
DEFAULT_SEED = 20261122


def spawn_seeds(root_seed: int, replications: int) -> list[int]:
    """Return one integer seed per replication, derived from the root seed.

    Args:
        root_seed: Non-negative integer.
        replications: Number of seeds.

    Returns:
        ``[child.generate_state(1)[0] for child in SeedSequence(root_seed).spawn(n)]``.
    """
    children = np.random.SeedSequence(root_seed).spawn(replications)
    return [int(child.generate_state(1)[0]) for child in children]
