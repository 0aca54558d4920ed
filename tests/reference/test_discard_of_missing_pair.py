"""TRK-015: a DISCARD naming a link pair the node found missing changes nothing and is no error.

Which pairs count as found missing is checked on the engine directly; the effect on a lossy
chain (DISCARDs passed on past a swap to the node that missed the pair's HERALD) is checked
against the behaviour without the rule, obtained by finding nothing missing.
"""

from types import SimpleNamespace

import pytest
from harness import lossy_chain

from qvcp.reference.engines.link import LinkEngine
from qvcp.reference.engines.qubits import TrackingEngine
from qvcp.reference.messages import MessageFactory
from qvcp.reference.sim import invariants
from qvcp.reference.sim.network import Network


def _engine(link: LinkEngine, side_links: tuple[int, int] = (1, 2)) -> TrackingEngine:
    """A tracking engine at node 1 whose links are ``side_links``, ``link`` its link 1."""
    ctx = SimpleNamespace(node_id=1, link_engines={link.link_id: link})
    info = SimpleNamespace(side_links=lambda node: side_links)
    return TrackingEngine(ctx=ctx, info=info)  # type: ignore[arg-type]


def _link(*, last_seq: int, unheard: int = 0) -> LinkEngine:
    """Link 1 of node 1, no attempt in flight."""
    link = LinkEngine(node_id=1, link_id=1, peer=2, slot_ns=1_000, herald_timeout_ns=3_000)
    link.last_seq, link.unheard = last_seq, unheard
    link.factory = MessageFactory(node_id=1)
    return link


def test_seqs_after_attempts_ended_unheralded_are_found_missing() -> None:
    engine = _engine(_link(last_seq=10, unheard=2))
    assert [engine._found_missing((1, s)) for s in (10, 11, 12, 13)] == [
        False, True, True, False]


def test_seqs_expired_at_the_peer_are_found_missing() -> None:
    link = _link(last_seq=4)
    link._note_seq(7)  # skips 5 and 6 (LINK-016)
    engine = _engine(link)
    assert [engine._found_missing((1, s)) for s in (4, 5, 6, 7, 8)] == [
        False, True, True, False, False]


def test_a_pair_of_another_link_is_never_found_missing() -> None:
    engine = _engine(_link(last_seq=10, unheard=2), side_links=(0, 3))
    assert not engine._found_missing((1, 11))


def _run(monkeypatch: pytest.MonkeyPatch, seed: int, *, rule: bool) -> Network:
    with monkeypatch.context() as m:
        if not rule:  # the behaviour before TRK-015
            m.setattr(TrackingEngine, "_found_missing", lambda self, ref: False)
        scenario = lossy_chain(9, 400_000_000, success=0.369364, seed=seed)
        net = Network.from_scenario(scenario, trace=None)
        net.run_until(scenario["duration_ns"])
    return net


def test_discards_for_pairs_found_missing_are_no_longer_refused(
        monkeypatch: pytest.MonkeyPatch) -> None:
    refused_before = refused_after = 0
    for seed in (1, 2):
        before = _run(monkeypatch, seed, rule=False)
        after = _run(monkeypatch, seed, rule=True)
        refused_before += before.error_counts.get("UNKNOWN_PAIR", 0)
        refused_after += after.error_counts.get("UNKNOWN_PAIR", 0)
        # the refusals were the only difference: the same pairs are delivered
        assert len(after.deliveries) == len(before.deliveries) > 0
        assert not invariants.check(after, settle_ns=invariants.default_settle_ns(after))
    assert refused_before >= 2, "the runs no longer exercise DISCARDs for missed pairs"
    assert refused_after == 0
