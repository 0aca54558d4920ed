"""End-node engine: tracking, end-to-end distillation and identification (DELIVER rule).

An end node holds its qubits of the circuit, follows SWAP_OUTCOMEs until a qubit's partner is
the other end of the circuit, then identifies the pair: ``pair_id`` by TRK-016, Bell state
from tracking, fidelity estimate (DLV-022.1), and hands it to the delivery engine (FWD-007.1).

With an end-to-end DISTIL rule (``distil_rounds`` n, FWD-006) an identified pair is not
delivered but enters level 0; the head end combines two pairs of one level (TRK-024.1), both
ends run the round through the device and exchange DISTIL_OUTCOME (TRK-020.1, TRK-021,
TRK-022, TRK-023.1), a successful round lifts the kept pair one level, and only level-n pairs
are delivered.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum
from functools import cached_property

from ..admission import fidelity_of, storage_factor, werner
from .base import Local, Rule
from .distil import Scope
from .events import (
    CloseCircuit,
    CutoffTimer,
    Discard,
    DistilOutcome,
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
    (E, DistilOutcome): Rule(E, "distil_stray"),
    (H, DistilOutcome): Rule((H, E), "distil_outcome"),
    (C, DistilOutcome): Rule(C, "ignore"),
}


@dataclass
class EndEngine(TrackingEngine):
    """Data plane of a head or tail end for one circuit."""

    NAME = "end"
    TABLE = TABLE
    identified: int = 0
    #: the end-to-end DISTIL rule at this node (FWD-006), if any: identified pairs enter it
    e2e: Scope | None = None

    def __post_init__(self) -> None:
        self.state = EndState.EMPTY
        if self.info is not None and self.ctx is not None:
            self._init_link_scopes()
            for r in self.info.rules_of(self.me):
                if r["action"] == "DISTIL" and r["peer_link"] == 0 and r["distil_rounds"]:
                    self.e2e = Scope(peer=self.other_end, leader=self._is_head,
                                     rounds=r["distil_rounds"], protocol=r["distil_protocol"])
                    self.scopes.append(self.e2e)

    def _holding(self) -> EndState:
        return EndState.HOLDING if self.held else EndState.EMPTY

    @cached_property
    def other_end(self) -> int:
        """The circuit's other end node (fixed for the circuit)."""
        assert self.info is not None
        return self.info.tail_end if self.me == self.info.head_end else self.info.head_end

    def store_and_check(self, now: int, ev: LinkPairReady) -> EndState:
        if self.store(now, ev):
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
        """DLV-022.1: the circuit's guaranteed bound refined by this qubit's actual storage.

        CONFIRM's ``expected_fidelity`` is the bound with every qubit stored for the cutoff
        (SIG-039.2); this qubit was stored ``now - created_ns`` only, so its storage factor is
        replaced by the actual one. Without a cutoff the estimate decays with the storage.
        """
        w, t2, at_cutoff = self._bound
        if t2 and not math.isinf(t2):  # else every storage factor is 1
            stored = storage_factor(max(0, now - created_ns), t2)
            w *= stored / at_cutoff if at_cutoff else stored
        return min(max(fidelity_of(w), 0.0), 1.0)

    @cached_property
    def _bound(self) -> tuple[float, float, float]:
        """What :meth:`estimate` needs of the circuit, fixed for it: the Werner parameter of
        CONFIRM's bound, the node's T2 and the storage factor at the cutoff (0: no cutoff)."""
        assert self.info is not None and self.ctx is not None
        t2 = self.ctx.t2_ns
        return (werner(self.info.expected_fidelity), t2,
                storage_factor(self.cutoff_ns, t2) if self.cutoff_ns else 0.0)

    def updated(self, now: int, ref: Ref) -> None:
        """Identify the pair once its partner is the other end (TRK-005.1, TRK-103.1): deliver
        it, or with an end-to-end DISTIL rule enter it at level 0 (FWD-006). A link pair still
        under a link-level DISTIL rule is not yet identified (FWD-006)."""
        assert self.info is not None
        rec = self.held.get(ref)
        if rec is None or rec.partner != self.other_end or (
                self.link_scopes and self._distilling(ref)):
            return
        if self.e2e is None:
            self._deliver(now, ref)
        else:
            self._enter(now, self.e2e, ref)

    def link_ready(self, now: int, ref: Ref) -> None:
        self.updated(now, ref)

    def _leaves_scope(self, now: int, scope: Scope, ref: Ref) -> None:
        if scope is self.e2e:
            self._deliver(now, ref)  # TRK-026.1: a pair of the rule's level
        else:
            super()._leaves_scope(now, scope, ref)

    def _deliver(self, now: int, ref: Ref) -> None:
        assert self.info is not None
        rec = self.held[ref]
        head = self._is_head
        pair_id = (ref[1] << 16 | rec.partner_ref[1]) if head else (rec.partner_ref[1] << 16
                                                                     | ref[1])
        expires = rec.created_ns + rec.cutoff_ns if rec.cutoff_ns else 0  # FWD-008.1
        # SIG-043.2: a distilled pair's estimate is the circuit's bound (CONFIRM)
        fid = self.info.expected_fidelity if self.e2e else self.estimate(now, rec.created_ns)
        limit = self.info.qos.get("num_pairs", 0)
        if (expires and now >= expires) or (limit and self.identified >= limit) or (
            fid < self.info.qos.get("min_fidelity", 0) / 65535
        ):  # DLV-021.1, DLV-101.1, DLV-022.2, SIG-035
            self._drop(now, ref, "CUTOFF", notify=True)
            return
        del self.held[ref]
        if self.scopes:
            self._forget(ref)
        self.disarm("cutoff", ref)
        self._remember(self.delivered, ref, pair_id)
        self.identified += 1
        assert self.ctx is not None
        self.ctx.resources.hand_over(self.info.circuit_id, rec.qubit)
        endpoint = self.info.head_endpoint if head else self.info.tail_endpoint
        # valid by construction: 16-bit seqs, a Bell code, an estimate clamped to [0, 1]
        self.out.append(Local(PairIdentified.trusted(
            circuit_id=self.info.circuit_id, endpoint=endpoint, pair_id=pair_id,
            qubit=rec.qubit, bell=rec.bell, fidelity=fid, created_ns=now, expires_ns=expires,
        )))
        self.ctx.link_gone(*ref) if self.ctx else None

    # -- end-to-end distillation (chapter 04 section 5) ------------------------------------------
    @cached_property
    def _is_head(self) -> bool:
        """This node is the head end (fixed for the circuit)."""
        assert self.info is not None
        return self.me == self.info.head_end

    def distil_stray(self, now: int, ev: DistilOutcome) -> None:
        """Nothing held: a DISTIL_OUTCOME for pairs already gone is dropped, else UNKNOWN_PAIR."""
        self._check_known(ev)

    def distil_outcome(self, now: int, ev: DistilOutcome) -> EndState:
        """TRK-020.2, TRK-023.2: the other end's half of a round."""
        self.on_distil_outcome(now, ev)
        return self._holding()

    def lost(self, now: int, ref: Ref) -> None:
        assert self.info is not None
        head = self.me == self.info.head_end
        self.out.append(Local(PairLost(
            circuit_id=self.info.circuit_id,
            endpoint=self.info.head_endpoint if head else self.info.tail_endpoint,
            pair_id=self.delivered[ref],
        )))
