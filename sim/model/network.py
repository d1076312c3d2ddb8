"""The data-sharing network of one run, as tidy frames.

Departments are the nodes; an edge ``holder -> requester`` means the holder
let the requester use its data or its system (``GovernanceModel.sharing_links``).
These functions only read a finished model (or stored edges); they draw and
write nothing, so the model stays free of plotting and file output. The
figure is built by ``sim.reporting.charts.network_figure``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from sim.model.capabilities import N_REGISTRIES
from sim.model.structure import LEVEL_NAMES

#: Columns of an edges frame (``networks.parquet`` in a results folder).
EDGE_COLUMNS: tuple[str, ...] = ("scenario", "replication", "holder", "requester")

#: Columns of a nodes frame.
NODE_COLUMNS: tuple[str, ...] = ("department", "jurisdiction", "registry_holder")

#: Columns of a governments frame (``governments.parquet`` in a results folder):
#: which departments belong to which government, so that the nodes of any run,
#: flat or national, can be rebuilt without re-running it.
GOVERNMENT_COLUMNS: tuple[str, ...] = (
    "scenario",
    "replication",
    "government",
    "level",
    "parent",
    "first_department",
    "departments",
)


def edges_frame(
    links: Iterable[tuple[int, int]], scenario: str = "", replication: int = 0
) -> pd.DataFrame:
    """Return sharing links as a tidy frame, sorted by holder then requester.

    Args:
        links: ``(holder, requester)`` department pairs.
        scenario: Scenario name written in every row.
        replication: Replication number written in every row.

    Returns:
        Columns ``scenario``, ``replication``, ``holder``, ``requester``.
    """
    pairs = sorted((int(h), int(r)) for h, r in links)
    arr = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    return pd.DataFrame(
        {
            "scenario": pd.Series([scenario] * len(arr), dtype=object),
            "replication": np.full(len(arr), int(replication), dtype=np.int64),
            "holder": arr[:, 0],
            "requester": arr[:, 1],
        }
    )


def structure_nodes(n_jurisdictions: int, n_departments: int) -> pd.DataFrame:
    """Return the departments of a world with the given structure.

    Args:
        n_jurisdictions: Governments simulated side by side.
        n_departments: Departments per government.

    Returns:
        One row per department: ``department`` (model index), ``jurisdiction``
        and ``registry_holder`` (True for the departments holding a base
        registry: the first ``N_REGISTRIES`` of each government).
    """
    n = int(n_jurisdictions) * int(n_departments)
    dept = np.arange(n, dtype=np.int64)
    local = dept % max(int(n_departments), 1)
    return pd.DataFrame(
        {
            "department": dept,
            "jurisdiction": dept // max(int(n_departments), 1),
            "registry_holder": local < min(N_REGISTRIES, int(n_departments)),
        }
    )


def governments_frame(structure: Any, scenario: str = "", replication: int = 0) -> pd.DataFrame:
    """Return the governments of a run and the rows of their departments.

    Args:
        structure: The run's ``sim.model.structure.Structure`` (``model.structure``).
        scenario: Scenario name written in every row.
        replication: Replication number written in every row.

    Returns:
        One row per government with the columns of ``GOVERNMENT_COLUMNS``
        (``level`` as a name from ``sim.model.structure.LEVEL_NAMES``; ``parent`` -1
        for a top government).
    """
    n = len(structure.level)
    return pd.DataFrame(
        {
            "scenario": pd.Series([scenario] * n, dtype=object),
            "replication": np.full(n, int(replication), dtype=np.int64),
            "government": np.arange(n, dtype=np.int64),
            "level": pd.Series(np.asarray(LEVEL_NAMES, dtype=object)[structure.level]),
            "parent": np.asarray(structure.parent, dtype=np.int64),
            "first_department": np.asarray(structure.start, dtype=np.int64),
            "departments": np.asarray(structure.size, dtype=np.int64),
        }
    )


def government_nodes(governments: pd.DataFrame) -> pd.DataFrame:
    """Return the departments of the governments listed (one run's rows).

    Args:
        governments: Rows of a governments frame (``governments_frame``).

    Returns:
        A nodes frame (``NODE_COLUMNS``): every department of those
        governments, with its government as ``jurisdiction``; the first
        ``N_REGISTRIES`` departments of each government hold a base registry.
    """
    sizes = governments["departments"].to_numpy(dtype=np.int64)
    firsts = governments["first_department"].to_numpy(dtype=np.int64)
    owner = np.repeat(np.arange(len(sizes)), sizes)
    local = np.arange(int(sizes.sum()), dtype=np.int64) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    return pd.DataFrame(
        {
            "department": firsts[owner] + local,
            "jurisdiction": governments["government"].to_numpy(dtype=np.int64)[owner],
            "registry_holder": local < np.minimum(N_REGISTRIES, sizes)[owner],
        }
    )


def network_frames(model: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the nodes and edges of a finished ``GovernanceModel``'s sharing network.

    Args:
        model: A run ``GovernanceModel`` (reads ``structure``, ``on_standard``
            and ``sharing_links``).

    Returns:
        ``(nodes, edges)``: nodes as ``government_nodes`` plus ``on_standard``;
        edges as ``edges_frame`` (scenario empty, replication 0).
    """
    nodes = government_nodes(governments_frame(model.structure))
    nodes["on_standard"] = np.asarray(model.on_standard, dtype=bool)[nodes["department"]]
    return nodes, edges_frame(model.sharing_links)
