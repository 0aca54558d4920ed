"""Scalar fast paths of the noise core for one Bell-diagonal pair (simulator use only).

The simulator evaluates single pairs: four weights at a time. The noise core
(:mod:`qvcp.reference.noise`) is vectorised and validates every input, which costs far more
than the arithmetic for a 4-vector. The functions here redo the same arithmetic in plain
Python floats, in the *same floating-point order* and with the *same random draws*, so their
results equal the noise core's bit for bit (checked by ``tests/reference/test_fastbd.py`` with
the noise core as oracle). Weights are lists of four Python floats.

Inputs are not validated: the world only passes states produced by the noise core or by these
functions, and memory parameters it has already checked (``t2 <= 2 t1``).
"""

from __future__ import annotations

import functools
import math

import numpy as np

Weights = list[float]

#: numpy's expm1, not ``math.expm1``: numpy's (SIMD) kernel and libm's differ in the last bit
#: for a few percent of arguments, and the noise core uses numpy's.
_expm1 = np.expm1


def xor_convolve(a: Weights, b: Weights) -> Weights:
    """``c[j] = sum_s a[s] b[j ^ s]``, summed over s = 0, 1, 2, 3 in order (as the core)."""
    a0, a1, a2, a3 = a
    b0, b1, b2, b3 = b
    return [
        a0 * b0 + a1 * b1 + a2 * b2 + a3 * b3,
        a0 * b1 + a1 * b0 + a2 * b3 + a3 * b2,
        a0 * b2 + a1 * b3 + a2 * b0 + a3 * b1,
        a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0,
    ]


def memory_bell_probabilities(t: float, t1: float, t2: float) -> Weights:
    """Pauli-twirled T1/T2 idle channel in Bell-index order (I, X, Z, Y).

    Same as ``noise.memory_pauli_probabilities(t, t1=t1, t2=t2)[[0, 1, 3, 2]]``.
    """
    gamma = -float(_expm1(-t / t1))
    rate = 1.0 / t2 - 0.5 / t1
    if not (rate >= 0.0 or rate != rate):  # np.maximum(rate, 0.0): NaN propagates
        rate = 0.0
    p = -float(_expm1(-t * rate)) / 2.0
    s = math.sqrt(1.0 - gamma)
    g4 = gamma / 4
    ad = [(1 + s) ** 2 / 4, g4, (1 - s) ** 2 / 4, g4]
    # dephasing (1-p, 0, 0, p) reordered to Bell order: (1-p, 0, p, 0)
    return xor_convolve(ad, [1.0 - p, 0.0, p, 0.0])


def decohere(weights: Weights, t: float, t1: float, t2: float) -> Weights:
    """``noise.decohere_bd(weights, t, t1=t1, t2=t2, qubit=0 or 1)`` for one pair."""
    return xor_convolve(memory_bell_probabilities(t, t1, t2), weights)


def swap_corrected(w1: Weights, w2: Weights, p: float, eta: float) -> Weights:
    """``noise.swap_bd(w1, w2, p=p, eta=eta).corrected`` for one pair of pairs."""
    f = 1.0 - eta
    ef = eta * f
    c = xor_convolve(xor_convolve(w1, w2), [eta * eta, ef, ef, f * f])
    q = (1.0 - p) / 4.0
    return [p * c[0] + q, p * c[1] + q, p * c[2] + q, p * c[3] + q]


def sample_swap(w1: Weights, w2: Weights, p: float, eta: float,
                rng: np.random.Generator) -> tuple[int, Weights]:
    """``noise.sample_swap_bd(w1, w2, p=p, eta=eta, rng=rng)`` for one pair of pairs.

    One uniform draw, as the core's categorical sampler over four outcomes of probability 1/4
    (cumulative 0.25, 0.5, 0.75, 1.0). Returns ``(m, uncorrected state)``.
    """
    corrected = swap_corrected(w1, w2, p, eta)
    u = rng.random() * 1.0
    m = (u >= 0.25) + (u >= 0.5) + (u >= 0.75)
    return m, [corrected[j ^ m] for j in range(4)]


def sample_link_failures(success_probability: float, codes: tuple[int, ...],
                         code_probs: tuple[float, ...],
                         rng: np.random.Generator) -> tuple[int, int]:
    """(failed attempts before the first success, herald code), one draw each.

    As ``noise.sample_link_generation(link, rng=rng)`` for a link with these parameters:
    a geometric attempt count, then one uniform draw against the cumulative code weights.
    """
    attempts = int(rng.geometric(success_probability))
    c0 = code_probs[0]
    total = c0 + code_probs[1]
    u = rng.random() * total
    return attempts - 1, codes[1] if u >= c0 else codes[0]


@functools.lru_cache(maxsize=256)
def _round_law(p: float, modes: int) -> tuple[float, np.float64]:
    """(``q = 1 - (1 - p)**modes``, ``log1p(-p)``) as the noise core computes them (numpy
    ufuncs); a link asks with the same few ``(p, modes)`` every round."""
    if p >= 1.0:
        return 1.0, np.float64(0.0)
    log_fail = np.log1p(-p)
    return float(-np.expm1(modes * log_fail)), log_fail


def sample_multiplexed_failures(success_probability: float, modes: int,
                                codes: tuple[int, ...], code_probs: tuple[float, ...],
                                rng: np.random.Generator) -> tuple[int, tuple[int, ...]]:
    """(all-failed rounds before the first round with a success, herald code of each mode in
    that round, 255 where the mode failed).

    As ``noise.sample_multiplexed_generation(link, modes=modes, rng=rng)`` for a link with
    these parameters: the same draws in the same order and the same arithmetic.
    """
    p = success_probability
    q, log_fail = _round_law(p, modes)
    rounds = int(rng.geometric(q))  # the draw of size=1, without the array
    u = rng.random()
    if p < 1.0:
        first = int(np.ceil(np.log1p(-u * q) / log_fail)) - 1
        first = min(max(first, 0), modes - 1)
    else:
        first = 0
    later = (rng.random(modes) < p).tolist()
    c0 = code_probs[0]
    total = c0 + code_probs[1]
    picks = (rng.random(modes) * total).tolist()
    out = tuple((codes[1] if picks[i] >= c0 else codes[0])
                if i == first or (i > first and later[i]) else 255 for i in range(modes))
    return rounds - 1, out
