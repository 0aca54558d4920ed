"""A reference node: the engines of one role composed behind one sans-IO interface.

>>> from qvcp.reference.node import Node, NodeConfig, LinkConfig
>>> from qvcp.reference.device import ScriptedDevice
>>> node = Node(NodeConfig(node_id=1, role="end", links=(LinkConfig(link_id=7, peer=2,
...     station=1000007, slot_ns=1000),)), ScriptedDevice())
>>> out = node.receive(0, {"version": 1, "type": "OPEN_ENDPOINT", "message_id": 1, "source": 1,
...     "destination": 1, "body": {"endpoint": 5, "remote_node": 2, "remote_endpoint": 5},
...     "extensions": [], "auth": None})
>>> [m["type"] for m in node.sent(out)]
['ENDPOINT_STATUS']

Roles (RFC 9340 s.5.3.2): ``"end"`` (end node: delivery + control plane for its own circuits,
never an intermediate hop), ``"router"`` (quantum router: control plane and data plane) and
``"repeater"`` (automated repeater: data plane; it relays signalling, appends its static
capability and installs its rules but takes no admission decisions, ROLE-101.4).

The one error boundary: a :class:`~.engines.base.ProtocolError` raised (or reported) by an
engine, or a :class:`qvcp.schemas.WireError` from validation, becomes an ERROR message to the
offending message's source.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from qvcp.schemas import ErrorCode, WireError, validate_message

from . import audit_events
from .admission import swap_factor
from .auth import NodeAuth
from .circuit import NodeContext
from .closed import ClosedCircuits
from .config import ROLES, LinkConfig, NodeConfig
from .engines import events as ev
from .engines.base import Engine, Fault, Local, Output, ProtocolError, Send, TransitionRecord
from .engines.delivery import DeliveryEngine, check_service_fields
from .engines.link import LinkEngine
from .engines.signalling import Install, Release, SignallingEngine, SigState
from .engines.swap import SwapEngine
from .engines.tracking import EndEngine
from .engines.tracking_ends import EndsEndEngine, EndsSwapEngine
from .liveness import Liveness
from .messages import MessageFactory, check_extensions, error_reply, fidelity_to_wire
from .node_circuit_policy import CircuitPolicies
from .node_error_budget import ErrorBudget
from .policy import Policy
from .reliable import Reliability
from .resources import Resources
from .transport import Failure, Transport

__all__ = ["ROLES", "LinkConfig", "Node", "NodeConfig", "Router"]

#: Incoming message type -> (the engine family it goes to, its event class).
_LINK, _DATAPLANE, _SIGNALLING, _SERVICE = range(4)
_ROUTES: dict[str, tuple[int, type[ev.MessageEvent]]] = {
    "HERALD": (_LINK, ev.Herald), "EXPIRE": (_LINK, ev.Expire),
    "EXPIRE_ACK": (_LINK, ev.ExpireAck),
    "SWAP_OUTCOME": (_DATAPLANE, ev.SwapOutcome), "DISCARD": (_DATAPLANE, ev.Discard),
    "DISTIL_OUTCOME": (_DATAPLANE, ev.DistilOutcome),
    "SETUP": (_SIGNALLING, ev.Setup), "CONFIRM": (_SIGNALLING, ev.Confirm),
    "REJECT": (_SIGNALLING, ev.Reject), "TEARDOWN": (_SIGNALLING, ev.Teardown),
    "TEARDOWN_ACK": (_SIGNALLING, ev.TeardownAck),
    "OPEN_ENDPOINT": (_SERVICE, ev.OpenEndpoint), "CLOSE_ENDPOINT": (_SERVICE, ev.CloseEndpoint),
    "PAIR_REQUEST": (_SERVICE, ev.PairRequest),
}
#: node-internal events by the engine they go to (tuples: ``isinstance`` on a tuple is one C
#: call, where ``A | B`` builds a union object on every evaluation)
_TO_DATAPLANE = (ev.LinkPairReady, ev.PeerExpired)
_TO_ENDPOINT = (ev.CircuitUp, ev.CircuitDown, ev.PairIdentified, ev.PairLost)
_TO_LINK = (ev.GenerateOn, ev.GenerateOff)


Router = Callable[[int, int, dict[str, int]], "list[int] | None"]


@dataclass
class Node(ErrorBudget, CircuitPolicies):
    """A node of ``config.role`` driving its engines; the device is injected. The token bucket
    that limits its ERRORs is :class:`.node_error_budget.ErrorBudget`; what it lets a new
    circuit take, :class:`.node_circuit_policy.CircuitPolicies`."""

    config: NodeConfig
    device: Any
    router: Router | None = None
    ctx: NodeContext = field(init=False)
    links: dict[int, LinkEngine] = field(init=False, default_factory=dict)
    signalling: dict[int, SignallingEngine] = field(init=False, default_factory=dict)
    dataplane: dict[int, SwapEngine | EndEngine] = field(init=False, default_factory=dict)
    endpoints: dict[int, DeliveryEngine] = field(init=False, default_factory=dict)
    circuit_counter: int = field(init=False, default=0)
    auth: NodeAuth | None = field(init=False, default=None)
    #: ERRORs not sent for want of a token (ERR-004.1), and the buckets: dest -> (tokens, since)
    errors_suppressed: int = field(init=False, default=0)
    _error_tokens: dict[int, tuple[int, int]] = field(init=False, default_factory=dict)
    transport: Transport = field(init=False)
    #: released circuits remembered for closed_linger (their engines are gone)
    closed: ClosedCircuits = field(init=False)
    #: what circuits the node lets through (chapter 08 section 4); None: all
    policy: Policy | None = field(init=False, default=None)
    #: the node's audit log (an :class:`.audit.AuditLog`, chapter 08 section 5), kept by whoever
    #: runs the node across its restarts; None: no log
    audit: Any = field(init=False, default=None)

    def __post_init__(self) -> None:
        c = self.config
        res = Resources(c.memory_qubits, c.comm_qubits,
                        {lc.link_id: lc.rate_mhz for lc in c.links})
        self.auth = NodeAuth.of(c.auth)
        if self.auth is not None and c.auth_storage:  # a restart (SEC-013, SEC-014)
            self.auth.restore(c.auth_storage)
        self.ctx = NodeContext(c.node_id, MessageFactory(c.node_id, counter=c.message_id_floor,
                                                         auth=self.auth), self.device,
                               res, c.t2_ns, t1_ns=c.t1_ns)
        self.transport = Transport(
            c.node_id, self.ctx.factory, c.incarnation, Reliability(c.reliability()),
            Liveness(tuple(sorted({lc.peer for lc in c.links})), c.keepalive_interval_ns,
                     c.dead_ns))
        self.closed = ClosedCircuits(c.closed_linger_ns or c.reliability().dedup_hold_ns)
        self.policy = Policy.of(c.policy)
        self.ctx.cutoff_ns = c.cutoff_ns
        for lc in c.links:
            self.links[lc.link_id] = LinkEngine(
                node_id=c.node_id, link_id=lc.link_id, peer=lc.peer, station=lc.station,
                slot_ns=lc.slot_ns, attempt_period=lc.attempt_period,
                peer_delay_ns=lc.peer_delay_ns,
                herald_timeout_ns=lc.herald_timeout_ns or 3 * lc.slot_ns * lc.attempt_period,
                resources=res, device=self.device, factory=self.ctx.factory,
                failure_attempts=c.link_failure_attempts)
        for eng in self.links.values():
            self._adopt(eng)
        self.ctx.link_engines = dict(self.links)
        self._by_peer = {lc.peer: {"link_id": lc.link_id, "rate_mhz": lc.rate_mhz,
                                   "fidelity": fidelity_to_wire(lc.fidelity)} for lc in c.links}
        self._stations = {lc.station: lc.link_id for lc in c.links}

    @property
    def node_id(self) -> int:
        """This node's id."""
        return self.config.node_id

    # -- public sans-IO interface -------------------------------------------------------------
    def receive(self, now: int, msg: dict[str, Any]) -> list[Output]:
        """Process one incoming message at time ``now``; returns outputs (sends, records).

        A message addressed to another node is discarded silently (WIRE-013.2); so is a replay
        from a keyed peer (SEC-011.2), and a message from a keyed peer is verified before
        anything else is done with it (SEC-004.2)."""
        if msg.get("destination") != self.config.node_id:
            return []
        transport = self.transport
        try:
            if self.auth is not None and not self.auth.admit(msg, me=self.config.node_id):
                if self.audit is not None:
                    audit_events.on_refusal(self.audit, now, "REPLAYED", "message_id", msg)
                return self._answer(now, transport.replayed(now, msg))
            if self.config.strict:
                validate_message(msg)
            check_extensions(msg)  # EXT-001, EXT-002: after the values (WIRE-017)
            see, replies = transport.receive(now, msg)  # chapter 11: ACK, KEEPALIVE, copies
            if see:
                self._dispatch(now, msg)
                replies = transport.accepted(now, msg)  # REL-001
            self._queue += [Send(m) for m in replies]
        except ProtocolError as err:
            self._error_out(err, msg, now)
        except WireError as err:
            self._error_out(ProtocolError(err.code, err.reason, field=err.field), msg, now)
        self._act_on_failures(now)
        return self._collect(now)

    def start(self, now: int) -> list[Output]:
        """The node starts (first, and after each restart): KEEPALIVE to every neighbour
        before anything else (REL-011)."""
        self._queue += [Send(m) for m in self.transport.start(now)]
        if self.audit is not None:
            self.audit.append(now, "started", incarnation=self.config.incarnation)
        return self._collect(now)

    def _answer(self, now: int, replies: list[dict[str, Any]]) -> list[Output]:
        self._queue += [Send(m) for m in replies]
        return self._collect(now)

    def on_timer(self, now: int) -> list[Output]:
        """Fire every timer due at ``now``."""
        again = self.transport.due(now)  # retransmissions and KEEPALIVEs (chapter 11)
        self._act_on_failures(now)
        for eng in self._engines():
            if not eng.timers:
                continue
            for name in eng.due_timers(now):
                try:
                    eng.on_timer(now, name)  # type: ignore[attr-defined]
                except ProtocolError as err:
                    self._error_out(err, None, now)
        out = self._collect(now)
        self._rest_idle_endpoints()
        return out + [Send(m) for m in again]  # sent again: not tracked as new (REL-003)

    def next_deadline(self) -> int | None:
        """Earliest timer of any engine, or None."""
        best = None
        for timers in self._timer_books or self._timers_of_engines():
            if timers:
                t = min(timers.values())
                if best is None or t < best:
                    best = t
        return best

    def consume(self, now: int, qubit: int) -> list[Output]:
        """The application releases delivered ``qubit`` (after measuring or using it)."""
        self._engines()
        for eng in self._endpoint_cache:  # an endpoint holding a pair is busy
            if qubit in eng.held:  # a held qubit's handle: valid by construction
                eng.fire(now, ev.Consume.trusted(qubit=qubit))
        out = self._collect(now)
        self._rest_idle_endpoints()
        return out

    def internal(self, now: int, event: Any, *, link_id: int = 0) -> list[Output]:
        """Feed a node-internal event as another engine of this node would raise it.

        For tests and drivers that need an ordering the node itself produces only in races
        (e.g. a ``PairIdentified`` reaching an endpoint that has just closed). ``GenerateOn``
        and ``GenerateOff`` go to the link engine ``link_id``; every other event is routed as
        the node routes its own local events. A ``ProtocolError`` becomes an ERROR (if the
        event carries a message) at the usual boundary.
        """
        try:
            if isinstance(event, _TO_LINK):
                self.links[link_id].fire(now, event)
            else:
                self._local(now, event)
        except ProtocolError as err:
            self._error_out(err, None, now)
        return self._collect(now)

    @staticmethod
    def sent(outputs: list[Output]) -> list[dict[str, Any]]:
        """The message dicts among ``outputs``."""
        return [o.msg for o in outputs if isinstance(o, Send)]

    def circuit_state(self, circuit_id: int) -> SigState:
        """The signalling state of ``circuit_id`` here: its machine's, else ``CLOSED`` while
        its release is remembered (closed_linger), else ``IDLE``."""
        sig = self.signalling.get(circuit_id)
        if sig is not None:
            return sig.state  # type: ignore[no-any-return]
        return SigState.CLOSED if circuit_id in self.closed else SigState.IDLE

    def memory_in_use(self) -> int:
        """Memory slots currently occupied."""
        return self.ctx.resources.occupied()

    # -- internals ----------------------------------------------------------------------------
    def _engines(self) -> list[Engine]:
        if self._engine_cache is None:
            self._endpoint_cache = sorted(self._busy_endpoints.values(),
                                          key=lambda e: self._endpoint_rank[e.endpoint])
            self._engine_cache = [*self.links.values(), *self.signalling.values(),
                                  *self.dataplane.values(), *self._endpoint_cache]
            self._timer_books = [e.timers for e in self._engine_cache]
            self._timer_books += self.transport.timer_books
        return self._engine_cache

    def _forget_engines(self) -> None:
        """An engine was added or removed: rebuild both lists on next use."""
        self._engine_cache = None
        self._timer_books = []

    def _busy(self, ep: DeliveryEngine) -> DeliveryEngine:
        """``ep`` is about to be handed an event: scan it until it is found idle."""
        if ep.endpoint not in self._busy_endpoints:
            self._busy_endpoints[ep.endpoint] = ep
            self._forget_engines()
        return ep

    def _rest_idle_endpoints(self) -> None:
        """Stop scanning endpoints with no timer and no pair (only an event changes those)."""
        idle = [n for n, ep in self._busy_endpoints.items() if not ep.timers and not ep.held]
        for number in idle:
            del self._busy_endpoints[number]
        if idle:
            self._forget_engines()

    def _timers_of_engines(self) -> list[dict[str, int]]:
        self._engines()
        return self._timer_books

    #: the node's engines, and their ``timers`` dicts in the same order (an engine keeps its
    #: dict for life); both rebuilt after an engine is added or removed (``None``). Endpoints:
    #: only the busy ones, in the order opened (``_endpoint_cache``), not every one ever opened
    _engine_cache: list[Engine] | None = field(init=False, default=None)
    _timer_books: list[dict[str, int]] = field(init=False, default_factory=list)
    _endpoint_cache: list[DeliveryEngine] = field(init=False, default_factory=list)
    #: number -> endpoint handed an event since last found idle; number -> place in endpoints
    _busy_endpoints: dict[int, DeliveryEngine] = field(init=False, default_factory=dict)
    _endpoint_rank: dict[int, int] = field(init=False, default_factory=dict)
    #: peer node -> its link (``link_id``, ``rate_mhz``); station -> link (set up once)
    _by_peer: dict[int, dict[str, int]] = field(init=False, default_factory=dict, repr=False,
                                                compare=False)
    _stations: dict[int, int] = field(init=False, default_factory=dict, repr=False,
                                      compare=False)

    def _error_out(self, err: ProtocolError, msg: dict[str, Any] | None, now: int) -> None:
        offending = msg or err.msg
        if offending is None or offending.get("type") == "ERROR":
            return  # nothing to answer, or an ERROR (ERR-003)
        if self.audit is not None:
            audit_events.on_refusal(self.audit, now, err.code, err.field, offending)
        if not self._error_allowed(offending["source"], now):
            self.errors_suppressed += 1  # ERR-004.1: the message stays rejected, unanswered
            return
        reply = error_reply(self.ctx.factory, offending, err.code, err.field, err.detail)
        if reply is not None:
            self._queue.append(Send(reply))

    #: the outputs of every engine of the node, in emission order (see :meth:`_collect`)
    _queue: list[Output] = field(init=False, default_factory=list)

    def _dispatch(self, now: int, msg: dict[str, Any]) -> None:
        t = msg["type"]
        body = msg["body"]
        route = _ROUTES.get(t)
        family = -1 if route is None else route[0]
        if family == _LINK:
            eng = self.links.get(body["link_id"])
            ok = eng is not None and msg["source"] in (eng.station, eng.peer)
            if not ok:  # LINK-008
                raise ProtocolError(ErrorCode.UNKNOWN_LINK, "link not configured here",
                                    field="body.link_id", msg=msg)
            eng.fire(now, route[1].of(msg))  # type: ignore[index]
        elif t == "ERROR":
            link = self._stations.get(msg["source"])
            if link is not None:
                self.links[link].fire(now, ev.ErrorReceived(msg=msg))
            else:  # the next hop's answer to a SETUP this node sent (SIG-003), else dropped
                sig = next((s for s in self.signalling.values() if s.answers_setup(msg)), None)
                if sig is not None:
                    sig.fire(now, ev.ErrorReceived(msg=msg))
        elif family == _DATAPLANE:
            dp = self.dataplane.get(body["circuit_id"])
            if dp is None:
                sig = self.signalling.get(body["circuit_id"])
                if t == "SWAP_OUTCOME" and sig is not None and sig.keep_early(msg):
                    return  # TRK-127: a report that overtook the CONFIRM at the head end
                if self.closed.installed(now, body["circuit_id"]):
                    return  # REL-023: late news of a circuit installed here and released
                raise ProtocolError(ErrorCode.UNKNOWN_CIRCUIT, "circuit not installed",
                                    field="body.circuit_id", msg=msg)  # TRK-004
            source = msg["source"]
            if source == self.node_id or source not in dp.info._positions:  # TRK-014
                raise ProtocolError(ErrorCode.UNEXPECTED_MESSAGE, f"{t} from node {source}, "
                                    "which is not another node of the circuit's route",
                                    field="source", msg=msg)
            dp.fire(now, route[1].of(msg))  # type: ignore[index]
        elif family == _SIGNALLING:
            cid = body["circuit_id"]
            # A circuit released within closed_linger is CLOSED, one never seen IDLE (spec 09
            # section 5): that row of the signalling table decides, and a machine left IDLE is
            # not kept (one reaching CLOSED is forgotten by ``Closed``)
            sig = (self.signalling.get(cid) or self._released(now, cid)
                   or self._new_signalling(cid))
            try:
                sig.fire(now, route[1].of(msg))  # type: ignore[index]
            finally:
                if sig.state is SigState.IDLE:
                    del self.signalling[cid]
                    self._forget_engines()
        elif family == _SERVICE:
            if msg["source"] != self.node_id or self.config.role == "repeater":
                raise ProtocolError(ErrorCode.UNEXPECTED_MESSAGE, "service messages are local "
                                    "and need an end node or router", field="source", msg=msg)
            check_service_fields(msg)  # DLV-002
            ep = self.endpoints.get(body["endpoint"]) or self._new_endpoint(body["endpoint"])
            self._busy(ep).fire(now, route[1].of(msg))  # type: ignore[index]
        else:
            raise ProtocolError(ErrorCode.UNEXPECTED_MESSAGE, f"{t} is not accepted by a node",
                                field="type", msg=msg)

    def _adopt(self, eng: Engine) -> Engine:
        """Apply the node's engine-wide settings to a new engine of this node, and make it
        emit into the node's one output queue (so outputs keep the order they were made in)."""
        if not self.config.record_transitions:
            eng.records_transitions = False  # type: ignore[misc]
        eng.out = self._queue
        return eng

    def _released(self, now: int, cid: int) -> SignallingEngine | None:
        """A machine in ``CLOSED``, not kept, for a circuit released here within
        closed_linger (chapter 11 section 4.5); None for any other circuit."""
        if self.closed.installed(now, cid) is None:
            return None
        sig = self._new_signalling(cid, keep=False)
        sig.state = SigState.CLOSED
        return sig

    def _new_signalling(self, cid: int, *, keep: bool = True) -> SignallingEngine:
        c = self.config
        sig = SignallingEngine(
            ctx=self.ctx, circuit_id=cid, role=c.role, links=self._by_peer, router=self.router,
            policy={"slots_per_link": c.slots_per_link, "setup_timeout_ns": c.setup_timeout_ns,
                    "ack_timeout_ns": c.ack_timeout_ns, "endpoint_ok": self._endpoint_ok,
                    "rto": self.transport.reliable.sampled_rto,
                    "authorise": self._authorise if self.policy is not None else None,
                    "teardown_retries": c.max_retransmissions, "rto_max_ns": c.rto_max_ns,
                    "swap_factor": swap_factor(c.gate_fidelity, c.readout_fidelity),
                    "gate_fidelity": c.gate_fidelity, "readout_fidelity": c.readout_fidelity,
                    "max_distil_rounds": c.max_distil_rounds,
                    "swap_schedule": c.swap_schedule, "level_cutoffs_ns": c.level_cutoffs_ns,
                    "fidelity_threshold": c.fidelity_threshold, "track_ends": c.track_ends,
                    "preempt": self._preempt if c.preempt else None})
        self._adopt(sig)
        if keep:
            self.signalling[cid] = sig
            self._forget_engines()
        return sig

    def _endpoint_ok(self, setup: dict[str, Any]) -> bool:
        ep = self.endpoints.get(setup["tail_endpoint"])  # DLV-004
        return ep is not None and ep.accepts(setup["head_end"], setup["head_endpoint"])

    def _new_endpoint(self, number: int) -> DeliveryEngine:
        eng = DeliveryEngine(ctx=self.ctx, endpoint=number, new_circuit_id=self._next_circuit)
        self._endpoint_rank[number] = len(self.endpoints)
        self.endpoints[number] = eng
        self._adopt(eng)
        self._forget_engines()
        return eng

    def _next_circuit(self) -> int:
        self.circuit_counter += 1
        return (self.node_id << 16 | self.circuit_counter & 0xFFFF) & 0xFFFFFFFF

    def _collect(self, now: int) -> list[Output]:
        """Route the node's outputs in the order the engines emitted them: Local events go to
        their engine (whose outputs join the end of the queue), the rest are returned."""
        result: list[Output] = []
        queue = self._queue  # every engine of the node appends here (``_adopt``)
        for o in queue:  # a list iterator also yields what is appended meanwhile
            cls = o.__class__
            if cls is Send:
                if self._refusal_withheld(o.msg, now):
                    continue
                self.transport.sent(now, o.msg)  # chapter 11: tracked until answered
                if self.audit is not None:
                    audit_events.on_send(self.audit, now, o.msg, self.node_id)
                result.append(o)
            elif cls is TransitionRecord:
                result.append(o)
            elif cls is Local:
                try:
                    self._local(now, o.event)
                except ProtocolError as err:
                    self._error_out(err, None, now)
            elif cls is Fault:
                self._error_out(o.error, None, now)
            else:
                result.append(o)
        queue.clear()
        return result

    def _local(self, now: int, e: Any) -> None:
        if isinstance(e, _TO_DATAPLANE):
            dp = self.dataplane.get(e.circuit_id)
            if dp is not None:
                dp.fire(now, e)
            elif isinstance(e, ev.LinkPairReady):
                self.ctx.release_qubit(now, e.circuit_id, e.qubit, e.link_id, e.seq)
        elif isinstance(e, ev.OpenCircuit):
            self._new_signalling(e.circuit_id).fire(now, e)
        elif isinstance(e, ev.LinkFailed):  # REL-013
            self._fail(now, e.circuits)
        elif isinstance(e, ev.CloseCircuit):
            sig = self.signalling.get(e.circuit_id) or self._released(now, e.circuit_id)
            if sig is not None:
                sig.fire(now, e)
        elif isinstance(e, Install):
            self._install(now, e.info, ends=e.ends)
            if self.audit is not None:
                self.audit.append(now, "circuit_installed", circuit=e.info.circuit_id)
        elif isinstance(e, Release):
            self._release(now, e.circuit_id)
            sig = self.signalling.get(e.circuit_id)
            if self.audit is not None and sig is not None:
                audit_events.on_release(self.audit, now, e.circuit_id, sig.teardown_reason)
        elif isinstance(e, ev.Closed):  # chapter 11 section 4.5: only the id is kept
            self.signalling.pop(e.circuit_id, None)
            installed = self.dataplane.pop(e.circuit_id, None) is not None
            self.closed.remember(now, e.circuit_id, installed=installed)
            self._forget_engines()
        elif isinstance(e, _TO_ENDPOINT):
            ep = self.endpoints.get(e.endpoint)
            if ep is not None:
                self._busy(ep).fire(now, e)
            elif isinstance(e, ev.PairIdentified):
                self.device.free(now=now, qubit=e.qubit)
                self.ctx.resources.give_back(e.circuit_id, e.qubit)

    def _install(self, now: int, info: Any, *, ends: bool = False) -> None:
        """The circuit's data plane, in the tracking mode its CONFIRM names (FWD-034), then
        the reports a head end kept for it (TRK-127), in their order."""
        me = self.node_id
        end = me in (info.head_end, info.tail_end)
        cls = (EndsEndEngine if ends else EndEngine) if end else (
            EndsSwapEngine if ends else SwapEngine)
        self.dataplane[info.circuit_id] = self._adopt(cls(ctx=self.ctx, info=info,
                                                          cutoff_ns=info.cutoff_of(me)))
        self._forget_engines()
        sig = self.signalling.get(info.circuit_id)
        for msg in sig.take_early() if sig is not None else ():
            try:
                self._dispatch(now, msg)
            except ProtocolError as err:
                self._error_out(err, msg, now)
        for rule in info.rules_of(me):
            if rule["action"] == "GENERATE" and rule["match_link"] in self.links:
                self.links[rule["match_link"]].fire(now, ev.GenerateOn(circuit_id=info.circuit_id))

    def _act_on_failures(self, now: int) -> None:
        """Chapter 11 section 4.3: every circuit whose route holds a neighbour found dead or
        restarted (REL-012, REL-014), or a destination a message could not reach (REL-006),
        and a circuit a node of its route no longer knows (REL-026), fails here: torn down with
        reason FAILURE (REL-016), which releases it (REL-015) and tells the application
        (REL-017)."""
        failures = self.transport.failures
        while failures:
            f: Failure = failures.pop(0)
            if f.kind == "forgot":
                assert f.message is not None
                cid = f.message["body"]["circuit_id"]
                sig = self.signalling.get(cid)
                if sig is not None and sig.setup is not None and f.peer in sig.setup["route"]:
                    self._fail(now, [cid])
                continue
            if f.kind != "unreachable":
                self.transport.forget(f.peer)
                if f.kind == "restarted" and self.auth is not None:
                    self.auth.windows.pop(f.peer, None)  # REL-014: its old ids mean nothing
            self._fail(now, [cid for cid, sig in self.signalling.items()
                             if sig.setup is not None and f.peer in sig.setup["route"]])

    def _fail(self, now: int, circuits: list[int] | tuple[int, ...]) -> None:
        """Each circuit fails here: torn down with reason FAILURE (REL-015 to REL-017)."""
        for cid in circuits:
            sig = self.signalling.get(cid)
            if sig is not None:
                sig.fire(now, ev.CloseCircuit(circuit_id=cid, reason="FAILURE"))

    def _release(self, now: int, cid: int) -> None:
        for link in self.links.values():
            if cid in link.circuits:
                link.fire(now, ev.GenerateOff(circuit_id=cid))
        dp = self.dataplane.get(cid)
        if dp is not None and dp.state.name != "CLOSED":
            dp.fire(now, ev.CloseCircuit(circuit_id=cid))
        self.ctx.resources.release(cid)
        self.transport.forget_circuit(cid)  # REL-024
