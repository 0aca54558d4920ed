"""The node profile: the harness side (topology, rules), the state machine and the driver."""

from qvcp.conformance.cases import Verdict
from qvcp.conformance.catalogue import all_cases
from qvcp.conformance.conform import run_conformance
from qvcp.conformance.lifecycle import LIFECYCLE_CASE
from qvcp.conformance.node_harness import HarnessDevice, baseline_rules, setup_body


def test_node_scenarios_cover_every_chapter_folder() -> None:
    chapters = {c.tags[1] for c in all_cases() if c.profile == "node" and "bdd" in c.tags}
    assert {"03-link-layer", "04-swapping-and-tracking", "05-signalling", "06-delivery",
            "09-state-machines"} <= chapters


def test_setup_carries_one_hop_record_per_node_before_the_receiver() -> None:
    body = setup_body(7, [1, 2, 3], 3)
    assert [h["node"] for h in body["hops"]] == [1, 2]
    assert [h["link_id"] for h in body["hops"]] == [1, 2]


def test_baseline_rules_follow_chapter_05() -> None:
    rules = baseline_rules(7, [1, 2, 3], cutoff_ns=5)
    swap = [r for r in rules if r["action"] == "SWAP"]
    assert [(r["node"], r["match_link"], r["peer_link"]) for r in swap] == [(2, 1, 2)]
    assert {r["endpoint"] for r in rules if r["action"] == "DELIVER"} == {5, 6}
    assert {r["cutoff_ns"] for r in rules} == {5}


def test_harness_device_serves_scripted_bsm_results_in_order() -> None:
    device = HarnessDevice()
    device.bsm_codes.extend([2, 3])
    codes = [device.call("device.bsm", {"now_ns": 0, "left": 0, "right": 1})["code"]
             for _ in range(3)]
    assert codes == [2, 3, 0]
    assert device.count("device.bsm") == 3


def test_lifecycle_state_machine_passes_on_the_reference_and_replays_by_seed() -> None:
    first = run_conformance("reference", selectors=[LIFECYCLE_CASE], seed=11)
    [result] = first.results
    assert result.verdict is Verdict.PASS, result.message
    assert result.seed is not None
    assert f"--select {LIFECYCLE_CASE} --seed 11" in result.replay

