"""Provenance of a results folder: what was run, how, and with which code.

``build_manifest`` returns a JSON-ready dict that ``sim.experiments.replications.write_results``
saves as ``manifest.json``. It records enough to reproduce every number in the
folder: the scenarios with their resolved parameters, the seeds, the command
line, the Python and package versions and the git commit of the code. It
deliberately records no host name, user name or path outside the project.
"""

from __future__ import annotations

import datetime as _dt
import platform
import subprocess
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

#: Folder holding ``run.py``, ``sim/`` and ``scenarios/``.
PROJECT_ROOT = Path(__file__).resolve().parents[2]

#: Packages whose versions are recorded.
PACKAGES = ("mesa", "numpy", "pandas", "plotly", "pyarrow", "pydantic", "scipy")

#: Version of the manifest layout.
MANIFEST_VERSION = 1


def package_versions(packages: Sequence[str] = PACKAGES) -> dict[str, str]:
    """Return the installed version of each package.

    Args:
        packages: Distribution names.

    Returns:
        Name to version string; ``"not installed"`` for a missing package.
    """
    versions = {}
    for name in packages:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def git_info(root: Path = PROJECT_ROOT) -> dict[str, Any]:
    """Return the git commit of the code and whether the work tree has changes.

    Args:
        root: Folder inside the git work tree.

    Returns:
        ``{"commit": <sha or "unknown">, "dirty": <bool or "unknown">}``. The
        tree is dirty when tracked files differ from the commit or untracked,
        not ignored files exist.
    """

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()

    try:
        commit = git("rev-parse", "HEAD")
    except (OSError, subprocess.SubprocessError):
        return {"commit": "unknown", "dirty": "unknown"}
    try:
        dirty: bool | str = bool(git("status", "--porcelain"))
    except (OSError, subprocess.SubprocessError):
        dirty = "unknown"
    return {"commit": commit, "dirty": dirty}


def _relative(path: Any) -> str | None:
    """Path relative to the project root when inside it, else as given."""
    if path is None:
        return None
    p = Path(path)
    try:
        return p.resolve().relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return str(path)


def _jsonable(value: Any) -> Any:
    """Convert tuples, paths, numpy scalars and mappings to JSON types."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "item") and callable(value.item):  # numpy scalar
        return value.item()
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def scenario_record(scenario: Any) -> dict[str, Any]:
    """Return the manifest entry of one scenario.

    Args:
        scenario: A ``sim.experiments.scenarios.Scenario``.

    Returns:
        Name, path (relative to the project), description, source, resolved
        parameters, overrides and policy changes.
    """
    if callable(getattr(scenario, "manifest", None)):
        record = _jsonable(scenario.manifest())
    else:
        record = {
            "name": scenario.name,
            "path": _relative(getattr(scenario, "path", None)),
            "description": getattr(scenario, "description", ""),
            "source": getattr(scenario, "source", ""),
            "overrides": _jsonable(dict(getattr(scenario, "overrides", {}) or {})),
            "policy_changes": [
                {"month": _jsonable(month), "parameters": _jsonable(dict(changes))}
                for month, changes in getattr(scenario, "policy_changes", ()) or ()
            ],
        }
    record["parameters"] = _jsonable(scenario.parameters.model_dump())
    return record


def build_manifest(
    scenarios: Sequence[Any],
    *,
    root_seed: int,
    seeds: Sequence[int],
    replications: int,
    argv: Sequence[str] | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Return the provenance record of an experiment.

    Args:
        scenarios: The scenarios run, baseline first.
        root_seed: Seed of the ``numpy.random.SeedSequence`` the run seeds come from.
        seeds: Seed of each replication, in replication order.
        replications: Number of replications of each scenario.
        argv: Command line; defaults to ``sys.argv``.
        extra: More entries to record (e.g. elapsed time, file list).

    Returns:
        A JSON-serializable dict.
    """
    months = sorted({int(s.parameters.months) for s in scenarios})
    manifest: dict[str, Any] = {
        "manifest_version": MANIFEST_VERSION,
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "scenarios": [scenario_record(s) for s in scenarios],
        "baseline": scenarios[0].name if scenarios else None,
        "replications": int(replications),
        "months": months[0] if len(months) == 1 else months,
        "seeds": {
            "root_seed": int(root_seed),
            "method": "numpy.random.SeedSequence(root_seed).spawn(replications); "
            "seed = child.generate_state(1)[0]; replication r uses seeds[r] in every scenario",
            "replication_seeds": [int(s) for s in seeds],
        },
        "command": [str(a) for a in (sys.argv if argv is None else argv)],
        "python": platform.python_version(),
        "platform": platform.system(),
        "packages": package_versions(),
        "git": git_info(),
    }
    if extra:
        manifest.update(_jsonable(extra))
    return manifest
