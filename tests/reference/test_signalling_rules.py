"""Signalling and service rules at one node, with scripted devices and explicit time.

Each test names the requirement it checks; the conformance node profile checks the same rules
from outside through the driver.
"""

from __future__ import annotations

from collections import deque
from typing import Any

import pytest
from harness import Harness

from qvcp.reference.engines import events as ev
from qvcp.reference.engines.delivery import EndpointState
from qvcp.reference.engines.signalling import SigState
from qvcp.schemas import ErrorCode

CID = 1 << 16 | 1  # first circuit opened by node 1


def _setup_of(h: Harness) -> dict[str, Any]:
    return next(m for m in h.sent if m["type"] == "SETUP")


def _errors_from(h: Harness, node: int) -> list[dict[str, Any]]:
    return [m for m in h.sent if m["type"] == "ERROR" and m["source"] == node]


def test_confirm_for_a_circuit_never_seen_is_unexpected() -> None:
    """SIG-006: CONFIRM in IDLE -> ERROR UNEXPECTED_MESSAGE; no circuit state is kept."""
    h = Harness(["end", "end"])
    h.inject(2, "CONFIRM", {"circuit_id": 77, "expected_rate_mhz": 0, "expected_fidelity": 0,
                            "rules": []}, source=1)
    (err,) = _errors_from(h, 2)
    assert err["body"]["code"] == ErrorCode.UNEXPECTED_MESSAGE
    assert 77 not in h.nodes[2].signalling


def test_teardown_ack_outside_closing_is_ignored() -> None:
    """SIG-006: TEARDOWN_ACK for an unknown circuit, or in PENDING, gets no ERROR."""
    h = Harness(["end", "router", "end"])
    h.inject(2, "TEARDOWN_ACK", {"circuit_id": 55, "released_memory": 0}, source=1)
    assert not _errors_from(h, 2)
    assert 55 not in h.nodes[2].signalling
    h.open(1, 3)
    h.run(15)  # SETUP reached the router, CONFIRM not yet back
    cid = _setup_of(h)["body"]["circuit_id"]
    assert h.nodes[2].signalling[cid].state is SigState.PENDING
    h.inject(2, "TEARDOWN_ACK", {"circuit_id": cid, "released_memory": 0}, source=1)
    h.inject(1, "TEARDOWN_ACK", {"circuit_id": cid, "released_memory": 0}, source=2)
    assert not _errors_from(h, 2) and not _errors_from(h, 1)
    assert h.nodes[2].signalling[cid].state is SigState.PENDING
    assert h.nodes[1].signalling[cid].state is SigState.SETUP_SENT
    h.run(200)
    assert h.nodes[2].signalling[cid].state is SigState.ESTABLISHED
    h.inject(2, "TEARDOWN_ACK", {"circuit_id": cid, "released_memory": 0}, source=1)
    assert not _errors_from(h, 2)
    assert h.nodes[2].signalling[cid].state is SigState.ESTABLISHED


def test_setup_while_tearing_down_is_a_duplicate() -> None:
    """SIG-004: a SETUP for a circuit held in any state but IDLE -> DUPLICATE_CIRCUIT."""
    h = Harness(["end", "router", "end"])
    h.open(1, 3)
    h.run(200)
    setup = _setup_of(h)
    cid = setup["body"]["circuit_id"]
    assert h.nodes[2].signalling[cid].state is SigState.ESTABLISHED
    h.inject(2, "TEARDOWN", {"circuit_id": cid, "reason": "NORMAL"}, source=1)
    assert h.nodes[2].signalling[cid].state is SigState.TEARING_DOWN
    h.inject(2, "SETUP", setup["body"], source=1, message_id=99)
    (err,) = _errors_from(h, 2)
    assert err["body"]["code"] == ErrorCode.DUPLICATE_CIRCUIT
    assert err["body"]["offending_message_id"] == 99


def test_released_circuit_id_ignores_setup_for_closed_linger_then_is_usable_again() -> None:
    """REL-025, spec 05 section 2: a released circuit is CLOSED for ``closed_linger`` (a
    late SETUP for it is ignored: no error, no reservation, no engine), then IDLE again."""
    h = Harness(["end", "end"])
    h.open(1, 2)
    h.run(200)
    setup = _setup_of(h)
    cid = setup["body"]["circuit_id"]
    node = h.nodes[2]
    h.inject(2, "TEARDOWN", {"circuit_id": cid, "reason": "NORMAL"}, source=1)
    assert node.circuit_state(cid) is SigState.CLOSED and cid not in node.signalling
    h.inject(2, "SETUP", setup["body"], source=1, message_id=98)
    assert not [e for e in _errors_from(h, 2) if e["body"]["offending_message_id"] == 98]
    assert node.circuit_state(cid) is SigState.CLOSED and not node.ctx.resources.reserved
    linger = node.closed.linger_ns
    assert linger == node.config.reliability().dedup_hold_ns  # the default (chapter 11 s.3)
    h.now += linger  # nothing else happens at node 2 meanwhile: the clock jumps
    h.inject(2, "SETUP", setup["body"], source=1, message_id=99)
    assert not [e for e in _errors_from(h, 2) if e["body"]["offending_message_id"] == 99]
    assert node.circuit_state(cid) is SigState.ESTABLISHED


def test_endpoint_zero_and_half_remote_are_out_of_range() -> None:
    """DLV-002: endpoint 0, or exactly one remote part 0 -> FIELD_OUT_OF_RANGE."""
    h = Harness(["end", "end"])
    h.inject(1, "OPEN_ENDPOINT", {"endpoint": 0, "remote_node": 2, "remote_endpoint": 5})
    h.inject(1, "OPEN_ENDPOINT", {"endpoint": 6, "remote_node": 0, "remote_endpoint": 5})
    h.inject(1, "PAIR_REQUEST", {"endpoint": 0, "request_id": 1, "num_pairs": 1,
                                 "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0,
                                 "priority": 0})
    errors = h.app_of(1, "ERROR")
    assert [(e["body"]["code"], e["body"]["field"]) for e in errors] == [
        (ErrorCode.FIELD_OUT_OF_RANGE, "body.endpoint"),
        (ErrorCode.FIELD_OUT_OF_RANGE, "body.remote_node"),
        (ErrorCode.FIELD_OUT_OF_RANGE, "body.endpoint"),
    ]
    assert not h.app_of(1, "ENDPOINT_STATUS")
    assert 0 not in h.nodes[1].endpoints and 6 not in h.nodes[1].endpoints


# -- helpers for the CONFIRM / deadline rules ------------------------------------------------------
def _took(h: Harness, engine: str, state: str, event: str, nxt: str, key: str = "") -> None:
    recs = [r for r in h.taken(engine, state, event) if key in r.key]
    assert recs, f"{engine} {state} --{event}--> not taken"
    assert recs[-1].next_state == nxt, f"{engine} {state} --{event}--> {recs[-1].next_state}"


def _rule(node: int, link: int, action: str = "GENERATE", **fields: Any) -> dict[str, Any]:
    return {"node": node, "match_circuit": CID, "match_link": link, "action": action,
            "peer_link": 0, "cutoff_ns": 0, "distil_protocol": "NONE", "distil_rounds": 0,
            "endpoint": 0, **fields}


def _confirm(rules: list[dict[str, Any]]) -> dict[str, Any]:
    return {"circuit_id": CID, "expected_rate_mhz": 1000, "expected_fidelity": 58000,
            "rules": rules}


def _pending_router() -> Harness:
    """Router 2 of 1-2-3 holding circuit CID PENDING (the tail never gets the SETUP)."""
    h = Harness(["end", "router", "end"])
    h.drop = lambda m: m["type"] == "SETUP" and m["destination"] == 3
    h.open(1, 3)
    h.run(15)
    assert h.nodes[2].signalling[CID].state is SigState.PENDING
    return h


def _request(h: Harness, node: int, *, num_pairs: int = 3, deadline_ns: int = 0,
             message_id: int = 41) -> None:
    h.inject(node, "PAIR_REQUEST", {"endpoint": 5, "request_id": 9, "num_pairs": num_pairs,
                                    "min_fidelity": 0, "min_rate_mhz": 0,
                                    "deadline_ns": deadline_ns,
                                    "priority": 0}, message_id=message_id)


def _open_both(h: Harness) -> None:
    for node, peer in ((2, 1), (1, 2)):
        h.inject(node, "OPEN_ENDPOINT", {"endpoint": 5, "remote_node": peer,
                                         "remote_endpoint": 5})


def _unsatisfiable(h: Harness, node: int) -> list[dict[str, Any]]:
    return [e for e in h.app_of(node, "ERROR")
            if e["body"]["code"] == ErrorCode.REQUEST_UNSATISFIABLE]


# -- SIG-013: a hop that cannot install its rules ------------------------------------------------
def test_hop_that_cannot_install_rejects_upstream_and_tears_down_downstream() -> None:
    """SIG-013/SIG-020: a rule for the router on a link it does not have -> no rule installed,
    reservation released, REJECT NO_RESOURCES upstream instead of the CONFIRM, TEARDOWN
    FAILURE downstream (PENDING -> TEARING_DOWN); the head fails the request (DLV-011)."""
    h = _pending_router()
    h.inject(2, "CONFIRM", _confirm([_rule(2, 5), _rule(2, 1)]), source=3)
    _took(h, "signalling", "PENDING", "Confirm", "TEARING_DOWN", key="2/")
    (rej,) = h.sent_of("REJECT", 2, 1)
    assert rej["body"] == {"circuit_id": CID, "reason": "NO_RESOURCES", "rejecting_node": 2,
                           "retry_after_ns": 0}
    (td,) = h.sent_of("TEARDOWN", 2, 3)
    assert td["body"] == {"circuit_id": CID, "reason": "FAILURE"}
    assert not h.sent_of("CONFIRM", 2) and not h.sent_of("ERROR", 2)
    assert CID not in h.nodes[2].dataplane
    assert h.nodes[2].ctx.resources.reserved == {}
    assert all(CID not in link.circuits for link in h.nodes[2].links.values())
    h.run(5000)
    assert not h.sent_of("ATTEMPT", 2)
    assert h.nodes[2].circuit_state(CID) is SigState.CLOSED  # the tail acked
    assert h.nodes[1].circuit_state(CID) is SigState.CLOSED
    assert [e["body"]["code"] for e in h.app_of(1, "ERROR")] == [
        ErrorCode.REQUEST_UNSATISFIABLE]


_ROUTER_RULES = [_rule(2, 1), _rule(2, 2), _rule(2, 1, "SWAP", peer_link=2)]


_LINK_DISTIL = _rule(2, 1, "DISTIL", peer_link=1, distil_protocol="DEJMPS", distil_rounds=1)


@pytest.mark.parametrize(("distil", "installed"), [
    (None, True),  # control: the plain rule set
    (_LINK_DISTIL, True),  # link-level: run with the neighbour across link 1 (FWD-006)
    ({**_LINK_DISTIL, "peer_link": 2}, False),  # link-level names another link
    ({**_LINK_DISTIL, "distil_rounds": 9}, False),  # more rounds than free memory
    (_rule(2, 2, "DISTIL", distil_protocol="DEJMPS", distil_rounds=2), False),  # e2e at a hop
], ids=["none", "link-level", "link-level-on-two-links", "link-level-beyond-memory",
        "end-to-end-at-a-hop"])
def test_hop_installs_the_distil_rules_it_can_run_and_refuses_the_others(
        distil: dict[str, Any] | None, installed: bool) -> None:
    """SIG-013 with FWD-006: a link-level DISTIL rule (``peer_link`` = ``match_link``) is
    installed, with its rounds' memory reserved; one naming another link, one whose rounds
    the node's free memory cannot hold, or an end-to-end rule for an intermediate node is
    refused like a rule on a missing link (REJECT NO_RESOURCES upstream, TEARDOWN FAILURE
    downstream, nothing installed) rather than installed and silently not run."""
    h = _pending_router()
    before = dict(h.nodes[2].ctx.resources.reserved)
    rules = _ROUTER_RULES + ([distil] if distil else [])
    h.inject(2, "CONFIRM", _confirm(rules), source=3)
    if installed:
        assert [m["body"]["rules"] for m in h.sent_of("CONFIRM", 2, 1)] == [rules]
        assert CID in h.nodes[2].dataplane
        extra = distil["distil_rounds"] if distil else 0
        assert h.nodes[2].ctx.resources.reserved[CID] == before[CID] + extra
        return
    assert [m["body"]["reason"] for m in h.sent_of("REJECT", 2, 1)] == ["NO_RESOURCES"]
    assert [m["body"]["reason"] for m in h.sent_of("TEARDOWN", 2, 3)] == ["FAILURE"]
    assert not h.sent_of("CONFIRM", 2) and CID not in h.nodes[2].dataplane
    assert h.nodes[2].ctx.resources.reserved == {}


def test_head_that_cannot_install_tears_down_and_fails_the_request() -> None:
    """SIG-013 at the head end (no upstream): install nothing, fail the request locally with
    REQUEST_UNSATISFIABLE and TEARDOWN FAILURE downstream (SETUP_SENT -> TEARING_DOWN)."""
    h = Harness(["end", "end"])
    h.drop = lambda m: m["type"] == "SETUP"
    h.open(1, 2)
    h.run(5)
    h.inject(1, "CONFIRM", _confirm([_rule(1, 7), _rule(2, 1)]), source=2)
    _took(h, "signalling", "SETUP_SENT", "Confirm", "TEARING_DOWN", key="1/")
    assert [m["body"]["reason"] for m in h.sent_of("TEARDOWN", 1, 2)] == ["FAILURE"]
    assert not h.sent_of("REJECT", 1) and not h.sent_of("ERROR", 1, 2)
    assert [e["body"]["code"] for e in h.app_of(1, "ERROR")] == [
        ErrorCode.REQUEST_UNSATISFIABLE]
    assert CID not in h.nodes[1].dataplane and h.nodes[1].ctx.resources.reserved == {}
    h.run(100)
    assert h.nodes[1].circuit_state(CID) is SigState.CLOSED
    assert h.nodes[1].endpoints[5].state is EndpointState.OPEN


# -- FWD-009: rule fields inconsistent with the action ---------------------------------------------
MALFORMED = [
    (_rule(2, 1, peer_link=2), "peer_link"),
    (_rule(2, 1, "DELIVER", peer_link=2, endpoint=5), "peer_link"),
    (_rule(2, 1, endpoint=5), "endpoint"),
    (_rule(2, 1, "SWAP", peer_link=2, endpoint=5), "endpoint"),
    (_rule(2, 1, distil_protocol="DEJMPS"), "distil_protocol"),
    (_rule(2, 1, distil_rounds=1), "distil_rounds"),
    (_rule(2, 1, "DISTIL", distil_rounds=1), "distil_protocol"),
    (_rule(2, 1, "DISTIL", distil_protocol="DEJMPS"), "distil_rounds"),
]


def test_confirm_with_a_malformed_rule_is_refused_naming_the_field() -> None:
    """FWD-009/ERR-001: ERROR FIELD_OUT_OF_RANGE to the CONFIRM's sender naming
    body.rules[i].<field>, echoing the CONFIRM; nothing installed or forwarded, no REJECT or
    TEARDOWN; the circuit stays PENDING (error transition)."""
    for bad, name in MALFORMED:
        h = _pending_router()
        good = _rule(2, 2, "SWAP", peer_link=1)
        h.inject(2, "CONFIRM", _confirm([good, bad]), source=3, message_id=77)
        (err,) = h.sent_of("ERROR", 2, 3)
        assert err["body"]["code"] == ErrorCode.FIELD_OUT_OF_RANGE, name
        assert err["body"]["field"] == f"body.rules[1].{name}", (bad, err["body"]["field"])
        assert err["body"]["offending_message_id"] == 77
        assert err["body"]["offending_type"] == 0x31  # CONFIRM
        assert not [m for m in h.sent if m["source"] == 2 and m["type"] in (
            "CONFIRM", "REJECT", "TEARDOWN")]
        assert h.nodes[2].signalling[CID].state is SigState.PENDING
        assert CID not in h.nodes[2].dataplane
        _took(h, "signalling", "PENDING", "Confirm", "PENDING", key="2/")


def test_well_formed_distil_and_deliver_rules_are_accepted() -> None:
    """FWD-009: DISTIL with a protocol and >= 1 round, DELIVER with an endpoint are fine."""
    h = _pending_router()
    rules = [_rule(2, 1), _rule(2, 2), _rule(2, 1, "SWAP", peer_link=2),
             _rule(1, 1, "DELIVER", endpoint=5),
             _rule(1, 1, "DISTIL", distil_protocol="DEJMPS", distil_rounds=2)]
    h.inject(2, "CONFIRM", _confirm(rules), source=3)
    assert not h.sent_of("ERROR", 2)
    assert h.sent_of("CONFIRM", 2, 1)
    assert h.nodes[2].signalling[CID].state is SigState.ESTABLISHED


# -- DLV-011: request deadlines --------------------------------------------------------------------
def test_request_whose_deadline_has_passed_is_unsatisfiable() -> None:
    """DLV-011: deadline_ns at or before now -> ERROR REQUEST_UNSATISFIABLE (echoing the
    PAIR_REQUEST, naming body.deadline_ns), no circuit, endpoint stays OPEN."""
    h = Harness(["end", "end"])
    _open_both(h)
    h.run(5000)
    for deadline in (1000, 5000):
        _request(h, 1, deadline_ns=deadline, message_id=deadline)
        err = h.app_of(1, "ERROR")[-1]["body"]
        assert err["code"] == ErrorCode.REQUEST_UNSATISFIABLE
        assert err["field"] == "body.deadline_ns" and err["offending_message_id"] == deadline
        _took(h, "delivery", "OPEN", "PairRequest", "OPEN")
    assert not h.sent_of("SETUP") and not h.nodes[1].signalling
    assert h.nodes[1].endpoints[5].state is EndpointState.OPEN
    _request(h, 1, deadline_ns=10**6)  # a future deadline is served
    assert h.sent_of("SETUP", 1, 2)
    (setup,) = h.sent_of("SETUP", 1, 2)
    assert setup["body"]["qos"]["max_latency_ns"] == 10**6 - 5000  # spec 06 section 3
    assert setup["body"]["qos"]["duration_ns"] == 0


def test_deadline_passing_mid_request_fails_it_and_stops_deliveries() -> None:
    """DLV-011: one of three pairs delivered, then the deadline passes (ACTIVE DeadlineTimer):
    ERROR REQUEST_UNSATISFIABLE echoing the PAIR_REQUEST, the circuit torn down (NORMAL) at
    both ends, no further PAIR_DELIVERY although the link keeps succeeding."""
    h = Harness(["end", "end"])
    h.resolve_by_link[1] = deque([1])
    _open_both(h)
    _request(h, 1, num_pairs=3, deadline_ns=50_000, message_id=43)
    h.run(49_999)
    assert len(h.app_of(1, "PAIR_DELIVERY")) == 1 == len(h.app_of(2, "PAIR_DELIVERY"))
    assert not h.app_of(1, "ERROR")
    h.resolve_by_link[1] = deque([1] * 100)
    h.run(50_000)
    _took(h, "delivery", "ACTIVE", "DeadlineTimer", "ACTIVE", key="1/")
    _took(h, "delivery", "ACTIVE", "CircuitDown", "OPEN", key="1/")
    (err,) = _unsatisfiable(h, 1)
    assert err["body"]["offending_message_id"] == 43
    assert [m["body"]["reason"] for m in h.sent_of("TEARDOWN", 1, 2)] == ["NORMAL"]
    h.run(200_000)
    assert len(h.app_of(1, "PAIR_DELIVERY")) == 1 == len(h.app_of(2, "PAIR_DELIVERY"))
    assert len(_unsatisfiable(h, 1)) == 1
    assert h.nodes[1].circuit_state(CID) is SigState.CLOSED
    assert h.nodes[1].ctx.resources.reserved == {} == h.nodes[2].ctx.resources.reserved


def test_deadline_of_a_completed_request_is_disarmed() -> None:
    """DLV-011 applies only while pairs are missing: a request met in time reports nothing."""
    h = Harness(["end", "end"])
    h.resolve_by_link[1] = deque([1])
    _open_both(h)
    _request(h, 1, num_pairs=1, deadline_ns=50_000)
    h.run(100_000)
    assert len(h.app_of(1, "PAIR_DELIVERY")) == 1 and not h.app_of(1, "ERROR")
    assert not h.taken("delivery", "ACTIVE", "DeadlineTimer")


def test_deadline_passing_during_setup_tears_the_circuit_down() -> None:
    """DLV-011 while the circuit is being set up (REQUESTED DeadlineTimer): the request fails
    and the head tears the circuit down; a second close of the circuit while TEARING_DOWN is
    ignored."""
    h = Harness(["end", "end"])
    h.drop = lambda m: m["type"] == "SETUP"
    _open_both(h)
    _request(h, 1, deadline_ns=5000, message_id=44)
    h.run(5000)
    _took(h, "delivery", "REQUESTED", "DeadlineTimer", "REQUESTED", key="1/")
    _took(h, "signalling", "SETUP_SENT", "CloseCircuit", "TEARING_DOWN", key="1/")
    _took(h, "delivery", "REQUESTED", "CircuitDown", "OPEN", key="1/")
    (err,) = _unsatisfiable(h, 1)
    assert err["body"]["offending_message_id"] == 44
    h.internal(1, ev.CloseCircuit(circuit_id=CID))
    _took(h, "signalling", "TEARING_DOWN", "CloseCircuit", "TEARING_DOWN", key="1/")
    assert len(h.sent_of("TEARDOWN", 1)) == 1
    h.run(10_000)
    assert h.nodes[1].circuit_state(CID) is SigState.CLOSED
    assert h.nodes[1].ctx.resources.reserved == {}


def test_request_fails_when_its_circuit_is_released_before_it_is_met() -> None:
    """DLV-011: the far end tore the circuit down before all pairs were delivered; the circuit
    can no longer provide them, so the request fails at once (not at its deadline) and the
    endpoint, serving nothing, is OPEN."""
    h = Harness(["end", "end"])
    _open_both(h)
    _request(h, 1, deadline_ns=50_000, message_id=45)
    h.run(200)
    assert h.nodes[1].endpoints[5].state is EndpointState.ACTIVE
    h.inject(1, "TEARDOWN", {"circuit_id": CID, "reason": "NORMAL"}, source=2)
    _took(h, "delivery", "ACTIVE", "CircuitDown", "OPEN", key="1/")
    (err,) = _unsatisfiable(h, 1)
    assert "released" in err["body"]["detail"] and not h.nodes[1].endpoints[5].timers
    h.run(60_000)
    assert len(_unsatisfiable(h, 1)) == 1  # nothing more when the deadline passes
    assert err["body"]["offending_message_id"] == 45
