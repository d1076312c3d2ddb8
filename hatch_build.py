"""Hatch build hook: write the commit a wheel is built from into the package.

An installed copy has no git checkout, so ``sim.experiments.provenance``
reads the commit from ``sim/experiments/_build_info.py``, which this hook
generates into the wheel (and the sdist) when the build runs in a checkout.
It is enabled by ``[tool.hatch.build.hooks.custom]`` in ``pyproject.toml``;
the file is never written into the source tree.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

TARGET = "sim/experiments/_build_info.py"


def _git(root: str, *args: str) -> str | None:
    try:
        return subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None


class CustomBuildHook(BuildHookInterface):
    """Add ``sim/experiments/_build_info.py`` with ``COMMIT`` and ``DIRTY``."""

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Write the record into a temporary file and include it in the build."""
        if (Path(self.root) / TARGET).is_file():  # building from an sdist: keep its record
            return
        commit = _git(self.root, "rev-parse", "HEAD")
        if not commit or Path(_git(self.root, "rev-parse", "--show-toplevel") or "") != Path(
            self.root
        ):
            return
        dirty = bool(_git(self.root, "status", "--porcelain"))
        folder = Path(tempfile.mkdtemp(prefix="egov-build-info-"))
        record = folder / "_build_info.py"
        record.write_text(
            '"""Written by hatch_build.py when this package was built."""\n\n'
            f"COMMIT = {commit!r}\nDIRTY = {dirty!r}\n",
            encoding="utf-8",
        )
        build_data.setdefault("force_include", {})[str(record)] = TARGET
