"""Two-link swap-asap chain with a memory cut-off against the model of B. Li, T. Coopmans,
D. Elkouss, "Efficient optimization of cut-offs in quantum repeater chains", IEEE Trans.
Quantum Eng. 2 (2021), written here as an exact Markov chain (nothing from the simulator or from
``qvcp.reference.admission``).

Model (discrete attempt slots of length S): each link without a pair attempts every slot and
succeeds with probability p; a pair that waits for the other link is discarded when it has
waited ``tau`` slots (a pair of the other link made in one of the ``tau`` slots after it is
swapped with it; after a discard the link attempts again from the next slot); after a swap
both links attempt again. Slots until a delivery, from both links empty:

    E = 1 + 2pq H_1 + q² E,   H_j = 1 + q H_(j+1) (j < tau),   H_tau = 1 + q E,   q = 1 − p,

so ``E = [1 + 2q(1 − q^tau)] / [1 − q² − 2pq q^tau]``, ``(3 − 2p)/(p(2 − p))`` for
``tau → ∞``. The pair delivered after an age difference of ``Δ`` slots (``P(Δ = 0) ∝ p²``,
``P(Δ = j) ∝ 2pq q^(j−1) p`` for ``1 ≤ j ≤ tau``) had its two qubits stored ``ΔS`` longer
than the other pair's; with Werner links of parameter ``w``, pure dephasing (``T1 = ∞``,
each stored qubit's coherence decays as ``e^(−t/T2)``, Z errors compose by XOR) and a perfect
swap, ``F(Δ) = F12 − (1 − e^(−Σt/T2)) w²/2`` with ``F12 = (1 + 3w²)/4`` and ``Σt`` the total
storage time of all four qubits, ``2ΔS`` in the slot model.

Classical latency (not in the paper's model, which counts slots): the station's herald
reaches the router ``h`` after the slot starts and the swap outcome reaches the ends ``d``
after the swap, so every delivered pair is stored ``4h + 2d`` longer in all (the router's two
qubits ``h`` each, the ends' ``h + d`` each), and an end's cut-off, counted from the pair's
creation, expires before the swap outcome arrives when ``ΔS + h + d`` reaches the cut-off:
only ``Δ ≤ tau_eff`` deliver; a longer wait consumes both pairs and delivers nothing. The
chain with that loss, restarting from empty either at once or one slot later (the far end
learns of the expiry one message later), brackets the waiting time.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from harness import werner_chain

from qvcp.reference.sim.linkmodel import NS_PER_KM
from qvcp.reference.sim.network import Network

P, PREP, TAU, T2, F_LINK = 0.2, 10_000, 4, 300e-6, 0.95


def slots_per_delivery(p: float, tau: int, tau_eff: int, restart: int = 0) -> float:
    """E of the chain above; a swap after ``j > tau_eff`` slots delivers nothing and costs
    ``restart`` extra slots before both links attempt again."""
    q = 1 - p
    n = tau + 1  # unknowns E, H_1 .. H_tau
    a, b = np.eye(n), np.ones(n)
    a[0, 0] -= q * q
    a[0, 1] -= 2 * p * q
    for j in range(1, n):
        if j > tau_eff:
            a[j, 0] -= p
            b[j] += p * restart
        a[j, j + 1 if j < tau else 0] -= q
    return float(np.linalg.solve(a, b)[0])


def delta_law(p: float, tau_eff: int) -> np.ndarray:
    """P(Δ = j | delivered), j = 0 .. tau_eff."""
    q = 1 - p
    law = np.array([p * p] + [2 * p * q * q ** (j - 1) * p for j in range(1, tau_eff + 1)])
    return law / law.sum()


def fidelity(delta: int, slot_ns: float, extra_ns: float) -> float:
    w = (4 * F_LINK - 1) / 3
    f12 = (1 + 3 * w * w) / 4
    storage = (2 * delta * slot_ns + extra_ns) * 1e-9
    return f12 - (1 - math.exp(-storage / T2)) * w * w / 2


def run(km: float, cutoff_ns: int, num_pairs: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    scen = werner_chain(2, p=P, fidelity=F_LINK, prep=PREP, km=km, num_pairs=num_pairs,
                        seed=seed, options={"cutoff_ns": cutoff_ns})
    for node in scen["nodes"]:
        node["t2_s"] = T2
    net = Network.from_scenario(scen)
    net.run_until(10**10)
    done = net.completed()
    return (np.array([d.time_ns for d in done]), np.array([d.fidelity for d in done]))


def test_closed_form_and_no_cutoff_limit() -> None:
    q = 1 - P
    closed = (1 + 2 * q * (1 - q**TAU)) / (1 - q * q - 2 * P * q * q**TAU)
    assert slots_per_delivery(P, TAU, TAU) == pytest.approx(closed, abs=1e-12)
    assert slots_per_delivery(P, 400, 400) == pytest.approx((3 - 2 * P) / (P * (2 - P)),
                                                            abs=1e-10)


def test_waiting_time_and_fidelity_with_cutoff() -> None:
    """No fibre: the simulator is the slot model (deliveries at slot starts); mean slots
    between deliveries and mean delivered fidelity within 3 standard errors, and every
    delivered fidelity one of the model's F(Δ) to 1e-9."""
    seed, n = 20261206, 3000
    print(f"seed={seed}")
    times, fids = run(0.0, int((TAU + 0.5) * PREP), n, seed)
    assert len(times) == n and np.all(times % PREP == 0)
    gaps = np.diff(times) / PREP
    want = slots_per_delivery(P, TAU, TAU)
    se = gaps.std(ddof=1) / math.sqrt(len(gaps))
    assert abs(gaps.mean() - want) < 3 * se, (gaps.mean(), want, se)
    # the cut-off matters: the chain without one waits (3 - 2p)/(p(2 - p)) slots
    assert want - (3 - 2 * P) / (P * (2 - P)) > 6 * se
    levels = np.array([fidelity(j, PREP, 0.0) for j in range(TAU + 1)])
    assert np.all(np.min(np.abs(fids[:, None] - levels[None, :]), axis=1) < 1e-9)
    mean_f = float(delta_law(P, TAU) @ levels)
    se_f = fids.std(ddof=1) / math.sqrt(len(fids))
    assert abs(fids.mean() - mean_f) < 3 * se_f, (fids.mean(), mean_f, se_f)


def test_classical_latency_bounds() -> None:
    """1 km links: h = the round trip to the station, d = the router-to-end delay. Every
    delivered fidelity is the slot model's F(Δ) with 4h + 2d more storage; the waiting time
    lies between the two latency chains and well above the slot model's."""
    km, seed, n = 1.0, 7, 2500
    slot = PREP + math.ceil(km * NS_PER_KM)
    cutoff = int((TAU + 0.5) * slot)
    h = 2 * round(km / 2 * NS_PER_KM)
    d = round(km * NS_PER_KM)
    tau_eff = max(j for j in range(TAU + 1) if j * slot + h + d < cutoff)
    assert tau_eff == TAU - 1
    times, fids = run(km, cutoff, n, seed)
    assert np.all(times % slot == h + d)
    levels = np.array([fidelity(j, slot, 4 * h + 2 * d) for j in range(tau_eff + 1)])
    assert np.all(np.min(np.abs(fids[:, None] - levels[None, :]), axis=1) < 1e-9)
    mean_f = float(delta_law(P, tau_eff) @ levels)
    se_f = fids.std(ddof=1) / math.sqrt(len(fids))
    assert abs(fids.mean() - mean_f) < 3 * se_f
    slot_model = float(delta_law(P, TAU) @ [fidelity(j, slot, 0.0) for j in range(TAU + 1)])
    assert slot_model - fids.mean() > 10 * se_f  # the latency's cost is visible
    gaps = np.diff(times) / slot
    se = gaps.std(ddof=1) / math.sqrt(len(gaps))
    low, high = (slots_per_delivery(P, TAU, tau_eff, r) for r in (0, 1))
    assert low - 3 * se < gaps.mean() < high + 3 * se, (gaps.mean(), low, high, se)
    assert gaps.mean() - slots_per_delivery(P, TAU, TAU) > 3 * se
