"""Single-qubit noise channels applied to one or both qubits of a pair.

Two paths:

* ``*_bd`` functions act on Bell-diagonal weights (float64, shape ``(..., 4)``). Only Pauli
  channels are available there; they are exact, because a Pauli on either qubit permutes the
  Bell basis (``X -> index 1``, ``Z -> 2``, ``Y -> 3``, composition by XOR) so a Pauli channel
  is a convolution of the weights over ``Z2 x Z2``.
* ``*_dm`` functions act on density matrices (complex128, shape ``(..., 4, 4)``) and also
  support non-Pauli channels (amplitude damping, arbitrary Kraus maps).

``qubit`` selects the qubit of the pair: ``0`` (first, ``A``), ``1`` (second, ``B``) or
``"both"`` (the same channel applied independently to each). Channel parameters are
floats in [0, 1], scalars or arrays broadcasting against the batch shape ``(...)``.

Pauli probabilities are ordered ``(p_I, p_X, p_Y, p_Z)`` (shape ``(..., 4)``).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import _validate as v
from .bell import _xor_convolve

_I2 = np.eye(2, dtype=np.complex128)
_PAULIS = np.stack(
    [_I2, np.array([[0, 1], [1, 0]]), np.array([[0, -1j], [1j, 0]]), np.diag([1.0, -1.0])]
).astype(np.complex128)
#: Map Pauli order (I, X, Y, Z) -> Bell-index order (I, X, Z, Y).
_TO_BELL_ORDER = np.array([0, 1, 3, 2])


def pauli_channel_bd(
    weights: ArrayLike, probs: ArrayLike, *, qubit: int | str = 0
) -> NDArray[np.float64]:
    """General Pauli channel ``rho -> sum_s p_s s rho s`` on Bell-diagonal weights.

    ``weights``: float64 ``(..., 4)``; ``probs``: ``(p_I, p_X, p_Y, p_Z)``, float64 ``(..., 4)``
    (broadcast). On a Bell-diagonal state the result does not depend on which qubit is hit;
    ``qubit="both"`` applies the channel twice. Returns float64 ``(..., 4)``.

    >>> print(pauli_channel_bd([1.0, 0, 0, 0], [0.7, 0.1, 0.05, 0.15]))
    [0.7  0.1  0.15 0.05]
    """
    w = v.weights(weights)
    q = v.pauli_probabilities(probs, "probs")[..., _TO_BELL_ORDER]
    for _ in v.qubit_selector(qubit):
        w = _xor_convolve(q, w)
    return w


def _embed(op: NDArray[np.complex128], qubit: int) -> NDArray[np.complex128]:
    """Embed single-qubit operators ``(..., 2, 2)`` into the pair space ``(..., 4, 4)``."""
    if qubit == 0:
        out = np.einsum("...ij,kl->...ikjl", op, _I2)
    else:
        out = np.einsum("ij,...kl->...ikjl", _I2, op)
    return out.reshape(*op.shape[:-2], 4, 4)


def apply_kraus_dm(
    rho: ArrayLike, kraus: ArrayLike, *, qubit: int | str = 0
) -> NDArray[np.complex128]:
    """Apply a single-qubit channel given by Kraus operators to one or both qubits.

    ``rho``: complex128 ``(..., 4, 4)``; ``kraus``: complex ``(n_kraus, 2, 2)`` or batched
    ``(n_kraus, ..., 2, 2)`` (broadcast against the batch). The Kraus set must be
    trace-preserving (``sum K^dag K = I``, checked). Returns complex128 ``(..., 4, 4)``.

    >>> flip = np.array([[[0, 1], [1, 0]]])          # a certain X on qubit 0
    >>> print(np.round(apply_kraus_dm(np.diag([1.0, 0, 0, 0]), flip).real.diagonal(), 3))
    [0. 0. 1. 0.]
    """
    r = v.density(rho)
    ks = np.asarray(kraus, dtype=np.complex128)
    if ks.ndim < 3 or ks.shape[-2:] != (2, 2):
        raise ValueError(f"kraus must have shape (n_kraus, ..., 2, 2), got {ks.shape}")
    completeness = np.einsum("k...ji,k...jl->...il", np.conj(ks), ks)
    if np.any(np.abs(completeness - _I2) > 1e-8):
        raise ValueError("kraus operators must satisfy sum K^dag K = I")
    batch_ndim = max(r.ndim - 2, ks.ndim - 3)
    ks = ks.reshape(ks.shape[0], *([1] * (batch_ndim - (ks.ndim - 3))), *ks.shape[1:])
    for q in v.qubit_selector(qubit):
        ops = _embed(ks, q)
        r = np.sum(ops @ r[None] @ np.conj(np.swapaxes(ops, -1, -2)), axis=0)
    return r


def pauli_channel_dm(
    rho: ArrayLike, probs: ArrayLike, *, qubit: int | str = 0
) -> NDArray[np.complex128]:
    """General Pauli channel ``rho -> sum_s p_s s rho s`` on density matrices.

    ``rho``: complex128 ``(..., 4, 4)``; ``probs``: ``(p_I, p_X, p_Y, p_Z)`` float64 ``(..., 4)``.
    Returns complex128 ``(..., 4, 4)``.

    >>> rho = pauli_channel_dm(np.diag([1.0, 0, 0, 0]), [0.5, 0.5, 0, 0], qubit=1)
    >>> print(np.round(rho.real.diagonal(), 3))
    [0.5 0.5 0.  0. ]
    """
    p = v.pauli_probabilities(probs, "probs")
    sq = np.sqrt(np.moveaxis(p, -1, 0))[..., None, None]
    return apply_kraus_dm(rho, sq * _PAULIS.reshape(4, *([1] * (sq.ndim - 3)), 2, 2), qubit=qubit)


def depolarizing_probabilities(p: ArrayLike) -> NDArray[np.float64]:
    """Pauli probabilities of the depolarising channel ``rho -> (1-p) rho + p I/2``.

    ``p``: float in [0, 1], any shape ``(...)``. Returns ``(1-3p/4, p/4, p/4, p/4)``,
    float64 ``(..., 4)``.

    >>> print(depolarizing_probabilities(0.4))
    [0.7 0.1 0.1 0.1]
    """
    pp = v.probability(p, "p")
    q = pp / 4.0
    return np.stack([1.0 - 3.0 * q, q, q, q], axis=-1)


def dephasing_probabilities(p: ArrayLike) -> NDArray[np.float64]:
    """Pauli probabilities of the dephasing channel ``rho -> (1-p) rho + p Z rho Z``.

    ``p``: float in [0, 1], any shape. Returns ``(1-p, 0, 0, p)``, float64 ``(..., 4)``.

    >>> print(dephasing_probabilities(0.25))
    [0.75 0.   0.   0.25]
    """
    pp = v.probability(p, "p")
    z = np.zeros_like(pp)
    return np.stack([1.0 - pp, z, z, pp], axis=-1)


def depolarize_bd(weights: ArrayLike, p: ArrayLike, *, qubit: int | str = 0) -> NDArray[np.float64]:
    """Single-qubit depolarising ``rho -> (1-p) rho + p I/2 ⊗ tr_q(rho)`` on BD weights.

    ``weights``: float64 ``(..., 4)``; ``p`` in [0, 1] broadcasting to ``(...)``.
    Returns float64 ``(..., 4)``.

    >>> print(depolarize_bd([1.0, 0, 0, 0], 0.4))
    [0.7 0.1 0.1 0.1]
    """
    return pauli_channel_bd(weights, depolarizing_probabilities(p), qubit=qubit)


def depolarize_dm(rho: ArrayLike, p: ArrayLike, *, qubit: int | str = 0) -> NDArray[np.complex128]:
    """Single-qubit depolarising ``rho -> (1-p) rho + p I/2 ⊗ tr_q(rho)`` on density matrices.

    ``rho``: complex128 ``(..., 4, 4)``; ``p`` in [0, 1]. Returns complex128 ``(..., 4, 4)``.

    >>> print(np.round(depolarize_dm(np.diag([1.0, 0, 0, 0]), 1.0).real.diagonal(), 3))
    [0.5 0.  0.5 0. ]
    """
    return pauli_channel_dm(rho, depolarizing_probabilities(p), qubit=qubit)


def dephase_bd(weights: ArrayLike, p: ArrayLike, *, qubit: int | str = 0) -> NDArray[np.float64]:
    """Dephasing ``rho -> (1-p) rho + p Z rho Z`` on Bell-diagonal weights ``(..., 4)``.

    Returns float64 ``(..., 4)``.

    >>> print(dephase_bd([1.0, 0, 0, 0], 0.1))
    [0.9 0.  0.1 0. ]
    """
    return pauli_channel_bd(weights, dephasing_probabilities(p), qubit=qubit)


def dephase_dm(rho: ArrayLike, p: ArrayLike, *, qubit: int | str = 0) -> NDArray[np.complex128]:
    """Dephasing ``rho -> (1-p) rho + p Z rho Z`` on density matrices ``(..., 4, 4)``.

    Returns complex128 ``(..., 4, 4)``.

    >>> rho = np.full((4, 4), 0.25, dtype=complex)          # |++>
    >>> print(np.round(dephase_dm(rho, 0.5)[0, 2].real, 3))
    0.0
    """
    return pauli_channel_dm(rho, dephasing_probabilities(p), qubit=qubit)


def amplitude_damping_kraus(gamma: ArrayLike) -> NDArray[np.complex128]:
    """Kraus operators ``K0 = [[1, 0], [0, sqrt(1-g)]]``, ``K1 = [[0, sqrt(g)], [0, 0]]``.

    ``|1>`` decays to ``|0>`` with probability ``gamma`` in [0, 1] (any shape ``(...)``).
    Returns complex128 ``(2, ..., 2, 2)``.

    >>> print(amplitude_damping_kraus(0.36)[0].real)
    [[1.  0. ]
     [0.  0.8]]
    """
    g = v.probability(gamma, "gamma")
    k = np.zeros((2, *g.shape, 2, 2), dtype=np.complex128)
    k[0, ..., 0, 0] = 1.0
    k[0, ..., 1, 1] = np.sqrt(1.0 - g)
    k[1, ..., 0, 1] = np.sqrt(g)
    return k


def amplitude_damp_dm(
    rho: ArrayLike, gamma: ArrayLike, *, qubit: int | str = 0
) -> NDArray[np.complex128]:
    """Amplitude damping with decay probability ``gamma`` (density-matrix path only).

    ``rho``: complex128 ``(..., 4, 4)``; ``gamma`` in [0, 1] broadcasting to ``(...)``.
    Returns complex128 ``(..., 4, 4)``.

    >>> print(np.round(amplitude_damp_dm(np.diag([0, 0, 0, 1.0]), 1.0, qubit="both").real.diagonal(), 3))
    [1. 0. 0. 0.]
    """  # noqa: E501
    return apply_kraus_dm(rho, amplitude_damping_kraus(gamma), qubit=qubit)
