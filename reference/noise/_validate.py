"""Private input-validation helpers shared by the noise modules (not public API)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

#: Flat (row-major) positions of (upper, lower) off-diagonal pairs of a 4x4 matrix.
_HERMITIAN_PAIRS = ((1, 4), (2, 8), (3, 12), (6, 9), (7, 13), (11, 14))

#: Absolute tolerance used when checking that probabilities / weights sum to one.
SUM_TOL = 1e-8
_ONES4 = np.ones(4)


def probability(value: ArrayLike, name: str) -> NDArray[np.float64]:
    """Return ``value`` as float64 array, raising ValueError unless every entry is in [0, 1]."""
    arr = np.asarray(value, dtype=np.float64)
    if not np.all(np.isfinite(arr)) or np.any(arr < 0.0) or np.any(arr > 1.0):
        raise ValueError(f"{name} must be a probability in [0, 1], got {value!r}")
    return arr


def non_negative(value: ArrayLike, name: str) -> NDArray[np.float64]:
    """Return ``value`` as float64 array, raising ValueError unless every entry is >= 0."""
    arr = np.asarray(value, dtype=np.float64)
    if np.any(np.isnan(arr)) or np.any(arr < 0.0):
        raise ValueError(f"{name} must be non-negative, got {value!r}")
    return arr


def positive(value: ArrayLike, name: str) -> NDArray[np.float64]:
    """Return ``value`` as float64 array, raising ValueError unless every entry is > 0."""
    arr = np.asarray(value, dtype=np.float64)
    if np.any(np.isnan(arr)) or np.any(arr <= 0.0):
        raise ValueError(f"{name} must be positive, got {value!r}")
    return arr


def weights(value: ArrayLike, name: str = "weights") -> NDArray[np.float64]:
    """Validate Bell-diagonal weights: shape (..., 4), entries in [0, 1], summing to 1."""
    arr = np.asarray(value)
    if np.iscomplexobj(arr):
        if np.any(np.abs(arr.imag) > SUM_TOL):
            raise ValueError(f"{name} must be real")
        arr = arr.real
    arr = np.asarray(arr, dtype=np.float64)
    if arr.ndim < 1 or arr.shape[-1] != 4:
        raise ValueError(f"{name} must have shape (..., 4), got {arr.shape}")
    if arr.size == 0:
        return arr
    # min/max propagate NaN, and the negated comparisons reject it.
    if not (arr.min() >= -SUM_TOL and arr.max() <= 1.0 + SUM_TOL):
        raise ValueError(f"{name} entries must lie in [0, 1]")
    if not np.abs(arr @ _ONES4 - 1.0).max() <= SUM_TOL:
        raise ValueError(f"{name} must sum to 1 along the last axis")
    return arr


def pauli_probabilities(value: ArrayLike, name: str = "probs") -> NDArray[np.float64]:
    """Validate Pauli-channel probabilities (pI, pX, pY, pZ): shape (..., 4), summing to 1."""
    return weights(value, name)


def density(value: ArrayLike, name: str = "rho") -> NDArray[np.complex128]:
    """Validate two-qubit density matrices: shape (..., 4, 4), Hermitian, unit trace."""
    arr = np.asarray(value, dtype=np.complex128)
    if arr.ndim < 2 or arr.shape[-2:] != (4, 4):
        raise ValueError(f"{name} must have shape (..., 4, 4), got {arr.shape}")
    if arr.size == 0:
        return arr
    flat = arr.reshape(-1, 16)
    worst = 0.0
    for u, low in _HERMITIAN_PAIRS:
        re = flat[:, u].real - flat[:, low].real
        im = flat[:, u].imag + flat[:, low].imag
        worst = max(worst, re.max(), -re.min(), im.max(), -im.min())
    trace = flat[:, 0] + flat[:, 5] + flat[:, 10] + flat[:, 15]
    # NaN/inf fail the negated comparisons below.
    if not worst <= 1e-8:
        raise ValueError(f"{name} must be finite and Hermitian")
    if not (np.abs(trace.real - 1.0).max() <= SUM_TOL and np.abs(trace.imag).max() <= SUM_TOL):
        raise ValueError(f"{name} must have unit trace")
    return arr


def qubit_selector(qubit: int | str, name: str = "qubit") -> tuple[int, ...]:
    """Translate ``qubit`` (0, 1 or "both") into a tuple of qubit positions."""
    if isinstance(qubit, str):
        if qubit == "both":
            return (0, 1)
        raise ValueError(f"{name} must be 0, 1 or 'both', got {qubit!r}")
    if isinstance(qubit, (int, np.integer)) and not isinstance(qubit, bool) and qubit in (0, 1):
        return (int(qubit),)
    raise ValueError(f"{name} must be 0, 1 or 'both', got {qubit!r}")


def target_index(target: int, name: str = "target") -> int:
    """Validate a Bell index (0..3)."""
    if isinstance(target, bool) or not isinstance(target, (int, np.integer)) or not 0 <= target < 4:
        raise ValueError(f"{name} must be a Bell index 0..3, got {target!r}")
    return int(target)


def generator(rng: object, name: str = "rng") -> np.random.Generator:
    """Require an explicit ``numpy.random.Generator`` (never global randomness)."""
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"{name} must be a numpy.random.Generator, got {type(rng).__name__}")
    return rng


def sample_categorical(probs: NDArray[np.float64], rng: np.random.Generator) -> NDArray[np.int64]:
    """Sample one index per row of ``probs`` (shape (..., k), rows need not be normalised)."""
    cdf = np.cumsum(probs, axis=-1)
    u = rng.random(probs.shape[:-1]) * cdf[..., -1]
    return (u[..., None] >= cdf[..., :-1]).sum(axis=-1).astype(np.int64)
