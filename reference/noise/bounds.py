"""Repeaterless capacity bounds and asymptotic QKD secret-key fractions.

Units: transmissivity ``eta`` is a power fraction in [0, 1]; rates are per channel use (one
optical mode sent through the channel) unless a function says otherwise. Logarithms base 2.

Repeaterless bounds of a pure-loss bosonic channel of transmissivity ``eta`` (no repeater
between the two ends; two-way classical communication allowed):

* PLOB, Pirandola, Laurenza, Ottaviani, Banchi, Nat. Commun. 8, 15043 (2017), Eq. (19): the
  two-way assisted secret-key (and entanglement) capacity is ``-log2(1 - eta)``, about
  ``1.44 eta`` ebits per use for small ``eta``;
* TGW, Takeoka, Guha, Wilde, Nat. Commun. 5, 5235 (2014): the squashed-entanglement bound
  ``log2((1 + eta) / (1 - eta))``, about ``2.89 eta`` for small ``eta`` (looser than PLOB).

Asymptotic secret-key fractions (key bits per measured pair, infinite key, efficient basis
choice so that the sifting factor tends to 1, Lo, Chau, Ardehali, J. Cryptol. 18, 133 (2005)):

* BB84, Shor and Preskill, PRL 85, 441 (2000): ``r = 1 - h(Q_bit) - h(Q_phase)``; with equal
  error rates ``r = 1 - 2 h(Q)``, zero at ``Q ~ 11.0%``;
* six-state, Lo, Quantum Inf. Comput. 1, 81 (2001): with depolarising (symmetric) errors
  ``r = 1 + (1 - 3Q/2) log2(1 - 3Q/2) + (3Q/2) log2(Q/2)``, zero at ``Q ~ 12.6%``. This is
  ``1 - H(lambda)`` of the Bell-diagonal state ``lambda = (1 - 3Q/2, Q/2, Q/2, Q/2)``; the
  three measured error rates determine a general Bell-diagonal ``lambda``
  (:func:`error_weights_from_qber`), and :func:`bell_diagonal_key_fraction` gives
  ``1 - H(lambda)`` (Devetak and Winter, Proc. R. Soc. A 461, 207 (2005), for a
  Bell-diagonal state with the key read in ``Z``).

``h(p) = -p log2 p - (1-p) log2(1-p)`` is the binary entropy, ``H`` the Shannon entropy.

Error rates from measured pairs (:func:`basis_errors`): a pair announced in Bell state ``k`` and
measured on both sides in basis ``P`` has even parity (equal bits) with certainty exactly when
``<PP> = +1`` for ``k``; a bit pair whose parity differs from the announced state's is an
error. Relative to the announced state an ``X`` error flips the ``Z`` and ``Y`` parities, a
``Z`` error the ``X`` and ``Y`` parities and a ``Y`` error the ``Z`` and ``X`` parities, so
``Q_Z = l_X + l_Y``, ``Q_X = l_Z + l_Y``, ``Q_Y = l_X + l_Z``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import _validate as v
from .bell import BELL_CORRELATORS

_BASES = ("X", "Y", "Z")


def binary_entropy(p: ArrayLike) -> NDArray[np.float64]:
    """Binary entropy ``h(p)`` in bits (float64, shape of ``p``), ``h(0) = h(1) = 0``.

    >>> print(float(binary_entropy(0.5)), float(binary_entropy(0.0)))
    1.0 0.0
    """
    q = v.probability(p, "p")
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = -q * np.log2(q) - (1 - q) * np.log2(1 - q)
    return np.where((q == 0) | (q == 1), 0.0, terms)


def shannon_entropy(probs: ArrayLike) -> NDArray[np.float64]:
    """Shannon entropy in bits of distributions along the last axis (``0 log 0 = 0``).

    ``probs``: float64 ``(..., n)`` summing to 1. Returns float64 ``(...)``.

    >>> print(float(shannon_entropy([0.25, 0.25, 0.25, 0.25])))
    2.0
    """
    p = v.probability(probs, "probs")
    if p.ndim < 1 or not np.all(np.abs(p.sum(axis=-1) - 1.0) <= v.SUM_TOL):
        raise ValueError("probs must sum to 1 along the last axis")
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, -p * np.log2(np.where(p > 0, p, 1.0)), 0.0)
    return terms.sum(axis=-1)


def plob_bound(eta: ArrayLike) -> NDArray[np.float64]:
    """PLOB repeaterless bound ``-log2(1 - eta)`` (secret bits or ebits per channel use).

    Pirandola et al., Nat. Commun. 8, 15043 (2017). ``eta``: transmissivity in [0, 1];
    ``inf`` at ``eta = 1``.

    >>> print(f"{float(plob_bound(0.5)):.6f}")
    1.000000
    """
    e = v.probability(eta, "eta")
    with np.errstate(divide="ignore"):
        return -np.log1p(-e) / np.log(2.0)


def tgw_bound(eta: ArrayLike) -> NDArray[np.float64]:
    """TGW squashed-entanglement bound ``log2((1 + eta)/(1 - eta))`` per channel use.

    Takeoka, Guha, Wilde, Nat. Commun. 5, 5235 (2014). ``eta`` in [0, 1]; ``inf`` at 1.

    >>> print(f"{float(tgw_bound(0.6)):.6f}")
    2.000000
    """
    e = v.probability(eta, "eta")
    with np.errstate(divide="ignore"):
        return (np.log1p(e) - np.log1p(-e)) / np.log(2.0)


def path_transmissivity(
    distances_km: ArrayLike, attenuations_db_per_km: ArrayLike
) -> float:
    """Transmissivity ``10^(-sum(alpha_i L_i)/10)`` of fibre spans in series (float).

    For one attenuation ``alpha`` this is ``10^(-alpha L/10)`` with ``L`` the total length.

    >>> print(f"{path_transmissivity([25.0, 25.0], [0.2, 0.2]):.6f}")
    0.100000
    """
    dist = v.non_negative(distances_km, "distances_km")
    att = v.non_negative(attenuations_db_per_km, "attenuations_db_per_km")
    loss_db = float(np.sum(np.broadcast_to(att, dist.shape) * dist))
    return float(10.0 ** (-loss_db / 10.0))


def bb84_key_fraction(
    qber: ArrayLike, phase_error: ArrayLike | None = None
) -> NDArray[np.float64]:
    """Asymptotic BB84 key fraction ``1 - h(Q_bit) - h(Q_phase)`` (Shor-Preskill, 2000).

    ``qber`` is the bit error rate of the key basis, ``phase_error`` the error rate of the
    other basis (default: equal to ``qber``, giving ``1 - 2 h(Q)``). Negative values mean no
    key; clip at 0 for a rate.

    >>> print(f"{float(bb84_key_fraction(0.0)):.1f} {float(bb84_key_fraction(0.05)):.6f}")
    1.0 0.427206
    """
    q = v.probability(qber, "qber")
    ph = q if phase_error is None else v.probability(phase_error, "phase_error")
    return 1.0 - binary_entropy(q) - binary_entropy(ph)


def six_state_key_fraction(qber: ArrayLike) -> NDArray[np.float64]:
    """Asymptotic six-state key fraction for symmetric errors (Lo, QIC 1, 81 (2001)).

    ``r = 1 + (1 - 3Q/2) log2(1 - 3Q/2) + (3Q/2) log2(Q/2)``; ``qber`` in [0, 2/3].

    >>> print(f"{float(six_state_key_fraction(0.0)):.1f} {float(six_state_key_fraction(0.05)):.6f}")
    1.0 0.496816
    """
    q = v.probability(qber, "qber")
    if np.any(q > 2.0 / 3.0):
        raise ValueError(f"qber must be at most 2/3 for the six-state protocol, got {qber!r}")
    lam = np.stack([1.0 - 1.5 * q, q / 2, q / 2, q / 2], axis=-1)
    return 1.0 - shannon_entropy(lam)


def error_weights_from_qber(q_z: float, q_x: float, q_y: float) -> NDArray[np.float64]:
    """Bell-diagonal error weights ``(l_I, l_X, l_Z, l_Y)`` relative to the announced state
    from the three error rates (module docstring); negative estimates from finite samples are
    clipped to 0 and the weights renormalised. Float64 ``(4,)``.

    >>> print(error_weights_from_qber(0.1, 0.1, 0.1).round(6).tolist())
    [0.85, 0.05, 0.05, 0.05]
    """
    qz = float(v.probability(q_z, "q_z"))
    qx = float(v.probability(q_x, "q_x"))
    qy = float(v.probability(q_y, "q_y"))
    lx, lz, ly = (qz + qy - qx) / 2, (qx + qy - qz) / 2, (qz + qx - qy) / 2
    lam = np.clip(np.array([1.0 - lx - ly - lz, lx, lz, ly]), 0.0, None)
    return lam / lam.sum()


def bell_diagonal_key_fraction(weights: ArrayLike) -> NDArray[np.float64]:
    """One-way key fraction ``1 - H(lambda)`` of Bell-diagonal states, key read in ``Z``.

    ``weights``: float64 ``(..., 4)`` in any order (the entropy does not depend on it).

    >>> print(f"{float(bell_diagonal_key_fraction([1.0, 0, 0, 0])):.1f}")
    1.0
    """
    return 1.0 - shannon_entropy(v.weights(weights))


def basis_errors(
    bell_indices: ArrayLike, bases: ArrayLike, bits: ArrayLike
) -> dict[str, tuple[int, int]]:
    """Errors in measured pairs, per basis: ``{"X"|"Y"|"Z": (errors, pairs)}``.

    ``bell_indices``: announced Bell index of each pair, int ``(n,)``; ``bases``: ``"X"``,
    ``"Y"`` or ``"Z"`` per pair ``(n,)``; ``bits``: both qubits' bits ``(n, 2)`` (bit 0 =
    eigenvalue +1). A pair is an error when its parity is odd although the announced state
    has correlator ``+1`` in that basis, or even although it has ``-1``.

    >>> basis_errors([0, 1], ["Z", "Z"], [[1, 1], [1, 1]])["Z"]
    (1, 2)
    """
    k = np.asarray(bell_indices, dtype=np.int64).reshape(-1)
    b = np.asarray(bases).reshape(-1)
    bb = np.asarray(bits, dtype=np.int64).reshape(-1, 2)
    if not (len(k) == len(b) == len(bb)):
        raise ValueError("bell_indices, bases and bits must describe the same pairs")
    if np.any((k < 0) | (k > 3)):
        raise ValueError("bell_indices must be in 0..3")
    if np.any((bb != 0) & (bb != 1)):
        raise ValueError("bits must be 0 or 1")
    out: dict[str, tuple[int, int]] = {}
    for basis in ("Z", "X", "Y"):
        sel = b == basis
        expected_odd = BELL_CORRELATORS[k[sel], _BASES.index(basis)] < 0
        odd = (bb[sel, 0] ^ bb[sel, 1]) == 1
        out[basis] = (int(np.count_nonzero(odd != expected_odd)), int(np.count_nonzero(sel)))
    unknown = set(b.tolist()) - set(_BASES)
    if unknown:
        raise ValueError(f"bases must be 'X', 'Y' or 'Z', got {sorted(unknown)!r}")
    return out
