"""Entanglement swapping: XOR composition, QuTiP circuit oracle, closed forms, sampler stats."""

import itertools

import numpy as np
import pytest
import qutip as qt
from hypothesis import given, settings
from noise_oracles import (
    bd_to_qobj,
    bd_weights,
    bell_ket,
    density_matrices,
    probabilities,
    qobj_from_array,
    swap_oracle,
)

from qvcp.reference import noise as nz

FAST = settings(max_examples=25, deadline=None, print_blob=True)


def test_swap_composition_is_xor_with_qutip():
    """|B_k1>_{A B1} |B_k2>_{B2 C}, project (B1, B2) on |B_m>: A-C is |B_(k1^k2^m)>."""
    for k1, k2, m in itertools.product(range(4), repeat=3):
        state = qt.tensor(bell_ket(k1), bell_ket(k2))
        proj = qt.tensor(qt.qeye(2), bell_ket(m).proj(), qt.qeye(2))
        post = proj * state
        prob = post.norm() ** 2
        assert prob == pytest.approx(0.25, abs=1e-12)
        rho_ac = qt.ket2dm(post.unit()).ptrace([0, 3])
        expected = nz.compose_bell_index(k1, k2, m)
        assert expected == k1 ^ k2 ^ m
        assert qt.expect(bell_ket(expected).proj(), rho_ac) == pytest.approx(1.0, abs=1e-12)


def test_bsm_circuit_bits_give_bell_index():
    """CNOT(B1->B2), H(B1), Z readout (b1, b2) identifies |B_(2 b1 + b2)>."""
    cnot = qt.tensor(qt.basis(2, 0).proj(), qt.qeye(2)) + qt.tensor(
        qt.basis(2, 1).proj(), qt.sigmax()
    )
    h = qt.tensor((qt.sigmax() + qt.sigmaz()) / np.sqrt(2), qt.qeye(2))
    for m in range(4):
        out = h * cnot * bell_ket(m)
        b1, b2 = divmod(m, 2)
        assert abs(out.overlap(qt.tensor(qt.basis(2, b1), qt.basis(2, b2)))) == pytest.approx(1.0)
    # And the deterministic result reflects it: perfect Phi+ x Phi+ gives B_m for outcome m.
    res = nz.swap_bd([1.0, 0, 0, 0], [1.0, 0, 0, 0])
    np.testing.assert_allclose(res.states, np.eye(4))


@FAST
@given(density_matrices(), density_matrices(), probabilities, probabilities)
def test_swap_dm_matches_qutip_circuit(rho1, rho2, p, eta):
    res = nz.swap_dm(rho1, rho2, p=p, eta=eta)
    oracle = swap_oracle(qobj_from_array(rho1), qobj_from_array(rho2), p, eta)
    corrected = np.zeros((4, 4), complex)
    for m in range(4):
        prob, state = oracle[m]
        assert res.probabilities[m] == pytest.approx(prob, abs=1e-10)
        if prob > 1e-9:
            np.testing.assert_allclose(res.states[m], state.full(), atol=1e-9 / prob)
        z, x = divmod(m, 2)
        frame = qt.tensor(qt.qeye(2), qt.sigmax() ** x * qt.sigmaz() ** z)
        corrected += (frame * state * frame.dag()).full() * prob
    np.testing.assert_allclose(res.corrected, corrected, atol=1e-10)


@FAST
@given(bd_weights(), bd_weights(), probabilities, probabilities)
def test_swap_bd_matches_qutip_circuit(w1, w2, p, eta):
    res = nz.swap_bd(w1, w2, p=p, eta=eta)
    oracle = swap_oracle(bd_to_qobj(w1), bd_to_qobj(w2), p, eta)
    for m in range(4):
        prob, state = oracle[m]
        assert res.probabilities[m] == pytest.approx(prob, abs=1e-10)
        np.testing.assert_allclose(
            nz.bell_diagonal_to_density(res.states[m]), state.full(), atol=1e-10
        )


def werner(f):
    return [f, (1 - f) / 3, (1 - f) / 3, (1 - f) / 3]


@pytest.mark.parametrize(("f1", "f2"), [(1.0, 1.0), (0.9, 0.8), (0.6, 0.95), (0.25, 0.7)])
def test_werner_swap_closed_form(f1, f2):
    # F' = F1 F2 + (1-F1)(1-F2)/3 for ideal swapping of Werner pairs.
    res = nz.swap_bd(werner(f1), werner(f2))
    assert res.corrected[0] == pytest.approx(f1 * f2 + (1 - f1) * (1 - f2) / 3, abs=1e-12)
    rho1, rho2 = (nz.bell_diagonal_to_density(werner(f)) for f in (f1, f2))
    rdm = nz.swap_dm(rho1, rho2)
    assert nz.fidelity_dm(rdm.corrected) == pytest.approx(f1 * f2 + (1 - f1) * (1 - f2) / 3)


@pytest.mark.parametrize("n_links", [1, 2, 5, 16])
def test_werner_chain(n_links):
    # N Werner links with parameter w: output Werner parameter w^N, fidelity 1/4 + 3/4 w^N.
    w = 0.93
    f = (1 + 3 * w) / 4
    state = np.array(werner(f))
    for _ in range(n_links - 1):
        state = nz.swap_bd(state, werner(f)).corrected
    assert state[0] == pytest.approx(0.25 + 0.75 * w**n_links, abs=1e-12)
    np.testing.assert_allclose(state[1:], (1 - state[0]) / 3, atol=1e-12)


@pytest.mark.parametrize(("p", "eta"), [(1.0, 1.0), (0.98, 0.99), (0.9, 0.95), (0.5, 0.6)])
def test_bdcz_noisy_swap(p, eta):
    # Briegel et al. 1998: F = 1/4 + 3/4 * p (4 eta^2 - 1)/3 * w1 w2 for Werner inputs.
    f1, f2 = 0.95, 0.9
    w1, w2 = (4 * f1 - 1) / 3, (4 * f2 - 1) / 3
    res = nz.swap_bd(werner(f1), werner(f2), p=p, eta=eta)
    expected = 0.25 + 0.75 * p * (4 * eta**2 - 1) / 3 * w1 * w2
    assert res.corrected[0] == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(("p", "eta", "n"), [(0.97, 0.98, 4), (0.9, 0.9, 8)])
def test_bdcz_chain(p, eta, n):
    f = 0.96
    w = (4 * f - 1) / 3
    # With a Werner twirl after each swap: F_N = 1/4 + 3/4 (p (4eta^2-1)/3)^(N-1) w^N.
    state = np.array(werner(f))
    raw = np.array(werner(f))
    for _ in range(n - 1):
        state = nz.werner_twirl_bd(nz.swap_bd(state, werner(f), p=p, eta=eta).corrected)
        raw = nz.swap_bd(raw, werner(f), p=p, eta=eta).corrected
    factor = p * (4 * eta**2 - 1) / 3
    assert state[0] == pytest.approx(0.25 + 0.75 * factor ** (n - 1) * w**n, abs=1e-12)
    # Without twirling: each bit independently misread: ((1 + (2 eta - 1)^(N-1))/2)^2.
    big_w = p ** (n - 1) * w**n
    good = ((1 + (2 * eta - 1) ** (n - 1)) / 2) ** 2
    assert raw[0] == pytest.approx((1 - big_w) / 4 + big_w * good, abs=1e-12)


def test_batched_swap_shapes():
    w1 = np.tile(werner(0.9), (7, 1))
    res = nz.swap_bd(w1, werner(0.8), p=np.linspace(0.5, 1, 7), eta=0.99)
    assert res.states.shape == (7, 4, 4) and res.corrected.shape == (7, 4)
    rho = nz.bell_diagonal_to_density(w1)
    rd = nz.swap_dm(rho, rho, p=0.9, eta=np.full(7, 0.95))
    assert rd.states.shape == (7, 4, 4, 4) and rd.probabilities.shape == (7, 4)
    np.testing.assert_allclose(
        nz.twirl(rd.corrected), nz.swap_bd(w1, w1, p=0.9, eta=0.95).corrected, atol=1e-12
    )


def _five_sigma_ok(counts, probs, n):
    sigma = np.sqrt(n * probs * (1 - probs))
    return np.all(np.abs(counts - n * probs) <= 5 * sigma + 1e-9)


def test_sample_swap_bd_statistics():
    rng = np.random.default_rng(1)
    n = 40_000
    w1 = np.tile([0.85, 0.05, 0.05, 0.05], (n, 1))
    w2 = [0.0, 1.0, 0.0, 0.0]
    m, states = nz.sample_swap_bd(w1, w2, p=0.95, eta=0.97, rng=rng)
    assert m.shape == (n,) and states.shape == (n, 4)
    counts = np.bincount(m, minlength=4)
    assert _five_sigma_ok(counts, np.full(4, 0.25), n)
    # Each returned state is the uncorrected one: correcting by m gives the same BD state.
    corrected = nz.pauli_frame_bd(states, m)
    np.testing.assert_allclose(
        corrected, np.broadcast_to(corrected[0], corrected.shape), atol=1e-12
    )


def test_sample_swap_dm_statistics_non_uniform():
    # Non-Bell-diagonal inputs give non-uniform outcome probabilities; compare to the oracle.
    rho = np.zeros((4, 4), complex)
    rho[0, 0] = 1.0  # |00>
    phi = np.zeros((4, 4), complex)
    phi[np.ix_([0, 3], [0, 3])] = 0.5
    oracle = swap_oracle(qobj_from_array(rho), qobj_from_array(phi), 0.9, 0.8)
    probs = np.array([oracle[k][0] for k in range(4)])
    n = 20_000
    m, states = nz.sample_swap_dm(
        np.broadcast_to(rho, (n, 4, 4)), phi, p=0.9, eta=0.8, rng=np.random.default_rng(5)
    )
    counts = np.bincount(m, minlength=4)
    assert _five_sigma_ok(counts, probs, n)
    for k in range(4):
        np.testing.assert_allclose(states[m == k][0], oracle[k][1].full(), atol=1e-10)


def test_samplers_require_generator():
    with pytest.raises(ValueError, match="rng"):
        nz.sample_swap_bd([1.0, 0, 0, 0], [1.0, 0, 0, 0], rng=1)
