"""Simulator bookkeeping: transition records are optional (``NodeConfig.record_transitions``,
off when no trace reads them, with the same run either way); per-circuit books stay bounded."""

from __future__ import annotations

import io

from harness import spy_records

from qvcp.reference.engines.base import TransitionRecord
from qvcp.reference.sim.network import Network

SCENARIO = "schemas/scenarios/chain-3.yaml"


def _run(trace: io.StringIO | None) -> tuple[Network, list[TransitionRecord]]:
    net = Network.from_scenario(SCENARIO, seed=4, trace=trace)
    seen = spy_records(net)
    net.run_until(2 * 10**7)
    return net, seen


def test_untraced_run_emits_no_records_and_delivers_the_same_pairs() -> None:
    traced, with_records = _run(io.StringIO())
    plain, without = _run(None)
    assert with_records and not without
    assert all(not e.records_transitions for n in plain.nodes.values() for e in n._engines())
    key = [(d.circuit_id, d.pair_id, d.time_ns, d.fidelity, d.head["bell_state"])
           for d in traced.completed()]
    assert key and key == [(d.circuit_id, d.pair_id, d.time_ns, d.fidelity,
                            d.head["bell_state"]) for d in plain.completed()]
    assert traced.events == plain.events


def test_outcome_duplicate_book_is_bounded_on_long_runs() -> None:
    """The (sender, outcome_seq) book of processed SWAP_OUTCOMEs keeps the latest 8192, so a
    long run does not grow memory per pair."""
    links = [{"a": a, "b": b, "distance_km": 0.01, "model": "werner", "fidelity": 0.99,
              "success_probability": 0.9, "preparation_ns": 1000}
             for a, b in (("A", "R"), ("R", "B"))]
    net = Network.from_scenario({
        "name": "long", "seed": 2, "options": {"slots_per_link": 2},
        "nodes": [{"name": n, "role": r, "memory_qubits": 4, "comm_qubits": 4}
                  for n, r in (("A", "end"), ("R", "router"), ("B", "end"))],
        "links": links, "demands": [{"head": "A", "tail": "B", "num_pairs": 10**6}]})
    net.run_until(7_000 * 1_000)
    ends = [e for n in net.nodes.values() for e in n.dataplane.values()
            if type(e).__name__ == "EndEngine"]
    assert len(net.completed()) > 9_000
    assert ends and all(0 < len(e.seen) <= 8192 for e in ends)
