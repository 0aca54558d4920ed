"""LINK-006.2, LINK-006.3, TRK-013.3: a HERALD of another slot is refused without ending the
attempt in flight; one echoing a foreign attempt for the attempt's own slot ends it."""

from __future__ import annotations

from collections import deque
from typing import Any

from harness import Harness

from qvcp.reference.engines.link import LinkState
from qvcp.schemas import ErrorCode

SUCCESS, FAIL = 1, 255
STATION = 101  # the heralding station of link 1


def _attempting() -> Harness:
    """Nodes 1 and 2 on link 1; slot 1000 heralded FAILURE, the attempt of slot 2000 is in
    flight at node 1 (its HERALD, a success, not yet arrived)."""
    h = Harness(["end", "end"])
    h.resolve_by_link[1] = deque([FAIL, SUCCESS])
    h.open(1, 2)
    h.run(1500)
    h.run(2005)
    link = h.nodes[1].links[1]
    assert link.state is LinkState.ATTEMPTING and link.attempt is not None
    assert link.attempt[0] == 2000 and link.last_seq == 0
    return h


def _herald(slot: int, id_a: int, id_b: int) -> dict[str, Any]:
    return {"link_id": 1, "slot_ns": slot, "attempt_id_a": id_a, "attempt_id_b": id_b,
            "results": [{"outcome": "FAILURE", "seq": 0}]}


def _mismatches(h: Harness) -> int:
    return sum(m["body"]["code"] == ErrorCode.ATTEMPT_MISMATCH
               for m in h.sent_of("ERROR", 1, STATION))


def test_herald_of_an_earlier_slot_leaves_the_attempt_in_flight() -> None:
    h = _attempting()
    link = h.nodes[1].links[1]
    assert link.attempt is not None
    attempt = link.attempt
    h.inject(1, "HERALD", _herald(1000, attempt[1] - 1, 1), source=STATION)  # a duplicate
    assert _mismatches(h) == 1  # LINK-006.2
    assert link.state is LinkState.ATTEMPTING and link.attempt == attempt  # LINK-006.3
    assert link.unheard == 0  # TRK-013.3: the attempt has not ended
    h.run(2100)  # the HERALD of slot 2000 arrives: its pair is recorded at both ends
    assert link.last_seq == 1 and h.nodes[2].links[1].last_seq == 1
    assert link.state is LinkState.ARMED and _mismatches(h) == 1


def test_herald_echoing_a_foreign_attempt_for_the_slot_ends_the_attempt() -> None:
    h = _attempting()
    link = h.nodes[1].links[1]
    assert link.attempt is not None
    slot, my_id, _, qubits, _ = link.attempt
    h.inject(1, "HERALD", _herald(slot, my_id + 7, 1), source=STATION)
    assert _mismatches(h) == 1  # LINK-006.2
    assert link.attempt is None and link.state is LinkState.ARMED
    assert link.unheard == len(qubits) >= 1  # TRK-013.3: ended without its HERALD
    h.run(2100)  # the station's own HERALD of slot 2000 now finds no attempt
    assert link.last_seq == 0 and _mismatches(h) == 2


def test_the_foreign_echo_error_names_the_receivers_own_echo_field() -> None:
    """Node 1 is side a of link 1 (lower node id), node 2 side b: each names its own field."""
    h = _attempting()
    slot, my_id, _, _, _ = h.nodes[1].links[1].attempt or (0, 0, 0, (), 0)
    h.inject(1, "HERALD", _herald(slot, my_id + 7, 1), source=STATION)
    peer = h.nodes[2].links[1].attempt
    assert peer is not None
    h.inject(2, "HERALD", _herald(slot, 1, peer[1] + 7), source=STATION)
    fields = {node: [m["body"]["field"] for m in h.sent_of("ERROR", node, STATION)]
              for node in (1, 2)}
    assert fields == {1: ["body.attempt_id_a"], 2: ["body.attempt_id_b"]}
