"""Swap reports to the ends: the data plane of a circuit in the tracking mode ENDS (spec
chapter 04 section 7, TRK-120 to TRK-127; negotiated by chapter 05 section 7.2).

On an ASAP circuit whose CONFIRM names the mode (``SWAP_SCHEDULE`` second octet 1), a router
reports each swap to the two end nodes only (:class:`EndsSwapEngine`, TRK-120, TRK-121) and
never relays or accepts an outcome; an end node buffers the reports keyed by the reference on
its own side and stitches them, router by router, from its own qubit until the chain reaches
the other end's link (:class:`EndsEndEngine`, TRK-122 to TRK-126). The Bell state of the
stitched pair is :func:`compose`. Failed BSMs, cutoffs and DISCARDs are chapter 04's: a
router's records keep their link neighbours as partners, so a DISCARD travels hop by hop past
the consumed routers (TRK-012.2; section 7.1).

A circuit with the NESTED schedule never gets these engines (the tail end confirms the mode
only for ASAP, FWD-032).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property

from qvcp.schemas import ErrorCode

from ..messages import BELL_CODES, BELL_NAMES
from .base import ProtocolError
from .distil import Ref, _ref, _refd
from .events import SwapOutcome
from .qubits import HEAD, TAIL, SwapRecord
from .swap import SwapEngine
from .tracking import EndEngine

#: reports an end buffers at most per circuit; the oldest is evicted first (TRK-126.1)
MAX_TRACK_REPORTS = 8192
#: the window of (sender, ``outcome_seq``) pairs an end remembers against duplicates (TRK-123)
SEEN_WINDOW = 8192


def compose(own: int, steps: list[tuple[int, int]]) -> int:
    """TRK-125: the end-to-end Bell state from the end's own link state and, router by router
    from that end, each report's ``(x, m)`` with x = ``bell_index`` XOR ``bsm_result``.

    Along the chain the link states are L1 (own), L2 = L1 ^ x1, L3 = L2 ^ x2, ... and a chain
    of swaps composes to L1 ^ L2 ^ ... ^ Lk ^ m1 ^ ... ^ m(k-1) (each swap: a ^ b ^ m).

    >>> compose(0, [(3, 1), (0, 2)])
    3
    """
    link = state = own
    for x, m in steps:
        link ^= x
        state ^= link ^ m
    return state


@dataclass
class EndsSwapEngine(SwapEngine):
    """A router of a circuit in the mode ENDS: one report to each end per swap (TRK-120),
    no relay and no outcome accepted (TRK-121)."""

    def _emit_outcome(self, rec: SwapRecord, only: int | None = None) -> None:
        """TRK-120: one SWAP_OUTCOME to the head end and one to the tail end, naming the
        origin references of the head-side and tail-side qubits, ``bell_index`` a ^ b ^ m
        and, as ``new_partner``, the end the message is not sent to (TRK-120.1)."""
        assert self.info is not None
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

    def track(self, now: int, ev: SwapOutcome) -> None:
        """TRK-121.2: a router of such a circuit receives no outcome; one is refused."""
        raise ProtocolError(ErrorCode.UNEXPECTED_MESSAGE, "a router of a circuit whose swaps "
                            "are reported to the ends accepts no SWAP_OUTCOME", field="type",
                            msg=ev.msg)


#: a buffered report: (reference on the far side, x = a ^ b, m, arrival time)
Report = tuple[Ref, int, int, int]


@dataclass
class Walk:
    """An end's progress along the reports from one usable qubit (TRK-124): the reference
    the chain has reached so far, the reports used on the way (their near references) and
    their ``(x, m)``, in order from the end."""

    at: Ref
    used: list[Ref] = field(default_factory=list)
    steps: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class EndsEndEngine(EndEngine):
    """An end node of a circuit in the mode ENDS, stitching the routers' reports into its
    pairs (TRK-122 to TRK-126).

    Each usable qubit has a :class:`Walk` whose end (its *frontier*) is the farthest
    reference its chain of reports has reached; a report whose near reference is a frontier
    moves it on, through every buffered report it then meets. Each report is so followed
    once, whatever the order of arrival, and the work per report does not grow with the
    route's length."""

    #: reports by the reference on this end's side of the reporting router (TRK-123)
    by_near: OrderedDict[Ref, Report] = field(default_factory=OrderedDict)
    #: the walk of each usable qubit whose pair is not identified yet, by its reference
    walks: dict[Ref, Walk] = field(default_factory=dict)
    #: frontier reference -> the qubit whose walk has reached it
    frontier: dict[Ref, Ref] = field(default_factory=dict)
    #: reports evicted by the bounds of TRK-126, and the most buffered at once
    evicted_reports: int = 0
    peak_buffered: int = 0

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
        """TRK-126.2: age after which a buffered report can no longer complete a pair, the
        route's links times the circuit's cutoff (0: no cutoff, no age limit)."""
        assert self.info is not None
        cutoff = max(self.cutoff_ns, self.info.qos.get("cutoff_ns", 0))
        return len(self.info.links) * cutoff

    def track(self, now: int, ev: SwapOutcome) -> None:
        """Validate (TRK-122), deduplicate and buffer (TRK-123) one report, then move on the
        walk that has reached it, if any (TRK-124)."""
        assert self.info is not None
        msg = ev.msg
        b = msg["body"]
        source = msg["source"]
        key = source << 32 | b["outcome_seq"]
        if key in self.seen:  # a duplicate (REL-002 catches most; TRK-123.1 keeps a window)
            return
        left, right = _ref(b["left"]), _ref(b["right"])
        if source in (self.info.head_end, self.info.tail_end) or \
                self.info.side_links(source) != (left[0], right[0]):  # TRK-122
            self.report(ProtocolError(ErrorCode.PAIR_STATE_MISMATCH,
                                      f"report of node {source} names links {left[0]}, "
                                      f"{right[0]}, not its own", field="body.left", msg=msg))
            return
        self.seen.add(key)
        self._seen_order.append(key)
        if len(self._seen_order) > SEEN_WINDOW:
            self.seen.discard(self._seen_order.popleft())
        m = BELL_CODES[b["bsm_result"]]
        x = BELL_CODES[b["bell_index"]] ^ m
        near, far = (left, right) if self._is_head else (right, left)
        if near[0] == self._own_link and near not in self.held:
            if self._gone_or_missed(near):
                return
            if not self._may_come(near):  # TRK-004: no such pair, none on its way
                raise self._unknown(ev, "left" if self._is_head else "right")
        kept = self.by_near.get(near)
        if kept is not None:  # TRK-123.2: a router swaps a qubit once; the first report stands
            if kept[:3] != (far, x, m):
                self.report(ProtocolError(
                    ErrorCode.PAIR_STATE_MISMATCH, f"a second report of node {source} for "
                    f"qubit {near} differs from the first", field="body", msg=msg))
            return
        self._evict(now)
        self.by_near[near] = (far, x, m, now)
        self.peak_buffered = max(self.peak_buffered, len(self.by_near))
        anchor = self.frontier.get(near)
        if anchor is not None:
            self._advance(now, anchor)

    def _gone_or_missed(self, ref: Ref) -> bool:
        """A report names a pair of this end's own link that it does not hold. True if the
        report is of no use: the pair is gone already (TRK-126.3), or its HERALD reached the
        neighbour alone (TRK-013.3 at an end, section 7.2: a DISCARD to the neighbour, which
        passes it on past its swap hop by hop, TRK-012.2). False: its HERALD may still be on
        its way (buffer it)."""
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

    def _may_come(self, ref: Ref) -> bool:
        """TRK-013.4: the attempt in flight on this end's link may yet herald ``ref`` (the
        report is buffered until the pair comes or the link layer expires it, LINK-016)."""
        assert self.ctx is not None
        link = self.ctx.link_engines.get(ref[0])
        return link is not None and bool(link.awaiting(ref[1]))

    def _advance(self, now: int, anchor: Ref) -> None:
        """TRK-124: move the walk of qubit ``anchor`` through the buffered reports it meets;
        once it reaches the other end's link, the pair's partner is the other end, its
        partner reference that link pair and its Bell state :func:`compose` (TRK-125); then
        identify it as chapter 04 does (TRK-005.1)."""
        walk = self.walks[anchor]
        cur, by_near, far_link = walk.at, self.by_near, self._far_link
        while cur[0] != far_link:
            found = by_near.get(cur)
            if found is None:
                if cur != walk.at:
                    del self.frontier[walk.at]
                    self.frontier[cur] = anchor
                    walk.at = cur
                return
            walk.used.append(cur)
            walk.steps.append(found[1:3])
            cur = found[0]
        del self.frontier[walk.at], self.walks[anchor]
        for ref in walk.used:
            by_near.pop(ref, None)  # evicted meanwhile: the walk has what it needed
        rec = self.held[anchor]
        rec.partner, rec.partner_ref = self.other_end, cur
        rec.bell = compose(rec.bell, walk.steps)
        super().updated(now, anchor)

    def updated(self, now: int, ref: Ref) -> None:
        """A link pair became usable here: start its walk, which reports that came before it
        may already carry on (TRK-124)."""
        rec = self.held.get(ref)
        if rec is None:
            return
        if rec.partner == self.other_end:
            super().updated(now, ref)  # a one-link circuit, or a walk complete
        elif ref not in self.walks:
            self.walks[ref] = Walk(ref)
            self.frontier[ref] = ref
            self._advance(now, ref)

    def _purge(self, ref: Ref) -> None:
        """TRK-126.3: drop the walk from ``ref`` and the buffered reports chained from it (its
        qubit is gone)."""
        walk = self.walks.pop(ref, None)
        if walk is not None:
            self.frontier.pop(walk.at, None)
        while ref in self.by_near:
            ref = self.by_near.pop(ref)[0]

    def _drop(self, now: int, ref: Ref, reason: str, *, notify: bool) -> None:
        super()._drop(now, ref, reason, notify=notify)
        self._purge(ref)

    def _evict(self, now: int) -> None:
        """TRK-126.1, TRK-126.2: bound the buffer by count (:data:`MAX_TRACK_REPORTS`, oldest
        first) and by age (:attr:`_horizon_ns`); an eviction does nothing else."""
        book, horizon = self.by_near, self._horizon_ns
        while book:
            _, (_, _, _, t) = next(iter(book.items()))
            if len(book) < MAX_TRACK_REPORTS and not (horizon and now - t > horizon):
                return
            book.popitem(last=False)
            self.evicted_reports += 1
