"""Fidelity-aware routing over the network graph (networkx).

Edge cost ``-ln(w)`` with ``w`` the link's Werner parameter, so the cheapest path maximises
the product of Werner parameters (the end-to-end fidelity of the baseline estimator), plus a
small per-hop term that prefers fewer swaps among equal paths. End nodes other than the two
circuit ends are never transit nodes.
"""

from __future__ import annotations

import math
from typing import Any

import networkx as nx


def link_cost(fidelity: float, hop_penalty: float = 1e-3) -> float:
    """Cost of a link of fresh-pair fidelity ``fidelity``."""
    w = max((4 * fidelity - 1) / 3, 1e-12)
    return -math.log(w) + hop_penalty


class Router:
    """Computes explicit routes on a graph whose edges carry ``fidelity``; nodes ``role``."""

    def __init__(self, graph: nx.Graph) -> None:
        self.graph = graph
        for _, _, data in graph.edges(data=True):
            data["cost"] = link_cost(data.get("fidelity", 1.0))

    def __call__(self, src: int, dst: int, qos: dict[str, Any] | None = None) -> list[int] | None:
        """Cheapest route from ``src`` to ``dst`` or None if unreachable."""
        g = self.graph

        def ok(n: int) -> bool:
            return n in (src, dst) or g.nodes[n].get("role") != "end"

        view = nx.subgraph_view(g, filter_node=ok)
        try:
            return list(nx.dijkstra_path(view, src, dst, weight="cost"))
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            return None
