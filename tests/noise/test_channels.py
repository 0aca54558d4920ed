"""Pauli / depolarising / dephasing / amplitude-damping channels against QuTiP Kraus maps."""

import numpy as np
import pytest
import qutip as qt
from hypothesis import given, settings
from hypothesis import strategies as st
from noise_oracles import (
    X,
    Y,
    Z,
    bd_to_qobj,
    bd_weights,
    bell_ket,
    density_matrices,
    kraus_on,
    probabilities,
    qobj_from_array,
)

from qvcp.reference import noise as nz

FAST = settings(max_examples=30, deadline=None, print_blob=True)
I2 = qt.qeye(2)


def pauli_kraus(probs):
    return [np.sqrt(pr) * op for pr, op in zip(probs, (I2, X, Y, Z), strict=True)]


def ad_kraus(gamma):
    k0 = qt.Qobj([[1, 0], [0, np.sqrt(1 - gamma)]])
    k1 = qt.Qobj([[0, np.sqrt(gamma)], [0, 0]])
    return [k0, k1]


def apply_oracle(rho, kraus, qubit):
    qubits = (0, 1) if qubit == "both" else (qubit,)
    for q in qubits:
        rho = kraus_on(rho, kraus, q)
    return rho


@FAST
@given(density_matrices(), bd_weights(), st.sampled_from([0, 1, "both"]))
def test_pauli_channel_dm_matches_kraus(rho, probs, qubit):
    out = nz.pauli_channel_dm(rho, probs, qubit=qubit)
    ref = apply_oracle(qobj_from_array(rho), pauli_kraus(probs), qubit)
    np.testing.assert_allclose(out, ref.full(), atol=1e-10)


@FAST
@given(bd_weights(), bd_weights(), st.sampled_from([0, 1, "both"]))
def test_pauli_channel_bd_matches_kraus(w, probs, qubit):
    out = nz.pauli_channel_bd(w, probs, qubit=qubit)
    ref = apply_oracle(bd_to_qobj(w), pauli_kraus(probs), qubit)
    np.testing.assert_allclose(nz.bell_diagonal_to_density(out), ref.full(), atol=1e-10)


@FAST
@given(density_matrices(), probabilities, st.sampled_from([0, 1]))
def test_depolarize_convention(rho, p, qubit):
    # rho -> (1-p) rho + p I/2 ⊗ tr_q(rho), written with QuTiP partial traces.
    q = qobj_from_array(rho)
    other = 1 - qubit
    reduced = q.ptrace([other])
    mixed = qt.tensor(I2 / 2, reduced) if qubit == 0 else qt.tensor(reduced, I2 / 2)
    ref = (1 - p) * q + p * mixed
    np.testing.assert_allclose(nz.depolarize_dm(rho, p, qubit=qubit), ref.full(), atol=1e-10)


@FAST
@given(density_matrices(), probabilities, st.sampled_from([0, 1]))
def test_dephase_convention(rho, p, qubit):
    q = qobj_from_array(rho)
    zq = qt.tensor(Z, I2) if qubit == 0 else qt.tensor(I2, Z)
    ref = (1 - p) * q + p * zq * q * zq
    np.testing.assert_allclose(nz.dephase_dm(rho, p, qubit=qubit), ref.full(), atol=1e-10)


@FAST
@given(density_matrices(), probabilities, st.sampled_from([0, 1, "both"]))
def test_amplitude_damping_matches_kraus(rho, gamma, qubit):
    out = nz.amplitude_damp_dm(rho, gamma, qubit=qubit)
    ref = apply_oracle(qobj_from_array(rho), ad_kraus(gamma), qubit)
    np.testing.assert_allclose(out, ref.full(), atol=1e-10)


@pytest.mark.parametrize("p", [0.0, 0.1, 0.5, 1.0])
def test_fidelity_closed_forms(p):
    phi = [1.0, 0.0, 0.0, 0.0]
    # Depolarising one qubit of Phi+: F = 1 - 3p/4; both: (1-p)^2 + p(2-p)/4.
    assert nz.depolarize_bd(phi, p)[0] == pytest.approx(1 - 3 * p / 4)
    assert nz.depolarize_bd(phi, p, qubit="both")[0] == pytest.approx(
        (1 - p) ** 2 + (1 - (1 - p) ** 2) / 4
    )
    # Dephasing one qubit: F = 1 - p, the error goes to Phi-.
    np.testing.assert_allclose(nz.dephase_bd(phi, p), [1 - p, 0, p, 0])
    # Amplitude damping one qubit of Phi+: F = (1 + sqrt(1-g))^2 / 4.
    rho = nz.amplitude_damp_dm(nz.bell_diagonal_to_density(phi), p)
    assert nz.fidelity_dm(rho) == pytest.approx((1 + np.sqrt(1 - p)) ** 2 / 4)


def test_batched_parameters_broadcast():
    w = np.tile([1.0, 0, 0, 0], (5, 1))
    ps = np.linspace(0, 1, 5)
    out = nz.depolarize_bd(w, ps)
    np.testing.assert_allclose(out[:, 0], 1 - 3 * ps / 4)
    rho = nz.amplitude_damp_dm(nz.bell_diagonal_to_density(w), ps, qubit=1)
    assert rho.shape == (5, 4, 4)
    np.testing.assert_allclose(nz.fidelity_dm(rho), (1 + np.sqrt(1 - ps)) ** 2 / 4)


def test_channel_validation():
    with pytest.raises(ValueError, match="p"):
        nz.depolarize_bd([1.0, 0, 0, 0], 1.5)
    with pytest.raises(ValueError, match="gamma"):
        nz.amplitude_damp_dm(np.eye(4) / 4, -0.1)
    with pytest.raises(ValueError, match="qubit"):
        nz.dephase_bd([1.0, 0, 0, 0], 0.1, qubit=2)
    with pytest.raises(ValueError, match="probs"):
        nz.pauli_channel_bd([1.0, 0, 0, 0], [0.5, 0.5, 0.5, 0.0])
    with pytest.raises(ValueError, match="kraus"):
        nz.apply_kraus_dm(np.eye(4) / 4, [[[1, 0], [0, 0.5]]])


def test_bell_ket_sanity_for_oracle():
    # The oracle's kets are orthonormal (guards the oracle itself).
    gram = np.array([[bell_ket(j).overlap(bell_ket(k)) for k in range(4)] for j in range(4)])
    np.testing.assert_allclose(gram, np.eye(4), atol=1e-12)
