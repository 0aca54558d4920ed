"""Step definitions for the security scenarios beyond :mod:`.steps_node` and
:mod:`.steps_link`: keys rolled over with overlap (several key ids per peer), authentication
suites, keyed heralding stations, and the limit on refusals a flood can draw (spec chapter 08).

Loaded as a pytest plugin by :func:`qvcp.conformance.bdd.run_bdd_cases`, beside
:mod:`.steps_node`, whose helpers these steps use.
"""

from __future__ import annotations

import json
from typing import Any

from pytest_bdd import given, parsers, then, when

from qvcp.conformance.bdd import World
from qvcp.conformance.cases import require
from qvcp.conformance.node_harness import router_config, setup_body
from qvcp.conformance.steps_link import OTHER_KEY
from qvcp.conformance.steps_node import AUTH_KEY, _node, _route, _start
from qvcp.schemas import WireError, encode, trailer, verify

Json = dict[str, Any]

#: a third key, for a peer's third key id (never AUTH_KEY's or OTHER_KEY's bytes)
THIRD_KEY = bytes(range(80, 112))
_KEYS = (AUTH_KEY, OTHER_KEY, THIRD_KEY)


def _peer_keys(world: World) -> dict[int, dict[int, tuple[bytes, int]]]:
    """peer -> key id -> (key, suite): every key the harness shares with the node."""
    keys: dict[int, dict[int, tuple[bytes, int]]] = world.data.setdefault("peer_keys", {})
    return keys


# --- given: keys rolled over, suites, keyed stations ------------------------------------------

@given(parsers.re(r"a router node (?P<me>\d+) between nodes (?P<a>\d+) and (?P<b>\d+), keyed with "
                  r"node (?P<peer>\d+) under (?:key ids (?P<kids>\d+(?: and \d+)+)|"
                  r"key id (?P<kid>\d+) of suite (?P<suite>\d+))$"))
def router_keyed_many(world: World, me: str, a: str, b: str, peer: str, kids: str | None,
                      kid: str | None, suite: str | None) -> None:
    """Capability node.auth: the node holds the listed keys for ``peer``, oldest first (the
    first AUTH_KEY, then OTHER_KEY, then THIRD_KEY), all of ``suite`` (default 1). The harness
    signs what it sends as ``peer`` under the key listed last, as the node must (SEC-007.2)."""
    ids = [int(k) for k in (kids or str(kid)).split(" and ")]
    require(len(ids) <= len(_KEYS), f"at most {len(_KEYS)} key ids per peer in a scenario")
    s = int(suite) if suite else 1
    entries = [{"peer": int(peer), "key_id": k, "key": key.hex(), **({"suite": s} if suite else {})}
               for k, key in zip(ids, _KEYS, strict=False)]
    _start(world, int(me), router_config(int(me), int(a), int(b), auth={"keys": entries}),
           keys={int(peer): (ids[-1], _KEYS[len(ids) - 1])}, suites={int(peer): s})
    _peer_keys(world)[int(peer)] = {k: (key, s) for k, key in zip(ids, _KEYS, strict=False)}


@given(parsers.re(r"a heralding station (?P<me>\d+) of link (?P<link>\d+) between nodes "
                  r"(?P<a>\d+) and (?P<b>\d+), keyed with node (?P<peer>\d+) under key id "
                  r"(?P<kid>\d+)$"))
def station_keyed(world: World, me: str, link: str, a: str, b: str, peer: str,
                  kid: str) -> None:
    """Capabilities node.station and node.auth: a heralding station sharing a key with one
    of its two nodes (SEC-009); the other node is unkeyed."""
    config: Json = {"role": "station", "link_id": int(link), "nodes": [int(a), int(b)],
                    "auth": {"keys": [{"peer": int(peer), "key_id": int(kid),
                                       "key": AUTH_KEY.hex()}]}}
    _start(world, int(me), config, keys={int(peer): (int(kid), AUTH_KEY)})
    _peer_keys(world)[int(peer)] = {int(kid): (AUTH_KEY, 1)}


# --- when: messages under a chosen key and suite ----------------------------------------------

@when(parsers.re(r"node (?P<src>\d+) sends (?P<mtype>[A-Z_]+) (?P<body>\{.*\}) under key id "
                 r"(?P<kid>\d+)(?: with suite (?P<suite>\d+))?(?: numbered (?P<mid>\d+))?$"))
def inject_under_key(world: World, src: str, mtype: str, body: str, kid: str,
                     suite: str | None, mid: str | None) -> None:
    """A message of keyed peer ``src`` signed under its key ``kid`` with ``suite`` (default:
    the suite that key was provisioned with): a suite other than the key's is a forgery the
    node must refuse (SEC-008.1)."""
    node = _node(world)
    held = _peer_keys(world).get(int(src), {})
    require(int(kid) in held, f"the harness holds no key id {kid} for node {src}")
    key, own_suite = held[int(kid)]
    msg = node.message(mtype, int(src), json.loads(body),
                       message_id=int(mid) if mid else None)
    msg["auth"] = trailer(msg, key=key, key_id=int(kid),
                          suite=int(suite) if suite else own_suite)
    node.inject_message(msg)


@when(parsers.re(r"node (?P<src>\d+) sends (?P<n>\d+) SETUPs for circuits from (?P<first>\d+) "
                 r"along route (?P<route>[\d, ]+?) with (?P<field>[a-z_]+) (?P<value>\d+)"
                 r"(?: (?P<at_once>at once)| one every (?P<gap>\d+) ns)$"))
def inject_setups(world: World, src: str, n: str, first: str, route: str, field: str,
                  value: str, at_once: str | None, gap: str | None) -> None:
    """``n`` SETUPs, each for a circuit of its own (ids ``first``, ``first`` + 1, ...), at the
    same virtual time or ``gap`` ns apart."""
    node = _node(world)
    start, step = node.now, 0 if at_once else int(gap or 0)
    for i in range(int(n)):
        body = setup_body(int(first) + i, _route(route), node.node_id, **{field: int(value)})
        node.inject("SETUP", int(src), body, at=start + i * step)


@when(parsers.re(r"node (?P<src>\d+) sends (?P<mtype>[A-Z_]+) (?P<body>\{.*\}) with a tag that "
                 r"does not verify (?P<n>\d+) times at once$"))
def inject_forged_many(world: World, src: str, mtype: str, body: str, n: str) -> None:
    """``n`` messages of keyed peer ``src`` at one instant, each numbered afresh and each with
    the last bit of its tag flipped."""
    node = _node(world)
    require(int(src) in node.keys, f"the harness shares no key with the node as node {src}")
    for _ in range(int(n)):
        msg = node.message(mtype, int(src), json.loads(body))
        tag = bytearray(bytes.fromhex(msg["auth"]["tag"]))
        tag[-1] ^= 1
        msg["auth"] = {**msg["auth"], "tag": tag.hex()}
        node.inject_message(msg)


# --- then: tags under a chosen key and suite --------------------------------------------------

@then(parsers.re(r"(?:it|that message) carries a tag that verifies under key id (?P<kid>\d+)"
                 r"(?: with suite (?P<suite>\d+))?$"))
def last_verifies(world: World, kid: str, suite: str | None) -> None:
    """The message the previous step found is signed under key ``kid`` with ``suite``."""
    last = world.data.get("last")
    require(last is not None, "no message to inspect")
    assert last is not None
    held = _peer_keys(world).get(last["destination"], {})
    require(int(kid) in held, f"the harness holds no key id {kid} for node "
            f"{last['destination']}")
    key, own_suite = held[int(kid)]
    s = int(suite) if suite else own_suite
    try:
        verify(encode(last), {int(kid): key}, {int(kid): s})
    except WireError as err:
        auth = last.get("auth")
        named = f"key id {auth['key_id']}" if auth else "no trailer"
        require(False, f"{last['type']} to node {last['destination']} does not verify under "
                f"key id {kid} with suite {s} ({named}): {err}", msg=last)


@then(parsers.re(r"(?:it|that message) carries no trailer$"))
def last_unsigned(world: World) -> None:
    last = world.data.get("last")
    require(last is not None, "no message to inspect")
    assert last is not None
    require(last.get("auth") is None, f"{last['type']} to node {last['destination']} carries a "
            "trailer although the sender shares no key with its destination", msg=last)
