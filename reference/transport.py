"""What a node does below its engines on a bad day (spec chapter 11): acknowledgements,
retransmissions, duplicates and keepalives, sans-IO.

:class:`Transport` sits between the node's wire boundary and its engines. For every message
received it says whether the engines see it (a duplicate of an accepted acknowledged message
is answered with ACK again and goes no further, REL-007); after the engines have accepted one,
it acknowledges it (REL-001); it keeps what the node sends in :class:`~.reliable.Reliability`
and :class:`~.liveness.Liveness`; at its timers it gives the messages to send again, the
KEEPALIVEs owed and the failures found. What a failure does to circuits is the node's business
(:meth:`qvcp.reference.node.Node.fail_circuits`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from qvcp.schemas import ErrorCode, message_specs

from .liveness import Liveness
from .messages import MessageFactory
from .reliable import ACKNOWLEDGED, OWN_ANSWER, TRACKED, Reliability

__all__ = ["Failure", "Transport"]

Json = dict[str, Any]
_TYPE_CODES = {name: spec.type_code for name, spec in message_specs().items()}
_ANSWERS = frozenset(OWN_ANSWER.values())


@dataclass(frozen=True)
class Failure:
    """Something the node must act on (chapter 11 section 4.3): ``kind`` is ``"unreachable"``
    (REL-006: ``message`` was given up on), ``"dead"`` (REL-012), ``"restarted"`` (REL-014)
    or ``"forgot"`` (REL-026: ``peer`` refused ``message`` with ``UNKNOWN_CIRCUIT``) for
    ``peer``."""

    kind: str
    peer: int
    message: Json | None = None


@dataclass
class Transport:
    """One node's reliability and liveness state (see the module docstring)."""

    me: int
    factory: MessageFactory
    incarnation: int
    reliable: Reliability
    liveness: Liveness
    #: failures found while receiving, for the node to act on after the message
    failures: list[Failure] = field(default_factory=list)

    @property
    def timer_books(self) -> list[dict[str, int]]:
        return [self.reliable.timers, self.liveness.timers]

    def start(self, now: int) -> list[Json]:
        """The node starts: a KEEPALIVE to every neighbour, before anything else (REL-011),
        retransmitted until acknowledged (REL-027)."""
        out = [self._keepalive(n) for n in self.liveness.start(now)]
        for m in out:
            self.reliable.track(now, m, sample=False)
        return out

    def _keepalive(self, dest: int) -> Json:
        return self.factory.make("KEEPALIVE", dest, {
            "incarnation": self.incarnation, "interval_ns": self.liveness.interval_ns})

    def _ack(self, msg: Json) -> Json:
        return self.factory.make("ACK", msg["source"], {
            "acked_message_id": msg["message_id"], "acked_type": _TYPE_CODES[msg["type"]]})

    # -- receiving ----------------------------------------------------------------------------
    def receive(self, now: int, msg: Json) -> tuple[bool, list[Json]]:
        """(whether the engines should see ``msg``, messages to send at once). Called after
        the wire, authentication and extension checks."""
        t, source = msg["type"], msg["source"]
        self.liveness.heard(source, now)
        if t == "ACK":
            self.reliable.on_ack(now, msg)
            return False, []
        if t == "KEEPALIVE":
            if self.liveness.restarted(source, msg["body"]["incarnation"]):
                self.failures.append(Failure("restarted", source))
            return False, [self._ack(msg)]  # REL-028
        if t == "ERROR":
            answered = self.reliable.on_error(now, msg)
            cid = answered["body"].get("circuit_id") if answered else None
            if cid is not None and msg["body"]["code"] == ErrorCode.UNKNOWN_CIRCUIT:
                self.failures.append(Failure("forgot", source, answered))  # REL-026
        elif t in _ANSWERS:
            self.reliable.on_answer(now, msg)
        elif t in ACKNOWLEDGED and self.reliable.seen(now, msg):
            return False, [self._ack(msg)]  # REL-007: a copy of an accepted message
        return True, []

    def accepted(self, now: int, msg: Json) -> list[Json]:
        """The engines accepted ``msg`` without error: acknowledge it (REL-001)."""
        if msg["type"] not in ACKNOWLEDGED or msg["source"] == self.me:
            return []
        self.reliable.accept(now, msg)
        return [self._ack(msg)]

    def replayed(self, now: int, msg: Json) -> list[Json]:
        """The anti-replay window dropped ``msg`` (SEC-011.2): a copy of an accepted
        acknowledged message is still answered with ACK (REL-007 comes first)."""
        if msg.get("type") in ACKNOWLEDGED and self.reliable.seen(now, msg):
            return [self._ack(msg)]
        return []

    # -- sending ------------------------------------------------------------------------------
    def sent(self, now: int, msg: Json) -> None:
        """The node sends ``msg`` (first transmission)."""
        dest = msg["destination"]
        if dest == self.me:
            return  # to its own application: not on the network
        self.liveness.sent(dest, now)
        if msg["type"] in TRACKED:
            self.reliable.track(now, msg)

    def due(self, now: int) -> list[Json]:
        """Retransmissions and KEEPALIVEs due at ``now``; failures go to :attr:`failures`."""
        out: list[Json] = []
        if self.reliable.timers.get("retransmit", now + 1) <= now:
            again, gave_up = self.reliable.due(now)
            out += again
            self.failures += [Failure("unreachable", m["destination"], m) for m in gave_up]
        timers = self.liveness.timers
        if min(timers.values(), default=now + 1) <= now:
            send, dead = self.liveness.due(now)
            out += [self._keepalive(n) for n in send]
            self.failures += [Failure("dead", n) for n in dead]
        for m in out:
            self.liveness.sent(m["destination"], now)
        return out

    def forget_circuit(self, circuit_id: int) -> None:
        """The node released ``circuit_id``: its messages are not sent again (REL-024)."""
        self.reliable.forget_circuit(circuit_id)

    def forget(self, peer: int) -> None:
        """``peer`` failed or restarted: stop retransmitting to it and forget its messages."""
        self.reliable.forget_destination(peer)
        self.reliable.forget_source(peer)
