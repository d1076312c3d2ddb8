"""Where the centralized design loses: paired comparisons over the plausible space.

The conditions come from the same declared plausible ranges as ``run.py
discover`` and the EMA adapter (``sim.experiments.space``), in two parts:

* **sampled worlds** (:func:`sampled_worlds`): worlds drawn by Latin
  hypercube from the whole space; the share of worlds where the centralized
  design is worse (mean paired difference on the bad side, as discovery
  counts it) with its 95% Wilson interval, comparable with the discovery's;
* **plausible ends** (:data:`CONDITIONS`, :func:`plausible_ends`): each
  parameter at the low and at the high end of its plausible range, one at a
  time, the others at their defaults.

Under each condition or world the two designs run on paired seeds, applied
to both alike (a condition marked ``levers`` changes levers of the
centralized design only), and the paired difference (centralized minus
dispersed) of the bottom-line outcomes says whether the centralized design is
worse, better or not distinguishable there: clearly worse when the 95% CI of
the difference lies entirely on the bad side (higher cost per service month
or months to service, lower coverage).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.comparison import compare
from sim.experiments.inputs.scenarios import load_scenario
from sim.experiments.replications import auto_batch
from sim.experiments.seeds import DEFAULT_SEED
from sim.model.parameters import SPECS


@dataclass(frozen=True)
class Condition:
    """One plausible condition: parameter values and why they are plausible."""

    name: str
    values: dict[str, Any]
    reason: str
    #: True when the values are levers of the centralized design (applied to it
    #: only); otherwise they describe the world and apply to both designs.
    levers: bool = False


def plausible_ends(fixed: Mapping[str, Any] | None = None) -> tuple[Condition, ...]:
    """The defaults, then each parameter of the space at each end of its plausible range.

    The conditions are read from the declarations (``sim.experiments.space``):
    every uncertainty and structure parameter not fixed, at the low and at
    the high end of its declared plausible range, one at a time, the others
    at their defaults; an end equal to the default is left out (it is the
    defaults). The same ranges as ``run.py discover`` and the EMA adapter.

    Args:
        fixed: Parameters held (default ``CITY_FIXED``); not stressed.
    """
    from sim.experiments.space import CITY_FIXED, space_parameters

    held = CITY_FIXED if fixed is None else fixed
    conditions = [Condition("defaults", {}, "the parameters as declared")]
    for name in space_parameters(held):
        spec = SPECS[name]
        low, high = spec.plausible_range
        for end, value in (("low", low), ("high", high)):
            if value == spec.default:
                continue
            conditions.append(
                Condition(
                    f"{name} {end}",
                    {name: value},
                    f"the {end} end of its plausible range ({spec.plausible_reason})",
                )
            )
    return tuple(conditions)


#: The conditions: the defaults, then every parameter of the space at each plausible end.
CONDITIONS: tuple[Condition, ...] = plausible_ends()

#: Outcomes judged, with the direction that is worse.
JUDGED: dict[str, str] = {
    "cost_per_service_month": "higher",
    "capability_coverage": "lower",
    "mean_months_to_service": "higher",
}


def _applies(scenario: Any, values: dict[str, Any]) -> Any:
    """The scenario with the condition's values (keeping its name)."""
    if not values:
        return scenario
    return scenario.with_overrides(name=scenario.name, **values)


def where_it_loses(
    conditions: Sequence[Condition] = CONDITIONS,
    *,
    replications: int = 20,
    root_seed: int = DEFAULT_SEED,
    workers: int | None = None,
    progress: bool = True,
    **world: Any,
) -> pd.DataFrame:
    """Compare centralized with dispersed under every condition.

    Args:
        conditions: The conditions to run.
        replications: Paired runs per design and condition.
        root_seed: Root of the paired seeds.
        workers: Processes (``None`` = all cores).
        progress: Show progress bars on stderr.
        **world: Values applied to every run (e.g. ``months=60``).

    Returns:
        One row per condition and judged outcome: the mean of each design,
        the paired difference with its 95% CI and p-value, and ``verdict``
        (``centralized worse``, ``centralized better`` or ``no clear
        difference``).
    """
    rows = []
    for condition in conditions:
        dispersed_values = world if condition.levers else {**world, **condition.values}
        designs = [
            _applies(load_scenario("dispersed"), dispersed_values),
            _applies(load_scenario("centralized"), {**world, **condition.values}),
        ]
        result = compare(
            designs, replications=replications, root_seed=root_seed, workers=workers,
            progress=progress, batch=auto_batch(designs, replications),
        )  # fmt: skip
        summary = result.summary.set_index(["scenario", "outcome"])
        paired = result.paired.set_index("outcome")
        for outcome, worse in JUDGED.items():
            d = paired.loc[outcome]
            low, high = float(d["ci_low"]), float(d["ci_high"])
            bad = low > 0 if worse == "higher" else high < 0
            good = high < 0 if worse == "higher" else low > 0
            rows.append(
                {
                    "condition": condition.name,
                    "values": ", ".join(f"{k}={v}" for k, v in condition.values.items()),
                    "outcome": outcome,
                    "dispersed": float(summary.loc[("dispersed", outcome), "mean"]),
                    "centralized": float(summary.loc[("centralized", outcome), "mean"]),
                    "difference": float(d["mean_difference"]),
                    "ci_low": low,
                    "ci_high": high,
                    "p_value": float(d["p_value"]),
                    "verdict": "centralized worse"
                    if bad
                    else ("centralized better" if good else "no clear difference"),
                    "reason": condition.reason,
                }
            )
    return pd.DataFrame(rows)


def sampled_worlds(
    count: int,
    *,
    replications: int = 2,
    root_seed: int = DEFAULT_SEED,
    sample_seed: int | None = None,
    workers: int | None = None,
    progress: bool = True,
    **world: Any,
) -> pd.DataFrame:
    """Compare centralized with dispersed in ``count`` worlds drawn from the whole space.

    Args:
        count: Worlds (Latin hypercube over every uncertainty and structure
            parameter not in ``CITY_FIXED``, each over its plausible range).
        replications: Paired runs per design and world.
        root_seed: Root of the paired seeds (the same replications' seeds in every world).
        sample_seed: Seed of the Latin hypercube (default ``root_seed``).
        workers: Processes.
        progress: Progress bars on stderr.
        **world: Values applied to every run over the sampled ones (e.g.
            ``months=60``); such a parameter is then not explored.

    Returns:
        One row per world and judged outcome: ``world``, the sampled values,
        ``outcome``, ``difference``, ``ci_low``, ``ci_high``, ``worse`` (mean
        difference on the bad side) and ``clearly_worse`` (the whole CI on it).
    """
    from sim.experiments.space import CITY_FIXED, Fixed, sample_worlds

    held = dict(CITY_FIXED)
    held.update({k: Fixed(k, v, "given") for k, v in world.items()})
    worlds = sample_worlds(count, root_seed if sample_seed is None else sample_seed, held)
    rows = []
    iterator: Any = worlds
    if progress:
        from tqdm import tqdm

        iterator = tqdm(worlds, desc="worlds", unit="world")
    for number, values in enumerate(iterator):
        designs = [
            load_scenario(name).with_overrides(name=name, **values)
            for name in ("dispersed", "centralized")
        ]
        result = compare(
            designs, replications=replications, root_seed=root_seed, workers=workers,
            progress=False, batch=auto_batch(designs, replications),
        )  # fmt: skip
        paired = result.paired.set_index("outcome")
        for outcome, worse in JUDGED.items():
            d = paired.loc[outcome]
            mean, low, high = (float(d[k]) for k in ("mean_difference", "ci_low", "ci_high"))
            bad = 1.0 if worse == "higher" else -1.0
            rows.append(
                {
                    "world": number,
                    **values,
                    "outcome": outcome,
                    "difference": mean,
                    "ci_low": low,
                    "ci_high": high,
                    "worse": bad * mean > 0,
                    "clearly_worse": bool(low > 0 if bad > 0 else high < 0),
                }
            )
    return pd.DataFrame(rows)


def world_shares(table: pd.DataFrame) -> pd.DataFrame:
    """Per outcome: worlds, the share where centralized is worse (95% Wilson CI), clearly worse.

    Args:
        table: Output of :func:`sampled_worlds`.

    Returns:
        One row per judged outcome: ``outcome``, ``worlds``, ``worse``,
        ``share_worse``, ``ci_low``, ``ci_high``, ``share_clearly_worse``.
    """
    from sim.analysis.headline import share_interval

    rows = []
    for outcome in JUDGED:
        group = table[table["outcome"] == outcome]
        n, worse = len(group), int(group["worse"].sum())
        low, high = share_interval(worse, n)
        rows.append(
            {
                "outcome": outcome,
                "worlds": n,
                "worse": worse,
                "share_worse": worse / n if n else np.nan,
                "ci_low": low,
                "ci_high": high,
                "share_clearly_worse": float(group["clearly_worse"].mean()) if n else np.nan,
            }
        )
    return pd.DataFrame(rows)
