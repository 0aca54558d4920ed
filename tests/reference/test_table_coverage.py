"""Enumerate every engine table and check which entries the workloads below exercise.

The scripted-device tests (``test_table_entries.py`` and friends) assert what each entry must
do; this test re-runs them and demands that together they take every entry (100%: KNOWN_GAPS
is empty). Error transitions (an action raising ProtocolError) are recorded too.
"""

import inspect
import io
from collections import deque

import test_chain_scripted
import test_distil_scripted
import test_link_distil
import test_signalling_rules
import test_table_entries
import test_table_entries_delivery
from harness import Harness, spy_records

from qvcp.reference.sim.network import Network
from qvcp.reference.sim.scenario import load_scenario
from qvcp.reference.statetables import ENGINES

# Every entry must be taken: the workloads below plus every scripted-device test of the
# modules in TEST_MODULES (each is run here and the records of its harnesses collected).
KNOWN_GAPS: set[tuple[str, str, str]] = set()
TEST_MODULES = (test_table_entries, test_table_entries_delivery, test_signalling_rules,
                test_chain_scripted, test_distil_scripted, test_link_distil)


def _tests_taken() -> set[tuple[str, str, str]]:
    before = len(Harness.created)
    for mod in TEST_MODULES:
        for name in sorted(dir(mod)):
            fn = getattr(mod, name)
            if name.startswith("test_") and callable(fn) and not inspect.signature(
                    fn).parameters:
                fn()
    return {(r.engine, r.state, r.event) for h in Harness.created[before:] for r in h.records}


def _workloads() -> set[tuple[str, str, str]]:
    seen: set[tuple[str, str, str]] = set()
    h = Harness(["end", "router", "end"], cutoff_ns=3_000)
    h.station_dev.resolve_results = deque([1] + [255] * 5 + [1, 1, 3, 1, 1])
    h.open(1, 3, num_pairs=2)
    h.run(60_000)
    for r in h.records:
        seen.add((r.engine, r.state, r.event))
    h2 = Harness(["end", "end"])
    h2.open(1, 2, min_fidelity=65535)
    h2.inject(1, "CLOSE_ENDPOINT", {"endpoint": 5})
    h2.inject(1, "CLOSE_ENDPOINT", {"endpoint": 5})
    h2.run(5_000)
    seen |= {(r.engine, r.state, r.event) for r in h2.records}
    h3 = Harness(["end", "end"])  # service misuse in every endpoint state (error entries)
    h3.inject(1, "PAIR_REQUEST", {"endpoint": 5, "request_id": 1, "num_pairs": 1,
                                  "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0,
                                  "priority": 0})
    h3.inject(1, "CLOSE_ENDPOINT", {"endpoint": 5})
    h3.open(1, 2)
    for node in (1, 2):
        h3.inject(node, "OPEN_ENDPOINT", {"endpoint": 5, "remote_node": 3 - node,
                                          "remote_endpoint": 5})
    h3.inject(1, "PAIR_REQUEST", {"endpoint": 5, "request_id": 2, "num_pairs": 1,
                                  "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0,
                                  "priority": 0})
    h3.run(500)
    h3.inject(1, "PAIR_REQUEST", {"endpoint": 5, "request_id": 3, "num_pairs": 1,
                                  "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0,
                                  "priority": 0})
    h3.inject(1, "HERALD", {"link_id": 1, "slot_ns": 7, "attempt_id_a": 1, "attempt_id_b": 1,
                            "results": [{"outcome": "FAILURE", "seq": 0}]}, source=101)
    h3.inject(2, "CLOSE_ENDPOINT", {"endpoint": 5})
    h3.run(20_000)
    seen |= {(r.engine, r.state, r.event) for r in h3.records}
    h4 = Harness(["end", "router", "end"])  # SIG-004/006 rows: stray acks, late SETUP
    h4.inject(2, "TEARDOWN_ACK", {"circuit_id": 55, "released_memory": 0}, source=1)
    h4.open(1, 3)
    h4.run(15)
    setup = next(m for m in h4.sent if m["type"] == "SETUP")
    cid = setup["body"]["circuit_id"]
    for node, peer in ((2, 1), (1, 2)):  # PENDING at the router, SETUP_SENT at the head
        h4.inject(node, "TEARDOWN_ACK", {"circuit_id": cid, "released_memory": 0}, source=peer)
    h4.run(200)
    h4.inject(2, "TEARDOWN_ACK", {"circuit_id": cid, "released_memory": 0}, source=1)
    h4.inject(2, "TEARDOWN", {"circuit_id": cid, "reason": "NORMAL"}, source=1)
    h4.inject(2, "SETUP", setup["body"], source=1, message_id=99)
    seen |= {(r.engine, r.state, r.event) for r in h4.records}
    # traced, so that its engines emit transition records (NodeConfig.record_transitions);
    # with chapter 04's tracking, whose routers receive SWAP_OUTCOMEs (relays, TRK-101)
    doc = load_scenario("schemas/scenarios/chain-9.yaml")
    doc["options"] = {**doc.get("options", {}), "track_ends": False}
    net = Network.from_scenario(doc, trace=io.StringIO())
    records = spy_records(net)
    net.run_until(10**7)
    seen |= {(r.engine, r.state, r.event) for r in records}
    return seen | _tests_taken()


def test_every_table_entry_is_exercised_or_listed() -> None:
    seen = _workloads()
    entries = {(name, s.name, e.__name__) for name, t in ENGINES.items() for (s, e) in t}
    missing = entries - seen
    print(f"covered {len(entries) - len(missing)}/{len(entries)} table entries")
    for m in sorted(missing):
        print("not exercised:", m)
    assert missing <= KNOWN_GAPS, f"newly unexercised: {sorted(missing - KNOWN_GAPS)}"
    stale = sorted(KNOWN_GAPS - missing)
    assert not stale, f"now exercised, drop from KNOWN_GAPS: {stale}"
    assert not missing, f"coverage {len(entries) - len(missing)}/{len(entries)}"
