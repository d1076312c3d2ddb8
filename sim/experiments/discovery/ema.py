"""This model as an EMA Workbench model, for researchers who already use the workbench.

EMA Workbench (Kwakkel 2017, https://emaworkbench.readthedocs.io) runs
experiments over uncertainties and policies and offers scenario discovery
(PRIM, CART), feature scoring and robust optimization, but no paired design
comparison. :func:`ema_model` builds a ``ReplicatorModel`` from the parameter
declarations of ``sim/model/parameters.py``: by default the whole space of
``run.py discover`` (``sim.experiments.space``: every uncertainty and
structure parameter over its *plausible* range, the city layout fixed; or the
ones named), the design (a scenario file) as a
categorical lever, optionally more levers over their plausible ranges, the
headline outcomes as means over the replications. The replications carry
seeds (``replication r`` has the same seed in every experiment), so the
designs of a scenario are paired: common random numbers, as in ``compare``.
:func:`design_policies` gives one policy per design, :func:`paired_difference`
the per-scenario difference between two designs, ready for PRIM::

    from ema_workbench.analysis import prim
    from sim.experiments.discovery import ema
    from sim.experiments.discovery.ema_evaluator import perform_experiments  # batched

    model = ema.ema_model(replications=3, fixed={"n_departments": 20})
    experiments, outcomes = perform_experiments(
        model, scenarios=50, policies=ema.design_policies(["dispersed", "centralized"])
    )
    x, difference = ema.paired_difference(
        experiments, outcomes, "cost_per_service_month", "dispersed", "centralized"
    )
    box = prim.Prim(x, difference > 0).find_box()   # where centralized costs more

``sim.experiments.discovery.ema_evaluator.BatchedEvaluator`` runs the experiment set in
batched models through the sweep runner; the workbench's own evaluators call
:func:`run_design` once per run.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from sim.experiments.inputs.scenarios import load_scenario
from sim.experiments.replications import HEADLINE_OUTCOMES
from sim.experiments.seeds import spawn_seeds
from sim.experiments.space import CITY_FIXED, fixed_values, space_parameters
from sim.model.governance import GovernanceModel
from sim.model.parameters import SPECS, plain_value

with warnings.catch_warnings():
    # The workbench warns on import that its optional ipyparallel evaluator is
    # missing; this adapter does not use it.
    warnings.simplefilter("ignore", UserWarning)
    import ema_workbench as ema_wb

#: Name of the categorical lever holding the design (a scenario name).
DESIGN = "design"

#: Name of the replication entry holding its seed.
SEED = "seed"


def run_design(design: str, seed: int, fixed: Mapping[str, Any] | None = None, **values: Any):
    """Run one design once with parameter values over its scenario; return final outcomes.

    The function EMA Workbench calls for every replication of every experiment.

    Args:
        design: Scenario name (a file in ``scenarios/``) or path.
        seed: Seed of the run (the replication's: the same for every design).
        fixed: Parameter values applied first (e.g. ``n_departments``).
        **values: Uncertainty and lever values of the experiment.

    Returns:
        Outcome name to its value at the end of the run (every outcome).
    """
    overrides = {**(fixed or {}), **{k: plain_value(v) for k, v in values.items()}}
    for name, value in overrides.items():
        if SPECS[name].type is int:
            overrides[name] = int(round(value))
    scenario = load_scenario(design).with_overrides(name=design, **overrides)
    model = GovernanceModel(
        parameters=scenario.parameters,
        rng=int(seed),
        policy_changes=tuple(scenario.policy_changes or ()),
    )
    model.run()
    return model.outcomes_frame().iloc[-1].to_dict()


def _parameter(name: str) -> Any:
    """An EMA parameter over the declared plausible range of ``name``."""
    low, high = SPECS[name].plausible_range
    if SPECS[name].type is int:
        return ema_wb.IntegerParameter(name, int(low), int(high))
    return ema_wb.RealParameter(name, float(low), float(high))


def ema_model(
    designs: Sequence[str] = ("dispersed", "centralized"),
    uncertainties: Sequence[str] | None = None,
    levers: Sequence[str] = (),
    outcomes: Sequence[str] = HEADLINE_OUTCOMES,
    replications: int = 5,
    root_seed: int = 20261122,
    fixed: Mapping[str, Any] | None = None,
    name: str = "egov",
) -> Any:
    """Build an EMA Workbench ``ReplicatorModel`` of this model.

    Args:
        designs: Scenario names the categorical lever ``design`` takes.
        uncertainties: Uncertainty (or structure) parameters to vary over
            their plausible ranges (default: the whole space of
            ``sim.experiments.space``, every uncertainty and structure
            parameter not fixed, as ``run.py discover`` samples it).
        levers: Further levers to vary over their plausible ranges, on top
            of each design's own values.
        outcomes: Outcomes reported (means over the replications).
        replications: Replications of every experiment.
        root_seed: Root of the replications' seeds (``spawn_seeds``).
        fixed: Parameter values fixed in every run (a constant of the model),
            over the city layout's fixes (``space.CITY_FIXED``: one flat
            government), which always apply unless a parameter is named in
            ``uncertainties``. :func:`not_explored` lists them with reasons.
        name: The model's name in the workbench (letters, digits, underscores).

    Returns:
        The model, ready for ``perform_experiments`` (policies from
        :func:`design_policies`).
    """
    held = {**fixed_values(CITY_FIXED), **(fixed or {})}
    if uncertainties is None:
        uncertainties = space_parameters(held)
    else:  # a city-layout parameter named here is explored, not held
        held = {k: v for k, v in held.items() if k not in uncertainties or k in (fixed or {})}
    for parameter in [*uncertainties, *levers, *held]:
        if parameter not in SPECS:
            raise ValueError(f"'{parameter}' is not a model parameter")
    for parameter in levers:
        if SPECS[parameter].group != "lever":
            raise ValueError(f"'{parameter}' is a {SPECS[parameter].group}, not a lever")
    model = ema_wb.ReplicatorModel(name, function=run_design)
    model.uncertainties = [_parameter(n) for n in uncertainties]
    model.levers = [ema_wb.CategoricalParameter(DESIGN, list(designs)), *map(_parameter, levers)]
    model.outcomes = [ema_wb.ScalarOutcome(o, function=np.mean) for o in outcomes]
    model.constants = [ema_wb.Constant("fixed", held)]
    model.replications = [{SEED: s} for s in spawn_seeds(root_seed, replications)]
    return model


def not_explored(model: Any) -> list[tuple[str, Any, str]]:
    """The parameters of the space a model built by :func:`ema_model` holds, with why.

    Returns:
        ``(name, value, reason)`` per uncertainty or structure parameter not
        among the model's uncertainties.
    """
    held = next(c.value for c in model.constants if c.name == "fixed")
    explored = {u.name for u in model.uncertainties}
    rows = []
    for name in space_parameters():
        if name in explored:
            continue
        if name in CITY_FIXED and held.get(name) == CITY_FIXED[name].value:
            rows.append((name, held[name], CITY_FIXED[name].reason))
        elif name in held:
            rows.append((name, held[name], "fixed by the caller"))
        else:
            rows.append((name, SPECS[name].default, "not named in uncertainties: each design's"))
    return rows


def design_policies(designs: Sequence[str]) -> list[Any]:
    """One EMA policy per design (named after it)."""
    return [ema_wb.Sample(name=d, **{DESIGN: d}) for d in designs]


def paired_difference(
    experiments: pd.DataFrame,
    outcomes: Mapping[str, np.ndarray],
    outcome: str,
    base: str,
    design: str,
) -> tuple[pd.DataFrame, pd.Series]:
    """Per scenario, ``design`` minus ``base`` on ``outcome`` (same scenario, same seeds).

    Args:
        experiments: The experiments frame of ``perform_experiments``.
        outcomes: Its outcomes.
        outcome: Outcome compared.
        base: The reference design.
        design: The design compared with it.

    Returns:
        ``(x, difference)``: the scenarios' uncertainty values as floats (one
        row per scenario, ready for PRIM or CART) and the paired difference.
    """
    frame = experiments.assign(_outcome=np.asarray(outcomes[outcome]))
    frame[DESIGN] = frame[DESIGN].astype(str)
    wide = frame.pivot_table(index="scenario", columns=DESIGN, values="_outcome")
    missing = {base, design} - set(wide.columns)
    if missing:
        raise ValueError(f"no experiments of design {sorted(missing)[0]!r}")
    uncertain = [c for c in experiments.columns if c in SPECS and SPECS[c].group != "lever"]
    x = frame.drop_duplicates("scenario").set_index("scenario")[uncertain].loc[wide.index]
    # As floats: EMA Workbench's PRIM pastes fractional limits, which pandas refuses
    # in integer columns (e.g. stall_months 44.5).
    x = x.astype(float)
    difference = (wide[design] - wide[base]).rename(f"{outcome}: {design} - {base}")
    return x.reset_index(drop=True), difference.reset_index(drop=True)
