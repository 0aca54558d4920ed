"""What a node knows about one installed circuit, and the node context shared by engines."""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Any

from .messages import MessageFactory
from .resources import Resources


class RouteIndex(dict[int, int]):
    """A circuit's route and links, with each node's position on the route (``node -> index``
    of its first occurrence): one immutable object shared by every :class:`CircuitInfo` of the
    same route in the process, so that the memory a node holds per circuit does not grow with
    the number of nodes holding the circuit (see :func:`route_index`)."""

    __slots__ = ("__weakref__", "links", "route")

    def __init__(self, route: tuple[int, ...], links: tuple[int, ...]) -> None:
        super().__init__()
        for i, n in enumerate(route):
            self.setdefault(n, i)
        self.route = route
        self.links = links


_SHARED: weakref.WeakValueDictionary[tuple[tuple[int, ...], tuple[int, ...]], RouteIndex] = \
    weakref.WeakValueDictionary()


def route_index(route: tuple[int, ...], links: tuple[int, ...]) -> RouteIndex:
    """The shared :class:`RouteIndex` of ``(route, links)``: equal routes and links give the
    same object while any holder keeps it alive."""
    key = (route, links)
    found = _SHARED.get(key)
    if found is None:
        found = RouteIndex(route, links)
        _SHARED[(found.route, found.links)] = found
    return found


@dataclass(frozen=True)
class CircuitInfo:
    """A circuit as seen by one node: route, links, QoS, the CONFIRM's rules and estimates.

    ``links[i]`` joins ``route[i]`` and ``route[i + 1]``. ``rules`` holds the CONFIRM's rules a
    node needs: its own (``rules_of``); the route order is in ``route`` and :meth:`pos`. The
    route and links are stored once per process (:func:`route_index`).
    """

    circuit_id: int
    head_end: int
    tail_end: int
    head_endpoint: int
    tail_endpoint: int
    route: tuple[int, ...]
    links: tuple[int, ...]
    qos: dict[str, int]
    rules: tuple[dict[str, Any], ...] = ()
    expected_fidelity: float = 1.0
    expected_rate_mhz: int = 0
    #: the CONFIRM's swap schedule (``SWAP_SCHEDULE`` extension, FWD-020; 0: as soon as possible)
    swap_schedule: int = 0
    #: node -> index on the route (a dict lookup, shared with every holder of the route)
    _positions: RouteIndex = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index = route_index(tuple(self.route), tuple(self.links))
        object.__setattr__(self, "route", index.route)
        object.__setattr__(self, "links", index.links)
        object.__setattr__(self, "_positions", index)

    def pos(self, node: int) -> int:
        """Index of ``node`` on the route (-1 if absent); a dict lookup, asked per outcome."""
        return self._positions.get(node, -1)

    def rules_of(self, node: int) -> list[dict[str, Any]]:
        """The rules whose ``node`` is ``node``."""
        return [r for r in self.rules if r["node"] == node]

    def cutoff_of(self, node: int) -> int:
        """FWD-008.1: smallest non-zero ``cutoff_ns`` among the node's rules (0 = none)."""
        cut = [r["cutoff_ns"] for r in self.rules_of(node) if r["cutoff_ns"]]
        return min(cut) if cut else 0

    def side_links(self, node: int) -> tuple[int, int]:
        """(head-side link, tail-side link) of ``node``; 0 where there is none."""
        i = self.pos(node)
        head = self.links[i - 1] if i > 0 else 0
        tail = self.links[i] if i < len(self.links) else 0
        return head, tail


@dataclass
class NodeContext:
    """Per-node services the engines share (no I/O, no clock, no randomness)."""

    node_id: int
    factory: MessageFactory
    device: Any
    resources: Resources
    t2_ns: float = float("inf")
    #: the memories' T1 (``NodeConfig.t1_ns``; inf: no amplitude damping), SIG-045.1
    t1_ns: float = float("inf")
    #: the node's configured cutoff (``NodeConfig.cutoff_ns``, read by the delivery engine)
    cutoff_ns: int = 0
    link_engines: dict[int, Any] = field(default_factory=dict)

    def release_qubit(self, now: int, circuit: int, qubit: int, link: int, seq: int) -> None:
        """Free a stored qubit: device, memory slot and link-level record."""
        self.device.free(now=now, qubit=qubit)
        self.resources.give_back(circuit, qubit)
        self.link_gone(link, seq)

    def link_gone(self, link: int, seq: int) -> None:
        """The link pair ``(link, seq)`` is no longer held at link level."""
        eng = self.link_engines.get(link)
        if eng is not None:
            eng.pair_gone(seq)
