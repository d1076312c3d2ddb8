"""Morris screen of every lever and uncertainty, against a measured seed-noise floor.

Issue 11 asks that every declared parameter move at least one outcome, or
go; issue 26 (item 5) that a parameter be called inert only when its effect
is below what seed noise alone gives, on every headline outcome. This module
screens every lever and uncertainty of ``sim/model/parameters.py`` with
SALib's Morris method and measures that noise floor with *seed dummies*.

Ranges. One global screen: every lever and uncertainty varies over its whole
plausible range, read from its declaration (``ParameterSpec.plausible_range``;
the allowed range where none is declared, as for the lever shares). Since
the two designs differ only in levers, and every lever varies, the base
scenario (``SCREEN_BASE``) supplies nothing but the structure. Integers are
sampled as the sweep engine does (on ``[low - 0.5, high + 0.5]``, rounded).

Seeds and dummies. Replication ``r`` of every point runs with the same seed
(common random numbers), so a step that changes one parameter changes the
run only through that parameter. ``SEED_DUMMIES`` extra Morris factors are
never read by the model: the seed of a run is derived from the replication
*and the levels of the dummies*, so a dummy's step changes nothing but the
seeds (fully decorrelated runs: what a parameter that does nothing but
perturb the random stream would give at most).

Index and floor. Per outcome, SALib's ``mu_star`` (mean over trajectories of
the absolute elementary effect of the mean over replications; change of the
outcome per whole range, in the outcome's units) with a 95% bootstrap
interval over trajectories. Each parameter's noise floor comes from its own
steps: the standard error of each step's mean effect, from the spread of its
paired per-replication effects (``paired_noise``, bias-corrected), gives the
mu* seed noise alone would produce (``null_mu_star``: ``|N(0, SE^2)|``
averaged over the trajectories); the floor is its ``floor_quantile``
quantile, ``1 - FAMILY_ALPHA / outcomes`` (Bonferroni: a do-nothing
parameter with normal noise passes on some outcome with chance 0.05). The
seed dummies are judged the same way, and calibrate the verdict: a parameter
is **active** when it is above its floor on some headline outcome and its
largest mu* / floor is above the largest a dummy reached; **weak** when above
its floor somewhere but not beyond the dummies; **inert** when below its floor
on every outcome; **never read** when its mu* is exactly 0 everywhere (the
paired runs are identical). A floor from the dummies' fully decorrelated
steps instead was tried and is 2-30 times the paired noise of the
parameters' steps (common random numbers keep most of the randomness
shared): it called 72 of 83 parameters inert, including the three levers that
issue 26 shows move outcomes (docs/VALIDATION.md).
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import gammaln

from sim.analysis.validation.core import VALIDATION_SEED
from sim.experiments.inputs.scenarios import load_scenario
from sim.experiments.replications import HEADLINE_OUTCOMES
from sim.model.parameters import SPECS

#: Scenario supplying the values of what the screen does not vary (the
#: structure); every lever and uncertainty varies, so the design is immaterial.
SCREEN_BASE = "dispersed"
#: Outcomes read: the headline outcomes of every summary.
SCREEN_OUTCOMES: tuple[str, ...] = HEADLINE_OUTCOMES
#: Morris factors that change only the seeds of the runs (see the module).
SEED_DUMMIES = 8
#: Chance that a factor changing nothing but the seeds is called active on
#: some outcome: the floor of each outcome is the ``1 - FAMILY_ALPHA /
#: outcomes`` quantile of its do-nothing mu* (Bonferroni over the outcomes).
FAMILY_ALPHA = 0.05
#: Bootstrap draws of the floor and of the intervals.
BOOTSTRAP = 4000
#: Short names of the outcomes in the printed table.
SHORT = {
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


@dataclass(frozen=True)
class ScreenSettings:
    """Size of a Morris screen.

    Attributes:
        trajectories: Morris trajectories (points = trajectories x (parameters
            + dummies + 1)).
        replications: Paired replications per point (the index reads their mean).
        n_departments: Departments of the government.
        months: Length of every run.
        levels: Morris grid levels (even).
        dummies: Seed dummies (``SEED_DUMMIES``).
        quick: Whether this is the quick screen.
    """

    trajectories: int
    replications: int
    n_departments: int
    months: int = 120
    levels: int = 4
    dummies: int = SEED_DUMMIES
    quick: bool = False

    @property
    def delta(self) -> float:
        """SALib's Morris step as a share of the range: levels / (2 (levels - 1))."""
        return self.levels / (2.0 * (self.levels - 1))


#: 10 x 92 points x 2 = 1,840 runs (2,056 s on two cores shared by other jobs).
SCREEN_FULL = ScreenSettings(trajectories=10, replications=2, n_departments=40)
SCREEN_QUICK = ScreenSettings(trajectories=4, replications=2, n_departments=20, quick=True)


def screen_parameters() -> tuple[str, ...]:
    """Every lever and uncertainty of ``sim/model/parameters.py``, in declaration order."""
    return tuple(n for n, s in SPECS.items() if s.group in ("lever", "uncertainty"))


def screen_range(name: str) -> tuple[float | int, float | int]:
    """Range a parameter is screened over: its declared plausible range (read, not copied)."""
    return SPECS[name].plausible_range


def dummy_names(settings: ScreenSettings) -> tuple[str, ...]:
    """Names of the seed dummies (no parameter has them)."""
    return tuple(f"(seed dummy {k + 1})" for k in range(settings.dummies))


def salib_problem(names: Sequence[str], settings: ScreenSettings) -> dict[str, Any]:
    """SALib problem: the parameters over their plausible ranges, then the dummies on [0, 1]."""
    bounds = []
    for name in names:
        low, high = screen_range(name)
        if SPECS[name].type is int:  # as the sweep engine: every integer equally likely
            bounds.append([low - 0.5, high + 0.5])
        else:
            bounds.append([float(low), float(high)])
    dummies = dummy_names(settings)
    return {
        "num_vars": len(names) + len(dummies),
        "names": [*names, *dummies],
        "bounds": bounds + [[0.0, 1.0]] * len(dummies),
    }


@dataclass(frozen=True)
class ScreenDesign:
    """The points of a screen and the seed of every run.

    Attributes:
        samples: SALib's Morris samples (unrounded), ``(points, parameters + dummies)``.
        values: One row per point: the parameter values run (integers rounded).
        seeds: ``(points, replications)`` integer seeds.
        names: The parameters.
        dummies: The seed dummies.
    """

    samples: np.ndarray
    values: pd.DataFrame
    seeds: np.ndarray
    names: tuple[str, ...]
    dummies: tuple[str, ...]


def build_design(
    names: Sequence[str], settings: ScreenSettings, root_seed: int = VALIDATION_SEED
) -> ScreenDesign:
    """Draw the Morris design and the seeds of its runs.

    Replication ``r`` of a point is seeded from ``(root_seed, r, levels of the
    dummies)``: equal at every point of a trajectory until a dummy steps.
    """
    from SALib.sample import morris as morris_sample

    names = tuple(names)
    problem = salib_problem(names, settings)
    samples = morris_sample.sample(
        problem, settings.trajectories, num_levels=settings.levels, seed=root_seed
    )
    values = pd.DataFrame(samples[:, : len(names)].copy(), columns=list(names))
    for name in names:
        if SPECS[name].type is int:
            low, high = screen_range(name)
            values[name] = np.clip(np.rint(values[name]), low, high).astype(np.int64)
    levels = np.rint(samples[:, len(names) :] * (settings.levels - 1)).astype(np.int64)
    seeds = np.empty((len(samples), settings.replications), dtype=np.int64)
    for p, row in enumerate(levels):
        for r in range(settings.replications):
            sequence = np.random.SeedSequence([int(root_seed), r, *map(int, row)])
            seeds[p, r] = int(sequence.generate_state(1)[0])
    return ScreenDesign(samples, values, seeds, names, dummy_names(settings))


def _run_tasks(context: dict[str, Any], tasks: Sequence[tuple[int, int, int, tuple]]) -> list:
    """Run ``(point, replication, seed, values)`` tasks; return their final outcomes (a worker)."""
    from sim.experiments.replications import run_one
    from sim.model.parameters import make_parameters

    base, names, outcomes = context["base"], context["names"], context["outcomes"]
    rows = []
    for point, rep, seed, values in tasks:
        params = make_parameters(**{**base, **dict(zip(names, values, strict=True))})
        run = SimpleNamespace(name="", parameters=params, policy_changes=())
        last = run_one(run, seed, rep).iloc[-1]
        rows.append({"point": point, "replication": rep, "seed": seed,
                     **{o: float(last[o]) for o in outcomes}})  # fmt: skip
    return rows


def run_design(
    design: ScreenDesign,
    settings: ScreenSettings,
    *,
    workers: int | None = None,
    progress: bool = True,
) -> pd.DataFrame:
    """Run every point and replication of a screen; one row per run (final values)."""
    from tqdm import tqdm

    from sim.experiments.executors import make_executor

    base = load_scenario(SCREEN_BASE).parameters.model_dump()
    base.update(n_departments=settings.n_departments, months=settings.months)
    context = {"base": base, "names": list(design.names), "outcomes": list(SCREEN_OUTCOMES)}
    rows = design.values.itertuples(index=False, name=None)
    values = [tuple(v.item() if hasattr(v, "item") else v for v in row) for row in rows]
    tasks = [
        (p, r, int(design.seeds[p, r]), values[p])
        for r in range(settings.replications)
        for p in range(len(values))
    ]
    chunks = [tasks[i : i + 8] for i in range(0, len(tasks), 8)]
    out: list[dict[str, Any]] = []
    executor = "serial" if workers == 1 else "pool"
    with make_executor(executor, workers) as ex:
        bar = tqdm(total=len(tasks), disable=not progress, file=sys.stderr, unit="run",
                   desc="screen", dynamic_ncols=True)  # fmt: skip
        with bar:
            for rows_done in ex.imap_unordered(partial(_run_tasks, context), chunks):
                out.extend(rows_done)
                bar.update(len(rows_done))
    return pd.DataFrame(out).sort_values(["point", "replication"], ignore_index=True)


def elementary_effects(samples: np.ndarray, y: np.ndarray, delta: float) -> np.ndarray:
    """Elementary effects of every Morris step, per replication.

    SALib's Morris design is a stack of trajectories of ``D + 1`` points in
    which each step changes one factor by ``delta`` of its range; the
    effect of a step is the change of the outcome divided by the step (signed
    by its direction), as in ``SALib.analyze.morris``.

    Args:
        samples: SALib's (unrounded) samples, ``(points, D)``.
        y: Outcome per point and replication, ``(points, R)``.
        delta: The step as a share of the range.

    Returns:
        Array ``(trajectories, D, R)``: the effect of each factor in each
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


def c4(n: int) -> float:
    """E[sample SD] / SD of ``n`` normal values: the bias of an SD over few replications."""
    return math.sqrt(2.0 / (n - 1)) * math.exp(gammaln(n / 2) - gammaln((n - 1) / 2))


def paired_noise(effects: np.ndarray) -> np.ndarray:
    """Per trajectory and factor, the standard error of the mean effect over the replications.

    The SD over replications of a step's paired per-replication effects
    (replication ``r`` has the same seed at both ends of the step), divided by
    ``c4(R)`` (unbiased at two or three replications) and by ``sqrt(R)``.

    Args:
        effects: ``elementary_effects``, ``(trajectories, D, R)``.

    Returns:
        ``(trajectories, D)``.
    """
    reps = effects.shape[2]
    return effects.std(axis=2, ddof=1) / (c4(reps) * math.sqrt(reps))


def null_mu_star(noise: np.ndarray, draws: int, rng: np.random.Generator) -> np.ndarray:
    """Draws of the mu* each factor would get if its steps changed the outcome by noise alone.

    Args:
        noise: ``paired_noise``, ``(trajectories, D)``.
        draws: Draws.
        rng: Random generator.

    Returns:
        ``(draws, D)``: means over trajectories of ``|N(0, noise^2)|``.
    """
    z = np.abs(rng.standard_normal((draws, noise.shape[0])))
    return np.einsum("bt,td->bd", z, noise) / noise.shape[0]


def _mu_star_interval(
    absolute: np.ndarray, draws: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """95% percentile bootstrap interval over trajectories of mu* (``absolute``: (t, D))."""
    t = absolute.shape[0]
    idx = rng.integers(0, t, size=(draws, t))
    boot = absolute[idx].mean(axis=1)  # (draws, D)
    return np.quantile(boot, 0.025, axis=0), np.quantile(boot, 0.975, axis=0)


def floor_quantile(outcomes: int = len(SCREEN_OUTCOMES)) -> float:
    """Per-outcome quantile of the do-nothing mu* that is the floor (Bonferroni over outcomes)."""
    return 1.0 - FAMILY_ALPHA / outcomes


def screen_indices(
    design: ScreenDesign, runs: pd.DataFrame, settings: ScreenSettings, seed: int = VALIDATION_SEED
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Morris indices of every parameter and dummy on every outcome, with their noise floors.

    Args:
        design: The screen's design.
        runs: ``run_design``'s runs.
        settings: Size of the screen (Morris step).
        seed: Seed of the bootstraps and of the simulated floors.

    Returns:
        ``(indices, floors)``. ``indices``: one row per factor (parameter or
        dummy) and outcome: ``parameter``, ``dummy``, ``outcome``, ``mu_star``
        (SALib's), ``ci_low``, ``ci_high`` (95% bootstrap over trajectories),
        ``mu`` and ``sigma`` (SALib's), ``noise_floor`` (the
        ``floor_quantile`` quantile of the mu* the factor's own steps would
        get from seed noise alone, ``null_mu_star``), ``ratio`` (mu* / floor)
        and ``above`` (mu* > floor). ``floors``: per outcome, ``noise_floor``
        and ``noise_mean`` (medians over the parameters of the floor and of
        the expected noise mu*), ``dummy_floor`` (median floor of the seed
        dummies, whose steps decorrelate the runs fully) and ``seed_sd`` (SD of
        the runs of a point, root mean square over points).

    Raises:
        ValueError: If the per-replication effects do not average to SALib's
            mu* (they must), or with fewer than two replications.
    """
    from SALib.analyze import morris as morris_analyze

    if settings.replications < 2:
        raise ValueError("the noise floor needs at least two replications per point")
    names = [*design.names, *design.dummies]
    d = len(design.names)
    problem = salib_problem(design.names, settings)
    rng = np.random.default_rng(seed)
    quantile = floor_quantile()
    rows, floors = [], []
    for outcome in SCREEN_OUTCOMES:
        y = runs.pivot(index="point", columns="replication", values=outcome).to_numpy(float)
        effects = elementary_effects(design.samples, y, settings.delta)
        absolute = np.abs(effects.mean(axis=2))  # (t, factors)
        indices = morris_analyze.analyze(
            problem, design.samples, y.mean(axis=1), num_levels=settings.levels, seed=seed
        )
        mu_star = np.asarray(indices["mu_star"], dtype=float)
        if not np.allclose(absolute.mean(axis=0), mu_star, atol=1e-9, rtol=1e-9):
            raise ValueError(f"elementary effects of {outcome} do not match SALib's mu*")
        low, high = _mu_star_interval(absolute, BOOTSTRAP, rng)
        noise = paired_noise(effects)
        floor = np.quantile(null_mu_star(noise, BOOTSTRAP, rng), quantile, axis=0)
        expected = noise.mean(axis=0) * math.sqrt(2.0 / math.pi)
        floors.append(
            {
                "outcome": outcome,
                "noise_floor": float(np.median(floor[:d])),
                "noise_mean": float(np.median(expected[:d])),
                "dummy_floor": float(np.median(floor[d:])) if len(names) > d else math.nan,
                "seed_sd": float(np.sqrt(np.nanmean(y.var(axis=1, ddof=1)))),
            }
        )
        for i, name in enumerate(names):
            ratio = mu_star[i] / floor[i] if floor[i] > 0 else (math.inf if mu_star[i] else 0.0)
            rows.append(
                {
                    "parameter": name,
                    "dummy": i >= d,
                    "outcome": outcome,
                    "mu_star": mu_star[i],
                    "ci_low": float(low[i]),
                    "ci_high": float(high[i]),
                    "mu": float(indices["mu"][i]),
                    "sigma": float(indices["sigma"][i]),
                    "noise_floor": float(floor[i]),
                    "ratio": ratio,
                    "above": bool(mu_star[i] > floor[i]),
                }
            )
    return pd.DataFrame(rows), pd.DataFrame(floors)


def screen_table(indices: pd.DataFrame) -> pd.DataFrame:
    """One row per parameter and dummy: its largest mu* / floor, where, and its verdict.

    The seed dummies calibrate the verdict: a parameter is ``active`` when it
    is above its floor on some outcome *and* its largest mu* / floor is above
    the largest any seed dummy reached (what pure seed noise produced in this
    screen); ``weak`` when it is above its floor somewhere but not beyond the
    dummies; ``inert`` when it is below its floor on every outcome; ``never
    read`` when its mu* is exactly 0 everywhere (the paired runs are
    identical). A dummy's own verdict compares it with its floor only.

    Returns:
        Columns ``parameter``, ``group`` (``dummy`` for a seed dummy),
        ``largest`` (largest mu* / noise floor over the outcomes), ``ci_low``,
        ``ci_high`` (its 95% interval), ``outcome`` (where), ``outcomes_above``
        (how many outcomes are above the floor), ``verdict``, in the order of
        the indices.
    """
    rows = []
    for name, part in indices.groupby("parameter", sort=False):
        best = part.loc[part["ratio"].idxmax()]
        floor = float(best["noise_floor"])
        above = int(part["above"].sum())
        never = bool((part["mu_star"] == 0).all())
        rows.append(
            {
                "parameter": name,
                "group": "dummy" if bool(best["dummy"]) else SPECS[name].group,
                "largest": float(best["ratio"]),
                "ci_low": float(best["ci_low"]) / floor if floor > 0 else math.nan,
                "ci_high": float(best["ci_high"]) / floor if floor > 0 else math.nan,
                "outcome": best["outcome"],
                "outcomes_above": above,
                "verdict": "never read" if never else ("active" if above else "inert"),
            }
        )
    table = pd.DataFrame(rows)
    dummies = table["group"] == "dummy"
    reach = float(table.loc[dummies, "largest"].max()) if dummies.any() else 0.0
    weak = ~dummies & (table["verdict"] == "active") & (table["largest"] <= reach)
    table.loc[weak, "verdict"] = "weak"
    return table


def dummy_reach(table: pd.DataFrame) -> float:
    """The largest mu* / floor any seed dummy reached (0 without dummies)."""
    dummies = table[table["group"] == "dummy"]
    return float(dummies["largest"].max()) if len(dummies) else 0.0


@dataclass(frozen=True)
class ScreenResult:
    """What a screen produced.

    Attributes:
        table: One row per parameter and dummy (``screen_table``).
        indices: One row per factor and outcome (``screen_indices``).
        floors: One row per outcome: the noise floor.
        runs: One row per run (final values).
        design: The design.
        settings: Size of the screen.
        elapsed: Wall-clock seconds.
    """

    table: pd.DataFrame
    indices: pd.DataFrame
    floors: pd.DataFrame
    runs: pd.DataFrame
    design: ScreenDesign
    settings: ScreenSettings
    elapsed: float

    @property
    def parameters(self) -> tuple[str, ...]:
        """Parameters screened (without the dummies)."""
        return self.design.names


def run_screen(
    out_dir: str | os.PathLike[str] | None,
    settings: ScreenSettings = SCREEN_FULL,
    *,
    parameters: Sequence[str] | None = None,
    workers: int | None = None,
    progress: bool = True,
    root_seed: int = VALIDATION_SEED,
) -> ScreenResult:
    """Run the screen and compute its indices and noise floor.

    Args:
        out_dir: Folder receiving ``screen_design.csv`` (the points run, the
            dummies' levels and the seeds) and ``screen_runs.csv`` (final values
            of every run); ``None`` writes nothing.
        settings: Size of the screen.
        parameters: Parameters to screen (default: every lever and uncertainty).
        workers: Processes (``None`` = all cores; 1 = in this process).
        progress: Progress bar on stderr.
        root_seed: Seed of the Morris design, the runs and the bootstraps.

    Returns:
        The table, the indices and the floors.
    """
    start = time.perf_counter()
    design = build_design(parameters or screen_parameters(), settings, root_seed)
    runs = run_design(design, settings, workers=workers, progress=progress)
    indices, floors = screen_indices(design, runs, settings, root_seed)
    if out_dir is not None:
        from sim.experiments.files import atomic_write

        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        frame = design.values.copy()
        frame[list(design.dummies)] = design.samples[:, len(design.names) :]
        for r in range(settings.replications):
            frame[f"seed_{r}"] = design.seeds[:, r]
        frame.insert(0, "point", np.arange(len(frame)))
        for name, table in (("screen_design.csv", frame), ("screen_runs.csv", runs)):
            atomic_write(out / name, lambda p, t=table: t.to_csv(p, index=False))
    return ScreenResult(
        screen_table(indices),
        indices,
        floors,
        runs,
        design,
        settings,
        time.perf_counter() - start,
    )


def format_screen(result: ScreenResult) -> str:
    """Return the screen's table as printed by ``run.py validate-model --screen``."""
    s, table = result.settings, result.table
    n = len(result.parameters)
    points = s.trajectories * (n + s.dummies + 1)
    lines = [
        f"Morris screen: {n} levers and uncertainties over their whole plausible ranges and "
        f"{s.dummies} seed dummies, {s.trajectories} trajectories ({points} points) x "
        f"{s.replications} paired replications ({points * s.replications} runs), "
        f"{s.n_departments} departments, {s.months} months{' (quick)' if s.quick else ''}.",
        "Noise floor of each parameter and outcome: the mu* its own steps would get from seed "
        "noise alone (the SD over the paired replications of each step's effect, bias-corrected, "
        f"as |N(0, SE^2)| averaged over the trajectories), its {floor_quantile():.4f} quantile: "
        f"a normal do-nothing parameter passes it on some outcome with chance {FAMILY_ALPHA:g}. "
        "mu* in the outcome's units per whole range. Per outcome: the median floor and expected "
        "noise mu* over the parameters, the median floor of the seed dummies (their steps "
        "change the seeds: fully decorrelated runs), and the SD of one run over seeds.",
        f"{'outcome':<28}{'floor':>11}{'noise mean':>11}{'dummy floor':>12}{'seed SD':>11}",
    ]
    for _, f in result.floors.iterrows():
        lines.append(
            f"{f['outcome']:<28}{f['noise_floor']:>11.4g}{f['noise_mean']:>11.4g}"
            f"{f['dummy_floor']:>12.4g}{f['seed_sd']:>11.4g}"
        )
    reach = dummy_reach(table)
    lines.append(
        "Per parameter: largest mu* / floor over the outcomes [95% bootstrap interval], where, "
        f"and on how many of the {len(SCREEN_OUTCOMES)} outcomes mu* is above the floor. "
        f"Active: above the floor somewhere and beyond the largest ratio a seed dummy reached "
        f"({reach:.2f}); weak: above the floor somewhere, not beyond the dummies; inert: below "
        "the floor on every outcome; never read: mu* = 0 everywhere."
    )
    width = max(len(p) for p in table["parameter"]) + 2
    lines.append(
        f"{'parameter':<{width}}{'group':<13}{'mu*/floor':>10} {'[95% CI]':<15}"
        f"{'outcome':<12}{'above':>6}  verdict"
    )
    for _, r in table.iterrows():
        ci = f"[{r['ci_low']:.2f}, {r['ci_high']:.2f}]" if math.isfinite(r["ci_low"]) else "-"
        lines.append(
            f"{r['parameter']:<{width}}{r['group']:<13}{r['largest']:>10.2f} {ci:<15}"
            f"{SHORT.get(r['outcome'], r['outcome']):<12}{r['outcomes_above']:>6}  {r['verdict']}"
        )
    params = table[table["group"] != "dummy"]
    dummies = table[table["group"] == "dummy"]
    counts = params["verdict"].value_counts()
    idle = params[params["verdict"].isin(["inert", "never read"])]
    weak = params[params["verdict"] == "weak"]
    lines.append(
        f"{int(counts.get('active', 0))} of {len(params)} parameters are active, "
        f"{int(counts.get('weak', 0))} weak ({', '.join(weak['parameter']) or '-'}); inert or "
        f"never read ({len(idle)}): {', '.join(idle['parameter']) or '-'}. Seed dummies above "
        f"their floor (the nominal test's measured false-active rate): "
        f"{int((dummies['verdict'] == 'active').sum())} of {len(dummies)} "
        f"({result.elapsed:.0f} s)."
    )
    return "\n".join(lines)


@dataclass(frozen=True)
class EndsCheck:
    """A parameter run at both ends of its plausible range with paired seeds.

    Attributes:
        table: One row per headline outcome: ``low_mean``, ``high_mean``,
            ``difference`` (high minus low, mean over replications), ``se``,
            ``t``, ``p`` (paired t test) and ``clear`` (p below the
            Bonferroni level ``alpha / outcomes``).
        alpha: Family-wise level.
    """

    table: pd.DataFrame
    alpha: float

    @property
    def distinguishable(self) -> bool:
        """Whether the effect is clear of seed noise on at least one outcome."""
        return bool(self.table["clear"].any())


def ends_check(
    name: str,
    scenario: str,
    *,
    replications: int = 20,
    n_departments: int = 20,
    months: int = 120,
    alpha: float = 0.05,
    root_seed: int = VALIDATION_SEED,
) -> EndsCheck:
    """Run the model at both ends of a parameter's plausible range and test the difference.

    The spot check of the screen's verdicts: ``replications`` seeds, each run
    at the low and at the high end (paired), every headline outcome, a paired
    t test per outcome with a Bonferroni level over the outcomes (a parameter
    that does nothing is called distinguishable with probability at most
    ``alpha``).

    Args:
        name: The parameter.
        scenario: Scenario supplying the other values.
        replications: Paired seeds.
        n_departments: Departments of the government.
        months: Length of every run.
        alpha: Family-wise level.
        root_seed: Root of the seeds.

    Returns:
        The per-outcome table.
    """
    from sim.experiments.replications import run_one
    from sim.experiments.seeds import spawn_seeds
    from sim.model.parameters import make_parameters

    base = load_scenario(scenario).parameters.model_dump()
    base.update(n_departments=n_departments, months=months)
    ends = screen_range(name)
    finals: dict[int, list[pd.Series]] = {0: [], 1: []}
    for r, seed in enumerate(spawn_seeds(root_seed, replications)):
        for side, value in enumerate(ends):
            params = make_parameters(**{**base, name: value})
            run = SimpleNamespace(name=scenario, parameters=params, policy_changes=())
            finals[side].append(run_one(run, seed, r).iloc[-1])
    low, high = pd.DataFrame(finals[0]), pd.DataFrame(finals[1])
    level = alpha / len(SCREEN_OUTCOMES)
    rows = []
    for outcome in SCREEN_OUTCOMES:
        diff = high[outcome].to_numpy(float) - low[outcome].to_numpy(float)
        se = diff.std(ddof=1) / math.sqrt(len(diff))
        t = diff.mean() / se if se > 0 else (0.0 if diff.mean() == 0 else math.inf)
        p = float(2 * stats.t.sf(abs(t), len(diff) - 1)) if math.isfinite(t) else 0.0
        rows.append(
            {
                "outcome": outcome,
                "low_mean": float(low[outcome].mean()),
                "high_mean": float(high[outcome].mean()),
                "difference": float(diff.mean()),
                "se": float(se),
                "t": float(t),
                "p": p,
                "clear": p < level,
            }
        )
    return EndsCheck(pd.DataFrame(rows), alpha)
