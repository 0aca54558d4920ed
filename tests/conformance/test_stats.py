"""Statistical verdicts against scipy, and the fidelity estimator against sampled states."""

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


@pytest.mark.parametrize(("k", "n", "conf"), [(0, 10, 0.95), (10, 10, 0.9), (45, 50, 0.95),
                                              (3, 1000, 0.99), (517, 1000, 0.95)])
def test_clopper_pearson_matches_scipy(k: int, n: int, conf: float) -> None:
    want = stats.binomtest(k, n).proportion_ci(conf, method="exact")
    low, high = clopper_pearson(k, n, conf)
    assert low == pytest.approx(want.low, abs=1e-9)
    assert high == pytest.approx(want.high, abs=1e-9)


@pytest.mark.parametrize(("count", "exposure", "conf"), [(0, 1.0, 0.95), (10, 2.0, 0.95),
                                                         (400, 0.003, 0.9)])
def test_poisson_interval_matches_chi2(count: int, exposure: float, conf: float) -> None:
    alpha = 1 - conf
    want_low = 0.0 if count == 0 else stats.chi2.ppf(alpha / 2, 2 * count) / 2 / exposure
    want_high = stats.chi2.ppf(1 - alpha / 2, 2 * count + 2) / 2 / exposure
    low, high = poisson_rate_interval(count, exposure, conf)
    assert low == pytest.approx(want_low, rel=1e-7, abs=1e-9)
    assert high == pytest.approx(want_high, rel=1e-7)


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
