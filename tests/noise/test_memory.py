"""T1/T2 idle decoherence against an exact Lindblad propagation (QuTiP) and closed forms."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from noise_oracles import bd_to_qobj, bd_weights, density_matrices, lindblad_t1_t2, qobj_from_array

from qvcp.reference import noise as nz

FAST = settings(max_examples=25, deadline=None, print_blob=True)


@st.composite
def times(draw):
    t1 = draw(st.floats(1e-3, 10.0))
    t2 = draw(st.floats(0.05, 2.0)) * t1
    t = draw(st.floats(0.0, 5.0)) * t1
    return t, t1, t2


@FAST
@given(density_matrices(), times(), st.sampled_from([0, 1]))
def test_decohere_dm_matches_lindblad(rho, tt, qubit):
    t, t1, t2 = tt
    out = nz.decohere_dm(rho, t, t1=t1, t2=t2, qubit=qubit)
    ref = lindblad_t1_t2(qobj_from_array(rho), t, t1, t2, qubit)
    np.testing.assert_allclose(out, ref.full(), atol=1e-10)


@FAST
@given(bd_weights(), times(), st.sampled_from([0, 1]))
def test_decohere_bd_is_twirl_of_exact(w, tt, qubit):
    t, t1, t2 = tt
    out = nz.decohere_bd(w, t, t1=t1, t2=t2, qubit=qubit)
    ref = lindblad_t1_t2(bd_to_qobj(w), t, t1, t2, qubit).full()
    s = 1 / np.sqrt(2)
    kets = np.array([[s, 0, 0, s], [0, s, s, 0], [s, 0, 0, -s], [0, s, -s, 0]])
    expected = np.einsum("ki,ij,kj->k", kets, ref, kets).real
    np.testing.assert_allclose(out, expected, atol=1e-10)


def test_pure_dephasing_limit():
    w = nz.decohere_bd([1.0, 0, 0, 0], 2.0, t1=np.inf, t2=1.0)
    np.testing.assert_allclose(w, [(1 + np.exp(-2)) / 2, 0, (1 - np.exp(-2)) / 2, 0])
    rho = nz.decohere_dm(nz.bell_diagonal_to_density([1.0, 0, 0, 0]), 2.0, t1=np.inf, t2=1.0)
    assert nz.fidelity_dm(rho) == pytest.approx((1 + np.exp(-2)) / 2)


@pytest.mark.parametrize(("t", "t1", "t2"), [(0.0, 1.0, 1.0), (0.3, 1.0, 0.5), (2.0, 1.0, 2.0)])
def test_fidelity_vs_time_closed_form(t, t1, t2):
    phi = nz.bell_diagonal_to_density([1.0, 0, 0, 0])
    # One qubit idles: F = (1 + e^{-t/T1} + 2 e^{-t/T2}) / 4.
    f1 = (1 + np.exp(-t / t1) + 2 * np.exp(-t / t2)) / 4
    assert nz.fidelity_dm(nz.decohere_dm(phi, t, t1=t1, t2=t2)) == pytest.approx(f1, abs=1e-12)
    assert nz.decohere_bd([1.0, 0, 0, 0], t, t1=t1, t2=t2)[0] == pytest.approx(f1, abs=1e-12)
    # Both qubits idle: populations (1 + g^2 + (1-g)^2)/2 / 2, coherence e^{-2t/T2}.
    g = 1 - np.exp(-t / t1)
    f2 = (0.5 + g * g / 2 + (1 - g) ** 2 / 2 + np.exp(-2 * t / t2)) / 2
    rho = nz.decohere_dm(phi, t, t1=t1, t2=t2, qubit="both")
    assert nz.fidelity_dm(rho) == pytest.approx(f2, abs=1e-12)


def test_semigroup_depends_only_on_elapsed_time():
    rho = nz.bell_diagonal_to_density([0.8, 0.1, 0.05, 0.05])
    a = nz.decohere_dm(nz.decohere_dm(rho, 0.3, t1=1.0, t2=0.7), 0.5, t1=1.0, t2=0.7)
    b = nz.decohere_dm(rho, 0.8, t1=1.0, t2=0.7)
    np.testing.assert_allclose(a, b, atol=1e-12)
    # Pure dephasing is a Pauli channel, so the BD path composes exactly too.
    wa = nz.decohere_bd(nz.decohere_bd([0.8, 0.1, 0.05, 0.05], 0.3, t1=np.inf, t2=0.7), 0.5,
                        t1=np.inf, t2=0.7)
    np.testing.assert_allclose(wa, nz.decohere_bd([0.8, 0.1, 0.05, 0.05], 0.8, t1=np.inf, t2=0.7))


def test_memory_validation():
    with pytest.raises(ValueError, match="t2"):
        nz.memory_parameters(1.0, t1=1.0, t2=2.5)
    with pytest.raises(ValueError, match="t"):
        nz.memory_parameters(-1.0, t1=1.0, t2=1.0)
    with pytest.raises(ValueError, match="t1"):
        nz.memory_parameters(1.0, t1=0.0, t2=1.0)


def test_batched_elapsed_times():
    ts = np.array([0.0, 0.1, 1.0, 10.0])
    w = nz.decohere_bd(np.tile([1.0, 0, 0, 0], (4, 1)), ts, t1=1.0, t2=1.0)
    np.testing.assert_allclose(w[:, 0], (1 + 3 * np.exp(-ts)) / 4)
    probs = nz.memory_pauli_probabilities(ts, t1=1.0, t2=1.0)
    np.testing.assert_allclose(probs.sum(axis=-1), 1.0)
