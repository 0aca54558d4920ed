"""Sampled Pauli measurements and the experiment-style fidelity estimator."""

import numpy as np
import pytest
import qutip as qt
from noise_oracles import bell_ket, qobj_from_array

from qvcp.reference import noise as nz

PLUS = {
    "Z": qt.basis(2, 0),
    "X": (qt.basis(2, 0) + qt.basis(2, 1)).unit(),
    "Y": (qt.basis(2, 0) + 1j * qt.basis(2, 1)).unit(),
}
MINUS = {
    "Z": qt.basis(2, 1),
    "X": (qt.basis(2, 0) - qt.basis(2, 1)).unit(),
    "Y": (qt.basis(2, 0) - 1j * qt.basis(2, 1)).unit(),
}


def outcome_probs(rho, basis):
    q = qobj_from_array(rho)
    kets = (PLUS[basis], MINUS[basis])
    return np.array(
        [qt.expect(qt.tensor(kets[a], kets[b]).proj(), q) for a in range(2) for b in range(2)]
    )


def random_dm(seed):
    g = np.random.default_rng(seed)
    m = g.normal(size=(4, 4)) + 1j * g.normal(size=(4, 4))
    rho = m @ m.conj().T
    return rho / np.trace(rho)


@pytest.mark.parametrize("basis", ["X", "Y", "Z"])
def test_measure_dm_frequencies(basis):
    rho = random_dm(11)
    probs = outcome_probs(rho, basis)
    n = 40_000
    bits = nz.measure_dm(np.broadcast_to(rho, (n, 4, 4)), basis=basis, rng=np.random.default_rng(4))
    assert bits.shape == (n, 2)
    counts = np.bincount(2 * bits[:, 0] + bits[:, 1], minlength=4)
    sigma = np.sqrt(n * probs * (1 - probs))
    assert np.all(np.abs(counts - n * probs) <= 5 * sigma)


@pytest.mark.parametrize("basis", ["X", "Y", "Z"])
def test_measure_bd_frequencies(basis):
    w = np.array([0.6, 0.2, 0.15, 0.05])
    rho = nz.bell_diagonal_to_density(w)
    probs = outcome_probs(rho, basis)
    n = 40_000
    bits = nz.measure_bd(np.tile(w, (n, 1)), basis=basis, rng=np.random.default_rng(8))
    counts = np.bincount(2 * bits[:, 0] + bits[:, 1], minlength=4)
    sigma = np.sqrt(n * probs * (1 - probs))
    assert np.all(np.abs(counts - n * probs) <= 5 * sigma)


def test_correlator_formula_is_exact():
    # |B_k><B_k| = (II + cX XX + cY YY + cZ ZZ)/4 with the tabulated correlators.
    for k in range(4):
        ops = (qt.sigmax(), qt.sigmay(), qt.sigmaz())
        corr = [qt.expect(qt.tensor(op, op), bell_ket(k)) for op in ops]
        np.testing.assert_allclose(corr, nz.BELL_CORRELATORS[k], atol=1e-12)


@pytest.mark.parametrize("target", [nz.PHI_PLUS, nz.PSI_MINUS])
def test_estimator_coverage(target):
    f = 0.8
    w = nz.werner_bd(f, target=target)
    rng = np.random.default_rng(99)
    reps, shots = 200, 300
    covered = 0
    for _ in range(reps):
        bits = {b: nz.measure_bd(np.tile(w, (shots, 1)), basis=b, rng=rng) for b in "XYZ"}
        est = nz.estimate_fidelity(xx=bits["X"], yy=bits["Y"], zz=bits["Z"], target=target)
        assert est.lower <= est.fidelity <= est.upper
        covered += est.lower <= f <= est.upper
        assert abs(est.fidelity - f) <= 5 * est.standard_error + 1e-12
    # Nominal simultaneous coverage >= 95 %; 0.85 is > 6 binomial sigma below that.
    assert covered / reps >= 0.85


def test_estimator_on_non_bell_diagonal_state():
    rho = random_dm(5)
    truth = nz.fidelity_dm(rho, target=nz.PSI_PLUS)
    n = 20_000
    rng = np.random.default_rng(12)
    bits = {b: nz.measure_dm(np.broadcast_to(rho, (n, 4, 4)), basis=b, rng=rng) for b in "XYZ"}
    est = nz.estimate_fidelity(xx=bits["X"], yy=bits["Y"], zz=bits["Z"], target=nz.PSI_PLUS)
    assert abs(est.fidelity - truth) <= 5 * est.standard_error
    assert est.lower <= truth <= est.upper
    np.testing.assert_array_equal(est.shots, [n, n, n])


def test_measure_validation():
    with pytest.raises(ValueError, match="basis"):
        nz.measure_bd([1.0, 0, 0, 0], basis="W", rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="rng"):
        nz.measure_dm(np.eye(4) / 4, basis="X", rng=None)
    with pytest.raises(ValueError, match="confidence"):
        nz.estimate_fidelity(xx=[[0, 0]], yy=[[0, 0]], zz=[[0, 0]], confidence=1.0)
    with pytest.raises(ValueError, match="yy"):
        nz.estimate_fidelity(xx=[[0, 0]], yy=np.zeros((0, 2), int), zz=[[0, 0]])
