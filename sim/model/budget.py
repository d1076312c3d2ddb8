"""Budget cycle (mechanism 4).

Each January departments receive their e-government allocation; the share
``unified_budget`` of it, scaled by the top leader's attention, goes instead
into the government's unified pool, which the office uses for staff, shared
platforms and then approved projects [001]. Fiscal capacity differs between
governments and departments ([002][004]); it is drawn once, at set-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.model.governance import GovernanceModel


def budget_cycle(model: GovernanceModel) -> None:
    """Pay this year's allocations into departmental balances and the pool.

    How much of the money the body really pools depends on the top leader's
    attention (``GovernanceModel.attention_factor``): departments keep what a
    leader who does not care lets them keep [001][004].
    """
    unified = model.params(model.dept_jur).unified_budget * model.attention_factor()[model.dept_jur]
    model.balance += (1.0 - unified) * model.allocation
    model.pool += np.bincount(model.dept_jur, unified * model.allocation, minlength=model.n_jur)
