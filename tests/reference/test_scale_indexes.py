"""Indexes that replace scans growing with the run: the simulator finds the node holding the
other end of a delivered pair (the tail of the request opened at the pair's head endpoint)
without scanning every request, and a node scans only its busy endpoints on every event, not
every endpoint it ever opened."""

from __future__ import annotations

from typing import Any

from qvcp.reference.sim.network import Network

MS = 1_000_000


def star(demands: list[dict[str, Any]]) -> dict[str, Any]:
    """Head ``A`` and tails ``B``, ``C`` behind router ``R``; short ideal links."""
    names = {"A": "end", "R": "router", "B": "end", "C": "end"}
    return {
        "name": "star", "seed": 3, "duration_ns": 40 * MS,
        "options": {"measure_basis": "Z"},
        "nodes": [{"name": n, "role": r, "memory_qubits": 4} for n, r in names.items()],
        "links": [{"a": a, "b": b, "distance_km": 0.01, "model": "werner", "fidelity": 0.99,
                   "success_probability": 0.5, "preparation_ns": 1000}
                  for a, b in (("A", "R"), ("R", "B"), ("R", "C"))],
        "demands": demands,
    }


def served(doc: dict[str, Any]) -> tuple[Network, dict[int, int]]:
    net = Network.from_scenario(doc)
    net.run_until(doc["duration_ns"])
    count: dict[int, int] = {}
    for d in net.completed():
        count[d.head["request_id"]] = count.get(d.head["request_id"], 0) + 1  # type: ignore[index]
    return net, count


def test_pairs_of_one_head_reach_the_tail_of_their_own_request() -> None:
    # more pairs than a tail has memory: a tail whose delivered qubits the simulator never
    # consumes (pair attributed to the other tail) stops after 4 pairs
    doc = star([{"head": "A", "tail": "B", "num_pairs": 12},
                {"head": "A", "tail": "C", "num_pairs": 12, "start_ns": 1 * MS}])
    net, count = served(doc)
    assert count == {1: 12, 2: 12}
    assert all(d.bits is not None for d in net.completed())  # measured at both ends
    assert net.memory_in_use()[net.names["B"]] == net.memory_in_use()[net.names["C"]] == 0
    assert net.check_invariants() == []


def test_a_node_scans_only_its_busy_endpoints() -> None:
    # one circuit after the other, each request on an endpoint of its own that stays open:
    # every request is served, and the engines a node scans on every event (for its timers)
    # are its links and the endpoints still busy, not every endpoint it ever opened
    doc = star([{"head": "A", "tail": "B", "num_pairs": 2, "start_ns": k * 2 * MS}
                for k in range(12)])
    doc["nodes"] = [n for n in doc["nodes"] if n["name"] != "C"]
    doc["links"] = doc["links"][:2]
    net, count = served(doc)
    assert count == {k: 2 for k in range(1, 13)}
    for name in ("A", "B"):
        node = net.nodes[net.names[name]]
        assert len(node.endpoints) == 12
        endpoints = {id(e) for e in node.endpoints.values()}
        scanned = [e for e in node._engines() if id(e) in endpoints]
        assert len(scanned) <= 1, f"{name} scans {len(scanned)} endpoints"
    assert net.check_invariants() == []
