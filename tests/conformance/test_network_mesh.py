"""The statistical designs and delivery checks of network.mesh-competition and
network.stat.distillation, on synthetic data (seeded numpy draws, scipy as the independent
reference for the normal approximation and the exact intervals)."""

import math

import numpy as np
import pytest
from scipy import stats

from qvcp.conformance.cases import CaseFailure, Verdict
from qvcp.conformance.network_mesh import (
    DISTIL_DESIGN,
    DISTIL_STAT_PAIRS,
    MESH_DESIGN,
    MESH_ENDS,
    MESH_PAIRS,
    check_circuits,
    judge_claim,
    owners,
    phi_plus_counts,
    power_of_split,
)

DESIGNS = {"mesh": MESH_DESIGN, "distillation": DISTIL_DESIGN}


def _closed_form_size(design: object) -> int:
    """Smallest n per basis with power >= design.power, solved by hand from the normal model:
    the upper bound's half-width 3 z sd / 4 plus z_power times the standard error sqrt(3) sd / 4
    must fit in overclaim - tolerance, with sd = 2 sqrt(p (1 - p) / n), p = (1 + 2F) / 3."""
    p = (1 + 2 * design.fidelity) / 3  # type: ignore[attr-defined]
    z = stats.norm.ppf(1 - (1 - design.confidence) / 3)  # type: ignore[attr-defined]
    z_power = stats.norm.ppf(design.power)  # type: ignore[attr-defined]
    room = design.overclaim - design.tolerance  # type: ignore[attr-defined]
    root_n = 2 * math.sqrt(p * (1 - p)) * (3 * z + math.sqrt(3) * z_power) / (4 * room)
    return math.ceil(root_n**2)


@pytest.mark.parametrize("name", sorted(DESIGNS))
def test_sample_size_is_the_closed_form_one(name: str) -> None:
    design = DESIGNS[name]
    assert abs(design.pairs_per_basis() - _closed_form_size(design)) <= 1


def test_the_cases_request_at_least_the_designed_samples() -> None:
    assert 3 * MESH_DESIGN.pairs_per_basis() <= MESH_PAIRS
    assert 3 * DISTIL_DESIGN.pairs_per_basis() <= DISTIL_STAT_PAIRS
    # the documented choices: 0.08 over-claim at 97.5 % per circuit, 0.15 below 0.85
    assert (MESH_DESIGN.overclaim, MESH_DESIGN.confidence, MESH_DESIGN.power) == (
        0.08, 0.975, 0.95)
    assert (DISTIL_DESIGN.overclaim, DISTIL_DESIGN.confidence, DISTIL_DESIGN.power) == (
        0.15, 0.95, 0.95)


def _failure_rate(design: object, n: int, true_f: float, claim: float, trials: int,
                  seed: int) -> float:
    """Monte Carlo with scipy's beta quantiles: how often the one-sided test fails a claim of
    ``claim`` on a Werner state of fidelity ``true_f`` measured ``n`` times per basis."""
    alpha = (1 - design.confidence) / 3  # type: ignore[attr-defined]
    k = np.random.default_rng(seed).binomial(n, (1 + 2 * true_f) / 3, size=(trials, 3))
    upper = np.where(k == n, 1.0, stats.beta.ppf(1 - alpha, k + 1, np.maximum(n - k, 1)))
    f_high = 0.25 + (2 * upper - 1).sum(axis=1) / 4
    return float(np.mean(f_high < claim - design.tolerance))  # type: ignore[attr-defined]


@pytest.mark.parametrize(("name", "honest"), [("mesh", 0.86), ("distillation", 0.85)])
def test_designs_have_their_power_and_level(name: str, honest: float) -> None:
    design = DESIGNS[name]
    n = design.pairs_per_basis()
    trials = 4000
    se = (design.power * (1 - design.power) / trials) ** 0.5
    # a state of the design's fidelity claimed `overclaim` higher fails with the power
    truth, claim = design.fidelity, design.fidelity + design.overclaim
    assert _failure_rate(design, n, truth, claim, trials, seed=3) >= design.power - 3 * se
    assert _failure_rate(design, n // 2, truth, claim, trials, seed=5) < 0.9
    # an honest claim (the mesh's pairs, or exactly the requested minimum) fails at most
    # at the test's level
    assert _failure_rate(design, n, honest, honest, trials, seed=4) <= 1 - design.confidence


def _werner_counts(f: float, n: int, rng: np.random.Generator) -> dict[str, tuple[int, int]]:
    """PHI_PLUS-frame counts of a Werner state: <XX> = <ZZ> = w, <YY> = -w, w = (4F - 1)/3."""
    w = (4 * f - 1) / 3
    return {"X": (int(rng.binomial(n, (1 + w) / 2)), n),
            "Y": (int(rng.binomial(n, (1 - w) / 2)), n),
            "Z": (int(rng.binomial(n, (1 + w) / 2)), n)}


@pytest.mark.parametrize(("name", "claim"), [("mesh", 0.86), ("distillation", 0.85)])
def test_verdict_fails_over_claims_and_passes_honest_data(name: str, claim: float) -> None:
    design = DESIGNS[name]
    n = design.pairs_per_basis()
    rng = np.random.default_rng(2024)
    over = [judge_claim(_werner_counts(claim - 2 * design.overclaim, n, rng), claim, design)
            for _ in range(6)]
    assert all(j.verdict is Verdict.FAIL for j in over)
    honest = [judge_claim(_werner_counts(claim + 0.02, n, rng), claim, design)
              for _ in range(6)]
    assert all(j.verdict is Verdict.PASS for j in honest)
    small = judge_claim(_werner_counts(claim + 0.02, n // 4, rng), claim, design)
    assert small.verdict is Verdict.INCONCLUSIVE


def test_power_of_an_uneven_split() -> None:
    n = MESH_DESIGN.pairs_per_basis()
    even = power_of_split(MESH_DESIGN, [n, n, n])
    assert even == pytest.approx(MESH_DESIGN.power_at(n, MESH_DESIGN.overclaim))
    assert power_of_split(MESH_DESIGN, [n - 40, n, n + 40]) < even
    assert power_of_split(MESH_DESIGN, [n // 2, n // 2, n // 2]) < 0.8


def _d(node: int, circuit: int, pair: int, bell: str = "PHI_PLUS", **extra: object) -> dict:
    return {"node": node, "circuit_id": circuit, "pair_id": pair, "bell_state": bell,
            "fidelity_estimate": 60000, "at_ns": 1, **extra}


def test_phi_plus_counts_relabel_by_the_reported_state() -> None:
    measured = [
        # PSI_MINUS anticorrelates in Z: different outcomes are "even" for PHI_PLUS
        (_d(1, 7, 1, "PSI_MINUS", basis="Z", outcome=0), _d(3, 7, 1, "PSI_MINUS", basis="Z",
                                                              outcome=1)),
        # PHI_MINUS anticorrelates in X: equal outcomes are an error
        (_d(1, 7, 2, "PHI_MINUS", basis="X", outcome=1), _d(3, 7, 2, "PHI_MINUS", basis="X",
                                                              outcome=1)),
        # PHI_PLUS anticorrelates in Y: different outcomes are what PHI_PLUS gives (odd)
        (_d(1, 7, 3, basis="Y", outcome=0), _d(3, 7, 3, basis="Y", outcome=1)),
        (_d(1, 7, 4), _d(3, 7, 4)),  # not measured: left out
    ]
    counts, claims = phi_plus_counts(measured)
    assert counts == {"X": (0, 1), "Y": (0, 1), "Z": (1, 1)}
    assert claims == [60000 / 65535] * 3


def _mesh_deliveries(per_request: int) -> list[dict]:
    out = []
    for index, (head, tail) in enumerate(MESH_ENDS):
        circuit = 100 + index
        for pair in range(1, per_request + 1):
            out += [_d(head, circuit, pair), _d(tail, circuit, pair)]
    return out


def test_owners_from_reports_or_head_deliveries() -> None:
    result = {"circuits": [{"circuit_id": 100, "established": True, "request": 0}],
              "deliveries": _mesh_deliveries(1)}
    assert owners(result, MESH_ENDS) == {100: 0, 101: 1}


def test_check_circuits_accepts_a_clean_run() -> None:
    owner = {100: 0, 101: 1}
    served = check_circuits(_mesh_deliveries(3), owner, MESH_ENDS, 3)
    assert [len(served[0]), len(served[1])] == [3, 3]
    assert all(h["node"] == 1 and t["node"] == 5 for h, t in served[0])


@pytest.mark.parametrize(("change", "words"), [
    (lambda ds: ds.__setitem__(1, _d(6, 100, 1)), "other's end"),
    (lambda ds: ds.__setitem__(1, _d(5, 100, 99)), "not at both ends"),
    (lambda ds: ds.__setitem__(1, _d(5, 100, 1, "PSI_PLUS")), "disagree on the Bell state"),
    (lambda ds: ds.append(_d(5, 100, 1)), "2 times"),
    (lambda ds: ds.__delitem__(slice(0, 2)), "got 2 pairs, not the 3"),
    (lambda ds: ds.append(_d(1, 999, 1)), "serves neither request"),
])
def test_check_circuits_fails_misdelivered_pairs(change: object, words: str) -> None:
    deliveries = _mesh_deliveries(3)
    change(deliveries)  # type: ignore[operator]
    with pytest.raises(CaseFailure, match=words):
        check_circuits(deliveries, {100: 0, 101: 1}, MESH_ENDS, 3)
