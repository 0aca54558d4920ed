"""End-node engine: tracking, end-to-end distillation and identification (DELIVER rule).

An end node holds its qubits of the circuit, follows SWAP_OUTCOMEs until a qubit's partner is
the other end of the circuit, then identifies the pair: ``pair_id`` by TRK-016, Bell state
from tracking, fidelity estimate (DLV-022), and hands it to the delivery engine (FWD-007).

With an end-to-end DISTIL rule (``distil_rounds`` n, FWD-006) an identified pair is not
delivered but enters level 0; the head end combines two pairs of one level (TRK-024), both
ends run the round through the device and exchange DISTIL_OUTCOME (TRK-020/021/022/023), a
successful round lifts the kept pair one level, and only level-n pairs are delivered.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from typing import Any

from qvcp.schemas import ErrorCode

from ..admission import fidelity_of, storage_factor, werner
from .base import Local, ProtocolError, Rule
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
from .qubits import Ref, TrackingEngine, _ref, _refd


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
class DistilRound:
    """A round this end has performed and whose other outcome it awaits (TRK-023)."""

    number: int
    sacrificed: Ref
    bit: int


@dataclass
class EndEngine(TrackingEngine):
    """Data plane of a head or tail end for one circuit."""

    NAME = "end"
    TABLE = TABLE
    identified: int = 0
    #: end-to-end DISTIL rule at this node: rounds (0 = none) and protocol (FWD-006)
    rounds: int = 0
    protocol: str = "NONE"
    #: identified pairs waiting for distillation -> level (rounds survived)
    level: dict[Ref, int] = field(default_factory=dict)
    #: kept ref -> round performed here, awaiting the other end's DISTIL_OUTCOME
    pending: dict[Ref, DistilRound] = field(default_factory=dict)
    #: tail end: head's DISTIL_OUTCOMEs waiting for their pairs' identification, by kept ref
    waiting: dict[Ref, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.state = EndState.EMPTY
        if self.info is not None and self.ctx is not None:
            for r in self.info.rules_of(self.me):
                if r["action"] == "DISTIL" and r["peer_link"] == 0 and r["distil_rounds"]:
                    self.rounds, self.protocol = r["distil_rounds"], r["distil_protocol"]

    def _holding(self) -> EndState:
        return EndState.HOLDING if self.held else EndState.EMPTY

    @cached_property
    def other_end(self) -> int:
        """The circuit's other end node (fixed for the circuit)."""
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
        """Identify the pair once its partner is the other end (TRK-005): deliver it, or
        with a DISTIL rule enter it at level 0 (FWD-006)."""
        assert self.info is not None
        rec = self.held.get(ref)
        if rec is None or rec.partner != self.other_end:
            return
        if not self.rounds:
            self._deliver(now, ref)
            return
        if ref in self.level:
            return
        self.level[ref] = 0
        if self._is_head:
            self._try_distil(now)
        else:
            for kept, ev in list(self.waiting.items()):
                b = ev.body
                if ref in (kept, _ref(b["sacrificed"])) and kept in self.level and _ref(
                        b["sacrificed"]) in self.level:
                    del self.waiting[kept]
                    self._tail_round(now, ev)

    def _deliver(self, now: int, ref: Ref) -> None:
        assert self.info is not None
        rec = self.held[ref]
        head = self._is_head
        pair_id = (ref[1] << 16 | rec.partner_ref[1]) if head else (rec.partner_ref[1] << 16
                                                                     | ref[1])
        expires = rec.created_ns + self.cutoff_ns if self.cutoff_ns else 0
        # SIG-043: a distilled pair's estimate is the circuit's bound (CONFIRM)
        fid = self.info.expected_fidelity if self.rounds else self.estimate(now, rec.created_ns)
        limit = self.info.qos.get("num_pairs", 0)
        if (expires and now >= expires) or (limit and self.identified >= limit) or (
            fid < self.info.qos.get("min_fidelity", 0) / 65535
        ):  # DLV-021, DLV-022, SIG-035
            self._drop(now, ref, "CUTOFF", notify=True)
            return
        del self.held[ref]
        self.level.pop(ref, None)
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

    def _pair_key(self, ref: Ref) -> int:
        """TRK-022 key of the pair held as ``ref`` (TRK-016 order: head seq, tail seq)."""
        partner = self.held[ref].partner_ref[1]
        return ref[1] << 16 | partner if self._is_head else partner << 16 | ref[1]

    def _drop(self, now: int, ref: Ref, reason: str, *, notify: bool) -> None:
        super()._drop(now, ref, reason, notify=notify)
        self.level.pop(ref, None)
        self.pending.pop(ref, None)
        for kept, ev in list(self.waiting.items()):
            if ref in (kept, _ref(ev.body["sacrificed"])):
                del self.waiting[kept]

    def _try_distil(self, now: int) -> None:
        """TRK-024: the head end combines the two oldest free pairs of the highest level
        below ``rounds`` that has two."""
        free: dict[int, list[Ref]] = {}
        for ref, lvl in self.level.items():
            if ref not in self.pending and lvl < self.rounds:
                free.setdefault(lvl, []).append(ref)
        for lvl in sorted(free, reverse=True):
            refs = sorted(free[lvl], key=lambda r: self.held[r].created_ns)
            while len(refs) >= 2:
                a, b = refs.pop(0), refs.pop(0)
                kept, sac = sorted((a, b), key=self._pair_key)  # TRK-022
                self._round(now, kept, sac, lvl + 1)

    def _round(self, now: int, kept: Ref, sac: Ref, number: int) -> int:
        """Perform this end's half of round ``number`` and send DISTIL_OUTCOME (TRK-020)."""
        assert self.ctx is not None and self.info is not None
        rk, rs = self.held[kept], self.held[sac]
        frame = (rk.bell, rs.bell) if self.me > self.other_end else (0, 0)  # TRK-021
        kw = {"frame": frame} if any(frame) else {}
        bit = int(self.ctx.device.distil(now=now, kept=rk.qubit, sacrificed=rs.qubit,
                                         protocol=self.protocol, **kw))
        rk.bell = rs.bell = 0
        self._send("DISTIL_OUTCOME", self.other_end, {
            "circuit_id": self.info.circuit_id, "round": number,
            "kept": _refd(rk.partner_ref), "sacrificed": _refd(rs.partner_ref),
            "outcome": bit})
        # the sacrificed qubit was measured: free it without DISCARD (TRK-010)
        del self.held[sac]
        self.level.pop(sac, None)
        self.disarm("cutoff", sac)
        self.ctx.release_qubit(now, self.info.circuit_id, rs.qubit, *sac)
        self._remember(self.distilled, sac, kept)
        self.pending[kept] = DistilRound(number, sac, bit)
        return bit

    def _conclude(self, now: int, kept: Ref, number: int, success: bool) -> None:
        """TRK-020: lift the kept pair one level, or discard it without DISCARD."""
        self.pending.pop(kept, None)
        if not success:
            self._drop(now, kept, "DISTIL_FAILED", notify=False)
            return
        self.level[kept] = number
        self.held[kept].bell = 0  # PHI_PLUS frame (TRK-021)
        if number >= self.rounds:
            self._deliver(now, kept)
        elif self._is_head:
            self._try_distil(now)

    def _mismatch(self, ev: DistilOutcome, detail: str) -> ProtocolError:
        return ProtocolError(ErrorCode.PAIR_STATE_MISMATCH, detail, field="body.round",
                             msg=ev.msg)

    def _gone(self, ref: Ref) -> bool:
        return ref in self.discarded or ref in self.distilled or ref in self.delivered

    def distil_stray(self, now: int, ev: DistilOutcome) -> None:
        """Nothing held: a DISTIL_OUTCOME for pairs already gone is dropped, else UNKNOWN_PAIR."""
        self._check_known(ev)

    def _check_known(self, ev: DistilOutcome) -> tuple[Ref, Ref]:
        assert self.info is not None
        if ev.source != self.other_end:  # TRK-005: not the other end of the pairs
            raise self._mismatch(ev, "DISTIL_OUTCOME from a node that is not the other end")
        kept, sac = _ref(ev.body["kept"]), _ref(ev.body["sacrificed"])
        for name, ref in (("kept", kept), ("sacrificed", sac)):
            if ref not in self.held and not self._gone(ref):
                raise self._unknown(ev, name)  # TRK-004
        return kept, sac

    def distil_outcome(self, now: int, ev: DistilOutcome) -> EndState:
        """TRK-020/023: the other end's half of a round."""
        kept, sac = self._check_known(ev)
        if self._is_head:
            rnd = self.pending.get(kept)
            if rnd is None:
                if kept in self.held:  # TRK-023: no such round here
                    self._drop(now, kept, "DISTIL_FAILED", notify=True)
                    raise self._mismatch(ev, "no distillation round pending on the kept pair")
                return self._holding()  # the kept pair was discarded meanwhile
            if (rnd.number, rnd.sacrificed) != (ev.body["round"], sac):
                self._drop(now, kept, "DISTIL_FAILED", notify=True)
                raise self._mismatch(ev, "round or sacrificed pair differ from this round")
            self._conclude(now, kept, rnd.number, rnd.bit == ev.body["outcome"])
            return self._holding()
        if self._gone(kept) or self._gone(sac):
            for ref in (kept, sac):  # the round cannot happen: release what is left
                if ref in self.held:
                    self._drop(now, ref, "DISTIL_FAILED", notify=True)
            return self._holding()
        if kept in self.level and sac in self.level:
            self._tail_round(now, ev)
        else:
            self.waiting[kept] = ev  # not identified here yet: wait for the last SWAP_OUTCOME
        return self._holding()

    def _tail_round(self, now: int, ev: DistilOutcome) -> None:
        b = ev.body
        kept, sac = _ref(b["kept"]), _ref(b["sacrificed"])
        want = b["round"] - 1
        if kept == sac or self.level[kept] != want or self.level[sac] != want or (
                kept in self.pending or sac in self.pending):  # TRK-023
            for ref in {kept, sac}:
                if ref in self.held:
                    self._drop(now, ref, "DISTIL_FAILED", notify=True)
            raise self._mismatch(ev, "pairs not at the level of this round")
        bit = self._round(now, kept, sac, b["round"])
        self._conclude(now, kept, b["round"], bit == b["outcome"])

    def sacrifice_lost(self, now: int, ref: Ref) -> None:
        """DISCARD for a pair sacrificed here: the round's kept pair cannot be concluded."""
        kept = self.distilled[ref]
        if kept in self.pending:
            self._drop(now, kept, "DISTIL_FAILED", notify=True)

    def lost(self, now: int, ref: Ref) -> None:
        assert self.info is not None
        head = self.me == self.info.head_end
        self.out.append(Local(PairLost(
            circuit_id=self.info.circuit_id,
            endpoint=self.info.head_endpoint if head else self.info.tail_endpoint,
            pair_id=self.delivered[ref],
        )))
