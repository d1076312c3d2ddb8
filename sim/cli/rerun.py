"""The ``rerun`` command: simulate one run of a results folder again.

``python run.py rerun FOLDER --scenario S --replication R`` builds the run's
model again from the folder's manifest (scenario parameters, the model seed,
the run's copy in the model and the model's batch size) and prints its final
outcomes beside those in ``runs.csv``. Exit status 0 when every outcome is
identical, 1 when one differs (e.g. the code changed since; the versions are
printed), 2 for a folder, scenario or replication that is not there.
"""

from __future__ import annotations

import argparse
import math
from typing import Any

from sim.cli import arguments as cli_types

HELP = "simulate one run of a results folder again and compare it with runs.csv"


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """Add the ``rerun`` subcommand to ``run.py``'s subparsers."""
    p = sub.add_parser(
        "rerun",
        help=HELP,
        description=HELP + ". The run's model is built again from manifest.json: the "
        "scenario's parameters as run, the model's seed and, when replications ran side by "
        "side in one model, the whole model (same batch size), taking the run's copy.",
        epilog="example: python run.py rerun results/FOLDER --scenario centralized --replication 7",
    )
    p.add_argument("folder", metavar="FOLDER", help="a results folder of run or compare")
    p.add_argument("--scenario", required=True, metavar="NAME", help="scenario name")
    p.add_argument(
        "--replication",
        required=True,
        type=cli_types.at_least(0),
        metavar="R",
        help="replication number (from 0)",
    )
    return p


def _number(value: Any) -> str:
    value = float(value)
    return "nan" if math.isnan(value) else f"{value:.10g}"


def cmd_rerun(args: argparse.Namespace) -> int:
    """Rerun the run, print both outcomes side by side; 0 if identical."""
    from sim.cli.errors import print_error
    from sim.experiments.rerun import RerunError, rerun

    try:
        again = rerun(args.folder, args.scenario, args.replication)
    except RerunError as exc:
        return print_error(exc)
    print(
        f"{again.scenario}, replication {again.replication}: replica {again.replica} of a "
        f"model of {again.batch_size} seeded with {again.seed}"
    )
    width = max(len("outcome"), *(len(o) for o in again.table["outcome"]))
    print(f"{'outcome':<{width}}  {'runs.csv':>18}  {'rerun':>18}  identical")
    for row in again.table.itertuples(index=False):
        print(
            f"{row.outcome:<{width}}  {_number(row.recorded):>18}  {_number(row.rerun):>18}"
            f"  {'yes' if row.identical else 'NO'}"
        )
    recorded, now = again.code["recorded"], again.code["now"]
    if again.identical:
        print(f"All {len(again.table)} outcomes identical.")
        return 0
    print(
        f"{int((~again.table['identical']).sum())} outcome(s) differ. The folder was made by "
        f"version {recorded['version']} (commit {recorded['commit']}); this is version "
        f"{now['version']} (commit {now['commit']})."
    )
    return 1
