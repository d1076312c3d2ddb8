"""Replicated, paired simulation experiments and their results folder.

An experiment runs every scenario ``replications`` times. Replication ``r``
uses the same random seed in every scenario (common random numbers), so
scenarios are compared pair by pair and the comparison is not drowned in
run-to-run noise. Seeds come from ``numpy.random.SeedSequence(root_seed)``;
the same root seed gives the same numbers whatever the number of workers.

Typical use::

    scenarios = [load_scenario("dispersed"), load_scenario("centralized")]
    frame = run_replications(scenarios, replications=20, root_seed=20261122)
    write_results(frame, scenarios, out_dir, root_seed=20261122)
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
import re
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis import statistics
from sim.experiments import executors, provenance
from sim.experiments.files import atomic_write
from sim.model import network
from sim.model.governance import GovernanceModel
from sim.reporting import charts

#: Outcomes reported in summaries and charts, in this order (skipped if absent).
HEADLINE_OUTCOMES: tuple[str, ...] = (
    "n_redundant_common_systems",
    "duplication_rate",
    "data_sharing_rate",
    "platform_adoption_rate",
    "capability_coverage",
    "mean_months_to_service",
    "cum_spending",
)

#: Identifier columns at the front of every results frame.
ID_COLUMNS: tuple[str, ...] = ("scenario", "replication", "seed", "month")

#: Default parent folder of results folders.
RESULTS_DIR = provenance.PROJECT_ROOT / "results"

#: Files ``write_results`` produces, with what each holds.
RESULT_FILES: dict[str, str] = {
    "timeseries.parquet": "every outcome, every month, every run (tidy; same as the CSV)",
    "timeseries.csv": "every outcome, every month, every run (tidy)",
    "runs.csv": "one row per run: scenario, replication, seed, final value of every outcome",
    "summary.csv": "per scenario and outcome: mean, sd, n and 95% CI of the final value",
    "paired_differences.csv": "per scenario vs the baseline and outcome: mean paired "
    "difference, 95% CI and p-values",
    "networks.parquet": "data-sharing links (holder, requester) at the end of every run",
    "governments.parquet": "per run, every government: level, parent, first department and "
    "number of departments (the nodes of networks.parquet)",
    "report.html": "the report: what was run, outcome table with CIs and paired effects, "
    "all charts; self-contained, opens offline",
    "report_zh.html": "the report in Chinese",
    "manifest.json": "provenance: scenarios, parameters, seeds, command, versions, git commit",
}


class OutputExistsError(FileExistsError):
    """The chosen output folder already holds files."""


# --------------------------------------------------------------------------- seeds


def spawn_seeds(root_seed: int, replications: int) -> list[int]:
    """Return one integer seed per replication, derived from the root seed.

    Args:
        root_seed: Non-negative integer.
        replications: Number of seeds.

    Returns:
        ``[child.generate_state(1)[0] for child in SeedSequence(root_seed).spawn(n)]``.
    """
    children = np.random.SeedSequence(root_seed).spawn(replications)
    return [int(child.generate_state(1)[0]) for child in children]


# ---------------------------------------------------------------------- running


def run_one(scenario: Any, seed: int, replication: int = 0) -> pd.DataFrame:
    """Run one scenario once and return its monthly outcomes.

    Args:
        scenario: A ``sim.experiments.scenarios.Scenario``.
        seed: Integer seed of the model's random number generator.
        replication: Replication number recorded in the frame.

    Returns:
        One row per month with columns ``scenario``, ``replication``, ``seed``,
        ``month`` and then one column per outcome.
    """
    return simulate(scenario, seed, replication)[0]


def simulate(
    scenario: Any, seed: int, replication: int = 0
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Run one scenario once; return its monthly outcomes and its sharing network.

    Args:
        scenario: A ``sim.experiments.scenarios.Scenario``.
        seed: Integer seed of the model's random number generator.
        replication: Replication number recorded in both frames.

    Returns:
        ``(frame, edges, governments)``: ``frame`` as ``run_one``; ``edges``
        the data-sharing links at the end of the run
        (``sim.model.network.edges_frame``); ``governments`` the run's governments
        and their departments (``sim.model.network.governments_frame``).
    """
    model = GovernanceModel(
        parameters=scenario.parameters,
        rng=int(seed),
        policy_changes=tuple(getattr(scenario, "policy_changes", ()) or ()),
    )
    model.run()
    frame = _tidy(model.outcomes_frame(), scenario.name, replication, seed)
    edges = network.edges_frame(model.sharing_links, scenario.name, replication)
    governments = network.governments_frame(model.structure, scenario.name, replication)
    return frame, edges, governments


def simulate_batch(
    scenario: Any, seed: int, replications: Sequence[int]
) -> list[tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]]:
    """Run several replications of a flat scenario side by side in one batched model.

    The model (``GovernanceModel(replicas=len(replications))``) simulates
    independent copies of the scenario's governments; copy ``i`` becomes
    replication ``replications[i]``. All copies share the model's random
    stream, so each one follows the scenario's distribution but is not the
    run ``simulate`` would give with the same seed.

    Args:
        scenario: A ``sim.experiments.scenarios.Scenario`` with a flat layout.
        seed: Seed of the batched model (recorded as every replication's seed).
        replications: Replication numbers of the copies, in order.

    Returns:
        One ``simulate``-like ``(frame, edges, governments)`` per replication,
        with departments and governments numbered within the replication.
    """
    count = len(replications)
    model = GovernanceModel(
        parameters=scenario.parameters,
        rng=int(seed),
        policy_changes=tuple(getattr(scenario, "policy_changes", ()) or ()),
        replicas=count,
    )
    model.run()
    out = model.outcomes_frame()
    if "replica" not in out:  # a batch of one is an ordinary model
        out.insert(0, "replica", 0)
    per_copy = model.n_jur // count
    first_department = model.jur_start[::per_copy]
    links = np.array(sorted(model.sharing_links), dtype=np.int64).reshape(-1, 2)
    link_copy = model.replica_of[model.dept_jur[links[:, 0]]]
    governments = network.governments_frame(model.structure, scenario.name)
    results = []
    for copy, replication in enumerate(replications):
        rows = out[out["replica"] == copy].drop(columns="replica")
        frame = _tidy(rows, scenario.name, replication, seed)
        mine = links[link_copy == copy] - first_department[copy]
        edges = network.edges_frame(map(tuple, mine), scenario.name, replication)
        own = governments.iloc[copy * per_copy : (copy + 1) * per_copy].reset_index(drop=True)
        own = own.assign(
            replication=np.int64(replication),
            government=own["government"] - copy * per_copy,
            first_department=own["first_department"] - first_department[copy],
        )
        results.append((frame, edges, own))
    return results


def _tidy(out: pd.DataFrame, name: str, replication: int, seed: int) -> pd.DataFrame:
    """A model's outcomes frame with the id columns in front."""
    out = out.reset_index(drop=True)
    outcome_cols = [c for c in out.columns if c not in ID_COLUMNS]
    frame = pd.DataFrame(
        {
            "scenario": name,
            "replication": np.full(len(out), int(replication), dtype=np.int64),
            "seed": np.full(len(out), int(seed), dtype=np.int64),
            "month": out["month"].to_numpy().astype(np.int64),
        }
    )
    return pd.concat([frame, out[outcome_cols].astype(float)], axis=1)


def _run_task(
    task: tuple[int, int, int], scenarios: Sequence[Any]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Run one ``(scenario index, replication, seed)`` task; return ``simulate``'s result."""
    i, rep, seed = task
    return simulate(scenarios[i], seed, rep)


def _run_batch_task(
    task: tuple[int, tuple[int, ...], int], scenarios: Sequence[Any]
) -> list[tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]]:
    """Run one ``(scenario index, replications, seed)`` batch (``simulate_batch``)."""
    i, reps, seed = task
    return simulate_batch(scenarios[i], seed, reps)


def batch_blocks(replications: int, batch: int) -> list[tuple[int, ...]]:
    """Replications run together: ``(0..batch-1), (batch..2 batch-1), ...``."""
    return [tuple(range(b, min(b + batch, replications))) for b in range(0, replications, batch)]


def batch_note(batch: int) -> dict[str, Any]:
    """Manifest entry saying how replications were grouped into models."""
    if batch == 1:
        return {"replications_per_model": 1, "note": "one model per replication"}
    return {
        "replications_per_model": batch,
        "note": (
            f"replications b*{batch} .. b*{batch}+{batch - 1} ran side by side as the replicas "
            "of one batched model (GovernanceModel(replicas=...)) seeded with the seed of "
            "the first of them; replication r is replica r mod "
            f"{batch} of that model (sim.experiments.replications.simulate_batch)"
        ),
    }


def check_batchable(scenarios: Sequence[Any]) -> None:
    """Raise ``ValueError`` naming any scenario whose layout cannot be batched."""
    nested = [s.name for s in scenarios if s.parameters.n_provinces > 0]
    if nested:
        raise ValueError(
            f"--batch needs flat scenarios (several independent governments of one level); "
            f"{', '.join(nested)} {'is' if len(nested) == 1 else 'are'} multi-level "
            "(n_provinces > 0), whose governments are linked. Run without --batch."
        )


def run_replications(
    scenarios: Sequence[Any],
    replications: int,
    root_seed: int,
    workers: int | None = None,
    progress: bool = True,
    *,
    chunksize: int | None = None,
    batch: int = 1,
) -> pd.DataFrame:
    """Run every scenario ``replications`` times with paired seeds.

    The same as ``run_replications_with_networks`` without the networks.
    """
    return run_replications_with_networks(
        scenarios, replications, root_seed, workers, progress, chunksize=chunksize, batch=batch
    )[0]


def run_replications_with_networks(
    scenarios: Sequence[Any],
    replications: int,
    root_seed: int,
    workers: int | None = None,
    progress: bool = True,
    *,
    chunksize: int | None = None,
    batch: int = 1,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Run every scenario ``replications`` times with paired seeds.

    Args:
        scenarios: Scenarios to run; the first is the baseline of comparisons.
            Names must be distinct.
        replications: Runs per scenario (at least 1).
        root_seed: Root of the seed sequence; replication ``r`` uses the same
            seed in every scenario.
        workers: Processes to use; ``None`` means ``os.cpu_count()``; ``1`` runs
            serially in this process.
        progress: Show a progress bar (on stderr).
        chunksize: Runs per task sent to a worker; ``None`` picks one.
        batch: Replications simulated side by side in one batched model
            (``simulate_batch``; flat scenarios only). Replications
            ``b*batch .. (b+1)*batch - 1`` form batch ``b``, whose model uses
            the seed of its first replication; that seed is recorded for each
            of them. 1 (the default) runs one model per replication.

    Returns:
        ``(frame, edges, governments)``. ``frame``: tidy, with ``scenario``,
        ``replication``, ``seed``, ``month`` and one column per outcome,
        sorted by scenario (in the order given), replication and month.
        ``edges``: the data-sharing links at the end of every run
        (``scenario``, ``replication``, ``holder``, ``requester``; see
        ``sim.model.network``). ``governments``: every run's governments and their
        departments (``sim.model.network.GOVERNMENT_COLUMNS``). Identical whatever
        ``workers`` is.

    Raises:
        ValueError: For no scenarios, duplicate names, fewer than 1
            replication or worker, or ``batch > 1`` with a multi-level scenario.
    """
    scenarios = list(scenarios)
    if not scenarios:
        raise ValueError("no scenarios to run")
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise ValueError(f"scenario names must be distinct, got {names}")
    if replications < 1:
        raise ValueError(f"replications must be at least 1, got {replications}")
    workers = (os.cpu_count() or 1) if workers is None else int(workers)
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")

    if batch < 1:
        raise ValueError(f"batch must be at least 1, got {batch}")
    seeds = spawn_seeds(root_seed, replications)
    if batch == 1:
        tasks = [(i, r, seeds[r]) for r in range(replications) for i in range(len(scenarios))]
        pairs: list[tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]] = executors.map_chunked(
            _run_task,
            tasks,
            (scenarios,),
            workers=workers,
            chunksize=chunksize,
            progress=progress,
            desc="simulating",
        )
    else:
        check_batchable(scenarios)
        blocks = batch_blocks(replications, batch)
        batch_tasks = [
            (i, block, seeds[block[0]]) for block in blocks for i in range(len(scenarios))
        ]
        batches = executors.map_chunked(
            _run_batch_task,
            batch_tasks,
            (scenarios,),
            workers=workers,
            chunksize=chunksize or 1,
            progress=progress,
            desc=f"simulating ({batch} runs per model)",
            unit="model",
        )
        pairs = [result for results in batches for result in results]

    order = {name: i for i, name in enumerate(names)}

    def ordered(part: int, keys: list[str]) -> pd.DataFrame:
        """One kind of result of every run, scenarios in the order given, then ``keys``."""
        table = pd.concat([result[part] for result in pairs], ignore_index=True)
        return (
            table.assign(_order=table["scenario"].map(order))
            .sort_values(["_order", "replication", *keys], kind="stable")
            .drop(columns="_order")
            .reset_index(drop=True)
        )

    frame = ordered(0, ["month"])
    frame.attrs["root_seed"] = int(root_seed)
    edges = ordered(1, ["holder", "requester"])
    governments = ordered(2, ["government"])
    return frame, edges, governments


# ----------------------------------------------------------------- tidy results


def outcome_columns(frame: pd.DataFrame) -> list[str]:
    """Return the outcome columns of a results frame (all but the id columns)."""
    return [c for c in frame.columns if c not in ID_COLUMNS]


def ordered_outcomes(frame: pd.DataFrame) -> list[str]:
    """Return outcome columns with the headline outcomes first."""
    cols = outcome_columns(frame)
    head = [o for o in HEADLINE_OUTCOMES if o in cols]
    return head + [c for c in cols if c not in head]


def final_values(frame: pd.DataFrame) -> pd.DataFrame:
    """Return one row per run with the value of every outcome at its last month.

    Args:
        frame: Output of ``run_replications``.

    Returns:
        Columns ``scenario``, ``replication``, ``seed``, ``month`` (the last
        month) and the outcomes; runs in the frame's order.
    """
    idx = frame.groupby(["scenario", "replication"], sort=False)["month"].idxmax()
    return frame.loc[idx.to_numpy()].reset_index(drop=True)


def outcome_info() -> dict[str, dict[str, str]]:
    """Return ``label``, ``unit`` and ``description`` of each declared outcome."""
    try:
        from sim.model.outcomes import OUTCOMES
    except ImportError:  # pragma: no cover - the model package always has it
        return {}
    return {
        o.name: {
            "label": getattr(o, "label", o.name),
            "unit": getattr(o, "unit", ""),
            "description": getattr(o, "description", ""),
        }
        for o in OUTCOMES
    }


def summary_table(runs: pd.DataFrame, outcomes: Sequence[str]) -> pd.DataFrame:
    """Per scenario and outcome: mean, sd, n and 95% CI of the final values.

    Args:
        runs: Output of ``final_values``.
        outcomes: Outcome names (absent ones are skipped).

    Returns:
        ``sim.analysis.statistics.summarize`` output with ``label`` and ``unit`` columns.
    """
    table = statistics.summarize(runs, "scenario", outcomes)
    return add_labels(table)


def difference_table(runs: pd.DataFrame, outcomes: Sequence[str], baseline: str) -> pd.DataFrame:
    """Paired differences of final values from the baseline scenario.

    Args:
        runs: Output of ``final_values``.
        outcomes: Outcome names (absent ones are skipped).
        baseline: Name of the baseline scenario.

    Returns:
        ``sim.analysis.statistics.paired_differences`` output with ``label`` and ``unit``.
    """
    table = statistics.paired_differences(runs, outcomes, baseline)
    return add_labels(table)


def add_labels(table: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``table`` with ``label`` and ``unit`` columns after ``outcome``."""
    info = outcome_info()
    pos = list(table.columns).index("outcome") + 1
    table = table.copy()
    table.insert(pos, "label", [info.get(o, {}).get("label", o) for o in table["outcome"]])
    table.insert(pos + 1, "unit", [info.get(o, {}).get("unit", "") for o in table["outcome"]])
    return table


# ------------------------------------------------------------------ the folder


def _slug(text: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.")
    return slug[:80] or "experiment"


def default_output_dir(name: str, root: Path = RESULTS_DIR) -> Path:
    """Return a new, unused ``<root>/<YYYYmmdd-HHMMSS>-<name>`` path.

    Args:
        name: Short name of the experiment (made file-name safe).
        root: Parent folder.

    Returns:
        A path that does not exist yet (a suffix is added on a clash).
    """
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    base = root / f"{stamp}-{_slug(name)}"
    path, k = base, 2
    while path.exists():
        path = base.with_name(f"{base.name}-{k}")
        k += 1
    return path


def check_output_dir(path: str | os.PathLike[str]) -> Path:
    """Check that results may be written to ``path`` without overwriting anything.

    Args:
        path: Intended results folder.

    Returns:
        The path.

    Raises:
        OutputExistsError: If ``path`` is a file or a folder that is not empty.
    """
    path = Path(path)
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        what = "a file" if not path.is_dir() else "a folder that is not empty"
        raise OutputExistsError(
            f"the output folder {path} already exists and is {what}; results are never "
            "written over earlier ones. Choose another --out or remove it."
        )
    return path


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    atomic_write(path, lambda p: frame.to_csv(p, index=False, float_format="%.10g"))


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
    outcomes = ordered_outcomes(frame)
    runs = final_values(frame)
    written: dict[str, Path] = {}

    def target(name: str) -> Path:
        written[name] = out / name
        return out / name

    atomic_write(target("timeseries.parquet"), lambda p: frame.to_parquet(p, index=False))
    _write_csv(frame, target("timeseries.csv"))
    _write_csv(runs, target("runs.csv"))
    _write_csv(summary_table(runs, outcomes), target("summary.csv"))
    paired = None
    if compare and len(scenarios) > 1:
        paired = difference_table(runs, outcomes, scenarios[0].name)
        _write_csv(paired, target("paired_differences.csv"))
    if networks is not None:
        atomic_write(target("networks.parquet"), lambda p: networks.to_parquet(p, index=False))
    if governments is not None:
        atomic_write(
            target("governments.parquet"), lambda p: governments.to_parquet(p, index=False)
        )
    # the report module uses this one
    from sim.reporting import report

    report_name = report.report_filename(lang)
    replication_seeds = (
        frame.drop_duplicates("replication").sort_values("replication")["seed"].tolist()
    )
    files = {name: RESULT_FILES[name] for name in [*written, report_name, "manifest.json"]}
    manifest = provenance.build_manifest(
        scenarios,
        root_seed=int(root_seed),
        seeds=replication_seeds,
        replications=int(frame["replication"].nunique()),
        argv=argv,
        extra={"files": files, "confidence_interval": _CI_NOTE, **(extra or {})},
    )
    data = report.ReportData(
        manifest=json.loads(json.dumps(manifest, default=str)),
        frame=frame,
        runs=runs,
        summary=summary_table(runs, outcomes),
        paired=paired,
        networks=networks,
        governments=governments,
    )
    written[report_name] = report.write_report_html(data, out, lang)
    text = json.dumps(manifest, indent=2, ensure_ascii=False, allow_nan=False, default=str)
    atomic_write(target("manifest.json"), lambda p: p.write_text(text + "\n", encoding="utf-8"))
    return written


_CI_NOTE = (
    "95% t-based interval of the mean across replications: mean ± t(0.975, n-1)·sd/√n; "
    "paired differences are scenario minus baseline within each replication; p_value is "
    "the two-sided paired t-test, p_value_wilcoxon the Wilcoxon signed-rank test"
)


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


# ------------------------------------------------------------- whole experiment

#: Outcomes printed in the terminal report, in this order (skipped if absent).
REPORT_OUTCOMES: tuple[str, ...] = (
    "n_redundant_common_systems",
    "duplication_rate",
    "data_sharing_rate",
    "platform_adoption_rate",
    "mean_months_to_service",
)


@dataclass(frozen=True)
class ExperimentResult:
    """Everything an experiment produced.

    Attributes:
        scenarios: The scenarios run, baseline first.
        frame: Tidy time series (output of ``run_replications``).
        runs: Final value of every outcome per run (``final_values``).
        summary: Per scenario and outcome statistics (``summary_table``).
        paired: Paired differences from the baseline, or ``None`` if not compared.
        out_dir: Results folder written.
        files: File name to path of every file written.
        elapsed: Wall-clock seconds of the simulations.
        report: The HTML report written.
        figures: Static images written into ``figures/``.
        export_error: Why static images could not be written (None if they
            were, or if none were asked for).
        networks: Sharing links at the end of every run.
        governments: Every run's governments and their departments.
    """

    scenarios: tuple[Any, ...]
    frame: pd.DataFrame
    runs: pd.DataFrame
    summary: pd.DataFrame
    paired: pd.DataFrame | None
    out_dir: Path
    files: dict[str, Path]
    elapsed: float
    report: Path | None = None
    figures: tuple[Path, ...] = ()
    export_error: str | None = None
    networks: pd.DataFrame | None = None
    governments: pd.DataFrame | None = None


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
) -> ExperimentResult:
    """Run replications of the scenarios and write the results folder.

    The output folder is checked before anything runs and is created only when
    the runs are done; if writing is interrupted, the folder is removed again,
    so an interrupted experiment leaves no results folder behind. Static
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
        batch: Replications per batched model (see ``run_replications_with_networks``).

    Returns:
        The results, including where they were written.

    Raises:
        OutputExistsError: If ``out_dir`` exists and is not empty.
        ValueError: For invalid arguments (see ``run_replications``).
    """
    scenarios = tuple(scenarios)
    compare = compare and len(scenarios) > 1
    if out_dir is None:
        joiner = "-vs-" if compare else "-"
        out = default_output_dir(joiner.join(s.name for s in scenarios))
    else:
        out = check_output_dir(out_dir)
    start = time.perf_counter()
    frame, networks, governments = run_replications_with_networks(
        scenarios, replications, root_seed, workers, progress, batch=batch
    )
    elapsed = time.perf_counter() - start

    existed = out.exists()
    try:
        files = write_results(
            frame,
            scenarios,
            out,
            root_seed=root_seed,
            compare=compare,
            argv=argv,
            extra={
                "elapsed_seconds": round(elapsed, 3),
                "workers": workers or os.cpu_count(),
                "batch": batch_note(batch),
            },
            networks=networks,
            governments=governments,
            lang=lang,
        )
    except BaseException:
        if existed:  # it was empty before: empty it again
            for child in out.iterdir():
                if child.is_dir():
                    shutil.rmtree(child, ignore_errors=True)
                else:
                    child.unlink(missing_ok=True)
        else:
            shutil.rmtree(out, ignore_errors=True)
        raise
    figures, export_error = _export_figures(out, lang, formats)
    runs = final_values(frame)
    outcomes = ordered_outcomes(frame)
    return ExperimentResult(
        scenarios=scenarios,
        frame=frame,
        runs=runs,
        summary=summary_table(runs, outcomes),
        paired=difference_table(runs, outcomes, scenarios[0].name) if compare else None,
        out_dir=out,
        files=files,
        elapsed=elapsed,
        report=next((p for n, p in files.items() if n.startswith("report")), None),
        figures=tuple(figures),
        export_error=export_error,
        networks=networks,
        governments=governments,
    )


def _export_figures(out: Path, lang: str, formats: Sequence[str]) -> tuple[list[Path], str | None]:
    """Write the report's charts as images; return them and the reason of a failure."""
    if not formats:
        return [], None
    from sim.reporting import export, report

    try:
        return report.export_report_figures(out, lang, formats), None
    except export.ExportUnavailableError as exc:
        return [], str(exc)
    except Exception as exc:  # noqa: BLE001 - images are optional; the results stand
        return [], f"static images could not be written ({type(exc).__name__}: {exc})"


_num = charts.format_number


def _interval(low: float, high: float) -> str:
    if not (math.isfinite(low) and math.isfinite(high)):
        return ""
    return f"[{_num(low)}, {_num(high)}]"


def _p(p: float) -> str:
    if p is None or not math.isfinite(p):
        return ""
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def format_report(
    result: ExperimentResult, outcomes: Sequence[str] = REPORT_OUTCOMES, *, lang: str = "en"
) -> str:
    """Return the terminal report: final values and paired differences.

    Args:
        result: Output of ``run_experiment``.
        outcomes: Outcomes to show (absent ones are skipped).
        lang: ``en`` or ``zh`` (labels and sentences; scenario names as they are).

    Returns:
        Plain text, one block per outcome.
    """
    summary = result.summary
    months = sorted({int(s.parameters.months) for s in result.scenarios})
    n = int(result.frame["replication"].nunique())
    names = [s.name for s in result.scenarios]
    baseline = names[0]
    rows: list[tuple[str, str, str, str]] = []
    from sim.reporting import i18n

    lines = [
        i18n.t(
            "term_header", lang, months=", ".join(map(str, months)), n=n, s="s" if n != 1 else ""
        ),
    ]
    if result.paired is not None:
        lines.append(i18n.t("term_differences", lang, baseline=baseline))
    if n < 2:
        lines.append(i18n.t("term_one_rep", lang))
    shown = [o for o in outcomes if o in set(summary["outcome"])]
    width = max(len(x) for x in [*names, *(f"{x} − {baseline}" for x in names)]) + 2
    for outcome in shown:
        part = summary[summary["outcome"] == outcome].set_index("scenario")
        label, unit = part["label"].iloc[0], part["unit"].iloc[0]
        if lang != "en":
            label, unit = i18n.outcome_label(outcome, lang), i18n.outcome_unit(outcome, lang)
        rows = []
        for name in names:
            r = part.loc[name]
            rows.append((name, _num(r["mean"]), _interval(r["ci_low"], r["ci_high"]), ""))
        if result.paired is not None:
            diff = result.paired[result.paired["outcome"] == outcome].set_index("scenario")
            for name in names[1:]:
                d = diff.loc[name]
                rows.append(
                    (
                        f"{name} − {baseline}",
                        _num(d["mean_difference"]),
                        _interval(d["ci_low"], d["ci_high"]),
                        _p(d["p_value"]),
                    )
                )
        w_mean = max(len(r[1]) for r in rows)
        w_ci = max(len(r[2]) for r in rows)
        lines.append("")
        lines.append(i18n.label_with_unit(str(label), str(unit or ""), lang))
        for who, mean, ci, p in rows:
            lines.append(f"  {who:<{width}}{mean:>{w_mean}}  {ci:<{w_ci}}  {p}".rstrip())
    return "\n".join(lines)
