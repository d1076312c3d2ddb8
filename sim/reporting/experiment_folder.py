"""Writing an experiment's results folder: tables, networks, report and manifest.

``run_experiment`` is the main job: it runs the paired replications
(``sim.analysis.comparison.compare``), then writes the folder
(``write_results``): the time series and final values, the summary tables,
the networks, the report and, last, ``manifest.json`` (a folder without it
is incomplete). Static images come after, into ``figures/``.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import pandas as pd

from sim.analysis import statistics
from sim.analysis.comparison import Comparison
from sim.analysis.comparison import compare as run_comparison
from sim.analysis.summaries import CI_NOTE, difference_table, summary_table
from sim.experiments import provenance
from sim.experiments.files import atomic_write
from sim.experiments.replications import (
    HEADLINE_OUTCOMES,
    batch_note,
    final_values,
    ordered_outcomes,
)
from sim.experiments.results import (
    RESULT_FILES,
    check_output_dir,
    default_output_dir,
    write_csv,
    write_parquet,
)
from sim.reporting import charts, export, report


def write_results(
    frame: pd.DataFrame,
    scenarios: Sequence[Any],
    out_dir: str | os.PathLike[str],
    *,
    root_seed: int | None = None,
    compare: bool = True,
    argv: Sequence[str] | None = None,
    extra: dict[str, Any] | None = None,
    networks: pd.DataFrame | None = None,
    governments: pd.DataFrame | None = None,
    lang: str = "en",
    tables: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None] | None = None,
    batch: int | None = None,
) -> dict[str, Path]:
    """Write the results folder of an experiment.

    Every file is written atomically; ``manifest.json`` is written last, so a
    folder without it is incomplete. The report (``report.html``, or
    ``report_zh.html`` with ``lang="zh"``) is written just before it; static
    images are not written here (see ``sim.reporting.report.export_report_figures``).

    Args:
        frame: Output of ``run_replications``.
        scenarios: The scenarios run, baseline first.
        out_dir: Results folder; created if missing, refused if not empty.
        root_seed: Root seed of the run; defaults to ``frame.attrs["root_seed"]``.
        compare: Write ``paired_differences.csv`` (needs two scenarios or more).
        argv: Command line to record; defaults to ``sys.argv``.
        extra: More manifest entries.
        networks: Sharing links of every run (from
            ``run_replications_with_networks``), saved as ``networks.parquet``
            and charted in the report; None leaves both out.
        governments: Every run's governments and their departments (from
            ``run_replications_with_networks``), saved as
            ``governments.parquet``; the report draws the network's nodes
            from it.
        lang: Language of the report, ``en`` or ``zh``.
        tables: ``(runs, summary, paired)`` already computed from ``frame``
            (a ``sim.analysis.comparison.Comparison``'s); None computes them.
        batch: Replications per batched model the frame was run with;
            defaults to ``frame.attrs["batch"]``, else 1.

    Returns:
        File name to path of every file written.

    Raises:
        OutputExistsError: If ``out_dir`` is a file or a non-empty folder.
        ValueError: If no root seed is given or recorded in the frame.
    """
    if root_seed is None:
        root_seed = frame.attrs.get("root_seed")
        if root_seed is None:
            raise ValueError("root_seed is needed for the manifest")
    out = check_output_dir(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    scenarios = list(scenarios)
    compare = compare and len(scenarios) > 1
    if tables is None:
        outcomes = ordered_outcomes(frame)
        runs = final_values(frame, frame.attrs.get("batch"))
        summary = summary_table(runs, outcomes)
        paired = difference_table(runs, outcomes, scenarios[0].name) if compare else None
    else:
        runs, summary, paired = tables
    written: dict[str, Path] = {}

    def target(name: str) -> Path:
        written[name] = out / name
        return out / name

    write_parquet(frame, target("timeseries.parquet"))
    write_csv(frame, target("timeseries.csv"))
    write_csv(runs, target("runs.csv"))
    write_csv(summary, target("summary.csv"))
    if compare and paired is not None:
        write_csv(paired, target("paired_differences.csv"))
    if networks is not None:
        write_parquet(networks, target("networks.parquet"))
    if governments is not None:
        write_parquet(governments, target("governments.parquet"))
    report_name = report.report_filename(lang)
    replication_seeds = (
        frame.drop_duplicates("replication").sort_values("replication")["seed"].tolist()
    )
    batch = int(batch or frame.attrs.get("batch") or 1)
    files = {name: RESULT_FILES[name] for name in [*written, report_name, "manifest.json"]}
    manifest = provenance.build_manifest(
        scenarios,
        root_seed=int(root_seed),
        seeds=replication_seeds,
        replications=int(frame["replication"].nunique()),
        batch=batch,
        argv=argv,
        extra={"files": files, "confidence_interval": CI_NOTE, **(extra or {})},
    )
    data = report.ReportData(
        manifest=json.loads(json.dumps(manifest, default=str)),
        frame=frame,
        runs=runs,
        summary=summary,
        paired=paired,
        networks=networks,
        governments=governments,
    )
    written[report_name] = report.write_report_html(data, out, lang)
    text = json.dumps(manifest, indent=2, ensure_ascii=False, allow_nan=False, default=str)
    atomic_write(target("manifest.json"), lambda p: p.write_text(text + "\n", encoding="utf-8"))
    return written


def chart_figures(
    frame: pd.DataFrame, paired: pd.DataFrame | None = None, *, lang: str = "en"
) -> list[Any]:
    """Return charts of the headline outcomes: time series, distributions, forest plot.

    The report (``sim.reporting.report.report_figures``) shows these and the networks.

    Args:
        frame: Output of ``run_replications``.
        paired: Paired differences for the forest plot, if any.
        lang: ``en`` or ``zh``.

    Returns:
        A list of plotly figures.
    """
    present = [o for o in HEADLINE_OUTCOMES if o in frame.columns]
    figs = [charts.timeseries_figure(frame, o, lang=lang) for o in present]
    runs = final_values(frame)
    if present:
        figs.append(charts.distribution_figure(runs, present, lang=lang))
    if paired is not None and not paired.empty:
        head = paired[paired["outcome"].isin(present)]
        if not head.empty:
            summary = statistics.summarize(runs, "scenario", present)
            figs.append(charts.forest_figure(head, summary, lang=lang))
    return figs


@dataclass(frozen=True)
class ExperimentResult(Comparison):
    """A comparison and the results folder written from it.

    Attributes:
        out_dir: Results folder written.
        files: File name to path of every file written.
        report: The HTML report written.
        figures: Static images written into ``figures/``.
        export_error: Why static images could not be written (None if they
            were, or if none were asked for).
    """

    out_dir: Path = Path()
    files: dict[str, Path] = field(default_factory=dict)
    report: Path | None = None
    figures: tuple[Path, ...] = ()
    export_error: str | None = None


def run_experiment(
    scenarios: Sequence[Any],
    *,
    replications: int,
    root_seed: int,
    workers: int | None = None,
    progress: bool = True,
    out_dir: str | os.PathLike[str] | None = None,
    compare: bool = True,
    argv: Sequence[str] | None = None,
    lang: str = "en",
    formats: Sequence[str] = (),
    batch: int = 1,
    replication_overrides: Sequence[Mapping[str, Any]] | None = None,
    posterior: Mapping[str, Any] | None = None,
    space_worlds: int = 0,
    space_designs: Sequence[str] | None = None,
    space_record: Mapping[str, Any] | None = None,
) -> ExperimentResult:
    """Run replications of the scenarios and write the results folder.

    The output folder is checked before anything runs; a given ``out_dir`` is
    created only when the runs are done, the default one is taken at once
    (an exclusive ``mkdir``, so two experiments started in the same second
    get two folders). If the runs or the writing are interrupted, the folder
    is removed again (a given folder that existed empty is emptied), so an
    interrupted experiment leaves no results folder behind. Ctrl-C while the
    images are written raises :class:`ResultsWrittenInterrupt`: the folder
    is complete without them. Static
    images (``formats``) are written last, into ``figures/``; they are
    optional: if they cannot be written (no browser), ``export_error`` says
    why and everything else is in place.

    Args:
        scenarios: Scenarios to run; the first is the baseline.
        replications: Runs per scenario.
        root_seed: Root of the paired seeds.
        workers: Processes (``None`` = all cores).
        progress: Show a progress bar on stderr.
        out_dir: Results folder; ``None`` picks ``results/<timestamp>-<names>``.
        compare: Compute paired differences from the first scenario.
        argv: Command line recorded in the manifest (default ``sys.argv``).
        lang: Language of the report and images, ``en`` or ``zh``.
        formats: Static image formats to write (``png``, ``svg``, ``pdf``).
        batch: Replications per batched model (flat scenarios only).
        replication_overrides: Parameter values per replication over every
            scenario (posterior draws; batched, each copy carries its own).
        posterior: Where the draws came from (recorded in the manifest).
        space_worlds: Sampled worlds of the headline's exploration of the
            plausible space (``sim.reporting.headline_space``; 0: none), run
            after the folder is written, into its ``space/``.
        space_designs: The designs as given (names or paths) for that
            exploration; default the scenarios' names.
        space_record: A headline record read from a discovery folder
            (``--space-from``) instead of exploring.

    Returns:
        The results, including where they were written.

    Raises:
        OutputExistsError: If ``out_dir`` exists and is not empty.
        ValueError: For invalid arguments (see ``run_replications``).
    """
    scenarios = tuple(scenarios)
    compare = compare and len(scenarios) > 1
    if out_dir is None:
        # Taken now, atomically: two commands started in the same second get two folders.
        joiner = "-vs-" if compare else "-"
        out = default_output_dir(joiner.join(s.name for s in scenarios), create=True)
    else:
        out = check_output_dir(out_dir)
    try:
        result = run_comparison(
            scenarios,
            replications=replications,
            root_seed=root_seed,
            workers=workers,
            progress=progress,
            batch=batch,
            paired=compare,
            replication_overrides=replication_overrides,
            posterior=posterior,
        )
    except BaseException:
        if out_dir is None:  # the folder taken above, still empty
            shutil.rmtree(out, ignore_errors=True)
        raise
    files = write_comparison(result, out, argv=argv, lang=lang, remove=out_dir is None)
    if compare and (space_worlds or space_record):
        try:
            files.update(
                add_headline(
                    out,
                    result.paired,
                    lang=lang,
                    designs=space_designs or [s.name for s in scenarios],
                    worlds=space_worlds,
                    record=space_record,
                    workers=workers,
                    progress=progress,
                )
            )
        except KeyboardInterrupt:
            raise ResultsWrittenInterrupt(out, "while the plausible space was explored") from None
    try:
        figures, export_error = _export_figures(out, lang, formats)
    except KeyboardInterrupt:
        raise ResultsWrittenInterrupt(out) from None
    return ExperimentResult(
        **{f.name: getattr(result, f.name) for f in fields(Comparison)},
        out_dir=out,
        files=files,
        report=next((p for n, p in files.items() if n.startswith("report")), None),
        figures=tuple(figures),
        export_error=export_error,
    )


class ResultsWrittenInterrupt(KeyboardInterrupt):
    """Ctrl-C after the results folder was complete (while its images were written).

    Attributes:
        out_dir: The complete results folder (``manifest.json`` written).
    """

    def __init__(self, out_dir: Path, stage: str = "while the images were written") -> None:
        super().__init__(str(out_dir))
        self.out_dir = out_dir
        self.stage = stage


def add_headline(
    out: Path,
    paired: pd.DataFrame | None,
    *,
    lang: str,
    designs: Sequence[str],
    worlds: int = 0,
    record: Mapping[str, Any] | None = None,
    workers: int | None = None,
    progress: bool = True,
) -> dict[str, Path]:
    """Add the headline over the plausible space to a written results folder.

    Explores the space (``worlds`` sampled worlds into ``out/space``) unless a
    ``record`` read from a discovery folder is given, writes ``headline.json``
    and ``headline.csv``, writes the report again (now with its headline
    section) and adds the headline's provenance to ``manifest.json``.

    Returns:
        File name to path of the files added.
    """
    from sim.experiments.inputs.folder_reads import read_folder_json
    from sim.reporting import headline_space

    if record is None:
        record = headline_space.explore_space(
            designs, out, worlds=worlds, workers=workers, progress=progress
        )
        if record is None:
            return {}
    written = headline_space.write_headline(out, dict(record), paired)
    if (out / "space").is_dir():
        written["space/"] = out / "space"
    report.write_report(out, lang)
    manifest = read_folder_json(out / "manifest.json", folder=out)
    manifest["headline"] = record["source"]
    manifest.setdefault("files", {}).update(
        {k: v for k, v in headline_space.HEADLINE_FILES.items() if k in written}
    )
    text = json.dumps(manifest, indent=2, ensure_ascii=False, allow_nan=False, default=str)
    atomic_write(out / "manifest.json", lambda p: p.write_text(text + "\n", encoding="utf-8"))
    return written


def write_comparison(
    result: Comparison,
    out_dir: str | os.PathLike[str],
    *,
    argv: Sequence[str] | None = None,
    lang: str = "en",
    remove: bool = False,
) -> dict[str, Path]:
    """Write the results folder of a comparison; remove what was written if it fails.

    Args:
        result: Output of ``sim.analysis.comparison.compare``.
        out_dir: Results folder; created if missing, refused if not empty.
        argv: Command line recorded in the manifest (default ``sys.argv``).
        lang: Language of the report, ``en`` or ``zh``.
        remove: Remove the folder itself on failure even though it existed
            (an empty folder taken for this run by ``default_output_dir``).

    Returns:
        File name to path of every file written.
    """
    out = check_output_dir(out_dir)
    existed = out.exists()
    try:
        return write_results(
            result.frame,
            result.scenarios,
            out,
            root_seed=result.root_seed,
            compare=result.paired is not None,
            argv=argv,
            extra={
                "elapsed_seconds": round(result.elapsed, 3),
                "workers": result.workers,
                "batch": batch_note(result.batch),
                **(
                    {
                        "posterior": {
                            **(result.posterior or {}),
                            "note": "replication r of every design ran with draw r from the "
                            "posterior (weighted, drawn with a stream of the root seed), so "
                            "the paired differences include the parameter uncertainty",
                            "draws": list(result.parameter_draws),
                        }
                    }
                    if result.parameter_draws
                    else {}
                ),
            },
            networks=result.networks,
            governments=result.governments,
            lang=lang,
            tables=(result.runs, result.summary, result.paired),
            batch=result.batch,
        )
    except BaseException:
        if existed and not remove:  # it was empty before: empty it again
            for child in out.iterdir():
                if child.is_dir():
                    shutil.rmtree(child, ignore_errors=True)
                else:
                    child.unlink(missing_ok=True)
        else:
            shutil.rmtree(out, ignore_errors=True)
        raise


def _export_figures(out: Path, lang: str, formats: Sequence[str]) -> tuple[list[Path], str | None]:
    """Write the report's charts as images; return them and the reason of a failure."""
    if not formats:
        return [], None
    from sim.reporting import report

    try:
        return report.export_report_figures(out, lang, formats), None
    except export.ExportUnavailableError as exc:
        return [], str(exc)
    except Exception as exc:  # noqa: BLE001 - images are optional; the results stand
        return [], f"static images could not be written ({type(exc).__name__}: {exc})"


def save_comparison(
    result: Comparison,
    out_dir: str | os.PathLike[str],
    *,
    lang: str = "en",
    formats: Sequence[str] = (),
    argv: Sequence[str] | None = None,
) -> Path:
    """Write a comparison made in memory as a results folder (``sim.save``).

    The same files as ``python run.py compare`` writes: time series, final
    values, summary tables, networks, the report and ``manifest.json``;
    with ``formats`` (``png``, ``svg``, ``pdf``) also the charts as images.

    Args:
        result: Output of ``sim.compare``.
        out_dir: A new or empty folder.
        lang: Language of the report, ``en`` or ``zh``.
        formats: Static image formats to write into ``figures/``.
        argv: Command line recorded in the manifest (default ``sys.argv``).

    Returns:
        The folder.

    Raises:
        OutputExistsError: If the folder holds files.
        sim.reporting.export.ExportUnavailableError: If images were asked
            for and no browser can draw them (everything else is written).
    """
    out = Path(out_dir)
    write_comparison(result, out, argv=argv, lang=lang)
    if formats:
        report.export_report_figures(out, lang, formats)
    return out
