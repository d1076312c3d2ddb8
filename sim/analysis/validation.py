"""Validation: the seven stylized facts of MODEL.md section 7, as data and checks.

Each fact is a :class:`Fact`: the statement of MODEL.md, the designs it
compares (scenario files plus parameter overrides), the outcome it reads and
a stated statistical criterion over paired seeded replications (replication
``r`` of every design uses the same seed, spawned from one root seed by
``sim.experiments.replications.spawn_seeds``). A fact may have several checks (F5 has four);
it holds when all of them pass. Nothing here sets an outcome: every number is
read from the model's outcome table, or (F5.1) counted from its project book.

Statistics (unless a check says otherwise):

* paired differences: 95% t interval of the mean difference
  (``sim.analysis.statistics.mean_ci``) and a one-sided sign test on the non-zero
  differences; a check passes when the interval excludes zero in the stated
  direction **and** the sign test gives ``p < ALPHA`` (0.01);
* ratios of means: 95% percentile interval of a paired bootstrap over
  replications (``BOOTSTRAP`` resamples, fixed seed);
* equivalence (F6): two one-sided tests (TOST) on paired differences.

``run_validation`` runs every fact and returns the table; ``run_mutants``
runs every fact under every mutant of ``MUTANTS`` (one mechanism switched off
each) and returns the mutant x fact table. ``format_validation`` and
``format_mutants`` print them. ``python run.py validate-model`` is the
command line (``--fast``, ``--mutants``).

Docking (F6). The centralized file differs from the dispersed one in many
levers, so "authority, review and coordination set to nothing" needs a
definition (``DOCKING_GROUPS``): review = coverage, registry, capacity and
priority; authority = review authority, standard enforcement, audits,
sanctions and the evaluation link; coordination = proactive mode, capacity
and strength of the coordinating body, the technical service center and the
master plan (coordination of common needs through shared platforms, [001])
and the central-local link. They are zeroed in *both* designs, which then
differ only in sign-off bodies and delay, unified budget, permanence and
bundling threshold; the check asks for equivalence (TOST) of the two.
Zeroing them in the centralized design only and comparing with dispersed as
it is fails on data sharing (the dispersed general office still coordinates
on request); ``docking_table`` reports that and every subset of the three.

Full mode: 30 replications, 40 departments (F1: 10, 20, 40, 80), 120 months.
Fast mode (for the test suite): 12 replications, 20 departments (F1: 10, 20,
40), 120 months (the gradual reform switches at month 48 and needs the
years after it). The criteria are the same in both modes. Two facts use more
replications in both modes: F6 (docking) max(2 x replications, 48), for the
power of its equivalence test, and F7 at least 24.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import os
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats

from sim.analysis import statistics
from sim.experiments import executors
from sim.experiments.replications import HEADLINE_OUTCOMES
from sim.experiments.scenarios import Scenario, load_scenario
from sim.experiments.seeds import spawn_seeds
from sim.model.capabilities import N_COMMON
from sim.model.governance import GovernanceModel
from sim.model.outcomes import OUTCOME_NAMES
from sim.model.parameters import SPECS
from sim.model.projects import Status

#: Root seed of the validation runs (replication seeds are spawned from it).
VALIDATION_SEED = 20261122
#: Significance level of the one-sided sign tests.
ALPHA = 0.01
#: Level of the two one-sided tests of the docking check (F6).
TOST_ALPHA = 0.05
#: Bootstrap resamples for intervals of ratios and fitted quantities.
BOOTSTRAP = 2000
#: Bootstrap resamples for the S-curve fits (each resample fits four curves).
BOOTSTRAP_FITS = 300

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


FULL = Settings(replications=30, n_departments=40, sizes=(10, 20, 40, 80))
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


def _world(s: Settings, **overrides: Any) -> dict[str, Any]:
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


def new_builds_since(model: GovernanceModel, since: int) -> tuple[int, int]:
    """Own common systems started for needs that arose at or after ``since``.

    Returns ``(own, needs)``: departmental common-capability projects that
    are building or done whose need arose in month ``since`` or later, and
    the common needs that arose from ``since`` to the end of the run. Used
    by F5.1: after month 48 every capability already exists in a government
    of 20 or more departments (as some department's system or a platform),
    so such an own system is a duplicate in the sense of
    ``cum_duplicate_projects`` (checked against the model's owner lists: of
    the own systems completed for needs after month 48 over eight seeds, at
    20 and 40 departments, in dispersed, centralized and gradual_reform, one
    of 549 was a capability's first instance).
    """
    book = model.projects
    n = book.size
    kind, status, need = book.kind[:n], book.status[:n], book.need_month[:n]
    started = (status == Status.BUILDING) | (status == Status.DONE)
    own = int(np.sum((kind < N_COMMON) & started & (need >= since)))
    arisen = (model.need_month >= since) & (model.need_month < model.month)
    return own, int(arisen.sum())


def _simulate(scenario: Scenario, seed: int, since: int) -> tuple[np.ndarray, np.ndarray]:
    """Run one scenario; return (months x outcomes array, [own, needs] since ``since``)."""
    model = GovernanceModel(
        parameters=scenario.parameters,
        rng=int(seed),
        policy_changes=tuple(scenario.policy_changes or ()),
    )
    model.run()
    frame = model.outcomes_frame()
    values = frame[list(OUTCOME_NAMES)].to_numpy(dtype=float)
    return values, np.array(new_builds_since(model, since), dtype=float)


def _run_task(
    task: tuple[int, int, int], scenarios: Sequence[Scenario], since: int
) -> tuple[int, int, np.ndarray, np.ndarray]:
    """Run one ``(design index, replication, seed)`` task; keep its index and replication."""
    i, r, seed = task
    return (i, r, *_simulate(scenarios[i], seed, int(since)))


class Runs:
    """Outcomes of every design and replication of one validation run.

    Attributes:
        designs: The designs run.
        seeds: Seed of each replication.
        values: Per design label, array (replications, months + 1, outcomes).
        extras: Per design label, array (replications, 2): ``new_builds_since``.
    """

    def __init__(
        self,
        designs: Sequence[Design],
        seeds: Sequence[int],
        values: dict[str, np.ndarray],
        extras: dict[str, np.ndarray],
    ) -> None:
        self.designs = list(designs)
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
        return self.extras[d.label]


def simulate_designs(
    designs: Sequence[Design],
    replications: int | dict[Design, int],
    *,
    root_seed: int = VALIDATION_SEED,
    workers: int | None = None,
    progress: bool = True,
    extra: dict[str, Any] | None = None,
) -> Runs:
    """Run every design ``replications`` times with paired seeds.

    Args:
        designs: Designs to run (duplicates are run once).
        replications: Paired replications, for all designs or per design;
            replication ``r`` has the same seed in every design.
        root_seed: Root of the seeds (``sim.experiments.replications.spawn_seeds``).
        workers: Processes (``None`` = all cores, 1 = in this process).
        progress: Progress bar on stderr.
        extra: Parameter overrides applied over every design (mutants).

    Returns:
        The outcomes of every run.
    """
    unique = list(dict.fromkeys(designs))
    reps = {d: replications if isinstance(replications, int) else replications[d] for d in unique}
    scenarios = [build_scenario(d, extra) for d in unique]
    seeds = spawn_seeds(root_seed, max(reps.values()))
    since = reform_month()
    tasks = [
        (i, r, seeds[r])
        for r in range(max(reps.values()))
        for i, d in enumerate(unique)
        if r < reps[d]
    ]
    workers = (os.cpu_count() or 1) if workers is None else max(1, int(workers))
    results: list[tuple[int, int, np.ndarray, np.ndarray]] = executors.map_chunked(
        _run_task,
        tasks,
        (scenarios, since),
        workers=workers,
        progress=progress,
        desc="validating",
    )
    values = {d.label: [None] * reps[d] for d in unique}
    extras = {d.label: [None] * reps[d] for d in unique}
    for i, r, v, e in results:
        values[unique[i].label][r] = v
        extras[unique[i].label][r] = e
    return Runs(
        unique,
        seeds,
        {k: np.stack(v) for k, v in values.items()},
        {k: np.stack(v) for k, v in extras.items()},
    )


# -------------------------------------------------------------- statistics


def sign_test(diff: np.ndarray, alternative: str) -> float:
    """One-sided sign test on the non-zero paired differences (1.0 if all are zero)."""
    diff = np.asarray(diff, dtype=float)
    nonzero = diff[diff != 0]
    if not len(nonzero):
        return 1.0
    k = int((nonzero > 0).sum())
    return float(stats.binomtest(k, len(nonzero), 0.5, alternative=alternative).pvalue)


def ci(values: np.ndarray) -> tuple[float, float, float]:
    """Mean and 95% t interval (``sim.analysis.statistics.mean_ci``)."""
    m = statistics.mean_ci(np.asarray(values, dtype=float))
    return m["mean"], m["ci_low"], m["ci_high"]


def bootstrap(
    stat: Callable[..., float], *arrays: np.ndarray, n: int = BOOTSTRAP, seed: int = 0
) -> tuple[float, float]:
    """95% percentile interval of ``stat(*arrays)`` resampling replications in pairs."""
    arrays = tuple(np.asarray(a) for a in arrays)
    size = len(arrays[0])
    rng = np.random.default_rng(seed)
    draws = []
    for _ in range(n):
        idx = rng.integers(0, size, size)
        with np.errstate(divide="ignore", invalid="ignore"):
            draws.append(stat(*(a[idx] for a in arrays)))
    draws = np.asarray(draws, dtype=float)
    draws = draws[np.isfinite(draws)]
    if not len(draws):
        return math.nan, math.nan
    return float(np.percentile(draws, 2.5)), float(np.percentile(draws, 97.5))


def slopes(sizes: Sequence[int], y: np.ndarray) -> np.ndarray:
    """OLS slope of ``y`` (replications x sizes) on ``sizes``, one per replication."""
    x = np.asarray(sizes, dtype=float)
    xc = x - x.mean()
    return (y - y.mean(axis=1, keepdims=True)) @ xc / (xc @ xc)


def _fmt(x: float, digits: int = 3) -> str:
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


def _p(p: float) -> str:
    if p is None or not math.isfinite(p):
        return ""
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _ci_text(mean: float, low: float, high: float) -> str:
    return f"{_fmt(mean)} [{_fmt(low)}, {_fmt(high)}]"


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


# F1 -------------------------------------------------------------------------

F1_FRACTION = 0.25
F1_STATEMENT = (
    "Under dispersed governance, redundant common systems grow with the number of "
    "departments; under the centralized design they stay bounded."
)


def _f1_designs(s: Settings) -> list[Design]:
    return [
        design(name, **_world(s, n_departments=n))
        for name in ("dispersed", "centralized")
        for n in s.sizes
    ]


def _f1_checks(runs: Runs, s: Settings) -> list[CheckResult]:
    out = "n_redundant_common_systems"
    y = {
        name: np.column_stack(
            [runs.final(design(name, **_world(s, n_departments=n)), out) for n in s.sizes]
        )
        for name in ("dispersed", "centralized")
    }
    sd, sc = slopes(s.sizes, y["dispersed"]), slopes(s.sizes, y["centralized"])
    md, ld, hd = ci(sd)
    mc, lc, hc = ci(sc)
    ratio = mc / md if md else math.nan
    r_low, r_high = bootstrap(lambda a, b: a.mean() / b.mean(), sc, sd)
    p = sign_test(sc - F1_FRACTION * sd, "less")
    passed = ld > 0 and hc < F1_FRACTION * ld and p < ALPHA
    per_dept = {
        name: ", ".join(_fmt(v) for v in y[name].mean(axis=0) / np.asarray(s.sizes)) for name in y
    }
    effect = (
        f"slope of redundant systems per added department: dispersed {_ci_text(md, ld, hd)}, "
        f"centralized {_ci_text(mc, lc, hc)}; centralized/dispersed slope ratio "
        f"{_fmt(ratio)}. Redundant systems per department at n = "
        f"{', '.join(map(str, s.sizes))}: dispersed {per_dept['dispersed']}; centralized "
        f"{per_dept['centralized']} (centralized redundancy is bounded relative to "
        "dispersed, not in absolute terms: it still grows in proportion to n)"
    )
    criterion = (
        f"per replication, OLS slope of final n_redundant_common_systems on n_departments "
        f"({', '.join(map(str, s.sizes))}); dispersed slope 95% CI > 0 and centralized slope "
        f"95% CI upper bound < {F1_FRACTION} x dispersed slope CI lower bound; one-sided sign "
        f"test of (centralized slope - {F1_FRACTION} x dispersed slope) < 0, p < {ALPHA}. "
        "Estimate: centralized/dispersed slope ratio (bootstrap CI)"
    )
    return [
        CheckResult("F1", "F1", F1_STATEMENT, criterion, effect, ratio, r_low, r_high, p, passed)
    ]


# F2 -------------------------------------------------------------------------

F2_STATEMENT = (
    "Even with central review some duplication remains, and it shrinks as the registry "
    "becomes complete."
)
F2_REGISTRY = (0.2, 1.0)


def _f2_designs(s: Settings) -> list[Design]:
    return [design("centralized", **_world(s))] + [
        design("centralized", **_world(s, registry_completeness=r)) for r in F2_REGISTRY
    ]


def _f2_checks(runs: Runs, s: Settings) -> list[CheckResult]:
    out = "n_redundant_common_systems"
    central = runs.final(design("centralized", **_world(s)), out)
    low_r, high_r = (
        runs.final(design("centralized", **_world(s, registry_completeness=r)), out)
        for r in F2_REGISTRY
    )
    mean, low, high = ci(central)
    positive = int((central > 0).sum())
    p = float(stats.binomtest(positive, len(central), 0.5, alternative="greater").pvalue)
    remains = CheckResult(
        "F2",
        "F2.1 duplication remains",
        F2_STATEMENT,
        f"centralized design: final n_redundant_common_systems 95% t-CI lower bound > 0 and "
        f"> 0 in most runs (one-sided binomial test of the share of runs with > 0 against "
        f"1/2, p < {ALPHA})",
        f"centralized: {_ci_text(mean, low, high)} redundant common systems, > 0 in "
        f"{positive}/{len(central)} runs; with a complete registry (1.0): "
        f"{_fmt(high_r.mean())}; GAO-12-241 found 4.6% of reviewed investments duplicative",
        mean,
        low,
        high,
        p,
        bool(low > 0 and p < ALPHA),
    )
    diff = low_r - high_r
    shrinks = paired_check(
        "F2",
        "F2.2 shrinks with registry",
        F2_STATEMENT,
        diff,
        "greater",
        f"centralized design, registry_completeness {F2_REGISTRY[0]} minus {F2_REGISTRY[1]}: "
        "final n_redundant_common_systems",
        f"{_fmt(low_r.mean())} redundant systems with registry {F2_REGISTRY[0]}, "
        f"{_fmt(high_r.mean())} with {F2_REGISTRY[1]} "
        f"({_fmt(100 * diff.mean() / low_r.mean(), 1)}% fewer)",
    )
    return [remains, shrinks]


# F3 -------------------------------------------------------------------------

F3_STATEMENT = (
    "The centralized advantage shrinks or reverses when the promotion office's capacity "
    "is small against the flow of proposals, or when the top leader's attention is low."
)
#: Stress conditions of F3, applied to both designs (the same world), with the
#: outcome through which the condition acts.
F3_CONDITIONS: tuple[tuple[str, str, Any, str], ...] = (
    ("F3.1 small review capacity", "review_capacity", 0.5, "mean_months_to_service"),
    ("F3.2 low top-leader attention", "top_leader_attention", 0.1, "n_redundant_common_systems"),
)


def _f3_designs(s: Settings) -> list[Design]:
    out = [design(n, **_world(s)) for n in ("dispersed", "centralized")]
    for _, name, value, _ in F3_CONDITIONS:
        out += [design(n, **_world(s, **{name: value})) for n in ("dispersed", "centralized")]
    return out


def _relative_advantage(runs: Runs, s: Settings, outcome: str, **cond: Any) -> np.ndarray:
    d = runs.final(design("dispersed", **_world(s, **cond)), outcome)
    c = runs.final(design("centralized", **_world(s, **cond)), outcome)
    return (d - c) / np.where(d == 0, np.nan, d)


def _f3_checks(runs: Runs, s: Settings) -> list[CheckResult]:
    results = []
    other = {
        "mean_months_to_service": "n_redundant_common_systems",
        "n_redundant_common_systems": "mean_months_to_service",
    }
    for check, name, value, outcome in F3_CONDITIONS:
        base = _relative_advantage(runs, s, outcome)
        stressed = _relative_advantage(runs, s, outcome, **{name: value})
        o_base = _relative_advantage(runs, s, other[outcome])
        o_stressed = _relative_advantage(runs, s, other[outcome], **{name: value})
        queue = runs.final(
            design("centralized", **_world(s, **{name: value})), "review_queue_length"
        )
        effect = (
            f"relative centralized advantage in {outcome} ((dispersed - centralized) / "
            f"dispersed): {_fmt(base.mean())} by default, {_fmt(stressed.mean())} with "
            f"{name} = {value}"
            + (" (reversed)" if stressed.mean() < 0 else "")
            + f"; in {other[outcome]}: {_fmt(o_base.mean())} -> {_fmt(o_stressed.mean())}; "
            f"centralized review queue at the end: {_fmt(queue.mean())} proposals"
        )
        results.append(
            paired_check(
                "F3",
                check,
                F3_STATEMENT,
                stressed - base,
                "less",
                f"relative centralized advantage in final {outcome} with {name} = {value} "
                "(both designs) minus the same advantage by default",
                effect,
            )
        )
    return results


# F4 -------------------------------------------------------------------------

F4_STATEMENT = (
    "High leader turnover raises unfinished and abandoned projects far more where the "
    "governance body is temporary or personal than where it is institutionalized."
)
F4_TENURE = (12.0, 42.0)
#: "Far more": the increase where the body is temporary must exceed this
#: multiple of the increase where it is institutionalized.
F4_MULTIPLE = 2.0
#: (check, temporary design, institutionalized design)
F4_PAIRS: tuple[tuple[str, tuple[str, dict], tuple[str, dict]], ...] = (
    (
        "F4.1 scenarios",
        ("leading_group_temporary_office", {}),
        ("specialized_committee", {}),
    ),
    (
        "F4.2 permanence only",
        ("centralized", {"body_permanence": 0.1}),
        ("centralized", {"body_permanence": 1.0}),
    ),
)


def _f4_designs(s: Settings) -> list[Design]:
    out = []
    for _, temp, inst in F4_PAIRS:
        for name, ov in (temp, inst):
            for tenure in F4_TENURE:
                out.append(design(name, **_world(s, leader_tenure_months=tenure, **ov)))
    return out


def _named(name: str, overrides: dict[str, Any]) -> str:
    if not overrides:
        return name
    return f"{name} ({', '.join(f'{k} {v}' for k, v in overrides.items())})"


def _failures(runs: Runs, d: Design) -> np.ndarray:
    return runs.final(d, "n_unfinished_projects") + runs.final(d, "cum_abandoned_projects")


def _f4_checks(runs: Runs, s: Settings) -> list[CheckResult]:
    results = []
    high, low = F4_TENURE
    for check, (tn, tov), (iname, iov) in F4_PAIRS:

        def y(name: str, ov: dict, tenure: float) -> np.ndarray:
            return _failures(runs, design(name, **_world(s, leader_tenure_months=tenure, **ov)))

        temp_rise = y(tn, tov, high) - y(tn, tov, low)
        inst_rise = y(iname, iov, high) - y(iname, iov, low)
        diff = temp_rise - F4_MULTIPLE * inst_rise
        ratio = temp_rise.mean() / inst_rise.mean() if inst_rise.mean() > 0 else math.inf
        effect = (
            f"unfinished + abandoned projects, tenure {low:g} -> {high:g} months: "
            f"{_named(tn, tov)} {_fmt(y(tn, tov, low).mean())} -> {_fmt(y(tn, tov, high).mean())} "
            f"(+{_fmt(temp_rise.mean())}); {_named(iname, iov)} {_fmt(y(iname, iov, low).mean())} "
            f"-> {_fmt(y(iname, iov, high).mean())} (+{_fmt(inst_rise.mean())}); "
            f"difference-in-differences {_ci_text(*ci(temp_rise - inst_rise))}; ratio of "
            f"increases {_fmt(ratio)}"
        )
        results.append(
            paired_check(
                "F4",
                check,
                F4_STATEMENT,
                diff,
                "greater",
                f"final n_unfinished_projects + cum_abandoned_projects: increase from tenure "
                f"{low:g} to {high:g} months under the temporary body minus {F4_MULTIPLE:g} x "
                "the increase under the institutionalized body",
                effect,
            )
        )
    return results


# F5 -------------------------------------------------------------------------

F5_STATEMENT = (
    "After a gradual reform, new duplication stops but legacy redundant systems remain; "
    "sharing rises with a lag; platform adoption follows an S-curve."
)
#: Share of the dispersed design's excess new duplication (over centralized)
#: that the reform must remove for "new duplication stops".
F5_REMOVED = 0.75
#: Months after the reform at which sharing is compared with the reform month.
F5_SHARING_LAG = 24
#: AIC margin by which the logistic must beat every two-parameter alternative.
F5_AIC_MARGIN = 10.0
#: Months the logistic's inflection must lie inside the post-reform window.
F5_INFLECTION_MARGIN = 6


def _removed(rg: np.ndarray, rd: np.ndarray, rc: np.ndarray) -> float:
    """Share of dispersed's excess over centralized that gradual_reform removes."""
    return (rd.mean() - rg.mean()) / (rd.mean() - rc.mean())


def _f5_designs(s: Settings) -> list[Design]:
    return [design(n, **_world(s)) for n in ("gradual_reform", "dispersed", "centralized")]


def _logistic(t: np.ndarray, k: float, r: float, t0: float) -> np.ndarray:
    return k / (1.0 + np.exp(-r * (t - t0)))


def _aic(rss: float, n: int, k: int) -> float:
    return n * math.log(max(rss, 1e-300) / n) + 2 * k


def scurve_fit(t: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Fit a logistic and three two-parameter alternatives to ``y(t)``.

    Alternatives: linear ``a + b t``; saturating (concave)
    ``K (1 - exp(-r t))``; exponential growth (convex) ``a (exp(b t) - 1)``.

    Returns:
        ``inflection`` (logistic ``t0``), ``delta_aic`` (best alternative's AIC
        minus the logistic's: positive means the logistic fits better) and
        the AIC of each model.
    """
    t = np.asarray(t, dtype=float)
    y = np.asarray(y, dtype=float)
    n = len(t)
    top = max(float(y.max()), 1e-9)
    aic: dict[str, float] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            (k, r, t0), _ = optimize.curve_fit(
                _logistic,
                t,
                y,
                p0=(top, 0.1, float(t[np.argmax(y >= top / 2)])),
                bounds=([1e-9, 1e-4, t.min() - 120], [2 * top + 1e-9, 5.0, t.max() + 120]),
                maxfev=20000,
            )
            aic["logistic"] = _aic(float(((y - _logistic(t, k, r, t0)) ** 2).sum()), n, 3)
        except (RuntimeError, ValueError):
            t0 = math.nan
            aic["logistic"] = math.inf
        b, a = np.polyfit(t, y, 1)
        aic["linear"] = _aic(float(((y - (a + b * t)) ** 2).sum()), n, 2)
        for name, f, p0, bounds in (
            (
                "saturating",
                lambda t, k, r: k * (1 - np.exp(-r * t)),
                (top, 0.05),
                ([0, 1e-5], [10 * top + 1e-9, 5.0]),
            ),
            (
                "exponential",
                lambda t, a, b: a * (np.exp(b * t) - 1),
                (top / 10, 0.02),
                ([0, 1e-5], [10 * top + 1e-9, 1.0]),
            ),
        ):
            try:
                params, _ = optimize.curve_fit(f, t, y, p0=p0, bounds=bounds, maxfev=20000)
                aic[name] = _aic(float(((y - f(t, *params)) ** 2).sum()), n, 2)
            except (RuntimeError, ValueError):
                aic[name] = math.inf
    best_other = min(aic["linear"], aic["saturating"], aic["exponential"])
    return {"inflection": float(t0), "delta_aic": best_other - aic["logistic"], **aic}


def _f5_checks(runs: Runs, s: Settings) -> list[CheckResult]:
    g, d, c = _f5_designs(s)
    reform = reform_month()
    results = []

    # F5.1 new duplication stops.
    rate = {}
    for key, dd in (("g", g), ("d", d), ("c", c)):
        own_needs = runs.extra(dd)
        rate[key] = own_needs[:, 0] / np.maximum(own_needs[:, 1], 1)
    share = _removed(rate["g"], rate["d"], rate["c"])
    low, high = bootstrap(_removed, rate["g"], rate["d"], rate["c"])
    p = sign_test(rate["g"] - rate["d"], "less")
    dup = "cum_duplicate_projects"
    legacy_builds = runs.final(g, dup) - runs.at(g, dup, reform)
    disp_builds = runs.final(d, dup) - runs.at(d, dup, reform)
    results.append(
        CheckResult(
            "F5",
            "F5.1 new duplication stops",
            F5_STATEMENT,
            f"own common systems started for needs arising at or after the reform (month "
            f"{reform}) per such need, in gradual_reform (g), dispersed (d), centralized (c): "
            f"share of the excess removed (d - g) / (d - c) has bootstrap 95% CI lower bound >= "
            f"{F5_REMOVED}; one-sided sign test g < d, p < {ALPHA}",
            f"new own systems per new common need after month {reform}: gradual "
            f"{_fmt(rate['g'].mean())}, dispersed {_fmt(rate['d'].mean())}, centralized "
            f"{_fmt(rate['c'].mean())}; share of the excess removed {_fmt(share)}. Completed "
            f"duplicates still rise after the reform (+{_fmt(legacy_builds.mean())} vs "
            f"+{_fmt(disp_builds.mean())} under dispersed): projects approved before the "
            "switch finish later",
            share,
            low,
            high,
            p,
            bool(low >= F5_REMOVED and p < ALPHA),
        )
    )

    # F5.2 legacy redundant systems remain.
    out = "n_redundant_common_systems"
    diff = runs.final(g, out) - runs.final(c, out)
    results.append(
        paired_check(
            "F5",
            "F5.2 legacy remains",
            F5_STATEMENT,
            diff,
            "greater",
            "final n_redundant_common_systems, gradual_reform minus centralized",
            f"redundant systems: gradual {_fmt(runs.at(g, out, reform).mean())} at the reform, "
            f"{_fmt(runs.final(g, out).mean())} at the end; centralized "
            f"{_fmt(runs.final(c, out).mean())}; dispersed {_fmt(runs.final(d, out).mean())} "
            "(ratio gradual/centralized "
            f"{_fmt(runs.final(g, out).mean() / max(runs.final(c, out).mean(), 1e-9))})",
        )
    )

    # F5.3 sharing rises with a lag.
    out = "data_sharing_rate"
    later = reform + F5_SHARING_LAG
    rise = (runs.at(g, out, later) - runs.at(g, out, reform)) - (
        runs.at(d, out, later) - runs.at(d, out, reform)
    )
    gap_later = runs.at(g, out, later) - runs.at(c, out, later)
    m_rise, l_rise, h_rise = ci(rise)
    m_gap, l_gap, h_gap = ci(gap_later)
    p_rise, p_gap = sign_test(rise, "greater"), sign_test(gap_later, "less")
    mg, mc_ = runs.series(g, out).mean(axis=0), runs.series(c, out).mean(axis=0)
    start_gap = mc_[reform] - mg[reform]
    closed = np.flatnonzero((mc_ - mg)[reform:] <= start_gap / 2)
    half = f"{int(closed[0])} months" if len(closed) else f"more than {s.months - reform} months"
    results.append(
        CheckResult(
            "F5",
            "F5.3 sharing rises with a lag",
            F5_STATEMENT,
            f"data_sharing_rate: (a) rise from month {reform} to {later} in gradual_reform minus "
            f"the same rise in dispersed > 0; (b) lag: at month {later} gradual_reform is still "
            f"below centralized (< 0); each with 95% t-CI excluding 0 and one-sided sign test "
            f"p < {ALPHA}. Estimate: (a)",
            f"sharing rate gradual {_fmt(mg[reform])} at month {reform}, {_fmt(mg[later])} at "
            f"{later}, {_fmt(mg[-1])} at the end (centralized {_fmt(mc_[later])} at {later}); "
            f"rise beyond dispersed's {_ci_text(m_rise, l_rise, h_rise)}; gradual minus "
            f"centralized at {later}: {_ci_text(m_gap, l_gap, h_gap)}; half of the gap to "
            f"centralized closed after {half}",
            m_rise,
            l_rise,
            h_rise,
            max(p_rise, p_gap),
            bool(l_rise > 0 and h_gap < 0 and p_rise < ALPHA and p_gap < ALPHA),
        )
    )

    # F5.4 platform adoption follows an S-curve after the reform.
    out = "platform_adoption_rate"
    series = runs.series(g, out)[:, reform:]
    t = np.arange(series.shape[1], dtype=float)
    fit = scurve_fit(t, series.mean(axis=0))
    rng = np.random.default_rng(1)
    boots = []
    for _ in range(BOOTSTRAP_FITS if not s.fast else BOOTSTRAP_FITS // 3):
        idx = rng.integers(0, len(series), len(series))
        b = scurve_fit(t, series[idx].mean(axis=0))
        boots.append((b["inflection"], b["delta_aic"]))
    boots = np.array(boots)
    inf_low, inf_high = np.nanpercentile(boots[:, 0], [2.5, 97.5])
    aic_low = float(np.nanpercentile(boots[:, 1], 2.5))
    window = s.months - reform
    passed = (
        fit["delta_aic"] >= F5_AIC_MARGIN
        and aic_low >= F5_AIC_MARGIN
        and inf_low >= F5_INFLECTION_MARGIN
        and inf_high <= window - F5_INFLECTION_MARGIN
    )
    mean_curve = series.mean(axis=0)
    marks = ", ".join(
        f"+{m}: {_fmt(mean_curve[m])}" for m in range(0, window + 1, 12) if m < len(mean_curve)
    )
    results.append(
        CheckResult(
            "F5",
            "F5.4 adoption S-curve",
            F5_STATEMENT,
            f"mean platform_adoption_rate of gradual_reform from the reform month on: a "
            f"logistic K/(1+exp(-r(t-t0))) beats linear, saturating K(1-exp(-rt)) and "
            f"exponential a(exp(bt)-1) fits by AIC >= {F5_AIC_MARGIN:g} (also at the bootstrap "
            f"2.5% quantile), and its inflection t0 (acceleration, then deceleration) has a "
            f"bootstrap 95% CI inside [{F5_INFLECTION_MARGIN}, {window - F5_INFLECTION_MARGIN}] "
            "months after the reform. Estimate: t0",
            f"adoption at months after the reform {marks}; inflection {_fmt(fit['inflection'])} "
            f"months after the reform; AIC advantage of the logistic over the best alternative "
            f"{_fmt(fit['delta_aic'])} (bootstrap 2.5% quantile {_fmt(aic_low)})",
            fit["inflection"],
            float(inf_low),
            float(inf_high),
            math.nan,
            bool(passed),
        )
    )
    return results


# F6 -------------------------------------------------------------------------

F6_STATEMENT = (
    "With authority, review and coordination set to nothing, the centralized design "
    "behaves like the dispersed one (docking check)."
)

#: The levers of the three functions the docking check sets to nothing.
#:
#: * review: whether a proposal is checked at all (coverage), against what
#:   (registry), by how many staff (capacity) and in which order (priority);
#: * authority: the power to stop a duplicate, to enforce the standard, to
#:   audit and sanction and to count results in heads' evaluations ([001]
#:   makes supervision and evaluation the office's job);
#: * coordination: of data and joint-service cases (proactive mode, capacity,
#:   strength) and of common needs through shared platforms (the technical
#:   service center and the master plan: [001] puts the center under the
#:   promotion office to build what departments would otherwise build each on
#:   its own), and across levels (``central_local_link``, if the model has it).
DOCKING_GROUPS: dict[str, dict[str, Any]] = {
    "review": {
        "review_coverage": 0.0,
        "registry_completeness": 0.0,
        "review_capacity": 0.0,
        "priority_review": 0.0,
    },
    "authority": {
        "review_authority": 0.0,
        "standard_enforcement": 0.0,
        "audit_rate": 0.0,
        "sanction_strength": 0.0,
        "evaluation_link": 0.0,
    },
    "coordination": {
        "coordination_proactive": 0.0,
        "coordination_capacity": 0.0,
        "coordination_strength": 0.0,
        "technical_center_capacity": 0,
        "master_plan": 0.0,
        **({"central_local_link": 0.0} if "central_local_link" in SPECS else {}),
    },
}
NOTHING: dict[str, Any] = {k: v for group in DOCKING_GROUPS.values() for k, v in group.items()}
#: Outcomes compared by the docking check: the headline outcomes of
#: ``sim.experiments.replications`` plus the two delivery failures the seeds stress.
DOCKING_OUTCOMES: tuple[str, ...] = (
    *HEADLINE_OUTCOMES,
    "n_unfinished_projects",
    "cum_abandoned_projects",
)
#: Equivalence margin in pooled standard deviations of the compared arms.
DOCKING_MARGIN_SD = 0.5


def _f6_designs(s: Settings) -> list[Design]:
    return [
        design("dispersed", **_world(s, **NOTHING)),
        design("centralized", **_world(s, **NOTHING)),
    ]


def _f6_references(s: Settings) -> list[Design]:
    """The unstripped designs, for the size of the design effect."""
    return [design("dispersed", **_world(s)), design("centralized", **_world(s))]


def tost(diff: np.ndarray, margin: float, alpha: float = TOST_ALPHA) -> dict[str, float]:
    """Two one-sided paired t-tests of ``|mean diff| < margin``.

    Returns:
        ``mean``, ``low``/``high`` (the 1 - 2 alpha t interval), ``p`` (the
        larger one-sided p-value; equivalence when ``p < alpha``, i.e. the
        interval lies inside +-margin), ``power`` (chance of declaring
        equivalence at the observed spread when the true difference is 0) and
        ``margin80`` (the smallest margin with 80% power at this n and spread).
    """
    diff = np.asarray(diff, dtype=float)
    n = len(diff)
    mean = float(diff.mean())
    sd = float(diff.std(ddof=1)) if n > 1 else math.nan
    t_crit = float(stats.t.ppf(1 - alpha, n - 1))
    if not sd or not math.isfinite(sd):
        inside = abs(mean) <= margin
        return {"mean": mean, "low": mean, "high": mean, "p": 0.0 if inside else 1.0,
                "power": 1.0 if inside else 0.0, "margin80": 0.0}  # fmt: skip
    se = sd / math.sqrt(n)
    p_low = float(stats.t.sf((mean + margin) / se, n - 1))
    p_high = float(stats.t.cdf((mean - margin) / se, n - 1))
    power = max(0.0, 2 * float(stats.t.cdf(margin / se - t_crit, n - 1)) - 1)
    margin80 = (t_crit + float(stats.t.ppf(0.9, n - 1))) * se
    return {"mean": mean, "low": mean - t_crit * se, "high": mean + t_crit * se,
            "p": max(p_low, p_high), "power": power, "margin80": margin80}  # fmt: skip


def equivalence(
    runs: Runs, a: Design, b: Design, outcomes: Sequence[str] = DOCKING_OUTCOMES
) -> pd.DataFrame:
    """Per outcome: TOST of design ``a`` minus ``b`` with margin ``DOCKING_MARGIN_SD`` pooled SD."""
    rows = []
    for o in outcomes:
        x, y = runs.final(a, o), runs.final(b, o)
        pooled = math.sqrt((x.var(ddof=1) + y.var(ddof=1)) / 2)
        margin = DOCKING_MARGIN_SD * pooled
        t = tost(x - y, margin)
        rows.append({"outcome": o, "margin": margin, "sd": pooled, **t,
                     "equivalent": bool(t["p"] < TOST_ALPHA),
                     "t_p": statistics.paired_t_p(x - y)})  # fmt: skip
    return pd.DataFrame(rows)


def _f6_checks(runs: Runs, s: Settings) -> list[CheckResult]:
    dn, cn = _f6_designs(s)
    d, c = _f6_references(s)
    table = equivalence(runs, cn, dn)
    effect_size = {o: runs.final(c, o).mean() - runs.final(d, o).mean() for o in DOCKING_OUTCOMES}
    table["std_diff"] = table["mean"] / table["sd"].where(table["sd"] > 0)
    worst = (
        table.assign(
            ratio=(
                table[["low", "high"]].abs().max(axis=1)
                / table["margin"].where(table["margin"] > 0)
            ).fillna(0)  # fmt: skip
        )
        .sort_values("ratio")
        .iloc[-1]
    )
    parts = []
    for _, r in table.iterrows():
        share = r["mean"] / effect_size[r["outcome"]] if effect_size[r["outcome"]] else math.nan
        parts.append(
            f"{r['outcome']} {_fmt(r['mean'])} (90% CI {_fmt(r['low'])} to {_fmt(r['high'])}; "
            f"margin {_fmt(r['margin'])}; "
            f"{_fmt(100 * share, 1) if math.isfinite(share) else 'n/a'}% "
            f"of the design effect {_fmt(effect_size[r['outcome']])}; paired t p "
            f"{_fmt(r['t_p'])})"
        )
    sd_worst = worst["sd"] if worst["sd"] > 0 else math.nan
    lever_text = "; ".join(f"{g}: {', '.join(v)}" for g, v in DOCKING_GROUPS.items())
    criterion = (
        f"both designs with the levers of review, authority and coordination set to nothing "
        f"({lever_text}); for every outcome of {', '.join(DOCKING_OUTCOMES)}: two one-sided "
        f"paired t-tests (TOST, alpha {TOST_ALPHA} each, i.e. the 90% CI of the mean paired "
        f"difference inside +-margin) with margin {DOCKING_MARGIN_SD} pooled SD of the two "
        "arms. Estimate: the outcome closest to its margin, difference in SD units"
    )
    effect = (
        "stripped centralized minus stripped dispersed: "
        + "; ".join(parts)
        + f". TOST power at true difference 0: min {_fmt(table['power'].min())}; smallest "
        "margin with 80% power, in SD: "
        + ", ".join(
            f"{o} {_fmt(m / sd if sd > 0 else 0)}"
            for o, m, sd in zip(table["outcome"], table["margin80"], table["sd"], strict=True)
        )
    )
    return [
        CheckResult(
            "F6",
            "F6 docking",
            F6_STATEMENT,
            criterion,
            effect,
            float(worst["mean"] / sd_worst) if math.isfinite(sd_worst) else 0.0,
            float(worst["low"] / sd_worst) if math.isfinite(sd_worst) else 0.0,
            float(worst["high"] / sd_worst) if math.isfinite(sd_worst) else 0.0,
            float(table["p"].max()),
            bool(table["equivalent"].all()),
        )
    ]


#: Variants of the docking comparison reported (not a criterion): which part
#: of the centralized design must be zeroed for it to behave like dispersed.
#: Each is ``(name, centralized overrides, dispersed overrides)``.
def docking_variants() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """Return the docking variants: (name, centralized overrides, dispersed overrides)."""
    groups = DOCKING_GROUPS
    dispersed = load_scenario("dispersed").parameters
    as_dispersed = {k: getattr(dispersed, k) for k in NOTHING}
    out = [
        ("all three zeroed in both (the F6 check)", NOTHING, NOTHING),
        ("all three zeroed, vs dispersed as is", NOTHING, {}),
        ("all three set to the dispersed values, vs dispersed", as_dispersed, {}),
    ]
    names = list(groups)
    for i, a in enumerate(names):
        out.append((f"only {a} zeroed, vs dispersed", groups[a], {}))
        for b in names[i + 1 :]:
            out.append((f"{a} + {b} zeroed, vs dispersed", {**groups[a], **groups[b]}, {}))
    rest = {k: v for k, v in NOTHING.items() if k != "technical_center_capacity"}
    out.append(("all but the technical service center zeroed, vs dispersed", rest, {}))
    return out


def _variant_designs(s: Settings) -> list[Design]:
    out = []
    for _, cov, dov in docking_variants():
        out += [design("centralized", **_world(s, **cov)), design("dispersed", **_world(s, **dov))]
    return out


def docking_table(runs: Runs, s: Settings) -> pd.DataFrame:
    """Residual share of the design effect and equivalence, per docking variant and outcome."""
    c0, d0 = design("centralized", **_world(s)), design("dispersed", **_world(s))
    rows = []
    for name, cov, dov in docking_variants():
        c, d = design("centralized", **_world(s, **cov)), design("dispersed", **_world(s, **dov))
        eq = equivalence(runs, c, d)
        for _, r in eq.iterrows():
            effect = float(
                runs.final(c0, r["outcome"]).mean() - runs.final(d0, r["outcome"]).mean()
            )
            rows.append(
                {
                    "variant": name,
                    "outcome": r["outcome"],
                    "difference": r["mean"],
                    "ci90_low": r["low"],
                    "ci90_high": r["high"],
                    "margin": r["margin"],
                    "design_effect": effect,
                    "residual_share": r["mean"] / effect if effect else math.nan,
                    "paired_t_p": r["t_p"],
                    "equivalent": r["equivalent"],
                }
            )
    return pd.DataFrame(rows)


# F7 -------------------------------------------------------------------------

F7_STATEMENT = (
    "A gap remains between the sharing departments would benefit from and the sharing that happens."
)
#: The gap must be material: at least this share of arisen data needs unshared.
F7_MIN_GAP = 0.05
#: Fewest replications of F7: with 12, a centralized gap of 0.09 (SD 0.04) is
#: too close to the 0.05 threshold for p < 0.01, and the check would fail by
#: chance (seen under mutants that do not touch sharing).
F7_MIN_REPLICATIONS = 24


def _f7_designs(s: Settings) -> list[Design]:
    return [design(n, **_world(s)) for n in ("dispersed", "centralized")]


def _f7_checks(runs: Runs, s: Settings) -> list[CheckResult]:
    gaps = {
        n: runs.final(design(n, **_world(s)), "sharing_gap") for n in ("dispersed", "centralized")
    }
    stats_ = {n: ci(g) for n, g in gaps.items()}
    worst = min(stats_, key=lambda n: stats_[n][1])
    p = max(
        float(stats.ttest_1samp(g, F7_MIN_GAP, alternative="greater").pvalue) for g in gaps.values()
    )
    passed = all(v[1] > F7_MIN_GAP for v in stats_.values()) and p < ALPHA
    effect = "; ".join(f"{n}: sharing gap {_ci_text(*v)}" for n, v in stats_.items()) + (
        " (every data need in the model is one sharing would serve, so the gap is "
        "1 - data_sharing_rate: the share of arisen data needs not met by sharing)"
    )
    return [
        CheckResult(
            "F7",
            "F7 sharing gap",
            F7_STATEMENT,
            f"final sharing_gap in dispersed and in centralized: 95% t-CI lower bound > "
            f"{F7_MIN_GAP} in both, one-sided t-test against {F7_MIN_GAP} p < {ALPHA} in both. "
            "Estimate: the design with the smaller gap",
            effect,
            *stats_[worst],
            p,
            bool(passed),
        )
    ]


FACTS: tuple[Fact, ...] = (
    Fact("F1", F1_STATEMENT, "dispersed vs centralized at several n_departments",
         "n_redundant_common_systems", _f1_designs, _f1_checks),
    Fact("F2", F2_STATEMENT, "centralized; registry_completeness 0.2 vs 1.0",
         "n_redundant_common_systems", _f2_designs, _f2_checks),
    Fact("F3", F3_STATEMENT, "dispersed vs centralized, default vs review_capacity 0.5 and "
         "vs top_leader_attention 0.1", "mean_months_to_service, n_redundant_common_systems",
         _f3_designs, _f3_checks),
    Fact("F4", F4_STATEMENT, "leader_tenure_months 12 vs 42 under leading_group_temporary_office "
         "vs specialized_committee, and under centralized with body_permanence 0.1 vs 1.0",
         "n_unfinished_projects + cum_abandoned_projects", _f4_designs, _f4_checks),
    Fact("F5", F5_STATEMENT, "gradual_reform vs dispersed and centralized",
         "own systems for new needs, n_redundant_common_systems, data_sharing_rate, "
         "platform_adoption_rate", _f5_designs, _f5_checks),
    Fact("F6", F6_STATEMENT, "centralized vs dispersed, both with review, authority and "
         "coordination set to nothing", ", ".join(DOCKING_OUTCOMES), _f6_designs, _f6_checks,
         lambda s: s.docking_replications, _f6_references),
    Fact("F7", F7_STATEMENT, "dispersed and centralized", "sharing_gap", _f7_designs, _f7_checks,
         lambda s: max(s.replications, F7_MIN_REPLICATIONS)),
)  # fmt: skip
FACT_IDS: tuple[str, ...] = tuple(f.id for f in FACTS)


# ----------------------------------------------------------------- mutants


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
    """

    name: str
    description: str
    overrides: tuple[tuple[str, Any], ...] = ()
    patch: Callable[[], contextlib.AbstractContextManager] | None = None


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
    _m("sharing_frictions_off", "willingness_to_share_mean 1 and sharing_risk 0: no information "
       "monopoly, holders want to share", willingness_to_share_mean=1.0, sharing_risk=0.0),
    Mutant("registry_not_publicized", "monkeypatch of sim.model.choices.decide_common_needs: "
           "departments choose as if registry_completeness were 0 (the office still keeps and "
           "uses its registry)", patch=_registry_not_publicized),
    Mutant("review_blind_to_registry", "monkeypatch of sim.model.approval._review: review does not "
           "consult the registry of departmental systems (it still sees platforms)",
           patch=_review_blind_to_registry),
    Mutant("review_coverage_ignored", "monkeypatch of sim.model.routes.propose: every "
           "proposal is reviewed whatever review_coverage says (the coverage switch is broken)",
           patch=_every_proposal_reviewed),
)  # fmt: skip


# ------------------------------------------------------------------ running


@dataclass(frozen=True)
class ValidationResult:
    """Everything a validation run produced.

    Attributes:
        table: One row per check (``COLUMNS``).
        docking: Docking variants (``docking_table``) or None.
        settings: Size of the run.
        seeds: Replication seeds.
        designs: Designs run.
        elapsed: Wall-clock seconds.
    """

    table: pd.DataFrame
    docking: pd.DataFrame | None
    settings: Settings
    seeds: list[int]
    designs: list[Design]
    elapsed: float


def _settings(replications: int | None, fast: bool) -> Settings:
    base = FAST if fast else FULL
    if replications is None:
        return base
    if replications < 2:
        raise ValueError(f"replications must be at least 2, got {replications}")
    return dataclasses.replace(base, replications=int(replications))


def _select(facts: Sequence[str] | None) -> list[Fact]:
    if facts is None:
        return list(FACTS)
    unknown = set(facts) - set(FACT_IDS)
    if unknown:
        raise ValueError(f"unknown facts {sorted(unknown)}; known: {', '.join(FACT_IDS)}")
    return [f for f in FACTS if f.id in facts]


def validate(
    replications: int | None = None,
    workers: int | None = None,
    progress: bool = True,
    fast: bool = False,
    *,
    facts: Sequence[str] | None = None,
    mutant: Mutant | None = None,
    variants: bool = True,
    root_seed: int = VALIDATION_SEED,
) -> ValidationResult:
    """Run the facts' designs once and evaluate every check.

    Args:
        replications: Paired replications (default 30, or 12 when ``fast``).
        workers: Processes (``None`` = all cores; 1 = in this process).
        progress: Progress bar on stderr.
        fast: Fast mode (see the module docstring).
        facts: Fact ids to run (default all).
        mutant: Run the mutant model instead of the model.
        variants: Also run the docking variants (when F6 is among the facts).
        root_seed: Root seed of the replication seeds.

    Returns:
        The table and the docking variants.
    """
    s = _settings(replications, fast)
    chosen = _select(facts)
    reps: dict[Design, int] = {}
    for f in chosen:
        for d in f.designs(s):
            reps[d] = max(reps.get(d, 0), f.replications(s))
        for d in f.references(s):
            reps[d] = max(reps.get(d, 0), s.replications)
    with_variants = variants and any(f.id == "F6" for f in chosen)
    if with_variants:
        for d in _variant_designs(s):
            reps[d] = max(reps.get(d, 0), s.docking_replications)
    start = time.perf_counter()
    overrides = dict(mutant.overrides) if mutant else {}
    patch = mutant.patch() if mutant and mutant.patch else contextlib.nullcontext()
    with patch:
        runs = simulate_designs(
            list(reps),
            reps,
            root_seed=root_seed,
            workers=workers,
            progress=progress,
            extra=overrides,
        )
    rows = [
        dataclasses.asdict(r) for f in chosen for r in f.checks(runs.view(f.replications(s)), s)
    ]
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    docking = docking_table(runs.view(s.docking_replications), s) if with_variants else None
    return ValidationResult(
        table, docking, s, runs.seeds, runs.designs, time.perf_counter() - start
    )


def run_validation(
    replications: int | None = None,
    workers: int | None = None,
    progress: bool = True,
    fast: bool = False,
    *,
    facts: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Run the stylized-fact checks and return the validation table.

    Args:
        replications: Paired replications (default 30, or 12 when ``fast``).
        workers: Processes (``None`` = all cores; 1 = in this process).
        progress: Progress bar on stderr.
        fast: Fewer seeds and departments (for the test suite).
        facts: Fact ids to run (default all).

    Returns:
        One row per check with ``fact``, ``check``, ``statement``,
        ``criterion``, ``effect``, ``estimate``, ``ci_low``, ``ci_high``,
        ``p_value`` and ``passed``.
    """
    return validate(replications, workers, progress, fast, facts=facts, variants=False).table


def fact_status(table: pd.DataFrame) -> dict[str, bool]:
    """Per fact, whether every one of its checks passed."""
    return {f: bool(g["passed"].all()) for f, g in table.groupby("fact", sort=False)}


def run_mutants(
    replications: int | None = None,
    workers: int | None = None,
    progress: bool = True,
    fast: bool = False,
    *,
    mutants: Sequence[Mutant] = MUTANTS,
    facts: Sequence[str] | None = None,
    baseline: pd.DataFrame | None = None,
    root_seed: int = VALIDATION_SEED,
) -> pd.DataFrame:
    """Run every fact under every mutant.

    Args:
        replications: Paired replications (default 30, or 12 when ``fast``).
        workers: Processes (``None`` = all cores; 1 = in this process).
        progress: Progress bar on stderr.
        fast: Fast mode.
        mutants: Mutants to run.
        facts: Fact ids to run (default all).
        baseline: Validation table of the unmutated model with the same
            settings, if already computed (it is not run again).
        root_seed: Root seed of the replication seeds.

    Returns:
        One row per mutant (the unmutated model first, as ``none``) with
        ``mutant``, ``description``, one boolean column per fact (True =
        the fact still passes), ``caught`` (facts that fail) and
        ``failed_checks``.
    """
    rows = []
    for mutant in [None, *mutants]:
        if mutant is None and baseline is not None:
            table = baseline
        else:
            table = validate(
                replications,
                workers,
                progress,
                fast,
                facts=facts,
                mutant=mutant,
                variants=False,
                root_seed=root_seed,
            ).table
        status = fact_status(table)
        failed = table.loc[~table["passed"].astype(bool), "check"].tolist()
        rows.append(
            {
                "mutant": mutant.name if mutant else "none",
                "description": mutant.description if mutant else "the model as it is",
                **status,
                "caught": ", ".join(f for f, ok in status.items() if not ok),
                "failed_checks": "; ".join(failed),
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------- formatting


def _wrap(text: str, indent: str, width: int = 100) -> list[str]:
    import textwrap

    return textwrap.wrap(
        text, width=width, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False
    )


def format_validation(result: ValidationResult) -> str:
    """Return the validation table as printed by ``run.py validate-model``."""
    s, table = result.settings, result.table
    lines = [
        f"Stylized facts (MODEL.md section 7): {s.replications} paired replications, "
        f"{s.n_departments} departments (F1: {', '.join(map(str, s.sizes))}), {s.months} months"
        f"{' (fast mode)' if s.fast else ''}.",
        "",
    ]
    status = fact_status(table)
    for fact in FACTS:
        part = table[table["fact"] == fact.id]
        if part.empty:
            continue
        verdict = "PASS" if status[fact.id] else "FAIL"
        lines.append(f"{fact.id}  {verdict}  {fact.statement}")
        for _, r in part.iterrows():
            est = _ci_text(r["estimate"], r["ci_low"], r["ci_high"])
            lines.append(
                f"  {r['check']:<32}{'pass' if r['passed'] else 'FAIL':<6}{est}  "
                f"{_p(r['p_value'])}".rstrip()
            )
            lines += _wrap("criterion: " + r["criterion"], "      ")
            lines += _wrap("effect: " + r["effect"], "      ")
        lines.append("")
    n_pass = sum(status.values())
    lines.append(f"{n_pass} of {len(status)} facts pass; {int(table['passed'].sum())} of "
                 f"{len(table)} checks pass ({result.elapsed:.0f} s).")  # fmt: skip
    return "\n".join(lines)


def format_docking(docking: pd.DataFrame) -> str:
    """Return the docking variants as a table of residual shares of the design effect."""
    pivot = docking.pivot_table(
        index="variant", columns="outcome", values="residual_share", sort=False
    )
    short = {
        "n_redundant_common_systems": "redund",
        "duplication_rate": "dup_rate",
        "data_sharing_rate": "sharing",
        "platform_adoption_rate": "platform",
        "capability_coverage": "coverage",
        "mean_months_to_service": "months",
        "cum_spending": "spending",
        "n_unfinished_projects": "unfinish",
        "cum_abandoned_projects": "abandon",
    }
    failing = (
        docking[~docking["equivalent"].astype(bool)]
        .groupby("variant", sort=False)["outcome"]
        .agg(lambda o: ", ".join(short.get(x, x) for x in o))
    )
    cols = [c for c in DOCKING_OUTCOMES if c in pivot.columns]
    width = max(len(v) for v in pivot.index) + 2
    head = f"{'variant':<{width}}" + "".join(f"{short.get(c, c)[:9]:>10}" for c in cols)
    lines = [
        "Docking variants: residual share of the centralized design effect "
        "(variant - dispersed arm) / (centralized - dispersed); 0 = none of the effect "
        "left, 1 = all of it. Last column: outcomes on which the TOST equivalence test "
        "(margin 0.5 SD) fails.",
        head + "  not equivalent on",
    ]
    for variant, row in pivot.iterrows():
        cells = "".join(f"{row[c]:>10.2f}" if math.isfinite(row[c]) else f"{'-':>10}" for c in cols)
        lines.append(f"{variant:<{width}}{cells}  {failing.get(variant, '-')}")
    return "\n".join(lines)


def format_mutants(table: pd.DataFrame) -> str:
    """Return the mutant x fact table (pass = the fact still holds, FAIL = caught)."""
    facts = [f for f in FACT_IDS if f in table.columns]
    width = max(len(m) for m in table["mutant"]) + 2
    lines = [
        "Mutation check: each row is the model with one mechanism switched off; FAIL means the "
        "suite catches the mutant (the fact no longer holds).",
        f"{'mutant':<{width}}" + "".join(f"{f:<6}" for f in facts) + "failed checks",
    ]
    for _, r in table.iterrows():
        cells = "".join(f"{'pass' if r[f] else 'FAIL':<6}" for f in facts)
        lines.append(f"{r['mutant']:<{width}}{cells}{r['failed_checks']}".rstrip())
    mutants = table[table["mutant"] != "none"]
    caught = {f: int((~mutants[f].astype(bool)).sum()) for f in facts}
    lines.append(f"{'mutants caught':<{width}}" + "".join(f"{caught[f]:<6}" for f in facts))
    return "\n".join(lines)
