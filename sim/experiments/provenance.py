"""Provenance of a results folder: what was run, how, and with which code.

``build_manifest`` returns a JSON-ready dict that ``sim.experiments.replications.write_results``
saves as ``manifest.json``. It records enough to reproduce every number in the
folder: the scenarios with their resolved parameters, the seeds, the command
line, the Python and package versions and the git commit of the code. It
deliberately records no host name, user name or path outside the project.
"""

from __future__ import annotations

import datetime as _dt
import json
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

#: Distribution name of this package (``pip install egov-governance-abm``).
DISTRIBUTION = "egov-governance-abm"

#: Optional libraries whose versions a command records when it uses them.
SWEEP_PACKAGES = ("salib", "dask", "distributed")
DISCOVERY_PACKAGES = ("salib", "ema-workbench", "scikit-learn", "dask", "distributed")
CALIBRATION_PACKAGES = ("pyabc",)


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

    In a git checkout of the project the commit is asked of git. An installed
    copy (no checkout around ``sim/``) has no git: its commit is the one it
    was built from, when known (``installed_commit``).

    Args:
        root: The project folder (holding ``sim/``).

    Returns:
        ``{"commit": <sha or "unknown">, "dirty": <bool or "unknown">,
        "source": ...}``. The tree is dirty when tracked files differ from
        the commit or untracked, not ignored files exist; ``source`` says
        where the commit comes from.
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
        top = Path(git("rev-parse", "--show-toplevel")).resolve()
        # An installed copy may sit in a virtual environment inside some other
        # git checkout: that checkout's commit says nothing about this code.
        commit = git("rev-parse", "HEAD") if top == root.resolve() else None
    except (OSError, subprocess.SubprocessError):
        commit = None
    if commit is None:
        return installed_commit()
    try:
        dirty: bool | str = bool(git("status", "--porcelain"))
    except (OSError, subprocess.SubprocessError):
        dirty = "unknown"
    return {"commit": commit, "dirty": dirty, "source": "git checkout"}


def installed_commit() -> dict[str, Any]:
    """The commit an installed copy was built from, when it is known.

    Two records may say it: ``sim/experiments/_build_info.py`` (``COMMIT``, written when
    a wheel is built from a checkout, if the build writes it) and, for a copy
    installed from a git URL (``pip install git+https://...``), the
    ``vcs_info`` of the installation's ``direct_url.json`` (PEP 610).

    Returns:
        ``{"commit": <sha or "unknown">, "dirty": ..., "source": ...}``.
    """
    try:
        from sim.experiments import _build_info  # type: ignore[attr-defined]

        commit = str(getattr(_build_info, "COMMIT", "") or "")
        if commit:
            return {
                "commit": commit,
                "dirty": getattr(_build_info, "DIRTY", "unknown"),
                "source": "recorded when the package was built (sim/experiments/_build_info.py)",
            }
    except ImportError:
        pass
    try:
        text = metadata.distribution(DISTRIBUTION).read_text("direct_url.json")
        vcs = (json.loads(text) or {}).get("vcs_info", {}) if text else {}
    except (metadata.PackageNotFoundError, ValueError, AttributeError):
        vcs = {}
    if isinstance(vcs, dict) and vcs.get("commit_id"):
        return {
            "commit": str(vcs["commit_id"]),
            "dirty": False,
            "source": "installed from git (direct_url.json, PEP 610)",
        }
    return {
        "commit": "unknown",
        "dirty": "unknown",
        "source": "installed copy without a record of its commit; see package.version",
    }


def package_info() -> dict[str, str]:
    """This package's name, version and how the running copy is installed."""
    from sim.experiments.version import VERSION

    try:
        installed = metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        installed = "not installed (run from the source folder)"
    return {"name": DISTRIBUTION, "version": VERSION, "installed_version": installed}


def code_record(argv: Sequence[str] | None = None, uses: Sequence[str] = ()) -> dict[str, Any]:
    """What ran: command, this package's version, Python, library versions, git commit.

    The part of every manifest (``build_manifest``) that reports of sweeps,
    discoveries and calibrations show in their provenance section.

    Args:
        argv: Command line; defaults to ``sys.argv``.
        uses: Further packages whose versions are recorded (e.g. SALib).
    """
    return {
        "command": [str(a) for a in (sys.argv if argv is None else argv)],
        "package": package_info(),
        "python": platform.python_version(),
        "platform": platform.system(),
        "packages": package_versions((*PACKAGES, *(p for p in uses if p not in PACKAGES))),
        "git": git_info(),
    }


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
        scenario: A ``sim.experiments.inputs.scenarios.Scenario``.

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
    batch: int = 1,
    uses: Sequence[str] = (),
) -> dict[str, Any]:
    """Return the provenance record of an experiment.

    Args:
        scenarios: The scenarios run, baseline first.
        root_seed: Seed of the ``numpy.random.SeedSequence`` the run seeds come from.
        seeds: Seed of each replication's model, in replication order.
        replications: Number of replications of each scenario.
        argv: Command line; defaults to ``sys.argv``.
        extra: More entries to record (e.g. elapsed time, file list).
        batch: Replications simulated side by side per model
            (``sim.experiments.replications.batch_blocks``); the seeds entry
            then says each replication's model seed, replica and batch size.
        uses: Further packages whose versions are recorded (e.g. SALib).

    Returns:
        A JSON-serializable dict.
    """
    months = sorted({int(s.parameters.months) for s in scenarios})
    spawn = (
        "numpy.random.SeedSequence(root_seed).spawn(replications); "
        "seeds[r] = child.generate_state(1)[0]"
    )
    if batch > 1:
        from sim.experiments.replications import batch_layout

        layout = batch_layout(int(replications), int(batch))
        seed_entry: dict[str, Any] = {
            "root_seed": int(root_seed),
            "method": f"{spawn}. Replications ran {batch} to a model: replications "
            f"b*{batch} .. b*{batch}+{batch - 1} are the replicas 0 .. {batch - 1} of one "
            "batched model (GovernanceModel(replicas=batch_size)) seeded with seeds[b*"
            f"{batch}], the seed of the first of them (the last model holds the "
            "replications left over); the replicas share that model's random stream, so a "
            "run is reproduced by running its whole model again (run.py rerun). The same "
            "model seed and replica serve replication r in every scenario",
            "replication_seeds": [int(s) for s in seeds],
            "replicas": [copy for _, copy, _ in layout],
            "batch_sizes": [size for _, _, size in layout],
            "batch": int(batch),
        }
    else:
        seed_entry = {
            "root_seed": int(root_seed),
            "method": f"{spawn}; replication r runs alone in a model seeded with seeds[r], "
            "the same in every scenario",
            "replication_seeds": [int(s) for s in seeds],
            "batch": 1,
        }
    manifest: dict[str, Any] = {
        "manifest_version": MANIFEST_VERSION,
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "scenarios": [scenario_record(s) for s in scenarios],
        "baseline": scenarios[0].name if scenarios else None,
        "replications": int(replications),
        "months": months[0] if len(months) == 1 else months,
        "seeds": seed_entry,
        **code_record(argv, uses),
    }
    if extra:
        manifest.update(_jsonable(extra))
    return manifest
