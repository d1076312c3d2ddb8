"""Agent-level records of one month, as tidy frames (only when asked).

A normal run keeps no agent-level history: the model measures its outcomes
(``sim.model.outcomes``) and nothing else. To watch one run month by month
(``run.py watch``, the dashboard's run viewer), the experiments layer steps a
model and calls these functions after every month
(``sim.experiments.watch.record_run``); they only read the model's state, so
a run that does not ask for them is not slowed at all, and a run that does
follows exactly the same path (the same random draws, the same outcomes).

``AgentRecords`` collects, month by month, four tidy frames:

* ``departments``: one row per department and common capability, saying
  what serves that need (``ROUTES``) and whether service has started;
* ``bodies``: one row per government and queue of its governance bodies
  (``QUEUES``);
* ``platforms``: one row per shared platform planned, being built or
  operating, with its builder and progress;
* ``links``: each data-sharing link, in the month it was made.

``department_records``, ``body_records`` and ``platform_records`` give one
month's frame. This is the model's equivalent of Mesa's ``DataCollector``
with agent reporters: the state lives in arrays, so whole columns are read
at once instead of one agent at a time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.model.capabilities import COMMON_CAPABILITIES, N_COMMON
from sim.model.projects import Status
from sim.model.state import (
    NO_NEED,
    OPEN,
    OWN,
    PEER_USER,
    PLATFORM_BUILDING,
    PLATFORM_NONE,
    PLATFORM_OPERATING,
    PLATFORM_PLANNED,
    PLATFORM_USER,
    PROPOSED,
    WAITING,
)

if TYPE_CHECKING:
    from sim.model.governance import GovernanceModel

#: What serves a department's common need, in display order. ``own``,
#: ``platform`` (a center's shared platform, its government's or a higher
#: one's), ``cobuilt`` (a shared platform a lead department built for the
#: others, MODEL.md 3.11) and ``peer`` (a peer's or the line ministry's
#: system) are routes taken; ``proposed`` (an own system in sign-off, review
#: or construction), ``waiting`` (for a planned or unfinished platform) and
#: ``open`` (to be decided) are needs not yet met; ``not_arisen``: the
#: department does not need the capability yet.
ROUTES: tuple[str, ...] = (
    "own",
    "platform",
    "cobuilt",
    "peer",
    "proposed",
    "waiting",
    "open",
    "not_arisen",
)

#: Queues of a government's bodies: proposals passing the sign-offs of the
#: approval bodies, proposals waiting in the reviewing office's queue, open
#: coordination cases with the coordinating body, platforms on the technical
#: service center's plan not started yet, and departmental projects being
#: built (approved, not finished).
QUEUES: tuple[str, ...] = ("signoff", "review", "coordination", "center_plan", "construction")

#: Platform states named as in ``platform_records``.
PLATFORM_STATES: dict[int, str] = {
    PLATFORM_PLANNED: "planned",
    PLATFORM_BUILDING: "building",
    PLATFORM_OPERATING: "operating",
}

CAPABILITY_NAMES: tuple[str, ...] = tuple(c.name for c in COMMON_CAPABILITIES)

#: Columns of each frame.
DEPARTMENT_COLUMNS = ("month", "government", "department", "capability", "route", "served")
BODY_COLUMNS = ("month", "government", "queue", "length")
PLATFORM_COLUMNS = (
    "month",
    "government",
    "capability",
    "state",
    "builder",
    "lead",
    "progress",
    "users",
)
LINK_COLUMNS = ("month", "holder", "requester")

#: Route of each common-need state of ``model.access`` (a platform user's is
#: ``platform`` or ``cobuilt``, told apart by its platform's builder).
_STATE_ROUTE = {
    NO_NEED: "not_arisen",
    OPEN: "open",
    WAITING: "waiting",
    PROPOSED: "proposed",
    OWN: "own",
    PLATFORM_USER: "platform",
    PEER_USER: "peer",
}
_ROUTE_OF_STATE = np.zeros(max(_STATE_ROUTE) + 1, dtype=np.int8)
for _state, _name in _STATE_ROUTE.items():
    _ROUTE_OF_STATE[_state] = ROUTES.index(_name)


def route_codes(model: GovernanceModel) -> np.ndarray:
    """Index into ``ROUTES`` of every common need (departments x capabilities)."""
    codes = _ROUTE_OF_STATE[model.access]
    rows, ks = np.nonzero(model.access == PLATFORM_USER)
    if len(rows):
        # ``wait_target`` holds the government whose platform a user joined.
        lead = model.platform_lead[model.wait_target[rows, ks], ks]
        codes[rows[lead >= 0], ks[lead >= 0]] = ROUTES.index("cobuilt")
    return codes


def department_columns(model: GovernanceModel) -> dict[str, np.ndarray]:
    """Columns of ``department_records`` with codes for the categories (cheap to collect)."""
    n = model.n_dept
    return {
        "month": np.full(n * N_COMMON, model.month, dtype=np.int64),
        "government": np.repeat(model.dept_jur, N_COMMON).astype(np.int64),
        "department": np.repeat(np.arange(n, dtype=np.int64), N_COMMON),
        "capability": np.tile(np.arange(N_COMMON, dtype=np.int8), n),
        "route": route_codes(model).ravel(),
        # NaN (not served) compares False.
        "served": (model.served_month <= model.month).ravel(),
    }


def queue_lengths(model: GovernanceModel) -> np.ndarray:
    """Length of every queue (governments x ``QUEUES``) now."""
    book, n_jur = model.projects, model.n_jur
    # Read-only (``ProjectBook.alive`` would update its cache).
    alive = np.flatnonzero(book.view("status") <= Status.BUILDING)
    status, jurs = book.status[alive], book.jur[alive]

    def per_government(mask: np.ndarray, of: np.ndarray) -> np.ndarray:
        return np.bincount(of[mask], minlength=n_jur)

    services = model.services
    cases = per_government(services.view("case_open"), services.view("jur"))
    cases += per_government(model.data_case_open, model.dept_jur[model.data_requester])
    return np.column_stack(
        [
            per_government(status == Status.SIGNOFF, jurs),
            per_government(status == Status.QUEUED, jurs),
            cases,
            np.count_nonzero(model.platform_status == PLATFORM_PLANNED, axis=1),
            per_government(status == Status.BUILDING, jurs),
        ]
    ).astype(np.int64)


def body_columns(model: GovernanceModel) -> dict[str, np.ndarray]:
    """Columns of ``body_records`` with codes for the categories."""
    n_jur = model.n_jur
    return {
        "month": np.full(n_jur * len(QUEUES), model.month, dtype=np.int64),
        "government": np.repeat(np.arange(n_jur, dtype=np.int64), len(QUEUES)),
        "queue": np.tile(np.arange(len(QUEUES), dtype=np.int8), n_jur),
        "length": queue_lengths(model).ravel(),
    }


def platform_columns(model: GovernanceModel) -> dict[str, np.ndarray]:
    """Columns of ``platform_records`` with codes for the categories."""
    jurs, ks = np.nonzero(model.platform_status != PLATFORM_NONE)
    lead = model.platform_lead[jurs, ks]
    return {
        "month": np.full(len(jurs), model.month, dtype=np.int64),
        "government": jurs.astype(np.int64),
        "capability": ks.astype(np.int8),
        "state": (model.platform_status[jurs, ks] - PLATFORM_PLANNED).astype(np.int8),
        "builder": (lead >= 0).astype(np.int8),
        "lead": lead.astype(np.int64),
        "progress": np.minimum(model.platform_progress[jurs, ks], 1.0),
        "users": model.platform_users[jurs, ks].astype(np.int64),
    }


def link_columns(model: GovernanceModel, known: set[int]) -> dict[str, np.ndarray]:
    """Data-sharing links made since the keys in ``known`` (updated in place)."""
    fresh = np.array(sorted(model.link_keys - known), dtype=np.int64)
    known.update(fresh.tolist())
    holder, requester = np.divmod(fresh, model.n_dept)
    return {
        "month": np.full(len(fresh), model.month, dtype=np.int64),
        "holder": holder,
        "requester": requester,
    }


#: Category columns of each frame and their names (codes index these).
CATEGORIES: dict[str, dict[str, tuple[str, ...]]] = {
    "departments": {"capability": CAPABILITY_NAMES, "route": ROUTES},
    "bodies": {"queue": QUEUES},
    "platforms": {
        "capability": CAPABILITY_NAMES,
        "state": tuple(PLATFORM_STATES.values()),
        "builder": ("center", "cobuilt"),
    },
    "links": {},
}


class AgentRecords:
    """Agent-level records of a run, month by month, kept only when asked.

    Call ``collect(model)`` after set-up and after every step; ``frames()``
    then gives the tidy frames of every month collected. Collecting stores
    NumPy columns only (a few microseconds a month for a city); the frames
    are built once, at the end.
    """

    def __init__(self) -> None:
        self._parts: dict[str, list[dict[str, np.ndarray]]] = {name: [] for name in CATEGORIES}
        self._links: set[int] = set()

    def collect(self, model: GovernanceModel) -> None:
        """Record the state at the end of the month just simulated (month 0: the start)."""
        self._parts["departments"].append(department_columns(model))
        self._parts["bodies"].append(body_columns(model))
        self._parts["platforms"].append(platform_columns(model))
        self._parts["links"].append(link_columns(model, self._links))

    def frames(self) -> dict[str, pd.DataFrame]:
        """Return the frames ``departments``, ``bodies``, ``platforms`` and ``links``.

        ``departments`` has ``DEPARTMENT_COLUMNS`` (one row per month,
        department and common capability: what serves that need, one of
        ``ROUTES``, and whether service has started); ``bodies`` has
        ``BODY_COLUMNS`` (one row per month, government and queue of
        ``QUEUES``); ``platforms`` has ``PLATFORM_COLUMNS`` (one row per month
        and platform planned, being built or operating: builder ``center`` or
        ``cobuilt``, lead department or -1, progress 0 to 1, users);
        ``links`` has ``LINK_COLUMNS`` (each data-sharing link once, in the
        month it was made). Category columns are pandas categoricals.
        """
        return {name: self._frame(name) for name in CATEGORIES}

    def _frame(self, name: str) -> pd.DataFrame:
        parts = self._parts[name]
        if not parts:
            raise ValueError("no month collected yet: call collect(model) first")
        columns = {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}
        for key, names in CATEGORIES[name].items():
            columns[key] = pd.Categorical.from_codes(
                columns[key].astype(np.int64), categories=list(names)
            )
        return pd.DataFrame(columns)


def _one_month(model: GovernanceModel, name: str) -> pd.DataFrame:
    records = AgentRecords()
    records.collect(model)
    return records.frames()[name]


def department_records(model: GovernanceModel) -> pd.DataFrame:
    """What serves each department's common needs now (``AgentRecords.frames``' ``departments``).

    Returns:
        One row per department and common capability (``DEPARTMENT_COLUMNS``):
        ``month`` (months simulated), ``government``, ``department`` (model
        row), ``capability`` (name), ``route`` (one of ``ROUTES``) and
        ``served`` (True once service has started: an own system finished,
        a platform integration done, a peer's system in use).
    """
    return _one_month(model, "departments")


def body_records(model: GovernanceModel) -> pd.DataFrame:
    """Queues of every government's bodies now (``BODY_COLUMNS``, one row per queue)."""
    return _one_month(model, "bodies")


def platform_records(model: GovernanceModel) -> pd.DataFrame:
    """Shared platforms planned, being built or operating now (``PLATFORM_COLUMNS``)."""
    return _one_month(model, "platforms")
