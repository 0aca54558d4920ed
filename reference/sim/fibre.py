"""Classical message delays over the fibre of a simulated network.

A node and a station of one of its links are half the link apart (``station`` delays, set when
the network is built); two nodes are the shortest fibre path apart, at ``c/1.44``. Shortest
distances come from a Dijkstra run per source that is resumed only as far as each asked-for
destination (a node's distance is final once it is settled, so the value is the one a full
single-source run gives, and the whole graph is not explored for every source).
"""

from __future__ import annotations

import heapq
from typing import Any

import networkx as nx

from .linkmodel import NS_PER_KM


class FibreDelays:
    """Delays (ns) between the nodes and stations of one network."""

    def __init__(self, graph: nx.Graph, station: dict[tuple[int, int], int]) -> None:
        #: the network's graph (edges carry ``km``); read as it is when a delay is asked for
        self.graph = graph
        #: (node, station) -> delay across half the link (ns)
        self.station = station
        #: source -> its settled shortest distances (km)
        self._dist: dict[int, dict[int, float]] = {}
        #: source -> (tentative distances, heap, push counter) of its resumable Dijkstra
        self._sp_state: dict[int, tuple[dict[int, float], list[Any], list[int]]] = {}

    def delay(self, src: int, dst: int) -> tuple[int, bool]:
        """The delay from ``src`` to ``dst`` (ns), and whether it may be cached.

        Between two nodes the distances from one end decide: from ``dst`` if they exist, else
        from ``src`` if they exist (that value is not to be cached: once the distances from
        ``dst`` exist they decide), else from ``dst``, computed now."""
        if src == dst:
            return 0, True
        d = self.station.get((src, dst))
        if d is None:
            d = self.station.get((dst, src))
        if d is not None:
            return d, True
        if dst in self._dist:
            return round(self.km(dst, src) * NS_PER_KM), True
        if src in self._dist:
            return round(self.km(src, dst) * NS_PER_KM), False
        self._dist[dst] = {}  # the distances from dst decide from now on
        return round(self.km(dst, src) * NS_PER_KM), True

    def km(self, a: int, b: int) -> float:
        """Shortest fibre distance from ``a`` to ``b`` (km); ``KeyError`` if unreachable."""
        dist = self._dist.setdefault(a, {})
        if b in dist:
            return dist[b]
        st = self._sp_state.get(a)
        if st is None:
            st = self._sp_state[a] = ({a: 0}, [(0, 0, a)], [0])
        seen, heap, count = st
        adj = self.graph._adj
        pop, push = heapq.heappop, heapq.heappush
        while b not in dist:
            if not heap:
                raise KeyError(b)
            d, _, v = pop(heap)
            if v in dist:
                continue
            dist[v] = d
            for u, e in adj[v].items():
                if u in dist:
                    continue
                vu = d + e.get("km", 1)
                if u not in seen or vu < seen[u]:
                    seen[u] = vu
                    count[0] += 1
                    push(heap, (vu, count[0], u))
        return dist[b]
