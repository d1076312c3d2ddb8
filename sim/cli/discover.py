"""The ``discover`` command: scenario discovery of where a design does worse.

Loads a discovery file (``sim.experiments.discovery.files``), runs one sweep
per design with the same Latin hypercube points and seeds
(``sim.experiments.discovery.runner``; streamed and resumable like
``run.py sweep``), then finds the regions where each design does worse than
the reference (``sim.analysis.discovery``: PRIM, CART, feature scores, regime
maps) and writes the tables, the charts and a self-contained report
(``sim.reporting.discovery_report``).
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

from sim.cli import arguments as cli_types

HELP = "scenario discovery: where a design does worse (PRIM, CART); resumable"

EPILOG = """\
examples:
  python run.py discover sweeps/discovery/centralized_vs_dispersed.yaml
  python run.py discover centralized_vs_dispersed --lang zh --formats png
  python run.py discover FILE --executor dask --workers 2
  python run.py discover centralized_vs_dispersed --quick

--quick runs a small version of the file: the same designs, uncertainties,
ranges, fixed values, outcomes and seed, with at most 80 Latin hypercube points
and 2 paired replications (for the shipped file 320 runs instead of 800;
its 63 parameters include government size, so runs are not batched: about
0.5 s of processor time each). It is a first look: PRIM needs
many points to bound a weak region. Its folder is
results/discovery/<file name>-quick.

Writes into DIR (default results/discovery/<file name>/): discovery.yaml and
discovery.json (what identifies its runs), one sweep file and sweep folder per
design, points.csv (per point: the paired difference and whether the design
is worse), boxes.csv (PRIM boxes: limits, coverage, density, mass, quasi
p-values), prim_trajectories.csv, cart.csv, cart_trees.txt (each CART tree as
text), feature_scores.csv (with the noise floor), regimes.csv, drivers.csv
(PAWN sensitivity of the paired differences with intervals and noise
floor), summary.csv
(share of worse points with its 95% CI, what PRIM found), report.html (or
report_zh.html), figures/ with --formats, and manifest.json.
Ctrl-C keeps the finished runs; the same command resumes.
"""


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """Add the ``discover`` subcommand to ``run.py``'s subparsers."""
    from sim.experiments.executors import EXECUTORS

    p = sub.add_parser(
        "discover",
        help=HELP,
        description=textwrap.fill(
            "Run every design of a discovery file on the same Latin hypercube of "
            "uncertainties (their plausible ranges) with paired seeds, mark the points where "
            "a design does worse than the first one on each judged outcome, and describe "
            "those regions with PRIM boxes, CART leaves, feature scores and regime maps.",
            width=79,
        ),
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "file", metavar="FILE", help="discovery file (.yaml), or a name in sweeps/discovery/"
    )
    p.add_argument(
        "--out",
        metavar="DIR",
        help="discovery folder (default results/discovery/<file name>); the same discovery "
        "is resumed",
    )
    p.add_argument("--executor", choices=EXECUTORS, default="pool", help="serial, pool or dask")
    p.add_argument("--workers", type=cli_types.workers, metavar="N", help="processes")
    p.add_argument("--scheduler", metavar="ADDR", help="Dask scheduler tcp://HOST:PORT")
    p.add_argument(
        "--batch", type=cli_types.at_least(1), metavar="N", help="runs per batched model"
    )
    cli_types.report_options(p, formats_default="none")
    p.add_argument(
        "--quick",
        action="store_true",
        help="a small version of the file: same parameters and ranges, at most 80 points and "
        "2 replications (the shipped file: 320 runs)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    return p


def _box_lines(analysis: Any, lang: str) -> list[str]:
    """The terminal table: share of worse points (95% CI) and the PRIM boxes of each outcome.

    Where PRIM kept no box at or above ``min_density`` a sentence says what it
    found instead (``discovery_report.prim_note``).
    """
    from sim.reporting import discovery_report, i18n

    lines = []
    for (design, outcome), group in analysis.points.groupby(["design", "outcome"], sort=False):
        worse = group["worse"]
        title = i18n.t(
            "disc_worse_on",
            lang,
            design=design,
            reference=analysis.reference,
            outcome=i18n.outcome_label(outcome, lang),
        )
        row = discovery_report.summary_row(analysis, design, outcome)
        share = (
            discovery_report.share_text(row, lang)
            if row is not None
            else f"{worse.mean():.0%} ({int(worse.sum())}/{len(worse)})"
        )
        lines.append(f"{title}: {share}")
        note = discovery_report.prim_note(row, lang) if row is not None else None
        if note:
            lines.extend(textwrap.wrap(note, 77, initial_indent="  ", subsequent_indent="  "))
        boxes = analysis.boxes
        if len(boxes):
            boxes = boxes[(boxes["design"] == design) & (boxes["outcome"] == outcome)]
        for number, box in boxes.groupby("box") if len(boxes) else ():
            first = box.iloc[0]
            weak = "" if first["meets_min_density"] else f" ({i18n.t('disc_weak', lang)})"
            lines.append(
                f"  {i18n.t('disc_box', lang, number=int(number))}: "
                f"{i18n.t('disc_coverage', lang)} {first['coverage']:.2f}, "
                f"{i18n.t('disc_density', lang)} {first['density']:.2f}{weak}, "
                f"{i18n.t('disc_mass', lang)} {first['mass']:.2f}"
            )
            for _, row in box.iterrows():
                qp = [v for v in (row.get("qp_low"), row.get("qp_high")) if v == v]
                lines.append(
                    f"    {row['parameter']:<30} "  # names align; labels may be wide
                    f"{row['low']:>9.3g} – {row['high']:<9.3g}"
                    + (f" qp {min(qp):.3f}" if qp else "")
                )
        scores = analysis.scores
        if len(scores):
            mine = scores[(scores["design"] == design) & (scores["outcome"] == outcome)]
            above = mine[mine["above_floor"].astype(bool)] if "above_floor" in mine else mine[:0]
            if len(mine) and (mine["score"] > 0).any():
                named = ", ".join(
                    f"{p} {v:.3f}" for p, v in zip(above["parameter"], above["score"], strict=True)
                )
                floor = float(mine["noise_floor"].iloc[0])
                text = f"{i18n.t('disc_above_floor', lang, floor=floor)}: {named or '–'}"
                lines.extend(textwrap.wrap(text, 77, initial_indent="  ", subsequent_indent="    "))
    return lines


def _driver_lines(analysis: Any) -> list[str]:
    """The terminal lines of the drivers: per design and outcome, those above the noise floor."""
    drivers = analysis.drivers
    if drivers.empty:
        return []
    lines = ["", "Drivers of the paired difference (PAWN index [95% CI]; noise floor):"]
    for (design, outcome), part in drivers.groupby(["design", "outcome"], sort=False):
        first = part.iloc[0]
        if not part["index"].notna().any():
            lines.append(f"  {design} - {analysis.reference}, {outcome}: too few worlds")
            continue
        top = part[part["above_floor"].astype(bool)].nlargest(5, "index")
        named = ", ".join(
            f"{r.parameter} {r.index:.2f} [{r.ci_low:.2f}, {r.ci_high:.2f}]"
            for r in top.itertuples()
        )
        text = (
            f"{design} - {analysis.reference}, {outcome} (floor {first['noise_floor']:.2f}; "
            f"seed share {first['seed_share']:.0%}): {named or 'none above the floor'}"
        )
        lines.extend(textwrap.wrap(text, 77, initial_indent="  ", subsequent_indent="    "))
    return lines


def held_lines(discovery: Any) -> str:
    """What the discovery sampled, and each parameter of the space it did not, with why."""
    sampled = len(discovery.parameter_names)
    lines = [
        f"Sampled: {sampled} of the {sampled + len(discovery.held)} declared uncertainty and "
        "structure parameters, each over its plausible range"
        + (" (the whole space less what is fixed)." if discovery.whole_space else "."),
    ]
    if discovery.held:
        lines.append("Not explored:")
    for name, value, reason in discovery.held:
        shown = "each design's value" if value is None else f"= {value}"
        lines.extend(
            textwrap.wrap(
                f"{name} {shown}: {reason}", 77, initial_indent="  ", subsequent_indent="    "
            )
        )
    return "\n".join(lines) + "\n"


def cmd_discover(args: argparse.Namespace) -> int:
    """Run a discovery file, analyse it, print the boxes and write the folder."""
    from sim.cli.extras import require

    require("ema_workbench", *(("dask", "distributed") if args.executor == "dask" else ()))
    from sim.experiments.discovery.files import load_discovery
    from sim.reporting.export import parse_formats

    discovery = load_discovery(args.file, quick=args.quick)
    formats = parse_formats(args.formats)
    if args.scheduler and args.executor != "dask":
        from sim.experiments.discovery.files import DiscoveryError

        raise DiscoveryError(
            f"--scheduler is used only with --executor dask (got --executor {args.executor})."
        )
    # heavy: only once the file is valid
    from sim.analysis import discovery as analysis_module
    from sim.analysis.sweep_summary import summarize_sweep
    from sim.cli.sweep import _announce
    from sim.experiments import provenance, results
    from sim.experiments.discovery import runner as discovery_runner
    from sim.experiments.executors import ExecutorError
    from sim.experiments.files import atomic_write
    from sim.experiments.output_checks import check_writable
    from sim.experiments.sweeps.definition import SweepError
    from sim.reporting import discovery_report, export

    for sweep in discovery.sweeps.values():
        _announce(sweep, args)  # refuses what cannot fit; says how long a long one takes
    out = Path(args.out) if args.out else discovery_runner.default_discovery_dir(discovery)
    check_writable(out, keep=True)
    start = time.perf_counter()
    try:
        run = discovery_runner.run_discovery(
            discovery,
            out,
            executor=args.executor,
            workers=args.workers,
            scheduler=args.scheduler,
            progress=not args.quiet,
            batch=args.batch,
        )
    except ExecutorError as exc:
        raise SweepError(str(exc)) from None
    except KeyboardInterrupt:
        print(
            f"\ninterrupted (Ctrl-C): finished runs are kept in {out}. Run the same command "
            "again to resume.",
            file=sys.stderr,
        )
        return 130
    from sim.cli.errors import kept_on_interrupt

    with kept_on_interrupt(
        f"Every run is kept in {out}; run the same command again to write the analysis and "
        "the report (nothing is run twice)."
    ):
        for design, folder in run.folders.items():
            made = run.results[design]
            # A resumed sweep that ran nothing keeps the record of the runs that made it.
            summarize_sweep(folder, extra={"run": made.run_info} if made.ran else None)
        analysis = analysis_module.analyze_folders(discovery, run.folders)
        first = discovery.sweeps[discovery.designs[0]]
        tables = {
            "points.csv": (analysis.points, "per point, design and outcome: sampled values, paired "
                           "difference from the reference with its 95% CI, worse, clearly worse"),
            "boxes.csv": (analysis.boxes, "PRIM boxes of the worse points: per box and restricted "
                          "parameter, limits and quasi p-values; coverage, density, mass"),
            "prim_trajectories.csv": (analysis.trajectories, "every step of every PRIM "
                                      "peeling trajectory (coverage, density, mass, restricted "
                                      "dimensions)"),
            "cart.csv": (analysis.cart, "CART leaves where the design is worse (density >= "
                         "min_density), per leaf and restricted parameter"),
            "feature_scores.csv": (analysis.scores, "extra-trees feature scores per design and "
                                   "outcome (mean of several fits) with the noise floor (the "
                                   "largest score of a random probe column) and above_floor"),
            "summary.csv": (analysis.summary, "per design and outcome: share of worse points "
                            "with its 95% Wilson CI, what PRIM found (boxes, weak_boxes, "
                            "no_region, worse_nowhere, worse_everywhere), the densest box's "
                            "density and mass, min_density"),
            "regimes.csv": (analysis.regimes, "share of worse points per bin pair of the top three "
                            "parameters"),
            "drivers.csv": (analysis.drivers, "global sensitivity of the paired differences per "
                            "design, outcome and parameter: PAWN index with its 95% bootstrap "
                            "interval, the noise floor (largest index of random probe columns), "
                            "above_floor, the seed-noise share of the variance"),
        }  # fmt: skip
        files = {}
        for name, (frame, what) in tables.items():
            results.write_csv(frame, out / name)
            files[name] = what
        trees = "".join(
            f"# {design} against {discovery.designs[0]} on {outcome}\n{text or '(no tree: the '}"
            + ("" if text else "design is worse at every point or at none)\n")
            + "\n"
            for (design, outcome), text in analysis.cart_trees.items()
        )
        atomic_write(out / "cart_trees.txt", lambda p: p.write_text(trees, "utf-8"))
        files["cart_trees.txt"] = "the CART tree of each design and outcome, as text"
        settings = {
            "fixed": dict(first.fixed),
            "held": [list(h) for h in discovery.held],
            "designs": list(discovery.designs),
            "samples": discovery.samples,
            "replications": discovery.replications,
            "root_seed": discovery.root_seed,
            "min_density": discovery.min_density,
            "quick": discovery.quick,
        }
        page = "report_zh.html" if args.lang == "zh" else "report.html"
        discovery_report.write_discovery_report(
            analysis,
            out / page,
            description=discovery.description,
            settings=settings,
            lang=args.lang,
            provenance=provenance.code_record(uses=provenance.DISCOVERY_PACKAGES),
        )
        files[page] = (
            "the report: shares with CIs, boxes, trade-off charts, regime maps, feature scores "
            "with their noise floor, CART trees"
        )
        images: list[Path] = []
        problem = None
        if formats:
            figures = discovery_report.discovery_figures(analysis, args.lang)
            try:
                images = export.export_figures(
                    figures, out / "figures", formats, suffix="_zh" if args.lang == "zh" else ""
                )
            except export.ExportUnavailableError as exc:
                problem = str(exc)
        if images:
            files["figures/"] = "the charts as static images"
        elapsed = time.perf_counter() - start
        for design, folder in run.folders.items():
            files[f"{folder.name}/"] = f"the sweep folder of {design} (run.py sweep layout)"
        scenarios = [s.scenario for s in discovery.sweeps.values()]
        manifest = provenance.build_manifest(
            scenarios,
            root_seed=discovery.root_seed,
            seeds=first.seeds,
            replications=discovery.replications,
            uses=provenance.DISCOVERY_PACKAGES,
            extra={
                **discovery_runner.discovery_manifest_extra(discovery, run),
                "lang": args.lang,
                "elapsed_seconds": round(elapsed, 1),
                "files": files,
            },
        )
        body = json.dumps(manifest, indent=2, ensure_ascii=False, allow_nan=False, default=str)
        atomic_write(out / "manifest.json", lambda p: p.write_text(body + "\n", "utf-8"))
        print(held_lines(discovery))
        print("\n".join(_box_lines(analysis, args.lang) + _driver_lines(analysis)))
        print()
        made = f"{run.ran} run{'s' if run.ran != 1 else ''} in {run.elapsed:.1f} s"
        if run.skipped:
            made += f" ({run.skipped} already finished, skipped)"
        print(made + ".")
        if problem:
            print(f"no images: {' '.join(problem.split())}", file=sys.stderr)
        print(f"Results: {out}")
        return 1 if problem else 0
