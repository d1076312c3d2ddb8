"""The ``validate-model`` command of ``run.py``: stylized facts and mutation check.

``python run.py validate-model`` runs the ten stylized facts of MODEL.md
section 7 (``sim.analysis.validation``), prints the validation table and the docking
variants, and writes a results folder with ``validation.csv``,
``docking_variants.csv``, ``validation.txt`` (the printed report) and
``manifest.json``. With ``--mutants`` it also runs every fact under every
mutant and writes ``mutants.csv``. With ``--screen`` (or ``--screen-only``,
without the facts) it runs a Morris screen of every lever and uncertainty
(``sim.analysis.validation.screen``; ``--quick`` for a small one), prints
each parameter's largest normalized mu* and writes ``screen.csv``,
``screen_indices.csv`` and the screen's sweep files and folders. Exit status
0 when every fact passes, 1 when any fails, 2 for bad input; the screen is
reported and does not change it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from sim.cli import arguments as cli_types

HELP = "check the ten stylized facts (MODEL.md section 7) over paired replications"

DESCRIPTION = """\
Run the stylized-fact checks of MODEL.md section 7 (sim/analysis/validation/): each
fact compares designs over paired seeded replications with a stated criterion
(sign tests, t intervals, bootstrap intervals, equivalence tests). Prints one
block per fact (PASS/FAIL, estimate with 95% CI, p-value, criterion, effect)
and the docking variants, and writes validation.csv, docking_variants.csv,
validation.txt and manifest.json to a new results folder. With --mutants,
also runs every fact under every mutant (the model with one mechanism switched
off) and writes mutants.csv: a fact that fails under a mutant shows that the
check can catch it. With --screen, also runs a Morris screen of every lever and
uncertainty around the centralized and dispersed designs (the sweep engine)
and prints, per parameter, its largest normalized mu* over the headline
outcomes, flagging parameters that move none; --screen-only runs the screen
without the facts, --quick makes the screen small.

Exit status: 0 if every fact passes, 1 if any fails, 2 for bad input.
"""

EPILOG = """\
examples:
  python run.py validate-model                    full: 100 replications (about 30 s on 2 cores)
  python run.py validate-model --fast             12 replications, smaller worlds (a smoke run)
  python run.py validate-model --mutants --fast   the mutation table as well
  python run.py validate-model --screen-only      Morris screen only (about 10 minutes on 2 cores)
  python run.py validate-model --screen-only --quick   a small screen (about 2 minutes)
"""


def _facts(text: str) -> tuple[str, ...]:
    facts = tuple(f.strip().upper() for f in text.split(",") if f.strip())
    known = tuple(f"F{i}" for i in range(1, 11))
    unknown = [f for f in facts if f not in known]
    if unknown or not facts:
        raise argparse.ArgumentTypeError(
            f"unknown fact(s) {', '.join(unknown) or text!r}; choose from {', '.join(known)}"
        )
    return facts


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """Add the ``validate-model`` subcommand to ``run.py``'s subparsers."""
    p = sub.add_parser(
        "validate-model",
        help=HELP,
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "-r",
        "--replications",
        type=cli_types.at_least(2),
        metavar="N",
        help="paired replications of every design (default 100, or 12 with --fast); the "
        "docking check uses max(2N, 48)",
    )
    p.add_argument(
        "--fast",
        action="store_true",
        help="fewer replications and departments (the test suite's mode); same criteria",
    )
    p.add_argument(
        "--mutants",
        action="store_true",
        help="also run every fact under every mutant and print the mutant x fact table",
    )
    p.add_argument(
        "--screen",
        action="store_true",
        help="also run a Morris screen of every lever and uncertainty and print each "
        "parameter's largest normalized mu* (parameters moving no outcome are flagged)",
    )
    p.add_argument(
        "--screen-only",
        action="store_true",
        help="run only the Morris screen, not the facts",
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help="with --screen or --screen-only: a small screen (4 trajectories, 2 replications, "
        "20 departments) instead of 10 trajectories, 3 replications, 40 departments",
    )
    p.add_argument(
        "--facts",
        type=_facts,
        metavar="LIST",
        help="comma-separated facts to check, e.g. F1,F7 (default all: F1 to F10)",
    )
    p.add_argument(
        "--seed",
        type=cli_types.seed,
        metavar="N",
        help="root random seed (default 20261122, sim.analysis.validation.core.VALIDATION_SEED)",
    )
    p.add_argument(
        "--workers",
        type=cli_types.workers,
        metavar="N",
        help="processes running in parallel (default: all cores; 1 = no parallelism)",
    )
    p.add_argument(
        "--batch",
        type=cli_types.at_least(1),
        metavar="N",
        help="replications per model (default: from the layout, up to 100 for the city "
        "designs, as compare; 1 = one model per run)",
    )
    p.add_argument(
        "--out",
        metavar="FOLDER",
        help="results folder (default results/<date-time>-validation/); must be new or empty",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def cmd_validate_model(args: argparse.Namespace) -> int:
    """Run the validation (and mutants), print the tables, write the folder."""
    from sim.cli.extras import require

    require("statsmodels")
    from sim.analysis.validation import formatting, suite
    from sim.analysis.validation.core import VALIDATION_SEED, build_scenario
    from sim.analysis.validation.mutants import MUTANTS
    from sim.experiments import provenance, results
    from sim.experiments.files import atomic_write
    from sim.experiments.output_checks import check_writable
    from sim.experiments.replications import batch_note

    if args.seed is None:
        args.seed = VALIDATION_SEED
    if args.screen_only and (args.mutants or args.facts):
        print("error: --screen-only runs no facts; drop --mutants and --facts", file=sys.stderr)
        return 2
    if args.quick and not (args.screen or args.screen_only):
        print("error: --quick sizes the screen; give it with --screen or --screen-only",
              file=sys.stderr)  # fmt: skip
        return 2
    name = "validation-fast" if args.fast else "validation"
    if args.screen_only:
        name = "screen-quick" if args.quick else "screen"
    try:
        # The default name is taken at once (exclusive mkdir): two commands
        # started in the same second never share a folder.
        out = (
            results.check_output_dir(args.out)
            if args.out
            else results.default_output_dir(name, create=True)
        )
    except results.OutputExistsError as exc:
        print("error: " + " ".join(str(exc).split()), file=sys.stderr)
        return 2
    check_writable(out)  # before an hour of runs, not after
    start = time.perf_counter()
    if args.screen_only:
        return _screen_only(args, out, start)
    result = suite.validate(
        args.replications,
        args.workers,
        progress=not args.quiet,
        fast=args.fast,
        facts=args.facts,
        root_seed=args.seed,
        batch=args.batch,
    )
    text = [formatting.format_validation(result)]
    if result.docking is not None:
        text += ["", formatting.format_docking(result.docking)]
    print("\n".join(text))
    mutants = None
    if args.mutants:
        mutants = suite.run_mutants(
            args.replications,
            args.workers,
            progress=not args.quiet,
            fast=args.fast,
            facts=args.facts,
            baseline=result.table,
            root_seed=args.seed,
            batch=args.batch,
        )
        block = formatting.format_mutants(mutants)
        print()
        print(block)
        text += ["", block]
    screen_info: dict[str, Any] = {}
    if args.screen:
        block, screen_info = _run_screen(args, out)
        text += ["", block]
    elapsed = time.perf_counter() - start

    out.mkdir(parents=True, exist_ok=True)
    files = {
        "validation.csv": "one row per check: fact, criterion, effect, estimate, 95% CI, "
        "p-value, passed",
        "validation.txt": "the report as printed",
    }
    atomic_write(
        out / "validation.csv", lambda p: result.table.to_csv(p, index=False, float_format="%.6g")
    )
    if result.docking is not None:
        files["docking_variants.csv"] = (
            "per docking variant and outcome: paired difference, 90% CI, margin, "
            "residual share of the design effect, equivalence"
        )
        atomic_write(
            out / "docking_variants.csv",
            lambda p: result.docking.to_csv(p, index=False, float_format="%.6g"),
        )
    if mutants is not None:
        files["mutants.csv"] = "per mutant: whether each fact still passes, failed checks"
        atomic_write(out / "mutants.csv", lambda p: mutants.to_csv(p, index=False))
    files.update(screen_info.pop("files", {}))
    report = "\n".join(text) + "\n"
    atomic_write(out / "validation.txt", lambda p: p.write_text(report, "utf-8"))
    files["manifest.json"] = "provenance: designs, parameters, seeds, versions, git commit"
    status = suite.fact_status(result.table)
    manifest = provenance.build_manifest(
        [build_scenario(d) for d in result.designs],
        root_seed=int(args.seed),
        seeds=result.seeds,
        replications=result.settings.replications,
        extra={
            "command_name": "validate-model",
            "settings": {
                "replications": result.settings.replications,
                "docking_replications": result.settings.docking_replications,
                "n_departments": result.settings.n_departments,
                "f1_sizes": list(result.settings.sizes),
                "months": result.settings.months,
                "fast": result.settings.fast,
            },
            "batch": batch_note(
                result.batch,
                how=f"replications b*{result.batch} .. b*{result.batch}+{result.batch - 1} of a "
                "design ran side by side as the replicas of one batched model seeded with the "
                "seed of the first of them, the same blocks in every design "
                "(sim.analysis.validation.core.simulate_designs)",
            ),
            "facts": list(args.facts or suite.FACT_IDS),
            "replications_per_fact": {
                f.id: f.replications(result.settings)
                for f in suite.FACTS
                if f.id in (args.facts or suite.FACT_IDS)
            },
            "facts_passed": status,
            "all_passed": all(status.values()),
            "mutants": [m.name for m in MUTANTS] if mutants is not None else [],
            **({"screen": screen_info} if screen_info else {}),
            "elapsed_seconds": round(elapsed, 1),
            "files": files,
        },
    )
    _finish(out, manifest, elapsed)
    return 0 if all(status.values()) else 1


def _finish(out: Any, manifest: dict[str, Any], elapsed: float) -> None:
    """Write ``manifest.json`` into ``out`` and print where the results are."""
    from sim.experiments.files import atomic_write

    body = json.dumps(manifest, indent=2, ensure_ascii=False, allow_nan=False, default=str)
    atomic_write(out / "manifest.json", lambda p: p.write_text(body + "\n", "utf-8"))
    print()
    print(f"Results: {out} ({elapsed:.0f} s)")


def _run_screen(args: argparse.Namespace, out: Any) -> tuple[str, dict[str, Any]]:
    """Run the Morris screen into ``out``; print its table; return it and what to record."""
    from sim.analysis.validation import screen
    from sim.experiments.files import atomic_write

    settings = screen.SCREEN_QUICK if args.quick else screen.SCREEN_FULL
    result = screen.run_screen(
        out, settings, workers=args.workers, progress=not args.quiet, root_seed=args.seed
    )
    block = screen.format_screen(result)
    print()
    print(block)
    atomic_write(
        out / "screen.csv", lambda p: result.table.to_csv(p, index=False, float_format="%.6g")
    )
    atomic_write(
        out / "screen_indices.csv",
        lambda p: result.indices.to_csv(p, index=False, float_format="%.6g"),
    )
    files = {
        "screen.csv": "per parameter: largest normalized Morris mu* per scenario, where, and "
        "whether it moves a headline outcome",
        "screen_indices.csv": "per scenario, parameter and outcome: SALib mu*, its 95% "
        "confidence, mu, sigma, the outcome's spread, the noise floor, normalized mu*",
    }
    for scenario, folder in result.folders.items():
        files[f"screen-{scenario}.yaml"] = f"the Morris sweep file of the {scenario} screen"
        files[f"{folder.name}/"] = "its sweep folder (run.py sweep layout)"
    info = {
        "settings": {
            "trajectories": settings.trajectories,
            "replications": settings.replications,
            "n_departments": settings.n_departments,
            "months": settings.months,
            "levels": settings.levels,
            "scenarios": list(settings.scenarios),
            "quick": settings.quick,
        },
        "threshold": screen.THRESHOLD,
        "lever_window": screen.LEVER_WINDOW,
        "moving_nothing": result.table.loc[~result.table["moves"], "parameter"].tolist(),
        "elapsed_seconds": round(result.elapsed, 1),
        "files": files,
    }
    return block, info


def _screen_only(args: argparse.Namespace, out: Any, start: float) -> int:
    """``--screen-only``: run the screen, write its files and a manifest; exit status 0."""
    from sim.experiments import provenance
    from sim.experiments.files import atomic_write
    from sim.experiments.inputs.scenarios import load_scenario
    from sim.experiments.seeds import spawn_seeds

    block, info = _run_screen(args, out)
    elapsed = time.perf_counter() - start
    files = {"validation.txt": "the report as printed", **info.pop("files")}
    atomic_write(out / "validation.txt", lambda p: p.write_text(block + "\n", "utf-8"))
    files["manifest.json"] = "provenance: scenarios, seeds, versions, git commit"
    manifest = provenance.build_manifest(
        [load_scenario(s) for s in info["settings"]["scenarios"]],
        root_seed=int(args.seed),
        seeds=spawn_seeds(int(args.seed), info["settings"]["replications"]),
        replications=info["settings"]["replications"],
        extra={
            "command_name": "validate-model",
            "screen": info,
            "elapsed_seconds": round(elapsed, 1),
            "files": files,
        },
    )
    _finish(out, manifest, elapsed)
    return 0
