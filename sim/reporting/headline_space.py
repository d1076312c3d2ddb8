"""The main job's headline over the plausible space: explore it, or read a discovery.

``run.py`` (the main job) and ``run.py compare ... --space N`` run, beside the
comparison at the defaults, a modest scenario discovery of the same designs
over the whole declared space (the shipped discovery file
``sweeps/discovery/centralized_vs_dispersed.yaml`` with ``N`` sampled worlds
and :data:`SPACE_REPLICATIONS` paired replications each) into the results
folder's ``space/`` (a ``run.py discover`` folder: the discovery file as run,
one sweep folder per design, ``points.csv``, ``boxes.csv``,
``feature_scores.csv``, ``summary.csv``). ``--space-from DIR`` reads a
finished discovery folder instead (e.g. the full ``run.py discover
centralized_vs_dispersed``), named in the headline's provenance.

Either way ``headline.json`` and ``headline.csv`` are written into the
results folder; the report (``sim.reporting.report``) shows them as its
first section.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from sim.analysis import headline
from sim.experiments.files import atomic_write
from sim.experiments.results import write_csv

#: The discovery file the space comes from.
SPACE_FILE = "centralized_vs_dispersed"

#: Paired replications per sampled world: two is the fewest that gives a
#: paired difference a spread; the share's interval is over worlds.
SPACE_REPLICATIONS = 2

#: Files of the headline in the results folder.
HEADLINE_FILES: dict[str, str] = {
    "headline.json": "the headline over the plausible space: shares by size band with 95% "
    "Wilson CIs, the verdicts at the defaults, the drivers, the PRIM boxes, what was not "
    "explored and why, and where the space numbers come from",
    "headline.csv": "per size band and outcome: worlds, share where the second design is "
    "better and where it is worse, each with its 95% Wilson CI over worlds",
    "space/": "the discovery over the plausible space that the headline reads "
    "(run.py discover layout)",
}


class SpaceError(ValueError):
    """A discovery folder given to ``--space-from`` cannot be read (exit status 2)."""


def _space_discovery(designs: Sequence[str], worlds: int, replications: int, folder: Path) -> Any:
    """The shipped discovery file with these designs, worlds and replications, loaded."""
    from sim.experiments.discovery.files import DISCOVERY_DIR, load_discovery

    source = DISCOVERY_DIR / f"{SPACE_FILE}.yaml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data["designs"] = list(designs)
    data["samples"] = int(worlds)
    data["replications"] = int(replications)
    data["description"] = (
        f"The main job's exploration of the plausible space: {SPACE_FILE}.yaml with "
        f"{worlds} worlds and {replications} paired replications"
    )
    path = folder / f"{SPACE_FILE}.yaml"
    path.write_text(
        f"# {SPACE_FILE}.yaml as the main job runs it (designs, samples, replications set)\n"
        + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100),
        encoding="utf-8",
    )
    return load_discovery(path)


def explore_space(
    designs: Sequence[str],
    out_dir: Path,
    *,
    worlds: int,
    replications: int = SPACE_REPLICATIONS,
    workers: int | None = None,
    progress: bool = True,
) -> dict[str, Any] | None:
    """Run the space discovery into ``out_dir/space`` and analyse it.

    Args:
        designs: Scenario names or paths, the reference first (as compared).
        out_dir: The results folder.
        worlds: Latin hypercube points (sampled worlds).
        replications: Paired replications per world.
        workers: Processes.
        progress: Progress bars on stderr.

    Returns:
        The headline record (see :func:`write_headline`), or None (with a
        message) when EMA Workbench is not installed.
    """
    try:
        from sim.analysis import discovery as analysis_module
    except ImportError:  # a core install: PRIM and the feature scores need EMA Workbench
        print(
            "no headline over the plausible space: it needs the optional package "
            "ema_workbench (PRIM boxes and feature scores); install it with: pip install "
            "'egov-governance-abm[discovery]'",
            file=sys.stderr,
        )
        return None
    from sim.analysis.sweep_summary import summarize_sweep
    from sim.experiments.discovery.runner import run_discovery

    space = out_dir / "space"
    with tempfile.TemporaryDirectory() as tmp:
        discovery = _space_discovery(designs, worlds, replications, Path(tmp))
        if progress:
            print(
                f"the plausible space: {worlds} sampled worlds x {replications} paired "
                f"replications of {', '.join(designs)} ({len(discovery.parameter_names)} "
                "parameters sampled)",
                file=sys.stderr,
            )
        start = time.perf_counter()
        run = run_discovery(discovery, space, workers=workers, progress=progress)
    for folder in run.folders.values():
        summarize_sweep(folder)
    found = analysis_module.analyze_folders(discovery, run.folders)
    for name, frame in (
        ("points.csv", found.points),
        ("boxes.csv", found.boxes),
        ("feature_scores.csv", found.scores),
        ("drivers.csv", found.drivers),
        ("summary.csv", found.summary),
    ):
        write_csv(frame, space / name)
    held = [list(h) for h in discovery.held]
    atomic_write(
        space / "manifest.json",
        lambda p: p.write_text(
            json.dumps({"discovery_file": f"{SPACE_FILE}.yaml", "not_explored": held}, indent=2)
            + "\n",
            "utf-8",
        ),
    )
    source = {
        "kind": "explored by this run",
        "folder": "space",
        "discovery_file": f"sweeps/discovery/{SPACE_FILE}.yaml",
        "worlds": int(worlds),
        "replications": int(replications),
        "root_seed": int(discovery.root_seed),
        "sampled": list(discovery.parameter_names),
        "not_explored": held,
        "definition_hash": discovery.definition_hash,
        "runs": int(run.ran + run.skipped),
        "elapsed_seconds": round(time.perf_counter() - start, 1),
    }
    return _record(found.points, found.scores, found.boxes, found.summary, source, found.drivers)


def read_space(folder: str | Path) -> dict[str, Any]:
    """The headline record of a finished discovery folder (``run.py discover``).

    Raises:
        SpaceError: If the folder holds no finished discovery analysis.
    """
    from sim.experiments.inputs.folder_reads import open_folder_file, read_folder_json, table_limit

    path = Path(folder)
    need = ("points.csv", "feature_scores.csv", "boxes.csv", "summary.csv", "manifest.json")
    missing = [n for n in need if not (path / n).is_file()]
    if not path.is_dir() or missing:
        raise SpaceError(
            f"--space-from {path}: not a finished discovery folder (missing "
            f"{', '.join(missing) or 'the folder'}); give a folder written by 'run.py discover', "
            "e.g. results/discovery/centralized_vs_dispersed."
        )
    tables = {}
    try:
        for name in need[:4]:
            with open_folder_file(path / name, table_limit(), path) as handle:
                tables[name] = pd.read_csv(handle)
        manifest = read_folder_json(path / "manifest.json", folder=path)
        if (path / "drivers.csv").is_file():  # discovery folders made before issue 27 lack it
            with open_folder_file(path / "drivers.csv", table_limit(), path) as handle:
                tables["drivers.csv"] = pd.read_csv(handle)
    except (OSError, ValueError) as exc:
        raise SpaceError(f"--space-from {path}: cannot read it ({exc}).") from None
    sampled = manifest.get("sampled") or []
    source = {
        "kind": "read from a discovery folder",
        "folder": str(path),
        "discovery_file": manifest.get("discovery_file"),
        "worlds": manifest.get("samples"),
        "replications": manifest.get("replications"),
        "root_seed": manifest.get("root_seed"),
        "sampled": list(sampled),
        "not_explored": [
            [h.get("parameter"), h.get("value"), h.get("reason")]
            for h in manifest.get("not_explored", [])
        ],
        "git": (manifest.get("git") or {}).get("commit"),
    }
    points = tables["points.csv"]
    return _record(
        points,
        tables["feature_scores.csv"],
        tables["boxes.csv"],
        tables["summary.csv"],
        source,
        tables.get("drivers.csv"),
    )


def _record(
    points: pd.DataFrame,
    scores: pd.DataFrame,
    boxes: pd.DataFrame,
    summary: pd.DataFrame,
    source: dict[str, Any],
    sensitivity: pd.DataFrame | None = None,
) -> dict[str, Any]:
    designs = [d for d in dict.fromkeys(points["design"])]
    design = designs[0]
    shares = headline.space_shares(points, design)
    found = headline.drivers(scores, design, sensitivity=sensitivity)
    mine = boxes[(boxes["design"] == design)] if len(boxes) else boxes
    record = headline.headline_record(shares, pd.DataFrame(), found, mine, source)
    record["design"] = design
    record["prim"] = headline.json_records(
        summary[summary["design"] == design] if len(summary) else summary
    )
    return record


def write_headline(
    out_dir: Path, record: dict[str, Any], paired: pd.DataFrame | None
) -> dict[str, Path]:
    """Write ``headline.json`` and ``headline.csv`` (with the verdicts at the defaults)."""
    design = record["design"]
    if paired is not None and len(paired):
        record["defaults"] = headline.json_records(headline.defaults_verdicts(paired, design))
    shares = pd.DataFrame(record["shares"])
    write_csv(shares, out_dir / "headline.csv")
    text = json.dumps(record, indent=2, ensure_ascii=False, allow_nan=False, default=str)
    atomic_write(out_dir / "headline.json", lambda p: p.write_text(text + "\n", "utf-8"))
    return {"headline.json": out_dir / "headline.json", "headline.csv": out_dir / "headline.csv"}
