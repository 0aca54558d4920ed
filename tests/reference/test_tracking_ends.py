"""Swap reports to the ends (spec chapter 04 section 7, negotiated by chapter 05 section 7.2)
in simulated chains of ideal memories and gates.

Every delivered pair's true fidelity is then the Werner composition of its n - 1 raw links,
whatever the tracking mode; a wrong Bell-state claim drops a pair's fidelity to about
(1 - F) / 3. The number of SWAP_OUTCOMEs tells the modes apart: 2 (n - 2) per pair with
reports to the ends, more with chapter 04's relays on lossless links.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import replace
from typing import Any

import pytest

from qvcp.reference.engines import tracking_ends
from qvcp.reference.schedule import ENDS, SWAP_SCHEDULE
from qvcp.reference.sim.network import Network

RAW_FIDELITY = 0.97
N = 5


def chain(n: int, *, success: float = 1.0, duration_ns: int = 6_000_000,
          **options: Any) -> dict[str, Any]:
    """An n-node chain of ideal nodes and 0.1 km Werner links, one request of many pairs."""
    names = [f"n{i}" for i in range(n)]
    nodes = [{"name": name, "role": "end" if i in (0, n - 1) else "router", "profile": "ideal",
              "memory_qubits": 4, "comm_qubits": 4} for i, name in enumerate(names)]
    links = [{"a": a, "b": b, "distance_km": 0.1, "model": "werner", "fidelity": RAW_FIDELITY,
              "success_probability": success, "preparation_ns": 1000}
             for a, b in itertools.pairwise(names)]
    return {"name": f"chain-{n}", "seed": 1, "duration_ns": duration_ns,
            "options": {"measure_basis": "none", "slots_per_link": 2, **options},
            "nodes": nodes, "links": links,
            "demands": [{"head": names[0], "tail": names[-1], "num_pairs": 10**6,
                         "min_fidelity": 0.5}]}


def werner_chain(f: float, links: int) -> float:
    """Fidelity of ``links`` Werner pairs of fidelity ``f`` swapped ideally into one."""
    w = (4 * f - 1) / 3
    return (3 * w**links + 1) / 4


class Sink:
    """Trace sink: messages sent by type, and the CONFIRMs' SWAP_SCHEDULE values."""

    transitions = False

    def __init__(self) -> None:
        self.sent: Counter[str] = Counter()
        self.schedules: list[str] = []

    def record(self, rec: dict[str, Any]) -> None:
        if rec["ev"] != "send":
            return
        msg = rec["msg"]
        self.sent[msg["type"]] += 1
        if msg["type"] == "CONFIRM":
            self.schedules += [e["value"] for e in msg.get("extensions") or ()
                               if e["type"] == SWAP_SCHEDULE]


def run(doc: dict[str, Any], *, proc_ns: int = 0, plain: tuple[int, ...] = ()
        ) -> tuple[Network, Sink]:
    """Run ``doc``; with ``proc_ns`` every node-to-node message takes that much longer; the
    nodes of ids ``plain`` do not offer the mode (``NodeConfig.track_ends`` false)."""
    sink = Sink()
    net = Network.from_scenario(doc, trace=sink)  # type: ignore[arg-type]
    for nid in plain:
        node = net.nodes[nid]
        node.config = replace(node.config, track_ends=False)
    if proc_ns:
        delay, nodes = net._delay, net.nodes

        def slower(src: int, dst: int) -> int:
            extra = proc_ns if src in nodes and dst in nodes and src != dst else 0
            return delay(src, dst) + extra

        net._delay_cache = type("NoCache", (dict,), {  # type: ignore[assignment]
            "get": lambda self, key, default=None: default,
            "__setitem__": lambda self, key, value: None})()
        net._delay = slower  # type: ignore[method-assign]
    net.run_until(doc["duration_ns"])
    return net, sink


def ends_confirmed(sink: Sink) -> bool:
    """Every CONFIRM sent named the mode ENDS (SWAP_SCHEDULE 00 01), and there was one."""
    want = f"00{ENDS:02x}"
    return bool(sink.schedules) and all(v == want for v in sink.schedules)


def assert_physical(net: Network, links: int) -> int:
    done = net.completed()
    expected = werner_chain(RAW_FIDELITY, links)
    assert all(abs(d.fidelity - expected) < 1e-9 for d in done), \
        sorted({round(d.fidelity, 6) for d in done})
    assert net.check_invariants() == []
    return len(done)


@pytest.fixture(scope="module")
def lossless() -> tuple[Network, Sink]:
    return run(chain(N))


def test_every_pair_has_the_physical_fidelity(lossless: tuple[Network, Sink]) -> None:
    net, sink = lossless
    assert ends_confirmed(sink)
    assert assert_physical(net, N - 1) > 50
    assert net.rejects == []
    assert net.error_counts == {}


def test_one_report_per_router_to_each_end(lossless: tuple[Network, Sink]) -> None:
    """TRK-120.1, TRK-121.1: 2 (n - 2) per delivered pair; the swaps of pairs still in flight
    when the run ends add a few."""
    net, sink = lossless
    pairs = len(net.completed())
    assert 2 * (N - 2) * pairs <= sink.sent["SWAP_OUTCOME"] <= 2 * (N - 2) * (pairs + 10)


def test_lossy_duplicating_channels_still_agree_with_the_physics() -> None:
    doc = chain(N, success=0.3, duration_ns=20_000_000)
    doc["faults"] = {"loss": 0.01, "duplicate": 0.01, "jitter_ns": 5}
    net, sink = run(doc)
    assert ends_confirmed(sink)
    assert assert_physical(net, N - 1) > 10


def test_a_wrong_composition_shows_as_lost_fidelity(monkeypatch: pytest.MonkeyPatch) -> None:
    """The checks above can fail: claim the own link's state and the fidelity collapses."""
    monkeypatch.setattr(tracking_ends, "compose", lambda own, steps: own)
    net, _ = run(chain(N, duration_ns=3_000_000))
    done = net.completed()
    assert done
    assert sum(d.fidelity for d in done) / len(done) < 0.5


@pytest.mark.parametrize("steps, own, expected", [
    ([], 2, 2),                        # one link: its own state
    ([(0, 0)], 1, 0),                  # L1 = L2 = PSI_PLUS, m = 0: PSI+ x PSI+ = PHI+
    ([(3, 1), (0, 2)], 0, 3),          # L = 0, 3, 3; m = 1, 2: 0 ^ 3 ^ 3 ^ 1 ^ 2 = 3
    ([(1, 0), (1, 0), (1, 0)], 0, 0),  # L = 0, 1, 0, 1: XOR 0
    ([(3, 2), (1, 1)], 1, 3),          # the case of features/04-swapping-and-tracking
])
def test_compose_by_hand(steps: list[tuple[int, int]], own: int, expected: int) -> None:
    assert tracking_ends.compose(own, steps) == expected


def test_reports_that_overtake_the_confirm_are_kept() -> None:
    """TRK-127: with 10 us per message between nodes the CONFIRM (hop by hop) reaches the head
    end after the first reports of far routers (one message each); they must not be refused."""
    net, sink = run(chain(13, duration_ns=3_000_000), proc_ns=10_000)
    assert ends_confirmed(sink)
    assert "UNKNOWN_CIRCUIT" not in net.error_counts
    assert assert_physical(net, 12) > 20


def test_one_node_not_offering_the_mode_falls_back_to_chapter_04() -> None:
    """FWD-031, FWD-032.1: router n2 does not count itself, so the tail end confirms chapter
    04's tracking for the whole circuit, whose relays send more than 2 (n - 2) per pair."""
    net, sink = run(chain(N), plain=(3,))
    assert sink.schedules == []
    pairs = assert_physical(net, N - 1)
    assert pairs > 50
    assert sink.sent["SWAP_OUTCOME"] > 2 * (N - 2) * (pairs + 10)


@pytest.mark.parametrize("options", [{"track_ends": False}, {"swap_schedule": "nested"}])
def test_the_option_off_or_a_nested_schedule_keeps_chapter_04(options: dict[str, Any]) -> None:
    net, sink = run(chain(N, **options))
    assert not any(v[2:4] == f"{ENDS:02x}" for v in sink.schedules)
    assert assert_physical(net, N - 1) > 50
    engines = {type(e).__name__ for node in net.nodes.values() for e in node.dataplane.values()}
    assert not engines & {"EndsSwapEngine", "EndsEndEngine"}


def test_rounds_lost_to_cutoffs_end_and_free_every_memory() -> None:
    """Failed swaps, a cutoff and memories kept until delivery: every round ends (delivered,
    lost, or voided when a cut-off end's DISCARD, travelling hop by hop, crosses the other
    end's delivery), so nothing is left held or parked and the invariants hold."""
    doc = chain(N, success=0.2, duration_ns=10**10, cutoff_ns=150_000,
                regenerate="after_delivery")
    doc["demands"][0]["num_pairs"] = 40
    for node in doc["nodes"]:
        if node["role"] == "router":
            node["bsm_success_probability"] = 0.5
    net, sink = run(doc)
    assert ends_confirmed(sink)
    assert len(net.completed()) >= 30
    assert sink.sent["DISCARD"] > 0
    assert net.check_invariants() == []
    assert sum(net.memory_in_use().values()) == 0
    assert net.regen is not None and not net.regen.parked
