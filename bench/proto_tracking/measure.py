"""Measurements of one run, of the reference or of the reports-to-the-ends prototype.

:func:`instrumented` runs a scenario with a trace sink (messages by type; which messages share
source, destination and send time) and with wrappers on the world (the herald time of the
last link pair behind each end-to-end pair) and on the applications' receive (delivery
latency at each end). :func:`timed` runs it bare for the CPU and wall time. The two runs are
the same simulation (the trace and the wrappers draw no random numbers); :func:`instrumented`
reports its event count so the caller can check.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from qvcp.reference.engines.tracking_ends import EndsEndEngine
from qvcp.reference.sim.network import Network

Qubit = tuple[int, int]


@dataclass
class Traffic:
    """Trace sink: messages sent by type, and how many share (source, destination, time)."""

    transitions = False
    sent: Counter[str] = field(default_factory=Counter)
    #: (source, destination, time) -> message types sent then
    groups: dict[tuple[int, int, int], list[str]] = field(default_factory=dict)

    def record(self, rec: dict[str, Any]) -> None:
        if rec["ev"] != "send":
            return
        msg = rec["msg"]
        self.sent[msg["type"]] += 1
        key = (msg["source"], msg["destination"], rec["t"])
        self.groups.setdefault(key, []).append(msg["type"])

    def sharing(self) -> dict[str, int]:
        """ACKs and messages that share (source, destination, send time) with another (and
        the ACKs among them whose group holds a message other than an ACK: they could ride on
        it), and the datagrams all messages would take if every such group were one."""
        acks = every = with_data = 0
        for types in self.groups.values():
            if len(types) > 1:
                every += len(types)
                n = types.count("ACK")
                acks += n
                if n < len(types):
                    with_data += n
        return {"acks_sharing": acks, "acks_with_data": with_data, "messages_sharing": every,
                "datagrams_if_grouped": len(self.groups),
                "messages": sum(self.sent.values())}


@dataclass
class Result:
    """What one run of one mode gave."""

    mode: str
    pairs: int
    fidelity: float
    events: int
    problems: list[str]
    #: ERROR messages sent between nodes, by kind (``Network.error_counts``)
    errors: dict[str, int]
    sent: Counter[str] = field(default_factory=Counter)
    sharing: dict[str, int] = field(default_factory=dict)
    latency_us: float = float("nan")
    latencies: int = 0
    expired_reports: int = 0
    peak_buffered: int = 0
    #: qubits the nodes' data planes still hold at the end, and how many of them are
    #: orphans (their pair's other half is gone: a DISCARD that did not arrive)
    held: int = 0
    orphans: int = 0
    cpu_s: float = float("nan")
    wall_s: float = float("nan")

    def per_pair(self, what: float) -> float:
        return what / self.pairs if self.pairs else float("nan")


def with_mode(doc: dict[str, Any], mode: str) -> dict[str, Any]:
    """``doc`` with its nodes' tracking mode: ``reference`` is chapter 04's tracking (the
    option ``track_ends: false``), ``ends`` the reference's swap reports to the ends
    (chapter 04 section 7, ``track_ends: true``)."""
    if mode not in ("reference", "ends"):
        raise ValueError(f"mode must be 'reference' or 'ends', not {mode!r}")
    return {**doc, "options": {**doc.get("options", {}), "track_ends": mode == "ends"}}


def _watch_world(net: Network) -> dict[Qubit, int]:
    """Wrap the world's ``resolve`` and ``bsm``: qubit -> time its pair's last link pair was
    heralded (the station's resolution of the slot), carried through every swap."""
    world, last = net.world, {}
    resolve, bsm = world.resolve, world.bsm

    def watched_resolve(link: int, slot: int, now: int, modes: int = 1) -> list[int]:
        cur = world.attempts.get(link)
        who = dict(cur[1]) if cur is not None and cur[0] == slot else {}
        before = {(n, h): world.pairs.get((n, h))
                  for n, hs in who.items() for h in hs if h is not None}
        codes = resolve(link, slot, now, modes)
        for q, old in before.items():
            new = world.pairs.get(q)
            if new is not None and new is not old:
                last[q] = now
        return codes

    def watched_bsm(node: int, left: int, right: int, now: int) -> int | None:
        ql, qr = (node, left), (node, right)
        pl, pr = world.pairs.get(ql), world.pairs.get(qr)
        t = max(last.pop(ql, 0), last.pop(qr, 0))
        m = bsm(node, left, right, now)
        if m is not None and pl is not None and pr is not None:
            for p, q in ((pl, ql), (pr, qr)):
                far = p.ends[1] if p.ends[0] == q else p.ends[0]
                if far is not None:
                    last[far] = t
        return m

    world.resolve, world.bsm = watched_resolve, watched_bsm  # type: ignore[method-assign]
    return last


class _NoCache(dict):  # type: ignore[type-arg]
    """A delay cache that never holds anything (every send asks ``Network._delay``)."""

    def get(self, key: Any, default: Any = None) -> Any:
        return default

    def __setitem__(self, key: Any, value: Any) -> None:
        return None


def _processing_delay(net: Network, proc_ns: int) -> None:
    """Every message from a node to another node takes ``proc_ns`` longer (a stand-in for
    the receiver's processing time; messages to and from stations are left alone)."""
    delay, nodes = net._delay, net.nodes

    def slower(src: int, dst: int) -> int:
        extra = proc_ns if src in nodes and dst in nodes and src != dst else 0
        return delay(src, dst) + extra

    net._delay_cache = _NoCache()
    net._delay = slower  # type: ignore[method-assign]


def instrumented(doc: dict[str, Any], mode: str, proc_ns: int = 0) -> Result:
    """Run ``doc`` traced and watched: results, messages, sharing, delivery latency; with
    ``proc_ns``, every node-to-node message takes that much longer."""
    sink = Traffic()
    latencies: list[int] = []
    doc = with_mode(doc, mode)
    net = Network.from_scenario(doc, trace=sink)  # type: ignore[arg-type]
    last = _watch_world(net)
    if proc_ns:
        _processing_delay(net, proc_ns)
    app = net._app_receive

    def watched_app(node: int, msg: dict[str, Any]) -> None:
        if msg["type"] == "PAIR_DELIVERY":
            t = last.get((node, msg["body"]["qubit_handle"]))
            if t is not None:
                latencies.append(net.now - t)
        app(node, msg)

    net._app_receive = watched_app  # type: ignore[method-assign]
    net.run_until(doc["duration_ns"])
    done = net.completed()
    ends = [e for n in net.nodes.values() for e in n.dataplane.values()
            if isinstance(e, EndsEndEngine)]
    expired = sum(e.evicted_reports for e in ends)
    peak = max((e.peak_buffered for e in ends), default=0)
    held, orphans = held_qubits(net)
    return Result(mode, len(done), sum(d.fidelity for d in done) / len(done) if done else 0.0,
                  net.events, net.check_invariants(), dict(net.error_counts), sink.sent,
                  sink.sharing(), sum(latencies) / len(latencies) / 1e3 if latencies
                  else float("nan"), len(latencies), expired, peak, held, orphans)


def held_qubits(net: Network) -> tuple[int, int]:
    """Qubits held by the nodes' swap and end engines, and those among them whose pair in the
    world has lost its other half (freed or consumed by a failed BSM) or is gone."""
    held = orphans = 0
    for nid, node in net.nodes.items():
        for eng in node.dataplane.values():
            for rec in eng.held.values():
                held += 1
                pair = net.world.pairs.get((nid, rec.qubit))
                if pair is None or None in pair.ends:
                    orphans += 1
    return held, orphans


def timed(doc: dict[str, Any], mode: str) -> tuple[int, int, float, float]:
    """Run ``doc`` bare: (pairs, events, CPU seconds, wall seconds) of the run loop only."""
    doc = with_mode(doc, mode)
    net = Network.from_scenario(doc)
    c, w = time.process_time(), time.perf_counter()
    net.run_until(doc["duration_ns"])
    cpu, wall = time.process_time() - c, time.perf_counter() - w
    return len(net.completed()), net.events, cpu, wall
