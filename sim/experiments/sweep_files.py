"""Sweep files: reading and checking the YAML file that defines a parameter sweep.

A sweep file (YAML, in ``sweeps/``) names a base scenario, the parameters to
vary, kept apart as *levers* (the governance design) and *uncertainties*
(context and structure), a design that turns their ranges into design points,
and how many replications to run at each point::

    description: Review capacity against the top leader's attention.
    scenario: centralized             # base scenario: name or path to a .yaml
    parameters: {n_departments: 20}   # optional: fixed values for every run
    months: 60                        # optional: length of every run
    levers:
      review_capacity: {values: [5, 15, 30, 60]}        # grid: the values
    uncertainties:
      top_leader_attention: {values: [0.3, 0.6, 0.9]}
    design: grid                      # or {method: lhs|sobol|morris, samples: N}
    replications: 10
    root_seed: 20261122
    outcomes: [duplication_rate, platform_adoption_rate]
    reference: {review_capacity: 30}  # optional: point compared against

Loading is strict, like scenario files: unknown keys (with a did-you-mean),
values of the wrong type or out of the range declared in ``sim/model/parameters.py``,
a lever that is not a lever, and a design that does not fit the ranges all
raise :class:`SweepError` (a :class:`~sim.experiments.scenarios.ScenarioError`), whose
message is one paragraph naming the file, the line and the key. The design
points themselves are drawn by ``sim.experiments.sweep_designs``.

Policy changes of the base scenario still apply from their month on, over
the swept values.

Replication ``r`` uses the same seed at every design point (common random
numbers), so design points are compared pair by pair; the seeds are those of
``sim.experiments.seeds.spawn_seeds(root_seed, replications)``.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from sim.experiments.scenarios import Scenario, ScenarioError, load_scenario

# The strict YAML reading and the wording of errors are shared with scenario files.
from sim.experiments.yaml_files import (
    EXPONENT_WITHOUT_POINT,
    PROJECT_DIR,
    SUFFIXES,
    DuplicateKeyError,
    StrictLoader,
    allowed_values,
    describe_value,
    did_you_mean,
    display_path,
    file_location,
    key_lines,
)
from sim.model.parameters import SPECS, ParameterSpec

#: Folder holding the example sweep files.
SWEEP_DIR = PROJECT_DIR / "sweeps"

#: Keys allowed at the top level of a sweep file.
TOP_LEVEL_KEYS: tuple[str, ...] = (
    "description",
    "scenario",
    "parameters",
    "months",
    "levers",
    "uncertainties",
    "design",
    "replications",
    "root_seed",
    "batch",
    "outcomes",
    "reference",
)

#: Keys a sweep file must have.
REQUIRED_KEYS: tuple[str, ...] = ("scenario", "design", "replications", "root_seed")

#: Design methods: ``grid`` (every combination of ``values``) and the SALib samplers.
DESIGN_METHODS: tuple[str, ...] = ("grid", "lhs", "sobol", "morris")

#: Keys of the mapping form of ``design``.
DESIGN_KEYS: tuple[str, ...] = ("method", "samples", "second_order", "levels", "seed")

#: Keys of one swept parameter: ``values`` (grid) or ``low`` and ``high`` (samplers).
RANGE_KEYS: tuple[str, ...] = ("values", "low", "high")

#: Groups allowed under ``levers`` and under ``uncertainties``.
SECTION_GROUPS: dict[str, tuple[str, ...]] = {
    "levers": ("lever",),
    "uncertainties": ("uncertainty", "structure"),
}

#: Largest number of runs (design points times replications) a sweep may ask for.
MAX_RUNS = 10_000_000

#: Columns identifying a run and a row in the stored results.
RUN_ID_COLUMNS: tuple[str, ...] = ("point", "replication", "seed")

_LIST_HINT = (
    "The parameters, with their group, unit and range, are listed by "
    "`python run.py list --parameters`."
)


class SweepError(ScenarioError):
    """A sweep file, or the folder a sweep is written to, is invalid.

    The message is one paragraph naming the file (or folder), the key and what
    is allowed. The command line reports it and exits with status 2.
    """


# ------------------------------------------------------------------ messages


def _at(path: Path, line: int | None = None) -> str:
    return file_location("Sweep", path, line)


def _fail(path: Path, line: int | None, message: str) -> SweepError:
    return SweepError(f"{_at(path, line)}: {message}")


def _number(spec: ParameterSpec, value: Any, where: str, path: Path, line: int | None) -> Any:
    """Check one value of parameter ``spec``; return it as the parameter's type."""
    problem = None
    if isinstance(value, bool) or value is None or isinstance(value, str | list | Mapping):
        problem = f"is {describe_value(value)}, but it must be {allowed_values(spec)}."
        if isinstance(value, bool):
            problem += " YAML reads true/false and yes/no as yes/no values, not numbers."
        elif isinstance(value, str) and EXPONENT_WITHOUT_POINT.fullmatch(value.strip()):
            problem += " YAML reads 1e-3 as text; write 1.0e-3."
        elif isinstance(value, str):
            try:
                float(value)
                problem += " Remove the quotes so that YAML reads it as a number."
            except ValueError:
                pass
    elif spec.type is int and not isinstance(value, int):
        problem = f"is {value!r}, but it must be {allowed_values(spec)}; write a whole number."
    elif not math.isfinite(float(value)) or not spec.low <= value <= spec.high:
        problem = f"is {value!r}, which is out of range; it must be {allowed_values(spec)}."
    if problem:
        raise _fail(path, line, f"{where} {problem}")
    return int(value) if spec.type is int else float(value)


# ------------------------------------------------------------------- the file


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
        batch: Replications of a point simulated side by side in one batched
            model (``sim.experiments.replications.simulate_batch``; 1 = one model per run).
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
    batch: int = 1
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
            # Only when batched, so that folders of unbatched sweeps keep their hash.
            **({"batch": self.batch} if self.batch != 1 else {}),
        }

    @cached_property
    def definition_hash(self) -> str:
        """SHA-256 of the canonical JSON of ``definition()``."""
        text = json.dumps(self.definition(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    @property
    def file_hash(self) -> str:
        """SHA-256 of the sweep file's text."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


# ------------------------------------------------------------------- reading


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        hint = ""
        if SWEEP_DIR.is_dir():
            names = sorted(p.name for p in SWEEP_DIR.iterdir() if p.suffix in SUFFIXES)
            hint = (
                f" Example sweep files in {display_path(SWEEP_DIR)}: {', '.join(names) or 'none'}."
            )
        raise SweepError(f"Sweep file {display_path(path)} does not exist.{hint}") from None
    except UnicodeDecodeError as exc:
        raise SweepError(
            f"Sweep file {display_path(path)} is not valid UTF-8 text (byte {exc.start}); "
            "save it as UTF-8."
        ) from None
    except OSError as exc:
        raise SweepError(
            f"Sweep file {display_path(path)} cannot be read ({exc.strerror or exc})."
        ) from None
    try:
        data = yaml.load(text, Loader=StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except DuplicateKeyError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise _fail(
            path,
            line,
            f"key '{exc.key}' is written twice in the same mapping (first on line "
            f"{exc.first_line}); YAML would silently keep only the last value. Keep one.",
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise _fail(
            path,
            line,
            f"this is not valid YAML: {problem}. Check the indentation and the colons on "
            "and just above that line.",
        ) from None
    if not isinstance(data, Mapping):
        raise SweepError(
            f"Sweep file {display_path(path)}: the top level is {describe_value(data)}, but it "
            f"must be a mapping with the keys {', '.join(REQUIRED_KEYS)} and optionally "
            f"{', '.join(k for k in TOP_LEVEL_KEYS if k not in REQUIRED_KEYS)}."
        )
    return text, data


def _whole(
    value: Any, key: str, path: Path, line: int | None, low: int = 1, high: int | None = None
) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < low:
        raise _fail(
            path,
            line,
            f"'{key}' is {describe_value(value)}, but it must be a whole number >= {low}.",
        )
    if high is not None and value > high:
        raise _fail(path, line, f"'{key}' is {value}, but it must be at most {high}.")
    return value


def _read_scenario(data: Mapping, path: Path, line: int | None) -> Scenario:
    value = data["scenario"]
    if not isinstance(value, str) or not value.strip():
        raise _fail(
            path,
            line,
            f"'scenario' is {describe_value(value)}, but it must be a scenario name (e.g. "
            "centralized) or the path of a scenario .yaml file.",
        )
    value = value.strip()
    target: str | Path = value
    as_path = Path(value)
    if len(as_path.parts) > 1 or as_path.suffix:
        beside = path.parent / as_path
        target = beside if beside.is_file() else as_path
    try:
        return load_scenario(target)
    except ScenarioError as exc:
        raise _fail(path, line, f"'scenario: {value}' cannot be used. {exc}") from None


def _read_fixed(data: Mapping, path: Path) -> dict[str, Any]:
    lines = key_lines(data)
    raw = data.get("parameters")
    fixed: dict[str, Any] = {}
    if raw is not None:
        if not isinstance(raw, Mapping):
            raise _fail(
                path,
                lines.get("parameters"),
                f"'parameters' is {describe_value(raw)}, but it must be a mapping of parameter "
                "names to fixed values (e.g. 'parameters: {n_departments: 20}').",
            )
        raw_lines = key_lines(raw)
        for name, value in raw.items():
            if name not in SPECS:
                raise _fail(
                    path,
                    raw_lines.get(name),
                    f"under 'parameters', '{name}' is not a model parameter."
                    f"{did_you_mean(name, SPECS)} {_LIST_HINT}",
                )
            fixed[name] = _number(
                SPECS[name], value, f"under 'parameters', '{name}'", path, raw_lines.get(name)
            )
    if "months" in data:
        if "months" in fixed:
            raise _fail(
                path,
                lines.get("months"),
                "'months' is given both at the top level and under 'parameters'; keep one.",
            )
        fixed["months"] = _number(
            SPECS["months"], data["months"], "'months'", path, lines.get("months")
        )
    return fixed


def _read_section(data: Mapping, section: str, path: Path) -> list[SweptParameter]:
    raw = data.get(section)
    line = key_lines(data).get(section)
    if raw is None:
        return []
    if not isinstance(raw, Mapping):
        raise _fail(
            path,
            line,
            f"'{section}' is {describe_value(raw)}, but it must be a mapping of parameter names to "
            "ranges, e.g. 'review_capacity: {values: [5, 30]}' or "
            "'review_capacity: {low: 5, high: 60}'.",
        )
    groups = SECTION_GROUPS[section]
    other = "uncertainties" if section == "levers" else "levers"
    raw_lines = key_lines(raw)
    out = []
    for name, entry in raw.items():
        where = raw_lines.get(name, line)
        if not isinstance(name, str) or name not in SPECS:
            raise _fail(
                path,
                where,
                f"under '{section}', '{name}' is not a model parameter."
                f"{did_you_mean(name, SPECS)} {_LIST_HINT}",
            )
        spec = SPECS[name]
        if spec.group not in groups:
            raise _fail(
                path,
                where,
                f"'{name}' is listed under '{section}', but it is a {spec.group} parameter; "
                f"{section} may only hold {' or '.join(groups)} parameters. Move it under "
                f"'{other}'.",
            )
        out.append(_read_range(name, section, entry, path, where))
    return out


def _read_range(
    name: str, section: str, entry: Any, path: Path, line: int | None
) -> SweptParameter:
    spec = SPECS[name]
    label = f"under '{section}', '{name}'"
    if not isinstance(entry, Mapping):
        raise _fail(
            path,
            line,
            f"{label} is {describe_value(entry)}, but it must be a mapping: {{values: [...]}} "
            "for a grid or {low: ..., high: ...} for lhs, sobol and morris designs.",
        )
    entry_lines = key_lines(entry)
    for key in entry:
        if key not in RANGE_KEYS:
            raise _fail(
                path,
                entry_lines.get(key, line),
                f"{label} has the unknown key '{key}'.{did_you_mean(key, RANGE_KEYS)} "
                "Allowed: 'values' (a list, for a grid) or 'low' and 'high' (for samplers).",
            )
    if "values" in entry:
        if "low" in entry or "high" in entry:
            raise _fail(
                path,
                line,
                f"{label} has both 'values' and 'low'/'high'; give 'values' for a grid design "
                "or 'low' and 'high' for lhs, sobol and morris, not both.",
            )
        values = entry["values"]
        vline = entry_lines.get("values", line)
        if not isinstance(values, list) or not values:
            raise _fail(
                path,
                vline,
                f"{label}: 'values' is {describe_value(values)}, but it must be a non-empty list.",
            )
        checked = [_number(spec, v, f"{label}, value {v!r},", path, vline) for v in values]
        dupes = sorted({v for v in checked if checked.count(v) > 1})
        if dupes:
            raise _fail(path, vline, f"{label}: 'values' lists {dupes[0]!r} twice; list each once.")
        return SweptParameter(name, section, values=tuple(checked))
    missing = [k for k in ("low", "high") if k not in entry]
    if missing:
        raise _fail(
            path,
            line,
            f"{label} lacks '{missing[0]}'; give 'values' for a grid design or both 'low' and "
            "'high' for lhs, sobol and morris.",
        )
    low = _number(spec, entry["low"], f"{label}, 'low'", path, entry_lines.get("low", line))
    high = _number(spec, entry["high"], f"{label}, 'high'", path, entry_lines.get("high", line))
    if not low < high:
        raise _fail(
            path,
            entry_lines.get("high", line),
            f"{label}: 'low' ({low}) must be smaller than 'high' ({high}).",
        )
    return SweptParameter(name, section, low=low, high=high)


def _read_design(data: Mapping, path: Path, root_seed: int) -> DesignSpec:
    raw = data["design"]
    line = key_lines(data).get("design")
    example = "e.g. 'design: grid' or 'design: {method: lhs, samples: 64}'"
    if isinstance(raw, str):
        raw_map: Mapping[str, Any] = {"method": raw}
        lines: Mapping[Any, int] = {}
    elif isinstance(raw, Mapping):
        raw_map, lines = raw, key_lines(raw)
    else:
        raise _fail(
            path,
            line,
            f"'design' is {describe_value(raw)}, but it must be a method name or a mapping "
            f"({example}).",
        )
    for key in raw_map:
        if key not in DESIGN_KEYS:
            raise _fail(
                path,
                lines.get(key, line),
                f"'design' has the unknown key '{key}'.{did_you_mean(key, DESIGN_KEYS)} "
                f"Allowed: {', '.join(DESIGN_KEYS)}.",
            )
    method = raw_map.get("method")
    if method not in DESIGN_METHODS:
        shown = f"'{method}'" if isinstance(method, str) else describe_value(method)
        raise _fail(
            path,
            lines.get("method", line),
            f"the design method is {shown}; it must be one of grid, lhs (Latin hypercube), "
            f"sobol or morris.{did_you_mean(method, DESIGN_METHODS)} ({example})",
        )
    where = lines.get("samples", line)
    if method == "grid":
        extra = [k for k in ("samples", "second_order", "levels", "seed") if k in raw_map]
        if extra:
            raise _fail(
                path,
                lines.get(extra[0], line),
                f"a grid design takes no '{extra[0]}': it runs every combination of the "
                "'values' listed.",
            )
        return DesignSpec("grid")
    if "samples" not in raw_map:
        what = {"lhs": "points", "sobol": "base samples N (a power of 2)", "morris": "trajectories"}
        raise _fail(
            path,
            line,
            f"a {method} design needs 'samples' (the number of {what[method]}); write e.g. "
            f"'design: {{method: {method}, samples: {8 if method != 'lhs' else 64}}}'.",
        )
    samples = _whole(raw_map["samples"], "samples", path, where, 1, MAX_RUNS)
    for key, allowed in (("second_order", "sobol"), ("levels", "morris")):
        if key in raw_map and method != allowed:
            raise _fail(path, lines.get(key, line), f"'{key}' applies to {allowed} designs only.")
    second_order = raw_map.get("second_order", False)
    if not isinstance(second_order, bool):
        raise _fail(
            path, lines.get("second_order", line),
            f"'second_order' is {describe_value(second_order)}, but it must be true or false.",
        )  # fmt: skip
    if method == "sobol" and samples & (samples - 1):
        lower = 1 << (samples.bit_length() - 1)
        raise _fail(
            path,
            where,
            f"a sobol design needs 'samples' to be a power of 2 (Saltelli's scheme keeps its "
            f"balance only then), got {samples}; use {lower} or {lower * 2}.",
        )
    levels = raw_map.get("levels", 4)
    if method == "morris":
        levels = _whole(levels, "levels", path, lines.get("levels", line), 2, 100)
        if levels % 2:
            raise _fail(path, lines.get("levels", line), f"'levels' must be even, got {levels}.")
    seed = raw_map.get("seed", root_seed)
    seed = _whole(seed, "seed", path, lines.get("seed", line), 0)
    return DesignSpec(method, samples, second_order, levels, seed)


def _read_outcomes(data: Mapping, path: Path) -> tuple[str, ...]:
    from sim.model.outcomes import OUTCOME_NAMES

    line = key_lines(data).get("outcomes")
    raw = data.get("outcomes")
    if raw is None:
        return tuple(o for o in _headline() if o in OUTCOME_NAMES)
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not raw:
        raise _fail(
            path,
            line,
            f"'outcomes' is {describe_value(raw)}, but it must be a list of outcome names.",
        )
    for name in raw:
        if name not in OUTCOME_NAMES:
            raise _fail(
                path,
                line,
                f"'outcomes' lists '{name}', which is not an outcome of the model."
                f"{did_you_mean(name, OUTCOME_NAMES)} Outcomes: {', '.join(OUTCOME_NAMES)}.",
            )
    if len(set(raw)) != len(raw):
        raise _fail(path, line, "'outcomes' lists an outcome twice; list each once.")
    return tuple(raw)


def _headline() -> tuple[str, ...]:
    from sim.experiments.replications import HEADLINE_OUTCOMES

    return HEADLINE_OUTCOMES


def _read_reference(
    data: Mapping, path: Path, swept: Sequence[SweptParameter]
) -> int | dict[str, Any] | None:
    if "reference" not in data or data["reference"] is None:
        return None
    raw = data["reference"]
    line = key_lines(data).get("reference")
    if isinstance(raw, int) and not isinstance(raw, bool):
        return _whole(raw, "reference", path, line, 0)
    if not isinstance(raw, Mapping):
        raise _fail(
            path,
            line,
            f"'reference' is {describe_value(raw)}, but it must be a design point number (0 is the "
            "first) or a mapping of swept parameters to values (unnamed ones keep the base "
            "scenario's value).",
        )
    names = {p.name for p in swept}
    out = {}
    for name, value in raw.items():
        if name not in names:
            raise _fail(
                path,
                key_lines(raw).get(name, line),
                f"'reference' sets '{name}', which is not swept by this file."
                f"{did_you_mean(name, names)} It may set only the swept parameters: "
                f"{', '.join(sorted(names))}.",
            )
        out[name] = _number(SPECS[name], value, f"'reference', '{name}'", path, line)
    return out


def load_sweep(path: str | Path) -> Sweep:
    """Load and validate a sweep file.

    Args:
        path: The sweep file (``.yaml`` or ``.yml``), or the name of one in
            ``sweeps/``.

    Returns:
        The validated sweep.

    Raises:
        SweepError: For any problem; the message names the file, line and key.
    """
    path = Path(path)
    if not path.suffix and len(path.parts) == 1 and not path.exists():
        path = SWEEP_DIR / f"{path}.yaml"
    if path.suffix not in SUFFIXES:
        raise SweepError(f"Sweep file {display_path(path)} must end in .yaml or .yml.")
    text, data = _read_yaml(path)
    lines = key_lines(data)
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            raise _fail(
                path,
                lines.get(key),
                f"unknown top-level key '{key}'.{did_you_mean(key, TOP_LEVEL_KEYS)} The "
                f"allowed keys are {', '.join(TOP_LEVEL_KEYS)}.",
            )
    for key in REQUIRED_KEYS:
        if key not in data:
            raise SweepError(
                f"Sweep file {display_path(path)}: the required key '{key}' is missing. A sweep "
                f"needs {', '.join(REQUIRED_KEYS)} and at least one parameter under 'levers' "
                "or 'uncertainties'."
            )
    description = data.get("description", "")
    if not isinstance(description, str):
        raise _fail(path, lines.get("description"), "'description' must be text.")
    replications = _whole(data["replications"], "replications", path, lines.get("replications"))
    root_seed = _whole(data["root_seed"], "root_seed", path, lines.get("root_seed"), 0)
    batch = _whole(data.get("batch", 1), "batch", path, lines.get("batch"))

    base = _read_scenario(data, path, lines.get("scenario"))
    fixed = _read_fixed(data, path)
    swept = _read_section(data, "levers", path) + _read_section(data, "uncertainties", path)
    if not swept:
        raise SweepError(
            f"Sweep file {display_path(path)}: nothing is swept; list at least one parameter under "
            "'levers' (governance design) or 'uncertainties' (context and structure)."
        )
    for p in swept:
        if p.name in fixed:
            raise _fail(
                path,
                lines.get(p.section),
                f"'{p.name}' is both swept (under '{p.section}') and fixed (under "
                "'parameters' or 'months'); remove one of them.",
            )
    try:
        scenario = base.with_overrides(name=base.name, **fixed) if fixed else base
    except ScenarioError as exc:
        raise _fail(path, lines.get("parameters") or lines.get("months"), str(exc)) from None
    design = _read_design(data, path, root_seed)
    kind = "values" if design.method == "grid" else "low/high"
    for p in swept:
        if (p.values is None) == (design.method == "grid"):
            raise _fail(
                path,
                lines.get(p.section),
                f"'{p.name}' under '{p.section}' gives "
                f"{'values' if p.values is not None else 'low/high'}, but a {design.method} "
                f"design needs {kind} for every swept parameter.",
            )
    sweep = Sweep(
        path=path,
        text=text,
        description=" ".join(description.split()),
        scenario=scenario,
        fixed=fixed,
        swept=tuple(swept),
        design=design,
        replications=replications,
        root_seed=root_seed,
        outcomes=_read_outcomes(data, path),
        reference=_read_reference(data, path, swept),
        batch=batch,
        _lines=dict(lines),
    )
    if batch > 1 and (
        scenario.parameters.n_provinces > 0 or any(p.name == "n_provinces" for p in swept)
    ):
        raise _fail(
            path,
            lines.get("batch"),
            f"'batch' is {batch}, but batched runs need a flat layout and this sweep's "
            "scenario is multi-level (n_provinces > 0) or sweeps n_provinces; remove 'batch' "
            "or set it to 1.",
        )
    n_points = design.count_points(swept)
    if n_points * replications > MAX_RUNS:
        raise _fail(
            path,
            lines.get("design"),
            f"the sweep asks for {n_points:,} points x {replications} replications = "
            f"{n_points * replications:,} runs; at most {MAX_RUNS:,} are allowed.",
        )
    if isinstance(sweep.reference, int) and sweep.reference >= n_points:
        raise _fail(
            path,
            lines.get("reference"),
            f"'reference' is point {sweep.reference}, but the design has {n_points} points "
            f"(numbered 0 to {n_points - 1}).",
        )
    _check_policy_changes(sweep)
    return sweep


def _check_policy_changes(sweep: Sweep) -> None:
    """A swept run horizon must leave room for the base scenario's policy changes."""
    changes = sweep.scenario.policy_changes
    months = next((p for p in sweep.swept if p.name == "months"), None)
    if not changes or months is None:
        return
    shortest = min(months.values) if months.values is not None else months.low
    last = max(m for m, _ in changes)
    if shortest <= last:
        raise _fail(
            sweep.path,
            sweep._lines.get(months.section),
            f"'months' goes down to {shortest}, but the base scenario "
            f"'{sweep.scenario.name}' changes its policy at month {last}; such a run would "
            f"end before the change. Keep 'months' above {last}.",
        )
