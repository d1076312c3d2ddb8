"""Mutants: the model with one mechanism switched off, to show the facts can fail.

Each :class:`Mutant` forces parameter values in every design of every fact
(also in scenarios' policy changes), or monkeypatches one model function for
the duration of the runs. ``sim.analysis.validation.suite.run_mutants`` runs
every fact under every mutant; a fact that fails under a mutant shows that
its check can catch the loss of that mechanism.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Mutant:
    """The model with one mechanism switched off.

    Attributes:
        name: Short name.
        description: Which mechanism is off and how.
        overrides: Parameter values forced in every design (and in policy
            changes), or empty.
        patch: Context manager factory that monkeypatches one model function
            for the duration of the runs (inherited by forked workers), or None.
        target: The function the patch replaces, ``module.function`` (a test
            checks that the model still calls it), or empty.
    """

    name: str
    description: str
    overrides: tuple[tuple[str, Any], ...] = ()
    patch: Callable[[], contextlib.AbstractContextManager] | None = None
    target: str = ""


@contextlib.contextmanager
def _every_proposal_reviewed() -> Iterator[None]:
    """Monkeypatch ``sim.model.routes.propose``: every new proposal is marked reviewed.

    The review-coverage switch is broken: ``review_coverage`` no longer
    decides which proposals the office sees. With a review capacity of zero
    (the docking check), reviewed proposals wait for ever.
    """
    from sim.model import routes

    original = routes.propose

    def propose(model: Any, *args: Any, **kwargs: Any) -> None:
        before = model.projects.size
        original(model, *args, **kwargs)
        model.projects.reviewed[before : model.projects.size] = True

    routes.propose = propose
    try:
        yield
    finally:
        routes.propose = original


@contextlib.contextmanager
def _review_blind_to_registry() -> Iterator[None]:
    """Monkeypatch ``sim.model.approval._review``: the office's registry looks empty to it.

    The office still sees platforms (planned, building, operating) but no
    registered departmental system, so it cannot redirect a proposal to a
    peer's system. Departments' awareness through the registry is untouched.
    """
    from sim.model import approval

    original = approval._review

    def review(model: Any, queued: Any) -> None:
        registered = model.registered_count
        model.registered_count = np.zeros_like(registered)
        try:
            original(model, queued)
        finally:
            model.registered_count = registered

    approval._review = review
    try:
        yield
    finally:
        approval._review = original


@contextlib.contextmanager
def _registry_not_publicized() -> Iterator[None]:
    """Monkeypatch ``sim.model.choices.decide_common_needs``: the registry is not publicized.

    Departments decide as if ``registry_completeness`` were 0. The office still
    registers systems and reviews against its registry; only the publicity of
    the registry (departments learning of platforms and peers' systems
    through it) is off.
    """
    from sim.model import choices

    original = choices.decide_common_needs

    def decide(model: Any) -> None:
        p = model.p
        model.p = p.model_copy(update={"registry_completeness": 0.0})
        try:
            original(model)
        finally:
            model.p = p

    choices.decide_common_needs = decide
    try:
        yield
    finally:
        choices.decide_common_needs = original


@contextlib.contextmanager
def _parties_cost_nothing() -> Iterator[None]:
    """Monkeypatch ``sim.model.coordination._work_services``: one worked case settles a service.

    Every member of a service whose case is worked joins at once, however
    many they are and whatever mode the body works in: the number of parties
    no longer makes joint action harder (fact 9's mechanism). Cases still
    wait to be opened and for the body's capacity.
    """
    from sim.model import coordination

    original = coordination._work_services

    def work(model: Any, ids: np.ndarray) -> None:
        services, members = model.services, model.members
        if len(ids):
            first, sizes = services.first_member[ids], services.n_members[ids]
            rows = np.repeat(first, sizes) + (
                np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes)
            )
            members.joined[rows] = True
        original(model, ids)

    coordination._work_services = work
    try:
        yield
    finally:
        coordination._work_services = original


def _m(name: str, description: str, **overrides: Any) -> Mutant:
    return Mutant(name, description, tuple(sorted(overrides.items())))


MUTANTS: tuple[Mutant, ...] = (
    _m("registry_off", "registry_completeness forced to 0: the office knows no existing system",
       registry_completeness=0.0),
    _m("review_authority_off", "review_authority forced to 0: review can stop no duplicate",
       review_authority=0.0),
    _m("technical_center_off", "technical_center_capacity and master_plan forced to 0: no "
       "shared platforms", technical_center_capacity=0, master_plan=0.0),
    _m("evaluation_link_off", "evaluation_link forced to 0: results never count for heads",
       evaluation_link=0.0),
    _m("coordination_off", "coordination_proactive and coordination_strength forced to 0: "
       "coordination cases push nobody", coordination_proactive=0.0, coordination_strength=0.0),
    _m("permanence_off", "body_permanence forced to 0: every body is temporary (the "
       "institutionalized arm loses its protection)", body_permanence=0.0),
    _m("turnover_abandonment_off", "abandon_on_turnover forced to 0: new leaders never drop "
       "projects", abandon_on_turnover=0.0),
    _m("attention_link_off", "attention_dependence forced to 0: the office's power does not "
       "depend on the top leader", attention_dependence=0.0),
    _m("review_bottleneck_off", "review_capacity forced to 1000 a month: the office is never "
       "a bottleneck", review_capacity=1000.0),
    _m("contagion_off", "adoption_contagion and peer_awareness forced to 0: no word of mouth "
       "about platforms, no self-found peer systems", adoption_contagion=0.0, peer_awareness=0.0),
    _m("peer_adoption_off", "adoption_contagion forced to 0: no word of mouth about platforms "
       "and peers' systems (peer_awareness, the base chance, kept)", adoption_contagion=0.0),
    _m("sharing_frictions_off", "willingness_to_share_mean 1 and sharing_risk 0: no information "
       "monopoly, holders want to share", willingness_to_share_mean=1.0, sharing_risk=0.0),
    Mutant("registry_not_publicized", "monkeypatch of sim.model.choices.decide_common_needs: "
           "departments choose as if registry_completeness were 0 (the office still keeps and "
           "uses its registry)", patch=_registry_not_publicized,
           target="sim.model.choices.decide_common_needs"),
    Mutant("review_blind_to_registry", "monkeypatch of sim.model.approval._review: review does not "
           "consult the registry of departmental systems (it still sees platforms)",
           patch=_review_blind_to_registry, target="sim.model.approval._review"),
    Mutant("review_coverage_ignored", "monkeypatch of sim.model.routes.propose: every "
           "proposal is reviewed whatever review_coverage says (the coverage switch is broken)",
           patch=_every_proposal_reviewed, target="sim.model.routes.propose"),
    Mutant("parties_cost_nothing", "monkeypatch of sim.model.coordination._work_services: every "
           "member of a service whose case is worked joins at once (more parties are no harder)",
           patch=_parties_cost_nothing, target="sim.model.coordination._work_services"),
)  # fmt: skip
