"""Step definitions for node-profile scenarios about circuit set-up: the SETUP and CONFIRM
messages the harness sends the node (with extensions, fidelity demands, distillation rounds)
and the checks of the CONFIRMs the node sends (rule cutoffs, expected fidelity and rate,
end-to-end DISTIL rules).

Loaded after :mod:`.steps_node`, whose helpers these steps use.
"""

from __future__ import annotations

from pytest_bdd import parsers, then, when

from qvcp.conformance.bdd import World
from qvcp.conformance.cases import require
from qvcp.conformance.node_harness import baseline_rules, distil_rules, link_config, setup_body
from qvcp.conformance.steps_node import _checked, _confirm_with_rules, _node, _path, _route


@when(parsers.re(r"node (?P<src>\d+) sends SETUP for circuit (?P<cid>\d+) along route "
                 r"(?P<route>[\d, ]+?)(?: with (?P<field>[a-z_]+) (?P<value>\d+))?$"))
def inject_setup(world: World, src: str, cid: str, route: str, field: str | None,
                 value: str | None) -> None:
    node = _node(world)
    extra = {field: int(value)} if field and value else {}
    node.inject("SETUP", int(src), setup_body(int(cid), _route(route), node.node_id, **extra))


#: extension type of TRACE_CONTEXT (spec chapter 02 section 6); 0 and 0x7F00-0x7FFF reserved
TRACE_CONTEXT, PADDING = 1, 2


EXPERIMENTAL = range(0x7F00, 0x8000)


@when(parsers.re(r"node (?P<src>\d+) sends SETUP for circuit (?P<cid>\d+) along route "
                 r"(?P<route>[\d, ]+?) with a TRACE_CONTEXT extension"
                 r"(?P<unknown> and a non-critical extension of type 700)?$"))
def inject_setup_traced(world: World, src: str, cid: str, route: str,
                        unknown: str | None) -> None:
    node = _node(world)
    extensions = [{"type": TRACE_CONTEXT, "critical": False,
                   "value": "0f1e2d3c4b5a69788796a5b4c3d2e1f0"}]
    if unknown:  # a type no version of the spec assigns
        extensions.append({"type": 700, "critical": False, "value": "c0ffee"})
    node.inject("SETUP", int(src), setup_body(int(cid), _route(route), node.node_id),
                extensions=extensions)


@then("no message the node sent has two TRACE_CONTEXTs, a critical TRACE_CONTEXT or PADDING, "
      "an extension of type 0 or one of an experimental type")
def extensions_sent_valid(world: World) -> None:
    node = _checked(world)
    require(bool(node.recent), "the node sent nothing to inspect")
    for msg in node.recent:
        exts = msg.get("extensions", [])
        types = [ext["type"] for ext in exts]
        require(types.count(TRACE_CONTEXT) <= 1, "a message carries more than one "
                "TRACE_CONTEXT (EXT-005.1)", msg=msg)
        require(all(t != 0 and t not in EXPERIMENTAL for t in types), "a message carries "
                "extension type 0 or an experimental type (EXT-006)", msg=msg)
        require(not any(e["critical"] for e in exts if e["type"] in (TRACE_CONTEXT, PADDING)),
                "a message marks TRACE_CONTEXT or PADDING critical (EXT-007)", msg=msg)


@then(parsers.re(r"every rule of that CONFIRM has a cutoff of at most (?P<ns>\d+) ns$"))
def confirm_cutoffs_at_most(world: World, ns: str) -> None:
    confirm = _confirm_with_rules(world)
    rules = confirm["body"]["rules"]
    bad = [r["cutoff_ns"] for r in rules if not 0 < r["cutoff_ns"] <= int(ns)]
    require(not bad, f"rule cutoffs {bad} are none (0) or longer than the requested {ns} ns",
            msg=confirm)


@when(parsers.re(r"node (?P<src>\d+) sends SETUP for circuit (?P<cid>\d+) along route "
                 r"(?P<route>[\d, ]+?) with min_fidelity (?P<fid>\d+) from hops whose memories "
                 r"have T2 (?P<t2>\d+) ns$"))
def inject_setup_decohering(world: World, src: str, cid: str, route: str, fid: str,
                            t2: str) -> None:
    node = _node(world)
    node.inject("SETUP", int(src), setup_body(int(cid), _route(route), node.node_id,
                                              t2_ns=int(t2), min_fidelity=int(fid)))


@then(parsers.re(r"every rule of that CONFIRM carries a cutoff and its expected_fidelity is at "
                 r"least (?P<fid>\d+)$"))
def confirm_bounded(world: World, fid: str) -> None:
    confirm = _confirm_with_rules(world)
    body = confirm["body"]
    uncut = [r for r in body["rules"] if not r["cutoff_ns"]]
    require(not uncut, f"{len(uncut)} rule(s) without a cutoff although stored pairs fall below "
            "the requested minimum", msg=confirm)
    require(body["expected_fidelity"] >= int(fid), f"expected_fidelity "
            f"{body['expected_fidelity']} below the requested {fid}", msg=confirm)


@when(parsers.re(r"node (?P<src>\d+) sends SETUP for circuit (?P<cid>\d+) along route "
                 r"(?P<route>[\d, ]+?) without hop records$"))
def inject_setup_no_hops(world: World, src: str, cid: str, route: str) -> None:
    node = _node(world)
    body = setup_body(int(cid), _route(route), node.node_id)
    node.inject("SETUP", int(src), {**body, "hops": []})


@when(parsers.re(r"node (?P<src>\d+) confirms circuit (?P<cid>\d+) along route "
                 r"(?P<route>[\d, ]+)$"))
def inject_confirm(world: World, src: str, cid: str, route: str) -> None:
    _node(world).inject("CONFIRM", int(src), {
        "circuit_id": int(cid), "expected_rate_mhz": 1000, "expected_fidelity": 58000,
        "rules": baseline_rules(int(cid), _route(route), cutoff_ns=0)})


@when(parsers.re(r"node (?P<src>\d+) confirms (?:circuit (?P<cid>\d+)|the node's circuit) along "
                 r"route (?P<route>[\d, ]+?)(?: with (?P<n>\d+) rounds? of (?P<proto>[A-Z]+) "
                 r"distillation)?$"))
def inject_confirm_distil(world: World, src: str, cid: str | None, route: str, n: str | None,
                          proto: str | None) -> None:
    node = _node(world)
    if cid is None:
        require("circuit" in world.data, "the node sent no SETUP whose circuit to confirm")
    circuit, path = int(cid) if cid else int(world.data["circuit"]), _route(route)
    rules = baseline_rules(circuit, path, cutoff_ns=0)
    if n:
        rules += distil_rules(circuit, path, rounds=int(n), protocol=proto or "DEJMPS")
    node.inject("CONFIRM", int(src), {"circuit_id": circuit, "expected_rate_mhz": 1000,
                                      "expected_fidelity": 58000, "rules": rules})


@then(parsers.re(r"its rules hold one end-to-end (?P<proto>[A-Z]+) DISTIL rule at each end of "
                 r"route (?P<route>[\d, ]+), with the circuit's cutoff$"))
def distil_rules_in_confirm(world: World, proto: str, route: str) -> None:
    last = world.data.get("last")
    require(last is not None and last["type"] == "CONFIRM", "no CONFIRM to inspect")
    path = _route(route)
    rules = last["body"]["rules"]
    distil = [r for r in rules if r["action"] == "DISTIL"]
    ends = {path[0]: link_config(path[0], path[1])["link_id"],
            path[-1]: link_config(path[-1], path[-2])["link_id"]}
    require(sorted(r["node"] for r in distil) == sorted(ends), "CONFIRM does not carry exactly "
            f"one DISTIL rule at each end node {sorted(ends)} (SIG-040.2)", rules=distil)
    rounds = {r["distil_rounds"] for r in distil}
    require(len(rounds) == 1 and min(rounds) >= 1, "the DISTIL rules disagree on the number "
            "of rounds or have none", rules=distil)
    for r in distil:
        deliver = [d for d in rules if d["node"] == r["node"] and d["action"] == "DELIVER"]
        require(r["match_link"] == ends[r["node"]] and r["peer_link"] == 0
                and r["distil_protocol"] == proto and r["endpoint"] == 0
                and r["match_circuit"] == last["body"]["circuit_id"],
                f"the DISTIL rule of node {r['node']} is not end-to-end {proto} on link "
                f"{ends[r['node']]} with peer_link 0 (SIG-040.2, FWD-009.2)", rule=r)
        require(bool(deliver) and r["cutoff_ns"] == deliver[0]["cutoff_ns"],
                f"the DISTIL rule of node {r['node']} does not have the circuit's cutoff "
                "(that of its DELIVER rule)", rule=r, deliver=deliver)
    world.data["rounds"] = rounds.pop()


@then(parsers.re(r'its "(?P<path>[a-z_.0-9]+)" is at most (?P<name>[a-z]+) halved per '
                 r"distillation round$"))
def halved_per_round(world: World, path: str, name: str) -> None:
    last = world.data.get("last")
    require(last is not None and "rounds" in world.data, "no distilling CONFIRM to inspect")
    got, plain, n = _path(last, path), world.data[f"saved:{name}"], world.data["rounds"]
    require(got * 2**n <= plain, f"{path} {got} with {n} rounds of distillation is above the "
            f"undistilled {plain} x (1/2)^{n} (SIG-041)", msg=last, undistilled=plain)


@then("its fidelity_estimate is at most the CONFIRM's expected_fidelity")
def estimate_within_confirm(world: World) -> None:
    last, confirm = world.data.get("last"), world.data.get("confirm")
    require(last is not None and confirm is not None, "no delivery or CONFIRM to compare")
    got, bound = last["body"]["fidelity_estimate"], confirm["body"]["expected_fidelity"]
    require(got <= bound, f"a distilled pair is delivered with fidelity_estimate {got}, above "
            f"the CONFIRM's expected_fidelity {bound} (SIG-043.2)", msg=last, confirm=confirm)
