"""Cross-department coordination (mechanism 8).

Joint services arise at ``services_per_department_year`` per department and
need 2 to ``max_service_departments`` departments of one government ([004]:
the 12-ministry electronic port). Each government's coordinating body works
open cases (joint services and refused data requests) up to
``coordination_capacity`` a month, longest-waiting first. A service case is
opened by the body itself with chance ``coordination_proactive`` when the
service arises, else when the departments ask (``request_propensity`` a
month). Working a case proactively means a task force talks to every member
not yet joined; passively, one bilateral talk a month [001]. A member joins
with the logistic chance of ``sim.model.behaviour.agreement_probability`` pushed by
``coordination_strength``. A worked data case lets the requester ask again
next month with that push.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model import behaviour, money
from sim.model.arrays import first_of_runs, lexsort_whole, nonzero_cells, ragged_ranges

if TYPE_CHECKING:
    from sim.model.governance import GovernanceModel

#: Rounds of redrawing repeated members when a service picks its departments.
_REDRAW_ROUNDS = 20


def _pick_members(rng: np.random.Generator, sizes: np.ndarray, pools: np.ndarray) -> np.ndarray:
    """Pick ``sizes[i]`` distinct departments out of ``pools[i]`` for each service.

    Returns:
        A (services, max size) array of local indices, -1 beyond each size.
    """
    width = int(sizes.max())
    draw = np.floor(rng.random((len(sizes), width)) * pools[:, None]).astype(np.int64)
    used = np.arange(width)[None, :] < sizes[:, None]
    for _ in range(_REDRAW_ROUNDS):
        masked = np.where(used, draw, -1 - np.arange(width)[None, :])
        order = np.argsort(masked, axis=1, kind="stable")
        ordered = np.take_along_axis(masked, order, axis=1)
        repeat = np.zeros_like(used)
        repeat_sorted = np.zeros_like(used)
        repeat_sorted[:, 1:] = ordered[:, 1:] == ordered[:, :-1]
        np.put_along_axis(repeat, order, repeat_sorted, axis=1)
        repeat &= used
        if not repeat.any():
            break
        rows, cols = nonzero_cells(repeat)
        draw[rows, cols] = np.floor(rng.random(len(rows)) * pools[rows]).astype(np.int64)
    return np.where(used, draw, -1)


def arise_services(model: GovernanceModel) -> None:
    """New joint services of this month; some open a case at once (proactive)."""
    rng = model.rng
    rate = model.params().services_per_department_year * model.jur_size / 12.0
    arrivals = rng.poisson(rate)
    if not arrivals.any():
        return
    jurs = np.repeat(np.arange(model.n_jur), arrivals)
    model.tallies.add("services_arisen", jurs)
    pools = model.jur_size[jurs]
    most = model.params(jurs).max_service_departments
    sizes = np.minimum(rng.integers(2, most + 1, len(jurs)), pools)
    local = _pick_members(rng, sizes, pools)
    ids = model.services.add(
        jur=jurs,
        month=np.full(len(jurs), model.month),
        first_member=model.members.size + np.concatenate(([0], np.cumsum(sizes)[:-1])),
        n_members=sizes,
        case_since=np.full(len(jurs), float(model.month)),
    )
    service_of = np.repeat(ids, sizes)
    depts = (model.jur_start[jurs][:, None] + local)[local >= 0]
    model.members.add(service=service_of, dept=depts)
    proactive = rng.random(len(ids)) < model.params(jurs).coordination_proactive
    _open_service_cases(model, ids[proactive])


def _open_service_cases(model: GovernanceModel, ids: np.ndarray) -> None:
    model.services.case_open[ids] = True
    model.services.case_since[ids] = model.month
    model.tallies.add("cases_opened", model.services.jur[ids])


def open_data_cases(model: GovernanceModel, rows: np.ndarray) -> None:
    """Open coordination cases for refused data requests."""
    model.data_case_open[rows] = True
    model.data_case_since[rows] = model.month
    model.tallies.add("cases_opened", model.dept_jur[model.data_requester[rows]])


def coordination(model: GovernanceModel) -> None:
    """Departments ask about stuck services; each body works its open cases."""
    rng, t = model.rng, model.month
    services = model.services
    stuck = np.flatnonzero(~services.view("done") & ~services.view("case_open"))
    asking = model.params(services.jur[stuck]).request_propensity
    _open_service_cases(model, stuck[rng.random(len(stuck)) < asking])
    open_services = np.flatnonzero(services.view("case_open"))
    open_data = np.flatnonzero(model.data_case_open)
    if not len(open_services) and not len(open_data):
        return
    # Cases of every government in one table: government, waiting since, kind.
    jurs = np.concatenate(
        [services.jur[open_services], model.dept_jur[model.data_requester[open_data]]]
    )
    since = np.concatenate([services.case_since[open_services], model.data_case_since[open_data]])
    is_data = np.concatenate((np.zeros(len(open_services), bool), np.ones(len(open_data), bool)))
    index = np.concatenate([open_services, open_data])
    # A body whose staff bill went partly unpaid works that share (issue 25).
    capacity = model.params().coordination_capacity * model.staff_paid_share
    model.case_credit, slots = money.take_slots(model, model.case_credit, capacity, jurs)
    order = lexsort_whole((index, is_data, since, jurs))
    chosen = order[money.rank_within(jurs[order]) < slots[jurs[order]]]
    data_rows = index[chosen[is_data[chosen]]]
    model.data_case_open[data_rows] = False
    model.data_push[data_rows] = True
    model.data_next_try[data_rows] = t + 1
    _work_services(model, index[chosen[~is_data[chosen]]])


def _work_services(model: GovernanceModel, ids: np.ndarray) -> None:
    if not len(ids):
        return
    rng, t = model.rng, model.month
    services, members = model.services, model.members
    proactive = rng.random(len(ids)) < model.params(services.jur[ids]).coordination_proactive
    rows = ragged_ranges(services.first_member[ids], services.n_members[ids])
    rows = rows[~members.joined[rows]]
    owner = members.service[rows]
    task_force = np.zeros(services.size, dtype=bool)
    task_force[ids[proactive]] = True
    # Passive: only the first member not yet joined is talked to.
    first = first_of_runs(owner)
    rows = rows[task_force[owner] | first]
    depts = members.dept[rows]
    p = model.params(model.dept_jur[depts])
    chance = behaviour.agreement_probability(
        willingness=model.willingness[depts],
        compatible=model.on_standard[depts],
        push=p.coordination_strength * model.attention_factor()[model.dept_jur[depts]],
        evaluation_link=p.evaluation_link,
        sharing_risk=p.sharing_risk,
        rationality=p.choice_rationality,
    )
    members.joined[rows[rng.random(len(rows)) < chance]] = True
    # Members who have joined, per service worked on (its member rows are contiguous).
    sizes = services.n_members[ids]
    member_rows = ragged_ranges(services.first_member[ids], sizes)
    joined = np.bincount(
        np.repeat(np.arange(len(ids)), sizes), members.joined[member_rows], minlength=len(ids)
    )
    finished = joined >= sizes
    done = ids[finished]
    services.done[done] = True
    services.done_month[done] = t
    services.case_open[done] = False
    done_jurs = services.jur[done]
    model.tallies.add("cases_resolved", done_jurs)
    model.tallies.add("services_delivered", done_jurs)
    model.tallies.add("service_months_total", done_jurs, t + 1 - services.month[done])
    services.case_since[ids[~finished]] = t
