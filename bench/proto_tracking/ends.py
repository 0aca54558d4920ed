"""Reports to the ends: a router sends its swap's outcome to the circuit's two end nodes only.

A prototype of an alternative to chapter 04's tracking for ASAP circuits, built on the
reference's engines (a circuit with the NESTED schedule keeps chapter 04's tracking, as if
its tail end had not confirmed the mode):

* :class:`EndsSwapEngine` (a :class:`SwapEngine`): after a successful BSM it sends one
  SWAP_OUTCOME to the head end and one to the tail end, naming the *origin* references of its
  two consumed link-side qubits (``left``: head side, ``right``: tail side), ``bsm_result`` m
  and ``bell_index`` a XOR b XOR m (a, b: the two link pairs' Bell states), ``new_partner``
  the other end. It never receives an outcome, so it never relays one (no TRK-101).
* :class:`EndsEndEngine` (an :class:`EndEngine`): buffers reports keyed by the reference on
  its own side and stitches them, from its own qubit's origin reference, router by router,
  until the chain reaches the other end's link; then the pair's partner is the other end,
  its partner reference the other end's link reference and its Bell state the composition
  (:func:`compose`).

Unchanged: failed BSMs, cutoffs and DISCARDs. A router's records keep their link neighbours
as partners (no outcome ever updates them), so the reference's DISCARD relay past a swap
(TRK-012.2) carries a DISCARD hop by hop through the consumed routers to the other end.

:func:`ends_mode` installs both engines in the reference's node module for the duration of a
``with`` block: it replaces the names ``SwapEngine`` and ``EndEngine`` in
``qvcp.reference.node`` (read by ``Node._install`` when a circuit is installed) and wraps
``Node._dispatch`` and ``Node._install`` so that a head end keeps the reports that overtake
its CONFIRM and processes them once the circuit is installed; nothing else.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from qvcp.reference import node as node_module
from qvcp.reference.engines.base import ProtocolError
from qvcp.reference.engines.distil import Ref, _ref, _refd
from qvcp.reference.engines.events import SwapOutcome
from qvcp.reference.engines.qubits import HEAD, TAIL, SwapRecord
from qvcp.reference.engines.swap import SwapEngine
from qvcp.reference.engines.tracking import EndEngine
from qvcp.reference.messages import BELL_CODES, BELL_NAMES
from qvcp.reference.schedule import NESTED
from qvcp.schemas import ErrorCode

#: reports an end buffers at most per circuit (the oldest is dropped first)
MAX_BUFFERED = 8192


def compose(own: int, steps: list[tuple[int, int]]) -> int:
    """The end-to-end Bell state from the end's own link state and, router by router from
    that end, each report's ``(x, m)`` with x = ``bell_index`` XOR ``bsm_result`` = a XOR b.

    Along the chain the link states are L1 (own), L2 = L1 ^ x1, L3 = L2 ^ x2, ... and a chain
    of swaps composes to L1 ^ L2 ^ ... ^ Lk ^ m1 ^ ... ^ m(k-1) (each swap: a ^ b ^ m).
    """
    link = state = own
    for x, m in steps:
        link ^= x
        state ^= link ^ m
    return state


@dataclass
class EndsSwapEngine(SwapEngine):
    """A router reporting each swap to both end nodes, never relaying."""

    def _emit_outcome(self, rec: SwapRecord, only: int | None = None) -> None:
        assert self.info is not None
        if self._far_ends is not None:  # a NESTED circuit keeps chapter 04's tracking
            return super()._emit_outcome(rec, only)
        m = rec.m
        body = {
            "circuit_id": self.info.circuit_id,
            "outcome_seq": self.outcome_seq,
            "left": _refd(rec.mine[HEAD]),
            "right": _refd(rec.mine[TAIL]),
            "bsm_result": BELL_NAMES[m],
            "bell_index": BELL_NAMES[rec.bell[HEAD] ^ rec.bell[TAIL] ^ m],
        }
        self.outcome_seq = (self.outcome_seq + 1) % 2**32
        head, tail = self.info.head_end, self.info.tail_end
        self._send("SWAP_OUTCOME", head, {**body, "new_partner": tail})
        self._send("SWAP_OUTCOME", tail, {**body, "new_partner": head})


#: a buffered report: (reference on the far side, x = a ^ b, m, arrival time)
Report = tuple[Ref, int, int, int]


@dataclass
class EndsEndEngine(EndEngine):
    """An end node stitching the routers' reports into its pairs (ASAP circuits)."""

    #: reports by the reference on this end's side of the reporting router
    by_near: OrderedDict[Ref, Report] = field(default_factory=OrderedDict)
    #: far-side reference -> near-side reference of the same report (walking back)
    by_far: dict[Ref, Ref] = field(default_factory=dict)
    #: reports dropped by the bound or by age, and the most buffered at once (measurements)
    expired_reports: int = 0
    peak_buffered: int = 0

    @cached_property
    def _nested(self) -> bool:
        """The circuit has the NESTED schedule: chapter 04's tracking, unchanged."""
        assert self.info is not None
        return self.info.swap_schedule == NESTED

    @cached_property
    def _far_link(self) -> int:
        """The other end's link: a chain of reports is complete when it reaches it."""
        assert self.info is not None
        links = self.info.side_links(self.other_end)
        return links[0] if self._is_head else links[1]

    @cached_property
    def _own_link(self) -> int:
        """This end's link of the circuit."""
        assert self.info is not None
        links = self.info.side_links(self.me)
        return links[1] if self._is_head else links[0]

    @cached_property
    def _horizon_ns(self) -> int:
        """Age after which a buffered report can no longer complete a pair: every qubit of
        a chain is swapped or discarded within its cutoff of being created, and a chain grows
        by at most one link per cutoff, so hops x cutoff (0: no cutoff, no age limit)."""
        assert self.info is not None
        return len(self.info.links) * self.cutoff_ns

    def track(self, now: int, ev: SwapOutcome) -> None:
        """Buffer one report and try to complete the pair it belongs to."""
        assert self.info is not None
        if self._nested:
            return super().track(now, ev)
        msg = ev.msg
        b = msg["body"]
        source = msg["source"]
        key = source << 32 | b["outcome_seq"]
        if key in self.seen:  # a duplicate (REL-002 catches most; TRK keeps the window)
            return
        self.seen.add(key)
        self._seen_order.append(key)
        if len(self._seen_order) > 8192:
            self.seen.discard(self._seen_order.popleft())
        left, right = _ref(b["left"]), _ref(b["right"])
        if self.info.side_links(source) != (left[0], right[0]) or source in (
                self.info.head_end, self.info.tail_end):
            # a report must name the sender's own two links: anything else is forged/garbled
            self.report(ProtocolError(ErrorCode.PAIR_STATE_MISMATCH,
                                      f"report of node {source} names links {left[0]}, "
                                      f"{right[0]}, not its own", field="body.left", msg=msg))
            return
        m = BELL_CODES[b["bsm_result"]]
        x = BELL_CODES[b["bell_index"]] ^ m
        near, far = (left, right) if self._is_head else (right, left)
        if near[0] == self._own_link and near not in self.held and self._gone_or_missed(near):
            return
        if near in self.by_near:
            return  # a second report for one qubit: the first stands (a router swaps it once)
        self._expire(now)
        self.by_near[near] = (far, x, m, now)
        self.by_far[far] = near
        self.peak_buffered = max(self.peak_buffered, len(self.by_near))
        anchor = self._anchor(near)
        if anchor is not None:
            self._complete(now, anchor)

    def _gone_or_missed(self, ref: Ref) -> bool:
        """A report names a pair of this end's own link that it does not hold. True if the
        report is of no use: the pair is gone already (delivered, discarded: its DISCARD, if
        any, went out then), or was heralded to the neighbour alone (TRK-013.3): then a
        DISCARD to the neighbour, which passes it on past its swap hop by hop (TRK-012.2) to
        the other end's qubit. False: its HERALD may still be on its way (buffer the report)."""
        assert self.info is not None
        if ref in self.delivered or ref in self.distilled or ref in self.discarded:
            return True
        if not self._missed(ref, self._is_head):
            return False
        self._remember(self.discarded, ref, "HALF_LOST")
        route = self.info.route
        neighbour = route[1] if self._is_head else route[-2]
        self._send("DISCARD", neighbour, {"circuit_id": self.info.circuit_id,
                                          "pair": _refd(ref), "reason": "HALF_LOST"})
        return True

    def _anchor(self, ref: Ref) -> Ref | None:
        """Walk back from ``ref`` towards this end: the held qubit the chain starts at, if
        it has arrived; a chain starting at a qubit already gone is purged."""
        hops = len(self.info.links) if self.info else 0
        for _ in range(hops + 1):
            if ref in self.held:
                return ref
            back = self.by_far.get(ref)
            if back is None:
                if ref in self.discarded or ref in self.delivered:
                    self._purge(ref)
                return None
            ref = back
        return None

    def _complete(self, now: int, anchor: Ref) -> None:
        """If the reports from ``anchor`` reach the other end's link: identify the pair."""
        rec = self.held[anchor]
        steps: list[tuple[int, int]] = []
        used: list[Ref] = []
        cur = anchor
        for _ in range(len(self.info.links) if self.info else 0):
            if cur[0] == self._far_link:
                break
            found = self.by_near.get(cur)
            if found is None:
                return
            used.append(cur)
            cur, x, m, _ = found
            steps.append((x, m))
        if cur[0] != self._far_link:
            return
        for ref in used:
            far = self.by_near.pop(ref)[0]
            self.by_far.pop(far, None)
        rec.partner, rec.partner_ref = self.other_end, cur
        rec.bell = compose(rec.bell, steps)
        super().updated(now, anchor)

    def updated(self, now: int, ref: Ref) -> None:
        """A link pair became usable here, or (NESTED) a held qubit's partner moved: reports
        may have come before the pair."""
        rec = self.held.get(ref)
        if rec is not None and (rec.partner == self.other_end or self._nested):
            super().updated(now, ref)  # a one-link circuit: nothing to stitch
        elif rec is not None and self.by_near:
            self._complete(now, ref)

    def _purge(self, ref: Ref) -> None:
        """Drop the buffered reports chained from ``ref`` (its qubit is gone)."""
        while ref in self.by_near:
            far = self.by_near.pop(ref)[0]
            self.by_far.pop(far, None)
            ref = far

    def _drop(self, now: int, ref: Ref, reason: str, *, notify: bool) -> None:
        super()._drop(now, ref, reason, notify=notify)
        self._purge(ref)

    def _expire(self, now: int) -> None:
        """Bound the buffer: by count (:data:`MAX_BUFFERED`) and by age (:attr:`_horizon_ns`)."""
        book, horizon = self.by_near, self._horizon_ns
        while book:
            ref, (far, _, _, t) = next(iter(book.items()))
            if len(book) < MAX_BUFFERED and not (horizon and now - t > horizon):
                return
            del book[ref]
            self.by_far.pop(far, None)
            self.expired_reports += 1


#: reports a head end keeps per circuit while it awaits the circuit's CONFIRM
MAX_EARLY = 1024
_Node = node_module.Node
_DISPATCH, _INSTALL = _Node._dispatch, _Node._install


def _early_reports(node: Any) -> dict[int, list[dict[str, Any]]]:
    book: dict[int, list[dict[str, Any]]] = node.__dict__.setdefault("_early_reports", {})
    return book


def _dispatch(self: Any, now: int, msg: dict[str, Any]) -> None:
    """``Node._dispatch``, except that a head end keeps a report for a circuit whose SETUP it
    sent and whose CONFIRM has not come yet (the report overtook the CONFIRM)."""
    if msg["type"] == "SWAP_OUTCOME":
        cid = msg["body"]["circuit_id"]
        if cid not in self.dataplane and cid in self.signalling and cid >> 16 == self.node_id:
            early = _early_reports(self).setdefault(cid, [])
            if len(early) < MAX_EARLY:
                early.append(msg)
            return
    _DISPATCH(self, now, msg)


def _install(self: Any, now: int, info: Any) -> None:
    """``Node._install``, then the reports kept for the circuit, in their order."""
    _INSTALL(self, now, info)
    for msg in _early_reports(self).pop(info.circuit_id, []):
        try:
            _DISPATCH(self, now, msg)
        except ProtocolError as err:
            self._error_out(err, msg, now)


@contextmanager
def ends_mode() -> Iterator[None]:
    """Nodes built and circuits installed inside the block use the prototype's engines."""
    saved = node_module.SwapEngine, node_module.EndEngine
    node_module.SwapEngine, node_module.EndEngine = (  # type: ignore[misc]
        EndsSwapEngine, EndsEndEngine)
    _Node._dispatch, _Node._install = _dispatch, _install  # type: ignore[method-assign]
    try:
        yield
    finally:
        node_module.SwapEngine, node_module.EndEngine = saved  # type: ignore[misc]
        _Node._dispatch, _Node._install = _DISPATCH, _INSTALL  # type: ignore[method-assign]
