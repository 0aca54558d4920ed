"""Conventions and representation conversions."""

import itertools

import numpy as np
import pytest
import qutip as qt
from hypothesis import given, settings
from noise_oracles import X, Z, bd_to_qobj, bd_weights, bell_ket, density_matrices, qobj_from_array

from qvcp.reference import noise as nz

FAST = settings(max_examples=40, deadline=None, print_blob=True)


def test_bell_names_and_codes():
    assert nz.BELL_NAMES == ("PHI_PLUS", "PSI_PLUS", "PHI_MINUS", "PSI_MINUS")
    assert (nz.PHI_PLUS, nz.PSI_PLUS, nz.PHI_MINUS, nz.PSI_MINUS) == (0, 1, 2, 3)


def test_bell_vectors_match_definition():
    # Explicit textbook kets in the |00>,|01>,|10>,|11> basis.
    s = 1 / np.sqrt(2)
    expected = {
        "PHI_PLUS": [s, 0, 0, s],
        "PSI_PLUS": [0, s, s, 0],
        "PHI_MINUS": [s, 0, 0, -s],
        "PSI_MINUS": [0, s, -s, 0],
    }
    for k, name in enumerate(nz.BELL_NAMES):
        oracle = bell_ket(k).full().ravel()
        np.testing.assert_allclose(oracle, expected[name], atol=1e-12)
        np.testing.assert_allclose(nz.BELL_VECTORS[k], expected[name], atol=1e-12)


def test_compose_bell_index_is_xor():
    for a, b, c in itertools.product(range(4), repeat=3):
        assert nz.compose_bell_index(a, b, c) == a ^ b ^ c
    assert nz.compose_bell_index() == 0
    np.testing.assert_array_equal(nz.compose_bell_index(np.arange(4), 1), [1, 0, 3, 2])
    with pytest.raises(ValueError, match="indices"):
        nz.compose_bell_index(4)


def test_paulis_on_either_qubit_xor_the_index():
    paulis = {1: X, 2: Z, 3: X * Z}
    for k in range(4):
        for s, op in paulis.items():
            for side in (qt.tensor(op, qt.qeye(2)), qt.tensor(qt.qeye(2), op)):
                overlap = abs(bell_ket(k ^ s).overlap(side * bell_ket(k)))
                assert overlap == pytest.approx(1.0, abs=1e-12)


@FAST
@given(bd_weights())
def test_bd_to_dm_matches_qutip_and_roundtrips(w):
    rho = nz.bell_diagonal_to_density(w)
    assert rho.dtype == np.complex128 and rho.shape == (4, 4)
    np.testing.assert_allclose(rho, bd_to_qobj(w).full(), atol=1e-12)
    np.testing.assert_allclose(nz.density_to_bell_diagonal(rho), w, atol=1e-12)


@FAST
@given(density_matrices())
def test_twirl_and_fidelities_match_qutip(rho):
    w = nz.twirl(rho)
    q = qobj_from_array(rho)
    for k in range(4):
        expected = qt.expect(qt.ket2dm(bell_ket(k)), q)
        assert w[k] == pytest.approx(expected, abs=1e-12)
        assert nz.fidelity_dm(rho, target=k) == pytest.approx(expected, abs=1e-12)
    # Twirl = average over the bilateral Pauli group {σ⊗σ*}: the Bell-diagonal part.
    twirled = sum(
        qt.tensor(s, s.conj()) * q * qt.tensor(s, s.conj()).dag()
        for s in (qt.qeye(2), qt.sigmax(), qt.sigmay(), qt.sigmaz())
    ) / 4
    np.testing.assert_allclose(nz.bell_diagonal_to_density(w), twirled.full(), atol=1e-12)


def test_density_to_bell_diagonal_rejects_non_bd():
    rho = np.zeros((4, 4), complex)
    rho[0, 0] = 1.0
    with pytest.raises(ValueError, match="rho"):
        nz.density_to_bell_diagonal(rho)


def test_batching_shapes():
    w = np.tile([0.7, 0.1, 0.1, 0.1], (3, 5, 1))
    rho = nz.bell_diagonal_to_density(w)
    assert rho.shape == (3, 5, 4, 4)
    assert nz.fidelity_bd(w).shape == (3, 5)
    assert nz.fidelity_dm(rho, target=nz.PSI_MINUS).shape == (3, 5)


def test_werner():
    assert float(nz.werner_parameter(1.0)) == 1.0
    assert float(nz.werner_parameter(0.25)) == 0.0
    assert float(nz.werner_fidelity(nz.werner_parameter(0.8))) == pytest.approx(0.8)
    w = nz.werner_bd(0.55, target=nz.PSI_MINUS)
    np.testing.assert_allclose(w, [0.15, 0.15, 0.15, 0.55])
    np.testing.assert_allclose(
        nz.werner_twirl_bd([0.6, 0.4, 0, 0]), [0.6, 0.4 / 3, 0.4 / 3, 0.4 / 3]
    )


def test_pauli_frame():
    w = np.array([0.5, 0.3, 0.15, 0.05])
    for idx in range(4):
        np.testing.assert_allclose(nz.pauli_frame_bd(w, idx), w[[j ^ idx for j in range(4)]])
        rho = nz.pauli_frame_dm(nz.bell_diagonal_to_density(w), idx)
        np.testing.assert_allclose(nz.twirl(rho), w[[j ^ idx for j in range(4)]], atol=1e-12)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: nz.bell_diagonal_to_density([0.5, 0.5, 0.5, 0.0]), "weights"),
        (lambda: nz.bell_diagonal_to_density([1.0, 0.0, 0.0]), "weights"),
        (lambda: nz.bell_diagonal_to_density([1.2, -0.2, 0.0, 0.0]), "weights"),
        (lambda: nz.twirl(np.eye(3)), "rho"),
        (lambda: nz.twirl(np.eye(4)), "rho"),
        (lambda: nz.fidelity_bd([1.0, 0, 0, 0], target=4), "target"),
        (lambda: nz.werner_bd(1.5), "fidelity"),
    ],
)
def test_validation_names_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()
