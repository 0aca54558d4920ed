"""Repeaterless bounds and QKD key fractions against the printed formulas, typed in here."""

import math

import numpy as np
import pytest
import qutip as qt

from qvcp.reference import noise as nz

ETAS = [1e-9, 1e-4, 0.01, 0.1, 0.3, 0.5, 0.9, 0.999]
QS = [0.0, 1e-6, 0.01, 0.05, 0.08, 0.11, 0.126, 0.2, 0.5]


def h(p: float) -> float:
    return 0.0 if p in (0.0, 1.0) else -p * math.log2(p) - (1 - p) * math.log2(1 - p)


@pytest.mark.parametrize("eta", ETAS)
def test_plob_is_minus_log2_one_minus_eta(eta: float) -> None:
    """Pirandola et al. 2017, Eq. (19): -log2(1 - eta)."""
    assert float(nz.plob_bound(eta)) == pytest.approx(-math.log2(1 - eta), rel=1e-10, abs=1e-10)


@pytest.mark.parametrize("eta", ETAS)
def test_tgw_is_log2_ratio(eta: float) -> None:
    """Takeoka, Guha, Wilde 2014: log2((1 + eta)/(1 - eta))."""
    assert float(nz.tgw_bound(eta)) == pytest.approx(math.log2((1 + eta) / (1 - eta)),
                                                     rel=1e-10, abs=1e-10)


def test_bounds_limiting_cases() -> None:
    eta = 1e-6
    # eta -> 0: PLOB ~ eta / ln 2 = 1.44 eta, TGW ~ 2 eta / ln 2 = 2.89 eta
    assert float(nz.plob_bound(eta)) / eta == pytest.approx(1 / math.log(2), rel=1e-5)
    assert float(nz.plob_bound(eta)) / eta == pytest.approx(1.4427, abs=1e-4)
    assert float(nz.tgw_bound(eta)) / eta == pytest.approx(2 / math.log(2), rel=1e-5)
    assert float(nz.plob_bound(0.0)) == 0.0 and float(nz.tgw_bound(0.0)) == 0.0
    assert float(nz.plob_bound(0.5)) == pytest.approx(1.0, abs=1e-12)
    assert float(nz.tgw_bound(1 / 3)) == pytest.approx(1.0, abs=1e-12)
    assert math.isinf(float(nz.plob_bound(1.0))) and math.isinf(float(nz.tgw_bound(1.0)))
    etas = np.array(ETAS)  # PLOB is the tighter of the two
    assert np.all(nz.plob_bound(etas) < nz.tgw_bound(etas))


def test_bounds_are_batched_and_validated() -> None:
    out = nz.plob_bound(np.array([[0.1, 0.2], [0.3, 0.4]]))
    assert out.shape == (2, 2)
    assert out[1, 1] == pytest.approx(-math.log2(0.6), abs=1e-12)
    for bad in (-0.1, 1.5, math.nan):
        with pytest.raises(ValueError, match="eta"):
            nz.plob_bound(bad)
        with pytest.raises(ValueError, match="eta"):
            nz.tgw_bound(bad)


@pytest.mark.parametrize(("km", "att"), [([50.0], [0.2]), ([10.0, 20.0, 30.0], [0.2] * 3),
                                         ([5.0, 7.5], [0.16, 0.25]), ([0.0], [0.2])])
def test_path_transmissivity(km: list[float], att: list[float]) -> None:
    loss = sum(length * a for length, a in zip(km, att, strict=True))
    assert nz.path_transmissivity(km, att) == pytest.approx(10 ** (-loss / 10), rel=1e-12)
    with pytest.raises(ValueError, match="distances_km"):
        nz.path_transmissivity([-1.0], [0.2])


@pytest.mark.parametrize("q", QS)
def test_binary_entropy(q: float) -> None:
    assert float(nz.binary_entropy(q)) == pytest.approx(h(q), abs=1e-12)


@pytest.mark.parametrize("q", QS)
def test_bb84_shor_preskill(q: float) -> None:
    """Shor-Preskill: r = 1 - 2 h(Q); asymmetric r = 1 - h(Q_bit) - h(Q_phase)."""
    assert float(nz.bb84_key_fraction(q)) == pytest.approx(1 - 2 * h(q), abs=1e-10)
    assert float(nz.bb84_key_fraction(q, 0.03)) == pytest.approx(1 - h(q) - h(0.03), abs=1e-10)


@pytest.mark.parametrize("q", [x for x in QS if x <= 2 / 3])
def test_six_state_lo_2001(q: float) -> None:
    """Lo 2001: r = 1 + (1 - 3Q/2) log2(1 - 3Q/2) + (3Q/2) log2(Q/2), and the equivalent
    form from the chain rule of H(lambda): 1 - h(Q) - Q - (1 - Q) h((1 - 3Q/2)/(1 - Q))
    (h(Q) for the bit flip, 1 bit for X vs Y given a flip, the last for I vs Z without)."""
    lo = 1.0 if q == 0 else 1 + (1 - 1.5 * q) * math.log2(1 - 1.5 * q) + 1.5 * q * math.log2(
        q / 2)
    other = 1 - h(q) - q - (1 - q) * h((1 - 1.5 * q) / (1 - q))
    assert lo == pytest.approx(other, abs=1e-12)
    assert float(nz.six_state_key_fraction(q)) == pytest.approx(lo, abs=1e-10)


def test_key_fraction_limits_and_thresholds() -> None:
    assert float(nz.bb84_key_fraction(0.0)) == 1.0
    assert float(nz.six_state_key_fraction(0.0)) == 1.0
    # BB84 key vanishes at Q ~ 11.0 %, six-state at Q ~ 12.6 %
    assert nz.bb84_key_fraction(0.1100) > 0 > nz.bb84_key_fraction(0.1101)
    assert nz.six_state_key_fraction(0.1261) > 0 > nz.six_state_key_fraction(0.1262)
    # six-state tolerates more noise than BB84 at every error rate
    qs = np.linspace(0.001, 0.2, 50)
    assert np.all(nz.six_state_key_fraction(qs) > nz.bb84_key_fraction(qs))
    with pytest.raises(ValueError, match="2/3"):
        nz.six_state_key_fraction(0.7)
    with pytest.raises(ValueError, match="qber"):
        nz.bb84_key_fraction(-0.01)


def test_bell_diagonal_fraction_and_error_weights() -> None:
    """Depolarising errors: lambda = (1 - 3Q/2, Q/2, Q/2, Q/2), so 1 - H(lambda) is Lo's r."""
    for q in (0.0, 0.02, 0.1):
        lam = nz.error_weights_from_qber(q, q, q)
        assert lam.tolist() == pytest.approx([1 - 1.5 * q, q / 2, q / 2, q / 2], abs=1e-12)
        assert float(nz.bell_diagonal_key_fraction(lam)) == pytest.approx(
            float(nz.six_state_key_fraction(q)), abs=1e-12)
    # pure X errors with weight p: Q_Z = Q_Y = p, Q_X = 0
    lam = nz.error_weights_from_qber(0.1, 0.0, 0.1)
    assert lam.tolist() == pytest.approx([0.9, 0.1, 0.0, 0.0], abs=1e-12)
    assert float(nz.bell_diagonal_key_fraction(lam)) == pytest.approx(1 - h(0.1), abs=1e-12)
    # inconsistent finite-sample estimates are clipped to a distribution
    lam = nz.error_weights_from_qber(0.05, 0.05, 0.2)
    assert lam.min() >= 0 and lam.sum() == pytest.approx(1.0)


def _qutip_bell(k: int) -> qt.Qobj:
    """|B_k> = (I x X^x Z^z)|Phi+>, k = 2z + x, built here from kets."""
    phi = (qt.tensor(qt.basis(2, 0), qt.basis(2, 0))
           + qt.tensor(qt.basis(2, 1), qt.basis(2, 1))).unit()
    z, x = divmod(k, 2)
    op = qt.qeye(2)
    if z:
        op = qt.sigmaz() * op
    if x:
        op = qt.sigmax() * op
    return qt.tensor(qt.qeye(2), op) * phi


@pytest.mark.parametrize("k", range(4))
@pytest.mark.parametrize("basis", ["X", "Y", "Z"])
def test_basis_errors_parity_convention_from_qutip(k: int, basis: str) -> None:
    """An announced state's noiseless parity in each basis, from QuTiP's <PP>: the pair of
    bits that agrees with it is no error, the other parity is."""
    pauli = {"X": qt.sigmax(), "Y": qt.sigmay(), "Z": qt.sigmaz()}[basis]
    corr = qt.expect(qt.tensor(pauli, pauli), _qutip_bell(k))
    assert abs(abs(corr) - 1) < 1e-12
    good = [0, 0] if corr > 0 else [0, 1]
    bad = [1, 0] if corr > 0 else [1, 1]
    out = nz.basis_errors([k, k, k], [basis] * 3, [good, bad, good])
    assert out[basis] == (1, 3)
    assert all(out[b] == (0, 0) for b in "XYZ" if b != basis)


def test_basis_errors_sampled_werner_qber() -> None:
    """Werner pairs of fidelity F measured by the noise core: Q = 2(1 - F)/3 in every basis,
    within 3 standard errors (n = 20000 per basis, seed 11)."""
    rng = np.random.default_rng(11)
    n, f = 20_000, 0.9
    for k in range(4):
        state = nz.werner_bd(f, target=k)
        for basis in "XYZ":
            bits = nz.measure_bd(np.broadcast_to(state, (n, 4)), basis=basis, rng=rng)
            errors, pairs = nz.basis_errors([k] * n, [basis] * n, bits)[basis]
            q = 2 * (1 - f) / 3
            assert pairs == n
            assert abs(errors / n - q) < 3 * math.sqrt(q * (1 - q) / n), (k, basis)


def test_basis_errors_validation() -> None:
    with pytest.raises(ValueError, match="same pairs"):
        nz.basis_errors([0], ["Z", "X"], [[0, 0]])
    with pytest.raises(ValueError, match="bell_indices"):
        nz.basis_errors([4], ["Z"], [[0, 0]])
    with pytest.raises(ValueError, match="bits"):
        nz.basis_errors([0], ["Z"], [[0, 2]])
    with pytest.raises(ValueError, match="bases"):
        nz.basis_errors([0], ["W"], [[0, 0]])
