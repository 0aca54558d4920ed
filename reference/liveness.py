"""Liveness of neighbours and restarts (spec chapter 11 section 4), sans-IO.

:class:`Liveness` knows when the node last sent to and heard from each neighbour (a node it
shares a link with). It says when to send KEEPALIVE (REL-010, REL-011), which neighbours have
been silent for ``dead_interval`` (REL-012), and which have restarted (a KEEPALIVE with a new
incarnation, REL-014).

>>> live = Liveness(neighbours=(2,), interval_ns=1_000_000, dead_ns=3_000_000)
>>> live.start(0)
[2]
>>> live.due(1_000_000)
([2], [])
>>> live.due(3_000_000)
([2], [2])
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Liveness"]


@dataclass
class Liveness:
    """One node's view of its neighbours (see the module docstring)."""

    neighbours: tuple[int, ...] = ()
    interval_ns: int = 50_000_000
    dead_ns: int = 150_000_000
    last_sent: dict[int, int] = field(default_factory=dict)
    last_heard: dict[int, int] = field(default_factory=dict)
    #: neighbour -> the incarnation of its last KEEPALIVE
    incarnations: dict[int, int] = field(default_factory=dict)
    #: neighbours found dead and not heard from since (no second failure for one silence)
    dead: set[int] = field(default_factory=set)
    #: the node's timer book entry: {"keepalive": t, "dead": t}
    timers: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 1_000_000 <= self.interval_ns <= 10**10:
            raise ValueError(f"keepalive_interval_ns: {self.interval_ns} is outside [1 ms, 10 s]"
                             " (spec chapter 11 section 3)")
        if self.dead_ns < 2 * self.interval_ns:
            raise ValueError("dead_interval_ns: must be at least twice keepalive_interval_ns")

    def start(self, now: int) -> list[int]:
        """The node starts (or restarts): KEEPALIVE to every neighbour first (REL-011); each
        neighbour has ``dead_interval`` from now to be heard."""
        for n in self.neighbours:
            self.last_sent[n] = now
            self.last_heard[n] = now
        self._rearm()
        return list(self.neighbours)

    def sent(self, dest: int, now: int) -> None:
        """A message went to ``dest``: no KEEPALIVE to it is due before ``interval`` passes."""
        if dest in self.last_sent:
            self.last_sent[dest] = now

    def heard(self, source: int, now: int) -> None:
        """A message came from ``source``: it is alive."""
        if source in self.last_heard:
            self.last_heard[source] = now
            self.dead.discard(source)

    def restarted(self, source: int, incarnation: int) -> bool:
        """A KEEPALIVE from ``source`` with ``incarnation``: True if it differs from the one
        last seen from that neighbour (it restarted, REL-014)."""
        if source not in self.last_heard:
            return False
        before = self.incarnations.get(source)
        self.incarnations[source] = incarnation
        return before is not None and before != incarnation

    def due(self, now: int) -> tuple[list[int], list[int]]:
        """(neighbours owed a KEEPALIVE now, neighbours just found dead)."""
        overdue = [n for n in self.neighbours if now - self.last_sent[n] >= self.interval_ns]
        for n in overdue:
            self.last_sent[n] = now
        send = overdue  # REL-010
        dead = [n for n in self.neighbours
                if n not in self.dead and now - self.last_heard[n] >= self.dead_ns]
        self.dead.update(dead)
        self._rearm()
        return send, dead

    def _rearm(self) -> None:
        if not self.neighbours or not self.last_sent:
            self.timers.clear()
            return
        self.timers["keepalive"] = min(self.last_sent.values()) + self.interval_ns
        alive = [t for n, t in self.last_heard.items() if n not in self.dead]
        if alive:
            self.timers["dead"] = min(alive) + self.dead_ns
        else:
            self.timers.pop("dead", None)
