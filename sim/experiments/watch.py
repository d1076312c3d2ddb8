"""One run recorded month by month, for watching it (``run.py watch``, the run viewer).

``record_run`` runs one scenario with one seed, exactly as ``compare`` with
``--batch 1`` runs a replication with that seed (the same model, the same
random draws, the same outcomes), and after every month collects the
agent-level records of ``sim.model.snapshot.AgentRecords``. ``write_run``
writes them into a folder; ``read_run`` reads such a folder back.

Files of a watch folder:

* ``agents.parquet``: one row per month, department and common capability:
  what serves that need (own system, a center's platform, a co-built
  platform, a peer's system; or proposed, waiting, open, not arisen) and
  whether service has started;
* ``bodies.parquet``: one row per month, government and queue of its
  governance bodies;
* ``platforms.parquet``: one row per month and shared platform planned,
  being built or operating;
* ``links.parquet``: each data-sharing link, in the month it was made;
* ``timeseries.parquet``: the run's outcomes, one row per month;
* ``governments.parquet``: the run's governments and their departments;
* ``manifest.json``: scenario, parameters, seed, versions, git commit, command.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.experiments.files import atomic_write
from sim.experiments.inputs.limits import TooLargeError
from sim.experiments.provenance import build_manifest
from sim.experiments.results import check_output_dir, write_parquet
from sim.model import network
from sim.model.capabilities import N_COMMON
from sim.model.governance import GovernanceModel
from sim.model.snapshot import AgentRecords

#: Most rows of ``agents.parquet`` a watched run may have (departments x
#: common capabilities x months): about 400 MB in memory. A city of 40
#: departments over 120 months has 29,000; a province about 25 million.
MAX_AGENT_ROWS = 10_000_000

#: File of each frame of a watch folder.
FILES: dict[str, str] = {
    "agents": "agents.parquet",
    "bodies": "bodies.parquet",
    "platforms": "platforms.parquet",
    "links": "links.parquet",
    "outcomes": "timeseries.parquet",
    "governments": "governments.parquet",
}


@dataclass
class WatchedRun:
    """One run with its agent-level records.

    Attributes:
        scenario: Name of the scenario run.
        seed: Seed of the model's random number generator.
        months: Months simulated.
        agents: What serves each department's common needs, every month
            (``sim.model.snapshot.DEPARTMENT_COLUMNS``).
        bodies: Queues of the governance bodies, every month.
        platforms: Shared platforms planned, being built or operating, every month.
        links: Data-sharing links, each in the month it was made.
        outcomes: The outcomes, one row per month (as ``timeseries.parquet``
            of a results folder, for this one run).
        governments: The run's governments and their departments.
        elapsed: Seconds the run and its recording took.
    """

    scenario: str
    seed: int
    months: int
    agents: pd.DataFrame
    bodies: pd.DataFrame
    platforms: pd.DataFrame
    links: pd.DataFrame
    outcomes: pd.DataFrame
    governments: pd.DataFrame
    elapsed: float = 0.0

    def frames(self) -> dict[str, pd.DataFrame]:
        """The frames by their key in ``FILES``."""
        return {key: getattr(self, key) for key in FILES}


def agent_rows(scenario: Any) -> int:
    """Rows of ``agents.parquet`` that watching ``scenario`` would give."""
    from sim.experiments.replications import departments_per_run

    p = scenario.parameters
    return departments_per_run(p) * N_COMMON * (int(p.months) + 1)


def check_size(scenario: Any) -> None:
    """Refuse a run whose records would not fit in memory.

    Raises:
        TooLargeError: If ``agent_rows(scenario)`` exceeds ``MAX_AGENT_ROWS``.
    """
    rows = agent_rows(scenario)
    if rows > MAX_AGENT_ROWS:
        raise TooLargeError(
            f"watching scenario '{scenario.name}' would record {rows:,} rows of agent "
            f"records (departments x {N_COMMON} common capabilities x months); at most "
            f"{MAX_AGENT_ROWS:,} are allowed. Watch a city scenario, or lower --months or "
            "--departments."
        )


def record_run(
    scenario: Any,
    seed: int,
    months: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> WatchedRun:
    """Run one scenario once and record its agents every month.

    Args:
        scenario: A ``sim.experiments.inputs.scenarios.Scenario``.
        seed: Seed of the model's random number generator (a replication's
            ``seed`` in ``runs.csv`` of a ``--batch 1`` run gives that run).
        months: Months to simulate (default: the scenario's).
        progress: Called with ``(months done, months)`` after every month.

    Returns:
        The run's records and outcomes.
    """
    if months is not None:
        scenario = scenario.with_overrides(name=scenario.name, months=int(months))
    check_size(scenario)
    start = time.perf_counter()
    model = GovernanceModel(
        parameters=scenario.parameters,
        rng=int(seed),
        policy_changes=tuple(getattr(scenario, "policy_changes", ()) or ()),
    )
    records = AgentRecords()
    records.collect(model)
    total = int(scenario.parameters.months)
    for done in range(1, total + 1):
        model.step()
        records.collect(model)
        if progress is not None:
            progress(done, total)
    frames = records.frames()
    outcomes = model.outcomes_frame()
    outcomes.insert(0, "seed", int(seed))
    outcomes.insert(0, "scenario", scenario.name)
    return WatchedRun(
        scenario=scenario.name,
        seed=int(seed),
        months=total,
        agents=frames["departments"],
        bodies=frames["bodies"],
        platforms=frames["platforms"],
        links=frames["links"],
        outcomes=outcomes,
        governments=network.governments_frame(model.structure, scenario.name, 0),
        elapsed=time.perf_counter() - start,
    )


def write_run(
    run: WatchedRun, scenario: Any, folder: str | Path, argv: Sequence[str] | None = None
) -> list[Path]:
    """Write a watched run into a new (or empty) folder.

    Args:
        run: What ``record_run`` returned.
        scenario: The scenario run (for the manifest).
        folder: Output folder; must not hold files.
        argv: Command line recorded in the manifest (default ``sys.argv``).

    Returns:
        The files written, ``manifest.json`` last.

    Raises:
        OutputExistsError: If the folder holds files.
    """
    folder = check_output_dir(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = [write_parquet(frame, folder / FILES[key]) for key, frame in run.frames().items()]
    manifest = build_manifest(
        [scenario],
        root_seed=run.seed,
        seeds=[run.seed],
        replications=1,
        argv=argv,
        extra={
            "kind": "watch",
            "months": run.months,
            "seeds": {
                "model_seed": run.seed,
                "method": "the model's generator is seeded with model_seed itself "
                "(GovernanceModel(rng=model_seed)), as a replication of compare --batch 1 "
                "with that seed in runs.csv",
            },
            "elapsed_seconds": round(run.elapsed, 3),
            "files": {path.name: key for path, key in zip(paths, FILES, strict=True)},
        },
    )
    text = json.dumps(manifest, indent=2, ensure_ascii=False)
    paths.append(atomic_write(folder / "manifest.json", lambda p: p.write_text(text, "utf-8")))
    return paths


def read_run(folder: str | Path) -> WatchedRun:
    """Read a folder written by ``write_run``.

    Raises:
        OSError: If a file is missing or cannot be read.
    """
    folder = Path(folder)
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    frames = {key: pd.read_parquet(folder / name) for key, name in FILES.items()}
    return WatchedRun(
        scenario=manifest["scenarios"][0]["name"],
        seed=int(manifest["seeds"]["model_seed"]),
        months=int(manifest["months"]),
        elapsed=float(manifest.get("elapsed_seconds", 0.0)),
        **frames,
    )
