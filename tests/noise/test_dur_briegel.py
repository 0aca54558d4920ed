"""Reproduction of the nested purification repeater of W. Dür, H.-J. Briegel, J. I. Cirac,
P. Zoller, PRA 59, 169 (1999) ("Quantum repeaters based on entanglement purification"; also
Briegel et al., PRL 81, 5932 (1998)) with the noise core's maps.

The oracle is the paper's model written out here, in the paper's labels (no noise-core code):

* imperfect operations: a two-qubit gate is ``ρ → p UρU† + (1 − p)/4 I ⊗ tr ρ`` on its two
  qubits, a measurement reports the right bit with probability ``η``;
* connection (entanglement swapping) of two Werner pairs of parameters ``w1``, ``w2``
  (``w = (4F − 1)/3``): ``w' = p (4η² − 1)/3 · w1 w2``, so ``N`` Werner links connected give
  ``F_N = 1/4 + 3/4 (p (4η² − 1)/3)^(N−1) w^N``; for Bell-diagonal pairs, the XOR
  convolution of the two pairs' weights and of the readout errors
  ``(η², η(1−η), η(1−η), (1−η)²)``, times ``p``, plus ``(1 − p)/4``;
* DEJMPS purification with ``A, B, C, D`` the weights of ``Φ+, Ψ−, Ψ+, Φ−``,
  ``g0 = η² + (1−η)²``, ``g1 = 2η(1−η)``:
  ``A' = [g0 (A² + B²) + g1 (AC + BD) + (1 − p²)/(8p²)] / N``,
  ``B' = [g0 2CD + g1 (CB + DA) + …]``, ``C' = [g0 (C² + D²) + g1 (CA + DB) + …]``,
  ``D' = [g0 2AB + g1 (AD + BC) + …]``,
  ``N = g0 [(A+B)² + (C+D)²] + 2 g1 (A+B)(C+D) + (1 − p²)/(2p²)``, success probability
  ``p² N``.

Printed threshold values of the paper were not available to this test; the qualitative
results (a fixed point ``F_max(p, η) < 1`` rising to 1 with ``p``, a threshold in ``p``
below which purification fails, a nested repeater whose fidelity does not decay with the
number of links) are checked, and the threshold is computed from the recursion.
"""

from __future__ import annotations

import numpy as np
import pytest

from qvcp.reference import noise as nz

Labels = tuple[float, float, float, float]  # (A, B, C, D) = (Φ+, Ψ−, Ψ+, Φ−)


def labels(w: np.ndarray) -> Labels:
    """Bell-diagonal weights [Φ+, Ψ+, Φ−, Ψ−] as the paper's (A, B, C, D)."""
    return float(w[0]), float(w[3]), float(w[1]), float(w[2])


def dejmps(x: Labels, y: Labels, p: float, eta: float) -> tuple[Labels, float]:
    """The paper's DEJMPS step with imperfect operations: output labels and success
    probability (``x`` kept, ``y`` sacrificed)."""
    a1, b1, c1, d1 = x
    a2, b2, c2, d2 = y
    g0, g1 = eta**2 + (1 - eta) ** 2, 2 * eta * (1 - eta)
    noise = (1 - p * p) / (8 * p * p)
    a = g0 * (a1 * a2 + b1 * b2) + g1 * (a1 * c2 + b1 * d2) + noise
    b = g0 * (c1 * d2 + d1 * c2) + g1 * (c1 * b2 + d1 * a2) + noise
    c = g0 * (c1 * c2 + d1 * d2) + g1 * (c1 * a2 + d1 * b2) + noise
    d = g0 * (a1 * b2 + b1 * a2) + g1 * (a1 * d2 + b1 * c2) + noise
    n = a + b + c + d
    return (a / n, b / n, c / n, d / n), p * p * n


def connect(x: Labels, y: Labels, p: float, eta: float) -> Labels:
    """Connection of two Bell-diagonal pairs, frame corrected, in labels: Bell index
    ``k = 2z + x`` composes by XOR (A = 0, C = 1, D = 2, B = 3)."""
    idx = {0: 0, 1: 3, 2: 1, 3: 2}  # label position -> Bell index
    err = (eta**2, eta * (1 - eta), eta * (1 - eta), (1 - eta) ** 2)
    out = [0.0] * 4
    for i, u in enumerate(x):
        for j, v in enumerate(y):
            for e, pe in enumerate(err):
                out[idx[i] ^ idx[j] ^ e] += u * v * pe
    full = [p * o + (1 - p) / 4 for o in out]
    return full[0], full[3], full[1], full[2]


def werner_chain(f: float, n: int, p: float, eta: float) -> float:
    """The paper's fidelity of ``n`` Werner links connected without purification."""
    w = (4 * f - 1) / 3
    return 1 / 4 + 3 / 4 * (p * (4 * eta**2 - 1) / 3) ** (n - 1) * w**n


@pytest.mark.parametrize(("p", "eta"), [(1.0, 1.0), (0.99, 0.98), (0.95, 1.0), (0.9, 0.9)])
def test_connection_of_werner_pairs(p, eta) -> None:
    for f1, f2 in ((0.9, 0.8), (0.99, 0.7), (0.6, 0.6)):
        got = nz.swap_bd(nz.werner_bd(f1), nz.werner_bd(f2), p=p, eta=eta).corrected
        w = p * (4 * eta**2 - 1) / 3 * (4 * f1 - 1) / 3 * (4 * f2 - 1) / 3
        assert got[0] == pytest.approx((1 + 3 * w) / 4, abs=1e-12)
        if eta == 1.0:  # readout errors alone are not isotropic: Werner only without them
            np.testing.assert_allclose(got, nz.werner_bd((1 + 3 * w) / 4), atol=1e-12)
    # a chain of N links connected one after the other (each intermediate pair depolarised
    # to Werner form, as the paper's formula assumes: readout errors are not isotropic)
    for n in (2, 3, 5, 8):
        pair = nz.werner_bd(0.95)
        for _ in range(n - 1):
            pair = nz.swap_bd(nz.werner_twirl_bd(pair), nz.werner_bd(0.95), p=p,
                              eta=eta).corrected
        assert pair[0] == pytest.approx(werner_chain(0.95, n, p, eta), abs=1e-12)


@pytest.mark.parametrize(("p", "eta"), [(1.0, 1.0), (0.99, 0.99), (0.97, 0.995), (0.9, 0.8)])
def test_dejmps_with_imperfect_operations(p, eta) -> None:
    rng = np.random.default_rng(5)
    for _ in range(20):
        w1, w2 = rng.dirichlet(np.ones(4)), rng.dirichlet(np.ones(4))
        res = nz.dejmps_bd(w1, w2, p=p, eta=eta)
        want, prob = dejmps(labels(w1), labels(w2), p, eta)
        assert float(res.success_probability) == pytest.approx(prob, abs=1e-12)
        np.testing.assert_allclose(labels(res.state), want, atol=1e-12)
        x, y = labels(w1), labels(w2)
        np.testing.assert_allclose(
            labels(nz.swap_bd(w1, w2, p=p, eta=eta).corrected), connect(x, y, p, eta),
            atol=1e-12)


def fixed_point(p: float, eta: float, f0: float = 0.99, rounds: int = 3000) -> float:
    """The oracle's symmetric DEJMPS recursion (two copies of the current pair) from a
    Werner pair of fidelity ``f0``, iterated to its fixed point."""
    e = (1 - f0) / 3
    x: Labels = (f0, e, e, e)
    for _ in range(rounds):
        x, _ = dejmps(x, x, p, eta)
    return x[0]


def test_fixed_point_fidelity_f_max() -> None:
    """F_max(p, η) < 1 for imperfect operations, 1 for perfect ones, rising with p and η;
    the noise core iterated reaches the oracle's fixed point."""
    assert fixed_point(1.0, 1.0) == pytest.approx(1.0, abs=1e-10)
    previous = 0.5
    for p in (0.95, 0.97, 0.98, 0.99, 0.995, 0.999):
        f_max = fixed_point(p, p)
        assert previous < f_max < 1
        assert fixed_point(p, 1.0) > f_max  # a better readout helps
        previous = f_max
        w = nz.werner_bd(0.99)
        for _ in range(3000):
            w = nz.dejmps_bd(w, w, p=p, eta=p).state
        assert w[0] == pytest.approx(f_max, abs=1e-10)
    # 1 - F_max is of the order of the error 1 - p (errors on the per-cent level)
    for p in (0.99, 0.999):
        assert 0.5 * (1 - p) < 1 - fixed_point(p, p) < 2 * (1 - p)


def test_threshold_for_purification() -> None:
    """With η = p, the recursion has an attracting fixed point above 1/2 only above a
    threshold p_min (computed here, 0.94 < p_min < 0.95): below it, even an almost perfect
    pair is driven to the maximally mixed state."""
    lo, hi = 0.90, 0.99
    for _ in range(40):
        mid = (lo + hi) / 2
        if fixed_point(mid, mid, rounds=4000) > 0.5:
            hi = mid
        else:
            lo = mid
    assert 0.94 < hi < 0.95
    assert fixed_point(0.93, 0.93) == pytest.approx(0.25, abs=1e-6)


def nested(f0: float, f_work: float, levels: int, p: float, eta: float,
           core: bool) -> list[tuple[float, int]]:
    """The nested scheme: at each level connect two pairs of the level below, then purify
    two copies of the result (symmetric recurrence) until the fidelity is back at
    ``f_work`` (at most 30 rounds). Returns (fidelity, rounds) per level, with the noise
    core (``core``) or with the oracle."""
    out = []
    if core:
        pair = nz.werner_bd(f0)
        for _ in range(levels):
            pair = nz.swap_bd(pair, pair, p=p, eta=eta).corrected
            rounds = 0
            while pair[0] < f_work and rounds < 30:
                pair = nz.dejmps_bd(pair, pair, p=p, eta=eta).state
                rounds += 1
            out.append((float(pair[0]), rounds))
        return out
    e = (1 - f0) / 3
    x: Labels = (f0, e, e, e)
    for _ in range(levels):
        x = connect(x, x, p, eta)
        rounds = 0
        while x[0] < f_work and rounds < 30:
            x, _ = dejmps(x, x, p, eta)
            rounds += 1
        out.append((x[0], rounds))
    return out


def test_nested_repeater_level_by_level() -> None:
    """p = η = 0.99, elementary and working fidelity 0.97: every level of a 2^8-link
    repeater gets back to the working fidelity in a bounded number of rounds (the noise
    core's numbers equal the oracle's to 1e-10 level by level), while the same links
    connected without purification decay towards 1/4."""
    p = eta = 0.99
    f0 = f_work = 0.97
    core = nested(f0, f_work, 8, p, eta, core=True)
    oracle = nested(f0, f_work, 8, p, eta, core=False)
    for (fc, rc), (fo, ro) in zip(core, oracle, strict=True):
        assert fc == pytest.approx(fo, abs=1e-10)
        assert rc == ro
        assert fc >= f_work
        assert 1 <= rc <= 3
    assert werner_chain(f0, 2**8, p, eta) < 0.26
    # below the threshold the working fidelity cannot be restored
    weak = nested(f0, f_work, 2, 0.94, 0.94, core=True)
    assert weak[0][0] < f_work and weak[0][1] == 30
