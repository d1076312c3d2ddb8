"""Governance designs as YAML scenario files, loaded strictly.

A scenario is a set of overrides of the defaults declared in ``sim/model/parameters.py``
(which describe the dispersed status quo), plus optional policy changes at given
months. Files live in ``scenarios/`` and look like this::

    description: >-
      What the design represents, for a policy researcher.
    source: "[001] ... ; [003] ..."
    extends: centralized        # optional: start from another scenario
    parameters:                 # optional: parameter name -> value
      review_authority: 0.4
    policy_changes:             # optional: replaces the parent's list if given
      - month: 48
        parameters:
          approval_bodies: 1

Loading fails loudly, as PolicyEngine's and Starsim's loaders do: duplicate
keys, unknown keys (with a did-you-mean), wrong types, values out of range and
``extends`` cycles all raise :class:`ScenarioError`, whose message is one
paragraph naming the file, the key and what is allowed. No other exception
escapes this module's public functions.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from sim.experiments.data_files import data_dir
from sim.experiments.inputs.limits import (
    MAX_PATH_CHARS,
    MAX_POLICY_CHANGES,
    InputFileError,
    read_input_file,
    shorten,
)
from sim.experiments.inputs.loader import YamlLimitError
from sim.experiments.inputs.parameter_checks import (
    PARAMETER_LIST_HINT,
    Context,
    ScenarioError,
    check_names,
    validate,
)
from sim.experiments.inputs.parameter_checks import scenario_location as _at
from sim.experiments.inputs.reading import (
    SUFFIXES,
    DuplicateKeyError,
    LineMapping,
    StrictLoader,
    describe_kind,
    describe_value,
    did_you_mean,
    display_path,
    is_foreign,
    key_lines,
    redacted,
)
from sim.model.parameters import SPECS, make_parameters, plain_value

#: Folder holding the scenario files shipped with the model.
SCENARIO_DIR = data_dir("scenarios")

#: Keys allowed at the top level of a scenario file.
TOP_LEVEL_KEYS: tuple[str, ...] = (
    "description",
    "description_zh",
    "source",
    "extends",
    "parameters",
    "policy_changes",
)

#: Keys allowed (and required) in each entry of ``policy_changes``.
POLICY_CHANGE_KEYS: tuple[str, ...] = ("month", "parameters")

# A policy change as read: month, values, file, line of each value, line of the month.
_RawChange = tuple[int, Mapping[str, Any], Path, Mapping[Any, int], int | None]


# ------------------------------------------------------------ error messages


# ------------------------------------------------------------------ scenario


@dataclass(frozen=True)
class Scenario:
    """A governance design: validated parameters and timed policy changes.

    Attributes:
        name: The file's stem, e.g. ``"centralized"``.
        path: The scenario file.
        description: What the design represents (from the file or its parent).
        source: Seed papers the design comes from.
        parameters: Validated ``Parameters``: the defaults updated by the
            ``parameters`` of the ``extends`` chain, child over parent.
        policy_changes: ``(month, {name: value})`` pairs sorted by month. A
            change is cumulative: it applies on top of the parameters in force
            before it. Structure parameters cannot change during a run.
        overrides: Validated values of every parameter the file chain (and
            :meth:`with_overrides`) set, for the run manifest.
        description_zh: The description in Chinese (``description_zh`` of the
            file, or of its parent when the file keeps the parent's
            description); empty if none.
    """

    name: str
    path: Path
    description: str
    source: str
    parameters: BaseModel
    policy_changes: tuple[tuple[int, dict[str, Any]], ...] = ()
    overrides: dict[str, Any] = field(default_factory=dict)
    description_zh: str = ""

    def with_overrides(self, name: str | None = None, **overrides: Any) -> Scenario:
        """Return a variant with some parameters changed, validated again.

        The policy changes are checked again against the new parameters (e.g.
        a change at month 48 is refused when ``months`` becomes 36). NumPy
        scalars are accepted (``np.int64(5)`` as 5).

        Args:
            name: Name of the variant. Without one it is derived from the
                changes, e.g. ``centralized(review_capacity=1)``, so that a
                variant can be compared with its base (names must differ).
                Pass the base's name to keep it (as ``--months`` does).
            **overrides: Parameter values by name.

        Returns:
            A new scenario with the same path and policy changes.

        Raises:
            ScenarioError: For an unknown name or an invalid value (never a
                pydantic error).
        """
        overrides = {key: plain_value(value) for key, value in overrides.items()}
        ctx = Context(self.path, "in an override of the scenario (e.g. a command-line option)")
        parameters = validate(overrides, ctx, self.overrides)
        merged = {**self.overrides, **overrides}
        changes = _validate_changes(
            [(month, change, self.path, {}, None) for month, change in self.policy_changes],
            parameters,
        )
        if name is None:
            shown = ", ".join(f"{key}={getattr(parameters, key)!r}" for key in overrides)
            name = f"{self.name}({shown})" if overrides else self.name
        return dataclasses.replace(
            self,
            name=str(name),
            parameters=parameters,
            overrides={k: getattr(parameters, k) for k in merged},
            policy_changes=changes,
        )

    def batch_run_parameters(self, **varied: Any) -> dict[str, Any]:
        """Keyword arguments of ``GovernanceModel`` for ``mesa.batch_run``.

        Every parameter of this scenario with its value, its policy changes,
        and the ``varied`` parameters as lists (or arrays, ranges) of values
        to sweep, as ``mesa.batch_run(parameters=...)`` expects::

            mesa.batch_run(
                GovernanceModel,
                parameters=scenario.batch_run_parameters(review_capacity=np.arange(1, 6)),
                max_steps=scenario.parameters.months,
            )

        Args:
            **varied: Parameter name (or a model option: ``replicas``,
                ``rng``, ``record_every_month``) to the values to run.

        Returns:
            A dict for ``mesa.batch_run``'s ``parameters``.

        Raises:
            ScenarioError: For a name that is not a parameter.
        """
        model_options = {"replicas", "rng", "record_every_month"}  # GovernanceModel's own
        ctx = Context(self.path, "in batch_run_parameters")
        check_names({k: v for k, v in varied.items() if k not in model_options}, ctx)
        values: dict[str, Any] = dict(self.parameters.model_dump())
        values["policy_changes"] = [self.policy_changes]  # one value, not one per change
        values.update(varied)
        return values

    def parameters_at(self, month: int) -> BaseModel:
        """Return the parameters in force at ``month``.

        Every policy change whose month is ``<= month`` has been applied.

        Args:
            month: Month of the run (0 is the first month).

        Returns:
            Validated ``Parameters``.
        """
        values = self.parameters.model_dump()
        for change_month, change in self.policy_changes:
            if change_month <= month:
                values.update(change)
        return make_parameters(**values)

    def manifest(self) -> dict[str, Any]:
        """Return a JSON-ready description of the scenario for run metadata."""
        return {
            "name": self.name,
            "path": display_path(self.path),
            "description": self.description,
            "description_zh": self.description_zh,
            "source": self.source,
            "overrides": dict(self.overrides),
            "policy_changes": [
                {"month": month, "parameters": dict(change)}
                for month, change in self.policy_changes
            ],
        }


# ------------------------------------------------------------------- loading


def scenario_names(folder: Path | None = None) -> list[str]:
    """Return the names (file stems) of the scenario files in a folder, sorted.

    Args:
        folder: Folder to look in; ``SCENARIO_DIR`` by default.

    Returns:
        The names, or an empty list when the folder cannot be read.
    """
    folder = SCENARIO_DIR if folder is None else folder
    try:
        return sorted({p.stem for p in folder.iterdir() if p.suffix in SUFFIXES and p.is_file()})
    except OSError:
        return []


def _available(folder: Path) -> str:
    names = scenario_names(folder)
    shown = ", ".join(names[:30]) if names else "none"
    if len(names) > 30:
        shown += f" and {len(names) - 30} more"
    return f"Available scenarios in {display_path(folder)}: {shown}."


def _find(name: str, folders: list[Path]) -> Path | None:
    for folder in folders:
        found = [folder / f"{name}{suffix}" for suffix in SUFFIXES]
        found = [p for p in found if p.is_file()]
        if len(found) > 1:
            raise ScenarioError(
                f"Scenario '{name}' exists twice in {display_path(folder)} "
                f"({found[0].name} and {found[1].name}); keep only one of them."
            )
        if found:
            return found[0]
    return None


def _resolve(name_or_path: str | Path) -> Path:
    """Turn a scenario name or a file path into an existing file path."""
    text = str(name_or_path)
    if len(text) > MAX_PATH_CHARS or "\0" in text:
        raise ScenarioError(
            f"Scenario '{shorten(text, 80)}' is {len(text):,} characters long or holds a NUL "
            f"character; a scenario name or path has at most {MAX_PATH_CHARS:,} characters."
        )
    as_path = Path(name_or_path)
    if len(as_path.parts) > 1 or as_path.suffix:
        if as_path.suffix not in SUFFIXES:
            raise ScenarioError(
                f"Scenario file {shorten(str(as_path))} must end in .yaml or .yml; "
                f"or give a bare scenario name. {_available(SCENARIO_DIR)}"
            )
        if not _exists(as_path):
            raise ScenarioError(
                f"Scenario file {shorten(str(as_path))} does not exist. {_available(SCENARIO_DIR)}"
            )
        return as_path
    found = _find(text, [SCENARIO_DIR])
    if found is None:
        hint = did_you_mean(text, scenario_names())
        raise ScenarioError(
            f"Scenario '{text}' not found: there is no {text}.yaml in "
            f"{display_path(SCENARIO_DIR)}.{hint} {_available(SCENARIO_DIR)}"
        )
    return found


def _exists(path: Path) -> bool:
    """Whether ``path`` names something (a broken link counts), without raising."""
    try:
        return path.exists() or path.is_symlink()
    except OSError:
        return True  # e.g. a name too long: read_input_file says what is wrong


def _read_yaml(path: Path) -> LineMapping:
    """Read one scenario file strictly; return its top-level mapping."""
    try:
        text = read_input_file(path, "Scenario file")
    except FileNotFoundError:
        raise ScenarioError(
            f"Scenario file {display_path(path)} does not exist. {_available(path.parent)}"
        ) from None
    except InputFileError as exc:
        raise ScenarioError(str(exc)) from None
    try:
        data = yaml.load(text, Loader=StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except DuplicateKeyError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise ScenarioError(
            f"{_at(path, line)}: key '{exc.key}' is written twice in the same mapping "
            f"(first on line {exc.first_line}). YAML would silently keep only the last value; "
            "keep one of them."
        ) from None
    except YamlLimitError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise ScenarioError(f"{_at(path, line)}: {exc.problem}.") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        context = getattr(exc, "context", None)
        detail = f"{problem} ({context})" if context else problem
        raise ScenarioError(
            f"Scenario file {display_path(path)}{line}: this is not valid YAML: {detail}. "
            "Check the indentation and the colons on and just above that line."
        ) from None
    if data is None:
        raise ScenarioError(
            f"Scenario file {display_path(path)} is empty; it must be a mapping with the keys "
            f"{', '.join(TOP_LEVEL_KEYS)} (description and source are required)."
        )
    if not isinstance(data, Mapping):
        raise ScenarioError(
            f"Scenario file {display_path(path)}: the top level is {describe_kind(data)}, "
            f"but it must be a mapping with the keys {', '.join(TOP_LEVEL_KEYS)} "
            "(e.g. a line 'description: ...')."
        )
    return data  # type: ignore[return-value]


def _check_top_level(data: LineMapping, path: Path) -> None:
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            raise ScenarioError(
                f"{_at(path, key_lines(data).get(key))}: unknown top-level key '{key}'."
                f"{did_you_mean(key, TOP_LEVEL_KEYS)} The allowed top-level keys are "
                f"{', '.join(TOP_LEVEL_KEYS)}; parameters go under 'parameters:'."
            )
    for key in ("description", "description_zh", "source", "extends"):
        if key in data and (not isinstance(data[key], str) or not data[key].strip()):
            raise ScenarioError(
                f"{_at(path, key_lines(data).get(key))}: '{key}' is {describe_value(data[key])}, "
                "but it must be non-empty text."
            )


def _parameter_mapping(value: Any, path: Path, where: str, line: int | None) -> Mapping:
    if value is None:  # "parameters:" with every entry commented out
        return {}
    if not isinstance(value, Mapping):
        raise ScenarioError(
            f"{_at(path, line)}: {where} is {describe_value(value)}, but it must be a mapping of "
            f"parameter names to values (write 'parameters: {{}}' for none). "
            f"{PARAMETER_LIST_HINT}"
        )
    return value


def _read_changes(data: LineMapping, path: Path) -> list[_RawChange]:
    """Check the shape of ``policy_changes``; return them with their origin."""
    raw = data["policy_changes"]
    line = key_lines(data).get("policy_changes")
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ScenarioError(
            f"{_at(path, line)}: 'policy_changes' is {describe_value(raw)}, but it must be a "
            "list of entries, each with the keys 'month' and 'parameters' (e.g. '- month: 48')."
        )
    if len(raw) > MAX_POLICY_CHANGES:
        raise ScenarioError(
            f"{_at(path, line)}: 'policy_changes' has {len(raw):,} entries; at most "
            f"{MAX_POLICY_CHANGES:,} are allowed (at most one per month of the run)."
        )
    changes = []
    for number, entry in enumerate(raw, start=1):
        label = f"policy_changes entry {number}"
        if not isinstance(entry, Mapping):
            raise ScenarioError(
                f"{_at(path, line)}: {label} is {describe_value(entry)}, but it must be a mapping "
                "with exactly the keys 'month' and 'parameters'."
            )
        entry_lines = key_lines(entry)
        for key in entry:
            if key not in POLICY_CHANGE_KEYS:
                raise ScenarioError(
                    f"{_at(path, entry_lines.get(key))}: unknown key '{key}' in {label}."
                    f"{did_you_mean(key, POLICY_CHANGE_KEYS)} Each entry has exactly the keys "
                    "'month' and 'parameters'; the parameters to change go under 'parameters:'."
                )
        missing = [k for k in POLICY_CHANGE_KEYS if k not in entry]
        if missing:
            raise ScenarioError(
                f"{_at(path, line)}: {label} lacks '{missing[0]}'; each entry has exactly the "
                "keys 'month' (a whole number >= 0) and 'parameters' (a mapping)."
            )
        month = entry["month"]
        if not isinstance(month, int) or isinstance(month, bool) or month < 0:
            raise ScenarioError(
                f"{_at(path, entry_lines.get('month'))}: 'month' in {label} is "
                f"{describe_value(month)}, but it must be a whole number >= 0 (months since the "
                "start of the run)."
            )
        values = _parameter_mapping(
            entry["parameters"], path, f"'parameters' of {label}", entry_lines.get("parameters")
        )
        changes.append((month, values, path, key_lines(values), entry_lines.get("month")))
    return changes


def _validate_changes(
    changes: list[_RawChange], base: BaseModel
) -> tuple[tuple[int, dict[str, Any]], ...]:
    """Validate policy changes cumulatively on top of ``base``.

    Args:
        changes: ``(month, values, file, value lines, month line)`` for each
            change, in file order.
        base: The scenario's validated parameters before any change.

    Returns:
        ``(month, validated values)`` pairs sorted by month.

    Raises:
        ScenarioError: For a repeated month, a month beyond the run, a structure
            parameter, an unknown name or an invalid value.
    """
    seen: dict[int, _RawChange] = {}
    for change in changes:  # one pass: no check is quadratic in the number of changes
        if change[0] in seen:
            first = seen[change[0]]
            raise ScenarioError(
                f"{_at(first[2], first[4])}: two policy_changes entries have month {change[0]}; "
                "merge them into one entry so that the order of the changes is clear."
            )
        seen[change[0]] = change
    current = base.model_dump()
    result = []
    for month, values, path, lines, month_line in sorted(changes, key=lambda c: c[0]):
        ctx = Context(path, f"in the policy change at month {month}", lines)
        check_names(values, ctx)
        for key in values:
            if SPECS[key].group == "structure":
                raise ctx.fail(
                    key,
                    "is a structure parameter (size or horizon of the simulated world) and "
                    "cannot change during a run; set it under the top-level 'parameters:' "
                    "instead. Policy changes may set levers and uncertainties only.",
                )
        if month >= current["months"]:
            raise ScenarioError(
                f"{_at(path, month_line)}: the policy change at month {month} would never "
                f"take effect because the run lasts only {current['months']} months "
                "(parameter 'months'); lower the month or raise 'months'."
            )
        validated = validate(values, ctx, current)
        checked = {key: getattr(validated, key) for key in values}
        current.update(checked)
        result.append((month, checked))
    return tuple(result)


def _load(path: Path, chain: tuple[Path, ...]) -> tuple[Scenario, list[_RawChange]]:
    """Load ``path`` and its ``extends`` chain.

    Returns the scenario and its unvalidated policy changes with their origin
    (so that a child can re-validate inherited changes on its own parameters).
    """
    resolved = path.resolve()
    if resolved in chain:
        cycle = " -> ".join(display_path(p) for p in (*chain, resolved))
        raise ScenarioError(
            f"Scenario file {display_path(path)}: 'extends' forms a cycle ({cycle}); "
            "a scenario cannot extend itself, directly or through others."
        )
    data = _read_yaml(path)
    _check_top_level(data, path)
    lines = key_lines(data)

    if "extends" in data:
        parent_name = data["extends"].strip()
        folders = [path.parent, SCENARIO_DIR]
        stem = parent_name
        explicit = Path(parent_name).suffix in SUFFIXES
        if explicit:
            stem = Path(parent_name).stem
            folders = [(path.parent / parent_name).parent, SCENARIO_DIR]
        elif len(Path(parent_name).parts) != 1 or parent_name in (".", ".."):
            raise ScenarioError(
                f"{_at(path, lines.get('extends'))}: 'extends: {shorten(parent_name, 80)}' is "
                "neither a scenario name (no '/') nor the path of a .yaml file; write a name "
                "such as 'centralized', or a path ending in .yaml to use a file elsewhere."
            )
        parent_path = _find(stem, folders)
        if parent_path is None:
            raise ScenarioError(
                f"{_at(path, lines.get('extends'))}: 'extends: {parent_name}' names no scenario "
                f"(looked for {stem}.yaml in {display_path(path.parent)} and "
                f"{display_path(SCENARIO_DIR)})."
                f"{did_you_mean(stem, scenario_names(folders[0]) + scenario_names())} "
                + " ".join(dict.fromkeys(_available(f) for f in folders))
            )
        if not explicit and is_foreign(parent_path, path):
            raise ScenarioError(
                f"{_at(path, lines.get('extends'))}: 'extends: {parent_name}' leads through a "
                f"link to a file outside the project ({display_path(parent_path.resolve())}); a "
                "file outside the project is used only when 'extends' gives its path explicitly "
                "(ending in .yaml)."
            )
        try:
            parent, parent_changes = _load(parent_path, (*chain, resolved))
        except ScenarioError as exc:
            if is_foreign(parent_path, path):
                raise ScenarioError(redacted(str(exc), parent_path)) from None
            raise
        base_overrides: dict[str, Any] = dict(parent.overrides)
        description, source = parent.description, parent.source
        description_zh = parent.description_zh if "description" not in data else ""
    else:
        parent_changes = []
        base_overrides = {}
        description = source = None
        description_zh = ""

    description = data.get("description", description)
    source = data.get("source", source)
    for key, value in (("description", description), ("source", source)):
        if value is None:
            raise ScenarioError(
                f"Scenario file {display_path(path)}: the required key '{key}' is missing (and no "
                f"parent scenario given by 'extends' provides it). Add a line '{key}: ...'."
            )

    values = _parameter_mapping(
        data.get("parameters"), path, "'parameters'", lines.get("parameters")
    )
    ctx = Context(path, "under 'parameters'", key_lines(values))
    parameters = validate(values, ctx, base_overrides)
    merged = {**base_overrides, **values}
    overrides = {key: getattr(parameters, key) for key in merged}

    raw_changes = _read_changes(data, path) if "policy_changes" in data else parent_changes
    scenario = Scenario(
        name=path.stem,
        path=path,
        description=" ".join(str(description).split()),
        description_zh=" ".join(str(data.get("description_zh", description_zh)).split()),
        source=" ".join(str(source).split()),
        parameters=parameters,
        policy_changes=_validate_changes(raw_changes, parameters),
        overrides=overrides,
    )
    return scenario, raw_changes


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Load and validate one scenario.

    Args:
        name_or_path: A bare name (looked up as ``SCENARIO_DIR/<name>.yaml``) or
            a path to a ``.yaml``/``.yml`` file.

    Returns:
        The validated scenario.

    Raises:
        ScenarioError: For a missing file, invalid YAML, an unknown or
            duplicate key, a wrong type, a value out of range or an
            ``extends`` cycle; the message names the file and the key.
    """
    path = _resolve(name_or_path)
    try:
        scenario, _ = _load(path, ())
    except RecursionError:
        raise ScenarioError(
            f"Scenario file {display_path(path)}: the 'extends' chain is too deep."
        ) from None
    return scenario


def list_scenarios() -> list[Scenario]:
    """Load every scenario file in ``SCENARIO_DIR``, sorted by name.

    Returns:
        The validated scenarios.

    Raises:
        ScenarioError: If any file is invalid (the message names it).
    """
    return [load_scenario(name) for name in scenario_names()]
