"""Opening an experiment file (discovery, calibration): the checks they share.

Each kind of file is found the same way (a path, or a bare name looked up in
its folder of examples), read by the strict YAML reader of sweep files, and
checked for unknown and missing top-level keys; errors name the kind of
file ("Discovery file ...", "Calibration file ..."), the line and the key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sim.experiments.inputs.limits import MAX_PATH_CHARS, shorten
from sim.experiments.inputs.reading import (
    SUFFIXES,
    did_you_mean,
    display_path,
    file_location,
    key_lines,
)
from sim.experiments.sweeps.definition import SweepError
from sim.experiments.sweeps.files import read_yaml


def relabel(exc: SweepError, kind: str, error: type[SweepError]) -> SweepError:
    """A sweep reader's message about a ``kind`` file, naming it as such."""
    message = str(exc)
    if message.startswith("Sweep file"):
        message = f"{kind} file" + message[len("Sweep file") :]
    return error(message)


def open_experiment_file(
    path: str | Path,
    *,
    kind: str,
    folder: Path,
    top_level_keys: Sequence[str],
    required_keys: Sequence[str],
    error: type[SweepError],
    hints: Mapping[str, str] | None = None,
) -> tuple[Path, str, Any]:
    """Find, read and check the top level of an experiment file.

    Args:
        path: The file, or the bare name of one in ``folder``.
        kind: What the file is, for messages (``Discovery``, ``Calibration``).
        folder: Where the example files of this kind are.
        top_level_keys: Keys allowed at the top level.
        required_keys: Keys the file must have.
        error: The exception to raise.
        hints: Extra words for a known wrong key (e.g. ``scenario`` in a
            discovery file).

    Returns:
        ``(path, text, mapping)``: the file found, its text, and the mapping read.

    Raises:
        SweepError: ``error``, one paragraph naming the file, line and key.
    """
    if len(str(path)) > MAX_PATH_CHARS or "\0" in str(path):
        raise error(
            f"{kind} file {shorten(str(path), 80)}: the path is too long or holds a NUL "
            f"character; at most {MAX_PATH_CHARS:,} characters are allowed."
        )
    path = Path(path)
    if not path.suffix and len(path.parts) == 1 and not path.exists():
        path = folder / f"{path}.yaml"
    if path.suffix not in SUFFIXES:
        raise error(f"{kind} file {display_path(path)} must end in .yaml or .yml.")
    if not path.is_file():
        names = sorted(p.name for p in folder.glob("*.y*ml")) if folder.is_dir() else []
        raise error(
            f"{kind} file {display_path(path)} does not exist. Example {kind.lower()} files in "
            f"{display_path(folder)}: {', '.join(names) or 'none'}."
        )
    try:
        text, data = read_yaml(path)
    except SweepError as exc:
        raise relabel(exc, kind, error) from None
    lines = key_lines(data)
    for key in data:
        if key not in top_level_keys:
            hint = (hints or {}).get(key, "")
            raise error(
                f"{file_location(kind, path, lines.get(key))}: unknown top-level key "
                f"'{key}'{hint}.{did_you_mean(key, top_level_keys)} The allowed keys are "
                f"{', '.join(top_level_keys)}."
            )
    for key in required_keys:
        if key not in data:
            raise error(
                f"{kind} file {display_path(path)}: the required key '{key}' is missing. A "
                f"{kind.lower()} file needs {', '.join(required_keys)}."
            )
    return path, text, data
