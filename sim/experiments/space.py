"""The one uncertainty set: every declared uncertainty and structure parameter.

``run.py discover`` (a file that names no uncertainties), the EMA Workbench
adapter (``sim.experiments.discovery.ema``), ``run.py where-it-loses`` and the headline
of the main report explore the same space: every parameter of group
``uncertainty`` or ``structure`` declared in ``sim/model/parameters.py``, over
its declared plausible range, read from the declarations (a parameter added
there joins the space by itself). What is not explored is *fixed*, each with
its value and its reason, and every report lists the fixed parameters.

:data:`CITY_FIXED` holds the fixes of the city comparison (one government
compared under two designs): the parameters that build a multi-level
hierarchy or copies of a government, which change which world is simulated
rather than an uncertainty about it. A discovery file lists its own in its
``fixed:`` section (the shipped file lists exactly these, which a test checks).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sim.model.parameters import SPECS

#: The parameter groups that make up the space (levers are the designs).
SPACE_GROUPS: tuple[str, ...] = ("uncertainty", "structure")


@dataclass(frozen=True)
class Fixed:
    """A parameter of the space held at one value, and why.

    Attributes:
        name: The parameter (an uncertainty or structure parameter).
        value: Its value in every run.
        reason: Why it is not explored (one sentence).
    """

    name: str
    value: float | int
    reason: str


_MULTI_LEVEL = (
    "the comparison is of one government (a flat layout); the multi-level hierarchy is "
    "another world, run by the national_* and province_* scenarios"
)

#: The fixes of the city comparison, each with its reason.
CITY_FIXED: dict[str, Fixed] = {
    f.name: f
    for f in (
        Fixed(
            "n_jurisdictions",
            1,
            "copies of one government side by side: outcomes are per government, so copies "
            "only narrow intervals, which the replications already do",
        ),
        Fixed("n_provinces", 0, _MULTI_LEVEL),
        Fixed("n_prefectures", 0, _MULTI_LEVEL),
        Fixed("n_counties", 0, _MULTI_LEVEL),
        Fixed("n_townships", 0, _MULTI_LEVEL),
        Fixed(
            "township_offices",
            7,
            "the offices of a township government, used only when a multi-level run "
            "reaches townships (n_townships > 0); no effect on one government",
        ),
        Fixed(
            "n_ministries",
            27,
            "the central government's departments, used only in a multi-level run "
            "(n_provinces > 0); no effect on one government",
        ),
        Fixed(
            "department_spread",
            0,
            "with one government the spread only blurs its size, and n_departments is "
            "explored itself",
        ),
    )
}


def space_parameters(fixed: Iterable[str] = ()) -> tuple[str, ...]:
    """Every declared uncertainty and structure parameter not fixed, in declaration order.

    Args:
        fixed: Names held at one value (not explored).

    Returns:
        The names, read from ``sim.model.parameters.SPECS``.
    """
    held = set(fixed)
    return tuple(n for n, s in SPECS.items() if s.group in SPACE_GROUPS and n not in held)


def plausible_ranges(names: Iterable[str]) -> dict[str, tuple[float | int, float | int]]:
    """The declared plausible range of each parameter."""
    return {n: SPECS[n].plausible_range for n in names}


def city_space() -> tuple[str, ...]:
    """The parameters explored in the city comparison: the space less :data:`CITY_FIXED`."""
    return space_parameters(CITY_FIXED)


def fixed_values(fixed: Mapping[str, Fixed]) -> dict[str, Any]:
    """``{name: value}`` of fixed parameters."""
    return {n: f.value for n, f in fixed.items()}


#: Keys of one entry of a ``fixed:`` section.
FIXED_KEYS: tuple[str, ...] = ("value", "reason")

#: The shortest reason accepted: a word or two is not a reason.
MIN_REASON_CHARS = 10


def read_fixed_section(raw: Any, path: Any, line: int | None, error: Any) -> dict[str, Fixed]:
    """Read a ``fixed:`` section: ``{name: {value: V, reason: "why"}}``, strictly.

    Args:
        raw: The section as read from YAML (a mapping, or None for none).
        path: The file (for messages).
        line: Line of the ``fixed`` key.
        error: ``error(path, line, message)`` makes the exception to raise.

    Returns:
        Name to :class:`Fixed`, in file order.

    Raises:
        The exception ``error`` makes: for a section that is not a mapping, an
        unknown parameter (with a did-you-mean), a lever (levers are the
        designs), an entry without ``value`` or ``reason`` or with another
        key, a value outside the allowed range, or a reason too short to say
        why.
    """
    from collections.abc import Mapping as _Mapping

    from sim.experiments.inputs.reading import describe_value, did_you_mean, key_lines
    from sim.experiments.sweeps.definition import SweepError
    from sim.experiments.sweeps.ranges import check_value

    if raw is None:
        return {}
    example = (
        "e.g. 'fixed: {n_jurisdictions: {value: 1, reason: \"copies only narrow intervals\"}}'"
    )
    if not isinstance(raw, _Mapping):
        raise error(
            path,
            line,
            f"'fixed' is {describe_value(raw)}, but it must be a mapping of uncertainty or "
            f"structure parameters to a value and a reason ({example}).",
        )
    lines = key_lines(raw)
    out: dict[str, Fixed] = {}
    for name, entry in raw.items():
        at = lines.get(name, line)
        if name not in SPECS:
            raise error(
                path,
                at,
                f"under 'fixed', {describe_value(name)} is not a model parameter."
                f"{did_you_mean(name, SPECS)} Allowed: the uncertainty and structure "
                "parameters of 'python run.py list --parameters'.",
            )
        spec = SPECS[name]
        if spec.group not in SPACE_GROUPS:
            raise error(
                path,
                at,
                f"under 'fixed', '{name}' is a lever: levers are the designs' choices, set in "
                "their scenario files (or under 'levers'); 'fixed' holds uncertainty and "
                "structure parameters that the discovery does not explore.",
            )
        if not isinstance(entry, _Mapping) or set(entry) != set(FIXED_KEYS):
            extra = sorted(set(entry) - set(FIXED_KEYS)) if isinstance(entry, _Mapping) else []
            missing = [k for k in FIXED_KEYS if not isinstance(entry, _Mapping) or k not in entry]
            detail = (
                f"it has {', '.join(repr(str(k)) for k in extra)}, which is not allowed"
                + did_you_mean(extra[0], FIXED_KEYS)
                if extra
                else f"it lacks {' and '.join(repr(k) for k in missing)}"
                if isinstance(entry, _Mapping)
                else f"it is {describe_value(entry)}"
            )
            raise error(
                path,
                at,
                f"under 'fixed', '{name}' must be a mapping with exactly 'value' and 'reason' "
                f"(why it is not explored), but {detail}; {example}.",
            )
        entry_lines = key_lines(entry)
        try:
            value = check_value(
                spec,
                entry["value"],
                f"under 'fixed', '{name}: value'",
                path,
                entry_lines.get("value", at),
            )
        except SweepError as exc:
            raise error(path, entry_lines.get("value", at), str(exc).split(": ", 1)[-1]) from None
        reason = entry["reason"]
        if not isinstance(reason, str) or len(" ".join(reason.split())) < MIN_REASON_CHARS:
            raise error(
                path,
                entry_lines.get("reason", at),
                f"under 'fixed', '{name}: reason' is {describe_value(reason)}, but it must say "
                f"in words (at least {MIN_REASON_CHARS} characters) why '{name}' is held at "
                "one value instead of explored over its plausible range.",
            )
        out[name] = Fixed(name, value, " ".join(reason.split()))
    return out


def sample_worlds(
    count: int, seed: int, fixed: Mapping[str, Fixed] | None = None
) -> list[dict[str, Any]]:
    """Worlds drawn from the space by Latin hypercube (SALib, as discovery designs are).

    Integer parameters are sampled on [low - 0.5, high + 0.5] and rounded, as
    in sweeps, so each whole number is equally likely.

    Args:
        count: Worlds to draw.
        seed: Seed of the sampler.
        fixed: Parameters held (default :data:`CITY_FIXED`); their values are
            included in every world.

    Returns:
        One ``{parameter: value}`` per world: the sampled values and the fixed ones.
    """
    from SALib.sample import latin

    fixed = CITY_FIXED if fixed is None else fixed
    names = space_parameters(fixed)
    bounds = []
    for name in names:
        low, high = SPECS[name].plausible_range
        widen = 0.5 if SPECS[name].type is int else 0.0
        bounds.append([float(low) - widen, float(high) + widen])
    problem = {"num_vars": len(names), "names": list(names), "bounds": bounds}
    samples = latin.sample(problem, int(count), seed=int(seed))
    worlds = []
    for row in samples:
        world: dict[str, Any] = dict(fixed_values(fixed))
        for name, value in zip(names, row, strict=True):
            if SPECS[name].type is int:
                low, high = SPECS[name].plausible_range
                world[name] = int(min(max(round(float(value)), low), high))
            else:
                world[name] = float(value)
        worlds.append(world)
    return worlds
