"""Step definitions for node-profile scenarios of the signalling chapters beyond :mod:`.steps_node`.

Loaded as a pytest plugin by :func:`qvcp.conformance.bdd.run_bdd_cases`, beside
:mod:`.steps_node`, whose helpers (``_node``, ``_checked``) these steps may use.
"""

from __future__ import annotations

import itertools
import json
import math
from typing import Any

from pytest_bdd import given, parsers, then, when

from qvcp.conformance.bdd import World
from qvcp.conformance.cases import require
from qvcp.conformance.node_harness import (
    HEAD_ENDPOINT,
    LINK_FIDELITY,
    TAIL_ENDPOINT,
    baseline_rules,
    hop_record,
    link_between,
    link_distil_rules,
    setup_body,
)
from qvcp.conformance.steps_node import (
    _checked,
    _confirm_with_rules,
    _last_sent,
    _node,
    _route,
)
from qvcp.schemas import ErrorCode, message_specs

Json = dict[str, Any]


def _received(world: World, mtype: str, source: int) -> Json:
    """The last ``mtype`` the harness delivered to the node from ``source``."""
    found = [m for m in world.node.injected if m["type"] == mtype and m["source"] == source]
    require(bool(found), f"node {source} has sent the node no {mtype} to compare with")
    return found[-1]  # type: ignore[no-any-return]


# --- when: SETUPs with a defect, ERROR answers ------------------------------------------------

def _inject_first_hop(world: World, src: str, cid: str, route: str, field: str, value: int,
                      **qos: int) -> None:
    """From ``src``, the harness's SETUP of circuit ``cid`` along ``route`` (with ``qos``)
    whose first hop record says ``value`` for ``field``."""
    node = _node(world)
    body = setup_body(int(cid), _route(route), node.node_id, **qos)
    hops = [dict(h) for h in body["hops"]]
    hops[0][field] = value
    node.inject("SETUP", int(src), {**body, "hops": hops})


@when(parsers.re(r"node (?P<src>\d+) sends SETUP for circuit (?P<cid>\d+) along route "
                 r"(?P<route>[\d, ]+?) whose (?P<end>head_end|tail_end) is (?P<value>\d+)$"))
def inject_setup_wrong_end(world: World, src: str, cid: str, route: str, end: str,
                           value: str) -> None:
    """A SETUP whose ``head_end`` or ``tail_end`` is not the route's first or last node."""
    node = _node(world)
    body = setup_body(int(cid), _route(route), node.node_id)
    node.inject("SETUP", int(src), {**body, end: int(value)})


@when(parsers.re(r"node (?P<src>\d+) sends SETUP for circuit (?P<cid>\d+) along route "
                 r"(?P<route>[\d, ]+?) whose hop records name nodes (?P<names>[\d, ]+)$"))
def inject_setup_named_hops(world: World, src: str, cid: str, route: str, names: str) -> None:
    """A SETUP whose ``hops`` holds one record per name given, the j-th describing the route's
    j-th node (its link towards the next) but naming the j-th name in ``node``."""
    node = _node(world)
    path = _route(route)
    body = setup_body(int(cid), path, node.node_id)
    hops = [{**hop_record(path[j], path), "node": name} for j, name in enumerate(_route(names))]
    node.inject("SETUP", int(src), {**body, "hops": hops})


@when(parsers.re(r"node (?P<src>\d+) sends SETUP for circuit (?P<cid>\d+) along route "
                 r"(?P<route>[\d, ]+?) with min_rate_mhz the remembered (?P<name>[a-z]+)"
                 r"(?P<plus> plus one)?$"))
def inject_setup_remembered_rate(world: World, src: str, cid: str, route: str, name: str,
                                 plus: str | None) -> None:
    """A SETUP asking exactly a rate remembered from an earlier message (or 1 mHz more)."""
    node = _node(world)
    require(f"saved:{name}" in world.data, f"no {name} remembered")
    rate = int(world.data[f"saved:{name}"]) + (1 if plus else 0)
    node.inject("SETUP", int(src), setup_body(int(cid), _route(route), node.node_id,
                                              min_rate_mhz=rate))


@when(parsers.re(r"node (?P<src>\d+) answers the node's SETUP with ERROR (?P<name>[A-Z_]+)$"))
def answer_setup_with_error(world: World, src: str, name: str) -> None:
    """ERROR ``name`` from ``src`` naming the last SETUP the node sent it (ERR-001)."""
    node = _node(world)
    setup = node.last_to("SETUP", int(src))
    node.inject("ERROR", int(src), {
        "code": int(ErrorCode[name]), "offending_message_id": setup["message_id"],
        "offending_type": message_specs()["SETUP"].type_code, "field": "body.route",
        "detail": "route or hops inconsistent"})


# --- then: what was forwarded, and what the tail end built -------------------------------------

@then(parsers.re(r"the SETUP the node sent to node (?P<dst>\d+) is the one node (?P<src>\d+) "
                 r"sent with exactly one more hop record, naming node (?P<me>\d+) and link "
                 r"(?P<link>\d+)$"))
def forwarded_setup(world: World, dst: str, src: str, me: str, link: str) -> None:
    """SIG-001.1, SIG-001.2: every field of the received SETUP unchanged but ``hops``, which
    gains exactly one record, the hop's own, describing its link towards the next node."""
    sent, got = _last_sent(world, "SETUP", int(dst)), _received(world, "SETUP", int(src))
    before, after = got["body"], sent["body"]
    changed = sorted(k for k in set(before) | set(after)
                     if k != "hops" and before.get(k) != after.get(k))
    require(not changed, f"the forwarded SETUP changed {changed} (SIG-001.2: only hops grows)",
            received=before, sent=after)
    hops = after["hops"]
    require(len(hops) == len(before["hops"]) + 1 and hops[:-1] == before["hops"],
            f"the forwarded SETUP carries {len(hops)} hop records, expected the "
            f"{len(before['hops'])} received unchanged and exactly one more (SIG-001.1)",
            received=before["hops"], sent=hops)
    mine = hops[-1]
    require(mine["node"] == int(me) and mine["link_id"] == int(link),
            f"the appended hop record names node {mine['node']} and link {mine['link_id']}, "
            f"expected node {me} and its link {link} towards node {dst} (SIG-001.1)", record=mine)


@then(parsers.re(r"the CONFIRM the node sent to node (?P<dst>\d+) carries the rules of the "
                 r"CONFIRM node (?P<src>\d+) sent, unchanged$"))
def forwarded_confirm(world: World, dst: str, src: str) -> None:
    """SIG-010.2: the CONFIRM travels upstream with ``rules`` unchanged, for the same circuit."""
    sent, got = _last_sent(world, "CONFIRM", int(dst)), _received(world, "CONFIRM", int(src))
    require(sent["body"]["circuit_id"] == got["body"]["circuit_id"],
            f"the forwarded CONFIRM is for circuit {sent['body']['circuit_id']}, expected "
            f"{got['body']['circuit_id']} (SIG-010.2)", sent=sent)
    require(sent["body"]["rules"] == got["body"]["rules"], "the forwarded CONFIRM's rules "
            "differ from those received (SIG-010.2: rules unchanged)",
            received=got["body"]["rules"], sent=sent["body"]["rules"])


def _has(rules: list[Json], node: int, action: str, link: int, **fields: int) -> bool:
    return any(r["node"] == node and r["action"] == action and r["match_link"] == link
               and all(r[k] == v for k, v in fields.items()) for r in rules)


@then(parsers.re(r"its rules realise the circuit along route (?P<route>[\d, ]+)$"))
def rules_realise(world: World, route: str) -> None:
    """SIG-012.1, chapter 05 section 7: for the circuit, GENERATE on every link of the route at
    both its nodes, SWAP joining the two links at every intermediate node, DELIVER on its link
    at each end node to that end's endpoint of the SETUP."""
    last = world.data.get("last")
    require(last is not None and last["type"] == "CONFIRM", "no CONFIRM to inspect")
    path = _route(route)
    cid = last["body"]["circuit_id"]
    rules = last["body"]["rules"]
    foreign = [r for r in rules if r["match_circuit"] != cid or r["node"] not in path]
    require(not foreign, f"rules for another circuit or for nodes off route {path} (SIG-012.1)",
            rules=foreign)
    links = [link_between(a, b) for a, b in itertools.pairwise(path)]
    missing = []
    for i, link in enumerate(links):
        missing += [f"GENERATE on link {link} at node {n}" for n in (path[i], path[i + 1])
                    if not _has(rules, n, "GENERATE", link)]
    for i in range(1, len(path) - 1):
        if not _has(rules, path[i], "SWAP", links[i - 1], peer_link=links[i]):
            missing.append(f"SWAP of links {links[i - 1]} and {links[i]} at node {path[i]}")
    for node, link, ep in ((path[0], links[0], HEAD_ENDPOINT),
                           (path[-1], links[-1], TAIL_ENDPOINT)):
        if not _has(rules, node, "DELIVER", link, endpoint=ep):
            missing.append(f"DELIVER on link {link} to endpoint {ep} at node {node}")
    require(not missing, f"the CONFIRM's rules do not realise circuit {cid} along {path}: "
            f"missing {missing} (SIG-012.1)", rules=rules)


@when(parsers.re(r"node (?P<src>\d+) sends SETUP for circuit (?P<cid>\d+) along route "
                 r"(?P<route>[\d, ]+?) with min_fidelity (?P<fid>\d+) and a first link of "
                 r"fidelity (?P<link_fid>\d+)$"))
def inject_setup_poor_first_link(world: World, src: str, cid: str, route: str, fid: str,
                                 link_fid: str) -> None:
    """A SETUP whose first hop record advertises ``link_fid`` (wire units) for its link."""
    _inject_first_hop(world, src, cid, route, "link_fidelity", int(link_fid),
                      min_fidelity=int(fid))


@when(parsers.re(r"node (?P<src>\d+) confirms circuit (?P<cid>\d+) along route (?P<route>[\d, ]+?) "
                 r"with (?P<n>\d+) rounds? of link-level (?P<proto>[A-Z]+) distillation on link "
                 r"(?P<link>\d+)$"))
def inject_confirm_link_distil(world: World, src: str, cid: str, route: str, n: str,
                               proto: str, link: str) -> None:
    """CONFIRM with the baseline rules plus link-level DISTIL rules at both nodes of ``link``."""
    circuit = int(cid)
    rules = baseline_rules(circuit, _route(route), cutoff_ns=0)
    rules += link_distil_rules(circuit, int(link), rounds=int(n), protocol=proto)
    _node(world).inject("CONFIRM", int(src), {"circuit_id": circuit, "expected_rate_mhz": 1000,
                                              "expected_fidelity": 58000, "rules": rules})


def _pauli_weights(fidelity: float) -> list[float]:
    """Weights of I, X, Z, Y (index = x bit + 2 z bit) of a Werner pair of ``fidelity``."""
    rest = (1 - fidelity) / 3
    return [fidelity, rest, rest, rest]


def _compose(a: list[float], b: list[float]) -> list[float]:
    """Weights of the product of two independent Pauli errors (XOR of their bits)."""
    out = [0.0] * 4
    for i, wa in enumerate(a):
        for j, wb in enumerate(b):
            out[i ^ j] += wa * wb
    return out


def stored_chain_fidelity(link_fidelities: list[float], storage_ns: list[tuple[int, int]],
                          t2_ns: float) -> float:
    """Fidelity of the end-to-end pair of a chain of Werner links joined by ideal swaps, when
    both qubits of link i are stored for ``storage_ns[i]`` ns in memories dephasing with
    ``t2_ns`` (a Z error with probability (1 - exp(-t/T2))/2 per qubit), computed exactly on
    the Pauli errors (no twirl): the fidelity every pair within those ages has at least.

    >>> round(stored_chain_fidelity([0.95, 0.95], [(0, 0), (0, 0)], 1e6), 4)
    0.9033
    """
    total = [1.0, 0.0, 0.0, 0.0]
    for fid, ages in zip(link_fidelities, storage_ns, strict=True):
        total = _compose(total, _pauli_weights(fid))
        for age in ages:
            q = (1 - math.exp(-age / t2_ns)) / 2
            total = _compose(total, [1 - q, 0.0, q, 0.0])
    return total[0]


@then(parsers.re(r"its expected_fidelity is at most the fidelity of pairs of route "
                 r"(?P<route>[\d, ]+?) whose every qubit is stored for its node's cutoff, with "
                 r"links of fidelity (?P<fid>[\d.]+) and memories of T2 (?P<t2>\d+) ns$"))
def expected_fidelity_bounded(world: World, route: str, fid: str, t2: str) -> None:
    """SIG-039.2: ``expected_fidelity`` is a lower bound for every pair the cutoff lets through,
    so it cannot exceed the exact fidelity of a pair whose qubits are all as old as the
    cutoff in force at their node (FWD-008.1) allows."""
    last = world.data.get("last")
    require(last is not None and last["type"] == "CONFIRM", "no CONFIRM to inspect")
    path, rules = _route(route), last["body"]["rules"]

    def cutoff(node: int) -> int:
        cuts = [r["cutoff_ns"] for r in rules if r["node"] == node and r["cutoff_ns"]]
        require(bool(cuts), f"node {node} has no rule with a cutoff (SIG-039.1)", rules=rules)
        return min(cuts)

    ages = [(cutoff(a), cutoff(b)) for a, b in itertools.pairwise(path)]
    bound = stored_chain_fidelity([float(fid)] * len(ages), ages, float(t2))
    got = last["body"]["expected_fidelity"]
    require(got <= round(bound * 65535) + 1, f"expected_fidelity {got} is above "
            f"{round(bound * 65535)}, the fidelity of pairs stored for the cutoffs {ages} ns: "
            "not a lower bound for the pairs the cutoff lets through (SIG-039.2)", msg=last)


def _floor_wire(fidelity: float) -> int:
    """``fidelity`` on the wire rounded down (SIG-045.3, SIG-045.4); a hair of slack for the
    float arithmetic, which may land just below an exact step."""
    return math.floor(fidelity * 65535 + 1e-9)


@then("its expected_fidelity is at most the fidelity of fresh pairs over the links of the "
      "SETUP's hop records, rounded down")
def expected_fidelity_rounded_down(world: World) -> None:
    """SIG-045.3: no estimate can beat fresh pairs over the advertised links (Werner pairs of
    the records' ``link_fidelity``, composed exactly on their Pauli errors), and the tail end
    encodes its estimate rounded down, so ``expected_fidelity`` is at most that fidelity
    rounded down, where rounding to nearest can land one step above it."""
    last = world.data.get("last")
    require(last is not None and last["type"] == "CONFIRM", "no CONFIRM to inspect")
    setup = _received(world, "SETUP", last["destination"])
    weights = [1.0, 0.0, 0.0, 0.0]
    for hop in setup["body"]["hops"]:
        if hop["link_id"]:
            weights = _compose(weights, _pauli_weights(hop["link_fidelity"] / 65535))
    limit, got = _floor_wire(weights[0]), last["body"]["expected_fidelity"]
    require(got <= limit, f"expected_fidelity {got} is above {limit}, the fidelity of fresh "
            f"pairs over the route's links ({weights[0] * 65535:.2f}/65535) rounded down "
            "(SIG-045.3: the bound is encoded rounded down)", msg=last)


@then(parsers.re(r"the link_fidelity of its hop record is at most that of its link with a "
                 r"gate fidelity of (?P<p>[\d.]+) and a readout fidelity of (?P<eta>[\d.]+) "
                 r"folded in, rounded down$"))
def hop_fidelity_rounded_down(world: World, p: str, eta: str) -> None:
    """SIG-045.4: the hop's own record (the last of the SETUP it sent) advertises at most its
    link's fidelity with its Bell-state measurement folded in exactly for a Werner pair
    (Werner parameter times p (4 eta^2 - 1)/3, SIG-038.2), rounded down."""
    last = world.data.get("last")
    require(last is not None and last["type"] == "SETUP", "no SETUP to inspect")
    mine = last["body"]["hops"][-1]
    nxt = last["destination"]
    link = link_between(mine["node"], nxt)
    require(mine["link_id"] == link, f"the hop record names link {mine['link_id']}, expected "
            f"{link}", record=mine)
    w = (4 * round(LINK_FIDELITY * 65535) / 65535 - 1) / 3
    w *= float(p) * (4 * float(eta) ** 2 - 1) / 3
    limit, got = _floor_wire((3 * w + 1) / 4), mine["link_fidelity"]
    require(got <= limit, f"link_fidelity {got} is above {limit}, the link's fidelity with the "
            "Bell-state measurement folded in, rounded down (SIG-045.4)", msg=last)


@then(parsers.re(r"its DISTIL rules have (?P<n>\d+) rounds?$"))
def distil_rounds_are(world: World, n: str) -> None:
    """SIG-040.1: the smallest number of rounds whose estimate reaches the minimum."""
    last = world.data.get("last")
    require(last is not None and last["type"] == "CONFIRM", "no CONFIRM to inspect")
    rounds = sorted({r["distil_rounds"] for r in last["body"]["rules"]
                     if r["action"] == "DISTIL"})
    require(rounds == [int(n)], f"the CONFIRM's DISTIL rules have {rounds} rounds, expected "
            f"{n}, the fewest that reach the requested fidelity (SIG-040.1)", msg=last)


@when(parsers.re(r"node (?P<src>\d+) sends SETUP for circuit (?P<cid>\d+) along route "
                 r"(?P<route>[\d, ]+?) with min_rate_mhz (?P<rate>\d+) and a first link of "
                 r"rate (?P<link_rate>\d+) mHz$"))
def inject_setup_slow_first_link(world: World, src: str, cid: str, route: str, rate: str,
                                 link_rate: str) -> None:
    """A SETUP asking ``rate`` mHz whose first hop record advertises ``link_rate`` mHz for its
    link (the other records keep the harness's much faster links)."""
    _inject_first_hop(world, src, cid, route, "link_rate_mhz", int(link_rate),
                      min_rate_mhz=int(rate))


@then("its expected_rate_mhz is at least the SETUP's min_rate_mhz and at most the rate of the "
      "slowest link of the SETUP's hop records")
def expected_rate_bounded(world: World) -> None:
    """SIG-044: the rate estimate in CONFIRM is no lower than the rate the circuit was admitted
    for (SIG-011) and no higher than the slowest link of the route can deliver."""
    last = world.data.get("last")
    require(last is not None and last["type"] == "CONFIRM", "no CONFIRM to inspect")
    setup = _received(world, "SETUP", last["destination"])
    low = setup["body"]["qos"]["min_rate_mhz"]
    rates = [h["link_rate_mhz"] for h in setup["body"]["hops"] if h["link_id"]]
    require(bool(rates), "the SETUP has no hop record with a link", setup=setup)
    high, got = min(rates), last["body"]["expected_rate_mhz"]
    require(low <= got, f"expected_rate_mhz {got} is below the {low} mHz the SETUP asked and "
            "the circuit was admitted for (SIG-044)", msg=last)
    require(got <= high, f"expected_rate_mhz {got} is above {high} mHz, the rate of the "
            "slowest link of the route (SIG-044)", msg=last)


@then("every rule of that CONFIRM leaves the fields its action does not use at 0 or NONE")
def confirm_unused_rule_fields(world: World) -> None:
    """FWD-009.1: ``peer_link`` 0 unless SWAP or DISTIL, ``endpoint`` 0 unless DELIVER, and
    ``distil_protocol`` NONE with ``distil_rounds`` 0 unless DISTIL."""
    confirm = _confirm_with_rules(world)
    for i, r in enumerate(confirm["body"]["rules"]):
        action = r["action"]
        unused = [name for name, used, none in (
            ("peer_link", action in ("SWAP", "DISTIL"), 0), ("endpoint", action == "DELIVER", 0),
            ("distil_protocol", action == "DISTIL", "NONE"),
            ("distil_rounds", action == "DISTIL", 0)) if not used and r[name] != none]
        require(not unused, f"rule {i} ({action}) sets {', '.join(unused)}, which its action "
                "does not use (FWD-009.1)", rule=r, msg=confirm)


def ideal_dejmps(weights: list[float], rounds: int) -> float:
    """Fidelity after ``rounds`` rounds of DEJMPS (Deutsch et al. 1996) with ideal gates and
    readout on two copies of the Bell-diagonal pair of Pauli ``weights`` (I, X, Z, Y): with
    A, B, C, D the weights of PHI_PLUS, PSI_MINUS, PSI_PLUS, PHI_MINUS, a successful round
    gives ((A^2 + B^2), 2CD, (C^2 + D^2), 2AB) / ((A + B)^2 + (C + D)^2).

    >>> round(ideal_dejmps(_pauli_weights(0.9), 1), 4)
    0.9264
    """
    a, c, d, b = weights
    for _ in range(rounds):
        norm = (a + b) ** 2 + (c + d) ** 2
        a, b, c, d = (a * a + b * b) / norm, 2 * c * d / norm, (c * c + d * d) / norm, \
            2 * a * b / norm
    return a


@then(parsers.re(r"its expected_fidelity is at most what its DISTIL rounds with ideal gates "
                 r"give the pairs of route (?P<route>[\d, ]+?) with Werner links of fidelity "
                 r"(?P<fid>[\d.]+)$"))
def distilled_fidelity_bounded(world: World, route: str, fid: str) -> None:
    """SIG-043.1: ``expected_fidelity`` is a lower bound of the fidelity of the pairs that
    survive all rounds, so it cannot exceed the fidelity that the CONFIRM's rounds of DEJMPS,
    with ideal gates and readout, give fresh end-to-end pairs of the route (Werner links of
    fidelity ``fid`` joined by ideal swaps): noise and storage only lower it."""
    last = world.data.get("last")
    require(last is not None and last["type"] == "CONFIRM", "no CONFIRM to inspect")
    rounds = {r["distil_rounds"] for r in last["body"]["rules"] if r["action"] == "DISTIL"}
    require(len(rounds) == 1, f"the CONFIRM's DISTIL rules have rounds {sorted(rounds)}, "
            "expected one number of rounds", msg=last)
    weights = [1.0, 0.0, 0.0, 0.0]
    for _ in range(len(_route(route)) - 1):
        weights = _compose(weights, _pauli_weights(float(fid)))
    n = rounds.pop()
    bound = ideal_dejmps(weights, n)
    got = last["body"]["expected_fidelity"]
    require(got <= round(bound * 65535) + 1, f"expected_fidelity {got} is above "
            f"{round(bound * 65535)}, what {n} round(s) of DEJMPS with ideal gates give fresh "
            "pairs of the route: not a lower bound of the distilled pairs (SIG-043.1)", msg=last)


@then("the node sends no SETUP but retransmissions of the first one it sent")
def no_retried_setup(world: World) -> None:
    """SIG-021.1, SIG-021.2: a retry of the refused request is a new SETUP; sending the first
    SETUP again with its own ``message_id`` (a retransmission, chapter 11) is not one."""
    node = _checked(world)
    setups = [m for m in node.log if m["type"] == "SETUP"]
    require(bool(setups), "the node sent no SETUP at all")
    first = setups[0]["message_id"]
    new = [m for m in setups if m["message_id"] != first]
    require(not new, "the node sent a new SETUP: it retried the refused request", sent=new)


@given(parsers.re(r"the node's policy is (?P<policy>\{.*\})$"))
def node_policy(world: World, policy: str) -> None:
    """Start the node again with the authorisation policy ``policy`` (capability node.policy,
    spec chapter 08 section 4); a fresh node: no scenario step has acted on it yet."""
    node = _node(world)
    node.config["policy"] = json.loads(policy)
    node.start()


@given(parsers.re(r"the node's memories have T1 (?P<t1>\d+) ns and T2 (?P<t2>\d+) ns$"))
def node_memories(world: World, t1: str, t2: str) -> None:
    """Start the node again with memories of the given T1 and T2 (SIG-045.1); a fresh node:
    no scenario step has acted on it yet."""
    node = _node(world)
    node.config.update(t1_ns=int(t1), t2_ns=int(t2))
    node.start()


@given(parsers.re(r"the node's Bell-state measurement succeeds with probability (?P<q>[\d.]+)$"))
def node_bsm_success(world: World, q: str) -> None:
    """Start the node again with the BSM success probability ``q`` in its configuration
    (``bsm_success_probability``, SIG-047); a fresh node: no scenario step has acted on it."""
    node = _node(world)
    node.config["bsm_success_probability"] = float(q)
    node.start()


@when(parsers.re(r"node (?P<src>\d+) sends SETUP for circuit (?P<cid>\d+) along route "
                 r"(?P<route>[\d, ]+?) with min_rate_mhz (?P<rate>\d+) whose router "
                 r"(?P<router>\d+) reports swap_success (?P<q>\d+)$"))
def inject_setup_swap_success(world: World, src: str, cid: str, route: str, rate: str,
                              router: str, q: str) -> None:
    """A SETUP asking ``rate`` mHz whose hop record of ``router`` reports ``q`` (wire units)
    as the success probability of its Bell-state measurement (SIG-047)."""
    node = _node(world)
    body = setup_body(int(cid), _route(route), node.node_id, min_rate_mhz=int(rate))
    hops = [{**h, "swap_success": int(q)} if h["node"] == int(router) else dict(h)
            for h in body["hops"]]
    require(any(h["node"] == int(router) for h in hops),
            f"node {router} has no hop record in a SETUP reaching node {node.node_id}")
    node.inject("SETUP", int(src), {**body, "hops": hops})
