"""Writing files atomically: a killed or failed write leaves no partial file.

``atomic_write`` is used for every result, report and chart file
(results folders, sweep folders, validation tables and reports all use it).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any


def atomic_write(path: Path, write: Callable[[Path], Any]) -> Path:
    """Write a file through a temporary name in the same folder, then rename it.

    Args:
        path: Final file path.
        write: Function writing the content to the path it is given.

    Returns:
        ``path``. An interrupted write leaves no partial file behind.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
