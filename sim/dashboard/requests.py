"""Checking what a dashboard request asks for, on the server, before anything runs.

The page's own limits (a number field's ``max``, the dropdown's options) are
only in the browser: anyone who can reach the port can send a callback
request by hand. So every run request is checked here, with the checks the
command line applies (``run.py compare``): parameter values through the
scenario's validation (``Scenario.with_overrides``, the same
``ScenarioError`` paragraph), the size through ``input_limits.estimate`` and
``check_fits`` (the same ``TooLargeError``), plus the dashboard's tighter
bounds for interactive runs. A refused request becomes one paragraph
(:func:`message_of`, bounded like the CLI's ``error: ...`` line) shown on the
page; nothing is built before the checks pass (no seeds, no models).

Design names from a request are only looked up among the known scenario
files (:func:`known_designs`); they are never used as paths. Names of the
designs in the results are made here (:func:`design_names`), from the known
name and whether the design was edited.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sim.dashboard.controls import plain
from sim.experiments.inputs import limits as input_limits
from sim.experiments.inputs.limits import Estimate, TooLargeError, shorten
from sim.experiments.inputs.parameter_checks import ScenarioError
from sim.experiments.inputs.scenarios import Scenario, list_scenarios, load_scenario
from sim.experiments.replications import auto_batch, departments_per_run
from sim.model.parameters import SPECS

#: Fewest paired replications of a dashboard run (a paired CI needs two).
MIN_REPLICATIONS = 2

#: Most paired replications of a dashboard run: one batched model per design for a
#: city (``replications.MAX_AUTO_BATCH``); ``run.py compare -r N`` takes more.
MAX_REPLICATIONS = 100

#: Months per run of a dashboard run (the declared range goes to 600; the CLI takes it).
MIN_MONTHS, MAX_MONTHS = 6, 240

#: Most designs compared at once.
MAX_DESIGNS = 4

#: Largest city a dashboard run accepts (departments over all governments).
MAX_DEPARTMENTS = 400

#: Longest estimated dashboard run (seconds); longer runs belong to the command line.
MAX_SECONDS = 600.0

#: Longest message shown for a refused request (the CLI's ``MAX_MESSAGE_CHARS``).
MAX_MESSAGE_CHARS = 1_500

#: Longest design name made from a user's text.
MAX_NAME_CHARS = 40


class RequestError(ValueError):
    """A dashboard request asks for something not allowed; the message says what is."""


#: What a refused request can raise: the dashboard's own errors and the CLI's.
REQUEST_ERRORS: tuple[type[Exception], ...] = (RequestError, ScenarioError, TooLargeError)


def message_of(exc: BaseException) -> str:
    """One bounded paragraph of a refused request, as the CLI prints it after ``error:``."""
    return shorten(" ".join(str(exc).split()), MAX_MESSAGE_CHARS)


@lru_cache(maxsize=1)
def _known() -> tuple[str, ...]:
    names = []
    for s in list_scenarios():
        p = s.parameters
        if p.n_provinces == 0 and p.n_jurisdictions * p.n_departments <= MAX_DEPARTMENTS:
            names.append(s.name)
    return tuple(names)


def known_designs() -> list[str]:
    """Names of the flat scenario files small enough for interactive runs."""
    return list(_known())


def known_design(name: Any) -> Scenario:
    """The known scenario called ``name``; refuse anything else (never read as a path).

    Raises:
        RequestError: If ``name`` is not text or not one of :func:`known_designs`.
    """
    if not isinstance(name, str) or name not in _known():
        shown = shorten(repr(name), 80)
        raise RequestError(
            f"Design {shown} is not one of the dashboard's designs "
            f"({', '.join(_known())}); a design is chosen by name among the scenario "
            "files, never by a path."
        )
    return load_scenario(name)


def whole_number(value: Any, what: str, low: int, high: int, more: str = "") -> int:
    """``value`` as a whole number in ``[low, high]``; refuse empty, text or fractions.

    Args:
        value: What the request holds (a number field sends a number or None).
        what: The field, for the message.
        low: Smallest allowed.
        high: Largest allowed.
        more: Added to the message of a value out of range.

    Raises:
        RequestError: Naming the field, the value and what is allowed.
    """
    allowed = f"a whole number from {low:,} to {high:,}"
    if value is None or (isinstance(value, str) and not value.strip()):
        raise RequestError(f"{what}: the field is empty; enter {allowed}.")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RequestError(f"{what}: {shorten(repr(value), 60)} is not a number; enter {allowed}.")
    if not math.isfinite(value) or value != int(value):
        raise RequestError(f"{what}: {value!r} is not a whole number; enter {allowed}.")
    number = int(value)
    if not low <= number <= high:
        raise RequestError(f"{what}: {number:,} is out of range; enter {allowed}.{more}")
    return number


def _values(values: Any, where: str) -> dict[str, Any]:
    """A mapping of declared parameter names to numbers; refuse anything else."""
    if values is None:
        return {}
    if not isinstance(values, Mapping):
        raise RequestError(f"{where}: the parameter values are not a mapping of names to numbers.")
    out = {}
    for key, value in values.items():
        if not isinstance(key, str) or key not in SPECS:
            raise RequestError(
                f"{where}: {shorten(repr(key), 60)} is not a model parameter (the parameters "
                "are declared in sim/model/parameters.py)."
            )
        if SPECS[key].group == "structure":
            raise RequestError(
                f"{where}: '{key}' sets the layout of the governments; the dashboard keeps "
                "each design's layout (use a scenario file and run.py compare to change it)."
            )
        if value is None or isinstance(value, str):
            raise RequestError(
                f"{where}: '{key}' is {'empty' if value is None else repr(shorten(value, 40))}; "
                f"enter a number from {SPECS[key].low:g} to {SPECS[key].high:g}."
            )
        out[key] = plain(key, value)
    return out


def clean_name(text: Any) -> str:
    """A design name from a user's text: letters, digits, ``_`` and ``-`` only, bounded."""
    text = str(text or "").strip().lower()
    name = re.sub(r"[^a-z0-9_-]+", "_", text).strip("_-")[:MAX_NAME_CHARS]
    return name


def design_names(bases: Sequence[str], edited: Sequence[bool], given: Sequence[Any]) -> list[str]:
    """Distinct names of the designs of a run, made on the server.

    A design keeps its scenario's name when unchanged; an edited one is
    ``<name>-edited`` unless the user named it (cleaned by :func:`clean_name`);
    repeated names get ``-2``, ``-3``.
    """
    names: list[str] = []
    for base, changed, text in zip(bases, edited, given, strict=True):
        name = clean_name(text) or (f"{base}-edited" if changed else base)
        if name in _known() and (changed or name != base):
            name = f"{name}-edited"  # a known design's name means that design as it is
        stem, k = name, 2
        while name in names:
            name, k = f"{stem}-{k}", k + 1
        names.append(name)
    return names


@dataclass(frozen=True)
class Plan:
    """A checked dashboard run.

    Attributes:
        scenarios: The designs with their values, baseline first (distinct names).
        replications: Paired replications.
        months: Months per run.
        batch: Replications per batched model, chosen as ``run.py compare`` does.
        estimate: The CLI's estimate of memory and time.
    """

    scenarios: tuple[Scenario, ...]
    replications: int
    months: int
    batch: int
    estimate: Estimate


def check_run(
    designs: Any,
    world: Any,
    replications: Any,
    months: Any,
) -> Plan:
    """Check a run request; return the scenarios to run, or refuse with one paragraph.

    Args:
        designs: Up to :data:`MAX_DESIGNS` designs, the baseline first, each a
            mapping with ``base`` (a known design name), ``values`` (the
            design's own parameter values) and optionally ``name``.
        world: Parameter values applied to every design (the uncertainties).
        replications: Paired replications.
        months: Months per run.

    Returns:
        The plan.

    Raises:
        RequestError, ScenarioError, TooLargeError: What is wrong, in one paragraph.
    """
    # Sizes first: nothing else is built for a request refused on its size.
    replications = whole_number(
        replications,
        "Paired replications",
        MIN_REPLICATIONS,
        MAX_REPLICATIONS,
        more=" For more, use the command line: python run.py compare -r N (up to "
        f"{input_limits.MAX_REPLICATIONS:,}).",
    )
    months = whole_number(
        months,
        "Months per run",
        MIN_MONTHS,
        MAX_MONTHS,
        more=f" The command line takes up to {SPECS['months'].high:,} (--months).",
    )
    if not isinstance(designs, Sequence) or isinstance(designs, str) or not designs:
        raise RequestError("The request names no designs; choose at least two.")
    if not 2 <= len(designs) <= MAX_DESIGNS:
        raise RequestError(
            f"The request has {len(designs):,} designs; the dashboard compares 2 to "
            f"{MAX_DESIGNS} (the first is the baseline)."
        )
    scenarios = _scenarios(designs, world, months)
    return _plan(scenarios, replications, months, f"a dashboard run of {len(scenarios)} designs")


def _scenarios(designs: Sequence[Any], world: Any, months: int) -> tuple[Scenario, ...]:
    """The designs as scenarios with their values and the world's, with distinct names."""
    shared = _values(world, "Uncertainties (all designs)")
    bases, own, given = [], [], []
    for k, design in enumerate(designs):
        if not isinstance(design, Mapping):
            raise RequestError(f"Design {k + 1} of the request is not a design.")
        bases.append(known_design(design.get("base")))
        own.append(_values(design.get("values"), f"Design {k + 1} ({bases[-1].name})"))
        given.append(design.get("name"))
    edited = [
        any(v != getattr(b.parameters, n) for n, v in {**values, **shared}.items())
        for b, values in zip(bases, own, strict=True)
    ]
    names = design_names([b.name for b in bases], edited, given)
    return tuple(
        b.with_overrides(name=name, **{**values, **shared, "months": months})
        for b, values, name in zip(bases, own, names, strict=True)
    )


def _plan(scenarios: tuple[Scenario, ...], replications: int, months: int, what: str) -> Plan:
    """Refuse a run too large for the machine or the dashboard (the CLI's estimate)."""
    runs = len(scenarios) * replications
    departments = max(departments_per_run(s.parameters) for s in scenarios)
    needed = input_limits.estimate(runs, months, departments, workers=1)
    what = f"{what} x {replications} replications"
    advice = "lower the replications or the months"
    input_limits.check_fits(what, needed, advice)
    if needed.seconds > MAX_SECONDS:
        raise TooLargeError(
            f"{what} would need {needed.describe()}; the dashboard runs at most about "
            f"{MAX_SECONDS / 60:.0f} minutes; {advice}, or use python run.py compare."
        )
    batch = auto_batch(scenarios, replications)
    return Plan(scenarios, replications, months, batch, needed)


#: Most points of a one-parameter sweep.
MAX_SWEEP_POINTS = 11


def check_design(design: Any, world: Any, months: Any) -> Scenario:
    """Check one design (to save it as a scenario file); return it as a scenario.

    Raises:
        RequestError, ScenarioError: What is wrong, in one paragraph.
    """
    months = whole_number(months, "Months per run", MIN_MONTHS, MAX_MONTHS)
    return _scenarios([design], world, months)[0]


def check_sweep(
    design: Any,
    world: Any,
    parameter: Any,
    low: Any,
    high: Any,
    points: Any,
    replications: Any,
    months: Any,
) -> tuple[Plan, list[float]]:
    """Check a one-parameter sweep of one design; return its plan and the values swept.

    Every point is the design with ``parameter`` set to one of ``points``
    evenly spaced values from ``low`` to ``high`` (whole numbers for a
    whole-number parameter), run with the same paired seeds.

    Raises:
        RequestError, ScenarioError, TooLargeError: What is wrong, in one paragraph.
    """
    replications = whole_number(
        replications, "Paired replications", MIN_REPLICATIONS, MAX_REPLICATIONS
    )
    months = whole_number(months, "Months per run", MIN_MONTHS, MAX_MONTHS)
    points = whole_number(points, "Sweep points", 2, MAX_SWEEP_POINTS)
    if not isinstance(parameter, str) or parameter not in SPECS:
        raise RequestError(
            f"Sweep: {shorten(repr(parameter), 60)} is not a model parameter; choose one."
        )
    spec = SPECS[parameter]
    if spec.group == "structure":
        raise RequestError(f"Sweep: '{parameter}' sets the layout; choose a lever or uncertainty.")
    ends = []
    for what, value in (("from", low), ("to", high)):
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
            raise RequestError(
                f"Sweep '{parameter}' {what}: enter a number from {spec.low:g} to {spec.high:g}."
            )
        if not spec.low <= value <= spec.high:
            raise RequestError(
                f"Sweep '{parameter}' {what}: {value:g} is out of range; enter a number from "
                f"{spec.low:g} to {spec.high:g}."
            )
        ends.append(float(value))
    if ends[0] >= ends[1]:
        raise RequestError(f"Sweep '{parameter}': 'from' must be below 'to'.")
    step = (ends[1] - ends[0]) / (points - 1)
    values = [ends[0] + k * step for k in range(points)]
    if spec.type is int:
        values = sorted({round(v) for v in values})
        if len(values) < 2:
            raise RequestError(f"Sweep '{parameter}': the range holds fewer than two values.")
    base = _scenarios([design], world, months)[0]
    scenarios = tuple(
        base.with_overrides(name=f"{parameter}={v:g}", **{parameter: plain(parameter, v)})
        for v in values
    )
    plan = _plan(scenarios, replications, months, f"a sweep of {len(values)} points")
    return plan, [float(v) for v in values]


def plan_summary(plan: Plan) -> dict[str, Any]:
    """A JSON-ready description of a plan (for the manifest and tests)."""
    return {
        "designs": [s.name for s in plan.scenarios],
        "replications": plan.replications,
        "months": plan.months,
        "batch": plan.batch,
        "estimate": dataclasses.asdict(plan.estimate),
    }
