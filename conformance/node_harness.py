"""The harness side of the node profile: it plays the neighbours, the heralding stations and
(capability ``node.harness-device``) the quantum device of one node under test.

Topology convention (every node case uses it): nodes are numbered along a line, link ``k``
joins nodes ``k`` and ``k + 1`` and its heralding station is node ``1000 + k``. Messages the
harness injects carry the virtual time the case chooses; timers of the node fire only when
the harness advances the clock (``node.advance``).

>>> link_between(2, 3), station(2)
(2, 1002)
>>> [r["action"] for r in baseline_rules(7, [1, 2, 3], cutoff_ns=0) if r["node"] == 2]
['GENERATE', 'GENERATE', 'SWAP']
"""

from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from qvcp.conformance.cases import CaseContext, require
from qvcp.schemas import message_specs, trailer
from qvcp.schemas.layout import treated_as

__all__ = ["HarnessDevice", "NodeUnderTest", "baseline_rules", "distil_rules", "link_between",
           "link_distil_rules", "station"]

Json = dict[str, Any]
BELL = ("PHI_PLUS", "PSI_PLUS", "PHI_MINUS", "PSI_MINUS")
STATION_BASE = 1000
SLOT_NS = 1000
ATTEMPT_TYPE_CODE = message_specs()["ATTEMPT"].type_code
#: chapter 11: what the harness acknowledges for its peers, and what it keeps apart
ACKNOWLEDGED = treated_as("acknowledged")
TRANSPORT = frozenset({"ACK", "KEEPALIVE"})
KEEPALIVE_NS = 10**10  # the longest keepalive interval chapter 11 section 3 allows
LINK_RATE_MHZ = 10**9  # one million pairs per second
LINK_FIDELITY = 0.95
HEAD_ENDPOINT, TAIL_ENDPOINT = 5, 6


def link_between(a: int, b: int) -> int:
    """The link joining neighbours ``a`` and ``b`` on the line."""
    if abs(a - b) != 1:
        raise ValueError(f"nodes {a} and {b} are not neighbours on the line")
    return min(a, b)


def station(link: int) -> int:
    """The heralding station of ``link``."""
    return STATION_BASE + link


def link_config(me: int, peer: int) -> Json:
    link = link_between(me, peer)
    return {"link_id": link, "peer": peer, "station": station(link), "slot_ns": SLOT_NS,
            "rate_mhz": LINK_RATE_MHZ, "fidelity": LINK_FIDELITY}


def router_config(me: int, a: int, b: int, *, link_extra: Json | None = None,
                  **extra: Any) -> Json:
    """The configuration of router ``me`` between ``a`` and ``b`` the scenarios start: 4 memory
    qubits, 2 communication qubits, 1 slot per link; ``link_extra`` joins both links'
    configuration, ``extra`` the node's (it may replace any of the defaults)."""
    links = [{**link_config(me, peer), **(link_extra or {})} for peer in (a, b)]
    return {"role": "router", "memory_qubits": 4, "comm_qubits": 2, "slots_per_link": 1,
            "links": links, **extra}


def hop_record(node: int, route: list[int], *, t2_ns: int = 0) -> Json:
    """The capability record ``node`` appends to a SETUP along ``route`` (memory T2 ``t2_ns``,
    0: no decoherence)."""
    i = route.index(node)
    nxt = route[i + 1] if i + 1 < len(route) else 0
    return {"node": node, "free_memory": 2, "comm_qubits": 2,
            "link_id": link_between(node, nxt) if nxt else 0,
            "link_rate_mhz": LINK_RATE_MHZ if nxt else 0,
            "link_fidelity": round(LINK_FIDELITY * 65535) if nxt else 0, "memory_t2_ns": t2_ns,
            "swap_success": 65535}


def qos(*, cutoff_ns: int = 0, min_fidelity: int = 0, min_rate_mhz: int = 0,
        num_pairs: int = 0, priority: int = 0) -> Json:
    return {"min_rate_mhz": min_rate_mhz, "min_fidelity": min_fidelity, "max_latency_ns": 0,
            "cutoff_ns": cutoff_ns, "num_pairs": num_pairs, "duration_ns": 0,
            "priority": priority}


def setup_body(circuit: int, route: list[int], receiver: int, *, t2_ns: int = 0,
               **qos_args: int) -> Json:
    """SETUP as it reaches ``receiver``: one hop record per node before it (SIG-001.1), each
    with memory T2 ``t2_ns``."""
    before = route[:route.index(receiver)]
    return {"circuit_id": circuit, "head_end": route[0], "tail_end": route[-1],
            "head_endpoint": HEAD_ENDPOINT, "tail_endpoint": TAIL_ENDPOINT,
            "qos": qos(**qos_args), "route": list(route),
            "hops": [hop_record(n, route, t2_ns=t2_ns) for n in before]}


def _rule(circuit: int, node: int, link: int, action: str, *, peer_link: int = 0,
          endpoint: int = 0, cutoff_ns: int = 0) -> Json:
    return {"node": node, "match_circuit": circuit, "match_link": link, "action": action,
            "peer_link": peer_link, "cutoff_ns": cutoff_ns, "distil_protocol": "NONE",
            "distil_rounds": 0, "endpoint": endpoint}


def distil_rules(circuit: int, route: list[int], *, rounds: int, protocol: str = "DEJMPS",
                 cutoff_ns: int = 0) -> list[Json]:
    """The end-to-end DISTIL rules of chapter 05 (SIG-040.2): one at each end node, on its link
    of the route, ``peer_link`` 0."""
    out = []
    for node, link in ((route[0], link_between(route[0], route[1])),
                       (route[-1], link_between(route[-2], route[-1]))):
        rule = _rule(circuit, node, link, "DISTIL", cutoff_ns=cutoff_ns)
        out.append({**rule, "distil_protocol": protocol, "distil_rounds": rounds})
    return out


def link_distil_rules(circuit: int, link: int, *, rounds: int,
                      protocol: str = "DEJMPS") -> list[Json]:
    """The link-level DISTIL rules of chapter 05 section 7 for ``link`` (joining nodes
    ``link`` and ``link + 1``): one at each of its nodes, ``peer_link`` = ``match_link``."""
    return [{**_rule(circuit, node, link, "DISTIL", peer_link=link),
             "distil_protocol": protocol, "distil_rounds": rounds}
            for node in (link, link + 1)]


def baseline_rules(circuit: int, route: list[int], *, cutoff_ns: int) -> list[Json]:
    """The baseline rule set of chapter 05 section 7 for ``route``."""
    links = [link_between(a, b) for a, b in itertools.pairwise(route)]
    rules = [_rule(circuit, route[0], links[0], "GENERATE", cutoff_ns=cutoff_ns),
             _rule(circuit, route[0], links[0], "DELIVER", endpoint=HEAD_ENDPOINT,
                   cutoff_ns=cutoff_ns)]
    for i, node in enumerate(route[1:-1], start=1):
        left, right = links[i - 1], links[i]
        rules += [_rule(circuit, node, left, "GENERATE", cutoff_ns=cutoff_ns),
                  _rule(circuit, node, right, "GENERATE", cutoff_ns=cutoff_ns),
                  _rule(circuit, node, left, "SWAP", peer_link=right, cutoff_ns=cutoff_ns)]
    rules += [_rule(circuit, route[-1], links[-1], "GENERATE", cutoff_ns=cutoff_ns),
              _rule(circuit, route[-1], links[-1], "DELIVER", endpoint=TAIL_ENDPOINT,
                    cutoff_ns=cutoff_ns)]
    return rules


@dataclass
class HarnessDevice:
    """The quantum device the harness lends the node: scripted BSM results, recorded calls."""

    #: scripted device.bsm results; None scripts a failed BSM (answered {"failed": true})
    bsm_codes: deque[int | None] = field(default_factory=deque)
    distil_bits: deque[int] = field(default_factory=deque)  # scripted device.distil results
    # a station's scripted device.resolve outcomes, one per mode (FAILURE when none is left)
    outcomes: deque[str] = field(default_factory=deque)
    calls: list[tuple[str, Json]] = field(default_factory=list)

    def call(self, verb: str, args: Json) -> Json:
        self.calls.append((verb, dict(args)))
        if verb == "device.bsm":
            code = self.bsm_codes.popleft() if self.bsm_codes else 0
            return {"failed": True} if code is None else {"code": code}
        if verb == "device.distil":
            return {"bit": self.distil_bits.popleft() if self.distil_bits else 0}
        if verb == "device.resolve":
            return {"outcomes": [self.outcomes.popleft() if self.outcomes else "FAILURE"
                                 for _ in range(int(args.get("modes", 1)))]}
        if verb == "device.measure":
            return {"bit": 0}
        return {}

    def of(self, verb: str) -> list[Json]:
        """The arguments of every call of ``verb`` so far, in order."""
        return [args for v, args in self.calls if v == verb]

    def count(self, verb: str) -> int:
        return len(self.of(verb))


@dataclass
class NodeUnderTest:
    """One node of the implementation, its clock, and what it sent since the last check."""

    ctx: CaseContext
    node_id: int
    config: Json
    device: HarnessDevice = field(default_factory=HarnessDevice)
    now: int = 0
    recent: list[Json] = field(default_factory=list)  # messages sent since the last clear
    app: list[Json] = field(default_factory=list)  # messages to the application, ditto
    attempts: dict[int, Json] = field(default_factory=dict)  # link -> last ATTEMPT body
    attempt_ids: dict[int, int] = field(default_factory=dict)  # link -> its message_id
    # (link, slot_ns) -> the qubits of the node's ATTEMPT of that slot, mode 0 first (from the
    # harness device's device.attempt calls of that link and slot; empty without the device)
    attempt_qubits: dict[tuple[int, int], list[int]] = field(default_factory=dict)
    answered: dict[int, Json] = field(default_factory=dict)  # link -> last ATTEMPT heralded
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    last_injected: Json | None = None  # the last message the harness delivered to the node
    log: list[Json] = field(default_factory=list)  # every message the node sent, never cleared
    injected: list[Json] = field(default_factory=list)  # every message the harness delivered
    # (capability node.auth) peer the harness plays -> (key id, key) shared with the node: what
    # the harness sends from such a peer is numbered per peer (SEC-010) and signed
    keys: dict[int, tuple[int, bytes]] = field(default_factory=dict)
    # keyed peer -> the authentication suite of its key (SEC-008; absent: suite 1)
    suites: dict[int, int] = field(default_factory=dict)
    peer_ids: dict[int, int] = field(default_factory=dict)  # keyed peer -> last message_id
    # chapter 11: the ACKs and KEEPALIVEs the node sent (kept apart from ``recent`` and ``log``,
    # which the steps read for the protocol's own messages)
    transport: list[Json] = field(default_factory=list)
    # every message the node sent, ACKs and KEEPALIVEs included, in order, and when
    wire_log: list[Json] = field(default_factory=list)
    wire_times: list[int] = field(default_factory=list)
    # the harness answers every acknowledged message the node sends with an ACK at once, as a
    # live peer would (REL-001), unless a reliability scenario turns it off
    auto_ack: bool = True
    # the harness's neighbours send KEEPALIVE every ``keepalive_interval_ns`` while the clock
    # advances (REL-010), so that the node never finds them dead (REL-012) unless a scenario
    # silences them
    neighbours_alive: bool = True
    next_keepalive: int = 0

    def __post_init__(self) -> None:
        if not self.speaks_chapter_11:  # an implementation of an earlier draft: leave it be
            self.auto_ack = self.neighbours_alive = False
        # the longest keepalive interval chapter 11 allows: the fewest KEEPALIVEs to emulate
        self.config.setdefault("keepalive_interval_ns", KEEPALIVE_NS)
        # the harness's stations answer only when a scenario says so: the largest tolerance of
        # silent slots chapter 11 allows keeps REL-013 out of other scenarios
        self.config.setdefault("link_failure_attempts", 2**20)

    @property
    def speaks_chapter_11(self) -> bool:
        """True when the implementation claims chapter 11 (reliability) of the node profile and
        the ACK and KEEPALIVE messages: only then does the harness acknowledge its messages
        and play live neighbours (an implementation that does not know them would answer
        them with ERROR)."""
        impl = self.ctx.implementation
        types = impl.message_types
        return (impl.claims_chapter("node", "11-reliability")
                and (types is None or types >= TRANSPORT))

    @property
    def lends_device(self) -> bool:
        """True when the harness plays the node's quantum device (node.harness-device)."""
        return "node.harness-device" in self.ctx.implementation.capabilities

    def call(self, verb: str, **args: Any) -> Json:
        """Perform a ``node.*`` verb. The harness's device is lent for the lifetime of the
        node under test: an implementation may make device calls while *any* of its
        ``node.*`` requests is pending (start, receive, advance, status), not only during
        ``node.start``."""
        return self.ctx.call(verb, device=self.device if self.lends_device else None, **args)

    def start(self) -> None:
        result = self.call("node.start", node_id=self.node_id, now_ns=self.now,
                           config=self.config, harness_device=self.lends_device)
        if "sent" in result:  # KEEPALIVEs of a starting node (REL-011)
            self._take({"events": [], **result})
        self.next_keepalive = self.now

    @property
    def neighbours(self) -> list[int]:
        """The nodes the node under test shares a link with (chapter 11 section 4.1)."""
        return sorted({lk["peer"] for lk in self.config.get("links", ())})

    def status(self) -> Json:
        return self.call("node.status")

    def _take(self, result: Json) -> Json:
        to_ack = []
        for msg in result["sent"]:
            self.wire_log.append(msg)
            self.wire_times.append(self.now)
            if msg["type"] in TRANSPORT:
                self.transport.append(msg)
                if self.auto_ack and msg["type"] == "KEEPALIVE":
                    to_ack.append(msg)  # live neighbours acknowledge it (REL-028)
                continue
            if self.auto_ack and msg["type"] in ACKNOWLEDGED:
                to_ack.append(msg)
            self.recent.append(msg)
            self.log.append(msg)
            if msg["type"] == "ATTEMPT":
                body = msg["body"]
                self.attempts[body["link_id"]] = body
                self.attempt_ids[body["link_id"]] = msg.get("message_id", 0)
                self.attempt_qubits[body["link_id"], body["slot_ns"]] = [
                    args["qubit"] for args in self.device.of("device.attempt")
                    if args.get("link_id") == body["link_id"]
                    and args.get("slot_ns") == body["slot_ns"]]
        self.app += [e["message"] for e in result["events"] if e.get("kind") == "app"]
        for msg in to_ack:
            self.ack(msg)
        return result

    def last_to(self, mtype: str, dst: int) -> Json:
        """The last ``mtype`` the node sent to ``dst`` in the whole run (not only since the
        last check); the case fails when there is none."""
        found = [m for m in self.log if m["type"] == mtype and m["destination"] == dst]
        require(bool(found), f"the node sent no {mtype} to node {dst}")
        return found[-1]

    def ack(self, msg: Json) -> None:
        """The destination of ``msg`` acknowledges it (REL-001), outside the record of what
        the harness injected (steps that repeat "the last message" never see ACKs)."""
        ack = self.message("ACK", msg["destination"], {
            "acked_message_id": msg["message_id"],
            "acked_type": message_specs()[msg["type"]].type_code})
        self._take(self.call("node.receive", now_ns=self.now, message=ack))

    def clear(self) -> None:
        self.recent, self.app = [], []

    def message(self, mtype: str, source: int, body: Json, *, destination: int | None = None,
                extensions: list[Json] | None = None, message_id: int | None = None) -> Json:
        """A message from ``source``; from a keyed peer (:attr:`keys`) numbered from that
        peer's counter (unless ``message_id`` is given) and signed with its key."""
        if message_id is None:
            if source in self.keys:
                message_id = self.peer_ids[source] = self.peer_ids.get(source, 0) + 1
            else:
                message_id = next(self.ids)
        msg = {"version": 1, "type": mtype, "message_id": message_id, "source": source,
               "destination": self.node_id if destination is None else destination,
               "body": body, "extensions": extensions or [], "auth": None}
        if source in self.keys:
            key_id, key = self.keys[source]
            msg["auth"] = trailer(msg, key=key, key_id=key_id, suite=self.suites.get(source, 1))
        return msg

    def inject(self, mtype: str, source: int, body: Json, *, at: int | None = None,
               destination: int | None = None, extensions: list[Json] | None = None,
               message_id: int | None = None) -> Json:
        """Deliver one message from ``source`` at virtual time ``at`` (default: now), addressed
        to the node unless ``destination`` says otherwise."""
        self.advance(self.now if at is None else at)
        return self.inject_message(self.message(mtype, source, body, destination=destination,
                                                extensions=extensions, message_id=message_id))

    def inject_message(self, msg: Json) -> Json:
        self.last_injected = msg
        self.injected.append(msg)
        return self._take(self.call("node.receive", now_ns=self.now, message=msg))

    def local(self, mtype: str, body: Json) -> Json:
        """A message from the node's own application."""
        return self.inject(mtype, self.node_id, body)

    def advance(self, to: int) -> None:
        """Move the clock to ``to``, firing every timer due until then."""
        if to < self.now:
            raise ValueError(f"the clock cannot go back from {self.now} to {to}")
        interval = self.config["keepalive_interval_ns"]
        while self.neighbours_alive and self.neighbours and self.next_keepalive <= to:
            at = self.next_keepalive  # the neighbours show they are alive (REL-010)
            self.now = at
            self._take(self.call("node.advance", now_ns=at))
            for peer in self.neighbours:
                ka = self.message("KEEPALIVE", peer, {"incarnation": 1, "interval_ns": interval})
                self._take(self.call("node.receive", now_ns=at, message=ka))
            self.next_keepalive = at + interval
        self.now = to
        self._take(self.call("node.advance", now_ns=to))

    def herald(self, link: int, outcome: str, seq: int, *, foreign: bool = False,
               slot_ns: int | None = None, source: int | None = None) -> Json:
        """The station of ``link`` answers the node's last ATTEMPT on it with one result, that
        of mode 0 (LINK-004, LINK-006.1; the node treats any further modes as failed,
        LINK-015.3)."""
        return self.herald_results(link, [(outcome, seq)], foreign=foreign, slot_ns=slot_ns,
                                   source=source)

    def herald_results(self, link: int, results: list[tuple[str, int]], *,
                       foreign: bool = False, slot_ns: int | None = None,
                       source: int | None = None) -> Json:
        """The station of ``link`` answers the node's last ATTEMPT on it with ``results``,
        ``(outcome, seq)`` per matched mode, mode 0 first (LINK-004, LINK-005.1, LINK-006.1,
        LINK-015.2)."""
        pending = self.attempts.get(link)
        if (results and pending is not None and pending.get("modes") == 0 and not foreign
                and slot_ns is None and source is None and self.answered.get(link) is not pending):
            # the node attended that slot with nothing to emit (LINK-020): a station answers it
            # with no results (LINK-022), and the results given here are for the node's
            # attempt in its next attempt slot, due now
            self.herald_results(link, [])
            self.advance(self.now)
        attempt = self.attempts.get(link, {"attempt_id": 0, "slot_ns": self.now})
        mine = attempt["attempt_id"] ^ (0x5A5A if foreign else 0)
        peer = next((lk["peer"] for lk in self.config["links"] if lk["link_id"] == link),
                    self.node_id + 1)
        ids = (mine, 4242) if self.node_id < peer else (4242, mine)
        body = {"link_id": link, "slot_ns": attempt["slot_ns"] if slot_ns is None else slot_ns,
                "attempt_id_a": ids[0], "attempt_id_b": ids[1],
                "results": [{"outcome": outcome, "seq": seq} for outcome, seq in results]}
        if source is None and link in self.attempts:
            # the node's attempt is over, whatever it makes of the HERALD (LINK-005.3, LINK-006.2,
            # LINK-015.4)
            self.answered[link] = attempt
        return self.inject("HERALD", station(link) if source is None else source, body)

    def station_error(self, link: int, code: int) -> Json:
        """The station of ``link`` answers the node's last ATTEMPT on it with ERROR ``code``
        naming that ATTEMPT (LINK-003.3: a slot the peer did not attempt in, for example)."""
        if link in self.attempts:
            self.answered[link] = self.attempts[link]  # the attempt is over (ERR-005)
        return self.inject("ERROR", station(link), {
            "code": code, "offending_message_id": self.attempt_ids.get(link, 0),
            "offending_type": ATTEMPT_TYPE_CODE, "field": "body.slot_ns",
            "detail": "attempts do not match"})

    def heralded_qubits(self, link: int) -> list[int]:
        """The qubits, mode 0 first, of the last attempt on ``link`` the station heralded."""
        attempt = self.answered.get(link)
        if attempt is None:
            return []
        return self.attempt_qubits.get((link, attempt["slot_ns"]), [])

    def qubits_attempting(self) -> int:
        """Memory qubits of the node's attempts the station has not answered yet: one per mode
        of the last ATTEMPT on each link, unless heralded (valid until a herald timeout)."""
        return sum(body.get("modes", 1) for link, body in self.attempts.items()
                   if self.answered.get(link) is not body)

    def sent(self, mtype: str, destination: int | None = None) -> list[Json]:
        return [m for m in self.recent if m["type"] == mtype
                and (destination is None or m["destination"] == destination)]
