"""The two ends of every link agree (spec chapter 03 section 1.1, chapter 05 FWD-003, FWD-011 to
FWD-015): a fault-free run of every example scenario has no ATTEMPT_MISMATCH at all, whatever the
links' preparation time, and still delivers pairs.

ATTEMPT_MISMATCH is what a heralding station answers when one node of a link attempts in a slot
and the other is silent (LINK-003.3). With presence in every attempt slot (LINK-020) and circuits
joining and leaving a link's rotation at the same moment at both ends, a run without faults has
none: neither unreadiness (a node with no free qubit attempts with ``modes`` 0) nor a CONFIRM or
TEARDOWN on its way (the rotation changes when it can have arrived) makes one.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from qvcp.reference.sim.network import Network

SCEN = Path(__file__).parents[2] / "schemas" / "scenarios"
#: every example scenario without injected faults
FAULT_FREE = sorted(p.stem for p in SCEN.glob("*.yaml")
                    if not yaml.safe_load(p.read_text()).get("faults"))


def _run(doc: dict[str, Any], until: int | None = None) -> Network:
    net = Network.from_scenario(doc)
    net.run_until(until or doc["duration_ns"])
    return net


def test_the_fault_free_examples_are_the_expected_ones() -> None:
    """The parametrised test below covers the examples the issue names (and any new one)."""
    assert {"chain-3", "chain-9", "mesh-26", "chain-distil"} <= set(FAULT_FREE)
    assert "chain-3-faults" not in FAULT_FREE


@pytest.mark.parametrize("name", FAULT_FREE)
def test_fault_free_example_has_no_attempt_mismatch(name: str) -> None:
    """The whole run, set-up and teardown of every circuit included."""
    doc = yaml.safe_load((SCEN / f"{name}.yaml").read_text())
    net = _run(doc)
    assert net.error_counts.get("ATTEMPT_MISMATCH", 0) == 0, dict(net.error_counts)
    assert len(net.completed()) > 0


@pytest.mark.parametrize("name,until", [("chain-3", 30_000_000), ("chain-9", 30_000_000)])
def test_no_preparation_time_no_attempt_mismatch(name: str, until: int) -> None:
    """``preparation_ns`` 0: slots are the round trip to the station alone and the attempt
    period is 2 (LINK-018); the two ends still attempt together in every attempt slot."""
    doc = copy.deepcopy(yaml.safe_load((SCEN / f"{name}.yaml").read_text()))
    for link in doc["links"]:
        link["preparation_ns"] = 0
    net = _run(doc, until)
    assert any(lc.attempt_period > 1 for n in net.nodes.values() for lc in n.config.links)
    assert net.error_counts.get("ATTEMPT_MISMATCH", 0) == 0, dict(net.error_counts)
    assert len(net.completed()) > 0


def test_a_router_with_no_free_qubit_attempts_with_no_modes() -> None:
    """LINK-020 in a run: modes-0 ATTEMPTs occur (the end nodes wait for their pairs' swap
    outcome), each answered with a HERALD with no results (LINK-022), and no node reports an
    error for those HERALDs (LINK-021)."""
    zero: list[tuple[int, int]] = []
    empty: list[tuple[int, int]] = []

    class Sink:
        transitions = False

        def record(self, entry: dict[str, Any]) -> None:
            msg = entry.get("msg")
            if entry.get("ev") != "send" or msg is None:
                return
            if msg["type"] == "ATTEMPT" and msg["body"]["modes"] == 0:
                zero.append((msg["body"]["link_id"], msg["body"]["slot_ns"]))
            elif msg["type"] == "HERALD" and not msg["body"]["results"]:
                empty.append((msg["body"]["link_id"], msg["body"]["slot_ns"]))

    net = Network.from_scenario(SCEN / "chain-3.yaml", trace=Sink())  # type: ignore[arg-type]
    net.run_until(20_000_000)
    assert zero and empty
    # every modes-0 attempt of a slot heralded before the run's end got its empty HERALD
    assert {z for z in zero if z[1] < 19_000_000} <= set(empty)
    assert net.error_counts == {}


@pytest.mark.parametrize("name", ["chain-3", "mesh-26"])
def test_both_ends_of_a_link_change_its_rotation_at_the_same_moment(name: str) -> None:
    """FWD-011 to FWD-014 in a run: for every circuit and link, the two nodes of the link put
    the circuit into the link's rotation from the same time and take it out at the same time
    (the simulator's channels take exactly the links' signalling latency)."""
    NEVER = 2**64
    #: (link, circuit) -> node -> [join, leave], as each link engine last set them
    seen: dict[tuple[int, int], dict[int, list[int]]] = {}

    class Entry(list):  # type: ignore[type-arg]
        def __setitem__(self, i: Any, value: Any) -> None:
            super().__setitem__(i, value)
            self.record[1] = self[1]

    class Rotation(dict):  # type: ignore[type-arg]
        def __init__(self, node: int, link: int) -> None:
            super().__init__()
            self.node, self.link = node, link

        def __setitem__(self, cid: int, value: list[int]) -> None:
            entry = Entry(value)
            entry.record = list(value)
            seen.setdefault((self.link, cid), {})[self.node] = entry.record
            super().__setitem__(cid, entry)

    doc = yaml.safe_load((SCEN / f"{name}.yaml").read_text())
    net = Network.from_scenario(doc)
    for node in net.nodes.values():
        for link in node.links.values():
            link.rotation = Rotation(node.node_id, link.link_id)
    net.run_until(doc["duration_ns"])
    assert seen
    waited = 0
    for key, at in seen.items():
        assert len(at) == 2, (key, at)
        (_, ra), (_, rb) = sorted(at.items())
        assert ra == rb, (key, at)
        assert ra[1] != NEVER  # every circuit ended, and left the rotation
        waited += ra[0] > 0
    assert waited  # circuits joined links after their start (FWD-011's wait included)
