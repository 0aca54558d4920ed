"""SIG-016 at a router: which circuits the reference preempts to admit one of higher priority
(the lowest priority first, the most recently admitted first within it, only as many as
needed, none when even all would not make room), for memory and for link rate."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qvcp.conformance.node_harness import baseline_rules, setup_body
from qvcp.reference.device import ScriptedDevice
from qvcp.reference.engines.signalling import SigState
from qvcp.reference.node import LinkConfig, Node, NodeConfig
from qvcp.reference.sim.network import Network
from qvcp.reference.sim.scenario import load_scenario
from qvcp.schemas import ErrorCode

CHAIN_3 = Path(__file__).resolve().parents[2] / "schemas" / "scenarios" / "chain-3.yaml"

ROUTE = [1, 2, 3]


def _router(memory: int, rate_mhz: int = 0, preempt: bool = True) -> Node:
    links = (LinkConfig(link_id=1, peer=1, station=1001, slot_ns=1000, rate_mhz=rate_mhz),
             LinkConfig(link_id=2, peer=3, station=1002, slot_ns=1000, rate_mhz=rate_mhz))
    return Node(NodeConfig(node_id=2, role="router", memory_qubits=memory, comm_qubits=2,
                           links=links, strict=True, preempt=preempt), ScriptedDevice())


def _msg(mtype: str, source: int, body: dict[str, Any], mid: int) -> dict[str, Any]:
    return {"version": 1, "type": mtype, "message_id": mid, "source": source,
            "destination": 2, "body": body, "extensions": [], "auth": None}


def _setup(node: Node, circuit: int, *, priority: int = 0, rate: int = 0,
           confirm: bool = True) -> list[dict[str, Any]]:
    """SETUP from node 1 (and node 3's CONFIRM): the messages the router sends."""
    body = setup_body(circuit, ROUTE, 2, priority=priority, min_rate_mhz=rate)
    sent = Node.sent(node.receive(0, _msg("SETUP", 1, body, circuit)))
    if confirm and any(m["type"] == "SETUP" for m in sent):
        sent += Node.sent(node.receive(0, _msg("CONFIRM", 3, {
            "circuit_id": circuit, "expected_rate_mhz": rate, "expected_fidelity": 58000,
            "rules": baseline_rules(circuit, ROUTE, cutoff_ns=0)}, 100 + circuit)))
    return sent


def _preempted(sent: list[dict[str, Any]]) -> list[int]:
    """Circuits the router tore down with PREEMPTED (one TEARDOWN to each neighbour)."""
    down = [m["body"]["circuit_id"] for m in sent
            if m["type"] == "TEARDOWN" and m["body"]["reason"] == "PREEMPTED"]
    assert all(down.count(c) == 2 for c in down)
    return sorted(set(down))


def test_the_lowest_priority_and_newest_go_first_and_only_as_many_as_needed() -> None:
    node = _router(memory=6)  # three circuits of 2 slots (one per link)
    for circuit, priority in ((7, 0), (8, 1), (9, 0)):
        assert not _preempted(_setup(node, circuit, priority=priority))
    sent = _setup(node, 10, priority=2)
    assert _preempted(sent) == [9] and any(m["type"] == "SETUP" for m in sent)
    assert node.signalling[9].state is SigState.TEARING_DOWN
    assert _preempted(_setup(node, 11, priority=1)) == [7]
    sent = _setup(node, 12, priority=1)  # left: 8 (1), 10 (2), 11 (1): none strictly lower
    assert not _preempted(sent)
    assert [m["body"]["reason"] for m in sent if m["type"] == "REJECT"] == ["NO_RESOURCES"]
    assert {c for c, s in node.signalling.items() if s.state is SigState.ESTABLISHED} == {
        8, 10, 11}
    assert node.ctx.resources.unreserved() == 0


def test_nothing_is_preempted_when_all_candidates_would_not_make_room() -> None:
    node = _router(memory=5)  # circuits 7 and 8 take 4 slots; 9 needs 2, one is free
    _setup(node, 7, priority=1)
    _setup(node, 8, priority=0)
    sent = _setup(node, 9, priority=1)  # only 8 is lower: 1 + 2 slots make room
    assert _preempted(sent) == [8]
    sent = _setup(node, 10, priority=1)  # 7 and 9 are not lower: nothing to take
    assert not _preempted(sent) and node.signalling[7].state is SigState.ESTABLISHED


def test_link_rate_is_made_room_for_too() -> None:
    node = _router(memory=8, rate_mhz=1000)
    _setup(node, 7, priority=0, rate=800)
    sent = _setup(node, 8, priority=1, rate=500)  # memory enough, rate short on link 2
    assert _preempted(sent) == [7]
    assert node.ctx.resources.link_headroom_mhz(2) == 500


def test_a_node_configured_without_preemption_refuses() -> None:
    node = _router(memory=2, preempt=False)
    _setup(node, 7)
    sent = _setup(node, 8, priority=5)
    assert not _preempted(sent)
    assert [m["body"]["reason"] for m in sent if m["type"] == "REJECT"] == ["NO_RESOURCES"]


def _competing(high_priority: int) -> tuple[Network, int, int]:
    """chain-3 with a router that has memory for one circuit: a long request at priority 1
    from 0 s, then a second one (``high_priority``) between the same ends from 20 ms."""
    doc = dict(load_scenario(CHAIN_3))
    doc["nodes"] = [{**n, "memory_qubits": 2} for n in doc["nodes"]]  # R: one per link
    doc["nodes"][0]["memory_qubits"] = doc["nodes"][2]["memory_qubits"] = 4
    doc["demands"] = []
    net = Network.from_scenario(doc, seed=5, strict=True)
    low = net.open_circuit("A", "B", num_pairs=10_000, min_fidelity=0.8, priority=1)
    high = net.open_circuit("A", "B", num_pairs=20, min_fidelity=0.8, at_ns=20_000_000,
                            priority=high_priority)
    net.run_until(200_000_000)
    return net, low, high


def test_an_application_priority_preempts_in_the_simulator() -> None:
    """DLV-015 with SIG-016 end to end: the later request at priority 5 takes the router's
    memory from the running circuit of priority 1 (PREEMPTED), which fails its request, and
    is served; at priority 1 it is refused instead and the first circuit keeps running."""
    net, low, high = _competing(5)
    delivered = {r: sum(1 for d in net.completed() if d.head and d.head["request_id"] == r)
                 for r in (low, high)}
    assert delivered[high] == 20 and delivered[low] > 0
    assert all(d.time_ns < 20_000_000 + 1_000_000 for d in net.completed()
               if d.head and d.head["request_id"] == low)
    refusals = [r["code"] for r in net.rejects]
    assert ErrorCode.REQUEST_UNSATISFIABLE in refusals  # the preempted request fails
    assert net.check_invariants() == []

    net, low, high = _competing(1)
    delivered = {r: sum(1 for d in net.completed() if d.head and d.head["request_id"] == r)
                 for r in (low, high)}
    assert delivered[high] == 0 and delivered[low] > 20
