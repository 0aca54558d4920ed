"""One scripted-device test per group of transition-table entries (chapter 09 tables).

Every test drives nodes through :class:`harness.Harness` with explicit time and scripted
herald outcomes, then checks the transition taken (state before, event, state after) and what
the spec requires of it: messages sent, ERROR codes, qubits freed. Entries that the node only
reaches in races between its own engines (a defensive row) are fed with ``Node.internal``.
``test_table_coverage.py`` runs these tests and demands that every table entry is taken. The
delivery rows are ``test_table_entries_delivery.py``.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from harness import Harness

from qvcp.reference.engines import events as ev
from qvcp.reference.engines.delivery import EndpointState
from qvcp.reference.engines.link import LinkState
from qvcp.reference.engines.signalling import SigState
from qvcp.schemas import ErrorCode

CID = 1 << 16 | 1  # first circuit opened by node 1
SUCCESS, FAIL = 1, 255


def _took(h: Harness, engine: str, state: str, event: str, nxt: str, key: str = "") -> None:
    recs = [r for r in h.taken(engine, state, event) if key in r.key]
    assert recs, f"{engine} {state} --{event}--> not taken"
    assert recs[-1].next_state == nxt, f"{engine} {state} --{event}--> {recs[-1].next_state}"


def _codes(msgs: list[dict[str, Any]]) -> list[int]:
    return [m["body"]["code"] for m in msgs]


def _net_errors(h: Harness) -> list[dict[str, Any]]:
    return [m for m in h.errors() if m["destination"] != m["source"]]


def _frees(h: Harness, node: int) -> list[int]:
    return [int(c["qubit"]) for n, c in h.devices[node].calls if n == "free"]  # type: ignore[call-overload]


def _pair_msg(link: int, seq: int, reason: str = "CUTOFF") -> dict[str, Any]:
    return {"circuit_id": CID, "pair": {"link_id": link, "seq": seq}, "reason": reason}


def _expire(link: int, seq: int) -> dict[str, int]:
    return {"link_id": link, "first_seq": seq, "last_seq": seq}


def _request(h: Harness, node: int, endpoint: int, *, num_pairs: int = 1,
             deadline_ns: int = 0, request_id: int = 9) -> None:
    h.inject(node, "PAIR_REQUEST", {"endpoint": endpoint, "request_id": request_id,
                                    "num_pairs": num_pairs, "min_fidelity": 0,
                                    "min_rate_mhz": 0, "deadline_ns": deadline_ns, "priority": 0})


def _open(h: Harness, node: int, endpoint: int, remote: int) -> None:
    h.inject(node, "OPEN_ENDPOINT", {"endpoint": endpoint, "remote_node": remote,
                                     "remote_endpoint": endpoint})


# -- link layer (chapter 03) ---------------------------------------------------------------------
def test_link_idle_rows() -> None:
    """IDLE link: stray HERALD -> ATTEMPT_MISMATCH (LINK-006.2); a station ERROR is ignored;
    EXPIRE of unheralded pairs -> EXPIRE_RANGE_INVALID without ack (LINK-010.2); EXPIRE_ACK and
    a GENERATE removal for a circuit not on the link change nothing."""
    h = Harness(["end", "end"])
    h.inject(1, "HERALD", {"link_id": 1, "slot_ns": 7000, "attempt_id_a": 1, "attempt_id_b": 1,
                           "results": [{"outcome": "PSI_PLUS", "seq": 1}]}, source=101)
    _took(h, "link", "IDLE", "Herald", "IDLE")
    assert _codes(h.sent_of("ERROR", 1, 101)) == [ErrorCode.ATTEMPT_MISMATCH]
    h.inject(1, "ERROR", {"code": int(ErrorCode.ATTEMPT_MISMATCH), "offending_message_id": 4,
                          "offending_type": 16, "field": "", "detail": ""}, source=101)
    _took(h, "link", "IDLE", "ErrorReceived", "IDLE")
    assert len(h.sent_of("ERROR", 1)) == 1  # an ERROR is never answered
    h.inject(1, "EXPIRE", _expire(1, 3), source=2)
    _took(h, "link", "IDLE", "Expire", "IDLE")
    assert _codes(h.sent_of("ERROR", 1, 2)) == [ErrorCode.EXPIRE_RANGE_INVALID]
    assert not h.sent_of("EXPIRE_ACK")
    h.inject(1, "EXPIRE_ACK", _expire(1, 3), source=2)
    _took(h, "link", "IDLE", "ExpireAck", "IDLE")
    h.internal(1, ev.GenerateOff(circuit_id=CID), link_id=1)
    _took(h, "link", "IDLE", "GenerateOff", "IDLE")
    assert h.nodes[1].links[1].next_deadline() is None
    assert len(h.sent_of("ERROR", 1)) == 2 and not h.sent_of("ATTEMPT")


def test_link_expire_while_armed_and_attempting() -> None:
    """LINK-011.1: EXPIRE of a held pair (ARMED or ATTEMPTING) frees the qubit at the end
    (HOLDING -> EMPTY) and is acknowledged with the same range; EXPIRE_ACK is absorbed."""
    h = Harness(["end", "router", "end"], slots_per_link=2)
    # slot 1000: two modes, one pair; slot 2000: one mode left in the quota
    h.resolve_by_link[1] = deque([SUCCESS, 255, SUCCESS])
    h.open(1, 3)
    h.run(1500)  # (1, 1) heralded at 1020; node 1 waits for slot 2000
    assert h.nodes[1].links[1].state is LinkState.ARMED
    # a late station ERROR naming an older attempt changes nothing while ARMED (LINK-003.3)
    h.inject(1, "ERROR", {"code": int(ErrorCode.ATTEMPT_MISMATCH), "offending_message_id": 4,
                          "offending_type": 16, "field": "", "detail": ""}, source=101)
    _took(h, "link", "ARMED", "ErrorReceived", "ARMED")
    h.inject(1, "EXPIRE_ACK", _expire(1, 1), source=2)
    _took(h, "link", "ARMED", "ExpireAck", "ARMED")
    h.run(2005)  # second attempt on link 1 outstanding
    assert h.nodes[1].links[1].state is LinkState.ATTEMPTING
    qubit = h.nodes[1].dataplane[CID].held[(1, 1)].qubit
    h.inject(1, "EXPIRE", _expire(1, 1), source=2)
    _took(h, "link", "ATTEMPTING", "Expire", "ATTEMPTING")
    _took(h, "end", "HOLDING", "PeerExpired", "EMPTY")
    assert qubit in _frees(h, 1)
    (ack,) = h.sent_of("EXPIRE_ACK", 1, 2)
    assert ack["body"] == _expire(1, 1)
    h.inject(1, "EXPIRE_ACK", _expire(1, 1), source=2)
    _took(h, "link", "ATTEMPTING", "ExpireAck", "ATTEMPTING")
    h.run(2100)  # (1, 2) heralded: node 1 holds it; node 2 expires it while ARMED
    assert h.nodes[2].links[1].state is LinkState.ARMED
    h.inject(2, "EXPIRE", _expire(1, 2), source=1)
    _took(h, "link", "ARMED", "Expire", "ARMED", key="2/")
    _took(h, "swap", "HOLD_HEAD", "PeerExpired", "HOLD_HEAD")  # (1, 1) still held there
    assert (1, 2) not in h.nodes[2].dataplane[CID].held
    assert h.sent_of("EXPIRE_ACK", 2, 1)[0]["body"] == _expire(1, 2)
    assert not h.errors()


def test_link_generate_on_in_armed_and_attempting() -> None:
    """FWD-003: a second circuit's GENERATE rule joins the slot rotation whether the link is
    waiting for a slot or has an attempt outstanding; the outstanding attempt is unaffected."""
    h = Harness(["end", "end"])
    h.open(1, 2)
    h.run(985)
    for node in (2, 1):
        _open(h, node, 6, 3 - node)
    _request(h, 1, 6, request_id=10)
    h.run(1100)
    _took(h, "link", "ARMED", "GenerateOn", "ARMED", key="2/")
    _took(h, "link", "ATTEMPTING", "GenerateOn", "ATTEMPTING", key="1/")
    assert h.nodes[1].links[1].circuits == [CID, CID + 1]
    h.run(2100)  # slot 2000 belongs to circuit index 2000 // 1000 % 2 = 0 -> CID
    slots = [m["body"]["slot_ns"] for m in h.sent_of("ATTEMPT", 1)]
    assert slots == [1000, 2000]


def test_generate_off_while_attempting_then_late_herald() -> None:
    """Teardown during an attempt (SIG-030, LINK-103): the attempt's qubit and communication
    qubit are freed at once and the link stays ATTEMPTING until the HERALD, whose success then
    makes no pair and frees nothing more; nothing is delivered. A pair reaching an end's
    closed data plane anyway (a defensive row; the TEARDOWN_ACK is lost, so the circuit is
    still TEARING_DOWN) is freed, and so is one reaching the node after the release."""
    h = Harness(["end", "end"])
    h.drop = lambda m: m["type"] == "TEARDOWN_ACK"
    h.resolve_by_link[1] = deque([SUCCESS])
    h.open(1, 2)
    h.run(1005)
    qubit = h.nodes[1].links[1].attempt[3][0]
    h.inject(1, "CLOSE_ENDPOINT", {"endpoint": 5})
    _took(h, "link", "ATTEMPTING", "GenerateOff", "ATTEMPTING", key="1/")
    assert _frees(h, 1) == [qubit] and h.nodes[1].memory_in_use() == 0
    assert h.nodes[1].ctx.resources.comm_busy == 0
    h.run(1030)
    _took(h, "link", "ATTEMPTING", "GenerateOff", "ATTEMPTING", key="2/")
    _took(h, "link", "ATTEMPTING", "Herald", "IDLE", key="1/")
    for node in (1, 2):
        assert h.nodes[node].links[node and 1].state is LinkState.IDLE
        assert h.nodes[node].memory_in_use() == 0 == h.nodes[node].ctx.resources.comm_busy
        assert len(_frees(h, node)) == 1  # freed once, at the teardown
    assert not h.app_of(1, "PAIR_DELIVERY") and not h.app_of(2, "PAIR_DELIVERY")
    assert not _net_errors(h)
    h.internal(1, ev.LinkPairReady(circuit_id=CID, link_id=1, seq=9, qubit=3, bell=1,
                                   created_ns=0, peer=2))
    _took(h, "end", "CLOSED", "LinkPairReady", "CLOSED", key="1/")
    assert _frees(h, 1)[-1] == 3
    h.drop = lambda m: False
    h.run(10**9)  # the TEARDOWN retransmissions are acknowledged: released, engines gone
    assert h.nodes[1].circuit_state(CID) is SigState.CLOSED and not h.nodes[1].dataplane
    h.internal(1, ev.LinkPairReady(circuit_id=CID, link_id=1, seq=10, qubit=2, bell=1,
                                   created_ns=0, peer=2))
    assert _frees(h, 1)[-1] == 2 and h.nodes[1].memory_in_use() == 0


def test_herald_timeout_frees_the_qubit_and_rearms() -> None:
    """LINK-009: no HERALD within the timeout -> the attempt failed: qubit freed, next slot."""
    h = Harness(["end", "end"])
    h.drop = lambda m: m["type"] == "HERALD"
    h.open(1, 2)
    h.run(4500)
    _took(h, "link", "ATTEMPTING", "HeraldTimeout", "ARMED")
    first = h.sent_of("ATTEMPT", 1)
    assert [m["body"]["slot_ns"] for m in first] == [1000, 4000]
    name, call = h.devices[1].calls[0]
    assert name == "attempt" and call["qubits"] and set(call["qubits"]) <= set(_frees(h, 1))


# -- signalling (chapter 05) ---------------------------------------------------------------------
def test_duplicate_setup_in_setup_sent_pending_established() -> None:
    """SIG-004: SETUP for a circuit id in use -> ERROR DUPLICATE_CIRCUIT, state unchanged."""
    h = Harness(["end", "router", "end"])
    h.open(1, 3)
    h.run(15)
    setup = h.sent_of("SETUP", 1)[0]
    h.inject(1, "SETUP", setup["body"], source=2, message_id=70)
    _took(h, "signalling", "SETUP_SENT", "Setup", "SETUP_SENT")
    h.inject(2, "SETUP", setup["body"], source=1, message_id=71)
    _took(h, "signalling", "PENDING", "Setup", "PENDING")
    h.run(200)
    h.inject(2, "SETUP", setup["body"], source=1, message_id=72)
    _took(h, "signalling", "ESTABLISHED", "Setup", "ESTABLISHED")
    errs = [m for m in h.errors() if m["body"]["code"] == ErrorCode.DUPLICATE_CIRCUIT]
    assert [m["body"]["offending_message_id"] for m in errs] == [70, 71, 72]
    assert h.nodes[2].signalling[CID].state is SigState.ESTABLISHED


def test_reject_travels_back_and_fails_the_request() -> None:
    """SIG-020.2/DLV-011.1: REJECT from the tail releases the hop (PENDING -> CLOSED), is forwarded,
    and at the head (SETUP_SENT -> CLOSED) fails the request with REQUEST_UNSATISFIABLE."""
    h = Harness(["end", "router", "end"])
    h.open(1, 3, min_fidelity=65535)
    h.run(100)
    _took(h, "signalling", "PENDING", "Reject", "CLOSED")
    _took(h, "signalling", "SETUP_SENT", "Reject", "CLOSED")
    _took(h, "delivery", "REQUESTED", "CircuitDown", "OPEN")
    assert h.sent_of("REJECT", 2, 1)[0]["body"]["reason"] == "FIDELITY_UNREACHABLE"
    assert _codes(h.app_of(1, "ERROR")) == [ErrorCode.REQUEST_UNSATISFIABLE]
    assert h.nodes[2].ctx.resources.reserved == {}
    # late messages for the released circuit: TEARDOWN_ACK and a local close are absorbed
    # (CLOSED rows), REJECT and CONFIRM are unexpected (SIG-006.1: the circuit is IDLE again)
    h.inject(1, "TEARDOWN_ACK", {"circuit_id": CID, "released_memory": 0}, source=2)
    _took(h, "signalling", "CLOSED", "TeardownAck", "CLOSED")
    h.internal(1, ev.CloseCircuit(circuit_id=CID))
    _took(h, "signalling", "CLOSED", "CloseCircuit", "CLOSED")
    assert not h.nodes[1].signalling  # the released circuit's machine is not kept
    assert not _net_errors(h) and not h.sent_of("TEARDOWN")
    h.inject(1, "REJECT", h.sent_of("REJECT", 2, 1)[0]["body"], source=2)
    h.inject(1, "CONFIRM", {"circuit_id": CID, "expected_rate_mhz": 0,
                            "expected_fidelity": 0, "rules": []}, source=2)
    assert _codes(_net_errors(h)) == [ErrorCode.UNEXPECTED_MESSAGE] * 2
    assert not h.sent_of("REJECT", 1) and not h.sent_of("CONFIRM", 1)


def test_setup_timeouts_teardown_crossing_and_ack_retransmission() -> None:
    """SIG-014: SETUP_SENT and PENDING give up after the setup timeout and tear down (SIG-032.2);
    a TEARDOWN crossing ours is acked (TEARING_DOWN -> CLOSED); an unacked TEARDOWN is resent
    (SIG-034) and abandoned after the retries."""
    h = Harness(["end", "router", "end"], setup_timeout_ns=500, ack_timeout_ns=1000)
    h.drop = lambda m: m["destination"] == 3 or (m["type"] == "TEARDOWN" and m["source"] == 1)
    h.open(1, 3)
    h.run(600)
    _took(h, "signalling", "SETUP_SENT", "SetupTimeout", "TEARING_DOWN")
    _took(h, "signalling", "PENDING", "SetupTimeout", "TEARING_DOWN")
    _took(h, "signalling", "TEARING_DOWN", "Teardown", "CLOSED", key="1/")
    assert [m["body"]["circuit_id"] for m in h.sent_of("TEARDOWN_ACK", 1, 2)] == [CID]
    _took(h, "signalling", "TEARING_DOWN", "TeardownAck", "TEARING_DOWN", key="2/")
    h.run(200_000)  # 1000 ns doubling: retransmissions at +1, +3, +7, ... +127 us
    _took(h, "signalling", "TEARING_DOWN", "AckTimeout", "CLOSED", key="2/")
    resent = [m for m in h.lost if m["type"] == "TEARDOWN" and m["source"] == 2]
    # the first TEARDOWN and max_retransmissions (6, REL-006) retransmissions to the lost tail
    assert len(resent) == 1 + 6
    # SIG-014.1: a circuit given up after the setup timeout is torn down with reason FAILURE
    gave_up = [m for m in h.lost if m["type"] == "TEARDOWN" and m["source"] in (1, 2)]
    assert gave_up and {m["body"]["reason"] for m in gave_up} == {"FAILURE"}
    assert h.nodes[2].circuit_state(CID) is SigState.CLOSED
    assert h.nodes[2].ctx.resources.reserved == {}


def test_teardown_in_setup_sent_and_pending() -> None:
    """SIG-030/033: TEARDOWN while SETUP_SENT or PENDING releases, acks with the released
    memory and is propagated away from its source; a late CONFIRM is then unexpected
    (SIG-006.2)."""
    h = Harness(["end", "router", "end"])
    h.open(1, 3)
    h.run(15)  # router PENDING, head SETUP_SENT
    h.inject(2, "TEARDOWN", {"circuit_id": CID, "reason": "NORMAL"}, source=1)
    _took(h, "signalling", "PENDING", "Teardown", "TEARING_DOWN")
    assert h.sent_of("TEARDOWN_ACK", 2, 1)[0]["body"]["released_memory"] == 2
    assert h.sent_of("TEARDOWN", 2, 3)
    h.inject(1, "TEARDOWN", {"circuit_id": CID, "reason": "NORMAL"}, source=2)
    _took(h, "signalling", "SETUP_SENT", "Teardown", "CLOSED")
    assert h.sent_of("TEARDOWN_ACK", 1, 2)[0]["body"]["released_memory"] == 1
    _took(h, "delivery", "REQUESTED", "CircuitDown", "OPEN")
    h.run(100)  # CONFIRM from the tail meets the router tearing down
    assert not h.taken("signalling", "TEARING_DOWN", "Confirm")
    assert [m["body"]["code"] for m in h.sent_of("ERROR", 2, 3)] == [
        ErrorCode.UNEXPECTED_MESSAGE]
    assert not h.sent_of("CONFIRM", 2)
    assert h.nodes[2].circuit_state(CID) is SigState.CLOSED


def test_teardown_for_unknown_circuit_is_acked() -> None:
    """SIG-031: TEARDOWN for a circuit never seen -> TEARDOWN_ACK with released_memory 0."""
    h = Harness(["end", "router", "end"])
    h.inject(2, "TEARDOWN", {"circuit_id": 99, "reason": "NORMAL"}, source=1)
    _took(h, "signalling", "IDLE", "Teardown", "CLOSED")
    assert h.sent_of("TEARDOWN_ACK", 2, 1)[0]["body"] == {"circuit_id": 99,
                                                          "released_memory": 0}
    assert not h.errors()


def test_close_circuit_while_pending() -> None:
    """SIG-032.2: a hop closing a PENDING circuit releases it and tears down both ways."""
    h = Harness(["end", "router", "end"])
    h.open(1, 3)
    h.run(15)
    h.internal(2, ev.CloseCircuit(circuit_id=CID, reason="PREEMPTED"))
    _took(h, "signalling", "PENDING", "CloseCircuit", "TEARING_DOWN")
    assert {m["destination"] for m in h.sent_of("TEARDOWN", 2)} == {1, 3}
    assert all(m["body"]["reason"] == "PREEMPTED" for m in h.sent_of("TEARDOWN", 2))
    assert h.nodes[2].ctx.resources.reserved == {}


def test_duration_timer_tears_the_circuit_down() -> None:
    """qos.duration_ns (SIG-035; requests carry none, their deadline is DLV-011.2's): the head
    tears down when it elapses, with reason COMPLETED."""
    h = Harness(["end", "end"])
    _open(h, 2, 5, 1)
    _open(h, 1, 5, 2)
    qos = {"min_rate_mhz": 0, "min_fidelity": 0, "max_latency_ns": 0, "cutoff_ns": 0,
           "num_pairs": 0, "duration_ns": 5000, "priority": 0}
    h.internal(1, ev.OpenCircuit(circuit_id=CID, tail_end=2, head_endpoint=5, tail_endpoint=5,
                                 qos=qos))
    h.run(5100)
    _took(h, "signalling", "ESTABLISHED", "DurationTimer", "TEARING_DOWN")
    (td,) = h.sent_of("TEARDOWN", 1, 2)
    assert td["body"]["reason"] == "COMPLETED"
    assert h.nodes[1].circuit_state(CID) is SigState.CLOSED  # acked at 5020 + 20
    assert h.nodes[1].endpoints[5].state is EndpointState.OPEN


# -- data plane: end nodes and swapping hops (chapter 04) ----------------------------------------
def _holding(link_results: dict[int, list[int]], **kw: Any) -> Harness:
    h = Harness(["end", "router", "end"], **kw)
    for link, res in link_results.items():
        h.resolve_by_link[link] = deque(res)
    h.open(1, 3, num_pairs=2)
    h.run(1100)
    return h


def test_end_and_router_discard_of_held_qubits() -> None:
    """TRK-012.1: a DISCARD naming a held qubit frees it (no DISCARD back, TRK-010 is for the
    discarding side): end HOLDING -> EMPTY, router HOLD_HEAD -> EMPTY / HOLD_TAIL -> EMPTY."""
    h = _holding({1: [SUCCESS]})
    q1 = h.nodes[1].dataplane[CID].held[(1, 1)].qubit
    h.inject(1, "DISCARD", _pair_msg(1, 1), source=2)
    _took(h, "end", "HOLDING", "Discard", "EMPTY")
    h.inject(2, "DISCARD", _pair_msg(1, 1), source=1)
    _took(h, "swap", "HOLD_HEAD", "Discard", "EMPTY")
    assert q1 in _frees(h, 1) and _frees(h, 2)
    h = _holding({2: [SUCCESS]})
    h.inject(2, "DISCARD", _pair_msg(2, 1), source=3)
    _took(h, "swap", "HOLD_TAIL", "Discard", "EMPTY")
    assert not h.sent_of("DISCARD", 2) and not h.errors()


def test_router_peer_expired_on_either_side() -> None:
    """LINK-011.1 at a swapping hop: EXPIRE of a held pair frees it (HOLD_* -> EMPTY)."""
    h = _holding({1: [SUCCESS]})
    h.inject(2, "EXPIRE", _expire(1, 1), source=1)
    _took(h, "swap", "HOLD_HEAD", "PeerExpired", "EMPTY")
    h = _holding({2: [SUCCESS]})
    h.inject(2, "EXPIRE", _expire(2, 1), source=3)
    _took(h, "swap", "HOLD_TAIL", "PeerExpired", "EMPTY")
    assert h.sent_of("EXPIRE_ACK", 2, 3) and h.nodes[2].memory_in_use() == 0


def test_end_holding_second_link_pair() -> None:
    """An end holding one pair stores the next (slots_per_link 2): HOLDING -> HOLDING."""
    h = _holding({1: [SUCCESS, SUCCESS]}, slots_per_link=2)
    h.run(2100)
    _took(h, "end", "HOLDING", "LinkPairReady", "HOLDING")
    assert set(h.nodes[1].dataplane[CID].held) == {(1, 1), (1, 2)}


def test_router_tail_cutoff_discards_towards_the_tail() -> None:
    """TRK-011.1: a tail-side qubit reaching the cutoff is freed and DISCARD (CUTOFF) goes to its
    partner, the tail end."""
    h = _holding({2: [SUCCESS]}, cutoff_ns=3000)
    h.run(4001)
    _took(h, "swap", "HOLD_TAIL", "CutoffTimer", "EMPTY")
    (d,) = h.sent_of("DISCARD", 2, 3)
    assert d["body"] == _pair_msg(2, 1)


def test_teardown_while_holding_frees_everything() -> None:
    """SIG-030/036: teardown frees held qubits without DISCARDs (end HOLDING, router HOLD_HEAD
    or HOLD_TAIL -> CLOSED); afterwards tracking news is ignored (CLOSED rows while the
    TEARDOWN_ACKs are lost, then REL-023 once the circuit is released)."""
    for link, state in ((1, "HOLD_HEAD"), (2, "HOLD_TAIL")):
        h = _holding({link: [SUCCESS]})
        h.drop = lambda m: m["type"] == "TEARDOWN_ACK"
        h.inject(1, "CLOSE_ENDPOINT", {"endpoint": 5})
        h.run(1200)
        _took(h, "swap", state, "CloseCircuit", "CLOSED")
        if link == 1:
            _took(h, "end", "HOLDING", "CloseCircuit", "CLOSED")
        assert not h.sent_of("DISCARD")
        assert all(n.memory_in_use() == 0 for n in h.nodes.values())
    outcome = {"circuit_id": CID, "outcome_seq": 0, "left": {"link_id": 1, "seq": 1},
               "right": {"link_id": 2, "seq": 1}, "bsm_result": "PHI_PLUS",
               "bell_index": "PHI_PLUS", "new_partner": 3}
    h.inject(1, "SWAP_OUTCOME", outcome, source=2)
    _took(h, "end", "CLOSED", "SwapOutcome", "CLOSED")
    h.inject(1, "DISCARD", _pair_msg(1, 1), source=2)
    _took(h, "end", "CLOSED", "Discard", "CLOSED")
    h.inject(2, "SWAP_OUTCOME", outcome, source=1)
    _took(h, "swap", "CLOSED", "SwapOutcome", "CLOSED")
    h.inject(2, "DISCARD", _pair_msg(2, 1), source=3)
    _took(h, "swap", "CLOSED", "Discard", "CLOSED")
    late = {"circuit_id": CID, "link_id": 1, "seq": 5}
    h.internal(1, ev.PeerExpired(**late))
    _took(h, "end", "CLOSED", "PeerExpired", "CLOSED")
    h.internal(2, ev.PeerExpired(**late))
    _took(h, "swap", "CLOSED", "PeerExpired", "CLOSED")
    h.internal(2, ev.LinkPairReady(qubit=3, bell=1, created_ns=0, peer=1, **late))
    _took(h, "swap", "CLOSED", "LinkPairReady", "CLOSED")
    assert 3 in _frees(h, 2)
    assert not _net_errors(h) and not h.sent_of("DISCARD")
    h.drop = lambda m: False
    h.run(10**9)
    assert not any(n.signalling or n.dataplane for n in h.nodes.values())
    for node, src in ((1, 2), (2, 1)):  # REL-023: ignored, no ERROR, after the release too
        h.inject(node, "SWAP_OUTCOME", outcome, source=src)
        h.inject(node, "DISCARD", _pair_msg(node, 1), source=src)
    assert not _net_errors(h) and not h.sent_of("DISCARD")
    # DLV-005: closing the endpoint failed the request it was serving, echoing its message_id
    (err,) = h.app_of(1, "ERROR")
    assert err["body"]["code"] == ErrorCode.ENDPOINT_NOT_OPEN
    assert err["body"]["offending_message_id"] == 1  # Harness.open's PAIR_REQUEST


def test_empty_data_plane_rows() -> None:
    """EMPTY: a SWAP_OUTCOME naming no qubit of the circuit -> UNKNOWN_PAIR (TRK-004 family);
    a PeerExpired for a pair not held changes nothing."""
    h = Harness(["end", "router", "end"])
    h.open(1, 3)
    h.run(200)
    outcome = {"circuit_id": CID, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9},
               "right": {"link_id": 2, "seq": 9}, "bsm_result": "PHI_PLUS",
               "bell_index": "PHI_PLUS", "new_partner": 3}
    h.inject(1, "SWAP_OUTCOME", outcome, source=2)
    _took(h, "end", "EMPTY", "SwapOutcome", "EMPTY")
    assert _codes(h.sent_of("ERROR", 1, 2)) == [ErrorCode.UNKNOWN_PAIR]
    gone = {"circuit_id": CID, "link_id": 1, "seq": 9}
    h.internal(1, ev.PeerExpired(**gone))
    _took(h, "end", "EMPTY", "PeerExpired", "EMPTY")
    h.internal(2, ev.PeerExpired(**gone))
    _took(h, "swap", "EMPTY", "PeerExpired", "EMPTY")
    assert len(h.errors()) == 1


def test_route_invalid_from_the_next_hop_is_refused_upstream() -> None:
    """SIG-003: a hop whose SETUP the next hop answers with ERROR ROUTE_INVALID releases and
    sends REJECT UNREACHABLE upstream (PENDING -> CLOSED); the head end fails the request
    (SETUP_SENT -> CLOSED); an ERROR of another code changes nothing."""
    h = Harness(["end", "router", "end"])
    h.drop = lambda m: m["type"] == "SETUP" and m["destination"] == 3
    h.open(1, 3)
    h.run(15)  # router PENDING, its SETUP to the tail lost
    setup = h.lost[-1]
    error = {"code": ErrorCode.ROUTE_INVALID, "offending_message_id": setup["message_id"],
             "offending_type": 0x30, "field": "body.route", "detail": "route invalid"}
    h.inject(2, "ERROR", {**error, "code": ErrorCode.DUPLICATE_CIRCUIT}, source=3)
    _took(h, "signalling", "PENDING", "ErrorReceived", "PENDING")
    h.inject(2, "ERROR", error, source=3)
    _took(h, "signalling", "PENDING", "ErrorReceived", "CLOSED")
    reject = h.sent_of("REJECT", 2, 1)
    assert [(m["body"]["reason"], m["body"]["rejecting_node"]) for m in reject] == [
        ("UNREACHABLE", 2)]
    assert h.nodes[2].ctx.resources.reserved == {}
    h.run(100)
    _took(h, "signalling", "SETUP_SENT", "Reject", "CLOSED")
    assert _codes(h.app_of(1, "ERROR")) == [ErrorCode.REQUEST_UNSATISFIABLE]
    h2 = Harness(["end", "router", "end"])
    h2.drop = lambda m: m["type"] == "SETUP"
    h2.open(1, 3)
    first = h2.lost[-1]
    h2.inject(1, "ERROR", {**error, "offending_message_id": first["message_id"]}, source=2)
    _took(h2, "signalling", "SETUP_SENT", "ErrorReceived", "CLOSED")
    assert _codes(h2.app_of(1, "ERROR")) == [ErrorCode.REQUEST_UNSATISFIABLE]
    assert h2.nodes[1].ctx.resources.reserved == {}
