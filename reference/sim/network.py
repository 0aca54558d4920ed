"""The deterministic discrete-event simulator: builds a network from a scenario and runs it.

Events ``(kind, target, payload)`` in order of time, then of insertion (:mod:`.events`); the
simulator alone owns the clock and the ``np.random.Generator`` (seeded). Classical messages
travel over fibre at ``c/1.44`` along the shortest fibre path; node-station messages cross half
the link (:mod:`.fibre`). With ``strict=True`` every
message is validated and round-tripped through the binary codec.

>>> from qvcp.reference.sim.network import Network
>>> net = Network.from_scenario("schemas/scenarios/chain-3.yaml", seed=1)  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import gc
import json
import math
import operator
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TextIO

import networkx as nx
import numpy as np

from qvcp.schemas import ErrorCode, decode, encode, validate_message

from ..audit import AuditLog
from ..auth import NodeAuth
from ..engines.base import Send, TransitionRecord
from ..engines.link import MAX_MODES
from ..messages import BELL_CODES, MessageFactory, fidelity_to_wire, rate_to_wire
from ..node import LinkConfig, Node, NodeConfig
from ..routing import Router
from ..station import Station
from .events import EventQueue
from .fastforward import Batch, settle, try_batch
from .faults import FaultPlan, crash_node, restart_node
from .fibre import FibreDelays
from .keyring import Keyring
from .linkmodel import NS_PER_KM, attempt_period, link_model, station_delay_ns
from .regenerate import ParkingDevice, Regeneration, attach, for_network
from .scenario import load_profile, load_scenario, node_policy
from .world import STATION_BASE, MemoryModel, SimDevice, SimStationDevice, World

_ERROR_CODES = frozenset(int(c) for c in ErrorCode)
#: how many of the latest protocol errors ``Network.errors`` keeps (all are counted)
ERRORS_KEPT = 1000
_SEQ = operator.itemgetter("seq")


#: the CPython ``gc`` functions :func:`_run_gc` uses
_GC_TUNING = ("get_threshold", "set_threshold", "freeze", "unfreeze")


@contextlib.contextmanager
def _run_gc() -> Iterator[None]:
    """Python's cyclic garbage collector, set for a run and restored after it.

    A long run keeps many objects alive for a while (messages in flight, held qubits, the
    tracking books), which the default thresholds promote into the oldest generation and then
    rescan in full collections, with everything built before the run: on a 1000-node chain
    those took about 15% of the run. During the run the objects that existed before it are
    frozen (not scanned) and collections are less frequent; what becomes garbage is collected
    all the same. Nothing changes when the collector is disabled, or on an interpreter without
    generational thresholds (PyPy's ``gc`` has neither ``get_threshold`` nor ``freeze``).
    """
    if not gc.isenabled() or not all(hasattr(gc, name) for name in _GC_TUNING):
        yield
        return
    old = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(old[0], 7000), old[1], max(old[2], 100))
    try:
        yield
    finally:
        gc.set_threshold(*old)
        gc.unfreeze()


#: scenario options passed to every node's configuration as they are (chapter 11 timers)
_NODE_OPTIONS = ("setup_timeout_ns", "keepalive_interval_ns", "link_failure_attempts",
                 "rto_max_ns", "msl_ns", "swap_schedule", "fidelity_threshold", "track_ends")

@dataclass
class Delivery:
    """One end-to-end pair as delivered (both ends' PAIR_DELIVERY bodies when both exist)."""

    circuit_id: int
    pair_id: int
    head: dict[str, Any] | None = None
    tail: dict[str, Any] | None = None
    time_ns: int = 0
    fidelity: float = math.nan
    basis: str | None = None
    bits: tuple[int, int] | None = None
    expired: bool = False


@dataclass
class Network:
    """A simulated QVCP network. Build with :meth:`from_scenario`."""

    seed: int = 0
    strict: bool = False
    nodes: dict[int, Node] = field(default_factory=dict)
    stations: dict[int, Station] = field(default_factory=dict)
    names: dict[str, int] = field(default_factory=dict)
    graph: nx.Graph = field(default_factory=nx.Graph)
    world: World = field(default_factory=lambda: World(np.random.default_rng(0)))
    now: int = 0
    events: int = 0
    messages: int = 0
    deliveries: dict[tuple[int, int], Delivery] = field(default_factory=dict)
    requests: list[dict[str, Any]] = field(default_factory=list)
    rejects: list[dict[str, Any]] = field(default_factory=list)
    discards: int = 0
    #: the latest ``ERRORS_KEPT`` protocol errors (ERROR messages sent between nodes and
    #: stations, refusals at stations); every one is counted in ``error_counts``
    errors: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=ERRORS_KEPT))
    #: error code name (or kind) -> how many occurred in the run
    error_counts: dict[str, int] = field(default_factory=dict)
    measure_basis: str = "none"
    #: JSON-lines sink of every message and transition; an object with a ``record(dict)``
    #: method takes the records unserialised, and with ``transitions = False`` gets none of
    #: the engines' transition records
    trace: TextIO | Any | None = None
    on_progress: Callable[[int], None] | None = None
    _queue: EventQueue = field(default_factory=EventQueue)
    _armed: dict[int, int] = field(default_factory=dict)
    #: (node, station) -> delay across half their link (ns), read by :attr:`_fibre`
    _station_delay: dict[tuple[int, int], int] = field(default_factory=dict)
    _app: dict[int, MessageFactory] = field(default_factory=dict)
    #: who holds the other end of a delivered pair, without a scan of ``requests`` per pair:
    #: (head, endpoint) -> the tail of the latest request opened with them, and head -> the
    #: tail of its first request (for an endpoint no request named)
    _tails: dict[tuple[int, int], int] = field(default_factory=dict)
    _first_tail: dict[int, int] = field(default_factory=dict)
    _basis_i: int = 0
    fast_forward: bool = True
    elided_slots: int = 0
    _batches: dict[int, Batch] = field(default_factory=dict)
    _node_batches: dict[int, set[int]] = field(default_factory=dict)
    _delay_cache: dict[tuple[int, int], int] = field(default_factory=dict)
    #: the run's injected faults (scenario ``faults``), or None for a fault-free run
    faults: FaultPlan | None = None
    #: node id -> (configuration, router) to build it again after a restart
    _node_args: dict[int, tuple[NodeConfig, Router | None]] = field(default_factory=dict)
    #: the key of the nodes' audit-log checkpoints (chapter 08 section 5); None: no logs
    audit_key: bytes | None = None
    #: ``options.regenerate: after_delivery`` (docs/simulator.md, "Regeneration"); None: eager
    regen: Regeneration | None = None

    def __post_init__(self) -> None:
        self._fibre = FibreDelays(self.graph, self._station_delay)

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def from_scenario(cls, source: str | Path | dict[str, Any], *, seed: int | None = None,
                      strict: bool | None = None, trace: TextIO | None = None,
                      audit_key: bytes | None = None) -> Network:
        """Build the network of a scenario (file path or dict); seed defaults to the file's.
        With ``audit_key``, every node keeps an audit log (:meth:`write_audit`)."""
        doc = load_scenario(source)
        opts = doc.get("options", {})
        seed = doc.get("seed", 0) if seed is None else seed
        net = cls(seed=seed, strict=opts.get("strict", False) if strict is None else strict,
                  world=World(np.random.default_rng(seed)), trace=trace,
                  measure_basis=opts.get("measure_basis", "none"),
                  fast_forward=opts.get("fast_forward", True), audit_key=audit_key)
        if opts.get("regenerate") == "after_delivery":
            net.regen = for_network(net)
        net._build(doc)
        return net

    def _build(self, doc: dict[str, Any]) -> None:
        opts = doc.get("options", {})
        used = {n["id"] for n in doc["nodes"] if "id" in n}
        next_id = 1
        hw: dict[int, dict[str, Any]] = {}
        for n in doc["nodes"]:
            if "id" in n:
                nid = n["id"]
            else:
                while next_id in used:
                    next_id += 1
                nid, next_id = next_id, next_id + 1
            self.names[n["name"]] = nid
            prof = dict(load_profile(n.get("profile", "ideal")))
            prof.update({k: n[k] for k in ("memory_qubits", "comm_qubits", "t1_s", "t2_s",
                                           "gate_fidelity", "readout_fidelity",
                                           "bsm_success_probability") if k in n})
            hw[nid] = prof
            self.graph.add_node(nid, role=n["role"], name=n["name"])
            inf = math.inf
            t1 = prof["t1_s"] if prof.get("t1_s") is not None else inf
            t2 = prof["t2_s"] if prof.get("t2_s") is not None else inf
            self.world.memory[nid] = MemoryModel(t1, min(t2, 2 * t1), prof["gate_fidelity"],
                                                 prof["readout_fidelity"],
                                                 prof.get("bsm_success_probability", 1.0))
        link_cfgs: dict[int, list[LinkConfig]] = {nid: [] for nid in hw}
        keyring = Keyring.of(opts.get("auth"), self.seed, doc["links"], self.names)
        for i, link in enumerate(doc["links"], start=1):
            a, b = sorted((self.names[link["a"]], self.names[link["b"]]))
            model, slot_ns = link_model(link, hw[a])
            self.world.links[i] = model
            fid = float(model.weights[1][1])
            # a circuit attempts with up to slots_per_link modes per slot (its per-link quota),
            # as far as both ends' communication qubits allow: K p pairs per attempt slot
            modes = max(1, min(opts.get("slots_per_link", 1), MAX_MODES,
                               hw[a]["comm_qubits"], hw[b]["comm_qubits"]))
            half = station_delay_ns(link["distance_km"])
            period = attempt_period(link["distance_km"], slot_ns)  # LINK-018
            rate = modes * model.success_probability / (slot_ns * period * 1e-9)
            station = STATION_BASE + i
            self.graph.add_edge(a, b, link_id=i, km=link["distance_km"], fidelity=fid)
            for nid, peer in ((a, b), (b, a)):
                link_cfgs[nid].append(LinkConfig(
                    link_id=i, peer=peer, station=station, slot_ns=slot_ns,
                    rate_mhz=rate_to_wire(rate), fidelity=fid, attempt_period=period,
                    peer_delay_ns=round(link["distance_km"] * NS_PER_KM)))
                self._station_delay[(nid, station)] = half
            st = self.stations[station] = Station.of(
                station_id=station, link_id=i, nodes=(a, b), device=SimStationDevice(self.world),
                auth=NodeAuth.of(keyring.config(station, (a, b))) if keyring else None)
            if not self._traces_transitions:  # nothing reads its transition records
                st.engine.records_transitions = False  # type: ignore[misc]
        router = Router(self.graph)
        for n in doc["nodes"]:
            nid = self.names[n["name"]]
            prof = hw[nid]
            t2, t1 = prof.get("t2_s"), prof.get("t1_s")
            cfg = NodeConfig(node_id=nid, role=n["role"], memory_qubits=prof["memory_qubits"],
                             comm_qubits=prof["comm_qubits"],
                             t2_ns=t2 * 1e9 if t2 else math.inf,
                             t1_ns=t1 * 1e9 if t1 else math.inf, links=tuple(link_cfgs[nid]),
                             gate_fidelity=prof["gate_fidelity"],
                             readout_fidelity=prof["readout_fidelity"],
                             cutoff_ns=opts.get("cutoff_ns", 0),
                             slots_per_link=opts.get("slots_per_link", 1), strict=self.strict,
                             **{k: opts[k] for k in _NODE_OPTIONS if k in opts},
                             level_cutoffs_ns=tuple(opts.get("level_cutoffs_ns", ())),
                             auth=keyring.config(nid, keyring.peers_of(nid)) if keyring else None,
                             policy=node_policy(n.get("policy"), self.names),
                             record_transitions=self._traces_transitions)
            self._node_args[nid] = (cfg, router if n["role"] != "repeater" else None)
            self.nodes[nid] = self.fresh_node(nid)
        if doc.get("faults"):
            self._plan_faults(doc["faults"])
        for nid, node in self.nodes.items():  # KEEPALIVE to every neighbour first (REL-011)
            self._outputs(nid, node.start(0))
        for d in doc["demands"]:
            self.open_circuit(self.names[d["head"]], self.names[d["tail"]],
                              num_pairs=d["num_pairs"], min_fidelity=d.get("min_fidelity", 0.0),
                              min_rate=d.get("min_rate", 0.0), at_ns=d.get("start_ns", 0),
                              deadline_ns=d.get("deadline_ns", 0), endpoint=d.get("endpoint"),
                              priority=d.get("priority", 0))

    def fresh_node(self, nid: int) -> Node:
        """Node ``nid`` as configured, with no state (at the start, or after a restart). What
        its stable storage keeps (REL-019, REL-022) carries over a restart: the incarnation
        goes up by one, the message-id counter starts above every id used before (the floor
        a node persists in blocks of 2^16), and so do its keyed exchanges (SEC-013, SEC-014)."""
        cfg, router = self._node_args[nid]
        old = self.nodes.get(nid)
        if old is not None:
            floor = (old.ctx.factory.counter // 2**16 + 1) * 2**16 % 2**32
            cfg = replace(old.config, incarnation=(old.config.incarnation + 1) % 2**32,
                          message_id_floor=floor,
                          auth_storage=old.auth.persisted() if old.auth is not None else None)
            self._node_args[nid] = (cfg, router)
        device = ParkingDevice(self.world, nid) if self.regen else SimDevice(self.world, nid)
        node = Node(cfg, device, router=router)
        if self.regen is not None:
            attach(self, nid, node)
        if self.audit_key is not None:  # the log is on stable storage: it outlives a restart
            node.audit = old.audit if old is not None else AuditLog(node=nid, key=self.audit_key)
        return node

    def write_audit(self, directory: Path) -> list[Path]:
        """Close every node's audit log at the current time and write it to
        ``directory/node-<id>.jsonl``; returns the paths."""
        directory.mkdir(parents=True, exist_ok=True)
        out = []
        for nid, node in sorted(self.nodes.items()):
            if node.audit is None:
                continue
            if not node.audit.closed:
                node.audit.close(self.now)
            path = directory / f"node-{nid}.jsonl"
            node.audit.write(path)
            out.append(path)
        return out

    def _plan_faults(self, doc: dict[str, Any]) -> None:
        """Inject the scenario's faults (docs/simulator.md). Fast-forward of failed slots is
        off: a lost ATTEMPT or HERALD in an elided slot could not be sampled."""
        links = {frozenset((a, b)): (d["link_id"], STATION_BASE + d["link_id"])
                 for a, b, d in self.graph.edges(data=True)}
        self.faults = FaultPlan.build(doc, seed=self.seed, names=self.names, links=links)
        self.fast_forward = False
        for ev in self.faults.events:
            self._push(ev.at_ns, 2, 0, ev)

    def _fault_event(self, ev: Any, actors: dict[int, Any]) -> None:
        """Apply one scheduled failure (kind 2 heap entries)."""
        assert self.faults is not None
        self._log({"t": self.now, "ev": "fault", "action": ev.action, "nodes": list(ev.nodes)})
        if ev.action in ("link_down", "link_up"):
            link = self.graph.edges[ev.nodes]["link_id"]
            (self.faults.link_down if ev.action == "link_down" else self.faults.link_up)(link)
        elif ev.action == "crash":
            crash_node(self, ev.nodes[0])
        else:
            nid = ev.nodes[0]
            actors[nid] = restart_node(self, nid)
            self._outputs(nid, actors[nid].start(self.now))
            self._arm(nid, actors[nid])

    # -- circuits and applications ------------------------------------------------------------
    def node_id(self, name_or_id: str | int) -> int:
        """Resolve a node name (or id) to its id; ``KeyError`` naming it otherwise."""
        if isinstance(name_or_id, int) and name_or_id in self.nodes:
            return name_or_id
        if name_or_id in self.names:
            return self.names[name_or_id]  # type: ignore[index]
        raise KeyError(f"unknown node {name_or_id!r}")

    def open_circuit(self, head: int | str, tail: int | str, *, num_pairs: int,
                     min_fidelity: float = 0.0, min_rate: float = 0.0, at_ns: int = 0,
                     deadline_ns: int = 0, endpoint: int | None = None,
                     priority: int = 0) -> int:
        """Schedule OPEN_ENDPOINT at both ends and PAIR_REQUEST at ``head``; returns request id.
        ``priority`` (0 to 7) is the request's, which the circuit set up for it carries (a hop
        short of resources may preempt circuits of lower priority for it, SIG-016)."""
        h, t = self.node_id(head), self.node_id(tail)
        rid = len(self.requests) + 1
        ep = endpoint or rid
        self.requests.append({"request_id": rid, "head": h, "tail": t, "endpoint": ep,
                              "num_pairs": num_pairs, "at_ns": at_ns,
                              "min_fidelity": min_fidelity, "min_rate": min_rate})
        self._tails[(h, ep)] = t
        self._first_tail.setdefault(h, t)
        for node, remote in ((t, h), (h, t)):
            self._app_send(at_ns, node, "OPEN_ENDPOINT", {"endpoint": ep, "remote_node": remote,
                                                          "remote_endpoint": ep})
        self._app_send(at_ns, h, "PAIR_REQUEST", {
            "endpoint": ep, "request_id": rid, "num_pairs": num_pairs,
            "min_fidelity": fidelity_to_wire(min_fidelity), "min_rate_mhz": rate_to_wire(min_rate),
            "deadline_ns": deadline_ns, "priority": priority})
        return rid

    def _app_send(self, at: int, node: int, mtype: str, body: dict[str, Any]) -> None:
        fac = self._app.setdefault(node, MessageFactory(node, counter=10**9))
        self._push(at, 0, node, fac.make(mtype, node, body))

    # -- event loop ---------------------------------------------------------------------------
    def _push(self, t: int, kind: int, target: int, payload: Any) -> None:
        self._queue.push(t, kind, target, payload)

    def _arm(self, actor_id: int, actor: Any) -> None:
        d = actor.next_deadline()
        if d is None:
            self._armed.pop(actor_id, None)  # a timer event already queued is now stale
        elif self._armed.get(actor_id) != d:
            self._armed[actor_id] = d
            self._queue.push(max(d, self.now), 1, actor_id, d)

    def _delay(self, src: int, dst: int) -> int:
        """The delay from ``src`` to ``dst`` (ns), cached in ``_delay_cache`` when it may be."""
        d = self._delay_cache.get((src, dst))
        if d is None:
            d, cacheable = self._fibre.delay(src, dst)
            if cacheable:
                self._delay_cache[(src, dst)] = d
        return d

    @property
    def _traces_transitions(self) -> bool:
        """A trace wants the engines' transition records unless it says otherwise."""
        return self.trace is not None and getattr(self.trace, "transitions", True)

    def _log(self, rec: dict[str, Any]) -> None:
        if self.trace is not None:
            record = getattr(self.trace, "record", None)
            if record is not None:  # a sink that takes the records themselves, unserialised
                record(rec)
            else:
                self.trace.write(json.dumps(rec, separators=(",", ":"), sort_keys=True) + "\n")

    def _outputs(self, src: int, outputs: list[Any]) -> None:
        trace = self.trace
        for o in outputs:
            cls = type(o)
            # exact classes first (untraced runs make no transition records), then subclasses
            if cls is Send or (cls is not TransitionRecord and isinstance(o, Send)):
                self._send(src, o.msg)
            elif trace is not None and isinstance(o, TransitionRecord):
                self._log({"t": o.now, "ev": "transition", "engine": o.engine, "key": o.key,
                           "from": o.state, "on": o.event, "to": o.next_state})

    def _error(self, kind: str, record: dict[str, Any]) -> None:
        self.errors.append(record)
        self.error_counts[kind] = self.error_counts.get(kind, 0) + 1

    def _send(self, src: int, msg: dict[str, Any]) -> None:
        if self.strict:
            validate_message(msg)
            back = decode(encode(msg))
            assert back == msg, f"wire round trip changed {msg['type']}"
        self.messages += 1
        dst = msg["destination"]
        if self.trace is not None:
            self._log({"t": self.now, "ev": "send", "msg": msg})
        if dst == src and src in self.nodes:
            self._app_receive(src, msg)
            return
        if msg["type"] == "ERROR":
            code = msg["body"]["code"]
            self._error(ErrorCode(code).name if code in _ERROR_CODES else str(code),
                        {"t": self.now, "from": src, "to": dst, "body": msg["body"]})
        delay = self._delay_cache.get((src, dst))
        if delay is None:
            delay = self._delay(src, dst)
        if self.faults is not None:
            for extra in self.faults.arrivals(src, dst):
                self._queue.push(self.now + delay + extra, 0, dst, msg)
            return
        self._queue.push(self.now + delay, 0, dst, msg)

    def run_until(self, t_end: int) -> None:
        """Process every event up to and including ``t_end`` (ns)."""
        with _run_gc():
            self._run(t_end)

    def _run(self, t_end: int) -> None:
        for nid, node in self.nodes.items():
            self._arm(nid, node)
        pop_due, push = self._queue.pop_due, self._queue.push
        nodes = self.nodes
        actors: dict[int, Any] = {**self.stations, **nodes}  # nodes win a shared id, as before
        armed = self._armed
        node_batches = self._node_batches
        trace, on_progress, fast_forward = self.trace, self.on_progress, self.fast_forward
        outputs = self._outputs
        events = self.events  # counted here, stored back below (read by progress and summary)
        t = self.now
        try:
            while (event := pop_due(t_end)) is not None:
                t, kind, target, payload = event
                if kind == 2:
                    self.now = t
                    self._fault_event(payload, actors)
                    continue
                actor = actors.get(target)
                if actor is None or (self.faults is not None and target in self.faults.crashed):
                    continue
                if kind == 1:
                    if armed.get(target) != payload:
                        continue
                    del armed[target]
                    self.now = t
                    batched = node_batches.get(target)
                    if batched:
                        settle(self, target, t, due_only=True)
                    events += 1
                    outputs(target, actor.on_timer(t))
                else:
                    self.now = t
                    batched = node_batches.get(target)
                    if batched:
                        settle(self, target, t, due_only=True)
                    events += 1
                    if trace is not None:
                        self._log({"t": t, "ev": "recv", "at": target, "type": payload["type"],
                                   "id": payload["message_id"], "from": payload["source"]})
                    outputs(target, actor.receive(t, payload))
                    if (fast_forward and payload["type"] == "HERALD" and target in nodes
                            and not any(map(_SEQ, payload["body"]["results"]))):  # all failed
                        try_batch(self, payload["body"]["link_id"])
                if batched:
                    for link in settle(self, target, t, due_only=False):
                        try_batch(self, link)
                d = actor.next_deadline()  # self._arm(target, actor), inlined
                if d is None:
                    armed.pop(target, None)
                elif armed.get(target) != d:
                    armed[target] = d
                    push(d if d > self.now else self.now, 1, target, d)
                if on_progress is not None and events % 4096 == 0:
                    self.events = events
                    on_progress(t)
        finally:
            self.events = events
        self.now = max(self.now, t_end)

    # -- applications ------------------------------------------------------------------------
    def _app_receive(self, node: int, msg: dict[str, Any]) -> None:
        t, b = msg["type"], msg["body"]
        if t == "PAIR_DELIVERY":
            key = (b["circuit_id"], b["pair_id"])
            d = self.deliveries.setdefault(key, Delivery(b["circuit_id"], b["pair_id"]))
            head = node == (b["circuit_id"] >> 16)
            if (d.head if head else d.tail) is not None:
                self._error("delivered twice",
                            {"t": self.now, "where": node, "detail": "delivered twice"})
            if head:
                d.head = dict(b)
            else:
                d.tail = dict(b)
            if d.head is not None and d.tail is not None and not d.expired:
                self._both_delivered(d)
        elif t == "PAIR_EXPIRED":
            key = (b["circuit_id"], b["pair_id"])
            d = self.deliveries.setdefault(key, Delivery(b["circuit_id"], b["pair_id"]))
            d.expired = True
        elif t == "ERROR":
            self.rejects.append({"t": self.now, "node": node, **b})
        if self.trace is not None:
            self._log({"t": self.now, "ev": "app", "at": node, "msg": msg})

    def _both_delivered(self, d: Delivery) -> None:
        assert d.head is not None and d.tail is not None
        h = d.circuit_id >> 16
        t = self._tails.get((h, d.head["endpoint"]))
        if t is None:
            t = self._first_tail[h]
        qh, qt = (h, d.head["qubit_handle"]), (t, d.tail["qubit_handle"])
        d.time_ns = self.now
        d.fidelity = self.world.fidelity(qh, BELL_CODES[d.head["bell_state"]], self.now)
        if self.regen is not None:  # the round of every swap that made this pair is over
            self.regen.ended(self.world.pairs.get(qh))
        basis = self.measure_basis
        if basis == "cycle":
            basis = "ZXY"[self._basis_i % 3]
            self._basis_i += 1
        if basis in ("X", "Y", "Z"):
            d.basis = basis
            d.bits = (self.world.measure(*qh, basis, self.now),
                      self.world.measure(*qt, basis, self.now))
        for node, q in ((h, qh[1]), (t, qt[1])):
            self._outputs(node, self.nodes[node].consume(self.now, q))
            self._arm(node, self.nodes[node])

    # -- results -------------------------------------------------------------------------------
    def completed(self) -> list[Delivery]:
        """Pairs delivered at both ends (in delivery order)."""
        done = [d for d in self.deliveries.values() if d.head and d.tail and not d.expired]
        return sorted(done, key=lambda d: (d.time_ns, d.circuit_id, d.pair_id))

    def check_invariants(self, settle_ns: int | None = None) -> list[str]:
        """Problems found (empty list = all invariants hold): :func:`.invariants.check` as
        sentences; ``settle_ns`` defaults to :func:`.invariants.default_settle_ns`."""
        from .invariants import check, default_settle_ns

        settle = default_settle_ns(self) if settle_ns is None else settle_ns
        return [str(v) for v in check(self, settle_ns=settle)]

    def memory_in_use(self) -> dict[int, int]:
        """Occupied memory slots per node."""
        return {nid: n.memory_in_use() for nid, n in self.nodes.items()}
