"""Forged, replayed, unauthorised and misdirected messages at a reference router holding a
pair (``tools/attacks.py``): every one is refused as the spec says and changes no state."""

from __future__ import annotations

import attacks
import pytest

from qvcp.reference.closed import ClosedCircuits


@pytest.mark.parametrize("attack", attacks.ATTACKS, ids=lambda a: a.name)
def test_every_attack_is_refused_and_changes_nothing(attack: attacks.Attack) -> None:
    row = attacks.run(attack)
    assert row["tried"] > 0
    assert row["refused"] == row["tried"], row
    assert row["state_changed"] == 0, row


def test_a_setup_flood_from_off_the_route_leaves_no_state() -> None:
    rows = attacks.flood(500)
    for setup in ("open", "keyed"):
        row = rows[setup]
        assert row["state_changed"] == set(), setup
        assert row["circuits_remembered"] == 0, setup
        # ERR-004.1, SEC-025.1: a burst of ERRORs, then silence (no REJECT, no SETUP forwarded)
        assert set(row["answers"]) <= {"ROUTE_INVALID", "AUTH_REQUIRED"}, row
        assert 0 < sum(row["answers"].values()) <= 40, row


def test_a_flood_of_setups_the_policy_refuses_draws_a_bounded_number_of_rejects() -> None:
    """SEC-025.2: 500 SETUPs of an authentic head end beyond its quota, at one instant: each
    is accepted (acknowledged, REL-001) and refused, but only a burst of them draws a REJECT;
    what stays is the released circuit ids (REL-025, capped) and the duplicate-detection
    entries of accepted messages (REL-007)."""
    row = attacks.flood(500)["policy"]
    rejects = row["answers"].get("REJECT QUOTA_EXCEEDED", 0)
    assert 0 < rejects <= 40, row
    assert set(row["answers"]) == {"REJECT QUOTA_EXCEEDED", "ACK"}, row
    assert row["state_changed"] <= {"accepted", "closed"}, row
    assert row["circuits_remembered"] == 500, row


def test_the_book_of_released_circuits_is_capped_oldest_first() -> None:
    book = ClosedCircuits(linger_ns=10**9, cap=3)
    for cid in range(5):
        book.remember(now=cid, circuit_id=cid, installed=False)
    assert len(book) == 3
    assert [book.installed(10, c) for c in range(5)] == [None, None, False, False, False]


def test_refusals_are_written_to_the_audit_log_which_then_verifies() -> None:
    """Chapter 08 section 5: what the node refused, and why, is in its audit log."""
    from qvcp.reference.audit import AuditLog, verify

    key = b"k" * 32
    seen = []
    for attack in attacks.ATTACKS:
        v = attacks.victim(keyed=attack.keyed, policy=attack.policy)
        v.node.audit = log = AuditLog(node=attacks.ME, key=key)
        for msg in attack.messages(v):
            v.deliver(msg)
        log.close(v.now)
        assert verify(log.records, key).ok
        seen.append({(r["event"], r.get("code") or r.get("reason")) for r in log.records})
    events = set().union(*seen)
    assert {("auth_refused", "AUTH_REQUIRED"), ("auth_refused", "AUTH_FAILED"),
            ("auth_refused", "UNEXPECTED_MESSAGE"), ("auth_refused", "REPLAYED"),
            ("policy_refused", "UNAUTHORISED"), ("policy_refused", "QUOTA_EXCEEDED")} <= events
