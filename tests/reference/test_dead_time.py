"""Detector dead time in the simulator's heralding station (docs/noise.md).

Oracle written here from the model: the law of the detectors' remaining blind attempts
``(r0, r1)`` evolved attempt by attempt (a both-live attempt draws the joint click pattern; a
live detector beside a blind one clicks with its marginal probability; a click sets its
``r`` to ``D``, a blind detector counts down). Its limit gives the steady-state success
probability (checked against the noise core to 1e-10, and each detector's live fraction
against the renewal argument ``1 / (1 + c D)``); its first ``n`` steps the exact expected
number of heralds in ``n`` attempts from all-live detectors, against which the station is
sampled (independent replicates, within 3 standard errors).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from qvcp.reference import noise as nz
from qvcp.reference.sim.linkmodel import attempt_period, link_model
from qvcp.reference.sim.world import World

Law = dict[tuple[int, int], float]


def _step(law: Law, out: nz.ClickOutcomes, d: int) -> tuple[Law, float]:
    """One attempt: the next law and the probability that this attempt heralds."""
    q: dict[tuple[bool, bool], float] = {}
    for p, c in zip(out.probabilities.tolist(), out.clicks.tolist(), strict=True):
        q[(c[0], c[1])] = q.get((c[0], c[1]), 0.0) + p
    m = [sum(p for c, p in q.items() if c[i]) for i in (0, 1)]
    nxt: Law = {}
    herald = 0.0
    for (r0, r1), w in law.items():
        if r0 == 0 and r1 == 0:
            herald += w * out.success_probability
            pats = q.items()
        else:
            pats = []
            for c0 in (False, True):
                for c1 in (False, True):
                    p0 = (m[0] if c0 else 1 - m[0]) if r0 == 0 else float(not c0)
                    p1 = (m[1] if c1 else 1 - m[1]) if r1 == 0 else float(not c1)
                    pats.append(((c0, c1), p0 * p1))
        for (c0, c1), p in pats:
            key = (d if c0 else max(r0 - 1, 0), d if c1 else max(r1 - 1, 0))
            nxt[key] = nxt.get(key, 0.0) + w * p
    return nxt, herald


def _steady(out: nz.ClickOutcomes, d: int) -> tuple[Law, float]:
    law: Law = {(0, 0): 1.0}
    for _ in range(100_000):
        new, herald = _step(law, out, d)
        if max(abs(new.get(k, 0.0) - law.get(k, 0.0)) for k in set(new) | set(law)) < 1e-15:
            return new, herald
        law = new
    raise AssertionError("no convergence")


CASES = [("single_click", 0.3, 0.8, 0.01, 3), ("single_click", 0.05, 0.2, 1e-3, 5),
         ("double_click", 0.0, 0.9, 0.05, 2), ("double_click", 0.0, 0.5, 0.2, 4)]


@pytest.mark.parametrize(("kind", "alpha", "eta", "pdc", "d"), CASES)
def test_steady_state_matches_the_chain_and_the_renewal_argument(kind, alpha, eta, pdc,
                                                                 d) -> None:
    out = nz.click_outcomes(kind, eta=eta, alpha=alpha, dark_count_probability=pdc)
    law, herald = _steady(out, d)
    assert nz.dead_time_success(out, d) == pytest.approx(herald, abs=1e-10)
    assert herald < out.success_probability
    for i in (0, 1):  # one detector alone: live fraction 1 / (1 + c D)
        live = sum(w for k, w in law.items() if k[i] == 0)
        c = float(out.marginals[i])
        assert live == pytest.approx(1 / (1 + c * d), abs=1e-10)
        assert nz.renewal_live_fraction(c, d) == pytest.approx(1 / (1 + c * d), abs=1e-15)


PROFILE = {"link_model": "single_click", "preparation_time_s": 1e-6, "alpha": 0.3,
           "detector_efficiency": 0.8, "attenuation_db_per_km": 0.2,
           "dark_count_probability": 0.02, "visibility": 0.9}


def _drive(model, spacing: int, n: int, seed: int) -> tuple[int, int]:
    """``n`` attempts of one link at the given spacing through World.resolve: (heralds,
    of which PSI_PLUS)."""
    world = World(np.random.default_rng(seed))
    world.links[1] = model
    ok = plus = 0
    for k in range(n):
        t = k * spacing
        world.attempt(1, 1, t, [0])
        world.attempt(2, 1, t, [0])
        code = world.resolve(1, t, t, 1)[0]
        if code != 255:
            ok += 1
            plus += code == nz.PSI_PLUS
    return ok, plus


@pytest.mark.parametrize(("kind", "blind", "km"), [("single_click", 3, 1.0),
                                                   ("double_click", 2, 0.5)])
def test_station_samples_the_dead_time_model(kind, blind, km) -> None:
    link = {"distance_km": km, "model": kind, "preparation_ns": 1000}
    model0, slot = link_model(link, PROFILE)
    spacing = slot * attempt_period(km, slot)
    prof = dict(PROFILE, dead_time_ns=(blind + 0.5) * spacing)
    model, slot2 = link_model(link, prof)
    assert slot2 == slot and model.detectors is not None
    out = model.detectors.outcomes
    assert nz.dead_time_attempts(model.detectors.dead_ns, spacing) == blind
    # the advertised success probability is the steady state
    assert model.success_probability == pytest.approx(nz.dead_time_success(out, blind),
                                                      abs=1e-12)
    n, reps = 400, 150
    law: Law = {(0, 0): 1.0}
    expected = 0.0
    for _ in range(n):
        law, h = _step(law, out, blind)
        expected += h
    # a link's detectors keep their state: one fresh link model per replicate
    counts = [_drive(link_model(link, prof)[0], spacing, n, seed) for seed in range(reps)]
    oks = np.array([c[0] for c in counts], dtype=float)
    se = oks.std(ddof=1) / math.sqrt(reps)
    assert abs(oks.mean() - expected) < 3 * se, (oks.mean(), expected, se)
    # far below the rate without dead time (more than 10 SE away)
    assert n * model0.success_probability - oks.mean() > 10 * se
    plus = sum(c[1] for c in counts)
    total = int(oks.sum())
    assert abs(plus - total / 2) < 3 * math.sqrt(total / 4)  # PSI_PLUS / PSI_MINUS even


def test_dead_time_within_the_attempt_spacing_changes_nothing() -> None:
    """Default 0, or a dead time that ends before the next attempt: no detectors, the link
    model and its draws are today's bit for bit."""
    link = {"distance_km": 1.0, "model": "single_click", "preparation_ns": 1000}
    model0, slot = link_model(link, PROFILE)
    spacing = slot * attempt_period(1.0, slot)
    model1, _ = link_model(link, dict(PROFILE, dead_time_ns=spacing))
    assert model0.detectors is None and model1.detectors is None
    assert model1.success_probability == model0.success_probability
    assert _drive(model0, spacing, 300, 7) == _drive(model1, spacing, 300, 7)


def test_network_with_dead_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """A one-link network whose profile has a dead time (nv_centre with a dead time of about
    seven attempts, dark counts 0.02, alpha 0.3): it attempts every slot, so its pairs per
    slot estimate the steady state ``dead_time_success`` (seeds as replicates, 3 standard
    errors); fast-forward elides nothing on such a link (identical deliveries with it on or
    off) and the invariants hold."""
    from qvcp.reference.sim import network as netmod
    from qvcp.reference.sim.scenario import load_profile

    dead_ns = 40_000

    def profile(name: str) -> dict:
        return dict(load_profile(name), dark_count_probability=0.02, dead_time_ns=dead_ns)

    monkeypatch.setattr(netmod, "load_profile", profile)
    scen = {"name": "dead-time", "nodes": [{"name": n, "role": "end", "profile": "nv_centre"}
                                           for n in "AB"],
            "links": [{"a": "A", "b": "B", "distance_km": 0.0, "model": "single_click",
                       "alpha": 0.3, "detector_efficiency": 0.8}],
            "demands": [{"head": "A", "tail": "B", "num_pairs": 10**6}]}
    horizon = 10**7
    per_slot = []
    for seed in range(10):
        runs = []
        for ff in (True, False):
            net = netmod.Network.from_scenario(dict(scen, seed=seed,
                                                    options={"fast_forward": ff}))
            net.run_until(horizon)
            runs.append([d.time_ns for d in net.completed()])
            assert net.check_invariants() == []
        assert runs[0] == runs[1]
        model = net.world.links[1]
        assert model.detectors is not None
        outcomes = model.detectors.outcomes
        _, slot_ns = link_model(scen["links"][0], profile("nv_centre"))
        per_slot.append(len(runs[0]) / (horizon / slot_ns))
    blind = nz.dead_time_attempts(dead_ns, slot_ns)
    want = nz.dead_time_success(outcomes, blind)
    arr = np.array(per_slot)
    se = arr.std(ddof=1) / math.sqrt(len(arr))
    assert abs(arr.mean() - want) < 3 * se, (arr.mean(), want, se)
    assert outcomes.success_probability - arr.mean() > 20 * se
