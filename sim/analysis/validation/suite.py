"""The validation suite: the registry of facts, running them, and the mutation check.

``FACTS`` lists the ten stylized facts of MODEL.md section 7 (each defined
in its own module); ``validate`` runs the designs of the chosen facts once
(paired seeds, one pool of processes) and evaluates every check, with the
docking variants; ``run_validation`` returns only the table; ``run_mutants``
runs every fact under every mutant of ``MUTANTS``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sim.analysis.validation.core import (
    COLUMNS,
    FAST,
    FULL,
    VALIDATION_SEED,
    Design,
    Fact,
    Settings,
    build_scenario,
    simulate_designs,
)
from sim.analysis.validation.docking import F6, docking_table, variant_designs
from sim.analysis.validation.facts_adoption import F5
from sim.analysis.validation.facts_authority import F3
from sim.analysis.validation.facts_continuity import F4, F8
from sim.analysis.validation.facts_coordination import F9
from sim.analysis.validation.facts_diffusion import F10
from sim.analysis.validation.facts_sharing import F7
from sim.analysis.validation.facts_structure import F1, F2
from sim.analysis.validation.mutants import MUTANTS, Mutant
from sim.experiments.replications import auto_batch

#: The stylized facts of MODEL.md section 7, in order.
FACTS: tuple[Fact, ...] = (F1, F2, F3, F4, F5, F6, F7, F8, F9, F10)
#: Their ids, ``F1`` ... ``F10``.
FACT_IDS: tuple[str, ...] = tuple(f.id for f in FACTS)


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
        batch: Replications per model (``simulate_designs``).
    """

    table: pd.DataFrame
    docking: pd.DataFrame | None
    settings: Settings
    seeds: list[int]
    designs: list[Design]
    elapsed: float
    batch: int = 1


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


def _replications_per_design(
    chosen: Sequence[Fact], s: Settings, with_variants: bool
) -> dict[Design, int]:
    """Every design the chosen facts need, with the most replications any of them asks."""
    reps: dict[Design, int] = {}
    for f in chosen:
        for d in f.designs(s):
            reps[d] = max(reps.get(d, 0), f.replications(s))
        for d in f.references(s):
            reps[d] = max(reps.get(d, 0), s.replications)
    if with_variants:
        for d in variant_designs(s):
            reps[d] = max(reps.get(d, 0), s.docking_replications)
    return reps


def suite_batch(s: Settings, overrides: dict[str, Any] | None = None) -> int:
    """Replications per model of a validation run of size ``s`` (the default batch).

    Chosen by ``sim.experiments.replications.auto_batch`` from every design of
    every fact and docking variant at these settings, not only the facts
    run, so that a fact gives the same result whether it runs alone
    (``--facts``) or with the others.
    """
    reps = _replications_per_design(FACTS, s, with_variants=True)
    scenarios = [build_scenario(d, overrides) for d in reps]
    return auto_batch(scenarios, max(reps.values()))


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
    settings: Settings | None = None,
    batch: int | None = None,
) -> ValidationResult:
    """Run the facts' designs once and evaluate every check.

    Args:
        replications: Paired replications (default 100, or 12 when ``fast``).
        workers: Processes (``None`` = all cores; 1 = in this process).
        progress: Progress bar on stderr.
        fast: Fast mode (see ``sim.analysis.validation``).
        facts: Fact ids to run (default all).
        mutant: Run the mutant model instead of the model.
        variants: Also run the docking variants (when F6 is among the facts).
        root_seed: Root seed of the replication seeds.
        settings: Size of the run, replacing ``replications`` and ``fast``
            (e.g. fast-mode replications in the full mode's world).
        batch: Replications per model (``None``: from the layout, as
            ``compare``; 1: one model per run); see ``simulate_designs``.

    Returns:
        The table and the docking variants.
    """
    s = settings if settings is not None else _settings(replications, fast)
    chosen = _select(facts)
    with_variants = variants and any(f.id == "F6" for f in chosen)
    reps = _replications_per_design(chosen, s, with_variants)
    start = time.perf_counter()
    overrides = dict(mutant.overrides) if mutant else {}
    if batch is None:
        batch = suite_batch(s, overrides)
    patch = mutant.patch() if mutant and mutant.patch else contextlib.nullcontext()
    with patch:
        runs = simulate_designs(
            list(reps),
            reps,
            root_seed=root_seed,
            workers=workers,
            progress=progress,
            extra=overrides,
            batch=batch,
        )
    rows = [
        dataclasses.asdict(r) for f in chosen for r in f.checks(runs.view(f.replications(s)), s)
    ]
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    docking = docking_table(runs.view(s.docking_replications), s) if with_variants else None
    return ValidationResult(
        table, docking, s, runs.seeds, runs.designs, time.perf_counter() - start, runs.batch
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
        replications: Paired replications (default 100, or 12 when ``fast``).
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
    batch: int | None = None,
) -> pd.DataFrame:
    """Run every fact under every mutant.

    Args:
        replications: Paired replications (default 100, or 12 when ``fast``).
        workers: Processes (``None`` = all cores; 1 = in this process).
        progress: Progress bar on stderr.
        fast: Fast mode.
        mutants: Mutants to run.
        facts: Fact ids to run (default all).
        baseline: Validation table of the unmutated model with the same
            settings, if already computed (it is not run again).
        root_seed: Root seed of the replication seeds.
        batch: Replications per model (see ``validate``).

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
                batch=batch,
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
