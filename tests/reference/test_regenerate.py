"""Scenario option ``regenerate`` (docs/simulator.md, "Regeneration"): with ``after_delivery``
a router's memory freed by a swap goes back to link generation only once the end-to-end pair
that swap fed is delivered or lost, the operation that the nested-repeater waiting-time model
of Brand, Coopmans and Elkouss (2020) assumes; ``eager`` (default) is the simulator as before.

The oracle is the recursion in ``waiting_oracle`` (written without the simulator); the set-up
is that of ``test_schedules.py``: links of 0 km, so every message arrives in the slot it is
sent and the time between deliveries is the slot-only model's.
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import waiting_oracle as oracle
from harness import werner_chain

from qvcp.reference.resources import Resources
from qvcp.reference.sim.network import Network
from qvcp.reference.sim.regenerate import ParkingDevice
from qvcp.reference.sim.scenario import ScenarioError, load_scenario
from qvcp.reference.sim.world import SimDevice

PREP = 10_000  # ns per attempt slot of a 0 km Werner link
SCEN = Path(__file__).parents[2] / "schemas" / "scenarios"


def _doc(n_links: int, *, p: float, q: float, pairs: int, seed: int,
         regenerate: str | None) -> dict:
    opts: dict = {"swap_schedule": "nested"}
    if regenerate is not None:
        opts["regenerate"] = regenerate
    doc = werner_chain(n_links, p=p, fidelity=1.0, prep=PREP, num_pairs=pairs, seed=seed,
                       options=opts)
    for node in doc["nodes"]:
        if node["role"] == "router":
            node["bsm_success_probability"] = q
    return doc


def _run(doc: dict) -> Network:
    net = Network.from_scenario(doc)
    net.run_until(10**10)
    assert len(net.completed()) == doc["demands"][0]["num_pairs"]
    assert net.check_invariants() == []
    assert sum(net.memory_in_use().values()) == 0
    return net


def _mean_gap(net: Network) -> tuple[float, float]:
    gaps = np.diff([d.time_ns for d in net.completed()]) / PREP
    return float(gaps.mean()), float(gaps.std(ddof=1) / math.sqrt(len(gaps)))


def test_nested_on_eight_links_waits_as_the_recursion() -> None:
    """8 links, p = 1/2 per slot, swaps that always succeed: with ``after_delivery`` the mean
    number of slots between deliveries is E[T_3] of the recursion (4.42) within 3 standard
    errors; with ``eager`` the links next to level-1 routers regenerate after the level-2
    swaps and the same seed waits clearly less (more than 3 standard errors below)."""
    seed, p, pairs = 20261210, 0.5, 1500
    expected = oracle.mean(oracle.nested(p, 1.0, 3))
    after = _run(_doc(8, p=p, q=1.0, pairs=pairs, seed=seed, regenerate="after_delivery"))
    m, err = _mean_gap(after)
    assert abs(m - expected) < 3 * err, (m, expected, err, seed)
    assert after.regen is not None and after.regen.released > 0 and not after.regen.parked
    eager = _run(_doc(8, p=p, q=1.0, pairs=pairs, seed=seed, regenerate="eager"))
    me, erre = _mean_gap(eager)
    assert me < expected - 3 * erre, (me, expected, erre)


def test_failed_swaps_restart_the_segments_they_join() -> None:
    """8 links, p = 1/2, every swap succeeding with q = 1/2 (TRK-030): a failed swap loses
    both halves, and the memory they had parked goes back to link generation; the mean wait
    is E[T_3] of the recursion (43.0 slots) within 3 standard errors."""
    seed, p, q = 20261212, 0.5, 0.5
    net = _run(_doc(8, p=p, q=q, pairs=400, seed=seed, regenerate="after_delivery"))
    m, err = _mean_gap(net)
    expected = oracle.mean(oracle.nested(p, q, 3))
    assert abs(m - expected) < 3 * err, (m, expected, err, seed)
    assert net.regen is not None and not net.regen.parked


def test_eager_is_the_default_and_unchanged() -> None:
    """``regenerate: eager`` runs exactly as a scenario without the option (same deliveries
    at the same times with the same fidelities) on plain devices without a parking hook;
    ``after_delivery`` on the same seed parks memory and changes the run."""
    runs = {}
    for mode in (None, "eager", "after_delivery"):
        doc = _doc(8, p=0.5, q=1.0, pairs=40, seed=3, regenerate=mode)
        net = _run(doc)
        runs[mode] = [(d.circuit_id, d.pair_id, d.time_ns, d.fidelity) for d in net.completed()]
        parking = mode == "after_delivery"
        for node in net.nodes.values():
            assert isinstance(node.device, ParkingDevice) is parking
            assert type(node.device) is (ParkingDevice if parking else SimDevice)
            assert (node.ctx.resources.park is not None) is parking
    assert runs[None] == runs["eager"]
    assert runs["after_delivery"] != runs["eager"]


def test_parked_memory_blocks_the_link_until_the_round_ends() -> None:
    """Mid-run, after_delivery holds memory that a swap freed (a level-1 router does not
    attempt on its links while its segment's pair is on its way) and gives all of it back."""
    net = Network.from_scenario(_doc(8, p=0.5, q=1.0, pairs=30, seed=4,
                                     regenerate="after_delivery"))
    seen = 0
    for t in range(PREP, 200 * PREP, PREP):
        net.run_until(t)
        assert net.regen is not None
        seen = max(seen, sum(len(slots) for _, slots in net.regen.parked.values()))
    assert seen >= 2
    net.run_until(10**10)
    assert len(net.completed()) == 30 and not net.regen.parked


@pytest.mark.parametrize("sched", ["asap", "nested"])
def test_rounds_lost_to_cutoffs_give_their_memory_back(sched: str) -> None:
    """Swap-asap and nested, two slots per link, swaps failing half the time and a cutoff
    that discards pairs held too long: every round ends (delivered, or lost to a failed BSM
    or a cutoff), so the run delivers every pair and ends with nothing parked or held."""
    doc = werner_chain(5, p=0.2, fidelity=1.0, prep=PREP, num_pairs=40, seed=9,
                       options={"swap_schedule": sched, "regenerate": "after_delivery",
                                "cutoff_ns": 150_000, "slots_per_link": 2,
                                "track_ends": False})  # chapter 04's DISCARDs to the partner
    for node in doc["nodes"]:
        if node["role"] == "router":
            node["bsm_success_probability"] = 0.5
    reasons: Counter[str] = Counter()

    class Discards:  # a trace sink counting the DISCARD messages sent, by reason
        transitions = False

        def record(self, rec: dict) -> None:
            msg = rec.get("msg")
            if rec.get("ev") == "send" and msg and msg["type"] == "DISCARD":
                reasons[msg["body"]["reason"]] += 1

    net = Network.from_scenario(doc)
    net.trace = Discards()
    net.run_until(10**10)
    assert len(net.completed()) == 40
    assert net.check_invariants() == []
    assert sum(net.memory_in_use().values()) == 0
    assert net.regen is not None and net.regen.released > 0 and not net.regen.parked
    assert reasons["CUTOFF"] > 0 and reasons["BSM_FAILED"] > 0, reasons


def test_end_to_end_distillation_ends_the_round_at_the_end_nodes() -> None:
    """chain-distil distils end to end (DISTIL rules at both end nodes): a pair waits there for
    the pair it is distilled with, which needs the router's memory, so the round of a swap
    whose pair reaches both end nodes ends then, not at delivery (else nothing would ever be
    delivered). With its one router every swap's pair is end to end: the run is eager's."""
    runs = {}
    for mode in ("eager", "after_delivery"):
        doc = load_scenario(SCEN / "chain-distil.yaml")
        doc["options"]["regenerate"] = mode
        doc["demands"][0]["num_pairs"] = 20
        net = _run(doc)
        runs[mode] = [(d.time_ns, d.fidelity) for d in net.completed()]
    assert runs["after_delivery"] == runs["eager"]


def test_resources_keep_a_parked_slot_against_the_quota() -> None:
    """``Resources.swapped``: without a hook the slot is free at once; a hook that keeps it
    leaves it held for the circuit's link (no mode available there) until ``give_back``."""
    kept: list[tuple[int, int]] = []
    for park in (None, lambda c, h: kept.append((c, h)) is None):
        res = Resources(memory=2, comm=2, park=park)
        res.reserve(7, 2, {11: 1000, 12: 1000})
        (h,) = res.take_modes(7, 11, 1)
        res.comm_done()
        res.swapped(7, h)
        if park is None:
            assert res.modes_available(7, 11) == 1 and res.occupied() == 0
        else:
            assert kept == [(7, h)]
            assert res.modes_available(7, 11) == 0 and res.occupied() == 1
            res.give_back(7, h)
            assert res.modes_available(7, 11) == 1 and res.occupied() == 0


def test_the_option_is_checked() -> None:
    doc = _doc(2, p=0.5, q=1.0, pairs=5, seed=1, regenerate="lazy")
    with pytest.raises(ScenarioError) as err:
        load_scenario(doc)
    assert "regenerate" in err.value.field
    doc = _doc(2, p=0.5, q=1.0, pairs=5, seed=1, regenerate="after_delivery")
    doc["faults"] = {"loss": 0.01}
    with pytest.raises(ScenarioError) as err:
        load_scenario(doc)
    assert err.value.field == "options.regenerate"
