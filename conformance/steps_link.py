"""Step definitions for node-profile scenarios of the link chapters beyond :mod:`.steps_node`.

Loaded as a pytest plugin by :func:`qvcp.conformance.bdd.run_bdd_cases`, beside
:mod:`.steps_node`, whose helpers (``_node``, ``_checked``) these steps may use. Covers the
link layer (chapter 03, chapter 09 sections 1 and 2) and message authentication (chapter 08):
sequence numbers across their wraparound, EXPIRE ranges, the station's numbering over many
slots, tags tampered at every position class, keyed peers and the anti-replay window.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pytest_bdd import given, parsers, then, when

from qvcp.conformance.bdd import World
from qvcp.conformance.cases import require
from qvcp.conformance.node_harness import router_config
from qvcp.conformance.steps_node import AUTH_KEY, _checked, _node, _start
from qvcp.schemas import trailer
from qvcp.schemas.layout import wire_constants

Json = dict[str, Any]

#: a second key, for the harness's second keyed peer (never AUTH_KEY's bytes)
OTHER_KEY = bytes(range(48, 80))
TAG_BYTES = 32
KEY_ID_BYTES = 4


def _header_offsets() -> dict[str, int]:
    offsets, at = {}, 0
    for name, fmt in wire_constants()["header"]:
        offsets[name] = at
        at += {"u8": 1, "u32": 4}[fmt]
    offsets["body"] = at
    return offsets


# --- given: keyed nodes (chapter 08) ----------------------------------------------------------

@given(parsers.re(r"a router node (?P<me>\d+) between nodes (?P<a>\d+) and (?P<b>\d+), keyed with "
                  r"(?P<peers>node \d+ under key id \d+(?: and node \d+ under key id \d+)?)"
                  r"(?:, with an anti-replay window of (?P<window>\d+))?"
                  r"(?P<optional>, not requiring authentication)?$"))
def keyed_router(world: World, me: str, a: str, b: str, peers: str, window: str | None,
                 optional: str | None) -> None:
    """Capability node.auth: the node shares a key with each named peer (the first AUTH_KEY,
    the second OTHER_KEY) and is configured with the given window and ``required`` flag."""
    keys: dict[int, tuple[int, bytes]] = {}
    for (peer, key_id), key in zip(re.findall(r"node (\d+) under key id (\d+)", peers),
                                   (AUTH_KEY, OTHER_KEY), strict=False):
        keys[int(peer)] = (int(key_id), key)
    auth: Json = {"keys": [{"peer": p, "key_id": k, "key": key.hex()}
                           for p, (k, key) in keys.items()],
                  "required": optional is None}
    if window is not None:
        auth["window"] = int(window)
    _start(world, int(me), router_config(int(me), int(a), int(b), auth=auth), keys=keys)


# --- given: a link's attempt period (chapter 03 section 1) -----------------------------------

@given(parsers.re(r"a router node (?P<me>\d+) between nodes (?P<a>\d+) and (?P<b>\d+) whose links "
                  r"have (?:an attempt period of (?P<period>\d+) slots|a peer delay of "
                  r"(?P<delay>\d+) ns)$"))
def router_with_period(world: World, me: str, a: str, b: str, period: str | None,
                       delay: str | None) -> None:
    """LINK-017, FWD-011: the link configuration names the attempt period (identical at both
    ends) or the link's signalling latency, the one-way time of a message to its other node."""
    extra = {"attempt_period": int(period)} if period else {"peer_delay_ns": int(delay or 0)}
    _start(world, int(me), router_config(int(me), int(a), int(b), link_extra=extra))


# --- when: messages of keyed peers, tampered or not ------------------------------------------

def _keyed_message(world: World, src: str, mtype: str, body: str, mid: str | None) -> Json:
    node = _node(world)
    require(int(src) in node.keys, f"the harness shares no key with the node as node {src}")
    return node.message(mtype, int(src), json.loads(body),
                        message_id=int(mid) if mid else None)


_SENDS = (r"node (?P<src>\d+) sends (?P<mtype>[A-Z_]+) (?P<body>\{.*\})"
          r"(?: numbered (?P<mid>\d+))?")


@when(parsers.re(_SENDS + r" with the (?P<which>first|middle|last) byte of its tag flipped$"))
def inject_tag_flipped(world: World, src: str, mtype: str, body: str, mid: str | None,
                       which: str) -> None:
    """SEC-002.2: every byte of the tag counts, not only the last bit."""
    msg = _keyed_message(world, src, mtype, body, mid)
    tag = bytearray(bytes.fromhex(msg["auth"]["tag"]))
    tag[{"first": 0, "middle": TAG_BYTES // 2, "last": TAG_BYTES - 1}[which]] ^= 0xFF
    msg["auth"] = {**msg["auth"], "tag": tag.hex()}
    _node(world).inject_message(msg)


@when(parsers.re(_SENDS + r" signed with its key under key id (?P<kid>\d+)$"))
def inject_other_key_id(world: World, src: str, mtype: str, body: str, mid: str | None,
                        kid: str) -> None:
    """A tag that verifies under the peer's key, but naming a key id the node does not hold
    for that peer (SEC-002.2: an unknown key id fails)."""
    msg = _keyed_message(world, src, mtype, body, mid)
    _, key = _node(world).keys[int(src)]
    msg["auth"] = trailer(msg, key=key, key_id=int(kid))
    _node(world).inject_message(msg)


@when(parsers.re(_SENDS + r" with (?P<path>[a-z_.]+) changed to (?P<value>\S+) after signing$"))
def inject_altered(world: World, src: str, mtype: str, body: str, mid: str | None, path: str,
                   value: str) -> None:
    """A correctly signed message altered in transit: the tag no longer covers it."""
    msg = _keyed_message(world, src, mtype, body, mid)
    parent: Any = msg
    parts = path.split(".")
    for part in parts[:-1]:
        parent = parent[part]
    parent[parts[-1]] = json.loads(value)
    _node(world).inject_message(msg)


# --- when: wire-level tampering of a signed message (capability wire.auth) --------------------

@when(parsers.re(r"the byte at offset (?P<offset>\d+) of the (?P<part>tag|key id|body|header) "
                 r"is flipped$"))
def flip_byte(world: World, offset: str, part: str) -> None:
    """Offsets count from the start of the part: the trailer is the last 36 bytes (key id,
    then tag), the body follows the 20-byte header."""
    data: bytearray = world.bytes
    start = {"tag": len(data) - TAG_BYTES, "key id": len(data) - TAG_BYTES - KEY_ID_BYTES,
             "body": _header_offsets()["body"], "header": 0}[part]
    data[start + int(offset)] ^= 0xFF


# --- link layer: pairs held, sequence numbers, EXPIRE -----------------------------------------

@given(parsers.re(r"the node holds (?P<outcome>[A-Z_]+) pairs with seqs (?P<seqs>\d+(?:, \d+)*) "
                  r"on link (?P<link>\d+)$"))
def holds_pairs(world: World, outcome: str, seqs: str, link: str) -> None:
    """One pair per seq, each heralded as the one result of the node's next attempt on the
    link (one slot later each); any further modes of those attempts failed (LINK-015.3)."""
    node = _node(world)
    for seq in (int(s) for s in seqs.split(", ")):
        before = len(node.log)
        node.advance(node.now + 1000)
        fresh = [m for m in node.log[before:] if m["type"] == "ATTEMPT"
                 and m["body"]["link_id"] == int(link)]
        require(bool(fresh), f"the node made no new attempt on link {link} by {node.now} ns "
                f"to herald seq {seq} on", sent=node.log[before:])
        node.herald(int(link), outcome, seq)
        require(not node.sent("ERROR"), f"the node refused a valid HERALD with seq {seq}",
                sent=node.recent)
    node.clear()


@then(parsers.re(r"the node's ATTEMPTs on link (?P<link>\d+) so far carry (?P<n>\d+) different "
                 r"attempt_ids$"))
def distinct_attempt_ids(world: World, link: str, n: str) -> None:
    """LINK-001.2: an attempt id is unique among the attempts whose HERALD is outstanding or
    whose pairs the node still holds."""
    node = _checked(world)
    ids = [m["body"]["attempt_id"] for m in node.log
           if m["type"] == "ATTEMPT" and m["body"]["link_id"] == int(link)]
    require(len(ids) == int(n) and len(set(ids)) == int(n), f"the node's ATTEMPTs on link "
            f"{link} carry attempt_ids {ids}, expected {n} attempts with {n} different ids "
            "(LINK-001.2)")


# --- the station's numbering over many slots ----------------------------------------------

@when(parsers.re(r"nodes (?P<a>\d+) and (?P<b>\d+) attempt in (?P<slots>\d+) slots? with "
                 r"(?P<modes>\d+) modes? each(?:, the first with (?P<first>\d+))?, every mode "
                 r"succeeding$"))
def attempt_many_slots(world: World, a: str, b: str, slots: str, modes: str,
                       first: str | None) -> None:
    """Capability node.harness-device: both nodes attempt in consecutive slots (from the
    clock's next whole slot) and the station's device reports PSI_PLUS for every mode."""
    node = _node(world)
    link = node.config["link_id"]
    start = node.now // 1000 + 1
    for k in range(int(slots)):
        m = int(first) if k == 0 and first is not None else int(modes)
        slot = (start + k) * 1000
        node.device.outcomes.extend(["PSI_PLUS"] * m)
        for src in (int(a), int(b)):
            node.inject("ATTEMPT", src, {"link_id": link, "attempt_id": k + 1, "slot_ns": slot,
                                         "modes": m}, at=slot)
        heralds = [msg for msg in node.recent if msg["type"] == "HERALD"
                   and msg["body"]["slot_ns"] == slot]
        require(len(heralds) == 2, f"the station sent {len(heralds)} HERALDs for slot {slot}, "
                "expected one to each node (LINK-004)", sent=node.recent[-4:])
        node.recent = [msg for msg in node.recent if msg["type"] != "HERALD"]


@then(parsers.re(r"the station's HERALDs to node (?P<dst>\d+) numbered the successes "
                 r"(?P<low>\d+) to (?P<high>\d+) in order$"))
def heralds_numbered(world: World, dst: str, low: str, high: str) -> None:
    """LINK-005.1: consecutive successes carry consecutive seqs (modulo 2^16, skipping 0)."""
    node = _checked(world)
    seqs = [r["seq"] for m in node.log if m["type"] == "HERALD" and m["destination"] == int(dst)
            for r in m["body"]["results"]]
    want_n = int(high) - int(low) + 1
    require(len(seqs) >= want_n, f"the station's HERALDs to node {dst} carry {len(seqs)} "
            f"results, expected at least {want_n}")
    head = seqs[:want_n]
    bad = next((i for i, s in enumerate(head) if s != int(low) + i), None)
    require(bad is None, f"result {bad} of the station's HERALDs to node {dst} has seq "
            f"{head[bad] if bad is not None else None}, expected {int(low) + (bad or 0)} "
            "(LINK-005.1: each success the previous seq plus one)")


@then(parsers.re(r"the station's last HERALD to node (?P<dst>\d+) has the seqs "
                 r"(?P<seqs>\d+(?:, \d+)*)$"))
def last_herald_seqs(world: World, dst: str, seqs: str) -> None:
    node = _checked(world)
    found = [m for m in node.log if m["type"] == "HERALD" and m["destination"] == int(dst)]
    require(bool(found), f"the station sent no HERALD to node {dst}")
    got = [r["seq"] for r in found[-1]["body"]["results"]]
    want = [int(s) for s in seqs.split(", ")]
    require(got == want, f"the station's last HERALD to node {dst} carries seqs {got}, "
            f"expected {want} (LINK-005.1: after 65535 comes 1, never 0)", msg=found[-1])


# --- timing of ATTEMPTs (LINK-001.1: sent before the slot) -----------------------------------

@when(parsers.re(r"the clock moves from one deadline of the node to the next until "
                 r"(?P<t>\d+) ns$"))
def run_deadlines(world: World, t: str) -> None:
    """Advance to each deadline the node reports (``next_deadline_ns``), so that every timer
    fires at its own time, recording when each ATTEMPT was sent."""
    node = _node(world)
    end, at = int(t), node.now
    sent_at: list[tuple[int, Json]] = world.data.setdefault("attempts_sent_at", [])
    for _ in range(10_000):
        before = len(node.log)
        node.advance(at)
        sent_at += [(at, m) for m in node.log[before:] if m["type"] == "ATTEMPT"]
        probe = node.call("node.advance", now_ns=at)
        require(not probe["sent"], f"a second node.advance to {at} ns sent messages: timers "
                "due by then should all have fired", sent=probe["sent"])
        nxt = probe.get("next_deadline_ns")
        if nxt is None or nxt > end:
            break
        at = max(int(nxt), at + 1)
    node.advance(end)


@then("every ATTEMPT the node sent names a slot that had not begun when it was sent")
def attempts_in_time(world: World) -> None:
    _checked(world)
    sent_at = world.data.get("attempts_sent_at", [])
    require(bool(sent_at), "the node sent no ATTEMPT while the clock moved")
    late = [(at, m["body"]) for at, m in sent_at if m["body"]["slot_ns"] < at]
    require(not late, f"{len(late)} ATTEMPT(s) sent after their slot began (LINK-001.1: before "
            f"the slot); first: sent at {late[0][0] if late else 0} ns for slot "
            f"{late[0][1]['slot_ns'] if late else 0}", late=late[:5])


# --- HERALDs from a keyed station (chapter 08 threats: forged HERALD) -------------------------

@when(parsers.re(r"the station heralds (?P<outcome>[A-Z_]+) with seq (?P<seq>\d+) for the node's "
                 r"attempt on link (?P<link>\d+) (?P<how>without a trailer|with the middle "
                 r"byte of its tag flipped)$"))
def herald_unauthenticated(world: World, outcome: str, seq: str, link: str, how: str) -> None:
    """A HERALD answering the node's last ATTEMPT on ``link`` (one result), from a keyed
    station, stripped of its trailer or with a tag that does not verify."""
    node = _node(world)
    attempt = node.attempts.get(int(link))
    require(attempt is not None, f"the node made no attempt on link {link} to herald")
    assert attempt is not None
    peer = next(lk["peer"] for lk in node.config["links"] if lk["link_id"] == int(link))
    mine, other = attempt["attempt_id"], 4242
    ids = (mine, other) if node.node_id < peer else (other, mine)
    source = 1000 + int(link)
    msg = node.message("HERALD", source, {
        "link_id": int(link), "slot_ns": attempt["slot_ns"], "attempt_id_a": ids[0],
        "attempt_id_b": ids[1], "results": [{"outcome": outcome, "seq": int(seq)}]})
    if how == "without a trailer":
        msg["auth"] = None
    else:
        require(msg["auth"] is not None, f"the harness shares no key with the node as node "
                f"{source}")
        tag = bytearray(bytes.fromhex(msg["auth"]["tag"]))
        tag[TAG_BYTES // 2] ^= 0xFF
        msg["auth"] = {**msg["auth"], "tag": tag.hex()}
    node.inject_message(msg)


# --- HERALDs with the station's count, LINK_SEQ (chapter 03 section 4.1) -------------------

#: extension type of LINK_SEQ (chapter 02 section 6)
LINK_SEQ = next(int(t) for t, e in wire_constants()["known_extensions"].items()
                if e["name"] == "LINK_SEQ")


@when(parsers.re(r"the station heralds (?:no results|(?P<outcome>[A-Z_]+) with seq (?P<seq>\d+)) "
                 r"and LINK_SEQ (?P<value>\d+) for the node's attempt on link (?P<link>\d+)"
                 r"(?P<later> for the slot after it)?$"))
def herald_link_seq(world: World, outcome: str | None, seq: str | None, value: str, link: str,
                    later: str | None) -> None:
    """A HERALD answering the node's last ATTEMPT on ``link`` (no result, or one for mode 0)
    with a LINK_SEQ extension of ``value``; ``for the slot after it``: the HERALD names the
    slot after that of the attempt (one the node made no attempt in), so the node discards it
    and its attempt stays in flight (LINK-006.3)."""
    node = _node(world)
    attempt = node.attempts.get(int(link))
    require(attempt is not None, f"the node made no attempt on link {link} to herald")
    assert attempt is not None
    lk = next(lk for lk in node.config["links"] if lk["link_id"] == int(link))
    mine, other = attempt["attempt_id"], 4242
    ids = (mine, other) if node.node_id < lk["peer"] else (other, mine)
    slot = attempt["slot_ns"] + (lk["slot_ns"] if later else 0)
    results = [] if outcome is None else [{"outcome": outcome, "seq": int(seq or 0)}]
    if not later:
        node.answered[int(link)] = attempt  # the node's attempt is over
    node.inject("HERALD", lk["station"], {
        "link_id": int(link), "slot_ns": slot, "attempt_id_a": ids[0], "attempt_id_b": ids[1],
        "results": results}, extensions=[{"type": LINK_SEQ, "critical": False,
                                          "value": f"{int(value):04x}"}])


@then(parsers.re(r"each of the station's two HERALDs carries one LINK_SEQ extension, not "
                 r"critical, of (?P<value>\d+)$"))
def heralds_link_seq(world: World, value: str) -> None:
    """LINK-023: both HERALDs the station just sent carry exactly one LINK_SEQ of ``value``."""
    node = _checked(world)
    found = node.sent("HERALD")
    require(len(found) == 2, f"the station sent {len(found)} HERALDs, expected 2", sent=found)
    for msg in found:
        exts = [e for e in msg.get("extensions") or () if e["type"] == LINK_SEQ]
        require(len(exts) == 1, f"HERALD to node {msg['destination']} carries {len(exts)} "
                f"LINK_SEQ extensions, expected 1", msg=msg)
        require(not exts[0]["critical"], "LINK_SEQ is marked critical", msg=msg)
        raw = exts[0]["value"]
        got = int(raw, 16) if len(raw) == 4 else None  # two octets (EXT-001.2)
        require(got == int(value), f"LINK_SEQ is {raw!r} ({got}), expected {value}", msg=msg)
