"""Released circuits a node still remembers (spec chapter 11 section 4.5), sans-IO.

A node forgets a circuit's engines the moment its signalling machine reaches ``CLOSED`` and
keeps only this: the circuit id, whether the node had installed its rules, and when the memory
ends (``closed_linger`` after the release). Late messages of the circuit are decided from it:
a SETUP is ignored (REL-025), a TEARDOWN acknowledged (SIG-031), a tracking message ignored if
the rules were installed (REL-023) and refused with ``UNKNOWN_CIRCUIT`` if not (TRK-004). The
cost per circuit is a few words for ``closed_linger``; a node's state does not grow with the
number of circuits it has served.

>>> book = ClosedCircuits(linger_ns=100)
>>> book.remember(now=10, circuit_id=7, installed=True)
>>> book.installed(50, 7), book.installed(50, 8), book.installed(110, 7)
(True, None, None)
>>> len(book)
0
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

__all__ = ["ClosedCircuits"]


#: the most released circuits a node remembers at once (a flood of refused SETUPs, each of
#: which leaves its id, cannot make the book grow past it; the oldest ids go first)
CAP = 65536


@dataclass
class ClosedCircuits:
    """circuit id -> whether its rules were installed, for ``linger_ns`` after its release, at
    most ``cap`` of them."""

    linger_ns: int
    cap: int = CAP
    _book: dict[int, tuple[int, bool]] = field(default_factory=dict)
    _expiry: deque[tuple[int, int]] = field(default_factory=deque)

    def remember(self, now: int, circuit_id: int, *, installed: bool) -> None:
        """The circuit was released at ``now``."""
        self._expire(now)
        until = now + self.linger_ns
        self._book[circuit_id] = (until, installed)
        self._expiry.append((until, circuit_id))
        while len(self._book) > self.cap:  # the oldest first (one linger for every id)
            self._drop_oldest()

    def installed(self, now: int, circuit_id: int) -> bool | None:
        """Whether the node had installed the rules of released circuit ``circuit_id``;
        ``None`` when it released no such circuit within ``linger_ns``."""
        self._expire(now)
        found = self._book.get(circuit_id)
        return None if found is None else found[1]

    def _expire(self, now: int) -> None:
        expiry = self._expiry
        while expiry and expiry[0][0] <= now:
            self._drop_oldest()

    def _drop_oldest(self) -> None:
        """Forget the id remembered longest ago, unless it was remembered again since."""
        until, cid = self._expiry.popleft()
        if self._book.get(cid, (None,))[0] == until:
            del self._book[cid]

    def __contains__(self, circuit_id: object) -> bool:
        """Remembered, as of the last call that took the time."""
        return circuit_id in self._book

    def __len__(self) -> int:
        return len(self._book)
