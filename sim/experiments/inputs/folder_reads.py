"""Reading the files of a results or sweep folder without hanging or exhausting memory.

A results folder is written by this program, but the folder given to
``report``, ``summarize`` or ``discover`` may hold anything: a ``design.csv``
that is a FIFO (a plain ``open`` waits for a writer for ever), a link to
``/dev/zero`` (read without end), or a manifest of hundreds of megabytes.
:func:`open_folder_file` opens a file only when it is a regular file inside
the folder (a link leading out of it is refused) and not larger than a
limit; a FIFO is opened without blocking (``O_NONBLOCK``) and refused at
once. Every reader of a results or sweep folder goes through it.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from sim.experiments.inputs.limits import available_memory, file_type, shorten

#: Largest JSON file read from a folder (``manifest.json``, ``sweep.json``...).
#: A sweep's manifest with 100,000 seeds is about 2 MB.
MAX_JSON_BYTES = 50_000_000

#: Largest text file read whole (``sweep.yaml``): an input file is at most 1 MB.
MAX_TEXT_BYTES = 2_000_000


class FolderFileError(ValueError):
    """A file of a results or sweep folder is not a regular file of a sane size."""


def table_limit() -> int:
    """Largest table file read (bytes): the memory available to this process."""
    return available_memory()


def check_folder_file(path: Path, limit: int, folder: Path | None = None) -> os.stat_result:
    """Check that ``path`` is a regular file inside ``folder`` of at most ``limit`` bytes.

    Args:
        path: The file.
        limit: Largest size allowed, in bytes.
        folder: The folder it must stay in (a link leading elsewhere is
            refused); default the file's own folder.

    Returns:
        The file's status.

    Raises:
        FileNotFoundError: If it does not exist.
        FolderFileError: If it is a link out of the folder, not a regular
            file, or too large.
    """
    _check_inside(path, folder if folder is not None else path.parent)
    info = path.stat()
    _check_status(path, info, limit)
    return info


@contextlib.contextmanager
def open_folder_file(path: Path, limit: int, folder: Path | None = None) -> Iterator[IO[bytes]]:
    """Open a file of a results or sweep folder for reading, refusing what could hang.

    The file is opened with ``O_NONBLOCK`` (a FIFO does not wait for a
    writer) and checked on the open descriptor (``fstat``), so what is read
    is what was checked.

    Args:
        path: The file.
        limit: Largest size allowed, in bytes.
        folder: The folder it must stay in (default its own folder).

    Yields:
        The open binary file.

    Raises:
        FileNotFoundError: If it does not exist.
        FolderFileError: If it is a link out of the folder, not a regular
            file, or larger than ``limit``.
        OSError: If it cannot be opened.
    """
    _check_inside(path, folder if folder is not None else path.parent)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        _check_status(path, os.fstat(fd), limit)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        handle = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with handle:
        yield handle


def read_folder_bytes(path: Path, limit: int, folder: Path | None = None) -> bytes:
    """The content of a file of a folder (see :func:`open_folder_file`), at most ``limit``."""
    with open_folder_file(path, limit, folder) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:  # it grew while being read
        raise FolderFileError(f"{shorten(str(path), 200)} holds more than {limit:,} bytes")
    return data


def read_folder_text(path: Path, limit: int = MAX_TEXT_BYTES, folder: Path | None = None) -> str:
    """A UTF-8 text file of a folder (see :func:`open_folder_file`)."""
    try:
        return read_folder_bytes(path, limit, folder).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FolderFileError(
            f"{shorten(str(path), 200)} is not UTF-8 text (byte {exc.start})"
        ) from None


def read_folder_json(path: Path, limit: int = MAX_JSON_BYTES, folder: Path | None = None) -> Any:
    """A JSON file of a folder (see :func:`open_folder_file`).

    Raises:
        FolderFileError: As :func:`open_folder_file`, or if it is not JSON.
    """
    try:
        return json.loads(read_folder_bytes(path, limit, folder))
    except ValueError as exc:
        if isinstance(exc, FolderFileError):
            raise
        raise FolderFileError(
            f"{shorten(str(path), 200)} cannot be read as JSON ({shorten(str(exc), 120)})"
        ) from None
    except RecursionError:
        raise FolderFileError(f"{shorten(str(path), 200)} is nested too deeply") from None


def _check_inside(path: Path, folder: Path) -> None:
    """Refuse a path whose real location is outside ``folder`` (a link leading out)."""
    try:
        real = Path(os.path.realpath(path))
        home = Path(os.path.realpath(folder))
    except (OSError, ValueError):  # pragma: no cover - realpath does not fail on Linux
        return
    if not real.is_relative_to(home):
        raise FolderFileError(
            f"{shorten(str(path), 200)} is a link leading out of its folder (to "
            f"{shorten(str(real), 120)}); a results folder holds its own files"
        )


def _check_status(path: Path, info: os.stat_result, limit: int) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise FolderFileError(
            f"{shorten(str(path), 200)} is {file_type(info.st_mode)}, not a regular file"
        )
    if info.st_size > limit:
        raise FolderFileError(
            f"{shorten(str(path), 200)} is {info.st_size:,} bytes, more than the {limit:,} "
            "a file of this kind may have"
        )
