"""Multiplexed link-layer attempts (spec chapter 03: LINK-001.3, LINK-005.3,
LINK-013.1, LINK-015.1 to LINK-015.4).

Scripted engines for the message rules; the noise core's multiplexed sampler against its
closed-form laws; the simulator's pair rate against K p per slot (seeded, seed printed).
"""

from __future__ import annotations

import math
from collections import deque
from typing import Any

import numpy as np
import pytest
from harness import Harness

from qvcp.reference import noise
from qvcp.reference.sim import fastbd
from qvcp.reference.sim.network import Network
from qvcp.schemas import ErrorCode


def _attempt_qubits(h: Harness, node: int) -> list[int]:
    return [q for name, c in h.devices[node].calls if name == "attempt" for q in c["qubits"]]


def test_one_attempt_names_every_mode_and_each_success_is_a_pair() -> None:
    """LINK-001.3: one ATTEMPT with modes = qubits used; LINK-015.2, LINK-005.1, LINK-013.1: a
    result per mode, seqs in mode order for successes only, the mode-i qubit holds the mode-i
    pair."""
    h = Harness(["end", "end"], slots_per_link=3, comm_qubits=3, memory=4)
    h.station_dev.resolve_results = deque([255, 1, 3])
    h.open(1, 2, num_pairs=2)
    h.run(1_500)
    attempts = h.sent_of("ATTEMPT")
    assert [m["body"]["modes"] for m in attempts] == [3, 3]
    (resolve,) = [c for name, c in h.station_dev.calls if name == "resolve"]
    assert resolve["modes"] == 3
    heralds = h.sent_of("HERALD")
    assert len(heralds) == 2 and heralds[0]["body"] == heralds[1]["body"]  # LINK-004
    assert heralds[0]["body"]["results"] == [{"outcome": "FAILURE", "seq": 0},
                                             {"outcome": "PSI_PLUS", "seq": 1},
                                             {"outcome": "PSI_MINUS", "seq": 2}]
    for node in (1, 2):
        qubits = _attempt_qubits(h, node)[:3]
        delivered = [m["body"] for m in h.app_of(node, "PAIR_DELIVERY")]
        assert [d["qubit_handle"] for d in delivered] == qubits[1:]
        assert [d["bell_state"] for d in delivered] == ["PSI_PLUS", "PSI_MINUS"]
        frees = [c["qubit"] for name, c in h.devices[node].calls if name == "free"]
        assert qubits[0] in frees and not set(qubits[1:]) & set(frees)
    assert h.errors() == []


def test_modes_are_capped_by_idle_communication_qubits() -> None:
    """LINK-002: a node never attempts with more modes than it has communication qubits;
    the station matches the smaller count (LINK-015.1)."""
    h = Harness(["end", "end"], slots_per_link=4, comm_qubits=2, memory=4)
    h.open(1, 2, num_pairs=1)
    h.run(1_500)
    assert [m["body"]["modes"] for m in h.sent_of("ATTEMPT")] == [2, 2]
    assert len(h.sent_of("HERALD")[0]["body"]["results"]) == 2


def _attempting(modes: int) -> Harness:
    h = Harness(["end", "end"], slots_per_link=modes, comm_qubits=modes, memory=4)
    h.drop = lambda msg: msg["type"] == "ATTEMPT"  # the test plays the station
    h.open(1, 2, num_pairs=1)
    h.run(1_005)
    assert h.nodes[1].links[1].state.name == "ATTEMPTING"
    return h


def _herald(h: Harness, results: list[dict[str, Any]]) -> None:
    attempt = h.nodes[1].links[1].attempt
    assert attempt is not None
    h.inject(1, "HERALD", {"link_id": 1, "slot_ns": attempt[0], "attempt_id_a": attempt[1],
                           "attempt_id_b": 77, "results": results}, source=101)


def test_herald_with_no_results_ends_the_attempt_without_error() -> None:
    """LINK-021: no results (the peer attempted with modes 0, LINK-020): every mode failed,
    every qubit of the attempt freed, no ERROR."""
    h = _attempting(1)
    qubits = _attempt_qubits(h, 1)
    _herald(h, [])
    assert not h.sent_of("ERROR", 1, 101)
    assert h.nodes[1].links[1].state.name == "ARMED"
    assert {c["qubit"] for n, c in h.devices[1].calls if n == "free"} >= set(qubits)
    assert h.nodes[1].links[1].held_seqs == set()


@pytest.mark.parametrize("results", [[{"outcome": "PSI_PLUS", "seq": 1}] * 2],
                         ids=["more-results-than-modes"])
def test_herald_not_fitting_the_modes_is_refused(results: list[dict[str, Any]]) -> None:
    """LINK-015.4: more results than the attempt's modes: whole HERALD discarded, every qubit
    of the attempt freed, ATTEMPT_MISMATCH on body.results."""
    h = _attempting(1)
    qubits = _attempt_qubits(h, 1)
    _herald(h, results)
    (err,) = h.sent_of("ERROR", 1, 101)
    assert err["body"]["code"] == ErrorCode.ATTEMPT_MISMATCH
    assert err["body"]["field"] == "body.results"
    assert h.nodes[1].links[1].state.name == "ARMED"
    assert {c["qubit"] for n, c in h.devices[1].calls if n == "free"} >= set(qubits)
    assert h.nodes[1].links[1].held_seqs == set()


def test_repeated_seq_within_one_herald_refuses_only_that_result() -> None:
    """LINK-005.3: the second result repeating the first's seq is discarded and reported; the
    first is recorded; the second mode's qubit is freed."""
    h = _attempting(2)
    q0, q1 = _attempt_qubits(h, 1)
    _herald(h, [{"outcome": "PSI_PLUS", "seq": 5}, {"outcome": "PSI_MINUS", "seq": 5}])
    (err,) = h.sent_of("ERROR", 1, 101)
    assert err["body"]["code"] == ErrorCode.HERALD_SEQUENCE_INVALID
    assert err["body"]["field"] == "body.results[1].seq"
    assert [m["body"]["qubit_handle"] for m in h.app_of(1, "PAIR_DELIVERY")] == [q0]
    frees = {c["qubit"] for n, c in h.devices[1].calls if n == "free"}
    assert q1 in frees and q0 not in frees


def test_fewer_results_than_modes_fail_the_rest() -> None:
    """LINK-015.3: modes at or above the number of results failed; their qubits are freed."""
    h = _attempting(3)
    qubits = _attempt_qubits(h, 1)
    _herald(h, [{"outcome": "PSI_PLUS", "seq": 1}])
    assert not h.sent_of("ERROR", 1)
    frees = {c["qubit"] for n, c in h.devices[1].calls if n == "free"}
    assert frees >= set(qubits[1:]) and qubits[0] not in frees
    assert [m["body"]["qubit_handle"] for m in h.app_of(1, "PAIR_DELIVERY")] == qubits[:1]


# -- the noise core's multiplexed sampler -------------------------------------------------------
@pytest.mark.parametrize(("p", "modes"), [(0.3, 1), (0.3, 4), (0.05, 6), (1.0, 3)])
def test_multiplexed_sampler_follows_its_closed_forms(p: float, modes: int) -> None:
    """Rounds ~ geometric(q), q = 1-(1-p)^K; in the success round the number of successes is
    Binomial(K, p) conditioned on >= 1, and mode i succeeds with probability p/q."""
    seed, n = 11, 100_000
    print(f"seed={seed}")
    link = noise.double_click_link(distance_km=1.0)
    link = type(link)(**{**link.__dict__, "success_probability": p})
    _, rounds, idx = noise.sample_multiplexed_generation(link, modes=modes, size=n,
                                                         rng=np.random.default_rng(seed))
    q = 1 - (1 - p) ** modes
    mean, sd = 1 / q, math.sqrt((1 - q) / q**2 / n)
    assert abs(rounds.mean() - mean) <= 5 * sd + 1e-12
    succ = (idx >= 0).sum(axis=1)
    assert succ.min() >= 1
    for k in range(1, modes + 1):
        pk = math.comb(modes, k) * p**k * (1 - p) ** (modes - k) / q
        assert abs((succ == k).mean() - pk) <= 5 * math.sqrt(pk * (1 - pk) / n) + 1e-12
    marginal = (idx >= 0).mean(axis=0)
    assert np.all(np.abs(marginal - p / q) <= 5 * math.sqrt((p / q) * (1 - p / q) / n) + 1e-12)
    assert set(np.unique(idx[idx >= 0]).tolist()) <= set(link.herald_indices.tolist())


def test_multiplexed_sampler_rejects_bad_modes() -> None:
    link = noise.double_click_link(distance_km=1.0)
    with pytest.raises(ValueError, match="modes"):
        noise.sample_multiplexed_generation(link, modes=0, rng=np.random.default_rng(0))


@pytest.mark.parametrize("km", [0.5, 3.0, 40.0])
@pytest.mark.parametrize("modes", [1, 2, 5, 17])
def test_scalar_twin_equals_noise_core(modes: int, km: float) -> None:
    """fastbd.sample_multiplexed_failures draws as the noise core does, bit for bit."""
    link = noise.double_click_link(distance_km=km)
    p = link.success_probability
    codes = tuple(int(c) for c in link.herald_indices)
    probs = tuple(float(x) for x in link.herald_probabilities)
    for seed in range(50):
        _, rounds, idx = noise.sample_multiplexed_generation(
            link, modes=modes, rng=np.random.default_rng(seed))
        expected = (int(rounds[0]) - 1, tuple(int(c) if c >= 0 else 255 for c in idx[0]))
        got = fastbd.sample_multiplexed_failures(p, modes, codes, probs,
                                                 np.random.default_rng(seed))
        assert got == expected, seed


# -- the simulator's pair rate -------------------------------------------------------------------
def _pair_link(p: float, modes: int, fast: bool, seed: int) -> dict[str, Any]:
    return {
        "name": "mux", "seed": seed,
        "options": {"fast_forward": fast, "slots_per_link": modes},
        "nodes": [{"name": n, "role": "end", "memory_qubits": modes, "comm_qubits": modes}
                  for n in ("A", "B")],
        "links": [{"a": "A", "b": "B", "distance_km": 0.01, "model": "werner",
                   "fidelity": 0.99, "success_probability": p, "preparation_ns": 1000}],
        "demands": [{"head": "A", "tail": "B", "num_pairs": 10**6}],
    }


@pytest.mark.parametrize(("p", "modes", "fast"), [(0.3, 4, True), (0.02, 3, True),
                                                  (0.02, 3, False)])
def test_pairs_per_slot_is_modes_times_p(p: float, modes: int, fast: bool) -> None:
    """Every pair is consumed within its slot, so each slot attempts on all K modes and
    delivers Binomial(K, p) pairs: K p per slot on average, fast-forward on or off."""
    seed = 7
    print(f"seed={seed}")
    net = Network.from_scenario(_pair_link(p, modes, fast, seed))
    slot = net.nodes[1].links[1].slot_ns
    slots = 20_000
    start = net.nodes[1].links[1].slot_ns * 10  # circuit set up well before this slot
    net.run_until(start)
    before = len(net.completed())
    net.run_until(start + slots * slot)
    got = len(net.completed()) - before
    mean = slots * modes * p
    sd = math.sqrt(slots * modes * p * (1 - p))
    assert abs(got - mean) <= 5 * sd, (got, mean, seed)
    assert net.check_invariants() == []
    assert (net.elided_slots > 0) == fast


def _two_node(slots_per_link: int, comm: tuple[int, int], min_rate: float) -> Network:
    return Network.from_scenario({
        "name": "mux-admission", "seed": 5, "options": {"slots_per_link": slots_per_link},
        "nodes": [{"name": n, "role": "end", "memory_qubits": 8, "comm_qubits": c}
                  for n, c in (("A", comm[0]), ("B", comm[1]))],
        "links": [{"a": "A", "b": "B", "distance_km": 0.01, "model": "werner",
                   "fidelity": 0.99, "success_probability": 0.5, "preparation_ns": 1000}],
        "demands": [{"head": "A", "tail": "B", "num_pairs": 200, "min_rate": min_rate}]})


@pytest.mark.parametrize(("slots", "comm", "modes"), [(1, (4, 4), 1), (3, (4, 4), 3),
                                                      (4, (4, 2), 2)])
def test_advertised_link_rate_counts_the_modes_a_circuit_can_use(
        slots: int, comm: tuple[int, int], modes: int) -> None:
    """A link's rate for admission (SETUP link_rate_mhz, SIG-002.2 capacity) is K p per slot,
    K = min(slots_per_link, both ends' comm qubits), in mHz."""
    net = _two_node(slots, comm, 0.0)
    for node in net.nodes.values():
        (link,) = node.config.links
        assert link.rate_mhz == round(modes * 0.5 / (link.slot_ns * 1e-9) * 1000)


def test_a_rate_only_multiplexing_reaches_is_admitted_and_delivered() -> None:
    """min_rate 1.2e6 pairs/s exceeds p per slot (about 4.8e5/s: the 1 us preparation plus
    the station round trip) but not 3 p per slot (about 1.4e6/s): refused without
    multiplexing, admitted and served with three modes."""
    plain = _two_node(1, (4, 4), 1.2e6)
    plain.run_until(400_000)
    assert plain.rejects and not plain.completed()
    mux = _two_node(3, (4, 4), 1.2e6)
    mux.run_until(400_000)
    assert not mux.rejects and len(mux.completed()) == 200
