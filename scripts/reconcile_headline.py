r"""Reconcile the three tools on the same space: discover, the EMA adapter, where-it-loses.

Issue 27: each tool explores the whole declared space (``sim.experiments.space``:
every uncertainty and structure parameter over its plausible range, the city
layout fixed) and counts a world as one where the centralized design is worse
when the mean paired difference (centralized minus dispersed, same seeds) lies
on the outcome's bad side. This script reads a finished discovery folder,
runs the EMA adapter and where-it-loses' sampled worlds on their own samples
of the same space, and prints the shares with 95% Wilson intervals as a
Markdown table, with a two-sided Fisher exact test of each tool against the
discovery (the samples are independent draws from the same space, so the
shares should differ only by chance).

    uv run python scripts/reconcile_headline.py results/discovery/centralized_vs_dispersed \\
        --worlds 60 --replications 2
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from sim.analysis.headline import share_interval
from sim.analysis.where_it_loses import JUDGED, sampled_worlds, world_shares

OUTCOMES = tuple(JUDGED)


def _row(tool: str, worse: np.ndarray, outcome: str, note: str) -> dict:
    n, k = len(worse), int(np.sum(worse))
    low, high = share_interval(k, n)
    return {"tool": tool, "outcome": outcome, "worlds": n, "worse": k, "share": k / n,
            "low": low, "high": high, "note": note}  # fmt: skip


def from_discovery(folder: Path) -> list[dict]:
    """Shares of a finished discovery folder (its ``points.csv``)."""
    points = pd.read_csv(folder / "points.csv")
    manifest = json.loads((folder / "manifest.json").read_text())
    note = f"{manifest.get('samples')} LHS points x {manifest.get('replications')} reps"
    return [
        _row("discover", points[points["outcome"] == o]["worse"].to_numpy(bool), o, note)
        for o in OUTCOMES
    ]


def from_ema(worlds: int, replications: int, seed: int) -> list[dict]:
    """Shares of the EMA adapter over its default space (the whole space, city layout fixed)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench import perform_experiments

    from sim.experiments.discovery import ema

    model = ema.ema_model(replications=replications, root_seed=seed)
    experiments, outcomes = perform_experiments(
        model,
        scenarios=worlds,
        policies=ema.design_policies(["dispersed", "centralized"]),
        log_progress=False,
        uncertainty_sampling_kwargs={"rng": seed},
    )
    rows = []
    note = f"{worlds} EMA scenarios x {replications} reps, {len(model.uncertainties)} sampled"
    for o in OUTCOMES:
        _, diff = ema.paired_difference(experiments, outcomes, o, "dispersed", "centralized")
        bad = 1.0 if JUDGED[o] == "higher" else -1.0
        rows.append(_row("EMA adapter", (bad * diff.to_numpy()) > 0, o, note))
    return rows


def from_where(worlds: int, replications: int, seed: int) -> list[dict]:
    """Shares of where-it-loses' sampled worlds."""
    table = sampled_worlds(worlds, replications=replications, root_seed=seed, progress=False)
    shares = world_shares(table).set_index("outcome")
    note = f"{worlds} sampled worlds x {replications} reps"
    rows = []
    for o in OUTCOMES:
        worse = table[table["outcome"] == o]["worse"].to_numpy(bool)
        row = _row("where-it-loses", worse, o, note)
        row["clearly"] = float(shares.loc[o, "share_clearly_worse"])
        rows.append(row)
    return rows


def main() -> None:
    """Run the tools, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("discovery", type=Path, help="a finished run.py discover folder")
    parser.add_argument("--worlds", type=int, default=60)
    parser.add_argument("--replications", type=int, default=2)
    parser.add_argument("--seed", type=int, default=20261208)
    parser.add_argument("--skip-ema", action="store_true")
    parser.add_argument("--skip-where", action="store_true")
    parser.add_argument("--out", type=Path, help="write the EMA and where-it-loses rows (CSV)")
    parser.add_argument("--rows", type=Path, help="read those rows instead of running")
    args = parser.parse_args()
    if args.rows:
        rows = pd.read_csv(args.rows).to_dict("records")
    else:
        rows = []
        if not args.skip_ema:
            start = time.perf_counter()
            rows += from_ema(args.worlds, args.replications, args.seed)
            print(f"EMA adapter: {time.perf_counter() - start:.0f} s", flush=True)
        if not args.skip_where:
            start = time.perf_counter()
            rows += from_where(args.worlds, args.replications, args.seed + 1)
            print(f"where-it-loses: {time.perf_counter() - start:.0f} s", flush=True)
        if args.out:
            pd.DataFrame(rows).to_csv(args.out, index=False)
    if not (args.discovery / "points.csv").is_file():
        print(f"{args.discovery} holds no finished discovery yet; rows kept in {args.out}")
        return
    frame = pd.DataFrame(from_discovery(args.discovery) + rows)
    base = frame[frame["tool"] == "discover"].set_index("outcome")
    print("| tool | outcome | worlds | centralized worse | 95% Wilson CI | Fisher p vs discover |")
    print("|---|---|---|---|---|---|")
    for r in frame.itertuples():
        b = base.loc[r.outcome]
        table = [[r.worse, r.worlds - r.worse], [b.worse, b.worlds - b.worse]]
        p = "–" if r.tool == "discover" else f"{stats.fisher_exact(table)[1]:.2f}"
        print(
            f"| {r.tool} | {r.outcome} | {r.worlds} | {r.share:.0%} ({r.worse}) | "
            f"{r.low:.0%}–{r.high:.0%} | {p} |"
        )


if __name__ == "__main__":
    main()
