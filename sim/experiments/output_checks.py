"""The output location of a command, tested for writing before anything runs.

A simulation that has run for an hour must not fail because its results
cannot be written. :func:`check_writable` tries what writing will need (every
name short enough, the folder created, a file written and removed in it) and
raises :class:`OutputLocationError`, naming the location, what went wrong and
what is allowed, before any run starts.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from sim.experiments.inputs.limits import MAX_PATH_CHARS, os_problem, shorten

#: Longest name of one file or folder (bytes, as most file systems allow).
MAX_NAME_BYTES = 255


class OutputLocationError(ValueError):
    """Results cannot be written to the chosen location."""


def check_writable(path: str | os.PathLike[str], option: str = "--out", keep: bool = False) -> Path:
    """Create ``path`` and write a test file in it; remove what was created unless ``keep``.

    Args:
        path: The folder results will be written to.
        option: The command-line option that chose it, for messages.
        keep: Leave the folder in place (a sweep folder is created at once);
            otherwise only folders this call created are removed again, so a
            run that then fails leaves nothing behind.

    Returns:
        The path.

    Raises:
        OutputLocationError: If the path is too long, a name in it is too
            long, a part of it is a file, or the folder cannot be created or
            written to (read-only, permission denied, no space left).
    """
    folder = Path(path)
    shown = shorten(str(folder), 160)
    if len(str(folder)) > MAX_PATH_CHARS or "\0" in str(folder):
        raise OutputLocationError(
            f"{option} {shown}: the path is {len(str(folder)):,} characters long or holds a NUL "
            f"character; at most {MAX_PATH_CHARS:,} characters are allowed."
        )
    for name in folder.parts:
        if len(os.fsencode(name)) > MAX_NAME_BYTES:
            raise OutputLocationError(
                f"{option} {shown}: the name '{shorten(name, 60)}' is {len(os.fsencode(name))} "
                f"bytes long; a file or folder name may have at most {MAX_NAME_BYTES}. Nothing "
                "was run."
            )
    created = _missing_folders(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not folder.is_dir():
            raise NotADirectoryError(20, "not a folder", str(folder))
        probe = folder / f".write-test-{os.getpid()}"
        try:
            with open(probe, "wb") as handle:
                handle.write(b"0" * 4096)
                handle.flush()
                os.fsync(handle.fileno())
        finally:  # a full disk fails the write after the probe was created: remove it too
            with contextlib.suppress(OSError):
                probe.unlink()
    except OSError as exc:
        _remove(created)
        raise OutputLocationError(
            f"{option} {shown}: results cannot be written there ({os_problem(exc)}); nothing "
            "was run. Choose a folder you can write to, e.g. under results/."
        ) from None
    if not keep:
        _remove(created)
    return folder


def _missing_folders(folder: Path) -> list[Path]:
    """The folders ``mkdir(parents=True)`` would create, deepest first."""
    missing = []
    current = folder
    with contextlib.suppress(OSError):
        while not current.exists() and current != current.parent:
            missing.append(current)
            current = current.parent
    return missing


def _remove(folders: list[Path]) -> None:
    for created in folders:
        with contextlib.suppress(OSError):
            created.rmdir()
