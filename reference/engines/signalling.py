"""QVC signalling engine: one per (node, circuit); SETUP, CONFIRM, REJECT, TEARDOWN (chapter 05).

The head end computes the route (through the node's router), admits locally and sends SETUP
hop by hop; each hop performs admission control (SIG-002.1, SIG-002.2), appends its
capability (SIG-001.1) and forwards; the tail end estimates (SIG-005.1, SIG-011), builds the
rules (SIG-012.1) and confirms; CONFIRM travels back installing rules (SIG-010.1, SIG-010.2).
TEARDOWN releases every resource (SIG-030).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from qvcp.schemas import ErrorCode

from .. import schedule
from ..admission import (
    baseline_rules,
    distil_rules,
)
from ..circuit import CircuitInfo
from ..messages import (
    DISTIL_PROTOCOLS,
    RULE_ACTIONS,
    fidelity_bound_to_wire,
    fidelity_from_wire,
    no_common_version,
    rate_to_wire,
    relayed_extensions,
)
from .base import Event, Local, NodeEngine, ProtocolError, Rule, Send
from .circuit_admission import CircuitAdmission
from .events import (
    AckTimeout,
    CircuitDown,
    CircuitUp,
    CloseCircuit,
    Closed,
    Confirm,
    DurationTimer,
    ErrorReceived,
    OpenCircuit,
    Reject,
    Setup,
    SetupTimeout,
    Teardown,
    TeardownAck,
)

#: SWAP_OUTCOMEs a head end keeps per circuit while it awaits the CONFIRM (TRK-127)
MAX_EARLY_REPORTS = 1024


class SigState(Enum):
    """Signalling state of a circuit at one node."""

    IDLE = "circuit unknown"
    SETUP_SENT = "head end: SETUP sent, waiting for CONFIRM or REJECT"
    PENDING = "hop: resources reserved, waiting for CONFIRM or REJECT"
    ESTABLISHED = "rules installed"
    TEARING_DOWN = "TEARDOWN sent, waiting for TEARDOWN_ACK"
    CLOSED = "released"


@dataclass(frozen=True, kw_only=True)
class Install(Event):
    """Signalling -> node: install the data plane of ``info`` (SIG-010.1), in the tracking
    mode ENDS when the CONFIRM names it (FWD-034)."""

    info: Any
    ends: bool = False


@dataclass(frozen=True, kw_only=True)
class Release(Event):
    """Signalling -> node: release every resource of ``circuit_id`` (SIG-030)."""

    circuit_id: int


IDLE_, S, P, E, T, C = (SigState.IDLE, SigState.SETUP_SENT, SigState.PENDING,
                    SigState.ESTABLISHED, SigState.TEARING_DOWN, SigState.CLOSED)

TABLE = {
    (IDLE_, OpenCircuit): Rule((S, C), "open"),
    (IDLE_, Setup): Rule((P, E, C), "admit"),
    (S, Setup): Rule(S, "duplicate"),
    (P, Setup): Rule(P, "duplicate"),
    (E, Setup): Rule(E, "duplicate"),
    (S, Confirm): Rule((E, T), "install_head"),  # SIG-013.1: TEARING_DOWN if it cannot install
    (P, Confirm): Rule((E, T), "install_and_forward"),  # SIG-013.1 likewise
    (S, Reject): Rule(C, "rejected"),
    (P, Reject): Rule(C, "rejected"),
    (S, ErrorReceived): Rule((S, C), "setup_refused"),  # SIG-003: the next hop's ERROR
    (P, ErrorReceived): Rule((P, C), "setup_refused"),
    (S, SetupTimeout): Rule((T, C), "give_up"),
    (P, SetupTimeout): Rule((T, C), "give_up"),
    (E, DurationTimer): Rule((T, C), "initiate_teardown"),
    (S, CloseCircuit): Rule((T, C), "initiate_teardown"),
    (P, CloseCircuit): Rule((T, C), "initiate_teardown"),
    (E, CloseCircuit): Rule((T, C), "initiate_teardown"),
    (IDLE_, Teardown): Rule(C, "ack_unknown"),
    (S, Teardown): Rule((T, C), "on_teardown"),
    (P, Teardown): Rule((T, C), "on_teardown"),
    (E, Teardown): Rule((T, C), "on_teardown"),
    (T, Teardown): Rule((T, C), "ack_again"),
    (C, Teardown): Rule(C, "ack_unknown"),
    (T, TeardownAck): Rule((T, C), "on_ack"),
    (T, AckTimeout): Rule((T, C), "retransmit"),
    (C, TeardownAck): Rule(C, "ignore"),
    (IDLE_, TeardownAck): Rule(IDLE_, "ignore"),  # SIG-006.2: TEARDOWN_ACK outside CLOSING
    (S, TeardownAck): Rule(S, "ignore"),
    (P, TeardownAck): Rule(P, "ignore"),
    (E, TeardownAck): Rule(E, "ignore"),
    (T, Setup): Rule(T, "duplicate"),  # SIG-004: any state other than IDLE
    (C, Setup): Rule(C, "ignore"),  # REL-025: a late copy of the released circuit's SETUP
    (C, CloseCircuit): Rule(C, "ignore"),
    (T, CloseCircuit): Rule(T, "ignore"),  # e.g. a request deadline (DLV-011.2) during teardown
}


@dataclass
class SignallingEngine(CircuitAdmission, NodeEngine):
    """Control plane of one circuit at one node. ``policy`` holds the node's settings; the
    admission steps (reservation, hop record, the tail end's decision) are those of
    :class:`.circuit_admission.CircuitAdmission`."""

    NAME = "signalling"
    TABLE = TABLE
    circuit_id: int = 0
    role: str = "router"
    links: dict[int, dict[str, Any]] = field(default_factory=dict)  # neighbour -> link config
    router: Callable[[int, int, dict[str, int]], list[int] | None] | None = None
    policy: dict[str, Any] = field(default_factory=dict)
    setup: dict[str, Any] | None = None
    info: CircuitInfo | None = None
    awaiting: set[int] = field(default_factory=set)
    retries: int = 0
    #: message_id of the SETUP this node sent to the next hop (an ERROR names it, SIG-003)
    setup_message_id: int | None = None
    teardown_reason: str = "NORMAL"
    #: extensions the SETUP brought that its consequences carry on (EXT-003.2, EXT-005.2)
    carried: list[dict[str, Any]] = field(default_factory=list)
    #: the same for the TEARDOWN this node relays (kept for its retransmissions)
    teardown_carried: list[dict[str, Any]] = field(default_factory=list)
    #: the swap schedule of the circuit's CONFIRM (``SWAP_SCHEDULE``, FWD-020; 0: ASAP)
    swap_schedule: int = 0
    #: the tracking mode of the circuit's CONFIRM (its second octet, FWD-034)
    tracking: int = schedule.CHAPTER_04
    #: the ``TRACK_ENDS`` count this node puts in the SETUP it sends (FWD-030, FWD-031)
    offer_count: int | None = None
    #: head end: SWAP_OUTCOMEs that came before the CONFIRM, kept for it (TRK-127)
    early: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.state = SigState.IDLE

    @property
    def key(self) -> str:
        assert self.ctx is not None
        return f"{self.ctx.node_id}/circuit{self.circuit_id}"

    def _route(self) -> list[int]:
        assert self.setup is not None
        return list(self.setup["route"])

    def _neighbours(self) -> tuple[int, int]:
        route = self._route()
        i = route.index(self.me)
        return (route[i - 1] if i > 0 else 0), (route[i + 1] if i + 1 < len(route) else 0)

    def _endpoint(self) -> int:
        assert self.setup is not None
        return self.setup["head_endpoint"] if self.me == self.setup["head_end"] else \
            self.setup["tail_endpoint"]

    # -- SETUP and REJECT (admission: :class:`.circuit_admission.CircuitAdmission`) --------------
    def _reject(self, dest: int, reason: str,
                extensions: Sequence[dict[str, Any]] = ()) -> None:
        """REJECT ``reason`` of this circuit, refused at this node, to ``dest``."""
        self._send("REJECT", dest, {
            "circuit_id": self.circuit_id, "reason": reason, "rejecting_node": self.me,
            "retry_after_ns": self.policy.get("retry_after_ns", 0)}, extensions)

    def _forward_setup(self, now: int) -> None:
        assert self.ctx is not None and self.setup is not None
        _, nxt = self._neighbours()
        body = dict(self.setup)
        body["hops"] = [*self.setup["hops"], self._capability()]
        self.setup = body
        offer = [] if self.offer_count is None else [schedule.offer(self.offer_count)]
        msg = self.ctx.factory.make("SETUP", nxt, body, [*self.carried, *offer])
        self.setup_message_id = msg["message_id"]
        self.out.append(Send(msg))
        self.timers["setup"] = now + self.policy.get("setup_timeout_ns", 10**9)

    # -- actions ---------------------------------------------------------------------------------
    def open(self, now: int, ev: OpenCircuit) -> SigState:
        route = self.router(self.me, ev.tail_end, ev.qos) if self.router else None
        self.setup = {
            "circuit_id": self.circuit_id, "head_end": self.me, "tail_end": ev.tail_end,
            "head_endpoint": ev.head_endpoint, "tail_endpoint": ev.tail_endpoint,
            "qos": dict(ev.qos), "route": route or [self.me, ev.tail_end], "hops": [],
        }
        reason = None if route else "UNREACHABLE"
        reason = reason or self._admit_here(now)
        self.offer_count = 1 if self.policy.get("track_ends") else None  # FWD-030
        if reason:
            self.ctx.resources.release(self.circuit_id) if self.ctx else None
            self.out.append(Local(CircuitDown(circuit_id=self.circuit_id,
                                              endpoint=ev.head_endpoint, rejected=reason)))
            return SigState.CLOSED
        self._forward_setup(now)
        return SigState.SETUP_SENT

    def admit(self, now: int, ev: Setup) -> SigState:
        b = ev.body
        route = list(b["route"])
        if (len(route) < 2 or route[0] != b["head_end"] or route[-1] != b["tail_end"]
                or len(set(route)) != len(route) or self.me not in route
                or route[route.index(self.me) - 1] != ev.source
                or any(h["node"] != n for h, n in zip(b["hops"], route, strict=False))
                or len(b["hops"]) != route.index(self.me)):  # SIG-003, SIG-008
            raise ProtocolError(ErrorCode.ROUTE_INVALID, "route or hops inconsistent",
                                field="body.route", msg=ev.msg)
        self.setup = dict(b)
        self.carried = relayed_extensions(ev.msg)
        count = schedule.offered(ev.msg)  # FWD-031: a hop offering the mode adds itself
        self.offer_count = count + 1 if count is not None and self.policy.get(
            "track_ends") else None
        tail = self.me == b["tail_end"]
        reason = None
        if self.role == "end" and not tail:
            reason = "UNREACHABLE"  # end nodes never forward
        elif tail and not self.policy.get("endpoint_ok", lambda s: True)(b):
            reason = "UNREACHABLE"  # DLV-004
        reason = reason or self._admit_here(now)
        rounds = 0
        if reason is None and tail:
            hops = [*b["hops"], self._capability()]
            reason, fid, rate, cutoff, rounds = self._decide(hops, b["qos"])
            if reason is None and rounds and not self._grow_reservation(rounds):
                reason = "NO_RESOURCES"  # SIG-042.2: no memory for the distillation rounds
        if reason:
            assert self.ctx is not None
            self.ctx.resources.release(self.circuit_id)
            self._reject(ev.source, reason, self.carried)
            return SigState.CLOSED
        if not tail:
            self._forward_setup(now)
            return SigState.PENDING
        links = tuple(hop["link_id"] for hop in b["hops"])
        rules = baseline_rules(self.circuit_id, route, links, head_endpoint=b["head_endpoint"],
                               tail_endpoint=b["tail_endpoint"], cutoff_ns=cutoff)
        if rounds:  # SIG-040.2: end-to-end DISTIL rules at both ends
            rules += distil_rules(self.circuit_id, route, links, rounds=rounds,
                                  cutoff_ns=cutoff)
        # FWD-022, FWD-026, FWD-027: the swap schedule and per-level / threshold cutoffs
        scheduled = schedule.apply_schedule(rules, route, self.policy, cutoff, count)
        if self.policy.get("fidelity_threshold"):
            schedule.apply_threshold(rules, route, hops, self.policy["fidelity_threshold"])
        body = {"circuit_id": self.circuit_id, "expected_rate_mhz": rate_to_wire(rate),
                "expected_fidelity": fidelity_bound_to_wire(fid), "rules": rules}  # SIG-045.3
        self.swap_schedule = schedule.of_message({"extensions": scheduled})
        self.tracking = schedule.tracking_of({"extensions": scheduled})  # FWD-032
        self.carried = [*self.carried, *scheduled]  # the CONFIRM carries the schedule
        self._install(now, body)
        self._send("CONFIRM", ev.source, body, self.carried)
        return SigState.ESTABLISHED

    def _install(self, now: int, confirm: dict[str, Any]) -> None:
        assert self.setup is not None
        s = self.setup
        route = tuple(s["route"])
        me = self.me  # the node keeps its own rules; the route order is in ``info.route``
        rules = tuple(r for r in confirm["rules"] if r["node"] == me)
        gen: dict[int, set[int]] = {}
        for r in confirm["rules"]:
            if r["action"] == "GENERATE":
                gen.setdefault(r["node"], set()).add(r["match_link"])
        links = tuple(min(gen.get(route[i], set()) & gen.get(route[i + 1], set()) or {0})
                      for i in range(len(route) - 1))
        self.info = CircuitInfo(
            circuit_id=self.circuit_id, head_end=s["head_end"], tail_end=s["tail_end"],
            head_endpoint=s["head_endpoint"], tail_endpoint=s["tail_endpoint"], route=route,
            links=links, qos=dict(s["qos"]), rules=rules,
            expected_fidelity=fidelity_from_wire(confirm["expected_fidelity"]),
            expected_rate_mhz=confirm["expected_rate_mhz"], swap_schedule=self.swap_schedule,
        )
        self.timers.pop("setup", None)
        if self.me != s["head_end"]:  # FWD-011: sent across the head-side link, which waits
            self._rotation_at(route[route.index(self.me) - 1], "join_at", now)
        self.out.append(Local(Install(info=self.info, ends=self.tracking == schedule.ENDS)))
        if self.me in (s["head_end"], s["tail_end"]):
            self.out.append(Local(CircuitUp(circuit_id=self.circuit_id, endpoint=self._endpoint(),
                                            info=self.info)))
        if self.me == s["head_end"] and s["qos"]["duration_ns"]:
            self.timers["duration"] = now + s["qos"]["duration_ns"]

    @staticmethod
    def _check_rule_fields(ev: Confirm) -> None:
        """FWD-009.4: fields that the rule's action does not use are 0 / NONE; a DISTIL rule
        names a protocol and at least one round. Raises FIELD_OUT_OF_RANGE naming the field."""
        for i, r in enumerate(ev.body["rules"]):
            action = r["action"]
            bad = ""
            if action not in RULE_ACTIONS:
                continue  # WIRE-043: whose fields an unassigned action uses is not known here
            if r["peer_link"] != 0 and action not in ("SWAP", "DISTIL"):
                bad = "peer_link"
            elif r["endpoint"] != 0 and action != "DELIVER":
                bad = "endpoint"
            elif action == "DISTIL":
                if r["distil_protocol"] == "NONE":
                    bad = "distil_protocol"
                elif r["distil_rounds"] < 1:
                    bad = "distil_rounds"
            elif r["distil_protocol"] != "NONE":
                bad = "distil_protocol"
            elif r["distil_rounds"] != 0:
                bad = "distil_rounds"
            if bad:
                raise ProtocolError(ErrorCode.FIELD_OUT_OF_RANGE,
                                    f"{bad} inconsistent with action {action}",
                                    field=f"body.rules[{i}].{bad}", msg=ev.msg)

    def _can_install(self, ev: Confirm) -> bool:
        """SIG-013.1: every rule for this node names a link of this node, and the node can run
        it: an end-to-end DISTIL rule (``peer_link`` 0) only at an end node, a link-level one
        only with ``peer_link`` = ``match_link`` (FWD-006), and not both on a one-hop circuit,
        where the two would distil with the same neighbour; a link-level rule then needs
        memory for the pairs it holds while distilling (:meth:`_reserve_link_rounds`)."""
        assert self.setup is not None
        mine = {c["link_id"] for c in self.links.values()}
        end = self.me in (self.setup["head_end"], self.setup["tail_end"])
        rules = [r for r in ev.body["rules"] if r["node"] == self.me]
        if any(r["action"] not in RULE_ACTIONS or r["distil_protocol"] not in DISTIL_PROTOCOLS
               for r in rules):  # WIRE-048: a rule this node cannot name, it cannot run
            return False
        distil = {r["peer_link"] == 0 for r in rules if r["action"] == "DISTIL"}
        if distil == {True, False} and len(self.setup["route"]) == 2:
            return False
        # a link-level rule distils with a neighbour on the route: a link of the route
        on_route = {self.links[p]["link_id"] for p in self._neighbours() if p in self.links}
        return all(r["match_link"] in mine and (r["action"] != "SWAP" or r["peer_link"] in mine)
                   and (r["action"] != "DISTIL" or (end if r["peer_link"] == 0 else (
                       r["peer_link"] == r["match_link"] and r["match_link"] in on_route)))
                   for r in rules) and self._reserve_link_rounds(rules)

    def _reserve_link_rounds(self, rules: list[dict[str, Any]]) -> bool:
        """A link-level DISTIL rule of n rounds holds up to n more pairs on its link: reserve
        them (like SIG-042.1 at an end); False if the node cannot (SIG-013.1)."""
        rounds = sum(r["distil_rounds"] for r in rules
                     if r["action"] == "DISTIL" and r["peer_link"] != 0)
        return not rounds or self._grow_reservation(rounds)

    def _refuse_rules(self, now: int) -> SigState:
        """SIG-013.1 to SIG-013.3, SIG-020.1: install nothing, release the reservation, REJECT
        NO_RESOURCES upstream (the head end fails the request locally) and TEARDOWN FAILURE
        downstream."""
        assert self.ctx is not None
        self.ctx.resources.release(self.circuit_id)
        self.timers.clear()
        prev, nxt = self._neighbours()
        if prev:
            self._reject(prev, "NO_RESOURCES")
        else:
            self.out.append(Local(CircuitDown(circuit_id=self.circuit_id,
                                              endpoint=self._endpoint(),
                                              rejected="NO_RESOURCES")))
        self.teardown_reason = "FAILURE"
        return self._teardown_to(now, {nxt})

    def install_head(self, now: int, ev: Confirm) -> SigState:
        self._check_rule_fields(ev)
        if not self._can_install(ev):
            return self._refuse_rules(now)
        rounds = max((r["distil_rounds"] for r in ev.body["rules"] if r["node"] == self.me
                      and r["action"] == "DISTIL" and r["peer_link"] == 0), default=0)
        if rounds:  # SIG-042.1: best effort at the head (it reserved before knowing)
            self._grow_reservation(rounds)
        self._install(now, dict(ev.body))
        return SigState.ESTABLISHED

    def install_and_forward(self, now: int, ev: Confirm) -> SigState:
        self._check_rule_fields(ev)
        if not self._can_install(ev):
            return self._refuse_rules(now)
        self._install(now, dict(ev.body))
        prev, _ = self._neighbours()
        self._send("CONFIRM", prev, dict(ev.body), relayed_extensions(ev.msg))
        return SigState.ESTABLISHED

    def rejected(self, now: int, ev: Reject) -> None:
        assert self.ctx is not None
        self.ctx.resources.release(self.circuit_id)  # SIG-020.2
        self.timers.clear()
        prev, _ = self._neighbours()
        if prev:
            self._send("REJECT", prev, dict(ev.body), relayed_extensions(ev.msg))
        else:
            self.out.append(Local(CircuitDown(circuit_id=self.circuit_id,
                                              endpoint=self._endpoint(),
                                              rejected=ev.body["reason"])))

    def answers_setup(self, msg: dict[str, Any]) -> bool:
        """True if ERROR ``msg`` is the next hop's answer to the SETUP this node sent it while
        the circuit waits for CONFIRM or REJECT."""
        return (self.state in (SigState.SETUP_SENT, SigState.PENDING)
                and self.setup_message_id is not None
                and msg["body"]["offending_message_id"] == self.setup_message_id
                and msg["source"] == self._neighbours()[1])

    def setup_refused(self, now: int, ev: ErrorReceived) -> SigState:
        """SIG-003: the next hop refused this node's SETUP with ERROR ``ROUTE_INVALID`` (or,
        WIRE-051, ``UNSUPPORTED_VERSION`` listing no version this node speaks): release, and
        refuse the circuit upstream with REJECT ``UNREACHABLE`` (the head end fails the request
        locally). Any other ERROR leaves the circuit to its setup timeout."""
        # WIRE-051: a next hop that speaks no version of ours is as unreachable
        if ev.body["code"] != ErrorCode.ROUTE_INVALID and not no_common_version(ev.msg):
            return self.state  # type: ignore[no-any-return]
        assert self.ctx is not None
        self.ctx.resources.release(self.circuit_id)
        self.timers.clear()
        prev, _ = self._neighbours()
        if prev:
            self._reject(prev, "UNREACHABLE", self.carried)
        else:
            self.out.append(Local(CircuitDown(circuit_id=self.circuit_id,
                                              endpoint=self._endpoint(),
                                              rejected="UNREACHABLE")))
        return SigState.CLOSED

    def duplicate(self, now: int, ev: Setup) -> None:
        """A SETUP for a circuit id this node holds: from another head end it is a clash,
        refused with REJECT ``BUSY`` (SIG-007); from the same head end ERROR
        ``DUPLICATE_CIRCUIT`` (SIG-004). Either way the held circuit is untouched."""
        if self.setup is not None and ev.body.get("head_end") != self.setup["head_end"]:
            self._reject(ev.source, "BUSY")
            return
        raise ProtocolError(ErrorCode.DUPLICATE_CIRCUIT, "circuit id already in use",
                            field="body.circuit_id", msg=ev.msg)

    def _link_to(self, node: int) -> Any:
        """The link engine of the circuit's link towards neighbour ``node``, or None."""
        assert self.ctx is not None
        engines = self.ctx.link_engines
        if self.info is not None and self.info.pos(node) >= 0:
            head, tail = self.info.side_links(self.me)
            i, j = self.info.pos(node), self.info.pos(self.me)
            link = head if i == j - 1 else tail if i == j + 1 else 0
            if link in engines:
                return engines[link]
        return next((eng for eng in engines.values() if eng.peer == node), None)

    def _rotation_at(self, node: int, which: str, now: int) -> None:
        """FWD-011, FWD-013: the circuit joins (``join_at``) or leaves (``leave_at``) the
        rotation of the link towards ``node``, across which a CONFIRM or TEARDOWN is being
        sent at ``now``, once the message can have arrived: the link's signalling latency
        later."""
        link = self._link_to(node)
        if link is not None:
            getattr(link, which)[self.circuit_id] = now + link.peer_delay_ns

    def _release(self) -> int:
        assert self.ctx is not None
        slots = self.ctx.resources.reserved.get(self.circuit_id, 0)
        self.out.append(Local(Release(circuit_id=self.circuit_id)))
        if self.setup and self.me in (self.setup["head_end"], self.setup["tail_end"]):
            self.out.append(Local(CircuitDown(circuit_id=self.circuit_id,
                                              endpoint=self._endpoint(),
                                              reason=self.teardown_reason)))
        self.timers.clear()
        return slots

    def _teardown_to(self, now: int, targets: set[int]) -> SigState:
        self.awaiting = {t for t in targets if t}
        for t in sorted(self.awaiting):
            self._send("TEARDOWN", t, {"circuit_id": self.circuit_id,
                                       "reason": self.teardown_reason}, self.teardown_carried)
        if not self.awaiting:
            return SigState.CLOSED
        # SIG-034 with REL-005's back-off: each retransmission waits twice as long, from the
        # retransmission timeout towards the neighbours (REL-003: their round-trip estimate,
        # ack_timeout_ns, which is rto_initial, while there is none)
        rto, initial = self.policy.get("rto"), self.policy.get("ack_timeout_ns", 10**8)
        wait = max((rto(t) if rto else 0) or initial for t in self.awaiting) << self.retries
        self.timers["ack"] = now + min(wait, self.policy.get("rto_max_ns", 10**9))
        return SigState.TEARING_DOWN

    def initiate_teardown(self, now: int, ev: Any) -> SigState:
        """The circuit ends here: its qos.duration_ns elapsed (COMPLETED, SIG-035) or the node
        closes it with the event's reason."""
        if isinstance(ev, DurationTimer):
            return self._tear_down(now, "COMPLETED")
        return self._tear_down(now, getattr(ev, "reason", "NORMAL"))

    def give_up(self, now: int, ev: SetupTimeout) -> SigState:
        """No CONFIRM or REJECT within the setup timeout: tear down with FAILURE (SIG-014.1)."""
        return self._tear_down(now, "FAILURE")

    def _tear_down(self, now: int, reason: str) -> SigState:
        self.teardown_reason = reason
        for n in self._neighbours():  # FWD-013: TEARDOWN goes across both links
            if n:
                self._rotation_at(n, "leave_at", now)
        self._release()
        return self._teardown_to(now, set(self._neighbours()))  # SIG-032.2

    def on_teardown(self, now: int, ev: Teardown) -> SigState:
        prev, nxt = self._neighbours()
        if ev.source not in (prev, nxt):  # SIG-037.1, SIG-037.2
            raise ProtocolError(ErrorCode.UNEXPECTED_MESSAGE, "TEARDOWN from a non-neighbour",
                                field="source", msg=ev.msg)
        self.teardown_reason = ev.body["reason"]
        self.teardown_carried = relayed_extensions(ev.msg)
        onward = ({prev, nxt} - {ev.source}) - {0}
        for n in onward:  # FWD-013 across the onward link; FWD-014: the arrival link at once
            self._rotation_at(n, "leave_at", now)
        slots = self._release()
        self._send("TEARDOWN_ACK", ev.source, {"circuit_id": self.circuit_id,
                                               "released_memory": slots},
                   self.teardown_carried)  # SIG-033
        return self._teardown_to(now, {prev, nxt} - {ev.source})

    def ack_unknown(self, now: int, ev: Teardown) -> None:
        link = self._link_to(ev.source) if self.ctx is not None else None
        if link is not None:  # FWD-014: a circuit released here leaves the link's rotation
            link.cut_rotation(ev.body["circuit_id"], now)
        self._send("TEARDOWN_ACK", ev.source, {"circuit_id": ev.body["circuit_id"],
                                               "released_memory": 0})  # SIG-031

    def ack_again(self, now: int, ev: Teardown) -> SigState:
        self.ack_unknown(now, ev)
        self.awaiting.discard(ev.source)
        return SigState.TEARING_DOWN if self.awaiting else SigState.CLOSED

    def on_ack(self, now: int, ev: TeardownAck) -> SigState:
        self.awaiting.discard(ev.source)
        if self.awaiting:
            return SigState.TEARING_DOWN
        self.timers.pop("ack", None)
        return SigState.CLOSED

    def retransmit(self, now: int, ev: AckTimeout) -> SigState:
        self.retries += 1
        if self.retries > self.policy.get("teardown_retries", 3):
            self.awaiting.clear()
            return SigState.CLOSED
        return self._teardown_to(now, set(self.awaiting))  # SIG-034

    def ignore(self, now: int, ev: Any) -> None:
        return None

    def keep_early(self, msg: dict[str, Any]) -> bool:
        """TRK-127: a head end that offered the mode ENDS and awaits its CONFIRM keeps a
        SWAP_OUTCOME of the circuit (at most :data:`MAX_EARLY_REPORTS`; beyond that it is dropped).
        False if this engine does not keep it (chapter 04's TRK-004 then answers)."""
        if self.state is not SigState.SETUP_SENT or self.offer_count is None:
            return False
        if len(self.early) < MAX_EARLY_REPORTS:
            self.early.append(msg)
        return True

    def take_early(self) -> list[dict[str, Any]]:
        """The SWAP_OUTCOMEs kept by :meth:`keep_early`, in their order, and forget them."""
        early, self.early = self.early, []
        return early

    def fire(self, now: int, event: Event) -> None:
        """As :meth:`Engine.fire`; reaching ``CLOSED`` also tells the node (:class:`Closed`)."""
        if isinstance(event, Confirm):  # FWD-020, FWD-034: the schedule the CONFIRM names
            self.swap_schedule = schedule.of_message(event.msg)
            self.tracking = schedule.tracking_of(event.msg)
        before = self.state
        super().fire(now, event)
        if self.state is SigState.CLOSED and before is not SigState.CLOSED:
            self.out.append(Local(Closed(circuit_id=self.circuit_id)))

    def on_timer(self, now: int, name: str) -> None:
        """Fire timer ``name`` (setup, duration or ack)."""
        cls = {"setup": SetupTimeout, "duration": DurationTimer, "ack": AckTimeout}[name]
        self.fire(now, cls(name=name))
