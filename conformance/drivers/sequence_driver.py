"""SeQUeNCe (Argonne's quantum-network simulator, PyPI ``sequence`` 0.8.5) as a driver of the
``network`` profile.

A ``network.run`` scenario is translated into a SeQUeNCe network: every QVCP node becomes a
``QuantumRouter``, every link a meet-in-the-middle pair of quantum channels with a BSM node
(Barrett-Kok generation), every request a reservation of SeQUeNCe's RSVP-like network manager.
SeQUeNCe's own protocols (generation, purification, swapping, reservation) run unchanged; this
module plays the two applications of each request and reports what they were handed. Every
mapping decision is listed in ``docs/sequence.md``. What SeQUeNCe 0.8.5 cannot express (memory
decoherence, gate and readout errors, link models other than a Werner pair, success
probabilities above one half, faults) is answered ``unsupported``.

Registered in the ``qvcp.drivers`` entry-point group as ``sequence`` (ket-vector formalism) and
``sequence-dm`` (density-matrix formalism); installed with ``pip install "qvcp[sequence]"``.
"""

from __future__ import annotations

import functools
import json
import math
import random
import tempfile
from collections import defaultdict, deque
from dataclasses import dataclass, field
from importlib import resources
from importlib.metadata import PackageNotFoundError, version
from typing import Any

__all__ = ["SequenceDensityMatrixDriver", "SequenceDriver", "translate"]

Json = dict[str, Any]

#: SeQUeNCe's Barrett-Kok generation heralds with probability eta^2 / 2 (eta: the detectors'
#: efficiency), so a link's success probability must be at most one half.
BK_MAX_SUCCESS = 0.5
#: speed of light in fibre, m/ns (SeQUeNCe's constant is 2e-4 m/ps)
FIBRE_M_PER_NS = 0.2
#: extra time a reservation's start leaves after the request for RSVP's round trip (ns)
RESERVATION_MARGIN_NS = 1000
#: SeQUeNCe timelines running now. The harness makes a fresh in-process driver only after it
#: gave up waiting for the last one (a timeout); the fresh driver stops the abandoned runs,
#: which would otherwise go on in their threads and slow every case after them.
_RUNNING: set[Any] = set()


class Unsupported(NotImplementedError):
    """A scenario feature SeQUeNCe 0.8.5 cannot express (answered ``unsupported``)."""


def _profile(name: str) -> Json:
    text = resources.files("qvcp.schemas.profiles").joinpath(f"{name}.json").read_text()
    params: Json = json.loads(text)["parameters"]
    return {k: v["value"] for k, v in params.items()}


def _node_params(node: Json) -> Json:
    """The node's hardware: its profile's parameters, overridden by the node's own fields."""
    prof = _profile(node.get("profile", "ideal"))
    out = {k: node.get(k, prof.get(k)) for k in
           ("memory_qubits", "comm_qubits", "t1_s", "t2_s", "gate_fidelity", "readout_fidelity",
            "bsm_success_probability")}
    for key in ("t1_s", "t2_s"):
        if out[key] is not None:
            raise Unsupported(f"node {node['name']}: {key}={out[key]}: SeQUeNCe 0.8.5 applies no "
                              "time-dependent decoherence in the ket and density-matrix "
                              "formalisms (its coherence_time is an expiry, used for cutoff_ns)")
    for key in ("gate_fidelity", "readout_fidelity"):
        if out[key] is not None and out[key] < 1:
            raise Unsupported(f"node {node['name']}: {key}={out[key]}: SeQUeNCe 0.8.5's swapping "
                              "and measurements are error-free")
    q = out["bsm_success_probability"]
    if q is not None and q < 1:
        raise Unsupported(f"node {node['name']}: bsm_success_probability={q}: not mapped (a "
                          "failed swap in QVCP discards both pairs and tells both partners, "
                          "TRK-030; the adapter does not translate that onto SeQUeNCe's "
                          "swapping success probability, whose failure handling differs)")
    return out


def _link_params(link: Json) -> Json:
    model = link.get("model", "werner")
    if model != "werner":
        raise Unsupported(f"link {link['a']}-{link['b']}: model {model!r}; only 'werner' is "
                          "mapped")
    p = float(link.get("success_probability", BK_MAX_SUCCESS))
    if p > BK_MAX_SUCCESS:
        raise Unsupported(f"link {link['a']}-{link['b']}: success_probability {p} above "
                          f"{BK_MAX_SUCCESS}, the most SeQUeNCe's Barrett-Kok generation reaches")
    return {"fidelity": float(link.get("fidelity", 1.0)), "eta": math.sqrt(2 * p),
            "distance_m": float(link["distance_km"]) * 1000,
            "preparation_ns": int(link.get("preparation_ns", 1000))}


def _per_node(values: dict[str, list[Any]], what: str) -> dict[str, Any]:
    out = {}
    for name, vals in values.items():
        if len(set(vals)) > 1:
            raise Unsupported(f"node {name}: its links differ in {what} ({sorted(set(vals))}); "
                              f"SeQUeNCe sets {what} per memory array, that is per node")
        out[name] = vals[0]
    return out


def translate(scenario: Json, *, seed: int, formalism: str, until_ns: int) -> Json:
    """The SeQUeNCe ``RouterNetTopo`` configuration of a QVCP scenario (see docs/sequence.md),
    plus ``detector_efficiency`` per BSM node name, which the topology file cannot carry."""
    if scenario.get("faults"):
        raise Unsupported("the scenario's faults section (capability network.faults is not "
                          "claimed)")
    options = scenario.get("options", {})
    cutoff_ns = int(options.get("cutoff_ns", 0))
    nodes = {n["name"]: n for n in scenario["nodes"]}
    hw = {name: _node_params(n) for name, n in nodes.items()}
    fidelity: dict[str, list[float]] = defaultdict(list)
    prep: dict[str, list[int]] = defaultdict(list)
    links = []
    for i, lk in enumerate(scenario["links"]):
        lp = _link_params(lk)
        links.append((lk["a"], lk["b"], lp, i))
        for end in (lk["a"], lk["b"]):
            fidelity[end].append(lp["fidelity"])
            prep[end].append(lp["preparation_ns"])
    raw = _per_node(fidelity, "link fidelity")
    period = _per_node(prep, "preparation_ns")
    templates, cfg_nodes = {}, []
    for i, (name, node) in enumerate(nodes.items()):
        templates[f"t_{name}"] = {"routing": "static", "MemoryArray": {
            "fidelity": raw.get(name, 1.0), "efficiency": 1.0,
            "frequency": 1e9 / max(period.get(name, 1000), 1),
            "coherence_time": cutoff_ns * 1e-9 if cutoff_ns else -1}}
        cfg_nodes.append({"name": name, "type": "QuantumRouter", "seed": seed * 1009 + i,
                          "memo_size": int(hw[name]["memory_qubits"]),
                          "template": f"t_{name}", "_id": node["id"]})
    qconnections, efficiency = [], {}
    for a, b, lp, i in links:
        qconnections.append({"node1": a, "node2": b, "attenuation": 0.0,
                             "distance": lp["distance_m"], "type": "meet_in_the_middle",
                             "seed": seed * 1013 + 500 + i})
        efficiency[f"BSM.{a}.{b}"] = lp["eta"]
    delay = _path_delays(list(nodes), [(a, b, lp["distance_m"]) for a, b, lp, _ in links])
    cconnections = [{"node1": a, "node2": b, "delay": int(delay[a][b] * 1000)}
                    for ia, a in enumerate(nodes) for b in list(nodes)[ia + 1:]
                    if math.isfinite(delay[a][b])]
    for n in cfg_nodes:
        n.pop("_id")
    return {"config": {"templates": templates, "nodes": cfg_nodes,
                       "qconnections": qconnections, "cconnections": cconnections,
                       "formalism": formalism, "stop_time": until_ns * 1000},
            "detector_efficiency": efficiency,
            "max_delay_ns": max((d for row in delay.values() for d in row.values()
                                 if math.isfinite(d)), default=0.0)}


def _path_delays(names: list[str], edges: list[tuple[str, str, float]]
                 ) -> dict[str, dict[str, float]]:
    """Classical delay (ns) between every two nodes: the shortest fibre path over the links."""
    d = {a: {b: (0.0 if a == b else math.inf) for b in names} for a in names}
    for a, b, m in edges:
        d[a][b] = d[b][a] = min(d[a][b], m / FIBRE_M_PER_NS)
    for k in names:
        for a in names:
            for b in names:
                d[a][b] = min(d[a][b], d[a][k] + d[k][b])
    return d


# --- the run -----------------------------------------------------------------------------------

_BASIS_GATES = {"Z": (), "X": ("h",), "Y": ("sdg", "h")}


@dataclass
class _Request:
    index: int
    head: str
    tail: str
    num_pairs: int
    circuit_id: int
    reservation: Any = None
    established: bool = False
    rejected: bool = False
    torn_down: bool = False
    delivered: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    #: (head memory index, tail memory index) -> reports of one end awaiting the other
    waiting: dict[tuple[int, int], deque[tuple[str, Json, Any]]] = field(
        default_factory=lambda: defaultdict(deque))
    next_pair: int = 0

    def done(self) -> bool:
        return self.rejected or self.torn_down


def _memory_index(remote_memo: Any) -> int:
    """``'T.MemoryArray[3]'`` -> 3 (SeQUeNCe names a remote memory by its component name)."""
    return int(str(remote_memo).rsplit("[", 1)[1].rstrip("]"))


class _Run:
    """One ``network.run``: SeQUeNCe's network, one application per end node, the results."""

    def __init__(self, args: Json, formalism: str) -> None:
        from sequence.topology.router_net_topo import RouterNetTopo

        scenario, self.seed = args["scenario"], int(args["seed"])
        self.until_ns = int(args["until_ns"])
        self.ids = {n["name"]: int(n["id"]) for n in scenario["nodes"]}
        self.bases = list((args.get("measure") or {}).get("bases", []))
        self.rng = random.Random(self.seed)
        self.slots = int(scenario.get("options", {}).get("slots_per_link", 1))
        built = translate(scenario, seed=self.seed, formalism=formalism, until_ns=self.until_ns)
        self.max_delay_ns = built["max_delay_ns"]
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=True) as tmp:
            json.dump(built["config"], tmp)
            tmp.flush()
            self.topo = RouterNetTopo(tmp.name)
        self.tl = self.topo.get_timeline()
        self.tl.show_progress = False
        self.routers = {r.name: r for r in
                        self.topo.get_nodes_by_type(RouterNetTopo.QUANTUM_ROUTER)}
        for node in self.topo.get_nodes_by_type(RouterNetTopo.BSM_NODE):
            bsm = node.get_components_by_type("SingleAtomBSM")[0]
            bsm.update_detectors_params("efficiency", built["detector_efficiency"][node.name])
        self.circuits: list[Json] = list(args["circuits"])
        self.requests: list[_Request] = []
        self.deliveries: list[Json] = []
        counters: dict[str, int] = defaultdict(int)
        for i, c in enumerate(args["circuits"]):
            for end in (c["head"], c["tail"]):
                if end not in self.routers:
                    raise ValueError(f"circuit {i}: no node named {end!r}")
            if c["head"] == c["tail"]:
                raise ValueError(f"circuit {i}: head and tail are both {c['head']!r}")
            counters[c["head"]] += 1
            cid = (self.ids[c["head"]] << 16) | counters[c["head"]]
            self.requests.append(_Request(i, c["head"], c["tail"], int(c["num_pairs"]), cid))
        app = _app_class()
        self.apps = {name: app(self, router) for name, router in self.routers.items()}

    def run(self) -> Json:
        from sequence.kernel.event import Event
        from sequence.kernel.process import Process

        self.tl.init()
        _RUNNING.add(self.tl)
        for req in self.requests:
            start_ns = int(self.circuits[req.index].get("start_ns", 0))
            min_fid = float(self.circuits[req.index].get("min_fidelity", 0.0))
            process = Process(self, "_reserve", [req, start_ns, min_fid])
            self.tl.schedule(Event(start_ns * 1000, process))
        try:
            self.tl.run()
        finally:
            _RUNNING.discard(self.tl)
        return self._result()

    def _reserve(self, req: _Request, start_ns: int, min_fid: float) -> None:
        """The head's application asks its network manager for a reservation from shortly
        after now (RSVP must reach every hop first) to the end of the run."""
        begin = start_ns + int(4 * self.max_delay_ns) + RESERVATION_MARGIN_NS
        self.routers[req.head].reserve_net_resource(
            req.tail, begin * 1000, self.until_ns * 1000, self.slots,
            max(min_fid, 1e-9), req.num_pairs, req.index)

    # --- what the applications see ---------------------------------------------------------

    def reservation_result(self, reservation: Any, approved: bool) -> None:
        req = self.requests[reservation.identity]
        req.reservation = reservation
        req.established, req.rejected = approved, not approved
        self._maybe_stop()

    def memory(self, node: str, info: Any, reservation: Any) -> None:
        """A memory the resource manager hands an end's application (SeQUeNCe's RequestApp
        semantics: entangled with the other end, fidelity label at least the target)."""
        req = self.requests[reservation.identity]
        far = req.tail if node == req.head else req.head
        if info.state != "ENTANGLED" or info.remote_node != far \
                or info.fidelity < reservation.fidelity:
            return
        rm = self.routers[node].resource_manager
        if req.delivered[node] >= req.num_pairs or req.done():
            rm.update(None, info.memory, "RAW")  # the application wants no more pairs
            return
        req.delivered[node] += 1
        entry: Json = {"node": self.ids[node], "circuit_id": req.circuit_id, "pair_id": -1,
                       "bell_state": "PHI_PLUS",
                       "fidelity_estimate": max(0, min(65535, round(info.fidelity * 65535))),
                       "at_ns": self.tl.now() // 1000}
        expire = info.memory.get_expire_time()
        if math.isfinite(expire):
            entry["expires_ns"] = int(expire) // 1000
        self.deliveries.append(entry)
        key = (info.index, _memory_index(info.remote_memo)) if node == req.head else \
            (_memory_index(info.remote_memo), info.index)
        queue = req.waiting[key]
        if queue and queue[0][0] != node:
            other_node, other_entry, other_memory = queue.popleft()
            req.next_pair += 1
            entry["pair_id"] = other_entry["pair_id"] = req.next_pair
            if self.bases:
                self._measure(entry, info.memory, other_entry, other_memory)
                self.routers[other_node].resource_manager.update(None, other_memory, "RAW")
        else:
            queue.append((node, entry, info.memory))
        if not self.bases or entry["pair_id"] >= 0:
            rm.update(None, info.memory, "RAW")
        if all(req.delivered[end] >= req.num_pairs for end in (req.head, req.tail)) \
                and not any(req.waiting.values()):
            self._end(req)

    def _measure(self, a: Json, mem_a: Any, b: Json, mem_b: Any) -> None:
        """Both applications measure the pair in one basis, drawn from the requested ones,
        through SeQUeNCe's quantum manager."""
        from sequence.components.circuit import Circuit

        basis = self.rng.choice(self.bases)
        circ = Circuit(2)
        for q in (0, 1):
            for gate in _BASIS_GATES[basis]:
                getattr(circ, gate)(q)
            circ.measure(q)
        keys = [mem_a.qstate_key, mem_b.qstate_key]
        bits = self.tl.quantum_manager.run_circuit(circ, keys, self.rng.random())
        a.update(basis=basis, outcome=int(bits[keys[0]]))
        b.update(basis=basis, outcome=int(bits[keys[1]]))

    def _end(self, req: _Request) -> None:
        """The request has its pairs: end its reservation now with the actions SeQUeNCe
        schedules for a reservation's end time (expire its rules, free its memories)."""
        res = req.reservation
        for name in res.path:
            node = self.routers[name]
            node.resource_manager.expire_rules_by_reservation(res)
            for card in node.network_manager.get_timecards():
                if res in card.reservations:
                    memory = node.components[node.memo_arr_name][card.memory_index]
                    node.resource_manager.update(None, memory, "RAW")
                    self.apps[name].memo_to_reservation.pop(card.memory_index, None)
        req.torn_down = True
        self._maybe_stop()

    def _maybe_stop(self) -> None:
        if all(r.done() for r in self.requests):
            self.tl.stop()

    def _result(self) -> Json:
        for req in self.requests:  # one-sided deliveries keep their own pair ids
            for queue in req.waiting.values():
                for _, entry, _ in queue:
                    req.next_pair += 1
                    entry["pair_id"] = req.next_pair
        circuits = [{"circuit_id": r.circuit_id, "request": r.index,
                     "established": r.established,
                     "rejected": {"reason": "NO_RESOURCES"} if r.rejected else None,
                     "torn_down": r.torn_down} for r in self.requests]
        in_use = []
        for name, node in sorted(self.routers.items(), key=lambda kv: self.ids[kv[0]]):
            manager = node.resource_manager.memory_manager
            held = sum(1 for i in range(len(manager)) if manager[i].state != "RAW")
            in_use.append({"node": self.ids[name], "qubits_in_use": held})
        return {"deliveries": self.deliveries, "circuits": circuits, "qubits_in_use": in_use}


@functools.cache
def _app_class() -> type:
    """SeQUeNCe's ``RequestApp`` subclassed (imported only when a run needs it)."""
    from sequence.app.request_app import RequestApp

    class App(RequestApp):  # type: ignore[misc]
        """An end node's applications: forwards reservations and memories to the run."""

        def __init__(self, run: _Run, node: Any) -> None:
            super().__init__(node)
            self.run = run

        def get_reservation_result(self, reservation: Any, result: bool) -> None:
            super().get_reservation_result(reservation, result)
            self.run.reservation_result(reservation, result)

        def get_memory(self, info: Any) -> None:
            reservation = self.memo_to_reservation.get(info.index)
            if reservation is not None:
                self.run.memory(self.node.name, info, reservation)

    return App


class SequenceDriver:
    """Driver protocol verbs of the network profile, backed by SeQUeNCe (ket formalism)."""

    formalism = "ket_vector"
    profiles: tuple[str, ...] = ("network",)
    capabilities: tuple[str, ...] = ("network.measure",)

    def __init__(self) -> None:
        for timeline in list(_RUNNING):  # runs of drivers the harness abandoned
            timeline.stop()

    def hello(self, *, protocol: int, harness: str) -> Json:
        try:
            release = version("sequence")
        except PackageNotFoundError:
            raise RuntimeError('SeQUeNCe is not installed: pip install -e ".[sequence]" '
                               "(sequence==0.8.5)") from None
        return {"protocol": 1,
                "implementation": {"name": f"sequence ({self.formalism})",
                                   "version": release, "language": "Python",
                                   "homepage": "https://github.com/sequence-toolbox/SeQUeNCe"},
                "spec_version": "1.0", "profiles": list(self.profiles),
                "capabilities": list(self.capabilities)}

    def reset(self) -> Json:
        return {}

    def bye(self) -> Json:
        return {}

    def network_run(self, *, scenario: Json, circuits: list[Json], until_ns: int, seed: int,
                    measure: Json | None = None) -> Json:
        args = {"scenario": scenario, "circuits": circuits, "until_ns": until_ns, "seed": seed,
                "measure": measure}
        bases = (measure or {}).get("bases", [])
        if measure is not None and not bases:
            raise Unsupported("measure without bases")
        return _Run(args, self.formalism).run()


class SequenceDensityMatrixDriver(SequenceDriver):
    """The same translation, run in SeQUeNCe's density-matrix formalism."""

    formalism = "density_matrix"


# --- the same driver over stdio (``--driver "exec:python -m ..."``) -----------------------------

def serve(driver: SequenceDriver, stdin: Any = None, stdout: Any = None) -> None:
    """Answer driver-protocol requests, one JSON object per line, until ``bye`` or end of input.

    SeQUeNCe's own output goes to stderr, so that stdout carries protocol lines only.
    """
    import contextlib
    import sys

    stdin = stdin or sys.stdin
    out = stdout or sys.stdout
    for line in stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        verb = req.get("verb", "")
        method = getattr(driver, verb.replace(".", "_"), None)
        try:
            if method is None:
                raise Unsupported("not implemented (network profile only)")
            with contextlib.redirect_stdout(sys.stderr):
                answer: Json = {"id": req["id"], "result": method(**req.get("args", {}))}
        except NotImplementedError as exc:
            answer = {"id": req["id"], "error": {"kind": "unsupported", "message": str(exc)}}
        except Exception as exc:  # the implementation tried and could not
            answer = {"id": req["id"], "error": {"kind": "failed",
                                                 "message": f"{type(exc).__name__}: {exc}"}}
        out.write(json.dumps(answer) + "\n")
        out.flush()
        if verb == "bye":
            return


def main(argv: list[str] | None = None) -> int:
    """``python -m qvcp.conformance.drivers.sequence_driver [--formalism F]``."""
    import argparse

    parser = argparse.ArgumentParser(description="SeQUeNCe as a QVCP driver over stdio")
    parser.add_argument("--formalism", choices=["ket_vector", "density_matrix"],
                        default="ket_vector")
    args = parser.parse_args(argv)
    serve(SequenceDensityMatrixDriver() if args.formalism == "density_matrix"
          else SequenceDriver())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
