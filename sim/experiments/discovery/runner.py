"""Running a discovery: one sweep per design, same points and seeds, resumable.

The results folder holds ``discovery.yaml`` (the file as run) and, per
design, ``sweep-<design>.yaml`` and its sweep folder ``sweep-<design>/``
(the ``run.py sweep`` layout: parts streamed as runs finish, resumed by
running again), and ``discovery.json`` (the hash that identifies its runs).
A folder holding another discovery is refused; editing only what changes the
analysis (description, outcomes judged, ``min_density``, ``boxes``) keeps the
finished runs.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.experiments.data_files import results_root
from sim.experiments.discovery.files import Discovery, DiscoveryError
from sim.experiments.files import atomic_write
from sim.experiments.inputs.folder_reads import read_folder_json
from sim.experiments.sweeps.runner import SweepResult, run_sweep


def design_slug(design: str) -> str:
    """A folder-safe name of a design (a scenario name or the stem of its path)."""
    stem = Path(design).stem if Path(design).suffix else design
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", stem)[:80] or "design"


def default_discovery_dir(discovery: Discovery) -> Path:
    """``results/discovery/<file stem>`` (``<file stem>-quick`` for ``--quick``)."""
    return (
        results_root() / "discovery" / (discovery.path.stem + ("-quick" if discovery.quick else ""))
    )


@dataclass(frozen=True)
class DiscoveryRun:
    """What :func:`run_discovery` did.

    Attributes:
        out_dir: The discovery folder.
        folders: Per design, its sweep folder.
        results: Per design, what its sweep ran.
    """

    out_dir: Path
    folders: dict[str, Path]
    results: dict[str, SweepResult]

    @property
    def ran(self) -> int:
        """Runs made now."""
        return sum(r.ran for r in self.results.values())

    @property
    def skipped(self) -> int:
        """Runs already finished (resumed)."""
        return sum(r.skipped for r in self.results.values())

    @property
    def elapsed(self) -> float:
        """Seconds spent running now."""
        return sum(r.elapsed for r in self.results.values())


def _check_folder(out: Path, discovery: Discovery) -> None:
    """Refuse a folder that holds something other than this discovery."""
    if not out.exists():
        return
    if not out.is_dir():
        raise DiscoveryError(f"{out} exists and is not a folder; give a new or empty folder.")
    kept = out / "discovery.json"
    if kept.is_file():
        try:
            stored = read_folder_json(kept, folder=out).get("definition_hash")
        except (OSError, ValueError, AttributeError):
            stored = None
        if stored != discovery.definition_hash:
            raise DiscoveryError(
                f"{out} holds a different discovery (its designs, sampled ranges, samples, "
                f"replications, seed or fixed values differ from {discovery.path.name}); give "
                "another --out folder or remove it. Changing only the description, the "
                "outcomes judged, min_density or boxes keeps the finished runs."
            )
        return
    if any(out.iterdir()):
        raise DiscoveryError(
            f"{out} is not empty and holds no discovery; give a new or empty folder."
        )


def run_discovery(
    discovery: Discovery,
    out_dir: str | os.PathLike[str] | None = None,
    *,
    executor: str = "pool",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool = True,
    argv: Sequence[str] | None = None,
    batch: int | None = None,
) -> DiscoveryRun:
    """Run (or resume) every design's sweep of a discovery.

    Args:
        discovery: A loaded discovery file.
        out_dir: Discovery folder (default ``results/discovery/<file stem>``).
        executor: ``serial``, ``pool`` or ``dask`` (results do not depend on it).
        workers: Processes.
        scheduler: Dask scheduler address (``None``: a local cluster).
        progress: Progress bars on stderr.
        argv: Command line for the manifests.
        batch: Runs per batched model, over the file's ``batch``.

    Returns:
        The folders and what ran.

    Raises:
        DiscoveryError: If the folder holds something else.
        KeyboardInterrupt: On Ctrl-C (finished runs are kept; run again to resume).
    """
    out = Path(out_dir) if out_dir is not None else default_discovery_dir(discovery)
    _check_folder(out, discovery)
    out.mkdir(parents=True, exist_ok=True)
    identity = json.dumps(
        {"definition_hash": discovery.definition_hash, "designs": list(discovery.designs)}
    )
    atomic_write(out / "discovery.json", lambda p: p.write_text(identity + "\n", "utf-8"))
    atomic_write(out / "discovery.yaml", lambda p: p.write_text(discovery.text, "utf-8"))
    folders: dict[str, Path] = {}
    results: dict[str, SweepResult] = {}
    for design in discovery.designs:
        slug = design_slug(design)
        text = discovery.sweep_text(design)
        path = out / f"sweep-{slug}.yaml"
        atomic_write(path, lambda p, t=text: p.write_text(t, "utf-8"))
        sweep = dataclasses.replace(discovery.sweeps[design], path=path, text=text)
        if batch is not None:
            sweep = dataclasses.replace(sweep, batch=batch)
        folder = out / f"sweep-{slug}"
        if progress:
            import sys

            print(f"{design}:", file=sys.stderr)
        results[design] = run_sweep(
            sweep,
            folder,
            executor=executor,
            workers=workers,
            scheduler=scheduler,
            progress=progress,
            argv=list(argv) if argv is not None else None,
        )
        folders[design] = folder
    return DiscoveryRun(out, folders, results)


def discovery_manifest_extra(discovery: Discovery, run: DiscoveryRun) -> dict[str, Any]:
    """Manifest entries of a discovery (on top of ``provenance.build_manifest``)."""
    return {
        "command_name": "discover",
        "discovery_file": str(discovery.path),
        "designs": list(discovery.designs),
        "reference_design": discovery.designs[0],
        "sampled": list(discovery.parameter_names),
        "whole_space": discovery.whole_space,
        "not_explored": [{"parameter": n, "value": v, "reason": r} for n, v, r in discovery.held],
        "samples": discovery.samples,
        "quick": discovery.quick,
        "outcomes_judged": list(discovery.outcomes),
        "min_density": discovery.min_density,
        "boxes": discovery.boxes,
        "pairing": (
            "every design runs the same Latin hypercube points (seed root_seed) with the same "
            "replication seeds (spawn_seeds(root_seed, replications)); differences are taken "
            "point by point and replication by replication"
        ),
        "sweep_folders": {d: f.name for d, f in run.folders.items()},
        "runs": {d: r.run_info for d, r in run.results.items()},
    }
