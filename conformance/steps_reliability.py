"""Step definitions for the scenarios of spec chapter 11 (reliability): acknowledgements,
retransmissions, duplicates, keepalives, failed neighbours and links, restarts.

The harness normally plays live, well-behaved peers: it acknowledges every acknowledged message
the node sends and its neighbours send KEEPALIVE while the clock advances
(:class:`~qvcp.conformance.node_harness.NodeUnderTest`). These steps turn that off, look at the
ACKs and KEEPALIVEs the harness keeps apart, and restart the node.

Loaded as a pytest plugin by :func:`qvcp.conformance.bdd.run_bdd_cases`.
"""

from __future__ import annotations

import itertools
from typing import Any

from pytest_bdd import given, parsers, then, when

from qvcp.conformance.bdd import World
from qvcp.conformance.cases import require
from qvcp.conformance.steps_node import _checked, _node
from qvcp.schemas import ErrorCode, message_specs

Json = dict[str, Any]


def _after_u32(a: int, b: int) -> bool:
    """``b`` comes after ``a`` in serial-number arithmetic modulo 2^32 (RFC 1982)."""
    return 0 < (b - a) % 2**32 < 2**31


# --- given: how the harness's peers behave, and the node's settings -------------------------

@given(parsers.re(r"the harness acknowledges nothing the node sends$"))
@when(parsers.re(r"the harness acknowledges nothing the node sends$"))
def no_acks(world: World) -> None:
    _node(world).auto_ack = False


@given(parsers.re(r"the node's neighbours fall silent$"))
@when(parsers.re(r"the node's neighbours fall silent$"))
def silent_neighbours(world: World) -> None:
    _node(world).neighbours_alive = False


@given(parsers.re(r"the node is configured with (?P<key>[a-z_]+) (?P<value>\d+)$"))
def configure(world: World, key: str, value: str) -> None:
    """Start the node again with one chapter 11 setting changed (a fresh node: no scenario
    step has acted on it yet)."""
    node = _node(world)
    node.config[key] = int(value)
    node.start()


# --- when: the node restarts, a neighbour restarts --------------------------------------------

@when(parsers.re(r"the node restarts$"))
def restart(world: World) -> None:
    """``node.start`` again for the same node: a restart (REL-019, REL-022). What the node
    sent before is remembered for comparison."""
    node = _node(world)
    world.data["before_restart"] = list(node.wire_log)
    node.start()


@when(parsers.re(r"node (?P<peer>\d+) restarts and sends KEEPALIVE with incarnation "
                 r"(?P<inc>\d+)$"))
def peer_restarts(world: World, peer: str, inc: str) -> None:
    node = _node(world)
    node.inject("KEEPALIVE", int(peer), {"incarnation": int(inc),
                                         "interval_ns": node.config["keepalive_interval_ns"]})


@when(parsers.re(r"node (?P<src>\d+) acknowledges the node's last (?P<mtype>[A-Z_]+) to it$"))
def peer_acks(world: World, src: str, mtype: str) -> None:
    node = _node(world)
    node.ack(node.last_to(mtype, int(src)))


@when(parsers.re(r"node (?P<src>\d+) refuses the node's last (?P<mtype>[A-Z_]+) to it with "
                 r"ERROR (?P<code>[A-Z_]+)$"))
def peer_refuses(world: World, src: str, mtype: str, code: str) -> None:
    """Node ``src`` answers the node's last ``mtype`` to it with ERROR ``code`` (REL-002)."""
    node = _node(world)
    msg = node.last_to(mtype, int(src))
    node.inject("ERROR", int(src), {
        "code": int(ErrorCode[code]), "offending_message_id": msg["message_id"],
        "offending_type": message_specs()[mtype].type_code, "field": "body.circuit_id",
        "detail": "refused by the harness"})


# --- then: ACKs ---------------------------------------------------------------------------------

def _acks_of(node: Any, msg: Json) -> list[Json]:
    return [m for m in node.transport if m["type"] == "ACK"
            and m["destination"] == msg["source"]
            and m["body"]["acked_message_id"] == msg["message_id"]]


@then(parsers.re(r"the node acknowledges that message(?: (?P<n>\d+) times)?$"))
def acknowledges(world: World, n: str | None) -> None:
    """The node answered the harness's last message with ACK (REL-001), naming its id and
    type code; with a count, that many ACKs (REL-007: one per copy)."""
    node = _checked(world)
    msg = node.last_injected
    require(msg is not None, "the harness sent the node nothing to acknowledge")
    assert msg is not None
    acks = _acks_of(node, msg)
    want = int(n or 1)
    require(len(acks) == want, f"the node sent {len(acks)} ACK(s) for {msg['type']} "
            f"{msg['message_id']}, expected {want}", transport=node.transport[-5:])
    code = message_specs()[msg["type"]].type_code
    require(all(a["body"]["acked_type"] == code for a in acks),
            f"an ACK names another type code than {code}", acks=acks)


@then(parsers.re(r"the node does not acknowledge that message$"))
def does_not_acknowledge(world: World) -> None:
    node = _checked(world)
    msg = node.last_injected
    assert msg is not None
    acks = _acks_of(node, msg)
    require(not acks, f"the node acknowledged {msg['type']} {msg['message_id']}", acks=acks)


# --- then: retransmissions ---------------------------------------------------------------

def _copies(node: Any, mtype: str, dst: int) -> tuple[list[Json], list[int]]:
    """The messages of type ``mtype`` the node sent to ``dst`` and when."""
    pairs = [(m, t) for m, t in zip(node.wire_log, node.wire_times, strict=True)
             if m["type"] == mtype and m["destination"] == dst]
    return [m for m, _ in pairs], [t for _, t in pairs]


@then(parsers.re(r"the node has sent (?P<least>at least )?(?P<n>\d+) copies of (?P<mtype>[A-Z_]+) "
                 r"to node (?P<dst>\d+), each with the first one's message_id and body$"))
def copies(world: World, least: str | None, n: str, mtype: str, dst: str) -> None:
    """Retransmissions are the first transmission unchanged (REL-003)."""
    node = _checked(world)
    msgs, _ = _copies(node, mtype, int(dst))
    ok = len(msgs) >= int(n) if least else len(msgs) == int(n)
    require(ok, f"the node sent {len(msgs)} {mtype} to node {dst}, expected "
            f"{'at least ' if least else ''}{n}", sent=msgs)
    _require_copies_of_first(msgs, mtype)


def _require_copies_of_first(msgs: list[Json], mtype: str) -> None:
    """Every message after the first has the first one's ``message_id`` and body (REL-003)."""
    first = msgs[0]
    for m in msgs[1:]:
        require(m["message_id"] == first["message_id"] and m["body"] == first["body"],
                f"a retransmitted {mtype} differs from the first", first=first, copy=m)


@then(parsers.re(r"since the restart the node has sent node (?P<dst>\d+) (?P<how>at least|exactly) "
                 r"(?P<n>\d+) copies of one KEEPALIVE$"))
def start_keepalive_copies(world: World, dst: str, how: str, n: str) -> None:
    """REL-027: the KEEPALIVEs sent to ``dst`` since the last restart are copies of the first
    (the harness's keepalive interval is 10 s: no periodic one comes in between)."""
    node = _checked(world)
    since = len(world.data.get("before_restart", []))
    msgs = [m for m in node.wire_log[since:]
            if m["type"] == "KEEPALIVE" and m["destination"] == int(dst)]
    ok = len(msgs) >= int(n) if how == "at least" else len(msgs) == int(n)
    require(ok, f"the node sent node {dst} {len(msgs)} KEEPALIVE(s) since its restart, "
            f"expected {how} {n}", sent=msgs)
    _require_copies_of_first(msgs, "KEEPALIVE")


@then(parsers.re(r"the gaps between the (?P<mtype>[A-Z_]+)s the node sent to node (?P<dst>\d+) "
                 r"double each time$"))
def gaps_double(world: World, mtype: str, dst: str) -> None:
    """Each retransmission waits twice as long as the one before (REL-005); the harness
    advances the clock in 1 us steps, so a gap may be up to 1 us late."""
    node = _checked(world)
    _, times = _copies(node, mtype, int(dst))
    require(len(times) >= 3, f"need three {mtype}s to compare gaps, found {len(times)}")
    gaps = [b - a for a, b in itertools.pairwise(times)]
    for g1, g2 in itertools.pairwise(gaps):
        require(abs(g2 - 2 * g1) <= 2_000, f"gaps {gaps} ns do not double", times=times)


@when(parsers.re(r"the clock advances in (?P<step>\d+) ns steps to (?P<t>\d+) ns$"))
def advance_in_steps(world: World, step: str, t: str) -> None:
    """Advance by small steps, so that each retransmission shows at its own time."""
    node = _node(world)
    target, stride = int(t), int(step)
    at = node.now
    while at < target:
        at = min(target, at + stride)
        node.advance(at)


# --- then: KEEPALIVE and restarts ---------------------------------------------------------

@then(parsers.re(r"the node's first message to node (?P<dst>\d+) was KEEPALIVE$"))
def first_is_keepalive(world: World, dst: str) -> None:
    node = _checked(world)
    to = [m for m in node.wire_log if m["destination"] == int(dst)]
    require(bool(to), f"the node sent nothing to node {dst}")
    require(to[0]["type"] == "KEEPALIVE", f"the node's first message to node {dst} was "
            f"{to[0]['type']}, not KEEPALIVE (REL-011)", first=to[0])


@then(parsers.re(r"the node has sent KEEPALIVE to node (?P<dst>\d+) at least (?P<n>\d+) "
                 r"times$"))
def keepalives(world: World, dst: str, n: str) -> None:
    node = _checked(world)
    ka = [m for m in node.transport if m["type"] == "KEEPALIVE"
          and m["destination"] == int(dst)]
    require(len(ka) >= int(n), f"the node sent {len(ka)} KEEPALIVE(s) to node {dst}, expected "
            f"at least {n}")


@then(parsers.re(r"its KEEPALIVEs after the restart carry a greater incarnation than before$"))
def incarnation_grows(world: World) -> None:
    node = _checked(world)
    before = [m for m in world.data.get("before_restart", []) if m["type"] == "KEEPALIVE"]
    after = [m for m in node.wire_log[len(world.data.get("before_restart", [])):]
             if m["type"] == "KEEPALIVE"]
    require(bool(before) and bool(after), "need KEEPALIVEs from before and after the restart",
            before=len(before), after=len(after))
    old = before[-1]["body"]["incarnation"]
    for m in after:
        require(_after_u32(old, m["body"]["incarnation"]),
                f"incarnation {m['body']['incarnation']} after the restart is not greater "
                f"than {old} (REL-019)", keepalive=m)


@then(parsers.re(r"no message_id it sent to node (?P<dst>\d+) after the restart was sent to it "
                 r"before$"))
def ids_not_reused(world: World, dst: str) -> None:
    node = _checked(world)
    before = world.data.get("before_restart", [])
    old = {m["message_id"] for m in before if m["destination"] == int(dst)}
    new = [m for m in node.wire_log[len(before):] if m["destination"] == int(dst)]
    require(bool(old) and bool(new), "need messages to the node from before and after the "
            "restart", before=len(old), after=len(new))
    reused = [m for m in new if m["message_id"] in old]
    require(not reused, f"message_ids {[m['message_id'] for m in reused]} were used before the "
            "restart (REL-022)", reused=reused)
