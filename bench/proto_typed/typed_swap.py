"""A router's swap engine re-expressed around typed message records (prototype).

The reference's :class:`qvcp.reference.engines.swap.SwapEngine` takes SWAP_OUTCOMEs as
canonical-JSON dicts (``msg["body"]["left"]["link_id"]``), builds the ones it sends as dicts
(``{**body, "new_partner": ...}``, one ``_refd`` dict per pair reference) and looks its
transitions up by ``(state name, event class)`` through :meth:`Engine.fire`. This one takes and
sends the generated records of ``records.py`` (``msg.body.left.link_id``, enumerations as wire
codes), keeps the same transition table shape (state, event class) -> action, and otherwise
follows the reference line by line for what a router does on an ASAP schedule: store a link
pair, swap the oldest head-side and tail-side qubits (FWD-005.2), send SWAP_OUTCOME to both
new partners (TRK-001.1), track an outcome about a held qubit (TRK-008) and pass on news about
a consumed one (TRK-101.1), duplicates dropped by ``(source, outcome_seq)``.

Left out (the micro-benchmark's chain needs none of them; :func:`covers` says whether a
circuit needs them): cutoffs (TRK-011), link-level distillation (FWD-006), nested schedules
(FWD-020), DISCARD, EXPIRE, failed BSMs (TRK-030) and route mismatches (TRK-005.2).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from records import PairRef, SwapOutcome, SwapOutcomeBody

from qvcp.reference.engines.events import LinkPairReady
from qvcp.reference.messages import BELL_CODES, BELL_NAMES

Ref = tuple[int, int]
HEAD, TAIL = 0, 1
EMPTY, HOLD_HEAD, HOLD_TAIL = 0, 1, 2
BOOK = 8192  # entries kept per book, as the reference


class Qubit:
    """One held qubit (the reference's ``QubitRecord``)."""

    __slots__ = ("bell", "created_ns", "head", "origin", "partner", "partner_ref", "qubit")

    def __init__(self, qubit: int, origin: Ref, created_ns: int, partner: int, bell: int,
                 head: bool) -> None:
        self.qubit, self.origin, self.created_ns = qubit, origin, created_ns
        self.partner, self.partner_ref, self.bell, self.head = partner, origin, bell, head


class Swap:
    """What one swap produced (the reference's ``SwapRecord``)."""

    __slots__ = ("bell", "m", "partner", "ref")

    def __init__(self, m: int, partner: list[int], ref: list[Ref], bell: list[int]) -> None:
        self.m, self.partner, self.ref, self.bell = m, partner, ref, bell


class Factory:
    """Envelopes for one sender: the reference's ``MessageFactory`` without authentication."""

    __slots__ = ("counter", "node_id")

    def __init__(self, node_id: int) -> None:
        self.node_id, self.counter = node_id, 0

    def swap_outcome(self, destination: int, body: SwapOutcomeBody) -> SwapOutcome:
        self.counter = (self.counter + 1) % 2**32
        return SwapOutcome(self.counter, self.node_id, destination, body)


def covers(info: Any, me: int) -> bool:
    """True if circuit ``info`` asks nothing of router ``me`` that this prototype leaves out."""
    rules = info.rules_of(me)
    return (info.swap_schedule == 0 and not any(r["cutoff_ns"] for r in rules)
            and not any(r["action"] in ("DISTIL", "DISCARD") for r in rules))


class TypedSwapEngine:
    """A router's data plane for one circuit, on typed records."""

    def __init__(self, me: int, info: Any, device: Any, resources: Any,
                 link_gone: Any) -> None:
        self.me, self.circuit_id = me, info.circuit_id
        self.positions: dict[int, int] = dict(info._positions)
        self.my_pos = self.positions[me]
        self.head_link = info.side_links(me)[0]
        self.device, self.resources, self.link_gone = device, resources, link_gone
        self.factory = Factory(me)
        self.held: dict[Ref, Qubit] = {}
        self.consumed: OrderedDict[Ref, Swap] = OrderedDict()
        self.seen: OrderedDict[int, None] = OrderedDict()
        self.outcome_seq = 0
        self.out: list[SwapOutcome] = []
        self.state = EMPTY
        on_pair, on_outcome = TypedSwapEngine.store_and_swap, TypedSwapEngine.track
        self.table = {(s, LinkPairReady): on_pair for s in (EMPTY, HOLD_HEAD, HOLD_TAIL)}
        self.table.update({(s, SwapOutcome): on_outcome for s in (EMPTY, HOLD_HEAD, HOLD_TAIL)})

    def fire(self, now: int, event: LinkPairReady | SwapOutcome) -> None:
        """Take the transition for ``(state, type(event))`` (KeyError: not in the table)."""
        self.state = self.table[(self.state, type(event))](self, now, event)

    def drain(self) -> list[SwapOutcome]:
        out, self.out = self.out, []
        return out

    # -- storing and swapping ------------------------------------------------------------------
    def _holding(self) -> int:
        if not self.held:
            return EMPTY
        for q in self.held.values():
            if not q.head:
                return HOLD_TAIL
        return HOLD_HEAD

    def store_and_swap(self, now: int, ev: LinkPairReady) -> int:
        ref = (ev.link_id, ev.seq)
        self.held[ref] = Qubit(ev.qubit, ref, ev.created_ns, ev.peer, ev.bell,
                               ev.link_id == self.head_link)
        self._swap_all(now)
        return self._holding()

    def _swap_all(self, now: int) -> None:
        while True:
            h = t = None  # FWD-005.2: the oldest of each side (the first stored on a tie)
            for q in self.held.values():
                if q.head:
                    if h is None or q.created_ns < h.created_ns:
                        h = q
                elif t is None or q.created_ns < t.created_ns:
                    t = q
            if h is None or t is None:
                return
            m = self.device.bsm(now=now, left=h.qubit, right=t.qubit)
            if m is None:
                raise NotImplementedError("failed BSM (TRK-030) is not in the prototype")
            for q in (h, t):
                del self.held[q.origin]
                self.resources.swapped(self.circuit_id, q.qubit)
                self.link_gone(*q.origin)
            rec = Swap(m, [h.partner, t.partner], [h.partner_ref, t.partner_ref],
                       [h.bell, t.bell])
            self._remember(self.consumed, h.origin, rec)
            self._remember(self.consumed, t.origin, rec)
            self._emit(rec, None)

    @staticmethod
    def _remember(book: OrderedDict[Any, Any], key: Any, value: Any) -> None:
        book[key] = value
        while len(book) > BOOK:
            book.popitem(last=False)

    def _emit(self, rec: Swap, only: int | None) -> None:
        """SWAP_OUTCOME to both new partners, or only to the one on side ``only``."""
        seq, cid, m = self.outcome_seq, self.circuit_id, rec.m
        left, right = PairRef(*rec.ref[HEAD]), PairRef(*rec.ref[TAIL])
        bell = rec.bell[HEAD] ^ rec.bell[TAIL] ^ m
        self.outcome_seq = (seq + 1) % 2**32
        make = self.factory.swap_outcome
        if only is None or only == HEAD:
            self.out.append(make(rec.partner[HEAD], SwapOutcomeBody(
                cid, seq, left, right, m, bell, rec.partner[TAIL])))
        if only is None or only == TAIL:
            self.out.append(make(rec.partner[TAIL], SwapOutcomeBody(
                cid, seq, left, right, m, bell, rec.partner[HEAD])))

    # -- tracking ------------------------------------------------------------------------------
    def track(self, now: int, msg: SwapOutcome) -> int:
        held = len(self.held)
        b = msg.body
        key = msg.source << 32 | b.outcome_seq
        if key in self.seen:
            return self.state
        self._remember(self.seen, key, None)
        pos = self.positions
        source_pos = pos[msg.source]
        head_side = source_pos > self.my_pos
        new_partner = b.new_partner
        new_pos = pos.get(new_partner, -1)
        if new_pos < 0 or (new_pos <= source_pos if head_side else new_pos >= source_pos):
            raise NotImplementedError("route mismatch (TRK-005.2) is not in the prototype")
        mine, theirs = (b.left, b.right) if head_side else (b.right, b.left)
        ref, other_ref = (mine.link_id, mine.seq), (theirs.link_id, theirs.seq)
        q = self.held.get(ref)
        if q is not None:
            if self._farther(q.partner, new_partner, head_side):
                q.partner, q.partner_ref, q.bell = new_partner, other_ref, b.bell_index
        elif ref in self.consumed:  # TRK-101.1: compose with our swap, send on
            rec = self.consumed[ref]
            side = TAIL if head_side else HEAD
            if self._farther(rec.partner[side], new_partner, head_side):
                rec.partner[side], rec.ref[side], rec.bell[side] = (new_partner, other_ref,
                                                                    b.bell_index)
                self._emit(rec, 1 - side)
        else:
            raise NotImplementedError("an outcome about no held or consumed qubit")
        if self.state == EMPTY:
            return EMPTY
        return self.state if len(self.held) == held else self._holding()

    def _farther(self, current: int, new: int, head_side: bool) -> bool:
        pos = self.positions.get
        p_new = pos(new, -1)
        if new == 0 or p_new < 0:
            return False
        delta = p_new - pos(current, -1)
        return delta > 0 if head_side else delta < 0


class DictSwapEngine(TypedSwapEngine):
    """The same lean engine on the reference's dict messages (the ablation: what the records
    themselves gain, apart from the leaner engine)."""

    def __init__(self, me: int, info: Any, device: Any, resources: Any,
                 link_gone: Any) -> None:
        super().__init__(me, info, device, resources, link_gone)
        self.table = {(s, LinkPairReady if e is LinkPairReady else dict): a
                      for (s, e), a in self.table.items()}
        self.table.update({(s, dict): DictSwapEngine.track for s in (EMPTY, HOLD_HEAD,
                                                                       HOLD_TAIL)})
        self.counter = 0

    def _emit(self, rec: Swap, only: int | None) -> None:
        body = {"circuit_id": self.circuit_id, "outcome_seq": self.outcome_seq,
                "left": {"link_id": rec.ref[HEAD][0], "seq": rec.ref[HEAD][1]},
                "right": {"link_id": rec.ref[TAIL][0], "seq": rec.ref[TAIL][1]},
                "bsm_result": BELL_NAMES[rec.m],
                "bell_index": BELL_NAMES[rec.bell[HEAD] ^ rec.bell[TAIL] ^ rec.m]}
        self.outcome_seq = (self.outcome_seq + 1) % 2**32
        for side in (HEAD, TAIL):
            if only is None or only == side:
                self.counter = (self.counter + 1) % 2**32
                self.out.append({"version": 1, "type": "SWAP_OUTCOME",
                                 "message_id": self.counter, "source": self.me,
                                 "destination": rec.partner[side],
                                 "body": {**body, "new_partner": rec.partner[1 - side]},
                                 "extensions": [], "auth": None})

    def track(self, now: int, msg: Any) -> int:
        held = len(self.held)
        b = msg["body"]
        source = msg["source"]
        key = source << 32 | b["outcome_seq"]
        if key in self.seen:
            return self.state
        self._remember(self.seen, key, None)
        pos = self.positions
        source_pos = pos[source]
        head_side = source_pos > self.my_pos
        new_partner = b["new_partner"]
        new_pos = pos.get(new_partner, -1)
        if new_pos < 0 or (new_pos <= source_pos if head_side else new_pos >= source_pos):
            raise NotImplementedError("route mismatch (TRK-005.2) is not in the prototype")
        mine, theirs = (b["left"], b["right"]) if head_side else (b["right"], b["left"])
        ref, other_ref = (mine["link_id"], mine["seq"]), (theirs["link_id"], theirs["seq"])
        bell = BELL_CODES[b["bell_index"]]
        q = self.held.get(ref)
        if q is not None:
            if self._farther(q.partner, new_partner, head_side):
                q.partner, q.partner_ref, q.bell = new_partner, other_ref, bell
        elif ref in self.consumed:
            rec = self.consumed[ref]
            side = TAIL if head_side else HEAD
            if self._farther(rec.partner[side], new_partner, head_side):
                rec.partner[side], rec.ref[side], rec.bell[side] = new_partner, other_ref, bell
                self._emit(rec, 1 - side)
        else:
            raise NotImplementedError("an outcome about no held or consumed qubit")
        if self.state == EMPTY:
            return EMPTY
        return self.state if len(self.held) == held else self._holding()
