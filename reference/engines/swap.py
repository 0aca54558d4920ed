"""Swap engine: an intermediate node's data plane for one circuit (SWAP rule, FWD-005.1, FWD-005.2).

Holds qubits of the circuit on its head-side link (``match_link``) and tail-side link
(``peer_link``), swaps the oldest pair of each as soon as both exist, and sends SWAP_OUTCOME
to both new partners (TRK-001.1, TRK-002, TRK-003.1, TRK-006.1). Under a link-level DISTIL
rule a link's pairs are distilled with the neighbour first and swapped only once they have
survived every round (FWD-005.1, FWD-006; :mod:`.distil`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import cached_property

from ..schedule import NESTED, far_ends, reached
from .base import Rule
from .events import (
    CloseCircuit,
    CutoffTimer,
    Discard,
    DistilOutcome,
    LinkPairReady,
    PeerExpired,
    SwapOutcome,
)
from .qubits import QubitRecord, SwapRecord, TrackingEngine


class SwapState(Enum):
    """What the node holds for the circuit."""

    EMPTY = "no qubit held"
    HOLD_HEAD = "only head-side qubits held"
    HOLD_TAIL = ("tail-side qubits held (with head-side ones only while a nested schedule does "
                 "not let the node swap them yet, FWD-020)")
    DISTILLING = "qubits under a link-level DISTIL rule held (and others of at most one side)"
    CLOSED = "circuit released"


E, H, T, D, C = (SwapState.EMPTY, SwapState.HOLD_HEAD, SwapState.HOLD_TAIL,
                 SwapState.DISTILLING, SwapState.CLOSED)
_LIVE = (E, H, T, D)

TABLE = {
    (E, LinkPairReady): Rule((H, T, D, E), "store_and_swap"),
    (H, LinkPairReady): Rule((H, T, E, D), "store_and_swap"),
    (T, LinkPairReady): Rule((T, H, E, D), "store_and_swap"),
    (D, LinkPairReady): Rule(_LIVE, "store_and_swap"),
    (E, SwapOutcome): Rule(E, "track"),
    (H, SwapOutcome): Rule((H, E), "track_held"),
    (T, SwapOutcome): Rule((T, H, E), "track_held"),
    (D, SwapOutcome): Rule(_LIVE, "track_held"),
    **{(s, Discard): Rule(_LIVE, "discard_msg") for s in _LIVE},
    **{(s, PeerExpired): Rule(_LIVE, "peer_expired") for s in _LIVE},
    (H, CutoffTimer): Rule((H, E), "cutoff"),
    (T, CutoffTimer): Rule((T, H, E), "cutoff"),
    (D, CutoffTimer): Rule(_LIVE, "cutoff"),
    **{(s, DistilOutcome): Rule(_LIVE, "distil_outcome") for s in _LIVE},
    **{(s, CloseCircuit): Rule(C, "free_all") for s in _LIVE},
    (C, LinkPairReady): Rule(C, "free_late"),
    (C, SwapOutcome): Rule(C, "ignore"),
    (C, Discard): Rule(C, "ignore"),
    (C, PeerExpired): Rule(C, "ignore"),
    (C, DistilOutcome): Rule(C, "ignore"),
}


@dataclass
class SwapEngine(TrackingEngine):
    """Data plane of an intermediate node (router or automated repeater) for one circuit."""

    NAME = "swap"
    TABLE = TABLE

    def __post_init__(self) -> None:
        self.state = SwapState.EMPTY
        self._init_link_scopes()

    def _holding(self) -> SwapState:
        if not self.held:
            return SwapState.EMPTY
        if self.link_scopes and any(self._distilling(ref) for ref in self.held):
            return SwapState.DISTILLING
        for r in self.held.values():
            if r.side != "head":
                return SwapState.HOLD_TAIL
        return SwapState.HOLD_HEAD

    def store_and_swap(self, now: int, ev: LinkPairReady) -> SwapState:
        self.store(now, ev)
        self._swap_all(now)
        return self._holding()

    def _swap_all(self, now: int) -> None:
        assert self.ctx is not None and self.info is not None
        while True:
            h = t = None  # FWD-005.2: the oldest of each side (the first stored on a tie)
            held = self.held.values() if not self.link_scopes else [
                r for r in self.held.values() if not self._distilling(r.origin)]
            far = self._far_ends  # FWD-020: under a nested schedule, only its level's pairs
            for r in held:
                if far is not None and not self._for_level(r):
                    continue
                if r.side == "head":
                    if h is None or r.created_ns < h.created_ns:
                        h = r
                elif t is None or r.created_ns < t.created_ns:
                    t = r
            if h is None or t is None:
                return
            m = self.ctx.device.bsm(now=now, left=h.qubit, right=t.qubit)
            if m is None:  # TRK-030: both qubits consumed, nothing learnt; both partners told
                self._drop(now, h.origin, "BSM_FAILED", notify=True)
                self._drop(now, t.origin, "BSM_FAILED", notify=True)
                continue
            for r in (h, t):
                del self.held[r.origin]
                self.disarm("cutoff", r.origin)
                self.ctx.resources.swapped(self.info.circuit_id, r.qubit)
                self.ctx.link_gone(*r.origin)
            rec = SwapRecord(m, [h.origin, t.origin], [h.partner, t.partner],
                             [h.partner_ref, t.partner_ref], [h.bell, t.bell])
            self._remember(self.consumed, h.origin, rec)
            self._remember(self.consumed, t.origin, rec)
            self._emit_outcome(rec)

    # -- swap schedule (FWD-020, FWD-021; :mod:`..schedule`) ---------------------------------
    @cached_property
    def _far_ends(self) -> tuple[int, int] | None:
        """This router's far ends under the circuit's nested schedule (None: swap asap)."""
        assert self.info is not None
        if self.info.swap_schedule != NESTED:
            return None
        return far_ends(self.info.route, self.me)

    def _for_level(self, r: QubitRecord) -> bool:
        """FWD-020: ``r``'s partner is at or beyond this router's far end on its side."""
        assert self.info is not None and self._far_ends is not None
        head = r.side == "head"
        return reached(self.info._positions, r.partner, self._far_ends[0 if head else 1], head)

    def store(self, now: int, ev: LinkPairReady) -> bool:
        """As :meth:`TrackingEngine.store`; under a nested schedule a pair held for a lower
        level has no cutoff here yet (FWD-021)."""
        usable = super().store(now, ev)
        rec = self.held.get((ev.link_id, ev.seq))
        if self._far_ends is not None and rec is not None and not self._for_level(rec):
            self.disarm("cutoff", rec.origin)
        return usable

    def updated(self, now: int, ref: tuple[int, int]) -> None:
        """A held qubit's partner moved outwards: under a nested schedule, a qubit that now
        serves this router's level gets its cutoff from now (FWD-021) and may be swapped."""
        if self._far_ends is None:
            return
        rec = self.held[ref]
        name = self.timer_name("cutoff", ref)
        if rec.cutoff_ns and name not in self.timers and self._for_level(rec):
            self.timers[name] = now + rec.cutoff_ns
        self._swap_all(now)

    def link_ready(self, now: int, ref: tuple[int, int]) -> None:
        self._swap_all(now)

    def distil_outcome(self, now: int, ev: DistilOutcome) -> SwapState:
        """The neighbour's half of a link-level distillation round (TRK-020.1, TRK-023.2)."""
        self.on_distil_outcome(now, ev)
        return self._holding()

    def track_held(self, now: int, ev: SwapOutcome) -> SwapState:
        """Track the outcome; a contradicting one discards the qubits it names (TRK-005.3)."""
        held = len(self.held)
        self.track(now, ev)
        return self.state if len(self.held) == held else self._holding()

    def discard_msg(self, now: int, ev: Discard) -> SwapState:
        self.on_discard(now, ev)
        return self._holding()

    def peer_expired(self, now: int, ev: PeerExpired) -> SwapState:
        self.on_peer_expired(now, ev)
        return self._holding()

    def cutoff(self, now: int, ev: CutoffTimer) -> SwapState:
        self.expire_due(now, ev)
        return self._holding()
