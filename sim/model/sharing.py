"""Data sharing (mechanism 7).

A department that needs data another department holds asks the holder. The
holder agrees with a logistic chance that weighs its willingness, the credit
of evaluation and the push of a coordination case against the risk of
sharing and the cost of bridging incompatible standards ([001]: monopoly is a
choice; Dawes 1996). Refused once, the requester may get a coordination case
opened (by the body itself with chance ``coordination_proactive``, else on
request with chance ``request_propensity``). Otherwise, or when a worked case
fails too, the requester collects the data again itself with a chance equal
to its head's attention (duplicated collection), or tries again in a year.
Sharing costs both sides (MODEL.md 3.10): the requester builds the interface
and, across standards, a bridge; the holder prepares and serves the data. A
request to a higher government is pushed only as far as the central-local
link carries it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model import behaviour, delivery, money, standards
from sim.model.state import DATA_OPEN, DATA_RECOLLECTED, DATA_SHARED

if TYPE_CHECKING:
    from sim.model.governance import GovernanceModel


def data_sharing(model: GovernanceModel) -> np.ndarray:
    """Work every data need whose turn has come.

    Returns:
        Rows of the data needs refused for the first time whose refusal is
        escalated to a coordination case (the model opens the cases).
    """
    rng, t = model.rng, model.month
    # Data needs are stored in the order they arise: only the rows arisen by
    # now can be open (those later are still pending).
    arisen = slice(0, int(np.searchsorted(model.data_need_month, t, "right")))
    trying = np.flatnonzero(
        (model.data_status[arisen] == DATA_OPEN)
        & (model.data_next_try[arisen] <= t)
        & ~model.data_case_open[arisen]
    )
    if not len(trying):
        return trying
    requester, holder = model.data_requester[trying], model.data_holder[trying]
    pushed = model.data_push[trying]
    compatible = standards.compatible(model, requester, holder)
    # A coordinating body pushes as hard as its top leader's attention lets
    # it, and a request to a higher government only as far as the
    # central-local link carries it upward.
    requester_jur = model.dept_jur[requester]
    p = model.params(requester_jur)  # one row per need tried
    reach = np.where(requester_jur == model.dept_jur[holder], 1.0, p.central_local_link)
    chance = behaviour.agreement_probability(
        willingness=model.willingness[holder],
        compatible=compatible,
        push=p.coordination_strength * pushed * model.attention_factor()[requester_jur] * reach,
        evaluation_link=p.evaluation_link,
        sharing_risk=p.sharing_risk,
        rationality=p.choice_rationality,
    )
    agreed = rng.random(len(trying)) < chance
    shared = trying[agreed]
    model.data_status[shared] = DATA_SHARED
    shared_jurs = model.dept_jur[model.data_requester[shared]]
    model.tallies.add("data_needs_shared", shared_jurs)
    model.tallies.add("useful_data_needs_shared", shared_jurs[model.data_useful[shared]])
    delivery.add_sharing_links(model, model.data_holder[shared], model.data_requester[shared])
    # Sharing has a cost side (3.10): the requester builds the interface and,
    # across standards, a bridge; the holder prepares and serves the data.
    q = model.params(shared_jurs)  # one row per need shared
    bridge = q.bridging_cost_share * ~compatible[agreed]
    money.pay(
        model,
        model.data_requester[shared],
        q.system_cost * (q.interface_cost_share + bridge),
        tally="interface_spending",
    )
    money.pay(
        model,
        model.data_holder[shared],
        q.system_cost * q.holder_cost_share,
        tally="interface_spending",
    )
    resolved = trying[agreed & pushed]
    model.tallies.add("cases_resolved", model.dept_jur[model.data_requester[resolved]])
    refused = trying[~agreed]
    first = refused[~model.data_push[refused]]
    q = model.params(model.dept_jur[model.data_requester[first]])
    escalate = rng.random(len(first)) < 1 - (1 - q.coordination_proactive) * (
        1 - q.request_propensity
    )
    escalated = first[escalate]
    give_up = np.concatenate([first[~escalate], refused[model.data_push[refused]]])
    model.data_push[give_up] = False
    attention = model.head_attention[model.data_requester[give_up]]
    recollecting = rng.random(len(give_up)) < attention
    recollect = give_up[recollecting]
    recollect_jurs = model.dept_jur[model.data_requester[recollect]]
    q = model.params(recollect_jurs)
    money.pay(
        model,
        model.data_requester[recollect],
        q.system_cost * q.recollection_cost_share,
        tally="redundant_spending",
    )
    model.data_status[recollect] = DATA_RECOLLECTED
    model.tallies.add("redundant_data_collections", recollect_jurs)
    model.data_next_try[give_up[~recollecting]] = t + 12
    return escalated
