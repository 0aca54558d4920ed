"""Simulator against closed-form results (seeded; the seed is printed for replay)."""

import math

import numpy as np
import pytest
from harness import werner_chain as chain

from qvcp.reference import noise
from qvcp.reference.sim.network import Network
from qvcp.reference.sim.world import MemoryModel, Pair, World


@pytest.mark.parametrize("n_links", [1, 2, 4, 6])
def test_werner_chain_fidelity(n_links: int) -> None:
    """TRK-002: ideal swaps of Werner links give F = 1/4 + 3/4 w^N, in the tracked frame."""
    f_link = 0.95
    net = Network.from_scenario(chain(n_links, p=0.5, fidelity=f_link, num_pairs=20),
                                strict=True)
    net.run_until(5 * 10**7)
    done = net.completed()
    assert len(done) >= 19
    w = (4 * f_link - 1) / 3
    expected = 0.25 + 0.75 * w**n_links
    for d in done:
        assert d.fidelity == pytest.approx(expected, abs=1e-9)
    assert net.check_invariants() == []
    assert sum(net.memory_in_use().values()) == 0


def test_two_link_mean_waiting_time() -> None:
    """With deterministic swaps the 2-link chain waits (3-2p)/(p(2-p)) attempts per pair."""
    seed, p, prep = 20240607, 0.3, 10_000
    print(f"seed={seed}")
    net = Network.from_scenario(chain(2, p=p, fidelity=1.0, prep=prep, num_pairs=3000,
                                      seed=seed))
    net.run_until(10**9)
    times = np.array([d.time_ns for d in net.completed()])
    assert len(times) >= 2990
    gaps = np.diff(times) / prep  # slots between consecutive deliveries
    expected = (3 - 2 * p) / (p * (2 - p))
    half = 4 * gaps.std(ddof=1) / math.sqrt(len(gaps))
    assert abs(gaps.mean() - expected) < half, (gaps.mean(), expected, seed)


def test_stored_pair_decays_like_memory_model() -> None:
    """A stored pair's fidelity follows decohere_bd for the elapsed time (T1 = inf, T2)."""
    world = World(np.random.default_rng(0), memory={1: MemoryModel(math.inf, 0.01),
                                                      2: MemoryModel(math.inf, 0.02)})
    pair = Pair(noise.werner_bd(1.0), 0, [(1, 0), (2, 0)])
    world.pairs[(1, 0)] = world.pairs[(2, 0)] = pair
    for t_ns in (10**6, 5 * 10**6, 2 * 10**7):
        got = world.fidelity((1, 0), 0, t_ns)
        t = t_ns * 1e-9
        assert got == pytest.approx((1 + math.exp(-t / 0.01 - t / 0.02)) / 2, rel=1e-12)


def test_same_seed_same_trace() -> None:
    """Determinism: the same seed gives a bit-identical trace."""
    import io

    traces = []
    for _ in range(2):
        buf = io.StringIO()
        net = Network.from_scenario(chain(3, p=0.2, fidelity=0.9, km=1.0, num_pairs=10),
                                    seed=3, trace=buf)
        net.run_until(10**7)
        traces.append(buf.getvalue())
    assert traces[0] == traces[1] and len(traces[0]) > 1000


def test_measurements_follow_bell_state() -> None:
    """Network API: sampled outcomes of ideal pairs match the delivered Bell state."""
    scen = chain(2, p=0.5, fidelity=1.0, num_pairs=30)
    scen["options"] = {"measure_basis": "Z"}
    net = Network.from_scenario(scen)
    net.run_until(10**8)
    for d in net.completed():
        bell = d.head["bell_state"]
        assert (d.bits[0] ^ d.bits[1]) == (1 if bell in ("PSI_PLUS", "PSI_MINUS") else 0)


def test_admission_factors_match_noise_core() -> None:
    """SIG-005.1/SIG-038.2: the Werner factors of storage and of a noisy BSM are exact for Werner
    inputs (checked against the noise core's decohere_bd and swap_bd)."""
    from qvcp.reference.admission import storage_factor, swap_factor

    w0 = 0.9
    state = noise.werner_bd((3 * w0 + 1) / 4)
    for t_s, t2 in ((1e-3, 0.01), (0.05, 0.02)):
        out = noise.decohere_bd(state, t_s, t1=math.inf, t2=t2)
        assert out[0] == pytest.approx((3 * w0 * storage_factor(t_s * 1e9, t2 * 1e9) + 1) / 4)
    for p, eta in ((0.98, 0.95), (0.9, 0.99)):
        r = noise.swap_bd(state, state, p=p, eta=eta)
        # closed form: w_out = w^2 p (4 eta^2 - 1)/3, F = (3 w_out + 1)/4
        assert r.corrected[0] == pytest.approx((3 * w0 * w0 * p * (4 * eta**2 - 1) / 3 + 1) / 4)
        assert swap_factor(p, eta) == pytest.approx(p * (4 * eta**2 - 1) / 3)


def test_cutoff_guarantees_requested_fidelity() -> None:
    """SIG-039.1: the tail end's cutoff makes the worst case (every qubit stored that long) meet
    min_fidelity; a route that cannot is refused with FIDELITY_UNREACHABLE."""
    from qvcp.reference.admission import chain_fidelity, fidelity_cutoff
    from qvcp.reference.messages import fidelity_to_wire

    hops = [{"link_id": k, "link_fidelity": fidelity_to_wire(0.97), "link_rate_mhz": 10**6,
             "memory_t2_ns": 10**7} for k in (1, 2)] + [
        {"link_id": 0, "link_fidelity": 0, "link_rate_mhz": 0, "memory_t2_ns": 10**7}]
    w_link = (4 * fidelity_to_wire(0.97) / 65535 - 1) / 3
    cut = fidelity_cutoff(hops, 0.85)
    assert cut is not None and cut > 0
    # closed form: F = (3 w^2 ((1 + 2 exp(-c/T2))/3)^4 + 1)/4 at the cutoff
    f_at = (3 * w_link**2 * ((1 + 2 * math.exp(-cut / 1e7)) / 3) ** 4 + 1) / 4
    assert f_at == pytest.approx(0.85, abs=1e-6) and chain_fidelity(hops, cut) >= 0.85
    assert fidelity_cutoff(hops, 0.99) is None
