"""Step definitions for node-profile scenarios: the node and its neighbourhood (*Given*), what
the harness sends it or makes happen (*When*) and what the node sends (*Then*), with the
helpers the other step modules share. Themed steps live beside it: circuit set-up
(:mod:`.steps_circuit_setup`), the lent device (:mod:`.steps_device`), echoing ERRORs
(:mod:`.steps_error_echo`) and the chapters' own (:mod:`.steps_link` and the rest).

Loaded as a pytest plugin by :func:`qvcp.conformance.bdd.run_bdd_cases`. The harness plays
the neighbours, the heralding stations and the quantum device of one node
(:mod:`qvcp.conformance.node_harness`); "the node sends ..." looks at what the node sent
since the previous *Then* step (or since the end of the *Given* steps).
"""

from __future__ import annotations

import collections
import contextlib
import copy
import itertools
import json
from typing import Any

from pytest_bdd import given, parsers, then, when

from qvcp.conformance.bdd import World
from qvcp.conformance.cases import require
from qvcp.conformance.node_harness import (
    NodeUnderTest,
    baseline_rules,
    link_config,
    link_distil_rules,
    router_config,
    setup_body,
)
from qvcp.conformance.protocol import DriverUnsupported
from qvcp.schemas import ErrorCode, WireError, encode, verify

Json = dict[str, Any]


def _route(text: str) -> list[int]:
    return [int(n) for n in text.replace(" ", "").split(",")]


def _node(world: World) -> NodeUnderTest:
    node: NodeUnderTest = world.node
    if world.data.pop("checked", False):
        node.clear()
    return node


#: the key the harness shares with a node under test as one of its peers (chapter 08)
AUTH_KEY = bytes(range(16, 48))


def _start(world: World, node_id: int, config: Json,
           keys: dict[int, tuple[int, bytes]] | None = None,
           suites: dict[int, int] | None = None) -> None:
    """A fresh node under test: ``reset`` first, so that the scenario's ``node.start`` is a
    first start and not a restart of the node an earlier scenario left (driver guide: a
    second ``node.start`` without ``reset`` is a restart, which keeps stable storage)."""
    # an implementation without reset starts every node afresh anyway
    with contextlib.suppress(DriverUnsupported):
        world.ctx.session.call("reset", {})
    node = NodeUnderTest(ctx=world.ctx, node_id=node_id, config=config, keys=keys or {},
                         suites=suites or {})
    node.start()
    world.data["node"] = node


# --- given: the node and its neighbourhood --------------------------------------------------

@given(parsers.re(r"an? (?P<role>router|repeater) node (?P<me>\d+) between nodes (?P<a>\d+) "
                  r"and (?P<b>\d+)"
                  r"(?: with (?P<memory>\d+) memory qubits)?"
                  r"(?:, (?P<comm>\d+) communication qubits)?"
                  r"(?: and (?P<slots>\d+) slots per link)?"
                  r"(?: whose Bell-state measurement has gate fidelity (?P<gate>[\d.]+) and "
                  r"readout fidelity (?P<readout>[\d.]+))?"
                  r"(?:, authenticating with node (?P<keyed>\d+) under key id (?P<kid>\d+)"
                  r"(?P<every> and requiring authentication from every node)?)?$"))
def router_node(world: World, role: str, me: str, a: str, b: str, memory: str | None,
                comm: str | None, slots: str | None, gate: str | None, readout: str | None,
                keyed: str | None, kid: str | None, every: str | None) -> None:
    """A quantum router, or an automated repeater (data plane only: ROLE-101.4)."""
    config = router_config(int(me), int(a), int(b), role=role,
                           memory_qubits=int(memory or 4), comm_qubits=int(comm or 2),
                           slots_per_link=int(slots or 1))
    if gate is not None and readout is not None:
        config.update(gate_fidelity=float(gate), readout_fidelity=float(readout))
    keys = {}
    if keyed is not None and kid is not None:  # capability node.auth (chapter 08)
        keys[int(keyed)] = (int(kid), AUTH_KEY)
        config["auth"] = {"keys": [{"peer": int(keyed), "key_id": int(kid),
                                    "key": AUTH_KEY.hex()}]}
        if every:  # SEC-003 from all: an unkeyed node cannot be heard at all
            config["auth"]["required"] = "all"
    _start(world, int(me), config, keys=keys)


@given(parsers.re(r"an end node (?P<me>\d+) linked to node (?P<peer>\d+)"
                  r"(?: with a route (?P<route>[\d, ]+?))?"
                  r"(?:,? with (?P<memory>\d+) memory qubits?)?"
                  r"(?: whose memories have T2 (?P<t2>\d+) ns)?$"))
def end_node(world: World, me: str, peer: str, route: str | None, memory: str | None,
             t2: str | None) -> None:
    routes = {str(_route(route)[-1]): _route(route)} if route else {}
    config = {"role": "end", "memory_qubits": int(memory or 4), "comm_qubits": 2,
              "links": [link_config(int(me), int(peer))], "routes": routes}
    if t2 is not None:
        config["t2_ns"] = int(t2)
    _start(world, int(me), config)


@given(parsers.re(r"a heralding station (?P<me>\d+) of link (?P<link>\d+) between nodes "
                  r"(?P<a>\d+) and (?P<b>\d+)$"))
def station_node(world: World, me: str, link: str, a: str, b: str) -> None:
    """Role ``station`` (capability node.station): the node under test heralds one link."""
    _start(world, int(me), {"role": "station", "link_id": int(link), "nodes": [int(a), int(b)]})


@then("the station's two HERALDs went one to each node of the link, with identical bodies")
def heralds_identical(world: World) -> None:
    node = _checked(world)
    found = node.sent("HERALD")
    nodes = sorted(node.config["nodes"])
    require(sorted(m["destination"] for m in found) == nodes,
            f"the station sent HERALD to {[m['destination'] for m in found]}, expected one "
            f"to each of {nodes}", sent=found)
    require(found[0]["body"] == found[1]["body"], "the two HERALDs differ", sent=found)
    world.data["last"] = found[-1]


@given(parsers.re(r"circuit (?P<cid>\d+) along route (?P<route>[\d, ]+?)"
                  r"(?: with a cutoff of (?P<cutoff>\d+) ns)?"
                  r"(?: with min_fidelity (?P<fid>\d+))?"
                  r"(?: with num_pairs (?P<pairs>\d+))?"
                  r"(?: with (?P<lrounds>\d+) rounds? of link-level (?P<lproto>[A-Z]+) "
                  r"distillation on link (?P<llink>\d+))? is established at the node$"))
def circuit_established(world: World, cid: str, route: str, cutoff: str | None,
                        fid: str | None, pairs: str | None, lrounds: str | None,
                        lproto: str | None, llink: str | None) -> None:
    node = _node(world)
    path, circuit, cut = _route(route), int(cid), int(cutoff or 0)
    me = path.index(node.node_id)
    node.inject("SETUP", path[me - 1], setup_body(circuit, path, node.node_id, cutoff_ns=cut,
                                                  min_fidelity=int(fid or 0),
                                                  num_pairs=int(pairs or 0)))
    if me < len(path) - 1:
        require(bool(node.sent("SETUP", path[me + 1])),
                f"the node did not forward the SETUP of circuit {circuit}", sent=node.recent)
        rules = baseline_rules(circuit, path, cutoff_ns=cut)
        if lrounds and lproto and llink:  # chapter 05 section 7: DISTIL at the link's nodes
            rules += link_distil_rules(circuit, int(llink), rounds=int(lrounds),
                                       protocol=lproto)
        node.inject("CONFIRM", path[me + 1], {
            "circuit_id": circuit, "expected_rate_mhz": 1000, "expected_fidelity": 58000,
            "rules": rules})
        require(not node.sent("ERROR") and not node.sent("REJECT"),
                f"the node refused the CONFIRM of circuit {circuit}", sent=node.recent)
    else:
        require(bool(node.sent("CONFIRM", path[me - 1])),
                f"the tail end did not confirm circuit {circuit}", sent=node.recent)
        world.data["confirm"] = node.sent("CONFIRM", path[me - 1])[-1]
    node.clear()


@given(parsers.re(r"the application has opened endpoint (?P<ep>\d+) for node (?P<rn>\d+) "
                  r"endpoint (?P<rep>\d+)$"))
def endpoint_opened(world: World, ep: str, rn: str, rep: str) -> None:
    node = _node(world)
    node.local("OPEN_ENDPOINT", {"endpoint": int(ep), "remote_node": int(rn),
                                 "remote_endpoint": int(rep)})
    node.clear()


@given(parsers.re(r"the node holds a (?P<outcome>[A-Z_]+) pair with seq (?P<seq>\d+) on link "
                  r"(?P<link>\d+)$"))
def holds_pair(world: World, outcome: str, seq: str, link: str) -> None:
    node = _node(world)
    if int(link) not in node.attempts:
        node.advance(node.now + 1000)
    node.herald(int(link), outcome, int(seq))
    require(not node.sent("ERROR"), "the node refused a valid HERALD", sent=node.recent)
    node.clear()


@given(parsers.re(r"node (?P<src>\d+) has sent the node SETUP for circuit (?P<cid>\d+) along "
                  r"route (?P<route>[\d, ]+)$"))
def setup_pending(world: World, src: str, cid: str, route: str) -> None:
    node = _node(world)
    path = _route(route)
    node.inject("SETUP", int(src), setup_body(int(cid), path, node.node_id))
    nxt = path[path.index(node.node_id) + 1]
    require(bool(node.sent("SETUP", nxt)), f"the node did not forward the SETUP of circuit "
            f"{cid}", sent=node.recent)
    node.clear()


# --- when: inject, advance, script ----------------------------------------------------------

@when(parsers.re(r"the clock advances to (?:(?P<early>\d+) ns before )?the remembered "
                 r"(?P<name>[a-z]+)$"))
def advance_to_remembered(world: World, early: str | None, name: str) -> None:
    """To a time remembered from a message (e.g. a delivery's ``expires_ns``)."""
    require(f"saved:{name}" in world.data, f"no {name} remembered")
    _node(world).advance(int(world.data[f"saved:{name}"]) - int(early or 0))


@when(parsers.re(r"the clock advances to (?P<t>\d+) ns$"))
def advance(world: World, t: str) -> None:
    _node(world).advance(int(t))


@when(parsers.re(r"the station heralds (?P<outcome>[A-Z_]+) with seq (?P<seq>\d+) for the "
                 r"node's attempt on link (?P<link>\d+)$"))
def herald(world: World, outcome: str, seq: str, link: str) -> None:
    _node(world).herald(int(link), outcome, int(seq))


@when(parsers.re(r"the station heralds results (?P<results>[A-Z_]+/\d+(?:, [A-Z_]+/\d+)*) for "
                 r"the node's attempt on link (?P<link>\d+)$"))
def herald_results(world: World, results: str, link: str) -> None:
    """One result per mode, mode 0 first, each written ``OUTCOME/seq`` (LINK-015.2)."""
    pairs = [(outcome, int(seq)) for outcome, seq in
             (item.strip().split("/") for item in results.split(","))]
    _node(world).herald_results(int(link), pairs)


@when(parsers.re(r"the station answers the node's attempt on link (?P<link>\d+) with ERROR "
                 r"(?P<name>[A-Z_]+)$"))
def station_error(world: World, link: str, name: str) -> None:
    _node(world).station_error(int(link), int(ErrorCode[name]))


@when(parsers.re(r"the station heralds no results for the node's attempt on link "
                 r"(?P<link>\d+)$"))
def herald_no_results(world: World, link: str) -> None:
    _node(world).herald_results(int(link), [])


@when(parsers.re(r"the station heralds (?P<outcome>[A-Z_]+) with seq (?P<seq>\d+) echoing a "
                 r"foreign attempt on link (?P<link>\d+)$"))
def herald_foreign(world: World, outcome: str, seq: str, link: str) -> None:
    _node(world).herald(int(link), outcome, int(seq), foreign=True)


@when(parsers.re(r"node (?P<src>\d+) sends (?P<mtype>[A-Z_]+) (?P<body>\{.*\})$"))
def inject(world: World, src: str, mtype: str, body: str) -> None:
    _node(world).inject(mtype, int(src), json.loads(_circuit_in(world, body)))


@when(parsers.re(r"node (?P<src>\d+) sends (?P<mtype>[A-Z_]+) (?P<body>\{.*\}) "
                 r"(?:(?P<bad>with a tag that does not verify)|(?P<bare>without a trailer)|"
                 r"numbered (?P<mid>\d+))$"))
def inject_authenticated(world: World, src: str, mtype: str, body: str, bad: str | None,
                         bare: str | None, mid: str | None) -> None:
    """From a keyed peer (chapter 08): a tag with its last bit flipped, no trailer at all, or
    a correctly signed message with the given ``message_id``."""
    node = _node(world)
    require(int(src) in node.keys, f"the harness shares no key with the node as node {src}")
    msg = node.message(mtype, int(src), json.loads(_circuit_in(world, body)),
                       message_id=int(mid) if mid else None)
    if bad:
        tag = msg["auth"]["tag"]
        msg["auth"] = {**msg["auth"], "tag": tag[:-1] + format(int(tag[-1], 16) ^ 1, "x")}
    elif bare:
        msg["auth"] = None
    node.inject_message(msg)


@when(parsers.re(r"node (?P<src>\d+) sends its last message again$"))
def inject_replay(world: World, src: str) -> None:
    node = _node(world)
    last = node.last_injected
    require(last is not None and last["source"] == int(src),
            f"node {src} has sent the node no message to replay")
    assert last is not None
    node.inject_message(dict(last))


@then(parsers.re(r"every message the node sent to node (?P<dst>\d+) carries a tag that "
                 r"verifies under key id (?P<kid>\d+), their message_ids increasing by one$"))
def sent_authenticated(world: World, dst: str, kid: str) -> None:
    node = _checked(world)
    found = [m for m in node.wire_log if m["destination"] == int(dst)]  # ACKs too (SEC-010)
    require(len(found) >= 2, f"the node sent {len(found)} message(s) to node {dst}; the check "
            "needs at least two", sent=found)
    key_id, key = node.keys[int(dst)]
    require(key_id == int(kid), f"the harness shares key id {key_id} with node {dst}")
    for msg in found:
        try:
            verify(encode(msg), {key_id: key})
        except WireError as err:
            require(False, f"{msg['type']} to node {dst} does not verify: {err}", msg=msg)
    ids = [m["message_id"] for m in found]
    require(all((b - a) % 2**32 == 1 for a, b in itertools.pairwise(ids)),
            f"the message_ids to node {dst} do not increase by one per message: {ids}",
            sent=found)


@when(parsers.re(r"node (?P<src>\d+) sends (?P<mtype>[A-Z_]+) (?P<body>\{.*\}) (?P<n>\d+) "
                 r"times at once$"))
def inject_many(world: World, src: str, mtype: str, body: str, n: str) -> None:
    """``n`` copies (each its own message_id) at the same virtual time."""
    node = _node(world)
    parsed = json.loads(_circuit_in(world, body))
    for _ in range(int(n)):
        node.inject(mtype, int(src), copy.deepcopy(parsed))


@when(parsers.re(r"node (?P<src>\d+) sends (?P<mtype>[A-Z_]+) (?P<body>\{.*\}) (?P<n>\d+) "
                 r"times, one every (?P<gap>\d+) ns$"))
def inject_spread(world: World, src: str, mtype: str, body: str, n: str, gap: str) -> None:
    """``n`` copies (each its own message_id), the first now and each next ``gap`` ns later."""
    node = _node(world)
    parsed = json.loads(_circuit_in(world, body))
    start = node.now
    for i in range(int(n)):
        node.inject(mtype, int(src), copy.deepcopy(parsed), at=start + i * int(gap))


@then(parsers.re(r"the (?:node|station) sends at least (?P<low>\d+) and fewer than (?P<high>\d+) "
                 r"(?P<mtype>[A-Z_]+) to node (?P<dst>\d+)$"))
def sends_between(world: World, low: str, high: str, mtype: str, dst: str) -> None:
    node = _checked(world)
    found = node.sent(mtype, int(dst))
    require(int(low) <= len(found) < int(high), f"the node sent {len(found)} {mtype} to node "
            f"{dst}, expected at least {low} and fewer than {high}")


@then(parsers.re(r"the (?P<n>\d+) (?P<mtype>[A-Z_]+) the node sent to node (?P<dst>\d+) carry "
                 r"(?P<n2>\d+) different message_ids$"))
def distinct_ids(world: World, n: str, mtype: str, dst: str, n2: str) -> None:
    node = _checked(world)
    found = node.sent(mtype, int(dst))
    require(len(found) == int(n), f"the node sent {len(found)} {mtype} to node {dst}, "
            f"expected {n}")
    ids = [m["message_id"] for m in found]
    repeated = sorted(i for i, k in collections.Counter(ids).items() if k > 1)
    require(len(set(ids)) == int(n2), f"{len(set(ids))} different message_ids among {len(ids)}"
            f" {mtype} to node {dst}; repeated: {repeated[:10]}")


@when(parsers.re(r"node (?P<src>\d+) sends the node a (?P<mtype>[A-Z_]+) addressed to node "
                 r"(?P<dst>\d+) (?P<body>\{.*\})$"))
def inject_misaddressed(world: World, src: str, mtype: str, dst: str, body: str) -> None:
    _node(world).inject(mtype, int(src), json.loads(_circuit_in(world, body)),
                        destination=int(dst))


def _circuit_in(world: World, text: str) -> str:
    """``"$circuit"`` in a JSON body stands for the circuit id the node chose (its SETUP)."""
    if '"$circuit"' in text:
        require("circuit" in world.data, "no circuit id of the node's SETUP to refer to")
        text = text.replace('"$circuit"', str(world.data["circuit"]))
    return text


@when(parsers.re(r"the application sends (?P<mtype>[A-Z_]+) (?P<body>\{.*\})$"))
def app_sends(world: World, mtype: str, body: str) -> None:
    _node(world).local(mtype, json.loads(_circuit_in(world, body)))


# --- then -----------------------------------------------------------------------------------

def _checked(world: World) -> NodeUnderTest:
    world.data["checked"] = True
    node: NodeUnderTest = world.node
    return node


def _path(message: Json, path: str) -> Any:
    """The value at ``path`` (dotted keys and list indices) of a message the node sent; a
    message without it fails the case (it is the node's message that lacks it)."""
    value: Any = message
    for part in path.split("."):
        try:
            value = value[int(part)] if isinstance(value, list) else value[part]
        except (KeyError, IndexError, ValueError, TypeError):
            require(False, f"{message.get('type', 'the message')} has no {path!r} "
                    f"(no {part!r} in {str(value)[:120]})", msg=message)
    return value


def _last_sent(world: World, mtype: str, dst: int) -> Json:
    """The last ``mtype`` the node sent to ``dst`` since the previous check, remembered as the
    message later steps inspect; the case fails when there is none."""
    node = _checked(world)
    found = node.sent(mtype, dst)
    require(bool(found), f"the node did not send {mtype} to node {dst}", sent=node.recent)
    world.data["last"] = found[-1]
    return found[-1]  # type: ignore[no-any-return]


def _confirm_with_rules(world: World) -> Json:
    """The CONFIRM the last step saw the node send; it must carry rules."""
    _checked(world)
    confirm = world.data.get("confirm")
    require(confirm is not None, "no CONFIRM to inspect")
    require(bool(confirm["body"]["rules"]), "the CONFIRM carries no rule", msg=confirm)
    return confirm  # type: ignore[no-any-return]


@then(parsers.re(r"the (?:node|station) sends (?P<mtype>[A-Z_]+) to node (?P<dst>\d+)$"))
def sends(world: World, mtype: str, dst: str) -> None:
    last = _last_sent(world, mtype, int(dst))
    if mtype == "SETUP":
        world.data["circuit"] = last["body"]["circuit_id"]
    if mtype == "CONFIRM":
        world.data["confirm"] = last


@then(parsers.re(r"the (?:node|station) sends (?P<n>\d+) (?P<mtype>[A-Z_]+) to node (?P<dst>\d+)$"))
def sends_count(world: World, n: str, mtype: str, dst: str) -> None:
    node = _checked(world)
    found = node.sent(mtype, int(dst))
    require(len(found) == int(n), f"the node sent {len(found)} {mtype} to node {dst}, expected "
            f"{n}", sent=node.recent)
    if found:
        world.data["last"] = found[-1]
        if mtype == "SETUP":
            world.data["circuit"] = found[-1]["body"]["circuit_id"]


@then(parsers.re(r"the (?:node|station) sends (?P<kind>ERROR|REJECT) (?P<name>[A-Z_]+) to node "
                 r"(?P<dst>\d+)$"))
def sends_refusal(world: World, kind: str, name: str, dst: str) -> None:
    last = _last_sent(world, kind, int(dst))
    got = last["body"]["code"] if kind == "ERROR" else last["body"]["reason"]
    want: Any = int(ErrorCode[name]) if kind == "ERROR" else name
    require(got == want, f"{kind} carries {got!r}, expected {want!r} ({name})", msg=last)


@then(parsers.re(r"the (?:node|station) sends no (?P<mtype>[A-Z_]+)$"))
def sends_no(world: World, mtype: str) -> None:
    node = _checked(world)
    found = node.sent(mtype)
    require(not found, f"the node sent {mtype}", sent=found)


@then(parsers.re(r"the (?:node|station) sends nothing$"))
def sends_nothing(world: World) -> None:
    node = _checked(world)
    require(not node.recent, "the node sent messages", sent=node.recent)


@then(parsers.re(r'its "(?P<path>[a-z_.0-9]+)" is (?P<value>.+)$'))
def field_is(world: World, path: str, value: str) -> None:
    last = world.data.get("last")
    require(last is not None, "no message to inspect")
    got, want = _path(last, path), json.loads(value)
    require(got == want, f"{last['type']} has {path} = {got!r}, expected {want!r}",
            msg=last)


@then(parsers.re(r'every (?P<mtype>[A-Z_]+) has "(?P<path>[a-z_.0-9]+)" (?P<value>.+)$'))
def every_field_is(world: World, mtype: str, path: str, value: str) -> None:
    node = _checked(world)
    found = node.sent(mtype)
    require(bool(found), f"the node sent no {mtype}", sent=node.recent)
    want = json.loads(value)
    for msg in found:
        require(_path(msg, path) == want, f"{mtype} to node {msg['destination']} has {path} = "
                f"{_path(msg, path)!r}, expected {want!r}", msg=msg)


@then(parsers.re(r"the application receives (?P<mtype>[A-Z_]+)$"))
def app_receives(world: World, mtype: str) -> None:
    node = _checked(world)
    found = [m for m in node.app if m["type"] == mtype]
    require(bool(found), f"the application did not receive {mtype}", app=node.app)
    world.data["last"] = found[-1]


@then(parsers.re(r"the application receives no (?P<mtype>[A-Z_]+)$"))
def app_receives_no(world: World, mtype: str) -> None:
    node = _checked(world)
    found = [m for m in node.app if m["type"] == mtype]
    require(not found, f"the application received {mtype}", app=found)


@then(parsers.re(r"the pair id is (?P<head>\d+) x 65536 \+ (?P<tail>\d+)$"))
def pair_id_is(world: World, head: str, tail: str) -> None:
    last = world.data.get("last")
    require(last is not None, "no delivery to inspect")
    want = int(head) * 65536 + int(tail)
    got = last["body"]["pair_id"]
    require(got == want, f"pair_id {got} is not {head} x 65536 + {tail} = {want} (TRK-016)",
            msg=last)


# --- then: the inspected message compared with a bound or a remembered value ---------------

@then(parsers.re(r'its "(?P<path>[a-z_.0-9]+)" is at (?P<how>least|most) (?P<value>-?\d+)$'))
def field_bound(world: World, path: str, how: str, value: str) -> None:
    last = world.data.get("last")
    require(last is not None, "no message to inspect")
    got = _path(last, path)
    ok = got >= int(value) if how == "least" else got <= int(value)
    require(ok, f"{last['type']} has {path} = {got!r}, expected at {how} {value}", msg=last)


@then(parsers.re(r'its "(?P<path>[a-z_.0-9]+)" is remembered as (?P<name>[a-z]+)$'))
def remember(world: World, path: str, name: str) -> None:
    last = world.data.get("last")
    require(last is not None, "no message to inspect")
    world.data[f"saved:{name}"] = _path(last, path)


@then(parsers.re(r'its "(?P<path>[a-z_.0-9]+)" is the remembered (?P<name>[a-z]+)$'))
def field_is_remembered(world: World, path: str, name: str) -> None:
    last = world.data.get("last")
    require(last is not None and f"saved:{name}" in world.data, "nothing to compare")
    got, want = _path(last, path), world.data[f"saved:{name}"]
    require(got == want, f"{last['type']} has {path} = {got!r}, expected the remembered "
            f"{name} {want!r}", msg=last)
