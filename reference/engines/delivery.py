"""Delivery engine: one per (node, endpoint); the service interface of chapter 06.

OPEN_ENDPOINT / CLOSE_ENDPOINT / PAIR_REQUEST from the application; PAIR_DELIVERY,
PAIR_EXPIRED, ENDPOINT_STATUS and ERROR back. A request opens a circuit (head end); the
passive end delivers with ``request_id`` 0 (DLV-024). A request that arrives while another is
served waits, and the waiting requests are served one after the other in the order received
(DLV-102.2, DLV-013).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from qvcp.schemas import ErrorCode

from ..circuit import NodeContext
from ..messages import BELL_NAMES, fidelity_to_wire
from .base import Engine as _Engine
from .base import Local, ProtocolError, Rule, Send
from .events import (
    CircuitDown,
    CircuitUp,
    CloseCircuit,
    CloseEndpoint,
    Consume,
    DeadlineTimer,
    ExpiryTimer,
    OpenCircuit,
    OpenEndpoint,
    PairIdentified,
    PairLost,
    PairRequest,
)


class EndpointState(Enum):
    """State of one service endpoint."""

    CLOSED = "not open"
    OPEN = "open, no circuit"
    REQUESTED = "request sent, circuit being set up"
    ACTIVE = "circuit established, delivering"


C, OP, R, A = EndpointState.CLOSED, EndpointState.OPEN, EndpointState.REQUESTED, \
    EndpointState.ACTIVE

def check_service_fields(msg: dict[str, Any]) -> None:
    """DLV-002: endpoint 0 is not an endpoint; OPEN_ENDPOINT names both remote parts or none.

    Raises:
        ProtocolError: FIELD_OUT_OF_RANGE naming the field.
    """
    body = msg["body"]
    if body["endpoint"] == 0:
        raise ProtocolError(ErrorCode.FIELD_OUT_OF_RANGE, "endpoint 0 is reserved",
                            field="body.endpoint", msg=msg)
    if msg["type"] == "OPEN_ENDPOINT" and (body["remote_node"] == 0) != (
            body["remote_endpoint"] == 0):
        field = "body.remote_node" if body["remote_node"] == 0 else "body.remote_endpoint"
        raise ProtocolError(ErrorCode.FIELD_OUT_OF_RANGE,
                            "remote_node and remote_endpoint are both 0 or both set",
                            field=field, msg=msg)


TABLE = {
    (C, OpenEndpoint): Rule(OP, "open"),
    (OP, OpenEndpoint): Rule(OP, "in_use"),
    (R, OpenEndpoint): Rule(R, "in_use"),
    (A, OpenEndpoint): Rule(A, "in_use"),
    (OP, CloseEndpoint): Rule(C, "close"),
    (R, CloseEndpoint): Rule(C, "close"),
    (A, CloseEndpoint): Rule(C, "close"),
    (C, CloseEndpoint): Rule(C, "not_open"),
    (C, PairRequest): Rule(C, "not_open"),
    (OP, PairRequest): Rule((R, OP), "request_pairs"),
    # DLV-102.2/DLV-013: a request arriving while another is served waits for it
    (R, PairRequest): Rule(R, "request_more"),
    (A, PairRequest): Rule(A, "request_more"),
    (OP, CircuitUp): Rule(A, "up"),
    (R, CircuitUp): Rule(A, "up"),
    # a circuit refused or released before its request is met fails the request (DLV-011.1), and
    # the next waiting request is set up (REQUESTED)
    (R, CircuitDown): Rule((OP, R), "down"),
    (A, CircuitDown): Rule((A, R, OP), "down"),
    (OP, CircuitDown): Rule(OP, "ignore"),
    (C, CircuitDown): Rule(C, "ignore"),
    (A, PairIdentified): Rule(A, "deliver"),
    (OP, PairIdentified): Rule(OP, "refuse_pair"),
    (R, PairIdentified): Rule(R, "refuse_pair"),
    (C, PairIdentified): Rule(C, "refuse_pair"),
    (A, PairLost): Rule(A, "lost"),
    (OP, PairLost): Rule(OP, "ignore"),
    (C, PairLost): Rule(C, "ignore"),
    # pairs of a completed circuit stay delivered (DLV-103) while a new request is served;
    # a CLOSED endpoint holds no pair (DLV-005), so it never sees Consume
    (A, Consume): Rule(A, "consume"),
    (OP, Consume): Rule(OP, "consume"),
    (R, Consume): Rule(R, "consume"),
    (A, ExpiryTimer): Rule(A, "expire_due"),
    (OP, ExpiryTimer): Rule(OP, "expire_due"),
    (R, ExpiryTimer): Rule(R, "expire_due"),
    # DLV-011.2: the deadline of the request being served, or of a waiting one ("waiting"
    # timer), passed before all its pairs were delivered (a timer is disarmed when its request
    # completes, is refused or the endpoint closes)
    (R, DeadlineTimer): Rule(R, "deadline_passed"),
    (A, DeadlineTimer): Rule(A, "deadline_passed"),
}


@dataclass
class DeliveryEngine(_Engine):
    """One endpoint of one node."""

    NAME = "delivery"
    TABLE = TABLE
    ctx: NodeContext | None = None
    endpoint: int = 0
    new_circuit_id: Callable[[], int] | None = None
    remote: tuple[int, int] = (0, 0)
    request: dict[str, Any] | None = None  # the request being served
    request_msg_id: int = 0  # message_id of its PAIR_REQUEST (echoed by DLV-011.1/.2 ERRORs)
    request_circuit: int = 0  # the circuit set up for it
    #: requests received while another is served, in arrival order (DLV-013): (body, message_id)
    waiting: list[tuple[dict[str, Any], int]] = field(default_factory=list)
    circuits: set[int] = field(default_factory=set)
    established: set[int] = field(default_factory=set)  # circuits of ``circuits`` set up
    #: the circuits this head end set up, while installed -> the request_id each serves
    request_of: dict[int, int] = field(default_factory=dict)
    held: dict[int, tuple[int, int, int]] = field(default_factory=dict)  # qubit->circ,pair,exp
    counts: dict[int, int] = field(default_factory=dict)
    failed: set[int] = field(default_factory=set)  # circuits of a request past its deadline

    def __post_init__(self) -> None:
        self.state = EndpointState.CLOSED

    @property
    def key(self) -> str:
        assert self.ctx is not None
        return f"{self.ctx.node_id}/endpoint{self.endpoint}"

    def _app(self, mtype: str, body: dict[str, Any]) -> None:
        assert self.ctx is not None
        self.out.append(Send(self.ctx.factory.make(mtype, self.ctx.node_id, body)))

    def _status(self, status: str) -> None:
        self._app("ENDPOINT_STATUS", {"endpoint": self.endpoint, "status": status})

    def open(self, now: int, ev: OpenEndpoint) -> None:
        """DLV-001.1: (0, 0) as the remote is a passive open, accepting any head end (spec 06
        section 2); exactly one of the two 0 is refused before (DLV-002)."""
        self.remote = (ev.body["remote_node"], ev.body["remote_endpoint"])
        self._status("OPEN")  # DLV-003.1

    def accepts(self, head_end: int, head_endpoint: int) -> bool:
        """DLV-004: this endpoint is open and bound to ``head_end``'s ``head_endpoint``, or
        passively opened."""
        return self.state is not EndpointState.CLOSED and self.remote in (
            (head_end, head_endpoint), (0, 0))

    def in_use(self, now: int, ev: Any) -> None:
        raise ProtocolError(ErrorCode.ENDPOINT_IN_USE, "endpoint already open",
                            field="body.endpoint", msg=ev.msg)

    def not_open(self, now: int, ev: Any) -> None:
        raise ProtocolError(ErrorCode.ENDPOINT_NOT_OPEN, "endpoint not open",
                            field="body.endpoint", msg=ev.msg)

    def close(self, now: int, ev: CloseEndpoint) -> None:
        for circuit in sorted(self.circuits):  # DLV-005
            self.out.append(Local(CloseCircuit(circuit_id=circuit, reason="NORMAL")))
        self._free_all(now, expire=False)
        self.circuits.clear()
        self.established.clear()
        # DLV-005: every pending request fails, the one being served first (arrival order)
        pending = [self.request_msg_id] if self.request is not None else []
        for mid in [*pending, *(mid for _, mid in self.waiting)]:
            self._fail(ErrorCode.ENDPOINT_NOT_OPEN, mid, "endpoint closed", "body.endpoint")
        self.waiting.clear()
        self.timers.pop("waiting", None)
        self._end_request()
        self._status("CLOSED")

    @staticmethod
    def _check_request(ev: PairRequest, now: int) -> None:
        b = ev.body
        if b["num_pairs"] == 0:  # DLV-012
            raise ProtocolError(ErrorCode.FIELD_OUT_OF_RANGE, "num_pairs 0",
                                field="body.num_pairs", msg=ev.msg)
        if b["deadline_ns"] and b["deadline_ns"] <= now:  # DLV-011.1: the deadline has passed
            raise ProtocolError(ErrorCode.REQUEST_UNSATISFIABLE, "deadline_ns has passed",
                                field="body.deadline_ns", msg=ev.msg)

    def request_pairs(self, now: int, ev: PairRequest) -> EndpointState:
        self._check_request(ev, now)
        self._start(now, dict(ev.body), int(ev.msg.get("message_id", 0)))
        return EndpointState.REQUESTED

    def request_more(self, now: int, ev: PairRequest) -> None:
        """DLV-102.2/DLV-013: served at once when no request is being served, else it waits
        for the requests before it."""
        self._check_request(ev, now)
        mid = int(ev.msg.get("message_id", 0))
        if self.request is None:
            self._start(now, dict(ev.body), mid)
        else:
            self.waiting.append((dict(ev.body), mid))
            self._arm_waiting()

    def _arm_waiting(self) -> None:
        """The ``waiting`` timer at the earliest deadline among the waiting requests."""
        deadlines = [b["deadline_ns"] for b, _ in self.waiting if b["deadline_ns"]]
        if deadlines:
            self.timers["waiting"] = min(deadlines)
        else:
            self.timers.pop("waiting", None)

    def _fail_expired(self, now: int) -> None:
        """DLV-011.2: fail the waiting requests whose deadline has passed."""
        live = []
        for body, mid in self.waiting:
            if body["deadline_ns"] and body["deadline_ns"] <= now:
                self._fail(ErrorCode.REQUEST_UNSATISFIABLE, mid, "deadline passed while the "
                           "request waited", "body.deadline_ns")
            else:
                live.append((body, mid))
        self.waiting = live

    def _next(self, now: int) -> None:
        """Serve the first waiting request whose deadline has not passed (DLV-013)."""
        self._fail_expired(now)
        if self.request is None and self.waiting:
            self._start(now, *self.waiting.pop(0))
        self._arm_waiting()

    def _start(self, now: int, b: dict[str, Any], message_id: int) -> None:
        """Serve request ``b``: set up a circuit for it (spec 06 section 3)."""
        assert self.new_circuit_id is not None
        circuit = self.new_circuit_id()
        self.request = b
        self.request_msg_id = message_id
        self.request_circuit = circuit
        if b["deadline_ns"]:
            self.timers["deadline"] = b["deadline_ns"]
        self.request_of[circuit] = b["request_id"]
        self.circuits.add(circuit)
        assert self.ctx is not None
        policy_cutoff = self.ctx.cutoff_ns
        # spec 06 section 3: max_latency_ns = deadline_ns - now; the deadline itself is
        # enforced here (DLV-011.2), so the circuit gets no duration of its own
        qos = {"min_rate_mhz": b["min_rate_mhz"], "min_fidelity": b["min_fidelity"],
               "max_latency_ns": b["deadline_ns"] - now if b["deadline_ns"] else 0,
               "cutoff_ns": policy_cutoff, "num_pairs": b["num_pairs"], "duration_ns": 0,
               "priority": b["priority"]}
        self.out.append(Local(OpenCircuit(circuit_id=circuit, tail_end=self.remote[0],
                                          head_endpoint=self.endpoint,
                                          tail_endpoint=self.remote[1], qos=qos)))

    def up(self, now: int, ev: CircuitUp) -> None:
        self.circuits.add(ev.circuit_id)
        self.established.add(ev.circuit_id)

    def down(self, now: int, ev: CircuitDown) -> EndpointState:
        cid = ev.circuit_id
        self.circuits.discard(cid)
        self.established.discard(cid)
        self.failed.discard(cid)
        self.request_of.pop(cid, None)
        if self.request is not None and cid == self.request_circuit:
            if ev.reason == "COMPLETED":  # met, as counted by the other end (SIG-035)
                self._end_request()
            else:  # DLV-011.1: refused, or released before it could provide every pair
                self._unsatisfiable(f"circuit refused: {ev.rejected}" if ev.rejected else
                                    "circuit released before all pairs were delivered "
                                    f"({ev.reason})")
            self._next(now)
        if ev.reason != "COMPLETED":  # DLV-103; a completed circuit's pairs stay delivered
            self._free_circuit(now, cid, expire=True)
        if self.established:
            return EndpointState.ACTIVE
        return EndpointState.REQUESTED if self.request is not None else EndpointState.OPEN

    def deliver(self, now: int, ev: PairIdentified) -> None:
        if ev.circuit_id not in self.circuits or ev.circuit_id in self.failed:  # DLV-011.3
            self.refuse_pair(now, ev)
            return
        request_id = self.request_of.get(ev.circuit_id, 0)  # 0 at the passive end (DLV-024)
        self._app("PAIR_DELIVERY", {
            "endpoint": self.endpoint, "request_id": request_id, "circuit_id": ev.circuit_id,
            "pair_id": ev.pair_id, "qubit_handle": ev.qubit, "bell_state": BELL_NAMES[ev.bell],
            "fidelity_estimate": fidelity_to_wire(ev.fidelity), "created_ns": ev.created_ns,
            "expires_ns": ev.expires_ns})
        self.held[ev.qubit] = (ev.circuit_id, ev.pair_id, ev.expires_ns)
        if ev.expires_ns:
            self.timers[self.timer_name("expire", ev.qubit)] = ev.expires_ns  # DLV-031
        n = self.counts[ev.circuit_id] = self.counts.get(ev.circuit_id, 0) + 1
        req = self.request
        if req is not None and ev.circuit_id == self.request_circuit and n >= req["num_pairs"]:
            # SIG-035: the request is met (its deadline no longer applies); the next waits
            self.out.append(Local(CloseCircuit(circuit_id=ev.circuit_id, reason="COMPLETED")))
            self._end_request()
            self._next(now)

    def _end_request(self) -> None:
        self.request = None
        self.timers.pop("deadline", None)

    def _fail(self, code: ErrorCode, message_id: int, detail: str, field: str) -> None:
        """ERROR ``code`` to the application for the PAIR_REQUEST ``message_id`` (DLV-005,
        DLV-011.1, DLV-011.2: the ERROR echoes the request's message_id)."""
        self._app("ERROR", {"code": int(code), "offending_message_id": message_id,
                            "offending_type": 67, "field": field, "detail": detail})

    def _unsatisfiable(self, detail: str, field: str = "") -> None:
        """DLV-011.1, DLV-011.2: fail the request being served with REQUEST_UNSATISFIABLE."""
        self._fail(ErrorCode.REQUEST_UNSATISFIABLE, self.request_msg_id, detail, field)
        self._end_request()

    def deadline_passed(self, now: int, ev: DeadlineTimer) -> None:
        """DLV-011.2, DLV-011.3: report the request unsatisfiable and deliver no more pairs for
        it: its circuit (set up for it by this head end) is torn down (reason NORMAL); the state
        changes when its CircuitDown arrives. The ``waiting`` timer fails the waiting requests
        whose deadline passed instead."""
        if ev.name == "waiting":
            self._fail_expired(now)
            self._arm_waiting()
            return
        if self.request is None:
            return
        self._unsatisfiable("deadline passed before all pairs were delivered",
                            "body.deadline_ns")
        circuit = self.request_circuit
        if circuit in self.circuits:
            self.failed.add(circuit)
            self.out.append(Local(CloseCircuit(circuit_id=circuit, reason="NORMAL")))
        self._next(now)

    def refuse_pair(self, now: int, ev: PairIdentified) -> None:
        self._release(now, ev.circuit_id, ev.qubit)

    def _release(self, now: int, circuit: int, qubit: int) -> None:
        assert self.ctx is not None
        self.ctx.device.free(now=now, qubit=qubit)
        self.ctx.resources.give_back(circuit, qubit)

    def _expire(self, now: int, qubit: int) -> None:
        circuit, pair_id, _ = self.held.pop(qubit)
        self.disarm("expire", qubit)
        self._release(now, circuit, qubit)
        self._app("PAIR_EXPIRED", {"endpoint": self.endpoint, "circuit_id": circuit,
                                   "pair_id": pair_id, "qubit_handle": qubit})  # DLV-030.1

    def _free_circuit(self, now: int, circuit: int, *, expire: bool) -> None:
        for qubit in [q for q, v in self.held.items() if v[0] == circuit]:
            if expire:
                self._expire(now, qubit)
            else:
                self._release(now, circuit, self.held.pop(qubit) and qubit)
                self.disarm("expire", qubit)

    def _free_all(self, now: int, *, expire: bool) -> None:
        for circuit in {v[0] for v in self.held.values()}:
            self._free_circuit(now, circuit, expire=expire)

    def lost(self, now: int, ev: PairLost) -> None:
        for qubit, (circuit, pair_id, _) in list(self.held.items()):
            if circuit == ev.circuit_id and pair_id == ev.pair_id:
                self._expire(now, qubit)

    def consume(self, now: int, ev: Consume) -> None:
        if ev.qubit in self.held:
            circuit, _, _ = self.held.pop(ev.qubit)
            self.disarm("expire", ev.qubit)
            self._release(now, circuit, ev.qubit)

    def expire_due(self, now: int, ev: ExpiryTimer) -> None:
        (qubit,) = self.timer_key(ev.name)
        if qubit in self.held:
            self._expire(now, qubit)

    def ignore(self, now: int, ev: Any) -> None:
        return None

    def on_timer(self, now: int, name: str) -> None:
        """Fire the timer ``name``: ``deadline`` or ``waiting`` (DLV-011.2), or
        ``expire:<qubit>`` (DLV-031)."""
        self.fire(now, DeadlineTimer(name=name) if name in ("deadline", "waiting")
                  else ExpiryTimer(name=name))
