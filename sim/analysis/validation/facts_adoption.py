"""Fact F5: a gradual reform (new duplication stops, legacy remains, sharing lags, S-curve).

``gradual_reform`` switches to the centralized levers at its policy-change
month (read from the scenario file). Four checks: F5.1 own systems started for
needs arising after the reform (counted from the project book); F5.2 legacy
redundant systems, those built before the reform, still in service at the
end of the run (systems retire since issue 25, and an owner may move to a
platform at renewal, so this can fail; it compared stocks with centralized
before issue 26, which held by construction while nothing retired); F5.3 the
rise of data sharing after the reform and its lag behind centralized; F5.4
platform adoption after the reform follows an S-curve over the common needs
still open at the reform (``core._OpenAtReform``; issue 26: before, over all
needs, whose adoption curve followed platform build times), by
``scurve_fit``: a logistic against three two-parameter alternatives by AIC,
with a bootstrap over replications.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from scipy import optimize

from sim.analysis.validation.core import (
    CheckResult,
    Design,
    Fact,
    Runs,
    Settings,
    ci_text,
    design,
    fmt,
    reform_month,
    two_sided_check,
    world,
)
from sim.analysis.validation.inference import ALPHA, bootstrap, ci, sign_test

#: Bootstrap resamples for the S-curve fits (each resample fits four curves).
BOOTSTRAP_FITS = 300

F5_STATEMENT = (
    "After a gradual reform, new duplication stops but legacy redundant systems remain; "
    "sharing rises with a lag; platform adoption follows an S-curve."
)
#: Share of the dispersed design's excess new duplication (over centralized)
#: that the reform must remove for "new duplication stops".
F5_REMOVED = 0.75
#: Months after the reform at which sharing is compared with the reform month.
F5_SHARING_LAG = 24
#: AIC margin by which the logistic must beat every two-parameter alternative.
F5_AIC_MARGIN = 10.0
#: Months the logistic's inflection must lie inside the post-reform window.
F5_INFLECTION_MARGIN = 6


def _removed(rg: np.ndarray, rd: np.ndarray, rc: np.ndarray, axis: int = -1) -> np.ndarray:
    """Share of dispersed's excess over centralized that gradual_reform removes."""
    d = rd.mean(axis=axis)
    return (d - rg.mean(axis=axis)) / (d - rc.mean(axis=axis))


def _f5_designs(s: Settings) -> list[Design]:
    return [design(n, **world(s)) for n in ("gradual_reform", "dispersed", "centralized")]


def _logistic(t: np.ndarray, k: float, r: float, t0: float) -> np.ndarray:
    return k / (1.0 + np.exp(-r * (t - t0)))


def _aic(rss: float, n: int, k: int) -> float:
    return n * math.log(max(rss, 1e-300) / n) + 2 * k


def scurve_fit(t: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Fit a logistic and three two-parameter alternatives to ``y(t)``.

    Alternatives: linear ``a + b t``; saturating (concave)
    ``K (1 - exp(-r t))``; exponential growth (convex) ``a (exp(b t) - 1)``.

    Returns:
        ``inflection`` (logistic ``t0``), ``delta_aic`` (best alternative's AIC
        minus the logistic's: positive means the logistic fits better) and
        the AIC of each model.
    """
    t = np.asarray(t, dtype=float)
    y = np.asarray(y, dtype=float)
    n = len(t)
    top = max(float(y.max()), 1e-9)
    aic: dict[str, float] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            (k, r, t0), _ = optimize.curve_fit(
                _logistic,
                t,
                y,
                p0=(top, 0.1, float(t[np.argmax(y >= top / 2)])),
                bounds=([1e-9, 1e-4, t.min() - 120], [2 * top + 1e-9, 5.0, t.max() + 120]),
                maxfev=20000,
            )
            aic["logistic"] = _aic(float(((y - _logistic(t, k, r, t0)) ** 2).sum()), n, 3)
        except (RuntimeError, ValueError):
            t0 = math.nan
            aic["logistic"] = math.inf
        b, a = np.polyfit(t, y, 1)
        aic["linear"] = _aic(float(((y - (a + b * t)) ** 2).sum()), n, 2)
        for name, f, p0, bounds in (
            (
                "saturating",
                lambda t, k, r: k * (1 - np.exp(-r * t)),
                (top, 0.05),
                ([0, 1e-5], [10 * top + 1e-9, 5.0]),
            ),
            (
                "exponential",
                lambda t, a, b: a * (np.exp(b * t) - 1),
                (top / 10, 0.02),
                ([0, 1e-5], [10 * top + 1e-9, 1.0]),
            ),
        ):
            try:
                params, _ = optimize.curve_fit(f, t, y, p0=p0, bounds=bounds, maxfev=20000)
                aic[name] = _aic(float(((y - f(t, *params)) ** 2).sum()), n, 2)
            except (RuntimeError, ValueError):
                aic[name] = math.inf
    best_other = min(aic["linear"], aic["saturating"], aic["exponential"])
    return {"inflection": float(t0), "delta_aic": best_other - aic["logistic"], **aic}


def _f5_checks(runs: Runs, s: Settings) -> list[CheckResult]:
    g, d, c = _f5_designs(s)
    reform = reform_month()
    results = []

    # F5.1 new duplication stops.
    rate = {}
    for key, dd in (("g", g), ("d", d), ("c", c)):
        own_needs = runs.extra(dd)
        rate[key] = own_needs[:, 0] / np.maximum(own_needs[:, 1], 1)
    share = float(_removed(rate["g"], rate["d"], rate["c"]))
    low, high = bootstrap(_removed, rate["g"], rate["d"], rate["c"])
    p = sign_test(rate["g"] - rate["d"], "less")
    dup = "cum_duplicate_projects"
    legacy_builds = runs.final(g, dup) - runs.at(g, dup, reform)
    disp_builds = runs.final(d, dup) - runs.at(d, dup, reform)
    results.append(
        CheckResult(
            "F5",
            "F5.1 new duplication stops",
            F5_STATEMENT,
            f"own common systems started for needs arising at or after the reform (month "
            f"{reform}) per such need, in gradual_reform (g), dispersed (d), centralized (c): "
            f"share of the excess removed (d - g) / (d - c) has bootstrap 95% CI lower bound >= "
            f"{F5_REMOVED}; one-sided sign test g < d, p < {ALPHA}",
            f"new own systems per new common need after month {reform}: gradual "
            f"{fmt(rate['g'].mean())}, dispersed {fmt(rate['d'].mean())}, centralized "
            f"{fmt(rate['c'].mean())}; share of the excess removed {fmt(share)}. Completed "
            f"duplicates still rise after the reform (+{fmt(legacy_builds.mean())} vs "
            f"+{fmt(disp_builds.mean())} under dispersed): projects approved before the "
            "switch finish later",
            share,
            low,
            high,
            p,
            bool(low >= F5_REMOVED and p < ALPHA),
        )
    )

    # F5.2 legacy redundant systems remain (systems retire since issue 25, so this can fail).
    out = "n_redundant_common_systems"
    legacy = runs.measure(g, "legacy_redundant_end")
    at_reform = runs.at(g, out, reform)
    kept = legacy.sum() / max(at_reform.sum(), 1)
    period = s.months - reform
    results.append(
        two_sided_check(
            "F5",
            "F5.2 legacy remains",
            F5_STATEMENT,
            legacy,
            "greater",
            f"gradual_reform: redundant own common systems built before the reform (month "
            f"{reform}) still in service at the end of the run, {period} months later (a "
            "system renewed since counts as new)",
            f"redundant systems in gradual_reform: {fmt(at_reform.mean())} at the reform, "
            f"of which {fmt(legacy.mean())} still in service {period} months later (share "
            f"{fmt(kept)}); all redundant systems at the end {fmt(runs.final(g, out).mean())} "
            f"(centralized {fmt(runs.final(c, out).mean())}, dispersed "
            f"{fmt(runs.final(d, out).mean())}); legacy of the same age still in service at the "
            f"end under centralized {fmt(runs.measure(c, 'legacy_redundant_end').mean())}, "
            f"dispersed {fmt(runs.measure(d, 'legacy_redundant_end').mean())}",
        )
    )

    # F5.3 sharing rises with a lag.
    out = "data_sharing_rate"
    later = reform + F5_SHARING_LAG
    rise = (runs.at(g, out, later) - runs.at(g, out, reform)) - (
        runs.at(d, out, later) - runs.at(d, out, reform)
    )
    gap_later = runs.at(g, out, later) - runs.at(c, out, later)
    m_rise, l_rise, h_rise = ci(rise)
    m_gap, l_gap, h_gap = ci(gap_later)
    p_rise, p_gap = sign_test(rise, "greater"), sign_test(gap_later, "less")
    mg, mc_ = runs.series(g, out).mean(axis=0), runs.series(c, out).mean(axis=0)
    start_gap = mc_[reform] - mg[reform]
    closed = np.flatnonzero((mc_ - mg)[reform:] <= start_gap / 2)
    half = f"{int(closed[0])} months" if len(closed) else f"more than {s.months - reform} months"
    results.append(
        CheckResult(
            "F5",
            "F5.3 sharing rises with a lag",
            F5_STATEMENT,
            f"data_sharing_rate: (a) rise from month {reform} to {later} in gradual_reform minus "
            f"the same rise in dispersed > 0; (b) lag: at month {later} gradual_reform is still "
            f"below centralized (< 0); each with 95% t-CI excluding 0 and one-sided sign test "
            f"p < {ALPHA}. Estimate: (a)",
            f"sharing rate gradual {fmt(mg[reform])} at month {reform}, {fmt(mg[later])} at "
            f"{later}, {fmt(mg[-1])} at the end (centralized {fmt(mc_[later])} at {later}); "
            f"rise beyond dispersed's {ci_text(m_rise, l_rise, h_rise)}; gradual minus "
            f"centralized at {later}: {ci_text(m_gap, l_gap, h_gap)}; half of the gap to "
            f"centralized closed after {half}",
            m_rise,
            l_rise,
            h_rise,
            max(p_rise, p_gap),
            bool(l_rise > 0 and h_gap < 0 and p_rise < ALPHA and p_gap < ALPHA),
        )
    )

    # F5.4 platform adoption follows an S-curve after the reform, over the needs open then.
    series = runs.open_adoption(g)
    t = np.arange(series.shape[1], dtype=float)
    fit = scurve_fit(t, series.mean(axis=0))

    def refit(rows: np.ndarray) -> np.ndarray:
        """Inflection and AIC advantage of the mean curve of resampled replications."""
        b = scurve_fit(t, series[rows].mean(axis=0))
        return np.array([b["inflection"], b["delta_aic"]])

    # Resample replication indices: each replication's whole series is one observation.
    (inf_low, aic_low), (inf_high, _) = bootstrap(
        refit,
        np.arange(len(series)),
        n=BOOTSTRAP_FITS if not s.fast else BOOTSTRAP_FITS // 3,
        seed=1,
    )
    window = s.months - reform
    passed = (
        fit["delta_aic"] >= F5_AIC_MARGIN
        and aic_low >= F5_AIC_MARGIN
        and inf_low >= F5_INFLECTION_MARGIN
        and inf_high <= window - F5_INFLECTION_MARGIN
    )
    mean_curve = series.mean(axis=0)
    marks = ", ".join(
        f"+{m}: {fmt(mean_curve[m])}" for m in range(0, window + 1, 12) if m < len(mean_curve)
    )
    results.append(
        CheckResult(
            "F5",
            "F5.4 adoption S-curve",
            F5_STATEMENT,
            f"gradual_reform: share of the common needs not served at the reform month (open, "
            f"waiting for a platform or proposed) that have adopted a platform, month by month "
            f"from the reform on, mean over replications: a "
            f"logistic K/(1+exp(-r(t-t0))) beats linear, saturating K(1-exp(-rt)) and "
            f"exponential a(exp(bt)-1) fits by AIC >= {F5_AIC_MARGIN:g} (also at the bootstrap "
            f"2.5% quantile), and its inflection t0 (acceleration, then deceleration) has a "
            f"bootstrap 95% CI inside [{F5_INFLECTION_MARGIN}, {window - F5_INFLECTION_MARGIN}] "
            "months after the reform. Estimate: t0",
            f"needs open at the reform adopted, months after it: {marks} (platform_adoption_rate "
            f"of all needs {fmt(runs.at(g, 'platform_adoption_rate', reform).mean())} at the "
            f"reform, {fmt(runs.final(g, 'platform_adoption_rate').mean())} at the end); "
            f"inflection {fmt(fit['inflection'])} "
            f"months after the reform; AIC advantage of the logistic over the best alternative "
            f"{fmt(fit['delta_aic'])} (bootstrap 2.5% quantile {fmt(aic_low)})",
            fit["inflection"],
            float(inf_low),
            float(inf_high),
            math.nan,
            bool(passed),
        )
    )
    return results


F5 = Fact("F5", F5_STATEMENT, "gradual_reform vs dispersed and centralized",
          "own systems for new needs, n_redundant_common_systems, data_sharing_rate, "
          "platform_adoption_rate", _f5_designs, _f5_checks)  # fmt: skip
