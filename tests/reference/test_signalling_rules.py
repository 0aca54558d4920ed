"""Signalling and service rules at one node, with scripted devices and explicit time.

Each test names the requirement it checks; the conformance node profile checks the same rules
from outside through the driver.
"""

from __future__ import annotations

from typing import Any

from harness import Harness

from qvcp.reference.engines.signalling import SigState
from qvcp.schemas import ErrorCode


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


def test_released_circuit_id_can_be_set_up_again() -> None:
    """Spec 05 section 2: a fully released circuit is IDLE, so its id is usable again."""
    h = Harness(["end", "end"])
    h.open(1, 2)
    h.run(200)
    setup = _setup_of(h)
    cid = setup["body"]["circuit_id"]
    h.inject(2, "TEARDOWN", {"circuit_id": cid, "reason": "NORMAL"}, source=1)
    assert h.nodes[2].signalling[cid].state is SigState.CLOSED
    h.inject(2, "SETUP", setup["body"], source=1, message_id=98)
    assert not [e for e in _errors_from(h, 2) if e["body"]["offending_message_id"] == 98]
    assert h.nodes[2].signalling[cid].state is not SigState.CLOSED


def test_endpoint_zero_and_half_remote_are_out_of_range() -> None:
    """DLV-002: endpoint 0, or exactly one remote part 0 -> FIELD_OUT_OF_RANGE."""
    h = Harness(["end", "end"])
    h.inject(1, "OPEN_ENDPOINT", {"endpoint": 0, "remote_node": 2, "remote_endpoint": 5})
    h.inject(1, "OPEN_ENDPOINT", {"endpoint": 6, "remote_node": 0, "remote_endpoint": 5})
    h.inject(1, "PAIR_REQUEST", {"endpoint": 0, "request_id": 1, "num_pairs": 1,
                                 "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0})
    errors = h.app_of(1, "ERROR")
    assert [(e["body"]["code"], e["body"]["field"]) for e in errors] == [
        (ErrorCode.FIELD_OUT_OF_RANGE, "body.endpoint"),
        (ErrorCode.FIELD_OUT_OF_RANGE, "body.remote_node"),
        (ErrorCode.FIELD_OUT_OF_RANGE, "body.endpoint"),
    ]
    assert not h.app_of(1, "ENDPOINT_STATUS")
    assert 0 not in h.nodes[1].endpoints and 6 not in h.nodes[1].endpoints
