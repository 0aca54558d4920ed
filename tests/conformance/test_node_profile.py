"""The node profile: the harness side (topology, rules), the state machine and the driver."""

from types import SimpleNamespace
from typing import Any

from qvcp.conformance.cases import Verdict
from qvcp.conformance.catalogue import all_cases
from qvcp.conformance.conform import run_conformance
from qvcp.conformance.lifecycle import LIFECYCLE_CASE
from qvcp.conformance.node_harness import (
    HarnessDevice,
    NodeUnderTest,
    baseline_rules,
    link_config,
    setup_body,
)


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


class _FakeNodeContext:
    """Answers node.* verbs like a node that attempts on link 1 with two modes at 1000 ns."""

    implementation = SimpleNamespace(capabilities={"node.harness-device"}, message_types=None,
                                     claims_chapter=lambda profile, chapter: False)

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.attempted = False

    def call(self, verb: str, device: HarnessDevice | None = None,
             **args: Any) -> dict[str, Any]:
        sent = []
        if verb == "node.advance" and args["now_ns"] == 1000 and not self.attempted:
            assert device is not None
            self.attempted = True
            for qubit in (3, 1):  # one device.attempt per mode, mode 0 first
                device.call("device.attempt", {"now_ns": 1000, "link_id": 1, "slot_ns": 1000,
                                               "qubit": qubit})
            sent.append({"type": "ATTEMPT", "destination": 1001, "body": {
                "link_id": 1, "attempt_id": 9, "slot_ns": 1000, "modes": 2}})
        if verb == "node.receive":
            self.received.append(args["message"])
        return {"sent": sent, "events": [], "next_deadline_ns": None}


def test_the_harness_records_the_modes_and_heralds_one_result_per_mode() -> None:
    ctx = _FakeNodeContext()
    node = NodeUnderTest(ctx=ctx, node_id=2,  # type: ignore[arg-type]
                         config={"links": [link_config(2, 1), link_config(2, 3)]})
    node.advance(1000)
    assert node.attempts[1]["modes"] == 2
    assert node.attempt_qubits[1, 1000] == [3, 1]
    assert node.qubits_attempting() == 2
    node.herald_results(1, [("FAILURE", 0), ("PSI_PLUS", 1)])
    assert node.heralded_qubits(1) == [3, 1]
    assert node.qubits_attempting() == 0
    node.herald(1, "PSI_MINUS", 2)
    first, second = (m["body"] for m in ctx.received)
    assert first == {"link_id": 1, "slot_ns": 1000, "attempt_id_a": 4242, "attempt_id_b": 9,
                     "results": [{"outcome": "FAILURE", "seq": 0},
                                 {"outcome": "PSI_PLUS", "seq": 1}]}
    assert second["results"] == [{"outcome": "PSI_MINUS", "seq": 2}]
    assert "outcome" not in second and "seq" not in second

