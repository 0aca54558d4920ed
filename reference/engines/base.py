"""Shared machinery of the sans-IO engines: transition tables, outputs, the internal error.

Every engine keeps its transitions in one table ``TABLE: dict[(State, EventType), Rule]``.
``Rule.next`` is the state after the action, or a tuple of the states the action may choose
between (the action returns its choice). :meth:`Engine.fire` is the only place that looks a
transition up; a missing entry raises :class:`ProtocolError` (``UNEXPECTED_MESSAGE``), which
the node turns into an ERROR message at one boundary (:mod:`qvcp.reference.node`).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from qvcp.schemas import ErrorCode


class ProtocolError(Exception):
    """The one internal error type of the engines; becomes an ERROR message at the node."""

    def __init__(
        self, code: ErrorCode, detail: str, *, field: str = "", msg: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(f"{code.name}: {detail}")
        self.code = code
        self.detail = detail
        self.field = field
        self.msg = msg


@dataclass(frozen=True, kw_only=True)
class Event:
    """Base of all engine events: frozen, keyword-only, validated on construction."""

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise ``ValueError`` naming the offending field; subclasses extend."""


def require(cond: bool, event: object, name: str, reason: str) -> None:
    """Raise ``ValueError('<Event>.<name>: <reason>')`` unless ``cond``."""
    if not cond:
        raise ValueError(f"{type(event).__name__}.{name}: {reason}")


@dataclass(frozen=True, kw_only=True)
class MessageEvent(Event):
    """An incoming message (validated dict) of type ``MESSAGE_TYPE``."""

    MESSAGE_TYPE: ClassVar[str] = ""
    msg: Mapping[str, Any]

    def validate(self) -> None:
        require(self.msg.get("type") == self.MESSAGE_TYPE, self, "msg", f"not {self.MESSAGE_TYPE}")

    @property
    def body(self) -> Mapping[str, Any]:
        """The message body."""
        return self.msg["body"]

    @property
    def source(self) -> int:
        """Sender node id."""
        return int(self.msg["source"])


@dataclass(frozen=True)
class Rule:
    """One table entry: the next state (or allowed states) and the action method name."""

    next: Any
    action: str

    def allowed(self) -> tuple[Any, ...]:
        """States the action may end in."""
        return self.next if isinstance(self.next, tuple) else (self.next,)


@dataclass(frozen=True)
class Send:
    """Output: send this message dict."""

    msg: dict[str, Any]


@dataclass(frozen=True)
class Local:
    """Output: an event for another engine of the same node."""

    event: Event


@dataclass(frozen=True)
class TransitionRecord:
    """Output: one transition taken (for traces and table-coverage tests)."""

    engine: str
    key: str
    now: int
    state: str
    event: str
    next_state: str


@dataclass(frozen=True)
class Fault:
    """Output: a protocol error to report (the node turns it into an ERROR message)."""

    error: ProtocolError


Output = Send | Local | TransitionRecord | Fault


@dataclass
class Engine:
    """Base class: one instance per state machine (per link, per circuit, per endpoint...)."""

    NAME: ClassVar[str] = "engine"
    TABLE: ClassVar[Mapping[tuple[enum.Enum, type[Event]], Rule]] = {}
    state: Any = None
    out: list[Output] = field(default_factory=list)
    timers: dict[str, int] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """Identifies this instance in traces."""
        return ""

    def fire(self, now: int, event: Event) -> None:
        """Take the transition for ``(state, type(event))`` or raise ``UNEXPECTED_MESSAGE``."""
        rule = self.TABLE.get((self.state, type(event)))
        if rule is None:
            raise ProtocolError(
                ErrorCode.UNEXPECTED_MESSAGE,
                f"{type(event).__name__} not legal in {self.NAME} state {self.state.name}",
                msg=getattr(event, "msg", None),
            )
        before = self.state
        try:
            chosen = getattr(self, rule.action)(now, event)
        except ProtocolError:
            # error transitions are table entries too: record them (state unchanged)
            self.out.append(TransitionRecord(self.NAME, self.key, now, before._name_,
                                             type(event).__name__, before._name_))
            raise
        if chosen is None:
            nxt = rule.next
        else:
            nxt = chosen
            if nxt is not rule.next and nxt not in rule.allowed():
                raise AssertionError(
                    f"{self.NAME}.{rule.action} chose {nxt}, table allows {rule.next}")
        self.state = nxt
        self.out.append(TransitionRecord(self.NAME, self.key, now, before._name_,
                                         type(event).__name__, nxt._name_))

    def report(self, error: ProtocolError) -> None:
        """Report ``error`` without aborting the transition."""
        self.out.append(Fault(error))

    def next_deadline(self) -> int | None:
        """Earliest armed timer, or None."""
        return min(self.timers.values()) if self.timers else None

    def due_timers(self, now: int) -> list[str]:
        """Names of timers due at ``now``, earliest first (they are disarmed)."""
        due = sorted((t, n) for n, t in self.timers.items() if t <= now)
        for _, name in due:
            del self.timers[name]
        return [n for _, n in due]

    def drain(self) -> list[Output]:
        """Return and clear the pending outputs."""
        out, self.out = self.out, []
        return out
