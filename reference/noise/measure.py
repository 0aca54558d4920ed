"""Sampled Pauli measurements of pairs and experiment-style fidelity estimation.

Each pair is measured once, both qubits in the same basis ``"Z"``, ``"X"`` or ``"Y"``; a bit
``0`` means eigenvalue ``+1``. The estimator uses the exact identity
``|B_k><B_k| = (II + c_X XX + c_Y YY + c_Z ZZ)/4`` where ``(c_X, c_Y, c_Z)`` are the
correlators of ``B_k`` (``PHI_PLUS: (+1, -1, +1)``, ``PSI_PLUS: (+1, +1, -1)``,
``PHI_MINUS: (-1, +1, +1)``, ``PSI_MINUS: (-1, -1, -1)``), so
``F(Phi+) = (1 + <XX> - <YY> + <ZZ>)/4`` and similarly for the other targets.

Confidence interval (:func:`estimate_fidelity`): each correlator ``<PP> = 2q - 1`` where ``q``
is the fraction of equal bits in that basis. For each basis a Wilson score interval for ``q``
is computed at level ``1 - (1 - confidence)/3`` (Bonferroni), so the three intervals hold
simultaneously with probability at least ``confidence``; the fidelity interval is the
worst case of the linear combination over that box (conservative), clipped to [0, 1].
A normal-approximation standard error is also reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import _validate as v
from .bell import BELL_CORRELATORS, PHI_PLUS

BASES = ("X", "Y", "Z")

_H = np.array([[1, 1], [1, -1]], dtype=np.complex128) / np.sqrt(2)
_SDG = np.diag([1, -1j]).astype(np.complex128)
_ROT1 = {"Z": np.eye(2, dtype=np.complex128), "X": _H, "Y": _H @ _SDG}


def _basis_index(basis: str) -> int:
    if basis not in BASES:
        raise ValueError(f"basis must be one of {BASES}, got {basis!r}")
    return BASES.index(basis)


def measure_bd(
    weights: ArrayLike, *, basis: str, rng: np.random.Generator
) -> NDArray[np.int8]:
    """Measure Bell-diagonal pairs, both qubits in ``basis``; one shot per pair.

    ``weights``: float64 ``(..., 4)``. Returns int8 bits, shape ``(..., 2)`` (qubit A, B).
    For a Bell-diagonal state each bit alone is uniform and the parity is even with
    probability ``(1 + <PP>)/2``.

    >>> bits = measure_bd([[1.0, 0, 0, 0]] * 4, basis="Z", rng=np.random.default_rng(3))
    >>> bits[:, 0].tolist() == bits[:, 1].tolist()    # Phi+ is ZZ-correlated
    True
    """
    w = v.weights(weights)
    gen = v.generator(rng)
    corr = w @ BELL_CORRELATORS[:, _basis_index(basis)]
    p_odd = np.clip((1.0 - corr) / 2.0, 0.0, 1.0)
    first = gen.integers(0, 2, size=w.shape[:-1], dtype=np.int8)
    parity = (gen.random(w.shape[:-1]) < p_odd).astype(np.int8)
    return np.stack([first, first ^ parity], axis=-1)


def measure_dm(rho: ArrayLike, *, basis: str, rng: np.random.Generator) -> NDArray[np.int8]:
    """Measure density matrices, both qubits in ``basis``; one shot per pair.

    ``rho``: complex128 ``(..., 4, 4)``. Returns int8 bits, shape ``(..., 2)``.

    >>> rho = np.zeros((4, 4), complex); rho[2, 2] = 1.0          # |10>
    >>> measure_dm(rho, basis="Z", rng=np.random.default_rng(0)).tolist()
    [1, 0]
    """
    r = v.density(rho)
    gen = v.generator(rng)
    u1 = _ROT1[BASES[_basis_index(basis)]]
    u = np.kron(u1, u1)
    probs = np.clip(np.einsum("ij,...jk,ik->...i", u, r, np.conj(u)).real, 0.0, None)
    outcome = v.sample_categorical(probs, gen)
    return np.stack([outcome >> 1, outcome & 1], axis=-1).astype(np.int8)


def correlator(bits: ArrayLike) -> float:
    """Sample mean of ``(-1)^(b_A XOR b_B)`` over shots; ``bits``: int ``(n, 2)``.

    >>> correlator([[0, 0], [1, 1], [0, 1], [1, 1]])
    0.5
    """
    b = np.asarray(bits)
    if b.ndim != 2 or b.shape[1] != 2 or b.shape[0] == 0:
        raise ValueError(f"bits must have shape (n, 2) with n >= 1, got {b.shape}")
    return float(np.mean(1.0 - 2.0 * (b[:, 0] ^ b[:, 1])))


@dataclass(frozen=True)
class FidelityEstimate:
    """Experiment-style fidelity estimate.

    Attributes:
        fidelity: point estimate (float).
        lower, upper: conservative simultaneous confidence bounds (floats in [0, 1]).
        confidence: requested confidence level (float).
        standard_error: normal-approximation standard error of ``fidelity`` (float).
        correlators: estimated ``(<XX>, <YY>, <ZZ>)``, float64 ``(3,)``.
        shots: shots per basis ``(n_X, n_Y, n_Z)``, int64 ``(3,)``.
    """

    fidelity: float
    lower: float
    upper: float
    confidence: float
    standard_error: float
    correlators: NDArray[np.float64]
    shots: NDArray[np.int64]


def _wilson(k: float, n: int, z: float) -> tuple[float, float]:
    phat = k / n
    den = 1.0 + z * z / n
    centre = (phat + z * z / (2 * n)) / den
    half = z * np.sqrt(phat * (1 - phat) / n + z * z / (4 * n * n)) / den
    return max(0.0, centre - half), min(1.0, centre + half)


def estimate_fidelity(
    *,
    xx: ArrayLike,
    yy: ArrayLike,
    zz: ArrayLike,
    target: int = PHI_PLUS,
    confidence: float = 0.95,
) -> FidelityEstimate:
    """Estimate the fidelity to Bell state ``target`` from XX, YY and ZZ measurement bits.

    ``xx``, ``yy``, ``zz``: int bits ``(n_basis, 2)`` as returned by :func:`measure_bd` /
    :func:`measure_dm` on independent pairs. ``confidence`` in (0, 1). See the module
    docstring for the interval (Wilson + Bonferroni, conservative).

    >>> e = estimate_fidelity(xx=[[0, 0]] * 100, yy=[[0, 1]] * 100, zz=[[1, 1]] * 100)
    >>> print(e.fidelity, round(e.lower, 3), e.upper)
    1.0 0.919 1.0
    """
    t = v.target_index(target)
    conf = float(confidence)
    if not 0.0 < conf < 1.0:
        raise ValueError(f"confidence must lie in (0, 1), got {confidence!r}")
    z = NormalDist().inv_cdf(1.0 - (1.0 - conf) / 6.0)  # two-sided, Bonferroni over 3
    signs = BELL_CORRELATORS[t]
    corr = np.empty(3)
    shots = np.empty(3, dtype=np.int64)
    lo_sum = hi_sum = 1.0
    var = 0.0
    for i, (name, bits) in enumerate((("xx", xx), ("yy", yy), ("zz", zz))):
        try:
            corr[i] = correlator(bits)
        except ValueError as exc:
            raise ValueError(f"{name}: {exc}") from None
        n = int(np.asarray(bits).shape[0])
        shots[i] = n
        q_lo, q_hi = _wilson((1.0 + corr[i]) / 2.0 * n, n, z)
        e_lo, e_hi = 2.0 * q_lo - 1.0, 2.0 * q_hi - 1.0
        lo_sum += min(signs[i] * e_lo, signs[i] * e_hi)
        hi_sum += max(signs[i] * e_lo, signs[i] * e_hi)
        var += (1.0 - corr[i] ** 2) / n
    fid = float((1.0 + signs @ corr) / 4.0)
    return FidelityEstimate(
        fidelity=fid,
        lower=float(np.clip(lo_sum / 4.0, 0.0, 1.0)),
        upper=float(np.clip(hi_sum / 4.0, 0.0, 1.0)),
        confidence=conf,
        standard_error=float(np.sqrt(var) / 4.0),
        correlators=corr,
        shots=shots,
    )
