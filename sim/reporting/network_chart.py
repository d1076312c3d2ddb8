"""The chart of one run's data-sharing network: layout of the departments and the figure.

Built from the nodes and edges frames of ``sim.model.network``; a run too
large to draw (more than ``MAX_NETWORK_NODES`` departments) shows its busiest
government.
"""

from __future__ import annotations

import html
import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sim.reporting import i18n
from sim.reporting.style import PALETTE, figure_title, style_figure

#: Largest network drawn whole; bigger runs show their busiest government.
MAX_NETWORK_NODES = 600


def network_layout(nodes: pd.DataFrame, edges: pd.DataFrame, seed: int = 0) -> dict[int, tuple]:
    """Return ``department -> (x, y)`` positions of a network's departments.

    Linked departments are placed by a spring layout (fixed seed); departments
    without links are spread evenly on a ring around them.
    """
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(int(d) for d in nodes["department"])
    graph.add_edges_from(
        zip(edges["holder"].astype(int), edges["requester"].astype(int), strict=True)
    )
    components = sorted(
        (sorted(c) for c in nx.connected_components(graph)), key=lambda c: (-len(c), c[0])
    )
    pos: dict[int, tuple] = {}
    rest = components
    if len(components[0]) > 1:  # the largest linked group fills the middle
        main, rest = components[0], components[1:]
        k = 1.6 / math.sqrt(len(main))
        found = nx.spring_layout(graph.subgraph(main), seed=seed, k=k, iterations=100)
        pos.update({int(n): (float(p[0]), float(p[1])) for n, p in found.items()})
    # smaller groups and departments without links go on a ring around it
    radius = 1.3 if pos else 1.0
    for i, comp in enumerate(rest):
        angle = 2 * math.pi * i / len(rest)
        cx, cy = radius * math.cos(angle), radius * math.sin(angle)
        if len(comp) == 1:
            pos[int(comp[0])] = (cx, cy)
            continue
        found = nx.spring_layout(
            graph.subgraph(comp), seed=seed, scale=0.06 * math.sqrt(len(comp)), center=(cx, cy)
        )
        pos.update({int(n): (float(p[0]), float(p[1])) for n, p in found.items()})
    return pos


def network_figure(
    nodes: pd.DataFrame,
    edges: pd.DataFrame,
    *,
    scenario: str = "",
    replication: int = 0,
    title: str | None = None,
    seed: int = 0,
    lang: str = "en",
) -> go.Figure:
    """The data-sharing network of one run.

    Args:
        nodes: One row per department with ``department`` (and optionally
            ``jurisdiction``, ``registry_holder``); see ``sim.model.network``.
        edges: ``holder``, ``requester`` pairs of that run (other columns ignored).
        scenario: Scenario name for the default title.
        replication: Replication number for the default title.
        title: Title (default: scenario, replication and link count in ``lang``).
        seed: Seed of the layout.
        lang: ``en`` or ``zh``.

    Returns:
        A styled figure: one line trace of all links (named "sharing link"),
        then one marker trace per kind of department (base-registry holders,
        other departments; only kinds present). Marker size grows with links.
    """
    nodes = nodes.sort_values("department").reset_index(drop=True)
    if "registry_holder" not in nodes:
        nodes = nodes.assign(registry_holder=False)
    if "jurisdiction" not in nodes:
        nodes = nodes.assign(jurisdiction=0)
    if len(nodes) > MAX_NETWORK_NODES:
        # A national run has ~128,000 departments: a spring layout of all of
        # them takes hours and shows nothing; draw the government with the
        # most sharing links instead.
        government = nodes.set_index("department")["jurisdiction"]
        holders = edges["holder"].map(government)
        busiest = holders.value_counts().idxmax() if len(edges) else nodes["jurisdiction"].iloc[0]
        n_governments = nodes["jurisdiction"].nunique()
        nodes = nodes[nodes["jurisdiction"] == busiest].head(MAX_NETWORK_NODES)
        if title is None:
            within = edges["holder"].isin(nodes["department"])
            within &= edges["requester"].isin(nodes["department"])
            title = i18n.t(
                "network_title_government",
                lang,
                scenario=scenario,
                replication=replication,
                government=int(busiest),
                governments=f"{n_governments:,}",
                links=int(within.sum()),
            )
    # Only links between the departments drawn: a link to a department not in
    # ``nodes`` would add it to the layout (and a national run has 128,000).
    kept = nodes["department"]
    edges = edges[edges["holder"].isin(kept) & edges["requester"].isin(kept)]
    pos = network_layout(nodes, edges, seed)
    out_deg = edges.groupby("holder").size()
    in_deg = edges.groupby("requester").size()
    ex, ey = [], []
    for h, r in zip(edges["holder"].astype(int), edges["requester"].astype(int), strict=True):
        if h in pos and r in pos:
            ex += [pos[h][0], pos[r][0], None]
            ey += [pos[h][1], pos[r][1], None]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=ex,
            y=ey,
            mode="lines",
            line={"color": "rgba(90,90,90,0.45)", "width": 1},
            hoverinfo="skip",
            name=i18n.t("sharing_link", lang),
        )
    )
    kinds = [
        (True, i18n.t("registry_holder", lang), PALETTE[3]),
        (False, i18n.t("other_department", lang), PALETTE[0]),
    ]
    for flag, name, c in kinds:
        part = nodes[nodes["registry_holder"].astype(bool) == flag]
        if part.empty:
            continue
        depts = part["department"].astype(int).to_numpy()
        outs = np.array([int(out_deg.get(d, 0)) for d in depts])
        ins = np.array([int(in_deg.get(d, 0)) for d in depts])
        hover = [
            html.escape(
                i18n.t("node_hover", lang, dept=d, jur=int(j), out=o, inn=n),
            )
            for d, j, o, n in zip(depts, part["jurisdiction"], outs, ins, strict=True)
        ]
        fig.add_trace(
            go.Scatter(
                x=[pos[d][0] for d in depts],
                y=[pos[d][1] for d in depts],
                mode="markers",
                marker={
                    "color": c,
                    "opacity": 1.0,
                    "size": 7 + 3.0 * np.sqrt(outs + ins),
                    "line": {"color": "white", "width": 1},
                },
                name=name,
                text=hover,
                hovertemplate="%{text}<extra></extra>",
            )
        )
    title = title or i18n.t(
        "network_title", lang, scenario=scenario, replication=replication, links=len(edges)
    )
    fig.update_layout(title=figure_title(title, i18n.t("network_note", lang)))
    style_figure(fig, height=520)
    fig.update_layout(hovermode="closest", margin={"l": 20, "r": 20, "t": 90, "b": 20})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1)
    return fig
