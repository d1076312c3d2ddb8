"""Morris screen of every lever and uncertainty: does each parameter move an outcome?

Issue 11 asks that every declared parameter move at least one outcome, or
go. This module answers with the sweep engine: for each of
``SCREEN_SCENARIOS`` it writes a Morris sweep file (``sweep_text``) that
varies every lever and uncertainty of ``sim/model/parameters.py``, loads it
with ``sim.experiments.sweeps.files.load_sweep`` (the same checks as any sweep
file), runs it with ``sim.experiments.sweeps.runner.run_sweep`` (SALib's Morris
trajectories, paired seeds at every point) and reads SALib's Morris indices
from ``sim.analysis.sweep_summary.summarize_sweep``.

Ranges. Each parameter is screened over its plausible range, declared with
it in ``sim/model/parameters.py`` (``ParameterSpec.plausible_range``, with its
reason; the allowed range where none is declared, as for the lever shares).
Uncertainties take that range in
every scenario; levers take a window around the scenario's own value
(``LEVER_WINDOW`` of the range, centred on it and shifted to fit), so the
screen is *around* each design rather than twice the same global screen.
Integer parameters are sampled as the sweep engine does (on ``[low - 0.5,
high + 0.5]``, rounded).

Indices. SALib's ``mu_star`` is the mean absolute elementary effect: the
change of the mean outcome (over the replications of a point) per step,
scaled to the parameter's whole range. It is normalized by the outcome's
spread, the standard deviation of the point means over the design points of
that scenario: ``normalized = mu_star / spread``. A parameter *moves* an
outcome when its normalized mu* is at least ``THRESHOLD`` (a tenth of the
outcome's spread over the parameter's whole range) **and** at least
``NOISE_MULTIPLE`` times its noise floor: what replication noise alone would
give (``elementary_effects``, ``noise_floor``: the paired effect of each step
is computed per replication, so the floor is the parameter's own). Verdicts:
``moves`` (some outcome in some scenario), ``noise only`` (at or above the
threshold somewhere, but never clear of the noise), ``nothing`` (below the
threshold on every outcome in every scenario): a parameter that moves nothing
is a candidate for removal. Runs at different points share seeds, so a
parameter that the model never reads under the screened conditions changes no
run at all (mu* exactly 0).
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from sim.analysis.validation.core import VALIDATION_SEED
from sim.experiments.inputs.scenarios import load_scenario
from sim.experiments.replications import HEADLINE_OUTCOMES
from sim.model.parameters import SPECS

#: Scenarios screened (levers windowed around each one's values).
SCREEN_SCENARIOS: tuple[str, ...] = ("centralized", "dispersed")
#: Outcomes read: the headline outcomes of every summary.
SCREEN_OUTCOMES: tuple[str, ...] = HEADLINE_OUTCOMES
#: A parameter moves an outcome when its mu* is at least this share of the
#: outcome's spread ...
THRESHOLD = 0.1
#: ... and at least this multiple of its noise floor (under pure noise, mu*
#: averages about the floor, with a spread of about 0.75 floor / sqrt(trajectories)).
NOISE_MULTIPLE = 2.0
#: Width of a lever's window around the scenario's value, as a share of its range.
LEVER_WINDOW = 0.5


@dataclass(frozen=True)
class ScreenSettings:
    """Size of a Morris screen.

    Attributes:
        trajectories: Morris trajectories per scenario (points = trajectories
            x (parameters + 1)).
        replications: Paired replications per point (the index reads their mean).
        n_departments: Departments of the government.
        months: Length of every run.
        levels: Morris grid levels (even).
        scenarios: Scenarios screened.
        quick: Whether this is the quick screen.
    """

    trajectories: int
    replications: int
    n_departments: int
    months: int = 120
    levels: int = 4
    scenarios: tuple[str, ...] = SCREEN_SCENARIOS
    quick: bool = False

    @property
    def delta(self) -> float:
        """SALib's Morris step as a share of the range: levels / (2 (levels - 1))."""
        return self.levels / (2.0 * (self.levels - 1))


SCREEN_FULL = ScreenSettings(trajectories=10, replications=3, n_departments=40)
SCREEN_QUICK = ScreenSettings(trajectories=4, replications=2, n_departments=20, quick=True)


def screen_parameters() -> tuple[str, ...]:
    """Every lever and uncertainty of ``sim/model/parameters.py``, in declaration order."""
    return tuple(n for n, s in SPECS.items() if s.group in ("lever", "uncertainty"))


def screen_range(name: str) -> tuple[float, float]:
    """Range a parameter is screened over: its declared plausible range."""
    return SPECS[name].plausible_range


def _typed(name: str, value: float) -> float | int:
    return int(value) if SPECS[name].type is int else float(value)


def scenario_ranges(scenario: str, parameters: Sequence[str]) -> dict[str, tuple[Any, Any]]:
    """Ranges of ``parameters`` in one scenario: levers windowed around its values.

    A lever's window is ``LEVER_WINDOW`` of its screen range, centred on the
    scenario's value and shifted to stay inside the range (widened to whole
    numbers for integers); an uncertainty keeps its whole screen range.
    """
    values = load_scenario(scenario).parameters
    out: dict[str, tuple[Any, Any]] = {}
    for name in parameters:
        low, high = screen_range(name)
        if SPECS[name].group == "lever":
            width = LEVER_WINDOW * (high - low)
            centre = min(max(float(getattr(values, name)), low), high)
            start = min(max(centre - width / 2, low), high - width)
            a, b = start, start + width
            if SPECS[name].type is int:
                a, b = math.floor(a), math.ceil(b)
            low, high = _typed(name, a), _typed(name, b)
        out[name] = (low, high)
    return out


def sweep_text(
    scenario: str,
    settings: ScreenSettings,
    parameters: Sequence[str] | None = None,
    root_seed: int = VALIDATION_SEED,
) -> str:
    """The Morris sweep file of the screen of one scenario (YAML text)."""
    names = list(parameters or screen_parameters())
    ranges = scenario_ranges(scenario, names)
    sections: dict[str, dict[str, dict[str, Any]]] = {"levers": {}, "uncertainties": {}}
    for name in names:
        section = "levers" if SPECS[name].group == "lever" else "uncertainties"
        low, high = ranges[name]
        sections[section][name] = {"low": low, "high": high}
    data = {
        "description": f"Morris screen of {len(names)} levers and uncertainties around the "
        f"{scenario} design (python run.py validate-model --screen"
        f"{' --quick' if settings.quick else ''}).",
        "scenario": scenario,
        "parameters": {"n_departments": settings.n_departments},
        "months": settings.months,
        **{k: v for k, v in sections.items() if v},
        "design": {
            "method": "morris",
            "samples": settings.trajectories,
            "levels": settings.levels,
            "seed": root_seed,
        },
        "replications": settings.replications,
        "root_seed": root_seed,
        # One model per run: replication r of every point then uses the same
        # random stream (common random numbers), which the paired elementary
        # effects and their noise floor assume; batched points share a seed
        # but not a stream.
        "batch": 1,
        "outcomes": list(SCREEN_OUTCOMES),
    }
    head = "# Written by sim.analysis.validation.screen; run with: python run.py sweep FILE\n"
    return head + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


@dataclass(frozen=True)
class ScreenResult:
    """What a screen produced.

    Attributes:
        table: One row per parameter (``screen_table``).
        indices: One row per scenario, parameter and outcome (``screen_indices``).
        settings: Size of the screen.
        parameters: Parameters screened.
        folders: Per scenario, its sweep folder.
        elapsed: Wall-clock seconds.
    """

    table: pd.DataFrame
    indices: pd.DataFrame
    settings: ScreenSettings
    parameters: tuple[str, ...]
    folders: dict[str, Path]
    elapsed: float


def run_screen(
    out_dir: str | os.PathLike[str],
    settings: ScreenSettings = SCREEN_FULL,
    *,
    parameters: Sequence[str] | None = None,
    workers: int | None = None,
    progress: bool = True,
    root_seed: int = VALIDATION_SEED,
) -> ScreenResult:
    """Run the Morris screen of every scenario into ``out_dir`` and read its indices.

    Args:
        out_dir: Folder receiving ``screen-<scenario>.yaml`` (the sweep file) and
            ``screen-<scenario>/`` (its sweep folder) per scenario.
        settings: Size of the screen.
        parameters: Parameters to screen (default: every lever and uncertainty).
        workers: Processes (``None`` = all cores; 1 = in this process).
        progress: Progress bar on stderr.
        root_seed: Seed of the Morris design and root of the replication seeds.

    Returns:
        The per-parameter table and the indices.
    """
    import time

    from sim.analysis.sweep_summary import summarize_sweep
    from sim.experiments.files import atomic_write
    from sim.experiments.sweeps.files import load_sweep
    from sim.experiments.sweeps.runner import run_sweep

    names = tuple(parameters or screen_parameters())
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    frames, folders = [], {}
    for scenario in settings.scenarios:
        text = sweep_text(scenario, settings, names, root_seed)
        path = out / f"screen-{scenario}.yaml"
        atomic_write(path, lambda p, t=text: p.write_text(t, "utf-8"))
        sweep = load_sweep(path)
        folder = out / f"screen-{scenario}"
        run_sweep(
            sweep,
            folder,
            executor="serial" if workers == 1 else "pool",
            workers=workers,
            progress=progress,
            argv=["validate-model", "--screen"],
        )
        summary = summarize_sweep(folder, argv=["validate-model", "--screen"])
        samples = pd.read_parquet(folder / "design_samples.parquet")
        frames.append(
            screen_indices(summary.sensitivity, summary.runs, samples, scenario, settings)
        )
        folders[scenario] = folder
    indices = pd.concat(frames, ignore_index=True)
    return ScreenResult(
        screen_table(indices, names),
        indices,
        settings,
        names,
        folders,
        time.perf_counter() - start,
    )


def elementary_effects(samples: np.ndarray, y: np.ndarray, delta: float) -> np.ndarray:
    """Elementary effects of every Morris step, per replication.

    SALib's Morris design is a stack of trajectories of ``D + 1`` points in
    which each step changes one parameter by ``delta`` of its range; the
    effect of a step is the change of the outcome divided by the step (signed
    by its direction), as in ``SALib.analyze.morris``. Computed here for each
    replication so that the noise of the mean effect can be estimated from
    the paired differences (replication r has the same seed at every point).

    Args:
        samples: SALib's (unrounded) samples, ``(points, D)``.
        y: Outcome per point and replication, ``(points, R)``.
        delta: The step as a share of the range.

    Returns:
        Array ``(trajectories, D, R)``: the effect of each parameter in each
        trajectory and replication.
    """
    points, d = samples.shape
    t = points // (d + 1)
    x = samples.reshape(t, d + 1, d)
    out = y.reshape(t, d + 1, y.shape[1])
    steps = np.diff(x, axis=1)  # (t, d, d): step j changes one column
    changed = np.abs(steps).argmax(axis=2)
    sign = np.sign(np.take_along_axis(steps, changed[..., None], axis=2)[..., 0])
    change = np.diff(out, axis=1)  # (t, d, R)
    effects = np.zeros((t, d, y.shape[1]))
    for i in range(t):
        effects[i, changed[i]] = sign[i][:, None] * change[i] / delta
    return effects


def noise_floor(effects: np.ndarray) -> np.ndarray:
    """Per parameter, the mu* that replication noise alone would give.

    The mean effect of a step over ``R`` replications has standard error
    ``se`` = SD of its per-replication effects / sqrt(R); a true effect of 0
    gives ``|mean|`` about ``se x sqrt(2 / pi)`` on average. The floor is that,
    averaged over trajectories. NaN with one replication.

    Args:
        effects: ``elementary_effects`` ``(trajectories, D, R)``.

    Returns:
        One floor per parameter, in the outcome's units per whole range.
    """
    reps = effects.shape[2]
    if reps < 2:
        return np.full(effects.shape[1], np.nan)
    se = effects.std(axis=2, ddof=1) / math.sqrt(reps)
    return (se * math.sqrt(2.0 / math.pi)).mean(axis=0)


def screen_indices(
    sensitivity: pd.DataFrame | None,
    runs: pd.DataFrame,
    samples: pd.DataFrame,
    scenario: str,
    settings: ScreenSettings,
) -> pd.DataFrame:
    """Normalized Morris indices of one scenario's screen, with their noise floors.

    Args:
        sensitivity: ``sensitivity.csv`` of the sweep (SALib's Morris indices).
        runs: Final values of every run of the sweep (``point``, ``replication``,
            outcomes).
        samples: ``design_samples.parquet`` of the sweep (``point`` and the
            unrounded samples of every parameter).
        scenario: The scenario screened.
        settings: Size of the screen (for the Morris step).

    Returns:
        One row per parameter and outcome: ``scenario``, ``parameter``,
        ``outcome``, SALib's ``mu_star``, ``mu_star_conf``, ``mu`` and
        ``sigma``, ``spread`` (SD of the point means), ``noise``
        (``noise_floor``), ``normalized`` (mu* / spread),
        ``noise_normalized`` and ``moves``.

    Raises:
        ValueError: If the sweep gave no indices, or if the per-replication
            effects do not average to SALib's mu* (they must).
    """
    if sensitivity is None or sensitivity.empty:
        raise ValueError(f"the screen of {scenario} produced no Morris indices")
    names = [c for c in samples.columns if c != "point"]
    x = samples.sort_values("point")[names].to_numpy(dtype=float)
    means = runs.groupby("point").mean(numeric_only=True)
    rows = []
    for outcome, part in sensitivity.groupby("outcome", sort=False):
        wide = part.pivot_table(index="parameter", columns="index", values=["value", "conf"])
        y = runs.pivot(index="point", columns="replication", values=outcome).to_numpy(float)
        effects = elementary_effects(x, y, settings.delta)
        floor = noise_floor(effects)
        mu_star = wide.loc[names, ("value", "mu_star")].to_numpy(dtype=float)
        if not np.allclose(np.abs(effects.mean(axis=2)).mean(axis=0), mu_star, atol=1e-9):
            raise ValueError(f"elementary effects of {outcome} do not match SALib's mu*")
        spread = float(means[outcome].std(ddof=1))
        for i, name in enumerate(names):
            normalized = mu_star[i] / spread if spread > 0 else math.nan
            clear = not math.isfinite(floor[i]) or mu_star[i] >= NOISE_MULTIPLE * floor[i]
            rows.append(
                {
                    "scenario": scenario,
                    "parameter": name,
                    "outcome": outcome,
                    "mu_star": mu_star[i],
                    "mu_star_conf": float(wide.loc[name, ("conf", "mu_star")]),
                    "mu": float(wide.loc[name, ("value", "mu")]),
                    "sigma": float(wide.loc[name, ("value", "sigma")]),
                    "spread": spread,
                    "noise": float(floor[i]),
                    "normalized": normalized,
                    "noise_normalized": floor[i] / spread if spread > 0 else math.nan,
                    "moves": bool(normalized >= THRESHOLD and clear),
                }
            )
    return pd.DataFrame(rows)


def screen_table(indices: pd.DataFrame, parameters: Sequence[str]) -> pd.DataFrame:
    """One row per parameter: its largest normalized mu*, where, and whether it moves anything.

    Args:
        indices: ``screen_indices`` of every scenario.
        parameters: Parameters screened (every one gets a row, in this order).

    Returns:
        Columns ``parameter``, ``group``, per scenario ``<scenario>`` (its
        largest normalized mu* over the outcomes), ``<scenario>_outcome``
        (which outcome) and ``<scenario>_clear`` (whether that index is clear
        of its noise floor), then ``largest``, ``outcome``, ``scenario``
        (the largest over scenarios), ``moves`` (True when some outcome in
        some scenario is moved, see the module) and ``verdict`` (``moves``,
        ``noise only``, ``nothing``).
    """
    scenarios = list(dict.fromkeys(indices["scenario"]))
    valid = indices.dropna(subset=["normalized"])
    clear = ~(valid["noise"] * NOISE_MULTIPLE > valid["mu_star"])
    valid = valid.assign(clear=clear)
    rows = []
    for name in parameters:
        part = valid[valid["parameter"] == name]
        row: dict[str, Any] = {"parameter": name, "group": SPECS[name].group}
        for sc in [*scenarios, None]:
            mine = part if sc is None else part[part["scenario"] == sc]
            best = mine.loc[mine["normalized"].idxmax()] if len(mine) else None
            key = "largest" if sc is None else sc
            row[key] = float(best["normalized"]) if best is not None else math.nan
            row["outcome" if sc is None else f"{sc}_outcome"] = (
                best["outcome"] if best is not None else ""
            )
            if sc is None:
                row["scenario"] = best["scenario"] if best is not None else ""
            else:
                row[f"{sc}_clear"] = bool(best["clear"]) if best is not None else False
        moves = bool(indices.loc[indices["parameter"] == name, "moves"].any())
        above = bool((part["normalized"] >= THRESHOLD).any())
        row["moves"] = moves
        row["verdict"] = "moves" if moves else ("noise only" if above else "nothing")
        rows.append(row)
    return pd.DataFrame(rows)


def format_screen(result: ScreenResult) -> str:
    """Return the screen's table as printed by ``run.py validate-model --screen``."""
    s, table = result.settings, result.table
    short = {
        "n_redundant_common_systems": "redundant",
        "duplication_rate": "dup_rate",
        "data_sharing_rate": "sharing",
        "platform_adoption_rate": "adoption",
        "capability_coverage": "coverage",
        "mean_months_to_service": "months",
        "cum_spending": "spending",
        "cost_per_service_month": "cost/month",
        "cum_service_months": "service",
    }
    points = s.trajectories * (len(result.parameters) + 1)
    lines = [
        f"Morris screen: {len(result.parameters)} levers and uncertainties, "
        f"{s.trajectories} trajectories ({points} points) x {s.replications} paired "
        f"replications per scenario, {s.n_departments} departments, {s.months} months"
        f"{' (quick)' if s.quick else ''}; levers in a window of {LEVER_WINDOW:g} of their "
        "range around each scenario's value, uncertainties over their whole screen range.",
        f"Normalized mu* = SALib mu* / SD of the outcome over the design points; a parameter "
        f"moves an outcome when it is >= {THRESHOLD:g} and >= {NOISE_MULTIPLE:g} x its "
        "replication-noise floor (~: the largest is not). "
        f"Outcomes: {', '.join(f'{v} = {k}' for k, v in short.items())}.",
    ]
    scenarios = [sc for sc in s.scenarios if sc in table.columns]
    width = max(len(p) for p in table["parameter"]) + 2
    head = f"{'parameter':<{width}}{'group':<13}" + "".join(f"{sc[:22]:<24}" for sc in scenarios)
    lines.append(head + "verdict")
    for _, r in table.iterrows():
        cells = ""
        for sc in scenarios:
            v = r[sc]
            mark = "" if r[f"{sc}_clear"] else "~"
            cell = f"{v:.2f}{mark} {short.get(r[f'{sc}_outcome'], r[f'{sc}_outcome'])}"
            cells += f"{cell if math.isfinite(v) else '-':<24}"
        lines.append(f"{r['parameter']:<{width}}{r['group']:<13}{cells}{r['verdict']}")
    idle = table[~table["moves"].astype(bool)]
    lines.append(
        f"{int(table['moves'].sum())} of {len(table)} parameters move at least one headline "
        f"outcome; moving none ({len(idle)}): {', '.join(idle['parameter']) or '-'} "
        f"({result.elapsed:.0f} s)."
    )
    return "\n".join(lines)
