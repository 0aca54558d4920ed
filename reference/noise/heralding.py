"""Heralded entanglement generation over fibre with a midpoint heralding station.

Units: distances in kilometres, times in seconds (float64). The two nodes are ``distance_km``
apart; the heralding station (50:50 beam splitter + two threshold detectors) sits at the
midpoint, so each photon crosses ``distance_km / 2`` of fibre with transmissivity
``10^(-attenuation_db_per_km * distance_km / 20)``. ``eta`` below is that transmissivity
times ``detector_efficiency``. Light travels in fibre at ``c / 1.44``.

Attempt duration: ``rounds * preparation_time + distance_km / v_fibre`` — photons travel to
the midpoint (``L/2``) and the herald travels back (``L/2``); ``rounds`` is 1 for single-click
and 2 for double-click (two emissions per attempt). Attempts are independent, so the number
of attempts to the first success is geometric; :func:`sample_link_generation` samples it
directly (no loop over failed attempts).

Single-click (Cabrillo et al. PRA 59, 1025 (1999); Humphreys et al. Nature 558, 268 (2018);
Rozpędek et al. PRA 99, 052330 (2019), pure-loss model, no dark counts, perfect phase
stability and indistinguishability): each node prepares
``sqrt(1-alpha)|0>|no photon> + sqrt(alpha)|1>|photon>`` (``|1>`` is the bright state).
A click in exactly one detector heralds success::

    p_succ = 1 - (1 - alpha*eta)^2 = 2 alpha eta - alpha^2 eta^2  (~ 2 alpha eta)
    rho    = [2 alpha (1-alpha) eta |Psi±><Psi±| + alpha^2 eta (2-eta) |11><11|] / p_succ
    F      = 2 (1-alpha) / (2 - alpha eta)                          (-> 1 - alpha as eta -> 0)

Detector 0 heralds ``PSI_PLUS`` (index 1), detector 1 ``PSI_MINUS`` (index 3), each with
probability 1/2. The ``|11>`` term comes from both nodes emitting, with at least one photon
detected (the two photons bunch on one detector).

Double-click (Barrett & Kok, PRA 71, 060310(R) (2005); Bernien et al. Nature 497, 86 (2013)):
each node prepares ``(|0>|no photon> + |1>|photon>)/sqrt(2)``, emits, flips its spin, emits
again; success needs one click in each round::

    p_succ = eta^2 / 2,   rho = |Psi±><Psi±|  (F = 1 in the pure-loss model)

The same detector in both rounds heralds ``PSI_PLUS``, different detectors ``PSI_MINUS``.

Detector and photon imperfections (both models), following the imperfection models of
Rozpędek et al. PRA 99, 052330 (2019) and Hermans et al., arXiv:2208.07449 (2022); the closed
forms below are derived for this model and checked against a QuTiP simulation of it: each
threshold detector also clicks with probability ``p_dc`` per detection window
without a photon (a dark count, ``d = p_dc (1 - p_dc)`` for "this detector alone",
``n = 1 - p_dc`` for "the other one silent"); the two nodes' photons overlap with
``<psi_A|psi_B> = sqrt(V)``, ``V`` the Hong-Ou-Mandel visibility (two photons leave the beam
splitter by the same port with probability ``(1 + V)/2``); a memory's retrieval efficiency
``eta_ret`` multiplies ``eta``. Only a photon that reaches a detector carries coherence (a
lost photon leaves which-path information in the fibre). Per herald pattern (unnormalised
weights on ``|00>``, ``|01>`` and ``|10>`` each, the ``|01><10|`` coherence ``c``, ``|11>``)::

    single click:  (1-a)^2 d,  a(1-a)(eta n/2 + (1-eta) d),  a(1-a) eta n sqrt(V)/2,
                   a^2 ((1-eta)^2 d + eta(1-eta) n + eta^2 n (1+V)/4)
    double click:  with s = eta n/2 + (1-eta) d per round and
                   P2 = 2 (1-eta)^2 d + 2 eta(1-eta) n + eta^2 n (1+V)/2 (two photons, one
                   detector alone): d P2/8,  s^2/4,  (eta n/2)^2 V/4,  d P2/8

``p_succ`` is twice (single click) or four times (double click) the pattern's total and
``F = (w01 + c)/total``; without dark counts the double-click fidelity is ``(1 + V)/2``. The
``c`` sign is ``+`` for ``PSI_PLUS`` heralds, ``-`` for ``PSI_MINUS``. The QuTiP check
(tests/noise/test_heralding_imperfect.py) simulates Fock modes with two internal photon modes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import _validate as v
from .bell import BELL_VECTORS, PSI_MINUS, PSI_PLUS, twirl

SPEED_OF_LIGHT = 299_792_458.0
FIBRE_REFRACTIVE_INDEX = 1.44
#: Speed of light in fibre, m/s.
SPEED_IN_FIBRE = SPEED_OF_LIGHT / FIBRE_REFRACTIVE_INDEX


def fibre_transmissivity(
    distance_km: ArrayLike, *, attenuation_db_per_km: float = 0.2
) -> NDArray[np.float64]:
    """Power transmissivity ``10^(-att * L / 10)`` of ``distance_km`` of fibre (float64).

    >>> print(np.round(fibre_transmissivity(50.0), 6))
    0.1
    """
    length = v.non_negative(distance_km, "distance_km")
    att = v.non_negative(attenuation_db_per_km, "attenuation_db_per_km")
    return 10.0 ** (-att * length / 10.0)


def fibre_delay(distance_km: ArrayLike) -> NDArray[np.float64]:
    """One-way propagation time (seconds, float64) over ``distance_km`` at ``c / 1.44``.

    >>> print(f"{fibre_delay(1.0) * 1e6:.4f} us")
    4.8033 us
    """
    return v.non_negative(distance_km, "distance_km") * 1000.0 / SPEED_IN_FIBRE


@dataclass(frozen=True)
class HeraldedLink:
    """Per-attempt model of a heralded link.

    Attributes:
        success_probability: probability that one attempt heralds success (float).
        attempt_duration: seconds per attempt (float).
        herald_indices: Bell index announced by each herald pattern, int64 ``(2,)``.
        herald_probabilities: probability of each pattern given success, float64 ``(2,)``.
        states: delivered density matrix for each pattern, complex128 ``(2, 4, 4)``.
        fidelity: fidelity of the delivered state to its announced Bell state (float).
    """

    success_probability: float
    attempt_duration: float
    herald_indices: NDArray[np.int64]
    herald_probabilities: NDArray[np.float64]
    states: NDArray[np.complex128]
    fidelity: float

    @property
    def bell_diagonal(self) -> NDArray[np.float64]:
        """Bell twirl of :attr:`states`, float64 ``(2, 4)``."""
        return twirl(self.states)

    @property
    def rate(self) -> float:
        """Mean entangled pairs per second, ``p_succ / attempt_duration`` (float)."""
        return self.success_probability / self.attempt_duration


def _eta(distance_km: float, detector_efficiency: float, attenuation_db_per_km: float,
         retrieval_efficiency: float = 1.0) -> float:
    det = float(v.probability(detector_efficiency, "detector_efficiency"))
    ret = float(v.probability(retrieval_efficiency, "retrieval_efficiency"))
    half = float(v.non_negative(distance_km, "distance_km")) / 2.0
    eta = det * float(fibre_transmissivity(half, attenuation_db_per_km=attenuation_db_per_km))
    return eta if ret == 1.0 else eta * ret


def _duration(distance_km: float, preparation_time: float, rounds: int) -> float:
    prep = float(v.non_negative(preparation_time, "preparation_time"))
    return rounds * prep + float(fibre_delay(distance_km))


def _proj(k: int) -> NDArray[np.complex128]:
    b = BELL_VECTORS[k]
    return np.outer(b, np.conj(b))


def single_click_link(
    *,
    distance_km: float,
    alpha: float,
    detector_efficiency: float = 1.0,
    attenuation_db_per_km: float = 0.2,
    preparation_time: float = 0.0,
    dark_count_probability: float = 0.0,
    visibility: float = 1.0,
    retrieval_efficiency: float = 1.0,
) -> HeraldedLink:
    """Single-click (bright-state ``alpha``) heralded link; formulas in the module docstring.

    Scalar float parameters; ``distance_km`` is the node-to-node distance, ``preparation_time``
    seconds per emission. ``dark_count_probability`` (per detector and detection window),
    ``visibility`` (Hong-Ou-Mandel visibility of the two nodes' photons) and
    ``retrieval_efficiency`` (per photon, multiplies ``eta``) default to the ideal values, which
    give the pure-loss forms. Raises ``ValueError`` naming an invalid parameter.

    >>> link = single_click_link(distance_km=0.0, alpha=0.1)
    >>> print(np.round(link.success_probability, 4), np.round(link.fidelity, 4))
    0.19 0.9474
    >>> link = single_click_link(distance_km=0.0, alpha=0.1, visibility=0.81)
    >>> print(np.round(link.success_probability, 4), np.round(link.fidelity, 4))
    0.1891 0.9045
    """
    a = float(v.probability(alpha, "alpha"))
    eta = _eta(distance_km, detector_efficiency, attenuation_db_per_km, retrieval_efficiency)
    pdc, vis = _imperfections(dark_count_probability, visibility)
    if pdc == 0.0 and vis == 1.0:
        p_succ = 2 * a * eta - (a * eta) ** 2
        w_psi = 2 * a * (1 - a) * eta / p_succ if p_succ > 0 else 1.0
        eleven = np.zeros((4, 4), dtype=np.complex128)
        eleven[3, 3] = 1.0
        states = np.stack([w_psi * _proj(k) + (1 - w_psi) * eleven
                           for k in (PSI_PLUS, PSI_MINUS)])
        fidelity = w_psi
    else:
        # one herald pattern (a click in one given detector only), unnormalised
        dark, nod = pdc * (1 - pdc), 1 - pdc
        n00 = (1 - a) ** 2 * dark
        n01 = a * (1 - a) * (eta / 2 * nod + (1 - eta) * dark)
        coh = a * (1 - a) * eta / 2 * nod * np.sqrt(vis)
        n11 = a * a * ((1 - eta) ** 2 * dark + eta * (1 - eta) * nod
                       + eta * eta * (1 + vis) / 4 * nod)
        pattern = n00 + 2 * n01 + n11
        p_succ = 2 * pattern
        states = np.stack([_herald_state(n00, n01, sign * coh, n11, pattern)
                           for sign in (1.0, -1.0)])
        fidelity = (n01 + coh) / pattern if pattern > 0 else 0.0
    return HeraldedLink(
        success_probability=float(p_succ),
        attempt_duration=_duration(distance_km, preparation_time, 1),
        herald_indices=np.array([PSI_PLUS, PSI_MINUS], dtype=np.int64),
        herald_probabilities=np.array([0.5, 0.5]),
        states=states,
        fidelity=float(fidelity),
    )


def double_click_link(
    *,
    distance_km: float,
    detector_efficiency: float = 1.0,
    attenuation_db_per_km: float = 0.2,
    preparation_time: float = 0.0,
    dark_count_probability: float = 0.0,
    visibility: float = 1.0,
    retrieval_efficiency: float = 1.0,
) -> HeraldedLink:
    """Double-click (Barrett-Kok) heralded link; ``p_succ = eta^2/2``, perfect ``Psi±`` state
    in the pure-loss model. Dark counts, visibility and retrieval efficiency as for
    :func:`single_click_link`; formulas in the module docstring (``F = (1 + V)/2`` without dark
    counts).

    >>> link = double_click_link(distance_km=50.0, detector_efficiency=0.5)
    >>> print(f"{link.success_probability:.6f} {link.attempt_duration * 1e6:.2f} us")
    0.012500 240.17 us
    >>> print(double_click_link(distance_km=0.0, visibility=0.9).fidelity)
    0.95
    """
    eta = _eta(distance_km, detector_efficiency, attenuation_db_per_km, retrieval_efficiency)
    pdc, vis = _imperfections(dark_count_probability, visibility)
    if pdc == 0.0 and vis == 1.0:
        states = np.stack([_proj(k) for k in (PSI_PLUS, PSI_MINUS)])
        p_succ, fidelity = eta * eta / 2, 1.0
    else:
        # one herald pattern (one given detector alone in each round), unnormalised
        dark, nod = pdc * (1 - pdc), 1 - pdc
        s = eta / 2 * nod + (1 - eta) * dark
        two = ((1 - eta) ** 2 * 2 * dark + 2 * eta * (1 - eta) * nod
               + eta * eta * (1 + vis) / 2 * nod)
        n01 = s * s / 4
        coh = (eta / 2 * nod) ** 2 * vis / 4
        n00 = dark * two / 8
        pattern = 2 * n00 + 2 * n01
        p_succ = 4 * pattern
        states = np.stack([_herald_state(n00, n01, sign * coh, n00, pattern)
                           for sign in (1.0, -1.0)])
        fidelity = (n01 + coh) / pattern if pattern > 0 else 0.0
    return HeraldedLink(
        success_probability=float(p_succ),
        attempt_duration=_duration(distance_km, preparation_time, 2),
        herald_indices=np.array([PSI_PLUS, PSI_MINUS], dtype=np.int64),
        herald_probabilities=np.array([0.5, 0.5]),
        states=states,
        fidelity=float(fidelity),
    )


def _imperfections(dark_count_probability: float, visibility: float) -> tuple[float, float]:
    return (float(v.probability(dark_count_probability, "dark_count_probability")),
            float(v.probability(visibility, "visibility")))


def _herald_state(n00: float, n01: float, coh: float, n11: float,
                  total: float) -> NDArray[np.complex128]:
    """``(n00 |00><00| + n01 (|01><01| + |10><10|) + coh (|01><10| + h.c.) + n11 |11><11|)``
    normalised by ``total`` (the maximally mixed state if ``total`` is 0)."""
    if total <= 0:
        return np.eye(4, dtype=np.complex128) / 4
    rho = np.zeros((4, 4), dtype=np.complex128)
    rho[0, 0], rho[1, 1], rho[2, 2], rho[3, 3] = n00, n01, n01, n11
    rho[1, 2] = rho[2, 1] = coh
    return rho / total


def sample_link_generation(
    link: HeraldedLink, *, rng: np.random.Generator, size: int | tuple[int, ...] = 1
) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.int64]]:
    """Sample the time to the first heralded success, without looping over failed attempts.

    The attempt count is geometric (support 1, 2, ...) with ``link.success_probability``;
    the time is ``attempts * link.attempt_duration`` (seconds, success at the end of the
    attempt). Returns ``(times, attempts, bell_indices)``: float64, int64, int64, each of
    shape ``size``. Raises ``ValueError`` if the success probability is 0.

    >>> link = double_click_link(distance_km=10.0)
    >>> t, n, k = sample_link_generation(link, rng=np.random.default_rng(1), size=3)
    >>> bool(np.all(t == n * link.attempt_duration)), set(k.tolist()) <= {1, 3}
    (True, True)
    """
    gen = v.generator(rng)
    p = link.success_probability
    if not 0.0 < p <= 1.0:
        raise ValueError("link.success_probability must be in (0, 1] to sample")
    attempts = gen.geometric(p, size=size).astype(np.int64)
    which = v.sample_categorical(
        np.broadcast_to(link.herald_probabilities, (*attempts.shape, 2)), gen
    )
    return attempts * link.attempt_duration, attempts, link.herald_indices[which]


def sample_multiplexed_generation(
    link: HeraldedLink, *, modes: int, rng: np.random.Generator,
    size: int | tuple[int, ...] = 1,
) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.int64]]:
    """Sample the first round with at least one success when each round attempts on ``modes``
    independent optical modes (multiplexed generation), without looping over failed rounds.

    Each mode succeeds with ``p = link.success_probability``, independently. The round count
    is geometric (support 1, 2, ...) with ``q = 1 - (1 - p)**modes``. In the successful round
    the first successful mode ``j`` follows the geometric law truncated to ``0..modes-1``
    (``P(j) = (1-p)**j p / q``, drawn by inverting its CDF), every later mode succeeds with
    ``p`` on its own, and each success takes a Bell index from the link's herald weights.
    Returns ``(times, rounds, indices)``: float64 and int64 of shape ``size``, and int64 of
    shape ``(*size, modes)`` holding each mode's Bell index, or -1 where the mode failed.
    Draw order: rounds, the first-success uniforms, the later-mode uniforms ``(*size,
    modes)``, the Bell-index uniforms ``(*size, modes)``.

    >>> link = double_click_link(distance_km=10.0)
    >>> t, n, k = sample_multiplexed_generation(link, modes=4, rng=np.random.default_rng(1),
    ...                                         size=3)
    >>> k.shape, bool(np.all((k >= 0).any(axis=-1))), set(k[k >= 0].tolist()) <= {1, 3}
    ((3, 4), True, True)
    """
    gen = v.generator(rng)
    p = link.success_probability
    if not 0.0 < p <= 1.0:
        raise ValueError("link.success_probability must be in (0, 1] to sample")
    if not isinstance(modes, int | np.integer) or modes < 1:
        raise ValueError("modes must be a positive integer")
    q = -np.expm1(modes * np.log1p(-p)) if p < 1.0 else 1.0
    rounds = gen.geometric(q, size=size).astype(np.int64)
    u = gen.random(rounds.shape)
    if p < 1.0:
        first = np.ceil(np.log1p(-u * q) / np.log1p(-p)).astype(np.int64) - 1
        first = np.clip(first, 0, modes - 1)
    else:
        first = np.zeros(rounds.shape, dtype=np.int64)
    later = gen.random((*rounds.shape, modes)) < p
    mode = np.arange(modes)
    success = (mode == first[..., None]) | ((mode > first[..., None]) & later)
    which = v.sample_categorical(
        np.broadcast_to(link.herald_probabilities, (*rounds.shape, modes, 2)), gen)
    indices = np.where(success, link.herald_indices[which], -1).astype(np.int64)
    return rounds * link.attempt_duration, rounds, indices
