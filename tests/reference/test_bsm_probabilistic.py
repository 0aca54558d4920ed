"""Probabilistic Bell-state measurements (spec chapter 04 section 4.1) against exact results.

Set-up of the simulator runs: a chain N0 - N1 - N2 of two equal Werner links of success
probability p per attempt slot (slot = preparation time 10 us), length 0 km, and router N1's
BSM succeeding with probability q (scenario override ``bsm_success_probability``). Each link
tries once per slot; when both hold a pair N1 measures them: on success both ends deliver, on
failure N1 sends DISCARD BSM_FAILED to both ends (TRK-030.2); either way every qubit is free
again and both links restart from scratch, so the slots between two deliveries are
``sum_(k=1)^K max(G_1, G_2)`` with ``G_i ~ Geometric(p)`` and ``K ~ Geometric(q)``: the level-1
waiting time of Brand, Coopmans and Elkouss (IEEE JSAC 38, 619 (2020)), whose mean is
``(3 - 2p) / (p (2 - p) q)`` (``waiting_oracle.two_link_mean``).

Classical latency: at 0 km every message (HERALD, SWAP_OUTCOME, DISCARD) travels in 0 ns, so
a freed qubit is attempted with in the very next slot and the chain loses no slot to
signalling; the q = 1 run below measures the same set-up against ``(3 - 2p)/(p (2 - p))``, so
a latency effect would show there as well. Four seeds (101 to 104) of 2,000 pairs each at
p = 0.3 measured -0.007 +- 0.035 slots (q = 1) and +0.035 +- 0.089 slots (q = 1/2) against
the closed form (one standard error): no latency effect above a few hundredths of a slot.
The seeds are printed for replay.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pytest
import waiting_oracle as oracle
from harness import werner_chain

from qvcp.reference.sim.network import Network
from qvcp.reference.sim.world import MemoryModel, Pair, World

SLOT_NS = 10_000


def _gaps(p: float, q: float, pairs: int, seed: int) -> np.ndarray:
    """Slots between consecutive deliveries of the two-link chain (see the module docstring)."""
    scen: dict[str, Any] = werner_chain(2, p=p, fidelity=1.0, prep=SLOT_NS, num_pairs=pairs,
                                        seed=seed)
    if q < 1.0:
        scen["nodes"][1]["bsm_success_probability"] = q
    net = Network.from_scenario(scen)
    net.run_until(10**10)
    times = np.array(sorted(d.time_ns for d in net.completed()), dtype=np.float64)
    assert len(times) == pairs, f"{len(times)} of {pairs} pairs delivered (seed {seed})"
    assert net.check_invariants() == []
    assert sum(net.memory_in_use().values()) == 0
    return np.diff(times) / SLOT_NS


@pytest.mark.parametrize(("q", "seed"), [(0.5, 20261206), (1.0, 20261207)])
def test_two_link_mean_waiting_time_with_probabilistic_swaps(q: float, seed: int) -> None:
    """TRK-030.3: mean slots per delivered pair = (3 - 2p) / (p (2 - p) q), within 3 SE.

    2,000 pairs at p = 0.3: for q = 1/2 the expected gap is 9.412 slots (standard deviation
    about 8, so one standard error is about 0.18 slot); for q = 1 it is 4.706 slots. Both
    together check (b) of the design too: the rate with q = 1/2 is half that with q = 1.
    """
    p, pairs = 0.3, 2000
    print(f"seed={seed} p={p} q={q} pairs={pairs}")
    gaps = _gaps(p, q, pairs, seed)
    expected = oracle.two_link_mean(p, q)
    se = gaps.std(ddof=1) / math.sqrt(len(gaps))
    print(f"mean={gaps.mean():.4f} expected={expected:.4f} se={se:.4f}")
    assert abs(gaps.mean() - expected) < 3 * se, (gaps.mean(), expected, se, seed)


def test_two_link_waiting_time_distribution_matches_the_recursion() -> None:
    """The whole distribution, not only its mean: the simulated gaps of the q = 1/2 chain
    against the exact level-1 distribution of the recursion, by a chi-square test over
    slot bins with at least 20 expected counts each (significance 0.001)."""
    from scipy import stats

    p, q, pairs, seed = 0.3, 0.5, 2000, 20261208
    print(f"seed={seed}")
    gaps = _gaps(p, q, pairs, seed).astype(int)
    pmf = oracle.nested(p, q, 1)
    n = len(gaps)
    edges, acc = [1], 0.0
    for t in range(1, len(pmf)):
        acc += pmf[t]
        if acc * n >= 20 and (1 - pmf[:t + 1].sum()) * n >= 20:
            edges.append(t + 1)
            acc = 0.0
    edges.append(len(pmf) + 10**6)
    cdf = np.concatenate([np.cumsum(pmf), [1.0]])
    expected = np.array([cdf[min(b, len(pmf)) - 1] - cdf[a - 1]
                         for a, b in itertools.pairwise(edges)]) * n
    observed = np.histogram(gaps, bins=edges)[0]
    expected *= observed.sum() / expected.sum()
    chi2 = stats.chisquare(observed, expected)
    assert chi2.pvalue > 1e-3, (chi2, seed)


def test_oracle_level_one_equals_the_closed_form() -> None:
    for p, q in ((0.3, 0.5), (0.05, 0.5), (0.9, 0.2), (0.5, 1.0)):
        got = oracle.mean(oracle.nested(p, q, 1))
        assert got == pytest.approx(oracle.two_link_mean(p, q), rel=1e-9)


def test_oracle_two_levels_with_deterministic_swaps_is_the_maximum_of_four_links() -> None:
    """q = 1: T_2 is the largest of four geometric waits, E = sum_t (1 - (1 - (1-p)^t)^4)."""
    p = 0.2
    exact = sum(1 - (1 - (1 - p) ** t) ** 4 for t in range(2000))
    assert oracle.mean(oracle.nested(p, 1.0, 2)) == pytest.approx(exact, rel=1e-9)


def test_oracle_two_levels_against_direct_sampling_of_the_protocol() -> None:
    """q = 1/2, four links nested: the recursion's mean against 40,000 samples drawn from
    the protocol's definition (each level retries until its swap succeeds), within 3 SE."""
    rng = np.random.default_rng(20261209)
    p, q, n = 0.3, 0.5, 40_000

    def level(k: int, size: int) -> np.ndarray:
        if k == 0:
            return rng.geometric(p, size).astype(np.float64)
        total = np.zeros(size)
        todo = np.arange(size)
        while len(todo):
            total[todo] += np.maximum(level(k - 1, len(todo)), level(k - 1, len(todo)))
            todo = todo[rng.random(len(todo)) >= q]
        return total

    samples = level(2, n)
    se = samples.std(ddof=1) / math.sqrt(n)
    assert abs(samples.mean() - oracle.mean(oracle.nested(p, q, 2))) < 3 * se


def test_world_bsm_fails_with_the_complement_probability_and_consumes_both_qubits() -> None:
    q, n = 0.5, 4000
    world = World(np.random.default_rng(5), memory={2: MemoryModel(bsm_q=q)})
    failed = 0
    for i in range(n):
        left = Pair([1.0, 0.0, 0.0, 0.0], 0, [(1, i), (2, 2 * i)])
        right = Pair([1.0, 0.0, 0.0, 0.0], 0, [(2, 2 * i + 1), (3, i)])
        world.pairs.update({(1, i): left, (2, 2 * i): left, (2, 2 * i + 1): right,
                            (3, i): right})
        m = world.bsm(2, 2 * i, 2 * i + 1, 0)
        if m is None:
            failed += 1
            assert world.partner((1, i)) is None and world.partner((3, i)) is None
        else:
            assert world.partner((1, i)) == (3, i)
        assert (2, 2 * i) not in world.pairs and (2, 2 * i + 1) not in world.pairs
    se = math.sqrt(q * (1 - q) / n)
    assert abs(failed / n - (1 - q)) < 3 * se


def test_certain_bsm_draws_no_random_number() -> None:
    """q = 1 (the default) keeps runs bit for bit: World.bsm draws exactly what the swap
    sampler draws (one uniform), and no success draw before it."""
    from qvcp.reference.sim import fastbd

    w = [0.9, 0.05, 0.03, 0.02]
    world = World(np.random.default_rng(7), memory={2: MemoryModel(bsm_q=1.0)})
    left, right = Pair(list(w), 0, [(1, 0), (2, 0)]), Pair(list(w), 0, [(2, 1), (3, 0)])
    world.pairs.update({(1, 0): left, (2, 0): left, (2, 1): right, (3, 0): right})
    m = world.bsm(2, 0, 1, 0)
    twin = np.random.default_rng(7)
    m_twin, _ = fastbd.sample_swap(list(w), list(w), 1.0, 1.0, twin)
    assert m == m_twin
    assert world.rng.random() == twin.random()


def test_admission_rate_two_links_is_divided_by_q() -> None:
    """SIG-046: two links of rate r, no cutoff: mean time (3 / (2 r)) / q, exactly."""
    from qvcp.reference.admission import expected_rate

    hops = [{"link_id": 1, "link_rate_mhz": 10**6}, {"link_id": 2, "link_rate_mhz": 10**6}]
    for q in (1.0, 0.5, 0.25):
        assert 1 / expected_rate(hops, swap_success=q) == pytest.approx(1.5e-3 / q, rel=1e-12)


def test_admission_rate_three_links_against_direct_sampling() -> None:
    """SIG-046: the Markov chain with q = 1/2 on three equal links against 15,000 runs of
    swap-asap sampled from its definition (a link gains a pair after an exponential wait; a
    new pair next to held runs joins them only if every BSM it takes succeeds, else it and
    both runs are lost), within 3 SE."""
    from qvcp.reference.admission import expected_rate

    rng = np.random.default_rng(20261210)
    rate, q, n, links = 1000.0, 0.5, 15_000, 3
    hops = [{"link_id": i + 1, "link_rate_mhz": rate * 1000} for i in range(links)]
    samples = np.empty(n)
    for k in range(n):
        t, held = 0.0, [False] * links
        while not all(held):
            free = [i for i in range(links) if not held[i]]
            t += rng.exponential(1 / (rate * len(free)))
            i = free[rng.integers(len(free))]
            runs = []
            for step in (-1, 1):
                j, run = i + step, []
                while 0 <= j < links and held[j]:
                    run.append(j)
                    j += step
                runs.append(run)
            if rng.random() < q ** sum(1 for run in runs if run):
                held[i] = True
            else:
                for j in runs[0] + runs[1]:
                    held[j] = False
        samples[k] = t
    se = samples.std(ddof=1) / math.sqrt(n)
    assert abs(samples.mean() - 1 / expected_rate(hops, swap_success=q)) < 3 * se
    # and the failures matter: with q = 1 the chain is much faster than the samples
    assert 1 / expected_rate(hops) < samples.mean() - 10 * se


def test_scripted_chain_recovers_from_a_failed_swap() -> None:
    """TRK-030.1 to TRK-030.3, TRK-031.1: the router's first BSM fails: DISCARD BSM_FAILED to
    both ends, no SWAP_OUTCOME for it, nothing delivered from it; the links start again and
    the second round delivers one pair at both ends, numbered outcome_seq 0."""
    from collections import deque

    from harness import Harness

    h = Harness(["end", "router", "end"])
    h.resolve_by_link[1] = deque([1, 1])
    h.resolve_by_link[2] = deque([3, 3])
    h.devices[2].bsm_results = deque([None, 2])
    h.open(1, 3)
    h.run(40_000)
    discards = h.sent_of("DISCARD", source=2)
    assert sorted((m["destination"], m["body"]["reason"]) for m in discards) == [
        (1, "BSM_FAILED"), (3, "BSM_FAILED")]
    assert [m["body"]["pair"]["seq"] for m in discards] == [1, 1]
    outcomes = h.sent_of("SWAP_OUTCOME", source=2)
    assert {m["body"]["outcome_seq"] for m in outcomes} == {0}
    assert {(m["body"]["left"]["seq"], m["body"]["right"]["seq"]) for m in outcomes} == {(2, 2)}
    head, tail = h.app_of(1, "PAIR_DELIVERY"), h.app_of(3, "PAIR_DELIVERY")
    assert len(head) == len(tail) == 1
    assert head[0]["body"]["pair_id"] == tail[0]["body"]["pair_id"] == (2 << 16) | 2
    assert h.errors() == []


def test_scripted_failed_swap_next_to_a_swapped_pair_reaches_the_far_end() -> None:
    """TRK-031.1 with TRK-012.2: on 1 - 2 - 3 - 4 every link heralds in the same slot; router
    2 swaps, router 3's BSM fails. Router 3's DISCARD BSM_FAILED names router 2's qubit, which
    router 2 has swapped: router 2 passes it on to node 1. No end delivers that round and no
    node answers with an ERROR (the DISCARDs reaching node 1 twice are not errors)."""
    from collections import deque

    from harness import Harness

    h = Harness(["end", "router", "router", "end"])
    for link in (1, 2, 3):
        h.resolve_by_link[link] = deque([1])
    h.devices[2].bsm_results = deque([0])
    h.devices[3].bsm_results = deque([None])
    h.open(1, 4)
    h.run(40_000)
    # to both partners (TRK-030.2), and to node 1 once router 2's SWAP_OUTCOME names the
    # measured qubit (TRK-013.2)
    from3 = h.sent_of("DISCARD", source=3)
    assert sorted(m["destination"] for m in from3) == [1, 2, 4]
    assert all(m["body"]["reason"] == "BSM_FAILED" for m in from3)
    passed_on = h.sent_of("DISCARD", source=2, dest=1)  # TRK-012.2
    assert [m["body"]["reason"] for m in passed_on] == ["BSM_FAILED"]
    assert h.app_of(1, "PAIR_DELIVERY") == [] and h.app_of(4, "PAIR_DELIVERY") == []
    assert h.errors() == []
