"""The heralding station's two detectors with dead time (docs/noise.md, "Detector dead time").

A link whose detectors have a dead time longer than its attempt spacing gets a
:class:`DetectorBank`; :meth:`World.resolve <.world.World.resolve>` then samples each matched
mode's attempt from the bank instead of the link's plain success probability. Each optical
mode has its own pair of detectors. A click at the slot starting at ``t`` blinds its
detector for the slots starting before ``t + dead_ns``; a slot with a blind detector heralds
nothing (the other detector, if live, still clicks with its marginal probability). The
detectors are read only in slots in which both nodes attempt.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .. import noise

__all__ = ["DetectorBank"]


@dataclass
class DetectorBank:
    """Dead-time state of one link's detectors.

    ``outcomes`` is the link's :class:`~qvcp.reference.noise.ClickOutcomes` (both detectors
    live), ``dead_ns`` the detectors' dead time.
    """

    outcomes: noise.ClickOutcomes
    dead_ns: int
    #: mode -> [slot start before which detector 0 is blind, the same for detector 1]
    blind_until: dict[int, list[int]] = field(default_factory=dict)
    _cumulative: list[float] = field(init=False, repr=False)
    _table: list[tuple[bool, bool, int]] = field(init=False, repr=False)
    _marginals: tuple[float, float] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        out, total = self.outcomes, 0.0
        self._cumulative = []
        for p in out.probabilities.tolist():
            total += p
            self._cumulative.append(total)
        self._table = [(bool(c[0]), bool(c[1]), int(k))
                       for c, k in zip(out.clicks.tolist(), out.codes.tolist(), strict=True)]
        m0, m1 = out.marginals.tolist()
        self._marginals = (m0, m1)

    def herald(self, slot_ns: int, mode: int, rand: Callable[[], float]) -> int:
        """Sample mode ``mode``'s detectors for the attempt of the slot starting at
        ``slot_ns``; returns the heralded Bell index or ``noise.NO_HERALD``."""
        until = self.blind_until.setdefault(mode, [0, 0])
        live0, live1 = slot_ns >= until[0], slot_ns >= until[1]
        if live0 and live1:
            u = rand() * self._cumulative[-1]
            i = 0
            last = len(self._cumulative) - 1
            while i < last and u >= self._cumulative[i]:
                i += 1
            c0, c1, code = self._table[i]
        else:
            m0, m1 = self._marginals
            c0 = live0 and rand() < m0
            c1 = live1 and rand() < m1
            code = noise.NO_HERALD
        if c0:
            until[0] = slot_ns + self.dead_ns
        if c1:
            until[1] = slot_ns + self.dead_ns
        return code

    def resolve(self, slot_ns: int, modes: int, rand: Callable[[], float]) -> list[int]:
        """:meth:`herald` of each of ``modes`` modes."""
        return [self.herald(slot_ns, i, rand) for i in range(modes)]
