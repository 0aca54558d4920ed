"""TRK-013.4 to TRK-013.8: a SWAP_OUTCOME that arrives while the node's attempt that may bring
its pair is still waiting for its HERALD.

The window the link engine offers (:meth:`LinkEngine.awaiting`) is checked directly; the effect
on a lossy chain (outcomes overtaking HERALDs, HERALDs lost) is checked against the behaviour
without the rule, obtained by closing that window.
"""

import itertools
from typing import Any

import pytest

from qvcp.reference.engines.link import LinkEngine
from qvcp.reference.messages import MessageFactory, seqs_between
from qvcp.reference.sim import invariants
from qvcp.reference.sim.network import Network

DEADLINE = 7_000


def _link(*, last_seq: int, unheard: int = 0, modes: int | None = 2) -> LinkEngine:
    """A link engine whose attempt of ``modes`` modes (None: no attempt) waits for its HERALD
    until ``DEADLINE``."""
    link = LinkEngine(node_id=1, link_id=1, peer=2, slot_ns=1_000, herald_timeout_ns=3_000)
    link.last_seq, link.unheard = last_seq, unheard
    if modes is not None:
        link.attempt = (4_000, 9, 7, tuple(range(modes)), 99)
        link.timers["herald"] = DEADLINE
    return link


def test_the_window_is_the_modes_of_the_attempt_in_flight_after_the_last_seq() -> None:
    link = _link(last_seq=10)
    assert [link.awaiting(s) for s in (10, 11, 12, 13)] == [0, DEADLINE, DEADLINE, 0]


def test_the_window_grows_by_the_modes_of_attempts_timed_out_since() -> None:
    link = _link(last_seq=10, unheard=3)
    assert [link.awaiting(s) for s in (15, 16)] == [DEADLINE, 0]


def test_the_window_wraps_past_65535_and_skips_0() -> None:
    link = _link(last_seq=65534)
    assert [link.awaiting(s) for s in (65535, 1, 2)] == [DEADLINE, DEADLINE, 0]


@pytest.mark.parametrize("modes", [None, 0])
def test_no_attempt_with_modes_in_flight_keeps_nothing(modes: int | None) -> None:
    link = _link(last_seq=10, unheard=3, modes=modes)
    assert link.awaiting(11) == 0


def test_seqs_skipped_by_a_later_herald_count_as_missed_until_heralded() -> None:
    link = _link(last_seq=65534, modes=None)
    link.factory = MessageFactory(node_id=1)
    link._note_seq(2)  # skips 65535 and 1 (LINK-016)
    expire = [o.msg["body"] for o in link.out]
    assert expire == [{"link_id": 1, "first_seq": 65535, "last_seq": 1}]
    assert [link.missed(s) for s in (65534, 65535, 1, 2, 3)] == [False, True, True, False, False]
    link._note_seq(1)  # a late HERALD of a skipped seq after all
    assert [link.missed(s) for s in (65535, 1)] == [True, False]


def _lossy_chain(n: int, duration_ns: int) -> dict[str, Any]:
    """An n-node chain with 5 modes per link and slot, one demand end to end, and 1 % of the
    messages lost, 1 % duplicated."""
    names = [f"r{i}" for i in range(n)]
    return {
        "name": "lossy-chain", "seed": 1, "duration_ns": duration_ns,
        "options": {"measure_basis": "none", "slots_per_link": 5, "track_ends": False},
        "nodes": [{"name": name, "role": "end" if i in (0, n - 1) else "router",
                   "profile": "ideal", "memory_qubits": 10, "comm_qubits": 10}
                  for i, name in enumerate(names)],
        "links": [{"a": a, "b": b, "distance_km": 2.0, "model": "werner", "fidelity": 0.99,
                   "success_probability": 0.291, "preparation_ns": 500_000}
                  for a, b in itertools.pairwise(names)],
        "demands": [{"head": names[0], "tail": names[-1], "num_pairs": 10**6,
                     "min_fidelity": 0.6, "start_ns": 100_000_000}],
        "faults": {"loss": 0.01, "duplicate": 0.01, "jitter_ns": 5},
    }


def _run(monkeypatch: pytest.MonkeyPatch, *, rule: bool) -> Network:
    with monkeypatch.context() as m:
        if not rule:  # the behaviour before TRK-013.4 and TRK-013.9
            m.setattr(LinkEngine, "awaiting", lambda self, seq: 0)
            m.setattr(LinkEngine, "missed", lambda self, seq: self.unheard > 0 and seqs_between(
                self.last_seq, seq) < self.unheard)
        scenario = _lossy_chain(9, 200_000_000)
        net = Network.from_scenario(scenario, trace=None)
        net.run_until(scenario["duration_ns"])
    return net


def test_outcomes_overtaking_their_herald_are_no_longer_refused(
        monkeypatch: pytest.MonkeyPatch) -> None:
    before = _run(monkeypatch, rule=False)
    after = _run(monkeypatch, rule=True)
    refused_before = before.error_counts.get("UNKNOWN_PAIR", 0)
    refused_after = after.error_counts.get("UNKNOWN_PAIR", 0)
    assert refused_before >= 20, "the run no longer exercises outcomes before their HERALD"
    assert refused_after == 0
    assert not invariants.check(after, settle_ns=invariants.default_settle_ns(after))
