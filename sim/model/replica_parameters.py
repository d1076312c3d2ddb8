"""Parameters of a batched model whose replicas carry their own values.

A batched model (``GovernanceModel(replicas=R)``) simulates R independent
copies of a layout side by side. With ``replica_parameters`` each copy may
carry its own values of the uncertainties and levers, so that the points of a
sweep, a discovery design or an ABC generation run in one model. A parameter
whose value differs between the replicas becomes an array with one value per
government (``model.replica_of`` maps governments to replicas); the mechanisms
read parameters through ``GovernanceModel.params(governments)``, which gives
each parameter as a scalar where all replicas agree and as one value per row
where they differ, for rows belonging to ``governments``:

.. code-block:: python

    q = model.params(model.dept_jur[depts])      # one row per department in depts
    chance = q.cobuild_propensity * model.willingness[depts]

Replicas may also differ in their layout: the number and size of their
governments (``n_departments``, ``department_spread``, ``n_jurisdictions``,
the levels of a national run) and their number of approval bodies. Each
replica is then laid out with its own values (``structure.build_structure``
with one parameter set per replica), as the governments of different sizes
of a multi-level run already are; the mechanisms work government by
government, so nothing passes between replicas. Replicas may also differ in
their horizon (``months``): the model runs to the longest and measures each
replica at its own last month; a replica stepped past its horizon changes no
other. ``SHARED_IN_A_BATCH`` (parameters that must be equal within a batch) is
now empty; the check stays for any parameter that may need it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from pydantic import BaseModel

from sim.model.parameters import PARAMETERS, make_parameters

#: Parameters every replica of a batch must share, and why: none since issue 27
#: (``months`` differed last: the model now runs to the longest horizon and
#: measures each replica at its own; needs are drawn over each one's own).
SHARED_IN_A_BATCH_WHY: dict[str, str] = {}

#: Parameters every replica of a batch must share (group runs by ``layout_key``).
SHARED_IN_A_BATCH: frozenset[str] = frozenset(SHARED_IN_A_BATCH_WHY)

#: Parameters that set the layout but may differ between the replicas of a batch.
LAYOUT_PARAMETERS: frozenset[str] = (
    frozenset({s.name for s in PARAMETERS if s.group == "structure"} | {"approval_bodies"})
    - SHARED_IN_A_BATCH
)


class ReplicaParameters:
    """Parameters of a batch whose replicas differ in some values.

    Reading a parameter that is the same in every replica gives its value;
    reading one that differs raises, so that no mechanism silently uses one
    replica's value for all: read it through ``of(governments)``.

    Args:
        per_replica: Validated parameters of each replica.
        replica_of: Replica of each government.

    Attributes:
        per_replica: The parameters of each replica.
        varying: Name of each differing parameter to its value per government.
    """

    __slots__ = ("per_replica", "varying", "_first")

    def __init__(self, per_replica: Sequence[BaseModel], replica_of: np.ndarray) -> None:
        self.per_replica = tuple(per_replica)
        self._first = self.per_replica[0]
        dumps = [p.model_dump() for p in self.per_replica]
        self.varying: dict[str, np.ndarray] = {}
        for name in dumps[0]:
            values = [d[name] for d in dumps]
            if any(v != values[0] for v in values[1:]):
                self.varying[name] = np.asarray(values)[replica_of]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name in ReplicaParameters.__slots__:
            raise AttributeError(name)  # not yet set (e.g. while unpickling)
        if name in self.varying:
            raise AttributeError(
                f"{name} differs between the replicas of this batch: read it per row "
                f"with model.params(governments).{name}"
            )
        return getattr(self._first, name)

    def of(self, governments: np.ndarray | None) -> ParameterView:
        """Parameters as seen by rows belonging to ``governments`` (None: every government)."""
        return ParameterView(self, governments)

    def model_dump(self) -> dict[str, Any]:
        """Values shared by every replica, and per-replica lists where they differ."""
        dump = self._first.model_dump()
        for name in self.varying:
            dump[name] = [getattr(p, name) for p in self.per_replica]
        return dump


class ParameterView:
    """Parameters seen by a set of rows: scalars, or one value per row where replicas differ.

    Args:
        parameters: The batch's parameters.
        governments: Government of each row, or None for one row per government.
    """

    __slots__ = ("_parameters", "_governments")

    def __init__(self, parameters: ReplicaParameters, governments: np.ndarray | None) -> None:
        self._parameters = parameters
        self._governments = governments

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        per_government = self._parameters.varying.get(name)
        if per_government is None:
            return getattr(self._parameters._first, name)
        if self._governments is None:
            return per_government
        return per_government[self._governments]


def batch_parameters(
    base: Mapping[str, Any],
    replica_parameters: Sequence[Mapping[str, Any]] | None,
    replicas: int,
) -> list[BaseModel]:
    """Validated parameters of each replica: ``base`` updated with its own values.

    Args:
        base: Parameter values every replica starts from.
        replica_parameters: One mapping of values per replica, or None (all
            replicas use ``base``).
        replicas: Number of replicas.

    Returns:
        One validated ``Parameters`` per replica.

    Raises:
        ValueError: If the number of mappings is not ``replicas`` or a
            replica changes a parameter of ``SHARED_IN_A_BATCH``.
    """
    first = make_parameters(**base)
    if replica_parameters is None:
        return [first] * replicas
    if len(replica_parameters) != replicas:
        raise ValueError(
            f"replica_parameters has {len(replica_parameters)} entries for {replicas} replicas"
        )
    result = [make_parameters(**{**base, **dict(values)}) for values in replica_parameters]
    reference = result[0]
    for r, p in enumerate(result):
        for name in SHARED_IN_A_BATCH:
            if getattr(p, name) != getattr(reference, name):
                raise ValueError(
                    f"{name} must be equal in every replica of a batch: "
                    f"{SHARED_IN_A_BATCH_WHY[name]} (replica {r} has {getattr(p, name)!r}, "
                    f"replica 0 {getattr(reference, name)!r}); batch only runs with equal "
                    f"{', '.join(sorted(SHARED_IN_A_BATCH))} (group them by layout_key)"
                )
    return result


def layout_key(parameters: Mapping[str, Any]) -> tuple[Any, ...]:
    """Values of the parameters that must be equal within a batch (to group runs).

    Only ``SHARED_IN_A_BATCH`` (none since issue 27): runs that differ in size or number
    of governments or of approval bodies share a batch.
    """
    return tuple((name, parameters[name]) for name in sorted(SHARED_IN_A_BATCH))


def at(value: Any, index: Any) -> Any:
    """A parameter read per row, taken at ``index``: ``value[index]``, or a scalar as is.

    For a parameter that ``GovernanceModel.params`` gave as one value per row
    (replicas with their own values) and rows later selected, e.g.
    ``at(q.sanction_strength, found)``.
    """
    return value[index] if np.ndim(value) else value
