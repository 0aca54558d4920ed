"""What a node knows about one installed circuit, and the node context shared by engines."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .messages import MessageFactory
from .resources import Resources


@dataclass(frozen=True)
class CircuitInfo:
    """A circuit as seen by one node: route, links, QoS, the CONFIRM's rules and estimates.

    ``links[i]`` joins ``route[i]`` and ``route[i + 1]``.
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

    @cached_property
    def _positions(self) -> dict[int, int]:
        positions: dict[int, int] = {}
        for i, n in enumerate(self.route):
            positions.setdefault(n, i)
        return positions

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
