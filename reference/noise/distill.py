"""Entanglement distillation: DEJMPS and BBPSSW recurrence steps with BDCZ noise.

Circuit (both protocols): pair 1 ``(A1, B1)`` is kept, pair 2 ``(A2, B2)`` is sacrificed.
Alice applies ``CNOT(A1 -> A2)``, Bob ``CNOT(B1 -> B2)``; both measure their target qubit in
``Z`` and the step succeeds when the *reported* bits agree.

* DEJMPS (Deutsch et al., PRL 77, 2818 (1996)): before the CNOTs Alice applies
  ``Rx(pi/2)`` and Bob ``Rx(-pi/2)`` to both of their qubits (``Rx(t) = exp(-i t X/2)``),
  which swaps the ``PHI_MINUS`` and ``PSI_MINUS`` weights. The output is left in that frame,
  as in the paper: with ``A, B, C, D`` the weights of ``PHI+, PSI-, PSI+, PHI-`` and
  ``N = (A+B)^2 + (C+D)^2``: ``A' = (A^2+B^2)/N``, ``B' = 2CD/N``, ``C' = (C^2+D^2)/N``,
  ``D' = 2AB/N``.
* BBPSSW (Bennett et al., PRL 76, 722 (1996)): both inputs are first twirled to Werner
  states of the same ``PHI_PLUS`` fidelity ``F``; the output fidelity is
  ``F' = (F^2 + (1-F)^2/9) / (F^2 + 2F(1-F)/3 + 5(1-F)^2/9)``.

Noise (Briegel, Dür, Cirac, Zoller PRL 81, 5932 (1998); Dür et al. PRA 59, 169 (1999)):
each CNOT is ``rho -> p U rho U^dag + (1-p)/4 I ⊗ tr_(its two qubits) rho`` (``p = 1``
perfect) and each measured bit is reported correctly with probability ``eta``. Single-qubit
rotations are ideal.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import _validate as v
from .bell import bell_diagonal_to_density, fidelity_bd, werner_bd, werner_twirl_bd

#: DEJMPS rotation as a permutation of Bell indices (PHI_MINUS <-> PSI_MINUS).
DEJMPS_PERMUTATION = (0, 1, 3, 2)


@dataclass(frozen=True)
class DistillResult:
    """Result of one distillation step.

    Attributes:
        success_probability: float64 ``(...)``.
        state: post-selected output of the kept pair (conditioned on success): float64
            ``(..., 4)`` weights or complex128 ``(..., 4, 4)`` density matrices.
    """

    success_probability: NDArray[np.float64]
    state: NDArray[np.float64] | NDArray[np.complex128]


def _acceptance(eta: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Probability that the reported parity equals the true parity (g0) or not (g1)."""
    e = v.probability(eta, "eta")
    return e * e + (1.0 - e) ** 2, 2.0 * e * (1.0 - e)


def _bilateral_cnot_bd(
    w1: NDArray[np.float64], w2: NDArray[np.float64], p: ArrayLike, eta: ArrayLike
) -> DistillResult:
    pp = v.probability(p, "p")[..., None, None, None]
    g0, g1 = _acceptance(eta)
    a = w1.reshape(*w1.shape[:-1], 2, 2)  # [z, x]
    b = w2.reshape(*w2.shape[:-1], 2, 2)
    a, b = np.broadcast_arrays(a, b)
    # q[z1', x1', x2'] = sum_z2 a[z1' ^ z2, x1'] b[z2, x1' ^ x2'] (ideal bilateral CNOT).
    q = np.empty((*a.shape[:-2], 2, 2, 2))
    for z in range(2):
        for x in range(2):
            for x2 in range(2):
                q[..., z, x, x2] = (
                    a[..., z, x] * b[..., 0, x ^ x2] + a[..., z ^ 1, x] * b[..., 1, x ^ x2]
                )
    # Any depolarised CNOT leaves the four qubits in I/16 (BD marginals are maximally mixed).
    q = pp * pp * q + (1.0 - pp * pp) / 8.0
    nu = np.asarray(g0)[..., None, None] * q[..., 0] + np.asarray(g1)[..., None, None] * q[..., 1]
    nu = nu.reshape(*nu.shape[:-2], 4)
    prob = nu.sum(axis=-1)
    state = nu / np.where(prob > 0, prob, 1.0)[..., None]
    return DistillResult(success_probability=prob, state=state)


def dejmps_bd(
    weights1: ArrayLike, weights2: ArrayLike, *, p: ArrayLike = 1.0, eta: ArrayLike = 1.0
) -> DistillResult:
    """One DEJMPS step on Bell-diagonal pairs (``weights1`` kept, ``weights2`` sacrificed).

    ``weights1``, ``weights2``: float64 ``(..., 4)`` (broadcast); ``p``, ``eta`` in [0, 1]
    broadcasting to ``(...)``. Returns :class:`DistillResult` with float64 ``(...)`` success
    probability and float64 ``(..., 4)`` output weights.

    >>> r = dejmps_bd([0.8, 0.1, 0.05, 0.05], [0.8, 0.1, 0.05, 0.05])
    >>> print(np.round(r.success_probability, 4), np.round(r.state, 4))
    0.745 [0.8624 0.0168 0.1074 0.0134]
    """
    w1 = v.weights(weights1, "weights1")[..., list(DEJMPS_PERMUTATION)]
    w2 = v.weights(weights2, "weights2")[..., list(DEJMPS_PERMUTATION)]
    return _bilateral_cnot_bd(w1, w2, p, eta)


def bbpssw_bd(
    weights1: ArrayLike,
    weights2: ArrayLike,
    *,
    p: ArrayLike = 1.0,
    eta: ArrayLike = 1.0,
    twirl_output: bool = False,
) -> DistillResult:
    """One BBPSSW step: Werner-twirl both inputs (``PHI_PLUS`` target), bilateral CNOT, measure.

    ``weights*``: float64 ``(..., 4)``. With ``twirl_output=True`` the output is also
    depolarised to a Werner state (as in the original protocol); its fidelity is unchanged.
    Returns :class:`DistillResult` (float64 ``(...)`` and float64 ``(..., 4)``).

    >>> r = bbpssw_bd([0.7, 0.1, 0.1, 0.1], [0.7, 0.1, 0.1, 0.1], twirl_output=True)
    >>> print(np.round(r.success_probability, 4), np.round(r.state, 4))
    0.68 [0.7353 0.0882 0.0882 0.0882]
    """
    w1 = werner_twirl_bd(weights1)
    w2 = werner_twirl_bd(weights2)
    res = _bilateral_cnot_bd(w1, w2, p, eta)
    if twirl_output:
        fid = np.clip(fidelity_bd(np.clip(res.state, 0.0, 1.0)), 0.0, 1.0)
        res = DistillResult(res.success_probability, werner_bd(fid))
    return res


_I2 = np.eye(2, dtype=np.complex128)
_X2 = np.array([[0, 1], [1, 0]], dtype=np.complex128)


def _rx(theta: float) -> NDArray[np.complex128]:
    return np.cos(theta / 2) * _I2 - 1j * np.sin(theta / 2) * _X2


#: DEJMPS local rotation on one pair: Rx(pi/2) on Alice's qubit ⊗ Rx(-pi/2) on Bob's.
_DEJMPS_U = np.kron(_rx(np.pi / 2), _rx(-np.pi / 2))
_XX = [np.kron(np.linalg.matrix_power(_X2, a), np.linalg.matrix_power(_X2, b))
       for a in range(2) for b in range(2)]


def _bilateral_cnot_dm(
    r1: NDArray[np.complex128], r2: NDArray[np.complex128], p: ArrayLike, eta: ArrayLike
) -> DistillResult:
    r1, r2 = np.broadcast_arrays(r1, r2)
    batch = r1.shape[:-2]
    pp = np.broadcast_to(v.probability(p, "p"), batch)[..., None, None]
    g0, g1 = _acceptance(eta)
    g0 = np.broadcast_to(g0, batch)[..., None, None]
    g1 = np.broadcast_to(g1, batch)[..., None, None]
    t1 = r1.reshape(*batch, 2, 2, 2, 2)
    t2 = r2.reshape(*batch, 2, 2, 2, 2)
    r1a, r1b = np.einsum("...abcb->...ac", t1), np.einsum("...abac->...bc", t1)
    r2a, r2b = np.einsum("...abcb->...ac", t2), np.einsum("...abac->...bc", t2)
    out = np.zeros((*batch, 4, 4), dtype=np.complex128)
    for a in range(2):
        for b in range(2):
            g = g0 if a == b else g1
            xx = _XX[2 * a + b]
            # Ideal: rho1 ⊙ (X^a ⊗ X^b) rho2 (X^a ⊗ X^b).
            ideal = r1 * (xx @ r2 @ xx)
            # Alice's gate depolarised: I/4 on A1 (with A2 outcome weight) ⊗ Bob's CNOT output.
            xb = np.linalg.matrix_power(_X2, b)
            tau_b = r1b * (xb @ r2b @ xb)
            xa = np.linalg.matrix_power(_X2, a)
            tau_a = r1a * (xa @ r2a @ xa)
            alice_fail = np.einsum("ij,...kl->...ikjl", _I2 / 4, tau_b).reshape(*batch, 4, 4)
            bob_fail = np.einsum("...ij,kl->...ikjl", tau_a, _I2 / 4).reshape(*batch, 4, 4)
            both_fail = np.eye(4) / 16.0
            out = out + g * (
                pp * pp * ideal
                + (1 - pp) * pp * alice_fail
                + pp * (1 - pp) * bob_fail
                + (1 - pp) ** 2 * both_fail
            )
    prob = np.trace(out, axis1=-2, axis2=-1).real
    state = out / np.where(prob > 0, prob, 1.0)[..., None, None]
    return DistillResult(success_probability=prob, state=state)


def dejmps_dm(
    rho1: ArrayLike, rho2: ArrayLike, *, p: ArrayLike = 1.0, eta: ArrayLike = 1.0
) -> DistillResult:
    """One DEJMPS step on density matrices (``rho1`` kept, ``rho2`` sacrificed).

    ``rho1``, ``rho2``: complex128 ``(..., 4, 4)`` (broadcast); exact for arbitrary states.
    Returns :class:`DistillResult` (float64 ``(...)``, complex128 ``(..., 4, 4)``).

    >>> rho = bell_diagonal_to_density([0.8, 0.1, 0.05, 0.05])
    >>> r = dejmps_dm(rho, rho)
    >>> print(np.round(r.success_probability, 4), np.round(r.state[0, 0].real, 4))
    0.745 0.4849
    """
    u = _DEJMPS_U
    ud = np.conj(u.T)
    r1 = u @ v.density(rho1, "rho1") @ ud
    r2 = u @ v.density(rho2, "rho2") @ ud
    return _bilateral_cnot_dm(r1, r2, p, eta)


def bbpssw_dm(
    rho1: ArrayLike, rho2: ArrayLike, *, p: ArrayLike = 1.0, eta: ArrayLike = 1.0
) -> DistillResult:
    """One BBPSSW step on density matrices: inputs are Werner-twirled, so the output is BD.

    ``rho1``, ``rho2``: complex128 ``(..., 4, 4)``. Returns :class:`DistillResult`
    (float64 ``(...)``, complex128 ``(..., 4, 4)``).

    >>> rho = bell_diagonal_to_density([0.7, 0.1, 0.1, 0.1])
    >>> print(np.round(bbpssw_dm(rho, rho).success_probability, 4))
    0.68
    """
    from .bell import fidelity_dm

    w1 = werner_bd(np.clip(fidelity_dm(rho1), 0, 1))
    w2 = werner_bd(np.clip(fidelity_dm(rho2), 0, 1))
    res = _bilateral_cnot_bd(w1, w2, p, eta)
    return DistillResult(res.success_probability, bell_diagonal_to_density(res.state))
