"""Link-level distillation with scripted devices (chapter 04 section 5, FWD-005.1, FWD-006).

Chain 1 - 2 - 3 (end, router, end). The tail end's CONFIRM is rewritten in transit to add a
link-level DISTIL rule (``peer_link`` = ``match_link`` = 1) at nodes 1 and 2, as a tail end of
another implementation may configure it: link 1's pairs are distilled between node 1 (the
link's head-side node, which leads) and node 2 before node 2 swaps them with link 2's.
Heralds are scripted per link as ``PSI_PLUS``; distillation bits come from the scripts.
"""

from __future__ import annotations

from collections import deque
from typing import Any

import pytest
from harness import Harness

from qvcp.reference.engines import events as ev
from qvcp.schemas import ErrorCode

CID = 1 << 16 | 1


def _with_link_distil(rounds: int) -> Any:
    def rewrite(msg: dict[str, Any]) -> dict[str, Any]:
        if msg["type"] != "CONFIRM" or msg["destination"] != 2:
            return msg
        extra = [{"node": n, "match_circuit": CID, "match_link": 1, "action": "DISTIL",
                  "peer_link": 1, "cutoff_ns": 0, "distil_protocol": "DEJMPS",
                  "distil_rounds": rounds, "endpoint": 0} for n in (1, 2)]
        return {**msg, "body": {**msg["body"], "rules": msg["body"]["rules"] + extra}}
    return rewrite


def _run(*, rounds: int = 1, link1: int = 2, link2: int = 1, bits1: tuple[int, ...] = (),
         bits2: tuple[int, ...] = (), until: int = 40_000, memory: int = 6) -> Harness:
    h = Harness(["end", "router", "end"], memory=memory, comm_qubits=4)
    h.rewrite = _with_link_distil(rounds)
    h.resolve_by_link[1] = deque([1] * link1)
    h.resolve_by_link[2] = deque([1] * link2)
    h.devices[1].distil_results = deque(bits1)
    h.devices[2].distil_results = deque(bits2)
    h.open(1, 3, num_pairs=1)
    h.run(until)
    return h


def _calls(h: Harness, node: int, name: str) -> list[dict[str, Any]]:
    return [c for n, c in h.devices[node].calls if n == name]


def test_a_successful_round_comes_before_the_swap_and_the_kept_pair_is_delivered() -> None:
    """FWD-006/FWD-005.1: node 1 leads round 1 on link 1 (TRK-027.1), node 2 answers
    (TRK-027.2), and only then swaps the kept pair (TRK-022: the smaller seq) with link 2's;
    node 2, the higher id, corrects the frame (TRK-021); both ends deliver the same pair id and
    Bell state."""
    h = _run()
    (lead,) = h.sent_of("DISTIL_OUTCOME", 1, 2)
    (answer,) = h.sent_of("DISTIL_OUTCOME", 2, 1)
    assert lead["body"]["round"] == answer["body"]["round"] == 1
    assert lead["body"]["kept"] == answer["body"]["kept"] == {"link_id": 1, "seq": 1}
    assert lead["body"]["sacrificed"] == {"link_id": 1, "seq": 2}
    assert _calls(h, 1, "distil")[0]["frame"] == (0, 0)
    assert _calls(h, 2, "distil")[0]["frame"] == (1, 1)
    names = [n for n, _ in h.devices[2].calls if n in ("distil", "bsm")]
    assert names == ["distil", "bsm"]  # no swap while the DISTIL rule still applies
    deliveries = [h.app_of(n, "PAIR_DELIVERY")[0]["body"] for n in (1, 3)]
    assert deliveries[0]["pair_id"] == deliveries[1]["pair_id"] == 1 << 16 | 1
    # kept PHI_PLUS after the round, link 2 PSI_PLUS, BSM PHI_PLUS: PSI_PLUS end to end
    assert {d["bell_state"] for d in deliveries} == {"PSI_PLUS"}
    assert not h.errors() and not h.sent_of("DISCARD")
    assert not h.sent_of("DISTIL_OUTCOME", 3) and not h.sent_of("DISTIL_OUTCOME", 2, 3)


def test_a_failed_round_discards_the_kept_pair_at_both_nodes_and_nothing_is_swapped() -> None:
    """TRK-020.3, TRK-020.4: different bits -> the kept pair is discarded at nodes 1 and 2
    without DISCARD, the sacrificed one is already freed; node 2 has nothing of link 1 to swap."""
    h = _run(bits2=(1,))
    assert len(h.sent_of("DISTIL_OUTCOME")) == 2
    assert not _calls(h, 2, "bsm")
    assert not h.app_of(1, "PAIR_DELIVERY") and not h.app_of(3, "PAIR_DELIVERY")
    assert not h.sent_of("DISCARD") and not h.errors()
    assert not h.nodes[1].dataplane[CID].held
    assert [r.side for r in h.nodes[2].dataplane[CID].held.values()] == ["tail"]


def test_two_rounds_before_the_swap() -> None:
    """Four link-1 pairs: two round-1 outcomes, then round 2 on their kept pairs; one swap."""
    h = _run(rounds=2, link1=4, memory=8, until=60_000)
    assert [m["body"]["round"] for m in h.sent_of("DISTIL_OUTCOME", 1, 2)] == [1, 1, 2]
    assert [m["body"]["round"] for m in h.sent_of("DISTIL_OUTCOME", 2, 1)] == [1, 1, 2]
    assert len(_calls(h, 2, "bsm")) == 1
    assert len(h.app_of(1, "PAIR_DELIVERY")) == len(h.app_of(3, "PAIR_DELIVERY")) == 1


def _outcome(**kw: Any) -> dict[str, Any]:
    return {"circuit_id": CID, "round": 1, "kept": {"link_id": 1, "seq": 1},
            "sacrificed": {"link_id": 1, "seq": 2}, "outcome": 0, **kw}


def test_a_distil_outcome_from_a_node_that_is_not_the_neighbour_is_a_mismatch() -> None:
    """TRK-005.4: node 3 does not hold link 1's pairs -> PAIR_STATE_MISMATCH at node 2; a
    reference to no pair -> UNKNOWN_PAIR (TRK-004)."""
    h = _run(link1=1, link2=0, until=5_000)
    assert h.nodes[2].dataplane[CID].state.name == "DISTILLING"
    h.inject(2, "DISTIL_OUTCOME", _outcome(), source=3)
    assert h.errors()[-1]["body"]["code"] == ErrorCode.PAIR_STATE_MISMATCH
    h.inject(2, "DISTIL_OUTCOME", _outcome(kept={"link_id": 1, "seq": 9}), source=1)
    assert h.errors()[-1]["body"]["code"] == ErrorCode.UNKNOWN_PAIR
    assert h.errors()[-1]["body"]["field"] == "body.kept"


def _stray(h: Harness, state: str) -> None:
    """A DISTIL_OUTCOME naming pairs already gone is dropped without an ERROR."""
    swap = h.nodes[2].dataplane[CID]
    assert swap.state.name == state
    n = len(h.errors())
    h.inject(2, "DISTIL_OUTCOME", _outcome(), source=1)
    assert len(h.errors()) == n
    assert h.taken("swap", state, "DistilOutcome")


def test_stray_outcome_when_nothing_is_held() -> None:
    _stray(_run(bits2=(1,), link2=0), "EMPTY")


def test_stray_outcome_holding_a_tail_side_pair() -> None:
    _stray(_run(bits2=(1,)), "HOLD_TAIL")


def test_stray_outcome_holding_a_distilled_head_side_pair() -> None:
    """After a successful round the kept pair waits for link 2 (HOLD_HEAD)."""
    h = _run(link2=0)
    assert len(h.nodes[2].dataplane[CID].held) == 1
    _stray(h, "HOLD_HEAD")


def test_stray_outcome_after_teardown() -> None:
    h = _run(bits2=(1,), link2=0)
    h.internal(2, ev.CloseCircuit(circuit_id=CID))
    _stray(h, "CLOSED")


def _stalled(**kw: Any) -> Harness:
    """Node 2 holds link 1's two pairs in distillation: node 1's DISTIL_OUTCOME is lost."""
    h = Harness(["end", "router", "end"], memory=6, comm_qubits=4, **kw)
    h.rewrite = _with_link_distil(1)
    h.drop = lambda m: m["type"] == "DISTIL_OUTCOME" and m["destination"] == 2
    h.resolve_by_link[1] = deque([1, 1])
    h.resolve_by_link[2] = deque()
    h.open(1, 3, num_pairs=1)
    h.run(2_500)
    assert h.nodes[2].dataplane[CID].state.name == "DISTILLING"
    assert len(h.lost) == 1
    return h


def test_distilling_pairs_are_freed_by_teardown_discard_expiry_and_cutoff() -> None:
    """While node 2 distils: a SWAP_OUTCOME naming no qubit is UNKNOWN_PAIR (TRK-004); a
    DISCARD or an EXPIRE from node 1 frees the pair (TRK-012.1, LINK-011.1); teardown frees the
    rest (SIG-030)."""
    h = _stalled()
    swap = h.nodes[2].dataplane[CID]
    h.inject(2, "SWAP_OUTCOME", {"circuit_id": CID, "outcome_seq": 0,
                                 "left": {"link_id": 1, "seq": 9},
                                 "right": {"link_id": 2, "seq": 9}, "bsm_result": "PHI_PLUS",
                                 "bell_index": "PHI_PLUS", "new_partner": 1}, source=3)
    assert h.errors()[-1]["body"]["code"] == ErrorCode.UNKNOWN_PAIR
    h.inject(2, "DISCARD", {"circuit_id": CID, "pair": {"link_id": 1, "seq": 1},
                            "reason": "CUTOFF"}, source=1)
    assert (1, 1) not in swap.held and all(not s.pending for s in swap.scopes)
    assert swap.state.name == "DISTILLING"  # (1, 2) is still in the scope
    h.inject(2, "EXPIRE", {"link_id": 1, "first_seq": 2, "last_seq": 2}, source=1)
    assert not swap.held and swap.state.name == "EMPTY"
    h2 = _stalled()
    h2.internal(2, ev.CloseCircuit(circuit_id=CID))
    assert h2.taken("swap", "DISTILLING", "CloseCircuit")
    assert not h2.nodes[2].dataplane[CID].held
    for taken in (("DISTILLING", "SwapOutcome"), ("DISTILLING", "Discard"),
                  ("DISTILLING", "PeerExpired")):
        assert h.taken("swap", *taken), taken


def test_a_distilling_pair_reaches_its_cutoff() -> None:
    """TRK-011.1 under distillation: the pair is discarded and its partner told."""
    h = _stalled(cutoff_ns=3_000)
    h.run(6_000)
    assert h.taken("swap", "DISTILLING", "CutoffTimer")
    assert sorted(m["body"]["pair"]["seq"] for m in h.sent_of("DISCARD", 2, 1)) == [1, 2]
    assert not h.nodes[1].dataplane[CID].held  # node 1's kept pair: its sacrifice was lost
    assert not h.nodes[2].dataplane[CID].held


# -- in the simulator: the delivered fidelity against the closed form ------------------------

def test_simulated_chain_with_link_level_rounds_delivers_the_closed_form_fidelity(
        monkeypatch: Any) -> None:
    """Both links of a 3-node chain of Werner links (F = 0.9; ideal memories and gates, no
    decoherence) distil one DEJMPS round at link level, then the router swaps the kept pairs.
    Each link's output is the Deutsch et al. closed form (``deutsch``, written independently
    of the noise core in ``test_distil_sim``) of two Werner pairs, and a swap of two
    Bell-diagonal pairs p, q is the tracked state with probability sum_a p_a q_a: every
    delivered pair has that true fidelity, both ends agree, and it beats the plain chain's
    1/4 + 3/4 w^2."""
    from test_distil_sim import deutsch, werner

    from qvcp.reference.engines import signalling
    from qvcp.reference.sim.network import Network

    plain = signalling.baseline_rules

    def with_link_rounds(cid: int, route: Any, links: Any, **kw: Any) -> list[dict[str, Any]]:
        rules = plain(cid, route, links, **kw)
        for a, b, link in zip(route, route[1:], links, strict=False):
            rules += [{"node": n, "match_circuit": cid, "match_link": link, "action": "DISTIL",
                       "peer_link": link, "cutoff_ns": 0, "distil_protocol": "DEJMPS",
                       "distil_rounds": 1, "endpoint": 0} for n in (a, b)]
        return rules

    monkeypatch.setattr(signalling, "baseline_rules", with_link_rounds)
    link = {"distance_km": 1, "model": "werner", "fidelity": 0.9, "success_probability": 0.3,
            "preparation_ns": 1000}
    doc = {"name": "link-distil", "seed": 5, "duration_ns": 50_000_000,
           "options": {"slots_per_link": 2, "measure_basis": "none"},
           "nodes": [{"name": n, "role": r, "profile": "ideal", "memory_qubits": 8,
                      "comm_qubits": 4} for n, r in (("A", "end"), ("R", "router"),
                                                     ("B", "end"))],
           "links": [{"a": "A", "b": "R", **link}, {"a": "R", "b": "B", **link}],
           "demands": [{"head": "A", "tail": "B", "num_pairs": 40, "min_fidelity": 0.5}]}
    net = Network.from_scenario(doc, strict=True)
    net.run_until(doc["duration_ns"])
    done = net.completed()
    assert len(done) == 40 and net.check_invariants() == []
    _, p = deutsch(werner(0.9), werner(0.9))
    want = sum(x * x for x in p)
    w = (4 * 0.9 - 1) / 3
    assert want > 0.25 + 0.75 * w * w + 0.04  # 0.863 against 0.813
    for d in done:
        assert d.fidelity == pytest.approx(want, abs=1e-9)
    assert not {"PAIR_STATE_MISMATCH", "UNKNOWN_PAIR"} & set(net.error_counts), net.error_counts
