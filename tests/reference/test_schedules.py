"""Swap schedules and per-level cutoffs (spec chapter 05 section 7.1) against independent oracles.

The waiting-time oracle is the recursion of Brand, Coopmans and Elkouss (2020) in
``waiting_oracle`` (written without the simulator). Links of 0 km make every classical message
instantaneous in simulated time, so the simulator's waiting time is the slot-only model's:
with links of length L each nesting level would add up to one SWAP_OUTCOME latency (L / c per
hop it crosses) and each link a HERALD round trip to its station, which is why these runs use
0 km (docs/simulator.md, "Swap schedules").
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import waiting_oracle as oracle
from harness import werner_chain

from qvcp.reference import noise, schedule
from qvcp.reference.admission import baseline_rules
from qvcp.reference.config import NodeConfig
from qvcp.reference.sim.network import Network
from qvcp.reference.sim.scenario import ScenarioError, load_scenario
from qvcp.reference.sim.world import MemoryModel, Pair, World

PREP = 10_000  # ns per attempt slot of a 0 km Werner link


def _trailing_zeros(i: int) -> int:
    return (i & -i).bit_length() - 1


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
def test_power_of_two_routes_follow_the_doubling_rule(n: int) -> None:
    """With 2^n links the router at position i has level 1 + tz(i) and far ends
    i -+ 2^(level - 1) (Briegel et al. 1998)."""
    k = 2**n
    got = schedule.nested_positions(k)
    assert sorted(got) == list(range(1, k))
    for i in range(1, k):
        level = 1 + _trailing_zeros(i)
        assert got[i] == (i - 2 ** (level - 1), i + 2 ** (level - 1), level)


@pytest.mark.parametrize("k", [2, 3, 5, 6, 7, 11])
def test_any_route_length_is_a_binary_tree_of_segments(k: int) -> None:
    """Every router joins two adjacent segments, the two halves of its own; the segments of
    level-1 routers are two links and a router's level exceeds its halves' levels."""
    got = schedule.nested_positions(k)
    assert sorted(got) == list(range(1, k))
    for m, (a, b, level) in got.items():
        assert a < m < b and m == (a + b) // 2
        for lo, hi in ((a, m), (m, b)):
            inner = [v[2] for p, v in got.items() if lo < p < hi and (v[0], v[1]) == (lo, hi)]
            assert len(inner) == (1 if hi - lo >= 2 else 0)
            assert all(level > lv for lv in inner)
        if b - a == 2:
            assert level == 1
    assert schedule.far_ends([10, 20, 30, 40], 20) == (10, 40)  # 3 links: [0,3] -> m = 1
    assert schedule.far_ends([10, 20, 30, 40], 30) == (20, 40)
    assert schedule.far_ends([10, 20, 30, 40], 10) is None


def test_per_level_cutoffs_add_up_to_the_circuit_cutoff() -> None:
    """FWD-026: levels 1..l add up to at most the circuit cutoff; without a circuit cutoff the
    given ones stand."""
    assert schedule.level_cutoffs(3, 12_000) == [4000, 4000, 4000]
    assert schedule.level_cutoffs(3, 10_000, [6000, 6000]) == [6000, 4000, 1]
    assert schedule.level_cutoffs(2, 0, [100, 300]) == [100, 300]
    assert schedule.level_cutoffs(2, 0) == [0, 0]


def test_tail_end_rules_under_the_nested_schedule() -> None:
    """FWD-022, FWD-026: every rule of a level-l router gets level l's cutoff; end nodes keep
    the circuit's; the CONFIRM gets one SWAP_SCHEDULE extension, not critical."""
    route, links = [1, 2, 3, 4, 5], [11, 12, 13, 14]
    rules = baseline_rules(7, route, links, head_endpoint=1, tail_endpoint=2, cutoff_ns=9000)
    exts = schedule.apply_schedule(rules, route, {"swap_schedule": "nested",
                                                  "level_cutoffs_ns": [2000, 5000]}, 9000)
    assert exts == [{"type": 4, "critical": False, "value": "01"}]
    by_node = {n: {r["cutoff_ns"] for r in rules if r["node"] == n} for n in route}
    assert by_node == {1: {9000}, 2: {2000}, 3: {5000}, 4: {2000}, 5: {9000}}
    assert schedule.of_message({"extensions": exts}) == schedule.NESTED
    assert schedule.of_message({"extensions": []}) == schedule.ASAP
    grease = {"extensions": [{"type": 4, "critical": False, "value": "1a"}]}
    assert schedule.of_message(grease) == schedule.ASAP  # an unknown code: ASAP
    longer = {"extensions": [{"type": 4, "critical": False, "value": "01ff00"}]}
    assert schedule.of_message(longer) == schedule.NESTED  # further octets are reserved
    empty = {"extensions": [{"type": 4, "critical": False, "value": ""}]}
    assert schedule.of_message(empty) == schedule.ASAP
    plain = baseline_rules(7, route, links, head_endpoint=1, tail_endpoint=2, cutoff_ns=9000)
    assert schedule.apply_schedule(plain, route, {"swap_schedule": "asap"}, 9000) == []
    assert {r["cutoff_ns"] for r in plain} == {9000}


def test_level_cutoffs_need_the_nested_schedule() -> None:
    doc = werner_chain(2, p=0.5, fidelity=1.0, options={"level_cutoffs_ns": [1000]})
    with pytest.raises(ScenarioError) as err:
        load_scenario(doc)
    assert err.value.field == "options.level_cutoffs_ns"
    with pytest.raises(ValueError, match=r"NodeConfig\.swap_schedule"):
        NodeConfig(node_id=1, swap_schedule="doubling")


@pytest.mark.parametrize(("f0", "threshold", "t2a", "t2b"),
                         [(0.95, 0.9, 0.01, 0.02), (0.9, 0.6, 0.005, 0.005),
                          (0.99, 0.97, 0.1, math.inf)])
def test_fidelity_threshold_is_an_age_limit(f0: float, threshold: float, t2a: float,
                                           t2b: float) -> None:
    """FWD-027: a Werner pair dephasing in its two memories reaches the threshold exactly at
    the closed-form age, by the noise core's decay (checked against the World's own formula
    written out: the Phi+ weight of a Bell-diagonal Werner state under dephasing of rate
    G = 1/T2a + 1/T2b is (1 + 2 F0)/6 + e^(-G t) (4 F0 - 1)/6)."""
    age_ns = schedule.threshold_age_ns(f0, threshold, (t2a * 1e9, t2b * 1e9))
    g = 1 / t2a + (0 if math.isinf(t2b) else 1 / t2b)
    t = age_ns * 1e-9
    written_out = (1 + 2 * f0) / 6 + math.exp(-g * t) * (4 * f0 - 1) / 6
    assert written_out == pytest.approx(threshold, abs=1e-12)

    def stored(t_ns: int) -> float:  # the noise core: a fresh pair created at 0, read at t
        world = World(np.random.default_rng(0), memory={1: MemoryModel(math.inf, t2a),
                                                          2: MemoryModel(math.inf, t2b)})
        pair = Pair(noise.werner_bd(f0), 0, [(1, 0), (2, 0)])
        world.pairs[(1, 0)] = world.pairs[(2, 0)] = pair
        return world.fidelity((1, 0), 0, t_ns)

    assert stored(round(age_ns)) == pytest.approx(threshold, abs=1e-6)
    assert stored(round(age_ns * 0.9)) > threshold > stored(round(age_ns * 1.1))


def test_threshold_edges() -> None:
    assert schedule.threshold_age_ns(0.8, 0.9, (1e6, 1e6)) == 0.0
    # the dephased pair never falls below (1 + 2 F0) / 6
    assert math.isinf(schedule.threshold_age_ns(0.9, (1 + 2 * 0.9) / 6, (1e6, 1e6)))
    assert math.isinf(schedule.threshold_age_ns(0.9, 0.8, (math.inf, math.inf)))


# -- the waiting time of the nested schedule, against the Brand et al. recursion -----------------

def _gaps(doc: dict) -> np.ndarray:
    net = Network.from_scenario(doc)
    net.run_until(10**10)
    done = net.completed()
    assert net.check_invariants() == []
    assert len(done) == doc["demands"][0]["num_pairs"]
    return np.diff([d.time_ns for d in done]) / PREP


@pytest.mark.parametrize(("p", "q", "pairs", "seed"), [(0.3, 1.0, 800, 20261206),
                                                       (0.5, 0.5, 500, 20261207)])
def test_nested_waiting_time_matches_the_recursion(p: float, q: float, pairs: int,
                                                   seed: int) -> None:
    """FWD-020: 4 links of success probability p per slot, swaps succeeding with probability
    q: the mean number of slots between deliveries is E[T_2] of the recursion (T_0 ~ Geom(p),
    T_(n+1) = sum_(k=1)^K max(T_n^a, T_n^b), K ~ Geom(q)), within 4 standard errors."""
    print(f"seed={seed}")
    doc = werner_chain(4, p=p, fidelity=1.0, prep=PREP, num_pairs=pairs, seed=seed,
                       options={"swap_schedule": "nested"})
    for node in doc["nodes"]:
        if node["role"] == "router":
            node["bsm_success_probability"] = q
    gaps = _gaps(doc)
    expected = oracle.mean(oracle.nested(p, q, 2))
    err = gaps.std(ddof=1) / math.sqrt(len(gaps))
    assert abs(gaps.mean() - expected) < 4 * err, (gaps.mean(), expected, err, seed)


def test_nested_schedule_changes_the_waiting_time_where_asap_differs() -> None:
    """The schedule reaches the routers: with swaps failing half the time, swap-asap on 4 links
    waits a different time than nested swapping (the recursion holds for nested only). The
    two means differ by about 3 slots (18 against 15) with a standard deviation of 13 to 17
    slots per gap: 1500 pairs each put the difference about 5.5 standard errors apart, so the
    3-standard-error test has a power above 0.99."""
    seed, p, q = 20261208, 0.5, 0.5
    means = {}
    for sched in ("asap", "nested"):
        doc = werner_chain(4, p=p, fidelity=1.0, prep=PREP, num_pairs=1500, seed=seed,
                           options={"swap_schedule": sched})
        for node in doc["nodes"]:
            if node["role"] == "router":
                node["bsm_success_probability"] = q
        gaps = _gaps(doc)
        means[sched] = (gaps.mean(), gaps.std(ddof=1) / math.sqrt(len(gaps)))
    (a, ea), (n, en) = means["asap"], means["nested"]
    assert abs(a - n) > 3 * math.hypot(ea, en), means


@pytest.mark.parametrize("n_links", [3, 4, 5])
def test_per_level_cutoffs_in_a_run(n_links: int) -> None:
    """FWD-021, FWD-026: a nested run with per-level cutoffs, on routes of any length, delivers
    every pair, keeps the invariants and frees every memory qubit."""
    doc = werner_chain(n_links, p=0.2, fidelity=1.0, prep=PREP, num_pairs=60, seed=11,
                       options={"swap_schedule": "nested", "cutoff_ns": 400_000,
                                "level_cutoffs_ns": [60_000, 200_000]})
    net = Network.from_scenario(doc, strict=True)
    net.run_until(10**10)
    assert len(net.completed()) == 60
    assert net.check_invariants() == []
    assert sum(net.memory_in_use().values()) == 0


def test_tail_end_turns_a_fidelity_threshold_into_link_cutoffs() -> None:
    """FWD-027 at the tail end: each link's rules (both of its nodes) get the closed-form age
    of its fidelity and its nodes' T2; longer cutoffs are shortened, shorter ones kept."""
    route, links = [1, 2, 3], [11, 12]
    hops = [{"link_id": 11, "link_fidelity": round(0.95 * 65535), "memory_t2_ns": 10**7},
            {"link_id": 12, "link_fidelity": round(0.9 * 65535), "memory_t2_ns": 2 * 10**7},
            {"link_id": 0, "link_fidelity": 0, "memory_t2_ns": 4 * 10**7}]
    rules = baseline_rules(7, route, links, head_endpoint=1, tail_endpoint=2, cutoff_ns=10**9)
    schedule.apply_threshold(rules, route, hops, 0.85)
    ages = {11: (0.95, 10**7, 2 * 10**7), 12: (0.9, 2 * 10**7, 4 * 10**7)}
    for rule in rules:
        f0, t2a, t2b = ages[rule["match_link"]]
        f0 = round(f0 * 65535) / 65535
        r = (0.85 - 0.25) / (f0 - 0.25)
        want = int(math.log(2 / (3 * r - 1)) / (1 / t2a + 1 / t2b))
        assert rule["cutoff_ns"] == want
    short = baseline_rules(7, route, links, head_endpoint=1, tail_endpoint=2, cutoff_ns=1000)
    schedule.apply_threshold(short, route, hops, 0.85)
    assert {r["cutoff_ns"] for r in short} == {1000}


def test_a_run_installs_the_threshold_and_the_schedule() -> None:
    """The scenario options reach the tail end: the routers' installed circuit has the nested
    schedule, and the threshold's age limit is the end nodes' cutoff."""
    doc = werner_chain(4, p=0.5, fidelity=0.95, prep=PREP, num_pairs=5, seed=3,
                       options={"swap_schedule": "nested", "fidelity_threshold": 0.9})
    for node in doc["nodes"]:
        node["t2_s"] = 0.01
    net = Network.from_scenario(doc, strict=True)
    net.run_until(20_000)  # set up, nothing delivered yet
    infos = {nid: next(iter(node.signalling.values())).info for nid, node in net.nodes.items()
             if node.signalling}
    assert len(infos) == 5
    assert {info.swap_schedule for info in infos.values()} == {schedule.NESTED}
    f0 = round(0.95 * 65535) / 65535
    want = int(schedule.threshold_age_ns(f0, 0.9, (10**7, 10**7)))
    head = net.names["N0"]
    assert {r["cutoff_ns"] for r in infos[head].rules if r["node"] == head} == {want}
    net.run_until(10**9)
    assert len(net.completed()) == 5
    assert net.check_invariants() == []


# -- delivered fidelity: Werner composition and T2 decay at the actual storage times ------------

def _storage_ns(herald: dict[int, int], sched: str) -> int:
    """Total storage time of the 8 qubits of 4 links heralded at ``herald[link]`` in the
    slot-only, zero-latency model: router j (between links j and j + 1) swaps as soon as it
    holds pairs of both links (asap), or as soon as both halves of its segment are joined
    (nested: routers 1 and 3 at once, router 2 when they have swapped); end nodes hold their
    qubits until the last swap. A qubit is stored from its pair's herald until its swap."""
    t = herald
    swap = {j: max(t[j], t[j + 1]) for j in (1, 2, 3)}
    if sched == "nested":
        swap[2] = max(swap[1], swap[3], t[2], t[3])
    done = max(swap.values())
    consumed = {0: done, 1: swap[1], 2: swap[2], 3: swap[3], 4: done}
    return sum(consumed[i - 1] - t[i] + consumed[i] - t[i] for i in (1, 2, 3, 4))


@pytest.mark.parametrize("slots", [{1: 1, 2: 4, 3: 2, 4: 3}, {1: 4, 2: 1, 3: 2, 4: 3}])
@pytest.mark.parametrize("sched", ["asap", "nested"])
def test_delivered_fidelity_at_the_actual_storage_times(slots: dict[int, int],
                                                       sched: str) -> None:
    """Werner links (F = 0.95, w = (4F - 1)/3) heralded in chosen slots, memories of T2 = 1 ms
    dephasing every stored qubit: independent Pauli errors compose, so the delivered fidelity is
    1/4 + w^4 (1 + 2 exp(-sum_q t_q / T2)) / 4 with t_q each qubit's storage time. The second
    slot pattern heralds the middle links first: nested swapping then keeps them waiting for
    the outer ones (100 us of storage) where swap-asap joins them at once (60 us)."""
    f, t2_s = 0.95, 0.001
    doc = werner_chain(4, p=1e-9, fidelity=f, prep=PREP, num_pairs=1, seed=1,
                       options={"swap_schedule": sched, "fast_forward": False})
    for node in doc["nodes"]:
        node["t2_s"] = t2_s
    net = Network.from_scenario(doc, strict=True)
    for k, link in sorted((k, link) for link, k in slots.items()):
        net.run_until(k * PREP - 1)
        net.world.forced[link] = (k * PREP, [1])  # the slot at k * PREP heralds (code 1)
    net.run_until(10**7)
    (done,) = net.completed()
    storage = _storage_ns({link: k * PREP for link, k in slots.items()}, sched)
    w = (4 * f - 1) / 3
    expected = 0.25 + w**4 * (1 + 2 * math.exp(-storage * 1e-9 / t2_s)) / 4
    assert done.fidelity == pytest.approx(expected, abs=1e-9), (storage, done.fidelity)
    assert storage == {("asap", 4): 60_000}.get((sched, slots[1]), 100_000)
