"""Fact F9: joint action gets harder with the number of parties.

Pressman and Wildavsky (1973) and Bowen (1982): the more parties must agree,
the less likely and the later a joint programme comes about; [001] asks for
a coordinating body that acts of its own accord. In the model a
cross-department service needs 2 to ``max_service_departments`` departments
(``sim.model.coordination``); it is delivered when all have joined. What is
measured, per run, from the model's service book
(``sim.analysis.validation.core.service_delivery``): for the services that
arose at least ``DELIVERY_HORIZON`` months before the end, by the number of
departments they need, the share delivered by the end and the months from
arising to delivery of those delivered. Each is fitted against the number of
departments in every replication (weighted least squares over the
services, i.e. a linear fit service by service), and the slopes are compared:

* F9.1 where cases wait for the departments to ask (``dispersed``,
  ``coordination_proactive`` 0), fewer services are delivered and later the
  more departments they need (delivery slope < 0, months slope > 0);
* F9.2 where the body opens cases itself (``centralized``), delivery is also
  later the more departments (months slope > 0); the delivered share is
  reported (every due service is delivered there, so it cannot fall);
* F9.3 the fall is steeper without a body that opens cases itself: the same
  design with ``coordination_proactive`` 0 against 0.9, paired
  replications, in the dispersed design on the delivered share and in the
  centralized design on the months to delivery.
"""

from __future__ import annotations

import numpy as np

from sim.analysis.validation.core import (
    DELIVERY_HORIZON,
    SERVICE_SIZES,
    CheckResult,
    Design,
    Fact,
    Runs,
    Settings,
    ci_text,
    design,
    fmt,
    two_sided_check,
    world,
)
from sim.analysis.validation.inference import ci

F9_STATEMENT = (
    "Joint action gets harder with the number of parties: a cross-department service is "
    "delivered less often, and later, the more departments it needs, and the fall is steeper "
    "without a coordinating body that opens cases itself."
)
#: ``coordination_proactive`` of the arm with a body that opens cases itself
#: (the centralized design's value).
PROACTIVE = 0.9


def _designs(s: Settings) -> dict[str, Design]:
    return {
        "dispersed": design("dispersed", **world(s)),
        "dispersed, proactive": design("dispersed", **world(s, coordination_proactive=PROACTIVE)),
        "centralized": design("centralized", **world(s)),
        "centralized, passive": design("centralized", **world(s, coordination_proactive=0.0)),
    }


def _f9_designs(s: Settings) -> list[Design]:
    return list(_designs(s).values())


def weighted_slopes(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted least-squares slope of ``y`` on ``x`` in every row (NaN where undefined).

    With ``y`` the mean of each size's services and ``w`` their number, this
    is the slope of the linear fit over the services one by one.
    """
    x = np.asarray(x, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        xm = (w * x).sum(axis=-1, keepdims=True) / w.sum(axis=-1, keepdims=True)
        sxx = (w * (x - xm) ** 2).sum(axis=-1)
        slope = (w * (x - xm) * np.nan_to_num(y)).sum(axis=-1) / sxx
    return np.where(sxx > 0, slope, np.nan)


def service_slopes(runs: Runs, d: Design) -> dict[str, np.ndarray]:
    """Per replication: delivered-share and months-to-delivery slopes, and the per-size curves."""
    due = runs.measures(d, [f"services_due_{n}" for n in SERVICE_SIZES])
    done = runs.measures(d, [f"services_delivered_{n}" for n in SERVICE_SIZES])
    months = runs.measures(d, [f"service_months_{n}" for n in SERVICE_SIZES])
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(due > 0, done / due, np.nan)
        wait = np.where(done > 0, months / done, np.nan)
    return {
        "delivered": weighted_slopes(SERVICE_SIZES, share, due),
        "months": weighted_slopes(SERVICE_SIZES, wait, done),
        "share_by_size": done.sum(axis=0) / np.maximum(due.sum(axis=0), 1),
        "months_by_size": months.sum(axis=0) / np.maximum(done.sum(axis=0), 1),
        "due_by_size": due.sum(axis=0),
    }


def _curve(sl: dict[str, np.ndarray]) -> str:
    sizes = [i for i, n in enumerate(sl["due_by_size"]) if n > 0]
    return ", ".join(
        f"{SERVICE_SIZES[i]}: {fmt(sl['share_by_size'][i])} in {fmt(sl['months_by_size'][i])} m"
        for i in sizes
    )


def _slope_text(v: np.ndarray) -> str:
    return ci_text(*ci(v[np.isfinite(v)])) if np.isfinite(v).sum() > 1 else "n/a"


def _f9_checks(runs: Runs, s: Settings) -> list[CheckResult]:
    ds = _designs(s)
    sl = {k: service_slopes(runs, d) for k, d in ds.items()}
    lines = {
        k: f"{k}: delivered share and mean months by departments needed {_curve(v)}; slopes "
        f"per added department: delivered {_slope_text(v['delivered'])}, months "
        f"{_slope_text(v['months'])}"
        for k, v in sl.items()
    }
    due = (
        f"services that arose at least {DELIVERY_HORIZON} months before the end, per "
        "replication: weighted least-squares slope on the number of departments needed of"
    )
    results = [
        two_sided_check(
            "F9",
            "F9.1 fewer delivered, passive",
            F9_STATEMENT,
            sl["dispersed"]["delivered"],
            "less",
            f"dispersed: {due} the share delivered by the end",
            lines["dispersed"],
        ),
        two_sided_check(
            "F9",
            "F9.1 later, passive",
            F9_STATEMENT,
            sl["dispersed"]["months"],
            "greater",
            f"dispersed: {due} the months from arising to delivery (services delivered)",
            lines["dispersed"],
        ),
        two_sided_check(
            "F9",
            "F9.2 later, proactive",
            F9_STATEMENT,
            sl["centralized"]["months"],
            "greater",
            f"centralized: {due} the months from arising to delivery (services delivered)",
            lines["centralized"],
        ),
        two_sided_check(
            "F9",
            "F9.3 steeper fall, dispersed",
            F9_STATEMENT,
            sl["dispersed"]["delivered"] - sl["dispersed, proactive"]["delivered"],
            "less",
            f"slope of the delivered share on the number of departments, dispersed "
            f"(coordination_proactive 0) minus dispersed with coordination_proactive "
            f"{PROACTIVE:g}, paired replications",
            f"{lines['dispersed']}; {lines['dispersed, proactive']}",
        ),
        two_sided_check(
            "F9",
            "F9.3 steeper delay, centralized",
            F9_STATEMENT,
            sl["centralized, passive"]["months"] - sl["centralized"]["months"],
            "greater",
            f"slope of the months to delivery on the number of departments, centralized with "
            f"coordination_proactive 0 minus centralized ({PROACTIVE:g}), paired replications",
            f"{lines['centralized, passive']}; {lines['centralized']}",
        ),
    ]
    return results


F9 = Fact("F9", F9_STATEMENT, "services by number of departments needed, within runs; "
          "coordination_proactive 0 vs 0.9 in dispersed and in centralized",
          "share of due joint services delivered, months to delivery (service book)",
          _f9_designs, _f9_checks)  # fmt: skip
