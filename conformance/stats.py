"""Statistical verdicts for rate and fidelity claims.

A claim is judged from an exact confidence interval: **pass** when the whole interval is at
or above the threshold (claim minus tolerance), **fail** when the whole interval is below it,
**inconclusive** otherwise. The case states its sample size, confidence and tolerance; all
three appear in the report with the interval.

Fidelity is estimated as an experiment would: both ends measure each pair in X, Y or Z, and
``F = (1 + s_X <XX> + s_Y <YY> + s_Z <ZZ>) / 4`` where ``s_B`` are the correlator signs of the
reported Bell state. Each correlator comes from a Clopper-Pearson interval on the fraction of
even parities at confidence ``1 - alpha/3`` (Bonferroni), so the fidelity interval has
coverage at least ``1 - alpha``.

The interval ends are quantiles of the beta and gamma distributions (the exact forms of the
Clopper-Pearson and Garwood intervals), computed by :mod:`scipy.special`, imported on first use.

>>> lo, hi = clopper_pearson(45, 50, 0.95)
>>> round(lo, 4), round(hi, 4)
(0.7819, 0.9667)
>>> est = fidelity_from_correlations({"X": (95, 100), "Y": (5, 100), "Z": (95, 100)},
...                                  bell_state="PHI_PLUS", confidence=0.95)
>>> round(est.estimate, 3)
0.925
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from qvcp.conformance.cases import Verdict

__all__ = [
    "BELL_SIGNS",
    "ClaimDesign",
    "Estimate",
    "clopper_pearson",
    "fidelity_from_correlations",
    "judge_at_least",
    "poisson_rate_interval",
]

# <XX>, <YY>, <ZZ> of each Bell state (|B_k> = (I (x) X^x Z^z)|PHI_PLUS>, k = 2z + x).
BELL_SIGNS: dict[str, dict[str, int]] = {
    "PHI_PLUS": {"X": 1, "Y": -1, "Z": 1},
    "PSI_PLUS": {"X": 1, "Y": 1, "Z": -1},
    "PHI_MINUS": {"X": -1, "Y": 1, "Z": 1},
    "PSI_MINUS": {"X": -1, "Y": -1, "Z": -1},
}
def clopper_pearson(successes: int, n: int, confidence: float) -> tuple[float, float]:
    """Exact two-sided interval for a binomial proportion.

    The ends are beta quantiles: ``B(alpha/2; k, n-k+1)`` and ``B(1-alpha/2; k+1, n-k)``
    (Clopper and Pearson 1934), 0 and 1 at ``k = 0`` and ``k = n``.
    """
    if not 0 <= successes <= n or n == 0:
        raise ValueError(f"need 0 <= successes <= n and n > 0, got {successes}/{n}")
    _check_confidence(confidence)
    from scipy.special import betaincinv

    alpha = 1.0 - confidence
    k = successes
    low = 0.0 if k == 0 else float(betaincinv(k, n - k + 1, alpha / 2))
    high = 1.0 if k == n else float(betaincinv(k + 1, n - k, 1.0 - alpha / 2))
    return low, high


def poisson_rate_interval(count: int, exposure: float, confidence: float
                          ) -> tuple[float, float]:
    """Exact (Garwood) interval for a Poisson rate: ``count`` events in ``exposure`` time.

    The ends of the mean are gamma quantiles, ``G(alpha/2; k)`` and ``G(1-alpha/2; k+1)``
    (equivalently ``chi2(alpha/2; 2k) / 2`` and ``chi2(1-alpha/2; 2k+2) / 2``), 0 at ``k = 0``.
    """
    if count < 0 or exposure <= 0:
        raise ValueError("need count >= 0 and exposure > 0")
    _check_confidence(confidence)
    from scipy.special import gammaincinv

    alpha = 1.0 - confidence
    low = 0.0 if count == 0 else float(gammaincinv(count, alpha / 2))
    high = float(gammaincinv(count + 1, 1.0 - alpha / 2))
    return low / exposure, high / exposure


def _check_confidence(confidence: float) -> None:
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"need 0 < confidence < 1, got {confidence}")


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its confidence interval."""

    estimate: float
    low: float
    high: float
    confidence: float
    n: int


def fidelity_from_correlations(counts: Mapping[str, tuple[int, int]], *, bell_state: str,
                               confidence: float) -> Estimate:
    """Fidelity to ``bell_state`` from ``{"X": (even, shots), "Y": ..., "Z": ...}``.

    ``even`` counts the shots whose two outcomes agree. Every basis needs at least one shot.
    """
    signs = BELL_SIGNS[bell_state]
    per_basis = 1.0 - (1.0 - confidence) / 3.0
    estimate, low, high, n = 0.25, 0.25, 0.25, 0
    for basis in ("X", "Y", "Z"):
        even, shots = counts[basis]
        p_lo, p_hi = clopper_pearson(even, shots, per_basis)
        s = signs[basis]
        estimate += s * (2 * even / shots - 1) / 4
        ends = sorted((s * (2 * p_lo - 1) / 4, s * (2 * p_hi - 1) / 4))
        low += ends[0]
        high += ends[1]
        n += shots
    return Estimate(estimate, max(low, 0.0), min(high, 1.0), confidence, n)


def judge_at_least(est: Estimate, threshold: float) -> Verdict:
    """pass if the interval lies at or above ``threshold``, fail if below, else inconclusive."""
    if est.low >= threshold:
        return Verdict.PASS
    if est.high < threshold:
        return Verdict.FAIL
    return Verdict.INCONCLUSIVE


@dataclass(frozen=True, kw_only=True)
class ClaimDesign:
    """The power analysis of a one-sided test of a fidelity claim.

    The test fails the claim when the one-sided upper confidence bound of the measured fidelity
    (Clopper-Pearson per basis, Bonferroni over the three bases) lies below the claim minus
    ``tolerance``. An honest claim therefore fails with probability at most
    ``1 - confidence``; this design sizes the sample so that a claim exceeding the true
    fidelity by ``overclaim`` fails with probability at least ``power``. The variance assumes
    a Werner state of fidelity ``fidelity`` (each basis agrees with probability
    ``(1 + 2F) / 3``), and the normal approximation; ``tests/conformance/test_stats.py``
    checks the achieved power by simulation with an independent interval implementation.

    >>> d = ClaimDesign(overclaim=0.05, tolerance=0.01, confidence=0.95, power=0.95,
    ...                 fidelity=0.8)
    >>> d.pairs_per_basis()
    1540
    >>> round(d.power_at(d.pairs_per_basis(), 0.05), 3) >= 0.95
    True
    """

    overclaim: float
    tolerance: float
    confidence: float  # one-sided
    power: float
    fidelity: float

    def _widths(self, n_per_basis: int) -> tuple[float, float]:
        """(upper-bound half-width, standard error) of the fidelity estimate."""
        from statistics import NormalDist

        p = (1.0 + 2.0 * self.fidelity) / 3.0
        sd_corr = 2.0 * math.sqrt(p * (1.0 - p) / n_per_basis)  # of one correlator
        z = NormalDist().inv_cdf(1.0 - (1.0 - self.confidence) / 3.0)
        return 3.0 * z * sd_corr / 4.0, math.sqrt(3.0) * sd_corr / 4.0

    def power_at(self, n_per_basis: int, overclaim: float) -> float:
        """Probability of failing a claim ``overclaim`` above the truth, with this sample."""
        from statistics import NormalDist

        width, se = self._widths(n_per_basis)
        return NormalDist().cdf((overclaim - self.tolerance - width) / se)

    def power_of_split(self, shots: Sequence[int]) -> float:
        """The power against ``overclaim`` when the bases got ``shots`` measured pairs each:
        :meth:`power_at` (same variance model and normal approximation) for a sample not split
        evenly. Each basis adds its own upper-bound width ``z sd_b / 4`` and variance
        ``(sd_b / 4)^2`` to the fidelity; equal shots give ``power_at``."""
        from statistics import NormalDist

        p = (1.0 + 2.0 * self.fidelity) / 3.0
        z = NormalDist().inv_cdf(1.0 - (1.0 - self.confidence) / 3.0)
        sds = [2.0 * math.sqrt(p * (1.0 - p) / n) for n in shots]
        width = sum(z * sd / 4.0 for sd in sds)
        se = math.sqrt(sum(sd * sd for sd in sds)) / 4.0
        return NormalDist().cdf((self.overclaim - self.tolerance - width) / se)

    def pairs_per_basis(self) -> int:
        """The smallest sample per basis that reaches ``power`` at ``overclaim``."""
        n = 1
        while self.power_at(n, self.overclaim) < self.power:
            n *= 2
        lo, hi = n // 2, n
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (mid, hi) if self.power_at(mid, self.overclaim) < self.power else (lo, mid)
        return hi

    def as_dict(self) -> dict[str, float | int]:
        return {"overclaim": self.overclaim, "tolerance": self.tolerance,
                "confidence": self.confidence, "power": self.power,
                "assumed_fidelity": self.fidelity, "pairs_per_basis": self.pairs_per_basis()}
