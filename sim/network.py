"""The data-sharing network of one run, as tidy frames.

Departments are the nodes; an edge ``holder -> requester`` means the holder
let the requester use its data or its system (``GovernanceModel.sharing_links``).
These functions only read a finished model (or stored edges); they draw and
write nothing, so the model stays free of plotting and file output. The
figure is built by ``sim.charts.network_figure``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from sim.capabilities import N_REGISTRIES

#: Columns of an edges frame (``networks.parquet`` in a results folder).
EDGE_COLUMNS: tuple[str, ...] = ("scenario", "replication", "holder", "requester")

#: Columns of a nodes frame.
NODE_COLUMNS: tuple[str, ...] = ("department", "jurisdiction", "registry_holder")


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


def network_frames(model: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the nodes and edges of a finished ``GovernanceModel``'s sharing network.

    Args:
        model: A run ``GovernanceModel`` (reads ``n_dept``, ``n_per``,
            ``dept_jur``, ``on_standard`` and ``sharing_links``).

    Returns:
        ``(nodes, edges)``: nodes as ``structure_nodes`` plus ``on_standard``;
        edges as ``edges_frame`` (scenario empty, replication 0).
    """
    n_per = int(getattr(model, "n_per", model.n_dept))
    n_jur = int(model.n_dept) // max(n_per, 1)
    nodes = structure_nodes(n_jur, n_per)
    nodes["jurisdiction"] = np.asarray(model.dept_jur, dtype=np.int64)
    standard = getattr(model, "on_standard", None)
    if standard is not None:
        nodes["on_standard"] = np.asarray(standard, dtype=bool)
    return nodes, edges_frame(model.sharing_links)
