"""`qvcp simulate` reports repeaterless bounds and key rates: checked against the formulas of
Pirandola et al. 2017 (PLOB), Takeoka, Guha, Wilde 2014 (TGW), Shor-Preskill 2000 (BB84) and
Lo 2001 (six-state), typed in here, and against the closed-form error rate of swapped Werner
links (sampled: within 3 standard errors, seed printed)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from harness import werner_chain

from qvcp.reference.cli import simulate
from qvcp.reference.sim import scenario as scenario_module
from qvcp.reference.sim.network import Network
from qvcp.reference.sim.scenario import load_scenario
from qvcp.reference.sim.summary import summarise

C_FIBRE_KM_PER_NS = 299_792_458 / 1.44 / 1e12


def chain(n_links: int, *, km: float, fidelity: float = 0.95, p: float = 0.5,
          prep: int = 10_000, num_pairs: int = 60, seed: int = 3,
          basis: str = "cycle") -> dict:
    """A Werner chain whose delivered pairs are measured in ``basis``."""
    return werner_chain(n_links, p=p, fidelity=fidelity, km=km, prep=prep,
                        num_pairs=num_pairs, seed=seed, options={"measure_basis": basis})


def h(p: float) -> float:
    return 0.0 if p in (0.0, 1.0) else -p * math.log2(p) - (1 - p) * math.log2(1 - p)


def run(doc: dict, until_ns: int) -> dict:
    doc = load_scenario(doc)
    net = Network.from_scenario(doc)
    net.run_until(until_ns)
    return summarise(net, name=doc["name"], sim_ns=until_ns, wall_s=1.0, scenario=doc)


@pytest.mark.parametrize(("n_links", "km"), [(1, 25.0), (2, 10.0), (3, 40.0)])
def test_repeaterless_bounds_at_the_circuit_distance(n_links: int, km: float) -> None:
    """eta = 10^(-0.2 L/10) over the whole chain; per second at one attempt per slot, the
    slot of a Werner link being its preparation plus the fibre delay L/(c/1.44)."""
    prep = 10_000
    result = run(chain(n_links, km=km, prep=prep, num_pairs=5), 10**8)
    row = result["circuits"][0]
    rep = row["repeaterless"]
    total = n_links * km
    eta = 10 ** (-0.2 * total / 10)
    slot_ns = prep + math.ceil(km / C_FIBRE_KM_PER_NS)
    uses = 1e9 / slot_ns
    assert rep["distance_km"] == pytest.approx(total, abs=1e-12)
    assert rep["eta"] == pytest.approx(eta, rel=1e-10)
    assert rep["channel_uses_per_s"] == pytest.approx(uses, rel=1e-10)
    assert rep["plob_per_use"] == pytest.approx(-math.log2(1 - eta), rel=1e-10)
    assert rep["tgw_per_use"] == pytest.approx(math.log2((1 + eta) / (1 - eta)), rel=1e-10)
    assert rep["plob_per_s"] == pytest.approx(-math.log2(1 - eta) * uses, rel=1e-10)
    assert rep["tgw_per_s"] == pytest.approx(math.log2((1 + eta) / (1 - eta)) * uses,
                                             rel=1e-10)
    assert rep["achieved_per_use"] == pytest.approx(row["rate_per_s"] / uses, rel=1e-10)


def test_each_span_has_its_profiles_attenuation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Spans with different fibre loss: eta = 10^(-(a1 L1 + a2 L2)/10); the link takes the
    profile of its lower-id end, as the simulator builds it."""
    real = scenario_module.load_profile

    def profile(name: str) -> dict:
        prof = dict(real(name))
        prof["attenuation_db_per_km"] = {"nv_centre": 0.35, "ideal": 0.17}[name]
        return prof

    doc = chain(2, km=10.0, num_pairs=5)
    doc["nodes"][0]["profile"] = "nv_centre"  # N0 (id 1): lower-id end of link N0-N1
    doc = load_scenario(doc)
    monkeypatch.setattr(scenario_module, "load_profile", profile)
    net = Network.from_scenario(doc)
    net.run_until(10**8)
    rep = summarise(net, name="x", sim_ns=10**8, wall_s=1.0, scenario=doc)["circuits"][0][
        "repeaterless"]
    assert rep["attenuation_db_per_km"] == [0.35, 0.17]
    assert rep["eta"] == pytest.approx(10 ** (-(0.35 * 10 + 0.17 * 10) / 10), rel=1e-10)
    # without the scenario the summary assumes 0.2 dB/km
    rep = summarise(net, name="x", sim_ns=10**8, wall_s=1.0)["circuits"][0]["repeaterless"]
    assert rep["eta"] == pytest.approx(10 ** (-0.2 * 20 / 10), rel=1e-10)


def test_swapped_werner_chain_error_rates_and_key_rates() -> None:
    """Two Werner links of F = 0.95 swapped ideally: end-to-end F = 1/4 + 3/4 w^2,
    w = (4F - 1)/3, and every basis errs with Q = 2(1 - F)/3 (seed 3, 1500 pairs, 500 per
    basis, within 3 standard errors). The key fractions are Shor-Preskill's and Lo's
    formulas of the pooled error counts; the key rates are those fractions times the rate."""
    seed, n = 3, 1500
    print(f"seed={seed}")
    result = run(chain(2, km=0.0, num_pairs=n, seed=seed, p=0.5), 10**10)
    row = result["circuits"][0]
    assert row["pairs"] == n
    key = row["key"]
    assert key["pairs"] == {"Z": 500, "X": 500, "Y": 500}
    w = (4 * 0.95 - 1) / 3
    q = 2 * (1 - (0.25 + 0.75 * w**2)) / 3
    for b in "ZXY":
        assert abs(key["qber"][b] - q) < 3 * math.sqrt(q * (1 - q) / 500), (b, key["qber"])
        assert key["qber_stderr"][b] == pytest.approx(
            math.sqrt(key["qber"][b] * (1 - key["qber"][b]) / 500), rel=1e-12)
    q2 = (key["qber"]["Z"] + key["qber"]["X"]) / 2
    q3 = sum(key["qber"].values()) / 3
    assert key["bb84_qber"] == pytest.approx(q2, abs=1e-12)
    assert key["six_state_qber"] == pytest.approx(q3, abs=1e-12)
    r2 = 1 - 2 * h(q2)
    r3 = 1 + (1 - 1.5 * q3) * math.log2(1 - 1.5 * q3) + 1.5 * q3 * math.log2(q3 / 2)
    assert key["bb84_fraction"] == pytest.approx(r2, abs=1e-10)
    assert key["six_state_fraction"] == pytest.approx(r3, abs=1e-10)
    assert key["bb84_rate_per_s"] == pytest.approx(max(r2, 0) * row["rate_per_s"], rel=1e-10)
    assert key["six_state_rate_per_s"] == pytest.approx(max(r3, 0) * row["rate_per_s"],
                                                        rel=1e-10)
    assert key["six_state_fraction"] > key["bb84_fraction"] > 0


def test_perfect_pairs_give_a_full_key_and_noisy_ones_none() -> None:
    perfect = run(chain(1, km=0.0, fidelity=1.0, num_pairs=30), 10**9)["circuits"][0]["key"]
    assert perfect["qber"] == {"Z": 0.0, "X": 0.0, "Y": 0.0}
    assert perfect["bb84_fraction"] == 1.0 and perfect["six_state_fraction"] == 1.0
    noisy = run(chain(1, km=0.0, fidelity=0.6, num_pairs=60), 10**9)["circuits"][0]["key"]
    assert noisy["bb84_fraction"] < 0 and noisy["bb84_rate_per_s"] == 0.0
    assert noisy["six_state_rate_per_s"] == 0.0


def test_one_basis_only_reports_no_key_fraction() -> None:
    key = run(chain(1, km=0.0, num_pairs=20, basis="Z"), 10**9)["circuits"][0]["key"]
    assert key["pairs"] == {"Z": 20, "X": 0, "Y": 0}
    assert key["qber"]["X"] is None and key["bb84_fraction"] is None
    assert key["six_state_fraction"] is None
    none = run(chain(1, km=0.0, num_pairs=20, basis="none"), 10**9)["circuits"][0]
    assert "key" not in none and "repeaterless" in none


def test_cli_reports_bounds_and_key_rates(tmp_path: Path) -> None:
    path = tmp_path / "chain.yaml"
    path.write_text(yaml.safe_dump(chain(2, km=10.0, num_pairs=30)))
    res = CliRunner().invoke(simulate, [str(path), "--json", "--duration", "1000000000"])
    assert res.exit_code == 0, res.output
    row = json.loads(res.output)["circuits"][0]
    eta = 10 ** (-0.2 * 20 / 10)
    assert row["repeaterless"]["plob_per_use"] == pytest.approx(-math.log2(1 - eta), rel=1e-10)
    assert row["key"]["pairs"] == {"Z": 10, "X": 10, "Y": 10}
    res = CliRunner().invoke(simulate, [str(path), "--duration", "1000000000"])
    assert res.exit_code == 0, res.output
    text = " ".join(res.output.split())
    assert "PLOB" in text and "TGW" in text and "repeaterless bounds over 20 km" in text
    assert "BB84" in text and "six-state" in text and "Q_Y" in text
