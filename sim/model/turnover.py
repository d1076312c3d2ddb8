"""Leader turnover (mechanisms 5 and 10).

Department heads and top leaders serve exponential tenures (mean
``leader_tenure_months``; about 3-4 years for Chinese local cadres). A new
head re-prioritizes: each unfinished project of the predecessor is dropped
with chance ``abandon_on_turnover``, unless a permanent body reviewed it
against its plan ([001]: plans approved by the people's congress for
'延续性', continuity). A new top leader may move or dissolve a temporary or
personal body ([003]: '领导的人事调动会导致政府信息化主管机构发生转移'):
with chance ``1 - body_permanence`` the body loses its power for
``reorganization_months`` and may drop platforms under construction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model import routes
from sim.model.projects import Status
from sim.model.replica_parameters import at
from sim.model.state import BUSINESS, OPEN, beta_draws

if TYPE_CHECKING:
    from sim.model.governance import GovernanceModel


def leader_turnover(model: GovernanceModel) -> np.ndarray:
    """Replace the leaders whose term ended this month.

    Returns:
        Governments whose body is reorganized this month (the model then
        lets them drop platforms under construction).
    """
    rng, t = model.rng, model.month
    leaving = np.flatnonzero(model.head_term_end <= t)
    if len(leaving):
        p = model.params(model.dept_jur[leaving])
        model.head_attention[leaving] = beta_draws(rng, p.head_attention_mean, len(leaving))
        model.head_vanity[leaving] = beta_draws(rng, p.vanity_preference_mean, len(leaving))
        model.head_term_end[leaving] = t + rng.exponential(p.leader_tenure_months, len(leaving))
        model.sanction_memory[leaving] = 0.0
        _abandon_projects_of(model, leaving)
    tops = np.flatnonzero(model.top_term_end <= t)
    reorganized = tops[:0]
    if len(tops):
        p = model.params(tops)
        model.top_attention[tops] = beta_draws(rng, p.top_leader_attention, len(tops), 8.0)
        model.top_term_end[tops] = t + rng.exponential(p.leader_tenure_months, len(tops))
        reorganize = rng.random(len(tops)) < 1.0 - p.body_permanence
        reorganized = tops[reorganize]
        model.disrupted_until[reorganized] = t + at(p.reorganization_months, reorganize)
    return reorganized


def _abandon_projects_of(model: GovernanceModel, depts: np.ndarray) -> None:
    book = model.projects
    alive = book.alive()
    leaving = np.zeros(model.n_dept, dtype=bool)
    leaving[depts] = True
    alive = alive[leaving[book.dept[alive]]]
    if not len(alive):
        return
    book.head_changed[alive] = True  # observed by fact 8; not read by any mechanism
    p = model.params(book.jur[alive])
    protection = p.body_permanence * book.reviewed[alive]
    chance = p.abandon_on_turnover * (1.0 - protection)
    drop_projects(model, alive[model.rng.random(len(alive)) < chance])


def drop_projects(model: GovernanceModel, pids: np.ndarray) -> None:
    """Abandon departmental projects; their needs open again.

    Money committed from the pool but not yet spent goes back to the pool. A
    common need is decided afresh in the same month (turnover runs before the
    departments' choices); a business need is proposed again at once by the
    new head.
    """
    if not len(pids):
        return
    book = model.projects
    book.end(pids, Status.ABANDONED)
    model.tallies.add("abandoned_projects", book.jur[pids])
    pooled = pids[book.pool_funded[pids]]
    left = book.cost[pooled] * np.maximum(1.0 - book.progress[pooled], 0.0)
    np.add.at(model.pool, book.jur[pooled], left)
    kinds = book.kind[pids]
    common = pids[kinds != BUSINESS]
    model.access[book.dept[common], book.kind[common]] = OPEN
    business = pids[kinds == BUSINESS]
    routes.propose(
        model,
        book.dept[business],
        book.kind[business].astype(np.int64),
        book.need_month[business],
        need_ids=book.need_id[business],
    )
