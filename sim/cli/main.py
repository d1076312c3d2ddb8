"""Command line of the e-government governance simulation: parse and dispatch.

``python run.py``, ``python -m sim`` and the ``egov-sim`` console command all
call ``main``. Run ``python run.py --help`` for the commands. Each command
checks its input, then calls the layers below: the experiment runs
(``sim.analysis.comparison``), then the folder and report are written
(``sim.reporting.experiment_folder``), then the terminal table is printed
(``sim.reporting.terminal``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from sim.cli import arguments as cli_types
from sim.experiments.inputs.limits import MAX_REPLICATIONS, shorten
from sim.experiments.seeds import DEFAULT_SEED

#: The main job: what ``python run.py`` with no command does.
DEFAULT_COMPARISON = ("dispersed", "centralized")
DEFAULT_REPLICATIONS = 20
#: Sampled worlds of the main job's headline over the plausible space (``run.py``
#: with no command runs ``compare --space`` with it): 400 runs (two designs, two
#: replications), batched across government sizes since issue 27; 81 s in all for
#: the main job on two cores at load 3-4 (issue 27 asks for it under about five minutes).
MAIN_JOB_SPACE = 100
COMMANDS = (
    "run", "compare", "list", "validate", "report", "sweep", "summarize", "bench", "validate-model",
    "where-it-loses", "discover", "calibrate",
    "dashboard", "rerun", "watch",
)  # fmt: skip

DESCRIPTION = """\
Simulate how e-government gets built under different governance designs and
compare them. Each scenario (a YAML file in scenarios/) is run several times
with different random seeds; "compare" runs every scenario with the SAME seeds
(paired replications), so differences come from the design, not from luck.

With no command, runs the main comparison:
  compare dispersed centralized  (20 replications each)

Each run writes a new folder results/<date-time>-<names>/ with the monthly
time series (timeseries.csv, .parquet), one row per run (runs.csv), means and
95% confidence intervals (summary.csv), paired differences from the baseline
(paired_differences.csv), the sharing networks (networks.parquet, with the
governments and their departments in governments.parquet), a report
with every table and chart (report.html, or report_zh.html with --lang zh; one
file, opens offline), the charts as PNG and SVG (figures/; needs Chromium) and
manifest.json (seeds, parameters, versions and git commit: enough to reproduce
every number).
"""

EPILOG = """\
examples:
  python run.py                                   the main comparison
  python run.py list                              the scenarios available
  python run.py list --parameters                 parameters: default, unit, ranges, source
  python run.py compare dispersed centralized -r 50
  python run.py run centralized --months 60 --departments 20
  python run.py compare dispersed my_design.yaml --out results/my-test
  python run.py validate scenarios/my_design.yaml
  python run.py --lang zh                         the main comparison, report in Chinese
  python run.py report results/FOLDER --lang zh --formats png,svg,pdf
  python run.py sweep sweeps/review_capacity_grid.yaml   a parameter sweep (resumable)
  python run.py rerun results/FOLDER --scenario centralized --replication 7
  python run.py watch centralized --seed 7        one run, agent records month by month

A scenario is named by its file name in scenarios/ without .yaml, or given as a
path to a .yaml file. The first scenario of "compare" is the baseline.
Use "uv run python run.py ..." if the environment is not activated.
"""

RUN_OPTIONS_HELP = "options of run and compare"


class _Parser(argparse.ArgumentParser):
    """Argument parser that reports errors as one 'error: ...' paragraph."""

    def error(self, message: str) -> NoReturn:
        """Print the error and a pointer to --help, then exit with status 2."""
        from sim.cli.errors import print_error

        hint = f" See 'python run.py {self._command()}--help'."
        print_error(f"{shorten(message, 600)}.{hint}")
        raise SystemExit(2)

    def _command(self) -> str:
        words = self.prog.split()[1:]
        return " ".join(words) + " " if words else ""


_positive_int = cli_types.at_least(1)
_replications = cli_types.at_least(1, MAX_REPLICATIONS)
_seed = cli_types.seed
_int = cli_types.whole_number


def _run_options() -> argparse.ArgumentParser:
    """Options shared by ``run`` and ``compare``."""
    parent = _Parser(add_help=False)
    group = parent.add_argument_group(RUN_OPTIONS_HELP)
    group.add_argument(
        "-r",
        "--replications",
        type=_replications,
        default=DEFAULT_REPLICATIONS,
        metavar="N",
        help=f"runs of each scenario, each with its own seed (default {DEFAULT_REPLICATIONS})",
    )
    group.add_argument(
        "--seed",
        type=_seed,
        default=DEFAULT_SEED,
        metavar="N",
        help=f"root random seed; the same seed gives the same results (default {DEFAULT_SEED})",
    )
    group.add_argument(
        "--months",
        type=_int,
        metavar="N",
        help="length of each run in months (default: the scenario's, normally 120)",
    )
    group.add_argument(
        "--departments",
        type=_int,
        metavar="N",
        help="departments per government (default: the scenario's, normally 40)",
    )
    group.add_argument(
        "--workers",
        type=cli_types.workers,
        metavar="N",
        help=f"processes running in parallel (default: all {os.cpu_count()} cores; 1 = no "
        "parallelism). Results do not depend on it.",
    )
    group.add_argument(
        "--batch",
        type=_replications,
        default=None,
        metavar="N",
        help="simulate N replications side by side in one model (independent copies of "
        "the scenario's governments, or of a whole hierarchy). Many times faster for many "
        "replications of small scenarios; replication r is then copy r mod N of the model "
        "seeded with replication N*(r//N)'s seed, so results differ from --batch 1 by "
        "chance only. Default: chosen from the layout (up to 8,000 departments and 100 "
        "replications per model: a city 100, a province 1); 1: one model per replication.",
    )
    group.add_argument(
        "--out",
        metavar="FOLDER",
        help="results folder (default results/<date-time>-<names>/); must be new or empty",
    )
    group.add_argument(
        "--posterior",
        metavar="DIR",
        help="a calibration folder (run.py calibrate): replication r of every scenario runs "
        "with draw r from its posterior, so paired differences include parameter "
        "uncertainty (batched as without it: each copy of a model carries its own draw)",
    )
    group.add_argument("--quiet", action="store_true", help="no progress bar")
    cli_types.report_options(group, formats_default="png,svg")
    return parent


def build_parser() -> argparse.ArgumentParser:
    """Return the command-line parser."""
    parser = _Parser(
        prog="run.py",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from sim.experiments.version import VERSION

    parser.add_argument("--version", action="version", version=f"egov-sim {VERSION}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    options = _run_options()
    p = sub.add_parser(
        "run",
        parents=[options],
        help="run scenarios and summarize each (no comparison)",
        description="Run each scenario N times and summarize its outcomes. "
        "Scenarios share seeds, as in compare, but no differences are computed.",
        epilog="example: python run.py run centralized -r 10 --months 60",
    )
    p.add_argument("scenarios", nargs="+", metavar="SCENARIO", help="scenario name or .yaml file")
    p = sub.add_parser(
        "compare",
        parents=[options],
        help="compare scenarios with paired replications (the first is the baseline)",
        description="Run every scenario with the same seeds and report each one's outcomes "
        "and its paired difference from the first scenario (the baseline).",
        epilog="example: python run.py compare dispersed centralized -r 50",
    )
    p.add_argument(
        "scenarios",
        nargs="+",
        metavar="SCENARIO",
        help="two or more scenario names or .yaml files; the first is the baseline",
    )
    space = p.add_mutually_exclusive_group()
    space.add_argument(
        "--space",
        type=cli_types.at_least(0),
        metavar="N",
        help="the headline over the plausible space: also run N sampled worlds of the whole "
        "declared space (sweeps/discovery/centralized_vs_dispersed.yaml, 2 paired "
        "replications each) into FOLDER/space/ and report the share of worlds where the "
        f"second design is better (the main job with no command: {MAIN_JOB_SPACE}; "
        "default here 0: none)",
    )
    space.add_argument(
        "--space-from",
        metavar="DIR",
        help="the headline over the plausible space read from a finished discovery folder "
        "(run.py discover, e.g. results/discovery/centralized_vs_dispersed) instead",
    )
    p = sub.add_parser(
        "list",
        help="list the scenarios (or, with --parameters, the parameters)",
        description="List the scenarios in scenarios/ with a one-line description.",
        epilog="example: python run.py list --parameters",
    )
    p.add_argument(
        "--parameters",
        action="store_true",
        help="list every parameter instead: name, group, default, unit, allowed range, source",
    )
    p.add_argument(
        "--lang",
        choices=("en", "zh"),
        default="en",
        help="language of the descriptions (zh: Chinese descriptions and parameter labels)",
    )
    p = sub.add_parser(
        "validate",
        help="check scenario files without running them",
        description="Load and check each scenario file; print 'ok: NAME' or what is wrong. "
        "Exit status 2 if any file has a problem.",
        epilog="example: python run.py validate scenarios/*.yaml",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="scenario name or .yaml file")
    p = sub.add_parser(
        "report",
        help="write the report (and static images) of a results folder again",
        description="Write report.html (report_zh.html with --lang zh) of a results folder: "
        "what was run, the outcome table with 95% confidence intervals and paired effects, "
        "and every chart; one file that opens offline. With --formats, also write the "
        "charts as images into FOLDER/figures/ (needs Chrome or Chromium). Nothing is "
        "simulated again. Exit status 2 if the folder cannot be read, 1 if images were "
        "asked for but could not be written (the HTML is written anyway).",
        epilog="example: python run.py report results/20260101-120000-dispersed-vs-centralized "
        "--lang zh --formats png,svg,pdf",
    )
    p.add_argument("folder", metavar="FOLDER", help="a results folder (holds manifest.json)")
    cli_types.report_options(p, formats_default="none")
    from sim.cli import sweep as sweep_cli

    sweep_cli.add_parsers(sub)
    p = sub.add_parser(
        "bench",
        help="measure speed and memory (prints figures; takes a few minutes)",
        description="Benchmark: cost per department-month of the national scenario, city "
        "runs per second per core, scaling with the number of departments, peak memory and "
        "data-collection overhead, each beside the same cost of a minimal Mesa reference "
        "model measured in the same process.",
    )
    p.add_argument("--quick", action="store_true", help="smaller sizes (about a minute)")
    from sim.cli import validation as validation_cli

    validation_cli.add_parser(sub)
    from sim.cli import where as where_cli

    where_cli.add_parser(sub)
    from sim.cli import discover as discover_cli

    discover_cli.add_parser(sub)
    from sim.cli import calibrate as calibrate_cli

    calibrate_cli.add_parser(sub)
    from sim.cli import dashboard as dashboard_cli

    dashboard_cli.add_parser(sub)
    from sim.cli import rerun as rerun_cli

    rerun_cli.add_parser(sub)
    from sim.cli import watch as watch_cli

    watch_cli.add_parser(sub)
    return parser


def cmd_bench(args: argparse.Namespace) -> int:
    """Run bench/benchmark.py."""
    import runpy

    from sim.experiments.provenance import PROJECT_ROOT

    script = PROJECT_ROOT / "bench" / "benchmark.py"
    if not script.is_file():
        return _error(
            f"the benchmark needs the project's source folder (no {script}); run it from a "
            "clone of the repository: python run.py bench"
        )
    module = runpy.run_path(str(script))
    return module["main"](["--quick"] if args.quick else [])


def _with_default_command(argv: list[str]) -> list[str]:
    """Insert the main job when no command is given (options alone are allowed)."""
    if any(a in ("-h", "--help", "--version") for a in argv) and not any(
        a in COMMANDS for a in argv
    ):
        return argv
    if not argv or argv[0].startswith("-"):
        # The main job reports the headline over the plausible space too (issue 27).
        given = any(a.split("=")[0] in ("--space", "--space-from") for a in argv)
        space = [] if given else ["--space", str(MAIN_JOB_SPACE)]
        return ["compare", *DEFAULT_COMPARISON, *space, *argv]
    return argv


# ------------------------------------------------------------------ commands


def _first_sentence(text: str) -> str:
    text = " ".join(str(text or "").split())
    return text.split(". ")[0].rstrip(".").split("。")[0]


def cmd_list(args: argparse.Namespace) -> int:
    """Print the scenarios, or the parameter table with ``--parameters``."""
    if args.parameters:
        from sim.model.parameters import parameter_table
        from sim.reporting import i18n

        zh = getattr(args, "lang", "en") == "zh"
        rows = parameter_table()
        headers = ("name", "group", "default", "unit", "range", "plausible", "source")
        table = [
            (r["name"], r["group"], str(r["default"]), r["unit"], f"{r['low']} to {r['high']}",
             f"{r['plausible_low']} to {r['plausible_high']}",
             r["source"] + (f"  {i18n.parameter_label(r['name'], 'zh')}" if zh else ""))
            for r in rows
        ]  # fmt: skip
        widths = [max(len(h), *(len(t[i]) for t in table)) for i, h in enumerate(headers[:-1])]
        for row in [headers, tuple("-" * len(h) for h in headers), *table]:
            cells = [f"{c:<{w}}" for c, w in zip(row[:-1], widths, strict=True)]
            print("  ".join([*cells, row[-1]]))
        return 0

    from sim.experiments.inputs import scenarios as sc

    names_fn = getattr(sc, "scenario_names", None)
    status = 0
    if names_fn is None:  # only the documented API: all or nothing
        entries = [(s.name, s, None) for s in sc.list_scenarios()]
    else:
        entries = []
        for name in names_fn():
            try:
                entries.append((name, sc.load_scenario(name), None))
            except sc.ScenarioError as exc:
                entries.append((name, None, str(exc)))
                status = 2
    if not entries:
        print(f"No scenario files in {sc.SCENARIO_DIR}.")
        return 0
    width = max(len(name) for name, _, _ in entries) + 2
    columns = max(80, shutil.get_terminal_size().columns)
    for name, scenario, problem in entries:
        text = f"INVALID: {problem}"
        if scenario is not None:
            from sim.reporting.i18n import scenario_description

            text = scenario_description(scenario, getattr(args, "lang", "en"))
        print(
            textwrap.fill(
                _first_sentence(text),
                width=columns,
                initial_indent=f"{name:<{width}}",
                subsequent_indent=" " * width,
            )
        )
    if status:
        print(
            "Some scenario files are invalid; see 'python run.py validate FILE'.", file=sys.stderr
        )
    return status


def cmd_validate(args: argparse.Namespace) -> int:
    """Check each scenario file; print ok or the error."""
    from sim.experiments.inputs.scenarios import ScenarioError, load_scenario

    status = 0
    for item in args.files:
        try:
            scenario = load_scenario(item)
        except ScenarioError as exc:
            status = _error(exc)
        except OSError as exc:
            from sim.cli.errors import describe_os_error

            status = _error(describe_os_error(exc))
        else:
            print(f"ok: {scenario.name}")
    return status


def _load_all(names: Sequence[str], args: argparse.Namespace) -> list[Any]:
    """Load scenarios and apply --months and --departments."""
    from sim.experiments.inputs.scenarios import ScenarioError, load_scenario

    scenarios = [load_scenario(n) for n in names]
    overrides = {}
    if args.months is not None:
        overrides["months"] = args.months
    if args.departments is not None:
        overrides["n_departments"] = args.departments
    if overrides:
        # the same designs in a different world: they keep their names
        scenarios = [s.with_overrides(name=s.name, **overrides) for s in scenarios]
    seen: dict[str, str] = {}
    for given, s in zip(names, scenarios, strict=True):
        if s.name in seen:
            raise ScenarioError(
                f"Scenario '{s.name}' is given twice ('{seen[s.name]}' and '{given}'); each "
                "scenario can appear once. To compare a design with a variant, save the "
                "variant under another file name (it can start with 'extends: NAME')."
            )
        seen[s.name] = given
    return scenarios


def cmd_experiment(args: argparse.Namespace) -> int:
    """Run or compare scenarios, print the report and the results folder."""
    from sim.experiments.inputs.scenarios import ScenarioError

    if args.command == "compare" and len(args.scenarios) < 2:
        raise ScenarioError(
            f"compare needs two or more scenarios (the first is the baseline), got only "
            f"'{args.scenarios[0]}'. Use 'python run.py run {args.scenarios[0]}' to run one."
        )
    scenarios = _load_all(args.scenarios, args)
    # heavy (model, scipy, plotly): only once inputs are valid
    from sim.experiments.output_checks import check_writable
    from sim.experiments.replications import auto_batch
    from sim.experiments.results import RESULTS_DIR, OutputExistsError
    from sim.reporting.experiment_folder import ResultsWrittenInterrupt, run_experiment
    from sim.reporting.terminal import format_report

    draws, posterior = None, None
    if getattr(args, "posterior", None):
        from sim.experiments.calibration.posterior_draws import draw_parameter_sets, load_posterior

        particles, posterior = load_posterior(args.posterior)
        draws = draw_parameter_sets(particles, args.replications, args.seed)
        for scenario in scenarios:  # every draw must be valid over every scenario
            for draw in {tuple(sorted(d.items())) for d in draws}:
                scenario.with_overrides(name=scenario.name, **dict(draw))
        if not args.quiet:
            print(
                f"parameters {', '.join(posterior['free'])} drawn from the posterior of "
                f"{args.posterior} ({posterior['particles']} particles): one draw per "
                "replication, the same for every scenario",
                file=sys.stderr,
            )
    space_record = None
    if getattr(args, "space_from", None):
        from sim.reporting.headline_space import SpaceError, read_space

        try:
            space_record = read_space(args.space_from)
        except SpaceError as exc:
            return _error(exc)
    if args.batch is None:  # the default: batched as far as the layout allows
        # (posterior draws ride along: each copy of a model carries its replication's)
        args.batch = auto_batch(scenarios, args.replications, draws)
    _check_size(scenarios, args)
    check_writable(args.out if args.out else RESULTS_DIR)  # before the runs, not after

    try:
        result = run_experiment(
            scenarios,
            replications=args.replications,
            root_seed=args.seed,
            workers=args.workers,
            progress=not args.quiet,
            out_dir=args.out,
            compare=args.command == "compare",
            lang=args.lang,
            formats=args.formats,
            batch=args.batch,
            replication_overrides=draws,
            posterior=posterior,
            space_worlds=getattr(args, "space", None) or 0,
            space_designs=args.scenarios,
            space_record=space_record,
        )
    except OutputExistsError as exc:
        return _error(exc)
    except ResultsWrittenInterrupt as exc:
        print(
            f"\ninterrupted (Ctrl-C) {exc.stage}; the results folder "
            f"{_shown_path(exc.out_dir)} is complete without them (write the images with "
            "'run.py report FOLDER --formats png,svg').",
            file=sys.stderr,
        )
        return 130
    except KeyboardInterrupt:
        print("\ninterrupted (Ctrl-C); no results folder was written.", file=sys.stderr)
        return 130
    except OSError as exc:  # e.g. the disk filled up while the results were written
        from sim.experiments.inputs.limits import os_problem

        where = shorten(str(args.out or exc.filename or RESULTS_DIR), 160)
        return _error(
            f"cannot write the results to {where}: {os_problem(exc)}. The unfinished results "
            "folder was removed; free some space (or choose another --out) and run the "
            "command again."
        )
    from sim.reporting.i18n import t

    print(format_report(result, lang=args.lang))
    print()
    if "headline.json" in result.files:
        from sim.experiments.inputs.folder_reads import read_folder_json
        from sim.reporting.headline_section import headline_lines

        record = read_folder_json(result.files["headline.json"], folder=result.out_dir)
        print(headline_lines(record, [s.name for s in scenarios], args.lang))
        print()
    runs = len(scenarios) * args.replications
    s = "s" if runs != 1 else ""
    print(t("cli_runs", args.lang, runs=runs, s=s, seconds=result.elapsed))
    print(t("cli_results", args.lang, path=_shown_path(result.out_dir)))
    if result.report is not None:
        print(t("cli_report", args.lang, path=_shown_path(result.report)))
    _print_figures(result.figures, result.export_error, args.lang)
    return 0


def _check_size(scenarios: Sequence[Any], args: argparse.Namespace) -> None:
    """Refuse a run that cannot fit in memory; print the estimate of a long one."""
    from sim.experiments.inputs import limits as input_limits

    runs = len(scenarios) * args.replications
    months = max(s.parameters.months for s in scenarios)
    departments = max(_departments(s.parameters) for s in scenarios)
    needed = input_limits.estimate(runs, months, departments, args.workers or os.cpu_count() or 1)
    input_limits.check_fits(
        f"{args.command} with -r {args.replications}",
        needed,
        "lower -r/--replications, --months or --departments",
    )
    if needed.seconds > input_limits.ANNOUNCE_SECONDS and not args.quiet:
        print(f"estimate: {needed.describe()}.", file=sys.stderr)


def _departments(parameters: Any) -> int:
    """Departments of all governments of a scenario (an upper bound)."""
    names = ("n_jurisdictions", "n_provinces", "n_prefectures", "n_counties", "n_ministries")
    governments = 1 + sum(int(getattr(parameters, name, 0) or 0) for name in names)
    townships = int(getattr(parameters, "n_townships", 0) or 0)
    offices = int(getattr(parameters, "township_offices", 0) or 0) + 2
    return int(parameters.n_departments) * governments + townships * offices


def _print_figures(figures: Sequence[Path], problem: str | None, lang: str = "en") -> None:
    """Say where the static images went, or (on stderr) why there are none."""
    from sim.reporting.i18n import t

    if figures:
        counts = {}
        for path in figures:
            counts[path.suffix[1:].upper()] = counts.get(path.suffix[1:].upper(), 0) + 1
        kinds = ", ".join(f"{n} {kind}" for kind, n in counts.items())
        print(t("cli_figures", lang, path=_shown_path(figures[0].parent), kinds=kinds))
    if problem:
        print(t("cli_no_images", lang, why=" ".join(problem.split())), file=sys.stderr)


def cmd_report(args: argparse.Namespace) -> int:
    """Write the report of a results folder, and its static images if asked."""
    from sim.reporting import export, report

    if len(args.folder) > 4096 or "\0" in args.folder:
        return _error(f"the folder name is {len(args.folder):,} characters long or holds a NUL")
    if (Path(args.folder) / "sweep.json").is_file():
        return _sweep_report(args)
    try:
        path = report.write_report(args.folder, args.lang)
    except report.ReportError as exc:
        return _error(exc)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        return _error(
            f"{shorten(args.folder, 200)} cannot be read as a results folder "
            f"({type(exc).__name__}: {shorten(str(exc), 200)}); give a folder written by "
            "'run.py run' or 'run.py compare'."
        )
    from sim.reporting.i18n import t

    print(t("cli_report", args.lang, path=_shown_path(path)))
    if not args.formats:
        return 0
    try:
        figures = report.export_report_figures(args.folder, args.lang, args.formats)
    except export.ExportUnavailableError as exc:
        _print_figures([], str(exc), args.lang)
        return 1
    _print_figures(figures, None, args.lang)
    return 0


def _sweep_report(args: argparse.Namespace) -> int:
    """``report`` on a sweep folder: summarize it again and rewrite its report."""
    from sim.analysis.sweep_summary import summarize_sweep
    from sim.cli.sweep import write_report
    from sim.reporting.i18n import t

    summary = summarize_sweep(args.folder)
    page, problem = write_report(summary, args.lang, args.formats)
    print(t("cli_report", args.lang, path=_shown_path(page)))
    if problem:
        _print_figures([], problem, args.lang)
        return 1
    return 0


def _error(exc: BaseException | str) -> int:
    """Print an input error as one bounded 'error: ...' paragraph; return exit status 2."""
    from sim.cli.errors import print_error

    return print_error(exc)


def _shown_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


# ---------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run the command.

    Args:
        argv: Arguments without the program name (default ``sys.argv[1:]``).

    Returns:
        Exit status: 0 success, 2 invalid input, 130 interrupted.
    """
    previous = _stop_on_first_ctrl_c()
    try:
        args = build_parser().parse_args(
            _with_default_command(list(sys.argv[1:] if argv is None else argv))
        )
        from sim.cli import sweep as sweep_cli
        from sim.cli.errors import guarded

        handlers = {
            "list": cmd_list,
            "validate": cmd_validate,
            "report": cmd_report,
            "bench": cmd_bench,
        }
        handlers.update(sweep=sweep_cli.cmd_sweep, summarize=sweep_cli.cmd_summarize)
        from sim.cli import validation as validation_cli

        handlers["validate-model"] = validation_cli.cmd_validate_model
        from sim.cli import where as where_cli

        handlers["where-it-loses"] = where_cli.cmd_where_it_loses
        from sim.cli import discover as discover_cli

        handlers["discover"] = discover_cli.cmd_discover
        from sim.cli import calibrate as calibrate_cli

        handlers["calibrate"] = calibrate_cli.cmd_calibrate
        from sim.cli import dashboard as dashboard_cli

        handlers["dashboard"] = dashboard_cli.cmd_dashboard
        from sim.cli import rerun as rerun_cli

        handlers["rerun"] = rerun_cli.cmd_rerun
        from sim.cli import watch as watch_cli

        handlers["watch"] = watch_cli.cmd_watch
        return guarded(handlers.get(args.command, cmd_experiment), args)
    except KeyboardInterrupt as exc:
        from sim.cli.errors import CommandInterrupted

        # A command says what it kept (CommandInterrupted); otherwise nothing was kept.
        said = f" {exc}" if isinstance(exc, CommandInterrupted) else ""
        print(f"\ninterrupted (Ctrl-C).{said}", file=sys.stderr)
        return 130
    finally:
        # After a Ctrl-C the process is ending (a command may have returned 130
        # itself): keep ignoring further ones until it has.
        if previous is not None and not _CTRL_C_SEEN:
            signal.signal(signal.SIGINT, previous)


#: Set by the first Ctrl-C of a command (see :func:`_stop_on_first_ctrl_c`).
_CTRL_C_SEEN = False


def _stop_on_first_ctrl_c() -> Any:
    """Make the first Ctrl-C stop the command and ignore the next ones.

    The first Ctrl-C raises ``KeyboardInterrupt`` as usual; the command then
    stops its workers and says what it kept. A second Ctrl-C during that
    clean-up (or while the interpreter exits) would interrupt it with a
    traceback; from the first on, Ctrl-C is ignored.

    Returns:
        The handler replaced (to restore when the command ends normally), or
        ``None`` when signals cannot be set here (not the main thread).
    """
    global _CTRL_C_SEEN
    _CTRL_C_SEEN = False

    def first(signum: int, frame: Any) -> None:  # noqa: ARG001 (signal handler)
        global _CTRL_C_SEEN
        _CTRL_C_SEEN = True
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        raise KeyboardInterrupt

    try:
        current = signal.getsignal(signal.SIGINT)
        if current is not signal.default_int_handler:  # ignored or handled by a host
            return None
        return signal.signal(signal.SIGINT, first)
    except ValueError:  # not the main thread
        return None
