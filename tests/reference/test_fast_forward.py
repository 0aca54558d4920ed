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
