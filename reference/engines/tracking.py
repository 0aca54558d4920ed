"""End-node engine: tracking and identification of end-to-end pairs (DELIVER rule).

An end node holds its qubits of the circuit, follows SWAP_OUTCOMEs until a qubit's partner is
the other end of the circuit, then identifies the pair: ``pair_id`` by TRK-016, Bell state
from tracking, fidelity estimate (DLV-022), and hands it to the delivery engine (FWD-007).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from ..admission import fidelity_of, storage_factor, werner
from .base import Local, Rule
from .events import (
    CloseCircuit,
    CutoffTimer,
    Discard,
    LinkPairReady,
    PairIdentified,
    PairLost,
    PeerExpired,
    SwapOutcome,
)
from .qubits import Ref, TrackingEngine


class EndState(Enum):
    """What the end node holds for the circuit."""

    EMPTY = "no qubit waiting for tracking"
    HOLDING = "qubits waiting for the last swap outcome"
    CLOSED = "circuit released"


E, H, C = EndState.EMPTY, EndState.HOLDING, EndState.CLOSED

TABLE = {
    (E, LinkPairReady): Rule((H, E), "store_and_check"),
    (H, LinkPairReady): Rule((H, E), "store_and_check"),
    (E, SwapOutcome): Rule(E, "track"),
    (H, SwapOutcome): Rule((H, E), "track_and_check"),
    (E, Discard): Rule(E, "on_discard"),
    (H, Discard): Rule((H, E), "discard_msg"),
    (E, PeerExpired): Rule(E, "on_peer_expired"),
    (H, PeerExpired): Rule((H, E), "peer_expired"),
    (H, CutoffTimer): Rule((H, E), "cutoff"),
    (E, CloseCircuit): Rule(C, "free_all"),
    (H, CloseCircuit): Rule(C, "free_all"),
    (C, LinkPairReady): Rule(C, "free_late"),
    (C, SwapOutcome): Rule(C, "ignore"),
    (C, Discard): Rule(C, "ignore"),
    (C, PeerExpired): Rule(C, "ignore"),
}


@dataclass
class EndEngine(TrackingEngine):
    """Data plane of a head or tail end for one circuit."""

    NAME = "end"
    TABLE = TABLE
    identified: int = 0

    def __post_init__(self) -> None:
        self.state = EndState.EMPTY

    def _holding(self) -> EndState:
        return EndState.HOLDING if self.held else EndState.EMPTY

    @property
    def other_end(self) -> int:
        assert self.info is not None
        return self.info.tail_end if self.me == self.info.head_end else self.info.head_end

    def store_and_check(self, now: int, ev: LinkPairReady) -> EndState:
        self.store(now, ev)
        self.updated(now, (ev.link_id, ev.seq))
        return self._holding()

    def track_and_check(self, now: int, ev: SwapOutcome) -> EndState:
        self.track(now, ev)
        return self._holding()

    def discard_msg(self, now: int, ev: Discard) -> EndState:
        self.on_discard(now, ev)
        return self._holding()

    def peer_expired(self, now: int, ev: PeerExpired) -> EndState:
        self.on_peer_expired(now, ev)
        return self._holding()

    def cutoff(self, now: int, ev: CutoffTimer) -> EndState:
        self.expire_due(now, ev)
        return self._holding()

    def estimate(self, now: int, created_ns: int) -> float:
        """DLV-022: the circuit's guaranteed bound refined by this qubit's actual storage.

        CONFIRM's ``expected_fidelity`` is the bound with every qubit stored for the cutoff
        (SIG-039); this qubit was stored ``now - created_ns`` only, so its storage factor is
        replaced by the actual one. Without a cutoff the estimate decays with the storage.
        """
        assert self.info is not None and self.ctx is not None
        w = werner(self.info.expected_fidelity)
        age = max(0, now - created_ns)
        t2 = self.ctx.t2_ns
        if self.cutoff_ns:
            w *= storage_factor(age, t2) / storage_factor(self.cutoff_ns, t2)
        else:
            w *= storage_factor(age, t2)
        return min(max(fidelity_of(w), 0.0), 1.0)

    def updated(self, now: int, ref: Ref) -> None:
        """Identify and hand over the pair once its partner is the other end (TRK-005)."""
        assert self.info is not None
        rec = self.held.get(ref)
        if rec is None or rec.partner != self.other_end:
            return
        head = self.me == self.info.head_end
        pair_id = (ref[1] << 16 | rec.partner_ref[1]) if head else (rec.partner_ref[1] << 16
                                                                     | ref[1])
        expires = rec.created_ns + self.cutoff_ns if self.cutoff_ns else 0
        fid = self.estimate(now, rec.created_ns)
        limit = self.info.qos.get("num_pairs", 0)
        if (expires and now >= expires) or (limit and self.identified >= limit) or (
            fid < self.info.qos.get("min_fidelity", 0) / 65535
        ):  # DLV-021, DLV-022, SIG-035
            self._drop(now, ref, "CUTOFF", notify=True)
            return
        del self.held[ref]
        self.timers.pop(f"cutoff:{ref[0]}:{ref[1]}", None)
        self._remember(self.delivered, ref, pair_id)
        self.identified += 1
        assert self.ctx is not None
        self.ctx.resources.hand_over(self.info.circuit_id, rec.qubit)
        endpoint = self.info.head_endpoint if head else self.info.tail_endpoint
        self.out.append(Local(PairIdentified(
            circuit_id=self.info.circuit_id, endpoint=endpoint, pair_id=pair_id,
            qubit=rec.qubit, bell=rec.bell, fidelity=fid, created_ns=now, expires_ns=expires,
        )))
        self.ctx.link_gone(*ref) if self.ctx else None

    def lost(self, now: int, ref: Ref) -> None:
        assert self.info is not None
        head = self.me == self.info.head_end
        self.out.append(Local(PairLost(
            circuit_id=self.info.circuit_id,
            endpoint=self.info.head_endpoint if head else self.info.tail_endpoint,
            pair_id=self.delivered[ref],
        )))
