"""Fast-forward of failed slots (docs/simulator.md): same protocol, geometric law kept."""

from __future__ import annotations

import itertools
import math
from typing import Any

from qvcp.reference.sim.network import Network


def _two_nodes(p: float, fast: bool) -> dict[str, Any]:
    return {
        "name": "ff", "seed": 5, "options": {"fast_forward": fast},
        "nodes": [{"name": "A", "role": "end", "memory_qubits": 4, "comm_qubits": 2},
                  {"name": "B", "role": "end", "memory_qubits": 4, "comm_qubits": 2}],
        "links": [{"a": "A", "b": "B", "distance_km": 0.01, "model": "werner",
                   "fidelity": 0.99, "success_probability": p, "preparation_ns": 1000}],
        "demands": [{"head": "A", "tail": "B", "num_pairs": 400}],
    }


def test_slots_to_success_follow_the_geometric_law() -> None:
    """Mean slots between link successes is 1/p (closed form) with failures elided."""
    p = 0.05
    net = Network.from_scenario(_two_nodes(p, True))
    slot = net.nodes[1].links[1].slot_ns
    net.run_until(400 * 60 * slot)
    done = net.completed()
    assert len(done) == 400 and not net.check_invariants()
    assert net.elided_slots > 300 * (1 / p - 2)  # most failed slots never became events
    slots = [(b.time_ns - a.time_ns) / slot for a, b in itertools.pairwise(done)]
    mean = sum(slots) / len(slots)
    sd = math.sqrt((1 - p) / p**2 / len(slots))
    assert abs(mean - 1 / p) < 4 * sd


def test_fast_forward_can_be_switched_off() -> None:
    """options.fast_forward false: every slot is simulated (no elided slot), same service."""
    slow = Network.from_scenario(_two_nodes(0.2, False))
    fast = Network.from_scenario(_two_nodes(0.2, True))
    for net in (slow, fast):
        net.run_until(3_000_000)
        assert len(net.completed()) == 400 and not net.check_invariants()
    assert slow.elided_slots == 0 < fast.elided_slots
    assert fast.events < slow.events



def test_idle_rounds_elided_leave_the_run_unchanged(monkeypatch: Any) -> None:
    """Rounds in which an end attempts with ``modes`` 0 (LINK-020) are elided as idle batches
    (docs/simulator.md) without changing anything a run delivers: with only idle batches
    allowed to form, a chain run equals, pair for pair, the same run with fast-forward off
    (the world draws nothing for a round no pair can come of)."""
    from qvcp.reference.sim import fastforward as ff
    from qvcp.reference.sim import network as network_mod
    from qvcp.reference.sim.scenario import load_scenario
    from qvcp.reference.sim.world import STATION_BASE

    idle = []

    def idle_only(net: Any, link: int) -> None:
        st = net.stations.get(STATION_BASE + link)
        if st is None:
            return
        ends = (st.engine.node_a, st.engine.node_b)
        circuits = net.nodes[ends[0]].links[link].circuits
        if any(ff.batch_modes(net, n, link, circuits, extra=True) == 0 for n in ends):
            idle.append(link)
            ff.try_batch(net, link)

    monkeypatch.setattr(network_mod, "try_batch", idle_only)
    runs = {}
    for fast in (False, True):
        sc = load_scenario("schemas/scenarios/chain-3.yaml")
        sc.setdefault("options", {})["fast_forward"] = fast
        net = Network.from_scenario(sc)
        net.run_until(30_000_000)
        assert not net.check_invariants()
        runs[fast] = (net, [(p.time_ns, p.circuit_id, round(p.fidelity, 12))
                            for p in net.completed()])
    (slow, slow_pairs), (fast, fast_pairs) = runs[False], runs[True]
    assert len(slow_pairs) > 20 and idle
    assert fast_pairs == slow_pairs
    assert slow.elided_slots == 0 < fast.elided_slots
    assert fast.events < slow.events
