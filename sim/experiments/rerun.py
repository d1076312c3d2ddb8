"""Re-running one run of a results folder from what the folder records.

A results folder of ``run.py run``/``compare`` records, per run, the seed of
its model, its copy (``replica``) in that model and the number of copies the
model simulated (``batch_size``), in ``runs.csv`` and in ``manifest.json``
(``seeds``), and every scenario with its resolved parameters and policy
changes. ``rerun`` builds the same model again: with a batch size above one
the copies share the model's random stream, so the whole model is run again
and the requested copy taken from it. Its outcomes then equal the recorded
ones bit for bit when the code is the same (the manifest's ``package`` and
``git`` say which code made the folder).

Typical use::

    import sim
    again = sim.rerun("results/my-comparison", "centralized", 7)
    again.table            # outcome, recorded, rerun, identical
    again.identical        # True
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.experiments import provenance
from sim.experiments.inputs.scenarios import Scenario
from sim.experiments.replications import (
    batch_layout,
    final_values,
    ordered_outcomes,
    simulate,
    simulate_batch,
)
from sim.model.parameters import make_parameters


class RerunError(ValueError):
    """The folder, scenario or replication cannot be re-run (the message says why)."""


@dataclass(frozen=True)
class Rerun:
    """One run simulated again, beside what its results folder recorded.

    Attributes:
        folder: The results folder.
        scenario: Scenario name.
        replication: Replication number.
        seed: Seed of the run's model.
        replica: The run's copy in that model.
        batch_size: Copies the model simulated side by side.
        frame: The run's monthly outcomes, as in ``timeseries.parquet``.
        table: Per outcome: ``recorded`` (``runs.csv``), ``rerun`` and
            ``identical`` (equal to the stored time series' last month when
            it is in the folder, else to ``runs.csv``'s 10 significant digits).
        code: ``{"recorded": ..., "now": ...}``: package version and commit
            that made the folder and that made the rerun.
    """

    folder: Path
    scenario: str
    replication: int
    seed: int
    replica: int
    batch_size: int
    frame: pd.DataFrame
    table: pd.DataFrame
    code: dict[str, Any]

    @property
    def identical(self) -> bool:
        """Every outcome equals the recorded one."""
        return bool(self.table["identical"].all())

    @property
    def outcomes(self) -> pd.Series:
        """The rerun's final value of every outcome."""
        return self.table.set_index("outcome")["rerun"]


def _same(a: Any, b: Any) -> bool:
    """Equal, counting two NaNs (an undefined outcome) as equal."""
    a, b = float(a), float(b)
    return (math.isnan(a) and math.isnan(b)) or a == b


def _read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / "manifest.json"
    if (folder / "sweep.json").is_file():
        raise RerunError(
            f"{folder} is a sweep folder; rerun re-runs one run of a 'run.py run' or "
            "'run.py compare' results folder"
        )
    if not path.is_file():
        raise RerunError(
            f"{folder} has no manifest.json, so it is not a complete results folder of "
            "'run.py run' or 'run.py compare'; give such a folder"
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RerunError(f"cannot read {path}: {exc}") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("scenarios"), list):
        raise RerunError(f"{path} has no list of scenarios; it was not written by run.py")
    return manifest


def scenario_from_record(record: Mapping[str, Any], draw: Mapping[str, Any] | None = None) -> Any:
    """The scenario a manifest entry describes, with its parameters as they were run.

    Args:
        record: One entry of the manifest's ``scenarios``.
        draw: Parameter values applied over it (a posterior draw), if any.

    Returns:
        A ``sim.experiments.inputs.scenarios.Scenario``.
    """
    values = {**dict(record.get("parameters") or {}), **dict(draw or {})}
    changes = tuple(
        (int(c["month"]), dict(c["parameters"])) for c in record.get("policy_changes") or ()
    )
    return Scenario(
        name=str(record["name"]),
        path=Path(str(record.get("path") or record["name"])),
        description=str(record.get("description", "")),
        source=str(record.get("source", "")),
        parameters=make_parameters(**values),
        policy_changes=changes,
        overrides=dict(record.get("overrides") or {}),
    )


def run_layout(manifest: Mapping[str, Any], replication: int) -> tuple[int, int, int, int]:
    """Where a replication ran: ``(model seed, first replication, replica, batch size)``.

    Read from the manifest's ``seeds`` (``replication_seeds``, ``replicas``,
    ``batch_sizes``); folders written before those lists existed give the
    batch size in ``batch`` (``replications_per_model``).
    """
    seeds = manifest.get("seeds") or {}
    listed = [int(s) for s in seeds.get("replication_seeds") or []]
    replications = int(manifest.get("replications", len(listed)))
    if not 0 <= replication < replications or replication >= len(listed):
        raise RerunError(
            f"--replication {replication} is not in the folder: its runs are replications "
            f"0 to {replications - 1}"
        )
    if seeds.get("replicas") and seeds.get("batch_sizes"):
        replica = int(seeds["replicas"][replication])
        size = int(seeds["batch_sizes"][replication])
    else:
        batch = int(
            seeds.get("batch") or (manifest.get("batch") or {}).get("replications_per_model") or 1
        )
        _, replica, size = batch_layout(replications, batch)[replication]
    first = replication - replica
    return listed[replication], first, replica, size


def rerun(folder: str | os.PathLike[str], scenario: str, replication: int) -> Rerun:
    """Simulate one run of a results folder again and set it beside the recorded one.

    Args:
        folder: A results folder of ``run.py run``/``compare`` (or ``sim.save``).
        scenario: Name of one of its scenarios.
        replication: Replication number (from 0).

    Returns:
        The rerun and the comparison with ``runs.csv``.

    Raises:
        RerunError: If the folder is not such a folder, or holds no such
            scenario or replication.
    """
    path = Path(folder)
    if not path.is_dir():
        raise RerunError(f"{path} is not a folder; give a results folder such as results/<name>")
    manifest = _read_manifest(path)
    records = {str(r.get("name")): r for r in manifest["scenarios"] if isinstance(r, dict)}
    if scenario not in records:
        raise RerunError(
            f"--scenario {scenario!r} is not in {path}; its scenarios are "
            f"{', '.join(records) or 'none'}"
        )
    replication = int(replication)
    seed, first, replica, size = run_layout(manifest, replication)
    draws = (manifest.get("posterior") or {}).get("draws") or None
    if draws is not None and len(draws) < first + size:
        raise RerunError(
            f"{path / 'manifest.json'} lists {len(draws)} posterior draws; replication "
            f"{replication} ran in a model of replications {first}-{first + size - 1}"
        )
    draw = draws[replication] if draws and size == 1 else None
    try:
        chosen = scenario_from_record(records[scenario], draw)
    except (KeyError, TypeError, ValueError) as exc:
        raise RerunError(
            f"the parameters of {scenario!r} in {path / 'manifest.json'} cannot be used by "
            f"this version of the model ({type(exc).__name__}: {exc})"
        ) from None
    if size == 1:
        frame = simulate(chosen, seed, replication)[0]
    else:
        copies = tuple(range(first, first + size))
        # Each copy with its replication's posterior draw, if any (they share the stream).
        own = [dict(draws[r]) for r in copies] if draws else None
        frame = simulate_batch(chosen, seed, copies, replica_parameters=own)[replica][0]
    again = final_values(frame).iloc[0]
    recorded = _recorded_runs(path, scenario, replication)
    stored = _stored_final(path, scenario, replication)
    rows = []
    for outcome in ordered_outcomes(frame):
        new = float(again[outcome])
        old = recorded.get(outcome, math.nan) if recorded is not None else math.nan
        if stored is not None and outcome in stored:
            same = _same(new, stored[outcome])
        else:
            same = old is not None and f"{new:.10g}" == f"{float(old):.10g}"
        rows.append({"outcome": outcome, "recorded": old, "rerun": new, "identical": same})
    code = {
        "recorded": {
            "version": (manifest.get("package") or {}).get("version"),
            "commit": (manifest.get("git") or {}).get("commit"),
        },
        "now": {
            "version": provenance.package_info()["version"],
            "commit": provenance.git_info().get("commit"),
        },
    }
    return Rerun(
        folder=path,
        scenario=scenario,
        replication=replication,
        seed=seed,
        replica=replica,
        batch_size=size,
        frame=frame,
        table=pd.DataFrame(rows, columns=["outcome", "recorded", "rerun", "identical"]),
        code=code,
    )


def _recorded_runs(folder: Path, scenario: str, replication: int) -> pd.Series | None:
    """The run's row of ``runs.csv`` (None without the file or the row)."""
    path = folder / "runs.csv"
    if not path.is_file():
        return None
    try:
        runs = pd.read_csv(path)
        rows = runs[
            (runs["scenario"].astype(str) == scenario) & (runs["replication"] == replication)
        ]
    except (OSError, ValueError, KeyError) as exc:
        raise RerunError(f"cannot read {path}: {exc}") from None
    return None if rows.empty else rows.iloc[0]


def _stored_final(folder: Path, scenario: str, replication: int) -> pd.Series | None:
    """The run's last month in ``timeseries.parquet``, at full precision (None if absent)."""
    path = folder / "timeseries.parquet"
    if not path.is_file():
        return None
    try:
        frame = pd.read_parquet(path, filters=[("replication", "==", replication)])
    except (OSError, ValueError) as exc:
        raise RerunError(f"cannot read {path}: {exc}") from None
    rows = frame[frame["scenario"].astype(str) == scenario]
    return None if rows.empty else rows.loc[rows["month"].idxmax()]
