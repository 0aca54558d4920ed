"""Step definitions for node-profile scenarios of the tracking chapters beyond :mod:`.steps_node`.

Loaded as a pytest plugin by :func:`qvcp.conformance.bdd.run_bdd_cases`, beside
:mod:`.steps_node`, whose helpers (``_node``, ``_checked``) these steps may use.
"""

from __future__ import annotations

import json
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
    node = _node(world)
    path, circuit, cut = _route(route), int(cid), int(cutoff or 0)
    me = path.index(node.node_id)
    require(0 < me < len(path) - 1, "extra rules are confirmed to an intermediate node only")
    node.inject("SETUP", path[me - 1], setup_body(circuit, path, node.node_id, cutoff_ns=cut))
    require(bool(node.sent("SETUP", path[me + 1])),
            f"the node did not forward the SETUP of circuit {circuit}", sent=node.recent)
    node.inject("CONFIRM", path[me + 1], {
        "circuit_id": circuit, "expected_rate_mhz": 1000, "expected_fidelity": 58000,
        "rules": _rules_with(circuit, path, cut, extra, who)})
    require(not node.sent("ERROR") and not node.sent("REJECT"),
            f"the node refused the CONFIRM of circuit {circuit}", sent=node.recent)
    node.clear()


@when(parsers.re(r"node (?P<src>\d+) confirms circuit (?P<cid>\d+) along route "
                 r"(?P<route>[\d, ]+?) with the extra rules (?P<extra>\[.*\])$"))
def confirm_with_extra_rules(world: World, src: str, cid: str, route: str, extra: str) -> None:
    """CONFIRM with the baseline rules (no cutoff) and ``extra`` after them."""
    circuit = int(cid)
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
            f"{want} (TRK-003: from 0, one more per BSM, modulo 2^32)", sent=node.recent)
