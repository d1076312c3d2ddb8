"""Budget cycle (mechanism 4).

Each January departments receive their e-government allocation; the share
``unified_budget`` of it goes instead into the government's unified pool,
which the office uses for shared platforms first and then for approved
projects [001]. Fiscal capacity differs between governments and departments
([002][004]); it is drawn once, at set-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.model.governance import GovernanceModel


def budget_cycle(model: GovernanceModel) -> None:
    """Pay this year's allocations into departmental balances and the pool."""
    unified = model.p.unified_budget
    model.balance += (1.0 - unified) * model.allocation
    model.pool += unified * np.bincount(model.dept_jur, model.allocation, minlength=model.n_jur)
