"""Exact intervals against their defining tail probabilities and textbook values; the fidelity
estimator against sampled states."""

import math

import numpy as np
import pytest
from scipy import stats

from qvcp.conformance.cases import Verdict
from qvcp.conformance.stats import (
    BELL_SIGNS,
    Estimate,
    clopper_pearson,
    fidelity_from_correlations,
    judge_at_least,
    poisson_rate_interval,
)


def _binom_cdf(k: int, n: int, p: float) -> float:
    """P[X <= k], X ~ Binomial(n, p), summed term by term with exact binomial coefficients."""
    return sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k + 1))


def _poisson_cdf(k: int, mu: float) -> float:
    return sum(math.exp(-mu) * mu**i / math.factorial(i) for i in range(k + 1))


@pytest.mark.parametrize(("k", "n", "conf"), [(1, 10, 0.95), (3, 7, 0.9), (45, 50, 0.95),
                                              (12, 40, 0.99), (29, 30, 0.8)])
def test_clopper_pearson_ends_are_where_the_binomial_tails_equal_alpha_half(
        k: int, n: int, conf: float) -> None:
    # The defining property: at the lower end P[X >= k] = alpha/2, at the upper P[X <= k].
    alpha = 1 - conf
    low, high = clopper_pearson(k, n, conf)
    assert 1 - _binom_cdf(k - 1, n, low) == pytest.approx(alpha / 2, rel=1e-9)
    assert _binom_cdf(k, n, high) == pytest.approx(alpha / 2, rel=1e-9)


@pytest.mark.parametrize(("n", "conf"), [(10, 0.95), (1000, 0.99), (7, 0.5)])
def test_clopper_pearson_at_the_edges_has_its_closed_form(n: int, conf: float) -> None:
    edge = ((1 - conf) / 2) ** (1 / n)
    assert clopper_pearson(0, n, conf) == pytest.approx((0.0, 1 - edge), rel=1e-12)
    assert clopper_pearson(n, n, conf) == pytest.approx((edge, 1.0), rel=1e-12)


def test_clopper_pearson_textbook_values() -> None:
    # Clopper and Pearson's own chart example, and a tabulated value (Conover, Table A4):
    # 45/50 at 95%: [0.7819, 0.9667]; 5/20 at 95%: [0.0866, 0.4910].
    assert clopper_pearson(45, 50, 0.95) == pytest.approx((0.7819, 0.9667), abs=5e-5)
    assert clopper_pearson(5, 20, 0.95) == pytest.approx((0.0866, 0.4910), abs=5e-5)


@pytest.mark.parametrize(("count", "conf"), [(1, 0.95), (4, 0.9), (10, 0.95), (25, 0.99)])
def test_garwood_ends_are_where_the_poisson_tails_equal_alpha_half(count: int,
                                                                   conf: float) -> None:
    alpha = 1 - conf
    low, high = poisson_rate_interval(count, 2.0, conf)  # per unit of exposure
    assert 1 - _poisson_cdf(count - 1, 2.0 * low) == pytest.approx(alpha / 2, rel=1e-9)
    assert _poisson_cdf(count, 2.0 * high) == pytest.approx(alpha / 2, rel=1e-9)


def test_garwood_textbook_values() -> None:
    # Garwood (1936) / Ulm's table of exact 95% limits for a Poisson mean.
    assert poisson_rate_interval(0, 1.0, 0.95) == pytest.approx((0.0, -math.log(0.025)))
    assert poisson_rate_interval(1, 1.0, 0.95) == pytest.approx((0.0253, 5.5716), abs=5e-5)
    assert poisson_rate_interval(10, 1.0, 0.95) == pytest.approx((4.7954, 18.3904), abs=5e-5)
    # the rate scales with the exposure
    assert poisson_rate_interval(10, 0.5, 0.95) == pytest.approx((9.5908, 36.7808), abs=1e-4)


@pytest.mark.parametrize("call", [lambda: clopper_pearson(3, 2, 0.9),
                                  lambda: clopper_pearson(0, 0, 0.9),
                                  lambda: clopper_pearson(1, 2, 1.0),
                                  lambda: poisson_rate_interval(-1, 1.0, 0.9),
                                  lambda: poisson_rate_interval(1, 0.0, 0.9),
                                  lambda: poisson_rate_interval(1, 1.0, 0.0)])
def test_impossible_inputs_are_value_errors(call: object) -> None:
    with pytest.raises(ValueError, match="need"):
        call()  # type: ignore[operator]


def test_large_samples_are_exact_too() -> None:
    # n = 10^4: the normal approximation is good here, the exact interval a little wider.
    low, high = clopper_pearson(5000, 10_000, 0.95)
    half = 1.959964 * math.sqrt(0.25 / 10_000)
    assert low < 0.5 - half < 0.5 + half < high
    assert high - low == pytest.approx(2 * half, rel=1e-2)


def _werner_counts(fidelity: float, state: str, shots: int, rng: np.random.Generator
                   ) -> dict[str, tuple[int, int]]:
    # A Werner state has |<PP>| = (4F - 1) / 3 in every basis, with the state's sign.
    corr = (4 * fidelity - 1) / 3
    out = {}
    for basis in "XYZ":
        p_even = (1 + BELL_SIGNS[state][basis] * corr) / 2
        out[basis] = (int(rng.binomial(shots, p_even)), shots)
    return out


@pytest.mark.parametrize("state", sorted(BELL_SIGNS))
def test_fidelity_interval_covers_the_truth(state: str) -> None:
    rng = np.random.default_rng(11)
    misses = 0
    for _ in range(200):
        est = fidelity_from_correlations(_werner_counts(0.9, state, 300, rng), bell_state=state,
                                         confidence=0.9)
        misses += not est.low <= 0.9 <= est.high
    assert misses <= 20  # nominal coverage >= 90%, Bonferroni makes it conservative


def test_fidelity_to_the_wrong_state_is_low() -> None:
    counts = _werner_counts(0.95, "PHI_PLUS", 2000, np.random.default_rng(2))
    est = fidelity_from_correlations(counts, bell_state="PSI_PLUS", confidence=0.95)
    assert est.high < 0.2


def test_verdicts_of_intervals() -> None:
    assert judge_at_least(Estimate(0.9, 0.88, 0.92, 0.95, 100), 0.85) is Verdict.PASS
    assert judge_at_least(Estimate(0.8, 0.78, 0.82, 0.95, 100), 0.85) is Verdict.FAIL
    assert judge_at_least(Estimate(0.85, 0.80, 0.90, 0.95, 100), 0.85) is Verdict.INCONCLUSIVE


def _claim_failure_rate(design: object, n: int, over: float, trials: int,
                        seed: int) -> float:
    """Monte Carlo with scipy's beta quantiles (an interval implementation independent of
    ``qvcp.conformance.stats``): how often a claim ``over`` above a Werner state's fidelity
    fails the one-sided test (Clopper-Pearson upper bounds per basis, Bonferroni)."""
    f, tol = design.fidelity, design.tolerance  # type: ignore[attr-defined]
    alpha = (1 - design.confidence) / 3  # type: ignore[attr-defined]
    k = np.random.default_rng(seed).binomial(n, (1 + 2 * f) / 3, size=(trials, 3))
    upper = np.where(k == n, 1.0, stats.beta.ppf(1 - alpha, k + 1, np.maximum(n - k, 1)))
    f_high = 0.25 + (2 * upper - 1).sum(axis=1) / 4
    return float(np.mean(f_high < f + over - tol))


def test_the_fidelity_claim_design_has_its_power_and_its_level() -> None:
    from qvcp.conformance.network_cases import FIDELITY_DESIGN as design

    n = design.pairs_per_basis()
    trials = 4000
    se = (0.95 * 0.05 / trials) ** 0.5
    # an over-claim of the design's size fails with the design's power (replay: seed 7)
    assert _claim_failure_rate(design, n, design.overclaim, trials, seed=7) >= \
        design.power - 3 * se
    # an honest claim fails at most at the test's level
    assert _claim_failure_rate(design, n, 0.0, trials, seed=8) <= 1 - design.confidence
    # and half the sample has visibly less power: the size is not padded
    assert _claim_failure_rate(design, n // 2, design.overclaim, trials, seed=9) < 0.9


def test_the_design_is_monotone_in_what_it_must_detect() -> None:
    from qvcp.conformance.stats import ClaimDesign

    sizes = [ClaimDesign(overclaim=d, tolerance=0.01, confidence=0.95, power=0.95,
                         fidelity=0.8).pairs_per_basis() for d in (0.03, 0.04, 0.05, 0.08)]
    assert sizes == sorted(sizes, reverse=True) and sizes[-1] < sizes[0] / 4
