"""The folder of a sweep: its definition, design and streamed result parts.

Layout of a sweep folder::

    DIR/
      sweep.json      the sweep's definition and its hash (identifies the folder)
      sweep.yaml      copy of the sweep file as last run
      design.csv      one row per design point: point, reference, parameter values
      parts/          Parquet parts, one per finished batch of runs, written as
                      they finish: part-r<replication>-p<point>.parquet
      runs.csv, summary.csv, paired_differences.csv, [sensitivity.csv],
      manifest.json   written by ``sim.experiments.sweeps.runner.summarize_sweep``

Each part holds, per run, every month's outcomes with ``point``,
``replication``, ``seed``, the swept parameter values, ``month`` and ``final``
(True on the run's last month). A part is written under a temporary name
starting with a dot and renamed when complete (``os.replace``), so a killed
process never leaves a partial file that is read as a result; leftover
temporary files of processes that no longer run are removed when the sweep
resumes (``.NAME.PID.tmp``: a file of a live process, e.g. a ``summarize``
writing its tables, is left alone).

The process writing a sweep folder holds its lock (``.lock``,
``sim.experiments.folder_lock``) from :meth:`SweepStore.open` to
:meth:`SweepStore.close`: a second writer is refused with a message.
Every file is read through ``sim.experiments.inputs.folder_reads`` (regular files
inside the folder only, of a bounded size).

A run is identified by ``(point, replication)``. Running the same sweep into
the same folder skips finished runs; a folder holding a different sweep (a
different ``definition_hash``) is refused.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from sim.experiments.files import atomic_write as _atomic_write
from sim.experiments.folder_lock import LOCK_FILE, FolderLock
from sim.experiments.inputs.folder_reads import (
    FolderFileError,
    open_folder_file,
    read_folder_json,
    table_limit,
)
from sim.experiments.inputs.limits import shorten
from sim.experiments.inputs.reading import display_path
from sim.experiments.sweeps.definition import Sweep, SweepError
from sim.experiments.sweeps.designs import Design, salib_problem

#: Sub-folder of the streamed parts.
PARTS = "parts"

#: File identifying a sweep folder.
DEFINITION_FILE = "sweep.json"

#: Version of the folder layout.
STORE_VERSION = 1

#: A temporary file of ``atomic_write`` (``.NAME.PID.tmp``), with its writer's pid.
TEMPORARY = re.compile(r"^\..+\.(\d+)\.tmp$")

#: A write-test probe of ``sim.experiments.output_checks.check_writable``.
PROBE = re.compile(r"^\.write-test-\d+$")


def _litter(name: str) -> bool:
    """Files that do not make a folder "not empty": the lock, probes, temporary files."""
    return name == LOCK_FILE or bool(PROBE.match(name) or TEMPORARY.match(name))


def _running(pid: int) -> bool:
    """Whether a process with this id runs (a pid we may not signal is running)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return pid > 0
    return True


def write_text(path: Path, text: str) -> Path:
    """Write a text file atomically."""
    return _atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write a CSV file atomically (10 significant digits)."""
    return _atomic_write(path, lambda p: frame.to_csv(p, index=False, float_format="%.10g"))


class SweepStore:
    """Read and write one sweep folder.

    Args:
        root: The folder.
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.parts_dir = self.root / PARTS
        self.lock: FolderLock | None = None

    # ----------------------------------------------------------- opening

    @classmethod
    def open(cls, root: str | os.PathLike[str], sweep: Sweep, design: Design) -> SweepStore:
        """Create a sweep folder, or reopen one holding the same sweep.

        Args:
            root: The folder; created if missing.
            sweep: The sweep to run.
            design: Its design points.

        Returns:
            The store, locked (call :meth:`close` when done writing), with the
            temporary files of processes that no longer run removed.

        Raises:
            SweepError: If ``root`` is a file, a folder with other content, or a
                folder of a different sweep.
            FolderLockedError: If another process is writing the folder.
        """
        store = cls(root)
        path = store.root
        if path.exists() and not path.is_dir():
            raise SweepError(
                f"The sweep output {path} is a file, not a folder; choose another --out."
            )
        path.mkdir(parents=True, exist_ok=True)
        store.lock = FolderLock(path, "sweep folder").acquire()
        try:
            store._check_folder(sweep)
            store.parts_dir.mkdir(parents=True, exist_ok=True)
            store.remove_temporary()
            store.write_definition(sweep, design)
            write_csv(design.points, path / "design.csv")
        except BaseException:
            store.lock.release(remove=True)
            store.lock = None
            raise
        return store

    def close(self) -> None:
        """Release the folder's lock (taken by :meth:`open`)."""
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    def _check_folder(self, sweep: Sweep) -> None:
        """Refuse a folder holding other files, or another sweep."""
        path = self.root
        definition_path = path / DEFINITION_FILE
        if any(not _litter(child.name) for child in path.iterdir()):
            if not definition_path.is_file():
                raise SweepError(
                    f"The folder {path} is not empty and holds no {DEFINITION_FILE}, so it is "
                    "not a sweep folder; results are never written over other files. Choose "
                    "another --out or remove it."
                )
            stored = self.read_definition()
            if stored.get("definition_hash") != sweep.definition_hash:
                raise SweepError(
                    f"The folder {path} holds a different sweep "
                    f"(definition {str(stored.get('definition_hash'))[:12]}, this file "
                    f"{sweep.definition_hash[:12]}; {_differences(stored, sweep)}), so its runs "
                    "cannot be resumed. Choose another --out, or remove the folder to start over."
                )

    def read_definition(self) -> dict[str, Any]:
        """Return the content of ``sweep.json``."""
        path = self.root / DEFINITION_FILE
        try:
            record = read_folder_json(path, folder=self.root)
        except (OSError, ValueError) as exc:
            raise SweepError(
                f"The sweep folder {self.root} has an unreadable {DEFINITION_FILE} "
                f"({shorten(str(exc), 200)}); it is not a sweep folder this program can use."
            ) from None
        if not isinstance(record, dict):
            raise SweepError(
                f"The sweep folder {self.root} has a {DEFINITION_FILE} holding a JSON "
                f"{type(record).__name__}, not a mapping; it is not a sweep folder this program "
                "can use. Choose another --out, or remove the folder to start over."
            )
        return record

    def write_definition(self, sweep: Sweep, design: Design) -> None:
        """Write ``sweep.json`` and ``sweep.yaml`` (summary settings may change on resume)."""
        record = {
            "store_version": STORE_VERSION,
            "name": sweep.name,
            "file": display_path(sweep.path),
            "file_sha256": sweep.file_hash,
            "definition_hash": sweep.definition_hash,
            "definition": sweep.definition(),
            "description": sweep.description,
            "scenario": {
                "path": display_path(sweep.scenario.path),
                "description": sweep.scenario.description,
                "source": sweep.scenario.source,
            },
            "levers": list(sweep.levers),
            "uncertainties": list(sweep.uncertainties),
            "parameters": list(sweep.parameter_names),
            "fixed": sweep.fixed,
            "outcomes": list(sweep.outcomes),
            "points": design.n_points,
            "design_points": design.n_design,
            "reference_point": design.reference,
            "replications": sweep.replications,
            "root_seed": sweep.root_seed,
            "seeds": sweep.seeds,
            "salib_problem": None,
        }
        if design.samples is not None:
            record["salib_problem"] = salib_problem(sweep)
        text = json.dumps(record, indent=2, ensure_ascii=False, allow_nan=False)
        write_text(self.root / DEFINITION_FILE, text + "\n")
        write_text(self.root / "sweep.yaml", sweep.text)
        if design.samples is not None:
            samples = pd.DataFrame(design.samples, columns=list(sweep.parameter_names))
            samples.insert(0, "point", range(len(samples)))
            _atomic_write(
                self.root / "design_samples.parquet",
                lambda p: samples.to_parquet(p, index=False),
            )

    # ------------------------------------------------------------- parts

    def remove_temporary(self) -> int:
        """Delete temporary files left by killed writers; return how many.

        Only ``atomic_write``'s files (``.NAME.PID.tmp``) and write-test
        probes. In ``parts/`` every one: only the holder of the folder's lock
        writes parts, so the others are a killed writer's. In the folder
        itself only those of this process or of a process that no longer
        runs: a ``summarize`` of the folder (which takes no lock) may be
        writing its tables there.
        """
        count = 0
        for folder in (self.root, self.parts_dir):
            if not folder.is_dir():
                continue
            for path in folder.iterdir():
                match = TEMPORARY.match(path.name)
                pid = int(match.group(1)) if match else None
                if pid is None and PROBE.match(path.name):
                    pid = int(path.name.rsplit("-", 1)[1])
                if pid is None:
                    continue
                if folder == self.root and pid != os.getpid() and _running(pid):
                    continue
                if path.is_file() and not path.is_symlink():
                    path.unlink(missing_ok=True)
                    count += 1
        return count

    def part_files(self) -> list[Path]:
        """Finished parts, sorted by name (temporary files are never listed)."""
        if not self.parts_dir.is_dir():
            return []
        return sorted(
            p
            for p in self.parts_dir.iterdir()
            if p.suffix == ".parquet" and not p.name.startswith((".", "_"))
        )

    def write_part(self, table: pa.Table) -> Path:
        """Write one batch of finished runs as a part, atomically.

        Args:
            table: Rows of the runs (``point`` and ``replication`` columns first).

        Returns:
            The part's path, named after the batch's first run.
        """
        rep = table.column("replication")[0].as_py()
        point = table.column("point")[0].as_py()
        path = self.parts_dir / f"part-r{rep:05d}-p{point:07d}.parquet"
        return _atomic_write(path, lambda p: pq.write_table(table, p, compression="zstd"))

    def dataset(self) -> ds.Dataset | None:
        """All finished parts as one pyarrow dataset (``None`` when there are none).

        Handy for ad-hoc queries of the time series. The summaries read the
        parts one by one instead (``scan``): a dataset scan over hundreds of
        files holds memory in proportion to their number.
        """
        files = self.part_files()
        if not files:
            return None
        return ds.dataset([str(f) for f in files], format="parquet")

    def scan(
        self,
        columns: list[str] | None = None,
        *,
        final_only: bool = True,
        points: list[int] | None = None,
    ) -> pa.Table | None:
        """Read the parts one at a time, keeping only the rows asked for.

        Memory holds one part plus the rows kept, whatever the number of parts.

        Args:
            columns: Columns to return (default all).
            final_only: Keep only each run's final month.
            points: Keep only these design points (default all).

        Returns:
            The rows, or ``None`` when there are no parts.

        Raises:
            SweepError: If a part cannot be read (it names the file).
        """
        wanted = None
        if columns is not None:
            wanted = list(dict.fromkeys([*columns, *(["final"] if final_only else [])]))
            wanted += ["point"] if points is not None and "point" not in wanted else []
        keep = None if points is None else pa.array(sorted(set(points)), type=pa.int64())
        tables = []
        limit = table_limit()
        for path in self.part_files():
            try:
                with open_folder_file(path, limit, self.root) as handle:
                    table = pq.read_table(handle, columns=wanted, use_threads=False)
            except (pa.ArrowInvalid, OSError, FolderFileError) as exc:
                raise SweepError(
                    f"The result part {shorten(str(path), 200)} cannot be read "
                    f"({shorten(str(exc), 200)}); it was not written by this program or was "
                    "damaged. Delete it and run the sweep again: its runs will be made again."
                ) from None
            if final_only:
                table = table.filter(table.column("final"))
            if keep is not None:
                table = table.filter(pc.is_in(table.column("point"), value_set=keep))
            if columns is not None:
                table = table.select(columns)
            tables.append(table)
        return pa.concat_tables(tables) if tables else None

    def finished(self) -> set[tuple[int, int]]:
        """``(point, replication)`` of every finished run."""
        table = self.scan(["point", "replication"])
        if table is None:
            return set()
        points = table.column("point").to_pylist()
        reps = table.column("replication").to_pylist()
        return set(zip(points, reps, strict=True))

    def read_final(self, columns: list[str] | None = None) -> pd.DataFrame:
        """Final-month rows of every finished run, sorted by point and replication.

        Only the final rows are kept, so memory does not grow with the length
        of the runs.

        Args:
            columns: Columns to read (default all).

        Returns:
            One row per run.
        """
        table = self.scan(columns)
        if table is None:
            return pd.DataFrame()
        frame = table.to_pandas()
        frame = frame.sort_values(["point", "replication"], kind="stable")
        return frame.drop_duplicates(["point", "replication"]).reset_index(drop=True)

    def read_timeseries(self, points: list[int] | None = None) -> pd.DataFrame:
        """Every month of the runs at some points (default all), sorted.

        Args:
            points: Design point ids to read; ``None`` reads every run (large).

        Returns:
            Tidy frame: one row per run and month.
        """
        table = self.scan(final_only=False, points=points)
        if table is None:
            return pd.DataFrame()
        frame = table.to_pandas()
        return frame.sort_values(["point", "replication", "month"], kind="stable").reset_index(
            drop=True
        )


def _differences(stored: dict[str, Any], sweep: Sweep) -> str:
    old = stored.get("definition") or {}
    new = sweep.definition()
    keys = [k for k in new if old.get(k) != new.get(k)]
    if not keys:
        return "the definitions differ"
    return "they differ in " + ", ".join(f"'{k}'" for k in keys)
