"""Checks of a results folder before its report is written.

``report`` reads what ``run.py run``/``compare`` wrote. :func:`check_results`
makes sure the manifest and tables are that: a ``manifest.json`` mapping
whose ``scenarios`` list names each scenario, tables with the expected
columns, and numbers where numbers belong. Otherwise it raises a
``ValueError`` subclass given by the caller, naming the file and what is
wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from sim.experiments.inputs.limits import shorten

#: Columns identifying a run in the time series and runs tables.
RUN_COLUMNS: tuple[str, ...] = ("scenario", "replication")

#: Columns of summary.csv and paired_differences.csv, and which hold numbers.
TABLE_COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "summary.csv": (("scenario", "outcome", "mean", "ci_low", "ci_high"), ("mean",)),
    "paired_differences.csv": (
        ("scenario", "baseline", "outcome", "mean_difference", "ci_low", "ci_high"),
        ("mean_difference",),
    ),
    "networks.parquet": (("scenario", "replication", "holder", "requester"), ("holder",)),
    "governments.parquet": (("scenario", "replication", "government"), ("government",)),
}


def check_results(
    folder: Path,
    manifest: Any,
    tables: Mapping[str, pd.DataFrame | None],
    error: type[ValueError],
) -> None:
    """Check a results folder's manifest and tables.

    Args:
        folder: The results folder.
        manifest: The content of ``manifest.json``.
        tables: ``timeseries``, ``runs.csv``, ``summary.csv``, ... as read
            (``None`` for a file that is absent).
        error: The exception to raise.

    Raises:
        error: For the first thing that is not as ``run.py`` writes it.
    """
    check_manifest(folder, manifest, error)
    check_tables(folder, tables, error)


def _failure(folder: Path, error: type[ValueError]) -> Any:
    def fail(name: str, problem: str) -> ValueError:
        return error(
            f"{shorten(str(folder / name), 200)}: {problem}; the folder is not a results folder "
            "written by 'run.py run' or 'run.py compare' (or it was damaged). For a sweep "
            "folder use 'run.py summarize'."
        )

    return fail


def check_manifest(folder: Path, manifest: Any, error: type[ValueError]) -> None:
    """Check the content of ``manifest.json`` (see :func:`check_results`)."""
    fail = _failure(folder, error)
    if not isinstance(manifest, dict):
        raise fail("manifest.json", f"holds a JSON {type(manifest).__name__}, not a mapping")
    scenarios = manifest.get("scenarios")
    if not isinstance(scenarios, list) or not scenarios:
        raise fail("manifest.json", "the entry 'scenarios' is missing or not a non-empty list")
    for record in scenarios:
        if not isinstance(record, dict) or not isinstance(record.get("name"), str):
            raise fail("manifest.json", "an entry of 'scenarios' is not a mapping with a 'name'")
    for key in ("replications", "months"):
        if key in manifest and (
            not isinstance(manifest[key], int) or isinstance(manifest[key], bool)
        ):
            raise fail("manifest.json", f"the entry '{key}' is not a whole number")
    if "files" in manifest and not isinstance(manifest["files"], dict | type(None)):
        raise fail("manifest.json", "the entry 'files' is not a mapping")
    for key in ("overrides", "parameters"):
        for record in scenarios:
            if key in record and not isinstance(record[key], dict | type(None)):
                raise fail("manifest.json", f"'{key}' of a scenario is not a mapping")
    if any(not isinstance(r.get("policy_changes", []), list) for r in scenarios):
        raise fail("manifest.json", "'policy_changes' of a scenario is not a list")


def check_tables(
    folder: Path, tables: Mapping[str, pd.DataFrame | None], error: type[ValueError]
) -> None:
    """Check the tables of a results folder (see :func:`check_results`)."""
    fail = _failure(folder, error)
    frame = tables.get("timeseries")
    if frame is None or frame.empty:
        raise fail("timeseries.parquet", "the time series is missing or empty")
    _columns(frame, (*RUN_COLUMNS, "month"), ("replication", "month"), "timeseries.parquet", fail)
    runs = tables.get("runs.csv")
    if runs is not None:
        _columns(runs, RUN_COLUMNS, ("replication",), "runs.csv", fail)
    for name, (needed, numeric) in TABLE_COLUMNS.items():
        table = tables.get(name)
        if table is not None:
            _columns(table, needed, numeric, name, fail)


def _columns(
    table: pd.DataFrame, needed: tuple[str, ...], numeric: tuple[str, ...], name: str, fail: Any
) -> None:
    missing = [c for c in needed if c not in table.columns]
    if missing:
        raise fail(name, f"the columns {', '.join(missing)} are missing")
    for column in numeric:
        if not pd.api.types.is_numeric_dtype(table[column]):
            raise fail(name, f"the column '{column}' holds values that are not numbers")
