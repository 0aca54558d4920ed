"""Exact waiting-time distributions of repeater chains with probabilistic swaps (test oracle).

An independent implementation of the recursion of Brand, Coopmans and Elkouss, "Efficient
computation of the waiting time and fidelity in quantum repeater chains", IEEE JSAC 38(3),
619 (2020), section IV, for the waiting time alone (no cutoff, no distillation):

* level 0, one link: ``T_0 ~ Geometric(p)`` attempt slots (1, 2, ...: the slot of the first
  success, ``P(T_0 = t) = p (1 - p)^(t - 1)``);
* level n + 1, two level-n segments joined by one swap that succeeds with probability ``q``:
  ``T_(n+1) = sum_(k=1)^K max(T_n^(a,k), T_n^(b,k))`` with ``K ~ Geometric(q)`` and all
  ``T_n`` independent: each of the K tries waits until both halves are ready; a failed swap
  (probability ``1 - q``) loses both halves, which start again from scratch.

This is the nested (doubling) protocol on ``2^n`` links; for two links it is also swap-asap.
Distributions are probability mass functions over whole slots, ``pmf[t] = P(T = t)``,
truncated once the mass covered reaches ``1 - TAIL``. Nothing here comes from the simulator or
the reference implementation.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

#: probability mass left out of a truncated distribution (at most)
TAIL = 1e-12

Pmf = NDArray[np.float64]


def geometric(p: float, tail: float = TAIL) -> Pmf:
    """``pmf[t] = p (1 - p)^(t - 1)`` for t >= 1 (``pmf[0] = 0``), up to mass ``1 - tail``."""
    if not 0.0 < p <= 1.0:
        raise ValueError(f"p must be in (0, 1], got {p}")
    if p == 1.0:
        return np.array([0.0, 1.0])
    # smallest L with (1 - p)^L <= tail
    length = int(np.ceil(np.log(tail) / np.log1p(-p)))
    t = np.arange(length + 1, dtype=np.float64)
    pmf = p * (1.0 - p) ** np.maximum(t - 1.0, 0.0)
    pmf[0] = 0.0
    return pmf


def maximum(a: Pmf, b: Pmf) -> Pmf:
    """Distribution of ``max(A, B)`` for independent A and B: the CDFs multiply."""
    n = max(len(a), len(b))
    fa = np.cumsum(np.pad(a, (0, n - len(a))))
    fb = np.cumsum(np.pad(b, (0, n - len(b))))
    return np.diff(fa * fb, prepend=0.0)


def geometric_sum(x: Pmf, q: float, tail: float = TAIL) -> Pmf:
    """Distribution of ``S = sum_(k=1)^K X_k``, ``K ~ Geometric(q)``, X_k iid as ``x``.

    ``S`` is ``X`` with probability q and ``X + S'`` (``S'`` distributed as S) otherwise, so
    ``P(S = t) = q P(X = t) + (1 - q) sum_s P(X = s) P(S = t - s)``; with ``P(X = 0) = 0``
    the right-hand side needs only earlier values, which gives S slot by slot until the mass
    is within ``tail`` of all it can reach (X is itself truncated).
    """
    if not 0.0 < q <= 1.0:
        raise ValueError(f"q must be in (0, 1], got {q}")
    if x[0] != 0.0:
        raise ValueError("X must be at least one slot")
    if q == 1.0:
        return x.copy()
    cap = max(2 * len(x), 64)
    xs, out = np.zeros(cap), np.zeros(cap)
    xs[:len(x)] = x
    # X itself is truncated (mass m < 1), so S can reach only q m / (1 - (1 - q) m)
    m = float(x.sum())
    reach = q * m / (1.0 - (1.0 - q) * m) - tail
    total, t = 0.0, 0
    while total < reach:
        t += 1
        if t >= cap:
            if cap >= 10**6:
                raise RuntimeError("geometric_sum: distribution too long to compute")
            xs, out = np.pad(xs, (0, cap)), np.pad(out, (0, cap))
            cap *= 2
        # sum over s = 1 .. t-1 of P(X = s) P(S = t - s)
        conv = float(np.dot(xs[1:t], out[t - 1:0:-1])) if t > 1 else 0.0
        out[t] = q * xs[t] + (1.0 - q) * conv
        total += out[t]
    return out[:t + 1].copy()


def nested(p: float, q: float, levels: int, tail: float = TAIL) -> Pmf:
    """Waiting time of the nested protocol on ``2^levels`` links of success probability ``p``
    per slot, every swap succeeding with probability ``q`` (``levels`` 0: one link)."""
    dist = geometric(p, tail)
    for _ in range(levels):
        dist = geometric_sum(maximum(dist, dist), q, tail)
    return dist


def mean(pmf: Pmf) -> float:
    """Mean of a (truncated) distribution over slots 0, 1, 2, ..."""
    return float(np.dot(np.arange(len(pmf), dtype=np.float64), pmf))


def two_link_mean(p: float, q: float) -> float:
    """Closed form ``E[T_1] = (3 - 2p) / (p (2 - p) q)`` slots.

    ``E[max(G_1, G_2)] = E[G_1] + E[G_2] - E[min(G_1, G_2)] = 2/p - 1/(1 - (1-p)^2)``, the
    minimum of two geometric waits being geometric with success ``1 - (1-p)^2 = p (2 - p)``;
    that is ``(3 - 2p) / (p (2 - p))``. By Wald's identity the K tries of the recursion take
    ``E[K] = 1/q`` times as long.
    """
    return (3 - 2 * p) / (p * (2 - p) * q)
