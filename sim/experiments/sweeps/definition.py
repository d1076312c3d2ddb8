"""What a sweep is: its swept parameters, its design and its seeds (``Sweep``).

``sim.experiments.sweeps.files.load_sweep`` reads and checks a sweep file into
a ``Sweep``; ``sim.experiments.sweeps.designs`` turns it into design points.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

# The strict YAML reading and the wording of errors are shared with scenario files.
from sim.experiments.inputs.reading import (
    file_location,
)
from sim.experiments.inputs.scenarios import Scenario, ScenarioError
from sim.model.parameters import SPECS, ParameterSpec

#: Largest number of runs (design points times replications) a sweep may ask for.
MAX_RUNS = 10_000_000


#: Columns identifying a run and a row in the stored results.
RUN_ID_COLUMNS: tuple[str, ...] = ("point", "replication", "seed")


class SweepError(ScenarioError):
    """A sweep file, or the folder a sweep is written to, is invalid.

    The message is one paragraph naming the file (or folder), the key and what
    is allowed. The command line reports it and exits with status 2.
    """


def sweep_location(path: Path, line: int | None = None) -> str:
    """``Sweep file F, line N`` for messages."""
    return file_location("Sweep", path, line)


def sweep_error(path: Path, line: int | None, message: str) -> SweepError:
    """A ``SweepError`` whose message starts with the file and line."""
    return SweepError(f"{sweep_location(path, line)}: {message}")


@dataclass(frozen=True)
class SweptParameter:
    """One parameter varied by a sweep.

    Attributes:
        name: Parameter name (a key of ``sim.model.parameters.SPECS``).
        section: ``levers`` or ``uncertainties``.
        values: Grid values, in the order written (``None`` for samplers).
        low: Lower bound for samplers (``None`` for grids).
        high: Upper bound for samplers (``None`` for grids).
    """

    name: str
    section: str
    values: tuple[Any, ...] | None = None
    low: float | int | None = None
    high: float | int | None = None

    @property
    def spec(self) -> ParameterSpec:
        """The parameter's declaration."""
        return SPECS[self.name]

    @property
    def is_int(self) -> bool:
        """Whether the parameter counts whole things (samples are rounded)."""
        return self.spec.type is int

    def definition(self) -> dict[str, Any]:
        """JSON-ready form, as in the sweep file."""
        if self.values is not None:
            return {"values": list(self.values)}
        return {"low": self.low, "high": self.high}

    def sample_bounds(self) -> list[float]:
        """Bounds given to SALib: widened by 0.5 for integers (rounded afterwards)."""
        if self.is_int:
            return [float(self.low) - 0.5, float(self.high) + 0.5]
        return [float(self.low), float(self.high)]


@dataclass(frozen=True)
class DesignSpec:
    """How design points are drawn.

    Attributes:
        method: ``grid``, ``lhs``, ``sobol`` or ``morris``.
        samples: LHS: points; Sobol: base samples N (points = N(D+2), or
            N(2D+2) with second order); Morris: trajectories N (points = N(D+1)).
        second_order: Sobol only: also estimate second-order indices.
        levels: Morris only: number of grid levels (even).
        seed: Seed of the sampler (default: the sweep's ``root_seed``).
    """

    method: str
    samples: int | None = None
    second_order: bool = False
    levels: int = 4
    seed: int | None = None

    def count_points(self, swept: Sequence[SweptParameter]) -> int:
        """Number of points this method draws for ``swept`` (without an added reference)."""
        n_params = len(swept)
        if self.method == "grid":
            return math.prod(len(p.values or ()) for p in swept)
        if self.method == "lhs":
            return int(self.samples)
        if self.method == "sobol":
            return int(self.samples) * (2 * n_params + 2 if self.second_order else n_params + 2)
        return int(self.samples) * (n_params + 1)  # morris

    def definition(self) -> dict[str, Any]:
        """JSON-ready form with every option that changes the points."""
        out: dict[str, Any] = {"method": self.method}
        if self.method != "grid":
            out["samples"] = self.samples
            out["seed"] = self.seed
        if self.method == "sobol":
            out["second_order"] = self.second_order
        if self.method == "morris":
            out["levels"] = self.levels
        return out


@dataclass(frozen=True)
class Sweep:
    """A validated sweep file.

    Attributes:
        path: The sweep file.
        text: Its text, as read (copied into the results folder).
        description: What the sweep explores.
        scenario: Base scenario with the fixed ``parameters`` and ``months``
            applied.
        fixed: The fixed values set by ``parameters`` and ``months``.
        swept: Swept parameters, levers first, in the order written.
        design: How points are drawn.
        replications: Runs per design point.
        root_seed: Root of the per-replication seeds.
        outcomes: Outcomes summarized.
        reference: ``None`` (the first point), a point id, or parameter values.
        batch: Runs simulated side by side in one batched model (the same
            replication at consecutive design points of equal ``months``, each
            replica with its point's values and layout; 1 = one model per run), or None
            for the default chosen from the layout (``batch_size``).
    """

    path: Path
    text: str
    description: str
    scenario: Scenario
    fixed: dict[str, Any]
    swept: tuple[SweptParameter, ...]
    design: DesignSpec
    replications: int
    root_seed: int
    outcomes: tuple[str, ...]
    reference: int | dict[str, Any] | None = None
    batch: int | None = None
    _lines: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    @property
    def name(self) -> str:
        """The file's stem."""
        return self.path.stem

    @property
    def parameter_names(self) -> tuple[str, ...]:
        """Names of the swept parameters, levers first."""
        return tuple(p.name for p in self.swept)

    @property
    def levers(self) -> tuple[str, ...]:
        """Names of the swept levers."""
        return tuple(p.name for p in self.swept if p.section == "levers")

    @property
    def uncertainties(self) -> tuple[str, ...]:
        """Names of the swept uncertainties (and structure parameters)."""
        return tuple(p.name for p in self.swept if p.section == "uncertainties")

    @cached_property
    def batch_size(self) -> int:
        """Runs per batched model: ``batch``, or by default chosen from the layout.

        The default (``sim.experiments.replications.auto_batch``) looks at the
        largest layout the design can reach (the largest swept values of the
        structure parameters), never at the machine, so the runs and results
        of a sweep file are the same everywhere.
        """
        if self.batch is not None:
            return self.batch
        from sim.experiments.replications import (
            DEPARTMENTS_PER_MODEL,
            MAX_AUTO_BATCH,
            departments_per_run,
        )

        p = self.scenario.parameters
        largest = {
            name: max([getattr(p, name), *self._largest(name)])
            for name in (
                "n_jurisdictions",
                "n_departments",
                "department_spread",
                "n_provinces",
                "n_prefectures",
                "n_counties",
                "n_townships",
                "township_offices",
                "n_ministries",
            )
        }
        departments = departments_per_run(largest)
        return max(1, min(MAX_AUTO_BATCH, DEPARTMENTS_PER_MODEL // max(departments, 1)))

    def _largest(self, name: str) -> list[Any]:
        """The largest value a swept parameter takes (empty if not swept)."""
        for p in self.swept:
            if p.name == name:
                return [max(p.values)] if p.values is not None else [p.high]
        return []

    @cached_property
    def seeds(self) -> list[int]:
        """Seed of each replication (the same at every design point)."""
        from sim.experiments.seeds import spawn_seeds

        return spawn_seeds(self.root_seed, self.replications)

    def definition(self) -> dict[str, Any]:
        """Everything that decides which runs are made and what they produce.

        The hash of this (``definition_hash``) identifies a sweep folder. The
        description, outcomes and reference only change the summaries, so they
        are left out: editing them does not invalidate finished runs.
        """
        return {
            "scenario": {
                "name": self.scenario.name,
                "parameters": self.scenario.parameters.model_dump(),
                "policy_changes": [[m, dict(c)] for m, c in self.scenario.policy_changes],
            },
            "levers": {p.name: p.definition() for p in self.swept if p.section == "levers"},
            "uncertainties": {
                p.name: p.definition() for p in self.swept if p.section == "uncertainties"
            },
            "design": self.design.definition(),
            "replications": self.replications,
            "root_seed": self.root_seed,
            # Only when batched, so that folders of unbatched sweeps keep their hash;
            # "points": a model holds one replication of consecutive points (issue 12).
            **(
                {"batch": self.batch_size, "batch_plan": self.batch_plan}
                if self.batch_size != 1
                else {}
            ),
        }

    @property
    def batch_plan(self) -> str:
        """How batched points are grouped into models (part of the definition).

        ``points``: consecutive points of equal layout. A sweep over a
        parameter that sets the layout (``n_departments``, ``approval_bodies``,
        ...) groups its points across layouts since issue 27 (``points, any
        layout``): a folder of such a sweep made before holds other blocks, so
        it is a different sweep, not one to resume. A sweep over the horizon
        (``months``) groups its points across horizons too (``points, any
        layout and horizon``; before, only points of equal months shared a model).
        """
        from sim.model.replica_parameters import LAYOUT_PARAMETERS

        names = set(self.parameter_names)
        if "months" in names:
            return "points, any layout and horizon"
        return "points, any layout" if LAYOUT_PARAMETERS & names else "points"

    @cached_property
    def definition_hash(self) -> str:
        """SHA-256 of the canonical JSON of ``definition()``."""
        text = json.dumps(self.definition(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    @property
    def file_hash(self) -> str:
        """SHA-256 of the sweep file's text."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()
