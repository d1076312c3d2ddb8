"""Core of the validation suite: settings, designs, paired runs and check results.

A validation run is a set of :class:`Design` s (a scenario file plus
parameter overrides) run ``replications`` times each with paired seeds
(``simulate_designs`` returns :class:`Runs`); every check of a :class:`Fact`
reads the runs and returns a :class:`CheckResult` (one row of the
validation table). ``paired_check`` is the common check that a paired
difference is positive or negative; ``fmt``, ``fmt_p`` and ``ci_text``
format numbers the same way in every effect line.
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.analysis.validation.inference import ALPHA, ci, sign_test
from sim.experiments import executors
from sim.experiments.inputs.scenarios import Scenario, load_scenario
from sim.experiments.replications import auto_batch
from sim.experiments.seeds import spawn_seeds
from sim.model.capabilities import N_COMMON
from sim.model.choices import N_AVAILABLE
from sim.model.governance import GovernanceModel
from sim.model.outcomes import OUTCOME_NAMES
from sim.model.projects import Status
from sim.model.state import OPEN, PLATFORM_OPERATING, PLATFORM_USER, PROPOSED, WAITING

#: Root seed of the validation runs (replication seeds are spawned from it).
VALIDATION_SEED = 20261122

#: Columns of the validation table.
COLUMNS: tuple[str, ...] = (
    "fact",
    "check",
    "statement",
    "criterion",
    "effect",
    "estimate",
    "ci_low",
    "ci_high",
    "p_value",
    "passed",
)


@dataclass(frozen=True)
class Settings:
    """Size of a validation run.

    Attributes:
        replications: Paired replications of every design.
        n_departments: Departments per government (all facts but F1).
        sizes: Numbers of departments compared in F1.
        months: Length of every run.
        fast: Whether this is the fast mode.
    """

    replications: int
    n_departments: int
    sizes: tuple[int, ...]
    months: int = 120
    fast: bool = False

    @property
    def docking_replications(self) -> int:
        """Replications of the docking check (F6): at least 48, or twice the others.

        The equivalence test needs about 50 pairs for 80% power at a margin of
        0.5 SD where the pairing is weak (``data_sharing_rate``).
        """
        return max(2 * self.replications, 48)


FULL = Settings(replications=100, n_departments=40, sizes=(10, 20, 40, 80))
FAST = Settings(replications=12, n_departments=20, sizes=(10, 20, 40), fast=True)


# ----------------------------------------------------------------- designs


@dataclass(frozen=True)
class Design:
    """A scenario file plus parameter overrides: one arm of a comparison.

    Attributes:
        scenario: Scenario name (file in ``scenarios/``).
        overrides: ``(name, value)`` pairs applied over the scenario, sorted.
    """

    scenario: str
    overrides: tuple[tuple[str, Any], ...] = ()

    @property
    def label(self) -> str:
        """Unique, readable name, e.g. ``centralized[n_departments=20]``."""
        if not self.overrides:
            return self.scenario
        return f"{self.scenario}[{', '.join(f'{k}={v}' for k, v in self.overrides)}]"


def design(scenario: str, **overrides: Any) -> Design:
    """Return the design of ``scenario`` with ``overrides`` (sorted, hashable)."""
    return Design(scenario, tuple(sorted(overrides.items())))


def world(s: Settings, **overrides: Any) -> dict[str, Any]:
    """Overrides of the settings' world (departments, months) plus ``overrides``."""
    return {"n_departments": s.n_departments, "months": s.months, **overrides}


def with_parameters(scenario: Scenario, overrides: dict[str, Any]) -> Scenario:
    """Return ``scenario`` with ``overrides`` applied, in its policy changes too.

    A policy change that sets a parameter the overrides also set gets the
    override's value, so that an override (e.g. a mutant switching a
    mechanism off) holds for the whole run, also after a gradual reform.
    """
    if not overrides:
        return scenario
    changes = tuple(
        (month, {k: overrides.get(k, v) for k, v in change.items()})
        for month, change in scenario.policy_changes
    )
    replaced = dataclasses.replace(scenario, policy_changes=changes)
    return replaced.with_overrides(name=scenario.name, **overrides)


def build_scenario(d: Design, extra: dict[str, Any] | None = None) -> Scenario:
    """Load the design's scenario, apply its overrides and ``extra``; name it by label."""
    scenario = with_parameters(load_scenario(d.scenario), dict(d.overrides))
    scenario = with_parameters(scenario, dict(extra or {}))
    return dataclasses.replace(scenario, name=d.label)


def reform_month() -> int:
    """Month of the first policy change of ``gradual_reform`` (read from its file)."""
    changes = load_scenario("gradual_reform").policy_changes
    if not changes:
        raise ValueError("scenarios/gradual_reform.yaml has no policy change")
    return int(changes[0][0])


# -------------------------------------------------------------- simulation


def new_builds_since(model: GovernanceModel, since: int) -> tuple[np.ndarray, np.ndarray]:
    """Own common systems started for needs that arose at or after ``since``, per replica.

    Returns ``(own, needs)``, one value per replica of the model (one for an
    ordinary run): departmental common-capability projects that are building
    or done whose need arose in month ``since`` or later, and the common
    needs that arose from ``since`` to the end of the run. Used by F5.1:
    after month 48 every capability already exists in a government of 20 or
    more departments (as some department's system or a platform), so such
    an own system is a duplicate in the sense of ``cum_duplicate_projects``
    (checked against the model's owner lists: of the own systems completed
    for needs after month 48 over eight seeds, at 20 and 40 departments, in
    dispersed, centralized and gradual_reform, one of 549 was a
    capability's first instance).
    """
    book = model.projects
    n = book.size
    kind, status, need = book.kind[:n], book.status[:n], book.need_month[:n]
    started = (status == Status.BUILDING) | (status == Status.DONE)
    own_rows = (kind < N_COMMON) & started & (need >= since)
    own = _per_replica(model, model.replica_of[book.jur[:n]], own_rows)
    arisen = (model.need_month >= since) & (model.need_month < model.month)
    needs = _per_replica(model, _department_replica(model), arisen.sum(axis=1))
    return own, needs


def _department_replica(model: GovernanceModel) -> np.ndarray:
    """Replica of every department (all 0 in an ordinary run)."""
    return model.replica_of[model.dept_jur]


def _per_replica(model: GovernanceModel, replica: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Sum of ``counts`` (one per item) over the items of each replica."""
    return np.bincount(replica, weights=counts, minlength=model.replicas).astype(np.int64)


#: Months within which a need must be served not to count as late (F4): about
#: twice the usual time from need to service under an institutionalized body
#: (mean 15 months), and the model's own mark of a "beard" project (stalled
#: for ``stall_months``, 24 by default).
DELIVERY_HORIZON = 24

#: Largest number of departments a joint service needs that fact 9 tells
#: apart (services needing more are counted with it; the default
#: ``max_service_departments`` is 6, its plausible high 12 [004]).
F9_MAX_SIZE = 12
#: Service sizes fact 9 counts: 2 to ``F9_MAX_SIZE`` departments.
SERVICE_SIZES: tuple[int, ...] = tuple(range(2, F9_MAX_SIZE + 1))

#: Per availability, what F10 reads of the record of choices: choices n,
#: shared-route choices y, and the within-cell sums of squares of the peer
#: share ``sxx`` and cross-products ``sxy`` (cells: capability and year of
#: the run); ``sxx_all``, ``sxy_all`` the same over the whole run (no cells).
ADOPTION_FIT: tuple[str, ...] = ("n", "y", "sxx", "sxy", "sxx_all", "sxy_all")


#: Per-run measures read from the finished model (``Runs.measure``), in order:
#: ``new_builds_since`` (F5.1), ``late_needs`` (F4), ``legacy_redundant``
#: (F5.2), ``project_fates`` (F8), ``service_delivery`` (F9, per size) and
#: ``adoption_record`` (F10, sums per availability). The
#: adoption curve of the needs open at the reform (F5.4) follows them
#: (``Runs.open_adoption``).
RUN_MEASURES: tuple[str, ...] = (
    "own_since_reform",
    "needs_since_reform",
    "needs_due",
    "needs_late",
    "needs_never_served",
    "legacy_redundant_end",
    "projects_head_changed",
    "abandoned_head_changed",
    "projects_head_kept",
    "abandoned_head_kept",
    *(f"services_due_{n}" for n in SERVICE_SIZES),
    *(f"services_delivered_{n}" for n in SERVICE_SIZES),
    *(f"service_months_{n}" for n in SERVICE_SIZES),
    *(f"adoption_{a}_{what}" for a in range(N_AVAILABLE) for what in ADOPTION_FIT),
)


def legacy_redundant(model: GovernanceModel, since: int) -> np.ndarray:
    """Redundant own common systems built before ``since`` and still in service, per replica.

    In each government and capability the redundant instances are those
    beyond the first (own systems plus an operating platform, as
    ``n_redundant_common_systems`` counts them); of these, as many are
    legacy as there are own systems built before ``since`` (a renewed
    system counts from its renewal), at most the redundant count. Used by
    F5.2: every system in service at the reform is legacy, so this is what
    remains of the reform's redundant stock.
    """
    jurs = model.dept_jur
    old = model.own_full & (model.own_built < since)
    legacy = np.zeros(model.own_count.shape, dtype=np.int64)
    np.add.at(legacy, jurs, old.astype(np.int64))
    operating = model.platform_status == PLATFORM_OPERATING
    redundant = np.maximum(model.own_count + operating - 1, 0)
    counts = np.minimum(legacy, redundant).sum(axis=1)
    return _per_replica(model, model.replica_of, counts)


def project_fates(model: GovernanceModel) -> np.ndarray:
    """Projects whose department's head changed while they were unfinished, and the others.

    Returns:
        Array (4, replicas): projects with a change of head, of them
        abandoned; projects without, of them abandoned (F8). Every
        departmental project of the run counts, whatever its status.
    """
    book = model.projects
    n = book.size
    changed = book.head_changed[:n]
    abandoned = book.status[:n] == Status.ABANDONED
    replica = model.replica_of[book.jur[:n]]
    return np.array(
        [
            _per_replica(model, replica, changed),
            _per_replica(model, replica, changed & abandoned),
            _per_replica(model, replica, ~changed),
            _per_replica(model, replica, ~changed & abandoned),
        ]
    )


def service_delivery(model: GovernanceModel, horizon: int) -> np.ndarray:
    """Joint services by number of departments needed: due, delivered, months to delivery.

    A service is due when it arose at least ``horizon`` months before the end
    of the run; it is delivered when all its departments have joined
    (``ServiceBook.done``), and its months to delivery are counted as the
    model's ``service_months_total`` counts them (month delivered + 1 - month
    arisen).

    Returns:
        Array (3 x ``len(SERVICE_SIZES)``, replicas): services due per size,
        of them delivered by the end, and their months to delivery summed.
    """
    services = model.services
    n = services.size
    due = services.month[:n] <= model.month - horizon
    size = np.minimum(services.n_members[:n], F9_MAX_SIZE) - SERVICE_SIZES[0]
    done = services.done[:n] & due
    months = np.where(done, services.done_month[:n] + 1 - services.month[:n], 0.0)
    replica = model.replica_of[services.jur[:n]]
    cells = replica * len(SERVICE_SIZES) + size
    width = model.replicas * len(SERVICE_SIZES)
    out = [
        np.bincount(cells, weights=w, minlength=width).reshape(model.replicas, -1)
        for w in (due.astype(float), done.astype(float), months)
    ]
    return np.concatenate(out, axis=1).T


def adoption_record(model: GovernanceModel) -> np.ndarray:
    """Common-need choices against the peer share, by availability, per replica.

    Read from the model's record (``sim.model.choices.init_adoption_record``):
    for every choice a department made for an open common need, by what it
    could have adopted (``N_AVAILABLE``), the share of its government's
    departments already using a shared route for that capability (x) and
    whether it chose one (y). Returned as sums from which F10 fits the
    chance of a shared choice on x within cells of one capability and one
    year (a linear probability model with a dummy per cell): its slope is
    ``sum(sxy) / sum(sxx)``.

    Returns:
        Array (``N_AVAILABLE`` x ``len(ADOPTION_FIT)``, replicas).
    """
    n, x, xx, y, xy = np.moveaxis(model.adoption_record, -1, 0)
    safe = np.maximum(n, 1)
    sxx = (xx - x * x / safe).sum(axis=(2, 3))
    sxy = (xy - x * y / safe).sum(axis=(2, 3))
    tn, tx, txx, ty, txy = (v.sum(axis=(2, 3)) for v in (n, x, xx, y, xy))
    sxx_all = txx - tx * tx / np.maximum(tn, 1)
    sxy_all = txy - tx * ty / np.maximum(tn, 1)
    out = np.stack([tn, ty, sxx, sxy, sxx_all, sxy_all], axis=-1)  # replicas, avail, fit
    return out.reshape(model.replicas, -1).T


class _OpenAtReform:
    """Platform adoption of the common needs not yet served at the reform (F5.4).

    Stepped with the model: at month ``since`` it marks every common need
    that has arisen and is not served (open, waiting for a platform or
    proposed); then, after every month, which of them have been served by a
    shared platform at some time since. ``curve`` is, per replica and month
    from ``since`` to the end, the share of the marked needs adopted so far.
    """

    def __init__(self, model: GovernanceModel, since: int) -> None:
        self.model = model
        self.since = since
        self.marked: np.ndarray | None = None
        self.adopted: np.ndarray | None = None
        self.points: list[np.ndarray] = []
        self.replica = _department_replica(model)

    def observe(self) -> None:
        """Read the model after a month (or before the first)."""
        model = self.model
        if model.month < self.since:
            return
        if self.marked is None:
            self.marked = np.isin(model.access, (OPEN, WAITING, PROPOSED))
            self.adopted = np.zeros_like(self.marked)
        self.adopted |= self.marked & (model.access == PLATFORM_USER)
        marked = _per_replica(model, self.replica, self.marked.sum(axis=1))
        adopted = _per_replica(model, self.replica, self.adopted.sum(axis=1))
        self.points.append(adopted / np.maximum(marked, 1))

    def curve(self, months: int) -> np.ndarray:
        """Array (replicas, ``months - since + 1``): share adopted (NaN where not reached)."""
        width = max(months - self.since + 1, 0)
        out = np.full((self.model.replicas, width), np.nan)
        if self.points:
            got = np.column_stack(self.points)[:, :width]
            out[:, : got.shape[1]] = got
        return out


def late_needs(model: GovernanceModel, horizon: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Needs not served within ``horizon`` months of arising, over the whole run, per replica.

    Counts every departmental need (each common capability a department
    needs, each business system) that arose at least ``horizon`` months
    before the end of the run, so that each had ``horizon`` months to be
    served. A need is late when its service started more than ``horizon``
    months after it arose, or never. Read from the need arrays
    (``need_month``, ``served_month``, ``business_need_month``,
    ``business_served_month``), whatever served the need: an own system,
    a platform, a peer's system, a project restarted after an abandonment.

    Returns:
        ``(due, late, never)``, one value per replica of the model (one for
        an ordinary run): needs that had ``horizon`` months, those not
        served within them, and those of them not served by the end.
    """
    last = model.month - horizon
    due_c = model.need_month <= last
    due_b = model.business_need_month <= last
    wait_c = np.where(due_c, model.served_month - model.need_month, 0.0)
    wait_b = model.business_served_month[due_b] - model.business_need_month[due_b]
    late_c = due_c & (np.isnan(wait_c) | (wait_c > horizon))
    never_c = due_c & np.isnan(wait_c)
    rep_c = _department_replica(model)
    rep_b = _department_replica(model)[model.business_dept[due_b]]
    never_b = np.isnan(wait_b)
    late_b = never_b | (wait_b > horizon)
    due = _per_replica(model, rep_c, due_c.sum(axis=1)) + _per_replica(
        model, rep_b, np.ones(len(rep_b))
    )
    late = _per_replica(model, rep_c, late_c.sum(axis=1)) + _per_replica(model, rep_b, late_b)
    never = _per_replica(model, rep_c, never_c.sum(axis=1)) + _per_replica(model, rep_b, never_b)
    return due, late, never


def _simulate(
    scenario: Scenario, seed: int, since: int, replicas: int = 1
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Run a scenario (``replicas`` copies side by side in one model when more than one).

    Returns:
        Per replica: (months x outcomes array, ``RUN_MEASURES`` of the run).
    """
    model = GovernanceModel(
        parameters=scenario.parameters,
        rng=int(seed),
        policy_changes=tuple(scenario.policy_changes or ()),
        replicas=replicas,
    )
    opened = _OpenAtReform(model, since)
    opened.observe()
    while model.month < model.horizon:
        model.step()
        opened.observe()
    frame = model.outcomes_frame()
    if "replica" not in frame:  # a batch of one is an ordinary model
        frame.insert(0, "replica", 0)
    measures = np.column_stack(
        [
            *new_builds_since(model, since),
            *late_needs(model, DELIVERY_HORIZON),
            legacy_redundant(model, since),
            *project_fates(model),
            *service_delivery(model, DELIVERY_HORIZON),
            *adoption_record(model),
            opened.curve(model.horizon),
        ]
    ).astype(float)
    copies = frame["replica"].to_numpy()
    values = frame[list(OUTCOME_NAMES)].to_numpy(dtype=float)
    return [(values[copies == i], measures[i]) for i in range(replicas)]


def _run_task(
    task: tuple[int, int, int, int], scenarios: Sequence[Scenario], since: int
) -> list[tuple[int, int, np.ndarray, np.ndarray]]:
    """Run one ``(design index, first replication, replications, seed)`` block of runs.

    The block's replications run side by side in one model seeded with
    ``seed`` (the first replication's seed); each result keeps its design
    index and replication.
    """
    i, first, count, seed = task
    runs = _simulate(scenarios[i], seed, int(since), count)
    return [(i, first + k, v, e) for k, (v, e) in enumerate(runs)]


class Runs:
    """Outcomes of every design and replication of one validation run.

    Attributes:
        designs: The designs run.
        seeds: Seed of each replication.
        values: Per design label, array (replications, months + 1, outcomes).
        extras: Per design label, array (replications, measures): ``RUN_MEASURES``.
        batch: Replications per model (1: one model per run; see
            ``simulate_designs``).
    """

    def __init__(
        self,
        designs: Sequence[Design],
        seeds: Sequence[int],
        values: dict[str, np.ndarray],
        extras: dict[str, np.ndarray],
        batch: int = 1,
    ) -> None:
        self.designs = list(designs)
        self.batch = batch
        self.seeds = list(seeds)
        self.values = values
        self.extras = extras
        self._col = {name: i for i, name in enumerate(OUTCOME_NAMES)}

    def view(self, replications: int) -> Runs:
        """The first ``replications`` replications of every design (or all it has)."""
        return Runs(
            self.designs,
            self.seeds[:replications],
            {k: v[:replications] for k, v in self.values.items()},
            {k: v[:replications] for k, v in self.extras.items()},
            self.batch,
        )

    def series(self, d: Design, outcome: str) -> np.ndarray:
        """Array (replications, months + 1) of one outcome."""
        return self.values[d.label][:, :, self._col[outcome]]

    def final(self, d: Design, outcome: str) -> np.ndarray:
        """Final value of one outcome, one per replication."""
        return self.series(d, outcome)[:, -1]

    def at(self, d: Design, outcome: str, month: int) -> np.ndarray:
        """Value at ``month`` of one outcome, one per replication."""
        return self.series(d, outcome)[:, month]

    def extra(self, d: Design) -> np.ndarray:
        """Array (replications, 2): own systems and needs since the reform month."""
        return self.extras[d.label][:, :2]

    def measure(self, d: Design, name: str) -> np.ndarray:
        """One of ``RUN_MEASURES``, one value per replication."""
        return self.extras[d.label][:, RUN_MEASURES.index(name)]

    def measures(self, d: Design, names: Sequence[str]) -> np.ndarray:
        """Several of ``RUN_MEASURES``: array (replications, names)."""
        return self.extras[d.label][:, [RUN_MEASURES.index(n) for n in names]]

    def open_adoption(self, d: Design) -> np.ndarray:
        """Array (replications, months from the reform on): F5.4's adoption curve.

        Share of the common needs open at the reform month (``reform_month``)
        served by a platform at some time since, month by month.
        """
        return self.extras[d.label][:, len(RUN_MEASURES) :]


def simulate_designs(
    designs: Sequence[Design],
    replications: int | dict[Design, int],
    *,
    root_seed: int = VALIDATION_SEED,
    workers: int | None = None,
    progress: bool = True,
    extra: dict[str, Any] | None = None,
    batch: int | None = None,
) -> Runs:
    """Run every design ``replications`` times with paired seeds.

    Args:
        designs: Designs to run (duplicates are run once).
        replications: Paired replications, for all designs or per design;
            replication ``r`` has the same seed in every design.
        root_seed: Root of the seeds (``sim.experiments.seeds.spawn_seeds``).
        workers: Processes (``None`` = all cores, 1 = in this process).
        progress: Progress bar on stderr.
        extra: Parameter overrides applied over every design (mutants).
        batch: Replications per model (``None``: chosen from the layout by
            ``sim.experiments.replications.auto_batch``, as ``compare``
            does; 1: one model per run). Replications ``b*batch`` to
            ``b*batch + batch - 1`` of a design run side by side in one
            model seeded with the first one's seed, the same blocks in
            every design, so that the pairing holds.

    Returns:
        The outcomes of every run.
    """
    unique = list(dict.fromkeys(designs))
    reps = {d: replications if isinstance(replications, int) else replications[d] for d in unique}
    scenarios = [build_scenario(d, extra) for d in unique]
    most = max(reps.values())
    seeds = spawn_seeds(root_seed, most)
    since = reform_month()
    size = auto_batch(scenarios, most) if batch is None else max(1, int(batch))
    tasks = [
        (i, first, min(size, reps[d] - first), seeds[first])
        for first in range(0, most, size)
        for i, d in enumerate(unique)
        if first < reps[d]
    ]
    workers = (os.cpu_count() or 1) if workers is None else max(1, int(workers))
    blocks: list[list[tuple[int, int, np.ndarray, np.ndarray]]] = executors.map_chunked(
        _run_task,
        tasks,
        (scenarios, since),
        workers=workers,
        chunksize=1 if size > 1 else None,
        progress=progress,
        desc="validating",
        unit="model" if size > 1 else "run",
    )
    values = {d.label: [None] * reps[d] for d in unique}
    extras = {d.label: [None] * reps[d] for d in unique}
    for i, r, v, e in (run for block in blocks for run in block):
        values[unique[i].label][r] = v
        extras[unique[i].label][r] = e
    return Runs(
        unique,
        seeds,
        {k: np.stack(v) for k, v in values.items()},
        {k: np.stack(v) for k, v in extras.items()},
        batch=size,
    )


# -------------------------------------------------------------- formatting


def fmt(x: float, digits: int = 3) -> str:
    """Format ``x`` with about three significant digits ("n/a" if not finite)."""
    if x is None or not math.isfinite(x):
        return "n/a"
    a = abs(x)
    if a >= 100:
        return f"{x:.0f}"
    if a >= 10:
        return f"{x:.1f}"
    if a >= 1:
        return f"{x:.2f}"
    return f"{x:.{digits}f}"


def fmt_p(p: float) -> str:
    """Format a p-value ("p < 0.001", "p = 0.012"; empty if not finite)."""
    if p is None or not math.isfinite(p):
        return ""
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def ci_text(mean: float, low: float, high: float) -> str:
    """Format an estimate and its interval as ``mean [low, high]``."""
    return f"{fmt(mean)} [{fmt(low)}, {fmt(high)}]"


@dataclass(frozen=True)
class CheckResult:
    """Outcome of one check of a fact (one row of the validation table)."""

    fact: str
    check: str
    statement: str
    criterion: str
    effect: str
    estimate: float
    ci_low: float
    ci_high: float
    p_value: float
    passed: bool


def paired_check(
    fact: str,
    check: str,
    statement: str,
    diff: np.ndarray,
    direction: str,
    what: str,
    effect: str,
) -> CheckResult:
    """A check that a paired difference is positive (or negative) over replications.

    Passes when the 95% t interval excludes zero in ``direction`` and the
    one-sided sign test gives ``p < ALPHA``.
    """
    mean, low, high = ci(diff)
    if direction == "greater":
        p = sign_test(diff, "greater")
        passed = low > 0 and p < ALPHA
        side = "> 0"
    else:
        p = sign_test(diff, "less")
        passed = high < 0 and p < ALPHA
        side = "< 0"
    criterion = (
        f"{what} {side}: 95% t-CI of the mean paired difference excludes 0 and one-sided "
        f"sign test p < {ALPHA} (n = {len(diff)} paired replications)"
    )
    return CheckResult(fact, check, statement, criterion, effect, mean, low, high, p, passed)


def two_sided_check(
    fact: str,
    check: str,
    statement: str,
    values: np.ndarray,
    direction: str,
    what: str,
    effect: str,
) -> CheckResult:
    """A two-sided check that per-replication values differ from zero in ``direction``.

    Passes when the two-sided 95% t interval of the mean excludes zero on the
    stated side and the two-sided sign test gives ``p < ALPHA``: a result on
    the other side is reported as such, not merely as "not shown". Values
    undefined in a replication (NaN) are left out; their count is in the
    criterion.
    """
    values = np.asarray(values, dtype=float)
    defined = values[np.isfinite(values)]
    if len(defined) < 2:
        mean, low, high, p = math.nan, math.nan, math.nan, 1.0
    else:
        mean, low, high = ci(defined)
        p = sign_test(defined, "two-sided")
    side = "> 0" if direction == "greater" else "< 0"
    clear = low > 0 if direction == "greater" else high < 0
    passed = bool(clear and p < ALPHA)
    left = len(values) - len(defined)
    criterion = (
        f"{what} {side}: two-sided 95% t-CI of the mean excludes 0 on that side and "
        f"two-sided sign test p < {ALPHA} (n = {len(defined)} replications"
        f"{f', {left} undefined left out' if left else ''})"
    )
    return CheckResult(fact, check, statement, criterion, effect, mean, low, high, p, passed)


# ------------------------------------------------------------------- facts


@dataclass(frozen=True)
class Fact:
    """One stylized fact of MODEL.md section 7.

    Attributes:
        id: ``F1`` ... ``F7``.
        statement: The fact as MODEL.md states it.
        compared: What is compared (designs and overrides), in words.
        outcome: Outcome(s) read.
        designs: Function of the settings returning the designs to run.
        checks: Function of the runs and settings returning the check results.
        replications: Function of the settings returning the fact's number of
            paired replications (default ``Settings.replications``).
        references: Designs only described (not compared pair by pair), run
            with ``Settings.replications``.
    """

    id: str
    statement: str
    compared: str
    outcome: str
    designs: Callable[[Settings], list[Design]]
    checks: Callable[[Runs, Settings], list[CheckResult]]
    replications: Callable[[Settings], int] = lambda s: s.replications
    references: Callable[[Settings], list[Design]] = lambda s: []
