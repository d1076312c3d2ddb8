"""Checks of a sweep folder before it is summarized: its definition, design and parts.

``summarize`` (and ``sim.summarize_sweep``) read what ``run.py sweep`` wrote.
:func:`check_sweep_folder` makes sure the folder holds that: a ``sweep.json``
mapping with the expected entries and types, a ``design.csv`` with a
``point`` column and a numeric column per swept parameter, and result parts
whose columns are those of this sweep. Otherwise it raises a
:class:`~sim.experiments.sweeps.definition.SweepError` naming the file and
what is wrong. Every file is opened only if it is a regular file inside the
folder and not too large (``sim.experiments.inputs.folder_reads``): a FIFO, a
device or a link leading out of the folder is refused at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.experiments.inputs.folder_reads import (
    FolderFileError,
    open_folder_file,
    read_folder_json,
    table_limit,
)
from sim.experiments.inputs.limits import MAX_INPUT_BYTES, shorten
from sim.experiments.sweeps.definition import SweepError

#: Entries of ``sweep.json`` that summaries use, with their types.
DEFINITION_ENTRIES: dict[str, type | tuple[type, ...]] = {
    "parameters": list,
    "outcomes": list,
    "points": int,
    "replications": int,
    "reference_point": int,
}

#: Columns every result part holds besides the parameters and outcomes.
PART_COLUMNS: tuple[str, ...] = ("point", "replication", "seed", "final")

_NOT_SWEEP = "it is not a folder written by 'run.py sweep' (or it was damaged)"


def check_sweep_folder(out: Path) -> dict[str, Any]:
    """Check a sweep folder; return its definition (``sweep.json``).

    Args:
        out: The folder.

    Returns:
        The content of ``sweep.json``.

    Raises:
        SweepError: If ``sweep.json``, ``design.csv`` or a part is not what
            ``run.py sweep`` writes.
    """
    record = _definition(out / "sweep.json", out)
    _design(out / "design.csv", record, out)
    _parts(out / "parts", record, out)
    return record


def _fail(path: Path, problem: str) -> SweepError:
    return SweepError(f"{shorten(str(path), 200)}: {problem}; {_NOT_SWEEP}.")


def _definition(path: Path, out: Path) -> dict[str, Any]:
    try:
        record = read_folder_json(path, 20 * MAX_INPUT_BYTES, out)
    except FolderFileError as exc:
        raise _refused(exc) from None
    except OSError as exc:
        raise _fail(path, f"cannot be read ({shorten(str(exc), 120)})") from None
    if not isinstance(record, dict):
        raise _fail(path, f"holds a JSON {type(record).__name__}, not a mapping")
    for key, kind in DEFINITION_ENTRIES.items():
        value = record.get(key)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise _fail(path, f"the entry '{key}' is missing or not a {_kind(kind)}")
    for key in ("parameters", "outcomes"):
        if not all(isinstance(v, str) for v in record[key]) or not record[key]:
            raise _fail(path, f"the entry '{key}' must be a non-empty list of names")
    if record["points"] < 1 or record["replications"] < 1:
        raise _fail(path, "'points' and 'replications' must be at least 1")
    if not 0 <= record["reference_point"] < record["points"]:
        raise _fail(path, "'reference_point' is not one of the design points")
    return record


def _kind(kind: type | tuple[type, ...]) -> str:
    return {list: "list", int: "whole number", dict: "mapping"}.get(kind, "value")  # type: ignore[arg-type]


def _refused(exc: FolderFileError) -> SweepError:
    return SweepError(f"{exc}; {_NOT_SWEEP}.")


def _design(path: Path, record: dict[str, Any], out: Path) -> None:
    try:
        with open_folder_file(path, table_limit(), out) as handle:
            design = pd.read_csv(handle, nrows=record["points"] + 1)
    except FolderFileError as exc:
        raise _refused(exc) from None
    except (OSError, ValueError) as exc:
        raise _fail(path, f"cannot be read as a table ({shorten(str(exc), 120)})") from None
    needed = ["point", *record["parameters"]]
    missing = [c for c in needed if c not in design.columns]
    if missing:
        raise _fail(path, f"the columns {', '.join(missing[:5])} are missing")
    for column in needed:
        if not pd.api.types.is_numeric_dtype(design[column]) or design[column].isna().any():
            raise _fail(path, f"the column '{column}' holds values that are not numbers")


def _parts(folder: Path, record: dict[str, Any], out: Path) -> None:
    needed = {*PART_COLUMNS, *record["parameters"], *record["outcomes"]}
    try:
        parts = sorted(folder.glob("part-*.parquet")) if folder.is_dir() else []
    except OSError as exc:
        raise _fail(folder, f"cannot be listed ({exc.strerror})") from None
    limit = table_limit()
    for part in parts:
        try:
            with open_folder_file(part, limit, out) as handle:
                schema = pq.read_schema(handle)
        except FolderFileError as exc:
            raise SweepError(
                f"The result part {exc}; it was not written by this program. Remove it and "
                "resume the sweep (its runs will be made again)."
            ) from None
        except (pa.ArrowException, OSError) as exc:
            raise SweepError(
                f"The result part {shorten(str(part), 200)} cannot be read "
                f"({shorten(str(exc), 120)}); it was not written by this program or was "
                "damaged. Delete it and run the sweep again: its runs will be made again."
            ) from None
        missing = sorted(needed - set(schema.names))
        if missing:
            raise SweepError(
                f"The result part {shorten(str(part), 200)} lacks the columns "
                f"{', '.join(missing[:5])}: it belongs to another sweep or table. Remove it "
                "from the folder (its runs will be made again when the sweep is resumed)."
            )
        for column in ("point", "replication", "final"):
            kind = schema.field(column).type
            good = pa.types.is_boolean(kind) if column == "final" else pa.types.is_integer(kind)
            if not good:
                raise SweepError(
                    f"The result part {shorten(str(part), 200)}: the column '{column}' has "
                    f"type {kind}; {_NOT_SWEEP}. Remove the part and resume the sweep."
                )
