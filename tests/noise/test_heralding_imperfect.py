"""Heralding with dark counts, partly distinguishable photons and memory retrieval loss,
against a QuTiP Fock-space simulation built here: two spins, four optical modes (each node's
spatial mode in two internal modes), emission, loss, a 50:50 beam splitter per internal mode
and threshold detectors with dark counts as POVMs."""

from __future__ import annotations

from math import comb

import numpy as np
import pytest
import qutip as qt

from qvcp.reference import noise as nz

D = 3  # Fock cut-off per mode: at most two photons reach one mode


def _loss_kraus(eta: float) -> list[qt.Qobj]:
    ops = []
    for k in range(D):
        m = np.zeros((D, D))
        for n in range(k, D):
            m[n - k, n] = np.sqrt(comb(n, k) * eta ** (n - k) * (1 - eta) ** k)
        ops.append(qt.Qobj(m))
    return ops


class Optics:
    """Modes 0..3 of the optical space: (A, internal u), (A, u-perp), (B, u), (B, u-perp);
    after the beam splitter, A's spatial output goes to detector 0 and B's to detector 1."""

    def __init__(self, overlap: float) -> None:
        self.mu = overlap
        ident = [qt.qeye(D)] * 4
        self.a = []
        for m in range(4):
            parts = list(ident)
            parts[m] = qt.destroy(D)
            self.a.append(qt.tensor(parts))
        self.vac = qt.tensor([qt.basis(D, 0)] * 4)
        gen = sum((self.a[i].dag() * self.a[i + 2] - self.a[i] * self.a[i + 2].dag())
                  for i in (0, 1))
        self.bs = (np.pi / 4 * gen).expm()

    def emit(self, a_bright: bool, b_bright: bool) -> qt.Qobj:
        """Optical state when A and/or B emit: A's photon in internal mode u, B's in
        mu u + sqrt(1 - mu^2) u-perp."""
        op = qt.tensor([qt.qeye(D)] * 4)
        if a_bright:
            op = self.a[0].dag() * op
        if b_bright:
            op = (self.mu * self.a[2].dag() + np.sqrt(1 - self.mu**2) * self.a[3].dag()) * op
        return op * self.vac

    def no_click(self, detector: int, pdc: float) -> qt.Qobj:
        """POVM element 'detector silent': its two modes empty and no dark count."""
        modes = (0, 1) if detector == 0 else (2, 3)
        parts = [qt.qeye(D)] * 4
        for m in modes:
            parts[m] = qt.basis(D, 0).proj()
        return (1 - pdc) * qt.tensor(parts)


def herald(rho_spins: qt.Qobj, optics: Optics, eta: float, pdc: float,
           clicks: tuple[bool, bool]) -> qt.Qobj:
    """Emission conditioned on each spin (|1> emits), loss eta on every mode, beam splitter,
    then the POVM element of the click pattern; returns the unnormalised spin state."""
    cols = []
    for sa in (0, 1):
        for sb in (0, 1):
            spin = qt.tensor(qt.basis(2, sa), qt.basis(2, sb)).full().ravel()
            cols.append(np.kron(spin, optics.emit(bool(sa), bool(sb)).full().ravel()))
    iso = np.stack(cols, axis=1)  # spins -> spins x optics
    rho = qt.Qobj(iso @ rho_spins.full() @ iso.conj().T, dims=[[2, 2, D, D, D, D]] * 2)
    for mode in range(4):
        ops = []
        for k in _loss_kraus(eta):
            parts = [qt.qeye(2), qt.qeye(2)] + [qt.qeye(D)] * 4
            parts[2 + mode] = k
            ops.append(qt.tensor(parts))
        rho = sum(k * rho * k.dag() for k in ops)
    bs = qt.tensor(qt.qeye(2), qt.qeye(2), optics.bs)
    rho = bs * rho * bs.dag()
    ident = qt.tensor([qt.qeye(D)] * 4)
    povm = ident
    for det, click in enumerate(clicks):
        silent = optics.no_click(det, pdc)
        povm = povm * (ident - silent if click else silent)
    m = qt.tensor(qt.qeye(2), qt.qeye(2), povm)
    return (m * rho).ptrace([0, 1])


def spins(theta_a: float) -> qt.Qobj:
    """Both spins in sqrt(1 - a)|0> + sqrt(a)|1>."""
    one = np.sqrt(1 - theta_a) * qt.basis(2, 0) + np.sqrt(theta_a) * qt.basis(2, 1)
    return qt.ket2dm(qt.tensor(one, one))


def hom_coincidence(overlap: float) -> float:
    """Probability that one photon from each node gives a click in both detectors."""
    optics = Optics(overlap)
    rho = qt.tensor(qt.basis(2, 1), qt.basis(2, 1)).proj()
    return herald(rho, optics, 1.0, 0.0, (True, True)).tr().real


@pytest.mark.parametrize("visibility", [1.0, 0.9, 0.5, 0.0])
def test_oracle_overlap_is_the_hom_visibility(visibility: float) -> None:
    """In the oracle, overlap sqrt(V) gives coincidences (1 - V)/2: V is the HOM visibility
    1 - P_coinc / P_coinc(distinguishable)."""
    assert hom_coincidence(np.sqrt(visibility)) == pytest.approx((1 - visibility) / 2,
                                                                 abs=1e-12)


CASES = [  # alpha, distance km, detector efficiency, p_dc, V, retrieval
    (0.1, 0.0, 1.0, 0.0, 0.8, 1.0),
    (0.05, 20.0, 0.5, 1e-3, 1.0, 1.0),
    (0.2, 10.0, 0.7, 0.02, 0.9, 0.6),
    (0.3, 2.0, 0.9, 0.1, 0.5, 0.8),
]


@pytest.mark.parametrize(("alpha", "km", "det", "pdc", "vis", "ret"), CASES)
def test_single_click_with_imperfections_matches_qutip(alpha, km, det, pdc, vis, ret) -> None:
    link = nz.single_click_link(distance_km=km, alpha=alpha, detector_efficiency=det,
                                dark_count_probability=pdc, visibility=vis,
                                retrieval_efficiency=ret)
    eta = det * ret * 10 ** (-0.2 * km / 20)
    optics = Optics(np.sqrt(vis))
    total = 0.0
    for pattern, k, state in zip(((True, False), (False, True)), link.herald_indices,
                                 link.states, strict=True):
        post = herald(spins(alpha), optics, eta, pdc, pattern)
        p = post.tr().real
        total += p
        assert p == pytest.approx(link.success_probability / 2, abs=1e-10)
        np.testing.assert_allclose((post / p).full(), state, atol=1e-10)
        assert nz.fidelity_dm(state, target=int(k)) == pytest.approx(link.fidelity, abs=1e-10)
    assert total == pytest.approx(link.success_probability, abs=1e-10)


@pytest.mark.parametrize(("km", "det", "pdc", "vis", "ret"),
                         [(0.0, 1.0, 0.0, 0.9, 1.0), (5.0, 0.8, 0.01, 1.0, 1.0),
                          (20.0, 0.6, 0.05, 0.7, 0.5), (1.0, 0.3, 0.2, 0.95, 0.9)])
def test_double_click_with_imperfections_matches_qutip(km, det, pdc, vis, ret) -> None:
    """Two rounds: spins (|0> + |1>)/sqrt2 emit, both flip (X x X), emit again; a pattern is
    the detector that clicked alone in each round: same detector heralds Psi+, different
    Psi-."""
    link = nz.double_click_link(distance_km=km, detector_efficiency=det,
                                dark_count_probability=pdc, visibility=vis,
                                retrieval_efficiency=ret)
    eta = det * ret * 10 ** (-0.2 * km / 20)
    optics = Optics(np.sqrt(vis))
    flip = qt.tensor(qt.sigmax(), qt.sigmax())
    alone = ((True, False), (False, True))
    total = 0.0
    for i in range(2):
        for j in range(2):
            first = herald(spins(0.5), optics, eta, pdc, alone[i])
            post = flip * herald(flip * first * flip, optics, eta, pdc, alone[j]) * flip
            p = post.tr().real
            total += p
            assert p == pytest.approx(link.success_probability / 4, abs=1e-10)
            state = link.states[0 if i == j else 1]
            np.testing.assert_allclose((post / p).full(), state, atol=1e-10)
    assert total == pytest.approx(link.success_probability, abs=1e-10)
    k = int(link.herald_indices[0])
    assert k == nz.PSI_PLUS
    assert nz.fidelity_dm(link.states[0], target=k) == pytest.approx(link.fidelity, abs=1e-10)


def test_closed_form_limits() -> None:
    """Printed limits: Barrett-Kok F = (1 + V)/2 without dark counts; the retrieval
    efficiency scales eta (p ~ 2 alpha eta for single click, eta^2/2 for double click);
    dark counts alone herald even when every photon is lost."""
    for vis in (1.0, 0.9, 0.6):
        link = nz.double_click_link(distance_km=30.0, detector_efficiency=0.5, visibility=vis)
        assert link.fidelity == pytest.approx((1 + vis) / 2, abs=1e-12)
        eta = 0.5 * 10 ** (-0.2 * 30 / 20)
        assert link.success_probability == pytest.approx(eta**2 / 2, rel=1e-12)
    plain = nz.double_click_link(distance_km=10.0, detector_efficiency=0.5)
    slow = nz.double_click_link(distance_km=10.0, detector_efficiency=0.5,
                                retrieval_efficiency=0.5)
    assert slow.success_probability == pytest.approx(plain.success_probability / 4, rel=1e-12)
    sc = nz.single_click_link(distance_km=10.0, alpha=0.1, retrieval_efficiency=0.3)
    eta = 0.3 * 10 ** (-0.2 * 10 / 20)
    assert sc.success_probability == pytest.approx(1 - (1 - 0.1 * eta) ** 2, rel=1e-12)
    dark = nz.single_click_link(distance_km=0.0, alpha=0.1, detector_efficiency=0.0,
                                dark_count_probability=0.01)
    assert dark.success_probability == pytest.approx(2 * 0.01 * 0.99, rel=1e-12)
    assert dark.fidelity == pytest.approx(0.1 * 0.9 / 1.0, rel=1e-12)  # |01>, |10> weights


def test_default_parameters_keep_the_pure_loss_forms_exactly() -> None:
    for kw in ({}, {"dark_count_probability": 0.0, "visibility": 1.0,
                    "retrieval_efficiency": 1.0}):
        sc = nz.single_click_link(distance_km=12.0, alpha=0.07, detector_efficiency=0.4, **kw)
        eta = 0.4 * 10 ** (-0.2 * 12 / 20)
        assert sc.success_probability == pytest.approx(1 - (1 - 0.07 * eta) ** 2, rel=1e-12)
        assert sc.fidelity == pytest.approx(2 * (1 - 0.07) / (2 - 0.07 * eta), rel=1e-12)


def test_invalid_imperfections_are_named() -> None:
    for name, bad in (("dark_count_probability", 1.5), ("visibility", -0.1),
                      ("retrieval_efficiency", 2.0)):
        with pytest.raises(ValueError, match=name):
            nz.single_click_link(distance_km=1.0, alpha=0.1, **{name: bad})
        with pytest.raises(ValueError, match=name):
            nz.double_click_link(distance_km=1.0, **{name: bad})


def test_profiles_carry_cited_imperfections() -> None:
    """nv_centre: p_dc = 1 - exp(-20 Hz x 25 ns) and V = 0.9 (Humphreys et al. 2018), each
    with its source; the profile schema refuses a visibility outside [0, 1] or without one."""
    import json
    from pathlib import Path

    import jsonschema

    from qvcp.reference.sim.scenario import load_profile

    prof = load_profile("nv_centre")
    assert prof["dark_count_probability"] == pytest.approx(1 - np.exp(-20 * 25e-9), rel=1e-3)
    assert prof["visibility"] == 0.9
    root = Path(__file__).resolve().parents[2] / "schemas"
    doc = json.loads((root / "profiles" / "nv_centre.json").read_text())
    for key in ("dark_count_probability", "visibility"):
        assert "Humphreys" in doc["parameters"][key]["source"]
    schema = json.loads((root / "meta" / "profile.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    assert not list(validator.iter_errors(doc))
    bad = json.loads(json.dumps(doc))
    bad["parameters"]["visibility"]["value"] = 1.5
    assert list(validator.iter_errors(bad))
    del bad["parameters"]["visibility"]["source"]
    bad["parameters"]["visibility"]["value"] = 0.9
    assert list(validator.iter_errors(bad))
    # the NV link with these values: the pattern weights of the module's closed form
    link = nz.single_click_link(distance_km=10.0, alpha=0.05, detector_efficiency=3.5e-4,
                                dark_count_probability=prof["dark_count_probability"],
                                visibility=0.9)
    eta, a, pdc = 3.5e-4 * 10 ** (-0.2 * 10 / 20), 0.05, prof["dark_count_probability"]
    d, n = pdc * (1 - pdc), 1 - pdc
    w01 = a * (1 - a) * (eta * n / 2 + (1 - eta) * d)
    c = a * (1 - a) * eta * n * np.sqrt(0.9) / 2
    total = (1 - a) ** 2 * d + 2 * w01 + a * a * (
        (1 - eta) ** 2 * d + eta * (1 - eta) * n + eta**2 * n * 1.9 / 4)
    assert link.success_probability == pytest.approx(2 * total, rel=1e-10)
    assert link.fidelity == pytest.approx((w01 + c) / total, rel=1e-10)
