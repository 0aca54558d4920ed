"""A heralding station behind the node interface: the station engine of one link
(:mod:`.engines.station`) with the error boundary of a node.

>>> from qvcp.reference.device import ScriptedDevice
>>> st = Station.of(station_id=1001, link_id=1, nodes=(1, 2), device=ScriptedDevice())
>>> att = {"version": 1, "type": "ATTEMPT", "message_id": 4, "source": 1, "destination": 1001,
...        "body": {"link_id": 1, "attempt_id": 7, "slot_ns": 5000, "modes": 1},
...        "extensions": [], "auth": None}
>>> Station.sent(st.receive(5000, att)), st.next_deadline()
([], 5010)
>>> [(m["type"], m["destination"]) for m in Station.sent(st.on_timer(5010))]
[('ERROR', 1), ('ERROR', 2)]

It takes messages and timer expiries with an explicit ``now`` and gives outputs, like
:class:`~.node.Node`: a message addressed to another node is discarded silently (WIRE-013.2);
a message other than ATTEMPT, or an ATTEMPT the station does not serve (LINK-008), is
answered with ERROR to its source (ERR-001), never an ERROR with an ERROR (ERR-003).
A station given keys (``auth``) signs what it sends a keyed node and verifies what that node
sends before acting on it, as a node does (SEC-009).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from qvcp.schemas import ErrorCode, WireError, validate_message

from .engines.base import Output, ProtocolError, Send
from .engines.events import Attempt
from .engines.station import StationEngine
from .messages import MessageFactory, check_extensions, error_reply
from .node import Node


@dataclass
class Station:
    """The heralding station ``engine.station_id`` of one link; ``strict`` validates every
    incoming message first (a malformed one is answered with its WIRE error)."""

    engine: StationEngine
    strict: bool = False
    #: how long after a slot starts the station waits for the photons and ATTEMPTs of both
    #: nodes before it resolves the slot (its matching deadline), unless configured otherwise
    WINDOW_NS: ClassVar[int] = 10

    @classmethod
    def of(cls, *, station_id: int, link_id: int, nodes: Sequence[int], device: Any,
           window_ns: int | None = None, strict: bool = False, auth: Any = None) -> Station:
        """The station of ``link_id`` between the two ``nodes`` (any order); with ``auth`` (a
        :class:`~.auth.NodeAuth` holding a key per node) it signs what it sends them and
        verifies what they send (SEC-009)."""
        a, b = sorted(nodes)
        if a == b or a <= 0:
            raise ValueError("Station.nodes: two distinct positive node ids")
        window_ns = cls.WINDOW_NS if window_ns is None else window_ns
        if window_ns < 0:
            raise ValueError("Station.window_ns: must be >= 0")
        engine = StationEngine(station_id=station_id, link_id=link_id, node_a=a, node_b=b,
                               window_ns=window_ns, device=device,
                               factory=MessageFactory(station_id, auth=auth))
        return cls(engine, strict)

    def receive(self, now: int, msg: dict[str, Any]) -> list[Output]:
        """Process one incoming message at ``now``; returns outputs (sends, records)."""
        eng = self.engine
        if msg.get("destination") != eng.station_id:
            return []
        try:
            auth = eng.factory.auth if eng.factory is not None else None
            if auth is not None and not auth.admit(msg, me=eng.station_id):
                return []  # a replay, discarded without an ERROR (SEC-011.2)
            if self.strict:
                validate_message(msg)
            check_extensions(msg)  # EXT-001, EXT-002
            if msg.get("type") != "ATTEMPT":
                raise ProtocolError(ErrorCode.UNEXPECTED_MESSAGE, f"{msg.get('type')} is not "
                                    "accepted by a heralding station", field="type", msg=msg)
            eng.fire(now, Attempt.of(msg))
        except ProtocolError as err:
            self._error_out(err.code, err.field, err.detail, msg)
        except WireError as err:
            self._error_out(err.code, err.field, err.reason, msg)
        return eng.drain()

    def on_timer(self, now: int) -> list[Output]:
        """Fire every timer due at ``now`` (the matching deadline)."""
        eng = self.engine
        for name in eng.due_timers(now):
            eng.on_timer(now, name)
        return eng.drain()

    def next_deadline(self) -> int | None:
        """The matching deadline of the slot being collected, or None."""
        return self.engine.next_deadline()

    #: the message dicts among outputs, as for a node
    sent = staticmethod(Node.sent)

    def memory_in_use(self) -> int:
        """Memory slots occupied: a station holds no qubit."""
        return 0

    def _error_out(self, code: int, field: str, detail: str, msg: dict[str, Any]) -> None:
        assert self.engine.factory is not None
        reply = error_reply(self.engine.factory, msg, code, field, detail)
        if reply is not None:
            self.engine.out.append(Send(reply))
