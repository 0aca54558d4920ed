"""Entanglement swapping (Bell-state measurement) with BDCZ gate and readout noise.

Setting: pair 1 on qubits ``(A, B1)``, pair 2 on ``(B2, C)``. The repeater performs a Bell-state
measurement (BSM) on ``(B1, B2)``: ``CNOT(B1 -> B2)``, ``H(B1)``, measure both in ``Z``. The
measured bits ``(b1, b2)`` give the outcome ``m = 2*b1 + b2``, which is exactly the Bell index
of the projected state ``|B_m>`` of ``(B1, B2)`` in the QVCP convention
(:mod:`qvcp.reference.noise.bell`).

Composition rule: if the pairs are in ``B_k1`` and ``B_k2``, outcome ``m`` leaves ``(A, C)`` in
``B_(k1 XOR k2 XOR m)`` (up to a global phase); every outcome has probability 1/4. The
Pauli-frame correction ``I ⊗ X^x Z^z`` with ``2z+x = m`` on ``C`` gives ``B_(k1 XOR k2)``.

Noise model (Briegel, Dür, Cirac, Zoller, PRL 81, 5932 (1998); Dür, Briegel, Cirac, Zoller,
PRA 59, 169 (1999)):

* the two-qubit gate is ``rho -> p U rho U^dag + (1-p)/4 I_(B1B2) ⊗ tr_(B1B2) rho``
  (``p = 1`` perfect);
* each measured bit is reported correctly with probability ``eta`` (``eta = 1`` perfect),
  independently.

For Werner inputs with parameters ``w1, w2`` the corrected output fidelity is
``F = 1/4 + (3/4) p (4 eta^2 - 1)/3 w1 w2``.

The returned outcome is always the *reported* one, and states are conditioned on it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import _validate as v
from .bell import _FRAMES, _FRAMES_B, _XOR, _xor_convolve

#: Frames acting on the first qubit of a pair: P_k ⊗ I, shape (4, 4, 4).
_FRAMES_A = np.stack([np.kron(f, np.eye(2)) for f in _FRAMES])


@dataclass(frozen=True)
class SwapResult:
    """Deterministic result of a noisy swap.

    Attributes:
        probabilities: float64 ``(..., 4)``, probability of each reported outcome ``m``.
        states: outcome-conditioned, *uncorrected* ``(A, C)`` states: float64 ``(..., 4, 4)``
            (``[..., m, :]`` are BD weights) or complex128 ``(..., 4, 4, 4)`` (``[..., m, :, :]``
            are density matrices). Zero-probability outcomes hold all-zero arrays.
        corrected: the outcome-averaged state after the Pauli-frame correction: float64
            ``(..., 4)`` or complex128 ``(..., 4, 4)``.
    """

    probabilities: NDArray[np.float64]
    states: NDArray[np.float64] | NDArray[np.complex128]
    corrected: NDArray[np.float64] | NDArray[np.complex128]


def readout_error_distribution(eta: ArrayLike) -> NDArray[np.float64]:
    """Distribution of the reported-vs-true outcome XOR ``e`` for two bits read with ``eta``.

    Returns float64 ``(..., 4)``: ``(eta^2, eta(1-eta), eta(1-eta), (1-eta)^2)``.

    >>> print(readout_error_distribution(0.9))
    [0.81 0.09 0.09 0.01]
    """
    e = v.probability(eta, "eta")
    f = 1.0 - e
    return np.stack([e * e, e * f, e * f, f * f], axis=-1)


def swap_bd(
    weights1: ArrayLike, weights2: ArrayLike, *, p: ArrayLike = 1.0, eta: ArrayLike = 1.0
) -> SwapResult:
    """Noisy swap of Bell-diagonal pairs ``(A, B1)`` and ``(B2, C)``.

    ``weights1``, ``weights2``: float64 ``(..., 4)`` (broadcast); ``p``, ``eta`` in [0, 1]
    broadcasting to ``(...)``. Corrected output ``p (w1 * w2 * e) + (1-p)/4`` where ``*`` is
    the XOR convolution and ``e`` :func:`readout_error_distribution`. Outcome probabilities
    are all 1/4; ``states[..., m, j] = corrected[..., j ^ m]``.

    >>> r = swap_bd([0.9, 0.1, 0, 0], [1.0, 0, 0, 0])
    >>> print(r.probabilities, r.corrected)
    [0.25 0.25 0.25 0.25] [0.9 0.1 0.  0. ]
    >>> print(r.states[3])                 # outcome PSI_MINUS: B_k -> B_(k XOR 3)
    [0.  0.  0.1 0.9]
    """
    w1 = v.weights(weights1, "weights1")
    w2 = v.weights(weights2, "weights2")
    pp = v.probability(p, "p")[..., None]
    err = readout_error_distribution(eta)
    corrected = pp * _xor_convolve(_xor_convolve(w1, w2), err) + (1.0 - pp) / 4.0
    states = corrected[..., _XOR]
    probs = np.full(corrected.shape, 0.25)
    return SwapResult(probabilities=probs, states=states, corrected=corrected)


def _to_pairs(rho: NDArray[np.complex128]) -> NDArray[np.complex128]:
    """(..., 4, 4) -> (..., 2, 2, 2, 2) with axes [q0, q1, q0', q1']."""
    return rho.reshape(*rho.shape[:-2], 2, 2, 2, 2)


def swap_dm(
    rho1: ArrayLike, rho2: ArrayLike, *, p: ArrayLike = 1.0, eta: ArrayLike = 1.0
) -> SwapResult:
    """Noisy swap of density matrices ``rho1`` on ``(A, B1)`` and ``rho2`` on ``(B2, C)``.

    ``rho1``, ``rho2``: complex128 ``(..., 4, 4)`` (broadcast); ``p``, ``eta`` in [0, 1]
    broadcasting to ``(...)``. Exact for arbitrary (not only Bell-diagonal) inputs; see the
    module docstring for the model. States are complex128 ``(..., 4, 4, 4)``.

    >>> from qvcp.reference.noise.bell import bell_diagonal_to_density, twirl
    >>> phi = bell_diagonal_to_density([1.0, 0, 0, 0])
    >>> r = swap_dm(phi, phi)
    >>> print(np.round(r.probabilities, 3), np.round(twirl(r.states[1]), 3))
    [0.25 0.25 0.25 0.25] [0. 1. 0. 0.]
    """
    r1 = v.density(rho1, "rho1")
    r2 = v.density(rho2, "rho2")
    r1, r2 = np.broadcast_arrays(r1, r2)
    batch = r1.shape[:-2]
    pp = v.probability(p, "p")
    err = readout_error_distribution(eta)
    # M1[(a, a'), (b, b')] from rho1[a, b, a', b'].
    m1 = _to_pairs(r1).transpose(*range(len(batch)), -4, -2, -3, -1).reshape(*batch, 4, 4)
    # rho2 with the frame P_m (on B2) moved into the state: Q_m^dag rho2 Q_m, Q_m = P_m ⊗ I.
    q = _FRAMES_A
    r2m = np.conj(np.swapaxes(q, -1, -2)) @ r2[..., None, :, :] @ q  # (..., 4, 4, 4)
    nb = len(batch) + 1
    m2 = _to_pairs(r2m).transpose(*range(nb), -4, -2, -3, -1).reshape(*batch, 4, 4, 4)
    sigma = 0.5 * (m1[..., None, :, :] @ m2)  # (..., m, (a, a'), (c, c'))
    sigma = sigma.reshape(*batch, 4, 2, 2, 2, 2).transpose(*range(nb), -4, -2, -3, -1)
    sigma = sigma.reshape(*batch, 4, 4, 4)
    # Depolarised-gate branch: (1-p)/4 rho1_A ⊗ rho2_C for every outcome.
    ra = np.einsum("...abcb->...ac", _to_pairs(r1))
    rc = np.einsum("...babc->...ac", _to_pairs(r2))
    noise = np.einsum("...ac,...bd->...abcd", ra, rc).reshape(*batch, 4, 4) / 4.0
    pb = np.broadcast_to(pp, batch)[..., None, None, None]
    sigma = pb * sigma + (1.0 - pb) * noise[..., None, :, :]
    # Readout: reported r = true m XOR e.
    errb = np.broadcast_to(err, (*batch, 4))
    reported = errb[..., 0, None, None, None] * sigma
    for e in range(1, 4):
        reported = reported + errb[..., e, None, None, None] * sigma[..., _XOR[:, e], :, :]
    probs = np.trace(reported, axis1=-2, axis2=-1).real
    safe = np.where(probs > 0, probs, 1.0)
    states = np.where(probs[..., None, None] > 0, reported / safe[..., None, None], 0.0)
    corr = _FRAMES_B @ reported @ np.conj(np.swapaxes(_FRAMES_B, -1, -2))
    return SwapResult(probabilities=probs, states=states, corrected=corr.sum(axis=-3))


def sample_swap_bd(
    weights1: ArrayLike,
    weights2: ArrayLike,
    *,
    p: ArrayLike = 1.0,
    eta: ArrayLike = 1.0,
    rng: np.random.Generator,
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Sample reported BSM outcomes and the resulting *uncorrected* Bell-diagonal states.

    Inputs as :func:`swap_bd`; ``rng`` is an explicit ``numpy.random.Generator``.
    Returns ``(outcomes, states)``: int64 ``(...)`` Bell indices and float64 ``(..., 4)``.

    >>> m, w = sample_swap_bd([1.0, 0, 0, 0], [0, 1.0, 0, 0], rng=np.random.default_rng(7))
    >>> bool(w[int(m) ^ 1] == 1.0)       # state index = 0 XOR 1 XOR m
    True
    """
    gen = v.generator(rng)
    res = swap_bd(weights1, weights2, p=p, eta=eta)
    m = v.sample_categorical(res.probabilities, gen)
    states = np.take_along_axis(res.states, m[..., None, None], axis=-2)[..., 0, :]
    return m, states


def sample_swap_dm(
    rho1: ArrayLike,
    rho2: ArrayLike,
    *,
    p: ArrayLike = 1.0,
    eta: ArrayLike = 1.0,
    rng: np.random.Generator,
) -> tuple[NDArray[np.int64], NDArray[np.complex128]]:
    """Sample reported BSM outcomes and the resulting *uncorrected* density matrices.

    Inputs as :func:`swap_dm`; ``rng`` is an explicit ``numpy.random.Generator``.
    Returns ``(outcomes, states)``: int64 ``(...)`` and complex128 ``(..., 4, 4)``.

    >>> from qvcp.reference.noise.bell import bell_diagonal_to_density, fidelity_dm
    >>> phi = bell_diagonal_to_density([1.0, 0, 0, 0])
    >>> m, rho = sample_swap_dm(phi, phi, rng=np.random.default_rng(7))
    >>> print(np.round(fidelity_dm(rho, target=int(m)), 6))
    1.0
    """
    gen = v.generator(rng)
    res = swap_dm(rho1, rho2, p=p, eta=eta)
    m = v.sample_categorical(res.probabilities, gen)
    states = np.take_along_axis(res.states, m[..., None, None, None], axis=-3)[..., 0, :, :]
    return m, states
