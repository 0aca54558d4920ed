"""Faults injected into a simulated run: lost, duplicated, delayed and reordered classical
messages (globally or per link), links that go down and up, nodes that crash and restart.

A :class:`FaultPlan` is built from a scenario's ``faults`` section (or ``qvcp simulate``
options). It draws from its own generator, seeded from the run seed, so that a run with faults
is reproducible and the same faults hit the same messages whatever the physics samples. The
simulator asks it, for every message it sends, with which extra delays the message arrives:
none (lost), one, or two (duplicated); a message whose extra delay differs from the one sent
after it overtakes or falls behind it (reordering).

>>> plan = FaultPlan.build({"loss": 1.0}, seed=1, names={}, links={})
>>> plan.arrivals(1, 2)
[]
>>> plan.counts["lost"]
1
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["ChannelFaults", "FaultEvent", "FaultPlan"]

#: mixed into the run seed so that the fault stream differs from the physics stream
_FAULT_STREAM = 0x46415554


@dataclass(frozen=True)
class ChannelFaults:
    """What happens to each classical message on a channel."""

    loss: float = 0.0
    duplicate: float = 0.0
    jitter_ns: int = 0  # extra delay uniform in [0, jitter_ns]: messages overtake each other
    delay_ns: int = 0  # extra fixed delay

    @classmethod
    def of(cls, doc: dict[str, Any], base: ChannelFaults | None = None) -> ChannelFaults:
        b = base or cls()
        return cls(loss=doc.get("loss", b.loss), duplicate=doc.get("duplicate", b.duplicate),
                   jitter_ns=doc.get("jitter_ns", b.jitter_ns),
                   delay_ns=doc.get("delay_ns", b.delay_ns))

    @property
    def quiet(self) -> bool:
        return not (self.loss or self.duplicate or self.jitter_ns or self.delay_ns)


@dataclass(frozen=True)
class FaultEvent:
    """A failure at ``at_ns``: ``action`` is link_down, link_up, crash or restart; ``nodes``
    the link's two node ids, or the one node."""

    at_ns: int
    action: str
    nodes: tuple[int, ...]


@dataclass
class FaultPlan:
    """The faults of one run (see the module docstring)."""

    rng: np.random.Generator
    default: ChannelFaults = field(default_factory=ChannelFaults)
    #: unordered pair of endpoints (node or station ids) -> faults of that channel
    channels: dict[frozenset[int], ChannelFaults] = field(default_factory=dict)
    events: list[FaultEvent] = field(default_factory=list)
    #: link id -> the ids its traffic runs between (its two nodes and its station)
    link_members: dict[int, tuple[int, int, int]] = field(default_factory=dict)
    #: channels of links that are down: every message on them is dropped
    down: set[frozenset[int]] = field(default_factory=set)
    crashed: set[int] = field(default_factory=set)
    counts: Counter[str] = field(default_factory=Counter)

    @classmethod
    def build(cls, doc: dict[str, Any], *, seed: int, names: dict[str, int],
              links: dict[frozenset[int], tuple[int, int]]) -> FaultPlan:
        """The plan of a scenario's ``faults`` section. ``names`` maps node names to ids;
        ``links`` maps each link's pair of node ids to ``(link id, station id)``."""
        plan = cls(np.random.default_rng([seed, _FAULT_STREAM]))
        plan.default = ChannelFaults.of(doc)
        for (a, b), (link, station) in ((tuple(sorted(k)), v) for k, v in links.items()):
            plan.link_members[link] = (a, b, station)
        for entry in doc.get("links", ()):
            ends = frozenset(names[n] for n in (entry["a"], entry["b"]))
            link, station = links[ends]
            faults = ChannelFaults.of(entry, plan.default)
            a, b = sorted(ends)
            for pair in ((a, b), (a, station), (b, station)):
                plan.channels[frozenset(pair)] = faults
        for ev in doc.get("events", ()):
            plan.events.append(FaultEvent(ev["at_ns"], ev["action"],
                                          tuple(names[n] for n in ev["nodes"])))
        plan.events.sort(key=lambda e: e.at_ns)
        return plan

    def arrivals(self, src: int, dst: int) -> list[int]:
        """The extra delays (ns) with which one message from ``src`` to ``dst`` arrives: empty
        if it is lost, two entries if it is duplicated."""
        key = frozenset((src, dst))
        if dst in self.crashed or src in self.crashed:
            self.counts["dropped at a crashed node"] += 1
            return []
        if key in self.down:
            self.counts["dropped on a link that is down"] += 1
            return []
        ch = self.channels.get(key, self.default)
        if ch.quiet:
            return [0]
        rng = self.rng
        if ch.loss and rng.random() < ch.loss:
            self.counts["lost"] += 1
            return []
        copies = 2 if ch.duplicate and rng.random() < ch.duplicate else 1
        if copies == 2:
            self.counts["duplicated"] += 1
        out = []
        for _ in range(copies):
            extra = ch.delay_ns + (int(rng.integers(0, ch.jitter_ns + 1)) if ch.jitter_ns else 0)
            out.append(extra)
        if any(out):
            self.counts["delayed"] += 1
        return out

    def link_down(self, link: int) -> None:
        a, b, station = self.link_members[link]
        self.down |= {frozenset(p) for p in ((a, b), (a, station), (b, station))}
        self.counts["link down"] += 1

    def link_up(self, link: int) -> None:
        a, b, station = self.link_members[link]
        self.down -= {frozenset(p) for p in ((a, b), (a, station), (b, station))}
        self.counts["link up"] += 1


def crash_node(net: Any, nid: int) -> None:
    """Node ``nid`` stops: it receives nothing and its timers stop; every qubit it held is lost
    (the partner's half of a pair stays, as after a real crash)."""
    plan: FaultPlan = net.faults
    plan.crashed.add(nid)
    plan.counts["crash"] += 1
    net._armed.pop(nid, None)
    world = net.world
    for q in [q for q in world.pairs if q[0] == nid]:
        world.free(*q)
    for link in list(world.attempts):
        _slot, by_node = world.attempts[link]
        by_node.pop(nid, None)
        if not by_node:
            del world.attempts[link]
    for q in [q for q in world.pending_bits if q[0] == nid]:
        del world.pending_bits[q]


def restart_node(net: Any, nid: int) -> Any:
    """Node ``nid`` comes back with its configuration and no other state (a fresh process);
    returns the new node. A restart without a crash first is a crash and a restart at once."""
    plan: FaultPlan = net.faults
    if nid not in plan.crashed:
        crash_node(net, nid)
    plan.crashed.discard(nid)
    plan.counts["restart"] += 1
    node = net.nodes[nid] = net.fresh_node(nid)
    return node
