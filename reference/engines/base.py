"""Shared machinery of the sans-IO engines: transition tables, outputs, the internal error.

Every engine keeps its transitions in one table ``TABLE: dict[(State, EventType), Rule]``.
``Rule.next`` is the state after the action, or a tuple of the states the action may choose
between (the action returns its choice). :meth:`Engine.fire` is the only place that looks a
transition up; a missing entry raises :class:`ProtocolError` (``UNEXPECTED_MESSAGE``), which
the node turns into an ERROR message at one boundary (:mod:`qvcp.reference.node`).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from qvcp.schemas import ErrorCode

if TYPE_CHECKING:
    from ..circuit import NodeContext


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

    @classmethod
    def trusted(cls, **fields: Any) -> Any:
        """The event built without the frozen ``__init__`` and without :meth:`validate`, for
        callers whose fields are valid by construction (e.g. a message event whose class was
        chosen from the message's own type). Same value as ``cls(**fields)``: every field must
        be given (defaults are not applied)."""
        event = object.__new__(cls)
        event.__dict__.update(fields)
        return event


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
        if self.msg.get("type") != self.MESSAGE_TYPE:  # message built only on failure
            require(False, self, "msg", f"not {self.MESSAGE_TYPE}")

    @classmethod
    def of(cls, msg: Mapping[str, Any]) -> Any:
        """``cls.trusted(msg=msg)``: the event of a message already known to be of
        ``MESSAGE_TYPE`` (one per message received, so built without keyword packing)."""
        event = _new(cls)
        event.__dict__["msg"] = msg
        return event

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

_new = object.__new__


def _record(engine: str, key: str, now: int, state: str, event: str,
            next_state: str) -> TransitionRecord:
    """A :class:`TransitionRecord` built without the frozen ``__init__`` (same value; twice as
    fast, and one is built per transition)."""
    rec = _new(TransitionRecord)
    rec.__dict__.update(engine=engine, key=key, now=now, state=state, event=event,
                        next_state=next_state)
    return rec


#: ``{(state name, event type): (next state, action function, allowed next states)}``.
#: Enum members hash through a Python-level ``Enum.__hash__``; state names are unique within an
#: engine's state enum and hash in C, so :meth:`Engine.fire` looks rules up here, with the
#: action already resolved on the class.
_FastTable = dict[tuple[str, type], tuple[Any, Any, tuple[Any, ...]]]


def _by_name(action: str) -> Any:
    """An action not defined on the class: looked up on the instance when it fires."""
    def call(engine: Engine, now: int, event: Event) -> Any:
        return getattr(engine, action)(now, event)
    return call


def _build_rules(cls: type[Engine]) -> tuple[Mapping[Any, Rule], int, _FastTable]:
    """``cls._rules``: ``(TABLE, its size, fast table)``, kept on the class itself: built for
    every engine class when it is defined, and again by :meth:`Engine.fire` when ``TABLE`` is
    replaced or changes size (tables are module constants)."""
    table = cls.TABLE
    fast = {(s._name_, e): (r.next, getattr(cls, r.action, None) or _by_name(r.action),
                            r.allowed())
            for (s, e), r in table.items()}
    cls._rules = (table, len(table), fast)
    return cls._rules


@dataclass
class Engine:
    """Base class: one instance per state machine (per link, per circuit, per endpoint...)."""

    NAME: ClassVar[str] = "engine"
    TABLE: ClassVar[Mapping[tuple[enum.Enum, type[Event]], Rule]] = {}
    #: emit a :class:`TransitionRecord` per transition (a node switches it off per engine
    #: when nothing reads them: ``NodeConfig.record_transitions``)
    records_transitions: ClassVar[bool] = True
    #: the class's rules as :meth:`fire` reads them (:func:`_build_rules`)
    _rules: ClassVar[tuple[Any, int, _FastTable]] = ({}, 0, {})
    state: Any = None
    out: list[Output] = field(default_factory=list)
    timers: dict[str, int] = field(default_factory=dict)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _build_rules(cls)  # each class its own rules, with its own action methods

    @property
    def key(self) -> str:
        """Identifies this instance in traces."""
        return ""

    def fire(self, now: int, event: Event) -> None:
        """Take the transition for ``(state, type(event))`` or raise ``UNEXPECTED_MESSAGE``."""
        before = self.state
        etype = type(event)
        rules = self._rules
        if rules[0] is not self.TABLE or rules[1] != len(rules[0]):
            rules = _build_rules(type(self))
        found = rules[2].get((before._name_, etype))
        if found is None:
            raise ProtocolError(
                ErrorCode.UNEXPECTED_MESSAGE,
                f"{etype.__name__} not legal in {self.NAME} state {before.name}",
                msg=getattr(event, "msg", None),
            )
        nxt, action, allowed = found
        try:
            chosen = action(self, now, event)
        except ProtocolError:
            # error transitions are table entries too: record them (state unchanged)
            if self.records_transitions:
                self.out.append(_record(self.NAME, self.__dict__.get("_key")
                                        or self._trace_key(), now, before._name_,
                                        etype.__name__, before._name_))
            raise
        if chosen is not None and chosen is not nxt:
            if chosen not in allowed:
                raise AssertionError(f"{self.NAME}: the action for {etype.__name__} in "
                                     f"{before.name} chose {chosen}, table allows {nxt}")
            nxt = chosen
        self.state = nxt
        if self.records_transitions:
            self.out.append(_record(self.NAME, self.__dict__.get("_key") or self._trace_key(),
                                    now, before._name_, etype.__name__, nxt._name_))

    def _trace_key(self) -> str:
        """:attr:`key`, computed once per instance (it names the instance: node, link,
        circuit or endpoint, fixed for the engine's life)."""
        key = self.__dict__["_key"] = self.key
        return key

    def report(self, error: ProtocolError) -> None:
        """Report ``error`` without aborting the transition."""
        self.out.append(Fault(error))

    def next_deadline(self) -> int | None:
        """Earliest armed timer, or None."""
        timers = self.timers
        return min(timers.values()) if timers else None

    @staticmethod
    def timer_name(kind: str, key: int | tuple[int, ...]) -> str:
        """The name of a per-item timer: ``kind:key`` for one number, ``kind:a:b`` for a pair
        such as a qubit's ``(link, seq)``; the engine reads the key back when it fires."""
        if isinstance(key, tuple):
            return ":".join((kind, *map(str, key)))
        return f"{kind}:{key}"

    @staticmethod
    def timer_key(name: str) -> tuple[int, ...]:
        """The numbers of a :meth:`timer_name` after its kind: ``(key,)`` or ``(a, b)``."""
        return tuple(map(int, name.split(":")[1:]))

    def disarm(self, kind: str, key: int | tuple[int, ...]) -> None:
        """Disarm the timer :meth:`timer_name` ``(kind, key)`` if armed; without any armed
        timer no name is built (the common case on the data path)."""
        if self.timers:
            self.timers.pop(self.timer_name(kind, key), None)

    def due_timers(self, now: int) -> list[str]:
        """Names of timers due at ``now``, earliest first (they are disarmed)."""
        timers = self.timers
        if len(timers) == 1:  # the common case: no sort, no tuples
            for name, t in timers.items():
                if t <= now:
                    del timers[name]
                    return [name]
                return []
        due = sorted((t, n) for n, t in timers.items() if t <= now)
        for _, name in due:
            del timers[name]
        return [n for _, n in due]

    def drain(self) -> list[Output]:
        """Return and clear the pending outputs (the list ``out`` itself is kept: inside a
        node it is the node's output queue, shared by its engines)."""
        out = self.out[:]
        self.out.clear()
        return out


@dataclass
class NodeEngine(Engine):
    """An engine inside a node: it knows the node's context and sends through its factory."""

    ctx: NodeContext | None = None

    @property
    def me(self) -> int:
        """This node's id."""
        assert self.ctx is not None
        return self.ctx.node_id

    def _send(self, mtype: str, dest: int, body: dict[str, Any],
              extensions: Sequence[dict[str, Any]] = ()) -> None:
        assert self.ctx is not None
        self.out.append(Send(self.ctx.factory.make(mtype, dest, body, extensions)))
