"""Calibration files: which uncertainties are free, and what they are fitted to.

A calibration file (YAML, in ``sweeps/calibration/``) names the free
uncertainties (uniform priors over their plausible ranges, or a range given),
the targets (an outcome of a scenario at the end of its run, the observed
value, a tolerance, the source and how the observation maps onto the outcome;
a target can be held out of the fit and only checked afterwards) and the size
of the approximate Bayesian computation (ABC-SMC)::

    description: Recover a known budget from the model's own spending.
    free:                                  # uncertainties only: levers are the designs
      annual_budget: plausible             # or {low: ..., high: ...}
    parameters: {n_departments: 10}        # fixed in every run
    months: 36
    targets:
      - name: spending
        scenario: dispersed
        outcome: cum_spending
        observed: 120.0
        tolerance: 10.0                    # the distance counts (simulated - observed) / tolerance
        source: synthetic (made by the model at annual_budget 2)
        mapping: the same outcome
      - name: coverage
        scenario: dispersed                # the base scenario of the regime below
        regime:                            # optional: the regime observed, as parameters
          name: no_review_small            # targets of one regime share its runs
          description: no review office; departments pay; 20 departments
          parameters: {review_coverage: 0.0, n_departments: 20}
        outcome: capability_coverage
        observed: 0.5
        tolerance: 0.1
        held_out: true                     # not fitted: checked against the posterior predictive
        source: ...
        mapping: ...
    population: 50                         # particles per generation
    generations: 4
    replications: 1                        # runs per target and particle (their mean is compared)
    root_seed: 20261205

A target's ``regime`` sets the governance regime the number was observed
under as parameter values over its base scenario (who reviews, with what
authority, who pays, how many departments, capacity), so that a target is
tied to what was observed rather than to a design's label. Its parameters
may not be free (the fit would not set them), they override the file's
``parameters``, and two targets naming one regime must give it the same
scenario and values (they read the same runs).

Loading is as strict as for sweep files; errors name the file, the line and
the key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.experiments.data_files import data_dir
from sim.experiments.inputs.experiment_files import open_experiment_file, relabel
from sim.experiments.inputs.limits import shorten
from sim.experiments.inputs.reading import (
    describe_value,
    did_you_mean,
    file_location,
    is_foreign,
    key_lines,
    redacted,
)
from sim.experiments.inputs.scenarios import Scenario, ScenarioError, load_scenario
from sim.experiments.sweeps.definition import SweepError
from sim.experiments.sweeps.files import read_fixed
from sim.experiments.sweeps.ranges import check_value, whole_number
from sim.model.parameters import SPECS

#: Folder holding the example calibration files.
CALIBRATION_DIR = data_dir("sweeps") / "calibration"

TOP_LEVEL_KEYS: tuple[str, ...] = (
    "description",
    "free",
    "parameters",
    "months",
    "targets",
    "population",
    "generations",
    "replications",
    "root_seed",
)
REQUIRED_KEYS: tuple[str, ...] = ("free", "targets", "population", "generations", "root_seed")
TARGET_KEYS: tuple[str, ...] = (
    "name",
    "scenario",
    "outcome",
    "observed",
    "tolerance",
    "source",
    "mapping",
    "held_out",
    "regime",
)
#: Every target key but the optional ``held_out`` and ``regime``.
REQUIRED_TARGET_KEYS: tuple[str, ...] = tuple(
    k for k in TARGET_KEYS if k not in ("held_out", "regime")
)
#: Keys of a target's ``regime`` (all required).
REGIME_KEYS: tuple[str, ...] = ("name", "description", "parameters")


class CalibrationError(SweepError):
    """A calibration file is invalid (one paragraph naming file, line and key; exit 2)."""


@dataclass(frozen=True)
class Target:
    """One observed pattern the model is fitted to (or checked against).

    Attributes:
        name: Short name.
        scenario: The scenario it is measured in, with the fixed values applied.
        outcome: The model outcome compared (its value at the end of the run).
        observed: The observed value.
        tolerance: Scale of the distance: a miss of one tolerance counts 1.
        source: Where the number comes from.
        mapping: How the observation maps onto the outcome, and its weakness.
        held_out: Left out of the fit; checked against the posterior predictive.
        regime: The regime observed: ``name``, ``description`` and its
            ``parameters`` over the base scenario (empty: the base scenario).
    """

    name: str
    scenario: Scenario = field(repr=False)
    outcome: str
    observed: float
    tolerance: float
    source: str
    mapping: str
    held_out: bool = False
    regime: Mapping[str, Any] = field(default_factory=dict)

    @property
    def regime_text(self) -> str:
        """The regime in one line: its description and parameter values."""
        if not self.regime:
            return f"scenario {self.scenario.name}"
        values = ", ".join(f"{k}={v}" for k, v in self.regime["parameters"].items())
        return f"{self.regime['description']} [{values}]"


@dataclass(frozen=True)
class Calibration:
    """A validated calibration file.

    Attributes:
        path: The file.
        text: Its text.
        description: One line.
        free: Free uncertainty -> (low, high) of its uniform prior.
        fixed: Parameter values applied over every target's scenario.
        targets: The targets, in file order.
        population: Particles per ABC-SMC generation.
        generations: Generations.
        replications: Runs per target and particle (their mean is compared).
        root_seed: Seed of the sampler and of the predictive runs.
    """

    path: Path
    text: str
    description: str
    free: dict[str, tuple[float, float]]
    fixed: dict[str, Any]
    targets: tuple[Target, ...]
    population: int
    generations: int
    replications: int
    root_seed: int

    @property
    def fitted(self) -> tuple[Target, ...]:
        """The targets in the fit."""
        return tuple(t for t in self.targets if not t.held_out)

    @property
    def definition_hash(self) -> str:
        """What identifies the ABC run (priors, targets, fixed values, sizes, seed)."""
        definition = {
            "free": self.free,
            "fixed": self.fixed,
            "targets": [
                [t.name, t.scenario.name, t.outcome, t.observed, t.tolerance, t.held_out]
                + ([dict(t.regime["parameters"])] if t.regime else [])
                for t in self.targets
            ],
            "population": self.population,
            "replications": self.replications,
            "root_seed": self.root_seed,
        }
        text = json.dumps(definition, sort_keys=True, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _error(path: Path, line: int | None, message: str) -> CalibrationError:
    return CalibrationError(f"{file_location('Calibration', path, line)}: {message}")


def _relabel(exc: SweepError) -> SweepError:
    return relabel(exc, "Calibration", CalibrationError)


def _read_free(data: Mapping, path: Path) -> dict[str, tuple[float, float]]:
    raw = data["free"]
    line = key_lines(data).get("free")
    if not isinstance(raw, Mapping) or not raw:
        raise _error(
            path,
            line,
            f"'free' is {describe_value(raw)}, but it must map the uncertainties to calibrate "
            "to 'plausible' or {low: ..., high: ...} (e.g. 'annual_budget: plausible').",
        )
    lines = key_lines(raw)
    out = {}
    for name, entry in raw.items():
        where = lines.get(name, line)
        if name not in SPECS:
            raise _error(
                path,
                where,
                f"under 'free', '{name}' is not a model parameter.{did_you_mean(name, SPECS)}",
            )
        spec = SPECS[name]
        if spec.group != "uncertainty":
            raise _error(
                path,
                where,
                f"'{name}' is a {spec.group} parameter; only uncertainties are calibrated "
                "(levers are the designs being compared, structure is fixed).",
            )
        if entry is None or entry == "plausible" or (isinstance(entry, Mapping) and not entry):
            out[name] = tuple(float(v) for v in spec.plausible_range)
            continue
        if not isinstance(entry, Mapping) or set(entry) != {"low", "high"}:
            raise _error(
                path,
                where,
                f"under 'free', '{name}' is {describe_value(entry)}; write 'plausible' (its "
                f"declared plausible range, {spec.plausible_range[0]} to "
                f"{spec.plausible_range[1]}) or {{low: ..., high: ...}}.",
            )
        entry_lines = key_lines(entry)
        low = check_value(spec, entry["low"], f"'{name}' low", path, entry_lines.get("low"))
        high = check_value(spec, entry["high"], f"'{name}' high", path, entry_lines.get("high"))
        if not low < high:
            raise _error(path, where, f"'{name}': 'low' ({low}) must be smaller than 'high'.")
        out[name] = (float(low), float(high))
    return out


def _read_fixed(data: Mapping, path: Path, free: Mapping[str, Any]) -> dict[str, Any]:
    try:
        fixed = read_fixed(data, path)
    except SweepError as exc:
        raise _relabel(exc) from None
    both = sorted(set(fixed) & set(free))
    if both:
        raise _error(
            path,
            key_lines(data).get("parameters"),
            f"'{both[0]}' is both free and fixed; remove it from one.",
        )
    return fixed


def _number(value: Any, where: str, path: Path, line: int | None, positive: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise _error(path, line, f"{where} is {describe_value(value)}, but it must be a number.")
    if positive and not value > 0:
        raise _error(path, line, f"{where} is {value}, but it must be above 0.")
    return float(value)


def _read_targets(
    data: Mapping, path: Path, fixed: Mapping[str, Any], free: Mapping[str, Any]
) -> tuple[Target, ...]:
    from sim.model.outcomes import OUTCOME_NAMES

    raw = data["targets"]
    line = key_lines(data).get("targets")
    if not isinstance(raw, list) or not raw:
        raise _error(
            path, line, f"'targets' is {describe_value(raw)}, but it must be a list of targets."
        )
    targets, names = [], set()
    for i, entry in enumerate(raw, start=1):
        if not isinstance(entry, Mapping):
            raise _error(path, line, f"target {i} is {describe_value(entry)}, not a mapping.")
        lines = key_lines(entry)
        here = lines.get("name", line)
        for key in entry:
            if key not in TARGET_KEYS:
                raise _error(
                    path,
                    lines.get(key, here),
                    f"target {i} has the unknown key '{key}'.{did_you_mean(key, TARGET_KEYS)} "
                    f"Allowed: {', '.join(TARGET_KEYS)}.",
                )
        for key in REQUIRED_TARGET_KEYS:
            if key not in entry:
                raise _error(
                    path,
                    here,
                    f"target {i} lacks '{key}'; a target needs {', '.join(REQUIRED_TARGET_KEYS)} "
                    "(a number from the world enters only with its source and mapping).",
                )
        name = str(entry["name"]).strip()
        if not name or name in names:
            raise _error(path, here, f"target {i}: the name '{name}' is empty or used twice.")
        names.add(name)
        if entry["outcome"] not in OUTCOME_NAMES:
            raise _error(
                path,
                lines.get("outcome", here),
                f"target '{name}': '{entry['outcome']}' is not an outcome of the model."
                f"{did_you_mean(str(entry['outcome']), OUTCOME_NAMES)}",
            )
        regime = _read_regime(entry, name, path, free, here)
        try:
            base = load_scenario(str(entry["scenario"]))
            overrides = {**fixed, **(regime["parameters"] if regime else {})}
            label = regime["name"] if regime else base.name
            scenario = base.with_overrides(name=label, **overrides) if overrides else base
        except ScenarioError as exc:
            detail, named = str(exc), Path(str(entry["scenario"]))
            if (len(named.parts) > 1 or named.suffix) and is_foreign(named, path):
                detail = redacted(detail, named)  # nothing of a file outside the project
            raise _error(
                path,
                lines.get("scenario", here),
                f"target '{name}': the scenario '{shorten(str(entry['scenario']), 80)}' cannot "
                f"be used. {detail}",
            ) from None
        for key in ("source", "mapping"):
            if not isinstance(entry[key], str) or not entry[key].strip():
                raise _error(path, lines.get(key, here), f"target '{name}': '{key}' must be text.")
        held = entry.get("held_out", False)
        if not isinstance(held, bool):
            raise _error(
                path, lines.get("held_out", here), f"target '{name}': 'held_out' is true or false."
            )
        targets.append(
            Target(
                name=name,
                scenario=scenario,
                outcome=str(entry["outcome"]),
                observed=_number(
                    entry["observed"],
                    f"target '{name}' 'observed'",
                    path,
                    lines.get("observed"),
                    False,
                ),
                tolerance=_number(
                    entry["tolerance"],
                    f"target '{name}' 'tolerance'",
                    path,
                    lines.get("tolerance"),
                    True,
                ),
                source=" ".join(entry["source"].split()),
                mapping=" ".join(entry["mapping"].split()),
                held_out=held,
                regime=regime,
            )
        )
        _check_same_regime(targets, path, lines.get("regime", here))
    if all(t.held_out for t in targets):
        raise _error(path, line, "every target is held out; at least one must be fitted.")
    return tuple(targets)


def _read_regime(
    entry: Mapping, name: str, path: Path, free: Mapping[str, Any], line: int | None
) -> dict[str, Any]:
    """A target's ``regime``: name, description and validated parameter values ({} if none)."""
    if "regime" not in entry:
        return {}
    raw = entry["regime"]
    where = key_lines(entry).get("regime", line)
    example = (
        "e.g. 'regime: {name: no_review, description: no review office; departments pay, "
        "parameters: {review_coverage: 0.0}}'"
    )
    if not isinstance(raw, Mapping):
        raise _error(
            path,
            where,
            f"target '{name}': 'regime' is {describe_value(raw)}, but it must be a mapping "
            f"with {', '.join(REGIME_KEYS)} ({example}).",
        )
    lines = key_lines(raw)
    for key in raw:
        if key not in REGIME_KEYS:
            raise _error(
                path,
                lines.get(key, where),
                f"target '{name}': the regime has the unknown key '{key}'."
                f"{did_you_mean(str(key), REGIME_KEYS)} Allowed: {', '.join(REGIME_KEYS)}.",
            )
    for key in REGIME_KEYS:
        if key not in raw:
            raise _error(
                path,
                where,
                f"target '{name}': the regime lacks '{key}'; a regime needs "
                f"{', '.join(REGIME_KEYS)} (the regime observed, set as parameter values).",
            )
    for key in ("name", "description"):
        if not isinstance(raw[key], str) or not raw[key].strip():
            raise _error(
                path, lines.get(key, where), f"target '{name}': the regime's '{key}' must be text."
            )
    if not isinstance(raw["parameters"], Mapping) or not raw["parameters"]:
        raise _error(
            path,
            lines.get("parameters", where),
            f"target '{name}': the regime's 'parameters' is "
            f"{describe_value(raw['parameters'])}, but it must map parameters to the values "
            f"observed ({example}).",
        )
    try:
        values = read_fixed({"parameters": raw["parameters"]}, path)
    except SweepError as exc:
        raise _relabel(exc) from None
    clash = [k for k in values if k in free]
    if clash:
        raise _error(
            path,
            key_lines(raw["parameters"]).get(clash[0], where),
            f"target '{name}': the regime sets '{clash[0]}', which is free; a regime may only "
            "set parameters the fit does not (remove it from 'free' or from the regime).",
        )
    return {
        "name": raw["name"].strip(),
        "description": " ".join(raw["description"].split()),
        "parameters": values,
    }


def _check_same_regime(targets: list[Target], path: Path, line: int | None) -> None:
    """Targets whose scenarios share a name (one regime) must share its values.

    Targets of one scenario name read the same runs; a regime named like
    another target's scenario, or one regime given twice with other values,
    would silently run only one of them.
    """
    new = targets[-1]
    for old in targets[:-1]:
        if old.scenario.name != new.scenario.name:
            continue
        same = old.scenario.parameters == new.scenario.parameters and (
            old.scenario.policy_changes == new.scenario.policy_changes
        )
        if not same:
            raise _error(
                path,
                line,
                f"target '{new.name}' names the regime '{new.scenario.name}', which target "
                f"'{old.name}' defines with another scenario or other values; targets of one "
                "regime read the same runs, so give it one definition (or another name).",
            )
        return


def load_calibration(path: str | Path) -> Calibration:
    """Load and validate a calibration file.

    Args:
        path: The file, or the name of one in ``sweeps/calibration/``.

    Returns:
        The validated calibration.

    Raises:
        CalibrationError: For any problem (the message names file, line and key).
    """
    path, text, data = open_experiment_file(
        path,
        kind="Calibration",
        folder=CALIBRATION_DIR,
        top_level_keys=TOP_LEVEL_KEYS,
        required_keys=REQUIRED_KEYS,
        error=CalibrationError,
    )
    lines = key_lines(data)
    try:
        population = whole_number(
            data["population"], "population", path, lines.get("population"), 4, 100_000
        )
        generations = whole_number(
            data["generations"], "generations", path, lines.get("generations"), 1, 100
        )
        replications = whole_number(
            data.get("replications", 1), "replications", path, lines.get("replications"), 1, 100
        )
        root_seed = whole_number(data["root_seed"], "root_seed", path, lines.get("root_seed"), 0)
    except SweepError as exc:
        raise _relabel(exc) from None
    free = _read_free(data, path)
    fixed = _read_fixed(data, path, free)
    targets = _read_targets(data, path, fixed, free)
    return Calibration(
        path=path,
        text=text,
        description=" ".join(str(data.get("description", "")).split()),
        free=free,
        fixed=fixed,
        targets=targets,
        population=population,
        generations=generations,
        replications=replications,
        root_seed=root_seed,
    )
