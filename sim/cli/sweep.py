"""The ``sweep`` and ``summarize`` commands of ``run.py``.

``run.py`` calls :func:`add_parsers` to declare them and dispatches to
:func:`cmd_sweep` and :func:`cmd_summarize`. This module imports nothing heavy
at load time, so ``run.py --help`` stays fast.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sim.cli import arguments as cli_types
from sim.experiments.inputs.limits import shorten

SWEEP_EPILOG = """\
examples:
  python run.py sweep sweeps/review_capacity_grid.yaml
  python run.py sweep sweeps/sobol_levers.yaml --workers 2 --out results/my-sobol
  python run.py sweep sweeps/review_capacity_grid.yaml --executor dask
  python run.py sweep sweeps/review_capacity_grid.yaml --executor dask --scheduler tcp://127.0.0.1:8786
  python run.py sweep sweeps/national_dask.yaml --executor dask --workers 2 --worker-memory 1.5GiB
  python run.py sweep sweeps/national_dask.yaml --executor dask --scheduler-file sched.json
  python run.py summarize results/sweeps/review_capacity_grid

Each finished batch of runs is saved at once in DIR/parts/. Ctrl-C stops the
sweep and keeps what finished; running the same command again resumes it
(finished runs are skipped). A folder holding a different sweep is refused.
"""


_positive_int = cli_types.at_least(1)


def add_parsers(sub: Any) -> None:
    """Declare ``sweep`` and ``summarize`` on ``run.py``'s subparsers."""
    from sim.experiments.executors import EXECUTORS

    p = sub.add_parser(
        "sweep",
        help="run a parameter sweep file (grid, lhs, sobol, morris); resumable",
        description=textwrap.fill(
            "Run every design point of a sweep file (sweeps/*.yaml) with paired "
            "replications, streaming results to DIR/parts/ as runs finish, then write "
            "per-point summaries and paired differences from the reference point.",
            width=79,
        ),
        epilog=SWEEP_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", metavar="FILE", help="sweep file (.yaml), or a name in sweeps/")
    p.add_argument(
        "--out",
        metavar="DIR",
        help="sweep folder (default results/sweeps/<file name>); an existing folder of the "
        "same sweep is resumed",
    )
    p.add_argument(
        "--executor",
        choices=EXECUTORS,
        default="pool",
        help="where runs are computed: serial, a local process pool (default) or Dask. "
        "Results do not depend on it.",
    )
    p.add_argument(
        "--workers",
        type=cli_types.workers,
        metavar="N",
        help="processes (pool: default all cores; dask local cluster: default 2)",
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDR",
        help="Dask scheduler address tcp://HOST:PORT (with --executor dask); without it a "
        "local cluster on 127.0.0.1 is started",
    )
    p.add_argument(
        "--scheduler-file",
        metavar="PATH",
        help="with --executor dask: the scheduler file of a running Dask scheduler "
        "(written by 'dask scheduler --scheduler-file PATH', e.g. in a SLURM or PBS job) "
        "instead of --scheduler",
    )
    p.add_argument(
        "--worker-memory",
        type=cli_types.memory_size,
        metavar="SIZE",
        help="with --executor dask and no scheduler: memory limit of each local worker, "
        "e.g. 1GiB (default 2GiB; a national run peaks near 0.6 GB). A worker passing it "
        "is restarted and its runs are run again; a cluster that does not fit into the "
        "available memory is refused",
    )
    p.add_argument(
        "--dashboard",
        action="store_true",
        help="with --executor dask and no --scheduler: start the local cluster's dashboard "
        "on 127.0.0.1 (off by default; the cluster itself always uses TLS)",
    )
    p.add_argument(
        "--batch",
        type=cli_types.at_least(1, 100_000),
        metavar="N",
        help="runs per batched model (replication r of N design points, any layout and horizon, "
        "side by side), overriding the file's 'batch'; default: the file's, else chosen "
        "from the layout (100 city runs a model); 1: one model per run",
    )
    cli_types.report_options(p, formats_default="none")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p = sub.add_parser(
        "summarize",
        help="summarize a sweep folder again (also works on an unfinished sweep)",
        description="Read the final month of every finished run in a sweep folder and write "
        "runs.csv, summary.csv, paired_differences.csv (and sensitivity.csv for sobol and "
        "morris designs) and manifest.json; print the summary.",
        epilog="example: python run.py summarize results/sweeps/review_capacity_grid",
    )
    p.add_argument("dir", metavar="DIR", help="a folder written by 'run.py sweep'")


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def cmd_sweep(args: argparse.Namespace) -> int:
    """Run or resume a sweep; print its summary. Exit 130 on Ctrl-C."""
    from sim.cli.extras import require

    require(*(("dask", "distributed") if args.executor == "dask" else ()))
    from sim.experiments.sweeps.files import SweepError, load_sweep

    check_dask_options(args)
    sweep = load_sweep(args.file)
    if args.batch is not None:
        sweep = dataclasses.replace(sweep, batch=args.batch)
    # heavy: only once the file is valid
    from sim.analysis.sweep_summary import summarize_sweep
    from sim.experiments.executors import ExecutorError
    from sim.experiments.output_checks import check_writable
    from sim.experiments.sweeps import runner as sweep_run
    from sim.reporting.terminal import format_sweep_report

    out = Path(args.out) if args.out else sweep_run.default_sweep_dir(sweep)
    _announce(sweep, args)
    check_writable(out, keep=True)  # before any run, not after
    try:
        result = sweep_run.run_sweep(
            sweep,
            out,
            executor=args.executor,
            workers=args.workers,
            scheduler=args.scheduler,
            progress=not args.quiet,
            dashboard=args.dashboard,
            memory_limit=args.worker_memory,
            scheduler_file=args.scheduler_file,
        )
    except ExecutorError as exc:
        raise SweepError(str(exc)) from None
    except OSError as exc:
        if not exc.filename:  # e.g. from pyarrow: name the sweep folder
            exc.filename = str(out)
        raise
    except KeyboardInterrupt:
        kept = _finished(out)
        print(
            f"\ninterrupted (Ctrl-C): {kept} finished run{'s' if kept != 1 else ''} kept in "
            f"{_shown(out)}. Run the same command again to resume.",
            file=sys.stderr,
        )
        return 130
    from sim.cli.errors import kept_on_interrupt

    with kept_on_interrupt(
        f"Every run of the sweep is kept in {_shown(out)}; write its summary and report with "
        f"'python run.py summarize {_shown(out)}' (or run the same command again: nothing "
        "is run twice)."
    ):
        # A resumed sweep that ran nothing keeps the record of the runs that made it.
        summary = summarize_sweep(out, extra={"run": result.run_info} if result.ran else None)
        print(format_sweep_report(summary))
        print()
        page, problem = write_report(summary, args.lang, args.formats)
    print(f"Report: {_shown(page)}")
    if problem:
        print(f"no images: {' '.join(problem.split())}", file=sys.stderr)
    made = f"{result.ran} run{'s' if result.ran != 1 else ''} in {result.elapsed:.1f} s"
    if result.skipped:
        made += f" ({result.skipped} already finished, skipped)"
    print(made + ".")
    print(f"Results: {_shown(result.out_dir)}")
    return 1 if problem else 0


def write_report(
    summary: Any, lang: str, formats: str | Sequence[str] = ()
) -> tuple[Path, str | None]:
    """Write a sweep folder's report (and its images); return the page and any image problem."""
    from sim.analysis.sweep_summary import record_file
    from sim.reporting import export
    from sim.reporting.sweep_report import sweep_figures, write_sweep_report

    wanted = export.parse_formats(formats)  # checked before the report is written
    page = write_sweep_report(summary, lang)
    record_file(summary.out_dir, page.name)
    if not wanted:
        return page, None
    try:
        export.export_figures(
            sweep_figures(summary, lang),
            summary.out_dir / "figures",
            wanted,
            suffix="_zh" if lang == "zh" else "",
        )
    except export.ExportUnavailableError as exc:
        return page, str(exc)
    record_file(summary.out_dir, "figures/")
    return page, None


#: Dask scheduler addresses accepted by --scheduler.
SCHEDULER_ADDRESS = re.compile(
    r"(tcp|tls)://[A-Za-z0-9._\-]{1,253}:[0-9]{1,5}|(tcp|tls)://\[[0-9a-fA-F:]{2,39}\]:[0-9]{1,5}"
)


def check_scheduler_address(address: str) -> None:
    """Refuse a --scheduler that is not ``tcp://HOST:PORT`` or ``tls://HOST:PORT``.

    Raises:
        SweepError: For anything else (the message shows the address shortened).
    """
    from sim.experiments.sweeps.files import SweepError

    match = SCHEDULER_ADDRESS.fullmatch(address)
    if match is None or not 0 < int(address.rsplit(":", 1)[1]) < 65536:
        raise SweepError(
            f"--scheduler '{shorten(address, 80)}' is not a Dask scheduler address; write "
            "tcp://HOST:PORT, or tls://HOST:PORT for a scheduler that uses TLS (its "
            "credentials are read from Dask's configuration; see README, 'Dask and TLS')."
        )


def check_dask_options(args: argparse.Namespace) -> None:
    """Refuse Dask options that do not go together or a scheduler that cannot be read.

    Raises:
        SweepError: For a scheduler option without ``--executor dask``, both
            ``--scheduler`` and ``--scheduler-file``, ``--worker-memory`` with an
            external scheduler, a malformed address, a missing scheduler file, or
            a local cluster whose workers' memory does not fit into the machine.
    """
    from sim.experiments.sweeps.files import SweepError

    scheduler_file = getattr(args, "scheduler_file", None)
    worker_memory = getattr(args, "worker_memory", None)
    for given, option in (
        (args.scheduler, "--scheduler"),
        (scheduler_file, "--scheduler-file"),
        (worker_memory, "--worker-memory"),
    ):
        if given and args.executor != "dask":
            raise SweepError(
                f"{option} is used only with --executor dask (got --executor {args.executor})."
            )
    if args.scheduler and scheduler_file:
        raise SweepError(
            "give either --scheduler ADDR or --scheduler-file PATH, not both: both name the "
            "scheduler to connect to."
        )
    if worker_memory and (args.scheduler or scheduler_file):
        raise SweepError(
            "--worker-memory sets the memory of the workers of a local cluster; the workers "
            "of an existing scheduler keep the limit they were started with (dask worker "
            "--memory-limit SIZE)."
        )
    if args.scheduler:
        check_scheduler_address(args.scheduler)
    if scheduler_file and not Path(scheduler_file).is_file():
        raise SweepError(
            f"--scheduler-file '{shorten(scheduler_file, 120)}' is not a file; give the file "
            "that 'dask scheduler --scheduler-file PATH' writes once the scheduler runs."
        )
    if args.executor == "dask" and not (args.scheduler or scheduler_file):
        # A local cluster: refuse it before the sweep folder is made, not after.
        from dask.utils import parse_bytes

        from sim.experiments import executors

        workers = args.workers or executors.DASK_LOCAL_WORKERS
        memory = worker_memory or parse_bytes(executors.DASK_WORKER_MEMORY)
        try:
            executors.check_memory_fits(workers, int(memory))
        except executors.ExecutorError as exc:
            raise SweepError(str(exc)) from None


def _announce(sweep: Any, args: argparse.Namespace) -> None:
    """Refuse a sweep too large for this machine; print the estimate of a long one."""
    from sim.experiments.inputs import limits as input_limits
    from sim.experiments.sweeps.designs import count_points

    points = count_points(sweep) + 1
    runs = points * sweep.replications
    workers = args.workers or os.cpu_count() or 1
    needed = input_limits.estimate(
        runs,
        _largest(sweep, "months"),
        _largest(sweep, "n_departments"),
        workers,
        kept_months=runs + points * (len(sweep.swept) + 4),  # final rows and the design
    )
    input_limits.check_fits(
        f"The sweep {sweep.path.name}", needed, "lower the design's samples or replications"
    )
    if needed.seconds > input_limits.ANNOUNCE_SECONDS and not args.quiet:
        print(f"estimate: {needed.describe()}.", file=sys.stderr)


def _largest(sweep: Any, name: str) -> int:
    """The largest value a parameter takes in a sweep (swept or not)."""
    values = [getattr(sweep.scenario.parameters, name)]
    for swept in sweep.swept:
        if swept.name == name:
            values += list(swept.values or ()) + [swept.high or 0]
    return int(max(values))


def _finished(out: Path) -> int:
    try:
        from sim.experiments.store import SweepStore

        return len(SweepStore(out).finished())
    except Exception:  # reporting only: never turn Ctrl-C into a traceback
        return 0


def _sweep_folder(text: str) -> Path:
    """The folder given to ``summarize``, refused early when it is not a folder."""
    from sim.experiments.sweeps.files import SweepError

    if len(text) > 4096 or "\0" in text:
        raise SweepError(
            f"the folder '{shorten(text, 80)}' has a name of {len(text):,} characters or a NUL "
            "character; give a folder written by 'run.py sweep'."
        )
    folder = Path(text)
    if not folder.is_dir():
        raise SweepError(
            f"{shorten(text, 200)} is not a folder; give a folder written by 'run.py sweep' "
            "(by default results/sweeps/<sweep file name>)."
        )
    return folder


def cmd_summarize(args: argparse.Namespace) -> int:
    """Summarize a sweep folder and print the report."""
    from sim.analysis.sweep_summary import summarize_sweep
    from sim.reporting.terminal import format_sweep_report

    summary = summarize_sweep(_sweep_folder(args.dir))
    print(format_sweep_report(summary))
    print()
    print(f"Results: {_shown(Path(args.dir))}")
    return 0
