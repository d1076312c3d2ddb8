"""The ``calibrate`` command: ABC-SMC of the free uncertainties against observed targets.

Loads a calibration file (``sim.experiments.calibration.files``), runs or
continues its ABC-SMC (``sim.experiments.calibration.runner``), then writes
``posterior.parquet`` (the last generation, with weights), ``posterior.csv``
(per parameter: prior range, posterior mean and 90% interval),
``calibration.csv`` (per target: observed, prior and posterior predictive
mean and 90% interval, held out or fitted), ``generations.csv``, ``abc.db``
(pyabc's database: running again continues it), ``report.html`` (or
``report_zh.html``: posterior marginals and pairs, predictive checks,
epsilon per generation), ``figures/`` with ``--formats`` and ``manifest.json``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path
from typing import Any

from sim.cli import arguments as cli_types

HELP = "calibrate free uncertainties against observed targets (ABC-SMC); resumable"

EPILOG = """\
examples:
  python run.py calibrate sweeps/calibration/synthetic_recovery.yaml
  python run.py calibrate synthetic_recovery --quick --workers 1
  python run.py calibrate observed_patterns --batch 1      one model per run (slower)

Running the same command with the same --out continues an interrupted
calibration from its last finished generation (pyabc's abc.db).
"""


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """Add the ``calibrate`` subcommand to ``run.py``'s subparsers."""
    p = sub.add_parser(
        "calibrate",
        help=HELP,
        description="Approximate Bayesian computation (ABC-SMC, pyabc) of the free "
        "uncertainties of a calibration file against its targets; then prior and posterior "
        "predictive checks of every target, held-out ones included.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "file", metavar="FILE", help="calibration file, or a name in sweeps/calibration/"
    )
    p.add_argument(
        "--out",
        metavar="DIR",
        help="results folder (default results/calibration/<file name>); the same calibration "
        "is continued",
    )
    p.add_argument(
        "--workers",
        type=cli_types.workers,
        metavar="N",
        help="processes (default all cores; 1 = in this process); the results do not depend on it",
    )
    p.add_argument(
        "--batch",
        type=cli_types.at_least(1),
        metavar="N",
        help="runs per batched model (a round of particles side by side; default from the "
        "layout, 100 city runs; 1 = one model per run, pyabc's single-core particles); an "
        "interrupted calibration continues only with the batch it started with",
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help="a small version: at most 20 particles and 2 generations",
    )
    cli_types.report_options(p, formats_default="none")
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    return p


def cmd_calibrate(args: argparse.Namespace) -> int:
    """Run the calibration, print the tables and write the folder."""
    from sim.cli.extras import require

    require("pyabc")
    from sim.experiments.calibration.files import load_calibration

    calibration = load_calibration(args.file)
    if args.quick:
        calibration = dataclasses.replace(
            calibration,
            population=min(calibration.population, 20),
            generations=min(calibration.generations, 2),
        )
    from sim.experiments import provenance, results
    from sim.experiments.calibration.runner import (
        posterior_correlations,
        posterior_summary,
        run_calibration,
    )
    from sim.experiments.data_files import results_root
    from sim.experiments.files import atomic_write
    from sim.experiments.output_checks import check_writable
    from sim.experiments.replications import batch_note
    from sim.experiments.seeds import spawn_seeds

    stem = calibration.path.stem + ("-quick" if args.quick else "")
    out = Path(args.out) if args.out else results_root() / "calibration" / stem
    check_writable(out, keep=True)
    start = time.perf_counter()
    try:
        run = run_calibration(
            calibration, out, workers=args.workers, progress=not args.quiet, batch=args.batch
        )
    except KeyboardInterrupt:
        print(
            f"\ninterrupted (Ctrl-C): finished generations are kept in {out}/abc.db. Run the "
            "same command again to continue.",
            file=sys.stderr,
        )
        return 130
    from sim.cli.errors import kept_on_interrupt

    with kept_on_interrupt(
        f"Every generation is kept in {out}/abc.db; run the same command again to write the "
        "tables and the report (no generation is run twice)."
    ):
        summary = posterior_summary(calibration, run.posterior)
        correlations = posterior_correlations(calibration, run.posterior)
        files = {
            "posterior.parquet": "the last generation's particles: free values and weights",
            "posterior.csv": "per free parameter: prior range, posterior mean and 90% interval",
            "calibration.csv": "per target: observed, prior and posterior predictive mean and 90% "
            "interval, whether each covers the observation; fitted or held out; source, mapping",
            "generations.csv": "per ABC-SMC generation: epsilon, particles, simulations",
            "correlations.csv": "weighted posterior correlation of every pair of free "
            "parameters (the combinations the targets constrain)",
            "abc.db": "pyabc's database of every generation (running again continues it)",
            "calibration.json": "what identifies this calibration's runs",
        }
        atomic_write(out / "posterior.parquet", lambda p: run.posterior.to_parquet(p, index=False))
        results.write_csv(summary, out / "posterior.csv")
        results.write_csv(run.table, out / "calibration.csv")
        results.write_csv(run.generations, out / "generations.csv")
        results.write_csv(correlations, out / "correlations.csv")
        from sim.reporting import calibration_report, export

        page = calibration_report.write_calibration_report(
            out,
            description=calibration.description,
            posterior=run.posterior,
            free=calibration.free,
            summary=summary,
            table=run.table,
            generations=run.generations,
            correlations=correlations,
            provenance={
                **provenance.code_record(uses=provenance.CALIBRATION_PACKAGES),
                "seeds": {"root_seed": calibration.root_seed},
            },
            lang=args.lang,
        )
        files[page.name] = "the report: posterior, pairs, predictive checks, epsilon"
        problem = None
        formats = export.parse_formats(args.formats)
        if formats:
            figures = calibration_report.calibration_figures(
                run.posterior, calibration.free, run.table, run.generations, args.lang
            )
            try:
                export.export_figures(
                    figures, out / "figures", formats, suffix="_zh" if args.lang == "zh" else ""
                )
                files["figures/"] = "the report's charts as static images"
            except export.ExportUnavailableError as exc:
                problem = str(exc)
        scenarios = list({t.scenario.name: t.scenario for t in calibration.targets}.values())
        manifest = provenance.build_manifest(
            scenarios,
            root_seed=calibration.root_seed,
            seeds=spawn_seeds(calibration.root_seed, calibration.replications),
            replications=calibration.replications,
            uses=provenance.CALIBRATION_PACKAGES,
            extra={
                "command_name": "calibrate",
                "calibration_file": str(calibration.path),
                "calibration_text": calibration.text,
                "free": {k: list(v) for k, v in calibration.free.items()},
                "fixed": calibration.fixed,
                "targets": [
                    {
                        "name": t.name,
                        "scenario": t.scenario.name,
                        "outcome": t.outcome,
                        "observed": t.observed,
                        "tolerance": t.tolerance,
                        "held_out": t.held_out,
                        "source": t.source,
                        "mapping": t.mapping,
                        "regime": dict(t.regime),
                    }
                    for t in calibration.targets
                ],
                "abc": {
                    "method": "ABC-SMC (pyabc): uniform priors, distance sqrt(sum(((simulated - "
                    "observed) / tolerance)^2)) over fitted targets, epsilon = median distance "
                    "of the previous generation (QuantileEpsilon alpha 0.5)",
                    "population": calibration.population,
                    "generations": calibration.generations,
                    "generations_run_now": run.generations_run,
                    "quick": bool(args.quick),
                    "workers": args.workers,
                    "sampler": "sim.experiments.calibration.sampler.RoundSampler: rounds of "
                    "particles proposed by pyabc, simulated together, then judged by pyabc in "
                    "order; the same particles for any number of workers; NumPy's global "
                    "generator is seeded at the start of every generation from the root seed "
                    "and the generation's number "
                    "(sim.experiments.calibration.sampler.generation_seed), so a calibration "
                    "stopped and continued gives the particles of one run without a stop",
                    "reproducible": True,
                },
                "batch": batch_note(
                    run.batch,
                    unit="run",
                    how=f"the runs of up to {run.batch} consecutive particles' replications of a "
                    "round ran side by side as the replicas of one batched model, "
                    "seeded from those particles' run seeds "
                    "(sim.experiments.calibration.simulation.simulate_many)",
                ),
                "elapsed_seconds": round(time.perf_counter() - start, 1),
                "files": files,
            },
        )
        body = json.dumps(manifest, indent=2, ensure_ascii=False, allow_nan=False, default=str)
        atomic_write(out / "manifest.json", lambda p: p.write_text(body + "\n", "utf-8"))
        print(_format(summary, run.table, run.generations, correlations))
        if problem:
            print(f"no images: {' '.join(problem.split())}", file=sys.stderr)
        print(f"\nReport: {page}\nResults: {out}")
        return 1 if problem else 0


def _format(summary: Any, table: Any, generations: Any = None, correlations: Any = None) -> str:
    lines = []
    if generations is not None and len(generations):
        lines.append("Epsilon per generation (ABC-SMC; particles accepted / simulations):")
        for r in generations.itertuples():
            lines.append(f"  t={int(r.t):<3} epsilon {r.epsilon:.4g}   {r.particles} / {r.samples}")
    lines.append(
        "Posterior (weighted; 90% interval; narrowing = interval / 90% of the prior range):"
    )
    for r in summary.itertuples():
        lines.append(
            f"  {r.parameter:<28} prior {r.prior_low:.3g}-{r.prior_high:.3g}   posterior mean "
            f"{r.posterior_mean:.3g} [{r.posterior_q05:.3g}, {r.posterior_q95:.3g}]   "
            f"narrowing {r.narrowing:.2f}"
        )
    if correlations is not None and len(correlations):
        strong = correlations[correlations["correlation"].abs() >= 0.3]
        lines.append(
            "Posterior correlations |r| >= 0.3 (combinations the targets constrain): "
            + (
                ", ".join(f"{r.first}~{r.second} {r.correlation:+.2f}" for r in strong.itertuples())
                or "none"
            )
        )
    lines.append("Targets (predictive mean and 90% interval; * = held out of the fit):")
    for r in table.itertuples():
        mark = "*" if r.held_out else " "
        lines.append(
            f" {mark}{r.target:<20} observed {r.observed:.4g}   prior {r.prior_mean:.4g} "
            f"[{r.prior_q05:.4g}, {r.prior_q95:.4g}]   posterior {r.posterior_mean:.4g} "
            f"[{r.posterior_q05:.4g}, {r.posterior_q95:.4g}]"
            + ("" if r.posterior_covers else "   (outside the posterior interval)")
        )
    return "\n".join(lines)
