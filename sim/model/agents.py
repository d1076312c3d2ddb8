"""The model's agents: departments, leaders, coordinators, the technical service center.

Departments and leaders are many, so their state lives in NumPy arrays owned by
the model and each agent is a light view on one row (``Department.budget`` reads
``model.balance[index]``). Their behaviour is written once for all of them at
a time in ``sim/model/behaviour.py``. Coordinators and technical service centers are
few (a handful per government) and hold their own state: a queue, a capacity
that refills each month, and what they know (their queues are columns of
the model's tables so that all bodies are served in one vectorized pass).
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from enum import Enum
from typing import TYPE_CHECKING, Any

import mesa
import numpy as np

try:  # Mesa's private registry class: bulk registration needs it (else the usual way)
    from mesa.agentset import _HardKeyAgentSet
except ImportError:  # pragma: no cover - a Mesa laid out otherwise
    _HardKeyAgentSet = None

from sim.model.projects import Status
from sim.model.state import PLATFORM_BUILDING, PLATFORM_PLANNED

if TYPE_CHECKING:
    from sim.model.governance import GovernanceModel


class Mandate(Enum):
    """Functions a governance body can hold ([001] section 3.1)."""

    REVIEW = "review"  # checks proposals against plan and registry
    SIGNOFF = "signoff"  # signs off on budget grounds only
    COORDINATE = "coordinate"  # opens and works cross-department cases


class Department(mesa.Agent):
    """One government department (a row of the model's department arrays).

    Attributes:
        index: Row in the model's department arrays.
        jurisdiction: Index of the government it belongs to.
    """

    def __init__(self, model: GovernanceModel, index: int) -> None:
        super().__init__(model)
        self.index = index
        self.jurisdiction = int(model.dept_jur[index])

    @property
    def budget(self) -> float:
        """Money available for e-government projects now."""
        return float(self.model.balance[self.index])

    @property
    def it_capacity(self) -> float:
        """IT staff and skills, 0 (the 'three-nos' state [001]) to 1."""
        return float(self.model.it_capacity[self.index])

    @property
    def on_common_standard(self) -> bool:
        """Whether its systems follow the common technical standard."""
        return bool(self.model.on_standard[self.index])

    @property
    def willingness_to_share(self) -> float:
        """Willingness to share the data it holds (0 = information monopoly)."""
        return float(self.model.willingness[self.index])

    @property
    def head(self) -> Leader:
        """The department head."""
        return self.model.heads[self.index]


class Leader(mesa.Agent):
    """A department head or a government's top leader (a view on the leader arrays).

    Attributes:
        index: Department row for a head, government index for a top leader.
        is_top: True for the government's top leader.
    """

    def __init__(self, model: GovernanceModel, index: int, is_top: bool) -> None:
        super().__init__(model)
        self.index = index
        self.is_top = is_top

    @property
    def attention(self) -> float:
        """Attention paid to e-government, 0 to 1."""
        source = self.model.top_attention if self.is_top else self.model.head_attention
        return float(source[self.index])

    @property
    def vanity_preference(self) -> float:
        """Preference for visible projects of one's own (department heads only)."""
        return 0.0 if self.is_top else float(self.model.head_vanity[self.index])

    @property
    def term_ends(self) -> float:
        """Month in which the current leader leaves office."""
        source = self.model.top_term_end if self.is_top else self.model.head_term_end
        return float(source[self.index])


class Coordinator(mesa.Agent):
    """A governance body of one government: a sign-off body, an office or a desk.

    A body with ``REVIEW`` works the queue of proposals waiting for review
    and keeps the registry of what exists; a body with ``COORDINATE`` works
    the open coordination cases. Capacity refills each month, with at most
    one month's worth banked. The queues themselves are columns of the
    model's project and service tables (so that every office is served in
    one vectorized pass); these properties read them.

    Attributes:
        jurisdiction: Government index.
        mandates: Functions this body holds.
    """

    def __init__(
        self, model: GovernanceModel, jurisdiction: int, mandates: frozenset[Mandate]
    ) -> None:
        super().__init__(model)
        self.jurisdiction = jurisdiction
        self.mandates = mandates

    @property
    def review_queue(self) -> np.ndarray:
        """Ids of the proposals waiting for this body's review, oldest first."""
        if Mandate.REVIEW not in self.mandates:
            return np.zeros(0, dtype=np.int64)
        book = self.model.projects
        ids = np.flatnonzero(
            (book.view("status") == Status.QUEUED) & (book.view("jur") == self.jurisdiction)
        )
        return ids[np.argsort(book.queued_month[ids], kind="stable")]

    @property
    def open_cases(self) -> int:
        """Coordination cases open with this body."""
        if Mandate.COORDINATE not in self.mandates:
            return 0
        model = self.model
        services = model.services
        open_services = services.view("case_open") & (services.view("jur") == self.jurisdiction)
        data = model.data_case_open & (model.dept_jur[model.data_requester] == self.jurisdiction)
        return int(open_services.sum() + data.sum())

    @property
    def authority(self) -> float:
        """Chance this month that the body can stop a duplicate it has found."""
        return float(self.model.authority()[self.jurisdiction])

    @property
    def registry(self) -> np.ndarray:
        """Per common capability, how many departmental systems the body knows of."""
        return self.model.registered_count[self.jurisdiction]


class TechnicalServiceCenter(mesa.Agent):
    """Builds shared platforms for one government ([001] 技术服务中心).

    Its plan and projects are rows of the model's platform arrays; the
    properties read them.

    Attributes:
        jurisdiction: Government index.
    """

    def __init__(self, model: GovernanceModel, jurisdiction: int) -> None:
        super().__init__(model)
        self.jurisdiction = jurisdiction

    @property
    def plan(self) -> list[int]:
        """Capabilities planned but not started, in plan order."""
        return self._cells(PLATFORM_PLANNED)

    @property
    def building(self) -> list[int]:
        """Capabilities whose platform is under construction."""
        return self._cells(PLATFORM_BUILDING)

    def _cells(self, state: int) -> list[int]:
        model, j = self.model, self.jurisdiction
        ks = np.flatnonzero(model.platform_status[j] == state)
        return ks[np.argsort(model.platform_plan_seq[j, ks], kind="stable")].tolist()


#: Agents created at once from which the garbage collector is paused (a full
#: collection first costs about 0.05 s in a process with pandas loaded).
PAUSE_GC_FROM = 20_000


@contextmanager
def collector_paused(agents: int) -> Iterator[None]:
    """Pause Python's cyclic garbage collector while creating many agents.

    Each agent is a new object tracked by the collector, which would scan the
    growing heap again and again (about 0.3 s of a national run's set-up with
    its 265,000 agents). From ``PAUSE_GC_FROM`` agents the collector first
    frees the garbage there is (a previous model and its agents, which would
    otherwise outlive the new run and double the peak memory) and then
    pauses until the block ends. Fewer agents: nothing changes.

    Args:
        agents: How many agents the block creates.
    """
    if agents < PAUSE_GC_FROM or not gc.isenabled():
        yield
        return
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def create_in_bulk[T: mesa.Agent](
    cls: type[T], model: GovernanceModel, **columns: Sequence[Any]
) -> list[T]:
    """Create one agent of ``cls`` per row of ``columns``, registered with Mesa in bulk.

    The agents are what ``cls(model, ...)`` one at a time gives (the same
    ``unique_id`` values in the same order, in ``model.agents`` and
    ``model.agents_by_type``), with the attributes named by ``columns``.
    Mesa registers an agent at a time in ``Agent.__init__`` (an id, two agent
    sets, a signal, a log message: about 2 us an agent, half a second of a
    national run's set-up with its 265,000 departments and leaders); here the
    two agent sets are filled at once. Where something would see the
    difference (a subscriber to Mesa's agent signals, a dataset of the class,
    Mesa debug logging, a Mesa whose registry is laid out otherwise) every
    agent goes through ``Agent.__init__`` as usual. (Python's garbage
    collector costs as much again: see ``collector_paused``.)

    Args:
        cls: The agent class; its ``__init__`` must only set these attributes
            after ``super().__init__(model)``.
        model: The model.
        **columns: Attribute name to one value per agent (all of one length).

    Returns:
        The agents, in creation order.
    """
    names = tuple(columns)
    new = cls.__new__
    if not _can_register_in_bulk(model, cls):
        agents = []
        for values in zip(*columns.values(), strict=True):
            agent = new(cls)
            mesa.Agent.__init__(agent, model)
            for name, value in zip(names, values, strict=True):
                setattr(agent, name, value)
            agents.append(agent)
        return agents
    count = len(next(iter(columns.values()))) if columns else 0
    if any(len(values) != count for values in columns.values()):
        raise ValueError("create_in_bulk: the columns differ in length")
    # Attributes set one by one in Mesa's order (not through __dict__, which
    # would give every agent a dict of its own: 30 MB more), a column at a
    # time: a loop per attribute is faster than one over the agents that
    # sets all of an agent's. The first agent gets all its attributes before
    # the others are made: CPython sizes a new object's attribute storage
    # from the attributes its class has seen, and objects made earlier would
    # each get a full dict (about 200 bytes more an agent).
    first = model.agent_id_counter
    agents: list[T] = []
    for start, stop in ((0, min(count, 1)), (min(count, 1), count)):
        batch = [new(cls) for _ in range(start, stop)]
        for agent, unique_id in zip(batch, range(first + start, first + stop), strict=True):
            agent.model, agent.unique_id, agent.pos = model, unique_id, None
        for name, values in columns.items():
            for agent, value in zip(batch, values[start:stop], strict=True):
                setattr(agent, name, value)
        agents += batch
    model.agent_id_counter = first + len(agents)
    model._all_agents._agents.update(dict.fromkeys(agents))
    by_type = model._agents_by_type.get(cls)
    if by_type is None:
        model._agents_by_type[cls] = _HardKeyAgentSet(agents, random=model.random)
    else:
        by_type._agents.update(dict.fromkeys(agents))
    return agents


#: Mesa's own loggers hang below this one.
_MESA_LOGGER = logging.getLogger("MESA")


def _can_register_in_bulk(model: GovernanceModel, cls: type[mesa.Agent]) -> bool:
    """Whether bulk registration gives exactly what ``Agent.__init__`` would."""
    registry = getattr(model, "_all_agents", None)
    by_type = getattr(model, "_agents_by_type", None)
    return (
        _HardKeyAgentSet is not None
        and type(registry) is _HardKeyAgentSet
        and isinstance(getattr(registry, "_agents", None), dict)
        and isinstance(by_type, dict)
        and all(type(s) is _HardKeyAgentSet for s in by_type.values())
        and isinstance(getattr(model, "agent_id_counter", None), int)
        and not cls._datasets
        and getattr(model, "_batch_context", None) is None
        and not any(name == "agents" and subs for (name, _), subs in model.subscribers.items())
        and not getattr(mesa.model, "_mesa_logger", _MESA_LOGGER).isEnabledFor(logging.DEBUG)
    )
