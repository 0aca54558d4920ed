"""Distillation rounds between this node and one other node (chapter 04 section 5, FWD-006).

A DISTIL rule makes a :class:`Scope`: end-to-end (``peer_link`` 0, at an end node: the other
end is the circuit's other end, section 5.1) or link-level (``peer_link`` = ``match_link``:
the other end is the neighbour across that link). Both run the same exchange: the *leader*
(the head end, or the link's head-side node) combines two pairs of one level, performs its
half of the round first and sends DISTIL_OUTCOME; the other end performs its half when it
holds both named pairs at that level (keeping the message until then) and answers; equal bits
lift the kept pair one level (TRK-020.1 to TRK-025.4). A pair that has survived
``rounds`` rounds leaves the scope: an end-to-end pair is delivered, a link pair becomes
usable for swapping or tracking (FWD-005.1: no swap while a DISTIL rule still applies).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from qvcp.schemas import ErrorCode

from .base import ProtocolError

if TYPE_CHECKING:
    from .events import DistilOutcome
    from .qubits import QubitRecord

Ref = tuple[int, int]


def _ref(d: dict[str, int]) -> Ref:
    """An origin reference from its wire form ``{"link_id", "seq"}``."""
    return (d["link_id"], d["seq"])


def _refd(r: Ref) -> dict[str, int]:
    """The wire form of an origin reference."""
    return {"link_id": r[0], "seq": r[1]}


@dataclass
class DistilRound:
    """A round this end has performed and whose other outcome it awaits (TRK-023.1)."""

    number: int
    sacrificed: Ref
    bit: int


@dataclass
class Scope:
    """The pairs distilled between this node and ``peer`` under one DISTIL rule."""

    peer: int
    #: chooses the pairs and performs its half of each round first (TRK-024.2)
    leader: bool
    rounds: int
    protocol: str
    #: 0: end-to-end; else the link whose pairs are distilled (link-level)
    link: int = 0
    #: pairs in the scope -> level (rounds survived so far)
    level: dict[Ref, int] = field(default_factory=dict)
    #: kept ref -> round performed here, awaiting the other end's DISTIL_OUTCOME
    pending: dict[Ref, DistilRound] = field(default_factory=dict)
    #: the leader's DISTIL_OUTCOMEs waiting for their pairs to enter here, by kept ref
    waiting: dict[Ref, Any] = field(default_factory=dict)


class Distilling:
    """The rounds of :class:`Scope` s, for :class:`~.qubits.TrackingEngine` (which provides
    ``held``, ``scopes`` (every scope of the engine), ``distilled``, ``discarded``,
    ``delivered``, ``ctx``, ``info``, ``_send``, ``_drop``, ``_remember``, ``_unknown`` and
    the hook :meth:`_leaves_scope`)."""

    if TYPE_CHECKING:  # provided by the engine
        held: dict[Ref, QubitRecord]
        scopes: list[Scope]
        distilled: Any
        discarded: Any
        delivered: Any
        ctx: Any
        info: Any

        @property
        def me(self) -> int: ...
        def _send(self, mtype: str, dest: int, body: dict[str, Any]) -> None: ...
        def _remember(self, book: Any, ref: Ref, value: Any) -> None: ...
        def _unknown(self, ev: Any, name: str) -> ProtocolError: ...
        def _drop(self, now: int, ref: Ref, reason: str, *, notify: bool) -> None: ...
        def disarm(self, kind: str, key: Any) -> None: ...

    def _leaves_scope(self, now: int, scope: Scope, ref: Ref) -> None:
        """``ref`` survived every round of ``scope`` (hook)."""

    def _pair_key(self, ref: Ref, scope: Scope) -> int:
        """TRK-022 key of the pair held as ``ref``: head-side origin seq x 65536 + tail-side
        origin seq, the head side being the leader's (a link pair has one seq at both)."""
        own, partner = ref[1], self.held[ref].partner_ref[1]
        return own << 16 | partner if scope.leader else partner << 16 | own

    def _enter(self, now: int, scope: Scope, ref: Ref) -> None:
        """``ref`` joins ``scope`` at level 0: the leader looks for a round, the other end
        performs a round it was told of and now holds both pairs for."""
        if ref in scope.level:
            return
        scope.level[ref] = 0
        if scope.leader:
            self._try_distil(now, scope)
            return
        for kept, ev in list(scope.waiting.items()):
            sac = _ref(ev.body["sacrificed"])
            if ref in (kept, sac) and kept in scope.level and sac in scope.level:
                del scope.waiting[kept]
                self._follow(now, scope, ev)

    def _try_distil(self, now: int, scope: Scope) -> None:
        """TRK-024.1, TRK-024.5: the leader combines the two oldest free pairs of the highest
        level below ``rounds`` that has two."""
        free: dict[int, list[Ref]] = {}
        for ref, lvl in scope.level.items():
            if ref not in scope.pending and lvl < scope.rounds:
                free.setdefault(lvl, []).append(ref)
        for lvl in sorted(free, reverse=True):
            refs = sorted(free[lvl], key=lambda r: self.held[r].created_ns)
            while len(refs) >= 2:
                a, b = refs.pop(0), refs.pop(0)
                kept, sac = sorted((a, b), key=lambda r: self._pair_key(r, scope))  # TRK-022
                self._round(now, scope, kept, sac, lvl + 1)

    def _round(self, now: int, scope: Scope, kept: Ref, sac: Ref, number: int) -> int:
        """Perform this end's half of round ``number`` and send DISTIL_OUTCOME (TRK-020.1)."""
        rk, rs = self.held[kept], self.held[sac]
        frame = (rk.bell, rs.bell) if self.me > scope.peer else (0, 0)  # TRK-021
        kw = {"frame": frame} if any(frame) else {}
        bit = int(self.ctx.device.distil(now=now, kept=rk.qubit, sacrificed=rs.qubit,
                                         protocol=scope.protocol, **kw))
        rk.bell = rs.bell = 0
        self._send("DISTIL_OUTCOME", scope.peer, {
            "circuit_id": self.info.circuit_id, "round": number,
            "kept": _refd(rk.partner_ref), "sacrificed": _refd(rs.partner_ref),
            "outcome": bit})
        # the sacrificed qubit was measured: free it without DISCARD (TRK-010, TRK-025.1)
        del self.held[sac]
        scope.level.pop(sac, None)
        self.disarm("cutoff", sac)
        self.ctx.release_qubit(now, self.info.circuit_id, rs.qubit, *sac)
        self._remember(self.distilled, sac, kept)
        scope.pending[kept] = DistilRound(number, sac, bit)
        return bit

    def _conclude(self, now: int, scope: Scope, kept: Ref, number: int, success: bool) -> None:
        """TRK-020.2 to TRK-020.4: lift the kept pair one level, or discard it without DISCARD."""
        scope.pending.pop(kept, None)
        if not success:
            self._drop(now, kept, "DISTIL_FAILED", notify=False)
            return
        scope.level[kept] = number
        self.held[kept].bell = 0  # PHI_PLUS frame (TRK-021)
        if number >= scope.rounds:
            self._leaves_scope(now, scope, kept)
        elif scope.leader:
            self._try_distil(now, scope)

    def _mismatch(self, ev: DistilOutcome, detail: str) -> ProtocolError:
        return ProtocolError(ErrorCode.PAIR_STATE_MISMATCH, detail, field="body.round",
                             msg=ev.msg)

    def _gone(self, ref: Ref) -> bool:
        return ref in self.discarded or ref in self.distilled or ref in self.delivered

    def _scope_of(self, ev: DistilOutcome) -> Scope:
        """The scope whose other end sent ``ev`` (TRK-005.4: a sender that is not the other end
        of the named pairs is a mismatch)."""
        kept = ev.body["kept"]["link_id"]
        for scope in self.scopes:
            if scope.peer == ev.source and (not scope.link or scope.link == kept):
                return scope
        raise self._mismatch(ev, "DISTIL_OUTCOME from a node that is not the other end of "
                                 "distilled pairs of this circuit")

    def _check_known(self, ev: DistilOutcome) -> tuple[Scope, Ref, Ref]:
        scope = self._scope_of(ev)
        b = ev.body
        kept, sac = _ref(b["kept"]), _ref(b["sacrificed"])
        for name, ref in (("kept", kept), ("sacrificed", sac)):
            if ref not in self.held and not self._gone(ref):
                raise self._unknown(ev, name)  # TRK-004
        return scope, kept, sac

    def on_distil_outcome(self, now: int, ev: DistilOutcome) -> None:
        """TRK-020.2, TRK-023.2, TRK-025.3, TRK-025.4: the other end's half of a round."""
        scope, kept, sac = self._check_known(ev)
        if scope.leader:
            rnd = scope.pending.get(kept)
            if rnd is None:
                if kept in self.held:  # TRK-023.2: no such round here
                    self._drop(now, kept, "DISTIL_FAILED", notify=True)
                    raise self._mismatch(ev, "no distillation round pending on the kept pair")
                return  # the kept pair was discarded meanwhile
            if (rnd.number, rnd.sacrificed) != (ev.body["round"], sac):
                self._drop(now, kept, "DISTIL_FAILED", notify=True)
                raise self._mismatch(ev, "round or sacrificed pair differ from this round")
            self._conclude(now, scope, kept, rnd.number, rnd.bit == ev.body["outcome"])
            return
        if self._gone(kept) or self._gone(sac):
            for ref in (kept, sac):  # the round cannot happen: release what is left
                if ref in self.held:
                    self._drop(now, ref, "DISTIL_FAILED", notify=True)
            return
        if kept in scope.level and sac in scope.level:
            self._follow(now, scope, ev)
        else:
            scope.waiting[kept] = ev  # not in the scope here yet (TRK-024.4: keep the message)

    def _follow(self, now: int, scope: Scope, ev: DistilOutcome) -> None:
        """The other end's half of the leader's round ``ev`` names."""
        b = ev.body
        kept, sac = _ref(b["kept"]), _ref(b["sacrificed"])
        want = b["round"] - 1
        if kept == sac or scope.level[kept] != want or scope.level[sac] != want or (
                kept in scope.pending or sac in scope.pending):  # TRK-023.2
            for ref in {kept, sac}:
                if ref in self.held:
                    self._drop(now, ref, "DISTIL_FAILED", notify=True)
            raise self._mismatch(ev, "pairs not at the level of this round")
        bit = self._round(now, scope, kept, sac, b["round"])
        self._conclude(now, scope, kept, b["round"], bit == b["outcome"])

    def _forget(self, ref: Ref) -> None:
        """``ref`` is no longer held: drop it from every scope."""
        for scope in self.scopes:
            scope.level.pop(ref, None)
            scope.pending.pop(ref, None)
            for kept, ev in list(scope.waiting.items()):
                s = ev.body["sacrificed"]
                if ref in (kept, _ref(s)):
                    del scope.waiting[kept]

    def sacrifice_lost(self, now: int, ref: Ref) -> None:
        """TRK-025.2: DISCARD for a pair sacrificed here while its round is not concluded."""
        kept = self.distilled[ref]
        if any(kept in scope.pending for scope in self.scopes):
            self._drop(now, kept, "DISTIL_FAILED", notify=True)
