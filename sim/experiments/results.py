"""The results folder of an experiment: where it goes, and writing tables into it.

A results folder is never written over: ``check_output_dir`` refuses a
folder that holds files, and every file is written atomically
(``sim.experiments.files.atomic_write``). What goes into the folder is
decided by ``sim.reporting.experiment_folder``.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from pathlib import Path

import pandas as pd

from sim.experiments.data_files import results_root
from sim.experiments.files import atomic_write

#: Default parent folder of results folders.
RESULTS_DIR = results_root()


#: Files ``write_results`` produces, with what each holds.
RESULT_FILES: dict[str, str] = {
    "timeseries.parquet": "every outcome, every month, every run (tidy; same as the CSV)",
    "timeseries.csv": "every outcome, every month, every run (tidy)",
    "runs.csv": "one row per run: scenario, replication, the seed of its model, its replica "
    "in that model and the model's batch_size (run.py rerun re-runs it from them), final "
    "value of every outcome",
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


def _slug(text: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.")
    return slug[:80] or "experiment"


def default_output_dir(name: str, root: Path = RESULTS_DIR, *, create: bool = False) -> Path:
    """Return a new, unused ``<root>/<YYYYmmdd-HHMMSS>-<name>`` path.

    Args:
        name: Short name of the experiment (made file-name safe).
        root: Parent folder.
        create: Take the name at once: create the folder with an exclusive
            ``mkdir`` (which fails if another process created it first) and
            try the next suffix on a clash, so commands started in the same
            second never share a folder. Without it the name is only free
            when this returns.

    Returns:
        A path that did not exist (a suffix ``-2``, ``-3``... is added on a
        clash); with ``create``, the new empty folder.
    """
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    base = root / f"{stamp}-{_slug(name)}"
    path, k = base, 2
    while True:
        if create:
            root.mkdir(parents=True, exist_ok=True)
            try:
                path.mkdir()
                return path
            except FileExistsError:
                pass
        elif not path.exists():
            return path
        path = base.with_name(f"{base.name}-{k}")
        k += 1


def _probe(name: str) -> bool:
    """A write-test probe (``.write-test-PID``) does not make a folder "not empty"."""
    return re.fullmatch(r"\.write-test-\d+", name) is not None


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
    if path.exists() and (not path.is_dir() or any(not _probe(c.name) for c in path.iterdir())):
        what = "a file" if not path.is_dir() else "a folder that is not empty"
        raise OutputExistsError(
            f"the output folder {path} already exists and is {what}; results are never "
            "written over earlier ones. Choose another --out or remove it."
        )
    return path


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write a table as CSV atomically (10 significant digits); return the path."""
    atomic_write(path, lambda p: frame.to_csv(p, index=False, float_format="%.10g"))
    return path


def write_parquet(frame: pd.DataFrame, path: Path) -> Path:
    """Write a table as Parquet atomically; return the path."""
    atomic_write(path, lambda p: frame.to_parquet(p, index=False))
    return path
