"""LINK-023 to LINK-025 in the simulator: a HERALD lost on its way to one node of a link, whose
pairs fill the other node's quota on that link, no longer stops the link for good when the
circuit has no cutoff. The node that missed it sees the gap in the LINK_SEQ of the next HERALD
of the link (a success or not) and expires the pairs at its peer, which attempts again.
Without LINK_SEQ (an older station) the same loss stalls the chain: the peer attempts with
``modes`` 0 for ever (LINK-020), so no later success shows the gap (LINK-016)."""

from __future__ import annotations

from typing import Any

import pytest

from qvcp.reference.sim.network import Network

MS = 1_000_000
LINK_SEQ = 5  # extension type (chapter 02 section 6)


def _scenario() -> dict[str, Any]:
    """A - R - B with one slot per link and circuit and no cutoff: a pair A holds on link A-R
    fills its quota there until R swaps it."""
    nodes = [{"name": "A", "role": "end", "profile": "ideal", "memory_qubits": 2},
             {"name": "R", "role": "router", "profile": "ideal", "memory_qubits": 4,
              "comm_qubits": 2},
             {"name": "B", "role": "end", "profile": "ideal", "memory_qubits": 2}]
    links = [{"a": a, "b": b, "distance_km": 2, "model": "werner", "fidelity": 0.99,
              "success_probability": 0.3, "preparation_ns": 5000}
             for a, b in (("A", "R"), ("R", "B"))]
    return {"name": "chain-3-lost-herald", "seed": 11, "duration_ns": 40 * MS,
            "options": {"measure_basis": "none", "slots_per_link": 1},
            "nodes": nodes, "links": links,
            "demands": [{"head": "A", "tail": "B", "num_pairs": 10**6, "min_fidelity": 0.5}]}


def _network(*, old_station: bool, after_ns: int,
             both: bool = False) -> tuple[Network, dict[str, int]]:
    """The network with the first HERALD sent after ``after_ns`` that gives R a pair on link
    A-R dropped on its way to R (``both``: and its copy to A); ``old_station``: every HERALD
    also loses its LINK_SEQ (a station without it)."""
    net = Network.from_scenario(_scenario())
    r = net.node_id("R")
    a = net.node_id("A")
    station = next(sid for sid, st in net.stations.items()
                   if {st.engine.node_a, st.engine.node_b} == {a, r})
    send = net._send
    seen: dict[str, int] = {"dropped": 0, "dropped_at": 0}

    def faulty_send(src: int, msg: dict[str, Any]) -> None:
        if msg["type"] == "HERALD" and old_station:
            msg = {**msg, "extensions": [e for e in msg["extensions"] if e["type"] != LINK_SEQ]}
        if (src == station and msg["type"] == "HERALD" and net.now >= after_ns
                and (msg["destination"] == r or both)
                and seen["dropped_at"] in (0, net.now) and seen["dropped"] < 1 + both
                and any(x["seq"] for x in msg["body"]["results"])):
            seen["dropped"] += 1
            seen["dropped_at"] = net.now
            return  # lost on its way to R (and A): A records the pair, R never learns of it
        send(src, msg)

    net._send = faulty_send  # type: ignore[method-assign]
    return net, seen


def _delivered_after(net: Network, t: int) -> int:
    net.run_until(t)
    return len(net.completed())


#: the lost HERALD: the link's first success (no seq heralded to R yet), or a later one
AFTER = pytest.mark.parametrize("after_ns", [0, 5 * MS], ids=["first", "later"])


@AFTER
def test_a_lost_herald_is_recovered_at_the_next_herald_of_the_link(after_ns: int) -> None:
    net, seen = _network(old_station=False, after_ns=after_ns)
    net.run_until(10 * MS)
    assert seen["dropped"] == 1
    at_loss = len(net.completed())
    assert _delivered_after(net, 40 * MS) > at_loss + 20  # the link delivers again
    a, r = net.node_id("A"), net.node_id("R")
    link = net.nodes[r].links[next(iter(net.nodes[a].links))]
    assert link.expired  # R found the lost seqs missing through LINK_SEQ and expired them
    assert net.check_invariants() == []
    assert "EXPIRE_RANGE_INVALID" not in net.error_counts


@AFTER
def test_without_link_seq_the_same_loss_stalls_the_chain(after_ns: int) -> None:
    net, seen = _network(old_station=True, after_ns=after_ns)
    net.run_until(10 * MS)
    assert seen["dropped"] == 1
    stalled = len(net.completed())
    held = net.memory_in_use()[net.node_id("A")]
    assert held >= 1  # A holds the pair R never heard of, and with it its quota on the link
    assert _delivered_after(net, 40 * MS) == stalled  # nothing more is delivered
    assert net.memory_in_use()[net.node_id("A")] == held


def test_both_heralds_of_a_slot_lost_are_expired_by_both_nodes_and_acknowledged() -> None:
    """Both nodes find the slot's seqs missing at the next HERALD and expire them at each
    other; each EXPIRE names seqs its receiver found missing too, so it is acknowledged, not
    refused (LINK-010.2)."""
    net, seen = _network(old_station=False, after_ns=5 * MS, both=True)
    acks: list[int] = []
    send = net._send

    def count_acks(src: int, msg: dict[str, Any]) -> None:
        if msg["type"] == "EXPIRE_ACK":
            acks.append(src)
        send(src, msg)

    net._send = count_acks  # type: ignore[method-assign]
    net.run_until(20 * MS)
    assert seen["dropped"] == 2
    assert sorted(set(acks)) == sorted((net.node_id("A"), net.node_id("R")))
    assert "EXPIRE_RANGE_INVALID" not in net.error_counts
    assert net.check_invariants() == []
