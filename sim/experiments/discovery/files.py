"""Discovery files: where does one design do worse than another?

A discovery file (YAML, in ``sweeps/discovery/``) names two or more designs
(scenario files), the uncertainties (and optionally levers) to sample over
their plausible ranges with a Latin hypercube, and the outcomes on which a
design is judged worse than the first one::

    description: Where the centralized design does worse than the dispersed one.
    designs: [dispersed, centralized]     # the first is the reference
    months: 120                           # optional
    uncertainties: all                    # the default: every declared uncertainty and
                                          # structure parameter over its plausible range
    fixed:                                # optional: not explored, each with its reason
      n_jurisdictions: {value: 1, reason: copies only narrow intervals}
    samples: 200                          # Latin hypercube points
    levers: {}                            # optional: levers set alike in every design
    replications: 5                       # paired: replication r has one seed everywhere
    root_seed: 20261205
    outcomes: [cost_per_service_month, capability_coverage, mean_months_to_service]
    min_density: 0.8                      # optional: PRIM box choice (default 0.8)
    boxes: 3                              # optional: PRIM boxes per outcome (default 3)
    batch: 100                            # optional: runs per batched model

``uncertainties`` may instead list some parameters (``name: plausible`` or
``{low, high}``): then only those are sampled, and the report lists the
others as held at the designs' values. ``parameters: {name: value}`` still
fixes values without a reason; the report says that no reason was given.
Every report lists what was not explored and why (``Discovery.held``).

Every design runs the same points with the same seeds: the file becomes one
sweep file per design (``sim.experiments.sweeps.files``), written into the
results folder and run by the sweep engine, so a discovery streams, resumes
and runs on every executor as a sweep does. Loading is as strict as for sweep
files; errors name the discovery file, the line and the key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sim.experiments.data_files import data_dir
from sim.experiments.inputs.experiment_files import open_experiment_file, relabel
from sim.experiments.inputs.reading import (
    LineMapping,
    describe_value,
    did_you_mean,
    display_path,
    file_location,
    key_lines,
)
from sim.experiments.space import Fixed, read_fixed_section, space_parameters
from sim.experiments.sweeps.definition import Sweep, SweepError
from sim.experiments.sweeps.files import sweep_from_data
from sim.experiments.sweeps.ranges import whole_number

#: Folder holding the example discovery files.
DISCOVERY_DIR = data_dir("sweeps") / "discovery"

#: ``run.py discover --quick``: at most this many Latin hypercube points...
QUICK_SAMPLES = 80

#: ...and this many paired replications, over the same uncertainties and ranges.
#: Two is the fewest that gives a paired difference an interval; 80 points are
#: four per sampled parameter of the shipped file, enough for PRIM to find a
#: strong region, too few to bound a weak one (a first look, not the answer).
QUICK_REPLICATIONS = 2

#: Outcomes a design can be judged on, with the direction that is worse.
WORSE: dict[str, str] = {
    "cost_per_service_month": "higher",
    "capability_coverage": "lower",
    "mean_months_to_service": "higher",
    "duplication_rate": "higher",
    "n_redundant_common_systems": "higher",
    "data_sharing_rate": "lower",
    "sharing_gap": "higher",
    "cum_spending": "higher",
    "cum_governance_cost": "higher",
}

#: Outcomes judged when the file names none: the bottom line first.
DEFAULT_OUTCOMES: tuple[str, ...] = (
    "cost_per_service_month",
    "capability_coverage",
    "mean_months_to_service",
)

#: Keys of a discovery file; the sweep keys among them mean what they mean in a sweep.
TOP_LEVEL_KEYS: tuple[str, ...] = (
    "description",
    "designs",
    "parameters",
    "fixed",
    "months",
    "uncertainties",
    "levers",
    "samples",
    "replications",
    "root_seed",
    "outcomes",
    "min_density",
    "boxes",
    "batch",
)

REQUIRED_KEYS: tuple[str, ...] = (
    "designs",
    "samples",
    "replications",
    "root_seed",
)

#: ``uncertainties: all`` (or no ``uncertainties``): the whole declared space.
ALL = "all"

#: Keys passed on to each design's sweep file unchanged.
SWEEP_KEYS: tuple[str, ...] = (
    "description",
    "parameters",
    "months",
    "uncertainties",
    "levers",
    "replications",
    "root_seed",
    "batch",
)


class DiscoveryError(SweepError):
    """A discovery file is invalid (one paragraph naming file, line and key; exit status 2)."""


@dataclass(frozen=True)
class Discovery:
    """A validated discovery file.

    Attributes:
        path: The file.
        text: Its text.
        description: One line.
        designs: Scenario names or paths; the first is the reference.
        sweeps: Per design, the sweep it runs (same points and seeds in each).
        outcomes: Outcomes judged; the first leads the report.
        samples: Latin hypercube points.
        replications: Paired replications per point and design.
        root_seed: Seed of the hypercube and root of the replication seeds.
        min_density: PRIM: the chosen box is the one of highest coverage whose
            density is at least this (else the densest).
        boxes: PRIM boxes sought per outcome.
        quick: Whether this is the small version of the file (``--quick``).
        fixed: The ``fixed:`` section: parameters not explored, with reasons.
        held: Every uncertainty and structure parameter that is not sampled:
            ``(name, value or None, reason)``; None means each design's own
            value (its scenario's, or the declared default).
        whole_space: Whether the file samples the whole declared space
            (``uncertainties: all`` or none given) less what it fixes.
    """

    path: Path
    text: str
    description: str
    designs: tuple[str, ...]
    sweeps: dict[str, Sweep] = field(repr=False)
    outcomes: tuple[str, ...]
    samples: int
    replications: int
    root_seed: int
    min_density: float = 0.8
    boxes: int = 3
    quick: bool = False
    fixed: dict[str, Fixed] = field(default_factory=dict)
    held: tuple[tuple[str, Any, str], ...] = ()
    whole_space: bool = False

    @property
    def definition_hash(self) -> str:
        """Identity of the runs: the hash of each design's sweep definition.

        The PRIM settings, the outcomes judged and the description only change
        the analysis, so they are left out.
        """
        import hashlib

        joined = "|".join(f"{d}:{self.sweeps[d].definition_hash}" for d in self.designs)
        return hashlib.sha256(joined.encode("utf-8")).hexdigest()

    @property
    def parameter_names(self) -> tuple[str, ...]:
        """The sampled parameters, in file order."""
        return next(iter(self.sweeps.values())).parameter_names

    def sweep_text(self, design: str) -> str:
        """The sweep file of one design, as written into the results folder."""
        return _sweep_yaml(self, design)


def _error(path: Path, line: int | None, message: str) -> DiscoveryError:
    return DiscoveryError(f"{file_location('Discovery', path, line)}: {message}")


def _relabel(exc: SweepError) -> SweepError:
    """A sweep reader's message about this file, saying 'Discovery file'."""
    message = str(relabel(exc, "Discovery", DiscoveryError))
    # The designs become the sweeps' 'scenario' and the Latin hypercube their 'design'.
    message = re.sub(
        r"'scenario: ([^']*)' cannot be used", r"the design '\1' cannot be used", message
    )
    message = message.replace(
        "a lhs design needs low/high", "a discovery needs low/high (or 'plausible')"
    )
    return DiscoveryError(message)


def _sweep_data(
    data: Mapping, design: str, samples: int, root_seed: int, fixed: Mapping[str, Fixed]
) -> LineMapping:
    """The mapping of one design's sweep, with the discovery file's line numbers.

    The whole space (``uncertainties: all`` or none given) becomes every
    declared uncertainty and structure parameter at ``plausible`` less those
    fixed (under ``fixed``, ``parameters`` or a top-level ``months``); the
    ``fixed`` values join the sweep's ``parameters``.
    """
    lines = key_lines(data)
    out = LineMapping({k: data[k] for k in SWEEP_KEYS if k in data})
    raw = data.get("uncertainties", ALL)
    if raw is None or raw == ALL:
        held = {*fixed, *(data.get("parameters") or {}), *(["months"] if "months" in data else [])}
        sampled = LineMapping({n: "plausible" for n in space_parameters(held)})
        sampled.lines = {n: lines.get("uncertainties") for n in sampled}
        out["uncertainties"] = sampled
    if fixed:
        parameters = LineMapping({**(data.get("parameters") or {})})
        parameters.lines = dict(key_lines(data.get("parameters") or {}))
        for name, entry in fixed.items():
            parameters[name] = entry.value
            parameters.lines[name] = key_lines(data.get("fixed") or {}).get(name)
        out["parameters"] = parameters
    out["scenario"] = design
    out["design"] = {"method": "lhs", "samples": samples, "seed": root_seed}
    out["outcomes"] = list(WORSE)
    out.lines = {
        **lines,
        "scenario": lines.get("designs"),
        "design": lines.get("samples"),
        "parameters": lines.get("parameters") or lines.get("fixed"),
    }
    return out


def _check_space(data: Mapping, path: Path, fixed: Mapping[str, Fixed]) -> bool:
    """Check ``uncertainties`` against ``fixed``; return whether the whole space is sampled."""
    lines = key_lines(data)
    raw = data.get("uncertainties", ALL)
    if isinstance(raw, str) and raw != ALL:
        raise _error(
            path,
            lines.get("uncertainties"),
            f"'uncertainties' is {describe_value(raw)}; give 'all' (every declared uncertainty "
            "and structure parameter over its plausible range, the default) or a mapping of "
            "parameters to 'plausible' or {low, high}.",
        )
    for name in fixed:
        where = None
        if name in (data.get("parameters") or {}):
            where = "'parameters'"
        elif name == "months" and "months" in data:
            where = "the top-level 'months'"
        elif isinstance(raw, Mapping) and name in raw:
            where = "'uncertainties'"
        elif isinstance(data.get("levers"), Mapping) and name in data["levers"]:
            where = "'levers'"
        if where:
            raise _error(
                path,
                key_lines(data.get("fixed") or {}).get(name, lines.get("fixed")),
                f"'{name}' is under 'fixed' and also under {where}; keep one (fixed: not "
                "explored, with a reason; uncertainties: explored).",
            )
    return raw is None or raw == ALL


def _held(
    data: Mapping, fixed: Mapping[str, Fixed], sweep: Sweep
) -> tuple[tuple[str, Any, str], ...]:
    """Every uncertainty and structure parameter not sampled: (name, value, reason)."""
    sampled = set(sweep.parameter_names)
    given = {**(data.get("parameters") or {})}
    rows: list[tuple[str, Any, str]] = []
    for name in space_parameters():
        if name in sampled:
            continue
        if name in fixed:
            rows.append((name, fixed[name].value, fixed[name].reason))
        elif name in given or (name == "months" and "months" in data):
            where = "'months'" if name not in given else "'parameters'"
            rows.append(
                (
                    name,
                    sweep.fixed.get(name),
                    f"set under {where} without a reason (give one under 'fixed')",
                )
            )
        else:
            rows.append((name, None, "not listed under 'uncertainties': each design's value"))
    return tuple(rows)


def _sweep_yaml(discovery: Discovery, design: str) -> str:
    sweep = discovery.sweeps[design]
    sections: dict[str, dict[str, Any]] = {"levers": {}, "uncertainties": {}}
    for p in sweep.swept:
        sections[p.section][p.name] = {"low": p.low, "high": p.high}
    data = {
        "description": f"{design} in the discovery {discovery.path.name}"
        + (f": {discovery.description}" if discovery.description else ""),
        # A design given as a path is written as the path it was found at.
        "scenario": str(sweep.scenario.path) if Path(design).suffix else design,
        **({"parameters": dict(sweep.fixed)} if sweep.fixed else {}),
        **{k: v for k, v in sections.items() if v},
        "design": {"method": "lhs", "samples": discovery.samples, "seed": discovery.root_seed},
        "replications": discovery.replications,
        "root_seed": discovery.root_seed,
        **({"batch": sweep.batch} if sweep.batch is not None else {}),
        "outcomes": list(sweep.outcomes),
    }
    head = (
        f"# Written by python run.py discover {display_path(discovery.path)}; "
        "one of its designs as a sweep (python run.py sweep FILE)\n"
    )
    return head + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def _read_designs(data: Mapping, path: Path) -> tuple[str, ...]:
    line = key_lines(data).get("designs")
    raw = data["designs"]
    if (
        not isinstance(raw, list)
        or len(raw) < 2
        or not all(isinstance(d, str) and d.strip() for d in raw)
    ):
        shown = (
            f"lists {len(raw)} design{'s' if len(raw) != 1 else ''}"
            if isinstance(raw, list) and all(isinstance(d, str) for d in raw)
            else f"is {describe_value(raw)}"
        )
        raise _error(
            path,
            line,
            f"'designs' {shown}, but it must be a list of two or more scenario names or "
            "paths, the reference first (e.g. [dispersed, centralized]).",
        )
    designs = tuple(d.strip() for d in raw)
    if len(set(designs)) != len(designs):
        raise _error(path, line, "'designs' lists a design twice; list each once.")
    return designs


def _read_outcomes(data: Mapping, path: Path) -> tuple[str, ...]:
    line = key_lines(data).get("outcomes")
    raw = data.get("outcomes", list(DEFAULT_OUTCOMES))
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not raw:
        raise _error(
            path, line, f"'outcomes' is {describe_value(raw)}, but it must be a list of outcomes."
        )
    for name in raw:
        if name not in WORSE:
            raise _error(
                path,
                line,
                f"'outcomes' lists {describe_value(name)}, which cannot be judged: a design is "
                f"judged on an outcome with a known worse direction.{did_you_mean(name, WORSE)} "
                f"Allowed: {', '.join(WORSE)}.",
            )
    if len(set(raw)) != len(raw):
        raise _error(path, line, "'outcomes' lists an outcome twice; list each once.")
    return tuple(raw)


def _read_density(data: Mapping, path: Path) -> float:
    value = data.get("min_density", 0.8)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
        raise _error(
            path,
            key_lines(data).get("min_density"),
            f"'min_density' is {describe_value(value)}, but it must be a number above 0 and at "
            "most 1 (the share of points in a box where the design does worse).",
        )
    return float(value)


def load_discovery(path: str | Path, *, quick: bool = False) -> Discovery:
    """Load and validate a discovery file.

    Args:
        path: The file (``.yaml``), or the name of one in ``sweeps/discovery/``.
        quick: A small version of the file (``run.py discover --quick``): the
            same designs, uncertainties, ranges, fixed values, outcomes and
            seed, with at most :data:`QUICK_SAMPLES` points and
            :data:`QUICK_REPLICATIONS` replications.

    Returns:
        The validated discovery.

    Raises:
        DiscoveryError: For any problem; the message names the file, line and key.
    """
    path, text, data = open_experiment_file(
        path,
        kind="Discovery",
        folder=DISCOVERY_DIR,
        top_level_keys=TOP_LEVEL_KEYS,
        required_keys=REQUIRED_KEYS,
        error=DiscoveryError,
        hints={"scenario": " (a discovery file lists 'designs' instead)"},
    )
    lines = key_lines(data)
    designs = _read_designs(data, path)
    outcomes = _read_outcomes(data, path)
    min_density = _read_density(data, path)
    fixed = read_fixed_section(data.get("fixed"), path, lines.get("fixed"), _error)
    whole_space = _check_space(data, path, fixed)
    try:
        samples = whole_number(data["samples"], "samples", path, lines.get("samples"), 2)
        boxes = whole_number(data.get("boxes", 3), "boxes", path, lines.get("boxes"), 1, 10)
        root_seed = whole_number(data["root_seed"], "root_seed", path, lines.get("root_seed"), 0)
        sweeps = {
            d: sweep_from_data(path, text, _sweep_data(data, d, samples, root_seed, fixed))
            for d in designs
        }
        if quick:
            samples = min(samples, QUICK_SAMPLES)
            small = {
                **data,
                "replications": min(sweeps[designs[0]].replications, QUICK_REPLICATIONS),
            }
            small_data = LineMapping(small)
            small_data.lines = key_lines(data)
            sweeps = {
                d: sweep_from_data(
                    path, text, _sweep_data(small_data, d, samples, root_seed, fixed)
                )
                for d in designs
            }
    except SweepError as exc:
        raise _relabel(exc) from None
    first = sweeps[designs[0]]
    description = " ".join(str(data.get("description", "")).split())
    return Discovery(
        path=path,
        text=text,
        description=description,
        designs=designs,
        sweeps=sweeps,
        outcomes=outcomes,
        samples=samples,
        replications=first.replications,
        root_seed=root_seed,
        min_density=min_density,
        boxes=boxes,
        quick=quick,
        fixed=fixed,
        held=_held(data, fixed, first),
        whole_space=whole_space,
    )
