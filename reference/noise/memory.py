"""Idle-memory decoherence (T1 relaxation + T2 dephasing) as a function of elapsed time.

Model (standard combined amplitude-damping / pure-dephasing channel, e.g. Nielsen & Chuang
§8.3.5-8.3.6): after an idle time ``t`` (seconds, float64) a qubit's excited population
``|1><1|`` relaxes to ``|0>`` with probability ``gamma = 1 - exp(-t/T1)``, and its coherence
``<0|rho|1>`` is multiplied by ``exp(-t/T2)``. This is amplitude damping ``gamma`` followed
by a dephasing ``rho -> (1-p) rho + p Z rho Z`` with
``1 - 2p = exp(-t (1/T2 - 1/(2 T1)))``, which requires ``T2 <= 2 T1`` (validated).
``T1 = inf`` gives pure dephasing. The channel depends only on the elapsed time and forms a
semigroup: idling ``t1`` then ``t2`` equals idling ``t1 + t2`` (density-matrix path).

For Bell-diagonal weights, :func:`decohere_bd` applies the *Pauli twirl* of this channel.
Its output equals exactly :func:`~qvcp.reference.noise.bell.twirl` of the density-matrix
result, so all Bell-state fidelities are exact; only off-diagonal Bell coherences created by
amplitude damping are dropped (so with finite T1, compute one idle period from the total
elapsed time rather than chaining many short periods in the Bell-diagonal representation).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import _validate as v
from .bell import _xor_convolve
from .channels import apply_kraus_dm, dephasing_probabilities, pauli_channel_bd

_I2 = np.eye(2, dtype=np.complex128)


def memory_parameters(
    t: ArrayLike, *, t1: ArrayLike, t2: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Return ``(gamma, p_dephase)`` for an idle time ``t`` (s) with relaxation times T1, T2 (s).

    ``t >= 0``, ``t1 > 0``, ``0 < t2 <= 2*t1`` (``inf`` allowed); all float64, broadcasting.
    ``gamma = 1 - exp(-t/T1)``; ``p_dephase = (1 - exp(-t (1/T2 - 1/(2 T1))))/2``.

    >>> g, p = memory_parameters(1.0, t1=1.0, t2=2.0)
    >>> print(np.round(g, 4), np.round(p, 4))
    0.6321 0.0
    """
    tt = v.non_negative(t, "t")
    a1 = v.positive(t1, "t1")
    a2 = v.positive(t2, "t2")
    if np.any(a2 > 2.0 * a1 * (1.0 + 1e-12)):
        raise ValueError("t2 must satisfy t2 <= 2 * t1")
    gamma = -np.expm1(-tt / a1)
    rate = np.maximum(1.0 / a2 - 0.5 / a1, 0.0)
    p_dephase = -np.expm1(-tt * rate) / 2.0
    return gamma, p_dephase


def memory_pauli_probabilities(
    t: ArrayLike, *, t1: ArrayLike, t2: ArrayLike
) -> NDArray[np.float64]:
    """Pauli-twirled T1/T2 channel probabilities ``(p_I, p_X, p_Y, p_Z)`` (float64 ``(..., 4)``).

    With ``s = exp(-t/(2 T1))`` and ``c = exp(-t/T2)``:
    ``p_X = p_Y = (1 - s^2)/4``, ``p_I = (1 + s^2 + 2c)/4``, ``p_Z = (1 + s^2 - 2c)/4``.

    >>> print(np.round(memory_pauli_probabilities(1.0, t1=np.inf, t2=1.0), 4))
    [0.6839 0.     0.     0.3161]
    """
    gamma, p_deph = memory_parameters(t, t1=t1, t2=t2)
    s = np.sqrt(1.0 - gamma)
    # Twirl of amplitude damping in Bell-index order (I, X, Z, Y); then compose with dephasing.
    ad = np.stack([(1 + s) ** 2 / 4, gamma / 4, (1 - s) ** 2 / 4, gamma / 4], axis=-1)
    deph = dephasing_probabilities(p_deph)[..., [0, 1, 3, 2]]
    return _xor_convolve(ad, deph)[..., [0, 1, 3, 2]]


def memory_kraus(t: ArrayLike, *, t1: ArrayLike, t2: ArrayLike) -> NDArray[np.complex128]:
    """Four Kraus operators of the T1/T2 idle channel, complex128 ``(4, ..., 2, 2)``.

    ``sqrt(1-p) K0``, ``sqrt(1-p) K1``, ``sqrt(p) Z K0``, ``sqrt(p) Z K1`` with ``K0, K1`` the
    amplitude-damping Kraus operators (``gamma``) and ``p`` the dephasing probability.

    >>> print(memory_kraus(0.0, t1=1.0, t2=1.0).shape)
    (4, 2, 2)
    """
    gamma, p = memory_parameters(t, t1=t1, t2=t2)
    k = np.zeros((4, *np.broadcast(gamma, p).shape, 2, 2), dtype=np.complex128)
    a, b = np.sqrt(1.0 - p), np.sqrt(p)
    k[0, ..., 0, 0] = a
    k[0, ..., 1, 1] = a * np.sqrt(1.0 - gamma)
    k[1, ..., 0, 1] = a * np.sqrt(gamma)
    k[2, ..., 0, 0] = b
    k[2, ..., 1, 1] = -b * np.sqrt(1.0 - gamma)
    k[3, ..., 0, 1] = b * np.sqrt(gamma)
    return k


def decohere_dm(
    rho: ArrayLike,
    t: ArrayLike,
    *,
    t1: ArrayLike,
    t2: ArrayLike,
    qubit: int | str = 0,
) -> NDArray[np.complex128]:
    """Apply T1/T2 decoherence for elapsed time ``t`` (seconds) to density matrices.

    ``rho``: complex128 ``(..., 4, 4)``; ``t``, ``t1``, ``t2``: float64 seconds, scalars or
    shape ``(...)``. ``qubit``: 0, 1 or ``"both"`` (same ``t`` for both). Returns complex128
    ``(..., 4, 4)``.

    >>> from qvcp.reference.noise.bell import bell_diagonal_to_density, fidelity_dm
    >>> rho = decohere_dm(bell_diagonal_to_density([1.0, 0, 0, 0]), 1.0, t1=2.0, t2=1.0)
    >>> print(np.round(fidelity_dm(rho), 4))     # (1 + e^-0.5 + 2 e^-1)/4
    0.5856
    """
    return apply_kraus_dm(rho, memory_kraus(t, t1=t1, t2=t2), qubit=qubit)


def decohere_bd(
    weights: ArrayLike,
    t: ArrayLike,
    *,
    t1: ArrayLike,
    t2: ArrayLike,
    qubit: int | str = 0,
) -> NDArray[np.float64]:
    """Pauli-twirled T1/T2 decoherence for elapsed time ``t`` (seconds) on BD weights.

    ``weights``: float64 ``(..., 4)``; ``t``, ``t1``, ``t2``: float64 seconds broadcasting to
    ``(...)``. Equals the Bell twirl of :func:`decohere_dm` (exact Bell-state fidelities).
    Returns float64 ``(..., 4)``.

    >>> print(np.round(decohere_bd([1.0, 0, 0, 0], 1.0, t1=2.0, t2=1.0), 4))
    [0.5856 0.0984 0.2177 0.0984]
    """
    return pauli_channel_bd(weights, memory_pauli_probabilities(t, t1=t1, t2=t2), qubit=qubit)
