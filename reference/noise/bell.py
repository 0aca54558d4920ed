"""Bell-diagonal and density-matrix representations of a two-qubit pair.

Conventions (shared with the QVCP wire protocol):

* Bell index ``k = 2*z + x`` denotes ``|B_k> = (I ⊗ X^x Z^z)|Phi+>``: the Pauli frame acts on
  the second qubit, ``Z`` first then ``X``. Hence ``0 = PHI_PLUS``, ``1 = PSI_PLUS``,
  ``2 = PHI_MINUS``, ``3 = PSI_MINUS``, with ``|Psi-> = (|01> - |10>)/sqrt(2)``.
* Bell-diagonal weights: float64 arrays of shape ``(..., 4)`` ordered by Bell index.
* Density matrices: complex128 arrays of shape ``(..., 4, 4)`` in the basis
  ``|00>, |01>, |10>, |11>``; qubit 0 (``A``) is the most significant bit.
* A Pauli ``X^x Z^z`` on *either* qubit maps ``B_k`` to ``B_(k XOR (2z+x))`` (up to a global
  phase), so Pauli frames compose by XOR; entanglement swapping composes likewise (see
  :mod:`qvcp.reference.noise.swap`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import _validate as v

BELL_NAMES: tuple[str, str, str, str] = ("PHI_PLUS", "PSI_PLUS", "PHI_MINUS", "PSI_MINUS")
PHI_PLUS, PSI_PLUS, PHI_MINUS, PSI_MINUS = 0, 1, 2, 3

_S = 1.0 / np.sqrt(2.0)
#: Rows are the Bell kets |B_k> in the computational basis, shape (4, 4), complex128.
BELL_VECTORS: NDArray[np.complex128] = np.array(
    [[_S, 0, 0, _S], [0, _S, _S, 0], [_S, 0, 0, -_S], [0, _S, -_S, 0]], dtype=np.complex128
)
BELL_VECTORS.setflags(write=False)

#: XOR table: ``_XOR[j, s] == j ^ s``.
_XOR = np.bitwise_xor.outer(np.arange(4), np.arange(4))

#: Expectation values (<XX>, <YY>, <ZZ>) of each Bell state, shape (4, 3), float64.
BELL_CORRELATORS: NDArray[np.float64] = np.array(
    [[1.0, -1.0, 1.0], [1.0, 1.0, -1.0], [-1.0, 1.0, 1.0], [-1.0, -1.0, -1.0]]
)
BELL_CORRELATORS.setflags(write=False)


def compose_bell_index(*indices: ArrayLike) -> int | NDArray[np.int64]:
    """XOR-compose Bell indices / Pauli frames (each 0..3; arrays broadcast).

    Returns a Python ``int`` when every argument is a scalar, else an int64 array of the
    broadcast shape. With no argument the identity frame ``0`` is returned.

    >>> compose_bell_index(1, 2)
    3
    >>> compose_bell_index(3, 1, 1)
    3
    >>> compose_bell_index([0, 1, 2, 3], 3).tolist()
    [3, 2, 1, 0]
    """
    result: NDArray[np.int64] = np.zeros((), dtype=np.int64)
    for i, idx in enumerate(indices):
        arr = np.asarray(idx)
        if arr.dtype.kind not in "iu" or np.any(arr < 0) or np.any(arr > 3):
            raise ValueError(f"indices[{i}] must be Bell indices in 0..3, got {idx!r}")
        result = np.bitwise_xor(result, arr.astype(np.int64))
    if result.ndim == 0:
        return int(result)
    return result


def _xor_convolve(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    """``c[..., j] = sum_s a[..., s] * b[..., j ^ s]`` (convolution over Z2 x Z2)."""
    a, b = np.broadcast_arrays(a, b)
    out = a[..., 0:1] * b
    for s in range(1, 4):
        out = out + a[..., s : s + 1] * b[..., _XOR[:, s]]
    return out


def bell_diagonal_to_density(weights: ArrayLike) -> NDArray[np.complex128]:
    """Density matrix ``sum_k weights[k] |B_k><B_k|``.

    ``weights``: float64, shape ``(..., 4)``, non-negative, summing to one.
    Returns complex128, shape ``(..., 4, 4)``.

    >>> rho = bell_diagonal_to_density([1.0, 0.0, 0.0, 0.0])
    >>> print(np.round(rho.real, 3))
    [[0.5 0.  0.  0.5]
     [0.  0.  0.  0. ]
     [0.  0.  0.  0. ]
     [0.5 0.  0.  0.5]]
    """
    w = v.weights(weights)
    out = np.zeros((*w.shape[:-1], 4, 4), dtype=np.complex128)
    phi_sum, phi_diff = (w[..., 0] + w[..., 2]) / 2, (w[..., 0] - w[..., 2]) / 2
    psi_sum, psi_diff = (w[..., 1] + w[..., 3]) / 2, (w[..., 1] - w[..., 3]) / 2
    out[..., 0, 0] = out[..., 3, 3] = phi_sum
    out[..., 0, 3] = out[..., 3, 0] = phi_diff
    out[..., 1, 1] = out[..., 2, 2] = psi_sum
    out[..., 1, 2] = out[..., 2, 1] = psi_diff
    return out


def twirl(rho: ArrayLike) -> NDArray[np.float64]:
    """Bell twirl: the Bell-diagonal weights ``<B_k|rho|B_k>`` of a density matrix.

    This is the exact result of twirling ``rho`` with the (bilateral) Pauli group; it keeps
    the fidelity to every Bell state. ``rho``: complex128, shape ``(..., 4, 4)``.
    Returns float64 weights, shape ``(..., 4)``.

    >>> rho = np.diag([0.5, 0.0, 0.0, 0.5]).astype(complex)   # classical |00>/|11> mixture
    >>> print(twirl(rho))
    [0.5 0.  0.5 0. ]
    """
    r = v.density(rho)
    d00, d11, d22, d33 = (r[..., i, i].real for i in range(4))
    c03 = r[..., 0, 3].real
    c12 = r[..., 1, 2].real
    out = np.stack(
        [(d00 + d33) / 2 + c03, (d11 + d22) / 2 + c12, (d00 + d33) / 2 - c03,
         (d11 + d22) / 2 - c12],
        axis=-1,
    )
    return out


def density_to_bell_diagonal(rho: ArrayLike, *, atol: float = 1e-9) -> NDArray[np.float64]:
    """Exact conversion of a Bell-diagonal density matrix to its weights.

    ``rho``: complex128, shape ``(..., 4, 4)``. Raises ``ValueError`` (naming ``rho``) if
    any matrix is not diagonal in the Bell basis within ``atol``; use :func:`twirl` to
    project an arbitrary state. Returns float64 weights, shape ``(..., 4)``.

    >>> w = np.array([0.7, 0.1, 0.1, 0.1])
    >>> print(density_to_bell_diagonal(bell_diagonal_to_density(w)))
    [0.7 0.1 0.1 0.1]
    """
    r = v.density(rho)
    w = twirl(r)
    if np.any(np.abs(bell_diagonal_to_density(np.clip(w, 0, 1)) - r) > atol):
        raise ValueError("rho is not Bell-diagonal (use twirl() to project it)")
    return w


def fidelity_bd(weights: ArrayLike, *, target: int = PHI_PLUS) -> NDArray[np.float64]:
    """Fidelity ``<B_target|rho|B_target>`` of Bell-diagonal weights (shape ``(..., 4)``).

    Returns float64, shape ``(...)``.

    >>> print(fidelity_bd([0.7, 0.1, 0.1, 0.1], target=PSI_PLUS))
    0.1
    """
    return v.weights(weights)[..., v.target_index(target)]


def fidelity_dm(rho: ArrayLike, *, target: int = PHI_PLUS) -> NDArray[np.float64]:
    """Fidelity ``<B_target|rho|B_target>`` of density matrices (shape ``(..., 4, 4)``).

    Returns float64, shape ``(...)``.

    >>> print(fidelity_dm(bell_diagonal_to_density([0.7, 0.1, 0.1, 0.1])))
    0.7
    """
    r = v.density(rho)
    t = v.target_index(target)
    if t in (PHI_PLUS, PHI_MINUS):
        pop, coh = r[..., 0, 0].real + r[..., 3, 3].real, r[..., 0, 3].real
    else:
        pop, coh = r[..., 1, 1].real + r[..., 2, 2].real, r[..., 1, 2].real
    return pop / 2 + coh if t in (PHI_PLUS, PSI_PLUS) else pop / 2 - coh


def werner_parameter(fidelity: ArrayLike) -> NDArray[np.float64]:
    """Werner parameter ``w = (4F - 1)/3`` from a fidelity ``F`` in [0, 1] (any shape).

    >>> print(np.round(werner_parameter(0.85), 12))
    0.8
    """
    f = v.probability(fidelity, "fidelity")
    return (4.0 * f - 1.0) / 3.0


def werner_fidelity(w: ArrayLike) -> NDArray[np.float64]:
    """Fidelity ``F = (1 + 3w)/4`` of a Werner state with parameter ``w`` in [-1/3, 1].

    >>> print(np.round(werner_fidelity(0.8), 12))
    0.85
    """
    arr = np.asarray(w, dtype=np.float64)
    if np.any(np.isnan(arr)) or np.any(arr < -1.0 / 3.0 - 1e-12) or np.any(arr > 1.0):
        raise ValueError(f"w must lie in [-1/3, 1], got {w!r}")
    return (1.0 + 3.0 * arr) / 4.0


def werner_bd(fidelity: ArrayLike, *, target: int = PHI_PLUS) -> NDArray[np.float64]:
    """Bell-diagonal weights of the Werner state ``F |B_t><B_t| + (1-F)/3 (others)``.

    ``fidelity``: float in [0, 1], any shape ``(...)``. Returns float64, shape ``(..., 4)``.

    >>> print(werner_bd(0.7))
    [0.7 0.1 0.1 0.1]
    """
    f = v.probability(fidelity, "fidelity")
    t = v.target_index(target)
    out = np.repeat(((1.0 - f) / 3.0)[..., None], 4, axis=-1)
    out[..., t] = f
    return out


def werner_twirl_bd(weights: ArrayLike, *, target: int = PHI_PLUS) -> NDArray[np.float64]:
    """Depolarise Bell-diagonal weights into the Werner state with the same target fidelity.

    ``weights``: float64, shape ``(..., 4)``. Returns float64, shape ``(..., 4)``.

    >>> print(werner_twirl_bd([0.7, 0.3, 0.0, 0.0]))
    [0.7 0.1 0.1 0.1]
    """
    return werner_bd(np.clip(fidelity_bd(weights, target=target), 0, 1), target=target)


def pauli_frame_bd(weights: ArrayLike, index: ArrayLike) -> NDArray[np.float64]:
    """Apply the Pauli ``X^x Z^z`` (``index = 2z+x``) to one qubit: ``B_k -> B_(k XOR index)``.

    ``weights``: float64, shape ``(..., 4)``; ``index``: int in 0..3, scalar or shape ``(...)``.
    Returns float64, shape ``(..., 4)``: ``out[..., j] = weights[..., j ^ index]``.

    >>> print(pauli_frame_bd([0.0, 1.0, 0.0, 0.0], 3))
    [0. 0. 1. 0.]
    """
    w = v.weights(weights)
    idx = np.asarray(compose_bell_index(index))
    cols = np.bitwise_xor(np.arange(4), idx[..., None])
    w, cols = np.broadcast_arrays(w, cols)
    return np.take_along_axis(w, cols, axis=-1)


_X = np.array([[0, 1], [1, 0]], dtype=np.complex128)
_Z = np.diag([1.0, -1.0]).astype(np.complex128)
_I2 = np.eye(2, dtype=np.complex128)
#: Single-qubit Pauli frames P_k = X^x Z^z indexed by Bell index, shape (4, 2, 2).
_FRAMES = np.stack([_I2, _X, _Z, _X @ _Z])
#: Frames acting on the second qubit of a pair: I ⊗ P_k, shape (4, 4, 4).
_FRAMES_B = np.stack([np.kron(_I2, f) for f in _FRAMES])


def pauli_frame_dm(rho: ArrayLike, index: ArrayLike) -> NDArray[np.complex128]:
    """Apply ``I ⊗ X^x Z^z`` (``index = 2z+x``) to density matrices: ``B_k -> B_(k XOR index)``.

    ``rho``: complex128, shape ``(..., 4, 4)``; ``index``: int 0..3, scalar or shape ``(...)``.
    Returns complex128, shape ``(..., 4, 4)``.

    >>> rho = pauli_frame_dm(bell_diagonal_to_density([1.0, 0, 0, 0]), 3)
    >>> print(np.round(twirl(rho), 3))
    [0. 0. 0. 1.]
    """
    r = v.density(rho)
    u = _FRAMES_B[np.asarray(compose_bell_index(index))]
    return u @ r @ np.conj(np.swapaxes(u, -1, -2))
