"""Attacks on a reference node: forged, replayed, unauthorised and misdirected messages, each
of which the node must refuse as the spec says and which must change none of its state.

``python tools/attacks.py [--flood N]`` prints one row per attack class: messages tried, how
many were refused (ERROR with the code named, or dropped without one where the spec says so)
and how many changed the node's state; and for a flood of SETUPs from a node off every route
the memory the node still holds afterwards. ``tests/reference/test_attacks.py`` asserts the
same rows.

The victim is router 2 of the line 1 - 2 - 3 (links 1 and 2, heralding stations 1001 and
1002) with circuit 7 along 1, 2, 3 established and the pair of seq 1 on link 1 held. Node 99
is off the route and, in the keyed set-ups, shares no key. The node's *state* is everything
a message could change: circuit states, installed rules, held qubits and their records,
reservations and memory, the link engines' sequence records, replay windows and the
duplicate-detection store. Not in it: the per-destination ERROR rate-limit buckets (ERR-004.1),
which a refused message is meant to use; for a message whose tag verifies, its sender's replay
window (SEC-011.1); for a SETUP refused with REJECT, the duplicate-detection entry and the
released circuit's id that any answered SETUP leaves (REL-007, REL-025).
"""

from __future__ import annotations

import argparse
import copy
import tracemalloc
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from qvcp.conformance.node_harness import baseline_rules, setup_body
from qvcp.reference.auth import sign_json
from qvcp.reference.device import ScriptedDevice
from qvcp.reference.engines.signalling import SigState
from qvcp.reference.node import LinkConfig, Node, NodeConfig
from qvcp.schemas import ErrorCode

Json = dict[str, Any]
ME, HEAD, TAIL, OUTSIDER = 2, 1, 3, 99
STATIONS = {1: 1001, 2: 1002}
CID = 7
KEYS = {HEAD: "11" * 32, TAIL: "33" * 32, 1001: "a1" * 32, 1002: "a2" * 32}
#: nodes off the route of circuit 7: a stranger, nodes numbered like route nodes' neighbours,
#: a heralding station (keyed in the keyed set-up), the largest node id
OUTSIDERS = (OUTSIDER, 4, 5, 1001, 2**32 - 1)


@dataclass
class Victim:
    """The router under attack and the peers' message counters."""

    node: Node
    keyed: bool
    now: int = 0
    counters: Counter[int] = field(default_factory=Counter)
    sent: list[Json] = field(default_factory=list)

    def message(self, mtype: str, source: int, body: Json, *, sign: bool | None = None,
                key_of: int | None = None, suite: int = 1) -> Json:
        """A message from ``source``, numbered from its own counter and, in a keyed set-up,
        signed with the key ``key_of`` (default: its own) when it has one, tagged with
        ``suite`` (every key of the victim is of suite 1)."""
        self.counters[source] += 1
        msg = {"version": 1, "type": mtype, "message_id": self.counters[source],
               "source": source, "destination": ME, "body": body, "extensions": [],
               "auth": None}
        signer = source if key_of is None else key_of
        if (self.keyed if sign is None else sign) and signer in KEYS:
            msg["auth"] = sign_json(msg, key=bytes.fromhex(KEYS[signer]), key_id=signer,
                                    suite=suite)
        return msg

    def deliver(self, msg: Json) -> list[Json]:
        """Give ``msg`` to the node now; the messages it sends in answer."""
        out = [o.msg for o in self.node.receive(self.now, msg) if hasattr(o, "msg")]
        self.sent += out
        return out

    def advance(self, to: int) -> list[Json]:
        out: list[Json] = []
        while (t := self.node.next_deadline()) is not None and t <= to:
            self.now = t
            out += [o.msg for o in self.node.on_timer(t) if hasattr(o, "msg")]
        self.now = to
        self.sent += out
        return out


def victim(*, keyed: bool, policy: Json | None = None) -> Victim:
    """Router 2 with circuit 7 established and the pair of seq 1 on link 1 held. Keyed: it
    shares a key with each neighbour and station and requires authentication from every
    node (SEC-003). ``policy``: its authorisation policy (chapter 08 section 4)."""
    links = tuple(LinkConfig(link_id=lk, peer=peer, station=STATIONS[lk], slot_ns=1000,
                             rate_mhz=10**6, fidelity=0.95)
                  for lk, peer in ((1, HEAD), (2, TAIL)))
    auth = ({"keys": [{"peer": p, "key_id": p, "key": k} for p, k in KEYS.items()],
             "required": "all"} if keyed else None)
    node = Node(NodeConfig(node_id=ME, role="router", memory_qubits=4, comm_qubits=2,
                           links=links, auth=auth, policy=policy), ScriptedDevice())
    v = Victim(node, keyed)
    node.start(0)
    v.deliver(v.message("SETUP", HEAD, setup_body(CID, [HEAD, ME, TAIL], ME)))
    v.deliver(v.message("CONFIRM", TAIL, {"circuit_id": CID, "expected_rate_mhz": 1000,
                                          "expected_fidelity": 60000,
                                          "rules": baseline_rules(CID, [HEAD, ME, TAIL],
                                                                  cutoff_ns=0)}))
    assert node.circuit_state(CID) is SigState.ESTABLISHED, "the circuit was not set up"
    attempt = next(m for m in v.advance(1000) if m["type"] == "ATTEMPT"
                   and m["body"]["link_id"] == 1)
    v.deliver(v.message("HERALD", STATIONS[1], {
        "link_id": 1, "slot_ns": attempt["body"]["slot_ns"], "attempt_id_a": 0,
        "attempt_id_b": attempt["body"]["attempt_id"],
        "results": [{"outcome": "PSI_PLUS", "seq": 1}]}))
    assert (1, 1) in node.dataplane[CID].held, "the pair of seq 1 was not recorded"
    return v


def state(node: Node) -> Json:
    """What a message could change at the node (module docstring)."""
    res = node.ctx.resources
    return {
        "circuits": {c: s.state.name for c, s in node.signalling.items()},
        "closed": len(node.closed),
        "held": {c: {r: (q.qubit, q.partner, q.partner_ref, q.bell) for r, q in e.held.items()}
                 for c, e in node.dataplane.items()},
        "consumed": {c: len(e.consumed) for c, e in node.dataplane.items()},
        "memory": node.memory_in_use(), "reserved": dict(res.reserved),
        "links": {i: (lk.last_seq, sorted(lk.held_seqs), dict(lk.heralded))
                  for i, lk in node.links.items()},
        "windows": ({p: (w.highest, w.seen) for p, w in node.auth.windows.items()}
                    if node.auth else {}),
        "accepted": len(node.transport.reliable.accepted),
    }


def _swap_outcome(source: int) -> Json:
    return {"circuit_id": CID, "outcome_seq": 0, "left": {"link_id": 1, "seq": 1},
            "right": {"link_id": 2, "seq": 5}, "bsm_result": "PHI_PLUS",
            "bell_index": "PSI_MINUS", "new_partner": TAIL}


def _forgeries(v: Victim, source: int) -> list[Json]:
    """One of each tracking message naming the held pair, from ``source``."""
    return [v.message("SWAP_OUTCOME", source, _swap_outcome(source)),
            v.message("DISCARD", source, {"circuit_id": CID, "pair": {"link_id": 1, "seq": 1},
                                          "reason": "CUTOFF"}),
            v.message("DISTIL_OUTCOME", source, {"circuit_id": CID, "round": 1,
                                                 "kept": {"link_id": 1, "seq": 1},
                                                 "sacrificed": {"link_id": 1, "seq": 2},
                                                 "outcome": 1})]


def _bad_tags(msg: Json) -> list[Json]:
    """``msg`` with one bit of its tag flipped: in the first, a middle and the last byte."""
    out = []
    for i in (0, 31, 63):
        bad = copy.deepcopy(msg)
        tag = bad["auth"]["tag"]
        bad["auth"]["tag"] = tag[:i] + format(int(tag[i], 16) ^ 1, "x") + tag[i + 1:]
        out.append(bad)
    return out


def _from_outsiders(v: Victim) -> list[Json]:
    return [m for source in OUTSIDERS for m in _forgeries(v, source)]


@dataclass(frozen=True)
class Attack:
    """One class of attack: a set-up, the messages, what refusing them looks like."""

    name: str
    keyed: bool
    messages: Callable[[Victim], list[Json]]
    #: the ERROR code expected for each message, or the reason of the REJECT expected; None:
    #: dropped without an ERROR
    refusal: ErrorCode | str | None
    rules: str
    #: the messages are correctly signed by their (keyed) sender: the node records their ids
    #: in that sender's replay window (SEC-011.1) before it refuses them on other grounds
    authentic: bool = False
    policy: Json | None = None


ATTACKS = [
    Attack("tracking message from a node off the route", False, _from_outsiders,
           ErrorCode.UNEXPECTED_MESSAGE, "TRK-014"),
    Attack("tracking message from a keyed node off the route (a station)", True,
           lambda v: _forgeries(v, 1001), ErrorCode.UNEXPECTED_MESSAGE, "TRK-014",
           authentic=True),
    Attack("tracking message claiming to come from the receiver", False,
           lambda v: _forgeries(v, ME), ErrorCode.UNEXPECTED_MESSAGE, "TRK-014"),
    Attack("message from a node sharing no key, authentication required from all", True,
           lambda v: [m for s in (OUTSIDER, 4, 5) for m in (
               v.message("SETUP", s, setup_body(8, [HEAD, ME, TAIL], ME)),
               v.message("TEARDOWN", s, {"circuit_id": CID, "reason": "NORMAL"}),
               *_forgeries(v, s))], ErrorCode.AUTH_REQUIRED, "SEC-003"),
    Attack("neighbour's message without a trailer", True,
           lambda v: [v.message("TEARDOWN", HEAD, {"circuit_id": CID, "reason": "NORMAL"},
                                sign=False),
                      *[{**m, "auth": None} for m in _forgeries(v, TAIL)]],
           ErrorCode.AUTH_REQUIRED, "SEC-003"),
    Attack("neighbour's message with a tag that does not verify", True,
           lambda v: [*_bad_tags(v.message("TEARDOWN", HEAD, {"circuit_id": CID,
                                                               "reason": "NORMAL"})),
                      *[b for m in _forgeries(v, TAIL) for b in _bad_tags(m)]],
           ErrorCode.AUTH_FAILED, "SEC-002.2, SEC-004.2"),
    Attack("neighbour's message signed with another peer's key", True,
           lambda v: [v.message("TEARDOWN", HEAD, {"circuit_id": CID, "reason": "NORMAL"},
                                key_of=TAIL)], ErrorCode.AUTH_FAILED, "SEC-002.2"),
    Attack("neighbour's message tagged with a suite other than its key's", True,
           lambda v: [v.message("TEARDOWN", HEAD, {"circuit_id": CID, "reason": "NORMAL"},
                                suite=2),
                      *[v.message(m["type"], TAIL, m["body"], suite=2)
                        for m in _forgeries(v, TAIL)]],
           ErrorCode.AUTH_FAILED, "SEC-008.1"),
    Attack("station's HERALD forged (bad tag) or from a node posing as the station", True,
           lambda v: [*_bad_tags(v.message("HERALD", STATIONS[2], {
               "link_id": 2, "slot_ns": 0, "attempt_id_a": 0, "attempt_id_b": 0,
               "results": [{"outcome": "PSI_PLUS", "seq": 9}]})),
               v.message("HERALD", STATIONS[2], {
                   "link_id": 2, "slot_ns": 0, "attempt_id_a": 0, "attempt_id_b": 0,
                   "results": [{"outcome": "PSI_PLUS", "seq": 9}]}, key_of=HEAD)],
           ErrorCode.AUTH_FAILED, "SEC-002.2"),
]


def _replayed(v: Victim) -> list[Json]:
    """A signed DISCARD of the tail for a pair the node does not hold, accepted once (answered
    UNKNOWN_PAIR); then sent again: a replay, dropped without an ERROR (SEC-011.2)."""
    msg = v.message("DISCARD", TAIL, {"circuit_id": CID, "pair": {"link_id": 2, "seq": 40},
                                      "reason": "CUTOFF"})
    v.deliver(msg)
    return [copy.deepcopy(msg) for _ in range(3)]


ATTACKS.append(Attack("replay of an accepted signed message", True, _replayed, None,
                      "SEC-011.2"))


def _setups(v: Victim, route: list[int], **qos: int) -> list[Json]:
    """SETUPs of five new circuits along ``route`` from its first node before the victim."""
    return [v.message("SETUP", route[route.index(ME) - 1],
                      setup_body(100 + i, route, ME, **qos)) for i in range(5)]


ATTACKS += [
    Attack("SETUP between ends the policy does not allow", False,
           lambda v: _setups(v, [TAIL, ME, HEAD]), "UNAUTHORISED", "SEC-020, SEC-024",
           policy={"allow": [{"head": HEAD, "tail": TAIL}]}),
    Attack("SETUP beyond the head end's circuit quota", False,
           lambda v: _setups(v, [HEAD, ME, TAIL]), "QUOTA_EXCEEDED", "SEC-021, SEC-024",
           policy={"max_circuits_per_head": 1}),
    Attack("SETUP beyond the head end's memory quota", False,
           lambda v: _setups(v, [HEAD, ME, TAIL]), "QUOTA_EXCEEDED", "SEC-022, SEC-024",
           policy={"max_memory_per_head": 3}),
    Attack("SETUP claiming a priority above the head end's ceiling (to preempt)", False,
           lambda v: _setups(v, [HEAD, ME, TAIL], priority=7), "UNAUTHORISED",
           "SEC-023, SEC-024", policy={"max_priority": 2}),
]


def run(attack: Attack) -> Json:
    """Try one attack class on a fresh victim: tried, refused as the spec says, state
    changed (messages after which the node's state differs from before the attack)."""
    v = victim(keyed=attack.keyed, policy=attack.policy)
    messages = attack.messages(v)
    skip = {"windows"} if attack.authentic else set()
    if isinstance(attack.refusal, str):
        # a SETUP answered with REJECT is an accepted message (acknowledged and remembered
        # against copies, REL-001, REL-007) whose circuit is released (its id remembered,
        # REL-025); nothing else of it stays
        skip |= {"closed", "accepted"}
    before = {k: x for k, x in state(v.node).items() if k not in skip}
    refused = changed = 0
    for msg in messages:
        out = v.deliver(msg)
        errors = [m for m in out if m["type"] == "ERROR"]
        others = [m for m in out if m["type"] not in ("ERROR", "ACK")]
        if isinstance(attack.refusal, str):
            ok = (not errors and len(others) == 1 and others[0]["type"] == "REJECT"
                  and others[0]["body"]["reason"] == attack.refusal)
        elif attack.refusal is None:
            ok = not errors and not others
        else:
            ok = (len(errors) == 1 and errors[0]["body"]["code"] == attack.refusal
                  and not others)
        refused += ok
        changed += {k: x for k, x in state(v.node).items() if k not in skip} != before
    return {"attack": attack.name, "rules": attack.rules, "tried": len(messages),
            "refused": refused, "state_changed": changed}


#: the flood's set-ups: victim keyed or not, its policy, the flooding node
FLOODS = {"open": (False, None, OUTSIDER), "keyed": (True, None, OUTSIDER),
          "policy": (False, {"max_circuits_per_head": 1}, HEAD)}


def flood(n: int) -> Json:
    """``n`` SETUPs for fresh circuit ids at the victim, all at one instant: from node 99, off
    every route, at the unkeyed and the keyed victim, and from the head end at a victim whose
    policy refuses its circuits: what each drew in answer (bounded, SEC-025), and the bytes
    the node holds afterwards that it did not hold before (tracemalloc)."""
    out = {}
    for setup, (keyed, policy, source) in FLOODS.items():
        v = victim(keyed=keyed, policy=policy)
        msgs = [v.message("SETUP", source, setup_body(1000 + i, [HEAD, ME, TAIL], ME))
                for i in range(n)]
        before = state(v.node)
        tracemalloc.start()
        base = tracemalloc.take_snapshot()
        codes: Counter[str] = Counter()
        for m in msgs:
            for o in v.deliver(m):
                codes[ErrorCode(o["body"]["code"]).name if o["type"] == "ERROR"
                      else f"REJECT {o['body']['reason']}" if o["type"] == "REJECT"
                      else o["type"]] += 1
        v.sent.clear()
        diff = tracemalloc.take_snapshot().compare_to(base, "filename")
        grown = sum(s.size_diff for s in diff  # the node's own allocations, not this tool's
                    if "/reference/" in s.traceback[0].filename)
        tracemalloc.stop()
        after = state(v.node)
        out[setup] = {
            "tried": n, "answers": dict(codes), "bytes_held": max(grown, 0),
            "circuits_remembered": after["closed"] - before["closed"],
            "state_changed": {k for k in before if before[k] != after[k]}}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flood", type=int, default=20000, help="SETUPs in the flood")
    args = parser.parse_args()
    print("| attack class | rules | tried | refused as specified | state changed |")
    print("|---|---|---|---|---|")
    for attack in ATTACKS:
        r = run(attack)
        print(f"| {r['attack']} | {r['rules']} | {r['tried']} | {r['refused']} | "
              f"{r['state_changed']} |")
    for setup, r in flood(args.flood).items():
        print(f"flood of {r['tried']} SETUPs ({setup} victim): answers "
              f"{r['answers']}, {r['bytes_held']} bytes held afterwards, "
              f"{r['circuits_remembered']} refused circuit ids remembered, state changed: "
              f"{sorted(r['state_changed']) or 'none'}")


if __name__ == "__main__":
    main()
