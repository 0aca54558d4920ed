"""Click statistics of the heralding station (``noise.click_outcomes``) against the QuTiP
Fock-space oracle of ``test_heralding_imperfect`` (every click pattern, not only the herald
ones), and the dead-time steady state against closed forms derived here."""

from __future__ import annotations

import numpy as np
import pytest
import qutip as qt
from test_heralding_imperfect import Optics, herald, spins

from qvcp.reference import noise as nz

PATTERNS = [(False, False), (True, False), (False, True), (True, True)]


def _by_clicks(out: nz.ClickOutcomes) -> dict[tuple[bool, bool], float]:
    res = dict.fromkeys(PATTERNS, 0.0)
    for p, c in zip(out.probabilities, out.clicks, strict=True):
        res[(bool(c[0]), bool(c[1]))] += float(p)
    return res


@pytest.mark.parametrize(("alpha", "eta", "pdc", "vis"),
                         [(0.1, 1.0, 0.0, 1.0), (0.3, 0.7, 0.02, 0.8), (0.5, 0.4, 0.1, 0.5)])
def test_single_click_patterns_match_qutip(alpha, eta, pdc, vis) -> None:
    out = nz.click_outcomes("single_click", eta=eta, alpha=alpha, dark_count_probability=pdc,
                            visibility=vis)
    optics = Optics(np.sqrt(vis))
    got = _by_clicks(out)
    for pattern in PATTERNS:
        want = herald(spins(alpha), optics, eta, pdc, pattern).tr().real
        assert got[pattern] == pytest.approx(want, abs=1e-10)
    # herald codes: detector 0 alone -> PSI_PLUS, detector 1 alone -> PSI_MINUS
    for p, c, k in zip(out.probabilities, out.clicks, out.codes, strict=True):
        if k != nz.NO_HERALD:
            assert (bool(c[0]), bool(c[1])) == {nz.PSI_PLUS: (True, False),
                                                nz.PSI_MINUS: (False, True)}[int(k)]
            assert p > 0


@pytest.mark.parametrize(("eta", "pdc", "vis"), [(1.0, 0.0, 0.9), (0.6, 0.05, 0.7)])
def test_double_click_patterns_match_qutip(eta, pdc, vis) -> None:
    """Per spin configuration |sa sb> (1/4 each) the two rounds are independent; round 2
    emits from the flipped spins. Detector clicks of the attempt: in either round."""
    out = nz.click_outcomes("double_click", eta=eta, dark_count_probability=pdc,
                            visibility=vis)
    optics = Optics(np.sqrt(vis))
    want = dict.fromkeys(PATTERNS, 0.0)
    herald_p = {nz.PSI_PLUS: 0.0, nz.PSI_MINUS: 0.0}
    for sa in (0, 1):
        for sb in (0, 1):
            r1 = qt.tensor(qt.basis(2, sa), qt.basis(2, sb)).proj()
            r2 = qt.tensor(qt.basis(2, 1 - sa), qt.basis(2, 1 - sb)).proj()
            p1 = {k: herald(r1, optics, eta, pdc, k).tr().real for k in PATTERNS}
            p2 = {k: herald(r2, optics, eta, pdc, k).tr().real for k in PATTERNS}
            for k1 in PATTERNS:
                for k2 in PATTERNS:
                    w = p1[k1] * p2[k2] / 4
                    want[(k1[0] or k2[0], k1[1] or k2[1])] += w
                    if sum(k1) == 1 and sum(k2) == 1:
                        herald_p[nz.PSI_PLUS if k1 == k2 else nz.PSI_MINUS] += w
    got = _by_clicks(out)
    for pattern in PATTERNS:
        assert got[pattern] == pytest.approx(want[pattern], abs=1e-10)
    for code, p in herald_p.items():
        assert float(out.probabilities[out.codes == code].sum()) == pytest.approx(p, abs=1e-10)


@pytest.mark.parametrize("kind", ["single_click", "double_click"])
def test_herald_probability_is_the_links(kind) -> None:
    kw = {"distance_km": 15.0, "detector_efficiency": 0.6, "dark_count_probability": 0.01,
          "visibility": 0.85, "retrieval_efficiency": 0.9}
    link = (nz.single_click_link(alpha=0.2, **kw) if kind == "single_click"
            else nz.double_click_link(**kw))
    out = nz.link_click_outcomes(kind, alpha=0.2, **kw)
    assert out.success_probability == pytest.approx(link.success_probability, abs=1e-14)
    assert out.probabilities.sum() == pytest.approx(1.0, abs=1e-14)


def test_pure_loss_marginals_closed_form() -> None:
    """Single click, no dark counts, V = 1 (photon pairs bunch): a detector clicks with
    probability alpha(1 - alpha) eta + alpha^2 (eta(1 - eta) + eta^2/2); double click:
    rounds with one photon each (1/2), or 0 and 2 photons (1/2)."""
    a, eta = 0.3, 0.7
    out = nz.click_outcomes("single_click", eta=eta, alpha=a)
    m = a * (1 - a) * eta + a * a * (eta * (1 - eta) + eta * eta / 2)
    np.testing.assert_allclose(out.marginals, [m, m], atol=1e-12)
    dc = nz.click_outcomes("double_click", eta=eta)
    one = eta / 2  # one photon reaches a given detector
    two = eta * (1 - eta) + eta * eta / 2
    m_dc = 0.5 * (1 - (1 - one) ** 2) + 0.5 * two
    np.testing.assert_allclose(dc.marginals, [m_dc, m_dc], atol=1e-12)


def test_dead_time_attempts_and_renewal() -> None:
    assert nz.dead_time_attempts(0, 10) == 0
    assert nz.dead_time_attempts(10, 10) == 0   # blind only for attempts starting before
    assert nz.dead_time_attempts(10.5, 10) == 1
    assert nz.dead_time_attempts(35, 10) == 3
    assert nz.renewal_live_fraction(0.2, 4) == pytest.approx(1 / 1.8, abs=1e-15)
    with pytest.raises(ValueError, match="dead_time"):
        nz.dead_time_attempts(-1, 10)
    with pytest.raises(ValueError, match="spacing"):
        nz.dead_time_attempts(1, 0)
    with pytest.raises(ValueError, match="kind"):
        nz.click_outcomes("triple_click", eta=0.5)


@pytest.mark.parametrize(("kind", "alpha", "eta", "pdc"),
                         [("single_click", 0.3, 0.8, 0.01), ("single_click", 0.5, 1.0, 0.0),
                          ("double_click", 0.0, 0.9, 0.05)])
def test_one_blind_attempt_closed_form(kind, alpha, eta, pdc) -> None:
    """D = 1, solved by hand: with q10, q01, q11 the one- and two-detector click
    probabilities and m0, m1 the marginals, the chain on (r0, r1) has
    pi(1,0) = pi(0,0) (q10 + m0 q01) / (1 - m0 m1), pi(0,1) likewise, pi(1,1) = q11 pi(0,0),
    so p = p_succ / (1 + q11 + (q10 + q01 + m0 q01 + m1 q10) / (1 - m0 m1))."""
    out = nz.click_outcomes(kind, eta=eta, alpha=alpha, dark_count_probability=pdc)
    q = _by_clicks(out)
    q10, q01, q11 = q[(True, False)], q[(False, True)], q[(True, True)]
    m0, m1 = q10 + q11, q01 + q11
    pi00 = 1 / (1 + q11 + (q10 + q01 + m0 * q01 + m1 * q10) / (1 - m0 * m1))
    assert nz.dead_time_success(out, 1) == pytest.approx(pi00 * out.success_probability,
                                                         abs=1e-12)
    assert nz.dead_time_success(out, 0) == out.success_probability
