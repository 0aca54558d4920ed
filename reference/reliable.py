"""Acknowledgement and retransmission (spec chapter 11 section 2), sans-IO.

:class:`Reliability` keeps, for one node, the acknowledged messages it has sent and not yet
seen answered, with their retransmission deadlines, a round-trip estimate per destination
(RFC 6298), and the acknowledged messages it has accepted, for ``dedup_hold``, so that a second
copy is recognised (REL-007). The node feeds it what it sends and receives and asks it, at its
timer, which messages to send again and which destinations to give up on.

>>> rel = Reliability(ReliabilityConfig(rto_initial_ns=100_000))
>>> setup = {"type": "SETUP", "message_id": 7, "source": 1, "destination": 2, "body": {}}
>>> rel.track(0, setup)
>>> rel.due(100_000)[0][0]["message_id"]
7
>>> rel.on_ack(150_000, {"source": 2, "body": {"acked_message_id": 7, "acked_type": 0x30}})
True
>>> rel.due(10**9)
([], [])
"""

from __future__ import annotations

import heapq
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from qvcp.schemas.layout import treated_as

__all__ = ["ACKNOWLEDGED", "OWN_ANSWER", "TRACKED", "Reliability", "ReliabilityConfig"]

Json = dict[str, Any]

#: the acknowledged treatment (chapter 11 section 1, ``x-wire.treatment`` of each schema):
#: answered by ACK or ERROR
ACKNOWLEDGED = treated_as("acknowledged")
#: messages the reliability layer retransmits until their own answer comes (LINK-012.2), and
#: that answer's type (TEARDOWN, also answered by its own answer, is retransmitted by its
#: signalling engine, SIG-034)
OWN_ANSWER = {"EXPIRE": "EXPIRE_ACK"}
#: what :meth:`Reliability.track` keeps (TEARDOWN is retransmitted by its signalling engine,
#: SIG-034, with the same timers)
TRACKED = ACKNOWLEDGED | frozenset(OWN_ANSWER)


@dataclass(frozen=True)
class ReliabilityConfig:
    """The timers of chapter 11 section 3 (ns), with their defaults."""

    rto_initial_ns: int = 2_000_000
    rto_min_ns: int = 200_000
    rto_max_ns: int = 1_000_000_000
    max_retransmissions: int = 6
    msl_ns: int = 1_000_000_000

    def __post_init__(self) -> None:
        for name, lo, hi in (("rto_initial_ns", 100_000, 10**10), ("rto_min_ns", 10_000, 10**10),
                             ("rto_max_ns", 10_000, 10**10), ("max_retransmissions", 1, 16)):
            value = getattr(self, name)
            if not lo <= value <= hi:
                raise ValueError(f"{name}: {value} is outside [{lo}, {hi}] (spec chapter 11 "
                                 "section 3)")
        if self.rto_min_ns > self.rto_max_ns:
            raise ValueError("rto_min_ns: must not exceed rto_max_ns")
        if self.msl_ns < 0:
            raise ValueError("msl_ns: must be >= 0")

    @property
    def dedup_hold_ns(self) -> int:
        """How long an accepted message is remembered (REL-007): longer than any
        retransmission of it can arrive."""
        return 2 * self.rto_max_ns * (self.max_retransmissions + 1) + 2 * self.msl_ns


@dataclass
class _Pending:
    msg: Json
    sent_ns: int  # first transmission (RTT samples come only from untouched ones, Karn)
    deadline: int
    rto: int
    tries: int = 0  # retransmissions so far
    sample: bool = True  # its answer may give a round-trip sample (not a start KEEPALIVE's)


#: a REL-007 memory key: ``source << 32 | message_id`` (one int, no tuple) when the id is a u32
#: and the source is not negative, else the pair ``(source, message_id)``
DedupKey = int | tuple[int, int]


def dedup_key(source: int, message_id: int) -> DedupKey:
    """The key under which (``source``, ``message_id``) is remembered: distinct pairs give
    distinct keys, and :func:`key_source` gives back ``source``."""
    if source >= 0 and 0 <= message_id <= 0xFFFFFFFF:
        return source << 32 | message_id
    return (source, message_id)


def key_source(key: DedupKey) -> int:
    """The source of a :func:`dedup_key`."""
    return key >> 32 if isinstance(key, int) else key[0]


def _answer_key(msg: Json) -> tuple[Any, ...]:
    """What an EXPIRE and its EXPIRE_ACK share (LINK-012.1): the link and the range."""
    b = msg["body"]
    return (b["link_id"], b["first_seq"], b["last_seq"])


@dataclass
class Reliability:
    """One node's acknowledgement state (see the module docstring)."""

    config: ReliabilityConfig = field(default_factory=ReliabilityConfig)
    #: (destination, message_id) -> the message waiting for its answer
    pending: dict[tuple[int, int], _Pending] = field(default_factory=dict)
    #: destination -> (srtt, rttvar) in ns (RFC 6298)
    rtt: dict[int, tuple[float, float]] = field(default_factory=dict)
    #: :func:`dedup_key` of (source, message_id) of accepted acknowledged messages -> when
    #: they are forgotten
    accepted: dict[DedupKey, int] = field(default_factory=dict)
    #: the node's timer book entry: {"retransmit": earliest deadline} (empty when none)
    timers: dict[str, int] = field(default_factory=dict)
    _heap: list[tuple[int, int, int]] = field(default_factory=list)
    #: the accepts in the order they came: when each is forgotten, and its key (two parallel
    #: queues sharing the objects of ``accepted``: no tuple per accepted message)
    _expiry: deque[int] = field(default_factory=deque)
    _expiry_keys: deque[DedupKey] = field(default_factory=deque)

    # -- sending ------------------------------------------------------------------------------
    def rto(self, dest: int) -> int:
        """The retransmission timeout towards ``dest`` before any back-off."""
        c = self.config
        est = self.rtt.get(dest)
        if est is None:
            return c.rto_initial_ns
        srtt, rttvar = est
        return int(min(max(srtt + 4 * rttvar, c.rto_min_ns), c.rto_max_ns))

    def sampled_rto(self, dest: int) -> int:
        """:meth:`rto` towards ``dest`` once a round trip to it has been measured, else 0."""
        return self.rto(dest) if dest in self.rtt else 0

    def track(self, now: int, msg: Json, *, sample: bool = True) -> None:
        """``msg`` was sent: retransmit it until answered (REL-003, REL-004). ``sample``:
        whether its answer may give a round-trip sample (a node's start KEEPALIVE is answered
        while its neighbour may itself be starting: it does not)."""
        key = (msg["destination"], msg["message_id"])
        rto = self.rto(msg["destination"])
        self.pending[key] = _Pending(msg, now, now + rto, rto, sample=sample)
        self._schedule(now + rto, key)

    def _schedule(self, deadline: int, key: tuple[int, int]) -> None:
        heapq.heappush(self._heap, (deadline, key[0], key[1]))
        self.timers["retransmit"] = self._heap[0][0]

    def _settled(self, now: int, key: tuple[int, int]) -> Json | None:
        """The message ``key`` names is answered: the message, or None if none waits."""
        p = self.pending.pop(key, None)
        if p is None:
            return None
        if p.tries == 0 and p.sample:  # Karn: only a message sent once gives a sample
            self._sample(key[0], now - p.sent_ns)
        return p.msg

    def _sample(self, dest: int, rtt: int) -> None:
        est = self.rtt.get(dest)
        if est is None:
            self.rtt[dest] = (float(rtt), rtt / 2)
        else:
            srtt, rttvar = est
            rttvar = 0.75 * rttvar + 0.25 * abs(srtt - rtt)
            self.rtt[dest] = (0.875 * srtt + 0.125 * rtt, rttvar)

    def on_ack(self, now: int, ack: Json) -> bool:
        """An ACK arrived: the message it names is settled. False if it names none."""
        return self._settled(now, (ack["source"], ack["body"]["acked_message_id"])) is not None

    def on_error(self, now: int, error: Json) -> Json | None:
        """An ERROR arrived: the message it answers is settled (ERR-005, REL-002); returns that
        message if it was waiting for an answer."""
        return self._settled(now, (error["source"], error["body"]["offending_message_id"]))

    def on_answer(self, now: int, answer: Json) -> bool:
        """An EXPIRE_ACK arrived: the EXPIRE it answers is settled (REL-004)."""
        key = _answer_key(answer)
        for (dest, mid), p in self.pending.items():
            if (dest == answer["source"] and OWN_ANSWER.get(p.msg["type"]) == answer["type"]
                    and _answer_key(p.msg) == key):
                return self._settled(now, (dest, mid)) is not None
        return False

    def due(self, now: int) -> tuple[list[Json], list[Json]]:
        """(messages to send again now, messages given up on: their destination is
        unreachable, REL-006), and the timer moved to the next deadline."""
        c = self.config
        again: list[Json] = []
        gave_up: list[Json] = []
        heap = self._heap
        while heap and heap[0][0] <= now:
            deadline, dest, mid = heapq.heappop(heap)
            p = self.pending.get((dest, mid))
            if p is None or p.deadline != deadline:
                continue  # answered, or rescheduled since
            if p.tries >= c.max_retransmissions:
                del self.pending[(dest, mid)]
                gave_up.append(p.msg)
                continue
            p.tries += 1
            p.rto = min(2 * p.rto, c.rto_max_ns)  # REL-005
            p.deadline = now + p.rto
            heapq.heappush(heap, (p.deadline, dest, mid))
            again.append(p.msg)
        if heap:
            self.timers["retransmit"] = heap[0][0]
        else:
            self.timers.pop("retransmit", None)
        return again, gave_up

    def forget_destination(self, dest: int) -> None:
        """Stop retransmitting to ``dest`` (it failed or restarted; its circuits are gone)."""
        for key in [k for k in self.pending if k[0] == dest]:
            del self.pending[key]
        self.rtt.pop(dest, None)

    def forget_circuit(self, circuit_id: int) -> None:
        """Stop retransmitting the messages of ``circuit_id`` (released here, REL-024)."""
        for key in [k for k, p in self.pending.items()
                    if p.msg["body"].get("circuit_id") == circuit_id]:
            del self.pending[key]

    # -- receiving ----------------------------------------------------------------------------
    def seen(self, now: int, msg: Json) -> bool:
        """True if ``msg`` is a copy of an acknowledged message accepted within
        ``dedup_hold`` (REL-007)."""
        self._expire(now)
        return dedup_key(msg["source"], msg["message_id"]) in self.accepted

    def accept(self, now: int, msg: Json) -> None:
        """``msg`` was accepted: remember it for ``dedup_hold``."""
        self._expire(now)
        until = now + self.config.dedup_hold_ns
        key = dedup_key(msg["source"], msg["message_id"])
        self.accepted[key] = until
        self._expiry.append(until)
        self._expiry_keys.append(key)

    def forget_source(self, source: int) -> None:
        """Forget what was accepted from ``source`` (it restarted, REL-014)."""
        for key in [k for k in self.accepted if key_source(k) == source]:
            del self.accepted[key]

    def _expire(self, now: int) -> None:
        expiry, keys, accepted = self._expiry, self._expiry_keys, self.accepted
        while expiry and expiry[0] <= now:
            until, key = expiry.popleft(), keys.popleft()
            if accepted.get(key) == until:
                del accepted[key]
