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
raise :class:`SweepError` (a :class:`~sim.experiments.inputs.scenarios.ScenarioError`), whose
message is one paragraph naming the file, the line and the key. The design
points themselves are drawn by ``sim.experiments.sweeps.designs``.

Policy changes of the base scenario still apply from their month on, over
the swept values.

Replication ``r`` uses the same seed at every design point (common random
numbers), so design points are compared pair by pair; the seeds are those of
``sim.experiments.seeds.spawn_seeds(root_seed, replications)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from sim.experiments.data_files import data_dir
from sim.experiments.inputs.limits import (
    MAX_PATH_CHARS,
    MAX_SWEEP_POINTS,
    InputFileError,
    read_input_file,
    shorten,
)
from sim.experiments.inputs.loader import YamlLimitError

# The strict YAML reading and the wording of errors are shared with scenario files.
from sim.experiments.inputs.reading import (
    SUFFIXES,
    DuplicateKeyError,
    StrictLoader,
    describe_kind,
    describe_value,
    did_you_mean,
    display_path,
    is_foreign,
    key_lines,
    redacted,
)
from sim.experiments.inputs.scenarios import Scenario, ScenarioError, load_scenario
from sim.experiments.sweeps.definition import (
    MAX_RUNS,
    Sweep,
    SweepError,
    SweptParameter,
    sweep_error,
)
from sim.experiments.sweeps.ranges import (
    LIST_HINT,
    check_value,
    read_design,
    read_section,
    whole_number,
)
from sim.model.parameters import SPECS

#: Folder holding the example sweep files.
SWEEP_DIR = data_dir("sweeps")

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

# ------------------------------------------------------------------ messages


# ------------------------------------------------------------------- the file


# ------------------------------------------------------------------- reading


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:
        return True  # e.g. a name too long: reading it says what is wrong


def read_yaml(path: Path) -> Any:
    """Read a sweep (or discovery) file strictly; return ``(text, mapping)``.

    Raises:
        SweepError: Missing, unreadable or not YAML, a duplicate key, or not a mapping.
    """
    try:
        text = read_input_file(path, "Sweep file")
    except FileNotFoundError:
        hint = ""
        if SWEEP_DIR.is_dir():
            names = sorted(p.name for p in SWEEP_DIR.iterdir() if p.suffix in SUFFIXES)
            hint = (
                f" Example sweep files in {display_path(SWEEP_DIR)}: {', '.join(names) or 'none'}."
            )
        raise SweepError(f"Sweep file {display_path(path)} does not exist.{hint}") from None
    except InputFileError as exc:
        raise SweepError(str(exc)) from None
    try:
        data = yaml.load(text, Loader=StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except DuplicateKeyError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise sweep_error(
            path,
            line,
            f"key '{exc.key}' is written twice in the same mapping (first on line "
            f"{exc.first_line}); YAML would silently keep only the last value. Keep one.",
        ) from None
    except YamlLimitError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise sweep_error(path, line, f"{exc.problem}.") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise sweep_error(
            path,
            line,
            f"this is not valid YAML: {problem}. Check the indentation and the colons on "
            "and just above that line.",
        ) from None
    if not isinstance(data, Mapping):
        raise SweepError(
            f"Sweep file {display_path(path)}: the top level is {describe_kind(data)}, but it "
            f"must be a mapping with the keys {', '.join(REQUIRED_KEYS)} and optionally "
            f"{', '.join(k for k in TOP_LEVEL_KEYS if k not in REQUIRED_KEYS)}."
        )
    return text, data


def _read_scenario(data: Mapping, path: Path, line: int | None) -> Scenario:
    value = data["scenario"]
    if not isinstance(value, str) or not value.strip():
        raise sweep_error(
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
        detail = str(exc)
        if isinstance(target, Path) and is_foreign(target, path):
            detail = redacted(detail, target)
        raise sweep_error(
            path, line, f"'scenario: {shorten(value, 120)}' cannot be used. {detail}"
        ) from None


def read_fixed(data: Mapping, path: Path) -> dict[str, Any]:
    """The fixed values of an experiment file: its ``parameters`` and top-level ``months``.

    Raises:
        SweepError: An unknown parameter, a value out of range, or months given twice.
    """
    lines = key_lines(data)
    raw = data.get("parameters")
    fixed: dict[str, Any] = {}
    if raw is not None:
        if not isinstance(raw, Mapping):
            raise sweep_error(
                path,
                lines.get("parameters"),
                f"'parameters' is {describe_value(raw)}, but it must be a mapping of parameter "
                "names to fixed values (e.g. 'parameters: {n_departments: 20}').",
            )
        raw_lines = key_lines(raw)
        for name, value in raw.items():
            if name not in SPECS:
                raise sweep_error(
                    path,
                    raw_lines.get(name),
                    f"under 'parameters', '{name}' is not a model parameter."
                    f"{did_you_mean(name, SPECS)} {LIST_HINT}",
                )
            fixed[name] = check_value(
                SPECS[name], value, f"under 'parameters', '{name}'", path, raw_lines.get(name)
            )
    if "months" in data:
        if "months" in fixed:
            raise sweep_error(
                path,
                lines.get("months"),
                "'months' is given both at the top level and under 'parameters'; keep one.",
            )
        fixed["months"] = check_value(
            SPECS["months"], data["months"], "'months'", path, lines.get("months")
        )
    return fixed


def _read_outcomes(data: Mapping, path: Path) -> tuple[str, ...]:
    from sim.model.outcomes import OUTCOME_NAMES

    line = key_lines(data).get("outcomes")
    raw = data.get("outcomes")
    if raw is None:
        return tuple(o for o in _headline() if o in OUTCOME_NAMES)
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not raw:
        raise sweep_error(
            path,
            line,
            f"'outcomes' is {describe_value(raw)}, but it must be a list of outcome names.",
        )
    for name in raw:
        if name not in OUTCOME_NAMES:
            raise sweep_error(
                path,
                line,
                f"'outcomes' lists '{name}', which is not an outcome of the model."
                f"{did_you_mean(name, OUTCOME_NAMES)} Outcomes: {', '.join(OUTCOME_NAMES)}.",
            )
    if len(set(raw)) != len(raw):
        raise sweep_error(path, line, "'outcomes' lists an outcome twice; list each once.")
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
        return whole_number(raw, "reference", path, line, 0)
    if not isinstance(raw, Mapping):
        raise sweep_error(
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
            raise sweep_error(
                path,
                key_lines(raw).get(name, line),
                f"'reference' sets '{name}', which is not swept by this file."
                f"{did_you_mean(name, names)} It may set only the swept parameters: "
                f"{', '.join(sorted(names))}.",
            )
        out[name] = check_value(SPECS[name], value, f"'reference', '{name}'", path, line)
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
    if len(str(path)) > MAX_PATH_CHARS or "\0" in str(path):
        raise SweepError(
            f"Sweep file {shorten(str(path), 80)}: the path is {len(str(path)):,} characters "
            f"long or holds a NUL character; at most {MAX_PATH_CHARS:,} characters are allowed."
        )
    path = Path(path)
    if not path.suffix and len(path.parts) == 1 and not _exists(path):
        path = SWEEP_DIR / f"{path}.yaml"
    if path.suffix not in SUFFIXES:
        raise SweepError(f"Sweep file {display_path(path)} must end in .yaml or .yml.")
    text, data = read_yaml(path)
    return sweep_from_data(path, text, data)


def sweep_from_data(path: Path, text: str, data: Mapping) -> Sweep:
    """Check the mapping read from a sweep file; return the sweep.

    Args:
        path: The file (named in messages).
        text: Its text (kept in the sweep for provenance).
        data: The mapping read by ``StrictLoader`` (its key lines name lines
            in messages).

    Returns:
        The validated sweep.

    Raises:
        SweepError: For any problem.
    """
    lines = key_lines(data)
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            raise sweep_error(
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
        raise sweep_error(path, lines.get("description"), "'description' must be text.")
    replications = whole_number(
        data["replications"], "replications", path, lines.get("replications")
    )
    root_seed = whole_number(data["root_seed"], "root_seed", path, lines.get("root_seed"), 0)
    batch = (
        whole_number(data["batch"], "batch", path, lines.get("batch")) if "batch" in data else None
    )

    base = _read_scenario(data, path, lines.get("scenario"))
    fixed = read_fixed(data, path)
    swept = read_section(data, "levers", path) + read_section(data, "uncertainties", path)
    if not swept:
        raise SweepError(
            f"Sweep file {display_path(path)}: nothing is swept; list at least one parameter under "
            "'levers' (governance design) or 'uncertainties' (context and structure)."
        )
    for p in swept:
        if p.name in fixed:
            raise sweep_error(
                path,
                lines.get(p.section),
                f"'{p.name}' is both swept (under '{p.section}') and fixed (under "
                "'parameters' or 'months'); remove one of them.",
            )
    try:
        scenario = base.with_overrides(name=base.name, **fixed) if fixed else base
    except ScenarioError as exc:
        raise sweep_error(path, lines.get("parameters") or lines.get("months"), str(exc)) from None
    design = read_design(data, path, root_seed)
    kind = "values" if design.method == "grid" else "low/high"
    for p in swept:
        if (p.values is None) == (design.method == "grid"):
            raise sweep_error(
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
    n_points = design.count_points(swept)
    if n_points > MAX_SWEEP_POINTS:
        raise sweep_error(
            path,
            lines.get("design"),
            f"the design has {n_points:,} points; at most {MAX_SWEEP_POINTS:,} are allowed "
            "(the design table alone would not fit in memory). Use fewer values or samples.",
        )
    if n_points * replications > MAX_RUNS:
        raise sweep_error(
            path,
            lines.get("design"),
            f"the sweep asks for {n_points:,} points x {replications} replications = "
            f"{n_points * replications:,} runs; at most {MAX_RUNS:,} are allowed.",
        )
    if isinstance(sweep.reference, int) and sweep.reference >= n_points:
        raise sweep_error(
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
        raise sweep_error(
            sweep.path,
            sweep._lines.get(months.section),
            f"'months' goes down to {shortest}, but the base scenario "
            f"'{sweep.scenario.name}' changes its policy at month {last}; such a run would "
            f"end before the change. Keep 'months' above {last}.",
        )
