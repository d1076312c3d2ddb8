"""Parameter sets drawn from a calibration's posterior, one per replication.

``compare ... --posterior DIR`` runs every design of replication ``r`` with
the same draw from the posterior of the calibration folder ``DIR``
(``run.py calibrate``), so that the paired differences carry the parameter
uncertainty the calibration left as well as the runs' randomness.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.experiments.calibration.files import CalibrationError
from sim.experiments.inputs.folder_reads import open_folder_file, read_folder_json, table_limit
from sim.experiments.inputs.limits import shorten
from sim.model.parameters import SPECS


def load_posterior(folder: str | Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The posterior particles of a calibration folder and what made them.

    Args:
        folder: A folder written by ``run.py calibrate``.

    Returns:
        ``(posterior, info)``: the free parameters and ``weight`` of the last
        generation; ``info`` records the folder, the calibration file, its free
        parameters and its targets (for the manifest).

    Raises:
        CalibrationError: If the folder is not a calibration folder.
    """
    path = Path(folder)
    particles = path / "posterior.parquet"
    manifest_path = path / "manifest.json"
    if not particles.is_file() or not manifest_path.is_file():
        raise CalibrationError(
            f"--posterior {folder}: this is not a calibration folder (it needs posterior.parquet "
            "and manifest.json, written by 'python run.py calibrate FILE')."
        )
    try:
        manifest = read_folder_json(manifest_path, folder=path)
        with open_folder_file(particles, table_limit(), path) as handle:
            posterior = pd.read_parquet(handle)
    except (OSError, ValueError) as exc:
        raise CalibrationError(
            f"--posterior {shorten(str(folder), 200)}: cannot be read ({shorten(str(exc), 300)})."
        ) from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("free", {}), dict):
        manifest = {}
    free = list(manifest.get("free", {}))
    bad = [n for n in free if n not in SPECS or n not in posterior.columns]
    if manifest.get("command_name") != "calibrate" or not free or bad or "weight" not in posterior:
        raise CalibrationError(
            f"--posterior {folder}: its manifest and posterior.parquet do not describe a "
            "calibration of this model's parameters; run 'python run.py calibrate FILE' again."
        )
    weights = posterior["weight"].to_numpy(dtype=float)
    if not np.all(np.isfinite(weights)) or weights.sum() <= 0:
        raise CalibrationError(f"--posterior {folder}: the posterior's weights are not usable.")
    info = {
        "folder": str(path),
        "calibration_file": manifest.get("calibration_file"),
        "free": free,
        "targets": [t.get("name") for t in manifest.get("targets", [])],
        "particles": len(posterior),
        "git": manifest.get("git"),
    }
    return posterior[[*free, "weight"]], info


def draw_parameter_sets(
    posterior: pd.DataFrame, replications: int, root_seed: int
) -> list[dict[str, Any]]:
    """One weighted draw from the posterior per replication (reproducible from the root seed).

    Args:
        posterior: Free parameters and ``weight``.
        replications: Draws to make.
        root_seed: Root seed of the comparison; the draws use their own stream of it.

    Returns:
        Parameter values per replication, typed as their declarations.
    """
    weights = posterior["weight"].to_numpy(dtype=float)
    rng = np.random.default_rng(np.random.SeedSequence([int(root_seed), 0x9057]))
    picks = rng.choice(len(posterior), size=replications, p=weights / weights.sum())
    names = [c for c in posterior.columns if c != "weight"]
    draws = []
    for i in picks:
        row = posterior.iloc[int(i)]
        draws.append(
            {n: int(round(float(row[n]))) if SPECS[n].type is int else float(row[n]) for n in names}
        )
    return draws
