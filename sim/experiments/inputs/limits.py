"""Bounds on what a user can ask for: input files, run sizes, memory and time.

Input files (scenario and sweep files) must be regular files of at most
:data:`MAX_INPUT_BYTES`: a FIFO, a device (a ``.yaml`` link to ``/dev/zero``)
or a folder is refused before it is opened. The size of an experiment or a
sweep (runs, months, departments) is turned into an estimate of memory and
time (:func:`estimate`); :func:`check_fits` refuses what cannot fit in the
memory of this machine, with the estimate in the message.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

#: Largest scenario or sweep file read (a real one is a few kilobytes).
MAX_INPUT_BYTES = 1_000_000

#: Most replications of one command (a 95% CI needs tens; 100,000 is generous).
MAX_REPLICATIONS = 100_000

#: Most policy changes in one scenario file (at most one per month of a run).
MAX_POLICY_CHANGES = 1_000

#: Most design points of one sweep.
MAX_SWEEP_POINTS = 1_000_000

#: Longest path given on the command line or in a file (characters).
MAX_PATH_CHARS = 4_096

#: Bytes held per stored run-month (one row of every outcome, in memory and on disk).
BYTES_PER_RUN_MONTH = 600

#: Bytes of a model per department (agents, arrays, projects; measured, rounded up).
BYTES_PER_DEPARTMENT = 20_000

#: Seconds per department-month and per model-month (measured on one core, rounded up).
SECONDS_PER_DEPARTMENT_MONTH = 12e-6
SECONDS_PER_MODEL_MONTH = 2e-3

#: Estimated runs longer than this print their estimate before they start.
ANNOUNCE_SECONDS = 60.0

#: Estimated local runs longer than this (30 days) are refused.
MAX_SECONDS = 30 * 86_400.0


class InputFileError(ValueError):
    """An input file cannot be read: not a regular file, too large, or unreadable."""


class TooLargeError(ValueError):
    """A requested experiment or sweep cannot fit in this machine's memory."""


def read_input_file(path: Path, kind: str) -> str:
    """Read a scenario or sweep file as UTF-8 text, refusing what is not a small file.

    Args:
        path: The file.
        kind: What it is, for messages: ``"Scenario file"`` or ``"Sweep file"``.

    Returns:
        The text.

    Raises:
        InputFileError: If the path is too long, missing, not a regular file
            (a FIFO, a device, a folder), larger than :data:`MAX_INPUT_BYTES`,
            unreadable or not UTF-8. ``FileNotFoundError`` is raised as is, so
            that callers can list the files that exist.
    """
    shown = shorten(str(path), 200)
    if len(str(path)) > MAX_PATH_CHARS:
        raise InputFileError(
            f"{kind} {shown}: the path is {len(str(path)):,} characters long; at most "
            f"{MAX_PATH_CHARS:,} are allowed."
        )
    try:
        info = path.stat()
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise InputFileError(f"{kind} {shown} cannot be read ({os_problem(exc)}).") from None
    if not stat.S_ISREG(info.st_mode):
        raise InputFileError(
            f"{kind} {shown} is {file_type(info.st_mode)}, not a regular file; give the "
            "path of a .yaml file."
        )
    if info.st_size > MAX_INPUT_BYTES:
        raise InputFileError(
            f"{kind} {shown} is {info.st_size:,} bytes; at most {MAX_INPUT_BYTES:,} are "
            "allowed (scenario and sweep files are a few kilobytes)."
        )
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise InputFileError(f"{kind} {shown} cannot be read ({os_problem(exc)}).") from None
    if len(data) > MAX_INPUT_BYTES:
        raise InputFileError(
            f"{kind} {shown} holds more than {MAX_INPUT_BYTES:,} bytes; scenario and sweep "
            "files are a few kilobytes."
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputFileError(
            f"{kind} {shown} is not valid UTF-8 text (byte {exc.start}); save it as UTF-8."
        ) from None


def file_type(mode: int) -> str:
    """What a path that is not a regular file is, for messages (``a FIFO (named pipe)``)."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def os_problem(exc: OSError) -> str:
    """Describe an operating-system error in words, e.g. ``no space left on device``."""
    words = {
        errno.ENOSPC: "no space left on device",
        errno.EDQUOT: "disk quota exceeded",
        errno.EROFS: "read-only file system",
        errno.EACCES: "permission denied",
        errno.EPERM: "operation not permitted",
        errno.ENAMETOOLONG: "a name in the path is too long (at most 255 bytes per name)",
        errno.ENOTDIR: "a part of the path is a file, not a folder",
        errno.EISDIR: "it is a folder",
        errno.ENOENT: "no such file or folder",
        errno.ELOOP: "too many symbolic links",
    }
    return words.get(exc.errno or 0) or (exc.strerror or type(exc).__name__).lower()


def shorten(text: str, limit: int = 120) -> str:
    """Shorten ``text`` to at most ``limit`` characters by cutting out its middle."""
    text = str(text)
    if len(text) <= limit:
        return text
    keep = max(limit - 5, 2)
    return f"{text[: keep - keep // 2]} ... {text[-(keep // 2) :]}"


# ----------------------------------------------------------- run sizes


@dataclass(frozen=True)
class Estimate:
    """What an experiment or sweep is expected to need.

    Attributes:
        runs: Models to simulate.
        memory_bytes: Peak memory (results kept plus the models in flight).
        seconds: Time on the given number of workers.
    """

    runs: int
    memory_bytes: float
    seconds: float

    def describe(self) -> str:
        """Say the estimate in words, e.g. ``40 runs, about 1.2 GB and 3 minutes``."""
        return (
            f"{self.runs:,} run{'s' if self.runs != 1 else ''}, about "
            f"{_bytes(self.memory_bytes)} of memory and {_duration(self.seconds)}"
        )


def estimate(
    runs: int, months: int, departments: int, workers: int = 1, kept_months: int | None = None
) -> Estimate:
    """Estimate memory and time of ``runs`` models.

    Args:
        runs: Models to simulate.
        months: Months of each run.
        departments: Departments of each model (all governments together).
        workers: Models simulated at once.
        kept_months: Run-months held in memory at the end (default every
            month of every run; a sweep streams its results to disk).

    Returns:
        The estimate.
    """
    runs, months, departments, workers = (
        max(int(v), 1) for v in (runs, months, departments, workers)
    )
    kept = runs * months if kept_months is None else kept_months
    memory = kept * BYTES_PER_RUN_MONTH + min(workers, runs) * departments * BYTES_PER_DEPARTMENT
    per_run = months * (SECONDS_PER_MODEL_MONTH + departments * SECONDS_PER_DEPARTMENT_MONTH)
    seconds = runs * per_run / min(workers, runs)
    return Estimate(runs=runs, memory_bytes=float(memory), seconds=float(seconds))


def available_memory() -> int:
    """Bytes of memory available to a new process (MemAvailable; physical memory otherwise)."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (OSError, ValueError):
        return 8 * 1024**3


def check_fits(what: str, needed: Estimate, advice: str) -> None:
    """Refuse an experiment whose estimated memory (or time) exceeds what this machine has.

    Args:
        what: The request, e.g. ``"run with -r 1000000"``.
        needed: Its estimate.
        advice: What to lower, e.g. ``"lower -r or --months"``.

    Raises:
        TooLargeError: If the estimate is over the memory available, or over
            :data:`MAX_SECONDS`.
    """
    free = available_memory()
    if needed.memory_bytes > free:
        raise TooLargeError(
            f"{what} would need {needed.describe()}, but this machine has about "
            f"{_bytes(free)} of memory available; {advice}."
        )
    if needed.seconds > MAX_SECONDS:
        raise TooLargeError(
            f"{what} would need {needed.describe()}; runs of more than "
            f"{_duration(MAX_SECONDS)} on this machine are refused; {advice}."
        )


def _bytes(value: float) -> str:
    for unit, size in (("TB", 1024**4), ("GB", 1024**3), ("MB", 1024**2)):
        if value >= size:
            return f"{value / size:,.1f} {unit}"
    return f"{max(value / 1024, 0.1):,.1f} KB"


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(seconds, 1):.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} minutes"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} hours"
    return f"{seconds / 86400:,.0f} days"
