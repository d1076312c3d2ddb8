"""``run.py watch``: one run recorded month by month (agent-level records as Parquet)."""

from __future__ import annotations

import argparse
import sys

from sim.cli import arguments as cli_types

HELP = "record one run month by month: agent-level records as Parquet (agents.parquet, ...)"


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add the ``watch`` command to the command-line parser."""
    p = sub.add_parser(
        "watch",
        help=HELP,
        description="Run one scenario once and record, after every month, what serves each "
        "department's common needs (own system, a center's platform, a co-built platform, a "
        "peer's system; or proposed, waiting, open, not arisen yet), the governance bodies' "
        "queues, the platforms planned, being built or operating, and the data-sharing links. "
        "Writes agents.parquet, bodies.parquet, platforms.parquet, links.parquet, "
        "timeseries.parquet, governments.parquet and manifest.json. A normal run records none "
        "of this. The run is the one 'compare --batch 1' gives the replication with this seed "
        "(its seed column in runs.csv). To watch it play, use 'run.py dashboard' and open "
        "'Watch one run'.",
        epilog="example: python run.py watch centralized --seed 7 --out results/watch-centralized",
    )
    p.add_argument("scenario", metavar="SCENARIO", help="scenario name or .yaml file")
    p.add_argument(
        "--seed",
        type=cli_types.seed,
        default=None,
        metavar="N",
        help="seed of the model's random generator (default: the seed of replication 0 of "
        "the main job)",
    )
    p.add_argument("--months", type=cli_types.at_least(1), metavar="N", help="run length")
    p.add_argument(
        "--departments", type=cli_types.at_least(2), metavar="N", help="departments per government"
    )
    p.add_argument(
        "--out",
        metavar="FOLDER",
        help="output folder (default results/<date-time>-watch-<scenario>/); must be new or empty",
    )
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")


def cmd_watch(args: argparse.Namespace) -> int:
    """Record one run and write its folder."""
    from sim.experiments.inputs.scenarios import load_scenario
    from sim.experiments.output_checks import check_writable
    from sim.experiments.results import RESULTS_DIR, check_output_dir, default_output_dir
    from sim.experiments.seeds import DEFAULT_SEED, spawn_seeds
    from sim.experiments.watch import check_size, record_run, write_run

    scenario = load_scenario(args.scenario)
    overrides = {}
    if args.months is not None:
        overrides["months"] = args.months
    if args.departments is not None:
        overrides["n_departments"] = args.departments
    if overrides:
        scenario = scenario.with_overrides(name=scenario.name, **overrides)
    check_size(scenario)
    seed = spawn_seeds(DEFAULT_SEED, 1)[0] if args.seed is None else args.seed
    out = args.out or default_output_dir(f"watch-{scenario.name}", RESULTS_DIR)
    check_output_dir(out)
    check_writable(out)
    run = record_run(scenario, seed)
    paths = write_run(run, scenario, out, argv=sys.argv)
    if not args.quiet:
        print(
            f"watched {scenario.name} (seed {seed}, {run.months} months, "
            f"{len(run.agents):,} agent records) in {run.elapsed:.1f} s"
        )
        print(f"results: {paths[0].parent}")
    return 0
