"""Heralded link models: closed forms, a QuTiP Fock-space oracle, time-to-success sampler."""

import time

import numpy as np
import pytest
import qutip as qt
from scipy import stats

from qvcp.reference import noise as nz

C_FIBRE = 299_792_458 / 1.44


def eta_of(distance_km, det=1.0, att=0.2):
    return det * 10 ** (-att * distance_km / 2 / 10)


def loss_kraus(eta, dim=3):
    """Pure-loss Kraus operators on a Fock mode: E_k = sum_n sqrt(C(n,k) eta^(n-k) (1-eta)^k)."""
    from math import comb

    ops = []
    for k in range(dim):
        m = np.zeros((dim, dim))
        for n in range(k, dim):
            m[n - k, n] = np.sqrt(comb(n, k) * eta ** (n - k) * (1 - eta) ** k)
        ops.append(qt.Qobj(m))
    return ops


def single_click_oracle(alpha, eta):
    """Spins (A, B) + optical modes (a, b), loss, 50:50 beam splitter, threshold detectors."""
    d = 3
    node = np.sqrt(1 - alpha) * qt.tensor(qt.basis(2, 0), qt.basis(d, 0)) + np.sqrt(
        alpha
    ) * qt.tensor(qt.basis(2, 1), qt.basis(d, 1))
    psi = qt.tensor(node, node).permute([0, 2, 1, 3])  # order: spinA, spinB, mode a, mode b
    rho = qt.ket2dm(psi)
    ia, ib = qt.qeye(2), qt.qeye(d)
    for mode in (2, 3):
        ops = []
        for k in loss_kraus(eta, d):
            parts = [ia, ia, ib, ib]
            parts[mode] = k
            ops.append(qt.tensor(parts))
        rho = sum(k * rho * k.dag() for k in ops)
    a = qt.tensor(ia, ia, qt.destroy(d), ib)
    b = qt.tensor(ia, ia, ib, qt.destroy(d))
    bs = (np.pi / 4 * (a.dag() * b - a * b.dag())).expm()
    rho = bs * rho * bs.dag()
    vac = qt.basis(d, 0).proj()
    click = qt.qeye(d) - vac
    out = []
    for det in range(2):
        proj = qt.tensor(ia, ia, click, vac) if det == 0 else qt.tensor(ia, ia, vac, click)
        post = (proj * rho * proj).ptrace([0, 1])
        out.append((post.tr().real, post / post.tr()))
    return out


@pytest.mark.parametrize(("alpha", "distance"), [(0.05, 0.0), (0.1, 20.0), (0.3, 50.0), (0.5, 2.0)])
def test_single_click_matches_fock_oracle(alpha, distance):
    link = nz.single_click_link(distance_km=distance, alpha=alpha)
    oracle = single_click_oracle(alpha, eta_of(distance))
    assert link.success_probability == pytest.approx(oracle[0][0] + oracle[1][0], abs=1e-10)
    # Each detector heralds one of the two delivered states (Psi+ / Psi- labels).
    for prob, state in oracle:
        assert prob == pytest.approx(link.success_probability / 2, abs=1e-10)
        errs = [np.abs(state.full() - s).max() for s in link.states]
        assert min(errs) < 1e-10
    np.testing.assert_array_equal(link.herald_indices, [nz.PSI_PLUS, nz.PSI_MINUS])
    for k, state in zip(link.herald_indices, link.states, strict=True):
        assert nz.fidelity_dm(state, target=int(k)) == pytest.approx(link.fidelity)


def test_single_click_literature_limits():
    # Humphreys et al. 2018 / Rozpedek et al. 2019: p ~ 2 alpha eta, F ~ 1 - alpha (eta -> 0).
    alpha = 0.1
    link = nz.single_click_link(distance_km=200.0, alpha=alpha, detector_efficiency=0.3)
    eta = eta_of(200.0, 0.3)
    assert link.success_probability == pytest.approx(2 * alpha * eta, rel=1e-3)
    assert link.fidelity == pytest.approx(1 - alpha, rel=1e-3)
    # Exact pure-loss forms.
    assert link.success_probability == pytest.approx(1 - (1 - alpha * eta) ** 2, rel=1e-12)
    assert link.fidelity == pytest.approx(2 * (1 - alpha) / (2 - alpha * eta), rel=1e-12)


@pytest.mark.parametrize(("distance", "det"), [(0.0, 1.0), (10.0, 0.8), (100.0, 0.5)])
def test_double_click_closed_form(distance, det):
    link = nz.double_click_link(
        distance_km=distance, detector_efficiency=det, preparation_time=5e-6
    )
    eta = eta_of(distance, det)
    assert link.success_probability == pytest.approx(eta**2 / 2, rel=1e-12)
    assert link.fidelity == 1.0
    assert link.attempt_duration == pytest.approx(2 * 5e-6 + distance * 1000 / C_FIBRE, rel=1e-12)
    np.testing.assert_allclose(link.bell_diagonal, [[0, 1, 0, 0], [0, 0, 0, 1]], atol=1e-12)


def test_attempt_duration_and_fibre():
    link = nz.single_click_link(distance_km=30.0, alpha=0.1, preparation_time=1e-5)
    # Round trip to the midpoint: 15 km there + 15 km back at c/1.44.
    assert link.attempt_duration == pytest.approx(1e-5 + 30_000 / C_FIBRE, rel=1e-12)
    assert nz.fibre_transmissivity(15.0) == pytest.approx(10 ** (-0.3))
    assert nz.fibre_delay(1.0) == pytest.approx(1000 * 1.44 / 299_792_458)
    assert link.rate == pytest.approx(link.success_probability / link.attempt_duration)


def test_link_validation():
    with pytest.raises(ValueError, match="alpha"):
        nz.single_click_link(distance_km=1.0, alpha=1.5)
    with pytest.raises(ValueError, match="distance_km"):
        nz.double_click_link(distance_km=-1.0)
    with pytest.raises(ValueError, match="detector_efficiency"):
        nz.double_click_link(distance_km=1.0, detector_efficiency=2.0)
    dead = nz.double_click_link(distance_km=1.0, detector_efficiency=0.0)
    with pytest.raises(ValueError, match="success_probability"):
        nz.sample_link_generation(dead, rng=np.random.default_rng(0))


def geometric_minus_uniform_cdf(x, p):
    """CDF of N - U, N ~ Geometric(p) on {1, 2, ...}, U ~ U(0, 1): continuous, exact."""
    k = np.floor(np.maximum(x, 0.0))
    return np.where(x <= 0, 0.0, 1 - (1 - p) ** k + (x - k) * p * (1 - p) ** k)


@pytest.mark.parametrize("distance", [20.0, 100.0])
def test_time_to_success_distribution(distance):
    link = nz.single_click_link(distance_km=distance, alpha=0.05, detector_efficiency=0.5)
    p = link.success_probability
    n = 20_000
    rng = np.random.default_rng(2024)
    times, attempts, indices = nz.sample_link_generation(link, rng=rng, size=n)
    assert times.shape == attempts.shape == indices.shape == (n,)
    np.testing.assert_allclose(times, attempts * link.attempt_duration)
    # Mean number of attempts 1/p, 5-sigma bound (sd of the geometric = sqrt(1-p)/p).
    assert abs(attempts.mean() - 1 / p) <= 5 * np.sqrt(1 - p) / p / np.sqrt(n)
    # KS test on the continuised counts (fixed seed, deterministic); reject only at 1e-4.
    u = np.random.default_rng(7).random(n)
    res = stats.kstest(attempts - u, lambda x: geometric_minus_uniform_cdf(x, p))
    assert res.pvalue > 1e-4
    # Herald patterns: PSI_PLUS / PSI_MINUS with probability 1/2 each (5 sigma).
    frac = np.mean(indices == nz.PSI_PLUS)
    assert set(np.unique(indices)) <= {nz.PSI_PLUS, nz.PSI_MINUS}
    assert abs(frac - 0.5) <= 5 * 0.5 / np.sqrt(n)


def test_long_links_are_cheap():
    link = nz.double_click_link(distance_km=400.0, detector_efficiency=0.5)  # p ~ 1e-9
    assert link.success_probability < 1e-8
    start = time.perf_counter()
    _, attempts, _ = nz.sample_link_generation(link, rng=np.random.default_rng(3), size=100_000)
    assert time.perf_counter() - start < 2.0
    p = link.success_probability
    assert abs(attempts.mean() - 1 / p) <= 5 * np.sqrt(1 - p) / p / np.sqrt(attempts.size)
