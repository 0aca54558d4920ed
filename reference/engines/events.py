"""Events of the engines: incoming messages, timer expiries and node-internal notices.

All are frozen keyword-only dataclasses that validate themselves (``ValueError`` naming the
field). Message events wrap a validated message dict (see :class:`~.base.MessageEvent`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .base import Event, MessageEvent, require


def _msg_event(name: str, mtype: str) -> type[MessageEvent]:
    cls = dataclass(frozen=True, kw_only=True)(
        type(name, (MessageEvent,), {"MESSAGE_TYPE": mtype, "__doc__": f"{mtype} received."})
    )
    return cls


Attempt = _msg_event("Attempt", "ATTEMPT")
Herald = _msg_event("Herald", "HERALD")
Expire = _msg_event("Expire", "EXPIRE")
ExpireAck = _msg_event("ExpireAck", "EXPIRE_ACK")
ErrorReceived = _msg_event("ErrorReceived", "ERROR")
SwapOutcome = _msg_event("SwapOutcome", "SWAP_OUTCOME")
Discard = _msg_event("Discard", "DISCARD")
DistilOutcome = _msg_event("DistilOutcome", "DISTIL_OUTCOME")
Setup = _msg_event("Setup", "SETUP")
Confirm = _msg_event("Confirm", "CONFIRM")
Reject = _msg_event("Reject", "REJECT")
Teardown = _msg_event("Teardown", "TEARDOWN")
TeardownAck = _msg_event("TeardownAck", "TEARDOWN_ACK")
OpenEndpoint = _msg_event("OpenEndpoint", "OPEN_ENDPOINT")
CloseEndpoint = _msg_event("CloseEndpoint", "CLOSE_ENDPOINT")
PairRequest = _msg_event("PairRequest", "PAIR_REQUEST")


@dataclass(frozen=True, kw_only=True)
class Timer(Event):
    """A named timer of the engine expired."""

    name: str

    def validate(self) -> None:
        require(bool(self.name), self, "name", "empty")


@dataclass(frozen=True, kw_only=True)
class SlotTimer(Timer):
    """Start of the next slot the link engine armed."""


@dataclass(frozen=True, kw_only=True)
class HeraldTimeout(Timer):
    """No HERALD or ERROR for the outstanding attempt (LINK-009)."""


@dataclass(frozen=True, kw_only=True)
class MatchDeadline(Timer):
    """Heralding station: matching deadline of the collected slot (LINK-003.3)."""


@dataclass(frozen=True, kw_only=True)
class CutoffTimer(Timer):
    """A held qubit reached its cutoff (TRK-011.1)."""


@dataclass(frozen=True, kw_only=True)
class SetupTimeout(Timer):
    """No CONFIRM or REJECT in time (SIG-014.1, SIG-014.2)."""


@dataclass(frozen=True, kw_only=True)
class AckTimeout(Timer):
    """No TEARDOWN_ACK in time (SIG-034)."""


@dataclass(frozen=True, kw_only=True)
class DurationTimer(Timer):
    """The circuit's ``qos.duration_ns`` elapsed."""


@dataclass(frozen=True, kw_only=True)
class DeadlineTimer(Timer):
    """The ``deadline_ns`` of the request being served passed (DLV-011.2)."""


@dataclass(frozen=True, kw_only=True)
class ExpiryTimer(Timer):
    """A delivered pair reached ``expires_ns`` (DLV-031)."""


def _circuit_ok(ev: Event, circuit_id: int) -> None:
    require(0 <= circuit_id < 2**32, ev, "circuit_id", "not a u32")


@dataclass(frozen=True, kw_only=True)
class GenerateOn(Event):
    """A GENERATE rule for ``circuit_id`` on this link was installed."""

    circuit_id: int

    def validate(self) -> None:
        _circuit_ok(self, self.circuit_id)


@dataclass(frozen=True, kw_only=True)
class GenerateOff(Event):
    """The GENERATE rule for ``circuit_id`` on this link was removed."""

    circuit_id: int

    def validate(self) -> None:
        _circuit_ok(self, self.circuit_id)


@dataclass(frozen=True, kw_only=True)
class LinkPairReady(Event):
    """A link pair was heralded for ``circuit_id`` and recorded (LINK-013.1)."""

    circuit_id: int
    link_id: int
    seq: int
    qubit: int
    bell: int
    created_ns: int
    peer: int

    def validate(self) -> None:
        _circuit_ok(self, self.circuit_id)
        require(1 <= self.seq <= 65535, self, "seq", "must be 1..65535")
        require(self.bell in (0, 1, 2, 3), self, "bell", "must be a Bell code 0..3")
        require(self.qubit >= 0, self, "qubit", "negative handle")


@dataclass(frozen=True, kw_only=True)
class PeerExpired(Event):
    """The link peer no longer holds pair ``(link_id, seq)`` (EXPIRE, LINK-011.1)."""

    circuit_id: int
    link_id: int
    seq: int


@dataclass(frozen=True, kw_only=True)
class LinkFailed(Event):
    """The link's attempts timed out ``link_failure_attempts`` times in a row (REL-013): the
    circuits generating on it fail."""

    link_id: int
    circuits: tuple[int, ...]


@dataclass(frozen=True, kw_only=True)
class OpenCircuit(Event):
    """Head end: the delivery layer asks for a circuit."""

    circuit_id: int
    tail_end: int
    head_endpoint: int
    tail_endpoint: int
    qos: dict[str, int] = field(default_factory=dict)

    def validate(self) -> None:
        _circuit_ok(self, self.circuit_id)
        require(self.tail_end > 0, self, "tail_end", "must be a node id")
        require(self.qos.get("num_pairs", 0) >= 0, self, "qos", "num_pairs negative")


@dataclass(frozen=True, kw_only=True)
class CloseCircuit(Event):
    """Tear the circuit down locally (SIG-032.2), e.g. on completion or endpoint close."""

    reason: str = "NORMAL"
    circuit_id: int = 0

    def validate(self) -> None:
        require(
            self.reason in ("NORMAL", "COMPLETED", "PREEMPTED", "FAILURE", "CUTOFF_EXCEEDED"),
            self, "reason", "unknown teardown reason",
        )


@dataclass(frozen=True, kw_only=True)
class CircuitUp(Event):
    """Signalling -> delivery: circuit installed at this end."""

    circuit_id: int
    endpoint: int
    info: Any


@dataclass(frozen=True, kw_only=True)
class CircuitDown(Event):
    """Signalling -> delivery: circuit refused or released at this end."""

    circuit_id: int
    endpoint: int
    rejected: str = ""
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class PairIdentified(Event):
    """Tracking -> delivery: an end-to-end pair with agreed id and Bell state (TRK-016)."""

    circuit_id: int
    endpoint: int
    pair_id: int
    qubit: int
    bell: int
    fidelity: float
    created_ns: int
    expires_ns: int

    def validate(self) -> None:
        require(0 <= self.pair_id < 2**32, self, "pair_id", "not a u32")
        require(self.bell in (0, 1, 2, 3), self, "bell", "must be a Bell code 0..3")
        require(0.0 <= self.fidelity <= 1.0, self, "fidelity", "must be in [0, 1]")


@dataclass(frozen=True, kw_only=True)
class PairLost(Event):
    """Tracking -> delivery: a delivered pair was discarded by the partner (DLV-030.1)."""

    circuit_id: int
    endpoint: int
    pair_id: int


@dataclass(frozen=True, kw_only=True)
class Consume(Event):
    """The application is done with a delivered qubit (local API, not a message)."""

    qubit: int


@dataclass(frozen=True, kw_only=True)
class Closed(Event):
    """Signalling -> node: the circuit's machine reached ``CLOSED``; the node forgets the
    circuit's engines and remembers its id for ``closed_linger`` (chapter 11 section 4.5)."""

    circuit_id: int
