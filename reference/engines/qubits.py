"""Qubit records and the tracking logic shared by the swap and the end-node engines.

Chapter 04: every qubit has an origin reference ``(link_id, seq)``, a partner, a partner
reference and a Bell state. SWAP_OUTCOME moves partners outwards (TRK-008/009); DISCARD frees
or is passed on (TRK-010/012/013). A node that receives an outcome for a qubit it has already
consumed in its own swap passes the composed outcome on (TRK-101.1, chapter 09).
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from qvcp.schemas import ErrorCode

from ..circuit import CircuitInfo
from ..messages import BELL_CODES, BELL_NAMES
from .base import NodeEngine, ProtocolError
from .distil import Distilling, Ref, Scope, _ref, _refd
from .events import CutoffTimer, Discard, LinkPairReady, PeerExpired, SwapOutcome


@dataclass(slots=True)
class QubitRecord:
    """One held qubit of the circuit (chapter 04 section 1)."""

    qubit: int
    origin: Ref
    created_ns: int
    partner: int
    partner_ref: Ref
    bell: int
    side: str  # "head" (link towards the head end) or "tail"
    cutoff_ns: int = 0  # the cutoff in force for this qubit (FWD-008.1), 0: none


#: index of the head side and the tail side in the two-element lists of a :class:`SwapRecord`
HEAD, TAIL = 0, 1


@dataclass(slots=True)
class SwapRecord:
    """What a swap at this node produced; kept to pass later news on (TRK-012.2, TRK-101.1).

    Each list holds the head-side item at :data:`HEAD` and the tail-side one at :data:`TAIL`:
    our consumed qubits' origin references, their partners, partner references and Bell
    states.
    """

    m: int
    mine: list[Ref]
    partner: list[int]
    ref: list[Ref]
    bell: list[int]


@dataclass
class TrackingEngine(NodeEngine, Distilling):
    """Base of :class:`SwapEngine` and :class:`EndEngine`: one per (node, circuit)."""

    info: CircuitInfo | None = None
    held: dict[Ref, QubitRecord] = field(default_factory=dict)
    consumed: OrderedDict[Ref, SwapRecord] = field(default_factory=OrderedDict)
    discarded: OrderedDict[Ref, str] = field(default_factory=OrderedDict)
    delivered: OrderedDict[Ref, int] = field(default_factory=OrderedDict)
    #: qubits measured as the sacrificed pair of a distillation round -> the round's kept ref
    distilled: OrderedDict[Ref, Ref] = field(default_factory=OrderedDict)
    #: sender << 32 | outcome_seq of the SWAP_OUTCOMEs processed, the latest 8192 (duplicates)
    seen: set[int] = field(default_factory=set)
    #: the keys of ``seen`` in the order they came (the oldest is forgotten first)
    _seen_order: deque[int] = field(default_factory=deque)
    outcome_seq: int = 0
    #: the smallest non-zero cutoff among the node's rules of the circuit (estimates only;
    #: each qubit has the cutoff of the rules it matches, FWD-008.1)
    cutoff_ns: int = 0
    #: link -> what :meth:`_cutoff_on` found for it
    _cutoffs: dict[int, tuple[int, bool]] = field(default_factory=dict)
    #: TRK-013.4: SWAP_OUTCOMEs kept for a pair an attempt in flight may still herald here:
    #: our ref -> (new partner, its ref, Bell code), or the reason of a DISCARD that named the
    #: ref (TRK-013.7); each one's timer ``await:link:seq`` is the herald deadline
    awaiting: dict[Ref, tuple[int, Ref, int] | str] = field(default_factory=dict)
    #: link-level DISTIL rules at this node (FWD-006): link -> its distillation scope
    link_scopes: dict[int, Scope] = field(default_factory=dict)
    #: every distillation scope of the engine (link-level, then end-to-end)
    scopes: list[Scope] = field(default_factory=list)

    @property
    def key(self) -> str:
        assert self.ctx is not None and self.info is not None
        return f"{self.ctx.node_id}/circuit{self.info.circuit_id}"

    @cached_property
    def _head_link(self) -> int:
        """This node's link towards the head end (0 at the head end); fixed for the circuit."""
        assert self.info is not None
        return self.info.side_links(self.me)[0]

    @cached_property
    def _my_pos(self) -> int:
        """This node's position on the circuit's route (fixed for the circuit)."""
        assert self.info is not None
        return self.info._positions.get(self.me, -1)

    def _init_link_scopes(self) -> None:
        """One :class:`Scope` per link-level DISTIL rule of this node (``peer_link`` =
        ``match_link``): the neighbour across the link is the other end, and the link's
        head-side node leads (chapter 04 section 5)."""
        if self.info is None or self.ctx is None:
            return
        route, pos = self.info.route, self._my_pos
        mine = self.info.side_links(self.me)
        for r in self.info.rules_of(self.me):
            link = r["match_link"]
            if r["action"] != "DISTIL" or not link or r["peer_link"] != link or link not in mine:
                continue
            head_side = link == self._head_link  # the link towards the head end
            peer = route[pos - 1] if head_side else route[pos + 1]
            scope = Scope(peer=peer, leader=not head_side, rounds=r["distil_rounds"],
                          protocol=r["distil_protocol"], link=link)
            self.link_scopes[link] = scope
            self.scopes.append(scope)

    def _distilling(self, ref: Ref) -> bool:
        """``ref`` is still under a link-level DISTIL rule (FWD-005.1: not to be swapped)."""
        scope = self.link_scopes.get(ref[0])
        return scope is not None and ref in scope.level

    def _leaves_scope(self, now: int, scope: Scope, ref: Ref) -> None:
        """A link pair survived its rounds: from now on it is swapped or tracked."""
        scope.level.pop(ref, None)
        self.link_ready(now, ref)

    def link_ready(self, now: int, ref: Ref) -> None:
        """A held link pair ``ref`` can be swapped or tracked (hook)."""

    @staticmethod
    def _remember(book: OrderedDict[Ref, Any], ref: Ref, value: Any) -> None:
        book[ref] = value
        while len(book) > 8192:
            book.popitem(last=False)

    # -- storing and freeing ----------------------------------------------------------------
    def _cutoff_on(self, link: int) -> tuple[int, bool]:
        """FWD-008.1 for a qubit whose origin reference is on ``link``: the smallest non-zero
        ``cutoff_ns`` among this node's rules it matches (0: none), and whether a DISCARD rule
        with ``cutoff_ns`` 0 matches it (discard at once)."""
        found = self._cutoffs.get(link)
        if found is None:
            assert self.info is not None
            rules = [r for r in self.info.rules_of(self.me)
                     if r["match_circuit"] == self.info.circuit_id and r["match_link"] == link]
            cuts = [r["cutoff_ns"] for r in rules if r["cutoff_ns"]]
            found = self._cutoffs[link] = (min(cuts, default=0), any(
                r["action"] == "DISCARD" and not r["cutoff_ns"] for r in rules))
        return found

    def store(self, now: int, ev: LinkPairReady) -> bool:
        """Record a fresh link pair (LINK-013.1) and arm its cutoff (TRK-011.1, FWD-008.1); a
        DISCARD rule with cutoff 0 discards it at once; under a link-level DISTIL rule it
        enters distillation (FWD-006). True if it is usable now."""
        ref = (ev.link_id, ev.seq)
        cutoff, at_once = self._cutoff_on(ev.link_id)
        rec = self.held[ref] = QubitRecord(ev.qubit, ref, ev.created_ns, ev.peer, ref, ev.bell,
                                           "head" if ev.link_id == self._head_link else "tail",
                                           cutoff)
        kept = self.awaiting.pop(ref, None)
        if kept is not None:
            self.disarm("await", ref)
            if isinstance(kept, str):  # TRK-013.8: discarded before it was heralded here
                self._drop(now, ref, kept, notify=False)
                return False
            rec.partner, rec.partner_ref, rec.bell = kept  # TRK-013.5, as TRK-008 says
        if at_once:
            self._drop(now, ref, "CUTOFF", notify=True)
            return False
        if cutoff:
            self.timers[self.timer_name("cutoff", ref)] = ev.created_ns + cutoff
        if self.link_scopes:
            scope = self.link_scopes.get(ev.link_id)
            if scope is not None:
                self._enter(now, scope, ref)
                return False
        return True

    def _drop(self, now: int, ref: Ref, reason: str, *, notify: bool) -> None:
        assert self.ctx is not None and self.info is not None
        rec = self.held.pop(ref)
        self.disarm("cutoff", ref)
        if self.scopes:
            self._forget(ref)
        self.ctx.release_qubit(now, self.info.circuit_id, rec.qubit, *ref)
        self._remember(self.discarded, ref, reason)
        if notify:  # TRK-010
            self._send("DISCARD", rec.partner, {"circuit_id": self.info.circuit_id,
                                                "pair": _refd(rec.partner_ref), "reason": reason})

    def expire_due(self, now: int, ev: CutoffTimer) -> None:
        """TRK-011.1: discard the qubit whose cutoff expired and tell its partner."""
        link, seq = self.timer_key(ev.name)
        ref = (link, seq)
        if ref in self.held:
            self._drop(now, ref, "CUTOFF", notify=True)

    def free_all(self, now: int, ev: Any) -> None:
        """Teardown: free every held qubit (SIG-030; DISCARDs omitted, SIG-036) and forget the
        outcomes kept under TRK-013.4."""
        for ref in list(self.held):
            self._drop(now, ref, "TEARDOWN", notify=False)
        self.awaiting.clear()
        self.timers.clear()

    def free_late(self, now: int, ev: LinkPairReady) -> None:
        """A pair heralded after the circuit closed: free it at once."""
        assert self.ctx is not None and self.info is not None
        self.ctx.release_qubit(now, self.info.circuit_id, ev.qubit, ev.link_id, ev.seq)

    def ignore(self, now: int, ev: Any) -> None:
        return None

    # -- tracking messages -------------------------------------------------------------------
    def _unknown(self, ev: Any, name: str) -> ProtocolError:
        return ProtocolError(ErrorCode.UNKNOWN_PAIR, f"{name} names no qubit of the circuit",
                             field=f"body.{name}", msg=ev.msg)

    def track(self, now: int, ev: SwapOutcome) -> None:
        """TRK-005.2 to TRK-005.4, TRK-008, TRK-009, TRK-013.1 to TRK-013.3 and TRK-101.1 for
        one SWAP_OUTCOME, whose sender the node has found to be another node of the route
        (TRK-014)."""
        assert self.info is not None
        msg = ev.msg
        b = msg["body"]
        source = msg["source"]
        key = source << 32 | b["outcome_seq"]
        seen = self.seen
        if key in seen:
            return
        seen.add(key)
        order = self._seen_order
        order.append(key)
        if len(order) > 8192:
            seen.discard(order.popleft())
        positions, my_pos = self.info._positions, self._my_pos
        source_pos = positions[source]
        head_side = source_pos > my_pos
        name, other = ("left", "right") if head_side else ("right", "left")
        new_partner = b["new_partner"]
        new_pos = positions.get(new_partner, -1)
        if new_pos < 0 or (new_pos <= source_pos if head_side else new_pos >= source_pos):
            return self._route_mismatch(
                now, ev, name,
                f"new_partner {new_partner} is not on the route beyond the sender {source}")
        mine, theirs = b[name], b[other]
        ref, other_ref = (mine["link_id"], mine["seq"]), (theirs["link_id"], theirs["seq"])
        bell = BELL_CODES[b["bell_index"]]
        rec = self.held.get(ref)
        if rec is not None:
            if self._farther(rec.partner, new_partner, head_side):
                rec.partner, rec.partner_ref, rec.bell = new_partner, other_ref, bell
                self.updated(now, ref)
        elif ref in self.consumed:
            self._pass_on(ref, new_partner, other_ref, bell, head_side)
        elif ref in self.distilled:
            return  # a stale outcome for a pair since sacrificed in distillation (TRK-009)
        elif ref not in self.discarded and self._await(ref, head_side, new_partner, other_ref,
                                                       bell):
            return  # TRK-013.4: kept until the attempt in flight is heralded or times out
        elif ref in self.discarded or self._missed(ref, head_side):  # TRK-013.2, TRK-013.3
            if ref not in self.discarded:
                self._remember(self.discarded, ref, "HALF_LOST")
            reason = self.discarded[ref]
            if new_partner:
                self._send("DISCARD", new_partner, {"circuit_id": self.info.circuit_id,
                                                    "pair": _refd(other_ref), "reason": reason})
        elif ref not in self.delivered:
            raise self._unknown(ev, name)

    def _missed(self, ref: Ref, head_side: bool) -> bool:
        """TRK-013.3: ``ref`` is a pair of this node's link on that side whose HERALD may have
        been lost on its way here (:meth:`LinkEngine.missed`)."""
        assert self.ctx is not None and self.info is not None
        # the head-side partner's qubit is on its link towards the tail, and vice versa
        if ref[0] != self.info.side_links(self.me)[1 if head_side else 0]:
            return False
        link = self.ctx.link_engines.get(ref[0])
        return link is not None and link.missed(ref[1])

    def _found_missing(self, ref: Ref) -> bool:
        """TRK-015: ``ref`` is a pair of one of this node's links that it has found missing
        (a HERALD lost on its way here, TRK-013.3, or a seq expired at the peer as skipped,
        LINK-016): a DISCARD naming it changes nothing."""
        assert self.ctx is not None and self.info is not None
        if ref[0] not in self.info.side_links(self.me):
            return False
        link = self.ctx.link_engines.get(ref[0])
        return link is not None and link.missed(ref[1])

    def _await(self, ref: Ref, head_side: bool, new_partner: int, other_ref: Ref,
                bell: int) -> bool:
        """TRK-013.4: keep an outcome for a pair of this node's link on that side that the
        attempt in flight there may yet herald (:meth:`LinkEngine.awaiting`) until that
        attempt's herald deadline; a later outcome for the same pair replaces it if its new
        partner is farther (TRK-008). False if no such attempt is in flight."""
        assert self.ctx is not None and self.info is not None
        kept = self.awaiting.get(ref)
        if kept is None:
            if ref[0] != self.info.side_links(self.me)[1 if head_side else 0] \
                    or not self._await_herald(ref):
                return False
        elif isinstance(kept, str) or not self._farther(kept[0], new_partner, head_side):
            return True  # discarded meanwhile (TRK-013.7), or stale (TRK-009)
        self.awaiting[ref] = (new_partner, other_ref, bell)
        return True

    def _await_discard(self, ref: Ref, reason: str) -> bool:
        """TRK-013.7: keep a DISCARD for a pair of one of this node's links that the attempt
        in flight there may yet herald, to free the pair at once if it does (TRK-013.8). False
        if no such attempt is in flight."""
        assert self.ctx is not None and self.info is not None
        if ref[0] not in self.info.side_links(self.me) or not self._await_herald(ref):
            return False
        self.awaiting[ref] = reason
        return True

    def _await_herald(self, ref: Ref) -> bool:
        """Arm the ``await`` timer of ``ref`` at the herald deadline of the attempt in flight
        on its link that may yet herald it (:meth:`LinkEngine.awaiting`); False if none."""
        assert self.ctx is not None
        link = self.ctx.link_engines.get(ref[0])
        due = link.awaiting(ref[1]) if link is not None else 0
        if due:
            self.timers[self.timer_name("await", ref)] = due
        return bool(due)

    def _await_due(self, ref: Ref) -> None:
        """TRK-013.6: the attempt's herald deadline passed without the pair heralded here:
        handle the kept outcome as TRK-013.3 says (discarded ``HALF_LOST``, DISCARD to its
        new partner); after a DISCARD meanwhile (TRK-013.7) only remember the pair gone."""
        assert self.info is not None
        kept = self.awaiting.pop(ref, None)
        if kept is None:
            return
        reason = kept if isinstance(kept, str) else "HALF_LOST"
        self._remember(self.discarded, ref, reason)
        if not isinstance(kept, str):
            partner, pair, _ = kept
            self._send("DISCARD", partner, {"circuit_id": self.info.circuit_id,
                                            "pair": _refd(pair), "reason": reason})

    def _route_mismatch(self, now: int, ev: SwapOutcome, name: str, detail: str) -> None:
        """TRK-005.2 to TRK-005.4: a SWAP_OUTCOME of a node of the route whose ``new_partner``
        contradicts the route changes no record; the qubit it names on the receiver's side
        (``name``), if held here, is discarded (DISCARD to its partner) and the sender gets
        ``PAIR_STATE_MISMATCH``. A message naming no qubit the node holds or has held is
        ``UNKNOWN_PAIR`` first (TRK-004)."""
        body = ev.msg["body"]
        ref = (body[name]["link_id"], body[name]["seq"])
        if not (ref in self.held or self._gone(ref) or ref in self.consumed):
            raise self._unknown(ev, name)
        if ref in self.held:
            self._drop(now, ref, "STATE_MISMATCH", notify=True)
        self.report(ProtocolError(ErrorCode.PAIR_STATE_MISMATCH, detail,
                                  field="body.new_partner", msg=ev.msg))

    def _farther(self, current: int, new: int, head_side: bool) -> bool:
        assert self.info is not None
        pos = self.info._positions.get
        p_new = pos(new, -1)
        if new == 0 or p_new < 0:
            return False
        delta = p_new - pos(current, -1)
        return delta > 0 if head_side else delta < 0

    def _pass_on(self, ref: Ref, partner: int, pref: Ref, bell: int, head_side: bool) -> None:
        """TRK-101.1, TRK-101.2: compose news about a consumed qubit with our swap and send it
        on."""
        assert self.info is not None
        rec = self.consumed[ref]
        side = TAIL if head_side else HEAD   # the side the news came from
        far = 1 - side
        if not self._farther(rec.partner[side], partner, head_side):
            return
        rec.partner[side], rec.ref[side], rec.bell[side] = partner, pref, bell
        self._emit_outcome(rec, only=far)

    def _emit_outcome(self, rec: SwapRecord, only: int | None = None) -> None:
        """SWAP_OUTCOME to both new partners, or only to the one on side ``only``."""
        assert self.info is not None
        body = {
            "circuit_id": self.info.circuit_id,
            "outcome_seq": self.outcome_seq,
            "left": _refd(rec.ref[HEAD]),
            "right": _refd(rec.ref[TAIL]),
            "bsm_result": BELL_NAMES[rec.m],
            "bell_index": BELL_NAMES[rec.bell[HEAD] ^ rec.bell[TAIL] ^ rec.m],
        }
        self.outcome_seq = (self.outcome_seq + 1) % 2**32
        for side in (HEAD, TAIL):
            if only is None or only == side:
                self._send("SWAP_OUTCOME", rec.partner[side],
                           {**body, "new_partner": rec.partner[1 - side]})

    def on_discard(self, now: int, ev: Discard) -> None:
        """TRK-012.1, TRK-012.2: free the named qubit or pass the DISCARD on past our swap;
        TRK-013.7, TRK-015: a DISCARD for a link pair never heralded here is kept while the
        attempt in flight may yet herald it, and changes nothing if the node found it missing."""
        assert self.info is not None
        ref = _ref(ev.body["pair"])
        if ref in self.held:
            self._drop(now, ref, ev.body["reason"], notify=False)
        elif ref in self.consumed:  # TRK-012.2
            self._discard_past_swap(ref, ev.body["reason"])
        elif ref in self.delivered:
            self.lost(now, ref)
        elif ref in self.distilled:
            self.sacrifice_lost(now, ref)
        elif ref in self.awaiting:  # TRK-013.7: the kept outcome is void; free it if heralded
            self.awaiting[ref] = ev.body["reason"]
        elif ref not in self.discarded and self._await_discard(ref, ev.body["reason"]):
            return  # TRK-013.7: kept until the attempt in flight is heralded or times out
        elif ref not in self.discarded and not self._found_missing(ref):  # TRK-015
            raise self._unknown(ev, "pair")

    def _discard_past_swap(self, ref: Ref, reason: str) -> None:
        """TRK-012.2, LINK-011.3: our qubit ``ref`` went into a swap; the DISCARD goes on to the
        far-side partner of the pair that swap produced. The far side's record stays, so that a
        DISCARD crossing this one from the far side is passed on in turn (TRK-004: that qubit
        was held here)."""
        assert self.info is not None
        rec = self.consumed.pop(ref)
        far = TAIL if rec.mine[HEAD] == ref else HEAD
        self._remember(self.discarded, ref, reason)
        self._send("DISCARD", rec.partner[far], {"circuit_id": self.info.circuit_id,
                                                  "pair": _refd(rec.ref[far]), "reason": reason})

    def on_peer_expired(self, now: int, ev: PeerExpired) -> None:
        """LINK-011.1: the link peer expired the pair; free our half if still held, pass the
        loss on past a swap that consumed it (LINK-011.3), and report a pair already delivered
        to the application as lost (PAIR_EXPIRED, DLV-030.1)."""
        ref = (ev.link_id, ev.seq)
        if ref in self.held:
            self._drop(now, ref, "TEARDOWN", notify=False)
        elif ref in self.consumed:
            self._discard_past_swap(ref, "HALF_LOST")
        elif ref in self.delivered:
            self.lost(now, ref)

    # -- hooks -----------------------------------------------------------------------------------
    def updated(self, now: int, ref: Ref) -> None:
        """A held qubit's partner moved outwards."""

    def lost(self, now: int, ref: Ref) -> None:
        """A delivered pair was discarded by the other end."""

    def on_timer(self, now: int, name: str) -> None:
        """Fire the cutoff timer ``name``; a TRK-013.4 deadline (``await:link:seq``) changes no
        held qubit and so no state: it is handled here, outside the table."""
        if name.startswith("await:"):
            link, seq = self.timer_key(name)
            self._await_due((link, seq))
            return
        self.fire(now, CutoffTimer(name=name))
