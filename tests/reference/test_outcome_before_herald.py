"""TRK-013.4 to TRK-013.8: a SWAP_OUTCOME that arrives while the node's attempt that may bring
its pair is still waiting for its HERALD.

The window the link engine offers (:meth:`LinkEngine.awaiting`) is checked directly; the effect
on a lossy chain (outcomes overtaking HERALDs, HERALDs lost) is checked against the behaviour
without the rule, obtained by closing that window.
"""


import pytest
from harness import lossy_chain

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


def _run(monkeypatch: pytest.MonkeyPatch, *, rule: bool) -> Network:
    with monkeypatch.context() as m:
        if not rule:  # the behaviour before TRK-013.4 and TRK-013.9
            m.setattr(LinkEngine, "awaiting", lambda self, seq: 0)
            m.setattr(LinkEngine, "missed", lambda self, seq: self.unheard > 0 and seqs_between(
                self.last_seq, seq) < self.unheard)
        scenario = lossy_chain(9, 200_000_000, success=0.291, track_ends=False)
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
