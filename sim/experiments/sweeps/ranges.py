"""Reading the swept parameters and the design of a sweep file.

The ``levers`` and ``uncertainties`` sections (each parameter's ``values``,
its ``low``/``high`` range, or ``plausible`` or nothing for its declared
plausible range; checked against its declaration in ``sim/model/parameters.py`` and its
group) and the ``design`` section (grid, lhs, sobol or morris and their
options).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

# The strict YAML reading and the wording of errors are shared with scenario files.
from sim.experiments.inputs.reading import (
    EXPONENT_WITHOUT_POINT,
    allowed_values,
    describe_value,
    did_you_mean,
    key_lines,
)
from sim.experiments.sweeps.definition import MAX_RUNS, DesignSpec, SweptParameter, sweep_error
from sim.model.parameters import SPECS, ParameterSpec

#: Design methods: ``grid`` (every combination of ``values``) and the SALib samplers.
DESIGN_METHODS: tuple[str, ...] = ("grid", "lhs", "sobol", "morris")


#: Keys of the mapping form of ``design``.
DESIGN_KEYS: tuple[str, ...] = ("method", "samples", "second_order", "levels", "seed")


#: Keys of one swept parameter: ``values`` (grid) or ``low`` and ``high`` (samplers).
RANGE_KEYS: tuple[str, ...] = ("values", "low", "high")


#: Written instead of a range: the parameter's declared plausible range.
PLAUSIBLE = "plausible"


#: Groups allowed under ``levers`` and under ``uncertainties``.
SECTION_GROUPS: dict[str, tuple[str, ...]] = {
    "levers": ("lever",),
    "uncertainties": ("uncertainty", "structure"),
}


LIST_HINT = (
    "The parameters, with their group, unit and range, are listed by "
    "`python run.py list --parameters`."
)


def whole_number(
    value: Any, key: str, path: Path, line: int | None, low: int = 1, high: int | None = None
) -> int:
    """Check a whole number of at least ``low`` (and at most ``high``); return it."""
    if not isinstance(value, int) or isinstance(value, bool) or value < low:
        raise sweep_error(
            path,
            line,
            f"'{key}' is {describe_value(value)}, but it must be a whole number >= {low}.",
        )
    if high is not None and value > high:
        raise sweep_error(path, line, f"'{key}' is {value}, but it must be at most {high}.")
    return value


def check_value(spec: ParameterSpec, value: Any, where: str, path: Path, line: int | None) -> Any:
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
        raise sweep_error(path, line, f"{where} {problem}")
    return int(value) if spec.type is int else float(value)


def read_section(data: Mapping, section: str, path: Path) -> list[SweptParameter]:
    """The swept parameters of section ``levers`` or ``uncertainties``."""
    raw = data.get(section)
    line = key_lines(data).get(section)
    if raw is None:
        return []
    if not isinstance(raw, Mapping):
        raise sweep_error(
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
            raise sweep_error(
                path,
                where,
                f"under '{section}', '{name}' is not a model parameter."
                f"{did_you_mean(name, SPECS)} {LIST_HINT}",
            )
        spec = SPECS[name]
        if spec.group not in groups:
            raise sweep_error(
                path,
                where,
                f"'{name}' is listed under '{section}', but it is a {spec.group} parameter; "
                f"{section} may only hold {' or '.join(groups)} parameters. Move it under "
                f"'{other}'.",
            )
        out.append(read_range(name, section, entry, path, where))
    return out


def read_range(name: str, section: str, entry: Any, path: Path, line: int | None) -> SweptParameter:
    """One swept parameter: its ``values`` or its ``low``/``high`` range."""
    spec = SPECS[name]
    label = f"under '{section}', '{name}'"
    if entry is None or entry == PLAUSIBLE or (isinstance(entry, Mapping) and not entry):
        # The declared plausible range (sim/model/parameters.py), for the samplers.
        low, high = spec.plausible_range
        return SweptParameter(name, section, low=low, high=high)
    if not isinstance(entry, Mapping):
        raise sweep_error(
            path,
            line,
            f"{label} is {describe_value(entry)}, but it must be '{PLAUSIBLE}' (its declared "
            "plausible range) or a mapping: {values: [...]} for a grid or {low: ..., high: ...} "
            "for lhs, sobol and morris designs.",
        )
    entry_lines = key_lines(entry)
    for key in entry:
        if key not in RANGE_KEYS:
            raise sweep_error(
                path,
                entry_lines.get(key, line),
                f"{label} has the unknown key '{key}'.{did_you_mean(key, RANGE_KEYS)} "
                "Allowed: 'values' (a list, for a grid) or 'low' and 'high' (for samplers).",
            )
    if "values" in entry:
        if "low" in entry or "high" in entry:
            raise sweep_error(
                path,
                line,
                f"{label} has both 'values' and 'low'/'high'; give 'values' for a grid design "
                "or 'low' and 'high' for lhs, sobol and morris, not both.",
            )
        values = entry["values"]
        vline = entry_lines.get("values", line)
        if not isinstance(values, list) or not values:
            raise sweep_error(
                path,
                vline,
                f"{label}: 'values' is {describe_value(values)}, but it must be a non-empty list.",
            )
        checked = [check_value(spec, v, f"{label}, value {v!r},", path, vline) for v in values]
        dupes = sorted({v for v in checked if checked.count(v) > 1})
        if dupes:
            raise sweep_error(
                path, vline, f"{label}: 'values' lists {dupes[0]!r} twice; list each once."
            )
        return SweptParameter(name, section, values=tuple(checked))
    missing = [k for k in ("low", "high") if k not in entry]
    if missing:
        raise sweep_error(
            path,
            line,
            f"{label} lacks '{missing[0]}'; give 'values' for a grid design, both 'low' and "
            f"'high' for lhs, sobol and morris, or '{name}: {PLAUSIBLE}' for its declared "
            f"plausible range ({spec.plausible_range[0]} to {spec.plausible_range[1]}).",
        )
    low = check_value(spec, entry["low"], f"{label}, 'low'", path, entry_lines.get("low", line))
    high = check_value(spec, entry["high"], f"{label}, 'high'", path, entry_lines.get("high", line))
    if not low < high:
        raise sweep_error(
            path,
            entry_lines.get("high", line),
            f"{label}: 'low' ({low}) must be smaller than 'high' ({high}).",
        )
    return SweptParameter(name, section, low=low, high=high)


def read_design(data: Mapping, path: Path, root_seed: int) -> DesignSpec:
    """The ``design`` section: method and options."""
    raw = data["design"]
    line = key_lines(data).get("design")
    example = "e.g. 'design: grid' or 'design: {method: lhs, samples: 64}'"
    if isinstance(raw, str):
        raw_map: Mapping[str, Any] = {"method": raw}
        lines: Mapping[Any, int] = {}
    elif isinstance(raw, Mapping):
        raw_map, lines = raw, key_lines(raw)
    else:
        raise sweep_error(
            path,
            line,
            f"'design' is {describe_value(raw)}, but it must be a method name or a mapping "
            f"({example}).",
        )
    for key in raw_map:
        if key not in DESIGN_KEYS:
            raise sweep_error(
                path,
                lines.get(key, line),
                f"'design' has the unknown key '{key}'.{did_you_mean(key, DESIGN_KEYS)} "
                f"Allowed: {', '.join(DESIGN_KEYS)}.",
            )
    method = raw_map.get("method")
    if method not in DESIGN_METHODS:
        shown = f"'{method}'" if isinstance(method, str) else describe_value(method)
        raise sweep_error(
            path,
            lines.get("method", line),
            f"the design method is {shown}; it must be one of grid, lhs (Latin hypercube), "
            f"sobol or morris.{did_you_mean(method, DESIGN_METHODS)} ({example})",
        )
    where = lines.get("samples", line)
    if method == "grid":
        extra = [k for k in ("samples", "second_order", "levels", "seed") if k in raw_map]
        if extra:
            raise sweep_error(
                path,
                lines.get(extra[0], line),
                f"a grid design takes no '{extra[0]}': it runs every combination of the "
                "'values' listed.",
            )
        return DesignSpec("grid")
    if "samples" not in raw_map:
        what = {"lhs": "points", "sobol": "base samples N (a power of 2)", "morris": "trajectories"}
        raise sweep_error(
            path,
            line,
            f"a {method} design needs 'samples' (the number of {what[method]}); write e.g. "
            f"'design: {{method: {method}, samples: {8 if method != 'lhs' else 64}}}'.",
        )
    samples = whole_number(raw_map["samples"], "samples", path, where, 1, MAX_RUNS)
    for key, allowed in (("second_order", "sobol"), ("levels", "morris")):
        if key in raw_map and method != allowed:
            raise sweep_error(
                path, lines.get(key, line), f"'{key}' applies to {allowed} designs only."
            )
    second_order = raw_map.get("second_order", False)
    if not isinstance(second_order, bool):
        raise sweep_error(
            path, lines.get("second_order", line),
            f"'second_order' is {describe_value(second_order)}, but it must be true or false.",
        )  # fmt: skip
    if method == "sobol" and samples & (samples - 1):
        lower = 1 << (samples.bit_length() - 1)
        raise sweep_error(
            path,
            where,
            f"a sobol design needs 'samples' to be a power of 2 (Saltelli's scheme keeps its "
            f"balance only then), got {samples}; use {lower} or {lower * 2}.",
        )
    levels = raw_map.get("levels", 4)
    if method == "morris":
        levels = whole_number(levels, "levels", path, lines.get("levels", line), 2, 100)
        if levels % 2:
            raise sweep_error(
                path, lines.get("levels", line), f"'levels' must be even, got {levels}."
            )
    seed = raw_map.get("seed", root_seed)
    seed = whole_number(seed, "seed", path, lines.get("seed", line), 0)
    return DesignSpec(method, samples, second_order, levels, seed)
