"""Summarizing a sweep folder: final values, statistics per point, sensitivity.

``summarize_sweep`` reads only the final-month rows of a sweep folder's
parts (finished or not) and writes ``runs.csv``, ``summary.csv``,
``paired_differences.csv`` (each point against the reference point, same
seeds), ``sensitivity.csv`` (SALib's Sobol or Morris indices, once a sobol or
morris design is complete) and ``manifest.json``.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis import statistics
from sim.analysis.summaries import add_labels
from sim.experiments import provenance
from sim.experiments.inputs.folder_reads import (
    open_folder_file,
    read_folder_json,
    read_folder_text,
    table_limit,
)
from sim.experiments.inputs.limits import shorten
from sim.experiments.store import SweepStore, write_csv, write_text
from sim.experiments.sweeps.definition import SweepError
from sim.experiments.sweeps.folder_checks import check_sweep_folder
from sim.model.parameters import make_parameters

#: Files ``summarize_sweep`` writes, with what each holds.
SWEEP_FILES: dict[str, str] = {
    "sweep.json": "the sweep's definition, its hash, the seeds (identifies the folder)",
    "sweep.yaml": "copy of the sweep file",
    "design.csv": "one row per design point: point, reference flag, parameter values",
    "parts/": "Parquet parts: every month of every run, with point, replication, seed, "
    "parameters and a 'final' flag on the last month",
    "runs.csv": "one row per run: point, replication, seed, parameters, final outcomes",
    "summary.csv": "per design point and outcome: mean, sd, n and 95% CI over replications",
    "paired_differences.csv": "per design point vs the reference point and outcome: mean "
    "paired difference (same seeds), 95% CI and p-values",
    "sensitivity.csv": "sobol and morris designs: sensitivity indices of the mean final "
    "outcome (SALib)",
    "manifest.json": "provenance: sweep file and hash, design, seeds, command, versions, git",
    "report.html": "the report: outcomes against the swept parameters with CI bands, "
    "heatmaps, sensitivity bars",
    "report_zh.html": "the report in Chinese",
}


_CI_NOTE = (
    "95% t-based interval of the mean across replications: mean ± t(0.975, n-1)·sd/√n; "
    "paired differences are point minus reference point within each replication (same "
    "seed); p_value is the two-sided paired t-test, p_value_wilcoxon the Wilcoxon "
    "signed-rank test"
)


@dataclass(frozen=True)
class SweepSummary:
    """Summary tables of a sweep folder.

    Attributes:
        out_dir: The folder.
        record: Content of ``sweep.json``.
        design: ``design.csv``.
        runs: Final values, one row per finished run.
        summary: Per point and outcome statistics.
        paired: Paired differences from the reference point (``None`` if the
            reference point has no runs yet).
        sensitivity: Sensitivity indices (sobol and morris designs, once
            complete), else ``None``.
        finished: Runs finished.
        total: Runs in the sweep.
        files: File name to path of every file written.
    """

    out_dir: Path
    record: dict[str, Any]
    design: pd.DataFrame
    runs: pd.DataFrame
    summary: pd.DataFrame
    paired: pd.DataFrame | None
    sensitivity: pd.DataFrame | None
    finished: int
    total: int
    files: dict[str, Path]

    @property
    def complete(self) -> bool:
        """Whether every run of the sweep is finished."""
        return self.finished == self.total


def _with_parameters(table: pd.DataFrame, design: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    merged = table.merge(design[["point", *names]], on="point", how="left", validate="m:1")
    return merged[["point", *names, *[c for c in table.columns if c != "point"]]]


def summarize_sweep(
    out_dir: str | os.PathLike[str],
    *,
    argv: Sequence[str] | None = None,
    extra: dict[str, Any] | None = None,
) -> SweepSummary:
    """Summarize the finished runs of a sweep folder and write the tables.

    Reads only the final-month rows of the parts. Works on an unfinished sweep
    too (the summary then covers the runs finished so far).

    Args:
        out_dir: The sweep folder.
        argv: Command line for the manifest.
        extra: More manifest entries.

    Returns:
        The tables, also written as ``runs.csv``, ``summary.csv``,
        ``paired_differences.csv`` and (sobol and morris) ``sensitivity.csv``,
        then ``manifest.json``.

    Raises:
        SweepError: If the folder is not a sweep folder or holds no finished run.
    """
    out = Path(out_dir)
    store = SweepStore(out)
    if not (out / "sweep.json").is_file():
        raise SweepError(
            f"{out} is not a sweep folder (it has no sweep.json); give the folder a "
            "'run.py sweep' wrote (by default results/sweeps/<sweep file name>)."
        )
    record = check_sweep_folder(out)  # sweep.json, design.csv and parts as written
    names = list(record["parameters"])
    outcomes = list(record["outcomes"])
    design = _read_table(out, "design.csv")
    runs = store.read_final()
    if runs.empty:
        raise SweepError(f"The sweep folder {out} holds no finished run yet; nothing to summarize.")
    runs = runs.drop(columns=["final"])
    total = int(record["points"]) * int(record["replications"])
    files: dict[str, Path] = {}

    def target(name: str) -> Path:
        files[name] = out / name
        return out / name

    write_csv(runs, target("runs.csv"))
    summary = add_labels(statistics.summarize(runs, "point", outcomes))
    summary = _with_parameters(summary, design, names)
    write_csv(summary, target("summary.csv"))

    reference = int(record["reference_point"])
    paired = None
    if reference in set(runs["point"]) and runs["point"].nunique() > 1:
        table = statistics.paired_differences(runs, outcomes, reference, scenario_col="point")
        table = table.rename(columns={"scenario": "point", "baseline": "reference_point"})
        paired = _with_parameters(add_labels(table), design, names)
        write_csv(paired, target("paired_differences.csv"))
    else:
        (out / "paired_differences.csv").unlink(missing_ok=True)

    sensitivity = None
    if len(runs) == total:
        sensitivity = sensitivity_table(record, design, runs, out)
    if sensitivity is not None:
        write_csv(sensitivity, target("sensitivity.csv"))

    finished = len(runs)
    if extra is None:
        extra = _earlier_run(out)  # summarizing again keeps how the runs were made
    for page in ("report.html", "report_zh.html"):
        if (out / page).is_file():
            files[page] = out / page
    manifest = _manifest(record, out, finished, total, argv, files, extra)
    text = json.dumps(manifest, indent=2, ensure_ascii=False, allow_nan=False, default=str)
    write_text(target("manifest.json"), text + "\n")
    return SweepSummary(
        out, record, design, runs, summary, paired, sensitivity, finished, total, files
    )


def sensitivity_table(
    record: dict[str, Any], design: pd.DataFrame, runs: pd.DataFrame, out: Path
) -> pd.DataFrame | None:
    """SALib sensitivity indices of the mean final outcome per design point.

    Sobol: first-order (S1) and total (ST) indices with 95% confidence;
    Morris: mu, mu_star (with 95% confidence) and sigma. Outcomes undefined
    (NaN) at some point are left out. Grid and LHS designs return ``None``.

    Args:
        record: Content of ``sweep.json``.
        design: ``design.csv``.
        runs: Final values of every run (the sweep must be complete).
        out: The sweep folder (for ``design_samples.parquet``).

    Returns:
        Long table: ``outcome``, ``parameter``, ``index``, ``value``, ``conf``.
    """
    method = record["definition"]["design"]["method"]
    problem = record.get("salib_problem")
    if method not in ("sobol", "morris") or not problem:
        return None
    import warnings

    from SALib.analyze import morris as morris_analyze
    from SALib.analyze import sobol as sobol_analyze

    n_design = int(record["design_points"])
    means = runs[runs["point"] < n_design].groupby("point").mean(numeric_only=True)
    rows = []
    seed = int(record["root_seed"])
    options = record["definition"]["design"]
    for outcome in record["outcomes"]:
        y = means[outcome].reindex(range(n_design)).to_numpy(dtype=float)
        if not np.all(np.isfinite(y)) or np.ptp(y) == 0:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if method == "sobol":
                res = sobol_analyze.analyze(
                    problem, y, calc_second_order=options["second_order"], seed=seed
                )
                pairs = (("S1", "S1_conf"), ("ST", "ST_conf"))
            else:
                x = _read_table(out, "design_samples.parquet")[problem["names"]].to_numpy()
                res = morris_analyze.analyze(problem, x, y, num_levels=options["levels"], seed=seed)
                pairs = (("mu", None), ("mu_star", "mu_star_conf"), ("sigma", None))
        for i, name in enumerate(problem["names"]):
            for index, conf in pairs:
                rows.append(
                    {
                        "outcome": outcome,
                        "parameter": name,
                        "index": index,
                        "value": float(res[index][i]),
                        "conf": float(res[conf][i]) if conf else math.nan,
                    }
                )
    columns = ["outcome", "parameter", "index", "value", "conf"]
    return pd.DataFrame(rows, columns=columns)


def _read_table(out: Path, name: str) -> pd.DataFrame:
    """A table of the sweep folder, read only if it is a regular file inside it."""
    path = out / name
    try:
        with open_folder_file(path, table_limit(), out) as handle:
            if name.endswith(".parquet"):
                return pd.read_parquet(handle)
            return pd.read_csv(handle)
    except (OSError, ValueError) as exc:
        raise SweepError(
            f"{shorten(str(path), 200)} cannot be read ({shorten(str(exc), 200)}); the folder "
            "is not a sweep folder written by 'run.py sweep' (or it was damaged)."
        ) from None


def _sweep_text(out: Path) -> str | None:
    """``sweep.yaml`` as last run (``None`` if absent or not a small regular file)."""
    try:
        return read_folder_text(out / "sweep.yaml", folder=out)
    except (OSError, ValueError):
        return None


def record_file(out_dir: str | os.PathLike[str], name: str) -> None:
    """List a file written after the summary (e.g. ``report.html``) in ``manifest.json``."""
    path = Path(out_dir) / "manifest.json"
    manifest = read_folder_json(path, folder=Path(out_dir))
    files = manifest.setdefault("files", {})
    files[name] = SWEEP_FILES.get(name, "")
    text = json.dumps(manifest, indent=2, ensure_ascii=False, allow_nan=False, default=str)
    write_text(path, text + "\n")


def _earlier_run(out: Path) -> dict[str, Any] | None:
    """The ``run`` entry of the folder's manifest, if it has one."""
    try:
        earlier = read_folder_json(out / "manifest.json", folder=out)
    except (OSError, ValueError):
        return None
    return {"run": earlier["run"]} if isinstance(earlier, dict) and "run" in earlier else None


def _manifest(
    record: dict[str, Any],
    out: Path,
    finished: int,
    total: int,
    argv: Sequence[str] | None,
    files: dict[str, Path],
    extra: dict[str, Any] | None,
) -> dict[str, Any]:
    """The provenance record of a sweep folder, built by ``sim.experiments.provenance``."""
    definition = record["definition"]
    scenario_def = definition["scenario"]
    info = record.get("scenario", {})
    # The base scenario as run (its file may have changed since), for sim.experiments.provenance.
    scenario = SimpleNamespace(
        name=scenario_def["name"],
        path=info.get("path"),
        description=info.get("description", ""),
        source=info.get("source", ""),
        overrides=record.get("fixed", {}),
        parameters=make_parameters(**scenario_def["parameters"]),
        policy_changes=[(m, c) for m, c in scenario_def["policy_changes"]],
    )
    listed = {name: SWEEP_FILES[name] for name in ("sweep.json", "sweep.yaml", "design.csv")}
    listed["parts/"] = SWEEP_FILES["parts/"]
    listed.update({name: SWEEP_FILES[name] for name in files if name in SWEEP_FILES})
    listed["manifest.json"] = SWEEP_FILES["manifest.json"]
    seeds = [int(s) for s in record["seeds"]]
    manifest = provenance.build_manifest(
        [scenario],
        root_seed=int(record["root_seed"]),
        seeds=seeds,
        replications=int(record["replications"]),
        argv=argv,
        uses=provenance.SWEEP_PACKAGES,
        extra={
            "kind": "sweep",
            "sweep": {
                "name": record["name"],
                "file": record["file"],
                "file_sha256": record["file_sha256"],
                "definition_hash": record["definition_hash"],
                "description": record.get("description", ""),
                "text": _sweep_text(out),
            },
            "design": {
                **definition["design"],
                "levers": definition["levers"],
                "uncertainties": definition["uncertainties"],
                "points": int(record["points"]),
                "design_points": int(record["design_points"]),
                "reference_point": int(record["reference_point"]),
                "integer_rounding": "integer parameters are sampled on [low-0.5, high+0.5] "
                "and rounded to the nearest whole number",
            },
            "base_scenario": scenario_def,
            "outcomes": record["outcomes"],
            "seeds": {
                "root_seed": int(record["root_seed"]),
                "method": "numpy.random.SeedSequence(root_seed).spawn(replications); seed = "
                "child.generate_state(1)[0]; replication r uses seeds[r] at every design "
                "point (common random numbers); the seed of each run is also in runs.csv. "
                "With more than one run per model (see batch), replication r of consecutive "
                "points (ordered by months; each measured at its own) ran as the copies of "
                "one model seeded with seeds[r]",
                "replication_seeds": seeds,
                "design_seed": definition["design"].get("seed"),
            },
            "runs": {"total": total, "finished": finished, "complete": finished == total},
            "sweep_packages": provenance.package_versions(("salib", "dask", "distributed")),
            "files": listed,
            "confidence_interval": _CI_NOTE,
            **(extra or {}),
        },
    )
    return manifest
