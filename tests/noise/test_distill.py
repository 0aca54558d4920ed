"""DEJMPS / BBPSSW against the published recurrences and a QuTiP circuit oracle."""

import numpy as np
import pytest
from hypothesis import given, settings
from noise_oracles import (
    bd_to_qobj,
    bd_weights,
    density_matrices,
    distill_oracle,
    probabilities,
    qobj_from_array,
)

from qvcp.reference import noise as nz

FAST = settings(max_examples=20, deadline=None, print_blob=True)


def deutsch_recurrence(a, b, c, d):
    """Deutsch et al. PRL 77, 2818 (1996): A,B,C,D = weights of Phi+, Psi-, Psi+, Phi-."""
    n = (a + b) ** 2 + (c + d) ** 2
    return n, (a * a + b * b) / n, 2 * c * d / n, (c * c + d * d) / n, 2 * a * b / n


def bennett_recurrence(f):
    """Bennett et al. PRL 76, 722 (1996)."""
    n = f * f + 2 * f * (1 - f) / 3 + 5 * (1 - f) ** 2 / 9
    return n, (f * f + (1 - f) ** 2 / 9) / n


@pytest.mark.parametrize(
    "w", [[0.8, 0.1, 0.05, 0.05], [0.6, 0.2, 0.1, 0.1], [0.7, 0.0, 0.0, 0.3], [0.5, 0.1, 0.3, 0.1]]
)
def test_dejmps_recurrence(w):
    phi_p, psi_p, phi_m, psi_m = w
    n, a, b, c, d = deutsch_recurrence(phi_p, psi_m, psi_p, phi_m)
    res = nz.dejmps_bd(w, w)
    assert res.success_probability == pytest.approx(n, abs=1e-12)
    np.testing.assert_allclose(res.state, [a, c, d, b], atol=1e-12)  # Phi+, Psi+, Phi-, Psi-


def test_dejmps_iterates_to_phi_plus():
    w = np.array([0.7, 0.1, 0.1, 0.1])
    for _ in range(6):
        w = nz.dejmps_bd(w, w).state
    assert w[0] > 0.999


@pytest.mark.parametrize("f", [0.55, 0.7, 0.9, 0.99])
def test_bbpssw_recurrence(f):
    n, f_out = bennett_recurrence(f)
    # Input not Werner: the protocol twirls it first, so only F matters.
    w = [f, 1 - f, 0.0, 0.0]
    res = nz.bbpssw_bd(w, w, twirl_output=True)
    assert res.success_probability == pytest.approx(n, abs=1e-12)
    assert res.state[0] == pytest.approx(f_out, abs=1e-12)
    np.testing.assert_allclose(res.state[1:], (1 - f_out) / 3, atol=1e-12)
    rdm = nz.bbpssw_dm(nz.bell_diagonal_to_density(w), nz.bell_diagonal_to_density(w))
    assert nz.fidelity_dm(rdm.state) == pytest.approx(f_out, abs=1e-12)


@FAST
@given(bd_weights(), bd_weights(), probabilities, probabilities)
def test_dejmps_bd_matches_qutip_circuit(w1, w2, p, eta):
    res = nz.dejmps_bd(w1, w2, p=p, eta=eta)
    prob, state = distill_oracle(bd_to_qobj(w1), bd_to_qobj(w2), p, eta, dejmps=True)
    assert res.success_probability == pytest.approx(prob, abs=1e-10)
    np.testing.assert_allclose(nz.bell_diagonal_to_density(res.state), state.full(), atol=1e-9)


@FAST
@given(density_matrices(), density_matrices(), probabilities, probabilities)
def test_dejmps_dm_matches_qutip_circuit(r1, r2, p, eta):
    res = nz.dejmps_dm(r1, r2, p=p, eta=eta)
    prob, state = distill_oracle(qobj_from_array(r1), qobj_from_array(r2), p, eta, dejmps=True)
    assert res.success_probability == pytest.approx(prob, abs=1e-10)
    np.testing.assert_allclose(res.state, state.full(), atol=1e-9)


@FAST
@given(bd_weights(), bd_weights(), probabilities, probabilities)
def test_bbpssw_matches_qutip_circuit_on_werner_inputs(w1, w2, p, eta):
    f1, f2 = w1[0], w2[0]
    werner1 = [f1, (1 - f1) / 3, (1 - f1) / 3, (1 - f1) / 3]
    werner2 = [f2, (1 - f2) / 3, (1 - f2) / 3, (1 - f2) / 3]
    res = nz.bbpssw_bd(w1, w2, p=p, eta=eta)
    prob, state = distill_oracle(bd_to_qobj(werner1), bd_to_qobj(werner2), p, eta, dejmps=False)
    assert res.success_probability == pytest.approx(prob, abs=1e-10)
    np.testing.assert_allclose(nz.bell_diagonal_to_density(res.state), state.full(), atol=1e-9)


def test_noisy_distillation_closed_form_werner():
    # BDCZ noise model written out by hand for Werner inputs of fidelity F (weights F, e, e, e).
    # Ideal bilateral CNOT: B(z1,x1) B(z2,x2) -> control B(z1^z2, x1), target parity x1^x2.
    # A depolarised CNOT (prob 1 - p^2 that either fails) leaves I/16. The reported parities
    # agree with prob g0 = eta^2 + (1-eta)^2 when the true parity is even, g1 = 2 eta (1-eta)
    # when odd.
    f, p, eta = 0.9, 0.97, 0.98
    e = (1 - f) / 3
    g0, g1 = eta**2 + (1 - eta) ** 2, 2 * eta * (1 - eta)
    even = f * f + e * e  # control Phi+, even parity: (Phi+, Phi+), (Phi-, Phi-)
    odd = f * e + e * e  # control Phi+, odd parity: (Phi+, Psi+), (Phi-, Psi-)
    phi_plus = p * p * (g0 * even + g1 * odd) + (1 - p * p) / 8 * (g0 + g1)
    total_even = (f + e) ** 2 + (2 * e) ** 2
    total_odd = 1 - total_even
    prob = p * p * (g0 * total_even + g1 * total_odd) + (1 - p * p) / 2 * (g0 + g1)
    res = nz.bbpssw_bd(werner_list(f), werner_list(f), p=p, eta=eta)
    assert res.success_probability == pytest.approx(prob, abs=1e-12)
    assert res.state[0] == pytest.approx(phi_plus / prob, abs=1e-12)


def werner_list(f):
    return [f, (1 - f) / 3, (1 - f) / 3, (1 - f) / 3]


def test_batched_distillation():
    w = np.tile([0.8, 0.1, 0.05, 0.05], (6, 1))
    res = nz.dejmps_bd(w, w, p=np.linspace(0.9, 1.0, 6), eta=0.99)
    assert res.success_probability.shape == (6,) and res.state.shape == (6, 4)
    rd = nz.dejmps_dm(nz.bell_diagonal_to_density(w), nz.bell_diagonal_to_density(w),
                      p=np.linspace(0.9, 1.0, 6), eta=0.99)
    np.testing.assert_allclose(rd.success_probability, res.success_probability, atol=1e-12)
    np.testing.assert_allclose(nz.twirl(rd.state), res.state, atol=1e-12)
    with pytest.raises(ValueError, match="eta"):
        nz.dejmps_bd(w, w, eta=1.1)
