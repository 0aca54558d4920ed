"""The Node.js example (conformance/examples/node/qvcp-node.js) through the harness, over stdio.

It proves that the driver boundary is language-neutral for the node profile too: a JavaScript
node's link layer (chapter 03) passes the harness's link-layer scenarios.

The claim vocabulary of driver protocol 1 (profiles, capabilities, message types) cannot say
"only the link-layer part of the node profile" (node scenarios carry no ``@type:`` tags, and
the only node capability is ``node.harness-device``), so the example claims the node profile
only when asked (``--claim-node``), and that run selects the link-layer scenarios. Its default
handshake claims the wire profile alone, exactly like qvcp-wire.js.
"""

from __future__ import annotations

from collections import Counter

from conformance_helpers import ROOT, needs_node

from qvcp.conformance.cases import Verdict
from qvcp.conformance.conform import run_conformance
from qvcp.conformance.runner import RunResult, exit_code

ENTRY = ROOT / "conformance/examples/node/qvcp-node.js"
DEFAULT = f"exec:node {ENTRY}"
CLAIM_NODE = f"exec:node {ENTRY} --claim-node"
LINK_LAYER = "node.bdd.03-link-layer.*"

# Scenarios of features/03-link-layer the example must pass (a few, named; the count below
# covers the rest).
MUST_PASS = (
    "node.bdd.03-link-layer.the-node-attempts-on-both-links-of-the-installed-rules",
    "node.bdd.03-link-layer.a-successful-herald-with-seq-0-is-refused",
    "node.bdd.03-link-layer.a-failure-herald-with-a-non-zero-seq-is-refused",
    "node.bdd.03-link-layer.a-herald-echoing-a-foreign-attempt-id-is-refused",
    "node.bdd.03-link-layer.a-herald-on-a-link-not-configured-at-the-node-is-refused",
    "node.bdd.03-link-layer.a-herald-from-a-node-that-is-not-a-member-of-the-link-is-refused",
    "node.bdd.03-link-layer.a-valid-expire-is-acknowledged-with-the-same-range",
    "node.bdd.03-link-layer.an-expire-naming-pairs-never-heralded-is-refused",
    "node.bdd.03-link-layer.a-repeated-expire-is-acknowledged-again",
)
MIN_LINK_LAYER_PASS = 13
# Need capability node.harness-device, which the example does not claim over stdio (the harness
# only lends its device during node.start, not during node.receive / node.advance).
NEEDS_DEVICE = (
    "node.bdd.03-link-layer.successful-heralds-on-both-links-give-pairs-the-node-swaps",
    "node.bdd.03-link-layer.an-expired-pair-is-freed-and-never-swapped",
)


def _verdicts(run: RunResult) -> dict[str, Verdict]:
    return {r.case.id: r.verdict for r in run.results}


def _no_fail_no_error(run: RunResult) -> None:
    assert run.startup_error == "", run.startup_error
    bad = [(r.case.id, r.verdict.value, r.message) for r in run.results
           if r.verdict in (Verdict.FAIL, Verdict.ERRORED, Verdict.XPASS, Verdict.INCONCLUSIVE)]
    assert not bad, bad
    assert exit_code(run) == 0


@needs_node
def test_default_handshake_claims_wire_only_and_leaves_node_unsupported() -> None:
    run = run_conformance(DEFAULT)
    _no_fail_no_error(run)
    assert run.implementation is not None
    assert run.implementation.name == "qvcp-node-js"
    assert run.implementation.profiles == {"wire"}
    by_profile = Counter((r.case.profile, r.verdict) for r in run.results)
    assert by_profile[("wire", Verdict.PASS)] >= 185  # as qvcp-wire.js
    for r in run.results:
        if r.case.profile in ("node", "network"):
            assert r.verdict is Verdict.UNSUPPORTED, (r.case.id, r.verdict)
            assert r.message == f"profile {r.case.profile!r} not claimed"
        else:
            assert r.verdict in (Verdict.PASS, Verdict.UNSUPPORTED), (r.case.id, r.message)
    assert by_profile[("node", Verdict.UNSUPPORTED)] >= 69


@needs_node
def test_link_layer_scenarios_pass_when_the_node_profile_is_claimed() -> None:
    run = run_conformance(CLAIM_NODE, selectors=[LINK_LAYER])
    _no_fail_no_error(run)
    assert run.implementation is not None
    assert run.implementation.profiles == {"wire", "node"}
    assert "node.harness-device" not in run.implementation.capabilities
    verdicts = _verdicts(run)
    assert all(cid.startswith("node.bdd.03-link-layer.") for cid in verdicts)
    for cid in MUST_PASS:
        assert verdicts.get(cid) is Verdict.PASS, (cid, verdicts.get(cid))
    assert sum(v is Verdict.PASS for v in verdicts.values()) >= MIN_LINK_LAYER_PASS
    for r in run.results:
        if r.case.id in NEEDS_DEVICE:
            assert r.verdict is Verdict.UNSUPPORTED
            assert r.message == "capabilities not claimed: node.harness-device"
