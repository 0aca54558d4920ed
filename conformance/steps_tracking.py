"""Step definitions for node-profile scenarios of the tracking chapters beyond :mod:`.steps_node`.

Loaded as a pytest plugin by :func:`qvcp.conformance.bdd.run_bdd_cases`, beside
:mod:`.steps_node`, whose helpers (``_node``, ``_checked``) these steps may use.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from pytest_bdd import given, parsers, then, when

from qvcp.conformance.bdd import World
from qvcp.conformance.cases import require
from qvcp.conformance.node_harness import baseline_rules, setup_body
from qvcp.conformance.steps_node import _checked, _node, _route

Json = dict[str, Any]

#: the fields of a ``forwarding_rule`` a scenario may leave out, with their neutral values
RULE_DEFAULTS: Json = {"peer_link": 0, "cutoff_ns": 0, "distil_protocol": "NONE",
                       "distil_rounds": 0, "endpoint": 0}


def _rules_with(circuit: int, path: list[int], cut: int, extra: str,
                who: str | None) -> list[Json]:
    """The baseline rules of chapter 05 section 7, those of node ``who`` (if given) replaced,
    plus ``extra`` (each a ``forwarding_rule`` whose ``match_circuit`` and unused fields may be
    left out; ``node`` defaults to ``who``)."""
    rules = baseline_rules(circuit, path, cutoff_ns=cut)
    if who is not None:
        rules = [r for r in rules if r["node"] != int(who)]
    base = {**RULE_DEFAULTS, "match_circuit": circuit}
    if who is not None:
        base["node"] = int(who)
    return rules + [{**base, **r} for r in json.loads(extra)]


@given(parsers.re(r"circuit (?P<cid>\d+) along route (?P<route>[\d, ]+?)"
                  r"(?: with a cutoff of (?P<cutoff>\d+) ns)? is established at the node "
                  r"with (?:the extra rules|the rules of node (?P<who>\d+) replaced by) "
                  r"(?P<extra>\[.*\])$"))
def circuit_with_extra_rules(world: World, cid: str, route: str, cutoff: str | None,
                             who: str | None, extra: str) -> None:
    """A circuit through the node under test, confirmed by the next node with
    :func:`_rules_with`."""
    path, circuit, cut = _route(route), int(cid), int(cutoff or 0)
    confirm_at_router(world, path, circuit, cut,
                      lambda: _rules_with(circuit, path, cut, extra, who))


def confirm_at_router(world: World, path: list[int], circuit: int, cut: int,
                      rules: Callable[[], list[dict[str, Any]]],
                      extensions: list[dict[str, Any]] | None = None) -> None:
    """Establish ``circuit`` at the node under test, an intermediate node of ``path``: a
    SETUP from the previous node (the node must forward it), then the next node's CONFIRM
    with ``rules()`` and ``extensions``, which the node must take without ERROR or REJECT."""
    node = _node(world)
    me = path.index(node.node_id)
    require(0 < me < len(path) - 1, "the circuit is confirmed to an intermediate node only")
    node.inject("SETUP", path[me - 1], setup_body(circuit, path, node.node_id, cutoff_ns=cut))
    require(bool(node.sent("SETUP", path[me + 1])),
            f"the node did not forward the SETUP of circuit {circuit}", sent=node.recent)
    node.inject("CONFIRM", path[me + 1], {
        "circuit_id": circuit, "expected_rate_mhz": 1000, "expected_fidelity": 58000,
        "rules": rules()}, extensions=extensions)
    require(not node.sent("ERROR") and not node.sent("REJECT"),
            f"the node refused the CONFIRM of circuit {circuit}", sent=node.recent)
    node.clear()


@when(parsers.re(r"node (?P<src>\d+) confirms (?:circuit (?P<cid>\d+)|the node's circuit) along "
                 r"route (?P<route>[\d, ]+?) with the extra rules (?P<extra>\[.*\])$"))
def confirm_with_extra_rules(world: World, src: str, cid: str | None, route: str,
                             extra: str) -> None:
    """CONFIRM with the baseline rules (no cutoff) and ``extra`` after them, for circuit
    ``cid`` or for the circuit of the SETUP the node sent."""
    require(cid is not None or "circuit" in world.data,
            "the node sent no SETUP whose circuit to confirm")
    circuit = int(cid) if cid else int(world.data["circuit"])
    _node(world).inject("CONFIRM", int(src), {
        "circuit_id": circuit, "expected_rate_mhz": 1000, "expected_fidelity": 58000,
        "rules": _rules_with(circuit, _route(route), 0, extra, None)})


@then(parsers.re(r"the device's last distillation used protocol (?P<proto>[A-Z]+)$"))
def distil_protocol(world: World, proto: str) -> None:
    node = _checked(world)
    calls = node.device.of("device.distil")
    require(bool(calls), "the node performed no distillation round on the device")
    got = calls[-1].get("protocol")
    require(got == proto, f"device.distil ran {got!r}, expected {proto!r}: the distil_protocol "
            "of the node's DISTIL rule (FWD-006)", call=calls[-1])


@then(parsers.re(r"the node sends SWAP_OUTCOMEs with outcome_seq (?P<seqs>\d+(?:, \d+)*) to "
                 r"node (?P<dst>\d+), in that order$"))
def outcome_seqs(world: World, seqs: str, dst: str) -> None:
    node = _checked(world)
    got = [m["body"]["outcome_seq"] for m in node.sent("SWAP_OUTCOME", int(dst))]
    want = [int(s) for s in seqs.split(", ")]
    require(got == want, f"the SWAP_OUTCOMEs to node {dst} carry outcome_seq {got}, expected "
            f"{want} (TRK-003.1: from 0, one more per successful BSM, modulo 2^32)",
            sent=node.recent)


def _answer_round(world: World, kept: int, sacrificed: int, what: str) -> None:
    """Require the node's DISTIL_OUTCOME of round 1 to node 2 naming link-1 pairs ``kept`` and
    ``sacrificed`` (TRK-022: the smaller key is kept), and answer it with the same bit."""
    node = _checked(world)
    found = node.sent("DISTIL_OUTCOME", 2)
    ref = {"kept": {"link_id": 1, "seq": kept}, "sacrificed": {"link_id": 1, "seq": sacrificed}}
    require(len(found) == 1 and found[0]["body"]["round"] == 1
            and {k: found[0]["body"][k] for k in ref} == ref,
            f"the node sent no single DISTIL_OUTCOME of round 1 keeping link pair {kept} and "
            f"sacrificing {sacrificed} for {what} (FWD-006)", sent=node.recent)
    node.clear()
    node.inject("DISTIL_OUTCOME", 2, {"circuit_id": world.data["circuit"], "round": 1, **ref,
                                      "outcome": found[0]["body"]["outcome"]})
    require(not node.sent("ERROR"), f"the node refused node 2's answer to its round for {what}",
            sent=node.recent)


@then("the node either refuses these rules with TEARDOWN FAILURE, or distils link pairs 1 and 2 "
      "and then 3 and 4 on link 1, then the two survivors end to end, and delivers the pair kept")
def link_then_end_to_end_rounds(world: World) -> None:
    """FWD-006 with a link-level and an end-to-end DISTIL rule (one round each) of a one-hop
    circuit at its head end: a pair survives the link-level round before it is an end-to-end
    pair of level 0 (chapter 04 section 5.2); node 2 answers every round with the node's bit."""
    node = _checked(world)
    if any(m["body"]["reason"] == "FAILURE" for m in node.sent("TEARDOWN", 2)):
        return  # the node cannot install the two rules together (SIG-013)
    require(not node.sent("ERROR"), "the node refused the CONFIRM", sent=node.recent)
    for first in (1, 3):
        node.clear()
        for seq in (first, first + 1):
            node.advance(node.now + 1000)
            node.herald(1, "PSI_PLUS", seq)
        node.advance(node.now + 1000)
        _answer_round(world, first, first + 1, f"the link-level rule on pairs {first}, {first + 1}")
    node.advance(node.now + 1000)
    _answer_round(world, 1, 3, "the end-to-end rule on the survivors 1 and 3")
    node.advance(node.now + 1000)
    delivered = [m["body"] for m in node.app if m["type"] == "PAIR_DELIVERY"]
    require([(d["pair_id"], d["bell_state"]) for d in delivered] == [(65537, "PHI_PLUS")],
            "the node did not deliver the kept pair 1 as PHI_PLUS with pair_id 65537 after the "
            "end-to-end round (TRK-026.1)", app=node.app)



@when("the device will report a failed Bell-state measurement")
def script_failed_bsm(world: World) -> None:
    """Capability node.bsm-failure: the node's next ``device.bsm`` is answered
    ``{"failed": true}`` (TRK-030: a linear-optics BSM fails with probability 1/2)."""
    _node(world).device.bsm_codes.append(None)
