"""A tiny in-memory driver for scripted-device tests: nodes + stations, explicit time."""

from __future__ import annotations

import heapq
import itertools
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from qvcp.reference.device import ScriptedDevice
from qvcp.reference.engines.base import Send, TransitionRecord
from qvcp.reference.node import LinkConfig, Node, NodeConfig
from qvcp.reference.station import Station
from qvcp.schemas import decode, encode, validate_message

SLOT = 1000


@dataclass
class StationScript:
    """Station device: per-link scripted outcomes (``by_link``), else the shared script."""

    shared: ScriptedDevice
    by_link: dict[int, deque[int]] = field(default_factory=dict)

    def resolve(self, *, now: int, link_id: int, slot_ns: int, modes: int) -> list[int]:
        script = self.by_link.get(link_id)
        if script:
            self.shared.calls.append(("resolve", {"now": now, "link_id": link_id,
                                                  "slot_ns": slot_ns, "modes": modes}))
            return [script.popleft() if script else 255 for _ in range(modes)]
        return self.shared.resolve(now=now, link_id=link_id, slot_ns=slot_ns, modes=modes)


class Harness:
    """Chain of nodes 1..n (roles given) with stations 100+link, unit message delay; its
    circuits use chapter 04's tracking (sections 2 to 4) unless ``track_ends`` lets the nodes
    offer swap reports to the ends (section 7)."""

    #: every harness built, in order (the table-coverage test collects their records)
    created: ClassVar[list[Harness]] = []

    def __init__(self, roles: list[str], *, memory: int = 4, cutoff_ns: int = 0,
                 delay: int = 10, slots_per_link: int = 1, setup_timeout_ns: int = 10**9,
                 ack_timeout_ns: int = 10**8, comm_qubits: int = 2,
                 track_ends: bool = False) -> None:
        Harness.created.append(self)
        self.delay = delay
        #: messages for which this returns True are lost in transit (recorded in ``lost``)
        self.drop: Callable[[dict[str, Any]], bool] = lambda msg: False
        #: applied to every message in transit (after validation): what the receiver gets
        self.rewrite: Callable[[dict[str, Any]], dict[str, Any]] = lambda msg: msg
        self.lost: list[dict[str, Any]] = []
        self.devices = {i + 1: ScriptedDevice() for i in range(len(roles))}
        self.station_dev = ScriptedDevice()
        #: per-link herald outcomes (link id -> deque), consumed before ``station_dev``'s
        self.station_script = StationScript(self.station_dev)
        self.resolve_by_link = self.station_script.by_link
        self.records: list[TransitionRecord] = []
        self.sent: list[dict[str, Any]] = []
        self.app: list[dict[str, Any]] = []
        n = len(roles)
        links: dict[int, list[LinkConfig]] = {i: [] for i in range(1, n + 1)}
        self.stations: dict[int, Station] = {}
        for k in range(1, n):
            for me, peer in ((k, k + 1), (k + 1, k)):
                links[me].append(LinkConfig(link_id=k, peer=peer, station=100 + k, slot_ns=SLOT,
                                            rate_mhz=10**6, fidelity=0.99))
            self.stations[100 + k] = Station.of(station_id=100 + k, link_id=k,
                                                nodes=(k, k + 1), device=self.station_script)
        route = list(range(1, n + 1))
        self.nodes = {
            i: Node(NodeConfig(node_id=i, role=roles[i - 1], memory_qubits=memory,
                               comm_qubits=comm_qubits, links=tuple(links[i]),
                               cutoff_ns=cutoff_ns,
                               slots_per_link=slots_per_link,
                               setup_timeout_ns=setup_timeout_ns,
                               ack_timeout_ns=ack_timeout_ns, track_ends=track_ends,
                               strict=True), self.devices[i],
                    router=lambda s, d, q: route if (s, d) == (1, n) else None)
            for i in route
        }
        self.now = 0
        self.heap: list[tuple[int, int, int, dict[str, Any]]] = []
        self.seq = 0
        self._injected_ids = 3_000_000_000

    def _outputs(self, outs: list[Any]) -> None:
        for o in outs:
            if isinstance(o, TransitionRecord):
                self.records.append(o)
            elif isinstance(o, Send):
                msg = o.msg
                validate_message(msg)
                assert decode(encode(msg)) == msg
                self.sent.append(msg)
                if msg["destination"] == msg["source"] and msg["source"] in self.nodes:
                    self.app.append(msg)
                elif self.drop(msg):
                    self.lost.append(msg)
                else:
                    self.seq += 1
                    msg = self.rewrite(msg)
                    heapq.heappush(self.heap, (self.now + self.delay, self.seq,
                                               msg["destination"], msg))

    def inject(self, node: int, mtype: str, body: dict[str, Any], source: int | None = None,
               message_id: int | None = None) -> None:
        """Deliver a message to ``node`` now: from another node numbered from a counter of the
        harness's own, far above the nodes' counters, unless ``message_id`` is given (a
        repeated id is a duplicate, REL-007); from the node's application numbered 1."""
        if message_id is None and source not in (None, node):
            self._injected_ids += 1
            message_id = self._injected_ids
        elif message_id is None:  # the node's own application: not on the network
            message_id = 1
        msg = {"version": 1, "type": mtype, "message_id": message_id,
               "source": node if source is None else source, "destination": node,
               "body": body, "extensions": [], "auth": None}
        self._outputs(self.nodes[node].receive(self.now, msg))

    def internal(self, node: int, event: Any, *, link_id: int = 0) -> None:
        """Raise a node-internal event at ``node`` now (see ``Node.internal``)."""
        self._outputs(self.nodes[node].internal(self.now, event, link_id=link_id))

    def consume(self, node: int, qubit: int) -> None:
        """The application at ``node`` is done with delivered ``qubit``."""
        self._outputs(self.nodes[node].consume(self.now, qubit))

    def run(self, until: int) -> None:
        """Advance to ``until`` processing messages and timers in time order."""
        while True:
            deadlines = [(d, 0, i) for i, n in self.nodes.items()
                         if (d := n.next_deadline()) is not None]
            deadlines += [(d, 1, i) for i, s in self.stations.items()
                          if (d := s.next_deadline()) is not None]
            t_timer = min(deadlines) if deadlines else None
            t_msg = self.heap[0][0] if self.heap else None
            cands = [t for t in (t_timer and t_timer[0], t_msg) if t is not None]
            if not cands or min(cands) > until:
                self.now = until
                return
            if t_msg is not None and (t_timer is None or t_msg <= t_timer[0]):
                self.now, _, dest, msg = heapq.heappop(self.heap)
                if dest in self.stations:
                    self._outputs(self.stations[dest].receive(self.now, msg))
                elif dest in self.nodes:
                    self._outputs(self.nodes[dest].receive(self.now, msg))
            else:
                self.now, kind, who = t_timer
                if kind == 0:
                    self._outputs(self.nodes[who].on_timer(self.now))
                else:
                    self._outputs(self.stations[who].on_timer(self.now))

    def open(self, head: int, tail: int, *, num_pairs: int = 1, min_fidelity: int = 0) -> None:
        """Open endpoint 5 at both ends and request pairs at ``head``."""
        self.inject(tail, "OPEN_ENDPOINT", {"endpoint": 5, "remote_node": head,
                                            "remote_endpoint": 5})
        self.inject(head, "OPEN_ENDPOINT", {"endpoint": 5, "remote_node": tail,
                                            "remote_endpoint": 5})
        self.inject(head, "PAIR_REQUEST", {"endpoint": 5, "request_id": 9,
                                           "num_pairs": num_pairs, "min_fidelity": min_fidelity,
                                           "min_rate_mhz": 0, "deadline_ns": 0, "priority": 0})

    def app_of(self, node: int, mtype: str) -> list[dict[str, Any]]:
        """Service messages of ``mtype`` delivered to the application at ``node``."""
        return [m for m in self.app if m["source"] == node and m["type"] == mtype]

    def sent_of(self, mtype: str, source: int | None = None,
                dest: int | None = None) -> list[dict[str, Any]]:
        """Messages of ``mtype`` sent (optionally from ``source`` / to ``dest``)."""
        return [m for m in self.sent if m["type"] == mtype
                and source in (None, m["source"]) and dest in (None, m["destination"])]

    def taken(self, engine: str, state: str, event: str) -> list[TransitionRecord]:
        """Transition records of ``engine`` taken from ``state`` on ``event``."""
        return [r for r in self.records
                if (r.engine, r.state, r.event) == (engine, state, event)]

    def errors(self) -> list[dict[str, Any]]:
        """Every ERROR sent between nodes (not counting station mismatch noise)."""
        return [m for m in self.sent if m["type"] == "ERROR"
                and m["source"] in self.nodes and m["body"]["code"] != 258]


def spy_records(net: Any) -> list[TransitionRecord]:
    """Collect every TransitionRecord the simulator ``net`` routes from now on."""
    records: list[TransitionRecord] = []
    original = net._outputs

    def spy(src: int, outs: list[Any]) -> None:
        records.extend(o for o in outs if isinstance(o, TransitionRecord))
        original(src, outs)

    net._outputs = spy
    return records


def werner_chain(n_links: int, *, p: float, fidelity: float, km: float = 0.0,
                 prep: int = 10_000, num_pairs: int = 200, seed: int = 1,
                 options: dict[str, Any] | None = None) -> dict[str, Any]:
    """A scenario: a chain of ``n_links`` equal Werner links (ends N0 and N<n_links>, routers
    between) and one demand of ``num_pairs`` pairs from one end to the other."""
    names = [f"N{i}" for i in range(n_links + 1)]
    return {
        "name": f"chain-{n_links}", "seed": seed, **({"options": options} if options else {}),
        "nodes": [{"name": n, "role": "end" if i in (0, n_links) else "router"}
                  for i, n in enumerate(names)],
        "links": [{"a": a, "b": b, "distance_km": km, "model": "werner", "fidelity": fidelity,
                   "success_probability": p, "preparation_ns": prep}
                  for a, b in itertools.pairwise(names)],
        "demands": [{"head": names[0], "tail": names[-1], "num_pairs": num_pairs}],
    }


def lossy_chain(n: int, duration_ns: int, *, success: float, seed: int = 1,
                **options: Any) -> dict[str, Any]:
    """An n-node chain of ideal nodes with 5 modes per link and slot (2 km Werner links of
    fidelity 0.99 and link success ``success`` per mode), one demand end to end from 100 ms
    on, and 1 % of the messages lost, 1 % duplicated, 5 ns of jitter; ``options`` join the
    scenario's options."""
    names = [f"r{i}" for i in range(n)]
    return {
        "name": "lossy-chain", "seed": seed, "duration_ns": duration_ns,
        "options": {"measure_basis": "none", "slots_per_link": 5, **options},
        "nodes": [{"name": name, "role": "end" if i in (0, n - 1) else "router",
                   "profile": "ideal", "memory_qubits": 10, "comm_qubits": 10}
                  for i, name in enumerate(names)],
        "links": [{"a": a, "b": b, "distance_km": 2.0, "model": "werner", "fidelity": 0.99,
                   "success_probability": success, "preparation_ns": 500_000}
                  for a, b in itertools.pairwise(names)],
        "demands": [{"head": names[0], "tail": names[-1], "num_pairs": 10**6,
                     "min_fidelity": 0.6, "start_ns": 100_000_000}],
        "faults": {"loss": 0.01, "duplicate": 0.01, "jitter_ns": 5},
    }
