"""The simulator's event queue: events in order of time, then of insertion.

Events are ``(kind, target, payload)`` at an integer time (ns). Many events share a time (every
node of a network starts its attempt slots on the same grid), so the queue keeps a binary heap
of the distinct pending times only, and for each time a first-in first-out list of its events.
The order is the one of a heap of ``(time, insertion counter, ...)`` entries, but a push or pop
costs one dict lookup and, only for a time not yet pending, a heap operation on integers: the
heap holds the distinct times (hundreds in a 1000-node chain), not every queued event (there
thousands), and compares plain integers, not tuples.

>>> q = EventQueue()
>>> q.push(5, 0, 1, "b"); q.push(3, 0, 2, "a"); q.push(5, 1, 3, "c")
>>> [q.pop() for _ in range(len(q))]
[(3, 0, 2, 'a'), (5, 0, 1, 'b'), (5, 1, 3, 'c')]
"""

from __future__ import annotations

import heapq
from collections import deque
from typing import Any

#: one queued event: (kind, target, payload)
Event = tuple[int, int, Any]


class EventQueue:
    """Events ordered by time, then by the order they were pushed in."""

    __slots__ = ("at", "times")

    def __init__(self) -> None:
        #: heap of the distinct times with events pending
        self.times: list[int] = []
        #: time -> its pending events, first pushed first
        self.at: dict[int, deque[Event]] = {}

    def __len__(self) -> int:
        return sum(map(len, self.at.values()))

    def push(self, t: int, kind: int, target: int, payload: Any) -> None:
        """Queue an event at time ``t`` (ns), after every event already queued at ``t``."""
        bucket = self.at.get(t)
        if bucket is None:
            bucket = self.at[t] = deque()
            heapq.heappush(self.times, t)
        bucket.append((kind, target, payload))

    def next_time(self) -> int | None:
        """The time of the next event, or None when the queue is empty."""
        return self.times[0] if self.times else None

    def pop(self) -> tuple[int, int, int, Any]:
        """Remove and return the next event as ``(time, kind, target, payload)``."""
        event = self.pop_due(self.times[0])
        assert event is not None
        return event

    def pop_due(self, t_end: int) -> tuple[int, int, int, Any] | None:
        """Remove and return the next event as ``(time, kind, target, payload)`` if its time
        is at most ``t_end`` (ns); None, leaving the queue as it is, otherwise."""
        times = self.times
        if not times or times[0] > t_end:
            return None
        t = times[0]
        bucket = self.at[t]
        kind, target, payload = bucket.popleft()
        if not bucket:
            heapq.heappop(times)
            del self.at[t]
        return t, kind, target, payload
