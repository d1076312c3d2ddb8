"""Design points of a sweep: drawing them from a loaded sweep file and checking them.

A sweep (``sim.experiments.sweeps.files``) names the parameters to vary and how
(``design``); ``build_design`` turns that into a table of design points with
the reference point marked. A ``grid`` runs every combination of the values
listed; the other designs are drawn by SALib (Latin hypercube, Saltelli's
Sobol' scheme, Morris trajectories). Integer parameters are sampled on
``[low - 0.5, high + 0.5]`` and rounded to the nearest whole number (clipped
to ``[low, high]``), so each whole number in the range is equally likely.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.experiments.inputs.reading import file_location
from sim.experiments.sweeps.definition import Sweep, SweepError
from sim.model.parameters import SPECS, make_parameters


def count_points(sweep: Sweep) -> int:
    """Number of design points the design method draws (without an added reference)."""
    return sweep.design.count_points(sweep.swept)


def salib_problem(sweep: Sweep) -> dict[str, Any]:
    """The SALib problem definition of a sampler design."""
    return {
        "num_vars": len(sweep.swept),
        "names": list(sweep.parameter_names),
        "bounds": [p.sample_bounds() for p in sweep.swept],
    }


@dataclass(frozen=True)
class Design:
    """Design points of a sweep.

    Attributes:
        points: One row per design point: ``point`` (0, 1, ...), ``reference``
            (True for the reference point) and one column per swept parameter
            (integers rounded).
        samples: The unrounded SALib samples (rows of the design proper, in
            point order), or ``None`` for a grid. Needed by Morris analysis.
        n_design: Points drawn by the design; a reference point given by value
            that is not among them is appended as point ``n_design``.
        reference: Id of the reference point.
    """

    points: pd.DataFrame
    samples: np.ndarray | None
    n_design: int
    reference: int

    @property
    def n_points(self) -> int:
        """All points, including an appended reference point."""
        return len(self.points)

    def values(self, point: int) -> dict[str, Any]:
        """Parameter values of one point, as Python numbers."""
        row = self.points.iloc[point]
        return {
            name: (int(row[name]) if SPECS[name].type is int else float(row[name]))
            for name in self.points.columns
            if name in SPECS
        }


def _sample(sweep: Sweep) -> np.ndarray:
    from SALib.sample import latin
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    d = sweep.design
    problem = salib_problem(sweep)
    if d.method == "lhs":
        return latin.sample(problem, d.samples, seed=d.seed)
    if d.method == "sobol":
        return sobol_sample.sample(
            problem, d.samples, calc_second_order=d.second_order, scramble=True, seed=d.seed
        )
    return morris_sample.sample(problem, d.samples, num_levels=d.levels, seed=d.seed)


def build_design(sweep: Sweep) -> Design:
    """Draw the design points of a sweep.

    Args:
        sweep: A loaded sweep.

    Returns:
        The points, with the reference point marked (appended if it was given
        by values that the design does not contain).
    """
    names = list(sweep.parameter_names)
    samples = None
    if sweep.design.method == "grid":
        rows = list(itertools.product(*[p.values for p in sweep.swept]))
        table = pd.DataFrame(rows, columns=names)
    else:
        samples = np.asarray(_sample(sweep), dtype=float)
        table = pd.DataFrame(samples.copy(), columns=names)
        for p in sweep.swept:
            if p.is_int:
                table[p.name] = np.clip(np.rint(table[p.name]), p.low, p.high)
    for p in sweep.swept:
        table[p.name] = table[p.name].astype(np.int64 if p.is_int else np.float64)
    n_design = len(table)

    reference = 0
    if isinstance(sweep.reference, int):
        reference = sweep.reference
    elif isinstance(sweep.reference, dict):
        base = sweep.scenario.parameters
        wanted = {n: sweep.reference.get(n, getattr(base, n)) for n in names}
        match = np.ones(n_design, dtype=bool)
        for n, v in wanted.items():
            match &= table[n].to_numpy() == v
        if match.any():
            reference = int(np.flatnonzero(match)[0])
        else:
            extra = pd.DataFrame([wanted], columns=names).astype(table.dtypes.to_dict())
            table = pd.concat([table, extra], ignore_index=True)
            reference = n_design
    table.insert(0, "point", np.arange(len(table), dtype=np.int64))
    table.insert(1, "reference", table["point"] == reference)
    return Design(points=table, samples=samples, n_design=n_design, reference=reference)


def check_design(sweep: Sweep, design: Design) -> None:
    """Check that every design point gives valid parameters for the base scenario.

    Raises:
        SweepError: If a point cannot be run (this would be a bug in the
            range checks, or a policy change made impossible by ``months``).
    """
    base = sweep.scenario.parameters.model_dump()
    for point in range(design.n_points):
        values = design.values(point)
        try:
            make_parameters(**{**base, **values})
        except Exception as exc:  # pydantic.ValidationError
            raise SweepError(
                f"{file_location('Sweep', sweep.path)}: design point {point} ({values}) "
                f"is not valid: {exc}"
            ) from None
