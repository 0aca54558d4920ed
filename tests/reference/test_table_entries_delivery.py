"""The delivery rows of the chapter 09 tables (endpoints, chapter 06), one scripted-device test
per group, as :mod:`test_table_entries` (whose helpers these tests use) for the other engines.
``test_table_coverage.py`` runs them too.
"""

from __future__ import annotations

from collections import deque

from harness import Harness
from test_table_entries import CID, SUCCESS, _codes, _frees, _open, _pair_msg, _request, _took

from qvcp.reference.engines import events as ev
from qvcp.reference.engines.delivery import EndpointState
from qvcp.schemas import ErrorCode


def _delivered_pair(num_pairs: int, cutoff_ns: int = 0) -> Harness:
    h = Harness(["end", "end"], cutoff_ns=cutoff_ns)
    h.resolve_by_link[1] = deque([SUCCESS])
    h.open(1, 2, num_pairs=num_pairs)
    h.run(1100)
    assert len(h.app_of(1, "PAIR_DELIVERY")) == 1 == len(h.app_of(2, "PAIR_DELIVERY"))
    return h


def test_active_endpoint_rows() -> None:
    """ACTIVE: OPEN_ENDPOINT -> ENDPOINT_IN_USE (DLV-002); a DISCARD of a delivered pair by the
    partner gives PAIR_EXPIRED (DLV-030.1); expires_ns reached gives PAIR_EXPIRED (DLV-031)."""
    h = _delivered_pair(num_pairs=3, cutoff_ns=3000)
    h.inject(1, "OPEN_ENDPOINT", {"endpoint": 5, "remote_node": 2, "remote_endpoint": 5})
    _took(h, "delivery", "ACTIVE", "OpenEndpoint", "ACTIVE")
    assert _codes(h.app_of(1, "ERROR")) == [ErrorCode.ENDPOINT_IN_USE]
    d1 = h.app_of(1, "PAIR_DELIVERY")[0]["body"]
    h.inject(1, "DISCARD", _pair_msg(1, 1), source=2)
    _took(h, "delivery", "ACTIVE", "PairLost", "ACTIVE")
    (exp,) = h.app_of(1, "PAIR_EXPIRED")
    assert (exp["body"]["pair_id"], exp["body"]["qubit_handle"]) == (d1["pair_id"],
                                                                     d1["qubit_handle"])
    assert d1["qubit_handle"] in _frees(h, 1)
    d2 = h.app_of(2, "PAIR_DELIVERY")[0]["body"]
    assert d2["expires_ns"] == 4000
    h.run(4001)
    _took(h, "delivery", "ACTIVE", "ExpiryTimer", "ACTIVE", key="2/")
    assert [m["body"]["pair_id"] for m in h.app_of(2, "PAIR_EXPIRED")] == [d2["pair_id"]]
    assert d2["qubit_handle"] in _frees(h, 2)


def test_open_endpoint_rows() -> None:
    """OPEN: a completed circuit's pair stays delivered (DLV-103) and can be consumed, also
    while a new request is pending; stray circuit news is ignored; CLOSE_ENDPOINT closes."""
    h = _delivered_pair(num_pairs=1, cutoff_ns=5000)
    h.run(1200)  # COMPLETED teardown done: both endpoints OPEN, pairs held by the apps
    assert h.nodes[2].endpoints[5].state is EndpointState.OPEN
    q2 = h.app_of(2, "PAIR_DELIVERY")[0]["body"]["qubit_handle"]
    h.consume(2, q2)
    _took(h, "delivery", "OPEN", "Consume", "OPEN")
    assert q2 in _frees(h, 2) and h.nodes[2].memory_in_use() == 0
    h.internal(2, ev.CircuitDown(circuit_id=CID, endpoint=5, reason="NORMAL"))
    _took(h, "delivery", "OPEN", "CircuitDown", "OPEN")
    h.internal(2, ev.PairLost(circuit_id=CID, endpoint=5, pair_id=1))
    _took(h, "delivery", "OPEN", "PairLost", "OPEN")
    assert not h.app_of(2, "PAIR_EXPIRED")
    _open(h, 2, 7, 1)
    h.inject(2, "CLOSE_ENDPOINT", {"endpoint": 7})
    _took(h, "delivery", "OPEN", "CloseEndpoint", "CLOSED")
    assert h.app_of(2, "ENDPOINT_STATUS")[-1]["body"] == {"endpoint": 7, "status": "CLOSED"}
    q1 = h.app_of(1, "PAIR_DELIVERY")[0]["body"]["qubit_handle"]
    _request(h, 1, 5, request_id=4)
    assert h.nodes[1].endpoints[5].state is EndpointState.REQUESTED
    h.consume(1, q1)
    _took(h, "delivery", "REQUESTED", "Consume", "REQUESTED")
    assert q1 in _frees(h, 1)


def test_requested_endpoint_expiry_of_an_earlier_pair() -> None:
    """A pair of a completed circuit reaches expires_ns while a new request is pending."""
    h = _delivered_pair(num_pairs=1, cutoff_ns=3000)
    h.run(1200)
    h.inject(1, "PAIR_REQUEST", {"endpoint": 5, "request_id": 4, "num_pairs": 1,
                                 "min_fidelity": 65535, "min_rate_mhz": 0, "deadline_ns": 0,
                                 "priority": 0})
    assert h.nodes[1].endpoints[5].state is EndpointState.REQUESTED
    h.drop = lambda m: m["type"] in ("REJECT", "CONFIRM")  # keep the request pending
    h.run(4001)
    _took(h, "delivery", "REQUESTED", "ExpiryTimer", "REQUESTED")
    assert len(h.app_of(1, "PAIR_EXPIRED")) == 1


def test_pairs_identified_for_an_endpoint_not_delivering_are_freed() -> None:
    """FWD-007.2/DLV-004: an end-to-end pair reaching an endpoint that is not ACTIVE (a race
    with its closing) is freed, not delivered; PairLost and Consume there change nothing."""
    h = Harness(["end", "end"])
    pair = {"circuit_id": CID, "pair_id": 65537, "bell": 1, "fidelity": 0.9,
            "created_ns": 0, "expires_ns": 0}
    _open(h, 1, 5, 2)
    h.internal(1, ev.PairIdentified(endpoint=5, qubit=3, **pair))
    _took(h, "delivery", "OPEN", "PairIdentified", "OPEN")
    _request(h, 1, 5)
    h.internal(1, ev.PairIdentified(endpoint=5, qubit=2, **pair))
    _took(h, "delivery", "REQUESTED", "PairIdentified", "REQUESTED")
    h.inject(1, "CLOSE_ENDPOINT", {"endpoint": 5})
    h.internal(1, ev.PairIdentified(endpoint=5, qubit=1, **pair))
    _took(h, "delivery", "CLOSED", "PairIdentified", "CLOSED")
    h.internal(1, ev.PairLost(circuit_id=CID, endpoint=5, pair_id=65537))
    _took(h, "delivery", "CLOSED", "PairLost", "CLOSED")
    assert _frees(h, 1) == [3, 2, 1]
    assert not h.app_of(1, "PAIR_DELIVERY") and not h.app_of(1, "PAIR_EXPIRED")


def _ask(h: Harness, request_id: int, *, min_fidelity: int = 0, deadline_ns: int = 0) -> None:
    h.inject(1, "PAIR_REQUEST", {"endpoint": 5, "request_id": request_id, "num_pairs": 1,
                                 "min_fidelity": min_fidelity, "min_rate_mhz": 0,
                                 "deadline_ns": deadline_ns,
                                 "priority": 0}, message_id=40 + request_id)


def test_waiting_requests_are_served_one_at_a_time_in_order() -> None:
    """DLV-102.1/DLV-102.2/DLV-013: requests made while one is served (REQUESTED, then
    ACTIVE) wait and are served after it, in the order received, each over a circuit of its
    own."""
    h = Harness(["end", "end"])
    h.resolve_by_link[1] = deque([SUCCESS] * 3)
    _open(h, 2, 5, 1)
    _open(h, 1, 5, 2)
    _ask(h, 1)
    _ask(h, 2)
    _took(h, "delivery", "REQUESTED", "PairRequest", "REQUESTED")
    h.run(200)
    assert h.nodes[1].endpoints[5].state is EndpointState.ACTIVE
    _ask(h, 3)
    _took(h, "delivery", "ACTIVE", "PairRequest", "ACTIVE")
    assert [b["request_id"] for b, _ in h.nodes[1].endpoints[5].waiting] == [2, 3]
    assert len(h.sent_of("SETUP", 1)) == 1 and not h.app_of(1, "ERROR")
    h.run(20_000)
    got = [m["body"] for m in h.app_of(1, "PAIR_DELIVERY")]
    assert [b["request_id"] for b in got] == [1, 2, 3]
    assert len({b["circuit_id"] for b in got}) == 3 == len(h.sent_of("SETUP", 1))
    assert not h.app_of(1, "ERROR") and h.nodes[1].endpoints[5].state is EndpointState.OPEN


def test_a_refused_request_hands_over_to_the_next() -> None:
    """DLV-011.1: the first request's circuit is refused (fidelity unreachable): it fails, echoing
    its PAIR_REQUEST, and the waiting request is set up at once (REQUESTED -> REQUESTED); a
    waiting request whose deadline passes fails without disturbing the one served."""
    h = Harness(["end", "end"])
    h.resolve_by_link[1] = deque([SUCCESS])
    _open(h, 2, 5, 1)
    _open(h, 1, 5, 2)
    _ask(h, 1, min_fidelity=65535)
    _ask(h, 2)
    _ask(h, 3, deadline_ns=150)
    h.run(100)
    _took(h, "delivery", "REQUESTED", "CircuitDown", "REQUESTED")
    (err,) = h.app_of(1, "ERROR")
    assert (err["body"]["code"], err["body"]["offending_message_id"]) == (
        ErrorCode.REQUEST_UNSATISFIABLE, 41)
    h.run(20_000)
    errors = h.app_of(1, "ERROR")
    assert [e["body"]["offending_message_id"] for e in errors] == [41, 43]
    _took(h, "delivery", "ACTIVE", "DeadlineTimer", "ACTIVE")
    assert [m["body"]["request_id"] for m in h.app_of(1, "PAIR_DELIVERY")] == [2]
