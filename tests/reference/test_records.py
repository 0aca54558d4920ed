"""Simulator bookkeeping: transition records are optional (``NodeConfig.record_transitions``,
off when no trace reads them, with the same run either way); per-circuit books and the list
of protocol errors stay bounded (errors are all counted); a run leaves the garbage collector
as it found it."""

from __future__ import annotations

import gc
import io
import itertools
import json
from collections import Counter

import pytest
from harness import spy_records

from qvcp.reference.engines.base import TransitionRecord
from qvcp.reference.sim.network import ERRORS_KEPT, Network
from qvcp.reference.sim.summary import print_summary, summarise
from qvcp.schemas import ErrorCode

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


def _mismatch_chain(trace: io.StringIO | None = None) -> Network:
    """A 6-node chain of fast links that loses 2 % of its classical messages: a lost ATTEMPT
    leaves the station one ATTEMPT of a slot (ATTEMPT_MISMATCH, LINK-003.3), so the run
    exchanges many ERRORs."""
    names = [f"N{i}" for i in range(6)]
    return Network.from_scenario({
        "name": "mismatch", "seed": 3, "faults": {"loss": 0.02},
        "nodes": [{"name": x, "role": "end" if i in (0, 5) else "router"}
                  for i, x in enumerate(names)],
        "links": [{"a": a, "b": b, "distance_km": 0.01, "model": "werner", "fidelity": 0.999,
                   "success_probability": 0.5, "preparation_ns": 1000}
                  for a, b in itertools.pairwise(names)],
        "demands": [{"head": "N0", "tail": "N5", "num_pairs": 10**6}]}, trace=trace)


def test_error_counts_match_the_traced_errors_and_the_kept_list_is_bounded() -> None:
    trace = io.StringIO()
    net = _mismatch_chain(trace)
    net.run_until(3_000_000)
    sent = Counter(ErrorCode(r["msg"]["body"]["code"]).name
                   for r in map(json.loads, trace.getvalue().splitlines())
                   if r["ev"] == "send" and r["msg"]["type"] == "ERROR")
    assert sum(sent.values()) > ERRORS_KEPT  # enough to overflow the list
    assert net.error_counts == dict(sent)
    assert len(net.errors) == ERRORS_KEPT
    summary = summarise(net, name="mismatch", sim_ns=3_000_000, wall_s=1.0)
    assert summary["protocol_errors"] == dict(sorted(sent.items()))


def test_the_printed_summary_explains_attempt_mismatches(
        capsys: pytest.CaptureFixture[str]) -> None:
    net = _mismatch_chain()
    net.run_until(3_000_000)
    summary = summarise(net, name="mismatch", sim_ns=3_000_000, wall_s=1.0)
    print_summary(summary)
    out = capsys.readouterr().out
    count = summary["protocol_errors"]["ATTEMPT_MISMATCH"]
    assert f"ATTEMPT_MISMATCH {count}" in out
    assert "one end of a link" in " ".join(out.split()) and "LINK-003" in out
    print_summary({**summary, "protocol_errors": {}})
    assert "ATTEMPT_MISMATCH" not in capsys.readouterr().out


def test_a_run_restores_the_garbage_collector_settings() -> None:
    before = gc.get_threshold(), gc.get_freeze_count(), gc.isenabled()
    net = _mismatch_chain()
    net.run_until(200_000)
    assert (gc.get_threshold(), gc.get_freeze_count(), gc.isenabled()) == before
    gc.disable()
    try:
        net.run_until(400_000)
        assert not gc.isenabled() and gc.get_threshold() == before[0]
    finally:
        gc.enable()


def test_a_run_needs_no_generational_gc(monkeypatch: pytest.MonkeyPatch) -> None:
    """On an interpreter whose ``gc`` lacks CPython's thresholds and freezing (PyPy), a run
    goes ahead with the collector as it is, instead of failing on the missing functions."""
    import qvcp.reference.sim.network as network

    class PlainGC:  # only what PyPy's gc module shares with CPython's
        isenabled = staticmethod(gc.isenabled)
        collect = staticmethod(gc.collect)

    monkeypatch.setattr(network, "gc", PlainGC)
    net = _mismatch_chain()
    net.run_until(200_000)
    assert net.events > 0


def test_every_counted_timer_event_finds_a_due_timer() -> None:
    """A timer event whose actor has since disarmed every timer (a station whose match window
    closed when the second ATTEMPT arrived) is dropped, neither processed nor counted: each
    timer event that reaches an actor finds at least one timer due, and the events counted
    are exactly the messages received plus those timer events."""
    net = Network.from_scenario(SCENARIO, seed=4)
    calls: Counter[str] = Counter()

    def spy(actor: object) -> None:
        on_timer = actor.on_timer  # type: ignore[attr-defined]

        def wrapped(now: int) -> list[object]:
            due = actor.next_deadline()  # type: ignore[attr-defined]
            calls["timer"] += 1
            calls["empty"] += due is None or due > now
            return on_timer(now)
        actor.on_timer = wrapped  # type: ignore[attr-defined]

        receive = actor.receive  # type: ignore[attr-defined]

        def counted(now: int, msg: dict) -> list[object]:  # type: ignore[type-arg]
            calls["message"] += 1
            return receive(now, msg)
        actor.receive = counted  # type: ignore[attr-defined]

    for actor in itertools.chain(net.nodes.values(), net.stations.values()):
        spy(actor)
    net.run_until(2 * 10**7)
    assert len(net.completed()) > 10
    assert calls["timer"] > 100 and calls["empty"] == 0
    assert net.events == calls["timer"] + calls["message"]
