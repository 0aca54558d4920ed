"""The simulator's scalar Bell-diagonal fast paths equal the noise core (the oracle) exactly."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from qvcp.reference import noise
from qvcp.reference.sim import fastbd

_unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
_times = st.floats(min_value=0.0, max_value=10.0, allow_nan=False, allow_subnormal=False)
_t1 = st.one_of(st.just(math.inf), st.floats(min_value=1e-6, max_value=1e3))


@st.composite
def bd_weights(draw: st.DrawFn) -> list[float]:
    """Random Bell-diagonal weights as the simulator holds them (normalised float64)."""
    raw = np.array([draw(st.floats(min_value=0.0, max_value=1.0)) for _ in range(4)])
    if raw.sum() == 0.0:
        raw[draw(st.integers(0, 3))] = 1.0
    return (raw / raw.sum()).tolist()


def _same(a: list[float], b: np.ndarray) -> None:
    assert np.asarray(a, dtype=np.float64).tobytes() == np.asarray(b, np.float64).tobytes(), (
        a, b.tolist())


@settings(max_examples=300, deadline=None)
@given(w=bd_weights(), t=_times, t1=_t1, ratio=st.floats(min_value=1e-3, max_value=1.0),
       t2_inf=st.booleans(), qubit=st.sampled_from([0, 1]))
def test_decohere_matches_noise_core(w: list[float], t: float, t1: float, ratio: float,
                                     t2_inf: bool, qubit: int) -> None:
    t2 = min(math.inf, 2 * t1) if t2_inf else min(ratio * 2 * t1, 2 * t1)
    if math.isinf(t2) and math.isinf(t1):
        t2 = ratio * 10.0
    oracle = noise.decohere_bd(np.array(w), t, t1=t1, t2=t2, qubit=qubit)
    _same(fastbd.decohere(w, t, t1, t2), oracle)


@settings(max_examples=300, deadline=None)
@given(w1=bd_weights(), w2=bd_weights(), p=_unit, eta=_unit,
       seed=st.integers(0, 2**32 - 1))
def test_sample_swap_matches_noise_core(w1: list[float], w2: list[float], p: float,
                                        eta: float, seed: int) -> None:
    _same(fastbd.swap_corrected(w1, w2, p, eta),
          noise.swap_bd(np.array(w1), np.array(w2), p=p, eta=eta).corrected)
    g1, g2 = np.random.default_rng(seed), np.random.default_rng(seed)
    m0, s0 = noise.sample_swap_bd(np.array(w1), np.array(w2), p=p, eta=eta, rng=g1)
    m1, s1 = fastbd.sample_swap(w1, w2, p, eta, g2)
    assert int(m0) == m1
    _same(s1, s0)
    assert g1.random() == g2.random()  # same number of draws


@settings(max_examples=200, deadline=None)
@given(p=st.floats(min_value=1e-6, max_value=1.0), c0=_unit,
       seed=st.integers(0, 2**32 - 1))
def test_link_failures_match_noise_core(p: float, c0: float, seed: int) -> None:
    probs = (c0, 1.0 - c0)
    link = noise.HeraldedLink(
        success_probability=p, attempt_duration=1e-6,
        herald_indices=np.array([1, 3], dtype=np.int64),
        herald_probabilities=np.array(probs, dtype=np.float64),
        states=np.zeros((2, 4, 4), dtype=np.complex128), fidelity=0.0)
    g1, g2 = np.random.default_rng(seed), np.random.default_rng(seed)
    _, attempts, codes = noise.sample_link_generation(link, rng=g1)
    assert fastbd.sample_link_failures(p, (1, 3), probs, g2) == (int(attempts[0]) - 1,
                                                                 int(codes[0]))
    assert g1.random() == g2.random()
