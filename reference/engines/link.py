"""Link-layer engine: one per (node, link); heralded generation with a midpoint station.

Chapter 03. The link's attempt slots (epoch-aligned slots ``slot_ns`` long, every
``attempt_period``-th of them, LINK-017) are attributed to circuits by FWD-003 over the link's
rotation: a circuit joins it at its activation time and leaves it at its removal time, both
agreed by the two nodes of the link (FWD-011 to FWD-014). While the rotation is not empty the
node sends one ATTEMPT in every attempt slot (LINK-020), with as many communication qubits as
the slot's circuit can take at once (idle comm qubits, free memory, its per-link quota:
LINK-002), one per optical mode, or none (``modes`` 0: present, nothing to emit), and waits
for the HERALD, which carries one result per matched mode (LINK-015.2). Seqs the node finds
missing, by a gap among the results (LINK-016) or by the station's count ``LINK_SEQ`` in a
HERALD it accepts (LINK-024), are expired at the link peer and remembered, so that the peer's
EXPIRE for the same seqs is acknowledged (LINK-010.2).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from qvcp.schemas import ErrorCode

from ..messages import (
    FAILURE,
    HERALD_CODES,
    KNOWN_EXTENSIONS,
    MessageFactory,
    next_seq,
    seqs_between,
)
from ..resources import Resources
from .base import Engine, ProtocolError, Rule, Send
from .base import Local as L
from .events import (
    ErrorReceived,
    Expire,
    ExpireAck,
    GenerateOff,
    GenerateOn,
    Herald,
    HeraldTimeout,
    LinkFailed,
    LinkPairReady,
    PeerExpired,
    SlotTimer,
)

#: modes of one ATTEMPT (``modes`` is a u8)
MAX_MODES = 255
#: the removal time of a circuit whose GENERATE rule is installed
NEVER = 2**64
#: how many seqs of a link a node remembers as heralded to it, and as expired at its peer
SEQS_REMEMBERED = 4096
#: LINK-024: the extension of a HERALD naming the highest seq the station has assigned
LINK_SEQ = KNOWN_EXTENSIONS["LINK_SEQ"]


def station_seq(msg: dict[str, Any]) -> int | None:
    """LINK-024: the value of the first ``LINK_SEQ`` extension of a HERALD (the highest seq the
    station has assigned on the link), None without one (a station that does not send it)."""
    for ext in msg.get("extensions") or ():
        if ext["type"] == LINK_SEQ and len(ext["value"]) == 4:  # EXT-001.2: 2 octets
            return int(ext["value"], 16)
    return None


class LinkState(Enum):
    """States of the node side of a link."""

    IDLE = "no circuit generates on the link"
    ARMED = "waiting for the next slot"
    ATTEMPTING = "ATTEMPT sent, waiting for HERALD"


IDLE_, A, T = LinkState.IDLE, LinkState.ARMED, LinkState.ATTEMPTING

TABLE = {
    (IDLE_, GenerateOn): Rule(A, "add_circuit"),
    (A, GenerateOn): Rule(A, "add_circuit"),
    (T, GenerateOn): Rule(T, "add_circuit"),
    (IDLE_, GenerateOff): Rule(IDLE_, "remove_circuit"),
    (A, GenerateOff): Rule((A, IDLE_), "remove_circuit"),
    (T, GenerateOff): Rule(T, "remove_circuit"),
    (A, SlotTimer): Rule((A, T, IDLE_), "start_slot"),
    (T, Herald): Rule((A, IDLE_, T), "on_herald"),
    (A, Herald): Rule(A, "stray_herald"),
    (IDLE_, Herald): Rule(IDLE_, "stray_herald"),
    (T, HeraldTimeout): Rule((A, IDLE_), "attempt_failed"),
    (T, ErrorReceived): Rule((A, IDLE_, T), "on_station_error"),
    (A, ErrorReceived): Rule(A, "ignore"),
    (IDLE_, ErrorReceived): Rule(IDLE_, "ignore"),
    **{(s, Expire): Rule(s, "on_expire") for s in LinkState},
    **{(s, ExpireAck): Rule(s, "on_expire_ack") for s in LinkState},
}


@dataclass
class LinkEngine(Engine):
    """Node side of one link. ``node_id < peer`` makes this node side *a* of the HERALD."""

    NAME = "link"
    TABLE = TABLE
    node_id: int = 0
    link_id: int = 0
    peer: int = 0
    station: int = 0
    slot_ns: int = 1
    #: LINK-017: attempts only in slots whose index is a multiple of this
    attempt_period: int = 1
    #: one-way latency to the peer (link configuration): the lead of an activation or removal
    #: time this node sets for the link (FWD-011, FWD-013)
    peer_delay_ns: int = 0
    #: FWD-011, FWD-012: circuit -> [activation, removal] time of its place in the link's
    #: rotation (removal NEVER while its GENERATE rule is installed)
    rotation: dict[int, list[int]] = field(default_factory=dict)
    #: activation and removal times agreed for a circuit before its GenerateOn or GenerateOff
    #: reaches the engine (set by the circuit's signalling, FWD-011, FWD-013)
    join_at: dict[int, int] = field(default_factory=dict)
    leave_at: dict[int, int] = field(default_factory=dict)
    herald_timeout_ns: int = 0
    resources: Resources | None = None
    device: Any = None
    factory: MessageFactory | None = None
    circuits: list[int] = field(default_factory=list)
    #: the outstanding attempt: slot, attempt id, circuit, qubit of each mode, message id
    attempt: tuple[int, int, int, tuple[int | None, ...], int] | None = None
    attempt_counter: int = 0
    last_slot: int = -1
    heralded: OrderedDict[int, int] = field(default_factory=OrderedDict)  # seq -> circuit
    held_seqs: set[int] = field(default_factory=set)
    #: REL-013: after this many herald timeouts in a row the link has failed
    failure_attempts: int = 1000
    timeouts_in_a_row: int = 0
    #: the highest seq heralded to this node (0: none yet), for LINK-016's gaps
    last_seq: int = 0
    #: modes of the attempts that ended without their HERALD (timed out, or ended by the
    #: station's ERROR or a HERALD echoing a foreign attempt) since the last success heralded
    #: to this node: how many seqs after ``last_seq`` may have been heralded to the peer alone
    #: (TRK-013.3)
    unheard: int = 0
    #: LINK-016, LINK-024, TRK-013.9: the seqs this node found missing (never heralded to it)
    #: and expired at the peer, the latest SEQS_REMEMBERED
    expired: OrderedDict[int, None] = field(default_factory=OrderedDict)

    def __post_init__(self) -> None:
        self.state = LinkState.IDLE

    @property
    def key(self) -> str:
        return f"{self.node_id}/link{self.link_id}"

    # -- actions --------------------------------------------------------------------------
    def _arm(self, now: int) -> LinkState:
        k = max(-(-now // self.slot_ns), self.last_slot + 1)  # LINK-002: one attempt per slot
        self._prune(k * self.slot_ns)
        if not self.rotation:
            self.timers.pop("slot", None)
            return LinkState.IDLE
        period = self.attempt_period
        k = -(-k // period) * period  # LINK-017: the next attempt slot
        self.timers["slot"] = k * self.slot_ns
        return LinkState.ARMED

    def _prune(self, t: int) -> None:
        """Forget the circuits whose removal time is at or before ``t``."""
        for cid in [c for c, (_, gone) in self.rotation.items() if gone <= t]:
            del self.rotation[cid]

    def owners(self, t: int) -> list[int]:
        """FWD-003, FWD-011, FWD-012: the ascending circuit ids of the link's rotation at time
        ``t``: activated at or before ``t`` and removed after it."""
        return sorted(c for c, (start, gone) in self.rotation.items() if start <= t < gone)

    def steady(self) -> bool:
        """The rotation is exactly the installed circuits, with no activation or removal to
        come: the slot rotation stays as it is until a GENERATE rule changes."""
        return (len(self.rotation) == len(self.circuits)
                and all(self.rotation.get(c, (0, 0))[1] == NEVER for c in self.circuits)
                and all(start <= self.last_slot * self.slot_ns
                        for start, _ in self.rotation.values()))

    def cut_rotation(self, circuit: int, now: int) -> None:
        """FWD-014: the neighbour's TEARDOWN for ``circuit`` arrived at ``now``: the circuit
        leaves the rotation now if it was to leave later (FWD-013)."""
        entry = self.rotation.get(circuit)
        if entry is not None and circuit not in self.circuits and entry[1] > now:
            entry[1] = now

    def add_circuit(self, now: int, ev: GenerateOn) -> None:
        cid = ev.circuit_id
        if cid not in self.circuits:
            self.circuits.append(cid)
            self.circuits.sort()
        # FWD-011, FWD-012: in the rotation from the agreed activation time (at once if none)
        self.rotation[cid] = [self.join_at.pop(cid, now), NEVER]
        if self.state is LinkState.IDLE:
            self._arm(now)

    def remove_circuit(self, now: int, ev: GenerateOff) -> LinkState:
        cid = ev.circuit_id
        if cid in self.circuits:
            self.circuits.remove(cid)
        gone = self.leave_at.pop(cid, now)
        entry = self.rotation.get(cid)
        if entry is not None:  # FWD-013, FWD-014: a slot owner until the agreed removal time
            entry[1] = gone
            if entry[0] >= gone:
                del self.rotation[cid]
        if self.attempt is not None and self.attempt[2] == cid:
            self._abandon(now)
        if self.state is LinkState.ARMED and not self.rotation:
            return self._arm(now)  # nothing left to attempt for: IDLE
        return self.state  # the next attempt slot stays armed (LINK-020 while it has a circuit)

    def _abandon(self, now: int) -> None:
        """SIG-030: the circuit of the outstanding attempt is released, and with it the
        attempt's memory and communication qubits, now. The attempt stays outstanding (its
        HERALD is expected and is no error) but its modes hold no qubit (``None``): their
        results make no pair, and nothing is freed twice, whatever circuit a freed slot serves
        by the time the HERALD arrives."""
        assert self.attempt is not None and self.resources is not None
        slot, attempt_id, circuit, qubits, message_id = self.attempt
        self.resources.comm_done(len(qubits) - qubits.count(None))
        for qubit in qubits:
            if qubit is not None:
                self.device.free(now=now, qubit=qubit)
                self.resources.give_back(circuit, qubit)
        self.attempt = (slot, attempt_id, circuit, (None,) * len(qubits), message_id)

    def start_slot(self, now: int, ev: SlotTimer) -> LinkState:
        k = now // self.slot_ns
        period = self.attempt_period
        slot = k * self.slot_ns
        owners = self.owners(slot)
        if not owners:  # nothing activated yet (or every circuit removed): no attempt (FWD-015)
            self.last_slot = k
            return self._arm(now + 1)
        circuit = owners[k // period % len(owners)]  # FWD-003
        res = self.resources
        assert res is not None and self.factory is not None
        # LINK-020: present in every attempt slot; modes 0 when the slot's circuit can take no
        # qubit (none free, or the circuit is leaving the rotation, FWD-013)
        modes = res.modes_available(circuit, self.link_id) if circuit in self.circuits else 0
        if modes > MAX_MODES:
            modes = MAX_MODES
        self.attempt_counter = (self.attempt_counter + 1) % 2**32
        self.last_slot = k
        link_id = self.link_id
        qubits = res.take_modes(circuit, link_id, modes) if modes else []
        # LINK-001.3, LINK-002: the qubit of mode i emits into mode i
        if qubits:
            self.device.attempt(now=now, link_id=link_id, slot_ns=slot, qubits=qubits)
        msg = self.factory.make(
            "ATTEMPT", self.station,
            {"link_id": link_id, "attempt_id": self.attempt_counter, "slot_ns": slot,
             "modes": modes},
        )
        self.attempt = (slot, self.attempt_counter, circuit, tuple(qubits), msg["message_id"])
        self.out.append(Send(msg))
        self.timers["herald"] = slot + self.herald_timeout_ns
        return LinkState.ATTEMPTING

    def _end_attempt(self, now: int, *, keep: tuple[int, ...] = ()
                     ) -> tuple[int, tuple[int | None, ...]]:
        """Close the outstanding attempt: its comm qubits are idle again, and every qubit
        not in ``keep`` (mode indices that heralded a pair) is freed."""
        assert self.attempt is not None and self.resources is not None
        _, _, circuit, qubits, _ = self.attempt
        self.attempt = None
        self.timers.pop("herald", None)
        res = self.resources
        if qubits and qubits[0] is None:  # abandoned (its qubits were freed when it went)
            return circuit, qubits
        res.comm_done(len(qubits))
        for i, qubit in enumerate(qubits):
            if i not in keep:
                self.device.free(now=now, qubit=qubit)
                res.give_back(circuit, qubit)
        return circuit, qubits

    def on_herald(self, now: int, ev: Herald) -> LinkState:
        body = ev.body
        attempt = self.attempt
        assert attempt is not None
        self.timeouts_in_a_row = 0  # the station answers: the link is alive (REL-013)
        slot, my_id, _, qubits, _ = attempt
        mine = body["attempt_id_a"] if self.node_id < self.peer else body["attempt_id_b"]
        if body["slot_ns"] != slot or mine != my_id:  # LINK-006.2
            stale = body["slot_ns"] != slot
            if stale:  # LINK-006.3: another slot's HERALD (delayed or duplicated): the attempt
                # in flight keeps waiting for its own HERALD until its herald timeout
                self.report(ProtocolError(ErrorCode.ATTEMPT_MISMATCH, "HERALD for a slot "
                                          "without attempt", field="body.slot_ns", msg=ev.msg))
                return LinkState.ATTEMPTING
            # the station answered this slot with another attempt: no HERALD for this one comes
            self.unheard += len(self._end_attempt(now)[1])  # TRK-013.3: ended unheralded
            side = "a" if self.node_id < self.peer else "b"  # the echo of this node's attempt
            self.report(ProtocolError(ErrorCode.ATTEMPT_MISMATCH, "HERALD echoes a foreign "
                                      "attempt", field=f"body.attempt_id_{side}", msg=ev.msg))
            return self._arm(now)
        results = body["results"]
        if len(results) > len(qubits):  # LINK-015.4 (no results: no mode matched, LINK-021)
            self._end_attempt(now)
            self.report(ProtocolError(
                ErrorCode.ATTEMPT_MISMATCH, f"{len(results)} results for an attempt on "
                f"{len(qubits)} modes", field="body.results", msg=ev.msg))
            return self._arm(now)
        held, heralded = self.held_seqs, self.heralded
        keep: list[int] = []
        codes: list[tuple[int, int]] = []
        for i, result in enumerate(results):
            code = HERALD_CODES.get(result["outcome"])
            seq = result["seq"]
            if code is None:  # WIRE-044: an unassigned outcome is a failed mode, no error
                continue
            if code == FAILURE and seq == 0:
                continue
            if code == FAILURE or seq == 0 or seq in held:  # LINK-005.3
                self.report(ProtocolError(ErrorCode.HERALD_SEQUENCE_INVALID, f"seq {seq} "
                                          f"invalid", field=f"body.results[{i}].seq",
                                          msg=ev.msg))
                continue
            self._note_seq(seq)
            if qubits[i] is None:  # abandoned attempt: no qubit, no pair (SIG-030)
                continue
            held.add(seq)  # LINK-013.2: recorded before anything uses it
            keep.append(i)
            codes.append((seq, code))
        circuit, _ = self._end_attempt(now, keep=tuple(keep))
        link_id, peer, out = self.link_id, self.peer, self.out
        for i, (seq, code) in zip(keep, codes, strict=True):
            heralded[seq] = circuit
            out.append(L(LinkPairReady.trusted(circuit_id=circuit, link_id=link_id, seq=seq,
                                               qubit=qubits[i], bell=code, created_ns=slot,
                                               peer=peer)))
        while len(heralded) > SEQS_REMEMBERED:
            heralded.popitem(last=False)
        assigned = station_seq(ev.msg)
        if assigned is not None:  # LINK-024: after the results, for the attempt in flight only
            self._note_assigned(assigned)
        return self._arm(now)

    def _note_seq(self, seq: int) -> None:
        """LINK-016: a success heralded with ``seq`` shows the seqs this node missed since the
        last one it received or found missing (from seq 1 when none yet: a HERALD lost on the
        way): expire them at the link peer."""
        if self.expired:  # heralded after all (a seq reused after wrapping, or a late HERALD)
            self.expired.pop(seq, None)
        last = self.last_seq
        ahead = seqs_between(last, seq)
        if 0 < ahead < 2**15:
            self._expire_missing(ahead, (seq - 2) % 65535 + 1)
        if not last or ahead < 2**15:
            self.last_seq = seq
            self.unheard = 0

    def _note_assigned(self, assigned: int) -> None:
        """LINK-024: the station has assigned the seqs up to ``assigned`` (LINK_SEQ of a
        HERALD accepted for the attempt in flight): those after the highest seq heralded to
        this node or found missing were heralded to the peer alone; expire them at the peer.
        A value behind it (a restarted station) or 2^15 or more ahead is ignored."""
        last = self.last_seq
        if assigned == last:  # nothing assigned since: no attempt ended unheard got a seq
            self.unheard = 0
            return
        ahead = seqs_between(last, assigned)
        if assigned == 0 or ahead >= 2**15:
            return
        self._expire_missing(ahead + 1, assigned)
        self.last_seq = assigned  # LINK-016 and TRK-013.3 count from here: none expired twice
        self.unheard = 0

    def _expire_missing(self, count: int, last_missing: int) -> None:
        """LINK-016, LINK-024: send the peer one EXPIRE for the ``count`` seqs after
        ``last_seq`` (through ``last_missing``) and remember them as missed (TRK-013.9)."""
        assert self.factory is not None
        body = {"link_id": self.link_id, "first_seq": next_seq(self.last_seq),
                "last_seq": last_missing}
        self.out.append(Send(self.factory.make("EXPIRE", self.peer, body)))
        gone, s = self.expired, self.last_seq
        for _ in range(min(count, SEQS_REMEMBERED)):
            s = next_seq(s)
            gone[s] = None
        while len(gone) > SEQS_REMEMBERED:
            gone.popitem(last=False)

    def missed(self, seq: int) -> bool:
        """TRK-013.3, TRK-013.9: ``seq`` may be a success heralded to the peer alone: it lies
        after the highest seq heralded to this node by no more than the modes of the attempts
        that ended without their HERALD since (a HERALD lost on its way here), or this node has
        expired it at the peer as skipped (LINK-016)."""
        if self.unheard > 0 and seqs_between(self.last_seq, seq) < self.unheard:
            return True
        return seq in self.expired  # TRK-013.9: skipped by a later HERALD (LINK-016)

    def awaiting(self, seq: int) -> int:
        """TRK-013.4: the herald deadline (LINK-009) of the attempt on the link still waiting
        for its HERALD, if it has modes and ``seq`` lies after the highest seq heralded to this
        node by no more than the modes of that attempt and of those that timed out since (the
        pair may yet be heralded here, or its HERALD was lost); 0 otherwise."""
        attempt = self.attempt
        if attempt is None or not attempt[3]:
            return 0
        if seqs_between(self.last_seq, seq) >= self.unheard + len(attempt[3]):
            return 0
        return self.timers.get("herald", 0)

    def pair_gone(self, seq: int) -> None:
        """The node no longer holds link pair ``seq`` (swapped, discarded or delivered)."""
        self.held_seqs.discard(seq)

    def stray_herald(self, now: int, ev: Herald) -> None:
        raise ProtocolError(ErrorCode.ATTEMPT_MISMATCH, "HERALD for a slot without attempt",
                            field="body.slot_ns", msg=ev.msg)

    def attempt_failed(self, now: int, ev: HeraldTimeout) -> LinkState:
        _, qubits = self._end_attempt(now)
        self.unheard += len(qubits)
        self.timeouts_in_a_row += 1
        if self.timeouts_in_a_row >= self.failure_attempts:  # REL-013: the station is silent
            self.timeouts_in_a_row = 0
            self.out.append(L(LinkFailed(link_id=self.link_id, circuits=tuple(self.circuits))))
        return self._arm(now)

    def on_station_error(self, now: int, ev: ErrorReceived) -> LinkState:
        assert self.attempt is not None
        self.timeouts_in_a_row = 0  # the station answers: the link is alive
        if ev.body["offending_message_id"] != self.attempt[4]:
            return self.state
        self.unheard += len(self._end_attempt(now)[1])  # TRK-013.3: ended by the station
        return self._arm(now)

    def ignore(self, now: int, ev: Any) -> None:
        return None

    def on_expire(self, now: int, ev: Expire) -> None:
        first, last = ev.body["first_seq"], ev.body["last_seq"]
        if first == 0 or last == 0:
            raise ProtocolError(ErrorCode.EXPIRE_RANGE_INVALID, "range endpoint 0",
                                field="body.first_seq", msg=ev.msg)
        seqs, s = [first], first
        while s != last and len(seqs) < 65535:
            s = s % 65535 + 1
            seqs.append(s)
        heralded, missing = self.heralded, self.expired
        # LINK-010.2: a seq this node found missing itself (LINK-016, LINK-024) was assigned
        # by the station too; one it neither received nor found missing was not, as far as it
        # knows (it lies beyond every seq it knows assigned, or is long forgotten)
        if any(q not in heralded and q not in missing for q in seqs):
            raise ProtocolError(ErrorCode.EXPIRE_RANGE_INVALID, "range names unheralded pairs",
                                field="body.first_seq", msg=ev.msg)
        for q in seqs:  # held or not: a pair already delivered is reported lost (LINK-011.2)
            if q in heralded:  # one found missing here holds nothing: frees nothing
                self.out.append(L(PeerExpired(circuit_id=heralded[q], link_id=self.link_id,
                                              seq=q)))
        assert self.factory is not None
        self.out.append(Send(self.factory.make("EXPIRE_ACK", ev.source, dict(ev.body))))

    def on_expire_ack(self, now: int, ev: ExpireAck) -> None:
        return None

    def on_timer(self, now: int, name: str) -> None:
        """Fire the event for the expired timer ``name``."""
        # timer names are the engine's own non-empty keys: valid by construction
        self.fire(now, SlotTimer.trusted(name=name) if name == "slot"
                  else HeraldTimeout.trusted(name=name))
