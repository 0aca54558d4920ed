"""The Node.js examples (conformance/examples/node/) through the harness, over stdio.

They prove that the driver boundary is language-neutral: qvcp-wire.js implements the wire
profile; qvcp-node.js adds the link layer of a node and claims, with the ``chapters`` claim of
the handshake (driver protocol 1, revision 2), only chapter 03 of the node profile. Its
default run is therefore a full ``qvcp conform`` with no fail and no errored case: wire cases
pass (or are unsupported for unclaimed message types and wire.auth), link-layer scenarios pass,
every other node case is unsupported with the chapter as the reason. It claims
node.harness-device, so the harness answers its device calls during node.receive and
node.advance (stdio device callbacks).
"""

from __future__ import annotations

from collections import Counter

import pytest
from conformance_helpers import ROOT, needs_node

from qvcp.conformance.cases import Case, Verdict
from qvcp.conformance.conform import run_conformance
from qvcp.conformance.runner import RunResult, exit_code

NODE_ENTRY = ROOT / "conformance/examples/node/qvcp-node.js"
WIRE_ENTRY = ROOT / "conformance/examples/node/qvcp-wire.js"
LINK_LAYER = "node.bdd.03-link-layer."
MIN_WIRE_PASS = 185
MIN_LINK_LAYER_PASS = 40  # every scenario of features/03-link-layer, the station's included

# Named link-layer scenarios the example must pass (the count above covers the rest).
MUST_PASS = (
    "node.bdd.03-link-layer.the-node-attempts-on-both-links-of-the-installed-rules",
    "node.bdd.03-link-layer.a-successful-herald-with-seq-0-is-refused",
    "node.bdd.03-link-layer.a-failure-herald-with-a-non-zero-seq-is-refused",
    "node.bdd.03-link-layer.a-herald-echoing-a-foreign-attempt-id-is-refused",
    "node.bdd.03-link-layer.a-herald-on-a-link-not-configured-at-the-node-is-refused",
    "node.bdd.03-link-layer.a-herald-from-a-node-that-is-not-a-member-of-the-link-is-refused",
    "node.bdd.03-link-layer.a-herald-repeating-the-seq-of-a-pair-the-node-still-holds-is-refused",
    "node.bdd.03-link-layer.a-valid-expire-is-acknowledged-with-the-same-range",
    "node.bdd.03-link-layer.an-expire-whose-range-starts-at-0-is-refused",
    "node.bdd.03-link-layer.an-expire-naming-pairs-never-heralded-is-refused",
    "node.bdd.03-link-layer.a-repeated-expire-is-acknowledged-again",
    # multiplexed attempts (LINK-001.3, LINK-005.1, LINK-013.1,
    # LINK-015.2): one mode per communication qubit it can use
    "node.bdd.03-link-layer.the-node-sends-one-attempt-per-link-with-one-mode-per-communication-"
    "qubit-it-uses",
    "node.bdd.03-link-layer.a-herald-with-a-failed-and-a-successful-mode-gives-one-pair",
    "node.bdd.03-link-layer.modes-beyond-the-results-of-a-herald-are-treated-as-failed",
    "node.bdd.03-link-layer.a-herald-with-more-results-than-the-attempt-s-modes-is-refused",
    "node.bdd.03-link-layer.a-herald-with-no-results-ends-the-attempt-every-mode-failed-without-an-error",
    "node.bdd.03-link-layer.a-result-repeating-the-seq-of-an-earlier-result-of-the-same-herald-"
    "is-refused",
)
# Tagged @cap:node.harness-device: they need device callbacks during node.receive/advance.
NEEDS_DEVICE = (
    "node.bdd.03-link-layer.successful-heralds-on-both-links-give-pairs-the-node-swaps",
    "node.bdd.03-link-layer.an-expired-pair-is-freed-and-never-swapped",
    "node.bdd.03-link-layer.the-result-of-a-herald-repeating-a-held-seq-is-discarded",
    "node.bdd.03-link-layer.the-pair-of-a-successful-mode-is-the-qubit-the-node-attempted-with-"
    "in-that-mode",
    "node.bdd.03-link-layer.of-two-results-with-the-same-seq-the-first-is-kept-and-the-second-"
    "discarded",
)
OTHER_CHAPTERS = ("02-wire-format", "04-swapping-and-tracking", "05-signalling", "06-delivery",
                  "07-errors", "08-security", "09-state-machines", "11-reliability")


def _no_fail_no_error(run: RunResult) -> None:
    assert run.startup_error == "", run.startup_error
    bad = [(r.case.id, r.verdict.value, r.message) for r in run.results
           if r.verdict in (Verdict.FAIL, Verdict.ERRORED, Verdict.XPASS, Verdict.INCONCLUSIVE)]
    assert not bad, bad
    assert exit_code(run) == 0


@pytest.fixture(scope="module")
def node_run() -> RunResult:
    return run_conformance(f"exec:node {NODE_ENTRY}")


@needs_node
def test_qvcp_node_js_claims_the_link_layer_chapter_and_the_harness_device(
        node_run: RunResult) -> None:
    _no_fail_no_error(node_run)
    impl = node_run.implementation
    assert impl is not None and impl.name == "qvcp-node-js"
    assert impl.profiles == {"wire", "node"}
    assert impl.capabilities == {"node.harness-device", "node.station"}
    assert impl.chapters == {"node": frozenset({"03-link-layer"})}


@needs_node
def test_qvcp_node_js_passes_wire_and_link_layer_and_nothing_else_is_judged(
        node_run: RunResult) -> None:
    verdicts = {r.case.id: r.verdict for r in node_run.results}
    counts = Counter((r.case.profile, r.verdict) for r in node_run.results)
    assert counts[("wire", Verdict.PASS)] >= MIN_WIRE_PASS
    # every heralding-station scenario of the claimed chapter 03 is judged, and lib/station.js
    # plays them all (those of chapters 02 and 07 are unsupported, as every other chapter)
    from qvcp.conformance.catalogue import all_cases

    def of_station(case: Case) -> bool:
        return "node.station" in case.capabilities and case.chapter == "03-link-layer"

    station = {r.case.id for r in node_run.results if of_station(r.case)}
    assert len(station) == sum(of_station(c) for c in all_cases()) >= 5
    assert all(verdicts[cid] is Verdict.PASS for cid in station)
    link = {cid: v for cid, v in verdicts.items() if cid.startswith(LINK_LAYER)}
    assert sum(v is Verdict.PASS for v in link.values()) >= MIN_LINK_LAYER_PASS
    assert set(link.values()) == {Verdict.PASS}
    for cid in (*MUST_PASS, *NEEDS_DEVICE):
        assert verdicts.get(cid) is Verdict.PASS, (cid, verdicts.get(cid))
    others = [r for r in node_run.results
              if r.case.profile == "node" and not r.case.id.startswith(LINK_LAYER)]
    assert {r.case.chapter for r in others} == {*OTHER_CHAPTERS}  # the lifecycle is in 05
    assert len(others) >= 50
    for r in others:
        assert r.verdict is Verdict.UNSUPPORTED, (r.case.id, r.verdict, r.message)
        assert r.message == (f"chapter {r.case.chapter!r} not claimed for profile 'node' "
                             "(claimed: 03-link-layer)")
    assert verdicts["node.prop.circuit-lifecycle"] is Verdict.UNSUPPORTED
    for r in node_run.results:
        if r.case.profile == "network":
            assert r.verdict is Verdict.UNSUPPORTED
            assert r.message == "profile 'network' not claimed"


@needs_node
def test_qvcp_node_js_with_its_own_device_leaves_the_device_scenarios_unsupported() -> None:
    run = run_conformance(f"exec:node {NODE_ENTRY} --local-device",
                          selectors=[f"{LINK_LAYER}*"])
    _no_fail_no_error(run)
    verdicts = {r.case.id: r.verdict for r in run.results}
    for cid in MUST_PASS:
        assert verdicts[cid] is Verdict.PASS, cid
    for r in run.results:
        if r.case.id in NEEDS_DEVICE or "cap:node.harness-device" in r.case.tags:
            assert r.verdict is Verdict.UNSUPPORTED
            assert r.message == "capabilities not claimed: node.harness-device"
    assert {r.case.id for r in run.results if r.verdict is Verdict.UNSUPPORTED} >= {
        *NEEDS_DEVICE}


@needs_node
def test_qvcp_wire_js_claims_the_wire_profile_only() -> None:
    run = run_conformance(f"exec:node {WIRE_ENTRY}", profiles=["wire", "node"])
    _no_fail_no_error(run)
    assert run.implementation is not None and run.implementation.profiles == {"wire"}
    counts = Counter((r.case.profile, r.verdict) for r in run.results)
    assert counts[("wire", Verdict.PASS)] >= MIN_WIRE_PASS
    assert counts[("node", Verdict.UNSUPPORTED)] == sum(
        1 for r in run.results if r.case.profile == "node")
    for r in run.results:
        if r.case.profile == "node":
            assert r.message == "profile 'node' not claimed"
