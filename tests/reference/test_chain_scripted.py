"""End-to-end behaviour of the engines on a scripted 3-node chain (no randomness)."""

from collections import deque

from harness import Harness


def test_three_node_chain_delivers_agreed_pair() -> None:
    """TRK-001.1, TRK-002, TRK-016, DLV-020.1, DLV-024: both ends agree on id and Bell state."""
    h = Harness(["end", "router", "end"])
    h.station_dev.resolve_results = deque([1, 3])  # link1 PSI_PLUS, link2 PSI_MINUS
    h.devices[2].bsm_results = deque([2])
    h.open(1, 3)
    h.run(20_000)
    head, tail = h.app_of(1, "PAIR_DELIVERY"), h.app_of(3, "PAIR_DELIVERY")
    assert len(head) == len(tail) == 1
    assert head[0]["body"]["pair_id"] == tail[0]["body"]["pair_id"] == (1 << 16) | 1
    assert head[0]["body"]["bell_state"] == tail[0]["body"]["bell_state"] == "PHI_PLUS"  # 1^3^2
    assert tail[0]["body"]["request_id"] == 0 and head[0]["body"]["request_id"] == 9
    assert h.errors() == []


def test_completed_circuit_is_torn_down_and_frees_memory() -> None:
    """SIG-030, SIG-033, SIG-035: teardown releases every memory slot at every hop."""
    h = Harness(["end", "router", "end"])
    h.station_dev.resolve_results = deque([1, 1])
    h.open(1, 3)
    h.run(20_000)
    for eng in (1, 3):
        h.nodes[eng].consume(h.now, h.app_of(eng, "PAIR_DELIVERY")[0]["body"]["qubit_handle"])
    h.run(40_000)
    types = [m["type"] for m in h.sent]
    assert "TEARDOWN" in types and "TEARDOWN_ACK" in types
    assert all(n.memory_in_use() == 0 for n in h.nodes.values())
    cid = next(m for m in h.sent if m["type"] == "SETUP")["body"]["circuit_id"]
    assert {n.circuit_state(cid).name for n in h.nodes.values()} == {"CLOSED"}
    # chapter 11 section 4.5: the engines are gone, only the released id is remembered
    assert not any(n.signalling or n.dataplane for n in h.nodes.values())


def test_reject_when_tail_endpoint_not_open() -> None:
    """DLV-004, DLV-011.1, SIG-020.2: REJECT UNREACHABLE travels back; the app gets an ERROR."""
    h = Harness(["end", "router", "end"])
    h.inject(1, "OPEN_ENDPOINT", {"endpoint": 5, "remote_node": 3, "remote_endpoint": 5})
    h.inject(1, "PAIR_REQUEST", {"endpoint": 5, "request_id": 1, "num_pairs": 1,
                                 "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0,
                                 "priority": 0})
    h.run(5_000)
    rejects = [m for m in h.sent if m["type"] == "REJECT"]
    assert rejects and rejects[0]["body"]["reason"] == "UNREACHABLE"
    assert h.app_of(1, "ERROR")[0]["body"]["code"] == 1027
    assert all(n.ctx.resources.reserved == {} for n in h.nodes.values())


def test_fidelity_unreachable_reject() -> None:
    """SIG-005.2: an unreachable fidelity is refused by the tail end."""
    h = Harness(["end", "router", "end"])
    h.open(1, 3, min_fidelity=65535)
    h.run(5_000)
    assert next(m["body"]["reason"] for m in h.sent if m["type"] == "REJECT") == \
        "FIDELITY_UNREACHABLE"


def test_cutoff_discards_and_never_delivers_late() -> None:
    """TRK-010, TRK-011.1, DLV-021.1: a pair older than the cutoff is discarded, not delivered."""
    h = Harness(["end", "router", "end"], cutoff_ns=3_000)
    h.station_dev.resolve_results = deque([1] + [255] * 50)
    h.open(1, 3)
    h.run(8_000)
    assert any(m["type"] == "DISCARD" for m in h.sent)
    assert h.app_of(1, "PAIR_DELIVERY") == []


def test_repeater_relays_signalling_and_swaps() -> None:
    """ROLE-101.3: an automated repeater takes part in the data plane of a circuit."""
    h = Harness(["end", "repeater", "router", "end"])
    h.station_dev.resolve_results = deque([1, 1, 1])
    h.devices[2].bsm_results = deque([0])
    h.devices[3].bsm_results = deque([0])
    h.open(1, 4)
    h.run(40_000)
    a, b = h.app_of(1, "PAIR_DELIVERY"), h.app_of(4, "PAIR_DELIVERY")
    assert len(a) == len(b) == 1
    assert a[0]["body"]["bell_state"] == b[0]["body"]["bell_state"] == "PSI_PLUS"


def test_service_errors() -> None:
    """DLV-001.2, DLV-010, DLV-012: endpoint misuse gives typed ERRORs to the application."""
    h = Harness(["end", "end"])
    h.inject(1, "PAIR_REQUEST", {"endpoint": 5, "request_id": 1, "num_pairs": 1,
                                 "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0,
                                 "priority": 0})
    h.inject(1, "OPEN_ENDPOINT", {"endpoint": 5, "remote_node": 2, "remote_endpoint": 5})
    h.inject(1, "OPEN_ENDPOINT", {"endpoint": 5, "remote_node": 2, "remote_endpoint": 5})
    h.inject(1, "PAIR_REQUEST", {"endpoint": 5, "request_id": 1, "num_pairs": 0,
                                 "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0,
                                 "priority": 0})
    h.inject(1, "CLOSE_ENDPOINT", {"endpoint": 6})
    codes = [m["body"]["code"] for m in h.sent if m["type"] == "ERROR"]
    assert codes == [1026, 1025, 6, 1026]


def test_unknown_link_and_circuit() -> None:
    """LINK-008, TRK-004: messages naming unknown links or circuits are rejected."""
    h = Harness(["end", "end"])
    h.inject(1, "HERALD", {"link_id": 99, "slot_ns": 0, "attempt_id_a": 1, "attempt_id_b": 1,
                           "results": [{"outcome": "FAILURE", "seq": 0}]}, source=101)
    h.inject(1, "DISCARD", {"circuit_id": 4, "pair": {"link_id": 1, "seq": 1},
                            "reason": "CUTOFF"}, source=2)
    assert [m["body"]["code"] for m in h.sent if m["type"] == "ERROR"] == [257, 513]
