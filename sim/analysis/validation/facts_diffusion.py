"""Fact F10: adoption spreads between peers, in either design.

Demonstration effects in the diffusion of government innovations: a
department's chance to adopt a platform or a shared system rises with the
share of its peers already using one. In the model word of mouth
(``adoption_contagion``) makes a department aware of a platform or a peer's
system with a chance that grows with the share of its government's
departments using a shared route for that capability
(``sim.model.choices``); the fact is its observable consequence, measured on
the choices themselves.

What is measured: every choice a department made for an open common need is
recorded by the model (``sim.model.choices.init_adoption_record``) with the
share of its government's departments already using a shared route for that
capability (the peer share) and whether it chose one (adopt a platform, wait
for one, reuse a peer's or its line ministry's system). Only choices where
something could be adopted count (an operating platform in reach, a planned
or building one, or a peer's system, known to the department or not). The
chance of a shared choice is fitted linearly on the peer share within cells
of one availability, one capability and one year of the run (a dummy per
cell, so that what is compared is departments choosing in the same
conditions, not early years against late ones); the slope is pooled over
the replications (``sum(sxy) / sum(sxx)``) with a bootstrap interval over
replications, and a two-sided sign test on the replications' own slopes.
The slope without cells (over the whole run) is reported beside it.
"""

from __future__ import annotations

import math

import numpy as np

from sim.analysis.validation.core import (
    ADOPTION_FIT,
    CheckResult,
    Design,
    Fact,
    Runs,
    Settings,
    ci_text,
    design,
    fmt,
    world,
)
from sim.analysis.validation.inference import ALPHA, bootstrap, sign_test
from sim.model.choices import AVAILABLE_NOTHING, N_AVAILABLE

F10_STATEMENT = (
    "Adoption spreads between peers: a department's chance to adopt a platform or a shared "
    "system rises with the share of its peers already using it, in either design."
)
F10_DESIGNS = ("dispersed", "centralized")
_AVAILABILITY = ("operating platform", "planned or building platform", "peer's system")


def adoption_sums(runs: Runs, d: Design) -> dict[str, np.ndarray]:
    """Per replication and availability (something to adopt only): the record's sums."""
    names = [f"adoption_{a}_{w}" for a in range(N_AVAILABLE) for w in ADOPTION_FIT]
    values = runs.measures(d, names).reshape(-1, N_AVAILABLE, len(ADOPTION_FIT))
    values = values[:, :AVAILABLE_NOTHING]
    return {w: values[:, :, i] for i, w in enumerate(ADOPTION_FIT)}


def _ratio(num: np.ndarray, den: np.ndarray, axis: int = -1) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.sum(num, axis=axis) / np.sum(den, axis=axis)


def peer_slope(runs: Runs, d: Design) -> dict[str, float | np.ndarray]:
    """Pooled within-cell slope of a shared choice on the peer share, with its interval."""
    sums = adoption_sums(runs, d)
    sxy, sxx = sums["sxy"].sum(axis=1), sums["sxx"].sum(axis=1)
    slope = float(_ratio(sxy, sxx))
    low, high = bootstrap(_ratio, sxy, sxx)
    with np.errstate(invalid="ignore", divide="ignore"):
        own = np.where(sxx > 0, sxy / sxx, np.nan)
    defined = own[np.isfinite(own)]
    return {
        "slope": slope,
        "low": float(low),
        "high": float(high),
        "p": sign_test(defined, "two-sided") if len(defined) else 1.0,
        "defined": len(defined),
        "whole_run": float(_ratio(sums["sxy_all"].sum(axis=1), sums["sxx_all"].sum(axis=1))),
        "by_availability": _ratio(sums["sxy"], sums["sxx"], axis=0),
        "choices": sums["n"].sum(axis=0),
        "rate": _ratio(sums["y"], sums["n"], axis=0),
    }


def _f10_designs(s: Settings) -> list[Design]:
    return [design(n, **world(s)) for n in F10_DESIGNS]


def _f10_checks(runs: Runs, s: Settings) -> list[CheckResult]:
    results = []
    for i, name in enumerate(F10_DESIGNS, start=1):
        r = peer_slope(runs, design(name, **world(s)))
        parts = "; ".join(
            f"{what}: {int(n)} choices, {fmt(rate)} shared, slope {fmt(b)}"
            for what, n, rate, b in zip(
                _AVAILABILITY, r["choices"], r["rate"], r["by_availability"], strict=True
            )
        )
        passed = bool(r["low"] > 0 and r["p"] < ALPHA)
        results.append(
            CheckResult(
                "F10",
                f"F10.{i} peer share, {name}",
                F10_STATEMENT,
                f"{name}: slope of a shared-route choice (0/1) on the peer share, fitted "
                "within cells of one availability (something to adopt), capability and year, "
                "pooled over replications > 0: two-sided 95% bootstrap CI over replications "
                f"excludes 0 above and two-sided sign test on the replications' slopes "
                f"p < {ALPHA} ({r['defined']} replications with a slope)",
                f"{name}: pooled slope {ci_text(r['slope'], r['low'], r['high'])} per unit of "
                f"peer share (over the whole run, without cells: {fmt(r['whole_run'])}); {parts}",
                r["slope"],
                r["low"],
                r["high"],
                r["p"] if math.isfinite(r["p"]) else math.nan,
                passed,
            )
        )
    return results


F10 = Fact("F10", F10_STATEMENT, "within runs, choices against the peer share; dispersed and "
           "centralized", "shared-route choices for open common needs (the model's record)",
           _f10_designs, _f10_checks)  # fmt: skip
