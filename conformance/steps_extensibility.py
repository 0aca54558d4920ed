"""Step definitions for the extensibility scenarios of chapter 02 section 9: unassigned codes
of open enumerations (GREASE values), and version negotiation.

Loaded as a pytest plugin by :func:`qvcp.conformance.bdd.run_bdd_cases`, beside
:mod:`.steps_node`, whose helpers these steps use.
"""

from __future__ import annotations

import json
from typing import Any

from pytest_bdd import parsers, then, when

from qvcp.conformance.bdd import World
from qvcp.conformance.cases import require
from qvcp.conformance.node_harness import baseline_rules
from qvcp.conformance.steps_node import _node, _route
from qvcp.schemas import ErrorCode, message_specs
from qvcp.schemas.layout import wire_constants

Json = dict[str, Any]

#: extension type of SUPPORTED_VERSIONS (chapter 02 section 9.3)
SUPPORTED_VERSIONS = next(int(t) for t, e in wire_constants()["known_extensions"].items()
                          if e["name"] == "SUPPORTED_VERSIONS")


@when(parsers.re(r"the station heralds the unassigned outcome code (?P<code>\d+) with seq "
                 r"(?P<seq>\d+) for the node's attempt on link (?P<link>\d+)$"))
def herald_unassigned(world: World, code: str, seq: str, link: str) -> None:
    """A HERALD whose one result carries an outcome code no registry entry names (WIRE-044)."""
    _node(world).herald_results(int(link), [(int(code), int(seq))])  # type: ignore[list-item]


@when(parsers.re(r"node (?P<src>\d+) sends the node (?P<mtype>[A-Z_]+) (?P<body>\{.*\}) in "
                 r"protocol version (?P<version>\d+)$"))
def inject_version(world: World, src: str, mtype: str, body: str, version: str) -> None:
    """A message whose header names another protocol version (WIRE-004.2, WIRE-050)."""
    node = _node(world)
    msg = node.message(mtype, int(src), json.loads(body))
    node.inject_message({**msg, "version": int(version)})


@when(parsers.re(r"node (?P<src>\d+) answers the node's SETUP with ERROR UNSUPPORTED_VERSION "
                 r"listing versions (?P<versions>[\d, ]+)$"))
def answer_setup_unsupported(world: World, src: str, versions: str) -> None:
    """The next hop does not speak the node's version and lists the ones it does (WIRE-051)."""
    node = _node(world)
    setup = node.last_to("SETUP", int(src))
    listed = bytes(int(v) for v in versions.split(","))
    node.inject("ERROR", int(src), {
        "code": int(ErrorCode.UNSUPPORTED_VERSION), "offending_message_id": setup["message_id"],
        "offending_type": message_specs()["SETUP"].type_code, "field": "version",
        "detail": "version not implemented"},
        extensions=[{"type": SUPPORTED_VERSIONS, "critical": False, "value": listed.hex()}])


@then(parsers.re(r"its SUPPORTED_VERSIONS extension lists version (?P<version>\d+)$"))
def lists_version(world: World, version: str) -> None:
    """The last message checked carries one SUPPORTED_VERSIONS extension naming ``version``."""
    msg: Json | None = world.data.get("last")
    require(msg is not None, "no message of the node was checked before this step")
    assert msg is not None
    found = [e for e in msg.get("extensions") or () if e["type"] == SUPPORTED_VERSIONS]
    require(len(found) == 1, f"expected one SUPPORTED_VERSIONS extension, found {len(found)} "
            f"in {msg.get('extensions')}")
    listed = list(bytes.fromhex(found[0]["value"]))
    require(int(version) in listed, f"SUPPORTED_VERSIONS lists {listed}, not {version}")


@when(parsers.re(r"node (?P<src>\d+) confirms circuit (?P<cid>\d+) along route (?P<route>[\d, ]+?)"
                 r" with the unassigned action (?P<code>\d+) in the (?P<which>first|last) rule "
                 r"for node (?P<target>\d+)$"))
def confirm_unassigned_action(world: World, src: str, cid: str, route: str, code: str,
                              which: str, target: str) -> None:
    """The baseline CONFIRM with one rule's ``action`` replaced by an unassigned code."""
    rules = baseline_rules(int(cid), _route(route), cutoff_ns=0)
    mine = [r for r in rules if r["node"] == int(target)]
    require(bool(mine), f"the baseline rules hold no rule for node {target}")
    (mine[0] if which == "first" else mine[-1])["action"] = int(code)
    _node(world).inject("CONFIRM", int(src), {"circuit_id": int(cid), "expected_rate_mhz": 1000,
                                               "expected_fidelity": 58000, "rules": rules})


@when(parsers.re(r"node (?P<src>\d+) confirms circuit (?P<cid>\d+) along route (?P<route>[\d, ]+?)"
                 r" with a link-level DISTIL rule for the node on link (?P<link>\d+) whose "
                 r"distil_protocol is the unassigned code (?P<code>\d+)$"))
def confirm_unassigned_protocol(world: World, src: str, cid: str, route: str, link: str,
                                code: str) -> None:
    """The baseline CONFIRM plus one link-level DISTIL rule (``peer_link`` = ``match_link``,
    FWD-006) for the node, naming an unassigned distillation protocol."""
    node = _node(world)
    rules = baseline_rules(int(cid), _route(route), cutoff_ns=0)
    rules.append({"node": node.node_id, "match_circuit": int(cid), "match_link": int(link),
                  "action": "DISTIL", "peer_link": int(link), "cutoff_ns": 0,
                  "distil_protocol": int(code), "distil_rounds": 1, "endpoint": 0})
    node.inject("CONFIRM", int(src), {"circuit_id": int(cid), "expected_rate_mhz": 1000,
                                      "expected_fidelity": 58000, "rules": rules})
