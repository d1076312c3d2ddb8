"""Check that two versions or ways of running the model are statistically the same model.

Not a test: it prints a table. Speed work must not change what the model
means (issue "National multi-level scenario and benchmark", point 4). This
script checks it in two steps:

1. ``record``: run the city scenarios (``EQUIVALENCE_SCENARIOS``) with seeds
   1..N on the code in the working tree and write every run's final outcomes
   to a CSV (with the git commit it came from). Run it once on the old code
   (e.g. in a ``git worktree`` of the old commit, with ``PYTHONPATH`` pointing
   there) and once on the new code. With ``--batch B`` the runs are made B at
   a time as replicas of one batched model (``GovernanceModel(replicas=B)``),
   to check batched runs against one run per model. With ``--mixed B`` the
   replicas of a batched model carry the parameters of different scenarios
   (``GovernanceModel(replica_parameters=...)``, issue 12): scenarios of
   equal months and policy changes share models (whatever their layout, since
   issue 27), their replicas cycling
   through them, so each scenario's runs come from models mixed with others.
2. ``compare``: for each scenario and outcome, a two-sample equivalence test
   (TOST with Welch t-tests) of "the means differ by less than ``margin`` pooled
   standard deviations", and a two-sample Kolmogorov-Smirnov test of the whole
   distribution. Identical columns (bit-for-bit the same runs) are marked as such.

Usage::

    uv run python bench/equivalence.py record after.csv -r 100
    uv run python bench/equivalence.py compare before.csv after.csv
    uv run python bench/equivalence.py record batched.csv -r 100 --batch 50
    uv run python bench/equivalence.py record mixed.csv -r 400 --mixed 90

The seeds are the same on both sides, but after a change that draws random
numbers in another order the runs are no longer paired, so the tests treat
the samples as independent. With 100 runs a side and margin 0.5 SD, TOST has
about 94% power per outcome when the true difference is 0 (200 a side: 99.9%).
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

# The repository this script sits in, after PYTHONPATH: a PYTHONPATH pointing at
# an old worktree still wins, and without one the script runs from a clean
# checkout as the usage above shows (its own folder is all Python adds).
sys.path.append(str(Path(__file__).resolve().parents[1]))

#: City scenarios present in every version of the model since the model core.
EQUIVALENCE_SCENARIOS: tuple[str, ...] = (
    "dispersed",
    "centralized",
    "gradual_reform",
    "understaffed_office",
    "high_leader_turnover",
    "fiscal_disparity",
)

#: Multi-level scenarios checked with ``--scenarios`` (issue 28: city and province).
PROVINCE_SCENARIOS: tuple[str, ...] = ("province_dispersed", "province_centralized")
#: Overrides applied to every run (``--months``, ``--four-levels``); set before the pool forks.
OVERRIDES: dict[str, int] = {}

#: Equivalence margin in pooled standard deviations (the docking margin of docs/VALIDATION.md).
MARGIN_SD = 0.5
ALPHA = 0.05


def _final(task: tuple[str, int, int]) -> list[dict[str, float]]:
    load_scenario = _load_scenario_function()
    from sim.model.governance import GovernanceModel

    name, seed, batch = task
    scenario = load_scenario(name).with_overrides(**_known(OVERRIDES))
    options = {"replicas": batch} if batch > 1 else {}
    model = GovernanceModel(
        scenario.parameters, rng=seed, policy_changes=tuple(scenario.policy_changes), **options
    )
    model.run()
    if batch == 1:
        return [{"scenario": name, "seed": seed, **{k: float(v) for k, v in model.current.items()}}]
    return [
        {"scenario": name, "seed": seed, **{k: float(v[r]) for k, v in model.current.items()}}
        for r in range(batch)
    ]


def _load_scenario_function():
    """``load_scenario`` of the model in use (its module moved in the 2026-12-08 layout)."""
    try:
        from sim.experiments.inputs.scenarios import load_scenario
    except ImportError:  # a version from before the layout of sim/experiments
        from sim.experiments.scenarios import load_scenario
    return load_scenario


def _known(overrides: dict[str, int]) -> dict[str, int]:
    """The overrides of parameters the model in use declares (older versions lack some).

    ``--four-levels`` sets ``n_townships`` to 0 where the model has townships
    (issue 28), so that a province scenario is the same four-level province
    in a version from before the township level and in one after it.
    """
    from sim.model.parameters import SPECS

    return {k: v for k, v in overrides.items() if k in SPECS}


def _mixed_final(task: tuple[tuple[str, ...], int, int]) -> list[dict[str, float]]:
    """One batched model whose replicas cycle through the parameters of ``names``."""
    load_scenario = _load_scenario_function()
    from sim.model.governance import GovernanceModel

    names, seed, batch = task
    scenarios = [load_scenario(n) for n in names]
    own = [scenarios[r % len(names)].parameters.model_dump() for r in range(batch)]
    model = GovernanceModel(
        scenarios[0].parameters,
        rng=seed,
        policy_changes=tuple(scenarios[0].policy_changes),
        replicas=batch,
        replica_parameters=own,
    )
    model.run()
    return [
        {
            "scenario": names[r % len(names)],
            "seed": seed * 100_000 + r,
            **{k: float(v[r]) for k, v in model.current.items()},
        }
        for r in range(batch)
    ]


def mixed_groups() -> list[tuple[str, ...]]:
    """The scenarios grouped by months and policy changes (those that can share a model)."""
    load_scenario = _load_scenario_function()
    from sim.model.replica_parameters import layout_key

    groups: dict[tuple, list[str]] = {}
    for name in EQUIVALENCE_SCENARIOS:
        s = load_scenario(name)
        key = (layout_key(s.parameters.model_dump()), repr(s.policy_changes))
        groups.setdefault(key, []).append(name)
    return [tuple(g) for g in groups.values()]


def record(
    out: Path,
    replications: int,
    workers: int,
    batch: int = 1,
    mixed: int = 0,
    scenarios: tuple[str, ...] = EQUIVALENCE_SCENARIOS,
) -> None:
    """Run every scenario ``replications`` times and write the final outcomes."""
    from tqdm import tqdm

    if mixed:
        fn = _mixed_final
        tasks = [
            (group, seed, mixed)
            for group in mixed_groups()
            for seed in range(1, -(-replications * len(group) // mixed) + 1)
        ]
        print("scenarios sharing models:", [g for g in mixed_groups() if len(g) > 1])
    else:
        fn = _final
        models = -(-replications // batch)
        tasks = [(name, seed, batch) for name in scenarios for seed in range(1, models + 1)]
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        rows = [
            row
            for rows in tqdm(pool.imap(fn, tasks, chunksize=1), total=len(tasks), unit="model")
            for row in rows
        ]
    frame = pd.DataFrame(rows)
    frame = frame.groupby("scenario", sort=False).head(replications).reset_index(drop=True)
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    frame.insert(0, "commit", commit + ("+changes" if dirty else ""))
    frame.to_csv(out, index=False)
    print(f"{len(frame)} runs written to {out} (commit {frame['commit'].iloc[0]})")


def tost_independent(x: np.ndarray, y: np.ndarray, margin: float) -> float:
    """P-value of TOST for ``|mean(x) - mean(y)| < margin`` (Welch t-tests)."""
    if margin <= 0:
        return 0.0 if np.array_equal(np.sort(x), np.sort(y)) else 1.0
    low = stats.ttest_ind(x + margin, y, equal_var=False, alternative="greater").pvalue
    high = stats.ttest_ind(x - margin, y, equal_var=False, alternative="less").pvalue
    return float(max(low, high))


def compare(before: pd.DataFrame, after: pd.DataFrame, margin_sd: float) -> pd.DataFrame:
    """One row per scenario and outcome present in both files."""
    ids = {"commit", "scenario", "seed"}
    outcomes = [c for c in before.columns if c in after.columns and c not in ids]
    rows = []
    for name in sorted(set(before["scenario"]) & set(after["scenario"])):
        a = before[before["scenario"] == name].sort_values("seed")
        b = after[after["scenario"] == name].sort_values("seed")
        for o in outcomes:
            x, y = a[o].to_numpy(float), b[o].to_numpy(float)
            pooled = math.sqrt((x.var(ddof=1) + y.var(ddof=1)) / 2)
            identical = len(x) == len(y) and np.array_equal(x, y, equal_nan=True)
            tost_p = 0.0 if identical else tost_independent(x, y, margin_sd * pooled)
            ks_p = 1.0 if identical or pooled == 0 else float(stats.ks_2samp(x, y).pvalue)
            rows.append(
                {
                    "scenario": name,
                    "outcome": o,
                    "mean_before": x.mean(),
                    "mean_after": y.mean(),
                    "diff_sd": (y.mean() - x.mean()) / pooled if pooled else 0.0,
                    "tost_p": tost_p,
                    "ks_p": ks_p,
                    "identical": identical,
                    "equivalent": identical or tost_p < ALPHA,
                }
            )
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    """Command line: ``record`` or ``compare``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    rec = sub.add_parser("record", help="run the scenarios and write final outcomes")
    rec.add_argument("out", type=Path)
    rec.add_argument("-r", "--replications", type=int, default=100)
    rec.add_argument("--workers", type=int, default=2)
    rec.add_argument("--batch", type=int, default=1, help="replicas per model (default 1)")
    rec.add_argument(
        "--mixed", type=int, default=0, metavar="B", help="B replicas per model, mixing scenarios"
    )
    rec.add_argument(
        "--scenarios",
        choices=("city", "province"),
        default="city",
        help="the city scenarios (default) or the province ones (PROVINCE_SCENARIOS)",
    )
    rec.add_argument("--months", type=int, help="override the scenarios' months")
    rec.add_argument(
        "--four-levels",
        action="store_true",
        help="n_townships 0 where the model has townships (compare with a version without)",
    )
    cmp_ = sub.add_parser("compare", help="equivalence of two recorded files")
    cmp_.add_argument("before", type=Path)
    cmp_.add_argument("after", type=Path)
    cmp_.add_argument("--margin", type=float, default=MARGIN_SD, help="margin in pooled SDs")
    cmp_.add_argument("--all", action="store_true", help="print every row, not only failures")
    args = parser.parse_args(argv)
    if args.command == "record":
        if args.months:
            OVERRIDES["months"] = args.months
        if args.four_levels:
            OVERRIDES["n_townships"] = 0
        names = EQUIVALENCE_SCENARIOS if args.scenarios == "city" else PROVINCE_SCENARIOS
        record(args.out, args.replications, args.workers, args.batch, args.mixed, names)
        return 0
    before, after = pd.read_csv(args.before), pd.read_csv(args.after)
    table = compare(before, after, args.margin)
    print(f"before: {before['commit'].iloc[0]}  after: {after['commit'].iloc[0]}")
    print(
        f"{len(table)} scenario x outcome pairs; identical {int(table['identical'].sum())}; "
        f"equivalent within {args.margin} SD (TOST, alpha {ALPHA}) "
        f"{int(table['equivalent'].sum())}; KS p < 0.05: {int((table['ks_p'] < 0.05).sum())}"
    )
    shown = table if args.all else table[~table["equivalent"] | (table["ks_p"] < 0.05)]
    if len(shown):
        with pd.option_context("display.width", 160, "display.max_rows", 500):
            print(shown.round(4).to_string(index=False))
    return 0 if table["equivalent"].all() else 1


if __name__ == "__main__":
    sys.exit(main())
