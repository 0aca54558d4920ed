"""What a node holds per circuit and per accepted message does not grow with the network:
the route is shared, a node keeps its own rules, and REL-007's memory is compact while giving
exactly the answers of the plain (source, message_id) -> deadline book it replaces."""

from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from qvcp.reference.circuit import CircuitInfo, route_index
from qvcp.reference.reliable import Reliability, ReliabilityConfig, dedup_key, key_source
from qvcp.reference.sim.network import Network


@dataclass
class OracleDedup:
    """REL-007's book as it was first written: every accepted (source, message_id) with its
    deadline, and a queue of (deadline, key) in the order of the accepts."""

    hold: int
    accepted: dict[tuple[int, int], int] = field(default_factory=dict)
    expiry: deque[tuple[int, tuple[int, int]]] = field(default_factory=deque)

    def seen(self, now: int, msg: dict[str, Any]) -> bool:
        self._expire(now)
        return (msg["source"], msg["message_id"]) in self.accepted

    def accept(self, now: int, msg: dict[str, Any]) -> None:
        self._expire(now)
        until = now + self.hold
        key = (msg["source"], msg["message_id"])
        self.accepted[key] = until
        self.expiry.append((until, key))

    def forget_source(self, source: int) -> None:
        for key in [k for k in self.accepted if k[0] == source]:
            del self.accepted[key]

    def _expire(self, now: int) -> None:
        while self.expiry and self.expiry[0][0] <= now:
            until, key = self.expiry.popleft()
            if self.accepted.get(key) == until:
                del self.accepted[key]


#: a few sources and ids, some outside u32 (and negative) to cover the pair-shaped keys
SOURCES = st.sampled_from([0, 1, 2, 7, 2**32 + 1, -3])
IDS = st.one_of(st.integers(0, 6), st.sampled_from([0xFFFFFFFF, 2**32, -1, 2**40]))
OPS = st.lists(st.tuples(st.sampled_from(["seen", "accept", "forget"]), SOURCES, IDS,
                         st.integers(-40, 400)), max_size=120)


@settings(max_examples=400, deadline=None)
@given(ops=OPS, hold=st.integers(1, 300))
def test_compact_dedup_book_answers_exactly_like_the_plain_one(
        ops: list[tuple[str, int, int, int]], hold: int) -> None:
    """Any interleaving of accepts, checks and restarts (time mostly moving on, sometimes
    standing still or going back) gets the same answers and the same count held."""
    config = ReliabilityConfig(rto_max_ns=10**6, max_retransmissions=1, msl_ns=0)
    rel = Reliability(config)
    oracle = OracleDedup(config.dedup_hold_ns)
    scale = config.dedup_hold_ns // hold  # steps of the order of the hold
    now = 0
    for op, source, mid, step in ops:
        now += step * scale
        msg = {"type": "SETUP", "source": source, "message_id": mid, "destination": 9}
        if op == "seen":
            assert rel.seen(now, msg) == oracle.seen(now, msg)
        elif op == "accept":
            rel.accept(now, msg)
            oracle.accept(now, msg)
        else:
            rel.forget_source(source)
            oracle.forget_source(source)
        assert len(rel.accepted) == len(oracle.accepted)


@given(a=st.tuples(SOURCES, IDS), b=st.tuples(SOURCES, IDS))
def test_dedup_keys_are_distinct_for_distinct_pairs(a: tuple[int, int],
                                                    b: tuple[int, int]) -> None:
    assert (dedup_key(*a) == dedup_key(*b)) == (a == b)
    assert key_source(dedup_key(*a)) == a[0]


def test_a_packed_key_is_one_int() -> None:
    assert dedup_key(3, 5) == 3 * 2**32 + 5
    assert dedup_key(3, 2**32) == (3, 2**32)
    assert len({dedup_key(0, 2**32), dedup_key(1, 0), dedup_key(0, 0), dedup_key(-1, 0),
                dedup_key(0, -1), dedup_key(0, 0xFFFFFFFF)}) == 6


def test_circuits_on_one_route_share_its_index() -> None:
    route, links = (4, 2, 9, 2), (11, 12, 13)
    one = CircuitInfo(1, 4, 2, 0, 0, route=list(route), links=links, qos={})  # type: ignore[arg-type]
    two = CircuitInfo(2, 4, 2, 0, 0, route=tuple(route), links=tuple(links), qos={})
    assert one.route is two.route and one.links is two.links
    assert one.route == route and isinstance(one.route, tuple)
    assert route_index(route, links) is one._positions
    assert [one.pos(n) for n in (4, 2, 9, 5)] == [0, 1, 2, -1]  # first occurrence
    assert one.side_links(9) == (12, 13) and one.side_links(4) == (0, 11)
    other = CircuitInfo(3, 4, 2, 0, 0, route=route, links=(11, 12, 14), qos={})
    assert other.links == (11, 12, 14) and other._positions is not one._positions


def test_every_node_of_a_chain_keeps_only_its_own_rules_and_one_shared_route() -> None:
    names = [f"N{i}" for i in range(12)]
    net = Network.from_scenario({
        "name": "chain-12", "seed": 1,
        "nodes": [{"name": x, "role": "end" if x in (names[0], names[-1]) else "router"}
                  for x in names],
        "links": [{"a": a, "b": b, "distance_km": 0.01, "model": "werner", "fidelity": 0.999,
                   "success_probability": 0.5, "preparation_ns": 1000}
                  for a, b in itertools.pairwise(names)],
        "demands": [{"head": names[0], "tail": names[-1], "num_pairs": 1000}]})
    net.run_until(60_000)
    infos = [sig.info for n in net.nodes.values() for sig in n.signalling.values()
             if sig.info is not None]
    assert len(infos) == 12
    assert len({id(i.route) for i in infos}) == 1 and len({id(i._positions) for i in infos}) == 1
    for node_id, node in net.nodes.items():
        (sig,) = node.signalling.values()
        assert sig.info.rules and all(r["node"] == node_id for r in sig.info.rules)
    route = infos[0].route
    assert len(route) == 12 and all(i.pos(n) == k for i in infos for k, n in enumerate(route))
