"""What a node writes to its audit log (spec chapter 08 section 5): the control-plane
decisions it takes, read off the messages it refuses and sends and the circuits it installs
and releases. The log itself, its hash chain and checkpoints are :mod:`.audit`.

Events: ``started`` (the node started, with its incarnation), ``circuit_admitted`` (it sent a
SETUP: opened as head end or forwarded as hop), ``circuit_refused`` (a REJECT it sent, or a
signalling message it refused with an ERROR), ``policy_refused`` (a REJECT ``UNAUTHORISED`` or
``QUOTA_EXCEEDED``), ``circuit_installed``, ``circuit_torn_down`` and ``circuit_preempted``
(the release of a circuit, with the teardown's reason), ``auth_refused`` (a message refused
for its authentication, a replay dropped, or a tracking message from outside the circuit).
"""

from __future__ import annotations

from typing import Any

from qvcp.schemas import ErrorCode

__all__ = ["on_refusal", "on_release", "on_send"]

Json = dict[str, Any]
_SIGNALLING = frozenset({"SETUP", "CONFIRM", "REJECT", "TEARDOWN", "TEARDOWN_ACK"})
_AUTH = frozenset({ErrorCode.AUTH_REQUIRED, ErrorCode.AUTH_FAILED})
_POLICY = frozenset({"UNAUTHORISED", "QUOTA_EXCEEDED"})


def on_refusal(audit: Any, now: int, code: ErrorCode | str, field: str,
               offending: Json) -> None:
    """A message the node refused (answered with an ERROR or not): authentication failures,
    replays and outsiders' tracking messages (TRK-014), and refused signalling messages."""
    who = {"type": offending.get("type"), "source": offending.get("source"),
           "message_id": offending.get("message_id")}
    circuit = (offending.get("body") or {}).get("circuit_id")
    if circuit is not None:
        who["circuit"] = circuit
    name = code.name if isinstance(code, ErrorCode) else code
    if code in _AUTH or code == "REPLAYED" or (
            code == ErrorCode.UNEXPECTED_MESSAGE and field == "source"):
        audit.append(now, "auth_refused", code=name, field=field, **who)
    elif who["type"] in _SIGNALLING:
        audit.append(now, "circuit_refused", code=name, field=field, **who)


def on_send(audit: Any, now: int, msg: Json, me: int) -> None:
    """A message the node sends first (not a retransmission): a SETUP it opened or forwarded,
    a REJECT it answered."""
    t, body = msg["type"], msg["body"]
    if t == "SETUP" and msg["source"] == me:
        audit.append(now, "circuit_admitted", circuit=body["circuit_id"],
                     head=body["head_end"], tail=body["tail_end"],
                     priority=body["qos"]["priority"], to=msg["destination"])
    elif t == "REJECT":
        event = "policy_refused" if body["reason"] in _POLICY else "circuit_refused"
        audit.append(now, event, circuit=body["circuit_id"], reason=body["reason"],
                     to=msg["destination"])


def on_release(audit: Any, now: int, circuit: int, reason: str) -> None:
    """The node released ``circuit``, torn down (or preempted) with ``reason``."""
    event = "circuit_preempted" if reason == "PREEMPTED" else "circuit_torn_down"
    audit.append(now, event, circuit=circuit, reason=reason)
