"""Distillation in the simulator: DEJMPS closed form and the chain-distil scenario.

The closed form is written here independently of the noise core (Deutsch et al., PRL 77,
2818 (1996)): with A, B, C, D the weights of PHI+, PSI-, PSI+, PHI- of both inputs,
N = (A1+B1)(A2+B2) + (C1+D1)(C2+D2), A' = (A1 A2 + B1 B2)/N, B' = (C1 D2 + D1 C2)/N,
C' = (C1 C2 + D1 D2)/N, D' = (A1 B2 + B1 A2)/N, success probability N.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from qvcp.reference.sim.network import Network
from qvcp.reference.sim.scenario import load_scenario
from qvcp.reference.sim.world import Pair, World

SCEN = Path(__file__).parents[2] / "schemas" / "scenarios" / "chain-distil.yaml"


def deutsch(w1: list[float], w2: list[float]) -> tuple[float, list[float]]:
    """(success probability, output weights in code order PHI+, PSI+, PHI-, PSI-)."""
    a1, c1, d1, b1 = w1  # code order: PHI+ (A), PSI+ (C), PHI- (D), PSI- (B)
    a2, c2, d2, b2 = w2
    n = (a1 + b1) * (a2 + b2) + (c1 + d1) * (c2 + d2)
    a = (a1 * a2 + b1 * b2) / n
    b = (c1 * d2 + d1 * c2) / n
    c = (c1 * c2 + d1 * d2) / n
    d = (a1 * b2 + b1 * a2) / n
    return n, [a, c, d, b]


def werner(f: float) -> list[float]:
    return [f, (1 - f) / 3, (1 - f) / 3, (1 - f) / 3]


def _round(world: World, w1: list[float], w2: list[float], frame: int = 0
           ) -> tuple[bool, np.ndarray]:
    """Two pairs between nodes 1 and 2 (handles 0 kept, 1 sacrificed), in Bell frame
    ``frame``; node 1 acts first, node 2 (higher id) corrects the frame (TRK-021)."""
    perm = [b ^ frame for b in range(4)]
    kept = Pair(np.asarray(w1, dtype=float)[perm], 0, [(1, 0), (2, 0)])
    sac = Pair(np.asarray(w2, dtype=float)[perm], 0, [(1, 1), (2, 1)])
    world.pairs.update({(1, 0): kept, (2, 0): kept, (1, 1): sac, (2, 1): sac})
    b1 = world.distil(1, 0, 1, "DEJMPS", 0)
    b2 = world.distil(2, 0, 1, "DEJMPS", 0, frame=(frame, frame))
    for q in ((1, 0), (2, 0), (1, 1), (2, 1)):
        world.pairs.pop(q, None)
    return b1 == b2, kept.weights


@pytest.mark.parametrize("w1,w2,frame", [
    (werner(0.8), werner(0.8), 0),
    (werner(0.7), werner(0.9), 1),
    ([0.75, 0.05, 0.15, 0.05], [0.75, 0.05, 0.15, 0.05], 3),  # non-Werner, Z-heavy
    ([0.6, 0.1, 0.1, 0.2], [0.8, 0.05, 0.1, 0.05], 2),        # non-Werner, PSI- heavy
])
def test_sim_device_matches_deutsch_closed_form(w1: list[float], w2: list[float],
                                                frame: int) -> None:
    """TRK-020.2, TRK-021: the simulator's bilateral round has the DEJMPS success probability and,
    on success, the output state of the closed form (PHI_PLUS fidelity A'), in any frame."""
    seed = 20240601
    world = World(np.random.default_rng(seed))
    n, out = deutsch(w1, w2)
    trials, ok = 4000, 0
    for _ in range(trials):
        success, weights = _round(world, w1, w2, frame)
        if success:
            ok += 1
            assert np.allclose(weights, out, atol=1e-12), (seed, weights, out)
    sigma = (n * (1 - n) / trials) ** 0.5
    assert abs(ok / trials - n) < 4 * sigma + 1e-9, (seed, ok / trials, n)


def test_first_bit_is_uniform() -> None:
    """A Bell-diagonal pair's local marginals are maximally mixed: the first bit is fair."""
    world = World(np.random.default_rng(3))
    bits = []
    for _ in range(2000):
        kept = Pair(np.asarray(werner(0.9)), 0, [(1, 0), (2, 0)])
        sac = Pair(np.asarray(werner(0.9)), 0, [(1, 1), (2, 1)])
        world.pairs.update({(1, 0): kept, (2, 0): kept, (1, 1): sac, (2, 1): sac})
        bits.append(world.distil(1, 0, 1, "DEJMPS", 0))
        world.distil(2, 0, 1, "DEJMPS", 0)
    assert abs(np.mean(bits) - 0.5) < 0.05


def _run(min_fidelity: float | None = None, *, max_rounds: int | None = None,
         num_pairs: int = 60) -> Network:
    doc = dict(load_scenario(SCEN))
    doc["demands"] = []  # the scenario's demand is reopened below with the test's minimum
    net = Network.from_scenario(doc, strict=True)
    if max_rounds is not None:
        b = net.node_id("B")
        net.nodes[b].config = dataclasses.replace(net.nodes[b].config,
                                                  max_distil_rounds=max_rounds)
    req = net.open_circuit("A", "B", num_pairs=num_pairs,
                           min_fidelity=0.85 if min_fidelity is None else min_fidelity,
                           min_rate=10)
    assert req
    net.run_until(10**8)
    return net


def test_chain_distil_meets_min_fidelity_above_plain_chain() -> None:
    """SIG-040.1, SIG-043.1, DLV-022.2: the plain chain falls short of 0.85, admission configures
    DEJMPS, every delivered pair's true fidelity meets the request and beats the plain chain;
    without distillation the demand is refused with FIDELITY_UNREACHABLE."""
    net = _run()
    done = net.completed()
    assert len(done) == 60 and net.check_invariants() == []
    fids = [d.fidelity for d in done]
    assert min(fids) >= 0.85
    assert {d.head["bell_state"] for d in done} == {"PHI_PLUS"}
    assert all(d.head["fidelity_estimate"] / 65535 <= d.fidelity for d in done)  # lower bound
    assert all(d.head["fidelity_estimate"] / 65535 >= 0.85 for d in done)
    plain = _run(0.0)
    pf = [d.fidelity for d in plain.completed()]
    assert len(pf) == 60 and max(pf) < 0.85
    assert np.mean(fids) > np.mean(pf) + 0.1
    refused = _run(max_rounds=0)
    assert not refused.completed()
    assert any(r.get("reason") == "FIDELITY_UNREACHABLE" or "FIDELITY" in str(r)
               for r in refused.rejects), refused.rejects
