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
from sim.model.governance import GovernanceModel
from sim.model.outcomes import OUTCOME_NAMES
from sim.model.projects import Status

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

#: Per-run measures read from the finished model (``Runs.measure``), in order:
#: ``new_builds_since`` (F5.1), then ``late_needs`` (F4).
RUN_MEASURES: tuple[str, ...] = (
    "own_since_reform",
    "needs_since_reform",
    "needs_due",
    "needs_late",
    "needs_never_served",
)


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
    model.run()
    frame = model.outcomes_frame()
    if "replica" not in frame:  # a batch of one is an ordinary model
        frame.insert(0, "replica", 0)
    measures = np.column_stack(
        [*new_builds_since(model, since), *late_needs(model, DELIVERY_HORIZON)]
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
