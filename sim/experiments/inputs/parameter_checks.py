"""Checking parameter values from scenario files and overrides, with readable errors.

``validate(values, context, base)`` builds validated parameters
(``sim.model.parameters.make_parameters``) and turns pydantic's errors into a
:class:`ScenarioError`: one paragraph naming the file, the line, the key, what
was written and what is allowed (with the likely cause of a wrong type).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydantic
from pydantic import BaseModel

from sim.experiments.inputs.reading import (
    EXPONENT_WITHOUT_POINT,
    allowed_values,
    describe_value,
    did_you_mean,
    file_location,
)
from sim.model.parameters import SPECS, ParameterSpec, make_parameters

PARAMETER_LIST_HINT = (
    "The allowed parameters, with units and ranges, are listed by "
    "`python run.py list --parameters` and declared in sim/model/parameters.py."
)


class ScenarioError(Exception):
    """A scenario file or override is invalid.

    The message is one paragraph naming the file, the offending key and what
    is allowed there.
    """


def scenario_location(path: Path, line: int | None = None) -> str:
    """``Scenario file F, line N`` for messages."""
    return file_location("Scenario", path, line)


def _type_hint(spec: ParameterSpec, value: Any) -> str:
    """Explain the likely cause of a wrong type."""
    if isinstance(value, bool):
        return (
            " YAML reads true/false, yes/no and on/off as yes/no values, "
            "not as numbers; write a number such as 0 or 1."
        )
    if isinstance(value, str):
        if value.strip().lower() in ("yes", "no", "on", "off", "y", "n"):
            return (
                " Files are read as YAML 1.2, where yes/no and on/off are text (not yes/no "
                "values or numbers); write a number such as 0 or 1."
            )
        if ":" in value and value.replace(":", "").strip().isdigit():
            return (
                " Files are read as YAML 1.2, where 1:30 is text (YAML 1.1 read it as a "
                "base-60 number); write the number itself."
            )
        if EXPONENT_WITHOUT_POINT.fullmatch(value.strip()):
            return (
                " YAML reads an exponent without a decimal point as text; "
                "write it with one, e.g. 1.0e-3 instead of 1e-3."
            )
        try:
            float(value)
        except ValueError:
            return ""
        return " Remove the quotes so that YAML reads it as a number."
    if spec.type is int and isinstance(value, float):
        if value.is_integer():
            return f" Write it without a decimal point: {int(value)}."
        return " This parameter counts whole things; round it."
    return ""


def _parameter_problem(spec: ParameterSpec, value: Any, error_type: str) -> str:
    allowed = allowed_values(spec)
    if error_type in ("greater_than_equal", "less_than_equal"):
        if isinstance(value, float) and math.isnan(value):
            return f"is nan (not a number); it must be {allowed}."
        return f"is {describe_value(value)}, which is out of range; it must be {allowed}."
    if error_type in ("int_type", "float_type", "int_from_float", "int_parsing", "float_parsing"):
        return f"is {describe_value(value)}, but it must be {allowed}.{_type_hint(spec, value)}"
    return f"is {describe_value(value)}, which is not allowed; it must be {allowed}."


@dataclass(frozen=True)
class Context:
    """Where a set of parameter values came from, for error messages."""

    path: Path
    section: str
    lines: Mapping[Any, int] = field(default_factory=dict)

    def fail(self, key: Any, problem: str) -> ScenarioError:
        """The error for ``key``: file, line, section, key and the problem."""
        line = self.lines.get(key) if isinstance(key, str) else None
        return ScenarioError(
            f"{scenario_location(self.path, line)}, {self.section}: '{key}' {problem}"
        )


def check_names(values: Mapping[Any, Any], ctx: Context) -> None:
    """Raise for the first key that is not a parameter name (with a did-you-mean)."""
    for key in values:
        if not isinstance(key, str):
            raise ctx.fail(
                key,
                "is not a parameter name; parameter names are text such as "
                f"'review_coverage'. {PARAMETER_LIST_HINT}",
            )
        if key not in SPECS:
            raise ctx.fail(
                key,
                f"is not a model parameter.{did_you_mean(key, SPECS)} {PARAMETER_LIST_HINT}",
            )


def validate(values: Mapping[str, Any], ctx: Context, base: Mapping[str, Any]) -> BaseModel:
    """Return ``make_parameters(**base, **values)``, translating pydantic errors.

    Args:
        values: The new values to check (their names are already known to exist).
        ctx: Where ``values`` came from.
        base: Values already validated (e.g. the parent scenario's overrides).

    Returns:
        The validated parameters.

    Raises:
        ScenarioError: For the first invalid value.
    """
    check_names(values, ctx)
    try:
        return make_parameters(**{**base, **values})
    except pydantic.ValidationError as exc:
        errors = exc.errors(include_url=False)
        first = errors[0]
        if not first.get("loc"):
            # A rule across several parameters (e.g. the government structure).
            message = str(first["msg"]).removeprefix("Value error, ")
            key = next((k for k in values if k in message), next(iter(values), "parameters"))
            raise ctx.fail(key, f"is not allowed with the other values: {message}.") from None
        name = str(first["loc"][0])
        spec = SPECS.get(name)
        if spec is None:  # pragma: no cover - names are checked above
            raise ctx.fail(name, f"is not allowed: {first['msg']}.") from None
        problem = _parameter_problem(spec, first.get("input"), first["type"])
        if len(errors) > 1:
            others = sorted({str(e["loc"][0]) for e in errors[1:] if e.get("loc")} - {name})
            if others:
                problem += " Also invalid: " + ", ".join(f"'{o}'" for o in others) + "."
        raise ctx.fail(name, problem) from None
