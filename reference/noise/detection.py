"""Detector click statistics of the heralding station and detector dead time.

The midpoint station of :mod:`.heralding` has two threshold detectors. This module gives, for
one attempt with both detectors live, the joint distribution of which detectors click and
which Bell state (if any) is heralded, and the steady-state effect of a detector dead time.

Click model (the same as :mod:`.heralding`'s, per detection window): a detector that
receives a photon clicks (its efficiency is folded into the per-photon efficiency ``eta``);
each detector also clicks by a dark count with probability ``p_dc``, independently. One
emitted photon reaches the beam splitter with probability ``eta`` and leaves by either port
with probability 1/2; two photons of Hong-Ou-Mandel visibility ``V`` leave by the same port
with probability ``(1 + V)/2``. The nodes' spin states are orthogonal, so click statistics
depend only on their populations:

* single click (bright-state population ``alpha``): 0, 1 or 2 photons with probability
  ``(1 − α)²``, ``2α(1 − α)``, ``α²``; a herald is exactly one detector clicking, detector 0
  heralds ``PSI_PLUS``, detector 1 ``PSI_MINUS``;
* double click (Barrett-Kok, two rounds): spin populations 1/4 each; ``|00>`` emits 0 then
  2 photons, ``|11>`` 2 then 0, ``|01>`` and ``|10>`` one per round; a herald is exactly one
  detector clicking in each round, the same detector heralding ``PSI_PLUS``, different ones
  ``PSI_MINUS``.

The herald probabilities summed are :func:`.heralding.single_click_link`'s and
:func:`.heralding.double_click_link`'s ``success_probability``.

Dead time (non-paralysable): a click at an attempt starting at ``t`` blinds that detector for
the attempts starting before ``t + dead_time``; a blind detector neither clicks nor counts
dark. The station announces a herald only when both detectors are live (a herald pattern
says which detectors did *not* click), so an attempt with a blind detector fails; the live
detector still sees the attempt's photons and may click, with its marginal probability. With
attempts every ``S``, a click blinds the next ``D = ⌈dead_time / S⌉ − 1`` attempts
(:func:`dead_time_attempts`). One detector alone is a renewal process: a live attempt, then
with probability ``c`` (its click probability) ``D`` blind ones, so the fraction of live
attempts is ``1 / (1 + c D)`` (:func:`renewal_live_fraction`). Two detectors are not
independent (one photon pair can click both), and the steady state is that of the Markov
chain on the detectors' remaining blind attempts ``(r0, r1)`` (:func:`dead_time_success`).

>>> out = click_outcomes("single_click", eta=1.0, alpha=0.5)
>>> print(np.round(out.success_probability, 4), np.round(out.marginals, 4))
0.75 [0.375 0.375]
>>> dead_time_attempts(100, 40), dead_time_attempts(80, 40), dead_time_attempts(0, 40)
(2, 1, 0)
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from . import _validate as v
from .bell import PSI_MINUS, PSI_PLUS
from .heralding import fibre_transmissivity

__all__ = [
    "NO_HERALD",
    "ClickOutcomes",
    "click_outcomes",
    "dead_time_attempts",
    "dead_time_success",
    "link_click_outcomes",
    "renewal_live_fraction",
]

#: herald code of an attempt that heralds nothing
NO_HERALD = 255

Clicks = tuple[bool, bool]


@dataclass(frozen=True)
class ClickOutcomes:
    """Joint outcomes of one attempt with both detectors live.

    Attributes:
        probabilities: probability of each outcome, float64 ``(n,)`` (sums to 1).
        clicks: whether detector 0 and detector 1 clicked during the attempt, bool ``(n, 2)``.
        codes: Bell index heralded, or :data:`NO_HERALD`, int64 ``(n,)``.
    """

    probabilities: NDArray[np.float64]
    clicks: NDArray[np.bool_]
    codes: NDArray[np.int64]

    @property
    def success_probability(self) -> float:
        """Probability that the attempt heralds a pair (float)."""
        return float(self.probabilities[self.codes != NO_HERALD].sum())

    @property
    def marginals(self) -> NDArray[np.float64]:
        """Click probability of detector 0 and of detector 1, float64 ``(2,)``."""
        return np.asarray(self.probabilities @ self.clicks, dtype=np.float64)


def _round(photons: int, eta: float, pdc: float, vis: float) -> dict[Clicks, float]:
    """Click pattern of one detection window with ``photons`` (0, 1 or 2) emitted."""
    received: dict[tuple[int, int], float] = {}  # photons reaching (detector 0, detector 1)

    def add(key: tuple[int, int], p: float) -> None:
        received[key] = received.get(key, 0.0) + p

    if photons == 0:
        add((0, 0), 1.0)
    elif photons == 1:
        add((0, 0), 1 - eta)
        add((1, 0), eta / 2)
        add((0, 1), eta / 2)
    else:
        add((0, 0), (1 - eta) ** 2)
        add((1, 0), eta * (1 - eta))
        add((0, 1), eta * (1 - eta))
        add((2, 0), eta * eta * (1 + vis) / 4)
        add((0, 2), eta * eta * (1 + vis) / 4)
        add((1, 1), eta * eta * (1 - vis) / 2)
    out: dict[Clicks, float] = {}
    for (n0, n1), p in received.items():
        for c0, c1 in itertools.product((False, True), repeat=2):
            q0 = (1.0 if c0 else 0.0) if n0 else (pdc if c0 else 1 - pdc)
            q1 = (1.0 if c1 else 0.0) if n1 else (pdc if c1 else 1 - pdc)
            out[(c0, c1)] = out.get((c0, c1), 0.0) + p * q0 * q1
    return out


def click_outcomes(kind: str, *, eta: float, alpha: float = 0.0,
                   dark_count_probability: float = 0.0,
                   visibility: float = 1.0) -> ClickOutcomes:
    """Outcomes of one ``"single_click"`` or ``"double_click"`` attempt with both detectors
    live, for per-photon efficiency ``eta`` (``alpha`` is the single-click bright-state
    population). Scalar float parameters; raises ``ValueError`` naming an invalid one.

    >>> out = click_outcomes("double_click", eta=1.0)
    >>> print(np.round(out.success_probability, 4))
    0.5
    """
    eta = float(v.probability(eta, "eta"))
    pdc = float(v.probability(dark_count_probability, "dark_count_probability"))
    vis = float(v.probability(visibility, "visibility"))
    table: dict[tuple[Clicks, int], float] = {}

    def add(clicks: Clicks, code: int, p: float) -> None:
        table[(clicks, code)] = table.get((clicks, code), 0.0) + p

    if kind == "single_click":
        a = float(v.probability(alpha, "alpha"))
        for photons, weight in ((0, (1 - a) ** 2), (1, 2 * a * (1 - a)), (2, a * a)):
            for clicks, p in _round(photons, eta, pdc, vis).items():
                code = {(True, False): PSI_PLUS, (False, True): PSI_MINUS}.get(clicks, NO_HERALD)
                add(clicks, code, weight * p)
    elif kind == "double_click":
        for first, second in ((0, 2), (2, 0), (1, 1), (1, 1)):
            r1, r2 = _round(first, eta, pdc, vis), _round(second, eta, pdc, vis)
            for (k1, p1), (k2, p2) in itertools.product(r1.items(), r2.items()):
                clicks = (k1[0] or k2[0], k1[1] or k2[1])
                code = NO_HERALD
                if sum(k1) == 1 and sum(k2) == 1:
                    code = PSI_PLUS if k1 == k2 else PSI_MINUS
                add(clicks, code, p1 * p2 / 4)
    else:
        raise ValueError(f"kind must be 'single_click' or 'double_click', got {kind!r}")
    keys = sorted(table)
    return ClickOutcomes(
        probabilities=np.array([table[k] for k in keys], dtype=np.float64),
        clicks=np.array([k[0] for k in keys], dtype=np.bool_).reshape(len(keys), 2),
        codes=np.array([k[1] for k in keys], dtype=np.int64),
    )


def link_click_outcomes(kind: str, *, distance_km: float, alpha: float = 0.0,
                        detector_efficiency: float = 1.0, attenuation_db_per_km: float = 0.2,
                        retrieval_efficiency: float = 1.0, dark_count_probability: float = 0.0,
                        visibility: float = 1.0) -> ClickOutcomes:
    """:func:`click_outcomes` of a link described as for :func:`.heralding.single_click_link`
    (station at ``distance_km / 2``, ``eta = η_det η_ret 10^(−α_dB L/20)``)."""
    det = float(v.probability(detector_efficiency, "detector_efficiency"))
    ret = float(v.probability(retrieval_efficiency, "retrieval_efficiency"))
    half = float(v.non_negative(distance_km, "distance_km")) / 2.0
    eta = det * ret * float(fibre_transmissivity(
        half, attenuation_db_per_km=attenuation_db_per_km))
    return click_outcomes(kind, eta=eta, alpha=alpha,
                          dark_count_probability=dark_count_probability,
                          visibility=visibility)


def dead_time_attempts(dead_time: float, spacing: float) -> int:
    """Attempts after a click that start before ``click + dead_time``, with attempts every
    ``spacing`` (same unit): ``⌈dead_time / spacing⌉ − 1``, at least 0."""
    dead = float(v.non_negative(dead_time, "dead_time"))
    s = float(spacing)
    if not s > 0:
        raise ValueError("spacing must be > 0")
    return max(0, math.ceil(dead / s) - 1)


def renewal_live_fraction(click_probability: float, blind_attempts: int) -> float:
    """Fraction of attempts at which one detector is live: ``1 / (1 + c D)``."""
    c = float(v.probability(click_probability, "click_probability"))
    return 1.0 / (1.0 + c * int(blind_attempts))


def dead_time_success(outcomes: ClickOutcomes, blind_attempts: int) -> float:
    """Steady-state probability that an attempt heralds, with ``blind_attempts`` (``D``)
    attempts blind after each click: ``π(0, 0) · p_succ``, ``π`` the stationary law of the
    chain on ``(r0, r1)`` (remaining blind attempts of each detector). ``D = 0`` gives
    ``p_succ``.

    >>> out = click_outcomes("single_click", eta=1.0, alpha=0.5)
    >>> print(round(dead_time_success(out, 1), 6))
    0.340909
    """
    d = int(blind_attempts)
    if d < 0:
        raise ValueError("blind_attempts must be >= 0")
    p_succ = outcomes.success_probability
    if d == 0:
        return p_succ
    n = d + 1
    m0, m1 = outcomes.marginals
    trans = np.zeros((n * n, n * n))
    for r0, r1 in itertools.product(range(n), repeat=2):
        src = r0 * n + r1
        if r0 == 0 and r1 == 0:
            for p, (c0, c1) in zip(outcomes.probabilities, outcomes.clicks, strict=True):
                trans[src, (d if c0 else 0) * n + (d if c1 else 0)] += p
            continue
        # a blind detector counts down; a live one clicks with its marginal probability
        for c0, c1 in itertools.product((False, True), repeat=2):
            p0 = (m0 if c0 else 1 - m0) if r0 == 0 else (0.0 if c0 else 1.0)
            p1 = (m1 if c1 else 1 - m1) if r1 == 0 else (0.0 if c1 else 1.0)
            s0 = d if c0 else max(r0 - 1, 0)
            s1 = d if c1 else max(r1 - 1, 0)
            trans[src, s0 * n + s1] += p0 * p1
    # stationary law: pi (T - I) = 0, sum pi = 1
    a = np.vstack([(trans - np.eye(n * n)).T, np.ones(n * n)])
    b = np.zeros(n * n + 1)
    b[-1] = 1.0
    pi = np.linalg.lstsq(a, b, rcond=None)[0]
    return float(pi[0] * p_succ)
