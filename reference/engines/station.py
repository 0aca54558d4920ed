"""Heralding-station engine: one per link; matches the two ATTEMPTs of a slot (chapter 03).

The station collects ATTEMPTs by ``(link_id, slot_ns)``; when both nodes have attempted it asks
its :class:`~qvcp.reference.device.StationDevice` for the outcome of every matched mode (the
smaller of the two ATTEMPTs' ``modes``, LINK-015.1) and sends identical HERALDs (LINK-004) with a
result per mode, sequence numbers assigned to successes only, in mode order (LINK-005.1), and
in every HERALD one ``LINK_SEQ``, the highest seq assigned so far (LINK-023). A
missing, duplicated or foreign ATTEMPT at the matching deadline gives ERROR ``ATTEMPT_MISMATCH``
to both nodes (LINK-003.3).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from qvcp.schemas import ErrorCode

from ..messages import FAILURE, HERALD_NAMES, KNOWN_EXTENSIONS, MessageFactory, next_seq
from .base import Engine, ProtocolError, Rule, Send
from .events import Attempt, MatchDeadline

#: LINK-023: the extension type of the station's seq counter in every HERALD
LINK_SEQ = KNOWN_EXTENSIONS["LINK_SEQ"]


def link_seq(seq: int) -> dict[str, Any]:
    """LINK-023: the ``LINK_SEQ`` extension of a HERALD (not critical): ``seq``, the highest
    herald seq assigned on the link so far (0: none), as a u16 in network order."""
    return {"type": LINK_SEQ, "critical": False, "value": f"{seq:04x}"}


class StationState(Enum):
    """States of a heralding station."""

    IDLE = "no slot being matched"
    COLLECTING = "one ATTEMPT of a slot received"


IDLE_, C = StationState.IDLE, StationState.COLLECTING

TABLE = {
    (IDLE_, Attempt): Rule(C, "collect"),
    (C, Attempt): Rule((IDLE_, C), "match"),
    (C, MatchDeadline): Rule(IDLE_, "mismatch"),
}


@dataclass
class StationEngine(Engine):
    """Heralding station of link ``link_id`` between ``node_a < node_b``."""

    NAME = "station"
    TABLE = TABLE
    station_id: int = 0
    link_id: int = 0
    node_a: int = 0
    node_b: int = 0
    window_ns: int = 10
    device: Any = None
    factory: MessageFactory | None = None
    seq: int = 0
    pending: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    slot: int = -1

    def __post_init__(self) -> None:
        self.state = StationState.IDLE
        if self.factory is None:
            self.factory = MessageFactory(self.station_id)

    @property
    def key(self) -> str:
        return f"station{self.station_id}/link{self.link_id}"

    def _check(self, ev: Attempt) -> None:
        if ev.body["link_id"] != self.link_id or ev.source not in (self.node_a, self.node_b):
            raise ProtocolError(ErrorCode.UNKNOWN_LINK, "link not served by this station",
                                field="body.link_id", msg=ev.msg)

    def collect(self, now: int, ev: Attempt) -> None:
        self._check(ev)
        self.slot = ev.body["slot_ns"]
        self.pending = {ev.source: [dict(ev.msg)]}
        self.timers["match"] = now + self.window_ns

    def match(self, now: int, ev: Attempt) -> StationState:
        self._check(ev)
        if ev.body["slot_ns"] != self.slot:
            self.mismatch(now, ev)
            self.collect(now, ev)
            return StationState.COLLECTING
        self.pending.setdefault(ev.source, []).append(dict(ev.msg))
        if len(self.pending) == 2 and all(len(v) == 1 for v in self.pending.values()):
            self.timers.pop("match", None)
            self._herald(now)
            return StationState.IDLE
        return StationState.COLLECTING

    def _herald(self, now: int) -> None:
        assert self.factory is not None
        att_a = self.pending[self.node_a][0]["body"]
        att_b = self.pending[self.node_b][0]["body"]
        modes = min(att_a["modes"], att_b["modes"])  # LINK-015.1: mode i of A with mode i of B
        # LINK-022: modes 0 on either side is a match too, heralded with no results
        codes = self.device.resolve(now=now, link_id=self.link_id, slot_ns=self.slot,
                                    modes=modes)
        # LINK-004: identical bodies, each node its own copy
        results_a: list[dict[str, Any]] = []
        results_b: list[dict[str, Any]] = []
        seq = self.seq
        for code in codes:  # LINK-005.1: seqs to successes only, in mode order
            if code == FAILURE:
                results_a.append({"outcome": "FAILURE", "seq": 0})
                results_b.append({"outcome": "FAILURE", "seq": 0})
            else:
                seq = next_seq(seq)
                name = HERALD_NAMES[code]
                results_a.append({"outcome": name, "seq": seq})
                results_b.append({"outcome": name, "seq": seq})
        self.seq = seq
        for node, results in ((self.node_a, results_a), (self.node_b, results_b)):
            self.out.append(Send(self.factory.make("HERALD", node, {
                "link_id": self.link_id,
                "slot_ns": self.slot,
                "attempt_id_a": att_a["attempt_id"],
                "attempt_id_b": att_b["attempt_id"],
                "results": results,
            }, extensions=[link_seq(seq)])))
        self.pending = {}

    def mismatch(self, now: int, ev: Any) -> None:
        assert self.factory is not None
        self.timers.pop("match", None)
        for node in (self.node_a, self.node_b):
            sent = self.pending.get(node, [])
            self.out.append(Send(self.factory.make("ERROR", node, {
                "code": int(ErrorCode.ATTEMPT_MISMATCH),
                "offending_message_id": sent[0]["message_id"] if sent else 0,
                "offending_type": 16,
                "field": "body.slot_ns",
                "detail": f"slot {self.slot}: attempts do not match",
            })))
        self.pending = {}

    def on_timer(self, now: int, name: str) -> None:
        """Fire the matching deadline."""
        self.fire(now, MatchDeadline(name=name))
