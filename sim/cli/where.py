"""The ``where-it-loses`` command: centralized against dispersed under plausible conditions.

Runs ``sim.analysis.where_it_loses`` and prints one line per condition and
bottom-line outcome (cost per service month, coverage, months to service):
the paired difference centralized minus dispersed with its 95% CI and the
verdict. Writes ``where_it_loses.csv``, ``where_it_loses.txt`` (or
``where_it_loses_zh.txt`` with ``--lang zh``), ``where_it_loses.html`` (a
chart of the paired differences, the table and the provenance;
``where_it_loses_zh.html``) and ``manifest.json`` into a results folder.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from sim.cli import arguments as cli_types

HELP = "where the centralized design loses: paired comparisons under plausible conditions"


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """Add the ``where-it-loses`` subcommand to ``run.py``'s subparsers."""
    p = sub.add_parser("where-it-loses", help=HELP, description=HELP + ".")
    p.add_argument(
        "-r",
        "--replications",
        type=cli_types.at_least(2),
        default=20,
        metavar="N",
        help="paired replications of each design at each plausible end (default 20)",
    )
    p.add_argument(
        "--worlds",
        type=cli_types.at_least(0),
        default=60,
        metavar="N",
        help="worlds sampled from the whole plausible space (Latin hypercube, the ranges of "
        "run.py discover); 0: none (default 60)",
    )
    p.add_argument(
        "--world-replications",
        type=cli_types.at_least(2),
        default=2,
        metavar="N",
        help="paired replications per sampled world (default 2, as the shipped discovery)",
    )
    p.add_argument(
        "--no-ends",
        action="store_true",
        help="skip the plausible ends (each parameter at each end of its plausible range)",
    )
    p.add_argument("--seed", type=cli_types.seed, default=None, metavar="N", help="root seed")
    p.add_argument("--months", type=cli_types.at_least(1), metavar="N", help="run length")
    p.add_argument(
        "--workers", type=cli_types.at_least(1), metavar="N", help="processes (default all)"
    )
    p.add_argument(
        "--out",
        metavar="FOLDER",
        help="results folder (default results/<date-time>-where-it-loses/); new or empty",
    )
    p.add_argument(
        "--lang", choices=("en", "zh"), default="en", help="language of the printed table"
    )
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    return p


def cmd_where_it_loses(args: argparse.Namespace) -> int:
    """Run the conditions, print the table and write the folder."""
    from sim.experiments import results
    from sim.experiments.output_checks import check_writable
    from sim.experiments.seeds import DEFAULT_SEED

    try:
        out = (
            results.check_output_dir(args.out)
            if args.out
            else results.default_output_dir("where-it-loses", create=True)
        )
    except results.OutputExistsError as exc:
        print("error: " + " ".join(str(exc).split()), file=sys.stderr)
        return 2
    check_writable(out)  # before the runs, not after
    import pandas as pd

    from sim.analysis.where_it_loses import (
        CONDITIONS,
        sampled_worlds,
        where_it_loses,
        world_shares,
    )
    from sim.experiments import provenance
    from sim.experiments.files import atomic_write
    from sim.experiments.space import CITY_FIXED
    from sim.reporting.terminal import format_where_it_loses, format_world_shares

    world = {"months": args.months} if args.months else {}
    seed = DEFAULT_SEED if args.seed is None else args.seed
    parts = []
    worlds = shares = None
    if args.worlds:
        worlds = sampled_worlds(
            args.worlds,
            replications=args.world_replications,
            root_seed=seed,
            workers=args.workers,
            progress=not args.quiet,
            **world,
        )
        shares = world_shares(worlds)
        parts.append(format_world_shares(shares, args.world_replications, args.lang))
        print(parts[-1] + "\n")
    table = pd.DataFrame(columns=["condition", "values", "outcome", "verdict"])
    if not args.no_ends:
        table = where_it_loses(
            replications=args.replications,
            root_seed=seed,
            workers=args.workers,
            progress=not args.quiet,
            **world,
        )
        from sim.reporting.i18n import t

        parts.append(
            t("where_ends", args.lang)
            + "\n"
            + format_where_it_loses(table, args.replications, args.lang)
        )
        print(parts[-1])
    text = "\n\n".join(parts)
    out.mkdir(parents=True, exist_ok=True)
    results.write_csv(table, out / "where_it_loses.csv")
    if worlds is not None:
        results.write_csv(worlds, out / "where_it_loses_worlds.csv")
        results.write_csv(shares, out / "where_it_loses_shares.csv")
    name = "where_it_loses_zh.txt" if args.lang == "zh" else "where_it_loses.txt"
    atomic_write(out / name, lambda p: p.write_text(text + "\n", "utf-8"))
    manifest = {
        "kind": "where-it-loses",
        "lang": args.lang,
        "replications": args.replications,
        "root_seed": seed,
        "batch": (
            "each condition's replications ran as the copies of batched models, sized from "
            "the layout by sim.experiments.replications.auto_batch (as run.py compare)"
        ),
        "world": world,
        "worlds": {
            "count": args.worlds,
            "replications": args.world_replications,
            "sampler": "SALib latin.sample over every uncertainty and structure parameter's "
            "plausible range (sim.experiments.space.sample_worlds), seed = root_seed",
            "fixed": {n: {"value": f.value, "reason": f.reason} for n, f in CITY_FIXED.items()},
        },
        "conditions": [
            {"name": c.name, "values": c.values, "reason": c.reason, "levers": c.levers}
            for c in (CONDITIONS if not args.no_ends else ())
        ],
        "packages": provenance.package_versions(),
        "git": provenance.git_info(),
    }
    manifest.update(provenance.code_record())
    from sim.reporting.where_report import write_where_report

    page = write_where_report(out, table, text, provenance=manifest, lang=args.lang)
    manifest["files"] = {
        "where_it_loses.csv": "per plausible end and outcome: means, paired difference, CI, "
        "verdict",
        **(
            {
                "where_it_loses_worlds.csv": "per sampled world and outcome: its values, the "
                "paired difference with its 95% CI, worse, clearly worse",
                "where_it_loses_shares.csv": "per outcome: share of sampled worlds where the "
                "centralized design is worse, 95% Wilson CI, share clearly worse",
            }
            if worlds is not None
            else {}
        ),
        name: "the printed table",
        page.name: "the report: a chart of the paired differences, the table, provenance",
    }
    body = json.dumps(manifest, indent=2, ensure_ascii=False, default=str)
    atomic_write(out / "manifest.json", lambda p: p.write_text(body + "\n", "utf-8"))
    print(f"\nResults: {out}")
    print(f"Report:  {page}")
    return 0
